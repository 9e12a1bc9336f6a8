"""Checking a folder that enrich will write to, before any work and without creating it."""

from __future__ import annotations

import os
from pathlib import Path

from enrich.errors import OutputError

__all__ = ["check_writable_folder"]


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
