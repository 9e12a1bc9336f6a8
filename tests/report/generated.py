"""A generated corpus run once for the report tests that need a whole run at some scale:
the corpus of README's audit.db examples (``python benchmarks/generate_corpus.py corpus
--documents 300 --pmids 3000``), served by the local E-utilities server and run with
``enrich run corpus/docs --out reports --cache-dir cache`` from its folder, as README says."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.corpus import CorpusSpec, write_corpus
from enrich.testing import EutilsServer

#: README's example corpus: the defaults of benchmarks/generate_corpus.py but for its size
SPEC = CorpusSpec(documents=300, pmids=3000, seed=1)


@dataclass(frozen=True)
class GeneratedRun:
    """A generated corpus under ``root`` (``corpus/``), its run's ``reports/`` and ``cache/``,
    and the environment that points enrich at the server still serving its records."""

    root: Path
    env: dict[str, str]

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def enrich(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``enrich ARGS --cache-dir cache``, run from the corpus's folder."""
        command = [sys.executable, "-m", "enrich", *args, "--cache-dir", "cache"]
        return subprocess.run(
            command, cwd=self.root, env=self.env, capture_output=True, text=True, check=False
        )


def generated_run(root: Path, server: EutilsServer) -> GeneratedRun:
    """Write the corpus of :data:`SPEC` under ``root`` and run enrich over it against ``server``
    (serving ``root/corpus/records``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENRICH_", "NCBI_"))}
    env.update(
        ENRICH_EUTILS_URL=server.url,
        NCBI_API_KEY="report-tests-key",  # 10 requests/s instead of 3
        NCBI_EMAIL="curator@example.org",
        CI="true",
    )
    run = GeneratedRun(root, env)
    done = run.enrich("run", "corpus/docs", "--out", "reports")
    assert done.returncode == 0, done.stderr
    return run


def write_generated_corpus(root: Path) -> Path:
    """Write the corpus of :data:`SPEC` under ``root/corpus``; return its records folder."""
    write_corpus(root / "corpus", SPEC)
    return root / "corpus" / "records"
