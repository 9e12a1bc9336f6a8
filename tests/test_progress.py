"""The progress display: overlapping stages on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
import threading

import pytest

from enrich.progress import ProgressBoard


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def screen(text: str) -> list[str]:
    """What a terminal shows: each line as last drawn after its carriage returns."""
    return [line.rsplit("\r", 1)[-1].replace("\x1b[K", "") for line in text.split("\n")]


@pytest.fixture(autouse=True)
def not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def test_overlapping_stages_share_one_line_and_each_ends_on_its_own() -> None:
    """Two running stages are drawn on one line; a completed one is printed above it with
    how long it took and its rate; the one left shows its elapsed time, rate and ETA."""
    out, clock = Terminal(), Clock()
    board = ProgressBoard(out, clock=clock)
    resolving = board.stage("resolving citations", 4)
    writing = board.stage("writing reports", 2)
    assert screen(out.getvalue()) == ["resolving citations 0/4 · writing reports 0/2"]
    clock.now += 1
    resolving.update(3)
    writing.update(2)
    assert screen(out.getvalue()) == [
        "writing reports [##############################] 2/2 in 1.0 s (2.0/s)",
        "resolving citations [######################--------] 3/4 · 1.0 s · 3.0/s · ETA 0.3 s",
    ]
    resolving.update(1)
    board.close()
    assert screen(out.getvalue())[1:] == [
        "resolving citations [##############################] 4/4 in 1.0 s (4.0/s)",
        "",
    ]


def test_a_long_stage_shows_thousands_its_rate_and_time_left() -> None:
    """After two minutes at 100 a second, 12,000 of 50,000 done: the rate and the 6 min 20 s
    left are shown, and stages sharing the line show their ETA; before a second has passed
    no rate is guessed."""
    out, clock = Terminal(), Clock()
    board = ProgressBoard(out, clock=clock)
    resolving = board.stage("resolving citations", 50_000)
    resolving.update(500)
    clock.now += 0.5
    board.close()  # draws the latest counts
    assert (
        screen(out.getvalue())[0]
        == "resolving citations [------------------------------] 500/50,000"
    )
    out, clock = Terminal(), Clock()
    board = ProgressBoard(out, clock=clock)
    resolving = board.stage("resolving citations", 50_000)
    clock.now += 120
    resolving.update(12_000)
    assert screen(out.getvalue()) == [
        "resolving citations [#######-----------------------] 12,000/50,000 · 2 min 00 s · 100/s"
        " · ETA 6 min 20 s"
    ]
    board.stage("writing reports", 2_000)
    clock.now += 1
    resolving.update(100)
    assert screen(out.getvalue()) == [
        "resolving citations 12,100/50,000 (ETA 6 min 19 s) · writing reports 0/2,000"
    ]


def test_terminal_redraws_at_most_every_redraw_seconds() -> None:
    """Thousands of updates in a moment draw the line once, not thousands of times."""
    out, clock = Terminal(), Clock()
    writing = ProgressBoard(out, clock=clock, redraw=0.1).stage("writing reports", 10_000)
    for _ in range(9_999):
        writing.update(1)
    assert out.getvalue().count("\r") == 1
    clock.now += 0.1
    writing.update(0)
    assert out.getvalue().count("\r") == 2


def test_failed_run_ends_the_line_so_errors_start_on_their_own() -> None:
    """Closing the board with a stage still running ends the terminal line once."""
    out = Terminal()
    with ProgressBoard(out) as board:
        board.stage("resolving citations", 5).update(2)
    assert out.getvalue().endswith("\n") and out.getvalue().count("\n") == 1


def test_pipes_get_plain_lines_at_start_interval_and_end() -> None:
    """Not a terminal: ``label: done/total`` at start, every interval, and once at the end."""
    out, clock = io.StringIO(), Clock()
    stage = ProgressBoard(out, clock=clock, interval=2.0).stage("reading documents", 3)
    stage.update(1)
    clock.now += 2
    stage.update(1)
    stage.update(1)
    stage.update(0)
    assert out.getvalue().splitlines() == [
        "reading documents: 0/3",
        "reading documents: 2/3",
        "reading documents: 3/3",
    ]


def test_ci_gets_plain_lines_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    out = Terminal()
    ProgressBoard(out).stage("writing reports", 1).update(1)
    assert out.getvalue() == "writing reports: 0/1\nwriting reports: 1/1\n"


def test_empty_stage_shows_nothing() -> None:
    out = Terminal()
    ProgressBoard(out).stage("resolving citations", 0)
    assert out.getvalue() == ""


def test_updates_from_threads_are_all_counted() -> None:
    """Stages updated from several threads at once lose no count and end once each."""
    out = io.StringIO()
    board = ProgressBoard(out, interval=3600)
    stages = [board.stage(f"stage {i}", 4 * 5_000) for i in range(2)]

    def work(i: int) -> None:
        for _ in range(5_000):
            stages[i % 2].update(1)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [s.done for s in stages] == [20_000, 20_000]
    assert sorted(out.getvalue().splitlines()) == [
        "stage 0: 0/20,000",
        "stage 0: 20,000/20,000",
        "stage 1: 0/20,000",
        "stage 1: 20,000/20,000",
    ]


def test_after_close_updates_are_ignored_and_counts_shown_are_the_latest() -> None:
    """close() draws the latest counts (a throttled update may not have), ends the line,
    and updates arriving later (a fetch thread finishing after a failure) write nothing."""
    out, clock = Terminal(), Clock()
    board = ProgressBoard(out, clock=clock)
    resolving = board.stage("resolving citations", 10)
    resolving.update(3)  # within the redraw interval: not drawn yet
    board.close()
    assert screen(out.getvalue()) == [
        "resolving citations [#########---------------------] 3/10",
        "",
    ]
    written = out.getvalue()
    resolving.update(7)
    board.stage("writing reports", 0).update(1)
    assert out.getvalue() == written


def test_counts_before_start_are_kept_and_a_second_start_draws_once() -> None:
    """Progress told before the total is known counts; starting again does not duplicate."""
    out = Terminal()
    board = ProgressBoard(out)
    resolving = board.stage("resolving citations")
    resolving.update(2)
    resolving.start(4)
    resolving.start(4)
    assert screen(out.getvalue()) == ["resolving citations [###############---------------] 2/4"]
    resolving.update(2)
    assert out.getvalue().count("4/4") == 1
