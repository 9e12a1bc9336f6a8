"""Finding a gene name in a paper's title and abstract: the matching rules, compiled once.

A name (already classified by :mod:`enrich.audit.names`) becomes a :class:`Matcher`;
a record's text becomes a :class:`TextView`; :meth:`TextView.find` says where the name
is.  The rules:

* Greek letters equal their spelled names, in the text and in names alike (``TGF-β1`` =
  ``TGF-beta1``, ``IκBα`` = ``IkappaBalpha``; ``ß``, often typed for β, counts as beta);
* a name matches as a whole word: no letter or digit right before or after it;
* between the parts of a name (letters, digits, Greek letters) a hyphen, a dash or white
  space is optional wherever the name has one or none (``TWIST-1``, ``E cadherin``,
  ``Ecadherin``, ``HIF-1α`` for ``HIF1alpha``); other punctuation must be as written;
* a name ending in digits also matches inside a slash shorthand (``TWIST1/2`` names
  TWIST1 and TWIST2, ``ERK1/2`` names ERK2);
* a name counts in any case (``Twist2`` for ``TWIST2``), unless it is *strict*: then only
  as written with its capitals or in capitals (``SET``, never ``set``), and not in a
  title or abstract written in capitals.

Pure; the caches only save work.  Each name is first looked for as a plain substring
(its *anchor*), so the regular expression runs only on the few texts that may hold it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["GREEK", "Matcher", "TextView", "matcher", "name_parts", "normalise_greek"]

#: Greek letters (both cases; final sigma; the micro sign; ß as a typed beta) -> spelled
_SPELLED_NAMES = (
    *("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"),
    *("lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi"),
    *("chi", "psi", "omega"),
)
#: Greek letters (both cases; final sigma; the micro sign; ß as a typed beta) -> spelled
GREEK = {
    **dict(zip("αβγδεζηθικλμνξοπρστυφχψω", _SPELLED_NAMES, strict=True)),
    **dict(zip("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", _SPELLED_NAMES, strict=True)),
    **{"ς": "sigma", "µ": "mu", "ß": "beta", "ϐ": "beta", "ϵ": "epsilon", "ϑ": "theta"},
    **{"ϕ": "phi", "ϰ": "kappa"},
}
_GREEK_TABLE = str.maketrans(GREEK)
#: spelled Greek letters split off inside a word: "TGFbeta1" -> TGF, beta, 1 (only before
#: the word's end, a digit or a capital, so "Betacellulin" and "metal" stay whole)
_SPELLED = "|".join(sorted({name for name in GREEK.values() if len(name) > 3}, key=len)[::-1])
_GREEK_END = rf"(?i:{_SPELLED})(?=$|[\dA-Z\W_])"  #: a spelled letter ending a word's part
_PARTS = re.compile(rf"{_GREEK_END}|[^\W\d_]+?(?={_GREEK_END})|[^\W\d_]+|\d+")
#: what may stand between two parts of a name: a hyphen, dashes, white space, or nothing
_GAP = r"[-\u2010-\u2013\s]?"
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013")
_BEFORE, _AFTER = r"(?<![^\W_])", r"(?![^\W_])"  #: no letter or digit right before/after


def name_parts(name: str) -> list[str]:
    """The parts of ``name``: runs of letters, runs of digits and spelled Greek letters
    ("TGF-β1" -> TGF, beta, 1; "IkappaBalpha" -> I, kappa, B, alpha)."""
    return [part[0] for part in _PARTS.finditer(normalise_greek(name))]


def normalise_greek(text: str) -> str:
    """``text`` with every Greek letter spelled out ("TGF-β1" -> "TGF-beta1")."""
    return text.translate(_GREEK_TABLE)


@dataclass(frozen=True, slots=True)
class Matcher:
    """One name as it is looked for: its anchors (one must occur first) and its pattern."""

    name: str  #: as listed (NCBI, the document)
    strict: bool  #: counts only with its capitals
    anchors: tuple[str, ...]  #: lower case for a name that is not strict
    pattern: re.Pattern[str]


@lru_cache(maxsize=1 << 16)  # the genes of a run's edges recur across its documents
def matcher(name: str, strict: bool) -> Matcher | None:
    """The Matcher of ``name``; None when it has no letter or digit to look for."""
    spelled = normalise_greek(name)
    if strict:
        forms = tuple(dict.fromkeys(f for f in (spelled, spelled.upper()) if f != f.lower()))
        if not forms:
            return None
        body = "|".join(re.escape(form) for form in forms)
        return Matcher(name, True, forms, re.compile(f"{_BEFORE}(?:{body}){_AFTER}"))
    parts = list(_PARTS.finditer(spelled))
    if not parts:
        return None
    pieces = []
    for index, part in enumerate(parts):
        if index:
            pieces.append(_between(spelled[parts[index - 1].end() : part.start()]))
        text = part[0].lower()
        last = index == len(parts) - 1
        pieces.append(rf"(?:\d+/)*{text}" if last and text.isdigit() and index else re.escape(text))
    # the longest part, a word rather than a number on a tie, is the rarest to find by chance
    anchor = max((p[0].lower() for p in parts), key=lambda part: (len(part), not part.isdigit()))
    pattern = re.compile(_BEFORE + "".join(pieces) + _AFTER)
    return Matcher(name, False, (anchor,), pattern)


def _between(gap: str) -> str:
    """The pattern for what a name has between two parts: nothing, a hyphen or white space
    may be any of these; other punctuation must be there, with white space around it or not."""
    punctuation = "".join(gap.split()).strip("".join(_HYPHENS))
    if not punctuation:
        return _GAP
    return rf"\s*{re.escape(punctuation.lower())}\s*"


@dataclass(frozen=True, slots=True)
class TextView:
    """A paper's title and abstract as names are searched in them."""

    folded: str  #: title, newline, abstract, Greek letters spelled out, in lower case
    cased: str  #: the same as written, a part written in capitals blanked (for strict names)
    title_end: int  #: where the title ends (the same offset in both)

    @classmethod
    def of(cls, title: str, abstract: str) -> TextView:
        title, abstract = normalise_greek(title), normalise_greek(abstract)
        folded_title = title.lower()
        if len(folded_title) != len(title):  # a letter whose lower case is longer ("İ")
            folded_title = "".join(c if len(c.lower()) != 1 else c.lower() for c in title)
        folded = f"{folded_title}\n{abstract.lower()}"
        cased = f"{_unless_shouted(title)}\n{_unless_shouted(abstract)}"
        return cls(folded, cased, len(title))

    def find(self, name: Matcher) -> tuple[int, int] | None:
        """Where ``name`` first occurs (start and end offsets; the title ends at
        ``title_end``), or None."""
        haystack = self.cased if name.strict else self.folded
        if not any(anchor in haystack for anchor in name.anchors):
            return None
        found = name.pattern.search(haystack)
        return found.span() if found else None

    def written(self, span: tuple[int, int]) -> str:
        """The text at ``span`` as written (Greek letters spelled); "" in a part written in
        capitals."""
        return self.cased[span[0] : span[1]].strip()


def _unless_shouted(text: str) -> str:
    """``text``, or as many spaces when it is written in capitals (80 % of 12+ letters):
    there a strict name cannot be told from an ordinary word."""
    upper = sum(c.isupper() for c in text)
    letters = upper + sum(c.islower() for c in text)
    return " " * len(text) if letters >= 12 and upper >= 0.8 * letters else text
