"""The public face: what ``import enrich`` offers, and README's library example as written."""

from __future__ import annotations

import inspect
import logging
import re
from pathlib import Path

import pytest

import enrich
from enrich.testing import EutilsServer
from tests.conftest import ROOT


def test_all_is_sorted_and_names_exactly_the_public_names() -> None:
    """Every public non-module name of the package is in ``enrich.__all__`` once (nothing is
    exported by accident or forgotten); ruff's RUF022 keeps it sorted."""
    assert len(set(enrich.__all__)) == len(enrich.__all__)
    public = {
        name
        for name, value in vars(enrich).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert set(enrich.__all__) == public | {"__version__"}


def test_all_pins_what_library_users_need() -> None:
    """Reading, enriching, writing, resolving, settings, the model types and the error root
    are all importable from ``enrich``."""
    needed = {
        "read_documents", "iter_documents", "read_document",
        "enrich_documents", "run_enrichment", "Enrichment", "RunOutcome",
        "ReportWriter", "render_document",
        "resolve_citations", "resolve_citations_async", "resolve_genes",
        "resolve_genes_async", "Resolved", "EutilsSettings", "DEFAULT_EUTILS_URL",
        "load_settings", "Settings", "AuditSettings",
        "Document", "Claim", "Citation", "PaperRecord", "Resolution", "Status", "Grade",
        "Flag", "FlagName", "ClaimVerdict", "CitationVerdict", "AuditedDocument", "RunSummary",
        "EnrichError",
    }  # fmt: skip
    assert needed <= set(enrich.__all__)


def _readme_library_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Library use", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README's Library use section has a python block"
    return match[1]


def test_readme_library_example_runs_as_written(
    eutils_server: EutilsServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """README's example, run from a copy of the project folder against the local server,
    prints a line per claim of the examples and writes the reports."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENRICH_EUTILS_URL", eutils_server.url)
    monkeypatch.setenv("ENRICH_CACHE_DIR", str(tmp_path / "cache"))
    exec(compile(_readme_library_example(), "README.md", "exec"), {})  # noqa: S102
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 54  # the claims of the two examples
    assert all(re.fullmatch(r"[\w-]+ [ABCD]( [a-z_]+)*", line) for line in lines), lines
    assert any(line.startswith("tfs-1 ") for line in lines)
    assert (tmp_path / "reports" / "index.html").is_file()
    assert (tmp_path / "reports" / "audit.tsv").is_file()


def test_paths_may_be_strings_relative_and_not_yet_made(
    eutils_server: EutilsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every public function taking a path takes a string too (relative to the working
    folder; a cache or report folder that does not exist yet is made), as ``os.fspath``
    users expect, instead of failing with "'str' object has no attribute 'mkdir'"."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    eutils = enrich.EutilsSettings(base_url=eutils_server.url)
    audit = enrich.AuditSettings()
    settings = enrich.load_settings(config_file="absent.yaml", environ={})
    assert settings.cache_dir == Path("cache")
    twist1 = "examples/tflink_protein_Q15672_TWIST1.md"
    assert enrich.read_document(twist1).claims
    documents = enrich.read_documents(["examples"])
    assert [d.path for d in documents] == [d.path for d in enrich.iter_documents(["examples"])]
    keys = ["pmid:18598946"]
    resolved = enrich.resolve_citations(keys, cache_dir="new/cache", eutils=eutils)
    assert resolved.resolutions[keys[0]].status is enrich.Status.RESOLVED
    assert enrich.resolve_genes(["7291"], cache_dir="new/cache", eutils=eutils).lookups
    run = enrich.enrich_documents(documents, cache_dir="new/cache", eutils=eutils, audit=audit)
    with enrich.ReportWriter("new/reports", run=run.run_info) as writer:
        writer.add(run.documents[0])
        writer.finish(run.summary)
    assert (tmp_path / "new" / "reports" / "index.html").is_file()
    outcome = enrich.run_enrichment(
        [twist1], out_dir="new/run", cache_dir="new/cache", eutils=eutils, audit=audit
    )
    assert outcome.summary.documents == 1
    assert (tmp_path / "new" / "run" / "index.html").is_file()


@pytest.mark.parametrize(
    "call",
    [
        lambda: enrich.read_documents("examples"),  # a str is an Iterable[str]: mypy lets it by
        lambda: list(enrich.iter_documents(Path("examples"))),  # type: ignore[arg-type]
        lambda: enrich.resolve_citations(
            "pmid:18598946", cache_dir="c", eutils=enrich.EutilsSettings(), offline=True
        ),
        lambda: enrich.resolve_genes(
            "7291", cache_dir="c", eutils=enrich.EutilsSettings(), offline=True
        ),
    ],
)
def test_one_string_where_a_list_is_wanted_is_refused(call: object, tmp_path: Path) -> None:
    """One string (or path) given where a list of them is wanted raises TypeError saying so,
    instead of reading each of its characters as a path, citation key or Gene ID."""
    assert callable(call)
    with pytest.raises(TypeError, match=r"must be a list, not one"):
        call()


def test_the_enrich_logger_has_a_null_handler_and_propagates() -> None:
    """Importing enrich gives its logger a NullHandler, as libraries do, so that its warnings
    never reach an application's stderr through Python's last-resort handler, and still
    reach the handlers the application configures."""
    logger = logging.getLogger("enrich")
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)
    assert logging.getLogger("enrich.entrez").propagate
