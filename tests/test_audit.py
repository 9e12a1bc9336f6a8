"""The audit: citation flags, claim flags, grades and the validation of its settings.

Every PaperRecord and Resolution here is synthetic, built by hand to exercise one
rule; the documents are the project's examples read with ``read_document``.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from functools import cache
from typing import Any

import pytest

from enrich.audit import (
    AuditSettings,
    CorpusStats,
    _memo,
    audit_document,
    corpus_stats,
    summarize,
)
from enrich.errors import ConfigError
from enrich.extract import read_document
from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    Claim,
    ClaimKind,
    ClaimVerdict,
    Document,
    Grade,
    PaperRecord,
    Relation,
    Resolution,
    Status,
    Style,
    Subject,
)
from tests.conftest import TWIST1, TWIST2

NO_STATS = CorpusStats(0, {})
DATABASE_PMIDS = {"29087512": "TRRUST v2", "29126285": "ReMap 2018", "27924024": "GTRD"}
DATABASE_PMIDS["31340985"] = "DoRothEA"


# --- helpers: synthetic records and small documents ---------------------------------------


def record(pmid: str, title: str = "A study.", abstract: str = "", **fields: Any) -> PaperRecord:
    """A synthetic PubMed record (not fetched from anywhere)."""
    return PaperRecord(pmid=pmid, title=title, abstract=abstract, **fields)


def resolved(*records: PaperRecord) -> dict[str, Resolution]:
    """Resolutions keyed as the pipeline keys them, one RESOLVED entry per record."""
    return {f"pmid:{r.pmid}": Resolution(f"pmid:{r.pmid}", Status.RESOLVED, r) for r in records}


def cite(pmid: str, **fields: Any) -> Citation:
    return Citation(pmid=pmid, **fields)


def edge(*citations: Citation, **fields: Any) -> Claim:
    base: dict[str, Any] = {"regulator": "RUNX2", "target": "TWIST1", "sources": ("A", "B")}
    return Claim("e1", ClaimKind.EDGE, "tfs row 1", citations, **{**base, **fields})


def statement(*citations: Citation) -> Claim:
    return Claim("s1", ClaimKind.STATEMENT, "Summary paragraph 1", citations, text="TWIST2 …")


def audit_claim(
    claim: Claim,
    resolutions: dict[str, Resolution] | None = None,
    settings: AuditSettings | None = None,
    subject: Subject | None = None,
) -> ClaimVerdict:
    """Audit a one-claim document (no corpus statistics) and return its verdict."""
    if subject is None:
        subject = Subject(symbol="TWIST2", synonyms=("FFDD3", "DERMO1"))
        if claim.kind is ClaimKind.EDGE:
            subject = Subject(symbol="TWIST1")
    document = Document("t.md", Style.TFLINK, subject, (claim,))
    settings = settings or AuditSettings()
    return audit_document(document, resolutions or {}, NO_STATS, settings).claims[0]


def flag_names(verdict: CitationVerdict | ClaimVerdict) -> list[str]:
    return [flag.name for flag in verdict.flags]


def reason(verdict: CitationVerdict | ClaimVerdict, name: str) -> str:
    return next(flag.reason for flag in verdict.flags if flag.name == name)


@cache
def twist1() -> Document:
    return read_document(TWIST1)


@cache
def twist2() -> Document:
    return read_document(TWIST2)


def database_records() -> dict[str, Resolution]:
    """The four database papers as resolved records, with titles that carry no resource word."""
    return resolved(*(record(pmid, f"{name} paper.") for pmid, name in DATABASE_PMIDS.items()))


def claim_by_id(audited: AuditedDocument, claim_id: str) -> ClaimVerdict:
    return next(c for c in audited.claims if c.claim.id == claim_id)


# --- resource papers ----------------------------------------------------------------------


def test_twist1_database_papers_are_flagged_resource_from_the_registry() -> None:
    """On TWIST1, every TRRUST/ReMap/GTRD/DoRothEA citation is flagged resource by the registry."""
    audited = audit_document(twist1(), database_records(), NO_STATS, AuditSettings())
    seen = set()
    for verdict in (v for claim in audited.claims for v in claim.citations):
        if verdict.citation.pmid in DATABASE_PMIDS:
            name = DATABASE_PMIDS[verdict.citation.pmid]
            assert reason(verdict, "resource").startswith(f"{name} database paper (registry: ")
            assert "no_mention" not in flag_names(verdict)
            seen.add(verdict.citation.pmid)
    assert seen == set(DATABASE_PMIDS)


def test_edges_citing_only_resource_papers_are_graded_c_and_resource_only() -> None:
    """An edge whose citations are all database papers is resource_only and graded C."""
    verdict = audit_claim(edge(cite("29087512"), cite("29126285")), database_records())
    assert verdict.grade is Grade.C
    assert reason(verdict, "resource_only") == (
        "every citation is a database/resource paper (PMID 29087512, PMID 29126285)"
    )


def test_corpus_share_flags_trrust_with_an_empty_registry() -> None:
    """With no registry, 29087512 is still a resource: it is cited by 47 of TWIST1's 48 edges."""
    document = twist1()
    stats = corpus_stats([document])
    assert (stats.edges, stats.edges_citing["pmid:29087512"]) == (48, 47)
    audited = audit_document(document, {}, stats, AuditSettings(resources=()))
    trrust = next(v for v in audited.claims[0].citations if v.citation.pmid == "29087512")
    assert reason(trrust, "resource") == "cited by 47 of 48 edges in this run (98%)"


def test_corpus_share_spares_a_resolved_paper_about_the_documents_gene() -> None:
    """A paper cited by 15 of 48 edges is a resource while unverified, not once it names TWIST1."""
    document, stats = twist1(), corpus_stats([twist1()])
    settings = AuditSettings(resources=())
    unresolved = claim_by_id(audit_document(document, {}, stats, settings), "targets-1")
    assert (
        reason(unresolved.citations[0], "resource") == "cited by 15 of 48 edges in this run (31%)"
    )
    about = resolved(record("19051271", "Twist1 targets in breast cancer cells."))
    audited = claim_by_id(audit_document(document, about, stats, settings), "targets-1")
    assert "resource" not in flag_names(audited.citations[0])


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
        "PubMed title reads like a resource paper ('Database')"
    )


def test_registry_matches_by_doi_case_insensitively() -> None:
    """A citation known only by DOI is matched to the registry whatever the DOI's case."""
    citation = Citation(doi="10.1093/NAR/GKW951")
    verdict = audit_claim(edge(citation))
    assert reason(verdict.citations[0], "resource").startswith("GTRD database paper")


# --- retractions and notices --------------------------------------------------------------


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


# --- the document against PubMed ----------------------------------------------------------


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


# --- does the paper name the genes --------------------------------------------------------


def test_twist2_reference_1_names_neither_twist2_nor_a_synonym() -> None:
    """Ref 1 ("Induction of EMT by twist proteins…", no abstract) is flagged no_mention."""
    document = twist2()
    title = (
        "Induction of EMT by twist proteins as a collateral effect of tumor-promoting "
        "inactivation of premature senescence."
    )
    paper = record("18598946", title, doi="10.1016/j.ccr.2008.06.005")
    audited = audit_document(document, resolved(paper), NO_STATS, AuditSettings())
    ref1 = audited.claims[0].citations[0]
    assert ref1.citation.ref == "1"
    assert reason(ref1, "no_mention") == (
        "neither TWIST2 nor a synonym (FFDD3, BBRSAY, AMS, …) in title or abstract "
        "(title only; no abstract)"
    )
    assert audited.claims[0].grade is Grade.B  # one primary paper, which misses the gene


@pytest.mark.parametrize(
    "text", ["Twist-2 represses", "the Dermo-1 protein", "TWIST 2 and", "dermo1/twist2"]
)
def test_a_synonym_or_a_hyphenated_symbol_counts_as_a_mention(text: str) -> None:
    """Names match case-insensitively, on word boundaries, with "-" or " " before the digits."""
    paper = record("16", "A study.", abstract=f"We show that {text} cells.")
    verdict = audit_claim(statement(cite("16")), resolved(paper))
    assert "no_mention" not in flag_names(verdict.citations[0])


def test_a_longer_word_containing_the_symbol_is_not_a_mention() -> None:
    """TWIST21 and pTWIST2 do not mention TWIST2; names under three characters are ignored."""
    paper = record("17", "TWIST21 and pTWIST2.", abstract="Something else.")
    subject = Subject(symbol="TWIST2", synonyms=("T2", "-"))
    verdict = audit_claim(statement(cite("17")), resolved(paper), subject=subject)
    assert reason(verdict.citations[0], "no_mention") == "TWIST2 not in title or abstract"


def test_edge_no_mention_says_which_partner_is_missing() -> None:
    """For an edge, the reason names the partner mentioned and the one that is not."""
    one = record("18", "RUNX2 drives bone.", abstract="RUNX2 is needed.")
    none = record("19", "Bone.", abstract="Nothing here.")
    verdict = audit_claim(edge(cite("18"), cite("19")), resolved(one, none))
    assert reason(verdict.citations[0], "no_mention") == (
        "title and abstract mention RUNX2 but not TWIST1"
    )
    assert reason(verdict.citations[1], "no_mention") == (
        "neither RUNX2 nor TWIST1 in title or abstract"
    )


def test_loose_citations_get_citation_flags_but_no_mention_check() -> None:
    """A citation not attached to a claim is audited for status and retraction, not mentions."""
    paper = record("20", "Unrelated.", publication_types=("Retracted Publication",))
    document = Document("t.md", Style.TEXT, Subject(symbol="TWIST1"), (), (cite("20"), cite("21")))
    audited = audit_document(document, resolved(paper), NO_STATS, AuditSettings())
    assert [flag_names(v) for v in audited.citations] == [["retracted"], ["unresolved"]]


# --- resolution outcomes ------------------------------------------------------------------


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


def test_malformed_doi_beside_a_good_pmid_is_reported_but_the_pmid_counts() -> None:
    """A citation with a valid PMID and a malformed DOI is audited by PMID and flagged invalid."""
    citation = Citation(pmid="22", doi="10.x", invalid=("doi",))
    verdict = audit_claim(statement(citation), resolved(record("22", "TWIST2.")))
    assert reason(verdict.citations[0], "invalid") == "malformed DOI '10.x'; audited by pmid:22"
    assert verdict.grade is Grade.B


# --- grades -------------------------------------------------------------------------------


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


# --- claim flags --------------------------------------------------------------------------


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


# --- one run, many documents ------------------------------------------------------------


def test_a_paper_cited_by_two_documents_is_checked_against_each_documents_gene() -> None:
    """The same citation in documents about two genes gets no_mention for the one it misses."""
    resolutions = resolved(record("40", "TWIST1 drives EMT.", abstract="TWIST1 binds E-boxes."))
    settings = AuditSettings()  # one run: what was learnt from the first document is reused
    claim = statement(cite("40"))
    twist = Document("a.md", Style.HARMONIZOME, Subject(symbol="TWIST1"), (claim,))
    slug = Document("b.md", Style.HARMONIZOME, Subject("SNAI2", synonyms=("SLUG",)), (claim,))
    first, other, again = (
        audit_document(document, resolutions, NO_STATS, settings).claims[0]
        for document in (twist, slug, twist)
    )
    assert "no_mention" not in flag_names(first.citations[0])
    assert reason(other.citations[0], "no_mention") == (
        "neither SNAI2 nor a synonym (SLUG) in title or abstract"
    )
    assert again == first


def test_an_edge_cited_from_both_partners_pages_names_the_partner_each_misses() -> None:
    """One paper cited for RUNX2 -> TWIST1 on both genes' pages: each page's synonyms count."""
    resolutions = resolved(record("41", "Dermo-1 in bone.", abstract="RUNX2 is needed."))
    settings = AuditSettings()
    claim = edge(cite("41"))
    twist1 = Subject(symbol="TWIST1", synonyms=("DERMO1",))
    runx2 = Subject(symbol="RUNX2", synonyms=("CBFA1",))
    on_twist1, on_runx2 = (
        audit_document(
            Document("t.md", Style.TFLINK, subject, (claim,)), resolutions, NO_STATS, settings
        )
        for subject in (twist1, runx2)
    )
    assert "no_mention" not in flag_names(on_twist1.claims[0].citations[0])
    assert reason(on_runx2.claims[0].citations[0], "no_mention") == (
        "title and abstract mention RUNX2 but not TWIST1"
    )


def test_corpus_share_is_decided_for_each_documents_gene_and_each_runs_statistics() -> None:
    """A much-cited paper is a resource on other genes' pages, not on its own gene's page."""
    resolutions = resolved(record("42", "RUNX2 in bone."))
    settings = AuditSettings(resources=())

    def resource(symbol: str, stats: CorpusStats) -> str | None:
        document = Document("t.md", Style.TFLINK, Subject(symbol=symbol), (edge(cite("42")),))
        verdict = audit_document(document, resolutions, stats, settings).claims[0].citations[0]
        return next((flag.reason for flag in verdict.flags if flag.name == "resource"), None)

    busy = CorpusStats(10, {"pmid:42": 10})
    assert resource("RUNX2", busy) is None
    assert resource("TWIST1", busy) == "cited by 10 of 10 edges in this run (100%)"
    assert resource("TWIST1", CorpusStats(100, {"pmid:42": 10})) is None
    assert resource("TWIST1", CorpusStats(20, {"pmid:42": 10})) == (
        "cited by 10 of 20 edges in this run (50%)"
    )
    assert resource("RUNX2", busy) is None


def test_new_settings_or_a_changed_resolution_are_never_answered_from_memory() -> None:
    """Another settings object, or a key resolved since the last document, gives fresh verdicts."""
    document = Document("t.md", Style.TFLINK, Subject(symbol="TWIST1"), (edge(cite("29087512")),))
    resolutions = database_records()
    registry = audit_document(document, resolutions, NO_STATS, AuditSettings())
    bare = audit_document(document, resolutions, NO_STATS, AuditSettings(resources=()))
    assert "resource" in flag_names(registry.claims[0].citations[0])
    assert "resource" not in flag_names(bare.claims[0].citations[0])

    settings = AuditSettings(resources=(), primary_for_a=1)
    growing: dict[str, Resolution] = {}
    before = audit_document(document, growing, NO_STATS, settings).claims[0]
    growing.update(resolved(record("29087512", "RUNX2 and TWIST1.")))
    after = audit_document(document, growing, NO_STATS, settings).claims[0]
    assert (flag_names(before.citations[0]), before.grade) == (["unresolved"], Grade.C)
    assert (flag_names(after.citations[0]), after.grade) == ([], Grade.A)


def test_a_full_memory_is_emptied_and_the_verdicts_stay_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With room for two papers only, auditing TWIST1 twice gives the usual verdicts."""
    stats = corpus_stats([twist1()])
    expected = audit_document(twist1(), database_records(), stats, AuditSettings())
    monkeypatch.setattr(_memo, "_MAX_ENTRIES", 2)
    settings = AuditSettings()
    got = [audit_document(twist1(), database_records(), stats, settings) for _ in range(2)]
    assert got == [expected, expected]


def near_miss(rng: random.Random, name: str) -> str:
    """``name`` perhaps changed as a text may write it: case, a separator, a neighbour."""
    text = "".join(ch.swapcase() if rng.random() < 0.3 else ch for ch in name)
    if rng.random() < 0.1:
        text = text.replace("s", "\u017f")  # long s: the same letter to a case-insensitive match
    if rng.random() < 0.4:
        text = re.sub(r"[- ]?(?=\d+$)", rng.choice(["", "-", " ", "\t", "--", "_"]), text)
    filler = "aB1 -_.\u017f\u00e9\u212a" if rng.random() < 0.2 else "aB1 -_."
    before, after = ("".join(rng.choices(filler, k=rng.randint(0, 2))) for _ in range(2))
    return before + text + after


def test_gene_names_match_as_documented_on_random_texts() -> None:
    """A name is mentioned exactly where it matches case-insensitively as a whole word, with an
    optional hyphen or white space before its trailing digits (ASCII or not)."""
    rng = random.Random(20240611)
    settings = AuditSettings(resources=())
    mentioned = 0
    for number in range(1, 2001):
        letters = "aAbKs12 -" + ("\u017f" if number % 10 == 0 else "")  # sometimes not ASCII
        name = "".join(rng.choices(letters, k=rng.randint(3, 6)))
        text = " ".join(near_miss(rng, name) for _ in range(rng.randint(0, 2)))
        split = re.fullmatch(r"(.*[^\d\s-])[-\s]?(\d+)", name)
        body = rf"{re.escape(split[1])}[-\s]?{split[2]}" if split else re.escape(name)
        pattern = re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)
        claim = statement(cite(str(number)))
        document = Document("t.md", Style.HARMONIZOME, Subject(symbol=name), (claim,))
        paper = record(str(number), ".", abstract=text)
        verdict = audit_document(document, resolved(paper), NO_STATS, settings).claims[0]
        named = pattern.search(f".\n{text}") is not None
        assert ("no_mention" not in flag_names(verdict.citations[0])) is named, (name, text)
        mentioned += named
    assert 500 < mentioned < 1500  # both answers are well exercised


# --- settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"resource_share": "high"},
            "audit.resource_share must be a number between 0 and 1, got 'high'",
        ),
        ({"resource_share": 0}, "audit.resource_share must be a number between 0 and 1, got 0"),
        ({"resource_share": 1.5}, "audit.resource_share must be a number between 0 and 1"),
        ({"resource_share": True}, "audit.resource_share must be a number between 0 and 1"),
        ({"resource_min_edges": 0}, "audit.resource_min_edges must be a positive integer, got 0"),
        ({"resource_min_edges": 2.5}, "audit.resource_min_edges must be a positive integer"),
        ({"primary_for_a": "2"}, "audit.primary_for_a must be a positive integer, got '2'"),
        ({"primary_for_a": False}, "audit.primary_for_a must be a positive integer"),
        ({"high_throughput_methods": "ChIP-seq"}, "audit.high_throughput_methods must be a list"),
        ({"high_throughput_methods": ("ChIP-seq", 5)}, "audit.high_throughput_methods must be"),
    ],
)
def test_bad_audit_settings_raise_config_error_naming_the_setting(
    options: dict[str, Any], message: str
) -> None:
    """A threshold of the wrong kind or out of range is a one-line ConfigError naming it."""
    with pytest.raises(ConfigError) as info:
        AuditSettings(resources=(), **options)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_boundary_audit_settings_are_accepted() -> None:
    """A share of exactly 1 (an int too), one edge, one paper and no methods are all valid."""
    settings = AuditSettings(
        resources=(),
        resource_share=1,
        resource_min_edges=1,
        primary_for_a=1,
        high_throughput_methods=(),
    )
    assert (settings.resource_share, settings.primary_for_a) == (1, 1)
