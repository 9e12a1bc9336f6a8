"""Writing a run's reports: each document's files, then the run-wide ones, then the commit.

:class:`ReportWriter` streams: :meth:`~ReportWriter.add` writes one document's
per-document outputs (``<name>.html`` and ``<name>.json`` unless told otherwise:
``formats``) at once, keeps only a small summary of it and the bibliography entries of the
papers it cites, and hands its rows to ``audit.db`` (:mod:`enrich.report.database`,
written as the run goes); :meth:`~ReportWriter.finish` completes ``audit.db`` and writes
``index.html`` (made from it: :mod:`enrich.report.dashboard`), ``audit.tsv`` and
``references.bib`` / ``.json`` / ``.ris``.  A run that renders in worker processes lets
each worker write its documents' files itself (:func:`write_document`, under a name the
writer allocated with :meth:`~ReportWriter.allocate`) and its audit.db rows into its own
:attr:`~ReportWriter.row_shard` file (merged into audit.db when the run-wide files are
written), and hands the writer only the small
:class:`~enrich.report.document.WrittenDocument` (:meth:`~ReportWriter.add_written`),
so the large texts and the rows never cross between processes.  An incremental run
(:mod:`enrich.run.incremental`) also hands it documents it keeps
(``WrittenDocument.kept``): their files stay in place, their audit.tsv lines are the
previous ones, their audit.db rows come from the previous audit.db.

Promises:

* nothing is written outside ``out_dir``, whatever a document's path says;
* the report set is replaced as a whole (:mod:`enrich.report.commit`): every file is
  written into a staging folder (:attr:`ReportWriter.staging`) and :meth:`~ReportWriter.finish`
  commits them together; until then, and after a failure or :meth:`~ReportWriter.abort`,
  the previous set is exactly as it was;
* an output folder that cannot be created or written raises
  :class:`~enrich.errors.OutputError` from the constructor, before any file is written.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType

from enrich.errors import OutputError
from enrich.folders import StrPath
from enrich.model import AuditedDocument, RunSummary
from enrich.report.bibliography import BibliographyEntry, join_bibliographies
from enrich.report.commit import Staging
from enrich.report.dashboard import dashboard_of
from enrich.report.database import AuditDatabase, RowShard
from enrich.report.document import (
    DEFAULT_FORMATS,
    RenderedDocument,
    WrittenDocument,
    parse_formats,
    render_document,
)
from enrich.report.files import (
    AtomicTextFile,
    NameAllocator,
    Spool,
    inside,
    prepare_out_dir,
    write_new_text,
)
from enrich.report.index import render_index
from enrich.report.provenance import Provenance, RunInfo, Sources, bibtex_comment, now
from enrich.report.tables import AUDIT_COLUMNS, tsv_line
from enrich.report.view import DocumentEntry

__all__ = ["BibliographySpool", "ReportWriter", "write_document"]


class BibliographySpool:
    """A run's bibliography entries, one per PMID (the first added), kept in a private
    temporary SQLite database that SQLite deletes when it is closed, not in memory (50,000
    papers' entries are about 115 MB).  Iterates by PMID as a number; :meth:`close` when
    done (idempotent)."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a temporary database on disk, private
        self._db.execute(
            "CREATE TABLE entries (pmid TEXT PRIMARY KEY, digits INTEGER NOT NULL, "
            "bibtex TEXT NOT NULL, csl TEXT NOT NULL, ris TEXT NOT NULL)"
        )

    def add(self, entries: Iterable[BibliographyEntry]) -> None:
        """Add ``entries``, but those whose PMID is in already."""
        rows = [(e.pmid, len(e.pmid), e.bibtex, e.csl_json, e.ris) for e in entries]
        if rows:
            with self._db:
                self._db.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?, ?)", rows)

    def __contains__(self, pmid: object) -> bool:
        query = "SELECT 1 FROM entries WHERE pmid = ?"
        return self._db.execute(query, (pmid,)).fetchone() is not None

    def __iter__(self) -> Iterator[BibliographyEntry]:
        query = "SELECT pmid, bibtex, csl, ris FROM entries ORDER BY digits, pmid"
        for row in self._db.execute(query):
            yield BibliographyEntry(*row)

    def close(self) -> None:
        self._db.close()


def write_document(staging: Path, name: str, doc: RenderedDocument) -> list[Path]:
    """Write ``doc``'s files, ``<name>.<format>``, as new files in ``staging``: a run's
    staging folder (:attr:`ReportWriter.staging`), which is committed or discarded whole,
    so each file is written directly, without a temporary file of its own.

    ``name`` should come from :meth:`ReportWriter.allocate`; whatever it is, no file
    is written outside ``staging`` (OutputError instead).
    """
    return [write_new_text(inside(staging, f"{name}.{kind}"), text) for kind, text in doc.files]


class ReportWriter:
    """Writes the reports of a run into ``out_dir``; use as a context manager or call
    :meth:`finish` (or :meth:`abort`) at the end.

    ``formats`` are the per-document outputs :meth:`add` writes (ValueError for an
    unknown one); the run-level files are always written.  ``run`` says what the run is
    (its start, the E-utilities server asked...), for every report's provenance; without
    it, a run starting now whose server is not recorded.
    """

    def __init__(
        self,
        out_dir: StrPath,
        formats: Iterable[str] = DEFAULT_FORMATS,
        run: RunInfo | None = None,
    ) -> None:
        self.formats = parse_formats(formats)
        self.run = run or RunInfo.start()
        self.out_dir = prepare_out_dir(Path(out_dir))
        self._staging = Staging(self.out_dir)
        self.staging = self._staging.path  #: where this run's files are written until committed
        self._names = NameAllocator()
        self._entries: dict[int, DocumentEntry] = {}
        self._bibliography = BibliographySpool()
        self._sources = Sources()  #: of every document added
        try:
            self._audit = AtomicTextFile(inside(self.staging, "audit.tsv"))
            self._audit.write(tsv_line(AUDIT_COLUMNS))
            self._database = AuditDatabase(inside(self.staging, "audit.db"), self.formats[0])
            #: where a run's workers put their documents' audit.db rows (see :class:`RowShard`)
            self.row_shard = RowShard(inside(self.staging, ".rows"))
        except BaseException:
            self._staging.discard()
            raise
        self._early = Spool(self.staging)  #: audit.tsv lines of documents ahead of their turn
        self._next = 0  #: the number of the document whose audit.tsv lines are due
        self._tsv_end = len(tsv_line(AUDIT_COLUMNS).encode("utf-8"))
        #: document number -> (offset, length) of its lines in audit.tsv, in bytes
        self.tsv_spans: dict[int, tuple[int, int]] = {}
        self._kept: list[DocumentEntry] = []  #: of the documents whose files are kept in place
        self._finished = False

    def add(self, doc: AuditedDocument) -> list[Path]:
        """Write ``doc``'s reports in :attr:`formats`; return their paths."""
        self._check_open()
        name = self.allocate(doc.document.path)
        rendered = render_document(doc, name=name, formats=self.formats, run=self.run)
        written = write_document(self.staging, name, rendered)
        self.add_written(rendered.written(name))
        return [self.out_dir / path.name for path in written]

    def allocate(self, path: str) -> str:
        """The unique safe name of the next document's files (see :class:`NameAllocator`).

        The order of these calls numbers the documents for :meth:`add_written`.
        """
        return self._names.allocate(path)

    def add_written(self, doc: WrittenDocument, number: int | None = None) -> None:
        """Account for a document whose files :func:`write_document` has written.

        ``number`` is the document's place in the run (0, 1, ... in the order of
        :meth:`allocate`) when documents arrive out of order; ``audit.tsv`` and
        ``index.html`` list them in that order.  Without it, documents arrive in order.
        """
        self._check_open()
        number = len(self._entries) if number is None else number
        if number in self._entries or number < 0:
            raise ValueError(f"document number {number} is already written or negative")
        self._entries[number] = doc.entry
        self._database.add(number, doc.entry, doc.rows)
        if doc.kept:
            self._kept.append(doc.entry)
        self._sources = self._sources.merge(doc.sources)
        self._bibliography.add(doc.bibliography)
        if number != self._next:
            self._early.put(number, doc.tsv)
            return
        self._write_tsv(number, doc.tsv)
        while self._next in self._early:
            self._write_tsv(self._next, self._early.take(self._next))

    def _write_tsv(self, number: int, text: str) -> None:
        """Append document ``number``'s audit.tsv lines, which are due."""
        self._audit.write(text)
        length = len(text.encode("utf-8"))
        self.tsv_spans[number] = (self._tsv_end, length)
        self._tsv_end += length
        self._next += 1

    def keeping(self, documents: Sequence[str], total: int) -> bool:
        """Told, before any document is added, the paths of the ``documents`` (of ``total``)
        whose files stay in place and whose audit.db rows the previous audit.db holds: when
        they are most of the run, audit.db starts from a copy of the previous one (its
        ``papers`` rows all kept until :meth:`write_run_files` drops those no document
        cites).  Says whether it does."""
        if documents and 2 * len(documents) >= total:
            self._database.reuse(self.out_dir / "audit.db", documents)
        return self._database.reused

    def add_bibliography(self, entries: Iterable[BibliographyEntry]) -> None:
        """Add bibliography entries (of the papers kept documents cite); a PMID's first
        entry stays."""
        self._check_open()
        self._bibliography.add(entries)

    def _check_open(self) -> None:
        if self._finished:
            raise OutputError(f"the reports in {self.out_dir} are already finished")

    def finish(self, summary: RunSummary) -> list[Path]:
        """Write ``index.html``, ``audit.tsv``, ``audit.db`` and the three bibliographies,
        then commit the whole set in place of the previous one; return the paths of the
        run-wide files."""
        staged = self.write_run_files(summary)
        self.commit()
        return [self.out_dir / path.name for path in staged]

    def write_run_files(self, summary: RunSummary) -> list[Path]:
        """Write ``index.html``, ``audit.tsv``, ``audit.db`` and the three bibliographies
        into :attr:`staging` (the rows of kept documents copied from the previous
        audit.db); return their paths.  Then :meth:`commit` (or :meth:`abort`)."""
        self._check_open()
        if len(self._early):
            raise OutputError(f"documents {self._next} and later have not all been added")
        self._merge_row_shards()
        if self._kept and not self._database.reused:
            self._database.copy_documents(self.out_dir / "audit.db", [e.path for e in self._kept])
        provenance = Provenance(self.run, self._sources, finished=now())
        self._database.complete(provenance, summary)
        dashboard = dashboard_of(self._database)
        self._database.close()
        bibtex, csl_json, ris = join_bibliographies(self._bibliography)
        index = render_index(self.entries, summary, self.formats, provenance, dashboard)
        staged = [
            write_new_text(inside(self.staging, "index.html"), index),
            self._audit.commit(),
            self._database.path,
            write_new_text(
                inside(self.staging, "references.bib"), bibtex_comment(provenance) + bibtex
            ),
            write_new_text(inside(self.staging, "references.json"), csl_json),
            write_new_text(inside(self.staging, "references.ris"), ris),
        ]
        self._early.close()
        return staged

    def _merge_row_shards(self) -> None:
        """Copy the rows of :attr:`row_shard`'s files into audit.db, then remove them (they
        are no part of the report set)."""
        shard = self.row_shard
        self._database.merge(shard.shards())
        shard.close()
        try:
            shutil.rmtree(shard.folder)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"cannot remove {shard.folder}: {exc.strerror or exc}") from exc

    def commit(self, previous: Iterable[str] = ()) -> None:
        """Commit the staged files, and the kept documents' files already in place, as the
        folder's report set (see :mod:`enrich.report.commit`); ``previous`` names files the
        previous set is known to hold besides its manifest's."""
        self._check_open()
        kept = [f"{entry.name}.{kind}" for entry in self._kept for kind in self.formats]
        self._staging.commit(keep=kept, previous=previous)
        self._finished = True
        self._bibliography.close()

    def abort(self) -> None:
        """Stop without committing: the previous report set stays exactly as it was and this
        run's staged files are removed. Idempotent."""
        if not self._finished:
            self._finished = True
            self._audit.discard()
            self._database.close()
            self.row_shard.close()
            self._early.close()
            self._bibliography.close()
            self._staging.discard()

    @property
    def bibliography(self) -> BibliographySpool:
        """The bibliography entries added so far."""
        return self._bibliography

    @property
    def entries(self) -> list[DocumentEntry]:
        """The summaries of the documents written so far, in order."""
        return [self._entries[number] for number in sorted(self._entries)]

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()
