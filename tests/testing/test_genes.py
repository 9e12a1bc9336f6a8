"""The local server's NCBI Gene summaries: esummary db=gene in JSON and XML, as NCBI answers."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from enrich.entrez import parse_gene_summaries
from enrich.testing import (
    EutilsServer,
    GeneStore,
    RecordStore,
    gene_summaries_file,
    make_gene_summary,
)
from enrich.testing.example_genes import EXAMPLE_GENES, REPLACED_IDS


def esummary(server: EutilsServer, ids: str, **params: str) -> httpx.Response:
    return httpx.post(server.url + "esummary.fcgi", data={"db": "gene", "id": ids, **params})


@pytest.fixture
def server(make_eutils_server: object) -> EutilsServer:
    """The default records and gene summaries, no rate limit."""
    return make_eutils_server(rate_limit=None)  # type: ignore[operator]


def test_json_reply_has_ncbis_shape_with_an_error_entry_for_an_unknown_id(
    server: EutilsServer,
) -> None:
    """``retmode=json`` gives result.uids and one entry per ID; an unknown ID is an entry
    with an ``error`` field, not an HTTP error."""
    reply = esummary(server, "7291,123456789", retmode="json")
    assert reply.status_code == 200
    body = reply.json()
    assert body["result"]["uids"] == ["7291", "123456789"]
    assert body["result"]["7291"]["name"] == "TWIST1"
    assert "TWIST" in body["result"]["7291"]["otheraliases"].split(", ")
    assert body["result"]["123456789"] == {
        "uid": "123456789",
        "error": "cannot get document summary",
    }


def test_json_and_xml_replies_read_to_the_same_records(server: EutilsServer) -> None:
    """The version 2.0 XML reply and the JSON reply of the same IDs parse to equal records,
    a replaced ID's status and current ID included."""
    old = next(iter(REPLACED_IDS))
    ids = f"7291,999,{old},42"
    as_json = parse_gene_summaries(esummary(server, ids, retmode="json").content)
    as_xml = parse_gene_summaries(esummary(server, ids, version="2.0").content)
    assert {k: v.record for k, v in as_json.items()} == {k: v.record for k, v in as_xml.items()}
    replaced = as_json[old].record
    assert replaced is not None and (replaced.status, replaced.current_id) == ("replaced", "7291")
    assert as_json["42"].record is None


def test_the_default_genes_are_every_gene_of_the_examples(server: EutilsServer) -> None:
    """The default store holds each Gene ID the examples give, marked synthetic in its file."""
    assert len(server.genes) == len(EXAMPLE_GENES) + len(REPLACED_IDS)
    from enrich.testing import DEFAULT_RECORDS_DIR

    note = json.loads((DEFAULT_RECORDS_DIR / "genes.json").read_text())["note"]
    assert note.startswith("synthetic gene summaries")


def test_a_records_folder_serves_its_genes_json(tmp_path: Path) -> None:
    """A server over a folder serves the folder's genes.json; a bad file is refused by name."""
    (tmp_path / "genes.json").write_bytes(
        gene_summaries_file([make_gene_summary("5", "ABC5", aliases=["X1"])], "test")
    )
    with EutilsServer(tmp_path, rate_limit=None) as server:
        summary = parse_gene_summaries(esummary(server, "5", retmode="json").content)["5"]
    assert summary.record is not None and summary.record.aliases == ("X1",)
    (tmp_path / "genes.json").write_text("{}")
    with pytest.raises(ValueError, match=r"genes\.json: not a file of gene summaries"):
        EutilsServer(tmp_path)


def test_gene_requests_count_against_the_rate_limit(
    make_eutils_server: object,
) -> None:
    """A gene esummary is an E-utility request: the fourth in a second gets NCBI's 429."""
    server: EutilsServer = make_eutils_server(RecordStore(), genes=GeneStore())  # type: ignore[operator]
    statuses = [esummary(server, "1", retmode="json").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
