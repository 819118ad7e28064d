"""The SPARQL endpoint, tested over real HTTP with a real client library."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from helpers import COUNT, ROOT
from trap import Trap
from kg.sparql import endpoint

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


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


def test_the_picker_names_the_query_the_box_opens_with():
    page = endpoint.render_page({"first": ("第一", "SELECT 1"), "second": ("第二", "SELECT 2")})
    page = page.decode()
    assert '<option value="first" selected>' in page and "<textarea id=\"query\" " in page
    assert '<option value="second">' in page  # only the first is selected
    assert 'box.addEventListener("input"' in page  # editing the box clears the picker


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


# -- hardening ----------------------------------------------------------------------------
def raw(server: str, request: bytes, wait: float = 10.0) -> bytes:
    """Send bytes as they are and read the answer until the server closes."""
    host, port = server.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
        return b"".join(chunks)


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0


def test_service_is_refused_and_sends_nothing(server):
    trap = Trap()
    for target in (f"<http://127.0.0.1:{trap.port}/x>", "?endpoint", "rdfs:x"):
        query = f"SELECT * WHERE {{ SERVICE SILENT {target} {{ ?s ?p ?o }} }}"
        status, _, body = post(f"{server}/sparql", query.encode(), "application/sparql-query")
        assert status == 400 and b"SERVICE calls are refused" in body and b"--allow-service" in body
    assert trap.calls == 0  # no request went out
    trap.close()
    assert triple_count(server) > 0


def test_allowed_service_hosts_are_called_and_engine_errors_do_not_kill_workers(built):
    trap = Trap()
    service = endpoint.QueryService(
        built / "kg.ttl", workers=2, timeout=20.0,
        limits=endpoint.Limits(allow_service=(f"127.0.0.1:{trap.port}",)))
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{trap.port}/x> {{ ?s ?p ?o }} }}"
        refused = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
        # more failing queries than workers; each a 4xx with the engine's message
        results = [service.run(query, None) for _ in range(3)]
        assert [r[0] for r in results] == [400, 400, 400] and b"failed" in results[0][2]
        assert trap.calls == 3  # the allowed host was asked
        status, _, body, _ = service.run(refused, None)  # 9 is not allowed: refused before
        assert status == 400 and b"refused" in body
        assert service.run(COUNT, None)[0] == 200
    finally:
        service.close()
        trap.close()


def test_dead_workers_are_replaced(built):
    service = endpoint.QueryService(built / "kg.ttl", workers=2, timeout=20.0)
    try:
        for worker in list(service._all):
            os.kill(worker.process.pid, signal.SIGKILL)
            worker.process.join(10)
        assert [service.run(COUNT, None)[0] for _ in range(3)] == [200, 200, 200]
    finally:
        service.close()


def test_deep_nesting_is_refused_before_the_engine(server):
    deep = "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000
    status, _, body = post(f"{server}/sparql", deep.encode(), "application/sparql-query")
    assert status in (400, 413)
    deep = "SELECT * WHERE " + "{ " * 1000 + "?s ?p ?o" + " }" * 1000
    status, _, body = post(f"{server}/sparql", deep.encode(), "application/sparql-query")
    assert status == 400 and b"over the limit of 40" in body
    assert triple_count(server) > 0


@pytest.mark.parametrize("headers, expected", [
    (b"Content-Length: -1\r\n", 400),
    (b"Content-Length: +5\r\n", 400),
    (b"Content-Length: 5\r\nContent-Length: 6\r\n", 400),
    (b"", 411),
    (b"Transfer-Encoding: chunked\r\n", 411),
    (b"Content-Length: 99999999999\r\n", 413),
])
def test_bad_lengths_are_refused(server, headers, expected):
    request = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/sparql-query\r\n" + headers + b"\r\n")
    reply = raw(server, request + b"5\r\nASK{}\r\n0\r\n\r\n")
    assert status_of(reply) == expected, reply[:200]
    assert triple_count(server) > 0


def test_idle_connections_are_timed_out_and_capped(server):
    host, port = server.split("//")[1].split(":")
    idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(40)]
    for sock in idle:
        sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never ends
    assert triple_count(server) > 0  # the cap (16) closed the oldest to make room
    for sock in idle:  # closed by the cap or the idle timeout (1 s), never left open
        try:
            assert sock.recv(100) == b""
        except ConnectionResetError:
            pass
        sock.close()


def test_cross_site_requests_are_refused(server):
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": COUNT})
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"},
                    {"Origin": "null"}, {"Host": "attacker.example"}):
        request = urllib.request.Request(url, headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
    origin = server  # the query page itself may ask
    request = urllib.request.Request(url, headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_page_has_a_content_security_policy_and_the_server_no_python_version(server):
    with urllib.request.urlopen(f"{server}/", timeout=30) as response:
        csp = response.headers["Content-Security-Policy"]
        page = response.read().decode("utf-8")
        assert "Python" not in response.headers["Server"]
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    script = page.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_answers_are_capped_and_say_so(built):
    from kg.rdf.read import load_graph_file

    store = load_graph_file(built / "kg.ttl")
    status, _, body, headers = endpoint.answer(
        store, "SELECT * WHERE { ?s ?p ?o }", None, endpoint.Limits(max_rows=5))
    doc = json.loads(body)
    assert status == 200 and len(doc["results"]["bindings"]) == 5
    assert headers == {"X-KG-Truncated": "max-rows=5"} and "--max-rows" in doc["note"]
    status, _, body, _ = endpoint.answer(
        store, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples",
        endpoint.Limits(max_rows=5))
    assert status == 200 and body.count(b"\n") == 5
    status, _, body, _ = endpoint.answer(
        store, "SELECT * WHERE { ?s ?p ?o }", "text/csv", endpoint.Limits(max_response_bytes=1000))
    assert status == 500 and b"--max-response-bytes" in body


def test_a_get_body_does_not_become_a_second_request(server):
    smuggled = b"GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    reply = raw(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Length: " + str(len(smuggled)).encode() + b"\r\n\r\n" + smuggled)
    assert status_of(reply) == 200 and b"404" not in reply
