"""enrich.run.workers.WorkerPool: tasks carry the values a worker lacks, each one once."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from enrich.interrupts import SIGNALS, Interrupted, raise_on_signals
from enrich.run.workers import WorkerDied, WorkerPool


class Unpicklable:
    """A value that fails loudly if the pool ever sends it to a worker."""

    def __reduce__(self) -> tuple[object, ...]:
        raise AssertionError("an inherited value was sent to a worker")


PICKLED: list[int] = []


class Counted(int):
    """An int that counts how often it is pickled (in this process: the pool's feeder)."""

    def __reduce__(self) -> tuple[object, ...]:
        PICKLED.append(int(self))
        return int, (int(self),)


def seen(item: tuple[str, ...], known: dict[str, object]) -> tuple[int, list[object]]:
    """The worker's pid and the values of ``item``'s keys as the worker knows them."""
    return os.getpid(), [type(known[k]).__name__ if k == "db" else known[k] for k in item]


def explode(item: int, known: dict[str, object]) -> int:
    if item == 3:
        raise ValueError("task 3 is bad")
    return item


def die(item: int, known: dict[str, object]) -> int:
    os._exit(7)


def drain(pool: WorkerPool[object, object, object]) -> Iterator[tuple[int, object]]:
    while pool.outstanding:
        yield from pool.results(timeout=None)


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_task_sees_its_values_and_each_value_travels_once(jobs: int) -> None:
    inherited: dict[str, object] = {"db": Unpicklable()}
    values = {f"k{i}": Counted(i) for i in range(30)}
    PICKLED.clear()
    tasks = [("db", f"k{i % 30}", f"k{(i * 7) % 30}") for i in range(60)]
    sent: list[int] = []
    with WorkerPool(seen, jobs, inherited, depth=2) as pool:
        results: dict[int, tuple[int, list[object]]] = {}
        for number, keys in enumerate(tasks):
            while pool.busy:
                results.update(pool.results(timeout=None))
            needs = {key: values[key] for key in keys if key != "db"}
            pool.submit(number, keys, needs)
        results.update(drain(pool))
        if jobs > 1:
            sent = pool.held
    assert sorted(results) == list(range(len(tasks)))
    for number, keys in enumerate(tasks):
        _, got = results[number]
        assert got == ["Unpicklable", *(values[k] for k in keys[1:])]
    assert len({pid for pid, _ in results.values()}) == jobs  # both workers took tasks
    if jobs > 1:  # each value went to each worker that needed it once, inherited ones never
        assert len(PICKLED) == sum(sent) and all(count <= len(values) for count in sent)


def test_a_task_exception_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="task 3 is bad"), WorkerPool(explode, 2, {}) as pool:
        for number in range(6):
            pool.submit(number, number, {})
        list(drain(pool))


def test_a_dead_worker_is_reported_not_waited_for() -> None:
    with pytest.raises(WorkerDied, match="exit code"), WorkerPool(die, 2, {}) as pool:
        pool.submit(0, 0, {})
        list(drain(pool))


def known_keys(item: str, known: dict[str, object]) -> list[str]:
    return sorted(known) if item == "list" else [str(known[item])]


def test_forgotten_values_are_dropped_and_sent_again_when_needed() -> None:
    with WorkerPool(known_keys, 2, {"inherited": 0}, depth=1) as pool:
        for number in range(2):  # one task each: both workers now hold "a"
            pool.submit(number, "a", {"a": 1})
        list(drain(pool))
        pool.forget(["a", "inherited"])  # inherited values are never dropped
        for number in range(2, 4):
            pool.submit(number, "list", {})
        listed = [result for _, result in drain(pool)]
        assert listed == [["inherited"], ["inherited"]]
        for number in range(4, 6):
            pool.submit(number, "a", {"a": 2})
        assert sorted(result for _, result in drain(pool)) == [["2"], ["2"]]


def test_a_failed_start_stops_the_started_workers_and_unfreezes_gc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the second fork fails, the first worker is stopped and gc is not left frozen."""
    from enrich.run import workers

    started: list[workers._Worker[object]] = []
    real_init = workers._Worker.__init__

    def flaky(self: workers._Worker[object], *args: object) -> None:
        if started:
            raise OSError("fork failed")
        real_init(self, *args)  # type: ignore[arg-type]
        started.append(self)

    monkeypatch.setattr(workers._Worker, "__init__", flaky)
    with pytest.raises(OSError, match="fork failed"):
        WorkerPool(known_keys, 2, {})
    assert started and not started[0].process.is_alive()
    assert gc.get_freeze_count() == 0


#: set while :func:`test_a_signal_during_a_fork_is_held_not_swallowed` wants a SIGTERM raised
#: in the parent's at-fork callback (one registered for good: os offers no way to remove it)
_SIGNAL_AT_FORK: list[bool] = []


def _raise_at_fork() -> None:
    if _SIGNAL_AT_FORK:
        _SIGNAL_AT_FORK.clear()
        signal.raise_signal(signal.SIGTERM)


os.register_at_fork(after_in_parent=_raise_at_fork)


def test_a_signal_during_a_fork_is_held_not_swallowed() -> None:
    """SIGTERM arriving while a worker is forked runs its handler inside Python's at-fork
    callbacks, which swallow the exception: the run went on deaf to it, and when the
    signal cut logging's own at-fork callback, with logging's lock held for good, so that
    the next thread to log (the fetching one) hung, and the run with it.  The signal is
    held while a worker starts and delivered after: the pool raises it (not ``held``:
    nothing completed) and leaves no worker running."""
    handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
    raise_on_signals()
    try:
        _SIGNAL_AT_FORK.append(True)
        with pytest.raises(Interrupted) as caught:
            WorkerPool(known_keys, 2, {})
        assert caught.value.signum == signal.SIGTERM and not caught.value.held
        assert not [p for p in multiprocessing.active_children() if p.is_alive()]
    finally:
        _SIGNAL_AT_FORK.clear()
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


ORPHANED_PARENT = """
import sys, time
from pathlib import Path
from tests.run.test_workers import big_result
from enrich.run.workers import WorkerPool

pool = WorkerPool(big_result, 2, {}, depth=4)
for number in range(8):
    pool.submit(number, sys.argv[1], {})
print("submitted", flush=True)
time.sleep(600)  # never reads a result: killed first
"""


def big_result(folder: str, known: dict[str, object]) -> bytes:
    """Notes the worker's pid in ``folder`` and returns more than a pipe holds."""
    (Path(folder) / str(os.getpid())).touch()
    return bytes(1 << 20)


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (an orphan's reaper may be slow)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_of_a_parent_killed_with_sigkill_exit(tmp_path: Path) -> None:
    """A parent killed with SIGKILL while its workers send results nobody reads leaves no
    worker behind (one holding the run's locks would refuse every later run)."""
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHANED_PARENT, str(tmp_path)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )
    assert parent.stdout is not None and parent.stdout.readline() == b"submitted\n"
    deadline = time.monotonic() + 10
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(path.name) for path in tmp_path.iterdir()]
    assert len(workers) == 2
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if running(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived their killed parent"
