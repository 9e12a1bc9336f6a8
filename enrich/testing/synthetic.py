"""Synthetic PubMed records: project-made ``PubmedArticle`` XML shaped like a 2025 efetch reply.

:func:`make_record` builds one record from plain metadata and :func:`record_set` wraps
records into a ``PubmedArticleSet`` document with NCBI's XML declaration and DOCTYPE.
``enrich.entrez.pubmed.iter_records`` reads the result back to exactly the metadata given
(authors as PubMed writes them, "Ansieau S"), so tests can state what a record holds
without copying third-party files. Every record carries a comment saying it is
synthetic and where its metadata came from.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from enrich.testing._replies import EFETCH_HEAD

__all__ = ["make_record", "record_set", "split_author"]

DEFAULT_NOTE = "metadata made up for a test, not taken from PubMed"
COMMENT_PREFIX = "synthetic record made by enrich.testing: "

#: PubMed publication types with their MeSH UI; types not listed get ``UNKNOWN_TYPE_UI``.
PUBLICATION_TYPE_UIS = {
    "Journal Article": "D016428",
    "Review": "D016454",
    "Retracted Publication": "D016441",
    "Retraction of Publication": "D016440",
    "Published Erratum": "D016425",
    "Expression of Concern": "D000078742",
    "Comment": "D016420",
    "Editorial": "D016421",
    "Letter": "D016422",
    "Case Reports": "D002363",
    "Comparative Study": "D003160",
    "Meta-Analysis": "D017418",
    "Systematic Review": "D000078182",
    "Research Support, Non-U.S. Gov't": "D013485",
    "Research Support, N.I.H., Extramural": "D052061",
}
UNKNOWN_TYPE_UI = "D000000"

_NAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "da", "das", "di", "do", "dos", "du"}
    | {"la", "le", "ter", "ten", "zu", "st", "bin", "ibn", "al", "el"}
)
_COLLECTIVE_WORDS = re.compile(
    r"\b(consortium|consortia|group|network|collaborat\w*|committee|investigators|project|"
    r"society|association|team|study|working|council|organi[sz]ation|initiative|program+e?)\b",
    re.IGNORECASE,
)
_INITIALS = re.compile(r"^[^\W\d_a-z]{1,4}$")  # "S", "JL", "MWM": upper-case letters only


@dataclass(frozen=True, slots=True)
class AuthorName:
    """An author as PubMed stores one: a person's name parts, or a collective name."""

    last: str = ""
    fore: str = ""
    initials: str = ""
    collective: str = ""

    @property
    def pubmed(self) -> str:
        """The name as ``enrich.entrez.pubmed`` reports it: "Ansieau S", or the collective name."""
        if self.collective:
            return self.collective
        return f"{self.last} {self.initials}".strip()


def split_author(name: str) -> AuthorName:
    """Split "Stéphane Ansieau", "Ansieau S" or a group's name into PubMed's author fields.

    A name with a word such as Consortium, Group or Investigators is collective. A
    name whose last word is upper-case initials ("Han H") is read surname first;
    otherwise the last word, with particles such as "van den" before it, is the surname
    and the words before it are the fore name ("Mirjam W M van den Bosch").
    ``ValueError`` for a blank name.
    """
    words = name.split()
    if not words:
        raise ValueError("an author name cannot be blank")
    if _COLLECTIVE_WORDS.search(name):
        return AuthorName(collective=" ".join(words))
    if len(words) == 1:
        return AuthorName(last=words[0])
    if _INITIALS.match(words[-1]) and not _INITIALS.match(words[0]):
        return AuthorName(last=" ".join(words[:-1]), initials=words[-1])
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _NAME_PARTICLES:
        start -= 1
    fore = words[:start]
    initials = "".join(_initial(part) for word in fore for part in word.split("-"))
    return AuthorName(last=" ".join(words[start:]), fore=" ".join(fore), initials=initials)


def _initial(name_part: str) -> str:
    """The upper-cased first letter of a fore-name part ("" when it has none)."""
    return next((char.upper() for char in name_part if char.isalpha()), "")


def make_record(
    pmid: str,
    *,
    title: str,
    doi: str | None = None,
    authors: Sequence[str] = (),
    authors_complete: bool = True,
    journal: str = "",
    journal_iso: str = "",
    year: int | None = None,
    volume: str = "",
    issue: str = "",
    pages: str = "",
    abstract: str = "",
    publication_types: Sequence[str] = ("Journal Article",),
    relations: Sequence[tuple[str, str | None, str]] = (),
    mesh_headings: Sequence[str] = (),
    language: str = "eng",
    pmcid: str | None = None,
    synthetic_note: str | None = DEFAULT_NOTE,
) -> bytes:
    """One ``<PubmedArticle>`` element as UTF-8 XML bytes, valid against ``pubmed_250101.dtd``.

    ``enrich.entrez.pubmed`` parses it back to exactly these values: ``authors`` become
    "LastName Initials" (see :func:`split_author`), ``relations`` are
    ``(RefType, PMID or None, RefSource)`` CommentsCorrections, empty strings and None
    leave their element out. All text is escaped, so any title is safe. The record
    starts with ``<!-- synthetic record made by enrich.testing: NOTE -->`` unless
    ``synthetic_note`` is None. ``ValueError`` when ``pmid`` is not digits or a text
    holds characters XML cannot carry (e.g. NUL).
    """
    if not pmid.isdigit():
        raise ValueError(f"PMID must be digits, got {pmid!r}")
    root = etree.Element("PubmedArticle")
    if synthetic_note is not None:
        root.append(etree.Comment(_comment_text(synthetic_note)))
    status = "MEDLINE" if mesh_headings else "PubMed-not-MEDLINE"
    citation = etree.SubElement(root, "MedlineCitation", Status=status, Owner="NLM")
    _sub(citation, "PMID", pmid, Version="1")
    article = etree.SubElement(citation, "Article", PubModel="Print")
    _journal(article, journal, journal_iso, year, volume, issue)
    _sub(article, "ArticleTitle", title)
    if pages or not doi:
        _sub(etree.SubElement(article, "Pagination"), "MedlinePgn", pages)
    if doi:
        _sub(article, "ELocationID", doi, EIdType="doi", ValidYN="Y")
    if abstract:
        _sub(etree.SubElement(article, "Abstract"), "AbstractText", abstract)
    _authors(article, authors, authors_complete)
    _sub(article, "Language", language)
    types = etree.SubElement(article, "PublicationTypeList")
    for kind in publication_types or ("Journal Article",):
        _sub(types, "PublicationType", kind, UI=PUBLICATION_TYPE_UIS.get(kind, UNKNOWN_TYPE_UI))
    info = etree.SubElement(citation, "MedlineJournalInfo")
    _sub(info, "MedlineTA", journal_iso or journal)
    _relations(citation, relations)
    _mesh(citation, mesh_headings)
    _pubmed_data(root, pmid, doi, pmcid, year)
    return bytes(etree.tostring(root, encoding="utf-8", pretty_print=True)).rstrip(b"\n")


def record_set(records: Iterable[bytes]) -> bytes:
    """A ``PubmedArticleSet`` document of ``records`` in order, headed like NCBI's efetch XML."""
    body = b"".join(record.strip() + b"\n" for record in records)
    return EFETCH_HEAD + b"<PubmedArticleSet>\n" + body + b"</PubmedArticleSet>\n"


# --- parts of a record --------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib=attributes)
    element.text = text
    return element


def _comment_text(note: str) -> str:
    """The comment's text; "--" cannot appear in an XML comment, so it is spaced out."""
    text = " ".join(f"{COMMENT_PREFIX}{note}".split())
    while "--" in text:
        text = text.replace("--", "- -")
    return f" {text} "


def _journal(
    article: etree._Element, title: str, iso: str, year: int | None, volume: str, issue: str
) -> None:
    journal = etree.SubElement(article, "Journal")
    journal_issue = etree.SubElement(journal, "JournalIssue", CitedMedium="Print")
    if volume:
        _sub(journal_issue, "Volume", volume)
    if issue:
        _sub(journal_issue, "Issue", issue)
    date = etree.SubElement(journal_issue, "PubDate")
    if year is None:
        _sub(date, "MedlineDate", "")
    else:
        _sub(date, "Year", str(year))
    if title:
        _sub(journal, "Title", title)
    if iso:
        _sub(journal, "ISOAbbreviation", iso)


def _authors(article: etree._Element, authors: Sequence[str], complete: bool) -> None:
    if not authors:
        return
    author_list = etree.SubElement(article, "AuthorList", CompleteYN="Y" if complete else "N")
    for name in authors:
        parts = split_author(name)
        author = etree.SubElement(author_list, "Author", ValidYN="Y")
        if parts.collective:
            _sub(author, "CollectiveName", parts.collective)
            continue
        _sub(author, "LastName", parts.last)
        if parts.fore:
            _sub(author, "ForeName", parts.fore)
        if parts.initials:
            _sub(author, "Initials", parts.initials)


def _relations(citation: etree._Element, relations: Sequence[tuple[str, str | None, str]]) -> None:
    if not relations:
        return
    corrections = etree.SubElement(citation, "CommentsCorrectionsList")
    for ref_type, pmid, source in relations:
        link = etree.SubElement(corrections, "CommentsCorrections", RefType=ref_type)
        _sub(link, "RefSource", source)
        if pmid:
            _sub(link, "PMID", pmid, Version="1")


def _mesh(citation: etree._Element, headings: Sequence[str]) -> None:
    if not headings:
        return
    mesh_list = etree.SubElement(citation, "MeshHeadingList")
    for heading in headings:
        # A made-up but stable descriptor UI: synthetic records must not claim real MeSH ids.
        ui = f"D9{zlib.crc32(heading.encode('utf-8')) % 100000:05d}"
        heading_element = etree.SubElement(mesh_list, "MeshHeading")
        _sub(heading_element, "DescriptorName", heading, UI=ui, MajorTopicYN="N")


def _pubmed_data(
    root: etree._Element, pmid: str, doi: str | None, pmcid: str | None, year: int | None
) -> None:
    data = etree.SubElement(root, "PubmedData")
    if year is not None:
        history = etree.SubElement(data, "History")
        for status in ("pubmed", "medline", "entrez"):
            date = etree.SubElement(history, "PubMedPubDate", PubStatus=status)
            for tag, value in (("Year", str(year)), ("Month", "1"), ("Day", "1")):
                _sub(date, tag, value)
    _sub(data, "PublicationStatus", "ppublish")
    ids = etree.SubElement(data, "ArticleIdList")
    _sub(ids, "ArticleId", pmid, IdType="pubmed")
    if doi:
        _sub(ids, "ArticleId", doi, IdType="doi")
    if pmcid:
        _sub(ids, "ArticleId", pmcid, IdType="pmc")
