"""Disk access for the reports: safe file names, confinement to the output folder, atomic writes.

This is the only module of :mod:`enrich.report` that touches the disk.  Every
promise here is about what a reader of the output folder can rely on:

* a name made by :class:`NameAllocator` holds only ``[A-Za-z0-9._-]``, never
  starts with a dot or a dash, is at most :data:`MAX_STEM` characters, and is
  unique within a run (case-insensitively, for macOS and Windows);
* :func:`inside` refuses any path that resolves outside the output folder;
* :func:`atomic_write_text` and :class:`AtomicTextFile` never leave a partial
  file under its final name: content goes to a temporary file in the same
  folder and is moved into place with :func:`os.replace`.  Files of a run's own
  staging folder (:mod:`enrich.report.commit`), which is committed or discarded
  whole, need none of that: :func:`write_new_text` writes them directly;
* a temporary file left by a run that was killed is removed by the next run
  that prepares the folder; one still being written (it holds an exclusive
  lock while its writer lives) is left alone;
* :class:`Spool` holds texts on disk, in an unnamed file, until they are wanted.

Every :class:`OSError` is turned into :class:`~enrich.errors.OutputError` with a
one-line message naming the file or folder.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import re
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import IO

from enrich.errors import OutputError
from enrich.folders import open_regular

__all__ = [
    "MAX_STEM",
    "RESERVED_STEMS",
    "AtomicTextFile",
    "NameAllocator",
    "Spool",
    "atomic_write_text",
    "inside",
    "prepare_out_dir",
    "safe_stem",
    "write_new_text",
]

MAX_STEM = 100
#: Stems of the run-wide files; a document with one of these stems gets ``<stem>-2``.
RESERVED_STEMS = frozenset({"index", "audit", "references"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
)
_FILE_MODE = 0o644
#: the stems of ``enrich refresh``'s reports, which a run never writes nor removes
_REFRESH_REPORT = re.compile(r"refresh-[0-9]{4}-[0-9]{2}-[0-9]{2}", re.IGNORECASE)


def safe_stem(path: str) -> str:
    """The file stem of ``path`` reduced to a safe, non-empty name of ``[A-Za-z0-9._-]``.

    Both ``/`` and ``\\`` count as separators, so only the last part is used;
    ``..``, hidden names and names of nothing but punctuation become ``document``.
    """
    last = re.split(r"[\\/]", path.rstrip("/\\"))[-1]
    stem, dot, _ = last.rpartition(".")
    if not dot or not stem.strip("."):  # no suffix, or a hidden file like ".env"
        stem = last
    cleaned = _UNSAFE.sub("_", stem).lstrip(".-_")[:MAX_STEM].rstrip(".-_ ")
    if not cleaned:
        return "document"
    if cleaned.split(".")[0].lower() in _WINDOWS_DEVICES:
        cleaned = f"doc_{cleaned}"[:MAX_STEM]
    return cleaned


class NameAllocator:
    """Gives each document a unique safe name: ``name``, then ``name-2``, ``name-3``, ...
    (a name of ``enrich refresh``'s reports, ``refresh-<date>``, starts at ``-2``).

    The outcome depends only on the order of calls, so a run over the same
    inputs always names its reports the same way.
    """

    def __init__(self) -> None:
        self._taken: set[str] = {stem.casefold() for stem in RESERVED_STEMS}

    def allocate(self, path: str) -> str:
        """A safe name for the document at ``path`` that no earlier call has returned."""
        base = safe_stem(path)
        name, number = base, 1
        while name.casefold() in self._taken or _REFRESH_REPORT.fullmatch(name):
            number += 1
            suffix = f"-{number}"
            name = base[: MAX_STEM - len(suffix)] + suffix
        self._taken.add(name.casefold())
        return name


def prepare_out_dir(out_dir: Path) -> Path:
    """Create ``out_dir`` if needed and prove it writable; return its resolved path.

    Raises OutputError, before any report is written, when the folder cannot be
    created or a file cannot be made in it.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        resolved = out_dir.resolve(strict=True)
        if not resolved.is_dir():
            raise OutputError(f"cannot write reports to {out_dir}: not a folder")
        with tempfile.TemporaryFile(dir=resolved, prefix=".enrich-probe-"):
            pass
        _sweep_orphans(resolved)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(f"cannot write reports to {out_dir}: {reason}") from exc
    return resolved


#: enrich's temporary files start so; only these are ever swept from an output folder
TEMP_PREFIX = ".enrich-"


def _sweep_orphans(folder: Path) -> None:
    """Delete enrich's temporary files whose writer died (their lock is free).  Only regular
    files are opened, never blocking nor through a link: a FIFO planted under such a name
    would otherwise hang every run."""
    for temp in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        fd = open_regular(temp, follow=False)
        if fd is None:  # gone, a link, unreadable, not a file: not one enrich left
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            temp.unlink()
        except (BlockingIOError, FileNotFoundError):
            continue  # still being written, or already gone
        finally:
            os.close(fd)


def inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name`` after checking that ``name`` is a plain file name.

    A plain name (no separator, no NUL, not ``.`` or ``..``) cannot leave the folder,
    whatever the folder holds: files are written under a temporary name and moved over
    ``name``, which replaces a symbolic link found there instead of following it.  (A
    lexical check: resolving every path cost more than writing the file.)
    """
    separators = {"/", os.sep, os.altsep or "/", "\0"}
    if name in ("", ".", "..") or any(sep in name for sep in separators):
        raise OutputError(f"refusing to write {name!r}: it is outside {out_dir}")
    return out_dir / name


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` so it appears whole or not at all."""
    data = text.encode("utf-8")
    fd, temp = _create_temp(path)
    try:
        _write_and_close(fd, data)
        temp.replace(path)
    except BaseException as exc:  # an interrupt too: never leave the temporary file
        _remove_temp(-1, temp)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from exc
        raise
    return path


def write_new_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) as the new file ``path`` in a folder only this run writes,
    such as its staging folder: one open, write and close.

    No temporary file, lock or rename (they cost more than the write, for nothing: a
    file left partial by a failure is in a folder that is discarded, never committed).
    A file or link already at ``path`` is never written through: OutputError."""
    data = text.encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, _FILE_MODE)
        _write_and_close(fd, data)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    return path


def _write_and_close(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` and close it: once, even if the write or close fails."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        with suppress(OSError):
            os.close(fd)
        raise
    os.close(fd)


_serials = itertools.count()  #: makes this process's temporary names unique


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path``, open for writing and locked while open.

    Named ``.enrich-<name>.<pid>.<serial>.tmp``: unique among live processes without
    a random name (which cost more than the write); a name left by a dead process
    whose pid came back is skipped.  The mode is 0o644 less the umask.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    while True:
        temp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}.{next(_serials)}.tmp")
        try:
            fd = os.open(temp, flags, _FILE_MODE)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _cannot_write(path, exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held until closed: marks the file as in use
        except BaseException as exc:
            _remove_temp(fd, temp)
            if isinstance(exc, OSError):
                raise _cannot_write(path, exc) from exc
            raise
        return fd, temp


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


def _remove_temp(fd: int, temp: Path) -> None:
    """Close ``fd`` (unless -1) and delete ``temp``, ignoring errors: clean-up after a failure."""
    with suppress(OSError):
        if fd >= 0:
            os.close(fd)
    with suppress(OSError):
        temp.unlink()


class AtomicTextFile:
    """A text file written under a temporary name and moved to ``path`` by :meth:`commit`.

    Until :meth:`commit`, ``path`` is untouched; :meth:`discard` removes the
    temporary file.  Used for ``audit.tsv``, which grows over a whole run.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        fd, self._temp = _create_temp(path)
        try:
            self._file: IO[str] | None = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        except BaseException:
            _remove_temp(fd, self._temp)
            raise

    def write(self, text: str) -> None:
        """Append ``text`` to the temporary file."""
        if self._file is None:
            raise OutputError(f"{self.path} is already closed")
        try:
            self._file.write(text)
        except OSError as exc:
            self.discard()
            raise _cannot_write(self.path, exc) from exc

    def commit(self) -> Path:
        """Close the temporary file and move it to ``path``; return ``path``."""
        if self._file is None:
            raise OutputError(f"{self.path} is already closed")
        try:
            self._file.close()
            self._file = None
            self._temp.replace(self.path)  # os.replace: atomic within one folder
        except OSError as exc:
            self.discard()
            raise _cannot_write(self.path, exc) from exc
        return self.path

    def discard(self) -> None:
        """Close and delete the temporary file; ``path`` is left as it was. Idempotent, and
        quiet: closing may fail as writing did (a full disk), and the file goes all the same."""
        if self._file is not None:
            with suppress(OSError):
                self._file.close()
            self._file = None
        self._temp.unlink(missing_ok=True)


class Spool:
    """Texts held back until their turn, by number, kept in an unnamed temporary file in
    ``folder`` (not in memory); :meth:`close` when done."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._file: IO[bytes] | None = None
        self._where: dict[int, tuple[int, int]] = {}  #: number -> (offset, length)
        self._end = 0

    def put(self, number: int, text: str) -> None:
        data = text.encode("utf-8")
        try:
            if self._file is None:
                # kept open across calls; close() (from finish() and abort()) closes it
                self._file = tempfile.TemporaryFile(dir=self._folder, prefix=TEMP_PREFIX)  # noqa: SIM115
            self._file.seek(self._end)
            self._file.write(data)
        except OSError as exc:
            raise OutputError(f"cannot write in {self._folder}: {exc.strerror or exc}") from exc
        self._where[number] = (self._end, len(data))
        self._end += len(data)

    def take(self, number: int) -> str:
        """The text put as ``number``, which is forgotten."""
        offset, length = self._where.pop(number)
        assert self._file is not None
        self._file.seek(offset)
        return self._file.read(length).decode("utf-8")

    def __contains__(self, number: int) -> bool:
        return number in self._where

    def __len__(self) -> int:
        return len(self._where)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
