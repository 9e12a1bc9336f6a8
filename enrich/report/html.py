"""The HTML report of one audited document, and the pieces ``index.html`` shares. Pure.

A report is one self-contained file: the stylesheet and script are inlined, a
Content-Security-Policy forbids every fetch, and the only links are to PubMed,
doi.org and the neighbouring report files.  Every string from a document or
from PubMed is escaped with ``html.escape(..., quote=True)``; PubMed title
markup passes :func:`sanitize_markup`, which lets through only balanced
``i b u sup sub`` tags.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources

from enrich.model import (
    AuditedDocument,
    CitationVerdict,
    ClaimKind,
    ClaimVerdict,
    Flag,
    Grade,
    Status,
)
from enrich.report.markdown import doi_url, pubmed_url
from enrich.report.tables import Paper, flag_occurrences, papers, short_authors

__all__ = ["CSP", "esc", "page", "render_html", "sanitize_markup"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
#: Citation flags that make a paper unusable as evidence; their footnotes are shown red.
_BAD_FLAGS = frozenset({"retracted", "retraction_notice", "not_found", "invalid"})
_BACK_LINKS = 12  #: "Cited by" links shown per paper; the rest are counted
_TAG = re.compile(r"&lt;(/?)(i|b|u|sup|sub)&gt;")


def esc(text: object) -> str:
    """``text`` as HTML text or attribute value (quotes escaped too)."""
    return html.escape("" if text is None else str(text), quote=True)


def sanitize_markup(markup: str) -> str:
    """PubMed title markup as safe HTML: all escaped but balanced ``i b u sup sub`` tags."""
    escaped = esc(html.unescape(markup))
    tokens = list(_TAG.finditer(escaped))
    keep: set[int] = set()
    stack: list[tuple[str, int]] = []
    for index, match in enumerate(tokens):
        closing, name = match.group(1), match.group(2)
        if not closing:
            stack.append((name, index))
        elif stack and stack[-1][0] == name:
            keep.update((stack.pop()[1], index))
    out, position = [], 0
    for index, match in enumerate(tokens):
        out.append(escaped[position : match.start()])
        out.append(f"<{match.group(1)}{match.group(2)}>" if index in keep else match.group(0))
        position = match.end()
    out.append(escaped[position:])
    return "".join(out)


@cache
def _asset(name: str) -> str:
    return resources.files("enrich.report").joinpath(name).read_text(encoding="utf-8")


def page(title: str, body: str) -> str:
    """A complete HTML document around ``body`` (already safe HTML) with CSS and JS inlined."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)}</title>\n<style>\n{_asset('report.css')}</style>\n</head>\n"
        f"<body>\n{body}\n<script>\n{_asset('report.js')}</script>\n</body>\n</html>\n"
    )


def flag_chip(flag: Flag, extra: str = "", css: str = "flag") -> str:
    """A flag as a chip whose tooltip is its reason (red for a paper unusable as evidence)."""
    css += " bad" if flag.name in _BAD_FLAGS else ""
    return f'<span class="{css}" title="{esc(flag.reason)}">{esc(flag.name)}{extra}</span>'


def grade_cards(counts: dict[str, int]) -> str:
    """One coloured card per grade with its number of claims."""
    cards = [
        f'<div class="card grade-{g.value}" title="grade {g.value}"><span class="badge">'
        f'{g.value}</span><span class="n">{counts.get(g.value, 0)}</span>'
        '<span class="label">claims</span></div>'
        for g in Grade
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def flag_counts(counts: dict[str, int], reasons: dict[str, str] | None = None) -> str:
    """Chips for every flag name with how many claims or citations carry it."""
    if not counts:
        return '<div class="flags"><span class="label">No flags</span></div>'
    chips = [
        f'<span class="flag" title="{esc((reasons or {}).get(name, name))}">{esc(name)}'
        f'<span class="count">{count}</span></span>'
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return f'<div class="flags"><span class="label">Flags</span>{"".join(chips)}</div>'


def filter_form(table_id: str, grades: bool, flag_names: Iterable[str]) -> str:
    """The search box, grade checkboxes and flag select that filter the table ``table_id``."""
    parts = [
        f'<form class="filters" data-table="{esc(table_id)}" role="search">',
        '<input type="search" placeholder="Filter rows…" aria-label="Filter rows">',
    ]
    if grades:
        parts += [
            f'<label><input type="checkbox" name="grade" value="{g.value}" checked> '
            f'<span class="badge grade-{g.value}">{g.value}</span></label>'
            for g in Grade
        ]
    names = sorted(set(flag_names))
    if names:
        options = "".join(f'<option value="{esc(n)}">{esc(n)}</option>' for n in names)
        parts.append(
            '<label>Flag <select name="flag"><option value="">any or none</option>'
            '<option value="(any)">flagged</option><option value="(none)">not flagged</option>'
            f"{options}</select></label>"
        )
    parts.append('<span class="shown" aria-live="polite"></span></form>')
    return "".join(parts)


def sort_header(label: str, css: str = "") -> str:
    """A sortable column header."""
    attr = f' class="{css}"' if css else ""
    return f'<th scope="col"{attr}><button type="button">{esc(label)}</button></th>'


# --- the document report ------------------------------------------------------------------


def _claim_what(verdict: ClaimVerdict) -> tuple[str, str]:
    """The claim cell and its sort key."""
    claim = verdict.claim
    if claim.kind is ClaimKind.EDGE:
        cell = (
            f'<span class="gene">{esc(claim.regulator or "?")}</span><span class="arrow">→</span>'
            f'<span class="gene">{esc(claim.target or "?")}</span>'
        )
        return cell, f"{claim.regulator or ''} {claim.target or ''}"
    return f'<div class="statement">{esc(claim.text)}</div>', claim.text or ""


def _claim_sources(verdict: ClaimVerdict) -> str:
    claim = verdict.claim
    parts = [esc("; ".join(claim.sources))] if claim.sources else []
    if claim.methods:
        parts.append(f'<span class="small">{esc("; ".join(claim.methods))}</span>')
    if claim.small_scale:
        parts.append('<span class="tag" title="TFLink: small-scale evidence">small-scale</span>')
    return "<br>".join(parts) or '<span class="small">—</span>'


def _footnote(cited: CitationVerdict, paper: Paper) -> str:
    notes = [paper.status.value] + [f"{f.name}: {f.reason}" for f in cited.flags]
    names = {f.name for f in cited.flags}
    if names & _BAD_FLAGS or paper.status in (Status.NOT_FOUND, Status.INVALID):
        css = "fn bad"
    elif names or paper.status is not Status.RESOLVED:
        css = "fn warn"
    else:
        css = "fn"
    return (
        f'<a class="{css}" href="#{paper.anchor}" title="{esc("; ".join(notes))}">'
        f"[{paper.number}]</a>"
    )


def _claim_row(verdict: ClaimVerdict, numbers: dict[str, Paper]) -> str:
    claim = verdict.claim
    what, what_key = _claim_what(verdict)
    chips = [flag_chip(f) for f in verdict.flags]
    by_flag: dict[str, tuple[Flag, list[int]]] = {}
    footnotes = []
    for cited in verdict.citations:
        paper = numbers[cited.citation.key]
        for f in cited.flags:
            by_flag.setdefault(f.name, (f, []))[1].append(paper.number)
        footnotes.append(_footnote(cited, paper))
    chips += [
        flag_chip(f, f" [{', '.join(map(str, refs))}]", "flag cited")
        for f, refs in by_flag.values()
    ]
    names = dict.fromkeys([f.name for f in verdict.flags] + list(by_flag))
    return (
        f'<tr id="claim-{esc(_slug(claim.id))}" data-grade="{verdict.grade}" '
        f'data-flags="{esc("|".join(names))}">'
        f'<td class="id" data-sort="{esc(claim.id)}" title="{esc(claim.location)}">'
        f"{esc(claim.id)}</td>"
        f'<td class="grade-{verdict.grade}" data-sort="{verdict.grade}">'
        f'<span class="badge">{verdict.grade}</span></td>'
        f'<td data-sort="{esc(what_key)}">{what}</td>'
        f"<td>{_claim_sources(verdict)}</td>"
        f'<td data-sort="{len(names)}">{" ".join(chips)}</td>'
        f'<td data-sort="{len(footnotes)}">{" ".join(footnotes) or "—"}</td></tr>'
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", text)


def _paper_item(paper: Paper, cited_by: list[str]) -> str:
    record, citation = paper.record, paper.citation
    pmid: str | None
    if record is not None:
        title = sanitize_markup(record.title_markup) if record.title_markup else esc(record.title)
        authors, journal, year = short_authors(record.authors), record.journal, record.year
        pmid, doi = record.pmid, record.doi or citation.doi
    else:
        title = esc(citation.title) if citation.title else f"<em>{esc(paper.key)}</em>"
        authors, journal, year = citation.authors or "", citation.journal or "", citation.year
        pmid = citation.pmid if "pmid" not in citation.invalid else None
        doi = citation.doi if "doi" not in citation.invalid else None
    links = []
    if pmid:
        links.append(f'<a href="{esc(pubmed_url(pmid))}" rel="noopener">PMID {esc(pmid)}</a>')
    if doi:
        links.append(f'<a href="{esc(doi_url(doi))}" rel="noopener">doi:{esc(doi)}</a>')
    reason = f" — {esc(paper.reason)}" if paper.reason else ""
    status = f'<span class="status {paper.status.value}" title="{esc(paper.reason)}">'
    status += f"{esc(paper.status.value.replace('_', ' '))}</span>{reason}"
    flags = "".join(f"<li>{flag_chip(f)} <span>{esc(f.reason)}</span></li>" for f in paper.flags)
    back = " ".join(
        f'<a href="#claim-{esc(_slug(c))}">{esc(c)}</a>' for c in cited_by[:_BACK_LINKS]
    )
    if len(cited_by) > _BACK_LINKS:
        back += f" and {len(cited_by) - _BACK_LINKS} more"
    meta = " · ".join(esc(part) for part in (authors, journal, year) if part)
    return (
        f'<li id="{paper.anchor}"><span class="pnum">[{paper.number}]</span><div>'
        f'<div class="ptitle">{title}</div><div class="pmeta">{meta}</div>'
        f'<div class="plinks">{"".join(links)}{status}</div>'
        + (f'<ul class="pflags">{flags}</ul>' if flags else "")
        + (f'<div class="small">Cited by {back}</div>' if back else "")
        + "</div></li>"
    )


def _header(doc: AuditedDocument, flags: Counter[str], reasons: dict[str, str]) -> str:
    document, subject = doc.document, doc.document.subject
    meta = [
        f"<span>{esc(document.style)}</span>",
        f'<span class="path">{esc(document.path)}</span>',
    ]
    for label, value in (("UniProt", subject.uniprot), ("Gene", subject.gene_id)):
        if value:
            meta.append(f"<span>{label} {esc(value)}</span>")
    if subject.organism:
        meta.append(f"<span><i>{esc(subject.organism)}</i></span>")
    grades = Counter(str(v.grade) for v in doc.claims)
    name = f'<span class="subtitle">{esc(subject.name)}</span>' if subject.name else ""
    return (
        '<header class="top"><div><div class="crumbs"><a href="index.html">← all documents</a>'
        f"</div><h1>{esc(subject.symbol or document.path)}{name}</h1>"
        f'<div class="meta">{"".join(meta)}</div>'
        f"{grade_cards(dict(grades))}{flag_counts(dict(flags), reasons)}</div></header>"
    )


def render_html(doc: AuditedDocument) -> str:
    """The whole HTML report of ``doc``: header, problems, claims table, loose citations, papers."""
    cited = papers(doc)
    by_key = {p.key: p for p in cited}
    flags = flag_occurrences(doc)
    reasons: dict[str, str] = {}
    cited_by: dict[str, list[str]] = {}
    for verdict in doc.claims:
        every = list(verdict.flags) + [f for c in verdict.citations for f in c.flags]
        reasons.update({f.name: f.reason for f in every})
        for c in verdict.citations:
            cited_by.setdefault(c.citation.key, []).append(verdict.claim.id)
    reasons.update({f.name: f.reason for c in doc.citations for f in c.flags})
    body = [_header(doc, flags, reasons), "<main>"]
    if doc.document.problems:
        items = "".join(
            f"<li><b>{esc(p.location or 'whole file')}</b>: {esc(p.message)}</li>"
            for p in doc.document.problems
        )
        body.append(
            '<section id="problems"><h2>Problems</h2>'
            f'<div class="banner bad"><ul>{items}</ul></div></section>'
        )
    body.append(f'<section id="claims"><h2>Claims ({len(doc.claims)})</h2>')
    if doc.claims:
        body.append(filter_form("claims-table", True, flags))
        heads = ["Claim", "Grade", "Regulator → target / statement", "Sources", "Flags", "Papers"]
        body.append(
            '<table class="data sortable" id="claims-table"><thead><tr>'
            + "".join(sort_header(h) for h in heads)
            + "</tr></thead><tbody>"
            + "".join(_claim_row(v, by_key) for v in doc.claims)
            + "</tbody></table>"
        )
    else:
        body.append("<p>No claims found in this document.</p>")
    body.append("</section>")
    if doc.citations:
        links = " ".join(
            f'<a class="fn" href="#{by_key[c.citation.key].anchor}">'
            f"[{by_key[c.citation.key].number}]</a>"
            for c in doc.citations
        )
        body.append(
            '<section id="loose"><h2>Loose citations</h2>'
            f"<p>Cited by the document but not attached to a claim: {links}</p></section>"
        )
    items = "".join(_paper_item(p, cited_by.get(p.key, [])) for p in cited)
    body.append(
        f'<section id="papers"><h2>Papers ({len(cited)})</h2>'
        f'<ol class="papers">{items}</ol></section>'
    )
    body.append(
        "<footer>Written by enrich. Machine-readable data: the .json file beside this "
        "report.</footer></main>"
    )
    title = f"{doc.document.subject.symbol or doc.document.path} — enrich report"
    return page(title, "\n".join(body))
