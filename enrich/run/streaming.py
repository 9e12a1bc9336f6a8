"""The streaming runs behind ``enrich run`` and ``enrich audit``: memory that does not grow
with the corpus.

:func:`stream_documents` reads, resolves and audits every input:

1. pass 1 reads every document for its citation keys, Gene IDs, corpus counts and
   problems (:class:`~enrich.run.scan.Scanner`, in ``jobs`` worker processes);
2. the NCBI Gene names of the Gene IDs are looked up (cache first, then the network, 500
   IDs a request), and how each is looked for decided, before any document is audited;
   the workers inherit them (:class:`RunContext`);
3. the cache answers what it can of the citations (with ``reuse``, of those not known
   unchanged since the last run: :meth:`Reuse.known`; their records are read only for the
   documents that go through pass 2);
4. the rest is fetched in a thread (:class:`~enrich.run.fetch.BackgroundFetch`) while
   pass 2 runs: a document goes to a worker as soon as all its citations are settled
   (:class:`~enrich.run.schedule.Schedule`), and the worker reads it again, audits it and
   hands it to ``finish``, which turns it into a small result; this process gives each
   result to ``accept`` with the document's number (its place among the inputs).

:func:`run_enrichment` (``enrich run``) is that with ``finish`` rendering and writing the
document's report files and its audit.db rows (into the worker's own
:class:`~enrich.report.database.RowShard`; :class:`DocumentReporter`) and ``accept``
handing the report writer the small remainder (audit.tsv lines, index entry,
bibliography entries).  ``enrich audit`` gives its own pair (:mod:`enrich.report.listing`).

The results do not depend on ``jobs`` or on the order documents finish in.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import httpx

from enrich.audit import AuditSettings, CorpusStats, audit_document, learn_names, merge_stats
from enrich.entrez import EutilsSettings, Resolved, ResolvedGenes, resolve_citations, resolve_genes
from enrich.entrez.cache import CacheMark
from enrich.entrez.resolve import looked_up
from enrich.errors import NoDocuments, OutputError
from enrich.escape import printable
from enrich.extract import iter_input_files, no_documents_message, read_document
from enrich.folders import StrPath, check_writable_folder, one_path_refused
from enrich.identifiers import is_fallback
from enrich.model import (
    AuditedDocument,
    GeneLookup,
    Problem,
    Resolution,
    RunSummary,
    Status,
    Style,
)
from enrich.report import (
    DEFAULT_FORMATS,
    ReportWriter,
    WrittenDocument,
    render_document,
    write_document,
)
from enrich.report.commit import one_run_at_a_time
from enrich.report.database import RowShard
from enrich.report.provenance import RunInfo, Sources
from enrich.report.rows import DatabaseRows
from enrich.run.enrichment import run_summary
from enrich.run.fetch import BackgroundFetch
from enrich.run.incremental import CorpusView, Incremental, KnownGene, KnownKey
from enrich.run.scan import Progress, Scan, Scanner
from enrich.run.schedule import DocumentTask, Schedule, fetch_order
from enrich.run.workers import WorkerPool

__all__ = [
    "DocumentAuditor",
    "DocumentReporter",
    "Reuse",
    "RunContext",
    "RunOutcome",
    "StageHook",
    "input_files",
    "run_enrichment",
    "stream_documents",
]

#: ``stage(label, total)`` announces a stage and returns the function told of progress in it
StageHook = Callable[[str, int], Callable[[int], None]]


class Tallied(Protocol):
    """What pass 2 makes of a document says how many of its claims have each grade, how
    many claims and citations carry each flag (as :func:`enrich.audit.summarize`), and how
    many problems the document has as pass 2 read it."""

    @property
    def grades(self) -> Mapping[str, int]: ...

    @property
    def flags(self) -> Mapping[str, int]: ...

    @property
    def problems(self) -> int: ...


R = TypeVar("R", bound=Tallied)


@dataclass(frozen=True)
class RunOutcome:
    """What a streaming run did: the summary, the input problems (one line each), where
    the records it used came from, and (``enrich run``) how many documents' reports it kept
    as they were and whether it wrote anything at all."""

    summary: RunSummary
    problems: list[str]
    sources: Sources = field(default_factory=Sources)
    kept: int = 0  #: documents whose reports were kept in place (an incremental run)
    written: bool = True  #: False: nothing had changed, nothing was written
    #: False: the state proved nothing had changed (inputs, settings, cache): no document
    #: was read nor any record; the summary is the previous run's, network counts zero
    read: bool = True


R_co = TypeVar("R_co", bound=Tallied, covariant=True)


class Reuse(Protocol[R_co]):
    """What a run may take over from before instead of reading, auditing and rendering
    (:class:`~enrich.run.incremental.Incremental`)."""

    def scan(self, number: int, path: Path) -> Scan | None:
        """Pass 1's findings for document ``number`` when they are known, else None."""

    def known(self, keys: Iterable[str]) -> Mapping[str, KnownKey]:
        """Of ``keys``, those whose Resolution is known unchanged, with what is known of it:
        their records are read only for the documents that go through pass 2."""

    def known_genes(self, gene_ids: Iterable[str]) -> Mapping[str, KnownGene]:
        """Of ``gene_ids``, those whose lookup is known unchanged, with what is known of it:
        their summaries are read only for the documents that go through pass 2."""

    def confirms(self, keys: Iterable[str], read: Mapping[str, Resolution]) -> bool:
        """Whether the known ``keys``, read after all into ``read``, are as known; when
        not, every key known and every document kept is forgotten (the run decides again)."""

    def confirms_genes(self, gene_ids: Iterable[str], read: Mapping[str, GeneLookup]) -> bool:
        """Whether the known ``gene_ids``, read after all into ``read``, are as known; when
        not, every Gene ID known and every document kept is forgotten (the run decides
        again)."""

    def keep(self, number: int, scan: Scan, view: CorpusView) -> R_co | None:
        """The result of document ``number`` (every key of ``scan`` settled in ``view``)
        when it need not go through pass 2, else None."""

    def decided(self, *, fetching: bool) -> None:
        """Told once it is known of every document whether it is kept, and whether keys are
        left to fetch for the others, before pass 2."""

    def settled(self, scans: Sequence[Scan], view: CorpusView) -> None:
        """Told, at the end, every document's scan and the run's final view."""


def run_enrichment(
    paths: Sequence[StrPath],
    *,
    out_dir: StrPath,
    cache_dir: StrPath,
    eutils: EutilsSettings,
    audit: AuditSettings,
    style: Style | None = None,
    offline: bool = False,
    jobs: int = 1,
    formats: Iterable[str] = DEFAULT_FORMATS,
    full: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    stage: StageHook | None = None,
) -> RunOutcome:
    """Read, resolve, audit and write the reports of every input under ``out_dir``, in place
    of its previous report set (replaced as a whole when the run succeeds, untouched otherwise).
    ``formats`` are the per-document outputs (see :data:`enrich.report.FORMATS`).

    Incremental (:mod:`enrich.run.incremental`): a document whose reports the previous set
    holds exactly as this run would write them is not read again, audited or rendered, and
    its files stay as they are; when nothing changed, no report file is written (and when
    the state proves that before any reading, nothing is read: ``RunOutcome.read``).  ``full``
    renders every document.

    Raises, before any work and touching nothing: OutputError when ``out_dir`` or
    ``cache_dir`` cannot be written or another run is writing into ``out_dir``,
    NoDocuments when ``paths`` hold no document, ValueError for an unknown format.
    Paths may be strings; ``paths`` is a list of them (TypeError for one alone).
    """
    one_path_refused(paths, "paths")
    out_dir, cache_dir = Path(out_dir), Path(cache_dir)
    check_writable_folder(out_dir, "reports")
    files, refused = input_files([Path(p) for p in paths], cache_dir, out_dir)
    done = partial(with_problems, problems=refused)  #: the files left out are problems too
    run = RunInfo.start(eutils.base_url, offline=offline, audit=audit)
    mark = CacheMark.take(cache_dir)
    with ReportWriter(out_dir, formats, run) as writer, one_run_at_a_time(writer.out_dir):
        names = [writer.allocate(str(path)) for path in files]
        incremental = Incremental(
            writer.out_dir,
            files,
            names,
            formats=writer.formats,
            eutils_url=eutils.base_url,
            offline=offline,
            style=style,
            audit=audit,
            full=full,
            keeping=writer.keeping,
            cache_dir=cache_dir,
        )
        before = incremental.as_before(mark.version)
        if before is not None:
            writer.abort()
            summary, problems, sources = before
            return done(
                RunOutcome(summary, problems, sources, len(files), written=False, read=False)
            )
        written: dict[int, WrittenDocument] = {}  #: what the state records of each document

        def accept(doc: WrittenDocument, number: int) -> None:
            written[number] = dataclasses.replace(doc, tsv="", bibliography=(), rows=DatabaseRows())
            if not doc.kept:  # the kept ones go to the writer once the run proves it writes
                writer.add_written(doc, number)

        outcome = stream_documents(
            files,
            names,
            DocumentReporter(
                writer.staging, run, writer.formats, writer.row_shard, lambda: incremental.vouched
            ),
            accept,
            cache_dir=cache_dir,
            eutils=eutils,
            audit=audit,
            style=style,
            offline=offline,
            jobs=jobs,
            transport=transport,
            stage=stage,
            label="writing reports",
            reuse=incremental,
        )
        kept = dataclasses.replace(outcome, kept=len(incremental.kept))
        fingerprint = incremental.run_fingerprint(outcome.summary)
        made_of = (mark.only_own_changes(), outcome.summary, outcome.sources)
        if incremental.unchanged(fingerprint):
            writer.abort()
            incremental.remember(*made_of)
            return done(dataclasses.replace(kept, written=False))
        for number, lines in incremental.tsv_lines(sorted(incremental.kept)):
            writer.add_written(dataclasses.replace(written[number], tsv=lines), number)
        writer.add_bibliography(incremental.bibliography(writer.bibliography, written))
        writer.write_run_files(outcome.summary)
        incremental.save(
            writer.staging, written, writer.tsv_spans, writer.bibliography, fingerprint, *made_of
        )
        writer.commit(previous=incremental.previous_files())
    return done(kept)


def input_files(
    paths: Sequence[Path], cache_dir: Path, out_dir: Path | None = None
) -> tuple[list[Path], list[str]]:
    """The document files of ``paths`` (never inside ``cache_dir`` or ``out_dir``, the
    run's own folders, but when named), once the cache folder is known to be writable; and
    a problem line for each file left out because its name is not text (not UTF-8: no
    report, table or database can name it).

    Raises, touching nothing: OutputError when ``cache_dir`` cannot be written or an input
    is inside ``out_dir`` (its reports would be written among the inputs, or over one),
    NoDocuments when ``paths`` hold no document (or none with a name that is text).
    """
    check_writable_folder(cache_dir, "the cache")
    own = [cache_dir] if out_dir is None else [cache_dir, out_dir]
    files: list[Path] = []
    refused: list[str] = []
    for path in iter_input_files(paths, skip=own):
        if _is_text(str(path)):
            files.append(path)
        else:
            refused.append(f"{printable(path)}: its name is not UTF-8 text: rename it")
    if not files:
        raise NoDocuments(refused[0] if refused else no_documents_message(paths))
    if out_dir is not None:
        folder = os.path.join(os.path.realpath(out_dir), "")  # noqa: PTH118 - with its "/"
        real = _RealPaths()
        inside = next((f for f in files if real(str(f)).startswith(folder)), None)
        if inside is not None:
            raise OutputError(
                f"cannot write reports to {printable(out_dir)}: it holds the input "
                f"{printable(inside)}, which its reports would join or overwrite; choose a "
                "report folder (--out) that holds no input"
            )
    return files, refused


class _RealPaths:
    """``os.path.realpath`` of many files, the folders they are in resolved once each (a
    corpus's 20,000 files live in a few hundred): 0.29 → 0.08 s for 20,000."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        if os.path.islink(path):  # noqa: PTH114 - a str, as the walk gives
            return os.path.realpath(path)
        folder, name = os.path.split(path)
        real = self._folders.get(folder)
        if real is None:
            real = self._folders[folder] = os.path.realpath(folder or os.curdir)
        return os.path.join(real, name)  # noqa: PTH118


def _is_text(name: str) -> bool:
    """Whether ``name`` is UTF-8 text (not undecodable bytes that Python keeps as lone
    surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def with_problems(outcome: RunOutcome, problems: list[str]) -> RunOutcome:
    """``outcome`` with ``problems`` (lines about inputs left out) before its own."""
    if not problems:
        return outcome
    summary = dataclasses.replace(
        outcome.summary, problems=outcome.summary.problems + len(problems)
    )
    return dataclasses.replace(outcome, summary=summary, problems=[*problems, *outcome.problems])


def stream_documents(
    files: list[Path],
    names: list[str],
    finish: Callable[[AuditedDocument, str], R],
    accept: Callable[[R, int], None],
    *,
    cache_dir: Path,
    eutils: EutilsSettings,
    audit: AuditSettings,
    style: Style | None = None,
    offline: bool = False,
    jobs: int = 1,
    transport: httpx.AsyncBaseTransport | None = None,
    stage: StageHook | None = None,
    label: str = "auditing documents",
    reuse: Reuse[R] | None = None,
) -> RunOutcome:
    """Read, resolve and audit each of ``files`` (see the module docstring): in a worker,
    ``finish(audited, name)`` turns document ``number`` (named ``names[number]``) into a
    result, which this process hands to ``accept(result, number)``; the results' grade and
    flag counts (:class:`Tallied`) make the run's summary.

    ``finish`` is inherited by the forked workers, never pickled; its results are, so keep
    them small.  ``stage`` is told of each stage, pass 2's as ``label``.  ``reuse`` may
    give a document's scan instead of pass 1, and its result instead of pass 2.
    """
    hook = stage or (lambda label, total: lambda n: None)
    scans = _scan_all(files, style, jobs, hook("reading documents", len(files)), reuse)
    ids = list(dict.fromkeys(gene_id for scan in scans for gene_id in scan.gene_ids))
    known_genes = reuse.known_genes(ids) if reuse is not None else {}
    look_up = partial(
        resolve_genes, cache_dir=cache_dir, eutils=eutils, offline=offline, transport=transport
    )
    looking = hook("looking up gene names", len(ids))
    looking(len(known_genes))
    genes = look_up([gene_id for gene_id in ids if gene_id not in known_genes], progress=looking)
    keys = list(dict.fromkeys(key for scan in scans for key in scan.keys))
    identifiers = [key for key in keys if not is_fallback(key)]  #: what the run counts
    resolving = hook("resolving citations", len(identifiers))
    known = reuse.known(keys) if reuse is not None else {}
    from_cache = partial(_from_cache, cache_dir=cache_dir, eutils=eutils, offline=offline)
    settled = from_cache([key for key in keys if key not in known])
    resolving(sum(key in settled or key in known for key in identifiers))
    stats = merge_stats(s.stats for s in scans)
    grades: Counter[str] = Counter()
    flags: Counter[str] = Counter()

    late: list[str] = []  #: problems pass 2 found that pass 1 did not (a document changed)

    def counted(done: R, number: int) -> None:
        grades.update(done.grades)
        flags.update(done.flags)
        if done.problems > len(scans[number].problems):
            late.append(f"{printable(files[number])}: changed while enrich read it: run again")
        accept(done, number)

    pass_two = hook(label, len(files))
    view = CorpusView(settled, genes.lookups, stats)  #: what is known before fetching
    results = _decide(scans, settled, known, view, reuse, from_cache)
    # The known Gene IDs the documents to audit give are read now; each must be as known,
    # or (the cache changed since, or dropped a damaged entry) every known one is read and
    # it is decided again from the summaries alone, as for the known keys (see _decide).
    given = (g for n, scan in enumerate(scans) if results[n] is None for g in scan.gene_ids)
    unread = [g for g in dict.fromkeys(given) if g in known_genes and g not in genes.lookups]
    genes = _with_genes(genes, unread, look_up)
    if reuse is not None and not reuse.confirms_genes(unread, genes.lookups):
        rest = [gene_id for gene_id in known_genes if gene_id not in genes.lookups]
        genes = _with_genes(genes, rest, look_up)
        view = CorpusView(settled, genes.lookups, stats)
        results = _decide(scans, settled, known, view, reuse, from_cache)
    tasks = []
    for number, (path, name, scan) in enumerate(zip(files, names, scans, strict=True)):
        result = results[number]
        if result is None:
            tasks.append(DocumentTask(number, path, name, scan.keys))
        else:
            counted(result, number)
            pass_two(1)
    to_fetch = fetch_order(tasks, settled)
    if reuse is not None:
        reuse.decided(fetching=bool(to_fetch))
    fetch = partial(
        resolve_citations,
        to_fetch,
        cache_dir=cache_dir,
        eutils=eutils,
        offline=offline,
        transport=transport,
        progress=resolving,
    )
    # Before the workers fork, so that they inherit what was learnt: the names of the genes
    # of the documents to audit (a run that keeps most documents learns few; one with more
    # names than the audit remembers leaves them to the workers, but the word frequencies).
    needed = dict.fromkeys(gene_id for task in tasks for gene_id in scans[task.number].gene_ids)
    learn_names(genes.lookups[gene_id] for gene_id in needed if gene_id in genes.lookups)
    auditor = DocumentAuditor(RunContext(style, stats, audit, genes.lookups), finish)
    fetched = (
        _audit_while_fetching(tasks, settled, fetch, auditor, counted, jobs, pass_two)
        if tasks
        else Resolved({}, 0, 0)  # every document kept: every key was settled
    )
    read = {**settled, **fetched.resolutions}
    final = {key: read[key] for key in keys if key in read}  # the others are known
    if reuse is not None:
        reuse.settled(scans, CorpusView(final, genes.lookups, stats))
    answered: dict[str, Resolution | KnownKey] = {**known, **final}
    answers = [answered[key] for key in looked_up(answered)]
    untouched = [known for g, known in known_genes.items() if g not in genes.lookups]
    summary = _summary(scans, grades, flags, answers, fetched.requests, genes, untouched, offline)
    summary = dataclasses.replace(summary, problems=summary.problems + len(late))
    problems = [line for scan in scans for line in scan.problems] + late
    return RunOutcome(summary, problems, Sources.of(answers, [*genes.lookups.values(), *untouched]))


def _with_genes(
    genes: ResolvedGenes, more: list[str], look_up: Callable[[list[str]], ResolvedGenes]
) -> ResolvedGenes:
    """``genes`` with the lookups of ``more`` (Gene IDs known unchanged, now needed by a
    document to audit: read from the cache, or fetched if it lost them)."""
    if not more:
        return genes
    found = look_up(more)
    return ResolvedGenes(
        {**genes.lookups, **found.lookups},
        genes.requests + found.requests,
        genes.cache_hits + found.cache_hits,
    )


def _decide(
    scans: Sequence[Scan],
    settled: dict[str, Resolution],
    known: Mapping[str, KnownKey],
    view: CorpusView,
    reuse: Reuse[R] | None,
    read: Callable[[list[str]], dict[str, Resolution]],
) -> list[R | None]:
    """For each document, its result when ``reuse`` keeps it (every key of it settled or
    known), else None: it goes through pass 2.  The known keys those documents cite are
    ``read`` into ``settled`` (``view`` sees them), and each must be as known; if one is not
    (the cache changed since), every known key is read and it is decided again from the
    records alone, as a run without the state's knowledge does."""
    if reuse is None:
        return [None] * len(scans)

    def kept(number: int, scan: Scan, known: Mapping[str, KnownKey]) -> R | None:
        if all(key in settled or key in known for key in scan.keys):
            return reuse.keep(number, scan, view)
        return None

    results = [kept(number, scan, known) for number, scan in enumerate(scans)]
    if not known:
        return results
    cited = (key for n, scan in enumerate(scans) if results[n] is None for key in scan.keys)
    unread = [key for key in dict.fromkeys(cited) if key in known and key not in settled]
    settled.update(read(unread))
    if reuse.confirms(unread, settled):
        return results
    settled.update(read([key for key in known if key not in settled]))
    return [kept(number, scan, {}) for number, scan in enumerate(scans)]


def _scan_all(
    files: list[Path], style: Style | None, jobs: int, progress: Progress, reuse: Reuse[R] | None
) -> list[Scan]:
    """Pass 1: every document's scan, from ``reuse`` where it has one, else read."""
    known = [reuse.scan(n, path) if reuse else None for n, path in enumerate(files)]
    todo = [files[n] for n, scan in enumerate(known) if scan is None]
    progress(len(files) - len(todo))
    fresh = iter(Scanner(style).scan_all(todo, jobs, progress))
    return [scan if scan is not None else next(fresh) for scan in known]


def _from_cache(
    keys: list[str], *, cache_dir: Path, eutils: EutilsSettings, offline: bool
) -> dict[str, Resolution]:
    """The Resolutions the cache settles (with ``offline``, every key's: uncached ones are
    then final as unresolved)."""
    known = resolve_citations(keys, cache_dir=cache_dir, eutils=eutils, offline=True)
    return {
        key: resolution
        for key, resolution in known.resolutions.items()
        if offline or resolution.status is not Status.UNRESOLVED
    }


# --- pass 2 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunContext:
    """What every worker of pass 2 needs to know of the run to audit (inherited by fork)."""

    style: Style | None
    stats: CorpusStats
    audit: AuditSettings
    genes: Mapping[str, GeneLookup]  #: the NCBI Gene names of the run's Gene IDs


class DocumentAuditor(Generic[R]):
    """Pass 2's task: read a document again, audit it and hand it to ``finish``, whose result
    it returns.  Inherited by the workers (never pickled)."""

    def __init__(self, context: RunContext, finish: Callable[[AuditedDocument, str], R]) -> None:
        self.context = context
        self.finish = finish

    def __call__(self, task: DocumentTask, resolutions: dict[str, Resolution]) -> R:
        """Audit the document of ``task``; ``resolutions`` holds the Resolutions of the
        citations pass 1 found in it (``task.keys``; but those no audit reads:
        :func:`~enrich.audit.never_read`).  A document that now cites what pass 1 did not
        find (changed while the run read it) is audited as it is, those citations
        unresolved unless another document's gave them, with a problem saying so: the run
        fails, and the next one reads it again."""
        context = self.context
        document = read_document(task.path, context.style)
        cited = (key for citation in document.all_citations() for key in citation.keys)
        if not set(cited) <= set(task.keys):
            changed = Problem(str(task.path), "", "changed while enrich read it: run again")
            document = dataclasses.replace(document, problems=(*document.problems, changed))
        audited = audit_document(document, resolutions, context.stats, context.audit, context.genes)
        return self.finish(audited, task.name)


class DocumentReporter:
    """``enrich run``'s ``finish``: render a document's reports and write them in ``out_dir``
    (the report writer's staging folder) as ``<name>.*``; return what the writer keeps.

    Each worker has its own copy (fork): so each hands over the bibliography entry and the
    audit.db row of a paper once, however many of its documents cite it.  With ``rows``,
    the document's audit.db rows go into that worker's shard instead of the result.
    ``vouched`` gives, when the first document is rendered, the PMIDs whose entry and row
    the run takes from the previous set instead (see :attr:`Incremental.vouched`).
    """

    def __init__(
        self,
        out_dir: Path,
        run: RunInfo,
        formats: tuple[str, ...] = DEFAULT_FORMATS,
        rows: RowShard | None = None,
        vouched: Callable[[], AbstractSet[str]] = frozenset,
    ) -> None:
        self.out_dir = out_dir
        self.run = run  #: what every report says of the run
        self.formats = formats  #: the per-document outputs written
        self.rows = rows
        self._vouched = vouched
        self._handed_over: set[str] | None = None  #: PMIDs whose papers were sent (or vouched)

    def __call__(self, audited: AuditedDocument, name: str) -> WrittenDocument:
        if self._handed_over is None:  # a copy: this object adds to it
            self._handed_over = set(self._vouched())
        rendered = render_document(
            audited, self._handed_over, name=name, formats=self.formats, run=self.run
        )
        write_document(self.out_dir, name, rendered)
        self._handed_over.update(paper.pmid for paper in rendered.bibliography)
        written = rendered.written(name)
        if self.rows is None:
            return written
        self.rows.add(rendered.rows)
        return dataclasses.replace(written, rows=DatabaseRows())


def _audit_while_fetching(
    tasks: list[DocumentTask],
    settled: dict[str, Resolution],
    fetch: Callable[..., Resolved],
    auditor: DocumentAuditor[R],
    accept: Callable[[R, int], None],
    jobs: int,
    progress: Progress,
) -> Resolved:
    """Audit every document while ``fetch`` resolves the keys ``settled`` lacks.

    A document goes to a worker as soon as all its keys are settled, with the
    Resolutions that worker has not had yet (the cache's answers, known before the
    workers are forked, they inherit).  So auditing and rendering overlap the network
    instead of waiting for the last batch.  Returns what ``fetch`` returned; if anything
    fails, stops ``fetch`` at its next batch and raises.
    """
    schedule = Schedule(tasks, settled)
    left = len(tasks)
    workers = jobs if len(tasks) >= 8 * jobs else 1
    with (
        WorkerPool(auditor, workers, settled) as pool,
        BackgroundFetch(fetch) as fetching,
    ):
        while left:
            for batch in fetching.take():
                schedule.settle(batch)
            while schedule.has_ready and not pool.busy:
                dispatch = schedule.pop_ready()
                task = dispatch.task
                pool.submit(task.number, task, dispatch.needs)
                pool.forget(dispatch.used_up)
            if not pool.outstanding and fetching.future.done():
                fetching.future.result()  # raises the fetch's failure, if any
                late = fetching.take()
                if not late:  # the fetch ended and every batch it brought is settled
                    raise RuntimeError(f"{left} documents never had their citations settled")
                for batch in late:
                    schedule.settle(batch)
                continue
            for number, done in pool.results(wake=[fetching]):
                accept(done, number)
                progress(1)
                left -= 1
        return fetching.future.result()


def _summary(
    scans: list[Scan],
    grades: Counter[str],
    flags: Counter[str],
    answers: Sequence[Resolution | KnownKey],
    requests: int,
    genes: ResolvedGenes,
    known_genes: Sequence[KnownGene],
    offline: bool,
) -> RunSummary:
    return run_summary(
        documents=len(scans),
        claims=sum(scan.claims for scan in scans),
        problems=sum(len(scan.problems) for scan in scans),
        grades=grades,
        flags=flags,
        citations=(answer.status for answer in answers),
        requests=requests,
        cache_hits=sum(answer.from_cache for answer in answers),
        genes=genes,
        known_genes=known_genes,
        offline=offline,
    )
