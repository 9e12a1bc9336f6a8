"""Text forms of extracted documents for ``enrich extract``: JSON, TSV and a table. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from enrich.escape import printable, terminal_json, tsv_cell
from enrich.figures import count
from enrich.identifiers import doi_key
from enrich.model import Citation, Claim, Document

TSV_COLUMNS = (
    "path", "style", "claim", "kind", "regulator", "target", "text",
    "sources", "methods", "small_scale", "ref", "pmid", "doi", "invalid",
)  # fmt: skip


def iter_json(documents: Iterable[Document]) -> Iterator[str]:
    """``{"documents": [...]}`` in pieces, one document at a time, so memory stays bounded."""
    yield '{"documents": ['
    for index, document in enumerate(documents):
        text = terminal_json(document.to_dict())
        yield ("," if index else "") + "\n" + text
    yield "\n]}\n"


def iter_tsv(documents: Iterable[Document]) -> Iterator[str]:
    """A header, then one line per (claim, citation); uncited claims and loose citations too."""
    yield "\t".join(TSV_COLUMNS) + "\n"
    for document in documents:
        for claim in document.claims:
            for citation in claim.citations or (None,):
                yield _tsv_line(document, claim, citation)
        for citation in document.citations:
            yield _tsv_line(document, None, citation)


def _tsv_line(document: Document, claim: Claim | None, citation: Citation | None) -> str:
    c = claim
    values = [
        document.path, str(document.style),
        c.id if c else "", str(c.kind) if c else "", (c and c.regulator) or "",
        (c and c.target) or "", (c and c.text) or "",
        "; ".join(c.sources) if c else "", "; ".join(c.methods) if c else "",
        "" if c is None or c.small_scale is None else ("yes" if c.small_scale else "no"),
        (citation and citation.ref) or "", (citation and citation.pmid) or "",
        (citation and citation.doi) or "", ",".join(citation.invalid) if citation else "",
    ]  # fmt: skip
    return "\t".join(tsv_cell(v) for v in values) + "\n"


def iter_table(documents: Iterable[Document]) -> Iterator[str]:
    """One aligned line per document: style, subject, claims, citations, PMIDs, DOIs, problems."""
    yield f"{'document':<48} {'style':<11} {'subject':<12} claims cited  PMIDs  DOIs problems\n"
    for d in documents:
        cited = d.all_citations()
        pmids = {c.pmid for c in cited if c.pmid and not c.invalid}
        dois = {doi_key(c.doi) for c in cited if c.doi and not c.invalid}
        subject = printable(d.subject.symbol or d.subject.uniprot or "-")  # a terminal's
        yield (  # escapes and bidi overrides from a file name or a page are shown, not run
            f"{_clip(printable(d.path), 48):<48} {d.style!s:<11} {_clip(subject, 12):<12} "
            f"{count(len(d.claims)):>6} {count(len(cited)):>5} {count(len(pmids)):>6} "
            f"{count(len(dois)):>5} {count(len(d.problems)):>8}\n"
        )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]
