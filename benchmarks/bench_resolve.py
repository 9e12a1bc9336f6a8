"""Benchmark resolving thousands of PMIDs against a local E-utilities server at NCBI's pace.

A script, not a test: it prints figures, each beside its target, and asserts only that
every key was resolved.

Run:  python benchmarks/bench_resolve.py [--pmids 5000] [--seed 1]

The real records of ``../shared/ncbi/metapub/pmid_xml`` (about 28 KB each) are renumbered
with ``enrich.testing.renumber`` to N new PMIDs, written to a temporary folder and served
by ``python -m enrich.testing serve`` in a separate process (so the server does not
compete with the client for the GIL) at 3 requests/s without an API key, with a latency
of 0.3 s + 3 ms per record.  Then:

1. enrich cold: ``resolve_keys`` with a fresh cache (batches of 200, 4 in flight);
2. the floor set by the rate limit and one batch's latency, and wall / floor;
3. the same job "the Bio.Entrez way": sequential blocking POSTs of 200 ids to
   efetch.fcgi, each reply read by ``Bio.Entrez.read``, starts >= 1/3 s apart;
4. parser records/s, enrich vs Bio.Entrez (the measuring code of benchmarks/bench_parser.py);
5. enrich warm: the same job again over the same cache.

429 replies are counted on the client side, by a transport that counts replies by status.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from Bio import Entrez

from benchmarks import bench_parser
from enrich.entrez import CitationCache, EutilsClient, EutilsSettings, resolve_keys
from enrich.model import Status
from enrich.testing import renumber

RATE = 3  #: requests/s, NCBI's limit without an API key
LATENCY = 0.3  #: seconds added by the server to every reply
PER_RECORD_LATENCY = 0.003  #: seconds added per record returned
BATCH_SIZE = 200
CONCURRENCY = 4
TOOL = "enrich-bench"
EMAIL = "bench@example.org"
FIRST_PMID = 50_000_000  #: new PMIDs are drawn above every real one in the fixtures
SERVER_START_TIMEOUT = 120.0

FLOOR_RATIO_TARGET = 1.15
SPEEDUP_TARGET = 4.0
PARSER_RATE_TARGET = 2000.0
PARSER_RATIO_TARGET = 5.0


# --- records and server ---------------------------------------------------------------


def real_records() -> list[bytes]:
    """Every real record of the shared fixtures, as bare record elements."""
    return [
        match.group(0)
        for path in sorted(bench_parser.RECORDS_DIR.glob("*.xml"))
        for match in bench_parser.RECORD.finditer(path.read_bytes())
    ]


def write_records(folder: Path, count: int, seed: int) -> list[str]:
    """Write ``count`` renumbered copies of the real records to ``folder``; their PMIDs.

    The PMIDs are distinct and random; the templates are cycled in a shuffled order.
    Copies carry no DOI, so no two records share one.
    """
    rng = random.Random(seed)
    templates = real_records()
    rng.shuffle(templates)
    pmids = [str(p) for p in rng.sample(range(FIRST_PMID, FIRST_PMID + 10 * count), count)]
    for i, pmid in enumerate(pmids):
        (folder / f"{pmid}.xml").write_bytes(renumber(templates[i % len(templates)], pmid))
    return pmids


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Run ``python -m enrich.testing serve folder`` in its own process; yield its base URL."""
    command = [
        sys.executable,
        "-m",
        "enrich.testing",
        "serve",
        str(folder),
        "--port",
        "0",
        "--rate",
        str(RATE),
        "--latency",
        str(LATENCY),
        "--per-record-latency",
        str(PER_RECORD_LATENCY),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    root = Path(__file__).resolve().parents[1]
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=root
    )
    try:
        yield _wait_for_url(server)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for_url(server: subprocess.Popen[str]) -> str:
    """The URL the server prints once it listens; SystemExit if it dies first."""
    assert server.stdout is not None and server.stderr is not None
    line = server.stdout.readline()
    match = re.search(r"http://\S+/", line)
    if match is None:
        server.kill()
        raise SystemExit(f"the server did not start: {line}{server.stderr.read()}")
    return match.group(0)


# --- enrich ---------------------------------------------------------------------------


class CountingTransport(httpx.AsyncHTTPTransport):
    """An httpx transport that counts the replies it receives, by HTTP status."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: Counter[int] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        self.statuses[response.status_code] += 1
        return response


@dataclass
class EnrichRun:
    """What one ``resolve_keys`` run took and gave."""

    wall: float
    requests: int
    statuses: Counter[int]
    outcomes: Counter[str] = field(default_factory=Counter)


async def _resolve(url: str, cache_dir: Path, pmids: list[str]) -> EnrichRun:
    settings = EutilsSettings(
        base_url=url, email=EMAIL, tool=TOOL, batch_size=BATCH_SIZE, concurrency=CONCURRENCY
    )
    transport = CountingTransport()
    keys = [f"pmid:{pmid}" for pmid in pmids]
    with CitationCache(cache_dir) as cache:
        async with EutilsClient(settings, transport=transport) as client:
            start = time.perf_counter()
            results = await resolve_keys(
                keys, cache, client, batch_size=BATCH_SIZE, concurrency=CONCURRENCY
            )
            wall = time.perf_counter() - start
    outcomes = Counter(str(r.status) for r in results.values())
    failures = Counter(f"{r.status}: {r.reason}" for r in results.values() if r.reason)
    assert len(results) == len(keys), f"{len(results)} results for {len(keys)} keys"
    assert outcomes[str(Status.RESOLVED)] == len(keys), f"not every key resolved: {failures}"
    return EnrichRun(wall, client.requests, transport.statuses, outcomes)


def resolve_with_enrich(url: str, cache_dir: Path, pmids: list[str]) -> EnrichRun:
    """Resolve every PMID with ``enrich.entrez.resolve.resolve_keys``, timing the call."""
    return asyncio.run(_resolve(url, cache_dir, pmids))


# --- the Bio.Entrez way ---------------------------------------------------------------


def resolve_the_entrez_way(url: str, pmids: list[str]) -> tuple[float, int]:
    """Sequential blocking efetch POSTs of 200 ids, read by Bio.Entrez; (seconds, records)."""
    Entrez.email = EMAIL
    interval = 1.0 / RATE
    records = 0
    last_start = -math.inf
    start = time.perf_counter()
    with httpx.Client(timeout=60.0) as http:
        for i in range(0, len(pmids), BATCH_SIZE):
            time.sleep(max(0.0, last_start + interval - time.perf_counter()))
            last_start = time.perf_counter()
            data = {"db": "pubmed", "id": ",".join(pmids[i : i + BATCH_SIZE]), "retmode": "xml"}
            response = http.post(url + "efetch.fcgi", data={**data, "tool": TOOL, "email": EMAIL})
            response.raise_for_status()
            parsed = Entrez.read(BytesIO(response.content))
            records += len(parsed["PubmedArticle"]) + len(parsed["PubmedBookArticle"])
    return time.perf_counter() - start, records


# --- report ---------------------------------------------------------------------------


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def floor_seconds(count: int) -> float:
    """Rate-limit floor: one request start per 1/RATE s, plus the last batch's latency."""
    return math.ceil(count / BATCH_SIZE) / RATE + LATENCY + BATCH_SIZE * PER_RECORD_LATENCY


def parser_rates() -> tuple[float, float]:
    """Records/s of enrich.entrez.pubmed.iter_records and Bio.Entrez.read on the real records."""
    batches, total = bench_parser.load_batches()
    ours = bench_parser.best_rate(bench_parser.ours, batches, total)
    theirs = bench_parser.best_rate(bench_parser.bio_entrez, batches, total)
    return ours, theirs


def _statuses(counts: Counter[int]) -> str:
    return ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "none"


def report_cold(run: EnrichRun, count: int) -> tuple[bool, bool]:
    """Print the cold run and its floor; (no 429, wall/floor within target)."""
    no_429 = run.statuses[429] == 0
    floor = floor_seconds(count)
    ratio = run.wall / floor
    print(f"1. enrich cold: {count} PMIDs in {run.wall:.2f} s, {run.requests} requests sent")
    print(f"   HTTP replies by status: {_statuses(run.statuses)}")
    print(f"   429s provoked: {run.statuses[429]} (target 0: {verdict(no_429)})")
    print(f"   keys by status: {dict(run.outcomes)} (all resolved: met)")
    print(
        f"2. floor {math.ceil(count / BATCH_SIZE)}/{RATE} s + {LATENCY} + {BATCH_SIZE}x"
        f"{PER_RECORD_LATENCY} s = {floor:.2f} s; wall/floor {ratio:.3f}"
        f" (target <= {FLOOR_RATIO_TARGET}: {verdict(ratio <= FLOOR_RATIO_TARGET)})"
    )
    return no_429, ratio <= FLOOR_RATIO_TARGET


def report_entrez(seconds: float, records: int, enrich_wall: float) -> bool:
    speedup = seconds / enrich_wall
    print(f"3. the Bio.Entrez way: {records} records in {seconds:.2f} s (sequential, blocking)")
    print(
        f"   Bio.Entrez way / enrich: {speedup:.2f}x"
        f" (target >= {SPEEDUP_TARGET:g}x: {verdict(speedup >= SPEEDUP_TARGET)})"
    )
    return speedup >= SPEEDUP_TARGET


def report_parsers(ours: float, theirs: float) -> tuple[bool, bool]:
    ratio = ours / theirs
    print(
        f"4. parser: enrich iter_records {ours:,.0f} records/s"
        f" (target >= {PARSER_RATE_TARGET:,.0f}: {verdict(ours >= PARSER_RATE_TARGET)});"
        f" Bio.Entrez.read {theirs:,.0f} records/s"
    )
    print(
        f"   ratio {ratio:.1f}x (target >= {PARSER_RATIO_TARGET:g}x:"
        f" {verdict(ratio >= PARSER_RATIO_TARGET)})"
    )
    return ours >= PARSER_RATE_TARGET, ratio >= PARSER_RATIO_TARGET


def report_warm(run: EnrichRun, count: int) -> bool:
    print(
        f"5. enrich warm: {count} PMIDs in {run.wall:.2f} s, {run.requests} requests sent"
        f" (target 0: {verdict(run.requests == 0)}); keys by status: {dict(run.outcomes)}"
    )
    return run.requests == 0


# --- main -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pmids", type=int, default=5000, help="distinct PMIDs to resolve")
    parser.add_argument("--seed", type=int, default=1, help="seed for PMIDs and record order")
    args = parser.parse_args()
    print(
        f"command: cd /work/main && python benchmarks/bench_resolve.py --pmids {args.pmids}"
        f" --seed {args.seed}"
    )
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}"
        f" ({platform.system()} {platform.machine()})"
    )
    if not bench_parser.RECORDS_DIR.is_dir():
        print(
            f"error: {bench_parser.RECORDS_DIR} not found; this benchmark needs ../shared",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="bench_resolve_") as tmp:
        records_dir, cache_dir = Path(tmp) / "records", Path(tmp) / "cache"
        records_dir.mkdir()
        start = time.perf_counter()
        pmids = write_records(records_dir, args.pmids, args.seed)
        print(
            f"setup: {len(pmids)} renumbered real records written in"
            f" {time.perf_counter() - start:.1f} s"
        )
        with serving(records_dir) as url:
            print(
                f"server: {url} at {RATE} requests/s, latency {LATENCY} s"
                f" + {PER_RECORD_LATENCY * 1000:g} ms/record (startup"
                f" {time.perf_counter() - start:.1f} s after setup began)"
            )
            cold = resolve_with_enrich(url, cache_dir, pmids)
            met = [*report_cold(cold, len(pmids))]
            entrez_seconds, entrez_records = resolve_the_entrez_way(url, pmids)
            met.append(report_entrez(entrez_seconds, entrez_records, cold.wall))
            met.extend(report_parsers(*parser_rates()))
            warm = resolve_with_enrich(url, cache_dir, pmids)
            met.append(report_warm(warm, len(pmids)))
    print(f"verdict: {sum(met)}/{len(met)} targets met{'' if all(met) else ' -- see MISSED above'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
