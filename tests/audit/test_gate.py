"""``--fail-on``: which names are conditions, and which claims meet them."""

from __future__ import annotations

import pytest

from enrich.audit import CONDITIONS, FLAG_NAMES, conditions_met, parse_conditions
from enrich.model import AuditedDocument, Document, FlagName, Status, Style, Subject
from tests.audit.helpers import audit_claim, cite, edge, record, resolved


def test_every_flag_and_grade_is_a_condition_and_nothing_else() -> None:
    """Grades (any case) and the model's flag names are accepted, comma lists split; any
    other name is refused naming it."""
    assert set(CONDITIONS) == {"A", "B", "C", "D"} | {str(f) for f in FlagName}
    assert frozenset(FlagName) == FLAG_NAMES
    assert parse_conditions(["d", "retracted,no_mention"]) == {"D", "retracted", "no_mention"}
    with pytest.raises(ValueError, match="'retraction' is neither a grade nor a flag"):
        parse_conditions(["D", "retraction"])


def test_conditions_met_counts_claims_by_grade_and_by_their_citations_flags() -> None:
    """A claim meets its grade, its own flags and its citations' flags, each counted once."""
    dead = audit_claim(edge(cite("1"), cite("2")), {})  # two unresolved citations
    good = audit_claim(edge(cite("3")), resolved(record("3", "RUNX2 regulates TWIST1.")))
    assert {str(c.resolution.status) for c in dead.citations} == {str(Status.UNRESOLVED)}
    document = AuditedDocument(Document("t.md", Style.TFLINK, Subject()), (dead, good), ())
    met = conditions_met([document], parse_conditions(["C", "B", "unresolved", "retracted"]))
    assert met == {"C": 1, "B": 1, "unresolved": 1}
