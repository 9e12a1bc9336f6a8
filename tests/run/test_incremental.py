"""Incremental runs: a run keeps what has not changed and writes exactly what a ``--full``
run into a fresh folder writes, whatever happened since the last run.

The corpus is generated (benchmarks/corpus.py: TFLink and Harmonizome pages, synthetic
records and gene summaries), fetched once from the local E-utilities server into a cache;
every run after that is offline, so a run's summary does not depend on what an earlier
run fetched, and the two runs compared see the same cache.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enrich
from benchmarks.corpus import CorpusSpec, write_corpus
from enrich.audit import AuditSettings
from enrich.entrez import CitationCache, EutilsSettings, parse_record
from enrich.entrez.gene import GeneSummary
from enrich.errors import OutputError
from enrich.model import PaperRecord, RunSummary, Style
from enrich.report import document as report_document
from enrich.report.bibliography import BibliographyEntry
from enrich.report.commit import RUN_LOCK
from enrich.run import RunOutcome, incremental, run_enrichment
from enrich.run.incremental import STATE, Incremental
from enrich.testing import EutilsServer, GeneStore, RecordStore, make_record
from tests.conftest import TWIST2, count_gene_reads, count_record_reads

LIVE = 8  #: documents in the corpus at the start; the others are added later
EPOCH = "1767225600"  #: SOURCE_DATE_EPOCH: every run says it was made at the same time


@dataclass(frozen=True)
class Warm:
    """A generated corpus, its records' PMIDs, and a cache holding all it cites."""

    documents: list[Path]
    pmids: list[str]
    cache: Path
    url: str


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warm]:
    root = tmp_path_factory.mktemp("incremental")
    write_corpus(root / "corpus", CorpusSpec(documents=LIVE + 4, pmids=90, seed=5))
    records = root / "corpus" / "records"
    pmids = sorted(
        set(re.findall(r"<PMID[^>]*>(\d+)</PMID>", (records / "records-0000.xml").read_text()))
    )
    documents = sorted((root / "corpus" / "docs").rglob("*.md"))
    with EutilsServer(records, rate_limit=None) as server:
        outcome = run_enrichment(
            documents,
            out_dir=root / "warm-up",
            cache_dir=root / "cache",
            eutils=EutilsSettings(base_url=server.url, api_key="k", backoff=0.01),
            audit=AuditSettings(),
        )
        assert outcome.summary.unresolved == 0
        yield Warm(documents, pmids, root / "cache", server.url)


class Folder:
    """One example's world: its documents, its cache, its settings, and the runs made."""

    def __init__(self, warm: Warm, root: Path) -> None:
        self.warm, self.root = warm, root
        self.docs = root / "docs"
        self.docs.mkdir()
        for path in warm.documents[:LIVE]:
            shutil.copy(path, self.docs / path.name)
        self.reserve = list(warm.documents[LIVE:])
        self.cache = root / "cache"
        shutil.copytree(warm.cache, self.cache)
        # No registry of database papers: they are found by their share of the corpus's
        # edges instead, a verdict every document's edit, addition or removal can change.
        self.audit = AuditSettings(resources=())
        self.formats: tuple[str, ...] = ("html", "json")
        self.style: Style | None = None
        self.runs = 0
        self.last_full = RunOutcome(RunSummary(), [])

    def run(self, out: Path, *, full: bool = False) -> RunOutcome:
        return run_enrichment(
            [self.docs],
            out_dir=out,
            cache_dir=self.cache,
            eutils=EutilsSettings(base_url=self.warm.url, api_key="k"),
            audit=self.audit,
            offline=True,
            formats=self.formats,
            style=self.style,
            full=full,
        )

    def full_run(self) -> Path:
        """A ``--full`` run into a fresh folder; its path (its outcome in ``last_full``)."""
        self.runs += 1
        out = self.root / f"full-{self.runs}"
        self.last_full = self.run(out, full=True)
        return out

    # --- changes ---------------------------------------------------------------------------

    def documents(self) -> list[Path]:
        return sorted(self.docs.iterdir())

    def change(self, action: str, rng: random.Random) -> None:
        documents = self.documents()
        if action == "edit" and documents:
            path = rng.choice(documents)
            text = path.read_text(encoding="utf-8")
            cited = [p for p in self.warm.pmids if p in text]
            if cited:  # cite another paper instead of one (the corpus counts change too)
                text = text.replace(cited[0], rng.choice(self.warm.pmids), 1)
            path.write_text(text + "\n", encoding="utf-8")
        elif action == "retouch" and documents:  # the same bytes written again: a new stat
            path = rng.choice(documents)
            path.write_bytes(path.read_bytes())
        elif action == "add" and self.reserve:
            shutil.copy(self.reserve.pop(), self.docs)
        elif action == "remove" and len(documents) > 1:
            rng.choice(documents).unlink()
        elif action == "rename" and documents:
            path = rng.choice(documents)
            path.rename(path.with_name("renamed_" + path.name))
        else:
            self.change_around(action, rng)

    def change_around(self, action: str, rng: random.Random) -> None:
        """A change of what the documents cite, of the settings or of the version."""
        if action in ("change", "retract", "withdraw"):
            self.change_record(action, rng.choice(self.warm.pmids))
        elif action == "elsewhere":
            self.store_elsewhere(rng)
        elif action == "mistype":
            self.mistype(rng)
        elif action == "misidentify":
            self.misidentify(rng)
        elif action == "regene":
            self.regene(rng.choice(self.genes_given()))
        elif action == "settings":
            share = 0.1 if self.audit.resource_share == 0.25 else 0.25
            self.audit = AuditSettings(resources=(), resource_share=share)
        elif action == "formats":
            self.formats = ("html", "json", "md") if len(self.formats) == 2 else ("html", "json")
        elif action == "upgrade":
            enrich.__version__ = enrich.__version__ + ".post1"

    def store_elsewhere(self, rng: random.Random) -> None:
        """Store in the cache what another corpus's run would: a record and a not-found
        answer for PMIDs no document here cites (the corpus's are of seven digits), and
        NCBI Gene's answer for a Gene ID no document gives (theirs are below 200,000)."""
        pmid = str(rng.randrange(100, 999))
        xml = make_record(pmid, title="Another corpus's paper", journal="J", year=2021)
        with CitationCache(self.cache) as cache:
            cache.put_records([(parse_record(xml), xml)])
            cache.put_missing(str(int(pmid) + 1000))
            cache.put_gene_missing(str(rng.randrange(500_000, 600_000)))

    def genes_given(self) -> list[str]:
        """The Gene IDs the documents give, in order."""
        texts = (path.read_text(encoding="utf-8") for path in self.documents())
        return sorted({g for text in texts for g in re.findall(r"ncbi_gene_id: '(\d+)'", text)})

    def regene(self, gene_id: str) -> None:
        """Store in the cache what a refresh would when NCBI Gene renames ``gene_id``: a new
        official symbol, the old one kept as an alias."""
        with CitationCache(self.cache) as cache:
            cached = cache.get_gene(gene_id)
            assert cached is not None
            old = cached.record
            new = dataclasses.replace(
                old, symbol=old.symbol + "R", aliases=(*old.aliases, old.symbol)
            )
            cache.put_genes([GeneSummary(gene_id, new)], test_data=cached.test_data)

    def mistype(self, rng: random.Random) -> None:
        """Mistype the PMID of a Harmonizome reference (its DOI kept), and store in the cache
        what a run with the network would: PubMed lacks the typo, the DOI is its paper's."""
        changed = self.relink(rng, lambda pmid: "9" + pmid)  # eight digits: no record has it
        if changed is not None:
            doi, pmid, typo = changed
            with CitationCache(self.cache) as cache:
                cache.put_missing(typo)
                cache.put_doi(doi.lower(), pmid)

    def misidentify(self, rng: random.Random) -> None:
        """Give a Harmonizome reference the PMID of another paper of the corpus, its DOI and
        title kept: both contradict that PMID's record."""
        self.relink(rng, lambda pmid: rng.choice([p for p in self.warm.pmids if p != pmid]))

    def relink(
        self, rng: random.Random, other: Callable[[str], str]
    ) -> tuple[str, str, str] | None:
        """Replace the PMID of a Harmonizome reference by ``other(pmid)``; its DOI, PMID and
        the new PMID (None when no page has a reference)."""
        pages = [path for path in self.documents() if "harmonizome" in path.name]
        if not pages:
            return None
        path = rng.choice(pages)
        text = path.read_text(encoding="utf-8")
        references = _REFERENCE.findall(text)
        if not references:
            return None
        doi, pmid = rng.choice(references)
        new = other(pmid)
        link = f'"text": "{pmid}"}}], "href": "https://pubmed.ncbi.nlm.nih.gov/{pmid}"'
        path.write_text(text.replace(link, link.replace(pmid, new)), encoding="utf-8")
        return doi, pmid, new

    def change_record(self, action: str, pmid: str) -> None:
        with CitationCache(self.cache) as cache:
            if action == "withdraw":
                cache.drop_record(pmid)
                return
            kinds = ("Journal Article",)
            relations: list[tuple[str, str | None, str]] = []
            if action == "retract":
                kinds += ("Retracted Publication",)
                relations.append(("RetractionIn", "39999999", "Synthetic Journal. 2026"))
            xml = make_record(
                pmid,
                title=f"A changed title of {pmid}",
                journal="Synthetic Journal",
                year=2020,
                publication_types=kinds,
                relations=relations,
            )
            cache.put_records([(parse_record(xml), xml)])


#: a Harmonizome reference's DOI and PMID links
_REFERENCE = re.compile(
    r'doi\.org/([^"]+)"\}, \{"type": "t", "text": " PMID: "\}, '
    r'\{"type": "a", "children": \[\{"type": "t", "text": "(\d+)"\}'
)


def snapshot(folder: Path) -> dict[str, object]:
    """Every file of a report set by name: its bytes, audit.db as its rows (SQLite's own
    page layout is not the point), the run state and lock left out."""
    found: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.name in (STATE, RUN_LOCK):
            continue
        if path.name == "audit.db":
            with closing(sqlite3.connect(path)) as db:
                found[path.name] = sorted(db.iterdump())
        else:
            found[path.name] = path.read_bytes()
    return found


def network_aside(summary: RunSummary) -> RunSummary:
    return dataclasses.replace(
        summary, requests=0, cache_hits=0, gene_requests=0, gene_cache_hits=0
    )


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


@contextmanager
def fixed_time_and_version() -> Iterator[None]:
    version, epoch = enrich.__version__, os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        yield
    finally:
        enrich.__version__ = version
        if epoch is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch


ACTIONS = (
    *("edit", "retouch", "add", "remove", "rename", "change", "retract", "withdraw"),
    *("settings", "formats", "upgrade", "nothing", "elsewhere", "mistype", "misidentify"),
    "regene",
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2**32)), min_size=1, max_size=5
    )
)
def test_incremental_output_equals_a_full_run_after_any_changes(
    warm: Warm, steps: list[tuple[str, int]]
) -> None:
    """After any sequence of edits, rewrites of the same bytes, additions, removals, renames,
    record changes, retractions, withdrawals, gene renames, settings, formats and version changes,
    answers another corpus stores in the shared cache, PMIDs mistyped beside their DOI and
    references given another paper's PMID, the incremental run's report set is the one a
    --full run writes into a fresh folder; after no change, or only the other corpus's, it
    reads and writes nothing (but the state's note of the cache's version).
    Inputs are trusted by their stat however recently they changed (every edit here
    changes a document's size), so that the runs take digests from the state."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        fixed_time_and_version(),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(incremental, "RACY_NS", 0)
        world = Folder(warm, Path(tmp))
        out = world.root / "out"
        world.run(out)
        for action, seed in steps:
            world.change(action, random.Random(seed))
            before = mtimes(out)
            outcome = world.run(out)
            assert snapshot(out) == snapshot(world.full_run()), (action, outcome.kept)
            assert outcome.problems == world.last_full.problems
            assert network_aside(outcome.summary) == network_aside(world.last_full.summary)
            if action in ("nothing", "elsewhere"):  # the state (and the cache's log) prove
                # it: nothing read, no report written; the state notes a new cache version
                assert not outcome.written and not outcome.read
                after = mtimes(out)
                assert (
                    after == before
                    if action == "nothing"
                    else after | {STATE: 0} == (before | {STATE: 0})
                )


@pytest.fixture
def world(warm: Warm, tmp_path: Path) -> Iterator[Folder]:
    with fixed_time_and_version():
        folder = Folder(warm, tmp_path)
        folder.run(tmp_path / "out")
        yield folder


def test_a_changed_record_rewrites_only_the_documents_citing_it(world: Folder) -> None:
    """After a record changes, only the documents citing it are rendered again; the others'
    files keep their bytes and mtime."""
    out = world.root / "out"
    texts = {p.name: p.read_text(encoding="utf-8") for p in world.documents()}
    counts = {p: sum(p in t for t in texts.values()) for p in world.warm.pmids}
    pmid = min((p for p in counts if counts[p] == 1), key=int)  # cited by one document
    before = mtimes(out)
    world.change_record("change", pmid)
    outcome = world.run(out)
    assert outcome.written and outcome.kept == len(texts) - 1
    touched = {name for name, mtime in mtimes(out).items() if before.get(name) != mtime}
    run_files = {"references.json", ".enrich-manifest.json"}
    changed_reports = {n for n in touched if n.endswith(".json") and n not in run_files}
    assert len(changed_reports) == len(texts) - outcome.kept >= 1
    assert snapshot(out) == snapshot(world.full_run())


def test_a_mistyped_pmid_follows_what_pubmed_says_of_it_and_of_its_doi(world: Folder) -> None:
    """A reference's PMID mistyped beside its DOI: the page is audited by the DOI's paper; when
    the DOI's record changes, or PubMed later gets a record for the typo, the page (and only
    it) is rendered again, as a --full run renders it."""
    out = world.root / "out"
    world.mistype(random.Random(3))
    first = world.run(out)
    page = next(p for p in out.glob("*.json") if "audited instead" in p.read_text())
    found = re.search(r"no record for PMID (\d+); its DOI (\S+) is PMID (\d+)", page.read_text())
    assert found is not None and first.kept == len(world.documents()) - 1
    typo, doi, pmid = found.groups()
    assert snapshot(out) == snapshot(world.full_run())
    for changed, title in (
        (pmid, "The DOI's paper, changed"),
        (typo, "A paper the typo names after all"),
    ):
        xml = make_record(changed, title=title, doi=doi, journal="J", year=2020)
        with CitationCache(world.cache) as cache:
            cache.put_records([(parse_record(xml), xml)])
        outcome = world.run(out)
        assert outcome.kept == len(world.documents()) - 1 and title in page.read_text()
        assert snapshot(out) == snapshot(world.full_run())
    assert "audited instead" not in page.read_text()


def test_after_a_record_changes_only_the_records_needed_are_read(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache's change log proves every other record unchanged since the last run: the
    run reads the changed record and those of the document it renders again, no other
    (what it writes is what --full writes).  Without the log (a copy of the cache that
    went its own way) it reads them all."""
    out = world.root / "out"
    texts = {p: p.read_text(encoding="utf-8") for p in world.documents()}
    counts = {p: sum(p in t for t in texts.values()) for p in world.warm.pmids}
    pmid = min((p for p in counts if counts[p] == 1), key=int)
    citing = next(text for text in texts.values() if pmid in text)
    world.change_record("change", pmid)
    asked = count_record_reads(monkeypatch)
    outcome = world.run(out)
    assert outcome.kept == LIVE - 1
    assert pmid in asked and {p for p in asked if p not in citing} == set()
    monkeypatch.undo()
    assert snapshot(out) == snapshot(world.full_run())
    assert network_aside(outcome.summary) == network_aside(world.last_full.summary)
    assert outcome.sources == world.last_full.sources

    world.change_record("retract", pmid)
    with CitationCache(world.cache) as cache:  # the log no longer reaches back
        for number in range(cache.version().changes + 1):
            cache.delete_meta(f"log:{number}")
    asked = count_record_reads(monkeypatch)
    world.run(out)
    with closing(sqlite3.connect(out / STATE)) as db:
        cited = {key for (key,) in db.execute("SELECT key FROM keys WHERE key LIKE 'pmid:%'")}
    assert {f"pmid:{p}" for p in asked} == cited
    monkeypatch.undo()
    assert snapshot(out) == snapshot(world.full_run())


def test_gene_summaries_known_unchanged_are_read_only_for_the_documents_rendered_again(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a record changes, the run reads the gene summaries of the document it renders
    again, no other (the state and the cache's log prove them unchanged; the summary still
    counts them, as cache hits); a gene renamed since is read, and the documents giving it
    are rendered again (what --full writes, each time)."""
    out = world.root / "out"
    texts = {p: p.read_text(encoding="utf-8") for p in world.documents()}
    counts = {p: sum(p in t for t in texts.values()) for p in world.warm.pmids}
    genes = genes_of_documents(out)
    citing_one = {
        p: next(str(d) for d, t in texts.items() if p in t) for p in counts if counts[p] == 1
    }
    pmid = min(citing_one, key=lambda p: (len(genes[citing_one[p]]), int(p)))
    citing = citing_one[pmid]
    world.change_record("change", pmid)
    asked = count_gene_reads(monkeypatch)
    outcome = world.run(out)
    assert outcome.kept == LIVE - 1
    assert asked and set(asked) <= genes[citing] < set().union(*genes.values())
    monkeypatch.undo()
    assert snapshot(out) == snapshot(world.full_run())
    assert network_aside(outcome.summary) == network_aside(world.last_full.summary)
    assert outcome.summary.gene_cache_hits == world.last_full.summary.gene_cache_hits > 0
    assert outcome.sources == world.last_full.sources

    gene_id = min(set().union(*genes.values()) - genes[citing])
    giving = sum(gene_id in given for given in genes.values())
    world.regene(gene_id)
    asked = count_gene_reads(monkeypatch)
    renamed = world.run(out)
    assert gene_id in asked and renamed.kept == LIVE - giving
    monkeypatch.undo()
    assert snapshot(out) == snapshot(world.full_run())
    assert network_aside(renamed.summary) == network_aside(world.last_full.summary)


def genes_of_documents(out: Path) -> dict[str, set[str]]:
    """The Gene IDs each document gives, by its path, as the state in ``out`` records."""
    with closing(sqlite3.connect(out / STATE)) as db:
        rows = db.execute("SELECT path, scan FROM docs").fetchall()
    return {path: set(json.loads(scan)["gene_ids"]) for path, scan in rows}


def test_after_a_record_changes_only_the_documents_citing_it_are_fingerprinted(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the set's inputs are as the state records them, a document whose keys and genes
    are all known unchanged keeps its recorded fingerprint without making it again: only
    the documents citing the changed record are fingerprinted (and the set is --full's).
    After an edit (the corpus's counts may change every key's share) all of them are."""
    out = world.root / "out"
    texts = {p: p.read_text(encoding="utf-8") for p in world.documents()}
    pmid = min(world.warm.pmids, key=lambda p: (sum(p in t for t in texts.values()), int(p)))
    citing = {str(path) for path, text in texts.items() if pmid in text}
    world.change_record("change", pmid)
    made = count_fingerprints(monkeypatch)
    outcome = world.run(out)
    assert outcome.kept == LIVE - len(citing)
    assert made == citing
    monkeypatch.undo()
    assert snapshot(out) == snapshot(world.full_run())

    world.change("edit", random.Random(3))
    made = count_fingerprints(monkeypatch)
    world.run(out)
    assert made == {str(path) for path in world.documents()}
    monkeypatch.undo()
    assert snapshot(out) == snapshot(world.full_run())


def count_fingerprints(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The paths of the documents whose fingerprints a run makes from now on (until
    ``monkeypatch`` is undone)."""
    made: set[str] = set()
    fingerprint = Incremental.fingerprint

    def counted(self: Incremental, number: int, *args: object) -> str:
        if number not in self.fingerprints:
            made.add(str(self.files[number]))
        return fingerprint(self, number, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Incremental, "fingerprint", counted)
    return made


def test_the_papers_of_records_known_unchanged_are_vouched_for_not_made_again(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The document rendered again after a record changed cites other papers, known
    unchanged: their bibliography entries come from the state and their audit.db rows
    stay, so the run makes the changed paper's entry alone, and writes what --full
    writes.  An entry the state lacks is made anew from the cache."""
    out = world.root / "out"
    texts = {p: p.read_text(encoding="utf-8") for p in world.documents()}
    counts = {p: sum(p in t for t in texts.values()) for p in world.warm.pmids}
    pmid = min((p for p in counts if counts[p] == 1), key=int)
    citing = next(text for text in texts.values() if pmid in text)
    others = [p for p in world.warm.pmids if p != pmid and p in citing]
    assert others  # else the test proves nothing
    made: list[str] = []
    entry = report_document.bibliography_entry

    def counted(record: PaperRecord) -> BibliographyEntry:
        made.append(record.pmid)
        return entry(record)

    world.change_record("change", pmid)
    monkeypatch.setattr(report_document, "bibliography_entry", counted)
    outcome = world.run(out)
    monkeypatch.undo()
    assert outcome.kept == LIVE - 1
    assert made == [pmid]
    assert snapshot(out) == snapshot(world.full_run())

    with closing(sqlite3.connect(out / STATE)) as db, db:
        db.execute("DELETE FROM papers WHERE pmid = ?", (others[0],))
    world.change_record("retract", pmid)
    world.run(out)
    assert snapshot(out) == snapshot(world.full_run())


def test_answers_that_expire_or_are_asked_again_are_never_taken_as_known(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A not-found answer expires (the log learns of it only once it is forgotten), and an
    unresolved key is asked again by a run with the network: neither is taken as known."""
    out = world.root / "out"
    withdrawn, changed = world.warm.pmids[0], world.warm.pmids[1]
    world.change_record("withdraw", withdrawn)
    world.run(out)
    world.change_record("change", changed)
    taken: dict[str, object] = {}
    known = Incremental.known

    def recorded(self: Incremental, keys: Iterable[str]) -> object:
        taken.update(known(self, keys))
        return taken

    monkeypatch.setattr(Incremental, "known", recorded)
    world.run(out)
    monkeypatch.undo()
    assert taken and f"pmid:{withdrawn}" not in taken and f"pmid:{changed}" not in taken
    assert snapshot(out) == snapshot(world.full_run())


def test_a_record_changed_by_another_process_during_the_run_is_not_taken_as_known(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record the state knows unchanged, changed by another process after the run asked
    the log (and before it read the record for a document it renders again): the run sees
    the contradiction, reads every record and decides again, so its set is --full's."""
    out = world.root / "out"
    texts = {p: p.read_text(encoding="utf-8") for p in world.documents()}
    citing = {p: [d for d, t in texts.items() if p in t] for p in world.warm.pmids}
    pmid = next(p for p in sorted(citing, key=int) if len(citing[p]) >= 2)
    edited = citing[pmid][1]
    edited.write_text(texts[edited] + "\n", encoding="utf-8")
    known = Incremental.known

    def known_then_changed(self: Incremental, keys: Iterable[str]) -> object:
        found = known(self, keys)
        world.change_record("change", pmid)
        return found

    monkeypatch.setattr(Incremental, "known", known_then_changed)
    world.run(out)
    monkeypatch.undo()
    assert snapshot(out) == snapshot(world.full_run())


def test_a_gene_renamed_by_another_process_during_the_run_is_read_again_next_run(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gene summary the state knows unchanged, changed by another process after the run
    asked the log: the run's set is made from what the log told, and the state does not
    claim the cache's later version, so the next run renders the documents giving the gene
    again (its set is --full's)."""
    out = world.root / "out"
    genes = genes_of_documents(out)
    edited = min(genes, key=lambda path: len(genes[path]))
    gene_id = min(set().union(*genes.values()) - genes[edited])
    Path(edited).write_text(Path(edited).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    known_genes = Incremental.known_genes

    def known_then_renamed(self: Incremental, gene_ids: Iterable[str]) -> object:
        found = known_genes(self, gene_ids)
        assert gene_id in found
        world.regene(gene_id)
        return found

    monkeypatch.setattr(Incremental, "known_genes", known_then_renamed)
    world.run(out)
    monkeypatch.undo()
    world.run(out)
    assert snapshot(out) == snapshot(world.full_run())


@pytest.mark.parametrize("how", ["renamed", "damaged", "renamed, inputs as recorded"])
def test_a_known_gene_read_for_a_document_rendered_again_must_be_as_known(
    world: Folder, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A gene summary the state knows unchanged that is not what the state knows once it is
    read for a document rendered again (renamed by another process after the run asked the
    log, or a damaged entry the cache drops when read): as for a record (see
    ``confirms``), the run sees the contradiction, reads every gene summary and decides
    again, so the documents kept do not give the old names while the one rendered again
    gives the new: its set is --full's.  So too when the inputs are all as recorded (the
    document is rendered again for a record it alone cites, the others giving the gene
    keep their recorded fingerprints unmade)."""
    out = world.root / "out"
    genes = genes_of_documents(out)
    texts = {str(path): path.read_text(encoding="utf-8") for path in world.documents()}
    alone = {p: [d for d, t in texts.items() if p in t] for p in world.warm.pmids}
    alone = {p: citing[0] for p, citing in alone.items() if len(citing) == 1}
    gene_id, edited = next(
        (g, path)
        for g in sorted(set().union(*genes.values()), key=int)
        if sum(g in ids for ids in genes.values()) >= 2
        for path in sorted(genes)
        if g in genes[path] and path in alone.values()
    )
    if how.endswith("as recorded"):
        world.change_record("change", next(p for p, path in alone.items() if path == edited))
    else:
        Path(edited).write_text(texts[edited] + "\n", encoding="utf-8")
    if how == "damaged":
        _damage_entry(world.cache, f"gene:{gene_id}")
    known_genes = Incremental.known_genes

    def known_then_renamed(self: Incremental, gene_ids: Iterable[str]) -> object:
        found = known_genes(self, gene_ids)
        assert gene_id in found
        if how.startswith("renamed"):
            world.regene(gene_id)
        return found

    monkeypatch.setattr(Incremental, "known_genes", known_then_renamed)
    outcome = world.run(out)
    monkeypatch.undo()
    assert snapshot(out) == snapshot(world.full_run())
    assert network_aside(outcome.summary) == network_aside(world.last_full.summary)


def _damage_entry(cache: Path, key: str) -> None:
    """Overwrite the stored value of the cache entry ``key`` with bytes that do not decode,
    behind the cache's back (its version and log say nothing of it)."""
    with closing(sqlite3.connect(cache / "cache.db")) as db, db:
        rows = db.execute("SELECT rowid, key FROM Cache").fetchall()
        (rowid,) = [r for r, k in rows if json.loads(zlib.decompress(k)) == key]
        db.execute("UPDATE Cache SET value = ? WHERE rowid = ?", (b"\xde\xad\xbe\xef", rowid))


def record_101(title: str) -> bytes:
    """PMID 101, with a DOI of its own, titled ``title``."""
    return make_record("101", title=title, doi="10.1000/aaa", journal="J", year=2020)


@dataclass(frozen=True)
class Online:
    """A local server's records, a folder of documents, their cache, and a run of them."""

    store: RecordStore
    docs: Path
    cache: Path
    run: Callable[..., RunOutcome]  #: (out, full=False): enrich run online into ``out``


@contextmanager
def online(tmp_path: Path, records: list[bytes], documents: dict[str, str]) -> Iterator[Online]:
    """``documents`` (name -> text) run online against a local server of ``records``."""
    store = RecordStore.from_records(records)
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    docs.mkdir()
    for name, text in documents.items():
        (docs / name).write_text(text, encoding="utf-8")
    with EutilsServer(store, rate_limit=None) as server, fixed_time_and_version():
        settings = EutilsSettings(base_url=server.url, api_key="k", backoff=0.01)

        def run(out: Path, full: bool = False) -> RunOutcome:
            return run_enrichment(
                [docs],
                out_dir=out,
                cache_dir=cache,
                eutils=settings,
                audit=AuditSettings(),
                full=full,
            )

        yield Online(store, docs, cache, run)


def test_a_record_the_run_itself_replaced_after_reading_it_is_read_again_next_time(
    tmp_path: Path,
) -> None:
    """A run reads PMID 101 from the cache, then fetches it anew on behalf of its DOI
    (another content): the state does not vouch for what it read, and the next run (which
    reads 101 again) writes what --full writes."""
    records = [record_101("First title"), make_record("103", title="Other")]
    documents = {"a.txt": "PMID: 101\nPMID: 103\n", "c.txt": "PMID: 103\n"}
    with online(tmp_path, records, documents) as world:
        out = tmp_path / "out"
        world.run(out)
        with CitationCache(world.cache) as cached:
            cached.put_records(
                [(parse_record(record_101("Cached title")), record_101("Cached title"))]
            )
        world.store.replace(record_101("Server title"))
        (world.docs / "b.txt").write_text("doi:10.1000/aaa\n", encoding="utf-8")
        world.run(out)
        (world.docs / "c.txt").write_text("PMID: 103\n\n", encoding="utf-8")
        world.run(out)
        world.run(tmp_path / "full", full=True)
    assert snapshot(out) == snapshot(tmp_path / "full")


def test_a_paper_fetched_anew_during_the_run_is_not_vouched_for(tmp_path: Path) -> None:
    """NCBI changed PMID 101 (no refresh yet); a document kept cites it by PMID (known, so
    vouched for), a new one by its DOI, which fetches the new record during the run: the
    papers of a run that fetches are not vouched for, so its bibliography entry and
    audit.db row are the new record's, and once the kept citer is gone the set is what
    --full writes (with vouching, the old entry and row stayed for good: a review found
    it)."""
    records = [record_101("First title"), make_record("103", title="Other")]
    records.append(make_record("105", title="Third"))
    documents = {"a.txt": "PMID: 101\nPMID: 103\n", "c.txt": "PMID: 103\n", "d.txt": "PMID: 105\n"}
    with online(tmp_path, records, documents) as world:
        out = tmp_path / "out"
        world.run(out)
        world.store.replace(record_101("Server title"))
        (world.docs / "b.txt").write_text("doi:10.1000/aaa\n", encoding="utf-8")
        assert world.run(out).kept == 3  # a, c and d: the previous audit.db is started from
        assert "Server title" in (out / "references.bib").read_text(encoding="utf-8")
        (world.docs / "a.txt").unlink()
        world.run(out)
        world.run(tmp_path / "full", full=True)
        assert snapshot(out) == snapshot(tmp_path / "full")
        world.run(out)
    assert snapshot(out) == snapshot(tmp_path / "full")


def test_a_cached_answer_that_expired_since_the_last_run_is_not_taken_as_unchanged(
    world: Folder,
) -> None:
    """A run that changed nothing proves it from the state without reading the cache; once
    a cached answer the reports were made from expires (a PMID PubMed did not have), the
    next run reads again, and writes what a --full run writes."""
    out = world.root / "out"
    pmid = world.warm.pmids[0]
    with CitationCache(world.cache, missing_ttl=1.0) as cache:
        cache.drop_record(pmid)
    assert world.run(out).written
    again = world.run(out)
    assert not again.written and not again.read
    time.sleep(1.1)
    later = world.run(out)
    assert later.read and later.written
    assert later.summary.citations != again.summary.citations  # the PMID is now unresolved
    assert snapshot(out) == snapshot(world.full_run())


def test_a_not_found_answer_read_as_the_state_knows_it_costs_no_fingerprint(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PMID PubMed lacks is read from the cache every run (that answer expires); read as
    the state knows it, the documents citing it keep their recorded fingerprints when
    another record changes; once the answer has expired they are rendered again (each
    time what --full writes)."""
    out = world.root / "out"
    texts = {str(p): p.read_text(encoding="utf-8") for p in world.documents()}
    counts = {p: sum(p in t for t in texts.values()) for p in world.warm.pmids}
    lacking, changed = sorted(counts, key=lambda p: (-counts[p], int(p)))[:2]
    with CitationCache(world.cache, missing_ttl=2.0) as cache:
        cache.drop_record(lacking)
    world.run(out)
    world.change_record("change", changed)
    made = count_fingerprints(monkeypatch)
    looked = world.run(out)
    monkeypatch.undo()
    assert made == {path for path, text in texts.items() if changed in text}
    assert looked.summary.citations.get("not_found") == 1
    assert snapshot(out) == snapshot(world.full_run())
    time.sleep(2.1)
    world.change_record("retract", changed)
    made = count_fingerprints(monkeypatch)
    later = world.run(out)
    monkeypatch.undo()
    assert made == {path for path, text in texts.items() if changed in text or lacking in text}
    assert later.summary.citations.get("not_found") is None
    assert snapshot(out) == snapshot(world.full_run())


def test_a_report_file_changed_by_hand_is_written_again(world: Folder) -> None:
    """A kept document's report file that is not as the run left it (edited, removed) is
    not trusted: its document is rendered again, and the set is a full run's."""
    out = world.root / "out"
    html = sorted(out.glob("*.html"))
    html[0].write_text("edited by hand", encoding="utf-8")
    (out / html[1].name.replace(".html", ".json")).unlink()
    outcome = world.run(out)
    assert outcome.kept == LIVE - 2
    assert snapshot(out) == snapshot(world.full_run())


def test_inputs_given_twice_and_reports_inside_the_inputs_are_read_once(world: Folder) -> None:
    """The same documents given twice are one corpus, and a report folder inside the input
    folder is never read as input: run after run, the same documents."""
    out = world.docs / "reports"
    for _ in range(2):
        outcome = run_enrichment(
            [world.docs, world.documents()[0], world.docs],
            out_dir=out,
            cache_dir=world.cache,
            eutils=EutilsSettings(base_url=world.warm.url, api_key="k"),
            audit=world.audit,
            offline=True,
        )
        assert outcome.summary.documents == LIVE


def test_one_file_reached_by_other_paths_is_one_input(world: Folder) -> None:
    """A document named again through ``..``, or reached by a symbolic link inside the input
    folder, is read once: the same documents, claims and grades as the folder alone."""
    alone = world.run(world.root / "alone")
    first = world.documents()[0]
    (world.docs / f"link-{first.name}").symlink_to(first)
    again = world.docs / ".." / world.docs.name / first.name
    outcome = run_enrichment(
        [world.docs, again],
        out_dir=world.root / "out",
        cache_dir=world.cache,
        eutils=EutilsSettings(base_url=world.warm.url, api_key="k"),
        audit=world.audit,
        offline=True,
    )
    assert outcome.summary.documents == LIVE
    assert (outcome.summary.claims, outcome.summary.grades) == (
        alone.summary.claims,
        alone.summary.grades,
    )


def test_the_same_inputs_given_in_another_order_are_not_taken_as_unchanged(
    world: Folder,
) -> None:
    """The inputs' order is that of index.html, audit.tsv and audit.db: the same files given
    in another order (``enrich run b/ a/`` after ``enrich run a/ b/``) keep every document's
    reports, but the run-level files are written in the new order, as --full writes them."""
    documents = world.documents()

    def run(files: list[Path], out: Path, *, full: bool = False) -> RunOutcome:
        return run_enrichment(
            files,
            out_dir=out,
            cache_dir=world.cache,
            eutils=EutilsSettings(base_url=world.warm.url, api_key="k"),
            audit=world.audit,
            offline=True,
            full=full,
        )

    out = world.root / "ordered"
    run(documents, out)
    outcome = run(documents[::-1], out)
    assert outcome.written and outcome.kept == len(documents)
    run(documents[::-1], world.root / "fresh", full=True)
    assert snapshot(out) == snapshot(world.root / "fresh")


def test_an_input_that_cannot_be_read_whole_is_never_taken_as_unchanged(world: Folder) -> None:
    """A FIFO replaced by a symbolic link loop: neither has a digest, and the problem the
    run reports is the one it finds now, as --full's."""
    out = world.root / "out"
    odd = world.docs / "odd.md"
    os.mkfifo(odd)
    world.run(out)
    odd.unlink()
    odd.symlink_to(odd)
    outcome = world.run(out)
    assert outcome.problems == world.run(world.root / "fresh", full=True).problems
    assert snapshot(out) == snapshot(world.root / "fresh")


@pytest.mark.parametrize("damage", ["removed", "edited"])
def test_a_bibliography_changed_by_hand_is_written_again(world: Folder, damage: str) -> None:
    out = world.root / "out"
    bibliography = out / "references.bib"
    if damage == "removed":
        bibliography.unlink()
    else:
        bibliography.write_text("junk", encoding="utf-8")
    world.run(out)
    assert snapshot(out) == snapshot(world.full_run())


def test_another_fixed_time_renders_every_report_again(world: Folder) -> None:
    """SOURCE_DATE_EPOCH is when every report says it was made: another one is a change."""
    out = world.root / "out"
    os.environ["SOURCE_DATE_EPOCH"] = str(int(EPOCH) + 86400)
    outcome = world.run(out)
    assert outcome.kept == 0
    assert snapshot(out) == snapshot(world.full_run())


def test_another_wordfreq_renders_every_report_again(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """wordfreq's word list decides which gene names are ordinary words (and so which
    mentions count): a run after upgrading it keeps no report made with the old list."""
    out = world.root / "out"
    assert world.run(out).kept == len(list(world.docs.iterdir()))
    monkeypatch.setattr("enrich.run.incremental.version", lambda name: f"{name} upgraded")
    assert world.run(out).kept == 0


def test_another_style_reads_every_document_again(world: Folder) -> None:
    """What pass 1 finds in a document depends on --style: a run with another style reads
    every document again (none of the previous scans), and its set and summary are those
    of a full run with that style."""
    world.style = Style.TEXT
    out = world.root / "out"
    outcome = world.run(out)
    full = world.full_run()
    assert outcome.kept == 0
    assert network_aside(outcome.summary) == network_aside(world.last_full.summary)
    assert snapshot(out) == snapshot(full)


def test_a_state_that_cannot_be_written_is_one_error_and_the_previous_set_stays(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up while the run's state is written (SQLite's "database or disk
    is full"): one OutputError, and the previous report set as it was."""
    out = world.root / "out"
    before = snapshot(out)
    first = world.documents()[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    def full(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Incremental, "_write", full)
    with pytest.raises(OutputError, match=r"cannot write the run's state .*disk is full"):
        world.run(out)
    assert snapshot(out) == before


def test_a_removed_documents_reports_go_even_when_the_manifest_was_lost(world: Folder) -> None:
    """The manifest names the set's files for the commit to remove what a new set lacks; when
    it is lost, the state's record of each document's files still lets the stale ones go."""
    out = world.root / "out"
    (out / ".enrich-manifest.json").unlink()
    world.documents()[0].unlink()
    world.run(out)
    assert snapshot(out) == snapshot(world.full_run())


@pytest.mark.parametrize("damage", ["removed", "damaged", "names another set"])
def test_a_lost_manifest_is_written_again_though_nothing_else_changed(
    world: Folder, damage: str
) -> None:
    """A run that finds nothing changed writes nothing, but a manifest lost or damaged is
    part of the set a --full run writes: it is written again (run-level files with it), the
    documents' reports kept as they are."""
    out = world.root / "out"
    manifest = out / ".enrich-manifest.json"
    if damage == "removed":
        manifest.unlink()
    elif damage == "damaged":
        manifest.write_text("{", encoding="utf-8")
    else:
        manifest.write_text(json.dumps({"files": ["index.html"]}), encoding="utf-8")
    before = mtimes(out)
    outcome = world.run(out)
    assert snapshot(out) == snapshot(world.full_run())
    assert outcome.kept == LIVE
    run_level = ("index.html", "references.json")
    reports = {n: t for n, t in before.items() if n.endswith((".html", ".json"))}
    reports = {n: t for n, t in reports.items() if n not in run_level and n[0] != "."}
    after = mtimes(out)
    assert reports and {n: after[n] for n in reports} == reports


def test_a_damaged_state_falls_back_to_a_full_render(world: Folder) -> None:
    """A state that cannot be read is no proof: every document is rendered again."""
    out = world.root / "out"
    (out / STATE).write_bytes(b"not a database")
    outcome = world.run(out)
    assert outcome.written and outcome.kept == 0
    assert snapshot(out) == snapshot(world.full_run())
    assert world.run(out).written is False  # and the state written then is trusted


KILLED_WHILE_WRITING = """
import os, signal, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size = 1")  # pages go to the file before the commit
db.execute("BEGIN")
db.execute("UPDATE docs SET fingerprint = fingerprint || 'x'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_state_left_mid_write_by_a_killed_process_costs_one_render(world: Folder) -> None:
    """A state a killed process was writing in place (its rollback journal left beside it)
    cannot be read: the next run renders every document, and the state it commits is
    trusted by the run after (the old journal, which belongs to the replaced state and
    would damage the new one if rolled back, goes with it)."""
    out = world.root / "out"
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(out / STATE)])
    assert killed.returncode == -signal.SIGKILL and (out / f"{STATE}-journal").exists()
    assert world.run(out).kept == 0
    assert not (out / f"{STATE}-journal").exists()
    again = world.run(out)
    assert not again.written and not again.read
    assert snapshot(out) == snapshot(world.full_run())


SUMMARY_OF_ANOTHER_SHAPE = json.dumps(
    {**RunSummary().to_dict(), "documents": "eight", "grades": [1]}
)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        *((name, "[1]") for name in ("schema", "fingerprint", "files", "settings", "order")),
        *((name, "[1]") for name in ("cache", "summary", "sources")),
        ("cache", '["a name", 3]'),  # the version's shape before it named its last change
        ("summary", '{"documents": 8}'),
        ("summary", SUMMARY_OF_ANOTHER_SHAPE),
    ],
)
def test_a_state_of_another_shape_proves_nothing(world: Folder, name: str, value: str) -> None:
    """A state whose entries have another shape than this build writes (an older build's,
    a damaged one's) is never trusted nor a crash: the run reads and renders as --full does,
    and says what --full says."""
    out = world.root / "out"
    with closing(sqlite3.connect(out / STATE)) as db, db:
        assert db.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name)).rowcount
    outcome = world.run(out)
    assert outcome.read and outcome.written and outcome.kept == 0
    assert snapshot(out) == snapshot(world.full_run())
    assert network_aside(outcome.summary) == network_aside(world.last_full.summary)


@pytest.mark.parametrize(
    ("column", "field", "value"),
    [
        ("scan", "keys", "x"),
        ("scan", "claims", "many"),
        ("entry", "grades", [1]),
        ("entry", "claims", "many"),
        ("entry", "path", 5),
        ("sources", 0, "a"),
        ("tsv", 1, 10**12),
        ("files", None, 5),
        ("stat", None, "x"),
        ("stat", None, [1, 2, 3]),
    ],
)
def test_a_document_row_of_another_shape_proves_nothing(
    world: Folder, column: str, field: str | int | None, value: object
) -> None:
    """A state row whose JSON has another shape than this build writes is no proof: the
    document is rendered again (never a crash, never a value of the wrong type in a
    report), and the set is --full's."""
    out = world.root / "out"
    with closing(sqlite3.connect(out / STATE)) as db, db:
        path, stored = db.execute(f"SELECT path, {column} FROM docs LIMIT 1").fetchone()  # noqa: S608
        tampered = json.loads(stored)
        if field is None:
            tampered = value
        else:
            tampered[field] = value
        db.execute(f"UPDATE docs SET {column} = ? WHERE path = ?", (json.dumps(tampered), path))  # noqa: S608
    last = world.documents()[-1]
    last.write_text(last.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    outcome = world.run(out)
    assert outcome.kept == LIVE - 2
    assert snapshot(out) == snapshot(world.full_run())
    assert outcome.problems == world.last_full.problems


@pytest.mark.parametrize("damage", ["papers dropped", "keys dropped", "pages overwritten"])
def test_a_state_damaged_past_what_loading_reads_costs_a_render_not_a_crash(
    world: Folder, damage: str
) -> None:
    """A state whose tables loading does not read are gone or damaged cannot be brought up
    to date: a new one is written, and the next run renders the documents it kept."""
    out = world.root / "out"
    if damage == "pages overwritten":
        with (out / STATE).open("r+b") as state:
            state.seek(8192)  # the third page: one that loading the state does not read
            state.write(random.Random(1).randbytes(4096))
    else:
        with closing(sqlite3.connect(out / STATE)) as db, db:
            db.execute(f"DROP TABLE {damage.split()[0]}")
    last = world.documents()[-1]
    last.write_text(last.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    world.run(out)
    assert snapshot(out) == snapshot(world.full_run())
    world.run(out)
    assert snapshot(out) == snapshot(world.full_run())
    assert world.run(out).written is False  # the state written then is trusted


def test_a_changed_records_bibliography_entry_stays_current_in_later_runs(world: Folder) -> None:
    """After a record changes, a later run that keeps the documents citing it (and rewrites
    another) still writes the record's new bibliography entry, as a full run does."""
    out = world.root / "out"
    texts = {p: p.read_text(encoding="utf-8") for p in world.documents()}
    counts = {p: sum(p in t for t in texts.values()) for p in world.warm.pmids}
    pmid = min((p for p in counts if counts[p] == 1), key=int)
    world.change_record("change", pmid)
    world.run(out)
    other = next(path for path, text in texts.items() if pmid not in text)
    other.write_text(texts[other] + "\n", encoding="utf-8")
    outcome = world.run(out)
    assert outcome.kept == len(texts) - 1
    assert f"A changed title of {pmid}" in (out / "references.bib").read_text(encoding="utf-8")
    assert snapshot(out) == snapshot(world.full_run())


def test_names_in_a_tampered_state_are_never_used(world: Folder) -> None:
    """A state whose documents' entries name other files (outside the folder, say) does not
    make the run keep, list or remove anything by those names: the run's own names rule."""
    out = world.root / "out"
    with closing(sqlite3.connect(out / STATE)) as db, db:
        rows = db.execute("SELECT path, entry FROM docs").fetchall()
        for path, entry in rows:
            forged = entry.replace('"name": "', '"name": "../forged_', 1)
            db.execute("UPDATE docs SET entry = ? WHERE path = ?", (forged, path))
    world.documents()[0].write_text(
        world.documents()[0].read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    outcome = world.run(out)
    assert outcome.kept == LIVE - 1
    manifest = (out / ".enrich-manifest.json").read_text(encoding="utf-8")
    assert "forged" not in manifest and not list(world.root.glob("forged_*"))
    assert snapshot(out) == snapshot(world.full_run())


def test_a_state_holding_a_view_proves_nothing_and_is_never_read_through(tmp_path: Path) -> None:
    """The state is a file in --out, anyone's who can write there: one whose ``meta`` is a
    view recursing for ever proves nothing.  Before, reading it never ended, so every
    ``enrich run`` into that folder hung for good."""
    out = tmp_path / "out"
    out.mkdir()
    with closing(sqlite3.connect(out / ".enrich-state.sqlite")) as db:
        db.execute(
            "CREATE VIEW meta AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
            "FROM c) SELECT 'n' || x AS name, 'v' AS value FROM c"
        )
        db.commit()
    code = (
        "from pathlib import Path; from enrich.run.incremental import PreviousRun; "
        f"print(PreviousRun.load(Path({str(out)!r})).documents)"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=20, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "{}\n"), done.stderr


def test_a_cache_change_elsewhere_is_told_apart_by_the_log(world: Folder) -> None:
    """A run whose cache moved on only in entries the set's answers are not made from
    (another corpus's records, not-found answers and gene summaries) reads nothing and
    writes no report, and notes the new version; a change among them in the same stretch
    of the log, or to the summary of a gene a document gives, is no such proof: the run
    reads (and writes what a --full run writes)."""
    out = world.root / "out"
    world.store_elsewhere(random.Random(1))
    quiet = world.run(out)
    assert not quiet.read and not quiet.written
    assert not world.run(out).read  # the state noted the version: no log to look at
    world.store_elsewhere(random.Random(2))
    world.change_record("retract", world.warm.pmids[0])  # one of the set's, logged after
    mixed = world.run(out)
    assert mixed.read and mixed.written
    assert snapshot(out) == snapshot(world.full_run())
    with CitationCache(world.cache) as cache:
        cache.put_gene_missing("999999999")  # a gene no document gives
    assert not world.run(out).read
    given = next(
        g for p in world.documents() for g in re.findall(r"ncbi_gene_id: '(\d+)'", p.read_text())
    )
    with CitationCache(world.cache) as cache:
        cache.put_gene_missing(given)  # a gene a document gives: NCBI Gene lost it
    gene = world.run(out)
    assert gene.read and gene.written
    assert snapshot(out) == snapshot(world.full_run())


@pytest.mark.parametrize("damage", ["row deleted", "status of another shape", "digest as text"])
def test_a_citation_key_the_state_cannot_tell_is_no_proof_from_the_log(
    world: Folder, damage: str
) -> None:
    """The change log proves a set unchanged only for the keys the state holds: one of the
    set's keys whose row is gone or of another shape (a damaged or older state) is no
    proof, so a change to its record since, logged with another corpus's, is read and
    its documents rendered again, as --full renders them."""
    out = world.root / "out"
    with closing(sqlite3.connect(out / STATE)) as db, db:
        (key,) = db.execute(
            "SELECT key FROM keys WHERE key LIKE 'pmid:%' AND status = 'resolved' LIMIT 1"
        ).fetchone()
        change = {
            "row deleted": "DELETE FROM keys WHERE key = ?",
            "status of another shape": "UPDATE keys SET status = 'found' WHERE key = ?",
            "digest as text": "UPDATE keys SET digest = 'abc' WHERE key = ?",
        }[damage]
        assert db.execute(change, (key,)).rowcount == 1
    world.store_elsewhere(random.Random(3))
    world.change_record("retract", key.removeprefix("pmid:"))
    outcome = world.run(out)
    assert outcome.read and outcome.written
    assert snapshot(out) == snapshot(world.full_run())


def count_input_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The inputs the run reads to take their digest, as the run reads them."""
    read: list[Path] = []
    original = incremental.input_digest

    def counted(path: Path) -> tuple[str, incremental.InputStat | None]:
        read.append(path)
        return original(path)

    monkeypatch.setattr(incremental, "input_digest", counted)
    return read


def test_an_input_whose_stat_is_as_recorded_is_not_read_again(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest of an input whose size, times, inode and device are those recorded with
    it is the state's: a run that changed nothing reads no document.  An edit of the same
    size with the modification time set back is still seen (its change time moved): that
    document alone is read, and the set is a full run's."""
    monkeypatch.setattr(incremental, "RACY_NS", 0)  # the documents were copied just now
    out = world.root / "out"
    world.run(out, full=True)  # the state records the inputs' stat
    read = count_input_reads(monkeypatch)
    assert not world.run(out).written
    assert read == []
    path = world.documents()[0]
    text, before = path.read_text(encoding="utf-8"), path.stat()
    pmid = next(p for p in world.warm.pmids if p in text)
    other = next(p for p in world.warm.pmids if p not in text and len(p) == len(pmid))
    path.write_text(text.replace(pmid, other), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    outcome = world.run(out)
    assert read == [path] and outcome.kept == LIVE - 1
    assert snapshot(out) == snapshot(world.full_run())


def test_an_input_changed_just_before_it_was_read_is_read_again_next_time(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write within the same tick of the clock as the reading would leave the file's
    times as they were: an input whose change time is that close to its reading has no
    stat recorded, and the next run reads it again."""
    monkeypatch.setattr(incremental, "RACY_NS", 10**18)  # every input changed "just now"
    out = world.root / "out"
    world.run(out, full=True)
    read = count_input_reads(monkeypatch)
    assert not world.run(out).written
    assert sorted(read) == world.documents()
    with closing(sqlite3.connect(out / STATE)) as db:
        assert {row[0] for row in db.execute("SELECT stat FROM docs")} == {"null"}


def test_an_input_rewritten_as_it_was_is_read_once(
    world: Folder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes written again (a checkout, a copy back) give the input a new stat:
    the next run reads it, finds nothing changed, writes no report and notes the new stat
    in the state; the run after it reads nothing."""
    monkeypatch.setattr(incremental, "RACY_NS", 0)
    out = world.root / "out"
    world.run(out, full=True)
    read = count_input_reads(monkeypatch)
    path = world.documents()[0]
    path.write_bytes(path.read_bytes())
    before = mtimes(out)
    assert not world.run(out).written
    assert read == [path]
    assert mtimes(out) | {STATE: 0} == before | {STATE: 0}
    read.clear()
    assert not world.run(out).written
    assert read == []


def test_an_input_changed_just_before_its_stat_is_not_trusted_however_long_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The racy window is measured from when the stat is taken, not from when the hashing
    ends: a write in the same tick as the change just before the stat leaves the stat as
    it was, and a slow read (a large file, a slow disk, a stopped process) must not make
    that stat trusted.  Here the file changed just now and its reading takes longer than
    the window: no stat is recorded."""
    monkeypatch.setattr(incremental, "RACY_NS", 300_000_000)
    path = tmp_path / "doc.md"
    path.write_text("# a document\n", encoding="utf-8")  # changed just now
    original = incremental.hashlib.file_digest

    def slow(handle: object, name: str) -> object:
        found = original(handle, name)  # type: ignore[arg-type]
        time.sleep(0.35)  # the reading outlasts the racy window
        return found

    monkeypatch.setattr(incremental.hashlib, "file_digest", slow)
    digest, seen = incremental.input_digest(path)
    assert digest and seen is None


def test_a_paper_every_citation_misidentifies_leaves_the_bibliographies(world: Folder) -> None:
    """A reference given another paper's PMID (its DOI and title kept) cites no paper: when
    the last document citing that PMID as its paper goes, and the page stays as it was, the
    incremental run's bibliographies and audit.db lose the paper, as a --full run's do."""
    out = world.root / "out"
    texts = {path: path.read_text(encoding="utf-8") for path in world.documents()}
    page = next(path for path in texts if _REFERENCE.search(texts[path]))
    other = next(
        pmid
        for pmid in world.warm.pmids
        if pmid not in texts[page] and any(pmid in text for text in texts.values())
    )
    _, pmid = _REFERENCE.findall(texts[page])[0]
    link = f'"text": "{pmid}"}}], "href": "https://pubmed.ncbi.nlm.nih.gov/{pmid}"'
    page.write_text(texts[page].replace(link, link.replace(pmid, other)), encoding="utf-8")
    world.run(out)
    assert other in _bibliography(out)
    for path, text in texts.items():
        if other in text:
            path.unlink()
    outcome = world.run(out)
    assert outcome.kept >= 1 and str(page) in [str(p) for p in world.documents()]
    assert other not in _bibliography(out)
    assert snapshot(out) == snapshot(world.full_run())


def _bibliography(out: Path) -> set[str]:
    """The PMIDs of the report set's CSL-JSON bibliography."""
    return {entry.get("PMID") for entry in json.loads((out / "references.json").read_text())}


def test_a_reference_whose_pmid_and_doi_pubmed_both_lack_is_proved_unchanged_by_the_log(
    world: Folder,
) -> None:
    """A reference whose PMID and DOI PubMed both lack (answers cached for a while): another
    corpus's change to the cache leaves the set provably unchanged (nothing read, nothing
    written); once the DOI's answer expires, the next run reads again and writes what a
    --full run writes."""
    out = world.root / "out"
    changed = world.relink(random.Random(5), lambda pmid: "9" + pmid)
    assert changed is not None
    doi, _, typo = changed
    with CitationCache(world.cache, missing_ttl=2.0) as cache:
        cache.put_missing(typo)
        cache.put_doi(doi.lower(), None)
    assert world.run(out).written
    world.store_elsewhere(random.Random(6))
    again = world.run(out)
    assert not again.read and not again.written
    time.sleep(2.1)
    later = world.run(out)
    assert later.read and later.written
    assert snapshot(out) == snapshot(world.full_run())


class _FailingSearches(httpx.AsyncBaseTransport):
    """A transport to a real server whose esearch requests fail (HTTP 500) while ``failing``."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.failing = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failing and request.url.path.endswith("esearch.fcgi"):
            return httpx.Response(500, content=b"<html>Internal Server Error</html>")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_a_fallback_whose_doi_search_failed_is_asked_again_next_run(
    make_eutils_server: Callable[..., EutilsServer], tmp_path: Path
) -> None:
    """A PMID PubMed lacks given with a DOI whose search failed (a server error) leaves its
    fallback key unresolved: the page says not_found, not the DOI's paper.  That is no final
    answer: the run must not record its answers as final, so the next run with the network
    asks the DOI again and writes what a --full run writes, the DOI's paper audited instead,
    instead of finding 'nothing changed'; the summary counts the DOI unresolved."""
    server = make_eutils_server(RecordStore.default(), genes=GeneStore.default(), rate_limit=None)
    docs = tmp_path / "docs"
    docs.mkdir()
    page = TWIST2.read_text(encoding="utf-8")
    typo = page.replace("/18598946", "/18598964").replace('"18598946"', '"18598964"')
    (docs / "twist2.md").write_text(typo, encoding="utf-8")
    transport = _FailingSearches()

    def run(out: Path, *, full: bool = False) -> RunOutcome:
        return run_enrichment(
            [docs],
            out_dir=out,
            cache_dir=tmp_path / "cache",
            eutils=EutilsSettings(base_url=server.url, api_key="k", backoff=0.01, max_attempts=1),
            audit=AuditSettings(),
            transport=transport,
            full=full,
        )

    with fixed_time_and_version():
        out = tmp_path / "out"
        first = run(out)
        assert "audited instead" not in (out / "twist2.json").read_text()  # the search failed
        assert first.summary.unresolved == 1  # the DOI: the run says so (exit code 3)
        transport.failing = False
        run(out)
        run(tmp_path / "full", full=True)  # (the run files differ by their network counts)
        for name in ("twist2.json", "twist2.html"):
            assert (out / name).read_bytes() == (tmp_path / "full" / name).read_bytes()
    assert "audited instead" in (out / "twist2.json").read_text()


def _dangling_papers(out: Path) -> tuple[set[str], set[str]]:
    """audit.db's citations.paper values lacking a papers row, and papers rows no citation
    points at."""
    with closing(sqlite3.connect(out / "audit.db")) as db:
        cited = {p for (p,) in db.execute("SELECT paper FROM citations WHERE paper IS NOT NULL")}
        papers = {p for (p,) in db.execute("SELECT pmid FROM papers")}
    return cited - papers, papers - cited


def test_a_paper_only_misidentified_before_gets_its_papers_row_once_cited_as_itself(
    world: Folder,
) -> None:
    """A PMID the previous set cited only misidentified (so its audit.db had no papers row
    and its bibliographies no entry) is known, hence vouched for when the next run starts
    from the previous audit.db; a document rendered again that cites it as its paper must
    still give its papers row and entry: as --full does."""
    out = world.root / "out"
    # no paper is a resource for its share of the corpus: a document's change leaves the
    # others' reports as they are, so the next runs keep most and start from audit.db
    world.audit = AuditSettings(resources=(), resource_min_edges=10**9)
    texts = {path: path.read_text(encoding="utf-8") for path in world.documents()}
    page = next(path for path in texts if _REFERENCE.search(texts[path]))
    citing = {
        pmid: [path for path, text in texts.items() if pmid in text]
        for pmid in world.warm.pmids
        if pmid not in texts[page]
    }
    other = min((p for p in citing if citing[p]), key=lambda p: len(citing[p]))
    _, pmid = _REFERENCE.findall(texts[page])[0]
    link = f'"text": "{pmid}"}}], "href": "https://pubmed.ncbi.nlm.nih.gov/{pmid}"'
    page.write_text(texts[page].replace(link, link.replace(pmid, other)), encoding="utf-8")
    for path in citing[other]:
        path.unlink()
    world.run(out)
    assert other not in _bibliography(out)
    assert _dangling_papers(out) == (set(), set())
    back = citing[other][0]  # a document citing ``other`` as itself comes back
    back.write_text(texts[back], encoding="utf-8")
    outcome = world.run(out)
    assert 2 * outcome.kept >= len(world.documents())  # audit.db starts from the previous
    assert other in _bibliography(out)
    assert _dangling_papers(out) == (set(), set())
    assert snapshot(out) == snapshot(world.full_run())
