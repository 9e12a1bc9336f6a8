"""The report of ``enrich refresh``: ``refresh-<date>.md`` and ``.json`` in the output folder.

:func:`write_refresh_report` writes (or extends) the day's report: the report of a
day gathers every change found that day, across runs, each change once.  Both
files are written atomically, inside the output folder.  When the folder holds the
reports of an ``enrich run`` (its ``audit.db``), each change names the documents that
cite the paper: those whose reports the next run rewrites.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from enrich.entrez.refresh import RefreshResult
from enrich.figures import count
from enrich.folders import open_regular
from enrich.report.commit import recover
from enrich.report.database import documents_citing
from enrich.report.files import atomic_write_text, inside, prepare_out_dir
from enrich.report.markdown import md_escape, pubmed_url

__all__ = ["write_refresh_report"]


def write_refresh_report(out_dir: Path, day: dt.date, result: RefreshResult) -> list[Path]:
    """Write (or extend) the day's refresh report; returns the two paths."""
    json_path = out_dir / f"refresh-{day.isoformat()}.json"
    earlier = _read_report(json_path)
    seen = {(c["pmid"], c["kind"], c["detail"]) for c in earlier.get("changes", [])}
    changes = earlier.get("changes", []) + [
        asdict(c) for c in result.changes if (c.pmid, c.kind, c.detail) not in seen
    ]
    data = {
        "date": day.isoformat(),
        "runs": earlier.get("runs", 0) + 1,
        "checked": earlier.get("checked", 0) + result.checked,
        "refreshed": earlier.get("refreshed", 0) + result.refreshed,
        "failed": result.failed,
        "changes": changes,
        "genes": {
            "checked": earlier.get("genes", {}).get("checked", 0) + result.genes_checked,
            "refreshed": earlier.get("genes", {}).get("refreshed", 0) + result.genes_refreshed,
            "changed": earlier.get("genes", {}).get("changed", 0) + result.genes_changed,
            "failed": result.genes_failed,
        },
    }
    folder = prepare_out_dir(out_dir)
    recover(folder)  # a report set's commit that a dead run left half done is finished first
    citing = documents_citing(folder / "audit.db", (c["pmid"] for c in changes))
    data["audit_db"] = citing is not None
    for change in changes:
        change["documents"] = (citing or {}).get(change["pmid"], [])
    md_path = inside(folder, f"refresh-{day.isoformat()}.md")
    json_path = inside(folder, json_path.name)  # named as md_path is: both in the same form
    atomic_write_text(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(md_path, _markdown(data))
    return [md_path, json_path]


def _read_report(path: Path) -> dict[str, Any]:
    """The day's earlier report, or {} when there is none that can be read.  Only a regular
    file is read, never blocking nor through a link: a FIFO planted there would hang the
    refresh (and its lock) for ever, a link have another file read into the report."""
    fd = open_regular(path, follow=False)
    if fd is None:
        return {}
    try:
        with os.fdopen(fd, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _markdown(data: dict[str, Any]) -> str:
    genes = data["genes"]
    lines = [
        f"# Citation refresh {data['date']}",
        "",
        f"Records checked: {count(data['checked'])}; refreshed: {count(data['refreshed'])}; "
        f"failed (retried next run): {count(data['failed'])}; runs today: {count(data['runs'])}.",
        "",
        f"NCBI Gene summaries checked: {count(genes['checked'])}; refreshed: "
        f"{count(genes['refreshed'])}; with changed names (the audit's no_mention may change): "
        f"{count(genes['changed'])}; failed (retried next run): {count(genes['failed'])}.",
        "",
    ]
    if not data["changes"]:
        return "\n".join([*lines, "No changes.", ""])
    if data["audit_db"]:
        lines += [
            "Cited by: the documents of the last `enrich run` into this folder that cite the "
            "paper; the next run rewrites their reports.",
            "",
        ]
    else:
        lines += [
            "No audit.db here: which documents cite each paper is in the reports of "
            "`enrich run --out` this folder.",
            "",
        ]
    lines += ["| PMID | change | detail | title | cited by |", "|---|---|---|---|---|"]
    for c in data["changes"]:
        link = f"[{md_escape(c['pmid'])}]({pubmed_url(c['pmid'])})"
        cells = [md_escape(c[key]) for key in ("kind", "detail", "title")]
        lines.append("| " + " | ".join([link, *cells, _cited_by(c["documents"])]) + " |")
    return "\n".join([*lines, ""])


def _cited_by(documents: list[str], shown: int = 3) -> str:
    """``"2: a.md, b.md"``, ``"5: a.md, b.md, c.md and 2 more"``, or ``"0"``."""
    names = ", ".join(md_escape(d) for d in documents[:shown])
    more = f" and {count(len(documents) - shown)} more" if len(documents) > shown else ""
    return f"{count(len(documents))}: {names}{more}" if documents else "0"
