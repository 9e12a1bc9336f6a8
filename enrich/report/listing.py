"""What ``enrich audit`` prints: the claims a person or a pipeline asked for, streamed.

Which claims are listed (:class:`ListingOptions`): with ``--grade`` and ``--flag``, those
with one of the grades and one of the flags (on the claim or on one of its citations);
without either, the table lists grades C and D and ``--all`` or a machine format (``tsv``,
``json``) every claim.  With ``--fail-on``, every claim meeting a condition is listed too,
and the table lists them first, saying which conditions each meets.

:meth:`AuditListing.part` (pure, run in the workers) turns an audited document into a
small :class:`ListingPart`; :meth:`AuditListing.add` (in the main process) keeps each
part in a temporary file as it arrives, in any order, so that memory does not grow with
the corpus; :meth:`AuditListing.write` prints them in document order (a table's columns
as wide as their widest cell; claims meeting ``--fail-on`` first).  Table cells are never
cut inside a word: flags are listed whole, statements cut at a space.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from enrich.audit import summarize
from enrich.audit.gate import (
    RAISED_BY_NAMES,
    citation_conditions_in_doubt,
    claim_conditions,
    conditions_in_doubt,
    gene_names_missing,
)
from enrich.escape import printable, terminal_json
from enrich.figures import many
from enrich.model import AuditedDocument, ClaimVerdict, Grade
from enrich.report.files import Spool
from enrich.report.tables import AUDIT_COLUMNS, claim_rows, tsv_line
from enrich.report.view import clip_words

__all__ = [
    "FORMATS",
    "AuditListing",
    "Gate",
    "GateOutcome",
    "ListingOptions",
    "ListingPart",
    "describe_gate",
]

FORMATS = ("table", "tsv", "json")
HEADINGS = ("document", "claim id", "grade", "edge or statement", "flags", "why this grade")
_FAIL_ON = "fail-on met"  #: the table's column of conditions met, with --fail-on
_DOCUMENT, _STATEMENT = 40, 48  #: widths beyond which a file name or a statement is cut


@dataclass(frozen=True, slots=True)
class ListingOptions:
    """What ``enrich audit`` was asked to list, and how."""

    fmt: str = "table"
    grades: frozenset[str] = frozenset()  #: list claims with one of these grades
    flags: frozenset[str] = frozenset()  #: ... and one of these flags
    fail_on: frozenset[str] = frozenset()  #: the gate's conditions: grades and flag names
    show_all: bool = False

    @property
    def wanted_grades(self) -> frozenset[str]:
        """The grades listed (empty: any), C and D by default in the table."""
        if self.grades or self.flags or self.show_all or self.fmt != "table":
            return self.grades
        return frozenset({Grade.C.value, Grade.D.value})

    def scope(self) -> str:
        """What the listed claims are, in words: "claims graded C or D"."""
        words = "claims"
        grades = sorted(self.wanted_grades)
        if grades:
            words += f" graded {' or '.join(grades)}"
        if self.flags:
            words += f"{' and' if grades else ''} flagged {' or '.join(sorted(self.flags))}"
        if self.fail_on and (grades or self.flags):
            words += ", and those meeting --fail-on"
        if not (self.grades or self.flags or self.show_all):
            words += " (--all lists every claim)"
        return words


@dataclass(frozen=True, slots=True)
class ListingPart:
    """What a worker hands over of one document: its listed claims, rendered, and counts."""

    first: str = ""  #: the listed claims meeting a --fail-on condition (table rows, TSV lines)
    rest: str = ""  #: the other listed claims (for json: the whole document)
    listed: int = 0
    tripped: int = 0  #: listed claims meeting a --fail-on condition
    met: dict[str, int] = field(default_factory=dict)  #: condition -> claims meeting it
    #: condition -> claims (and loose citations) meeting it in doubt
    doubt: dict[str, int] = field(default_factory=dict)
    loose: dict[str, int] = field(default_factory=dict)  #: condition -> loose citations
    widths: tuple[int, ...] = ()  #: the table's widest cell per column
    grades: dict[str, int] = field(default_factory=dict)  #: the document's claims per grade
    flags: dict[str, int] = field(default_factory=dict)  #: its claims and citations per flag
    problems: int = 0  #: the document's problems, as read here


def _cell(text: str) -> str:
    """Text on one table cell: no tab, no line break, runs of white space made one space,
    and no character a terminal would act on (escape sequences, bidi controls: escaped)."""
    return printable(" ".join(text.split()))


class AuditListing:
    """The listing of one ``enrich audit``; see the module docstring."""

    def __init__(self, options: ListingOptions, folder: Path) -> None:
        self.options = options
        self._spool = Spool(folder)
        self._numbers: set[int] = set()
        self.listed = 0
        self.tripped = 0
        self.met: Counter[str] = Counter()  #: --fail-on condition -> claims meeting it
        #: --fail-on condition -> claims (and loose citations) meeting it only in doubt (see
        #: conditions_in_doubt)
        self.doubt: Counter[str] = Counter()
        self.loose: Counter[str] = Counter()  #: --fail-on condition -> loose citations
        self._widths = [0] * (self._columns() - 1)  #: the last column is never padded

    def _columns(self) -> int:
        return len(HEADINGS) + (1 if self.options.fail_on else 0)

    # --- in the workers ---------------------------------------------------------------------

    def part(self, doc: AuditedDocument, name: str = "") -> ListingPart:
        """The listed claims of ``doc``, rendered in the listing's format, and its counts
        (``name`` is not used: the signature of a streaming run's ``finish``)."""
        conditions = self.options.fail_on
        first: list[ClaimVerdict] = []
        rest: list[ClaimVerdict] = []
        met: Counter[str] = Counter()
        doubt: Counter[str] = Counter()
        names_unknown = gene_names_missing(doc)
        for verdict in doc.claims:
            meets = claim_conditions(verdict)
            tripped = meets & conditions
            doubtful = tripped & conditions_in_doubt(verdict, names_unknown)
            doubt.update(doubtful)
            met.update(tripped - doubtful)
            if tripped:
                first.append(verdict)
            elif self._selected(verdict, meets):
                rest.append(verdict)
        loose: Counter[str] = Counter()
        for cited in doc.citations:
            meets = {str(f.name) for f in cited.flags} & conditions
            doubtful = meets & citation_conditions_in_doubt(cited, names_unknown)
            doubt.update(doubtful)  # named with the claims in doubt: neither trips the gate
            loose.update(meets - doubtful)
        texts, widths = self._render(doc, first, rest)
        grades, flags = summarize([doc])
        return ListingPart(
            texts[0],
            texts[1],
            listed=len(first) + len(rest),
            tripped=len(first),
            met=dict(met),
            doubt=dict(doubt),
            loose=dict(loose),
            widths=widths,
            grades=grades,
            flags=flags,
            problems=len(doc.document.problems),
        )

    def _render(
        self, doc: AuditedDocument, first: list[ClaimVerdict], rest: list[ClaimVerdict]
    ) -> tuple[tuple[str, str], tuple[int, ...]]:
        """The texts of the listed claims, in the listing's format: for a table those meeting
        --fail-on, then the others, and the widest cell of each column; for machines (json,
        tsv) all of them in the document's order, as the second."""
        if self.options.fmt in ("json", "tsv"):
            listed = {id(v) for v in first + rest}
            shown = dataclasses.replace(doc, claims=tuple(v for v in doc.claims if id(v) in listed))
            if self.options.fmt == "tsv":
                return ("", "".join(tsv_line(row) for row in claim_rows(shown))), ()
            text = terminal_json(shown.to_dict(), indent=2)
            return ("", text.replace("\n", "\n    ")), ()  # as inside the "documents" list
        conditions = self.options.fail_on
        rows = [[self._cells(doc, v, conditions) for v in group] for group in (first, rest)]
        widths = tuple(
            max((len(r[i]) for group in rows for r in group), default=0)
            for i in range(len(self._widths))
        )
        first_text, rest_text = ("\n".join("\t".join(r) for r in group) for group in rows)
        return (first_text, rest_text), widths

    def _selected(self, verdict: ClaimVerdict, meets: set[str]) -> bool:
        grades, flags = self.options.wanted_grades, self.options.flags
        if grades and str(verdict.grade) not in grades:
            return False
        return not flags or bool(flags & meets)

    def _cells(
        self, doc: AuditedDocument, verdict: ClaimVerdict, conditions: frozenset[str]
    ) -> list[str]:
        claim = verdict.claim
        if claim.regulator or claim.target:
            what = f"{claim.regulator or '?'} -> {claim.target or '?'}"
        else:
            what = clip_words(_cell(claim.text or ""), _STATEMENT)
        names = [str(f.name) for f in verdict.flags]
        names += [str(f.name) for c in verdict.citations for f in c.flags]
        flags = ", ".join(dict.fromkeys(names)) or "-"
        cells = [
            clip_words(_cell(Path(doc.document.path).name), _DOCUMENT),
            _cell(claim.id),
            str(verdict.grade),
            _cell(what),
            flags,
        ]
        if conditions:
            meets = claim_conditions(verdict) & conditions
            cells.append(", ".join(sorted(meets, key=_condition_order)) or "-")
        why = _cell(verdict.grade_reason).removeprefix(f"{verdict.grade!s}: ")
        return [*cells, why or "-"]

    # --- in the main process ----------------------------------------------------------------

    def add(self, part: ListingPart, number: int) -> None:
        """Keep document ``number``'s part (they may come in any order)."""
        if part.first:
            self._spool.put(2 * number, part.first)
        if part.rest:
            self._spool.put(2 * number + 1, part.rest)
        self._numbers.add(number)
        self.listed += part.listed
        self.tripped += part.tripped
        self.met.update(part.met)
        self.doubt.update(part.doubt)
        self.loose.update(part.loose)
        if part.widths:
            self._widths = [max(a, b) for a, b in zip(self._widths, part.widths, strict=True)]

    def _texts(self, which: int) -> Iterator[str]:
        """The kept texts of every document, in document order: ``which`` 0 the claims
        meeting --fail-on, 1 the others."""
        for number in sorted(self._numbers):
            key = 2 * number + which
            if key in self._spool:
                yield self._spool.take(key)

    def write(self, out: TextIO, head: dict[str, Any] | None = None) -> None:
        """Print the listing on ``out``: the table, the TSV lines, or (json) ``head`` (the
        summary and provenance) and the documents.  Then the kept parts are gone."""
        try:
            if self.options.fmt == "json":
                self._write_json(out, head or {})
            elif self.options.fmt == "tsv":
                out.write(tsv_line(AUDIT_COLUMNS))
                out.writelines(self._texts(1))
            else:
                self._write_table(out)
        finally:
            self.close()

    def close(self) -> None:
        """Drop the kept parts (without printing them). Idempotent."""
        self._spool.close()

    def _write_table(self, out: TextIO) -> None:
        headings = [*HEADINGS[:-1], *([_FAIL_ON] if self.options.fail_on else []), HEADINGS[-1]]
        widths = [max(w, len(h)) for w, h in zip(self._widths, headings, strict=False)]

        def line(cells: list[str]) -> str:
            padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
            return "  ".join([*padded, cells[-1]]) + "\n"

        if not self.listed:
            out.write("no claims listed\n")
            return
        out.write(line(headings))
        for which in (0, 1):
            for text in self._texts(which):
                out.writelines(line(row.split("\t")) for row in text.split("\n"))

    def _write_json(self, out: TextIO, head: dict[str, Any]) -> None:
        out.write("{\n")
        for key, value in head.items():
            text = terminal_json(value, indent=2)
            text = text.replace("\n", "\n  ")
            out.write(f'  "{key}": {text},\n')
        out.write('  "documents": [')
        for index, text in enumerate(self._texts(1)):
            out.write(("," if index else "") + "\n    " + text)
        out.write("\n  ]\n}\n")


def _condition_order(condition: str) -> tuple[int, str]:
    """Grades before flags, each alphabetically."""
    return (0 if condition in Grade.__members__ else 1, condition)


class GateOutcome(StrEnum):
    """What ``--fail-on`` decided: exit 1, exit 3, or as the run would without it."""

    TRIPPED = "tripped"
    NOT_DECIDED = "not decided"
    PASSED = "passed"


class Gate(NamedTuple):
    """The ``--fail-on`` verdict: its one line and its outcome."""

    line: str
    outcome: GateOutcome


def describe_gate(
    conditions: frozenset[str],
    met: Counter[str],
    loose: Counter[str],
    listed_first: bool,
    unresolved: int = 0,
    *,
    offline: bool = False,
    doubt: Counter[str] | None = None,
    genes_without_names: int = 0,
) -> Gate:
    """The ``--fail-on`` verdict in one line: which conditions tripped, by how many claims
    (and loose citations) each, and which did not.

    A condition met only by claims in ``doubt`` (what they meet may change once every
    cited identifier, and NCBI Gene's names of every Gene ID, is looked up:
    :func:`~enrich.audit.gate.conditions_in_doubt`) trips nothing: it is named as not
    decided.  Nor is a gate nothing meets passed while ``unresolved`` cited identifiers
    could not be checked, or while ``genes_without_names`` Gene IDs had no names and a
    condition is one those names could make a claim meet
    (:data:`~enrich.audit.gate.RAISED_BY_NAMES`); ``offline`` says how to run again."""
    doubt = doubt or Counter()
    names = sorted(conditions, key=_condition_order)
    tripped = [name for name in names if met.get(name) or loose.get(name)]
    doubtful = [name for name in names if name not in tripped and doubt.get(name)]
    in_doubt = ", ".join(f"{name} ({many(doubt[name], 'claim')})" for name in doubtful)
    unknown = []
    if unresolved:
        unknown.append(f"{many(unresolved, 'cited identifier')} could not be checked (unresolved)")
    if genes_without_names and (doubtful or conditions & RAISED_BY_NAMES):
        unknown.append(f"{many(genes_without_names, 'Gene ID')} had no NCBI Gene names")
    unchecked = " and ".join(unknown)
    again = "online" if offline else "when E-utilities is reachable"
    if not tripped and doubtful:
        line = (
            f"fail-on: not decided: {in_doubt} met only in doubt: {unchecked} and may "
            f"change what they meet; run again {again}"
        )
        return Gate(line, GateOutcome.NOT_DECIDED)
    if not tripped and unknown:
        line = (
            f"fail-on: not decided: no claim meets {' or '.join(names)}, but {unchecked}; "
            f"run again {again}"
        )
        return Gate(line, GateOutcome.NOT_DECIDED)
    if not tripped:
        return Gate(f"fail-on: passed: no claim meets {' or '.join(names)}", GateOutcome.PASSED)
    parts = []
    for name in tripped:
        counts = [many(met[name], "claim")] if met.get(name) else []
        counts += [many(loose[name], "loose citation")] if loose.get(name) else []
        parts.append(f"{name} ({', '.join(counts)})")
    line = f"fail-on: tripped by {', '.join(parts)}"
    if listed_first and any(met.values()):
        line += "; those claims are listed first"
    passed = [name for name in names if name not in tripped and name not in doubtful]
    line += f"; not decided: {in_doubt} met only in doubt" if doubtful else ""
    line += f"; not met: {', '.join(passed)}" if passed else ""
    return Gate(line, GateOutcome.TRIPPED)
