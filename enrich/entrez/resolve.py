"""Resolution stage: citation keys in, one :class:`~enrich.model.Resolution` per key out.

Keys are :attr:`enrich.model.Citation.key` values: ``pmid:N``, ``doi:d`` or
``invalid:...``.  Every key ends in exactly one terminal state:

* ``resolved``: PubMed returned the record (from the cache or the network);
* ``not_found``: PubMed has no record for the PMID (asked twice: in its batch,
  then again alone in a smaller batch);
* ``not_in_pubmed``: no PubMed record carries the DOI (esearch on ``[doi]``, then
  the fetched records' own DOIs compared, since PubMed can return near matches);
* ``invalid``: malformed, never asked;
* ``unresolved``: could not be asked or answered (offline, network, server errors),
  with the reason.

The cache is read first; only what it lacks is fetched, in batches, several in
flight, all through one rate-limited :class:`~enrich.eutils.EutilsClient`.
``on_settled`` hears of Resolutions as they become final, before the whole set is
(a batch's records as soon as they are stored, a failed batch's PMIDs at once); it may
hear of a key more than once, always with an equal Resolution, and of no key it was not
asked to resolve.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from enrich.cache import CitationCache
from enrich.errors import EutilsError
from enrich.eutils import EutilsClient
from enrich.identifiers import doi_key
from enrich.model import PaperRecord, Resolution, Status
from enrich.pubmed import iter_records, parse_esearch

__all__ = ["Resolver", "resolve_keys"]

DOI_BATCH = 50
RETRY_BATCH = 50
Progress = Callable[[int], None]
Settled = Callable[[dict[str, Resolution]], None]


@dataclass
class _Outcome:
    """What the network phase learned: records by PMID, and PMIDs that failed with a reason."""

    records: dict[str, PaperRecord] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)


class Resolver:
    """Resolves citation keys through a cache and, unless offline, a client."""

    def __init__(
        self,
        cache: CitationCache,
        client: EutilsClient | None,
        *,
        batch_size: int = 200,
        concurrency: int = 4,
        progress: Progress | None = None,
        on_settled: Settled | None = None,
    ) -> None:
        self.cache = cache
        self.client = client
        self.batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        self._progress = progress or (lambda n: None)
        self._settled = on_settled or (lambda resolutions: None)

    async def resolve(self, keys: Iterable[str]) -> dict[str, Resolution]:
        """One Resolution per distinct key; see the module docstring for the states."""
        results: dict[str, Resolution] = {}
        pmids: list[str] = []
        dois: list[str] = []
        for key in dict.fromkeys(keys):
            kind, _, value = key.partition(":")
            if kind == "pmid":
                pmids.append(value)
            elif kind == "doi":
                dois.append(value)
            else:
                results[key] = Resolution(key, Status.INVALID, reason="malformed identifier")
                self._progress(1)
        doi_pmids, searched = await self._resolve_dois(dois, results)
        await self._resolve_pmids([*pmids, *doi_pmids.values()], results)
        for doi, pmid in doi_pmids.items():
            found = results[f"pmid:{pmid}"]
            from_cache = found.from_cache and doi not in searched
            results[f"doi:{doi}"] = replace(found, key=f"doi:{doi}", from_cache=from_cache)
        for pmid in set(doi_pmids.values()) - set(pmids):
            del results[f"pmid:{pmid}"]  # asked only on behalf of a DOI
        self._settled(results)
        return results

    # --- PMIDs ------------------------------------------------------------------------

    async def _resolve_pmids(self, pmids: Sequence[str], results: dict[str, Resolution]) -> None:
        to_fetch = []
        for pmid in dict.fromkeys(pmids):
            key = f"pmid:{pmid}"
            cached = self.cache.get_record(pmid)
            if cached is not None:
                results[key] = Resolution(key, Status.RESOLVED, cached.record, from_cache=True)
            elif self.cache.is_missing(pmid):
                results[key] = Resolution(
                    key, Status.NOT_FOUND, reason="PubMed has no record (cached)", from_cache=True
                )
            else:
                to_fetch.append(pmid)
                continue
            self._progress(1)
        if not to_fetch:
            return
        outcome = await self._fetch(to_fetch)
        for pmid in to_fetch:
            results[f"pmid:{pmid}"] = _pmid_resolution(pmid, outcome)

    async def _fetch(self, pmids: list[str], *, report: bool = True) -> _Outcome:
        """Records of ``pmids`` from the network.  ``report`` feeds the progress and
        ``on_settled`` callbacks; it is off for PMIDs fetched only on a DOI's behalf."""
        outcome = _Outcome()
        if self.client is None:
            outcome.failed = dict.fromkeys(pmids, "offline: not in the cache")
            return outcome
        await self._fetch_batches(pmids, self.batch_size, outcome, report)
        again = sorted(outcome.missing)
        if again:  # a short batch may be NCBI's hiccup: ask once more, in smaller batches
            outcome.missing.clear()
            await self._fetch_batches(again, RETRY_BATCH, outcome, report)
            for pmid in outcome.missing:
                self.cache.put_missing(pmid)
            if report:
                self._progress(len(outcome.missing))
        return outcome

    async def _fetch_batches(
        self, pmids: list[str], size: int, outcome: _Outcome, report: bool
    ) -> None:
        batches = [pmids[i : i + size] for i in range(0, len(pmids), size)]
        await asyncio.gather(*(self._fetch_batch(b, outcome, report) for b in batches))

    async def _fetch_batch(self, batch: list[str], outcome: _Outcome, report: bool) -> None:
        assert self.client is not None
        params = {"db": "pubmed", "id": ",".join(batch), "retmode": "xml"}
        async with self._slots:
            try:
                parsed = await self.client.call("efetch.fcgi", params, _parse_efetch)
            except EutilsError as exc:
                outcome.failed.update(dict.fromkeys(batch, str(exc)))
                if report:  # final: a failed batch is not asked again
                    self._settled({f"pmid:{p}": _pmid_resolution(p, outcome) for p in batch})
                    self._progress(len(batch))
                return
        fresh = _first_per_pmid(parsed, set(batch) - outcome.records.keys())
        # Storing a batch takes tens of ms: off the event loop, so request starts stay paced.
        await asyncio.to_thread(self.cache.put_records, fresh.values())
        outcome.records.update((pmid, record) for pmid, (record, _) in fresh.items())
        outcome.missing.update(pmid for pmid in batch if pmid not in outcome.records)
        if report:
            self._settled({f"pmid:{pmid}": _pmid_resolution(pmid, outcome) for pmid in fresh})
            self._progress(len(fresh))

    # --- DOIs -------------------------------------------------------------------------

    async def _resolve_dois(
        self, dois: list[str], results: dict[str, Resolution]
    ) -> tuple[dict[str, str], set[str]]:
        """Map each DOI found in PubMed to its PMID; settle the others in ``results``.

        Also returns the DOIs that had to be searched (their mapping was not cached).
        """
        mapped: dict[str, str] = {}
        unknown: list[str] = []
        for doi in dois:
            known, pmid = self.cache.get_doi(doi)
            if not known:
                unknown.append(doi)
            elif pmid:
                mapped[doi] = pmid
            else:
                results[f"doi:{doi}"] = _not_in_pubmed(doi, cached=True)
                self._progress(1)
        if unknown and self.client is None:
            for doi in unknown:
                results[f"doi:{doi}"] = Resolution(
                    f"doi:{doi}", Status.UNRESOLVED, reason="offline: not in the cache"
                )
            self._progress(len(unknown))
        elif unknown:
            mapped.update(await self._search_dois(unknown, results))
        return mapped, set(unknown)

    async def _search_dois(self, dois: list[str], results: dict[str, Resolution]) -> dict[str, str]:
        batches = [dois[i : i + DOI_BATCH] for i in range(0, len(dois), DOI_BATCH)]
        found = await asyncio.gather(*(self._search_batch(b, results) for b in batches))
        candidates = sorted({pmid for batch in found for pmid in batch})
        outcome = await self._fetch(candidates, report=False) if candidates else _Outcome()
        by_doi = {doi_key(r.doi): r.pmid for r in outcome.records.values() if r.doi}
        failure = next(iter(outcome.failed.values()), None)
        mapped: dict[str, str] = {}
        for doi in (d for d in dois if f"doi:{d}" not in results):
            pmid = by_doi.get(doi)
            if pmid:
                self.cache.put_doi(doi, pmid)
                mapped[doi] = pmid
            elif failure is not None:  # a candidate could not be fetched: we do not know
                results[f"doi:{doi}"] = Resolution(f"doi:{doi}", Status.UNRESOLVED, reason=failure)
                self._progress(1)
            else:
                self.cache.put_doi(doi, None)
                results[f"doi:{doi}"] = _not_in_pubmed(doi, cached=False)
                self._progress(1)
        return mapped

    async def _search_batch(self, dois: list[str], results: dict[str, Resolution]) -> list[str]:
        assert self.client is not None
        term = " OR ".join(f'"{doi}"[doi]' for doi in dois)
        params = {"db": "pubmed", "term": term, "retmax": str(len(dois) * 5)}
        async with self._slots:
            try:
                return await self.client.call("esearch.fcgi", params, parse_esearch)
            except EutilsError as exc:
                for doi in dois:
                    results[f"doi:{doi}"] = Resolution(
                        f"doi:{doi}", Status.UNRESOLVED, reason=str(exc)
                    )
                self._progress(len(dois))
                return []


def _parse_efetch(body: bytes) -> list[tuple[PaperRecord, bytes]]:
    return list(iter_records(body))


def _first_per_pmid(
    parsed: list[tuple[PaperRecord, bytes]], wanted: set[str]
) -> dict[str, tuple[PaperRecord, bytes]]:
    """The first record of each wanted PMID in a reply (NCBI may repeat or add records)."""
    chosen: dict[str, tuple[PaperRecord, bytes]] = {}
    for record, xml in parsed:
        if record.pmid in wanted and record.pmid not in chosen:
            chosen[record.pmid] = (record, xml)
    return chosen


def _pmid_resolution(pmid: str, outcome: _Outcome) -> Resolution:
    key = f"pmid:{pmid}"
    if pmid in outcome.records:
        return Resolution(key, Status.RESOLVED, outcome.records[pmid])
    if pmid in outcome.failed:
        return Resolution(key, Status.UNRESOLVED, reason=outcome.failed[pmid])
    return Resolution(key, Status.NOT_FOUND, reason="PubMed has no record for this PMID")


def _not_in_pubmed(doi: str, *, cached: bool) -> Resolution:
    reason = "no PubMed record carries this DOI" + (" (cached)" if cached else "")
    return Resolution(f"doi:{doi}", Status.NOT_IN_PUBMED, reason=reason, from_cache=cached)


async def resolve_keys(
    keys: Iterable[str],
    cache: CitationCache,
    client: EutilsClient | None,
    *,
    batch_size: int = 200,
    concurrency: int = 4,
    progress: Progress | None = None,
    on_settled: Settled | None = None,
) -> dict[str, Resolution]:
    """Resolve ``keys`` (see :class:`Resolver`); ``client=None`` means offline."""
    resolver = Resolver(
        cache,
        client,
        batch_size=batch_size,
        concurrency=concurrency,
        progress=progress,
        on_settled=on_settled,
    )
    return await resolver.resolve(keys)
