"""The Markdown report: content, links, and escaping of document and PubMed text."""

from __future__ import annotations

import re

from enrich.report.markdown import md_escape, render_markdown
from tests.report.synthetic import hostile, twist1, twist2


def test_edges_show_arrow_sources_grade_and_papers() -> None:
    """An edge reads REGULATOR → TARGET with sources, methods, grade, flags and its papers."""
    text = render_markdown(twist1())
    assert text.startswith("# TWIST1: evidence report\n")
    assert "### tfs-1: EZH2 → TWIST1 (grade B)" in text
    assert "- Sources: ReMap; TRRUST" in text
    assert "- Methods: chromatin immunoprecipitation assay; inferred by curator" in text
    assert "[PMID 23836662](https://pubmed.ncbi.nlm.nih.gov/23836662/)" in text
    assert "[doi:10.1093/nar/gkx7512](https://doi.org/10.1093/nar/gkx7512)" in text
    assert "Ansieau S, Bastid J, Doreau A, et al." in text
    assert "- ⚑ **resource**: TRRUST v2 database paper (registry)" in text
    assert "**not found**: PubMed has no record 23623921" in text
    assert "| A | 14 |" in text


def test_statements_show_their_text() -> None:
    """A statement is quoted under its heading."""
    text = render_markdown(twist2())
    assert "### s1: statement (grade" in text
    assert "> TWIST2 is a highly conserved basic helix\u2013loop\u2013helix" in text


def test_markdown_escapes_pipes_angles_brackets_and_backticks() -> None:
    """Text from documents and PubMed cannot become HTML, links, code or table cells."""
    text = render_markdown(hostile())
    claims = text.split("## Claims")[1].replace("\n> ", "\n")
    ours = re.sub(r"\[(PMID \d+|doi:[^\]]*|Gene ID \d+)\]\(https://[^)\s]*\)", "", claims)
    assert not re.search(r"(?<!\\)[<>|`\[\]]", ours)  # every such character is escaped
    assert "\\<script\\>" in text
    assert "A \\| pipe \\<b\\>bold\\</b\\> \\[link\\](http://evil.example) \\`tick\\`" in text
    assert "J \\<Test\\> &amp; \\| Co" in text
    assert md_escape("a|b<c>[d]`e`") == "a\\|b\\<c\\>\\[d\\]\\`e\\`"


def test_problems_and_loose_citations_have_sections() -> None:
    """Problems and loose citations each get their own section when present."""
    from dataclasses import replace

    from enrich.model import Problem
    from tests.report.synthetic import audited, verdict

    doc = twist2()
    loose = doc.claims[0].claim.citations[0]
    document = replace(
        doc.document, problems=(Problem("p.md", "line 3", "bad | row"),), citations=(loose,)
    )
    text = render_markdown(replace(audited(document), citations=(verdict(loose),)))
    assert "## Problems\n\n- line 3: bad \\| row" in text
    assert "## Loose citations" in text
