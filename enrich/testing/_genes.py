"""NCBI Gene summaries held by the local E-utilities server, and its esummary replies for them.

A summary is a dict of NCBI's JSON fields (``uid``, ``name``, ``description``,
``otheraliases``, ``otherdesignations``, ``status``, ``currentid``, ``organism``...), as
:func:`make_gene_summary` builds it.  A records folder may hold them in ``genes.json``,
shaped like an esummary JSON reply (``result.uids`` and one entry per ID) with a
``note`` saying where they come from.  Replies, in JSON or version 2.0 XML, answer an ID
the store lacks as NCBI does: a JSON entry with an ``error`` field, an XML
``DocumentSummary`` holding an ``error`` element.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "GENES_FILE",
    "GeneStore",
    "gene_reply_json",
    "gene_reply_xml",
    "gene_summaries_file",
    "make_gene_summary",
]

GENES_FILE = "genes.json"  #: a records folder's gene summaries
_UNKNOWN = "cannot get document summary"
_XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSummaryResult PUBLIC "-//NLM//DTD esummary gene 20130116//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20130116/esummary_gene.dtd">\n'
)
_XML_FIELDS = (  # element, JSON field, in NCBI's order
    ("Name", "name"),
    ("Description", "description"),
    ("Status", "status"),
    ("CurrentID", "currentid"),
    ("OtherAliases", "otheraliases"),
    ("OtherDesignations", "otherdesignations"),
    ("NomenclatureSymbol", "nomenclaturesymbol"),
    ("NomenclatureName", "nomenclaturename"),
    ("NomenclatureStatus", "nomenclaturestatus"),
)


def make_gene_summary(
    gene_id: str,
    symbol: str,
    *,
    description: str = "",
    aliases: Sequence[str] = (),
    designations: Sequence[str] = (),
    organism: str = "Homo sapiens",
    tax_id: int = 9606,
    replaced_by: str | None = None,
    discontinued: bool = False,
) -> dict[str, Any]:
    """A gene summary in NCBI's JSON fields: aliases joined by ", ", designations by "|";
    a live record has status and currentid "" (NCBI's 0), a replaced one status "1" and
    the live record's ID, a discontinued one status "2"."""
    status = "1" if replaced_by else "2" if discontinued else ""
    return {
        "uid": gene_id,
        "name": symbol,
        "description": description,
        "status": status,
        "currentid": replaced_by or "",
        "otheraliases": ", ".join(aliases),
        "otherdesignations": "|".join(designations),
        "nomenclaturesymbol": symbol if not replaced_by else "",
        "nomenclaturename": description if not replaced_by else "",
        "nomenclaturestatus": "Official" if not replaced_by else "",
        "organism": {"scientificname": organism, "taxid": tax_id},
    }


def gene_summaries_file(summaries: Iterable[dict[str, Any]], note: str) -> bytes:
    """A ``genes.json`` file: an esummary JSON reply holding ``summaries``, and ``note``."""
    listed = list(summaries)
    result: dict[str, Any] = {"uids": [s["uid"] for s in listed]}
    result.update((s["uid"], s) for s in listed)
    body = {"note": note, "header": {"type": "esummary", "version": "0.3"}, "result": result}
    return (json.dumps(body, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


class GeneStore:
    """A thread-safe, mutable set of gene summaries looked up by Gene ID."""

    def __init__(self, summaries: Iterable[dict[str, Any]] = ()) -> None:
        self._lock = threading.Lock()
        self._genes: dict[str, dict[str, Any]] = {}
        for summary in summaries:
            self.replace(summary)

    @classmethod
    def from_file(cls, path: Path | str) -> GeneStore:
        """The summaries of a ``genes.json`` file; ``ValueError`` naming the file if malformed."""
        try:
            body = json.loads(Path(path).read_bytes())
            result = body["result"]
            return cls(result[str(uid)] for uid in result["uids"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a file of gene summaries ({exc})") from exc

    @classmethod
    def from_folder(cls, folder: Path | str) -> GeneStore:
        """The summaries in ``folder/genes.json``; an empty store when there is none."""
        path = Path(folder) / GENES_FILE
        return cls.from_file(path) if path.is_file() else cls()

    @classmethod
    def default(cls) -> GeneStore:
        """The synthetic summaries of the examples' genes (see ``example_genes``)."""
        from enrich.testing._records import DEFAULT_RECORDS_DIR

        return cls.from_folder(DEFAULT_RECORDS_DIR)

    def replace(self, summary: dict[str, Any]) -> None:
        """Add or overwrite a summary (``ValueError`` without ``uid`` and ``name``)."""
        if not summary.get("uid") or not summary.get("name"):
            raise ValueError("a gene summary needs a uid and a name")
        with self._lock:
            self._genes[str(summary["uid"])] = dict(summary)

    def remove(self, gene_id: str) -> None:
        """Forget ``gene_id``; ``KeyError`` if it is not held."""
        with self._lock:
            del self._genes[gene_id]

    def get(self, gene_id: str) -> dict[str, Any] | None:
        return self._genes.get(gene_id.strip())

    def ids(self) -> list[str]:
        return list(self._genes)

    def __len__(self) -> int:
        return len(self._genes)

    def __contains__(self, gene_id: object) -> bool:
        return isinstance(gene_id, str) and gene_id in self._genes


def gene_reply_json(store: GeneStore, ids: Sequence[str]) -> bytes:
    """An esummary JSON reply for ``ids``: NCBI's shape, an ``error`` entry per unknown ID,
    and an ``esummaryresult`` message per ID that is no number."""
    numbers = [i for i in ids if i.isdigit()]
    result: dict[str, Any] = {"uids": numbers}
    for gene_id in numbers:
        result[gene_id] = store.get(gene_id) or {"uid": gene_id, "error": _UNKNOWN}
    body: dict[str, Any] = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
    invalid = [f"Invalid uid {i} at position={n}" for n, i in enumerate(ids) if not i.isdigit()]
    if invalid:
        body["esummaryresult"] = invalid
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def gene_reply_xml(store: GeneStore, ids: Sequence[str]) -> bytes:
    """An esummary version 2.0 XML reply for ``ids``, an ``error`` element per unknown ID."""
    parts = [_XML_HEAD, "<eSummaryResult>\n"]
    parts += [f"<ERROR>Invalid uid {escape(i)} at position={n}</ERROR>\n"
              for n, i in enumerate(ids) if not i.isdigit()]  # fmt: skip
    parts.append('<DocumentSummarySet status="OK">\n')
    for gene_id in (i for i in ids if i.isdigit()):
        parts.append(_document_summary(gene_id, store.get(gene_id)))
    parts.append("</DocumentSummarySet>\n</eSummaryResult>\n")
    return "".join(parts).encode("utf-8")


def _document_summary(gene_id: str, summary: dict[str, Any] | None) -> str:
    head = f"<DocumentSummary uid={quoteattr(gene_id)}>\n"
    if summary is None:
        return f"{head}\t<error>{_UNKNOWN}</error>\n</DocumentSummary>\n"
    lines = [head]
    for element, name in _XML_FIELDS:
        value = str(summary.get(name, ""))
        if name in ("status", "currentid") and not value:
            value = "0"  # JSON's "" is XML's 0
        lines.append(f"\t<{element}>{escape(value)}</{element}>\n")
    organism = summary.get("organism") or {}
    lines.append(
        f"\t<Organism>\n\t\t<ScientificName>{escape(str(organism.get('scientificname', '')))}"
        f"</ScientificName>\n\t\t<TaxID>{escape(str(organism.get('taxid', '')))}</TaxID>\n"
        "\t</Organism>\n</DocumentSummary>\n"
    )
    return "".join(lines)
