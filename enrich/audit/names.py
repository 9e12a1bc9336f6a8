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
  as written with its capitals or in capitals (``SET``, ``TWIST``, never ``set`` or
  ``Twist``), or, when it is three letters that are no English word nor an amino acid's
  code, also in title case (``Myc`` for MYC, ``Akt`` for AKT, not ``Tyr`` for TYR), and
  as listed when NCBI Gene lists it in lower case (the fly's ``twi``).  A name of two
  characters is strict (``ER``); one character is never looked for, nor a UniProt entry
  name (``YP97C_YEAST``: TFLink's label for a protein with no gene name, which papers
  do not write);
* a budding yeast's symbol or alias ending in a digit also counts followed by ``p``, as
  yeast papers name its protein (``Gcn4p`` for GCN4);
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

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    titled: bool = False  #: strict, but counts in title case too ("Myc")


#: how many answers each cache of names keeps (symbol_name, full_name, the Matchers)
NAMES_REMEMBERED = 1 << 16


#: a UniProt entry name ("YP97C_YEAST", "YD154 YEAST"): TFLink's label for a protein with no
#: gene name; papers do not write it (its first part abbreviates an ORF's name)
_UNIPROT_ENTRY = re.compile(
    r"[A-Z0-9]{1,6}[_ ](?:HUMAN|MOUSE|RAT|YEAST|SCHPO|DROME|CAEEL|DANRE|XENLA|XENTR|ARATH|CHICK)"
)


@lru_cache(maxsize=NAMES_REMEMBERED)
def symbol_name(text: str) -> GeneName | None:
    """How a symbol, alias or synonym is looked for (see the module docstring); None when
    it has fewer than two letters and digits, or is a UniProt entry name."""
    text = " ".join(text.split())
    if _UNIPROT_ENTRY.fullmatch(text):
        return None
    parts = name_parts(text)
    size = sum(map(len, parts))
    if size < 2:
        return None
    if size < 3:
        return GeneName(text, strict=True)
    if _marked(parts):
        return GeneName(text, strict=False)
    if size == 3 and len(parts) == 1:  # "MYC": a word or another code ("Tyr") in title case
        word = parts[0].lower()
        return GeneName(text, True, not (word in _AMINO_ACIDS or _ordinary(word, SYMBOL_ZIPF)))
    return GeneName(text, strict=size <= 3 or all(_ordinary(p, SYMBOL_ZIPF) for p in parts))


#: the amino acids' three-letter codes, which papers write in title case ("Tyr705", "Arg")
_AMINO_ACIDS = frozenset(
    (
        *("ala", "arg", "asn", "asp", "cys", "gln", "glu", "gly", "his", "ile", "leu"),
        *("lys", "met", "phe", "pro", "sec", "ser", "thr", "trp", "tyr", "val"),
    )
)


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


#: a name as a partner holds it until first needed: how it is looked for, and its text
_Pending = tuple[Callable[[str], GeneName | None], str]


class Partner:
    """A gene a cited paper should name: its label and every name it is looked for by.

    Its names are decided (:func:`symbol_name`, :func:`full_name`, :func:`matcher`) as
    they are first needed, in order, the label's first: a paper that names the gene by
    its label costs none of its other names' work (in a run that audits a few documents,
    most genes are new to it, and deciding all of a gene's names cost more than the rest
    of the audit).  The answers are those of deciding every name at once.  Compared by
    identity (it keys memos); like the audit's other memos, for one thread.
    """

    __slots__ = ("_label", "_matchers", "_names", "_pending", "_seen", "label", "note")

    def __init__(self, label: str, pending: Iterable[_Pending], note: str = "") -> None:
        self.label = label
        self.note = note  #: why only the label is looked for, when NCBI Gene gave no names
        self._label = " ".join(label.split())
        self._pending = iter(pending)
        self._names: list[GeneName] = []  #: the usable names decided so far, in order
        self._matchers: list[Matcher] = []  #: and their matchers
        self._seen: set[tuple[object, ...]] = set()

    def each_matcher(self) -> Iterator[Matcher]:
        """Its matchers in order, each name decided as the one before it was not enough."""
        at = 0
        while at < len(self._matchers) or self._decide_next():
            if at < len(self._matchers):
                yield self._matchers[at]
                at += 1

    @property
    def searchable(self) -> bool:
        """Whether it has a name that can be looked for."""
        return next(self.each_matcher(), None) is not None

    @property
    def names(self) -> tuple[GeneName, ...]:
        """Every name it is looked for by, the label's first (shown strict when the label
        itself cannot be looked for)."""
        while self._decide_next():
            pass
        if not self._names or self._names[0].text != self._label:
            return (GeneName(self.label, strict=True), *self._names)
        return tuple(self._names)

    @property
    def other_names(self) -> tuple[str, ...]:
        return tuple(name.text for name in self.names[1:])

    def _decide_next(self) -> bool:
        """Decide the next pending name (kept when it can be looked for and no name before
        it is matched alike); False when none is left."""
        pending = next(self._pending, None)
        if pending is None:
            return False
        decide, text = pending
        name = decide(text)
        found = matcher(name.text, name.strict, name.titled) if name is not None else None
        if name is not None and found is not None:
            key = (found.strict, found.forms, found.parts, found.gaps)
            if key not in self._seen:  # names matched alike are one name
                self._seen.add(key)
                self._names.append(name)
                self._matchers.append(found)
        return True


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a paper names a partner: by which of its names, as written, in the title or
    the abstract."""

    label: str
    name: str  #: the name as listed (the label, a synonym, NCBI Gene's)
    written: str  #: as the paper writes it ("E cadherin"), letters normalised
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
    for name in gene.each_matcher():
        span = view.find(name)
        if span is not None:
            written = view.written(span) or name.name
            return Mention(gene.label, name.name, written, span[0] < view.title_end)
    return None


def partner(
    label: str,
    synonyms: Iterable[str] = (),
    lookups: Sequence[GeneLookup] = (),
    *,
    by_label: bool = True,
) -> Partner:
    """The partner ``label``, also named by the document's ``synonyms`` and by the NCBI Gene
    records of ``lookups`` (the Gene IDs the document gives it); ``by_label=False``: the
    label is no name (a UniProt accession standing for a protein without one).

    Of several records, those whose symbol is the label are used when there are any (a
    TFLink row may also give the ID of a read-through transcript).
    """
    records = [lookup.record for lookup in lookups if lookup.record is not None]
    named = [r for r in records if r.symbol.casefold() == label.casefold()]
    pending: list[_Pending] = [(symbol_name, label)] if by_label else []
    pending += ((symbol_name, s) for s in synonyms)
    for record in named or records:
        pending += _pending_names(record)
    note = "" if records else "; ".join(lookup.reason for lookup in lookups if lookup.reason)
    return Partner(label, pending, note)


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
            for decide, text in _pending_names(lookup.record):
                name = decide(text)
                if name is not None:
                    matcher(name.text, name.strict, name.titled)
                    count += 1
    return count


def _name_count(record: GeneRecord) -> int:
    """How many names :func:`_pending_names` gives ``record`` at most."""
    return 6 + 2 * len(record.aliases) + len(record.designations)  # a yeast protein per symbol


def _pending_names(record: GeneRecord) -> list[_Pending]:
    """``record``'s names, each with how it is looked for, in the order they are tried."""
    symbols = (record.symbol, record.nomenclature_symbol, *record.aliases)
    fulls = (record.description, record.nomenclature_name, *record.designations)
    return [
        *((symbol_name, text) for text in symbols if text),
        *((symbol_name, protein) for protein in _yeast_proteins(record, symbols)),
        *((full_name, text) for text in fulls if text),
    ]


#: the genera whose papers name a gene's protein by its symbol and "p" (Gcn4p for GCN4:
#: the SGD and CGD conventions), as NCBI Gene does not list it
_P_PROTEIN_GENERA = frozenset({"Saccharomyces", "Candida"})


def _yeast_proteins(record: GeneRecord, symbols: Sequence[str]) -> list[str]:
    """The protein names ("Gcn4p") of ``symbols`` ending in a digit, for a yeast record."""
    if record.organism.partition(" ")[0] not in _P_PROTEIN_GENERA:
        return []
    return [f"{symbol}p" for symbol in symbols if symbol[-1:].isdigit()]
