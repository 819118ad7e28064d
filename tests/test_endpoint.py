"""The SPARQL endpoint, tested over real HTTP with a real client library."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from helpers import ROOT
from kg.sparql import endpoint

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(built):
    service = endpoint.QueryService(built / "kg.ttl", workers=2, timeout=2.0)
    config = endpoint.ServerConfig(max_request_bytes=4096,
                                   page=endpoint.render_page({"count": ("数三元组", COUNT)}))
    httpd = endpoint.make_server("127.0.0.1", 0, service, config)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    yield f"http://{host}:{port}"
    httpd.shutdown()
    httpd.server_close()
    service.close()


def get(url: str, accept: str | None = None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read()


def post(url: str, body: bytes, ctype: str, accept: str | None = None):
    headers = {"Content-Type": ctype}
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read()


def triple_count(server) -> int:
    status, _, body = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": COUNT}))
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_get_and_post_answer_in_every_results_format(server, built):
    expected = len(Graph().parse(built / "kg.ttl"))
    assert triple_count(server) == expected
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": COUNT})
    for accept, ctype, marker in [
            ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
            ("text/csv", "text/csv", b"n\r\n"),
            ("text/tab-separated-values", "text/tab-separated-values", b"?n\n"),
            ("application/sparql-results+json", "application/sparql-results+json", b'"vars"')]:
        status, got, body = get(url, accept)
        assert status == 200 and got.startswith(ctype) and marker in body
    form = urllib.parse.urlencode({"query": COUNT}).encode()
    status, _, body = post(f"{server}/sparql", form, "application/x-www-form-urlencoded")
    assert status == 200 and str(expected).encode() in body
    status, _, body = post(f"{server}/sparql", COUNT.encode(), "application/sparql-query",
                           "text/csv")
    assert status == 200 and body.endswith(f"{expected}\r\n".encode())


def test_construct_gives_turtle(server):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/industrial-park-kg/ontology/Company> ; ?p ?o }"
    status, ctype, body = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": query}),
                              "text/turtle")
    assert status == 200 and ctype.startswith("text/turtle")
    assert len(Graph().parse(data=body.decode("utf-8"), format="turtle")) > 50
    status, ctype, _ = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": query}),
                           "application/sparql-results+json")
    assert status == 406


def test_updates_are_refused_and_change_nothing(server):
    before = triple_count(server)
    drop = "DROP ALL"
    status, _, _ = post(f"{server}/sparql", drop.encode(), "application/sparql-update")
    assert status == 403
    status, _, _ = post(f"{server}/sparql", urllib.parse.urlencode({"update": drop}).encode(),
                        "application/x-www-form-urlencoded")
    assert status == 403
    status, _, _ = get(f"{server}/sparql?" + urllib.parse.urlencode({"update": drop}))
    assert status == 403
    # an update smuggled in as a query is not a query
    status, _, body = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": drop}))
    assert status == 400 and b"syntax" in body.lower()
    assert triple_count(server) == before


@pytest.mark.slow
def test_a_slow_query_is_stopped_and_the_server_goes_on(server):
    started = time.monotonic()
    status, _, body = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": SLOW}))
    assert status == 503 and b"time limit" in body
    assert time.monotonic() - started < 60  # it was stopped, not left to run for hours
    assert triple_count(server) > 0


def test_oversized_requests_are_refused(server):
    big = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000).encode()
    status, _, _ = post(f"{server}/sparql", big, "application/sparql-query")
    assert status == 413
    status, _, _ = get(f"{server}/sparql?" + urllib.parse.urlencode({"query": big.decode()}))
    assert status == 414


def test_bad_requests(server):
    assert get(f"{server}/sparql")[0] == 400
    assert get(f"{server}/elsewhere")[0] == 404
    assert post(f"{server}/sparql", b"x", "text/plain")[0] == 415


def test_sparqlwrapper_client(server):
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery("""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?l WHERE { ?c a <https://w3id.org/industrial-park-kg/ontology/Company> ;
        rdfs:label ?l FILTER(lang(?l) = "zh") }""")
    client.setReturnFormat(JSON)
    labels = {b["l"]["value"] for b in client.query().convert()["results"]["bindings"]}
    assert "晶睿电子" in labels and len(labels) >= 21
    client.setReturnFormat(XML)
    assert client.query().convert().getElementsByTagName("result").length == len(labels)
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5")
    client.setReturnFormat(TURTLE)
    assert len(Graph().parse(data=client.query().convert(), format="turtle")) == 5


def test_query_page_works_offline(server):
    status, ctype, body = get(f"{server}/")
    assert status == 200 and ctype.startswith("text/html")
    page = body.decode("utf-8")
    assert "数三元组" in page and "/sparql" in page
    assert "src=" not in page and "<link" not in page  # nothing is fetched from elsewhere


def test_page_escapes_query_text():
    page = endpoint.render_page({"<b>x</b>": ("<script>alert(1)</script>",
                                              "SELECT * WHERE { ?s ?p '</script>' }")}).decode()
    assert "<script>alert(1)</script>" not in page and "</script>' }" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_accept_negotiation():
    assert endpoint.negotiate("text/csv;q=0.5, application/sparql-results+xml", False) == \
        "application/sparql-results+xml"
    assert endpoint.negotiate("*/*", True) == "text/turtle"
    assert endpoint.negotiate(None, False) == "application/sparql-results+json"
    assert endpoint.negotiate("image/png", False) is None


@pytest.mark.slow
def test_kg_serve_listens_on_loopback_by_default(built, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", "0", "--graph", str(built / "kg.ttl"),
         "--queries", str(ROOT / "queries")],
        cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        assert line.startswith("Serving SPARQL at http://127.0.0.1:"), line
        url = line.split()[3]
        status, _, body = get(url + "?" + urllib.parse.urlencode({"query": COUNT}))
        assert status == 200
        page = get(url.rsplit("/", 1)[0] + "/")[2].decode("utf-8")
        assert "park-companies" in page and "VALUES ?park { \\u003chttps://" in page  # bound
    finally:
        process.terminate()
        process.wait(20)
