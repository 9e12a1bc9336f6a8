"""Text from inputs shown in messages, written to TSV cells and printed as JSON: safe."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from enrich.escape import FORMULA_STARTS, printable, terminal_json, tsv_cell
from enrich.model import Problem


def test_printable_escapes_controls_and_keeps_ordinary_text() -> None:
    """Newlines, escapes, tabs and bidi overrides are shown as escapes; letters stay as they are."""
    assert printable("reports/TWIST1 café.md") == "reports/TWIST1 café.md"
    assert printable("evil\nerror: forged.md") == "evil\\nerror: forged.md"
    assert printable("a\x1b[31mred\tb\u202ec") == "a\\x1b[31mred\\tb\\u202ec"


@given(st.text())
def test_printable_is_always_one_printable_line(text: str) -> None:
    """Whatever the text, the result is printable: no line break, no control character."""
    assert printable(text).isprintable()


def test_problem_lines_escape_the_file_name() -> None:
    """A Problem naming a file with a newline in its name prints as one line."""
    line = str(Problem("docs/a\nerror: b.md", "line 2", "bad row"))
    assert line == "docs/a\\nerror: b.md:line 2: bad row"


def test_tsv_cell_neutralises_formulas_but_not_numbers() -> None:
    """Cells a spreadsheet would evaluate get a leading quote; plain numbers are left alone."""
    assert tsv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert tsv_cell("+SUM(A1)") == "'+SUM(A1)"
    assert tsv_cell("@cmd") == "'@cmd"
    assert tsv_cell("-2+3") == "'-2+3"
    assert tsv_cell("-12") == "-12" and tsv_cell("+2.5") == "+2.5"
    assert tsv_cell("TWIST1\tbinds\nDNA") == "TWIST1 binds DNA"
    assert tsv_cell(" \t=x") == "'=x"  # white space first does not hide a formula


def test_tsv_cell_shows_terminal_controls_as_escapes() -> None:
    """``enrich audit --format tsv`` and ``extract --format tsv`` print to the terminal: an
    escape sequence (a colour, an OSC 8 link, clearing the screen), a C1 control or a
    bidirectional override in a cell is written as its escape; before, it reached the
    terminal raw.  Other characters, a soft hyphen or a zero-width space, stay as they are."""
    assert tsv_cell("TW\x1b]8;;http://e\x07IST1\x1b[2J") == "TW\\x1b]8;;http://e\\x07IST1\\x1b[2J"
    assert tsv_cell("a\x9bb\u202ec\x7f") == "a\\x9bb\\u202ec\\x7f"
    assert tsv_cell("bHLH\u00adfactor\u200bx") == "bHLH\u00adfactor\u200bx"


@given(st.text())
def test_tsv_cell_never_starts_a_formula(text: str) -> None:
    """No cell is multi-line, holds a tab, or starts with a formula character unless a number."""
    cell = tsv_cell(text)
    assert "\t" not in cell and "\n" not in cell and "\r" not in cell
    assert not any(unicodedata.category(c) == "Cc" for c in cell)
    assert not cell.startswith(FORMULA_STARTS) or cell.lstrip("+-").replace(".", "").isdigit()


@given(
    st.recursive(
        st.text() | st.none(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
    )
)
def test_terminal_json_is_the_same_value_with_nothing_a_terminal_acts_on(value: object) -> None:
    """JSON printed by a command holds no control (C0, DEL, C1) nor bidirectional control
    raw, whatever the data, and reads back as the same value."""
    text = terminal_json(value, indent=2)
    assert json.loads(text) == value
    raw = [c for c in text if c != "\n" and (unicodedata.category(c) == "Cc" or c in BIDI)]
    assert not raw


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
