"""The resolve stage: citation keys in, one :class:`~enrich.model.Resolution` per key out.

What crosses this package's border: citation keys (:attr:`enrich.model.Citation.key`:
``pmid:N``, ``doi:d``, ``invalid:...``) go in; :class:`~enrich.model.Resolution`
values, carrying :class:`~enrich.model.PaperRecord` values, come out; Gene IDs go in
and :class:`~enrich.model.GeneLookup` values come out.  Nothing
outside it speaks HTTP, parses NCBI's XML or opens the cache's files.

Its rooms, in the order a request travels:

* :mod:`~enrich.entrez.client`: the E-utilities query service (URLs, NCBI's
  etiquette, retries, the circuit breaker); bytes out;
* :mod:`~enrich.entrez.limiter`: when each request may start: one pace per API key,
  shared by the processes of a machine (a locked state file) or of several machines
  (:mod:`~enrich.entrez.redis_slots`);
* :mod:`~enrich.entrez.replies`: the one check of a reply body (an error NCBI
  states is final, a reply cut short is asked again);
* :mod:`~enrich.entrez.pubmed`: pure parsers of PubMed replies;
* :mod:`~enrich.entrez.gene`: pure parsers of NCBI Gene summaries (``esummary``,
  ``db=gene``);
* :mod:`~enrich.entrez.cache`: the on-disk cache of records, DOI mappings and
  negative results;
* :mod:`~enrich.entrez.resolve`: what to ask, in which batches, and the state each
  key ends in;
* :mod:`~enrich.entrez.gene_names`: the same for the Gene IDs the documents give, whose
  names the audit looks for;
* :mod:`~enrich.entrez.refresh`: the periodic re-check of cached records, on top of
  the resolver's batching and re-asking.
"""

from __future__ import annotations

from enrich.entrez.cache import CachedRecord, CitationCache
from enrich.entrez.client import (
    DEFAULT_EUTILS_URL,
    TEST_SERVER_HEADER,
    EutilsClient,
    EutilsSettings,
)
from enrich.entrez.gene import parse_gene_summaries
from enrich.entrez.gene_names import ResolvedGenes, resolve_genes, resolve_genes_async
from enrich.entrez.limiter import LimiterSettings, RateLimiter
from enrich.entrez.pubmed import iter_records, parse_esearch, parse_record
from enrich.entrez.refresh import (
    Change,
    RefreshLocked,
    RefreshResult,
    compare,
    parse_age,
    refresh_cache,
)
from enrich.entrez.resolve import (
    Resolved,
    Resolver,
    resolve_citations,
    resolve_citations_async,
    resolve_keys,
)

__all__ = [
    "DEFAULT_EUTILS_URL",
    "TEST_SERVER_HEADER",
    "CachedRecord",
    "Change",
    "CitationCache",
    "EutilsClient",
    "EutilsSettings",
    "LimiterSettings",
    "RateLimiter",
    "RefreshLocked",
    "RefreshResult",
    "Resolved",
    "ResolvedGenes",
    "Resolver",
    "compare",
    "iter_records",
    "parse_age",
    "parse_esearch",
    "parse_gene_summaries",
    "parse_record",
    "refresh_cache",
    "resolve_citations",
    "resolve_citations_async",
    "resolve_genes",
    "resolve_genes_async",
    "resolve_keys",
]
