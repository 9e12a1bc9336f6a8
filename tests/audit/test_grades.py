"""Grades A to D, the claim flags and the run's tally."""

from __future__ import annotations

from dataclasses import replace

import pytest

from enrich.audit import (
    AuditSettings,
    audit_document,
    corpus_stats,
    summarize,
)
from enrich.model import (
    Citation,
    Grade,
    Resolution,
    Status,
)
from tests.audit.helpers import (
    audit_claim,
    cite,
    database_records,
    edge,
    flag_names,
    reason,
    record,
    resolved,
    twist1,
)

# --- grades --------------------------------------------------------------------------------


def test_grade_a_needs_two_primary_papers_and_one_naming_both_partners() -> None:
    """A: two primary papers, one naming RUNX2 and TWIST1; B when none names both."""
    both = record("30", "RUNX2 and TWIST1.")
    other = record("31", "RUNX2 in bone.")
    claim = edge(cite("30"), cite("31"))
    assert audit_claim(claim, resolved(both, other)).grade is Grade.A
    assert audit_claim(claim, resolved(replace(both, title="Bone."), other)).grade is Grade.B


def test_one_primary_paper_is_b_unless_primary_for_a_is_one() -> None:
    """A single primary paper naming both partners is B, or A when primary_for_a is 1."""
    claim = edge(cite("30"))
    both = resolved(record("30", "RUNX2 and TWIST1."))
    assert audit_claim(claim, both).grade is Grade.B
    assert audit_claim(claim, both, AuditSettings(primary_for_a=1)).grade is Grade.A


def test_resource_and_retracted_papers_do_not_count_towards_a() -> None:
    """Two citations naming both partners, one a database paper, one retracted: no A."""
    rec = record("30", "RUNX2 and TWIST1.", publication_types=("Retracted Publication",))
    trrust = record("29087512", "RUNX2 and TWIST1.")
    assert audit_claim(edge(cite("30"), cite("29087512")), resolved(rec, trrust)).grade is Grade.C


def test_grade_d_for_no_citation_or_only_dead_ones() -> None:
    """D: no citation at all, or only not-found, invalid and retracted citations."""
    verdict = audit_claim(edge())
    assert (verdict.grade, reason(verdict, "no_citation")) == (Grade.D, "no citation given")
    dead = {"pmid:2": Resolution("pmid:2", Status.NOT_FOUND)}
    retracted = record("3", "RUNX2 TWIST1", publication_types=("Retracted Publication",))
    dead.update(resolved(retracted))
    bad = Citation(pmid="x", invalid=("pmid",))
    assert audit_claim(edge(cite("2"), cite("3"), bad), dead).grade is Grade.D


# --- claim flags ---------------------------------------------------------------------------


def test_single_source_only_for_edges_with_one_database() -> None:
    """An edge from one source database is flagged single_source; two sources are not."""
    assert reason(audit_claim(edge(sources=("TRRUST",))), "single_source") == (
        "one source database only: TRRUST"
    )
    assert "single_source" not in flag_names(audit_claim(edge()))


@pytest.mark.parametrize(
    ("small_scale", "methods", "flagged"),
    [
        (False, ("inferred by curator",), True),
        (None, ("chromatin immunoprecipitation assay",), True),
        (None, ("ChIP-seq", "chromatin immunoprecipitation assay"), True),
        (None, ("chromatin immunoprecipitation assay", "inferred by curator"), False),
        (True, ("inferred by curator",), False),
        (None, (), False),
    ],
)
def test_large_scale_only(
    small_scale: bool | None, methods: tuple[str, ...], flagged: bool
) -> None:
    """Flagged when TFLink says not small-scale, or when every method is high-throughput."""
    verdict = audit_claim(edge(small_scale=small_scale, methods=methods))
    assert ("large_scale_only" in flag_names(verdict)) is flagged


def test_summarize_counts_grades_and_flags() -> None:
    """Counts cover all grades (zeros too) and every flag occurrence on claims and citations."""
    audited = audit_document(
        twist1(), database_records(), corpus_stats([twist1()]), AuditSettings()
    )
    grades, flags = summarize([audited])
    assert list(grades) == ["A", "B", "C", "D"]
    assert sum(grades.values()) == 48
    assert flags["resource"] >= 47 + 19 + 6 + 6
    assert flags["single_source"] == sum("single_source" in flag_names(c) for c in audited.claims)
