"""The Markdown report of one audited document. Pure: an AuditedDocument in, a string out.

Every piece of text that comes from a document or from PubMed goes through
:func:`md_escape`, so a rendered report shows it as text: it cannot open a
table cell, a link, an HTML tag or a code span.

The lines made from values that recur across documents (a paper's line, a flag's,
a claim's sources and methods) are remembered in bounded caches (least recently used
first out) keyed by the frozen model values they are made from and by nothing else.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache
from urllib.parse import quote

from enrich.audit.legend import FLAG_MEANINGS, GRADE_MEANINGS, PRIMARY
from enrich.figures import count
from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    ClaimKind,
    ClaimVerdict,
    Flag,
    FlagName,
    Grade,
    PaperRecord,
    Status,
)
from enrich.report.provenance import Provenance, provenance_markdown
from enrich.report.summary import CITATION_FLAGS_NOTE, CLAIM_FLAGS_NOTE, split_flags
from enrich.report.view import flag_occurrences, gene_summary, paper_year, short_authors

__all__ = ["doi_url", "gene_url", "md_escape", "pubmed_url", "render_markdown"]

_SPECIAL = re.compile(r"[\\`*_\[\]<>|#!~]")


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match.group()


def md_escape(text: str | None) -> str:
    """``text`` on one line with Markdown-significant characters backslash-escaped."""
    collapsed = " ".join((text or "").split())
    return _SPECIAL.sub(_backslashed, collapsed).replace("&", "&amp;")


def pubmed_url(pmid: str) -> str:
    """The PubMed page of ``pmid`` (digits only; anything else is percent-encoded)."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/"


def gene_url(gene_id: str) -> str:
    """The NCBI Gene page of ``gene_id`` (anything but digits percent-encoded)."""
    return f"https://www.ncbi.nlm.nih.gov/gene/{quote(gene_id, safe='')}"


def doi_url(doi: str) -> str:
    """The doi.org link of ``doi``, with characters that could end a link percent-encoded."""
    return "https://doi.org/" + quote(doi, safe="/:;._-")


def _flag_lines(flags: tuple[Flag, ...], indent: str) -> list[str]:
    return [_flag_line(f.name, f.reason, indent) for f in flags]


@lru_cache(maxsize=8192)  # the same few flags are on most claims of most documents
def _flag_line(name: str, reason: str, indent: str) -> str:
    return f"{indent}- ⚑ **{md_escape(name)}**: {md_escape(reason)}"


def _links(pmid: str | None, unlinked_pmid: str | None, doi: str | None) -> list[str]:
    """Links to PubMed and doi.org; ``unlinked_pmid``, as text, when there is no ``pmid``."""
    links = []
    if pmid:
        links.append(f"[PMID {md_escape(pmid)}]({pubmed_url(pmid)})")
    elif unlinked_pmid:
        links.append(f"PMID {md_escape(unlinked_pmid)}")
    if doi:
        links.append(f"[doi:{md_escape(doi)}]({doi_url(doi)})")
    return links


def _paper_entry(number: int, cited: CitationVerdict, memo: dict[int, str]) -> str:
    """The numbered entry of one cited paper, on one line or more.  ``memo`` (by verdict
    identity, safe while the document keeps its verdicts alive) spares making again the
    entry of a verdict that many claims cite."""
    body = memo.get(id(cited))
    if body is None:
        body = memo[id(cited)] = "\n".join([_paper_line(cited), *_flag_lines(cited.flags, "   ")])
    return f"{number}. {body}"


def _paper_line(cited: CitationVerdict) -> str:
    """Authors, title, journal, year, links and status of a cited paper, on one line."""
    citation, resolution, record = cited.citation, cited.resolution, cited.resolution.record
    if record is None:
        return _citation_line(citation, resolution.status, resolution.reason)
    valid_doi = citation.doi if "doi" not in citation.invalid else None
    unlinked_pmid = None if record.pmid else citation.pmid
    return _record_line(
        record, record.doi or valid_doi, unlinked_pmid, resolution.status, resolution.reason
    )


@lru_cache(maxsize=2048)  # database papers are in nearly all documents (small: as _record_json)
def _record_line(
    record: PaperRecord, doi: str | None, unlinked_pmid: str | None, status: Status, reason: str
) -> str:
    """The line of a paper PubMed gave the record of."""
    authors, journal = short_authors(record.authors), record.journal_iso or record.journal
    links = _links(record.pmid, unlinked_pmid, doi)
    return _described(authors, record.title, journal, paper_year(record), links, status, reason)


@lru_cache(maxsize=1024)  # as _record_line
def _citation_line(citation: Citation, status: Status, reason: str) -> str:
    """The line of a paper only the document describes."""
    pmid = citation.pmid if "pmid" not in citation.invalid else None
    doi = citation.doi if "doi" not in citation.invalid else None
    authors, title, journal = citation.authors or "", citation.title or "", citation.journal or ""
    links = _links(pmid, citation.pmid, doi)
    year = str(citation.year) if citation.year is not None else ""
    return _described(authors, title, journal, year, links, status, reason)


def _described(
    authors: str,
    title: str,
    journal: str,
    year: str,
    links: list[str],
    status: Status,
    reason: str,
) -> str:
    """Authors, *title*, journal (year), links and status, joined by " · "."""
    parts = [md_escape(authors)] if authors else []
    parts.append(f"*{md_escape(title)}*" if title else "*(no title known)*")
    where = " ".join(p for p in (md_escape(journal), f"({year})" if year else "") if p)
    if where:
        parts.append(where)
    parts += links
    if status is Status.RESOLVED:
        parts.append("resolved")
    else:
        more = f": {md_escape(reason)}" if reason else ""
        parts.append(f"**{status.value.replace('_', ' ')}**{more}")
    return " · ".join(parts)


def _gene_link(gene_id: str) -> str:
    """A Gene ID linked to its NCBI Gene page (only an ID of digits is linked)."""
    shown = f"Gene ID {md_escape(gene_id)}"
    return f"[{shown}]({gene_url(gene_id)})" if gene_id.isdigit() else shown


@cache
def _legend() -> str:
    """The grades and flags explained: the same at the end of every report."""
    lines = ["## Legend", "", PRIMARY, ""]
    lines += [f"- Grade **{g.value}**: {GRADE_MEANINGS[g]}" for g in Grade]
    lines.append("")
    lines += [f"- ⚑ **{md_escape(f.value)}**: {FLAG_MEANINGS[f]}" for f in FlagName]
    return "\n".join(lines)


#: md_escape for short texts that recur across documents: claim ids and locations, gene
#: symbols, flag names.
_escaped = lru_cache(maxsize=16384)(md_escape)


def _claim_heading(verdict: ClaimVerdict) -> str:
    claim = verdict.claim
    if claim.kind is ClaimKind.EDGE:
        what = f"{_escaped(claim.regulator or '?')} → {_escaped(claim.target or '?')}"
        return f"### {_escaped(claim.id)}: {what} (grade {verdict.grade})"
    return f"### {_escaped(claim.id)}: statement (grade {verdict.grade})"


def _claim_section(verdict: ClaimVerdict, memo: dict[int, str], lines: list[str]) -> None:
    """Append the section of one claim to ``lines`` (an item may hold several lines)."""
    claim = verdict.claim
    lines += [_claim_heading(verdict), ""]
    if claim.kind is ClaimKind.STATEMENT:
        lines += [f"> {md_escape(claim.text)}", ""]
    lines.append(f"- Location: {_escaped(claim.location)}")
    details = _claim_details(claim.sources, claim.methods, claim.small_scale)
    if details:
        lines.append(details)
    lines.append(f"- Grade: **{verdict.grade}**{_why(verdict)}")
    if verdict.flags:
        lines += ["- Flags:", *_flag_lines(verdict.flags, "  ")]
    lines.append("")
    if verdict.citations:
        lines += ["Papers:", ""]
        for number, cited in enumerate(verdict.citations, start=1):
            lines.append(_paper_entry(number, cited, memo))
        lines.append("")
    else:
        lines += ["No papers cited.", ""]


@lru_cache(maxsize=4096)  # the same few combinations recur on most claims
def _claim_details(
    sources: tuple[str, ...], methods: tuple[str, ...], small_scale: bool | None
) -> str:
    """A claim's sources, methods and scale, one per line ("" when it has none)."""
    details = []
    if sources:
        details.append(f"- Sources: {md_escape('; '.join(sources))}")
    if methods:
        details.append(f"- Methods: {md_escape('; '.join(methods))}")
    if small_scale is not None:
        details.append(f"- Small-scale evidence: {'yes' if small_scale else 'no'}")
    return "\n".join(details)


def _why(verdict: ClaimVerdict) -> str:
    """ ": <the grade's reason>" without the grade it starts with."""
    reason, head = verdict.grade_reason, f"{verdict.grade}: "
    reason = reason[len(head) :] if reason.startswith(head) else reason
    return f": {md_escape(reason)}" if reason else ""


def _summary(doc: AuditedDocument) -> list[str]:
    grades = Counter([str(v.grade) for v in doc.claims])
    lines = ["## Summary", "", "| Grade | Claims |", "|---|---:|"]
    lines += [f"| {g.value} | {count(grades.get(g.value, 0))} |" for g in Grade]
    claim_flags, citation_flags = split_flags(flag_occurrences(doc))
    lines.append("")
    for label, pairs, note in (
        ("Claim flags", claim_flags, CLAIM_FLAGS_NOTE),
        ("Citation flags", citation_flags, CITATION_FLAGS_NOTE),
    ):
        shown = ", ".join([f"**{_escaped(n)}** ({count(c)})" for n, c in pairs])
        lines.append(f"{label} ({note}): {shown}" if pairs else f"{label}: none")
        lines.append("")
    return lines


def _header(doc: AuditedDocument) -> list[str]:
    document, subject = doc.document, doc.document.subject
    title = md_escape(subject.symbol or subject.name or document.path)
    lines = [f"# {title}: evidence report", ""]
    lines.append(f"- Document: {md_escape(document.path)}")
    lines.append(f"- Style: {document.style}")
    if subject.name:
        lines.append(f"- Name: {md_escape(subject.name)}")
    ids = [
        f"{label} {md_escape(value)}"
        for label, value in (("UniProt", subject.uniprot), ("NCBI Gene", subject.gene_id))
        if value
    ]
    if ids:
        lines.append(f"- Identifiers: {', '.join(ids)}")
    if subject.organism:
        lines.append(f"- Organism: {md_escape(subject.organism)}")
    lines.append(f"- Claims: {count(len(doc.claims))}")
    return [*lines, ""]


def render_markdown(doc: AuditedDocument, provenance: Provenance | None = None) -> str:
    """The whole Markdown report of ``doc``: header, summary, problems, claims, loose papers;
    with ``provenance``, a test-data banner where it applies and where it comes from."""
    lines = _header(doc)
    if provenance is not None:
        lines[2:2] = provenance_markdown(provenance)  # under the title
    lines += _summary(doc)
    if doc.document.problems:
        lines += ["## Problems", ""]
        lines += [
            f"- {md_escape(p.location or 'whole file')}: {md_escape(p.message)}"
            for p in doc.document.problems
        ]
        lines.append("")
    lines += ["## Claims", ""]
    memo: dict[int, str] = {}
    for verdict in doc.claims:
        _claim_section(verdict, memo, lines)
    if not doc.claims:
        lines += ["No claims found.", ""]
    if doc.citations:
        lines += [
            "## Loose citations",
            "",
            "Cited by the document but not attached to a claim.",
            "",
        ]
        lines += [_paper_entry(n, cited, memo) for n, cited in enumerate(doc.citations, start=1)]
        lines.append("")
    if doc.genes:
        lines += ["## Gene names", "", gene_summary(doc), ""]
        lines += [
            f"- {_gene_link(g.gene_id)} ({g.status.value}): {md_escape(g.reason)}"
            for g in doc.genes
            if g.reason
        ]
        lines.append("")
    lines.append(_legend())
    while not lines[-1]:  # no blank lines at the end (no item ends with a newline) ...
        lines.pop()
    lines.append("")  # ... and one newline
    return "\n".join(lines)
