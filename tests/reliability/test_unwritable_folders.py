"""Cache and report folders that cannot be written: read-only, full, or below a file.

Read-only folders are read-only bind mounts as root (EROFS, as on a read-only volume) and
``chmod 0555`` otherwise; a full disk is a small tmpfs (skipped where ``mount`` is not
allowed) or, anywhere, a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) on the run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from enrich.entrez.cache import CitationCache
from enrich.testing import EutilsServer
from tests.reliability.conftest import (
    RUN_TIMEOUT,
    assert_no_partial_reports,
    assert_one_line_error,
    enrich_env,
    fill,
    full_disk,
    read_only,
    run_command,
    run_enrich,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)

N_PMIDS = 300  #: about 450 KB of cache: more than the small disks below hold


@pytest.fixture
def corpus(make_eutils_server: Any, tmp_path: Path) -> tuple[Path, EutilsServer]:
    """A folder of documents citing ``N_PMIDS`` synthetic PMIDs, and a server holding them."""
    pmids = synthetic_pmids(N_PMIDS)
    write_corpus(tmp_path / "docs", pmids, per_document=30)
    return tmp_path / "docs", make_eutils_server(synthetic_store(pmids), rate_limit=None)


@pytest.mark.parametrize("populated", [False, True], ids=["empty", "populated"])
def test_read_only_cache_folder(
    corpus: tuple[Path, EutilsServer], tmp_path: Path, populated: bool
) -> None:
    """A read-only cache folder, empty or holding every record, ends in one error line naming
    it (exit 1, no traceback) and leaves no partial file in the output folder."""
    docs, server = corpus
    cache, out = tmp_path / "cache", tmp_path / "out"
    if populated:
        assert run_enrich([docs], tmp_path / "first", cache, server.url).returncode == 0
    with read_only(cache):
        result = run_enrich([docs], out, cache, server.url)
    assert_one_line_error(result, str(cache))
    assert_no_partial_reports(out)


def test_full_cache_disk(corpus: tuple[Path, EutilsServer], tmp_path: Path) -> None:
    """A cache folder on a disk with no space left ends in one error line naming the folder
    (exit 1, no traceback) and leaves no partial file in the output folder."""
    docs, server = corpus
    out = tmp_path / "out"
    with full_disk(tmp_path / "disk", 256) as disk:
        fill(disk)
        result = run_enrich([docs], out, disk / "cache", server.url)
    assert_one_line_error(result, str(disk / "cache"))
    assert_no_partial_reports(out)


def test_cache_disk_filling_up_mid_run(corpus: tuple[Path, EutilsServer], tmp_path: Path) -> None:
    """When the cache's disk fills up during the run, it stops with one error line naming the
    cache folder, no partial report, and every entry stored so far whole."""
    docs, server = corpus
    out, rescued = tmp_path / "out", tmp_path / "rescued"
    with full_disk(tmp_path / "disk", 400) as disk:
        result = run_enrich([docs], out, disk, server.url, "--batch-size", "10")
        assert server.count(endpoint="efetch.fcgi", status=200) > 1, "filled up too early"
        shutil.copytree(disk, rescued)  # as if the disk had been given more room
    assert_one_line_error(result, str(disk))
    assert_no_partial_reports(out)
    with CitationCache(rescued) as cache:
        assert cache.verify() == []


#: Runs ``python -m enrich ARGS`` with files limited to LIMIT bytes: a write past it fails
#: with EFBIG (SIGXFSZ ignored) as on a full disk.  A wrapper, not ``preexec_fn``, because
#: the test process runs server threads.
LIMITED = (
    "import os, resource, signal, sys; "
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "limit = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])"
)


def test_file_size_limit_on_the_cache(corpus: tuple[Path, EutilsServer], tmp_path: Path) -> None:
    """A cache that stops growing mid-run (RLIMIT_FSIZE stands in for a full disk, no root
    needed) ends in one error line naming the cache folder, no partial report, and every
    entry stored so far whole."""
    docs, server = corpus
    cache, out = tmp_path / "cache", tmp_path / "out"
    argv = run_command([docs], out, cache, "--batch-size", "10")
    result = subprocess.run(
        [sys.executable, "-c", LIMITED, "300000", *argv[1:]],
        env=enrich_env(server.url),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert server.count(endpoint="efetch.fcgi", status=200) > 1, "the limit hit before any fetch"
    assert_one_line_error(result, str(cache))
    assert_no_partial_reports(out)
    with CitationCache(cache) as stored:
        assert stored.verify() == []


def test_read_only_output_folder(corpus: tuple[Path, EutilsServer], tmp_path: Path) -> None:
    """A read-only output folder ends in one error line naming it (exit 1, no traceback),
    and the folder is left exactly as it was."""
    docs, server = corpus
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.md").write_text("an earlier report\n")
    with read_only(out):
        result = run_enrich([docs], out, tmp_path / "cache", server.url)
    assert_one_line_error(result, str(out))
    assert [p.name for p in out.iterdir()] == ["notes.md"]


@pytest.mark.parametrize("folder", ["out", "cache"])
def test_folder_below_a_regular_file(
    corpus: tuple[Path, EutilsServer], tmp_path: Path, folder: str
) -> None:
    """An output or cache folder whose parent is a regular file ends in one error line naming
    it (exit 1, no traceback), and no partial report is left."""
    docs, server = corpus
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder\n")
    out = blocker / "out" if folder == "out" else tmp_path / "out"
    cache = blocker / "cache" if folder == "cache" else tmp_path / "cache"
    result = run_enrich([docs], out, cache, server.url)
    assert_one_line_error(result, str(out if folder == "out" else cache))
    assert_no_partial_reports(tmp_path / "out")
    assert blocker.read_text() == "a file, not a folder\n"
