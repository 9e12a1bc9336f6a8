"""Looking up Gene IDs against the local E-utilities server over real sockets: batches, the
cache, replaced and unknown IDs, offline, faults."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from enrich.entrez import CitationCache, EutilsSettings, resolve_genes
from enrich.entrez.cache import GENE_SCHEMA_VERSION
from enrich.model import GeneStatus
from enrich.testing import EutilsServer, Faults, GeneStore, RecordStore, make_gene_summary
from tests.entrez.test_resolve import raw_entries

KEY = "test-api-key-0123456789"  # the 10/s limit keeps the tests fast


def _genes() -> GeneStore:
    """Synthetic summaries: 600 genes G1..G600 with IDs 1001.., an old ID replaced by 1001,
    and one replaced by an ID the store lacks."""
    summaries = [
        make_gene_summary(str(1000 + n), f"G{n}", description=f"gene {n}", aliases=[f"GA{n}"])
        for n in range(1, 601)
    ]
    summaries.append(make_gene_summary("77", "G1", replaced_by="1001"))
    summaries.append(make_gene_summary("78", "OLD78", replaced_by="999999"))
    summaries.append(make_gene_summary("79", "GONE", discontinued=True))
    return GeneStore(summaries)


@pytest.fixture
def server(make_eutils_server: Callable[..., EutilsServer]) -> EutilsServer:
    return make_eutils_server(RecordStore(), genes=_genes())


def look_up(server: EutilsServer, ids: list[str], cache: Path, **kwargs: Any) -> Any:
    settings = EutilsSettings(base_url=server.url, api_key=KEY, backoff=0.01)
    return resolve_genes(ids, cache_dir=cache, eutils=settings, **kwargs)


def test_ids_are_asked_in_batches_of_at_most_500_by_post(
    server: EutilsServer, tmp_path: Path
) -> None:
    """600 IDs take two esummary requests (db=gene, JSON, POSTed), each with tool set."""
    ids = [str(1000 + n) for n in range(1, 601)]
    found = look_up(server, ids, tmp_path)
    assert {g.status for g in found.lookups.values()} == {GeneStatus.FOUND}
    assert found.lookups["1600"].record.symbol == "G600"
    gene_requests = [r for r in server.requests if r.params.get("db") == "gene"]
    assert sorted(r.n_ids for r in gene_requests) == [100, 500]
    assert {(r.method, r.params["retmode"], r.params["tool"]) for r in gene_requests} == {
        ("POST", "json", "enrich")
    }
    assert found.requests == 2


def test_a_second_lookup_asks_nothing(server: EutilsServer, tmp_path: Path) -> None:
    """Found, replaced and unknown IDs are all answered by the cache the second time."""
    ids = ["1001", "77", "123456"]
    look_up(server, ids, tmp_path)
    server.reset_log()
    again = look_up(server, ids, tmp_path)
    assert server.requests == []
    assert (again.requests, again.cache_hits) == (0, 3)
    assert [g.status for g in again.lookups.values()] == [
        GeneStatus.FOUND,
        GeneStatus.REPLACED,
        GeneStatus.UNKNOWN,
    ]


def test_a_replaced_id_is_followed_to_its_current_record(
    server: EutilsServer, tmp_path: Path
) -> None:
    """ID 77 (status 1, currentid 1001) gives the record of 1001 and says so."""
    lookup = look_up(server, ["77"], tmp_path).lookups["77"]
    assert lookup.status is GeneStatus.REPLACED
    assert lookup.record is not None and lookup.record.gene_id == "1001"
    assert lookup.reason == "Gene ID 77 (G1) was replaced by Gene ID 1001 (G1)"


def test_a_replacement_that_cannot_be_read_keeps_the_old_names(
    server: EutilsServer, tmp_path: Path
) -> None:
    """ID 78 is replaced by an ID NCBI lacks: its own record's names are kept."""
    lookup = look_up(server, ["78"], tmp_path).lookups["78"]
    assert lookup.status is GeneStatus.REPLACED
    assert lookup.record is not None and lookup.record.symbol == "OLD78"
    assert "whose summary was not read" in lookup.reason


def test_unknown_and_discontinued_ids_say_so(server: EutilsServer, tmp_path: Path) -> None:
    """An ID the server answers with an error entry is unknown (and cached as such); a
    discontinued one keeps its names; IDs that are not numbers are never asked."""
    found = look_up(server, ["123456", "79", "abc", "0"], tmp_path)
    assert list(found.lookups) == ["123456", "79"]
    assert found.lookups["123456"].status is GeneStatus.UNKNOWN
    assert found.lookups["123456"].reason == "NCBI Gene has no record with Gene ID 123456"
    assert found.lookups["79"].status is GeneStatus.DISCONTINUED
    with CitationCache(tmp_path) as cache:
        assert cache.is_gene_missing("123456")


def test_offline_uses_the_cache_and_says_what_is_missing(
    server: EutilsServer, tmp_path: Path
) -> None:
    """Offline, a cached ID is found and an uncached one is unresolved with the reason; no
    request is made."""
    look_up(server, ["1001"], tmp_path)
    server.reset_log()
    found = look_up(server, ["1001", "1002"], tmp_path, offline=True)
    assert server.requests == []
    assert found.lookups["1001"].status is GeneStatus.FOUND
    missing = found.lookups["1002"]
    assert missing.status is GeneStatus.UNRESOLVED
    assert missing.reason == "no NCBI Gene summary for Gene ID 1002: offline, and not in the cache"


def test_cut_and_refused_replies_leave_nothing_in_the_cache(
    server: EutilsServer, tmp_path: Path
) -> None:
    """A truncated reply is asked again and then stored whole; a server error leaves the IDs
    unresolved and the cache without an entry for them."""
    server.faults = Faults(script=["truncate", "ok"])
    assert look_up(server, ["1001"], tmp_path).lookups["1001"].status is GeneStatus.FOUND
    server.faults = Faults(server_error=1.0)
    failed = look_up(server, ["1002"], tmp_path).lookups["1002"]
    assert failed.status is GeneStatus.UNRESOLVED
    with CitationCache(tmp_path) as cache:
        assert cache.get_gene("1002") is None and not cache.is_gene_missing("1002")
        assert cache.get_gene("1001") is not None
        assert cache.verify() == []


def test_a_short_reply_is_asked_again_before_an_id_is_believed_unknown(
    server: EutilsServer, tmp_path: Path
) -> None:
    """An ID a reply leaves out (NCBI's hiccup) is asked once more, alone."""
    server.faults = Faults(script=["drop_records", "ok"])
    found = look_up(server, ["1001", "1002"], tmp_path)
    assert [g.status for g in found.lookups.values()] == [GeneStatus.FOUND, GeneStatus.FOUND]
    assert [r.params["id"] for r in server.requests] == ["1001,1002", "1002"]


def test_a_summary_stored_by_an_older_gene_schema_is_made_again_without_asking(
    server: EutilsServer, tmp_path: Path
) -> None:
    """A gene entry of an older schema is made again from the fields NCBI gave, stored in
    this schema, and not asked again; one whose fields cannot make a record is dropped and
    asked again."""
    look_up(server, ["1001", "1002"], tmp_path)
    with raw_entries(tmp_path) as raw:
        entry = raw.get("gene:1001")
        raw.set("gene:1001", {**entry, "schema": GENE_SCHEMA_VERSION - 1, "record": {}})
        raw.set("gene:1002", {**entry, "schema": GENE_SCHEMA_VERSION - 1, "fields": {}})
    server.reset_log()
    found = look_up(server, ["1001"], tmp_path)
    assert found.requests == 0 and found.lookups["1001"].record.symbol == "G1"
    with raw_entries(tmp_path) as raw:
        assert raw.get("gene:1001")["schema"] == GENE_SCHEMA_VERSION
    found = look_up(server, ["1002"], tmp_path)
    assert found.requests == 1 and found.lookups["1002"].record.symbol == "G2"


def _mock_look_up(
    replies: list[dict[str, Any]], ids: list[str], cache: Path
) -> tuple[Any, list[str]]:
    """Look ``ids`` up against a server that answers with ``replies`` in turn (each a
    ``result`` object), the last one for ever; returns the lookups and the IDs asked."""
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(dict(httpx.QueryParams(request.content.decode()))["id"])
        result = replies[min(len(asked), len(replies)) - 1]
        return httpx.Response(200, content=json.dumps({"result": result}).encode())

    settings = EutilsSettings(base_url="http://eutils.test/", api_key=KEY, backoff=0.01)
    found = resolve_genes(
        ids, cache_dir=cache, eutils=settings, transport=httpx.MockTransport(handler)
    )
    return found, asked


def test_an_id_said_unknown_once_is_asked_again_before_it_is_believed(tmp_path: Path) -> None:
    """NCBI's per-ID error is believed only when it says so twice, as for an ID a reply
    leaves out."""
    error = {"uids": ["7291"], "7291": {"uid": "7291", "error": "cannot get document summary"}}
    good = {"uids": ["7291"], "7291": {"uid": "7291", "name": "TWIST1"}}
    found, asked = _mock_look_up([error, good], ["7291"], tmp_path)
    assert found.lookups["7291"].status is GeneStatus.FOUND and asked == ["7291", "7291"]
    with CitationCache(tmp_path) as cache:
        assert cache.get_gene("7291") is not None and not cache.is_gene_missing("7291")


def test_only_ncbis_word_of_absence_makes_an_id_unknown(tmp_path: Path) -> None:
    """A per-ID error NCBI gives for an ID it lacks ("cannot get document summary") makes
    it unknown once said twice; any other message (a backend's passing trouble) says
    nothing of the ID: it is not looked up this time, never cached as unknown."""
    trouble = {"uids": ["7291"], "7291": {"uid": "7291", "error": "Backend unavailable"}}
    found, asked = _mock_look_up([trouble], ["7291"], tmp_path / "trouble")
    lookup = found.lookups["7291"]
    assert lookup.status is GeneStatus.UNRESOLVED and "Backend unavailable" in lookup.reason
    with CitationCache(tmp_path / "trouble") as cache:
        assert not cache.is_gene_missing("7291")
    lacking = {"uids": ["7291"], "7291": {"uid": "7291", "error": "cannot get document summary"}}
    found, asked = _mock_look_up([lacking], ["7291"], tmp_path / "lacking")
    assert found.lookups["7291"].status is GeneStatus.UNKNOWN and asked == ["7291", "7291"]
    with CitationCache(tmp_path / "lacking") as cache:
        assert cache.is_gene_missing("7291")


def test_a_summary_filed_under_another_id_is_not_that_ids(tmp_path: Path) -> None:
    """A reply whose summary under 7291 is of 117581 (TWIST2): 7291 is unresolved, saying
    so, and nothing is cached for it; its fellow IDs are found."""
    reply = {
        "uids": ["7291", "1001"],
        "7291": {"uid": "117581", "name": "TWIST2"},
        "1001": {"uid": "1001", "name": "G1"},
    }
    found, _ = _mock_look_up([reply], ["7291", "1001"], tmp_path)
    assert found.lookups["7291"].status is GeneStatus.UNRESOLVED
    assert "is of Gene ID 117581" in found.lookups["7291"].reason
    assert found.lookups["1001"].status is GeneStatus.FOUND
    with CitationCache(tmp_path) as cache:
        assert cache.get_gene("7291") is None and not cache.is_gene_missing("7291")


def test_an_id_written_with_leading_zeros_is_asked_as_ncbi_numbers_it(
    server: EutilsServer, tmp_path: Path
) -> None:
    """A document's "01001" (a spreadsheet's zero padding) is Gene ID 1001: NCBI files
    summaries under the plain number, so asking "01001" and looking for it in the reply
    found nothing and cached a wrong "NCBI Gene has no record" for it."""
    found = look_up(server, ["01001", "1002"], tmp_path)
    assert found.lookups["01001"].status is GeneStatus.FOUND
    assert found.lookups["01001"].record.symbol == "G1"
    assert found.lookups["01001"].gene_id == "01001"  # as the document gives it
    gene_ids = [r.params["id"] for r in server.requests if r.params.get("db") == "gene"]
    assert gene_ids == ["1001,1002"]
    again = look_up(server, ["01001", "1001"], tmp_path)
    assert {g.status for g in again.lookups.values()} == {GeneStatus.FOUND}
    assert again.requests == 0
