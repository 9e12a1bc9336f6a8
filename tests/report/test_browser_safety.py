"""What a report page never does in a real headless Chromium: run a script it was not built
with, or let a document's or PubMed's text become markup, a script or a link elsewhere; and
what it says without JavaScript."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from enrich.report import render_html
from enrich.report.files import safe_stem
from enrich.report.json_document import document_json
from tests.report.browser import Visit
from tests.report.synthetic import INJECTION, injection, twist2

pytestmark = pytest.mark.browser


def test_injected_text_stays_text(browser: Any, reports: Path) -> None:
    """</script>, <img onerror>, <!--, U+2028 in every text and a javascript: DOI are shown
    as text and inert: no script runs, no dialog opens, no element is made of them, and
    every link goes to PubMed, doi.org, NCBI Gene or the page itself."""
    doc = injection()
    visit = Visit(browser, reports / f"{safe_stem(doc.document.path)}.html")
    try:
        page = visit.page
        assert page.evaluate("window.pwned") is None
        assert visit.errors == [] and visit.dialogs == [] and visit.fetched() == []
        assert page.locator("img, svg, iframe, [onerror], [onload]").count() == 0
        assert page.locator("script").count() == 3  # the two data blocks and the report's own
        shown = page.inner_text("body")
        assert shown.count("window.pwned = 1") >= 10  # subject, claim, sources, papers, genes...
        assert page.inner_text("h1").startswith(INJECTION.replace("\u2028", " ")[:30])
        statement = page.locator("#claims-table .statement").text_content()
        assert statement == INJECTION
        title = page.locator("ol.papers .ptitle").first
        assert title.text_content().startswith(INJECTION)
        assert title.locator("i").inner_text() == "in vivo"
        assert title.locator("sup").inner_text() == "2"
        hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
        for href in hrefs:
            assert href.startswith(
                ("https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/", "file://")
            ), href
        doi = page.locator("a", has_text="doi:javascript").get_attribute("href")
        assert doi == "https://doi.org/javascript:window.pwned%3D3"
        row = page.locator("#claims-table tbody tr")
        assert row.get_attribute("id") == "claim-" + "".join(
            c if c.isascii() and (c.isalnum() or c in "_.-") else "-" for c in f"s1 {INJECTION}"
        )
    finally:
        visit.close()


def test_injected_inline_script_is_refused(browser: Any, reports: Path, tmp_path: Path) -> None:
    """A script that got into a report (here, pasted before its own) does not run, and an
    inline event handler does not either, while the report's own script still does."""
    original = (reports / "harmonizome_gene_TWIST2.html").read_text(encoding="utf-8")
    assert "unsafe-inline" not in original
    injected = (
        '<script>document.title = "pwned";</script>'
        '<img src="data:," onerror="document.title=\'pwned\'">'
    )
    hostile = tmp_path / "hostile.html"
    hostile.write_text(original.replace("</body>", injected + "</body>", 1), encoding="utf-8")
    visit = Visit(browser, hostile)
    try:
        assert visit.page.title() != "pwned"
        visit.page.locator("#claims-table thead th").nth(2).click()
        header = visit.page.locator("#claims-table thead th").nth(2)
        assert header.get_attribute("aria-sort") == "ascending"  # the report's own script ran
        assert any("Content Security Policy" in error for error in visit.errors), visit.errors
    finally:
        visit.close()


def test_without_javascript_the_page_says_so(browser: Any, reports: Path) -> None:
    """With JavaScript off the page says it needs it and links the JSON and Markdown
    reports beside it; the legend is still there."""
    visit = Visit(browser, reports / "harmonizome_gene_TWIST2.html", java_script_enabled=False)
    try:
        shown = visit.page.inner_text("body")
        assert "needs JavaScript" in shown
        links = visit.page.eval_on_selector_all("noscript a", "a => a.map(x => x.textContent)")
        assert links == ["harmonizome_gene_TWIST2.json", "harmonizome_gene_TWIST2.md"]
        assert visit.page.locator("#legend").count() == 1
        assert visit.page.locator("#claims-table").count() == 0
    finally:
        visit.close()


def test_provenance_is_shown_when_the_data_has_it(browser: Any, tmp_path: Path) -> None:
    """A provenance object in the data is shown as a line under the header, its banner
    text as a warning."""
    doc = twist2()
    data = json.loads(document_json(doc))
    data["provenance"] = {
        "version": "0.1.0",
        "run_at": "2024-05-01 12:00",
        "banner": f"test data {INJECTION}",
    }
    page = tmp_path / "provenance.html"
    page.write_text(render_html(doc, json.dumps(data)), encoding="utf-8")
    visit = Visit(browser, page)
    try:
        line = visit.page.inner_text("header .provenance")
        assert "version 0.1.0" in line and "run at 2024-05-01 12:00" in line
        banner = visit.page.locator("header .banner[role=alert]")
        assert banner.text_content() == f"test data {INJECTION}"
        assert visit.page.evaluate("window.pwned") is None and visit.errors == []
    finally:
        visit.close()
