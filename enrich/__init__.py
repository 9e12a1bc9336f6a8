"""enrich: literature and citation enrichment for gene-regulation annotation documents.

The pipeline, one package per stage::

    extract  -> Document, Claim, Citation          (enrich.extract)
    resolve  -> Resolution, PaperRecord            (enrich.entrez)
             -> GeneLookup, GeneRecord              (enrich.entrez: NCBI Gene's names)
    audit    -> ClaimVerdict, Flag, Grade          (enrich.audit)
    report   -> Markdown, HTML, JSON, TSV, BibTeX  (enrich.report)

:mod:`enrich.run` runs them in order (in memory, or streaming for ``enrich run``);
the data passed between stages lives in :mod:`enrich.model`.  What a library user
needs is importable from here; everything else is reachable by its module.
"""

import logging as _logging
from importlib import metadata as _metadata

__version__: str
try:
    __version__ = _metadata.version("enrich")
except _metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

from enrich.audit import AuditSettings, audit_document, corpus_stats
from enrich.config import Settings, load_settings
from enrich.entrez import (
    DEFAULT_EUTILS_URL,
    EutilsSettings,
    Resolved,
    ResolvedGenes,
    resolve_citations,
    resolve_citations_async,
    resolve_genes,
    resolve_genes_async,
)
from enrich.errors import EnrichError
from enrich.extract import iter_documents, read_document
from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    Claim,
    ClaimKind,
    ClaimVerdict,
    Document,
    Flag,
    FlagName,
    GeneLookup,
    GeneRecord,
    GeneStatus,
    Grade,
    PaperRecord,
    Problem,
    Resolution,
    RunSummary,
    Status,
    Style,
    Subject,
)
from enrich.report import ReportWriter, render_document
from enrich.run import (
    Enrichment,
    RunOutcome,
    enrich_documents,
    read_documents,
    run_enrichment,
)

# A library's warnings (a Retry-After wait, damaged cache entries dropped) go where the
# application's logging configuration sends them, and nowhere when it has none: without a
# handler, Python's last resort would print them on the application's stderr.
_logging.getLogger("enrich").addHandler(_logging.NullHandler())

__all__ = [
    "DEFAULT_EUTILS_URL",
    "AuditSettings",
    "AuditedDocument",
    "Citation",
    "CitationVerdict",
    "Claim",
    "ClaimKind",
    "ClaimVerdict",
    "Document",
    "EnrichError",
    "Enrichment",
    "EutilsSettings",
    "Flag",
    "FlagName",
    "GeneLookup",
    "GeneRecord",
    "GeneStatus",
    "Grade",
    "PaperRecord",
    "Problem",
    "ReportWriter",
    "Resolution",
    "Resolved",
    "ResolvedGenes",
    "RunOutcome",
    "RunSummary",
    "Settings",
    "Status",
    "Style",
    "Subject",
    "__version__",
    "audit_document",
    "corpus_stats",
    "enrich_documents",
    "iter_documents",
    "load_settings",
    "read_document",
    "read_documents",
    "render_document",
    "resolve_citations",
    "resolve_citations_async",
    "resolve_genes",
    "resolve_genes_async",
    "run_enrichment",
]
