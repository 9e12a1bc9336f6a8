"""``index.html`` as a dashboard: what needs a curator's attention across a whole run.

The sections :func:`~enrich.report.index.render_index` shows above the documents table:

* :func:`chart`: the run's grades and flag totals as a small inline SVG chart (no network,
  no script; coloured by the report's stylesheet);
* :func:`attention_section`: the claims that need attention across all documents (grade D
  first, then those citing retracted papers, DOI mismatches, PMIDs PubMed lacks), at most
  :data:`ATTENTION_LIMIT` rows with the total shown, each linking to its row in its
  document's report;
* :func:`gene_section`: edges per regulator and per target gene, by grade, with the share
  lacking evidence; sortable (``report.js``), at most :data:`GENE_LIMIT` genes each.

Pure: the answers of :class:`~enrich.report.database.AuditDatabase` (plain data, made from
``audit.db``, never from the corpus in memory) in, safe HTML out.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from enrich.figures import count
from enrich.model import Grade, RunSummary
from enrich.report.database import ATTENTION, Attention, AttentionRow, AuditDatabase, GeneTable
from enrich.report.html import esc, filter_form, sort_header
from enrich.report.summary import split_flags
from enrich.report.view import BAD_FLAGS, claim_anchor, clip_words

__all__ = [
    "ATTENTION_LIMIT",
    "GENE_LIMIT",
    "Dashboard",
    "attention_section",
    "chart",
    "dashboard_of",
    "gene_section",
]

ATTENTION_LIMIT = 500  #: claims listed at most in the attention table
GENE_LIMIT = 200  #: genes listed at most per gene table
_STATEMENT = 160  #: characters of a statement shown in the attention table
_ALL_IN_DATABASE = '<a href="audit.db">audit.db</a> (its view <code>attention</code>)'

#: the attention table's reasons in words
_REASONS = {
    "grade D": "graded D",
    "retracted": "cite a retracted paper",
    "doi_mismatch": "cite a DOI that is not PubMed's",
    "not_found": "cite a PMID PubMed does not have",
}


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the dashboard shows beyond the run's summary: its answers from audit.db."""

    attention: Attention
    regulators: GeneTable
    targets: GeneTable


def dashboard_of(database: AuditDatabase) -> Dashboard:
    """The dashboard's answers from a completed ``audit.db``."""
    return Dashboard(
        database.attention(ATTENTION_LIMIT),
        database.genes("regulator", GENE_LIMIT),
        database.genes("target", GENE_LIMIT),
    )


# --- the chart -----------------------------------------------------------------------------

_BAR = 22  #: a bar's height with its gap, in SVG units
_LABEL = 150  #: the width of the labels left of the bars
_LENGTH = 260  #: the longest bar


def _bars(title: str, rows: list[tuple[str, int, str]]) -> str:
    """A horizontal bar chart: one bar per ``(label, value, css class)``."""
    top = max((value for _, value, _ in rows), default=0) or 1
    height = _BAR * len(rows) + 28
    width = _LABEL + _LENGTH + 80
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>',
        f'<text class="chart-title" x="0" y="14">{esc(title)}</text>',
    ]
    for index, (label, value, css) in enumerate(rows):
        y = 24 + index * _BAR
        length = round(_LENGTH * value / top) if value else 0
        end = _LABEL + length + 6
        parts.append(
            f'<text class="chart-label" x="{_LABEL - 8}" y="{y + 14}">{esc(label)}</text>'
            f'<rect class="{css}" x="{_LABEL}" y="{y + 2}" width="{max(length, 1)}" height="16"/>'
            f'<text class="chart-value" x="{end}" y="{y + 14}">{count(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def chart(summary: RunSummary) -> str:
    """The run's claims by grade and its flags by count, as two small SVG bar charts."""
    grades = [
        (f"grade {g.value}", summary.grades.get(g.value, 0), f"bar grade-{g.value}") for g in Grade
    ]
    claim_flags, citation_flags = split_flags(summary.flags)
    flags = [
        (name, n, "bar flag-bad" if name in BAD_FLAGS else "bar flag-bar")
        for name, n in claim_flags + citation_flags
    ]
    charts = [_bars("Claims by grade", grades)]
    if flags:
        charts.append(_bars("Flags (claims or citations carrying each)", flags))
    return f'<div class="charts">{"".join(charts)}</div>'


# --- the claims that need attention ---------------------------------------------------------


def _what(row: AttentionRow) -> str:
    if row.kind == "edge":
        return (
            f'<span class="gene">{esc(row.regulator or "?")}</span><span class="arrow">→</span>'
            f'<span class="gene">{esc(row.target or "?")}</span>'
        )
    text = " ".join((row.text or "").split())
    return f'<span class="statement" title="{esc(text)}">{esc(clip_words(text, _STATEMENT))}</span>'


def _attention_row(row: AttentionRow) -> str:
    report = quote(row.report, safe="")
    link = f"{report}#{claim_anchor(row.claim)}"
    reason = ATTENTION[row.rank]
    why = row.grade_reason.removeprefix(f"{row.grade}: ")
    return (
        f'<tr data-grade="{esc(row.grade)}" data-flags="{esc(reason)}">'
        f'<td data-sort="{row.rank}">{esc(reason)}</td>'
        f'<td><a href="{report}" title="{esc(row.document)}">{esc(row.report[:-5])}</a></td>'
        f'<td class="id"><a href="{esc(link)}">{esc(row.claim)}</a></td>'
        f'<td class="grade-{esc(row.grade)}" data-sort="{esc(row.grade)}">'
        f'<span class="badge">{esc(row.grade)}</span></td>'
        f'<td>{_what(row)}</td><td class="small">{esc(row.cited or "")}</td>'
        f'<td class="why">{esc(why)}</td></tr>'
    )


def attention_section(attention: Attention) -> str:
    """The claims needing attention: how many for each reason, and the first rows."""
    head = '<section id="attention"><h2>Claims that need attention'
    if not attention.total:
        return (
            f"{head} (0)</h2><p>No claim is graded D or cites a retracted paper, a DOI that is "
            "not PubMed's or a PMID PubMed does not have.</p></section>"
        )
    reasons = ", ".join(
        f"{count(attention.counts.get(name, 0))} {words}"
        for name, words in _REASONS.items()
        if attention.counts.get(name, 0)
    )
    shown = len(attention.rows)
    note = (
        f"<p>{count(attention.total)} claims: {esc(reasons)} (a claim may do several; each is "
        "listed once, under the first). Each links to its row in its document's report.</p>"
    )
    if shown < attention.total:
        note += (
            f'<p class="banner">The first {count(shown)} of {count(attention.total)} are listed. '
            f"All are in {_ALL_IN_DATABASE} and, claim by claim, in "
            '<a href="audit.tsv">audit.tsv</a>.</p>'
        )
    heads = ["Reason", "Document", "Claim", "Grade", "Regulator → target / statement"]
    cells = "".join(sort_header(h) for h in [*heads, "Cited", "Why this grade"])
    table = (
        f'<table class="data sortable" id="attention-table"><thead><tr>{cells}</tr></thead>'
        f"<tbody>{''.join(_attention_row(row) for row in attention.rows)}</tbody></table>"
    )
    form = filter_form("attention-table", True, [ATTENTION[row.rank] for row in attention.rows])
    return f"{head} ({count(attention.total)})</h2>{note}{form}{table}</section>"


# --- regulators and targets -----------------------------------------------------------------


def _gene_row(gene: str, edges: int, grades: tuple[int, int, int, int]) -> str:
    lacking = grades[2] + grades[3]
    share = lacking / edges if edges else 0.0
    cells = "".join(
        f'<td class="num grade-{g.value}" data-sort="{n}">{count(n) if n else ""}</td>'
        for g, n in zip(Grade, grades, strict=True)
    )
    return (
        f'<tr><td class="gene">{esc(gene)}</td>'
        f'<td class="num" data-sort="{edges}">{count(edges)}</td>{cells}'
        f'<td class="num" data-sort="{lacking}">{count(lacking)}</td>'
        f'<td class="num" data-sort="{share:.4f}">{share:.0%}</td></tr>'
    )


def gene_section(table: GeneTable) -> str:
    """Edges per regulator (or target): counts by grade, and how many and what share lack
    evidence (grade C or D); sortable."""
    plural = f"{table.column}s"
    if not table.rows:
        return ""
    heads = [sort_header(f"{table.column.capitalize()}"), sort_header("Edges", "num")]
    heads += [sort_header(g.value, "num") for g in Grade]
    heads += [sort_header("Lacking evidence", "num"), sort_header("Share lacking", "num")]
    rows = "".join(_gene_row(r.gene, r.edges, (r.a, r.b, r.c, r.d)) for r in table.rows)
    if len(table.rows) < table.total:
        scope = (
            f"The {count(len(table.rows))} {plural} (of {count(table.total)}) with the most edges "
            f'lacking evidence; all are in <a href="audit.db">audit.db</a> (table claims).'
        )
    else:
        scope = f"Every {table.column} ({count(table.total)})."
    return (
        f'<section id="{plural}"><h2>Edges by {table.column}</h2><p>{scope} Lacking evidence: '
        "graded C or D (no primary paper). Click a header to sort.</p>"
        f'<table class="data sortable" id="{plural}-table"><thead><tr>{"".join(heads)}</tr>'
        f"</thead><tbody>{rows}</tbody></table></section>"
    )
