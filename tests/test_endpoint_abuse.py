"""Load and abuse of a real `kg serve` over loopback: after every kind of bad request the
review found, a plain query still answers 200. Bounded in count and time; prints figures."""

from __future__ import annotations

import importlib.util
import socket
import urllib.parse

import pytest

from helpers import ROOT

spec = importlib.util.spec_from_file_location("endpoint_load", ROOT / "benchmarks" / "endpoint_load.py")
assert spec is not None and spec.loader is not None
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

HUNGRY = ("SELECT ?a ?b ?c ?d WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } "
          "ORDER BY ?a ?b ?c ?d ?f")
IDLE = 300


def send(address: tuple[str, int], data: bytes) -> bytes:
    with socket.create_connection(address, timeout=20) as sock:
        sock.sendall(data)
        return sock.recv(200)


def plain_query_works(url: str) -> None:
    status, seconds = bench.timed_query(url, timeout=20)  # the timeout bounds "quickly"
    print(f"  plain query: {status} in {1000 * seconds:.0f} ms")
    assert status == 200


@pytest.mark.slow
@pytest.mark.figures
def test_the_endpoint_holds_under_load_and_abuse(built):
    process, url = bench.start_server(built / "kg.ttl", "--workers", "2", "--timeout", "10",
                                      "--max-memory", "768", "--max-connections", "200")
    parts = urllib.parse.urlsplit(url)
    address = (parts.hostname, parts.port)
    idle: list[socket.socket] = []
    try:
        for clients in (8, 32):
            figures = bench.load(url, clients, 400)
            print(bench.report(figures))
            assert figures["failed"] == 0

        print("SERVICE queries (more than there are workers)")
        for _ in range(6):
            query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{parts.port}/x> {{ ?s ?p ?o }} }}"
            assert bench.timed_query(url, query)[0] == 400
        plain_query_works(url)

        print("deep nesting")
        deep = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
        for _ in range(3):
            reply = send(address, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/sparql-query\r\nContent-Length: "
                         + str(len(deep)).encode() + b"\r\n\r\n" + deep.encode())
            assert reply.startswith(b"HTTP/1.1 400"), reply
        plain_query_works(url)

        print("bad lengths")
        for header in (b"Content-Length: -1", b"Transfer-Encoding: chunked", b"X: y",
                       b"Content-Length: 1" + b"0" * 12):
            reply = send(address, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/sparql-query\r\n" + header + b"\r\n\r\nASK{}")
            assert reply.split(b" ")[1] in (b"400", b"411", b"413"), reply
        plain_query_works(url)

        print(f"{IDLE} idle half-open connections")
        for _ in range(IDLE):
            sock = socket.create_connection(address, timeout=20)
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            idle.append(sock)
        plain_query_works(url)
        for sock in idle:
            sock.close()
        idle.clear()

        print("a memory-hungry query")
        status, seconds = bench.timed_query(url, HUNGRY, timeout=60)
        print(f"  answered {status} after {seconds:.1f} s")
        assert status in (500, 503)
        plain_query_works(url)

        for clients in (8,):
            figures = bench.load(url, clients, 200)
            print("after the abuse: " + bench.report(figures))
            assert figures["failed"] == 0
    finally:
        for sock in idle:
            sock.close()
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err[-2000:]
