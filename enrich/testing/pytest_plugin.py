"""pytest fixtures for the local E-utilities server.

Enable with ``pytest_plugins = ["enrich.testing.pytest_plugin"]`` in the root ``conftest.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from enrich.testing._genes import GeneStore
from enrich.testing._records import RecordStore
from enrich.testing.redis_server import RedisServer, RedisUnavailable
from enrich.testing.server import EutilsServer

ServerFactory = Callable[..., EutilsServer]


@pytest.fixture
def make_eutils_server() -> Iterator[ServerFactory]:
    """A factory ``make(records=None, **kwargs)`` of started servers, all stopped at teardown.

    ``records`` defaults to a fresh copy of the default records, with the default gene
    summaries unless ``genes`` is given; ``kwargs`` go to ``EutilsServer``.
    """
    servers: list[EutilsServer] = []

    def make(records: RecordStore | Path | str | None = None, **kwargs: Any) -> EutilsServer:
        if records is None:
            records = RecordStore.default()
            kwargs.setdefault("genes", GeneStore.default())
        server = EutilsServer(records, **kwargs)
        servers.append(server.start())
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def eutils_server(make_eutils_server: ServerFactory) -> EutilsServer:
    """A started server over the default records with NCBI's default limits and no faults."""
    return make_eutils_server()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A started ``redis-server`` on a free loopback port, stopped at teardown.

    Where the binary is absent the test is skipped with the reason, except under
    ``CI=true``, whose script installs it: there the test fails.
    """
    server = RedisServer()
    try:
        server.start()
    except RedisUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc}: CI must install it (.ci/run does)")
        pytest.skip(f"{exc}: the Redis rate limiter is tested against a real server")
    yield server
    server.stop()
