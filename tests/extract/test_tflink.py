"""Style A: TFLink protein pages, all four format generations."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.extract import _front_matter, detect_style, parse_document, read_document, tflink
from enrich.extract.tflink import read_tflink
from enrich.model import ClaimKind, Style
from tests.conftest import TWIST1, shared_path


def _pmids(document: object) -> set[str]:
    return {c.pmid for c in document.all_citations() if c.pmid}  # type: ignore[attr-defined]


def test_twist1_example_has_12_regulators_36_targets_and_35_pmids() -> None:
    """The reference page gives exactly 48 edges citing 35 distinct PMIDs and no problems."""
    doc = read_document(TWIST1)
    assert doc.style is Style.TFLINK
    assert doc.problems == ()
    regulators = [c for c in doc.claims if c.id.startswith("tfs-")]
    targets = [c for c in doc.claims if c.id.startswith("targets-")]
    assert (len(regulators), len(targets)) == (12, 36)
    assert all(c.target == "TWIST1" for c in regulators)
    assert all(c.regulator == "TWIST1" for c in targets)
    assert all(c.kind is ClaimKind.EDGE for c in doc.claims)
    assert _pmids(doc) == TWIST1_PMIDS  # generation A1: ``+OR+``-joined terms


TWIST1_PMIDS = {
    "12270142", "15311212", "17487558", "17909010", "18033314", "18453541", "19051271",
    "19318582", "19513566", "19581928", "20053763", "20646316", "21503964", "21796367",
    "21876555", "21931630", "22056872", "22253230", "22276142", "22458515", "22641097",
    "22899291", "22982861", "23095743", "23222305", "23623921", "23723077", "23836662",
    "24029232", "24220291", "24234451", "27924024", "29087512", "29126285", "31340985",
}  # fmt: skip
assert len(TWIST1_PMIDS) == 35


def test_twist1_subject_comes_from_front_matter() -> None:
    """Symbol, UniProt accession, Gene ID and organism are read from the front matter keys."""
    subject = read_document(TWIST1).subject
    assert (subject.symbol, subject.uniprot, subject.gene_id, subject.organism) == (
        "TWIST1",
        "Q15672",
        "7291",
        "Homo sapiens",
    )


def test_bmi1_keeps_both_gene_ids() -> None:
    """A gene-ID field with two IDs (``100532731; 648``) keeps both."""
    doc = read_document(TWIST1)
    (bmi1,) = [c for c in doc.claims if c.target == "BMI1"]
    assert bmi1.partner is not None
    assert bmi1.partner.gene_ids == ("100532731", "648")
    assert [c.pmid for c in bmi1.citations] == ["21876555", "29087512"]


def test_runx2_is_both_regulator_and_target() -> None:
    """Direction comes from the field: RUNX2 is in both tfs and targets of TWIST1."""
    doc = read_document(TWIST1)
    pairs = {(c.regulator, c.target) for c in doc.claims}
    assert ("RUNX2", "TWIST1") in pairs
    assert ("TWIST1", "RUNX2") in pairs


def test_row_folded_between_anchor_and_href_is_read() -> None:
    """BCL2's row has ``<a`` and ``href=`` on different lines; its three PMIDs are read."""
    doc = read_document(TWIST1)
    (bcl2,) = [c for c in doc.claims if c.target == "BCL2"]
    assert [c.pmid for c in bcl2.citations] == ["23095743", "29126285", "29087512"]
    assert bcl2.sources == ("ReMap", "TRRUST")
    assert bcl2.methods == ("chromatin immunoprecipitation assay", "inferred by curator")


CORPUS_EXPECTED = {
    # file: (rows, distinct PMIDs, small-scale flags present)
    "a0a023gpj1@353b4ac.md": (10, 1, {False}),
    "a0a023gpk8@7f2af01.md": (4, 1, {False}),
    "a0a023grw2@41d0963.md": (30, 1, {False}),
    "a0a023hhk9@c307fd1.md": (100, 1, {False}),
    "a0a023pxd3@6f9cb81.md": (2, 1, {False}),
    "a0a023pxh9@23e855b.md": (12, 7, {None}),
    "a0a023pxi5@1eea602.md": (8, 8, {None}),
    "a0a023pza4@c06df22.md": (31, 14, {None}),
    "p26687@1eea602.md": (40, 37, {None}),
    "q15672@1eea602.md": (48, 35, {None}),
    "q15672@6f9cb81.md": (200, 36, {False, True}),
    "q9epj1@353b4ac.md": (2, 1, {False}),
}


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_every_corpus_page_parses_without_problems(name: str) -> None:
    """Each real TFLink page, whatever its generation, parses completely with no problems."""
    doc = read_document(shared_path("corpus", "tflink", name))
    rows, distinct, flags = CORPUS_EXPECTED[name]
    assert doc.problems == ()
    assert doc.style is Style.TFLINK
    assert len(doc.claims) == rows
    assert len(_pmids(doc)) == distinct
    assert {c.small_scale for c in doc.claims} == flags


def test_generation_a0_semicolon_joined_pmids() -> None:
    """A0: ``term=ID1; ID2%5Buid%5D`` (only the last tagged), folded over lines, gives both."""
    doc = read_document(shared_path("corpus", "tflink", "a0a023pxh9@23e855b.md"))
    assert _pmids(doc) == {
        "11102521", "12464633", "16208474", "18753408", "19915041", "20231876", "20385592",
    }  # fmt: skip
    cbf1 = doc.claims[0]
    assert (cbf1.regulator, [c.pmid for c in cbf1.citations]) == ("CBF1", ["20231876", "20385592"])
    assert cbf1.partner is not None and cbf1.partner.gene_ids == ("853523",)


def test_generation_a0_three_pmids_split_over_yaml_lines() -> None:
    """A0 with three semicolon-joined PMIDs split across YAML lines reads all three."""
    doc = read_document(shared_path("corpus", "tflink", "a0a023pza4@c06df22.md"))
    triples = [c for c in doc.claims if len(c.citations) == 3]
    assert any(
        [x.pmid for x in c.citations] == ["15353587", "18524923", "20385592"] for c in triples
    )
    assert len(_pmids(doc)) == 14


Q15672_6F9CB81_PMIDS = {
    "12270142", "15311212", "17487558", "17909010", "18033314", "18453541", "18971253",
    "19051271", "19318582", "19513566", "19581928", "20053763", "20646316", "21503964",
    "21796367", "21876555", "21931630", "22056872", "22253230", "22276142", "22458515",
    "22641097", "22899291", "22982861", "23095743", "23222305", "23623921", "23723077",
    "23836662", "24029232", "24220291", "24234451", "26578589", "27924024", "29087512",
    "29126285",
}  # fmt: skip


def test_generation_a1b_flags_and_exact_pmids() -> None:
    """A1b: the anchor followed by ``,Yes``/``,No``; 200 capped rows and 36 distinct PMIDs."""
    doc = read_document(shared_path("corpus", "tflink", "q15672@6f9cb81.md"))
    assert _pmids(doc) == Q15672_6F9CB81_PMIDS
    assert sum(c.small_scale is True for c in doc.claims) > 0
    assert sum(c.small_scale is False for c in doc.claims) > 0
    dash = [c for c in doc.claims if c.partner and c.partner.symbol == "-"]
    assert dash and dash[0].partner is not None and dash[0].partner.uniprot == "A0A087WUJ7"
    assert dash[0].partner.gene_ids == ()


def test_generation_a2_bare_terms_with_crlf() -> None:
    """A2: bare ``27924024%5Buid%5D,No`` with no link, in a CRLF file, and odd fly symbols."""
    path = shared_path("corpus", "tflink", "a0a023gpj1@353b4ac.md")
    assert b"\r\n" in path.read_bytes()
    doc = read_document(path)
    assert _pmids(doc) == {"27924024"}
    assert "Su(var)205" in {c.regulator for c in doc.claims}
    assert all(c.small_scale is False for c in doc.claims)
    assert doc.subject.gene_id == "32063"


def test_symbols_with_parentheses_and_spaces() -> None:
    """Fly symbols such as ``l(3)mbt`` and ``FBgn 32517`` are kept as written."""
    doc = read_document(shared_path("corpus", "tflink", "a0a023grw2@41d0963.md"))
    names = {c.regulator for c in doc.claims}
    assert {"l(3)mbt", "Su(z)12", "mod(mdg4)", "FBgn 32517", "E(z)"} <= names


def test_float_and_dash_gene_ids() -> None:
    """Gene IDs written as floats (``855704.0``) become integers; ``-`` page IDs become None."""
    doc = read_document(shared_path("corpus", "tflink", "a0a023pxi5@1eea602.md"))
    crz1 = doc.claims[0]
    assert crz1.partner is not None and crz1.partner.gene_ids == ("855704",)
    assert doc.subject.gene_id is None
    assert all(c.target == "YP97C_YEAST" for c in doc.claims)


def test_empty_tfs_field_gives_only_targets() -> None:
    """``tfs: ''`` yields no regulator edges; the 100 shown targets are all read."""
    doc = read_document(shared_path("corpus", "tflink", "a0a023hhk9@c307fd1.md"))
    assert all(c.id.startswith("targets-") for c in doc.claims)
    assert len(doc.claims) == 100
    assert doc.subject.symbol is None and doc.subject.uniprot == "A0A023HHK9"


PAGE = """---
type: protein
title: P1
protein_name: TF1
tfs: '{rows}'
targets: ''
---
"""


def _page(rows: str) -> str:
    return PAGE.format(rows=rows)


def test_row_without_evidence_is_an_uncited_edge() -> None:
    """A row with five fields and no evidence is an edge with no citations, not a problem."""
    doc = read_tflink("p.md", _page("G1,Q1,11,GTRD,chromatin immunoprecipitation assay"))
    assert doc.problems == ()
    assert doc.claims[0].citations == ()


def test_invalid_pmid_is_kept_and_reported() -> None:
    """A malformed PMID is kept with ``invalid`` set and reported with its row."""
    doc = read_tflink("p.md", _page("G1,Q1,11,GTRD,ChIP,0%5Buid%5D+OR+123%5Buid%5D,No"))
    cites = doc.claims[0].citations
    assert [(c.pmid, c.invalid) for c in cites] == [("0", ("pmid",)), ("123", ())]
    assert [str(p) for p in doc.problems] == ["p.md:tfs row 1: '0' is not a valid PMID"]


def test_duplicate_pmids_in_a_row_are_merged() -> None:
    """A PMID listed twice in one row is cited once."""
    doc = read_tflink("p.md", _page("G1,Q1,11,GTRD,ChIP,5%5Buid%5D+OR+5%5Buid%5D"))
    assert [c.pmid for c in doc.claims[0].citations] == ["5"]


def test_unreadable_row_is_reported_with_its_location() -> None:
    """A row with too few fields becomes a problem naming the field and row; others survive."""
    doc = read_tflink("p.md", _page("G1,Q1\n\n  G2,Q2,12,GTRD,ChIP,7%5Buid%5D"))
    assert len(doc.claims) == 1 and doc.claims[0].regulator == "G2"
    assert len(doc.problems) == 1
    assert doc.problems[0].location == "tfs row 1"
    assert "expected 5 or 6" in doc.problems[0].message


def test_malformed_yaml_names_the_line() -> None:
    """Broken YAML gives one problem with the file's line number, not an exception."""
    doc = read_tflink("p.md", "---\ntitle: P1\ntfs: 'unclosed\n  - x: [\n---\n")
    assert len(doc.problems) == 1
    assert doc.problems[0].message.startswith("malformed YAML front matter")
    assert doc.problems[0].location.startswith("line ")


def test_unclosed_front_matter_is_a_problem() -> None:
    """A front matter that never ends with ``---`` is reported."""
    doc = read_tflink("p.md", "---\ntitle: P1\ntfs: ''\n")
    assert "never closed" in doc.problems[0].message


def test_non_text_field_is_a_problem() -> None:
    """``tfs`` holding a list instead of text is reported rather than guessed at."""
    doc = read_tflink("p.md", "---\ntfs: [1, 2]\n---\n")
    assert doc.problems[0].message == "tfs is a list, not text"


def test_yaml_tags_are_not_constructed(tmp_path: Path) -> None:
    """The loader is safe: a Python object tag is an error, never executed."""
    doc = read_tflink("p.md", "---\ntfs: !!python/object/apply:os.system ['true']\n---\n")
    assert doc.claims == ()
    assert doc.problems and "malformed YAML" in doc.problems[0].message


@pytest.mark.parametrize(
    "value",
    [
        "!!int " + "1" * 5000,  # past Python's digit limit: ValueError
        "!!int 0xZZ",
        "!!int ''",  # IndexError
        "!!float abc",
        "!!bool maybe",  # KeyError
        "!!timestamp 99999-01-01",  # AttributeError
        "!!timestamp 2001-13-45",
    ],
)
def test_a_tagged_value_that_cannot_be_built_is_a_problem(value: str) -> None:
    """An explicit YAML tag whose text the tag's constructor cannot read is one problem of
    the page: before, PyYAML's ValueError, KeyError, IndexError or AttributeError escaped
    read_tflink, and one such page ended ``enrich run`` of the whole corpus with a
    traceback."""
    doc = read_tflink("p.md", f"---\nprotein_name: {value}\ntfs: ''\n---\n")
    assert doc.claims == ()
    assert [p.location for p in doc.problems] == ["front matter"]
    assert doc.problems[0].message.startswith("malformed YAML front matter: a tagged value")


def test_rows_sharing_an_invalid_term_each_report_it() -> None:
    """Evidence shared by rows is read once per page only when valid: each bad row reports."""
    row = "G{n},Q{n},x{n},GTRD,ChIP,0%5Buid%5D+OR+5%5Buid%5D"
    doc = read_tflink("p.md", _page(f"{row.format(n=1)}\n\n  {row.format(n=2)}"))
    assert [c.id for c in doc.claims] == ["tfs-1", "tfs-2"]
    assert doc.claims[0].citations == doc.claims[1].citations
    assert [(p.location, p.message) for p in doc.problems] == [
        ("tfs row 1", "gene ID 'x1' is not a number"),
        ("tfs row 1", "'0' is not a valid PMID"),
        ("tfs row 2", "gene ID 'x2' is not a number"),
        ("tfs row 2", "'0' is not a valid PMID"),
    ]


@pytest.mark.parametrize(
    ("evidence", "pmids"),
    [
        ("012%5Buid%5D+OR+12%5Buid%5D", ["12"]),  # leading zero: valid, merged after normalising
        ("3; 4%5Buid%5D", ["3", "4"]),
        ("5[uid] OR 6[uid]", ["5", "6"]),
        ("7+8", ["7", "8"]),
        ("", []),
    ],
)
def test_uncommon_valid_terms_read_as_elsewhere(evidence: str, pmids: list[str]) -> None:
    """Terms the fast tokenizer does not take are normalised like any other, without problems."""
    doc = read_tflink("p.md", _page(f"G1,Q1,11,GTRD,ChIP,{evidence}"))
    assert doc.problems == ()
    assert [(c.pmid, c.invalid) for c in doc.claims[0].citations] == [(p, ()) for p in pmids]


def test_clearing_the_caches_changes_no_result() -> None:
    """The shared Citations, lists and row names are only a speed-up."""
    text = TWIST1.read_text()
    before = read_tflink("p.md", text)
    tflink.clear_caches()
    assert read_tflink("p.md", text) == before


def _safe_load(text: str, loader: Any) -> tuple[str, str]:
    """What a loader makes of ``text``: ("ok", repr of the data) or ("error", its type)."""
    try:
        return "ok", repr(yaml.load(text, Loader=loader))  # noqa: S506 - both loaders are safe
    except yaml.YAMLError as exc:
        return "error", type(exc).__name__


class TextSafeLoader(yaml.SafeLoader):
    """The pure-Python safe loader reading unquoted values as text, as front matter is read:
    without YAML 1.1's bool, int, float and timestamp types."""


TextSafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag.rsplit(":", 1)[1] not in
            ("bool", "int", "float", "timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "a: x\nb: 'y'\nc: \"z\"\n",
        "<<: {k: v}\na: b\n",
        "= : x\n",  # the value key
        "n: 7291\nf: 855704.0\nt: yes\nz: null\nd: 2001-01-01\ne: ~\n",
        "s: !!str 123\ni: !!int '7'\n",
        "tfs: [1, 2]\n",
        "? [a]\n: b\n",  # an unhashable key
        "a: !!python/object/apply:os.system ['true']\n",
        "a: ''\nb: |\n  block\n  text\n",
        "- a\n- b\n",
        "just text\n",
        "",
    ],
)
def test_front_matter_loader_builds_what_the_safe_loader_builds(text: str) -> None:
    """The loader's shortcut for text-to-text mappings changes no result, nor any error
    (duplicate keys and aliases, which it refuses, are pinned below)."""
    assert _safe_load(text, _front_matter.FrontMatterLoader) == _safe_load(text, TextSafeLoader)


YAML_VALUES = st.one_of(
    st.text(max_size=20), st.integers(), st.none(), st.booleans(), st.lists(st.text(max_size=5))
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.text(max_size=10), YAML_VALUES, max_size=8),
    st.sampled_from([None, "'", '"']),
)
def test_front_matter_loader_matches_on_random_mappings(
    data: dict[str, object], style: str | None
) -> None:
    """Random mappings, dumped plain or quoted, load alike with both loaders."""
    text = yaml.safe_dump(data, default_style=style, allow_unicode=True)
    assert _safe_load(text, _front_matter.FrontMatterLoader) == _safe_load(text, TextSafeLoader)


@pytest.mark.parametrize(
    ("front_matter", "line", "words"),
    [
        ("protein_name: A\ntfs: |-\n  x\ntfs: |-\n  y\n", "line 5", "duplicate key 'tfs'"),
        ("protein_name: A\nprotein_name: B\n", "line 3", "(first at line 2)"),
        ("a: &x [1]\nb: *x\n", "line 2", "alias"),
        ("base: &b {k: v}\nother:\n  <<: *b\n", "line 2", "alias"),
        ("o:\n  k: 1\n  k: 2\n", "line 4", "duplicate key 'k'"),
        ("tfs: &rows 'G1,Q1,11,GTRD,ChIP,5'\ntargets: *rows\n", "line 2", "alias"),
        ("'1': a\n1: b\n", "line 3", "duplicate key '1'"),  # both the text 1
    ],
)
def test_duplicate_keys_and_aliases_are_problems(front_matter: str, line: str, words: str) -> None:
    """A key given twice (whose first value would be lost) or a YAML alias is one problem
    naming the line, and nothing of the page is read."""
    document = read_tflink("p.md", f"---\n{front_matter}---\n")
    assert document.claims == ()
    (problem,) = document.problems
    assert problem.location == line and words in problem.message, problem


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n" for n in range(8)
)


def test_alias_bomb_into_a_scalar_field_is_refused_at_once() -> None:
    """A billion-laughs alias bomb aliased into protein_name is refused as an alias, without
    expanding it into text."""
    page = f"---\n{ALIAS_BOMB}protein_name: *i\ntfs: ''\n---\n"
    started = time.monotonic()
    document = read_tflink("bomb.md", page)
    assert time.monotonic() - started < 1.0
    (problem,) = document.problems
    assert "alias" in problem.message


@pytest.mark.parametrize(
    ("value", "kind"),
    [("[EZH2, TWIST1]", "list"), ("{a: b}", "mapping"), ("!!binary aGk=", "binary value")],
)
def test_scalar_fields_that_are_structures_are_problems(value: str, kind: str) -> None:
    """protein_name holding a list, a mapping or binary data is a problem naming the field,
    never turned into text; the rows are still read."""
    row = "EZH2,Q15910,2146,ReMap,ChIP-seq,29087512%5Buid%5D,No"
    document = read_tflink("p.md", f"---\nprotein_name: {value}\ntfs: |-\n  {row}\n---\n")
    assert [str(p) for p in document.problems] == [
        f"p.md:protein_name: protein_name is a {kind}, not text"
    ]
    assert document.subject.symbol is None and len(document.claims) == 1


ROW = "EZH2,Q15910,2146,ReMap,ChIP-seq,29087512%5Buid%5D,No"
FRONT_MATTER = f"---\nlayout: protein\nprotein_name: TWIST1\ntfs: |-\n  {ROW}\ntargets: ''\n---\n"


def test_style_is_decided_by_the_front_matter_keys_not_the_body() -> None:
    """A note whose front matter is not TFLink's is text even when its body has a
    ``targets:`` line; a TFLink key far into a long front matter still makes a TFLink page."""
    note = "---\ntitle: notes\n---\n\ntargets: CDH1 (PMID: 15210734), AKT2 (PMID: 21876555)\n"
    assert detect_style(note) is Style.TEXT
    assert {c.pmid for c in parse_document("n.md", note).citations} == {"15210734", "21876555"}
    long_page = FRONT_MATTER.replace("layout: protein\n", f"orthologs: '{'x' * 5000}'\n")
    assert detect_style(long_page) is Style.TFLINK


@pytest.mark.parametrize(
    "preamble", ["\n", "\r\n \r\n", "<!-- exported 2024-05-01 -->\n", "\n<!-- a\n-- b -->\n\n"]
)
def test_front_matter_after_blank_lines_and_comments_is_read(preamble: str) -> None:
    """Blank lines (CRLF too) and HTML comments before the opening ``---`` leave the page a
    TFLink page, read whole, and YAML problems still name the file's own line."""
    page = preamble + FRONT_MATTER
    if "\r\n" in preamble:
        page = page.replace("\n", "\r\n").replace("\r\r", "\r")
    document = parse_document("p.md", page)
    assert document.style is Style.TFLINK and document.problems == ()
    assert [(c.regulator, c.target) for c in document.claims] == [("EZH2", "TWIST1")]
    duplicated = parse_document("p.md", page.replace("targets: ''", "protein_name: B"))
    line = page[: page.index("targets: ''")].count("\n") + 1
    assert [p.location for p in duplicated.problems] == [f"line {line}"]


def test_front_matter_after_other_text_is_a_problem_not_silence() -> None:
    """A TFLink block after other text is reported with its line, not read as an empty text;
    ``--style tflink`` on a file without front matter says so."""
    document = parse_document("p.md", "Saved from tflink.net\n\n" + FRONT_MATTER)
    assert document.style is Style.TFLINK and document.claims == ()
    assert [(p.location, "only blank lines" in p.message) for p in document.problems] == [
        ("line 3", True)
    ]
    plain = parse_document("p.md", "# Notes\nPMID: 1\n", Style.TFLINK)
    assert [p.message for p in plain.problems] == ["no front matter: a TFLink page opens with ---"]


PUBMED = "https://www.ncbi.nlm.nih.gov/pubmed/?term="


@pytest.mark.parametrize(
    ("evidence", "pmids"),
    [
        (f'&nbsp;<a href="{PUBMED}27924024%5Buid%5D"\n target="_blank">Pubmed</a>', ["27924024"]),
        (f'&#8194;<a href="{PUBMED}27924024%5Buid%5D">Pubmed</a>', ["27924024"]),
        (f'\u2002<a href="{PUBMED}27924024%5Buid%5D">Pubmed</a>', ["27924024"]),
        (f'&ensp;<A HREF="{PUBMED}27924024%5Buid%5D" TARGET="_blank">Pubmed</A>', ["27924024"]),
        (f"&ensp;<a target='_blank' href='{PUBMED}1%5Buid%5D+OR+2%5Buid%5D'>P</a>", ["1", "2"]),
        (f"&ensp;<a href={PUBMED}3%5Buid%5D>P</a>", ["3"]),
        (f'<a href="{PUBMED}4%5Buid%5D">P</a>&ensp;<a href="{PUBMED}5;4">P</a>', ["4", "5"]),
        ('&ensp;<a href="https://pubmed.ncbi.nlm.nih.gov/27924024/">P</a>', ["27924024"]),
        (f'&ensp;<a data-href="{PUBMED}9" href="{PUBMED}6">P</a>', ["6"]),
        ('&ensp;<a href="/pubmed/?db=pubmed&amp;term=7%5Buid%5D#top">P</a>', ["7"]),
        (f'&ensp;<a href="{PUBMED}5&notes=1&lang=en&amp">P</a>', ["5"]),
        (f'&ensp;<a href="{PUBMED}6&notes;=1&amp;x=2">P</a>', ["6"]),
        ("&ensp;8%5Buid%5D", ["8"]),
        ("1&#59;2", ["1", "2"]),
        (
            f"&ensp;&lt;a href=&quot;{PUBMED}1%5Buid%5D,2%5Buid%5D&quot;&gt;PubMed, 2&lt;/a&gt;",
            ["1", "2"],
        ),
        (f"&ensp;&lt;a href=&quot;{PUBMED}9%5Buid%5D&quot;&gt;Pubmed&lt;/a&gt;", ["9"]),
        (f"&amp;ensp;&lt;a href='{PUBMED}10%5Buid%5D+OR+11'&gt;P&lt;/a&gt;", ["10", "11"]),
        (f'&ensp;<a href="{PUBMED}1">P</A>&ensp;<a href="{PUBMED}2%5Buid%5D">P</a>', ["1", "2"]),
        (f'&ensp;<a href="{PUBMED}1">P</a >&ensp;<a href="{PUBMED}2%5Buid%5D">P</a>', ["1", "2"]),
    ],
)
def test_evidence_links_read_in_any_spelling(evidence: str, pmids: list[str]) -> None:
    """The evidence link in other spellings (entities for the space before it, tags and
    attributes in any case, either quotes or none, several links, a PubMed record's address,
    ``&amp;`` or another parameter (``&notes=``, no entity in an attribute) in the query, its
    markup escaped as entities once more) gives its PMIDs,
    with no problem and nothing else cited; a first link closed in another spelling
    (``</A>``, ``</a >``) does not hide the next one."""
    for flag in ("", ",No"):
        doc = read_tflink("p.md", _page(f"G1,Q1,11,GTRD,ChIP,{evidence}{flag}".replace("'", "''")))
        assert doc.problems == ()
        (claim,) = doc.claims
        assert [(c.pmid, c.invalid) for c in claim.citations] == [(p, ()) for p in pmids]
        assert claim.small_scale is (False if flag else None)


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ('G1,Q1,11,GTRD,ChIP,&ensp;<a href="https://example.org/">P</a>', "no PubMed term"),
        ("G1,Q1,11,GTRD,ChIP,&ensp;<a name=x>P</a>", "no PubMed term: None"),
        (
            "G1,Q1,11,GTRD,ChIP,&ensp;&lt;a href=&quot;https://example.org/&quot;&gt;P&lt;/a&gt;",
            "no PubMed term",
        ),
        ("G1,Q1,11,GTRD,ChIP,&lt;b&gt;5&lt;/b&gt;", "neither a link"),
        (f'G1,Q1,11,GTRD,ChIP,<a href="{PUBMED}5">P</a> and 6', "text beside the evidence link"),
        (f'<a href="{PUBMED}5">G1</a>,Q1,11,GTRD,ChIP,<a href="{PUBMED}5">P</a>', "before the 6th"),
        (f'G1,Q1,11,GTRD,ChIP,&ensp;<a href="{PUBMED}5" target="_blank"', "neither a link"),
        (f'G1,Q1,11,GTRD,ChIP,<a href="{PUBMED}5">P</a>\x00', "a NUL byte"),
    ],
)
def test_unreadable_evidence_is_reported_and_no_marker_leaks(row: str, words: str) -> None:
    """Evidence that gives no PubMed term is one problem saying why, and nothing made while
    splitting the row (its link marker) reaches a citation or a message."""
    page = f"---\nprotein_name: TF1\ntfs: {json.dumps(row)}\n---\n"
    doc = read_tflink("p.md", page)
    assert any(words in p.message for p in doc.problems), doc.problems
    cited = [c.pmid or "" for c in doc.all_citations()]
    assert not any("<" in pmid for pmid in cited)
    assert not any("\x00" in text for text in [*cited, *map(str, doc.problems)])


def test_rows_read_alike_by_the_fast_pattern_and_the_general_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every real row the fast pattern takes reads the same through the general reader, and
    the fast pattern takes every real row (else this compared the general reader with itself)."""
    pages = [TWIST1]
    for name in sorted(CORPUS_EXPECTED):
        path = shared_path("corpus", "tflink", name) if tflink_corpus_present() else None
        if path is not None:
            pages.append(path)
    fast, rows, taken = tflink._ROW, [], []

    class Counted:
        def fullmatch(self, row: str) -> re.Match[str] | None:
            match = fast.fullmatch(row)
            rows.append(row)
            taken.extend([row] if match else [])
            return match

    monkeypatch.setattr(tflink, "_ROW", Counted())
    expected = [read_document(page) for page in pages]
    assert len(rows) >= 48 and taken == rows, [r for r in rows if r not in taken][:3]
    monkeypatch.setattr(tflink, "_ROW", re.compile(r"(?!)"))
    assert [read_document(page) for page in pages] == expected


def tflink_corpus_present() -> bool:
    from tests.conftest import SHARED

    return (SHARED / "corpus" / "tflink").is_dir()


@pytest.mark.parametrize(
    "piece",
    ['&ensp;<a href="?term=1', "<a x>", "<a href='", "</a ", "<a href=x>y"],
)
def test_a_long_hostile_row_is_read_in_linear_time(piece: str) -> None:
    """A 44 KB row repeating a piece of a link that never completes is read at once: the
    old anchor pattern backtracked cubically (22 KB of the first piece took 10 s, 44 KB 85 s)."""
    row = "A,B,1,S,M," + piece * (44_000 // len(piece))
    started = time.monotonic()
    doc = read_tflink("p.md", _page(row.replace("'", "''")))
    assert time.monotonic() - started < 2.0
    assert len(doc.claims) + len(doc.problems) >= 1
    assert len(doc.problems) <= 2  # one per kind of fault, not one per link or word


@pytest.mark.parametrize(
    ("field", "written", "read"),
    [
        ("ncbi_gene_id", "012345", "012345"),  # not the octal 5349
        ("ncbi_gene_id", "7291", "7291"),
        ("ncbi_gene_id", "855704.0", "855704"),
        ("protein_name", "No", "No"),  # not False
        ("protein_name", "2001-01-01", "2001-01-01"),
        ("protein_name", "1e3", "1e3"),
        ("protein_name", "'-'", None),
        ("protein_name", "~", None),
    ],
)
def test_unquoted_values_are_read_as_written(field: str, written: str, read: str | None) -> None:
    """YAML 1.1 does not re-type a page's unquoted gene ID or name: it is the text written."""
    subject = read_tflink("p.md", f"---\n{field}: {written}\ntfs: ''\n---\n").subject
    assert (subject.gene_id if field == "ncbi_gene_id" else subject.symbol) == read


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("ncbi_gene_id: GeneID:85489", "ncbi_gene_id: gene ID 'GeneID:85489' is not a number"),
        ("ncbi_gene_id: 0x1F", "ncbi_gene_id: gene ID '0x1F' is not a number"),
        ("protein_name: !!bool yes", "protein_name: protein_name is a true/false value, not text"),
    ],
)
def test_malformed_page_gene_id_or_name_is_a_problem(front_matter: str, message: str) -> None:
    """A page gene ID that is not a number is reported as a row's is, never dropped in
    silence; a name made a true/false value by an explicit tag is reported, not str()-ed."""
    document = read_tflink("p.md", f"---\n{front_matter}\ntfs: ''\n---\n")
    assert [str(p) for p in document.problems] == [f"p.md:{message}"]
    assert document.subject.gene_id is None and document.subject.symbol is None


@pytest.mark.parametrize("key", ["TFs", "Targets", "TARGETS"])
def test_rows_under_a_key_in_other_case_are_reported_not_silently_dropped(key: str) -> None:
    """YAML keys are case-sensitive and only ``tfs`` and ``targets`` hold edges: rows under
    ``TFs`` or ``Targets`` are not read, and the page says so rather than having no edges."""
    page = f"---\nlayout: protein\nprotein_name: TF1\n{key}: 'G1,Q1,11,GTRD,ChIP,5%5Buid%5D'\n---\n"
    doc = read_tflink("p.md", page)
    assert doc.claims == ()
    assert [str(p) for p in doc.problems] == [
        f"p.md:{key}: {key} is not read: TFLink's edges are under {key.lower()}"
    ]


def test_identifiers_outside_the_rows_are_loose_citations_never_dropped() -> None:
    """A page that gives PMIDs or DOIs outside ``tfs``/``targets`` (its body, as a page
    rendered by a later TFLink might; a front-matter key the reader does not know) has them
    as loose citations, malformed ones reported where they are; before, the reader looked
    at the rows alone and such identifiers vanished with no problem line."""
    page = FRONT_MATTER.replace(
        "targets: ''\n", "targets: ''\nreferences: 'PMID: 31340985; PMID: 1234567890'\n"
    ) + (
        "\n| TF | Evidence |\n|---|---|\n"
        "| FOXQ1 | [Pubmed](https://www.ncbi.nlm.nih.gov/pubmed/?term=23723077%5Buid%5D) |\n"
        "| EZH2 | PMID: 29087512 |\n| TRRUST | doi:10.1093/nar/gkx1095 |\n"
    )
    document = parse_document("p.md", page)
    assert [claim.id for claim in document.claims] == ["tfs-1"]
    assert [(c.pmid, c.doi, c.invalid) for c in document.citations] == [
        ("31340985", None, ()),
        ("1234567890", None, ("pmid",)),
        ("23723077", None, ()),
        (None, "10.1093/nar/gkx1095", ()),  # PMID 29087512 is the row's: not repeated
    ]
    assert [str(p) for p in document.problems] == [
        "p.md:references: '1234567890' is not a valid PMID"
    ]
