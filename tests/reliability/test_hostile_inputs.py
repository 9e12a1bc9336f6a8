"""Hostile inputs, each handled in bounded time and memory with a clear outcome: efetch
replies carrying an entity bomb or an external entity, a 200 MB document, a Summary tree
100,000 levels deep, and document names that try to leave the output folder."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from enrich.entrez.cache import CitationCache
from enrich.testing import RecordStore, record_set
from tests.reliability.conftest import (
    RUN_TIMEOUT,
    assert_no_partial_reports,
    document_reports,
    enrich_env,
    report_citations,
    run_command,
    run_enrich,
    synthetic_pmids,
    synthetic_store,
    write_corpus,
)

BOMB_PMID, XXE_PMID, PLAIN_PMID = synthetic_pmids(3, start=92_000_000)
_LAUGHS = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(1, 10)
)  # lol9 is 10**9 "lol"s once expanded
BOMB_HEAD = (
    f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY lol0 "lol">\n{_LAUGHS}]>\n'
).encode()
XXE_HEAD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n'
    b'<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
)
PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "/usr/sbin/nologin", "daemon:")


def _hostile_body(store: RecordStore, pmid: str, head: bytes, entity: bytes) -> bytes:
    """An efetch reply for ``pmid`` under ``head``'s DOCTYPE, its title referencing ``entity``."""
    record = store.get(pmid) or b""
    title_start = record.index(b"<ArticleTitle>") + len(b"<ArticleTitle>")
    record = record[:title_start] + entity + b" " + record[title_start:]
    return head + b"<PubmedArticleSet>\n" + record + b"\n</PubmedArticleSet>\n"


class _HostileEutils(ThreadingHTTPServer):
    """Answers efetch from ``store``, except for PMIDs with a raw hostile body in ``bodies``."""

    daemon_threads = True

    def __init__(self, store: RecordStore, bodies: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _HostileHandler)
        self.store = store
        self.bodies = bodies
        self.asked: list[list[str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/entrez/eutils/"


class _HostileHandler(BaseHTTPRequestHandler):
    server: _HostileEutils
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        ids = [i for raw in form.get("id", []) for i in raw.split(",") if i]
        self.server.asked.append(ids)
        hostile = [self.server.bodies[i] for i in ids if i in self.server.bodies]
        body = hostile[0] if hostile else record_set(self.server.store.get(i) or b"" for i in ids)
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""


@pytest.fixture
def hostile_server() -> Iterator[_HostileEutils]:
    """A server whose efetch replies for BOMB_PMID and XXE_PMID are hostile documents."""
    store = synthetic_store([BOMB_PMID, XXE_PMID, PLAIN_PMID])
    bodies = {
        BOMB_PMID: _hostile_body(store, BOMB_PMID, BOMB_HEAD, b"&lol9;"),
        XXE_PMID: _hostile_body(store, XXE_PMID, XXE_HEAD, b"&xxe;"),
    }
    server = _HostileEutils(store, bodies)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_entity_bomb_and_external_entity_in_efetch_replies(
    hostile_server: _HostileEutils, tmp_path: Path
) -> None:
    """A billion-laughs reply ends its citation unresolved with a reason, asked once (a
    complete reply NCBI would send again is not retried), an external entity is never read,
    the other citation resolves, and the run finishes in bounded time."""
    write_corpus(tmp_path / "docs", [BOMB_PMID, XXE_PMID, PLAIN_PMID], per_document=1)
    out, cache = tmp_path / "out", tmp_path / "cache"
    started = time.monotonic()
    result = run_enrich([tmp_path / "docs"], out, cache, hostile_server.url, "--batch-size", "1")
    assert time.monotonic() - started < 30
    assert result.returncode == 3, result.stderr  # the bomb's citation is unresolved
    assert [ids for ids in hostile_server.asked if BOMB_PMID in ids] == [[BOMB_PMID]]
    assert "Traceback" not in result.stderr
    statuses = {c["pmid"]: c for r in document_reports(out).values() for c in report_citations(r)}
    bomb = statuses[BOMB_PMID]
    assert bomb["status"] == "unresolved" and bomb["reason"].strip()
    assert bomb["record"] is None
    xxe = statuses[XXE_PMID]
    assert xxe["status"] == "resolved" or xxe["reason"].strip()
    assert statuses[PLAIN_PMID]["status"] == "resolved"
    # every file, audit.db's text too (SQLite keeps it as UTF-8 between binary pages)
    everything = "".join(p.read_bytes().decode("utf-8", "replace") for p in out.iterdir())
    assert "lollollol" not in everything
    assert not [m for m in PASSWD_MARKERS if m in everything]
    with CitationCache(cache) as stored:
        assert stored.verify() == []
        assert stored.get_record(BOMB_PMID) is None


# Linux folds a process's high-water RSS into its child's ru_maxrss at exec, so a child of
# this (large) pytest process would report pytest's size.  A small wrapper process runs the
# command instead and reports its own child's peak.
_MEASURE = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def _run_measured(argv: list[str], env: dict[str, str], log: Path) -> tuple[int, float, int]:
    """Run ``argv`` with stdout and stderr to ``log``; its exit code, seconds and peak RSS (KiB)."""
    peak = log.with_suffix(".peak")
    started = time.monotonic()
    with log.open("w") as sink:
        wrapper = [sys.executable, "-c", _MEASURE, str(peak), *argv]
        process = subprocess.Popen(wrapper, env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            code = process.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    return code, time.monotonic() - started, int(peak.read_text())


def test_200_mb_document(make_eutils_server: Any, tmp_path: Path) -> None:
    """A 200 MB document is refused with one line naming the size limit, without being read
    into memory, and the other documents are still processed."""
    docs = tmp_path / "docs"
    write_corpus(docs, [PLAIN_PMID], per_document=1)
    huge = docs / "huge.md"
    with huge.open("wb") as handle:
        block = b"x" * (1 << 20)
        for _ in range(200):
            handle.write(block)
    server = make_eutils_server(synthetic_store([PLAIN_PMID]), rate_limit=None)
    out = tmp_path / "out"
    try:
        code, seconds, peak_kib = _run_measured(
            run_command([docs], out, tmp_path / "cache"), enrich_env(server.url), tmp_path / "log"
        )
    finally:
        huge.unlink()  # pytest keeps the last runs' folders: do not keep 200 MB in each
    print(f"peak RSS {peak_kib // 1024} MB, {seconds:.1f} s")
    log = (tmp_path / "log").read_text()
    assert code == 1, log
    assert "Traceback" not in log
    problems = [line for line in log.splitlines() if "huge.md" in line]
    assert len(problems) == 1 and "over the" in problems[0] and "document limit" in problems[0]
    assert seconds < 15
    assert peak_kib < 160 * 1024, f"peak RSS {peak_kib // 1024} MB: the document was read"
    reports = document_reports(out)
    (plain,) = [r for r in reports.values() if r["path"].endswith("notes_000.md")]
    assert report_citations(plain)[0]["status"] == "resolved"
    assert_no_partial_reports(out)


def _deep_harmonizome(levels: int) -> str:
    """A Harmonizome page whose Summary tree nests ``levels`` bold nodes."""
    tree = '{"type": "root", "children": [' + '{"type": "b", "children": [' * levels
    tree += '{"type": "t", "text": "TWIST2 binds DNA."}' + "]}" * levels + "]}"
    return (
        "| Name | twist family bHLH transcription factor 2 |\n"
        f"| Summary |\n{tree}\n|\n"
        "| NCBI Gene ID | 117581 |\n\n"
        "TWIST2 has 5,254 functional associations with biological entities.\n"
    )


def test_summary_tree_100000_levels_deep(make_eutils_server: Any, tmp_path: Path) -> None:
    """A Summary tree 100,000 levels deep is reported as a problem of its document, without a
    crash, and the other documents are still processed."""
    docs = tmp_path / "docs"
    write_corpus(docs, [PLAIN_PMID], per_document=1)
    (docs / "harmonizome_gene_DEEP.md").write_text(_deep_harmonizome(100_000), encoding="utf-8")
    server = make_eutils_server(synthetic_store([PLAIN_PMID]), rate_limit=None)
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_enrich([docs], out, tmp_path / "cache", server.url)
    assert time.monotonic() - started < 15
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    problems = [line for line in result.stderr.splitlines() if "harmonizome_gene_DEEP" in line]
    assert len(problems) == 1 and problems[0].startswith("error:"), result.stderr
    assert len(document_reports(out)) == 2
    assert_no_partial_reports(out)


ESCAPING_NAMES = [
    "..md",  # the stem is ".."
    "...md",
    "evil\nname.md",  # a newline
    "a\u2215b.md",  # DIVISION SLASH
    "..\u2044..\u2044escape.md",  # FRACTION SLASH
    "..\uff0f..\uff0fescape.md",  # FULLWIDTH SOLIDUS
    "..\\..\\escape.md",  # a backslash is an ordinary character on POSIX
    "index.md",  # the run's own index.html
    "references.md",
    "-rf.md",
]


def test_document_names_cannot_leave_the_output_folder(
    make_eutils_server: Any, tmp_path: Path
) -> None:
    """Documents whose names hold ``..``, newlines, slash look-alikes or the run files' names
    all get their reports, every one of them a plain file directly inside --out."""
    docs = tmp_path / "work" / "docs"
    nested = docs / "a" / "b"
    nested.mkdir(parents=True)
    pmids = synthetic_pmids(len(ESCAPING_NAMES) + 1, start=93_000_000)
    inputs: list[Path] = []
    for name, pmid in zip(ESCAPING_NAMES, pmids, strict=False):
        path = nested / name
        path.write_text(f"TWIST1 binds it (PMID: {pmid}).\n", encoding="utf-8")
        inputs.append(path)
    dotted = nested / ".." / ".." / ".." / "docs" / "a" / "b" / ".." / "up.md"
    (docs / "a" / "up.md").write_text(f"TWIST1 (PMID: {pmids[-1]}).\n", encoding="utf-8")
    inputs.append(dotted)
    server = make_eutils_server(synthetic_store(pmids), rate_limit=None)
    out = tmp_path / "work" / "out" / "reports"
    before = set(tmp_path.rglob("*"))

    result = run_enrich(inputs, out, tmp_path / "cache", server.url, cwd=nested)

    assert result.returncode == 0, result.stderr
    cache = tmp_path / "cache"
    created = set(tmp_path.rglob("*")) - before
    expected = {p for p in created if p in (out, cache, *out.parents) or p.parent == out}
    outside = created - expected - {p for p in created if cache in p.parents}
    assert outside == set(), outside
    for path in out.iterdir():
        assert path.is_file() and not path.is_symlink(), path
        assert path.name.isprintable() and not any(c in path.name for c in "\\\u2215\u2044\uff0f")
    reports = document_reports(out)
    assert sorted(r["path"] for r in reports.values()) == sorted(map(str, inputs))
    assert "<html" in (out / "index.html").read_text(encoding="utf-8").lower()
    assert_no_partial_reports(out)
