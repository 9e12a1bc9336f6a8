"""audit.db: its schema as README documents it, the same claims, citations and flags as
audit.tsv (on the examples and on a generated corpus), README's queries giving the output
README shows, and the database replaced only with the whole report set."""

from __future__ import annotations

import contextlib
import csv
import multiprocessing
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from enrich.cli import cli
from enrich.model import AuditedDocument, RunSummary
from enrich.report import ReportWriter
from enrich.report.provenance import RunInfo
from enrich.run.streaming import DocumentReporter
from enrich.testing import EutilsServer
from tests.conftest import EXAMPLES, ROOT
from tests.report.generated import GeneratedRun
from tests.report.synthetic import twist1, twist2

#: The tables and columns README documents, in order.
SCHEMA = {
    "runs": [
        "run", "started", "finished", "duration", "enrich_version", "eutils_url", "offline",
        "test_data", "records_oldest", "records_newest", "primary_for_a", "resource_share",
        "resource_min_edges", "high_throughput_methods", "resources", "documents", "claims",
        "problems", "requests", "cache_hits",
    ],
    "documents": [
        "number", "document", "report", "style", "subject", "claims", "grade_a", "grade_b",
        "grade_c", "grade_d", "papers", "unresolved", "problems",
    ],
    "claims": [
        "document", "claim", "position", "kind", "regulator", "target", "text", "grade",
        "grade_reason", "sources", "methods", "flags", "citations", "primary_papers",
    ],
    "citations": ["document", "claim", "position", "pmid", "doi", "status", "reason", "paper"],
    "flags": ["document", "claim", "pmid", "doi", "level", "name", "reason"],
    "papers": [
        "pmid", "doi", "title", "journal", "year", "date", "authors", "publication_types",
        "retracted", "retraction_notice", "fetched", "test_data",
    ],
}  # fmt: skip


@contextlib.contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        yield db


def tsv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def assert_database_equals_tsv(reports: Path) -> None:
    """audit.db has README's schema and the claims, citations and claim flags of audit.tsv."""
    rows = tsv_rows(reports / "audit.tsv")
    with opened(reports / "audit.db") as db:
        tables = {
            name: [column[1] for column in db.execute(f"PRAGMA table_info({name})")]
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        assert tables == SCHEMA
        claims = db.execute(
            "SELECT document, claim, grade, grade_reason, citations, flags FROM claims"
        ).fetchall()
        cited = db.execute("SELECT count(*) FROM citations WHERE claim IS NOT NULL").fetchone()[0]
        claim_flags = db.execute("SELECT count(*) FROM flags WHERE level = 'claim'").fetchone()[0]
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert len(claims) == len(rows) > 0
    by_key = {(r["document"], r["claim"]): r for r in rows}
    for document, claim, grade, reason, citations, flags in claims:
        row = by_key[(document, claim)]
        assert (grade, reason, str(citations)) == (
            row["grade"],
            row["grade_reason"],
            row["n_citations"],
        )
        assert (flags or "").replace("; ", ",") == row["flags"]
    assert cited == sum(int(r["n_citations"]) for r in rows)
    assert claim_flags == sum(len(r["flags"].split(",")) for r in rows if r["flags"])
    assert documents == len({r["document"] for r in rows})


def test_the_database_of_the_examples_matches_audit_tsv(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """On the examples: README's schema, and audit.tsv's claims, citations and flags."""
    env = {"ENRICH_EUTILS_URL": eutils_server.url, "CI": "true"}
    args = ["run", str(EXAMPLES), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, [*args, "--cache-dir", str(tmp_path / "cache")], env=env)
    assert result.exit_code == 0, result.output
    assert_database_equals_tsv(tmp_path / "out")
    with opened(tmp_path / "out" / "audit.db") as db:
        run = db.execute("SELECT eutils_url, test_data, documents, claims FROM runs").fetchone()
        papers = db.execute("SELECT count(*) FROM papers").fetchone()[0]
    assert run == (eutils_server.url, 1, 2, 54)
    assert papers == 63  # every resolved paper once


def test_the_database_of_a_generated_corpus_matches_audit_tsv(generated: GeneratedRun) -> None:
    """On 300 generated documents: the same, and every resolved paper cited is in papers."""
    assert_database_equals_tsv(generated.reports)
    with opened(generated.reports / "audit.db") as db:
        orphans = db.execute(
            "SELECT count(*) FROM citations WHERE paper IS NOT NULL "
            "AND paper NOT IN (SELECT pmid FROM papers)"
        ).fetchone()[0]
        resolved = db.execute("SELECT count(DISTINCT paper) FROM citations").fetchone()[0]
        papers = db.execute("SELECT count(*) FROM papers").fetchone()[0]
    assert orphans == 0 and resolved == papers > 2000


def _readme_queries() -> list[tuple[str, str]]:
    """README's audit.db queries with the output it shows for each."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `audit.db`", 1)[1].split("\n### ", 1)[0]
    found = re.findall(r"```sql\n(.*?)```\n+```text\n(.*?)```", section, re.S)
    assert len(found) == 3, "README shows three audit.db queries, each with its output"
    return found


def _list_mode(cursor: sqlite3.Cursor) -> str:
    """Rows as ``sqlite3 -header`` prints them: a header, then ``|``-separated values."""
    lines = ["|".join(column[0] for column in cursor.description)]
    lines += ["|".join("" if v is None else str(v) for v in row) for row in cursor]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("index", range(3))
def test_readme_queries_give_the_output_readme_shows(generated: GeneratedRun, index: int) -> None:
    """Each of README's three queries, run on README's corpus, prints what README shows."""
    query, shown = _readme_queries()[index]
    with opened(generated.reports / "audit.db") as db:
        assert _list_mode(db.execute(query)) == shown


def test_audit_grade_d_lists_only_the_grade_d_claims(generated: GeneratedRun) -> None:
    """``enrich audit --grade D`` lists exactly the claims audit.db grades D."""
    done = generated.enrich("audit", "corpus/docs", "--grade", "D", "--format", "tsv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    grades = [line.split("\t")[8] for line in lines[1:]]
    with opened(generated.reports / "audit.db") as db:
        expected = db.execute("SELECT count(*) FROM claims WHERE grade = 'D'").fetchone()[0]
    assert grades == ["D"] * expected and expected > 0


def test_fail_on_names_each_condition_with_its_count(generated: GeneratedRun) -> None:
    """``--fail-on D --fail-on retracted`` exits 1 and says how many claims met each, as
    audit.db counts them; the table lists those claims first."""
    done = generated.enrich("audit", "corpus/docs", "--fail-on", "D", "--fail-on", "retracted")
    with opened(generated.reports / "audit.db") as db:
        d = db.execute("SELECT count(*) FROM claims WHERE grade = 'D'").fetchone()[0]
        retracted = db.execute(
            "SELECT count(DISTINCT document || claim) FROM flags "
            "WHERE name = 'retracted' AND claim IS NOT NULL"
        ).fetchone()[0]
    assert done.returncode == 1
    assert (
        f"fail-on: tripped by D ({d} claims), retracted ({retracted} claims); "
        "those claims are listed first"
    ) in done.stderr
    with opened(generated.reports / "audit.db") as db:
        either = db.execute(
            "SELECT count(*) FROM claims AS c WHERE grade = 'D' OR EXISTS (SELECT 1 FROM flags "
            "AS f WHERE f.document = c.document AND f.claim = c.claim AND f.name = 'retracted')"
        ).fetchone()[0]
    table = done.stdout.split("\nlisted ")[0].splitlines()[1:]
    met = [re.split(r"\s{2,}", row)[-2] for row in table]
    assert all(cell != "-" for cell in met[:either]) and either > d
    assert set(met[either:]) <= {"-"}


def test_a_failed_run_leaves_the_previous_database_as_it_was(tmp_path: Path) -> None:
    """A run that fails after writing rows leaves the previous audit.db byte for byte, and no
    other database beside it."""
    with ReportWriter(tmp_path) as writer:
        writer.add(twist1())
        writer.finish(RunSummary(documents=1))
    before = (tmp_path / "audit.db").read_bytes()
    writer = ReportWriter(tmp_path)
    writer.add(twist1())
    writer.add(twist2())
    writer.abort()
    assert (tmp_path / "audit.db").read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("*.db*")) == ["audit.db"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".enrich-staging")]


def _rows_of(path: Path) -> dict[str, list[str]]:
    with opened(path) as db:
        tables = [table for table in SCHEMA if table != "runs"]  # runs: when each ran
        return {table: sorted(map(repr, db.execute(f"SELECT * FROM {table}"))) for table in tables}  # noqa: S608


def test_rows_from_worker_shards_make_the_same_database_as_rows_added_in_process(
    tmp_path: Path,
) -> None:
    """A run's workers put their rows in shards of their own (one file per process, forked
    after the shard was made); merged, they give audit.db exactly the rows of the writer's
    own ``add``, the shard files are gone, and the set holds nothing else."""
    docs = [twist1(), twist2()]
    with ReportWriter(tmp_path / "direct", run=RunInfo.start()) as writer:
        for doc in docs:
            writer.add(doc)
        writer.finish(RunSummary(documents=2))
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    with ReportWriter(tmp_path / "sharded", run=RunInfo.start()) as writer:
        reporter = DocumentReporter(writer.staging, writer.run, writer.formats, writer.row_shard)

        def render(doc: AuditedDocument, name: str) -> None:
            results.put(reporter(doc, name))

        for doc in docs:  # each document's rows from a process of its own
            process = fork.Process(target=render, args=(doc, writer.allocate(doc.document.path)))
            process.start()
            written = results.get(timeout=30)
            process.join()
            assert process.exitcode == 0
            assert not written.rows.claims  # the rows went to the shard, not the result
            writer.add_written(written)
        assert len(writer.row_shard.shards()) == 2
        writer.finish(RunSummary(documents=2))
    direct = _rows_of(tmp_path / "direct" / "audit.db")
    assert _rows_of(tmp_path / "sharded" / "audit.db") == direct
    assert all(direct[table] for table in ("claims", "citations", "flags", "papers"))
    assert not (tmp_path / "sharded" / ".rows").exists()
    assert sorted(p.name for p in (tmp_path / "sharded").iterdir()) == sorted(
        p.name for p in (tmp_path / "direct").iterdir()
    )


@pytest.mark.parametrize(
    "schema",
    [
        # a view that never ends: DISTINCT ... ORDER BY reads every row
        "CREATE VIEW citations AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
        "FROM c) SELECT 'doc' || x AS document, '1' || substr(x, 1, 1) AS paper FROM c",
        # a table of the right name whose documents are not text
        "CREATE TABLE citations (document, paper); INSERT INTO citations VALUES (7, '11'), "
        "(x'00ff', '11'), ('a.md', '11')",
    ],
    ids=["endless view", "documents not text"],
)
def test_documents_citing_reads_a_planted_audit_db_safely(tmp_path: Path, schema: str) -> None:
    """``enrich refresh`` reads the audit.db it finds in --out, a file anyone able to write
    there may have made: a ``citations`` that is a view is not read (before, one recursing
    for ever hung the refresh, and its lock, for good), and a document that is not text is
    left out (before, it ended the refresh when the report was written)."""
    path = tmp_path / "audit.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.executescript(schema)
        db.commit()
    code = (
        "from pathlib import Path; from enrich.report.database import documents_citing; "
        f"print(documents_citing(Path({str(path)!r}), ['11']))"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=20, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("None", "{'11': ['a.md']}")
