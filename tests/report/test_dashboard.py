"""index.html's dashboard sections, rendered from plain answers: the chart, the capped table of
claims needing attention, the gene tables; every text from a document escaped."""

from __future__ import annotations

from enrich.model import RunSummary
from enrich.report.dashboard import attention_section, chart, gene_section
from enrich.report.database import Attention, AttentionRow, GeneRow, GeneTable

HOSTILE = '<script>alert("x")</script>'


def row(rank: int = 0, claim: str = "tfs-1", text: str | None = None) -> AttentionRow:
    return AttentionRow(
        rank=rank,
        document=f"docs/{HOSTILE}.md",
        report="page_one.html",
        claim=claim,
        grade="D",
        kind="statement" if text else "edge",
        regulator=HOSTILE,
        target="TWIST1",
        text=text,
        grade_reason="D: no usable paper — 1 retracted paper (PMID 113)",
        cited="retracted PMID 113",
    )


def test_attention_rows_link_to_their_claim_rows_and_escape_document_text() -> None:
    """Each row links to ``report#claim-<id>``; a gene name or path holding markup is shown
    as text."""
    html = attention_section(Attention([row(claim="tfs 1/2")], 1, {"grade D": 1}))
    assert 'href="page_one.html#claim-tfs-1-2"' in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "no usable paper — 1 retracted paper (PMID 113)" in html


def test_a_capped_attention_table_shows_the_total_and_points_to_the_database() -> None:
    """When more claims need attention than are listed, the section says how many in all,
    how many for each reason, and where all of them are."""
    rows = [row(claim=f"tfs-{n}") for n in range(3)]
    html = attention_section(Attention(rows, 1234, {"grade D": 28, "retracted": 1206}))
    assert "Claims that need attention (1,234)" in html
    assert "28 graded D, 1,206 cite a retracted paper" in html
    assert "The first 3 of 1,234 are listed" in html and 'href="audit.db"' in html


def test_no_claim_needing_attention_is_said_plainly() -> None:
    """An empty attention table is a sentence, not an empty table."""
    html = attention_section(Attention([], 0, {}))
    assert "(0)" in html and "<table" not in html


def test_a_long_statement_is_cut_at_a_space_and_kept_whole_in_its_tooltip() -> None:
    """A statement is shown up to 160 characters, cut between words, all of it on hover."""
    text = " ".join(["regulates"] * 40)
    html = attention_section(Attention([row(text=text)], 1, {"grade D": 1}))
    assert f'title="{text}"' in html and "regulates…" in html


def test_gene_tables_are_sortable_and_say_when_they_are_cut() -> None:
    """A gene table carries numbers to sort by, the share lacking evidence, and when it
    shows fewer genes than there are, how many there are."""
    table = GeneTable("regulator", [GeneRow("TWIST1", 1200, 100, 300, 500, 300)], 5000)
    html = gene_section(table)
    assert 'class="data sortable" id="regulators-table"' in html
    assert 'data-sort="1200">1,200</td>' in html and ">67%</td>" in html
    assert "The 1 regulators (of 5,000)" in html


def test_the_chart_is_inline_svg_with_every_grade_and_flag() -> None:
    """The chart is SVG in the page (nothing fetched), a bar per grade and per flag."""
    summary = RunSummary(
        grades={"A": 15, "B": 20, "C": 19, "D": 0}, flags={"resource": 78, "retracted": 1}
    )
    svg = chart(summary)
    assert svg.count("<svg") == 2 and "href" not in svg and "<image" not in svg
    assert svg.count("<rect") == 4 + 2 and ">grade D</text>" in svg and ">78</text>" in svg
