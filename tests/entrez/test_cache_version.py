"""The cache's version: it changes exactly when what a lookup answers may have changed, so
a run can prove from it that nothing it read has changed since (enrich.run.incremental)."""

from __future__ import annotations

import multiprocessing
import shutil
import time
from pathlib import Path

from enrich.entrez import parse_record
from enrich.entrez.cache import CacheMark, CitationCache
from enrich.testing import make_record


def _record(pmid: str, title: str = "A title") -> tuple[object, bytes]:
    xml = make_record(pmid, title=title, journal="J", year=2020)
    return parse_record(xml), xml


def _put(cache: CitationCache, pmid: str, title: str = "A title") -> None:
    record, xml = _record(pmid, title)
    cache.put_records([(record, xml)])  # type: ignore[list-item]


def test_reads_and_the_same_content_fetched_again_keep_the_version(tmp_path: Path) -> None:
    with CitationCache(tmp_path) as cache:
        _put(cache, "101")
        before = cache.version()
        assert cache.get_record("101") is not None and cache.get_record("102") is None
        _put(cache, "101")  # what enrich refresh does when a record has not changed
        cache.put_meta("pending", {"n": 1})  # bookkeeping is no answer to a lookup
        assert cache.version() == before
        assert cache.get_record("101").fetched_at == cache.get_record("101").fetched_at


def test_every_change_to_an_answer_changes_the_version(tmp_path: Path) -> None:
    with CitationCache(tmp_path) as cache:
        seen = [cache.version()]
        for change in (
            lambda: _put(cache, "101"),  # a new record
            lambda: _put(cache, "101", "Another title"),  # a changed one
            lambda: cache.put_doi("10.1/x", "101"),
            lambda: cache.drop_record("101"),  # withdrawn: a not-found answer instead
            lambda: cache.put_gene_missing("7"),
        ):
            change()
            seen.append(cache.version())
        assert len(set(seen)) == len(seen)
        assert [v.changes for v in seen] == sorted(v.changes for v in seen)


def test_a_batch_is_one_change(tmp_path: Path) -> None:
    with CitationCache(tmp_path) as cache:
        before = cache.version()
        cache.put_records([_record(str(p)) for p in range(200, 250)])  # type: ignore[misc]
        assert cache.version().changes == before.changes + 1


def test_an_answer_that_expired_changes_the_version_once_forgotten(tmp_path: Path) -> None:
    with CitationCache(tmp_path, missing_ttl=0.2) as cache:
        cache.put_missing("404")
        before = cache.version()
        time.sleep(0.3)
        assert not cache.is_missing("404")  # the answer is gone already ...
        cache.forget_expired()  # ... and counted as a change when removed
        after = cache.version()
        assert after.changes == before.changes + 1
        cache.forget_expired()
        assert cache.version() == after


def test_two_cache_folders_never_share_a_version(tmp_path: Path) -> None:
    with CitationCache(tmp_path / "a") as a, CitationCache(tmp_path / "b") as b:
        assert a.version().name != b.version().name


def test_two_copies_of_a_folder_that_each_changed_once_differ(tmp_path: Path) -> None:
    with CitationCache(tmp_path / "a") as a:
        a.version()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    with CitationCache(tmp_path / "a") as a, CitationCache(tmp_path / "b") as b:
        _put(a, "101")
        _put(b, "101", "Another title")
        one, other = a.version(), b.version()
        assert (one.name, one.changes) == (other.name, other.changes) and one != other


def _change_elsewhere(folder: Path) -> None:
    with CitationCache(folder) as cache:
        _put(cache, "555")


def test_a_mark_tells_its_own_changes_from_another_process(tmp_path: Path) -> None:
    mark = CacheMark.take(tmp_path)
    with CitationCache(tmp_path) as cache:
        _put(cache, "101")
    own = mark.only_own_changes()
    assert own is not None and own.changes == mark.version.changes + 1
    mark = CacheMark.take(tmp_path)
    child = multiprocessing.get_context("fork").Process(target=_change_elsewhere, args=(tmp_path,))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert mark.only_own_changes() is None


# --- the change log ------------------------------------------------------------------------


def test_the_log_names_every_entry_changed_since_a_version(tmp_path: Path) -> None:
    with CitationCache(tmp_path) as cache:
        _put(cache, "101")
        _put(cache, "102")
        start = cache.version()
        assert cache.changes_since(start) == (start, frozenset())
        _put(cache, "101")  # the same content: no change
        _put(cache, "102", "Another title")
        cache.put_doi("10.1/X", "103")
        cache.drop_record("101")
        cache.put_gene_missing("7")
        now, keys = cache.changes_since(start)
        assert now == cache.version() and now != start
        assert keys == {"pmid:102", "doi:10.1/x", "pmid:101", "missing:101", "gene-missing:7"}


def test_the_log_cannot_tell_across_caches_expiries_or_lost_entries(tmp_path: Path) -> None:
    with CitationCache(tmp_path / "a") as cache, CitationCache(tmp_path / "b") as other:
        start = cache.version()
        assert other.changes_since(start)[1] is None  # another cache
        cache.missing_ttl = 0.01
        cache.put_missing("9")
        time.sleep(0.05)
        cache.forget_expired()  # the keys an expiry removes are not logged
        assert cache.changes_since(start)[1] is None
        later = cache.version()
        _put(cache, "104")
        _put(cache, "105")
        assert cache.changes_since(later)[1] == {"pmid:104", "pmid:105"}
        cache.delete_meta(f"log:{later.changes + 1}")  # a change the log no longer holds
        assert cache.changes_since(later)[1] is None


def test_a_copy_that_went_its_own_way_is_not_taken_for_the_original(tmp_path: Path) -> None:
    with CitationCache(tmp_path / "a") as cache:
        _put(cache, "101")
        start = cache.version()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    with CitationCache(tmp_path / "a") as cache:
        _put(cache, "102")
    with CitationCache(tmp_path / "b") as copy:
        _put(copy, "103")
        _put(copy, "104")
        assert copy.changes_since(start)[1] == {"pmid:103", "pmid:104"}
        with CitationCache(tmp_path / "a") as cache:
            seen_in_a = cache.version()
        # the copy's second change has the number of the original's first: never mistaken
        assert copy.changes_since(seen_in_a)[1] is None


def test_the_log_keeps_its_last_changes_only(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import enrich.entrez.cache as module

    monkeypatch.setattr(module, "CHANGE_LOG_KEPT", 3)
    with CitationCache(tmp_path) as cache:
        start = cache.version()
        for pmid in ("101", "102", "103", "104"):
            _put(cache, pmid)
        assert cache.changes_since(start)[1] is None  # its first change is forgotten
        logged = [k for k in cache._cache.iterkeys() if k.startswith("meta:log:")]
        assert len(logged) == 3
