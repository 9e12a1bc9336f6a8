"""``--fail-on``: which names are conditions, and which claims meet them."""

from __future__ import annotations

import dataclasses

import pytest

from enrich.audit import (
    CONDITIONS,
    FLAG_NAMES,
    AuditSettings,
    CorpusStats,
    audit_document,
    conditions_met,
    parse_conditions,
)
from enrich.audit.gate import (
    citation_conditions_in_doubt,
    conditions_in_doubt,
    gene_names_missing,
    grade_in_doubt,
)
from enrich.model import (
    AuditedDocument,
    Citation,
    Document,
    FlagName,
    GeneLookup,
    GeneRecord,
    GeneStatus,
    Grade,
    Status,
    Style,
    Subject,
)
from tests.audit.helpers import (
    audit_claim,
    cite,
    database_records,
    edge,
    flag_names,
    record,
    resolved,
)


def test_every_flag_and_grade_is_a_condition_and_nothing_else() -> None:
    """Grades (any case) and the model's flag names are accepted, comma lists split; any
    other name is refused naming it."""
    assert set(CONDITIONS) == {"A", "B", "C", "D"} | {str(f) for f in FlagName}
    assert frozenset(FlagName) == FLAG_NAMES
    assert parse_conditions(["d", "retracted,no_mention"]) == {"D", "retracted", "no_mention"}
    with pytest.raises(ValueError, match="'retraction' is neither a grade nor a flag"):
        parse_conditions(["D", "retraction"])


@pytest.mark.parametrize("value", ["", " ", ","])
def test_a_value_naming_no_condition_is_refused(value: str) -> None:
    """``--fail-on "$GATE"`` with the variable unset or empty names no condition: refused,
    rather than taken for no gate at all, which would pass every corpus."""
    with pytest.raises(ValueError, match=r"names no condition \(an unset variable\?\)"):
        parse_conditions(["D", value])
    assert parse_conditions(["D,", "retracted"]) == {"D", "retracted"}  # a trailing comma


def test_conditions_met_counts_claims_by_grade_and_by_their_citations_flags() -> None:
    """A claim meets its grade, its own flags and its citations' flags, each counted once."""
    dead = audit_claim(edge(cite("1"), cite("2")), {})  # two unresolved citations
    good = audit_claim(edge(cite("3")), resolved(record("3", "RUNX2 regulates TWIST1.")))
    assert {str(c.resolution.status) for c in dead.citations} == {str(Status.UNRESOLVED)}
    document = AuditedDocument(Document("t.md", Style.TFLINK, Subject()), (dead, good), ())
    met = conditions_met([document], parse_conditions(["C", "B", "unresolved", "retracted"]))
    assert met == {"C": 1, "B": 1, "unresolved": 1}


def test_only_grades_that_gene_names_can_raise_are_in_doubt_without_them() -> None:
    """Without NCBI Gene's names a B (its paper may name the gene by one of them) is in doubt,
    and so is ``no_mention``; a C only when it cites a database by corpus share alone (see
    the next test); an A cannot rise, a D cites no paper; a citation not looked up puts any
    grade below A in doubt, names or not."""
    one = audit_claim(edge(cite("3")), resolved(record("3", "RUNX2 regulates TWIST1.")))
    none = audit_claim(edge(), {})
    dead = audit_claim(edge(cite("1")), {})
    assert (one.grade, none.grade, dead.grade) == (Grade.B, Grade.D, Grade.C)
    assert conditions_in_doubt(one, names_unknown=True) == {"B", "no_mention"}
    assert conditions_in_doubt(one) == set()
    assert not grade_in_doubt(none, names_unknown=True)
    assert grade_in_doubt(dead) and grade_in_doubt(dead, names_unknown=True)
    a_claim = dataclasses.replace(one, grade=Grade.A)
    c_claim = dataclasses.replace(one, grade=Grade.C)
    assert not grade_in_doubt(a_claim, names_unknown=True)
    assert not grade_in_doubt(c_claim, names_unknown=True)  # nothing names could lift


def test_a_document_lacks_gene_names_only_when_ncbi_gene_could_not_be_asked() -> None:
    """An unknown or discontinued Gene ID is NCBI's answer (its names will not come); only
    an unresolved lookup leaves names that may."""

    def document(*statuses: GeneStatus) -> AuditedDocument:
        genes = tuple(GeneLookup(str(n), s) for n, s in enumerate(statuses))
        return AuditedDocument(Document("t.md", Style.TFLINK, Subject()), (), (), genes)

    assert not gene_names_missing(document(GeneStatus.UNKNOWN, GeneStatus.DISCONTINUED))
    assert gene_names_missing(document(GeneStatus.FOUND, GeneStatus.UNRESOLVED))


def test_a_resource_by_corpus_share_alone_is_in_doubt_without_the_pages_gene_names() -> None:
    """A much-cited paper is a database by its corpus share only while it is not found to
    name the page's gene: with NCBI Gene's names (here DERMO1) it is a paper on it, so
    without them ``resource`` and ``resource_only`` are met only in doubt; a database the
    registry names stays one whatever the names, and keeps ``resource`` certain."""
    subject = Subject(symbol="TWIST1", gene_id="7291")
    resolutions = resolved(record("42", "Dermo1 in bone.")) | database_records()
    names = GeneRecord("7291", "TWIST1", aliases=("DERMO1",))

    def audited(lookup: GeneLookup, *citations: Citation) -> AuditedDocument:
        document = Document("t.md", Style.TFLINK, subject, (edge(*citations),), citations)
        stats = CorpusStats(10, {"pmid:42": 10})
        return audit_document(document, resolutions, stats, AuditSettings(), {"7291": lookup})

    with_names = audited(GeneLookup("7291", GeneStatus.FOUND, names), cite("42"))
    assert "resource" not in flag_names(with_names.claims[0].citations[0])
    unresolved = GeneLookup("7291", GeneStatus.UNRESOLVED)
    shared = audited(unresolved, cite("42"))
    assert gene_names_missing(shared) and "resource_only" in flag_names(shared.claims[0])
    assert shared.claims[0].grade is Grade.C  # its one paper a database: found, a B
    assert conditions_in_doubt(shared.claims[0], True) >= {"C", "resource", "resource_only"}
    assert "resource" in citation_conditions_in_doubt(shared.citations[0], names_unknown=True)
    assert not citation_conditions_in_doubt(shared.citations[0])
    beside = audited(unresolved, cite("42"), cite("29087512")).claims[0]  # TRRUST: registry
    assert "resource_only" in flag_names(beside)
    assert "resource" not in conditions_in_doubt(beside, names_unknown=True)
    assert "resource_only" in conditions_in_doubt(beside, names_unknown=True)
