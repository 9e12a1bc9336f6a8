"""PMIDs in a Markdown table's PMID column."""

from __future__ import annotations

from enrich.extract.text import read_text

TABLE = """TWIST1 targets.

| Gene | PMIDs | Year | pmid_1 |
|:-----|-------|-----:|--------|
| CDH1 | 18598946 | 2008 | 77 |
| SNAI2 | 20691403; 21602879 | 2010 | 5 |
| ZEB1 | PMID: 15210113 | 2004 | |
| FN1 | - | 2011 | |
| VIM | 18,598,946 | 2008 | |
| MMP2 | see text | | |

Not a table: 2019 | 12345678
"""


def _pmids(text: str) -> list[str | None]:
    """The PMIDs of the citations read from Markdown ``text``, in order."""
    return [c.pmid for c in read_text("t.md", text).citations]


def test_the_bare_numbers_of_a_pmid_column_are_read() -> None:
    """A table's PMID column gives its cells' bare numbers as PMIDs (they were dropped in
    silence: no label in the cell names them); the year and the ``pmid_1`` columns give
    none, a cell's ``PMID: n`` is read once, an empty cell gives nothing."""
    doc = read_text("targets.md", TABLE)
    assert [c.key for c in doc.citations] == [
        "pmid:18598946",
        "pmid:20691403",
        "pmid:21602879",
        "pmid:15210113",
        "invalid:see text",
    ]


def test_a_cell_of_the_pmid_column_that_is_no_pmid_is_reported_with_its_line() -> None:
    """Text that is not bare numbers in a PMID column is one problem naming its line."""
    doc = read_text("targets.md", TABLE)
    assert [str(p) for p in doc.problems] == ["targets.md:line 10: 'see text' is not a valid PMID"]


def test_a_pubmed_header_in_emphasis_names_the_column_too() -> None:
    """``**PubMed ID**`` heads a PMID column as ``PMID`` does (PMIDs apart by an escaped
    ``\\|`` too, which GitHub shows as ``|``); a table without such a header gives no PMID
    from its numbers."""
    text = (
        "| Gene | **PubMed ID** |\n|---|---|\n| CDH1 | 18598946 20691403 |\n"
        "| ZEB1 | 15210113 \\| 21602879 |\n\n"
        "| Gene | Count |\n|---|---|\n| CDH1 | 12345678 |\n"
    )
    assert _pmids(text) == ["18598946", "20691403", "15210113", "21602879"]


def test_a_table_without_outer_pipes_or_with_short_rules_is_read_as_github_reads_it() -> None:
    """GitHub's tables need no pipe opening or closing a row, and a delimiter cell of one
    hyphen: such a table's PMID column is read too, up to the blank line that ends it."""
    text = (
        "Gene | PMID | Year\n--- | :-: | -\nCDH1 | 18598946 | 2008\n"
        "ZEB1 | 15210113; 20691403 | 2004\n\nAfter it: 2019 | 12345678\n\n"
        "|Gene|PubMed|\n|-|-|\n|SNAI2|21602879|\n"
    )
    assert _pmids(text) == ["18598946", "15210113", "20691403", "21602879"]


def test_a_heading_or_a_delimiter_row_of_other_width_makes_no_table() -> None:
    """``PMID`` over ``---`` is a heading, not a one-column table; a delimiter row with
    another number of cells than the header's is no table (GitHub shows text): their
    numbers are no PMIDs."""
    text = "PMID\n---\n12345678\n\n| Gene | PMID |\n|---|\n| CDH1 | 18598946 |\n"
    assert read_text("t.md", text).citations == ()


def test_a_table_ends_where_github_ends_it_and_code_holds_none() -> None:
    """A line opening another block (a quote, a heading, a list item) ends a table, and its
    numbers are no PMIDs; a line without ``|`` before it is a row of one cell; a table in
    fenced or indented code is code."""
    text = (
        "Gene | PMID\n--- | ---\nCDH1 | 18598946\nZEB1\nSNAI2 | 21602879\n"
        "> Note | 2019\n## Sources | 2020\n\n"
        "| Gene | PMID |\n|---|---|\n| VIM | 20691403 |\n- ZEB2 | 15210113\n\n"
        "```\nid | PMID\n-|-\nx | 12345678\n```\n\n"
        "    | Gene | PMID |\n    |---|---|\n    | FN1 | 23456789 |\n"
    )
    assert _pmids(text) == ["18598946", "21602879", "20691403"]
