"""The whole job, stage after stage: extract -> resolve -> audit -> write.

This module owns no parsing, HTTP or rendering of its own, only the order of
the stages and the run's summary.

* :func:`enrich_documents` keeps every audited document in memory (``enrich audit``
  and library use).
* :func:`write_reports` (``enrich run``) streams, so memory does not grow with the
  corpus: pass 1 reads every document for its citation keys and corpus counts,
  the keys are resolved, and pass 2 reads each document again, audits and renders
  it and hands the texts to the report writer.  Both passes run in ``jobs`` worker
  processes; their order, and so the reports, do not depend on ``jobs``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import httpx

from enrich.audit import (
    AuditSettings,
    CorpusStats,
    audit_document,
    corpus_stats,
    merge_stats,
    summarize,
)
from enrich.cache import CitationCache
from enrich.eutils import EutilsClient, EutilsSettings
from enrich.extract import iter_documents, iter_input_files, read_document
from enrich.model import AuditedDocument, Document, Resolution, RunSummary, Style
from enrich.report import RenderedDocument, ReportWriter, render_document
from enrich.resolve import resolve_keys

T = TypeVar("T")
#: ``stage(label, total)`` announces a stage and returns the function told of progress in it
StageHook = Callable[[str, int], Callable[[int], None]]

__all__ = [
    "Enrichment",
    "Resolved",
    "RunOutcome",
    "citation_keys",
    "enrich_documents",
    "read_documents",
    "resolve_citations",
    "write_reports",
]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Enrichment:
    """The audited documents of a run and what the run did."""

    documents: list[AuditedDocument]
    resolutions: dict[str, Resolution]
    summary: RunSummary


def read_documents(paths: Iterable[Path], style: Style | None = None) -> list[Document]:
    """Every input document, in walk order (see :mod:`enrich.extract`)."""
    return list(iter_documents(paths, style))


def citation_keys(documents: Iterable[Document]) -> list[str]:
    """The distinct citation keys of ``documents``, in first-seen order."""
    return list(dict.fromkeys(c.key for d in documents for c in d.all_citations()))


@dataclass(frozen=True)
class Resolved:
    """The resolutions of a set of citation keys and what obtaining them cost."""

    resolutions: dict[str, Resolution]
    requests: int
    cache_hits: int


def resolve_citations(
    keys: Sequence[str],
    *,
    cache_dir: Path,
    eutils: EutilsSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    on_keys: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> Resolved:
    """Resolve citation ``keys``, cache first; ``offline`` makes no network request.

    ``on_keys`` is told how many keys will be resolved; ``progress`` how many
    more are settled, as they are.
    """
    if on_keys:
        on_keys(len(keys))
    with CitationCache(cache_dir) as cache:
        resolutions, requests = asyncio.run(
            _resolve(list(keys), cache, None if offline else eutils, transport, progress)
        )
    hits = sum(r.from_cache for r in resolutions.values())  # keys answered by the cache
    return Resolved(resolutions, requests, hits)


def enrich_documents(
    documents: Sequence[Document],
    *,
    cache_dir: Path,
    eutils: EutilsSettings,
    audit: AuditSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    on_keys: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> Enrichment:
    """Resolve every citation of ``documents`` (see :func:`resolve_citations`); audit each claim."""
    resolved = resolve_citations(
        citation_keys(documents),
        cache_dir=cache_dir,
        eutils=eutils,
        offline=offline,
        transport=transport,
        on_keys=on_keys,
        progress=progress,
    )
    stats = corpus_stats(documents)
    audited = [audit_document(d, resolved.resolutions, stats, audit) for d in documents]
    grades, flags = summarize(audited)
    summary = _run_summary(
        documents=len(documents),
        claims=sum(len(d.claims) for d in documents),
        problems=sum(len(d.problems) for d in documents),
        grades=grades,
        flags=flags,
        resolved=resolved,
        offline=offline,
    )
    return Enrichment(audited, resolved.resolutions, summary)


def _run_summary(
    *,
    documents: int,
    claims: int,
    problems: int,
    grades: Mapping[str, int],
    flags: Mapping[str, int],
    resolved: Resolved,
    offline: bool,
) -> RunSummary:
    return RunSummary(
        documents=documents,
        claims=claims,
        problems=problems,
        grades={g: grades.get(g, 0) for g in "ABCD"},
        flags=dict(sorted(flags.items())),
        citations=dict(Counter(str(r.status) for r in resolved.resolutions.values())),
        requests=resolved.requests,
        cache_hits=resolved.cache_hits,
        offline=offline,
    )


async def _resolve(
    keys: list[str],
    cache: CitationCache,
    eutils: EutilsSettings | None,
    transport: httpx.AsyncBaseTransport | None,
    progress: Progress | None,
) -> tuple[dict[str, Resolution], int]:
    if eutils is None:
        return await resolve_keys(keys, cache, None, progress=progress), 0
    async with EutilsClient(eutils, transport=transport) as client:
        resolutions = await resolve_keys(
            keys,
            cache,
            client,
            batch_size=eutils.batch_size,
            concurrency=eutils.concurrency,
            progress=progress,
        )
        return resolutions, client.requests


# --- the streaming run ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunOutcome:
    """What :func:`write_reports` did: the summary and the input problems, one line each."""

    summary: RunSummary
    problems: list[str]


@dataclass(frozen=True, slots=True)
class _Scan:
    """Pass 1's findings about one document."""

    keys: tuple[str, ...]
    stats: CorpusStats
    claims: int
    problems: tuple[str, ...]


@dataclass(frozen=True)
class _Context:
    """What a worker needs; inherited by forked workers, never pickled."""

    style: Style | None
    resolutions: Mapping[str, Resolution] | None = None
    stats: CorpusStats | None = None
    audit: AuditSettings | None = None


_context = _Context(style=None)
_records_sent: set[str] = set()  #: per process: records already handed to the writer


def write_reports(
    paths: Iterable[Path],
    *,
    out_dir: Path,
    cache_dir: Path,
    eutils: EutilsSettings,
    audit: AuditSettings,
    style: Style | None = None,
    offline: bool = False,
    jobs: int = 1,
    transport: httpx.AsyncBaseTransport | None = None,
    stage: StageHook | None = None,
) -> RunOutcome:
    """Read, resolve, audit and write the reports of every input under ``out_dir``.

    Raises OutputError before reading anything when ``out_dir`` cannot be written.
    """
    hook = stage or (lambda label, total: lambda n: None)
    writer = ReportWriter(out_dir)
    with writer:
        files = list(iter_input_files(paths))
        scans = list(
            _mapped(_scan, files, jobs, _Context(style), hook("reading documents", len(files)))
        )
        keys = list(dict.fromkeys(key for scan in scans for key in scan.keys))
        resolved = resolve_citations(
            keys,
            cache_dir=cache_dir,
            eutils=eutils,
            offline=offline,
            transport=transport,
            on_keys=None,
            progress=hook("resolving citations", len(keys)),
        )
        context = _Context(style, resolved.resolutions, merge_stats(s.stats for s in scans), audit)
        for rendered in _mapped(_render, files, jobs, context, hook("writing reports", len(files))):
            writer.add_rendered(rendered)
        summary = _summary(scans, writer, resolved, offline)
        writer.finish(summary)
    return RunOutcome(summary, [line for scan in scans for line in scan.problems])


def _scan(path: Path) -> _Scan:
    document = read_document(path, _context.style)
    return _Scan(
        keys=tuple(dict.fromkeys(c.key for c in document.all_citations())),
        stats=corpus_stats([document]),
        claims=len(document.claims),
        problems=tuple(str(p) for p in document.problems),
    )


def _render(path: Path) -> RenderedDocument:
    context = _context
    assert context.resolutions is not None and context.stats is not None and context.audit
    document = read_document(path, context.style)
    rendered = render_document(
        audit_document(document, context.resolutions, context.stats, context.audit)
    )
    fresh = tuple(r for r in rendered.records if r.pmid not in _records_sent)
    _records_sent.update(r.pmid for r in fresh)
    return replace(rendered, records=fresh)  # each record crosses to the writer once


def _mapped(
    func: Callable[[Path], T],
    files: list[Path],
    jobs: int,
    context: _Context,
    progress: Callable[[int], None],
) -> Iterator[T]:
    """``func`` over ``files`` in order, in ``jobs`` forked processes when worth it."""
    global _context
    _context = context
    _records_sent.clear()
    if jobs <= 1 or len(files) < 8 * jobs:
        for path in files:
            yield func(path)
            progress(1)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        chunk = max(1, min(32, len(files) // (jobs * 16)))
        for result in pool.imap(func, files, chunksize=chunk):
            yield result
            progress(1)


def _summary(
    scans: list[_Scan], writer: ReportWriter, resolved: Resolved, offline: bool
) -> RunSummary:
    grades: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    for entry in writer.entries:
        grades.update(entry.grades)
        flags.update(entry.flags)
    return _run_summary(
        documents=len(scans),
        claims=sum(scan.claims for scan in scans),
        problems=sum(len(scan.problems) for scan in scans),
        grades=grades,
        flags=flags,
        resolved=resolved,
        offline=offline,
    )
