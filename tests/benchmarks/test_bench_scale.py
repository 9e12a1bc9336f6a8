"""The measuring code of benchmarks/bench_scale.py, checked without running the benchmark."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from benchmarks.bench_scale import retract
from benchmarks.corpus import DATABASE_PMIDS, CorpusSpec, write_corpus
from enrich.entrez.pubmed import iter_records

SPEC = CorpusSpec(documents=60, pmids=600, seed=3, retracted_share=0.05, records_per_file=200)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, SPEC)
    return root


def test_the_changed_records_were_not_retracted_before(corpus: Path, tmp_path: Path) -> None:
    """Each record ``retract`` picks changes status: one retracted already would not be a
    new retraction, and the benchmark's "changed N records" would count it."""
    records = tmp_path / "records"
    shutil.copytree(corpus / "records", records)
    before = {
        record.pmid: record
        for path in sorted(records.glob("*.xml"))
        for record, _ in iter_records(path.read_bytes())
    }
    retracted = set(json.loads((corpus / "corpus.json").read_text())["retracted"])
    assert retracted, "the corpus has no retracted record to avoid"
    eligible = set(before) - set(DATABASE_PMIDS) - retracted
    chosen = retract(records, random.Random(1), len(eligible))
    assert set(chosen) == eligible
    after = {r.pmid: r for r, _ in iter_records((records / "zz-changed.xml").read_bytes())}
    assert set(after) == set(chosen)
    assert all(after[pmid].is_retracted and not before[pmid].is_retracted for pmid in chosen)
