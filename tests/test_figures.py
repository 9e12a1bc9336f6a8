"""How numbers, durations and moments are shown to people and to machines."""

from __future__ import annotations

import pytest

from enrich.figures import count, duration, iso, many, moment, rate
from enrich.model import RunSummary
from enrich.report import summary_rows


def test_counts_have_thousands_separators() -> None:
    """A count a person reads is grouped by thousands; small ones are unchanged."""
    assert [count(n) for n in (0, 7, 999, 1000, 53029, 1234567)] == [
        "0",
        "7",
        "999",
        "1,000",
        "53,029",
        "1,234,567",
    ]


def test_many_is_singular_for_one_only() -> None:
    """``many`` says 1 request but 0 and 2,000 requests, with an irregular plural when given."""
    assert many(1, "request") == "1 request"
    assert many(0, "request") == "0 requests"
    assert many(2000, "request") == "2,000 requests"
    assert many(3, "entry", "entries") == "3 entries"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0.04, "0.0 s"),
        (12.34, "12.3 s"),
        (59.94, "59.9 s"),
        (184, "3 min 04 s"),
        (7500, "2 h 05 min"),
    ],
)
def test_durations_read_as_a_person_says_them(seconds: float, shown: str) -> None:
    """Seconds to a tenth under a minute, minutes and seconds under an hour, then hours."""
    assert duration(seconds) == shown


def test_rates_switch_to_per_minute_when_slow() -> None:
    """A rate of one a second or more is per second, a slower one per minute."""
    assert [rate(2500.0), rate(4.24), rate(0.2)] == ["2,500/s", "4.2/s", "12/min"]


def test_moments_are_utc_for_people_and_iso_for_machines() -> None:
    """The same moment reads ``2025-01-06 15:42 UTC`` for people, ISO 8601 for machines."""
    epoch = 1736178127.9  # 2025-01-06 15:42:07.9 UTC
    assert moment(epoch) == "2025-01-06 15:42 UTC"
    assert iso(epoch) == "2025-01-06T15:42:07Z"


def test_summary_rows_group_every_count_by_thousands() -> None:
    """The run summary (terminal, index.html, Markdown) shows 53,029 claims, not 53029."""
    summary = RunSummary(
        documents=2000,
        claims=53029,
        problems=0,
        grades={"A": 20000, "B": 15130, "C": 17871, "D": 28},
        flags={"resource": 61234, "single_source": 12000},
        citations={"resolved": 4975, "not_found": 25},
        requests=1200,
        cache_hits=7000,
    )
    text = dict(summary_rows(summary))
    assert text["documents"] == "2,000 (0 problems in inputs)"
    assert text["claims"] == "53,029: grade A 20,000, B 15,130, C 17,871, D 28"
    assert text["claim flags"].startswith("single_source 12,000")
    assert text["citation flags"].startswith("resource 61,234")
    assert text["identifiers"] == "5,000 distinct cited: 25 not_found, 4,975 resolved"
    assert text["network"].startswith("1,200 requests, 7,000 cache hits")
