"""Tabulations of audited documents: audit.tsv rows and the terminal table of ``enrich audit``,
each claim with the reason for its grade.

Pure: model values in, strings out.  A claim's list of sources or methods, which
recurs across documents, is remembered in a bounded cache keyed by the frozen
values it is made from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from enrich.escape import tsv_cell
from enrich.model import AuditedDocument, ClaimVerdict
from enrich.report.view import primary_pmids

__all__ = ["AUDIT_COLUMNS", "audit_rows", "audit_table", "claim_rows", "tsv_line"]

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


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def audit_table(docs: Iterable[AuditedDocument]) -> str:
    """A plain-text table for a terminal: one line per claim with its grade, flags and the
    reason for its grade; statement text is clipped to keep lines short."""
    header = ("document", "claim", "grade", "claim", "flags", "why this grade")
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
                    _why(verdict),
                )
            )
    if not rows:
        return "no claims\n"
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + f"  {row[-1]}\n"
        for row in [header, *rows]
    )


def _why(verdict: ClaimVerdict) -> str:
    """The grade's reason without the grade it starts with ("C: ")."""
    reason = " ".join(verdict.grade_reason.split())
    head = f"{verdict.grade}: "
    return reason[len(head) :] if reason.startswith(head) else reason or "-"
