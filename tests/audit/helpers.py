"""Synthetic records, citations and one-claim documents shared by the audit's tests.

Every PaperRecord and Resolution here is synthetic, built by hand to exercise one
rule; the documents are the project's examples read with ``read_document``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from enrich.audit import (
    AuditSettings,
    CorpusStats,
    audit_document,
)
from enrich.extract import read_document
from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    Claim,
    ClaimKind,
    ClaimVerdict,
    Document,
    GeneLookup,
    GeneRecord,
    GeneStatus,
    PaperRecord,
    Resolution,
    Status,
    Style,
    Subject,
)
from tests.conftest import TWIST1, TWIST2

NO_STATS = CorpusStats(0, {})
DATABASE_PMIDS = {"29087512": "TRRUST v2", "29126285": "ReMap 2018", "27924024": "GTRD"}
DATABASE_PMIDS["31340985"] = "DoRothEA"


def record(pmid: str, title: str = "A study.", abstract: str = "", **fields: Any) -> PaperRecord:
    """A synthetic PubMed record (not fetched from anywhere)."""
    return PaperRecord(pmid=pmid, title=title, abstract=abstract, **fields)


def resolved(*records: PaperRecord) -> dict[str, Resolution]:
    """Resolutions keyed as the pipeline keys them, one RESOLVED entry per record."""
    return {f"pmid:{r.pmid}": Resolution(f"pmid:{r.pmid}", Status.RESOLVED, r) for r in records}


def cite(pmid: str, **fields: Any) -> Citation:
    return Citation(pmid=pmid, **fields)


def edge(*citations: Citation, **fields: Any) -> Claim:
    base: dict[str, Any] = {"regulator": "RUNX2", "target": "TWIST1", "sources": ("A", "B")}
    return Claim("e1", ClaimKind.EDGE, "tfs row 1", citations, **{**base, **fields})


def statement(*citations: Citation) -> Claim:
    return Claim("s1", ClaimKind.STATEMENT, "Summary paragraph 1", citations, text="TWIST2 …")


def audit_claim(
    claim: Claim,
    resolutions: dict[str, Resolution] | None = None,
    settings: AuditSettings | None = None,
    subject: Subject | None = None,
    genes: Mapping[str, GeneLookup] | None = None,
) -> ClaimVerdict:
    """Audit a one-claim document (no corpus statistics) and return its verdict."""
    if subject is None:
        subject = Subject(symbol="TWIST2", synonyms=("FFDD3", "DERMO1"))
        if claim.kind is ClaimKind.EDGE:
            subject = Subject(symbol="TWIST1")
    document = Document("t.md", Style.TFLINK, subject, (claim,))
    settings = settings or AuditSettings()
    return audit_document(document, resolutions or {}, NO_STATS, settings, genes).claims[0]


def found(*records: GeneRecord) -> dict[str, GeneLookup]:
    """Gene lookups keyed by Gene ID, one FOUND entry per (synthetic) record."""
    return {r.gene_id: GeneLookup(r.gene_id, GeneStatus.FOUND, r) for r in records}


def flag_names(verdict: CitationVerdict | ClaimVerdict) -> list[str]:
    return [flag.name for flag in verdict.flags]


def reason(verdict: CitationVerdict | ClaimVerdict, name: str) -> str:
    return next(flag.reason for flag in verdict.flags if flag.name == name)


@cache
def twist1() -> Document:
    return read_document(TWIST1)


@cache
def twist2() -> Document:
    return read_document(TWIST2)


def database_records() -> dict[str, Resolution]:
    """The four database papers as resolved records, with titles that carry no resource word."""
    return resolved(*(record(pmid, f"{name} paper.") for pmid, name in DATABASE_PMIDS.items()))


def claim_by_id(audited: AuditedDocument, claim_id: str) -> ClaimVerdict:
    return next(c for c in audited.claims if c.claim.id == claim_id)
