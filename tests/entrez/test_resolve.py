"""Resolution against the local E-utilities server over real sockets, fault by fault.

Every test checks that each citation ends in the right terminal state and, where
the network misbehaved, that the cache holds nothing corrupt or partial.
"""

from __future__ import annotations

import asyncio
import http.server
import re
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import diskcache
import httpx
import pytest

from enrich.entrez import (
    CitationCache,
    EutilsClient,
    EutilsSettings,
    resolve_citations,
    resolve_keys,
)
from enrich.entrez.cache import SCHEMA_VERSION
from enrich.entrez.pubmed import parse_record
from enrich.errors import EutilsRefused
from enrich.identifiers import fallback_key
from enrich.model import Resolution, Status
from enrich.testing import EutilsServer, Faults, RecordStore, make_record, record_set
from tests.conftest import count_record_reads

KEY = "test-api-key-0123456789"  # a key gives the 10/s limit, which keeps these tests fast
PMIDS = [str(n) for n in range(20001, 20451)]  # 450 synthetic records


def _record(pmid: str) -> bytes:
    return make_record(
        pmid,
        title=f"Synthetic paper {pmid} on TWIST1",
        doi=f"10.5555/test.{pmid}",
        authors=("Ada Lovelace", "Alan Turing"),
        journal="Synthetic Journal",
        year=2020,
        synthetic_note="test fixture for tests/entrez",
    )


@pytest.fixture(scope="module")
def store_records() -> dict[str, bytes]:
    return {pmid: _record(pmid) for pmid in PMIDS}


@pytest.fixture
def server_factory(
    make_eutils_server: Callable[..., EutilsServer], store_records: dict[str, bytes]
) -> Callable[..., EutilsServer]:
    def make(**kwargs: Any) -> EutilsServer:
        return make_eutils_server(RecordStore.from_records(store_records), **kwargs)

    return make


def resolve(
    server_url: str,
    keys: Sequence[str],
    cache_dir: Path,
    on_settled: Callable[[dict[str, Resolution]], None] | None = None,
    **settings: Any,
) -> tuple[dict[str, Resolution], int]:
    """Resolve ``keys`` with a fresh client; returns the resolutions and requests sent."""
    options = {
        "email": "curator@example.org",
        "api_key": KEY,
        "max_attempts": 4,
        "backoff": 0.02,
        **settings,
    }
    eutils = EutilsSettings(base_url=server_url, **options)

    async def go() -> tuple[dict[str, Resolution], int]:
        async with EutilsClient(eutils) as client:
            with CitationCache(cache_dir) as cache:
                result = await resolve_keys(
                    keys,
                    cache,
                    client,
                    batch_size=eutils.batch_size,
                    concurrency=4,
                    on_settled=on_settled,
                )
            return result, client.requests

    return asyncio.run(go())


def statuses(results: dict[str, Resolution]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resolution in results.values():
        counts[str(resolution.status)] = counts.get(str(resolution.status), 0) + 1
    return counts


def assert_cache_whole(cache_dir: Path) -> None:
    with CitationCache(cache_dir) as cache:
        assert cache.verify() == []


def raw_entries(cache_dir: Path) -> diskcache.Cache:
    """The cache folder opened with diskcache itself, as CitationCache stores it: to damage
    entries behind the cache's back."""
    return diskcache.Cache(str(cache_dir), disk=diskcache.JSONDisk, disk_compress_level=1)


def keys_of(pmids: Sequence[str]) -> list[str]:
    return [f"pmid:{p}" for p in pmids]


def test_batches_of_200_by_post_with_tool_and_email(server_factory: Any, tmp_path: Path) -> None:
    """450 PMIDs go as three POSTed efetch batches (200, 200, 50) carrying tool and email."""
    server = server_factory()
    results, requests = resolve(server.url, keys_of(PMIDS), tmp_path)
    assert statuses(results) == {"resolved": 450}
    fetches = [r for r in server.requests if r.endpoint == "efetch.fcgi"]
    assert sorted(r.n_ids for r in fetches) == [50, 200, 200]
    assert all(r.method == "POST" for r in fetches)
    assert all(r.params.get("tool") == "enrich" for r in fetches)
    assert all(r.params.get("email") == "curator@example.org" for r in fetches)
    assert requests == 3
    assert_cache_whole(tmp_path)


def test_second_run_is_served_from_the_cache(server_factory: Any, tmp_path: Path) -> None:
    """Once resolved, the same keys are answered from the disk cache with zero requests."""
    server = server_factory()
    resolve(server.url, keys_of(PMIDS[:30]), tmp_path)
    server.reset_log()
    results, requests = resolve(server.url, keys_of(PMIDS[:30]), tmp_path)
    assert requests == 0 and server.requests == []
    assert all(r.from_cache and r.status is Status.RESOLVED for r in results.values())


@pytest.mark.parametrize(("api_key", "limit"), [(None, 3), (KEY, 10)])
def test_never_provokes_429_at_ncbi_limits(
    server_factory: Any, tmp_path: Path, api_key: str | None, limit: int
) -> None:
    """With several batches in flight, the client stays under 3/s (10/s with a key): no 429."""
    server = server_factory(rate_limit=3, api_key_rate_limit=10, latency=0.05)
    n_batches = 2 * limit + 1
    pmids = PMIDS[: n_batches * 10]
    started = time.monotonic()
    results, requests = resolve(
        server.url, keys_of(pmids), tmp_path, api_key=api_key, batch_size=10
    )
    elapsed = time.monotonic() - started
    assert server.count(status=429) == 0
    assert statuses(results) == {"resolved": len(pmids)}
    assert requests == n_batches
    assert elapsed >= (n_batches - 1) / limit  # it really was paced


def test_429_burst_is_retried_honouring_retry_after(server_factory: Any, tmp_path: Path) -> None:
    """Two 429s (Retry-After: 0.3) are waited out, and every PMID still resolves."""
    server = server_factory(faults=Faults(burst_429=2), retry_after=0.3)
    started = time.monotonic()
    results, _ = resolve(server.url, keys_of(PMIDS[:20]), tmp_path)
    assert statuses(results) == {"resolved": 20}
    assert server.count(status=429) == 2
    assert time.monotonic() - started >= 0.6
    assert_cache_whole(tmp_path)


@pytest.mark.parametrize(
    "script",
    [
        ["server_error", "server_error"],
        ["reset"],
        ["truncate"],
        ["reset", "server_error", "truncate"],
    ],
)
def test_transient_faults_are_retried(
    server_factory: Any, tmp_path: Path, script: list[str]
) -> None:
    """5xx, connection resets and truncated replies are retried to success."""
    server = server_factory(faults=Faults(script=script))
    results, requests = resolve(server.url, keys_of(PMIDS[:40]), tmp_path)
    assert statuses(results) == {"resolved": 40}
    assert requests == len(script) + 1
    assert_cache_whole(tmp_path)


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("html", "HTML page"), ("error_200", "NCBI error")],
)
def test_an_error_ncbi_states_in_a_complete_reply_is_not_retried(
    server_factory: Any, tmp_path: Path, fault: str, reason: str
) -> None:
    """An HTML page or an error in an HTTP 200 body is NCBI's answer: one request, no
    backoff, the PMIDs unresolved with the reason, nothing cached."""
    server = server_factory(faults=Faults(script=[fault]))
    started = time.monotonic()
    results, requests = resolve(server.url, keys_of(PMIDS[:40]), tmp_path)
    assert time.monotonic() - started < 2
    assert requests == 1
    assert statuses(results) == {"unresolved": 40}
    assert all(reason in r.reason for r in results.values())
    with CitationCache(tmp_path) as cache:
        assert len(cache) == 0


def test_timeout_is_retried(server_factory: Any, tmp_path: Path) -> None:
    """A reply that never comes times out on the client and is asked again."""
    server = server_factory(faults=Faults(script=["timeout"], hang_seconds=3))
    results, requests = resolve(server.url, keys_of(PMIDS[:10]), tmp_path, timeout=0.5)
    assert statuses(results) == {"resolved": 10}
    assert requests == 2


def test_persistent_server_errors_end_unresolved_with_reason(
    server_factory: Any, tmp_path: Path
) -> None:
    """When every attempt fails, the PMIDs end unresolved, saying why, and nothing is cached."""
    server = server_factory(faults=Faults(server_error=1.0))
    results, requests = resolve(server.url, keys_of(PMIDS[:10]), tmp_path, max_attempts=2)
    assert statuses(results) == {"unresolved": 10}
    assert all("HTTP 5" in r.reason for r in results.values())
    assert requests == 2
    with CitationCache(tmp_path) as cache:
        assert len(cache) == 0


def test_other_4xx_is_not_retried(tmp_path: Path) -> None:
    """A 4xx other than 404, 408 and 429 (a 403 from a proxy, say) is a rejected request:
    asked once, unresolved with the status."""
    asked = []

    class Forbidden(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            asked.append(self.path)
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forbidden) as proxy:
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{proxy.server_address[1]}/entrez/eutils/"
            results, requests = resolve(url, keys_of(PMIDS[:5]), tmp_path)
        finally:
            proxy.shutdown()
    assert requests == len(asked) == 1
    assert statuses(results) == {"unresolved": 5}
    assert "HTTP 403" in next(iter(results.values())).reason


def test_a_404_is_a_configuration_error(server_factory: Any, tmp_path: Path) -> None:
    """A 404 says no E-utilities is served at the address (a mistyped eutils_url): every
    request would say so, so the command ends naming the setting, after one request,
    instead of a report set of unresolved citations that a pipeline retries for ever."""
    server = server_factory()
    with pytest.raises(EutilsRefused, match=r"HTTP 404 Not Found: .*ENRICH_EUTILS_URL"):
        resolve(server.url + "wrong/", keys_of(PMIDS[:5]), tmp_path)
    assert len(server.requests) == 1


def test_missing_pmids_are_asked_again_alone_then_not_found(
    server_factory: Any, tmp_path: Path
) -> None:
    """PMIDs absent from a reply are asked once more in a smaller batch, with a PMID the
    reply held as witness, then cached not_found."""
    server = server_factory()
    absent = ["99999901", "99999902"]
    results, requests = resolve(server.url, keys_of([*PMIDS[:30], *absent]), tmp_path)
    assert statuses(results) == {"resolved": 30, "not_found": 2}
    fetches = [r for r in server.requests if r.endpoint == "efetch.fcgi"]
    assert [r.n_ids for r in fetches] == [32, 2 + 1]
    server.reset_log()
    again, requests = resolve(server.url, keys_of(absent), tmp_path)
    assert requests == 0 and statuses(again) == {"not_found": 2}


def test_record_dropped_from_a_reply_is_recovered(server_factory: Any, tmp_path: Path) -> None:
    """A record missing from one reply (NCBI hiccup) resolves on the second, smaller ask."""
    server = server_factory(faults=Faults(script=["drop_records"]))
    results, requests = resolve(server.url, keys_of(PMIDS[:10]), tmp_path)
    assert statuses(results) == {"resolved": 10}
    assert requests == 2


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_circuit_breaker_fails_fast_when_host_unreachable(tmp_path: Path) -> None:
    """With nothing listening, a few connection failures open the circuit: done in seconds."""
    url = f"http://127.0.0.1:{_closed_port()}/entrez/eutils/"
    started = time.monotonic()
    results, requests = resolve(url, keys_of(PMIDS), tmp_path, batch_size=20, max_attempts=5)
    assert time.monotonic() - started < 8
    assert statuses(results) == {"unresolved": 450}
    assert requests <= 6
    assert any("unreachable" in r.reason for r in results.values())


def test_an_open_circuit_is_shared_by_every_client_of_the_host(tmp_path: Path) -> None:
    """Once one client found the host unreachable, another client of the same process (as
    NCBI Gene's after PubMed's) asks nothing and fails at once."""
    url = f"http://127.0.0.1:{_closed_port()}/entrez/eutils/"
    resolve(url, keys_of(PMIDS[:20]), tmp_path / "first", max_attempts=5)
    started = time.monotonic()
    results, requests = resolve(url, keys_of(PMIDS[:20]), tmp_path / "second", max_attempts=5)
    assert requests == 0 and time.monotonic() - started < 1
    assert all("unreachable" in r.reason for r in results.values())


def test_an_open_circuit_lets_a_request_try_again_after_its_cooldown(
    make_eutils_server: Callable[..., EutilsServer],
    store_records: dict[str, bytes],
    tmp_path: Path,
) -> None:
    """A process that found the host unreachable asks again once the cooldown is over, and
    resolves when the host is back."""
    port = _closed_port()
    url = f"http://127.0.0.1:{port}/entrez/eutils/"
    down, _ = resolve(url, keys_of(PMIDS[:5]), tmp_path, max_attempts=5, breaker_cooldown=0.5)
    assert statuses(down) == {"unresolved": 5}
    make_eutils_server(RecordStore.from_records(store_records), port=port)
    time.sleep(0.6)
    back, requests = resolve(url, keys_of(PMIDS[:5]), tmp_path, breaker_cooldown=0.5)
    assert statuses(back) == {"resolved": 5} and requests == 1


def test_dois_resolve_by_esearch_and_unknown_dois_are_not_in_pubmed(
    server_factory: Any, tmp_path: Path
) -> None:
    """A DOI in PubMed (any case) maps to its record; an unknown DOI ends not_in_pubmed."""
    server = server_factory()
    keys = ["doi:10.5555/test.20001", "doi:10.5555/TEST.20002".lower(), "doi:10.9999/absent"]
    results, _ = resolve(server.url, keys, tmp_path)
    assert results["doi:10.5555/test.20001"].record is not None
    assert results["doi:10.5555/test.20001"].record.pmid == "20001"  # type: ignore[union-attr]
    assert results["doi:10.9999/absent"].status is Status.NOT_IN_PUBMED
    searches = [r for r in server.requests if r.endpoint == "esearch.fcgi"]
    assert len(searches) == 1 and "[doi]" in searches[0].params["term"]


def test_near_match_from_esearch_is_not_accepted(tmp_path: Path) -> None:
    """If esearch returns a record whose DOI differs from the one asked, it is not_in_pubmed."""
    near = record_set([_record("20001")])  # its DOI is 10.5555/test.20001

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("esearch.fcgi"):
            body = b"<eSearchResult><Count>1</Count><IdList><Id>20001</Id></IdList></eSearchResult>"
            return httpx.Response(200, content=body)
        return httpx.Response(200, content=near)

    async def go() -> dict[str, Resolution]:
        settings = EutilsSettings(base_url="http://eutils.test/", api_key=KEY)
        async with EutilsClient(settings, transport=httpx.MockTransport(handler)) as client:
            with CitationCache(tmp_path) as cache:
                return await resolve_keys(["doi:10.5555/test.2000"], cache, client)

    assert asyncio.run(go())["doi:10.5555/test.2000"].status is Status.NOT_IN_PUBMED


def test_invalid_keys_are_never_asked(server_factory: Any, tmp_path: Path) -> None:
    """A malformed identifier ends invalid without any request."""
    server = server_factory()
    results, requests = resolve(server.url, ["invalid:12a"], tmp_path)
    assert results["invalid:12a"].status is Status.INVALID and requests == 0


def test_offline_resolves_only_from_the_cache(server_factory: Any, tmp_path: Path) -> None:
    """Offline, cached PMIDs resolve and the rest end unresolved with the reason 'offline'."""
    server = server_factory()
    resolve(server.url, keys_of(PMIDS[:3]), tmp_path)

    async def go() -> dict[str, Resolution]:
        with CitationCache(tmp_path) as cache:
            return await resolve_keys(keys_of(PMIDS[:5]), cache, None)

    results = asyncio.run(go())
    assert statuses(results) == {"resolved": 3, "unresolved": 2}
    assert "offline" in results[f"pmid:{PMIDS[4]}"].reason


def test_mixed_fault_schedule_loses_nothing(server_factory: Any, tmp_path: Path) -> None:
    """Under random 5xx, resets, truncation and dropped records, every key ends terminal."""
    faults = Faults(server_error=0.15, reset=0.1, truncate=0.1, drop_records=0.02, seed=7)
    server = server_factory(faults=faults)
    keys = [*keys_of(PMIDS[:300]), "pmid:99999903", "doi:10.5555/test.20400"]
    results, _ = resolve(server.url, keys, tmp_path, batch_size=25, max_attempts=6)
    assert set(results) == set(keys)
    assert results["pmid:99999903"].status in (Status.NOT_FOUND, Status.UNRESOLVED)
    for key in keys[:300]:
        assert results[key].status in (Status.RESOLVED, Status.UNRESOLVED), key
        assert results[key].status is Status.RESOLVED or results[key].reason
    assert_cache_whole(tmp_path)


def test_api_key_never_reaches_cache_or_reasons(server_factory: Any, tmp_path: Path) -> None:
    """The API key is sent to the server but appears in no cache file and no reason."""
    server = server_factory(faults=Faults(script=["server_error"]))
    results, _ = resolve(server.url, keys_of(PMIDS[:5]), tmp_path, max_attempts=1)
    assert all(KEY not in r.reason for r in results.values())
    assert any(r.api_key for r in server.requests)
    resolve(server.url, keys_of(PMIDS[:5]), tmp_path)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_schema_upgrade_reparses_stored_xml_without_fetching(
    server_factory: Any, tmp_path: Path
) -> None:
    """An entry stored by an older parser schema is re-parsed from its XML, not refetched."""
    server = server_factory()
    resolve(server.url, keys_of(PMIDS[:1]), tmp_path)
    with CitationCache(tmp_path) as cache:
        assert cache.get_record(PMIDS[0]) is not None
    with raw_entries(tmp_path) as raw:
        entry = raw.get(f"pmid:{PMIDS[0]}")
        raw.set(f"pmid:{PMIDS[0]}", {**entry, "schema": SCHEMA_VERSION - 1, "record": {}})
    server.reset_log()
    results, requests = resolve(server.url, keys_of(PMIDS[:1]), tmp_path)
    assert requests == 0
    assert results[f"pmid:{PMIDS[0]}"].record.title == f"Synthetic paper {PMIDS[0]} on TWIST1"  # type: ignore[union-attr]
    assert_cache_whole(tmp_path)


def test_corrupt_entry_is_refetched(server_factory: Any, tmp_path: Path) -> None:
    """An unreadable cache entry counts as absent and is fetched again."""
    server = server_factory()
    resolve(server.url, keys_of(PMIDS[:1]), tmp_path)
    with raw_entries(tmp_path) as raw:
        raw.set(f"pmid:{PMIDS[0]}", {"schema": SCHEMA_VERSION, "record": {"x": 1}})
    results, requests = resolve(server.url, keys_of(PMIDS[:1]), tmp_path)
    assert requests == 1 and results[f"pmid:{PMIDS[0]}"].status is Status.RESOLVED
    assert_cache_whole(tmp_path)


def test_doi_whose_candidate_cannot_be_fetched_is_unresolved_not_absent(tmp_path: Path) -> None:
    """When esearch finds a candidate but fetching it fails, the DOI is unresolved, not cached."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("esearch.fcgi"):
            body = b"<eSearchResult><Count>1</Count><IdList><Id>20001</Id></IdList></eSearchResult>"
            return httpx.Response(200, content=body)
        return httpx.Response(503, content=b"busy")

    async def go() -> tuple[dict[str, Resolution], tuple[bool, str | None]]:
        settings = EutilsSettings(base_url="http://eutils.test/", api_key=KEY, backoff=0.01)
        async with EutilsClient(settings, transport=httpx.MockTransport(handler)) as client:
            with CitationCache(tmp_path) as cache:
                results = await resolve_keys(["doi:10.5555/test.20001"], cache, client)
                return results, cache.get_doi("10.5555/test.20001")

    results, cached = asyncio.run(go())
    assert results["doi:10.5555/test.20001"].status is Status.UNRESOLVED
    assert "HTTP 503" in results["doi:10.5555/test.20001"].reason
    assert cached == (False, None)


def test_cache_hits_count_each_key_once(server_factory: Any, tmp_path: Path) -> None:
    """A DOI found by searching is not a cache hit; answered again from the cache, it is one."""
    server = server_factory()
    cold, _ = resolve(server.url, ["doi:10.5555/test.20001", "pmid:20002"], tmp_path)
    assert [r.from_cache for r in cold.values()] == [False, False]
    warm, _ = resolve(server.url, ["doi:10.5555/test.20001", "pmid:20002"], tmp_path)
    assert [r.from_cache for r in warm.values()] == [True, True]


def test_settled_reports_are_final_and_only_for_keys_asked(
    server_factory: Any, tmp_path: Path
) -> None:
    """on_settled hears of every key, first with its final Resolution, and of no other key
    (not of PMIDs fetched only on a DOI's behalf), even when batches fail or lose records."""
    script = ["ok", "ok", "server_error", "drop_records", "server_error"]  # after the DOIs'
    faults = Faults(script=script, drop_records=0.1, seed=3)
    server = server_factory(faults=faults)
    dois = [f"doi:10.5555/test.{pmid}" for pmid in PMIDS[100:130]]
    keys = [*keys_of(PMIDS[:60]), *dois, "pmid:99999904", "doi:10.5555/nothing"]
    heard: dict[str, Resolution] = {}

    def settled(resolutions: dict[str, Resolution]) -> None:
        for key, resolution in resolutions.items():
            heard.setdefault(key, resolution)

    results, _ = resolve(server.url, keys, tmp_path, settled, batch_size=10, max_attempts=1)
    assert set(heard) == set(results) == set(keys)
    assert {key for key in heard if heard[key] != results[key]} == set()
    assert any(r.status is Status.UNRESOLVED for r in results.values())  # the faults bit


def test_doi_that_would_break_the_query_is_invalid(server_factory: Any, tmp_path: Path) -> None:
    """A DOI holding a double quote is invalid with the reason, never put in a query; the
    other DOI is searched alone."""
    server = server_factory()
    hostile = 'doi:10.1000/x" OR 1[uid] OR "y'
    results, _ = resolve(server.url, [hostile, "doi:10.5555/test.10001"], tmp_path)
    assert results[hostile].status is Status.INVALID
    assert "query syntax cannot carry" in results[hostile].reason
    terms = [r.params.get("term", "") for r in server.requests if r.endpoint == "esearch.fcgi"]
    assert terms and all("1[uid]" not in term for term in terms)


def test_a_pmid_key_not_written_as_pubmed_writes_it_is_invalid(
    server_factory: Any, tmp_path: Path
) -> None:
    """A library caller's "pmid:020001", "pmid: 20001" or "pmid:abc" went to NCBI as written:
    PubMed answers with PMID 20001 (or nothing), which is not the PMID asked, so such a key
    was cached not_found.  It is invalid, saying the form PubMed writes, and never asked."""
    server = server_factory()
    odd = ["pmid:020001", "pmid: 20001", "pmid:abc", "pmid:20001 "]
    results, _ = resolve(server.url, [*odd, "pmid:20002"], tmp_path)
    for key in odd:
        assert results[key].status is Status.INVALID, results[key]
        assert "PMID" in results[key].reason
    assert "pmid:20001" in results["pmid:020001"].reason
    assert results["pmid:20002"].status is Status.RESOLVED
    ids = [r.params["id"] for r in server.requests if r.endpoint == "efetch.fcgi"]
    assert ids == ["20002"]


# --- replies that misbehave otherwise ---------------------------------------------------------


def mock_resolve(
    handler: Callable[[httpx.Request], httpx.Response], keys: Sequence[str], cache_dir: Path
) -> dict[str, Resolution]:
    """Resolve ``keys`` against ``handler`` (an httpx.MockTransport's): for replies no
    well-behaved server sends."""

    async def go() -> dict[str, Resolution]:
        settings = EutilsSettings(
            base_url="http://eutils.test/", api_key=KEY, backoff=0.01, max_attempts=3
        )
        async with EutilsClient(settings, transport=httpx.MockTransport(handler)) as client:
            with CitationCache(cache_dir) as cache:
                return await resolve_keys(keys, cache, client)

    return asyncio.run(go())


def _asked(request: httpx.Request) -> list[str]:
    return dict(httpx.QueryParams(request.content.decode()))["id"].split(",")


def test_a_reply_holding_none_of_the_pmids_asked_is_asked_again_before_it_counts(
    tmp_path: Path,
) -> None:
    """An empty set (or one of PMIDs not asked) for a batch may be NCBI's blip: asked again
    with backoff, resolved once the server recovers.  PMIDs PubMed lacks (made up) get that
    reply every time: after the second ask, in a smaller batch, they are not_found."""
    replies = {"blank": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        replies["blank"] += 1
        if replies["blank"] <= 2:
            return httpx.Response(200, content=record_set([_record("30001")]))  # not asked
        return httpx.Response(200, content=record_set([_record(p) for p in _asked(request)]))

    results = mock_resolve(flaky, keys_of(PMIDS[:3]), tmp_path / "flaky")
    assert statuses(results) == {"resolved": 3}
    asked: list[list[str]] = []

    def blank(request: httpx.Request) -> httpx.Response:
        asked.append(_asked(request))
        return httpx.Response(200, content=record_set([]))

    made_up = ["99999997", "99999998", "99999999"]
    results = mock_resolve(blank, keys_of(made_up), tmp_path / "blank")
    assert statuses(results) == {"not_found": 3}
    assert len(asked) == 3 + 1  # the first ask and its two retries, then the second ask
    with CitationCache(tmp_path / "blank") as cache:
        assert all(cache.is_missing(pmid) for pmid in made_up)


def test_a_reply_of_only_other_pmids_records_is_never_taken_for_their_absence(
    tmp_path: Path,
) -> None:
    """A reply holding records, none of them of the PMIDs asked (a mixed-up reply), says
    nothing of those PMIDs: on the second ask, and for a single PMID, it was believed and
    they were cached not_found.  They end unresolved, naming the PMIDs the reply held."""
    asked: list[list[str]] = []

    def mixed_up(request: httpx.Request) -> httpx.Response:
        asked.append(_asked(request))
        return httpx.Response(200, content=record_set([_record("30001")]))  # never asked

    for keys in (keys_of(PMIDS[:3]), keys_of(PMIDS[3:4])):
        folder = tmp_path / keys[0].replace(":", "-")
        results = mock_resolve(mixed_up, keys, folder)
        assert statuses(results) == {"unresolved": len(keys)}, results
        assert all("30001" in r.reason for r in results.values())
        with CitationCache(folder) as cache:
            assert not any(cache.is_missing(key.partition(":")[2]) for key in keys)
            assert cache.get_record("30001") is None
    assert len(asked) == 2 * (3 + 3)  # each: the first ask and its retries, the second's


def test_a_record_that_cannot_be_read_costs_its_own_pmid_not_its_batch(tmp_path: Path) -> None:
    """One malformed record (a PubmedArticle without its Article) leaves its PMID
    unresolved, saying why, and uncached; the batch's other records resolve."""
    broken = b"<PubmedArticle><MedlineCitation><PMID>20002</PMID></MedlineCitation></PubmedArticle>"

    def handler(request: httpx.Request) -> httpx.Response:
        body = record_set([_record("20001")]).replace(
            b"</PubmedArticleSet>", broken + b"</PubmedArticleSet>"
        )
        return httpx.Response(200, content=body)

    results = mock_resolve(handler, ["pmid:20001", "pmid:20002"], tmp_path)
    assert results["pmid:20001"].status is Status.RESOLVED
    assert results["pmid:20002"].status is Status.UNRESOLVED
    assert results["pmid:20002"].reason == (
        "PubMed's record cannot be read: PubmedArticle without Article"
    )
    with CitationCache(tmp_path) as cache:
        assert cache.get_record("20002") is None and not cache.is_missing("20002")


def _doi_server(
    records: dict[str, bytes], count: int | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    """esearch finds every PMID of ``records`` (saying it found ``count``); efetch sends
    those asked."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("esearch.fcgi"):
            ids = "".join(f"<Id>{pmid}</Id>" for pmid in records)
            found = len(records) if count is None else count
            body = f"<eSearchResult><Count>{found}</Count><IdList>{ids}</IdList></eSearchResult>"
            return httpx.Response(200, content=body.encode())
        return httpx.Response(200, content=record_set([records[p] for p in _asked(request)]))

    return handler


def test_a_doi_carried_by_a_paper_and_its_erratum_is_the_papers(tmp_path: Path) -> None:
    """When an erratum's record carries its paper's DOI too, the DOI is the paper's,
    whichever PMID is larger."""
    doi = "10.5555/test.shared"
    paper = make_record("20001", title="The paper", doi=doi, journal="J", year=2020)
    erratum = make_record(
        "20009",
        title="Erratum",
        doi=doi,
        journal="J",
        year=2021,
        publication_types=("Published Erratum",),
    )
    results = mock_resolve(
        _doi_server({"20001": paper, "20009": erratum}), [f"doi:{doi}"], tmp_path
    )
    assert results[f"doi:{doi}"].record is not None
    assert results[f"doi:{doi}"].record.pmid == "20001"  # type: ignore[union-attr]


def test_a_doi_two_papers_carry_is_unresolved_naming_them_and_not_cached(tmp_path: Path) -> None:
    """Two papers with one DOI cannot be told apart: the DOI is unresolved, naming both,
    and asked again next run rather than remembered."""
    doi = "10.5555/test.shared"
    first = make_record("20001", title="One", doi=doi, journal="J", year=2020)
    second = make_record("20009", title="Two", doi=doi, journal="J", year=2020)
    results = mock_resolve(_doi_server({"20001": first, "20009": second}), [f"doi:{doi}"], tmp_path)
    assert results[f"doi:{doi}"].status is Status.UNRESOLVED
    assert "20001, 20009" in results[f"doi:{doi}"].reason
    with CitationCache(tmp_path) as cache:
        assert cache.get_doi(doi) == (False, None)


def test_a_search_that_lists_fewer_matches_than_it_found_settles_no_doi(tmp_path: Path) -> None:
    """An esearch reply whose Count exceeds its IdList may have left out the record looked
    for: its DOIs are unresolved, never remembered as not in PubMed."""
    decoy = make_record("20001", title="Decoy", doi="10.5555/decoy", journal="J", year=2020)
    doi = "10.5555/test.beyond"
    results = mock_resolve(_doi_server({"20001": decoy}, count=40), [f"doi:{doi}"], tmp_path)
    assert results[f"doi:{doi}"].status is Status.UNRESOLVED
    assert "40 records matched but 1 were listed" in results[f"doi:{doi}"].reason
    with CitationCache(tmp_path) as cache:
        assert cache.get_doi(doi) == (False, None)


def test_a_doi_matching_too_many_records_costs_itself_alone(tmp_path: Path) -> None:
    """When a batch's search finds more than it lists, its halves are searched again: the
    DOI that matches too many records is unresolved, the others of its batch resolve."""
    good = make_record("20001", title="Good", doi="10.5555/good", journal="J", year=2020)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("esearch.fcgi"):
            term = dict(httpx.QueryParams(request.content.decode()))["term"]
            found, count = (["20001"], 1) if "10.5555/good" in term else ([], 0)
            if "10.5555/many" in term:
                found, count = [*found, "20002"], count + 40
            ids = "".join(f"<Id>{pmid}</Id>" for pmid in found)
            body = f"<eSearchResult><Count>{count}</Count><IdList>{ids}</IdList></eSearchResult>"
            return httpx.Response(200, content=body.encode())
        return httpx.Response(200, content=record_set([good]))

    results = mock_resolve(handler, ["doi:10.5555/good", "doi:10.5555/many"], tmp_path)
    assert results["doi:10.5555/good"].status is Status.RESOLVED
    assert results["doi:10.5555/many"].status is Status.UNRESOLVED
    assert "matched but" in results["doi:10.5555/many"].reason


def test_a_reply_that_repeats_the_api_key_never_carries_it_further(tmp_path: Path) -> None:
    """A server quoting the request in its error text: the reason says [API key], not it."""

    def handler(request: httpx.Request) -> httpx.Response:
        text = f"<eFetchResult><ERROR>Cannot process request api_key={KEY}</ERROR></eFetchResult>"
        return httpx.Response(200, content=text.encode())

    results = mock_resolve(handler, ["pmid:20001"], tmp_path)
    assert KEY not in results["pmid:20001"].reason
    assert "api_key=[API key]" in results["pmid:20001"].reason


def test_a_key_too_short_to_be_ncbis_is_not_cut_out_of_replies(tmp_path: Path) -> None:
    """Only a key as long as NCBI's is cut out of replies: a short one (a test key, a typo)
    could be any text of the reply, and cutting it would change the records."""
    record = make_record("20001", title="Kinase x in TWIST1 signalling", journal="J", year=2020)

    async def go() -> dict[str, Resolution]:
        settings = EutilsSettings(base_url="http://eutils.test/", api_key="x")
        transport = httpx.MockTransport(lambda r: httpx.Response(200, content=record_set([record])))
        async with EutilsClient(settings, transport=transport) as client:
            with CitationCache(tmp_path) as cache:
                return await resolve_keys(["pmid:20001"], cache, client)

    found = asyncio.run(go())["pmid:20001"]
    assert found.record is not None and found.record.title == "Kinase x in TWIST1 signalling"


def test_a_408_is_asked_again(tmp_path: Path) -> None:
    """HTTP 408 (the server stopped waiting for the request) is transient."""
    replies = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        replies["n"] += 1
        if replies["n"] == 1:
            return httpx.Response(408)
        return httpx.Response(200, content=record_set([_record("20001")]))

    assert mock_resolve(handler, ["pmid:20001"], tmp_path)["pmid:20001"].status is Status.RESOLVED


def _with_location(record: bytes, doi: str) -> bytes:
    """``record`` whose ELocationID gives ``doi`` instead of its ArticleIdList's DOI."""
    return re.sub(
        rb"(<ELocationID [^>]*>)[^<]*(</ELocationID>)", rb"\g<1>" + doi.encode() + rb"\2", record
    )


def test_a_doi_the_record_gives_in_its_elocationid_only_resolves_to_it(
    make_eutils_server: Callable[..., EutilsServer], tmp_path: Path
) -> None:
    """A record whose ELocationID DOI is not its ArticleIdList's carries both: a search on
    either finds it, so either resolves to it, never not_in_pubmed (cached for days)."""
    paper = _with_location(_record("20001"), "10.5555/location.20001")
    assert b"10.5555/location.20001" in paper and b"10.5555/test.20001" in paper
    server = make_eutils_server(RecordStore.from_records({"20001": paper}))
    keys = ["doi:10.5555/location.20001", "doi:10.5555/test.20001"]
    results, _ = resolve(server.url, keys, tmp_path)
    assert {key: results[key].status for key in keys} == dict.fromkeys(keys, Status.RESOLVED)
    with CitationCache(tmp_path) as cache:
        assert cache.get_doi("10.5555/location.20001") == (True, "20001")


def test_a_cached_doi_mapping_the_record_no_longer_bears_out_is_searched_again(
    make_eutils_server: Callable[..., EutilsServer], tmp_path: Path
) -> None:
    """When PubMed corrects a record's DOI (refresh stores the record anew) or withdraws the
    record, the DOI's cached PMID is stale: the DOI is searched again and resolves to the
    record that carries it now, or to none, never to the old record for good."""
    moved, gone = "10.5555/test.moved", "10.5555/test.gone"
    store = RecordStore.from_records(
        {"20001": _record_with_doi("20001", moved), "20003": _record_with_doi("20003", gone)}
    )
    server = make_eutils_server(store)
    first, _ = resolve(server.url, [f"doi:{moved}", f"doi:{gone}"], tmp_path)
    assert [first[f"doi:{d}"].record.pmid for d in (moved, gone)] == ["20001", "20003"]  # type: ignore[union-attr]
    corrected = _record_with_doi("20001", "10.5555/test.corrected")
    store.replace(corrected)
    store.add(_record_with_doi("20002", moved))
    store.remove("20003")
    with CitationCache(tmp_path) as cache:  # as enrich refresh leaves it
        cache.put_records([(parse_record(corrected), corrected)], time.time())
        cache.drop_record("20003")
    again, _ = resolve(server.url, [f"doi:{moved}", f"doi:{gone}"], tmp_path)
    assert again[f"doi:{moved}"].record.pmid == "20002"  # type: ignore[union-attr]
    assert again[f"doi:{gone}"].status is Status.NOT_IN_PUBMED
    with CitationCache(tmp_path) as cache:
        assert (cache.get_doi(moved), cache.get_doi(gone)) == ((True, "20002"), (True, None))


def _record_with_doi(pmid: str, doi: str) -> bytes:
    return make_record(pmid, title=f"Paper {pmid}", doi=doi, journal="J", year=2020)


def test_a_doi_one_record_lists_resolves_to_it_though_another_locates_it(
    make_eutils_server: Callable[..., EutilsServer], tmp_path: Path
) -> None:
    """A DOI that one record gives in its ArticleIdList and another only in its ELocationID
    (a typo, a reused DOI) is the first record's: the second's other DOI does not make the
    paper unclear, as it did not before other DOIs were read."""
    owner = _record("20001")
    locator = _with_location(_record("20002"), "10.5555/test.20001")
    server = make_eutils_server(RecordStore.from_records({"20001": owner, "20002": locator}))
    results, _ = resolve(server.url, ["doi:10.5555/test.20001"], tmp_path)
    found = results["doi:10.5555/test.20001"]
    assert found.status is Status.RESOLVED, found.reason
    assert found.record is not None and found.record.pmid == "20001"


def test_a_cached_doi_reads_its_record_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking that a cached DOI's record still carries it costs no second read of the
    record (a read is most of what a cached citation costs, per record per run)."""
    xml = _record("20001")
    with CitationCache(tmp_path) as cache:
        cache.put_records([(parse_record(xml), xml)], time.time())
        cache.put_doi("10.5555/test.20001", "20001")
        reads = count_record_reads(monkeypatch)
        results = asyncio.run(resolve_keys(["doi:10.5555/test.20001", "pmid:20001"], cache, None))
    assert {r.status for r in results.values()} == {Status.RESOLVED}
    assert reads == ["20001"]


def test_a_blank_second_ask_leaves_pmids_unresolved_when_a_witness_shows_it_is_no_answer(
    tmp_path: Path,
) -> None:
    """The second ask of PMIDs a reply left out carries a PMID known to exist (one the
    cache holds): a reply without it is NCBI's blip, not an answer, so a real PMID met by
    blank replies throughout is unresolved (asked again next run), never not_found and
    cached as missing for days.  A reply holding the witness and not a made-up PMID is
    believed: that one is not_found."""
    known, real, made_up = "30001", "30002", "99999999"
    cache_dir = tmp_path / "cache"

    def existing(request: httpx.Request) -> httpx.Response:
        found = [p for p in _asked(request) if p in {known, real}]
        return httpx.Response(200, content=record_set([_record(p) for p in found]))

    assert statuses(mock_resolve(existing, keys_of([known]), cache_dir)) == {"resolved": 1}
    asked: list[list[str]] = []

    def blank(request: httpx.Request) -> httpx.Response:
        asked.append(_asked(request))
        return httpx.Response(200, content=record_set([]))

    results = mock_resolve(blank, keys_of([known, real]), cache_dir)
    assert results[f"pmid:{real}"].status is Status.UNRESOLVED
    assert asked[-1] == [real, known]  # the witness rode along with the second ask
    with CitationCache(cache_dir) as cache:
        assert not cache.is_missing(real)
    results = mock_resolve(existing, keys_of([known, made_up]), cache_dir)
    assert results[f"pmid:{made_up}"].status is Status.NOT_FOUND
    results = mock_resolve(existing, keys_of([known, real]), cache_dir)
    assert statuses(results) == {"resolved": 2}


def test_a_cached_witness_pubmed_withdrew_does_not_keep_missing_pmids_unresolved(
    tmp_path: Path,
) -> None:
    """The cache may still hold a record PubMed has since withdrawn (until a refresh drops
    it): were it the one witness of the second ask, every reply would leave it out, and a
    made-up PMID would stay unresolved run after run, never not_found.  A few cached PMIDs
    ride along, so the others still witness the answer."""
    withdrawn, kept = "30001", ["30002", "30003"]
    made_up = "99999999"
    cache_dir = tmp_path / "cache"

    def before(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=record_set([_record(p) for p in _asked(request)]))

    assert statuses(mock_resolve(before, keys_of([withdrawn, *kept]), cache_dir)) == {"resolved": 3}
    asked: list[list[str]] = []

    def now(request: httpx.Request) -> httpx.Response:  # 30001 withdrawn since
        asked.append(_asked(request))
        found = [p for p in _asked(request) if p in kept]
        return httpx.Response(200, content=record_set([_record(p) for p in found]))

    results = mock_resolve(now, keys_of([withdrawn, *kept, made_up]), cache_dir)
    assert results[f"pmid:{made_up}"].status is Status.NOT_FOUND
    assert asked[-1] == [made_up, withdrawn, *kept]
    with CitationCache(cache_dir) as cache:
        assert cache.is_missing(made_up)


def test_a_pmid_pubmed_lacks_given_with_a_doi_resolves_by_the_doi(
    server_factory: Any, tmp_path: Path
) -> None:
    """A fallback key is its PMID's Resolution when PubMed has the PMID (its DOI never
    searched, even one PubMed lacks), else its DOI's; the PMID's own key still says
    not_found, and no key but those asked comes back."""
    server = server_factory()
    kept = fallback_key("20001", "10.9999/never-searched")
    typo = fallback_key("99999901", "10.5555/TEST.20002")
    both_wrong = fallback_key("99999902", "10.9999/absent")
    keys = [kept, typo, both_wrong, "pmid:99999901"]
    results, _ = resolve(server.url, keys, tmp_path)
    assert list(results) == keys
    assert [r.key for r in results.values()] == keys
    assert results[kept].status is Status.RESOLVED
    assert results[kept].record is not None and results[kept].record.pmid == "20001"
    assert results[typo].status is Status.RESOLVED
    assert results[typo].record is not None and results[typo].record.pmid == "20002"
    assert results["pmid:99999901"].status is Status.NOT_FOUND
    assert results[both_wrong].status is Status.NOT_IN_PUBMED
    terms = " ".join(r.params["term"] for r in server.requests if r.endpoint == "esearch.fcgi")
    assert "10.5555/test.20002" in terms and "10.9999/absent" in terms
    assert "never-searched" not in terms


def test_fallback_keys_are_settled_as_they_become_final_and_then_from_the_cache(
    server_factory: Any, tmp_path: Path
) -> None:
    """on_settled hears of a fallback key with its final Resolution (as its PMID's, or its
    DOI's once searched), of no helper key; the next run answers every one from the cache,
    offline too, without a request."""
    server = server_factory()
    keys = [fallback_key(pmid, f"10.5555/test.{pmid}") for pmid in PMIDS[:30]]
    keys += [fallback_key("99999903", "10.5555/test.20400"), "pmid:20401"]
    heard: dict[str, Resolution] = {}

    def settled(resolutions: dict[str, Resolution]) -> None:
        for key, resolution in resolutions.items():
            heard.setdefault(key, resolution)

    results, _ = resolve(server.url, keys, tmp_path, settled, batch_size=10)
    assert set(heard) == set(results) == set(keys)
    assert {key for key in heard if heard[key] != results[key]} == set()
    assert results[keys[30]].record is not None and results[keys[30]].record.pmid == "20400"
    warm, requests = resolve(server.url, keys, tmp_path)
    assert requests == 0 and warm == {
        key: replace(r, from_cache=True) for key, r in results.items()
    }
    offline = resolve_citations(
        keys, cache_dir=tmp_path, eutils=EutilsSettings(base_url=server.url), offline=True
    )
    assert offline.resolutions == warm
    # each key counts: a fallback key stands for its PMID when that is not asked by itself
    assert offline.cache_hits == 32


def _settled_resolve(
    handler: Callable[[httpx.Request], httpx.Response], keys: Sequence[str], cache_dir: Path
) -> tuple[dict[str, Resolution], dict[str, list[Resolution]]]:
    """:func:`mock_resolve`, also returning every Resolution on_settled heard, by key."""
    heard: dict[str, list[Resolution]] = {}

    def settled(resolutions: dict[str, Resolution]) -> None:
        for key, resolution in resolutions.items():
            heard.setdefault(key, []).append(resolution)

    async def go() -> dict[str, Resolution]:
        settings = EutilsSettings(
            base_url="http://eutils.test/", api_key=KEY, backoff=0.01, max_attempts=1
        )
        async with EutilsClient(settings, transport=httpx.MockTransport(handler)) as client:
            with CitationCache(cache_dir) as cache:
                return await resolve_keys(keys, cache, client, on_settled=settled)

    return asyncio.run(go()), heard


def test_a_pmid_settled_before_a_fallback_searches_its_doi_is_not_settled_again(
    server_factory: Any, tmp_path: Path
) -> None:
    """A document cites PMID 20002, and elsewhere the same paper by a mistyped PMID beside
    its DOI.  Searching that DOI fetches 20002 again (a candidate): pmid:20002, settled
    already (fetched, not from the cache), must keep that Resolution — on_settled heard it,
    and the run's cache hits count it — never come back read from the cache."""
    server = server_factory()
    keys = ["pmid:20002", "pmid:99999901", fallback_key("99999901", "10.5555/test.20002")]
    heard: dict[str, list[Resolution]] = {}

    def settled(resolutions: dict[str, Resolution]) -> None:
        for key, resolution in resolutions.items():
            heard.setdefault(key, []).append(resolution)

    results, _ = resolve(server.url, keys, tmp_path, settled)
    assert results[keys[2]].status is Status.RESOLVED
    assert results["pmid:20002"].from_cache is False  # fetched this run
    assert {k: rs for k, rs in heard.items() if any(r != results[k] for r in rs)} == {}


def test_a_pmid_that_failed_stays_failed_when_a_fallback_fetches_it_for_its_doi(
    tmp_path: Path,
) -> None:
    """pmid:20002's record cannot be read when first asked: it is settled unresolved at
    once (documents citing it may be rendered then).  A fallback key whose DOI is 20002's
    then fetches it as the DOI's candidate, readable this time: pmid:20002 must not end
    resolved after on_settled was told it is unresolved (its documents would show it
    unresolved, the summary and the incremental state resolved)."""
    broken = b"<PubmedArticle><MedlineCitation><PMID>20002</PMID></MedlineCitation></PubmedArticle>"
    efetches: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("esearch.fcgi"):
            body = b"<eSearchResult><Count>1</Count><IdList><Id>20002</Id></IdList></eSearchResult>"
            return httpx.Response(200, content=body)
        efetches.append(_asked(request))
        if len(efetches) == 1:  # the first ask: 20002's record unreadable, 99999901 absent
            body = record_set([]).replace(b"</PubmedArticleSet>", broken + b"</PubmedArticleSet>")
            return httpx.Response(200, content=body)
        found = [p for p in _asked(request) if p == "20002"]
        return httpx.Response(200, content=record_set([_record(p) for p in found]))

    keys = ["pmid:20002", "pmid:99999901", fallback_key("99999901", "10.5555/test.20002")]
    results, heard = _settled_resolve(handler, keys, tmp_path)
    assert heard["pmid:20002"][0].status is Status.UNRESOLVED
    assert results["pmid:99999901"].status is Status.NOT_FOUND
    assert {k: rs for k, rs in heard.items() if any(r != results[k] for r in rs)} == {}
