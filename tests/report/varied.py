"""Many audited documents of every shape, for tests that hold whole reports to a reference.

Generated TFLink and Harmonizome pages (``benchmarks.corpus``), audited by the real
audit against records parsed back from their synthetic PubMed XML, where some
PMIDs are unknown to PubMed or could not be looked up, some citations carry
malformed identifiers or a DOI PubMed does not have, some documents have
problems, loose citations or no claims at all, and some texts hold quotes,
backslashes, control characters, markup and characters outside Latin-1.  The
SYNTHETIC examples of ``tests.report.synthetic`` come last.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from benchmarks.corpus import Corpus, CorpusSpec, Gene
from enrich.audit import AuditSettings, audit_document, corpus_stats
from enrich.entrez.pubmed import parse_record
from enrich.extract import parse_document
from enrich.model import (
    AuditedDocument,
    Citation,
    Claim,
    Document,
    GeneLookup,
    GeneRecord,
    GeneStatus,
    Problem,
    Resolution,
    Status,
    Style,
)
from tests.report.synthetic import hostile, twist1, twist2

#: Text that every escaper has something to do with.
AWKWARD = 'a "quoted" \\ back\tslash </script> <b>&amp;</b> | `x` [y](z) \u2028 \x01 é \u2013 😀'
NOT_IN_PUBMED_DOI = "10.1000/not.in.pubmed"


@cache
def varied_documents() -> tuple[AuditedDocument, ...]:
    """About a hundred audited documents of every shape (see the module's docstring)."""
    corpus = Corpus(CorpusSpec(documents=90, pmids=600, seed=7, missing_share=0.05))
    documents = [_vary(i, parse_document(g.path, g.text)) for i, g in enumerate(corpus.documents())]
    documents.append(Document(path="empty.txt", style=Style.TEXT, citations=_loose()))
    records = {pmid: parse_record(paper.record()) for pmid, paper in corpus.papers.items()}
    resolutions = {
        f"doi:{NOT_IN_PUBMED_DOI}": Resolution(
            f"doi:{NOT_IN_PUBMED_DOI}", Status.NOT_IN_PUBMED, reason="DOI not in PubMed"
        )
    }
    for pmid, record in records.items():
        key = f"pmid:{pmid}"
        if int(pmid) % 13 == 0:
            continue  # never looked up: the audit calls it unresolved
        if int(pmid) % 7 == 0 or pmid in corpus.missing:
            resolutions[key] = Resolution(key, Status.NOT_FOUND, reason=f"no record {pmid}")
        else:
            resolutions[key] = Resolution(key, Status.RESOLVED, record, from_cache=True)
    stats = corpus_stats(documents)
    settings = AuditSettings()
    genes = _genes(corpus.genes)
    audited = [audit_document(d, resolutions, stats, settings, genes) for d in documents]
    return (*audited, twist1(), twist2(), hostile())


def _genes(genes: list[Gene]) -> dict[str, GeneLookup]:
    """Lookups of the corpus's genes: most found with an alias, some unknown, some replaced."""
    lookups = {}
    for number, gene in enumerate(genes):
        gene_id = str(gene.gene_id)
        record = GeneRecord(gene_id, gene.symbol, aliases=(f"{gene.symbol}-ALIAS",))
        if number % 11 == 3:
            lookups[gene_id] = GeneLookup(gene_id, GeneStatus.UNKNOWN, None, f"none: {AWKWARD}")
        elif number % 11 == 5:
            why = f"Gene ID {gene_id} was replaced by {AWKWARD}"
            lookups[gene_id] = GeneLookup(gene_id, GeneStatus.REPLACED, record, why)
        else:
            lookups[gene_id] = GeneLookup(gene_id, GeneStatus.FOUND, record)
    return lookups


def _vary(index: int, document: Document) -> Document:
    """``document`` as it is, or (by ``index``) with malformed identifiers, problems and
    loose citations, or awkward text."""
    kind = index % 4
    if kind == 1:
        claims = tuple(_malformed(claim) for claim in document.claims)
        return replace(document, claims=claims)
    if kind == 2:
        problems = (Problem(document.path, "line 3", f"bad row: {AWKWARD}"), Problem("x", "", "?"))
        return replace(document, problems=problems, citations=_loose())
    if kind == 3:
        subject = replace(document.subject, name=AWKWARD, organism=AWKWARD, synonyms=(AWKWARD,))
        claims = tuple(
            replace(claim, location=AWKWARD, sources=(AWKWARD, *claim.sources))
            if claim.text is None
            else replace(claim, text=f"{claim.text} {AWKWARD}")
            for claim in document.claims
        )
        return replace(document, subject=subject, claims=claims)
    return document


def _malformed(claim: Claim) -> Claim:
    """``claim`` with its first citation's PMID malformed, and a DOI that is kept."""
    if not claim.citations:
        return claim
    first, *rest = claim.citations
    bad = replace(first, pmid=f"{first.pmid}x", doi="10.1000/ok", invalid=("pmid",))
    return replace(claim, citations=(bad, *rest))


def _loose() -> tuple[Citation, ...]:
    """Loose citations: a malformed PMID (twice: once with a malformed DOI, so described
    otherwise), a DOI PubMed lacks and a database paper."""
    return (
        Citation(pmid="12x", invalid=("pmid",), title=AWKWARD, year=1999),
        Citation(pmid="12x", doi="bad doi", invalid=("pmid", "doi")),
        Citation(doi=NOT_IN_PUBMED_DOI, authors=AWKWARD, journal="J & <Co>"),
        Citation(pmid="29087512", doi="not a doi", invalid=("doi",)),
    )
