"""What ``enrich audit`` lists: the claims asked for by grade and flag, those meeting
--fail-on first, in document order whatever order the documents arrive in, with readable
columns (SYNTHETIC audit results of the two examples)."""

from __future__ import annotations

import dataclasses
import io
import json
from collections import Counter
from pathlib import Path

from enrich.audit import AuditSettings, CorpusStats, audit_document
from enrich.figures import many
from enrich.model import (
    AuditedDocument,
    Citation,
    Claim,
    ClaimKind,
    Document,
    GeneLookup,
    GeneStatus,
    PaperRecord,
    Resolution,
    Status,
    Style,
    Subject,
)
from enrich.report.listing import AuditListing, GateOutcome, ListingOptions, describe_gate
from enrich.report.tables import AUDIT_COLUMNS
from tests.report.synthetic import twist1, twist2


def listed(
    options: ListingOptions, tmp_path: Path, docs: list[AuditedDocument]
) -> tuple[AuditListing, str]:
    """The listing of ``docs`` with ``options``, parts added last document first."""
    listing = AuditListing(options, tmp_path)
    parts = [listing.part(doc) for doc in docs]
    for number in reversed(range(len(docs))):
        listing.add(parts[number], number)
    out = io.StringIO()
    listing.write(out, {"summary": {"claims": 1}})
    return listing, out.getvalue()


def grades_of(doc: AuditedDocument) -> Counter[str]:
    return Counter(str(v.grade) for v in doc.claims)


def test_the_table_lists_c_and_d_by_default_with_unique_headings(tmp_path: Path) -> None:
    """By default the table lists the C and D claims, in document order, under headings
    that are all different."""
    docs = [twist1(), twist2()]
    listing, text = listed(ListingOptions(), tmp_path, docs)
    lines = text.splitlines()
    headings = [h.strip() for h in lines[0].split("  ") if h.strip()]
    assert headings == [
        "document",
        "claim id",
        "grade",
        "edge or statement",
        "flags",
        "why this grade",
    ]
    expected = sum(grades_of(d)["C"] + grades_of(d)["D"] for d in docs)
    assert listing.listed == expected == len(lines) - 1 > 0
    assert lines[1].startswith("tflink_protein_Q15672_TWIST1.md")  # the first document first


def test_grade_lists_only_that_grade(tmp_path: Path) -> None:
    """--grade C lists exactly the C claims; --grade A --grade B the A and B ones."""
    docs = [twist1(), twist2()]
    listing, text = listed(ListingOptions(grades=frozenset("C")), tmp_path, docs)
    rows = [line.split() for line in text.splitlines()[1:]]
    assert listing.listed == sum(grades_of(d)["C"] for d in docs) == len(rows) > 0
    assert {row[2] for row in rows} == {"C"}
    listing, _ = listed(ListingOptions(grades=frozenset("AB")), tmp_path, docs)
    assert listing.listed == sum(grades_of(d)["A"] + grades_of(d)["B"] for d in docs)


def test_flag_lists_claims_carrying_it_on_a_citation_and_never_cuts_flags(tmp_path: Path) -> None:
    """--flag retracted lists the claims citing the retracted paper; every flag of a row is
    shown whole, however many there are."""
    listing, text = listed(ListingOptions(flags=frozenset({"retracted"})), tmp_path, [twist1()])
    rows = text.splitlines()[1:]
    assert listing.listed == len(rows) == 1 and "tfs-5" in rows[0]
    flag_cell = rows[0].split("  ")
    assert any("retracted" in cell.split(", ") for cell in flag_cell)


def test_fail_on_claims_come_first_with_the_conditions_they_meet(tmp_path: Path) -> None:
    """With --fail-on the claims meeting a condition are listed first (whatever their grade),
    in a column saying which, then the others; the verdict names each condition tripped
    with its count."""
    options = ListingOptions(fail_on=frozenset({"retracted", "C", "D"}))
    listing, text = listed(options, tmp_path, [twist1(), twist2()])
    lines = text.splitlines()
    assert "fail-on met" in lines[0]
    tripped = [line for line in lines[1:] if "  -  " not in line]
    assert lines[1 : 1 + len(tripped)] == tripped and listing.tripped == len(tripped) > 0
    assert "tfs-5" in lines[1]  # retracted, graded B: listed first though not C or D
    verdict = describe_gate(options.fail_on, listing.met, listing.loose, listed_first=True).line
    assert verdict.startswith(
        f"fail-on: tripped by C ({many(listing.met['C'], 'claim')}), retracted (1 claim)"
    )
    assert verdict.endswith("those claims are listed first; not met: D")
    # C claims citing what was not looked up meet it only in doubt, and are counted apart
    in_doubt = [
        claim
        for doc in (twist1(), twist2())
        for claim in doc.claims
        if claim.grade == "C" and any(c.resolution.status == "unresolved" for c in claim.citations)
    ]
    assert listing.doubt == ({"C": len(in_doubt)} if in_doubt else {})


def test_machine_formats_list_every_claim_and_keep_filters(tmp_path: Path) -> None:
    """tsv and json list every claim by default, only the asked ones with --grade; json
    starts with what it is given (the summary) and parses."""
    docs = [twist1(), twist2()]
    _, tsv = listed(ListingOptions(fmt="tsv"), tmp_path, docs)
    lines = tsv.splitlines()
    assert lines[0].split("\t") == list(AUDIT_COLUMNS)
    assert len(lines) == 1 + sum(len(d.claims) for d in docs)
    _, text = listed(ListingOptions(fmt="json", grades=frozenset("A")), tmp_path, docs)
    data = json.loads(text)
    assert list(data) == ["summary", "documents"]
    assert [len(d["claims"]) for d in data["documents"]] == [grades_of(d)["A"] for d in docs]
    assert all(c["grade"] == "A" for d in data["documents"] for c in d["claims"])


def test_a_passed_gate_says_so() -> None:
    """A gate nothing meets says it passed, naming its conditions."""
    verdict = describe_gate(frozenset({"retracted", "D"}), Counter(), Counter(), True).line
    assert verdict == "fail-on: passed: no claim meets D or retracted"


def test_a_gate_with_unresolved_citations_is_not_passed() -> None:
    """Unresolved citations grade C and meet no flag: a gate nothing meets then says it
    could not decide, never that it passed."""
    verdict = describe_gate(frozenset({"retracted", "D"}), Counter(), Counter(), True, 7).line
    assert verdict.startswith("fail-on: not decided: no claim meets D or retracted, but 7")
    assert "passed" not in verdict


def test_the_scope_says_when_fail_on_adds_claims() -> None:
    """--grade D with --fail-on lists the claims meeting the gate too: the line says so."""
    options = ListingOptions(grades=frozenset("D"), fail_on=frozenset({"retracted"}))
    assert options.scope() == "claims graded D, and those meeting --fail-on"


def test_table_cells_never_carry_terminal_controls(tmp_path: Path) -> None:
    """An escape sequence or a bidi control in a document's text is shown escaped in the
    table, never sent to the terminal as is."""
    doc = twist2()
    first = doc.claims[0]
    claim = dataclasses.replace(first.claim, text="\x1b[2J\x1b[1;31merror: forged \u202e line")
    doc = dataclasses.replace(doc, claims=(dataclasses.replace(first, claim=claim),))
    _, text = listed(ListingOptions(show_all=True), tmp_path, [doc])
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[2J" in text


def test_a_grade_met_only_in_doubt_trips_nothing() -> None:
    """Claims whose grade may change once their citations are looked up meet a grade only in
    doubt: alone they leave the gate not decided; beside a tripped condition they are named
    as such, never as not met."""
    doubt = Counter({"C": 3})
    alone = describe_gate(frozenset({"C"}), Counter(), Counter(), True, 5, doubt=doubt).line
    assert alone.startswith("fail-on: not decided: C (3 claims) met only in doubt: 5 cited")
    beside = describe_gate(
        frozenset({"C", "D", "retracted"}),
        Counter({"retracted": 1}),
        Counter(),
        False,
        5,
        doubt=doubt,
    )
    assert beside.outcome is GateOutcome.TRIPPED
    assert beside.line == (
        "fail-on: tripped by retracted (1 claim); not decided: C (3 claims) met only in "
        "doubt; not met: D"
    )


def test_gene_names_not_had_leave_undecided_only_what_they_could_change() -> None:
    """Claims in doubt for gene names alone leave the gate not decided, naming the Gene IDs;
    so does a gate nothing meets when names could make a claim meet it (a B rises to A, a C
    to B, a gene with no name to look for gets some: ``no_mention``); a gate on D or C,
    which no name can make a claim meet, passes."""
    doubt = Counter({"B": 2, "no_mention": 4})
    gate = frozenset({"B", "no_mention"})
    verdict = describe_gate(gate, Counter(), Counter(), True, doubt=doubt, genes_without_names=3)
    assert verdict == (
        "fail-on: not decided: B (2 claims), no_mention (4 claims) met only in doubt: 3 Gene "
        "IDs had no NCBI Gene names and may change what they meet; run again when "
        "E-utilities is reachable",
        GateOutcome.NOT_DECIDED,
    )
    unmet = describe_gate(frozenset({"A"}), Counter(), Counter(), True, genes_without_names=3)
    assert unmet == (
        "fail-on: not decided: no claim meets A, but 3 Gene IDs had no NCBI Gene names; run "
        "again when E-utilities is reachable",
        GateOutcome.NOT_DECIDED,
    )
    passed = describe_gate(frozenset({"C", "D"}), Counter(), Counter(), True, genes_without_names=3)
    assert passed == ("fail-on: passed: no claim meets C or D", GateOutcome.PASSED)


def test_a_database_by_corpus_share_trips_nothing_while_the_pages_gene_has_no_names(
    tmp_path: Path,
) -> None:
    """Without NCBI Gene's names of the page's gene, a paper called a database for its
    corpus share alone may yet be found to be on that gene: ``resource`` on a claim or a
    loose citation, and ``resource_only``, are met in doubt, never tripped."""
    subject = Subject(symbol="TWIST1", gene_id="7291")
    cited = (Citation(pmid="42"),)
    claim = Claim("e1", ClaimKind.EDGE, "tfs row 1", cited, regulator="RUNX2", target="TWIST1")
    document = Document("t.md", Style.TFLINK, subject, (claim,), cited)
    resolutions = {"pmid:42": Resolution("pmid:42", Status.RESOLVED, PaperRecord("42", "Bone."))}
    genes = {"7291": GeneLookup("7291", GeneStatus.UNRESOLVED)}
    stats = CorpusStats(10, {"pmid:42": 10})
    doc = audit_document(document, resolutions, stats, AuditSettings(resources=()), genes)
    options = ListingOptions("table", fail_on=frozenset({"resource", "resource_only"}))
    listing, _ = listed(options, tmp_path, [doc])
    assert (listing.met, listing.loose) == (Counter(), Counter())
    assert listing.doubt == {"resource": 2, "resource_only": 1}
