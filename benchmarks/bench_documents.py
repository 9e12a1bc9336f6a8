"""Peak memory and time of reading one hostile document, each in a fresh process.

Prints, per document, its size, the peak RSS added by reading it and the ratio, and the
seconds taken.  The bound stated in README (Reliability): at most about 2x the size for
text, and about 160 MiB for a document at the item limit.

    python benchmarks/bench_documents.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROW = "  EZH2,Q15910,2146,ReMap;TRRUST,ChIP-seq,{}%5Buid%5D+OR+{}%5Buid%5D,No\n"
# VmHWM, not ru_maxrss: Linux folds the parent's high-water mark into a child's ru_maxrss
# at exec, and this script holds the large texts it made.
MEASURE = """
import re, sys, time
from pathlib import Path
from enrich.extract import read_document
def hwm():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+)", status)[1])
before = hwm()
started = time.monotonic()
document = read_document(Path(sys.argv[1]))
seconds = time.monotonic() - started
peak = hwm() - before
print(peak, seconds, len(document.claims) + len(document.citations), len(document.problems))
"""


def _documents(folder: Path) -> list[Path]:
    """Documents just under the size limit or at the item limit, of every style."""
    made = {
        "60 MiB text of unique PMIDs": "".join(f"PMID: {10**7 + n}\n" for n in range(4_200_000)),
        "60 MiB of prose": "TWIST1 binds the E-box of many genes.\n" * 1_700_000,
        "60 MiB TFLink page (528k rows)": "---\nprotein_name: TWIST1\ntfs: |-\n"
        + "".join(ROW.format(2 * 10**7 + n, 3 * 10**7 + n) for n in range(528_000))
        + "---\n",
        "TFLink page at the item limit": "---\nprotein_name: TWIST1\ntfs: |-\n"
        + "".join(ROW.format(2 * 10**7 + n, 3 * 10**7 + n) for n in range(99_990))
        + "---\n",
        "text at the item limit": "".join(f"PMID: {10**7 + n}\n" for n in range(100_000)),
    }
    paths = []
    for number, (label, text) in enumerate(made.items()):
        path = folder / f"doc{number}.md"
        path.write_text(text, encoding="utf-8")
        paths.append((label, path))
    return paths  # type: ignore[return-value]


def main() -> None:
    print("python benchmarks/bench_documents.py")
    with tempfile.TemporaryDirectory() as folder:
        for label, path in _documents(Path(folder)):  # type: ignore[misc]
            out = subprocess.run(
                [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True
            ).stdout.split()
            peak_kib, seconds, items, problems = int(out[0]), float(out[1]), out[2], out[3]
            size = path.stat().st_size
            print(
                f"{label:<34} {size / 2**20:6.1f} MiB  peak +{peak_kib / 1024:6.0f} MiB "
                f"({peak_kib * 1024 / size:4.1f}x)  {seconds:5.1f} s  items {items}, "
                f"problems {problems}"
            )


if __name__ == "__main__":
    main()
