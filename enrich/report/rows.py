"""One audited document as rows of ``audit.db``: what a worker hands the run's one database
writer.  Pure: model values in, plain tuples out, in the column order of the tables of
:mod:`enrich.report.database` (its ``SCHEMA`` names the columns).

Values are what a query wants: ``NULL`` (None) where there is nothing, lists joined by
``"; "``, grades and statuses as their names; every count plain.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from enrich.figures import iso
from enrich.model import AuditedDocument, CitationVerdict, Flag, Resolution, Status
from enrich.report.view import primary_pmids

__all__ = ["AuditRows", "audit_rows"]

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class AuditRows:
    """One document's rows of the ``claims``, ``citations``, ``flags`` and ``papers``
    tables (its ``documents`` row is made from its index entry): small and picklable."""

    claims: tuple[Row, ...] = ()
    citations: tuple[Row, ...] = ()
    flags: tuple[Row, ...] = ()
    papers: tuple[Row, ...] = ()  #: of the resolved papers it cites that were not skipped

    def __len__(self) -> int:
        return len(self.claims) + len(self.citations) + len(self.flags) + len(self.papers)


def _joined(values: tuple[str, ...] | list[str]) -> str | None:
    return "; ".join(values) if values else None


def audit_rows(doc: AuditedDocument, skip_pmids: AbstractSet[str] = frozenset()) -> AuditRows:
    """The rows of ``doc``; its papers leave out those whose PMID is in ``skip_pmids``
    (already handed over)."""
    path = doc.document.path
    claims, citations, flags = [], [], []
    for position, verdict in enumerate(doc.claims):
        claim = verdict.claim
        claims.append(
            (
                path,
                claim.id,
                position,
                str(claim.kind),
                claim.regulator,
                claim.target,
                claim.text,
                str(verdict.grade),
                verdict.grade_reason,
                _joined(claim.sources),
                _joined(claim.methods),
                _joined([str(f.name) for f in verdict.flags]),
                len(verdict.citations),
                _joined(primary_pmids(verdict)),
            )
        )
        flags += [
            (path, claim.id, None, None, "claim", str(f.name), f.reason) for f in verdict.flags
        ]
        for index, cited in enumerate(verdict.citations):
            citations.append(_citation_row(path, claim.id, index, cited))
            flags += _citation_flags(path, claim.id, cited)
    for index, cited in enumerate(doc.citations):
        citations.append(_citation_row(path, None, index, cited))
        flags += _citation_flags(path, None, cited)
    papers = tuple(_paper_rows(doc, skip_pmids))
    return AuditRows(tuple(claims), tuple(citations), tuple(flags), papers)


def _citation_row(path: str, claim: str | None, position: int, cited: CitationVerdict) -> Row:
    citation, resolution = cited.citation, cited.resolution
    return (
        path,
        claim,
        position,
        citation.pmid,
        citation.doi,
        str(resolution.status),
        resolution.reason or None,
        _paper(resolution),
    )


def _paper(resolution: Resolution) -> str | None:
    """The PMID of the PubMed record a citation resolved to, if any."""
    record = resolution.record
    return record.pmid if record is not None and resolution.status is Status.RESOLVED else None


def _citation_flags(path: str, claim: str | None, cited: CitationVerdict) -> list[Row]:
    pmid, doi = cited.citation.pmid, cited.citation.doi
    return [_flag_row(path, claim, pmid, doi, flag) for flag in cited.flags]


def _flag_row(path: str, claim: str | None, pmid: str | None, doi: str | None, flag: Flag) -> Row:
    return (path, claim, pmid, doi, "citation", str(flag.name), flag.reason)


def _paper_rows(doc: AuditedDocument, skip: AbstractSet[str]) -> Iterator[Row]:
    """A row per distinct resolved paper of ``doc`` whose PMID is not in ``skip``."""
    seen: set[str] = set()
    verdicts = [c for claim in doc.claims for c in claim.citations] + list(doc.citations)
    for verdict in verdicts:
        resolution = verdict.resolution
        pmid = _paper(resolution)
        if pmid is None or pmid in seen or pmid in skip or resolution.record is None:
            continue
        seen.add(pmid)
        record = resolution.record
        yield (
            pmid,
            record.doi,
            record.title,
            record.journal or None,
            record.year,
            record.date or None,
            _joined(record.authors),
            _joined(record.publication_types),
            int(record.is_retracted),
            int(record.is_retraction_notice),
            iso(resolution.fetched_at) if resolution.fetched_at is not None else None,
            int(resolution.test_data),
        )
