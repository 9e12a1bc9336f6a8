"""The resource registry: papers that describe a database or resource, not an interaction.

The packaged list is ``enrich/audit/resources.yaml``; users add entries under ``resources:``
in enrich.yaml.  Both are read by :func:`resource_papers_from_config`, which raises
:class:`~enrich.errors.ConfigError` with a one-line message for any malformed entry.
The audit (:mod:`enrich.audit`) flags citations of these papers ``resource``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources as package_files
from typing import Any

import yaml

from enrich.errors import ConfigError
from enrich.identifiers import is_valid_doi, normalize_doi, normalize_pmid

__all__ = ["ResourcePaper", "load_registry", "resource_papers_from_config"]


@dataclass(frozen=True, slots=True)
class ResourcePaper:
    """A paper that describes a database or resource rather than an interaction."""

    name: str
    pmids: tuple[str, ...]
    dois: tuple[str, ...]
    source: str  #: where the identification comes from (a URL or citation); in every reason
    citation: str = ""  #: the paper's own citation, shown where PubMed has no record of it


_ENTRY_KEYS = ("name", "pmids", "dois", "source", "citation")


def resource_papers_from_config(data: Any) -> tuple[ResourcePaper, ...]:
    """The resource papers of a ``resources:`` list as YAML loads it (None gives none).

    Each entry must be a mapping with a non-empty ``name`` and ``source`` (where the
    identification comes from, as a URL or citation a user can check) and at least one
    PMID or DOI in the lists ``pmids`` and ``dois``; ``citation`` (the paper's own) is
    optional.  Identifiers are normalised.  Any other shape raises ConfigError with a
    one-line message.
    """
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ConfigError(f"resources: expected a list of entries, got {type(data).__name__}")
    return tuple(_resource_paper(f"resources entry {n}", entry) for n, entry in enumerate(data, 1))


def _resource_paper(where: str, entry: Any) -> ResourcePaper:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a mapping with keys {', '.join(_ENTRY_KEYS)}")
    unknown = sorted(str(key) for key in entry if key not in _ENTRY_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {', '.join(unknown)}")
    name = _config_text(entry.get("name"), f"{where}: name")
    where = f"{where} ({name})"
    source = _config_text(entry.get("source"), f"{where}: source")
    pmids = _config_ids(entry.get("pmids"), f"{where}: pmids", _config_pmid)
    dois = _config_ids(entry.get("dois"), f"{where}: dois", _config_doi)
    if not pmids and not dois:
        raise ConfigError(f"{where}: give at least one PMID or DOI")
    citation = entry.get("citation")
    citation = _config_text(citation, f"{where}: citation") if citation is not None else ""
    return ResourcePaper(name, pmids, dois, source, citation)


def _config_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{what}: expected non-empty text")
    return value.strip()


def _config_ids(value: Any, what: str, normalise: Callable[[Any], str | None]) -> tuple[str, ...]:
    if not isinstance(value, list | None):
        raise ConfigError(f"{what}: expected a list")
    ids = []
    for item in value or ():
        normalised = normalise(item)
        if normalised is None:
            raise ConfigError(f"{what}: {item!r} is not valid")
        ids.append(normalised)
    return tuple(ids)


def _config_pmid(value: Any) -> str | None:
    ok = isinstance(value, str | int) and not isinstance(value, bool)
    return normalize_pmid(str(value)) if ok else None


def _config_doi(value: Any) -> str | None:
    doi = normalize_doi(value) if isinstance(value, str) else ""
    return doi if is_valid_doi(doi) else None


@cache
def _packaged_registry() -> tuple[ResourcePaper, ...]:
    text = (
        package_files.files("enrich.audit").joinpath("resources.yaml").read_text(encoding="utf-8")
    )
    return resource_papers_from_config(yaml.safe_load(text))


def load_registry(extra: Iterable[ResourcePaper] = ()) -> tuple[ResourcePaper, ...]:
    """The packaged registry of resource papers followed by ``extra`` (e.g. from enrich.yaml)."""
    return _packaged_registry() + tuple(extra)
