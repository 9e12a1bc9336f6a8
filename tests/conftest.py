"""Shared test helpers: where the project's examples and ../shared live, and the local
E-utilities server fixtures (``eutils_server``, ``make_eutils_server``) from enrich.testing."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(scope="session", autouse=True)
def _private_limiter_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The machine-wide rate limiter of the tests, and of every enrich they start, keeps its
    state in a folder of the test session, not in the home folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
        yield
