"""The default records of ``enrich.testing``: synthetic records for the PMIDs of ``examples/``.

The records in ``enrich/testing/records/`` are generated, never edited by hand::

    python -m enrich.testing make-example-records           # rewrite the folder
    python -m enrich.testing make-example-records --check   # exit 1 if it is stale

The spec is the two example documents plus :data:`CURATED` and :data:`LEFT_OUT` below:

* every reference of the Harmonizome TWIST2 page becomes a record carrying exactly
  the page's title, authors, journal, year, DOI and PMID (no abstract: the page has none);
* the TFLink TWIST1 page's PMIDs with metadata in ``shared/ncbi/FACTS.md`` §7 get that
  metadata (:data:`CURATED`), those FACTS found nowhere are left out (:data:`LEFT_OUT`)
  so they resolve as not found, and every other one gets a plainly synthetic record
  naming the first edge that cites it, so an offline audit has something to grade.

Each record is one ``<pmid>.xml`` file (an efetch ``PubmedArticleSet``); ``README.md``
lists them with where each one's metadata comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enrich.extract import read_document
from enrich.model import Citation, Document
from enrich.testing._genes import GENES_FILE, gene_summaries_file
from enrich.testing._records import DEFAULT_RECORDS_DIR
from enrich.testing.example_genes import example_gene_summaries
from enrich.testing.synthetic import make_record, record_set

__all__ = [
    "CURATED",
    "EXAMPLES_DIR",
    "HARMONIZOME_EXAMPLE",
    "LEFT_OUT",
    "TFLINK_EXAMPLE",
    "ExampleRecord",
    "build_example_records",
    "example_records",
    "stale_example_records",
    "write_example_records",
]

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
"""The ``examples/`` folder of a source checkout (absent from an installed package)."""
HARMONIZOME_EXAMPLE = "harmonizome_gene_TWIST2.md"
TFLINK_EXAMPLE = "tflink_protein_Q15672_TWIST1.md"

SYNTHETIC_JOURNAL = "Synthetic Journal of Gene Regulation"
SYNTHETIC_YEAR = 2010
SYNTHETIC_DOI_PREFIX = "10.5555/enrich.synthetic."  # 10.5555 is a DOI test prefix
_FACTS = "shared/ncbi/FACTS.md §7"
_NAR = "Nucleic Acids Res"

#: Metadata for TWIST1-page PMIDs as FACTS.md §7 gives it; "note" says what is unconfirmed.
CURATED: dict[str, dict[str, Any]] = {
    "29087512": {
        "title": "TRRUST v2: an expanded reference database of human and mouse "
        "transcriptional regulatory interactions.",
        "authors": ["Han H"],
        "authors_complete": False,
        "journal": _NAR,
        "journal_iso": _NAR,
        "year": 2018,
        "volume": "46",
        "issue": "D1",
        "pages": "D380-D386",
        "doi": "10.1093/nar/gkx1013",
        "note": f"TRRUST v2, metadata from {_FACTS}; the exact title is unconfirmed "
        "(bibliographies disagree) and FACTS reports a DOI conflict (gkx1013 or gkx1080)",
    },
    "27924024": {
        "title": "GTRD: a database of transcription factor binding sites identified by "
        "ChIP-seq experiments.",
        "authors": ["Yevshin I", "Sharipov R", "Valeev T", "Kel A", "Kolpakov F"],
        "journal": _NAR,
        "journal_iso": _NAR,
        "year": 2017,
        "volume": "45",
        "issue": "D1",
        "doi": "10.1093/nar/gkw951",
        "pmcid": "PMC5210645",
        "note": f"GTRD, metadata from {_FACTS}; year 2017 is the print issue "
        "(the epub year is 2016)",
    },
    "31340985": {
        "title": "Benchmark and integration of resources for the estimation of human "
        "transcription factor activities.",
        "journal": "Genome Res",
        "journal_iso": "Genome Res",
        "year": 2019,
        "volume": "29",
        "issue": "8",
        "pages": "1363-1375",
        "doi": "10.1101/gr.240663.118",
        "pmcid": "PMC6673718",
        "relations": [
            ("ErratumIn", "33795376", "Genome Res. 2021 Apr;31(4):745. doi: 10.1101/gr.275408.121")
        ],
        "note": f"DoRothEA, metadata from {_FACTS}; authors are not given there, "
        "so none are listed",
    },
    "29126285": {
        "title": "ReMap 2018: an updated atlas of regulatory regions from an integrative "
        "analysis of DNA-binding ChIP-seq experiments.",
        "journal": _NAR,
        "journal_iso": _NAR,
        "year": 2018,
        "note": f"ReMap 2018, unconfirmed metadata: {_FACTS} found no page for this PMID; "
        "title and journal are what it is expected to be, and no DOI or authors are known",
    },
}

#: PMIDs of the examples with no record: they resolve as not found, as they may on PubMed.
LEFT_OUT: dict[str, str] = {
    "23836662": f"{_FACTS}: not found in any public copy consulted",
    "19051271": f"{_FACTS}: nothing found",
}

#: Fields added to a Harmonizome reference's record (never replacing the page's own).
_ADDED: dict[str, dict[str, Any]] = {
    "18598946": {
        "volume": "14",
        "issue": "1",
        "pages": "79-89",
        "note": f"volume, issue and pages from {_FACTS} (Cancer Cell. 2008 Jul 8;14(1):79-89)",
    },
}


@dataclass(frozen=True)
class ExampleRecord:
    """One default record: its PMID, the keyword arguments of ``make_record``, its source."""

    pmid: str
    fields: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def xml(self) -> bytes:
        """The record as a one-record efetch ``PubmedArticleSet`` document."""
        return record_set([make_record(self.pmid, synthetic_note=self.source, **self.fields)])


def example_records(examples_dir: Path = EXAMPLES_DIR) -> list[ExampleRecord]:
    """The default records, one per PMID cited by the examples (bar :data:`LEFT_OUT`), by PMID.

    ``FileNotFoundError`` when an example document is missing; ``ValueError`` when one
    reads with problems (the spec would then not be the page).
    """
    twist2 = _read(examples_dir / HARMONIZOME_EXAMPLE)
    twist1 = _read(examples_dir / TFLINK_EXAMPLE)
    records: dict[str, ExampleRecord] = {}
    for citation in twist2.all_citations():
        if citation.pmid and citation.pmid not in records:
            records[citation.pmid] = _from_reference(citation)
    for pmid, edge in _first_edges(twist1).items():
        if pmid in records or pmid in LEFT_OUT:
            continue
        records[pmid] = _curated(pmid) if pmid in CURATED else _synthetic(pmid, edge)
    return sorted(records.values(), key=lambda r: int(r.pmid))


def build_example_records(examples_dir: Path = EXAMPLES_DIR) -> dict[str, bytes]:
    """The folder's content as file name -> bytes: ``<pmid>.xml`` files, ``genes.json``
    (the synthetic gene summaries of :mod:`enrich.testing.example_genes`) and ``README.md``."""
    records = example_records(examples_dir)
    files = {f"{record.pmid}.xml": record.xml() for record in records}
    genes = example_gene_summaries(_example_gene_ids(examples_dir))
    files[GENES_FILE] = gene_summaries_file(genes, _GENES_NOTE)
    files["README.md"] = _readme(records, genes).encode("utf-8")
    return files


_GENES_NOTE = (
    "synthetic gene summaries made by enrich.testing (enrich/testing/example_genes.py): "
    "names as NCBI Gene lists them, to the best of the project's knowledge; not copied "
    "from NCBI"
)


def _example_gene_ids(examples_dir: Path) -> set[str]:
    """The Gene IDs the example documents give: each page's own and every row's."""
    ids: set[str] = set()
    for name in (TFLINK_EXAMPLE, HARMONIZOME_EXAMPLE):
        document = _read(examples_dir / name)
        ids.update(filter(None, [document.subject.gene_id]))
        ids.update(i for claim in document.claims if claim.partner for i in claim.partner.gene_ids)
    return ids


def stale_example_records(
    records_dir: Path = DEFAULT_RECORDS_DIR, examples_dir: Path = EXAMPLES_DIR
) -> list[str]:
    """Names of files in ``records_dir`` that differ from, lack or exceed the generated set."""
    wanted = build_example_records(examples_dir)
    present = {p.name for p in records_dir.glob("*.xml")} | {"README.md", GENES_FILE}
    return sorted(
        name
        for name in present | set(wanted)
        if name not in wanted or _read_bytes(records_dir / name) != wanted[name]
    )


def write_example_records(
    records_dir: Path = DEFAULT_RECORDS_DIR, examples_dir: Path = EXAMPLES_DIR
) -> list[str]:
    """Regenerate ``records_dir``: write every file, delete other ``*.xml``; the names written."""
    wanted = build_example_records(examples_dir)
    records_dir.mkdir(parents=True, exist_ok=True)
    for old in records_dir.glob("*.xml"):
        if old.name not in wanted:
            old.unlink()
    for name, data in wanted.items():
        (records_dir / name).write_bytes(data)
    return sorted(wanted)


# --- the three kinds of record ------------------------------------------------------------


def _read(path: Path) -> Document:
    if not path.is_file():
        raise FileNotFoundError(f"example document {path} is missing")
    document = read_document(path)
    if document.problems:
        raise ValueError(f"{path}: {document.problems[0].message}")
    return document


def _from_reference(citation: Citation) -> ExampleRecord:
    """A record with exactly what the Harmonizome page says about reference ``citation``."""
    names = [n.strip() for n in (citation.authors or "").split(",") if n.strip()]
    authors = [n for n in names if n.rstrip(".").lower() != "et al"]
    added = dict(_ADDED.get(citation.pmid or "", {}))
    note = added.pop("note", "")
    source = f"metadata as given by examples/{HARMONIZOME_EXAMPLE} reference {citation.ref}"
    fields = {
        "title": citation.title or "",
        "doi": citation.doi,
        "authors": authors,
        "authors_complete": len(authors) == len(names),
        "journal": citation.journal or "",
        "journal_iso": citation.journal or "",
        "year": citation.year,
        **added,
    }
    return ExampleRecord(str(citation.pmid), fields, f"{source}; {note}" if note else source)


def _curated(pmid: str) -> ExampleRecord:
    fields = dict(CURATED[pmid])
    note = fields.pop("note")
    return ExampleRecord(pmid, fields, note)


def _synthetic(pmid: str, edge: tuple[str, str, str]) -> ExampleRecord:
    """A plainly made-up record naming the first edge that cites ``pmid``."""
    regulator, target, location = edge
    fields = {
        "title": f"Synthetic record for PMID {pmid}: {regulator} regulates {target}",
        "abstract": f"This synthetic abstract states that {regulator} regulates {target}: "
        f"{target} is a target of the transcription factor {regulator}. "
        "It was made by enrich.testing and reports no real finding.",
        "journal": SYNTHETIC_JOURNAL,
        "journal_iso": SYNTHETIC_JOURNAL,
        "year": SYNTHETIC_YEAR,
        "doi": f"{SYNTHETIC_DOI_PREFIX}{pmid}",
    }
    source = (
        f"made up, not a real paper; title and abstract name the first edge citing it "
        f"in examples/{TFLINK_EXAMPLE} ({location}: {regulator} -> {target})"
    )
    return ExampleRecord(pmid, fields, source)


def _first_edges(document: Document) -> dict[str, tuple[str, str, str]]:
    """PMID -> (regulator, target, location) of the first edge citing it, in document order."""
    edges: dict[str, tuple[str, str, str]] = {}
    for claim in document.claims:
        for citation in claim.citations:
            if citation.pmid and citation.pmid not in edges:
                edges[citation.pmid] = (claim.regulator or "?", claim.target or "?", claim.location)
    return edges


def _read_bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _readme(records: list[ExampleRecord], genes: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"| {r.pmid} | {_cell(r.fields['title'])} | {_cell(r.source)} |\n" for r in records
    )
    left_out = "".join(f"| {pmid} | {why} |\n" for pmid, why in LEFT_OUT.items())
    gene_rows = "".join(
        f"| {g['uid']} | {_cell(g['name'])} | {_cell(g['otheraliases'])} |\n"
        if not g["currentid"]
        else f"| {g['uid']} | {_cell(g['name'])} | replaced by Gene ID {g['currentid']} |\n"
        for g in genes
    )
    return (
        f"{_README_HEAD}\n{len(records)} records:\n\n"
        f"| PMID | title | metadata from |\n|---|---|---|\n{rows}\n"
        f"Left out on purpose (they resolve as not found):\n\n"
        f"| PMID | why |\n|---|---|\n{left_out}\n{_GENES_HEAD}\n{len(genes)} gene summaries:\n\n"
        f"| Gene ID | symbol | aliases |\n|---|---|---|\n{gene_rows}"
    )


_GENES_HEAD = """\
## Gene summaries: `genes.json`

**Synthetic as well**: the NCBI Gene summaries (esummary `db=gene`, in NCBI's JSON
fields) of every Gene ID the two examples give, written by this project in
`enrich/testing/example_genes.py`: each gene's symbol, full name, aliases and
designations as NCBI Gene lists them, to the best of the project's knowledge (lists
may be shorter than NCBI's, or older). Gene ID 900000001 is a made-up old ID replaced
by TWIST1's, served as NCBI serves a replaced record (status 1, `currentid`).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


_README_HEAD = f"""\
# Default records for `enrich.testing`

**Every record in this folder is synthetic**: made by this project with
`enrich.testing.make_record`, not copied from PubMed or any third party. Each file
`<pmid>.xml` is an efetch-style `PubmedArticleSet` holding one record, whose first
child is a comment `<!-- synthetic record made by enrich.testing: ... -->` saying
where its metadata came from.

The records cover the PMIDs cited by the two documents in `examples/`, so that
`python -m enrich.testing serve` (which serves this folder by default) lets
`enrich` run over `examples/` offline. Do not edit these files: they are generated
from `enrich/testing/example_records.py` and the example documents by

    python -m enrich.testing make-example-records

and a test fails when they differ from what that command writes
(`python -m enrich.testing make-example-records --check` says which).

Where the metadata comes from:

* `examples/{HARMONIZOME_EXAMPLE}`: each reference gives its record's
  title, authors (as listed; "et al." marks the author list incomplete), journal,
  year, DOI and PMID, unchanged. No abstract: the page gives none.
* `examples/{TFLINK_EXAMPLE}`: the four database papers use what
  `shared/ncbi/FACTS.md` §7 says (unconfirmed parts are named in the record's
  comment); every other PMID gets a plainly synthetic record ("Synthetic record
  for PMID N: A regulates B", journal "{SYNTHETIC_JOURNAL}", year
  {SYNTHETIC_YEAR}, DOI `{SYNTHETIC_DOI_PREFIX}N` under the 10.5555 test prefix)
  built from the first edge that cites it.
"""
