"""The one check of a reply body: an error NCBI states is final, a reply cut short is retried."""

from __future__ import annotations

import pytest

from enrich.entrez.pubmed import iter_records, parse_esearch
from enrich.entrez.replies import check_body, parse_xml
from enrich.errors import ErrorReply, TransientError, TruncatedReply
from tests.conftest import DATA

RECORD = (DATA / "pubmed" / "retracted.xml").read_bytes()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error":"API key invalid"}', "NCBI error: API key invalid"),
        (b"[1, 2]", "JSON instead of XML"),
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML page"),
        (b"  <html><p>oops</html>", "HTML page"),
    ],
)
def test_errors_stated_in_a_complete_body_are_final(body: bytes, message: str) -> None:
    """JSON and HTML bodies are NCBI's answer: ErrorReply, which is not transient."""
    with pytest.raises(ErrorReply, match=message) as caught:
        check_body(body, "efetch reply")
    assert not isinstance(caught.value, TransientError)


def test_an_empty_body_is_a_cut_reply() -> None:
    """An empty 200 body is what a dropped connection leaves: asked again."""
    with pytest.raises(TruncatedReply):
        check_body(b" \n", "efetch reply")


@pytest.mark.parametrize("cut", [200, len(RECORD) // 2, len(RECORD) - 5])
def test_xml_that_ends_before_its_root_element_is_truncated(cut: int) -> None:
    """A body cut anywhere before ``</PubmedArticleSet>`` is transient."""
    with pytest.raises(TruncatedReply):
        list(iter_records(RECORD[:cut]))


def test_malformed_xml_that_ends_where_its_root_ends_is_final() -> None:
    """Broken XML in a complete body (or an entity bomb) would break again: not retried."""
    broken = RECORD.replace(b"<Article ", b"<Article <", 1)
    with pytest.raises(ErrorReply, match="malformed efetch reply"):
        list(iter_records(broken))
    bomb = (DATA / "pubmed" / "entity_bomb.xml").read_bytes()
    with pytest.raises(ErrorReply):
        list(iter_records(bomb))


def test_error_elements_and_foreign_roots_are_final() -> None:
    """``<ERROR>`` and a root other than the one asked for are ErrorReply, with NCBI's text."""
    with pytest.raises(ErrorReply, match="Invalid db name"):
        parse_esearch(b"<eSearchResult><ERROR>Invalid db name</ERROR></eSearchResult>")
    with pytest.raises(ErrorReply, match="expected <PubmedArticleSet>, got <eFetchResult>"):
        list(iter_records(b"<eFetchResult><x/></eFetchResult>"))
    with pytest.raises(ErrorReply, match="Empty id list"):
        list(iter_records(b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>"))


def test_a_self_closed_root_is_complete() -> None:
    """``<PubmedArticleSet/>`` is an empty, complete answer."""
    assert list(iter_records(b'<?xml version="1.0"?>\n<PubmedArticleSet/>\n')) == []
    assert parse_xml(b"<eSearchResult/>", "esearch reply").tag == "eSearchResult"
