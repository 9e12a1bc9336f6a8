"""End to end: ``enrich run`` and ``enrich audit`` on both examples against the local server.

The server holds the synthetic example records and gene summaries of ``enrich.testing``
with four deliberate changes (made here, and synthetic like the rest): one TWIST1 paper
retracted, one TWIST2 reference given another DOI, one another title, and an
unknown PMID left out (as FACTS.md found for two TWIST1 PMIDs).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from click.testing import CliRunner, Result

from enrich.audit import AuditSettings
from enrich.cli import cli
from enrich.entrez import EutilsSettings, parse_record, resolve_citations
from enrich.model import Citation, Claim, ClaimKind, Document, Style, Subject
from enrich.report.commit import RUN_LOCK
from enrich.run import citation_keys, enrich_documents, read_documents, streaming
from enrich.run.incremental import STATE
from enrich.testing import EutilsServer, GeneStore, RecordStore, make_record
from tests.conftest import EXAMPLES

RETRACTED = "23723077"  # FOXQ1 -> TWIST1's only primary paper
DOI_CHANGED = "20691403"  # TWIST2 reference 2
TITLE_CHANGED = "21602879"  # TWIST2 reference 3
RESOURCES = {"29087512": "TRRUST", "29126285": "ReMap", "27924024": "GTRD", "31340985": "DoRothEA"}


def altered(store: RecordStore, pmid: str, **changes: Any) -> bytes:
    """The default record of ``pmid`` rebuilt with ``changes`` (a synthetic variant)."""
    original = parse_record(store.get(pmid))  # type: ignore[arg-type]
    fields: dict[str, Any] = {
        "title": original.title,
        "doi": original.doi,
        "authors": original.authors,
        "journal": original.journal,
        "year": original.year,
        "abstract": original.abstract,
        "synthetic_note": "altered for tests/test_run.py",
    }
    return make_record(pmid, **{**fields, **changes})


@pytest.fixture
def server(make_eutils_server: Any) -> EutilsServer:
    store = RecordStore.default()
    store.replace(
        altered(
            store,
            RETRACTED,
            publication_types=("Journal Article", "Retracted Publication"),
            relations=[("RetractionIn", "39000001", "Synthetic Journal. 2024")],
        )
    )
    store.replace(altered(store, DOI_CHANGED, doi="10.1016/j.ajhg.2099.01.001"))
    store.replace(altered(store, TITLE_CHANGED, title="An unrelated title about zebrafish fins."))
    return make_eutils_server(store, genes=GeneStore.default(), rate_limit=None)


def run(args: list[str], url: str, tmp_path: Path) -> Result:
    env = {"ENRICH_EUTILS_URL": url, "NCBI_EMAIL": "curator@example.org", "CI": "true"}
    base = ["--cache-dir", str(tmp_path / "cache")]
    return CliRunner().invoke(cli, [*args, *base], env=env, catch_exceptions=False)


def report(tmp_path: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((tmp_path / "out" / f"{name}.json").read_text())
    return data


def citations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every citation of a JSON report, each with its paper's status, reason and record."""
    return [with_paper(doc, c) for claim in doc["claims"] for c in claim["citations"]] + [
        with_paper(doc, c) for c in doc["citations"]
    ]


def with_paper(doc: dict[str, Any], citation: dict[str, Any]) -> dict[str, Any]:
    """``citation`` with its paper's status, reason and record (stated once, in papers)."""
    paper: dict[str, Any] = doc["papers"][citation["paper"]]
    return {**citation, **paper}


def flags(citation: dict[str, Any]) -> set[str]:
    return {f["name"] for f in citation["flags"]}


@pytest.fixture
def ran(server: EutilsServer, tmp_path: Path) -> tuple[Result, Path]:
    result = run(["run", str(EXAMPLES), "--out", str(tmp_path / "out")], server.url, tmp_path)
    return result, tmp_path


def test_run_writes_every_report_and_exits_0(ran: tuple[Result, Path]) -> None:
    """With the local server, the run writes the default per-document files (HTML and JSON)
    and the run files, and exits 0."""
    result, tmp_path = ran
    assert result.exit_code == 0, result.output
    names = {p.name for p in (tmp_path / "out").iterdir()}
    for stem in ("tflink_protein_Q15672_TWIST1", "harmonizome_gene_TWIST2"):
        assert {f"{stem}.html", f"{stem}.json"} <= names and f"{stem}.md" not in names
    assert {
        "index.html",
        "audit.tsv",
        "audit.db",
        "references.bib",
        "references.json",
        "references.ris",
    } <= names
    assert "claims         54: grade A " in result.output


def test_database_papers_are_flagged_resource(ran: tuple[Result, Path]) -> None:
    """TRRUST, ReMap, GTRD and DoRothEA papers are flagged resource wherever they are cited."""
    _, tmp_path = ran
    doc = report(tmp_path, "tflink_protein_Q15672_TWIST1")
    for citation in citations(doc):
        if citation["pmid"] in RESOURCES:
            assert "resource" in flags(citation), citation["pmid"]
    seen = {c["pmid"] for c in citations(doc)} & set(RESOURCES)
    assert seen == set(RESOURCES)


def test_resource_only_is_on_exactly_the_claims_citing_only_resource_papers(
    ran: tuple[Result, Path],
) -> None:
    """resource_only marks exactly the claims whose every citation is a resource paper, and a
    citation PubMed has no record of (23836662, 19051271: cited by 6 and 15 edges) is never a
    resource by its share of the edges, so EZH2 -> TWIST1 is no resource_only claim."""
    _, tmp_path = ran
    doc = report(tmp_path, "tflink_protein_Q15672_TWIST1")
    for claim in doc["claims"]:
        every = bool(claim["citations"]) and all("resource" in flags(c) for c in claim["citations"])
        assert ("resource_only" in {f["name"] for f in claim["flags"]}) is every
        for cited in claim["citations"]:
            if with_paper(doc, cited)["status"] == "not_found":
                assert flags(cited) == {"not_found"}
    ezh2 = next(c for c in doc["claims"] if c["regulator"] == "EZH2")
    assert ezh2["grade"] == "C"
    assert ezh2["grade_reason"].startswith("C: no primary paper — 2 database papers (")


def test_retracted_record_is_flagged_and_its_claim_downgraded(ran: tuple[Result, Path]) -> None:
    """The retracted paper is flagged with its notice, and FOXQ1 -> TWIST1 loses its primary."""
    _, tmp_path = ran
    doc = report(tmp_path, "tflink_protein_Q15672_TWIST1")
    (foxq1,) = [c for c in doc["claims"] if c["regulator"] == "FOXQ1"]
    (cited,) = [with_paper(doc, c) for c in foxq1["citations"] if c["pmid"] == RETRACTED]
    assert "retracted" in flags(cited) and cited["record"]["retracted"] is True
    assert "39000001" in next(f["reason"] for f in cited["flags"] if f["name"] == "retracted")
    assert foxq1["grade"] == "C"  # B with the paper; only the TRRUST paper is left


def test_doi_and_title_mismatches_are_caught(ran: tuple[Result, Path]) -> None:
    """A reference whose DOI or title differs from PubMed's record is flagged, with both values."""
    _, tmp_path = ran
    doc = report(tmp_path, "harmonizome_gene_TWIST2")
    by_pmid = {c["pmid"]: c for c in citations(doc)}
    assert "doi_mismatch" in flags(by_pmid[DOI_CHANGED])
    assert "10.1016/j.ajhg.2099.01.001" in str(by_pmid[DOI_CHANGED]["flags"])
    assert "title_mismatch" in flags(by_pmid[TITLE_CHANGED])
    untouched = [c for p, c in by_pmid.items() if p not in (DOI_CHANGED, TITLE_CHANGED)]
    assert not any({"doi_mismatch", "title_mismatch"} & flags(c) for c in untouched)


def test_reference_not_about_the_gene_is_flagged_no_mention(ran: tuple[Result, Path]) -> None:
    """Reference 1 ("…twist proteins…") names neither TWIST2 nor a synonym: no_mention."""
    _, tmp_path = ran
    doc = report(tmp_path, "harmonizome_gene_TWIST2")
    ref1 = next(c for c in citations(doc) if c["ref"] == "1")
    assert "no_mention" in flags(ref1)
    mentioning = next(c for c in citations(doc) if c["ref"] == "2")  # "…TWIST2 cause Setleis…"
    assert "no_mention" not in flags(mentioning)


def test_bibliographies_parse_with_bibtex_and_csl_readers(ran: tuple[Result, Path]) -> None:
    """references.bib parses with bibtexparser and references.json renders with citeproc-py."""
    _, tmp_path = ran
    library = bibtexparser.parse_string((tmp_path / "out" / "references.bib").read_text())
    assert not library.failed_blocks
    keys = {entry.key for entry in library.entries}
    assert "pmid18598946" in keys and len(keys) == 63  # 65 cited PMIDs, two not in PubMed
    items = json.loads((tmp_path / "out" / "references.json").read_text())
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(CslCitation([CitationItem(item["id"]) for item in items]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == 63
    assert any("Induction of EMT by twist proteins" in line for line in rendered)


def test_audit_lists_counts_and_gates_with_fail_on(server: EutilsServer, tmp_path: Path) -> None:
    """``audit`` prints grade and flag counts; --fail-on exits 1 only when the condition occurs."""
    result = run(["audit", str(EXAMPLES)], server.url, tmp_path)
    assert result.exit_code == 0, result.output
    assert "claims         54: grade A " in result.output
    assert "why this grade" in result.output.splitlines()[0] + result.output
    gated = run(["audit", str(EXAMPLES), "--fail-on", "retracted"], server.url, tmp_path)
    assert gated.exit_code == 1
    assert "fail-on: tripped by retracted (1 claim); those claims are listed first" in gated.stderr
    # the claim citing the retracted paper (FOXQ1 -> TWIST1's only primary one) comes first
    rows = gated.stdout.splitlines()
    assert "fail-on met" in rows[0] and "FOXQ1 -> TWIST1" in rows[1] and "retracted" in rows[1]
    passed = run(["audit", str(EXAMPLES), "--fail-on", "D"], server.url, tmp_path)
    assert passed.exit_code == 0 and "fail-on: passed: no claim meets D" in passed.stderr


def test_audit_json_and_tsv(server: EutilsServer, tmp_path: Path) -> None:
    """``audit --format json`` carries the summary and documents; tsv has a row per claim."""
    result = run(["audit", str(EXAMPLES), "--format", "json"], server.url, tmp_path)
    data = json.loads(result.stdout)
    assert data["summary"]["claims"] == 54 and len(data["documents"]) == 2
    tsv = run(["audit", str(EXAMPLES), "--format", "tsv"], server.url, tmp_path)
    assert len(tsv.stdout.strip().splitlines()) == 1 + 54


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_network_exits_3_quickly_with_reports(tmp_path: Path) -> None:
    """With E-utilities unreachable the circuit opens: done in seconds, reports written, exit 3."""
    url = f"http://127.0.0.1:{_closed_port()}/entrez/eutils/"
    started = time.monotonic()
    result = run(["run", str(EXAMPLES), "--out", str(tmp_path / "out")], url, tmp_path)
    assert time.monotonic() - started < 10
    assert result.exit_code == 3, result.output
    assert "unresolved" in result.output
    doc = report(tmp_path, "harmonizome_gene_TWIST2")
    assert {c["status"] for c in citations(doc)} == {"unresolved"}
    assert (tmp_path / "out" / "index.html").exists()


def test_offline_makes_no_request_and_uses_the_cache(server: EutilsServer, tmp_path: Path) -> None:
    """``--offline`` sends nothing: cached citations resolve, the rest are unresolved (exit 3)."""
    run(["resolve", "18598946"], server.url, tmp_path)
    server.reset_log()
    result = run(
        ["run", str(EXAMPLES), "--offline", "--out", str(tmp_path / "out")], server.url, tmp_path
    )
    assert server.requests == [] and result.exit_code == 3
    doc = report(tmp_path, "harmonizome_gene_TWIST2")
    statuses = {c["ref"]: c["status"] for c in citations(doc)}
    assert statuses["1"] == "resolved" and statuses["2"] == "unresolved"


def test_resolve_command_states(server: EutilsServer, tmp_path: Path) -> None:
    """``resolve`` ends each identifier in its state; JSON and CSL-JSON outputs are valid."""
    ids = ["18598946", "10.1038/onc.2011.181", "10.9999/not.there", "12a", "23836662"]
    result = run(["resolve", *ids, "--format", "json"], server.url, tmp_path)
    states = {row["identifier"]: row["status"] for row in json.loads(result.stdout)}
    assert states == {
        "18598946": "resolved",
        "10.1038/onc.2011.181": "resolved",
        "10.9999/not.there": "not_in_pubmed",
        "12a": "invalid",
        "23836662": "not_found",
    }
    assert result.exit_code == 1  # an invalid identifier was given
    csl = run(["resolve", "18598946", "--format", "csl"], server.url, tmp_path)
    assert json.loads(csl.stdout)[0]["DOI"] == "10.1016/j.ccr.2008.06.005"
    table = run(["resolve", "18598946"], server.url, tmp_path)
    assert table.exit_code == 0 and "PMID 18598946 2008" in table.stdout


def database_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the SQLite database at ``path``, its rows sorted."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}  # noqa: S608


def test_reports_do_not_depend_on_the_number_of_jobs(tmp_path: Path) -> None:
    """Two worker processes write exactly the files one process writes, every format, and
    audit.db the same rows (the run's time fixed by SOURCE_DATE_EPOCH, as for reproducible
    report sets)."""
    import random

    from benchmarks.corpus import GENERATIONS, tflink_page

    rng = random.Random(3)
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(40):
        page = tflink_page(rng, generation=GENERATIONS[i % 4], tfs=3, targets=5)
        (docs / f"page{i:02d}.md").write_text(page)
    outputs, databases = {}, {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        args = ["run", str(docs), "--offline", "--jobs", str(jobs), "--out", str(out)]
        args += ["--formats", "html,json,md"]
        result = CliRunner().invoke(
            cli, [*args, "--cache-dir", str(tmp_path / "cache")], env={"SOURCE_DATE_EPOCH": "0"}
        )
        assert result.exit_code == 3, result.output  # offline: everything unresolved
        # the run's state for the next run records its files' mtimes: not a report
        reports = [p for p in sorted(out.iterdir()) if p.name not in (STATE, RUN_LOCK)]
        outputs[jobs] = {p.name: p.read_bytes() for p in reports}
        databases[jobs] = database_rows(out / "audit.db")
    assert len(outputs[1]) == 40 * 3 + 6 + 1  # the run's six files and the manifest
    # audit.db's rows are the same; the file's bytes follow the order documents finished in
    assert databases[1] == databases[2] and len(databases[1]["claims"]) == 40 * 8
    del outputs[1]["audit.db"], outputs[2]["audit.db"]
    assert outputs[1] == outputs[2]


def test_fail_on_rejects_unknown_conditions_and_accepts_any_case(tmp_path: Path) -> None:
    """A mistyped --fail-on is a usage error (exit 2), never a gate that silently passes."""
    args = ["audit", str(EXAMPLES), "--offline", "--cache-dir", str(tmp_path)]
    typo = CliRunner().invoke(cli, [*args, "--fail-on", "retraced"])
    assert typo.exit_code == 2 and "neither a grade nor a flag" in typo.output
    lower = CliRunner().invoke(cli, [*args, "--fail-on", "c"])
    # offline, every claim is graded C, in doubt: its citations could not be looked up
    assert lower.exit_code == 3 and "not decided: C (54 claims) met only in doubt" in lower.stderr


def test_a_gate_is_not_decided_by_gene_names_it_could_not_have(
    server: EutilsServer, tmp_path: Path
) -> None:
    """Every citation looked up, but NCBI Gene's names of the genes not (offline, none
    cached): a B claim may be an A once a paper is found naming its gene by one of those
    names, so ``--fail-on B`` is not decided (exit 3), never tripped; a condition met for
    certain (``not_found``) still trips, and one no name can make a claim meet (``D``)
    passes.  With the names, the same gate is decided."""
    cache = tmp_path / "cache"
    keys = citation_keys(read_documents([EXAMPLES]))
    resolve_citations(keys, cache_dir=cache, eutils=EutilsSettings(server.url))
    args = ["audit", str(EXAMPLES), "--offline", "--cache-dir", str(cache), "--fail-on"]
    env = {"CI": "true"}
    names_missing = CliRunner().invoke(cli, [*args, "B"], env=env)
    assert names_missing.exit_code == 3, names_missing.output
    gate = names_missing.stderr.splitlines()[-1]
    assert gate.startswith("fail-on: not decided: B (")
    assert "met only in doubt: 50 Gene IDs had no NCBI Gene names" in gate
    certain = CliRunner().invoke(cli, [*args, "not_found"], env=env)
    assert certain.exit_code == 1 and "tripped by not_found" in certain.stderr
    never = CliRunner().invoke(cli, [*args, "D"], env=env)  # no name makes a claim a D
    assert never.exit_code == 0 and "fail-on: passed: no claim meets D" in never.stderr
    decided = run(["audit", str(EXAMPLES), "--fail-on", "B"], server.url, tmp_path)
    assert decided.exit_code == 1 and "fail-on: tripped by B (" in decided.stderr


# --- grade reasons and gene names -----------------------------------------------------------


def test_every_claim_of_both_examples_has_a_grade_reason(ran: tuple[Result, Path]) -> None:
    """Each claim's grade_reason is one non-empty line starting with its grade, in the JSON,
    in audit.tsv's grade_reason column and in the data the HTML report draws its "Why this
    grade" column from (tests/report/test_browser.py shows it drawn)."""
    _, tmp_path = ran
    for name in ("tflink_protein_Q15672_TWIST1", "harmonizome_gene_TWIST2"):
        doc = report(tmp_path, name)
        for claim in doc["claims"]:
            reason = claim["grade_reason"]
            assert reason.startswith(f"{claim['grade']}: ") and "\n" not in reason, reason
        html = (tmp_path / "out" / f"{name}.html").read_text()
        block = html.split('<script type="application/json" id="enrich-data">')[1]
        assert json.loads(block.split("</script>")[0]) == doc
    lines = (tmp_path / "out" / "audit.tsv").read_text().splitlines()
    column = lines[0].split("\t").index("grade_reason")
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == 54 and all(row[column][:3] in ("A: ", "B: ", "C: ", "D: ") for row in rows)


def test_a_second_run_asks_ncbi_gene_nothing(server: EutilsServer, tmp_path: Path) -> None:
    """The first run asks NCBI Gene once for the examples' 50 Gene IDs; the second (--full:
    it reads everything again) asks nothing (the summaries are cached) and says so."""
    out = ["--out", str(tmp_path / "out")]
    first = run(["run", str(EXAMPLES), *out], server.url, tmp_path)
    gene_requests = [r for r in server.requests if r.params.get("db") == "gene"]
    assert len(gene_requests) == 1 and gene_requests[0].n_ids == 50, first.output
    server.reset_log()
    second = run(["run", str(EXAMPLES), *out, "--full"], server.url, tmp_path)
    assert server.requests == []
    assert "NCBI Gene: 0 requests, 50 hits" in second.output


def test_offline_uses_cached_gene_names_and_says_when_they_are_missing(
    server: EutilsServer, tmp_path: Path
) -> None:
    """Offline, with the papers cached but no gene names, the run warns that the 50 Gene
    IDs have none and no_mention reasons say the genes were looked for by symbol only;
    once an online run cached the names, an offline run uses them and warns of nothing."""
    keys = citation_keys(read_documents([EXAMPLES]))
    resolve_citations(keys, cache_dir=tmp_path / "cache", eutils=EutilsSettings(server.url))
    out = ["--out", str(tmp_path / "out"), "--offline"]
    cold = run(["run", str(EXAMPLES), *out], server.url, tmp_path)
    assert "warning: 50 Gene IDs have no NCBI Gene names (offline and not in the cache)" in (
        cold.output
    )
    reasons = [
        f["reason"]
        for c in citations(report(tmp_path, "tflink_protein_Q15672_TWIST1"))
        for f in c["flags"]
        if f["name"] == "no_mention"
    ]
    assert reasons and all("offline, and not in the cache" in r for r in reasons), reasons
    assert all(r.endswith("looked for by symbol only") for r in reasons)
    run(["audit", str(EXAMPLES)], server.url, tmp_path)  # online: caches the gene names
    warm = run(["run", str(EXAMPLES), *out], server.url, tmp_path)
    assert "Gene IDs have no NCBI Gene names" not in warm.output
    assert "gene IDs       50 distinct: 50 found" in warm.output
    index = (tmp_path / "out" / "index.html").read_text()
    assert "no NCBI Gene names" not in index and 'id="legend"' in index


@pytest.mark.parametrize("command", ["run", "audit"])
def test_a_document_changed_between_the_two_readings_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """A document edited after pass 1 read it and before pass 2 does now cites what was
    never looked up: it is audited as it is, with a problem saying it changed, and the run
    fails (exit 1) instead of reporting a citation unresolved with success."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("PMID: 18598946\n", encoding="utf-8")
    later = tmp_path / "later.txt"
    later.write_text("PMID: 18598946 and PMID: 20691403\n", encoding="utf-8")
    real = streaming.read_document
    monkeypatch.setattr(  # pass 2 reads the edited file (pass 1 is enrich.run.scan's)
        streaming, "read_document", lambda path, style=None: real(later, style)
    )
    args = [command, str(docs), "--offline", "--cache-dir", str(tmp_path / "cache")]
    if command == "run":
        args += ["--out", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "note.txt: changed while enrich read it: run again" in result.stderr


@pytest.mark.parametrize("command", ["run", "audit"])
def test_a_file_whose_name_is_not_text_is_one_problem_and_the_rest_are_read(
    tmp_path: Path, command: str
) -> None:
    """A name of bytes that are not UTF-8 cannot go into a report, a TSV or audit.db: that
    file is left out with one line naming it (exit 1), and the other documents are read."""
    docs = tmp_path / "docs"
    docs.mkdir()
    example = EXAMPLES / "harmonizome_gene_TWIST2.md"
    (docs / example.name).write_bytes(example.read_bytes())
    try:
        (docs / os.fsdecode(b"bad\xff.md")).write_bytes(example.read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    args = [command, str(docs), "--offline", "--cache-dir", str(tmp_path / "cache")]
    args += ["--out", str(tmp_path / "out")] if command == "run" else ["--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "bad\\udcff.md: its name is not UTF-8 text" in result.stderr
    if command == "run":
        assert (tmp_path / "out" / "harmonizome_gene_TWIST2.json").exists()
    else:
        assert len(json.loads(result.stdout)["documents"]) == 1


def test_a_run_without_an_email_says_ncbi_asks_for_one(
    server: EutilsServer, tmp_path: Path
) -> None:
    """NCBI asks every request to carry ``email`` (FACTS.md §4): without one configured the
    requests go without it, and the command says so in one warning line; with one, or
    offline, nothing is said."""
    cache = ["--cache-dir", str(tmp_path / "cache")]
    env = {"ENRICH_EUTILS_URL": server.url, "NCBI_EMAIL": None, "CI": "true"}
    bare = CliRunner().invoke(cli, ["audit", str(EXAMPLES), *cache], env=env)
    assert bare.exit_code == 0, bare.output
    assert server.requests and all("email" not in r.params for r in server.requests)
    assert bare.stderr.count("warning: no e-mail set (NCBI_EMAIL or --email)") == 1
    offline = CliRunner().invoke(cli, ["audit", "--offline", str(EXAMPLES), *cache], env=env)
    assert "e-mail" not in offline.stderr
    named = run(["audit", str(EXAMPLES)], server.url, tmp_path)
    assert "e-mail" not in named.stderr


def test_a_mistyped_pmid_beside_its_papers_doi_is_audited_by_the_doi(
    server: EutilsServer, tmp_path: Path
) -> None:
    """A reference whose PMID PubMed lacks (a typo) and whose DOI PubMed has is audited as the
    DOI's paper, flagged not_found with both identifiers; the run after reads the cache
    only and rewrites nothing, and ``audit --fail-on not_found`` still trips on it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    page = (EXAMPLES / "harmonizome_gene_TWIST2.md").read_text(encoding="utf-8")
    typo = page.replace("/18598946", "/18598964").replace('"18598946"', '"18598964"')
    assert typo.count("18598964") == 2 and "18598946" not in typo
    (docs / "twist2.md").write_text(typo, encoding="utf-8")
    args = ["run", str(docs), "--out", str(tmp_path / "out")]
    first = run(args, server.url, tmp_path)
    assert first.exit_code == 0, first.output
    cited = [c for c in citations(report(tmp_path, "twist2")) if c["pmid"] == "18598964"]
    assert cited and all(c["record"]["pmid"] == "18598946" for c in cited)
    reasons = [f["reason"] for c in cited for f in c["flags"] if f["name"] == "not_found"]
    assert reasons == [
        "PubMed has no record for PMID 18598964; its DOI 10.1016/j.ccr.2008.06.005 is "
        "PMID 18598946's, audited instead"
    ] * len(cited)
    # the DOI was looked up too: 31 identifiers, one of them the PMID PubMed lacks
    assert "identifiers    31 distinct cited: 1 not_found, 30 resolved" in first.output
    reports = tmp_path / "out"
    before = {p.name: p.stat().st_mtime_ns for p in reports.iterdir() if p.name != STATE}
    asked = len(server.requests)
    again = run(args, server.url, tmp_path)
    assert again.exit_code == 0 and len(server.requests) == asked, again.output
    assert {p.name: p.stat().st_mtime_ns for p in reports.iterdir() if p.name != STATE} == before
    gate = run(["audit", str(docs), "--fail-on", "not_found"], server.url, tmp_path)
    assert gate.exit_code == 1 and "tripped by not_found" in gate.stderr


def test_the_library_audits_a_mistyped_pmid_by_the_documents_doi(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """A citation giving a PMID PubMed lacks (a typo) and a DOI PubMed has is resolved to
    the DOI's paper, still flagged not_found so that the curator sees the fault."""
    citation = Citation(pmid="99999999", doi="10.1016/j.ccr.2008.06.005")  # 18598946's
    claim = Claim("s1", ClaimKind.STATEMENT, "line 1", (citation,), text="TWIST2 …")
    document = Document("doc.md", Style.TEXT, Subject(symbol="TWIST2"), (claim,))
    run = enrich_documents(
        [document],
        cache_dir=tmp_path,
        eutils=EutilsSettings(base_url=eutils_server.url),
        audit=AuditSettings(),
    )
    verdict = run.documents[0].claims[0].citations[0]
    assert verdict.resolution.record is not None
    assert verdict.resolution.record.pmid == "18598946"
    assert "not_found" in [flag.name for flag in verdict.flags]


def test_workers_audit_pmids_given_with_dois_as_one_process_does(
    server: EutilsServer, tmp_path: Path
) -> None:
    """Fetched while the workers run, a citation's PMID given with its DOI reaches a worker
    without the fallback key's copy of its record (the audit reads the PMID's): the two
    workers audit each page as one process does, and no page is taken for one that
    changed while the run read it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    page = (EXAMPLES / "harmonizome_gene_TWIST2.md").read_text(encoding="utf-8")
    assert "doi" in page.lower()
    for i in range(16):  # enough for two workers (8 documents each)
        (docs / f"harmonizome_gene_TWIST2_{i:02d}.md").write_text(page, encoding="utf-8")
    tables = {}
    for jobs in (1, 2):
        out, cache = tmp_path / f"out{jobs}", tmp_path / f"cache{jobs}"
        args = ["run", str(docs), "--jobs", str(jobs), "--out", str(out), "--cache-dir", str(cache)]
        env = {"ENRICH_EUTILS_URL": server.url, "NCBI_EMAIL": "a@example.org", "CI": "true"}
        result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "changed while enrich read it" not in result.output
        tables[jobs] = {t: database_rows(out / "audit.db")[t] for t in ("claims", "flags")}
    assert tables[1] == tables[2] and len(tables[1]["claims"]) == 16 * 6


def test_a_changed_document_is_caught_though_another_cites_what_it_now_cites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a changed document now cites is compared with what pass 1 found in it, not with
    what the run happens to hold: another document citing the same PMID hides nothing."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("PMID: 18598946\n", encoding="utf-8")
    (docs / "other.txt").write_text("PMID: 20691403\n", encoding="utf-8")
    later = tmp_path / "later.txt"
    later.write_text("PMID: 18598946 and PMID: 20691403\n", encoding="utf-8")
    real = streaming.read_document
    monkeypatch.setattr(
        streaming,
        "read_document",
        lambda path, style=None: real(later if path.name == "note.txt" else path, style),
    )
    args = ["run", str(docs), "--offline", "--cache-dir", str(tmp_path / "cache")]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "note.txt: changed while enrich read it: run again" in result.stderr
    assert "other.txt: changed" not in result.stderr
