"""Reading files and folders: detection, walking and whole-file failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from enrich.extract import (
    detect_style,
    iter_documents,
    iter_input_files,
    parse_document,
    read_document,
)
from enrich.model import Style
from tests.conftest import EXAMPLES, TWIST1, TWIST2, as_unprivileged


def test_styles_are_detected() -> None:
    """The two reference documents are detected as TFLink and Harmonizome; other text as text."""
    assert detect_style(TWIST1.read_text()) is Style.TFLINK
    assert detect_style(TWIST2.read_text()) is Style.HARMONIZOME
    assert detect_style("# Notes\nPMID: 1\n") is Style.TEXT


def test_style_override_wins() -> None:
    """``style=`` reads a TFLink page as plain text: its PMIDs become loose citations."""
    doc = read_document(TWIST1, Style.TEXT)
    assert doc.style is Style.TEXT and doc.claims == ()
    assert len({c.pmid for c in doc.citations}) == 35


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary file, not a text document"),
        (b"PMID: 1 \xff\xfe broken", "not valid UTF-8 text"),
    ],
)
def test_unreadable_content_is_one_problem(tmp_path: Path, content: bytes, message: str) -> None:
    """Empty, binary and non-UTF-8 files give a Document whose single problem says why."""
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    doc = read_document(path)
    assert [p.message for p in doc.problems] == [message]
    assert doc.claims == () and doc.citations == ()


def test_missing_path_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    """A path that does not exist is reported with the OS's reason."""
    doc = read_document(tmp_path / "nope.md")
    assert doc.problems[0].message == "cannot read: No such file or directory"


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    """A file without read permission is reported, not raised (as root, CI's user, the read
    is made as user nobody: root reads whatever the mode)."""
    path = tmp_path / "locked.md"
    path.write_text("PMID: 1")
    path.chmod(0)
    said = as_unprivileged(tmp_path, lambda: read_document(Path("locked.md")).problems[0].message)
    assert said == "cannot read: Permission denied"


def test_folder_walk_takes_document_files_in_order(tmp_path: Path) -> None:
    """Folders are walked sorted; hidden entries and non-document extensions are skipped."""
    (tmp_path / "b.md").write_text("PMID: 2")
    (tmp_path / "a.txt").write_text("PMID: 1")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.md").write_text("PMID: 3")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.html").write_text("PMID: 4")
    names = [Path(d.path).name for d in iter_documents([tmp_path])]
    assert names == ["a.txt", "b.md", "c.html"]


def test_each_input_file_comes_once_and_enrichs_own_folders_are_not_walked(
    tmp_path: Path,
) -> None:
    """A path given twice, or a file inside a folder also given, is one input; the folders
    to skip (the run's reports and cache) are not walked into, unless named."""
    (tmp_path / "a.md").write_text("PMID: 1")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.html").write_text("PMID: 2")
    given = [tmp_path, tmp_path / "a.md", tmp_path]
    found = list(iter_input_files(given, skip=[tmp_path / "reports"]))
    assert found == [tmp_path / "a.md"]
    assert len(list(iter_input_files(given))) == 2
    named = [tmp_path / "reports" / "a.html"]
    assert list(iter_input_files(named, skip=[tmp_path / "reports"])) == named


def test_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    """A broken file among good ones is reported while the good ones are still read."""
    (tmp_path / "a.md").write_bytes(b"")
    (tmp_path / "b.md").write_text("PMID: 2")
    docs = list(iter_documents([tmp_path, EXAMPLES]))
    assert [len(d.problems) for d in docs] == [1, 0, 0, 0]
    assert docs[1].citations[0].pmid == "2"


def test_oversized_file_is_refused_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file over the size limit gives a clear problem instead of being loaded."""
    monkeypatch.setattr("enrich.extract.MAX_DOCUMENT_BYTES", 10)
    path = tmp_path / "big.md"
    path.write_text("PMID: 123456 " * 10)
    assert "document limit" in read_document(path).problems[0].message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read_as_text(tmp_path: Path, encoding: str) -> None:
    """A document saved as UTF-16 or UTF-32 with its byte order mark is read, not called binary."""
    path = tmp_path / "wide.md"
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(encoding, "")
    path.write_bytes(f"{bom}TWIST1 (PMID: 18598946) café".encode(encoding))
    document = read_document(path)
    assert document.problems == ()
    assert [c.pmid for c in document.citations] == ["18598946"]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """A named pipe is one problem saying what it is; reading it never blocks."""
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    (problem,) = read_document(fifo).problems
    assert problem.message == "a FIFO (named pipe), not a regular file: not read"


def test_a_link_to_an_endless_device_is_refused(tmp_path: Path) -> None:
    """A symbolic link to /dev/zero (size 0, endless) is refused as a device, never read."""
    link = tmp_path / "zero.md"
    link.symlink_to("/dev/zero")
    (problem,) = read_document(link).problems
    assert "character device" in problem.message


def test_one_file_reached_by_several_paths_is_one_input(tmp_path: Path) -> None:
    """A file named through ``..``, a symbolic link or a hard link beside it, or inside a
    folder also given, is read once, under the first name met."""
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "p.md").write_text("PMID: 1")
    (folder / "q.md").symlink_to(folder / "p.md")
    os.link(folder / "p.md", tmp_path / "hard.md")
    given = [folder, tmp_path / "d" / ".." / "d" / "p.md", tmp_path / "hard.md"]
    assert list(iter_input_files(given)) == [folder / "p.md"]
    missing = tmp_path / "gone.md"
    assert list(iter_input_files([missing, tmp_path / "d" / ".." / "gone.md"])) == [missing]


@pytest.mark.parametrize("example", [TWIST1, TWIST2], ids=["tflink", "harmonizome"])
@pytest.mark.parametrize("line_break", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_any_line_break_reads_alike(tmp_path: Path, example: Path, line_break: str) -> None:
    """A page whose lines end ``\\r\\n`` or a lone ``\\r`` (old Mac and spreadsheet exports)
    reads as the same page, every claim and citation kept, not as text with nothing in it;
    so does its text handed to parse_document with a byte order mark still before it."""
    text = example.read_text(encoding="utf-8")
    expected = parse_document(example.name, text)
    changed = tmp_path / example.name
    changed.write_bytes(text.replace("\n", line_break).encode())
    for document in (
        read_document(changed),
        parse_document(str(changed), "\ufeff" + text.replace("\n", line_break)),
    ):
        assert document.style is expected.style
        assert document.claims == expected.claims and document.problems == ()
        assert document.all_citations() == expected.all_citations()
