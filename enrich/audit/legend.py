"""What each grade and flag means, in one line each: the legend every report carries.

The rules themselves are :mod:`enrich.audit`'s; these lines say them to a reader of a
report.  A test holds that every grade and every :class:`~enrich.model.FlagName` has one.
"""

from __future__ import annotations

from enrich.model import FlagName, Grade

__all__ = ["FLAG_MEANINGS", "GRADE_MEANINGS", "PRIMARY"]

PRIMARY = (
    "A primary paper is a cited paper PubMed has a record of that is neither a database "
    "paper, a review, an item reporting no research, a preprint, retracted (wholly or in "
    "part) nor a retraction notice, and whose DOI and title as the document gives them do "
    "not both differ from PubMed's."
)

GRADE_MEANINGS: dict[Grade, str] = {
    Grade.A: "at least two primary papers (audit.primary_for_a), one of them naming every "
    "partner of the edge, or the gene of the statement",
    Grade.B: "at least one primary paper",
    Grade.C: "no primary paper; only secondary or unverifiable evidence: database papers, "
    "reviews, items reporting no research, preprints, partially retracted papers, citations "
    "not looked up, DOIs not in PubMed, PMIDs the document's DOI and title contradict",
    Grade.D: "no citation, or only retracted papers, retraction notices, PMIDs PubMed does "
    "not have and malformed identifiers",
}

FLAG_MEANINGS: dict[FlagName, str] = {
    FlagName.RESOURCE: "a database or resource paper (listed in the registry, cited by a large "
    "share of the run's edges, or titled like one): it describes a database, not the claim",
    FlagName.REVIEW: "PubMed types it as a review, meta-analysis or guideline: secondary "
    "literature",
    FlagName.NOT_RESEARCH: "PubMed types it as an editorial, comment, news item or similar, or "
    "links it as an erratum or expression of concern about another paper: it reports no research",
    FlagName.RETRACTED: "the paper was retracted",
    FlagName.RETRACTION_NOTICE: "the citation is a retraction notice, not a paper",
    FlagName.ERRATUM: "PubMed links an erratum to the paper",
    FlagName.EXPRESSION_OF_CONCERN: "PubMed links an expression of concern to the paper",
    FlagName.PARTIAL_RETRACTION: "part of the paper was retracted (PubMed links a partial "
    "retraction): no primary paper, since which part fell must be checked by hand",
    FlagName.UPDATED: "PubMed links a newer version of the paper",
    FlagName.PREPRINT: "PubMed types it as a preprint: not peer reviewed, no primary paper",
    FlagName.NOT_FOUND: "PubMed has no record for the PMID",
    FlagName.NOT_IN_PUBMED: "no PubMed record carries the DOI",
    FlagName.INVALID: "the identifier is malformed",
    FlagName.UNRESOLVED: "the identifier could not be looked up (offline, network or server "
    "errors, a record that could not be read, a DOI several PubMed records carry): the "
    "reason says which",
    FlagName.DOI_MISMATCH: "the document's DOI is not PubMed's DOI for that PMID",
    FlagName.TITLE_MISMATCH: "the document's title differs from PubMed's",
    FlagName.NO_MENTION: "the title and abstract name no name of the gene, or of a partner of "
    "the edge (NCBI Gene's names count)",
    FlagName.NO_CITATION: "the claim cites nothing",
    FlagName.RESOURCE_ONLY: "the claim is cited, and every citation is a database paper",
    FlagName.SINGLE_SOURCE: "the edge comes from one source database",
    FlagName.LARGE_SCALE_ONLY: "only high-throughput evidence (TFLink's small-scale column "
    "says No, or, where it says nothing, every method is high-throughput)",
}
