"""audit.tsv rows, the terminal table and the paper list."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from enrich.model import Relation, RunSummary
from enrich.report import ReportWriter
from enrich.report.rows import database_rows
from enrich.report.tables import AUDIT_COLUMNS, audit_rows
from enrich.report.view import primary_pmids
from tests.audit.helpers import audit_claim, cite, edge, record, resolved
from tests.report.synthetic import NOT_FOUND, RETRACTED, hostile, twist1, twist2


def test_audit_rows_one_per_claim_with_clean_cells() -> None:
    """audit.tsv has the header then one row per claim, every row the header's width."""
    docs = [twist1(), twist2(), hostile()]
    text = "".join(audit_rows(docs))
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert tuple(rows[0]) == AUDIT_COLUMNS
    assert len(rows) == 1 + sum(len(d.claims) for d in docs)
    assert all(len(r) == len(AUDIT_COLUMNS) for r in rows)
    statement = next(r for r in rows if r[1] == "s1" and r[0] == "../../etc/passwd")
    assert "\n" not in statement[5] and statement[5].startswith("A | pipe")


def test_primary_excludes_resource_retracted_and_unresolved() -> None:
    """Primary PMIDs are resolved citations without resource/retracted flags."""
    doc = twist1()
    by_id = {v.claim.id: v for v in doc.claims}
    assert primary_pmids(by_id["tfs-1"]) == ["23836662"]  # 29126285/29087512 are resources
    assert primary_pmids(by_id["tfs-5"]) == []  # retracted + resource
    assert RETRACTED in [c.citation.pmid for c in by_id["tfs-5"].citations]
    rows = {r.split("\t")[1]: r.rstrip("\n").split("\t") for r in audit_rows([doc])}
    assert rows["tfs-4"][AUDIT_COLUMNS.index("primary")] == "21931630"
    assert NOT_FOUND in rows["tfs-4"][AUDIT_COLUMNS.index("pmids")]


def test_primary_counts_an_article_and_its_republished_version_once() -> None:
    """audit.tsv's ``primary`` and audit.db's ``primary_papers`` list the primary papers the
    grade counts: an article cited with its corrected and republished version is one paper,
    named as the grade's reason names it ("1 primary paper (PMID 114), A needs 2"), not two
    PMIDs beside a reason saying one."""
    original = record(
        "114", "RUNX2 and TWIST1.", relations=(Relation("CorrectedandRepublishedIn", "115", "J X"),)
    )
    republished = record(
        "115", "RUNX2 and TWIST1.", relations=(Relation("CorrectedandRepublishedFrom", "114", "J"),)
    )
    verdict = audit_claim(edge(cite("114"), cite("115")), resolved(original, republished))
    assert verdict.grade_reason == "B: 1 primary paper (PMID 114), A needs 2"
    assert primary_pmids(verdict) == ["114"]
    doc = dataclasses.replace(twist1(), claims=(verdict,), citations=())
    row = list(audit_rows([doc]))[1].rstrip("\n").split("\t")
    assert row[AUDIT_COLUMNS.index("primary")] == "114"
    assert database_rows(doc).claims[0][-1] == "114"


def test_a_claims_citation_flags_have_a_column_of_their_own() -> None:
    """A claim citing a retracted paper can be found in audit.tsv by that flag, whatever
    its grade: ``citation_flags`` lists its citations' flags, each once."""
    doc = twist1()
    by_id = {v.claim.id: v for v in doc.claims}
    rows = {r.split("\t")[1]: r.rstrip("\n").split("\t") for r in audit_rows([doc])}
    flags = rows["tfs-5"][AUDIT_COLUMNS.index("citation_flags")].split(",")
    assert "retracted" in flags and len(flags) == len(set(flags))
    expected = {f.name for c in by_id["tfs-1"].citations for f in c.flags}
    assert (
        set(filter(None, rows["tfs-1"][AUDIT_COLUMNS.index("citation_flags")].split(",")))
        == expected
    )


def test_audit_tsv_written_by_writer_matches_audit_rows(tmp_path: Path) -> None:
    """The audit.tsv the writer leaves is exactly audit_rows over the documents added."""
    docs = [twist1(), twist2()]
    writer = ReportWriter(tmp_path)
    for doc in docs:
        writer.add(doc)
    writer.finish(RunSummary())
    assert (tmp_path / "audit.tsv").read_text() == "".join(audit_rows(docs))
