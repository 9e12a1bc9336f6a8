"""The HTML reports: self-contained, escaped, sanitised titles, working anchors."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from enrich.model import RunSummary, Status
from enrich.report import DocumentEntry, render_html, render_index
from enrich.report.html import CSP, sanitize_markup
from tests.report.synthetic import hostile, twist1, twist2


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def named(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]


ALLOWED_HREF = re.compile(
    r"^(#[A-Za-z0-9_.-]+|[A-Za-z0-9_.-]+\.(html|md|json|bib|ris|tsv|db)(#[A-Za-z0-9_.-]+)?|"
    r"https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/|https://doi\.org/\S+|data:,|"
    r"https://www\.ncbi\.nlm\.nih\.gov/gene/\d+)$"
)


def check_self_contained(text: str) -> Tags:
    """Assert ``text`` loads nothing: one inline script (besides JSON data blocks, which are
    never run), inline style, no src, safe links."""
    tags = Tags(text)
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert [attrs.get("type") for attrs in scripts].count(None) == 1
    assert {attrs.get("type") for attrs in scripts} <= {None, "application/json"}
    assert all("src" not in attrs for _, attrs in tags.tags)
    assert not tags.named("img") and not tags.named("iframe")
    for attrs in tags.named("a") + tags.named("link"):
        assert ALLOWED_HREF.match(attrs["href"] or ""), attrs
    assert not any(a.get("rel") == "stylesheet" for a in tags.named("link"))
    metas = [m for m in tags.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert metas and metas[0]["content"] == CSP
    assert not re.search(r"@import|url\(", text)
    return tags


def test_document_report_is_self_contained() -> None:
    """A report inlines its CSS and JS and links only to PubMed, doi.org and its own anchors."""
    text = render_html(twist1())
    tags = check_self_contained(text)
    assert "<style>" in text and "makeSortable" in tags.scripts[0]
    for attrs in tags.named("a"):
        if attrs["href"].startswith("http"):
            assert attrs["rel"] == "noopener"


def documents_data(text: str) -> list[dict[str, Any]]:
    """The documents index.html carries in its JSON data block."""
    block = text.split('<script type="application/json" id="documents-data">', 1)[1]
    data: list[dict[str, Any]] = json.loads(block.split("</script>", 1)[0])
    return data


def test_index_is_self_contained_and_warns_about_unresolved() -> None:
    """index.html carries every document and shows a banner when citations are unresolved."""
    entries = [DocumentEntry.of(twist1(), "twist1"), DocumentEntry.of(twist2(), "twist2")]
    summary = RunSummary(documents=2, citations={Status.UNRESOLVED.value: 3}, offline=True)
    text = render_index(entries, summary)
    check_self_contained(text)
    assert [d["n"] for d in documents_data(text)] == ["twist1", "twist2"]
    assert documents_data(text)[0]["c"] == 48
    assert 'role="alert"' in text and "3 cited identifiers could not be looked up" in text
    assert "the run was offline" in text
    assert 'role="alert"' not in render_index(entries, RunSummary(documents=2))


def test_index_data_cannot_end_its_block_or_run() -> None:
    """A document path holding ``</script>`` and markup stays inside the data block, as data:
    the page keeps one script, and the path reads back unchanged."""
    hostile_path = '</script><script>alert("x")</script><!--'
    entry = dataclasses.replace(DocumentEntry.of(twist2(), "twist2"), path=hostile_path)
    text = render_index([entry], RunSummary(documents=1))
    check_self_contained(text)
    assert documents_data(text)[0]["p"] == hostile_path


def test_footnotes_point_at_existing_paper_anchors() -> None:
    """Every [n] link targets a paper-… id present in the Papers section."""
    tags = Tags(render_html(twist1()))
    ids = {attrs.get("id") for _, attrs in tags.tags}
    targets = [a["href"] for a in tags.named("a") if (a["href"] or "").startswith("#paper-")]
    assert targets and all(t[1:] in ids for t in targets)
    assert "paper-29087512" in ids


def test_script_from_document_and_pubmed_renders_as_text() -> None:
    """<script> in a document title, statement, subject or PubMed markup is escaped."""
    text = render_html(hostile())
    tags = check_self_contained(text)  # one script (ours), no img
    assert not [name for _, attrs in tags.tags for name in attrs if name.startswith("on")]
    body = text.split("<body>")[1].split("<script>\n")[0]
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(3)&gt;" in body


def test_title_markup_keeps_only_balanced_inline_tags() -> None:
    """PubMed title markup keeps <i> <sub> <sup>, escapes the rest, and drops unbalanced tags."""
    text = render_html(hostile())
    assert "<i>in vivo</i> H<sub>2</sub>O m<sup>6</sup>A" in text
    assert "&lt;img src=&quot;x&quot; onerror=&quot;alert(2)&quot;&gt;" in text
    assert "&lt;b&gt;open" in text  # never closed, so shown as text


@pytest.mark.parametrize(
    ("markup", "html"),
    [
        ("<i>a</i> &amp; <b>b</b>", "<i>a</i> &amp; <b>b</b>"),
        ("<i>a<b>b</i></b>", "&lt;i&gt;a<b>b&lt;/i&gt;</b>"),
        ("<I>x</I>", "&lt;I&gt;x&lt;/I&gt;"),
        ('<i class="x">y</i>', "&lt;i class=&quot;x&quot;&gt;y&lt;/i&gt;"),
        ("</i>x<i>", "&lt;/i&gt;x&lt;i&gt;"),
        ("&lt;script&gt;", "&lt;script&gt;"),
        ("2 &lt; 3", "2 &lt; 3"),
    ],
)
def test_sanitize_markup(markup: str, html: str) -> None:
    """Only exact, balanced lower-case i/b/u/sup/sub tags survive; all else is escaped text."""
    assert sanitize_markup(markup) == html


def test_claim_rows_carry_grade_flags_and_sources() -> None:
    """Each claim row has data-grade and data-flags for filtering and the edge's sources."""
    tags = Tags(render_html(twist1()))
    rows = [a for t, a in tags.tags if t == "tr" and (a.get("id") or "").startswith("claim-")]
    assert len(rows) == 48
    assert {r["data-grade"] for r in rows} <= {"A", "B", "C", "D"}
    assert any("retracted" in (r["data-flags"] or "").split("|") for r in rows)
    text = render_html(twist1())
    assert "ReMap; TRRUST" in text and '<span class="gene">EZH2</span>' in text


def test_papers_without_record_use_document_title_escaped() -> None:
    """A citation PubMed did not give shows the document's own title, escaped."""
    text = render_html(hostile())
    papers = text.split('id="papers"')[1]
    assert 'id="paper-87654321"' in papers
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in papers.split('id="paper-87654321"')[1]
    assert 'class="status unresolved"' in papers
