"""Does a cited paper name the claim's genes: ``no_mention`` and the matching rules."""

from __future__ import annotations

import random
import re

import pytest

from enrich.audit import (
    AuditSettings,
    audit_document,
)
from enrich.model import (
    Document,
    Grade,
    Style,
    Subject,
)
from tests.audit.helpers import (
    NO_STATS,
    audit_claim,
    cite,
    edge,
    flag_names,
    reason,
    record,
    resolved,
    statement,
    twist2,
)

# --- does the paper name the genes ---------------------------------------------------------


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
