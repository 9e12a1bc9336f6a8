"""Gene names: NCBI Gene IDs in, one :class:`~enrich.model.GeneLookup` per ID out.

The documents give Gene IDs (a TFLink row's, a page's own ``ncbi_gene_id``,
Harmonizome's "NCBI Gene ID"); the audit wants every name of each gene.  Each ID ends
in one state (:class:`~enrich.model.GeneStatus`):

* ``found``: NCBI Gene's live summary (from the cache or the network);
* ``replaced``: the ID was merged into another, whose summary is used (followed up to
  :data:`MAX_HOPS` replacements);
* ``discontinued``: withdrawn without a replacement; its summary's names are still used;
* ``unknown``: NCBI Gene has no such record (asked twice); the audit falls back to the
  symbol the document gives;
* ``unresolved``: not cached and could not be asked (offline, network), or the summary
  the reply holds for it cannot be used (no symbol, another ID's), with the reason;
  symbol only, too.

The cache is read first; only what it lacks is fetched, with ``esummary`` in batches of
at most :data:`GENE_BATCH` IDs (POSTed, several in flight), through the same
:class:`~enrich.entrez.client.EutilsClient` as PubMed: one rate limiter, the retries,
the circuit breaker, ``tool``/``email``/``api_key``.  Summaries are stored once completely
parsed; an unknown ID is remembered for the cache's ``missing_ttl``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial

import httpx

from enrich.entrez.blocking import run_blocking
from enrich.entrez.cache import CitationCache
from enrich.entrez.client import EutilsClient, EutilsSettings
from enrich.entrez.gene import GeneSummary, parse_gene_summaries
from enrich.errors import EutilsError
from enrich.folders import StrPath, one_path_refused
from enrich.model import GeneLookup, GeneRecord, GeneStatus

__all__ = [
    "GENE_BATCH",
    "MAX_HOPS",
    "FetchedGenes",
    "GeneResolver",
    "ResolvedGenes",
    "as_filed",
    "is_gene_id",
    "resolve_genes",
    "resolve_genes_async",
]

#: IDs per esummary request: NCBI answers at most 500 UIDs in JSON ("Too many UIDs in
#: request. Maximum number of UIDs is 500 for JSON format output.")
GENE_BATCH = 500
MAX_HOPS = 3  #: replacements followed from a document's ID to a live record
Progress = Callable[[int], None]


def is_gene_id(text: str) -> bool:
    """Whether ``text`` can be an NCBI Gene ID: 1 to 12 digits, not all zeros."""
    return text.isascii() and text.isdigit() and len(text) <= 12 and text.strip("0") != ""


def as_filed(gene_id: str) -> str:
    """A Gene ID as NCBI files it (and the cache keys it): without leading zeros."""
    return gene_id.lstrip("0")


def _as_given(lookup: GeneLookup, gene_id: str) -> GeneLookup:
    return lookup if lookup.gene_id == gene_id else replace(lookup, gene_id=gene_id)


@dataclass
class FetchedGenes:
    """What fetching Gene IDs learned: summaries by ID, IDs NCBI lacks (asked twice), IDs
    whose batch failed, with the reason, and the IDs whose summary a test server sent."""

    records: dict[str, GeneRecord] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)
    test_data: set[str] = field(default_factory=set)


class GeneResolver:
    """Looks up Gene IDs through a cache and, unless offline (``client`` None), a client."""

    def __init__(
        self,
        cache: CitationCache,
        client: EutilsClient | None,
        *,
        batch_size: int = GENE_BATCH,
        concurrency: int = 4,
        progress: Progress | None = None,
    ) -> None:
        self.cache = cache
        self.client = client
        self.batch_size = max(1, min(batch_size, GENE_BATCH))
        self._slots = asyncio.Semaphore(concurrency)
        self._progress = progress or (lambda n: None)
        self._known = FetchedGenes()
        self._cached: set[str] = set()

    async def resolve(self, gene_ids: Iterable[str]) -> dict[str, GeneLookup]:
        """One GeneLookup per distinct valid ID (see the module docstring); others are left out.

        An ID written with leading zeros is asked, cached and answered as the number NCBI
        files it under (``01001`` is Gene ID 1001), keyed by the ID as given."""
        given = [gene_id for gene_id in dict.fromkeys(gene_ids) if is_gene_id(gene_id)]
        wanted = list(dict.fromkeys(as_filed(gene_id) for gene_id in given))
        self._progress(len(given) - len(wanted))  # "01001" beside "1001": one ID
        await self._gather(wanted, report=True)
        for _ in range(MAX_HOPS):
            current = {
                record.current_id
                for record in self._known.records.values()
                if record.current_id and not self._settled(record.current_id)
            }
            if not current:
                break
            await self._gather(sorted(current, key=int), report=False)
        return {gene_id: _as_given(self._lookup(as_filed(gene_id)), gene_id) for gene_id in given}

    def _settled(self, gene_id: str) -> bool:
        known = self._known
        return gene_id in known.records or gene_id in known.missing or gene_id in known.failed

    async def _gather(self, gene_ids: list[str], *, report: bool) -> None:
        """Learn ``gene_ids`` from the cache, then the network."""
        to_fetch = []
        for gene_id in gene_ids:
            cached = self.cache.get_gene(gene_id)
            if cached is not None:
                self._known.records[gene_id] = cached.record
                if cached.test_data:
                    self._known.test_data.add(gene_id)
            elif self.cache.is_gene_missing(gene_id):
                self._known.missing.add(gene_id)
            else:
                to_fetch.append(gene_id)
                continue
            self._cached.add(gene_id)
        if report:
            self._progress(len(gene_ids) - len(to_fetch))
        if to_fetch:
            fetched = await self.fetch(to_fetch)
            self._known.records.update(fetched.records)
            self._known.missing.update(fetched.missing)
            self._known.failed.update(fetched.failed)
            self._known.test_data.update(fetched.test_data)
            if report:
                self._progress(len(to_fetch))

    async def fetch(self, gene_ids: list[str]) -> FetchedGenes:
        """Summaries of ``gene_ids`` from the network, stored in the cache as they arrive.

        An ID a reply does not mention is asked once more before it is believed unknown;
        an unknown ID is remembered in the cache for a while.
        """
        outcome = FetchedGenes()
        if self.client is None:
            outcome.failed = dict.fromkeys(gene_ids, "offline, and not in the cache")
            return outcome
        await self._fetch_batches(gene_ids, outcome)
        again = [g for g in gene_ids if not (g in outcome.records or g in outcome.failed)]
        if again:  # absent, or said unknown once: a short reply may be NCBI's hiccup
            outcome.missing.clear()
            await self._fetch_batches(again, outcome)
            outcome.missing.update(
                g for g in again if g not in outcome.records and g not in outcome.failed
            )
        for gene_id in sorted(outcome.missing, key=int):
            self.cache.put_gene_missing(gene_id)
        return outcome

    async def _fetch_batches(self, gene_ids: list[str], outcome: FetchedGenes) -> None:
        size = self.batch_size
        batches = [gene_ids[i : i + size] for i in range(0, len(gene_ids), size)]
        await asyncio.gather(*(self._fetch_batch(batch, outcome) for batch in batches))

    async def _fetch_batch(self, batch: list[str], outcome: FetchedGenes) -> None:
        assert self.client is not None
        params = {"db": "gene", "id": ",".join(batch), "retmode": "json"}
        async with self._slots:
            try:
                summaries = await self.client.call("esummary.fcgi", params, parse_gene_summaries)
            except EutilsError as exc:
                outcome.failed.update(dict.fromkeys(batch, str(exc)))
                return
        asked = set(batch)
        found: list[GeneSummary] = []
        for gene_id, summary in summaries.items():
            if gene_id not in asked:
                continue  # NCBI may add what was not asked: ignore it
            if summary.defect:
                outcome.failed[gene_id] = f"NCBI Gene's summary cannot be used: {summary.defect}"
            elif summary.record is None and summary.absent:
                outcome.missing.add(gene_id)
            elif summary.record is None:  # an error that is not NCBI's word of absence
                outcome.failed[gene_id] = f"NCBI Gene answered {summary.error!r} for it"
            else:
                found.append(summary)
                outcome.records[gene_id] = summary.record
        test_data = self.client.test_server
        if test_data:
            outcome.test_data.update(summary.gene_id for summary in found)
        await self.cache.in_thread(self.cache.put_genes, found, test_data=test_data)

    def _lookup(self, gene_id: str) -> GeneLookup:
        """The lookup of ``gene_id``, marked test data when a record it used came from a
        test server."""
        lookup = self._settle(gene_id)
        record = lookup.record
        if record is not None and {gene_id, record.gene_id} & self._known.test_data:
            return replace(lookup, test_data=True)
        return lookup

    def _settle(self, gene_id: str) -> GeneLookup:
        known, cached = self._known, gene_id in self._cached
        if gene_id in known.failed:
            reason = f"no NCBI Gene summary for Gene ID {gene_id}: {known.failed[gene_id]}"
            return GeneLookup(gene_id, GeneStatus.UNRESOLVED, None, reason)
        record = known.records.get(gene_id)
        if record is None:
            reason = f"NCBI Gene has no record with Gene ID {gene_id}"
            return GeneLookup(gene_id, GeneStatus.UNKNOWN, None, reason, cached)
        if record.status == "discontinued":
            reason = f"NCBI Gene discontinued Gene ID {gene_id} ({record.symbol}) with no successor"
            return GeneLookup(gene_id, GeneStatus.DISCONTINUED, record, reason, cached)
        if record.status != "replaced":
            return GeneLookup(gene_id, GeneStatus.FOUND, record, "", cached)
        return self._replaced(gene_id, record, cached)

    def _replaced(self, gene_id: str, record: GeneRecord, cached: bool) -> GeneLookup:
        """Follow ``record``'s replacements to a live record; keep ``record`` if none is read."""
        current, hops = record, 0
        while current.current_id and hops < MAX_HOPS:
            following = self._known.records.get(current.current_id)
            if following is None:
                break
            current, hops = following, hops + 1
            cached = cached and current.gene_id in self._cached
        shown = f"Gene ID {gene_id} ({record.symbol})"
        if current.status == "live":
            reason = f"{shown} was replaced by Gene ID {current.gene_id} ({current.symbol})"
            return GeneLookup(gene_id, GeneStatus.REPLACED, current, reason, cached)
        reason = f"{shown} was replaced by Gene ID {record.current_id}, whose summary was not read"
        return GeneLookup(gene_id, GeneStatus.REPLACED, record, reason, cached)


@dataclass(frozen=True)
class ResolvedGenes:
    """The lookups of a set of Gene IDs and what obtaining them cost."""

    lookups: dict[str, GeneLookup]
    requests: int
    cache_hits: int  #: IDs answered by the cache alone


def resolve_genes(
    gene_ids: Iterable[str],
    *,
    cache_dir: StrPath,
    eutils: EutilsSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
) -> ResolvedGenes:
    """Look up ``gene_ids`` (see :class:`GeneResolver`), cache first, in one call.

    ``offline`` makes no request: uncached IDs end unresolved.  Blocks until done, also
    when called inside a running event loop (Jupyter's); asynchronous code awaits
    :func:`resolve_genes_async` instead.  ``cache_dir`` may be a string.  Raises TypeError
    when ``gene_ids`` is one string.
    """
    return run_blocking(  # the async form refuses one string for a list
        partial(
            resolve_genes_async,
            gene_ids,
            cache_dir=cache_dir,
            eutils=eutils,
            offline=offline,
            transport=transport,
            progress=progress,
        )
    )


async def resolve_genes_async(
    gene_ids: Iterable[str],
    *,
    cache_dir: StrPath,
    eutils: EutilsSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
) -> ResolvedGenes:
    """:func:`resolve_genes` for a running event loop: the same arguments and result."""
    one_path_refused(gene_ids, "gene_ids")
    ids = list(gene_ids)
    with CitationCache(cache_dir) as cache:
        lookups, requests = await _resolve(
            ids, cache, None if offline else eutils, transport, progress
        )
    return ResolvedGenes(lookups, requests, sum(g.from_cache for g in lookups.values()))


async def _resolve(
    gene_ids: list[str],
    cache: CitationCache,
    eutils: EutilsSettings | None,
    transport: httpx.AsyncBaseTransport | None,
    progress: Progress | None,
) -> tuple[dict[str, GeneLookup], int]:
    if eutils is None or not gene_ids:
        return await GeneResolver(cache, None, progress=progress).resolve(gene_ids), 0
    async with EutilsClient(eutils, transport=transport) as client:
        resolver = GeneResolver(
            cache, client, concurrency=eutils.effective_concurrency, progress=progress
        )
        return await resolver.resolve(gene_ids), client.requests
