"""A read-only SPARQL 1.1 Protocol endpoint over the built graph, with a small query page.

Queries run in worker processes, so a query that passes the time limit is stopped by ending
its worker (Oxigraph cannot interrupt a running query from another thread); a fresh worker
takes its place, as it does for a worker that crashed or ran out of its memory limit
(RLIMIT_AS; that request gets 500). Updates are refused with 403, bodies over the size limit
with 413, bodies without a Content-Length (or chunked) with 411. Query text is checked by
`kg.sparql.run.guard_query` first: too long or nested too deep is 400, and so is SERVICE to a
host not allowed (the server would otherwise call any URL a query names).

Answers: past `max_rows` rows (or triples) an answer is cut, and says so in the header
X-KG-Truncated and, in SPARQL JSON, a top-level "note"; an answer over `max_response_bytes`
is refused with 500 and a message naming the limit.

The HTTP side is the standard library's threading server, held in by: a socket timeout per
connection, a cap on open connections (the longest idle one is closed to make room), a listen
backlog of 128, and refusing requests that a browser sends for another site (Origin,
Sec-Fetch-Site) or, on loopback, for another host name (DNS rebinding).
tests/test_endpoint_abuse.py shows that it holds; benchmarks/endpoint_load.py measures it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import multiprocessing
import queue
import signal
import socket
import sys
import threading
import urllib.parse
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.errors import KgError, NotFound
from kg.sparql.engines import Engine, oxigraph_file_engine, read_only_store_engine
from kg.sparql.queries import NamedQuery, Runner, bind_params
from kg.sparql.run import (Ask, QueryError, Triples, guard_query, render, run_oxigraph,
                           to_turtle)

SELECT_TYPES = {
    "application/sparql-results+json": "srj", "application/json": "srj",
    "application/sparql-results+xml": "srx", "application/xml": "srx",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt"}
DEFAULT_SELECT, DEFAULT_GRAPH = "application/sparql-results+json", "text/turtle"


def _accepted(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values respected, order kept on ties)."""
    if not header:
        return ["*/*"]
    ranked = []
    for index, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if fields[0] and q > 0:
            ranked.append((-q, index, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)] or ["*/*"]


def negotiate(accept: str | None, is_graph: bool) -> str | None:
    """The media type to answer with, or None when nothing acceptable can be produced."""
    offered = GRAPH_TYPES if is_graph else SELECT_TYPES
    default = DEFAULT_GRAPH if is_graph else DEFAULT_SELECT
    for media in _accepted(accept):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default if media == "*/*" or default.startswith(media[:-1]) else None
    return None


@dataclass(frozen=True)
class Limits:
    """What one query may use. `max_memory` is the worker's address space in bytes (0: no
    limit); SERVICE calls go only to hosts in `allow_service`."""

    timeout: float = 10.0
    max_rows: int = 100_000
    max_response_bytes: int = 64 << 20
    max_memory: int = 2 << 30
    allow_service: tuple[str, ...] = ()


TEXT = "text/plain; charset=utf-8"
TRUNCATED = "X-KG-Truncated"
Reply = tuple[int, str, bytes, dict[str, str]]


def _text(status: int, message: str) -> Reply:
    return status, TEXT, f"{message}\n".encode("utf-8"), {}


def answer(store, query: str, accept: str | None, limits: Limits = Limits()) -> Reply:
    """Run one query and serialise it as the client asked: (status, content type, body,
    extra headers). Past `max_rows` the answer is cut and says so (header, and a note in
    SPARQL JSON); past `max_response_bytes` it is refused with 500."""
    try:
        guard_query(query, allow_service=limits.allow_service)
        result = run_oxigraph(store, query, max_rows=limits.max_rows)
    except QueryError as exc:
        return _text(400, str(exc))
    is_graph = isinstance(result, Triples)
    media = negotiate(accept, is_graph)
    if media is None:
        offered = ", ".join(GRAPH_TYPES if is_graph else SELECT_TYPES)
        return _text(406, f"cannot answer in {accept}; offered: {offered}")
    if isinstance(result, Triples):
        if GRAPH_TYPES[media] == "nt":
            body = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in sorted(result.triples))
        else:
            body = to_turtle(result)
    elif isinstance(result, Ask) and SELECT_TYPES[media] in ("csv", "tsv"):
        body = ("true" if result.value else "false") + "\n"
    else:
        body = render(result, SELECT_TYPES[media])
    headers = {}
    if not isinstance(result, Ask) and result.truncated:
        note = f"only the first {limits.max_rows} results; the server's limit is --max-rows"
        headers[TRUNCATED] = f"max-rows={limits.max_rows}"
        if SELECT_TYPES.get(media) == "srj":
            body = "{\n " + json.dumps("note") + ": " + json.dumps(note) + "," + body[1:]
    data = body.encode("utf-8")
    if len(data) > limits.max_response_bytes:
        return _text(500, f"the answer is {len(data)} bytes, over the server's limit of "
                          f"{limits.max_response_bytes} (--max-response-bytes); add a LIMIT")
    return 200, f"{media}; charset=utf-8", data, headers


# -- workers ----------------------------------------------------------------------------
def _open_source(source: str):
    import pyoxigraph as ox

    from kg.rdf.read import load_graph_file

    path = Path(source)
    return ox.Store.read_only(source) if path.is_dir() else load_graph_file(path)


def _limit_memory(max_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the time limit still holds
        return
    if max_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def _worker_main(conn, source: str, limits: Limits) -> None:
    # Ctrl-C reaches the whole process group; the server stops its workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    store = _open_source(source)
    _limit_memory(limits.max_memory)
    conn.send("ready")
    while True:
        try:
            query, accept = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = answer(store, query, accept, limits)
        except MemoryError:
            reply = _text(500, f"the query needed more memory than the worker's limit of "
                               f"{limits.max_memory >> 20} MiB")
        except BaseException as exc:  # pyo3 panics derive from BaseException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            reply = _text(400, f"the query failed: {type(exc).__name__}: {exc}"[:500])
        conn.send(reply)


class _Worker:
    def __init__(self, context, source: str, limits: Limits):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, source, limits),
                                       daemon=True)
        # the worker starts with Ctrl-C blocked, until it has chosen to ignore it
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        try:
            ready = self.conn.poll(120) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise RuntimeError(f"the query worker could not open {source}")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryService:
    """A pool of worker processes answering queries within the limits. A worker that runs
    past the time limit is ended; one that dies (a crash, its memory limit) is replaced."""

    def __init__(self, source: str | Path, workers: int = 2, timeout: float = 10.0,
                 limits: Limits | None = None):
        self.source = str(source)
        self.limits = replace(limits or Limits(), timeout=timeout)
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, workers)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self.source, self.limits)
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.append(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        try:
            self._add()
        except RuntimeError:  # the next request that finds the pool short tries again
            pass

    def run(self, query: str, accept: str | None) -> Reply:
        with self._lock:
            short = not self._all and not self._closed
        if short:
            self._replace_missing()
        try:
            worker = self._idle.get(timeout=self.timeout)
            while not worker.process.is_alive():  # died while idle (killed, say)
                self._replace(worker)
                worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _text(503, "all query workers are busy; try again")
        try:
            worker.conn.send((query, accept))
            if worker.conn.poll(self.timeout):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
            message = (f"the query ran past the time limit of {self.timeout:g} s and was "
                       "stopped")
            status = 503
        except (EOFError, OSError):
            message = ("the query stopped its worker (a crash, or more memory than the limit "
                       f"of {self.limits.max_memory >> 20} MiB); a new worker takes its place")
            status = 500
        self._replace(worker)  # ending the process is the only way to stop Oxigraph
        return _text(status, message)

    def _replace_missing(self) -> None:
        try:
            self._add()
        except RuntimeError:
            pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()


# -- HTTP -------------------------------------------------------------------------------
@dataclass
class ServerConfig:
    max_request_bytes: int = 1 << 20
    page: bytes = b""
    idle_timeout: float = 10.0  # seconds a connection may wait between bytes of a request
    max_connections: int = 256


LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


class Server(ThreadingHTTPServer):
    """Threads per connection, with a cap: past `max_connections`, the connection idle the
    longest (waiting for a request) is closed to make room; when all are busy, 503."""

    daemon_threads = True
    request_queue_size = 128  # Python's default of 5 drops connections under load

    def __init__(self, address, handler, max_connections: int):
        self.max_connections = max_connections
        self._conn_lock = threading.Lock()
        self._open: dict[socket.socket, bool] = {}  # connection -> waiting for a request
        super().__init__(address, handler)

    def waiting(self, connection: socket.socket, idle: bool) -> None:
        with self._conn_lock:
            if connection in self._open:
                del self._open[connection]  # re-inserted last: the newest
                self._open[connection] = idle

    def process_request(self, request, client_address):
        with self._conn_lock:
            victim = None
            if len(self._open) >= self.max_connections:
                victim = next((c for c, idle in self._open.items() if idle), None)
                if victim is None:
                    return self._refuse(request)
                del self._open[victim]
            self._open[request] = True
        if victim is not None:
            try:
                victim.shutdown(socket.SHUT_RDWR)  # its thread sees the end and finishes
            except OSError:
                pass
        super().process_request(request, client_address)

    def _refuse(self, request) -> None:
        try:
            request.settimeout(1)
            request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                            b"Connection: close\r\n\r\n")
        except OSError:
            pass
        self.shutdown_request(request)

    def shutdown_request(self, request):
        with self._conn_lock:
            self._open.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client that went away: nothing to report
        super().handle_error(request, client_address)


def make_handler(service: QueryService, config: ServerConfig):
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-sparql"
        timeout = config.idle_timeout
        protocol_version = "HTTP/1.1"

        def version_string(self) -> str:
            return self.server_version  # no Python version for the curious

        def log_message(self, format, *args):  # the library does not print
            pass

        def handle_one_request(self):
            self.server.waiting(self.connection, True)  # type: ignore[attr-defined]
            super().handle_one_request()

        def parse_request(self) -> bool:
            ok = super().parse_request()
            if ok:
                self.server.waiting(self.connection, False)  # type: ignore[attr-defined]
            return ok

        def _send(self, status: int, content_type: str, body: bytes,
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status >= 400:
                self.close_connection = True  # an unread body must not become a request
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: HTTPStatus, message: str) -> None:
            self._send(status.value, TEXT, f"{message}\n".encode("utf-8"))

        def _foreign(self) -> str | None:
            """Why this request is refused as coming from another site, or None.
            Web pages may not use the endpoint through the visitor's browser."""
            if self.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
                return "cross-site requests are refused"
            host = (self.headers.get("Host") or "").lower()
            origin = self.headers.get("Origin")
            if origin and origin != "null" and urllib.parse.urlsplit(origin).netloc.lower() != host:
                return f"requests from {origin} are refused"
            if origin == "null":
                return "requests from opaque origins are refused"
            address = self.server.server_address
            bound = str(address[0]) if isinstance(address, tuple) else ""
            name = urllib.parse.urlsplit(f"//{host}").hostname or ""
            if bound in LOOPBACK_NAMES and host and name not in LOOPBACK_NAMES:
                return f"Host {host} is not this loopback server"  # DNS rebinding
            return None

        def do_GET(self):
            if "Content-Length" in self.headers or "Transfer-Encoding" in self.headers:
                self.close_connection = True  # a body we do not read must not become a request
            url = urllib.parse.urlsplit(self.path)
            if len(self.path) > config.max_request_bytes:
                return self._error(HTTPStatus.REQUEST_URI_TOO_LONG, "request too large")
            if url.path in ("/", "/index.html"):
                return self._send(200, "text/html; charset=utf-8", config.page,
                                  {"Content-Security-Policy": PAGE_CSP,
                                   "X-Frame-Options": "DENY"})
            if url.path != "/sparql":
                return self._error(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
            foreign = self._foreign()
            if foreign:
                return self._error(HTTPStatus.FORBIDDEN, foreign)
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
            queries = params.get("query", [])
            if len(queries) != 1:
                return self._error(HTTPStatus.BAD_REQUEST, "give exactly one 'query' parameter")
            self._send(*service.run(queries[0], self.headers.get("Accept")))

        do_HEAD = do_GET

        def _body(self) -> bytes | None:
            """The request body, or None after answering why it is not accepted."""
            if self.headers.get("Transfer-Encoding"):
                self._error(HTTPStatus.LENGTH_REQUIRED,
                            "chunked bodies are refused: send a Content-Length")
                return None
            lengths = self.headers.get_all("Content-Length") or []
            if not lengths:
                self._error(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
                return None
            text = lengths[0].strip()
            if len(set(lengths)) != 1 or not (text.isascii() and text.isdigit()):
                self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length: give one number of bytes")
                return None
            if int(text) > config.max_request_bytes:
                self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            f"request body over {config.max_request_bytes} bytes")
                return None
            return self.rfile.read(int(text))

        def do_POST(self):
            if urllib.parse.urlsplit(self.path).path != "/sparql":
                return self._error(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
            foreign = self._foreign()
            if foreign:
                return self._error(HTTPStatus.FORBIDDEN, foreign)
            body = self._body()
            if body is None:
                return None
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
            if ctype == "application/sparql-query":
                query = body.decode("utf-8", "replace")
            elif ctype == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                             keep_blank_values=True)
                if "update" in form:
                    return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
                if len(form.get("query", [])) != 1:
                    return self._error(HTTPStatus.BAD_REQUEST,
                                       "give exactly one 'query' parameter")
                query = form["query"][0]
            else:
                return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                   "send application/sparql-query or a urlencoded form")
            self._send(*service.run(query, self.headers.get("Accept")))

    return Handler


def make_server(host: str, port: int, service: QueryService, config: ServerConfig) -> Server:
    return Server((host, port), make_handler(service, config), config.max_connections)


# -- the page ---------------------------------------------------------------------------
PAGE = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SPARQL · 产业园区知识图谱</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5rem;max-width:70rem}
textarea{width:100%;height:16rem;font-family:ui-monospace,monospace;font-size:.9rem}
table{border-collapse:collapse;margin-top:1rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f3f3}#status{color:#555;margin-left:1rem}select{max-width:40rem}
</style></head><body>
<h1>SPARQL · 产业园区知识图谱</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (GET or POST). 只读查询端点。</p>
<label>Example 示例: <select id="examples"><option value="">—</option>__OPTIONS__</select></label>
<p><textarea id="query" spellcheck="false">__FIRST__</textarea></p>
<button id="run">Run 运行</button><span id="status"></span>
<div id="results"></div>
<script id="example-data" type="application/json">__DATA__</script>
<script>
"use strict";
const examples = JSON.parse(document.getElementById("example-data").textContent);
const picker = document.getElementById("examples"), box = document.getElementById("query");
const status = document.getElementById("status"), results = document.getElementById("results");
picker.addEventListener("change", () => { if (picker.value) box.value = examples[picker.value]; });
box.addEventListener("input", () => { picker.value = ""; });  // an edited query is no example
function cell(tag, text) { const c = document.createElement(tag); c.textContent = text; return c; }
document.getElementById("run").addEventListener("click", async () => {
  status.textContent = "…"; results.replaceChildren();
  const response = await fetch("/sparql", {method: "POST",
    headers: {"Content-Type": "application/sparql-query",
              "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
    body: box.value});
  const text = await response.text();
  if (!response.ok) { status.textContent = response.status + " " + text; return; }
  if (!(response.headers.get("Content-Type") || "").startsWith("application/sparql-results+json")) {
    results.appendChild(cell("pre", text)); status.textContent = "RDF"; return; }
  const data = JSON.parse(text);
  if ("boolean" in data) { status.textContent = String(data.boolean); return; }
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of data.head.vars) head.appendChild(cell("th", v));
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    for (const v of data.head.vars) row.appendChild(cell("td", b[v] ? b[v].value : ""));
  }
  results.appendChild(table);
  const n = data.results.bindings.length;
  status.textContent = n + (n === 1 ? " row" : " rows") + ("note" in data ? " · " + data.note : "");
});
</script></body></html>
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _between(text: str, start: str, end: str) -> str:
    head = text.index(start) + len(start)
    return text[head:text.index(end, head)]


# The page's one script and style, allowed by hash; nothing else loads or runs.
PAGE_CSP = (f"default-src 'none'; script-src {_hash(_between(PAGE, '<script>', '</script>'))}; "
            f"style-src {_hash(_between(PAGE, '<style>', '</style>'))}; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass
class Served:
    """What `kg serve` serves: a store folder or a Turtle file, an engine over it for the
    query page's examples, and a note for the user."""

    source: str
    engine: Engine
    note: str | None = None


def served_graph(graph_file: str | Path) -> Served:
    """A built graph file; its own store when `kg build` wrote one with this very file."""
    from kg.project import store_of
    from kg.rdf.store import store_for_graph

    store_dir = store_of(Path(graph_file).parent)
    if store_for_graph(graph_file, store_dir):
        return Served(str(store_dir), read_only_store_engine(store_dir))
    return Served(str(graph_file), oxigraph_file_engine(graph_file))


def served_store(exports: Path, seeds: Path) -> Served:
    """The store of the build in `exports`; served as it is when the seeds changed since."""
    from kg.project import store_of
    from kg.rdf.store import store_state

    store_dir = store_of(exports)
    state = store_state(store_dir, seeds)
    if state.status == "missing":
        raise NotFound(store_dir, "run 'kg build' first, or pass --graph FILE")
    note = None if state.status == "fresh" else f"{state.message}; serving it as it is"
    return Served(str(store_dir), read_only_store_engine(store_dir), note)


def example_queries(named: dict[str, NamedQuery], run: Runner) -> dict[str, tuple[str, str]]:
    """The query page's examples: each named query's question and its text with the defaults
    bound (the unbound text when a default does not resolve in this graph)."""
    examples = {}
    for name, query in named.items():
        try:
            examples[name] = (query.question_zh, bind_params(query, {}, run))
        except KgError:
            examples[name] = (query.question_zh, query.text)
    return examples


def render_page(examples: dict[str, tuple[str, str]]) -> bytes:
    """The query page; `examples` maps a name to (question, query text). All text escaped."""
    # the box opens with the first example, so the picker names it (not "—")
    options = "".join(f'<option value="{html.escape(name)}"{" selected" if i == 0 else ""}>'
                      f"{html.escape(name)} · {html.escape(question)}</option>"
                      for i, (name, (question, _)) in enumerate(examples.items()))
    data = json.dumps({name: text for name, (_, text) in examples.items()}, ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    first = next(iter(examples.values()))[1] if examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    return (PAGE.replace("__OPTIONS__", options).replace("__DATA__", data)
            .replace("__FIRST__", html.escape(first))).encode("utf-8")
