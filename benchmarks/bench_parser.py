"""Benchmark enrich's PubMed efetch parser against Bio.Entrez and parser alternatives.

A script, not a test: it prints figures and never asserts on timings.
It reads the real reference-heavy records in ``../shared/ncbi/metapub/pmid_xml``,
joins them into batches of 200 records per ``PubmedArticleSet`` (the shape of a
real efetch reply), and reports records/s (best of 3 runs) for:

* ``enrich.entrez.pubmed.iter_records`` (lxml ``iterparse`` with a tag filter; the one shipped),
* the same without the ReferenceList byte skip (to show what the skip buys),
* alternative A: ``lxml.etree.fromstring`` of the whole batch, then the same field extraction,
* alternative B: ``xml.etree.ElementTree.fromstring``, then the same field extraction,
* alternative C: lxml ``iterparse`` without a tag filter (an event per element),
Alternatives A-C get the same ReferenceList skip, so they differ only in the parser.
* ``Bio.Entrez.read`` on each batch (it uses its bundled DTDs, so it works offline).
"""

from __future__ import annotations

import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from enrich.entrez import pubmed, replies  # noqa: E402

SHARED = ROOT.parent / "shared"
RECORDS_DIR = SHARED / "ncbi" / "metapub" / "pmid_xml"
BATCH_SIZE = 200
RUNS = 3
PASSES = 5  #: passes over all batches per run, so one run lasts long enough to time
HEADER = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
RECORD = re.compile(rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.DOTALL)

Parser = Callable[[bytes], int]


def load_batches() -> tuple[list[bytes], int]:
    """Every record of the shared fixtures, cut into efetch-shaped batches of 200."""
    records = [
        m.group(0)
        for path in sorted(RECORDS_DIR.glob("*.xml"))
        for m in RECORD.finditer(path.read_bytes())
    ]
    batches = [
        HEADER + b"\n".join(records[i : i + BATCH_SIZE]) + b"\n</PubmedArticleSet>\n"
        for i in range(0, len(records), BATCH_SIZE)
    ]
    return batches, len(records)


def ours(batch: bytes) -> int:
    return sum(1 for _ in pubmed.iter_records(batch))


def ours_without_skip(batch: bytes) -> int:
    """iter_records with the ReferenceList byte skip switched off (to show what it buys)."""
    original = pubmed._without_reference_lists
    pubmed._without_reference_lists = lambda data: data  # type: ignore[assignment]
    try:
        return ours(batch)
    finally:
        pubmed._without_reference_lists = original


def lxml_fromstring(batch: bytes) -> int:
    batch = pubmed._without_reference_lists(batch)
    root = etree.fromstring(batch, etree.XMLParser(**replies.PARSER_OPTIONS))
    n = 0
    for elem in root:
        if elem.tag in pubmed._RECORD_TAGS:
            pubmed._record(elem)
            etree.tostring(elem, encoding="utf-8", with_tail=False)
            n += 1
    return n


def stdlib_elementtree(batch: bytes) -> int:
    # S314: stdlib XML is measured here on NCBI's own reference files, never on network input.
    root = ET.fromstring(pubmed._without_reference_lists(batch))  # noqa: S314
    n = 0
    for elem in root:
        if elem.tag in pubmed._RECORD_TAGS:
            pubmed._record(elem)  # type: ignore[arg-type]  # duck-typed Element API
            ET.tostring(elem, encoding="utf-8")
            n += 1
    return n


def lxml_iterparse_unfiltered(batch: bytes) -> int:
    n = 0
    source = BytesIO(pubmed._without_reference_lists(batch))
    for _, elem in etree.iterparse(source, events=("end",), **replies.PARSER_OPTIONS):
        if elem.tag in pubmed._RECORD_TAGS:
            pubmed._record(elem)
            etree.tostring(elem, encoding="utf-8", with_tail=False)
            elem.clear()
            n += 1
    return n


def bio_entrez(batch: bytes) -> int:
    from Bio import Entrez

    result = Entrez.read(BytesIO(batch))
    return len(result["PubmedArticle"]) + len(result["PubmedBookArticle"])


def best_rate(parse: Parser, batches: list[bytes], expected: int) -> float:
    """Records per second of the fastest of RUNS passes over all batches."""
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        count = sum(parse(batch) for _ in range(PASSES) for batch in batches)
        best = min(best, time.perf_counter() - start)
        if count != expected * PASSES:
            raise SystemExit(f"{parse.__name__} read {count} records, expected {expected}")
    return expected * PASSES / best


def main() -> int:
    print("reproduce with: cd /work/main && python benchmarks/bench_parser.py")
    if not RECORDS_DIR.is_dir():
        print(f"error: {RECORDS_DIR} not found; this benchmark needs ../shared", file=sys.stderr)
        return 2
    batches, total = load_batches()
    size = sum(len(b) for b in batches) / 1e6
    print(
        f"{total} records in {len(batches)} batches of <= {BATCH_SIZE}, {size:.1f} MB;"
        f" best of {RUNS} runs of {PASSES} passes each"
    )
    rates = {}
    for name, parse in [
        ("enrich iter_records (lxml iterparse, tag filter)", ours),
        ("enrich iter_records without the ReferenceList skip", ours_without_skip),
        ("alt A: lxml fromstring + find paths", lxml_fromstring),
        ("alt B: xml.etree.ElementTree", stdlib_elementtree),
        ("alt C: lxml iterparse, no tag filter", lxml_iterparse_unfiltered),
        ("Bio.Entrez.read", bio_entrez),
    ]:
        rates[name] = best_rate(parse, batches, total)
        print(f"{rates[name]:10.0f} records/s  {name}")
    ours_rate = rates["enrich iter_records (lxml iterparse, tag filter)"]
    print(f"ratio enrich / Bio.Entrez.read: {ours_rate / rates['Bio.Entrez.read']:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
