"""Does a cited paper name the claim's genes: ``no_mention`` and the matching rules, both ways.

The gene records here are hand-made in the shape NCBI Gene gives (synthetic test data,
names as NCBI Gene lists them to the best of our knowledge); the abstracts are hand-made.
"""

from __future__ import annotations

import random
import re

import pytest

from enrich.audit import AuditSettings, audit_document
from enrich.audit.names import full_name, symbol_name
from enrich.model import (
    Claim,
    ClaimKind,
    Document,
    GeneLookup,
    GeneRecord,
    GeneStatus,
    Grade,
    Partner,
    Style,
    Subject,
)
from tests.audit.helpers import (
    NO_STATS,
    audit_claim,
    cite,
    edge,
    flag_names,
    found,
    reason,
    record,
    resolved,
    twist2,
)

CDH1 = GeneRecord(
    "999",
    "CDH1",
    description="cadherin 1",
    aliases=("Arc-1", "BCDS1", "CD324", "CDHE", "ECAD", "LCAM", "UVO"),
    designations=("cadherin-1", "CAM 120/80", "E-cadherin", "epithelial cadherin", "uvomorulin"),
)
TWIST1 = GeneRecord(
    "7291",
    "TWIST1",
    description="twist family bHLH transcription factor 1",
    aliases=("ACS3", "BPES2", "BPES3", "CRS", "CRS1", "CSO", "SCS", "TWIST", "bHLHa38"),
    designations=(
        "twist-related protein 1",
        "H-twist",
        "class A basic helix-loop-helix protein 38",
    ),
)
TWIST2 = GeneRecord(
    "117581",
    "TWIST2",
    description="twist family bHLH transcription factor 2",
    aliases=("AMS", "BBRSAY", "DERMO1", "FFDD3", "SETLSS", "bHLHa39"),
    designations=("twist-related protein 2", "dermis-expressed protein 1", "twist homolog 2"),
)
SET = GeneRecord(
    "6418",
    "SET",
    description="SET nuclear proto-oncogene",
    aliases=("2PP2A", "I2PP2A", "IGAAD", "IPP2A2", "MRD58", "PHAPII", "TAF-I", "TAF-IBETA"),
    designations=("protein SET", "HLA-DR-associated protein II", "template-activating factor I"),
)
TP53 = GeneRecord(
    "7157",
    "TP53",
    description="tumor protein p53",
    aliases=("BCC7", "BMFS5", "LFS1", "P53", "TRP53"),
    designations=("cellular tumor antigen p53", "antigen NY-CO-13", "tumor suppressor p53"),
)
TGFB1 = GeneRecord(
    "7040",
    "TGFB1",
    description="transforming growth factor beta 1",
    aliases=("CED", "DPD1", "IBDIMDE", "LAP", "TGF-beta1", "TGFB", "TGFbeta"),
    designations=("TGF-beta-1", "latency-associated peptide", "transforming growth factor beta-1"),
)
NFKBIA = GeneRecord(
    "4792",
    "NFKBIA",
    description="NFKB inhibitor alpha",
    aliases=("EDAID2", "IKBA", "MAD-3", "NFKBI", "IkappaBalpha"),
    designations=("NF-kappa-B inhibitor alpha", "I-kappa-B-alpha", "IkB-alpha"),
)
SNAI1 = GeneRecord(
    "6615",
    "SNAI1",
    description="snail family transcriptional repressor 1",
    aliases=("SLUGH2", "SNA", "SNAH", "SNAIL", "SNAIL1", "dJ710H13.1"),
    designations=("zinc finger protein SNAI1", "protein snail homolog 1", "snail 1 homolog"),
)
CD44 = GeneRecord(
    "960",
    "CD44",
    description="CD44 molecule (IN blood group)",
    aliases=("CDW44", "CSPG8", "ECMR-III", "HCELL", "HUTCH-I", "IN", "LHR", "MC56", "Pgp1"),
    designations=("CD44 antigen", "heparan sulfate proteoglycan", "Hermes antigen"),
)
MAPK1 = GeneRecord(
    "5594",
    "MAPK1",
    description="mitogen-activated protein kinase 1",
    aliases=("ERK", "ERK-2", "ERK2", "ERT1", "MAPK2", "P42MAPK", "PRKM1", "p42-MAPK"),
    designations=("extracellular signal-regulated kinase 2",),
)
MAPK3 = GeneRecord(
    "5595",
    "MAPK3",
    description="mitogen-activated protein kinase 3",
    aliases=("ERK-1", "ERK1", "ERT2", "P44ERK1", "P44MAPK", "PRKM3", "p44-ERK1", "p44-MAPK"),
    designations=("extracellular signal-regulated kinase 1",),
)
MYC = GeneRecord(
    "4609",
    "MYC",
    description="MYC proto-oncogene, bHLH transcription factor",
    aliases=("MRTL", "MYCC", "bHLHe39", "c-Myc"),
    designations=("myc proto-oncogene protein", "proto-oncogene c-Myc", "transcription factor p64"),
)
NFKB1 = GeneRecord(
    "4790",
    "NFKB1",
    description="nuclear factor kappa B subunit 1",
    aliases=("CVID12", "EBP-1", "KBF1", "NF-kB", "NF-kB1", "NF-kappaB", "NFkappaB", "p105", "p50"),
    designations=("nuclear factor NF-kappa-B p105 subunit", "DNA-binding factor KBF1"),
)
TYR = GeneRecord(
    "7299",
    "TYR",
    description="tyrosinase",
    aliases=("ATN", "CMM8", "OCA1", "OCA1A", "OCAIA", "SHEP3"),
    designations=("monophenol monooxygenase", "tumor rejection antigen AB"),
)
GENES = found(
    CDH1, TWIST1, TWIST2, SET, TP53, TGFB1, NFKBIA, SNAI1, CD44, MAPK1, MAPK3, MYC, NFKB1, TYR
)


def about(gene: GeneRecord, abstract: str, title: str = "A study.") -> list[str]:
    """The flags a paper with ``title`` and ``abstract`` gets when cited for a statement
    about ``gene`` (a Harmonizome page giving the gene's symbol and Gene ID)."""
    document = Document(
        "t.md", Style.HARMONIZOME, Subject(gene.symbol, gene_id=gene.gene_id), (_claim(),)
    )
    paper = record("1", title, abstract=abstract)
    verdict = audit_document(document, resolved(paper), NO_STATS, AuditSettings(), GENES)
    return flag_names(verdict.claims[0].citations[0])


def _claim() -> Claim:
    return Claim("s1", ClaimKind.STATEMENT, "Summary paragraph 1", (cite("1"),), text="…")


# --- real names count ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gene", "abstract"),
    [
        (CDH1, "Loss of E-cadherin expression marks the transition."),  # a designation
        (CDH1, "E cadherin and Ecadherin and E\u2010cadherin are one name."),  # separators
        (CDH1, "Uvomorulin is the mouse name."),  # a designation of one unusual word
        (TP53, "Mutant p53 accumulates."),  # an alias, any case
        (TWIST2, "Dermo-1 is expressed in the dermis."),  # DERMO1, with a hyphen
        (SNAI1, "SNAIL represses the promoter."),  # an ordinary word, in capitals
        (SNAI1, "Snail1 represses the promoter."),  # with its digit: any case
        (TWIST1, "TWIST induces the transition."),  # an ordinary word, in capitals
        (SET, "SET binds PP2A."),  # the symbol itself is an ordinary word: in capitals
        (CD44, "Cells express CD44 antigen."),
        (MAPK3, "ERK1/2 phosphorylation rose."),  # ERK1 before a slash
        (MAPK1, "ERK1/2 phosphorylation rose."),  # ERK2 inside the shorthand
        (TWIST2, "TWIST1/2 were induced."),
    ],
)
def test_a_real_alias_or_designation_counts_as_a_mention(gene: GeneRecord, abstract: str) -> None:
    """A name NCBI Gene lists for the gene counts where the symbol is absent (as the rules
    of enrich.audit.names and enrich.audit.mentions say)."""
    assert "no_mention" not in about(gene, abstract)


@pytest.mark.parametrize(
    ("gene", "abstract"),
    [
        (TGFB1, "TGF-\u03b21 signalling rose."),  # β spelled beta: TGF-beta1
        (TGFB1, "TGF-beta 1 signalling rose."),
        (TGFB1, "TGF\u03b2 signalling rose."),  # TGFbeta
        (TGFB1, "TGF-\u00df1 signalling rose."),  # ß typed for β
        (NFKBIA, "I\u03baB\u03b1 degradation follows."),  # IkappaBalpha
        (NFKBIA, "I\u03baB-\u03b1 degradation follows."),
    ],
)
def test_greek_letters_equal_their_spelled_names(gene: GeneRecord, abstract: str) -> None:
    """TGF-β1 is TGF-beta1 and IκBα is IkappaBalpha, with the optional separators."""
    assert "no_mention" not in about(gene, abstract)


@pytest.mark.parametrize(
    ("gene", "abstract"),
    [
        (MYC, "Myc induces cyclin D2."),  # a three-letter symbol that is no word, title case
        (MYC, "C-MYC induces cyclin D2."),  # c- is the cellular gene itself
        (MYC, "V-MYC transforms fibroblasts."),  # v-, the viral one (no alias spells it)
        (MYC, "P-MYC rose after stimulation."),  # p-, phosphorylated
        (NFKB1, "NF-kB activation rose."),  # a strict name with a hyphen, as written
        (NFKB1, "NF\u2013kB activation rose."),  # an en dash for its hyphen
    ],
)
def test_a_short_symbol_counts_in_title_case_and_with_its_hyphen(
    gene: GeneRecord, abstract: str
) -> None:
    """A strict name of three letters that is no English word counts in title case ("Myc"
    as mouse papers and many human ones write it), and a strict name with a hyphen counts
    when the paper writes it (any dash for the hyphen)."""
    assert "no_mention" not in about(gene, abstract)


@pytest.mark.parametrize(
    ("gene", "abstract"),
    [
        (MYC, "N-MYC amplification marks neuroblastoma."),  # MYCN
        (MYC, "L-Myc is expressed in lung cancer."),  # MYCL
        (MYC, "The myc locus."),  # lower case: still strict
        (TYR, "Phosphorylation of Tyr residues rose."),  # an amino acid, not tyrosinase
        (NFKB1, "NF kB was measured."),  # strict: the hyphen must be there
    ],
)
def test_a_short_symbol_after_another_genes_letter_prefix_does_not_count(
    gene: GeneRecord, abstract: str
) -> None:
    """A single capital and a hyphen before a strict name make another gene's name (N-Myc is
    MYCN); an amino acid's three-letter code is no gene name in title case."""
    assert "no_mention" in about(gene, abstract)


# --- ordinary words, descriptions and near misses do not --------------------------------------


@pytest.mark.parametrize(
    ("gene", "abstract", "title"),
    [
        (SET, "A set of genes was enriched.", "A study."),  # lower case
        (SET, "Set against controls, nothing changed.", "A study."),  # capitalised
        (SET, "We ran a Gene Set Enrichment Analysis.", "A study."),  # title case in prose
        (SET, "Nothing here.", "THE SET OF GENES EXPRESSED IN RATS"),  # a title in capitals
        (TWIST1, "A twist in the tale: Twist of fate.", "A study."),
        (SNAI1, "The snail host carries the parasite.", "A study."),
        (CD44, "Expressed in cells in vivo.", "A study."),  # the alias IN
        (CD44, "Heparan sulfate proteoglycan binds growth factors.", "A study."),  # description
        (CDH1, "Epithelial cadherin is a description.", "A study."),  # no mark: not looked for
        (TWIST2, "TWIST21 and pTWIST2 and TWIST2a.", "A study."),  # longer words
        (TP53, "Fifty-three (p5 3x) is not p53x.", "A study."),
    ],
)
def test_an_ordinary_word_or_a_description_in_prose_does_not_count(
    gene: GeneRecord, abstract: str, title: str
) -> None:
    """A strict name in lower or title case, any name in a shouted title, a description and
    a name inside a longer word are no mention."""
    assert "no_mention" in about(gene, abstract, title)


@pytest.mark.parametrize(
    ("text", "strict"),
    [
        ("SET", True),  # an ordinary word
        ("TWIST", True),
        ("AMS", True),  # three letters
        ("ER", True),  # two characters
        ("T2", True),
        ("TWIST1", False),  # a digit
        ("TAF-I", False),  # a single letter beside another part
        ("TGF-beta", False),  # a Greek letter beside another part
        ("SNAIL", True),  # used in English more than once per million words
        ("SLUG", True),
        ("ECAD", False),  # four letters, not an English word
        ("BBRSAY", False),
    ],
)
def test_symbols_are_strict_when_short_or_ordinary(text: str, strict: bool) -> None:
    """A symbol or alias without a mark counts only with its capitals when it has three
    letters or fewer, or is an ordinary English word."""
    name = symbol_name(text)
    assert name is not None and name.strict is strict


def test_a_single_character_is_never_looked_for() -> None:
    """Names of one letter or digit ("T", "-") are left out, and a gene with no other name
    is not required of a paper (the edge's other partner still is)."""
    assert symbol_name("T") is None and symbol_name("-") is None
    paper = record("4", "A study.", abstract="TWIST1 binds the promoter.")
    verdict = audit_claim(edge(cite("4"), regulator="T", target="TWIST1"), resolved(paper))
    assert "no_mention" not in flag_names(verdict.citations[0])


@pytest.mark.parametrize(
    ("text", "used"),
    [
        ("E-cadherin", True),
        ("cadherin 1", True),
        ("protein kinase B beta", True),
        ("uvomorulin", True),
        ("insulin", True),  # one word, not among the most frequent English words
        ("epithelial cadherin", False),  # several words, no mark: a description
        ("regulatory protein", False),
        ("heparan sulfate proteoglycan", False),
        ("twist", False),  # one ordinary word
    ],
)
def test_full_names_count_when_marked_or_one_unusual_word(text: str, used: bool) -> None:
    """Full names and designations are looked for when they carry a mark or are a single
    word that is not ordinary English; other descriptions are not."""
    assert (full_name(text) is not None) is used


# --- what the reasons say ---------------------------------------------------------------------


def test_the_reason_names_which_name_matched_and_what_was_looked_for() -> None:
    """For an edge, the reason says where and by which name the paper names one partner, and
    which partner it misses, with that partner's other names."""
    paper = record("5", "A study.", abstract="Loss of E cadherin in tumours.")
    claim = _with_row(edge(cite("5"), regulator="TWIST1", target="CDH1"), "CDH1", ("999",))
    verdict = audit_claim(claim, resolved(paper), genes=GENES, subject=_twist1_page())
    assert reason(verdict.citations[0], "no_mention") == (
        "abstract names E cadherin (CDH1) but not TWIST1 "
        "(nor its 13 other names: ACS3; BPES2; BPES3; …)"
    )


def _twist1_page() -> Subject:
    return Subject("TWIST1", gene_id="7291")


def test_twist2_reference_1_names_neither_twist2_nor_another_name() -> None:
    """Ref 1 of the TWIST2 page ("Induction of EMT by twist proteins…", no abstract) is
    flagged no_mention: "twist" is no name of TWIST2."""
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
        "TWIST2 not in title or abstract (nor its 6 other names: FFDD3; BBRSAY; AMS; …); "
        "title only: no abstract"
    )
    assert audited.claims[0].grade is Grade.B  # one primary paper, which misses the gene


def test_edge_no_mention_says_which_partner_is_missing() -> None:
    """Without gene names, the reason names the partner mentioned and the one that is not."""
    one = record("18", "RUNX2 drives bone.", abstract="RUNX2 is needed.")
    none = record("19", "Bone.", abstract="Nothing here.")
    verdict = audit_claim(edge(cite("18"), cite("19")), resolved(one, none))
    assert reason(verdict.citations[0], "no_mention") == "title names RUNX2 but not TWIST1"
    assert reason(verdict.citations[1], "no_mention") == (
        "neither RUNX2 nor TWIST1 in title or abstract"
    )


# --- Gene IDs: replaced, unknown, several ------------------------------------------------------


def test_a_replaced_id_is_looked_for_by_its_current_records_names() -> None:
    """A document's old Gene ID, replaced by 999, makes the paper's "E-cadherin" count."""
    genes = {"12": GeneLookup("12", GeneStatus.REPLACED, CDH1, "Gene ID 12 was replaced")}
    paper = record("6", "TWIST1 study.", abstract="E-cadherin is lost.")
    claim = edge(cite("6"), regulator="TWIST1", target="CDH1")
    claim = _with_row(claim, "CDH1", ("12",))
    verdict = audit_claim(claim, resolved(paper), genes=genes | found(TWIST1))
    assert "no_mention" not in flag_names(verdict.citations[0])


def test_an_unknown_id_falls_back_to_the_symbol_and_says_so() -> None:
    """With no record for the Gene ID, only the symbol counts, and the reason says why."""
    why = "NCBI Gene has no record with Gene ID 99999"
    genes = {"99999": GeneLookup("99999", GeneStatus.UNKNOWN, None, why)}
    paper = record("7", "TWIST1 study.", abstract="E-cadherin is lost.")
    claim = _with_row(edge(cite("7"), regulator="TWIST1", target="CDH1"), "CDH1", ("99999",))
    verdict = audit_claim(claim, resolved(paper), genes=genes, subject=Subject("TWIST1"))
    assert reason(verdict.citations[0], "no_mention") == (
        "title names TWIST1 but not CDH1; "
        "NCBI Gene has no record with Gene ID 99999: looked for by symbol only"
    )
    good = audit_claim(
        _with_row(edge(cite("8"), regulator="TWIST1", target="CDH1"), "CDH1", ("99999",)),
        resolved(record("8", "TWIST1 and CDH1.")),
        genes=genes,
        subject=Subject("TWIST1"),
    )
    assert "no_mention" not in flag_names(good.citations[0])


def test_of_several_ids_the_record_named_by_the_label_gives_the_names() -> None:
    """A row giving BMI1's ID and a read-through's uses BMI1's names only."""
    bmi1 = GeneRecord("648", "BMI1", aliases=("PCGF4", "RNF51"))
    readthrough = GeneRecord("100532731", "COMMD3-BMI1", aliases=("COMMD3",))
    claim = _with_row(edge(cite("9"), cite("10"), regulator="TWIST1", target="BMI1"), "BMI1",
                      ("100532731", "648"))  # fmt: skip
    papers = resolved(
        record("9", "TWIST1 and PCGF4."),  # BMI1's alias: a mention
        record("10", "TWIST1 and COMMD3."),  # the read-through's: none
    )
    verdict = audit_claim(claim, papers, genes=found(bmi1, readthrough), subject=Subject("TWIST1"))
    assert ["no_mention" in flag_names(c) for c in verdict.citations] == [False, True]


def _with_row(claim: Claim, symbol: str, gene_ids: tuple[str, ...]) -> Claim:
    """``claim`` as a TFLink row about ``symbol`` with ``gene_ids``."""
    from dataclasses import replace

    return replace(claim, partner=Partner(symbol, None, gene_ids))


def test_loose_citations_get_citation_flags_but_no_mention_check() -> None:
    """A citation not attached to a claim is audited for status and retraction, not mentions."""
    paper = record("20", "Unrelated.", publication_types=("Retracted Publication",))
    document = Document("t.md", Style.TEXT, Subject(symbol="TWIST1"), (), (cite("20"), cite("21")))
    audited = audit_document(document, resolved(paper), NO_STATS, AuditSettings())
    assert [flag_names(v) for v in audited.citations] == [["retracted"], ["unresolved"]]


# --- the rules on random texts ----------------------------------------------------------------


def near_miss(rng: random.Random, name: str) -> str:
    """``name`` perhaps changed as a text may write it: case, a separator, a neighbour."""
    text = "".join(ch.swapcase() if rng.random() < 0.3 else ch for ch in name)
    if rng.random() < 0.3:  # another gap between letter runs
        text = re.sub(r"(?<=[A-Za-z])[- ](?=[A-Za-z])", lambda m: rng.choice(["", "-", "  "]), text)
    if rng.random() < 0.4:
        text = re.sub(r"[- ]?(?=\d+$)", rng.choice(["", "-", " ", "\t", "--", "_", "\u2010"]), text)
    if rng.random() < 0.2:
        text = re.sub(r"(\d+)$", lambda m: rng.choice(["7/", "12/"]) + m[1], text)
    filler = "aB1 -_./"
    before, after = ("".join(rng.choices(filler, k=rng.randint(0, 2))) for _ in range(2))
    return before + text + after


def expected(name: str, text: str) -> bool:
    """The documented rule for a name with digits, written independently of the package:
    its letter and digit runs in order, any case, at most one hyphen or white space between
    two runs, the last digits perhaps after "digits/", and no letter or digit around."""
    runs = re.findall(r"[A-Za-z]+|\d+", name)
    gap = r"[-\u2010\s]?"
    body = gap.join(re.escape(run) for run in runs[:-1]) + gap + r"(?:\d+/)*" + runs[-1]
    return re.search(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", text, re.I) is not None


def test_gene_names_with_digits_match_as_documented_on_random_texts() -> None:
    """A name with digits is mentioned exactly where the documented rule says, on 2,000
    random names of one to three letter runs and near-miss texts (case changes, gaps,
    slash shorthands, neighbours)."""
    rng = random.Random(20240611)
    settings = AuditSettings(resources=())
    mentioned = 0
    for _ in range(2000):
        runs = ["".join(rng.choices("aAbK", k=rng.randint(2, 4)))]
        runs += [
            "".join(rng.choices("aAbK", k=rng.randint(1, 3))) for _ in range(rng.randint(0, 2))
        ]
        name = "".join(run + rng.choice(["-", " "]) for run in runs[:-1]) + runs[-1]
        name += rng.choice(["", "-", " "]) + str(rng.randint(1, 30))
        text = " ".join(near_miss(rng, name) for _ in range(rng.randint(0, 2)))
        document = Document("t.md", Style.HARMONIZOME, Subject(symbol=name), (_claim(),))
        paper = record("1", ".", abstract=text)
        verdict = audit_document(document, resolved(paper), NO_STATS, settings).claims[0]
        named = expected(name, text)
        assert ("no_mention" not in flag_names(verdict.citations[0])) is named, (name, text)
        mentioned += named
    assert 500 < mentioned < 1500  # both answers are well exercised


# --- what a symbol-only check missed in real abstracts ----------------------------------------


@pytest.mark.parametrize(
    ("gene_id", "text"),
    [
        ("2099", "Expression of estrogen receptor alpha was lost."),  # ESR1
        ("2099", "ER-positive tumours responded."),  # ESR1, in capitals
        ("7291", "TWIST induces the transition."),  # TWIST1
        ("4904", "YB-1 binds the promoter."),  # YBX1
        ("4904", "Y-box binding protein-1 binds the promoter."),  # YBX1
        ("5595", "ERK1/2 phosphorylation rose."),  # MAPK3
    ],
)
def test_the_names_a_symbol_only_check_missed_in_real_abstracts_count(
    gene_id: str, text: str
) -> None:
    """The name forms ../shared/ncbi/gene/README.md reports a symbol-only check missed in
    real abstracts cited by TFLink edges count, with the example genes' summaries."""
    from enrich.entrez import parse_gene_summaries
    from enrich.testing import DEFAULT_RECORDS_DIR

    body = (DEFAULT_RECORDS_DIR / "genes.json").read_bytes()
    gene = parse_gene_summaries(body)[gene_id].record
    assert gene is not None
    genes = found(gene)
    document = Document(
        "t.md", Style.HARMONIZOME, Subject(gene.symbol, gene_id=gene_id), (_claim(),)
    )
    paper = record("1", "A study.", abstract=text)
    verdict = audit_document(document, resolved(paper), NO_STATS, AuditSettings(), genes)
    assert "no_mention" not in flag_names(verdict.claims[0].citations[0])
    alone = audit_document(document, resolved(paper), NO_STATS, AuditSettings())
    assert "no_mention" in flag_names(alone.claims[0].citations[0])  # the symbol alone misses


def test_learn_names_decides_only_what_the_caches_can_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """learn_names decides every name of the records it is given when they fit in the
    caches of answers; more names than that (whose first answers would be forgotten before
    a worker asked) are left to be decided as the audit meets them."""
    from enrich.audit import names

    def lookups(prefix: str) -> list[GeneLookup]:
        return [
            GeneLookup(
                f"{n}",
                GeneStatus.FOUND,
                GeneRecord(f"{n}", f"{prefix}{n}X", aliases=(f"{prefix}ALIAS{n}",)),
            )
            for n in range(10)
        ]

    symbol_name.cache_clear()
    assert names.learn_names(lookups("LEARNT")) == 20
    assert symbol_name.cache_info().currsize >= 20
    monkeypatch.setattr(names, "NAMES_REMEMBERED", 30)  # 10 records give up to 50 names
    symbol_name.cache_clear()
    assert names.learn_names(lookups("LEFT")) == 0
    assert symbol_name.cache_info().currsize == 0


def test_a_gene_named_by_its_label_costs_no_other_names_work() -> None:
    """A partner's names are decided as they are first needed: a paper naming the label
    decides no full name; one naming neither decides them all, in the order and with the
    answers of deciding every name at once."""
    from enrich.audit.mentions import TextView
    from enrich.audit.names import find_mention, partner

    lookup = GeneLookup("999", GeneStatus.FOUND, CDH1)
    full_name.cache_clear()
    gene = partner("CDH1", (), [lookup])
    mention = find_mention(TextView.of("CDH1 loss in gastric cancer", ""), gene)
    assert mention is not None and mention.name == "CDH1"
    assert full_name.cache_info().misses == 0

    assert find_mention(TextView.of("Unrelated title", "No gene here."), gene) is None
    assert full_name.cache_info().misses == 6  # the description and the designations
    assert gene.other_names == (
        *("Arc-1", "BCDS1", "CD324", "CDHE", "ECAD", "LCAM", "UVO"),
        *("cadherin 1", "CAM 120/80", "E-cadherin", "uvomorulin"),  # "cadherin-1" is "cadherin 1"
    )
