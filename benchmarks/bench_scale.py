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
3. cold run with every per-document format (``--formats html,json,md``), then cold run with
   the default outputs (html, json): ``python -m enrich run DOCS --out OUT --cache-dir
   CACHE`` with ``NCBI_API_KEY`` set (so 10 requests/s), ``ENRICH_EUTILS_URL`` and
   ``CI=true``, each against an empty cache.  The floor is (ceil(distinct PMIDs / 200) +
   ceil(genes / 500)) / 10 s + one batch's latency (L + 200 P): the genes' NCBI Gene
   summaries are asked too.  Output bytes per document of both;
4. no-change re-run: the same command again (the state proves nothing changed, cache
   version included); the files of OUT whose mtime changed are counted; then again after
   a change to the cache that touches no cited record (a not-found answer for PMID 1, as
   another corpus sharing the cache might cause: the cache's change log shows it touches
   none of the set's entries); then again after a cited record was removed from the cache
   and stored again as it was (its answer the same, its entries named by the log), which
   makes the run look at the cache and fingerprint every document to find nothing changed,
   as a run after a refresh does besides rendering (the server
   restarted before them, so that its own count of requests covers these runs and the
   next alone); then a line added at the
   end of one document and the same command again: only that document's reports rewritten,
   and what the run costs beyond the no-change run (the corpus-wide files of a run that
   writes anything: index, audit.tsv, audit.db, bibliographies, state);
5. a refresh that changes 50 records: 50 long-tail records become retracted on the server
   (restarted on the same port), ``enrich refresh --max-age 0s`` fetches every cached record
   again, then the re-run: how many documents it rewrote (those whose report files got a
   new mtime; enrich's own count beside), against how many cite the 50
   (from the cold run's audit.db);
6. ``--full`` warm run: every document read, audited and rendered again;
7. ``--full`` warm run over the first ``--small`` documents, to see how memory grows.

Each measured command starts once earlier disk writes are flushed (``os.sync()``, untimed: a
run is not billed for the writeback of the corpus or of the run before it) and runs under a
small wrapper process that reports its children's ``ru_maxrss`` (the largest single
process: enrich's main process or one of its workers) and CPU time (all of them: with
the wall time, how many cores were busy on average); meanwhile the process tree's summed
PSS (proportional set size, so pages shared by forked workers count once) is sampled from
/proc where it exists. The memory targets use the sampled tree PSS when there is one, else
``ru_maxrss``. The local server's own CPU time during the cold run is printed too: it
shares the machine's cores with enrich. Requests per run come from ``enrich run``'s
``network`` line. It does not count 429s, so per run 429s are bounded from above by the
requests beyond one per efetch batch (which also include enrich's second ask for PMIDs a
batch did not return; the server injects no faults). The server's own count of requests
and 429s, which it prints when stopped, is given for each of its three lifetimes beside
what the runs' ``network`` lines claim: the two cold runs; the three no-change re-runs and
the edit's (so their "0 requests" is checked by the server too); the refresh and the runs
after it.

Targets: cold <= 1.2 x floor (default outputs, and every format); no-change re-run <= 10 s,
0 requests, 0 files rewritten; after the refresh, only the documents citing the changed
records rewritten, in time proportional to them (the re-run's time beyond the no-change
re-run after the renewed record, per claim of the documents rewritten, <= 2 x --full's
time per claim: the re-run after a refresh reads the cache as that run does, since the
cache changed; the documents likeliest to cite a changed record are the large ones, those
citing the most papers, so the ratio per document is printed too, as are the figure
beyond the same-command no-change run and the fixed part of any run that writes, measured
by the one-document edit); --full warm >= 500
documents/s end to end (reports included); peak memory of every run < 1 GiB, growing
clearly less than linearly from the small --full run to the whole one (ratio <= half the
document ratio).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import DATABASE_PMIDS, CorpusSpec, CorpusSummary, write_corpus
from enrich.entrez import CitationCache, parse_record
from enrich.run.incremental import STATE
from enrich.testing import record_set

ROOT = Path(__file__).resolve().parents[1]
BATCH = 200  #: PMIDs per efetch, enrich's default
GENE_BATCH = 500  #: Gene IDs per esummary (enrich.entrez.gene_names.GENE_BATCH)
KEY_RATE = 10  #: requests/s NCBI (and the local server) allow with an API key
COLD_TARGET = 1.2  #: cold wall time / floor
WARM_TARGET = 500.0  #: documents/s of a --full warm run
NO_CHANGE_TARGET = 10.0  #: seconds for a re-run after no change
CHANGED = 50  #: records a refresh finds changed
#: "in time proportional to them": what the re-run after the refresh takes beyond the
#: no-change re-run after a cache change, per claim of the documents it rewrote, at most
#: this many times what --full takes per claim (per document, a random change picks the
#: large documents: those citing the most papers are the likeliest to cite a changed one)
PROPORTIONAL = 2.0
MEMORY_TARGET_MIB = 1024.0
_NETWORK = re.compile(r"network\s+([\d,]+) requests?, ([\d,]+) cache hits?")
_STOPPED = re.compile(r"stopped: ([\d,]+) requests?, ([\d,]+) answered 429")
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
    def ok(self) -> bool:
        """Whether the command finished as a run should: exit 0, or 3 (finished, some
        citations unresolved).  A run killed or failed is no figure for a target: a crash
        in the first second would otherwise meet every time target."""
        return self.code in (0, 3)

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
    records: Path,
    latency: float,
    per_record: float,
    log: Path,
    timeout: float = 300,
    port: int = 0,
) -> tuple[subprocess.Popen[str], str, int]:
    """Start the local E-utilities server on ``port`` (0: a free one); return it, its URL and
    record count."""
    command = [
        *(sys.executable, "-m", "enrich.testing", "serve", str(records), "--port", str(port)),
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


def stop_server(server: subprocess.Popen[str]) -> str:
    """Stop the server as ``kill`` would (SIGTERM: a benchmark started in the background
    by a shell inherits SIGINT ignored, and then so does the server), killing it if it does
    not stop within 10 s; return what it printed since it started serving (its
    ``stopped:`` count of requests)."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    return server.stdout.read() if server.stdout else ""


def server_count(printed: str) -> tuple[int, int] | None:
    """(requests, 429s) from the server's ``stopped:`` line, None without one."""
    match = _STOPPED.search(printed)
    return (_number(match[1]), _number(match[2])) if match else None


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


def verdict(met: bool | None) -> str:
    return "not measured" if met is None else "met" if met else "MISSED"


class Bench:
    """The benchmark's state: settings, work folder and the figures gathered so far."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.docs, self.small_docs = work / "corpus" / "docs", work / "docs-small"
        self.cache = work / "cache"
        self.out = work / "out"  #: the incremental runs' report folder
        self.verdicts: list[tuple[str, bool | None]] = []
        self.peaks: list[Measured] = []  #: every run whose memory the target covers
        self.floor = math.nan

    def generate(self) -> CorpusSummary:
        spec = CorpusSpec(self.args.documents, self.args.pmids, seed=self.args.seed)
        summary = write_corpus(self.work / "corpus", spec)
        print("corpus (benchmarks/corpus.py):")
        print("\n".join(f"  {line}" for line in summary.lines()))
        return summary

    def run(
        self,
        label: str,
        docs: Path,
        env: dict[str, str],
        *extra: str,
        out: Path | None = None,
        cache: Path | None = None,
    ) -> Measured:
        """``enrich run DOCS EXTRA`` into ``out`` (by default a fresh ``out-<label>``)."""
        out = out or self.work / f"out-{label}"
        command = [sys.executable, "-m", "enrich", "run", str(docs), *extra]
        command += ["--out", str(out), "--cache-dir", str(cache or self.cache)]
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
        self, cold: Measured, distinct: int, genes: int, server_cpu: float | None, what: str
    ) -> None:
        args = self.args
        gene_batches = math.ceil(genes / GENE_BATCH)
        batches = math.ceil(distinct / BATCH) + gene_batches
        floor = batches / KEY_RATE + args.latency + BATCH * args.per_record_latency
        self.floor = floor
        ratio = cold.wall / floor
        met = cold.ok and ratio <= COLD_TARGET
        print(f"cold run, {what}")
        print(f"  wall        {cold.wall:8.1f} s   exit {cold.code}   {cold.memory_text()}")
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
        self.record(f"cold run, {what}, <= {COLD_TARGET} x floor", met)
        self.peaks.append(cold)

    def report_bytes(self, out: Path, what: str) -> None:
        """Bytes per document of the per-document reports in ``out``, and of the whole set."""
        sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.is_file()}
        per_document = sum(v for k, v in sizes.items() if not run_file(k))
        total = sum(sizes.values())
        documents = self.args.documents
        print(
            f"  output      {what}: {per_document / documents / 1024:,.1f} KiB per document "
            f"in its own files; {total / 1e9:,.2f} GB in all ({total / documents / 1024:,.1f} "
            "KiB per document with the run's files)"
        )

    def no_change(self, label: str, what: str, env: dict[str, str], out: Path) -> Measured:
        """Run the same command into ``out`` again and report it as a no-change re-run."""
        before = mtimes(out)
        again = self.run(label, self.docs, env, out=out)
        after = mtimes(out)
        self.report_no_change(
            again,
            changed_files(before, after),
            len((before.keys() | after.keys()) - {STATE}),
            state_updated(before, after),
            what,
        )
        return again

    def report_no_change(
        self, again: Measured, rewritten: int, compared: int, state: bool, what: str
    ) -> None:
        network = again.network
        requests = network[0] if network else None
        met = again.ok and again.wall <= NO_CHANGE_TARGET and requests == 0 and rewritten == 0
        print(f"no-change re-run ({what})")
        print(
            f"  wall        {again.wall:8.1f} s   exit {again.code}   {again.memory_text()}   "
            f"{again.cpu_text()}"
        )
        noted = " (the state, no report, updated: it notes the cache's version)" if state else ""
        print(
            f"  requests    {requests}   report files rewritten {rewritten} (of {compared:,}, "
            f"their mtimes compared){noted}"
        )
        print(
            f"  target      <= {NO_CHANGE_TARGET:g} s, 0 requests, 0 files rewritten: "
            f"{verdict(met)}"
        )
        self.record(
            f"no-change re-run ({what}) <= {NO_CHANGE_TARGET:g} s, 0 requests, 0 files", met
        )
        self.peaks.append(again)

    def report_edit(
        self, edited: Measured, same_command: Measured, rewritten: set[str], name: str | None
    ) -> None:
        """Report the re-run after one document was edited: which reports it rewrote (only
        that document's: the target) and its cost beyond the no-change re-run."""
        print("after editing one document (a line added at its end)")
        print(
            f"  re-run      {edited.wall:8.1f} s   exit {edited.code}   {edited.memory_text()}   "
            f"{edited.cpu_text()}"
        )
        met = edited.ok and name is not None and rewritten == {name}
        print(
            f"  rewrote     {len(rewritten)} documents' reports (files with a new mtime); the "
            f"edited one among them: {name in rewritten}"
        )
        if edited.ok and same_command.ok:
            print(
                f"  cost        {edited.wall - same_command.wall:.1f} s more than the no-change "
                "re-run (the same command again): the corpus-wide files of a run that writes "
                "anything (index, audit.tsv, audit.db, bibliographies, state), not per document"
            )
        print(f"  target      only the edited document's reports rewritten: {verdict(met)}")
        self.record("after editing one document, only its reports rewritten", met)
        self.peaks.append(edited)

    def report_refresh(
        self,
        refresh: Measured,
        rerun: Measured,
        same_command: Measured,
        cache_changed: Measured,
        full: Measured,
        edited: Measured,
        citing: set[str],
        rewritten: set[str],
        claimed: int | None,
    ) -> None:
        """The refresh's verdicts; ``edited`` is the one-document edit's run, whose cost
        beyond ``same_command`` is printed as the fixed part of a run that writes."""
        documents = self.args.documents
        print(f"after a refresh that changed {CHANGED} records (new retractions)")
        print(
            f"  refresh     {refresh.wall:8.1f} s   exit {refresh.code}   "
            f"(enrich refresh --max-age 0s: every cached record fetched again)"
        )
        print(
            f"  re-run      {rerun.wall:8.1f} s   exit {rerun.code}   {rerun.memory_text()}   "
            f"{rerun.cpu_text()}"
        )
        print(
            f"  rewrote     {len(rewritten)} documents' reports (files with a new mtime; enrich "
            f"run says {claimed}); {len(citing)} documents cite the changed records "
            f"({len(citing) / documents:.1%} of the corpus); rewritten but citing none "
            f"{len(rewritten - citing)}, citing one but kept {len(citing - rewritten)}"
        )
        met = (rerun.ok and rewritten == citing) if citing else None
        print(f"  target      only the documents citing them rewritten: {verdict(met)}")
        self.record("after refreshing, only the documents citing changed records rewritten", met)
        proportional = None
        runs = (full, rerun, same_command, cache_changed, edited)
        claims, corpus_claims = claims_of(self.out / "audit.db", rewritten)
        if rewritten and claims and all(m.ok for m in runs):
            print(
                f"  work        the documents rewritten hold {claims:,} claims, "
                f"{claims / len(rewritten):.1f} each; the corpus {corpus_claims:,}, "
                f"{corpus_claims / documents:.1f} per document"
            )
            per_document, per_claim = full.wall / documents, full.wall / corpus_claims
            bases = ((same_command, "the same command again"), (cache_changed, "the cache changed"))
            for base, what in bases:
                extra = rerun.wall - base.wall
                print(
                    f"  cost        {extra:.1f} s more than the no-change re-run ({what}) = "
                    f"{extra / claims * 1000:.2f} ms per claim of the documents rewritten, "
                    f"--full {per_claim * 1000:.2f} (x{extra / claims / per_claim:.1f}); "
                    f"{extra / len(rewritten) * 1000:.1f} ms per document rewritten, --full "
                    f"{per_document * 1000:.1f} (x{extra / len(rewritten) / per_document:.1f})"
                )
                if base is cache_changed:
                    proportional = extra / claims <= PROPORTIONAL * per_claim
            fixed = edited.wall - same_command.wall
            print(
                f"  of which    about {fixed:.1f} s is the corpus-wide work of any run that "
                f"writes (the one-document edit's cost beyond the no-change run), not per "
                f"document; it is counted in the cost above"
            )
        elif rewritten and not claims:
            print("  work        the documents rewritten hold no claim by audit.db: not judged")
        print(
            f"  target      the cost beyond the no-change run by the same path (the cache "
            f"changed) <= {PROPORTIONAL:g} x --full's per claim of the documents rewritten "
            f"(time proportional to them, by their size): {verdict(proportional)}"
        )
        self.record("after refreshing, time proportional to the documents rewritten", proportional)
        self.peaks.append(rerun)

    def report_full(self, full: Measured) -> None:
        rate = self.args.documents / full.wall
        met = full.ok and rate >= WARM_TARGET
        network = full.network
        requests = f"{network[0]} requests, {network[1]} cache hits" if network else "no line"
        print("--full warm run (every document read, audited and rendered again)")
        print(f"  wall        {full.wall:8.1f} s   exit {full.code}   network: {requests}")
        print(
            f"  throughput  {rate:8.0f} documents/s   target >= {WARM_TARGET:.0f}: {verdict(met)}"
        )
        print(f"  {full.cpu_text()}   {full.memory_text()}")
        self.record(f"--full warm run >= {WARM_TARGET:.0f} documents/s", met)
        self.peaks.append(full)

    def report_memory(self, small: Measured, full: Measured, small_count: int) -> None:
        doc_ratio = self.args.documents / small_count
        rss_ratio = full.memory_mib / small.memory_mib if small.memory_mib else math.inf
        print(
            f"memory, --full warm {small_count:>6,} documents: {small.memory_text()} "
            f"({small.wall:.1f} s)"
        )
        print(f"                    {self.args.documents:>6,} documents: {full.memory_text()}")
        peak = max(self.peaks, key=lambda m: m.memory_mib)
        under = all(m.ok for m in self.peaks) and peak.memory_mib < MEMORY_TARGET_MIB
        sublinear = full.ok and small.ok and rss_ratio <= doc_ratio / 2
        print(
            f"  peak        {peak.memory_mib:8,.0f} MiB (of every run above: {peak.label})   "
            f"target < {MEMORY_TARGET_MIB:,.0f} MiB: {verdict(under)}"
        )
        print(
            f"  growth      x{rss_ratio:.2f} for x{doc_ratio:.0f} documents   "
            f"target <= x{doc_ratio / 2:.0f} (half linear): {verdict(sublinear)}"
        )
        self.record(f"peak memory of every run < {MEMORY_TARGET_MIB:,.0f} MiB", under)
        self.record("memory grows clearly less than linearly", sublinear)

    def report_server(
        self, printed: str, runs: Sequence[Measured], what: str, target_zero: bool = False
    ) -> None:
        """The server's own count of requests over one of its lifetimes, beside the claims
        of the runs' ``network`` lines; with ``target_zero``, a verdict on it being 0."""
        counted = server_count(printed)
        claims = [run.network[0] for run in runs if run.network]
        claimed = f"{sum(claims)}" if len(claims) == len(runs) else f"{sum(claims)} + unknown"
        if counted is None:
            print(f"server      no count printed by the server for {what}")
        else:
            print(
                f"server      its own count for {what}: {counted[0]} requests, {counted[1]} "
                f"answered 429; their network lines claim {claimed} requests"
            )
        if target_zero:
            met = None if counted is None else counted[0] == 0
            print(f"  target      0 requests by the server's count: {verdict(met)}")
            self.record(f"{what}: 0 requests by the server's own count", met)

    def print_verdicts(self) -> None:
        for name, met in self.verdicts:
            print(f"verdict  {name}: {'not measured' if met is None else verdict(met)}")


def run_file(name: str) -> bool:
    """Whether a file of a run's folder is one of the run's files, not a document's report."""
    return name.startswith(("index.", "audit.", "references.", "."))


def documents_rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The documents (their reports' names less the suffix) with a report file written (new
    or a new mtime) or removed between two :func:`mtimes`: measured on the folder, not
    taken from enrich's own account."""
    written = {name for name, mtime in after.items() if before.get(name) != mtime}
    touched = written | (before.keys() - after.keys())
    return {report_name(name) for name in touched if not run_file(name)}


def report_name(file_name: str) -> str:
    """A document's reports' name: a report file's name less its format's suffix."""
    return file_name.rsplit(".", 1)[0]


def audit_rows(audit_db: Path, query: str, parameters: Sequence[str] = ()) -> list[Any]:
    """The rows ``query`` finds in a run's audit.db, opened read-only (none made when
    absent: sqlite3.OperationalError)."""
    uri = f"{audit_db.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        return db.execute(query, parameters).fetchall()


def mtimes(folder: Path) -> dict[str, int]:
    """Every file's mtime (ns) in ``folder``."""
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def changed_files(before: dict[str, int], after: dict[str, int]) -> int:
    """Report files written (new or a new mtime) or removed between two :func:`mtimes`:
    every file of the folder but the run's state (see :func:`state_updated`)."""
    written = {name for name, mtime in after.items() if before.get(name) != mtime}
    return len((written | (before.keys() - after.keys())) - {STATE})


def state_updated(before: dict[str, int], after: dict[str, int]) -> bool:
    """Whether the run's state (``.enrich-state.sqlite``, no report) was written."""
    return before.get(STATE) != after.get(STATE)


def unrelated_cache_change(cache_dir: Path) -> None:
    """Change the cache as another corpus's run sharing it would: a not-found answer for a
    PMID no document cites.  The cache's version changes; its change log shows the change
    touches none of the entries the set's answers come from."""
    with CitationCache(cache_dir) as cache:
        cache.put_missing("1")  # the corpus cites PMIDs of 1,000,000 and above


def renew_cited_record(cache_dir: Path, records: Path, pmid: str) -> None:
    """Remove the cached record of ``pmid``, which the corpus cites, and store it again as
    it was (the same record, first fetched when it was, from the same server): its answer
    is the same, but the cache's log names its entries as changed, so the next run cannot
    prove from its state that nothing changed.  It looks at the cache (reading that record
    again, knowing the others unchanged from the log) and fingerprints every document, and
    finds nothing changed: what a run after a refresh does besides rendering."""
    xml = _articles(records)[pmid].encode("utf-8")
    with CitationCache(cache_dir) as cache:
        cached = cache.get_record(pmid)
        if cached is None:
            raise RuntimeError(f"PMID {pmid} is not in the cache")
        cache.drop_record(pmid)
        cache.put_records([(parse_record(xml), xml)], cached.fetched_at, test_data=cached.test_data)


def cited_pmid(audit_db: Path) -> str:
    """A PMID a run's documents cite and that resolved to its own record."""
    query = "SELECT paper FROM citations WHERE paper = pmid ORDER BY paper LIMIT 1"
    return str(audit_rows(audit_db, query)[0][0])


def _articles(records: Path) -> dict[str, str]:
    """The ``PubmedArticle`` elements of the record files in ``records``, by PMID."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(records.glob("records-*.xml")))
    articles = re.findall(r"<PubmedArticle>.*?</PubmedArticle>", text, flags=re.S)
    return {re.search(r"<PMID[^>]*>(\d+)</PMID>", a)[1]: a for a in articles}  # type: ignore[index]


def edit_one(docs: Path) -> Path:
    """Add an empty line at the end of the first document of ``docs`` (in its own line
    ending): its bytes change, what it says does not; return its path."""
    first = min(path for path in docs.rglob("*") if path.is_file())
    data = first.read_bytes()
    first.write_bytes(data + (b"\r\n" if b"\r\n" in data else b"\n"))
    return first


def report_of(audit_db: Path, document: Path) -> str | None:
    """The reports' name (less the suffix) of ``document`` in a run's audit.db, as
    :func:`documents_rewritten` gives it."""
    query = "SELECT report FROM documents WHERE document = ?"
    rows = audit_rows(audit_db, query, [str(document)])
    return report_name(rows[0][0]) if rows else None


def retract(records: Path, rng: random.Random, count: int) -> list[str]:
    """Write ``records/zz-changed.xml``: ``count`` long-tail records of ``records`` (no
    database paper, none retracted already, so each one's status really changes), now
    retracted; the server reads it last, so its versions win."""
    by_pmid = _articles(records)
    retracted = {pmid for pmid, article in by_pmid.items() if "Retracted Publication" in article}
    chosen = rng.sample(sorted(set(by_pmid) - set(DATABASE_PMIDS) - retracted), count)
    changed = [
        by_pmid[pmid]
        .replace(
            "<PublicationTypeList>",
            '<PublicationTypeList><PublicationType UI="D016441">Retracted Publication'
            "</PublicationType>",
            1,
        )
        .encode("utf-8")
        for pmid in chosen
    ]
    (records / "zz-changed.xml").write_bytes(record_set(changed))
    return chosen


def claims_of(audit_db: Path, reports: set[str]) -> tuple[int, int]:
    """The claims of the documents whose reports (less the suffix) are ``reports``, and of
    every document, by a run's audit.db; (0, 0) without one."""
    query = "SELECT report, claims FROM documents"
    if not audit_db.is_file():
        return 0, 0
    counts = {report_name(report): claims for report, claims in audit_rows(audit_db, query)}
    return sum(counts.get(name, 0) for name in reports), sum(counts.values())


def documents_citing(audit_db: Path, pmids: Sequence[str]) -> set[str]:
    """The documents of a run (their reports' names less the suffix, as
    :func:`documents_rewritten` gives them) citing one of ``pmids`` (as a PMID, or a DOI
    resolving to it)."""
    marks = ", ".join("?" * len(pmids))
    query = (
        "SELECT DISTINCT documents.report FROM citations "  # noqa: S608
        "JOIN documents ON documents.document = citations.document "
        f"WHERE citations.paper IN ({marks}) OR citations.pmid IN ({marks})"
    )
    return {report_name(row[0]) for row in audit_rows(audit_db, query, [*pmids, *pmids])}


_REWRITTEN = re.compile(r"\(([\d,]+) of ([\d,]+) documents' reports rewritten")


def rewritten_count(run: Measured) -> int | None:
    """How many documents' reports ``enrich run`` says it rewrote (all, when it kept none)."""
    match = _REWRITTEN.search(run.stdout)
    if match:
        return _number(match[1])
    if "nothing changed" in run.stdout:
        return 0
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"command: {reproduce_command(args)}")
    print(f"machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="enrich-bench-scale-"))
    bench = Bench(args, work)
    records = work / "corpus" / "records"
    try:
        summary = bench.generate()
        small_count = link_first(bench.docs, bench.small_docs, args.small)
        server, url, held = start_server(
            records, args.latency, args.per_record_latency, work / "server.log"
        )
        print(f"server: {held:,} records at {url} (3 requests/s, {KEY_RATE} with a key)")
        env, out = enrich_env(url), bench.out
        try:
            before = process_cpu(server.pid)
            every = bench.run(
                "cold-every-format", bench.docs, env, "--formats", "html,json,md",
                cache=work / "cache-every-format",
            )  # fmt: skip
            after = process_cpu(server.pid)
            served = after - before if before is not None and after is not None else None
            bench.report_cold(
                every, summary.distinct_pmids, summary.genes, served, "every format (html,json,md)"
            )
            bench.report_bytes(work / "out-cold-every-format", "every format")
            shutil.rmtree(work / "out-cold-every-format")
            shutil.rmtree(work / "cache-every-format")
            before = process_cpu(server.pid)
            cold = bench.run("cold", bench.docs, env, out=out)
            after = process_cpu(server.pid)
            served = after - before if before is not None and after is not None else None
            bench.report_cold(
                cold, summary.distinct_pmids, summary.genes, served, "default outputs (html,json)"
            )
            bench.report_bytes(out, "default outputs")
        finally:
            printed = stop_server(server)
        bench.report_server(printed, [every, cold], "the two cold runs")
        port = int(url.rstrip("/").rsplit(":", 1)[1].split("/")[0])
        server, url, _ = start_server(
            records, args.latency, args.per_record_latency, work / "server2.log", port=port
        )
        try:
            again = bench.no_change("no-change", "the same command again", env, out)
            unrelated_cache_change(bench.cache)
            what = "after a cache change that touches no cited record"
            elsewhere = bench.no_change("no-change-cache-changed", what, env, out)
            renew_cited_record(bench.cache, records, cited_pmid(out / "audit.db"))
            what = "after a cited record was stored again as it was, so that the run looks"
            looked = bench.no_change("no-change-record-renewed", what, env, out)
            edited = edit_one(bench.docs)
            name = report_of(out / "audit.db", edited)
            before_edit = mtimes(out)
            one = bench.run("one-edited", bench.docs, env, out=out)
            bench.report_edit(one, again, documents_rewritten(before_edit, mtimes(out)), name)
            changed = retract(records, random.Random(args.seed), CHANGED)
            citing = documents_citing(out / "audit.db", changed)
        finally:
            printed = stop_server(server)
        bench.report_server(
            printed, [again, elsewhere, looked, one], "the no-change re-runs and the edit's", True
        )
        server, url, _ = start_server(
            records, args.latency, args.per_record_latency, work / "server3.log", port=port
        )
        try:
            refresh = measure(
                "refresh",
                [sys.executable, "-m", "enrich", "refresh", "--max-age", "0s", "--out",
                 str(work / "refreshed"), "--cache-dir", str(bench.cache)],
                env, work, args.timeout,
            )  # fmt: skip
            before_rerun = mtimes(out)
            rerun = bench.run("after-refresh", bench.docs, env, out=out)
            rewritten = documents_rewritten(before_rerun, mtimes(out))
            full = bench.run("full", bench.docs, env, "--full", out=out)
            bench.report_refresh(
                refresh, rerun, again, looked, full, one, citing, rewritten, rewritten_count(rerun)
            )
            bench.report_full(full)
            small = bench.run("small", bench.small_docs, env, "--full")
            bench.report_memory(small, full, small_count)
        finally:
            printed = stop_server(server)
        bench.report_server(
            printed, [refresh, rerun, full, small], "the refresh and the runs after it"
        )
        bench.print_verdicts()
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
