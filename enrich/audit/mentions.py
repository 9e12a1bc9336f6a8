"""Finding a gene name in a paper's title and abstract: the matching rules.

A name (already classified by :mod:`enrich.audit.names`) becomes a :class:`Matcher`;
a record's text becomes a :class:`TextView`; :meth:`TextView.find` says where the name
is.  The rules:

* Greek letters equal their spelled names, in the text and in names alike (``TGF-β1`` =
  ``TGF-beta1``, ``IκBα`` = ``IkappaBalpha``; ``ß``, often typed for β, counts as beta);
  a Latin letter with a diacritic equals the letter without (``Krüppel`` = ``Kruppel``,
  as NCBI Gene writes it);
* a name matches as a whole word: no letter or digit right before or after it;
* between the parts of a name (letters, digits, Greek letters) a hyphen, a dash or white
  space is optional wherever the name has one or none (``TWIST-1``, ``E cadherin``,
  ``Ecadherin``, ``HIF-1α`` for ``HIF1alpha``); other punctuation must be as written;
* a name ending in digits also matches inside a slash shorthand (``TWIST1/2`` names
  TWIST1 and TWIST2, ``ERK1/2`` names ERK2);
* a name counts in any case (``Twist2`` for ``TWIST2``), unless it is *strict*: then only
  as written with its capitals or in capitals (``SET``, never ``set``; its hyphens as
  any dash, ``NF\u2013kB`` for ``NF-kB``), or in title case when *titled* (``Myc``; and a
  titled name listed in lower case, as fly symbols are, also as listed: ``twi``); not in a
  title or abstract written in capitals (no run of three lower-case letters), nor after a
  single capital and a hyphen that make another gene's name (``N-MYC`` is MYCN; ``C-MYC``,
  ``V-MYC`` and ``P-AKT`` are the gene).

Pure; the caches only save work.  A name is found by its longest part (its *anchor*)
with ``str.find``, then checked part by part around it: no regular expression per name,
whose compiling would cost more than all the searches (measured: two thirds of the
audit's time on a generated corpus, where most names are new to each worker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from unicodedata import normalize

__all__ = ["GREEK", "Matcher", "TextView", "matcher", "name_parts", "normalise_letters"]

_HYPHENS = "-\u2010\u2011\u2012\u2013"  #: hyphen, hyphen, non-breaking hyphen, figure and en dash
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
#: a text's hyphens, dashes and white space become " ", the one gap a name's parts may have;
#: "_" becomes a character that is neither a gap nor a letter or digit
_GAPS = str.maketrans(dict.fromkeys(_HYPHENS + _SPACES, " ") | {"_": "\x00"})
#: for strict names, which keep their punctuation: every dash a hyphen, white space " "
_DASHES = str.maketrans(dict.fromkeys(_HYPHENS, "-") | dict.fromkeys(_SPACES, " ") | {"_": "\x00"})


def _ascii_table(table: dict[int, str]) -> bytes:
    """``table`` for ASCII text, as a bytes table: translating bytes is a C loop, while
    translating a str through a dict looks each character up in Python's dict."""
    return bytes.maketrans(
        bytes(c for c in table if c < 128), bytes(ord(table[c]) for c in table if c < 128)
    )


_ASCII_GAPS, _ASCII_DASHES = _ascii_table(_GAPS), _ascii_table(_DASHES)


def _gaps(text: str) -> str:
    """``text.translate(_GAPS)``, fast for ASCII text (most titles and abstracts)."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_GAPS).decode("ascii")
    return text.translate(_GAPS)


def _dashes(text: str) -> str:
    """``text.translate(_DASHES)``, fast for ASCII text."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_DASHES).decode("ascii")
    return text.translate(_DASHES)


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
#: Latin letters with a diacritic (and combining marks) -> the letter without: papers write
#: Krüppel, NCBI Gene Kruppel
_UNACCENTED = {
    **{c: d[0] for c in map(chr, range(0xC0, 0x250)) if len(d := normalize("NFD", c)) > 1},
    **dict.fromkeys(map(chr, range(0x300, 0x370)), ""),
}
_LETTERS = str.maketrans(_UNACCENTED | GREEK)
#: spelled Greek letters split off inside a word: "TGFbeta1" -> TGF, beta, 1 (only before
#: the word's end, a digit or a capital, so "Betacellulin" and "metal" stay whole)
_SPELLED = "|".join(sorted({name for name in GREEK.values() if len(name) > 3}, key=len)[::-1])
_GREEK_END = rf"(?i:{_SPELLED})(?=$|[\dA-Z\W_])"  #: a spelled letter ending a word's part
_PARTS = re.compile(rf"{_GREEK_END}|[^\W\d_]+?(?={_GREEK_END})|[^\W\d_]+|\d+")


def name_parts(name: str) -> list[str]:
    """The parts of ``name``: runs of letters, runs of digits and spelled Greek letters
    ("TGF-β1" -> TGF, beta, 1; "IkappaBalpha" -> I, kappa, B, alpha)."""
    return [part[0] for part in _PARTS.finditer(normalise_letters(name))]


def normalise_letters(text: str) -> str:
    """``text`` with every Greek letter spelled out ("TGF-β1" -> "TGF-beta1") and every
    diacritic dropped ("Krüppel" -> "Kruppel")."""
    return text if text.isascii() else text.translate(_LETTERS)  # no Greek in ASCII


@dataclass(frozen=True, slots=True)
class Matcher:
    """One name as it is looked for.

    A strict name is its ``forms`` (as listed with its capitals, and in capitals), found as
    written.  Any other name is its lower-case ``parts``, found by ``parts[anchor]`` and
    checked around it; ``gaps[i]`` stands between parts i and i + 1: "" for an optional
    gap (a hyphen, a dash or white space), else the punctuation that must be there.
    """

    name: str  #: as listed (NCBI, the document)
    strict: bool  #: counts only with its capitals (or in title case, when ``titled``)
    forms: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    anchor: int = 0
    shorthand: bool = False  #: the last part is digits, which may follow "digits/"


@lru_cache(maxsize=1 << 16)  # the genes of a run's edges recur across its documents
def matcher(name: str, strict: bool, titled: bool = False) -> Matcher | None:
    """The Matcher of ``name``; None when it has no letter or digit to look for.  A strict
    name ``titled`` also counts in title case ("Myc" for MYC) and, listed in lower case,
    as listed (the fly's "twi"); another strict name never counts in lower case."""
    spelled = normalise_letters(name)
    if strict:
        cased = (spelled, spelled.upper(), spelled.capitalize() if titled else spelled)
        lower = (f for f in cased if f != f.lower() or titled)
        forms = tuple(dict.fromkeys(_dashes(f) for f in lower))
        return Matcher(name, True, forms=forms) if forms else None
    found = list(_PARTS.finditer(spelled))
    if not found:
        return None
    parts = tuple(part[0].lower() for part in found)
    gaps = tuple(
        "".join(spelled[a.end() : b.start()].split()).strip(_HYPHENS).lower()
        for a, b in pairwise(found)
    )
    shorthand = len(parts) > 1 and parts[-1].isdigit()
    # the longest part, a word rather than a number on a tie, is the rarest to find by chance
    anchor = max(range(len(parts)), key=lambda i: (len(parts[i]), not parts[i].isdigit()))
    return Matcher(name, False, (), parts, gaps, anchor, shorthand)


@dataclass(frozen=True, slots=True)
class TextView:
    """A paper's title and abstract as names are searched in them."""

    folded: str  #: title, newline, abstract: letters normalised, lower case, gaps made " "
    #: the same as written, dashes made "-" and white space " " (a part written in capitals
    #: blanked), for strict names
    cased: str
    title_end: int  #: where the title ends (the same offset in both)

    @classmethod
    def of(cls, title: str, abstract: str) -> TextView:
        title, abstract = normalise_letters(title), normalise_letters(abstract)
        folded_title = title.lower()
        if len(folded_title) != len(title):  # a letter whose lower case is longer ("İ")
            folded_title = "".join(c if len(c.lower()) != 1 else c.lower() for c in title)
        folded = f"{_gaps(folded_title)}\n{_gaps(abstract.lower())}"
        cased = _dashes(f"{_unless_shouted(title)}\n{_unless_shouted(abstract)}")
        return cls(folded, cased, len(title))

    def find(self, name: Matcher) -> tuple[int, int] | None:
        """Where ``name`` first occurs (start and end offsets; the title ends at
        ``title_end``), or None."""
        if name.strict:
            return _find_form(self.cased, name.forms)
        text, anchor = self.folded, name.parts[name.anchor]
        at = text.find(anchor)
        while at >= 0:
            span = _around(text, at, name)
            if span is not None:
                return span
            at = text.find(anchor, at + 1)
        return None

    def written(self, span: tuple[int, int]) -> str:
        """The text at ``span`` as written (letters normalised); "" in a part written in
        capitals."""
        return self.cased[span[0] : span[1]].strip()


def _find_form(text: str, forms: tuple[str, ...]) -> tuple[int, int] | None:
    """The first of ``forms`` found in ``text`` as a whole word, not after another gene's
    letter prefix."""
    for form in forms:
        at = text.find(form)
        while at >= 0:
            end = at + len(form)
            if _starts_word(text, at) and _ends_word(text, end) and not _prefixed(text, at):
                return at, end
            at = text.find(form, at + 1)
    return None


#: the capitals that joined by a hyphen to a name keep it the same gene: cellular, viral,
#: phosphorylated (C-MYC, V-MYC, P-AKT); others make another one (N-MYC, L-MYC, B-MYB)
_SAME_GENE_PREFIXES = frozenset("CPV")


def _prefixed(text: str, at: int) -> bool:
    """Whether a single capital and a hyphen that make another gene's name stand before
    ``at`` ("N-" in "N-MYC", not "c-" in "c-MYC" nor "AR-" in "AR-V7")."""
    if at < 2 or text[at - 1] != "-":
        return False
    letter = text[at - 2]
    return (
        letter.isupper()
        and letter not in _SAME_GENE_PREFIXES
        and (at == 2 or not text[at - 3].isalnum())
    )


def _around(text: str, at: int, name: Matcher) -> tuple[int, int] | None:
    """The span of ``name`` whose anchor is at ``at``, if the rest of it is there."""
    parts, gaps, anchor = name.parts, name.gaps, name.anchor
    last = len(parts) - 1
    start = at
    if anchor == last and name.shorthand:  # the digits may end a shorthand: "ERK1/2"
        start = _before_shorthand(text, start)
    for i in range(anchor - 1, -1, -1):
        start = _gap_before(text, start, gaps[i])
        if start < 0 or not text.startswith(parts[i], start - len(parts[i])):
            return None
        start -= len(parts[i])
    if not _starts_word(text, start):
        return None
    end = at + len(parts[anchor])
    for i in range(anchor + 1, last + 1):
        end = _gap_after(text, end, gaps[i - 1])
        if end < 0:
            return None
        if i == last and name.shorthand:
            return _last_digits(text, end, parts[i], start)
        if not text.startswith(parts[i], end):
            return None
        end += len(parts[i])
    return (start, end) if _ends_word(text, end) else None


def _last_digits(text: str, at: int, digits: str, start: int) -> tuple[int, int] | None:
    """The span ending with ``digits`` at ``at``, or after "digits/" runs ("1/2", "12/2")."""
    while at >= 0:
        end = at + len(digits)
        if text.startswith(digits, at) and _ends_word(text, end):
            return start, end
        run = at
        while run < len(text) and text[run].isdigit():
            run += 1
        at = run + 1 if run > at and text.startswith("/", run) else -1
    return None


def _before_shorthand(text: str, at: int) -> int:
    """Where a run of "digits/" ending at ``at`` starts (``at`` when there is none)."""
    while at >= 2 and text[at - 1] == "/" and text[at - 2].isdigit():
        at -= 2
        while at > 0 and text[at - 1].isdigit():
            at -= 1
    return at


def _gap_after(text: str, at: int, gap: str) -> int:
    """Past the gap that starts at ``at``: an optional " ", or ``gap`` with spaces around."""
    if not gap:
        return at + 1 if text.startswith(" ", at) else at
    while text.startswith(" ", at):
        at += 1
    if not text.startswith(gap, at):
        return -1
    at += len(gap)
    while text.startswith(" ", at):
        at += 1
    return at


def _gap_before(text: str, at: int, gap: str) -> int:
    """Before the gap that ends at ``at`` (see :func:`_gap_after`)."""
    if not gap:
        return at - 1 if at > 0 and text[at - 1] == " " else at
    while at > 0 and text[at - 1] == " ":
        at -= 1
    if not text.startswith(gap, at - len(gap)) or at < len(gap):
        return -1
    at -= len(gap)
    while at > 0 and text[at - 1] == " ":
        at -= 1
    return at


def _starts_word(text: str, at: int) -> bool:
    return at == 0 or not text[at - 1].isalnum()


def _ends_word(text: str, at: int) -> bool:
    return at >= len(text) or not text[at].isalnum()


def _unless_shouted(text: str) -> str:
    """``text``, or as many spaces when it is written in capitals (12 characters or more and
    no run of three lower-case letters): there a strict name cannot be told from an
    ordinary word."""
    shouted = len(text) >= 12 and _LOWER_RUN.search(text) is None
    return " " * len(text) if shouted else text


_LOWER_RUN = re.compile(r"[a-z\u00df-\u00f6\u00f8-\u00ff]{3}")  #: found early in most texts
