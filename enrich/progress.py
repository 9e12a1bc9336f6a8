"""Progress on long work: one redrawn line on a terminal, plain log lines otherwise (pipes, CI).

Stages may overlap (``enrich run`` writes reports while it still resolves
citations) and may be told of progress from different threads, so they share
one :class:`ProgressBoard`: on a terminal it keeps a single line showing every
running stage with its count, elapsed time, rate and the time it has left (ETA),
redrawn at most every ``redraw`` seconds, and prints a stage's final count, how long it
took and its rate on a line of its own when it completes.  Counts are shown with
thousands separators (:mod:`enrich.figures`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from enrich.figures import count, duration, rate

__all__ = ["ProgressBoard", "Stage"]

_BAR_WIDTH = 30
_CLEAR_TO_END = "\x1b[K"
_SETTLING = 1.0  #: seconds a stage runs before its rate and ETA are shown: early rates mislead


class Stage:
    """One stage's count of settled items out of ``total``; see :meth:`ProgressBoard.stage`."""

    def __init__(self, board: ProgressBoard, label: str) -> None:
        self.label = label
        self.total = 0
        self.done = 0
        self.started: float | None = None  #: when its total was first announced (board clock)
        self.last_line = -float("inf")  #: when a log line last told of this stage
        self.ended = False  #: its final count is shown
        self._board = board

    def start(self, total: int) -> None:
        """Announce ``total`` items (nothing is shown for none)."""
        self._board._start(self, total)

    def update(self, n: int) -> None:
        """Count ``n`` more settled items; may be called from any thread."""
        self._board._update(self, n)

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    def count(self) -> str:
        """ "1,234/5,000"."""
        return f"{count(self.done)}/{count(self.total)}"

    def bar(self, now: float) -> str:
        """The stage as a bar with its count, elapsed time, rate and ETA (once settled)."""
        filled = _BAR_WIDTH * self.done // self.total if self.total else _BAR_WIDTH
        line = f"{self.label} [{'#' * filled}{'-' * (_BAR_WIDTH - filled)}] {self.count()}"
        elapsed = self.elapsed(now)
        if elapsed < _SETTLING:
            return line
        line += f" · {duration(elapsed)}"
        if self.done:
            speed = self.done / elapsed
            line += f" · {rate(speed)} · ETA {duration((self.total - self.done) / speed)}"
        return line

    def brief(self, now: float) -> str:
        """The stage in a line shared with others: its count and, once settled, its ETA."""
        elapsed = self.elapsed(now)
        if elapsed < _SETTLING or not self.done:
            return f"{self.label} {self.count()}"
        left = (self.total - self.done) * elapsed / self.done
        return f"{self.label} {self.count()} (ETA {duration(left)})"

    def final(self, now: float) -> str:
        """The completed stage: its full bar, how long it took and its rate."""
        filled = "#" * _BAR_WIDTH
        elapsed = self.elapsed(now)
        took = f" in {duration(elapsed)}"
        if elapsed >= _SETTLING:
            took += f" ({rate(self.done / elapsed)})"
        return f"{self.label} [{filled}] {self.count()}{took}"

    def elapsed(self, now: float) -> float:
        """Seconds since the stage started (0 before)."""
        return 0.0 if self.started is None else max(0.0, now - self.started)


class ProgressBoard:
    """Shows the progress of stages on ``stream`` (stderr by default).

    On a terminal (and not under ``CI``): one line, redrawn at most every
    ``redraw`` seconds, with a bar, elapsed time, rate and ETA for a lone stage, or
    every running stage's count and ETA; each stage's final count, duration and rate stay
    on a line of their own.  Elsewhere: a line ``label: done/total`` per stage when it
    starts, every ``interval`` seconds and when it completes.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interval: float = 2.0,
        redraw: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.redraw = redraw
        self._terminal = self.stream.isatty() and not os.environ.get("CI")
        self._clock = clock
        self._lock = threading.Lock()
        self._running: list[Stage] = []
        self._drawn = -float("inf")  #: when the terminal line was last drawn

    def stage(self, label: str, total: int | None = None) -> Stage:
        """A new stage called ``label``; started at once when ``total`` is given."""
        stage = Stage(self, label)
        if total is not None:
            stage.start(total)
        return stage

    def _start(self, stage: Stage, total: int) -> None:
        with self._lock:
            stage.total, stage.done = total, min(stage.done, total)
            if not total or stage.ended:
                return
            if stage.started is None:
                stage.started = self._clock()
            if self._terminal:
                if stage not in self._running:
                    self._running.append(stage)
                self._draw()
            else:
                self._log(stage)

    def _update(self, stage: Stage, n: int) -> None:
        with self._lock:
            stage.done = min(stage.total, stage.done + n) if stage.total else stage.done + n
            if not stage.total:
                return
            if stage.ended or (self._terminal and stage not in self._running):
                return  # shown as final, or the board is closed
            if stage.complete:
                stage.ended = True
                if self._terminal:
                    self._running.remove(stage)
                    self._write(f"\r{stage.final(self._clock())}{_CLEAR_TO_END}\n")
                    if self._running:
                        self._draw()
                else:
                    self._log(stage)
            elif self._terminal and self._clock() - self._drawn >= self.redraw:
                self._draw()
            elif not self._terminal and self._clock() - stage.last_line >= self.interval:
                self._log(stage)

    def close(self) -> None:
        """End the terminal line, with the latest counts, if stages are still running (a
        failed run): what is printed next starts on a line of its own.  Later updates are
        ignored."""
        with self._lock:
            if self._running:
                self._draw()  # the latest counts, which a throttled update may not have drawn
                self._write("\n")
            for stage in self._running:
                stage.ended = True
            self._running.clear()

    def __enter__(self) -> ProgressBoard:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _draw(self) -> None:
        now = self._clock()
        if len(self._running) == 1:
            line = self._running[0].bar(now)
        else:
            line = " · ".join(s.brief(now) for s in self._running)
        self._write(f"\r{line}{_CLEAR_TO_END}")
        self._drawn = now

    def _log(self, stage: Stage) -> None:
        stage.last_line = self._clock()
        self._write(f"{stage.label}: {stage.count()}\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
