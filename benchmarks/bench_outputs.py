"""Output benchmark: what each per-document output costs, in CPU and bytes per document, and
what share of a warm ``enrich run`` it is; this checkout beside an earlier revision.

A script, not a test: it prints figures and the command that reproduces them.

Run:    python benchmarks/bench_outputs.py [--documents 2000] [--pmids 5000] [--seed 1]
                                           [--before REV] [--keep]
Compare with the revision before leaner outputs:
        python benchmarks/bench_outputs.py --before 761d947

1. generates the corpus of benchmarks/corpus.py into a temporary folder and resolves it
   once with ``enrich run`` against ``python -m enrich.testing serve`` (fast, no latency),
   filling a cache; everything after is offline, from that cache;
2. per checkout (this one, and ``--before REV`` exported with ``git archive``), in a
   process of its own importing that checkout's ``enrich``: audits every document
   (``enrich_documents``, offline), then renders each per-document output of each document
   and writes it into a fresh folder as that checkout writes a run's staged files,
   timing the CPU of each (``time.process_time``: user and system) and counting bytes;
3. per checkout, a warm ``enrich run`` of the whole corpus (its default outputs; this
   checkout also with every format), timing the CPU of its process tree; the outputs'
   share of it is their per-document CPU times the documents over that.

Steps 2 and 3 are repeated ``--rounds`` times, the checkouts alternated, and the least
figure of each kept: the machine's other work only ever adds to a figure.

``html`` of this checkout is the page around the JSON rendered just before (a run renders
the JSON once for both files; with ``--formats html`` alone it costs ``json`` + ``html``).
``audit.tsv`` is the document's lines of the run-level file, written whatever the formats
(its writing is the run's, not measured here).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

# Appended, not put first: the measuring process imports the ``enrich`` of the checkout
# under test, which its PYTHONPATH puts first.
sys.path.append(str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_scale import enrich_env, machine, measure, start_server, stop_server
from benchmarks.corpus import CorpusSpec, write_corpus

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("html", "json", "md")
ROWS = ("json", "html", "md", "audit.tsv")  #: in the order rendered: the HTML given the JSON


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--pmids", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before", metavar="REV", help="a git revision to measure beside this")
    parser.add_argument(
        "--rounds", type=int, default=3, help="measurements of each, alternated; the least kept"
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--measure", nargs=3, metavar=("DOCS", "CACHE", "RESULT"), help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


# --- in the measuring process: the checkout under test is the ``enrich`` imported ---------


def _renderers() -> dict[str, Any]:
    """This checkout's renderer of each output, and its writer of a staged file."""
    from enrich.report import files, json_document, markdown
    from enrich.report.tables import claim_rows, tsv_line

    def tsv(doc: Any, data: str) -> str:
        return "".join(tsv_line(row) for row in claim_rows(doc))

    found: dict[str, Any] = {
        "json": lambda doc, data: json_document.document_json(doc),
        "md": lambda doc, data: markdown.render_markdown(doc),
        "audit.tsv": tsv,
    }
    try:  # leaner outputs: the HTML is a page around the document's JSON
        from enrich.report import viewer

        found["html"] = viewer.render_html
    except ImportError:  # before: the HTML rendered in Python
        from enrich.report import html

        found["html"] = lambda doc, data: html.render_html(doc)
    # before, staged files were written as every file: through a temporary file and a rename
    found["write"] = getattr(files, "write_new_text", None) or files.atomic_write_text
    return found


def measure_outputs(docs: Path, cache: Path, result: Path) -> None:
    """Audit every document of ``docs`` offline, render and write each output, and save the
    CPU seconds and bytes of each in ``result`` (JSON)."""
    from enrich import enrich_documents, read_documents
    from enrich.audit import AuditSettings
    from enrich.entrez import EutilsSettings

    start = time.process_time()
    documents = read_documents([docs])
    run = enrich_documents(
        documents, cache_dir=cache, eutils=EutilsSettings(), audit=AuditSettings(), offline=True
    )
    audit_cpu = time.process_time() - start
    renderers = _renderers()
    write = renderers.pop("write")
    render_cpu = dict.fromkeys(ROWS, 0.0)
    write_cpu = dict.fromkeys(ROWS, 0.0)
    size = dict.fromkeys(ROWS, 0)
    out = Path(tempfile.mkdtemp(prefix="outputs-", dir=result.parent))
    clock = time.process_time
    for number, doc in enumerate(run.documents):
        data = ""
        for row in ROWS:
            began = clock()
            text = renderers[row](doc, data)
            rendered = clock()
            data = text if row == "json" else data
            if row != "audit.tsv":
                write(out / f"{number}.{row}", text)
            render_cpu[row] += rendered - began
            write_cpu[row] += clock() - rendered
            size[row] += len(text.encode("utf-8"))
    shutil.rmtree(out, ignore_errors=True)
    count = len(run.documents)
    import enrich

    figures = {
        "enrich": enrich.__file__,
        "documents": count,
        "audit_cpu": audit_cpu,
        "render_ms": {row: 1000 * render_cpu[row] / count for row in ROWS},
        "write_ms": {row: 1000 * write_cpu[row] / count for row in ROWS},
        "kib": {row: size[row] / 1024 / count for row in ROWS},
    }
    result.write_text(json.dumps(figures), encoding="utf-8")


# --- in the benchmark's own process ----------------------------------------------------------


def export_revision(revision: str, dest: Path) -> Path:
    """The files of ``revision`` of this repository, extracted into ``dest``."""
    archive = dest.with_suffix(".tar")
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", revision], cwd=ROOT, stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    archive.unlink()
    return dest


def checkout_env(checkout: Path, env: dict[str, str]) -> dict[str, str]:
    """``env`` with ``checkout``'s ``enrich`` first on the import path."""
    return {**env, "PYTHONPATH": str(checkout)}


class Bench:
    """The benchmark's folders and the figures gathered so far."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.docs, self.cache = work / "corpus" / "docs", work / "cache"

    def prepare(self) -> None:
        """Generate the corpus and resolve it once into the cache (with this checkout)."""
        spec = CorpusSpec(self.args.documents, self.args.pmids, seed=self.args.seed)
        summary = write_corpus(self.work / "corpus", spec)
        print("corpus (benchmarks/corpus.py):")
        print("\n".join(f"  {line}" for line in summary.lines()))
        server, url, _ = start_server(self.work / "corpus" / "records", 0.0, 0.0, self.work / "log")
        try:
            filled = self.enrich_run("fill", ROOT, enrich_env(url))
        finally:
            stop_server(server)
        if filled.code not in (0, 3):
            raise SystemExit(f"the run filling the cache exited {filled.code}: {filled.stderr}")

    def enrich_run(self, label: str, checkout: Path, env: dict[str, str], *extra: str) -> Any:
        """``enrich run`` of the corpus with ``checkout``'s code, into a fresh folder."""
        out = self.work / f"out-{label}"
        command = [sys.executable, "-m", "enrich", "run", str(self.docs), "--out", str(out)]
        command += ["--cache-dir", str(self.cache), *extra]
        measured = measure(
            label, command, checkout_env(checkout, env), self.work, self.args.timeout
        )
        shutil.rmtree(out, ignore_errors=True)
        return measured

    def outputs(self, label: str, checkout: Path) -> dict[str, Any]:
        """The per-output figures of ``checkout`` (measured in a process of its own)."""
        result = self.work / f"{label}.outputs.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--measure"]
        command += [str(self.docs), str(self.cache), str(result)]
        env = checkout_env(checkout, dict(os.environ))
        if hasattr(os, "sync"):  # pending writeback of the last measurement is not billed here
            os.sync()
        subprocess.run(command, env=env, cwd=self.work, check=True)
        figures: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return figures

    def warm(self, label: str, checkout: Path, *extra: str) -> tuple[float, float]:
        """(CPU seconds, wall seconds) of a warm, offline ``enrich run`` with ``checkout``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ENRICH_", "NCBI_"))}
        measured = self.enrich_run(label, checkout, {**env, "CI": "true"}, "--offline", *extra)
        if measured.code not in (0, 3) or measured.cpu is None:
            raise SystemExit(f"the warm run {label} exited {measured.code}: {measured.stderr}")
        return measured.cpu, measured.wall


def least(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The least CPU of each output over ``runs`` of one checkout (bytes do not vary)."""
    best = dict(runs[0])
    for key in ("render_ms", "write_ms"):
        best[key] = {row: min(run[key][row] for run in runs) for row in ROWS}
    return best


def print_outputs(figures: dict[str, dict[str, Any]]) -> None:
    """The table of CPU and bytes per document per output, one column group per checkout."""
    labels = list(figures)
    head = "".join(f"{label:>34}" for label in labels)
    print(f"\nper document{head}")
    print(f"{'':12}" + "".join(f"{'render ms':>12}{'write ms':>10}{'KiB':>12}" for _ in labels))
    for row in ROWS:
        cells = "".join(
            f"{f['render_ms'][row]:12.3f}{f['write_ms'][row]:10.3f}{f['kib'][row]:12.1f}"
            for f in figures.values()
        )
        print(f"{row:12}{cells}")


def share_line(
    label: str, figures: dict[str, Any], rows: tuple[str, ...], run: tuple[float, float]
) -> str:
    """What the outputs ``rows`` cost per document, in all, and as a share of the run."""
    cpu, wall = run
    count = figures["documents"]
    render = sum(figures["render_ms"][row] for row in rows)
    write = sum(figures["write_ms"][row] for row in rows)
    kib = sum(figures["kib"][row] for row in rows if row != "audit.tsv")
    outputs = (render + write) * count / 1000
    return (
        f"{label:<32} {' + '.join(rows):<26} {render:6.3f} + {write:6.3f} ms, {kib:6.1f} KiB/doc; "
        f"warm run cpu {cpu:6.1f} s, wall {wall:5.1f} s ({count / wall:4.0f} docs/s): "
        f"outputs {outputs:5.1f} s = {100 * outputs / cpu:4.1f} %"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        docs, cache, result = (Path(p) for p in args.measure)
        measure_outputs(docs, cache, result)
        return 0
    before = f" --before {args.before}" if args.before else ""
    print(
        f"command: python benchmarks/bench_outputs.py --documents {args.documents} "
        f"--pmids {args.pmids} --seed {args.seed} --rounds {args.rounds}{before}"
    )
    print(f"machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="enrich-bench-outputs-"))
    bench = Bench(args, work)
    try:
        bench.prepare()
        checkouts = {"this checkout": ROOT}
        if args.before:
            checkouts = {f"before ({args.before})": export_revision(args.before, work / "before")}
            checkouts["this checkout"] = ROOT
        runs: dict[str, list[dict[str, Any]]] = {label: [] for label in checkouts}
        for _ in range(args.rounds):
            for label, path in checkouts.items():
                runs[label].append(bench.outputs(label, path))
        figures = {label: least(measured) for label, measured in runs.items()}
        for label, own in figures.items():
            print(f"{label}: {own['enrich']}")
        print_outputs(figures)
        print(f"\nwarm enrich run (offline, every citation cached; least of {args.rounds}) and")
        print("its outputs' share of its CPU (a run renders the JSON once for both files):")
        # (label, checkout, extra options, the outputs the run writes)
        warm = [(label, path, (), ROWS) for label, path in checkouts.items() if path != ROOT]
        warm.append(("this checkout", ROOT, (), ("json", "html", "audit.tsv")))
        warm.append(("this checkout", ROOT, ("--formats", "html,json,md"), ROWS))
        timed: list[list[tuple[float, float]]] = [[] for _ in warm]
        for _ in range(args.rounds):
            for index, (_, path, extra, _) in enumerate(warm):
                timed[index].append(bench.warm(f"warm-{index}", path, *extra))
        for (label, _, _, rows), times in zip(warm, timed, strict=True):
            cpu, wall = min(cpu for cpu, _ in times), min(wall for _, wall in times)
            print(share_line(label, figures[label], rows, (cpu, wall)))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
