"""The local E-utilities server of ``enrich.testing``, exercised over real sockets."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from lxml import etree

import enrich.testing
from enrich.testing import EutilsServer, Faults, RecordStore, key_digest, renumber
from enrich.testing.__main__ import main as cli_main

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
METAPUB = SHARED / "ncbi" / "metapub" / "pmid_xml"
QUIRK_FILES = (  # real records whose quirks the synthetic default records do not have
    SHARED / "ncbi" / "biopython" / "Entrez" / "pubmed1.xml",  # NO_DOI and 9997
    METAPUB / "39769357.xml",  # WITH_DOI
    SHARED / "ncbi" / "metapub" / "test_data" / "sample_article_20301577.xml",  # BOOK
)
ESEARCH_NO_HIT = SHARED / "ncbi" / "biopython" / "Entrez" / "esearch8.xml"
EFETCH_DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">'
)
WITH_DOI = "39769357"  # DOI 10.3390/ijms252413596 and 23 cited DOIs in its ReferenceList
NO_DOI = "12091962"
BOOK = "20301577"
PAREN_DOI = "9997"  # DOI 10.1016/0005-2795(76)90109-4
# Default (synthetic) records: TWIST2 page references 1, 2 and 3.
KNOWN = "18598946"  # DOI 10.1016/j.ccr.2008.06.005
OTHER = "20691403"  # DOI 10.1016/j.ajhg.2010.07.009
THIRD = "21602879"  # DOI 10.1038/onc.2011.181


HTTP = httpx.Client(timeout=10)  # one client: creating one costs ~30 ms (TLS context)


@pytest.fixture(scope="module", autouse=True)
def _close_client() -> Iterator[None]:
    yield
    HTTP.close()


def fetch(server: EutilsServer, ids: str, **params: str) -> httpx.Response:
    return HTTP.get(server.url + "efetch.fcgi", params={"db": "pubmed", "id": ids, **params})


def pmids_in(body: bytes) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(body, parser)
    return [
        str(r.findtext("MedlineCitation/PMID") or r.findtext("BookDocument/PMID")) for r in root
    ]


@pytest.fixture(scope="module")
def metapub_store() -> RecordStore:
    if not METAPUB.is_dir():
        pytest.skip(f"{METAPUB} is absent (the shared NCBI samples are not checked out)")
    return RecordStore.from_folder(METAPUB)


@pytest.fixture(scope="module")
def quirks_store() -> RecordStore:
    """Real records with quirks: no DOI, a DOI with parentheses, a book, nested reference DOIs."""
    missing = [path for path in QUIRK_FILES if not path.is_file()]
    if missing:
        pytest.skip(f"{missing[0]} is absent (the shared NCBI samples are not checked out)")
    return RecordStore.from_records([path.read_bytes() for path in QUIRK_FILES])


@pytest.fixture
def quiet_server() -> Iterator[EutilsServer]:
    with EutilsServer(RecordStore.default(), rate_limit=None) as server:
        yield server


# -- records --------------------------------------------------------------------------


@pytest.mark.shared
def test_store_indexes_only_a_records_own_dois(quirks_store: RecordStore) -> None:
    """A record's DOI index holds its ArticleIdList/ELocationID DOI, never its references' DOIs."""
    store = quirks_store
    assert store.pmids_for_doi("10.3390/IJMS252413596") == [WITH_DOI]
    assert store.pmids_for_doi("10.3390/ijms232112811") == []
    assert BOOK in store and NO_DOI in store
    assert not [doi for doi, pmids in store.dois().items() if NO_DOI in pmids]


@pytest.mark.shared
def test_store_loads_the_metapub_folder(metapub_store: RecordStore) -> None:
    """Every non-empty metapub file yields one record and no reference DOI leaks into the index."""
    assert len(metapub_store) == 163
    assert all(len(pmids) == 1 for pmids in metapub_store.dois().values())


def test_default_store_indexes_the_example_dois() -> None:
    """The default store finds its synthetic records by their DOI in any case."""
    store = RecordStore.default()
    assert store.pmids_for_doi("10.1016/J.CCR.2008.06.005") == [KNOWN]
    assert store.pmids_for_doi("10.5555/enrich.synthetic.23723077") == ["23723077"]


def test_store_add_replace_remove() -> None:
    """add refuses a held PMID, replace overwrites, remove forgets the record and its DOI."""
    store = RecordStore.default()
    xml = store.get(KNOWN)
    assert xml is not None
    with pytest.raises(ValueError, match="already held"):
        store.add(xml)
    changed = xml.replace(b"Induction of EMT", b"RETRACTED: Induction of EMT")
    assert store.replace(changed) == [KNOWN]
    assert b"RETRACTED" in (store.get(KNOWN) or b"")
    store.remove(KNOWN)
    assert KNOWN not in store
    assert store.pmids_for_doi("10.1016/j.ccr.2008.06.005") == []


def test_from_records_checks_mapping_keys() -> None:
    """from_records accepts record bytes, and rejects a mapping whose key is not the PMID."""
    xml = RecordStore.default().get(KNOWN) or b""
    assert RecordStore.from_records([xml]).pmids() == [KNOWN]
    assert RecordStore.from_records({KNOWN: xml}).pmids() == [KNOWN]
    with pytest.raises(ValueError, match="does not hold"):
        RecordStore.from_records({"1": xml})


@pytest.mark.shared
def test_renumber_changes_pmid_and_own_doi_only(quirks_store: RecordStore) -> None:
    """renumber sets the new PMID and DOI, leaves cited DOIs, and drops the DOI when given None."""
    template = quirks_store.get(WITH_DOI) or b""
    copy = renumber(template, "900000001", "10.9999/synthetic.1")
    store = RecordStore.from_records([copy])
    assert store.pmids() == ["900000001"]
    assert store.dois() == {"10.9999/synthetic.1": ["900000001"]}
    assert copy.count(b"10.3390/ijms232112811") == template.count(b"10.3390/ijms232112811")
    assert b">39769357<" not in copy
    bare = RecordStore.from_records([renumber(template, "900000002")])
    assert bare.dois() == {}


# -- endpoints ------------------------------------------------------------------------


@pytest.mark.shared
def test_efetch_get_returns_known_records_in_request_order(metapub_store: RecordStore) -> None:
    """efetch GET returns the known records in request order under the 2025 DOCTYPE."""
    ids = metapub_store.pmids()[:5][::-1]
    with EutilsServer(metapub_store) as server:
        reply = fetch(server, ",".join(ids), retmode="xml")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/xml")
    assert EFETCH_DOCTYPE in reply.text
    assert pmids_in(reply.content) == ids


@pytest.mark.shared
def test_efetch_post_takes_a_form_body(metapub_store: RecordStore) -> None:
    """efetch POST with a form-encoded body of 150 ids returns every known record."""
    ids = metapub_store.pmids()[:150]
    with EutilsServer(metapub_store) as server:
        reply = HTTP.post(server.url + "efetch.fcgi", data={"db": "pubmed", "id": ",".join(ids)})
        assert server.requests[0].method == "POST"
        assert server.requests[0].n_ids == 150
    assert pmids_in(reply.content) == ids


def test_efetch_omits_unknown_pmids(quiet_server: EutilsServer) -> None:
    """Unknown PMIDs are silently left out; only unknown ones give an empty PubmedArticleSet."""
    assert pmids_in(fetch(quiet_server, f"1,{KNOWN},2,{OTHER}").content) == [KNOWN, OTHER]
    empty = fetch(quiet_server, "1,2")
    assert empty.status_code == 200
    assert pmids_in(empty.content) == []


def test_esearch_by_doi_hits(quiet_server: EutilsServer) -> None:
    """esearch finds PMIDs by quoted or bare DOI (any case) and by uid, joined with OR."""
    term = f'"10.1016/J.CCR.2008.06.005"[doi] OR 10.1038/onc.2011.181[doi] OR {OTHER}[uid]'
    reply = HTTP.get(quiet_server.url + "esearch.fcgi", params={"db": "pubmed", "term": term})
    root = etree.fromstring(reply.content)
    assert root.findtext("Count") == "3"
    assert [e.text for e in root.iterfind("IdList/Id")] == [THIRD, OTHER, KNOWN]
    assert root.find("ErrorList") is None


@pytest.mark.shared
def test_esearch_finds_dois_with_parentheses_and_books(quirks_store: RecordStore) -> None:
    """esearch matches a bare DOI holding parentheses and a book chapter's uid."""
    term = f'"10.3390/IJMS252413596"[doi] OR 10.1016/0005-2795(76)90109-4[doi] OR {BOOK}[uid]'
    with EutilsServer(quirks_store, rate_limit=None) as server:
        reply = HTTP.get(server.url + "esearch.fcgi", params={"db": "pubmed", "term": term})
    root = etree.fromstring(reply.content)
    assert root.findtext("Count") == "3"
    assert [e.text for e in root.iterfind("IdList/Id")] == [WITH_DOI, BOOK, PAREN_DOI]
    assert root.find("ErrorList") is None


def test_esearch_no_hit_has_ncbi_shape(quiet_server: EutilsServer) -> None:
    """A miss answers Count 0 with ErrorList/PhraseNotFound and 'No items found.' like esearch8."""
    reply = HTTP.post(
        quiet_server.url + "esearch.fcgi", data={"db": "pubmed", "term": "10.1/none[doi]"}
    )
    root = etree.fromstring(reply.content)
    assert [child.tag for child in root][:4] == ["Count", "RetMax", "RetStart", "IdList"]
    assert root.findtext("Count") == "0"
    assert root.findtext("ErrorList/PhraseNotFound") == "10.1/none[doi]"
    assert root.findtext("WarningList/OutputMessage") == "No items found."
    if ESEARCH_NO_HIT.exists():
        real = etree.parse(str(ESEARCH_NO_HIT)).getroot()
        assert [c.tag for c in root] == [c.tag for c in real]


def test_esummary_gives_v1_docsums(quiet_server: EutilsServer) -> None:
    """esummary returns a v1 DocSum per known id (with DOI when known) and ERROR for unknown."""
    reply = HTTP.get(
        quiet_server.url + "esummary.fcgi", params={"db": "pubmed", "id": f"{KNOWN},7"}
    )
    root = etree.fromstring(reply.content)
    docsum = root.find("DocSum")
    assert docsum is not None and docsum.findtext("Id") == KNOWN
    items = {item.get("Name"): item.text for item in docsum.iterfind("Item")}
    assert items["DOI"] == "10.1016/j.ccr.2008.06.005"
    assert items["Title"] == (
        "Induction of EMT by twist proteins as a collateral effect of tumor-promoting "
        "inactivation of premature senescence."
    )
    assert items["Source"] == "Cancer Cell"
    assert root.findtext("ERROR") == "UID=7: cannot get document summary"


def test_unknown_db_and_unknown_endpoint(quiet_server: EutilsServer) -> None:
    """An unknown db is an <ERROR> in HTTP 200; an unknown endpoint is a 404."""
    bad_db = HTTP.get(quiet_server.url + "efetch.fcgi", params={"db": "fleegle", "id": "1"})
    assert bad_db.status_code == 200
    assert "<ERROR>Invalid db name specified: fleegle</ERROR>" in bad_db.text
    assert HTTP.get(quiet_server.url + "elink.fcgi").status_code == 404


def test_records_can_change_while_serving(quiet_server: EutilsServer) -> None:
    """A record replaced or removed in the store is served changed on the next request."""
    xml = quiet_server.records.get(KNOWN) or b""
    quiet_server.records.replace(xml.replace(b"</PMID>", b"</PMID><!-- v2 -->", 1))
    assert b"<!-- v2 -->" in fetch(quiet_server, KNOWN).content
    quiet_server.records.remove(KNOWN)
    assert pmids_in(fetch(quiet_server, KNOWN).content) == []


# -- rate limits and latency ----------------------------------------------------------


def test_rate_limit_answers_ncbi_429() -> None:
    """The 4th request within a second gets NCBI's exact 429 JSON body and a Retry-After header."""
    with EutilsServer(RecordStore.default(), retry_after=1) as server:
        replies = [HTTP.get(server.url + "esearch.fcgi", params={"term": "1[uid]"}) for _ in "1234"]
        assert server.count(status=429) == 1
    assert [r.status_code for r in replies] == [200, 200, 200, 429]
    assert replies[3].headers["content-type"] == "application/json"
    assert replies[3].headers["retry-after"] == "1"
    assert replies[3].text == (
        '{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}'
    )


def test_api_key_raises_the_limit_to_ten() -> None:
    """With an api_key ten requests per second pass and the eleventh gets a 429 naming the key."""
    with EutilsServer(RecordStore.default()) as server:
        url, params = server.url + "efetch.fcgi", {"id": KNOWN, "api_key": "K1"}
        codes = [HTTP.get(url, params=params).status_code for _ in range(11)]
        last = HTTP.get(url, params=params)
    assert codes == [200] * 10 + [429]
    assert json.loads(last.text) == {
        "error": "API rate limit exceeded",
        "api-key": "K1",
        "count": "12",
        "limit": "10",
    }


def test_429s_are_counted_per_key_without_logging_the_key() -> None:
    """``count(status=429, api_key=K)`` counts the 429s of one key, each key has its own
    window, and the log holds a digest of each key, never the key."""
    with EutilsServer(RecordStore.default(), api_key_rate_limit=2) as server:
        url = server.url + "efetch.fcgi"
        for key, times in (("K1", 3), ("K2", 2)):
            for _ in range(times):
                HTTP.get(url, params={"id": KNOWN, "api_key": key})
        assert server.count(status=429, api_key="K1") == 1
        assert server.count(status=429, api_key="K2") == 0
        assert server.count(api_key="K2") == 2 and server.count(status=429) == 1
        assert {r.key_digest for r in server.requests} == {key_digest("K1"), key_digest("K2")}
        assert "K1" not in repr(server.requests)


def test_rejected_requests_count_and_the_window_slides() -> None:
    """Rejected requests stay in the one-second window; once it has passed, requests pass again."""
    with EutilsServer(RecordStore.default(), rate_limit=1) as server:
        url = server.url + "efetch.fcgi"
        first = [HTTP.get(url, params={"id": KNOWN}).status_code for _ in range(3)]
        time.sleep(1.05)
        assert HTTP.get(url, params={"id": KNOWN}).status_code == 200
    assert first == [200, 429, 429]


def test_latency_overlaps_across_concurrent_requests() -> None:
    """Five concurrent requests with 0.4 s latency finish together, not one after another."""
    codes: list[int] = []
    with EutilsServer(RecordStore.default(), rate_limit=None, latency=0.4) as server:

        def get() -> None:
            codes.append(fetch(server, KNOWN).status_code)

        threads = [threading.Thread(target=get) for _ in range(5)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    assert codes == [200] * 5
    assert 0.4 <= elapsed < 1.2


def test_per_record_latency_scales_with_records() -> None:
    """An efetch reply of three records waits latency + 3 x per_record_latency."""
    store = RecordStore.default()
    with EutilsServer(store, rate_limit=None, latency=0.1, per_record_latency=0.1) as server:
        started = time.monotonic()
        fetch(server, f"{KNOWN},{THIRD},{OTHER},1")
        assert time.monotonic() - started >= 0.4


# -- faults ---------------------------------------------------------------------------


def only(fault: str, **extra: float) -> Faults:
    return Faults(**{fault: 1.0}, **extra)  # type: ignore[arg-type]


def test_server_error_fault(quiet_server: EutilsServer) -> None:
    """server_error answers 500, 502 or 503."""
    quiet_server.faults = only("server_error")
    assert {fetch(quiet_server, KNOWN).status_code for _ in range(6)} <= {500, 502, 503}
    assert quiet_server.count(fault="server_error") == 6


def test_reset_fault_closes_without_response(quiet_server: EutilsServer) -> None:
    """reset drops the connection with no response; the log records no status."""
    quiet_server.faults = only("reset")
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        fetch(quiet_server, KNOWN)
    assert quiet_server.requests[-1].status is None
    assert quiet_server.requests[-1].fault == "reset"


def test_timeout_fault_hangs(quiet_server: EutilsServer) -> None:
    """timeout sends nothing for hang_seconds, so a shorter client timeout fires."""
    quiet_server.faults = Faults(timeout=1.0, hang_seconds=2.0)
    with pytest.raises(httpx.ReadTimeout):
        HTTP.get(quiet_server.url + "esummary.fcgi", params={"id": KNOWN}, timeout=0.3)


def test_truncate_fault_cuts_the_body(quiet_server: EutilsServer) -> None:
    """truncate answers 200 with a consistent Content-Length but half of the XML."""
    full = fetch(quiet_server, f"{KNOWN},{THIRD}").content
    quiet_server.faults = only("truncate")
    cut = fetch(quiet_server, f"{KNOWN},{THIRD}")
    assert cut.status_code == 200
    assert cut.content == full[: len(full) // 2]
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(cut.content)


def test_html_and_error_200_faults(quiet_server: EutilsServer) -> None:
    """html answers an HTML page and error_200 an NCBI <ERROR>, both with status 200."""
    quiet_server.faults = only("html")
    page = fetch(quiet_server, KNOWN)
    assert (page.status_code, page.headers["content-type"]) == (200, "text/html")
    quiet_server.faults = only("error_200")
    error = fetch(quiet_server, KNOWN)
    assert error.status_code == 200
    assert "<eFetchResult>" in error.text
    assert "<ERROR>Unable to obtain query #1</ERROR>" in error.text


def test_drop_records_fault(quiet_server: EutilsServer) -> None:
    """drop_records leaves known records out of an efetch reply; scripted, the last one."""
    quiet_server.faults = only("drop_records")
    assert pmids_in(fetch(quiet_server, f"{KNOWN},{OTHER}").content) == []
    quiet_server.faults = Faults(script=["drop_records"])
    assert pmids_in(fetch(quiet_server, f"{KNOWN},{OTHER},{THIRD}").content) == [KNOWN, OTHER]


def test_burst_429_then_normal(quiet_server: EutilsServer) -> None:
    """burst_429 answers the next K requests with 429 whatever the rate, then serves normally."""
    quiet_server.faults = Faults(burst_429=2)
    codes = [fetch(quiet_server, KNOWN).status_code for _ in range(3)]
    assert codes == [429, 429, 200]
    assert quiet_server.count(fault="burst_429") == 2


def test_script_applies_in_order(quiet_server: EutilsServer) -> None:
    """A script gives the first requests exactly the listed faults, then no faults."""
    quiet_server.faults = Faults(script=["reset", "html", "ok", "burst_429"])
    with pytest.raises(httpx.TransportError):
        fetch(quiet_server, KNOWN)
    codes = [fetch(quiet_server, KNOWN).status_code for _ in range(4)]
    assert codes == [200, 200, 429, 200]
    assert [r.fault for r in quiet_server.requests] == [
        "reset",
        "html",
        None,
        "burst_429",
        None,
    ]


def test_seeded_faults_repeat() -> None:
    """The same seed and request order give the same faults."""
    outcomes = []
    for _ in range(2):
        with EutilsServer(
            RecordStore.default(), rate_limit=None, faults=Faults(html=0.3, error_200=0.3, seed=7)
        ) as server:
            for _ in range(12):
                fetch(server, KNOWN)
            outcomes.append([r.fault for r in server.requests])
    assert outcomes[0] == outcomes[1]
    assert {None, "html", "error_200"} <= set(outcomes[0])


def test_faults_are_validated() -> None:
    """Probabilities outside [0, 1], summing above 1, or unknown script names are refused."""
    with pytest.raises(ValueError, match="probability"):
        Faults(reset=1.5)
    with pytest.raises(ValueError, match="add up"):
        Faults(reset=0.6, html=0.6)
    with pytest.raises(ValueError, match="unknown fault"):
        Faults(script=["explode"])


# -- request log ----------------------------------------------------------------------


def test_log_keeps_tool_and_email_but_not_the_key_value(quiet_server: EutilsServer) -> None:
    """The log shows tool and email, and only whether an api_key was sent, never its value."""
    params = {"db": "pubmed", "id": KNOWN, "tool": "enrich", "email": "a@b.org"}
    HTTP.get(quiet_server.url + "efetch.fcgi", params={**params, "api_key": "SECRET"})
    HTTP.post(quiet_server.url + "efetch.fcgi", data=params)
    keyed, plain = quiet_server.requests
    assert keyed.params == params and keyed.api_key is True
    assert plain.params == params and plain.api_key is False
    assert "SECRET" not in repr(quiet_server.requests)
    assert keyed.endpoint == "efetch.fcgi" and keyed.n_ids == 1 and keyed.status == 200
    quiet_server.reset_log()
    assert quiet_server.requests == []


# -- fixtures, shell and package ------------------------------------------------------


def test_fixtures_give_started_servers(
    eutils_server: EutilsServer, make_eutils_server: Callable[..., EutilsServer]
) -> None:
    """eutils_server is running over the default records; make_eutils_server passes options."""
    assert pmids_in(fetch(eutils_server, KNOWN).content) == [KNOWN]
    custom = make_eutils_server(rate_limit=None, faults=Faults(script=["html"]))
    assert fetch(custom, KNOWN).headers["content-type"] == "text/html"


def test_non_loopback_hosts_are_refused(tmp_path: Path) -> None:
    """Both the server and the shell refuse to bind a non-loopback address."""
    with pytest.raises(ValueError, match="loopback"):
        EutilsServer(RecordStore(), host="0.0.0.0")  # noqa: S104 - the address being refused
    result = CliRunner().invoke(cli_main, ["serve", str(tmp_path), "--host", "192.168.1.5"])
    assert result.exit_code == 1
    assert "refusing to bind to '192.168.1.5'" in result.output


def test_cli_serve_answers_until_terminated() -> None:
    """`python -m enrich.testing serve --port 0` serves the default records and gene
    summaries, prints its URL, and when terminated prints the requests served and the
    429s, per key digest."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "enrich.testing", "serve", "--port", "0", "--key-rate", "1"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        try:
            ready, _, _ = select.select([process.stdout], [], [], 10)
            assert ready and process.stdout is not None
            line = process.stdout.readline()
            assert line.startswith("serving 63 records and 51 gene summaries at http://127.0.0.1:")
            url = line.split(" at ")[1].split()[0]
            reply = HTTP.get(url + "efetch.fcgi", params={"db": "pubmed", "id": KNOWN})
            assert pmids_in(reply.content) == [KNOWN]
            for _ in range(2):  # the second within a second is over the key's limit of 1/s
                HTTP.get(url + "efetch.fcgi", params={"id": KNOWN, "api_key": "K9"})
        finally:
            process.terminate()
            out, _ = process.communicate(timeout=5)
    assert out.strip() == f"stopped: 3 requests, 1 answered 429; key {key_digest('K9')}: 2, 1 x 429"


def test_public_names_are_sorted_and_exported() -> None:
    """enrich.testing exports exactly its sorted __all__, without importing pytest."""
    names = enrich.testing.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))  # ruff RUF022 order
    public = {n for n in vars(enrich.testing) if not n.startswith("_")} - {"annotations"}
    assert set(enrich.testing.__all__) <= public
    code = "import sys, enrich.testing; assert 'pytest' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_serve_help_lists_every_fault_and_an_empty_folder_warns(tmp_path: Path) -> None:
    """``serve -h`` works and names every fault; serving an empty folder prints a warning."""
    from click.testing import CliRunner

    from enrich.testing.__main__ import main

    shown = CliRunner().invoke(main, ["serve", "-h"])
    assert shown.exit_code == 0
    text = " ".join(shown.output.split())
    assert all(name in text for name in Faults.field_names() if name != "seed")
    process = subprocess.Popen(
        [sys.executable, "-m", "enrich.testing", "serve", str(tmp_path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert first.startswith("warning:") and "no PubMed record" in first
