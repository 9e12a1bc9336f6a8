"""The on-disk citation cache (diskcache, JSON values, safe for several processes).

Entries, one per key:

* ``pmid:N`` -> the record's own PubMed XML, the parsed record, when this content was
  first fetched (``fetched_at``: fetching the same record again keeps it) and last fetched
  (``checked_at``), and the parser schema it was parsed with (and ``test_data``, when it
  came from a test server: see :data:`~enrich.entrez.client.TEST_SERVER_HEADER`).  Stored
  only after the record parsed completely; an entry whose schema is older is re-parsed
  from its XML, not refetched.
* ``missing:N`` -> PubMed had no record for PMID N; expires after ``missing_ttl``.
* ``doi:d`` -> the PMID whose record carries DOI ``d`` (lower case), or None when the
  DOI is not in PubMed (then expiring after ``missing_ttl``).
* ``gene:N`` -> NCBI Gene's summary of Gene ID N: its fields as NCBI sent them, the
  parsed record, when it was first and last fetched (as for records), the gene schema it
  was parsed with (re-parsed
  from the fields when that schema is older) and ``test_data`` as for records;
  ``enrich refresh`` re-fetches old ones.
* ``gene-missing:N`` -> NCBI Gene has no record N; expires after ``missing_ttl``.
* ``meta:version`` -> the cache's :class:`CacheVersion`: a random name given once, a
  count of the changes to what a lookup answers and a random name of the last one (see
  :meth:`CitationCache.version`).
* ``meta:log:N`` -> change N: the random names of the change before it and of itself, and
  the keys of the entries it stored, replaced or removed (None when they are not known: an
  expiry); the last :data:`CHANGE_LOG_KEPT` changes are kept (see
  :meth:`CitationCache.changes_since`).

Values are JSON (never pickle), so a cache folder cannot execute code when read,
and nothing request-related (URLs, ``api_key``, ``email``) is ever stored.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import diskcache

from enrich.entrez.gene import GeneSummary, gene_record
from enrich.entrez.pubmed import parse_record
from enrich.errors import BadResponse, OutputError
from enrich.folders import StrPath, check_writable_folder
from enrich.identifiers import doi_key
from enrich.model import GeneRecord, PaperRecord

R = TypeVar("R", PaperRecord, GeneRecord)  #: the type of a cached record
T = TypeVar("T")

__all__ = [
    "GENE_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "CacheMark",
    "CacheVersion",
    "CachedGene",
    "CachedRecord",
    "CitationCache",
    "gene_entries",
    "holds_cache",
    "is_gene_entry",
    "own_changes",
    "pmid_entries",
]

#: Bump when PaperRecord or the parser changes what it extracts: entries re-parse.
SCHEMA_VERSION = 5  # 2: a book chapter's own date, and the book's beside it; 3: suffixes;
# 4: every DOI of the record (other_dois); 5: VernacularTitle where PubMed has no English title
#: Bump when GeneRecord or :func:`~enrich.entrez.gene.gene_record` changes: entries re-parse.
GENE_SCHEMA_VERSION = 1
DAY = 86400.0
#: changes whose keys the cache remembers (:meth:`CitationCache.changes_since`)
CHANGE_LOG_KEPT = 4096
#: a change of more keys than this is logged as one of unknown keys
CHANGE_LOG_KEYS = 10_000
#: what reading a damaged value can raise: bad JSON or UTF-8, bad zlib data, a damaged row
_UNDECODABLE = (ValueError, zlib.error, sqlite3.Error, OSError, EOFError)
logger = logging.getLogger("enrich.entrez")


class _JSONOnlyDisk(diskcache.JSONDisk):  # type: ignore[misc]  # diskcache is untyped
    """diskcache's JSON disk, except that a value stored pickled (which enrich never writes,
    but a tampered cache could hold) is refused instead of unpickled: reading a cache folder
    never runs code."""

    def fetch(self, mode: int, filename: str, value: Any, read: bool) -> Any:
        if mode == diskcache.core.MODE_PICKLE:
            raise ValueError("a pickled value: refused")
        return super().fetch(mode, filename, value, read)


#: changes this process made to each cache folder (see :func:`own_changes`)
_OWN_CHANGES: dict[str, int] = {}


def own_changes(directory: Path) -> int:
    """How many changes this process has made to the cache in ``directory`` so far (each
    counted in its :class:`CacheVersion`): a run that sees the count grow by exactly as
    many knows no other process changed the cache meanwhile."""
    return _OWN_CHANGES.get(str(directory.resolve()), 0)


@dataclass(frozen=True, slots=True)
class CacheVersion:
    """Which state of a cache folder a lookup saw: the folder's random name (given once),
    how many changes to what a lookup answers it has had, and a random name of the last
    one (so two copies of a folder that each changed as often never look the same)."""

    name: str
    changes: int
    step: str


@dataclass(frozen=True, slots=True)
class CacheMark:
    """The cache folder's version as a run starts (once what had expired is forgotten), and
    how many changes this process had made to it then."""

    directory: Path
    version: CacheVersion
    own: int

    @classmethod
    def take(cls, directory: Path) -> CacheMark:
        """Raises OutputError when the cache cannot be opened or written."""
        with CitationCache(directory) as cache:
            cache.forget_expired()
            return cls(directory, cache.version(), own_changes(directory))

    def only_own_changes(self) -> CacheVersion | None:
        """The cache's version now, when every change made to it since the mark was this
        process's (so what the run read and fetched is what the cache holds), else None.
        Changes made by another thread of this process count as its own: one run at a
        time per process and cache folder."""
        with CitationCache(self.directory) as cache:
            now = cache.version()
        own = own_changes(self.directory) - self.own
        same_cache = now.name == self.version.name
        return now if same_cache and now.changes - self.version.changes == own else None


@dataclass(frozen=True, slots=True)
class CachedRecord:
    record: PaperRecord
    fetched_at: float
    test_data: bool = False  #: it came from a test server, not NCBI


@dataclass(frozen=True, slots=True)
class CachedGene:
    record: GeneRecord
    fetched_at: float
    test_data: bool = False  #: it came from a test server, not NCBI


def pmid_entries(pmid: str) -> tuple[str, str]:
    """The keys of the entries PubMed's answer for ``pmid`` is read from: its record and its
    not-found answer."""
    return f"pmid:{pmid}", f"missing:{pmid}"


def gene_entries(gene_id: str) -> tuple[str, str]:
    """The keys of the entries NCBI Gene's answer for ``gene_id`` (as NCBI files it, without
    leading zeros) is read from: its summary and its not-found answer."""
    return f"gene:{gene_id}", f"gene-missing:{gene_id}"


def is_gene_entry(key: str) -> bool:
    """Whether the entry ``key`` holds an answer of NCBI Gene's (see :func:`gene_entries`)."""
    return key.startswith(("gene:", "gene-missing:"))


def holds_cache(directory: Path) -> bool:
    """Whether ``directory`` holds a cache (diskcache's ``cache.db``), without making one:
    commands that only read or refresh a cache refuse a folder where none was made."""
    return (directory / "cache.db").is_file()


class CitationCache:
    """Records, negative results and DOI mappings under ``directory``.

    The cache heals: an entry that cannot be decoded is dropped, counted in
    :attr:`dropped`, and reads as absent, so it is fetched again; closing the cache logs
    how many were dropped.  Raises OutputError when the folder cannot be created or written.
    """

    def __init__(self, directory: StrPath, *, missing_ttl: float = 7 * DAY) -> None:
        self.directory = directory = Path(directory)
        self.missing_ttl = missing_ttl
        self.dropped = 0  #: damaged entries dropped since opened
        self._thread = threading.local()  #: per thread: transaction depth, change pending
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(
                str(directory),
                disk=_JSONOnlyDisk,
                disk_compress_level=1,
                eviction_policy="none",
                size_limit=2**42,
                timeout=60,
                # Each thread has a connection of its own (the fetch thread, asyncio's
                # worker threads...): with diskcache's defaults each may hold a 32 MiB page
                # cache and a 64 MiB memory map of a cache file that reaches gigabytes.
                # Reads are random, so the OS's page cache serves them as well.
                sqlite_cache_size=1024,  # pages of 4 KiB
                sqlite_mmap_size=0,
                # Expired entries are removed only by forget_expired(), which counts
                # their going as a change (diskcache would otherwise drop some on any set).
                cull_limit=0,
            )
        except (OSError, sqlite3.Error) as exc:
            check_writable_folder(directory, "the cache")  # a file in the way, said plainly
            raise OutputError(f"cache folder {directory} is not usable: {_reason(exc)}") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group the writes made inside so that they are stored together or not at all
        (with the count of changes they make: see :meth:`version`)."""
        local = self._thread
        depth = getattr(local, "depth", 0)
        try:
            with self._cache.transact(retry=True):
                local.depth = depth + 1
                if depth == 0:
                    local.changed, local.keys = False, set()
                try:
                    yield
                    if depth == 0 and local.changed:
                        self._count_change()
                finally:
                    local.depth = depth
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"cannot write to cache {self.directory}: {_reason(exc)}") from exc

    def version(self) -> CacheVersion:
        """The cache's version: it changes (within the transaction that makes the change)
        whenever what a lookup of a record, a DOI, a gene summary or a negative answer
        returns may have changed, and only then: re-fetching a record whose content is the
        same (``enrich refresh``) keeps it.  An entry that expires counts once
        :meth:`forget_expired` removes it.  Raises OutputError when it cannot be read."""
        found = self._stored_version()
        if found is None:
            with self.transaction():
                self._count_change()  # a new name: nothing recorded of the old one holds
            found = self._stored_version()
        assert found is not None  # just written, in a transaction
        return CacheVersion(found["name"], found["changes"], found["step"])

    def _stored_version(self) -> dict[str, Any] | None:
        try:
            found = self._cache.get("meta:version", default=None, retry=True)
        except _UNDECODABLE:
            return None
        if not isinstance(found, dict) or not isinstance(found.get("changes"), int):
            return None
        return found if all(isinstance(found.get(k), str) for k in ("name", "step")) else None

    def changes_since(self, version: CacheVersion) -> tuple[CacheVersion, frozenset[str] | None]:
        """The cache's version now, and the keys of the entries stored, replaced or removed
        since it was at ``version`` (an empty set when it still is); None when they cannot be
        told: another cache or a copy of it that went its own way, a change older than the
        log keeps, a change of keys not known (an expiry).  Raises OutputError when the
        version cannot be read."""
        now = self.version()
        if now.name != version.name or now.changes < version.changes:
            return now, None
        keys: set[str] = set()
        step = version.step
        for number in range(version.changes + 1, now.changes + 1):
            entry = self._read(f"meta:log:{number}")
            if entry is None or entry.get("previous") != step:
                return now, None
            changed, step = entry.get("keys"), entry.get("step")
            if not isinstance(changed, list) or not all(isinstance(k, str) for k in changed):
                return now, None
            keys.update(changed)
        return now, frozenset(keys) if step == now.step else None

    def forget_expired(self) -> None:
        """Remove the entries that have expired (a change of the :meth:`version` when any
        has, of keys not logged)."""
        with self.transaction():
            if self._cache.expire(retry=True):
                self._changed(None)

    def _changed(self, key: str | None) -> None:
        """Note, inside a transaction, a change to what a lookup of ``key`` returns (of
        unknown keys: None)."""
        local = self._thread
        local.changed = True
        if key is None or local.keys is None or len(local.keys) >= CHANGE_LOG_KEYS:
            local.keys = None
        else:
            local.keys.add(key)

    def _count_change(self) -> None:
        """Count one change in the version and log it (inside a transaction); this
        process's too."""
        found = self._stored_version()
        step = uuid.uuid4().hex
        if found is not None:
            changes = found["changes"] + 1
            version = {"name": found["name"], "changes": changes, "step": step}
            keys = getattr(self._thread, "keys", None)
            logged = sorted(keys) if keys is not None else None
            entry = {"previous": found["step"], "step": step, "keys": logged}
            self._cache.set(f"meta:log:{changes}", entry, retry=True)
            self._cache.delete(f"meta:log:{changes - CHANGE_LOG_KEPT}", retry=True)
        else:
            version = {"name": uuid.uuid4().hex, "changes": 0, "step": step}
        self._cache.set("meta:version", version, retry=True)
        folder = str(self.directory.resolve())
        _OWN_CHANGES[folder] = _OWN_CHANGES.get(folder, 0) + 1

    async def in_thread(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``work(*args, **kwargs)``, run in a worker thread (as ``asyncio.to_thread``), whose
        connection to the cache is closed once it is done: :meth:`close` closes only its own
        thread's, and one left to a worker thread would hold the cache's files open until the
        garbage collector found it (sqlite3's connections sit in a reference cycle)."""

        def closing() -> T:
            try:
                return work(*args, **kwargs)
            finally:
                self._cache.close()

        return await asyncio.to_thread(closing)

    def close(self) -> None:
        if self.dropped:
            logger.warning(
                "cache %s: %d damaged entries could not be read; dropped and fetched again",
                self.directory,
                self.dropped,
            )
            self.dropped = 0
        self._cache.close()

    def __enter__(self) -> CitationCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- records ----------------------------------------------------------------------

    def get_record(self, pmid: str) -> CachedRecord | None:
        """The cached record of ``pmid``, re-parsed if stored by an older schema; None if absent.

        An unreadable entry is deleted and reported as absent, so it is fetched again.
        """
        key = f"pmid:{pmid}"
        found = self._current(key, SCHEMA_VERSION, PaperRecord.from_dict, self._reparsed_record)
        return None if found is None else CachedRecord(*found)

    def _reparsed_record(self, entry: dict[str, Any], test_data: bool) -> PaperRecord:
        """The record of an entry of an older schema, parsed again from its XML and stored."""
        xml = entry["xml"].encode("utf-8")
        record = parse_record(xml)
        self.put_records([(record, xml)], entry["fetched_at"], test_data=test_data)
        return record

    def put_record(self, record: PaperRecord, xml: bytes, fetched_at: float | None = None) -> None:
        """Store one completely parsed record and its XML; clears a negative entry."""
        self.put_records([(record, xml)], fetched_at)

    def put_records(
        self,
        records: Iterable[tuple[PaperRecord, bytes]],
        fetched_at: float | None = None,
        *,
        test_data: bool = False,
    ) -> None:
        """Store completely parsed records in one transaction (a batch's worth at once);
        ``test_data``: they came from a test server.

        Safe to call from a worker thread: diskcache gives each thread its own connection.
        """
        when = time.time() if fetched_at is None else fetched_at
        with self.transaction():
            for record, xml in records:
                key, parsed = f"pmid:{record.pmid}", record.to_dict()
                times, same = self._fetch_times(key, "record", parsed, when, test_data)
                value = {
                    "schema": SCHEMA_VERSION,
                    **times,
                    "xml": xml.decode("utf-8"),
                    "record": parsed,
                }
                if test_data:
                    value["test_data"] = True
                self._write(key, value, same=same)
                self._delete(f"missing:{record.pmid}")

    def drop_record(self, pmid: str) -> None:
        """Forget ``pmid``'s record and remember, for a while, that PubMed has none."""
        self._delete(f"pmid:{pmid}")
        self.put_missing(pmid)

    def is_missing(self, pmid: str) -> bool:
        """True while a not-found result for ``pmid`` is cached (it expires)."""
        return self._read(f"missing:{pmid}") is not None

    def put_missing(self, pmid: str) -> None:
        self._write(f"missing:{pmid}", {"fetched_at": time.time()}, expire=self.missing_ttl)

    # --- DOIs -------------------------------------------------------------------------

    def get_doi(self, doi: str) -> tuple[bool, str | None]:
        """``(known, pmid)``: is the DOI's mapping cached, and its PMID (None: not in PubMed)."""
        entry = self._read(f"doi:{doi_key(doi)}")
        if entry is None or not isinstance(entry.get("pmid", ""), str | None):
            return False, None
        return True, entry.get("pmid")

    def put_doi(self, doi: str, pmid: str | None) -> None:
        expire = None if pmid else self.missing_ttl
        self._write(f"doi:{doi_key(doi)}", {"pmid": pmid, "fetched_at": time.time()}, expire=expire)

    # --- gene summaries ---------------------------------------------------------------

    def get_gene(self, gene_id: str) -> CachedGene | None:
        """The cached summary of ``gene_id``, re-parsed if stored by an older gene schema;
        None if absent.  An unreadable entry is deleted and reported as absent."""
        reparse = partial(self._reparsed_gene, gene_id)
        found = self._current(f"gene:{gene_id}", GENE_SCHEMA_VERSION, GeneRecord.from_dict, reparse)
        return None if found is None else CachedGene(*found)

    def _reparsed_gene(self, gene_id: str, entry: dict[str, Any], test_data: bool) -> GeneRecord:
        """The record of ``gene_id``'s entry of an older schema, made again from its fields
        and stored."""
        record = gene_record(gene_id, entry["fields"])
        summary = GeneSummary(gene_id, record, entry["fields"])
        self.put_genes([summary], entry["fetched_at"], test_data=test_data)
        return record

    def _current(
        self,
        key: str,
        schema: int,
        load: Callable[[Any], R],
        reparse: Callable[[dict[str, Any], bool], R],
    ) -> tuple[R, float, bool] | None:
        """The record of the entry under ``key`` (loaded as stored when of ``schema``, else
        made again by ``reparse(entry, test_data)``), when it was fetched, and whether a
        test server gave it; None if absent.  An unreadable entry is deleted and counted
        (:meth:`_drop`), so it is fetched again."""
        entry = self._read(key)
        if entry is None:
            return None
        try:
            test_data = entry.get("test_data") is True
            current = entry.get("schema") == schema
            record = load(entry["record"]) if current else reparse(entry, test_data)
            fetched_at = float(entry["fetched_at"])
        except (KeyError, TypeError, ValueError, AttributeError, BadResponse):
            self._drop(key)
            return None
        return record, fetched_at, test_data

    def put_genes(
        self,
        summaries: Iterable[GeneSummary],
        fetched_at: float | None = None,
        *,
        test_data: bool = False,
    ) -> None:
        """Store completely parsed gene summaries in one transaction (those with a record);
        clears their negative entries.  ``test_data``: they came from a test server."""
        when = time.time() if fetched_at is None else fetched_at
        with self.transaction():
            for summary in summaries:
                if summary.record is None:
                    continue
                key, parsed = f"gene:{summary.gene_id}", summary.record.to_dict()
                times, same = self._fetch_times(key, "record", parsed, when, test_data)
                value = {
                    "schema": GENE_SCHEMA_VERSION,
                    **times,
                    "fields": summary.fields,
                    "record": parsed,
                }
                if test_data:
                    value["test_data"] = True
                self._write(key, value, same=same)
                self._delete(f"gene-missing:{summary.gene_id}")

    def is_gene_missing(self, gene_id: str) -> bool:
        """True while a cached answer says NCBI Gene has no record ``gene_id`` (it expires)."""
        return self._read(f"gene-missing:{gene_id}") is not None

    def put_gene_missing(self, gene_id: str) -> None:
        """Remember, for ``missing_ttl``, that NCBI Gene has no record ``gene_id``."""
        self._delete(f"gene:{gene_id}")
        self._write(f"gene-missing:{gene_id}", {"fetched_at": time.time()}, expire=self.missing_ttl)

    def gene_ids_older_than(self, seconds: float) -> Iterator[str]:
        """Gene IDs whose summary was last fetched more than ``seconds`` ago."""
        yield from self._older_than("gene:", seconds)

    # --- refresh ----------------------------------------------------------------------

    def pmids_older_than(self, seconds: float) -> Iterator[str]:
        """PMIDs whose record was last fetched (``checked_at``) more than ``seconds`` ago."""
        yield from self._older_than("pmid:", seconds)

    def _older_than(self, prefix: str, seconds: float) -> Iterator[str]:
        cutoff = time.time() - seconds
        for key in list(self._cache.iterkeys()):
            if isinstance(key, str) and key.startswith(prefix):
                entry = self._read(key)
                if entry is None:
                    continue
                checked = max(float(entry.get("fetched_at", 0)), float(entry.get("checked_at", 0)))
                if checked < cutoff:
                    yield key[len(prefix) :]

    def _fetch_times(
        self, key: str, field: str, parsed: dict[str, Any], when: float, test_data: bool
    ) -> tuple[dict[str, float], bool]:
        """The fetch times of a new entry for ``key`` whose ``field`` is ``parsed``, fetched
        ``when``, and whether the entry there holds the same content from the same kind of
        server: then ``fetched_at``, when this content was first fetched, is kept from it;
        ``checked_at`` is when it was last fetched.  So re-fetching an unchanged record
        (``enrich refresh``) changes no report made from it, nor the cache's version;
        staleness counts from ``checked_at``."""
        old = self._read(key)
        same = (
            old is not None
            and old.get(field) == parsed
            and (old.get("test_data") is True) == test_data
            and isinstance(old.get("fetched_at"), (int, float))
        )
        first = float(old["fetched_at"]) if same else when
        return {"fetched_at": min(first, when), "checked_at": when}, same and first <= when

    def get_meta(self, key: str) -> Any:
        """A small bookkeeping value (e.g. a refresh's pending changes), or None."""
        return self._read(f"meta:{key}")

    def put_meta(self, key: str, value: Any) -> None:
        self._write(f"meta:{key}", value)

    def delete_meta(self, key: str) -> None:
        self._delete(f"meta:{key}")

    def verify(self, *, repair: bool = False) -> list[str]:
        """Problems found in the stored entries: an empty list means every entry is whole.

        A record entry is whole when its XML parses to exactly the record stored beside it,
        a gene entry when its fields do; any entry must decode.  With ``repair``, each
        damaged entry is deleted (it will be fetched again); the problems found are
        returned all the same.
        """
        problems = []
        for key in list(self._cache.iterkeys()):
            try:
                entry = self._cache.get(key, default=None, retry=True)
            except _UNDECODABLE as exc:
                problems.append(f"{key}: cannot be decoded ({type(exc).__name__})")
                if repair:
                    self._delete(key)
                continue
            problem = _entry_problem(key, entry)
            if problem:
                problems.append(f"{key}: {problem}")
                if repair:
                    self._delete(key)
        return problems

    def __len__(self) -> int:
        return len(self._cache)

    # --- raw access -------------------------------------------------------------------

    def _read(self, key: str) -> Any:
        try:
            value = self._cache.get(key, default=None, retry=True)
        except _UNDECODABLE:
            self._drop(key)
            return None
        return value if isinstance(value, dict) else None

    def _drop(self, key: str) -> None:
        """Delete a damaged entry and count it."""
        self.dropped += 1
        self._delete(key)

    def _write(
        self, key: str, value: dict[str, Any], expire: float | None = None, *, same: bool = False
    ) -> None:
        """Store ``value`` under ``key``; ``same``: what a lookup returns stays as it was."""
        with self.transaction():
            self._cache.set(key, value, expire=expire, retry=True)
            if not same and not key.startswith("meta:"):
                self._changed(key)

    def _delete(self, key: str) -> None:
        with self.transaction():
            if self._cache.delete(key, retry=True) and not key.startswith("meta:"):
                self._changed(key)


def _entry_problem(key: object, entry: Any) -> str:
    """What is wrong with a decoded entry, or "" when it is whole."""
    if not isinstance(key, str) or not isinstance(entry, dict):
        return "not an entry enrich writes"
    if key.startswith("gene:"):
        return _gene_problem(key, entry)
    if not key.startswith("pmid:"):
        return ""
    try:
        stored = PaperRecord.from_dict(entry["record"])
        reparsed = parse_record(entry["xml"].encode("utf-8"))
    except (KeyError, TypeError, ValueError, AttributeError, BadResponse) as exc:
        return f"unreadable entry ({exc})"
    if stored != reparsed or stored.pmid != key[len("pmid:") :]:
        return "stored record differs from its XML"
    return ""


def _gene_problem(key: str, entry: dict[str, Any]) -> str:
    """What is wrong with a decoded gene entry, or "" when it is whole."""
    try:
        stored = GeneRecord.from_dict(entry["record"])
        reparsed = gene_record(key[len("gene:") :], entry["fields"])
    except (KeyError, TypeError, ValueError, AttributeError, BadResponse) as exc:
        return f"unreadable entry ({exc})"
    return "" if stored == reparsed else "stored gene record differs from its fields"


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
