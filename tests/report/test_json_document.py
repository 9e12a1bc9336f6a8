"""The per-document JSON report, schema 2: each paper stated once, nothing of schema 1 lost."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from enrich.model import AuditedDocument, CitationVerdict, Resolution
from enrich.report.json_document import SCHEMA, document_json
from tests.conftest import ROOT
from tests.report.synthetic import twist1
from tests.report.varied import varied_documents


def reference(doc: AuditedDocument) -> dict[str, Any]:
    """Schema 2 built plainly from the model's ``to_dict``: what the fast writer must match."""
    papers: dict[str, dict[str, Any]] = {}

    def paper(resolution: Resolution) -> dict[str, Any]:
        record = resolution.record.to_dict() if resolution.record else None
        return {"status": str(resolution.status), "reason": resolution.reason, "record": record}

    def cited(verdict: CitationVerdict) -> dict[str, Any]:
        base = key = verdict.citation.key
        number = 1
        while key in papers and papers[key] != paper(verdict.resolution):
            number += 1
            key = f"{base}#{number}"
        papers.setdefault(key, paper(verdict.resolution))
        flags = [f.to_dict() for f in verdict.flags]
        return {**verdict.citation.to_dict(), "paper": key, "flags": flags}

    claims = []
    for verdict in doc.claims:
        claim = verdict.claim.to_dict()
        claim["citations"] = [cited(c) for c in verdict.citations]
        claim.update(grade=str(verdict.grade), grade_reason=verdict.grade_reason)
        claim["flags"] = [f.to_dict() for f in verdict.flags]
        claims.append(claim)
    loose = [cited(c) for c in doc.citations]
    document = doc.document
    genes = [
        {**g.brief(), "aliases": list(g.record.aliases) if g.record else []} for g in doc.genes
    ]
    return {
        "schema": SCHEMA,
        "path": document.path,
        "style": str(document.style),
        "subject": document.subject.to_dict(),
        "claims": claims,
        "citations": loose,
        "papers": papers,
        "problems": [p.to_dict() for p in document.problems],
        "genes": genes,
    }


def as_schema_1(data: dict[str, Any]) -> dict[str, Any]:
    """README's migration: each citation given its paper's status, reason and record back."""
    papers = data["papers"]

    def inline(citation: dict[str, Any]) -> dict[str, Any]:
        fields = {k: v for k, v in citation.items() if k not in ("paper", "flags")}
        paper = papers[citation["paper"]]
        status = {"status": paper["status"], "reason": paper["reason"]}
        return {**fields, **status, "flags": citation["flags"], "record": paper["record"]}

    claims = [{**c, "citations": [inline(x) for x in c["citations"]]} for c in data["claims"]]
    genes = [{k: v for k, v in g.items() if k != "aliases"} for g in data["genes"]]
    rest = {k: v for k, v in data.items() if k not in ("schema", "papers")}
    return {
        **rest,
        "claims": claims,
        "citations": [inline(c) for c in data["citations"]],
        "genes": genes,
    }


def test_document_json_is_byte_for_byte_json_dumps() -> None:
    """The JSON pieced together from fragments is exactly json.dumps of the plain schema-2
    data, on every shape of document (unresolved, malformed, loose, awkward text, no claims,
    two malformed identifiers of one key described differently)."""
    for doc in varied_documents():
        expected = json.dumps(reference(doc), ensure_ascii=False) + "\n"
        assert document_json(doc) == expected, doc.document.path


def test_schema_2_keeps_everything_schema_1_said() -> None:
    """Each citation given its paper back is exactly what schema 1 wrote (the document and
    claim keys of enrich extract, every flag, status, reason and record)."""
    for doc in varied_documents():
        data = json.loads(document_json(doc))
        assert as_schema_1(data) == json.loads(json.dumps(doc.to_dict())), doc.document.path


def test_each_paper_is_stated_once() -> None:
    """papers holds one entry per cited paper, in order of first citation, every citation
    names one of them, and a database paper cited by every edge is stated once."""
    doc = twist1()
    data = json.loads(document_json(doc))
    assert data["schema"] == SCHEMA == 2
    assert list(data) == [
        *("schema", "path", "style", "subject", "claims", "citations", "papers"),
        *("problems", "genes"),
    ]
    cited = [c for claim in data["claims"] for c in claim["citations"]] + data["citations"]
    assert list(data["papers"]) == list(dict.fromkeys(c["paper"] for c in cited))
    trrust = [c for c in cited if c["paper"] == "pmid:29087512"]
    assert len(trrust) > 20 and document_json(doc).count('"title_markup": "TRRUST v2') == 1
    assert {"status", "reason", "record"} == set(data["papers"]["pmid:29087512"])
    assert {"paper", "flags", "pmid", "doi", "invalid", "title"} <= set(cited[0])
    assert "record" not in cited[0] and "status" not in cited[0]
    assert {"gene_id", "status", "symbol", "names_from", "reason", "aliases"} == set(
        data["genes"][0]
    )


def test_differing_resolutions_of_one_key_name_two_papers() -> None:
    """Two malformed identifiers of one key, described differently, keep both descriptions:
    the second citation names the paper <key>#2."""
    doc = next(d for d in varied_documents() if d.document.path == "empty.txt")
    data = json.loads(document_json(doc))
    keys = [c["paper"] for c in data["citations"]]
    assert "invalid:12x" in keys and "invalid:12x#2" in keys
    first, second = data["papers"]["invalid:12x"], data["papers"]["invalid:12x#2"]
    assert first["status"] == second["status"] == "invalid"
    assert first["reason"] != second["reason"]


def test_readme_reads_a_citation_s_paper_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """README's example of reading each citation's paper runs as written on a schema-2
    report and prints one line per citation of a claim, with its paper's status."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"look each citation's paper up:\n\n```python\n(.*?)```", readme, re.S)
    assert match, "README shows how to read a citation's paper"
    doc = twist1()
    (tmp_path / "reports").mkdir()
    report = tmp_path / "reports" / "tflink_protein_Q15672_TWIST1.json"
    report.write_text(document_json(doc), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(match[1], "README.md", "exec"), {})  # noqa: S102 - the project's own README
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == sum(len(claim.citations) for claim in doc.claims)
    assert lines[0].split()[:3] == ["tfs-1", "23836662", "resolved"]
