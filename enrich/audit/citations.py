"""Citation flags read from a citation, its resolution and its PubMed record.

One function per rule of :mod:`enrich.audit`: the resolution's status, retraction
and notices, a title or registry entry that makes a resource paper, the corpus
share, DOI and title mismatches.  ``no_mention``, which depends on the claim, is
decided per claim (:mod:`enrich.audit.document`).  Pure.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from enrich.audit.resources import ResourcePaper
from enrich.audit.settings import AuditSettings, CorpusStats
from enrich.identifiers import doi_key, split_fallback
from enrich.model import (
    CORRECTION_LINKS,
    PARTIAL_RETRACTION_LINKS,
    RETRACTION_LINKS,
    RETRACTION_NOTICE_LINKS,
    UPDATE_LINKS,
    Citation,
    Flag,
    FlagName,
    PaperRecord,
    Resolution,
    Status,
)

_STATUS_FLAGS = {  #: status -> (flag, reason when the resolution gives none)
    Status.NOT_FOUND: (FlagName.NOT_FOUND, "PubMed has no record for {}"),
    Status.NOT_IN_PUBMED: (FlagName.NOT_IN_PUBMED, "{} is not in PubMed"),
    Status.UNRESOLVED: (FlagName.UNRESOLVED, "not resolved"),
}


def _status_flags(citation: Citation, resolution: Resolution) -> list[Flag]:
    if resolution.status is Status.INVALID:
        return [Flag(FlagName.INVALID, resolution.reason or _invalid_reason(citation))]
    flags = []
    if resolution.key == citation.fallback and resolution.record is not None:  # by the DOI
        reason = (
            f"PubMed has no record for PMID {citation.pmid}; its DOI {citation.doi} is "
            f"PMID {resolution.record.pmid}'s, audited instead"
        )
        flags.append(Flag(FlagName.NOT_FOUND, reason))
    if resolution.status in _STATUS_FLAGS:
        name, template = _STATUS_FLAGS[resolution.status]
        flags.append(Flag(name, resolution.reason or template.format(_label(citation))))
    if citation.invalid:  # a malformed DOI beside the PMID that was resolved
        flags.append(
            Flag(FlagName.INVALID, f"{_invalid_reason(citation)}; audited by {resolution.key}")
        )
    return flags


def audited_by(citation: Citation, resolutions: Mapping[str, Resolution]) -> Resolution | None:
    """The Resolution ``citation`` is audited by: its key's, unless PubMed has no record for
    its PMID and the DOI given with it resolved: then that (its :attr:`Citation.fallback`
    key's).  None when ``resolutions`` lacks its key."""
    found = resolutions.get(citation.key)
    if found is None or found.status is not Status.NOT_FOUND or citation.doi is None:
        return found
    fallback = citation.fallback
    by_doi = resolutions.get(fallback) if fallback is not None else None
    return by_doi if by_doi is not None and by_doi.status is Status.RESOLVED else found


def never_read(key: str, resolutions: Mapping[str, Resolution]) -> bool:
    """Whether no audit reads the Resolution of citation ``key``, given ``resolutions``: a
    fallback key (:func:`~enrich.identifiers.fallback_key`) whose PMID ``resolutions`` holds
    with any answer but NOT_FOUND is never read, :func:`audited_by` taking the PMID's.  (A
    worker need not be sent it.)"""
    pair = split_fallback(key)
    own = resolutions.get(f"pmid:{pair[0]}") if pair is not None else None
    return own is not None and own.status is not Status.NOT_FOUND


def _invalid_reason(citation: Citation) -> str:
    malformed = [
        f"malformed {kind.upper() if kind == 'doi' else 'PMID'} {value!r}"
        for kind, value in (("pmid", citation.pmid), ("doi", citation.doi))
        if kind in citation.invalid
    ]
    return "; ".join(malformed) or "no PMID or DOI given"


def _label(citation: Citation) -> str:
    """ "PMID 1" or "DOI 10.1/x": the identifier a reader can look up, as the document
    gives it (a malformed one too)."""
    if citation.key.startswith("pmid:"):
        return f"PMID {citation.pmid}"
    if citation.doi and "doi" not in citation.invalid:
        return f"DOI {citation.doi}"
    if citation.pmid or citation.doi:
        return f"PMID {citation.pmid}" if citation.pmid else f"DOI {citation.doi}"
    # no identifier at all (a Harmonizome reference without PMID or DOI): its key,
    # "invalid:", names nothing; the page's reference number does
    return f"reference {citation.ref}" if citation.ref else "a citation without PMID or DOI"


_RESOURCE_TITLE = re.compile(r"\b(database|knowledgebase|atlas|web server|resource)\b", re.I)


def _registry_flag(paper: ResourcePaper, citation: Citation, record: PaperRecord | None) -> Flag:
    """The registry's ``resource`` flag: the paper as PubMed titles it (or as the registry
    cites it) and where the registry's identification comes from."""
    if record is not None:
        what = _paper(record)
    else:
        what = "; ".join(filter(None, [_label(citation), paper.citation]))
    return Flag(FlagName.RESOURCE, f"{paper.name} database paper ({what}); source: {paper.source}")


def _paper(record: PaperRecord) -> str:
    """'PMID 1, "Its title, clipped"' (a reader can look it up)."""
    return f'PMID {record.pmid}, "{_clip(record.title)}"' if record.title else f"PMID {record.pmid}"


def _title_flag(record: PaperRecord) -> Flag | None:
    match = _RESOURCE_TITLE.search(record.title)
    if match is None:
        return None
    reason = (
        f"PubMed's title reads like a resource paper's ({match[0]!r}): \"{_clip(record.title)}\""
    )
    return Flag(FlagName.RESOURCE, reason)


def corpus_share(key: str, stats: CorpusStats, settings: AuditSettings) -> str | None:
    """The reason to call the paper behind ``key`` a resource for its share of the run's
    edges, or None: all a document's audit takes from the rest of the corpus."""
    edges, citing = stats.edges, stats.edges_citing.get(key, 0)
    if citing < settings.resource_min_edges or not edges or key.startswith("invalid:"):
        return None
    if citing / edges < settings.resource_share:
        return None
    return f"{_SHARE_OPENS}{citing} of {edges} edges in this run ({citing / edges:.0%})"


_SHARE_OPENS = "cited by "  #: how a reason of :func:`corpus_share` opens, and no other's


def is_corpus_share(flag: Flag) -> bool:
    """Whether ``flag`` is a ``resource`` flag raised for the paper's corpus share (which a
    paper found to name the page's gene does not get), not by the registry or a title."""
    return flag.name is FlagName.RESOURCE and flag.reason.startswith(_SHARE_OPENS)


#: PubMed publication types of secondary literature: it summarises others' findings
REVIEW_TYPES = (
    *("Review", "Systematic Review", "Scoping Review", "Meta-Analysis"),
    *("Practice Guideline", "Guideline", "Consensus Development Conference"),
)
#: PubMed publication types of items that report no research.  ``Letter`` alone is not
#: among them: PubMed tags research letters so too; a letter commenting on a paper is
#: also a ``Comment``.  Retraction notices have a flag of their own.
NOT_RESEARCH_TYPES = (
    *("Editorial", "Comment", "News", "Newspaper Article", "Interview", "Biography"),
    *("Portrait", "Lecture", "Published Erratum", "Expression of Concern"),
    "Patient Education Handout",
)


#: CommentsCorrections links only a notice about another paper carries: an erratum or an
#: expression of concern PubMed links so reports no research, whatever its publication types
#: say (a record not yet indexed may give only "Journal Article"); retraction notices have a
#: flag of their own
_NOTICE_OF = ("ErratumFor", "ExpressionOfConcernFor")


#: PubMed publication types of work not peer reviewed (PubMed indexes some preprints)
PREPRINT_TYPES = ("Preprint",)


def _kind_flags(record: PaperRecord) -> list[Flag]:
    """``review``, ``not_research`` or ``preprint`` from the record's publication types,
    else ``not_research`` for a notice PubMed links to the paper it is about."""
    for name, kinds, what in (
        (FlagName.REVIEW, REVIEW_TYPES, "secondary literature, not a primary study"),
        (FlagName.NOT_RESEARCH, NOT_RESEARCH_TYPES, "reports no research"),
        (FlagName.PREPRINT, PREPRINT_TYPES, "not peer reviewed"),
    ):
        found = [kind for kind in record.publication_types if kind in kinds]
        if found:
            many = "s" if len(found) > 1 else ""
            return [Flag(name, f"PubMed publication type{many} {', '.join(found)}: {what}")]
    if record.related(*_NOTICE_OF):
        what = "a notice about another paper, reports no research"
        return [Flag(FlagName.NOT_RESEARCH, _notice(record, _NOTICE_OF, what, ""))]
    return []


def _record_flags(record: PaperRecord) -> list[Flag]:
    flags = _kind_flags(record)
    if record.is_retracted:
        reason = _notice(record, RETRACTION_LINKS, "retracted", "Retracted Publication")
        flags.append(Flag(FlagName.RETRACTED, reason))
    if record.is_retraction_notice:
        what = "a retraction notice, not a paper"
        reason = _notice(record, RETRACTION_NOTICE_LINKS, what, "Retraction of Publication")
        flags.append(Flag(FlagName.RETRACTION_NOTICE, reason))
    for name, ref_types, what in (
        (FlagName.PARTIAL_RETRACTION, PARTIAL_RETRACTION_LINKS, "partially retracted"),
        (FlagName.ERRATUM, CORRECTION_LINKS, "erratum"),
        (FlagName.EXPRESSION_OF_CONCERN, ("ExpressionOfConcernIn",), "expression of concern"),
        (FlagName.UPDATED, UPDATE_LINKS, "updated"),
    ):
        if record.related(*ref_types):
            flags.append(Flag(name, _notice(record, ref_types, what, "")))
    return flags


def _notice(
    record: PaperRecord, ref_types: tuple[str, ...], what: str, publication_type: str
) -> str:
    """``"<what>: <ref_type> PMID n, PMID m; <ref_type> …"``, or the publication type where
    PubMed links nothing of ``ref_types``."""
    links = []
    for ref_type in ref_types:
        relations = record.related(ref_type)
        if relations:
            targets = ", ".join(f"PMID {r.pmid}" if r.pmid else r.source for r in relations)
            links.append(f"{ref_type} {targets}")
    if links:
        return f"{what}: {'; '.join(links)}"
    return f"{what}: PubMed publication type {publication_type!r}"


def _identity_flags(citation: Citation, record: PaperRecord) -> list[Flag]:
    flags = []
    doi = citation.doi if "doi" not in citation.invalid else None
    if doi and record.doi_keys and doi_key(doi) not in record.doi_keys:
        pubmed = " or ".join(filter(None, (record.doi, *record.other_dois)))
        flags.append(Flag(FlagName.DOI_MISMATCH, f"document DOI {doi} but PubMed has {pubmed}"))
    if citation.title and record.title and _title_key(citation.title) != _title_key(record.title):
        reason = f'document title "{_clip(citation.title)}" but PubMed has "{_clip(record.title)}"'
        flags.append(Flag(FlagName.TITLE_MISMATCH, reason))
    return flags


_MARKUP = re.compile(r"</?[A-Za-z][^>]*>")


@lru_cache(maxsize=1 << 12)  # a paper's title is compared again for each document citing it
def _title_key(title: str) -> str:
    """The letters and digits of ``title``, case-folded, without markup or accents."""
    text = unicodedata.normalize("NFKD", html.unescape(_MARKUP.sub("", title))).casefold()
    return "".join(filter(str.isalnum, text))


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
