"""One reference of a Harmonizome Summary tree: its number and the Citation it gives.

An ``r`` node's children are the authors (text), the title (``b``), "Journal (year)"
(``i``) and DOI and PubMed links (``a``).  Identifiers come from link targets, else
link texts, else the reference's whole text; invalid ones are kept as written and
reported.  Also here: how problem messages quote JSON values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from enrich.identifiers import (
    doi_key,
    find_identifiers,
    is_valid_doi,
    normalize_doi,
    normalize_pmid,
    split_pubmed_term,
)
from enrich.model import Citation

__all__ = ["Parts", "Reporter", "as_ref_number", "citation_from_parts", "json_type", "show"]

_JOURNAL_YEAR = re.compile(r"(?P<journal>.*?)\s*\((?P<year>[0-9]{4})[a-z]?\)\s*\.?")
_REF_DIGITS = re.compile(r"[0-9]{1,15}")  # longer is no footnote number
_TERM = re.compile(r"(?:^|&)term=([^&]*)")

Reporter = Callable[[str], None]  #: takes one problem message about the reference


def as_ref_number(value: Any) -> int | None:
    """A footnote or reference number as an int: from an int or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _REF_DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def show(value: Any, width: int = 40) -> str:
    """A short quotation of a JSON value for a problem message."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return f"(a JSON {json_type(value)})"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def json_type(value: Any) -> str:
    """The JSON name of a value :func:`json.loads` returned: "object", "array", "number"..."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


@dataclass(slots=True)
class Parts:
    """What an ``r`` node's children say: first author text, title, journal line, links."""

    authors: str | None = None
    title: str | None = None
    journal: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  #: (href, link text)
    texts: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str, href: Any) -> None:
        self.texts.append(text)
        stripped = text.strip()
        if kind == "t" and self.authors is None and stripped:
            self.authors = stripped
        elif kind == "b" and self.title is None:
            self.title = stripped or None
        elif kind == "i" and self.journal is None:
            self.journal = stripped or None
        elif kind == "a":
            self.links.append((href if isinstance(href, str) else "", text))


def citation_from_parts(ref: str | None, parts: Parts, report: Reporter) -> Citation:
    """A Citation from a reference's parts; invalid identifiers kept as written and reported."""
    raw_pmid, raw_doi = _identifiers(parts.links, "".join(parts.texts), report)
    invalid: list[str] = []
    pmid = normalize_pmid(raw_pmid) if raw_pmid is not None else None
    if raw_pmid is not None and pmid is None:
        report(f"{show(raw_pmid)} is not a valid PMID")
        pmid = raw_pmid
        invalid.append("pmid")
    doi = normalize_doi(raw_doi) if raw_doi is not None else None
    if raw_doi is not None and not (doi and is_valid_doi(doi)):
        report(f"{show(raw_doi)} is not a valid DOI")
        doi = raw_doi
        invalid.append("doi")
    if raw_pmid is None and raw_doi is None:
        report("reference has neither a PMID nor a DOI")
    journal, year = _journal_year(parts.journal)
    return Citation(
        pmid=pmid,
        doi=doi,
        invalid=tuple(invalid),
        ref=ref,
        authors=parts.authors,
        title=parts.title,
        journal=journal,
        year=year,
    )


def _identifiers(
    links: list[tuple[str, str]], text: str, report: Reporter
) -> tuple[str | None, str | None]:
    """The raw PMID and DOI of a reference: from link targets, else link texts, else its text.

    A reference is one paper: a second PMID or DOI among its links (an erratum's, say), or in
    its text when the text is read for one, is not read, and is reported rather than
    dropped in silence."""
    found: dict[str, list[str]] = {"pmid": [], "doi": []}
    for href, link_text in links:
        kind, raw = _classify_link(href, link_text)
        if kind in found:
            found[kind].append(raw)
    missing = {kind for kind, raws in found.items() if not raws}
    if missing:
        for identifier in find_identifiers(text):
            if identifier.kind in missing:
                found[identifier.kind].append(identifier.raw)
    for kind, raws in found.items():
        others = dict.fromkeys(r for r in raws if _same(kind, r) != _same(kind, raws[0]))
        for other in others:
            label = kind.upper()
            report(
                f"reference names {label} {show(raws[0])} and {label} {show(other)}: "
                f"only the first is read (a reference is one paper)"
            )
    pmids, dois = found["pmid"], found["doi"]
    return (pmids[0] if pmids else None), (dois[0] if dois else None)


def _same(kind: str, raw: str) -> str:
    """``raw`` as identifiers of ``kind`` compare: one paper's PMID or DOI however written."""
    if kind == "pmid":
        return normalize_pmid(raw) or raw
    return doi_key(normalize_doi(raw))


def _classify_link(href: str, text: str) -> tuple[str | None, str]:
    """("pmid" | "doi" | None, the identifier as written) for one ``a`` node.

    From a doi.org target its path; from a PubMed target its last path part or its
    single ``?term=`` PMID; from another target the one PMID it gives as text does (a Europe
    PMC or old Entrez link); else from the link text, read as text is
    (:func:`~enrich.identifiers.find_identifiers`: ``DOI 10.…``, ``PMID: n``), or taken
    whole when it is digits (a PMID) or opens with ``10.`` or ``doi`` (a DOI).
    """
    try:
        parts = urlsplit(href.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts = urlsplit("")
    host = parts.netloc.lower()
    if host.endswith("doi.org") and parts.path.strip("/"):
        return "doi", parts.path.lstrip("/")
    if host.endswith("ncbi.nlm.nih.gov") and "pubmed" in host + parts.path:
        last = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if last and last != "pubmed":
            return "pmid", last
        term = _TERM.search(parts.query)
        tokens = split_pubmed_term(term[1]) if term is not None else []
        if len(tokens) == 1:
            return "pmid", tokens[0]
    in_target = [found for found in find_identifiers(href) if found.kind == "pmid"]
    if len(in_target) == 1:  # Europe PMC's MED/ID, an old Entrez list_uids=ID
        return "pmid", in_target[0].raw
    label = text.strip()
    found = next(find_identifiers(label), None)
    if found is not None:
        return found.kind, found.raw
    if label.startswith("10.") or label.lower().startswith("doi"):
        return "doi", label
    if label.isdigit():
        return "pmid", label
    return None, label


def _journal_year(text: str | None) -> tuple[str | None, int | None]:
    """("Cancer Cell", 2008) from "Cancer Cell (2008)"; the whole text and None otherwise."""
    if text is None:
        return None, None
    match = _JOURNAL_YEAR.fullmatch(text)
    if match is None:
        return text, None
    return match["journal"] or None, int(match["year"])
