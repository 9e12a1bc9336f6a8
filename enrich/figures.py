"""How numbers, durations and moments are shown: one helper for every place a person reads them.

A person reads counts with thousands separators (``53,029``) on the terminal, in
``index.html`` and in the Markdown and HTML reports; machines read plain digits, so JSON,
TSV and SQLite never go through :func:`count`.  Moments are shown in UTC, to the minute
for people (:func:`moment`) and in ISO 8601 to the second for machines (:func:`iso`).
Pure.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["count", "duration", "iso", "many", "moment", "rate"]


def count(n: int) -> str:
    """``n`` with thousands separators: ``53,029``."""
    return f"{n:,}"


def many(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, made plural unless ``n`` is 1: ``1 request``, ``2,000 requests``."""
    word = noun if n == 1 else plural or f"{noun}s"
    return f"{n:,} {word}"


def duration(seconds: float) -> str:
    """A span of time as a person reads it: ``0.4 s``, ``3 min 04 s``, ``2 h 05 min``."""
    if seconds < 0:
        seconds = 0.0
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def rate(per_second: float) -> str:
    """A rate as a person reads it: ``1,200/s``, ``4.2/s``, or per minute when slower than
    one a second (``12/min``)."""
    if per_second >= 10:
        return f"{per_second:,.0f}/s"
    if per_second >= 1:
        return f"{per_second:.1f}/s"
    return f"{per_second * 60:,.0f}/min"


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def moment(epoch: float) -> str:
    """A moment for people, in UTC to the minute: ``2025-01-06 15:42 UTC``."""
    return _utc(epoch).strftime("%Y-%m-%d %H:%M UTC")


def iso(epoch: float) -> str:
    """A moment for machines, ISO 8601 in UTC to the second: ``2025-01-06T15:42:07Z``."""
    return _utc(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")
