"""Verdicts known to be wrong today, pinned as strict expected failures until fixed.

Each test states the behaviour a curator expects; ``xfail(strict=True)`` makes the suite
fail the day a fix lands without its marker being removed (the test then passes).
"""

from __future__ import annotations

import pytest

from enrich.audit import AuditSettings, audit_document
from enrich.model import Citation, Claim, ClaimKind, Document, Style, Subject
from enrich.report.document import bibliography_entries
from enrich.report.rows import database_rows
from tests.audit.helpers import NO_STATS, record, resolved


def _document(citation: Citation) -> Document:
    claim = Claim("s1", ClaimKind.STATEMENT, "line 1", (citation,), text="TWIST2 …")
    return Document("doc.md", Style.TEXT, Subject(symbol="TWIST2"), (claim,))


@pytest.mark.xfail(strict=True, reason="a misidentified PMID still enters the outputs")
def test_a_misidentified_pmid_enters_no_bibliography_nor_citations_paper() -> None:
    """A PMID whose record the document's DOI and title both contradict is another paper
    than the one cited: it enters no bibliography, and audit.db's ``citations.paper`` is
    empty for it (its ``papers`` row is not written)."""
    other = record("14", "TWIST2 in Drosophila mesoderm.", doi="10.1/y")
    citation = Citation(pmid="14", doi="10.1/x", title="SOX9 in cartilage")
    audited = audit_document(_document(citation), resolved(other), NO_STATS, AuditSettings())
    assert {"doi_mismatch", "title_mismatch"} <= {
        f.name for f in audited.claims[0].citations[0].flags
    }
    assert bibliography_entries(audited) == ()
    rows = database_rows(audited)
    assert [row[-1] for row in rows.citations] == [None]
    assert rows.papers == ()
