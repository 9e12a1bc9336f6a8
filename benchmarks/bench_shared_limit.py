"""Benchmark N enrich processes sharing one API key, for each rate limiter: requests, 429s
and wall time against the shared floor.

A script, not a test: it prints figures beside their targets.

Run:  python benchmarks/bench_shared_limit.py [--processes 2 4] [--pmids 3000]

N ``enrich resolve`` processes start at once, each with PMIDs of its own (3,000 by
default, in batches of 200: 15 requests), its own cache folder and the one API key,
against the local E-utilities server of ``enrich.testing`` (run in this process),
which enforces NCBI's 10 requests/s per key over a sliding second and answers after
0.3 s + 1 ms per record.  The limiters:

* ``process``: each process keeps its own pace (enrich before the shared limiter);
* ``machine``: the default; the processes share one user's state folder;
* ``redis``: a throwaway ``redis-server``; each process has a home and state folder of
  its own, as on separate machines (skipped where redis-server is absent).

The floor is the requests needed (N x 15) at 10/s plus the last batch's latency (as in
bench_resolve.py).  The 429s are counted by the server for the key.  Last, the cost of
one reservation in each shared store.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from enrich.entrez.limiter import FileSlots
from enrich.entrez.redis_slots import RedisSlots
from enrich.testing import EutilsServer, RecordStore, RedisServer, RedisUnavailable, make_record

RATE = 10  #: NCBI's limit with an API key
KEY = "bench-shared-limit-key"
BATCH_SIZE = 200
LATENCY = 0.3
PER_RECORD_LATENCY = 0.001
FIRST_PMID = 60_000_000  #: synthetic PMIDs, above every real one
RATIO_TARGET = 1.5
RESERVATIONS = 5000  #: reservations timed per store


@dataclass(frozen=True)
class Outcome:
    """What N processes with one limiter did."""

    limiter: str
    processes: int
    requests: int
    rejected: int  #: answered 429
    resolved: int
    asked: int
    wall: float
    floor: float


def pmids_of(process: int, count: int) -> list[str]:
    return [str(FIRST_PMID + 100_000 * process + i) for i in range(count)]


def records(processes: int, count: int) -> RecordStore:
    """Small synthetic records for every PMID of every process: the limiter is measured, not
    the parser."""
    store = RecordStore()
    for process in range(processes):
        for pmid in pmids_of(process, count):
            store.add(make_record(pmid, title=f"Paper {pmid}", year=2020, journal="J Bench"))
    return store


def environment(url: str, folder: Path, limiter: str, redis_url: str) -> dict[str, str]:
    """One process's environment: the server, the key, and the limiter's setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENRICH_", "NCBI_"))}
    env.update(ENRICH_EUTILS_URL=url, NCBI_EMAIL="bench@example.org", NCBI_API_KEY=KEY)
    if limiter == "redis":
        env.update(
            HOME=str(folder / "home"),
            XDG_STATE_HOME=str(folder / "home" / "state"),
            ENRICH_RATE_LIMITER=redis_url,
        )
    else:
        env.update(XDG_STATE_HOME=str(folder.parent / "state"), ENRICH_RATE_LIMITER=limiter)
    return env


def run_processes(
    server: EutilsServer, limiter: str, processes: int, count: int, redis_url: str
) -> Outcome:
    """Start ``processes`` ``enrich resolve`` at once and wait for them all."""
    server.reset_log()
    with tempfile.TemporaryDirectory(prefix="bench_shared_limit_") as tmp:
        launched = []
        start = time.perf_counter()
        for process in range(processes):
            folder = Path(tmp) / f"process-{process}"
            command = [sys.executable, "-m", "enrich", "resolve", *pmids_of(process, count)]
            command += ["--format", "json", "--cache-dir", str(folder / "cache")]
            command += ["--batch-size", str(BATCH_SIZE)]
            env = environment(server.url, folder, limiter, redis_url)
            launched.append(
                subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            )
        outputs = [p.communicate() for p in launched]
        wall = time.perf_counter() - start
    resolved = 0
    for (out, err), process in zip(outputs, launched, strict=True):
        if process.returncode not in (0, 3):  # 3: finished, some unresolved
            raise SystemExit(f"enrich failed ({process.returncode}): {err.decode()[-500:]}")
        resolved += sum(row["status"] == "resolved" for row in json.loads(out))
    needed = processes * math.ceil(count / BATCH_SIZE)
    floor = needed / RATE + LATENCY + min(count, BATCH_SIZE) * PER_RECORD_LATENCY
    return Outcome(
        limiter,
        processes,
        server.count(api_key=KEY),
        server.count(status=429, api_key=KEY),
        resolved,
        processes * count,
        wall,
        floor,
    )


def reservation_cost(store: FileSlots | RedisSlots) -> float:
    """Microseconds one reservation takes (an interval of 0: no waiting)."""
    start = time.perf_counter()
    for _ in range(RESERVATIONS):
        store.reserve(0.0)
    return (time.perf_counter() - start) / RESERVATIONS * 1e6


def print_outcome(outcome: Outcome) -> None:
    ratio = outcome.wall / outcome.floor
    met = outcome.rejected == 0 and outcome.resolved == outcome.asked and ratio <= RATIO_TARGET
    print(
        f"{outcome.limiter:<8} {outcome.processes:>9} {outcome.requests:>8} {outcome.rejected:>5}"
        f" {outcome.resolved:>6}/{outcome.asked:<6} {outcome.wall:>7.2f} s {outcome.floor:>5.2f} s"
        f" {ratio:>6.2f}x  {'met' if met else 'MISSED'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--pmids", type=int, default=3000, help="PMIDs per process")
    args = parser.parse_args()
    shown = " ".join(map(str, args.processes))
    print(
        f"command: python benchmarks/bench_shared_limit.py --processes {shown} --pmids {args.pmids}"
    )
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}"
        f" ({platform.system()} {platform.machine()})"
    )
    print(
        f"server: {RATE} requests/s per key (sliding second), latency {LATENCY} s"
        f" + {PER_RECORD_LATENCY * 1000:g} ms/record; {args.pmids} PMIDs per process in"
        f" batches of {BATCH_SIZE}"
    )
    print(f"target: 0 429s, every PMID resolved, wall <= {RATIO_TARGET}x the floor")
    redis, limiters = RedisServer(), ["process", "machine", "redis"]
    try:
        redis.start()
    except RedisUnavailable as exc:
        print(f"redis: skipped ({exc})")
        limiters.remove("redis")
    try:
        store = records(max(args.processes), args.pmids)
        with EutilsServer(
            store, api_key_rate_limit=RATE, latency=LATENCY, per_record_latency=PER_RECORD_LATENCY
        ) as server:
            print(f"\n{'limiter':<8} processes requests  429s resolved       wall   floor  ratio")
            for processes in args.processes:
                for limiter in limiters:
                    print_outcome(run_processes(server, limiter, processes, args.pmids, redis.url))
        with tempfile.TemporaryDirectory() as tmp:
            costs = [f"file {reservation_cost(FileSlots(Path(tmp), 'bench')):.1f} µs"]
        if "redis" in limiters:
            costs.append(f"Redis {reservation_cost(RedisSlots(redis.url, 'bench')):.1f} µs")
        print(f"\none reservation (mean of {RESERVATIONS}): {', '.join(costs)}")
    finally:
        redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
