"""Resolution stage: citation keys in, one :class:`~enrich.model.Resolution` per key out.

Keys are :attr:`enrich.model.Citation.keys` values: ``pmid:N``, ``doi:d``,
``invalid:...``, or the fallback key of a PMID given with a DOI,
``pmid-else-doi:N|d`` (:func:`~enrich.identifiers.fallback_key`), which settles as its PMID's
Resolution, or, when PubMed has no record for the PMID, as its DOI's (the DOI is searched
only then).  Every key ends in exactly one terminal state:

* ``resolved``: PubMed returned the record (from the cache or the network);
* ``not_found``: PubMed has no record for the PMID (asked twice: in its batch,
  then again in a smaller batch).  A reply that holds none of a batch's PMIDs (of two
  or more) may be NCBI's hiccup as well as a batch of made-up PMIDs: it is asked again,
  with the backoff of a reply cut short, before it counts as the first answer;
* ``not_in_pubmed``: no PubMed record carries the DOI (esearch on ``[doi]``, then
  the fetched records' own DOIs compared, since PubMed can return near matches).  When
  several records carry it, the one that is not a notice about another (an erratum, a
  retraction) is the DOI's; when that does not settle it, the DOI is unresolved,
  naming the records;
* ``invalid``: malformed, never asked;
* ``unresolved``: could not be asked or answered (offline, network, server errors, a
  record PubMed sent that cannot be read), with the reason.

The cache is read first (a DOI's cached PMID only while the record cached for that PMID
still carries the DOI); only what it lacks is fetched, in batches, several in
flight, all through one rate-limited :class:`~enrich.entrez.client.EutilsClient`.
``on_settled`` hears of Resolutions as they become final, before the whole set is
(a batch's records as soon as they are stored, a failed batch's PMIDs at once); it may
hear of a key more than once, always with an equal Resolution, and of no key it was not
asked to resolve.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import partial
from typing import Protocol

import httpx

from enrich.entrez.blocking import run_blocking
from enrich.entrez.cache import CachedRecord, CitationCache, pmid_entries
from enrich.entrez.client import EutilsClient, EutilsSettings
from enrich.entrez.pubmed import RecordDefect, parse_esearch, read_efetch
from enrich.errors import EmptyReply, EutilsError, SearchOverflow
from enrich.folders import StrPath, one_path_refused
from enrich.identifiers import doi_key, normalize_doi, normalize_pmid, split_fallback
from enrich.model import PaperRecord, Resolution, Status

__all__ = [
    "CacheSink",
    "Fetched",
    "RecordSink",
    "Resolved",
    "Resolver",
    "cache_entries",
    "looked_up",
    "resolve_citations",
    "resolve_citations_async",
    "resolve_keys",
]

DOI_BATCH = 50
RETRY_BATCH = 50
#: PMIDs whose records the cache holds asked as witnesses (see :meth:`Resolver.fetch_pmids`)
#: when none was just returned: PubMed may since have withdrawn one of them
CACHED_WITNESSES = 3
Progress = Callable[[int], None]
Settled = Callable[[dict[str, Resolution]], None]


class Blank(Enum):
    """What an efetch reply holding none of a batch's PMIDs means, once the client has asked
    again with backoff (:class:`~enrich.errors.EmptyReply`): NCBI's hiccup or the answer."""

    ASK_AGAIN = "the first ask: its PMIDs are asked once more, in smaller batches"
    FAILED = "records known to exist (refresh's, asked with one just returned): the batch failed"
    BELIEVED = "the second ask: its PMIDs are absent"


@dataclass
class Fetched:
    """What fetching PMIDs learned: records by PMID (and when each was fetched), PMIDs
    PubMed lacks (asked twice), PMIDs whose batch failed, with the reason, and whether the
    server said it serves test data."""

    records: dict[str, PaperRecord] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)
    fetched_at: dict[str, float] = field(default_factory=dict)
    test_data: bool = False


class RecordSink(Protocol):
    """Where fetched records go (by default: the cache, see :class:`CacheSink`)."""

    def store(
        self, records: list[tuple[PaperRecord, bytes]], *, fetched_at: float, test_data: bool
    ) -> None:
        """Keep a batch's completely parsed records and their XML, fetched at ``fetched_at``
        (from a test server when ``test_data``); called in a worker thread."""

    def absent(self, pmids: list[str]) -> None:
        """PubMed returned no record for ``pmids``, asked twice."""


@dataclass(frozen=True)
class CacheSink:
    """Stores records in the cache and remembers, for a while, the PMIDs PubMed lacks."""

    cache: CitationCache

    def store(
        self, records: list[tuple[PaperRecord, bytes]], *, fetched_at: float, test_data: bool
    ) -> None:
        self.cache.put_records(records, fetched_at, test_data=test_data)

    def absent(self, pmids: list[str]) -> None:
        for pmid in pmids:
            self.cache.put_missing(pmid)


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
        self._known: list[str] = []  #: PMIDs whose records the cache held: they exist

    async def resolve(self, keys: Iterable[str]) -> dict[str, Resolution]:
        """One Resolution per distinct key; see the module docstring for the states."""
        asked = list(dict.fromkeys(keys))
        results: dict[str, Resolution] = {}
        pmids: list[str] = []
        dois: list[str] = []
        fallbacks: dict[str, tuple[str, str]] = {}  #: fallback key -> (PMID, DOI key)
        for key in asked:
            kind, _, value = key.partition(":")
            pair = split_fallback(key)
            if pair is not None and normalize_pmid(pair[0]) == pair[0]:
                fallbacks[key] = pair
            elif kind == "pmid" and normalize_pmid(value) != value:
                results[key] = Resolution(key, Status.INVALID, reason=_odd_pmid(value))
                self._progress(1)
            elif kind == "pmid":
                pmids.append(value)
            elif kind == "doi" and _unquotable(value):
                results[key] = _refused(value)
                self._progress(1)
            elif kind == "doi":
                dois.append(value)
            else:
                results[key] = Resolution(key, Status.INVALID, reason="malformed identifier")
                self._progress(1)
        settled = self._settled
        if fallbacks:  # for this call only: another asks other keys
            self._settled = _with_fallbacks(settled, fallbacks, set(asked))
        try:
            read: dict[str, CachedRecord] = {}  #: records read from the cache, read once
            doi_pmids, searched = await self._resolve_dois(dois, results, read)
            await self._resolve_pmids([*pmids, *doi_pmids.values()], results, read)
            _settle_dois(doi_pmids, searched, results)
            if fallbacks:
                await self._resolve_fallbacks(fallbacks, results, read)
            # PMIDs and DOIs asked only on behalf of a DOI or a fallback key are left out
            results = {key: results[key] for key in asked}
            self._settled(results)
            return results
        finally:
            self._settled = settled

    async def _resolve_fallbacks(
        self,
        fallbacks: dict[str, tuple[str, str]],
        results: dict[str, Resolution],
        read: dict[str, CachedRecord],
    ) -> None:
        """Settle each fallback key (:func:`~enrich.identifiers.fallback_key`) in ``results``,
        where its PMID's Resolution is: as that Resolution, unless PubMed has no record for
        the PMID; then as its DOI's.  Quietly: progress counts the identifiers a document
        gives, not the keys made of two of them."""
        progress, self._progress = self._progress, _quiet
        try:
            await self._resolve_pmids(
                [pmid for pmid, _ in fallbacks.values() if f"pmid:{pmid}" not in results],
                results,
                read,
            )
            await self._resolve_dois_lacking(fallbacks, results, read)
        finally:
            self._progress = progress
        for key, (pmid, doi) in fallbacks.items():
            found = results[f"pmid:{pmid}"]
            if found.status is Status.NOT_FOUND:
                found = results[f"doi:{doi}"]
            results[key] = replace(found, key=key)

    async def _resolve_dois_lacking(
        self,
        fallbacks: dict[str, tuple[str, str]],
        results: dict[str, Resolution],
        read: dict[str, CachedRecord],
    ) -> None:
        """Settle in ``results`` the DOI of each fallback key whose PMID PubMed lacks."""
        lacking = [
            doi
            for pmid, doi in fallbacks.values()
            if results[f"pmid:{pmid}"].status is Status.NOT_FOUND
        ]
        dois = []
        for doi in dict.fromkeys(lacking):
            if f"doi:{doi}" in results:
                continue
            if _unquotable(doi):
                results[f"doi:{doi}"] = _refused(doi)
            else:
                dois.append(doi)
        doi_pmids, searched = await self._resolve_dois(dois, results, read)
        # a PMID settled already (asked itself, or a fallback's) keeps its Resolution:
        # on_settled may have heard of it, and a DOI's search fetching it again as a
        # candidate must not make it another (read from the cache, or resolved after failing)
        unsettled = [pmid for pmid in doi_pmids.values() if f"pmid:{pmid}" not in results]
        await self._resolve_pmids(unsettled, results, read)
        _settle_dois(doi_pmids, searched, results)

    # --- PMIDs ------------------------------------------------------------------------

    async def _resolve_pmids(
        self, pmids: Sequence[str], results: dict[str, Resolution], read: dict[str, CachedRecord]
    ) -> None:
        """Settle ``pmids`` from the cache (``read`` holds records already read from it),
        then from the network."""
        to_fetch = []
        for pmid in dict.fromkeys(pmids):
            key = f"pmid:{pmid}"
            cached = read.get(pmid) or self.cache.get_record(pmid)
            if cached is not None:
                if len(self._known) < CACHED_WITNESSES:
                    self._known.append(pmid)
                results[key] = Resolution(
                    key,
                    Status.RESOLVED,
                    cached.record,
                    from_cache=True,
                    fetched_at=cached.fetched_at,
                    test_data=cached.test_data,
                )
            elif self.cache.is_missing(pmid):
                results[key] = Resolution(key, Status.NOT_FOUND, reason=_NO_RECORD, from_cache=True)
            else:
                to_fetch.append(pmid)
                continue
            self._progress(1)
        if not to_fetch:
            return
        outcome = await self.fetch_pmids(to_fetch)
        for pmid in to_fetch:
            results[f"pmid:{pmid}"] = _pmid_resolution(pmid, outcome)

    async def fetch_pmids(
        self,
        pmids: list[str],
        sink: RecordSink | None = None,
        *,
        report: bool = True,
        blank_is_absence: bool = True,
    ) -> Fetched:
        """Records of ``pmids`` from the network, batched, several batches in flight; each
        batch's records go to ``sink`` (the cache by default) as soon as they arrive.

        A PMID a batch did not return is asked once more in a smaller batch before it
        is believed missing (a short reply may be NCBI's hiccup) and told to
        ``sink.absent``.  A reply holding none of a batch's PMIDs is first asked again
        with backoff; then, with ``blank_is_absence``, its PMIDs go on to the second ask,
        else (records known to exist, as :mod:`enrich.entrez.refresh` checks) they fail.
        The second ask carries a *witness*, a PMID known to exist (one the server just
        returned, else a few the cache held: PubMed may have withdrawn one since), so that
        a blank reply to it fails: only a reply that holds a witness and not the PMID makes
        it missing.  With no witness at hand (nothing returned, nothing cached) a blank
        second reply is believed.
        ``report`` feeds the progress and ``on_settled`` callbacks; it is off for PMIDs
        fetched only on a DOI's behalf.
        """
        sink = sink or CacheSink(self.cache)
        outcome = Fetched()
        if self.client is None:
            outcome.failed = dict.fromkeys(pmids, "offline: not in the cache")
            return outcome
        first = Blank.ASK_AGAIN if blank_is_absence else Blank.FAILED
        await self._fetch_batches(pmids, self.batch_size, outcome, sink, report, first)
        again = sorted(outcome.missing)
        if again:  # the second ask: each batch holds the witness, when there is one
            outcome.missing.clear()
            witnesses = (min(outcome.records),) if outcome.records else tuple(self._known)
            if not witnesses:
                await self._fetch_batches(again, RETRY_BATCH, outcome, sink, report, Blank.BELIEVED)
            else:
                await self._fetch_witnessed(again, witnesses, outcome, sink, report)
            sink.absent(sorted(outcome.missing))
            if report:
                self._progress(len(outcome.missing))
        return outcome

    async def _fetch_batches(
        self,
        pmids: list[str],
        size: int,
        outcome: Fetched,
        sink: RecordSink,
        report: bool,
        blank: Blank,
    ) -> None:
        batches = [pmids[i : i + size] for i in range(0, len(pmids), size)]
        await asyncio.gather(*(self._fetch_batch(b, outcome, sink, report, blank) for b in batches))

    async def _fetch_witnessed(
        self,
        pmids: list[str],
        witnesses: tuple[str, ...],
        outcome: Fetched,
        sink: RecordSink,
        report: bool,
    ) -> None:
        """Ask ``pmids`` again, each batch with ``witnesses``, PMIDs known to exist: a reply
        without any of them is a failure, never an answer."""
        size = RETRY_BATCH
        batches = [pmids[i : i + size] for i in range(0, len(pmids), size)]
        fetches = (
            self._fetch_batch(b, outcome, sink, False, Blank.FAILED, witnesses) for b in batches
        )
        await asyncio.gather(*fetches)
        if report:
            self._settled({f"pmid:{p}": _pmid_resolution(p, outcome) for p in pmids})
            self._progress(len(pmids) - len(outcome.missing))

    async def _fetch_batch(
        self,
        batch: list[str],
        outcome: Fetched,
        sink: RecordSink,
        report: bool,
        blank: Blank,
        witnesses: tuple[str, ...] = (),
    ) -> None:
        """Fetch one batch into ``outcome``; ``blank`` says what a reply holding none of its
        PMIDs means (once the client's own retries have asked again).  ``witnesses``, PMIDs
        known to exist, are asked with them: a reply without any of their records tells
        nothing of the PMIDs it leaves out (they fail)."""
        assert self.client is not None
        asked = [*batch, *witnesses]
        params = {"db": "pubmed", "id": ",".join(asked), "retmode": "xml"}
        parse = partial(_parse_efetch, asked=frozenset(asked), blank_ok=blank is Blank.BELIEVED)
        async with self._slots:
            try:
                parsed, defects = await self.client.call("efetch.fcgi", params, parse)
            except EutilsError as exc:
                if blank is Blank.ASK_AGAIN and isinstance(exc, EmptyReply):
                    outcome.missing.update(batch)
                    return
                outcome.failed.update(dict.fromkeys(batch, str(exc)))
                if report:  # final: a failed batch is not asked again
                    self._settled({f"pmid:{p}": _pmid_resolution(p, outcome) for p in batch})
                    self._progress(len(batch))
                return
        fresh = _first_per_pmid(parsed, set(batch) - outcome.records.keys())
        now, test_data = time.time(), self.client.test_server
        # Storing a batch takes tens of ms: off the event loop, so request starts stay paced.
        records = list(fresh.values())
        await self.cache.in_thread(sink.store, records, fetched_at=now, test_data=test_data)
        outcome.test_data = outcome.test_data or test_data
        outcome.fetched_at.update(dict.fromkeys(fresh, now))
        outcome.records.update((pmid, record) for pmid, (record, _) in fresh.items())
        unreadable = _unreadable(defects, set(batch) - outcome.records.keys())
        outcome.failed.update(unreadable)
        left_out = [p for p in batch if p not in outcome.records and p not in outcome.failed]
        if witnesses and all(record.pmid not in witnesses for record, _ in parsed):
            which = ("PMIDs " if len(witnesses) > 1 else "PMID ") + ", ".join(witnesses)
            reason = f"efetch reply left out {which}, which PubMed has: not an answer"
            outcome.failed.update(dict.fromkeys(left_out, reason))
        else:
            outcome.missing.update(left_out)
        if report:
            settled = [*fresh, *unreadable]
            self._settled({f"pmid:{pmid}": _pmid_resolution(pmid, outcome) for pmid in settled})
            self._progress(len(settled))

    # --- DOIs -------------------------------------------------------------------------

    async def _resolve_dois(
        self, dois: list[str], results: dict[str, Resolution], read: dict[str, CachedRecord]
    ) -> tuple[dict[str, str], set[str]]:
        """Map each DOI found in PubMed to its PMID; settle the others in ``results``.

        Also returns the DOIs that had to be searched (their mapping was not cached).  The
        cached records of mapped PMIDs it reads go into ``read``, as they are then.
        """
        mapped: dict[str, str] = {}
        unknown: list[str] = []
        for doi in dois:
            known, pmid = self.cache.get_doi(doi)
            if not known or (pmid and not self._still_carries(pmid, doi, read)):
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
            mapped.update(await self._search_dois(unknown, results, read))
        return mapped, set(unknown)

    def _still_carries(self, pmid: str, doi: str, read: dict[str, CachedRecord]) -> bool:
        """Whether the cached mapping of ``doi`` to ``pmid`` still holds: PubMed may since
        have withdrawn the record or corrected its DOI (``enrich refresh`` stores it so), and
        then the DOI is searched again.  A record not in the cache is taken on trust: once
        fetched, the next run checks it.  The record read is kept in ``read``."""
        cached = read.get(pmid) or self.cache.get_record(pmid)
        if cached is None:
            return not self.cache.is_missing(pmid)
        read[pmid] = cached
        return doi_key(doi) in cached.record.doi_keys

    async def _search_dois(
        self, dois: list[str], results: dict[str, Resolution], read: dict[str, CachedRecord]
    ) -> dict[str, str]:
        batches = [dois[i : i + DOI_BATCH] for i in range(0, len(dois), DOI_BATCH)]
        found = await asyncio.gather(*(self._search_batch(b, results) for b in batches))
        candidates = sorted({pmid for batch in found for pmid in batch})
        outcome = await self.fetch_pmids(candidates, report=False) if candidates else Fetched()
        for fetched in outcome.records:  # fetched anew: what was read of them is older
            read.pop(fetched, None)
        # A DOI is the paper's whose own DOI (ArticleIdList's) it is; one a record gives
        # only beside that (an ELocationID's: a typo, a reused DOI) settles it when no
        # record gives it as its own
        own: dict[str, list[PaperRecord]] = {}
        other: dict[str, list[PaperRecord]] = {}
        for record in sorted(outcome.records.values(), key=lambda r: (len(r.pmid), r.pmid)):
            first = doi_key(normalize_doi(record.doi)) if record.doi else None
            for key in record.doi_keys:
                (own if key == first else other).setdefault(key, []).append(record)
        failure = next(iter(outcome.failed.values()), None)
        mapped: dict[str, str] = {}
        for doi in (d for d in dois if f"doi:{d}" not in results):
            carriers = own.get(doi) or other.get(doi, [])
            pmid = _carrier(carriers)
            if pmid:
                self.cache.put_doi(doi, pmid)
                mapped[doi] = pmid
            elif carriers:  # asked again next run: PubMed may settle it
                pmids = ", ".join(record.pmid for record in carriers)
                reason = f"PubMed records {pmids} all carry this DOI: which is meant is unclear"
                results[f"doi:{doi}"] = Resolution(f"doi:{doi}", Status.UNRESOLVED, reason=reason)
                self._progress(1)
            elif failure is not None:  # a candidate could not be fetched: we do not know
                results[f"doi:{doi}"] = Resolution(f"doi:{doi}", Status.UNRESOLVED, reason=failure)
                self._progress(1)
            else:
                self.cache.put_doi(doi, None)
                results[f"doi:{doi}"] = _not_in_pubmed(doi, cached=False)
                self._progress(1)
        return mapped

    async def _search_batch(self, dois: list[str], results: dict[str, Resolution]) -> list[str]:
        """The PMIDs an esearch of ``dois`` finds; when it finds more than it lists (one DOI
        matching many records), each half is searched again, so that such a DOI costs
        itself alone.  A DOI whose search fails is settled unresolved in ``results``."""
        assert self.client is not None
        term = " OR ".join(f'"{doi}"[doi]' for doi in dois)
        params = {"db": "pubmed", "term": term, "retmax": str(len(dois) * 5)}
        async with self._slots:
            try:
                return await self.client.call(
                    "esearch.fcgi", params, partial(parse_esearch, complete=True)
                )
            except EutilsError as exc:
                error = exc
        if isinstance(error, SearchOverflow) and len(dois) > 1:  # the halves take own slots
            middle = len(dois) // 2
            first, second = await asyncio.gather(
                self._search_batch(dois[:middle], results),
                self._search_batch(dois[middle:], results),
            )
            return [*first, *second]
        for doi in dois:
            results[f"doi:{doi}"] = Resolution(f"doi:{doi}", Status.UNRESOLVED, reason=str(error))
        self._progress(len(dois))
        return []


class _Answer(Protocol):
    @property
    def status(self) -> Status: ...


def looked_up(answers: Mapping[str, _Answer]) -> list[str]:
    """The keys of ``answers`` (Resolutions, or what is known of them) that are identifiers
    looked up: every key but a fallback key (:func:`~enrich.identifiers.fallback_key`),
    which counts only when PubMed lacks its PMID: then its DOI was looked up too, and its
    answer is the DOI's (else it is the PMID's again, counted under the PMID's own key)."""
    found = []
    for key in answers:
        pair = split_fallback(key)
        own = answers.get(f"pmid:{pair[0]}") if pair is not None else None
        if own is None or own.status is Status.NOT_FOUND:
            found.append(key)
    return found


def _settle_dois(
    doi_pmids: dict[str, str], searched: set[str], results: dict[str, Resolution]
) -> None:
    """Each DOI of ``doi_pmids`` settled in ``results`` as the Resolution of the PMID it
    maps to (from the cache unless its mapping had to be ``searched``)."""
    for doi, pmid in doi_pmids.items():
        found = results[f"pmid:{pmid}"]
        from_cache = found.from_cache and doi not in searched
        results[f"doi:{doi}"] = replace(found, key=f"doi:{doi}", from_cache=from_cache)


def _quiet(settled: int) -> None:
    """A progress callback that says nothing."""


def _with_fallbacks(
    settled: Settled, fallbacks: dict[str, tuple[str, str]], asked: set[str]
) -> Settled:
    """``settled`` told only of keys ``asked``, and, when a PMID settles with a record (or
    fails), of the fallback keys of that PMID too, as the same Resolution: a fallback key
    whose PMID PubMed lacks waits for its DOI (the end of :meth:`Resolver.resolve`)."""
    by_pmid: dict[str, list[str]] = {}
    for key, (pmid, _) in fallbacks.items():
        by_pmid.setdefault(f"pmid:{pmid}", []).append(key)

    def tell(found: dict[str, Resolution]) -> None:
        told = {key: resolution for key, resolution in found.items() if key in asked}
        for key, resolution in found.items():
            if resolution.status is not Status.NOT_FOUND:
                told.update((fb, replace(resolution, key=fb)) for fb in by_pmid.get(key, ()))
        if told:
            settled(told)

    return tell


def cache_entries(key: str, pmid: str | None) -> tuple[str, ...]:
    """The cache entries that the Resolution of citation ``key`` is made from, given the
    PMID of the record it resolved to (None: no record).  While none of them changes, the
    key resolves as before — but for an unresolved key, which a run with the network asks
    again.  A DOI's answer that no record carries it is its own entry (expiring, as a
    PMID's absence does: the expiry is a change of it)."""
    kind, _, value = key.partition(":")
    record = pmid_entries(pmid) if pmid else ()
    if kind == "pmid" and normalize_pmid(value) == value:
        return pmid_entries(value)
    pair = split_fallback(key)
    if pair is not None and normalize_pmid(pair[0]) == pair[0]:
        own = pmid_entries(pair[0])
        # its PMID's record (the DOI not asked), or the PMID's absence and the DOI's answer
        return own if pmid == pair[0] else (*own, f"doi:{pair[1]}", *record)
    if kind == "doi" and not _unquotable(value):
        return (f"doi:{doi_key(value)}", *record)
    return ()  # invalid (a PMID not in PubMed's form among them): never asked


def _odd_pmid(value: str) -> str:
    """Why ``value`` of a ``pmid:`` key is not asked: PubMed would answer another PMID (its
    own form, without leading zeros or spaces), or nothing, never this one."""
    pmid = normalize_pmid(value)
    if pmid is None:
        return f"{value!r} is no PMID: not asked"
    return f"PMID written {value!r}: PubMed writes it pmid:{pmid} (give that key); not asked"


def _unquotable(doi: str) -> str:
    """Why ``doi`` cannot be put in an esearch query as a quoted phrase, or "" if it can.

    Inside ``"..."[doi]`` a double quote would end the phrase and let the rest rewrite the
    query for the other DOIs of its batch, and NCBI's syntax has no escape for it; white
    space and control characters are no part of a DOI either."""
    bad = next((c for c in doi if c == '"' or not c.isprintable() or c.isspace()), None)
    if bad is None:
        return ""
    return f"DOI holds {bad!r}, which PubMed's query syntax cannot carry: not asked"


def _refused(doi: str) -> Resolution:
    """The Resolution of a DOI :func:`_unquotable` finds no query can carry: invalid."""
    return Resolution(f"doi:{doi}", Status.INVALID, reason=_unquotable(doi))


def _parse_efetch(
    body: bytes, *, asked: frozenset[str], blank_ok: bool
) -> tuple[list[tuple[PaperRecord, bytes]], list[RecordDefect]]:
    """The records and unreadable records of an efetch reply to ``asked``.  Raises
    EmptyReply when it holds none of two or more PMIDs asked, unless ``blank_ok``, and
    always when it holds records, none of them asked: a mixed-up reply, which says nothing
    of the PMIDs asked (never their absence)."""
    records, defects = read_efetch(body)
    held = {r.pmid for r, _ in records} | {d.pmid for d in defects}
    if held and asked.isdisjoint(held):
        others = ", ".join(sorted(held)[:5]) + (", ..." if len(held) > 5 else "")
        raise EmptyReply(f"efetch reply holds none of the PMIDs asked, only others ({others})")
    if blank_ok or len(asked) < 2:
        return records, defects
    if not held:
        raise EmptyReply(f"efetch reply holds none of the {len(asked)} PMIDs asked")
    return records, defects


def _unreadable(defects: list[RecordDefect], wanted: set[str]) -> dict[str, str]:
    """The reason of each wanted PMID whose record in the reply cannot be read."""
    return {
        defect.pmid: f"PubMed's record cannot be read: {defect.reason}"
        for defect in defects
        if defect.pmid in wanted
    }


def _carrier(records: list[PaperRecord]) -> str | None:
    """The PMID of the one record of ``records`` (those carrying a DOI) that is the DOI's:
    the only one, or the only one that is no notice about another; else None."""
    papers = [record for record in records if not record.is_notice] or records
    return papers[0].pmid if len(papers) == 1 else None


def _first_per_pmid(
    parsed: list[tuple[PaperRecord, bytes]], wanted: set[str]
) -> dict[str, tuple[PaperRecord, bytes]]:
    """The first record of each wanted PMID in a reply (NCBI may repeat or add records)."""
    chosen: dict[str, tuple[PaperRecord, bytes]] = {}
    for record, xml in parsed:
        if record.pmid in wanted and record.pmid not in chosen:
            chosen[record.pmid] = (record, xml)
    return chosen


def _pmid_resolution(pmid: str, outcome: Fetched) -> Resolution:
    key = f"pmid:{pmid}"
    if pmid in outcome.records:
        return Resolution(
            key,
            Status.RESOLVED,
            outcome.records[pmid],
            fetched_at=outcome.fetched_at.get(pmid),
            test_data=outcome.test_data,
        )
    if pmid in outcome.failed:
        return Resolution(key, Status.UNRESOLVED, reason=outcome.failed[pmid])
    return Resolution(key, Status.NOT_FOUND, reason=_NO_RECORD)


_NO_RECORD = "PubMed has no record for this PMID"  #: whether the cache or PubMed said so


def _not_in_pubmed(doi: str, *, cached: bool) -> Resolution:
    reason = "no PubMed record carries this DOI"
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


@dataclass(frozen=True)
class Resolved:
    """The resolutions of a set of citation keys and what obtaining them cost."""

    resolutions: dict[str, Resolution]
    requests: int
    cache_hits: int


def resolve_citations(
    keys: Sequence[str],
    *,
    cache_dir: StrPath,
    eutils: EutilsSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    on_settled: Settled | None = None,
) -> Resolved:
    """Resolve citation ``keys`` (see :class:`Resolver`), cache first, in one call.

    ``offline`` makes no network request.  ``progress`` is told how many more keys
    are settled, as they are; ``on_settled`` the Resolutions themselves, as they
    become final.  Blocks until done, also when called inside a running event loop
    (Jupyter's); asynchronous code awaits :func:`resolve_citations_async` instead.
    ``cache_dir`` may be a string.  Raises TypeError when ``keys`` is one string.
    """
    return run_blocking(  # the async form refuses one string for a list
        partial(
            resolve_citations_async,
            keys,
            cache_dir=cache_dir,
            eutils=eutils,
            offline=offline,
            transport=transport,
            progress=progress,
            on_settled=on_settled,
        )
    )


async def resolve_citations_async(
    keys: Sequence[str],
    *,
    cache_dir: StrPath,
    eutils: EutilsSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    on_settled: Settled | None = None,
) -> Resolved:
    """:func:`resolve_citations` for a running event loop: the same arguments and result."""
    one_path_refused(keys, "keys")
    with CitationCache(cache_dir) as cache:
        resolutions, requests = await _resolve(
            list(keys), cache, None if offline else eutils, transport, progress, on_settled
        )
    hits = sum(resolutions[key].from_cache for key in looked_up(resolutions))
    return Resolved(resolutions, requests, hits)


async def _resolve(
    keys: list[str],
    cache: CitationCache,
    eutils: EutilsSettings | None,
    transport: httpx.AsyncBaseTransport | None,
    progress: Progress | None,
    on_settled: Settled | None,
) -> tuple[dict[str, Resolution], int]:
    if eutils is None:
        return await resolve_keys(keys, cache, None, progress=progress, on_settled=on_settled), 0
    async with EutilsClient(eutils, transport=transport) as client:
        resolutions = await resolve_keys(
            keys,
            cache,
            client,
            batch_size=eutils.batch_size,
            concurrency=eutils.effective_concurrency,
            progress=progress,
            on_settled=on_settled,
        )
        return resolutions, client.requests
