"""Style B reader: Harmonizome gene pages with a Summary JSON tree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrich.extract import parse_document
from enrich.extract.harmonizome import MAX_RANGE, looks_like_harmonizome, read_harmonizome
from enrich.model import ClaimKind, Document, Style
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "harmonizome_gene_TWIST2.md"
DATA = ROOT / "tests" / "data" / "harmonizome"


def page(tree: Any, symbol: str = "DEMO") -> str:
    """A minimal Harmonizome page whose Summary row holds ``tree`` (any JSON value)."""
    return (
        "| Name | demo gene |\n| Summary |\n"
        f"{json.dumps(tree)}\n|\n"
        "| Synonyms | A1 , B2 |\n| NCBI Gene ID | 42 |\n\n"
        f"{symbol} has 3 functional associations with biological entities.\n"
    )


def ref(number: Any, pmid: str | None = "11111111", doi: str | None = "10.1000/x.1") -> Any:
    """An ``r`` node with optional DOI and PubMed links."""
    children: list[Any] = [
        {"type": "t", "text": "Ann Author. "},
        {"type": "b", "children": [{"type": "t", "text": "A title."}]},
        {"type": "i", "children": [{"type": "t", "text": "J Demo (1999)"}]},
    ]
    if doi is not None:
        children.append({"type": "a", "href": f"https://doi.org/{doi}", "children": []})
    if pmid is not None:
        children.append(
            {"type": "a", "href": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}", "children": []}
        )
    return {"type": "r", "ref": number, "children": children}


def tree(paragraph: list[Any], refs: list[Any] | None = None) -> Any:
    """A root holding one paragraph and a reference list (refs 1..3 by default)."""
    if refs is None:
        refs = [ref(1, "1", "10.1000/a"), ref(2, "2", "10.1000/b"), ref(3, "3", "10.1000/c")]
    return {
        "type": "root",
        "children": [{"type": "p", "children": paragraph}, {"type": "rg", "children": refs}],
    }


def t(text: str) -> Any:
    return {"type": "t", "text": text}


def read(value: Any, path: str = "harmonizome_gene_DEMO.md") -> Document:
    return read_harmonizome(path, page(value))


def messages(doc: Document) -> list[str]:
    return [p.message for p in doc.problems]


def refs_of(doc: Document, index: int) -> list[str | None]:
    return [c.ref for c in doc.claims[index].citations]


# --- the reference example ------------------------------------------------------------------


@pytest.fixture(scope="module")
def twist2() -> Document:
    return read_harmonizome(str(EXAMPLE), EXAMPLE.read_text(encoding="utf-8"))


def test_example_subject(twist2: Document) -> None:
    """The TWIST2 page's subject comes from its table and its associations sentence."""
    subject = twist2.subject
    assert twist2.style is Style.HARMONIZOME
    assert subject.symbol == "TWIST2"
    assert subject.gene_id == "117581"
    assert subject.name == "twist family bHLH transcription factor 2"
    assert subject.synonyms == ("FFDD3", "BBRSAY", "AMS", "SETLSS", "BHLHA39", "DERMO1")
    assert subject.proteins == ("TWST2_HUMAN",)
    assert subject.organism is None
    assert subject.description and subject.description.startswith("The protein encoded")


def test_example_statements(twist2: Document) -> None:
    """The TWIST2 page has six footnoted statements covering all 30 references, no problems."""
    assert twist2.problems == ()
    assert [c.id for c in twist2.claims] == [f"s{i}" for i in range(1, 7)]
    assert all(c.kind is ClaimKind.STATEMENT for c in twist2.claims)
    assert refs_of(twist2, 0) == ["1", "2", "3", "4", "5"]
    assert refs_of(twist2, 1) == ["1", "3", *(str(i) for i in range(6, 19))]
    assert refs_of(twist2, 5) == ["11", "28", "29", "30"]
    cited = {c.ref for claim in twist2.claims for c in claim.citations}
    assert cited == {str(i) for i in range(1, 31)}
    assert twist2.citations == ()
    assert twist2.claims[1].location == "Summary paragraph 2, footnote group 1"
    assert twist2.claims[3].location == "Summary paragraph 3, footnote group 2"
    assert twist2.claims[0].text and twist2.claims[0].text.startswith("TWIST2 is a highly")
    assert twist2.claims[3].text and twist2.claims[3].text.startswith("In parallel, TWIST2")


def test_example_references(twist2: Document) -> None:
    """All 30 TWIST2 references carry a valid DOI and PMID; ref 1 is read in full."""
    by_ref = {c.ref: c for c in twist2.all_citations()}
    assert len(by_ref) == 30
    assert all(c.pmid and c.doi and not c.invalid for c in by_ref.values())
    first = by_ref["1"]
    assert first.pmid == "18598946"
    assert first.doi == "10.1016/j.ccr.2008.06.005"
    assert first.title == (
        "Induction of EMT by twist proteins as a collateral effect of "
        "tumor-promoting inactivation of premature senescence."
    )
    assert first.journal == "Cancer Cell"
    assert first.year == 2008
    assert first.authors == "Stéphane Ansieau, Jeremy Bastid, Agnès Doreau, et al."


def test_example_is_detected() -> None:
    """The example is recognised as a Harmonizome page; a TFLink front matter is not."""
    assert looks_like_harmonizome(EXAMPLE.read_text(encoding="utf-8"))
    assert not looks_like_harmonizome("---\ntfs: a,b\n---\n| Summary |\n")


def _variants(tree_json: str) -> list[str]:
    """The example's Summary row written as pages write it: inline, with sorted keys,
    emphasised, with non-breaking spaces."""
    sorted_json = json.dumps(json.loads(tree_json), sort_keys=True)
    rows = [
        f"| Summary | {tree_json} |",
        f"| Summary |\n{sorted_json}\n|",
        f"| Summary | {sorted_json} |",
        f"| **Summary** |\n{tree_json}\n|",
        f"|\u00a0Summary\u00a0|\n\n{sorted_json}\n|",
        f"| __Summary__ | {tree_json} |",
    ]
    return [f"| Name | demo gene |\n{row}\n| NCBI Gene ID | 42 |\n" for row in rows]


@pytest.mark.parametrize("index", range(6))
def test_summary_row_is_detected_and_read_whatever_its_layout(index: int) -> None:
    """A Summary row holding a root tree is a Harmonizome page inline or not, its keys in
    any order, its key emphasised or spaced oddly, and is read to the same statements."""
    tree_json = json.dumps(tree([t("A binds B."), {"type": "f", "ref": 1}]))
    text = _variants(tree_json)[index]
    assert looks_like_harmonizome(text)
    doc = read_harmonizome("harmonizome_gene_DEMO.md", text)
    assert doc.problems == ()
    assert [(c.text, refs_of(doc, 0)) for c in doc.claims] == [("A binds B.", ["1"])]


def test_a_summary_row_without_a_root_tree_is_not_a_page() -> None:
    """Only a Summary row holding a JSON object of type root makes a page Harmonizome."""
    assert not looks_like_harmonizome("| Summary | a short text |\n")
    assert not looks_like_harmonizome('| Summary |\n{"type": "p", "children": []}\n|\n')
    assert not looks_like_harmonizome('| Dataset | Summary |\n{"type": "root"}\n|\n')
    assert not looks_like_harmonizome('Notes\n{"type": "root", "children": []}\n')


# --- handmade fixtures ----------------------------------------------------------------------


def test_demo_fixture_segments_text_between_footnotes() -> None:
    """Text up to each footnote is one statement; trailing text is an uncited statement."""
    path = DATA / "harmonizome_gene_DEMO.md"
    doc = read_harmonizome(str(path), path.read_text(encoding="utf-8"))
    assert doc.problems == ()
    assert [c.text for c in doc.claims] == [
        "DEMO binds DNA tightly.",
        "It is very old.",
        "Nobody cited this.",
    ]
    assert refs_of(doc, 0) == ["1"]
    assert refs_of(doc, 1) == ["2", "1", "3"]  # fg_f 2, then range 1..3, de-duplicated
    assert doc.claims[2].citations == ()
    assert doc.claims[2].location == "Summary paragraph 1, after footnote group 2"
    assert [c.ref for c in doc.citations] == ["4"]  # never cited: loose, not dropped
    assert doc.subject.proteins == ("DEMO_HUMAN", "DEMO2_HUMAN")


def test_broken_json_fixture_reports_line_and_column() -> None:
    """JSON that fails to parse is one problem naming its file line and column."""
    path = DATA / "harmonizome_gene_BROKEN.md"
    doc = read_harmonizome(str(path), path.read_text(encoding="utf-8"))
    assert doc.claims == ()
    assert len(doc.problems) == 1
    assert doc.problems[0].location.startswith("line 4, column ")
    assert "does not parse" in doc.problems[0].message
    assert doc.subject.symbol == "BROKEN"


def test_string_and_integer_refs_are_equivalent() -> None:
    """Refs given as "2" or 2 point to the same reference, and Citation.ref is a string."""
    as_int = read(tree([t("A."), {"type": "f", "ref": 2}], [ref(1), ref(2, "22")]))
    as_str = read(tree([t("A."), {"type": "f", "ref": "2"}], [ref("1"), ref("2", "22")]))
    assert as_int.claims == as_str.claims
    assert as_int.claims[0].citations[0].pmid == "22"
    assert as_int.claims[0].citations[0].ref == "2"


def test_single_footnote_f() -> None:
    """An ``f`` node closes a statement citing exactly its one reference."""
    doc = read(tree([t("First."), {"type": "f", "ref": 3}, t(" Second."), {"type": "f", "ref": 1}]))
    assert [(c.text, refs_of(doc, i)) for i, c in enumerate(doc.claims)] == [
        ("First.", ["3"]),
        ("Second.", ["1"]),
    ]
    assert [c.ref for c in doc.citations] == ["2"]


def test_adjacent_footnotes_extend_one_statement() -> None:
    """A footnote right after another (only white space between) adds to the same statement."""
    doc = read(tree([t("Claim."), {"type": "f", "ref": 1}, t(" "), {"type": "f", "ref": 2}]))
    assert len(doc.claims) == 1
    assert refs_of(doc, 0) == ["1", "2"]
    assert doc.problems == ()


def test_punctuation_after_a_footnote_ends_the_statement_before_it() -> None:
    """A full stop placed after a footnote is no statement: it, and closing punctuation
    opening the next span, end the statement before; its refs join that statement."""
    doc = read(
        tree(
            [
                *(t("A binds B"), {"type": "f", "ref": 1}, t(". In parallel, C binds D")),
                *({"type": "f", "ref": 2}, t(" .) "), {"type": "f", "ref": 3}),
                *(t(" E is old"), {"type": "f", "ref": 3}, t(" .\n")),
            ]
        )
    )
    assert [(c.text, [r.ref for r in c.citations]) for c in doc.claims] == [
        ("A binds B.", ["1"]),
        ("In parallel, C binds D.)", ["2", "3"]),
        ("E is old.", ["3"]),
    ]
    assert doc.problems == ()


def test_punctuation_opening_a_paragraph_is_no_statement() -> None:
    """A paragraph of punctuation alone makes no statement; its footnote is reported."""
    doc = read(tree([t(" . "), {"type": "f", "ref": 1}, t("“Quoted” text.")]))
    assert [c.text for c in doc.claims] == ["“Quoted” text."]
    assert "no text before it" in messages(doc)[0]


def test_footnote_without_text_is_reported() -> None:
    """A footnote opening a paragraph has no statement to support and is reported."""
    doc = read(tree([{"type": "f", "ref": 1}, t("Uncited.")]))
    assert [c.text for c in doc.claims] == ["Uncited."]
    assert "no text before it" in messages(doc)[0]


def test_whitespace_only_text_is_not_a_statement() -> None:
    """Paragraphs and top-level text of white space only yield no statements."""
    doc = read({"type": "root", "children": [t("\n\n"), {"type": "p", "children": [t(" \n ")]}]})
    assert doc.claims == ()
    assert doc.problems == ()


def test_top_level_text_is_read_like_a_paragraph() -> None:
    """Text directly under root becomes statements too, located at the top level."""
    doc = read(
        {
            "type": "root",
            "children": [
                t("Loose claim."),
                {"type": "f", "ref": 1},
                {"type": "rg", "children": [ref(1)]},
            ],
        }
    )
    assert doc.claims[0].text == "Loose claim."
    assert doc.claims[0].location == "Summary top level, footnote group 1"


def test_symbol_from_file_name_without_sentence() -> None:
    """Without the associations sentence the symbol is the file stem's last ``_`` part."""
    text = page(tree([t("x")])).replace("DEMO has 3 functional", "There are 3")
    assert read_harmonizome("dir/harmonizome_gene_SOX2.md", text).subject.symbol == "SOX2"


@pytest.mark.parametrize(
    ("line", "symbol"),
    [
        ("TWIST2 has 5,254 functional associations with biological entities.", "TWIST2"),
        ("Twist2 has 3 functional associations with biological entities.", "Twist2"),
        ("  HLA-DRB1 has 3 functional associations.", "HLA-DRB1"),
        ("C9orf72 has 3 functional associations.", "C9orf72"),
        ("SET has 3 functional associations.", "SET"),  # a word in capitals is a symbol
        ("It has 3 functional associations.", "SOX2"),
        ("This has 3 functional associations.", "SOX2"),
        ("gene has 3 functional associations.", "SOX2"),
        ("The gene DEMO has 3 functional associations.", "SOX2"),  # not at the line's start
        ("**DEMO** has 3 functional associations.", "SOX2"),
        ("2DEMO has 3 functional associations.", "SOX2"),
    ],
)
def test_symbol_sentence_needs_a_symbol_like_word_opening_its_line(line: str, symbol: str) -> None:
    """Only a gene-symbol-like word opening the line counts; otherwise the file name decides."""
    text = page(tree([t("x")])).replace(
        "DEMO has 3 functional associations with biological entities.", line
    )
    assert read_harmonizome("dir/harmonizome_gene_SOX2.md", text).subject.symbol == symbol


def test_symbol_skips_a_pronoun_line_for_a_later_symbol_line() -> None:
    """A line "It has N functional associations" is passed over for a later real one."""
    text = page(tree([t("x")])).replace(
        "DEMO has 3 functional", "It has 2 functional associations.\nTWIST2 has 3 functional"
    )
    assert read_harmonizome("dir/harmonizome_gene_SOX2.md", text).subject.symbol == "TWIST2"


# --- problems -------------------------------------------------------------------------------


def test_no_summary_row() -> None:
    """A page without a Summary row is one whole-file problem and keeps its subject."""
    doc = read_harmonizome("g.md", "| Name | x |\n| NCBI Gene ID | 7 |\n")
    assert [(p.location, p.message) for p in doc.problems] == [
        ("", "no Summary row: the page has no statements to read")
    ]
    assert doc.subject.gene_id == "7"


def test_unknown_node_type_is_located_by_path() -> None:
    """An unknown node type is reported at its ``children[i]`` path and skipped."""
    doc = read(tree([t("A."), {"type": "zz", "children": []}, {"type": "f", "ref": 1}]))
    assert doc.problems[0].location == "Summary node children[0].children[1]"
    assert "unknown node type 'zz'" in doc.problems[0].message
    assert doc.claims[0].text == "A."


def test_missing_required_keys() -> None:
    """Nodes lacking required keys (or with wrong value types) are reported, not fatal."""
    doc = read(tree([{"type": "t"}, {"type": "f"}, {"type": "p", "children": "no"}, 7]))
    found = messages(doc)
    assert "'t' node has no 'text'; skipped" in found
    assert "'f' node has no 'ref'; skipped" in found
    assert "'p' node's 'children' is a JSON string" in found
    assert "node is a JSON number, not an object; skipped" in found


def test_footnote_to_missing_ref() -> None:
    """A footnote to a number absent from the reference list is reported; others still cite."""
    doc = read(
        tree(
            [
                t("A."),
                {
                    "type": "fg",
                    "children": [{"type": "fg_f", "ref": 9}, {"type": "fg_f", "ref": 1}],
                },
            ]
        )
    )
    assert refs_of(doc, 0) == ["1"]
    assert messages(doc) == ["footnote points to ref 9, not in the reference list"]
    assert doc.problems[0].location == "Summary paragraph 1, footnote group 1"


def test_reversed_range() -> None:
    """A range whose start exceeds its end is reported and contributes nothing."""
    doc = read(
        tree(
            [t("A."), {"type": "fg", "children": [{"type": "fg_fs", "start_ref": 3, "end_ref": 1}]}]
        )
    )
    assert doc.claims[0].citations == ()
    assert messages(doc) == ["footnote range 3-1 is reversed; ignored"]


def test_absurdly_large_range_is_not_expanded() -> None:
    """A range over MAX_RANGE refs is reported without being expanded."""
    entry = {"type": "fg_fs", "start_ref": 1, "end_ref": 10**12}
    doc = read(tree([t("A."), {"type": "fg", "children": [entry]}]))
    assert doc.claims[0].citations == ()
    assert f"over {MAX_RANGE}; not expanded" in messages(doc)[0]


def test_reference_without_identifiers() -> None:
    """A reference with neither PMID nor DOI is kept (loose) and reported."""
    doc = read(tree([t("A.")], [ref(1, None, None)]))
    assert messages(doc) == ["reference has neither a PMID nor a DOI"]
    assert doc.citations[0].ref == "1"
    assert doc.citations[0].title == "A title."


def test_invalid_identifiers_are_kept_and_named() -> None:
    """A malformed PMID or DOI is kept as written, named in ``invalid`` and reported."""
    doc = read(tree([t("A."), {"type": "f", "ref": 1}], [ref(1, "12ab", "11.x/y")]))
    citation = doc.claims[0].citations[0]
    assert citation.invalid == ("pmid", "doi")
    assert (citation.pmid, citation.doi) == ("12ab", "11.x/y")
    assert messages(doc) == ["'12ab' is not a valid PMID", "'11.x/y' is not a valid DOI"]


def link(href: str, text: str) -> Any:
    return {"type": "a", "href": href, "children": [t(text)]}


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (
            [
                link("https://doi.org/10.1016/j.ccr.2008.06.005/", "10.1016/j.ccr.2008.06.005"),
                link("https://pubmed.ncbi.nlm.nih.gov/18598946/", "18598946"),
            ],
            ("18598946", "10.1016/j.ccr.2008.06.005"),
        ),
        (
            [
                link("https://www.nature.com/articles/onc2011181", "DOI 10.1038/onc.2011.181"),
                link("https://pubmed.ncbi.nlm.nih.gov/?term=21602879", "PubMed"),
            ],
            ("21602879", "10.1038/onc.2011.181"),
        ),
        (
            [
                link("https://example.org/paper", "doi: 10.1038/onc.2011.181"),
                link("https://www.ncbi.nlm.nih.gov/pubmed/?term=21602879%5Buid%5D", "x"),
            ],
            ("21602879", "10.1038/onc.2011.181"),
        ),
        ([link("https://pubmed.ncbi.nlm.nih.gov/", "21602879")], ("21602879", None)),
        ([link("https://example.org/", "PMID: 21602879")], ("21602879", None)),
        ([link("https://europepmc.org/article/MED/21602879", "Europe PMC")], ("21602879", None)),
        (
            [
                link(
                    "http://www.ncbi.nlm.nih.gov/entrez/query.fcgi?cmd=Retrieve&db=PubMed"
                    "&list_uids=21602879&dopt=Abstract",
                    "PubMed",
                )
            ],
            ("21602879", None),
        ),
    ],
)
def test_reference_link_forms(links: list[Any], expected: tuple[str, str | None]) -> None:
    """Links as pages write them give the reference's PMID and DOI: a DOI link ending in
    "/", a PubMed ``?term=`` link, a Europe PMC or old Entrez link to one PubMed record, or a
    link whose text says "DOI 10.…" or "PMID: n"."""
    reference = {"type": "r", "ref": 1, "children": [t("Ann Author. "), *links]}
    doc = read(tree([t("A."), {"type": "f", "ref": 1}], [reference]))
    citation = doc.claims[0].citations[0]
    assert (citation.pmid, citation.doi, citation.invalid) == (*expected, ())
    assert doc.problems == ()


def test_duplicate_ref_numbers() -> None:
    """A repeated reference number is reported; footnotes use the first, the other is loose."""
    doc = read(tree([t("A."), {"type": "f", "ref": 1}], [ref(1, "5"), ref("1", "6")]))
    assert doc.claims[0].citations[0].pmid == "5"
    assert [c.pmid for c in doc.citations] == ["6"]
    assert "duplicate ref number 1" in messages(doc)[0]


def test_non_integer_refs() -> None:
    """Non-integer refs in footnotes and references are reported; the reference is kept."""
    doc = read(tree([t("A."), {"type": "f", "ref": "x1"}], [ref("one"), ref(True)]))
    found = messages(doc)
    assert "ref 'x1' is not an integer" in found
    assert "reference number 'one' is not an integer" in found
    assert any("'ref' is a JSON boolean" in m for m in found)
    assert [c.ref for c in doc.citations] == ["one"]


def test_deeply_nested_tree_is_reported() -> None:
    """A tree nested 100,000 levels deep is a problem, not a crash."""
    deep = '{"type": "b", "children": [' * 100_000 + "]}" * 100_000
    text = f"| Summary |\n{deep}\n|\n"
    doc = read_harmonizome("deep.md", text)
    assert messages(doc) == ["Summary JSON is nested too deeply to read"]


def test_deep_but_parseable_tree_is_walked_without_recursion() -> None:
    """A tree as deep as json accepts is walked, its innermost text becoming a statement."""
    depth = 300  # 600 JSON levels: within what json.loads accepts under pytest
    inner = '{"type": "p", "children": [{"type": "t", "text": "deep"}, {"type": "f", "ref": 1}]}'
    nested = '{"type": "b", "children": [' * depth + inner + "]}" * depth
    rg = json.dumps({"type": "rg", "children": [ref(1)]})
    text = f'| Summary |\n{{"type": "root", "children": [{nested}, {rg}]}}\n|\n'
    doc = read_harmonizome("deep.md", text)
    assert doc.problems == ()
    assert [(c.text, refs_of(doc, 0)) for c in doc.claims] == [("deep", ["1"])]


# --- properties -----------------------------------------------------------------------------

_refs = st.one_of(st.integers(-5, 40), st.text("0123456789x", max_size=3), st.none())
_leaf = st.one_of(
    st.builds(lambda s: {"type": "t", "text": s}, st.text(max_size=8)),
    st.builds(lambda r: {"type": "f", "ref": r}, _refs),
    st.builds(lambda r: {"type": "fg_f", "ref": r}, _refs),
    st.builds(lambda a, b: {"type": "fg_fs", "start_ref": a, "end_ref": b}, _refs, _refs),
    st.builds(lambda r: {"type": "r", "ref": r, "children": []}, _refs),
    st.sampled_from([{"type": "zz"}, {"type": "t"}, 3, None, "x", []]),
)
_containers = st.sampled_from(["root", "p", "b", "i", "a", "fg", "rg", "r"])
_trees = st.recursive(
    _leaf,
    lambda kids: st.builds(
        lambda kind, children, href: {"type": kind, "children": children, "href": href},
        _containers,
        st.lists(kids, max_size=5),
        st.sampled_from(["https://doi.org/10.1/x", "https://pubmed.ncbi.nlm.nih.gov/7", "", 1]),
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees)
def test_random_trees_never_raise(value: Any) -> None:
    """Any tree built from the node types reads to a Document; oddities are Problems."""
    doc = read(value)
    assert all(c.text for c in doc.claims)
    assert [c.id for c in doc.claims] == [f"s{i}" for i in range(1, len(doc.claims) + 1)]


_EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_mutated_example_never_raises(data: st.DataObject) -> None:
    """Deleting, flipping or truncating the example's text yields Problems, never exceptions."""
    text = _EXAMPLE_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text) - 1))
        action = data.draw(st.sampled_from(["delete", "flip", "truncate"]))
        if action == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 50)) :]
        elif action == "flip":
            text = (
                text[:at]
                + chr(ord(text[at]) ^ (1 << data.draw(st.integers(0, 6))))
                + text[at + 1 :]
            )
        else:
            text = text[:at]
        if not text:
            break
    doc = read_harmonizome("harmonizome_gene_TWIST2.md", text)
    json.dumps(doc.to_dict())  # the result is always serialisable


def test_hostile_values_are_problems() -> None:
    """Malformed URLs, 5,000-digit numbers and huge ref strings are reported, never raised."""
    bad_link = {
        "type": "r",
        "ref": 1,
        "children": [{"type": "a", "href": "https://[x/", "children": []}],
    }
    doc = read(tree([t("A."), {"type": "f", "ref": "9" * 5000}], [bad_link]))
    found = messages(doc)
    assert any(m.startswith("ref '9999") and m.endswith("is not an integer") for m in found)
    assert max(len(m) for m in found) < 200
    assert "reference has neither a PMID nor a DOI" in found
    huge = read_harmonizome("h.md", '| Summary |\n{"type": "root", "ref": ' + "1" * 5000 + "}\n|\n")
    assert messages(huge)[0].startswith("Summary JSON cannot be read")


@pytest.mark.parametrize(
    "footnote",
    [
        {"type": "f"},
        {"type": "f", "ref": 1.0},
        {"type": "f", "ref": None},
        {"type": "fg"},
        {"type": "fg", "children": "1"},
        {"type": "fg_f", "ref": [1]},
    ],
)
def test_a_malformed_footnote_still_ends_its_statement(footnote: Any) -> None:
    """A footnote that cannot be read is reported and ends the text before it, uncited: that
    text never runs on into the next statement and takes the next footnote's references."""
    doc = read(tree([t("A is X."), footnote, t(" B is Y."), {"type": "f", "ref": 2}]))
    assert [(c.text, refs_of(doc, i)) for i, c in enumerate(doc.claims)] == [
        ("A is X.", []),
        ("B is Y.", ["2"]),
    ]
    assert len(doc.problems) == 1


def test_a_second_pmid_or_doi_of_one_reference_is_reported_not_dropped() -> None:
    """A reference is one paper: a second identifier it names (an erratum's PMID, another
    DOI) is not read, and a problem says so; the same one written twice is no problem."""
    from enrich.extract._references import Parts, citation_from_parts

    problems: list[str] = []
    parts = Parts()
    parts.add("a", "PMID: 17016429", "https://pubmed.ncbi.nlm.nih.gov/17016429/")
    parts.add("t", " doi:10.1016/j.cell.2006.08.001, doi:10.1016/J.CELL.2007.01.002", None)
    citation = citation_from_parts("1", parts, problems.append)
    assert (citation.pmid, citation.doi) == ("17016429", "10.1016/j.cell.2006.08.001")
    assert problems == [
        "reference names DOI '10.1016/j.cell.2006.08.001' and DOI "
        "'10.1016/J.CELL.2007.01.002': only the first is read (a reference is one paper)"
    ]
    problems.clear()
    again = Parts()
    again.add("a", "17016429", "https://pubmed.ncbi.nlm.nih.gov/17016429/")
    again.add("a", "PMID 17016429", "https://www.ncbi.nlm.nih.gov/pubmed/17016429")
    again.add("a", "PMID 18000001", "https://pubmed.ncbi.nlm.nih.gov/18000001/")
    assert citation_from_parts("2", again, problems.append).pmid == "17016429"
    assert problems == [
        "reference names PMID '17016429' and PMID '18000001': only the first is read "
        "(a reference is one paper)"
    ]


def test_a_summary_key_in_any_case_is_the_summary() -> None:
    """``| summary |`` and ``| SUMMARY |`` are the Summary row (an export that changed the
    key's case): read as a Harmonizome page, its statements kept."""
    text = (EXAMPLES / "harmonizome_gene_TWIST2.md").read_text(encoding="utf-8")
    for key in ("| summary |", "| SUMMARY |"):
        document = parse_document("page.md", text.replace("| Summary |", key))
        assert document.style is Style.HARMONIZOME and len(document.claims) == 6
        assert not document.problems


def test_a_summary_tree_read_as_text_is_said_never_silent() -> None:
    """A Summary tree outside a ``| Summary |`` row (a row that lost its leading ``|``) makes
    the page plain text, whose statements are not read: one problem line says so, naming
    the line; the identifiers are still read.  Text without a tree gets no such line, nor
    a page read as text because ``--style text`` asked for it."""
    text = (EXAMPLES / "harmonizome_gene_TWIST2.md").read_text(encoding="utf-8")
    broken = text.replace("| Summary |", "Summary |")
    document = parse_document("page.md", broken)
    assert document.style is Style.TEXT and not document.claims and document.citations
    (problem,) = document.problems
    assert str(problem).startswith('page.md:line 5: a Summary tree ("type": "root") outside')
    assert not parse_document("page.md", broken, Style.TEXT).problems
    assert not parse_document("note.md", "TWIST1 binds CDH1 (PMID: 18598946).").problems
