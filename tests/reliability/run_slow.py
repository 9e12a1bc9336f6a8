"""Reliability checks too slow for the test suite; prints a verdict per check, exits 1 on any
failure. Takes about a minute and a half on two cores.

Run:  python tests/reliability/run_slow.py

1. repeated kills: a cold run over 600 PMIDs is killed with SIGKILL four times at random
   moments, then finishes; after every kill the cache verifies, no later run asks for a
   PMID the cache held, and the final reports equal an uninterrupted run's;
2. fault seeds: four fault schedules heavier than the suite's (20 % 5xx, 10 % resets,
   5 % truncated bodies, 3 % hangs, 429 bursts, latency) lose no citation, store nothing
   corrupt and print counts that match the reports;
3. crowd: three runs share one cache while a fourth is killed mid-way; the three exit 0
   with identical reports and the cache verifies.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from enrich.entrez.cache import CitationCache
from enrich.testing import EutilsServer, Faults, RecordStore
from tests.conftest import EXAMPLES
from tests.reliability.conftest import (
    RUN_TIMEOUT,
    document_reports,
    efetched_pmids,
    enrich_env,
    run_command,
    run_enrich,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)
from tests.reliability.test_fault_schedule import assert_faithful_run

SEED = 20240601


def _held(cache: Path, pmids: list[str]) -> set[str]:
    if not cache.exists():
        return set()
    with CitationCache(cache) as stored:
        assert stored.verify() == [], stored.verify()
        return {pmid for pmid in pmids if stored.get_record(pmid) is not None}


def _start(argv: list[str], url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv, env=enrich_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _kill_after(server: EutilsServer, process: subprocess.Popen[str], replies: int) -> bool:
    """SIGKILL ``process`` once the server sent ``replies`` efetch replies; False if it ended."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while server.count(endpoint="efetch.fcgi", status=200) < replies:
        if process.poll() is not None or time.monotonic() > deadline:
            process.communicate()
            return False
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    return True


def repeated_kills(tmp: Path) -> str:
    rng = random.Random(SEED)
    pmids = synthetic_pmids(600)
    write_corpus(tmp / "docs", pmids, per_document=40)
    cache, out = tmp / "cache", tmp / "out"
    argv = run_command([tmp / "docs"], out, cache, "--batch-size", "5")
    kills = 0
    with EutilsServer(synthetic_store(pmids), rate_limit=None, latency=0.05) as server:
        for _ in range(4):
            held = _held(cache, pmids)
            server.reset_log()
            if _kill_after(server, _start(argv, server.url), rng.randint(1, 25)):
                kills += 1
            asked = efetched_pmids(server)
            assert not asked & held, f"re-fetched cached PMIDs {sorted(asked & held)[:5]}"
        held = _held(cache, pmids)
        server.reset_log()
        final = run_enrich([tmp / "docs"], out, cache, server.url, "--batch-size", "5")
        assert final.returncode == 0, final.stderr
        asked = efetched_pmids(server)
        assert asked == set(pmids) - held, "the last run asked for cached or too few PMIDs"
        assert _held(cache, pmids) == set(pmids)
        fresh = run_enrich([tmp / "docs"], tmp / "fresh", tmp / "fresh-cache", server.url)
        assert fresh.returncode == 0, fresh.stderr
    assert document_reports(out) == document_reports(tmp / "fresh")
    return f"{kills} kills, then {len(set(pmids) - held)} PMIDs left to fetch; reports equal"


def fault_seeds(tmp: Path) -> str:
    pmids = synthetic_pmids(150)
    write_corpus(tmp / "docs", pmids, per_document=25)
    inputs = [EXAMPLES, tmp / "docs"]
    outcomes = []
    for seed in range(1, 5):
        store = synthetic_store(pmids, into=RecordStore.default())
        faults = Faults(
            server_error=0.20,
            reset=0.10,
            truncate=0.05,
            timeout=0.03,
            burst_429=3,
            script=["burst_429", "ok", "burst_429", "burst_429"],
            seed=seed,
            hang_seconds=0.5,
        )
        with EutilsServer(
            store, rate_limit=None, latency=0.05, faults=faults, retry_after=0.2
        ) as server:
            out, cache = tmp / f"out-{seed}", tmp / f"cache-{seed}"
            result = run_enrich(inputs, out, cache, server.url, "--batch-size", "5")
            faulty = sum(1 for entry in server.requests if entry.fault)
        assert_faithful_run(result, inputs, out, cache, store)
        outcomes.append(f"seed {seed}: exit {result.returncode}, {faulty} faults")
    return "; ".join(outcomes)


def crowd(tmp: Path) -> str:
    pmids = synthetic_pmids(300)
    write_corpus(tmp / "docs", pmids, per_document=30)
    cache = tmp / "cache"
    with EutilsServer(synthetic_store(pmids), rate_limit=None, latency=0.05) as server:
        victim = _start(
            run_command([tmp / "docs"], tmp / "victim", cache, "--batch-size", "5"), server.url
        )
        runs = [
            _start(
                run_command([tmp / "docs"], tmp / f"out-{i}", cache, "--batch-size", "5"),
                server.url,
            )
            for i in range(3)
        ]
        killed = _kill_after(server, victim, 10)
        for run in runs:
            _, stderr = run.communicate(timeout=RUN_TIMEOUT)
            assert run.returncode == 0, stderr
    with CitationCache(cache) as stored:
        assert stored.verify() == []
    reports = [document_reports(tmp / f"out-{i}") for i in range(3)]
    assert reports[0] == reports[1] == reports[2] and len(reports[0]) == 10
    return f"3 runs agree, the fourth {'killed' if killed else 'finished first'}; cache whole"


CHECKS: list[tuple[str, Callable[[Path], str]]] = [
    ("repeated kills", repeated_kills),
    ("fault seeds", fault_seeds),
    ("crowd on one cache", crowd),
]


def main() -> int:
    failed = 0
    for name, check in CHECKS:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="enrich-slow-") as folder:
            try:
                detail = check(Path(folder))
                verdict = "PASS"
            except Exception as exc:  # report every failure, then go on with the next check
                detail = f"{type(exc).__name__}: {exc}"
                verdict = "FAIL"
                failed += 1
                traceback.print_exc(file=sys.stderr)
        print(f"{verdict}  {name:<20} {time.monotonic() - started:5.1f} s  {detail}", flush=True)
    print(f"{len(CHECKS) - failed}/{len(CHECKS)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
