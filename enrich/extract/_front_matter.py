"""The YAML front matter of a TFLink page: where it is in the file, and loading it safely.

The front matter opens the file, after nothing but blank lines and HTML comments, between
two ``---`` lines.  It is loaded with the safe loader (libyaml's where available), which
here refuses aliases and duplicate keys and reads unquoted values as the text written.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from enrich.model import Problem

__all__ = [
    "TFLINK_KEY",
    "FrontMatterLoader",
    "FrontMatterRefused",
    "front_matter",
    "front_matter_bounds",
    "load_yaml",
    "misplaced_front_matter",
]

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml: the pure-Python safe loader
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_STR_TAG = "tag:yaml.org,2002:str"
#: the implicit types of YAML 1.1 that turn text as written into another value
_RETYPING = frozenset(f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "timestamp"))


class FrontMatterRefused(yaml.MarkedYAMLError):
    """Front matter that parses but is refused: a duplicate key, or an alias."""


class FrontMatterLoader(_SafeLoader):
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
    """Raise FrontMatterRefused for an alias or a duplicate key anywhere under ``root``.

    Without aliases the node graph is a tree, so a node met twice is an alias's target;
    the walk visits each node once, so its cost is bounded by the text's length.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 2
            raise FrontMatterRefused(
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
    """Raise FrontMatterRefused for the second occurrence of a scalar key in ``pairs``."""
    first: dict[tuple[str, str], yaml.Node] = {}  #: by tag and spelling: '1' is not 1
    for key, _ in pairs:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if (key.tag, key.value) in first:
            earlier = first[key.tag, key.value].start_mark.line + 2
            raise FrontMatterRefused(
                problem=f"duplicate key {key.value!r} (first at line {earlier}): only one "
                "would be read; merge the two",
                problem_mark=key.start_mark,
            )
        first[key.tag, key.value] = key


#: what may come before a front matter's opening ``---``: white space and HTML comments
_PREAMBLE = re.compile(r"(?:\s|<!--.*?-->)*", re.DOTALL)
#: a top-level key only TFLink pages have (a continuation line of a value is indented)
TFLINK_KEY = re.compile(r"^(?:(?:tfs|targets)[ \t]*:|layout:[ \t]*protein\b)", re.MULTILINE)
_TFS_KEY = re.compile(r"^tfs[ \t]*:", re.MULTILINE)
_TARGETS_KEY = re.compile(r"^targets[ \t]*:", re.MULTILINE)


def front_matter_bounds(text: str) -> tuple[int, int] | None:
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


def misplaced_front_matter(text: str) -> int | None:
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
        body = line_end + 1
        if _TFS_KEY.search(text, body, end) and _TARGETS_KEY.search(text, body, end):
            return start
        opening = end - 1  # the closing line may open the next block
    return None


def front_matter(path: str, text: str) -> tuple[str, Problem | None]:
    """The front matter's YAML, preceded by blank lines so that YAML's line numbers are the
    file's, or the Problem that stops the page being read."""
    bounds = front_matter_bounds(text)
    if bounds is None:
        misplaced = misplaced_front_matter(text)
        if misplaced is None:
            return "", Problem(path, "line 1", "no front matter: a TFLink page opens with ---")
        line = text.count("\n", 0, misplaced) + 1
        return "", Problem(
            path,
            f"line {line}",
            "front matter not read: only blank lines and HTML comments may come before "
            "its opening ---",
        )
    body, end = bounds
    before = text.count("\n", 0, body)  #: lines up to and including the opening ---
    if end < 0:
        return "", Problem(path, f"line {before}", "front matter opened with --- is never closed")
    # load_yaml numbers lines as if the YAML started on the file's second line
    return "\n" * (before - 1) + text[body:end], None


def load_yaml(path: str, front_matter: str) -> tuple[dict[str, Any], Problem | None]:
    """The mapping the front matter holds, or the Problem naming the file's line that stops
    it: malformed YAML, an alias, a duplicate key, a tagged value that cannot be built, or a
    document that is not a mapping."""
    try:
        data = yaml.load(front_matter, Loader=FrontMatterLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark is not None else "front matter"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if not isinstance(exc, FrontMatterRefused):
            reason = f"malformed YAML front matter: {reason}"
        return {}, Problem(path, where, reason)
    except (ValueError, LookupError, AttributeError, TypeError) as exc:
        # an explicit tag whose constructor cannot read its text: !!int 0xZZ, !!bool maybe,
        # !!timestamp 99999-01-01, an !!int past Python's digit limit
        reason = f"a tagged value cannot be read ({type(exc).__name__}: {exc})"
        return {}, Problem(path, "front matter", f"malformed YAML front matter: {reason}")
    if not isinstance(data, dict):
        return {}, Problem(path, "front matter", "front matter is not a key: value mapping")
    return data, None
