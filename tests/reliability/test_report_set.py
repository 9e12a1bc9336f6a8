"""A report set is never lost by a mistake or an interruption: a missing path or an empty
folder touches nothing, a folder that cannot be used is refused before any work, and Ctrl-C
or SIGTERM half-way leaves the previous set exactly as it was, with one line and exit 130
or 143."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.conftest import (
    enrich_env,
    run_command,
    run_enrich,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)

PMIDS = synthetic_pmids(40, start=95_000_000)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every entry of ``folder`` with its bytes and modification time (ns)."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


@pytest.fixture
def previous_set(make_eutils_server: Any, tmp_path: Path) -> tuple[Path, Any]:
    """A folder holding the complete report set of a first run over 20 documents, and the
    server it was made with."""
    server = make_eutils_server(synthetic_store(PMIDS), rate_limit=None)
    write_corpus(tmp_path / "docs", PMIDS, per_document=2)
    result = run_enrich([tmp_path / "docs"], tmp_path / "out", tmp_path / "cache", server.url)
    assert result.returncode == 0, result.stderr
    return tmp_path / "out", server


def test_missing_path_is_a_usage_error_that_touches_nothing(
    previous_set: tuple[Path, Any], tmp_path: Path
) -> None:
    """``enrich run nosuch/`` exits 2 naming the path, before any work: the previous report
    set is untouched and no request is made."""
    out, server = previous_set
    before = _snapshot(out)
    server.reset_log()
    result = run_enrich([tmp_path / "nosuch"], out, tmp_path / "cache", server.url)
    assert result.returncode == 2, result.stderr
    assert "nosuch does not exist" in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(out) == before and server.requests == []


def test_empty_folder_is_an_error_that_touches_nothing(
    previous_set: tuple[Path, Any], tmp_path: Path
) -> None:
    """A folder without documents exits 1 saying what was looked for; the previous set is
    untouched."""
    out, server = previous_set
    before = _snapshot(out)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "data.csv").write_text("not a document\n", encoding="utf-8")
    result = run_enrich([tmp_path / "empty"], out, tmp_path / "cache", server.url)
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: no documents found in") and ".md" in line
    assert _snapshot(out) == before


@pytest.mark.parametrize("which", ["--out", "--cache-dir"])
def test_a_file_given_as_a_folder_is_refused_before_any_work(
    make_eutils_server: Any, tmp_path: Path, which: str
) -> None:
    """--out or --cache-dir naming a file is one line naming it, before any document is read
    or any folder created."""
    server = make_eutils_server(synthetic_store(PMIDS[:2]), rate_limit=None)
    write_corpus(tmp_path / "docs", PMIDS[:2], per_document=1)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    out, cache = (a_file, tmp_path / "cache") if which == "--out" else (tmp_path / "out", a_file)
    result = run_enrich([tmp_path / "docs"], out, cache, server.url)
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("error:") and str(a_file) in line and "not a folder" in line
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()
    assert server.requests == []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_run_keeps_the_previous_set(
    previous_set: tuple[Path, Any], tmp_path: Path, signum: int, code: int
) -> None:
    """Ctrl-C (or SIGTERM) while a second run, with two workers, is writing its reports:
    exit 130 (143), one line saying what was kept, no traceback from any process, the
    previous set byte for byte as it was, and no staging folder left."""
    out, server = previous_set
    before = _snapshot(out)
    more = synthetic_pmids(40, start=95_100_000)
    synthetic_store(more, into=server.records)
    write_corpus(tmp_path / "docs2", more, per_document=2)
    server.latency = 0.4  # slow enough to be caught while reports are being written
    log = tmp_path / "log"
    argv = run_command([tmp_path / "docs2"], out, tmp_path / "cache", "--jobs", "2")
    argv += ["--batch-size", "4"]
    with log.open("w") as sink:
        process = subprocess.Popen(argv, env=enrich_env(server.url), stdout=sink, stderr=sink)
        deadline = time.monotonic() + 60
        while "writing reports: " not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        process.send_signal(signum)
        returncode = process.wait(timeout=30)
    text = log.read_text()
    assert returncode == code, text
    assert "Traceback" not in text
    (line,) = [line for line in text.splitlines() if line.startswith("interrupted")]
    assert f"the previous reports in {out} are kept" in line and "rerun resumes" in line
    assert _snapshot(out) == before


def test_an_interrupted_first_run_says_nothing_was_written(
    previous_set: tuple[Path, Any], tmp_path: Path
) -> None:
    """SIGTERM during a first run into an empty folder: the line says no reports were
    written there, never that "the previous reports" (there are none) are kept."""
    _, server = previous_set
    more = synthetic_pmids(40, start=95_200_000)
    synthetic_store(more, into=server.records)
    write_corpus(tmp_path / "docs3", more, per_document=2)
    server.latency = 0.4
    out, log = tmp_path / "first", tmp_path / "log3"
    argv = run_command([tmp_path / "docs3"], out, tmp_path / "cache3", "--batch-size", "4")
    with log.open("w") as sink:
        process = subprocess.Popen(argv, env=enrich_env(server.url), stdout=sink, stderr=sink)
        deadline = time.monotonic() + 60
        while "resolving citations: " not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=30)
    text = log.read_text()
    assert returncode == 143, text
    (line,) = [line for line in text.splitlines() if line.startswith("interrupted")]
    assert f"no reports were written to {out}" in line and "previous" not in line
    assert not (out / "index.html").exists()
