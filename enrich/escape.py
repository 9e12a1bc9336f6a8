"""Text from inputs made safe where it would otherwise be misread: messages, TSV cells and
JSON printed on a terminal.

Three promises, each kept by one function used everywhere it applies:

* :func:`printable`: a file name or any other text from outside shown in a message is one
  line, and no character in it can move the cursor, recolour the terminal or fake another
  line: every character that is not printable (controls such as newline, tab or escape,
  line and paragraph separators, bidirectional overrides) is written as its Python escape
  (``\\n``, ``\\x1b``, ``\\u202e``).
* :func:`tsv_cell`: a TSV cell is one line without tabs, and a spreadsheet opening the file
  never runs it as a formula: a cell starting with ``=``, ``+``, ``-`` or ``@`` gets a
  leading ``'`` (OWASP's advice for CSV injection), unless the whole cell is a plain
  number such as ``-3`` or ``+2.5``, which a spreadsheet reads as that number.  TSV goes to
  terminals too (``enrich audit --format tsv``), so a control character (escape, C1) or a
  bidirectional override in a cell is written as its escape, as :func:`printable` does;
  other characters, a soft hyphen among them, are kept.
* :func:`terminal_json`: JSON that commands print (``--format json``) holds no character
  a terminal acts on: ``json.dumps(..., ensure_ascii=False)`` escapes the C0 controls but
  leaves DEL, the C1 controls and the bidirectional controls raw; they are written as
  ``\\uXXXX`` escapes, the same JSON value.
"""

from __future__ import annotations

import json
import re

__all__ = ["FORMULA_STARTS", "printable", "terminal_json", "tsv_cell"]

#: the first characters that make a spreadsheet evaluate a cell
FORMULA_STARTS = ("=", "+", "-", "@")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
#: DEL, the C1 controls and the bidirectional embeddings, overrides and isolates
_BEYOND_C0 = "\x7f-\x9f\u202a-\u202e\u2066-\u2069"
#: what a terminal acts on: those and the C0 controls
_TERMINAL_CONTROL = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
#: what json.dumps(ensure_ascii=False) leaves raw of _TERMINAL_CONTROL (it escapes C0)
_JSON_RAW_CONTROL = re.compile(f"[{_BEYOND_C0}]")


def terminal_json(value: object, indent: int | None = None) -> str:
    """``value`` as JSON (``json.dumps(value, indent=indent, ensure_ascii=False)``) with DEL,
    C1 and bidirectional controls written as ``\\uXXXX`` escapes: the same JSON value,
    nothing a terminal acts on."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(text: object) -> str:
    """``text`` as one printable line: every non-printable character escaped, spaces kept."""
    plain = str(text)
    if plain.isprintable():
        return plain
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in plain)


def tsv_cell(value: str | None) -> str:
    """``value`` as a TSV cell: white space runs (tabs, line breaks) made one space, terminal
    controls escaped, and a leading ``=``, ``+``, ``-`` or ``@`` neutralised with ``'`` (see
    the module docstring)."""
    cell = " ".join((value or "").split())
    if _TERMINAL_CONTROL.search(cell):
        cell = _TERMINAL_CONTROL.sub(lambda m: repr(m.group())[1:-1], cell)
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
