"""The streaming run behind ``enrich run``: memory that does not grow with the corpus.

:func:`run_enrichment` reads, resolves, audits and writes the reports of every input:

1. pass 1 reads every document for its citation keys, Gene IDs, corpus counts and
   problems (:class:`Scanner`, in ``jobs`` worker processes);
2. the NCBI Gene names of the Gene IDs are looked up (cache first, then the network, 500
   IDs a request), and how each is looked for decided, before any document is audited;
   the workers inherit them (:class:`RunContext`);
3. the cache answers what it can of the citations;
4. the rest is fetched in a thread (:class:`BackgroundFetch`) while pass 2 runs:
   a document goes to a worker as soon as all its citations are settled
   (:class:`~enrich.run.schedule.Schedule`), and the worker reads it again, audits
   it, renders and writes its report files (:class:`DocumentReporter`), handing the
   report writer only the small remainder (its audit.tsv lines, index entry and
   bibliography entries).

The reports do not depend on ``jobs`` or on the order documents finish in.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType

import httpx

from enrich.audit import (
    AuditSettings,
    CorpusStats,
    audit_document,
    corpus_stats,
    gene_ids,
    learn_names,
    merge_stats,
)
from enrich.entrez import EutilsSettings, Resolved, ResolvedGenes, resolve_citations, resolve_genes
from enrich.errors import NoDocuments
from enrich.extract import iter_input_files, no_documents_message, read_document
from enrich.folders import check_writable_folder
from enrich.model import GeneLookup, Resolution, RunSummary, Status, Style
from enrich.report import ReportWriter, WrittenDocument, render_document, write_document
from enrich.report.provenance import RunInfo
from enrich.run.enrichment import run_summary
from enrich.run.schedule import DocumentTask, Schedule, fetch_order
from enrich.run.workers import WorkerPool

__all__ = [
    "BackgroundFetch",
    "DocumentReporter",
    "RunContext",
    "RunOutcome",
    "Scan",
    "Scanner",
    "StageHook",
    "run_enrichment",
]

#: ``stage(label, total)`` announces a stage and returns the function told of progress in it
StageHook = Callable[[str, int], Callable[[int], None]]
Progress = Callable[[int], None]

#: seconds a failed run waits for its fetch thread to notice it should stop (at its next batch)
_STOP_WAIT = 10.0


@dataclass(frozen=True)
class RunOutcome:
    """What :func:`run_enrichment` did: the summary and the input problems, one line each."""

    summary: RunSummary
    problems: list[str]


def run_enrichment(
    paths: Sequence[Path],
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
    """Read, resolve, audit and write the reports of every input under ``out_dir``, in place
    of its previous report set (replaced as a whole when the run succeeds, untouched otherwise).

    Raises, before any work and touching nothing: OutputError when ``out_dir`` or
    ``cache_dir`` cannot be written, NoDocuments when ``paths`` hold no document.
    """
    hook = stage or (lambda label, total: lambda n: None)
    check_writable_folder(out_dir, "reports")
    check_writable_folder(cache_dir, "the cache")
    files = list(iter_input_files(paths))
    if not files:
        raise NoDocuments(no_documents_message(paths))
    run = RunInfo.start(eutils.base_url, offline=offline, audit=audit)
    with ReportWriter(out_dir, run) as writer:
        scans = Scanner(style).scan_all(files, jobs, hook("reading documents", len(files)))
        ids = list(dict.fromkeys(gene_id for scan in scans for gene_id in scan.gene_ids))
        genes = resolve_genes(
            ids,
            cache_dir=cache_dir,
            eutils=eutils,
            offline=offline,
            transport=transport,
            progress=hook("looking up gene names", len(ids)),
        )
        learn_names(genes.lookups.values())  # before the workers fork: they inherit it
        keys = list(dict.fromkeys(key for scan in scans for key in scan.keys))
        resolving = hook("resolving citations", len(keys))
        settled = _from_cache(keys, cache_dir, eutils, offline)
        resolving(len(settled))
        tasks = [
            DocumentTask(number, path, writer.allocate(str(path)), scan.keys)
            for number, (path, scan) in enumerate(zip(files, scans, strict=True))
        ]
        fetch = partial(
            resolve_citations,
            fetch_order(tasks, settled),
            cache_dir=cache_dir,
            eutils=eutils,
            offline=offline,
            transport=transport,
            progress=resolving,
        )
        stats = merge_stats(s.stats for s in scans)
        context = RunContext(style, writer.staging, stats, audit, genes.lookups, run)
        fetched = _report_while_fetching(
            tasks,
            settled,
            fetch,
            writer,
            DocumentReporter(context),
            jobs,
            hook("writing reports", len(files)),
        )
        final = {key: fetched.resolutions.get(key) or settled[key] for key in keys}
        resolved = Resolved(final, fetched.requests, sum(r.from_cache for r in final.values()))
        summary = _summary(scans, writer, resolved, genes, offline)
        writer.finish(summary)
    return RunOutcome(summary, [line for scan in scans for line in scan.problems])


def _from_cache(
    keys: list[str], cache_dir: Path, eutils: EutilsSettings, offline: bool
) -> dict[str, Resolution]:
    """The Resolutions the cache settles (with ``offline``, every key's: uncached ones are
    then final as unresolved)."""
    known = resolve_citations(keys, cache_dir=cache_dir, eutils=eutils, offline=True)
    return {
        key: resolution
        for key, resolution in known.resolutions.items()
        if offline or resolution.status is not Status.UNRESOLVED
    }


# --- pass 1 --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scan:
    """Pass 1's findings about one document."""

    keys: tuple[str, ...]
    gene_ids: tuple[str, ...]
    stats: CorpusStats
    claims: int
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Scanner:
    """Pass 1: reads documents for their citation keys, corpus counts and problems."""

    style: Style | None

    def scan(self, path: Path) -> Scan:
        """What pass 2 and the run's summary need to know of the document at ``path``."""
        document = read_document(path, self.style)
        return Scan(
            keys=tuple(dict.fromkeys(c.key for c in document.all_citations())),
            gene_ids=gene_ids(document),
            stats=corpus_stats([document]),
            claims=len(document.claims),
            problems=tuple(str(p) for p in document.problems),
        )

    def scan_all(self, files: list[Path], jobs: int, progress: Progress) -> list[Scan]:
        """:meth:`scan` of every file, in order, in ``jobs`` forked processes when worth it."""
        workers = jobs if len(files) >= 8 * jobs else 1
        size = max(1, min(32, len(files) // (workers * 16)))
        chunks = [files[i : i + size] for i in range(0, len(files), size)]
        found: dict[int, list[Scan]] = {}
        with WorkerPool(self._scan_chunk, workers, {}) as pool:
            for number, scans in pool.map_unordered(chunks):
                found[number] = scans
                progress(len(scans))
        return [scan for number in range(len(chunks)) for scan in found[number]]

    def _scan_chunk(self, paths: list[Path], known: dict[str, object]) -> list[Scan]:
        return [self.scan(path) for path in paths]


# --- pass 2 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunContext:
    """What every worker of pass 2 needs to know of the run (inherited by fork)."""

    style: Style | None
    out_dir: Path  #: where the workers write: the report writer's staging folder
    stats: CorpusStats
    audit: AuditSettings
    genes: Mapping[str, GeneLookup]  #: the NCBI Gene names of the run's Gene IDs
    run: RunInfo  #: what every report says of the run


class DocumentReporter:
    """Pass 2's task: read a document again, audit it, render and write its report files.

    Workers inherit it by fork (it is never pickled), each its own copy: so each
    hands over the bibliography entry of a paper once, however many of its
    documents cite it.
    """

    def __init__(self, context: RunContext) -> None:
        self.context = context
        self._handed_over: set[str] = set()  #: PMIDs whose bibliography entries were sent

    def __call__(
        self, named: tuple[Path, str], resolutions: dict[str, Resolution]
    ) -> WrittenDocument:
        """Report on the document at ``path`` as ``<name>.*``; ``resolutions`` holds its
        citations' Resolutions."""
        path, name = named
        context = self.context
        document = read_document(path, context.style)
        audited = audit_document(document, resolutions, context.stats, context.audit, context.genes)
        rendered = render_document(audited, known_pmids=self._handed_over, run=context.run)
        write_document(context.out_dir, name, rendered)
        self._handed_over.update(paper.pmid for paper in rendered.bibliography)
        return rendered.written(name)


class _Stopped(Exception):
    """Raised in the fetch thread, at a batch's end, once the run has failed."""


class BackgroundFetch:
    """Runs ``fetch(on_settled=...)`` in a thread; use as a context manager.

    Its batches of final Resolutions are collected by :meth:`take`; its result is
    :attr:`future`'s.  :meth:`fileno` is readable whenever a batch arrived or the
    fetch ended, so a run can wait for it beside its workers.  Leaving the context
    with an exception stops the fetch at its next batch.
    """

    def __init__(self, fetch: Callable[..., Resolved]) -> None:
        self.future: Future[Resolved] = Future()
        self._fetch = fetch
        self._arrivals: queue.SimpleQueue[dict[str, Resolution]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._bell_in, self._bell_out = os.pipe()
        os.set_blocking(self._bell_out, False)
        os.set_blocking(self._bell_in, False)
        # a daemon thread: a failed run must be able to exit while a request hangs
        self._thread = threading.Thread(target=self._run, name="enrich-fetch", daemon=True)

    def __enter__(self) -> BackgroundFetch:
        self._thread.start()  # after the workers' fork: forking with running threads is unsafe
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._stop.set()
        interrupted = exc_type is not None and issubclass(exc_type, KeyboardInterrupt)
        # Ctrl-C is not kept waiting for a request in flight: the daemon thread ends with the
        # process, and the cache it writes to keeps whole transactions only.
        wait = 0.5 if interrupted else _STOP_WAIT if exc_type is not None else None
        self._thread.join(timeout=wait)
        os.close(self._bell_in)
        os.close(self._bell_out)

    def fileno(self) -> int:
        return self._bell_in

    def take(self) -> list[dict[str, Resolution]]:
        """The batches that arrived since the last call."""
        with suppress(BlockingIOError):
            while os.read(self._bell_in, 4096):
                pass
        batches = []
        while not self._arrivals.empty():
            batches.append(self._arrivals.get())
        return batches

    def _settled(self, resolutions: dict[str, Resolution]) -> None:
        if self._stop.is_set():
            raise _Stopped
        self._arrivals.put(resolutions)
        self._ring()

    def _ring(self) -> None:
        with suppress(BlockingIOError):  # the pipe is full: it is readable anyway
            os.write(self._bell_out, b".")

    def _run(self) -> None:
        try:
            self.future.set_result(self._fetch(on_settled=self._settled))
        except BaseException as exc:  # handed to the run through the future
            self.future.set_exception(exc)
        finally:
            self._ring()


def _report_while_fetching(
    tasks: list[DocumentTask],
    settled: dict[str, Resolution],
    fetch: Callable[..., Resolved],
    writer: ReportWriter,
    reporter: DocumentReporter,
    jobs: int,
    progress: Progress,
) -> Resolved:
    """Report on every document while ``fetch`` resolves the keys ``settled`` lacks.

    A document goes to a worker as soon as all its keys are settled, with the
    Resolutions that worker has not had yet (the cache's answers, known before the
    workers are forked, they inherit).  So rendering overlaps the network instead of
    waiting for the last batch.  Returns what ``fetch`` returned; if anything fails,
    stops ``fetch`` at its next batch and raises.
    """
    schedule = Schedule(tasks, settled)
    left = len(tasks)
    workers = jobs if len(tasks) >= 8 * jobs else 1
    with (
        WorkerPool(reporter, workers, settled) as pool,
        BackgroundFetch(fetch) as fetching,
    ):
        while left:
            for batch in fetching.take():
                schedule.settle(batch)
            while schedule.has_ready and not pool.busy:
                dispatch = schedule.pop_ready()
                task = dispatch.task
                pool.submit(task.number, (task.path, task.name), dispatch.needs)
                pool.forget(dispatch.used_up)
            if not pool.outstanding and fetching.future.done():
                fetching.future.result()  # raises the fetch's failure, if any
                late = fetching.take()
                if not late:  # the fetch ended and every batch it brought is settled
                    raise RuntimeError(f"{left} documents never had their citations settled")
                for batch in late:
                    schedule.settle(batch)
                continue
            for number, written in pool.results(wake=[fetching]):
                writer.add_written(written, number)
                progress(1)
                left -= 1
        return fetching.future.result()


def _summary(
    scans: list[Scan],
    writer: ReportWriter,
    resolved: Resolved,
    genes: ResolvedGenes,
    offline: bool,
) -> RunSummary:
    grades: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    for entry in writer.entries:
        grades.update(entry.grades)
        flags.update(entry.flags)
    return run_summary(
        documents=len(scans),
        claims=sum(scan.claims for scan in scans),
        problems=sum(len(scan.problems) for scan in scans),
        grades=grades,
        flags=flags,
        resolved=resolved,
        genes=genes,
        offline=offline,
    )
