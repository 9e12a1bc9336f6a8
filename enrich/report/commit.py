"""Replacing a report set as a whole: a staging folder, a manifest and a commit journal.

A run never writes over the report set in place.  Its files go to a staging folder of its
own inside the output folder (``.enrich-staging-<pid>-<n>``, locked while its process
lives); only when every file is written does :meth:`Staging.commit` put them in place:

1. the commit journal (``.enrich-commit.json``) is written: the staged names to move in,
   the names of the previous set to remove, and the new set;
2. each staged file is renamed over its final name (``os.replace``, atomic per file);
3. files of the previous set that the new one lacks are removed;
4. the manifest (``.enrich-manifest.json``) is written: the names of the complete set;
5. the journal and the staging folder are removed.

SIGINT and SIGTERM are held during these steps (:func:`enrich.interrupts.deferred`),
which are only renames.  If the process dies anyway (kill -9, power loss is not
covered: nothing is fsynced), the journal is still there and the next writer
(:func:`recover`: every enrich command that writes to the folder calls it first)
finishes the commit (rolls forward) before anything else.  So a reader who sees no
journal sees one complete set: the previous one, or the new one, never a mix.

A run that fails or is interrupted before its commit leaves the previous set exactly as
it was and removes its staging folder; one left by a dead process is removed by the
next writer.  Only names of enrich's own report sets are ever removed, and only those
the previous manifest lists: anything else in the folder (a ``refresh-<date>`` report,
a user's file) is never touched.  A name in the new set that was not staged is taken to
be in place already and is kept as it is (a later incremental run keeps the unchanged
documents' files untouched this way).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import count
from pathlib import Path
from typing import Any

from enrich.errors import OutputError
from enrich.folders import open_own
from enrich.interrupts import deferred
from enrich.report.files import atomic_write_text, inside
from enrich.shapes import checker

__all__ = [
    "JOURNAL",
    "MANIFEST",
    "RUN_LOCK",
    "STAGING_PREFIX",
    "Staging",
    "one_run_at_a_time",
    "read_manifest",
    "recover",
]

MANIFEST = ".enrich-manifest.json"
JOURNAL = ".enrich-commit.json"
STAGING_PREFIX = ".enrich-staging-"
RUN_LOCK = ".enrich-run.lock"
_serials = count()


class Staging:
    """This process's staging folder in ``out_dir``: write files into :attr:`path`, then
    :meth:`commit` them as the new report set, or :meth:`discard` them."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        recover(out_dir)
        _sweep_stale(out_dir)
        self.path = out_dir / f"{STAGING_PREFIX}{os.getpid()}-{next(_serials)}"
        self._lock: int | None = None
        self._committing = False
        try:
            # Made under a temporary name and locked before it is given its own, so that a
            # staging folder is never seen unlocked while its process lives.
            building = out_dir / f".enrich-new-{self.path.name}"
            building.mkdir()
            self._lock = _locked(building, blocking=True)
            building.rename(self.path)
        except OSError as exc:
            self.discard()
            raise _cannot(out_dir, exc) from exc

    def commit(self, keep: Iterable[str] = (), previous: Iterable[str] = ()) -> None:
        """Make the staged files, plus the names in ``keep`` (already in place), the folder's
        report set.  ``previous`` names files the previous set is known to hold besides
        those its manifest lists (a lost manifest then still lets the files the new set
        lacks be removed).  See the module docstring for the steps."""
        staged = sorted(path.name for path in self.path.iterdir())
        new_set = sorted({*staged, *keep})
        for name in staged:
            target = inside(self.out_dir, name)
            if target.is_dir() and not target.is_symlink():
                raise OutputError(f"cannot replace {target}: it is a folder")
        with _commit_lock(self.out_dir), deferred():
            before = {*read_manifest(self.out_dir), *filter(_plain, previous)}
            journal = {
                "staging": self.path.name,
                "move": staged,
                "remove": sorted(before - set(new_set)),
                "files": new_set,
            }
            _write_json(self.out_dir / JOURNAL, journal)
            self._committing = True  # from here on only a roll forward may touch the staging
            _roll_forward(self.out_dir, journal)
            self._unlock()

    def discard(self) -> None:
        """Remove the staging folder and everything in it; the report set is untouched.

        Once a commit has begun, its staging folder is the journal's to finish (by
        :func:`recover`), so it is left in place."""
        self._unlock()
        if not self._committing:
            shutil.rmtree(self.path, ignore_errors=True)
            shutil.rmtree(self.out_dir / f".enrich-new-{self.path.name}", ignore_errors=True)

    def _unlock(self) -> None:
        fd, self._lock = getattr(self, "_lock", None), None
        if fd is not None:
            os.close(fd)


def read_manifest(out_dir: Path) -> list[str]:
    """The names of the complete report set in ``out_dir`` (none without a manifest).

    Names that are not plain file names are ignored: a manifest is never a way out of
    the folder."""
    try:
        data = _read_json(out_dir / MANIFEST)
    except ValueError:
        return []  # damaged: nothing of it is trusted, so nothing is removed by it
    files = data.get("files") if isinstance(data, dict) else None
    return [name for name in files if _plain(name)] if isinstance(files, list) else []


def recover(out_dir: Path) -> None:
    """Finish a commit that a dead process left half done in ``out_dir`` (a no-op without
    a journal); raises OutputError when the folder cannot be written."""
    if not (out_dir / JOURNAL).exists():
        return
    with _commit_lock(out_dir):
        if not (out_dir / JOURNAL).exists():  # finished meanwhile by another process
            return
        try:
            journal = _read_json(out_dir / JOURNAL)
        except ValueError:
            journal = None
        if not _JOURNAL(journal) or not _own_staging(out_dir, journal["staging"]):
            raise OutputError(f"{out_dir / JOURNAL} is damaged: remove it and run again")
        _roll_forward(out_dir, journal)


def _own_staging(out_dir: Path, name: str) -> bool:
    """Whether ``name`` can be a commit's staging folder: a plain name in ``out_dir``, not a
    symbolic link (a journal naming one would move files from wherever it leads)."""
    return not name.startswith(STAGING_PREFIX) or (
        _plain(name) and not (out_dir / name).is_symlink()
    )


#: the shape of a commit's journal (see :meth:`Staging.commit`)
_JOURNAL = checker({"staging": str, "move": [str], "remove": [str], "files": [str]})


def _roll_forward(out_dir: Path, journal: dict[str, Any]) -> None:
    """Carry out ``journal``'s steps 2 to 5; each is idempotent, so a repeat is harmless."""
    staging_name = str(journal.get("staging", ""))
    staging = out_dir / staging_name if staging_name.startswith(STAGING_PREFIX) else None
    try:
        if staging is not None:
            for name in filter(_plain, journal["move"]):
                with suppress(FileNotFoundError):  # moved already: a recovery finishing it
                    (staging / name).replace(out_dir / name)
        for name in filter(_plain, journal["remove"]):
            (out_dir / name).unlink(missing_ok=True)
        files = [name for name in journal["files"] if _plain(name)]
        _write_json(out_dir / MANIFEST, {"files": files})
        (out_dir / JOURNAL).unlink(missing_ok=True)
    except OSError as exc:
        raise _cannot(out_dir, exc) from exc
    if staging is not None and _plain(staging_name):
        shutil.rmtree(staging, ignore_errors=True)


def _sweep_stale(out_dir: Path) -> None:
    """Remove staging folders whose process died (their lock is free).  A journal's staging
    folder is never among them: :func:`recover` ran first."""
    for folder in out_dir.glob(f"{STAGING_PREFIX}*"):
        try:
            fd = _locked(folder, blocking=False)
        except OSError:  # BlockingIOError: its process is alive; others: not ours to judge
            continue
        try:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(fd)


def _locked(path: Path, *, blocking: bool, lock_file: bool = False) -> int:
    """An open descriptor of ``path`` holding an exclusive lock on it (BlockingIOError
    when another process holds it and ``blocking`` is false): a folder (locking the folder
    itself leaves no lock file behind), or with ``lock_file`` a file, created if absent
    (never through a symbolic link: one planted there would have it made anywhere)."""
    folder = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
    fd = open_own(path) if lock_file else os.open(path, folder)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def one_run_at_a_time(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir``'s run lock (an flock on ``.enrich-run.lock``, which stays) for the
    block: a run that keeps part of the set in place reads it from start to commit, so
    no other may replace it meanwhile.  OutputError at once when another process holds it."""
    try:
        fd = _locked(out_dir / RUN_LOCK, blocking=False, lock_file=True)
    except BlockingIOError:
        raise OutputError(
            f"another enrich run is writing reports into {out_dir}; "
            "wait for it to finish, or use another --out"
        ) from None
    except OSError as exc:
        raise _cannot(out_dir, exc) from exc
    try:
        yield
    finally:
        os.close(fd)


@contextmanager
def _commit_lock(out_dir: Path) -> Iterator[None]:
    """One commit or recovery at a time per output folder, across processes."""
    try:
        fd = _locked(out_dir, blocking=True)
    except OSError as exc:
        raise _cannot(out_dir, exc) from exc
    try:
        yield
    finally:
        os.close(fd)


def _plain(name: object) -> bool:
    """A plain file name: no separator, not ``.``/``..``, and not one of enrich's own
    bookkeeping names."""
    if not isinstance(name, str) or name in ("", ".", "..", MANIFEST, JOURNAL):
        return False
    return "/" not in name and "\0" not in name and os.sep not in name


def _read_json(path: Path) -> Any:
    """The JSON in ``path``; None when there is no such file, ValueError when unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(str(exc)) from exc


def _write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(data, indent=1) + "\n")


def _cannot(out_dir: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write reports to {out_dir}: {exc.strerror or exc}")
