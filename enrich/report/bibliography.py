"""Bibliographies of resolved papers: BibTeX, CSL-JSON and RIS. Pure: records in, text out.

Each renderer takes :class:`~enrich.model.PaperRecord` values, keeps one per
PMID and orders them by PMID (numerically).  A run that meets its records one
document at a time renders each once, as a :class:`BibliographyEntry`, and
joins them at the end with :func:`join_bibliographies`: the same three texts.
Titles are the plain-text title (PubMed's inline markup stripped).  PubMed
authors are ``"Ansieau S"`` (family name, then initials, then any suffix: ``"Jacobs WR
Jr"``) or a collective name, which is kept whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from enrich.model import PaperRecord

__all__ = [
    "BibliographyEntry",
    "bibliography_entry",
    "csl_items",
    "join_bibliographies",
    "latex_escape",
    "page_range",
    "render_bibtex",
    "render_csl_json",
    "render_ris",
    "split_author",
    "unique_records",
]

_SUFFIXES = frozenset({"Jr", "Sr", "2nd", "3rd", "4th", "5th", "II", "III", "IV"})  #: PubMed's
_NUMBERED_PAGE = re.compile(r"([A-Za-z]*)(\d+)")  #: "1723", "S12", "e123"
_MORE_PAGES = re.compile(r"[;,]")  #: "112-9; discussion 120-1", "1-5, 7"
_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\textbraceleft{}",  # not \{: BibTeX counts the brace anyway, so an unbalanced
    "}": r"\textbraceright{}",  # one would end the field and let the text forge entries
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(ch) for ch in _LATEX))


def unique_records(records: Iterable[PaperRecord]) -> list[PaperRecord]:
    """One record per PMID (the first seen), sorted by PMID as a number."""
    by_pmid: dict[str, PaperRecord] = {}
    for record in records:
        by_pmid.setdefault(record.pmid, record)
    return [by_pmid[p] for p in sorted(by_pmid, key=_numeric)]


def _numeric(pmid: str) -> tuple[int, str]:
    """Sorts PMIDs (digits, no leading zero) as numbers."""
    return len(pmid), pmid


def split_author(name: str) -> tuple[str, str, str] | None:
    """``"Ansieau S"`` -> ``("Ansieau", "S", "")``, ``"Jacobs WR Jr"`` -> ``("Jacobs", "WR",
    "Jr")``; None for a collective name (no initials).

    Initials are one to four capital letters, accented ones included: PubMed gives
    "Bruserud Ø" and "Pascual Á".
    """
    family, _, initials = name.strip().rpartition(" ")
    suffix = ""
    before, _, last = family.rpartition(" ")
    if initials in _SUFFIXES and before and _is_initials(last):  # not "LI II": Li, II
        family, initials, suffix = before, last, initials
    if family and _is_initials(initials):
        return family, initials, suffix
    return None


def _is_initials(word: str) -> bool:
    return len(word) <= 4 and word.isalpha() and word.isupper()


def page_range(pages: str) -> tuple[str, str]:
    """``"1723-9"`` -> ``("1723", "1729")``: PubMed's shortened end page written out, its
    prefix too (``"S1-5"`` -> ``("S1", "S5")``); of ``"112-9; discussion 120-1"`` the first
    range."""
    start, _, end = (part.strip() for part in _first_range(pages).partition("-"))
    numbered = _NUMBERED_PAGE.fullmatch(start)
    if numbered and end.isdigit():
        prefix, number = numbered.groups()
        if len(end) < len(number):
            end = number[: len(number) - len(end)] + end
        end = prefix + end
    return start, end


def _first_range(pages: str) -> str:
    return _MORE_PAGES.split(pages, maxsplit=1)[0]


def _pages(pages: str) -> str:
    """BibTeX's pages: the first range written out, what follows it as given."""
    start, end = page_range(pages)
    rest = pages[len(_first_range(pages)) :]
    return (f"{start}--{end}" if end else start) + rest


def _dotted(initials: str) -> str:
    return " ".join(f"{letter}." for letter in initials)


def latex_escape(text: str) -> str:
    """``text`` with the LaTeX special characters ``& % $ # _ { } ~ ^ \\`` escaped, so that
    every brace in the result is one of a balanced pair (BibTeX counts braces even after a
    backslash)."""
    return _LATEX_RE.sub(lambda m: _LATEX[m.group(0)], " ".join(text.split()))


def _bibtex_author(name: str) -> str:
    split = split_author(name)
    if split is None:
        return "{" + latex_escape(name) + "}"
    family, initials, suffix = split
    suffix = f"{latex_escape(suffix)}, " if suffix else ""
    return f"{latex_escape(family)}, {suffix}{_dotted(initials)}"


def _bibtex_entry(record: PaperRecord) -> str:
    if record.is_book:
        kind = "incollection" if record.journal and record.journal != record.title else "book"
        container = "booktitle" if kind == "incollection" else ""
    else:
        kind, container = "article", "journal"
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(_bibtex_author(a) for a in record.authors)),
        ("title", "{" + latex_escape(record.title) + "}"),
    ]
    if container:
        fields.append((container, latex_escape(record.journal)))
    fields += [
        ("year", str(record.year or "")),
        ("volume", latex_escape(record.volume)),
        ("number", latex_escape(record.issue)),
        ("pages", latex_escape(_pages(record.pages))),
        ("doi", latex_escape(record.doi or "")),
        ("pmid", record.pmid),
        ("note", "Retracted" if record.is_retracted else ""),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{pmid{record.pmid},\n{body}\n}}\n"


def render_bibtex(records: Iterable[PaperRecord]) -> str:
    """A BibTeX file: one entry keyed ``pmid<N>`` per record (``@article``, ``@book``...)."""
    return "\n".join(_bibtex_entry(r) for r in unique_records(records))


def _date_parts(record: PaperRecord) -> list[int] | None:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", record.date)  # not "2000-2001"
    if match:
        return [int(part) for part in match.groups() if part]
    return [record.year] if record.year else None


def _csl_author(name: str) -> dict[str, str]:
    split = split_author(name)
    if split is None:
        return {"literal": name}
    family, initials, suffix = split
    name_parts = {"family": family, "given": _dotted(initials)}
    return name_parts | {"suffix": suffix} if suffix else name_parts


def _csl_item(record: PaperRecord) -> dict[str, Any]:
    kind = "article-journal"
    if record.is_book:
        kind = "chapter" if record.journal and record.journal != record.title else "book"
    item: dict[str, Any] = {
        "id": f"pmid:{record.pmid}",
        "type": kind,
        "title": record.title,
        "container-title": record.journal,
        "container-title-short": record.journal_iso,
        "author": [_csl_author(a) for a in record.authors],
        "volume": record.volume,
        "issue": record.issue,
        "page": record.pages,
        "DOI": record.doi,
        "PMID": record.pmid,
        "PMCID": record.pmcid,
    }
    parts = _date_parts(record)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if record.is_retracted:
        item["note"] = "Retracted"
    return {key: value for key, value in item.items() if value not in ("", None, [])}


def csl_items(records: Iterable[PaperRecord]) -> list[dict[str, Any]]:
    """CSL-JSON items, one ``{"id": "pmid:N", "type": "article-journal", ...}`` per PMID."""
    return [_csl_item(r) for r in unique_records(records)]


def render_csl_json(records: Iterable[PaperRecord]) -> str:
    """A CSL-JSON file: the array of :func:`csl_items`, one item per line.

    One item a line keeps json's fast C encoder (indented output falls back to a
    slow pure-Python one: seconds for a 50,000-paper run) and stays readable.
    """
    return _csl_array([_csl_line(record) for record in unique_records(records)])


def _csl_line(record: PaperRecord) -> str:
    return json.dumps(_csl_item(record), ensure_ascii=False)


def _csl_array(lines: list[str]) -> str:
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}\n"


def _ris_entry(record: PaperRecord) -> str:
    kind = "JOUR"
    if record.is_book:
        kind = "CHAP" if record.journal and record.journal != record.title else "BOOK"
    lines = [_ris_line("TY", kind)]
    lines += [_ris_line("AU", _ris_author(a)) for a in record.authors]
    start, end = page_range(record.pages)
    for tag, value in (
        ("TI", record.title),
        ("JF" if kind == "JOUR" else "T2", record.journal),
        ("JO", record.journal_iso),
        ("PY", str(record.year or "")),
        ("VL", record.volume),
        ("IS", record.issue),
        ("SP", start),
        ("EP", end),
        ("DO", record.doi or ""),
        ("AN", record.pmid),
        ("N1", "Retracted" if record.is_retracted else ""),
    ):
        if value.strip():
            lines.append(_ris_line(tag, value))
    lines.append("ER  - \n")
    return "".join(lines)


def _ris_author(name: str) -> str:
    split = split_author(name)
    if split is None:
        return name
    family, initials, suffix = split
    return f"{family}, {_dotted(initials)}" + (f", {suffix}" if suffix else "")


def render_ris(records: Iterable[PaperRecord]) -> str:
    """An RIS file: ``TY  - JOUR`` ... ``ER  -`` per record, separated by blank lines."""
    return "\n".join(_ris_entry(r) for r in unique_records(records))


class BibliographyEntry(NamedTuple):
    """One paper's entry in each bibliography, rendered: small, picklable, ready to join."""

    pmid: str
    bibtex: str
    csl_json: str  #: one CSL-JSON item on one line
    ris: str


def bibliography_entry(record: PaperRecord) -> BibliographyEntry:
    """``record``'s entries, exactly as :func:`render_bibtex`, :func:`render_csl_json` and
    :func:`render_ris` write them."""
    return BibliographyEntry(
        record.pmid, _bibtex_entry(record), _csl_line(record), _ris_entry(record)
    )


def join_bibliographies(entries: Iterable[BibliographyEntry]) -> tuple[str, str, str]:
    """The BibTeX, CSL-JSON and RIS texts of ``entries``: one per PMID (the first seen),
    by PMID as a number; what the three ``render_*`` functions give for their records."""
    by_pmid: dict[str, BibliographyEntry] = {}
    for entry in entries:
        by_pmid.setdefault(entry.pmid, entry)
    ordered = [by_pmid[p] for p in sorted(by_pmid, key=_numeric)]
    return (
        "\n".join(e.bibtex for e in ordered),
        _csl_array([e.csl_json for e in ordered]),
        "\n".join(e.ris for e in ordered),
    )
