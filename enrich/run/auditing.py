"""The streaming audit behind ``enrich audit``: the claims asked for, listed on a stream, with
memory that does not grow with the corpus.

:func:`audit_corpus` runs :func:`~enrich.run.streaming.stream_documents` with an
:class:`~enrich.report.listing.AuditListing` (each worker renders its documents' listed
claims; this process keeps them in a temporary file until all are in), then prints the
listing in document order, the claims meeting ``--fail-on`` first.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx

from enrich.audit import AuditSettings
from enrich.entrez import EutilsSettings
from enrich.model import Style
from enrich.report.listing import AuditListing, ListingOptions
from enrich.report.provenance import Provenance, RunInfo, now, provenance_dict
from enrich.run.streaming import (
    RunOutcome,
    StageHook,
    input_files,
    stream_documents,
    with_problems,
)

__all__ = ["AuditOutcome", "audit_corpus"]


@dataclass(frozen=True)
class AuditOutcome:
    """What :func:`audit_corpus` did: the run's outcome and the listing's counts."""

    outcome: RunOutcome
    listing: AuditListing  #: its counts (listed, tripped, met, loose); its texts are printed


def audit_corpus(
    paths: Sequence[Path],
    options: ListingOptions,
    out: TextIO,
    *,
    cache_dir: Path,
    eutils: EutilsSettings,
    audit: AuditSettings,
    style: Style | None = None,
    offline: bool = False,
    jobs: int = 1,
    transport: httpx.AsyncBaseTransport | None = None,
    stage: StageHook | None = None,
) -> AuditOutcome:
    """Read, resolve and audit every input, and print the claims ``options`` ask for on
    ``out`` (see :mod:`enrich.report.listing`); a json listing starts with the run's
    summary and provenance.

    Raises, before any work: OutputError when ``cache_dir`` cannot be written,
    NoDocuments when ``paths`` hold no document.
    """
    files, refused = input_files(paths, cache_dir)
    run = RunInfo.start(eutils.base_url, offline=offline, audit=audit)
    listing = AuditListing(options, Path(tempfile.gettempdir()))
    try:
        outcome = stream_documents(
            files,
            [str(path) for path in files],
            listing.part,
            listing.add,
            cache_dir=cache_dir,
            eutils=eutils,
            audit=audit,
            style=style,
            offline=offline,
            jobs=jobs,
            transport=transport,
            stage=stage,
        )
    except BaseException:
        listing.close()
        raise
    outcome = with_problems(outcome, refused)
    provenance = Provenance(run, outcome.sources, finished=now())
    listing.write(
        out, {"summary": outcome.summary.to_dict(), "provenance": provenance_dict(provenance)}
    )
    return AuditOutcome(outcome, listing)
