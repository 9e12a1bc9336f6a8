"""The audit as a pipeline gate: ``--fail-on`` conditions and the claims that meet them.

A condition is a grade (``A``-``D``, any case) or a flag name (:class:`~enrich.model.FlagName`);
a claim meets a grade condition when it has that grade, and a flag condition when
the claim or one of its citations carries that flag.  A document's loose citations
meet flag conditions too.  A condition a claim meets may hold only *in doubt*
(:func:`conditions_in_doubt`): a grade below A, when a citation could not be looked up
(it counts for nothing now, and may change the grade once looked up), or when NCBI Gene's
names of the document's genes could not be had (a paper may name a gene by a name not
tried); ``no_mention`` in that second case, and ``resource`` or ``resource_only`` when
they rest on a paper called a database for its corpus share alone (a paper found to name
the page's gene is none).  Pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from enrich.audit.citations import is_corpus_share
from enrich.model import (
    AuditedDocument,
    CitationVerdict,
    ClaimVerdict,
    FlagName,
    GeneStatus,
    Grade,
    Status,
)

__all__ = [
    "CONDITIONS",
    "RAISED_BY_NAMES",
    "citation_conditions_in_doubt",
    "claim_conditions",
    "conditions_in_doubt",
    "conditions_met",
    "gene_names_missing",
    "grade_in_doubt",
    "parse_conditions",
]

#: every condition ``--fail-on`` accepts, grades first
CONDITIONS = (*(g.value for g in Grade), *sorted(f.value for f in FlagName))


def parse_conditions(values: Iterable[str]) -> frozenset[str]:
    """The conditions named in ``values`` (each may hold several, comma-separated).

    Raises ValueError naming the first value that is neither a grade nor a flag, or that
    names none (``--fail-on "$GATE"`` with the variable unset would be no gate at all).
    """
    wanted = set()
    for value in values:
        items = [part.strip() for part in value.split(",")]
        if not any(items):
            raise ValueError(
                f"{value!r} names no condition (an unset variable?): give a grade or a flag "
                f"({', '.join(CONDITIONS)})"
            )
        for item in items:
            if item.upper() in Grade.__members__:
                wanted.add(item.upper())
            elif item in FlagName._value2member_map_:
                wanted.add(item)
            elif item:
                raise ValueError(
                    f"{item!r} is neither a grade nor a flag ({', '.join(CONDITIONS)})"
                )
    return frozenset(wanted)


def claim_conditions(claim: ClaimVerdict) -> set[str]:
    """The conditions ``claim`` meets: its grade, its flags and its citations' flags."""
    met = {str(claim.grade)}
    met.update(str(f.name) for f in claim.flags)
    met.update(str(f.name) for c in claim.citations for f in c.flags)
    return met


def grade_in_doubt(claim: ClaimVerdict, names_unknown: bool = False) -> bool:
    """Whether ``claim``'s grade may change once everything it rests on is looked up.

    When one of its citations is unresolved (not looked up: offline, or E-utilities
    failed), any grade below A: a C may become A, B or D, a B an A.  With
    ``names_unknown`` (see :func:`gene_names_missing`), a B (a cited paper may be found to
    name the claim's genes by a name not tried: an A), and a C citing a paper that only
    its corpus share calls a database (found to name the page's gene, it is a primary
    paper: a B or an A); nothing else names change.  Grades only rise with more names and
    a citation looked up never takes a primary paper away, so A is never in doubt; nor is
    a D for names (none of its citations is a paper).
    """
    if claim.grade is Grade.A:
        return False
    if any(c.resolution.status is Status.UNRESOLVED for c in claim.citations):
        return True
    if not names_unknown:
        return False
    if claim.grade is Grade.B:
        return True
    return claim.grade is Grade.C and any(
        is_corpus_share(flag) for citation in claim.citations for flag in citation.flags
    )


def gene_names_missing(document: AuditedDocument) -> bool:
    """Whether NCBI Gene's names of one of ``document``'s Gene IDs could not be had (offline
    and not cached, or NCBI Gene unreachable): its gene was looked for by symbol only."""
    return any(lookup.status is GeneStatus.UNRESOLVED for lookup in document.genes)


#: the conditions more NCBI Gene names can make a claim meet: grades only rise with names (a
#: C becomes a B when a paper the corpus share called a database names the page's gene, a
#: B an A when a paper names every gene), and a gene that had no name to look for gets
#: some (``no_mention`` then flags the papers not naming it).  A D cites no paper.
RAISED_BY_NAMES = frozenset({str(Grade.A), str(Grade.B), str(FlagName.NO_MENTION)})


def conditions_in_doubt(claim: ClaimVerdict, names_unknown: bool = False) -> set[str]:
    """The conditions ``claim`` may meet now and not once everything is looked up: its grade
    when :func:`grade_in_doubt`; with ``names_unknown``, ``no_mention`` (a paper may name
    the gene by a name not tried), ``resource_only`` when one of its citations is a
    database by its corpus share alone, and ``resource`` when every one flagged so is
    (each may be found to name the page's gene).  Of these, only those it meets count."""
    doubtful = {str(claim.grade)} if grade_in_doubt(claim, names_unknown) else set()
    if names_unknown:
        doubtful.add(str(FlagName.NO_MENTION))
        resources = [c for c in claim.citations if _is_resource(c)]
        shared = [c for c in resources if citation_conditions_in_doubt(c, names_unknown)]
        if shared:
            doubtful.add(str(FlagName.RESOURCE_ONLY))
        if shared and len(shared) == len(resources):
            doubtful.add(str(FlagName.RESOURCE))
    return doubtful


def citation_conditions_in_doubt(
    citation: CitationVerdict, names_unknown: bool = False
) -> set[str]:
    """The flag conditions ``citation`` (a claim's, or a document's loose citation) may meet
    now and not once everything is looked up: ``resource`` with ``names_unknown`` when it
    is a database by its corpus share alone (it may be found to name the page's gene)."""
    shared = names_unknown and any(is_corpus_share(flag) for flag in citation.flags)
    return {str(FlagName.RESOURCE)} if shared else set()


def _is_resource(citation: CitationVerdict) -> bool:
    return any(flag.name is FlagName.RESOURCE for flag in citation.flags)


def conditions_met(
    documents: Iterable[AuditedDocument], conditions: frozenset[str]
) -> Counter[str]:
    """How many claims (and loose citations) of ``documents`` meet each of ``conditions``;
    a condition nothing meets is absent.  Claims meeting a condition only in doubt
    (:func:`conditions_in_doubt`) are counted too: a gate that must not trip on them, as
    ``enrich audit --fail-on`` does not, leaves them out itself."""
    met: Counter[str] = Counter()
    for document in documents:
        for claim in document.claims:
            met.update(claim_conditions(claim) & conditions)
        for citation in document.citations:
            met.update({str(f.name) for f in citation.flags} & conditions)
    return met
