"""The names a gene is looked for by in a cited paper, and how strictly each one counts.

A gene is a :class:`Partner`: the label the document gives it (its symbol) and every
usable name from the document (a Harmonizome page's synonyms) and from NCBI Gene (the
symbol, ``OtherAliases``, the full name, ``NomenclatureName``, ``OtherDesignations``).
Where NCBI Gene gave nothing (an unknown Gene ID, offline) the partner says why, and the
label alone is looked for.

Which names are used, and how (:func:`symbol_name`, :func:`full_name`):

* a *mark* of a specific name is a digit, a Greek letter, or a single letter beside other
  parts (``TWIST1``, ``TGF-beta1``, ``E-cadherin``, ``protein kinase B``);
* a symbol or alias counts in any case (``Twist1``) when it has a mark, or more than three
  letters and is not an ordinary English word; otherwise it is *strict*: it counts only
  as written with its capitals or in capitals (``SET``, ``TWIST``, ``AMS``, never ``set``
  or ``Twist``).  A name of two characters is strict (``ER``); one character is never
  looked for;
* a full name or designation counts (in any case) when it has a mark (``cadherin 1``,
  ``epithelial cadherin`` does not) or is one word that is not ordinary English
  (``uvomorulin``, ``insulin``); other full names are descriptions that ordinary prose
  may contain (``heparan sulfate proteoglycan``, ``regulatory protein``) and are not
  looked for;
* a word is *ordinary English* when :mod:`wordfreq` finds it used at least once per
  million English words (Zipf frequency 3: set, rest, twist, snail, slug, ras; not
  cadherin or dermo).  For a full name of one word the bar is ten times higher (Zipf 4:
  set, twist), because NCBI lists a protein named by a word as that word (insulin,
  collagen), while a symbol or alias that is a word is written in capitals when it means
  the gene.

How a name is matched is :mod:`enrich.audit.mentions`'.  Pure: the caches only save work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from enrich.audit.mentions import GREEK, Matcher, TextView, matcher, name_parts
from enrich.model import GeneLookup, GeneRecord

__all__ = [
    "GeneName",
    "Mention",
    "Partner",
    "full_name",
    "learn_names",
    "partner",
    "symbol_name",
]

#: a symbol's word used this often in English (Zipf 3: once per million words) is ordinary
SYMBOL_ZIPF = 3.0
FULL_NAME_ZIPF = 4.0  #: ... and a one-word full name used ten times as often
_GREEK_NAMES = frozenset(GREEK.values())


@dataclass(frozen=True, slots=True)
class GeneName:
    """A name a gene is looked for by, and whether it counts only with its capitals."""

    text: str
    strict: bool


#: how many answers each cache of names keeps (symbol_name, full_name, the Matchers)
NAMES_REMEMBERED = 1 << 16


@lru_cache(maxsize=NAMES_REMEMBERED)
def symbol_name(text: str) -> GeneName | None:
    """How a symbol, alias or synonym is looked for (see the module docstring); None when
    it has fewer than two letters and digits."""
    text = " ".join(text.split())
    parts = name_parts(text)
    size = sum(map(len, parts))
    if size < 2:
        return None
    if size < 3:
        return GeneName(text, strict=True)
    if _marked(parts):
        return GeneName(text, strict=False)
    return GeneName(text, strict=size <= 3 or all(_ordinary(p, SYMBOL_ZIPF) for p in parts))


@lru_cache(maxsize=NAMES_REMEMBERED)
def full_name(text: str) -> GeneName | None:
    """How a full name or designation is looked for (see the module docstring); None when
    it is a description, not a name."""
    text = " ".join(text.split())
    parts = name_parts(text)
    if sum(map(len, parts)) < 3:
        return None
    one_word = len(parts) == 1 and len(parts[0]) > 3
    if _marked(parts) or (one_word and not _ordinary(parts[0], FULL_NAME_ZIPF)):
        return GeneName(text, strict=False)
    return None


def _marked(parts: Sequence[str]) -> bool:
    """A digit, or a Greek letter or a single letter beside other parts."""
    if any(part.isdigit() for part in parts):
        return True
    return len(parts) > 1 and any(len(p) == 1 or p.lower() in _GREEK_NAMES for p in parts)


@lru_cache(maxsize=1 << 16)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # 0.1 s to import: only when a name needs it

    return float(zipf_frequency(word.lower(), "en"))


def _ordinary(word: str, bar: float) -> bool:
    return _zipf(word) >= bar


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: it keys memos
class Partner:
    """A gene a cited paper should name: its label and every name it is looked for by."""

    label: str
    names: tuple[GeneName, ...]  #: the label's first
    matchers: tuple[Matcher, ...]  #: one per name that can be looked for, in that order
    note: str = ""  #: why only the label is looked for, when NCBI Gene gave no names

    @property
    def other_names(self) -> tuple[str, ...]:
        return tuple(name.text for name in self.names[1:])


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a paper names a partner: by which of its names, as written, in the title or
    the abstract."""

    label: str
    name: str  #: the name as listed (the label, a synonym, NCBI Gene's)
    written: str  #: as the paper writes it ("E cadherin"), Greek letters spelled
    in_title: bool

    def __str__(self) -> str:
        """ "E-cadherin (CDH1)", or "CDH1" when the paper writes the label itself."""
        same = self.written.casefold() == self.label.casefold()
        return self.written if same else f"{self.written} ({self.label})"

    @property
    def where(self) -> str:
        return "title" if self.in_title else "abstract"


def find_mention(view: TextView, gene: Partner) -> Mention | None:
    """The first of ``gene``'s names (in order) that the text holds, or None."""
    for name in gene.matchers:
        span = view.find(name)
        if span is not None:
            written = view.written(span) or name.name
            return Mention(gene.label, name.name, written, span[0] < view.title_end)
    return None


def partner(
    label: str, synonyms: Iterable[str] = (), lookups: Sequence[GeneLookup] = ()
) -> Partner:
    """The partner ``label``, also named by the document's ``synonyms`` and by the NCBI Gene
    records of ``lookups`` (the Gene IDs the document gives it).

    Of several records, those whose symbol is the label are used when there are any (a
    TFLink row may also give the ID of a read-through transcript).
    """
    records = [lookup.record for lookup in lookups if lookup.record is not None]
    named = [r for r in records if r.symbol.casefold() == label.casefold()]
    names = [symbol_name(label), *map(symbol_name, synonyms)]
    for record in named or records:
        names += _names_of(record)
    note = "" if records else "; ".join(lookup.reason for lookup in lookups if lookup.reason)
    usable: dict[tuple[object, ...], tuple[GeneName, Matcher]] = {}
    for name in names:
        found = matcher(name.text, name.strict) if name is not None else None
        if name is not None and found is not None:  # names matched alike are one name
            key = (found.strict, found.forms, found.parts, found.gaps)
            usable.setdefault(key, (name, found))
    kept = list(usable.values())
    if not kept or kept[0][0].text != " ".join(label.split()):  # the label is shown first
        head = GeneName(label, strict=True)
        return Partner(label, (head, *(n for n, _ in kept)), tuple(m for _, m in kept), note)
    return Partner(label, tuple(n for n, _ in kept), tuple(m for _, m in kept), note)


def learn_names(lookups: Iterable[GeneLookup]) -> int:
    """Decide once how each name of ``lookups``' records is looked for (an answer the
    audit remembers), and say how many names there were.

    Optional: a run calls it before it forks its workers, so that they inherit the
    answers instead of each loading the English word frequencies (0.2 s and 40 MB a
    process) and deciding again.  More names than the answers' caches hold
    (:data:`NAMES_REMEMBERED`) are not decided here: the first would be forgotten before a
    worker asked, so the workers decide as they go; the word frequencies are loaded all
    the same (and returned count is 0).
    """
    lookups = list(lookups)
    texts = sum(_name_count(lookup.record) for lookup in lookups if lookup.record is not None)
    if texts > NAMES_REMEMBERED:
        _zipf("gene")
        return 0
    count = 0
    for lookup in lookups:
        if lookup.record is not None:
            for name in _names_of(lookup.record):
                if name is not None:
                    matcher(name.text, name.strict)
                    count += 1
    return count


def _name_count(record: GeneRecord) -> int:
    """How many names :func:`_names_of` gives ``record`` at most."""
    return 4 + len(record.aliases) + len(record.designations)


def _names_of(record: GeneRecord) -> list[GeneName | None]:
    symbols = (record.symbol, record.nomenclature_symbol, *record.aliases)
    fulls = (record.description, record.nomenclature_name, *record.designations)
    return [*map(symbol_name, filter(None, symbols)), *map(full_name, filter(None, fulls))]
