"""Scale benchmark: ``enrich run`` over a whole generated database, against a local E-utilities
server that keeps NCBI's API-key pace.

A script, not a test: it prints figures, each beside its target, and a verdict per target.

Run:    python benchmarks/bench_scale.py [--documents 20000] [--pmids 50000] [--small 2000]
                                         [--seed 1] [--latency 0.3] [--per-record-latency 0.001]
                                         [--timeout 600]
Quick:  python benchmarks/bench_scale.py --documents 2000 --pmids 5000 --small 200

1. generates the corpus of benchmarks/corpus.py (TFLink and Harmonizome pages citing about
   ``--pmids`` distinct PMIDs, and their synthetic records) into a temporary folder;
2. starts ``python -m enrich.testing serve RECORDS --rate 3 --key-rate 10 --latency L
   --per-record-latency P`` as a separate process;
3. cold run: ``python -m enrich run DOCS --out OUT --cache-dir CACHE`` with ``NCBI_API_KEY``
   set (so 10 requests/s), ``ENRICH_EUTILS_URL`` and ``CI=true``, against an empty cache.
   Its floor is (ceil(distinct PMIDs / 200) + ceil(genes / 500)) / 10 s + one batch's
   latency (L + 200 P): the genes' NCBI Gene summaries are asked too;
4. warm run: the same command again, every citation cached;
5. warm run over the first ``--small`` documents, to see how memory grows with the corpus.

Each measured command starts once earlier disk writes are flushed (``os.sync()``, untimed: a
run is not billed for the writeback of the corpus or of the run before it) and runs under a
small wrapper process that reports its children's ``ru_maxrss`` (the largest single
process: enrich's main process or one of its workers) and CPU time (all of them: with
the wall time, how many cores were busy on average); meanwhile the process tree's summed
PSS (proportional set size, so pages shared by forked workers count once) is sampled from
/proc where it exists. The memory targets use the sampled tree PSS when there is one, else
``ru_maxrss``. The local server's own CPU time during the cold run is printed too: it
shares the machine's cores with enrich. Requests come from ``enrich run``'s
``network`` line. It does not count 429s, and the server runs in another process, so 429s
are bounded from above by the requests beyond one per efetch batch (which also include
enrich's second ask for PMIDs a batch did not return; the server injects no faults).

Targets: cold <= 1.2 x floor; warm >= 500 documents/s end to end (reports included); peak
memory of the full runs (cold and warm) < 1 GiB, growing clearly less than linearly from the
small warm run to the full one (ratio <= half the document ratio).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import CorpusSpec, CorpusSummary, write_corpus

ROOT = Path(__file__).resolve().parents[1]
BATCH = 200  #: PMIDs per efetch, enrich's default
GENE_BATCH = 500  #: Gene IDs per esummary (enrich.entrez.gene_names.GENE_BATCH)
KEY_RATE = 10  #: requests/s NCBI (and the local server) allow with an API key
COLD_TARGET = 1.2  #: cold wall time / floor
WARM_TARGET = 500.0  #: documents/s
MEMORY_TARGET_MIB = 1024.0
_NETWORK = re.compile(r"network\s+([\d,]+) requests?, ([\d,]+) cache hits?")
_SERVING = re.compile(r"serving ([\d,]+) records (?:and [\d,]+ gene summaries )?at (\S+)")


def _number(text: str) -> int:
    """An integer as enrich prints it ("7,000")."""
    return int(text.replace(",", ""))


#: Runs the command in argv[2:] and writes its exit code, wall time, and its process tree's
#: peak RSS (of one process) and CPU time to argv[1]: one wrapper per measurement, so the
#: figures cover that command alone.
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "wall": wall, "maxrss_kib": usage.ru_maxrss, "cpu": cpu}, out)
"""


@dataclass(frozen=True, slots=True)
class Measured:
    """One measured command: exit code (None after a timeout), wall time, memory and output."""

    label: str
    code: int | None
    wall: float
    maxrss_mib: float
    tree_pss_mib: float | None
    cpu: float | None  #: CPU seconds of the whole process tree, None after a timeout
    stdout: str
    stderr: str

    @property
    def memory_mib(self) -> float:
        """Peak memory: the sampled tree PSS when there is one, else the largest process's RSS."""
        return self.tree_pss_mib if self.tree_pss_mib is not None else self.maxrss_mib

    @property
    def network(self) -> tuple[int, int] | None:
        """(requests, cache hits) from the ``network`` summary line, None without one."""
        match = _NETWORK.search(self.stdout)
        return (_number(match[1]), _number(match[2])) if match else None

    def cpu_text(self) -> str:
        if self.cpu is None:
            return "cpu unknown"
        cores = os.cpu_count() or 1
        return f"cpu {self.cpu:.1f} s = {self.cpu / self.wall:.2f} of {cores} cores busy on average"

    def memory_text(self) -> str:
        pss = f"tree PSS {self.tree_pss_mib:,.0f} MiB, " if self.tree_pss_mib is not None else ""
        return f"{pss}largest process RSS {self.maxrss_mib:,.0f} MiB"


# --- memory of a process tree ------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def _descendants(pid: int) -> list[int]:
    pending, found = _children(pid), []
    while pending:
        child = pending.pop()
        found.append(child)
        pending += _children(child)
    return found


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match[1]) if match else 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process's descendants until stopped; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self._stop_event = threading.Event()

    @staticmethod
    def available() -> bool:
        return Path("/proc/self/smaps_rollup").exists()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            total = sum(_pss_kib(pid) for pid in _descendants(self.pid))
            self.peak_kib = max(self.peak_kib, total)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# --- running things ----------------------------------------------------------------------------


def measure(
    label: str, command: Sequence[str], env: dict[str, str], work: Path, timeout: float
) -> Measured:
    """Run ``command`` under the wrapper in ``work``; kill its process group after ``timeout``.

    Disk writes still pending from before (the corpus, an earlier run's reports) are
    flushed first, untimed, so that they are not billed to this run.
    """
    if hasattr(os, "sync"):
        os.sync()
    result = work / f"{label}.result.json"
    out_path, err_path = work / f"{label}.stdout", work / f"{label}.stderr"
    wrapped = [sys.executable, "-c", _WRAPPER, str(result), *command]
    start = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        process = subprocess.Popen(
            wrapped, stdout=out, stderr=err, env=env, cwd=work, start_new_session=True
        )
        sampler = TreeSampler(process.pid) if TreeSampler.available() else None
        if sampler:
            sampler.start()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        finally:
            if sampler:
                sampler.stop()
    figures = json.loads(result.read_text()) if result.exists() else None
    return Measured(
        label=label,
        code=figures["code"] if figures else None,
        wall=figures["wall"] if figures else time.perf_counter() - start,
        maxrss_mib=figures["maxrss_kib"] / 1024 if figures else 0.0,
        cpu=figures["cpu"] if figures else None,
        tree_pss_mib=sampler.peak_kib / 1024 if sampler else None,
        stdout=out_path.read_text(),
        stderr=err_path.read_text(),
    )


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a live process has used so far; None where /proc is not."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(
    records: Path, latency: float, per_record: float, log: Path, timeout: float = 300
) -> tuple[subprocess.Popen[str], str, int]:
    """Start the local E-utilities server on a free port; return it, its URL and record count."""
    command = [
        *(sys.executable, "-m", "enrich.testing", "serve", str(records), "--port", "0"),
        *("--rate", "3", "--key-rate", str(KEY_RATE), "--latency", str(latency)),
        *("--per-record-latency", str(per_record)),
    ]
    with log.open("w") as err:
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True)
    assert server.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(server.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        if selector.select(timeout=1.0):
            match = _SERVING.search(server.stdout.readline())
            if match:
                return server, match[2], _number(match[1])
    server.kill()
    raise SystemExit(f"the E-utilities server did not start; see {log}")


def stop_server(server: subprocess.Popen[str]) -> None:
    """Stop the server as Ctrl-C would, killing it if it does not stop within 10 s."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def link_first(docs: Path, dest: Path, count: int) -> int:
    """Hard-link (or copy) the first ``count`` documents in enrich's sorted order into ``dest``."""
    chosen = sorted(docs.rglob("*.md"))[:count]
    for path in chosen:
        target = dest / path.relative_to(docs)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    return len(chosen)


# --- the benchmark -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--pmids", type=int, default=50000)
    parser.add_argument("--small", type=int, default=2000, help="documents of the small warm run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.3, help="server seconds per reply")
    parser.add_argument("--per-record-latency", type=float, default=0.001)
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args(argv)


def reproduce_command(args: argparse.Namespace) -> str:
    return (
        f"python benchmarks/bench_scale.py --documents {args.documents} --pmids {args.pmids} "
        f"--small {args.small} --seed {args.seed} --latency {args.latency} "
        f"--per-record-latency {args.per_record_latency} --timeout {args.timeout:g}"
    )


def machine() -> str:
    """Cores, Python and the enrich checkout the figures were taken on."""
    try:
        revision = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        revision = "unknown"
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()} "
        f"({platform.system()} {platform.machine()}), enrich checkout {revision}"
    )


def enrich_env(url: str) -> dict[str, str]:
    """The environment of every enrich run: local server, an API key, CI mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENRICH_", "NCBI_"))}
    env.update(
        NCBI_API_KEY="bench-scale-key",
        NCBI_EMAIL="bench-scale@example.org",
        ENRICH_EUTILS_URL=url,
        CI="true",
    )
    return env


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


class Bench:
    """The benchmark's state: settings, work folder and the figures gathered so far."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.docs, self.small_docs = work / "corpus" / "docs", work / "docs-small"
        self.cache = work / "cache"
        self.verdicts: list[tuple[str, bool | None]] = []
        self.floor = math.nan

    def generate(self) -> CorpusSummary:
        spec = CorpusSpec(self.args.documents, self.args.pmids, seed=self.args.seed)
        summary = write_corpus(self.work / "corpus", spec)
        print("corpus (benchmarks/corpus.py):")
        print("\n".join(f"  {line}" for line in summary.lines()))
        return summary

    def run(self, label: str, docs: Path, env: dict[str, str]) -> Measured:
        """``enrich run`` over ``docs`` into a fresh report folder (the previous one deleted)."""
        for old in self.work.glob("out-*"):
            shutil.rmtree(old, ignore_errors=True)
        command = [sys.executable, "-m", "enrich", "run", str(docs)]
        command += ["--out", str(self.work / f"out-{label}"), "--cache-dir", str(self.cache)]
        measured = measure(label, command, env, self.work, self.args.timeout)
        if measured.code is None:
            print(f"  {label}: no result within --timeout {self.args.timeout:g} s (killed)")
        elif measured.code not in (0, 3):
            tail = measured.stderr.strip().splitlines()[-3:]
            print(f"  {label}: enrich run exited {measured.code}: {' | '.join(tail)}")
        return measured

    def record(self, name: str, met: bool | None) -> None:
        self.verdicts.append((name, met))

    def report_cold(
        self, cold: Measured, distinct: int, genes: int, server_cpu: float | None
    ) -> None:
        args = self.args
        gene_batches = math.ceil(genes / GENE_BATCH)
        batches = math.ceil(distinct / BATCH) + gene_batches
        floor = batches / KEY_RATE + args.latency + BATCH * args.per_record_latency
        self.floor = floor
        ratio = cold.wall / floor
        met = cold.code is not None and ratio <= COLD_TARGET
        print(f"cold run      {cold.wall:8.1f} s   exit {cold.code}   {cold.memory_text()}")
        print(
            f"  floor       {floor:8.1f} s   = {batches} batches ({gene_batches} of up to "
            f"{GENE_BATCH} Gene IDs, the rest of {BATCH} PMIDs) / {KEY_RATE} req/s "
            f"+ one batch's latency {args.latency:g} + {BATCH} x {args.per_record_latency:g} s"
        )
        print(f"  cold/floor  {ratio:8.2f}     target <= {COLD_TARGET}: {verdict(met)}")
        print(f"  {cold.cpu_text()}")
        if server_cpu is not None:
            print(f"  the local server used {server_cpu:.1f} s of CPU meanwhile, on the same cores")
        network = cold.network
        if network is None:
            print("  network     no 'network' line in enrich run's output")
        else:
            extra = max(0, network[0] - batches)
            print(
                f"  network     {network[0]} requests, {network[1]} cache hits; 429s <= {extra} "
                f"(requests beyond one per batch, which include enrich's second ask for PMIDs "
                "a batch did not return)"
            )
        self.record(f"cold run <= {COLD_TARGET} x floor", met)

    def report_warm(self, warm: Measured, cold: Measured) -> None:
        rate = self.args.documents / warm.wall
        met = warm.code is not None and rate >= WARM_TARGET
        network = warm.network
        requests = f"{network[0]} requests, {network[1]} cache hits" if network else "no line"
        print(f"warm run      {warm.wall:8.1f} s   exit {warm.code}   network: {requests}")
        print(
            f"  throughput  {rate:8.0f} documents/s   target >= {WARM_TARGET:.0f}: {verdict(met)}"
        )
        print(f"  {warm.cpu_text()}")
        online = cold.wall - warm.wall
        print(
            f"  cold - warm {online:8.1f} s   = {online / self.floor:.2f} x floor (what fetching "
            "added: the part of it that rendering did not hide)"
        )
        self.record(f"warm run >= {WARM_TARGET:.0f} documents/s", met)

    def report_memory(
        self, small: Measured, full: Measured, cold: Measured, small_count: int
    ) -> None:
        doc_ratio = self.args.documents / small_count
        rss_ratio = full.memory_mib / small.memory_mib if small.memory_mib else math.inf
        print(
            f"memory, warm  {small_count:>6,} documents: {small.memory_text()} ({small.wall:.1f} s)"
        )
        print(f"              {self.args.documents:>6,} documents: {full.memory_text()}")
        print(f"      cold    {self.args.documents:>6,} documents: {cold.memory_text()}")
        peak = max(full.memory_mib, cold.memory_mib)
        under = full.code is not None and cold.code is not None and peak < MEMORY_TARGET_MIB
        sublinear = full.code is not None and rss_ratio <= doc_ratio / 2
        print(
            f"  peak        {peak:8,.0f} MiB (cold or warm)   target < {MEMORY_TARGET_MIB:,.0f} "
            f"MiB: {verdict(under)}"
        )
        print(
            f"  growth      x{rss_ratio:.2f} for x{doc_ratio:.0f} documents   "
            f"target <= x{doc_ratio / 2:.0f} (half linear): {verdict(sublinear)}"
        )
        self.record(f"warm peak memory < {MEMORY_TARGET_MIB:,.0f} MiB", under)
        self.record("memory grows clearly less than linearly", sublinear)

    def print_verdicts(self) -> None:
        for name, met in self.verdicts:
            print(f"verdict  {name}: {'not measured' if met is None else verdict(met)}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"command: {reproduce_command(args)}")
    print(f"machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="enrich-bench-scale-"))
    bench = Bench(args, work)
    try:
        summary = bench.generate()
        small_count = link_first(bench.docs, bench.small_docs, args.small)
        server, url, held = start_server(
            work / "corpus" / "records", args.latency, args.per_record_latency, work / "server.log"
        )
        print(f"server: {held:,} records at {url} (3 requests/s, {KEY_RATE} with a key)")
        try:
            env = enrich_env(url)
            before = process_cpu(server.pid)
            cold = bench.run("cold", bench.docs, env)
            after = process_cpu(server.pid)
            served = after - before if before is not None and after is not None else None
            bench.report_cold(cold, summary.distinct_pmids, summary.genes, served)
            warm = bench.run("warm", bench.docs, env)
            bench.report_warm(warm, cold)
            small = bench.run("small", bench.small_docs, env)
            bench.report_memory(small, warm, cold, small_count)
        finally:
            stop_server(server)
        bench.print_verdicts()
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
