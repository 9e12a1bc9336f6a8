"""Deterministic fault injection for the local E-utilities server."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field, fields

FAULT_KINDS = (
    "server_error",
    "reset",
    "timeout",
    "truncate",
    "html",
    "error_200",
    "invalid_api_key",
    "redirect",
    "trickle",
    "gzip_bomb",
)
"""Faults drawn with a probability each; at most one of them hits a request."""

SCRIPT_NAMES = (*FAULT_KINDS, "drop_records", "burst_429", "ok")
"""Names allowed in ``Faults.script``; ``ok`` means a normal reply."""

SERVER_ERROR_STATUSES = (500, 502, 503)


@dataclass
class Faults:
    """What goes wrong, and how often, on efetch/esearch/esummary requests.

    Per request, in this order: the next ``script`` entry if any is left (one per
    request, e.g. ``["reset", "reset", "ok"]``); else a 429 while ``burst_429`` requests
    remain; else one of ``FAULT_KINDS`` drawn with its probability from a generator
    seeded with ``seed`` (the same seed and request order give the same faults).
    ``drop_records`` is the chance that each known record is left out of an efetch
    reply (or gene summary out of a gene esummary reply) that drew no other fault;
    scripted, it leaves out the last known record.

    - ``server_error``: HTTP 500, 502 or 503 with a short HTML body
    - ``reset``: the connection is closed abruptly (TCP RST), no response at all
    - ``timeout``: nothing is sent for ``hang_seconds``, then the connection is reset
    - ``truncate``: HTTP 200 whose body is the first half of the real one
    - ``html``: HTTP 200 with an HTML error page instead of XML
    - ``error_200``: HTTP 200 with ``<ERROR>Unable to obtain query #1</ERROR>``
    - ``invalid_api_key``: to a request carrying an ``api_key``, NCBI's answer to an invalid
      key: HTTP 400 ``{"error":"API key invalid", ...}`` (a request without one is answered
      normally)
    - ``redirect``: HTTP 302 to the same path on another host (``127.0.0.2``, same port)
    - ``trickle``: HTTP 200 whose body comes one byte every ``hang_seconds / 10`` seconds
    - ``gzip_bomb``: HTTP 200, ``Content-Encoding: gzip``, a body of about 1 MiB that
      inflates to 1 GiB of zeros
    """

    server_error: float = 0.0
    reset: float = 0.0
    timeout: float = 0.0
    truncate: float = 0.0
    html: float = 0.0
    error_200: float = 0.0
    invalid_api_key: float = 0.0
    redirect: float = 0.0
    trickle: float = 0.0
    gzip_bomb: float = 0.0
    drop_records: float = 0.0
    burst_429: int = 0
    script: list[str] = field(default_factory=list)
    seed: int = 0
    hang_seconds: float = 5.0

    def __post_init__(self) -> None:
        for kind in (*FAULT_KINDS, "drop_records"):
            value = getattr(self, kind)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"Faults.{kind} must be a probability in [0, 1], got {value}")
        if sum(getattr(self, kind) for kind in FAULT_KINDS) > 1.0:
            raise ValueError(f"the probabilities of {', '.join(FAULT_KINDS)} add up to more than 1")
        unknown = [name for name in self.script if name not in SCRIPT_NAMES]
        if unknown:
            raise ValueError(f"unknown fault names in script: {unknown}; use {SCRIPT_NAMES}")
        if self.burst_429 < 0 or self.hang_seconds < 0:
            raise ValueError("burst_429 and hang_seconds must not be negative")

    @classmethod
    def field_names(cls) -> list[str]:
        """The settable field names (used by the command line's ``--fault NAME=VALUE``)."""
        return [f.name for f in fields(cls) if f.name != "script"]


@dataclass(frozen=True)
class Decision:
    """The fault chosen for one request: ``kind`` is None for a normal reply."""

    kind: str | None = None
    status: int = 200
    drop: frozenset[int] = frozenset()


class FaultPlan:
    """The running state of a ``Faults``: script position, burst left, random generator."""

    def __init__(self, faults: Faults | None) -> None:
        self.faults = faults or Faults()
        self._lock = threading.Lock()
        self._script = list(self.faults.script)
        self._burst = self.faults.burst_429
        self._random = random.Random(self.faults.seed)  # noqa: S311 - test faults, not crypto

    def decide(self, n_records: int) -> Decision:
        """The fault for the next request, whose efetch reply would hold ``n_records`` records."""
        with self._lock:
            if self._script:
                return self._scripted(self._script.pop(0), n_records)
            if self._burst > 0:
                self._burst -= 1
                return Decision("burst_429", 429)
            return self._drawn(n_records)

    def _scripted(self, name: str, n_records: int) -> Decision:
        if name == "ok":
            return Decision()
        if name == "drop_records":
            return Decision(name, drop=frozenset({n_records - 1}) if n_records else frozenset())
        return self._make(name)

    def _drawn(self, n_records: int) -> Decision:
        roll = self._random.random()
        for kind in FAULT_KINDS:
            chance = float(getattr(self.faults, kind))
            if roll < chance:
                return self._make(kind)
            roll -= chance
        rate = self.faults.drop_records
        drop = frozenset(i for i in range(n_records) if rate and self._random.random() < rate)
        return Decision("drop_records", drop=drop) if drop else Decision()

    def _make(self, kind: str) -> Decision:
        if kind == "burst_429":
            return Decision(kind, 429)
        if kind == "server_error":
            return Decision(kind, self._random.choice(SERVER_ERROR_STATUSES))
        return Decision(kind)
