"""Extraction throughput on generated TFLink pages shaped like the TWIST1 example.

Run:  python benchmarks/bench_extract.py [--pages 2000] [--seed 1]
Target (issue #2): at least 2,000 example-sized style-A pages per second on one core.

Each figure is the best of three runs over the same pages, each run starting with the
reader's shared caches (one Citation per PMID, the citations of recent evidence terms,
source lists, row names) cleared (``tflink.clear_caches``), as a single pass over a corpus
starts.  "streamed" drops each Document once read, as ``enrich run``'s two passes do;
"kept" keeps them all, as ``enrich extract`` and ``enrich audit`` do, and so pays the
cyclic garbage collector for a growing heap (its share of the time is shown).  The real
pages (the TWIST1 example and the TFLink pages of ../shared/corpus/tflink, where present),
each parsed over and over with warm caches, are informative only.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import GENERATIONS, tflink_page  # noqa: E402
from enrich.extract import iter_documents, parse_document  # noqa: E402
from enrich.extract.tflink import clear_caches  # noqa: E402

TARGET = 2000
TWIST1 = ROOT / "examples" / "tflink_protein_Q15672_TWIST1.md"
SHARED_TFLINK = ROOT.parent / "shared" / "corpus" / "tflink"


class GcTimer:
    """Seconds spent in cyclic garbage collections while it is installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start


def best_of(runs: int, func: Callable[[], object], *, cold: bool) -> tuple[float, float]:
    """The fastest of ``runs`` calls, as (seconds, of which in garbage collection)."""
    results = []
    timer = GcTimer()
    gc.callbacks.append(timer)
    try:
        for _ in range(runs):
            if cold:
                clear_caches()
            timer.seconds = 0.0
            start = time.perf_counter()
            func()
            results.append((time.perf_counter() - start, timer.seconds))
    finally:
        gc.callbacks.remove(timer)
    return min(results)


def _text(path: Path) -> str:
    """A page as the reader gets it (line ends kept)."""
    return path.read_bytes().decode("utf-8-sig")


def report(label: str, pages: int, seconds: float, gc_seconds: float, target: bool) -> None:
    rate = pages / seconds
    line = f"{label:<32} {rate:8,.0f} pages/s  (GC {gc_seconds / seconds:4.0%})"
    if target:
        verdict = "met" if rate >= TARGET else "MISSED"
        line += f"  {rate / TARGET:.2f}x target {TARGET}: {verdict}"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pages = [tflink_page(rng, generation=GENERATIONS[i % 4]) for i in range(args.pages)]
    size = sum(len(p) for p in pages) / len(pages)
    claims = sum(len(parse_document("p.md", p).claims) for p in pages)
    print(f"command: python benchmarks/bench_extract.py --pages {args.pages} --seed {args.seed}")
    print(f"pages: {len(pages)} (4 format generations), mean {size / 1000:.1f} kB, {claims} edges")

    def streamed(texts: list[str]) -> None:
        for text in texts:
            parse_document("p.md", text)

    def kept(texts: list[str]) -> object:
        return [parse_document("p.md", text) for text in texts]

    with tempfile.TemporaryDirectory() as folder:
        for i, page in enumerate(pages):
            (Path(folder) / f"p{i:05d}.md").write_text(page)

        def streamed_files() -> None:
            for _ in iter_documents([Path(folder)]):
                pass

        def kept_files() -> object:
            return list(iter_documents([Path(folder)]))

        for label, func in (
            ("parse (in memory), streamed", lambda: streamed(pages)),
            ("parse (in memory), kept", lambda: kept(pages)),
            ("read + parse (files), streamed", streamed_files),
            ("read + parse (files), kept", kept_files),
        ):
            report(label, len(pages), *best_of(3, func, cold=True), target=True)

    real = [("TWIST1 example", [_text(TWIST1)])]
    shared = sorted(SHARED_TFLINK.glob("*.md"))
    if shared:
        real.append((f"../shared/corpus/tflink ({len(shared)})", [_text(p) for p in shared]))
    for label, texts in real:
        repeated = [texts[i % len(texts)] for i in range(args.pages)]
        seconds, gc_seconds = best_of(3, lambda r=repeated: kept(r), cold=False)
        report(label, len(repeated), seconds, gc_seconds, target=False)


if __name__ == "__main__":
    main()
