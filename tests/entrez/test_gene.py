"""enrich.entrez.gene: NCBI Gene summaries (esummary db=gene) read from real and own replies."""

from __future__ import annotations

import json

import pytest

from enrich.entrez.gene import gene_record, parse_gene_summaries
from enrich.errors import ErrorReply, TruncatedReply
from enrich.model import GeneRecord
from tests.conftest import shared_path


def test_the_real_json_reply_for_tpm4_gives_its_names() -> None:
    """NCBI's JSON for human TPM4 (7171) gives the symbol, aliases split on commas,
    designations split on "|", the full name, organism and tax ID; status "" is live."""
    body = shared_path("ncbi", "gene", "esummary.gene.tpm4.json").read_bytes()
    summaries = parse_gene_summaries(body)
    assert list(summaries) == ["7171"]
    record = summaries["7171"].record
    assert record == GeneRecord(
        gene_id="7171",
        symbol="TPM4",
        description="tropomyosin 4",
        nomenclature_symbol="TPM4",
        nomenclature_name="tropomyosin 4",
        aliases=("HEL-S-108",),
        designations=("tropomyosin alpha-4 chain", "TM30p1", "epididymis secretory protein Li 108"),
        organism="Homo sapiens",
        tax_id="9606",
        status="live",
        current_id=None,
    )


def test_the_real_xml_reply_for_mouse_tgfb1_gives_its_names() -> None:
    """NCBI's version 2.0 XML for mouse Tgfb1 (21803), DOCTYPE and all, gives the same
    fields as JSON: Orgname and a top-level TaxID, CurrentID 0 meaning none."""
    body = shared_path("ncbi", "gene", "esummary.gene.xml").read_bytes()
    record = parse_gene_summaries(body)["21803"].record
    assert record is not None
    assert (record.symbol, record.description) == ("Tgfb1", "transforming growth factor, beta 1")
    assert record.aliases == ("TGF-beta1", "TGFbeta1", "Tgfb", "Tgfb-1")
    assert record.designations[:2] == ("TGF-beta 1", "TGF-beta-1")
    assert (record.organism, record.tax_id, record.status, record.current_id) == (
        "Mus musculus",
        "10090",
        "live",
        None,
    )


def _json(*entries: dict[str, object], uids: list[str] | None = None) -> bytes:
    result: dict[str, object] = {"uids": uids or [str(e["uid"]) for e in entries]}
    result.update({str(e["uid"]): e for e in entries})
    return json.dumps({"header": {"type": "esummary", "version": "0.3"}, "result": result}).encode()


def test_an_unknown_id_comes_back_as_an_entry_with_an_error() -> None:
    """An ID NCBI lacks is answered in-band (``error``): a summary without a record."""
    body = _json(
        {"uid": "7291", "name": "TWIST1"},
        {"uid": "999999999", "error": "cannot get document summary"},
    )
    summaries = parse_gene_summaries(body)
    assert summaries["7291"].record is not None
    assert summaries["999999999"].record is None
    assert summaries["999999999"].error == "cannot get document summary"


def test_a_replaced_id_names_its_current_record() -> None:
    """A secondary record (status 1, or the word) names the live one in ``currentid``."""
    for status in ("1", "secondary"):
        body = _json({"uid": "100", "name": "OLD1", "status": status, "currentid": "7291"})
        record = parse_gene_summaries(body)["100"].record
        assert record is not None
        assert (record.status, record.current_id) == ("replaced", "7291")


def test_a_discontinued_id_has_no_current_record() -> None:
    """Status 2 without a current ID is discontinued; a current ID of 0 means none."""
    record = gene_record("5", {"name": "GONE", "status": "2", "currentid": "0"})
    assert (record.status, record.current_id) == ("discontinued", None)


def test_invalid_uids_reported_beside_the_result_are_unknown() -> None:
    """NCBI's ``esummaryresult`` messages naming an invalid uid make that ID unknown."""
    body = json.dumps({"esummaryresult": ["Invalid uid 0 at position=0"]}).encode()
    summaries = parse_gene_summaries(body)
    assert summaries["0"].record is None


def test_xml_unknown_ids_either_way_are_unknown() -> None:
    """In XML an unknown ID is a DocumentSummary holding ``error`` or an ``<ERROR>`` naming it."""
    body = (
        b"<eSummaryResult><ERROR>UID=42: cannot get document summary</ERROR>"
        b'<DocumentSummarySet status="OK"><DocumentSummary uid="43"><error>cannot get document '
        b"summary</error></DocumentSummary></DocumentSummarySet></eSummaryResult>"
    )
    summaries = parse_gene_summaries(body)
    assert {g: s.record for g, s in summaries.items()} == {"42": None, "43": None}


def test_a_version_1_docsum_reads_like_version_2() -> None:
    """The older DocSum/Item shape gives the same fields."""
    body = (
        b'<eSummaryResult><DocSum><Id>7291</Id><Item Name="Name" Type="String">TWIST1</Item>'
        b'<Item Name="OtherAliases" Type="String">ACS3, TWIST</Item></DocSum></eSummaryResult>'
    )
    record = parse_gene_summaries(body)["7291"].record
    assert record is not None and record.aliases == ("ACS3", "TWIST")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", TruncatedReply),
        (b'{"header": {"type": "esummary"}, "result": {"uids": ["1"], "1": {"na', TruncatedReply),
        (b'{"result": {"uids": ["1"]}} trailing', ErrorReply),
        (b'{"error": "Too many UIDs in request."}', ErrorReply),
        (b"<html><body>Service unavailable</body></html>", ErrorReply),
        (
            b"<eSummaryResult><ERROR>Empty id list - nothing todo</ERROR></eSummaryResult>",
            ErrorReply,
        ),
        (b"<eSummaryResult><DocumentSummarySet><DocumentSum", TruncatedReply),
        (b'["not", "an", "object"]', ErrorReply),
    ],
)
def test_bad_replies_raise_by_kind(body: bytes, error: type[Exception]) -> None:
    """A cut reply is TruncatedReply (asked again); an error or a page is ErrorReply (not
    asked again)."""
    with pytest.raises(error):
        parse_gene_summaries(body)


def test_a_summary_that_cannot_be_used_is_its_ids_defect_not_the_replys() -> None:
    """A summary without a symbol, or filed under an ID it is not of, costs that ID alone:
    the reply's other summaries are read, and no ID gets another's names."""
    body = json.dumps(
        {
            "result": {
                "uids": ["1", "7291", "3"],
                "1": {"uid": "1", "description": "no symbol"},
                "7291": {"uid": "117581", "name": "TWIST2", "otheraliases": "BBRSAY, DERM1"},
                "3": {"uid": "3", "name": "ABC3"},
            }
        }
    ).encode()
    summaries = parse_gene_summaries(body)
    assert summaries["1"].record is None and "no symbol" in summaries["1"].defect
    assert summaries["7291"].record is None
    assert summaries["7291"].defect == "the reply's summary of Gene ID 7291 is of Gene ID 117581"
    assert summaries["3"].record is not None and summaries["3"].record.symbol == "ABC3"


def test_aliases_and_designations_sent_as_json_lists_are_read() -> None:
    """A reply that gives the lists as JSON arrays (not NCBI's one joined string) loses
    none of the names."""
    fields = {"name": "TWIST1", "otheraliases": ["ACS3", " TWIST ", ""], "otherdesignations": ["b"]}
    record = gene_record("7291", fields)
    assert record.aliases == ("ACS3", "TWIST") and record.designations == ("b",)


def test_an_id_the_reply_does_not_mention_is_absent() -> None:
    """A short reply (an asked ID in ``uids`` but not described) leaves that ID out."""
    body = _json({"uid": "1", "name": "A1"}, uids=["1", "2"])
    assert list(parse_gene_summaries(body)) == ["1"]


def test_a_record_round_trips_through_its_dict() -> None:
    """GeneRecord.from_dict(to_dict()) is the record itself (the cache stores it so)."""
    record = gene_record("7", {"name": "X", "otheraliases": "A, B", "otherdesignations": "c|d"})
    assert GeneRecord.from_dict(record.to_dict()) == record
