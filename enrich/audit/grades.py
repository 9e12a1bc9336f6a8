"""What a citation is worth to its claim, the claim flags, the grade, and their tally.

The rules are the ones :mod:`enrich.audit` documents: what makes a *primary*
paper, grades A to D, and the claim flags ``no_citation``, ``resource_only``,
``single_source`` and ``large_scale_only``.  Pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from enrich.audit.citations import _label
from enrich.audit.explain import citation_kind
from enrich.model import (
    MISIDENTIFIED,
    AuditedDocument,
    CitationVerdict,
    Claim,
    ClaimKind,
    Flag,
    FlagName,
    Grade,
    Resolution,
    Status,
)

if TYPE_CHECKING:  # the memo imports this module; these are annotations only
    from enrich.audit.memo import _Record, _Run


@dataclass(frozen=True, slots=True)
class _Worth:
    """What a citation is worth whatever claim cites it."""

    verdict: CitationVerdict  #: shared by every claim it applies to unchanged
    record: _Record | None  #: when resolved
    label: str  #: how a grade's reason names it: "PMID 1", "TRRUST v2, PMID 29087512"
    kind: str  #: what it counts as in a grade's reason (see :data:`explain.KINDS`)
    resource: bool
    primary: bool  #: counts towards grades A and B (see :func:`_is_primary`)
    #: counts towards grade C: secondary (a resource paper, a review, not research) or
    #: unverifiable (unresolved, a DOI not in PubMed)
    secondary: bool
    #: the article it is a version of (:attr:`~enrich.model.PaperRecord.study`; its label
    #: when unresolved): primary papers are counted by it
    study: str


def _worth_of(verdict: CitationVerdict, record: _Record | None, name: str = "") -> _Worth:
    """What ``verdict`` (with every flag but ``no_mention``) is worth to a claim's grade;
    ``name`` is a database paper's name in the registry."""
    names = {flag.name for flag in verdict.flags}
    resource = FlagName.RESOURCE in names
    # a retracted review or database paper is retracted first: worth nothing, not grade C;
    # a PMID whose paper the document's DOI and title contradict is unverifiable
    secondary = (
        bool(names & _SECONDARY or names >= MISIDENTIFIED) and not names & _WORTHLESS
    ) or verdict.resolution.status in _UNVERIFIABLE
    primary = _is_primary(verdict.resolution, names)
    label = f"PMID {record.record.pmid}" if record is not None else _label(verdict.citation)
    label = f"{name}, {label}" if name else label
    kind = citation_kind(names, verdict.resolution.status.value)
    study = record.record.study if record is not None else label
    return _Worth(verdict, record, label, kind, resource, primary, secondary, study)


_NO_CITATION = Flag(FlagName.NO_CITATION, "no citation given")


def _claim_flags(claim: Claim, worths: Sequence[_Worth], run: _Run) -> tuple[Flag, ...]:
    found = (
        _NO_CITATION if not claim.citations else None,
        _resource_only(claim, worths),
        _single_source(claim.kind, claim.sources),
        _large_scale_only(claim.small_scale, claim.methods, run.high_throughput),
    )
    return tuple(flag for flag in found if flag is not None)


def _resource_only(claim: Claim, worths: Sequence[_Worth]) -> Flag | None:
    if not worths or not all(worth.resource for worth in worths):
        return None
    cited = ", ".join(_label(citation) for citation in claim.citations)
    return Flag(FlagName.RESOURCE_ONLY, f"every citation is a database/resource paper ({cited})")


# The two flags below depend on a few values that most claims of a run share; caching
# them saves building the same reason (and Flag) for each claim.  Safe: all arguments
# are immutable values (strings, tuples of strings, a frozenset).


@lru_cache(maxsize=1024)
def _single_source(kind: ClaimKind, sources: tuple[str, ...]) -> Flag | None:
    if kind is not ClaimKind.EDGE or len(sources) != 1:
        return None
    return Flag(FlagName.SINGLE_SOURCE, f"one source database only: {sources[0]}")


@lru_cache(maxsize=1024)
def _large_scale_only(
    small_scale: bool | None, methods: tuple[str, ...], high_throughput: frozenset[str]
) -> Flag | None:
    """``high_throughput``: the settings' methods, case-folded."""
    if small_scale is False:
        return Flag(FlagName.LARGE_SCALE_ONLY, "TFLink marks this edge as not small-scale (No)")
    if small_scale is None and methods and all(m.casefold() in high_throughput for m in methods):
        return Flag(
            FlagName.LARGE_SCALE_ONLY, f"high-throughput methods only: {', '.join(methods)}"
        )
    return None


_UNVERIFIABLE = (Status.UNRESOLVED, Status.NOT_IN_PUBMED)  #: with secondary papers: grade C
#: citation flags of secondary literature, or of research no primary paper can stand for (a
#: preprint, not peer reviewed; a paper partly retracted, where enrich cannot tell whether
#: the part the claim rests on fell): not primary evidence, but grade C rather than D
_SECONDARY = frozenset(
    {
        *(FlagName.RESOURCE, FlagName.REVIEW, FlagName.NOT_RESEARCH),
        *(FlagName.PREPRINT, FlagName.PARTIAL_RETRACTION),
    }
)
#: citation flags that make a paper worth nothing to a claim, whatever else it is
_WORTHLESS = frozenset({FlagName.RETRACTED, FlagName.RETRACTION_NOTICE})
#: citation flags that keep a resolved paper from counting as primary evidence
_NOT_PRIMARY = _SECONDARY | _WORTHLESS


def _is_primary(resolution: Resolution, flags: AbstractSet[str]) -> bool:
    """Whether a citation so resolved and flagged (flag names) is a primary paper."""
    resolved = resolution.status is Status.RESOLVED and resolution.record is not None
    return resolved and not flags & _NOT_PRIMARY and not flags >= MISIDENTIFIED


def is_primary(verdict: CitationVerdict) -> bool:
    """Whether ``verdict`` is a primary paper: resolved, neither secondary nor worthless,
    and not a PMID whose paper the document's DOI and title both contradict."""
    return _is_primary(verdict.resolution, {flag.name for flag in verdict.flags})


def _grade(primary: int, primary_naming: bool, secondary: bool, primary_for_a: int) -> Grade:
    """The grade of a claim with ``primary`` distinct primary papers (see :mod:`enrich.audit`).

    ``primary_naming``: one of them names every partner; ``secondary``: one of the
    claim's citations is secondary or unverifiable (see ``_Worth.secondary``).
    """
    if primary >= primary_for_a and primary_naming:
        return Grade.A
    if primary:
        return Grade.B
    if secondary:
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
