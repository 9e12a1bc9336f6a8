"""Plain, typed data passed between the pipeline stages.

Reading (``enrich.extract``) produces :class:`Document` values made of
:class:`Claim` and :class:`Citation`.  Resolution (``enrich.entrez.resolve``) turns each
cited identifier into a :class:`Resolution` that may carry a :class:`PaperRecord`.
The audit (``enrich.audit``) attaches :class:`Flag` values and a grade.

Every value here is frozen: a stage never changes what an earlier stage made,
it builds new values.  ``to_dict`` methods give the stable JSON shapes that the
CLI prints and the reports write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from enrich.escape import printable
from enrich.identifiers import doi_key, fallback_key, normalize_doi


class Style(StrEnum):
    """The kinds of document enrich reads."""

    TFLINK = "tflink"  #: style A, a TFLink protein page (YAML front matter)
    HARMONIZOME = "harmonizome"  #: style B, a Harmonizome gene page (Summary JSON tree)
    TEXT = "text"  #: any other text: identifiers harvested, not attached to claims


class ClaimKind(StrEnum):
    EDGE = "edge"  #: regulator -> target, style A
    STATEMENT = "statement"  #: a span of summary text with footnotes, style B


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in an input that could not be understood, with where it is."""

    path: str
    location: str  #: "line 12", "tfs row 3", "Summary node children[2]"; "" for the whole file
    message: str

    def __str__(self) -> str:
        """One line: control characters in a file name or message are shown escaped."""
        where = f"{self.path}:{self.location}" if self.location else self.path
        return printable(f"{where}: {self.message}")

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "location": self.location, "message": self.message}


@dataclass(frozen=True, slots=True)
class Subject:
    """The gene or protein a document is about."""

    symbol: str | None = None
    name: str | None = None
    uniprot: str | None = None
    gene_id: str | None = None
    organism: str | None = None
    synonyms: tuple[str, ...] = ()
    proteins: tuple[str, ...] = ()
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "name": self.name,
            "uniprot": self.uniprot,
            "gene_id": self.gene_id,
            "organism": self.organism,
            "synonyms": list(self.synonyms),
            "proteins": list(self.proteins),
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited paper as the document gives it.

    ``pmid`` and ``doi`` hold normalised identifiers; an identifier that failed
    validation is kept as written and named in ``invalid`` (never dropped).
    The remaining fields are what the document itself says about the paper
    (style B references); they are None where the document says nothing.
    """

    pmid: str | None = None
    doi: str | None = None
    invalid: tuple[str, ...] = ()  #: subset of ("pmid", "doi")
    ref: str | None = None  #: footnote number in the document's reference list
    authors: str | None = None
    title: str | None = None
    journal: str | None = None
    year: int | None = None

    @property
    def key(self) -> str:
        """A key naming the cited paper: ``pmid:N``, else ``doi:...`` (lower case)."""
        if self.pmid and "pmid" not in self.invalid:
            return f"pmid:{self.pmid}"
        if self.doi and "doi" not in self.invalid:
            return f"doi:{doi_key(self.doi)}"
        return f"invalid:{self.pmid or self.doi or ''}"

    @property
    def fallback(self) -> str | None:
        """For a PMID given with a DOI (both well formed), the key that resolves the DOI
        should PubMed lack the PMID (:func:`~enrich.identifiers.fallback_key`); else None."""
        if self.pmid and self.doi and not self.invalid:
            return fallback_key(self.pmid, self.doi)
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key whose Resolution the audit of this citation reads: :attr:`key`, and
        :attr:`fallback` when there is one."""
        fallback = self.fallback
        return (self.key,) if fallback is None else (self.key, fallback)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pmid": self.pmid,
            "doi": self.doi,
            "invalid": list(self.invalid),
            "ref": self.ref,
            "authors": self.authors,
            "title": self.title,
            "journal": self.journal,
            "year": self.year,
        }


@dataclass(frozen=True, slots=True)
class Partner:
    """The other protein of an edge: the row of a TFLink page."""

    symbol: str
    uniprot: str | None
    gene_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Claim:
    """One regulatory claim with the citations that are meant to support it.

    An edge fills ``regulator`` and ``target`` (and ``partner``, the row's
    protein); a statement fills ``text``.
    """

    id: str
    kind: ClaimKind
    location: str
    citations: tuple[Citation, ...] = ()
    regulator: str | None = None
    target: str | None = None
    partner: Partner | None = None
    sources: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    small_scale: bool | None = None  #: TFLink's trailing Yes/No column, where present
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "location": self.location,
            "regulator": self.regulator,
            "target": self.target,
            "partner_uniprot": self.partner.uniprot if self.partner else None,
            "gene_ids": list(self.partner.gene_ids) if self.partner else [],
            "text": self.text,
            "sources": list(self.sources),
            "methods": list(self.methods),
            "small_scale": self.small_scale,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True, slots=True)
class Document:
    """What one input file says: its subject, claims, loose citations and problems."""

    path: str
    style: Style
    subject: Subject = field(default_factory=Subject)
    claims: tuple[Claim, ...] = ()
    citations: tuple[Citation, ...] = ()  #: cited but not attached to any claim
    problems: tuple[Problem, ...] = ()

    def all_citations(self) -> tuple[Citation, ...]:
        """Every citation of the document, claims' first, in document order."""
        return tuple(c for claim in self.claims for c in claim.citations) + self.citations

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "style": str(self.style),
            "subject": self.subject.to_dict(),
            "claims": [c.to_dict() for c in self.claims],
            "citations": [c.to_dict() for c in self.citations],
            "problems": [p.to_dict() for p in self.problems],
        }


# --- resolution ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Relation:
    """A PubMed CommentsCorrections link, e.g. ``RetractionIn`` or ``ErratumIn``."""

    ref_type: str
    pmid: str | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"ref_type": self.ref_type, "pmid": self.pmid, "source": self.source}


_NOTICE_TYPES = frozenset(
    {"Published Erratum", "Retraction of Publication", "Expression of Concern"}
)
#: links from a retraction notice to the paper it retracts, wholly or in part
RETRACTION_NOTICE_LINKS = ("RetractionOf", "PartialRetractionOf")
_NOTICE_LINKS = ("ErratumFor", *RETRACTION_NOTICE_LINKS, "ExpressionOfConcernFor")
#: links from a retracted paper: to its retraction notice, or to the version that replaced it
#: (a paper retracted and republished is retracted all the same)
RETRACTION_LINKS = ("RetractionIn", "RetractedandRepublishedIn")
#: links from a paper to its correction: an erratum, or the corrected version republished
CORRECTION_LINKS = ("ErratumIn", "CorrectedandRepublishedIn")
#: links from a paper to the notice retracting part of it (a figure, a data set): the rest
#: stands, but which part fell enrich cannot tell
PARTIAL_RETRACTION_LINKS = ("PartialRetractionIn",)
#: links from a paper to a newer version of it (an updated guideline or review)
UPDATE_LINKS = ("UpdateIn",)
#: links between versions of one article PubMed lists apart: one study, however cited
REPUBLISHED_LINKS = (
    *("CorrectedandRepublishedIn", "CorrectedandRepublishedFrom"),
    *("RepublishedIn", "RepublishedFrom"),
)


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """A PubMed record reduced to what enrich reports and audits.

    ``title`` and ``abstract`` are plain text; ``title_markup`` is the title as
    HTML where only PubMed's inline tags (``i b u sup sub``) are markup and all
    text is escaped.  ``date`` is as precise as PubMed gives it ("2008-07-08",
    "2013 Jan-Mar"); for a book chapter it is the chapter's own date, and ``book_date``
    the book's where it differs (a GeneReviews chapter of 2006 in a book of 1993).
    """

    pmid: str
    doi: str | None = None
    pmcid: str | None = None
    title: str = ""
    title_markup: str = ""
    abstract: str = ""
    journal: str = ""
    journal_iso: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    year: int | None = None
    date: str = ""
    book_date: str = ""  #: a book chapter's book's PubDate, where it differs from ``date``
    authors: tuple[str, ...] = ()  #: "Ansieau S", "Jacobs WR Jr", or a collective name as given
    publication_types: tuple[str, ...] = ()
    mesh_headings: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    is_book: bool = False
    #: the record's own DOIs besides ``doi``, where PubMed gives more than one (an
    #: ELocationID that is not ArticleIdList's DOI): a search on either finds the record
    other_dois: tuple[str, ...] = ()

    def related(self, *ref_types: str) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if r.ref_type in ref_types)

    @property
    def study(self) -> str:
        """The PMID that stands for the article this record is a version of: the lowest of
        its own and those PubMed links as its corrected and republished, or republished,
        versions (so an article and its republished version cited together are one
        paper)."""
        versions = [r.pmid for r in self.related(*REPUBLISHED_LINKS) if r.pmid and r.pmid.isdigit()]
        return min([self.pmid, *versions], key=lambda pmid: (len(pmid), pmid))

    @property
    def doi_keys(self) -> frozenset[str]:
        """The record's own DOIs in the form a document's DOI is compared in: normalised
        as the document's are (:func:`~enrich.identifiers.normalize_doi`), then by
        :func:`~enrich.identifiers.doi_key`."""
        dois = (self.doi, *self.other_dois) if self.doi else self.other_dois
        return frozenset(doi_key(normalize_doi(doi)) for doi in dois)

    @property
    def is_retracted(self) -> bool:
        return "Retracted Publication" in self.publication_types or bool(
            self.related(*RETRACTION_LINKS)
        )

    @property
    def is_retraction_notice(self) -> bool:
        return "Retraction of Publication" in self.publication_types or bool(
            self.related(*RETRACTION_NOTICE_LINKS)
        )

    @property
    def is_notice(self) -> bool:
        """Whether the record is a notice about another paper (an erratum, a retraction or
        an expression of concern), not a paper of its own."""
        return any(kind in _NOTICE_TYPES for kind in self.publication_types) or bool(
            self.related(*_NOTICE_LINKS)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pmid": self.pmid,
            "doi": self.doi,
            "pmcid": self.pmcid,
            "title": self.title,
            "title_markup": self.title_markup,
            "abstract": self.abstract,
            "journal": self.journal,
            "journal_iso": self.journal_iso,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "year": self.year,
            "date": self.date,
            "book_date": self.book_date,
            "authors": list(self.authors),
            "publication_types": list(self.publication_types),
            "mesh_headings": list(self.mesh_headings),
            "languages": list(self.languages),
            "relations": [r.to_dict() for r in self.relations],
            "is_book": self.is_book,
            "other_dois": list(self.other_dois),
            "retracted": self.is_retracted,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaperRecord:
        """Inverse of :meth:`to_dict` (derived keys such as ``retracted`` are ignored)."""
        return cls(
            pmid=str(data["pmid"]),
            doi=data.get("doi"),
            pmcid=data.get("pmcid"),
            title=data.get("title", ""),
            title_markup=data.get("title_markup", ""),
            abstract=data.get("abstract", ""),
            journal=data.get("journal", ""),
            journal_iso=data.get("journal_iso", ""),
            volume=data.get("volume", ""),
            issue=data.get("issue", ""),
            pages=data.get("pages", ""),
            year=data.get("year"),
            date=data.get("date", ""),
            book_date=data.get("book_date", ""),
            authors=tuple(data.get("authors", ())),
            publication_types=tuple(data.get("publication_types", ())),
            mesh_headings=tuple(data.get("mesh_headings", ())),
            languages=tuple(data.get("languages", ())),
            relations=tuple(Relation(**r) for r in data.get("relations", ())),
            is_book=bool(data.get("is_book", False)),
            other_dois=tuple(data.get("other_dois", ())),
        )


class Status(StrEnum):
    """Where the resolution of one cited identifier ended."""

    RESOLVED = "resolved"
    NOT_FOUND = "not_found"  #: PubMed has no record for the PMID
    NOT_IN_PUBMED = "not_in_pubmed"  #: the DOI is not in PubMed
    INVALID = "invalid"  #: the identifier is malformed; nothing was asked
    UNRESOLVED = "unresolved"  #: could not be asked (network, offline, server errors)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome for one citation key (``pmid:N`` or ``doi:...``).

    ``fetched_at`` and ``test_data`` say where the record came from, not what it is:
    they take no part in comparisons (the same record fetched twice resolves alike).
    """

    key: str
    status: Status
    record: PaperRecord | None = None
    reason: str = ""  #: why, for every status but RESOLVED
    from_cache: bool = False
    #: when the record was fetched from E-utilities (seconds since the epoch), if any
    fetched_at: float | None = field(default=None, compare=False)
    #: the record came from a test server (enrich.testing), not from NCBI
    test_data: bool = field(default=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": str(self.status),
            "reason": self.reason,
            "record": self.record.to_dict() if self.record else None,
        }


# --- gene names -----------------------------------------------------------------------------


class GeneStatus(StrEnum):
    """What the run learnt of one NCBI Gene ID a document gives."""

    FOUND = "found"  #: a live NCBI Gene record
    REPLACED = "replaced"  #: the ID was merged into another; ``record`` is the current one's
    DISCONTINUED = "discontinued"  #: withdrawn without a replacement: symbol only
    UNKNOWN = "unknown"  #: NCBI Gene has no record with this ID: symbol only
    UNRESOLVED = "unresolved"  #: could not be asked (offline and not cached, network): symbol only


@dataclass(frozen=True, slots=True)
class GeneRecord:
    """An NCBI Gene summary (E-utilities ``esummary``, ``db=gene``) reduced to its names.

    ``status`` is NCBI's: ``live``, ``replaced`` (merged into ``current_id``) or
    ``discontinued``.
    """

    gene_id: str
    symbol: str
    description: str = ""  #: the full name, "cadherin 1"
    nomenclature_symbol: str = ""
    nomenclature_name: str = ""
    aliases: tuple[str, ...] = ()  #: OtherAliases, "Arc-1, CD324, ECAD, …"
    designations: tuple[str, ...] = ()  #: OtherDesignations, "E-cadherin|epithelial cadherin|…"
    organism: str = ""
    tax_id: str = ""
    status: str = "live"
    current_id: str | None = None  #: the live record's ID when ``status`` is ``replaced``

    def to_dict(self) -> dict[str, Any]:
        return {
            "gene_id": self.gene_id,
            "symbol": self.symbol,
            "description": self.description,
            "nomenclature_symbol": self.nomenclature_symbol,
            "nomenclature_name": self.nomenclature_name,
            "aliases": list(self.aliases),
            "designations": list(self.designations),
            "organism": self.organism,
            "tax_id": self.tax_id,
            "status": self.status,
            "current_id": self.current_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GeneRecord:
        """Inverse of :meth:`to_dict`."""
        return cls(
            gene_id=str(data["gene_id"]),
            symbol=str(data["symbol"]),
            description=data.get("description", ""),
            nomenclature_symbol=data.get("nomenclature_symbol", ""),
            nomenclature_name=data.get("nomenclature_name", ""),
            aliases=tuple(data.get("aliases", ())),
            designations=tuple(data.get("designations", ())),
            organism=data.get("organism", ""),
            tax_id=data.get("tax_id", ""),
            status=data.get("status", "live"),
            current_id=data.get("current_id"),
        )


@dataclass(frozen=True, slots=True)
class GeneLookup:
    """The outcome for one Gene ID: the record whose names the audit uses, or why none.

    For a replaced ID, ``record`` is the current record (``record.gene_id`` differs from
    ``gene_id``); without a record the audit looks for the gene by its symbol alone.
    """

    gene_id: str
    status: GeneStatus
    record: GeneRecord | None = None
    reason: str = ""  #: for every status but FOUND, in words a curator can check
    from_cache: bool = False
    #: the record came from a test server (enrich.testing), not from NCBI; no part of equality
    test_data: bool = field(default=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "gene_id": self.gene_id,
            "status": str(self.status),
            "reason": self.reason,
            "record": self.record.to_dict() if self.record else None,
        }

    def brief(self) -> dict[str, Any]:
        """What a report says of the ID: its status, the symbol and ID whose names were
        used, and why where it is not simply found."""
        record = self.record
        return {
            "gene_id": self.gene_id,
            "status": str(self.status),
            "symbol": record.symbol if record else None,
            "names_from": record.gene_id if record else None,
            "reason": self.reason,
        }


# --- audit --------------------------------------------------------------------------------


class Grade(StrEnum):
    """How well a claim is supported; the rules are in ``enrich.audit``."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class FlagName(StrEnum):
    """Every flag the audit raises; the rules are in ``enrich.audit``.

    ``--fail-on`` accepts these names; :data:`CLAIM_FLAGS` are raised on claims, the
    others on the citations of a claim or document.
    """

    RESOURCE = "resource"  #: a database or resource paper
    REVIEW = "review"  #: secondary literature: a review, meta-analysis or guideline
    NOT_RESEARCH = "not_research"  #: an editorial, comment, news item...: reports no research
    RETRACTED = "retracted"
    RETRACTION_NOTICE = "retraction_notice"  #: the notice itself, not a paper
    ERRATUM = "erratum"
    EXPRESSION_OF_CONCERN = "expression_of_concern"
    PARTIAL_RETRACTION = "partial_retraction"  #: part of the paper was retracted
    UPDATED = "updated"  #: PubMed links a newer version of the paper
    PREPRINT = "preprint"  #: not peer reviewed
    NOT_FOUND = "not_found"  #: PubMed has no record for the PMID
    NOT_IN_PUBMED = "not_in_pubmed"  #: no PubMed record carries the DOI
    INVALID = "invalid"  #: a malformed identifier
    UNRESOLVED = "unresolved"  #: could not be looked up
    DOI_MISMATCH = "doi_mismatch"
    TITLE_MISMATCH = "title_mismatch"
    NO_MENTION = "no_mention"  #: the paper does not name the claim's gene(s)
    NO_CITATION = "no_citation"
    RESOURCE_ONLY = "resource_only"  #: cited, and every citation is a resource paper
    SINGLE_SOURCE = "single_source"  #: an edge from one source database
    LARGE_SCALE_ONLY = "large_scale_only"  #: only high-throughput evidence


#: the flags raised on a claim as a whole; every other flag is raised on a citation
CLAIM_FLAGS = frozenset(
    {
        FlagName.NO_CITATION,
        FlagName.RESOURCE_ONLY,
        FlagName.SINGLE_SOURCE,
        FlagName.LARGE_SCALE_ONLY,
    }
)


#: citation flags that, together, say the PMID is not the paper the document means: its
#: DOI and its title both name another (a mistyped PMID, most likely)
MISIDENTIFIED = frozenset({FlagName.DOI_MISMATCH, FlagName.TITLE_MISMATCH})


@dataclass(frozen=True, slots=True)
class Flag:
    """A named finding with a one-line reason a curator can act on."""

    name: FlagName
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"name": str(self.name), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class CitationVerdict:
    """One citation of a claim, what it resolved to, and what the audit found."""

    citation: Citation
    resolution: Resolution
    flags: tuple[Flag, ...] = ()

    def has(self, name: FlagName) -> bool:
        return any(f.name == name for f in self.flags)

    @property
    def paper(self) -> PaperRecord | None:
        """The PubMed record of the paper cited: the record the citation resolved to, but
        none when the document's DOI and title both contradict it (:data:`MISIDENTIFIED`:
        the PMID names another paper).  What bibliographies and audit.db's papers hold."""
        record = self.resolution.record
        if record is None or self.resolution.status is not Status.RESOLVED:
            return None
        if {flag.name for flag in self.flags} >= MISIDENTIFIED:
            return None
        return record

    def to_dict(self) -> dict[str, Any]:
        record = self.resolution.record
        return {
            **self.citation.to_dict(),
            "status": str(self.resolution.status),
            "reason": self.resolution.reason,
            "flags": [f.to_dict() for f in self.flags],
            "record": record.to_dict() if record else None,
        }


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """A claim with its audited citations, its own flags, its grade and why it has it."""

    claim: Claim
    citations: tuple[CitationVerdict, ...]
    flags: tuple[Flag, ...]
    grade: Grade
    grade_reason: str = ""  #: one line: "C: no primary paper — 2 database papers (…)"

    def to_dict(self) -> dict[str, Any]:
        data = self.claim.to_dict()
        data["citations"] = [c.to_dict() for c in self.citations]
        data["grade"] = str(self.grade)
        data["grade_reason"] = self.grade_reason
        data["flags"] = [f.to_dict() for f in self.flags]
        return data


@dataclass(frozen=True, slots=True)
class AuditedDocument:
    """A document after the audit: the unit every report is written from."""

    document: Document
    claims: tuple[ClaimVerdict, ...]
    citations: tuple[CitationVerdict, ...]  #: the document's loose citations
    genes: tuple[GeneLookup, ...] = ()  #: what NCBI Gene said of the document's Gene IDs

    def all_verdicts(self) -> tuple[CitationVerdict, ...]:
        """Every citation verdict of the document, claims' first, in document order (a
        verdict several claims cite comes once per claim)."""
        return tuple(c for claim in self.claims for c in claim.citations) + self.citations

    def to_dict(self) -> dict[str, Any]:
        data = self.document.to_dict()
        data["claims"] = [c.to_dict() for c in self.claims]
        data["citations"] = [c.to_dict() for c in self.citations]
        data["genes"] = [g.brief() for g in self.genes]
        return data


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did, for the end-of-run screen, ``index.html`` and the exit code."""

    documents: int = 0
    claims: int = 0
    problems: int = 0
    grades: dict[str, int] = field(default_factory=dict)  #: grade -> claims
    #: flag name -> claims carrying it (claim flags) or citation verdicts carrying it
    flags: dict[str, int] = field(default_factory=dict)
    citations: dict[str, int] = field(default_factory=dict)  #: Status value -> distinct keys
    genes: dict[str, int] = field(default_factory=dict)  #: GeneStatus value -> distinct IDs
    requests: int = 0  #: HTTP requests sent to E-utilities (PubMed and NCBI Gene)
    cache_hits: int = 0  #: citation keys and Gene IDs the cache answered
    gene_requests: int = 0  #: of ``requests``, those for NCBI Gene summaries
    gene_cache_hits: int = 0  #: of ``cache_hits``, the Gene IDs
    offline: bool = False

    @property
    def unresolved(self) -> int:
        """Distinct citations that could not be looked up (network): exit code 3."""
        return self.citations.get(str(Status.UNRESOLVED), 0)

    @property
    def genes_without_names(self) -> int:
        """Distinct Gene IDs whose NCBI Gene summary could not be had (offline, network)."""
        return self.genes.get(str(GeneStatus.UNRESOLVED), 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "claims": self.claims,
            "problems": self.problems,
            "grades": dict(self.grades),
            "flags": dict(self.flags),
            "citations": dict(self.citations),
            "genes": dict(self.genes),
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "gene_requests": self.gene_requests,
            "gene_cache_hits": self.gene_cache_hits,
            "offline": self.offline,
        }
