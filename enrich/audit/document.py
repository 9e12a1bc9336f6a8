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
    _identity_flags,
    _invalid_reason,
    _paper,
    _registry_flag,
    _status_flags,
    audited_by,
    corpus_share,
)
from enrich.audit.explain import grade_reason
from enrich.audit.grades import _claim_flags, _grade, _Worth, _worth_of
from enrich.audit.memo import _CitationMemo, _Record, _Run, _run_of
from enrich.audit.names import Mention, Partner
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
    GeneLookup,
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
    genes: Mapping[str, GeneLookup]
    gene: Partner | None  #: the document's gene, with every name it is looked for by


_NO_GENES: Mapping[str, GeneLookup] = {}


def audit_document(
    document: Document,
    resolutions: Mapping[str, Resolution],
    stats: CorpusStats,
    settings: AuditSettings,
    genes: Mapping[str, GeneLookup] | None = None,
) -> AuditedDocument:
    """Flag every citation and claim of ``document`` and grade each claim.

    ``resolutions`` is keyed by :attr:`Citation.key`; a missing key counts as
    unresolved.  ``genes`` holds what NCBI Gene says of the document's Gene IDs
    (:func:`enrich.entrez.resolve_genes`); without it, or for an ID it lacks, a gene is
    looked for by the names the document gives.  Loose citations get citation flags but
    no ``no_mention``.  The result depends on the arguments' values only: what is
    remembered between calls with the same ``settings`` object is checked against them
    (see ``_Run``).
    """
    genes = _NO_GENES if genes is None else genes
    run = _run_of(settings)
    subject = document.subject
    gene = None
    label = subject.symbol or _gene_label(subject, genes)
    if label:
        gene = run.partner(label, subject.synonyms, _ids(subject.gene_id), genes)
    context = _Context(resolutions, stats, run, subject, genes, gene)
    claims = tuple(_audit_claim(claim, context) for claim in document.claims)
    loose = tuple(_citation_worth(citation, context).verdict for citation in document.citations)
    looked_up = tuple(genes[gene_id] for gene_id in gene_ids(document) if gene_id in genes)
    return AuditedDocument(document, claims, loose, looked_up)


def gene_ids(document: Document) -> tuple[str, ...]:
    """The Gene IDs whose NCBI Gene names auditing ``document`` uses: the document's own
    and every row's, in order, each once."""
    ids = [document.subject.gene_id] if document.subject.gene_id else []
    ids += [i for claim in document.claims if claim.partner for i in claim.partner.gene_ids]
    return tuple(dict.fromkeys(ids))


def _ids(gene_id: str | None) -> tuple[str, ...]:
    return (gene_id,) if gene_id else ()


def _gene_label(subject: Subject, genes: Mapping[str, GeneLookup]) -> str:
    """What to call the gene of a page that gives no symbol: NCBI Gene's symbol for its
    Gene ID, else its first synonym, else "" (no gene to look for)."""
    lookup = genes.get(subject.gene_id) if subject.gene_id else None
    if lookup is not None and lookup.record is not None:
        return lookup.record.symbol
    return subject.synonyms[0] if subject.synonyms else ""


def _audit_claim(claim: Claim, context: _Context) -> ClaimVerdict:
    """``claim``'s citations flagged, its flags and its grade with the reason.

    The grade counts distinct primary papers, by the PMID of the record each citation
    resolved to: a paper cited twice (two references to it, or its PMID in one and its DOI
    in another) is one paper, as the reason names it.  A paper names every partner only
    when each can be looked for: a gene with no name to search for (unknown, or a name
    too short to find in text) keeps the claim from grade A, and the reason says so.
    """
    partners, unchecked = _partners(claim, context)
    worths = [_citation_worth(citation, context) for citation in claim.citations]
    verdicts = []
    primary: set[str] = set()  # the primary papers, by study (versions of one article: one)
    naming: tuple[str, tuple[Mention, ...]] | None = None  # a primary paper naming every partner
    for citation, worth in zip(claim.citations, worths, strict=True):
        verdict = worth.verdict
        mentions: tuple[Mention, ...] = ()
        if worth.record is not None and partners and not worth.resource:
            flag, mentions = _mention_flag(worth.record, partners)
            if flag is not None:
                verdict = CitationVerdict(citation, verdict.resolution, (*verdict.flags, flag))
        if worth.primary and worth.record is not None:
            primary.add(worth.study)
            if naming is None and not unchecked and len(mentions) == len(partners):
                naming = (worth.record.record.pmid, mentions)
        verdicts.append(verdict)
    primary_for_a = context.run.settings.primary_for_a
    secondary = any(worth.secondary for worth in worths)
    grade = _grade(len(primary), naming is not None, secondary, primary_for_a)
    labels = [partner.label for partner in partners]
    reason = grade_reason(grade, worths, naming, labels, primary_for_a, unchecked)
    flags = _claim_flags(claim, worths, context.run)
    return ClaimVerdict(claim, tuple(verdicts), flags, grade, reason)


def _citation_worth(citation: Citation, context: _Context) -> _Worth:
    """Every flag of ``citation`` but ``no_mention``, which depends on the claim.

    Judged once per run (``_Run.cited``); only the corpus share is decided here.
    """
    run = context.run
    cited = run.cited.get(citation)
    if cited is None or audited_by(citation, context.resolutions) is not cited.found:
        cited = run.remember(citation, _judge_without_share(citation, context.resolutions, run))
    if cited.registered or cited.worth.record is None:  # no record: nothing shows a database
        return cited.worth
    share = corpus_share(cited.key, context.stats, run.settings)
    if share is None:
        return cited.worth
    record, gene = cited.worth.record, context.gene
    if gene is not None and record.mention(gene) is not None:
        return cited.worth  # a paper on the page's gene is no database
    return cited.as_shared(f"{share}: {_paper(record.record)}")


def _judge_without_share(
    citation: Citation, resolutions: Mapping[str, Resolution], run: _Run
) -> _CitationMemo:
    """``citation`` judged without the corpus share (:meth:`_CitationMemo.as_shared` adds it)."""
    key = citation.key
    found = audited_by(citation, resolutions)
    resolution = _resolution(citation, key, found)
    resolved = resolution.record if resolution.status is Status.RESOLVED else None
    record = run.record(resolved) if resolved is not None else None
    before = tuple(_status_flags(citation, resolution))
    after = (*record.flags, *_identity_flags(citation, record.record)) if record else ()
    registered = _registered(citation, resolved, run)
    if registered is not None:
        resource: Flag | None = _registry_flag(registered, citation, resolved)
    else:
        resource = record.title_flag if record is not None else None
    flags = (*before, resource, *after) if resource is not None else (*before, *after)
    name = registered.name if registered is not None else ""
    worth = _worth_of(CitationVerdict(citation, resolution, flags), record, name)
    return _CitationMemo(key, found, worth, registered is not None, (before, after))


def _resolution(citation: Citation, key: str, found: Resolution | None) -> Resolution:
    if key.startswith("invalid:"):  # the citation names what is malformed; the resolver cannot
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


def _partners(claim: Claim, context: _Context) -> tuple[tuple[Partner, ...], tuple[str, ...]]:
    """The genes a paper cited for ``claim`` should name that have a name to look for, and
    the labels of those that have none (the page's gene of a page that names none)."""
    if claim.kind is ClaimKind.STATEMENT:
        gene = context.gene
        if gene is None:
            return (), ("the page's gene",)
        return ((gene,), ()) if gene.searchable else ((), (gene.label,))
    regulator, target = claim.regulator, claim.target
    labels = (regulator, target) if target != regulator else (regulator,)
    partners = [_labelled(label, claim, context) for label in labels if label]
    unchecked = tuple(partner.label for partner in partners if not partner.searchable)
    return tuple(partner for partner in partners if partner.searchable), unchecked


def _labelled(label: str, claim: Claim, context: _Context) -> Partner:
    """The partner ``label`` of ``claim``: the document's gene, or the row's protein."""
    subject = context.subject
    if label == subject.symbol and context.gene is not None:
        return context.gene
    if not subject.symbol and label == (subject.uniprot or "-"):
        # a page naming no gene by symbol: TFLink labels its protein by the UniProt
        # accession, which papers do not write; the page's Gene ID or synonyms name it
        return context.gene or context.run.partner(label, (), (), context.genes, by_label=False)
    if subject.symbol and label.casefold() == subject.symbol.casefold():
        ids, synonyms = _ids(subject.gene_id), subject.synonyms
    else:
        row = claim.partner
        if row is not None and row.symbol in ("", "-") and label == row.uniprot:
            # a row without a symbol is labelled by its accession: only its Gene IDs name it
            return context.run.partner(label, (), row.gene_ids, context.genes, by_label=False)
        ids, synonyms = (row.gene_ids if row is not None and row.symbol == label else ()), ()
    return context.run.partner(label, synonyms, ids, context.genes)


def _mention_flag(
    record: _Record, partners: Sequence[Partner]
) -> tuple[Flag | None, tuple[Mention, ...]]:
    """``no_mention`` when the paper misses a partner, and where it names the others."""
    found = [(partner, record.mention(partner)) for partner in partners]
    mentions = tuple(mention for _, mention in found if mention is not None)
    missing = [partner for partner, mention in found if mention is None]
    if not missing:
        return None, mentions
    reason = _missing_reason(mentions, missing)
    if record.no_abstract:
        reason += "; title only: no abstract"
    return Flag(FlagName.NO_MENTION, reason), mentions


def _missing_reason(found: Sequence[Mention], missing: Sequence[Partner]) -> str:
    """Which partners the paper names, by which name and where, and which it misses."""
    absent = " nor ".join(partner.label for partner in missing)
    if found:
        named = ", ".join(f"{mention.where} names {mention}" for mention in found)
        text = f"{named} but not {absent}"
    elif len(missing) > 1:
        text = f"neither {absent} in title or abstract"
    else:
        text = f"{absent} not in title or abstract"
    others = [name for partner in missing for name in partner.other_names]
    if len(others) == 1:
        text += f" (nor {others[0]})"
    elif others:  # "; " apart: a full name may hold commas
        shown = "; ".join(others[:3]) + ("; …" if len(others) > 3 else "")
        whose = "its" if len(missing) == 1 else "their"
        text += f" (nor {whose} {len(others)} other names: {shown})"
    notes = [partner.note for partner in missing if partner.note]
    if notes:
        text += f"; {'; '.join(notes)}: looked for by symbol only"
    return text
