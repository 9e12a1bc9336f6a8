"""Provenance on every report: when, by which enrich, from which E-utilities server, how old
the records are, and a test-data banner on every report made from enrich.testing's records
(and on none made from NCBI's)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from click.testing import CliRunner

from enrich import __version__
from enrich.cli import cli
from enrich.entrez import DEFAULT_EUTILS_URL
from enrich.report import FORMATS, render_document
from enrich.report.provenance import (
    Provenance,
    RunInfo,
    Sources,
    banner_html,
    bibtex_comment,
    footer_html,
    provenance_dict,
    provenance_markdown,
)
from enrich.testing import EutilsServer
from tests.conftest import EXAMPLES
from tests.report.synthetic import twist1

STARTED = 1736178127.0  # 2025-01-06 15:42:07 UTC
FETCHED = Sources(oldest=1733000000.0, newest=1736170000.0)  # 2024-11-30 .. 2025-01-06


def provenance(test_data: bool, url: str = DEFAULT_EUTILS_URL) -> Provenance:
    sources = Sources(FETCHED.oldest, FETCHED.newest, test_data)
    return Provenance(RunInfo(STARTED, url, enrich_version="9.9"), sources)


def test_ncbi_records_read_as_ncbi_with_their_fetch_times_and_no_banner() -> None:
    """A report made from NCBI's records names NCBI, the time, the version and the span of
    fetch times, in HTML, Markdown and JSON, with no test-data banner anywhere."""
    real = provenance(test_data=False)
    sentence = (
        "Made 2025-01-06 15:42 UTC by enrich 9.9; records from NCBI E-utilities at "
        f"{DEFAULT_EUTILS_URL}; records fetched 2024-11-30 20:53 UTC to 2025-01-06 13:26 UTC."
    )
    assert banner_html(real) == ""
    assert footer_html(real) == f'<p class="provenance">{sentence}</p>'
    assert provenance_markdown(real) == [f"_{sentence}_", ""]
    assert provenance_dict(real) == {
        "made": "2025-01-06T15:42:07Z",
        "enrich_version": "9.9",
        "eutils_url": DEFAULT_EUTILS_URL,
        "offline": False,
        "test_data": False,
        "records_oldest": "2024-11-30T20:53:20Z",
        "records_newest": "2025-01-06T13:26:40Z",
    }
    assert "TEST" not in bibtex_comment(real)


def test_test_data_gets_a_banner_in_every_format() -> None:
    """A report made from enrich.testing's records opens with a banner saying so, and its
    machine forms say so too."""
    fake = provenance(test_data=True, url="http://127.0.0.1:8765/entrez/eutils/")
    assert "<b>Test data</b>" in banner_html(fake)
    assert provenance_markdown(fake)[0].startswith("> **Test data**")
    assert "test data from enrich.testing" in footer_html(fake)
    assert provenance_dict(fake)["test_data"] is True
    assert "TEST DATA" in bibtex_comment(fake)


def test_document_reports_carry_their_own_records_provenance() -> None:
    """render_document with a run gives each report the banner and the provenance line; the
    JSON carries it after "schema"; without a run nothing changes."""
    run = RunInfo(STARTED, "http://127.0.0.1:1/entrez/eutils/")
    doc = twist1()
    plain = render_document(doc, formats=FORMATS)
    made = render_document(doc, formats=FORMATS, run=run)
    assert made.sources == plain.sources  # the synthetic records carry no fetch times
    texts, plain_texts = dict(made.files), dict(plain.files)
    assert "Made 2025-01-06 15:42 UTC" in texts["html"]
    assert "Made 2025" not in plain_texts["html"]
    assert "_Made 2025-01-06 15:42 UTC" in texts["md"]
    data = json.loads(texts["json"])
    assert list(data)[:2] == ["schema", "provenance"]
    assert data["provenance"]["eutils_url"] == run.eutils_url
    assert "provenance" not in json.loads(plain_texts["json"])


def test_source_date_epoch_fixes_the_runs_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """SOURCE_DATE_EPOCH, when set, is the run's start (reproducible report sets)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1736178127")
    assert RunInfo.start().started == STARTED


def test_merged_sources_span_both_and_are_test_data_if_either_is() -> None:
    """The run's sources are the union of its documents': widest span, test data if any."""
    early = Sources(100.0, 200.0, False)
    late = Sources(150.0, 900.0, True)
    assert early.merge(late) == Sources(100.0, 900.0, True)
    assert Sources().merge(early) == early


# --- whole runs ----------------------------------------------------------------------------


def _run(server: EutilsServer, out: Path, cache: Path) -> dict[str, str]:
    env = {"ENRICH_EUTILS_URL": server.url, "NCBI_EMAIL": "curator@example.org", "CI": "true"}
    args = ["run", str(EXAMPLES), "--out", str(out), "--cache-dir", str(cache)]
    args += ["--formats", "html,json,md"]
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reports = [p for p in out.iterdir() if p.suffix != ".db" and not p.name.startswith(".")]
    return {p.name: p.read_text(encoding="utf-8") for p in reports}


def _marked(files: dict[str, str]) -> dict[str, bool]:
    """Per report file, whether it says it is made of test data."""
    marked: dict[str, bool] = {}
    for name, text in files.items():
        if name.endswith((".html", ".md")):
            marked[name] = "Test data" in text
        elif name == "references.bib":
            marked[name] = "TEST DATA" in text
        elif name.endswith(".json") and name != "references.json" and not name.startswith("."):
            data: Any = json.loads(text)
            marked[name] = data["provenance"]["test_data"]
    return marked


def test_a_run_against_the_test_server_is_marked_in_every_report(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """Every document report, index.html and references.bib of a run against enrich.testing
    says test data, and the bibliography still parses."""
    files = _run(eutils_server, tmp_path / "out", tmp_path / "cache")
    marked = _marked(files)
    assert len(marked) == 2 * 3 + 2 and all(marked.values()), marked
    library = bibtexparser.parse_string(files["references.bib"])
    assert library.failed_blocks == [] and len(library.entries) > 50
    assert f"enrich {__version__}" in files["index.html"]


def test_a_run_against_a_server_that_is_not_the_test_server_is_not_marked(
    make_eutils_server: Any, tmp_path: Path
) -> None:
    """A server that does not say it is a test server (as NCBI never does) gets no banner
    in any report; the reports name the server asked."""
    server = make_eutils_server(test_header=False)
    files = _run(server, tmp_path / "out", tmp_path / "cache")
    marked = _marked(files)
    assert len(marked) == 2 * 3 + 2 and not any(marked.values()), marked
    assert f"records from E-utilities at {server.url}" in files["index.html"]
