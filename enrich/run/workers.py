"""Worker processes that receive run-wide data along with their tasks, each piece once.

:class:`WorkerPool` runs ``func(item, known)`` in ``jobs`` forked processes.  A task
names the keyed values it needs (for ``enrich run``: the Resolutions of a
document's citations); the pool sends each worker only those it has not sent that
worker before, and the worker keeps them in ``known`` for later tasks until it is
told to forget them (:meth:`WorkerPool.forget`).  What the parent knew when the
workers were forked, they inherit and are never sent.  So a long run can start
rendering documents while their citations are still being resolved, without
copying each PubMed record to the workers more than once.

Results come back in completion order, tagged with the task's number.  An
exception raised by ``func`` is re-raised in the parent by :meth:`WorkerPool.results`;
a worker that dies is reported as :class:`WorkerDied`.  With ``jobs`` <= 1 the
tasks run in the calling process, one at a time, with the same interface.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

from enrich.errors import WorkerDied
from enrich.interrupts import deferred

A = TypeVar("A")
T = TypeVar("T")
V = TypeVar("V")

__all__ = ["Waitable", "WorkerDied", "WorkerPool"]


class Waitable(Protocol):
    """Anything :func:`multiprocessing.connection.wait` can wait on: it has a file number."""

    def fileno(self) -> int: ...


class WorkerPool(Generic[A, V, T]):
    """``jobs`` forked workers running ``func(item, known)``; use as a context manager.

    ``known`` starts as ``inherited`` and grows with the values tasks bring: each
    worker grows its own copy (fork); inline, ``inherited`` itself grows.  Fork the
    pool before starting threads.  At most ``depth`` tasks wait per worker.
    """

    def __init__(
        self,
        func: Callable[[A, dict[str, V]], T],
        jobs: int,
        inherited: dict[str, V],
        *,
        depth: int = 4,
    ) -> None:
        self._func = func
        self._known_here = inherited
        self._inline = jobs <= 1
        self._depth = depth
        self._done: list[tuple[int, T]] = []
        self._workers: list[_Worker[V]] = []
        if not self._inline:
            context = multiprocessing.get_context("fork")
            # Frozen objects are never visited by a garbage collector, the workers' or (until
            # the pool closes) this process's, so the pages the workers inherit stay shared
            # instead of being copied when a collection writes to them (the gc module's recipe).
            gc.freeze()
            held = frozenset(inherited)  # a snapshot: the caller's dict may grow later
            try:
                # Ctrl-C or SIGTERM held while the workers fork: raised inside the fork's
                # at-fork callbacks, it would be swallowed, and logging's lock perhaps left
                # held for good (the run would hang, deaf); delivered here, once every
                # worker started is one the clean-up below stops.
                with deferred(completes=False):
                    for _ in range(jobs):
                        self._workers.append(_Worker(context, func, inherited, held))
            except BaseException:  # a fork failed (memory, process limit) or Ctrl-C
                self.__exit__(None, None, None)
                raise

    @property
    def busy(self) -> bool:
        """True when every worker already has ``depth`` tasks waiting."""
        return not self._inline and all(len(w.pending) >= self._depth for w in self._workers)

    @property
    def outstanding(self) -> int:
        """Tasks submitted whose results have not been taken yet."""
        return len(self._done) + sum(len(w.pending) for w in self._workers)

    @property
    def held(self) -> list[int]:
        """Per worker, how many values it was sent and holds (sent, not forgotten since)."""
        return [len(worker.shipped) for worker in self._workers]

    def submit(self, number: int, item: A, needs: Mapping[str, V]) -> None:
        """Run ``func(item, known)`` as task ``number``; ``needs`` are the values it uses."""
        if self._inline:
            self._known_here.update(needs)
            self._done.append((number, self._func(item, self._known_here)))
            return
        worker = min(self._workers, key=lambda w: len(w.pending))
        worker.send(number, item, needs)

    def forget(self, keys: Iterable[str]) -> None:
        """No later task needs ``keys``: the workers may drop what they were sent of them.

        Only sent values are dropped, never inherited ones (touching those would copy
        the pages they share with the parent).  Inline, nothing is dropped.
        """
        for worker in self._workers:
            worker.forget(keys)

    def results(
        self, timeout: float | None = None, wake: Sequence[Waitable] = ()
    ) -> Iterator[tuple[int, T]]:
        """Finished ``(number, result)`` pairs.  When none is ready, wait up to ``timeout``
        seconds (None: as long as it takes) for one, or until one of ``wake`` (objects
        with a ``fileno()``) is readable; return at once when there is nothing to wait for."""
        done, self._done = self._done, []
        yield from done
        if done:
            timeout = 0
        waiting: dict[Any, _Worker[V] | None] = {w.results: w for w in self._workers if w.pending}
        waiting.update(dict.fromkeys(wake))
        if not waiting:
            return
        for ready in multiprocessing.connection.wait(list(waiting), timeout):
            worker = waiting[ready]
            if worker is not None:
                yield worker.receive()

    def map_unordered(self, items: Iterable[A]) -> Iterator[tuple[int, T]]:
        """Run ``func(item, known)`` for every item, numbered 0, 1, ... in order, with no
        values of its own; yield ``(number, result)`` pairs as they finish."""
        for number, item in enumerate(items):
            while self.busy:
                yield from self.results()
            self.submit(number, item, {})
        while self.outstanding:
            yield from self.results()

    def __enter__(self) -> WorkerPool[A, V, T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for worker in self._workers:
            worker.stop(wait=exc_type is None)
        if not self._inline:
            gc.unfreeze()


class _Worker(Generic[V]):
    """One forked process, its task pipe, its result pipe and what it has been sent."""

    def __init__(
        self,
        context: Any,
        func: Callable[[Any, dict[str, V]], Any],
        inherited: dict[str, V],
        held: frozenset[str],
    ) -> None:
        # Tasks go through a Queue, whose feeder thread writes them: the parent never blocks
        # on a full pipe while the worker blocks sending a result the parent has not read.
        self.tasks = context.Queue()
        results_out, results_in = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve, args=(func, inherited, self.tasks, results_in), daemon=True
        )
        self.process.start()
        results_in.close()
        self.results = results_out
        self.pending: list[int] = []
        self.inherited = held  #: the keys of ``inherited`` at the fork
        self.shipped: set[str] = set()  #: keys sent to the worker and not forgotten since
        self.forgotten: list[str] = []  #: keys to drop, told with the next task

    def send(self, number: int, item: Any, needs: Mapping[str, V]) -> None:
        fresh = {
            key: value
            for key, value in needs.items()
            if key not in self.shipped and key not in self.inherited
        }
        self.shipped.update(fresh)
        self.tasks.put((number, item, fresh, self.forgotten))
        self.forgotten = []
        self.pending.append(number)

    def forget(self, keys: Iterable[str]) -> None:
        gone = [key for key in keys if key in self.shipped]
        self.shipped.difference_update(gone)
        self.forgotten += gone

    def receive(self) -> tuple[int, Any]:
        """The next result; re-raises the task's exception, WorkerDied if the process died."""
        try:
            number, ok, payload = self.results.recv()
        except EOFError:
            self.process.join(timeout=5)
            raise WorkerDied(
                f"a worker process (pid {self.process.pid}) died; exit code {self.process.exitcode}"
            ) from None
        self.pending.remove(number)
        if not ok:
            raise payload
        return number, payload

    def stop(self, *, wait: bool) -> None:
        """Ask the worker to stop after its queued tasks; without ``wait``, kill it if it
        has not stopped within a second."""
        self.tasks.put(None)
        self.tasks.close()
        if not wait:
            self.tasks.cancel_join_thread()
        self.process.join(timeout=None if wait else 1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.results.close()


def _serve(
    func: Callable[[Any, dict[str, Any]], Any], known: dict[str, Any], tasks: Any, results: Any
) -> None:
    """A worker's loop: take a task, run it, send back ``(number, ok, result or exception)``.

    ``known`` is the parent's dict as inherited by fork: this process's own copy.  Ctrl-C
    and SIGTERM are the parent's to handle (it stops the workers): a worker ignores them,
    so an interrupted run prints no traceback from its workers.  Its garbage collector
    runs less often than Python's default (see below).
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    # A task allocates many short-lived objects and keeps few (a run's memo): collecting
    # after every 700 allocations cost a worker about 6 % of its CPU, every 20,000 about 1 %
    gc.set_threshold(20_000, 20, 20)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    while True:
        task = tasks.get()
        if task is None:
            return
        number, item, fresh, forgotten = task
        for key in forgotten:
            del known[key]
        known.update(fresh)
        try:
            results.send((number, True, func(item, known)))
        except Exception as exc:
            results.send((number, False, exc))


def _exit_when_orphaned(parent: int) -> None:
    """End this worker as soon as its parent is gone (killed with SIGKILL: it could not stop
    it).  Waiting for a task is not the only place to notice: a worker blocks for good
    sending a result nobody reads once the pipe is full, since it and its siblings hold
    the pipe's reading end too; and it holds the run's locks, inherited at the fork, so
    an orphan left alive would refuse every later run into the folder."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)
