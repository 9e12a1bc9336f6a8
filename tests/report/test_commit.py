"""A report set is replaced as a whole: the previous complete set, or the new complete set,
never a mix, whatever happens half-way; and nothing but enrich's own reports is touched."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from enrich.errors import OutputError
from enrich.model import AuditedDocument, Document, RunSummary, Style
from enrich.report import ReportWriter
from enrich.report.commit import (
    JOURNAL,
    MANIFEST,
    RUN_LOCK,
    STAGING_PREFIX,
    one_run_at_a_time,
    read_manifest,
    recover,
)


def empty(path: str) -> AuditedDocument:
    """A document with nothing in it, at ``path``."""
    return AuditedDocument(Document(path=path, style=Style.TEXT), (), ())


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of ``folder`` with its bytes and modification time (ns)."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def _write_set(out: Path, *names: str) -> None:
    with ReportWriter(out) as writer:
        for name in names:
            writer.add(empty(f"{name}.md"))
        writer.finish(RunSummary(documents=len(names)))


def test_a_new_set_replaces_the_previous_one_and_nothing_else(tmp_path: Path) -> None:
    """The reports of documents gone from the new run are removed, while a user's file and
    a refresh report are never touched; the manifest lists the new set."""
    out = tmp_path / "out"
    _write_set(out, "old", "kept")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "refresh-2024-01-01.md").write_text("refresh", encoding="utf-8")
    _write_set(out, "kept", "new")
    names = sorted(p.name for p in out.iterdir())
    report_set = sorted(read_manifest(out))
    assert not [n for n in names if n.startswith("old.")]
    assert {"new.json", "kept.html", "index.html", "audit.tsv"} <= set(report_set)
    assert names == sorted([*report_set, MANIFEST, "notes.txt", "refresh-2024-01-01.md"])


def test_an_aborted_run_leaves_the_previous_set_exactly(tmp_path: Path) -> None:
    """A run that fails half-way leaves every file of the previous set with the same bytes
    and modification time, and no staging folder."""
    out = tmp_path / "out"
    _write_set(out, "a", "b")
    before = _snapshot(out)
    with ReportWriter(out) as writer:
        writer.add(empty("a.md"))
        writer.add(empty("c.md"))
        assert writer.staging.parent == out and writer.staging.is_dir()
    assert _snapshot(out) == before


def test_stale_staging_is_swept_and_a_live_one_kept(tmp_path: Path) -> None:
    """The staging folder of a dead process is removed by the next writer; one whose
    process still holds its lock is left alone."""
    out = tmp_path / "out"
    out.mkdir()
    dead = out / f"{STAGING_PREFIX}999999-0"
    live = out / f"{STAGING_PREFIX}999998-0"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "a.md").write_text("x", encoding="utf-8")
    held = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        _write_set(out, "a")
        assert not dead.exists() and live.is_dir()
    finally:
        os.close(held)


def test_a_manifest_never_removes_anything_outside(tmp_path: Path) -> None:
    """Names in a tampered manifest that leave the folder are ignored."""
    out = tmp_path / "out"
    _write_set(out, "a")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    (out / MANIFEST).write_text('{"files": ["../victim.txt", "/etc/hostname"]}\n')
    _write_set(out, "b")
    assert victim.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("linked", [True, False])
def test_a_journal_naming_a_staging_folder_outside_moves_nothing_from_there(
    tmp_path: Path, linked: bool
) -> None:
    """A journal (planted by anyone who can write to the report folder) whose staging folder
    is a symbolic link, or a name climbing out with ``..``, is damaged: before, recovery
    moved the files the journal named out of that folder (any folder on the same file
    system) into the report folder, and the run's commit then deleted them as files of the
    previous set."""
    out = tmp_path / "out"
    _write_set(out, "a")
    private = tmp_path / "private"
    private.mkdir()
    (private / "secret.txt").write_text("mine", encoding="utf-8")
    staging = f"{STAGING_PREFIX}999999-0"
    if linked:
        (out / staging).symlink_to(private, target_is_directory=True)
    else:
        (out / staging).mkdir()
        staging += "/../../private"
    (out / JOURNAL).write_text(
        f'{{"staging": "{staging}", "move": ["secret.txt"], "remove": [], '
        '"files": ["secret.txt"]}',
        encoding="utf-8",
    )
    with pytest.raises(OutputError, match="is damaged: remove it and run again"):
        recover(out)
    with pytest.raises(OutputError, match="is damaged: remove it and run again"):
        _write_set(out, "b")
    assert (private / "secret.txt").read_text(encoding="utf-8") == "mine"
    assert not (out / "secret.txt").exists()


def test_the_run_lock_is_never_created_through_a_link(tmp_path: Path) -> None:
    """A symbolic link planted as the run lock is refused in one line: before, the lock was
    opened with O_CREAT through it, so a link to any path made an empty file there."""
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "made-through-the-link"
    (out / RUN_LOCK).symlink_to(target)
    with pytest.raises(OutputError, match=re.escape(str(out))), one_run_at_a_time(out):
        pass
    assert not target.exists() and not target.is_symlink()


@pytest.mark.parametrize(
    "journal",
    [
        "null",
        "{}",
        '{"move": 5}',
        '{"staging": 1, "move": [], "remove": [], "files": []}',
        '{"staging": "x", "move": [], "remove": [], "files": 5}',
        "[",
        '"text"',
    ],
)
def test_a_journal_of_another_shape_is_a_one_line_error_that_changes_nothing(
    tmp_path: Path, journal: str
) -> None:
    """A commit journal that is not as a commit writes one (damaged, edited) is reported,
    never rolled forward nor left behind as if finished; the set stays as it is."""
    out = tmp_path / "out"
    _write_set(out, "a")
    (out / JOURNAL).write_text(journal, encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(OutputError, match="is damaged: remove it and run again"):
        recover(out)
    assert _snapshot(out) == before


_COMMIT_MANY = """
import sys
from pathlib import Path
from enrich.model import RunSummary
from enrich.report import ReportWriter
writer = ReportWriter(Path(sys.argv[1]))
for n in range(int(sys.argv[2])):
    (writer.staging / f"doc{n:05d}.md").write_text("new", encoding="utf-8")
writer.finish(RunSummary())
"""


def test_a_commit_killed_half_way_is_finished_by_the_next_writer(tmp_path: Path) -> None:
    """kill -9 while a commit renames files leaves its journal; the next writer rolls the
    commit forward first, so the folder ends with the new set complete, never a mix."""
    out = tmp_path / "out"
    count = 20_000
    _write_set(out, "old")
    for _ in range(5):
        process = subprocess.Popen([sys.executable, "-c", _COMMIT_MANY, str(out), str(count)])
        while process.poll() is None and not (out / JOURNAL).exists():
            time.sleep(0.0005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if (out / JOURNAL).exists():
            break
    else:
        raise AssertionError("the commit never was caught half-way in 5 attempts")
    moved = [p for p in out.iterdir() if p.name.startswith("doc")]
    assert 0 <= len(moved) < count  # a mix, until recovered
    recover(out)
    names = {p.name for p in out.iterdir()}
    assert JOURNAL not in names and not [n for n in names if n.startswith(STAGING_PREFIX)]
    assert len([n for n in names if n.startswith("doc")]) == count
    assert "old.md" not in names and len(read_manifest(out)) == count + 6  # and the run's six
    print(f"caught with {len(moved)} of {count} files moved")


def test_one_run_at_a_time_refuses_a_second_run_at_once_and_frees_the_folder_after(
    tmp_path: Path,
) -> None:
    """While a run holds a report folder's run lock, another is refused at once with a
    line naming the folder; once it is done, the next run may start (the lock file stays)."""
    refused = pytest.raises(OutputError, match=re.escape(f"writing reports into {tmp_path};"))
    with one_run_at_a_time(tmp_path), refused, one_run_at_a_time(tmp_path):
        pass
    with one_run_at_a_time(tmp_path):
        pass
    assert (tmp_path / RUN_LOCK).is_file()
