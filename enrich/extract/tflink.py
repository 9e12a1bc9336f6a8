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

import yaml

from enrich.extract._links import Link, evidence_of, find_links
from enrich.extract.limits import MAX_DOCUMENT_ITEMS, too_many
from enrich.identifiers import normalize_pmid, split_pubmed_term
from enrich.model import Citation, Claim, ClaimKind, Document, Partner, Problem, Style, Subject

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml: the pure-Python safe loader
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_STR_TAG = "tag:yaml.org,2002:str"
#: the implicit types of YAML 1.1 that turn text as written into another value
_RETYPING = frozenset(f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "timestamp"))


class _FrontMatterRefused(yaml.MarkedYAMLError):
    """Front matter that parses but is refused: a duplicate key, or an alias."""


class _FrontMatterLoader(_SafeLoader):
    """The safe loader (libyaml's where available), with a shortcut for the usual front
    matter, a mapping of text keys to text values: the same dict that SafeLoader builds
    without its per-node Python calls, about a fifth of the load time.  Anything else
    (numbers, lists, tags) goes through SafeLoader after the whole node graph is checked.

    Refused, with the line: a key given twice in one mapping (SafeLoader would keep the
    last value and silently drop the first), and any alias (``*name``, merge keys too), on
    the shortcut as elsewhere.  TFLink never writes aliases, and refusing them bounds what a
    page can make the reader build to what its text spells out: no alias bomb can expand
    into gigabytes.

    An unquoted value is text as written: YAML 1.1 would read ``012345`` as the octal
    5349, ``0x1F`` as 31, ``No`` as false and ``2001-01-01`` as a date, turning a gene ID or
    a protein name into another value.  Only an empty value, ``~`` and ``null`` mean none;
    an explicit tag (``!!int 7``) is still honoured.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - never mutated; PyYAML types it per instance
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in _RETYPING]
        for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_document(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode) and node.tag == "tag:yaml.org,2002:map":
            pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
            if all(
                type(key) is yaml.ScalarNode
                and type(value) is yaml.ScalarNode
                and key.tag == _STR_TAG
                and value.tag == _STR_TAG
                for key, value in pairs
            ) and len({id(part) for pair in pairs for part in pair}) == 2 * len(pairs):
                data = {key.value: value.value for key, value in pairs}
                if len(data) < len(pairs):  # all keys are text here: same spelling, same key
                    _refuse_duplicate(pairs)
                return data
        _check_graph(node)
        return super().construct_document(node)


def _check_graph(root: yaml.Node) -> None:
    """Raise _FrontMatterRefused for an alias or a duplicate key anywhere under ``root``.

    Without aliases the node graph is a tree, so a node met twice is an alias's target;
    the walk visits each node once, so its cost is bounded by the text's length.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 2
            raise _FrontMatterRefused(
                problem=f"a YAML alias repeats the value at line {line}; aliases are not "
                "read in front matter: write the value out",
                problem_mark=node.start_mark,
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate(node.value)
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _refuse_duplicate(pairs: list[tuple[yaml.Node, yaml.Node]]) -> None:
    """Raise _FrontMatterRefused for the second occurrence of a scalar key in ``pairs``."""
    first: dict[tuple[str, str], yaml.Node] = {}  #: by tag and spelling: '1' is not 1
    for key, _ in pairs:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if (key.tag, key.value) in first:
            earlier = first[key.tag, key.value].start_mark.line + 2
            raise _FrontMatterRefused(
                problem=f"duplicate key {key.value!r} (first at line {earlier}): only one "
                "would be read; merge the two",
                problem_mark=key.start_mark,
            )
        first[key.tag, key.value] = key


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
    ``---``.  A file that does not open with one but holds a later ``---`` block with both
    ``tfs:`` and ``targets:`` keys is taken for a TFLink page too, so that reading it reports
    the misplaced front matter rather than silently reading it as text.
    """
    bounds = _front_matter_bounds(text)
    if bounds is None:
        return _misplaced_front_matter(text) is not None
    body, end = bounds
    return _TFLINK_KEY.search(text, body, len(text) if end < 0 else end) is not None


#: what may come before a front matter's opening ``---``: white space and HTML comments
_PREAMBLE = re.compile(r"(?:\s|<!--.*?-->)*", re.DOTALL)
#: a top-level key only TFLink pages have (a continuation line of a value is indented)
_TFLINK_KEY = re.compile(r"^(?:(?:tfs|targets)[ \t]*:|layout:[ \t]*protein\b)", re.MULTILINE)
_TFS_KEY = re.compile(r"^tfs[ \t]*:", re.MULTILINE)
_TARGETS_KEY = re.compile(r"^targets[ \t]*:", re.MULTILINE)


def _front_matter_bounds(text: str) -> tuple[int, int] | None:
    """Where the body of the front matter opening ``text`` starts, and where its closing
    ``---`` line starts (-1 when it is never closed); None when ``text`` does not open with a
    ``---`` line after nothing but blank lines and HTML comments."""
    preamble = _PREAMBLE.match(text)
    start = preamble.end() if preamble else 0
    if not text.startswith("---", start) or (start and text[start - 1] != "\n"):
        return None
    line_end = text.find("\n", start)
    if line_end < 0 or text[start + 3 : line_end].strip():
        return None
    return line_end + 1, _closing_line(text, line_end + 1)


def _closing_line(text: str, body: int) -> int:
    """Where the first ``---`` line at or after ``body`` starts, or -1 when there is none."""
    end = text.find("\n---", body - 1)
    while end >= 0:
        line_end = text.find("\n", end + 1)
        if not text[end + 4 : line_end if line_end >= 0 else len(text)].strip():
            return end + 1
        end = text.find("\n---", end + 1)
    return -1


def _misplaced_front_matter(text: str) -> int | None:
    """Where a ``---`` line starts that opens a closed block with both ``tfs:`` and
    ``targets:`` keys, in a text whose first line is not that ``---``; else None.  Each
    ``---`` line is looked at once, so the cost is bounded by the text's length."""
    opening = text.find("\n---")
    while opening >= 0:
        start = opening + 1
        line_end = text.find("\n", start)
        if line_end < 0:
            return None
        if text[start + 3 : line_end].strip():  # ``----`` or ``--- x``: not a fence
            opening = text.find("\n---", start)
            continue
        end = _closing_line(text, line_end + 1)
        if end < 0:
            return None
        if _TFS_KEY.search(text, line_end + 1, end) and _TARGETS_KEY.search(
            text, line_end + 1, end
        ):
            return start
        opening = end - 1  # the closing line may open the next block
    return None


def read_tflink(path: str, text: str) -> Document:
    """Every edge of a TFLink page; rows that cannot be understood become Problems.

    A page whose front matter is missing, misplaced (text before its ``---`` other than
    blank lines and HTML comments), never closed or not valid YAML is one Problem."""
    front_matter, problem = _front_matter(path, text.replace("\r\n", "\n"))
    lines = front_matter.count("\n")  # at least the rows: counted before YAML builds them
    if lines > MAX_DOCUMENT_ITEMS:
        problem = too_many(path, "front-matter lines", lines)
    if problem:
        return Document(path=path, style=Style.TFLINK, problems=(problem,))
    data, problem = _load_yaml(path, front_matter)
    if problem:
        return Document(path=path, style=Style.TFLINK, problems=(problem,))
    rows = _PageRows(path, "-")
    subject = _subject(path, data, rows.problems)
    rows.page_name = subject.symbol or subject.uniprot or "-"
    for field in FIELDS:
        value = data.get(field)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            rows.read_field(field, value)
        else:
            rows.problems.append(Problem(path, field, f"{field} is a {_kind(value)}, not text"))
    return Document(path, Style.TFLINK, subject, tuple(rows.claims), problems=tuple(rows.problems))


def _front_matter(path: str, text: str) -> tuple[str, Problem | None]:
    """The front matter's YAML, preceded by blank lines so that YAML's line numbers are the
    file's, or the Problem that stops the page being read."""
    bounds = _front_matter_bounds(text)
    if bounds is None:
        misplaced = _misplaced_front_matter(text)
        if misplaced is None:
            return "", Problem(path, "line 1", "no front matter: a TFLink page opens with ---")
        return "", Problem(
            path,
            f"line {text.count(chr(10), 0, misplaced) + 1}",
            "front matter not read: only blank lines and HTML comments may come before "
            "its opening ---",
        )
    body, end = bounds
    before = text.count("\n", 0, body)  #: lines up to and including the opening ---
    if end < 0:
        return "", Problem(path, f"line {before}", "front matter opened with --- is never closed")
    # _load_yaml numbers lines as if the YAML started on the file's second line
    return "\n" * (before - 1) + text[body:end], None


def _load_yaml(path: str, front_matter: str) -> tuple[dict[str, Any], Problem | None]:
    try:
        data = yaml.load(front_matter, Loader=_FrontMatterLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark is not None else "front matter"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if not isinstance(exc, _FrontMatterRefused):
            reason = f"malformed YAML front matter: {reason}"
        return {}, Problem(path, where, reason)
    if not isinstance(data, dict):
        return {}, Problem(path, "front matter", "front matter is not a key: value mapping")
    return data, None


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


_ROW = re.compile(
    r"""(?P<symbol>[^,]*),(?P<uniprot>[^,]*),(?P<genes>[^,]*),(?P<sources>[^,]*),(?P<methods>[^,]*),
    (?:&ensp;\s*<a\s(?:[^>]*?\s)?href="[^"?]*\?term=(?P<term>[^"&\#]*)"[^<]*(?:<(?!/a>)[^<]*)*</a>
      |(?P<bare>[0-9][^,<>"]*))
    (?:,(?P<flag>Yes|No))?\s*""",
    re.VERBOSE,
)
_FLAG_VALUES = {"Yes": True, "No": False}  # the spellings _ROW accepts
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
    the link: see :mod:`enrich.extract._links`), or the bare term written there, HTML
    entities decoded; the time taken is linear in the row's length."""
    if _LINK in row:
        problems.append(Problem(path, location, f"cannot read row {_clip(row)!r}: a NUL byte"))
        return None
    links = find_links(row)
    skeleton = row
    for link in reversed(links):  # each link becomes one _LINK, so its commas split nothing
        skeleton = skeleton[: link.start] + _LINK + skeleton[link.end :]
    fields = [f.strip() for f in skeleton.split(",")]
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
    if _LINK in evidence:
        evidence = _links_evidence(path, location, evidence, iter(links), problems)
    elif "<" in evidence:  # markup, but no link that closes: one problem, not one per word
        problems.append(
            Problem(path, location, f"evidence is neither a link nor a term: {_clip(evidence)!r}")
        )
        evidence = ""
    elif "&" in evidence:
        evidence = html.unescape(evidence).strip()
    symbol, uniprot, genes, sources, methods = fields
    return (symbol, uniprot, genes, sources, methods), evidence, flag


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


@lru_cache(maxsize=1 << 16)
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
