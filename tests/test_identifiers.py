"""PMID and DOI normalisation, validation and harvesting."""

from __future__ import annotations

import pytest

from enrich.identifiers import (
    doi_key,
    find_identifiers,
    is_valid_doi,
    normalize_doi,
    normalize_pmid,
    split_pubmed_term,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("18598946", "18598946"),
        (" 18598946 ", "18598946"),
        ("007", "7"),
        ("123%5Buid%5D", "123"),
        ("123[uid]", "123"),
        ("999999999", "999999999"),
        ("1000000000", None),  # ten digits
        ("0", None),
        ("-5", None),
        ("12a", None),
        ("", None),
        ("١٢٣", None),  # non-ASCII digits are not PMIDs
    ],
)
def test_normalize_pmid(raw: str, expected: str | None) -> None:
    """PMIDs are positive integers of at most nine digits, returned without leading zeros."""
    assert normalize_pmid(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.1016/j.ccr.2008.06.005", "10.1016/j.ccr.2008.06.005"),
        ("http://dx.doi.org/10.1038/onc.2011.181", "10.1038/onc.2011.181"),
        ("doi:10.1093/nar/gkq776", "10.1093/nar/gkq776"),
        ("DOI: 10.1093/nar/gkq776.", "10.1093/nar/gkq776"),
        ("10.1016%2Fj.ccr.2008.06.005", "10.1016/j.ccr.2008.06.005"),
        ("10.1016/0005-2795(76)90109-4", "10.1016/0005-2795(76)90109-4"),
        ("10.1000/abc);", "10.1000/abc"),
        ("https://doi.org/10.1016/j.ccr.2008.06.005/", "10.1016/j.ccr.2008.06.005"),
    ],
)
def test_normalize_doi(raw: str, expected: str) -> None:
    """Prefixes, URL encoding, trailing punctuation and unmatched closers are removed."""
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "10.1016/j.ccr.2008.06.005\u200b",  # a zero-width space a web page breaks lines at
        "10.1016/j.ccr.2008.06.\u00ad005",  # a soft hyphen (HTML's &shy;)
        "\ufeffdoi:10.1016/j.ccr\u200d.2008.06.005",  # a byte-order mark, a zero-width joiner
    ],
)
def test_invisible_characters_are_no_part_of_a_doi(raw: str) -> None:
    """Unicode format characters (zero-width spaces and joiners, soft hyphens, byte-order
    marks) show nothing and belong to no DOI: kept, they made the DOI one PubMed cannot be
    asked for, and one that differs from PubMed's though it reads the same."""
    assert normalize_doi(raw) == "10.1016/j.ccr.2008.06.005"


@pytest.mark.parametrize(
    "raw",
    [
        "10.1016/j.ccr.2008.06.005\u2026",  # an ellipsis
        "10.1016/j.ccr.2008.06.005\u00bb",  # a closing guillemet
        "10.1016/j.ccr.2008.06.005\u201d.",  # a closing curly quote, then a full stop
        "10.1016/j.ccr.2008.06.005\u3002",  # an ideographic full stop
        "10.1016/j.ccr.2008.06.005\u2014",  # an em dash
    ],
)
def test_trailing_unicode_punctuation_is_no_part_of_a_doi(raw: str) -> None:
    """A DOI ends before the non-ASCII punctuation written after it, as before ASCII's:
    kept, it made a DOI no paper has (``10.1016/j.ccr.2008.06.005…``, not_in_pubmed)."""
    assert normalize_doi(raw) == "10.1016/j.ccr.2008.06.005"


def test_doi_validation_and_case() -> None:
    """A DOI is ``10.`` + numeric registrant + ``/`` + suffix, compared case-insensitively."""
    assert is_valid_doi("10.1504/IJBRA.2013.056620")
    assert not is_valid_doi("10.12/x")
    assert not is_valid_doi("11.1000/x")
    assert not is_valid_doi("10.1000/")
    assert not is_valid_doi("10.1000/a b")
    assert doi_key("10.1504/IJBRA.2013.056620") == doi_key("10.1504/ijbra.2013.056620")


def test_doi_key_is_still_the_doi() -> None:
    """The key only lowers ASCII case: other characters stay, so it can be searched as is."""
    assert doi_key("10.1000/Straße") == "10.1000/straße"


@pytest.mark.parametrize(
    ("term", "tokens"),
    [
        ("1%5Buid%5D+OR+2%5Buid%5D", ["1", "2"]),
        ("20231876; 20385592%5Buid%5D", ["20231876", "20385592"]),
        ("27924024%5Buid%5D", ["27924024"]),
        ("5[uid] OR 6[pmid]", ["5", "6"]),
        ("", []),
    ],
)
def test_split_pubmed_term(term: str, tokens: list[str]) -> None:
    """All TFLink term shapes split into their PMID tokens."""
    assert split_pubmed_term(term) == tokens


def test_find_identifiers_in_text() -> None:
    """URLs, ``PMID:`` mentions, ``doi:`` mentions and bare DOIs are all found, in order."""
    text = (
        "See https://pubmed.ncbi.nlm.nih.gov/18598946 and PMID: 20691403; also PMID 1234.\n"
        "doi:10.1093/nar/gkq776, https://doi.org/10.1038/onc.2011.181 and 10.1101/gr.240663.118."
    )
    found = [(f.kind, f.raw) for f in find_identifiers(text)]
    assert found == [
        ("pmid", "18598946"),
        ("pmid", "20691403"),
        ("pmid", "1234"),
        ("doi", "10.1093/nar/gkq776,"),
        ("doi", "10.1038/onc.2011.181"),
        ("doi", "10.1101/gr.240663.118."),
    ]


def test_doi_split_by_spaces_after_prefix_is_joined() -> None:
    """``DOI: 10.1002 / pd.354`` (text taken from a PDF) is found as ``10.1002/pd.354``."""
    (found,) = find_identifiers("Wiley InterScience. DOI: 10.1002 / pd.354\n")
    assert normalize_doi(found.raw) == "10.1002/pd.354"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[10.1016/j.ccr.2008.06.005](https://doi.org/10.1016/j.ccr.2008.06.005)",
            ["doi:10.1016/j.ccr.2008.06.005", "doi:10.1016/j.ccr.2008.06.005"],
        ),
        ("**doi:10.1038/onc.2011.181**", ["doi:10.1038/onc.2011.181"]),
        ("`10.1016/j.ajhg.2010.07.009`", ["doi:10.1016/j.ajhg.2010.07.009"]),
        ("_doi:10.1000/a_b_.", ["doi:10.1000/a_b"]),
        ("See “doi:10.1038/onc.2011.181”—and more", ["doi:10.1038/onc.2011.181"]),
        (
            "doi:10.1002/(SICI)1097-4636(199706)35:4<421::AID-JBM6>3.0.CO;2-I</li>",
            ["doi:10.1002/(SICI)1097-4636(199706)35:4<421::AID-JBM6>3.0.CO;2-I"],
        ),
        ("doi:10.1000/x<br>PMID 7", ["doi:10.1000/x", "pmid:7"]),
        ("doi:10.1038/onc.2011.181,PMID:21602879", ["doi:10.1038/onc.2011.181", "pmid:21602879"]),
        (
            "doi:10.1038/onc.2011.181\u00a0PMID:\u00a021602879",
            ["doi:10.1038/onc.2011.181", "pmid:21602879"],
        ),
        ("(10.1016/0005-2795(76)90109-4).", ["doi:10.1016/0005-2795(76)90109-4"]),
        (
            "PMID: 18598946; 20691403; 21602879.",
            ["pmid:18598946", "pmid:20691403", "pmid:21602879"],
        ),
        ("PMIDs 18598946, 20691403 and 3.", ["pmid:18598946", "pmid:20691403", "pmid:3"]),
        ("PMID: 18598946, 20691403", ["pmid:18598946", "pmid:20691403"]),
        # a table's "|", a year, a count after one PMID: not PMIDs
        ("| TWIST1 | PMID: 12345678 | 2019 | ChIP |", ["pmid:12345678"]),
        ("(PMID: 31452104, 2019)", ["pmid:31452104"]),
        ("PMID 12345678 and 20 other studies", ["pmid:12345678"]),
        ("PMID: 12345678; 15 patients", ["pmid:12345678"]),
        ("doi:10.1000/abc*def here", ["doi:10.1000/abc*def"]),
        ("PMID: 18598946\n2008", ["pmid:18598946"]),
        ("PMID: 18598946, 10.1000/x", ["pmid:18598946", "doi:10.1000/x"]),
        ("https://pubmed.ncbi.nlm.nih.gov/?term=18598946", ["pmid:18598946"]),
        ("[PubMed](https://pubmed.ncbi.nlm.nih.gov/?term=18598946)", ["pmid:18598946"]),
    ],
)
def test_identifiers_end_where_markdown_and_html_end_them(text: str, expected: list[str]) -> None:
    """A DOI ends at white space, a Markdown link's "](", closing emphasis, quotes and
    backticks, and before ",PMID:"; SICI's "<…>" stays; a PMID label governs a list;
    PubMed ``?term=`` links are read."""
    found = [
        f"doi:{normalize_doi(f.raw)}" if f.kind == "doi" else f"pmid:{f.raw}"
        for f in find_identifiers(text)
    ]
    assert found == expected


@pytest.mark.parametrize(
    "text",
    [
        "**PMID:** 18598946",  # Markdown emphasis around the label
        "**PMID**: 18598946",
        "_PMID:_ 18598946",
        "PMID: **18598946**",  # ... or around the number
        "PMID: `18598946`",
        "pubmed:18598946",  # the CURIE form
        "PubMed: 18598946",
        "PMID- 18598946",  # MEDLINE (.nbib) format, as PubMed exports it
        '"pmid": "18598946"',  # a JSON or YAML key
        "pmid = {18598946}",  # BibTeX
    ],
)
def test_a_pmid_label_is_read_through_markup_and_key_syntax(text: str) -> None:
    """A PMID written after its label is found whatever light markup or key syntax stands
    between them: a reader sees the label and the number, and they were silently dropped."""
    assert [(f.kind, f.raw) for f in find_identifiers(text)] == [("pmid", "18598946")]


@pytest.mark.parametrize(
    "text",
    [
        "duplicate PMIDs - 3 were excluded",  # a dash in prose, not MEDLINE's "PMID- "
        "PMID - 2 papers were retracted",
        "the `pmid_1` and `pmid_2` columns",  # a name, not a label and its number
        '{"pmid_count": 12, "PMIDs_2019": 4}',
    ],
)
def test_a_dash_in_prose_or_a_name_joining_label_and_number_is_no_pmid(text: str) -> None:
    """MEDLINE's ``-`` follows the label at once (``PMID- n``): a dash with a space before
    it is prose, and ``pmid_1`` one word; both were read as PMIDs 3, 2, 1 and 2019, real
    papers the audit would have cited."""
    assert list(find_identifiers(text)) == []


@pytest.mark.parametrize(
    ("text", "pmids"),
    [
        ("PMIDs: 18598946 20691403", ["18598946", "20691403"]),
        ("PMID 18598946/20691403", ["18598946", "20691403"]),
        ("PMID 18598946 / 20691403.", ["18598946", "20691403"]),
        ("PMIDs 18598946 and 20691403", ["18598946", "20691403"]),
        ("PMIDs: 18598946 20691403 and 21602879", ["18598946", "20691403", "21602879"]),
        ("PMID\u00a018598946\u00a020691403", ["18598946", "20691403"]),
        # a count, a date or a year after the PMID: not a PMID
        ("PMID: 18598946 123456 participants", ["18598946"]),
        ("PMIDs: 12345678 12/2008", ["12345678"]),
        ("PMID 18598946 1998 2008", ["18598946"]),
        ("PMIDs: 18598946 20691403 were used", ["18598946"]),
    ],
)
def test_a_pmid_list_apart_by_spaces_or_slashes_is_read(text: str, pmids: list[str]) -> None:
    """A label governs numbers apart by white space or ``/`` as it does those apart by ``,``
    (five digits or more, and no word after them): the second PMID was silently dropped."""
    assert [f.raw for f in find_identifiers(text)] == pmids


@pytest.mark.parametrize(
    ("text", "pmids"),
    [
        ("PMID: 18,598,946", ["18598946"]),
        ("PMID: 18.598.946.", ["18598946"]),
        ("PMID 18 598 946", ["18598946"]),
        ("PMID 18\u202f598\u202f946", ["18598946"]),
        ("PMIDs: 18,598,946; 20,691,403", ["18598946", "20691403"]),
        ("PMIDs:18598946,20691403", ["18598946", "20691403"]),  # a list, not groups of three
        ("PMID: 18598946, 12 345 patients", ["18598946"]),
        ("PMID: 1.5-fold", []),
    ],
)
def test_a_pmid_in_groups_of_three_digits_is_one_number(text: str, pmids: list[str]) -> None:
    """``PMID: 18,598,946`` is PMID 18598946: it was read as PMID 18, another paper, which
    the audit would then have judged as this claim's evidence."""
    assert [f.raw for f in find_identifiers(text)] == pmids


@pytest.mark.parametrize("text", ["PMID 18598946\u201318598950", "PMIDs: 18598946-18598950"])
def test_two_pmids_joined_by_a_dash_are_kept_whole(text: str) -> None:
    """A range or a pair? Neither is guessed: the text is kept whole, to be reported as no
    valid PMID (the second number was silently dropped)."""
    assert [f.raw for f in find_identifiers(text)] == [text.split()[-1]]


@pytest.mark.parametrize(
    ("text", "pmids"),
    [
        ("https://europepmc.org/article/MED/18598946", ["18598946"]),
        ("[EPMC](https://europepmc.org/abstract/MED/18598946/)", ["18598946"]),
        (
            "https://www.ncbi.nlm.nih.gov/entrez/query.fcgi?cmd=Retrieve&db=PubMed"
            "&list_uids=18598946&dopt=Abstract",
            ["18598946"],
        ),
        (
            "http://www.ncbi.nlm.nih.gov/entrez/query.fcgi?db=pubmed&amp;cmd=Retrieve"
            "&amp;list_uids=18598946,20691403",
            ["18598946", "20691403"],
        ),
        ("http://www.ncbi.nlm.nih.gov/sites/entrez?db=pubmed&list_uids=18598946", ["18598946"]),
        ("http://www.ncbi.nlm.nih.gov/pubmed?term=18598946", ["18598946"]),
        # not PubMed records: a full-text article's PMCID, a nucleotide record's GI
        ("https://europepmc.org/article/PMC/PMC2637270", []),
        ("https://www.ncbi.nlm.nih.gov/entrez/query.fcgi?db=nucleotide&list_uids=18598946", []),
    ],
)
def test_old_and_third_party_pubmed_links_give_their_pmids(text: str, pmids: list[str]) -> None:
    """Europe PMC's ``MED/ID`` pages and old Entrez ``list_uids=`` links to PubMed name
    PubMed records as a PubMed link does: they were dropped in silence."""
    assert [f.raw for f in find_identifiers(text)] == pmids


@pytest.mark.parametrize(
    "text",
    [
        "(PMID: 18598946, 2,500 patients)",
        "PMID: 18598946; 1,024 cases",
        "PMID 18598946 and 3,000 controls",
        "PMID: 18598946 1.500",  # a decimal
        "PMID 18598946 / 2,500",
        "PubMed: 18598946 2,500",
    ],
)
def test_a_count_in_groups_of_three_digits_after_a_pmid_is_no_pmid(text: str) -> None:
    """After a singular label's PMID, only numbers of five digits or more join its list: a
    count written in groups of three (``2,500`` patients, ``1.500``) has fewer, and was read
    as a PMID of its own (PMID 2500, a paper the document never cited)."""
    assert [f.raw for f in find_identifiers(text)] == ["18598946"]


@pytest.mark.parametrize(
    "text",
    [
        "TP53\tMDM2\tPMID:18598946\t12345\t0.05",  # a read count
        "TP53\tPubMed: 18598946\t100130426\t7.2",  # a gene ID
        "PMID:18598946\t7668402\t7687550",  # coordinates
    ],
)
def test_a_tab_ends_a_pmid_list(text: str) -> None:
    """A tab is a column boundary, as a table's ``|`` is: the numbers of the next columns of
    a TSV row (counts, gene IDs, coordinates) were read as more PMIDs of the list."""
    assert [f.raw for f in find_identifiers(text)] == ["18598946"]


def test_pubmed_is_a_label_only_with_its_separator() -> None:
    """``PubMed`` alone is a word ("PubMed 2019 search"), a label only before ``:`` or ``=``;
    then, apart from its number, only for a number of five digits or more: "PubMed: 25
    papers" counts; ``pubmed:25`` (a CURIE) names PMID 25."""
    assert list(find_identifiers("a PubMed 2019 search (PubMed 12345678)")) == []
    assert list(find_identifiers("searched PubMed: 25 papers, PubMed = 2019")) == []
    assert [f.raw for f in find_identifiers("pubmed:25; PubMed: 18598946")] == ["25", "18598946"]


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("https://doi.org/10.1016/j.ccr.2008.06.005?utm_source=feed", "10.1016/j.ccr.2008.06.005"),
        ("[1](https://dx.doi.org/10.1016/j.ccr.2008.06.005#abstract)", "10.1016/j.ccr.2008.06.005"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/jcb.22245?af=R", "10.1002/jcb.22245"),
        (
            "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0012345&type=printable",
            "10.1371/journal.pone.0012345",
        ),
        ("https://doi.org/10.1000/a%3Fb", "10.1000/a?b"),  # the DOI's own "?", encoded
        (
            "https://doi.org/10.1002/(SICI)1097-4636(199706)35:4<421::AID-JBM2>3.0.CO;2-#",
            "10.1002/(SICI)1097-4636(199706)35:4<421::AID-JBM2>3.0.CO;2-#",  # a check character
        ),
        ("doi:10.1000/a?b#c", "10.1000/a?b#c"),  # not in a URL: read as written
    ],
)
def test_a_doi_in_a_url_ends_before_the_urls_query_and_fragment(text: str, doi: str) -> None:
    """A URL's ``?query`` and ``#fragment`` are no part of the DOI in its path (nor a next
    ``&`` parameter of one in its query): they were kept, so the DOI looked up was one no
    paper has (``10.1016/j.ccr.2008.06.005?utm_source=feed``, not_in_pubmed)."""
    assert [normalize_doi(f.raw) for f in find_identifiers(text)] == [doi]
