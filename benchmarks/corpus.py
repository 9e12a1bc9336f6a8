"""Deterministic generator of documents shaped like the real ones, for benchmarks and scale tests.

Page makers: ``tflink_page`` writes a TFLink protein page (style A) in any of the four format
generations (A0, A1, A1b, A2: see ../shared/corpus/tflink/SOURCES.md) with random partners;
``harmonizome_page`` writes a Harmonizome gene page (style B, modelled on
examples/harmonizome_gene_TWIST2.md): the key/value table and a ``Summary`` JSON tree of
paragraphs (``t``/``b``/``i`` text, ``fg`` groups of ``fg_f`` refs and ``fg_fs`` ranges)
and an ``rg`` reference list.

A whole database: ``Corpus(CorpusSpec(documents=N, pmids=M, seed=S))`` yields N documents
(about 1 in 5 Harmonizome pages, the rest TFLink pages of all four generations with 2-100
rows, some with no ``tfs`` or no ``targets``, some CRLF) from ``Corpus.documents()``;
afterwards ``Corpus.papers`` holds every cited paper and ``Corpus.records()`` their
synthetic PubMed records. ``write_corpus(OUT, spec)`` writes both::

    OUT/docs/000/tflink_protein_<ACCESSION>_<SYMBOL>.md   (at most 1,000 files per folder)
    OUT/docs/000/harmonizome_gene_<SYMBOL>.md
    OUT/records/records-0000.xml                       (PubmedArticleSet, 1,000 records each)
    OUT/records/genes.json                             (every gene's NCBI Gene summary)
    OUT/corpus.json                                    (spec, summary, missing and retracted PMIDs)

Promises:

* the same spec gives byte-identical files;
* most TFLink rows cite one or two of the four database papers (``DATABASE_PMIDS``); the
  other citations draw on a pool of primary PMIDs with a long tail (a few papers cited by
  hundreds of edges, most by a handful), so that the corpus cites exactly M distinct PMIDs
  (database papers included) whenever the documents have at least M citation slots (about
  35 per document; with fewer, every slot cites a PMID of its own);
* every gene has a synthetic NCBI Gene summary (``Corpus.gene_summaries()``) with as
  many names as a real one has (symbol, 2-7 aliases, full name, 1-5 designations), so
  ``python -m enrich.testing serve OUT/records`` serves gene names too;
* every cited PMID has a record, except ``Corpus.missing`` (about ``missing_share`` of them);
  about ``retracted_share`` of the records are retracted (``Retracted Publication`` and a
  ``RetractionIn`` link); about ``doi_mismatch_share`` of the Harmonizome references show a
  DOI that is not the record's; a Harmonizome reference otherwise shows exactly the record's
  title, authors, journal abbreviation, year, DOI and PMID;
* a paper names the partners of an edge (or the gene of a Harmonizome page) that cites it
  most of the time (one partner now and then, neither about 1 time in 8): the first citer's in
  its title and abstract, later ones in its abstract, up to ``MAX_ABSTRACT_NAMES`` names (so
  papers cited by hundreds of edges name only some of them).
"""

from __future__ import annotations

import json
import math
import random
import time
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any

from enrich.testing import (
    GENES_FILE,
    gene_summaries_file,
    make_gene_summary,
    make_record,
    record_set,
)

DATABASE_PMIDS = ("29087512", "29126285", "27924024", "31340985")  # TRRUST, ReMap, GTRD, DoRothEA
SOURCES = ("TRRUST", "ReMap", "GTRD", "TFe_via_DoRothEA", "IntAct_via_DoRothEA", "Yeastract")
METHODS = ("chromatin immunoprecipitation assay", "inferred by curator")
GENERATIONS = ("A0", "A1", "A1b", "A2")
HARMONIZOME = "B"  #: the generation label of Harmonizome pages
MAX_ABSTRACT_NAMES = 40  #: partner names an abstract lists at most, to keep records compact
_LINK_TAIL = '"\n  target="_blank"><i uk-icon="icon: link"></i>Pubmed</a>'


# --- TFLink pages with random partners (bench_extract, test_run) ---------------------------


def symbol(rng: random.Random) -> str:
    """A gene-symbol-like word: three to five capitals and a number ("TWSTA4")."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "".join(rng.choice(letters) for _ in range(rng.randint(3, 5))) + str(rng.randint(1, 20))


def accession(rng: random.Random) -> str:
    """A UniProt-accession-like word ("Q15672")."""
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
    """A row with a random partner citing database papers and PMIDs drawn from ``tail``."""
    sources = "; ".join(sorted(rng.sample(SOURCES, rng.randint(1, 3))))
    methods = "; ".join(sorted(rng.sample(METHODS, rng.randint(1, 2))))
    gene = str(rng.randint(1, 120000))
    return f"{symbol(rng)},{accession(rng)},{gene},{sources},{methods}," + evidence(
        row_pmids(rng, tail), generation, rng
    )


def _scalar(rows: Sequence[str]) -> str:
    """Rows as TFLink writes them: one single-quoted YAML scalar, rows split by blank lines."""
    quoted = [row.replace("'", "''") for row in rows]
    return "'" + "\n\n  ".join(quoted) + "'" if quoted else "''"


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
        return _scalar([tflink_row(rng, generation, tail) for _ in range(n)])

    name, acc = symbol(rng), accession(rng)
    return (
        f"---\ntype: protein\nlayout: protein\ntitle: {acc}\nprotein_name: {name}\n"
        f"uniprot_accession: {acc}\nncbi_gene_id: '{rng.randint(1, 120000)}'\n"
        f"organism: Homo sapiens\nfunction: transcription factor and target gene\n"
        f"tfs: {field(tfs)}\ntargets: {field(targets)}\nbinding_sites: ''\n\n---\n"
    )


# --- the corpus's plain data -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """What to generate; ``ValueError`` for sizes or shares out of range."""

    documents: int
    pmids: int
    seed: int = 1
    harmonizome_share: float = 0.2
    retracted_share: float = 0.005
    missing_share: float = 0.005
    doi_mismatch_share: float = 0.01
    docs_per_folder: int = 1000
    records_per_file: int = 1000

    def __post_init__(self) -> None:
        if self.documents < 1 or self.pmids <= len(DATABASE_PMIDS):
            raise ValueError(f"need documents >= 1 and pmids > {len(DATABASE_PMIDS)}")
        if self.docs_per_folder < 1 or self.records_per_file < 1:
            raise ValueError("docs_per_folder and records_per_file must be positive")
        shares = (self.harmonizome_share, self.retracted_share, self.missing_share)
        if not all(0.0 <= share <= 1.0 for share in (*shares, self.doi_mismatch_share)):
            raise ValueError("shares must be between 0 and 1")


@dataclass(frozen=True, slots=True)
class Gene:
    """A protein page's subject, or an edge's partner."""

    symbol: str
    accession: str
    gene_id: int


@dataclass(frozen=True, slots=True)
class Paper:
    """A cited paper's metadata: what its record holds and what a Harmonizome page shows."""

    pmid: str
    title: str
    abstract: str
    authors: tuple[str, ...]  #: full names, "Ann Smith"
    journal: str
    journal_iso: str
    year: int
    doi: str
    notice_pmid: str | None = None  #: the retraction notice's PMID, for a retracted paper

    @property
    def retracted(self) -> bool:
        return self.notice_pmid is not None

    def record(self) -> bytes:
        """The paper as a compact synthetic ``PubmedArticle`` (no reference list)."""
        relations = [("RetractionIn", self.notice_pmid, f"{self.journal_iso}. {self.year + 2}")]
        return make_record(
            self.pmid,
            title=self.title,
            doi=self.doi,
            authors=self.authors,
            journal=self.journal,
            journal_iso=self.journal_iso,
            year=self.year,
            abstract=self.abstract,
            publication_types=(
                ("Journal Article", "Retracted Publication") if self.retracted else ()
            ),
            relations=relations if self.retracted else (),
            synthetic_note="made by benchmarks/corpus.py for scale benchmarks",
        )


@dataclass(frozen=True, slots=True)
class GeneratedDocument:
    """One generated file: its path relative to the corpus folder and its exact text."""

    path: str  #: "docs/000/tflink_protein_P12345_ABCD1.md"
    text: str  #: with ``\r\n`` line ends when ``crlf``
    generation: str  #: "A0", "A1", "A1b", "A2" (TFLink) or "B" (Harmonizome)
    crlf: bool = False

    @property
    def style(self) -> str:
        """``tflink`` or ``harmonizome``, as ``enrich.model.Style`` names them."""
        return "harmonizome" if self.generation == HARMONIZOME else "tflink"


@dataclass(frozen=True, slots=True)
class _Shape:
    """A document's size, fixed before any PMID is drawn so the slots can be counted."""

    generation: str
    crlf: bool = False
    tfs: bytes = b""  #: primary citations on each ``tfs`` row
    targets: bytes = b""  #: primary citations on each ``targets`` row
    references: int = 0  #: Harmonizome references

    @property
    def slots(self) -> int:
        return sum(self.tfs) + sum(self.targets) + self.references


# --- words for titles, pages and records -------------------------------------------------------

_PROCESSES = (
    *("epithelial-mesenchymal transition", "cell proliferation", "apoptosis", "angiogenesis"),
    *("differentiation", "metastasis", "inflammation", "osteogenesis", "myogenesis"),
    *("hematopoiesis", "senescence", "cell migration", "stem cell self-renewal"),
)
_TISSUES = (
    *("breast", "liver", "lung", "colon", "kidney", "bone", "skin", "muscle", "brain"),
    *("prostate", "ovarian", "gastric", "pancreatic", "cervical"),
)
_EDGE_TITLES = (
    "{a} directly activates {b} transcription in {tissue} cells.",
    "{a} represses {b} expression and promotes {process}.",
    "Binding of {a} to the {b} promoter controls {process} in {tissue}.",
    "{b} is a direct target of {a} during {process}.",
    "{a}-dependent induction of {b} drives {process} in {tissue} cancer.",
)
_GENE_TITLES = (
    "{a} promotes {process} in {tissue} cancer.",
    "Loss of {a} impairs {process} in the {tissue}.",
    "{a} expression correlates with {process} and poor prognosis in {tissue} carcinoma.",
    "Mutations in {a} disturb {process} in {tissue} development.",
)
_PLAIN_TITLES = (
    "Genome-wide analysis of {process} in {tissue} cells.",
    "Transcriptional control of {process} in the developing {tissue}.",
    "Chromatin accessibility maps of {tissue} tissue during {process}.",
)
_JOURNALS = (
    ("Oncogene", "Oncogene", "10.1038"),
    ("Cancer Research", "Cancer Res", "10.1158"),
    ("PLoS One", "PLoS One", "10.1371"),
    ("Nucleic Acids Research", "Nucleic Acids Res", "10.1093"),
    ("The Journal of Biological Chemistry", "J Biol Chem", "10.1074"),
    ("Molecular and Cellular Biology", "Mol Cell Biol", "10.1128"),
    ("Cell Reports", "Cell Rep", "10.1016"),
    ("Scientific Reports", "Sci Rep", "10.1038"),
    ("Oncotarget", "Oncotarget", "10.18632"),
    ("Development (Cambridge, England)", "Development", "10.1242"),
    ("Blood", "Blood", "10.1182"),
    ("Genes & Development", "Genes Dev", "10.1101"),
)
_FIRST_NAMES = (
    *("Stéphane", "Jeremy", "Agnès", "Yan", "Wei", "Lin", "Xi", "Hector", "Ruth", "Maria"),
    *("Jonathan", "Julie", "Mirjam", "Renée", "Aparna", "David", "Han Seok", "Yu-En", "Ming"),
)
_LAST_NAMES = (
    *("Ansieau", "Bastid", "Doreau", "Li", "Wang", "Chen", "Franco", "Leon", "Garcia", "Mudry"),
    *("Massart", "van den Bosch", "Beekman", "Raval", "Lucas", "Koh", "Tan", "Han", "Šošić"),
)
#: "; "-joined sorted sets of sources (methods, database PMIDs) by size - 1, to draw from quickly
_SOURCE_SETS = [["; ".join(sorted(c)) for c in combinations(SOURCES, k)] for k in (1, 2, 3)]
_METHOD_SETS = [["; ".join(sorted(c)) for c in combinations(METHODS, k)] for k in (1, 2)]
_DATABASE_SETS = [list(combinations(DATABASE_PMIDS, k)) for k in (1, 2)]
_DATABASE_PAPERS = (
    Paper(
        "29087512",
        "TRRUST v2: an expanded reference database of human and mouse transcriptional "
        "regulatory interactions.",
        "TRRUST is a manually curated database of transcriptional regulatory networks.",
        ("Heonjong Han", "Jae-Won Cho", "Sangyoung Lee"),
        "Nucleic Acids Research",
        "Nucleic Acids Res",
        2018,
        "10.1093/nar/gkx1013",
    ),
    Paper(
        "29126285",
        "ReMap 2018: an updated atlas of regulatory regions from an integrative analysis of "
        "DNA-binding ChIP-seq experiments.",
        "ReMap integrates public ChIP-seq experiments into a catalogue of regulatory regions.",
        ("Jeanne Chèneby", "Marius Gheorghe", "Marie Artufel"),
        "Nucleic Acids Research",
        "Nucleic Acids Res",
        2018,
        "10.1093/nar/gkx1092",
    ),
    Paper(
        "27924024",
        "GTRD: a database of transcription factor binding sites identified by ChIP-seq "
        "experiments.",
        "GTRD collects transcription factor binding sites from uniformly processed ChIP-seq.",
        ("Ivan Yevshin", "Ruslan Sharipov", "Tagir Valeev"),
        "Nucleic Acids Research",
        "Nucleic Acids Res",
        2017,
        "10.1093/nar/gkw951",
    ),
    Paper(
        "31340985",
        "Benchmark and integration of resources for the estimation of human transcription "
        "factor activities.",
        "DoRothEA gathers regulons of human transcription factors with confidence levels.",
        ("Luz Garcia-Alonso", "Christian H Holland", "Mahmoud M Ibrahim"),
        "Genome Research",
        "Genome Res",
        2019,
        "10.1101/gr.240663.118",
    ),
)


# --- the corpus --------------------------------------------------------------------------------


class Corpus:
    """A generated database: iterate ``documents()`` once, then read ``papers`` and ``records()``.

    Everything is drawn from ``spec.seed``; ``documents()`` streams, so only the papers
    (not the documents) are held in memory.
    """

    def __init__(self, spec: CorpusSpec) -> None:
        self.spec = spec
        plan = random.Random(f"{spec.seed}:plan")
        self.genes = _make_genes(plan, max(spec.documents, 50))
        self._tf_genes = self.genes[: max(10, len(self.genes) // 12)]
        self._shapes = [_make_shape(plan, spec.harmonizome_share) for _ in range(spec.documents)]
        primary = spec.pmids - len(DATABASE_PMIDS)
        self._pool = _pmid_pool(plan, primary)
        self._draws = _draw_order(plan, primary, sum(s.slots for s in self._shapes))
        self._missing_pool = frozenset(plan.sample(self._pool, round(primary * spec.missing_share)))
        self._rng = random.Random(f"{spec.seed}:content")
        self._cursor = 0
        self._started = False
        self._notices = 0
        self.papers: dict[str, Paper] = {}  #: every cited paper by PMID, in first-citation order
        #: by PMID, how many names the title gives and every name the paper is to name
        self._mentions: dict[str, tuple[int, list[str]]] = {}
        self.doi_mismatches = 0  #: Harmonizome references showing a DOI other than the record's

    @property
    def missing(self) -> frozenset[str]:
        """Cited PMIDs that deliberately have no record."""
        return self._missing_pool.intersection(self.papers)

    def documents(self) -> Iterator[GeneratedDocument]:
        """The documents in order; ``RuntimeError`` when iterated a second time."""
        if self._started:
            raise RuntimeError("Corpus.documents() can be iterated only once")
        self._started = True
        for index, shape in enumerate(self._shapes):
            folder = f"docs/{index // self.spec.docs_per_folder:03d}"
            yield self._document(folder, self.genes[index], shape)
        self._complete_abstracts()

    def records(self) -> Iterator[bytes]:
        """Each cited paper's record except the missing ones, in first-citation order.

        Call it after ``documents()`` is exhausted: abstracts are completed then.
        """
        missing = self.missing
        return (paper.record() for pmid, paper in self.papers.items() if pmid not in missing)

    def gene_summaries(self) -> list[dict[str, Any]]:
        """Every gene's synthetic NCBI Gene summary, by gene (deterministic per gene ID)."""
        return [_gene_summary(gene) for gene in self.genes]

    def _document(self, folder: str, gene: Gene, shape: _Shape) -> GeneratedDocument:
        if shape.generation == HARMONIZOME:
            text = self._harmonizome(gene, shape.references)
            return GeneratedDocument(f"{folder}/harmonizome_gene_{gene.symbol}.md", text, "B")
        text = self._tflink(gene, shape)
        if shape.crlf:
            text = text.replace("\n", "\r\n")
        name = f"{folder}/tflink_protein_{gene.accession}_{gene.symbol}.md"
        return GeneratedDocument(name, text, shape.generation, shape.crlf)

    # -- citations --------------------------------------------------------------------------

    def _cite(self, names: tuple[str, ...]) -> Paper:
        """The paper in the next citation slot, made when first cited.

        The paper names ``names`` most of the time: the first citation's in its title, later
        ones in its abstract (up to ``MAX_ABSTRACT_NAMES``, so much-cited papers miss some).
        """
        pmid = self._pool[self._draws[self._cursor]]
        self._cursor += 1
        mentioned = _mentioned(self._rng, names)
        paper = self.papers.get(pmid)
        if paper is None:
            paper = self.papers[pmid] = self._new_paper(pmid, mentioned)
            self._mentions[pmid] = (len(mentioned), list(mentioned))
            return paper
        later = self._mentions[pmid][1]
        for name in mentioned:
            if len(later) < MAX_ABSTRACT_NAMES and name not in later:
                later.append(name)
        return paper

    def _complete_abstracts(self) -> None:
        """Add to each abstract the names of later citations that its title does not give."""
        for pmid, (in_title, names) in self._mentions.items():
            if len(names) > in_title:
                paper = self.papers[pmid]
                listed = ", ".join(names[in_title:])
                abstract = f"{paper.abstract} The study also examined {listed}."
                self.papers[pmid] = replace(paper, abstract=abstract)
        self._mentions.clear()

    def _cite_database(self, pmid: str) -> str:
        if pmid not in self.papers:
            self.papers[pmid] = next(p for p in _DATABASE_PAPERS if p.pmid == pmid)
        return pmid

    def _new_paper(self, pmid: str, mentioned: tuple[str, ...]) -> Paper:
        """A paper whose title and abstract name ``mentioned`` (one or two names, or none)."""
        rng = self._rng
        journal, iso, prefix = rng.choice(_JOURNALS)
        year = rng.randint(1992, 2024)
        notice = None
        if pmid not in self._missing_pool and rng.random() < self.spec.retracted_share:
            self._notices += 1
            notice = str(40_000_000 + self._notices)
        return Paper(
            pmid=pmid,
            title=_title(rng, mentioned),
            abstract=_abstract(rng, mentioned),
            authors=tuple(_author(rng) for _ in range(rng.choice((1, 2, 3, 4, 5, 6, 8)))),
            journal=journal,
            journal_iso=iso,
            year=year,
            doi=f"{prefix}/syn.{year}.{pmid}",
            notice_pmid=notice,
        )

    # -- style A ----------------------------------------------------------------------------

    def _tflink(self, gene: Gene, shape: _Shape) -> str:
        rng = self._rng
        tfs = [self._row(gene, rng.choice(self._tf_genes), n, shape, True) for n in shape.tfs]
        targets = [self._row(gene, rng.choice(self.genes), n, shape, False) for n in shape.targets]
        return _tflink_front_matter(gene, shape.generation, tfs, targets)

    def _row(self, gene: Gene, partner: Gene, primary: int, shape: _Shape, tf: bool) -> str:
        """A row of ``gene``'s page; ``partner`` regulates ``gene`` when ``tf``, else vice versa."""
        names = (partner.symbol, gene.symbol) if tf else (gene.symbol, partner.symbol)
        rng = self._rng
        pmids = {self._cite(names).pmid for _ in range(primary)}
        if not pmids or rng.random() >= 0.15:
            chosen = rng.choice(_DATABASE_SETS[0 if rng.random() < 2 / 3 else 1])
            pmids.update(self._cite_database(pmid) for pmid in chosen)
        sources = rng.choice(_SOURCE_SETS[rng.randint(0, 2)])
        methods = rng.choice(_METHOD_SETS[rng.randint(0, 1)])
        row = f"{partner.symbol},{partner.accession},{partner.gene_id},{sources},{methods},"
        return row + evidence(sorted(pmids, key=int), shape.generation, rng)

    # -- style B ----------------------------------------------------------------------------

    def _harmonizome(self, gene: Gene, references: int) -> str:
        cited = {p.pmid: p for p in (self._cite((gene.symbol,)) for _ in range(references))}
        shown = [self._shown_reference(paper) for paper in cited.values()]
        return harmonizome_page(gene, shown, self._rng)

    def _shown_reference(self, paper: Paper) -> Paper:
        """The reference as the page shows it: the record's metadata, now and then a wrong DOI."""
        if self._rng.random() >= self.spec.doi_mismatch_share:
            return paper
        self.doi_mismatches += 1
        prefix, _, _ = paper.doi.partition("/")
        return replace(paper, doi=f"{prefix}/syn.{paper.year + 1}.{paper.pmid}")


def _gene_summary(gene: Gene) -> dict[str, Any]:
    """A synthetic NCBI Gene summary of ``gene`` with names shaped like real ones."""
    rng = random.Random(gene.gene_id)
    stem = gene.symbol.rstrip("0123456789")
    aliases = [f"{stem}-{n}" for n in range(1, rng.randint(2, 4))]
    aliases += [symbol(rng) for _ in range(rng.randint(1, 4))]
    designations = [f"{stem.lower()}-related protein {rng.randint(1, 9)}"]
    designations += [
        f"{rng.choice(_PROCESSES)} factor {symbol(rng)}" for _ in range(rng.randint(0, 4))
    ]
    return make_gene_summary(
        str(gene.gene_id),
        gene.symbol,
        description=f"{stem.lower()} family member {gene.gene_id % 97}",
        aliases=list(dict.fromkeys(aliases)),
        designations=designations,
    )


# --- planning: genes, shapes and PMID draws ----------------------------------------------------


def _make_genes(rng: random.Random, count: int) -> list[Gene]:
    """``count`` genes with distinct symbols, accessions and gene IDs."""
    symbols: dict[str, None] = {}
    while len(symbols) < count:
        symbols.setdefault(symbol(rng))
    accessions: dict[str, None] = {}
    while len(accessions) < count:
        tail = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(3))
        accessions.setdefault(f"{rng.choice('OPQ')}{rng.randint(0, 9)}{tail}{rng.randint(0, 9)}")
    gene_ids = rng.sample(range(1, 200_000), count)
    return [Gene(*parts) for parts in zip(symbols, accessions, gene_ids, strict=True)]


def _make_shape(rng: random.Random, harmonizome_share: float) -> _Shape:
    """A document's style and size: TFLink pages are mostly small, TF pages have 100 targets."""
    if rng.random() < harmonizome_share:
        return _Shape(HARMONIZOME, references=rng.randint(8, 40))
    generation = rng.choices(GENERATIONS, weights=(10, 30, 30, 30))[0]
    crlf = generation == "A2" and rng.random() < 0.5
    if rng.random() < 0.1:  # a transcription factor: many targets, often regulators too
        targets = 100 if rng.random() < 0.75 else rng.randint(5, 99)
        tfs = 0 if rng.random() < 0.15 else _row_count(rng)
    else:
        tfs, targets = _row_count(rng), 0
    return _Shape(generation, crlf, _primaries(rng, tfs), _primaries(rng, targets))


def _row_count(rng: random.Random) -> int:
    """Rows of a table: log-uniform over 2-100, and a single row one time in 20."""
    if rng.random() < 0.05:
        return 1
    return min(100, int(math.exp(rng.uniform(math.log(2), math.log(101)))))


def _primaries(rng: random.Random, rows: int) -> bytes:
    """Primary (non-database) citations on each of ``rows`` rows: none to four, mostly 0-1."""
    return bytes(rng.choices((0, 1, 2, 3, 4), weights=(35, 35, 18, 8, 4), k=rows))


def _pmid_pool(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct primary PMIDs, none of them a database paper's."""
    pool = rng.sample(range(1_000_000, 39_000_000), count + len(DATABASE_PMIDS))
    reserved = {int(pmid) for pmid in DATABASE_PMIDS}
    return [str(pmid) for pmid in pool if pmid not in reserved][:count]


def _draw_order(rng: random.Random, pool: int, slots: int) -> array[int]:
    """Pool indices for ``slots`` citations: each index at least once (when slots allow),
    the rest drawn with a long tail towards low indices, all shuffled."""
    if slots <= pool:
        return array("l", rng.sample(range(pool), slots))
    extra = (int(pool * rng.random() ** 2) for _ in range(slots - pool))
    order = array("l", range(pool))
    order.extend(extra)
    rng.shuffle(order)
    return order


# --- texts ---------------------------------------------------------------------------------


def _mentioned(rng: random.Random, names: tuple[str, ...]) -> tuple[str, ...]:
    """Which of ``names`` a paper names: all mostly, one now and then, none about 1 in 8."""
    roll = rng.random()
    if roll < 0.8:
        return names
    if roll < 0.875 and len(names) > 1:
        return (rng.choice(names),)
    return ()


def _title(rng: random.Random, names: tuple[str, ...]) -> str:
    templates = (_PLAIN_TITLES, _GENE_TITLES, _EDGE_TITLES)[min(len(names), 2)]
    words = {"process": rng.choice(_PROCESSES), "tissue": rng.choice(_TISSUES)}
    first, last = (names[0], names[-1]) if names else ("", "")
    text = rng.choice(templates).format(a=first, b=last, **words)
    return text[0].upper() + text[1:]


def _abstract(rng: random.Random, names: tuple[str, ...]) -> str:
    process, tissue = rng.choice(_PROCESSES), rng.choice(_TISSUES)
    opening = f"We studied {process} in {tissue} models."
    if len(names) == 2:
        middle = f" {names[0]} bound the {names[1]} promoter and changed its expression."
    elif names:
        middle = f" Depletion of {names[0]} altered {process}."
    else:
        middle = " Several transcription factors were profiled."
    return opening + middle + " These findings link transcriptional regulation to disease."


def _author(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


def _tflink_front_matter(gene: Gene, generation: str, tfs: list[str], targets: list[str]) -> str:
    """A protein page's YAML front matter; A1b and A2 pages carry their extra keys."""
    extra = ""
    if generation in ("A1b", "A2"):
        extra = (
            f"number_of_interactions: '{len(tfs) + len(targets)}'\n"
            f"tfs_download: TFLink_tfs_of_{gene.accession}.tsv\n"
            f"targets_download: TFLink_targets_of_{gene.accession}.tsv\n"
        )
    closing = "binding_sites: ''\n---\n" if generation == "A0" else "binding_sites: ''\n\n---\n"
    return (
        f"---\ntype: protein\nlayout: protein\ntitle: {gene.accession}\n"
        f"protein_name: {gene.symbol}\nuniprot_accession: {gene.accession}\n"
        f"ncbi_gene_id: '{gene.gene_id}'\norganism: Homo sapiens\n"
        f"function: {'transcription factor and target gene' if targets else 'target gene'}\n"
        f"{extra}tfs: {_scalar(tfs)}\ntargets: {_scalar(targets)}\n{closing}"
    )


# --- style B: Harmonizome gene pages -----------------------------------------------------------


def harmonizome_page(gene: Gene, references: Sequence[Paper], rng: random.Random) -> str:
    """A Harmonizome gene page about ``gene`` whose Summary cites every one of ``references``.

    Each reference shows the paper's authors (three, then "et al."), title, journal
    abbreviation and year, DOI and PMID, as on examples/harmonizome_gene_TWIST2.md.
    """
    children = _paragraphs(gene, len(references), rng)
    children.append({"type": "rg", "children": _reference_nodes(references)})
    tree = {"type": "root", "children": children}
    synonyms = ", ".join(
        f"{gene.symbol[:3]}{rng.randint(1, 99)}L" for _ in range(rng.randint(0, 3))
    )
    rows = [
        "| HGNC Family | Basic helix-loop-helix proteins (BHLH) |",
        f"| Name | {gene.symbol.lower()} family transcription regulator |",
        f"| Description | The protein encoded by {gene.symbol} regulates transcription. |",
        "| Summary |",
        json.dumps(tree, ensure_ascii=False),
        "|",
        f"| Synonyms | {synonyms} |",
        f"| Proteins | {gene.symbol}_HUMAN |",
        f"| NCBI Gene ID | {gene.gene_id} |",
        "| API | |",
        "| Download Associations | |",
        f"{gene.symbol} has {rng.randint(100, 9000):,} functional associations with biological "
        "entities spanning 9 categories.",
        f"Click the + buttons to view associations for {gene.symbol} from the datasets below.",
    ]
    return "\n".join(rows) + "\n"


def _paragraphs(gene: Gene, references: int, rng: random.Random) -> list[dict[str, Any]]:
    """Paragraphs of statements whose footnote groups together cite refs 1..``references``."""
    chunks = _chunks(rng, references)
    nodes: list[dict[str, Any]] = []
    while chunks:
        count = rng.randint(1, 3)
        taken, chunks = chunks[:count], chunks[count:]
        children: list[dict[str, Any]] = []
        for first, last in taken:
            children += _statement(gene, rng, lead="\n" if not children else " ")
            children.append(_footnotes(rng, first, last))
        children.append({"type": "t", "text": "\n"})
        if nodes:
            nodes.append({"type": "t", "text": "\n\n"})
        nodes.append({"type": "p", "children": children})
    return nodes


def _chunks(rng: random.Random, references: int) -> list[tuple[int, int]]:
    """Refs 1..``references`` cut into consecutive inclusive ranges of one to eight refs."""
    chunks, start = [], 1
    while start <= references:
        end = min(references, start + rng.randint(0, 7))
        chunks.append((start, end))
        start = end + 1
    return chunks


def _statement(gene: Gene, rng: random.Random, lead: str) -> list[dict[str, Any]]:
    """A sentence about ``gene`` as ``t`` nodes, now and then with a ``b`` or ``i`` part."""
    process, tissue = rng.choice(_PROCESSES), rng.choice(_TISSUES)
    text = f"{lead}{gene.symbol} contributes to {process} in {tissue} tissue"
    styled = rng.choice(("", "", "b", "i"))
    if not styled:
        return [{"type": "t", "text": f"{text}, as shown in several studies."}]
    inner = {"type": "t", "text": "in vivo" if styled == "i" else "directly"}
    return [
        {"type": "t", "text": f"{text} and acts "},
        {"type": styled, "children": [inner]},
        {"type": "t", "text": "."},
    ]


def _footnotes(rng: random.Random, first: int, last: int) -> dict[str, Any]:
    """An ``fg`` group citing ``first``..``last``: a range when long, refs one by one otherwise."""
    entries: list[dict[str, Any]] = []
    if first > 1 and rng.random() < 0.25:  # re-cite an earlier reference, as Harmonizome does
        entries.append({"type": "fg_f", "ref": str(rng.randint(1, first - 1))})
    if last - first >= 2:
        entries.append({"type": "fg_fs", "start_ref": str(first), "end_ref": str(last)})
    else:
        entries += [{"type": "fg_f", "ref": str(ref)} for ref in range(first, last + 1)]
    return {"type": "fg", "children": entries}


def _reference_nodes(references: Sequence[Paper]) -> list[dict[str, Any]]:
    return [_reference_node(number, paper) for number, paper in enumerate(references, start=1)]


def _reference_node(number: int, paper: Paper) -> dict[str, Any]:
    """One ``r`` node: authors, bold title, italic "Journal (year)", DOI and PubMed links."""
    authors = ", ".join(paper.authors[:3]) + (", et al. " if len(paper.authors) > 3 else " ")

    def link(text: str, href: str) -> dict[str, Any]:
        return {"type": "a", "children": [{"type": "t", "text": text}], "href": href}

    children = [
        {"type": "t", "text": authors},
        {"type": "b", "children": [{"type": "t", "text": paper.title}]},
        {"type": "t", "text": " "},
        {"type": "i", "children": [{"type": "t", "text": f"{paper.journal_iso} ({paper.year})"}]},
        {"type": "t", "text": " DOI: "},
        link(paper.doi, f"https://doi.org/{paper.doi}"),
        {"type": "t", "text": " PMID: "},
        link(paper.pmid, f"https://pubmed.ncbi.nlm.nih.gov/{paper.pmid}"),
    ]
    return {"type": "r", "ref": number, "children": children}


# --- writing a corpus to disk ------------------------------------------------------------------


@dataclass(slots=True)
class CorpusSummary:
    """What ``write_corpus`` wrote, for the summary line and ``corpus.json``."""

    documents: Counter[str] = field(default_factory=Counter)  #: by generation
    crlf: int = 0
    distinct_pmids: int = 0
    records: int = 0
    retracted: int = 0
    missing: int = 0
    doi_mismatches: int = 0
    document_bytes: int = 0
    record_bytes: int = 0
    genes: int = 0  #: gene summaries
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The summary as printable lines."""
        generations = ", ".join(f"{g} {self.documents[g]}" for g in (*GENERATIONS, HARMONIZOME))
        tflink = sum(self.documents[g] for g in GENERATIONS)
        return [
            f"documents  {sum(self.documents.values()):,}: TFLink {tflink:,} ({self.crlf} CRLF), "
            f"Harmonizome {self.documents[HARMONIZOME]:,}  [{generations}]",
            f"pmids      {self.distinct_pmids:,} distinct cited, {self.missing} missing "
            f"(no record), {self.doi_mismatches} DOI mismatches on Harmonizome pages",
            f"records    {self.records:,} ({self.retracted} retracted); "
            f"gene summaries {self.genes:,}",
            f"bytes      documents {self.document_bytes / 1e6:,.1f} MB, "
            f"records {self.record_bytes / 1e6:,.1f} MB",
            f"time       {self.seconds:.1f} s",
        ]


def write_corpus(out_dir: Path, spec: CorpusSpec) -> CorpusSummary:
    """Generate the corpus of ``spec`` into ``out_dir`` (see the module docstring's layout)."""
    start = time.perf_counter()
    corpus, summary = Corpus(spec), CorpusSummary()
    made_folders: set[Path] = set()
    for document in corpus.documents():
        path = out_dir / document.path
        if path.parent not in made_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_folders.add(path.parent)
        data = document.text.encode("utf-8")
        path.write_bytes(data)
        summary.documents[document.generation] += 1
        summary.crlf += document.crlf
        summary.document_bytes += len(data)
    summary.record_bytes, summary.records = _write_records(out_dir / "records", corpus, spec)
    genes = corpus.gene_summaries()
    note = "synthetic gene summaries made by benchmarks/corpus.py for scale benchmarks"
    (out_dir / "records" / GENES_FILE).write_bytes(gene_summaries_file(genes, note))
    summary.genes = len(genes)
    missing = corpus.missing
    retracted = sorted(p.pmid for p in corpus.papers.values() if p.retracted)
    summary.distinct_pmids, summary.missing = len(corpus.papers), len(missing)
    summary.retracted, summary.doi_mismatches = len(retracted), corpus.doi_mismatches
    summary.seconds = time.perf_counter() - start
    manifest = {
        "spec": asdict(spec),
        "summary": {**asdict(summary), "documents": dict(summary.documents)},
        "missing": sorted(missing, key=int),
        "retracted": sorted(retracted, key=int),
    }
    (out_dir / "corpus.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return summary


def _write_records(folder: Path, corpus: Corpus, spec: CorpusSpec) -> tuple[int, int]:
    """Write the records in sets of ``spec.records_per_file``; return (bytes, records)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = count = 0
    batch: list[bytes] = []
    for record in corpus.records():
        batch.append(record)
        if len(batch) == spec.records_per_file:
            written += _write_set(folder, count // spec.records_per_file, batch)
            count, batch = count + len(batch), []
    if batch:
        written += _write_set(folder, count // spec.records_per_file, batch)
        count += len(batch)
    return written, count


def _write_set(folder: Path, number: int, records: list[bytes]) -> int:
    data = record_set(records)
    (folder / f"records-{number:04d}.xml").write_bytes(data)
    return len(data)
