"""ReportWriter.add_written out of order: audit.tsv and index.html keep the run's order."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from enrich.errors import OutputError
from enrich.model import RunSummary
from enrich.report import ReportWriter, WrittenDocument
from enrich.report.commit import MANIFEST
from enrich.report.view import DocumentEntry


def written(name: str) -> WrittenDocument:
    entry = DocumentEntry(
        name=name,
        path=f"{name}.md",
        style="text",
        subject=name,
        claims=1,
        grades={"A": 1, "B": 0, "C": 0, "D": 0},
        flags={},
        citations=0,
        unresolved=0,
        problems=0,
    )
    return WrittenDocument(tsv=f"{name}\trow\n", entry=entry, bibliography=())


def test_documents_added_out_of_order_are_listed_in_run_order(tmp_path: Path) -> None:
    """Documents handed over in any order are listed in the run's order in audit.tsv,
    index.html and audit.db."""
    writer = ReportWriter(tmp_path)
    names = [writer.allocate(f"doc{i}.md") for i in range(6)]
    for number in (3, 1, 0, 5, 2, 4):
        writer.add_written(written(names[number]), number)
    assert [e.name for e in writer.entries] == names
    writer.finish(RunSummary(documents=6, claims=6, problems=0))
    lines = (tmp_path / "audit.tsv").read_text().splitlines()[1:]
    assert lines == [f"{name}\trow" for name in names]
    index = (tmp_path / "index.html").read_text()
    assert [index.index(f'"n":"{name}"') for name in names] == sorted(
        index.index(f'"n":"{name}"') for name in names
    )
    with contextlib.closing(sqlite3.connect(tmp_path / "audit.db")) as db:
        reports = [row[0] for row in db.execute("SELECT report FROM documents ORDER BY number")]
    assert reports == [f"{name}.html" for name in names]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".enrich-")] == [MANIFEST]


def test_finishing_with_a_gap_is_refused(tmp_path: Path) -> None:
    writer = ReportWriter(tmp_path)
    writer.add_written(written("a"), 1)
    with pytest.raises(OutputError, match="not all been added"):
        writer.finish(RunSummary(documents=2, claims=2, problems=0))


def test_a_number_is_taken_once(tmp_path: Path) -> None:
    writer = ReportWriter(tmp_path)
    writer.add_written(written("a"), 0)
    with pytest.raises(ValueError, match="already written"):
        writer.add_written(written("b"), 0)
