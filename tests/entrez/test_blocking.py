"""The one-call resolvers from inside a running event loop (a Jupyter cell, an asyncio
application), and their ``*_async`` forms."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from enrich import (
    EutilsSettings,
    Status,
    resolve_citations,
    resolve_citations_async,
    resolve_genes,
    resolve_genes_async,
)
from enrich.errors import OutputError
from enrich.testing import EutilsServer

PMID = "18598946"  #: cited by examples/, so among the default records
GENE = "7291"  #: TWIST1, among the default gene summaries


def test_resolve_citations_blocks_inside_a_running_event_loop(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """Called synchronously in a coroutine, as in a Jupyter cell, resolve_citations and
    resolve_genes resolve instead of failing with "asyncio.run() cannot be called from a
    running event loop", and leave no thread behind."""
    eutils = EutilsSettings(base_url=eutils_server.url)
    before = set(threading.enumerate())

    async def cell() -> tuple[Status, str]:
        papers = resolve_citations([f"pmid:{PMID}"], cache_dir=tmp_path, eutils=eutils)
        genes = resolve_genes([GENE], cache_dir=tmp_path, eutils=eutils)
        return papers.resolutions[f"pmid:{PMID}"].status, str(genes.lookups[GENE].status)

    assert asyncio.run(cell()) == (Status.RESOLVED, "found")
    assert set(threading.enumerate()) <= before


def test_async_forms_resolve_in_the_callers_loop(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """resolve_citations_async and resolve_genes_async are awaited in the caller's own loop,
    which runs other tasks meanwhile, and give what the one-call forms give."""
    eutils = EutilsSettings(base_url=eutils_server.url)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def app() -> None:
        task = asyncio.create_task(ticker())
        papers = await resolve_citations_async(
            [f"pmid:{PMID}", "doi:10.5555/nowhere"], cache_dir=tmp_path, eutils=eutils
        )
        genes = await resolve_genes_async([GENE], cache_dir=tmp_path, eutils=eutils)
        task.cancel()
        assert papers.resolutions[f"pmid:{PMID}"].status is Status.RESOLVED
        assert papers.resolutions["doi:10.5555/nowhere"].status is Status.NOT_IN_PUBMED
        assert papers.requests > 0
        assert str(genes.lookups[GENE].status) == "found"

    asyncio.run(app())
    assert ticks > 1
    again = resolve_citations([f"pmid:{PMID}"], cache_dir=tmp_path, eutils=eutils, offline=True)
    assert again.cache_hits == 1


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_no_coroutine_is_left_unawaited_when_resolving_fails(tmp_path: Path) -> None:
    """An error raised while resolving (here: the cache folder is a file) comes out of the
    call as it is, and no coroutine is left never awaited."""
    (tmp_path / "file").write_text("")

    async def cell() -> None:
        resolve_citations(["pmid:1"], cache_dir=tmp_path / "file", eutils=EutilsSettings())

    with pytest.raises(OutputError, match=r"cache folder .* is not usable"):
        asyncio.run(cell())
