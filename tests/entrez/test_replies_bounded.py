"""Every reply is bounded in size and time, and a server that refuses the configuration ends
the command: a gzip bomb, a trickling reply, a huge Retry-After, a redirect and an invalid
API key, each served over a real socket by the local E-utilities server."""

from __future__ import annotations

import asyncio
import gzip
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from enrich.entrez import EutilsSettings, resolve_citations
from enrich.entrez.client import _read_body, _retry_after
from enrich.errors import EutilsRefused
from enrich.model import Status
from enrich.testing import EutilsServer, Faults, RecordStore, make_record

PMID = "96000001"


@pytest.fixture
def store() -> RecordStore:
    """One record."""
    records = RecordStore()
    records.add(make_record(PMID, title="TWIST1 in a bounded reply", doi="10.5555/bounded.1"))
    return records


def _resolve(server: EutilsServer, cache: Path, **settings: object) -> tuple[Status, str]:
    eutils = EutilsSettings(base_url=server.url, backoff=0.01, **settings)  # type: ignore[arg-type]
    resolution = resolve_citations([f"pmid:{PMID}"], cache_dir=cache, eutils=eutils)
    found = resolution.resolutions[f"pmid:{PMID}"]
    return found.status, found.reason


def test_gzip_bomb_is_abandoned_at_the_cap_and_not_asked_again(
    store: RecordStore, tmp_path: Path
) -> None:
    """A 1 MiB gzip body inflating to 1 GiB is cut off at the decoded-size cap, its citation
    ends unresolved saying why, and the request is not retried."""
    faults = Faults(script=["gzip_bomb"])
    with EutilsServer(store, faults=faults, rate_limit=None) as server:
        started = time.monotonic()
        status, reason = _resolve(server, tmp_path, max_reply_bytes=8 * 2**20)
        assert time.monotonic() - started < 10
        assert server.count(endpoint="efetch.fcgi") == 1
    assert status is Status.UNRESOLVED and "over 8 MiB once decoded" in reason


def test_trickling_reply_meets_the_attempt_deadline(store: RecordStore, tmp_path: Path) -> None:
    """A server sending a byte every 0.1 s (each read within the timeout) is abandoned at
    the per-attempt deadline, twice the timeout, on every attempt."""
    faults = Faults(script=["trickle", "trickle"], hang_seconds=1.0)
    with EutilsServer(store, faults=faults, rate_limit=None) as server:
        started = time.monotonic()
        status, reason = _resolve(server, tmp_path, timeout=0.5, max_attempts=2)
        seconds = time.monotonic() - started
    assert status is Status.UNRESOLVED and "no complete reply within 1 s" in reason
    assert seconds < 5


def test_huge_retry_after_is_capped_and_said(
    store: RecordStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 429 asking to wait an hour waits the cap instead, with a line saying how long and
    why, and then resolves."""
    with EutilsServer(
        store, faults=Faults(burst_429=1), retry_after=3600, rate_limit=None
    ) as server:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="enrich"):
            status, _ = _resolve(server, tmp_path, max_retry_after=1.0)
        seconds = time.monotonic() - started
    assert status is Status.RESOLVED and 1.0 <= seconds < 5
    (line,) = [r.getMessage() for r in caplog.records]
    assert "HTTP 429" in line and "waiting 1 s" in line and "asked for 3600 s; capped" in line


def test_redirect_is_a_configuration_error_and_never_followed(
    store: RecordStore, tmp_path: Path
) -> None:
    """A redirect to another host ends the command with a message naming it, and nothing
    (the API key least of all) is sent there."""
    with EutilsServer(store, faults=Faults(redirect=1.0), rate_limit=None) as server:  # noqa: SIM117 - the second needs the first's port
        with EutilsServer(store, host="127.0.0.2", port=server.port) as elsewhere:
            with pytest.raises(EutilsRefused, match=r"redirect \(HTTP 302\) to 127\.0\.0\.2"):
                _resolve(server, tmp_path, api_key="secret-key")
            assert elsewhere.requests == []


def test_invalid_api_key_is_a_configuration_error(store: RecordStore, tmp_path: Path) -> None:
    """NCBI's HTTP 400 "API key invalid" ends the command naming NCBI_API_KEY (never the key);
    the same server answers a request without a key."""
    with EutilsServer(store, faults=Faults(invalid_api_key=1.0), rate_limit=None) as server:
        with pytest.raises(EutilsRefused, match="NCBI_API_KEY") as raised:
            _resolve(server, tmp_path, api_key="secret-key")
        assert "secret-key" not in str(raised.value)
        assert _resolve(server, tmp_path)[0] is Status.RESOLVED


@pytest.mark.parametrize(
    ("value", "seconds"), [("3", 3.0), ("nan", None), ("-5", None), ("inf", None)]
)
def test_a_retry_after_that_is_no_wait_falls_back_to_backoff(
    value: str, seconds: float | None
) -> None:
    """A negative or non-finite Retry-After is unreadable (the backoff decides), never a
    wait of none or of NaN."""
    response = httpx.Response(429, headers={"Retry-After": value})
    assert _retry_after(response) == seconds


def test_a_gzip_reply_of_several_members_is_read_whole() -> None:
    """RFC 1952 lets a gzip body hold several members, one after another: every member's
    bytes are the reply (trailing zero padding is ignored)."""
    body = gzip.compress(b"<PubmedArticleSet>") + gzip.compress(b"</PubmedArticleSet>") + b"\0\0"
    for chunks in ([body], [body[:5], body[5:40], body[40:]]):
        response = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=_Chunks(chunks))
        decoded = asyncio.run(_read_body("efetch.fcgi", response, 2**20))
        assert decoded == b"<PubmedArticleSet></PubmedArticleSet>"


class _Chunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
