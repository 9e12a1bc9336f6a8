"""``enrich run`` against a server that misbehaves on a schedule: 5xx, resets, 429 bursts,
truncated bodies, hangs and latency. Nothing may be lost, invented or stored corrupt."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from enrich.entrez.cache import CitationCache
from enrich.entrez.pubmed import parse_record
from enrich.testing import EutilsServer, Faults, RecordStore
from tests.conftest import EXAMPLES
from tests.reliability.conftest import (
    citation_key,
    document_reports,
    report_citations,
    run_enrich,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)

STATUSES = {"resolved", "not_found", "not_in_pubmed", "invalid", "unresolved"}
EXTRACTED_KEYS = ("pmid", "doi", "invalid", "ref", "authors", "title", "journal", "year")
#: every kind of fault once, early, so the test never passes on a lucky quiet schedule
SCRIPT = ["truncate", "reset", "server_error", "burst_429", "burst_429", "burst_429", "timeout"]


def _faulty_server(make_eutils_server: Any, store: RecordStore) -> EutilsServer:
    faults = Faults(
        server_error=0.10,
        reset=0.05,
        truncate=0.01,
        timeout=0.02,
        script=list(SCRIPT),
        seed=7,
        hang_seconds=0.5,
    )
    server: EutilsServer = make_eutils_server(
        store,
        rate_limit=None,
        api_key_rate_limit=10,
        latency=0.08,
        faults=faults,
        retry_after=0.2,
    )
    return server


def _extracted(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """``enrich extract --format json`` of ``paths``, by document path."""
    done = subprocess.run(
        [sys.executable, "-m", "enrich", "extract", *map(str, paths), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {doc["path"]: doc for doc in json.loads(done.stdout)["documents"]}


def _as_extracted(citations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: c[k] for k in EXTRACTED_KEYS} for c in citations]


def _summary_line(stdout: str, label: str) -> str:
    match = re.search(rf"^{label}\s+(.*)$", stdout, re.MULTILINE)
    assert match, (label, stdout)
    return match.group(1)


def test_faults_lose_nothing_and_counts_match(make_eutils_server: Any, tmp_path: Path) -> None:
    """Under injected faults every citation ends resolved (to the server's exact record) or
    with a status and a reason, none is lost, the cache verifies and the printed counts
    match the reports."""
    pmids = synthetic_pmids(60)
    store = synthetic_store(pmids, into=RecordStore.default())
    write_corpus(tmp_path / "docs", pmids, per_document=15)
    inputs = [EXAMPLES, tmp_path / "docs"]
    server = _faulty_server(make_eutils_server, store)
    out, cache = tmp_path / "out", tmp_path / "cache"

    result = run_enrich(inputs, out, cache, server.url, "--batch-size", "5")

    faults_seen = {entry.fault for entry in server.requests}
    assert {"truncate", "reset", "server_error", "burst_429", "timeout"} <= faults_seen
    assert_faithful_run(result, inputs, out, cache, store)


def _check_citations(report: dict[str, Any], store: RecordStore, statuses: dict[str, str]) -> None:
    """Each citation of ``report`` ends resolved to ``store``'s exact record, or not with a
    reason; its status is recorded in ``statuses`` by citation key."""
    for cited in report_citations(report):
        assert cited["status"] in STATUSES, cited
        if cited["status"] == "resolved":
            expected = parse_record(store.get(cited["record"]["pmid"]) or b"")
            assert cited["record"] == expected.to_dict(), cited["pmid"]
        else:
            assert cited["reason"].strip(), cited
            assert cited["record"] is None
        if cited["status"] == "not_found":  # never a record the server holds
            assert cited["pmid"] not in store, cited["pmid"]
        statuses[citation_key(cited)] = cited["status"]


def assert_faithful_run(
    result: subprocess.CompletedProcess[str],
    inputs: list[Path],
    out: Path,
    cache: Path,
    store: RecordStore,
) -> None:
    """Assert that a finished run lost no citation, stored no corrupt entry, resolved only to
    ``store``'s records, gave every other citation a reason and printed counts matching its
    reports and audit.tsv."""
    assert result.returncode in (0, 3), result.stderr
    assert "Traceback" not in result.stderr
    with CitationCache(cache) as stored:
        assert stored.verify() == []
    reports = {r["path"]: r for r in document_reports(out).values()}
    extracted = _extracted(inputs)
    assert reports.keys() == extracted.keys()
    statuses: dict[str, str] = {}
    for path, report in reports.items():
        source = extracted[path]
        assert [c["id"] for c in report["claims"]] == [c["id"] for c in source["claims"]]
        for claim, given in zip(report["claims"], source["claims"], strict=True):
            assert _as_extracted(claim["citations"]) == given["citations"], claim["id"]
        assert _as_extracted(report["citations"]) == source["citations"], path
        _check_citations(report, store, statuses)

    claims = sum(len(r["claims"]) for r in reports.values())
    assert _summary_line(result.stdout, "claims").split()[0] == f"{claims:,}:"
    counted = Counter(statuses.values())
    printed = _summary_line(result.stdout, "identifiers")
    listed = ", ".join(f"{n:,} {status}" for status, n in sorted(counted.items()))
    assert printed == f"{sum(counted.values()):,} distinct cited: {listed}"
    audit_rows = (out / "audit.tsv").read_text(encoding="utf-8").splitlines()
    assert len(audit_rows) == 1 + claims
    assert (result.returncode == 3) == ("unresolved" in counted)
