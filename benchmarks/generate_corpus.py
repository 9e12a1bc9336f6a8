"""Write a synthetic database of TFLink and Harmonizome pages and the PubMed records they cite.

Run:  python benchmarks/generate_corpus.py OUT_DIR [--documents 20000] [--pmids 50000] [--seed 1]

Writes OUT_DIR/docs/NNN/*.md (at most 1,000 per folder), OUT_DIR/records/records-NNNN.xml
(1,000 records per file, for ``python -m enrich.testing serve OUT_DIR/records``) and
OUT_DIR/corpus.json, then prints what it wrote. The same seed always gives the same files.
See benchmarks/corpus.py for what the documents and records hold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import CorpusSpec, write_corpus


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: OUT_DIR and the corpus's size and seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to create (must be absent or empty)")
    parser.add_argument("--documents", type=int, default=20000, help="documents to write")
    parser.add_argument("--pmids", type=int, default=50000, help="distinct PMIDs to cite")
    parser.add_argument("--seed", type=int, default=1, help="seed of every random choice")
    parser.add_argument("--harmonizome-share", type=float, default=0.2, help="style-B share")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Generate the corpus; exit 1 with one line when OUT_DIR is in the way or sizes are bad."""
    args = parse_args(argv)
    out: Path = args.out_dir
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"error: {out} exists and is not an empty folder; choose another", file=sys.stderr)
        return 1
    try:
        spec = CorpusSpec(
            documents=args.documents,
            pmids=args.pmids,
            seed=args.seed,
            harmonizome_share=args.harmonizome_share,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = write_corpus(out, spec)
    print(f"wrote {out}/docs, {out}/records and {out}/corpus.json")
    print("\n".join(summary.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
