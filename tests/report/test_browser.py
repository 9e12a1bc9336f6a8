"""The document report as a real headless Chromium draws it from the data its page carries:
header, problems, claims table (sorting, filtering, why each grade), footnotes, paper cards,
back-links, Gene IDs, legend; and index.html, as a dashboard of a generated corpus too.  No
test may log a console error, open a dialog or fetch anything.

The screenshot test saves ``test-screenshot.png`` (the TWIST1 example with SYNTHETIC audit
results) in its temporary folder, or in ``$ENRICH_SCREENSHOT_DIR`` when set, so a person
can look at what the browser drew.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from enrich.model import FlagName, RunSummary
from enrich.report import ReportWriter
from tests.report.browser import Visit
from tests.report.generated import GeneratedRun
from tests.report.synthetic import one_paper_twice

pytestmark = pytest.mark.browser

TWIST1 = "tflink_protein_Q15672_TWIST1"
TWIST2 = "harmonizome_gene_TWIST2"


def data(reports: Path, name: str) -> dict[str, Any]:
    """The JSON report of ``name``, which its page carries."""
    loaded: dict[str, Any] = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def report(browser: Any, reports: Path) -> Iterator[Visit]:
    """The TWIST1 report open in the browser; after the test, no error, dialog or fetch."""
    visit = Visit(browser, reports / f"{TWIST1}.html")
    yield visit
    assert visit.errors == [] and visit.dialogs == [] and visit.fetched() == []
    visit.close()


def test_header_counts_grades_and_flags(report: Visit, reports: Path) -> None:
    """The header names the subject and counts the claims of each grade and the flags,
    claim flags and citation flags apart, each chip's tooltip a reason."""
    page, doc = report.page, data(reports, TWIST1)
    assert page.inner_text("h1").startswith("TWIST1")
    meta = page.inner_text("header .meta")
    assert "UniProt Q15672" in meta and "Gene 7291" in meta and "tflink" in meta
    grades = Counter(claim["grade"] for claim in doc["claims"])
    for grade in "ABCD":
        assert page.inner_text(f".card.grade-{grade} .n") == str(grades[grade])
    groups = page.locator("header .flags")
    assert groups.nth(0).inner_text().startswith("Claim flags (claims carrying each)")
    assert "single_source26" in groups.nth(0).inner_text().replace(" ", "")
    citation_flags = groups.nth(1).inner_text()
    assert citation_flags.startswith("Citation flags (citations carrying each")
    assert "retracted1" in citation_flags.replace(" ", "")
    chip = page.locator("header .flag", has_text="retracted")
    assert chip.get_attribute("title") == "retracted: RetractionIn J Synth Oncol. 2020"
    assert page.locator("a", has_text="all documents").get_attribute("href") == "index.html"


def test_every_claim_has_a_row_with_why_this_grade(report: Visit, reports: Path) -> None:
    """Each claim is a row with its grade, edge, visible reason for the grade (without the
    leading "B: "), sources and methods, flags with the papers carrying them, and papers."""
    doc = data(reports, TWIST1)
    assert report.column(0) == [claim["id"] for claim in doc["claims"]]
    first, row = doc["claims"][0], report.page.locator("#claim-tfs-1")
    cells = row.locator("td")
    assert cells.nth(1).inner_text() == first["grade"]
    assert cells.nth(2).inner_text().replace("\n", "") == "EZH2→TWIST1"
    assert cells.nth(3).inner_text() == first["grade_reason"].split(": ", 1)[1]
    assert report.page.locator("#claims-table th").nth(3).inner_text().startswith("Why this grade")
    assert cells.nth(4).inner_text().startswith("ReMap; TRRUST")
    assert cells.nth(0).get_attribute("title") == first["location"]
    assert "resource [2, 3]" in cells.nth(5).inner_text()
    assert cells.nth(6).inner_text() == "[1] [2] [3]"
    assert row.get_attribute("data-flags") == "resource"
    retracted = report.page.locator("#claim-tfs-5 a.fn.bad")
    assert retracted.count() == 1 and "retracted:" in (retracted.get_attribute("title") or "")


def test_clicking_a_header_sorts_the_claims(report: Visit) -> None:
    """A click on a header sorts ascending, a second click descending."""
    original = report.column(2)
    header = report.page.locator("#claims-table thead th").nth(2)
    header.click()
    ascending = report.column(2)
    assert ascending == sorted(original, key=str.casefold) != original
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert report.column(2) == ascending[::-1]
    assert header.get_attribute("aria-sort") == "descending"
    report.page.locator("#claims-table thead th").nth(1).click()
    grades = report.column(1)
    assert grades == sorted(grades)


def test_filter_box_grades_and_flag_hide_rows(report: Visit) -> None:
    """The text box, grade checkboxes and flag select each hide the rows that do not match."""
    page = report.page
    page.fill(".filters input[type=search]", "RUNX2")
    assert report.column(2) and all("RUNX2" in text for text in report.column(2))
    assert "of 48 shown" in page.inner_text(".filters .shown")
    page.fill(".filters input[type=search]", "")
    assert len(report.column(0)) == 48
    page.uncheck(".filters input[value=B]")
    assert "B" not in report.column(1) and len(report.column(1)) < 48
    page.check(".filters input[value=B]")
    page.select_option(".filters select[name=flag]", "retracted")
    assert report.column(0) == ["tfs-5"]
    page.select_option(".filters select[name=flag]", "single_source")
    assert len(report.column(5)) == 26
    assert all("single_source" in flags for flags in report.column(5))


def test_footnote_link_targets_its_paper(report: Visit) -> None:
    """Clicking [n] on a claim moves to #paper-<pmid> and that entry is the :target in view."""
    page = report.page
    link = page.locator("#claim-tfs-1 a.fn").last
    href = link.get_attribute("href")
    assert href == "#paper-29087512"
    link.click()
    assert page.evaluate("location.hash") == href
    target = page.locator(":target")
    assert target.get_attribute("id") == "paper-29087512"
    assert "TRRUST v2" in target.inner_text()
    top = page.evaluate("document.getElementById('paper-29087512').getBoundingClientRect().top")
    assert 0 <= top < 900


def test_paper_cards_and_back_links(report: Visit, reports: Path) -> None:
    """A paper's card gives authors, title (PubMed's <i> kept), journal, year, PMID and DOI
    links, status, flags with reasons, and "Cited by" links that land on the claim rows."""
    page, doc = report.page, data(reports, TWIST1)
    numbers = report.texts("ol.papers > li > .pnum")
    assert numbers == [f"[{n}]" for n in range(1, len(doc["papers"]) + 1)] and len(numbers) == 35
    anchors = page.eval_on_selector_all("ol.papers > li", "items => items.map(li => li.id)")
    assert anchors[0] == "paper-23836662" and len(set(anchors)) == len(anchors)
    retracted = page.locator("#paper-22276142")
    assert retracted.locator(".ptitle i").inner_text() == "in vivo"
    assert "Ansieau S, Bastid J, Doreau A, et al. · Journal of synthetic oncology" in (
        retracted.locator(".pmeta").inner_text()
    )
    links = retracted.locator(".plinks a")
    assert links.nth(0).get_attribute("href") == "https://pubmed.ncbi.nlm.nih.gov/22276142/"
    assert links.nth(1).get_attribute("href") == "https://doi.org/10.1000/synthetic.22276142"
    assert links.nth(0).get_attribute("rel") == "noopener"
    assert retracted.locator(".status.resolved").count() == 1
    flag = retracted.locator("ul.pflags .flag.bad")
    assert flag.inner_text() == "retracted"
    assert "RetractionIn J Synth Oncol. 2020" in retracted.locator("ul.pflags").inner_text()
    trrust = page.locator("#paper-29087512 .small")
    assert trrust.inner_text().startswith("Cited by tfs-1 tfs-2 tfs-3")
    assert trrust.inner_text().endswith("tfs-12 and 35 more")
    assert trrust.locator("a").count() == 12
    trrust.locator("a").first.click()
    assert page.locator(":target").get_attribute("id") == "claim-tfs-1"
    missing = page.locator("#paper-23623921")
    assert "not found — PubMed has no record 23623921" in missing.inner_text()


def test_gene_ids_and_legend(report: Visit, reports: Path) -> None:
    """The Gene IDs section says how many NCBI Gene named, lists the problems and every ID
    with symbol, status and aliases; the legend explains every grade and flag."""
    page, doc = report.page, data(reports, TWIST1)
    named = sum(gene["names_from"] is not None for gene in doc["genes"])
    summary = page.inner_text("#genes p")
    assert summary.startswith(f"NCBI Gene gave the names of {named} of the {len(doc['genes'])}")
    assert "NCBI Gene has no record with Gene ID" in page.inner_text("#genes .banner")
    page.click("#genes summary")
    rows = page.locator("#genes tbody tr")
    assert rows.count() == len(doc["genes"])
    first = doc["genes"][0]
    assert rows.nth(0).locator("a").get_attribute("href") == (
        f"https://www.ncbi.nlm.nih.gov/gene/{first['gene_id']}"
    )
    assert rows.nth(0).locator("td").nth(3).inner_text() == ", ".join(first["aliases"])
    legend = page.inner_text("#legend")
    assert all(name.value in legend for name in FlagName)
    assert page.locator("#legend .badge").count() == 4


def test_loose_citations_and_problems(browser: Any, reports: Path) -> None:
    """Loose citations link their papers; a document's problems are listed first."""
    visit = Visit(browser, reports / f"{TWIST2}.html")
    try:
        doc = data(reports, TWIST2)
        assert visit.page.locator("#claims-table tbody tr").count() == len(doc["claims"])
        statement = visit.page.locator("#claims-table td .statement").first
        assert statement.inner_text() == doc["claims"][0]["text"]
        assert visit.errors == [] and visit.fetched() == []
    finally:
        visit.close()
    names = [p.name for p in reports.glob("*.html") if p.stem not in (TWIST1, TWIST2, "index")]
    visit = Visit(browser, reports / names[0])
    try:
        assert visit.page.locator("#problems li").count() == 1
        loose = visit.page.locator("#loose a.fn")
        assert (
            loose.count() == 1
            and loose.get_attribute("href") == "#paper-invalid-javascript-alert-1-"
        )
        loose.click()
        assert visit.page.locator(":target .status.invalid").count() == 1
    finally:
        visit.close()


def test_a_paper_cited_by_its_pmid_and_its_doi_is_one_paper(browser: Any, tmp_path: Path) -> None:
    """A paper cited by its PMID and again by its DOI is one card, one number and one
    back-link: "Papers (1)", as index.html counts it and the grade ("1 primary paper")."""
    with ReportWriter(tmp_path) as writer:
        writer.add(one_paper_twice())
        writer.finish(RunSummary(documents=1, claims=1))
    visit = Visit(browser, tmp_path / "one.html")
    try:
        assert visit.page.inner_text("#papers h2") == "Papers (1)"
        assert visit.page.locator("#papers li").count() == 1
        assert visit.page.locator("#claim-s1 a.fn").all_inner_texts() == ["[1]", "[1]"]
        assert visit.page.inner_text("#papers li .small") == "Cited by s1"
        assert visit.errors == []
    finally:
        visit.close()


def test_opening_the_page_on_an_anchor_lands_there(browser: Any, reports: Path) -> None:
    """A link from elsewhere to #paper-<pmid> lands on that paper, drawn after the load."""
    visit = Visit(browser, reports / f"{TWIST1}.html", "#paper-29126285")
    try:
        assert visit.page.locator(":target").get_attribute("id") == "paper-29126285"
        top = visit.page.evaluate(
            "document.getElementById('paper-29126285').getBoundingClientRect().top"
        )
        assert 0 <= top < 900
        assert visit.errors == []
    finally:
        visit.close()


def test_index_sorts_numbers_and_links_reports(browser: Any, reports: Path) -> None:
    """index.html sorts its Claims column as numbers and links each document's report."""
    visit = Visit(browser, reports / "index.html")
    try:
        visit.page.locator("#documents-table thead th").nth(3).click()
        assert visit.column(3, "#documents-table") == ["1", "6", "48"]
        assert visit.page.locator("[role=alert]").count() == 1
        visit.page.click(f"text={TWIST2}")
        assert visit.page.url.endswith(f"{TWIST2}.html")
        assert visit.page.locator("#claims-table").count() == 1
        assert visit.errors == []
    finally:
        visit.close()


def test_index_documents_flags_say_what_they_count_and_name_the_rest(
    browser: Any, reports: Path
) -> None:
    """The documents table's Flags column mixes claim and citation flags: the section says
    which each counts, and the "+N more" of a row names the flags it hides."""
    visit = Visit(browser, reports / "index.html")
    try:
        section = visit.page.locator("#documents").inner_text()
        assert "the citations carrying each citation flag" in section
        row = visit.page.locator("#documents-table tbody tr", has_text=TWIST1)
        more = row.locator("td").last.locator("span.small")
        shown = row.locator("td").last.locator("span.flag").count()
        hidden = more.get_attribute("title") or ""
        assert more.inner_text() == f"+{len(hidden.split(', '))} more" and shown == 3
        assert all(re.fullmatch(r"[a-z_]+ [\d,]+", part) for part in hidden.split(", ")), hidden
        assert visit.errors == []
    finally:
        visit.close()


def test_screenshot_of_the_twist1_report(browser: Any, reports: Path, tmp_path: Path) -> None:
    """A full-page screenshot of the TWIST1 report is drawn and saved as a real PNG, under a
    temporary folder (or $ENRICH_SCREENSHOT_DIR), never in the project's reports/."""
    folder = Path(os.environ.get("ENRICH_SCREENSHOT_DIR") or tmp_path)
    screenshot = folder / "test-screenshot.png"
    visit = Visit(browser, reports / f"{TWIST1}.html")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(screenshot), full_page=True)
    finally:
        visit.close()
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000


# --- index.html as a dashboard, on a generated corpus ------------------------------------------


@pytest.fixture
def dashboard(browser: Any, generated: GeneratedRun) -> Iterator[Visit]:
    """The index.html of README's generated corpus open in the browser."""
    visit = Visit(browser, generated.reports / "index.html")
    yield visit
    assert visit.errors == [] and visit.dialogs == []
    assert [u for u in visit.requests if not u.startswith("file://")] == []  # nothing fetched
    visit.close()


def test_the_attention_table_lists_the_d_claims_first(
    dashboard: Visit, generated: GeneratedRun
) -> None:
    """The claims that need attention start with every claim graded D, as audit.db has them."""
    with contextlib.closing(sqlite3.connect(generated.reports / "audit.db")) as db:
        graded_d = db.execute(
            "SELECT c.claim FROM claims AS c JOIN documents AS d ON d.document = c.document "
            "WHERE grade = 'D' ORDER BY d.number, c.position"
        ).fetchall()
    reasons = dashboard.column(0, "#attention-table")
    claims = dashboard.column(2, "#attention-table")
    assert len(graded_d) > 0 and reasons[: len(graded_d)] == ["grade D"] * len(graded_d)
    assert claims[: len(graded_d)] == [claim for (claim,) in graded_d]
    documents = dashboard.column(1, "#attention-table")
    assert "retracted" in reasons  # then the claims citing retracted papers, ...
    assert len(set(zip(documents, claims, strict=True))) == len(claims)  # each claim once


def test_an_attention_link_lands_on_its_claims_row(dashboard: Visit) -> None:
    """Following a claim's link opens its document's report with that claim's row targeted."""
    link = dashboard.page.locator("#attention-table tbody tr").first.locator("td.id a")
    claim = link.inner_text()
    link.click()
    dashboard.page.wait_for_load_state()
    target = dashboard.page.locator(":target")
    assert target.get_attribute("id") == f"claim-{claim}"
    assert target.locator("td.id").inner_text() == claim


def test_the_regulators_table_sorts(dashboard: Visit) -> None:
    """A click on Edges sorts the regulators by their number of edges, a second the reverse;
    the table starts with those with the most edges lacking evidence."""
    lacking = [int(n.replace(",", "")) for n in dashboard.column(6, "#regulators-table")]
    assert lacking == sorted(lacking, reverse=True)
    header = dashboard.page.locator("#regulators-table thead th").nth(1)
    header.click()
    edges = [int(n.replace(",", "")) for n in dashboard.column(1, "#regulators-table")]
    assert edges == sorted(edges) and edges != lacking
    header.click()
    assert [int(n.replace(",", "")) for n in dashboard.column(1, "#regulators-table")] == sorted(
        edges, reverse=True
    )


def test_screenshot_of_the_dashboard(dashboard: Visit, tmp_path: Path) -> None:
    """A full-page screenshot of the generated corpus's dashboard is saved as a real PNG under
    the test's temporary folder (or $ENRICH_SCREENSHOT_DIR)."""
    folder = Path(os.environ.get("ENRICH_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    screenshot = folder / "dashboard-screenshot.png"
    dashboard.page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000


def test_the_documents_table_pages_filters_and_sorts_every_document(
    dashboard: Visit, generated: GeneratedRun
) -> None:
    """The documents list is drawn 200 at a time from the page's data: the next page holds
    the rest, the filter searches all 300, and sorting orders all of them."""
    page = dashboard.page
    assert len(dashboard.column(0, "#documents-table")) == 200
    assert page.inner_text(".pager .where") == "1\N{EN DASH}200 of 300"
    page.click(".pager button[name=next]")
    assert len(dashboard.column(0, "#documents-table")) == 100
    assert page.locator(".pager button[name=next]").is_disabled()
    last = sorted((generated.root / "corpus" / "docs").rglob("*.md"))[-1].stem
    assert dashboard.column(0, "#documents-table")[-1].startswith(last)
    form = '.filters[data-table="documents-table"]'
    page.fill(f"{form} input[type=search]", last)
    shown = dashboard.column(0, "#documents-table")
    assert len(shown) == 1 and shown[0].startswith(last + "corpus/docs/")
    assert page.inner_text(f"{form} .shown") == "1 of 300 shown"
    page.fill(f"{form} input[type=search]", "")
    page.locator("#documents-table thead th").nth(3).click()  # Claims
    claims = [int(n.replace(",", "")) for n in dashboard.column(3, "#documents-table")]
    assert claims == sorted(claims) and claims[0] == min(claims)
    link = page.locator("#documents-table tbody tr").first.locator("a").first
    assert (generated.reports / (link.get_attribute("href") or "")).exists()
