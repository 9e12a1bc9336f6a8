"""Shared test helpers: where the project's examples and ../shared live, and the local
E-utilities server fixtures (``eutils_server``, ``make_eutils_server``) from enrich.testing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest_plugins = ["enrich.testing.pytest_plugin"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
DATA = ROOT / "tests" / "data"  #: the project's own small fixture files
TWIST1 = EXAMPLES / "tflink_protein_Q15672_TWIST1.md"
TWIST2 = EXAMPLES / "harmonizome_gene_TWIST2.md"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the calling test with a reason where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the shared NCBI/TFLink material")
    return path


NOBODY = 65534  #: the unprivileged user (and group) ``as_unprivileged`` runs as


def as_unprivileged(folder: Path, call: Callable[[], str]) -> str:
    """What ``call`` returns (or ``raised Name: message``) run with ``folder`` as the current
    folder and, where the tests run as root (as CI does), as user nobody in a forked child:
    root reads and writes whatever a file's mode says, so a permission test would check
    nothing. ``folder`` is made searchable by all; ``call`` should use paths relative to it."""

    def result() -> str:
        try:
            return call()
        except Exception as exc:  # reported to the test, which asserts on it
            return f"raised {type(exc).__name__}: {exc}"

    if os.geteuid() != 0:
        before = Path.cwd()
        os.chdir(folder)
        try:
            return result()
        finally:
            os.chdir(before)
    folder.chmod(folder.stat().st_mode | 0o111)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        code = 1
        try:
            os.close(read)
            os.chdir(folder)
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            os.write(write, result().encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        said = pipe.read().decode()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, f"the unprivileged child failed: {said!r}"
    return said


@pytest.fixture(scope="session", autouse=True)
def _private_limiter_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The machine-wide rate limiter of the tests, and of every enrich they start, keeps its
    state in a folder of the test session, not in the home folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
        yield


def count_record_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The PMIDs whose cached records ``CitationCache.get_record`` is asked for from now on
    (until the test ends, or ``monkeypatch`` is undone), in order."""
    return _count_reads(monkeypatch, "get_record")


def count_gene_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Gene IDs whose cached summaries ``CitationCache.get_gene`` is asked for from now
    on (until the test ends, or ``monkeypatch`` is undone), in order."""
    return _count_reads(monkeypatch, "get_gene")


def _count_reads(monkeypatch: pytest.MonkeyPatch, method: str) -> list[str]:
    from enrich.entrez import CitationCache

    reads: list[str] = []
    read = getattr(CitationCache, method)

    def counted(cache: CitationCache, key: str) -> object:
        reads.append(key)
        return read(cache, key)

    monkeypatch.setattr(CitationCache, method, counted)
    return reads
