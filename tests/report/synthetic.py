"""SYNTHETIC audit results for report tests: real example documents, invented verdicts.

Nothing here comes from PubMed or from enrich.audit.  The documents are the
project's examples; the records, statuses, flags and grades are made up
(deterministically) so that every report feature has something to show: a
resource paper, a retracted paper with title markup, a PMID PubMed does not
know, an unresolved one, and claims of every grade.
"""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

from enrich.extract import read_document
from enrich.model import (
    AuditedDocument,
    Citation,
    CitationVerdict,
    Claim,
    ClaimKind,
    ClaimVerdict,
    Document,
    Flag,
    GeneLookup,
    GeneRecord,
    GeneStatus,
    Grade,
    PaperRecord,
    Problem,
    Relation,
    Resolution,
    Status,
    Style,
    Subject,
)

ROOT = Path(__file__).resolve().parents[2]
TWIST1 = ROOT / "examples" / "tflink_protein_Q15672_TWIST1.md"
TWIST2 = ROOT / "examples" / "harmonizome_gene_TWIST2.md"

RESOURCES = {
    "29087512": (
        "TRRUST v2: an expanded reference database of human and mouse transcriptional "
        "regulatory interactions.",
        ("Han H", "Cho JW", "Lee S", "Yun A", "Kim H"),
    ),
    "29126285": (
        "ReMap 2018: an updated atlas of regulatory regions from an integrative analysis of "
        "DNA-binding ChIP-seq experiments.",
        ("Chèneby J", "Gheorghe M", "Artufel M", "Mathelier A", "Ballester B"),
    ),
}
RETRACTED = "22276142"
NOT_FOUND = "23623921"
UNRESOLVED = "22982861"
TOPICS = (
    "epithelial-mesenchymal transition",
    "breast cancer metastasis",
    "hepatocellular carcinoma",
    "osteoblast differentiation",
    "cancer stem-like cells",
)


def record(pmid: str, about: str = "TWIST1") -> PaperRecord:
    """A SYNTHETIC PubMed record for ``pmid``: resource papers get their real names."""
    if pmid in RESOURCES:
        title, authors = RESOURCES[pmid]
        return PaperRecord(
            pmid=pmid,
            doi=f"10.1093/nar/gkx{pmid[-4:]}",
            title=title,
            title_markup=title,
            journal="Nucleic acids research",
            journal_iso="Nucleic Acids Res",
            volume="46",
            issue="D1",
            pages="D380-D386",
            year=2018,
            date="2018-01-04",
            authors=authors,
            publication_types=("Journal Article",),
        )
    topic = TOPICS[int(pmid) % len(TOPICS)]
    title = f"{about} drives {topic} in vivo (synthetic record {pmid})."
    markup = title.replace("in vivo", "<i>in vivo</i>")
    retracted = pmid == RETRACTED
    return PaperRecord(
        pmid=pmid,
        doi=f"10.1000/synthetic.{pmid}",
        pmcid=f"PMC{pmid[:7]}",
        title=title,
        title_markup=markup,
        abstract=f"{about} and {topic}.",
        journal="Journal of synthetic oncology",
        journal_iso="J Synth Oncol",
        volume=str(int(pmid) % 40 + 1),
        issue=str(int(pmid) % 12 + 1),
        pages="1723-9",
        year=2008 + int(pmid) % 12,
        date=f"{2008 + int(pmid) % 12}-07-08",
        authors=("Ansieau S", "Bastid J", "Doreau A", "Morel AP"),
        publication_types=("Journal Article", "Retracted Publication")
        if retracted
        else ("Journal Article",),
        relations=(Relation("RetractionIn", "99999999", "J Synth Oncol. 2020"),)
        if retracted
        else (),
    )


def verdict(citation: Citation, about: str = "TWIST1") -> CitationVerdict:
    """A SYNTHETIC citation verdict: resolved unless the PMID is one of the chosen failures."""
    pmid = citation.pmid or ""
    if pmid == NOT_FOUND:
        res = Resolution(citation.key, Status.NOT_FOUND, reason="PubMed has no record 23623921")
        return CitationVerdict(citation, res, (Flag("not_found", res.reason),))
    if pmid == UNRESOLVED:
        res = Resolution(citation.key, Status.UNRESOLVED, reason="offline: not in the cache")
        return CitationVerdict(citation, res, (Flag("unresolved", res.reason),))
    if not pmid:
        res = Resolution(citation.key, Status.NOT_IN_PUBMED, reason="DOI not in PubMed")
        return CitationVerdict(citation, res, (Flag("not_in_pubmed", res.reason),))
    rec = record(pmid, about)
    flags: tuple[Flag, ...] = ()
    if pmid in RESOURCES:
        flags = (Flag("resource", f"{rec.title.split(':')[0]} database paper (registry)"),)
    elif pmid == RETRACTED:
        flags = (Flag("retracted", "retracted: RetractionIn J Synth Oncol. 2020"),)
    return CitationVerdict(citation, Resolution(citation.key, Status.RESOLVED, rec), flags)


def grade(claim: Claim, cited: tuple[CitationVerdict, ...]) -> tuple[Grade, tuple[Flag, ...]]:
    """A SYNTHETIC grade and claim flags, roughly following the audit's rules."""
    primary = [
        c
        for c in cited
        if c.resolution.status is Status.RESOLVED
        and not c.has("resource")
        and not c.has("retracted")
    ]
    flags: list[Flag] = []
    if not cited:
        flags.append(Flag("no_citation", "no citation given"))
    elif all(c.has("resource") for c in cited):
        flags.append(Flag("resource_only", "all citations are database/resource papers"))
    if claim.kind is ClaimKind.EDGE and len(claim.sources) == 1:
        flags.append(Flag("single_source", f"one source database only: {claim.sources[0]}"))
    if len(primary) >= 2:
        return Grade.A, tuple(flags)
    if primary:
        return Grade.B, tuple(flags)
    unverifiable = any(c.has("resource") or c.has("unresolved") for c in cited)
    return (Grade.C if unverifiable else Grade.D), tuple(flags)


def audited(document: Document) -> AuditedDocument:
    """``document`` with SYNTHETIC verdicts for every claim and loose citation."""
    about = document.subject.symbol or "GENE"
    claims = []
    for claim in document.claims:
        cited = tuple(verdict(c, about) for c in claim.citations)
        claim_grade, flags = grade(claim, cited)
        why = f"{claim_grade}: synthetic reason — {len(cited)} cited (PMID {claim.id})"
        claims.append(ClaimVerdict(claim, cited, flags, claim_grade, why))
    loose = tuple(verdict(c, about) for c in document.citations)
    return AuditedDocument(document, tuple(claims), loose, genes(document))


def genes(document: Document) -> tuple[GeneLookup, ...]:
    """SYNTHETIC gene lookups for the document's Gene IDs: every fifth unknown to NCBI Gene,
    the others found under the symbol the document gives."""
    symbols = {document.subject.gene_id: document.subject.symbol}
    symbols.update(
        (gene_id, claim.partner.symbol)
        for claim in document.claims
        if claim.partner
        for gene_id in claim.partner.gene_ids
    )
    lookups = []
    for number, (gene_id, symbol) in enumerate(symbols.items()):
        if not gene_id:
            continue
        if number % 5 == 4:
            why = f"NCBI Gene has no record with Gene ID {gene_id}"
            lookups.append(GeneLookup(gene_id, GeneStatus.UNKNOWN, None, why))
        else:
            record = GeneRecord(gene_id, symbol or "?", aliases=(f"{symbol}-A", "ALIAS <b>"))
            lookups.append(GeneLookup(gene_id, GeneStatus.FOUND, record))
    return tuple(lookups)


def example(path: Path) -> Document:
    """An example document, named by its path relative to the project (as a run would)."""
    return replace(read_document(path), path=path.relative_to(ROOT).as_posix())


def twist1() -> AuditedDocument:
    """The TWIST1 TFLink example with SYNTHETIC audit results."""
    return audited(example(TWIST1))


def twist2() -> AuditedDocument:
    """The TWIST2 Harmonizome example with SYNTHETIC audit results."""
    return audited(example(TWIST2))


def hostile(
    path: str = "../../etc/passwd", title: str = "<script>alert(1)</script>"
) -> AuditedDocument:
    """A SYNTHETIC document whose path, text, titles and record try to inject markup."""
    citation = Citation(pmid="12345678", doi="10.1000/x|y", title=title, authors="A <b>B</b>")
    unresolved = Citation(pmid="87654321", title=title, journal="J `code` [x](y)", year=2001)
    rec = PaperRecord(
        pmid="12345678",
        doi="10.1000/x|y",
        title="Plain <script>alert(1)</script> H2O",
        title_markup=(
            "<script>alert(1)</script> <i>in vivo</i> H<sub>2</sub>O m<sup>6</sup>A "
            '<img src="x" onerror="alert(2)"> &lt;b&gt;kept&lt;/b&gt; <b>open'
        ),
        journal="J <Test> & | Co",
        year=2020,
        authors=("O'Brien J", "World Health Organization"),
    )
    claim = Claim(
        id="s1",
        kind=ClaimKind.STATEMENT,
        location="Summary paragraph 1",
        citations=(citation, unresolved),
        text=f"A | pipe <b>bold</b> [link](http://evil.example) `tick` {title}",
    )
    flag = Flag("title_mismatch", 'document title "<script>" differs from PubMed')
    cited = (
        CitationVerdict(citation, Resolution(citation.key, Status.RESOLVED, rec), (flag,)),
        CitationVerdict(
            unresolved,
            Resolution(unresolved.key, Status.UNRESOLVED, reason="offline <b>x</b>"),
            (Flag("unresolved", "offline"),),
        ),
    )
    document = Document(
        path=path,
        style=Style.HARMONIZOME,
        subject=Subject(symbol="<img src=x onerror=alert(3)>", name="name | with <tags>"),
        claims=(claim,),
    )
    why = 'B: 1 primary paper (PMID 12345678) <script>"x"</script> | `y`'
    bad_gene = GeneLookup("<9>", GeneStatus.UNKNOWN, None, "no record <script>alert(4)</script>")
    return AuditedDocument(
        document, (ClaimVerdict(claim, cited, (), Grade.B, why),), (), (bad_gene,)
    )


#: Text that tries every way out of a text node, an attribute, a data block or a URL.
INJECTION = (
    '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    '<svg onload="alert(1)"><a href="javascript:alert(2)">x</a> <!-- \u2028\u2029 & done'
)


def injection() -> AuditedDocument:
    """A SYNTHETIC document whose every text from a document or PubMed is :data:`INJECTION`,
    and whose PubMed record gives a ``javascript:`` DOI."""
    record = PaperRecord(
        pmid="12345678",
        doi="javascript:window.pwned=3",
        title=INJECTION,
        title_markup=f"{html.escape(INJECTION)} <i>in vivo</i> <sup>2</sup>",
        journal=INJECTION,
        year=2020,
        authors=(INJECTION, "Doe J"),
    )
    cited = Citation(pmid="12345678", title=INJECTION, authors=INJECTION)
    loose = Citation(doi="javascript:alert(1)", invalid=("doi",), title=INJECTION)
    claim = Claim(
        id=f"s1 {INJECTION}",
        kind=ClaimKind.STATEMENT,
        location=INJECTION,
        citations=(cited,),
        text=INJECTION,
        sources=(INJECTION,),
    )
    flag = Flag("title_mismatch", INJECTION)
    verdict = CitationVerdict(cited, Resolution(cited.key, Status.RESOLVED, record), (flag,))
    bad = CitationVerdict(
        loose,
        Resolution(loose.key, Status.INVALID, reason=INJECTION),
        (Flag("invalid", INJECTION),),
    )
    document = Document(
        path=f"injection/{INJECTION}.md",
        style=Style.HARMONIZOME,
        subject=Subject(symbol=INJECTION, name=INJECTION, gene_id=INJECTION, organism=INJECTION),
        claims=(claim,),
        citations=(loose,),
        problems=(Problem(INJECTION, INJECTION, INJECTION),),
    )
    grade = ClaimVerdict(claim, (verdict,), (Flag("single_source", INJECTION),), Grade.B, INJECTION)
    gene = GeneLookup(
        INJECTION,
        GeneStatus.REPLACED,
        GeneRecord("7291", INJECTION, aliases=(INJECTION,)),
        INJECTION,
    )
    return AuditedDocument(document, (grade,), (bad,), (gene,))


def one_paper_twice() -> AuditedDocument:
    """A statement citing one SYNTHETIC paper by its PMID and again by its DOI: two
    citation keys, one PubMed record, one paper (graded B: one primary paper)."""
    paper = record("14")
    cited = tuple(
        CitationVerdict(c, Resolution(c.key, Status.RESOLVED, paper))
        for c in (Citation(pmid="14"), Citation(doi=paper.doi))
    )
    claim = Claim("s1", ClaimKind.STATEMENT, "p1", tuple(c.citation for c in cited), text="T.")
    verdict = ClaimVerdict(claim, cited, (), Grade.B, "B: 1 primary paper (PMID 14), A needs 2")
    document = Document("one.md", Style.TEXT, Subject(symbol="TWIST1"), (claim,))
    return AuditedDocument(document, (verdict,), ())
