"""Where records come from: the test server says so, and the resolvers and the cache remember
it with each record's fetch time, so that every report made from them can say so."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx

from enrich.entrez import (
    TEST_SERVER_HEADER,
    CitationCache,
    EutilsSettings,
    resolve_citations,
    resolve_genes,
)
from enrich.testing import EutilsServer

KEYS = ["pmid:18598946", "pmid:21602879", "doi:10.1038/onc.2011.181", "pmid:23836662"]
GENES = ["7291", "117581"]  # TWIST1, TWIST2: the default gene summaries have both


def _settings(server: EutilsServer) -> EutilsSettings:
    return EutilsSettings(base_url=server.url, backoff=0.01)


def test_the_local_server_says_it_serves_test_data_on_every_reply(
    eutils_server: EutilsServer,
) -> None:
    """Every reply of enrich.testing's server, an error page too, carries the header."""
    found = httpx.post(eutils_server.url + "efetch.fcgi", data={"db": "pubmed", "id": "18598946"})
    missing = httpx.get(eutils_server.url.replace("eutils/", "nothing"))
    assert found.headers[TEST_SERVER_HEADER] == "1"
    assert missing.status_code == 404 and missing.headers[TEST_SERVER_HEADER] == "1"


def test_records_from_the_test_server_are_test_data_fetched_now_and_cached_so(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """A cold resolve marks each record (a DOI's too) as test data fetched during the call;
    a warm one reads the same marks and times back from the cache; a PMID PubMed lacks has
    no fetch time."""
    before = time.time()
    cold = resolve_citations(KEYS, cache_dir=tmp_path, eutils=_settings(eutils_server))
    after = time.time()
    found = [cold.resolutions[key] for key in KEYS[:3]]
    assert all(r.test_data and r.fetched_at is not None for r in found)
    assert all(before <= (r.fetched_at or 0) <= after for r in found)
    assert cold.resolutions["pmid:23836662"].fetched_at is None
    warm = resolve_citations(
        KEYS, cache_dir=tmp_path, eutils=_settings(eutils_server), offline=True
    )
    for key in KEYS[:3]:
        assert warm.resolutions[key].from_cache and warm.resolutions[key].test_data
        assert warm.resolutions[key].fetched_at == cold.resolutions[key].fetched_at
    with CitationCache(tmp_path) as cache:
        cached = cache.get_record("18598946")
    assert cached is not None and cached.test_data


def test_a_server_that_does_not_say_so_serves_no_test_data(
    make_eutils_server: Callable[..., EutilsServer], tmp_path: Path
) -> None:
    """NCBI sends no such header: what a server without it sends is never marked, in the
    resolutions, the gene lookups or the cache."""
    server = make_eutils_server(test_header=False)
    resolved = resolve_citations(KEYS, cache_dir=tmp_path, eutils=_settings(server))
    genes = resolve_genes(GENES, cache_dir=tmp_path, eutils=_settings(server))
    assert not any(r.test_data for r in resolved.resolutions.values())
    assert resolved.resolutions["pmid:18598946"].fetched_at is not None
    assert not any(g.test_data for g in genes.lookups.values())
    with CitationCache(tmp_path) as cache:
        cached, gene = cache.get_record("18598946"), cache.get_gene("7291")
    assert cached is not None and not cached.test_data
    assert gene is not None and not gene.test_data


def test_gene_summaries_from_the_test_server_are_test_data_cold_and_warm(
    eutils_server: EutilsServer, tmp_path: Path
) -> None:
    """Gene lookups made from the test server's summaries are marked, from the network and
    from the cache alike."""
    cold = resolve_genes(GENES, cache_dir=tmp_path, eutils=_settings(eutils_server))
    warm = resolve_genes(GENES, cache_dir=tmp_path, eutils=_settings(eutils_server), offline=True)
    assert set(cold.lookups) == set(warm.lookups) == set(GENES)  # no all() over nothing
    assert all(g.record is not None and g.test_data for g in cold.lookups.values())
    assert all(g.from_cache and g.test_data for g in warm.lookups.values())
