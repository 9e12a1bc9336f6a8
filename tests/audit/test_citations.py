"""Citation flags: resource papers, retractions, notices, mismatches and resolution outcomes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from enrich.audit import (
    AuditSettings,
    CorpusStats,
    audit_document,
    corpus_stats,
)
from enrich.model import (
    Citation,
    CitationVerdict,
    Document,
    Grade,
    Relation,
    Resolution,
    Status,
    Style,
    Subject,
)
from tests.audit.helpers import (
    DATABASE_PMIDS,
    NO_STATS,
    audit_claim,
    cite,
    claim_by_id,
    database_records,
    edge,
    flag_names,
    reason,
    record,
    resolved,
    statement,
    twist1,
)

# --- resource papers -----------------------------------------------------------------------


def test_twist1_database_papers_are_flagged_resource_from_the_registry() -> None:
    """On TWIST1, every TRRUST/ReMap/GTRD/DoRothEA citation is flagged resource by the registry."""
    audited = audit_document(twist1(), database_records(), NO_STATS, AuditSettings())
    seen = set()
    for verdict in (v for claim in audited.claims for v in claim.citations):
        if verdict.citation.pmid in DATABASE_PMIDS:
            name = DATABASE_PMIDS[verdict.citation.pmid]
            pmid = verdict.citation.pmid
            assert reason(verdict, "resource").startswith(
                f'{name} database paper (PMID {pmid}, "{name} paper."); '
                "source: https://tflink.net/faq/ (TFLink cites it on every "
            )
            assert "no_mention" not in flag_names(verdict)
            seen.add(verdict.citation.pmid)
    assert seen == set(DATABASE_PMIDS)


def test_reasons_cite_what_a_user_can_check_never_internal_notes() -> None:
    """Registry reasons give the paper's PMID and title (or the registry's citation where
    PubMed has none) and a URL; no reason of the TWIST1 page mentions FACTS.md or a cache."""
    missing = {"pmid:29126285": Resolution("pmid:29126285", Status.NOT_FOUND, reason="gone")}
    audited = audit_document(twist1(), database_records() | missing, NO_STATS, AuditSettings())
    remap = next(c for c in audited.claims[0].citations if c.citation.pmid == "29126285")
    assert reason(remap, "resource") == (
        "ReMap 2018 database paper (PMID 29126285; Chèneby J et al. Nucleic Acids Res "
        "2018;46(D1):D267-D275); source: https://tflink.net/faq/ (TFLink cites it on every "
        "ReMap row)"
    )
    reasons = [f.reason for claim in audited.claims for c in claim.citations for f in c.flags]
    assert reasons and not [r for r in reasons if "FACTS" in r or "cache" in r]


def test_edges_citing_only_resource_papers_are_graded_c_and_resource_only() -> None:
    """An edge whose citations are all database papers is resource_only and graded C."""
    verdict = audit_claim(edge(cite("29087512"), cite("29126285")), database_records())
    assert verdict.grade is Grade.C
    assert reason(verdict, "resource_only") == (
        "every citation is a database/resource paper (PMID 29087512, PMID 29126285)"
    )


def test_corpus_share_flags_trrust_with_an_empty_registry() -> None:
    """With no registry, a resolved 29087512 is still a resource: it is cited by 47 of TWIST1's
    48 edges."""
    document = twist1()
    stats = corpus_stats([document])
    assert (stats.edges, stats.edges_citing["pmid:29087512"]) == (48, 47)
    audited = audit_document(document, database_records(), stats, AuditSettings(resources=()))
    trrust = next(v for v in audited.claims[0].citations if v.citation.pmid == "29087512")
    assert reason(trrust, "resource") == (
        'cited by 47 of 48 edges in this run (98%): PMID 29087512, "TRRUST v2 paper."'
    )


def test_corpus_share_needs_a_record_that_does_not_name_the_documents_gene() -> None:
    """A paper cited by 15 of 48 edges is a resource once PubMed's record shows it is about
    something else; never while it has no record (unresolved, not found), and not when the
    record names TWIST1."""
    document, stats = twist1(), corpus_stats([twist1()])
    settings = AuditSettings(resources=())

    def targets_1(resolutions: dict[str, Resolution]) -> CitationVerdict:
        audited = audit_document(document, resolutions, stats, settings)
        return claim_by_id(audited, "targets-1").citations[0]

    other = resolved(record("19051271", "Regulatory regions of the human genome."))
    assert reason(targets_1(other), "resource") == (
        'cited by 15 of 48 edges in this run (31%): PMID 19051271, "Regulatory regions of '
        'the human genome."'
    )
    missing = {"pmid:19051271": Resolution("pmid:19051271", Status.NOT_FOUND, reason="none")}
    for resolutions in ({}, missing):
        assert "resource" not in flag_names(targets_1(resolutions))
    about = resolved(record("19051271", "Twist1 targets in breast cancer cells."))
    assert "resource" not in flag_names(targets_1(about))


def test_corpus_share_needs_both_the_share_and_the_minimum_edge_count() -> None:
    """Below resource_min_edges or below resource_share, a frequent citation is not a resource."""
    claim = edge(cite("1"))
    for stats in (CorpusStats(12, {"pmid:1": 9}), CorpusStats(100, {"pmid:1": 24})):
        document = Document("t.md", Style.TFLINK, Subject(symbol="TWIST1"), (claim,))
        audited = audit_document(document, {}, stats, AuditSettings(resources=()))
        assert "resource" not in flag_names(audited.claims[0].citations[0])


def test_resource_style_title_is_flagged_and_says_which_word() -> None:
    """A PubMed title such as "…: a database of …" makes the paper a resource paper."""
    rec = record("5", "XYZdb: a Database of regulatory interactions.")
    verdict = audit_claim(edge(cite("5")), resolved(rec), AuditSettings(resources=()))
    assert reason(verdict.citations[0], "resource") == (
        "PubMed's title reads like a resource paper's ('Database'): "
        '"XYZdb: a Database of regulatory interactions."'
    )


def test_registry_matches_by_doi_case_insensitively() -> None:
    """A citation known only by DOI is matched to the registry whatever the DOI's case."""
    citation = Citation(doi="10.1093/NAR/GKW951")
    verdict = audit_claim(edge(citation))
    assert reason(verdict.citations[0], "resource").startswith("GTRD database paper")


# --- retractions and notices ---------------------------------------------------------------


def test_retracted_sole_primary_paper_downgrades_the_claim_from_b_to_d() -> None:
    """Retraction removes the only primary paper: B becomes D and the reason names the notice."""
    claim = statement(cite("11"))
    paper = record("11", "TWIST2 in skin.")
    assert audit_claim(claim, resolved(paper)).grade is Grade.B
    notice = Relation("RetractionIn", "20137807", "Cell. 2010")
    verdict = audit_claim(claim, resolved(replace(paper, relations=(notice,))))
    assert verdict.grade is Grade.D
    assert reason(verdict.citations[0], "retracted") == "retracted: RetractionIn PMID 20137807"


def test_retracted_publication_type_alone_is_enough() -> None:
    """The publication type "Retracted Publication" flags the paper even with no link."""
    paper = record("11", "TWIST2.", publication_types=("Retracted Publication",))
    verdict = audit_claim(statement(cite("11")), resolved(paper))
    assert "Retracted Publication" in reason(verdict.citations[0], "retracted")


@pytest.mark.parametrize(
    ("ref_type", "grade", "flag"),
    [
        ("RetractedandRepublishedIn", Grade.D, "retracted"),
        ("CorrectedandRepublishedIn", Grade.B, "erratum"),
    ],
)
def test_a_paper_republished_is_retracted_or_corrected_by_that_link_alone(
    ref_type: str, grade: Grade, flag: str
) -> None:
    """A RetractedandRepublishedIn link alone makes the cited version retracted, not primary
    (the claim it alone backs is D); a CorrectedandRepublishedIn one is a correction, flagged
    like an erratum with the grade kept.  Each reason names the new version."""
    paper = record(
        "11", "TWIST2 in skin.", relations=(Relation(ref_type, "29100001", "J X. 2018"),)
    )
    verdict = audit_claim(statement(cite("11")), resolved(paper))
    assert verdict.grade is grade
    assert reason(verdict.citations[0], flag) == f"{flag}: {ref_type} PMID 29100001"


def test_retraction_notice_erratum_and_expression_of_concern_are_flagged() -> None:
    """A cited retraction notice is not primary; errata and concerns are reported, not demoted."""
    notice = record("12", "Retraction.", relations=(Relation("RetractionOf", "11", ""),))
    verdict = audit_claim(statement(cite("12")), resolved(notice))
    assert reason(verdict.citations[0], "retraction_notice") == (
        "a retraction notice, not a paper: RetractionOf PMID 11"
    )
    assert verdict.grade is Grade.D
    relations = (
        Relation("ErratumIn", "33795376", "Genome Res. 2021"),
        Relation("ExpressionOfConcernIn", None, "J X. 2020"),
    )
    paper = record("13", "TWIST2 binds.", relations=relations)
    verdict = audit_claim(statement(cite("13")), resolved(paper))
    assert reason(verdict.citations[0], "erratum") == "erratum: ErratumIn PMID 33795376"
    assert reason(verdict.citations[0], "expression_of_concern") == (
        "expression of concern: ExpressionOfConcernIn J X. 2020"
    )
    assert verdict.grade is Grade.B


def test_a_partial_retraction_is_flagged_and_no_primary_paper() -> None:
    """A paper PubMed links to a partial retraction (PartialRetractionIn) is flagged, naming
    the notice, and is no primary paper (which part was retracted enrich cannot tell): with
    it alone the claim is C (unverifiable, not worthless), beside one sound paper it is B."""
    relations = (Relation("PartialRetractionIn", "29100002", "J X. 2019"),)
    partial = record("15", "TWIST2 binds.", relations=relations)
    alone = audit_claim(statement(cite("15")), resolved(partial))
    assert reason(alone.citations[0], "partial_retraction") == (
        "partially retracted: PartialRetractionIn PMID 29100002"
    )
    assert "retracted" not in flag_names(alone.citations[0])
    assert alone.grade is Grade.C
    assert alone.grade_reason == "C: no primary paper — 1 partially retracted paper (PMID 15)"
    sound = record("16", "TWIST2 binds too.")
    both = audit_claim(statement(cite("15"), cite("16")), resolved(partial, sound))
    assert both.grade is Grade.B


def test_a_partial_retraction_notice_is_a_retraction_notice() -> None:
    """The notice of a partial retraction (PartialRetractionOf) is a notice, not a paper."""
    notice = record(
        "17", "Partial retraction.", relations=(Relation("PartialRetractionOf", "15", ""),)
    )
    verdict = audit_claim(statement(cite("17")), resolved(notice))
    assert reason(verdict.citations[0], "retraction_notice") == (
        "a retraction notice, not a paper: PartialRetractionOf PMID 15"
    )
    assert verdict.grade is Grade.D


def test_an_update_is_reported_not_demoted() -> None:
    """A paper PubMed links to a newer version (UpdateIn) is flagged ``updated``, naming the
    new version, and keeps its worth: as an erratum, it is news for the curator, no fault."""
    paper = record(
        "18", "TWIST2 binds.", relations=(Relation("UpdateIn", "29100003", "J X. 2020"),)
    )
    verdict = audit_claim(statement(cite("18")), resolved(paper))
    assert reason(verdict.citations[0], "updated") == "updated: UpdateIn PMID 29100003"
    assert verdict.grade is Grade.B


def test_a_preprint_is_flagged_and_no_primary_paper() -> None:
    """A record PubMed types ``Preprint`` is not peer reviewed: flagged, and counted as
    unverified evidence (C), never as a primary paper (B or A)."""
    preprint = record("19", "TWIST2 binds.", publication_types=("Preprint",))
    verdict = audit_claim(statement(cite("19")), resolved(preprint))
    assert reason(verdict.citations[0], "preprint") == (
        "PubMed publication type Preprint: not peer reviewed"
    )
    assert verdict.grade is Grade.C
    assert verdict.grade_reason == "C: no primary paper — 1 preprint (PMID 19)"


# --- the document against PubMed -----------------------------------------------------------


def test_doi_mismatch_is_caught_but_not_for_case() -> None:
    """A different DOI is flagged with both values; the same DOI in another case is not."""
    paper = record("14", "TWIST2.", doi="10.1/y")
    verdict = audit_claim(statement(cite("14", doi="10.1/x")), resolved(paper))
    assert (
        reason(verdict.citations[0], "doi_mismatch") == "document DOI 10.1/x but PubMed has 10.1/y"
    )
    paper = record("14", "TWIST2.", doi="10.1016/J.CCR.2008.06.005")
    same = audit_claim(statement(cite("14", doi="10.1016/j.ccr.2008.06.005")), resolved(paper))
    assert "doi_mismatch" not in flag_names(same.citations[0])


@pytest.mark.parametrize(
    "written",
    [
        "twist2 in <i>Drosophila</i> mesoderm",
        "TWIST2 in drosophila mesoderm.",
        "TWIST-2 in Drosophila mesoderm!",
        "TWIST2 in Drosóphila  mesoderm",
    ],
)
def test_title_mismatch_ignores_case_markup_punctuation_and_accents(written: str) -> None:
    """Titles equal after NFKD, case folding and dropping markup/punctuation are not flagged."""
    paper = record("15", "TWIST2 in Drosophila mesoderm.")
    verdict = audit_claim(statement(cite("15", title=written)), resolved(paper))
    assert "title_mismatch" not in flag_names(verdict.citations[0])


def test_title_mismatch_is_caught_with_both_titles() -> None:
    """A different title is flagged, quoting the document's and PubMed's."""
    paper = record("15", "TWIST2 in Drosophila mesoderm.")
    verdict = audit_claim(statement(cite("15", title="TWIST1 in mouse")), resolved(paper))
    assert reason(verdict.citations[0], "title_mismatch") == (
        'document title "TWIST1 in mouse" but PubMed has "TWIST2 in Drosophila mesoderm."'
    )


# --- resolution outcomes -------------------------------------------------------------------


def test_unresolved_not_found_not_in_pubmed_and_invalid_flags_carry_reasons() -> None:
    """Each unusable resolution gets its flag, with the resolver's reason or a default one."""
    resolutions = {
        "pmid:2": Resolution("pmid:2", Status.NOT_FOUND),
        "pmid:3": Resolution("pmid:3", Status.UNRESOLVED, reason="HTTP 503 after 3 tries"),
        "doi:10.1/q": Resolution("doi:10.1/q", Status.NOT_IN_PUBMED),
    }
    citations = (
        cite("1"),
        cite("2"),
        cite("3"),
        Citation(doi="10.1/Q"),
        Citation(pmid="12a", invalid=("pmid",)),
    )
    verdict = audit_claim(edge(*citations), resolutions)
    got = [(f.name, f.reason) for v in verdict.citations for f in v.flags]
    assert got == [
        ("unresolved", "not resolved"),
        ("not_found", "PubMed has no record for PMID 2"),
        ("unresolved", "HTTP 503 after 3 tries"),
        ("not_in_pubmed", "DOI 10.1/Q is not in PubMed"),
        ("invalid", "malformed PMID '12a'"),
    ]
    assert verdict.citations[4].resolution.status is Status.INVALID
    assert verdict.grade is Grade.C  # unresolved and not-in-PubMed ones are unverifiable


def test_a_malformed_identifier_is_named_whatever_the_resolver_said() -> None:
    """The resolver answers every ``invalid:`` key with a generic "malformed identifier";
    the flag names what the document wrote instead (README's ``malformed PMID '12x'``)."""
    resolutions = {
        "invalid:12x": Resolution("invalid:12x", Status.INVALID, reason="malformed identifier")
    }
    verdict = audit_claim(edge(Citation(pmid="12x", invalid=("pmid",))), resolutions)
    assert reason(verdict.citations[0], "invalid") == "malformed PMID '12x'"
    assert verdict.citations[0].resolution.reason == "malformed PMID '12x'"


def test_malformed_doi_beside_a_good_pmid_is_reported_but_the_pmid_counts() -> None:
    """A citation with a valid PMID and a malformed DOI is audited by PMID and flagged invalid."""
    citation = Citation(pmid="22", doi="10.x", invalid=("doi",))
    verdict = audit_claim(statement(citation), resolved(record("22", "TWIST2.")))
    assert reason(verdict.citations[0], "invalid") == "malformed DOI '10.x'; audited by pmid:22"
    assert verdict.grade is Grade.B


def test_a_doi_pubmed_gives_for_the_record_is_no_mismatch() -> None:
    """The document's DOI matches when it is any of the record's own DOIs (an ELocationID
    besides ArticleIdList's), compared as documents' DOIs are normalised (PubMed's DOI
    ending in a dot that the document's lost); a DOI that is none of them is flagged,
    naming them all."""
    paper = record("14", "TWIST2.", doi="10.1/listed", other_dois=("10.1/located",))
    same = audit_claim(statement(cite("14", doi="10.1/LOCATED")), resolved(paper))
    assert "doi_mismatch" not in flag_names(same.citations[0])
    dotted = record("14", "TWIST2.", doi="10.1/x.")
    same = audit_claim(statement(cite("14", doi="10.1/x")), resolved(dotted))
    assert "doi_mismatch" not in flag_names(same.citations[0])
    other = audit_claim(statement(cite("14", doi="10.1/other")), resolved(paper))
    assert reason(other.citations[0], "doi_mismatch") == (
        "document DOI 10.1/other but PubMed has 10.1/listed or 10.1/located"
    )


@pytest.mark.parametrize("ref_type", ["ErratumFor", "ExpressionOfConcernFor"])
def test_a_notice_pubmed_links_to_its_paper_reports_no_research_whatever_its_types(
    ref_type: str,
) -> None:
    """An erratum or expression of concern is a notice by its link to the paper it is about
    (the DTD's ErratumFor, ExpressionOfConcernFor), also when its publication types do not
    say so yet: not_research, naming the paper, and no primary paper (B becomes C)."""
    notice = record("14", "TWIST2 binds.", relations=(Relation(ref_type, "13", "J X. 2020"),))
    verdict = audit_claim(statement(cite("14")), resolved(notice))
    assert reason(verdict.citations[0], "not_research") == (
        f"a notice about another paper, reports no research: {ref_type} PMID 13"
    )
    assert verdict.grade is Grade.C
