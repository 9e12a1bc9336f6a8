"""``audit.db``: the whole audit of a run as a SQLite database, written beside ``audit.tsv``.

The tables (:data:`SCHEMA`; README shows queries) and what keys them:

* ``runs``: one row, the run: when, by which enrich, from which E-utilities server,
  whether any record was test data, the span of the records' fetch times, the settings
  grades depend on, and the run's counts;
* ``documents``: a row per document, ``number`` (its place in the run) its key;
  ``document`` is its path as in audit.tsv, ``report`` its HTML report;
* ``claims``: a row per claim (audit.tsv's rows), keyed by ``document`` and ``claim``;
* ``citations``: a row per citation of a claim (``claim`` NULL for a document's loose
  citations), ``paper`` the PMID of the PubMed record it resolved to (``papers.pmid``);
* ``flags``: a row per flag on a claim (``level`` ``claim``) or on a citation of it
  (``level`` ``citation``, with the citation's ``pmid`` or ``doi`` as cited);
* ``papers``: a row per distinct PubMed record cited, keyed by ``pmid``.

One writer, :class:`AuditDatabase`, in the process that owns the report set: it takes
each document's rows (:class:`~enrich.report.rows.DatabaseRows`), buffers them and inserts
them in batches (``executemany``), each batch in a transaction, and creates the indexes
once every row is in.  A run's workers do not hand it their rows: each worker puts them in
a :class:`RowShard` of its own (a SQLite file in the staging folder), and the writer copies
every shard in with SQLite's own ``INSERT ... SELECT`` (:meth:`AuditDatabase.merge`), so
millions of rows are neither pickled to the parent nor bound one by one there.  The file
is written in the run's staging folder, so it is replaced with the rest of the report set
or not at all (:mod:`enrich.report.commit`); nothing is journalled or synced meanwhile (a
failed run's file is thrown away).  Every :class:`sqlite3.Error` becomes an
:class:`~enrich.errors.OutputError` naming the file.

Python's own :mod:`sqlite3` does the job: the rows are plain tuples, the schema fixed
and the work is one ``executemany`` per table and batch; a wrapper such as sqlite-utils
would add a dependency and its per-row dictionaries for nothing here.  The dashboard's
questions (:meth:`AuditDatabase.attention`, :meth:`AuditDatabase.genes`) are SQL over
the finished tables, so ``index.html`` is made from the database, not from the corpus
in memory.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enrich.errors import OutputError
from enrich.figures import iso
from enrich.model import RunSummary
from enrich.report.provenance import Provenance
from enrich.report.rows import DatabaseRows
from enrich.report.view import DocumentEntry

__all__ = [
    "ATTENTION",
    "SCHEMA",
    "Attention",
    "AttentionRow",
    "AuditDatabase",
    "GeneRow",
    "GeneTable",
    "RowShard",
    "documents_citing",
]

SCHEMA = """
CREATE TABLE runs (
    run INTEGER PRIMARY KEY,          -- 1: a database holds one run
    started TEXT NOT NULL,            -- ISO 8601, UTC
    finished TEXT NOT NULL,
    duration REAL NOT NULL,           -- seconds
    enrich_version TEXT NOT NULL,
    eutils_url TEXT,                  -- the E-utilities base URL asked
    offline INTEGER NOT NULL,         -- 1: no request was made, the cache only
    test_data INTEGER NOT NULL,       -- 1: some record came from enrich.testing, not NCBI
    records_oldest TEXT,              -- the oldest and newest fetch time of the records used
    records_newest TEXT,
    primary_for_a INTEGER NOT NULL,   -- the audit settings that grades depend on
    resource_share REAL NOT NULL,
    resource_min_edges INTEGER NOT NULL,
    high_throughput_methods TEXT NOT NULL,  -- JSON list
    resources TEXT NOT NULL,          -- JSON list of {name, pmids, dois}
    documents INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    problems INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    cache_hits INTEGER NOT NULL
);
CREATE TABLE documents (
    number INTEGER PRIMARY KEY,       -- the document's place in the run, from 0
    document TEXT NOT NULL,           -- its path, as in audit.tsv
    report TEXT NOT NULL,             -- its HTML report, beside audit.db
    style TEXT NOT NULL,
    subject TEXT,
    claims INTEGER NOT NULL,
    grade_a INTEGER NOT NULL,
    grade_b INTEGER NOT NULL,
    grade_c INTEGER NOT NULL,
    grade_d INTEGER NOT NULL,
    papers INTEGER NOT NULL,          -- distinct papers cited
    unresolved INTEGER NOT NULL,      -- of them, not looked up
    problems INTEGER NOT NULL
);
CREATE TABLE claims (
    document TEXT NOT NULL,
    claim TEXT NOT NULL,              -- the claim's id in its document
    position INTEGER NOT NULL,        -- its place in the document, from 0
    kind TEXT NOT NULL,               -- edge or statement
    regulator TEXT,
    target TEXT,
    text TEXT,                        -- a statement's text
    grade TEXT NOT NULL,              -- A, B, C or D
    grade_reason TEXT NOT NULL,
    sources TEXT,                     -- "; "-joined
    methods TEXT,
    flags TEXT,                       -- the claim's own flags, "; "-joined
    citations INTEGER NOT NULL,
    primary_papers TEXT               -- PMIDs of its primary papers, "; "-joined
);
CREATE TABLE citations (
    document TEXT NOT NULL,
    claim TEXT,                       -- NULL: cited by the document, not by a claim
    position INTEGER NOT NULL,        -- its place in the claim (or among loose citations)
    pmid TEXT,                        -- as cited
    doi TEXT,                         -- as cited
    status TEXT NOT NULL,             -- resolved, not_found, not_in_pubmed, invalid, unresolved
    reason TEXT,
    paper TEXT REFERENCES papers(pmid)  -- the PubMed record it resolved to
);
CREATE TABLE flags (
    document TEXT NOT NULL,
    claim TEXT,                       -- NULL: on a loose citation
    pmid TEXT,                        -- the flagged citation's, as cited (level citation)
    doi TEXT,
    level TEXT NOT NULL,              -- claim or citation
    name TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE papers (
    pmid TEXT PRIMARY KEY,
    doi TEXT,
    title TEXT NOT NULL,
    journal TEXT,
    year INTEGER,
    date TEXT,
    authors TEXT,                     -- "; "-joined
    publication_types TEXT,           -- "; "-joined
    retracted INTEGER NOT NULL,
    retraction_notice INTEGER NOT NULL,
    fetched TEXT,                     -- when enrich fetched the record, ISO 8601, UTC
    test_data INTEGER NOT NULL
);
-- The claims that need attention, and why: a row per reason a claim meets
-- (rank 0 grade D, 1 cites a retracted paper, 2 a DOI mismatch, 3 a PMID PubMed lacks).
CREATE VIEW attention (document, claim, rank, reason) AS
    SELECT document, claim, 0, 'grade D' FROM claims WHERE grade = 'D'
    UNION ALL
    SELECT document, claim,
           CASE name WHEN 'retracted' THEN 1 WHEN 'doi_mismatch' THEN 2 ELSE 3 END, name
    FROM flags
    WHERE level = 'citation' AND claim IS NOT NULL
      AND name IN ('retracted', 'doi_mismatch', 'not_found');
"""

#: Created once every row is in: cheaper than keeping them up to date while inserting.  Each
#: serves a question asked often (a claim's citations, a paper's citers, a flag's claims, a
#: gene's edges); a claim's flags are few enough to find by name, and a grade is too common
#: a value for an index to help.
INDEXES = """
CREATE INDEX IF NOT EXISTS documents_by_path ON documents (document);
CREATE INDEX IF NOT EXISTS claims_by_document ON claims (document, claim);
CREATE INDEX IF NOT EXISTS claims_by_regulator ON claims (regulator, grade);
CREATE INDEX IF NOT EXISTS claims_by_target ON claims (target, grade);
CREATE INDEX IF NOT EXISTS citations_by_claim ON citations (document, claim);
CREATE INDEX IF NOT EXISTS citations_by_paper ON citations (paper);
CREATE INDEX IF NOT EXISTS flags_by_name ON flags (name);
"""

_WIDTHS = {"documents": 13, "claims": 14, "citations": 8, "flags": 7, "papers": 12}
_BATCH = 20_000  #: rows buffered before they are inserted
_ROW_TABLES = ("claims", "citations", "flags", "papers")  #: the tables of DatabaseRows
_REUSE_CACHE_KIB = 64 * 1024  #: SQLite's page cache when a previous audit.db is reused


def _insert(table: str) -> str:
    """How rows go into ``table``: a paper's row is the same from every document citing it,
    and over a copy of the previous database (reuse) the new one replaces the old."""
    return "INSERT OR REPLACE" if table == "papers" else "INSERT"


#: the statement that inserts a row of values into each table
_INSERTS = {
    table: f"{_insert(table)} INTO {table} VALUES ({', '.join('?' * width)})"
    for table, width in _WIDTHS.items()
}


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turns a SQLite failure into one line naming the file."""
    try:
        yield
    except sqlite3.Error as exc:
        raise OutputError(f"cannot write {path}: {exc}") from exc


def documents_citing(path: Path, pmids: Iterable[str]) -> dict[str, list[str]] | None:
    """The documents (paths, sorted) whose citations the audit.db at ``path`` resolves to each
    of ``pmids`` (those no document cites left out); None when there is no audit.db there or
    it cannot be read as one (opened read-only: never changed, never made).  The file is
    anyone's who can write to the folder: a ``citations`` that is not a table (a view may
    compute rows for ever) is not read, and a document that is not text is left out."""
    wanted = sorted(set(pmids))
    if not path.is_file():
        return None
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as db:
            kind = db.execute("SELECT type FROM sqlite_master WHERE name = 'citations'").fetchone()
            if kind != ("table",):
                return None
            found: dict[str, list[str]] = {}
            for pmid in wanted:  # one indexed lookup each (citations_by_paper)
                rows = db.execute(
                    "SELECT DISTINCT document FROM citations WHERE paper = ? ORDER BY document",
                    (pmid,),
                ).fetchall()
                documents = [document for (document,) in rows if isinstance(document, str)]
                if documents:
                    found[pmid] = documents
            return found
    except sqlite3.Error:
        return None


class RowShard:
    """One process's audit.db rows of the documents it renders, in a SQLite file of its own
    under ``folder``: ``<pid>.sqlite``, opened when the process adds its first rows (so a
    shard made before the workers fork serves each of them).  Each document's rows are one
    transaction: a shard holds whole documents only.  :meth:`AuditDatabase.merge` copies
    the shards into audit.db once their processes are done."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._pid = 0  #: the process that opened ``_db``

    def add(self, rows: DatabaseRows) -> None:
        """Store one document's rows."""
        db = self._connection()
        with _writing(self.folder), db:
            for table, values in zip(
                _ROW_TABLES, (rows.claims, rows.citations, rows.flags, rows.papers), strict=True
            ):
                if values:
                    db.executemany(_INSERTS[table], values)

    def shards(self) -> list[Path]:
        """The shard files written under :attr:`folder` so far, in a fixed order."""
        return sorted(self.folder.glob("*.sqlite"))

    def close(self) -> None:
        """Close this process's shard, if it opened one (idempotent)."""
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # none yet, or the parent's (fork)
            self.folder.mkdir(exist_ok=True)
            path = self.folder / f"{os.getpid()}.sqlite"
            with _writing(path):
                db = sqlite3.connect(path)
                db.execute("PRAGMA journal_mode = OFF")  # a failed run's shards are dropped
                db.execute("PRAGMA synchronous = OFF")
                db.executescript(SCHEMA)
            self._db, self._pid = db, os.getpid()
        return self._db


class AuditDatabase:
    """``audit.db`` being written at ``path`` (a new file); see the module docstring."""

    def __init__(self, path: Path, report_format: str = "html") -> None:
        self.path = path
        self.report_format = report_format  #: the per-document file a ``report`` names
        self.reused = False  #: started from the previous audit.db (:meth:`reuse`)
        self._pending: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _INSERTS}
        self._buffered = 0
        with _writing(path):
            self._db = sqlite3.connect(path, isolation_level=None)
            try:
                self._db.execute("PRAGMA journal_mode = OFF")  # a failed run's file is dropped
                self._db.execute("PRAGMA synchronous = OFF")
                # 16 KiB pages: inserting and indexing 2,000 documents' rows took 10 % less
                self._db.execute("PRAGMA page_size = 16384")
                self._db.executescript(SCHEMA)
            except BaseException:
                self._db.close()
                raise

    def add(self, number: int, entry: DocumentEntry, rows: DatabaseRows) -> None:
        """Take the rows of document ``number`` (its place in the run), whose index entry is
        ``entry``; they are inserted with the next batch."""
        counts = (
            entry.claims,
            *entry.grade_counts,
            entry.citations,
            entry.unresolved,
            entry.problems,
        )
        report, subject = f"{entry.name}.{self.report_format}", entry.subject or None
        self._pending["documents"].append(
            (number, entry.path, report, entry.style, subject, *counts)
        )
        self._pending["claims"] += rows.claims
        self._pending["citations"] += rows.citations
        self._pending["flags"] += rows.flags
        self._pending["papers"] += rows.papers
        self._buffered += len(rows) + 1
        if self._buffered >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        """Insert the buffered rows in one transaction."""
        with _writing(self.path):
            self._db.execute("BEGIN")
            for table, insert in _INSERTS.items():
                rows = self._pending[table]
                if rows:
                    self._db.executemany(insert, rows)
                    rows.clear()
            self._db.execute("COMMIT")
        self._buffered = 0

    def merge(self, shards: Iterable[Path]) -> None:
        """Copy in the rows of every :class:`RowShard` file of ``shards`` (a paper's row
        replaces an earlier one, as :meth:`add` does).  Call before :meth:`copy_documents`
        and :meth:`complete`."""
        self._flush()
        with _writing(self.path):
            for shard in shards:
                self._db.execute("ATTACH DATABASE ? AS shard", (str(shard),))
                try:
                    self._db.execute("BEGIN")
                    for table in _ROW_TABLES:
                        self._db.execute(
                            f"{_insert(table)} INTO main.{table} SELECT * FROM shard.{table}"  # noqa: S608
                        )
                    self._db.execute("COMMIT")
                finally:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    self._db.execute("DETACH DATABASE shard")

    def reuse(self, previous: Path, kept: Iterable[str]) -> None:
        """Start again from a copy of the audit.db at ``previous`` (written by this same
        version) holding only the rows of the documents ``kept`` (paths): cheaper than
        :meth:`copy_documents` when most of a corpus is kept, since its indexes need not be
        built again.  Call before :meth:`add`; the kept documents are then added (their
        ``documents`` rows: numbers may change) with no rows of their own."""
        self._flush()
        self._db.close()
        with _writing(self.path):
            shutil.copyfile(previous, self.path)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
            # Rows deleted and added all over a large file's indexes: a page cache that
            # holds their working set (SQLite's default is 2 MiB)
            self._db.execute(f"PRAGMA cache_size = -{_REUSE_CACHE_KIB}")
            self._db.execute("BEGIN")
            self._db.execute("CREATE TEMP TABLE kept (document TEXT PRIMARY KEY)")
            self._db.executemany("INSERT INTO kept VALUES (?)", ((d,) for d in kept))
            self._db.execute(
                "CREATE TEMP TABLE gone AS SELECT document FROM documents "
                "WHERE document NOT IN (SELECT document FROM kept)"
            )
            for table in ("claims", "citations", "flags"):
                self._db.execute(
                    f"DELETE FROM {table} WHERE document IN (SELECT document FROM gone)"  # noqa: S608
                )
            self._db.execute("DELETE FROM documents")
            self._db.execute("DELETE FROM runs")
            self._db.execute("DROP TABLE kept")
            self._db.execute("DROP TABLE gone")
            self._db.execute("COMMIT")
        self.reused = True

    def copy_documents(self, previous: Path, documents: Iterable[str]) -> None:
        """Copy the ``claims``, ``citations`` and ``flags`` rows of ``documents`` (paths), and
        the ``papers`` they cite that no document added so far gave, from the audit.db at
        ``previous`` (written by this same version: the rows of documents an incremental
        run keeps as they are).  Call before :meth:`complete`."""
        self._flush()
        with _writing(self.path):
            self._db.execute("ATTACH DATABASE ? AS previous", (str(previous),))
            try:
                self._db.execute("BEGIN")
                self._db.execute("CREATE TEMP TABLE kept (document TEXT PRIMARY KEY)")
                self._db.executemany("INSERT INTO kept VALUES (?)", ((d,) for d in documents))
                for table in ("claims", "citations", "flags"):
                    self._db.execute(
                        f"INSERT INTO main.{table} SELECT * FROM previous.{table} "  # noqa: S608
                        "WHERE document IN (SELECT document FROM kept)"
                    )
                self._db.execute(
                    "INSERT OR IGNORE INTO main.papers SELECT * FROM previous.papers WHERE pmid IN "
                    "(SELECT paper FROM previous.citations WHERE document IN kept)"
                )
                self._db.execute("DROP TABLE kept")
                self._db.execute("COMMIT")
            finally:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                self._db.execute("DETACH DATABASE previous")

    def complete(self, provenance: Provenance, summary: RunSummary) -> None:
        """Insert what is buffered and the ``runs`` row, then create the indexes."""
        self._flush()
        if self.reused:  # papers no document cites any more
            with _writing(self.path):
                self._db.execute(
                    "DELETE FROM papers WHERE pmid NOT IN "
                    "(SELECT paper FROM citations WHERE paper IS NOT NULL)"
                )
        run, sources, audit = provenance.run, provenance.sources, provenance.run.audit
        finished = provenance.finished if provenance.finished is not None else run.started
        resources = [{"name": r.name, "pmids": r.pmids, "dois": r.dois} for r in audit.resources]
        row = (
            1,
            iso(run.started),
            iso(finished),
            round(max(0.0, finished - run.started), 3),
            run.enrich_version,
            run.eutils_url or None,
            int(run.offline),
            int(sources.test_data),
            iso(sources.oldest) if sources.oldest is not None else None,
            iso(sources.newest) if sources.newest is not None else None,
            audit.primary_for_a,
            audit.resource_share,
            audit.resource_min_edges,
            json.dumps(list(audit.high_throughput_methods)),
            json.dumps(resources),
            summary.documents,
            summary.claims,
            summary.problems,
            summary.requests,
            summary.cache_hits,
        )
        with _writing(self.path):
            self._db.execute(f"INSERT INTO runs VALUES ({', '.join('?' * len(row))})", row)  # noqa: S608
            self._db.executescript(INDEXES)

    def close(self) -> None:
        """Close the file (whatever state it is in). Idempotent."""
        self._db.close()

    # --- the dashboard's questions --------------------------------------------------------

    def attention(self, limit: int) -> Attention:
        """The claims that need attention (:data:`ATTENTION`), each once, under the first
        reason it meets: at most ``limit`` rows, in order of reason, document and claim."""
        with _writing(self.path):
            counts = dict(self._db.execute(_ATTENTION_COUNTS).fetchall())
            total = self._db.execute(_ATTENTION_TOTAL).fetchone()[0]
            rows = [AttentionRow(*row) for row in self._db.execute(_ATTENTION_ROWS, (limit,))]
        by_reason = {name: counts.get(rank, 0) for rank, name in enumerate(ATTENTION)}
        return Attention(rows, total, by_reason)

    def genes(self, column: str, limit: int) -> GeneTable:
        """Edges per regulator (``column`` ``regulator``) or target (``target``), with their
        grades: the ``limit`` genes with the most edges lacking evidence (C or D) first."""
        count_query, rows_query = _GENES[column]  # KeyError for any other column
        with _writing(self.path):
            total = self._db.execute(count_query).fetchone()[0]
            rows = [GeneRow(*row) for row in self._db.execute(rows_query, (limit,))]
        return GeneTable(column, rows, total)


#: What makes a claim need attention, in the order the dashboard lists them.
ATTENTION = ("grade D", "retracted", "doi_mismatch", "not_found")

_ATTENTION_COUNTS = """
SELECT rank, count(*) FROM (SELECT DISTINCT document, claim, rank FROM attention) GROUP BY rank
"""
_ATTENTION_TOTAL = "SELECT count(*) FROM (SELECT DISTINCT document, claim FROM attention)"
_ATTENTION_ROWS = """
WITH first (document, claim, rank) AS (
    SELECT document, claim, min(rank) FROM attention GROUP BY document, claim
), cited (document, claim, what) AS (
    SELECT document, claim,
           group_concat(name || ' ' || coalesce('PMID ' || pmid, 'doi:' || doi), '; ')
    FROM flags
    WHERE name IN ('retracted', 'doi_mismatch', 'not_found') AND level = 'citation'
    GROUP BY document, claim
)
SELECT f.rank, c.document, d.report, c.claim, c.grade, c.kind, c.regulator, c.target, c.text,
       c.grade_reason, g.what
FROM first AS f
JOIN claims AS c ON c.document = f.document AND c.claim = f.claim
JOIN documents AS d ON d.document = c.document
LEFT JOIN cited AS g ON g.document = f.document AND g.claim = f.claim
ORDER BY f.rank, d.number, c.position
LIMIT ?
"""
_GENE_ROWS = """
SELECT {column}, count(*), sum(grade = 'A'), sum(grade = 'B'), sum(grade = 'C'),
       sum(grade = 'D')
FROM claims
WHERE {column} IS NOT NULL
GROUP BY {column}
ORDER BY sum(grade IN ('C', 'D')) DESC, count(*) DESC, {column}
LIMIT ?
"""
#: per gene column, the query counting its genes and the one listing them
_GENES = {
    column: (
        f"SELECT count(DISTINCT {column}) FROM claims WHERE {column} IS NOT NULL",  # noqa: S608 (a fixed name)
        _GENE_ROWS.format(column=column),
    )
    for column in ("regulator", "target")
}


@dataclass(frozen=True, slots=True)
class AttentionRow:
    """A claim that needs attention, and why (``rank``: its first reason in :data:`ATTENTION`)."""

    rank: int
    document: str
    report: str  #: the HTML report's file name
    claim: str
    grade: str
    kind: str
    regulator: str | None
    target: str | None
    text: str | None
    grade_reason: str
    cited: str | None  #: "retracted PMID 113; not_found PMID 2" (the citations concerned)


@dataclass(frozen=True, slots=True)
class Attention:
    """The first claims needing attention, how many in all, and how many meet each reason
    (a claim may meet several)."""

    rows: list[AttentionRow]
    total: int
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class GeneRow:
    """A gene's edges as regulator (or target), by grade."""

    gene: str
    edges: int
    a: int
    b: int
    c: int
    d: int

    @property
    def lacking(self) -> int:
        """Edges with no primary paper (grades C and D)."""
        return self.c + self.d


@dataclass(frozen=True, slots=True)
class GeneTable:
    """The genes of ``column`` (regulator or target) shown, and how many there are in all."""

    column: str
    rows: list[GeneRow]
    total: int
