"""Fixtures of the report tests: one generated corpus, run once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from enrich.testing import EutilsServer
from tests.report.generated import GeneratedRun, generated_run, write_generated_corpus


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedRun]:
    """README's example corpus (300 generated documents citing 3,000 PMIDs), its records served
    by the local server for the session, and ``enrich run`` over it done once."""
    root = tmp_path_factory.mktemp("generated")
    records = write_generated_corpus(root)
    with EutilsServer(records, rate_limit=None) as server:
        yield generated_run(root, server)
