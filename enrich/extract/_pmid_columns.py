"""PMIDs in a Markdown table's PMID column: the cells under a ``PMID``, ``PMIDs``, ``PubMed``
or ``PubMed ID(s)`` header hold bare numbers that no label in the cell names.

Pure: text in, :class:`~enrich.identifiers.Found` values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from enrich.identifiers import Found, find_identifiers

__all__ = ["find_column_pmids"]

_HEADER = re.compile(r"[*_`\s]*(?:PMIDs?|PubMed(?:\s*IDs?)?)[*_`\s]*", re.IGNORECASE)
_DELIMITER_CELL = re.compile(r"\s*:?-+:?\s*")
_BOUNDARY = re.compile(r"(?<!\\)\|")  #: an escaped "\|" is no cell boundary
#: a cell of bare PMIDs apart by "," ";" an escaped "\|" (GitHub shows "|") or white space,
#: or one PMID in groups of three digits
_NUMBERS = re.compile(r"[0-9]+(?:\s*(?:[,;]|\\\|)\s*[0-9]+|\s+[0-9]+)*")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_NUMBER = re.compile(r"[0-9]+")
_EMPTY = frozenset({"", "-", "\u2013", "\u2014", "n/a", "na", "none"})
#: a line opening a code fence: ``` or ~~~, indented by three spaces at most
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
#: a line opening another block, which ends a table: a quote, a heading, a list item, a
#: fence or a thematic break (indented by three spaces at most; four make code)
_OTHER_BLOCK = re.compile(
    r" {0,3}(?:>|#{1,6}(?:[ \t]|$)|[-+*][ \t]|[0-9]{1,9}[.)][ \t]|`{3}|~{3}|(?:[-*_][ \t]*){3,}$)"
)


def find_column_pmids(text: str) -> Iterator[Found]:
    """The PMIDs of every PMID column of the Markdown tables in ``text``, in order.

    A column is one whose header cell is ``PMID``, ``PMIDs``, ``PubMed`` or ``PubMed ID(s)``
    (emphasis around it allowed) in a table as GitHub reads one: outside code (fenced, or
    indented by four spaces), a header row, a delimiter row of as many cells (``---``,
    ``:-:``, ``-``), then rows up to a blank line or a line opening another block (a quote,
    a heading, a list item, a fence, a thematic break); the pipes opening and closing a
    row are optional, and a line without ``|`` is a row of one cell.  A cell that gives
    an identifier as any text does (``PMID: n``, a PubMed link) is left to
    :func:`~enrich.identifiers.find_identifiers`; an empty one (``-``, ``n/a``) gives
    nothing; any other cell that is not bare numbers is yielded whole, to be reported as
    no valid PMID rather than dropped.
    """
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    index = 0
    while index + 1 < len(lines):
        fence = _FENCE.match(lines[index])
        if fence:  # code: skipped to the fence closing it (of the same kind, as long or longer)
            index = _after_fence(lines, index + 1, fence[1])
            continue
        columns = _pmid_columns(lines[index], lines[index + 1])
        if not columns:
            index += 1
            continue
        index += 2
        while index < len(lines) and lines[index].strip() and not _OTHER_BLOCK.match(lines[index]):
            for start, column, cell in _cells(lines[index]):
                if column in columns:
                    yield from _cell_pmids(cell, offsets[index] + start)
            index += 1


def _after_fence(lines: list[str], index: int, opening: str) -> int:
    """The index of the line after the fence closing code opened by ``opening`` (fence
    characters of the same kind, as many or more, alone on their line), or of the end."""
    for number in range(index, len(lines)):
        closing = _FENCE.match(lines[number])
        if (
            closing
            and closing[1][0] == opening[0]
            and len(closing[1]) >= len(opening)
            and not lines[number][closing.end() :].strip()
        ):
            return number + 1
    return len(lines)


def _cells(line: str) -> list[tuple[int, int, str]]:
    """(offset in the line, column number, text) of each cell of a table row, whose opening
    and closing pipes are optional."""
    indent = len(line) - len(line.lstrip())
    position = indent + 1 if line.startswith("|", indent) else 0
    cells = []
    for column, text in enumerate(_BOUNDARY.split(line[position:])):
        cells.append((position, column, text))
        position += len(text) + 1
    if cells and not cells[-1][2].strip():  # what follows the closing "|"
        cells.pop()
    return cells


def _pmid_columns(header: str, delimiter: str) -> set[int]:
    """The numbers of the PMID columns of a table opening with these two lines, if it is one."""
    if not (_BOUNDARY.search(header) and _BOUNDARY.search(delimiter)):
        return set()  # "PMID" over "---" is a heading; a table has a cell boundary
    if header.startswith(("    ", "\t")) or _OTHER_BLOCK.match(header):
        return set()  # indented code, or another block's first line
    cells, rule = _cells(header), [text for _, _, text in _cells(delimiter)]
    if len(rule) != len(cells) or not all(_DELIMITER_CELL.fullmatch(text) for text in rule):
        return set()
    return {column for _, column, text in cells if _HEADER.fullmatch(text)}


def _cell_pmids(cell: str, offset: int) -> Iterator[Found]:
    """The PMIDs of one cell of a PMID column starting at ``offset`` of the text."""
    stripped = cell.strip()
    if stripped.lower() in _EMPTY or next(find_identifiers(cell), None) is not None:
        return
    start = offset + cell.index(stripped[0])
    if _GROUPED.fullmatch(stripped):
        yield Found("pmid", stripped.replace(",", ""), start)
    elif _NUMBERS.fullmatch(stripped):
        yield from (Found("pmid", n[0], start + n.start()) for n in _NUMBER.finditer(stripped))
    else:
        yield Found("pmid", stripped, start)
