"""The HTML page of every enrich report, and the pieces ``index.html`` is drawn with. Pure.

A page is one self-contained file (:func:`page`): the stylesheet and script are inlined,
and a Content-Security-Policy forbids every fetch and lets only that stylesheet and
script apply (by their SHA-256; no ``'unsafe-inline'``).  The script (``report.js``)
sorts and filters tables, and draws a document's report from the data its page carries
(:mod:`enrich.report.viewer`).  Every string given to the pieces here is escaped with
``html.escape(..., quote=True)`` (:func:`esc`); :func:`legend`, the grades and flags
explained, ends every page.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable
from functools import cache
from importlib import resources

from enrich.audit.legend import FLAG_MEANINGS, GRADE_MEANINGS, PRIMARY
from enrich.figures import count
from enrich.model import FlagName, Grade
from enrich.report.summary import CITATION_FLAGS_NOTE, CLAIM_FLAGS_NOTE, split_flags
from enrich.report.view import BAD_FLAGS

__all__ = [
    "CSP",
    "esc",
    "filter_form",
    "flag_counts",
    "grade_cards",
    "legend",
    "page",
    "sort_header",
]


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


def esc(text: object) -> str:
    """``text`` as HTML text or attribute value (quotes escaped too)."""
    plain = "" if text is None else str(text)
    if "&" in plain or "<" in plain or ">" in plain or '"' in plain or "'" in plain:
        return html.escape(plain, quote=True)
    return plain  # most texts have nothing to escape: spare html.escape's five passes


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


def grade_cards(counts: dict[str, int]) -> str:
    """One coloured card per grade with its number of claims."""
    cards = [
        f'<div class="card grade-{g.value}" title="grade {g.value}"><span class="badge">'
        f'{g.value}</span><span class="n">{count(counts.get(g.value, 0))}</span>'
        '<span class="label">claims</span></div>'
        for g in Grade
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def flag_counts(counts: dict[str, int]) -> str:
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
            f'<span class="flag" title="{esc(name)}">{esc(name)}'
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


@cache
def legend() -> str:
    """What each grade and flag means: a section at the end of every page."""
    grades = "".join(
        f'<dt><span class="badge grade-{g.value}">{g.value}</span></dt>'
        f"<dd>{esc(GRADE_MEANINGS[g])}</dd>"
        for g in Grade
    )
    flags = "".join(
        f'<dt><span class="flag{" bad" if f in BAD_FLAGS else ""}">{esc(f.value)}</span></dt>'
        f"<dd>{esc(FLAG_MEANINGS[f])}</dd>"
        for f in FlagName
    )
    return (
        f'<section id="legend"><h2>Legend</h2><p>{esc(PRIMARY)}</p>'
        f'<h3>Grades</h3><dl class="legend">{grades}</dl>'
        f'<h3>Flags</h3><dl class="legend">{flags}</dl></section>'
    )
