"""How much one document may hold, so that reading it takes bounded memory and time.

Two limits, each checked before the work it bounds: the file's size (checked before it is
read, and never more than the limit plus one byte is read) and the number of items it
makes (rows, identifiers, Summary tree nodes: counted in the text before they are built).
The first bounds the text, the second what is built from it, since a line of 15 bytes
(``PMID: 12345678``) becomes a citation of about 500 bytes.  A document over either limit
is one Problem; the other documents are still read.
"""

from __future__ import annotations

from enrich.model import Problem

__all__ = ["MAX_DOCUMENT_BYTES", "MAX_DOCUMENT_ITEMS", "too_many"]

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: rows, identifiers or tree nodes per document; the largest real pages hold a few hundred
MAX_DOCUMENT_ITEMS = 100_000


def too_many(path: str, what: str, found: int) -> Problem:
    """The Problem of a document holding ``found`` ``what`` (over the limit)."""
    return Problem(
        path,
        "",
        f"{found:,} {what}, over the limit of {MAX_DOCUMENT_ITEMS:,} per document; split it",
    )
