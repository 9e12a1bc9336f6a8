"""The audit: what each citation is worth as evidence for its claim, and the claim's grade.

Pure functions over :mod:`enrich.model` values.  A run makes two passes:
:func:`corpus_stats` over all documents (so a paper cited by most edges of the run
can be recognised), then :func:`audit_document` per document.

Citation flags (``Flag.name``), each with a one-line reason:

``resource``
    a database/resource paper, found by the first rule that fires: the registry
    (:mod:`enrich.resources`: ``enrich/resources.yaml`` plus ``resources:`` in enrich.yaml,
    by PMID or DOI);
    corpus share (cited by at least ``resource_share`` of the run's edges and by at
    least ``resource_min_edges`` of them, unless PubMed's title or abstract names the
    document's gene: a study of the gene cited by many of its edges is no database);
    or PubMed's title reading like one (database, knowledgebase, atlas, web server,
    resource).
``retracted`` / ``retraction_notice`` / ``erratum`` / ``expression_of_concern``
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
``large_scale_only`` (TFLink's small-scale column says No, or every method is
high-throughput).

Grades.  A *primary* paper is a citation that resolved to a PubMed record and is
neither a resource paper, retracted, nor a retraction notice.

- **A**: at least ``primary_for_a`` primary papers, and at least one of them
  mentions both partners (edge) or the gene (statement).
- **B**: at least one primary paper.
- **C**: no primary paper, but at least one citation is unverifiable: a resource
  paper, unresolved, or a DOI that is not in PubMed.
- **D**: no citation, or only retracted, not-found, invalid or retraction-notice ones.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NoReturn

from enrich.errors import ConfigError
from enrich.identifiers import doi_key
from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    Claim,
    ClaimKind,
    ClaimVerdict,
    Document,
    Flag,
    Grade,
    PaperRecord,
    Resolution,
    Status,
    Subject,
)
from enrich.resources import ResourcePaper, load_registry

#: every flag the audit can raise, on citations and on claims (``--fail-on`` accepts these)
FLAG_NAMES = frozenset(
    {
        "resource", "retracted", "retraction_notice", "erratum", "expression_of_concern",
        "not_found", "not_in_pubmed", "invalid", "unresolved", "doi_mismatch",
        "title_mismatch", "no_mention", "no_citation", "resource_only", "single_source",
        "large_scale_only",
    }
)  # fmt: skip

_HIGH_THROUGHPUT = (
    "chromatin immunoprecipitation assay",  # TFLink's label for ReMap/GTRD ChIP-seq edges
    "ChIP-seq",
    "ChIP-chip",
    "ChIP-exo",
    "DAP-seq",
    "HT-SELEX",
    "protein binding microarray",
)


@dataclass(frozen=True, slots=True)
class AuditSettings:
    """The audit's knobs; the defaults are the documented behaviour."""

    resources: tuple[ResourcePaper, ...] = field(default_factory=load_registry)
    resource_share: float = 0.25  #: corpus detection: cited by >= this share of edges ...
    resource_min_edges: int = 10  #: ... and by at least this many edges
    primary_for_a: int = 2  #: grade A needs this many primary papers
    high_throughput_methods: tuple[str, ...] = _HIGH_THROUGHPUT  #: compared case-insensitively

    def __post_init__(self) -> None:
        """Raise ConfigError, one line naming the setting, for a value of the wrong kind."""
        share = self.resource_share
        if not _is_number(share) or not 0 < share <= 1:
            _bad_setting("resource_share", "a number between 0 and 1", share)
        for name in ("resource_min_edges", "primary_for_a"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                _bad_setting(name, "a positive integer", value)
        methods = self.high_throughput_methods
        if not isinstance(methods, tuple) or not all(isinstance(m, str) for m in methods):
            _bad_setting("high_throughput_methods", "a list of strings", methods)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bad_setting(name: str, expected: str, value: object) -> NoReturn:
    raise ConfigError(f"audit.{name} must be {expected}, got {value!r}")


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """How often each citation key is cited by the edge claims of a run."""

    edges: int = 0
    edges_citing: Mapping[str, int] = field(default_factory=dict)  #: key -> edge claims citing it


def corpus_stats(documents: Iterable[Document]) -> CorpusStats:
    """Count the run's edge claims and, per citation key, the edge claims that cite it."""
    edges = 0
    citing: Counter[str] = Counter()
    for document in documents:
        for claim in document.claims:
            if claim.kind is ClaimKind.EDGE:
                edges += 1
                citing.update({citation.key for citation in claim.citations})
    return CorpusStats(edges, dict(citing))


def merge_stats(parts: Iterable[CorpusStats]) -> CorpusStats:
    """The stats of a run made of the documents behind ``parts`` (e.g. one per document)."""
    edges = 0
    citing: Counter[str] = Counter()
    for part in parts:
        edges += part.edges
        citing.update(part.edges_citing)
    return CorpusStats(edges, dict(citing))


# --- one document -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Partner:
    """A gene a cited paper should name: its label and every usable name for it."""

    label: str
    names: tuple[str, ...]

    @property
    def synonyms(self) -> tuple[str, ...]:
        return tuple(name for name in self.names if name != self.label)


@dataclass(frozen=True, slots=True)
class _Judged:
    """What a citation is worth whatever claim cites it."""

    verdict: CitationVerdict  #: shared by every claim it applies to unchanged
    record: PaperRecord | None  #: the record, when resolved
    resource: bool


@dataclass(frozen=True, slots=True)
class _Context:
    resolutions: Mapping[str, Resolution]
    stats: CorpusStats
    settings: AuditSettings
    by_pmid: Mapping[str, ResourcePaper]
    by_doi: Mapping[str, ResourcePaper]
    subject: _Partner | None  #: the document's gene, with its synonyms
    #: per document: a paper cited by many claims is judged once, each gene looked up once
    judged: dict[Citation, _Judged] = field(default_factory=dict)
    mentions: dict[tuple[str, _Partner], bool] = field(default_factory=dict)


@lru_cache(maxsize=16)
def _index(
    resources: tuple[ResourcePaper, ...],
) -> tuple[dict[str, ResourcePaper], dict[str, ResourcePaper]]:
    by_pmid = {pmid: paper for paper in reversed(resources) for pmid in paper.pmids}
    by_doi = {doi_key(doi): paper for paper in reversed(resources) for doi in paper.dois}
    return by_pmid, by_doi  # reversed: the first entry naming an identifier wins


def audit_document(
    document: Document,
    resolutions: Mapping[str, Resolution],
    stats: CorpusStats,
    settings: AuditSettings,
) -> AuditedDocument:
    """Flag every citation and claim of ``document`` and grade each claim.

    ``resolutions`` is keyed by :attr:`Citation.key`; a missing key counts as
    unresolved.  Loose citations get citation flags but no ``no_mention``.
    """
    symbol = document.subject.symbol
    subject = _partner(symbol, document.subject) if symbol else None
    context = _Context(resolutions, stats, settings, *_index(settings.resources), subject)
    claims = tuple(_audit_claim(claim, document.subject, context) for claim in document.claims)
    loose = tuple(_audit_citation(citation, (), context) for citation in document.citations)
    return AuditedDocument(document, claims, loose)


def _audit_claim(claim: Claim, subject: Subject, context: _Context) -> ClaimVerdict:
    partners = _partners(claim, subject)
    verdicts = tuple(_audit_citation(c, partners, context) for c in claim.citations)
    flags = _claim_flags(claim, verdicts, context.settings)
    return ClaimVerdict(claim, verdicts, flags, _grade(verdicts, context.settings.primary_for_a))


def _audit_citation(
    citation: Citation, partners: Sequence[_Partner], context: _Context
) -> CitationVerdict:
    judged = context.judged.get(citation)
    if judged is None:
        judged = context.judged[citation] = _judge(citation, context)
    if judged.record is not None and partners and not judged.resource:
        mention = _mention_flag(judged.record, partners, context)
        if mention is not None:
            verdict = judged.verdict
            return CitationVerdict(citation, verdict.resolution, (*verdict.flags, mention))
    return judged.verdict


def _judge(citation: Citation, context: _Context) -> _Judged:
    """Every flag of ``citation`` but ``no_mention``, which depends on the claim."""
    resolution = _resolution(citation, context.resolutions)
    record = resolution.record if resolution.status is Status.RESOLVED else None
    flags = _status_flags(citation, resolution)
    resource = _resource_flag(citation, record, context)
    if resource is not None:
        flags.append(resource)
    if record is not None:
        flags.extend(_record_flags(record))
        flags.extend(_identity_flags(citation, record))
    return _Judged(
        CitationVerdict(citation, resolution, tuple(flags)), record, resource is not None
    )


def _resolution(citation: Citation, resolutions: Mapping[str, Resolution]) -> Resolution:
    key = citation.key
    found = resolutions.get(key)
    if key.startswith("invalid:") and (found is None or found.status is not Status.INVALID):
        return Resolution(key, Status.INVALID, reason=_invalid_reason(citation))
    return found or Resolution(key, Status.UNRESOLVED, reason="not resolved")


# --- citation flags -----------------------------------------------------------------------

_STATUS_FLAGS = {  #: status -> (flag, reason when the resolution gives none)
    Status.NOT_FOUND: ("not_found", "PubMed has no record for {}"),
    Status.NOT_IN_PUBMED: ("not_in_pubmed", "{} is not in PubMed"),
    Status.UNRESOLVED: ("unresolved", "not resolved"),
}


def _status_flags(citation: Citation, resolution: Resolution) -> list[Flag]:
    if resolution.status is Status.INVALID:
        return [Flag("invalid", resolution.reason or _invalid_reason(citation))]
    flags = []
    if resolution.status in _STATUS_FLAGS:
        name, template = _STATUS_FLAGS[resolution.status]
        flags.append(Flag(name, resolution.reason or template.format(_label(citation))))
    if citation.invalid:  # a malformed DOI beside the PMID that was resolved
        flags.append(Flag("invalid", f"{_invalid_reason(citation)}; audited by {resolution.key}"))
    return flags


def _invalid_reason(citation: Citation) -> str:
    malformed = [
        f"malformed {kind.upper() if kind == 'doi' else 'PMID'} {value!r}"
        for kind, value in (("pmid", citation.pmid), ("doi", citation.doi))
        if kind in citation.invalid
    ]
    return "; ".join(malformed) or "no PMID or DOI given"


def _label(citation: Citation) -> str:
    if citation.key.startswith("pmid:"):
        return f"PMID {citation.pmid}"
    return f"DOI {citation.doi}" if citation.doi else citation.key


_RESOURCE_TITLE = re.compile(r"\b(database|knowledgebase|atlas|web server|resource)\b", re.I)


def _resource_flag(
    citation: Citation, record: PaperRecord | None, context: _Context
) -> Flag | None:
    paper = _registered(citation, record, context)
    if paper is not None:
        return Flag("resource", f"{paper.name} database paper (registry: {paper.source})")
    share = _corpus_share(citation.key, context)
    about_subject = record and context.subject and _mentions(record, context.subject, context)
    if share is not None and not about_subject:  # a paper on the page's gene is no database
        return Flag("resource", share)
    match = _RESOURCE_TITLE.search(record.title) if record is not None else None
    if match is not None:
        return Flag("resource", f"PubMed title reads like a resource paper ({match[0]!r})")
    return None


def _registered(
    citation: Citation, record: PaperRecord | None, context: _Context
) -> ResourcePaper | None:
    pmids = [record.pmid if record else None]
    dois = [record.doi if record else None]
    if "pmid" not in citation.invalid:
        pmids.append(citation.pmid)
    if "doi" not in citation.invalid:
        dois.append(citation.doi)
    for pmid in filter(None, pmids):
        if pmid in context.by_pmid:
            return context.by_pmid[pmid]
    return next(
        (context.by_doi[doi_key(d)] for d in dois if d and doi_key(d) in context.by_doi), None
    )


def _corpus_share(key: str, context: _Context) -> str | None:
    edges, settings = context.stats.edges, context.settings
    citing = context.stats.edges_citing.get(key, 0)
    if key.startswith("invalid:") or not edges or citing < settings.resource_min_edges:
        return None
    if citing / edges < settings.resource_share:
        return None
    return f"cited by {citing} of {edges} edges in this run ({citing / edges:.0%})"


def _record_flags(record: PaperRecord) -> list[Flag]:
    flags = []
    if record.is_retracted:
        reason = _notice(record, "RetractionIn", "retracted", "Retracted Publication")
        flags.append(Flag("retracted", reason))
    if record.is_retraction_notice:
        what = "a retraction notice, not a paper"
        reason = _notice(record, "RetractionOf", what, "Retraction of Publication")
        flags.append(Flag("retraction_notice", reason))
    for name, ref_type, what in (
        ("erratum", "ErratumIn", "erratum"),
        ("expression_of_concern", "ExpressionOfConcernIn", "expression of concern"),
    ):
        if record.related(ref_type):
            flags.append(Flag(name, _notice(record, ref_type, what, "")))
    return flags


def _notice(record: PaperRecord, ref_type: str, what: str, publication_type: str) -> str:
    """``"<what>: <ref_type> PMID n"``, or the publication type where PubMed links nothing."""
    relations = record.related(ref_type)
    if relations:
        targets = ", ".join(f"PMID {r.pmid}" if r.pmid else r.source for r in relations)
        return f"{what}: {ref_type} {targets}"
    return f"{what}: PubMed publication type {publication_type!r}"


def _identity_flags(citation: Citation, record: PaperRecord) -> list[Flag]:
    flags = []
    doi = citation.doi if "doi" not in citation.invalid else None
    if doi and record.doi and doi_key(doi) != doi_key(record.doi):
        flags.append(Flag("doi_mismatch", f"document DOI {doi} but PubMed has {record.doi}"))
    if citation.title and record.title and _title_key(citation.title) != _title_key(record.title):
        reason = f'document title "{_clip(citation.title)}" but PubMed has "{_clip(record.title)}"'
        flags.append(Flag("title_mismatch", reason))
    return flags


_MARKUP = re.compile(r"</?[A-Za-z][^>]*>")


def _title_key(title: str) -> str:
    """The letters and digits of ``title``, case-folded, without markup or accents."""
    text = unicodedata.normalize("NFKD", html.unescape(_MARKUP.sub("", title))).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- naming the genes ---------------------------------------------------------------------

_TRAILING_DIGITS = re.compile(r"(.*[^\d\s-])[-\s]?(\d+)")


def _partners(claim: Claim, subject: Subject) -> tuple[_Partner, ...]:
    """The genes a paper cited for ``claim`` should name (the subject's synonyms count)."""
    if claim.kind is ClaimKind.STATEMENT:
        labels: tuple[str, ...] = (subject.symbol,) if subject.symbol else ()
    else:
        labels = tuple(dict.fromkeys(s for s in (claim.regulator, claim.target) if s))
    partners = (_partner(label, subject) for label in labels)
    return tuple(partner for partner in partners if partner.names)


def _partner(label: str, subject: Subject) -> _Partner:
    names = [label]
    if subject.symbol and label.casefold() == subject.symbol.casefold():
        names.extend(subject.synonyms)
    usable = (name for name in dict.fromkeys(names) if len(name) >= 3)  # also drops "-"
    return _Partner(label, tuple(usable))


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    """``name`` as a whole word, any case, with an optional hyphen/space before trailing digits."""
    split = _TRAILING_DIGITS.fullmatch(name)
    body = rf"{re.escape(split[1])}[-\s]?{split[2]}" if split else re.escape(name)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


def _mentions(record: PaperRecord, partner: _Partner, context: _Context) -> bool:
    key = (record.pmid, partner)
    found = context.mentions.get(key)
    if found is None:
        text = f"{record.title}\n{record.abstract}"
        found = any(_name_pattern(name).search(text) for name in partner.names)
        context.mentions[key] = found
    return found


def _mention_flag(
    record: PaperRecord, partners: Sequence[_Partner], context: _Context
) -> Flag | None:
    found = [partner for partner in partners if _mentions(record, partner, context)]
    missing = [p for p in partners if p not in found]
    if not missing:
        return None
    reason = _missing_reason(found, missing)
    if not record.abstract.strip():
        reason += " (title only; no abstract)"
    return Flag("no_mention", reason)


def _missing_reason(found: Sequence[_Partner], missing: Sequence[_Partner]) -> str:
    if found:
        mentioned, absent = (" and ".join(p.label for p in found), missing[0].label)
        return f"title and abstract mention {mentioned} but not {absent}"
    if len(missing) > 1:
        return f"neither {' nor '.join(p.label for p in missing)} in title or abstract"
    partner = missing[0]
    if not partner.synonyms:
        return f"{partner.label} not in title or abstract"
    shown = ", ".join(partner.synonyms[:3]) + (", …" if len(partner.synonyms) > 3 else "")
    return f"neither {partner.label} nor a synonym ({shown}) in title or abstract"


# --- claims -------------------------------------------------------------------------------


def _claim_flags(
    claim: Claim, verdicts: Sequence[CitationVerdict], settings: AuditSettings
) -> tuple[Flag, ...]:
    found = (
        Flag("no_citation", "no citation given") if not claim.citations else None,
        _resource_only(verdicts),
        _single_source(claim),
        _large_scale_only(claim, settings),
    )
    return tuple(flag for flag in found if flag is not None)


def _resource_only(verdicts: Sequence[CitationVerdict]) -> Flag | None:
    if not verdicts or not all(v.has("resource") for v in verdicts):
        return None
    cited = ", ".join(_label(v.citation) for v in verdicts)
    return Flag("resource_only", f"every citation is a database/resource paper ({cited})")


def _single_source(claim: Claim) -> Flag | None:
    if claim.kind is not ClaimKind.EDGE or len(claim.sources) != 1:
        return None
    return Flag("single_source", f"one source database only: {claim.sources[0]}")


def _large_scale_only(claim: Claim, settings: AuditSettings) -> Flag | None:
    if claim.small_scale is False:
        return Flag("large_scale_only", "TFLink marks this edge as not small-scale (No)")
    high_throughput = {method.casefold() for method in settings.high_throughput_methods}
    if claim.methods and all(m.casefold() in high_throughput for m in claim.methods):
        return Flag("large_scale_only", f"high-throughput methods only: {', '.join(claim.methods)}")
    return None


def _is_primary(verdict: CitationVerdict) -> bool:
    resolved = verdict.resolution.status is Status.RESOLVED and verdict.resolution.record
    excluded = ("resource", "retracted", "retraction_notice")
    return bool(resolved) and not any(verdict.has(name) for name in excluded)


def _grade(verdicts: Sequence[CitationVerdict], primary_for_a: int) -> Grade:
    primary = [verdict for verdict in verdicts if _is_primary(verdict)]
    if len(primary) >= primary_for_a and any(not v.has("no_mention") for v in primary):
        return Grade.A
    if primary:
        return Grade.B
    unverifiable = (Status.UNRESOLVED, Status.NOT_IN_PUBMED)
    if any(v.has("resource") or v.resolution.status in unverifiable for v in verdicts):
        return Grade.C
    return Grade.D


def summarize(audited: Iterable[AuditedDocument]) -> tuple[dict[str, int], dict[str, int]]:
    """Claims per grade (every grade, A to D, even at 0), and occurrences per flag name.

    A flag counts once per claim or citation verdict carrying it, so a paper cited
    by 47 edges adds 47 to ``resource``.
    """
    grades = {str(grade): 0 for grade in Grade}
    flags: Counter[str] = Counter()
    for document in audited:
        for claim in document.claims:
            grades[str(claim.grade)] += 1
            flags.update(flag.name for flag in claim.flags)
            for verdict in claim.citations:
                flags.update(flag.name for flag in verdict.flags)
        for verdict in document.citations:
            flags.update(flag.name for flag in verdict.flags)
    return grades, dict(sorted(flags.items()))
