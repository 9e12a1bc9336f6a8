"""The HTML report of one audited document, ``<name>.html``: a page that draws itself. Pure.

The page carries the document's data, the schema-2 JSON of ``<name>.json``
(:func:`~enrich.report.json_document.document_json`), in a
``<script type="application/json">`` block, and the report's own script
(``report.js``) builds the report from it in the browser with DOM methods: text is
always set as text, and PubMed's title markup passes a whitelist of its inline tags.
The page is otherwise what :func:`~enrich.report.html.page` makes of every enrich page:
self-contained, and under a Content-Security-Policy that fetches nothing and runs only
that script.  What the page says without JavaScript: that it needs it, and which
files beside it hold the same report.

So rendering the page costs little more than escaping its JSON, which a run renders
once for both files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from urllib.parse import quote

from enrich.model import CLAIM_FLAGS, AuditedDocument
from enrich.report.html import esc, legend, page
from enrich.report.json_document import document_json
from enrich.report.provenance import Provenance, banner_html, footer_html
from enrich.report.summary import CITATION_FLAGS_NOTE, CLAIM_FLAGS_NOTE
from enrich.report.view import BAD_FLAGS

__all__ = ["render_html", "script_data"]

#: What could end a data block or confuse a script reading it, as JSON escapes: ``<`` and
#: ``>`` (``</script>``, ``<!--``), ``&``, and the line separators older JavaScript
#: refused in strings.  Each can only occur inside a JSON string, where the escape means
#: the same character.
_UNSAFE_IN_SCRIPT = (
    ("&", "\\u0026"),
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def script_data(data: str) -> str:
    """JSON text ``data`` made safe inside ``<script type="application/json">``: the same
    JSON value, with nothing that can end the block or be read as markup."""
    for character, escaped in _UNSAFE_IN_SCRIPT:
        if character in data:
            data = data.replace(character, escaped)
    return data


@cache
def _terms() -> str:
    """The audit's terms the script needs (which flags are claim flags, which make a paper
    unusable, what each group of counts counts), as a data block: the same in every page."""
    terms = {
        "claim_flags": sorted(CLAIM_FLAGS),
        "bad_flags": sorted(BAD_FLAGS),
        "claim_flags_note": CLAIM_FLAGS_NOTE,
        "citation_flags_note": CITATION_FLAGS_NOTE,
    }
    return _block("enrich-terms", json.dumps(terms, ensure_ascii=False))


def _block(block_id: str, data: str) -> str:
    return f'<script type="application/json" id="{block_id}">{script_data(data)}</script>'


def _links(names: Sequence[str]) -> str:
    """Links to the files ``names`` beside the page, "a and b"."""
    links = [f'<a href="{esc(quote(name))}">{esc(name)}</a>' for name in names]
    return " and ".join(filter(None, [", ".join(links[:-1]), links[-1]])) if links else ""


def render_html(
    doc: AuditedDocument,
    data: str | None = None,
    others: Sequence[str] = (),
    provenance: Provenance | None = None,
) -> str:
    """The HTML report of ``doc``: its JSON ``data`` (``document_json(doc, provenance)``
    when not given) and the script that draws the report from it.  ``others`` names the
    document's other report files beside the page (``x.json``, ``x.md``), linked for
    readers without JavaScript.  With ``provenance``, the page says where it comes from
    in its footer, and opens with a banner when it is test data (both drawn with or
    without JavaScript)."""
    text = document_json(doc, provenance) if data is None else data
    document = doc.document
    title = f"{document.subject.symbol or document.path} — enrich report"
    elsewhere = f" The same report is in {_links(others)} beside this page." if others else ""
    machine = [name for name in others if name.endswith(".json")]
    readable = f" Machine-readable data: {_links(machine)}." if machine else ""
    banner = banner_html(provenance) if provenance else ""
    footer = footer_html(provenance) if provenance else ""
    body = (
        '<noscript><div class="banner bad">This report is drawn by its script: it needs '
        f"JavaScript.{elsewhere}</div></noscript>\n"
        f"<main>\n{banner}{legend()}\n"
        f"<footer>Written by enrich.{readable}{footer}</footer>\n</main>\n"
        f"{_terms()}\n{_block('enrich-data', text)}"
    )
    return page(title, body)
