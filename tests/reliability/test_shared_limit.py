"""Several ``enrich`` processes at once with one API key, against a local server that
enforces NCBI's 10 requests/s for the key: machine-wide by default, through Redis for
processes that share no home folder, a kill -9 among them, and a limiter that cannot
be used."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from enrich.testing import EutilsServer
from tests.reliability.conftest import (
    API_KEY,
    FIRST_PMID,
    RUN_TIMEOUT,
    assert_one_line_error,
    enrich_env,
    run_command,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)

RATE = 10  #: NCBI's limit with a key, which the server enforces
BATCH = 5  #: PMIDs per request: small, so that a few PMIDs make many requests
REQUESTS = 48  #: requests of all the processes together: a shared floor of 4.8 s


def process_pmids(process: int, requests: int) -> list[str]:
    """The PMIDs of one process (disjoint from the others'): ``requests`` batches' worth."""
    return synthetic_pmids(requests * BATCH, start=FIRST_PMID + 10_000 * process)


def resolve_argv(pmids: list[str], cache: Path) -> list[str]:
    """``enrich resolve PMIDS --format json`` in batches of BATCH with its own cache."""
    options = ["--format", "json", "--batch-size", str(BATCH), "--cache-dir", str(cache)]
    return [sys.executable, "-m", "enrich", "resolve", *pmids, *options]


def environments(
    server: EutilsServer, tmp_path: Path, count: int, redis_url: str | None
) -> list[dict[str, str]]:
    """One environment per process, all with the one API key.  Without ``redis_url`` they
    share one user's state folder (as processes of one user on one machine do); with it,
    each has a home and state folder of its own (as on separate machines)."""
    envs = []
    for n in range(count):
        env = enrich_env(server.url)
        if redis_url is None:
            env["XDG_STATE_HOME"] = str(tmp_path / "state")
        else:
            home = tmp_path / f"home-{n}"
            env.update(
                HOME=str(home),
                XDG_STATE_HOME=str(home / ".local" / "state"),
                ENRICH_RATE_LIMITER=redis_url,
            )
        envs.append(env)
    return envs


def start(argvs: list[list[str]], envs: list[dict[str, str]]) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for argv, env in zip(argvs, envs, strict=True)
    ]


def assert_all_resolved(process: subprocess.Popen[str], pmids: list[str]) -> None:
    """The process exited 0 and printed every one of ``pmids`` as resolved."""
    out, err = process.communicate(timeout=RUN_TIMEOUT)
    assert process.returncode == 0, err
    rows = json.loads(out)
    assert [row["identifier"] for row in rows] == pmids
    assert {row["status"] for row in rows} == {"resolved"}, err


def redis_url_for(backend: str, request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_server").url if backend == "redis" else None


@pytest.mark.parametrize("count", [2, 4])
@pytest.mark.parametrize("backend", ["machine", "redis"])
def test_processes_with_one_key_share_ncbis_limit(
    make_eutils_server: Any,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    backend: str,
    count: int,
) -> None:
    """Two or four ``enrich resolve`` processes started at once with one key get no 429,
    resolve every PMID and together take at most 1.5x the floor their requests set at
    10/s, from the first request (Python's start-up, which the limiter does not govern,
    varies with the machine's load) to the last process's exit."""
    per_process = REQUESTS // count
    pmids = [process_pmids(n, per_process) for n in range(count)]
    server = make_eutils_server(
        synthetic_store([p for group in pmids for p in group]), api_key_rate_limit=RATE
    )
    envs = environments(server, tmp_path, count, redis_url_for(backend, request))
    began = time.monotonic()
    processes = start(
        [resolve_argv(group, tmp_path / f"cache-{n}") for n, group in enumerate(pmids)], envs
    )
    for process, group in zip(processes, pmids, strict=True):
        assert_all_resolved(process, group)
    ended = time.monotonic()
    first = min(entry.time for entry in server.requests)
    wall = ended - first
    floor = REQUESTS / RATE
    assert first - began < 30  # every process started
    assert server.count(status=429, api_key=API_KEY) == 0
    assert server.count(api_key=API_KEY) == REQUESTS
    assert wall <= 1.5 * floor, f"{wall:.2f} s for a floor of {floor:.1f} s"


@pytest.mark.parametrize("backend", ["machine", "redis"])
def test_a_killed_process_does_not_stall_the_others(
    make_eutils_server: Any, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    """kill -9 of one of three processes mid-run leaves no gap of a second in the others'
    requests, and they finish with every PMID resolved and no 429."""
    pmids = [process_pmids(n, 10) for n in range(3)]
    server = make_eutils_server(
        synthetic_store([p for group in pmids for p in group]), api_key_rate_limit=RATE
    )
    envs = environments(server, tmp_path, 3, redis_url_for(backend, request))
    processes = start(
        [resolve_argv(group, tmp_path / f"cache-{n}") for n, group in enumerate(pmids)], envs
    )
    victim = set(pmids[0])
    deadline = time.monotonic() + 30
    while sum(_asked(entry) <= victim for entry in server.requests) < 3:
        assert time.monotonic() < deadline, "the first process never got going"
        time.sleep(0.01)
    processes[0].send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    processes[0].communicate()
    assert processes[0].returncode == -signal.SIGKILL  # killed mid-run, not finished
    for process, group in zip(processes[1:], pmids[1:], strict=True):
        assert_all_resolved(process, group)
    arrivals = [e.time for e in server.requests if not _asked(e) <= victim]
    around = [killed_at] + [t for t in arrivals if t > killed_at]
    gaps = [b - a for a, b in itertools.pairwise(around)]
    assert max(gaps) < 1.0, f"a gap of {max(gaps):.2f} s after the kill"
    assert server.count(status=429, api_key=API_KEY) == 0


def _asked(entry: Any) -> set[str]:
    return set(entry.params.get("id", "").split(","))


@pytest.mark.parametrize("command", ["resolve", "run"])
@pytest.mark.parametrize("unusable", ["redis down", "state folder unwritable"])
def test_an_unusable_limiter_is_one_line_before_any_request(
    eutils_server: EutilsServer, tmp_path: Path, command: str, unusable: str
) -> None:
    """A Redis server that does not answer, or a state folder that cannot be made, ends the
    command in one line (exit 1) before any request and before any report."""
    env = enrich_env(eutils_server.url)
    if unusable == "redis down":
        env["ENRICH_RATE_LIMITER"] = "redis://127.0.0.1:1/0"
        needles = ["rate limiter redis://127.0.0.1:1/0 cannot be used"]
    else:
        (tmp_path / "file").write_text("in the way")
        env["ENRICH_STATE_DIR"] = str(tmp_path / "file" / "state")
        needles = ["rate limiter state folder", "file/state"]
    docs = write_corpus(tmp_path / "docs", ["18598946"], per_document=1)
    argv = (
        resolve_argv(["18598946"], tmp_path / "cache")
        if command == "resolve"
        else run_command(docs, tmp_path / "out", tmp_path / "cache")
    )
    result = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    assert_one_line_error(result, *needles)
    assert eutils_server.requests == []
    assert not (tmp_path / "out").exists()
