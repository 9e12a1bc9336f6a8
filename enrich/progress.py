"""Progress on long work: a bar on a terminal, plain log lines otherwise (pipes, CI)."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

import click


class ProgressReporter:
    """Counts settled items of ``total``; ``update(n)`` may be called from the event loop."""

    def __init__(self, label: str, *, stream: TextIO | None = None, interval: float = 2.0) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.total = 0
        self.done = 0
        self.interval = interval
        self._last_line = 0.0
        self._bar = self.stream.isatty() and not os.environ.get("CI")

    def start(self, total: int) -> None:
        self.total = total
        if total:
            self._emit(force=True)

    def update(self, n: int) -> None:
        self.done = min(self.total, self.done + n) if self.total else self.done + n
        self._emit(force=self.done >= self.total)

    def _emit(self, *, force: bool) -> None:
        now = time.monotonic()
        if self._bar:
            width = 30
            filled = int(width * self.done / self.total) if self.total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif force or now - self._last_line >= self.interval:
            self._last_line = now
            click.echo(f"{self.label}: {self.done}/{self.total}", file=self.stream)
