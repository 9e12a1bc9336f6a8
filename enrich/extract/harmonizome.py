"""Style B: Harmonizome gene pages, a Markdown key/value table whose ``Summary`` row
holds a JSON tree of footnoted paragraphs and a numbered reference list.

The tree's nodes are ``root``, ``p`` (paragraph), ``t`` (text), ``b``, ``i``, ``a``
(``href``), ``f`` (one footnote, ``ref``), ``fg`` (a footnote group of ``fg_f``
refs and inclusive ``fg_fs`` ranges ``start_ref``..``end_ref``), ``rg`` (the
reference list) and ``r`` (one reference: authors, ``b`` title, ``i`` "Journal
(year)", DOI and PubMed links).

Segmentation: inside a paragraph, text accumulates until a footnote (``f`` or
``fg``); that span becomes one statement cited by the footnote's references.
Text left at the end of a paragraph is an uncited statement.  A footnote that
follows another with only white space between them adds its references to the
same statement.  References no footnote reaches are the Document's loose
citations, so no reference is ever dropped.

Reading never raises for bad content: everything it cannot understand becomes
a :class:`~enrich.model.Problem`.  The tree is walked iteratively, so depth is
bounded only by what :func:`json.loads` accepts (deeper trees are reported).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from enrich.identifiers import find_identifiers, is_valid_doi, normalize_doi, normalize_pmid
from enrich.model import Citation, Claim, ClaimKind, Document, Problem, Style, Subject

__all__ = ["MAX_RANGE", "looks_like_harmonizome", "read_harmonizome"]

MAX_RANGE = 1000  #: a footnote range spanning more refs than this is reported, not expanded

_SUMMARY_ROW = re.compile(r"^\|[ \t]*Summary[ \t]*\|", re.MULTILINE)
_JSON_ROOT = re.compile(r'^\{\s*"type"\s*:\s*"root"', re.MULTILINE)
_TABLE_ROW = re.compile(r"^\|(?P<key>[^|]*)\|(?P<rest>.*)$")
_SYMBOL_SENTENCE = re.compile(r"^\s*(?P<symbol>\S+) has [0-9][0-9,]* functional associations", re.M)
_FILE_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")
_JOURNAL_YEAR = re.compile(r"(?P<journal>.*?)\s*\((?P<year>[0-9]{4})[a-z]?\)\s*\.?")
_REF_DIGITS = re.compile(r"[0-9]{1,15}")  # longer is no footnote number

_REF = (int, str)
_LIST = (list,)
_TEXT = (str,)
#: for each node type, its keys: (accepted value types, required)
_SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], bool]]] = {
    "root": {"children": (_LIST, True)},
    "p": {"children": (_LIST, True)},
    "t": {"text": (_TEXT, True)},
    "b": {"children": (_LIST, True)},
    "i": {"children": (_LIST, True)},
    "a": {"children": (_LIST, True), "href": (_TEXT, False)},
    "f": {"ref": (_REF, True)},
    "fg": {"children": (_LIST, True)},
    "fg_f": {"ref": (_REF, True)},
    "fg_fs": {"start_ref": (_REF, True), "end_ref": (_REF, True)},
    "rg": {"children": (_LIST, True)},
    "r": {"children": (_LIST, True), "ref": (_REF, False)},
}
_Reporter = Callable[[str], None]
_INLINE = frozenset({"root", "b", "i", "a"})
_FOOTNOTE_ENTRIES = frozenset({"fg_f", "fg_fs"})


def looks_like_harmonizome(text: str) -> bool:
    """True for text with a ``| Summary |`` table row and a line opening a ``root`` JSON tree."""
    return _SUMMARY_ROW.search(text) is not None and _JSON_ROOT.search(text) is not None


def read_harmonizome(path: str, text: str) -> Document:
    """The subject, footnoted statements and references of a Harmonizome gene page.

    Pure: ``text`` in, Document out.  Claims are statements ``s1``, ``s2``... in
    document order; references no footnote reaches are ``Document.citations``.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    fields = _table_fields(lines)
    problems: list[Problem] = []
    subject = _subject(path, text, fields, problems)
    tree = _load_summary(path, lines, problems)
    claims: tuple[Claim, ...] = ()
    loose: tuple[Citation, ...] = ()
    if tree is not None:
        walker = _Walker(path)
        walker.walk(tree)
        problems.extend(walker.problems)
        claims, loose = _assemble(path, walker, problems)
    return Document(path, Style.HARMONIZOME, subject, claims, loose, tuple(problems))


# --- the Markdown page ---------------------------------------------------------------------


def _table_fields(lines: list[str]) -> dict[str, tuple[int, str]]:
    """The first value and 0-based line index of each key of the page's ``| key | value |`` rows."""
    fields: dict[str, tuple[int, str]] = {}
    for index, line in enumerate(lines):
        match = _TABLE_ROW.match(line.strip())
        if match is None:
            continue
        key = match["key"].strip()
        rest = match["rest"].strip()
        value = rest[:-1] if rest.endswith("|") else rest
        fields.setdefault(key, (index, value.strip()))
    return fields


def _subject(
    path: str, text: str, fields: dict[str, tuple[int, str]], problems: list[Problem]
) -> Subject:
    def value(key: str) -> str | None:
        return fields[key][1] or None if key in fields else None

    gene_id = value("NCBI Gene ID")
    if gene_id is not None and not gene_id.isdigit():
        line = fields["NCBI Gene ID"][0] + 1
        problems.append(
            Problem(path, f"line {line}", f"NCBI Gene ID {_show(gene_id)} is not a number")
        )
    return Subject(
        symbol=_symbol(path, text),
        name=value("Name"),
        gene_id=gene_id,
        organism=value("Organism"),
        synonyms=_split_commas(value("Synonyms")),
        proteins=_split_commas(value("Proteins")),
        description=value("Description"),
    )


def _symbol(path: str, text: str) -> str | None:
    """The symbol of "<SYMBOL> has N functional associations", else the file name's last part."""
    match = _SYMBOL_SENTENCE.search(text)
    if match:
        return match["symbol"]
    last = PurePath(path).stem.split("_")[-1]
    return last if _FILE_SYMBOL.fullmatch(last) else None


def _split_commas(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(",") if p.strip())


def _load_summary(path: str, lines: list[str], problems: list[Problem]) -> Any:
    """The parsed Summary JSON tree, or None with the reason added to ``problems``."""
    found = _summary_json(lines)
    if found is None:
        problems.append(Problem(path, "", "no Summary row: the page has no statements to read"))
        return None
    first_line, json_text = found
    if not json_text.strip():
        problems.append(Problem(path, f"line {first_line}", "Summary row holds no JSON tree"))
        return None
    try:
        return json.loads(json_text)
    except json.JSONDecodeError as exc:
        where = f"line {first_line + exc.lineno - 1}, column {exc.colno}"
        problems.append(Problem(path, where, f"Summary JSON does not parse: {exc.msg}"))
    except ValueError as exc:  # e.g. an integer literal of thousands of digits
        problems.append(Problem(path, f"line {first_line}", f"Summary JSON cannot be read: {exc}"))
    except RecursionError:
        problems.append(
            Problem(path, f"line {first_line}", "Summary JSON is nested too deeply to read")
        )
    return None


def _summary_json(lines: list[str]) -> tuple[int, str] | None:
    """The 1-based line number and text of the JSON held by the ``| Summary |`` row.

    The JSON is inline in the row, or on the following lines up to a line ``|``
    (or, with no such line, on the next non-blank line alone).
    """
    for index, line in enumerate(lines):
        match = _TABLE_ROW.match(line.strip())
        if match is None or match["key"].strip() != "Summary":
            continue
        inline = match["rest"].strip().removesuffix("|").strip()
        if inline.startswith("{"):
            return index + 1, inline
        return _json_after(lines, index + 1)
    return None


def _json_after(lines: list[str], start: int) -> tuple[int, str]:
    body = start
    while body < len(lines) and not lines[body].strip():
        body += 1
    for end in range(body, len(lines)):
        if lines[end].strip() == "|":
            return body + 1, "\n".join(lines[body:end])
    return body + 1, lines[body] if body < len(lines) else ""


# --- walking the tree ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Where:
    """A node's position, rendered as ``children[3].children[1]`` only when reported."""

    parent: _Where | None
    index: int

    def child(self, index: int) -> _Where:
        return _Where(self, index)

    def __str__(self) -> str:
        steps: list[int] = []
        node: _Where | None = self
        while node is not None and node.parent is not None:
            steps.append(node.index)
            node = node.parent
        return ".".join(f"children[{i}]" for i in reversed(steps)) or "root"


_ROOT = _Where(None, 0)


@dataclass(slots=True)
class _Context:
    """A paragraph (or the top level) whose text is gathering into the next span."""

    label: str
    number: int  #: distinguishes paragraphs; 0 is the top level
    parts: list[str] = field(default_factory=list)
    groups: int = 0  #: footnotes seen so far


@dataclass(frozen=True, slots=True)
class _Segment:
    """A span of text and the refs of the footnote that closed it (None: no footnote)."""

    text: str
    location: str
    refs: tuple[int, ...] | None
    context: int


@dataclass(frozen=True, slots=True)
class _Reference:
    """One ``r`` node: its integer number (None if it has none) and what it says."""

    number: int | None
    citation: Citation
    location: str


_Item = tuple[Any, _Where] | None  #: a node to visit, or None: close the innermost paragraph


class _Walker:
    """Walks a Summary tree once, collecting segments, references and problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.segments: list[_Segment] = []
        self.references: list[_Reference] = []
        self._contexts = [_Context("Summary top level", 0)]
        self._paragraphs = 0

    def walk(self, tree: Any) -> None:
        """Visit every node of ``tree`` in document order, without recursion."""
        if isinstance(tree, dict) and tree.get("type") != "root":
            self._report(_ROOT, f"top node has type {_show(tree.get('type'))}, expected 'root'")
        stack: list[_Item] = [(tree, _ROOT)]
        while stack:
            item = stack.pop()
            if item is None:
                self._close_paragraph()
                continue
            node, where = item
            kind = self._check(node, where)
            if kind is not None:
                self._visit(kind, node, where, stack)
        while self._contexts:
            self._close_paragraph()

    def _visit(self, kind: str, node: dict[str, Any], where: _Where, stack: list[_Item]) -> None:
        if kind == "t":
            self._contexts[-1].parts.append(node["text"])
        elif kind == "p":
            self._open_paragraph()
            stack.append(None)
            _push_children(stack, node, where)
        elif kind in _INLINE:
            _push_children(stack, node, where)
        elif kind == "f":
            self._footnote([node])
        elif kind == "fg":
            self._footnote(self._group_entries(node, where))
        elif kind in _FOOTNOTE_ENTRIES:
            self._report(where, f"'{kind}' node outside a footnote group; read as a footnote")
            self._footnote([node])
        elif kind == "rg":
            self._read_reference_list(node, where)
        else:  # "r" outside a reference list: still a reference
            self._read_reference(node, where)

    def _check(self, node: Any, where: _Where) -> str | None:
        """The node's type if it is known and has its required keys; else report and None."""
        if not isinstance(node, dict):
            self._report(where, f"node is a JSON {_json_type(node)}, not an object; skipped")
            return None
        kind = node.get("type")
        schema = _SCHEMA.get(kind) if isinstance(kind, str) else None
        if schema is None:
            self._report(where, f"unknown node type {_show(kind)}; skipped")
            return None
        for key, (types, required) in schema.items():
            if key not in node:
                if required:
                    self._report(where, f"'{kind}' node has no {key!r}; skipped")
                    return None
            elif not isinstance(node[key], types) or isinstance(node[key], bool):
                self._report(where, f"'{kind}' node's {key!r} is a JSON {_json_type(node[key])}")
                return None
        return str(kind)

    def _report(self, where: _Where, message: str) -> None:
        self.problems.append(Problem(self.path, f"Summary node {where}", message))

    # paragraphs and footnotes

    def _open_paragraph(self) -> None:
        self._flush(None)
        self._paragraphs += 1
        self._contexts.append(_Context(f"Summary paragraph {self._paragraphs}", self._paragraphs))

    def _close_paragraph(self) -> None:
        self._flush(None)
        self._contexts.pop()

    def _flush(self, refs: tuple[int, ...] | None) -> None:
        """End the current span: closed by a footnote with ``refs``, or by the paragraph."""
        context = self._contexts[-1]
        if refs is not None:
            context.groups += 1
            location = f"{context.label}, footnote group {context.groups}"
        elif context.groups:
            location = f"{context.label}, after footnote group {context.groups}"
        else:
            location = context.label
        text = " ".join("".join(context.parts).split())
        context.parts.clear()
        if text or refs is not None:
            self.segments.append(_Segment(text, location, refs, context.number))

    def _footnote(self, entries: list[dict[str, Any]]) -> None:
        context = self._contexts[-1]
        location = f"{context.label}, footnote group {context.groups + 1}"
        refs: list[int] = []
        for entry in entries:
            refs.extend(self._entry_refs(entry, location))
        self._flush(tuple(refs))

    def _group_entries(self, node: dict[str, Any], where: _Where) -> list[dict[str, Any]]:
        """The ``fg_f`` and ``fg_fs`` children of a footnote group; others reported."""
        entries: list[dict[str, Any]] = []
        for index, child in enumerate(node["children"]):
            child_where = where.child(index)
            kind = self._check(child, child_where)
            if kind in _FOOTNOTE_ENTRIES:
                entries.append(child)
            elif kind == "t" and not child["text"].strip():
                continue
            elif kind is not None:
                self._report(child_where, f"'{kind}' node inside a footnote group; ignored")
        return entries

    def _entry_refs(self, entry: dict[str, Any], location: str) -> list[int]:
        """The refs one footnote entry points to, ranges expanded; bad ones reported."""
        if entry["type"] != "fg_fs":
            number = self._ref_number(entry["ref"], location)
            return [] if number is None else [number]
        start = self._ref_number(entry["start_ref"], location)
        end = self._ref_number(entry["end_ref"], location)
        if start is None or end is None:
            return []
        if start > end:
            self._problem(location, f"footnote range {start}-{end} is reversed; ignored")
            return []
        if end - start + 1 > MAX_RANGE:
            self._problem(
                location,
                f"footnote range {start}-{end} spans {end - start + 1} refs, "
                f"over {MAX_RANGE}; not expanded",
            )
            return []
        return list(range(start, end + 1))

    def _ref_number(self, value: Any, location: str) -> int | None:
        number = _as_ref_number(value)
        if number is None:
            self._problem(location, f"ref {_show(value)} is not an integer")
        return number

    def _problem(self, location: str, message: str) -> None:
        self.problems.append(Problem(self.path, location, message))

    # references

    def _read_reference_list(self, node: dict[str, Any], where: _Where) -> None:
        for index, child in enumerate(node["children"]):
            child_where = where.child(index)
            kind = self._check(child, child_where)
            if kind == "r":
                self._read_reference(child, child_where)
            elif kind is not None and not (kind == "t" and not child["text"].strip()):
                self._report(child_where, f"'{kind}' node inside the reference list; ignored")

    def _read_reference(self, node: dict[str, Any], where: _Where) -> None:
        location = f"Summary reference {len(self.references) + 1}"
        raw_ref = node.get("ref")
        number = _as_ref_number(raw_ref) if raw_ref is not None else None
        if raw_ref is None:
            self._problem(location, "reference has no ref number")
        elif number is None:
            self._problem(location, f"reference number {_show(raw_ref)} is not an integer")
        parts = self._reference_parts(node, where)
        ref = str(number) if number is not None else None if raw_ref is None else str(raw_ref)
        citation = _citation(ref, parts, self._reference_problem(location))
        self.references.append(_Reference(number, citation, location))

    def _reference_problem(self, location: str) -> _Reporter:
        return lambda message: self._problem(location, message)

    def _reference_parts(self, node: dict[str, Any], where: _Where) -> _Parts:
        parts = _Parts()
        for index, child in enumerate(node["children"]):
            child_where = where.child(index)
            kind = self._check(child, child_where)
            if kind is None:
                continue
            text = child["text"] if kind == "t" else self._flatten(child, child_where)
            parts.add(kind, text, child.get("href"))
        return parts

    def _flatten(self, node: dict[str, Any], where: _Where) -> str:
        """The text of every ``t`` under ``node``, in order; footnotes contribute nothing."""
        texts: list[str] = []
        stack: list[tuple[Any, _Where]] = [(node, where)]
        while stack:
            current, at = stack.pop()
            kind = current["type"] if current is node else self._check(current, at)
            if kind == "t":
                texts.append(current["text"])
            elif kind is not None and "children" in _SCHEMA[kind]:
                stack.extend(
                    (child, at.child(i))
                    for i, child in reversed(list(enumerate(current["children"])))
                )
        return "".join(texts)


def _push_children(stack: list[_Item], node: dict[str, Any], where: _Where) -> None:
    children = node["children"]
    stack.extend((children[i], where.child(i)) for i in range(len(children) - 1, -1, -1))


def _as_ref_number(value: Any) -> int | None:
    """A footnote or reference number as an int: from an int or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _REF_DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _show(value: Any, width: int = 40) -> str:
    """A short quotation of a JSON value for a problem message."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return f"(a JSON {_json_type(value)})"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


# --- one reference -------------------------------------------------------------------------


@dataclass(slots=True)
class _Parts:
    """What an ``r`` node's children say: first author text, title, journal line, links."""

    authors: str | None = None
    title: str | None = None
    journal: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  #: (href, link text)
    texts: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str, href: Any) -> None:
        self.texts.append(text)
        stripped = text.strip()
        if kind == "t" and self.authors is None and stripped:
            self.authors = stripped
        elif kind == "b" and self.title is None:
            self.title = stripped or None
        elif kind == "i" and self.journal is None:
            self.journal = stripped or None
        elif kind == "a":
            self.links.append((href if isinstance(href, str) else "", text))


def _citation(ref: str | None, parts: _Parts, report: _Reporter) -> Citation:
    """A Citation from a reference's parts; invalid identifiers kept as written and reported."""
    raw_pmid, raw_doi = _identifiers(parts.links, "".join(parts.texts))
    invalid: list[str] = []
    pmid = normalize_pmid(raw_pmid) if raw_pmid is not None else None
    if raw_pmid is not None and pmid is None:
        report(f"{_show(raw_pmid)} is not a valid PMID")
        pmid = raw_pmid
        invalid.append("pmid")
    doi = normalize_doi(raw_doi) if raw_doi is not None else None
    if raw_doi is not None and not (doi and is_valid_doi(doi)):
        report(f"{_show(raw_doi)} is not a valid DOI")
        doi = raw_doi
        invalid.append("doi")
    if raw_pmid is None and raw_doi is None:
        report("reference has neither a PMID nor a DOI")
    journal, year = _journal_year(parts.journal)
    return Citation(
        pmid=pmid,
        doi=doi,
        invalid=tuple(invalid),
        ref=ref,
        authors=parts.authors,
        title=parts.title,
        journal=journal,
        year=year,
    )


def _identifiers(links: list[tuple[str, str]], text: str) -> tuple[str | None, str | None]:
    """The raw PMID and DOI of a reference: from link targets, else link texts, else its text."""
    pmid: str | None = None
    doi: str | None = None
    for href, link_text in links:
        kind, raw = _classify_link(href, link_text)
        if kind == "pmid" and pmid is None:
            pmid = raw
        elif kind == "doi" and doi is None:
            doi = raw
    if pmid is None or doi is None:
        for found in find_identifiers(text):
            if found.kind == "pmid" and pmid is None:
                pmid = found.raw
            elif found.kind == "doi" and doi is None:
                doi = found.raw
    return pmid, doi


def _classify_link(href: str, text: str) -> tuple[str | None, str]:
    """("pmid" | "doi" | None, the identifier as written) for one ``a`` node."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts = urlsplit("")
    host = parts.netloc.lower()
    if host.endswith("doi.org"):
        return "doi", parts.path.lstrip("/") or text.strip()
    if host.endswith("ncbi.nlm.nih.gov") and "pubmed" in host + parts.path:
        last = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return "pmid", last if last != "pubmed" else text.strip()
    label = text.strip()
    if label.startswith("10.") or label.lower().startswith("doi"):
        return "doi", label
    if label.isdigit():
        return "pmid", label
    return None, label


def _journal_year(text: str | None) -> tuple[str | None, int | None]:
    """("Cancer Cell", 2008) from "Cancer Cell (2008)"; the whole text and None otherwise."""
    if text is None:
        return None, None
    match = _JOURNAL_YEAR.fullmatch(text)
    if match is None:
        return text, None
    return match["journal"] or None, int(match["year"])


# --- statements and loose citations --------------------------------------------------------


@dataclass(slots=True)
class _Statement:
    text: str
    location: str
    refs: list[int]


def _assemble(
    path: str, walker: _Walker, problems: list[Problem]
) -> tuple[tuple[Claim, ...], tuple[Citation, ...]]:
    """Claims from the walker's segments, and the references no claim cites."""
    index = _reference_index(path, walker.references, problems)
    statements = _statements(path, walker.segments, problems)
    attached: set[int] = set()
    claims: list[Claim] = []
    for number, statement in enumerate(statements, start=1):
        refs = list(dict.fromkeys(statement.refs))
        _report_missing(path, statement.location, [r for r in refs if r not in index], problems)
        found = [index[r] for r in refs if r in index]
        attached.update(id(r) for r in found)
        claims.append(
            Claim(
                id=f"s{number}",
                kind=ClaimKind.STATEMENT,
                location=statement.location,
                citations=tuple(r.citation for r in found),
                text=statement.text,
            )
        )
    loose = tuple(r.citation for r in walker.references if id(r) not in attached)
    return tuple(claims), loose


def _reference_index(
    path: str, references: Iterable[_Reference], problems: list[Problem]
) -> dict[int, _Reference]:
    """The first reference of each number; later duplicates reported (they become loose)."""
    index: dict[int, _Reference] = {}
    for reference in references:
        if reference.number is None:
            continue
        if reference.number in index:
            problems.append(
                Problem(
                    path,
                    reference.location,
                    f"duplicate ref number {reference.number}; footnotes use the first one",
                )
            )
        else:
            index[reference.number] = reference
    return index


def _statements(
    path: str, segments: Iterable[_Segment], problems: list[Problem]
) -> list[_Statement]:
    """One statement per non-blank segment; a blank footnoted one extends the one before it."""
    statements: list[_Statement] = []
    previous: tuple[int, _Statement] | None = None
    for segment in segments:
        if segment.text:
            statement = _Statement(segment.text, segment.location, list(segment.refs or ()))
            statements.append(statement)
            previous = (segment.context, statement)
        elif segment.refs is None:
            previous = None
        elif previous is not None and previous[0] == segment.context:
            previous[1].refs.extend(segment.refs)
        else:
            problems.append(
                Problem(path, segment.location, "footnote with no text before it; not a statement")
            )
    return statements


def _report_missing(path: str, location: str, missing: list[int], problems: list[Problem]) -> None:
    if not missing:
        return
    shown = ", ".join(str(r) for r in missing[:10])
    more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
    noun = "ref" if len(missing) == 1 else "refs"
    problems.append(
        Problem(
            path, location, f"footnote points to {noun} {shown}{more}, not in the reference list"
        )
    )
