"""The Markdown report of one audited document. Pure: an AuditedDocument in, a string out.

Every piece of text that comes from a document or from PubMed goes through
:func:`md_escape`, so a rendered report shows it as text: it cannot open a
table cell, a link, an HTML tag or a code span.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import quote

from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    ClaimKind,
    ClaimVerdict,
    Flag,
    Grade,
    Status,
)
from enrich.report.tables import flag_occurrences, short_authors

__all__ = ["doi_url", "md_escape", "pubmed_url", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def md_escape(text: str | None) -> str:
    """``text`` on one line with Markdown-significant characters backslash-escaped."""
    collapsed = " ".join((text or "").split())
    return _SPECIAL.sub(r"\\\1", collapsed).replace("&", "&amp;")


def pubmed_url(pmid: str) -> str:
    """The PubMed page of ``pmid`` (digits only; anything else is percent-encoded)."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/"


def doi_url(doi: str) -> str:
    """The doi.org link of ``doi``, with characters that could end a link percent-encoded."""
    return "https://doi.org/" + quote(doi, safe="/:;._-")


def _flag_lines(flags: tuple[Flag, ...], indent: str) -> list[str]:
    return [f"{indent}- ⚑ **{md_escape(f.name)}**: {md_escape(f.reason)}" for f in flags]


def _status_text(cited: CitationVerdict) -> str:
    status = cited.resolution.status
    if status is Status.RESOLVED:
        return "resolved"
    reason = f": {md_escape(cited.resolution.reason)}" if cited.resolution.reason else ""
    return f"**{status.value.replace('_', ' ')}**{reason}"


def _links(citation: Citation, pmid: str | None, doi: str | None) -> list[str]:
    links = []
    if pmid:
        links.append(f"[PMID {md_escape(pmid)}]({pubmed_url(pmid)})")
    elif citation.pmid:
        links.append(f"PMID {md_escape(citation.pmid)}")
    if doi:
        links.append(f"[doi:{md_escape(doi)}]({doi_url(doi)})")
    return links


def _paper_lines(number: int, cited: CitationVerdict, memo: dict[int, list[str]]) -> list[str]:
    """The numbered entry of one cited paper; ``memo`` (by verdict identity) spares
    re-rendering a paper that many claims cite with the same verdict."""
    body = memo.get(id(cited))
    if body is None:
        body = memo[id(cited)] = _paper_body(cited)
    return [f"{number}. {body[0]}", *body[1:]]


def _paper_body(cited: CitationVerdict) -> list[str]:
    citation, record = cited.citation, cited.resolution.record
    valid_pmid = citation.pmid if "pmid" not in citation.invalid else None
    valid_doi = citation.doi if "doi" not in citation.invalid else None
    pmid: str | None
    if record is not None:
        authors = short_authors(record.authors)
        title, journal, year = record.title, record.journal_iso or record.journal, record.year
        pmid, doi = record.pmid, record.doi or valid_doi
    else:
        authors, title = citation.authors or "", citation.title or ""
        journal, year, pmid, doi = citation.journal or "", citation.year, valid_pmid, valid_doi
    parts = [md_escape(authors)] if authors else []
    parts.append(f"*{md_escape(title)}*" if title else "*(no title known)*")
    where = " ".join(p for p in (md_escape(journal), f"({year})" if year else "") if p)
    if where:
        parts.append(where)
    parts += _links(citation, pmid, doi)
    parts.append(_status_text(cited))
    return [" · ".join(parts), *_flag_lines(cited.flags, "   ")]


def _claim_heading(verdict: ClaimVerdict) -> str:
    claim = verdict.claim
    if claim.kind is ClaimKind.EDGE:
        what = f"{md_escape(claim.regulator or '?')} → {md_escape(claim.target or '?')}"
        return f"### {md_escape(claim.id)}: {what} (grade {verdict.grade})"
    return f"### {md_escape(claim.id)}: statement (grade {verdict.grade})"


def _claim_section(verdict: ClaimVerdict, memo: dict[int, list[str]]) -> list[str]:
    claim = verdict.claim
    lines = [_claim_heading(verdict), ""]
    if claim.kind is ClaimKind.STATEMENT:
        lines += [f"> {md_escape(claim.text)}", ""]
    details = [f"- Location: {md_escape(claim.location)}"]
    if claim.sources:
        details.append(f"- Sources: {md_escape('; '.join(claim.sources))}")
    if claim.methods:
        details.append(f"- Methods: {md_escape('; '.join(claim.methods))}")
    if claim.small_scale is not None:
        details.append(f"- Small-scale evidence: {'yes' if claim.small_scale else 'no'}")
    details.append(f"- Grade: **{verdict.grade}**")
    if verdict.flags:
        details += ["- Flags:", *_flag_lines(verdict.flags, "  ")]
    lines += [*details, ""]
    if verdict.citations:
        lines += ["Papers:", ""]
        for number, cited in enumerate(verdict.citations, start=1):
            lines += _paper_lines(number, cited, memo)
        lines.append("")
    else:
        lines += ["No papers cited.", ""]
    return lines


def _summary(doc: AuditedDocument) -> list[str]:
    grades = Counter(str(v.grade) for v in doc.claims)
    lines = ["## Summary", "", "| Grade | Claims |", "|---|---:|"]
    lines += [f"| {g.value} | {grades.get(g.value, 0)} |" for g in Grade]
    flags = flag_occurrences(doc)
    lines.append("")
    if flags:
        shown = ", ".join(f"**{md_escape(n)}** ({c})" for n, c in flags.most_common())
        lines.append(f"Flags (claims and citations carrying them): {shown}")
    else:
        lines.append("No flags.")
    return [*lines, ""]


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
    lines.append(f"- Claims: {len(doc.claims)}")
    return [*lines, ""]


def render_markdown(doc: AuditedDocument) -> str:
    """The whole Markdown report of ``doc``: header, summary, problems, claims, loose papers."""
    lines = _header(doc) + _summary(doc)
    if doc.document.problems:
        lines += ["## Problems", ""]
        lines += [
            f"- {md_escape(p.location or 'whole file')}: {md_escape(p.message)}"
            for p in doc.document.problems
        ]
        lines.append("")
    lines += ["## Claims", ""]
    memo: dict[int, list[str]] = {}
    for verdict in doc.claims:
        lines += _claim_section(verdict, memo)
    if not doc.claims:
        lines += ["No claims found.", ""]
    if doc.citations:
        lines += [
            "## Loose citations",
            "",
            "Cited by the document but not attached to a claim.",
            "",
        ]
        for number, cited in enumerate(doc.citations, start=1):
            lines += _paper_lines(number, cited, memo)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
