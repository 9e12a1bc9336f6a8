"""Walking a Harmonizome Summary tree into text segments, references and problems.

The tree's nodes are ``root``, ``p`` (paragraph), ``t`` (text), ``b``, ``i``, ``a``
(``href``), ``f`` (one footnote, ``ref``), ``fg`` (a footnote group of ``fg_f``
refs and inclusive ``fg_fs`` ranges ``start_ref``..``end_ref``), ``rg`` (the
reference list) and ``r`` (one reference: authors, ``b`` title, ``i`` "Journal
(year)", DOI and PubMed links).

Inside a paragraph, text accumulates until a footnote (``f`` or ``fg``) closes it
into a :class:`Segment` carrying the footnote's refs; text left at the end of a
paragraph is a segment with no refs.  Nodes of unknown type or shape are reported
and skipped; a footnote of the wrong shape still closes the span before it, uncited.
The walk is iterative, so any depth :func:`json.loads` accepts is fine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from enrich.extract._references import (
    Parts,
    Reporter,
    as_ref_number,
    citation_from_parts,
    json_type,
    show,
)
from enrich.model import Citation, Problem

__all__ = ["MAX_RANGE", "Reference", "Segment", "Walker"]

MAX_RANGE = 1000  #: a footnote range spanning more refs than this is reported, not expanded

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
_INLINE = frozenset({"root", "b", "i", "a"})
_FOOTNOTE_ENTRIES = frozenset({"fg_f", "fg_fs"})
_FOOTNOTES = frozenset({"f", "fg", *_FOOTNOTE_ENTRIES})


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
class Segment:
    """A span of text and the refs of the footnote that closed it (None: no footnote)."""

    text: str
    location: str
    refs: tuple[int, ...] | None
    context: int


@dataclass(frozen=True, slots=True)
class Reference:
    """One ``r`` node: its integer number (None if it has none) and what it says."""

    number: int | None
    citation: Citation
    location: str


_Item = tuple[Any, _Where] | None  #: a node to visit, or None: close the innermost paragraph


class Walker:
    """Walks a Summary tree once, collecting segments, references and problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.segments: list[Segment] = []
        self.references: list[Reference] = []
        self._contexts = [_Context("Summary top level", 0)]
        self._paragraphs = 0

    def walk(self, tree: Any) -> None:
        """Visit every node of ``tree`` in document order, without recursion."""
        if isinstance(tree, dict) and tree.get("type") != "root":
            self._report(_ROOT, f"top node has type {show(tree.get('type'))}, expected 'root'")
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
            elif isinstance(node, dict) and _is_footnote(node.get("type")):
                # unreadable, but still where a footnote stands: the text before it ends
                # there, uncited, rather than running on to take the next footnote's refs
                self._footnote([])
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
            self._report(where, f"node is a JSON {json_type(node)}, not an object; skipped")
            return None
        kind = node.get("type")
        schema = _SCHEMA.get(kind) if isinstance(kind, str) else None
        if schema is None:
            self._report(where, f"unknown node type {show(kind)}; skipped")
            return None
        for key, (types, required) in schema.items():
            if key not in node:
                if required:
                    self._report(where, f"'{kind}' node has no {key!r}; skipped")
                    return None
            elif not isinstance(node[key], types) or isinstance(node[key], bool):
                self._report(where, f"'{kind}' node's {key!r} is a JSON {json_type(node[key])}")
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
            self.segments.append(Segment(text, location, refs, context.number))

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
        number = as_ref_number(value)
        if number is None:
            self._problem(location, f"ref {show(value)} is not an integer")
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
        number = as_ref_number(raw_ref) if raw_ref is not None else None
        if raw_ref is None:
            self._problem(location, "reference has no ref number")
        elif number is None:
            self._problem(location, f"reference number {show(raw_ref)} is not an integer")
        parts = self._reference_parts(node, where)
        ref = str(number) if number is not None else None if raw_ref is None else str(raw_ref)
        citation = citation_from_parts(ref, parts, self._reference_problem(location))
        self.references.append(Reference(number, citation, location))

    def _reference_problem(self, location: str) -> Reporter:
        return lambda message: self._problem(location, message)

    def _reference_parts(self, node: dict[str, Any], where: _Where) -> Parts:
        parts = Parts()
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


def _is_footnote(kind: Any) -> bool:
    return isinstance(kind, str) and kind in _FOOTNOTES


def _push_children(stack: list[_Item], node: dict[str, Any], where: _Where) -> None:
    children = node["children"]
    stack.extend((children[i], where.child(i)) for i in range(len(children) - 1, -1, -1))
