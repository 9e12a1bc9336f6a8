"""Auditing one document: every citation and claim flagged, every claim graded.

:func:`audit_document` is the entry point; it judges each citation once per run
(:mod:`enrich.audit.memo`) and decides per document what depends on the run's
statistics or the document's gene, and per claim what depends on the claim
(``no_mention``, the claim flags, the grade).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from enrich.audit.citations import (
    _corpus_share,
    _identity_flags,
    _invalid_reason,
    _registry_flag,
    _status_flags,
)
from enrich.audit.grades import _claim_flags, _grade, _Worth, _worth_of
from enrich.audit.memo import _CitationMemo, _Record, _Run, _run_of
from enrich.audit.names import _missing_reason, _other_gene, _Partner, _partner
from enrich.audit.resources import ResourcePaper
from enrich.audit.settings import AuditSettings, CorpusStats
from enrich.identifiers import doi_key
from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    Claim,
    ClaimKind,
    ClaimVerdict,
    Document,
    Flag,
    FlagName,
    PaperRecord,
    Resolution,
    Status,
    Subject,
)


@dataclass(frozen=True, slots=True)
class _Context:
    """What auditing one document needs: the run's inputs, its memory, the document's gene."""

    resolutions: Mapping[str, Resolution]
    stats: CorpusStats
    run: _Run
    subject: Subject
    gene: _Partner | None  #: the document's gene, with its synonyms


def audit_document(
    document: Document,
    resolutions: Mapping[str, Resolution],
    stats: CorpusStats,
    settings: AuditSettings,
) -> AuditedDocument:
    """Flag every citation and claim of ``document`` and grade each claim.

    ``resolutions`` is keyed by :attr:`Citation.key`; a missing key counts as
    unresolved.  Loose citations get citation flags but no ``no_mention``.
    The result depends on the arguments' values only: what is remembered between
    calls with the same ``settings`` object is checked against them (see ``_Run``).
    """
    symbol = document.subject.symbol
    gene = _partner(symbol, document.subject) if symbol else None
    context = _Context(resolutions, stats, _run_of(settings), document.subject, gene)
    claims = tuple(_audit_claim(claim, context) for claim in document.claims)
    loose = tuple(_citation_worth(citation, context).verdict for citation in document.citations)
    return AuditedDocument(document, claims, loose)


def _audit_claim(claim: Claim, context: _Context) -> ClaimVerdict:
    partners = _partners(claim, context)
    worths = [_citation_worth(citation, context) for citation in claim.citations]
    verdicts = []
    primary = 0
    primary_naming = False  # a primary paper that names every partner
    for citation, worth in zip(claim.citations, worths, strict=True):
        verdict = worth.verdict
        mention = None
        if worth.record is not None and partners and not worth.resource:
            mention = _mention_flag(worth.record, partners)
            if mention is not None:
                verdict = CitationVerdict(citation, verdict.resolution, (*verdict.flags, mention))
        if worth.primary:
            primary += 1
            primary_naming = primary_naming or mention is None
        verdicts.append(verdict)
    settings = context.run.settings
    unverifiable = any(worth.unverifiable for worth in worths)
    grade = _grade(primary, primary_naming, unverifiable, settings.primary_for_a)
    return ClaimVerdict(claim, tuple(verdicts), _claim_flags(claim, worths, context.run), grade)


def _citation_worth(citation: Citation, context: _Context) -> _Worth:
    """Every flag of ``citation`` but ``no_mention``, which depends on the claim.

    Judged once per run (``_Run.cited``); only the corpus share is decided here.
    """
    run = context.run
    cited = run.cited.get(citation)
    if cited is None or context.resolutions.get(cited.key) is not cited.found:
        cited = run.remember(citation, _judge_without_share(citation, context.resolutions, run))
    if cited.registered:
        return cited.worth
    share = _corpus_share(cited.key, context.stats, run.settings)
    if share is None:
        return cited.worth
    record, gene = cited.worth.record, context.gene
    if record is not None and gene is not None and record.mentions(gene):
        return cited.worth  # a paper on the page's gene is no database
    return cited.as_shared(share)


def _judge_without_share(
    citation: Citation, resolutions: Mapping[str, Resolution], run: _Run
) -> _CitationMemo:
    """``citation`` judged without the corpus share (:meth:`_CitationMemo.as_shared` adds it)."""
    key = citation.key
    found = resolutions.get(key)
    resolution = _resolution(citation, key, found)
    resolved = resolution.record if resolution.status is Status.RESOLVED else None
    record = run.record(resolved) if resolved is not None else None
    before = tuple(_status_flags(citation, resolution))
    after = (*record.flags, *_identity_flags(citation, record.record)) if record else ()
    registered = _registered(citation, resolved, run)
    if registered is not None:
        resource: Flag | None = _registry_flag(registered)
    else:
        resource = record.title_flag if record is not None else None
    flags = (*before, resource, *after) if resource is not None else (*before, *after)
    worth = _worth_of(CitationVerdict(citation, resolution, flags), record)
    return _CitationMemo(key, found, worth, registered is not None, (before, after))


def _resolution(citation: Citation, key: str, found: Resolution | None) -> Resolution:
    if key.startswith("invalid:") and (found is None or found.status is not Status.INVALID):
        return Resolution(key, Status.INVALID, reason=_invalid_reason(citation))
    return found or Resolution(key, Status.UNRESOLVED, reason="not resolved")


def _registered(citation: Citation, record: PaperRecord | None, run: _Run) -> ResourcePaper | None:
    pmids = [record.pmid if record else None]
    dois = [record.doi if record else None]
    if "pmid" not in citation.invalid:
        pmids.append(citation.pmid)
    if "doi" not in citation.invalid:
        dois.append(citation.doi)
    for pmid in filter(None, pmids):
        if pmid in run.by_pmid:
            return run.by_pmid[pmid]
    return next((run.by_doi[doi_key(d)] for d in dois if d and doi_key(d) in run.by_doi), None)


def _partners(claim: Claim, context: _Context) -> tuple[_Partner, ...]:
    """The genes a paper cited for ``claim`` should name (the subject's synonyms count)."""
    if claim.kind is ClaimKind.STATEMENT:
        gene = context.gene  # the partner labelled with the subject's symbol
        return (gene,) if gene is not None and gene.names else ()
    regulator, target = claim.regulator, claim.target
    labels = (regulator, target) if target != regulator else (regulator,)
    partners = [_labelled(label, context) for label in labels if label]
    return tuple(partner for partner in partners if partner.names)


def _labelled(label: str, context: _Context) -> _Partner:
    """``_partner(label, context.subject)``, without building it again for each claim."""
    symbol = context.subject.symbol
    if label == symbol and context.gene is not None:
        return context.gene
    if symbol and label.casefold() == symbol.casefold():
        return _partner(label, context.subject)
    return _other_gene(label)


def _mention_flag(record: _Record, partners: Sequence[_Partner]) -> Flag | None:
    missing = [partner for partner in partners if not record.mentions(partner)]
    if not missing:
        return None
    found = [partner for partner in partners if partner not in missing]
    reason = _missing_reason(found, missing)
    if record.no_abstract:
        reason += " (title only; no abstract)"
    return Flag(FlagName.NO_MENTION, reason)
