"""Gene names of species other than human, as their papers write them: fly symbols in lower
case, yeast proteins with a "p", names with diacritics.

The gene records are hand-made in the shape NCBI Gene gives (synthetic test data, names as
NCBI Gene lists them to the best of our knowledge); the abstracts are hand-made in the
style of each species' literature.
"""

from __future__ import annotations

import pytest

from enrich.audit import AuditSettings, audit_document
from enrich.model import Claim, ClaimKind, Document, GeneRecord, Style, Subject
from tests.audit.helpers import NO_STATS, cite, flag_names, found, record, resolved

FLY, YEAST = "Drosophila melanogaster", "Saccharomyces cerevisiae S288C"
TWI = GeneRecord(
    "37655",
    "twi",
    description="twist",
    aliases=("CG2956", "Dmel\\CG2956", "Twi", "twist"),
    organism=FLY,
    tax_id="7227",
)
SNA = GeneRecord("34908", "sna", description="snail", aliases=("CG3956",), organism=FLY)
DL = GeneRecord("35047", "dl", description="dorsal", aliases=("CG6667",), organism=FLY)
KR = GeneRecord("38012", "Kr", description="Kruppel", aliases=("CG3340",), organism=FLY)
GCN4 = GeneRecord(
    "856709",
    "GCN4",
    description="amino acid starvation-responsive transcription factor GCN4",
    aliases=("AAS101", "AAS3", "ARG9"),
    organism=YEAST,
    tax_id="559292",
)
KLF4 = GeneRecord(
    "9314",
    "KLF4",
    description="KLF transcription factor 4",
    aliases=("EZF", "GKLF"),
    designations=("Kruppel like factor 4", "endothelial Kruppel-like zinc finger protein"),
    organism="Homo sapiens",
    tax_id="9606",
)
TYR = GeneRecord("7299", "TYR", description="tyrosinase", aliases=("ATN", "OCA1"))
GENES = found(TWI, SNA, DL, KR, GCN4, KLF4, TYR)


def about(gene: GeneRecord, abstract: str) -> list[str]:
    """The flags a paper with ``abstract`` gets when cited for a statement about ``gene``."""
    subject = Subject(gene.symbol, gene_id=gene.gene_id)
    claim = Claim("s1", ClaimKind.STATEMENT, "Summary paragraph 1", (cite("1"),), text="…")
    document = Document("t.md", Style.HARMONIZOME, subject, (claim,))
    paper = record("1", "A study.", abstract=abstract)
    verdict = audit_document(document, resolved(paper), NO_STATS, AuditSettings(), GENES)
    return flag_names(verdict.claims[0].citations[0])


@pytest.mark.parametrize(
    ("gene", "abstract"),
    [
        (TWI, "Dorsal activates twi and sna in the presumptive mesoderm."),
        (SNA, "Dorsal activates twi and sna in the presumptive mesoderm."),
        (TWI, "Twi binds E-boxes."),  # the protein, title case
    ],
)
def test_a_fly_symbol_listed_in_lower_case_counts_as_listed(
    gene: GeneRecord, abstract: str
) -> None:
    """A strict symbol of three letters that is no English word, listed in lower case (the
    fly's convention for genes named by a recessive phenotype), counts as listed."""
    assert "no_mention" not in about(gene, abstract)


@pytest.mark.parametrize(
    ("gene", "abstract"),
    [
        (DL, "Glucose was 100 mg/dl in dl-treated flies."),  # two letters stay in capitals
        (TYR, "Phosphorylation of tyr residues rose."),  # listed in capitals: still strict
    ],
)
def test_other_strict_names_still_need_their_capitals(gene: GeneRecord, abstract: str) -> None:
    """Lower case counts only for a three-letter strict name listed so; two-letter symbols
    and names listed in capitals do not count in lower case."""
    assert "no_mention" in about(gene, abstract)


@pytest.mark.parametrize(
    ("gene", "abstract"),
    [
        (GCN4, "Gcn4p activates amino acid biosynthetic genes."),
        (GCN4, "The Gcn4p-dependent response to starvation."),
        (GCN4, "GCN4P and Arg9p."),
    ],
)
def test_a_yeast_protein_counts_as_its_symbol_and_p(gene: GeneRecord, abstract: str) -> None:
    """Budding yeast papers name a gene's protein by its symbol and "p" (Gcn4p): it counts."""
    assert "no_mention" not in about(gene, abstract)


def test_a_p_after_a_human_symbol_is_no_mention() -> None:
    """Only a yeast gene's protein is written with a "p": KLF4p names no human gene."""
    assert "no_mention" in about(KLF4, "KLF4p was measured.")


@pytest.mark.parametrize(
    ("gene", "abstract"),
    [
        (KR, "Kr\u00fcppel represses even-skipped stripe 2."),  # NCBI: Kruppel
        (KLF4, "Kr\u00fcppel-like factor 4 maintains stemness."),
        (KLF4, "Kru\u0308ppel-like factor 4 maintains stemness."),  # u and a combining diaeresis
    ],
)
def test_a_name_with_a_diacritic_counts_as_ncbi_spells_it(gene: GeneRecord, abstract: str) -> None:
    """A letter with a diacritic equals its letter without (NCBI Gene writes Kruppel, papers
    Krüppel)."""
    assert "no_mention" not in about(gene, abstract)
