"""Hostile files among the inputs of ``enrich run``: each is one line naming it, in bounded
time and memory, and the other documents are still reported on.

A FIFO (which would block a reader forever), a symbolic link to ``/dev/zero`` (size 0,
endless), a Unix socket, a TFLink page with an alias bomb aliased into a scalar field, one
with a duplicate key, one with too many rows, a text of too many identifiers, and a UTF-16
document (read, not called binary).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any

from tests.reliability.conftest import (
    assert_no_partial_reports,
    document_reports,
    report_citations,
    run_enrich,
    synthetic_pmids,
    synthetic_store,
)

PLAIN, WIDE = synthetic_pmids(2, start=94_000_000)
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n" for n in range(8)
)
ROW = "EZH2,Q15910,2146,ReMap,ChIP-seq,{pmid}%5Buid%5D,No"


def _hostile_folder(docs: Path) -> dict[str, str]:
    """Write the hostile inputs into ``docs``; return, per file name, a word its line must hold."""
    docs.mkdir()
    (docs / "plain.md").write_text(f"TWIST1 binds it (PMID: {PLAIN}).\n", encoding="utf-8")
    (docs / "wide.md").write_bytes(f"TWIST1 (PMID: {WIDE}) café\n".encode("utf-16"))
    os.mkfifo(docs / "pipe.md")
    (docs / "zero.md").symlink_to("/dev/zero")
    page = "---\nprotein_name: {}\ntfs: |-\n  {}\n---\n"
    (docs / "bomb.md").write_text(f"---\n{BOMB}protein_name: *i\ntfs: ''\n---\n", encoding="utf-8")
    twice = page.format("TWIST1", ROW.format(pmid=PLAIN)).replace("---\n", "---\ntfs: x\n", 1)
    (docs / "twice.md").write_text(twice, encoding="utf-8")
    rows = "\n  ".join(ROW.format(pmid=PLAIN) for _ in range(100_001))
    (docs / "rows.md").write_text(page.format("TWIST1", rows), encoding="utf-8")
    (docs / "many.md").write_text("PMID: 1\n" * 100_001, encoding="utf-8")
    return {
        "pipe.md": "FIFO",
        "zero.md": "character device",
        "sock.md": "socket",
        "bomb.md": "alias",
        "twice.md": "duplicate key 'tfs'",
        "rows.md": "over the limit",
        "many.md": "over the limit",
    }


def test_hostile_files_are_one_line_each(make_eutils_server: Any, tmp_path: Path) -> None:
    """Every hostile file is one ``error:`` line naming it and its problem, the run ends in
    seconds with exit 1 and no traceback, and the plain and UTF-16 documents resolve."""
    docs = tmp_path / "docs"
    expected = _hostile_folder(docs)
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(docs / "sock.md"))
        server = make_eutils_server(synthetic_store([PLAIN, WIDE]), rate_limit=None)
        out = tmp_path / "out"
        started = time.monotonic()
        result = run_enrich([docs], out, tmp_path / "cache", server.url, timeout=60)
        seconds = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert seconds < 30
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    for name, word in expected.items():
        lines = [line for line in errors if f"{docs / name}:" in line]
        assert len(lines) == 1 and word in lines[0], (name, errors)
    assert len(errors) == len(expected), errors
    statuses = {
        Path(report["path"]).name: [c["status"] for c in report_citations(report)]
        for report in document_reports(out).values()
    }
    assert statuses["plain.md"] == ["resolved"] and statuses["wide.md"] == ["resolved"]
    assert_no_partial_reports(out)
