"""Any other text (Markdown, HTML, plain text, a reference list): harvest identifiers.

PMIDs and DOIs found in the text become citations that are not attached to a
claim.  Where one line holds exactly one PMID and one DOI (a reference-list
entry), they are taken as the same paper, so the audit can check that they agree.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import PurePath

from enrich.extract.limits import MAX_DOCUMENT_ITEMS, too_many
from enrich.identifiers import Found, find_identifiers, is_valid_doi, normalize_doi, normalize_pmid
from enrich.model import Citation, Document, Problem, Style


def read_text(path: str, text: str) -> Document:
    """Every PMID and DOI mentioned in ``text``, de-duplicated, malformed ones reported.

    HTML (a ``.html``/``.htm`` file, or text opening with ``<!doctype html`` or ``<html``)
    is searched with its character references decoded: ``&lt;`` in a SICI DOI is its
    ``<``, and ``&nbsp;`` ends a DOI as a space does.
    """
    if _is_html(path, text):
        text = html.unescape(text)
    by_line: dict[int, list[Found]] = defaultdict(list)
    line, counted_to = 1, 0
    for number, found in enumerate(
        find_identifiers(text, MAX_DOCUMENT_ITEMS), 1
    ):  # in offset order
        if number > MAX_DOCUMENT_ITEMS:
            problem = too_many(path, "identifiers or more", number)
            return Document(path, Style.TEXT, problems=(problem,))
        line += text.count("\n", counted_to, found.offset)
        counted_to = found.offset
        by_line[line].append(found)
    problems: list[Problem] = []
    citations: dict[str, Citation] = {}
    for line, found_on_line in by_line.items():
        for citation in _line_citations(path, line, found_on_line, problems):
            citations.setdefault(citation.key, citation)
    return Document(path, Style.TEXT, citations=tuple(citations.values()), problems=tuple(problems))


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
