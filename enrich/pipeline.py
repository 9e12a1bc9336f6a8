"""The whole job, stage after stage: extract -> resolve -> audit -> (write).

The CLI's ``run`` and ``audit`` commands call :func:`enrich_documents`; it owns
no parsing, HTTP or rendering of its own, only the order of the stages and the
run's summary.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from enrich.audit import AuditSettings, audit_document, corpus_stats, summarize
from enrich.cache import CitationCache
from enrich.eutils import EutilsClient, EutilsSettings
from enrich.extract import iter_documents
from enrich.model import AuditedDocument, Document, Resolution, RunSummary, Status, Style
from enrich.resolve import resolve_keys

__all__ = [
    "Enrichment",
    "Resolved",
    "citation_keys",
    "enrich_documents",
    "read_documents",
    "resolve_citations",
]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Enrichment:
    """The audited documents of a run and what the run did."""

    documents: list[AuditedDocument]
    resolutions: dict[str, Resolution]
    summary: RunSummary

    @property
    def unresolved(self) -> int:
        return self.summary.citations.get(str(Status.UNRESOLVED), 0)


def read_documents(paths: Iterable[Path], style: Style | None = None) -> list[Document]:
    """Every input document, in walk order (see :mod:`enrich.extract`)."""
    return list(iter_documents(paths, style))


def citation_keys(documents: Iterable[Document]) -> list[str]:
    """The distinct citation keys of ``documents``, in first-seen order."""
    return list(dict.fromkeys(c.key for d in documents for c in d.all_citations()))


@dataclass(frozen=True)
class Resolved:
    """The resolutions of a set of citation keys and what obtaining them cost."""

    resolutions: dict[str, Resolution]
    requests: int
    cache_hits: int


def resolve_citations(
    keys: Sequence[str],
    *,
    cache_dir: Path,
    eutils: EutilsSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    on_keys: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> Resolved:
    """Resolve citation ``keys``, cache first; ``offline`` makes no network request.

    ``on_keys`` is told how many keys will be resolved; ``progress`` how many
    more are settled, as they are.
    """
    if on_keys:
        on_keys(len(keys))
    with CitationCache(cache_dir) as cache:
        resolutions, requests = asyncio.run(
            _resolve(list(keys), cache, None if offline else eutils, transport, progress)
        )
        return Resolved(resolutions, requests, cache.hits)


def enrich_documents(
    documents: Sequence[Document],
    *,
    cache_dir: Path,
    eutils: EutilsSettings,
    audit: AuditSettings,
    offline: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    on_keys: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> Enrichment:
    """Resolve every citation of ``documents`` (see :func:`resolve_citations`); audit each claim."""
    resolved = resolve_citations(
        citation_keys(documents),
        cache_dir=cache_dir,
        eutils=eutils,
        offline=offline,
        transport=transport,
        on_keys=on_keys,
        progress=progress,
    )
    stats = corpus_stats(documents)
    audited = [audit_document(d, resolved.resolutions, stats, audit) for d in documents]
    grades, flags = summarize(audited)
    summary = RunSummary(
        documents=len(documents),
        claims=sum(len(d.claims) for d in documents),
        problems=sum(len(d.problems) for d in documents),
        grades=grades,
        flags=flags,
        citations=dict(Counter(str(r.status) for r in resolved.resolutions.values())),
        requests=resolved.requests,
        cache_hits=resolved.cache_hits,
        offline=offline,
    )
    return Enrichment(audited, resolved.resolutions, summary)


async def _resolve(
    keys: list[str],
    cache: CitationCache,
    eutils: EutilsSettings | None,
    transport: httpx.AsyncBaseTransport | None,
    progress: Progress | None,
) -> tuple[dict[str, Resolution], int]:
    if eutils is None:
        return await resolve_keys(keys, cache, None, progress=progress), 0
    async with EutilsClient(eutils, transport=transport) as client:
        resolutions = await resolve_keys(
            keys,
            cache,
            client,
            batch_size=eutils.batch_size,
            concurrency=eutils.concurrency,
            progress=progress,
        )
        return resolutions, client.requests
