"""The streaming run's fetch thread: its batches, its result through a future, and how it
stops at its next batch once the run has failed."""

from __future__ import annotations

import multiprocessing.connection
import threading
from typing import Any

import pytest

from enrich.entrez import Resolved
from enrich.model import Resolution, Status
from enrich.run.fetch import BackgroundFetch


def _batch(number: int) -> dict[str, Resolution]:
    return {f"pmid:{number}": Resolution(f"pmid:{number}", Status.NOT_FOUND)}


def test_batches_arrive_and_the_result_comes_through_the_future() -> None:
    """Every batch the fetch reports is taken, and its return value is the future's result;
    the handle is readable once something arrived."""

    def fetch(on_settled: Any) -> Resolved:
        for number in range(3):
            on_settled(_batch(number))
        return Resolved({}, 7, 0)

    with BackgroundFetch(fetch) as fetching:
        assert fetching.future.result(timeout=5).requests == 7
        assert multiprocessing.connection.wait([fetching], timeout=5)
        assert [list(b) for b in fetching.take()] == [["pmid:0"], ["pmid:1"], ["pmid:2"]]
        assert fetching.take() == []


def test_the_fetch_stops_at_its_next_batch_once_the_run_fails() -> None:
    """Leaving the context with an exception makes the fetch's next report end it."""
    reported: list[int] = []
    failed = threading.Event()

    def fetch(on_settled: Any) -> Resolved:
        for number in range(100):
            if number == 3:
                failed.wait(5)
            on_settled(_batch(number))
            reported.append(number)
        return Resolved({}, 0, 0)

    with pytest.raises(KeyError), BackgroundFetch(fetch) as fetching:
        while len(reported) < 3:
            threading.Event().wait(0.01)
        failed.set()
        raise KeyError("a worker failed")
    assert reported == [0, 1, 2]
    assert not fetching.future.cancelled() and fetching.future.exception(timeout=5) is not None


def test_a_fetch_failure_is_the_future_s_exception() -> None:
    """An exception raised by the fetch is handed to the run through the future."""

    def fetch(on_settled: Any) -> Resolved:
        raise OSError("cache folder is read-only")

    with BackgroundFetch(fetch) as fetching, pytest.raises(OSError, match="read-only"):
        fetching.future.result(timeout=5)
