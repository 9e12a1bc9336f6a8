"""audit.tsv: a row per claim of audited documents, each with the reason for its grade.

Pure: model values in, strings out.  A claim's list of sources or methods, which
recurs across documents, is remembered in a bounded cache keyed by the frozen
values it is made from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from enrich.escape import tsv_cell
from enrich.model import AuditedDocument
from enrich.report.view import primary_pmids

__all__ = ["AUDIT_COLUMNS", "audit_rows", "claim_rows", "tsv_line"]

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
    "grade_reason",
    "flags",
    "n_citations",
    "primary",
    "pmids",
    "dois",
    "citation_flags",  #: the flags of the claim's citations, each once (retracted, …)
)


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
                _cell(verdict.grade_reason),
                _joined([f.name for f in verdict.flags], ","),
                str(len(verdict.citations)),
                _joined(primary_pmids(verdict)),
                _joined([c.pmid for c in cited]),
                _joined([c.doi for c in cited]),
                _joined((f.name for c in verdict.citations for f in c.flags), ","),
            ]
        )
    return rows


def tsv_line(cells: list[str] | tuple[str, ...]) -> str:
    """Cells joined by tabs and ended by a newline, each made safe by :func:`tsv_cell` (one
    line, and never a formula a spreadsheet would run)."""
    return "\t".join([tsv_cell(c) for c in cells]) + "\n"


def audit_rows(docs: Iterable[AuditedDocument]) -> Iterator[str]:
    """The lines of audit.tsv: the header, then one line per claim of every document."""
    yield tsv_line(AUDIT_COLUMNS)
    for doc in docs:
        for row in claim_rows(doc):
            yield tsv_line(row)
