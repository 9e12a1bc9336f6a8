"""The counts of a run (or a document) in words, the same on screen, in index.html and in
Markdown: what each count counts is said beside it.  Pure.

* grades count claims;
* claim flags count the claims carrying each;
* citation flags count citations (a claim's citation of a paper, or a loose citation)
  carrying each: a paper cited by three claims counts three times;
* cited identifiers count distinct PMIDs and DOIs, by how their resolution ended;
* Gene IDs count the distinct IDs the documents give, by what NCBI Gene said.
"""

from __future__ import annotations

from collections.abc import Mapping

from enrich.figures import count, many
from enrich.model import CLAIM_FLAGS, Grade, RunSummary

__all__ = [
    "CITATION_FLAGS_NOTE",
    "CLAIM_FLAGS_NOTE",
    "flag_list",
    "grade_list",
    "split_flags",
    "summary_rows",
]

CLAIM_FLAGS_NOTE = "claims carrying each"
CITATION_FLAGS_NOTE = "citations carrying each; a paper cited by 3 claims counts 3 times"


def split_flags(counts: Mapping[str, int]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The claim flags and the citation flags of ``counts``, each most frequent first."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    claim = [(name, n) for name, n in ordered if name in CLAIM_FLAGS]
    return claim, [(name, n) for name, n in ordered if name not in CLAIM_FLAGS]


def flag_list(pairs: list[tuple[str, int]], note: str) -> str:
    """ "single_source 26, resource_only 14 (claims carrying each)", or "none"."""
    return f"{', '.join(f'{name} {count(n)}' for name, n in pairs)} ({note})" if pairs else "none"


def grade_list(grades: Mapping[str, int]) -> str:
    """ "A 15, B 20, C 19, D 0"."""
    return ", ".join(f"{g.value} {count(grades.get(g.value, 0))}" for g in Grade)


def summary_rows(summary: RunSummary) -> list[tuple[str, str]]:
    """The run's counts as (label, text) rows."""
    claim_flags, citation_flags = split_flags(summary.flags)
    rows = [
        ("documents", f"{count(summary.documents)} ({count(summary.problems)} problems in inputs)"),
        ("claims", f"{count(summary.claims)}: grade {grade_list(summary.grades)}"),
        ("claim flags", flag_list(claim_flags, CLAIM_FLAGS_NOTE)),
        ("citation flags", flag_list(citation_flags, CITATION_FLAGS_NOTE)),
        ("identifiers", _statuses(summary.citations, "distinct cited")),
        ("gene IDs", _statuses(summary.genes, "distinct")),
        ("network", _network(summary)),
    ]
    return rows


def _statuses(counts: Mapping[str, int], what: str) -> str:
    total = sum(counts.values())
    if not total:
        return "none"
    parts = ", ".join(f"{count(n)} {status}" for status, n in sorted(counts.items()))
    return f"{count(total)} {what}: {parts}"


def _network(summary: RunSummary) -> str:
    pubmed = summary.requests - summary.gene_requests
    cited = summary.cache_hits - summary.gene_cache_hits
    text = (
        f"{many(summary.requests, 'request')}, {many(summary.cache_hits, 'cache hit')} "
        f"(PubMed: {many(pubmed, 'request')}, {many(cited, 'hit')}; NCBI Gene: "
        f"{many(summary.gene_requests, 'request')}, {many(summary.gene_cache_hits, 'hit')})"
    )
    return text + ("; offline" if summary.offline else "")
