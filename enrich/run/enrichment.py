"""The whole job in memory, for library use and ``enrich audit``: documents in, audited
documents out.

:func:`enrich_documents` resolves every citation of the documents it is given and looks
up the NCBI Gene names of every Gene ID they give, then audits each claim, and keeps
every audited document; memory grows with the corpus.
``enrich run`` streams instead (:mod:`enrich.run.streaming`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

from enrich.audit import AuditSettings, audit_document, corpus_stats, gene_ids, summarize
from enrich.entrez import (
    EutilsSettings,
    ResolvedGenes,
    resolve_citations,
    resolve_genes,
)
from enrich.entrez.resolve import looked_up
from enrich.extract import iter_documents
from enrich.folders import StrPath
from enrich.model import (
    AuditedDocument,
    Document,
    GeneLookup,
    GeneStatus,
    Resolution,
    RunSummary,
    Status,
    Style,
)
from enrich.report.provenance import RunInfo

__all__ = [
    "Enrichment",
    "citation_keys",
    "enrich_documents",
    "read_documents",
    "run_gene_ids",
    "run_summary",
]


@dataclass(frozen=True)
class Enrichment:
    """The audited documents of a run and what the run did; ``run_info`` is what its
    reports say of it (give it to :class:`~enrich.report.ReportWriter`)."""

    documents: list[AuditedDocument]
    resolutions: dict[str, Resolution]
    genes: dict[str, GeneLookup]
    summary: RunSummary
    run_info: RunInfo


def read_documents(paths: Iterable[StrPath], style: Style | None = None) -> list[Document]:
    """Every input document, in walk order (see :mod:`enrich.extract`)."""
    return list(iter_documents(paths, style))


def citation_keys(documents: Iterable[Document]) -> list[str]:
    """The distinct citation keys of ``documents``, in first-seen order."""
    return list(dict.fromkeys(key for d in documents for c in d.all_citations() for key in c.keys))


def run_gene_ids(documents: Iterable[Document]) -> list[str]:
    """The distinct Gene IDs whose names auditing ``documents`` uses, in first-seen order."""
    return list(dict.fromkeys(i for d in documents for i in gene_ids(d)))


def enrich_documents(
    documents: Sequence[Document],
    *,
    cache_dir: StrPath,
    eutils: EutilsSettings,
    audit: AuditSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    on_keys: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Enrichment:
    """Resolve every citation of ``documents`` and look up the names of every Gene ID they
    give (cache first; ``offline`` makes no request), then audit each claim.

    ``on_keys`` is told how many keys will be resolved; ``progress`` how many more
    are settled, as they are.
    """
    run = RunInfo.start(eutils.base_url, offline=offline, audit=audit)
    keys = citation_keys(documents)
    if on_keys:
        on_keys(len(keys))
    resolved = resolve_citations(
        keys,
        cache_dir=cache_dir,
        eutils=eutils,
        offline=offline,
        transport=transport,
        progress=progress,
    )
    genes = resolve_genes(
        run_gene_ids(documents),
        cache_dir=cache_dir,
        eutils=eutils,
        offline=offline,
        transport=transport,
    )
    stats = corpus_stats(documents)
    audited = [
        audit_document(d, resolved.resolutions, stats, audit, genes.lookups) for d in documents
    ]
    grades, flags = summarize(audited)
    summary = run_summary(
        documents=len(documents),
        claims=sum(len(d.claims) for d in documents),
        problems=sum(len(d.problems) for d in documents),
        grades=grades,
        flags=flags,
        citations=(resolved.resolutions[key].status for key in looked_up(resolved.resolutions)),
        requests=resolved.requests,
        cache_hits=resolved.cache_hits,
        genes=genes,
        offline=offline,
    )
    return Enrichment(audited, resolved.resolutions, genes.lookups, summary, run)


class GeneAnswer(Protocol):
    """What a run knows of a Gene ID's lookup without reading it (see ``known_genes``)."""

    @property
    def status(self) -> GeneStatus: ...


def run_summary(
    *,
    documents: int,
    claims: int,
    problems: int,
    grades: Mapping[str, int],
    flags: Mapping[str, int],
    citations: Iterable[Status],
    requests: int,
    cache_hits: int,
    genes: ResolvedGenes,
    known_genes: Iterable[GeneAnswer] = (),
    offline: bool,
) -> RunSummary:
    """The summary of a run from its counts, the status of each distinct citation key, the
    requests its citations took and the keys the cache answered, its gene lookups, and the
    Gene IDs it knew unchanged without reading them (answered by the cache all the same)."""
    statuses = [lookup.status for lookup in genes.lookups.values()]
    statuses += [known.status for known in known_genes]
    cache_hits_of_genes = genes.cache_hits + len(statuses) - len(genes.lookups)
    return RunSummary(
        documents=documents,
        claims=claims,
        problems=problems,
        grades={g: grades.get(g, 0) for g in "ABCD"},
        flags=dict(sorted(flags.items())),
        citations=dict(Counter(map(str, citations))),
        genes=dict(Counter(map(str, statuses))),
        requests=requests + genes.requests,
        cache_hits=cache_hits + cache_hits_of_genes,
        gene_requests=genes.requests,
        gene_cache_hits=cache_hits_of_genes,
        offline=offline,
    )
