"""Running a resolver's coroutine to its end from synchronous code, event loop or not.

The one-call functions (:func:`~enrich.entrez.resolve.resolve_citations`,
:func:`~enrich.entrez.gene_names.resolve_genes`, :func:`~enrich.entrez.refresh.refresh_cache`)
block until done.  ``asyncio.run`` refuses to start inside a running event loop, and a
Jupyter cell runs inside one: there the coroutine runs in a thread of its own, and the
caller waits for it as it would for any blocking call.  Asynchronous code awaits the
``*_async`` functions instead, and its loop goes on meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["run_blocking"]

T = TypeVar("T")


def run_blocking(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine ``work()`` makes in an event loop of its own and return its result:
    in this thread, or in a thread of its own when this one already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work())
    with ThreadPoolExecutor(1, thread_name_prefix="enrich-resolve") as thread:
        return thread.submit(lambda: asyncio.run(work())).result()
