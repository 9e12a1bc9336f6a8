"""Pure parsers for PubMed E-utilities replies: bytes in, typed records out.

* :func:`iter_records` streams an efetch ``PubmedArticleSet`` and yields each
  record as a :class:`~enrich.model.PaperRecord` together with that record's own
  XML, so a cache can store it and :func:`parse_record` can read it again.
* :func:`read_efetch` reads a whole efetch reply the same way, but sets aside a record
  that names its PMID and cannot be read (a :class:`RecordDefect`) instead of failing
  the reply: one bad record costs its own PMID, not its batch's.
* :func:`parse_esearch` reads the ``IdList`` of an esearch reply.

Every malformed, truncated, HTML, JSON-error or ``<ERROR>`` body raises
:class:`~enrich.errors.BadResponse`, decided by :mod:`enrich.entrez.replies`:
``TruncatedReply`` for a body cut short (asked again), ``ErrorReply`` for the rest;
nothing else escapes these functions but NCBI's rate-limit error in a 200 reply
(:class:`~enrich.errors.RateLimited`, asked again after a wait).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from itertools import chain

from lxml import etree
from lxml.etree import _Element

from enrich.entrez.replies import PARSER_OPTIONS, check_body, check_root, parse_xml, syntax_error
from enrich.errors import ErrorReply, SearchOverflow
from enrich.identifiers import doi_key
from enrich.model import PaperRecord, Relation

__all__ = ["RecordDefect", "iter_records", "parse_esearch", "parse_record", "read_efetch"]


_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
_EFETCH = "efetch reply"
_INLINE_TAGS = frozenset({"i", "b", "u", "sup", "sub"})
_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
_MONTHS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_YEAR = re.compile(r"\b(\d{4})\b")
_NOT_RELATIONS = frozenset({"Cites"})
#: PubMed's ArticleTitle of a paper with no English title: "[Not Available]."
_NOT_AVAILABLE = re.compile(r"\[?not available\]?\.?", re.IGNORECASE)
_REFS_OPEN = b"<ReferenceList"
_REFS_CLOSE = b"</ReferenceList>"
_TAG_END = (b">", b"/", b" ", b"\t", b"\r", b"\n")
#: where a body may hold markup that is not an element: a byte scan cannot tell it apart
_OPAQUE = (b"<!--", b"<![CDATA[", b"<!ENTITY")


@dataclass(frozen=True, slots=True)
class RecordDefect:
    """A record of an efetch reply that names its PMID but cannot be read, and why."""

    pmid: str
    reason: str


# --- entry points -------------------------------------------------------------------------


def iter_records(data: bytes) -> Iterator[tuple[PaperRecord, bytes]]:
    """Yield every ``PubmedArticle`` and ``PubmedBookArticle`` of an efetch reply, in order.

    Each item is the record and its own XML as standalone bytes (a re-parsable
    ``<PubmedArticle>`` or ``<PubmedBookArticle>`` element).  Memory stays bounded
    by one record: each element is discarded once yielded.  An empty
    ``<PubmedArticleSet/>`` yields nothing; a trailing ``DeleteCitation`` is ignored.

    Raises BadResponse for anything but a well-formed ``PubmedArticleSet``: truncated
    or malformed XML, HTML, a JSON error, another root element or an NCBI ``<ERROR>``.
    Records already yielded before a defect further down stay valid.
    """
    for item in _items(data):
        if isinstance(item, RecordDefect):
            raise ErrorReply(f"{_EFETCH}: the record of PMID {item.pmid}: {item.reason}")
        yield item


def read_efetch(data: bytes) -> tuple[list[tuple[PaperRecord, bytes]], list[RecordDefect]]:
    """The records of an efetch reply (as :func:`iter_records` yields them) and its
    records that name their PMID but cannot be read.  Raises as :func:`iter_records`
    does for anything else, a record that names no PMID included."""
    records: list[tuple[PaperRecord, bytes]] = []
    defects: list[RecordDefect] = []
    for item in _items(data):
        if isinstance(item, RecordDefect):
            defects.append(item)
        else:
            records.append(item)
    return records, defects


def _items(data: bytes) -> Iterator[tuple[PaperRecord, bytes] | RecordDefect]:
    """Each record of an efetch reply in order, or its defect when it names its PMID."""
    check_body(data, _EFETCH)
    events = etree.iterparse(
        BytesIO(_without_reference_lists(data)),
        events=("end",),
        tag=(*_RECORD_TAGS, "ERROR"),
        **PARSER_OPTIONS,
    )
    try:
        for _, elem in events:
            check_root(events.root, "PubmedArticleSet", _EFETCH)
            if elem.tag == "ERROR":
                text = " ".join(etree.tostring(elem, method="text", encoding="unicode").split())
                raise ErrorReply(f"NCBI error in {_EFETCH}: {text or 'empty ERROR'}")
            try:
                item: tuple[PaperRecord, bytes] | RecordDefect = (
                    _record(elem),
                    _standalone_xml(elem),
                )
            except ErrorReply as exc:
                item = RecordDefect(_named_pmid(elem, exc), str(exc))
            yield item
            _discard(elem)
        check_root(events.root, "PubmedArticleSet", _EFETCH)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, data, _EFETCH) from exc


def parse_record(xml: bytes) -> PaperRecord:
    """Parse one stored record (the bytes :func:`iter_records` yields) back into a PaperRecord.

    Raises BadResponse when the bytes are not one well-formed PubMed record.
    """
    root = parse_xml(xml, "stored PubMed record")
    if root.tag not in _RECORD_TAGS:
        raise ErrorReply(f"stored record has root <{root.tag}>, not a PubMed record")
    return _record(root)


def parse_esearch(data: bytes, *, complete: bool = False) -> list[str]:
    """Return the PMIDs of an esearch reply's ``IdList``, in order; ``[]`` when nothing matched.

    A search that found nothing (``PhraseNotFound``, "No items found") is not an
    error.  Raises BadResponse for an NCBI ``<ERROR>``, HTML, JSON errors,
    truncated XML, a root other than ``eSearchResult`` or an ID that is not a number;
    with ``complete``, also for a reply that lists fewer IDs than its ``Count`` (the
    matches did not all fit in ``retmax``: the missing ones may be those looked for).
    """
    what = "esearch reply"
    root = parse_xml(data, what)
    check_root(root, "eSearchResult", what)
    ids = [text for text in (_text(e) for e in root.iterfind("IdList/Id")) if text]
    odd = next((text for text in ids if not (text.isascii() and text.isdigit())), None)
    if odd is not None:
        raise ErrorReply(f"{what}: {odd!r} is no PubMed ID")
    count = _text(root.find("Count"))
    if complete and _number(count, 18) and int(count) > len(ids):
        raise SearchOverflow(f"{what}: {count} records matched but {len(ids)} were listed")
    return ids


# --- document level -----------------------------------------------------------------------


def _without_reference_lists(data: bytes) -> bytes:
    """The body with every ``<ReferenceList>`` element cut out (nested ones included).

    Cited-reference lists are three quarters of a modern efetch reply and carry
    nothing a PaperRecord holds (their ArticleIds name *other* papers), so they
    are skipped with a byte scan before parsing.  A list that never closes is
    left in place, so a truncated body still fails to parse; a body with comments,
    CDATA sections, entity declarations or processing instructions (past the XML
    declaration), where the scan could take text for a tag, is parsed whole.
    """
    start = _next_open(data, 0)
    if start == -1 or any(marker in data for marker in _OPAQUE) or data.count(b"<?") > 1:
        return data  # none, or the tag may stand inside a comment, a CDATA section, an entity
    pieces, kept_from = [], 0
    while start != -1:
        end = _element_end(data, start)
        if end == -1:
            break
        pieces.append(data[kept_from:start])
        kept_from = end
        start = _next_open(data, end)
    pieces.append(data[kept_from:])
    return b"".join(pieces)


def _next_open(data: bytes, position: int, end: int | None = None) -> int:
    """Offset of the next ``<ReferenceList`` start tag in ``data[position:end]``, or -1."""
    start = data.find(_REFS_OPEN, position, end)
    while (
        start != -1 and data[start + len(_REFS_OPEN) : start + len(_REFS_OPEN) + 1] not in _TAG_END
    ):
        start = data.find(_REFS_OPEN, start + 1, end)
    return start


def _element_end(data: bytes, start: int) -> int:
    """Offset just past the ReferenceList whose start tag is at ``start``; -1 if it never ends."""
    depth, position, close = 0, start, -1
    while True:
        tag_end = data.find(b">", position)
        if tag_end == -1:
            return -1
        if data[tag_end - 1 : tag_end] != b"/":  # not an empty <ReferenceList/>
            depth += 1
        position = tag_end + 1
        while depth:
            if close < position:
                close = data.find(_REFS_CLOSE, position)
                if close == -1:
                    return -1
            nested = _next_open(data, position, close)
            if nested != -1:
                position = nested
                break
            depth, position = depth - 1, close + len(_REFS_CLOSE)
        else:
            return position


def _named_pmid(elem: _Element, error: ErrorReply) -> str:
    """The PMID a record that cannot be read names; raises ``error`` when it names none."""
    for path in ("MedlineCitation/PMID", "BookDocument/PMID"):
        pmid = _text(elem.find(path))
        if pmid.isdigit():
            return pmid
    raise error


def _standalone_xml(elem: _Element) -> bytes:
    """The record's own XML, re-parsable without the reply's DOCTYPE."""
    if elem.getroottree().docinfo.internalDTD is not None:
        _drop_entity_references(elem)  # they would be undefined without the reply's DTD
    return bytes(etree.tostring(elem, encoding="utf-8", xml_declaration=False, with_tail=False))


def _drop_entity_references(elem: _Element) -> None:
    """Remove unexpanded entity references, keeping the text around them."""
    for entity in list(elem.iter(etree.Entity)):
        parent, previous = entity.getparent(), entity.getprevious()
        if parent is None:
            continue
        tail = entity.tail or ""
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(entity)


def _discard(elem: _Element) -> None:
    """Free a yielded record and its already-processed siblings."""
    elem.clear()
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


# --- records ------------------------------------------------------------------------------


def _record(elem: _Element) -> PaperRecord:
    """Reduce a ``PubmedArticle`` or ``PubmedBookArticle`` element to a PaperRecord."""
    if elem.tag == "PubmedBookArticle":
        return _book_record(elem)
    citation = elem.find("MedlineCitation")
    if citation is None:
        raise ErrorReply("PubmedArticle without MedlineCitation")
    article = citation.find("Article")
    if article is None:
        raise ErrorReply("PubmedArticle without Article")
    title = _own_title(article.find("ArticleTitle"), article.find("VernacularTitle"))
    journal = _JournalFields.read(article)
    dois = _dois(elem.find("PubmedData/ArticleIdList"), _valid_locations(article))
    return PaperRecord(
        pmid=_pmid(citation),
        doi=dois[0] if dois else None,
        other_dois=dois[1:],
        pmcid=_article_id(elem.find("PubmedData/ArticleIdList"), "pmc"),
        title=_plain(title),
        title_markup=_markup(title),
        abstract=_abstract(article.find("Abstract")),
        journal=journal.title,
        journal_iso=journal.iso,
        volume=journal.volume,
        issue=journal.issue,
        pages=_pages(article.find("Pagination")),
        year=journal.year,
        date=journal.date,
        authors=_authors(article.find("AuthorList")),
        publication_types=_texts(article.iterfind("PublicationTypeList/PublicationType")),
        mesh_headings=_texts(citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")),
        languages=_texts(article.iterfind("Language")),
        relations=_relations(citation.find("CommentsCorrectionsList")),
    )


def _book_record(elem: _Element) -> PaperRecord:
    """Reduce a ``PubmedBookArticle`` (a book or book chapter) to a PaperRecord."""
    document = elem.find("BookDocument")
    if document is None:
        raise ErrorReply("PubmedBookArticle without BookDocument")
    book_title = document.find("Book/BookTitle")
    title = _own_title(document.find("ArticleTitle"), document.find("VernacularTitle"))
    if title is None:
        title = book_title
    year, date = _chapter_date(document)
    _, book_date = _pub_date(document.find("Book/PubDate"))
    ids = document.find("ArticleIdList")
    dois = _dois(ids, _article_ids(elem.find("PubmedBookData/ArticleIdList"), "doi"))
    return PaperRecord(
        pmid=_pmid(document),
        doi=dois[0] if dois else None,
        other_dois=dois[1:],
        pmcid=_article_id(ids, "pmc"),
        title=_plain(title),
        title_markup=_markup(title),
        abstract=_abstract(document.find("Abstract")),
        journal=_plain(book_title),
        pages=_pages(document.find("Pagination")),
        year=year,
        date=date,
        book_date=book_date if book_date != date else "",
        authors=_book_authors(document),
        publication_types=_texts(document.iterfind("PublicationType")),
        languages=_texts(document.iterfind("Language")),
        is_book=True,
    )


def _own_title(title: _Element | None, vernacular: _Element | None) -> _Element | None:
    """The record's title: its ArticleTitle, else (empty, or PubMed's "[Not Available]." for
    a paper with no English title) its VernacularTitle, the title in the paper's own
    language; None when it has neither."""
    for candidate in (title, vernacular):
        text = _plain(candidate)
        if text and _NOT_AVAILABLE.fullmatch(text) is None:
            return candidate
    return None


def _chapter_date(document: _Element) -> tuple[int | None, str]:
    """A chapter's own date: ContributionDate, else DateRevised, else the book's PubDate
    (a GeneReviews chapter of 2006 is in a book begun in 1993)."""
    for path in ("ContributionDate", "DateRevised", "Book/PubDate"):
        year, date = _pub_date(document.find(path))
        if year is not None:
            return year, date
    return None, ""


class _JournalFields:
    """The Journal block of an Article: names, issue, and publication date."""

    __slots__ = ("date", "iso", "issue", "title", "volume", "year")

    def __init__(self) -> None:
        self.title = self.iso = self.volume = self.issue = self.date = ""
        self.year: int | None = None

    @classmethod
    def read(cls, article: _Element) -> _JournalFields:
        fields = cls()
        journal = article.find("Journal")
        if journal is not None:
            fields.title = _plain(journal.find("Title"))
            fields.iso = _plain(journal.find("ISOAbbreviation"))
            fields.volume = _plain(journal.find("JournalIssue/Volume"))
            fields.issue = _plain(journal.find("JournalIssue/Issue"))
            fields.year, fields.date = _pub_date(journal.find("JournalIssue/PubDate"))
        if fields.year is None:
            fields.year, fields.date = _pub_date(article.find("ArticleDate"))
        return fields


def _pmid(parent: _Element) -> str:
    pmid = _text(parent.find("PMID"))
    if not pmid:
        raise ErrorReply("PubMed record without a PMID")
    return pmid


def _dois(article_ids: _Element | None, more: Iterator[str]) -> tuple[str, ...]:
    """The record's own DOIs, each once (compared as DOIs are): those of ``article_ids``
    (PubmedData's ArticleIdList) first, then ``more``.

    Never looks inside ReferenceList, whose ArticleIds name the *cited* papers.
    """
    dois: dict[str, str] = {}
    for doi in chain(_article_ids(article_ids, "doi"), more):
        dois.setdefault(doi_key(doi), doi)
    return tuple(dois.values())


def _valid_locations(article: _Element) -> Iterator[str]:
    """The DOIs of an Article's valid ELocationIDs."""
    for location in article.iterfind("ELocationID"):
        if location.get("EIdType") == "doi" and location.get("ValidYN", "Y") == "Y":
            text = _text(location)
            if text:
                yield text


def _article_ids(article_ids: _Element | None, id_type: str) -> Iterator[str]:
    if article_ids is None:
        return
    for article_id in article_ids.iterfind("ArticleId"):
        if article_id.get("IdType") == id_type:
            text = _text(article_id)
            if text:
                yield text


def _article_id(article_ids: _Element | None, id_type: str) -> str | None:
    return next(_article_ids(article_ids, id_type), None)


def _pages(pagination: _Element | None) -> str:
    """MedlinePgn, else StartPage[-EndPage]; "" when the record gives no pages."""
    if pagination is None:
        return ""
    pages = _text(pagination.find("MedlinePgn"))
    if pages:
        return pages
    start, end = _text(pagination.find("StartPage")), _text(pagination.find("EndPage"))
    return f"{start}-{end}" if start and end else start


def _pub_date(date: _Element | None) -> tuple[int | None, str]:
    """(year, date) from a PubDate-like element.

    The date is "YYYY-MM-DD", "YYYY-MM" or "YYYY" from Year/Month/Day,
    "YYYY Season" ("2013 Jan-Mar"), or a MedlineDate as given ("1998 Dec-1999 Jan",
    year 1998).
    """
    if date is None:
        return None, ""
    medline = _text(date.find("MedlineDate"))
    year_text = _text(date.find("Year"))
    if not _number(year_text, 4):
        match = _YEAR.search(medline)
        return (int(match.group(1)), medline) if match else (None, medline)
    season = _text(date.find("Season"))
    if season:
        return int(year_text), f"{year_text} {season}"
    month = _month(_text(date.find("Month")))
    day = _text(date.find("Day"))
    if not month:
        return int(year_text), year_text
    if _number(day, 2):
        return int(year_text), f"{year_text}-{month}-{int(day):02d}"
    return int(year_text), f"{year_text}-{month}"


def _number(text: str, most: int) -> bool:
    """Whether ``text`` is 1 to ``most`` ASCII digits: what int() reads at once
    (str.isdigit() also takes "²", which int() refuses, and any length)."""
    return 0 < len(text) <= most and text.isascii() and text.isdigit()


def _month(month: str) -> str:
    """ "Sep", "09" or "9" as "09"; "" for anything else."""
    if _number(month, 2) and 1 <= int(month) <= 12:
        return f"{int(month):02d}"
    return _MONTHS.get(month[:3].lower(), "") if len(month) >= 3 else ""


def _authors(author_list: _Element | None) -> tuple[str, ...]:
    """ "LastName Initials Suffix" as PubMed shows it ("Jacobs WR Jr"; Initials and Suffix
    where given), or a CollectiveName as given.

    Authors marked ``ValidYN="N"`` (names PubMed has corrected) are left out.
    """
    if author_list is None:
        return ()
    names = (_author(a) for a in author_list.iterfind("Author") if a.get("ValidYN") != "N")
    return tuple(name for name in names if name)


def _author(author: _Element) -> str:
    last = _plain(author.find("LastName"))
    if not last:
        return _plain(author.find("CollectiveName"))
    parts = (last, _plain(author.find("Initials")), _plain(author.find("Suffix")))
    return " ".join(part for part in parts if part)


def _book_authors(document: _Element) -> tuple[str, ...]:
    """The chapter's authors, else the book's; editors are not authors."""
    for author_list in (*document.iterfind("AuthorList"), *document.iterfind("Book/AuthorList")):
        if author_list.get("Type", "authors") != "editors":
            return _authors(author_list)
    return ()


def _relations(corrections: _Element | None) -> tuple[Relation, ...]:
    """CommentsCorrections links, without ``Cites`` (a reference list, not a relation)."""
    if corrections is None:
        return ()
    return tuple(
        Relation(
            ref_type=link.get("RefType", ""),
            pmid=_text(link.find("PMID")) or None,
            source=_plain(link.find("RefSource")),
        )
        for link in corrections.iterfind("CommentsCorrections")
        if link.get("RefType") not in _NOT_RELATIONS
    )


def _abstract(abstract: _Element | None) -> str:
    """Plain text of the abstract; labelled sections as "LABEL: text", one per line."""
    if abstract is None:
        return ""
    sections = []
    for part in abstract.iterfind("AbstractText"):
        text = _plain(part)
        label = (part.get("Label") or "").strip()
        sections.append(f"{label}: {text}" if label and text else text or label)
    return "\n".join(s for s in sections if s)


# --- text ---------------------------------------------------------------------------------


def _text(elem: _Element | None) -> str:
    """The element's direct text, stripped; "" for a missing element."""
    if elem is None or elem.text is None:
        return ""
    return elem.text.strip()


def _texts(elems: Iterator[_Element]) -> tuple[str, ...]:
    return tuple(text for text in (_plain(e) for e in elems) if text)


def _plain(elem: _Element | None) -> str:
    """All text of an element with inline tags and MathML flattened, whitespace collapsed."""
    if elem is None:
        return ""
    text = elem.text or "" if len(elem) == 0 else "".join(_pieces(elem, markup=False))
    return " ".join(text.split())


def _markup(elem: _Element | None) -> str:
    """The element as safe HTML: escaped text, bare ``i b u sup sub`` tags, nothing else."""
    if elem is None:
        return ""
    return " ".join("".join(_pieces(elem, markup=True)).split())


def _pieces(elem: _Element, *, markup: bool) -> Iterator[str]:
    """Yield the element's content as text (escaped and tagged when ``markup``)."""
    yield _escaped(elem.text, markup)
    for child in elem:
        tag = child.tag
        if not isinstance(tag, str):  # comments, PIs, unexpanded entity references
            pass
        elif tag.startswith(_MATHML_NS):
            yield _escaped(_math_text(child), markup)
        elif markup and tag in _INLINE_TAGS:
            yield f"<{tag}>{''.join(_pieces(child, markup=True))}</{tag}>"
        else:
            yield from _pieces(child, markup=markup)
        yield _escaped(child.tail, markup)


def _math_text(math: _Element) -> str:
    """MathML as the concatenation of its tokens (pretty-printing whitespace dropped)."""
    return "".join(piece.strip() for piece in _pieces(math, markup=False))


def _escaped(text: str | None, markup: bool) -> str:
    if not text:
        return ""
    return html.escape(text) if markup else text
