"""One audited document rendered: its report texts and what a run keeps of it.

:func:`render_document` renders every per-document output (Markdown, HTML, JSON,
audit.tsv lines, index entry, bibliography entries, audit.db rows, where its records come
from) of an audited document.  Pure: no file is touched;
:func:`enrich.report.writer.write_document` writes the texts.  What the run keeps of it,
:class:`WrittenDocument`, is all the run-wide files (index.html, audit.tsv, audit.db, the
bibliographies) are made from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from enrich.model import AuditedDocument, PaperRecord, Status
from enrich.report.bibliography import BibliographyEntry, bibliography_entry
from enrich.report.html import render_html
from enrich.report.json_document import document_json
from enrich.report.markdown import render_markdown
from enrich.report.provenance import Provenance, RunInfo, Sources
from enrich.report.rows import DatabaseRows, database_rows
from enrich.report.tables import claim_rows, tsv_line
from enrich.report.view import DocumentEntry

__all__ = [
    "RenderedDocument",
    "WrittenDocument",
    "bibliography_entries",
    "document_sources",
    "render_document",
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
    sources: Sources  #: where the records it uses came from
    rows: DatabaseRows  #: its rows of audit.db

    def written(self, name: str) -> WrittenDocument:
        """What the writer keeps once the files are written as ``<name>.*``."""
        entry = dataclasses.replace(self.entry, name=name)
        return WrittenDocument(self.tsv, entry, self.bibliography, self.sources, self.rows)


@dataclass(frozen=True, slots=True)
class WrittenDocument:
    """What a run keeps of a document whose report files are written: small, picklable."""

    tsv: str  #: its audit.tsv lines
    entry: DocumentEntry  #: its index line, ``name`` set
    bibliography: tuple[BibliographyEntry, ...]  #: of cited papers not handed over before
    sources: Sources = field(default_factory=Sources)  #: where the records it uses came from
    rows: DatabaseRows = field(default_factory=DatabaseRows)  #: its rows of audit.db

    @property
    def grades(self) -> dict[str, int]:
        """Its claims per grade."""
        return self.entry.grades

    @property
    def flags(self) -> dict[str, int]:
        """Its claims and citations carrying each flag."""
        return self.entry.flags


def render_document(
    doc: AuditedDocument, known_pmids: AbstractSet[str] = frozenset(), run: RunInfo | None = None
) -> RenderedDocument:
    """Render every per-document output of ``doc``. Pure: no file is touched.

    ``bibliography`` and the papers of ``rows`` leave out the PMIDs in ``known_pmids``
    (already handed over).  With
    ``run``, the reports say where they come from (:mod:`enrich.report.provenance`).
    """
    sources = document_sources(doc)
    provenance = Provenance(run, sources) if run is not None else None
    return RenderedDocument(
        path=doc.document.path,
        markdown=render_markdown(doc, provenance),
        html=render_html(doc, provenance),
        json=document_json(doc, provenance),
        tsv="".join(tsv_line(row) for row in claim_rows(doc)),
        entry=DocumentEntry.of(doc, ""),
        bibliography=bibliography_entries(doc, known_pmids),
        sources=sources,
        rows=database_rows(doc, known_pmids),
    )


def document_sources(doc: AuditedDocument) -> Sources:
    """Where the records ``doc``'s reports use came from."""
    verdicts = [c for claim in doc.claims for c in claim.citations] + list(doc.citations)
    return Sources.of((v.resolution for v in verdicts), doc.genes)


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
