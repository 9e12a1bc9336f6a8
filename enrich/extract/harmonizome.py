"""Style B: Harmonizome gene pages, a Markdown key/value table whose ``Summary`` row
holds a JSON tree of footnoted paragraphs and a numbered reference list.

The subject comes from the table and the "<SYMBOL> has N functional associations"
line; the tree is walked by :mod:`enrich.extract._summary_tree` (its node types are
described there) and each reference read by :mod:`enrich.extract._references`.

Segmentation: inside a paragraph, text accumulates until a footnote (``f`` or
``fg``); that span becomes one statement cited by the footnote's references.
Text left at the end of a paragraph is an uncited statement.  A span without a
word (white space or punctuation only) is no statement: a footnote that follows
another with only white space between them adds its references to the same
statement, and the full stop after a footnote placed before it ends the statement
before it, as does closing punctuation opening a span.  References no footnote
reaches are the Document's loose citations, so no reference is ever dropped.

Reading never raises for bad content: everything it cannot understand becomes
a :class:`~enrich.model.Problem`.  The tree is walked iteratively, so depth is
bounded only by what :func:`json.loads` accepts (deeper trees are reported).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from enrich.extract._references import show
from enrich.extract._summary_tree import MAX_RANGE, Reference, Segment, Walker
from enrich.extract.limits import MAX_DOCUMENT_ITEMS, too_many
from enrich.model import Citation, Claim, ClaimKind, Document, Problem, Style, Subject

__all__ = ["MAX_RANGE", "looks_like_harmonizome", "read_harmonizome", "unread_summary_tree"]

#: a table row whose first cell may be the Summary key (checked by :func:`_cell`)
_SUMMARY_ROW = re.compile(r"^[^\S\n]*\|(?P<key>[^|\n]*(?i:summary)[^|\n]*)\|", re.MULTILINE)
_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
_BAR_LINE = re.compile(r"^[^\S\n]*\|[^\S\n]*$", re.MULTILINE)
#: a ``"type": "root"`` pair: inside JSON text its quotes can only be a key and its value
_ROOT_TYPE = re.compile(r'"type"\s*:\s*"root"')
_TABLE_ROW = re.compile(r"^\|(?P<key>[^|]*)\|(?P<rest>.*)$")
_EMPHASIS = "*_`"
_SYMBOL_SENTENCE = re.compile(
    r"^[ \t]*(?P<symbol>[A-Za-z][A-Za-z0-9.\-]*) has [0-9][0-9,]* functional associations", re.M
)
#: words that can open the associations sentence but are no gene symbol, whatever their case
#: (an all-capitals word is always taken as a symbol: SET, CAT and WAS are human genes)
_NOT_SYMBOLS = frozenset(
    {
        *("a", "all", "an", "another", "any", "each", "every", "he", "here", "it", "its"),
        *("none", "one", "she", "that", "the", "there", "these", "they", "this", "those"),
        *("what", "which", "who", "gene", "protein"),
    }
)
_FILE_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")


def looks_like_harmonizome(text: str) -> bool:
    """True for a page whose ``Summary`` table row holds a JSON tree of type ``root``.

    The JSON may be inline in the row or on the lines after it (as the reader takes it),
    its keys in any order; the row's key may carry light Markdown emphasis (``**Summary**``)
    and any white space (a non-breaking space too).  The tree is not parsed here: a JSON
    object holding a ``"type": "root"`` pair is taken as one (the reader reports a tree
    whose top node is of another type).
    """
    found = _summary_json(text)
    if found is None:
        return False
    json_text = found[1].lstrip()
    return json_text.startswith("{") and _ROOT_TYPE.search(json_text) is not None


def read_harmonizome(path: str, text: str) -> Document:
    """The subject, footnoted statements and references of a Harmonizome gene page.

    Pure: ``text`` in (lines ending ``\n``, as :func:`~enrich.extract.parse_document` gives
    it), Document out.  Claims are statements ``s1``, ``s2``... in document order;
    references no footnote reaches are ``Document.citations``.
    """
    fields = _table_fields(text.split("\n"))
    problems: list[Problem] = []
    subject = _subject(path, text, fields, problems)
    tree = _load_summary(path, text, problems)
    claims: tuple[Claim, ...] = ()
    loose: tuple[Citation, ...] = ()
    if tree is not None:
        walker = Walker(path)
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
        key = _cell(match["key"])
        rest = match["rest"].strip()
        value = rest[:-1] if rest.endswith("|") else rest
        fields.setdefault(key, (index, value.strip()))
    return fields


def _cell(text: str) -> str:
    """A table key as written for a reader: white space of any kind closed up, and light
    Markdown emphasis around it (``**Summary**``, ``_Name_``, backticks) removed."""
    return " ".join(text.split()).strip(_EMPHASIS).strip()


def _subject(
    path: str, text: str, fields: dict[str, tuple[int, str]], problems: list[Problem]
) -> Subject:
    def value(key: str) -> str | None:
        return fields[key][1] or None if key in fields else None

    gene_id = value("NCBI Gene ID")
    if gene_id is not None and not gene_id.isdigit():
        line = fields["NCBI Gene ID"][0] + 1
        problems.append(
            Problem(path, f"line {line}", f"NCBI Gene ID {show(gene_id)} is not a number")
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
    """The page's gene symbol: from a line "<SYMBOL> has N functional associations".

    The sentence must open its line, and its first word must look like a gene symbol:
    a letter, then letters, digits, ``-`` or ``.``; not in lower case only; and, unless
    in capitals, not a common English word ("It has 3 functional associations" names
    no gene, "Twist2 has ..." does).  The first such line wins; with none, the symbol
    is the file name's last ``_`` part if it is letters, digits, ``.`` and ``-``.
    """
    for match in _SYMBOL_SENTENCE.finditer(text):
        if _looks_like_symbol(match["symbol"]):
            return match["symbol"]
    last = PurePath(path).stem.split("_")[-1]
    return last if _FILE_SYMBOL.fullmatch(last) else None


def _looks_like_symbol(word: str) -> bool:
    if word.isupper():
        return True
    return word != word.lower() and word.casefold() not in _NOT_SYMBOLS


def _split_commas(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(",") if p.strip())


def _load_summary(path: str, text: str, problems: list[Problem]) -> Any:
    """The parsed Summary JSON tree, or None with the reason added to ``problems``."""
    found = _summary_json(text)
    if found is None:
        problems.append(Problem(path, "", "no Summary row: the page has no statements to read"))
        return None
    first_line, json_text = found
    if not json_text.strip():
        problems.append(Problem(path, f"line {first_line}", "Summary row holds no JSON tree"))
        return None
    nodes = json_text.count("{")  # at least every node; counted before any is built
    if nodes > MAX_DOCUMENT_ITEMS:
        problems.append(too_many(path, "Summary tree nodes", nodes))
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


def unread_summary_tree(path: str, text: str) -> Problem | None:
    """The Problem of a text holding a Summary tree (a ``"type": "root"`` pair) that is no
    Harmonizome page as :func:`looks_like_harmonizome` sees one (no ``| Summary |`` row
    the tree belongs to, as in a table whose rows lost their leading ``|``): read as plain
    text, its statements are not read, and that is said, never left silent.  None for
    any other text."""
    found = _ROOT_TYPE.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    return Problem(
        path,
        f"line {line}",
        'a Summary tree ("type": "root") outside a "| Summary |" table row: read as plain '
        "text, so its statements are not read (only the identifiers in it)",
    )


def _summary_json(text: str) -> tuple[int, str] | None:
    """The 1-based line number and text of the JSON held by the first ``Summary`` row.

    The JSON is inline in the row, or on the following lines up to a line ``|``
    (or, with no such line, on the next non-blank line alone).
    """
    for match in _SUMMARY_ROW.finditer(text):
        if _cell(match["key"]).casefold() != "summary":  # | SUMMARY | too
            continue
        line = text.count("\n", 0, match.start()) + 1
        row_end = text.find("\n", match.end())
        row_end = len(text) if row_end < 0 else row_end
        inline = text[match.end() : row_end].strip().removesuffix("|").strip()
        if inline.startswith("{"):
            return line, inline
        return _json_after(text, min(row_end + 1, len(text)), line + 1)
    return None


def _json_after(text: str, start: int, line: int) -> tuple[int, str]:
    """The JSON on the lines from offset ``start`` (line ``line``), blank lines skipped."""
    blank = _BLANK_LINES.match(text, start)  # always matches, if only the empty string
    body = blank.end() if blank is not None else start
    line += text.count("\n", start, body)
    bar = _BAR_LINE.search(text, body)
    if bar is not None:
        return line, text[body : bar.start()].removesuffix("\n")
    end = text.find("\n", body)
    return line, text[body : len(text) if end < 0 else end]


# --- statements and loose citations --------------------------------------------------------


@dataclass(slots=True)
class _Statement:
    text: str
    location: str
    refs: list[int]


def _assemble(
    path: str, walker: Walker, problems: list[Problem]
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
    path: str, references: Iterable[Reference], problems: list[Problem]
) -> dict[int, Reference]:
    """The first reference of each number; later duplicates reported (they become loose)."""
    index: dict[int, Reference] = {}
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
    path: str, segments: Iterable[Segment], problems: list[Problem]
) -> list[_Statement]:
    """One statement per segment holding a word, in order.

    A segment without a word (white space or punctuation only: the full stop after a
    footnote placed before it) is no statement: its text and footnote refs go to the
    statement before it in the same paragraph.  Closing punctuation opening a segment
    (". In parallel, ...") goes there too.  Refs with no statement to go to are reported.
    """
    statements: list[_Statement] = []
    previous: tuple[int, _Statement] | None = None
    for segment in segments:
        before = previous[1] if previous is not None and previous[0] == segment.context else None
        text = segment.text
        if before is not None:
            closing = _closing_length(text)
            before.text += text[:closing].rstrip()
            text = text[closing:]
        if _has_word(text):
            statement = _Statement(text, segment.location, list(segment.refs or ()))
            statements.append(statement)
            previous = (segment.context, statement)
        elif segment.refs is None:
            continue
        elif before is not None:
            before.refs.extend(segment.refs)
        else:
            problems.append(
                Problem(path, segment.location, "footnote with no text before it; not a statement")
            )
    return statements


#: punctuation that closes what comes before it, in Unicode categories: closing brackets
#: and final quotes; and the sentence marks (straight quotes are left: they open as often)
_CLOSING_CATEGORIES = frozenset({"Pe", "Pf"})
_CLOSING_MARKS = frozenset(".,;:!?…")


def _closing_length(text: str) -> int:
    """How many characters open ``text`` that belong to the text before it: all of a text
    without a word, else the closing punctuation (and white space) before its first word."""
    if not _has_word(text):
        return len(text)
    for index, char in enumerate(text):
        closing = char in _CLOSING_MARKS or unicodedata.category(char) in _CLOSING_CATEGORIES
        if not (closing or char.isspace()):
            return index
    return len(text)


def _has_word(text: str) -> bool:
    return any(char.isalnum() for char in text)


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
