"""A local NCBI E-utilities server over real sockets: records, rate limits, latency, faults.

Rate limiting follows NCBI: a sliding one-second window per server, counted by arrival
time, for requests without ``api_key`` (limit ``rate_limit``) and one window per key
value (limit ``api_key_rate_limit``). Every request to an E-utility counts, rejected ones
included, so a client that retries without waiting stays locked out, as on NCBI
(whose 429 bodies report counts far above the limit). Requests to unknown paths do not count.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import ipaddress
import socket
import struct
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from enrich.entrez.client import TEST_SERVER_HEADER
from enrich.figures import count, many
from enrich.testing import _replies
from enrich.testing._faults import Decision, FaultPlan, Faults
from enrich.testing._genes import GeneStore, gene_reply_json, gene_reply_xml
from enrich.testing._records import RecordStore

BASE_PATH = "/entrez/eutils/"
ENDPOINTS = ("efetch.fcgi", "esearch.fcgi", "esummary.fcgi")
_LOOPBACK_NAMES = ("localhost",)
_XML = "text/xml; charset=UTF-8"
_Request = socket.socket | tuple[bytes, socket.socket]


@dataclass(frozen=True)
class RequestLog:
    """One request as the server saw it.

    ``params`` never holds the ``api_key`` value; ``api_key`` only says whether one was sent,
    and ``key_digest`` is :func:`key_digest` of it (so requests can be told apart by key).
    ``status`` is None when no response was sent (``reset``/``timeout`` faults); ``fault``
    names the injected fault, ``"rate_limit"`` for a genuine 429, or None.
    ``time`` is ``time.monotonic()`` at arrival.
    """

    time: float
    method: str
    path: str
    params: dict[str, str]
    n_ids: int
    status: int | None
    fault: str | None
    api_key: bool = False
    key_digest: str | None = None

    @property
    def endpoint(self) -> str:
        """The last path segment, e.g. ``efetch.fcgi``."""
        return self.path.rsplit("/", 1)[-1]


@dataclass
class _Reply:
    status: int | None
    body: bytes = b""
    content_type: str = _XML
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    action: Literal["send", "reset", "hang", "trickle"] = "send"


class _SlidingWindow:
    """Arrivals within the last second; ``admit`` counts the new one and says if it fits."""

    def __init__(self) -> None:
        self._arrivals: deque[float] = deque()

    def admit(self, now: float, limit: int) -> tuple[bool, int]:
        while self._arrivals and self._arrivals[0] <= now - 1.0:
            self._arrivals.popleft()
        self._arrivals.append(now)
        return len(self._arrivals) <= limit, len(self._arrivals)


def key_digest(api_key: str) -> str:
    """A short digest naming an API key in the log without holding it."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:12]


def check_loopback(host: str) -> None:
    """Raise ``ValueError`` unless ``host`` is a loopback address (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in _LOOPBACK_NAMES:
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            f"refusing to bind to {host!r}: the test server only listens on loopback "
            "addresses such as 127.0.0.1"
        )


class EutilsServer:
    """A local E-utilities (efetch, esearch, esummary for db=pubmed; esummary for db=gene)
    on a background thread.

    ``genes`` holds the gene summaries served (by default the ``genes.json`` of a records
    folder given as a path; none for a RecordStore).

    Every reply carries ``X-Enrich-Test-Server: 1`` (:data:`~enrich.entrez.TEST_SERVER_HEADER`),
    so that enrich marks what it serves as test data in every report; ``test_header=False``
    leaves it out, to pose as NCBI, which never sends it.

    Use as a context manager or call ``start()``/``stop()``; ``url`` is the base URL ending
    in ``/``. Each request runs in its own thread, so latency overlaps across concurrent
    requests. ``records`` and ``faults`` may be changed while the server runs.
    """

    def __init__(
        self,
        records: RecordStore | Path | str,
        *,
        genes: GeneStore | None = None,
        rate_limit: int | None = 3,
        api_key_rate_limit: int = 10,
        latency: float = 0.0,
        per_record_latency: float = 0.0,
        faults: Faults | None = None,
        retry_after: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        test_header: bool = True,
    ) -> None:
        check_loopback(host)
        self.records = (
            records if isinstance(records, RecordStore) else RecordStore.from_folder(records)
        )
        if genes is None:  # a folder's genes.json, if it has one
            folder = None if isinstance(records, RecordStore) else records
            genes = GeneStore() if folder is None else GeneStore.from_folder(folder)
        self.genes = genes
        self.rate_limit = rate_limit
        self.api_key_rate_limit = api_key_rate_limit
        self.latency = latency
        self.per_record_latency = per_record_latency
        self.retry_after = retry_after
        self.host = host
        self.port = port
        self.test_header = test_header
        self._plan = FaultPlan(faults)
        self._log: list[RequestLog] = []
        self._lock = threading.Lock()
        self._windows: dict[str | None, _SlidingWindow] = {}
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> EutilsServer:
        """Bind and start serving; returns self. ``RuntimeError`` if already running."""
        if self._httpd is not None:
            raise RuntimeError("server already running")
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # so that stop() returns quickly
            name=f"eutils-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake hanging or sleeping handlers and close open connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EutilsServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8765/entrez/eutils/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{BASE_PATH}"

    # -- faults and log ----------------------------------------------------------------

    @property
    def faults(self) -> Faults:
        """The faults in force; assigning new ones restarts their script, burst and seed."""
        return self._plan.faults

    @faults.setter
    def faults(self, faults: Faults | None) -> None:
        self._plan = FaultPlan(faults)

    @property
    def requests(self) -> list[RequestLog]:
        """A copy of the request log, in arrival order."""
        with self._lock:
            return list(self._log)

    def count(
        self,
        *,
        status: int | None = None,
        endpoint: str | None = None,
        fault: str | None = None,
        api_key: str | None = None,
    ) -> int:
        """How many logged requests match every filter given (e.g. ``count(status=429)``;
        ``api_key``: the requests that carried this key)."""
        digest = key_digest(api_key) if api_key is not None else None
        return sum(
            1
            for entry in self.requests
            if (status is None or entry.status == status)
            and (endpoint is None or entry.endpoint == endpoint)
            and (fault is None or entry.fault == fault)
            and (digest is None or entry.key_digest == digest)
        )

    def summary(self) -> str:
        """One line: requests served and those answered 429, in all and per key digest."""
        entries = self.requests

        def counts(logged: list[RequestLog]) -> tuple[str, str]:
            return count(len(logged)), count(sum(e.status == 429 for e in logged))

        refused = counts(entries)[1]
        line = f"{many(len(entries), 'request')}, {refused} answered 429"
        for digest in sorted({e.key_digest for e in entries if e.key_digest}):
            mine = counts([e for e in entries if e.key_digest == digest])
            line += "; key {}: {}, {} x 429".format(digest, *mine)
        return line

    def reset_log(self) -> None:
        """Forget logged requests and rate-limit windows."""
        with self._lock:
            self._log.clear()
            self._windows.clear()

    # -- request handling (called from handler threads) ------------------------------

    def _respond(self, method: str, path: str, params: dict[str, str], client: str) -> _Reply:
        arrival = time.monotonic()
        key = params.pop("api_key", "") or None
        endpoint = path[len(BASE_PATH) :] if path.startswith(BASE_PATH) else ""
        n_ids = _count_ids(endpoint, params)
        if endpoint not in ENDPOINTS:
            reply = _Reply(404, b"<html><body>404 Not Found</body></html>", "text/html")
            fault = None
        else:
            reply, fault = self._eutility(endpoint, params, key, client, arrival)
        status = reply.status if reply.action == "send" else None
        digest = key_digest(key) if key is not None else None
        entry = RequestLog(
            arrival, method, path, params, n_ids, status, fault, key is not None, digest
        )
        with self._lock:
            self._log.append(entry)
        return reply

    def _eutility(
        self, endpoint: str, params: dict[str, str], key: str | None, client: str, now: float
    ) -> tuple[_Reply, str | None]:
        admitted, count, limit = self._admit(key, now)
        if not admitted:
            return self._too_many(key or client, count, limit), "rate_limit"
        db = params.get("db", "pubmed").strip()
        if db.lower() == "gene" and endpoint == "esummary.fcgi":
            ids = _replies.split_ids(params.get("id", ""))
            known = [gene_id for gene_id in ids if gene_id in self.genes]
            decision = self._plan.decide(len(known))
            if decision.status == 429:
                return self._too_many(key or client, count, limit), decision.kind
            dropped = {known[i] for i in decision.drop}
            reply = self._gene_summaries([i for i in ids if i not in dropped], params)
            return _apply_fault(reply, decision, endpoint, self), decision.kind
        if db.lower() != "pubmed":
            return _Reply(200, _replies.invalid_db_body(db), delay=self.latency), None
        known = self._known_ids(endpoint, params)
        decision = self._plan.decide(len(known))
        if decision.status == 429:
            return self._too_many(key or client, count, limit), decision.kind
        if decision.kind == "invalid_api_key" and not key:
            decision = Decision()  # NCBI says so only to a request that carries a key
        reply = self._normal(endpoint, params, known, decision)
        return _apply_fault(reply, decision, endpoint, self), decision.kind

    def _admit(self, key: str | None, now: float) -> tuple[bool, int, int]:
        limit = self.api_key_rate_limit if key else self.rate_limit
        if self.rate_limit is None or limit is None:
            return True, 0, 0
        with self._lock:
            window = self._windows.setdefault(key, _SlidingWindow())
            admitted, count = window.admit(now, limit)
        return admitted, count, limit

    def _too_many(self, who: str, count: int, limit: int) -> _Reply:
        limit = limit or self.rate_limit or 3
        headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0"}
        if self.retry_after is not None:
            headers["Retry-After"] = _format_seconds(self.retry_after)
        body = _replies.rate_limit_body(who, max(count, limit + 1), limit)
        return _Reply(429, body, "application/json", headers)

    def _known_ids(self, endpoint: str, params: dict[str, str]) -> list[str]:
        if endpoint != "efetch.fcgi":
            return []
        return [p for p in _replies.split_ids(params.get("id", "")) if p in self.records]

    def _normal(
        self, endpoint: str, params: dict[str, str], known: list[str], decision: Decision
    ) -> _Reply:
        if endpoint == "esearch.fcgi":
            result = _replies.search(self.records, params.get("term", ""))
            retstart, retmax = _int(params.get("retstart"), 0), _int(params.get("retmax"), 20)
            return _Reply(200, _replies.esearch_body(result, retstart, retmax), delay=self.latency)
        ids = _replies.split_ids(params.get("id", ""))
        if not ids:
            message = "Empty id list - nothing todo"
            return _Reply(200, _replies.error_body(endpoint, message), delay=self.latency)
        if endpoint == "esummary.fcgi":
            return _Reply(200, _replies.esummary_body(self.records, ids), delay=self.latency)
        kept = [self.records.get(p) for i, p in enumerate(known) if i not in decision.drop]
        records = [xml for xml in kept if xml is not None]
        delay = self.latency + self.per_record_latency * len(records)
        return _Reply(200, _replies.efetch_body(records), delay=delay)

    def _gene_summaries(self, ids: list[str], params: dict[str, str]) -> _Reply:
        """esummary for db=gene: JSON with ``retmode=json``, else version 2.0 XML."""
        if not ids:
            message = "Empty id list - nothing todo"
            return _Reply(200, _replies.error_body("esummary.fcgi", message), delay=self.latency)
        delay = self.latency + self.per_record_latency * len(ids)
        if params.get("retmode", "").lower() == "json":
            body = gene_reply_json(self.genes, ids)
            return _Reply(200, body, "application/json; charset=UTF-8", delay=delay)
        return _Reply(200, gene_reply_xml(self.genes, ids), delay=delay)

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False if the server is stopping meanwhile."""
        return not self._stopping.wait(seconds) if seconds > 0 else True


def _apply_fault(reply: _Reply, decision: Decision, endpoint: str, server: EutilsServer) -> _Reply:
    kind = decision.kind
    if kind in (None, "drop_records"):
        return reply
    if kind == "server_error":
        page = f"<html><body><h1>{decision.status} Server Error</h1></body></html>".encode()
        headers = {}
        if decision.status == 503 and server.retry_after is not None:
            headers["Retry-After"] = _format_seconds(server.retry_after)
        return _Reply(decision.status, page, "text/html", headers, delay=server.latency)
    if kind == "reset":
        return _Reply(None, delay=server.latency, action="reset")
    if kind == "timeout":
        return _Reply(None, delay=server.faults.hang_seconds, action="hang")
    if kind == "truncate":
        return _Reply(200, reply.body[: len(reply.body) // 2], delay=reply.delay)
    if kind == "html":
        return _Reply(200, _replies.HTML_ERROR_PAGE, "text/html", delay=server.latency)
    if kind == "invalid_api_key":
        return _Reply(400, _replies.INVALID_API_KEY_BODY, "application/json", delay=server.latency)
    if kind == "redirect":
        location = f"http://127.0.0.2:{server.port}{BASE_PATH}{endpoint}"
        return _Reply(302, b"", "text/html", {"Location": location}, delay=server.latency)
    if kind == "trickle":
        return _Reply(200, reply.body, delay=server.latency, action="trickle")
    if kind == "gzip_bomb":
        headers = {"Content-Encoding": "gzip"}
        return _Reply(200, _replies.gzip_bomb(), headers=headers, delay=server.latency)
    body = _replies.error_body(endpoint, "Unable to obtain query #1")
    return _Reply(200, body, delay=server.latency)


def _count_ids(endpoint: str, params: dict[str, str]) -> int:
    if endpoint == "esearch.fcgi":
        term = params.get("term", "").strip()
        return len(term.split(" OR ")) if term else 0
    return len(_replies.split_ids(params.get("id", "")))


def _int(raw: str | None, default: int) -> int:
    try:
        return max(0, int(raw)) if raw is not None else default
    except ValueError:
        return default


def _format_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


class _HTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that remembers its open connections so ``stop`` can close them."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], owner: EutilsServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.owner = owner
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: _Request, client_address: Any) -> None:
        if isinstance(request, socket.socket):
            with self._open_lock:
                self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: _Request) -> None:
        if isinstance(request, socket.socket):
            with self._open_lock:
                self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: _Request, client_address: Any) -> None:
        """Ignore clients that hang up mid-reply; report anything else as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into ``EutilsServer._respond`` calls and performs the reply."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms stalls
    server_version = "enrich-eutils/1"
    timeout = 30
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve("GET", b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve("POST", self.rfile.read(length) if length else b"")

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet; the server keeps its own request log."""

    def _serve(self, method: str, body: bytes) -> None:
        url = urlsplit(self.path)
        params = _form(url.query)
        params.update(_form(body.decode("utf-8", "replace")))
        owner = self.server.owner
        reply = owner._respond(method, url.path, params, self.client_address[0])
        if not owner._wait(reply.delay) or reply.action not in ("send", "trickle"):
            self._reset()
            return
        self.send_response(reply.status or 200)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if owner.test_header:
            self.send_header(TEST_SERVER_HEADER, "1")
        self.end_headers()
        if reply.action == "send":
            self.wfile.write(reply.body)
            return
        for index in range(len(reply.body)):  # trickle: one byte at a time, until stopped
            self.wfile.write(reply.body[index : index + 1])
            self.wfile.flush()
            if not owner._wait(owner.faults.hang_seconds / 10):
                break

    def _reset(self) -> None:
        """Close the connection abruptly: SO_LINGER 0 makes the kernel send a TCP RST."""
        self.close_connection = True
        linger = struct.pack("ii", 1, 0)
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.rfile.close()
        self.wfile.close()
        self.wfile = io.BytesIO()  # http.server flushes wfile after the handler returns
        self.connection.close()


def _form(text: str) -> dict[str, str]:
    """Form or query parameters; repeated names are joined with commas (``id=1&id=2``)."""
    parsed = parse_qs(text, keep_blank_values=True)
    return {name: ",".join(values) for name, values in parsed.items()}
