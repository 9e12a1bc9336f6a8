"""Any other text file: identifiers harvested as loose citations."""

from __future__ import annotations

from enrich.extract import read_document
from enrich.extract.text import read_text
from enrich.model import Style
from tests.conftest import shared_path


def test_reference_list_line_pairs_pmid_and_doi() -> None:
    """One PMID and one DOI on the same line are one citation carrying both."""
    doc = read_text(
        "refs.txt", "1. Ansieau S. Cancer Cell 2008. doi:10.1016/j.ccr.2008.06.005 PMID: 18598946\n"
    )
    assert [(c.pmid, c.doi) for c in doc.citations] == [("18598946", "10.1016/j.ccr.2008.06.005")]


def test_duplicates_are_merged_and_order_kept() -> None:
    """The same identifier mentioned twice is one citation; first mention wins the order."""
    doc = read_text("a.md", "PMID: 2\nPMID: 1\nhttps://pubmed.ncbi.nlm.nih.gov/2/\n")
    assert [c.pmid for c in doc.citations] == ["2", "1"]


def test_invalid_identifiers_are_kept_and_reported_with_line() -> None:
    """A ten-digit PMID is kept as invalid and reported with its line number."""
    doc = read_text("a.md", "intro\n\nPMID: 1234567890\n")
    assert [(c.pmid, c.invalid) for c in doc.citations] == [("1234567890", ("pmid",))]
    assert [str(p) for p in doc.problems] == ["a.md:line 3: '1234567890' is not a valid PMID"]


def test_html_links_are_harvested() -> None:
    """PubMed and doi.org links inside HTML are found, link text duplicates merged."""
    html = (
        '<p><a href="https://doi.org/10.1038/onc.2011.181">10.1038/onc.2011.181</a>'
        '<a href="https://www.ncbi.nlm.nih.gov/pubmed/?term=1%5Buid%5D+OR+2%5Buid%5D">x</a></p>'
    )
    doc = read_text("a.html", html)
    assert [c.key for c in doc.citations] == ["doi:10.1038/onc.2011.181", "pmid:1", "pmid:2"]


def test_html_character_references_are_decoded_before_identifiers_are_found() -> None:
    """In HTML, ``&nbsp;`` ends a DOI as a space does and ``&lt;…&gt;`` is a SICI DOI's
    ``<…>``; the same text in a Markdown file is read as written."""
    html = (
        "<li>Oncogene 2011.&nbsp;doi:10.1038/onc.2011.181&nbsp;PMID:&nbsp;21602879</li>\n"
        "<li>doi:10.1002/(SICI)1097-4636(199706)35:4&lt;421::AID-JBM6&gt;3.0.CO;2-I</li>\n"
    )
    doc = read_text("refs.html", html)
    assert [(c.pmid, c.doi) for c in doc.citations] == [
        ("21602879", "10.1038/onc.2011.181"),
        (None, "10.1002/(SICI)1097-4636(199706)35:4<421::AID-JBM6>3.0.CO;2-I"),
    ]
    assert doc.problems == ()
    assert read_text("refs.txt", "<!DOCTYPE html>" + html).citations == doc.citations
    assert "&" in (read_text("refs.md", html).citations[-1].doi or "")


def test_real_pdf_text_with_one_doi() -> None:
    """metapub's PDF text with one DOI (and stray NUL bytes) is text and yields that DOI."""
    doc = read_document(shared_path("ncbi", "metapub", "doi_text", "text_with_one_doi.txt"))
    assert doc.style is Style.TEXT and doc.problems == ()
    assert [c.doi for c in doc.citations] == ["10.1093/nar/gkq776"]


def test_real_pdf_text_with_whitespace_doi() -> None:
    """``DOI: 10.1002 / pd.354`` in real PDF text is read as 10.1002/pd.354."""
    doc = read_document(
        shared_path("ncbi", "metapub", "doi_text", "text_with_one_whitespace_doi.txt")
    )
    assert "10.1002/pd.354" in {c.doi for c in doc.citations}


def test_real_text_with_no_dois() -> None:
    """Text without identifiers gives no citations and no problems."""
    doc = read_document(shared_path("ncbi", "metapub", "doi_text", "text_with_no_dois.txt"))
    assert doc.citations == () and doc.problems == ()


def test_real_text_with_many_dois() -> None:
    """A long PDF text yields many distinct valid DOIs, each normalised."""
    doc = read_document(shared_path("ncbi", "metapub", "doi_text", "text_with_many_dois.txt"))
    dois = {c.doi for c in doc.citations if c.doi and not c.invalid}
    assert len(dois) > 50
    assert "10.1038/nature09635" in dois and "10.1371/journal.pgen.1000536" in dois
    assert all(not d.endswith((".", ",", ";")) for d in dois)


def test_a_table_row_with_one_pmid_and_a_year_is_one_paper() -> None:
    """The year in the next column of a Markdown table is no PMID: the row's PMID and DOI
    are one paper, so their agreement can be checked."""
    document = read_text(
        "x.md", "| TWIST1 | PMID: 18598946 | 2008 | doi:10.1016/j.ccr.2008.06.005 |\n"
    )
    assert [(c.pmid, c.doi) for c in document.citations] == [
        ("18598946", "10.1016/j.ccr.2008.06.005")
    ]


def test_a_paper_met_again_is_completed_or_reported_never_dropped() -> None:
    """The DOI a reference list gives beside a PMID the text cited alone completes that
    citation (it was dropped: the bare mention came first and won), a PMID given beside a
    DOI cited alone joins it (two citations of one paper before), and a contradicting
    DOI for the same PMID is a problem naming both lines, the first kept."""
    text = (
        "TWIST1 binds the E-box (PMID: 29087512) and represses CDH1 (PMID: 15210113).\n"
        "TWIST2 drives EMT (doi:10.1038/onc.2011.181).\n"
        "1. Oki S et al. PMID: 29087512 doi:10.15252/embr.201846255\n"
        "2. Fang X et al. PMID: 21602879 doi:10.1038/ONC.2011.181\n"
        "3. Oki S et al. PMID: 29087512 doi:10.1000/typo\n"
        "4. Fang X et al. PMID: 31452104 doi:10.1038/onc.2011.181\n"
        "5. Yang J et al. PMID: 15210113 doi:10.1038/onc.2011.181\n"
    )
    doc = read_text("notes.md", text)
    assert [(c.pmid, c.doi) for c in doc.citations] == [
        ("29087512", "10.15252/embr.201846255"),
        ("15210113", None),
        ("21602879", "10.1038/onc.2011.181"),
    ]
    assert [str(p) for p in doc.problems] == [
        "notes.md:line 5: PMID 29087512 with DOI 10.1000/typo contradicts PMID 29087512 with "
        "DOI 10.15252/embr.201846255 on line 1: one paper, only the first is read",
        "notes.md:line 6: PMID 31452104 with DOI 10.1038/onc.2011.181 contradicts PMID "
        "21602879 with DOI 10.1038/onc.2011.181 on line 2: one paper, only the first is read",
        "notes.md:line 7: PMID 15210113 with DOI 10.1038/onc.2011.181 contradicts PMID "
        "21602879 with DOI 10.1038/onc.2011.181 on line 2: one paper, only the first is read",
    ]


def test_a_pmid_and_a_doi_met_apart_then_together_are_one_paper_and_no_problem() -> None:
    """The text cites a paper by its PMID, later by its DOI, and the reference list gives
    both: one citation, where the paper was first met, and nothing contradicts anything
    (it was reported as "PMID 1 with DOI x contradicts DOI x", a problem: exit 1)."""
    text = (
        "TWIST1 binds the E-box (PMID: 18598946).\n"
        "RUNX2 drives it (doi:10.1038/onc.2011.181).\n"
        "It represses CDH1 (doi:10.1016/j.ccr.2008.06.005).\n"
        "RUNX2 again (PMID: 21602879).\n"
        "1. PMID: 18598946 doi:10.1016/j.ccr.2008.06.005\n"
        "2. PMID: 21602879 doi:10.1038/ONC.2011.181\n"
    )
    doc = read_text("notes.md", text)
    assert [(c.pmid, c.doi) for c in doc.citations] == [
        ("18598946", "10.1016/j.ccr.2008.06.005"),
        ("21602879", "10.1038/onc.2011.181"),
    ]
    assert doc.problems == ()


def test_two_pmids_joined_by_a_dash_are_reported_naming_their_line() -> None:
    """``PMID 18598946`` en dash ``18598950`` may be a range or a pair: it is one problem naming its
    line, never a guess (the second number was dropped in silence)."""
    doc = read_text("notes.md", "TWIST1 binds CDH1.\nSee PMID 18598946\u201318598950.\n")
    assert [str(p) for p in doc.problems] == [
        "notes.md:line 2: '18598946\u201318598950' is not a valid PMID"
    ]


def test_a_doi_ends_before_the_unicode_punctuation_after_it() -> None:
    """An ellipsis or guillemet written after a DOI is not read into it: the DOI looked up
    was one no paper has."""
    text = (
        "Ansieau 2008, doi:10.1016/j.ccr.2008.06.005\u2026\n\u00abdoi:10.1038/onc.2011.181\u00bb\n"
    )
    doc = read_text("notes.md", text)
    assert [c.doi for c in doc.citations] == ["10.1016/j.ccr.2008.06.005", "10.1038/onc.2011.181"]
    assert doc.problems == ()
