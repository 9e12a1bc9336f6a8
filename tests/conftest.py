"""Shared test helpers: where the project's examples and ../shared live, and the local
E-utilities server fixtures (``eutils_server``, ``make_eutils_server``) from enrich.testing."""

from __future__ import annotations

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
