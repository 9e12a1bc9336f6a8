"""A cold ``enrich run`` killed with SIGKILL halfway through resumes from its cache."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from enrich.entrez.cache import CitationCache
from enrich.testing import EutilsServer
from tests.reliability.conftest import (
    document_reports,
    efetched_pmids,
    enrich_env,
    run_command,
    run_enrich,
    stray_files,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)

N_PMIDS = 120
BATCH = "3"  #: 40 efetch requests at 10/s: about four seconds
KILL_AFTER = 10  #: efetch replies sent before the kill


def _kill_after_replies(
    server: EutilsServer, argv: list[str], env: dict[str, str], after: int = KILL_AFTER
) -> None:
    """Start ``argv`` and SIGKILL it once the server has answered ``after`` efetch requests."""
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while server.count(endpoint="efetch.fcgi", status=200) < after:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the run never got going"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
        if process.stderr:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def _held(cache_dir: Path, pmids: list[str]) -> set[str]:
    with CitationCache(cache_dir) as cache:
        assert cache.verify() == []
        return {pmid for pmid in pmids if cache.get_record(pmid) is not None}


def test_killed_cold_run_resumes_without_refetching(
    make_eutils_server: Any, tmp_path: Path
) -> None:
    """After SIGKILL mid-run, a rerun exits 0, never re-asks a cached PMID, leaves a whole cache,
    and writes the same per-document JSON as an uninterrupted run on a fresh cache."""
    pmids = synthetic_pmids(N_PMIDS)
    docs = write_corpus(tmp_path / "docs", pmids, per_document=12)
    server = make_eutils_server(synthetic_store(pmids), rate_limit=None, latency=0.05)
    cache, out = tmp_path / "cache", tmp_path / "out"
    argv = run_command([tmp_path / "docs"], out, cache, "--batch-size", BATCH)

    _kill_after_replies(server, argv, enrich_env(server.url))
    replied = efetched_pmids(server, status=200)
    held = _held(cache, pmids)
    assert held, "the killed run stored nothing: kill it later"
    assert held < set(pmids), "the killed run finished: kill it earlier"
    assert held <= replied

    server.reset_log()
    resumed = run_enrich([tmp_path / "docs"], out, cache, server.url, "--batch-size", BATCH)
    assert resumed.returncode == 0, resumed.stderr
    asked = efetched_pmids(server)
    assert not asked & held, f"re-fetched cached PMIDs: {sorted(asked & held)[:5]}"
    assert asked == set(pmids) - held
    with CitationCache(cache) as whole:
        assert whole.verify() == []

    fresh_out = tmp_path / "fresh-out"
    fresh = run_enrich([tmp_path / "docs"], fresh_out, tmp_path / "fresh-cache", server.url)
    assert fresh.returncode == 0, fresh.stderr
    resumed_reports = document_reports(out)
    assert len(resumed_reports) == len(docs)
    assert resumed_reports == document_reports(fresh_out)


def test_rerun_leaves_no_temporary_file_of_a_killed_run(
    make_eutils_server: Any, tmp_path: Path
) -> None:
    """After a killed run and a successful rerun into the same --out, the folder holds only
    reports: no temporary file of the killed run is left behind."""
    pmids = synthetic_pmids(30)
    write_corpus(tmp_path / "docs", pmids, per_document=10)
    server = make_eutils_server(synthetic_store(pmids), rate_limit=None, latency=0.05)
    cache, out = tmp_path / "cache", tmp_path / "out"
    argv = run_command([tmp_path / "docs"], out, cache, "--batch-size", BATCH)
    _kill_after_replies(server, argv, enrich_env(server.url), after=2)
    rerun = run_enrich([tmp_path / "docs"], out, cache, server.url, "--batch-size", BATCH)
    assert rerun.returncode == 0, rerun.stderr
    assert stray_files(out) == []
