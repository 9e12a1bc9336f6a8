"""The HTML pages as written: self-contained, a document's data carried safely, links to
its sibling files; what the browser draws from them is tests/report/test_browser.py's."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from enrich.model import RunSummary, Status
from enrich.report import DocumentEntry, render_document, render_html, render_index
from enrich.report.html import CSP
from enrich.report.json_document import document_json
from enrich.report.viewer import script_data
from tests.report.synthetic import hostile, one_paper_twice, twist1, twist2
from tests.report.varied import AWKWARD, varied_documents


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script> element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def named(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == name]

    def block(self, block_id: str) -> str:
        """The text of the data block ``block_id``."""
        (text,) = [text for attrs, text in self.scripts if attrs.get("id") == block_id]
        return text


ALLOWED_HREF = re.compile(
    r"^(#[A-Za-z0-9_.-]+|[A-Za-z0-9_.-]+\.(html|md|json|bib|ris|tsv|db)(#[A-Za-z0-9_.-]+)?|"
    r"https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/|https://doi\.org/\S+|data:,|"
    r"https://www\.ncbi\.nlm\.nih\.gov/gene/\d+)$"
)


def check_self_contained(text: str) -> Tags:
    """Assert ``text`` loads nothing: one script that runs (inline, its own), data blocks,
    an inline style, no src, safe links and the CSP."""
    tags = Tags(text)
    running = [attrs for attrs, _ in tags.scripts if attrs.get("type") != "application/json"]
    assert running == [{}]
    assert all("src" not in attrs for _, attrs in tags.tags)
    assert not tags.named("img") and not tags.named("iframe")
    for attrs in tags.named("a") + tags.named("link"):
        assert ALLOWED_HREF.match(attrs["href"] or ""), attrs
    assert not any(a.get("rel") == "stylesheet" for a in tags.named("link"))
    metas = [m for m in tags.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert metas and metas[0]["content"] == CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert not re.search(r"@import|url\(", text)
    return tags


def test_document_report_is_self_contained_and_carries_its_json() -> None:
    """A document's page inlines its style and script, loads nothing, and carries the
    document's JSON report, value for value, in a data block."""
    doc = twist1()
    tags = check_self_contained(render_html(doc))
    assert json.loads(tags.block("enrich-data")) == json.loads(document_json(doc))
    terms = json.loads(tags.block("enrich-terms"))
    assert set(terms["claim_flags"]) == {"no_citation", "resource_only", "single_source"} | {
        "large_scale_only"
    }
    assert "retracted" in terms["bad_flags"]
    (script,) = [text for attrs, text in tags.scripts if not attrs]
    assert "buildReport" in script
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in script


def test_the_page_carries_the_json_string_it_is_given() -> None:
    """Rendered together, the page's data block is the very text of <name>.json, escaped."""
    rendered = dict(render_document(twist2(), name="x", formats=("html", "json")).files)
    assert script_data(rendered["json"]) in rendered["html"]


def test_data_block_cannot_end_its_script() -> None:
    """Documents full of </script>, <!--, & and line separators leave no <, >, & or U+2028/9
    in the data block, which parses back to the same value."""
    for doc in (hostile(), *varied_documents()[:8]):
        data = document_json(doc)
        block = Tags(render_html(doc, data)).block("enrich-data")
        assert not set(block) & {"<", ">", "&", "\u2028", "\u2029"}, doc.document.path
        assert json.loads(block) == json.loads(data)
    assert "</script>" in AWKWARD and "\u2028" in AWKWARD


@given(st.text())
def test_script_data_keeps_any_string(text: str) -> None:
    """Any string, as JSON made safe for a data block, holds no character that could end
    the block and parses back to itself."""
    safe = script_data(json.dumps({"t": text}, ensure_ascii=False))
    assert not set(safe) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(safe) == {"t": text}


def test_noscript_names_the_files_beside_the_page() -> None:
    """Without JavaScript the page says it needs it and links the document's other files;
    the footer links the JSON only when it is written."""
    files = dict(render_document(twist1(), name="t1", formats=("html", "json", "md")).files)
    noscript = files["html"].split("<noscript>")[1].split("</noscript>")[0]
    assert "needs JavaScript" in noscript
    assert '<a href="t1.json">t1.json</a> and <a href="t1.md">t1.md</a>' in noscript
    assert 'Machine-readable data: <a href="t1.json">' in files["html"]
    alone = dict(render_document(twist1(), name="t1", formats=("html",)).files)["html"]
    assert "needs JavaScript.</div></noscript>" in alone and "t1.json" not in alone


def documents_data(text: str) -> list[dict[str, Any]]:
    """The documents index.html carries in its JSON data block."""
    block = text.split('<script type="application/json" id="documents-data">', 1)[1]
    data: list[dict[str, Any]] = json.loads(block.split("</script>", 1)[0])
    return data


def test_index_is_self_contained_and_warns_about_unresolved() -> None:
    """index.html carries every document and shows a banner when citations are unresolved."""
    entries = [DocumentEntry.of(twist1(), "twist1"), DocumentEntry.of(twist2(), "twist2")]
    summary = RunSummary(documents=2, citations={Status.UNRESOLVED.value: 3}, offline=True)
    text = render_index(entries, summary)
    check_self_contained(text)
    assert [d["n"] for d in documents_data(text)] == ["twist1", "twist2"]
    assert documents_data(text)[0]["c"] == 48
    assert 'role="alert"' in text and "3 cited identifiers could not be looked up" in text
    assert "the run was offline); run again online" in text
    assert 'role="alert"' not in render_index(entries, RunSummary(documents=2))


def test_the_unresolved_banner_of_an_online_run_claims_no_cause_it_does_not_know() -> None:
    """Online, an identifier is unresolved for many reasons besides an unreachable NCBI (a
    DOI two PubMed records carry, a record that cannot be read): the banner does not say
    "NCBI could not be reached", it points at each citation's reason."""
    entries = [DocumentEntry.of(twist1(), "twist1")]
    summary = RunSummary(documents=1, citations={Status.UNRESOLVED.value: 1})
    text = render_index(entries, summary)
    assert "1 cited identifier could not be looked up" in text
    banner = text.split('role="alert">', 1)[1].split("</div>", 1)[0]
    assert "could not be reached" not in banner and "offline" not in banner
    assert "reason, in its document's report, says why" in banner
    assert "a DOI several PubMed records carry): the reason says which" in text  # the legend


def test_a_paper_cited_by_its_pmid_and_its_doi_is_one_paper_in_the_counts() -> None:
    """The documents table's Papers (and audit.db's ``documents.papers``) count a paper
    cited by its PMID in one place and its DOI in another once, as the grade does ("1
    primary paper"), not once per identifier."""
    entry = DocumentEntry.of(one_paper_twice(), "one")
    assert entry.citations == 1 and entry.unresolved == 0
    assert documents_data(render_index([entry], RunSummary(documents=1)))[0]["r"] == 1


def test_a_page_without_a_protein_name_is_listed_by_its_accession() -> None:
    """A TFLink page whose protein_name is '-' names its edges by its UniProt accession; the
    documents table (and audit.db) give that accession as its subject, not a blank."""
    doc = twist1()
    unnamed = dataclasses.replace(doc.document.subject, symbol=None, name=None)
    doc = dataclasses.replace(doc, document=dataclasses.replace(doc.document, subject=unnamed))
    assert DocumentEntry.of(doc, "twist1").subject == "Q15672"


def test_index_links_only_the_formats_written() -> None:
    """index.html tells its script which formats were written, and links only those to the
    JavaScript-less reader."""
    entries = [DocumentEntry.of(twist1(), "twist1")]
    default = render_index(entries, RunSummary(documents=1), ("html", "json"))
    assert 'data-formats="html,json"' in default
    markdown = render_index(entries, RunSummary(documents=1), ("md",))
    assert 'data-formats="md"' in markdown


def test_index_data_cannot_end_its_block_or_run() -> None:
    """A document path holding ``</script>`` and markup stays inside the data block, as data:
    the page keeps one script, and the path reads back unchanged."""
    hostile_path = '</script><script>alert("x")</script><!--'
    entry = dataclasses.replace(DocumentEntry.of(twist2(), "twist2"), path=hostile_path)
    text = render_index([entry], RunSummary(documents=1))
    check_self_contained(text)
    assert documents_data(text)[0]["p"] == hostile_path
