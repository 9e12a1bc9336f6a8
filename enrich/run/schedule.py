"""Which documents of a streaming run wait for which citations, and which may be rendered.

:class:`Schedule` is pure bookkeeping, with no processes or threads of its own: it is
told of Resolutions as they become final (:meth:`Schedule.settle`) and hands out the
documents whose citations are all settled, lowest number first
(:meth:`Schedule.pop_ready`), each with the Resolutions its worker has not inherited
and the keys no later document needs.  :func:`fetch_order` says in which order to
fetch what the cache did not settle, so that documents become ready early.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from enrich.audit import never_read
from enrich.model import Resolution

__all__ = ["Dispatch", "DocumentTask", "Schedule", "fetch_order"]


@dataclass(frozen=True, slots=True)
class DocumentTask:
    """A document to report on: its place in the run, file, report name and citation keys."""

    number: int
    path: Path
    name: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dispatch:
    """A ready document, what its worker needs that it did not inherit (the Resolutions its
    audit reads: never a fallback key's whose PMID's decides, see
    :func:`~enrich.audit.never_read`), and the keys that no document still waiting needs
    (the workers may forget them)."""

    task: DocumentTask
    needs: dict[str, Resolution]
    used_up: list[str]


class Schedule:
    """The documents of a run and the settled Resolutions they wait for.

    ``settled`` holds what is final when the workers are forked (they inherit it);
    a document lacking none of it is ready at once.  The schedule adds what
    :meth:`settle` brings to ``settled``.
    """

    def __init__(self, tasks: Iterable[DocumentTask], settled: dict[str, Resolution]) -> None:
        self.settled = settled
        self._ready: list[tuple[int, DocumentTask]] = []  #: a heap, by number
        self._waiting_on: dict[str, list[DocumentTask]] = {}  #: key -> documents
        self._unsettled: dict[int, int] = {}  #: document -> keys it still awaits
        self._fetched: dict[int, list[str]] = {}  #: document -> its keys not inherited
        self._uses: Counter[str] = Counter()  #: fetched key -> documents not dispatched yet
        for task in tasks:
            missing = [key for key in task.keys if key not in settled]
            if not missing:
                heapq.heappush(self._ready, (task.number, task))
                continue
            self._fetched[task.number] = missing
            self._unsettled[task.number] = len(missing)
            self._uses.update(missing)
            for key in missing:
                self._waiting_on.setdefault(key, []).append(task)

    @property
    def has_ready(self) -> bool:
        """Whether a document has all its Resolutions and has not been dispatched."""
        return bool(self._ready)

    @property
    def waiting(self) -> int:
        """Documents that still lack a Resolution."""
        return sum(1 for count in self._unsettled.values() if count)

    def settle(self, arrived: Mapping[str, Resolution]) -> None:
        """Record newly final Resolutions; the documents that now have all theirs are ready.

        A key heard of again keeps its first Resolution.
        """
        for key, resolution in arrived.items():
            if key in self.settled:
                continue
            self.settled[key] = resolution
            for task in self._waiting_on.pop(key, ()):
                self._unsettled[task.number] -= 1
                if not self._unsettled[task.number]:
                    heapq.heappush(self._ready, (task.number, task))

    def pop_ready(self) -> Dispatch:
        """The ready document with the lowest number (IndexError when none is ready)."""
        _, task = heapq.heappop(self._ready)
        keys = self._fetched.pop(task.number, [])
        self._unsettled.pop(task.number, None)
        settled = self.settled
        needs = {key: settled[key] for key in keys if not never_read(key, settled)}
        return Dispatch(task, needs, self._count_use(keys))

    def _count_use(self, keys: list[str]) -> list[str]:
        """Count one more use of each of ``keys``; return those used up."""
        used_up = []
        for key in keys:
            self._uses[key] -= 1
            if not self._uses[key]:
                del self._uses[key]
                used_up.append(key)
        return used_up


def fetch_order(tasks: Iterable[DocumentTask], settled: Mapping[str, Resolution]) -> list[str]:
    """The keys ``settled`` lacks, those of the documents that lack fewest first.

    Documents then become ready to render while the rest is fetched: on a generated
    20,000-document corpus, 10,000 keys fetched in this order complete 4,399
    documents, in the order first cited only 1,248 (each cites ~36 keys of 50,000).
    A DOI settles only at the end of the fetch (see :mod:`enrich.entrez.resolve`), so
    the documents lacking one come last.
    """
    lacking = sorted(
        ([k for k in task.keys if k not in settled] for task in tasks),
        key=lambda keys: (any(k.startswith("doi:") for k in keys), len(keys)),
    )
    return list(dict.fromkeys(key for keys in lacking for key in keys))
