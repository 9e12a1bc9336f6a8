"""enrich: literature and citation enrichment for gene-regulation annotation documents.

The pipeline, one module per stage::

    extract  -> Document, Claim, Citation          (enrich.extract)
    resolve  -> Resolution, PaperRecord            (enrich.eutils, enrich.cache, enrich.resolve)
    audit    -> ClaimVerdict, Flag, Grade          (enrich.audit)
    report   -> Markdown, HTML, JSON, TSV, BibTeX  (enrich.report)

The data passed between stages lives in :mod:`enrich.model`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("enrich")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
