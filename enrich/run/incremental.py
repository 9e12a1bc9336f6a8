"""Incremental runs: which documents' reports a run may keep as they are, and the proof.

A report set written by ``enrich run`` carries its state, ``.enrich-state.sqlite``, committed
with the set (so it always describes the files beside it, and a killed run leaves the
previous set and state as they were).  Per document it holds the input's digest (BLAKE2b
of its bytes) with the file's size, times, inode and device when it was read (see
:func:`input_digest`), the name its files were written under, what pass 1 found in it (its
:class:`~enrich.run.scan.Scan`), its index entry, its lines' place in ``audit.tsv``, the
size and modification time of each of its report files, and its *fingerprint*: a digest of
everything its reports are made from:

* the input's digest and its report name;
* the settings that change reports: enrich's version and wordfreq's (whose word list
  decides which gene names are ordinary words), the per-document formats, the
  E-utilities URL asked, offline or not, ``--style``, every audit setting;
* for each citation key it cites, the Resolution's content (status, reason, the PubMed
  record, when that content was first fetched, test data or not) and the one thing the
  rest of the corpus decides for it: whether its share of the run's edges makes it a
  resource paper (:func:`~enrich.audit.corpus_share`, whose reason names the counts);
* for each Gene ID it gives, NCBI Gene's answer.

A later run keeps a document (its files untouched, the same bytes and mtime; not read
again, not audited, not rendered) only when its input digest, name and fingerprint are
the same (the digest taken again unless the file's size, modification and change times,
inode and device are those recorded with it: the change time, which no user can set,
moves with every write, and an input changed within two seconds of its reading is read
again by the next run, git's rule for "racily clean" files) and its files are exactly as
the state recorded them; any doubt (no state, a state of another schema or unreadable, a
file changed or missing, a citation the cache cannot settle before fetching) makes the
document be rendered again.  ``--full`` renders every document.  The run-level files
(index.html, audit.tsv, audit.db, the bibliographies) are rebuilt from the kept
documents' recorded entries, their audit.tsv lines and audit.db rows (copied from the
previous set) and the new documents' reports; a run in which nothing changed writes no
report file.

The state also records the cache's :class:`~enrich.entrez.cache.CacheVersion` the set was
made from (when the run's answers were final and every change to the cache during it was
its own), with the run's summary: a run whose settings, inputs, names and report files are
as recorded and whose cache is at that version changed nothing, and knows it without
reading a record or a document (:meth:`Incremental.as_before`); so does a run whose cache
moved on in entries none of the set's answers are made from (another corpus sharing the
cache: its records, not-found answers and gene summaries), as the cache's change log
shows.  A run that had to read to find nothing changed (the cache's version had moved), or
knew it from the log, notes the version in the state, in place
(:meth:`Incremental.remember`): the only file such a run writes.

Per citation key the state also holds what the run's summary, sources, fingerprints and
bibliography need of its Resolution (:class:`KnownKey`: status, PMID, fetch time, test data
or not, the digest of its content).  When the state has a cache version and the cache's
change log reaches back to it (:meth:`~enrich.entrez.cache.CitationCache.changes_since`), a
key none of whose cache entries changed since is known without reading its record
(:meth:`Incremental.known`): a run after a refresh reads the records that changed and
those of the documents it renders again, not the whole corpus's.  When the run starts
from the previous audit.db and has nothing to fetch, the papers of those keys are *vouched* for
(:attr:`Incremental.vouched`): their bibliography entries come from the state and their
audit.db rows stay, and the documents rendered again do not make them anew.

The state is plain data in SQLite and JSON (never pickle): reading it cannot run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

import enrich
from enrich.audit import AuditSettings, CorpusStats, corpus_share
from enrich.entrez.cache import CacheVersion, CitationCache, gene_entries, is_gene_entry
from enrich.entrez.gene_names import as_filed
from enrich.entrez.resolve import cache_entries
from enrich.errors import OutputError
from enrich.escape import printable
from enrich.extract import MAX_DOCUMENT_BYTES
from enrich.folders import open_regular
from enrich.model import (
    GeneLookup,
    GeneStatus,
    PaperRecord,
    Resolution,
    RunSummary,
    Status,
    Style,
)
from enrich.report import WrittenDocument
from enrich.report.bibliography import BibliographyEntry, bibliography_entry
from enrich.report.commit import read_manifest
from enrich.report.provenance import Sources, fixed_time
from enrich.report.view import DocumentEntry
from enrich.run.scan import Scan
from enrich.shapes import Check, checker

__all__ = ["STATE", "CorpusView", "DocumentState", "Incremental", "PreviousRun", "input_digest"]

STATE = ".enrich-state.sqlite"
_SCHEMA = 10  #: bump when what the state holds, or how a fingerprint is made, changes
#: the run-level files whose size and mtime the state records: a kept document's
#: audit.tsv lines and audit.db rows are read back from the first two
RUN_FILES = (
    "audit.tsv",
    "audit.db",
    "index.html",
    "references.bib",
    "references.json",
    "references.ris",
)

FileStat = tuple[int, int]  #: (size in bytes, mtime in ns)
#: an input's (size, mtime, ctime in ns, inode, device): see :func:`input_digest`
InputStat = tuple[int, int, int, int, int]
#: an input whose change time is less than this before it was read may still change within
#: the same tick of the file system's clock, its times unchanged: its stat is not recorded
RACY_NS = 2_000_000_000


def input_digest(path: Path) -> tuple[str, InputStat | None]:
    """The BLAKE2b digest of the file's bytes (hex), or "" (which matches no state) when it
    is not a regular file, is over the documents' size limit, or cannot be read: a FIFO or
    a device is never read here, nor more than a document may hold (reading the document
    reports what is wrong with it).  With it, the file's :func:`input_stat` as it was
    before reading, when a later run may take the digest for a file still of that stat:
    None when the file changed less than :data:`RACY_NS` before that stat was taken,
    however long the reading took (or has no digest), since a write within the same tick
    of the clock would leave its times as they were.  A write during the reading changes
    the file's stat, so the next run reads it again."""
    fd = open_regular(path)
    if fd is None:
        return "", None
    with os.fdopen(fd, "rb") as handle:
        # the clock before the stat: any write after the stat is later still, so a change
        # time this far back moves with it (the end of a slow reading proves nothing)
        now = time.time_ns()
        found = os.fstat(fd)
        if found.st_size > MAX_DOCUMENT_BYTES:
            return "", None
        try:
            digest = hashlib.file_digest(handle, "blake2b").hexdigest()
        except OSError:
            return "", None
    settled = now - found.st_ctime_ns >= RACY_NS
    return digest, _input_stat(found) if settled else None


def input_stat(path: Path) -> InputStat | None:
    """The size, modification and change times, inode and device of the regular file at
    ``path``, opened as :func:`input_digest` opens it (links followed, never blocking), or
    None when it cannot be opened: a file this user cannot read is read, and its problem
    reported, as by ``--full``; and on NFS, opening it asks the server for its attributes
    afresh (close-to-open consistency), where a bare stat may answer from a cache."""
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        return _input_stat(os.fstat(fd))
    finally:
        os.close(fd)


def _input_stat(found: os.stat_result) -> InputStat:
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


def file_stat(path: Path) -> FileStat | None:
    """The size and mtime of ``path``, or None when it is not a regular file (a link
    included)."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns) if stat.S_ISREG(found.st_mode) else None


@dataclass(frozen=True, slots=True)
class DocumentState:
    """What a report set's state says of one of its documents."""

    path: str
    digest: str
    #: the input's stat when ``digest`` was taken, if a later run may trust it (see
    #: :func:`input_digest`)
    input_stat: InputStat | None
    name: str
    fingerprint: str
    scan: Scan
    entry: DocumentEntry
    sources: Sources
    tsv: tuple[int, int]  #: (offset, length) of its lines in audit.tsv, in bytes
    files: dict[str, FileStat | None]  #: its report files' names -> size and mtime
    misidentified: tuple[str, ...]  #: see :attr:`WrittenDocument.misidentified`


@dataclass(frozen=True, slots=True)
class KnownKey:
    """What a run needs of a citation key's Resolution but its record: its status, the PMID
    of its record (if any), where that came from, and the digest of its content."""

    status: Status
    pmid: str | None
    fetched_at: float | None
    test_data: bool
    digest: bytes  #: of the Resolution's content and provenance (see :func:`_content`)

    @property
    def from_cache(self) -> bool:
        """Whether a run reading the cache has it answered there (:meth:`Incremental.known`
        never takes an unresolved key)."""
        return self.status is not Status.INVALID


@dataclass(frozen=True, slots=True)
class KnownGene:
    """What a run needs of a Gene ID's lookup but its record: whether a test server gave
    it, and the digest of the lookup.  Only a Gene ID found as itself is ever known (a
    replaced one's names come from another's entries)."""

    test_data: bool
    digest: bytes  #: of the lookup (see :meth:`Incremental._gene`)

    @property
    def status(self) -> GeneStatus:
        return GeneStatus.FOUND


@dataclass(frozen=True, slots=True)
class PreviousRun:
    """The state of the report set in a folder (empty when there is none to trust)."""

    documents: dict[str, DocumentState] = field(default_factory=dict)
    run_files: dict[str, FileStat] = field(default_factory=dict)
    fingerprint: str = ""  #: of the whole set (see :meth:`Incremental.run_fingerprint`)
    settings: str = ""  #: the digest of the settings it was made with
    #: the cache's version whose answers it was made from, when known (see :meth:`as_before`)
    cache: CacheVersion | None = None
    summary: RunSummary | None = None  #: the run's summary, network counts aside
    sources: Sources = field(default_factory=Sources)  #: of all its records
    #: the digest of its input paths in the run's order (see :func:`_order`)
    order: str = ""

    @classmethod
    def load(cls, out_dir: Path) -> PreviousRun:
        """The state in ``out_dir``, or an empty one when it is absent, unreadable, of another
        schema, or when the run-level files are not those it describes.  Never raises."""
        try:
            previous = cls._read(out_dir / STATE)
        except (sqlite3.Error, OSError, ValueError, LookupError, TypeError):
            return cls()  # another shape than this build writes: proves nothing
        for name, recorded in previous.run_files.items():
            if file_stat(out_dir / name) != recorded:
                return cls()
        return previous

    @classmethod
    def _read(cls, path: Path) -> PreviousRun:
        if not path.is_file():
            return cls()
        with _read_only(path) as db:
            meta = dict(db.execute("SELECT name, value FROM meta"))
            if json.loads(meta["schema"]) != _SCHEMA:
                return cls()
            documents = {}
            for row in db.execute(_SELECT_DOCUMENTS):
                try:
                    documents[row[0]] = _document_state(row)
                except (ValueError, LookupError, TypeError):
                    continue  # a row that cannot be read proves nothing: rendered again
        cache = _loaded(meta["cache"], _CACHE)
        run_files = {name: tuple(stat) for name, stat in _loaded(meta["files"], _RUN_FILES)}
        tsv_size = run_files.get("audit.tsv", (0, 0))[0]
        for path, known in list(documents.items()):
            if sum(known.tsv) > tsv_size:  # its lines are not in the file: proves nothing
                del documents[path]
        return cls(
            documents,
            run_files,
            _loaded(meta["fingerprint"], _TEXT),
            _loaded(meta["settings"], _TEXT),
            None if cache is None else CacheVersion(*cache),
            RunSummary(**_loaded(meta["summary"], _SUMMARY)),
            Sources(*_loaded(meta["sources"], _SOURCES)),
            _loaded(meta["order"], _TEXT),
        )


_CREATE = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);  -- values in JSON
CREATE TABLE docs (
    path TEXT PRIMARY KEY,   -- the input file, as the run was given it
    digest TEXT NOT NULL,    -- BLAKE2b of its bytes
    stat TEXT NOT NULL,      -- JSON: [size, mtime_ns, ctime_ns, inode, device] read, or null
    name TEXT NOT NULL,      -- its report files' name, without the format's suffix
    fingerprint TEXT NOT NULL,
    scan TEXT NOT NULL,      -- JSON: pass 1's findings
    entry TEXT NOT NULL,     -- JSON: its line of index.html
    sources TEXT NOT NULL,   -- JSON: its records' fetch span and test-data mark
    tsv TEXT NOT NULL,       -- JSON: [offset, length] of its lines in audit.tsv
    files TEXT NOT NULL,     -- JSON: [[file name, [size, mtime_ns]], ...]
    misidentified TEXT NOT NULL  -- JSON: PMIDs its citations resolved to, none as its paper
);
CREATE TABLE papers (        -- the bibliography entry of every paper the set cites
    pmid TEXT PRIMARY KEY,
    entry TEXT NOT NULL      -- JSON: [BibTeX, CSL-JSON, RIS]
);
CREATE TABLE genes (         -- every Gene ID the set gives found as itself (see KnownGene)
    gene_id TEXT PRIMARY KEY,
    test_data INTEGER NOT NULL,
    digest BLOB NOT NULL
);
CREATE TABLE keys (          -- every citation key the set cites (see KnownKey)
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    pmid TEXT,
    fetched_at REAL,
    test_data INTEGER NOT NULL,
    digest BLOB NOT NULL
);
"""
_SELECT_DOCUMENTS = (
    "SELECT path, digest, stat, name, fingerprint, scan, entry, sources, tsv, files, "
    "misidentified FROM docs"
)
_REPLACE_DOCUMENT = "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_SELECT_KEYS = "SELECT key, status, pmid, fetched_at, test_data, digest FROM keys"
_SELECT_GENES = "SELECT gene_id, test_data, digest FROM genes"
_REPLACE_KEY = "INSERT OR REPLACE INTO keys VALUES (?, ?, ?, ?, ?, ?)"
_SET_META = "INSERT OR REPLACE INTO meta VALUES (?, ?)"


def _document_state(row: tuple[Any, ...]) -> DocumentState:
    """A ``docs`` row as this build writes it, else ValueError (or LookupError, TypeError)."""
    path, digest, input_stat, name, fingerprint, scan, entry, sources, tsv, files, wrong = row
    if not _ROW_TEXTS([path, digest, name, fingerprint]):
        raise ValueError("a row of another shape")
    read = _loaded(input_stat, _INPUT_STAT)
    found = _loaded(scan, _SCAN)
    span = _loaded(tsv, _SPAN)
    if min(span) < 0:
        raise ValueError("a place in audit.tsv before its start")
    return DocumentState(
        path=path,
        digest=digest,
        input_stat=None if read is None else (read[0], read[1], read[2], read[3], read[4]),
        name=name,
        fingerprint=fingerprint,
        scan=Scan(
            keys=tuple(found["keys"]),
            gene_ids=tuple(found["gene_ids"]),
            edges=found["edges"],
            citing=tuple(found["citing"]),
            claims=found["claims"],
            problems=tuple(found["problems"]),
        ),
        entry=DocumentEntry(**_loaded(entry, _ENTRY)),
        sources=Sources(*_loaded(sources, _SOURCES)),
        tsv=(span[0], span[1]),
        files={name: tuple(stat) if stat else None for name, stat in _loaded(files, _REPORT_FILES)},
        misidentified=tuple(_loaded(wrong, _PMIDS)),
    )


@dataclass(frozen=True, slots=True)
class CorpusView:
    """What the run knows of the whole corpus when it decides what to keep."""

    resolutions: Mapping[str, Resolution]  #: settled citation keys
    genes: Mapping[str, GeneLookup]
    stats: CorpusStats


class Incremental:
    """One run's reuse of the previous report set in ``out_dir`` (see the module docstring);
    what :func:`~enrich.run.streaming.stream_documents` asks through ``reuse``.

    ``names`` are the report names the run allocated to ``files``, in order; ``cache_dir``
    the cache the run reads (whose change log tells what is known unchanged); ``formats``,
    ``eutils_url``, ``offline``, ``style`` and ``audit`` the settings that reports depend on
    besides documents and records (part of every fingerprint).  With ``full``, nothing is
    kept (but the state is written for the next run).  ``keeping`` is told the paths of
    the documents kept, and how many there are in all, once decided; it says whether the
    new audit.db starts from the previous one (which holds the rows of their papers).
    """

    def __init__(
        self,
        out_dir: Path,
        files: Sequence[Path],
        names: Sequence[str],
        *,
        cache_dir: Path,
        formats: Sequence[str],
        eutils_url: str,
        offline: bool,
        style: Style | None,
        audit: AuditSettings,
        full: bool = False,
        keeping: Callable[[list[str], int], bool] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.cache_dir = cache_dir
        self.files = list(files)
        self.names = list(names)
        self.formats = tuple(formats)
        self.full = full
        self._keeping = keeping
        self.previous = PreviousRun() if full else PreviousRun.load(out_dir)
        settings = [enrich.__version__, version("wordfreq"), self.formats, eutils_url, offline]
        settings += [str(style), repr(audit)]
        settings.append(str(fixed_time()))  # when every report says it was made, if fixed
        self.settings = _digest([_SCHEMA, *settings])
        self.audit = audit
        self.digests: dict[int, str] = {}
        self.input_stats: dict[int, InputStat | None] = {}  #: with each of :attr:`digests`
        self.kept: set[int] = set()
        self.fingerprints: dict[int, str] = {}
        self._keys: dict[str, bytes] = {}  #: citation key -> the digest of what it brings
        self._genes: dict[str, bytes] = {}
        self._scans: Sequence[Scan] = ()
        self._stored_pmids: set[str] = set()  #: bibliography entries taken from the state
        self._contents: dict[str, bytes] = {}  #: citation key -> the digest of its content
        self._known: dict[str, KnownKey] = {}  #: keys the state proves unchanged
        self._known_genes: dict[str, KnownGene] = {}  #: Gene IDs the state proves unchanged
        self._recorded: dict[int, DocumentState | None] = {}  #: see :meth:`_as_recorded`
        self._as_stored: dict[str, bool] = {}  #: see :meth:`_read_as_known`
        #: PMIDs of known resolved keys whose bibliography entries and audit.db rows the run
        #: takes from the previous set, not from the documents rendered again (set by
        #: :meth:`decided`, when the new audit.db starts from the previous one and nothing
        #: is fetched: then the documents rendered again cite the records known)
        self.vouched: frozenset[str] = frozenset()
        #: the cache's version when the run started reading it (see :meth:`known`)
        self._read_at: CacheVersion | None = None
        self._final = CorpusView({}, {}, CorpusStats())

    # --- what stream_documents asks ------------------------------------------------------

    def scan(self, number: int, path: Path) -> Scan | None:
        """The stored scan of document ``number`` when its bytes are those the state knows
        and it was made with these settings (a scan depends on ``--style`` and on the
        version's reader; any change of settings renders every document again anyway), else
        None (pass 1 reads it).  Records the input's digest either way."""
        digest = self._input(number, path)
        if self.previous.settings != self.settings:
            return None
        known = self.previous.documents.get(str(path))
        return known.scan if known is not None and digest and known.digest == digest else None

    def _input(self, number: int, path: Path) -> str:
        """Input ``number``'s digest, taken once per run: the one the state records for
        ``path`` when the file's stat is the one recorded with it, else read (see
        :func:`input_digest`)."""
        if number in self.digests:
            return self.digests[number]
        known = self.previous.documents.get(str(path))
        if known and known.digest and known.input_stat and input_stat(path) == known.input_stat:
            self.digests[number], self.input_stats[number] = known.digest, known.input_stat
            return known.digest
        digest, read = input_digest(path)
        self.digests[number], self.input_stats[number] = digest, read
        return digest

    def keep(self, number: int, scan: Scan, view: CorpusView) -> WrittenDocument | None:
        """What the writer keeps of document ``number`` when its reports may stay as they
        are (its keys all settled in ``view``), else None: it is rendered again."""
        known = self._as_recorded(number)
        if known is None:
            return None
        if self._as_made(scan, view):
            self.fingerprints[number] = known.fingerprint
        elif known.fingerprint != self.fingerprint(number, scan, view):
            return None
        self.kept.add(number)
        entry = dataclasses.replace(known.entry, name=known.name)
        return WrittenDocument(
            "", entry, (), known.sources, kept=True, misidentified=known.misidentified
        )

    def _as_made(self, scan: Scan, view: CorpusView) -> bool:
        """Whether a document recorded as it is (see :meth:`_as_recorded`) has, by
        construction, the fingerprint recorded, without making it: the set is the one the
        state describes (so the corpus's counts, and each key's share, are as they were),
        every key the document cites is known unchanged or read as the state knows it (a
        not-found answer, read each run), and every Gene ID it gives is known unchanged."""
        known, genes = self._known, self._known_genes
        return (
            self._same_set
            and all(key in known or self._read_as_known(key, view) for key in scan.keys)
            and all(gene_id in genes for gene_id in scan.gene_ids)
        )

    def _read_as_known(self, key: str, view: CorpusView) -> bool:
        """Whether ``key``, read from the cache into ``view``, says what the state's row of
        it says (the same digest of its content, see :func:`_content`)."""
        found = self._as_stored.get(key)
        if found is None:
            stored = self._stored_keys.get(key)
            found = self._as_stored[key] = (
                stored is not None
                and key in view.resolutions
                and self._content(key, view) == stored.digest
            )
        return found

    @cached_property
    def _same_set(self) -> bool:
        """Whether the run's inputs are exactly the documents the state records, each as
        recorded, under the same settings."""
        previous = self.previous
        return (
            previous.settings == self.settings
            and len(previous.documents) == len(self.files)
            and all(self._as_recorded(number) is not None for number in range(len(self.files)))
        )

    def as_before(self, cache: CacheVersion) -> tuple[RunSummary, list[str], Sources] | None:
        """The previous run's summary (network counts zero), input problems and sources when
        nothing it was made from has changed, else None: the same settings, the same input
        files in the same order under the same names with the same bytes, every report file
        as the state recorded it, and the cache at version ``cache``, the one whose answers
        the previous run was made from (recorded only when they were final: offline, or
        nothing left unresolved), or at a later version whose change log shows none of the
        entries those answers come from changed (another corpus sharing the cache; then the
        state notes ``cache``, as it notes the new stat of an input read again whose bytes
        are as they were).  Then the run need not read the cache, scan or fingerprint
        anything.  The inputs' digests are kept for the rest of the run either way."""
        previous = self.previous
        if self.full or previous.summary is None or previous.cache is None:
            return None
        if previous.settings != self.settings or not previous.run_files:
            return None
        if len(previous.documents) != len(self.files) or not self._manifest_lists_the_set():
            return None
        if previous.order != _order(self.files):  # the same inputs given in another order
            return None
        problems: list[str] = []
        for number, path in enumerate(self.files):
            self._input(number, path)
            known = self._as_recorded(number)
            if known is None:
                return None
            problems.extend(known.scan.problems)
        if previous.cache != cache and not self._answers_untouched(previous.cache, cache):
            return None
        if previous.cache != cache or self._restatted():
            self._read_at = cache  # what the set was made from holds at ``cache``
            self.remember(cache, previous.summary, previous.sources)
        return previous.summary, problems, previous.sources

    def _answers_untouched(self, since: CacheVersion, now: CacheVersion) -> bool:
        """Whether the cache, at version ``now``, changed since ``since`` in none of the
        entries the previous set's answers come from (those of every citation key it cites,
        see :func:`~enrich.entrez.resolve.cache_entries`, and the entries of every Gene ID
        its documents give).  Any change to a gene's entries counts when the set followed a
        replaced Gene ID to another's, as does any change at all when a key's entries cannot
        be told (a key the state holds no row of), or when the log cannot tell what
        changed."""
        changed = self._changes_between(since, now)
        if changed is None or not self._genes_untouched(changed):
            return False
        stored = self._stored_keys
        if not stored:  # unreadable, or a set citing nothing: no proof either way
            return False
        cited = {key for known in self.previous.documents.values() for key in known.scan.keys}
        # a key without a row (of another shape, gone) proves nothing
        return all(key in stored and _untouched(changed, key, stored[key].pmid) for key in cited)

    def _changes_between(self, since: CacheVersion, now: CacheVersion) -> frozenset[str] | None:
        """The keys of the cache entries changed since version ``since``, when the cache is
        now at version ``now`` and its log can tell them; else None."""
        with CitationCache(self.cache_dir) as opened:
            found, changed = opened.changes_since(since)
        return changed if found == now else None

    def _genes_untouched(self, changed: frozenset[str]) -> bool:
        """Whether ``changed`` (cache entry keys) holds no entry of a Gene ID the previous
        set's documents give (``gene:N``, ``gene-missing:N``, N as NCBI files it) — and no
        gene entry at all when the set followed a replaced ID to another's record, or when
        its summary cannot tell."""
        genes = {key for key in changed if is_gene_entry(key)}
        if not genes:
            return True
        summary = self.previous.summary
        if summary is None or summary.genes.get(str(GeneStatus.REPLACED), 0):
            return False
        return genes.isdisjoint(
            entry
            for known in self.previous.documents.values()
            for gene_id in known.scan.gene_ids
            for entry in gene_entries(as_filed(gene_id))
        )

    def known(self, keys: Iterable[str]) -> dict[str, KnownKey]:
        """Of ``keys``, those whose Resolution the state knows and that the cache's change
        log proves unchanged since the state's version of the cache (none of the key's
        cache entries stored, replaced or removed since), with what the state knows of
        them: the run need not read their records but to render a document citing them.
        Never an unresolved key (a run with the network asks it again) nor a not-found one
        (that answer expires, which the log learns only when it is forgotten).  Empty when
        the log cannot tell (see :meth:`~enrich.entrez.cache.CitationCache.changes_since`)."""
        changed = self._changed_since_state
        if changed is None:
            return {}
        stored = self._stored_keys
        for key in keys:
            facts = stored.get(key)
            if facts and facts.status not in _ASKED_AGAIN and _untouched(changed, key, facts.pmid):
                self._known[key] = facts
        return dict(self._known)

    def known_genes(self, gene_ids: Iterable[str]) -> dict[str, KnownGene]:
        """Of ``gene_ids``, those the state knows found as themselves and whose cache entries
        the change log proves unchanged since the state's version of the cache, with what
        the state knows of them: the run need not read their summaries but to audit a
        document giving them.  Empty when the log cannot tell (as :meth:`known`)."""
        changed = self._changed_since_state
        if changed is None:
            return {}
        stored = self._stored_genes
        for gene_id in gene_ids:
            facts = stored.get(gene_id)
            if facts is not None and changed.isdisjoint(gene_entries(as_filed(gene_id))):
                self._known_genes[gene_id] = facts
        return dict(self._known_genes)

    @cached_property
    def _changed_since_state(self) -> frozenset[str] | None:
        """The cache entries changed since the state's version of the cache, as the log
        tells them when the run starts reading the cache (that version is noted as
        :attr:`_read_at`); None when nothing can be known from the state or the log."""
        previous = self.previous
        with CitationCache(self.cache_dir) as cache:
            self._read_at = cache.version()
        if self.full or previous.cache is None or not previous.documents:
            return None
        return self._changes_between(previous.cache, self._read_at)

    def confirms(self, keys: Iterable[str], read: Mapping[str, Resolution]) -> bool:
        """Whether each of ``keys`` (known ones, just read from the cache into ``read``)
        resolved as the state knows it.  When one did not (the cache changed since
        :meth:`known`, or a damaged entry was dropped), every key known and every document
        kept is forgotten: the run reads every key and decides again."""
        if _as_known(keys, self._known, read, _content):
            return True
        self._forget_kept(self._known, self._keys, self._contents, self._as_stored)
        return False

    def confirms_genes(self, gene_ids: Iterable[str], read: Mapping[str, GeneLookup]) -> bool:
        """Whether each of ``gene_ids`` (known ones, just read from the cache into ``read``
        for the documents rendered again) was found as the state knows it.  When one was not
        (its summary changed since :meth:`known_genes`, or a damaged entry was dropped), as
        in :meth:`confirms`, every Gene ID known and every document kept is forgotten: the
        run reads every gene summary and decides again (else the documents kept would give
        the old answer beside the documents rendered again giving the new)."""
        if _as_known(gene_ids, self._known_genes, read, _gene_digest):
            return True
        self._forget_kept(self._known_genes, self._genes)
        return False

    def _forget_kept(self, *memos: dict[str, Any]) -> None:
        """Forget every document kept and every fingerprint made, with ``memos`` (what was
        known, and what was made of it): the run decides again (see :meth:`confirms`)."""
        self.kept.clear()
        self.fingerprints.clear()
        for memo in memos:
            memo.clear()

    def remember(self, cache: CacheVersion | None, summary: RunSummary, sources: Sources) -> None:
        """Record in the state, in place, that the report set there is what the cache at
        version ``cache`` gives (after a run that found nothing changed and wrote nothing;
        None: not known), with the run's summary and sources: see :meth:`as_before`; and the
        new stat of inputs read again whose bytes are as they were.  A state that cannot be
        written is left as it is (the next run only takes longer)."""
        try:
            with closing(sqlite3.connect(self.out_dir / STATE)) as db, db:
                db.executemany(_SET_META, self._outcome_meta(cache, summary, sources))
                db.executemany("UPDATE docs SET stat = ? WHERE path = ?", self._restatted())
        except sqlite3.Error:
            return

    def _restatted(self) -> list[tuple[str, str]]:
        """(stat in JSON, path) of each input this run read again and found as the state
        knows it (the same digest: its bytes rewritten as they were, copied back, touched),
        so that the next run need not read it again either."""
        rows = []
        for number, seen in self.input_stats.items():
            path = str(self.files[number])
            known = self.previous.documents.get(path)
            if seen and known and seen != known.input_stat and known.digest == self.digests[number]:
                rows.append((json.dumps(seen), path))
        return rows

    def fingerprint(self, number: int, scan: Scan, view: CorpusView) -> str:
        """The digest of everything document ``number``'s reports are made from."""
        found = self.fingerprints.get(number)
        if found is None:
            # Each part has a fixed length or ends in a byte no text holds: unambiguous.  (The
            # memos are looked up inline: 20,000 documents cite over a million keys.)
            keys, genes = self._keys, self._genes
            texts = (self.settings, self.digests.get(number, ""), self.names[number])
            parts = [f"{text}\0".encode() for text in texts]
            parts += [keys.get(key) or self._key(key, view) for key in scan.keys]
            parts.append(b"\0genes\0")
            parts += [genes.get(gene) or self._gene(gene, view) for gene in scan.gene_ids]
            found = hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()
            self.fingerprints[number] = found
        return found

    def bibliography(
        self, given: Container[str], written: Mapping[int, WrittenDocument]
    ) -> list[BibliographyEntry]:
        """The bibliography entries of the papers the kept documents cite and of those
        :attr:`vouched` for, but those in ``given`` (made from the documents rendered
        again): the previous set's, which the kept documents' fingerprints and the change
        log prove current; made anew where the state lacks one.  Made when the run-level
        files are, never for a run that changed nothing.  ``written`` holds what the writer
        was given of every document.

        Every resolved paper of the run is known or read, and the documents rendered again
        gave those they cite but the vouched ones: so the papers of the kept documents
        and the vouched are those known or read, but ``given`` (no document is walked),
        and but those every document citing them cites as no paper (see
        :attr:`WrittenDocument.misidentified`: rare, and only then are documents walked)."""
        if not self.kept:
            return []
        records: dict[str, PaperRecord | None] = dict.fromkeys(self._known_papers())  # not read
        for resolution in self._final.resolutions.values():
            if resolution.record is not None and resolution.status is Status.RESOLVED:
                records[resolution.record.pmid] = resolution.record
        # ``given`` asked once per paper, not once per citation: it may be a database
        records = {pmid: record for pmid, record in records.items() if pmid not in given}
        suspects = {pmid for doc in written.values() for pmid in doc.misidentified}
        for pmid in suspects.intersection(records) - self._cited_as_papers(suspects, written):
            del records[pmid]
        stored = self._stored_entries(list(records))
        self._stored_pmids = set(stored)
        unstored = {pmid: record for pmid, record in records.items() if pmid not in stored}
        made = [bibliography_entry(record) for record in self._records(unstored)]
        return [*stored.values(), *made]

    def _cited_as_papers(self, pmids: set[str], written: Mapping[int, WrittenDocument]) -> set[str]:
        """Those of ``pmids`` that a document cites as its paper: one of its keys resolves
        to it and it is not among its :attr:`WrittenDocument.misidentified`."""
        if not pmids:
            return set()
        pmid_of: dict[str, str | None] = {
            key: known.pmid for key, known in self._known.items() if known.status is Status.RESOLVED
        }
        for key, resolution in self._final.resolutions.items():
            record = resolution.record
            pmid_of[key] = record.pmid if record and resolution.status is Status.RESOLVED else None
        cited: set[str] = set()
        for number, scan in enumerate(self._scans):
            wrong = written[number].misidentified
            cited.update(p for k in scan.keys if (p := pmid_of.get(k)) in pmids and p not in wrong)
        return cited

    def _records(self, records: Mapping[str, PaperRecord | None]) -> list[PaperRecord]:
        """The records of ``records``, those not read (None) read from the cache: a known
        paper whose entry the state lacks (which it holds for every paper its set cites)."""
        unread = [pmid for pmid, record in records.items() if record is None]
        if not unread:
            return [record for record in records.values() if record is not None]
        with CitationCache(self.cache_dir) as cache:
            found = {pmid: cache.get_record(pmid) for pmid in unread}
        read = {pmid: cached.record for pmid, cached in found.items() if cached is not None}
        return [r for pmid, record in records.items() if (r := record or read.get(pmid))]

    @cached_property
    def _stored_keys(self) -> dict[str, KnownKey]:
        """What the previous state knows of each citation key (rows of another shape left
        out; none when it cannot be read), read once per run."""
        found = {}
        try:
            with _read_only(self.out_dir / STATE) as db:
                for row in db.execute(_SELECT_KEYS):
                    key, status, pmid, fetched_at, test, digest = row
                    if _KEY_ROW(list(row)) and status in _STATUSES:
                        found[key] = KnownKey(
                            _STATUSES[status], pmid, fetched_at, bool(test), digest
                        )
        except sqlite3.Error:
            return {}
        return found

    @cached_property
    def _stored_genes(self) -> dict[str, KnownGene]:
        """What the previous state knows of each Gene ID found as itself (rows of another
        shape left out; none when it cannot be read), read once per run."""
        try:
            with _read_only(self.out_dir / STATE) as db:
                rows = db.execute(_SELECT_GENES).fetchall()
        except sqlite3.Error:
            return {}
        return {row[0]: KnownGene(bool(row[1]), row[2]) for row in rows if _GENE_ROW(list(row))}

    def _stored_entries(self, pmids: list[str]) -> dict[str, BibliographyEntry]:
        """The previous state's bibliography entries of ``pmids`` (those it has)."""
        if not pmids or not self.previous.documents:
            return {}
        found = {}
        try:
            with _read_only(self.out_dir / STATE) as db:
                db.execute("CREATE TEMP TABLE wanted (pmid TEXT PRIMARY KEY)")
                db.executemany("INSERT INTO wanted VALUES (?)", ((p,) for p in pmids))
                query = "SELECT pmid, entry FROM papers WHERE pmid IN (SELECT pmid FROM wanted)"
                for pmid, entry in db.execute(query):
                    found[pmid] = BibliographyEntry(pmid, *_loaded(entry, _ENTRY_TEXTS))
        except (sqlite3.Error, ValueError, TypeError):
            return {}
        return found

    def decided(self, *, fetching: bool) -> None:
        """Tell ``keeping`` which documents are kept, unless all of the previous set's are
        (then the run most likely writes nothing: see :meth:`unchanged`); when it starts
        from the previous audit.db, vouch for the papers of the known keys, unless keys are
        left to fetch (``fetching``): a record fetched for one of them (a DOI's) may replace
        a known one, and the documents rendered again would cite it.  A PMID some previous
        document cited as no paper (:attr:`DocumentState.misidentified`) is not vouched for:
        the previous set may hold no entry and no audit.db row of it."""
        everything = len(self.kept) == len(self.files) == len(self.previous.documents)
        if self._keeping is not None and not everything:
            paths = [str(self.files[number]) for number in sorted(self.kept)]
            if self._keeping(paths, len(self.files)) and not fetching:
                wrong = {p for doc in self.previous.documents.values() for p in doc.misidentified}
                self.vouched = frozenset(self._known_papers()) - wrong

    def _known_papers(self) -> Iterator[str]:
        """The PMIDs of the known keys that resolved to a paper."""
        for facts in self._known.values():
            if facts.pmid is not None and facts.status is Status.RESOLVED:
                yield facts.pmid

    def settled(self, scans: Sequence[Scan], view: CorpusView) -> None:
        """Every document's scan and the run's final view, for the fingerprints of the
        documents rendered again."""
        self._scans, self._final = scans, view

    # --- after the run -------------------------------------------------------------------

    def run_fingerprint(self, summary: RunSummary) -> str:
        """The digest of everything the run-level files are made from: every document's
        fingerprint in order, and the summary (but the requests and cache hits of the run
        that made them: a run that changed nothing keeps the files that say so)."""
        counts = _without_network(summary)
        prints = [self.fingerprint(n, scan, self._final) for n, scan in enumerate(self._scans)]
        return _digest([self.settings, prints, counts.to_dict()])

    def unchanged(self, fingerprint: str) -> bool:
        """Whether the run would write exactly the report set that is there."""
        documents = self.previous.documents
        return (
            not self.full
            and fingerprint == self.previous.fingerprint
            and len(self.kept) == len(self.files) == len(documents)
            and bool(self.previous.run_files)
            and self._manifest_lists_the_set()
        )

    def _manifest_lists_the_set(self) -> bool:
        """Whether the folder's manifest names exactly the previous set's files (the state,
        the run-level files and every document's): one lost, damaged or edited by hand is
        written again by a run that changed nothing else, as a ``--full`` run would write it
        (the commit writes it; a run that writes nothing would leave it as it is)."""
        names = {STATE, *RUN_FILES}
        for known in self.previous.documents.values():
            names.update(name for name, was in known.files.items() if was is not None)
        return set(read_manifest(self.out_dir)) == names

    def previous_files(self) -> list[str]:
        """The names of the report files the state says the previous set's documents have
        (a set whose manifest was lost still has its stale files removed by the commit), and
        the rollback journal SQLite leaves beside the state when a process dies writing it
        in place (see :meth:`remember`): it belongs to the state the commit replaces, and
        rolled back into the new one it would damage it (while it is there, no read-only
        open of the state succeeds: every run would render every document)."""
        names = [name for known in self.previous.documents.values() for name in known.files]
        return [*names, f"{STATE}-journal"]

    def save(
        self,
        staging: Path,
        written: Mapping[int, WrittenDocument],
        tsv_spans: Mapping[int, tuple[int, int]],
        bibliography: Iterable[BibliographyEntry],
        fingerprint: str,
        cache: CacheVersion | None,
        summary: RunSummary,
        sources: Sources,
    ) -> Path:
        """Write the new state into ``staging`` (the run's staging folder, where every report
        file is but those kept in place): ``written`` holds what the writer was given of each
        document, ``tsv_spans`` where its lines are in the new audit.tsv, ``bibliography``
        every entry of the new set's bibliographies; ``cache``, ``summary`` and ``sources``
        as for :meth:`remember`.

        The previous state, when it was trusted, is copied and brought up to date (kept
        documents change only their place in audit.tsv), so the cost follows the change.
        When it cannot be (damaged past what loading it looked at), a new state is written
        in which the kept documents' files are unknown: the next run renders them again."""
        path = staging / STATE
        kept = self.kept if self.previous.documents else set()
        meta = [("fingerprint", json.dumps(fingerprint)), ("order", json.dumps(_order(self.files)))]
        meta += self._outcome_meta(cache, summary, sources)
        if kept:
            try:
                shutil.copyfile(self.out_dir / STATE, path)
                self._write(path, kept, written, tsv_spans, bibliography, meta)
                return path
            except (sqlite3.Error, OSError):  # damaged past what loading it looked at, or full
                path.unlink(missing_ok=True)
        try:
            self._write(path, set(), written, tsv_spans, bibliography, meta)
        except (sqlite3.Error, OSError) as exc:  # a full disk: the previous set stays whole
            raise OutputError(f"cannot write the run's state {printable(path)}: {exc}") from exc
        return path

    def _write(
        self,
        path: Path,
        kept: set[int],
        written: Mapping[int, WrittenDocument],
        tsv_spans: Mapping[int, tuple[int, int]],
        bibliography: Iterable[BibliographyEntry],
        meta: list[tuple[str, str]],
    ) -> None:
        """Write the state at ``path``: a copy of the previous one holding the ``kept``
        documents' rows, or (none kept) a new file, with the ``meta`` rows of the run's
        outcome; see :meth:`save`."""
        staging = path.parent
        fresh, moved = [], []
        for number, scan in enumerate(self._scans):
            span = json.dumps(tsv_spans[number])
            if number in kept:  # its place in audit.tsv, and its input's stat if read again
                seen = json.dumps(self.input_stats.get(number))
                moved.append((span, seen, str(self.files[number])))
            else:
                fresh.append(self._row(staging, number, scan, written[number], span))
        run_files = sorted((name, file_stat(staging / name)) for name in RUN_FILES)
        set_meta = [("schema", json.dumps(_SCHEMA)), ("files", json.dumps(run_files)), *meta]
        reused = self._stored_pmids if kept else set()
        with closing(sqlite3.connect(path)) as db, db:
            # A staged file, never committed when writing it fails (:meth:`save` drops it
            # after a SQLite or OS error, the run's abort its staging folder after any
            # other): no rollback journal, no sync (the commit syncs nothing either); a
            # third of a 20,000-document state's update was spent syncing the copy.
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            if not kept:
                db.executescript(_CREATE)
            db.execute("CREATE TEMP TABLE current (path TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO current VALUES (?)", ((str(f),) for f in self.files))
            db.execute("DELETE FROM docs WHERE path NOT IN (SELECT path FROM current)")
            db.executemany("UPDATE docs SET tsv = ?, stat = ? WHERE path = ?", moved)
            db.executemany(_REPLACE_DOCUMENT, fresh)
            db.execute("CREATE TEMP TABLE cited (pmid TEXT PRIMARY KEY)")
            for entry in bibliography:
                db.execute("INSERT INTO cited VALUES (?)", (entry.pmid,))
                if entry.pmid not in reused:
                    row = (entry.pmid, json.dumps([entry.bibtex, entry.csl_json, entry.ris]))
                    db.execute("INSERT OR REPLACE INTO papers VALUES (?, ?)", row)
            db.execute("DELETE FROM papers WHERE pmid NOT IN (SELECT pmid FROM cited)")
            read = self._final.resolutions
            db.execute("CREATE TEMP TABLE asked (key TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO asked VALUES (?)", ((k,) for k in {*read, *self._known}))
            db.execute("DELETE FROM keys WHERE key NOT IN (SELECT key FROM asked)")
            # in a copied state, a known key read after all (confirmed as known) keeps its row
            fresh_keys = (key for key in read if not (kept and key in self._known))
            db.executemany(_REPLACE_KEY, map(self._key_row, fresh_keys))
            self._write_genes(db)
            db.executemany(_SET_META, set_meta)

    def _write_genes(self, db: sqlite3.Connection) -> None:
        """Bring the state's ``genes`` rows up to date: one for each Gene ID of the set
        found as itself (a known one keeps its row; one read and found another way, or no
        longer given, has none)."""
        given = {gene_id for scan in self._scans for gene_id in scan.gene_ids}
        db.execute("CREATE TEMP TABLE given (gene_id TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO given VALUES (?)", ((g,) for g in given))
        db.execute("DELETE FROM genes WHERE gene_id NOT IN (SELECT gene_id FROM given)")
        found, other = [], []
        for gene_id, lookup in self._final.genes.items():
            if gene_id not in given:
                continue
            if lookup.status is GeneStatus.FOUND:
                digest = self._gene(gene_id, self._final)
                found.append((gene_id, int(lookup.test_data), digest))
            else:
                other.append((gene_id,))
        db.executemany("DELETE FROM genes WHERE gene_id = ?", other)
        db.executemany("INSERT OR REPLACE INTO genes VALUES (?, ?, ?)", found)

    def _outcome_meta(
        self, cache: CacheVersion | None, summary: RunSummary, sources: Sources
    ) -> list[tuple[str, str]]:
        """The state's meta rows that let a later run find nothing changed (:meth:`as_before`);
        the cache's version only when the run's answers were final (offline, or none left
        unresolved: a later run would ask again) and what it took from the cache still holds
        at that version (see :meth:`_answers_still_hold`)."""
        final = summary.offline or not (summary.unresolved or summary.genes_without_names)
        if cache is not None and not (final and self._answers_still_hold(cache)):
            cache = None
        meta = {
            "settings": self.settings,
            "cache": _values(cache) if cache is not None else None,
            "summary": _without_network(summary).to_dict(),
            "sources": _values(sources),
        }
        return [(k, json.dumps(v)) for k, v in meta.items()]

    def _key_row(self, key: str) -> tuple[object, ...]:
        """The state's row of a key this run read (see :class:`KnownKey`)."""
        resolution = self._final.resolutions[key]
        record = resolution.record
        return (
            key,
            str(resolution.status),
            record.pmid if record is not None else None,
            resolution.fetched_at,
            int(resolution.test_data),
            self._content(key, self._final),
        )

    def _answers_still_hold(self, cache: CacheVersion) -> bool:
        """Whether what the run took from the cache (the keys known, the Resolutions it
        read) is what the cache holds at version ``cache``: the run's own changes (its
        fetching) changed none of their entries.  A Resolution the run fetched is what it
        stored."""
        read_at = self._read_at
        if read_at is None or read_at == cache:  # (None: known() was not asked)
            return read_at == cache
        changed = self._changes_between(read_at, cache)
        if changed is None:
            return False
        answered = [(k, f.pmid) for k, f in self._known.items()]
        answered += [
            (k, r.record.pmid if r.record is not None else None)
            for k, r in self._final.resolutions.items()
            if r.from_cache
        ]
        read = [lookup for lookup in self._final.genes.values() if lookup.from_cache]
        genes = [*self._known_genes, *(lookup.gene_id for lookup in read)]
        genes += [lookup.record.gene_id for lookup in read if lookup.record is not None]
        return all(_untouched(changed, key, pmid) for key, pmid in answered) and all(
            changed.isdisjoint(gene_entries(as_filed(gene_id))) for gene_id in genes
        )

    def _row(
        self, staging: Path, number: int, scan: Scan, doc: WrittenDocument, span: str
    ) -> tuple[str, ...]:
        """Document ``number``'s row of the state, its files just written in ``staging``."""
        name = self.names[number]
        files = {f"{name}.{kind}": file_stat(staging / f"{name}.{kind}") for kind in self.formats}
        return (
            str(self.files[number]),
            self.digests[number],
            json.dumps(self.input_stats.get(number)),
            name,
            self.fingerprints.get(number, ""),
            json.dumps(_fields(scan)),
            json.dumps(_fields(doc.entry)),
            json.dumps(_values(doc.sources)),
            span,
            json.dumps(sorted(files.items())),
            json.dumps(doc.misidentified),
        )

    # --- the parts -------------------------------------------------------------------------

    def _as_recorded(self, number: int) -> DocumentState | None:
        """What the state records of document ``number`` when its input (the digest this
        run made of it) and name are as recorded and its report files exactly those the
        state recorded, in the run's formats (the names the run gives the files, never
        names the state holds, are looked at); else None.  Looked at once per run (its
        input's digest is taken once, too)."""
        if number not in self._recorded:
            self._recorded[number] = self._recorded_now(number)
        return self._recorded[number]

    def _recorded_now(self, number: int) -> DocumentState | None:
        known = self.previous.documents.get(str(self.files[number]))
        if known is None or known.name != self.names[number]:
            return None
        if not known.digest or known.digest != self.digests.get(number):
            return None  # changed, or never read whole (a FIFO, too large): no proof
        if set(known.files) != {f"{known.name}.{kind}" for kind in self.formats}:
            return None
        intact = all(file_stat(self.out_dir / n) == was for n, was in known.files.items())
        return known if intact else None

    def _key(self, key: str, view: CorpusView) -> bytes:
        found = self._keys.get(key)
        if found is None:
            share = corpus_share(key, view.stats, self.audit)
            found = self._keys[key] = _raw_digest([self._content(key, view).hex(), share])
        return found

    def _content(self, key: str, view: CorpusView) -> bytes:
        """The digest of what ``key``'s Resolution in ``view`` says, or of what the state
        knows of it when it is known unchanged."""
        found = self._contents.get(key)
        if found is None:
            known = self._known.get(key)
            resolution = view.resolutions.get(key)
            if known is not None and resolution is None:
                return known.digest
            found = self._contents[key] = _content(key, resolution)
        return found

    def _gene(self, gene_id: str, view: CorpusView) -> bytes:
        found = self._genes.get(gene_id)
        if found is None:
            lookup = view.genes.get(gene_id)
            known = self._known_genes.get(gene_id)
            if lookup is None and known is not None:
                return known.digest
            found = self._genes[gene_id] = _gene_digest(gene_id, lookup)
        return found

    def tsv_lines(self, numbers: Sequence[int]) -> Iterator[tuple[int, str]]:
        """The lines of the previous audit.tsv of each kept document of ``numbers``, in that
        order (the state made sure the file is the one it describes).  OutputError when it
        cannot be read whole."""
        if not numbers:
            return
        path = self.out_dir / "audit.tsv"
        try:
            with path.open("rb") as handle:
                for number in numbers:
                    offset, length = self.previous.documents[str(self.files[number])].tsv
                    handle.seek(offset)
                    data = handle.read(length)
                    if len(data) != length:
                        raise OutputError(f"{path} changed while enrich ran: run again")
                    yield number, data.decode("utf-8")
        except OSError as exc:
            raise OutputError(f"cannot read {path}: {exc.strerror or exc}") from exc


# --- the shapes of the state's JSON (see enrich.shapes) -----------------------------------

_TIME = (int, float, type(None))  #: a fetch time, when there is one
_STATUSES = {str(status): status for status in Status}
_KEY_ROW = checker([str, str, (str, type(None)), _TIME, int, bytes])  #: a keys table row
_GENE_ROW = checker([str, int, bytes])  #: a genes table row
#: answers never taken as known: asked again (unresolved) or cached for a while (not found)
_ASKED_AGAIN = (Status.UNRESOLVED, Status.NOT_FOUND)
_COUNTS = {str: int}
_TEXT = checker(str)
_ROW_TEXTS = checker([str, str, str, str])  #: a docs row's path, digest, name, fingerprint
_CACHE = checker(([str, int, str], type(None)))  #: a CacheVersion, when there is one
_RUN_FILES = checker([[str, [int, int]]])  #: run-level file names and their size and mtime
_REPORT_FILES = checker([[str, ([int, int], type(None))]])  #: a document's, None: no file
_SPAN = checker([int, int])  #: where a document's lines are in audit.tsv
_PMIDS = checker([str])
_INPUT_STAT = checker(([int, int, int, int, int], type(None)))  #: an InputStat, or none
_ENTRY_TEXTS = checker([str, str, str])  #: a bibliography entry's BibTeX, CSL-JSON and RIS
_SOURCES = checker([_TIME, _TIME, bool])
_SCAN = checker(
    {
        "keys": [str],
        "gene_ids": [str],
        "edges": int,
        "citing": [int],
        "claims": int,
        "problems": [str],
    }
)
_ENTRY = checker(
    {
        "name": str,
        "path": str,
        "style": str,
        "subject": str,
        "claims": int,
        "grades": _COUNTS,
        "flags": _COUNTS,
        "citations": int,
        "unresolved": int,
        "problems": int,
    }
)
_SUMMARY = checker(
    {
        "documents": int,
        "claims": int,
        "problems": int,
        "grades": _COUNTS,
        "flags": _COUNTS,
        "citations": _COUNTS,
        "genes": _COUNTS,
        "requests": int,
        "cache_hits": int,
        "gene_requests": int,
        "gene_cache_hits": int,
        "offline": bool,
    }
)


def _untouched(changed: frozenset[str], key: str, pmid: str | None) -> bool:
    """Whether none of the cache entries citation ``key`` resolves from (given the PMID of
    its record, see :func:`~enrich.entrez.resolve.cache_entries`) is among ``changed``."""
    return changed.isdisjoint(cache_entries(key, pmid))


def _read_only(path: Path) -> closing[sqlite3.Connection]:
    """The SQLite database at ``path`` opened for reading only (never created).  A state
    holding a view or a trigger is none this build writes (it is anyone's who can write to
    --out, and a view may compute rows for ever): sqlite3.DatabaseError."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type IN ('view', 'trigger')").fetchone():
            raise sqlite3.DatabaseError(f"{path} holds a view or a trigger")
    except BaseException:
        db.close()
        raise
    return closing(db)


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass's fields by name, their values as they are (what ``dataclasses.asdict``
    gives JSON, without its deep copy of every value: a third of the state's save)."""
    return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}


def _values(value: Any) -> list[Any]:
    """A dataclass's field values in order (``dataclasses.astuple`` for JSON, no copy)."""
    return [getattr(value, field.name) for field in dataclasses.fields(value)]


def _loaded(text: str, shape: Check) -> Any:
    """The JSON ``text`` when its value passes ``shape`` (see :mod:`enrich.shapes`), else
    ValueError: a state of another shape than this build writes proves nothing."""
    value = json.loads(text)
    if not shape(value):
        raise ValueError("a value of another shape")
    return value


def _content(key: str, resolution: Resolution | None) -> bytes:
    """The digest of what ``resolution`` of ``key`` (None: not settled) says and where its
    record came from (see :class:`KnownKey`)."""
    what = None
    if resolution is not None:
        what = [resolution.to_dict(), resolution.fetched_at, resolution.test_data]
    return _raw_digest([key, what])


_Read = TypeVar("_Read")


def _as_known(
    names: Iterable[str],
    known: Mapping[str, KnownKey] | Mapping[str, KnownGene],
    read: Mapping[str, _Read],
    digest: Callable[[str, _Read], bytes],
) -> bool:
    """Whether each of ``names`` that ``known`` holds was read into ``read``, with the
    digest ``known`` has of it (the check :meth:`Incremental.confirms` and
    :meth:`Incremental.confirms_genes` make, of keys and of Gene IDs)."""
    for name in names:
        facts, found = known.get(name), read.get(name)
        if facts is not None and (found is None or digest(name, found) != facts.digest):
            return False
    return True


def _gene_digest(gene_id: str, lookup: GeneLookup | None) -> bytes:
    """The digest of NCBI Gene's answer for ``gene_id`` (None: not looked up), and whether a
    test server gave it (see :class:`KnownGene`)."""
    what = [lookup.to_dict(), lookup.test_data] if lookup is not None else None
    return _raw_digest([gene_id, what])


def _without_network(summary: RunSummary) -> RunSummary:
    """``summary`` but for the requests and cache hits of the run that made it."""
    return dataclasses.replace(
        summary, requests=0, cache_hits=0, gene_requests=0, gene_cache_hits=0
    )


def _order(files: Sequence[Path]) -> str:
    """The digest of the input paths in the run's order: the order of index.html, audit.tsv
    and audit.db, which the documents' own records in the state do not tell."""
    return _digest([str(path) for path in files])


def _raw_digest(value: object) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _digest(value: object) -> str:
    return _raw_digest(value).hex()
