"""The HTML links of a TFLink row's evidence field, and the PubMed IDs their addresses give.

TFLink writes ``&ensp;<a href="https://www.ncbi.nlm.nih.gov/pubmed/?term=ID%5Buid%5D"
target="_blank">…</a>``; pages edited or exported elsewhere spell the same link otherwise
(``<A HREF=…>``, single quotes, ``&nbsp;`` or ``&#8194;`` before it, two links in a row,
``https://pubmed.ncbi.nlm.nih.gov/ID/``), and every spelling reads alike here.

Every scan moves forward only, so finding the links of a row costs time linear in its
length, whatever the row holds (no regular expression here can backtrack over the row).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.entities import html5

__all__ = ["Link", "evidence_of", "find_links"]


@dataclass(frozen=True, slots=True)
class Link:
    """One ``<a …>…</a>`` element: where it is in the row, and its ``href`` (None without one)."""

    start: int
    end: int
    href: str | None


_OPEN = re.compile(r"<a(?=[\s>])", re.IGNORECASE)
_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
_HREF = re.compile(r"\shref\s*=\s*", re.IGNORECASE)
_TERM = re.compile(r"[?&]term=([^&#]*)", re.IGNORECASE)
_PUBMED_PATH = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov|/pubmed)/([0-9]+)/?(?=[?#]|$)", re.IGNORECASE
)


def find_links(row: str) -> list[Link]:
    """The links of ``row`` in order, tags matched in any case.

    A link runs from its opening tag to the first ``</a>`` after it, or is the opening tag
    alone when another link opens first or none closes; an opening tag never closed by
    ``>`` ends the search (it and what follows are text).
    """
    links: list[Link] = []
    closing = _CLOSE.search(row)
    opening = _OPEN.search(row)
    while opening:
        tag_end = row.find(">", opening.end())
        if tag_end < 0:
            break
        following = _OPEN.search(row, tag_end + 1)
        if closing and closing.start() <= tag_end:
            closing = _CLOSE.search(row, tag_end + 1)
        end = tag_end + 1
        if closing and (following is None or closing.start() < following.start()):
            end = closing.end()
        links.append(Link(opening.start(), end, _href(row[opening.end() : tag_end])))
        opening = following
    return links


def _href(attributes: str) -> str | None:
    """The ``href`` of a tag's attribute text, quoted either way or not, entities decoded
    as in an attribute (:func:`_attribute_value`)."""
    found = _HREF.search(attributes)
    if found is None:
        return None
    value = attributes[found.end() :]
    if value[:1] in ('"', "'") and value:
        close = value.find(value[0], 1)
        value = value[1:close] if close >= 0 else value[1:]
    else:
        value = value.split(maxsplit=1)[0] if value.strip() else ""
    return _attribute_value(value)


_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


def _attribute_value(value: str) -> str:
    """``value`` with its character references decoded as HTML decodes an attribute's: a
    named one only when it is a whole name, and without its ``;`` only when no ``=``
    follows, so that ``?term=5&notes=1`` keeps ``&notes`` (``html.unescape``, the rule for
    text, reads ``¬es``, and ``&notes;`` as ``¬es;``)."""

    def decoded(reference: re.Match[str]) -> str:
        text = reference[0]
        if text[1] == "#":
            return html.unescape(text)
        whole = text[1:] in html5  # "amp;" and "amp" are names; "notes;" and "notes" not
        follows = value[reference.end() : reference.end() + 1]
        return html.unescape(text) if whole and (text.endswith(";") or follows != "=") else text

    return _REFERENCE.sub(decoded, value)


def evidence_of(href: str) -> str | None:
    """The PubMed search term of a link's address: its ``term=`` values joined by ``; ``,
    or the ID of a PubMed record's address (``pubmed.ncbi.nlm.nih.gov/ID/``); None when it
    gives neither."""
    terms = _TERM.findall(href)
    if terms:
        return "; ".join(terms)
    record = _PUBMED_PATH.search(href)
    return record[1] if record else None
