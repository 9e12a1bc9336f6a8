"""The per-document JSON report."""

from __future__ import annotations

import json

from enrich.report.json_document import SCHEMA, document_json
from tests.report.synthetic import twist1
from tests.report.varied import varied_documents


def test_document_json_is_to_dict_with_schema() -> None:
    """The per-document JSON is AuditedDocument.to_dict() plus "schema": 1, with stable keys."""
    doc = twist1()
    data = json.loads(document_json(doc))
    assert data.pop("schema") == SCHEMA == 1
    assert data == json.loads(json.dumps(doc.to_dict()))
    assert list(data) == ["path", "style", "subject", "claims", "citations", "problems", "genes"]
    claim = data["claims"][0]
    assert {"grade", "grade_reason", "flags", "citations"} <= set(claim)
    assert claim["grade_reason"].startswith(f"{claim['grade']}: ")
    assert {"gene_id", "status", "symbol", "names_from", "reason"} == set(data["genes"][0])
    assert {"status", "flags", "record", "reason"} <= set(claim["citations"][0])


def test_document_json_is_byte_for_byte_json_dumps() -> None:
    """The JSON pieced together from fragments is exactly json.dumps of to_dict, on every
    shape of document (unresolved, malformed, loose, awkward text, no claims)."""
    for doc in varied_documents():
        expected = json.dumps({"schema": SCHEMA, **doc.to_dict()}, ensure_ascii=False) + "\n"
        assert document_json(doc) == expected, doc.document.path
