"""Checking a folder that enrich will write to, before any work and without creating it;
the paths a library user may give; and opening a file only when it is a regular one."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from enrich.errors import OutputError

__all__ = ["StrPath", "check_writable_folder", "one_path_refused", "open_own", "open_regular"]

#: A path as a library user may give it: a :class:`~pathlib.Path`, a string, any path-like
StrPath = str | os.PathLike[str]


def one_path_refused(values: object, what: str) -> None:
    """Raise TypeError when ``values``, which should be a list of ``what``, is one string or
    path: iterating it would read each of its characters as one of them."""
    if isinstance(values, str | bytes | os.PathLike):
        raise TypeError(f"{what} must be a list, not one {type(values).__name__}: [{values!r}]")


def check_writable_folder(folder: Path, what: str) -> None:
    """Raise OutputError (one line naming ``folder`` and ``what`` it holds) unless ``folder``
    is a writable folder or could be created as one.  Creates nothing."""
    existing = folder
    while not existing.exists():
        if existing.is_symlink():
            raise OutputError(f"cannot use {folder} for {what}: {existing} is a broken link")
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        named = "it" if existing == folder else str(existing)
        raise OutputError(f"cannot use {folder} for {what}: {named} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        named = "" if existing == folder else f" ({existing})"
        raise OutputError(f"cannot write {what} to {folder}{named}: permission denied or read-only")


def open_regular(path: Path, *, follow: bool = True) -> int | None:
    """A read-only descriptor of ``path`` (the caller closes it), or None when it cannot be
    opened or is not a regular file.  Never blocks: a FIFO, device or socket planted under
    the name is refused, not read; with ``follow=False`` a symbolic link is refused too."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def open_own(path: Path, mode: int = 0o644) -> int:
    """A read-write descriptor of the regular file at ``path`` (created with ``mode`` if
    absent; the caller closes it): for enrich's lock and state files.  Never through a
    symbolic link (one planted under a predictable name would have enrich write, or make a
    file, wherever it leads) and never blocking on a FIFO planted there; raises OSError,
    EINVAL for anything but a regular file."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    fd = os.open(path, flags, mode)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, f"{path.name} is not a regular file")
    return fd
