"""Why a claim has its grade, in one line a curator can check: :func:`grade_reason`.

The line names what decided the grade, citing each paper by what a user can look up
(its PMID or DOI, a database paper by its name and PMID)::

    A: 3 primary papers (PMID 22899291, 21796367, 19581928); PMID 22899291 names TWIST1 and E-cadherin (CDH1)
    B: 1 primary paper (PMID 23095743), A needs 2; also 2 database papers (TRRUST v2, PMID 29087512; ReMap 2018, PMID 29126285)
    C: no primary paper — 2 database papers (TRRUST v2, PMID 29087512; ReMap 2018, PMID 29126285), 1 PMID not in PubMed (23836662)
    D: no citation

Pure.
"""  # noqa: E501 - the examples are lines as written

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from enrich.audit.names import Mention
from enrich.model import FlagName, Grade, Status

if TYPE_CHECKING:  # the grades module imports the memo, which imports this one's callers
    from enrich.audit.grades import _Worth

__all__ = ["KINDS", "citation_kind", "grade_reason"]

#: how a citation that is no primary paper is counted, worst first: each under its first
#: kind.  (flag or status, one, several)
KINDS: tuple[tuple[str, str, str], ...] = (
    (FlagName.RETRACTED.value, "retracted paper", "retracted papers"),
    (FlagName.RETRACTION_NOTICE.value, "retraction notice", "retraction notices"),
    (
        FlagName.PARTIAL_RETRACTION.value,
        "partially retracted paper",
        "partially retracted papers",
    ),
    (FlagName.RESOURCE.value, "database paper", "database papers"),
    (FlagName.REVIEW.value, "review", "reviews"),
    (FlagName.NOT_RESEARCH.value, "item reporting no research", "items reporting no research"),
    (FlagName.PREPRINT.value, "preprint", "preprints"),
    # a resolved citation no other kind takes that is no primary paper has both mismatches
    (
        FlagName.DOI_MISMATCH.value,
        "PMID the document's DOI and title contradict",
        "PMIDs the document's DOIs and titles contradict",
    ),
    (Status.NOT_FOUND.value, "PMID not in PubMed", "PMIDs not in PubMed"),
    (Status.NOT_IN_PUBMED.value, "DOI not in PubMed", "DOIs not in PubMed"),
    (Status.INVALID.value, "malformed identifier", "malformed identifiers"),
    (Status.UNRESOLVED.value, "citation not looked up", "citations not looked up"),
)
#: kinds whose name already says which identifier it is: the label loses its prefix
_SAID = {
    Status.NOT_FOUND.value: "PMID ",
    Status.NOT_IN_PUBMED.value: "DOI ",
    FlagName.DOI_MISMATCH.value: "PMID ",
}


def citation_kind(flags: AbstractSet[str], status: str) -> str:
    """Under which of :data:`KINDS` a citation with ``flags`` and ``status`` is counted."""
    for kind in _KIND_ORDER:
        if kind in flags or kind == status:
            return kind
    return status


_KIND_ORDER = tuple(kind for kind, _, _ in KINDS)


def grade_reason(
    grade: Grade,
    worths: Sequence[_Worth],
    naming: tuple[str, Sequence[Mention]] | None,
    labels: Sequence[str],
    primary_for_a: int,
    unchecked: Sequence[str] = (),
) -> str:
    """The one-line reason for ``grade``, given the claim's citations (``worths``), the
    primary paper naming every partner with where it names them (``naming``), the
    partners' ``labels``, the settings' ``primary_for_a`` and the partners with no name to
    look for (``unchecked``: no paper can be shown to name them)."""
    studies: dict[str, str] = {}  # a paper cited in several versions is named once
    for worth in worths:
        if worth.primary:
            studies.setdefault(worth.study, worth.label)
    primary = list(studies.values())
    others = _others([w for w in worths if not w.primary])
    if grade is Grade.A:
        text = f"A: {_count(primary, 'primary paper')} ({_pmids(primary)})"
        if naming is not None and naming[1]:
            text += f"; PMID {naming[0]} names {_and(str(m) for m in naming[1])}"
        return text
    if grade is Grade.B:
        text = f"B: {_count(primary, 'primary paper')} ({_pmids(primary)})"
        if len(primary) < primary_for_a:
            text += f", A needs {primary_for_a}"
        elif unchecked:
            text += f", none shown to name {_both([*labels, *unchecked])}"
            text += f": {_and(unchecked)} has no name to look for"
        else:
            text += f", none naming {_both(labels)}"
        return f"{text}; also {others}" if others else text
    if not worths:
        return f"{grade}: no citation"
    lead = "no primary paper" if grade is Grade.C else "no usable paper"
    return f"{grade}: {lead} — {others}"


def _others(worths: Sequence[_Worth]) -> str:
    """ "2 database papers (TRRUST v2, PMID 29087512; …), 1 PMID not in PubMed (23836662)"."""
    groups: dict[str, list[str]] = {}
    for worth in worths:
        labels = groups.setdefault(worth.kind, [])
        if worth.label not in labels:
            labels.append(worth.label)
    parts = []
    for kind, one, several in KINDS:
        if kind in groups:
            shown = groups.pop(kind)
            prefix = _SAID.get(kind, "")
            listed = "; ".join(label.removeprefix(prefix) for label in shown)
            parts.append(f"{len(shown)} {one if len(shown) == 1 else several} ({listed})")
    parts += [f"{len(labels)} {kind} ({'; '.join(labels)})" for kind, labels in groups.items()]
    return ", ".join(parts)


def _count(items: Sequence[str], what: str) -> str:
    return f"{len(items)} {what}{'s' if len(items) != 1 else ''}"


def _pmids(labels: Sequence[str]) -> str:
    """ "PMID 1, 2, 3" from "PMID 1", "PMID 2", "PMID 3" (other labels as they are)."""
    pmids = [label[5:] for label in labels if label.startswith("PMID ")]
    rest = [label for label in labels if not label.startswith("PMID ")]
    return ", ".join(([f"PMID {', '.join(pmids)}"] if pmids else []) + rest)


def _and(items: Iterable[str]) -> str:
    """ "a and b", "a, b and c"."""
    *head, last = items
    return f"{', '.join(head)} and {last}" if head else last


def _both(labels: Sequence[str]) -> str:
    if not labels:
        return "the claim's genes"
    return labels[0] if len(labels) == 1 else f"both {' and '.join(labels)}"
