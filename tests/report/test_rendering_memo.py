"""The renderers remember fragments across documents; what they remember must never show."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from enrich.model import AuditedDocument
from enrich.report import json_document, markdown, tables, viewer
from enrich.report.json_document import document_json
from enrich.report.tables import claim_rows, tsv_line
from enrich.report.view import DocumentEntry
from tests.report.varied import varied_documents


def reports(doc: AuditedDocument) -> tuple[object, ...]:
    """Every per-document output of ``doc``."""
    renderers: tuple[Callable[[AuditedDocument], object], ...] = (
        markdown.render_markdown,
        viewer.render_html,
        document_json,
        lambda d: "".join(tsv_line(row) for row in claim_rows(d)),
        lambda d: DocumentEntry.of(d, "name"),
    )
    return tuple(render(doc) for render in renderers)


def forget() -> None:
    """Empty every cache of the report modules."""
    modules: tuple[ModuleType, ...] = (json_document, markdown, tables, viewer)
    for module in modules:
        for value in vars(module).values():
            if hasattr(value, "cache_clear") and hasattr(value, "cache_info"):
                value.cache_clear()


def test_reports_do_not_depend_on_what_was_rendered_before() -> None:
    """Each document's reports are the same rendered first, last, or after every other."""
    docs = varied_documents()
    forget()
    forward = [reports(doc) for doc in docs]
    backward = [reports(doc) for doc in reversed(docs)][::-1]
    assert backward == forward
    for doc, expected in zip(docs, forward, strict=True):
        forget()
        assert reports(doc) == expected, doc.document.path
