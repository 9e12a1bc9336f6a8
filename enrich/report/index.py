"""``index.html``: the run's dashboard (:mod:`enrich.report.dashboard`), its summary and every
document with its grades and flags. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from enrich.figures import count
from enrich.model import Grade, RunSummary, Status
from enrich.report.dashboard import Dashboard, attention_section, chart, gene_section
from enrich.report.html import esc, filter_form, flag_counts, grade_cards, page, sort_header
from enrich.report.provenance import Provenance, banner_html, footer_html
from enrich.report.sections import legend
from enrich.report.summary import summary_rows
from enrich.report.view import DocumentEntry

__all__ = ["render_index"]

_TOP_FLAGS = 3


def _count_or_blank(n: int) -> str:
    """A count in a table cell, blank for none (so that the numbers that matter stand out)."""
    return count(n) if n else ""


def _document_row(entry: DocumentEntry) -> str:
    link = quote(entry.name, safe="")
    grades = "".join(
        f'<td class="num grade-{g.value}" data-sort="{entry.grades.get(g.value, 0)}">'
        f"{_count_or_blank(entry.grades.get(g.value, 0))}</td>"
        for g in Grade
    )
    top = list(entry.flags.items())[:_TOP_FLAGS]
    chips = " ".join(
        f'<span class="flag">{esc(name)}<span class="count">{count(n)}</span></span>'
        for name, n in top
    )
    more = len(entry.flags) - len(top)
    if more > 0:
        chips += f' <span class="small">+{more} more</span>'
    problems = _count_or_blank(entry.problems)
    problems = f'<td class="num" data-sort="{entry.problems}">{problems}</td>'
    return (
        f'<tr data-flags="{esc("|".join(entry.flags))}">'
        f'<td data-sort="{esc(entry.name)}"><a href="{link}.html">{esc(entry.name)}</a>'
        f'<div class="small"><span class="path">{esc(entry.path)}</span> · '
        f'<a href="{link}.md">md</a> · <a href="{link}.json">json</a></div></td>'
        f'<td>{esc(entry.style)}</td><td class="gene">{esc(entry.subject)}</td>'
        f'<td class="num" data-sort="{entry.claims}">{count(entry.claims)}</td>{grades}'
        f'<td class="num" data-sort="{entry.citations}">{count(entry.citations)}</td>{problems}'
        f'<td data-sort="{sum(entry.flags.values())}">{chips}</td></tr>'
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
        banners.append(
            f'<div class="banner bad" role="alert"><b>{count(unresolved)} cited '
            f"identifier{'s' if unresolved != 1 else ''} could not be looked up</b> ({why}). "
            "Claims citing them may be graded lower than they deserve; run again online to "
            "complete the audit.</div>"
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
    provenance: Provenance | None = None,
    dashboard: Dashboard | None = None,
) -> str:
    """The run's index page: a warning banner when citations are unresolved, the summary
    with grade and flag counts and their chart, and a sortable, filterable table of every
    document; with ``provenance``, a test-data banner where it applies and where the run's
    records come from; with ``dashboard``, the claims that need attention (first) and the
    edges by regulator and by target."""
    flag_names = {name for entry in entries for name in entry.flags}
    heads = [sort_header("Document"), sort_header("Style"), sort_header("Subject")]
    heads += [sort_header("Claims", "num")]
    heads += [sort_header(g.value, "num") for g in Grade]
    heads += [sort_header("Papers", "num"), sort_header("Problems", "num"), sort_header("Flags")]
    table = (
        '<table class="data sortable" id="documents-table"><thead><tr>'
        + "".join(heads)
        + "</tr></thead><tbody>"
        + "".join(_document_row(e) for e in entries)
        + "</tbody></table>"
    )
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
        f'<section id="documents"><h2>Documents ({count(len(entries))})</h2>',
        filter_form("documents-table", False, flag_names),
        table if entries else "<p>No documents were written.</p>",
        "</section>",
        legend(),
        f"<footer>Written by enrich.{footer}</footer></main>",
    ]
    return page("enrich run report", "\n".join(body))
