"""The parts of an HTML page that explain the audit: the legend of grades and flags, and what
NCBI Gene said of a document's Gene IDs.  Pure, static HTML (no script), every text escaped.
"""

from __future__ import annotations

import html
from functools import cache, lru_cache

from enrich.audit.legend import FLAG_MEANINGS, GRADE_MEANINGS, PRIMARY
from enrich.figures import count
from enrich.model import AuditedDocument, FlagName, GeneLookup, Grade
from enrich.report.markdown import gene_url
from enrich.report.view import BAD_FLAGS, gene_summary

__all__ = ["genes_section", "legend"]


def _esc(text: str) -> str:
    """``text`` as HTML text or attribute value."""
    return html.escape(text, quote=True)


@cache
def legend() -> str:
    """What each grade and flag means: a section at the end of every page."""
    grades = "".join(
        f'<dt><span class="badge grade-{g.value}">{g.value}</span></dt>'
        f"<dd>{_esc(GRADE_MEANINGS[g])}</dd>"
        for g in Grade
    )
    flags = "".join(
        f'<dt><span class="flag{" bad" if f in BAD_FLAGS else ""}">{_esc(f.value)}</span></dt>'
        f"<dd>{_esc(FLAG_MEANINGS[f])}</dd>"
        for f in FlagName
    )
    return (
        f'<section id="legend"><h2>Legend</h2><p>{_esc(PRIMARY)}</p>'
        f'<h3>Grades</h3><dl class="legend">{grades}</dl>'
        f'<h3>Flags</h3><dl class="legend">{flags}</dl></section>'
    )


def genes_section(doc: AuditedDocument) -> str:
    """The document's Gene IDs: what NCBI Gene said of each, the problems shown."""
    if not doc.genes:
        return ""
    problems = "".join(
        f"<li><b>Gene ID {_esc(g.gene_id)}</b> ({_esc(g.status.value)}): {_esc(g.reason)}</li>"
        for g in doc.genes
        if g.reason
    )
    banner = f'<div class="banner"><ul>{problems}</ul></div>' if problems else ""
    rows = "".join(_gene_row(g) for g in doc.genes)
    return (
        f'<section id="genes"><h2>Gene names</h2><p>{_esc(gene_summary(doc))}</p>{banner}'
        f"<details><summary>Every Gene ID ({count(len(doc.genes))})</summary>"
        '<table class="data"><thead><tr><th scope="col">Gene ID</th><th scope="col">Symbol'
        '</th><th scope="col">Status</th><th scope="col">Aliases</th></tr></thead><tbody>'
        f"{rows}</tbody></table></details></section>"
    )


@lru_cache(maxsize=8192)  # the same genes are partners on many pages
def _gene_row(lookup: GeneLookup) -> str:
    record = lookup.record
    link = _esc(lookup.gene_id)
    if lookup.gene_id.isdigit():
        link = f'<a href="{_esc(gene_url(lookup.gene_id))}" rel="noopener">{link}</a>'
    symbol = _esc(record.symbol) if record else "—"
    aliases = _esc(", ".join(record.aliases)) if record else ""
    return (
        f'<tr><td>{link}</td><td class="gene">{symbol}</td><td>{_esc(lookup.status.value)}</td>'
        f'<td class="small">{aliases}</td></tr>'
    )
