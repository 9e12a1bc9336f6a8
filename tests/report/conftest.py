"""Fixtures of the report tests: one Chromium per module, a report folder of the examples
(SYNTHETIC audit results) and of a document made of injection attempts, and one generated
corpus, run once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from enrich.model import RunSummary, Status
from enrich.report import FORMATS, ReportWriter
from enrich.testing import EutilsServer
from tests.report.browser import chromium
from tests.report.generated import GeneratedRun, generated_run, write_generated_corpus
from tests.report.synthetic import injection, twist1, twist2


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per module (see tests/report/browser.py): Playwright's event
    loop runs while it lives, and later tests run their own with asyncio.run."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished report folder, every format written: the two examples and the injection
    document (SYNTHETIC audit results)."""
    out = tmp_path_factory.mktemp("reports")
    writer = ReportWriter(out, FORMATS)
    for doc in (twist1(), twist2(), injection()):
        writer.add(doc)
    summary = RunSummary(
        documents=3,
        claims=55,
        grades={"A": 19, "B": 34, "C": 2, "D": 0},
        flags={"resource": 66, "single_source": 27},
        citations={Status.RESOLVED.value: 63, Status.UNRESOLVED.value: 1},
        requests=3,
        cache_hits=12,
    )
    writer.finish(summary)
    return out


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedRun]:
    """README's example corpus (300 generated documents citing 3,000 PMIDs), its records served
    by the local server for the session, and ``enrich run`` over it done once."""
    root = tmp_path_factory.mktemp("generated")
    records = write_generated_corpus(root)
    with EutilsServer(records, rate_limit=None) as server:
        yield generated_run(root, server)
