"""Where a report comes from: when it was made, by which enrich, from which E-utilities
server, and how old its records are.  Pure.

Every report carries it (the HTML and Markdown reports, the per-document JSON,
``index.html``, ``audit.db``'s ``runs`` table and ``references.bib``'s header), each
renderer given one small value, :class:`Provenance`:

* :class:`RunInfo`: what a run is, known when it starts (its start, enrich's version,
  the E-utilities base URL, offline or not, the audit settings);
* :class:`Sources`: what the records a report uses say of themselves: the oldest and
  newest fetch time, and whether any of them (a PubMed record or an NCBI Gene summary)
  came from a test server (``enrich.testing``'s, which says so in every reply) instead of
  NCBI.  Such a report is *test data* and shows a banner saying so.

A run's start is the clock's, or ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds
convention: two runs over the same inputs and cache then write the same bytes).
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import enrich
from enrich import __version__
from enrich.audit import AuditSettings
from enrich.entrez import DEFAULT_EUTILS_URL
from enrich.figures import iso, moment

__all__ = [
    "TEST_DATA",
    "Provenance",
    "RunInfo",
    "Sources",
    "banner_html",
    "bibtex_comment",
    "footer_html",
    "now",
    "provenance_dict",
    "provenance_markdown",
]

TEST_DATA = (
    "the records behind this report came, some or all, from enrich.testing's local "
    "E-utilities server: they are synthetic test data, not NCBI's"
)


def now() -> float:
    """The time a run starts: ``SOURCE_DATE_EPOCH`` when it is set to a number, else now."""
    fixed = fixed_time()
    return time.time() if fixed is None else fixed


def fixed_time() -> float | None:
    """``SOURCE_DATE_EPOCH`` when it is set to a number (every report says it was made
    then), else None."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return float(fixed) if fixed.isdigit() else None


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What a run is, known when it starts."""

    started: float  #: seconds since the epoch
    eutils_url: str  #: the E-utilities base URL asked ("" when not known)
    offline: bool = False
    audit: AuditSettings = field(default_factory=AuditSettings)  #: what grades depend on
    enrich_version: str = __version__

    @classmethod
    def start(
        cls, eutils_url: str = "", *, offline: bool = False, audit: AuditSettings | None = None
    ) -> RunInfo:
        """A run starting now (see :func:`now`)."""
        return cls(now(), eutils_url, offline, audit or AuditSettings(), enrich.__version__)


class Marked(Protocol):
    """Whether a record came from a test server: a lookup, or what a run knows of one."""

    @property
    def test_data(self) -> bool: ...


class Fetched(Marked, Protocol):
    """Where a record came from: a Resolution, or what a run knows of one."""

    @property
    def fetched_at(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Sources:
    """Where the records a report uses came from: their oldest and newest fetch time, and
    whether any came from a test server."""

    oldest: float | None = None
    newest: float | None = None
    test_data: bool = False

    @classmethod
    def of(cls, resolutions: Iterable[Fetched], genes: Iterable[Marked] = ()) -> Sources:
        """The sources of the records behind ``resolutions`` (or what is known of them)
        and ``genes``."""
        times, test = [], False
        for resolution in resolutions:
            if resolution.fetched_at is not None:
                times.append(resolution.fetched_at)
            test = test or resolution.test_data
        test = test or any(g.test_data for g in genes)
        return cls(min(times, default=None), max(times, default=None), test)

    def merge(self, other: Sources) -> Sources:
        """The sources of a report made of the records of both."""
        ends = (self.oldest, self.newest, other.oldest, other.newest)
        times = [t for t in ends if t is not None]
        test = self.test_data or other.test_data
        return Sources(min(times, default=None), max(times, default=None), test)


@dataclass(frozen=True, slots=True)
class Provenance:
    """The one value a renderer is given: when a report was made, by what, from where."""

    run: RunInfo
    sources: Sources = field(default_factory=Sources)
    finished: float | None = None  #: when the run ended (run-wide reports only)

    @property
    def test_data(self) -> bool:
        return self.sources.test_data


def _server(p: Provenance) -> str:
    """Which E-utilities server the run asked, in words."""
    url = p.run.eutils_url
    if not url:
        return "an E-utilities server not recorded"
    where = "NCBI E-utilities" if url == DEFAULT_EUTILS_URL else "E-utilities"
    return f"{where} at {url}" + (" (offline: the cache only)" if p.run.offline else "")


def _fetched(sources: Sources) -> str:
    """ "records fetched 2024-12-01 10:00 UTC to 2025-01-06 15:42 UTC", or why none."""
    if sources.oldest is None or sources.newest is None:
        return "no record fetched"
    if moment(sources.oldest) == moment(sources.newest):
        return f"records fetched {moment(sources.newest)}"
    return f"records fetched {moment(sources.oldest)} to {moment(sources.newest)}"


def _sentence(p: Provenance) -> str:
    """The provenance of a report in one sentence (plain text)."""
    made = f"Made {moment(p.run.started)} by enrich {p.run.enrich_version}"
    if p.finished is not None:
        made += f" (finished {moment(p.finished)})"
    origin = "test data from enrich.testing" if p.test_data else "records from " + _server(p)
    if p.test_data:
        origin += f", asked at {p.run.eutils_url or 'an address not recorded'}"
    return f"{made}; {origin}; {_fetched(p.sources)}."


def banner_html(p: Provenance) -> str:
    """The banner a report made from test data opens with ("" for any other)."""
    if not p.test_data:
        return ""
    return (
        '<div class="banner bad test-data" role="alert"><b>Test data</b>: '
        f"{html.escape(TEST_DATA)}. Do not use this report for curation.</div>"
    )


def footer_html(p: Provenance) -> str:
    """The provenance line of an HTML page."""
    return f'<p class="provenance">{html.escape(_sentence(p))}</p>'


def provenance_markdown(p: Provenance) -> list[str]:
    """The provenance of a Markdown report: a banner for test data, then one line."""
    lines = [f"> **Test data**: {TEST_DATA}. Do not use this report for curation.", ""]
    return [*(lines if p.test_data else []), f"_{_sentence(p)}_", ""]


def provenance_dict(p: Provenance) -> dict[str, Any]:
    """The provenance for JSON: moments in ISO 8601 (UTC), ``null`` where unknown."""
    data: dict[str, Any] = {
        "made": iso(p.run.started),
        "enrich_version": p.run.enrich_version,
        "eutils_url": p.run.eutils_url or None,
        "offline": p.run.offline,
        "test_data": p.test_data,
        "records_oldest": iso(p.sources.oldest) if p.sources.oldest is not None else None,
        "records_newest": iso(p.sources.newest) if p.sources.newest is not None else None,
    }
    if p.finished is not None:
        data["finished"] = iso(p.finished)
    return data


def bibtex_comment(p: Provenance) -> str:
    """A BibTeX ``@comment`` with the provenance (braces left out: they must balance)."""
    text = _sentence(p) + (" TEST DATA: " + TEST_DATA + "." if p.test_data else "")
    return "@comment{" + text.replace("{", "(").replace("}", ")") + "}\n\n"
