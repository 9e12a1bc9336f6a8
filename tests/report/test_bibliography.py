"""BibTeX, CSL-JSON and RIS from PaperRecords; the writer's references.* files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import bibtexparser
import pytest

from enrich.audit import AuditSettings, audit_document
from enrich.entrez.pubmed import iter_records
from enrich.model import (
    Citation,
    Claim,
    ClaimKind,
    Document,
    PaperRecord,
    RunSummary,
    Style,
    Subject,
)
from enrich.report import ReportWriter
from enrich.report.bibliography import (
    bibliography_entry,
    join_bibliographies,
    page_range,
    render_bibtex,
    render_csl_json,
    render_ris,
    split_author,
)
from enrich.report.document import bibliography_entries, misidentified_pmids
from enrich.report.rows import database_rows
from tests.audit import helpers as audit_helpers
from tests.conftest import shared_path
from tests.report.synthetic import RETRACTED, record, twist1, twist2

SPECIAL = PaperRecord(
    pmid="18598946",
    doi="10.1016/j.ccr.2008.06.005",
    pmcid="PMC123",
    title="Induction of EMT by twist proteins: 50% & $5 #1 a_b {x} ~y ^z \\w",
    title_markup="Induction of <i>EMT</i> by twist proteins: 50% &amp; $5 #1 a_b {x} ~y ^z \\w",
    journal="Cancer cell",
    journal_iso="Cancer Cell",
    volume="14",
    issue="1",
    pages="79-89",
    year=2008,
    date="2008-07-08",
    authors=("Ansieau S", "Bastid J", "Al-Gazali LI", "World Health Organization"),
)
BOOK = PaperRecord(
    pmid="20301577",
    title="Setleis syndrome",
    journal="GeneReviews®",
    year=1993,
    date="1993",
    authors=("Adam MP",),
    is_book=True,
)


def test_split_author_tells_people_from_collectives() -> None:
    """ "Ansieau S" splits into family and initials; a collective name does not split."""
    assert split_author("Ansieau S") == ("Ansieau", "S", "")
    assert split_author("van der Berg JA") == ("van der Berg", "JA", "")
    assert split_author("World Health Organization") is None
    assert split_author("Madonna") is None


def test_initials_that_spell_a_suffix_after_a_family_name_in_capitals_are_initials() -> None:
    """Old MEDLINE records write family names in capitals ("LI CH"): "LI II" is Li with the
    initials II, as it was before suffixes were read, not a collective name."""
    assert split_author("LI II") == ("LI", "II", "")
    assert split_author("NG IV") == ("NG", "IV", "")
    assert split_author("LI CH Jr") == ("LI", "CH", "Jr")


@pytest.mark.shared
def test_initials_with_diacritics_split_as_a_person() -> None:
    """PubMed's "Bruserud Ø" (PMID 36987902, Initials Ø) is a person in every bibliography,
    not one literal name a style cannot sort or abbreviate."""
    xml = shared_path("ncbi", "metapub", "pmid_xml", "36987902.xml").read_bytes()
    ((paper, _),) = iter_records(xml)
    assert paper.authors[0] == "Bruserud Ø"
    assert split_author("Pascual Á") == ("Pascual", "Á", "")
    fields = {
        f.key: f.value for f in bibtexparser.parse_string(render_bibtex([paper])).entries[0].fields
    }
    assert fields["author"].startswith("Bruserud, Ø. and Arnes, K. and")
    assert json.loads(render_csl_json([paper]))[0]["author"][0] == {
        "family": "Bruserud",
        "given": "Ø.",
    }
    assert "AU  - Bruserud, Ø.\n" in render_ris([paper])


@pytest.mark.shared
def test_an_authors_suffix_is_kept_in_every_bibliography() -> None:
    """John Pierce Wise Sr (PMID 26568896, Suffix Sr) is not his son Jr: the suffix PubMed gives
    stays in authors and in BibTeX, CSL-JSON and RIS; "Ivanov II" has initials, no suffix."""
    xml = shared_path("ncbi", "metapub", "pmid_xml", "26568896.xml").read_bytes()
    ((paper, _),) = iter_records(xml)
    assert paper.authors[3] == "Wise JP Sr"
    assert split_author("Bailey JI 3rd") == ("Bailey", "JI", "3rd")
    assert split_author("Ivanov II") == ("Ivanov", "II", "")
    entry = bibtexparser.parse_string(render_bibtex([paper])).entries[0]
    assert {f.key: f.value for f in entry.fields}["author"].endswith(" and Wise, Sr, J. P.")
    csl_author = json.loads(render_csl_json([paper]))[0]["author"][3]
    assert csl_author == {"family": "Wise", "given": "J. P.", "suffix": "Sr"}
    assert "AU  - Wise, J. P., Sr\n" in render_ris([paper])


def test_page_range_expands_shortened_end_pages() -> None:
    """PubMed's "1723-9" means 1723 to 1729."""
    assert page_range("1723-9") == ("1723", "1729")
    assert page_range("e123") == ("e123", "")
    assert page_range("79-89") == ("79", "89")


def test_page_range_of_supplement_pages_and_pages_with_a_discussion() -> None:
    """MedlinePgn "S1-5" is S1 to S5 and "R145-52" R145 to R152; "112-9; discussion 120-1"
    is the article's 112 to 119 (RIS SP/EP), the discussion kept in BibTeX's pages."""
    assert page_range("S1-5") == ("S1", "S5")
    assert page_range("R145-52") == ("R145", "R152")
    assert page_range("S12-S18") == ("S12", "S18")
    assert page_range("112-9; discussion 120-1") == ("112", "119")
    paper = dataclasses.replace(SPECIAL, pages="112-9; discussion 120-1")
    assert "  pages = {112--119; discussion 120-1}," in render_bibtex([paper])
    ris = render_ris([dataclasses.replace(SPECIAL, pages="S1-5")])
    assert "SP  - S1\n" in ris and "EP  - S5\n" in ris


def test_bibtex_parses_with_keys_fields_and_escapes() -> None:
    """BibTeX parses with bibtexparser v2; keys are pmid<N>; LaTeX specials are escaped."""
    text = render_bibtex([BOOK, SPECIAL, SPECIAL, record(RETRACTED)])
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == ["pmid18598946", "pmid20301577", f"pmid{RETRACTED}"]
    article, book, retracted = library.entries
    assert article.entry_type == "article" and book.entry_type == "incollection"
    fields = {f.key: f.value for f in article.fields}
    assert fields["journal"] == "Cancer cell"
    assert fields["year"] == "2008" and fields["pages"] == "79--89" and fields["number"] == "1"
    assert fields["doi"] == "10.1016/j.ccr.2008.06.005" and fields["pmid"] == "18598946"
    assert fields["author"] == (
        "Ansieau, S. and Bastid, J. and Al-Gazali, L. I. and {World Health Organization}"
    )
    assert (
        r"50\% \& \$5 \#1 a\_b \textbraceleft{}x\textbraceright{} \textasciitilde{}y "
        r"\textasciicircum{}z"
    ) in fields["title"]
    assert "<i>" not in fields["title"] and fields["title"].startswith("{")
    assert {f.key: f.value for f in retracted.fields}["note"] == "Retracted"


def _bibtex_balanced(value: str) -> bool:
    """Whether ``value`` (``{...}``) ends at its last brace as BibTeX reads it: BibTeX counts
    every brace, a backslash before one included."""
    depth = 0
    for index, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(value) - 1
    return False


@pytest.mark.parametrize(
    "title",
    [
        'Benign}} @article(pmid99, title = "Forged", doi = "10.9/fake") @comment{',
        "unbalanced { brace",
        "}{ reversed",
    ],
)
def test_bibtex_braces_in_a_title_cannot_end_its_entry(title: str) -> None:
    """A PubMed title (or any text) holding braces leaves each entry whole as BibTeX reads
    it: before, ``{`` and ``}`` became ``\\{`` and ``\\}``, which BibTeX still counts, so
    ``Benign}}`` closed the title early and what followed was read as a forged entry of its
    own (pybtex: a ``pmid99`` entry with a made-up DOI), or the file failed to parse."""
    paper = dataclasses.replace(SPECIAL, title=title, journal=title, authors=(title,))
    text = render_bibtex([paper, BOOK])
    assert _bibtex_balanced(text[text.index("{") : text.index("\n}\n") + 2])
    fields = [line.split(" = ", 1) for line in text.splitlines() if line.startswith("  ")]
    unbalanced = [name for name, value in fields if not _bibtex_balanced(value.rstrip(","))]
    assert not unbalanced


def test_csl_json_items_have_required_keys() -> None:
    """CSL-JSON is a JSON array of items with id, type, title, author and issued date-parts."""
    items = json.loads(render_csl_json([SPECIAL, BOOK]))
    article, book = items
    assert article["id"] == "pmid:18598946" and article["type"] == "article-journal"
    assert article["issued"] == {"date-parts": [[2008, 7, 8]]}
    assert article["author"][0] == {"family": "Ansieau", "given": "S."}
    assert article["author"][3] == {"literal": "World Health Organization"}
    assert article["container-title"] == "Cancer cell"
    assert article["container-title-short"] == "Cancer Cell"
    assert (article["DOI"], article["PMID"], article["PMCID"]) == (
        "10.1016/j.ccr.2008.06.005",
        "18598946",
        "PMC123",
    )
    assert (article["volume"], article["issue"], article["page"]) == ("14", "1", "79-89")
    assert book["type"] == "chapter" and book["issued"] == {"date-parts": [[1993]]}


def test_csl_issued_of_a_medline_date_spanning_years_is_its_first_year() -> None:
    """A MedlineDate "2000-2001" or "1975-1976" is not "YYYY-MM": issued is the year alone,
    never a month 20 or 19 that no CSL processor can read."""
    for date, year in (("2000-2001", 2000), ("1975-1976", 1975), ("1998 Dec-1999 Jan", 1998)):
        paper = dataclasses.replace(SPECIAL, date=date, year=year)
        assert json.loads(render_csl_json([paper]))[0]["issued"] == {"date-parts": [[year]]}


def test_ris_line_structure() -> None:
    """RIS records start with TY, end with ER, and every line is "XX  - value"."""
    text = render_ris([SPECIAL, BOOK])
    records = [r for r in text.split("ER  - \n") if r.strip()]
    assert len(records) == 2
    for line in text.splitlines():
        assert not line or (len(line) >= 6 and line[2:6] == "  - " and line[:2].isalnum())
    lines = records[0].strip().splitlines()
    assert lines[0] == "TY  - JOUR"
    assert "AU  - Ansieau, S." in lines and "AU  - World Health Organization" in lines
    for expected in (
        "JF  - Cancer cell",
        "JO  - Cancer Cell",
        "PY  - 2008",
        "SP  - 79",
        "EP  - 89",
    ):
        assert expected in lines
    assert "DO  - 10.1016/j.ccr.2008.06.005" in lines and "AN  - 18598946" in lines
    assert records[1].strip().splitlines()[0] == "TY  - CHAP"


def test_joined_entries_equal_the_renderers() -> None:
    """Entries rendered one paper at a time and joined give the three renderers' texts,
    with duplicates dropped (first seen kept) and PMIDs ordered as numbers."""
    short = dataclasses.replace(BOOK, pmid="999")
    for records in ([], [SPECIAL], [SPECIAL, BOOK, record(RETRACTED), short, SPECIAL, record("1")]):
        entries = [bibliography_entry(r) for r in records]
        expected = (render_bibtex(records), render_csl_json(records), render_ris(records))
        assert join_bibliographies(entries) == expected
        assert join_bibliographies(reversed(entries)) == expected


def test_writer_bibliography_is_resolved_deduplicated_and_sorted(tmp_path: Path) -> None:
    """references.* hold every resolved cited paper once, sorted by PMID, none unresolved."""
    writer = ReportWriter(tmp_path)
    writer.add(twist1())
    writer.add(twist1())
    writer.add(twist2())
    writer.finish(RunSummary())
    items = json.loads((tmp_path / "references.json").read_text())
    pmids = [item["PMID"] for item in items]
    assert pmids == sorted(set(pmids), key=int)
    assert "23623921" not in pmids and "22982861" not in pmids  # not found, unresolved
    library = bibtexparser.parse_string((tmp_path / "references.bib").read_text())
    assert [e.key for e in library.entries] == [f"pmid{p}" for p in pmids]
    assert (tmp_path / "references.ris").read_text().count("TY  - ") == len(pmids)


def test_a_misidentified_pmid_enters_no_bibliography_nor_citations_paper() -> None:
    """A PMID whose record the document's DOI and title both contradict is another paper
    than the one cited: it enters no bibliography, and audit.db's ``citations.paper`` is
    empty for it (its ``papers`` row is not written); the document says it resolved to it
    but cites it as no paper (``misidentified``).  A DOI or a title alone that differs
    keeps the record as the paper."""
    other = audit_helpers.record("14", "TWIST2 in Drosophila mesoderm.", doi="10.1/y")
    lone = [
        Citation(pmid="14", doi="10.1/x"),
        Citation(pmid="14", title="SOX9 in cartilage"),
    ]
    for citations, cited in (
        ((Citation(pmid="14", doi="10.1/x", title="SOX9"),), False),
        ((lone[0],), True),
        ((lone[1],), True),
    ):
        claim = Claim("s1", ClaimKind.STATEMENT, "line 1", citations, text="TWIST2 …")
        document = Document("doc.md", Style.TEXT, Subject(symbol="TWIST2"), (claim,))
        audited = audit_document(
            document, audit_helpers.resolved(other), audit_helpers.NO_STATS, AuditSettings()
        )
        rows = database_rows(audited)
        assert [entry.pmid for entry in bibliography_entries(audited)] == (["14"] if cited else [])
        assert [row[-1] for row in rows.citations] == (["14"] if cited else [None])
        assert [row[0] for row in rows.papers] == (["14"] if cited else [])
        assert misidentified_pmids(audited) == (() if cited else ("14",))
