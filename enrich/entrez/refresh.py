"""Periodic re-check of cached records: new retractions, errata, changed metadata, and of
cached NCBI Gene summaries (whose names the audit looks for).

:func:`refresh_cache` promises, so that it is safe from cron:

* one refresh per cache at a time (an exclusive lock file; a second one fails fast
  with :class:`RefreshLocked`);
* each batch's new records are stored as soon as they arrive, together with the
  changes they show (in a journal kept in the cache), so an interrupted refresh
  resumes where it stopped without re-fetching what it already refreshed, and
  without losing the changes it had found;
* running it again at once finds nothing stale and changes nothing (idempotent);
* the changes are handed to a report writer (``enrich refresh`` uses
  :func:`enrich.report.refresh.write_refresh_report`) before the journal is cleared.

Fetching goes through the resolver's own batching and re-asking
(:meth:`enrich.entrez.resolve.Resolver.fetch_pmids`): a PMID is believed withdrawn
only when PubMed returned no record for it twice, in replies holding others' records (or
asked alone, when no other record came back): a reply holding none of a batch of records
known to exist, the second ask's included, is NCBI's blip, and those records fail this
time (kept, asked again at the next refresh).
"""

from __future__ import annotations

import fcntl
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import httpx

from enrich.entrez.blocking import run_blocking
from enrich.entrez.cache import CitationCache
from enrich.entrez.client import EutilsClient, EutilsSettings
from enrich.entrez.gene_names import GeneResolver
from enrich.entrez.resolve import Resolver
from enrich.errors import EnrichError, OutputError
from enrich.escape import printable
from enrich.figures import count
from enrich.folders import open_own
from enrich.identifiers import doi_key
from enrich.model import (
    CORRECTION_LINKS,
    PARTIAL_RETRACTION_LINKS,
    RETRACTION_LINKS,
    UPDATE_LINKS,
    GeneRecord,
    PaperRecord,
    Relation,
)

__all__ = ["Change", "RefreshLocked", "RefreshResult", "compare", "parse_age", "refresh_cache"]

_JOURNAL = "refresh-pending"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class RefreshLocked(EnrichError):
    """Another refresh holds the cache's lock."""


@dataclass(frozen=True, slots=True)
class Change:
    """One thing PubMed now says differently about a cited paper."""

    pmid: str
    #: retracted, unretracted, partial_retraction, erratum, expression_of_concern, updated,
    #: doi_changed, title_changed, withdrawn
    kind: str
    detail: str
    title: str = ""


@dataclass
class RefreshResult:
    checked: int = 0
    refreshed: int = 0
    failed: int = 0
    changes: list[Change] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    genes_checked: int = 0  #: stale gene summaries
    genes_refreshed: int = 0
    genes_changed: int = 0  #: refreshed with other names, or now replaced or unknown
    genes_failed: int = 0
    #: why records or gene summaries could not be fetched again -> how many, for the log
    failures: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        lines = [
            f"stale records {count(self.checked)}, refreshed {count(self.refreshed)}, "
            f"failed {count(self.failed)} (retried next time), changes {count(len(self.changes))}",
            f"stale gene summaries {count(self.genes_checked)}, refreshed "
            f"{count(self.genes_refreshed)}, with changed names {count(self.genes_changed)}, "
            f"failed {count(self.genes_failed)}",
        ]
        lines += [  # a cron log must say why, not only how many
            f"  failed, {count(n)} of them: {printable(why)}"
            for why, n in self.failures.most_common(3)
        ]
        # a change's detail quotes PubMed (a title, a DOI): shown, never acted on by a terminal
        lines += [f"  PMID {c.pmid}: {c.kind}: {printable(c.detail)}" for c in self.changes]
        lines += [f"report {printable(path)}" for path in self.reports]
        return "\n".join(lines)


def parse_age(text: str) -> float:
    """Seconds in an age such as ``30d``, ``12h``, ``8w``, ``90m`` or ``3600s``."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text.lower())
    if not match:
        raise ValueError(f"{text!r} is not an age such as 30d, 12h or 8w")
    return float(match[1]) * _UNITS[match[2]]


def compare(old: PaperRecord, new: PaperRecord) -> list[Change]:
    """What changed between two versions of one record, in the order a curator cares."""
    changes = []
    pmid, title = new.pmid, new.title
    if new.is_retracted and not old.is_retracted:
        notices = ", ".join(_link(r) for r in new.related(*RETRACTION_LINKS))
        why = notices or "PubMed publication type 'Retracted Publication'"
        changes.append(Change(pmid, "retracted", f"now retracted ({why})", title))
    elif old.is_retracted and not new.is_retracted:  # its claims' grades may rise: say so
        changes.append(Change(pmid, "unretracted", "PubMed no longer marks it retracted", title))
    for kind, ref_types in (
        ("partial_retraction", PARTIAL_RETRACTION_LINKS),
        ("erratum", CORRECTION_LINKS),
        ("expression_of_concern", ("ExpressionOfConcernIn",)),
        ("updated", UPDATE_LINKS),
    ):
        before = {(r.ref_type, r.pmid, r.source) for r in old.related(*ref_types)}
        for relation in new.related(*ref_types):
            if (relation.ref_type, relation.pmid, relation.source) not in before:
                changes.append(Change(pmid, kind, _link(relation), title))
    if doi_key(old.doi or "") != doi_key(new.doi or ""):
        changes.append(Change(pmid, "doi_changed", f"DOI {old.doi} -> {new.doi}", title))
    if _words(old.title) != _words(new.title):
        changes.append(Change(pmid, "title_changed", f"was: {old.title}", title))
    return changes


def _link(relation: Relation) -> str:
    """A link as the audit's flag reasons name it: ``RetractionIn PMID 114``, or its source."""
    return f"{relation.ref_type} {f'PMID {relation.pmid}' if relation.pmid else relation.source}"


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def refresh_cache(
    cache_dir: Path,
    eutils: EutilsSettings,
    *,
    max_age: float,
    report: Callable[[RefreshResult], list[Path]],
    transport: httpx.AsyncBaseTransport | None = None,
    on_total: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RefreshResult:
    """Re-fetch cached records older than ``max_age`` seconds and report what changed.

    ``report`` writes the result's report and returns its paths; it is called when
    anything was checked or changes are pending, before the journal of changes is
    cleared, so a refresh interrupted before or while reporting loses nothing.
    """
    with _exclusive(cache_dir), CitationCache(cache_dir) as cache:
        stale = sorted(cache.pmids_older_than(max_age), key=int)
        stale_genes = sorted(cache.gene_ids_older_than(max_age), key=int)
        if on_total:
            on_total(len(stale) + len(stale_genes))
        result = RefreshResult(checked=len(stale), genes_checked=len(stale_genes))
        if stale or stale_genes:
            run_blocking(
                partial(_refetch, stale, stale_genes, cache, eutils, transport, progress, result)
            )
        pending = [Change(**c) for c in (cache.get_meta(_JOURNAL) or {}).get("changes", [])]
        result.changes = pending
        if stale or stale_genes or pending:
            result.reports = report(result)
        cache.delete_meta(_JOURNAL)
        return result


async def _refetch(
    stale: list[str],
    stale_genes: list[str],
    cache: CitationCache,
    eutils: EutilsSettings,
    transport: httpx.AsyncBaseTransport | None,
    progress: Callable[[int], None] | None,
    result: RefreshResult,
) -> None:
    """Fetch ``stale`` records and ``stale_genes`` summaries again; count what came of it."""
    async with EutilsClient(eutils, transport=transport) as client:
        resolver = Resolver(
            cache,
            client,
            batch_size=eutils.batch_size,
            concurrency=eutils.effective_concurrency,
            progress=progress,
        )
        if stale:
            fetched = await resolver.fetch_pmids(stale, _JournalSink(cache), blank_is_absence=False)
            result.refreshed, result.failed = len(fetched.records), len(fetched.failed)
            result.failures.update(fetched.failed.values())
        if stale_genes:
            await _refetch_genes(stale_genes, cache, client, eutils, result)
            if progress:
                progress(len(stale_genes))


async def _refetch_genes(
    gene_ids: list[str],
    cache: CitationCache,
    client: EutilsClient,
    eutils: EutilsSettings,
    result: RefreshResult,
) -> None:
    """Fetch gene summaries again (stored as they arrive; an ID NCBI no longer has is
    remembered as unknown) and count those whose names changed."""
    before = {gene_id: cache.get_gene(gene_id) for gene_id in gene_ids}
    genes = GeneResolver(cache, client, concurrency=eutils.effective_concurrency)
    fetched = await genes.fetch(gene_ids)
    result.genes_refreshed = len(fetched.records) + len(fetched.missing)
    result.genes_failed = len(fetched.failed)
    result.failures.update(fetched.failed.values())
    for gene_id, old in before.items():
        new = fetched.records.get(gene_id)
        if gene_id in fetched.missing or (old and new and _names(old.record) != _names(new)):
            result.genes_changed += 1


def _names(record: GeneRecord) -> tuple[object, ...]:
    """What of a gene summary the audit uses."""
    return (
        record.symbol,
        record.aliases,
        record.description,
        record.nomenclature_name,
        record.designations,
        record.status,
        record.current_id,
    )


@dataclass(frozen=True)
class _JournalSink:
    """Stores refreshed records with the changes they show; withdraws what PubMed lost."""

    cache: CitationCache

    def store(
        self, records: list[tuple[PaperRecord, bytes]], *, fetched_at: float, test_data: bool
    ) -> None:
        """Store the new versions and the changes they show in one transaction, so an
        interrupted refresh never holds a refreshed record whose change went unrecorded."""
        changes: list[Change] = []
        for record, _ in records:
            old = self.cache.get_record(record.pmid)
            if old is not None:
                changes.extend(compare(old.record, record))
        with self.cache.transaction():
            _journal(self.cache, changes)
            self.cache.put_records(records, fetched_at, test_data=test_data)

    def absent(self, pmids: list[str]) -> None:
        """Forget records PubMed no longer returns (asked twice), reporting each."""
        for pmid in pmids:
            old = self.cache.get_record(pmid)
            with self.cache.transaction():
                if old is not None:
                    reason = "PubMed no longer returns this record"
                    _journal(self.cache, [Change(pmid, "withdrawn", reason, old.record.title)])
                self.cache.drop_record(pmid)


def _journal(cache: CitationCache, changes: list[Change]) -> None:
    if changes:
        journal = cache.get_meta(_JOURNAL) or {"changes": []}
        journal["changes"].extend(asdict(c) for c in changes)
        cache.put_meta(_JOURNAL, journal)


@contextmanager
def _exclusive(cache_dir: Path) -> Iterator[None]:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd = open_own(cache_dir / "refresh.lock")
    except OSError as exc:
        raise OutputError(f"cache folder {cache_dir} is not usable: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshLocked(f"another enrich refresh is running on {cache_dir}") from exc
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
