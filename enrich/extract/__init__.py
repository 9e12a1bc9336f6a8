"""Reading stage: input paths in, :class:`~enrich.model.Document` values out.

Every input yields exactly one Document, also when it cannot be read: the
failure is then the Document's only :class:`~enrich.model.Problem`.  Nothing
raises for bad content, so one broken file never stops the others.

Folders are walked recursively in sorted order; inside a folder only files with
a document extension (:data:`DOCUMENT_EXTENSIONS`) are read and hidden entries
are skipped.  A file named explicitly is always read.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from enrich.escape import printable
from enrich.extract.harmonizome import (
    looks_like_harmonizome,
    read_harmonizome,
    unread_summary_tree,
)
from enrich.extract.limits import MAX_DOCUMENT_BYTES, MAX_DOCUMENT_ITEMS
from enrich.extract.text import read_text
from enrich.extract.tflink import looks_like_tflink, read_tflink
from enrich.folders import StrPath, one_path_refused
from enrich.model import Document, Problem, Style

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "MAX_DOCUMENT_BYTES",
    "MAX_DOCUMENT_ITEMS",
    "detect_style",
    "iter_documents",
    "iter_input_files",
    "no_documents_message",
    "parse_document",
    "read_document",
]

DOCUMENT_EXTENSIONS = frozenset({".md", ".markdown", ".txt", ".text", ".html", ".htm", ".rst"})
_CONTROL_BYTES = bytes(range(32)).translate(None, b"\t\n\r\x0b\x0c\x08\x1b")


def detect_style(text: str) -> Style:
    """The style of a document's text: TFLink front matter, a Harmonizome page, or plain text."""
    if looks_like_tflink(text):
        return Style.TFLINK
    if looks_like_harmonizome(text):
        return Style.HARMONIZOME
    return Style.TEXT


def parse_document(path: str, text: str, style: Style | None = None) -> Document:
    """Parse already-decoded text as ``style`` (detected when None). Pure.

    Lines may end ``\n``, ``\r\n`` or a lone ``\r`` (old Mac and spreadsheet exports), and
    a byte order mark may open the text: each reads as the same document.
    """
    text = text.removeprefix("\ufeff")
    if "\r" in text:  # as universal newlines read it: every reader and locator splits at \n
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    chosen = style or detect_style(text)
    if chosen is Style.TFLINK:
        return read_tflink(path, text)
    if chosen is Style.HARMONIZOME:
        return read_harmonizome(path, text)
    document = read_text(path, text)
    unread = unread_summary_tree(path, text) if style is None else None
    if unread is not None:  # a Harmonizome page gone astray: its statements would vanish
        return dataclasses.replace(document, problems=(*document.problems, unread))
    return document


def read_document(path: StrPath, style: Style | None = None) -> Document:
    """Read and parse one file; a file that cannot be read gives a Document with one Problem."""
    path = Path(path)
    name = str(path)
    text_or_problem = _read_text_file(path)
    if isinstance(text_or_problem, Problem):
        return Document(path=name, style=style or Style.TEXT, problems=(text_or_problem,))
    return parse_document(name, text_or_problem, style)


def _read_text_file(path: Path) -> str | Problem:
    """The decoded text of the regular file at ``path``, or the Problem that stops it.

    Only a regular file is opened (a FIFO, socket or device would block or never end), and
    never more than the size limit plus one byte is read, whatever the file claims.
    """
    name = str(path)
    try:
        kind = _special_kind(path.stat().st_mode)  # follows a symbolic link, as open does
        if kind:
            return Problem(name, "", f"{kind}, not a regular file: not read")
        # O_NONBLOCK: should the path become a FIFO after the check, opening it cannot hang.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            status = os.fstat(fd)
            kind = _special_kind(status.st_mode)
            if kind:
                return Problem(name, "", f"{kind}, not a regular file: not read")
            data = _read_at_most(fd, min(status.st_size, MAX_DOCUMENT_BYTES) + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        return Problem(name, "", f"cannot read: {exc.strerror or exc}")
    if len(data) > MAX_DOCUMENT_BYTES:
        size = max(len(data), status.st_size)
        return Problem(
            name,
            "",
            f"file is {size / 1e6:.0f} MB, over the {MAX_DOCUMENT_BYTES // 2**20} MiB "
            "document limit; split it",
        )
    return _decode(name, data)


def _special_kind(mode: int) -> str | None:
    """What a file that is not a regular one is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
    }
    return next((kind for test, kind in kinds.items() if test(mode)), "a special file")


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd``: one read for a regular file that did not change."""
    data = os.read(fd, limit)
    while len(data) < limit:
        more = os.read(fd, limit - len(data))
        if not more:
            break
        data += more
    return data


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _decode(name: str, data: bytes) -> str | Problem:
    """Text from UTF-8 (with or without a BOM), or UTF-16/32 with their BOM."""
    if not data or data.isspace():  # as ``not data.strip()``, without copying the file
        return Problem(name, "", "file is empty")
    for boms, encoding in ((_UTF32_BOMS, "utf-32"), (_UTF16_BOMS, "utf-16")):
        if data.startswith(boms):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                return Problem(name, f"byte {exc.start}", f"not valid {encoding.upper()} text")
            return text if text.strip() else Problem(name, "", "file is empty")
    if _looks_binary(data):
        return Problem(name, "", "binary file, not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(name, f"byte {exc.start}", "not valid UTF-8 text")


def _looks_binary(data: bytes) -> bool:
    """True when over 1% of the first 64 KiB are control bytes that text does not use."""
    head = data[:65536]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 100


def iter_input_files(paths: Iterable[StrPath], skip: Iterable[StrPath] = ()) -> Iterator[Path]:
    """Each file named in ``paths``, and the document files inside each folder, sorted;
    each file once, under the name it is first met by: a path given twice, spelled
    otherwise (``d/../d/p.md``), reached through a symbolic link or a hard link, or a file
    inside a folder also given, is one input.  Folders of ``skip`` (enrich's own report and
    cache folders) are not walked into.

    A path that does not exist is yielded as is, so that reading it reports the problem.
    Raises TypeError when ``paths`` is one path, not a list of them.
    """
    one_path_refused(paths, "paths")
    skipped = {os.path.realpath(folder) for folder in skip}
    seen: set[object] = set()
    for path in map(Path, paths):
        for found in _walk(path, skipped) if path.is_dir() else (path,):
            identity = _file_identity(found)
            if identity not in seen:
                seen.add(identity)
                yield found


def _file_identity(path: Path) -> object:
    """What makes two paths one file: its device and inode (symbolic and hard links,
    ``..`` and other spellings alike), or its resolved path when it cannot be looked up."""
    try:
        status = path.stat()
    except (OSError, ValueError):
        return os.path.realpath(path)
    return (status.st_dev, status.st_ino)


def no_documents_message(paths: Iterable[Path]) -> str:
    """What was looked for when ``paths`` held no document, in one line."""
    named = ", ".join(printable(path) for path in paths) or "no path"
    extensions = " ".join(sorted(DOCUMENT_EXTENSIONS))
    return (
        f"no documents found in {named}: looked for files ending {extensions} "
        "(hidden files and folders skipped; a file named on the command line is always read)"
    )


def _walk(folder: Path, skipped: set[str]) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and os.path.realpath(os.path.join(root, d)) not in skipped  # noqa: PTH118
        )
        base = Path(root)
        for name in sorted(files):
            # os.path.splitext is Path.suffix without building a Path per file name; the two
            # differ only for names such as "a." that no extension in the set matches anyway.
            extension = os.path.splitext(name)[1].lower()  # noqa: PTH122
            if not name.startswith(".") and extension in DOCUMENT_EXTENSIONS:
                yield base / name


def iter_documents(paths: Iterable[StrPath], style: Style | None = None) -> Iterator[Document]:
    """One Document per input file, in walk order; see the module docstring."""
    for path in iter_input_files(paths):
        yield read_document(path, style)
