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
from functools import lru_cache
from typing import Any

from enrich.figures import iso
from enrich.model import AuditedDocument, CitationVerdict
from enrich.report.view import primary_pmids

__all__ = ["DatabaseRows", "database_rows"]

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class DatabaseRows:
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


#: :func:`_joined` for a claim's sources or methods: the same few recur on most claims.
_joined_tuple = lru_cache(maxsize=4096)(_joined)


def database_rows(doc: AuditedDocument, skip_pmids: AbstractSet[str] = frozenset()) -> DatabaseRows:
    """The rows of ``doc``; its papers leave out those whose PMID is in ``skip_pmids``
    (already handed over)."""
    path = doc.document.path
    claims: list[Row] = []
    citations: list[Row] = []
    flags: list[Row] = []
    # What a citation verdict adds to its rows depends on the verdict alone, and a verdict
    # is often cited by several claims: made once per verdict (by identity: ``doc`` keeps
    # every verdict alive).
    made: dict[int, tuple[Row, list[Row]]] = {}

    def cite(claim_id: str | None, position: int, cited: CitationVerdict) -> None:
        known = made.get(id(cited))
        if known is None:
            known = made[id(cited)] = _citation_parts(cited)
        tail, flag_tails = known
        citations.append((path, claim_id, position, *tail))
        flags.extend((path, claim_id, *flag) for flag in flag_tails)

    for position, verdict in enumerate(doc.claims):
        claim = verdict.claim
        names = [str(f.name) for f in verdict.flags]
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
                _joined_tuple(claim.sources),
                _joined_tuple(claim.methods),
                _joined(names),
                len(verdict.citations),
                _joined(primary_pmids(verdict)),
            )
        )
        flags += [
            (path, claim.id, None, None, "claim", name, f.reason)
            for name, f in zip(names, verdict.flags, strict=True)
        ]
        for index, cited in enumerate(verdict.citations):
            cite(claim.id, index, cited)
    for index, cited in enumerate(doc.citations):
        cite(None, index, cited)
    papers = tuple(_paper_rows(doc, skip_pmids))
    return DatabaseRows(tuple(claims), tuple(citations), tuple(flags), papers)


def _citation_parts(cited: CitationVerdict) -> tuple[Row, list[Row]]:
    """What a citation verdict adds to its ``citations`` row after (document, claim,
    position), and to each of its ``flags`` rows after (document, claim)."""
    citation, resolution = cited.citation, cited.resolution
    pmid, doi = citation.pmid, citation.doi
    paper = cited.paper
    tail = (
        *(pmid, doi, str(resolution.status), resolution.reason or None),
        paper.pmid if paper is not None else None,
    )
    return tail, [(pmid, doi, "citation", str(f.name), f.reason) for f in cited.flags]


def _paper_rows(doc: AuditedDocument, skip: AbstractSet[str]) -> Iterator[Row]:
    """A row per distinct resolved paper of ``doc`` whose PMID is not in ``skip``."""
    seen: set[str] = set()
    for verdict in doc.all_verdicts():
        resolution, record = verdict.resolution, verdict.paper
        if record is None or record.pmid in seen or record.pmid in skip:
            continue
        pmid = record.pmid
        seen.add(pmid)
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
