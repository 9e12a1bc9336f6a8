"""The view of an audited document that the Markdown, TSV and index renderers share.

Pure: model values in, plain data out.  :class:`DocumentEntry` is the small summary
``index.html`` lists; :func:`primary_pmids` names a claim's primary papers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from enrich.audit import is_primary
from enrich.figures import count
from enrich.model import (
    AuditedDocument,
    CitationVerdict,
    ClaimVerdict,
    Flag,
    FlagName,
    Grade,
    PaperRecord,
    Resolution,
    Status,
)

__all__ = [
    "BAD_FLAGS",
    "DocumentEntry",
    "claim_anchor",
    "clip_words",
    "document_flags",
    "flag_occurrences",
    "gene_summary",
    "paper_identity",
    "paper_year",
    "primary_pmids",
    "short_authors",
]


#: citation flags that make a paper unusable as evidence: shown red
BAD_FLAGS = frozenset(
    {FlagName.RETRACTED, FlagName.RETRACTION_NOTICE, FlagName.NOT_FOUND, FlagName.INVALID}
)


def primary_pmids(verdict: ClaimVerdict) -> list[str]:
    """PMIDs of the claim's *primary* papers (:func:`~enrich.audit.is_primary`), counted as
    the grade counts them: an article and its republished version cited together are one
    paper, named by the PMID first cited, as the grade's reason names it."""
    found: dict[str, str] = {}  # study -> the PMID first cited of it
    for cited in verdict.citations:
        record = cited.resolution.record
        if record is not None and is_primary(cited):
            found.setdefault(record.study, record.pmid)
    return list(found.values())


def clip_words(text: str, width: int) -> str:
    """``text`` cut at a space to at most ``width`` characters, "…" marking the cut (a word
    longer than ``width`` is cut where it must be)."""
    if len(text) <= width:
        return text
    head = text[: width - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head) + "…"


def gene_summary(doc: AuditedDocument) -> str:
    """ "NCBI Gene gave the names of 47 of the 48 Gene IDs this document gives" ("" when it
    gives none)."""
    if not doc.genes:
        return ""
    named = sum(lookup.record is not None for lookup in doc.genes)
    total = len(doc.genes)
    ids = "the Gene ID" if total == 1 else f"the {count(total)} Gene IDs"
    return (
        f"NCBI Gene gave the names of {count(named)} of {ids} this document gives; each gene is "
        "looked for in the cited papers by all of its names (see no_mention in the legend)."
    )


def paper_year(record: PaperRecord) -> str:
    """The record's year, and its book's where that differs: "2006 (book 1993)"."""
    year = str(record.year) if record.year is not None else ""
    book = record.book_date[:4]
    return f"{year} (book {book})" if year and book.isdigit() and book != year else year


def short_authors(authors: list[str] | tuple[str, ...], limit: int = 3) -> str:
    """The first ``limit`` authors joined by commas, then "et al." when there are more."""
    shown = ", ".join(authors[:limit])
    return f"{shown}, et al." if len(authors) > limit else shown


_UNSAFE_IN_ID = re.compile(r"[^A-Za-z0-9_.-]")  #: what a claim row's id replaces by "-"


def claim_anchor(claim_id: str) -> str:
    """The HTML id of a claim's row in its report (``claim-tfs-1``): the links of
    ``index.html`` land on it, and report.js draws the rows with the same ids.  Holds only
    ``A-Za-z0-9_.-``."""
    return "claim-" + _UNSAFE_IN_ID.sub("-", claim_id)


def paper_identity(key: str, resolution: Resolution) -> str:
    """What makes two citations one paper in the reports' counts: the PubMed record they
    resolved to (``pmid:N``), so that a paper cited by its PMID in one place and its DOI in
    another is one paper, as the grades count it; else the citation key."""
    record = resolution.record
    if resolution.status is Status.RESOLVED and record is not None:
        return f"pmid:{record.pmid}"
    return key


def _cited_papers(doc: AuditedDocument) -> dict[str, list[CitationVerdict]]:
    """The distinct verdicts of ``doc`` grouped by cited paper (:func:`paper_identity`), in
    order of first citation.

    A verdict that several claims cite counts once: it adds nothing to its paper."""
    verdicts = {id(v): v for claim in doc.claims for v in claim.citations}
    verdicts.update((id(v), v) for v in doc.citations)
    groups: dict[str, list[CitationVerdict]] = {}
    for verdict in verdicts.values():
        identity = paper_identity(verdict.citation.key, verdict.resolution)
        groups.setdefault(identity, []).append(verdict)
    return groups


def _representative(group: list[CitationVerdict]) -> CitationVerdict:
    """The verdict that speaks for a paper: the first with a PubMed record, else the first."""
    for verdict in group:
        if verdict.resolution.record:
            return verdict
    return group[0]


def document_flags(doc: AuditedDocument) -> list[Flag]:
    """Every flag of ``doc`` in document order: each claim's own flags, then its
    citations', claim by claim, then the loose citations'."""
    found: list[Flag] = []
    for verdict in doc.claims:
        found += verdict.flags
        for cited in verdict.citations:
            found += cited.flags
    for cited in doc.citations:
        found += cited.flags
    return found


def flag_occurrences(doc: AuditedDocument) -> Counter[str]:
    """Flag name -> claim and citation verdicts carrying it (as in RunSummary.flags), in
    order of first occurrence."""
    return Counter([f.name for f in document_flags(doc)])


_GRADES = tuple(grade.value for grade in Grade)  #: A to D (iterating an Enum is slow)


@dataclass(frozen=True, slots=True)
class DocumentEntry:
    """The small summary of one written document that ``index.html`` lists."""

    name: str
    path: str
    style: str
    subject: str
    claims: int
    grades: dict[str, int]
    flags: dict[str, int]  #: flag name -> claim and citation verdicts carrying it
    citations: int  #: distinct cited papers (:func:`paper_identity`)
    unresolved: int  #: distinct cited papers that could not be looked up
    problems: int

    @property
    def grade_counts(self) -> list[int]:
        """How many of its claims have each grade, A to D."""
        return [self.grades.get(grade, 0) for grade in _GRADES]

    @classmethod
    def of(cls, doc: AuditedDocument, name: str) -> DocumentEntry:
        """Summarise ``doc``, whose reports are ``<name>.html`` and friends."""
        grades = Counter([str(v.grade) for v in doc.claims])
        cited = _cited_papers(doc).values()
        subject = doc.document.subject
        return cls(
            name=name,
            path=doc.document.path,
            style=str(doc.document.style),
            subject=subject.symbol or subject.name or subject.uniprot or "",
            claims=len(doc.claims),
            grades={g.value: grades.get(g.value, 0) for g in Grade},
            flags=dict(flag_occurrences(doc).most_common()),
            citations=len(cited),
            unresolved=sum(
                _representative(group).resolution.status is Status.UNRESOLVED for group in cited
            ),
            problems=len(doc.document.problems),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "style": self.style,
            "subject": self.subject,
            "claims": self.claims,
            "grades": dict(self.grades),
            "flags": dict(self.flags),
            "citations": self.citations,
            "unresolved": self.unresolved,
            "problems": self.problems,
        }
