"""The NCBI E-utilities query service: URLs, politeness, retries; bytes out.

Parsing and judging reply bodies lives in :mod:`enrich.entrez.pubmed` and
:mod:`enrich.entrez.replies`; deciding what to ask lives in :mod:`enrich.entrez.resolve`.
This module promises NCBI's rules:

* every request carries ``tool`` and ``email`` (and ``api_key`` when set);
* request starts are spaced by the rate limiter of :mod:`enrich.entrez.limiter`, one
  per E-utilities host, API key and rate, shared by every client of the process and,
  through its state, by every enrich process of the machine (or of every machine using
  one Redis server): at most 3 requests/s, 10 with an API key (a lower rate may be
  configured, never a higher one);
* 429 (and NCBI's rate-limit error in a 200 reply), 5xx, 408, timeouts and connection
  errors are retried with exponential backoff
  and jitter, honouring ``Retry-After`` up to :attr:`EutilsSettings.max_retry_after`
  seconds (a longer wait asked for is capped, and every wait of a second or more is
  logged, on the ``enrich`` logger, with how long and why); other 4xx are not retried;
* after repeated connection failures the circuit opens and every further
  request fails at once with :class:`~enrich.errors.CircuitOpen`.

Every reply is bounded in size and time: the body is streamed and decoded here (gzip
or deflate, at most :attr:`EutilsSettings.max_reply_bytes` once decoded: a larger one is
abandoned and not asked again, :class:`~enrich.errors.ReplyTooLarge`), each read waits
at most ``timeout`` seconds and a whole attempt at most ``2 * timeout``.

Redirects are never followed (the API key would go along to wherever they point): a
redirect, a 404 (no E-utilities at the address: a mistyped ``eutils_url``) and NCBI's
answer to an invalid API key are :class:`~enrich.errors.EutilsRefused`,
a configuration error that ends the command.

The API key is sent to NCBI and nowhere else: it is not in exceptions, logs or
return values, and a reply that repeats it has it replaced by ``[API key]`` before any
parser sees the body.

A server that answers with :data:`TEST_SERVER_HEADER` (``enrich.testing``'s local server
does, on every reply; NCBI never does) serves test data: the client notes it
(:attr:`EutilsClient.test_server`) and the resolvers mark what it sent, so that every
report made from it says so.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar
from urllib.parse import urlsplit

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from enrich.entrez.limiter import LimiterSettings, RateLimiter, open_limiter
from enrich.errors import (
    CircuitOpen,
    ErrorReply,
    EutilsRefused,
    NetworkError,
    RateLimited,
    ReplyTooLarge,
    RequestRejected,
    ServerError,
    TransientError,
    TruncatedReply,
)

__all__ = ["DEFAULT_EUTILS_URL", "TEST_SERVER_HEADER", "EutilsClient", "EutilsSettings"]

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
#: The reply header by which a server says it serves test data, not NCBI's records
TEST_SERVER_HEADER = "X-Enrich-Test-Server"
NCBI_RATE = 3.0
NCBI_RATE_WITH_KEY = 10.0
_ERROR_BODY_BYTES = 65536  #: what is read of an error reply, to find NCBI's message

T = TypeVar("T")
logger = logging.getLogger("enrich.entrez")


@dataclass(frozen=True, slots=True)
class EutilsSettings:
    """How to talk to E-utilities. ``rate`` None means NCBI's limit for the key status."""

    base_url: str = DEFAULT_EUTILS_URL
    email: str | None = None
    api_key: str | None = None
    tool: str = "enrich"
    rate: float | None = None
    batch_size: int = 200
    concurrency: int | None = None  #: batches in flight; None: see effective_concurrency
    timeout: float = 30.0
    max_attempts: int = 5
    breaker_threshold: int = 3
    breaker_cooldown: float = 30.0  #: seconds an open circuit waits before one request tries
    backoff: float = 0.5  #: first retry wait in seconds (doubling, plus up to as much jitter)
    max_backoff: float = 20.0
    max_retry_after: float = 10.0  #: the longest wait a ``Retry-After`` may impose, seconds
    max_reply_bytes: int = 128 * 2**20  #: the largest reply body accepted, once decoded
    limiter: LimiterSettings = field(default_factory=LimiterSettings)  #: who shares the pace

    def open_limiter(self) -> RateLimiter:
        """This process's rate limiter for these settings' host, key and rate; raises
        LimiterUnavailable when its shared state cannot be used."""
        return open_limiter(
            self.limiter, host=_host(self.base_url), api_key=self.api_key, rate=self.effective_rate
        )

    @property
    def attempt_deadline(self) -> float:
        """Seconds one attempt may take in all (``timeout`` bounds each read): twice the
        timeout, so a server that trickles a byte at a time cannot hold a request longer."""
        return 2 * self.timeout

    @property
    def effective_rate(self) -> float:
        """Requests per second actually used: the configured rate capped at NCBI's limit."""
        limit = NCBI_RATE_WITH_KEY if self.api_key else NCBI_RATE
        return min(self.rate, limit) if self.rate else limit

    @property
    def effective_concurrency(self) -> int:
        """Batches in flight: as configured, else two seconds' worth of requests (6, or 20
        with a key), so that a batch's latency (NCBI's efetch of 200 records often takes a
        second or two) never holds the pace below the rate; the limiter paces the starts."""
        if self.concurrency is not None:
            return self.concurrency
        return math.ceil(2 * self.effective_rate)

    def __repr__(self) -> str:  # never show the key
        key = "set" if self.api_key else "none"
        return f"EutilsSettings(base_url={self.base_url!r}, api_key={key}, rate={self.rate})"


class _CircuitBreaker:
    """Opens after ``threshold`` consecutive connection failures; any response closes it.

    One per E-utilities host in a process (:meth:`shared`), so that every client of a run
    (PubMed's, NCBI Gene's) learns at once that the host is unreachable.  An open circuit
    lets one request try again after ``cooldown`` seconds, so a long-lived process
    recovers when the network does.
    """

    _shared: ClassVar[dict[tuple[str, int, float], _CircuitBreaker]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, threshold: int, cooldown: float = 30.0) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.opened_at = 0.0
        self.reason = ""

    @classmethod
    def shared(cls, host: str, threshold: int, cooldown: float) -> _CircuitBreaker:
        """The process-wide breaker for ``host``."""
        with cls._shared_lock:
            key = (host, threshold, cooldown)
            return cls._shared.setdefault(key, cls(threshold, cooldown))

    @property
    def is_open(self) -> bool:
        if self.failures < self.threshold:
            return False
        if time.monotonic() - self.opened_at >= self.cooldown:
            self.opened_at = time.monotonic()  # half-open: this request tries
            return False
        return True

    def record(self, error: BaseException | None) -> None:
        if error is None:
            self.failures = 0
        elif isinstance(error, NetworkError) and getattr(error, "connect", False):
            self.failures += 1
            self.reason = str(error)
            if self.failures >= self.threshold:
                self.opened_at = time.monotonic()


class _ConnectFailed(NetworkError):
    """The connection itself could not be made: the kind of failure the breaker counts."""

    connect = True


class EutilsClient:
    """An async E-utilities client; use as ``async with EutilsClient(settings) as client``.

    ``transport`` replaces httpx's network transport (tests pass a MockTransport
    or nothing and point ``base_url`` at ``enrich.testing.EutilsServer``).
    ``requests`` counts HTTP requests sent, retries included; ``test_server`` turns true
    once a reply carried :data:`TEST_SERVER_HEADER`.
    """

    def __init__(
        self, settings: EutilsSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self.requests = 0
        self.test_server = False  #: a reply said the server serves test data
        self._base = (
            settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
        )
        self._limiter = settings.open_limiter()
        self._breaker = _CircuitBreaker.shared(
            _host(self._base), settings.breaker_threshold, settings.breaker_cooldown
        )
        self._transport = transport
        self._http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> EutilsClient:
        timeout = httpx.Timeout(self.settings.timeout, connect=min(10.0, self.settings.timeout))
        limits = httpx.Limits(max_connections=self.settings.effective_concurrency + 2)
        self._http = httpx.AsyncClient(
            transport=self._transport,
            timeout=timeout,
            limits=limits,
            headers={
                "User-Agent": f"{self.settings.tool} (+https://github.com/enrich)",
                "Accept-Encoding": "gzip, deflate",  # the encodings _read_body decodes
            },
            follow_redirects=False,  # httpx's default, relied upon: the key stays with NCBI
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def call(
        self,
        endpoint: str,
        params: Mapping[str, str],
        parse: Callable[[bytes], T],
    ) -> T:
        """POST ``params`` to ``endpoint`` and return ``parse(body)``, retrying transient failures.

        ``parse`` runs in a worker thread and judges the body: it raises
        :class:`~enrich.errors.TruncatedReply` for a reply cut short (asked again) and
        :class:`~enrich.errors.ErrorReply` for an error NCBI states (not asked again),
        as the parsers of :mod:`enrich.entrez` do through :mod:`enrich.entrez.replies`.
        Raises CircuitOpen, RequestRejected, ErrorReply, or the last TransientError.
        """
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=_wait_for(
                wait_exponential_jitter(
                    multiplier=self.settings.backoff,
                    max=self.settings.max_backoff,
                    jitter=self.settings.backoff,
                ),
                self.settings.max_retry_after,
            ),
            retry=retry_if_exception_type(TransientError),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                body = await self._post(endpoint, params)
                return await asyncio.to_thread(parse, body)
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    async def _post(self, endpoint: str, params: Mapping[str, str]) -> bytes:
        if self._breaker.is_open:
            raise CircuitOpen(f"E-utilities unreachable ({self._breaker.reason}); not asked")
        assert self._http is not None, "use EutilsClient as an async context manager"
        data = {**params, "tool": self.settings.tool}
        if self.settings.email:
            data["email"] = self.settings.email
        if self.settings.api_key:
            data["api_key"] = self.settings.api_key
        await self._limiter.wait()
        self.requests += 1
        deadline = self.settings.attempt_deadline
        try:
            async with (
                asyncio.timeout(deadline),
                self._http.stream("POST", self._base + endpoint, data=data) as response,
            ):
                self._breaker.record(None)  # any response shows the host is reachable
                if response.headers.get(TEST_SERVER_HEADER):
                    self.test_server = True
                body = await self._reply_body(endpoint, response)
        except httpx.TransportError as exc:
            error = self._network_error(endpoint, exc)
            self._breaker.record(error)
            raise error from exc
        except TimeoutError as exc:
            message = f"{endpoint}: no complete reply within {deadline:g} s"
            raise NetworkError(message) from exc
        key = self.settings.api_key
        # A server that repeats the key in its reply (an error message quoting the request)
        # would carry it into messages, reports and the cache: it never gets past here.  (A
        # key too short to be NCBI's 36 characters could be any text of the reply: kept.)
        if key and len(key) >= _REDACTED_KEY_LENGTH:
            return body.replace(key.encode(), b"[API key]")
        return body

    async def _reply_body(self, endpoint: str, response: httpx.Response) -> bytes:
        """The decoded body of a successful reply; raise the matching error otherwise."""
        status = response.status_code
        if 300 <= status < 400:
            target = _host(response.headers.get("Location", "")) or "an unnamed address"
            raise EutilsRefused(
                f"E-utilities at {_host(self._base)} answered {endpoint} with a redirect "
                f"(HTTP {status}) to {target}; enrich does not follow redirects, so that the "
                "API key never goes elsewhere: set eutils_url (ENRICH_EUTILS_URL) to the "
                "address E-utilities is served at"
            )
        if status == 429:
            raise RateLimited(f"{endpoint}: HTTP 429 rate limit exceeded", _retry_after(response))
        if status == 408:  # the server gave up waiting for the request: a transport hiccup
            raise NetworkError(f"{endpoint}: HTTP 408 request timeout")
        if status >= 500:
            raise ServerError(f"{endpoint}: HTTP {status}", _retry_after(response))
        if status == 404:  # no E-utilities at that address: every request would say so
            raise EutilsRefused(
                f"E-utilities at {_host(self._base)} answered {endpoint} with HTTP 404 Not "
                "Found: no E-utilities there; set eutils_url (ENRICH_EUTILS_URL) to the "
                "address E-utilities is served at"
            )
        if status >= 400:
            body = await _read_body(endpoint, response, _ERROR_BODY_BYTES, cut=True)
            if _is_invalid_key(body) and self.settings.api_key:
                raise EutilsRefused(
                    "NCBI rejects the API key (NCBI_API_KEY): API key invalid; "
                    "correct NCBI_API_KEY or unset it to run without one"
                )
            raise RequestRejected(f"{endpoint}: HTTP {status} {response.reason_phrase}")
        return await _read_body(endpoint, response, self.settings.max_reply_bytes)

    def _network_error(self, endpoint: str, exc: httpx.TransportError) -> NetworkError:
        """The NetworkError for a request that got no response (never naming the key)."""
        host = _host(self._base)
        if isinstance(exc, httpx.ConnectError):
            return _ConnectFailed(f"cannot connect to {host}: {_reason(exc)}")
        if isinstance(exc, httpx.ConnectTimeout):
            return _ConnectFailed(f"connecting to {host} timed out")
        if isinstance(exc, httpx.TimeoutException):
            return NetworkError(f"{endpoint} timed out after {self.settings.timeout:g} s")
        return NetworkError(f"{endpoint}: connection failed: {_reason(exc)}")


#: the shortest API key cut out of replies: NCBI's keys have 36 characters
_REDACTED_KEY_LENGTH = 16


async def _read_body(
    endpoint: str, response: httpx.Response, limit: int, cut: bool = False
) -> bytes:
    """The body of ``response`` decoded (gzip, deflate or none), streamed: at most ``limit``
    bytes once decoded are ever held.  Past that, ReplyTooLarge, or with ``cut`` the first
    ``limit`` bytes.  A compressed body that ends early is a TruncatedReply."""
    if response.is_stream_consumed:  # read whole by its transport (httpx.MockTransport)
        return _within(endpoint, response.content, limit, cut)
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise ErrorReply(f"{endpoint}: reply in an encoding enrich does not read ({encoding})")
    decoder = None if encoding in ("identity", "") else zlib.decompressobj(zlib.MAX_WBITS | 32)
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_raw():
            pending = chunk
            while pending and size <= limit:
                if decoder is None:
                    piece, pending = pending, b""
                else:
                    piece = decoder.decompress(pending, limit + 1 - size)
                    pending = decoder.unconsumed_tail
                    if decoder.eof and decoder.unused_data.strip(b"\0"):  # a next gzip member
                        pending = decoder.unused_data
                        decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)
                parts.append(piece)
                size += len(piece)
            if size > limit:
                return _within(endpoint, b"".join(parts), limit, cut)
    except zlib.error as exc:
        raise ErrorReply(f"{endpoint}: reply body does not decode as {encoding}: {exc}") from exc
    if decoder is not None and not decoder.eof:
        raise TruncatedReply(f"{endpoint}: {encoding} reply body cut short")
    return b"".join(parts)


def _within(endpoint: str, body: bytes, limit: int, cut: bool) -> bytes:
    """``body`` if at most ``limit`` bytes, else its start (``cut``) or ReplyTooLarge."""
    if len(body) <= limit:
        return body
    if cut:
        return body[:limit]
    raise ReplyTooLarge(
        f"{endpoint}: reply over {limit / 2**20:g} MiB once decoded: abandoned "
        "(a smaller batch_size makes smaller replies)"
    )


def _is_invalid_key(body: bytes) -> bool:
    """Whether ``body`` is NCBI's answer to an invalid key: ``{"error": "API key invalid"}``."""
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and "api key" in str(data.get("error", "")).lower()


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (given as seconds or as an HTTP date), uncapped; None if
    absent or unreadable (a negative or non-finite number of seconds among them)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _wait_for(
    backoff: Callable[[RetryCallState], float], longest: float
) -> Callable[[RetryCallState], float]:
    """Wait ``Retry-After`` (at most ``longest`` seconds) when the server gave one, else
    ``backoff``; a wait of a second or more is logged with its reason."""

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = getattr(error, "retry_after", None)
        if asked is None:
            return backoff(state)
        seconds = min(float(asked), longest)
        if seconds >= 1.0:
            capped = f" (it asked for {asked:g} s; capped)" if asked > longest else ""
            logger.warning(
                "%s: E-utilities asked to wait (Retry-After): waiting %g s before asking again%s",
                error,
                seconds,
                capped,
            )
        return seconds

    return wait


def _host(base_url: str) -> str:
    return urlsplit(base_url).netloc or base_url


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
