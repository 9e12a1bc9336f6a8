"""Synthetic PubMed records (``make_record``, ``record_set``) and the default records."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from lxml import etree

from enrich.entrez.pubmed import iter_records, parse_record
from enrich.extract import read_document
from enrich.model import ClaimKind, Document, PaperRecord, Relation
from enrich.testing import DEFAULT_RECORDS_DIR, EutilsServer, RecordStore, make_record, record_set
from enrich.testing.__main__ import main as cli_main
from enrich.testing.example_records import CURATED, LEFT_OUT, stale_example_records
from enrich.testing.synthetic import split_author

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DTD = SHARED / "ncbi" / "dtd" / "pubmed_250101.dtd"
TWIST1 = REPO / "examples" / "tflink_protein_Q15672_TWIST1.md"
TWIST2 = REPO / "examples" / "harmonizome_gene_TWIST2.md"
HOSTILE = "<script>alert(1)</script> & \"quotes\" 'and' ]]> &amp; \u00e9\u03b2"


def parse_one(xml: bytes) -> PaperRecord:
    """The single record of ``xml`` read through ``enrich.entrez.pubmed.iter_records``."""
    records = [record for record, _ in iter_records(record_set([xml]))]
    assert len(records) == 1
    return records[0]


def comment_of(xml: bytes) -> str:
    """The text of the first comment inside the record element."""
    root = etree.fromstring(xml)
    comments = [node for node in root if isinstance(node, etree._Comment)]
    assert comments, "record has no comment"
    return str(comments[0].text).strip()


@pytest.fixture(scope="module")
def dtd() -> etree.DTD:
    """NCBI's 2025 PubMed DTD from ../shared, skipping where it is absent."""
    if not DTD.is_file():
        pytest.skip(f"{DTD} is absent (the shared NCBI samples are not checked out)")
    return etree.DTD(str(DTD))


@pytest.fixture(scope="module")
def twist1() -> Document:
    return read_document(TWIST1)


@pytest.fixture(scope="module")
def twist2() -> Document:
    return read_document(TWIST2)


@pytest.fixture(scope="module")
def default_store() -> RecordStore:
    return RecordStore.default()


# -- make_record and record_set ---------------------------------------------------------


def test_round_trip_gives_back_every_field() -> None:
    """enrich.entrez.pubmed reads a made record back to exactly the metadata it was made from."""
    xml = make_record(
        "900000001",
        title="Twist proteins and senescence.",
        doi="10.5555/enrich.test(1)",
        authors=["Stéphane Ansieau", "Han H", "Mirjam W M van den Bosch", "ENCODE Consortium"],
        journal="Cancer cell",
        journal_iso="Cancer Cell",
        year=2008,
        volume="14",
        issue="1",
        pages="79-89",
        abstract="TWIST1 regulates CDH1.",
        publication_types=["Journal Article", "Review"],
        relations=[("CommentIn", "900000002", "Cancer Cell. 2008;14(1):1.")],
        mesh_headings=["Humans", "Twist-Related Protein 1"],
        language="fre",
        pmcid="PMC0000001",
    )
    assert parse_one(xml) == PaperRecord(
        pmid="900000001",
        doi="10.5555/enrich.test(1)",
        pmcid="PMC0000001",
        title="Twist proteins and senescence.",
        title_markup="Twist proteins and senescence.",
        abstract="TWIST1 regulates CDH1.",
        journal="Cancer cell",
        journal_iso="Cancer Cell",
        volume="14",
        issue="1",
        pages="79-89",
        year=2008,
        date="2008",
        authors=("Ansieau S", "Han H", "van den Bosch MWM", "ENCODE Consortium"),
        publication_types=("Journal Article", "Review"),
        mesh_headings=("Humans", "Twist-Related Protein 1"),
        languages=("fre",),
        relations=(Relation("CommentIn", "900000002", "Cancer Cell. 2008;14(1):1."),),
    )
    assert parse_record(xml) == parse_one(xml)


def test_retraction_and_correction_links_round_trip() -> None:
    """RetractionIn, ErratumIn and ExpressionOfConcernIn links and the retracted type survive."""
    relations = [
        ("RetractionIn", "900000011", "Synthetic J. 2020;1:1."),
        ("ErratumIn", "900000012", "Synthetic J. 2019;1:2."),
        ("ExpressionOfConcernIn", None, "Synthetic J. 2018;1:3."),
    ]
    xml = make_record(
        "900000010",
        title="A retracted synthetic paper.",
        publication_types=["Journal Article", "Retracted Publication"],
        relations=relations,
    )
    record = parse_one(xml)
    assert record.relations == tuple(Relation(*relation) for relation in relations)
    assert record.publication_types == ("Journal Article", "Retracted Publication")
    assert record.is_retracted
    assert b'UI="D016441">Retracted Publication<' in xml


def test_hostile_text_is_escaped_and_kept() -> None:
    """Markup, ampersands and quotes in any field are escaped in XML and read back verbatim."""
    xml = make_record(
        "900000020",
        title=HOSTILE,
        abstract=HOSTILE,
        journal=HOSTILE,
        authors=["<i>Group</i> & Co", "Ann <b>O'Brien</b>"],
        relations=[("ErratumIn", None, HOSTILE)],
        synthetic_note="a note -- with <tags> & dashes-",
    )
    assert b"<script>" not in xml and b"<b>" not in xml
    record = parse_one(xml)
    assert record.title == record.abstract == record.journal == HOSTILE
    assert record.relations[0].source == HOSTILE
    assert "<script>" not in record.title_markup
    assert record.authors == ("<i>Group</i> & Co", "<b>O'Brien</b> A")
    assert "--" not in comment_of(xml)


def test_missing_fields_leave_their_elements_out() -> None:
    """A record with only a title has no DOI, year, authors or abstract when read back."""
    record = parse_one(make_record("900000030", title="Only a title."))
    assert (record.doi, record.year, record.date, record.pmcid) == (None, None, "", None)
    assert (record.authors, record.abstract, record.pages, record.relations) == ((), "", "", ())
    assert record.publication_types == ("Journal Article",)


@pytest.mark.shared
def test_made_records_are_valid_against_the_2025_dtd(dtd: etree.DTD) -> None:
    """Full, minimal and hostile records validate against NCBI's pubmed_250101.dtd."""
    records = [
        make_record("1", title="t"),
        make_record("2", title=HOSTILE, doi="10.5555/x", year=2001, abstract="a", pmcid="PMC2"),
        make_record("3", title="t", pages="1-2", authors=["A B"], mesh_headings=["Humans"]),
        make_record("4", title="t", relations=[("RetractionIn", "5", "J. 2020")]),
    ]
    root = etree.fromstring(record_set(records))
    assert dtd.validate(root), dtd.error_log.filter_from_errors()


def test_record_set_is_headed_like_ncbi_efetch() -> None:
    """record_set starts with NCBI's XML declaration and 2025 DOCTYPE and keeps record order."""
    document = record_set([make_record("2", title="b"), make_record("1", title="a")])
    assert document.startswith(b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC ')
    assert b"pubmed_250101.dtd" in document
    assert [record.pmid for record, _ in iter_records(document)] == ["2", "1"]
    assert list(iter_records(record_set([]))) == []


def test_records_say_they_are_synthetic() -> None:
    """Each record opens with a comment naming enrich.testing and the note; None omits it."""
    xml = make_record("900000040", title="t", synthetic_note="from a unit test")
    assert comment_of(xml) == "synthetic record made by enrich.testing: from a unit test"
    assert b"<!--" not in make_record("900000041", title="t", synthetic_note=None)


def test_bad_input_is_refused() -> None:
    """A PMID that is not digits, or text XML cannot hold, raises ValueError."""
    with pytest.raises(ValueError, match="digits"):
        make_record("PMC1", title="t")
    with pytest.raises(ValueError):
        make_record("1", title="nul \x00 byte")


@pytest.mark.parametrize(
    ("name", "last", "fore", "initials", "collective"),
    [
        ("Stéphane Ansieau", "Ansieau", "Stéphane", "S", ""),
        ("Ansieau S", "Ansieau", "", "S", ""),
        ("J-L Dong", "Dong", "J-L", "JL", ""),
        ("Yu-En Tan", "Tan", "Yu-En", "YE", ""),
        ("Mirjam W M van den Bosch", "van den Bosch", "Mirjam W M", "MWM", ""),
        ("X Fang", "Fang", "X", "X", ""),
        ("Plato", "Plato", "", "", ""),
        ("The ENCODE Project Consortium", "", "", "", "The ENCODE Project Consortium"),
    ],
)
def test_split_author_reads_both_name_orders(
    name: str, last: str, fore: str, initials: str, collective: str
) -> None:
    """Names given first-name-first or surname-first, and collective names, split as PubMed's."""
    parts = split_author(name)
    assert (parts.last, parts.fore, parts.initials, parts.collective) == (
        last,
        fore,
        initials,
        collective,
    )


# -- the default records ----------------------------------------------------------------


def test_default_set_holds_exactly_the_example_pmids(
    default_store: RecordStore, twist1: Document, twist2: Document
) -> None:
    """The default records are the PMIDs of both examples minus the two FACTS found nowhere."""
    cited = {c.pmid for doc in (twist1, twist2) for c in doc.all_citations() if c.pmid}
    twist1_pmids = {c.pmid for c in twist1.all_citations()}
    twist2_pmids = {c.pmid for c in twist2.all_citations()}
    assert (len(twist1_pmids), len(twist2_pmids), len(twist1_pmids & twist2_pmids)) == (35, 30, 0)
    assert set(LEFT_OUT) == {"23836662", "19051271"} <= twist1_pmids
    assert set(default_store.pmids()) == cited - set(LEFT_OUT)
    assert len(default_store) == 63
    files = sorted(p.stem for p in DEFAULT_RECORDS_DIR.glob("*.xml"))
    assert files == sorted(default_store.pmids())


def test_twist2_records_carry_exactly_the_page_metadata(
    default_store: RecordStore, twist2: Document
) -> None:
    """Each TWIST2 reference's record has the page's DOI, title, journal, year and authors."""
    for citation in twist2.all_citations():
        record = parse_record(default_store.get(str(citation.pmid)) or b"")
        listed = [n.strip() for n in (citation.authors or "").split(",")]
        authors = tuple(split_author(n).pubmed for n in listed if n != "et al.")
        page = (citation.doi, citation.title, citation.journal, citation.year, authors, "")
        assert (
            record.doi,
            record.title,
            record.journal,
            record.year,
            record.authors,
            record.abstract,
        ) == page


def test_twist1_records_name_an_edge_citing_them(
    default_store: RecordStore, twist1: Document
) -> None:
    """Each made-up TWIST1 record has a 10.5555 DOI and names a regulator and target citing it."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for claim in twist1.claims:
        assert claim.kind is ClaimKind.EDGE
        for citation in claim.citations:
            edges.setdefault(str(citation.pmid), []).append(
                (str(claim.regulator), str(claim.target))
            )
    made_up = [p for p in edges if p not in CURATED and p not in LEFT_OUT]
    assert len(made_up) == 29
    for pmid in made_up:
        record = parse_record(default_store.get(pmid) or b"")
        assert record.doi == f"10.5555/enrich.synthetic.{pmid}"
        assert record.title.startswith(f"Synthetic record for PMID {pmid}: ")
        assert record.journal == "Synthetic Journal of Gene Regulation"
        assert any(r in record.abstract and t in record.abstract for r, t in edges[pmid])


def test_database_papers_follow_facts(default_store: RecordStore) -> None:
    """TRRUST, GTRD, DoRothEA and ReMap records hold FACTS.md's metadata and flag the unsure."""
    records = {pmid: parse_record(default_store.get(pmid) or b"") for pmid in CURATED}
    dorothea = records["31340985"]
    assert (dorothea.doi, dorothea.pmcid, dorothea.year) == (
        "10.1101/gr.240663.118",
        "PMC6673718",
        2019,
    )
    assert dorothea.related("ErratumIn")[0].pmid == "33795376"
    assert (records["27924024"].year, records["27924024"].pmcid) == (2017, "PMC5210645")
    assert records["27924024"].doi == "10.1093/nar/gkw951"
    assert records["29087512"].doi == "10.1093/nar/gkx1013"
    assert records["29126285"].title.startswith("ReMap 2018:")
    for pmid in ("29087512", "29126285"):
        assert "unconfirmed" in comment_of(default_store.get(pmid) or b"")


def test_every_default_record_says_it_is_synthetic(default_store: RecordStore) -> None:
    """Every default record carries the synthetic comment, and the README says so too."""
    for pmid in default_store:
        assert comment_of(default_store.get(pmid) or b"").startswith(
            "synthetic record made by enrich.testing: "
        )
    readme = (DEFAULT_RECORDS_DIR / "README.md").read_text(encoding="utf-8")
    assert "Every record in this folder is synthetic" in readme
    assert all(f"| {pmid} |" in readme for pmid in default_store)


@pytest.mark.shared
def test_default_records_are_valid_against_the_2025_dtd(dtd: etree.DTD) -> None:
    """Every default record file validates against NCBI's pubmed_250101.dtd."""
    for path in sorted(DEFAULT_RECORDS_DIR.glob("*.xml")):
        root = etree.fromstring(path.read_bytes())
        assert dtd.validate(root), (path.name, dtd.error_log.filter_from_errors())


def test_committed_records_equal_the_generator_output() -> None:
    """The records folder is exactly what make-example-records writes now, so it cannot drift."""
    assert stale_example_records() == []


def test_left_out_pmids_resolve_as_not_found(default_store: RecordStore) -> None:
    """efetch for the PMIDs found nowhere returns an empty PubmedArticleSet."""
    with EutilsServer(default_store, rate_limit=None) as server:
        reply = httpx.get(
            server.url + "efetch.fcgi", params={"db": "pubmed", "id": ",".join(LEFT_OUT)}
        )
    assert list(iter_records(reply.content)) == []


def test_make_example_records_command_writes_and_checks(tmp_path: Path) -> None:
    """The command writes the folder, --check passes on it and fails once a file changes."""
    runner = CliRunner()
    wrote = runner.invoke(cli_main, ["make-example-records", "--out", str(tmp_path)])
    assert wrote.exit_code == 0, wrote.output
    assert "wrote 63 records, genes.json and README.md" in wrote.output
    check = ["make-example-records", "--out", str(tmp_path), "--check"]
    assert runner.invoke(cli_main, check).exit_code == 0
    (tmp_path / "18598946.xml").write_bytes(b"<PubmedArticleSet/>")
    (tmp_path / "1.xml").write_bytes(b"<PubmedArticleSet/>")
    stale = runner.invoke(cli_main, check)
    assert stale.exit_code == 1
    assert "18598946.xml" in stale.output and "1.xml" in stale.output
    assert runner.invoke(cli_main, check[:-1]).exit_code == 0
    assert not (tmp_path / "1.xml").exists()


def test_commands_have_help_with_an_example() -> None:
    """Every python -m enrich.testing command has --help text with an example."""
    for command in ("serve", "make-example-records"):
        result = CliRunner().invoke(cli_main, [command, "--help"])
        assert result.exit_code == 0
        assert "Example: python -m enrich.testing" in result.output
