"""Report stage: audited documents in, report files out.

:class:`ReportWriter` streams: :meth:`~ReportWriter.add` writes one document's
``<name>.md``, ``<name>.html`` and ``<name>.json`` at once and keeps only a
small summary of it and the PubMed records it cites; :meth:`~ReportWriter.finish`
writes ``index.html``, ``audit.tsv`` and ``references.bib`` / ``.json`` / ``.ris``.

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
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from enrich.errors import OutputError
from enrich.model import AuditedDocument, PaperRecord, RunSummary, Status
from enrich.report.bibliography import render_bibtex, render_csl_json, render_ris
from enrich.report.files import (
    AtomicTextFile,
    NameAllocator,
    atomic_write_text,
    inside,
    prepare_out_dir,
)
from enrich.report.html import render_html
from enrich.report.index import render_index
from enrich.report.markdown import render_markdown
from enrich.report.tables import (
    AUDIT_COLUMNS,
    DocumentEntry,
    claim_rows,
    document_json,
    tsv_line,
)

__all__ = [
    "DocumentEntry",
    "RenderedDocument",
    "ReportWriter",
    "bibliography_records",
    "render_document",
    "render_html",
    "render_index",
    "render_markdown",
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
    records: tuple[PaperRecord, ...]  #: resolved records it cites, for the bibliography


def render_document(doc: AuditedDocument) -> RenderedDocument:
    """Render every per-document output of ``doc``. Pure: no file is touched."""
    return RenderedDocument(
        path=doc.document.path,
        markdown=render_markdown(doc),
        html=render_html(doc),
        json=document_json(doc),
        tsv="".join(tsv_line(row) for row in claim_rows(doc)),
        entry=DocumentEntry.of(doc, ""),
        records=bibliography_records(doc),
    )


def bibliography_records(doc: AuditedDocument) -> tuple[PaperRecord, ...]:
    """The distinct resolved records ``doc`` cites, without abstract or MeSH terms.

    The bibliography needs neither, and dropping them keeps a 20,000-document
    run's memory small.
    """
    records: dict[str, PaperRecord] = {}
    verdicts = [c for claim in doc.claims for c in claim.citations] + list(doc.citations)
    for verdict in verdicts:
        record = verdict.resolution.record
        resolved = verdict.resolution.status is Status.RESOLVED
        if resolved and record is not None and record.pmid not in records:
            records[record.pmid] = dataclasses.replace(record, abstract="", mesh_headings=())
    return tuple(records.values())


class ReportWriter:
    """Writes the reports of a run into ``out_dir``; use as a context manager or call
    :meth:`finish` (or :meth:`abort`) at the end."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = prepare_out_dir(out_dir)
        self._names = NameAllocator()
        self._entries: list[DocumentEntry] = []
        self._records: dict[str, PaperRecord] = {}
        self._audit = AtomicTextFile(inside(self.out_dir, "audit.tsv"))
        self._audit.write(tsv_line(AUDIT_COLUMNS))
        self._finished = False

    def add(self, doc: AuditedDocument) -> list[Path]:
        """Write ``doc``'s Markdown, HTML and JSON reports; return their paths."""
        return self.add_rendered(render_document(doc))

    def add_rendered(self, doc: RenderedDocument) -> list[Path]:
        """Write a document rendered by :func:`render_document` (perhaps in another process)."""
        if self._finished:
            raise OutputError(f"the reports in {self.out_dir} are already finished")
        name = self._names.allocate(doc.path)
        written = [
            atomic_write_text(inside(self.out_dir, f"{name}.md"), doc.markdown),
            atomic_write_text(inside(self.out_dir, f"{name}.html"), doc.html),
            atomic_write_text(inside(self.out_dir, f"{name}.json"), doc.json),
        ]
        self._audit.write(doc.tsv)
        self._entries.append(dataclasses.replace(doc.entry, name=name))
        for record in doc.records:
            self._records.setdefault(record.pmid, record)
        return written

    def finish(self, summary: RunSummary) -> list[Path]:
        """Write ``index.html``, ``audit.tsv`` and the three bibliographies; return their paths."""
        if self._finished:
            raise OutputError(f"the reports in {self.out_dir} are already finished")
        self._finished = True
        records = list(self._records.values())
        written = [
            atomic_write_text(
                inside(self.out_dir, "index.html"), render_index(self._entries, summary)
            ),
            self._audit.commit(),
            atomic_write_text(inside(self.out_dir, "references.bib"), render_bibtex(records)),
            atomic_write_text(inside(self.out_dir, "references.json"), render_csl_json(records)),
            atomic_write_text(inside(self.out_dir, "references.ris"), render_ris(records)),
        ]
        return written

    def abort(self) -> None:
        """Stop without writing the run-wide files; the documents' reports stay. Idempotent."""
        if not self._finished:
            self._finished = True
            self._audit.discard()

    @property
    def entries(self) -> list[DocumentEntry]:
        """The summaries of the documents written so far, in order."""
        return list(self._entries)

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()
