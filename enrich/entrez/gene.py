"""Pure parsers of NCBI Gene summaries (E-utilities ``esummary``, ``db=gene``): bytes in,
:class:`~enrich.model.GeneRecord` values out.

:func:`parse_gene_summaries` reads a reply in either format NCBI serves:

* JSON (``retmode=json``, what :mod:`enrich.entrez.gene_names` asks for):
  ``result.uids`` and one ``result[uid]`` object per ID with lower-case field names;
  an ID NCBI does not have comes back as ``{"uid": ..., "error": ...}``;
* XML (``version=2.0``: ``eSummaryResult/DocumentSummarySet/DocumentSummary[@uid]``, or
  the older ``DocSum`` with ``Item`` elements); an ID NCBI does not have comes back as a
  ``DocumentSummary`` holding an ``error`` element, or as an ``<ERROR>`` naming it.

Both are read into the JSON field names (``name``, ``otheraliases``, ...), which
:func:`gene_record` turns into a GeneRecord: so a cache can keep NCBI's fields and read
them again with a newer parser.  Whatever is not a well-formed summary reply raises
:class:`~enrich.errors.BadResponse`, decided by :mod:`enrich.entrez.replies`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml.etree import _Element

from enrich.entrez.replies import parse_json, parse_xml
from enrich.errors import ErrorReply
from enrich.model import GeneRecord

__all__ = ["GeneSummary", "gene_record", "parse_gene_summaries"]

_WHAT = "gene esummary reply"
#: an NCBI message naming an ID it has no summary for: "Invalid uid 0 at position=0",
#: "UID=123: cannot get document summary"
_UNKNOWN_UID = re.compile(r"\b(?:invalid uid|uid=)\s*(\d+)", re.IGNORECASE)
#: NCBI's per-ID message for an ID it has no summary of (FACTS.md §2)
_ABSENT = re.compile(r"cannot get document summary", re.IGNORECASE)
#: XML element name (version 2.0) -> the JSON field it is
_XML_FIELDS = {
    "Name": "name",
    "Description": "description",
    "OtherAliases": "otheraliases",
    "OtherDesignations": "otherdesignations",
    "NomenclatureSymbol": "nomenclaturesymbol",
    "NomenclatureName": "nomenclaturename",
    "Status": "status",
    "CurrentID": "currentid",
}
_REPLACED = frozenset({"1", "secondary", "replaced"})
_DISCONTINUED = frozenset({"2", "discontinued"})


@dataclass(frozen=True, slots=True)
class GeneSummary:
    """One ID of a reply: its record, NCBI's word that it has none (``error``), or why the
    summary the reply holds for it cannot be used (``defect``: no symbol, another ID's);
    ``record`` is None but for the first."""

    gene_id: str
    record: GeneRecord | None
    fields: dict[str, Any] = field(default_factory=dict)  #: NCBI's fields, JSON names
    error: str = ""  #: NCBI's message when it has no record with this ID
    defect: str = ""  #: why the reply's summary of this ID cannot be used

    @property
    def absent(self) -> bool:
        """Whether ``error`` is NCBI's word that it has no record with this ID ("cannot get
        document summary", "Invalid uid"): another message (a backend's passing trouble)
        says nothing of the ID."""
        return bool(_ABSENT.search(self.error) or _UNKNOWN_UID.search(self.error))


def parse_gene_summaries(body: bytes) -> dict[str, GeneSummary]:
    """Every ID a gene esummary reply speaks of, in its order.

    An ID the reply does not mention at all is absent (a short reply: ask again).  A
    summary that cannot be used (no symbol, or filed under an ID it is not of) is that
    ID's ``defect``, not the reply's.  Raises BadResponse for an empty, cut, HTML,
    malformed or error reply.
    """
    if body.lstrip()[:1] == b"<":
        entries = _xml_entries(parse_xml(body, _WHAT))
    else:
        entries = _json_entries(parse_json(body, _WHAT))
    summaries = {}
    for gene_id, fields in entries.items():
        error = str(fields.get("error") or "")
        uid = _string(fields.get("uid"))
        if error:
            summaries[gene_id] = GeneSummary(gene_id, None, fields, error)
        elif uid and uid != gene_id:
            defect = f"the reply's summary of Gene ID {gene_id} is of Gene ID {uid}"
            summaries[gene_id] = GeneSummary(gene_id, None, fields, defect=defect)
        else:
            try:
                summaries[gene_id] = GeneSummary(gene_id, gene_record(gene_id, fields), fields)
            except ErrorReply as exc:
                summaries[gene_id] = GeneSummary(gene_id, None, fields, defect=str(exc))
    return summaries


def gene_record(gene_id: str, fields: dict[str, Any]) -> GeneRecord:
    """The GeneRecord of NCBI's ``fields`` (JSON names) for ``gene_id``.

    Raises ErrorReply when they give no symbol (``name``).
    """
    symbol = _string(fields.get("name"))
    if not symbol:
        raise ErrorReply(f"{_WHAT}: Gene ID {gene_id} has no symbol")
    status = _string(fields.get("status")).lower()
    current = _string(fields.get("currentid"))
    current_id = current if current not in ("", "0", gene_id) else None
    if current_id is not None or status in _REPLACED:
        state = "replaced"
    else:
        state = "discontinued" if status in _DISCONTINUED else "live"
    organism = fields.get("organism")
    organism = organism if isinstance(organism, dict) else {}
    return GeneRecord(
        gene_id=gene_id,
        symbol=symbol,
        description=_string(fields.get("description")),
        nomenclature_symbol=_string(fields.get("nomenclaturesymbol")),
        nomenclature_name=_string(fields.get("nomenclaturename")),
        aliases=_split(fields.get("otheraliases"), ","),
        designations=_split(fields.get("otherdesignations"), "|"),
        organism=_string(organism.get("scientificname") or fields.get("orgname")),
        tax_id=_string(organism.get("taxid") or fields.get("taxid")),
        status=state,
        current_id=current_id,
    )


def _string(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int) else ""


def _split(value: Any, separator: str) -> tuple[str, ...]:
    """NCBI's list in one string ("a, b" or "a|b") or as a JSON list, each item stripped,
    empties and repeats dropped."""
    parts = value if isinstance(value, list) else _string(value).split(separator)
    items = (_string(item) for item in parts)
    return tuple(dict.fromkeys(item for item in items if item))


# --- the two formats ----------------------------------------------------------------------


def _json_entries(body: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(body, dict):
        raise ErrorReply(f"{_WHAT}: expected a JSON object")
    result = body.get("result")
    entries: dict[str, dict[str, Any]] = {}
    for message in _messages(body.get("esummaryresult")):
        entries.update(_unknown_uid(message))
    if result is None and entries:
        return entries  # every ID was invalid
    if not isinstance(result, dict) or not isinstance(result.get("uids"), list):
        raise ErrorReply(f"{_WHAT}: no result.uids")
    for uid in result["uids"]:
        entry = result.get(str(uid))
        if isinstance(entry, dict):
            entries[str(uid)] = entry
    return entries


def _messages(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, list) else []


def _unknown_uid(message: str) -> dict[str, dict[str, Any]]:
    """The ID an NCBI message says it has no summary for, or ErrorReply for another message."""
    match = _UNKNOWN_UID.search(message)
    if match is None:
        raise ErrorReply(f"NCBI error in {_WHAT}: {message}")
    return {match[1]: {"uid": match[1], "error": message.strip()}}


def _xml_entries(root: _Element) -> dict[str, dict[str, Any]]:
    if root.tag != "eSummaryResult":
        raise ErrorReply(f"{_WHAT}: expected <eSummaryResult>, got <{root.tag}>")
    entries: dict[str, dict[str, Any]] = {}
    for error in root.iterfind("ERROR"):
        entries.update(_unknown_uid(_all_text(error)))
    for summary in root.iterfind("DocumentSummarySet/DocumentSummary"):
        uid = (summary.get("uid") or "").strip()
        if uid:
            entries[uid] = _document_summary(uid, summary)
    for docsum in root.iterfind("DocSum"):
        uid = (docsum.findtext("Id") or "").strip()
        if uid:
            items = {item.get("Name", "").lower(): item.text or "" for item in docsum}
            entries[uid] = {key: value for key, value in items.items() if key} | {"uid": uid}
    return entries


def _document_summary(uid: str, summary: _Element) -> dict[str, Any]:
    error = summary.find("error")
    if error is not None:
        return {"uid": uid, "error": _all_text(error) or "error"}
    fields: dict[str, Any] = {"uid": uid}
    for tag, name in _XML_FIELDS.items():
        text = summary.findtext(tag)
        if text is not None:
            fields[name] = text.strip()
    organism = {
        "scientificname": summary.findtext("Organism/ScientificName")
        or summary.findtext("Orgname")
        or "",
        "taxid": summary.findtext("Organism/TaxID") or summary.findtext("TaxID") or "",
    }
    fields["organism"] = {key: value.strip() for key, value in organism.items()}
    return fields


def _all_text(element: _Element) -> str:
    return " ".join("".join(str(part) for part in element.itertext()).split())
