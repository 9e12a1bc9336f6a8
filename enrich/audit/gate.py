"""The audit as a pipeline gate: ``--fail-on`` conditions and the claims that meet them.

A condition is a grade (``A``-``D``, any case) or a flag name (:class:`~enrich.model.FlagName`);
a claim meets a grade condition when it has that grade, and a flag condition when
the claim or one of its citations carries that flag.  A document's loose citations
meet flag conditions too.  A claim with a citation that could not be looked up meets a
grade condition other than A only *in doubt* (:func:`grade_in_doubt`): that citation
counts for nothing now, and may change the grade once looked up.  Pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from enrich.model import AuditedDocument, ClaimVerdict, FlagName, Grade, Status

__all__ = ["CONDITIONS", "claim_conditions", "conditions_met", "grade_in_doubt", "parse_conditions"]

#: every condition ``--fail-on`` accepts, grades first
CONDITIONS = (*(g.value for g in Grade), *sorted(f.value for f in FlagName))


def parse_conditions(values: Iterable[str]) -> frozenset[str]:
    """The conditions named in ``values`` (each may hold several, comma-separated).

    Raises ValueError naming the first value that is neither a grade nor a flag.
    """
    wanted = set()
    for item in (part.strip() for value in values for part in value.split(",")):
        if item.upper() in Grade.__members__:
            wanted.add(item.upper())
        elif item in FlagName._value2member_map_:
            wanted.add(item)
        elif item:
            raise ValueError(f"{item!r} is neither a grade nor a flag ({', '.join(CONDITIONS)})")
    return frozenset(wanted)


def claim_conditions(claim: ClaimVerdict) -> set[str]:
    """The conditions ``claim`` meets: its grade, its flags and its citations' flags."""
    met = {str(claim.grade)}
    met.update(str(f.name) for f in claim.flags)
    met.update(str(f.name) for c in claim.citations for f in c.flags)
    return met


def grade_in_doubt(claim: ClaimVerdict) -> bool:
    """Whether ``claim``'s grade may change once its citations are all looked up: it is
    below A and one of its citations is unresolved (not looked up: offline, or E-utilities
    failed).  A C may become A, B or D, a B an A; an A stays A (a citation looked up
    never takes a primary paper away), so A is never in doubt."""
    return claim.grade is not Grade.A and any(
        c.resolution.status is Status.UNRESOLVED for c in claim.citations
    )


def conditions_met(
    documents: Iterable[AuditedDocument], conditions: frozenset[str]
) -> Counter[str]:
    """How many claims (and loose citations) of ``documents`` meet each of ``conditions``;
    a condition nothing meets is absent.  Claims meeting a grade only in doubt
    (:func:`grade_in_doubt`) are counted too: a gate that must not trip on them, as
    ``enrich audit --fail-on`` does not, leaves them out itself."""
    met: Counter[str] = Counter()
    for document in documents:
        for claim in document.claims:
            met.update(claim_conditions(claim) & conditions)
        for citation in document.citations:
            met.update({str(f.name) for f in citation.flags} & conditions)
    return met
