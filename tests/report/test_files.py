"""ReportWriter and enrich.report.files: safe names, confinement, atomic writes, early errors."""

from __future__ import annotations

import errno
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from enrich.errors import OutputError
from enrich.model import AuditedDocument, Document, RunSummary, Style
from enrich.report import ReportWriter, files
from enrich.report.commit import MANIFEST
from enrich.report.files import (
    MAX_STEM,
    AtomicTextFile,
    NameAllocator,
    atomic_write_text,
    inside,
    safe_stem,
    write_new_text,
)
from tests.conftest import as_unprivileged
from tests.report.synthetic import hostile, twist1, twist2

SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def empty(path: str) -> AuditedDocument:
    """A document with nothing in it, at ``path``."""
    return AuditedDocument(Document(path=path, style=Style.TEXT), (), ())


@pytest.mark.parametrize(
    ("path", "stem"),
    [
        ("examples/tflink_protein_Q15672_TWIST1.md", "tflink_protein_Q15672_TWIST1"),
        ("../../etc/passwd", "passwd"),
        ("..", "document"),
        ("...", "document"),
        ("/", "document"),
        ("C:\\docs\\evil\\..\\gene page (v2).md", "gene_page_v2"),
        (".hidden.md", "hidden"),
        ("-rf.md", "rf"),
        ("CON.md", "doc_CON"),
        ("TWIST1 é/ü.md", "document"),
        ("gène é.md", "g_ne"),
    ],
)
def test_safe_stem_keeps_only_safe_characters(path: str, stem: str) -> None:
    """A stem is the file's name without suffix, reduced to [A-Za-z0-9._-], never empty."""
    made = safe_stem(path)
    assert made == stem
    assert set(made) <= SAFE and not made.startswith((".", "-"))


def test_safe_stem_is_capped() -> None:
    """A very long name is cut to MAX_STEM characters."""
    assert len(safe_stem("x" * 500 + ".md")) == MAX_STEM


def test_collisions_are_numbered_in_call_order() -> None:
    """Equal stems (also differing only in case) become name, name-2, name-3; reserved stems too."""
    names = NameAllocator()
    got = [names.allocate(p) for p in ("a/g.md", "b/g.md", "c/G.txt", "index.md", "x" * 300)]
    assert got == ["g", "g-2", "G-3", "index-2", "x" * MAX_STEM]
    assert names.allocate("y/" + "x" * 300) == "x" * (MAX_STEM - 2) + "-2"


def test_a_document_named_like_a_refresh_report_never_takes_its_name(tmp_path: Path) -> None:
    """A document named ``refresh-<date>.md`` gets ``refresh-<date>-2``: before, its reports
    were ``refresh-<date>.json`` and ``.md``, so ``enrich run`` overwrote the day's refresh
    report (which no run is to touch), listed it in its manifest, and removed it once the
    document was gone."""
    names = NameAllocator()
    got = [names.allocate(p) for p in ("refresh-2026-12-07.md", "a/REFRESH-2026-12-08.txt")]
    assert got == ["refresh-2026-12-07-2", "REFRESH-2026-12-08-2"]
    assert names.allocate("refresh-notes.md") == "refresh-notes"
    out = tmp_path / "out"
    out.mkdir()
    (out / "refresh-2026-12-07.json").write_text("{}", encoding="utf-8")
    with ReportWriter(out, formats=("html", "json", "md")) as writer:
        writer.add(
            AuditedDocument(Document(path="refresh-2026-12-07.md", style=Style.TEXT), (), ())
        )
        writer.finish(RunSummary(documents=1))
    assert (out / "refresh-2026-12-07.json").read_text(encoding="utf-8") == "{}"
    assert (out / "refresh-2026-12-07-2.json").is_file()


@pytest.mark.parametrize("name", ["../x", "..", ".", "", "a/b", "/etc/passwd"])
def test_inside_refuses_paths_leaving_the_folder(tmp_path: Path, name: str) -> None:
    """Any name that is not a plain child of the folder raises OutputError."""
    with pytest.raises(OutputError):
        inside(tmp_path, name)


def test_writer_writes_every_file_with_safe_names(tmp_path: Path) -> None:
    """add() writes .html and .json per document by default; finish() writes index,
    audit.tsv, audit.db and references."""
    out = tmp_path / "reports"
    writer = ReportWriter(out)
    first = writer.add(twist1())
    writer.add(twist2())
    assert [p.name for p in first] == [
        "tflink_protein_Q15672_TWIST1.html",
        "tflink_protein_Q15672_TWIST1.json",
    ]
    assert not (out / "audit.tsv").exists()  # appears only when the run finishes
    final = writer.finish(RunSummary(documents=2))
    assert [p.name for p in final] == [
        "index.html",
        "audit.tsv",
        "audit.db",
        "references.bib",
        "references.json",
        "references.ris",
    ]
    names = sorted(p.name for p in out.iterdir())
    assert [n for n in names if n.startswith(".")] == [MANIFEST]  # no temporary file
    assert len(names) == 11


@pytest.mark.parametrize(
    ("formats", "suffixes"),
    [
        (("md",), [".md"]),
        (("json", "md", "html"), [".html", ".json", ".md"]),
        (("html",), [".html"]),
    ],
)
def test_writer_writes_the_formats_asked_for(
    tmp_path: Path, formats: tuple[str, ...], suffixes: list[str]
) -> None:
    """Each document gets exactly the formats asked for (in html, json, md order), and the
    run-level files are written whatever they are."""
    writer = ReportWriter(tmp_path, formats)
    written = writer.add(twist2())
    writer.finish(RunSummary(documents=1))
    assert [p.suffix for p in written] == suffixes
    names = {p.name for p in tmp_path.iterdir()}
    assert {p.name for p in written} | {"index.html", "audit.tsv", "references.ris"} <= names
    assert len(names) == len(suffixes) + 7  # index, audit.tsv/.db, 3 bibliographies, manifest


def test_writer_refuses_an_unknown_format(tmp_path: Path) -> None:
    """An unknown format is a ValueError naming it, before the folder is touched."""
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        ReportWriter(tmp_path / "out", ("html", "pdf"))
    assert not (tmp_path / "out").exists()


def test_hostile_names_stay_inside_the_folder(tmp_path: Path) -> None:
    """Documents named ../../etc/passwd, .., / or with backslashes are written inside out_dir."""
    out = tmp_path / "deep" / "reports"
    writer = ReportWriter(out)
    paths = []
    for name in ("../../etc/passwd", "..", "/", "..\\..\\win.ini", "../../passwd"):
        paths += writer.add(hostile(path=name))
    paths += writer.finish(RunSummary())
    for path in paths:
        assert path.resolve().parent == out.resolve()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        p.name for p in out.iterdir()
    )
    assert {p.stem for p in paths if p.suffix == ".html"} - {"index"} == {
        "passwd",
        "document",
        "document-2",
        "win",
        "passwd-2",
    }


def test_colliding_documents_get_numbered_reports(tmp_path: Path) -> None:
    """Two documents with the same stem in different folders both get reports."""
    writer = ReportWriter(tmp_path)
    a = writer.add(empty("one/gene.md"))
    b = writer.add(empty("two/gene.txt"))
    c = writer.add(empty("index.md"))
    assert [p.name for p in (a[0], b[0], c[0])] == ["gene.html", "gene-2.html", "index-2.html"]
    writer.finish(RunSummary())
    assert '"n":"gene-2"' in (tmp_path / "index.html").read_text()  # drawn by report.js


def test_unwritable_folder_below_a_file_raises_before_writing(tmp_path: Path) -> None:
    """An out_dir that cannot be created (a file is in the way) raises OutputError naming it."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="file/reports") as caught:
        ReportWriter(blocker / "reports")
    assert "\n" not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.skipif(os.name != "posix", reason="folder modes are POSIX's")
def test_read_only_folder_raises_before_writing(tmp_path: Path) -> None:
    """A folder without write permission raises OutputError and nothing is written in it (as
    root, CI's user, the writer is made as user nobody: root ignores chmod 0o500)."""
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        said = as_unprivileged(tmp_path, lambda: repr(ReportWriter(Path("ro"))))
        assert said == "raised OutputError: cannot write reports to ro: Permission denied"
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o700)


def test_atomic_write_replaces_whole_and_leaves_no_temp(tmp_path: Path) -> None:
    """atomic_write_text replaces an existing file in one step and leaves no temp file."""
    target = tmp_path / "a.txt"
    target.write_text("old")
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    """A write that fails midway (text that cannot be encoded) leaves the old file as it was."""
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "bad \ud800 surrogate")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_write_failing_on_disk_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk error once the temporary file exists (a full disk) keeps the old file, no temp."""
    target = tmp_path / "a.txt"
    target.write_text("old")

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", full)
    with pytest.raises(OutputError, match=r"cannot write .*a\.txt: No space left on device"):
        atomic_write_text(target, "new\n")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_lock_or_close_failing_leaves_no_temp_and_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock refused (ENOLCK on some network filesystems) or a close that fails (EIO)
    gives OutputError, no temporary file, and closes the descriptor exactly once."""
    target = tmp_path / "a.txt"
    real_close = os.close
    closed: list[int] = []

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    def close_then_fail(fd: int) -> None:
        closed.append(fd)
        real_close(fd)
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(files.fcntl, "flock", no_locks)
        with pytest.raises(OutputError, match="No locks available"):
            atomic_write_text(target, "new\n")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(files.os, "close", close_then_fail)
    with pytest.raises(OutputError, match="Input/output error"):
        atomic_write_text(target, "new\n")
    assert list(tmp_path.iterdir()) == [] and len(closed) == 1


def test_temp_name_left_by_a_dead_process_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A leftover temporary file whose name this process would use next is not reused."""
    monkeypatch.setattr(files, "_serials", itertools.count())
    stale = tmp_path / f".enrich-a.txt.{os.getpid()}.0.tmp"
    stale.write_text("someone else's")
    atomic_write_text(tmp_path / "a.txt", "new\n")
    assert (tmp_path / "a.txt").read_text() == "new\n"
    assert stale.read_text() == "someone else's"


@pytest.mark.parametrize("kind", ["fifo", "link to a fifo", "link to a file"])
def test_preparing_the_folder_opens_only_regular_temporary_files(tmp_path: Path, kind: str) -> None:
    """Sweeping enrich's leftover temporary files skips a FIFO, or a link, named like one:
    before, it opened each name blocking and through links, so a FIFO planted in --out as
    ``.enrich-x.tmp`` hung every later run and refresh there for ever (and a link had its
    target opened)."""
    out, fifo, other = tmp_path / "out", tmp_path / "fifo", tmp_path / "other.txt"
    out.mkdir()
    os.mkfifo(fifo)
    other.write_text("theirs", encoding="utf-8")
    planted = out / ".enrich-planted.tmp"
    if kind == "fifo":
        os.mkfifo(planted)
    else:
        planted.symlink_to(fifo if kind == "link to a fifo" else other)
    code = (
        "from pathlib import Path; from enrich.report.files import prepare_out_dir; "
        f"prepare_out_dir(Path({str(out)!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=20, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert other.read_text(encoding="utf-8") == "theirs"


def test_staged_write_is_one_new_file_and_never_writes_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_new_text makes the file itself (no temporary file, lock or rename), and refuses
    with OutputError a name already taken by a file or a link, leaving both as they were."""

    def refused(*args: object) -> None:
        raise AssertionError("a staged file needs no lock or rename")

    outside = tmp_path / "outside.txt"
    outside.write_text("theirs")
    staging = tmp_path / "staging"
    staging.mkdir()
    with monkeypatch.context() as patch:
        patch.setattr(files.fcntl, "flock", refused)
        patch.setattr(files.os, "replace", refused)
        assert write_new_text(staging / "a.html", "new ✓\n") == staging / "a.html"
        assert (staging / "a.html").read_text(encoding="utf-8") == "new ✓\n"
        assert [p.name for p in staging.iterdir()] == ["a.html"]
        with pytest.raises(OutputError, match=r"cannot write .*a\.html: File exists"):
            write_new_text(staging / "a.html", "again")
        (staging / "b.html").symlink_to(outside)
        with pytest.raises(OutputError, match=r"b\.html"):
            write_new_text(staging / "b.html", "through the link")
    assert (staging / "a.html").read_text(encoding="utf-8") == "new ✓\n"
    assert outside.read_text() == "theirs"


def test_staged_write_failing_on_disk_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while a staged file is written is OutputError naming it, and its
    descriptor is closed (the partial file is the staging folder's, discarded whole)."""
    real_close = os.close
    closed: list[int] = []

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(fd: int) -> None:
        closed.append(fd)
        real_close(fd)

    monkeypatch.setattr(files.os, "write", full)
    monkeypatch.setattr(files.os, "close", close)
    with pytest.raises(OutputError, match=r"cannot write .*a\.json: No space left on device"):
        write_new_text(tmp_path / "a.json", "{}\n")
    assert len(closed) == 1


def test_abort_discards_audit_and_context_manager_aborts(tmp_path: Path) -> None:
    """Leaving the writer without finish() writes nothing in the folder: the documents it
    staged and audit.tsv's temporary file are gone."""
    with ReportWriter(tmp_path) as writer:
        writer.add(empty("a.md"))
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    with pytest.raises(OutputError):
        writer.add(empty("b.md"))


def test_finish_twice_is_refused(tmp_path: Path) -> None:
    """finish() may run once; a second call raises OutputError instead of rewriting."""
    writer = ReportWriter(tmp_path)
    writer.finish(RunSummary())
    with pytest.raises(OutputError):
        writer.finish(RunSummary())


def test_a_full_disk_is_one_error_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """When the disk fills up, closing the file fails as writing did: the caller gets the
    one OutputError, and the temporary file goes all the same."""

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    written = AtomicTextFile(tmp_path / "audit.tsv")
    assert written._file is not None
    written._file.close()
    written._file = Full()
    with pytest.raises(OutputError, match="No space left on device"):
        written.write("a line\n")
    assert list(tmp_path.iterdir()) == []
