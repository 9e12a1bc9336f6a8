"""Any other text (Markdown, HTML, plain text, a reference list): harvest identifiers.

PMIDs and DOIs found in the text become citations that are not attached to a
claim.  Where one line holds exactly one PMID and one DOI (a reference-list
entry), they are taken as the same paper, so the audit can check that they agree.
"""

from __future__ import annotations

import heapq
import html
from collections import defaultdict
from pathlib import PurePath

from enrich.extract._pmid_columns import find_column_pmids
from enrich.extract.limits import MAX_DOCUMENT_ITEMS, too_many
from enrich.identifiers import (
    Found,
    doi_key,
    find_identifiers,
    is_valid_doi,
    normalize_doi,
    normalize_pmid,
)
from enrich.model import Citation, Document, Problem, Style


def read_text(path: str, text: str) -> Document:
    """Every PMID and DOI mentioned in ``text``, de-duplicated, malformed ones reported; the
    bare numbers of a Markdown table's PMID column too.

    HTML (a ``.html``/``.htm`` file, or text opening with ``<!doctype html`` or ``<html``)
    is searched with its character references decoded: ``&lt;`` in a SICI DOI is its
    ``<``, and ``&nbsp;`` ends a DOI as a space does.
    """
    if _is_html(path, text):
        text = html.unescape(text)
    by_line: dict[int, list[Found]] = defaultdict(list)
    line, counted_to = 1, 0
    everything = heapq.merge(
        find_identifiers(text, MAX_DOCUMENT_ITEMS),
        find_column_pmids(text) if "|" in text else (),
        key=lambda found: found.offset,
    )
    for number, found in enumerate(everything, 1):  # in offset order
        if number > MAX_DOCUMENT_ITEMS:
            problem = too_many(path, "identifiers or more", number)
            return Document(path, Style.TEXT, problems=(problem,))
        line += text.count("\n", counted_to, found.offset)
        counted_to = found.offset
        by_line[line].append(found)
    problems: list[Problem] = []
    citations: list[Citation] = []
    places: dict[str, tuple[int, int]] = {}  #: citation keys, DOI keys: (index, line met)
    for line, found_on_line in by_line.items():
        for citation in _line_citations(path, line, found_on_line, problems):
            _merge(path, line, citation, citations, places, problems)
    unique = tuple(dict.fromkeys(citations))  # a paper met apart as PMID and as DOI: once
    return Document(path, Style.TEXT, citations=unique, problems=tuple(problems))


def _merge(
    path: str,
    line: int,
    citation: Citation,
    citations: list[Citation],
    places: dict[str, tuple[int, int]],
    problems: list[Problem],
) -> None:
    """Add ``citation`` to ``citations``, or complete the one naming the same paper.

    A paper is one citation, in the place it is first met: a later mention giving what an
    earlier one lacked (the DOI beside the PMID in a reference list, after the PMID alone in
    the text) completes it; a later mention whose PMID or DOI contradicts it (the same PMID
    with another DOI) is reported, never dropped in silence, and the first is kept.
    """
    names = [citation.key]
    if citation.doi and citation.pmid and not citation.invalid:
        names.append(f"doi:{doi_key(citation.doi)}")
    mets = [places[name] for name in names if name in places]
    if not mets:
        for name in names:
            places[name] = (len(citations), line)
        citations.append(citation)
        return
    index, first_line = met = mets[0]
    first = citations[index]
    if first == citation or citation.invalid or first.invalid:
        return
    pmid, doi = first.pmid or citation.pmid, first.doi or citation.doi
    joined = [index]  #: the places of the citations it completes
    other = next((m for m in mets if m[0] != index), None)  # its DOI cited on its own too
    if other is not None and not (first.doi or citations[other[0]].pmid):
        # the PMID and the DOI met apart, now together: one paper, where first met
        joined.append(other[0])
        met, doi, other = min(met, other), citations[other[0]].doi, None
    if other is not None:  # its DOI names another paper
        first_line, first = other[1], citations[other[0]]
    if (
        other is not None
        or pmid != (citation.pmid or pmid)
        or doi_key(doi or "") != doi_key(citation.doi or doi or "")
    ):
        problems.append(
            Problem(
                path,
                f"line {line}",
                f"{_names(citation)} contradicts {_names(first)} on line {first_line}: "
                "one paper, only the first is read",
            )
        )
        return
    for place in joined:  # the same Citation twice: read_text keeps the first
        citations[place] = Citation(pmid=pmid, doi=doi)
    if pmid:
        places[f"pmid:{pmid}"] = met
    if doi:
        places[f"doi:{doi_key(doi)}"] = met


def _names(citation: Citation) -> str:
    """``PMID 1 with DOI 10.1/x``: what a citation gives, for a problem message."""
    given = [
        f"PMID {citation.pmid}" if citation.pmid else "",
        f"DOI {citation.doi}" if citation.doi else "",
    ]
    return " with ".join(g for g in given if g)


_HTML_SUFFIXES = frozenset({".html", ".htm"})
_HTML_OPENINGS = ("<!doctype html", "<html")


def _is_html(path: str, text: str) -> bool:
    """Whether ``text`` is HTML: by its file name's suffix, or by how it opens."""
    if PurePath(path).suffix.lower() in _HTML_SUFFIXES:
        return True
    return text[:1024].lstrip().lower().startswith(_HTML_OPENINGS)


def _line_citations(
    path: str, line: int, found: list[Found], problems: list[Problem]
) -> list[Citation]:
    citations: list[Citation] = []
    for item in found:
        if item.kind == "pmid":
            pmid = normalize_pmid(item.raw)
            citation = Citation(pmid=pmid) if pmid else Citation(pmid=item.raw, invalid=("pmid",))
        else:
            doi = normalize_doi(item.raw)
            valid = is_valid_doi(doi)
            citation = Citation(doi=doi) if valid else Citation(doi=doi, invalid=("doi",))
        if citation.invalid:
            kind = "PMID" if item.kind == "pmid" else "DOI"
            problems.append(Problem(path, f"line {line}", f"{item.raw!r} is not a valid {kind}"))
        if citation.key not in {c.key for c in citations}:
            citations.append(citation)
    return _pair(citations)


def _pair(citations: list[Citation]) -> list[Citation]:
    """One PMID and one DOI on the same line are one reference."""
    pmids = [c for c in citations if c.pmid]
    dois = [c for c in citations if c.doi]
    if len(pmids) == 1 and len(dois) == 1 and not (pmids[0].invalid or dois[0].invalid):
        return [Citation(pmid=pmids[0].pmid, doi=dois[0].doi)]
    return citations
