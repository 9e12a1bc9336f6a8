"""The text views names are searched in: the fast paths for ASCII text (most titles and
abstracts) give what the general translation gives, for any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enrich.audit import mentions
from enrich.audit.mentions import GREEK, normalise_letters

#: characters the views treat specially, mixed with ordinary ones
_SPECIAL = "-_ \t\n\r\x0b\x0c\x1c\u2010\u2013\u00a0\u3000" + "".join(GREEK) + "Aa1İ"
_TEXT = st.text(alphabet=st.sampled_from(_SPECIAL) | st.characters(), max_size=80)


@given(_TEXT)
def test_gaps_of_any_text_are_those_of_the_general_table(text: str) -> None:
    assert mentions._gaps(text) == text.translate(mentions._GAPS)


@given(_TEXT)
def test_greek_of_any_text_is_spelled_as_the_general_table_spells_it(text: str) -> None:
    assert normalise_letters(text) == text.translate(mentions._LETTERS)


@given(_TEXT)
def test_dashes_of_any_text_are_those_of_the_general_table(text: str) -> None:
    assert mentions._dashes(text) == text.translate(mentions._DASHES)
