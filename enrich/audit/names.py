"""Gene names as the audit looks for them in a cited paper's title and abstract.

A gene is a :class:`_Partner`: its label and, for the document's own gene, its
synonyms; names shorter than three characters are not looked for.  A name is
mentioned where it matches as a whole word, in any case, with an optional hyphen
or white space before its trailing digits (:func:`_name_pattern`);
:func:`_ascii_mentions` gives the same answer on ASCII text without a regex.
Pure: the caches only save work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from enrich.model import Subject

_TRAILING_DIGITS = re.compile(r"(.*[^\d\s-])[-\s]?(\d+)")


@dataclass(frozen=True, slots=True)
class _Partner:
    """A gene a cited paper should name: its label and every usable name for it."""

    label: str
    names: tuple[str, ...]
    #: each name with its :func:`_name_parts`, as :meth:`_Record.mentions` looks for it
    searches: tuple[tuple[str, tuple[str, str] | None], ...] = field(compare=False)

    @property
    def synonyms(self) -> tuple[str, ...]:
        return tuple(name for name in self.names if name != self.label)


@lru_cache(maxsize=1 << 15)  # the genes of a run's edges recur across its documents
def _other_gene(label: str) -> _Partner:
    """The partner ``label`` for a document about another gene (it has no synonyms)."""
    return _partner(label, Subject())


def _partner(label: str, subject: Subject) -> _Partner:
    names = [label]
    if subject.symbol and label.casefold() == subject.symbol.casefold():
        names.extend(subject.synonyms)
    usable = tuple(name for name in dict.fromkeys(names) if len(name) >= 3)  # also drops "-"
    return _Partner(label, usable, tuple((name, _name_parts(name)) for name in usable))


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    """``name`` as a whole word, any case, with an optional hyphen/space before trailing digits."""
    split = _TRAILING_DIGITS.fullmatch(name)
    body = rf"{re.escape(split[1])}[-\s]?{split[2]}" if split else re.escape(name)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def _name_parts(name: str) -> tuple[str, str] | None:
    """An ASCII ``name`` lower-cased and split before its trailing digits; None if not ASCII."""
    if not name.isascii():
        return None
    split = _TRAILING_DIGITS.fullmatch(name)
    return (split[1].lower(), split[2]) if split else (name.lower(), "")


def _ascii_mentions(text: str, head: str, digits: str) -> bool:
    """Whether :func:`_name_pattern` of the name split as ``head`` + ``digits`` matches ``text``.

    ``text`` must be lower-case ASCII.  The same answer as the regex search, without
    compiling a pattern per name (most names of a run are new) or trying every position.
    """
    at = text.find(head)
    while at >= 0:
        end = at + len(head)
        if digits:  # "[-\s]?" then the digits: a separator here can only be the optional one
            if end < len(text) and text[end] in _SEPARATORS:
                end += 1
            end = end + len(digits) if text.startswith(digits, end) else -1
        starts_word = at == 0 or not text[at - 1].isalnum()
        if end >= 0 and starts_word and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(head, at + 1)
    return False


#: ``[-\s]`` in ASCII text (``\s`` is ``str.isspace``)
_SEPARATORS = frozenset("-" + "".join(c for c in map(chr, range(128)) if c.isspace()))


def _missing_reason(found: Sequence[_Partner], missing: Sequence[_Partner]) -> str:
    if found:
        mentioned, absent = (" and ".join(p.label for p in found), missing[0].label)
        return f"title and abstract mention {mentioned} but not {absent}"
    if len(missing) > 1:
        return f"neither {' nor '.join(p.label for p in missing)} in title or abstract"
    partner = missing[0]
    if not partner.synonyms:
        return f"{partner.label} not in title or abstract"
    shown = ", ".join(partner.synonyms[:3]) + (", …" if len(partner.synonyms) > 3 else "")
    return f"neither {partner.label} nor a synonym ({shown}) in title or abstract"
