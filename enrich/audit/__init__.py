"""The audit: what each citation is worth as evidence for its claim, and the claim's grade.

Pure functions over :mod:`enrich.model` values.  A run makes two passes:
:func:`corpus_stats` over all documents (so a paper cited by most edges of the run
can be recognised), then :func:`audit_document` per document.  Between calls with
the same ``AuditSettings`` object, it remembers what it learnt about each cited
paper; the results never depend on that.

Citation flags (``Flag.name``), each with a one-line reason:

``resource``
    a database/resource paper, found by the first rule that fires: the registry
    (:mod:`enrich.audit.resources`: ``enrich/audit/resources.yaml`` plus ``resources:``
    in enrich.yaml, by PMID or DOI);
    corpus share (cited by at least ``resource_share`` of the run's edges and by at
    least ``resource_min_edges`` of them, unless PubMed's title or abstract names the
    document's gene: a study of the gene cited by many of its edges is no database);
    or PubMed's title reading like one (database, knowledgebase, atlas, web server,
    resource).
``retracted`` / ``retraction_notice`` / ``partial_retraction`` / ``erratum`` /
``expression_of_concern`` / ``updated`` / ``review`` / ``not_research`` / ``preprint``
    from PubMed's publication types and CommentsCorrections links.
``not_found`` / ``not_in_pubmed`` / ``invalid`` / ``unresolved``
    the resolution did not give a record; a key missing from the resolutions is
    unresolved ("not resolved").  ``invalid`` is also raised beside a usable PMID
    when the document's DOI is malformed.
``doi_mismatch`` / ``title_mismatch``
    the document's DOI or title differs from PubMed's (titles compare after NFKD,
    case folding and removing markup, punctuation and white space).
``no_mention``
    title + abstract name none of a statement's gene (symbol or synonym), or miss a
    partner of an edge (regulator, target).  Not checked on resource papers.

Claim flags: ``no_citation``; ``resource_only`` (cited, and every citation is a
resource paper); ``single_source`` (an edge from one source database);
``large_scale_only`` (TFLink's small-scale column says No, or it is absent and every
method is high-throughput).

Grades. A *primary* paper is a citation that resolved to a PubMed record and is neither
a resource paper, a review, an item reporting no research, a preprint, retracted (wholly
or in part), nor a retraction notice, nor contradicted by the document's
DOI and title both (``doi_mismatch`` and ``title_mismatch``: unverifiable). Papers are
counted once each, by the record they resolved to: two references to one paper, or its
PMID in one and its DOI in another, are one primary paper, as are an article and its
corrected and republished (or republished) version.

- **A**: at least ``primary_for_a`` primary papers, and at least one of them
  mentions both partners (edge) or the gene (statement); a partner with no name to look
  for cannot be shown mentioned, so it keeps the claim from A.
- **B**: at least one primary paper.
- **C**: no primary paper, but at least one citation is secondary or unverifiable: a
  resource paper, a review, an item reporting no research, a preprint, a partially
  retracted paper (none of them retracted),
  unresolved, a DOI that is not in PubMed, or a PMID the document's DOI and title
  contradict.
- **D**: no citation, or only retracted, not-found, invalid or retraction-notice ones.
"""

from __future__ import annotations

from enrich.audit.citations import corpus_share, never_read
from enrich.audit.document import audit_document, gene_ids
from enrich.audit.gate import CONDITIONS, conditions_met, parse_conditions
from enrich.audit.grades import is_primary, summarize
from enrich.audit.names import learn_names
from enrich.audit.settings import AuditSettings, CorpusStats, corpus_stats, merge_stats
from enrich.model import FlagName

__all__ = [
    "CONDITIONS",
    "FLAG_NAMES",
    "AuditSettings",
    "CorpusStats",
    "audit_document",
    "conditions_met",
    "corpus_share",
    "corpus_stats",
    "gene_ids",
    "is_primary",
    "learn_names",
    "merge_stats",
    "never_read",
    "parse_conditions",
    "summarize",
]

#: every flag the audit can raise, on citations and on claims (``--fail-on`` accepts these)
FLAG_NAMES = frozenset(FlagName)
