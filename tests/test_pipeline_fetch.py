"""The run's fetch: the order of the keys, and a thread that stops at its next batch once the
run has failed."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from enrich.model import Resolution, Status
from enrich.pipeline import Resolved, _fetch_into, _fetch_order, _Pass2


def test_keys_of_documents_lacking_fewest_come_first() -> None:
    """Documents lacking fewer keys are completed first, those lacking a DOI (settled only at
    the fetch's end) last; settled keys are not fetched; each key is listed once; ties keep
    the documents' order."""
    settled = {"pmid:1": Resolution("pmid:1", Status.RESOLVED)}
    documents = [
        _Pass2(4, Path("e"), "e", ("doi:10.1/x", "pmid:1")),
        _Pass2(0, Path("a"), "a", ("pmid:5", "pmid:6", "pmid:7", "pmid:1")),
        _Pass2(1, Path("b"), "b", ("pmid:1",)),
        _Pass2(2, Path("c"), "c", ("pmid:6", "pmid:1", "pmid:8")),
        _Pass2(3, Path("d"), "d", ("pmid:9", "pmid:6")),
    ]
    assert _fetch_order(documents, settled) == [
        "pmid:6",
        "pmid:8",
        "pmid:9",
        "pmid:5",
        "pmid:7",
        "doi:10.1/x",
    ]


def test_the_fetch_thread_stops_at_its_next_batch_once_told() -> None:
    """After ``stop`` is set, the next settled batch ends the fetch without a failure."""
    batches_sent: list[int] = []
    stop = threading.Event()

    def fetch(on_settled: Any) -> Resolved:
        for number in range(100):
            on_settled({f"pmid:{number}": Resolution(f"pmid:{number}", Status.NOT_FOUND)})
            batches_sent.append(number)
            if number == 2:
                stop.set()  # as the main thread does when a worker fails
        return Resolved({}, 0, 0)

    arrivals: queue.SimpleQueue[dict[str, Resolution]] = queue.SimpleQueue()
    outcome: list[Resolved] = []
    failure: list[BaseException] = []
    _fetch_into(fetch, arrivals, outcome, failure, stop)
    assert batches_sent == [0, 1, 2] and arrivals.qsize() == 3
    assert not outcome and not failure


def test_a_fetch_failure_is_handed_to_the_main_thread() -> None:
    """An exception in the fetch is recorded for the main thread to raise."""

    def fetch(on_settled: Any) -> Resolved:
        raise OSError("cache folder is read-only")

    failure: list[BaseException] = []
    _fetch_into(fetch, queue.SimpleQueue(), [], failure, threading.Event())
    assert [str(f) for f in failure] == ["cache folder is read-only"]
