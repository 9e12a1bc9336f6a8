"""Report stage: audited documents in, report files out.

:class:`ReportWriter` streams: :meth:`~ReportWriter.add` writes one document's
``<name>.md``, ``<name>.html`` and ``<name>.json`` at once and keeps only a
small summary of it and the bibliography entries of the papers it cites;
:meth:`~ReportWriter.finish` writes ``index.html``, ``audit.tsv`` and
``references.bib`` / ``.json`` / ``.ris``.  A run that renders in worker
processes lets each worker write its documents' files itself
(:func:`write_document`, under a name the writer allocated with
:meth:`~ReportWriter.allocate`) and hands the writer only the small
:class:`WrittenDocument` (:meth:`~ReportWriter.add_written`), so the large
texts never cross between processes.

Promises:

* nothing is written outside ``out_dir``, whatever a document's path says;
* every file appears whole or not at all (temporary file, then ``os.replace``);
* ``audit.tsv`` appears only when the run finishes;
* an output folder that cannot be created or written raises
  :class:`~enrich.errors.OutputError` from the constructor, before any file is written.

The renderers (:func:`render_markdown`, :func:`render_html`, :func:`render_index`,
the bibliography and table functions) are pure and can be used on their own.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from enrich.errors import OutputError
from enrich.model import AuditedDocument, PaperRecord, RunSummary, Status
from enrich.report.bibliography import (
    BibliographyEntry,
    bibliography_entry,
    join_bibliographies,
)
from enrich.report.files import (
    TEMP_PREFIX,
    AtomicTextFile,
    NameAllocator,
    atomic_write_text,
    inside,
    prepare_out_dir,
)
from enrich.report.html import render_html
from enrich.report.index import render_index
from enrich.report.json_document import document_json
from enrich.report.markdown import render_markdown
from enrich.report.tables import (
    AUDIT_COLUMNS,
    DocumentEntry,
    claim_rows,
    tsv_line,
)

__all__ = [
    "DocumentEntry",
    "RenderedDocument",
    "ReportWriter",
    "WrittenDocument",
    "bibliography_entries",
    "render_document",
    "render_html",
    "render_index",
    "render_markdown",
    "write_document",
]


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """One document's report texts and index summary: plain, picklable data."""

    path: str
    markdown: str
    html: str
    json: str
    tsv: str  #: its audit.tsv lines
    entry: DocumentEntry  #: its index line; ``name`` is set when it is written
    bibliography: tuple[BibliographyEntry, ...]  #: of the resolved papers it cites

    def written(self, name: str) -> WrittenDocument:
        """What the writer keeps once the files are written as ``<name>.*``."""
        entry = dataclasses.replace(self.entry, name=name)
        return WrittenDocument(self.tsv, entry, self.bibliography)


@dataclass(frozen=True, slots=True)
class WrittenDocument:
    """What a run keeps of a document whose report files are written: small, picklable."""

    tsv: str  #: its audit.tsv lines
    entry: DocumentEntry  #: its index line, ``name`` set
    bibliography: tuple[BibliographyEntry, ...]  #: of cited papers not handed over before


def write_document(out_dir: Path, name: str, doc: RenderedDocument) -> list[Path]:
    """Write ``doc``'s ``<name>.md``, ``.html`` and ``.json`` in ``out_dir``, each atomically.

    ``name`` should come from :meth:`ReportWriter.allocate`; whatever it is, no file
    is written outside ``out_dir`` (OutputError instead).
    """
    return [
        atomic_write_text(inside(out_dir, f"{name}.md"), doc.markdown),
        atomic_write_text(inside(out_dir, f"{name}.html"), doc.html),
        atomic_write_text(inside(out_dir, f"{name}.json"), doc.json),
    ]


def render_document(
    doc: AuditedDocument, known_pmids: AbstractSet[str] = frozenset()
) -> RenderedDocument:
    """Render every per-document output of ``doc``. Pure: no file is touched.

    ``bibliography`` leaves out the PMIDs in ``known_pmids`` (already handed over).
    """
    return RenderedDocument(
        path=doc.document.path,
        markdown=render_markdown(doc),
        html=render_html(doc),
        json=document_json(doc),
        tsv="".join(tsv_line(row) for row in claim_rows(doc)),
        entry=DocumentEntry.of(doc, ""),
        bibliography=bibliography_entries(doc, known_pmids),
    )


def bibliography_entries(
    doc: AuditedDocument, skip: AbstractSet[str] = frozenset()
) -> tuple[BibliographyEntry, ...]:
    """The bibliography entries of the distinct resolved papers ``doc`` cites but those
    whose PMID is in ``skip``, in the order first cited."""
    records: dict[str, PaperRecord] = {}
    verdicts = [c for claim in doc.claims for c in claim.citations] + list(doc.citations)
    for verdict in verdicts:
        record = verdict.resolution.record
        resolved = verdict.resolution.status is Status.RESOLVED
        if resolved and record is not None and record.pmid not in skip:
            records.setdefault(record.pmid, record)
    return tuple(bibliography_entry(record) for record in records.values())


class ReportWriter:
    """Writes the reports of a run into ``out_dir``; use as a context manager or call
    :meth:`finish` (or :meth:`abort`) at the end."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = prepare_out_dir(out_dir)
        self._names = NameAllocator()
        self._entries: dict[int, DocumentEntry] = {}
        self._bibliography: dict[str, BibliographyEntry] = {}
        self._audit = AtomicTextFile(inside(self.out_dir, "audit.tsv"))
        self._audit.write(tsv_line(AUDIT_COLUMNS))
        self._early = _Spool(self.out_dir)  #: audit.tsv lines of documents ahead of their turn
        self._next = 0  #: the number of the document whose audit.tsv lines are due
        self._finished = False

    def add(self, doc: AuditedDocument) -> list[Path]:
        """Write ``doc``'s Markdown, HTML and JSON reports; return their paths."""
        return self.add_rendered(render_document(doc))

    def add_rendered(self, doc: RenderedDocument) -> list[Path]:
        """Write a document rendered by :func:`render_document`; return its files' paths."""
        self._check_open()
        name = self.allocate(doc.path)
        written = write_document(self.out_dir, name, doc)
        self.add_written(doc.written(name))
        return written

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
        for paper in doc.bibliography:
            self._bibliography.setdefault(paper.pmid, paper)
        if number != self._next:
            self._early.put(number, doc.tsv)
            return
        self._audit.write(doc.tsv)
        self._next += 1
        while self._next in self._early:
            self._audit.write(self._early.take(self._next))
            self._next += 1

    def _check_open(self) -> None:
        if self._finished:
            raise OutputError(f"the reports in {self.out_dir} are already finished")

    def finish(self, summary: RunSummary) -> list[Path]:
        """Write ``index.html``, ``audit.tsv`` and the three bibliographies; return their paths."""
        self._check_open()
        if len(self._early):
            raise OutputError(f"documents {self._next} and later have not all been added")
        self._finished = True
        self._early.close()
        bibtex, csl_json, ris = join_bibliographies(self._bibliography.values())
        written = [
            atomic_write_text(
                inside(self.out_dir, "index.html"), render_index(self.entries, summary)
            ),
            self._audit.commit(),
            atomic_write_text(inside(self.out_dir, "references.bib"), bibtex),
            atomic_write_text(inside(self.out_dir, "references.json"), csl_json),
            atomic_write_text(inside(self.out_dir, "references.ris"), ris),
        ]
        return written

    def abort(self) -> None:
        """Stop without writing the run-wide files; the documents' reports stay. Idempotent."""
        if not self._finished:
            self._finished = True
            self._audit.discard()
            self._early.close()

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


class _Spool:
    """Texts held back until their turn, kept in an unnamed temporary file, not in memory."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._file: IO[bytes] | None = None
        self._where: dict[int, tuple[int, int]] = {}  #: number -> (offset, length)
        self._end = 0

    def put(self, number: int, text: str) -> None:
        data = text.encode("utf-8")
        try:
            if self._file is None:
                # kept open across calls; close() (from finish() and abort()) closes it
                self._file = tempfile.TemporaryFile(dir=self._folder, prefix=TEMP_PREFIX)  # noqa: SIM115
            self._file.seek(self._end)
            self._file.write(data)
        except OSError as exc:
            raise OutputError(f"cannot write in {self._folder}: {exc.strerror or exc}") from exc
        self._where[number] = (self._end, len(data))
        self._end += len(data)

    def take(self, number: int) -> str:
        offset, length = self._where.pop(number)
        assert self._file is not None
        self._file.seek(offset)
        return self._file.read(length).decode("utf-8")

    def __contains__(self, number: int) -> bool:
        return number in self._where

    def __len__(self) -> int:
        return len(self._where)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
