"""Report stage: audited documents in, report files out.

Its rooms:

* :mod:`~enrich.report.view`: the view of a document the renderers share;
* :mod:`~enrich.report.summary`: a run's counts in words, the same on every output;
<<<<<<< HEAD
* :mod:`~enrich.report.html`: the self-contained HTML page (its stylesheet, its script
  ``report.js``, the legend) and the pieces ``index.html`` is drawn with;
* renderers, pure: :mod:`~enrich.report.json_document` (the per-document JSON),
  :mod:`~enrich.report.viewer` (the per-document HTML: that JSON and the script that
  draws the report from it in the browser), :mod:`~enrich.report.markdown`,
  :mod:`~enrich.report.index`, :mod:`~enrich.report.tables` (audit.tsv and the audit
  table), :mod:`~enrich.report.bibliography` (BibTeX, CSL-JSON, RIS), and
  :mod:`~enrich.report.document`, which renders the per-document outputs asked for;
* writers: :mod:`~enrich.report.files` (safe names, atomic and staged files),
  :mod:`~enrich.report.writer` (:class:`ReportWriter`, a run's reports) and
  :mod:`~enrich.report.refresh` (the report of ``enrich refresh``).
=======
* :mod:`~enrich.report.provenance`: where a report comes from (when, by which enrich, from
  which E-utilities server, test data or not), one small value every renderer is given;
* :mod:`~enrich.report.sections`: the HTML that explains the audit (legend, Gene IDs);
* renderers, pure: :mod:`~enrich.report.markdown`, :mod:`~enrich.report.html`,
  :mod:`~enrich.report.json_document`, :mod:`~enrich.report.index`,
  :mod:`~enrich.report.tables` (audit.tsv and the audit table),
  :mod:`~enrich.report.bibliography` (BibTeX, CSL-JSON, RIS),
  :mod:`~enrich.report.rows` (a document's rows of audit.db),
  :mod:`~enrich.report.dashboard` (index.html's dashboard sections), and
  :mod:`~enrich.report.document`, which renders every per-document output at once;
* writers: :mod:`~enrich.report.files` (safe names, atomic files, spooled texts),
  :mod:`~enrich.report.database` (audit.db), :mod:`~enrich.report.writer`
  (:class:`ReportWriter`, a run's reports), :mod:`~enrich.report.listing` (what
  ``enrich audit`` prints) and :mod:`~enrich.report.refresh` (the report of ``enrich
  refresh``).
>>>>>>> issue-13
"""

from __future__ import annotations

from enrich.report.document import (
    DEFAULT_FORMATS,
    FORMATS,
    RenderedDocument,
    WrittenDocument,
    bibliography_entries,
    parse_formats,
    render_document,
)
from enrich.report.index import render_index
from enrich.report.markdown import render_markdown
from enrich.report.refresh import write_refresh_report
from enrich.report.summary import summary_rows
from enrich.report.view import DocumentEntry
from enrich.report.viewer import render_html
from enrich.report.writer import ReportWriter, write_document

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "DocumentEntry",
    "RenderedDocument",
    "ReportWriter",
    "WrittenDocument",
    "bibliography_entries",
    "parse_formats",
    "render_document",
    "render_html",
    "render_index",
    "render_markdown",
    "summary_rows",
    "write_document",
    "write_refresh_report",
]
