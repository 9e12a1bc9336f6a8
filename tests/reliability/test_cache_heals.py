"""The cache heals: a damaged entry is dropped, counted, fetched again and the run says how
many; ``enrich cache verify`` finds damaged entries and ``--repair`` deletes them; a value
stored pickled is refused, never unpickled."""

from __future__ import annotations

import json
import pickle
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

from tests.reliability.conftest import (
    efetched_pmids,
    enrich_env,
    run_enrich,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)

PMIDS = synthetic_pmids(6, start=97_000_000)


class _Planted:
    """Unpickling this would create the file named: proof that code ran."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.path, "w"))


def _damage(cache: Path, pmid: str, value: bytes, mode: int | None = None) -> None:
    """Overwrite the stored value (and mode) of ``pmid``'s record entry in the SQLite file."""
    with sqlite3.connect(cache / "cache.db") as db:
        rows = db.execute("SELECT rowid, key, mode FROM Cache").fetchall()
        (rowid, stored_mode), *_ = [
            (rowid, old)
            for rowid, key, old in rows
            if json.loads(zlib.decompress(key)) == f"pmid:{pmid}"
        ]
        db.execute(
            "UPDATE Cache SET value = ?, mode = ? WHERE rowid = ?",
            (value, stored_mode if mode is None else mode, rowid),
        )


def _verify(cache: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "enrich", "cache", "verify", "--cache-dir", str(cache), *extra]
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)


def test_damaged_entries_are_refetched_and_counted(make_eutils_server: Any, tmp_path: Path) -> None:
    """Two undecodable values (bad zlib data, a pickled payload) in an otherwise whole cache:
    the next run that reads them (--full: damage done behind enrich's back does not change
    the cache's version, so a run that finds nothing else changed would not read them)
    refetches exactly those PMIDs, says it dropped 2, and succeeds; nothing is unpickled.
    ``cache verify`` then finds the cache whole."""
    server = make_eutils_server(synthetic_store(PMIDS), rate_limit=None)
    write_corpus(tmp_path / "docs", PMIDS, per_document=3)
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert run_enrich([tmp_path / "docs"], out, cache, server.url).returncode == 0
    planted = tmp_path / "code-ran"
    _damage(cache, PMIDS[0], b"\xde\xad\xbe\xef")
    _damage(cache, PMIDS[1], pickle.dumps(_Planted(str(planted))), mode=4)
    server.reset_log()
    result = run_enrich([tmp_path / "docs"], out, cache, server.url, "--full")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and not planted.exists()
    assert efetched_pmids(server) == set(PMIDS[:2])
    warnings = [line for line in result.stderr.splitlines() if "damaged entries" in line]
    assert warnings and sum(int(w.split(": ")[2].split()[0]) for w in warnings) == 2, warnings
    assert _verify(cache).returncode == 0


def test_cache_verify_reports_and_repairs(make_eutils_server: Any, tmp_path: Path) -> None:
    """``enrich cache verify`` lists a damaged entry and exits 1; with --repair it deletes it
    and a second check is clean."""
    server = make_eutils_server(synthetic_store(PMIDS[:2]), rate_limit=None)
    write_corpus(tmp_path / "docs", PMIDS[:2], per_document=2)
    cache = tmp_path / "cache"
    assert run_enrich([tmp_path / "docs"], tmp_path / "out", cache, server.url).returncode == 0
    _damage(cache, PMIDS[0], b"\x00not zlib")
    found = _verify(cache)
    assert found.returncode == 1, found.stdout + found.stderr
    assert f"pmid:{PMIDS[0]}" in found.stdout and "1 damaged" in found.stdout
    repaired = _verify(cache, "--repair")
    assert repaired.returncode == 0 and "deleted" in repaired.stdout
    clean = _verify(cache)
    assert clean.returncode == 0 and "0 damaged" in clean.stdout
    assert enrich_env(server.url)  # the environment helper stays usable for these runs


def test_cache_verify_of_a_folder_that_is_no_cache_changes_nothing(tmp_path: Path) -> None:
    """``cache verify`` pointed at a report folder (a slip of --cache-dir) says it is no
    cache, exit 1, and makes none there."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "index.html").write_text("<html></html>", encoding="utf-8")
    result = _verify(folder)
    assert result.returncode == 1 and "is not a cache folder" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]
