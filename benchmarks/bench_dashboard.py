"""Run-wide outputs at scale: index.html's size and load time in headless Chromium, audit.db's
size, and ``enrich audit``'s memory, on a generated corpus against the local E-utilities server.

A script, not a test: it prints figures, each beside its target, and a verdict per target.

Run:    python benchmarks/bench_dashboard.py [--documents 20000] [--pmids 50000] [--seed 1]
                                             [--work DIR] [--loads 3] [--timeout 900]

1. generates the corpus of benchmarks/corpus.py into ``--work`` (a temporary folder unless
   given; a corpus already there is reused, and so is its cache);
2. starts ``python -m enrich.testing serve`` on its records (as bench_scale.py does: NCBI's
   API-key pace, 0.3 s + 1 ms/record latency);
3. ``enrich run DOCS --out OUT --cache-dir CACHE`` (cold the first time, warm after), measured
   like bench_scale.py (wall time, the process tree's summed PSS, CPU);
4. index.html, audit.db and audit.tsv sizes; index.html opened ``--loads`` times in headless
   Chromium (Debian's ``chromium``, through Playwright) from the file, each in a fresh page:
   the median time to DOMContentLoaded and to the load event (report.js has run by then:
   it is the page's last element), and to sort the regulators table by a click;
5. ``enrich audit DOCS --cache-dir CACHE`` (warm: the table of C and D claims, to a file),
   measured the same way.

Targets: index.html loads in under 3 s and weighs under 30 MB at 20,000 documents;
``enrich audit``'s peak memory (tree PSS) under 1 GiB.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_scale import (
    Measured,
    enrich_env,
    machine,
    measure,
    start_server,
    stop_server,
    verdict,
)
from benchmarks.corpus import CorpusSpec, write_corpus

LOAD_TARGET = 3.0  #: seconds to the load event
SIZE_TARGET_MB = 30.0
MEMORY_TARGET_MIB = 1024.0
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--pmids", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="folder to keep the corpus and cache in")
    parser.add_argument("--loads", type=int, default=3, help="times index.html is opened")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per run")
    return parser.parse_args(argv)


def load_times(index: Path, loads: int) -> tuple[float, float, float]:
    """Median seconds to DOMContentLoaded, to the load event and to sort the regulators table,
    each of ``loads`` opening of ``index`` in a fresh headless Chromium page."""
    from playwright.sync_api import sync_playwright

    executable = next(filter(None, map(shutil.which, CHROMIUM)), None)
    if executable is None:
        raise SystemExit(f"no Chromium on PATH (looked for {', '.join(CHROMIUM)})")
    ready, loaded, sorted_ = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(index.as_uri(), wait_until="load", timeout=120_000)
            timing: dict[str, Any] = page.evaluate(
                "() => performance.getEntriesByType('navigation')[0].toJSON()"
            )
            ready.append(timing["domContentLoadedEventEnd"] / 1000)
            loaded.append(timing["loadEventEnd"] / 1000)
            start = time.perf_counter()
            page.locator("#regulators-table thead th").nth(1).click()
            page.wait_for_function(
                "() => document.querySelector('#regulators-table thead th[aria-sort]')"
            )
            sorted_.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return statistics.median(ready), statistics.median(loaded), statistics.median(sorted_)


def report(label: str, run: Measured) -> None:
    print(
        f"{label:<14}{run.wall:8.1f} s   exit {run.code}   {run.memory_text()}   {run.cpu_text()}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"command: python benchmarks/bench_dashboard.py --documents {args.documents} "
        f"--pmids {args.pmids} --seed {args.seed} --loads {args.loads}"
    )
    print(f"machine: {machine()}")
    work = args.work or Path(tempfile.mkdtemp(prefix="enrich-bench-dashboard-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, cache, out = work / "corpus", work / "cache", work / "out"
    verdicts: list[tuple[str, bool]] = []
    try:
        if not (corpus / "corpus.json").exists():
            spec = CorpusSpec(args.documents, args.pmids, seed=args.seed)
            print("corpus:", *write_corpus(corpus, spec).lines(), sep="\n  ")
        warm = cache.exists()
        server, url, _ = start_server(corpus / "records", 0.3, 0.001, work / "server.log")
        try:
            env = enrich_env(url)
            shutil.rmtree(out, ignore_errors=True)
            command = [sys.executable, "-m", "enrich", "run", str(corpus / "docs")]
            command += ["--out", str(out), "--cache-dir", str(cache)]
            run = measure("run", command, env, work, args.timeout)
            report("enrich run" + (" (warm)" if warm else " (cold)"), run)
            audit_command = [sys.executable, "-m", "enrich", "audit", str(corpus / "docs")]
            audit = measure(
                "audit", [*audit_command, "--cache-dir", str(cache)], env, work, args.timeout
            )
        finally:
            stop_server(server)
        report("enrich audit", audit)
        listed = next((line for line in audit.stdout.splitlines() if line.startswith("listed")), "")
        print(f"  {' '.join(listed.split())}; its output {len(audit.stdout) / 1e6:.1f} MB")
        sizes = {
            name: (out / name).stat().st_size / 1e6
            for name in ("index.html", "audit.db", "audit.tsv")
        }
        print(
            "sizes         " + ", ".join(f"{name} {size:,.1f} MB" for name, size in sizes.items())
        )
        ready, loaded, sorting = load_times(out / "index.html", args.loads)
        print(
            f"index.html    DOMContentLoaded {ready:.2f} s, load {loaded:.2f} s, sorting the "
            f"regulators {sorting:.2f} s (median of {args.loads} loads in headless Chromium)"
        )
        verdicts += [
            (f"index.html loads in < {LOAD_TARGET:g} s", loaded < LOAD_TARGET),
            (f"index.html < {SIZE_TARGET_MB:g} MB", sizes["index.html"] < SIZE_TARGET_MB),
            (
                f"enrich audit peak memory < {MEMORY_TARGET_MIB:,.0f} MiB",
                audit.code == 0 and audit.memory_mib < MEMORY_TARGET_MIB,
            ),
        ]
        for name, met in verdicts:
            print(f"verdict  {name}: {verdict(met)}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
