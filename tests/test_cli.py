"""The command line: ``enrich extract`` and the conventions every command shares."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from enrich.cli import _WarningLines, cli
from enrich.testing import RecordStore, make_record
from tests.conftest import EXAMPLES, ROOT


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_extract_json_is_the_documented_shape() -> None:
    """JSON output carries the documented document and claim keys for both styles."""
    code, out, _ = run("extract", str(EXAMPLES))
    assert code == 0
    docs = json.loads(out)["documents"]
    assert [d["style"] for d in docs] == ["harmonizome", "tflink"]
    for doc in docs:
        assert {"path", "style", "subject", "claims", "problems"} <= doc.keys()
        for claim in doc["claims"]:
            assert {
                "id",
                "kind",
                "regulator",
                "target",
                "text",
                "sources",
                "methods",
                "citations",
            } <= claim.keys()
            for citation in claim["citations"]:
                assert {"pmid", "doi"} <= citation.keys()
    edge = docs[1]["claims"][0]
    assert (edge["kind"], edge["regulator"], edge["target"]) == ("edge", "EZH2", "TWIST1")
    statement = docs[0]["claims"][0]
    assert statement["kind"] == "statement" and statement["text"].startswith("TWIST2 is")


def test_extract_tsv_has_a_line_per_cited_claim() -> None:
    """TSV has a header and one line per (claim, citation): 147 for TWIST1."""
    code, out, _ = run(
        "extract", "--format", "tsv", str(EXAMPLES / "tflink_protein_Q15672_TWIST1.md")
    )
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("path\tstyle\tclaim")
    assert len(lines) == 1 + 147
    assert all(len(line.split("\t")) == 14 for line in lines)


def test_extract_table_summarises_each_document() -> None:
    """The table has one line per document with claim and PMID counts."""
    code, out, _ = run("extract", "--format", "table", str(EXAMPLES))
    assert code == 0
    twist1 = next(line for line in out.splitlines() if "TWIST1" in line)
    assert twist1.split()[3:6] == ["48", "147", "35"]


#: what a terminal would act on: ESC (colours, OSC 8 links, clearing the screen), BEL,
#: carriage return, the C1 CSI, and a right-to-left override
_TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_extract_table_prints_no_control_character_of_a_name_or_page(tmp_path: Path) -> None:
    """A file name or a page's protein name holding terminal escapes (a colour, an OSC 8
    link, clearing the screen) or a right-to-left override is shown escaped in the table:
    before, both reached the terminal raw, which acted on them."""
    name = tmp_path / "a\x1b[2J\x1b]8;;http:\x07x\u202e.md"
    name.write_text(
        '---\ntype: protein\nprotein_name: "\\e[31mX\\u202e"\ntfs: ""\ntargets: ""\n---\n',
        encoding="utf-8",
    )
    code, out, _ = run("extract", "--format", "table", str(tmp_path))
    assert code == 0
    assert "\\x1b[2J" in out and "[31mX\\u202e" in out  # the subject clipped to 12
    assert not _TERMINAL_CONTROLS.search(out), out


def test_resolve_table_prints_no_control_character_of_pubmed(
    make_eutils_server: Any, tmp_path: Path
) -> None:
    """PubMed text in ``enrich resolve``'s table (a title, a journal) holding C1 controls or
    a right-to-left override is shown escaped: before, it reached the terminal raw (U+009B
    is CSI to some terminals; U+202E shows the rest of the line reversed)."""
    store = RecordStore.from_records(
        [make_record("123", title="Fine\u202egnp.exe", journal="J\x9b2J\u202e", year=2001)]
    )
    server = make_eutils_server(store)
    env = {"ENRICH_EUTILS_URL": server.url, "NCBI_EMAIL": "curator@example.org"}
    result = CliRunner(env=env).invoke(
        cli, ["resolve", "123", "--cache-dir", str(tmp_path / "cache")]
    )
    assert result.exit_code == 0, result.output
    assert "Fine\\u202egnp.exe" in result.stdout and "J\\x9b2J\\u202e" in result.stdout
    assert not _TERMINAL_CONTROLS.search(result.stdout), result.stdout


def test_bad_input_exits_1_with_one_line_per_problem(tmp_path: Path) -> None:
    """A broken file is named on stderr in one line; the good inputs are still printed."""
    (tmp_path / "empty.md").write_text("")
    code, out, err = run("extract", str(tmp_path), str(EXAMPLES))
    assert code == 1
    assert err.strip() == f"error: {tmp_path / 'empty.md'}: file is empty"
    assert len(json.loads(out)["documents"]) == 3


def test_usage_error_exits_2() -> None:
    """An unknown option or a missing path is a usage error, exit 2."""
    assert run("extract")[0] == 2
    assert run("extract", "--format", "xml", str(EXAMPLES))[0] == 2


def test_every_command_has_help_with_an_example() -> None:
    """Every command documents itself with an example, so ``--help`` is always useful."""
    for name, command in cli.commands.items():
        assert isinstance(command, click.Command)
        assert command.help and "Example" in command.help, name


def test_python_dash_m_enrich_runs() -> None:
    """``python -m enrich`` is the same command line."""
    result = subprocess.run(
        [sys.executable, "-m", "enrich", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.startswith("enrich, version ")


def test_readme_commands_are_the_ones_ci_runs() -> None:
    """README's two newcomer commands exist, and .ci/run runs README's test command verbatim."""
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    run_command, test_command = re.findall(r"```console\n(.*?)\n```", readme, re.DOTALL)[:2]
    assert run_command == "pip install -e . && enrich run examples/"
    assert test_command in ci.splitlines()


FORMULA_PAGE = """---
layout: protein
protein_name: =CMD
uniprot_accession: Q15672
tfs: |-
  @SUM(A1),P1,1,+ReMap;=TRRUST,-cmd|' /C calc'!A0,29087512%5Buid%5D,No
---
"""


def test_tsv_outputs_neutralise_formulas(tmp_path: Path) -> None:
    """Cells of ``extract --format tsv``, ``audit --format tsv`` and audit.tsv that start with
    = + - @ are written with a leading quote, the same in all three."""
    page = tmp_path / "docs" / "formula.md"
    page.parent.mkdir()
    page.write_text(FORMULA_PAGE, encoding="utf-8")
    env = {"ENRICH_CACHE_DIR": str(tmp_path / "cache")}
    outputs = []
    for command in (["extract"], ["audit", "--offline"]):
        result = CliRunner(env=env).invoke(cli, [*command, "--format", "tsv", str(page)])
        outputs.append(result.stdout)
    result = CliRunner(env=env).invoke(
        cli, ["run", "--offline", "--out", str(tmp_path / "out"), str(page)]
    )
    assert result.exit_code == 3, result.output
    outputs.append((tmp_path / "out" / "audit.tsv").read_text(encoding="utf-8"))
    for text in outputs:
        cells = [cell for line in text.splitlines()[1:] for cell in line.split("\t")]
        assert "'@SUM(A1)" in cells and "'=CMD" in cells, cells
        assert not [c for c in cells if c.startswith(("=", "+", "@"))], cells
        assert not [c for c in cells if c.startswith("-") and not c.lstrip("-").isdigit()]
    assert outputs[1] == outputs[2]


def _run_offline(tmp_path: Path, *options: str) -> tuple[Result, set[str]]:
    """``enrich run --offline`` of the examples into a fresh folder, with ``options``; the
    names of the files written."""
    out = tmp_path / "out"
    env = {"ENRICH_CACHE_DIR": str(tmp_path / "cache")}
    result = CliRunner(env=env).invoke(
        cli, ["run", "--offline", "--out", str(out), *options, str(EXAMPLES)]
    )
    return result, {p.name for p in out.iterdir()} if out.exists() else set()


RUN_FILES = {
    "index.html",
    "audit.tsv",
    "audit.db",
    "references.bib",
    "references.json",
    "references.ris",
}


@pytest.mark.parametrize(
    ("options", "suffixes"),
    [
        ((), {".html", ".json"}),
        (("--formats", "md"), {".md"}),
        (("--formats", " JSON, md ,html,md"), {".html", ".json", ".md"}),
    ],
)
def test_run_writes_the_formats_asked_for(
    tmp_path: Path, options: tuple[str, ...], suffixes: set[str]
) -> None:
    """enrich run writes html and json per document unless --formats says otherwise (any
    case, spaces, repeats), and the run-level files always."""
    result, names = _run_offline(tmp_path, *options)
    assert result.exit_code == 3, result.output  # offline: the citations stay unresolved
    stems = ("tflink_protein_Q15672_TWIST1", "harmonizome_gene_TWIST2")
    documents = {f"{stem}{suffix}" for stem in stems for suffix in suffixes}
    bookkeeping = {".enrich-manifest.json", ".enrich-state.sqlite", ".enrich-run.lock"}
    assert names - bookkeeping == documents | RUN_FILES


@pytest.mark.parametrize(
    ("value", "named"), [("html,pdf", "unknown format 'pdf'"), (",", "no format given")]
)
def test_an_unknown_format_is_a_usage_error(tmp_path: Path, value: str, named: str) -> None:
    """--formats with an unknown name (or none) is a usage error naming it, before any work:
    nothing is written."""
    result, names = _run_offline(tmp_path, "--formats", value)
    assert result.exit_code == 2
    assert named in result.stderr and "(known: html, json, md)" in result.stderr
    assert names == set() and not (tmp_path / "cache").exists()


@pytest.mark.parametrize("out", ["docs", "/", "docs/inner/.."])
def test_a_report_folder_holding_an_input_is_refused(tmp_path: Path, out: str) -> None:
    """--out that is, or holds, an input folder would put reports among the documents (and
    over them, with --formats md): one line naming it, exit 1, and the documents intact."""
    docs = tmp_path / "docs"
    (docs / "inner").mkdir(parents=True)
    for example in EXAMPLES.glob("*.md"):
        (docs / example.name).write_bytes(example.read_bytes())
    before = {p.name: p.read_bytes() for p in docs.glob("*.md")}
    target = out if out == "/" else str(tmp_path / out)
    result = CliRunner().invoke(
        cli,
        [
            *("run", str(docs), "--out", target, "--formats", "md", "--offline"),
            *("--cache-dir", str(tmp_path / "cache")),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "holds the input" in result.stderr and len(result.stderr.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in docs.glob("*.md")} == before


@pytest.mark.parametrize("option", ["--out", "--cache-dir"])
def test_an_empty_folder_option_is_a_usage_error(tmp_path: Path, option: str) -> None:
    """``--out "$UNSET"`` would be the current folder: a usage error, nothing written."""
    result = CliRunner().invoke(cli, ["run", str(EXAMPLES), option, "", "--offline"])
    assert result.exit_code == 2 and "empty path" in result.stderr


def test_extract_of_a_folder_without_documents_fails_as_run_does(tmp_path: Path) -> None:
    """No document in the paths: one line and exit 1, as enrich run and enrich audit say,
    not an empty listing that a pipeline takes for success."""
    (tmp_path / "notes.bin").write_bytes(b"\x00")
    code, out, err = run("extract", str(tmp_path))
    assert code == 1 and out == "" and err.startswith("error: no document")


def test_unresolved_warnings_count_identifiers_and_say_what_to_do(tmp_path: Path) -> None:
    """Offline with an empty cache, the warnings count distinct cited identifiers (as the
    identifiers line does, not the citations of the citation flags line), tell the user to
    run again online, and only ``enrich run``, which writes reports, says the reports say so."""
    env = {"ENRICH_CACHE_DIR": str(tmp_path / "cache")}
    ran = CliRunner(env=env).invoke(
        cli, ["run", "--offline", "--out", str(tmp_path / "out"), str(EXAMPLES)]
    )
    audited = CliRunner(env=env).invoke(
        cli, ["audit", "--offline", "--fail-on", "retracted", str(EXAMPLES)]
    )
    piped = CliRunner(env=env).invoke(cli, ["audit", "--offline", "--format", "tsv", str(EXAMPLES)])
    assert "identifiers    65 distinct cited: 65 unresolved" in ran.output
    warning = "warning: 65 cited identifiers are unresolved"
    assert f"{warning}; the reports say so. Run again online." in ran.output
    for result in (audited, piped):
        assert f"{warning}. Run again online." in result.output
        assert "the reports say so" not in result.output
    assert "65 cited identifiers could not be checked (unresolved); run again online" in (
        audited.stderr
    )


def test_library_warnings_are_lines_while_a_command_runs_and_logging_is_given_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The library's warnings print as ``warning:`` lines during a command; afterwards the
    ``enrich`` logger is as it was, so a test or program running the CLI in its own process
    keeps its logging (a handler left behind hid later warnings from pytest's caplog)."""
    logger = logging.getLogger("enrich")
    # A known state to come back to, whatever earlier in-process runs left: a handler left
    # behind by one of them would otherwise be the "before" this test compares with.
    handlers = [h for h in logger.handlers if not isinstance(h, _WarningLines)]
    monkeypatch.setattr(logger, "handlers", list(handlers))
    monkeypatch.setattr(logger, "propagate", True)
    propagate = True

    def warn_then_read(*args: object) -> Iterator[object]:
        logging.getLogger("enrich.entrez").warning("E-utilities asked to wait")
        return iter(())

    monkeypatch.setattr("enrich.cli.iter_documents", warn_then_read)
    result = CliRunner().invoke(cli, ["extract", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert "warning: E-utilities asked to wait" in result.stderr
    assert logger.handlers == handlers and logger.propagate is propagate


def test_a_grade_met_only_by_claims_whose_citations_were_not_looked_up_is_not_decided(
    tmp_path: Path,
) -> None:
    """Offline with an empty cache every claim is C because its citations could not be
    looked up: ``--fail-on C`` is not decided (exit 3), not tripped (exit 1), since those
    grades may change once they are; a condition met for certain still trips (exit 1) and the
    line names the grade in doubt."""
    env = {"ENRICH_CACHE_DIR": str(tmp_path / "cache")}
    gate = ["audit", "--offline", "--format", "tsv", str(EXAMPLES), "--fail-on"]
    doubtful = CliRunner(env=env).invoke(cli, [*gate, "C"])
    assert doubtful.exit_code == 3, doubtful.output
    assert doubtful.stderr.splitlines()[-1] == (
        "fail-on: not decided: C (54 claims) met only in doubt: 65 cited identifiers could "
        "not be checked (unresolved) and 50 Gene IDs had no NCBI Gene names and may change what "
        "they meet; run again online"
    )
    sure = CliRunner(env=env).invoke(cli, [*gate, "C,single_source"])
    assert sure.exit_code == 1, sure.output
    assert sure.stderr.splitlines()[-1] == (
        "fail-on: tripped by single_source (26 claims); not decided: C (54 claims) met only "
        "in doubt"
    )


def test_the_fail_on_help_says_a_grade_met_only_in_doubt_is_not_decided() -> None:
    """``--fail-on``'s help and the command's say what the gate does: a grade met only by
    claims citing identifiers not looked up exits 3, not the 1 "any claim has this grade"
    promised."""
    code, out, _ = run("audit", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "not decided (exit 3)" in text
    assert "trips nothing: not decided, exit 3" in text


def test_json_printed_holds_no_terminal_control_raw(tmp_path: Path) -> None:
    """A file name (or page text) holding a bidirectional override or a C1 control is
    printed by ``extract --format json`` as JSON escapes, never raw: the same value."""
    name = "re\u202eversed\x9b.md"
    (tmp_path / name).write_text("TWIST1 binds it (PMID: 12345).\n", encoding="utf-8")
    code, out, _ = run("extract", "--format", "json", str(tmp_path))
    assert code == 0
    assert "\u202e" not in out and "\x9b" not in out and "\\u202e" in out
    assert json.loads(out)["documents"][0]["path"].endswith(name)


def test_an_empty_fail_on_is_a_usage_error(tmp_path: Path) -> None:
    """``--fail-on "$GATE"`` with GATE unset is a usage error naming the option, before any
    work: taken for no condition, the gate would pass every corpus with exit 0."""
    env = {"ENRICH_CACHE_DIR": str(tmp_path / "cache")}
    result = CliRunner(env=env).invoke(cli, ["audit", "--offline", "--fail-on", "", str(EXAMPLES)])
    assert result.exit_code == 2
    assert "Invalid value for --fail-on: '' names no condition (an unset variable?)" in (
        result.stderr
    )
    assert not (tmp_path / "cache").exists()


def test_a_cache_folder_that_is_a_file_is_called_one(tmp_path: Path) -> None:
    """``enrich resolve --cache-dir FILE`` says the file is not a folder, as ``enrich run``
    does, not mkdir's "File exists"."""
    cache = tmp_path / "notes.txt"
    cache.write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["resolve", "18598946", "--offline", "--cache-dir", str(cache)]
    )
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: cannot use {cache} for the cache: it is a file, not a folder"
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["run", "no/such/folder"], "no/such/folder does not exist (see 'enrich run --help')"),
        (["audit", str(EXAMPLES), "--jobs", "0"], "0 is not in the range"),
        (["run", str(EXAMPLES), "--bogus"], "No such option '--bogus'"),
        (["--bogus"], "No such option '--bogus' (see 'enrich --help')"),
        (["nosuch"], "No such command 'nosuch'"),
    ],
)
def test_a_usage_error_is_one_line(args: list[str], named: str) -> None:
    """A usage error (a path that does not exist, an unknown option or command, a value out
    of range) is one line naming it and where the options are listed, exit 2: not Click's
    four lines of usage, hint, blank line and error."""
    result = CliRunner().invoke(cli, args, prog_name="enrich")
    code, out, err = result.exit_code, result.stdout, result.stderr
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and named in err, err


@pytest.mark.parametrize("args", [[], ["cache"]])
def test_a_group_given_no_command_shows_its_help(args: list[str]) -> None:
    """``enrich`` or ``enrich cache`` alone prints the group's help as Click lays it out
    (exit 2): not squeezed into one ``error:`` line with its newlines escaped."""
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith("Usage: ") and "\nCommands:\n" in err and "\\n" not in err, err


def test_refresh_help_does_not_offer_offline() -> None:
    """``enrich refresh`` needs the network: its help does not list ``--offline``, and the
    option given anyway (or ``offline: true`` in enrich.yaml) is refused in words."""
    code, out, _ = run("refresh", "--help")
    assert code == 0 and "--max-age" in out and "--offline" not in out
    code, _, err = run("refresh", "--offline")
    assert code == 2 and err == "error: refresh needs the network; drop --offline\n"


def test_resolve_takes_identifiers_as_documents_write_them(tmp_path: Path) -> None:
    """``enrich resolve PMID:18598946`` (or ``pubmed:``, a PubMed link, ``doi:``) asks for
    the identifier in it, as a document's citation would be read; what holds none, several,
    or more than one identifier and its label, is invalid with a reason saying what is
    understood."""
    given = ["PMID:18598946", "pubmed:18598946", "https://pubmed.ncbi.nlm.nih.gov/18598946/"]
    given += ["doi:10.1016/j.ccr.2008.06.005", "PMIDs 18598946, 20000000", "x"]
    given += ["PMID:18598946x", "see PMID 18598946 please"]  # more than the identifier
    env = {"ENRICH_CACHE_DIR": str(tmp_path / "cache")}
    result = CliRunner(env=env).invoke(cli, ["resolve", "--offline", "--format", "json", *given])
    rows = {row["identifier"]: row for row in json.loads(result.stdout)}
    assert [rows[g]["key"] for g in given[:4]] == [
        *["pmid:18598946"] * 3,
        "doi:10.1016/j.ccr.2008.06.005",
    ]
    assert {rows[g]["status"] for g in given[:4]} == {"unresolved"}  # offline, not cached
    for invalid in given[4:]:
        assert rows[invalid]["status"] == "invalid"
        assert rows[invalid]["reason"].startswith("malformed identifier: give a PMID")
    assert result.exit_code == 3  # some unresolved (offline): exit 3 before the invalid's 1
