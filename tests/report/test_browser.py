"""The HTML reports in a real headless Chromium: sorting, filtering, footnotes, no network,
and a Content-Security-Policy that lets only the report's own script run.

Chromium is looked for on PATH (``chromium``, ``chromium-browser``, ``google-chrome``).
Where none is found the tests skip, except under ``CI=true``, where they fail: CI must
never pass without having driven a browser.

The screenshot test saves ``test-screenshot.png`` (the TWIST1 example with SYNTHETIC audit
results) in its temporary folder, or in ``$ENRICH_SCREENSHOT_DIR`` when set, so a person
can look at what the browser drew.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from enrich.model import RunSummary, Status
from enrich.report import ReportWriter
from tests.report.generated import GeneratedRun
from tests.report.synthetic import twist1, twist2

pytestmark = pytest.mark.browser

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished report folder with the two examples (SYNTHETIC audit results)."""
    out = tmp_path_factory.mktemp("reports")
    writer = ReportWriter(out)
    for doc in (twist1(), twist2()):
        writer.add(doc)
    summary = RunSummary(
        documents=2,
        claims=54,
        grades={"A": 19, "B": 33, "C": 2, "D": 0},
        flags={"resource": 66, "single_source": 26},
        citations={Status.RESOLVED.value: 62, Status.UNRESOLVED.value: 1},
        requests=3,
        cache_hits=12,
    )
    writer.finish(summary)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module; without one a skip saying what is missing, or
    a failure under CI=true."""
    found = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if found is None:
        missing = f"no Chromium on PATH (looked for {', '.join(CHROMIUM_NAMES)})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{missing}: CI must run the browser tests")
        pytest.skip(missing)
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is missing")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=found, args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened on a report file that records console errors and every request."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.as_uri()
        self.page.goto(self.url)

    def column(self, index: int, table: str = "table.sortable") -> list[str]:
        """The visible text of column ``index`` of ``table`` (a selector; by default the
        page's first sortable table: a report's claims), top to bottom."""
        return list(
            self.page.eval_on_selector(
                table,
                "table => Array.from(table.tBodies[0].rows).filter(r => !r.hidden)"
                f".map(r => r.cells[{index}].textContent.trim())",
            )
        )

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def report(browser: Any, reports: Path) -> Iterator[Visit]:
    """The TWIST1 report open in the browser."""
    visit = Visit(browser, reports / "tflink_protein_Q15672_TWIST1.html")
    yield visit
    assert visit.errors == []  # no console errors in any browser test
    assert [u for u in visit.requests if u.split("#")[0] != visit.url] == []  # nothing fetched
    visit.close()


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


def test_index_sorts_numbers_and_links_reports(browser: Any, reports: Path) -> None:
    """index.html sorts its Claims column as numbers and links each document's report."""
    visit = Visit(browser, reports / "index.html")
    try:
        visit.page.locator("#documents-table thead th").nth(3).click()
        assert visit.column(3, "#documents-table") == ["6", "48"]
        assert visit.page.locator("[role=alert]").count() == 1
        visit.page.click("text=harmonizome_gene_TWIST2")
        assert visit.page.url.endswith("harmonizome_gene_TWIST2.html")
        assert visit.errors == []
    finally:
        visit.close()


def test_injected_inline_script_is_refused(browser: Any, reports: Path, tmp_path: Path) -> None:
    """A script that got into a report (here, pasted before its own) does not run, and an
    inline event handler does not either, while the report's own script still does."""
    original = (reports / "tflink_protein_Q15672_TWIST1.html").read_text(encoding="utf-8")
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


def test_screenshot_of_the_twist1_report(browser: Any, reports: Path, tmp_path: Path) -> None:
    """A full-page screenshot of the TWIST1 report is drawn and saved as a real PNG, under a
    temporary folder (or $ENRICH_SCREENSHOT_DIR), never in the project's reports/."""
    folder = Path(os.environ.get("ENRICH_SCREENSHOT_DIR") or tmp_path)
    screenshot = folder / "test-screenshot.png"
    visit = Visit(browser, reports / "tflink_protein_Q15672_TWIST1.html")
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
    assert visit.errors == []
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
