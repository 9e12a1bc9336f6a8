"""Two ``enrich run`` processes sharing one cache folder at the same time."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from enrich.entrez.cache import CitationCache
from tests.reliability.conftest import (
    RUN_TIMEOUT,
    document_reports,
    enrich_env,
    run_command,
    stray_files,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)


def test_two_runs_on_one_cache_agree(make_eutils_server: Any, tmp_path: Path) -> None:
    """Two simultaneous runs over one cache both exit 0, leave it whole, and write the same
    per-document JSON."""
    pmids = synthetic_pmids(60)
    docs = write_corpus(tmp_path / "docs", pmids, per_document=10)
    server = make_eutils_server(synthetic_store(pmids), rate_limit=None, latency=0.05)
    cache = tmp_path / "cache"
    outs = [tmp_path / "out-a", tmp_path / "out-b"]
    processes = [
        subprocess.Popen(
            run_command([tmp_path / "docs"], out, cache, "--batch-size", "3"),
            env=enrich_env(server.url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    results = [(p.communicate(timeout=RUN_TIMEOUT), p.returncode) for p in processes]
    for (_, stderr), code in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    with CitationCache(cache) as shared:
        assert shared.verify() == []
        assert all(shared.get_record(pmid) is not None for pmid in pmids)
    first, second = (document_reports(out) for out in outs)
    assert len(first) == len(docs)
    assert first == second
    assert stray_files(outs[0]) == stray_files(outs[1]) == []
