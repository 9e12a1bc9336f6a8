"""The audit: what each citation is worth as evidence for its claim, and the claim's grade.

Pure functions over :mod:`enrich.model` values.  A run makes two passes:
:func:`corpus_stats` over all documents (so a paper cited by most edges of the run
can be recognised), then :func:`audit_document` per document.  Between calls with
the same ``AuditSettings`` object, it remembers what it learnt about each cited
paper; the results never depend on that.

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
from collections.abc import Set as AbstractSet
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
    #: each name with its :func:`_name_parts`, as :meth:`_Record.mentions` looks for it
    searches: tuple[tuple[str, tuple[str, str] | None], ...] = field(compare=False)

    @property
    def synonyms(self) -> tuple[str, ...]:
        return tuple(name for name in self.names if name != self.label)


@dataclass(eq=False, slots=True)
class _Record:
    """What the audit finds in a PubMed record alone, whoever cites it."""

    record: PaperRecord
    flags: tuple[Flag, ...]  #: retraction, notices, errata
    title_flag: Flag | None  #: the title reads like a resource paper's
    text: str  #: what names are searched in: title, newline, abstract
    folded: str | None  #: ``text.lower()`` when ``text`` is ASCII (searched without regex)
    no_abstract: bool

    @classmethod
    def of(cls, record: PaperRecord) -> _Record:
        text = f"{record.title}\n{record.abstract}"
        folded = text.lower() if text.isascii() else None
        flags = tuple(_record_flags(record))
        return cls(record, flags, _title_flag(record), text, folded, not record.abstract.strip())

    def mentions(self, partner: _Partner) -> bool:
        """Whether the title or abstract names ``partner`` (see :func:`_name_pattern`)."""
        folded = self.folded
        for name, parts in partner.searches:
            if folded is not None and parts is not None:
                if _ascii_mentions(folded, parts[0], parts[1]):
                    return True
            elif _name_pattern(name).search(self.text):
                return True
        return False


@dataclass(frozen=True, slots=True)
class _Judged:
    """What a citation is worth whatever claim cites it."""

    verdict: CitationVerdict  #: shared by every claim it applies to unchanged
    record: _Record | None  #: when resolved
    resource: bool
    primary: bool  #: counts towards grades A and B (see :func:`_is_primary`)
    unverifiable: bool  #: counts towards grade C: a resource paper, unresolved, not in PubMed


@dataclass(eq=False, slots=True)
class _Cited:
    """A citation judged once in a run, whatever document cites it.

    Only the corpus-share ``resource`` flag depends on the run's statistics and on
    the document's gene (:func:`_judge` decides it), so the citation is judged both
    without it and, when first needed, with it.
    """

    key: str  #: the citation's key
    found: Resolution | None  #: ``resolutions.get(key)`` when judged: the entry's validity
    judged: _Judged  #: without the corpus share: the registry's or the title's flag, if any
    registered: bool  #: in the registry, so the corpus share never applies
    around: tuple[tuple[Flag, ...], tuple[Flag, ...]]  #: the flags before and after resource
    shared: tuple[str, _Judged] | None = None  #: the last corpus-share reason, judged with it

    def as_shared(self, share: str) -> _Judged:
        """Judged a resource paper for its corpus share (``share`` is the flag's reason)."""
        if self.shared is None or self.shared[0] != share:
            before, after = self.around
            verdict = self.judged.verdict
            flags = (*before, Flag("resource", share), *after)
            shared = CitationVerdict(verdict.citation, verdict.resolution, flags)
            self.shared = (share, _assess(shared, self.judged.record))
        return self.shared[1]


#: entries a run keeps of each kind before it forgets them all (about 1 kB each); the
#: generated corpus has 5,000 papers and about 7 distinct citations per document
_MAX_ENTRIES = 1 << 16


@dataclass(eq=False, slots=True)
class _Run:
    """What the audit keeps between the documents audited with one AuditSettings.

    Cached across documents because a paper is cited by many documents of a run: it
    saves judging each citation again (``cited``) and reading each record again
    (``records``).  Safe because an entry is reused only for the same inputs: a
    citation is keyed by its (immutable) value and rechecked against the resolution
    it was judged from, a record is keyed by PMID and rechecked to be the same object;
    what depends on the run's statistics or on the document's gene is decided per
    document (see :func:`_judge`); and the settings are this object's own.  Bounded:
    a full cache is emptied (see ``_MAX_ENTRIES``).
    """

    settings: AuditSettings
    by_pmid: Mapping[str, ResourcePaper]
    by_doi: Mapping[str, ResourcePaper]
    high_throughput: frozenset[str]  #: the settings' methods, case-folded
    cited: dict[Citation, _Cited] = field(default_factory=dict)
    records: dict[str, _Record] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: AuditSettings) -> _Run:
        methods = frozenset(method.casefold() for method in settings.high_throughput_methods)
        return cls(settings, *_index(settings.resources), methods)

    def record(self, record: PaperRecord) -> _Record:
        """What ``record`` says by itself."""
        known = self.records.get(record.pmid)
        if known is None or known.record is not record:
            if len(self.records) >= _MAX_ENTRIES:
                self.records.clear()
            known = self.records[record.pmid] = _Record.of(record)
        return known

    def remember(self, citation: Citation, cited: _Cited) -> _Cited:
        if len(self.cited) >= _MAX_ENTRIES:
            self.cited.clear()
        self.cited[citation] = cited
        return cited


#: the run of the last audit_document call, kept until it is called with other settings
#: (one run at a time is what the pipeline needs: a worker audits with one settings object)
_last_run: _Run | None = None


def _run_of(settings: AuditSettings) -> _Run:
    """The run for ``settings``, a new one (empty caches) unless it is the last one's object."""
    global _last_run
    run = _last_run
    if run is None or run.settings is not settings:
        run = _last_run = _Run.of(settings)
    return run


@dataclass(frozen=True, slots=True)
class _Context:
    """What auditing one document needs: the run's inputs, its memory, the document's gene."""

    resolutions: Mapping[str, Resolution]
    stats: CorpusStats
    run: _Run
    subject: Subject
    gene: _Partner | None  #: the document's gene, with its synonyms


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
    The result depends on the arguments' values only: what is remembered between
    calls with the same ``settings`` object is checked against them (see ``_Run``).
    """
    symbol = document.subject.symbol
    gene = _partner(symbol, document.subject) if symbol else None
    context = _Context(resolutions, stats, _run_of(settings), document.subject, gene)
    claims = tuple(_audit_claim(claim, context) for claim in document.claims)
    loose = tuple(_judge(citation, context).verdict for citation in document.citations)
    return AuditedDocument(document, claims, loose)


def _audit_claim(claim: Claim, context: _Context) -> ClaimVerdict:
    partners = _partners(claim, context)
    judged = [_judge(citation, context) for citation in claim.citations]
    verdicts = []
    primary = 0
    primary_naming = False  # a primary paper that names every partner
    for citation, judgement in zip(claim.citations, judged, strict=True):
        verdict = judgement.verdict
        mention = None
        if judgement.record is not None and partners and not judgement.resource:
            mention = _mention_flag(judgement.record, partners)
            if mention is not None:
                verdict = CitationVerdict(citation, verdict.resolution, (*verdict.flags, mention))
        if judgement.primary:
            primary += 1
            primary_naming = primary_naming or mention is None
        verdicts.append(verdict)
    settings = context.run.settings
    unverifiable = any(judgement.unverifiable for judgement in judged)
    grade = _grade(primary, primary_naming, unverifiable, settings.primary_for_a)
    return ClaimVerdict(claim, tuple(verdicts), _claim_flags(claim, judged, context.run), grade)


def _judge(citation: Citation, context: _Context) -> _Judged:
    """Every flag of ``citation`` but ``no_mention``, which depends on the claim.

    Judged once per run (``_Run.cited``); only the corpus share is decided here.
    """
    run = context.run
    cited = run.cited.get(citation)
    if cited is None or context.resolutions.get(cited.key) is not cited.found:
        cited = run.remember(citation, _cited(citation, context.resolutions, run))
    if cited.registered:
        return cited.judged
    share = _corpus_share(cited.key, context.stats, run.settings)
    if share is None:
        return cited.judged
    record, gene = cited.judged.record, context.gene
    if record is not None and gene is not None and record.mentions(gene):
        return cited.judged  # a paper on the page's gene is no database
    return cited.as_shared(share)


def _cited(citation: Citation, resolutions: Mapping[str, Resolution], run: _Run) -> _Cited:
    """``citation`` judged without the corpus share (:meth:`_Cited.as_shared` adds it)."""
    key = citation.key
    found = resolutions.get(key)
    resolution = _resolution(citation, key, found)
    resolved = resolution.record if resolution.status is Status.RESOLVED else None
    record = run.record(resolved) if resolved is not None else None
    before = tuple(_status_flags(citation, resolution))
    after = (*record.flags, *_identity_flags(citation, record.record)) if record else ()
    registered = _registered(citation, resolved, run)
    if registered is not None:
        resource: Flag | None = _registry_flag(registered)
    else:
        resource = record.title_flag if record is not None else None
    flags = (*before, resource, *after) if resource is not None else (*before, *after)
    judged = _assess(CitationVerdict(citation, resolution, flags), record)
    return _Cited(key, found, judged, registered is not None, (before, after))


def _assess(verdict: CitationVerdict, record: _Record | None) -> _Judged:
    """What ``verdict`` (with every flag but ``no_mention``) is worth to a claim's grade."""
    names = {flag.name for flag in verdict.flags}
    resource = "resource" in names
    unverifiable = resource or verdict.resolution.status in _UNVERIFIABLE
    return _Judged(verdict, record, resource, _is_primary(verdict.resolution, names), unverifiable)


def _resolution(citation: Citation, key: str, found: Resolution | None) -> Resolution:
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


def _registry_flag(paper: ResourcePaper) -> Flag:
    return Flag("resource", f"{paper.name} database paper (registry: {paper.source})")


def _title_flag(record: PaperRecord) -> Flag | None:
    match = _RESOURCE_TITLE.search(record.title)
    if match is None:
        return None
    return Flag("resource", f"PubMed title reads like a resource paper ({match[0]!r})")


def _registered(citation: Citation, record: PaperRecord | None, run: _Run) -> ResourcePaper | None:
    pmids = [record.pmid if record else None]
    dois = [record.doi if record else None]
    if "pmid" not in citation.invalid:
        pmids.append(citation.pmid)
    if "doi" not in citation.invalid:
        dois.append(citation.doi)
    for pmid in filter(None, pmids):
        if pmid in run.by_pmid:
            return run.by_pmid[pmid]
    return next((run.by_doi[doi_key(d)] for d in dois if d and doi_key(d) in run.by_doi), None)


def _corpus_share(key: str, stats: CorpusStats, settings: AuditSettings) -> str | None:
    """The reason to call the paper behind ``key`` a resource for its share of the edges."""
    edges, citing = stats.edges, stats.edges_citing.get(key, 0)
    if citing < settings.resource_min_edges or not edges or key.startswith("invalid:"):
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


@lru_cache(maxsize=1 << 14)  # a paper's title is compared again for each document citing it
def _title_key(title: str) -> str:
    """The letters and digits of ``title``, case-folded, without markup or accents."""
    text = unicodedata.normalize("NFKD", html.unescape(_MARKUP.sub("", title))).casefold()
    return "".join(filter(str.isalnum, text))


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- naming the genes ---------------------------------------------------------------------

_TRAILING_DIGITS = re.compile(r"(.*[^\d\s-])[-\s]?(\d+)")


def _partners(claim: Claim, context: _Context) -> tuple[_Partner, ...]:
    """The genes a paper cited for ``claim`` should name (the subject's synonyms count)."""
    if claim.kind is ClaimKind.STATEMENT:
        gene = context.gene  # the partner labelled with the subject's symbol
        return (gene,) if gene is not None and gene.names else ()
    regulator, target = claim.regulator, claim.target
    labels = (regulator, target) if target != regulator else (regulator,)
    partners = [_labelled(label, context) for label in labels if label]
    return tuple(partner for partner in partners if partner.names)


def _labelled(label: str, context: _Context) -> _Partner:
    """``_partner(label, context.subject)``, without building it again for each claim."""
    symbol = context.subject.symbol
    if label == symbol and context.gene is not None:
        return context.gene
    if symbol and label.casefold() == symbol.casefold():
        return _partner(label, context.subject)
    return _other_gene(label)


@lru_cache(maxsize=1 << 15)  # the genes of a run's edges recur across its documents
def _other_gene(label: str) -> _Partner:
    """The partner ``label`` for a document about another gene (it has no synonyms)."""
    return _partner(label, Subject())


def _partner(label: str, subject: Subject) -> _Partner:
    names = [label]
    if subject.symbol and label.casefold() == subject.symbol.casefold():
        names.extend(subject.synonyms)
    usable = tuple(name for name in dict.fromkeys(names) if len(name) >= 3)  # also drops "-"
    return _Partner(label, usable, tuple((name, _name_parts(name)) for name in usable))


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    """``name`` as a whole word, any case, with an optional hyphen/space before trailing digits."""
    split = _TRAILING_DIGITS.fullmatch(name)
    body = rf"{re.escape(split[1])}[-\s]?{split[2]}" if split else re.escape(name)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def _name_parts(name: str) -> tuple[str, str] | None:
    """An ASCII ``name`` lower-cased and split before its trailing digits; None if not ASCII."""
    if not name.isascii():
        return None
    split = _TRAILING_DIGITS.fullmatch(name)
    return (split[1].lower(), split[2]) if split else (name.lower(), "")


def _ascii_mentions(text: str, head: str, digits: str) -> bool:
    """Whether :func:`_name_pattern` of the name split as ``head`` + ``digits`` matches ``text``.

    ``text`` must be lower-case ASCII.  The same answer as the regex search, without
    compiling a pattern per name (most names of a run are new) or trying every position.
    """
    at = text.find(head)
    while at >= 0:
        end = at + len(head)
        if digits:  # "[-\s]?" then the digits: a separator here can only be the optional one
            if end < len(text) and text[end] in _SEPARATORS:
                end += 1
            end = end + len(digits) if text.startswith(digits, end) else -1
        starts_word = at == 0 or not text[at - 1].isalnum()
        if end >= 0 and starts_word and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(head, at + 1)
    return False


#: ``[-\s]`` in ASCII text (``\s`` is ``str.isspace``)
_SEPARATORS = frozenset("-" + "".join(c for c in map(chr, range(128)) if c.isspace()))


def _mention_flag(record: _Record, partners: Sequence[_Partner]) -> Flag | None:
    missing = [partner for partner in partners if not record.mentions(partner)]
    if not missing:
        return None
    found = [partner for partner in partners if partner not in missing]
    reason = _missing_reason(found, missing)
    if record.no_abstract:
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


_NO_CITATION = Flag("no_citation", "no citation given")


def _claim_flags(claim: Claim, judged: Sequence[_Judged], run: _Run) -> tuple[Flag, ...]:
    found = (
        _NO_CITATION if not claim.citations else None,
        _resource_only(claim, judged),
        _single_source(claim.kind, claim.sources),
        _large_scale_only(claim.small_scale, claim.methods, run.high_throughput),
    )
    return tuple(flag for flag in found if flag is not None)


def _resource_only(claim: Claim, judged: Sequence[_Judged]) -> Flag | None:
    if not judged or not all(judgement.resource for judgement in judged):
        return None
    cited = ", ".join(_label(citation) for citation in claim.citations)
    return Flag("resource_only", f"every citation is a database/resource paper ({cited})")


# The two flags below depend on a few values that most claims of a run share; caching
# them saves building the same reason (and Flag) for each claim.  Safe: all arguments
# are immutable values (strings, tuples of strings, a frozenset).


@lru_cache(maxsize=1024)
def _single_source(kind: ClaimKind, sources: tuple[str, ...]) -> Flag | None:
    if kind is not ClaimKind.EDGE or len(sources) != 1:
        return None
    return Flag("single_source", f"one source database only: {sources[0]}")


@lru_cache(maxsize=1024)
def _large_scale_only(
    small_scale: bool | None, methods: tuple[str, ...], high_throughput: frozenset[str]
) -> Flag | None:
    """``high_throughput``: the settings' methods, case-folded."""
    if small_scale is False:
        return Flag("large_scale_only", "TFLink marks this edge as not small-scale (No)")
    if methods and all(m.casefold() in high_throughput for m in methods):
        return Flag("large_scale_only", f"high-throughput methods only: {', '.join(methods)}")
    return None


_UNVERIFIABLE = (Status.UNRESOLVED, Status.NOT_IN_PUBMED)  #: with resource papers: grade C
_NOT_PRIMARY = frozenset({"resource", "retracted", "retraction_notice"})


def _is_primary(resolution: Resolution, flags: AbstractSet[str]) -> bool:
    """Whether a citation so resolved and flagged (flag names) is a primary paper."""
    resolved = resolution.status is Status.RESOLVED and resolution.record is not None
    return resolved and not flags & _NOT_PRIMARY


def _grade(primary: int, primary_naming: bool, unverifiable: bool, primary_for_a: int) -> Grade:
    """The grade of a claim with ``primary`` primary papers (see the module docstring).

    ``primary_naming``: one of them names every partner; ``unverifiable``: one of
    the claim's citations is a resource paper, unresolved or not in PubMed.
    """
    if primary >= primary_for_a and primary_naming:
        return Grade.A
    if primary:
        return Grade.B
    if unverifiable:
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
