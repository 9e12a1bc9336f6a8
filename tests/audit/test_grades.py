"""Grades A to D, the claim flags and the run's tally."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from enrich.audit import (
    AuditSettings,
    audit_document,
    corpus_stats,
    summarize,
)
from enrich.model import (
    Citation,
    Claim,
    ClaimKind,
    GeneRecord,
    Grade,
    Partner,
    Relation,
    Resolution,
    Status,
    Subject,
)
from tests.audit.helpers import (
    audit_claim,
    cite,
    database_records,
    edge,
    flag_names,
    found,
    reason,
    record,
    resolved,
    statement,
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


def test_grades_count_papers_not_citations() -> None:
    """One paper cited twice (two references, or its PMID and its DOI) is one primary
    paper: B, with a reason saying so, never A."""
    both = record("30", "RUNX2 and TWIST1.", doi="10.1000/thirty")
    by_doi = {"doi:10.1000/thirty": Resolution("doi:10.1000/thirty", Status.RESOLVED, both)}
    twice = edge(cite("30", ref="1"), cite("30", ref="2"))
    pmid_and_doi = edge(cite("30"), Citation(doi="10.1000/THIRTY"))
    for claim in (twice, pmid_and_doi):
        verdict = audit_claim(claim, {**resolved(both), **by_doi})
        assert verdict.grade is Grade.B
        assert verdict.grade_reason == "B: 1 primary paper (PMID 30), A needs 2"
    statement = Claim("s1", ClaimKind.STATEMENT, "Summary", (cite("30"), cite("30", ref="2")))
    assert audit_claim(statement, resolved(record("30", "TWIST2 in skin."))).grade is Grade.B


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


@pytest.mark.parametrize(
    "fields",
    [
        {"publication_types": ("Review", "Retracted Publication")},
        {"publication_types": ("Comment", "Retracted Publication")},
        {"publication_types": ("Retraction of Publication", "Review")},
        {
            "title": "An atlas of RUNX2 and TWIST1 binding.",
            "publication_types": ("Retracted Publication",),
        },
    ],
)
def test_a_retracted_review_or_resource_is_worth_nothing_not_grade_c(
    fields: dict[str, Any],
) -> None:
    """A paper retracted (or a retraction notice) is worth nothing to a claim, whatever else
    it is (a review, a comment, a database paper): D, as its reason says, not C."""
    verdict = audit_claim(edge(cite("30")), resolved(record("30", **fields)))
    assert verdict.grade is Grade.D, verdict.grade_reason
    assert verdict.grade_reason.startswith("D: no usable paper")


def test_a_uniprot_entry_name_is_no_name_to_look_for() -> None:
    """TFLink labels a yeast protein with no gene name by its UniProt entry name
    (YP97C_YEAST), which papers never write: papers naming the regulator are not flagged
    no_mention for it, and the claim says the page's protein has no name to look for."""
    papers = (record("30", "CRZ1 targets in yeast."), record("31", "Crz1 and calcineurin."))
    for label in ("YP97C_YEAST", "YD154 YEAST"):
        claim = edge(cite("30"), cite("31"), regulator="CRZ1", target=label)
        verdict = audit_claim(claim, resolved(*papers))
        assert verdict.grade is Grade.B
        assert verdict.grade_reason.endswith(f"{label} has no name to look for")
        assert not [f for c in verdict.citations for f in c.flags if f.name == "no_mention"]


def test_a_gene_with_no_name_to_look_for_keeps_a_claim_from_a() -> None:
    """A paper can be shown to name a partner only by a name to look for: an edge to "T"
    (no other name known) or a statement on a page naming no gene is B, saying why, where
    the same papers would make it A."""
    both = (record("30", "RUNX2 and T in bone."), record("31", "RUNX2 and T again."))
    verdict = audit_claim(edge(cite("30"), cite("31"), target="T"), resolved(*both))
    assert verdict.grade is Grade.B
    assert verdict.grade_reason == (
        "B: 2 primary papers (PMID 30, 31), none shown to name both RUNX2 and T: "
        "T has no name to look for"
    )
    about_myc = (record("30", "MYC in cancer."), record("31", "KRAS in cancer."))
    page = Subject()  # no symbol, no Gene ID, no synonym
    verdict = audit_claim(statement(cite("30"), cite("31")), resolved(*about_myc), subject=page)
    assert verdict.grade is Grade.B and "the page's gene" in verdict.grade_reason


def test_a_page_without_a_symbol_is_looked_for_by_its_gene_ids_and_synonyms() -> None:
    """A page naming its gene only by Gene ID and synonyms: the statement's papers are
    checked against NCBI Gene's symbol and those names, not skipped."""
    page = Subject(symbol="", synonyms=("DERMO1",), gene_id="117581")
    genes = found(GeneRecord("117581", "TWIST2", description="twist family bHLH 2"))
    papers = resolved(record("30", "MYC in cancer."), record("31", "KRAS in cancer."))
    verdict = audit_claim(statement(cite("30"), cite("31")), papers, subject=page, genes=genes)
    assert verdict.grade is Grade.B and "TWIST2" in verdict.grade_reason
    naming = resolved(record("30", "TWIST2 in skin."), record("31", "Dermo1 in skin."))
    verdict = audit_claim(statement(cite("30"), cite("31")), naming, subject=page, genes=genes)
    assert verdict.grade is Grade.A
    by_synonym = Subject(symbol="", synonyms=("DERMO1",))
    verdict = audit_claim(statement(cite("30"), cite("31")), naming, subject=by_synonym)
    assert verdict.grade is Grade.A


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
        # TFLink says small-scale evidence exists: its ChIP label covers ChIP-qPCR too
        (True, ("chromatin immunoprecipitation assay",), False),
        (None, (), False),
    ],
)
def test_large_scale_only(
    small_scale: bool | None, methods: tuple[str, ...], flagged: bool
) -> None:
    """Flagged when TFLink says not small-scale, or, unless it says small-scale, when every
    method is high-throughput."""
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


# --- secondary literature -------------------------------------------------------------------


def test_a_review_is_flagged_and_counts_for_c_not_for_a_or_b() -> None:
    """Two reviews naming both partners make a claim C, not A: secondary literature is
    not primary evidence; beside one primary paper, a review leaves the claim B."""
    kinds = ("Journal Article", "Review")
    reviews = resolved(
        record("30", "RUNX2 and TWIST1.", publication_types=kinds),
        record("31", "RUNX2 and TWIST1.", publication_types=("Systematic Review",)),
    )
    verdict = audit_claim(edge(cite("30"), cite("31")), reviews)
    assert verdict.grade is Grade.C
    assert reason(verdict.citations[0], "review") == (
        "PubMed publication type Review: secondary literature, not a primary study"
    )
    mixed = reviews | resolved(record("31", "RUNX2 and TWIST1."))
    assert audit_claim(edge(cite("30"), cite("31")), mixed).grade is Grade.B


@pytest.mark.parametrize(
    ("kinds", "flag"),
    [
        (("Editorial",), "not_research"),
        (("News",), "not_research"),
        (("Letter", "Comment"), "not_research"),
        (("Letter",), None),  # a research letter is a primary paper
        (("Journal Article", "Meta-Analysis"), "review"),
        (("Journal Article",), None),
    ],
)
def test_publication_types_decide_review_and_not_research(
    kinds: tuple[str, ...], flag: str | None
) -> None:
    """Editorials, news and comments are not_research, reviews and meta-analyses review;
    a letter alone and a journal article are neither."""
    verdict = audit_claim(
        edge(cite("30")), resolved(record("30", "RUNX2 and TWIST1.", publication_types=kinds))
    )
    secondary = {"review", "not_research"} & set(flag_names(verdict.citations[0]))
    assert secondary == ({flag} if flag else set())
    assert verdict.grade is (Grade.C if flag else Grade.B)


# --- consistent flags -----------------------------------------------------------------------


def test_a_citation_without_a_record_is_never_a_resource_by_its_corpus_share() -> None:
    """On the TWIST1 page, the not-found 23836662 (cited by 15 of 48 edges) is not_found,
    not also resource; so EZH2 -> TWIST1, citing it and two database papers, is no
    resource_only claim: not every citation is a resource paper."""
    missing = {"pmid:23836662": Resolution("pmid:23836662", Status.NOT_FOUND, reason="none")}
    audited = audit_document(
        twist1(), database_records() | missing, corpus_stats([twist1()]), AuditSettings()
    )
    ezh2 = audited.claims[0]
    assert (ezh2.claim.regulator, ezh2.grade) == ("EZH2", Grade.C)
    by_pmid = {c.citation.pmid: flag_names(c) for c in ezh2.citations}
    assert by_pmid["23836662"] == ["not_found"]
    assert "resource_only" not in flag_names(ezh2)


def test_resource_only_needs_every_citation_to_be_a_resource_paper() -> None:
    """Two registry database papers, one of them not in PubMed (a registry entry may name a
    PMID PubMed lacks): resource_only; add a primary paper and it is gone."""
    records = database_records()
    records["pmid:29126285"] = Resolution("pmid:29126285", Status.NOT_FOUND, reason="none")
    verdict = audit_claim(edge(cite("29087512"), cite("29126285")), records)
    assert "resource_only" in flag_names(verdict)
    assert [flag_names(c) for c in verdict.citations][1] == ["not_found", "resource"]
    more = records | resolved(record("30", "RUNX2 and TWIST1."))
    verdict = audit_claim(edge(cite("29087512"), cite("29126285"), cite("30")), more)
    assert "resource_only" not in flag_names(verdict)


def test_a_uniprot_accession_standing_for_a_gene_is_no_name_to_look_for() -> None:
    """A TFLink page naming no gene (no symbol, Gene ID or synonym: A0A023HHK9) and a row
    whose symbol is "-" label their protein by its UniProt accession, which papers do not
    write: the claim says it has no name to look for, and no paper is flagged no_mention
    for missing it; a page without a symbol but with a Gene ID is looked for by NCBI
    Gene's names, as its statements are."""
    papers = resolved(record("30", "RUNX2 targets in bone."), record("31", "Runx2 again."))
    page = Subject(uniprot="A0A023HHK9")
    claim = edge(cite("30"), cite("31"), regulator="A0A023HHK9", target="RUNX2")
    verdict = audit_claim(claim, papers, subject=page)
    assert verdict.grade is Grade.B
    assert verdict.grade_reason.endswith("A0A023HHK9 has no name to look for")
    assert not [f for c in verdict.citations for f in c.flags if f.name == "no_mention"]
    row = Partner("-", "A0A087WUJ7", ())
    claim = edge(cite("30"), cite("31"), regulator="A0A087WUJ7", target="RUNX2", partner=row)
    verdict = audit_claim(claim, papers, subject=Subject(symbol="RUNX2"))
    assert verdict.grade_reason.endswith("A0A087WUJ7 has no name to look for")
    assert not [f for c in verdict.citations for f in c.flags if f.name == "no_mention"]
    genes = found(GeneRecord("117581", "TWIST2"))
    page = Subject(uniprot="Q8WVJ9", gene_id="117581")
    naming = resolved(record("30", "RUNX2 and TWIST2 in bone."), record("31", "Runx2."))
    claim = edge(cite("30"), cite("31"), regulator="RUNX2", target="Q8WVJ9")
    verdict = audit_claim(claim, naming, subject=page, genes=genes)
    assert verdict.grade is Grade.A, verdict.grade_reason


def test_a_reference_without_pmid_or_doi_is_named_by_its_number() -> None:
    """A Harmonizome reference giving neither PMID nor DOI is named in the reason by what
    a reader can find on the page, its reference number, and two such references are
    two, not one "invalid:"."""
    verdict = audit_claim(statement(Citation(ref="12", title="Twist2."), Citation(ref="14")))
    assert verdict.grade is Grade.D
    assert verdict.grade_reason == (
        "D: no usable paper — 2 malformed identifiers (reference 12; reference 14)"
    )


def test_a_pmid_the_documents_doi_and_title_both_contradict_is_no_primary_paper() -> None:
    """A citation whose DOI and title both differ from PubMed's for its PMID names another
    paper than PubMed's (a mistyped PMID, most likely): unverifiable, C not B, and the
    reason says why.  One mismatch alone (a preprint's DOI, a retitled paper) still counts."""
    paper = record("14", "TWIST2 in Drosophila mesoderm.", doi="10.1/y")
    both = cite("14", doi="10.1/x", title="SOX9 in cartilage")
    verdict = audit_claim(statement(both), resolved(paper))
    assert {"doi_mismatch", "title_mismatch"} <= set(flag_names(verdict.citations[0]))
    assert verdict.grade is Grade.C
    assert verdict.grade_reason == (
        "C: no primary paper — 1 PMID the document's DOI and title contradict (14)"
    )
    for one in (cite("14", doi="10.1/x"), cite("14", title="SOX9 in cartilage")):
        assert audit_claim(statement(one), resolved(paper)).grade is Grade.B


def test_an_article_and_its_republished_version_are_one_paper() -> None:
    """An article PubMed links to its corrected and republished version is one study with
    it: cited together they are one primary paper, in the grade and in its reason."""
    original = record(
        "114",
        "RUNX2 and TWIST1.",
        relations=(Relation("CorrectedandRepublishedIn", "115", "J X. 2020"),),
    )
    republished = record(
        "115",
        "RUNX2 and TWIST1, corrected.",
        relations=(Relation("CorrectedandRepublishedFrom", "114", "J X. 2019"),),
    )
    both = edge(cite("114"), cite("115"))
    verdict = audit_claim(both, resolved(original, republished))
    assert verdict.grade is Grade.B
    assert verdict.grade_reason == "B: 1 primary paper (PMID 114), A needs 2"
    other = record("130", "RUNX2 and TWIST1 again.")
    three = edge(cite("115"), cite("114"), cite("130"))
    verdict = audit_claim(three, resolved(original, republished, other))
    assert verdict.grade is Grade.A
    assert verdict.grade_reason.startswith("A: 2 primary papers (PMID 115, 130)")
