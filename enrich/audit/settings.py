"""The audit's inputs besides the documents: its settings and the run's corpus statistics.

:class:`AuditSettings` checks its values when built (a wrong one raises
:class:`~enrich.errors.ConfigError` naming the setting); :func:`corpus_stats` and
:func:`merge_stats` count, per citation key, the run's edge claims that cite it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NoReturn

from enrich.audit.resources import ResourcePaper, load_registry
from enrich.errors import ConfigError
from enrich.model import ClaimKind, Document

_HIGH_THROUGHPUT = (
    "chromatin immunoprecipitation assay",  # TFLink's label for ReMap/GTRD ChIP-seq edges
    "ChIP-seq",
    "ChIP-chip",
    "ChIP-exo",
    "DAP-seq",
    "HT-SELEX",
    "protein binding microarray",
)


@dataclass(frozen=True, slots=True)
class AuditSettings:
    """The audit's knobs; the defaults are the documented behaviour."""

    resources: tuple[ResourcePaper, ...] = field(default_factory=load_registry)
    resource_share: float = 0.25  #: corpus detection: cited by >= this share of edges ...
    resource_min_edges: int = 10  #: ... and by at least this many edges
    primary_for_a: int = 2  #: grade A needs this many primary papers
    high_throughput_methods: tuple[str, ...] = _HIGH_THROUGHPUT  #: compared case-insensitively

    def __post_init__(self) -> None:
        """Raise ConfigError, one line naming the setting, for a value of the wrong kind."""
        share = self.resource_share
        if not _is_number(share) or not 0 < share <= 1:
            _bad_setting("resource_share", "a number between 0 and 1", share)
        for name in ("resource_min_edges", "primary_for_a"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                _bad_setting(name, "a positive integer", value)
        methods = self.high_throughput_methods
        if not isinstance(methods, tuple) or not all(isinstance(m, str) for m in methods):
            _bad_setting("high_throughput_methods", "a list of strings", methods)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bad_setting(name: str, expected: str, value: object) -> NoReturn:
    raise ConfigError(f"audit.{name} must be {expected}, got {value!r}")


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """How often each citation key is cited by the edge claims of a run."""

    edges: int = 0
    edges_citing: Mapping[str, int] = field(default_factory=dict)  #: key -> edge claims citing it


def corpus_stats(documents: Iterable[Document]) -> CorpusStats:
    """Count the run's edge claims and, per citation key, the edge claims that cite it."""
    edges = 0
    citing: Counter[str] = Counter()
    for document in documents:
        for claim in document.claims:
            if claim.kind is ClaimKind.EDGE:
                edges += 1
                citing.update({citation.key for citation in claim.citations})
    return CorpusStats(edges, dict(citing))


def merge_stats(parts: Iterable[CorpusStats]) -> CorpusStats:
    """The stats of a run made of the documents behind ``parts`` (e.g. one per document)."""
    edges = 0
    citing: Counter[str] = Counter()
    for part in parts:
        edges += part.edges
        citing.update(part.edges_citing)
    return CorpusStats(edges, dict(citing))
