"""Reply bodies shaped like the real E-utilities ones; pure functions over bytes and strings."""

from __future__ import annotations

import functools
import json
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from enrich.testing._records import RecordStore, parse_records

EFETCH_HEAD = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
ESEARCH_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
ESUMMARY_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSummaryResult PUBLIC "-//NLM//DTD esummary v1 20041029//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20041029/esummary-v1.dtd">\n'
)
EFETCH_ERROR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eEfetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n'
)
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head><body>\n"
    b"<h1>NCBI - WWW Error Blocked Diagnostic</h1>\n"
    b"<p>The server is temporarily unable to service your request. Please try again later.</p>\n"
    b"</body></html>\n"
)
ERROR_ROOTS = {
    "efetch.fcgi": "eFetchResult",
    "esearch.fcgi": "eSearchResult",
    "esummary.fcgi": "eSummaryResult",
}

_CLAUSE = re.compile(r'^\(*\s*"?(?P<value>[^"\[]+?)"?\s*\[(?P<field>[A-Za-z ]+)\]\s*\)*$')
_PMID_FIELDS = {"uid", "pmid", "pubmed id"}


def split_ids(raw: str) -> list[str]:
    """The ids of an E-utilities ``id`` parameter (comma or white-space separated), in order."""
    return [part for part in re.split(r"[,\s]+", raw) if part]


def efetch_body(records: Sequence[bytes]) -> bytes:
    """A PubmedArticleSet document holding ``records`` in order (empty set when none)."""
    return EFETCH_HEAD + b"<PubmedArticleSet>\n" + b"\n".join(records) + b"\n</PubmedArticleSet>"


def error_body(endpoint: str, message: str) -> bytes:
    """An NCBI error reply carried in HTTP 200, e.g. ``<eFetchResult><ERROR>…</ERROR>``."""
    root = ERROR_ROOTS.get(endpoint, "eFetchResult")
    head = EFETCH_ERROR_HEAD if endpoint == "efetch.fcgi" else '<?xml version="1.0" ?>\n'
    return f"{head}<{root}>\n\t<ERROR>{escape(message)}</ERROR>\n</{root}>\n".encode()


def invalid_db_body(db: str) -> bytes:
    """The bare ``<ERROR>`` document NCBI sends (HTTP 200) for an unknown ``db``."""
    return (
        f'<?xml version="1.0" ?>\n<ERROR>Invalid db name specified: {escape(db)}</ERROR>\n'.encode()
    )


def rate_limit_body(who: str, count: int, limit: int) -> bytes:
    """The JSON body of NCBI's HTTP 429, field for field (``api-key`` is the key or client IP)."""
    fields = {
        "error": "API rate limit exceeded",
        "api-key": who,
        "count": str(count),
        "limit": str(limit),
    }
    return json.dumps(fields, separators=(",", ":")).encode()


@dataclass(frozen=True)
class SearchResult:
    """The outcome of an esearch term: matching PMIDs and the clauses that matched nothing."""

    pmids: list[str]
    not_found: list[str]
    translation: str


def search(store: RecordStore, term: str) -> SearchResult:
    """Evaluate ``term``: ``[doi]``, ``[uid]`` or ``[pmid]`` clauses joined by ``OR``.

    PMIDs come back in NCBI's default order (highest first); a clause in any other form
    is reported as not found.
    """
    hits: set[str] = set()
    not_found: list[str] = []
    translated: list[str] = []
    for clause in (c.strip() for c in re.split(r"\s+OR\s+", term.strip())):
        match = _CLAUSE.match(clause)
        found = _lookup(store, match.group("field"), match.group("value")) if match else []
        if match:
            translated.append(f'"{match.group("value").strip()}"[{match.group("field").upper()}]')
        if found:
            hits.update(found)
        elif clause:
            not_found.append(clause)
    pmids = sorted(hits, key=lambda p: (len(p), p), reverse=True)
    return SearchResult(pmids, not_found, " OR ".join(translated))


def _lookup(store: RecordStore, field: str, value: str) -> list[str]:
    name = field.strip().lower()
    if name == "doi":
        return store.pmids_for_doi(value)
    if name in _PMID_FIELDS:
        pmid = value.strip().lstrip("0")
        return [pmid] if pmid in store else []
    return []


def esearch_body(result: SearchResult, retstart: int = 0, retmax: int = 20) -> bytes:
    """An ``eSearchResult`` document for ``result``, with NCBI's no-hit error/warning shape."""
    page = result.pmids[retstart : retstart + retmax]
    ids = "".join(f"<Id>{p}</Id>\n" for p in page)
    id_list = f"<IdList>\n{ids}</IdList>" if page else "<IdList/>"
    parts = [
        f"<Count>{len(result.pmids)}</Count><RetMax>{len(page)}</RetMax>",
        f"<RetStart>{retstart}</RetStart>{id_list}<TranslationSet/>",
        f"<QueryTranslation>{escape(result.translation)}</QueryTranslation>",
    ]
    if result.not_found:
        phrases = "".join(f"<PhraseNotFound>{escape(p)}</PhraseNotFound>" for p in result.not_found)
        parts.append(f"<ErrorList>{phrases}</ErrorList>")
    if not result.pmids:
        parts.append("<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>")
    return f"{ESEARCH_HEAD}<eSearchResult>{''.join(parts)}</eSearchResult>\n".encode()


def esummary_body(store: RecordStore, ids: Sequence[str]) -> bytes:
    """A v1 ``eSummaryResult``: one DocSum per known id, an ``<ERROR>`` per unknown one."""
    parts = []
    for pmid in ids:
        xml = store.get(pmid)
        if xml is None:
            parts.append(f"<ERROR>UID={escape(pmid)}: cannot get document summary</ERROR>\n")
        else:
            parts.append(_docsum(pmid, parse_records(xml)[0]))
    return f"{ESUMMARY_HEAD}<eSummaryResult>\n{''.join(parts)}</eSummaryResult>\n".encode()


def _item(name: str, kind: str, value: str) -> str:
    return f'\t<Item Name="{name}" Type="{kind}">{escape(value)}</Item>\n'


def _docsum(pmid: str, record: etree._Element) -> str:
    authors = [_author_name(a) for a in record.iter("Author")]
    authors = [a for a in authors if a]
    doi = _first_doi(record)
    author_items = "".join("\t" + _item("Author", "String", a) for a in authors)
    article_ids = "\t" + _item("pubmed", "String", pmid)
    if doi:
        article_ids += "\t" + _item("doi", "String", doi)
    lines = [
        f"<DocSum>\n\t<Id>{pmid}</Id>\n",
        _item("PubDate", "Date", _pub_date(record)),
        _item("Source", "String", _source(record)),
        f'\t<Item Name="AuthorList" Type="List">\n{author_items}\t</Item>\n',
        _item("Title", "String", _title(record)),
        f'\t<Item Name="ArticleIds" Type="List">\n{article_ids}\t</Item>\n',
        _item("DOI", "String", doi) if doi else "",
        "</DocSum>\n",
    ]
    return "".join(lines)


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(str(part) for part in element.itertext()).split())


def _find(element: etree._Element, path: str) -> str:
    """The stripped text at ``path`` under ``element``, or ""."""
    return str(element.findtext(path) or "").strip()


def _author_name(author: etree._Element) -> str:
    collective = _find(author, "CollectiveName")
    return collective or f"{_find(author, 'LastName')} {_find(author, 'Initials')}".strip()


def _first_doi(record: etree._Element) -> str:
    for path in (
        'PubmedData/ArticleIdList/ArticleId[@IdType="doi"]',
        'MedlineCitation/Article/ELocationID[@EIdType="doi"]',
    ):
        text = _find(record, path)
        if text:
            return text
    return ""


def _title(record: etree._Element) -> str:
    for path in ("MedlineCitation/Article/ArticleTitle", "BookDocument/ArticleTitle"):
        if record.find(path) is not None:
            return _text(record.find(path))
    return _text(record.find("BookDocument/Book/BookTitle"))


def _source(record: etree._Element) -> str:
    for path in (
        "MedlineCitation/Article/Journal/ISOAbbreviation",
        "MedlineCitation/MedlineJournalInfo/MedlineTA",
        "BookDocument/Book/Publisher/PublisherName",
    ):
        text = _find(record, path)
        if text:
            return text
    return ""


def _pub_date(record: etree._Element) -> str:
    date = record.find("MedlineCitation/Article/Journal/JournalIssue/PubDate")
    if date is None:
        date = record.find("BookDocument/Book/PubDate")
    if date is None:
        return ""
    medline = _find(date, "MedlineDate")
    parts = [_find(date, tag) for tag in ("Year", "Season", "Month", "Day")]
    return medline or " ".join(p for p in parts if p)


#: NCBI's reply to a request whose api_key it does not know (HTTP 400)
INVALID_API_KEY_BODY = (
    b'{"error":"API key invalid","api-key":"(the key sent)","type":"invalid","status":"unknown"}'
)


@functools.cache
def gzip_bomb() -> bytes:
    """A gzip member of about 1 MiB that inflates to 1 GiB of zeros (made once, ~1 s)."""
    chunk = bytes(2**20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    # After a full flush the compressor's state is reset, so every further 1 MiB of zeros
    # compresses to the same bytes: one block, repeated.
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (1024 * 2**20) & 0xFFFFFFFF)
    return header + block * 1024 + deflate.flush() + trailer
