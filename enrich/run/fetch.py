"""Fetching citations in a thread while pass 2 of a streaming run reports on documents.

:class:`BackgroundFetch` runs the resolver in a thread of its own and hands its batches of
final Resolutions to the run as they arrive; the run waits on it and on its workers at once
(:meth:`BackgroundFetch.fileno`).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import suppress
from types import TracebackType

from enrich.entrez import Resolved
from enrich.model import Resolution

__all__ = ["BackgroundFetch"]

#: seconds a failed run waits for its fetch thread to notice it should stop (at its next batch)
_STOP_WAIT = 10.0


class _Stopped(Exception):
    """Raised in the fetch thread, at a batch's end, once the run has failed."""


class BackgroundFetch:
    """Runs ``fetch(on_settled=...)`` in a thread; use as a context manager.

    Its batches of final Resolutions are collected by :meth:`take`; its result is
    :attr:`future`'s.  :meth:`fileno` is readable whenever a batch arrived or the
    fetch ended, so a run can wait for it beside its workers.  Leaving the context
    with an exception stops the fetch at its next batch.
    """

    def __init__(self, fetch: Callable[..., Resolved]) -> None:
        self.future: Future[Resolved] = Future()
        self._fetch = fetch
        self._arrivals: queue.SimpleQueue[dict[str, Resolution]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._bell_in, self._bell_out = os.pipe()
        os.set_blocking(self._bell_out, False)
        os.set_blocking(self._bell_in, False)
        # a daemon thread: a failed run must be able to exit while a request hangs
        self._thread = threading.Thread(target=self._run, name="enrich-fetch", daemon=True)

    def __enter__(self) -> BackgroundFetch:
        self._thread.start()  # after the workers' fork: forking with running threads is unsafe
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._stop.set()
        interrupted = exc_type is not None and issubclass(exc_type, KeyboardInterrupt)
        # Ctrl-C is not kept waiting for a request in flight: the daemon thread ends with the
        # process, and the cache it writes to keeps whole transactions only.
        wait = 0.5 if interrupted else _STOP_WAIT if exc_type is not None else None
        self._thread.join(timeout=wait)
        os.close(self._bell_in)
        os.close(self._bell_out)

    def fileno(self) -> int:
        return self._bell_in

    def take(self) -> list[dict[str, Resolution]]:
        """The batches that arrived since the last call."""
        with suppress(BlockingIOError):
            while os.read(self._bell_in, 4096):
                pass
        batches = []
        while not self._arrivals.empty():
            batches.append(self._arrivals.get())
        return batches

    def _settled(self, resolutions: dict[str, Resolution]) -> None:
        if self._stop.is_set():
            raise _Stopped
        self._arrivals.put(resolutions)
        self._ring()

    def _ring(self) -> None:
        with suppress(BlockingIOError):  # the pipe is full: it is readable anyway
            os.write(self._bell_out, b".")

    def _run(self) -> None:
        try:
            self.future.set_result(self._fetch(on_settled=self._settled))
        except BaseException as exc:  # handed to the run through the future
            self.future.set_exception(exc)
        finally:
            self._ring()
