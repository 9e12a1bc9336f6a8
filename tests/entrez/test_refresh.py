"""``enrich refresh``: new retractions found, cron-safe locking, resumption after interruption."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from enrich.cli import cli
from enrich.entrez import (
    CitationCache,
    EutilsClient,
    EutilsSettings,
    RefreshLocked,
    RefreshResult,
    compare,
    parse_age,
    refresh_cache,
    resolve_keys,
)
from enrich.errors import OutputError
from enrich.model import PaperRecord, Relation
from enrich.report import write_refresh_report
from enrich.testing import EutilsServer, Faults, RecordStore, make_record

DAY = dt.date(2026, 11, 22)
PMIDS = [str(n) for n in range(30001, 30031)]


def record(pmid: str, **changes: Any) -> bytes:
    fields: dict[str, Any] = {
        "title": f"Synthetic paper {pmid}",
        "doi": f"10.5555/refresh.{pmid}",
        "journal": "Synthetic Journal",
        "year": 2015,
        "synthetic_note": "test fixture for tests/test_refresh.py",
    }
    return make_record(pmid, **{**fields, **changes})


def settings(server: EutilsServer, **extra: Any) -> EutilsSettings:
    return EutilsSettings(base_url=server.url, api_key="k", backoff=0.02, **extra)


@pytest.fixture
def server(make_eutils_server: Any) -> EutilsServer:
    server: EutilsServer = make_eutils_server(RecordStore.from_records([record(p) for p in PMIDS]))
    return server


def fill_cache(server: EutilsServer, cache_dir: Path) -> None:
    async def go() -> None:
        async with EutilsClient(settings(server)) as client:
            with CitationCache(cache_dir) as cache:
                await resolve_keys([f"pmid:{p}" for p in PMIDS], cache, client)

    asyncio.run(go())


def refresh(
    server: EutilsServer, cache: Path, out: Path, max_age: float = 0, **extra: Any
) -> RefreshResult:
    report = partial(write_refresh_report, out, DAY)
    return refresh_cache(cache, settings(server, **extra), max_age=max_age, report=report)


def test_parse_age() -> None:
    """Ages are a number and a unit: s, m, h, d or w."""
    assert parse_age("30d") == 30 * 86400
    assert parse_age("12h") == 12 * 3600
    assert parse_age("2w") == 14 * 86400
    with pytest.raises(ValueError, match="not an age"):
        parse_age("30 days")


def test_compare_names_each_kind_of_change() -> None:
    """Retraction, new erratum, changed DOI and changed title are each reported once."""
    old = PaperRecord(pmid="1", title="A study of TWIST1.", doi="10.1/a")
    new = PaperRecord(
        pmid="1",
        title="A study of TWIST2",
        doi="10.1/B",
        publication_types=("Retracted Publication",),
        relations=(Relation("RetractionIn", "9", "J 2020"), Relation("ErratumIn", "8", "J 2019")),
    )
    kinds = [c.kind for c in compare(old, new)]
    assert kinds == ["retracted", "erratum", "doi_changed", "title_changed"]
    assert compare(old, old) == []


def test_compare_details_name_what_their_numbers_are() -> None:
    """A change's detail names its links as the audit's flag reasons do (``RetractionIn PMID
    9``), never a bare number a curator cannot tell from a count, and says when only the
    publication type marks a retraction."""
    old = PaperRecord(pmid="1", title="A study of TWIST1.")
    new = dataclasses.replace(
        old,
        relations=(
            Relation("RetractionIn", "9", "J 2020"),
            Relation("ErratumIn", None, "J 2019;1:2"),
            Relation("ExpressionOfConcernIn", "8", "J 2019"),
        ),
    )
    assert [c.detail for c in compare(old, new)] == [
        "now retracted (RetractionIn PMID 9)",
        "ErratumIn J 2019;1:2",
        "ExpressionOfConcernIn PMID 8",
    ]
    typed = dataclasses.replace(old, publication_types=("Retracted Publication",))
    assert [c.detail for c in compare(old, typed)] == [
        "now retracted (PubMed publication type 'Retracted Publication')"
    ]


def test_compare_reports_a_partial_retraction_and_a_newer_version() -> None:
    """A link the audit now flags (PartialRetractionIn, UpdateIn) is a change a curator hears
    of from refresh too, under the audit's flag name."""
    old = PaperRecord(pmid="1", title="A study of TWIST1.")
    new = dataclasses.replace(
        old,
        relations=(Relation("PartialRetractionIn", "9", "J 2020"), Relation("UpdateIn", "8", "")),
    )
    assert [(c.kind, c.detail) for c in compare(old, new)] == [
        ("partial_retraction", "PartialRetractionIn PMID 9"),
        ("updated", "UpdateIn PMID 8"),
    ]


def test_compare_reports_a_paper_no_longer_marked_retracted() -> None:
    """PubMed dropping a retraction mark raises its claims' grades: a curator hears of it."""
    old = PaperRecord(pmid="1", title="A study.", publication_types=("Retracted Publication",))
    new = PaperRecord(pmid="1", title="A study.", publication_types=("Journal Article",))
    assert [c.kind for c in compare(old, new)] == ["unretracted"]
    assert compare(new, old)[0].kind == "retracted"


def test_describe_prints_pubmed_text_escaped() -> None:
    """What ``enrich refresh`` prints of a change quotes PubMed (a title was, a DOI): a
    right-to-left override or a C1 control in it is shown escaped, as in every message;
    before, it reached the terminal (or the cron log a curator views) raw."""
    old = PaperRecord(pmid="1", title="Was \u202egnp.exe \x9b2J", doi="10.1/\u202ex")
    new = PaperRecord(pmid="1", title="Now", doi="10.1/y")
    described = RefreshResult(changes=compare(old, new)).describe()
    assert "Was \\u202egnp.exe \\x9b2J" in described and "10.1/\\u202ex" in described
    assert "\u202e" not in described and "\x9b" not in described


def test_record_retracted_between_runs_is_reported(server: EutilsServer, tmp_path: Path) -> None:
    """A record that becomes retracted after it was cached shows up in the day's report."""
    cache, out = tmp_path / "cache", tmp_path / "reports"
    fill_cache(server, cache)
    retracted = record(
        PMIDS[3],
        publication_types=("Journal Article", "Retracted Publication"),
        relations=[("RetractionIn", "39999999", "Synthetic Journal. 2026")],
    )
    server.records.replace(retracted)
    result = refresh(server, cache, out)
    assert result.refreshed == 30 and result.failed == 0
    assert [(c.pmid, c.kind) for c in result.changes] == [(PMIDS[3], "retracted")]
    report = json.loads((out / "refresh-2026-11-22.json").read_text())
    assert [c["kind"] for c in report["changes"]] == ["retracted"]
    assert "39999999" in (out / "refresh-2026-11-22.md").read_text()
    with CitationCache(cache) as c:
        cached = c.get_record(PMIDS[3])
        assert cached is not None and cached.record.is_retracted


def test_compare_reports_a_paper_retracted_and_republished_as_retracted() -> None:
    """A RetractedandRepublishedIn link alone is a retraction, named with its replacement."""
    old = PaperRecord(pmid="1", title="A study of TWIST1.")
    new = PaperRecord(
        pmid="1",
        title="A study of TWIST1.",
        relations=(Relation("RetractedandRepublishedIn", "7", "J 2020"),),
    )
    assert [(c.kind, c.detail) for c in compare(old, new)] == [
        ("retracted", "now retracted (RetractedandRepublishedIn PMID 7)")
    ]


def test_compare_reports_a_paper_corrected_and_republished_as_an_erratum() -> None:
    """A new CorrectedandRepublishedIn link is reported like a new erratum."""
    old = PaperRecord(pmid="1", title="A study of TWIST1.")
    link = Relation("CorrectedandRepublishedIn", "8", "J 2020")
    new = PaperRecord(pmid="1", title="A study of TWIST1.", relations=(link,))
    changes = [(c.kind, c.detail) for c in compare(old, new)]
    assert changes == [("erratum", "CorrectedandRepublishedIn PMID 8")]


def test_refresh_is_idempotent(server: EutilsServer, tmp_path: Path) -> None:
    """Right after a refresh nothing is stale: a second run fetches nothing, keeps the report."""
    cache, out = tmp_path / "cache", tmp_path / "reports"
    fill_cache(server, cache)
    server.records.replace(record(PMIDS[0], title="A corrected title"))
    first = refresh(server, cache, out)
    assert [c.kind for c in first.changes] == ["title_changed"]
    server.reset_log()
    second = refresh(server, cache, out, max_age=3600)
    assert second.checked == 0 and server.requests == []
    report = json.loads((out / "refresh-2026-11-22.json").read_text())
    assert [c["kind"] for c in report["changes"]] == ["title_changed"]


def test_a_refreshed_record_keeps_its_first_fetch_time_unless_it_changed(
    server: EutilsServer, tmp_path: Path
) -> None:
    """Re-fetching an unchanged record keeps when its content was first fetched (so reports
    made from it need not change) and moves only when it was last checked; a changed record
    gets the new fetch time; staleness counts from the last check."""
    cache, out = tmp_path / "cache", tmp_path / "reports"
    fill_cache(server, cache)
    with CitationCache(cache) as c:
        before = {p: c.get_record(p) for p in PMIDS[:2]}
    server.records.replace(record(PMIDS[1], title="A corrected title"))
    time.sleep(0.01)
    refresh(server, cache, out)
    with CitationCache(cache) as c:
        unchanged, changed = c.get_record(PMIDS[0]), c.get_record(PMIDS[1])
        assert unchanged is not None and changed is not None
        assert unchanged.fetched_at == before[PMIDS[0]].fetched_at  # type: ignore[union-attr]
        assert changed.fetched_at > before[PMIDS[1]].fetched_at  # type: ignore[union-attr]
        assert list(c.pmids_older_than(3600)) == []  # both were checked just now


def test_interrupted_refresh_resumes_without_refetching(
    server: EutilsServer, tmp_path: Path
) -> None:
    """Batches refreshed before a failure are not asked again; their changes reach the report."""
    cache, out = tmp_path / "cache", tmp_path / "reports"
    fill_cache(server, cache)
    time.sleep(0.05)
    started = time.time()
    server.records.replace(record(PMIDS[0], doi="10.5555/changed"))
    server.faults = Faults(script=["ok", "server_error", "server_error"])
    server.reset_log()
    first = refresh(server, cache, out, max_age=0.01, batch_size=10, max_attempts=1)
    assert (first.refreshed, first.failed) == (10, 20)
    ok = [r for r in server.requests if r.status == 200]
    refreshed = {pmid for r in ok for pmid in r.params["id"].split(",")}
    assert len(ok) == 1 and len(refreshed) == 10
    server.faults = Faults()
    server.reset_log()
    age = time.time() - started  # records refreshed by the first run are younger than this
    second = refresh(server, cache, out, max_age=age, batch_size=10)
    assert second.checked == 20 and second.refreshed == 20
    asked = {pmid for r in server.requests for pmid in r.params["id"].split(",")}
    assert asked == set(PMIDS) - refreshed
    report = json.loads((out / "refresh-2026-11-22.json").read_text())
    assert [(c["pmid"], c["kind"]) for c in report["changes"]] == [(PMIDS[0], "doi_changed")]


def test_concurrent_refresh_is_refused(server: EutilsServer, tmp_path: Path) -> None:
    """While one refresh holds the cache's lock, another fails fast with a clear message."""
    cache = tmp_path / "cache"
    fill_cache(server, cache)
    held = threading.Event()
    release = threading.Event()

    def slow_report(result: RefreshResult) -> list[Path]:
        held.set()  # the first refresh is reporting, still holding the lock
        release.wait(5)
        return []

    first = threading.Thread(
        target=refresh_cache,
        args=(cache, settings(server)),
        kwargs={"max_age": 0, "report": slow_report},
    )
    first.start()
    assert held.wait(5)
    try:
        with pytest.raises(RefreshLocked, match="another enrich refresh is running"):
            refresh(server, cache, tmp_path / "out")
    finally:
        release.set()
        first.join()


def test_the_refresh_lock_is_never_created_through_a_link(
    server: EutilsServer, tmp_path: Path
) -> None:
    """A symbolic link planted as the cache's refresh.lock is refused in one line: before,
    the lock was opened for appending through it, so a link to any path made a file there."""
    cache = tmp_path / "cache"
    fill_cache(server, cache)
    target = tmp_path / "made-through-the-link"
    (cache / "refresh.lock").symlink_to(target)
    with pytest.raises(OutputError, match="is not usable"):
        refresh(server, cache, tmp_path / "out")
    assert not target.exists()


def test_withdrawn_record_is_reported_and_forgotten(server: EutilsServer, tmp_path: Path) -> None:
    """A record PubMed no longer returns is reported as withdrawn and cached as not found."""
    cache, out = tmp_path / "cache", tmp_path / "reports"
    fill_cache(server, cache)
    server.records.remove(PMIDS[5])
    result = refresh(server, cache, out)
    assert [(c.pmid, c.kind) for c in result.changes] == [(PMIDS[5], "withdrawn")]
    with CitationCache(cache) as c:
        assert c.get_record(PMIDS[5]) is None and c.is_missing(PMIDS[5])


def test_record_missing_from_one_reply_is_asked_again_not_withdrawn(
    server: EutilsServer, tmp_path: Path
) -> None:
    """A record absent from one refresh reply (NCBI hiccup) is asked again, not dropped."""
    cache, out = tmp_path / "cache", tmp_path / "reports"
    fill_cache(server, cache)
    server.faults = Faults(script=["drop_records"])
    result = refresh(server, cache, out)
    assert result.changes == [] and result.refreshed == 30
    with CitationCache(cache) as c:
        assert all(c.get_record(p) is not None for p in PMIDS)


def test_a_reply_holding_none_of_its_batch_withdraws_nothing(
    server: EutilsServer, tmp_path: Path
) -> None:
    """A server that, for a while, returns empty sets (NCBI's blip) makes a refresh fail
    for those records, never report them withdrawn nor forget them."""
    cache, out = tmp_path / "cache", tmp_path / "reports"
    fill_cache(server, cache)
    for pmid in PMIDS:
        server.records.remove(pmid)
    result = refresh(server, cache, out, max_attempts=2)
    assert result.changes == []
    with CitationCache(cache) as c:
        assert all(c.get_record(p) is not None and not c.is_missing(p) for p in PMIDS)


def test_gene_summaries_are_refreshed_and_changed_names_counted(
    server: EutilsServer, tmp_path: Path
) -> None:
    """Cached gene summaries older than --max-age are fetched again: a new alias reaches the
    cache and is counted as changed names, an ID NCBI no longer has becomes unknown; the
    day's report says so, and a second refresh at once asks nothing."""
    from enrich.entrez import resolve_genes
    from enrich.testing import make_gene_summary

    cache, out = tmp_path / "cache", tmp_path / "reports"
    server.genes.replace(make_gene_summary("7291", "TWIST1", aliases=["ACS3"]))
    server.genes.replace(make_gene_summary("999", "CDH1", aliases=["ECAD"]))
    server.genes.replace(make_gene_summary("5", "GONE5"))
    resolve_genes(["7291", "999", "5"], cache_dir=cache, eutils=settings(server))
    server.genes.replace(make_gene_summary("7291", "TWIST1", aliases=["ACS3", "TWIST"]))
    server.genes.remove("5")
    result = refresh(server, cache, out)
    assert (result.genes_checked, result.genes_refreshed, result.genes_failed) == (3, 3, 0)
    assert result.genes_changed == 2  # 7291's new alias; 5 gone
    with CitationCache(cache) as c:
        twist1 = c.get_gene("7291")
        assert twist1 is not None and twist1.record.aliases == ("ACS3", "TWIST")
        assert c.get_gene("5") is None and c.is_gene_missing("5")
    report = json.loads((out / "refresh-2026-11-22.json").read_text())
    assert report["genes"] == {"checked": 3, "refreshed": 3, "changed": 2, "failed": 0}
    assert "NCBI Gene summaries checked: 3" in (out / "refresh-2026-11-22.md").read_text()
    server.reset_log()
    again = refresh(server, cache, out, max_age=3600)
    assert (again.genes_checked, server.requests) == (0, [])


def test_the_two_refresh_reports_are_named_alike(tmp_path: Path, monkeypatch: Any) -> None:
    """`enrich refresh` prints both paths: one absolute and one relative looked like two
    folders."""
    monkeypatch.chdir(tmp_path)
    md, js = write_refresh_report(Path("refreshed"), DAY, RefreshResult(checked=1))
    assert md.parent == js.parent and md.is_absolute() and js.is_absolute()
    assert json.loads(js.read_text(encoding="utf-8"))["checked"] == 1


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_a_days_report_that_is_no_file_is_not_read(tmp_path: Path, kind: str) -> None:
    """The day's earlier JSON report is read only when it is a regular file: before, a FIFO
    planted as refresh-<date>.json hung ``enrich refresh`` for ever (holding the cache's
    refresh lock, so every later refresh was refused too), and a link had whatever it
    pointed to read into the new report."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere.json"
    out.mkdir()
    elsewhere.write_text('{"runs": 41, "checked": 1000}', encoding="utf-8")
    planted = out / f"refresh-{DAY.isoformat()}.json"
    if kind == "fifo":
        os.mkfifo(planted)
    else:
        planted.symlink_to(elsewhere)
    code = (
        "import datetime as dt; from pathlib import Path; from enrich.entrez import "
        "RefreshResult; from enrich.report import write_refresh_report; "
        f"write_refresh_report(Path({str(out)!r}), dt.date.fromisoformat({DAY.isoformat()!r}), "
        "RefreshResult(checked=1))"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=20, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(planted.read_text(encoding="utf-8"))
    assert (report["runs"], report["checked"]) == (1, 1)


class _BlankSecondEfetch(httpx.AsyncBaseTransport):
    """Passes requests to the server, but answers the second efetch with an empty set."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.efetches = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("efetch.fcgi"):
            self.efetches += 1
            if self.efetches == 2:
                body = b"<?xml version='1.0'?><PubmedArticleSet></PubmedArticleSet>"
                return httpx.Response(200, content=body, headers={"content-type": "text/xml"})
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_records_left_out_of_a_reply_then_asked_again_in_a_blank_one_are_not_withdrawn(
    server: EutilsServer, tmp_path: Path
) -> None:
    """Records a reply left out, asked again and answered by an empty set (NCBI's blip),
    fail this time: none is reported withdrawn nor forgotten."""
    cache, out = tmp_path / "cache", tmp_path / "reports"
    fill_cache(server, cache)
    server.faults = Faults(script=["drop_records"])  # the first reply leaves the last out
    left_out = PMIDS[-1]
    transport = _BlankSecondEfetch()
    report = partial(write_refresh_report, out, DAY)
    result = refresh_cache(
        cache, settings(server, max_attempts=1), max_age=0, report=report, transport=transport
    )
    assert result.changes == [] and result.failed >= 1
    with CitationCache(cache) as c:
        assert c.get_record(left_out) is not None and not c.is_missing(left_out)


def test_each_change_names_the_documents_citing_it(server: EutilsServer, tmp_path: Path) -> None:
    """Refreshing into the folder of a run's reports, each change names the documents whose
    reports the next run rewrites, from that run's audit.db; elsewhere it says it cannot."""
    docs, out, cache = tmp_path / "docs", tmp_path / "reports", tmp_path / "cache"
    docs.mkdir()
    (docs / "a.md").write_text(f"TWIST1 binds it (PMID: {PMIDS[3]}).\n", encoding="utf-8")
    (docs / "b.md").write_text(f"See PMID: {PMIDS[3]} and PMID: {PMIDS[4]}.\n", encoding="utf-8")
    (docs / "c.md").write_text(f"Only PMID: {PMIDS[5]}.\n", encoding="utf-8")
    env = {"ENRICH_EUTILS_URL": server.url, "NCBI_API_KEY": "k" * 36, "CI": "true"}
    where = ["--out", str(out), "--cache-dir", str(cache)]
    ran = CliRunner().invoke(cli, ["run", str(docs), *where], env=env)
    assert ran.exit_code == 0, ran.output
    server.records.replace(record(PMIDS[3], publication_types=("Retracted Publication",)))
    refreshed = CliRunner().invoke(cli, ["refresh", "--max-age", "0s", *where], env=env)
    assert refreshed.exit_code == 0, refreshed.output
    (json_path,) = out.glob("refresh-*.json")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["audit_db"] is True
    assert [(c["pmid"], c["kind"], c["documents"]) for c in data["changes"]] == [
        (PMIDS[3], "retracted", [str(docs / "a.md"), str(docs / "b.md")])
    ]
    assert "| 2: " in json_path.with_suffix(".md").read_text(encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    server.records.replace(record(PMIDS[5], doi="10.5555/moved"))
    again = ["refresh", "--max-age", "0s", "--out", str(elsewhere), "--cache-dir", str(cache)]
    assert CliRunner().invoke(cli, again, env=env).exit_code == 0
    (json_path,) = elsewhere.glob("refresh-*.json")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["audit_db"] is False and data["changes"][0]["documents"] == []
    assert "No audit.db here" in json_path.with_suffix(".md").read_text(encoding="utf-8")


def test_a_report_folder_that_is_a_file_is_refused_before_any_request(
    server: EutilsServer, tmp_path: Path
) -> None:
    """``enrich refresh --out`` naming a file is one line and exit 1 before anything is asked,
    as for ``enrich run``: before, every stale record was fetched again and only the report
    failed, with "File exists"."""
    cache = tmp_path / "cache"
    fill_cache(server, cache)
    asked = len(server.requests)
    out = tmp_path / "notes.txt"
    out.write_text("mine\n", encoding="utf-8")
    env = {"ENRICH_EUTILS_URL": server.url, "NCBI_API_KEY": "k" * 36}
    where = ["--out", str(out), "--cache-dir", str(cache)]
    result = CliRunner().invoke(cli, ["refresh", "--max-age", "0s", *where], env=env)
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == f"error: cannot use {out} for reports: it is a file, not a folder"
    )
    assert len(server.requests) == asked


def test_a_refresh_without_a_cache_says_so_and_makes_none(tmp_path: Path) -> None:
    """A refresh from cron whose cache folder is mistyped, or before any run, fails in one
    line saying there is nothing to refresh (exit 1, as ``enrich cache verify`` does: a
    cron line refreshing nothing must not pass week after week), and creates no cache
    folder: before, it made an empty one and reported "stale records 0" as if all were
    fresh."""
    cache = tmp_path / "cahce"
    where = ["--out", str(tmp_path / "reports"), "--cache-dir", str(cache)]
    result = CliRunner().invoke(cli, ["refresh", *where], env={"NCBI_EMAIL": "a@example.org"})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {cache} holds no cache (no cache.db): nothing")
    assert len(result.stderr.splitlines()) == 1
    assert not cache.exists() and not (tmp_path / "reports").exists()


def test_a_refresh_that_fails_says_why(server: EutilsServer, tmp_path: Path) -> None:
    """A refresh whose records cannot be fetched again says why, not only how many: from
    cron, "failed 30 (retried next time)" alone left a wrong eutils_url or a down network
    to be guessed."""
    cache = tmp_path / "cache"
    fill_cache(server, cache)
    with socket.socket() as unused:  # a port nothing listens on: E-utilities is down
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    down = f"http://127.0.0.1:{port}/entrez/eutils/"
    wrong = EutilsSettings(base_url=down, api_key="k", backoff=0.02, max_attempts=2)
    report = partial(write_refresh_report, tmp_path / "out", DAY)
    result = refresh_cache(cache, wrong, max_age=0, report=report)
    assert result.failed == len(PMIDS)
    assert f"  failed, 30 of them: cannot connect to 127.0.0.1:{port}" in result.describe()
