"""One run, many documents: what the audit remembers never changes a verdict."""

from __future__ import annotations

import pytest

from enrich.audit import (
    AuditSettings,
    CorpusStats,
    audit_document,
    corpus_stats,
    memo,
)
from enrich.model import (
    Document,
    Grade,
    Resolution,
    Style,
    Subject,
)
from tests.audit.helpers import (
    NO_STATS,
    cite,
    database_records,
    edge,
    flag_names,
    reason,
    record,
    resolved,
    statement,
    twist1,
)

# --- one run, many documents ---------------------------------------------------------------


def test_a_paper_cited_by_two_documents_is_checked_against_each_documents_gene() -> None:
    """The same citation in documents about two genes gets no_mention for the one it misses."""
    resolutions = resolved(record("40", "TWIST1 drives EMT.", abstract="TWIST1 binds E-boxes."))
    settings = AuditSettings()  # one run: what was learnt from the first document is reused
    claim = statement(cite("40"))
    twist = Document("a.md", Style.HARMONIZOME, Subject(symbol="TWIST1"), (claim,))
    slug = Document("b.md", Style.HARMONIZOME, Subject("SNAI2", synonyms=("SLUG",)), (claim,))
    first, other, again = (
        audit_document(document, resolutions, NO_STATS, settings).claims[0]
        for document in (twist, slug, twist)
    )
    assert "no_mention" not in flag_names(first.citations[0])
    assert reason(other.citations[0], "no_mention") == ("SNAI2 not in title or abstract (nor SLUG)")
    assert again == first


def test_an_edge_cited_from_both_partners_pages_names_the_partner_each_misses() -> None:
    """One paper cited for RUNX2 -> TWIST1 on both genes' pages: each page's synonyms count."""
    resolutions = resolved(record("41", "Dermo-1 in bone.", abstract="RUNX2 is needed."))
    settings = AuditSettings()
    claim = edge(cite("41"))
    twist1 = Subject(symbol="TWIST1", synonyms=("DERMO1",))
    runx2 = Subject(symbol="RUNX2", synonyms=("CBFA1",))
    on_twist1, on_runx2 = (
        audit_document(
            Document("t.md", Style.TFLINK, subject, (claim,)), resolutions, NO_STATS, settings
        )
        for subject in (twist1, runx2)
    )
    assert "no_mention" not in flag_names(on_twist1.claims[0].citations[0])
    assert reason(on_runx2.claims[0].citations[0], "no_mention") == (
        "abstract names RUNX2 but not TWIST1"
    )


def test_corpus_share_is_decided_for_each_documents_gene_and_each_runs_statistics() -> None:
    """A much-cited paper is a resource on other genes' pages, not on its own gene's page."""
    resolutions = resolved(record("42", "RUNX2 in bone."))
    settings = AuditSettings(resources=())

    def resource(symbol: str, stats: CorpusStats) -> str | None:
        document = Document("t.md", Style.TFLINK, Subject(symbol=symbol), (edge(cite("42")),))
        verdict = audit_document(document, resolutions, stats, settings).claims[0].citations[0]
        return next((flag.reason for flag in verdict.flags if flag.name == "resource"), None)

    busy = CorpusStats(10, {"pmid:42": 10})
    assert resource("RUNX2", busy) is None
    assert resource("TWIST1", busy) == (
        'cited by 10 of 10 edges in this run (100%): PMID 42, "RUNX2 in bone."'
    )
    assert resource("TWIST1", CorpusStats(100, {"pmid:42": 10})) is None
    assert resource("TWIST1", CorpusStats(20, {"pmid:42": 10})) == (
        'cited by 10 of 20 edges in this run (50%): PMID 42, "RUNX2 in bone."'
    )
    assert resource("RUNX2", busy) is None


def test_new_settings_or_a_changed_resolution_are_never_answered_from_memory() -> None:
    """Another settings object, or a key resolved since the last document, gives fresh verdicts."""
    document = Document("t.md", Style.TFLINK, Subject(symbol="TWIST1"), (edge(cite("29087512")),))
    resolutions = database_records()
    registry = audit_document(document, resolutions, NO_STATS, AuditSettings())
    bare = audit_document(document, resolutions, NO_STATS, AuditSettings(resources=()))
    assert "resource" in flag_names(registry.claims[0].citations[0])
    assert "resource" not in flag_names(bare.claims[0].citations[0])

    settings = AuditSettings(resources=(), primary_for_a=1)
    growing: dict[str, Resolution] = {}
    before = audit_document(document, growing, NO_STATS, settings).claims[0]
    growing.update(resolved(record("29087512", "RUNX2 and TWIST1.")))
    after = audit_document(document, growing, NO_STATS, settings).claims[0]
    assert (flag_names(before.citations[0]), before.grade) == (["unresolved"], Grade.C)
    assert (flag_names(after.citations[0]), after.grade) == ([], Grade.A)


def test_a_full_memory_is_emptied_and_the_verdicts_stay_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With room for two papers only, auditing TWIST1 twice gives the usual verdicts."""
    stats = corpus_stats([twist1()])
    expected = audit_document(twist1(), database_records(), stats, AuditSettings())
    monkeypatch.setattr(memo, "MAX_ENTRIES", 2)
    settings = AuditSettings()
    got = [audit_document(twist1(), database_records(), stats, settings) for _ in range(2)]
    assert got == [expected, expected]
