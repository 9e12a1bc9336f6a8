"""The streaming run's bookkeeping: which documents are ready, what their workers need, and
in which order the missing keys are fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from enrich.model import PaperRecord, Resolution, Status
from enrich.run import DocumentTask, Schedule, fetch_order


def _resolution(key: str) -> Resolution:
    return Resolution(key, Status.NOT_FOUND, reason="test")


def _task(number: int, *keys: str) -> DocumentTask:
    return DocumentTask(number, Path(f"doc{number}.md"), f"doc{number}", keys)


def test_keys_of_documents_lacking_fewest_come_first() -> None:
    """Documents lacking fewer keys are completed first, those lacking a DOI (settled only at
    the fetch's end) last; settled keys are not fetched; each key is listed once; ties keep
    the documents' order."""
    settled = {"pmid:1": _resolution("pmid:1")}
    tasks = [
        _task(4, "doi:10.1/x", "pmid:1"),
        _task(0, "pmid:5", "pmid:6", "pmid:7", "pmid:1"),
        _task(1, "pmid:1"),
        _task(2, "pmid:6", "pmid:1", "pmid:8"),
        _task(3, "pmid:9", "pmid:6"),
    ]
    assert fetch_order(tasks, settled) == [
        "pmid:6",
        "pmid:8",
        "pmid:9",
        "pmid:5",
        "pmid:7",
        "doi:10.1/x",
    ]


def test_documents_with_every_key_settled_are_ready_at_once_lowest_number_first() -> None:
    """What the cache settled makes a document ready before anything is fetched; ready
    documents come out by number, and need nothing they inherited."""
    settled = {"pmid:1": _resolution("pmid:1")}
    schedule = Schedule([_task(2, "pmid:1"), _task(0, "pmid:1"), _task(1, "pmid:2")], settled)
    assert schedule.has_ready
    first, second = schedule.pop_ready(), schedule.pop_ready()
    assert [first.task.number, second.task.number] == [0, 2]
    assert first.needs == {} and first.used_up == []
    assert not schedule.has_ready
    with pytest.raises(IndexError):
        schedule.pop_ready()


def test_a_document_is_ready_once_its_last_key_settles_with_what_its_worker_needs() -> None:
    """A document waits for every key it lacks; when ready it carries the Resolutions of
    those keys, and a key no waiting document needs any more is used up."""
    schedule = Schedule([_task(0, "pmid:1", "pmid:2"), _task(1, "pmid:2", "pmid:3")], {})
    schedule.settle({"pmid:1": _resolution("pmid:1")})
    assert not schedule.has_ready
    schedule.settle({"pmid:2": _resolution("pmid:2")})
    dispatch = schedule.pop_ready()
    assert dispatch.task.number == 0
    assert set(dispatch.needs) == {"pmid:1", "pmid:2"}
    assert dispatch.used_up == ["pmid:1"]  # document 1 still needs pmid:2
    schedule.settle({"pmid:3": _resolution("pmid:3")})
    last = schedule.pop_ready()
    assert last.task.number == 1 and sorted(last.used_up) == ["pmid:2", "pmid:3"]


def test_a_key_heard_of_twice_keeps_its_first_resolution() -> None:
    """The fetch may report a key again; the schedule neither double-counts it nor replaces
    what it handed out."""
    schedule = Schedule([_task(0, "pmid:1", "pmid:2")], {})
    first = _resolution("pmid:1")
    schedule.settle({"pmid:1": first})
    schedule.settle({"pmid:1": Resolution("pmid:1", Status.UNRESOLVED, reason="later")})
    assert not schedule.has_ready
    schedule.settle({"pmid:2": _resolution("pmid:2")})
    assert schedule.pop_ready().needs["pmid:1"] is first


def test_a_fallback_key_goes_to_its_worker_only_when_its_pmids_answer_does_not_decide() -> None:
    """A document citing PMID 1 with a DOI waits for both keys, but its worker is sent the
    fallback key's Resolution only when PubMed lacks the PMID (the audit then reads it);
    otherwise the audit reads the PMID's alone, and a copy of its record under the
    fallback key would only cost the worker memory."""
    found, lacking = "pmid-else-doi:1|10.1/a", "pmid-else-doi:2|10.1/b"
    schedule = Schedule([_task(0, "pmid:1", found), _task(1, "pmid:2", lacking)], {})
    record = PaperRecord(pmid="1", doi="10.1/a")
    schedule.settle({"pmid:1": Resolution("pmid:1", Status.RESOLVED, record)})
    assert not schedule.has_ready  # the fallback key is still awaited
    schedule.settle({found: Resolution(found, Status.RESOLVED, record)})
    assert set(schedule.pop_ready().needs) == {"pmid:1"}
    schedule.settle({"pmid:2": _resolution("pmid:2"), lacking: _resolution(lacking)})
    assert set(schedule.pop_ready().needs) == {"pmid:2", lacking}
