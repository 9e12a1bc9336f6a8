"""Style A: TFLink protein pages, a YAML front matter whose ``tfs`` and ``targets``
hold one regulatory edge per row.

A row is ``symbol,uniprot,gene ids,sources,methods,evidence[,Yes|No]`` where the
evidence is a PubMed link or bare ``ID%5Buid%5D`` terms.  All four format
generations of TFLink are read (see ``../shared/corpus/tflink/SOURCES.md``):

* A0: ``<a href=".../pubmed/?term=ID1; ID2%5Buid%5D">`` (only the last ID tagged)
* A1: ``term=ID1%5Buid%5D+OR+ID2%5Buid%5D``
* A1b: A1 plus a trailing small-scale flag ``,Yes`` / ``,No``
* A2: the bare ``ID1%5Buid%5D+OR+ID2%5Buid%5D,No`` with no link

The link is also read in the other spellings of pages edited elsewhere (see
:mod:`enrich.extract._links`), and the time a row takes is linear in its length.

``tfs`` rows regulate the page's protein; ``targets`` rows are regulated by it.

Speed (``python benchmarks/bench_extract.py``): of a 48-row page's time about a sixth is libyaml
and most of the rest is per row: one regex match and the objects it yields.  A caller that
keeps every Document also pays the cyclic garbage collector for the growing heap (each edge
adds a Claim, a Partner and a tuple of Citations), about a third more.  What rows repeat
is shared, as all model values are immutable: one Citation per PMID, one citation tuple per
recent evidence term, the source and method lists, the row IDs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, cast

from enrich.extract._front_matter import (
    TFLINK_KEY,
    front_matter,
    front_matter_bounds,
    load_yaml,
    misplaced_front_matter,
)
from enrich.extract._links import Link, evidence_of, find_links
from enrich.extract.limits import MAX_DOCUMENT_ITEMS, too_many
from enrich.extract.text import read_text
from enrich.identifiers import normalize_pmid, split_pubmed_term
from enrich.model import Citation, Claim, ClaimKind, Document, Partner, Problem, Style, Subject

_LINK = "\x00"  #: stands for a link while a row is split; a row holding one is refused
_FLAGS = {"yes": True, "no": False}  # any case, in irregular rows
_FLOAT_ID = re.compile(r"([0-9]+)\.0+")
FIELDS = ("tfs", "targets")


def clear_caches() -> None:
    """Forget the citations, source lists and row names shared between pages (for benchmarks
    that time a cold start); what any page reads as does not change."""
    _pmid_citation.cache_clear()
    _split_list.cache_clear()
    _row_names.cache_clear()
    _VALID_TERMS.clear()


def looks_like_tflink(text: str) -> bool:
    """True for a page whose front matter has TFLink's own keys (``tfs:``, ``targets:`` or
    ``layout: protein``), decided from the front matter alone, never from the body after it.

    The front matter must open the file; only blank lines and HTML comments may precede its
    ``---`` (one never closed runs to the end of the file, as the reader takes it).  A file
    that does not open with one but holds a later ``---`` block with both ``tfs:`` and
    ``targets:`` keys is taken for a TFLink page too, so that reading it reports the
    misplaced front matter rather than silently reading it as text.
    """
    bounds = front_matter_bounds(text)
    if bounds is None:
        return misplaced_front_matter(text) is not None
    body, end = bounds
    return TFLINK_KEY.search(text, body, len(text) if end < 0 else end) is not None


def read_tflink(path: str, text: str) -> Document:
    """Every edge of a TFLink page (``text`` with lines ending ``\n``, as
    :func:`~enrich.extract.parse_document` gives it); rows that cannot be understood become
    Problems.

    A page whose front matter is missing, misplaced (text before its ``---`` other than
    blank lines and HTML comments), never closed or not valid YAML is one Problem."""
    front_matter_text, problem = front_matter(path, text)
    lines = front_matter_text.count("\n")  # at least the rows: counted before YAML builds them
    if lines > MAX_DOCUMENT_ITEMS:
        problem = too_many(path, "front-matter lines", lines)
    if problem:
        return Document(path=path, style=Style.TFLINK, problems=(problem,))
    data, problem = load_yaml(path, front_matter_text)
    if problem:
        return Document(path=path, style=Style.TFLINK, problems=(problem,))
    rows = _PageRows(path, "-")
    subject = _subject(path, data, rows.problems)
    for key in data:  # YAML keys are case-sensitive: rows under ``TFs`` would go unread
        if isinstance(key, str) and key not in FIELDS and key.lower() in FIELDS:
            message = f"{key} is not read: TFLink's edges are under {key.lower()}"
            rows.problems.append(Problem(path, key, message))
    rows.page_name = subject.symbol or subject.uniprot or "-"
    for field in FIELDS:
        value = data.get(field)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            rows.read_field(field, value)
        else:
            rows.problems.append(Problem(path, field, f"{field} is a {_kind(value)}, not text"))
    loose = _loose_citations(path, text, data, rows)
    return Document(
        path, Style.TFLINK, subject, tuple(rows.claims), loose, problems=tuple(rows.problems)
    )


def _loose_citations(
    path: str, text: str, data: dict[str, Any], rows: _PageRows
) -> tuple[Citation, ...]:
    """The PMIDs and DOIs a page gives outside its rows, as the text reader finds them: in the
    body after the front matter and in the other front-matter fields (a key a later TFLink
    adds, a note); none is dropped unread.  One that a row cites as it stands is not
    repeated; malformed ones are reported, at the body's line or under the field's key."""
    read: list[tuple[Document, str | None]] = [  # each text read, and the key it is under
        (read_text(path, value), str(key))
        for key, value in data.items()
        if key not in FIELDS and isinstance(value, str) and _MAY_CITE.search(value)
    ]
    bounds = front_matter_bounds(text)
    closing = text.find("\n", bounds[1]) if bounds is not None and bounds[1] >= 0 else -1
    if closing >= 0 and _MAY_CITE.search(text, closing):
        lines_before = text.count("\n", 0, closing)  # so that problems name the file's lines
        read.append((read_text(path, "\n" * lines_before + text[closing:]), None))
    found: dict[str, Citation] = {}
    for document, key in read:
        found.update((c.key, c) for c in document.citations if c.key not in found)
        rows.problems.extend(Problem(path, key, p.message) if key else p for p in document.problems)
    if not found:
        return ()
    cited = {citation for claim in rows.claims for citation in claim.citations}
    return tuple(c for c in found.values() if c not in cited)


#: what any text giving a PMID or a DOI holds (what the text reader finds needs one of them)
_MAY_CITE = re.compile(r"10\.|pmid|pubmed", re.IGNORECASE)


#: what a front-matter field read as text may hold: YAML's scalars (a date is one)
_SCALARS = (str, int, float, dt.date)


def _subject(path: str, data: dict[str, Any], problems: list[Problem]) -> Subject:
    """The page's protein; a field that is not a scalar (a list, a mapping, binary data) is a
    Problem, never turned into text."""

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, _SCALARS) or isinstance(value, bool):
            problems.append(Problem(path, key, f"{key} is a {_kind(value)}, not text"))
            return None
        value = str(value).strip()
        return value if value and value != "-" else None

    gene_ids, bad_ids = _gene_ids(text("ncbi_gene_id") or "")
    for bad in bad_ids:  # reported as a row's are
        problems.append(Problem(path, "ncbi_gene_id", f"gene ID {bad!r} is not a number"))
    return Subject(
        symbol=text("protein_name"),
        uniprot=text("uniprot_accession") or text("title"),
        gene_id=gene_ids[0] if gene_ids else None,
        organism=text("organism"),
    )


# A link's text may hold other tags (TFLink's ``<i uk-icon=…></i>``) but no other opening or
# closing ``a`` tag in any spelling: ``</A>`` or ``</a >`` ending the link would let the
# pattern run on through the next link and silently drop its PMIDs; such rows go to the
# general reader, which reads every link.
_ROW = re.compile(
    r"""(?P<symbol>[^,]*),(?P<uniprot>[^,]*),(?P<genes>[^,]*),(?P<sources>[^,]*),(?P<methods>[^,]*),
    (?:&ensp;\s*<a\s(?:[^>]*?\s)??href="[^"?]*\?term=(?P<term>[^"&\#]*)"[^<]*(?:<(?!/?[aA][\s/>])[^<]*)*</a>
      |(?P<bare>[0-9][^,<>"&]*))
    (?:,(?P<flag>Yes|No))?\s*""",
    re.VERBOSE,
)
_FLAG_VALUES = {"Yes": True, "No": False}  # the spellings _ROW accepts
#: an evidence link whose markup is written with entities (a page escaped once more)
_ESCAPED_LINK = re.compile(r"&lt;a(?:\s|&gt;)", re.IGNORECASE)
_EDGE = ClaimKind.EDGE  # read once: EnumType.__getattr__ makes ClaimKind.EDGE a slow lookup


class _PageRows:
    """Reads the rows of one page into ``claims`` and ``problems``."""

    __slots__ = ("claims", "page_name", "path", "problems")

    def __init__(self, path: str, page_name: str) -> None:
        self.path = path
        self.page_name = page_name  #: the page's protein, the other end of every edge
        self.claims: list[Claim] = []
        self.problems: list[Problem] = []

    def read_field(self, field: str, text: str) -> None:
        """Every row of a ``tfs`` or ``targets`` value; rows are numbered from 1, blank lines
        not counted."""
        index = 0
        for line in text.split("\n"):
            row = line.strip()
            if row:
                index += 1
                claim = self.parse_row(field, index, row)
                if claim:
                    self.claims.append(claim)

    def parse_row(self, field: str, index: int, row: str) -> Claim | None:
        """One edge from a stripped, non-blank row, or None when the row is unreadable (then
        reported).  The regular shapes take one regex match, anything else the slow path."""
        claim_id, location = _row_names(field, index)
        match = _ROW.fullmatch(row)
        if match:
            symbol, uniprot, genes, sources, methods, term, bare, flag_text = match.groups()
            evidence = term if term is not None else bare
            flag = _FLAG_VALUES.get(flag_text)
        else:
            parsed = _parse_irregular_row(self.path, location, row, self.problems)
            if parsed is None:
                return None
            (symbol, uniprot, genes, sources, methods), evidence, flag = parsed
        symbol, uniprot, genes = symbol.strip(), uniprot.strip(), genes.strip()
        if genes.isdigit():  # the usual single ID, checked here to save a call on most rows
            gene_ids: tuple[str, ...] = (genes,)
        else:
            gene_ids, bad_ids = _gene_ids(genes)
            for bad in bad_ids:
                self.problems.append(
                    Problem(self.path, location, f"gene ID {bad!r} is not a number")
                )
        partner_name = symbol if symbol not in ("", "-") else (uniprot or "-")
        if field == "tfs":
            regulator, target = partner_name, self.page_name
        else:
            regulator, target = self.page_name, partner_name
        return Claim(
            claim_id,
            _EDGE,
            location,
            self.citations_of(location, evidence),
            regulator,
            target,
            Partner(symbol, uniprot or None, gene_ids),
            _split_list(sources),
            _split_list(methods),
            flag,
        )

    def citations_of(self, location: str, evidence: str) -> tuple[Citation, ...]:
        """The de-duplicated PMIDs of an evidence term; malformed ones kept and reported."""
        citations = _VALID_TERMS.get(evidence)
        if citations is None:
            valid = _valid_citations(evidence)
            if valid is None:
                return _checked_citations(self.path, location, evidence, self.problems)
            if len(_VALID_TERMS) >= _MAX_VALID_TERMS:
                _VALID_TERMS.clear()  # a bound on memory; the common terms come back at once
            citations = _VALID_TERMS[evidence] = valid
        return citations


# Evidence terms read lately whose PMIDs are all valid, and their citations: TFLink repeats
# the same terms on many rows and pages (every row citing only the database papers), and
# Citations are immutable, so rows may share them.  A plain dict emptied when full costs less
# than an LRU cache on a miss, and many terms of a corpus are read only once.  Invalid terms
# are never kept, so that every row citing one reports it.
_VALID_TERMS: dict[str, tuple[Citation, ...]] = {}
_MAX_VALID_TERMS = 4096


@lru_cache(maxsize=4096)
def _row_names(field: str, index: int) -> tuple[str, str]:
    """The claim ID and location of a field's row: every page numbers its rows from 1, so
    these strings are made once and shared (they are immutable)."""
    return f"{field}-{index}", f"{field} row {index}"


def _parse_irregular_row(
    path: str, location: str, row: str, problems: list[Problem]
) -> tuple[tuple[str, str, str, str, str], str, bool | None] | None:
    """The five leading fields, the evidence term and the flag of a row that the fast pattern
    did not take, or None (then reported) when the row cannot be read.

    The evidence is the PubMed term of every link in the evidence field (any spelling of
    the link: see :mod:`enrich.extract._links`; also a link whose markup is written with
    entities, ``&lt;a href=&quot;…&quot;&gt;``, as a page escaped once more shows it), or
    the bare term written there, HTML entities decoded; the time taken is linear in the
    row's length."""
    if _LINK in row:
        problems.append(Problem(path, location, f"cannot read row {_clip(row)!r}: a NUL byte"))
        return None
    links = find_links(row)
    if not links and _ESCAPED_LINK.search(row):  # a page escaped once more: decoded once
        row = html.unescape(row)
        links = find_links(row)
    fields = [f.strip() for f in _marked(row, links).split(",")]
    flag: bool | None = None
    if len(fields) in (6, 7) and fields[-1].lower() in _FLAGS:
        flag = _FLAGS[fields.pop().lower()]
    if len(fields) not in (5, 6) or any(_LINK in field for field in fields[:5]):
        found = f"found {len(fields)}" if len(fields) not in (5, 6) else "a link before the 6th"
        problems.append(
            Problem(
                path,
                location,
                f"cannot read row {_clip(row)!r}: expected 5 or 6 comma-separated fields, {found}",
            )
        )
        return None
    evidence = fields.pop() if len(fields) == 6 else ""
    if "&" in evidence and _LINK not in evidence:
        evidence = html.unescape(evidence).strip()
    if _LINK in evidence:
        evidence = _links_evidence(path, location, evidence, iter(links), problems)
    elif "<" in evidence:  # markup, but no link that closes: one problem, not one per word
        problems.append(
            Problem(path, location, f"evidence is neither a link nor a term: {_clip(evidence)!r}")
        )
        evidence = ""
    symbol, uniprot, genes, sources, methods = fields
    return (symbol, uniprot, genes, sources, methods), evidence, flag


def _marked(text: str, links: list[Link]) -> str:
    """``text`` with each of its ``links`` written as one _LINK, so that a comma inside a
    link splits no field."""
    for link in reversed(links):
        text = text[: link.start] + _LINK + text[link.end :]
    return text


def _links_evidence(
    path: str, location: str, field: str, links: Iterator[Link], problems: list[Problem]
) -> str:
    """The PubMed terms of the links of an evidence field (``field`` with each link written
    as _LINK); a link without one, or other text beside them, is reported."""
    terms: list[str] = []
    without: list[str | None] = []  #: the hrefs of links giving no term, reported once
    for _ in range(field.count(_LINK)):
        href = next(links).href
        term = evidence_of(href) if href is not None else None
        if term is None:
            without.append(href)
        else:
            terms.append(term)
    if without:
        which = "" if len(without) == 1 else f" ({len(without)} links; the first)"
        message = f"evidence link has no PubMed term{which}: {without[0]!r}"
        problems.append(Problem(path, location, message))
    beside = html.unescape(field.replace(_LINK, " ")).strip()
    if beside:
        problems.append(
            Problem(path, location, f"text beside the evidence link not read: {_clip(beside)!r}")
        )
    return "; ".join(terms)


def _checked_citations(
    path: str, location: str, evidence: str, problems: list[Problem]
) -> tuple[Citation, ...]:
    """The de-duplicated PMIDs of any evidence term; malformed ones kept and reported."""
    citations: dict[str, Citation] = {}
    for token in split_pubmed_term(evidence):
        pmid = normalize_pmid(token)
        if pmid is None:
            problems.append(Problem(path, location, f"{token!r} is not a valid PMID"))
        citations.setdefault(
            pmid or token, Citation(pmid=pmid or token, invalid=() if pmid else ("pmid",))
        )
    return tuple(citations.values())


def _valid_citations(evidence: str) -> tuple[Citation, ...] | None:
    """The de-duplicated citations of a term whose PMIDs are all valid, else None."""
    # Fast path, for terms made only of canonical PMIDs, ``%5Buid%5D`` tags, ``+OR+`` and
    # ``;``: these are the replacements split_pubmed_term makes for such text, so the tokens
    # are the ones it would give, and a canonical PMID is its own normalised form.
    tokens = evidence.replace("%5Buid%5D", " ").replace("+OR+", " ").replace(";", " ").split()
    citations = tuple(map(_pmid_citation, dict.fromkeys(tokens)))
    if all(citations):  # a Citation is always true, so no token was refused (None)
        return citations  # type: ignore[return-value]  # (not cast(): a call on every row)
    pmids = [normalize_pmid(token) for token in split_pubmed_term(evidence)]
    if None in pmids:
        return None
    return tuple(Citation(pmid=pmid) for pmid in dict.fromkeys(cast("list[str]", pmids)))


@lru_cache(maxsize=1 << 12)
def _pmid_citation(token: str) -> Citation | None:
    """The shared Citation of a canonical PMID (database papers recur on nearly every row), or
    None when ``token`` is not one (leading zeros, tags, other text: the general path's job)."""
    return Citation(pmid=token) if normalize_pmid(token) == token else None


def _gene_ids(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Valid and malformed NCBI Gene IDs of a field such as ``100532731; 648`` or ``855704.0``."""
    if value.isdigit():
        return (value,), ()
    good: list[str] = []
    bad: list[str] = []
    for part in (p.strip() for p in value.split(";")):
        if part in ("", "-"):
            continue
        whole = _FLOAT_ID.fullmatch(part)
        if whole:
            part = whole[1]
        (good if part.isdigit() else bad).append(part)
    return tuple(good), tuple(bad)


@lru_cache(maxsize=4096)
def _split_list(value: str) -> tuple[str, ...]:
    """``ReMap; TRRUST`` as a tuple; cached, since pages repeat a few such lists."""
    return tuple(p.strip() for p in value.split(";") if p.strip())


def _kind(value: object) -> str:
    """What a YAML value is, in words: ``a list``, ``a mapping``, ``a number``..."""
    kinds = {list: "list", dict: "mapping", bytes: "binary value", bool: "true/false value"}
    return kinds.get(type(value), "number" if isinstance(value, int | float) else "value")


def _clip(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
