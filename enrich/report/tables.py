"""Pure tabulations of an audited document: counts, the paper list, audit.tsv rows.

Everything here takes model values and returns plain data or strings; the
Markdown and HTML renderers and :class:`~enrich.report.ReportWriter` build on it
(the per-document JSON is :mod:`enrich.report.json_document`'s).  A claim's list of
sources or methods, which recurs across documents, is remembered in a bounded
cache keyed by the frozen values it is made from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    ClaimVerdict,
    Flag,
    Grade,
    PaperRecord,
    Status,
)

__all__ = [
    "AUDIT_COLUMNS",
    "NOT_PRIMARY_FLAGS",
    "DocumentEntry",
    "Paper",
    "audit_rows",
    "audit_table",
    "claim_rows",
    "document_flags",
    "flag_occurrences",
    "papers",
    "primary_pmids",
    "short_authors",
    "tsv_line",
]

#: Citation flags that keep a resolved paper from counting as primary evidence.
NOT_PRIMARY_FLAGS = frozenset({"resource", "retracted", "retraction_notice"})
AUDIT_COLUMNS = (
    "document",
    "claim",
    "kind",
    "regulator",
    "target",
    "text",
    "sources",
    "methods",
    "grade",
    "flags",
    "n_citations",
    "primary",
    "pmids",
    "dois",
)


def primary_pmids(verdict: ClaimVerdict) -> list[str]:
    """PMIDs of the claim's resolved citations flagged neither resource, retracted nor
    retraction_notice: the audit's *primary* papers."""
    found = []
    for cited in verdict.citations:
        record = cited.resolution.record
        if cited.resolution.status is not Status.RESOLVED or record is None:
            continue
        if cited.flags and not NOT_PRIMARY_FLAGS.isdisjoint([f.name for f in cited.flags]):
            continue
        if record.pmid not in found:
            found.append(record.pmid)
    return found


def _cell(value: str | None) -> str:
    """A TSV cell: tabs, line breaks and runs of whitespace collapsed to one space."""
    return " ".join((value or "").split())


def _joined(values: Iterable[str | None], sep: str = ";") -> str:
    """The distinct non-empty values, each made a cell, joined by ``sep``."""
    return sep.join([" ".join(v.split()) for v in dict.fromkeys(values) if v])  # _cell, inlined


#: :func:`_joined` for a claim's sources or methods: the same few recur on most claims.
_joined_tuple = lru_cache(maxsize=4096)(_joined)


def claim_rows(doc: AuditedDocument) -> list[list[str]]:
    """One row per claim, in :data:`AUDIT_COLUMNS` order, every cell free of tabs and newlines."""
    path = _cell(doc.document.path)
    rows = []
    for verdict in doc.claims:
        claim = verdict.claim
        cited = [c.citation for c in verdict.citations]
        rows.append(
            [
                path,
                _cell(claim.id),
                str(claim.kind),
                _cell(claim.regulator),
                _cell(claim.target),
                _cell(claim.text),
                _joined_tuple(claim.sources),
                _joined_tuple(claim.methods),
                str(verdict.grade),
                _joined([f.name for f in verdict.flags], ","),
                str(len(verdict.citations)),
                _joined(primary_pmids(verdict)),
                _joined([c.pmid for c in cited]),
                _joined([c.doi for c in cited]),
            ]
        )
    return rows


def tsv_line(cells: list[str] | tuple[str, ...]) -> str:
    """Cells joined by tabs and ended by a newline (cells are expected clean; this re-checks)."""
    return "\t".join([" ".join((c or "").split()) for c in cells]) + "\n"  # _cell, inlined


def audit_rows(docs: Iterable[AuditedDocument]) -> Iterator[str]:
    """The lines of audit.tsv: the header, then one line per claim of every document."""
    yield tsv_line(AUDIT_COLUMNS)
    for doc in docs:
        for row in claim_rows(doc):
            yield tsv_line(row)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def audit_table(docs: Iterable[AuditedDocument]) -> str:
    """A plain-text table for a terminal: one line per claim with its grade, flags and
    evidence (its primary PMIDs, or what its citations are when it has none);
    statement text is clipped to keep lines short."""
    header = ("document", "claim", "grade", "claim", "flags", "evidence")
    rows: list[tuple[str, ...]] = []
    for doc in docs:
        for verdict in doc.claims:
            claim = verdict.claim
            what = (
                f"{claim.regulator or '?'} -> {claim.target or '?'}"
                if claim.regulator or claim.target
                else " ".join((claim.text or "").split())
            )
            rows.append(
                (
                    _clip(Path(doc.document.path).name, 32),
                    claim.id,
                    str(verdict.grade),
                    _clip(what, 48),
                    _clip(",".join(dict.fromkeys(f.name for f in verdict.flags)) or "-", 40),
                    _evidence(verdict),
                )
            )
    if not rows:
        return "no claims\n"
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + f"  {row[-1]}\n"
        for row in [header, *rows]
    )


def _evidence(verdict: ClaimVerdict) -> str:
    """``primary 123,456``; else a count of the citations by their worst trait, e.g.
    ``3 cited: 2 resource, 1 not_found``; ``no citation`` when there is none."""
    primary = primary_pmids(verdict)
    if primary:
        return "primary " + ",".join(primary)
    if not verdict.citations:
        return "no citation"
    order = ("retracted", "not_found", "invalid", "unresolved", "not_in_pubmed", "resource")
    kinds = Counter(
        next((name for name in order if c.has(name)), str(c.resolution.status))
        for c in verdict.citations
    )
    parts = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
    return f"{len(verdict.citations)} cited: {parts}"


def short_authors(authors: list[str] | tuple[str, ...], limit: int = 3) -> str:
    """The first ``limit`` authors joined by commas, then "et al." when there are more."""
    shown = ", ".join(authors[:limit])
    return f"{shown}, et al." if len(authors) > limit else shown


class Paper(NamedTuple):
    """One distinct cited paper of a document, numbered in order of first citation.

    A named tuple, immutable like the model's dataclasses but three times cheaper to
    build: a document has dozens of papers."""

    number: int
    key: str
    anchor: str  #: the HTML id, ``paper-<pmid>`` or ``paper-<key made safe>``
    citation: Citation  #: how the document first cites it
    status: Status
    reason: str
    record: PaperRecord | None
    flags: tuple[Flag, ...]  #: every flag any of its citations carries, without repeats


_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")  #: what a paper's anchor replaces by "-"


def _anchor(key: str, taken: set[str]) -> str:
    kind, _, value = key.partition(":")
    body = value if kind == "pmid" else key
    safe = body if body.isascii() and body.isalnum() else _NOT_ALNUM.sub("-", body)
    base = anchor = "paper-" + safe
    number = 1
    while anchor in taken:
        number += 1
        anchor = f"{base}-{number}"
    taken.add(anchor)
    return anchor


def papers(doc: AuditedDocument) -> list[Paper]:
    """Every distinct paper the document cites (claims first, then loose citations)."""
    taken: set[str] = set()
    found = []
    for number, (key, group) in enumerate(_cited_papers(doc).items(), start=1):
        first = _representative(group)
        found.append(
            Paper(
                number=number,
                key=key,
                anchor=_anchor(key, taken),
                citation=first.citation,
                status=first.resolution.status,
                reason=first.resolution.reason,
                record=first.resolution.record,
                flags=_distinct_flags(group),
            )
        )
    return found


def _distinct_flags(group: list[CitationVerdict]) -> tuple[Flag, ...]:
    """Every flag the verdicts of ``group`` carry, in order, without repeats."""
    if len(group) == 1 and len(group[0].flags) < 2:
        return group[0].flags  # the common case, with nothing to repeat
    return tuple(dict.fromkeys([f for v in group for f in v.flags]))


def _cited_papers(doc: AuditedDocument) -> dict[str, list[CitationVerdict]]:
    """The distinct verdicts of ``doc`` grouped by cited paper, in order of first citation.

    A verdict that several claims cite counts once: it adds nothing to its paper."""
    verdicts = {id(v): v for claim in doc.claims for v in claim.citations}
    verdicts.update((id(v), v) for v in doc.citations)
    groups: dict[str, list[CitationVerdict]] = {}
    for verdict in verdicts.values():
        groups.setdefault(verdict.citation.key, []).append(verdict)
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
    citations: int  #: distinct cited papers
    unresolved: int  #: distinct cited papers that could not be looked up
    problems: int

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
            subject=subject.symbol or subject.name or "",
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
