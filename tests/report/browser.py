"""A real headless Chromium for the HTML report tests, and a page visit that records what
the page did: console errors, dialogs and every request.

Chromium is looked for on PATH (``chromium``, ``chromium-browser``, ``google-chrome``).
Where none is found, or Python's playwright is missing, the tests skip, except under
``CI=true``, where they fail: CI must never pass without having driven a browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest

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


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium; without one a skip saying what is missing, or a
    failure under CI=true."""
    found = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if found is None:
        _missing(f"no Chromium on PATH (looked for {', '.join(CHROMIUM_NAMES)})")
    try:
        import playwright.sync_api as sync_api
    except ModuleNotFoundError:
        _missing("python playwright is missing (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=found, args=ARGS)
        yield browser
        browser.close()


def _missing(what: str) -> NoReturn:
    """Skip the browser test saying ``what`` is missing; under CI=true fail instead."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what}: CI must run the browser tests")
    pytest.skip(what)


class Visit:
    """A page opened on a report file that records console errors, dialogs (dismissed)
    and every request."""

    def __init__(self, browser: Any, path: Path, anchor: str = "", **context: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, **context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.as_uri()
        self.page.goto(self.url + anchor)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def column(self, index: int, table: str = "table.sortable") -> list[str]:
        """The visible text of column ``index`` of ``table`` (a selector; by default the
        page's sortable tables: a report's claims), top to bottom."""
        return list(
            self.page.eval_on_selector_all(
                f"{table} tbody tr:not([hidden])",
                f"rows => rows.map(r => r.cells[{index}].textContent.trim())",
            )
        )

    def texts(self, selector: str) -> list[str]:
        """The text of every element matching ``selector``."""
        return list(self.page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)"))

    def fetched(self) -> list[str]:
        """Requests for anything but the page itself."""
        return [url for url in self.requests if url.split("#")[0] != self.url]

    def close(self) -> None:
        self.context.close()
