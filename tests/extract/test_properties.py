"""Property tests: random and mutated documents never crash a reader, only produce Problems."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.extract import detect_style, parse_document
from enrich.extract.text import read_text
from enrich.extract.tflink import read_tflink
from enrich.model import Document, Style
from tests.conftest import TWIST1, TWIST2

TWIST1_TEXT = TWIST1.read_text()
TWIST2_TEXT = TWIST2.read_text()


def _check(doc: Document) -> None:
    assert isinstance(doc, Document)
    for claim in doc.claims:
        for citation in claim.citations:
            assert citation.pmid or citation.doi  # nothing empty is invented
    for problem in doc.problems:
        assert problem.message and "\n" not in str(problem)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random deletions, insertions and a possible truncation."""
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 200)))
        insert = draw(st.sampled_from(["", ",", "'", "\n", "---", "%5Buid%5D", "{", "\x00", "é"]))
        text = text[:i] + insert + text[j:]
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@settings(max_examples=150, deadline=None)
@given(mutated(TWIST1_TEXT))
def test_mutated_tflink_pages_never_crash(text: str) -> None:
    """A TFLink page with random damage parses to claims and problems, never an exception."""
    _check(read_tflink("p.md", text))


@settings(max_examples=100, deadline=None)
@given(mutated(TWIST2_TEXT))
def test_mutated_pages_never_crash_whatever_the_detected_style(text: str) -> None:
    """Any damaged page goes through detection and its reader without an exception."""
    _check(parse_document("p.md", text))


ROW_PART = st.text(alphabet=st.sampled_from("abcAB01;,-. %<>\"=?&/[]\n'"), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW_PART, max_size=6))
def test_random_rows_never_crash(rows: list[str]) -> None:
    """Random row text inside a valid front matter gives claims or problems, never a crash."""
    body = "\n\n  ".join(r.replace("'", "''") for r in rows)
    _check(read_tflink("p.md", f"---\nprotein_name: X\ntfs: '{body}'\n---\n"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_crashes(text: str) -> None:
    """Any text read as plain text yields valid-or-flagged citations only."""
    doc = read_text("t.txt", text)
    _check(doc)
    assert doc.style is Style.TEXT
    assert detect_style(text) in set(Style)
