"""The per-document JSON report, ``<name>.json``: :func:`document_json`, schema 2.

Pure: an audited document in, one line of JSON out.  Each cited paper is stated once,
in ``papers`` (keyed by citation key: ``pmid:N``, ``doi:…``, ``invalid:…``), and each
citation names its paper (``"paper": "pmid:N"``) beside what the document says of it
and its own flags.  Schema 1 repeated the paper's status, reason and PubMed record
under every citation of it (a database paper cited by 48 edges, 48 times).

The text is put together from pieces, and a PubMed record's JSON, which recurs across
documents, is remembered in a bounded cache keyed by the frozen record; the tests hold
the result to ``json.dumps`` of the same data, byte for byte.
"""

from __future__ import annotations

import json
from functools import lru_cache
from json.encoder import encode_basestring as _string  # a str as json.dumps writes it

from enrich.model import (
    AuditedDocument,
    CitationVerdict,
    ClaimVerdict,
    Flag,
    GeneLookup,
    PaperRecord,
    Resolution,
)
from enrich.report.provenance import Provenance, provenance_dict

__all__ = ["SCHEMA", "document_json"]

SCHEMA = 2  #: version of the per-document JSON; bumped only when a key changes meaning


#: ``json.dumps(value, ensure_ascii=False)``, without building an encoder on every call.
_encode = json.JSONEncoder(ensure_ascii=False).encode
_TRUTH = {None: "null", True: "true", False: "false"}  #: JSON of a bool or None


def document_json(doc: AuditedDocument, provenance: Provenance | None = None) -> str:
    """The per-document JSON of ``doc``, schema 2, on one line and a newline.

    Keys, in order: ``schema``, ``provenance`` (when given:
    :func:`~enrich.report.provenance.provenance_dict`), ``path``, ``style``, ``subject``,
    ``claims`` (each with its ``citations``, ``grade``, ``grade_reason`` and ``flags``),
    ``citations`` (the loose ones), ``papers``, ``problems`` and ``genes``.  A citation holds the
    document's description of the paper (``pmid`` … ``year``), ``paper`` (its key in
    ``papers``) and ``flags``; a paper holds ``status``, ``reason`` and ``record`` (the
    PubMed record, or null), in the order first cited.  Two citations of one key whose
    resolutions differ (two malformed identifiers described differently) name two papers,
    the second keyed ``<key>#2``.

    Not indented: json's C encoder only serves unindented output, and it is ten times
    faster on reports with thousands of citations (pipe to ``jq`` to read)."""
    document = doc.document
    known: dict[str, object] = {"schema": SCHEMA}
    if provenance is not None:
        known["provenance"] = provenance_dict(provenance)
    head = _encode(
        {
            **known,
            "path": document.path,
            "style": str(document.style),
            "subject": document.subject.to_dict(),
        }
    )
    pieces = [head[:-1], ', "claims": [']  # joined once at the end: no copy of copies
    papers = _Papers()
    # A verdict is often cited by many claims of a document: encode each one once.
    # Keyed by identity, which is safe because ``doc`` keeps every verdict alive.
    seen: dict[int, str] = {}

    def add_verdicts(verdicts: tuple[CitationVerdict, ...]) -> None:
        for index, verdict in enumerate(verdicts):
            text = seen.get(id(verdict))
            if text is None:
                text = seen[id(verdict)] = _verdict_json(verdict, papers.key(verdict))
            pieces.extend((", ", text) if index else (text,))

    for index, verdict in enumerate(doc.claims):
        pieces.append(_claim_json_start(verdict, index > 0))
        add_verdicts(verdict.citations)
        pieces.append(_claim_json_end(verdict))
    pieces.append('], "citations": [')
    add_verdicts(doc.citations)
    pieces.append('], "papers": {')
    pieces.append(", ".join(f"{_string(key)}: {_paper_json(res)}" for key, res in papers.items()))
    tail = _encode(
        {
            "problems": [p.to_dict() for p in document.problems],
            "genes": [_gene(g) for g in doc.genes],
        }
    )
    pieces.append(f"}}, {tail[1:]}\n")
    return "".join(pieces)


class _Papers:
    """The papers of a document by key, in order of first citation."""

    def __init__(self) -> None:
        self._by_key: dict[str, Resolution] = {}

    def key(self, verdict: CitationVerdict) -> str:
        """The key of ``verdict``'s paper: its citation key, suffixed ``#2``, ``#3``… when
        an earlier citation of that key resolved otherwise."""
        base, resolution = verdict.citation.key, verdict.resolution
        key, number = base, 1
        while (known := self._by_key.get(key)) is not None:
            if known is resolution or _same(known, resolution):
                return key
            number += 1
            key = f"{base}#{number}"
        self._by_key[key] = resolution
        return key

    def items(self) -> list[tuple[str, Resolution]]:
        return list(self._by_key.items())


def _same(one: Resolution, other: Resolution) -> bool:
    """Whether two resolutions say the same in the report (``from_cache`` is not said)."""
    return (one.status, one.reason, one.record) == (other.status, other.reason, other.record)


def _gene(lookup: GeneLookup) -> dict[str, object]:
    """A Gene ID as the report states it: its brief, and the aliases NCBI Gene gives."""
    return {**lookup.brief(), "aliases": list(lookup.record.aliases) if lookup.record else []}


# Claims, verdicts and flags are written key by key, with the keys, order and escaping
# json.dumps would give them (the tests compare the whole document with json.dumps):
# json's encoder would cost more than the rest of the document.


def _claim_json_start(verdict: ClaimVerdict, comma: bool) -> str:
    """The JSON of ``verdict`` up to its citations' (preceded by ", " after another claim)."""
    claim, partner = verdict.claim, verdict.claim.partner
    return (
        f'{", " if comma else ""}{{"id": {_string(claim.id)}, "kind": {_string(claim.kind)}, '
        f'"location": {_string(claim.location)}, "regulator": {_text(claim.regulator)}, '
        f'"target": {_text(claim.target)}, '
        f'"partner_uniprot": {_text(partner.uniprot if partner else None)}, '
        f'"gene_ids": {_texts(partner.gene_ids if partner else ())}, '
        f'"text": {_text(claim.text)}, "sources": {_texts(claim.sources)}, '
        f'"methods": {_texts(claim.methods)}, "small_scale": {_TRUTH[claim.small_scale]}, '
        '"citations": ['
    )


def _claim_json_end(verdict: ClaimVerdict) -> str:
    """The JSON of ``verdict`` after its citations'."""
    return (
        f'], "grade": {_string(verdict.grade)}, "grade_reason": {_string(verdict.grade_reason)}, '
        f'"flags": {_flags_json(verdict.flags)}}}'
    )


def _verdict_json(cited: CitationVerdict, paper: str) -> str:
    """A citation as the document gives it, the key of its paper, and its flags."""
    citation = cited.citation
    return (
        f'{{"pmid": {_text(citation.pmid)}, "doi": {_text(citation.doi)}, '
        f'"invalid": {_texts(citation.invalid)}, "ref": {_text(citation.ref)}, '
        f'"authors": {_text(citation.authors)}, "title": {_text(citation.title)}, '
        f'"journal": {_text(citation.journal)}, '
        f'"year": {"null" if citation.year is None else _encode(citation.year)}, '
        f'"paper": {_string(paper)}, "flags": {_flags_json(cited.flags)}}}'
    )


def _paper_json(resolution: Resolution) -> str:
    """A paper: where its resolution ended, why, and its PubMed record."""
    record = resolution.record
    return (
        f'{{"status": {_string(resolution.status)}, "reason": {_string(resolution.reason)}, '
        f'"record": {"null" if record is None else _record_json(record)}}}'
    )


# A record's JSON (most of a document's) depends on nothing but the record, so it is
# remembered across documents, keyed by the frozen, hashable record itself: the same
# papers, database papers above all, are cited by document after document.  Its field
# types (str, int, bool, None, tuples of them) encode differently only when they differ.
# Bounded, and small: an entry keeps its record alive after the worker has forgotten it;
# 2,048 still hold the database papers.
@lru_cache(maxsize=2048)
def _record_json(record: PaperRecord) -> str:
    """``record.to_dict()`` as JSON."""
    return _encode(record.to_dict())


def _flags_json(flags: tuple[Flag, ...]) -> str:
    """``[f.to_dict() for f in flags]`` as JSON."""
    listed = [f'{{"name": {_string(f.name)}, "reason": {_string(f.reason)}}}' for f in flags]
    return f"[{', '.join(listed)}]"


def _text(value: str | None) -> str:
    """A string or None as json.dumps(..., ensure_ascii=False) writes it."""
    return "null" if value is None else _string(value)


def _texts(values: tuple[str, ...]) -> str:
    """A tuple of strings as json.dumps(..., ensure_ascii=False) writes it (as a list)."""
    return f"[{', '.join(map(_string, values))}]"
