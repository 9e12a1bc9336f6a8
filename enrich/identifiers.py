"""PubMed IDs and DOIs: normalising, validating and finding them in text.

Pure functions; nothing here touches the network or the disk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

_PMID_DIGITS = re.compile(r"[0-9]+")
_DOI_SYNTAX = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/\S+")
_DOI_PREFIX = re.compile(
    r"^(?:https?://)?(?:dx\.|www\.)?doi\.org/|^doi\s*:\s*|^info:doi/", re.IGNORECASE
)
_TRAILING_PUNCT = ".,;:'\"!?/"  #: a trailing "/" is a URL's, not the DOI's
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}

MAX_PMID_DIGITS = 9
_TERM_TOKEN = re.compile(r"[^\s;,]+")
_FIELD_TAG = re.compile(r"\[(?:uid|pmid)\]", re.IGNORECASE)


def normalize_pmid(raw: str) -> str | None:
    """The canonical form of a PMID (digits, no leading zeros), or None if ``raw`` is not one.

    A PMID is a positive integer of at most nine digits; surrounding white space
    and a ``[uid]`` or ``%5Buid%5D`` field tag are tolerated.
    """
    if raw.isascii() and raw.isdigit() and raw[0] != "0" and len(raw) <= MAX_PMID_DIGITS:
        return raw  # the common case, checked without allocating
    text = (unquote(raw) if "%" in raw else raw).strip()
    if text.lower().endswith("[uid]"):
        text = text[: -len("[uid]")].strip()
    if not _PMID_DIGITS.fullmatch(text):
        return None
    value = int(text)
    if value <= 0 or len(str(value)) > MAX_PMID_DIGITS:
        return None
    return str(value)


def normalize_doi(raw: str) -> str:
    """``raw`` without URL encoding, resolver or ``doi:`` prefixes and trailing punctuation
    (non-ASCII punctuation such as ``…`` and ``»`` too, and a trailing ``/``, as a link to
    ``https://doi.org/10.…/`` has), and without the invisible format characters (zero-width
    spaces, soft hyphens) that text copied from web pages carries.

    The case is kept (DOIs compare case-insensitively: use :func:`doi_key`).
    The result may still be invalid; check it with :func:`is_valid_doi`.
    """
    text = unquote(raw)
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = text.strip()
    previous = None
    while previous != text:
        previous = text
        text = _DOI_PREFIX.sub("", text).strip()
    return _strip_trailing(text)


def _strip_trailing(text: str) -> str:
    """Remove trailing punctuation (any non-ASCII punctuation too: an ellipsis, guillemets,
    curly quotes, dashes, an ideographic full stop, which no DOI ends with), and closing
    brackets that have no opening partner."""
    while text:
        last = text[-1]
        unmatched = last in _CLOSERS and text.count(_CLOSERS[last]) < text.count(last)
        if last in _TRAILING_PUNCT or unmatched or _is_unicode_punctuation(last):
            text = text[:-1]
        else:
            break
    return text


def _is_unicode_punctuation(character: str) -> bool:
    """Whether ``character`` is punctuation outside ASCII (Unicode's categories P…)."""
    return not character.isascii() and unicodedata.category(character).startswith("P")


def is_valid_doi(doi: str) -> bool:
    """True when ``doi`` is ``10.`` + a numeric registrant + ``/`` + a suffix without spaces."""
    return _DOI_SYNTAX.fullmatch(doi) is not None


def doi_key(doi: str) -> str:
    """The form in which two DOIs compare, and under which they are cached and searched.

    DOIs are case-insensitive for ASCII letters; ``lower`` (not ``casefold``) keeps
    every other character, so the key is still the DOI itself.
    """
    return doi.lower()


#: how a :func:`fallback_key` opens
FALLBACK = "pmid-else-doi:"


def fallback_key(pmid: str, doi: str) -> str:
    """The citation key of PMID ``pmid`` given with DOI ``doi``, which resolves to the
    PMID's record, or, when PubMed has no record for the PMID (a typo, most likely), to the
    DOI's: ``pmid-else-doi:N|d`` (``d`` as :func:`doi_key` gives it)."""
    return f"{FALLBACK}{pmid}|{doi_key(doi)}"


def is_fallback(key: str) -> bool:
    """Whether citation ``key`` is a :func:`fallback_key`: made of two identifiers that
    other keys name, it is no identifier a document gives (progress leaves it out; the
    run's counts take it for the DOI looked up when PubMed lacks its PMID)."""
    return key.startswith(FALLBACK)


def split_fallback(key: str) -> tuple[str, str] | None:
    """The PMID and DOI key of a :func:`fallback_key`; None for any other key."""
    if not key.startswith(FALLBACK):
        return None
    pmid, bar, doi = key[len(FALLBACK) :].partition("|")
    return (pmid, doi) if bar and pmid and doi else None


def split_pubmed_term(term: str) -> list[str]:
    """The raw PMID tokens of a PubMed search term such as TFLink's evidence links.

    Handles ``1%5Buid%5D+OR+2%5Buid%5D``, ``1; 2%5Buid%5D`` and bare ``1[uid]``.
    Tokens are returned as written (minus the field tag) so that a malformed one
    can be reported; normalise each with :func:`normalize_pmid`.
    """
    text = term.replace("%5Buid%5D", " ").replace("+OR+", " ")
    if not any(c in text for c in "%[+,") and " OR " not in text:  # the usual TFLink shapes
        return text.replace(";", " ").split()
    text = text.replace("+", " ")
    if "%" in text:
        text = unquote(text)
    if "[" in text:
        text = _FIELD_TAG.sub(" ", text)
    return [t for t in _TERM_TOKEN.findall(text) if t.upper() != "OR"]


@dataclass(frozen=True, slots=True)
class Found:
    """An identifier found in text: its kind, the text as written, and its offset."""

    kind: str  #: "pmid" or "doi"
    raw: str
    offset: int


#: a list of PMIDs after a label: numbers apart by "," ";" "and", "/" or white space, on one
#: line (a table's "|" is a column boundary, never a separator).  After a singular label
#: ("PMID: 1; 2"), and after "/" or white space alone, a number joins the list only with five
#: digits or more: "(PMID: 31452104, 2019)", "PMID 12345678 and 20 other studies" and
#: "PMIDs: 12345678 12/2008" name one paper; a plural label governs any number after "," ";"
#: or "and".  A number after white space alone is no PMID when a word follows it: "PMID:
#: 18598946 123456 participants" counts them.
_PMID_LIST_SEPARATOR = r"[^\S\n]*(?:[,;]|(?:,[^\S\n]*)?\band\b)[^\S\n]*"
#: apart by "/" or white space alone, but no tab: like "|", it is a column boundary (a TSV
#: row's next column holds a count, a gene ID, a coordinate)
_PMID_LIST_SPACE = r"(?:[^\S\n\t]*/[^\S\n\t]*|[^\S\n\t]+)"
_PMID_ITEM_END = r"\b(?![.:/-]\w)"  #: not a number's start: "2019.5", "10.1000/x", "12:30"
_PMID_NO_WORD_AFTER = r"(?![^\S\n]*(?!(?:and|or)\b)[^\W\d_])"
#: how one PMID of a list is written: digits; or in groups of three apart by "," "." or a
#: space ("PMID: 18,598,946"), read as one number (its first group alone, PMID 18, is another
#: paper), so that one to three digits before such a group are never a PMID on their own; or
#: two numbers joined by a dash ("PMID 18598946-18598950", or an en dash), a range or a
#: pair, read as neither but kept whole, so that it is reported as no valid PMID
_PMID_NUMBER_END = r"(?![.,:/-]?\w)"
_PMID_DASHES = "-\u2010-\u2015"  #: the hyphen-minus, and Unicode's hyphens and dashes
_PMID_NUMBER = rf"""
    (?:[0-9]+[{_PMID_DASHES}][0-9]{{5,}}{_PMID_NUMBER_END})
  | (?:(?<![0-9])[0-9]{{1,3}}
      (?:(?:,[0-9]{{3}})+|(?:\.[0-9]{{3}})+|(?:[^\S\n][0-9]{{3}})+){_PMID_NUMBER_END})
  | [0-9]{{4,}}|[0-9]{{1,3}}(?![,.][0-9])
"""
#: a number of a list that only five digits or more may join, written without groups (a
#: year or a count does not; nor "12 345" or "2,500" patients, nor the decimal "1.500")
_PMID_LONG_NUMBER = rf"(?=[0-9]{{5}})(?:{_PMID_NUMBER})"
#: what may stand between a label and its number besides white space: Markdown emphasis and
#: code (``**PMID:** 1``, ``PMID: `1` ``), a key's quotes and braces (``"pmid": "1"``,
#: ``pmid = {1}``), around one separator: ``:``, ``=`` or ``#``; or MEDLINE's ``-`` right
#: after the label (``PMID- 1``: "PMIDs - 3 were excluded" is prose).  Underscores alone
#: make one word of label and number (``pmid_1``: a name), never emphasis.
_LABEL_MARKS = r"""[\s*_`"'{]*"""
_PMID_LABEL_GAP = rf"(?!_+[0-9])(?:-[^\S\n]*|{_LABEL_MARKS}(?:[:=\#]{_LABEL_MARKS})?)"
_PMID_IN_TEXT = re.compile(
    rf"""
    (?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|europepmc\.org/(?:article|abstract)/MED/)
      (?P<url>[0-9]+)
  | ncbi\.nlm\.nih\.gov/(?:entrez/query\.fcgi|sites/entrez)\?(?P<entrez>[^\s"'<>)\]]+)
  | (?:pubmed\.ncbi\.nlm\.nih\.gov/?|ncbi\.nlm\.nih\.gov/pubmed/?)\?term=(?P<term>[^\s"'<>&)\]]+)
  | (?<![A-Za-z0-9])(?:PMIDs|PubMed\s+IDs){_PMID_LABEL_GAP}
      (?P<mentions>(?:{_PMID_NUMBER})(?:(?:{_PMID_LIST_SEPARATOR}(?:{_PMID_NUMBER})
        |{_PMID_LIST_SPACE}{_PMID_LONG_NUMBER}{_PMID_NO_WORD_AFTER}){_PMID_ITEM_END})*)
  | (?<![A-Za-z0-9])(?:(?:PMID|PubMed\s+ID){_PMID_LABEL_GAP}|PubMed[:=](?=[0-9])
      |PubMed{_LABEL_MARKS}[:=]{_LABEL_MARKS}(?=[0-9]{{5}}))
      (?P<mention>(?:{_PMID_NUMBER})
        (?:(?:{_PMID_LIST_SEPARATOR}{_PMID_LONG_NUMBER}
          |{_PMID_LIST_SPACE}{_PMID_LONG_NUMBER}{_PMID_NO_WORD_AFTER}){_PMID_ITEM_END})*)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_LISTED_PMID = re.compile(_PMID_NUMBER, re.VERBOSE)
_PMID_DASH = re.compile(f"[{_PMID_DASHES}]")
#: the characters of a DOI found in text.  It ends at white space, quotes (straight or
#: curly), backticks, an asterisk that no letter or digit follows (Markdown emphasis), "<"
#: and ">" (but SICI's "<421::…>" when written whole: HTML tags never open with a digit), a
#: Markdown link's "](", and a "," or ";" that an identifier label follows
#: ("doi:10.1/x,PMID:2").  Trailing punctuation is left for :func:`normalize_doi` to remove.
_DOI_BODY = r"""
    (?:
        [^\s"'<>`*\u201c\u201d\u2018\u2019\],;]
      | \*(?=\w)
      | \](?!\()
      | [,;](?![^\S\n]*(?:PMIDs?|PMCID|PubMed|doi)\b)
      | <[0-9][^\s<>"'`]*>
    )+
"""
_DOI_IN_TEXT = re.compile(
    rf"""
    (?:https?://)?(?:dx\.)?doi\.org/(?P<url>10\.{_DOI_BODY})
  | (?<![A-Za-z0-9])doi\s*:?\s*(?P<prefixed>10\.[0-9]{{4,9}}\s*/\s*{_DOI_BODY})
  | (?P<bare>(?<![A-Za-z0-9])10\.[0-9]{{4,9}}(?:\.[0-9]+)*/{_DOI_BODY})
    """,
    re.IGNORECASE | re.VERBOSE,
)
#: Markdown emphasis that may enclose an identifier: "_doi:10.1/x_" ends before its "_"
#: (identifiers are found after a "_" too: the look-behinds above want no letter or digit)
_EMPHASIS = "_~"


def find_identifiers(text: str, limit: int | None = None) -> Iterator[Found]:
    """Every PMID and DOI mentioned in ``text``, in order of appearance; with ``limit``, the
    search stops once more than ``limit`` are found (and yields more than ``limit``).

    PMIDs come from PubMed URLs (including ``?term=`` lists, on either PubMed host, and old
    Entrez ``list_uids=`` links with ``db=PubMed``), Europe PMC's ``MED/ID`` pages and
    ``PMID: n`` / ``PMID n`` / ``PMIDs n, m`` / ``pubmed:n`` mentions (``PubMed:`` with
    a gap before the number only for five digits or more: "PubMed: 25 papers" is a count;
    Markdown emphasis or
    code, a key's quotes or braces and a ``=`` or ``#`` may stand between label and
    number, and MEDLINE's ``-`` right after the label: ``**PMID:** n``, ``"pmid": "n"``,
    ``PMID- n``; not ``pmid_1``, a name), where the label
    governs a list of numbers apart by ``,`` ``;`` ``and``, ``/`` or white space but a tab
    on its line (after ``PMID``, ``/`` or white space, numbers of five digits or more,
    written without groups, and after white space no word after them: not a year or a count
    that follows); a number in groups of three digits (``18,598,946``) is one PMID, and
    two numbers joined by a dash (a range or a pair) are yielded whole, no valid PMID; DOIs
    from doi.org URLs,
    ``doi:``/``DOI:`` mentions (where spaces around the slash, as in text taken from PDFs,
    are closed up) and bare ``10.NNNN/...`` strings.  A DOI ends at white space, at a
    Markdown link's ``](``, at quotes, backticks and emphasis closing around it (emphasis
    opening just before the identifier or its label), and before
    a ``,``/``;`` followed by another identifier's label, and inside a URL before its
    query or fragment; SICI DOIs keep ``<…>`` written whole.  A DOI's raw text may keep
    trailing punctuation (:func:`normalize_doi` removes it).  The same identifier may be
    yielded more than once.  Text is searched as given: decode HTML entities first
    (:func:`enrich.extract.text.read_text` does for HTML).
    """
    found: list[Found] = []
    enough = float("inf") if limit is None else limit
    for m in _PMID_IN_TEXT.finditer(text):
        if m.group("term") is not None:
            found.extend(Found("pmid", t, m.start("term")) for t in split_pubmed_term(m["term"]))
        elif m.group("entrez") is not None:
            start = m.start("entrez") + m["entrez"].lower().find("list_uids=")
            found.extend(Found("pmid", t, start) for t in _entrez_pubmed_uids(m["entrez"]))
        elif m.group("url") is not None:
            found.append(Found("pmid", m["url"], m.start("url")))
        else:
            group = "mentions" if m.group("mentions") is not None else "mention"
            start = m.start(group)
            found.extend(
                Found("pmid", _listed_pmid(n), start + n.start())
                for n in _LISTED_PMID.finditer(m[group])
            )
        if len(found) > enough:
            yield from found
            return
    for m in _DOI_IN_TEXT.finditer(text):
        if len(found) > enough:
            break
        group = next(g for g in ("url", "prefixed", "bare") if m.group(g) is not None)
        raw = re.sub(r"\s*/\s*", "/", m[group], count=1) if group == "prefixed" else m[group]
        raw = _without_closing_emphasis(raw, text, m.start())
        url = "" if group == "url" else _url_before(text, m.start(group))
        if url is not None:
            raw = _without_url_query(raw, in_query="?" in url)
        found.append(Found("doi", raw, m.start(group)))
    found.sort(key=lambda f: f.offset)
    yield from found


def _entrez_pubmed_uids(query: str) -> list[str]:
    """The raw PMIDs of an old Entrez link's query (``cmd=Retrieve&db=PubMed&list_uids=1,2``,
    parameters in any order, its "&" written "&amp;" or not); none when it names another
    database (nucleotide, protein: its IDs are no PMIDs) or none at all."""
    params = {key.lower(): value for key, value in parse_qsl(query.replace("&amp;", "&"))}
    if params.get("db", "").lower() != "pubmed":
        return []
    return split_pubmed_term(params.get("list_uids", ""))


def _listed_pmid(number: re.Match[str]) -> str:
    """A PMID of a list as written, but one in groups of three digits as its digits alone."""
    written = number[0]
    if written.isdigit() or _PMID_DASH.search(written):
        return written
    return "".join(filter(str.isdigit, written))


#: what ends a URL written in text, looking back from a DOI in it: white space, quotes,
#: and the brackets that open a Markdown link's target or an autolink
_URL_START = re.compile(r"""[^\s"'<(\[]*""")
_URL_LOOK_BACK = 256  #: characters looked at before a DOI: a URL's start is nearer than that


def _url_before(text: str, start: int) -> str | None:
    """The part of a URL written before the DOI at ``start`` (``https://…/doi/full/``), or
    None when the DOI is not inside a URL."""
    before = text[max(0, start - _URL_LOOK_BACK) : start][::-1]
    token = _URL_START.match(before)
    return token[0][::-1] if token is not None and "//:" in token[0] else None


def _without_url_query(raw: str, in_query: bool) -> str:
    """A DOI taken from a URL without the URL's query and fragment: a ``?`` or ``#`` with
    text after it opens them (in a URL a DOI's own ``?`` and ``#`` are written ``%3F`` and
    ``%23``; a ``#`` ending it, a SICI DOI's check character, is kept), and a DOI that is
    itself a query value (``article?id=10.…&type=printable``) ends at the next ``&``."""
    ends = [i for i in (raw.find("?"), raw.find("#")) if 0 <= i < len(raw) - 1]
    if in_query and "&" in raw:
        ends.append(raw.find("&"))
    return raw[: min(ends)] if ends else raw


def _without_closing_emphasis(raw: str, text: str, start: int) -> str:
    """``raw`` without the emphasis closing the one that opens before ``start`` in ``text``."""
    before = text[max(0, start - 3) : start]  # a few characters: never copy the whole text
    closing = before[len(before.rstrip(_EMPHASIS)) :]
    kept = raw.rstrip(_TRAILING_PUNCT)
    return kept.removesuffix(closing) if closing and kept.endswith(closing) else raw
