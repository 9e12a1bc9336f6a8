"""One audited document rendered: its report texts and what a run keeps of it.

:func:`render_document` renders the per-document outputs asked for (:data:`FORMATS`:
``<name>.html``, ``.json``, ``.md``; :data:`DEFAULT_FORMATS` unless told) and what the
run-level files need of the document (its audit.tsv lines, index entry, bibliography
entries, audit.db rows, where its records come from).  Pure: no file is touched;
:func:`enrich.report.writer.write_document` writes the texts.  The JSON is rendered once
for ``<name>.json`` and the data ``<name>.html`` carries.  What the run keeps of it,
:class:`WrittenDocument`, is all the run-wide files (index.html, audit.tsv, audit.db, the
bibliographies) are made from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from enrich.model import AuditedDocument, PaperRecord, Status
from enrich.report.bibliography import BibliographyEntry, bibliography_entry
from enrich.report.json_document import document_json
from enrich.report.markdown import render_markdown
from enrich.report.provenance import Provenance, RunInfo, Sources
from enrich.report.rows import DatabaseRows, database_rows
from enrich.report.tables import claim_rows, tsv_line
from enrich.report.view import DocumentEntry
from enrich.report.viewer import render_html

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "RenderedDocument",
    "WrittenDocument",
    "bibliography_entries",
    "document_sources",
    "parse_formats",
    "render_document",
]

#: The per-document outputs, each written as ``<name>.<format>``, in the order written.
FORMATS: tuple[str, ...] = ("html", "json", "md")
#: What a user needs at scale: the report to read and the data to process.  Markdown, a
#: third file per document saying nothing new (half the JSON's size, as slow to render),
#: on request.
DEFAULT_FORMATS: tuple[str, ...] = ("html", "json")


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """The formats of a comma list (``"html,md"``) or of names, in :data:`FORMATS` order.

    Case and spaces around a name do not matter, nor do repeats.  Raises ValueError
    naming an unknown format, or when none is given."""
    names = formats.split(",") if isinstance(formats, str) else list(formats)
    wanted = {str(name).strip().lower() for name in names} - {""}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r} (known: {', '.join(FORMATS)})")
    if not wanted:
        raise ValueError(f"no format given (known: {', '.join(FORMATS)})")
    return tuple(name for name in FORMATS if name in wanted)


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """One document's report texts and index summary: plain, picklable data."""

    path: str
    files: tuple[tuple[str, str], ...]  #: (format, text) of each per-document output asked for
    tsv: str  #: its audit.tsv lines
    entry: DocumentEntry  #: its index line; ``name`` is set when it is written
    bibliography: tuple[BibliographyEntry, ...]  #: of the papers it cites (``paper``)
    sources: Sources  #: where the records it uses came from
    rows: DatabaseRows  #: its rows of audit.db
    misidentified: tuple[str, ...] = ()  #: see :attr:`WrittenDocument.misidentified`

    def written(self, name: str) -> WrittenDocument:
        """What the writer keeps once the files are written as ``<name>.*``."""
        entry = dataclasses.replace(self.entry, name=name)
        return WrittenDocument(
            self.tsv,
            entry,
            self.bibliography,
            self.sources,
            self.rows,
            misidentified=self.misidentified,
        )


@dataclass(frozen=True, slots=True)
class WrittenDocument:
    """What a run keeps of a document whose report files are written: small, picklable."""

    tsv: str  #: its audit.tsv lines
    entry: DocumentEntry  #: its index line, ``name`` set
    bibliography: tuple[BibliographyEntry, ...]  #: of cited papers not handed over before
    sources: Sources = field(default_factory=Sources)  #: where the records it uses came from
    rows: DatabaseRows = field(default_factory=DatabaseRows)  #: its rows of audit.db
    #: its files are the previous run's, kept in place, and its audit.db rows are copied
    #: from the previous audit.db (an incremental run: :mod:`enrich.run.incremental`)
    kept: bool = False
    #: the PMIDs its citations resolved to that it cites as no paper (:func:`misidentified_pmids`)
    misidentified: tuple[str, ...] = ()

    @property
    def grades(self) -> dict[str, int]:
        """Its claims per grade."""
        return self.entry.grades

    @property
    def flags(self) -> dict[str, int]:
        """Its claims and citations carrying each flag."""
        return self.entry.flags

    @property
    def problems(self) -> int:
        """Its problems, as read to render it."""
        return self.entry.problems


def render_document(
    doc: AuditedDocument,
    known_pmids: AbstractSet[str] = frozenset(),
    *,
    name: str = "",
    formats: Iterable[str] = DEFAULT_FORMATS,
    run: RunInfo | None = None,
) -> RenderedDocument:
    """Render the outputs ``formats`` of ``doc``, to be written as ``<name>.<format>``.
    Pure: no file is touched.

    ``name`` lets the HTML page link its sibling files for readers without JavaScript;
    ``bibliography`` and the papers of ``rows`` leave out the PMIDs in ``known_pmids``
    (already handed over).  With ``run``, the reports say where they come from
    (:mod:`enrich.report.provenance`).  Raises ValueError for an unknown format (see
    :func:`parse_formats`).
    """
    wanted = parse_formats(formats)
    sources = document_sources(doc)
    provenance = Provenance(run, sources) if run is not None else None
    data = document_json(doc, provenance) if "json" in wanted or "html" in wanted else ""
    siblings = [f"{name}.{kind}" for kind in wanted if kind != "html"] if name else []
    files = []
    for kind in wanted:
        if kind == "html":
            files.append((kind, render_html(doc, data, siblings, provenance)))
        elif kind == "json":
            files.append((kind, data))
        else:
            files.append((kind, render_markdown(doc, provenance)))
    return RenderedDocument(
        path=doc.document.path,
        files=tuple(files),
        tsv="".join(tsv_line(row) for row in claim_rows(doc)),
        entry=DocumentEntry.of(doc, ""),
        bibliography=bibliography_entries(doc, known_pmids),
        sources=sources,
        rows=database_rows(doc, known_pmids),
        misidentified=misidentified_pmids(doc),
    )


def document_sources(doc: AuditedDocument) -> Sources:
    """Where the records ``doc``'s reports use came from."""
    return Sources.of((v.resolution for v in doc.all_verdicts()), doc.genes)


def bibliography_entries(
    doc: AuditedDocument, skip: AbstractSet[str] = frozenset()
) -> tuple[BibliographyEntry, ...]:
    """The bibliography entries of the distinct papers ``doc`` cites
    (:attr:`~enrich.model.CitationVerdict.paper`) but those whose PMID is in ``skip``, in
    the order first cited."""
    records: dict[str, PaperRecord] = {}
    for verdict in doc.all_verdicts():
        record = verdict.paper
        if record is not None and record.pmid not in skip:
            records.setdefault(record.pmid, record)
    return tuple(bibliography_entry(record) for record in records.values())


def misidentified_pmids(doc: AuditedDocument) -> tuple[str, ...]:
    """The PMIDs ``doc``'s citations resolved to that none of them cites as its paper: each
    citation giving it is contradicted by its DOI and title (in the order first cited)."""
    resolved = dict.fromkeys(
        v.resolution.record.pmid
        for v in doc.all_verdicts()
        if v.resolution.record is not None and v.resolution.status is Status.RESOLVED
    )
    papers = {paper.pmid for v in doc.all_verdicts() if (paper := v.paper) is not None}
    return tuple(pmid for pmid in resolved if pmid not in papers)
