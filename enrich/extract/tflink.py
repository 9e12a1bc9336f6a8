"""Style A: TFLink protein pages, a YAML front matter whose ``tfs`` and ``targets``
hold one regulatory edge per row.

A row is ``symbol,uniprot,gene ids,sources,methods,evidence[,Yes|No]`` where the
evidence is a PubMed link or bare ``ID%5Buid%5D`` terms.  All four format
generations of TFLink are read (see ``../shared/corpus/tflink/SOURCES.md``):

* A0: ``<a href=".../pubmed/?term=ID1; ID2%5Buid%5D">`` (only the last ID tagged)
* A1: ``term=ID1%5Buid%5D+OR+ID2%5Buid%5D``
* A1b: A1 plus a trailing small-scale flag ``,Yes`` / ``,No``
* A2: the bare ``ID1%5Buid%5D+OR+ID2%5Buid%5D,No`` with no link

``tfs`` rows regulate the page's protein; ``targets`` rows are regulated by it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from enrich.identifiers import normalize_pmid, split_pubmed_term
from enrich.model import Citation, Claim, ClaimKind, Document, Partner, Problem, Style, Subject

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ANCHOR = re.compile(r"(?:&ensp;)?\s*<a\s[^>]*?href=\"(?P<href>[^\"]*)\"[^>]*>.*?</a>", re.DOTALL)
_TERM = re.compile(r"[?&]term=(?P<term>[^&]*)")
_EVIDENCE_MARK = "\x00evidence\x00"
_PLAIN_TERM = re.compile(
    r"(?:[1-9][0-9]{0,8}(?:%5Buid%5D)?(?:\+OR\+|; ?))*[1-9][0-9]{0,8}(?:%5Buid%5D)?"
)
_PMID_TOKEN = re.compile(r"(?<![0-9%])[1-9][0-9]{0,8}(?![0-9])")
_FLAGS = {"yes": True, "no": False}
_FLOAT_ID = re.compile(r"([0-9]+)\.0+")
FIELDS = ("tfs", "targets")


def looks_like_tflink(text: str) -> bool:
    """True for a YAML front matter carrying TFLink's ``tfs:`` or ``targets:`` keys."""
    if not text.startswith("---"):
        return False
    head = text[:4096]
    return "\ntfs:" in head or "\ntargets:" in head or "\nlayout: protein" in head


def read_tflink(path: str, text: str) -> Document:
    """Every edge of a TFLink page; rows that cannot be understood become Problems."""
    front_matter, problem = _front_matter(path, text.replace("\r\n", "\n"))
    if problem:
        return Document(path=path, style=Style.TFLINK, problems=(problem,))
    data, problem = _load_yaml(path, front_matter)
    if problem:
        return Document(path=path, style=Style.TFLINK, problems=(problem,))
    subject = _subject(data)
    claims: list[Claim] = []
    problems: list[Problem] = []
    for field in FIELDS:
        rows = data.get(field)
        if rows is None or rows == "":
            continue
        if not isinstance(rows, str):
            problems.append(Problem(path, field, f"{field} is a {type(rows).__name__}, not text"))
            continue
        for index, row in enumerate((r for r in rows.split("\n") if r.strip()), start=1):
            claim = _parse_row(path, field, index, row, subject, problems)
            if claim:
                claims.append(claim)
    return Document(path, Style.TFLINK, subject, tuple(claims), problems=tuple(problems))


def _front_matter(path: str, text: str) -> tuple[str, Problem | None]:
    start = text.find("\n") + 1
    end = text.find("\n---", start - 1)
    while end >= 0:
        line_end = text.find("\n", end + 1)
        if not text[end + 4 : line_end if line_end >= 0 else len(text)].strip():
            return text[start : end + 1], None
        end = text.find("\n---", end + 1)
    return "", Problem(path, "line 1", "front matter opened with --- is never closed")


def _load_yaml(path: str, front_matter: str) -> tuple[dict[str, Any], Problem | None]:
    try:
        data = yaml.load(front_matter, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark is not None else "front matter"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return {}, Problem(path, where, f"malformed YAML front matter: {reason}")
    if not isinstance(data, dict):
        return {}, Problem(path, "front matter", "front matter is not a key: value mapping")
    return data, None


def _subject(data: dict[str, Any]) -> Subject:
    def text(key: str) -> str | None:
        value = data.get(key)
        value = "" if value is None else str(value).strip()
        return value if value and value != "-" else None

    gene_ids, _ = _gene_ids(str(data.get("ncbi_gene_id") or ""))
    return Subject(
        symbol=text("protein_name"),
        uniprot=text("uniprot_accession") or text("title"),
        gene_id=gene_ids[0] if gene_ids else None,
        organism=text("organism"),
    )


_ROW = re.compile(
    r"""(?P<symbol>[^,]*),(?P<uniprot>[^,]*),(?P<genes>[^,]*),(?P<sources>[^,]*),(?P<methods>[^,]*),
    (?:&ensp;\s*<a\s[^>]*?href="[^"?]*\?term=(?P<term>[^"&]*)"[^<]*(?:<(?!/a>)[^<]*)*</a>
      |(?P<bare>[0-9][^,<>"]*))
    (?:,(?P<flag>Yes|No))?\s*""",
    re.VERBOSE,
)


def _parse_row(
    path: str, field: str, index: int, row: str, subject: Subject, problems: list[Problem]
) -> Claim | None:
    """One edge from a row; the regular shapes take one regex match, the rest the slow path."""
    location = f"{field} row {index}"
    match = _ROW.fullmatch(row.strip())
    if match:
        *fields, term, bare, flag_text = match.groups()
        evidence = term if term is not None else bare
        flag = _FLAGS[flag_text.lower()] if flag_text else None
    else:
        parsed = _parse_irregular_row(path, location, row, problems)
        if parsed is None:
            return None
        fields, evidence, flag = parsed
    symbol, uniprot, gene_field, sources, methods = fields
    symbol, uniprot = symbol.strip(), uniprot.strip()
    gene_ids, bad_ids = _gene_ids(gene_field.strip())
    for bad in bad_ids:
        problems.append(Problem(path, location, f"gene ID {bad!r} is not a number"))
    partner_name = symbol if symbol not in ("", "-") else (uniprot or "-")
    page_name = subject.symbol or subject.uniprot or "-"
    regulator, target = (partner_name, page_name) if field == "tfs" else (page_name, partner_name)
    return Claim(
        id=f"{field}-{index}",
        kind=ClaimKind.EDGE,
        location=location,
        citations=_citations(path, location, evidence, problems),
        regulator=regulator,
        target=target,
        partner=Partner(symbol=symbol, uniprot=uniprot or None, gene_ids=gene_ids),
        sources=_split_list(sources),
        methods=_split_list(methods),
        small_scale=flag,
    )


def _parse_irregular_row(
    path: str, location: str, row: str, problems: list[Problem]
) -> tuple[list[str], str, bool | None] | None:
    """Fields, evidence term and flag of a row the fast pattern did not take, or None."""
    href = ""
    anchor = _ANCHOR.search(row)
    if anchor:
        href = anchor["href"]
        row = row[: anchor.start()] + _EVIDENCE_MARK + row[anchor.end() :]
    fields = [f.strip() for f in row.split(",")]
    flag: bool | None = None
    if len(fields) in (6, 7) and fields[-1].lower() in _FLAGS:
        flag = _FLAGS[fields.pop().lower()]
    if len(fields) not in (5, 6):
        problems.append(
            Problem(
                path,
                location,
                f"cannot read row {_clip(row)!r}: "
                f"expected 5 or 6 comma-separated fields, found {len(fields)}",
            )
        )
        return None
    evidence = fields.pop() if len(fields) == 6 else ""
    if evidence == _EVIDENCE_MARK:
        term = _TERM.search(href)
        evidence = term["term"] if term else ""
        if not term:
            problems.append(Problem(path, location, f"evidence link has no PubMed term: {href!r}"))
    return fields, evidence, flag


def _citations(
    path: str, location: str, evidence: str, problems: list[Problem]
) -> tuple[Citation, ...]:
    """The de-duplicated PMIDs of an evidence term; malformed ones kept and reported."""
    valid = _valid_citations(evidence)
    if valid is not None:
        return valid
    citations: dict[str, Citation] = {}
    for token in split_pubmed_term(evidence):
        pmid = normalize_pmid(token)
        if pmid is None:
            problems.append(Problem(path, location, f"{token!r} is not a valid PMID"))
        citations.setdefault(
            pmid or token, Citation(pmid=pmid or token, invalid=() if pmid else ("pmid",))
        )
    return tuple(citations.values())


@lru_cache(maxsize=8192)
def _valid_citations(evidence: str) -> tuple[Citation, ...] | None:
    """The citations of a term whose PMIDs are all valid, else None. Cached: TFLink repeats
    the same evidence on many rows, and Citations are immutable, so sharing them is safe."""
    if _PLAIN_TERM.fullmatch(evidence):  # every token a valid PMID, by construction
        pmids: list[str | None] = _PMID_TOKEN.findall(evidence)
    else:
        pmids = [normalize_pmid(token) for token in split_pubmed_term(evidence)]
        if None in pmids:
            return None
    return tuple(_pmid_citation(p) for p in dict.fromkeys(pmids) if p)


@lru_cache(maxsize=1 << 16)
def _pmid_citation(pmid: str) -> Citation:
    """One shared Citation per PMID: database papers recur on nearly every row."""
    return Citation(pmid=pmid)


def _gene_ids(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Valid and malformed NCBI Gene IDs of a field such as ``100532731; 648`` or ``855704.0``."""
    if value.isdigit():
        return (value,), ()
    good: list[str] = []
    bad: list[str] = []
    for part in (p.strip() for p in value.split(";")):
        if part in ("", "-"):
            continue
        whole = _FLOAT_ID.fullmatch(part)
        if whole:
            part = whole[1]
        (good if part.isdigit() else bad).append(part)
    return tuple(good), tuple(bad)


@lru_cache(maxsize=4096)
def _split_list(value: str) -> tuple[str, ...]:
    """``ReMap; TRRUST`` as a tuple; cached, since pages repeat a few such lists."""
    return tuple(p.strip() for p in value.split(";") if p.strip())


def _clip(text: str, width: int = 80) -> str:
    text = " ".join(text.replace(_EVIDENCE_MARK, "<evidence>").split())
    return text if len(text) <= width else text[: width - 1] + "…"
