"""When each E-utilities request may start: NCBI's pace, kept by one limiter per host and rate."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import ClassVar
from urllib.parse import urlsplit

__all__ = ["RateLimiter"]


class RateLimiter:
    """Grants request starts at least ``1/rate`` seconds apart, measured on the clock.

    Each grant is taken at the moment the caller may send, and the next grant
    waits a full interval after it, so a stalled event loop never releases a
    burst.  A small margin keeps arrival jitter from crossing a server's window.
    Thread-safe; usable from any event loop.
    """

    _shared: ClassVar[dict[tuple[str, float], RateLimiter]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, rate: float, margin: float = 0.03) -> None:
        self.interval = (1.0 / rate) * (1.0 + margin) + 0.002
        self._last = -float("inf")
        self._lock = threading.Lock()

    @classmethod
    def shared(cls, base_url: str, rate: float) -> RateLimiter:
        """The process-wide limiter for one E-utilities host at one rate."""
        key = (urlsplit(base_url).netloc, rate)
        with cls._shared_lock:
            if key not in cls._shared:
                cls._shared[key] = cls(rate)
            return cls._shared[key]

    async def wait(self) -> None:
        """Return when a request may start; record that start."""
        while True:
            with self._lock:
                now = time.monotonic()
                earliest = self._last + self.interval
                if now >= earliest:
                    self._last = now
                    return
            await asyncio.sleep(earliest - now)
