"""A read-only SPARQL 1.1 Protocol endpoint over the built graph, with a small query page.

Queries run in worker processes, so a query that passes the time limit is stopped by ending
its worker (Oxigraph cannot interrupt a running query from another thread); a fresh worker
takes its place. Updates are refused with 403, bodies over the size limit with 413.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import queue
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.errors import KgError, NotFound
from kg.sparql.engines import Engine, oxigraph_file_engine, read_only_store_engine
from kg.sparql.queries import NamedQuery, Runner, bind_params
from kg.sparql.run import Ask, QueryError, Triples, render, run_oxigraph, to_turtle

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


def answer(store, query: str, accept: str | None) -> tuple[int, str, bytes]:
    """Run one query and serialise it as the client asked: (status, content type, body)."""
    try:
        result = run_oxigraph(store, query)
    except QueryError as exc:
        return 400, "text/plain; charset=utf-8", f"{exc}\n".encode("utf-8")
    is_graph = isinstance(result, Triples)
    media = negotiate(accept, is_graph)
    if media is None:
        offered = ", ".join(GRAPH_TYPES if is_graph else SELECT_TYPES)
        return 406, "text/plain; charset=utf-8", f"cannot answer in {accept}; offered: {offered}\n".encode()
    if isinstance(result, Triples):
        if GRAPH_TYPES[media] == "nt":
            body = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in sorted(result.triples))
        else:
            body = to_turtle(result)
    elif isinstance(result, Ask) and SELECT_TYPES[media] in ("csv", "tsv"):
        body = ("true" if result.value else "false") + "\n"
    else:
        body = render(result, SELECT_TYPES[media])
    return 200, f"{media}; charset=utf-8", body.encode("utf-8")


# -- workers ----------------------------------------------------------------------------
def _open_source(source: str):
    import pyoxigraph as ox

    from kg.rdf.store import load_store

    path = Path(source)
    return ox.Store.read_only(source) if path.is_dir() else load_store(path)


def _worker_main(conn, source: str) -> None:
    store = _open_source(source)
    conn.send("ready")
    while True:
        try:
            query, accept = conn.recv()
        except EOFError:
            return
        conn.send(answer(store, query, accept))


class _Worker:
    def __init__(self, context, source: str):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, source), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(120) or self.conn.recv() != "ready":
            self.stop()
            raise RuntimeError(f"the query worker could not open {source}")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryService:
    """A pool of worker processes answering queries within a time limit."""

    def __init__(self, source: str | Path, workers: int = 2, timeout: float = 10.0):
        self.source, self.timeout = str(source), timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        for _ in range(max(1, workers)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self.source)
        self._all.append(worker)
        self._idle.put(worker)

    def run(self, query: str, accept: str | None) -> tuple[int, str, bytes]:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return 503, "text/plain; charset=utf-8", b"all query workers are busy; try again\n"
        worker.conn.send((query, accept))
        if worker.conn.poll(self.timeout):
            reply = worker.conn.recv()
            self._idle.put(worker)
            return reply
        worker.stop()  # the only way to stop a running Oxigraph query
        self._all.remove(worker)
        self._add()
        return (503, "text/plain; charset=utf-8",
                f"the query ran past the time limit of {self.timeout:g} s and was stopped\n"
                .encode("utf-8"))

    def close(self) -> None:
        for worker in self._all:
            worker.stop()
        self._all.clear()


# -- HTTP -------------------------------------------------------------------------------
@dataclass
class ServerConfig:
    max_request_bytes: int = 1 << 20
    page: bytes = b""


def make_handler(service: QueryService, config: ServerConfig):
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-sparql/0.1"

        def log_message(self, format, *args):  # the library does not print
            pass

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: HTTPStatus, message: str) -> None:
            self._send(status.value, "text/plain; charset=utf-8", f"{message}\n".encode("utf-8"))

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if len(self.path) > config.max_request_bytes:
                return self._error(HTTPStatus.REQUEST_URI_TOO_LONG, "request too large")
            if url.path in ("/", "/index.html"):
                return self._send(200, "text/html; charset=utf-8", config.page)
            if url.path != "/sparql":
                return self._error(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
            queries = params.get("query", [])
            if len(queries) != 1:
                return self._error(HTTPStatus.BAD_REQUEST, "give exactly one 'query' parameter")
            self._send(*service.run(queries[0], self.headers.get("Accept")))

        do_HEAD = do_GET

        def do_POST(self):
            if urllib.parse.urlsplit(self.path).path != "/sparql":
                return self._error(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                return self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length")
            if length > config.max_request_bytes:
                return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                   f"request body over {config.max_request_bytes} bytes")
            body = self.rfile.read(length)
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


def make_server(host: str, port: int, service: QueryService,
                config: ServerConfig) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(service, config))
    server.daemon_threads = True
    return server


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
  status.textContent = data.results.bindings.length + " rows";
});
</script></body></html>
"""


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
    options = "".join(f'<option value="{html.escape(name)}">{html.escape(name)} · '
                      f"{html.escape(question)}</option>"
                      for name, (question, _) in examples.items())
    data = json.dumps({name: text for name, (_, text) in examples.items()}, ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    first = next(iter(examples.values()))[1] if examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    return (PAGE.replace("__OPTIONS__", options).replace("__DATA__", data)
            .replace("__FIRST__", html.escape(first))).encode("utf-8")
