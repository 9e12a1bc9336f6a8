"""A local NCBI E-utilities server, so enrich can be tried, tested and benchmarked offline.

``EutilsServer`` answers ``efetch.fcgi``, ``esearch.fcgi`` and ``esummary.fcgi`` for
``db=pubmed`` over a real socket on 127.0.0.1, from a folder of PubMed efetch XML files,
with NCBI's rate limits (3 requests/s, 10 with an ``api_key``, HTTP 429 with NCBI's JSON
body), optional latency and injected faults. Nothing here touches the internet.

Rate limits use a sliding one-second window counted by arrival time: one window for all
requests without a key, one per ``api_key`` value. Rejected requests count too, as on
NCBI, so a client that retries at once stays rejected until it slows down.

Try enrich offline from a shell::

    $ python -m enrich.testing serve
    serving 63 records at http://127.0.0.1:8765/entrez/eutils/ (Ctrl-C to stop)

then point enrich's E-utilities base URL at that address. Without a folder argument the
server holds the default records: synthetic ones for the PMIDs cited by the two documents
in ``examples/`` (regenerate them with ``python -m enrich.testing make-example-records``).
Give a folder of efetch XML to serve other records, e.g. ``../shared/ncbi/metapub/pmid_xml``.
Options: ``--port``, ``--rate`` (0 turns rate limiting off), ``--key-rate``,
``--latency SECONDS``, ``--per-record-latency SECONDS``, ``--fault NAME=VALUE``
(repeatable, e.g. ``--fault reset=0.05 --fault burst_429=3``) and ``--seed``.

From Python::

    from enrich.testing import EutilsServer, Faults, RecordStore, make_record

    with EutilsServer(RecordStore.default(), latency=0.05) as server:
        httpx.get(server.url + "efetch.fcgi", params={"db": "pubmed", "id": "18598946"})
        server.records.add(make_record("900000001", title="Retracted", doi="10.5555/x",
                                       publication_types=["Retracted Publication"]))
        server.faults = Faults(script=["reset", "ok"])   # the next request is reset
        assert server.count(status=429) == 0

Gene summaries (esummary ``db=gene``) come from a records folder's ``genes.json``
(``GeneStore``; ``make_gene_summary`` builds one in NCBI's JSON fields,
``gene_summaries_file`` writes such a file), served in JSON or XML as NCBI serves them.

``make_record`` builds a synthetic ``PubmedArticle`` from plain metadata (escaped, valid
against NCBI's 2025 DTD, read back by ``enrich.entrez.pubmed`` to exactly that metadata) and
``record_set`` wraps records in an efetch ``PubmedArticleSet`` document.
``RecordStore`` indexes records by PMID and by their own DOI (never the DOIs of cited
papers); ``add``/``replace``/``remove`` change it while the server runs, e.g. to make a
record retracted between two runs. ``renumber`` copies a record under a new PMID
and DOI, to synthesise thousands of realistic records. ``server.requests`` logs every
request (``tool`` and ``email`` included, the ``api_key`` value never: ``key_digest``
of it), and ``server.count(status=429, api_key=KEY)`` counts one key's 429s; ``serve``
prints such counts when stopped (Ctrl-C or ``kill``).

``RedisServer`` runs a throwaway ``redis-server`` on a free loopback port, for the rate
limiter shared through Redis.

In pytest, enable the fixtures with ``pytest_plugins = ["enrich.testing.pytest_plugin"]``
in the root ``conftest.py``: ``eutils_server`` is a started server over the default
records, ``make_eutils_server(**kwargs)`` builds custom ones, ``redis_server`` is a
started Redis (skipped where ``redis-server`` is absent, failed under ``CI=true``); all
stop at teardown.
Importing ``enrich.testing`` itself does not need pytest.
"""

from __future__ import annotations

from enrich.testing._faults import FAULT_KINDS, Faults
from enrich.testing._genes import GENES_FILE, GeneStore, gene_summaries_file, make_gene_summary
from enrich.testing._records import DEFAULT_RECORDS_DIR, RecordStore, renumber
from enrich.testing.redis_server import RedisServer, RedisUnavailable
from enrich.testing.server import EutilsServer, RequestLog, key_digest
from enrich.testing.synthetic import make_record, record_set

__all__ = [
    "DEFAULT_RECORDS_DIR",
    "FAULT_KINDS",
    "GENES_FILE",
    "EutilsServer",
    "Faults",
    "GeneStore",
    "RecordStore",
    "RedisServer",
    "RedisUnavailable",
    "RequestLog",
    "gene_summaries_file",
    "key_digest",
    "make_gene_summary",
    "make_record",
    "record_set",
    "renumber",
]
