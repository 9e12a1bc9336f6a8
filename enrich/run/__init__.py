"""Running the whole job: extract -> resolve -> audit -> report.

This package owns no parsing, HTTP or rendering of its own, only the order of the
stages, the processes and threads they run in, and the run's summary:

* :func:`enrich_documents` (:mod:`~enrich.run.enrichment`) keeps every audited
  document in memory: library use and ``enrich audit``;
* :func:`stream_documents` (:mod:`~enrich.run.streaming`) streams, so memory does
  not grow with the corpus: ``enrich audit``, and with :func:`run_enrichment` writing
  the reports, ``enrich run``.  Its passes are :mod:`~enrich.run.scan` and
  :mod:`~enrich.run.fetch`; its bookkeeping is :class:`~enrich.run.schedule.Schedule`;
  its processes are :class:`~enrich.run.workers.WorkerPool`'s.
"""

from __future__ import annotations

from enrich.run.enrichment import (
    Enrichment,
    citation_keys,
    enrich_documents,
    read_documents,
    run_gene_ids,
    run_summary,
)
from enrich.run.schedule import Dispatch, DocumentTask, Schedule, fetch_order
from enrich.run.streaming import (
    RunOutcome,
    StageHook,
    input_files,
    run_enrichment,
    stream_documents,
)
from enrich.run.workers import WorkerPool

__all__ = [
    "Dispatch",
    "DocumentTask",
    "Enrichment",
    "RunOutcome",
    "Schedule",
    "StageHook",
    "WorkerPool",
    "citation_keys",
    "enrich_documents",
    "fetch_order",
    "input_files",
    "read_documents",
    "run_enrichment",
    "run_gene_ids",
    "run_summary",
    "stream_documents",
]
