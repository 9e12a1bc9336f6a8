"""What the audit remembers between the documents of a run, and why that is safe.

:func:`_run_of` gives the :class:`_Run` of an AuditSettings object: each PubMed
record read once (:class:`_Record`) and each citation judged once
(:class:`_CitationMemo`), bounded, and reused only for the same inputs, so results never
depend on what was audited before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from enrich.audit.citations import _record_flags, _title_flag
from enrich.audit.grades import _Worth, _worth_of
from enrich.audit.mentions import TextView
from enrich.audit.names import Mention, Partner, find_mention, partner
from enrich.audit.resources import ResourcePaper
from enrich.audit.settings import AuditSettings
from enrich.identifiers import doi_key
from enrich.model import (
    Citation,
    CitationVerdict,
    Flag,
    FlagName,
    GeneLookup,
    PaperRecord,
    Resolution,
)


@dataclass(eq=False, slots=True)
class _Record:
    """What the audit finds in a PubMed record alone, whoever cites it."""

    record: PaperRecord
    flags: tuple[Flag, ...]  #: retraction, notices, errata, review, not research
    title_flag: Flag | None  #: the title reads like a resource paper's
    view: TextView  #: title and abstract as names are searched in them
    no_abstract: bool
    found: dict[Partner, Mention | None] = field(default_factory=dict)  #: memo of mention()

    @classmethod
    def of(cls, record: PaperRecord) -> _Record:
        view = TextView.of(record.title, record.abstract)
        flags = tuple(_record_flags(record))
        return cls(record, flags, _title_flag(record), view, not record.abstract.strip())

    def mention(self, gene: Partner) -> Mention | None:
        """Where the title or abstract names ``gene`` (see :mod:`enrich.audit.names`)."""
        if gene in self.found:
            return self.found[gene]
        found = self.found[gene] = find_mention(self.view, gene)
        return found


@dataclass(eq=False, slots=True)
class _CitationMemo:
    """A citation judged once in a run, whatever document cites it.

    Only the corpus-share ``resource`` flag depends on the run's statistics and on
    the document's gene (:func:`_citation_worth` decides it), so the citation is judged both
    without it and, when first needed, with it.
    """

    key: str  #: the citation's key
    found: Resolution | None  #: what it was audited by (see ``audited_by``), its validity
    worth: _Worth  #: without the corpus share: the registry's or the title's flag, if any
    registered: bool  #: in the registry, so the corpus share never applies
    around: tuple[tuple[Flag, ...], tuple[Flag, ...]]  #: the flags before and after resource
    shared: tuple[str, _Worth] | None = None  #: the last corpus-share reason, judged with it

    def as_shared(self, share: str) -> _Worth:
        """Judged a resource paper for its corpus share (``share`` is the flag's reason)."""
        if self.shared is None or self.shared[0] != share:
            before, after = self.around
            verdict = self.worth.verdict
            flags = (*before, Flag(FlagName.RESOURCE, share), *after)
            shared = CitationVerdict(verdict.citation, verdict.resolution, flags)
            self.shared = (share, _worth_of(shared, self.worth.record))
        return self.shared[1]


#: entries a run keeps of each kind before it forgets them all: enough for the papers that
#: recur (database papers on every page), while the long tail of a 50,000-paper run, cited
#: once or twice, is let go (an entry holds a record and a copy of its text, a few kB;
#: 65,536 entries cost a 20,000-document run about 150 MB a worker; 4,096 instead of
#: 8,192 took its cold run's peak from 1,026 to 993 MiB, with no more CPU: a record's text
#: view is cheap to make again since ASCII texts are translated as bytes)
MAX_ENTRIES = 1 << 12


@dataclass(eq=False, slots=True)
class _Run:
    """What the audit keeps between the documents audited with one AuditSettings.

    Cached across documents because a paper is cited by many documents of a run: it
    saves judging each citation again (``cited``) and reading each record again
    (``records``).  Safe because an entry is reused only for the same inputs: a
    citation is keyed by its (immutable) value and rechecked against the resolution
    it was judged from, a record is keyed by PMID and rechecked to be the same object, a
    partner is keyed by its label, synonyms and Gene IDs and made again when the gene names
    are another mapping object; what depends on the run's statistics or on the document's
    gene is decided per document (see :func:`_citation_worth`); and the settings are this
    object's own.  Bounded: a full cache is emptied (see ``MAX_ENTRIES``).
    """

    settings: AuditSettings
    by_pmid: Mapping[str, ResourcePaper]
    by_doi: Mapping[str, ResourcePaper]
    high_throughput: frozenset[str]  #: the settings' methods, case-folded
    cited: dict[Citation, _CitationMemo] = field(default_factory=dict)
    records: dict[str, _Record] = field(default_factory=dict)
    genes: Mapping[str, GeneLookup] | None = None  #: what ``partners`` were made from
    partners: dict[tuple[str, tuple[str, ...], tuple[str, ...], bool], Partner] = field(
        default_factory=dict
    )

    @classmethod
    def of(cls, settings: AuditSettings) -> _Run:
        methods = frozenset(method.casefold() for method in settings.high_throughput_methods)
        return cls(settings, *_index(settings.resources), methods)

    def record(self, record: PaperRecord) -> _Record:
        """What ``record`` says by itself."""
        known = self.records.get(record.pmid)
        if known is None or known.record is not record:
            if len(self.records) >= MAX_ENTRIES:
                self.records.clear()
            known = self.records[record.pmid] = _Record.of(record)
        return known

    def partner(
        self,
        label: str,
        synonyms: tuple[str, ...],
        gene_ids: tuple[str, ...],
        genes: Mapping[str, GeneLookup],
        *,
        by_label: bool = True,
    ) -> Partner:
        """The partner ``label`` with the document's ``synonyms`` and the names ``genes``
        gives for ``gene_ids`` (made once per run: partners recur across documents);
        ``by_label=False``: the label (a UniProt accession) is not looked for."""
        if genes is not self.genes:  # another run's gene names: forget partners made of them
            self.genes = genes
            self.partners.clear()
        key = (label, synonyms, gene_ids, by_label)
        known = self.partners.get(key)
        if known is None:
            if len(self.partners) >= MAX_ENTRIES:
                self.partners.clear()
            lookups = [genes[gene_id] for gene_id in gene_ids if gene_id in genes]
            known = self.partners[key] = partner(label, synonyms, lookups, by_label=by_label)
        return known

    def remember(self, citation: Citation, cited: _CitationMemo) -> _CitationMemo:
        if len(self.cited) >= MAX_ENTRIES:
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


@lru_cache(maxsize=16)
def _index(
    resources: tuple[ResourcePaper, ...],
) -> tuple[dict[str, ResourcePaper], dict[str, ResourcePaper]]:
    by_pmid = {pmid: paper for paper in reversed(resources) for pmid in paper.pmids}
    by_doi = {doi_key(doi): paper for paper in reversed(resources) for doi in paper.dois}
    return by_pmid, by_doi  # reversed: the first entry naming an identifier wins
