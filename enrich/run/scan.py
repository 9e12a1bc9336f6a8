"""Pass 1 of a streaming run: each document read for what pass 2 and the summary need.

:class:`Scanner` reads documents (in forked workers when there are enough of them) for
their citation keys, Gene IDs, corpus counts and problems; the documents themselves are
dropped once read, so memory does not grow with the corpus.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from enrich.audit import CorpusStats, corpus_stats, gene_ids
from enrich.extract import read_document
from enrich.model import Style
from enrich.run.workers import WorkerPool

__all__ = ["Progress", "Scan", "Scanner"]

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Scan:
    """Pass 1's findings about one document."""

    keys: tuple[str, ...]  #: every citation key it cites, in order, once
    gene_ids: tuple[str, ...]
    edges: int  #: its edge claims
    #: for each of ``keys``, how many of its edge claims cite it (small ints, shared: a
    #: run holds 20,000 scans, so not a dict of its own each)
    citing: tuple[int, ...]
    claims: int
    problems: tuple[str, ...]

    @property
    def stats(self) -> CorpusStats:
        """Its corpus counts (see :func:`~enrich.audit.corpus_stats`)."""
        citing = {key: n for key, n in zip(self.keys, self.citing, strict=True) if n}
        return CorpusStats(self.edges, citing)

    def shared(self, strings: dict[str, str]) -> Scan:
        """This scan with its keys and Gene IDs replaced by the equal strings of ``strings``
        (added there when new): so a run's 20,000 scans hold one object per citation key,
        not one per citation (a scan arrives unpickled, each string a copy of its own)."""
        share = strings.setdefault
        return dataclasses.replace(
            self,
            keys=tuple(share(key, key) for key in self.keys),
            gene_ids=tuple(share(gene_id, gene_id) for gene_id in self.gene_ids),
        )


@dataclass(frozen=True)
class Scanner:
    """Pass 1: reads documents for their citation keys, corpus counts and problems."""

    style: Style | None

    def scan(self, path: Path) -> Scan:
        """What pass 2 and the run's summary need to know of the document at ``path``."""
        document = read_document(path, self.style)
        keys = tuple(dict.fromkeys(key for c in document.all_citations() for key in c.keys))
        stats = corpus_stats([document])
        return Scan(
            keys=keys,
            gene_ids=gene_ids(document),
            edges=stats.edges,
            citing=tuple(stats.edges_citing.get(key, 0) for key in keys),
            claims=len(document.claims),
            problems=tuple(str(p) for p in document.problems),
        )

    def scan_all(self, files: list[Path], jobs: int, progress: Progress) -> list[Scan]:
        """:meth:`scan` of every file, in order, in ``jobs`` forked processes when worth it;
        the scans share their strings (:meth:`Scan.shared`)."""
        workers = jobs if len(files) >= 8 * jobs else 1
        size = max(1, min(32, len(files) // (workers * 16)))
        chunks = [files[i : i + size] for i in range(0, len(files), size)]
        found: dict[int, list[Scan]] = {}
        strings: dict[str, str] = {}
        with WorkerPool(self._scan_chunk, workers, {}) as pool:
            for number, scans in pool.map_unordered(chunks):
                found[number] = [scan.shared(strings) for scan in scans]
                progress(len(scans))
        return [scan for number in range(len(chunks)) for scan in found[number]]

    def _scan_chunk(self, paths: list[Path], known: dict[str, object]) -> list[Scan]:
        return [self.scan(path) for path in paths]
