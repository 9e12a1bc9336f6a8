"""Deterministic generator of documents shaped like the real ones, for benchmarks and scale tests.

``tflink_page`` writes a TFLink protein page in any of the four format generations
(A0, A1, A1b, A2 — see ../shared/corpus/tflink/SOURCES.md): a few database papers
on most rows plus a long tail of primary PMIDs, as on the real pages.
"""

from __future__ import annotations

import random

DATABASE_PMIDS = ("29087512", "29126285", "27924024", "31340985")  # TRRUST, ReMap, GTRD, DoRothEA
SOURCES = ("TRRUST", "ReMap", "GTRD", "TFe_via_DoRothEA", "IntAct_via_DoRothEA", "Yeastract")
METHODS = ("chromatin immunoprecipitation assay", "inferred by curator")
GENERATIONS = ("A0", "A1", "A1b", "A2")
_LINK_TAIL = '"\n  target="_blank"><i uk-icon="icon: link"></i>Pubmed</a>'


def symbol(rng: random.Random) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "".join(rng.choice(letters) for _ in range(rng.randint(3, 5))) + str(rng.randint(1, 20))


def accession(rng: random.Random) -> str:
    return rng.choice("OPQ") + str(rng.randint(10000, 99999))


def row_pmids(rng: random.Random, tail: range) -> list[str]:
    """One row's evidence: usually one or two database papers, often a primary paper or two."""
    pmids = [str(rng.choice(tail)) for _ in range(rng.choice((0, 1, 1, 2, 3)))]
    pmids += rng.sample(DATABASE_PMIDS, rng.choice((1, 1, 2)))
    return list(dict.fromkeys(pmids))


def evidence(pmids: list[str], generation: str, rng: random.Random) -> str:
    """The evidence column of one row in the given format generation."""
    if generation == "A0":
        term = "; ".join(pmids) + "%5Buid%5D"
        return f'&ensp;<a href="https://www.ncbi.nlm.nih.gov/pubmed/?term={term}{_LINK_TAIL}'
    term = "+OR+".join(f"{p}%5Buid%5D" for p in pmids)
    flag = "," + rng.choice(("Yes", "No"))
    if generation == "A2":
        return term + flag
    link = f'&ensp;<a href="https://www.ncbi.nlm.nih.gov/pubmed/?term={term}{_LINK_TAIL}'
    return link + (flag if generation == "A1b" else "")


def tflink_row(rng: random.Random, generation: str, tail: range) -> str:
    sources = "; ".join(sorted(rng.sample(SOURCES, rng.randint(1, 3))))
    methods = "; ".join(sorted(rng.sample(METHODS, rng.randint(1, 2))))
    gene = str(rng.randint(1, 120000))
    return f"{symbol(rng)},{accession(rng)},{gene},{sources},{methods}," + evidence(
        row_pmids(rng, tail), generation, rng
    )


def tflink_page(
    rng: random.Random,
    *,
    generation: str = "A1",
    tfs: int = 12,
    targets: int = 36,
    tail: range = range(10_000_000, 10_050_000),
) -> str:
    """A TFLink page with ``tfs`` regulator rows and ``targets`` target rows."""

    def field(n: int) -> str:
        rows = [tflink_row(rng, generation, tail).replace("'", "''") for _ in range(n)]
        return "'" + "\n\n  ".join(rows) + "'" if rows else "''"

    name, acc = symbol(rng), accession(rng)
    return (
        f"---\ntype: protein\nlayout: protein\ntitle: {acc}\nprotein_name: {name}\n"
        f"uniprot_accession: {acc}\nncbi_gene_id: '{rng.randint(1, 120000)}'\n"
        f"organism: Homo sapiens\nfunction: transcription factor and target gene\n"
        f"tfs: {field(tfs)}\ntargets: {field(targets)}\nbinding_sites: ''\n\n---\n"
    )
