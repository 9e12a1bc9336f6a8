"""Extraction throughput on generated TFLink pages shaped like the TWIST1 example.

Run:  python tests/bench_extract.py [--pages 2000] [--seed 1]
Target (issue #2): at least 2,000 example-sized style-A pages per second on one core.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from enrich.extract import iter_documents, parse_document
from tests.corpus import GENERATIONS, tflink_page


def best_of(runs: int, func: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pages = [tflink_page(rng, generation=GENERATIONS[i % 4]) for i in range(args.pages)]
    size = sum(len(p) for p in pages) / len(pages)
    claims = sum(len(parse_document("p.md", p).claims) for p in pages)
    print(f"command: python tests/bench_extract.py --pages {args.pages} --seed {args.seed}")
    print(f"pages: {len(pages)} (4 format generations), mean {size / 1000:.1f} kB, {claims} edges")

    in_memory = best_of(3, lambda: [parse_document("p.md", p) for p in pages])
    with tempfile.TemporaryDirectory() as folder:
        for i, page in enumerate(pages):
            (Path(folder) / f"p{i:05d}.md").write_text(page)
        from_disk = best_of(3, lambda: list(iter_documents([Path(folder)])))
    target = 2000
    for label, seconds in (("parse (in memory)", in_memory), ("read + parse (files)", from_disk)):
        rate = len(pages) / seconds
        verdict = "met" if rate >= target else "MISSED"
        print(
            f"{label:<22} {rate:8,.0f} pages/s  ({rate / target:.2f}x target {target}: {verdict})"
        )


if __name__ == "__main__":
    main()
