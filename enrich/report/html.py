"""The HTML report of one audited document, and the pieces ``index.html`` shares. Pure.

A report is one self-contained file: the stylesheet and script are inlined, a
Content-Security-Policy forbids every fetch and lets only that stylesheet and script
apply (by their SHA-256; no ``'unsafe-inline'``), and the only links are to PubMed,
doi.org and the neighbouring report files.  Every string from a document or
from PubMed is escaped with ``html.escape(..., quote=True)``; PubMed title
markup passes :func:`sanitize_markup`, which lets through only balanced
``i b u sup sub`` tags.

Documents are rendered one after another in the same process, and the same papers,
flags and lists of sources recur in document after document.  So the fragments made
from them (a paper's card, a flag's chip, a claim's sources cell...) are remembered
across documents, in bounded caches (least recently used first out) keyed by the
frozen model values they are made from and by nothing else: a remembered fragment is
always the one that would be made again.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

from enrich.figures import count
from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    ClaimKind,
    ClaimVerdict,
    Flag,
    Grade,
    PaperRecord,
    Status,
)
from enrich.report.markdown import doi_url, pubmed_url
from enrich.report.provenance import Provenance, banner_html, footer_html
from enrich.report.sections import genes_section, legend
from enrich.report.summary import CITATION_FLAGS_NOTE, CLAIM_FLAGS_NOTE, split_flags
from enrich.report.view import (
    BAD_FLAGS,
    Paper,
    claim_anchor,
    document_flags,
    paper_year,
    papers,
    short_authors,
)

__all__ = ["CSP", "esc", "page", "render_html", "sanitize_markup"]


@cache
def _asset(name: str) -> str:
    return resources.files("enrich.report").joinpath(name).read_text(encoding="utf-8")


def _inline(tag: str, name: str) -> tuple[str, str]:
    """The ``<tag>`` element inlining the asset ``name``, and its CSP source (its hash)."""
    content = f"\n{_asset(name)}"
    digest = base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode("ascii")
    return f"<{tag}>{content}</{tag}>", f"'sha256-{digest}'"


_STYLE, _STYLE_SOURCE = _inline("style", "report.css")
_SCRIPT, _SCRIPT_SOURCE = _inline("script", "report.js")
#: Nothing may be fetched, and only the report's own stylesheet and script run: each is
#: allowed by its SHA-256, so a script or style that got into a page some other way does not.
CSP = (
    f"default-src 'none'; style-src {_STYLE_SOURCE}; script-src {_SCRIPT_SOURCE}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
_BACK_LINKS = 12  #: "Cited by" links shown per paper; the rest are counted
_TAG = re.compile(r"&lt;(/?)(i|b|u|sup|sub)&gt;")


def esc(text: object) -> str:
    """``text`` as HTML text or attribute value (quotes escaped too)."""
    plain = "" if text is None else str(text)
    if "&" in plain or "<" in plain or ">" in plain or '"' in plain or "'" in plain:
        return html.escape(plain, quote=True)
    return plain  # most texts have nothing to escape: spare html.escape's five passes


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


def page(title: str, body: str) -> str:
    """A complete HTML document around ``body`` (already safe HTML) with CSS and JS inlined."""
    return f"{_page_start(title)}{body}{_page_end()}"


def _page_start(title: str) -> str:
    """A page up to its body's content."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)}</title>\n{_STYLE}\n</head>\n"
        "<body>\n"
    )


def _page_end() -> str:
    """A page after its body's content."""
    return f"\n{_SCRIPT}\n</body>\n</html>\n"


def flag_chip(flag: Flag, extra: str = "", css: str = "flag") -> str:
    """A flag as a chip whose tooltip is its reason (red for a paper unusable as evidence);
    ``extra``, safe HTML, follows the flag's name."""
    return f"{_chip_start(flag.name, flag.reason, css)}{extra}</span>"


@lru_cache(maxsize=8192)  # the same few flags are on most rows of most documents
def _chip_start(name: str, reason: str, css: str) -> str:
    css += " bad" if name in BAD_FLAGS else ""
    return f'<span class="{css}" title="{esc(reason)}">{esc(name)}'


@lru_cache(maxsize=8192)  # as _chip_start
def _flag_item(name: str, reason: str) -> str:
    """A paper's flag in its list of flags: the chip, then the reason in full."""
    return f"<li>{_chip_start(name, reason, 'flag')}</span> <span>{esc(reason)}</span></li>"


def grade_cards(counts: dict[str, int]) -> str:
    """One coloured card per grade with its number of claims."""
    cards = [
        f'<div class="card grade-{g.value}" title="grade {g.value}"><span class="badge">'
        f'{g.value}</span><span class="n">{count(counts.get(g.value, 0))}</span>'
        '<span class="label">claims</span></div>'
        for g in Grade
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def flag_counts(counts: dict[str, int], reasons: dict[str, str] | None = None) -> str:
    """Chips for every flag name with its count: claim flags and citation flags apart, each
    group saying what it counts."""
    if not counts:
        return '<div class="flags"><span class="label">No flags</span></div>'
    groups = []
    for label, pairs, note in zip(
        ("Claim flags", "Citation flags"),
        split_flags(counts),
        (CLAIM_FLAGS_NOTE, CITATION_FLAGS_NOTE),
        strict=True,
    ):
        if not pairs:
            continue
        chips = [
            f'<span class="flag" title="{esc((reasons or {}).get(name, name))}">{esc(name)}'
            f'<span class="count">{count(n)}</span></span>'
            for name, n in pairs
        ]
        head = f'<span class="label">{label} <span class="note">({esc(note)})</span></span>'
        groups.append(f'<div class="flags">{head}{"".join(chips)}</div>')
    return "".join(groups)


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


@lru_cache(maxsize=4096)  # the same few lists of sources and methods recur on most claims
def _claim_sources(
    sources: tuple[str, ...], methods: tuple[str, ...], small_scale: bool | None
) -> str:
    """The sources cell of a claim."""
    parts = [esc("; ".join(sources))] if sources else []
    if methods:
        parts.append(f'<span class="small">{esc("; ".join(methods))}</span>')
    if small_scale:
        parts.append('<span class="tag" title="TFLink: small-scale evidence">small-scale</span>')
    return "<br>".join(parts) or '<span class="small">—</span>'


def _footnote(cited: CitationVerdict, paper: Paper) -> str:
    css, notes = _footnote_style(paper.status, cited.flags)
    return f'<a class="{css}" href="#{paper.anchor}" title="{notes}">[{paper.number}]</a>'


@lru_cache(maxsize=8192)  # a database paper's footnote looks the same on every row
def _footnote_style(status: Status, flags: tuple[Flag, ...]) -> tuple[str, str]:
    """The class and the escaped tooltip of a footnote to a paper of ``status`` cited
    with ``flags``."""
    notes = [status.value] + [f"{f.name}: {f.reason}" for f in flags]
    names = {f.name for f in flags}
    if names & BAD_FLAGS or status in (Status.NOT_FOUND, Status.INVALID):
        css = "fn bad"
    elif names or status is not Status.RESOLVED:
        css = "fn warn"
    else:
        css = "fn"
    return css, esc("; ".join(notes))


@lru_cache(maxsize=16384)  # claim ids recur across documents: tfs-1, tfs-2...
def _claim_anchor(claim_id: str) -> tuple[str, str]:
    """The escaped HTML id of a claim's row, and the escaped claim id."""
    return esc(claim_anchor(claim_id)), esc(claim_id)


@lru_cache(maxsize=16384)  # as _claim_anchor
def _back_link(claim_id: str) -> str:
    anchor, shown = _claim_anchor(claim_id)
    return f'<a href="#{anchor}">{shown}</a>'


def _why(verdict: ClaimVerdict) -> str:
    """The grade's reason without the grade it starts with ("C: ")."""
    reason, head = verdict.grade_reason, f"{verdict.grade}: "
    return reason[len(head) :] if reason.startswith(head) else reason


def _claim_row(verdict: ClaimVerdict, notes: list[tuple[Paper, str]]) -> str:
    """The table row of a claim, given each of its citations' paper and footnote."""
    claim = verdict.claim
    what, what_key = _claim_what(verdict)
    chips = [flag_chip(f) for f in verdict.flags]
    by_flag: dict[str, tuple[Flag, list[int]]] = {}
    for cited, (paper, _) in zip(verdict.citations, notes, strict=True):
        for f in cited.flags:
            by_flag.setdefault(f.name, (f, []))[1].append(paper.number)
    footnotes = [footnote for _, footnote in notes]
    chips += [
        flag_chip(f, f" [{', '.join(map(str, refs))}]", "flag cited")
        for f, refs in by_flag.values()
    ]
    names = dict.fromkeys([f.name for f in verdict.flags] + list(by_flag))
    anchor, shown = _claim_anchor(claim.id)
    sources = _claim_sources(claim.sources, claim.methods, claim.small_scale)
    return (
        f'<tr id="{anchor}" data-grade="{verdict.grade}" '
        f'data-flags="{esc("|".join(names))}">'
        f'<td class="id" data-sort="{shown}" title="{esc(claim.location)}">{shown}</td>'
        f'<td class="grade-{verdict.grade}" data-sort="{verdict.grade}">'
        f'<span class="badge">{verdict.grade}</span></td>'
        f'<td data-sort="{esc(what_key)}">{what}</td>'
        f'<td class="why">{esc(_why(verdict))}</td>'
        f"<td>{sources}</td>"
        f'<td data-sort="{len(names)}">{" ".join(chips)}</td>'
        f'<td data-sort="{len(footnotes)}">{" ".join(footnotes) or "—"}</td></tr>'
    )


@cache
def _claims_table_head() -> str:
    """The claims table up to its rows: the same in every report."""
    heads = ["Claim", "Grade", "Regulator → target / statement", "Why this grade", "Sources"]
    heads += ["Flags", "Papers"]
    cells = "".join(sort_header(h) for h in heads)
    return f'<table class="data sortable" id="claims-table"><thead><tr>{cells}</tr></thead><tbody>'


def _paper_item(paper: Paper, cited_by: list[str]) -> str:
    flags = "".join([_flag_item(f.name, f.reason) for f in paper.flags])
    back = " ".join([_back_link(c) for c in cited_by[:_BACK_LINKS]])
    if len(cited_by) > _BACK_LINKS:
        back += f" and {count(len(cited_by) - _BACK_LINKS)} more"
    record = paper.record
    if record is not None:
        card = _record_card(record, record.doi or paper.citation.doi, paper.status, paper.reason)
    else:
        card = _citation_card(paper.key, paper.citation, paper.status, paper.reason)
    flags = f'<ul class="pflags">{flags}</ul>' if flags else ""
    back = f'<div class="small">Cited by {back}</div>' if back else ""
    return (
        f'<li id="{paper.anchor}"><span class="pnum">[{paper.number}]</span><div>{card}{flags}'
        f"{back}</div></li>"
    )


@lru_cache(maxsize=8192)  # documents share many papers; database papers are in nearly all
def _record_card(record: PaperRecord, doi: str | None, status: Status, reason: str) -> str:
    """What a paper's entry in the paper list shows, whichever document cites it, when
    PubMed gave its record."""
    title = sanitize_markup(record.title_markup) if record.title_markup else esc(record.title)
    meta = (short_authors(record.authors), record.journal, paper_year(record))
    return _card(title, meta, record.pmid, doi, status, reason)


@lru_cache(maxsize=1024)  # as _record_card
def _citation_card(key: str, citation: Citation, status: Status, reason: str) -> str:
    """What a paper's entry in the paper list shows when only the document describes it."""
    title = esc(citation.title) if citation.title else f"<em>{esc(key)}</em>"
    year = str(citation.year) if citation.year is not None else ""
    meta = (citation.authors or "", citation.journal or "", year)
    pmid = citation.pmid if "pmid" not in citation.invalid else None
    doi = citation.doi if "doi" not in citation.invalid else None
    return _card(title, meta, pmid, doi, status, reason)


def _card(
    title: str,
    meta: tuple[str, str, str],
    pmid: str | None,
    doi: str | None,
    status: Status,
    reason: str,
) -> str:
    """A paper's title (safe HTML), authors, journal and year, links and status."""
    links = []
    if pmid:
        links.append(f'<a href="{esc(pubmed_url(pmid))}" rel="noopener">PMID {esc(pmid)}</a>')
    if doi:
        links.append(f'<a href="{esc(doi_url(doi))}" rel="noopener">doi:{esc(doi)}</a>')
    more = f" — {esc(reason)}" if reason else ""
    shown = f'<span class="status {status.value}" title="{esc(reason)}">'
    shown += f"{esc(status.value.replace('_', ' '))}</span>{more}"
    described = " · ".join(esc(part) for part in meta if part)
    return (
        f'<div class="ptitle">{title}</div><div class="pmeta">{described}</div>'
        f'<div class="plinks">{"".join(links)}{shown}</div>'
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
    grades = Counter([str(v.grade) for v in doc.claims])
    name = f'<span class="subtitle">{esc(subject.name)}</span>' if subject.name else ""
    return (
        '<header class="top"><div><div class="crumbs"><a href="index.html">← all documents</a>'
        f"</div><h1>{esc(subject.symbol or document.path)}{name}</h1>"
        f'<div class="meta">{"".join(meta)}</div>'
        f"{grade_cards(dict(grades))}{flag_counts(dict(flags), reasons)}</div></header>"
    )


def render_html(doc: AuditedDocument, provenance: Provenance | None = None) -> str:
    """The whole HTML report of ``doc``: header, problems, claims table, loose citations,
    papers; with ``provenance``, a test-data banner where it applies and where it comes from."""
    cited = papers(doc)
    by_key = {p.key: p for p in cited}
    every = document_flags(doc)
    flags = Counter([str(f.name) for f in every])
    reasons = {str(f.name): f.reason for f in every}
    # Each citation verdict's paper and footnote, by identity (safe: ``doc`` keeps its
    # verdicts alive): a verdict cited by many claims is looked up once.
    noted: dict[int, tuple[Paper, str]] = {}
    cited_by: dict[str, list[str]] = {}
    rows = []
    for verdict in doc.claims:
        notes = []
        for c in verdict.citations:
            note = noted.get(id(c))
            if note is None:
                paper = by_key[c.citation.key]
                note = noted[id(c)] = paper, _footnote(c, paper)
            cited_by.setdefault(note[0].key, []).append(verdict.claim.id)
            notes.append(note)
        rows.append(_claim_row(verdict, notes))
    title = f"{doc.document.subject.symbol or doc.document.path} — enrich report"
    # The page's pieces, joined once at the end (a page is copied once, not per section);
    # the body's sections are separated by newlines.
    out = [_page_start(title), _header(doc, flags, reasons), "\n<main>"]
    if provenance is not None:
        out.append(banner_html(provenance))
    if doc.document.problems:
        items = "".join(
            f"<li><b>{esc(p.location or 'whole file')}</b>: {esc(p.message)}</li>"
            for p in doc.document.problems
        )
        out.append(
            '\n<section id="problems"><h2>Problems</h2>'
            f'<div class="banner bad"><ul>{items}</ul></div></section>'
        )
    out.append(f'\n<section id="claims"><h2>Claims ({count(len(doc.claims))})</h2>')
    if doc.claims:
        out += ["\n", filter_form("claims-table", True, flags), "\n", _claims_table_head()]
        out += rows
        out.append("</tbody></table>")
    else:
        out.append("\n<p>No claims found in this document.</p>")
    out.append("\n</section>")
    if doc.citations:
        links = " ".join(
            f'<a class="fn" href="#{by_key[c.citation.key].anchor}">'
            f"[{by_key[c.citation.key].number}]</a>"
            for c in doc.citations
        )
        out.append(
            '\n<section id="loose"><h2>Loose citations</h2>'
            f"<p>Cited by the document but not attached to a claim: {links}</p></section>"
        )
    out.append(f'\n<section id="papers"><h2>Papers ({count(len(cited))})</h2><ol class="papers">')
    out += [_paper_item(p, cited_by.get(p.key, [])) for p in cited]
    out.append("</ol></section>")
    out += ["\n", genes_section(doc), "\n", legend()]
    out.append(
        "\n<footer>Written by enrich. Machine-readable data: the .json file beside this report."
    )
    if provenance is not None:
        out.append(footer_html(provenance))
    out.append("</footer></main>")
    out.append(_page_end())
    return "".join(out)
