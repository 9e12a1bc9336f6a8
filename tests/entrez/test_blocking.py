"""The one-call resolvers from inside a running event loop (a Jupyter cell, an asyncio
application), and their ``*_async`` forms."""

from __future__ import annotations

import asyncio
import gc
import threading
from concurrent.futures import ThreadPoolExecutor
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

    with pytest.raises(OutputError, match=r"cannot use .*/file for the cache: it is a file"):
        asyncio.run(cell())


def _open_files_under(folder: Path) -> list[str]:
    """The files under ``folder`` this process holds open (Linux's /proc)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:  # closed meanwhile (the listing's own descriptor)
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_no_cache_file_stays_open_after_a_call_returns(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """Once resolve_citations and resolve_genes return, no file of the cache folder is open:
    the connections of the threads that stored the fetched records are closed too, not left
    for the garbage collector (sqlite3 connections sit in a reference cycle)."""
    eutils = EutilsSettings(base_url=eutils_server.url)
    gc.disable()
    try:
        resolve_citations([f"pmid:{PMID}"], cache_dir=tmp_path / "c", eutils=eutils)
        resolve_genes([GENE], cache_dir=tmp_path / "c", eutils=eutils)
        assert _open_files_under(tmp_path) == []
    finally:
        gc.enable()


def test_threads_may_resolve_at_once_with_one_cache_folder(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """Several threads calling resolve_citations at once with one cache folder each get the
    record, and the cache holds it once."""
    eutils = EutilsSettings(base_url=eutils_server.url)
    key = f"pmid:{PMID}"
    with ThreadPoolExecutor(4) as pool:
        calls = [
            pool.submit(resolve_citations, [key], cache_dir=tmp_path, eutils=eutils)
            for _ in range(4)
        ]
        statuses = {call.result().resolutions[key].status for call in calls}
    assert statuses == {Status.RESOLVED}
    assert resolve_citations([key], cache_dir=tmp_path, eutils=eutils, offline=True).cache_hits
