"""The scale-corpus generator (benchmarks/corpus.py) and its script (generate_corpus.py)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from benchmarks import generate_corpus
from benchmarks.corpus import (
    DATABASE_PMIDS,
    GENERATIONS,
    HARMONIZOME,
    Corpus,
    CorpusSpec,
    write_corpus,
)
from enrich.entrez.pubmed import iter_records
from enrich.extract import parse_document, read_document
from enrich.model import ClaimKind, Document, PaperRecord, Style

SPEC = CorpusSpec(
    documents=120,
    pmids=1200,
    seed=7,
    retracted_share=0.03,
    missing_share=0.03,
    doi_mismatch_share=0.05,
    docs_per_folder=50,
    records_per_file=400,
)


@dataclass(frozen=True)
class Written:
    """A corpus written to disk, with its documents parsed and its records read back."""

    root: Path
    manifest: dict[str, Any]
    documents: list[Document]
    records: dict[str, PaperRecord]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """The corpus of ``SPEC``, written once for the module."""
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, SPEC)
    documents = [read_document(path) for path in sorted((root / "docs").rglob("*.md"))]
    records = {
        record.pmid: record
        for path in sorted((root / "records").glob("*.xml"))
        for record, _ in iter_records(path.read_bytes())
    }
    manifest = json.loads((root / "corpus.json").read_text())
    return Written(root, manifest, documents, records)


def cited_pmids(documents: list[Document]) -> set[str]:
    """Every PMID the documents cite."""
    return {c.pmid for d in documents for c in d.all_citations() if c.pmid}


def test_the_same_seed_gives_the_same_corpus_and_another_seed_another() -> None:
    """Two corpora of one spec are identical, documents and records; a new seed changes them."""

    def generate(seed: int) -> tuple[list[tuple[str, str]], list[bytes]]:
        corpus = Corpus(CorpusSpec(documents=30, pmids=300, seed=seed))
        documents = [(d.path, d.text) for d in corpus.documents()]
        return documents, list(corpus.records())

    first = generate(1)
    assert first == generate(1)
    assert first[0] != generate(2)[0]


def test_every_generation_and_style_parses_without_problems(written: Written) -> None:
    """Each document parses with no problem, in its own style, with claims citing PMIDs."""
    generations = Counter(written.manifest["summary"]["documents"])
    assert set(generations) == {*GENERATIONS, HARMONIZOME}
    assert written.manifest["summary"]["crlf"] > 0
    for document in written.documents:
        assert document.problems == ()
        assert document.claims, document.path
        expected = Style.HARMONIZOME if "harmonizome_gene_" in document.path else Style.TFLINK
        assert document.style is expected
    assert sum(d.style is Style.HARMONIZOME for d in written.documents) == generations["B"]


def test_generated_text_parses_the_same_from_memory() -> None:
    """``parse_document`` reads each generated text (CRLF ones included) without problems."""
    corpus = Corpus(CorpusSpec(documents=40, pmids=400, seed=3))
    for generated in corpus.documents():
        document = parse_document(generated.path, generated.text)
        assert document.problems == ()
        assert document.style.value == generated.style
        assert ("\r\n" in generated.text) == generated.crlf


def test_the_requested_number_of_distinct_pmids_is_met(written: Written) -> None:
    """The documents cite the requested number of distinct PMIDs, within 10 %."""
    distinct = len(cited_pmids(written.documents))
    assert abs(distinct - SPEC.pmids) <= SPEC.pmids * 0.1
    assert written.manifest["summary"]["distinct_pmids"] == distinct


def test_every_cited_pmid_has_a_record_except_the_missing_ones(written: Written) -> None:
    """Cited PMIDs without a record are exactly the deliberately missing ones."""
    missing = set(written.manifest["missing"])
    assert missing
    assert cited_pmids(written.documents) - set(written.records) == missing
    assert set(written.records) <= cited_pmids(written.documents)


def test_retracted_records_parse_as_retracted(written: Written) -> None:
    """The records listed as retracted, and only those, read back as retracted."""
    retracted = {pmid for pmid, record in written.records.items() if record.is_retracted}
    assert retracted
    assert retracted == set(written.manifest["retracted"])


def test_harmonizome_references_show_the_record_except_the_doi_mismatches(
    written: Written,
) -> None:
    """A Harmonizome reference gives its record's title, and its DOI unless deliberately wrong."""
    shown = [
        citation
        for document in written.documents
        if document.style is Style.HARMONIZOME
        for citation in document.all_citations()
        if citation.pmid in written.records
    ]
    assert shown
    records = [written.records[c.pmid or ""] for c in shown]
    assert all(c.title == r.title for c, r in zip(shown, records, strict=True))
    mismatched = sum(c.doi != r.doi for c, r in zip(shown, records, strict=True))
    assert 0 < mismatched <= written.manifest["summary"]["doi_mismatches"]


def test_most_edges_cite_papers_naming_both_partners(written: Written) -> None:
    """Most primary citations of an edge resolve to a paper naming both of its partners."""
    named = total = 0
    for document in written.documents:
        for claim in document.claims:
            symbols = [claim.regulator, claim.target]
            for citation in claim.citations:
                record = written.records.get(citation.pmid or "")
                if claim.kind is not ClaimKind.EDGE or record is None:
                    continue
                if citation.pmid in DATABASE_PMIDS:
                    continue
                text = f"{record.title} {record.abstract}"
                total += 1
                named += all(symbol and symbol in text for symbol in symbols)
    assert total
    assert named / total > 0.5


def test_script_writes_a_corpus_and_refuses_a_folder_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The script writes docs, records and corpus.json; a non-empty OUT_DIR exits 1."""
    out = tmp_path / "corpus"
    assert generate_corpus.main([str(out), "--documents", "12", "--pmids", "200"]) == 0
    assert "documents  12" in capsys.readouterr().out
    assert len(list((out / "docs").rglob("*.md"))) == 12
    assert list((out / "records").glob("records-*.xml"))
    assert generate_corpus.main([str(out), "--documents", "12", "--pmids", "200"]) == 1
    assert "not an empty folder" in capsys.readouterr().err


def test_every_gene_the_documents_give_has_a_served_gene_summary(written: Written) -> None:
    """records/genes.json holds a summary for every Gene ID the documents give, with several
    names each, and a server over the records folder answers for them."""
    import httpx

    from enrich.audit import gene_ids
    from enrich.entrez import parse_gene_summaries
    from enrich.testing import EutilsServer

    ids = {gene_id for document in written.documents for gene_id in gene_ids(document)}
    with EutilsServer(written.root / "records", rate_limit=None) as server:
        reply = httpx.post(
            server.url + "esummary.fcgi",
            data={"db": "gene", "id": ",".join(sorted(ids)), "retmode": "json"},
        )
    summaries = parse_gene_summaries(reply.content)
    assert set(summaries) == ids
    records = [s.record for s in summaries.values()]
    assert all(r is not None and len(r.aliases) >= 2 and r.designations for r in records)
