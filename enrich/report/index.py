"""``index.html``: the run's dashboard (:mod:`enrich.report.dashboard`), its summary and every
document with its grades and flags. Pure."""

from __future__ import annotations

import json
from collections.abc import Sequence

from enrich.figures import count
from enrich.model import Grade, RunSummary, Status
from enrich.report.dashboard import Dashboard, attention_section, chart, gene_section
from enrich.report.document import FORMATS
from enrich.report.html import (
    esc,
    filter_form,
    flag_counts,
    grade_cards,
    legend,
    page,
    sort_header,
)
from enrich.report.provenance import Provenance, banner_html, footer_html
from enrich.report.summary import summary_rows
from enrich.report.view import DocumentEntry
from enrich.report.viewer import script_data

__all__ = ["render_index"]

PAGE = 200  #: documents drawn at a time in the documents table


def _documents_data(entries: Sequence[DocumentEntry]) -> str:
    """Every document's line of the documents table, as JSON safe inside a ``<script>``
    data block (never run: not JavaScript), for report.js to draw a page at a time."""
    rows = [
        {
            "n": e.name,
            "p": e.path,
            "s": e.style,
            "g": e.subject,
            "c": e.claims,
            "a": e.grade_counts,
            "r": e.citations,
            "x": e.problems,
            "f": list(e.flags.items()),
        }
        for e in entries
    ]
    return script_data(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))


def _documents_section(entries: Sequence[DocumentEntry], formats: Sequence[str]) -> str:
    """Every document: a sortable, filterable table drawn by report.js from the data the page
    carries, a page of :data:`PAGE` at a time (drawing 20,000 rows at once takes a browser
    seconds; a page takes a blink)."""
    if not entries:
        return '<section id="documents"><h2>Documents (0)</h2><p>None written.</p></section>'
    flag_names = {name for entry in entries for name in entry.flags}
    heads = [sort_header("Document"), sort_header("Style"), sort_header("Subject")]
    heads += [sort_header("Claims", "num")]
    heads += [sort_header(g.value, "num") for g in Grade]
    heads += [sort_header("Papers", "num"), sort_header("Problems", "num"), sort_header("Flags")]
    return (
        f'<section id="documents"><h2>Documents ({count(len(entries))})</h2>'
        "<p>Flags: the claims carrying each claim flag and the citations carrying each "
        "citation flag (a paper cited by 3 claims counts 3 times), the most frequent first; "
        "every flag is in the document's report.</p>"
        f"{filter_form('documents-table', False, flag_names)}"
        f'<table class="data" id="documents-table" data-rows="documents-data" data-page="{PAGE}"'
        f' data-formats="{esc(",".join(formats))}">'
        f"<thead><tr>{''.join(heads)}</tr></thead><tbody></tbody></table>"
        '<p class="pager" data-table="documents-table" hidden>'
        '<button type="button" name="previous">← previous</button> '
        '<span class="where"></span> <button type="button" name="next">next →</button></p>'
        "<noscript><p>The list of documents needs JavaScript; every document is also in "
        '<a href="audit.tsv">audit.tsv</a> and <a href="audit.db">audit.db</a>.</p></noscript>'
        f'<script type="application/json" id="documents-data">{_documents_data(entries)}</script>'
        "</section>"
    )


def _summary_list(summary: RunSummary) -> str:
    """The run's counts, in the words of the end-of-run screen (each says what it counts)."""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in summary_rows(summary))
    return f'<dl class="summary">{items}</dl>'


def _banner(summary: RunSummary) -> str:
    banners = []
    why = "the run was offline" if summary.offline else "NCBI could not be reached"
    unresolved = summary.citations.get(Status.UNRESOLVED.value, 0)
    if unresolved:
        # Online, an identifier stays unresolved for more than an unreachable host (a
        # server error, a record that cannot be read, a DOI two papers carry): the run
        # knows only how many, each citation's reason says which
        cause = (
            "the run was offline); run again online to complete the audit"
            if summary.offline
            else "each one's reason, in its document's report, says why: E-utilities "
            "unreachable or failing, a record that could not be read, a DOI several PubMed "
            "records carry); the next run asks for them again"
        )
        banners.append(
            f'<div class="banner bad" role="alert"><b>{count(unresolved)} cited '
            f"identifier{'s' if unresolved != 1 else ''} could not be looked up</b> ({cause}. "
            "Claims citing them may be graded lower than they deserve.</div>"
        )
    nameless = summary.genes_without_names
    if nameless:
        banners.append(
            f'<div class="banner" role="alert"><b>{count(nameless)} Gene ID'
            f"{'s have' if nameless != 1 else ' has'} no NCBI Gene names</b> ({why}): those "
            "genes were looked for by symbol only, so papers naming them otherwise are "
            "flagged no_mention; run again online to use their names.</div>"
        )
    return "".join(banners)


def _gene_sections(dashboard: Dashboard) -> list[str]:
    return [gene_section(dashboard.regulators), gene_section(dashboard.targets)]


def render_index(
    entries: Sequence[DocumentEntry],
    summary: RunSummary,
    formats: Sequence[str] = FORMATS,
    provenance: Provenance | None = None,
    dashboard: Dashboard | None = None,
) -> str:
    """The run's index page: a warning banner when citations are unresolved, the summary
    with grade and flag counts and their chart, and a sortable, filterable table of every
    document, linked to its report files (``formats``: those written); with ``provenance``,
    a test-data banner where it applies and where the run's records come from; with
    ``dashboard``, the claims that need attention (first) and the edges by regulator and
    by target."""
    footer = footer_html(provenance) if provenance else ""
    body = [
        '<header class="top"><div><h1>enrich run report'
        f'<span class="subtitle">{count(len(entries))} documents</span></h1>',
        '<div class="meta"><span>Evidence audit of gene-regulation claims</span>'
        '<span><a href="references.bib">references.bib</a> · '
        '<a href="references.json">CSL-JSON</a> · <a href="references.ris">RIS</a> · '
        '<a href="audit.tsv">audit.tsv</a> · <a href="audit.db">audit.db</a></span></div>',
        grade_cards(summary.grades),
        flag_counts(summary.flags),
        "</div></header><main>",
        banner_html(provenance) if provenance else "",
        _banner(summary),
        attention_section(dashboard.attention) if dashboard else "",
        '<section id="summary"><h2>Run summary</h2>',
        chart(summary),
        _summary_list(summary),
        "</section>",
        *(_gene_sections(dashboard) if dashboard else []),
        _documents_section(entries, formats),
        legend(),
        f"<footer>Written by enrich.{footer}</footer></main>",
    ]
    return page("enrich run report", "\n".join(body))
