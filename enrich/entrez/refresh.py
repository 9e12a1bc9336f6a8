"""Periodic re-check of cached records: new retractions, errata, changed metadata.

:func:`refresh_cache` promises, so that it is safe from cron:

* one refresh per cache at a time (an exclusive lock file; a second one fails fast
  with :class:`RefreshLocked`);
* each batch's new records are stored as soon as they arrive, together with the
  changes they show (in a journal kept in the cache), so an interrupted refresh
  resumes where it stopped without re-fetching what it already refreshed, and
  without losing the changes it had found;
* running it again at once finds nothing stale and changes nothing (idempotent);
* the report ``refresh-<date>.md`` / ``.json`` of a day gathers every change
  found that day, across runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from enrich.cache import CitationCache
from enrich.errors import EnrichError, EutilsError, OutputError
from enrich.eutils import EutilsClient, EutilsSettings
from enrich.identifiers import doi_key
from enrich.model import PaperRecord
from enrich.pubmed import iter_records
from enrich.report.files import atomic_write_text, inside, prepare_out_dir
from enrich.report.markdown import md_escape, pubmed_url

__all__ = ["Change", "RefreshLocked", "RefreshResult", "compare", "parse_age", "refresh_cache"]

_JOURNAL = "refresh-pending"
RETRY_BATCH = 50
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class RefreshLocked(EnrichError):
    """Another refresh holds the cache's lock."""


@dataclass(frozen=True, slots=True)
class Change:
    """One thing PubMed now says differently about a cited paper."""

    pmid: str
    kind: str  #: retracted, erratum, expression_of_concern, doi_changed, title_changed, withdrawn
    detail: str
    title: str = ""


@dataclass
class RefreshResult:
    checked: int = 0
    refreshed: int = 0
    failed: int = 0
    changes: list[Change] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        lines = [
            f"stale records {self.checked}, refreshed {self.refreshed}, "
            f"failed {self.failed} (retried next time), changes {len(self.changes)}"
        ]
        lines += [f"  PMID {c.pmid}: {c.kind}: {c.detail}" for c in self.changes]
        lines += [f"report {path}" for path in self.reports]
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
        notices = ", ".join(r.pmid or r.source for r in new.related("RetractionIn"))
        changes.append(
            Change(pmid, "retracted", f"now retracted ({notices or 'publication type'})", title)
        )
    for kind, ref_type in (
        ("erratum", "ErratumIn"),
        ("expression_of_concern", "ExpressionOfConcernIn"),
    ):
        before = {(r.pmid, r.source) for r in old.related(ref_type)}
        for relation in new.related(ref_type):
            if (relation.pmid, relation.source) not in before:
                changes.append(
                    Change(pmid, kind, f"{ref_type} {relation.pmid or relation.source}", title)
                )
    if doi_key(old.doi or "") != doi_key(new.doi or ""):
        changes.append(Change(pmid, "doi_changed", f"DOI {old.doi} -> {new.doi}", title))
    if _words(old.title) != _words(new.title):
        changes.append(Change(pmid, "title_changed", f"was: {old.title}", title))
    return changes


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def refresh_cache(
    cache_dir: Path,
    out_dir: Path,
    eutils: EutilsSettings,
    *,
    max_age: float,
    transport: httpx.AsyncBaseTransport | None = None,
    on_total: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
) -> RefreshResult:
    """Re-fetch cached records older than ``max_age`` seconds and report what changed."""
    with _exclusive(cache_dir), CitationCache(cache_dir) as cache:
        stale = sorted(cache.pmids_older_than(max_age), key=int)
        if on_total:
            on_total(len(stale))
        result = RefreshResult(checked=len(stale))
        asyncio.run(_refresh(stale, cache, eutils, transport, result, progress or (lambda n: None)))
        pending = [Change(**c) for c in (cache.get_meta(_JOURNAL) or {}).get("changes", [])]
        result.changes = pending
        if stale or pending:
            result.reports = _write_report(out_dir, today or dt.date.today(), result)
        cache.delete_meta(_JOURNAL)
        return result


async def _refresh(
    stale: list[str],
    cache: CitationCache,
    eutils: EutilsSettings,
    transport: httpx.AsyncBaseTransport | None,
    result: RefreshResult,
    progress: Callable[[int], None],
) -> None:
    async with EutilsClient(eutils, transport=transport) as client:
        absent: list[str] = []
        for batch in _batches(stale, eutils.batch_size):
            parsed = await _fetch(client, batch)
            if parsed is None:
                result.failed += len(batch)
            else:
                absent += _store_batch(cache, batch, parsed, result)
            progress(len(batch))
        # A short reply may be NCBI's hiccup: ask the absent PMIDs again, alone, before
        # believing that PubMed withdrew them.
        for batch in _batches(absent, RETRY_BATCH):
            parsed = await _fetch(client, batch)
            if parsed is None:
                result.failed += len(batch)
            else:
                _withdraw(cache, _store_batch(cache, batch, parsed, result), result)


def _batches(pmids: list[str], size: int) -> list[list[str]]:
    return [pmids[i : i + size] for i in range(0, len(pmids), size)]


async def _fetch(client: EutilsClient, batch: list[str]) -> list[tuple[PaperRecord, bytes]] | None:
    """The records of an efetch for ``batch``, or None when it failed (retried next run)."""
    params = {"db": "pubmed", "id": ",".join(batch), "retmode": "xml"}
    try:
        return await client.call("efetch.fcgi", params, lambda body: list(iter_records(body)))
    except EutilsError:
        return None


def _store_batch(
    cache: CitationCache,
    batch: list[str],
    parsed: list[tuple[PaperRecord, bytes]],
    result: RefreshResult,
) -> list[str]:
    """Store the new versions with the changes they show; return the PMIDs the reply lacked.

    Records and journal entries are written in one transaction, so an interrupted
    refresh never holds a refreshed record whose change went unrecorded.
    """
    fresh = {record.pmid: (record, xml) for record, xml in parsed if record.pmid in batch}
    changes: list[Change] = []
    for pmid, (record, _) in fresh.items():
        old = cache.get_record(pmid)
        if old is not None:
            changes.extend(compare(old.record, record))
    with cache.transaction():
        _journal(cache, changes)
        cache.put_records(fresh.values())
    result.refreshed += len(fresh)
    return [pmid for pmid in batch if pmid not in fresh]


def _withdraw(cache: CitationCache, pmids: list[str], result: RefreshResult) -> None:
    """Forget records PubMed no longer returns (asked twice), reporting each."""
    for pmid in pmids:
        old = cache.get_record(pmid)
        with cache.transaction():
            if old is not None:
                reason = "PubMed no longer returns this record"
                _journal(cache, [Change(pmid, "withdrawn", reason, old.record.title)])
            cache.drop_record(pmid)


def _journal(cache: CitationCache, changes: list[Change]) -> None:
    if changes:
        journal = cache.get_meta(_JOURNAL) or {"changes": []}
        journal["changes"].extend(asdict(c) for c in changes)
        cache.put_meta(_JOURNAL, journal)


@contextmanager
def _exclusive(cache_dir: Path) -> Iterator[None]:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle = (cache_dir / "refresh.lock").open("a")
    except OSError as exc:
        raise OutputError(f"cache folder {cache_dir} is not usable: {exc.strerror or exc}") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RefreshLocked(f"another enrich refresh is running on {cache_dir}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_report(out_dir: Path, day: dt.date, result: RefreshResult) -> list[Path]:
    """Write (or extend) the day's refresh report; returns the two paths."""
    json_path = out_dir / f"refresh-{day.isoformat()}.json"
    earlier = _read_report(json_path)
    seen = {(c["pmid"], c["kind"], c["detail"]) for c in earlier.get("changes", [])}
    changes = earlier.get("changes", []) + [
        asdict(c) for c in result.changes if (c.pmid, c.kind, c.detail) not in seen
    ]
    data = {
        "date": day.isoformat(),
        "runs": earlier.get("runs", 0) + 1,
        "checked": earlier.get("checked", 0) + result.checked,
        "refreshed": earlier.get("refreshed", 0) + result.refreshed,
        "failed": result.failed,
        "changes": changes,
    }
    folder = prepare_out_dir(out_dir)
    md_path = inside(folder, f"refresh-{day.isoformat()}.md")
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    atomic_write_text(inside(folder, json_path.name), text)
    atomic_write_text(md_path, _markdown(data))
    return [md_path, json_path]


def _read_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _markdown(data: dict[str, Any]) -> str:
    lines = [
        f"# Citation refresh {data['date']}",
        "",
        f"Records checked: {data['checked']}; refreshed: {data['refreshed']}; "
        f"failed (retried next run): {data['failed']}; runs today: {data['runs']}.",
        "",
    ]
    if not data["changes"]:
        return "\n".join([*lines, "No changes.", ""])
    lines += ["| PMID | change | detail | title |", "|---|---|---|---|"]
    for c in data["changes"]:
        link = f"[{md_escape(c['pmid'])}]({pubmed_url(c['pmid'])})"
        cells = [md_escape(c[key]) for key in ("kind", "detail", "title")]
        lines.append("| " + " | ".join([link, *cells]) + " |")
    return "\n".join([*lines, ""])
