"""Ctrl-C and SIGTERM: one exception for both, and a way to hold them off for a moment.

The command line turns both signals into :class:`Interrupted` (a KeyboardInterrupt, so
every clean-up that handles Ctrl-C handles SIGTERM too), which carries the exit code a
shell expects: 130 for SIGINT, 143 for SIGTERM.  :func:`deferred` holds both signals
while a short step that must not be cut in half runs (replacing a report set: renames
only; forking a worker, whose at-fork callbacks swallow an exception raised in them and
may then leave a lock held, such as logging's, for good) and delivers them when it ends.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["SIGNALS", "Interrupted", "deferred", "raise_on_signals"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop by ``signum``; ``held`` when the signal arrived while a
    step that had to finish was running (and so after that step was complete)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum
        self.held = False


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def raise_on_signals() -> None:
    """From now on SIGINT and SIGTERM raise :class:`Interrupted` in the main thread."""
    for signum in SIGNALS:
        signal.signal(signum, _raise)


@contextmanager
def deferred(*, completes: bool = True) -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the block runs, then deliver the first that arrived
    to the handler that was in force; the :class:`Interrupted` it raises is ``held`` when
    the block ``completes`` a step a user should hear of as done (replacing a report set),
    not when it merely must not be cut (forking a worker).  Outside the main thread (where
    signals cannot be handled) the block simply runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = {
        signum: signal.signal(signum, lambda number, frame: pending.append(number))
        for signum in SIGNALS
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if pending:
            try:
                signal.raise_signal(pending[0])  # the restored handler runs now
            except Interrupted as exc:
                exc.held = completes
                raise
