"""Helpers for the reliability tests: synthetic corpora and records, ``enrich run`` in a
subprocess, reading the reports back, and read-only or full folders.

Everything here drives the public command line (``python -m enrich run``) and the public
library (``enrich.entrez.cache.CitationCache``, ``enrich.testing``), never enrich's internals.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from enrich.report.commit import MANIFEST, RUN_LOCK
from enrich.run.incremental import STATE
from enrich.testing import EutilsServer, RecordStore, make_record

FIRST_PMID = 91_000_000  #: synthetic PMIDs start above every real one
API_KEY = "reliability-test-key"  #: lets the client send 10 requests/s instead of 3
RUN_TIMEOUT = 120.0
REPORT_SUFFIXES = (".md", ".html", ".json")  #: of every format a run can write
DEFAULT_SUFFIXES = (".html", ".json")  #: of the formats a run writes by default
RUN_FILES = frozenset(
    {"index.html", "audit.tsv", "audit.db", "references.bib", "references.json", "references.ris"}
)
#: what a report folder holds besides reports: the set's manifest, the state incremental
#: runs keep, and the lock that lets one run at a time write into the folder
BOOKKEEPING = frozenset({MANIFEST, STATE, RUN_LOCK})


# --- synthetic corpora --------------------------------------------------------------------


def synthetic_pmids(count: int, start: int = FIRST_PMID) -> list[str]:
    """``count`` consecutive synthetic PMIDs."""
    return [str(start + i) for i in range(count)]


def synthetic_store(pmids: Sequence[str], into: RecordStore | None = None) -> RecordStore:
    """``into`` (a new store by default) plus one small synthetic record per PMID."""
    store = RecordStore() if into is None else into
    for pmid in pmids:
        store.add(
            make_record(
                pmid,
                title=f"TWIST1 regulates target gene {pmid} in a synthetic study",
                doi=f"10.5555/reliability.{pmid}",
                authors=["Ada Lovelace", "Alan Turing"],
                journal="Journal of Synthetic Biology",
                journal_iso="J Synth Biol",
                year=2000 + int(pmid) % 25,
                abstract=f"We show that TWIST1 binds the promoter of gene {pmid}.",
                synthetic_note="made by tests/reliability",
            )
        )
    return store


def write_corpus(folder: Path, pmids: Sequence[str], per_document: int) -> list[Path]:
    """Plain-text documents citing ``pmids`` in order, ``per_document`` each (PMID: n lines)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, start in enumerate(range(0, len(pmids), per_document)):
        lines = [f"# Notes on TWIST1, part {number}", ""]
        lines += [
            f"TWIST1 binds target {p} (PMID: {p})." for p in pmids[start : start + per_document]
        ]
        path = folder / f"notes_{number:03d}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


# --- running enrich -------------------------------------------------------------------------


def enrich_env(url: str, *, api_key: bool = True) -> dict[str, str]:
    """The environment of an ``enrich`` subprocess talking to the local server at ``url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENRICH_", "NCBI_"))}
    env.update({"ENRICH_EUTILS_URL": url, "NCBI_EMAIL": "curator@example.org", "CI": "true"})
    if api_key:
        env["NCBI_API_KEY"] = API_KEY
    return env


def run_command(paths: Sequence[Path], out: Path, cache: Path, *extra: str) -> list[str]:
    """The argv of ``enrich run PATHS --out OUT --cache-dir CACHE EXTRA...``."""
    return [
        sys.executable,
        "-m",
        "enrich",
        "run",
        *map(str, paths),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        *extra,
    ]


def run_enrich(
    paths: Sequence[Path],
    out: Path,
    cache: Path,
    url: str,
    *extra: str,
    cwd: Path | None = None,
    timeout: float = RUN_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """Run ``enrich run`` to completion in a subprocess; its stdout and stderr are captured."""
    return subprocess.run(
        run_command(paths, out, cache, *extra),
        env=enrich_env(url),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Assert exit 1 with no traceback and an ``error:`` line naming every needle; return it."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], (needle, errors[0])
    return errors[0]


# --- reading the reports ------------------------------------------------------------------


def document_reports(out: Path) -> dict[str, dict[str, Any]]:
    """The per-document JSON reports of ``out``, parsed, by file name, without their
    provenance (when they were made and their records fetched differs from run to run)."""
    reports = {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(out.glob("*.json"))
        if path.name not in RUN_FILES | BOOKKEEPING
    }
    for report in reports.values():
        report.pop("provenance")
    return reports


def report_citations(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every citation of one per-document report, the claims' first, then the loose ones,
    each with its paper's ``status``, ``reason`` and ``record`` (stated once, in ``papers``)."""
    cited = [c for claim in report["claims"] for c in claim["citations"]] + report["citations"]
    return [{**citation, **report["papers"][citation["paper"]]} for citation in cited]


def citation_key(citation: dict[str, Any]) -> str:
    """The citation key enrich resolves (``pmid:N``, ``doi:d`` or ``invalid:x``)."""
    invalid = set(citation.get("invalid") or ())
    if citation.get("pmid") and "pmid" not in invalid:
        return f"pmid:{citation['pmid']}"
    if citation.get("doi") and "doi" not in invalid:
        return f"doi:{citation['doi'].lower()}"
    return f"invalid:{citation.get('pmid') or citation.get('doi') or ''}"


def efetched_pmids(server: EutilsServer, *, status: int | None = None) -> set[str]:
    """Every PMID the server was asked for in efetch requests (those answered ``status``)."""
    return {
        pmid
        for entry in server.requests
        if entry.endpoint == "efetch.fcgi" and (status is None or entry.status == status)
        for pmid in entry.params.get("id", "").replace(" ", ",").split(",")
        if pmid
    }


def stray_files(folder: Path) -> list[str]:
    """Names in ``folder`` that are neither a document report, a run-wide file nor the
    folder's bookkeeping (a staging folder or a temporary file would be)."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name not in RUN_FILES | BOOKKEEPING
        and (p.name.startswith(".") or p.suffix not in REPORT_SUFFIXES)
    )


# --- read-only and full folders -----------------------------------------------------------


def _mount(*args: str) -> bool:
    """Run ``mount ARGS``; False when this sandbox does not allow it."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", *args], capture_output=True, check=False)
    return done.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` (created if needed, its content kept) made read-only for the block.

    As root a read-only bind mount (writes fail with EROFS, as on a read-only volume);
    as another user ``chmod 0555``. Skips the test where neither is possible.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(mode)
        return
    if not _mount("--bind", str(folder), str(folder)):
        pytest.skip("cannot make a read-only folder: root, but mount is not allowed here")
    try:
        if not _mount("-o", "remount,bind,ro", str(folder)):
            pytest.skip("cannot remount a bind mount read-only in this sandbox")
        yield folder
    finally:
        _umount(folder)


@contextlib.contextmanager
def full_disk(folder: Path, size_kib: int) -> Iterator[Path]:
    """``folder`` as a tmpfs of ``size_kib`` KiB (a disk that fills up); skips without mount."""
    folder.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder)):
        pytest.skip("cannot mount a small tmpfs in this sandbox (needs root and mount)")
    try:
        yield folder
    finally:
        _umount(folder)


def fill(folder: Path) -> None:
    """Write a filler file into ``folder`` until its file system has no space left."""
    chunk = b"\0" * 4096
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as handle:
        while True:
            handle.write(chunk)
            handle.flush()


def assert_no_partial_reports(out: Path, suffixes: tuple[str, ...] = DEFAULT_SUFFIXES) -> None:
    """Assert ``out`` (if it exists) holds no temporary file and no half set of reports:
    every document has a file of each of ``suffixes`` (the formats written: .html and .json
    by default), and every JSON file parses."""
    if not out.exists():
        return
    assert stray_files(out) == []
    stems: dict[str, set[str]] = {}
    for path in out.iterdir():
        if path.name not in RUN_FILES | BOOKKEEPING:
            stems.setdefault(path.stem, set()).add(path.suffix)
    for stem, found in stems.items():
        assert found == set(suffixes), (stem, found)
    for name in document_reports(out):
        assert name.endswith(".json")
