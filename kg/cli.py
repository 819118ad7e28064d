"""The `kg` command line: a thin click layer over the library. Only this module prints.

Each command finds its paths (the project's, or the ones given), calls the library, and prints
the answer. Errors are the library's `KgError`s: `KgGroup` prints their report on stderr and
exits with their code (see kg/errors.py: 0 ok, 1 does not conform, 2 bad input or usage,
3 remote failure, 4 no path found, 5 cannot write).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from kg.errors import EXIT_INTERRUPTED, KgError, counted
from kg.project import NoProject, Project, existing, open_project, packaged, store_of
from kg.sparql import PUSHED_GRAPH
from kg.sparql.run import FORMATS as FORMATS_SPARQL
from kg.views.layout import DEFAULT_DEPTH
from kg.views.layout import MAX_NODES as DEFAULT_MAX_NODES
from kg.views.layout import PARK_VIEWS

GRAPH_HINT = "run 'kg build' first"


class KgGroup(click.Group):
    """The one place where a library error becomes a message on stderr and an exit code."""

    def invoke(self, ctx):
        # igraph's PageRank solver spins OpenMP threads that cost a second on a busy
        # 2-core machine for a millisecond's work; one thread unless the user says otherwise.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        try:
            return super().invoke(ctx)
        except KgError as exc:
            _to_stderr(exc.report())
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:  # not click's "Aborted!" with 1, which means "does not conform"
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


def _to_stderr(text: str) -> None:
    """`text` on stderr, each line's control characters escaped: a name it quotes from the
    seeds (a file's, an id's) cannot move the cursor or recolour the terminal."""
    from kg.tables import escape_lines

    click.echo(escape_lines(text), err=True)


# -- where things are ---------------------------------------------------------------------------

def _remember_project(ctx: click.Context, _param, value):
    if value is not None:
        ctx.find_root().meta["kg.project"] = value
    return value


project_option = click.option(
    "--project", metavar="DIR", expose_value=False, callback=_remember_project,
    help="The project folder (default: the nearest folder at or above the current one that "
         "holds seeds/sources.yaml; or $KG_PROJECT).")


def _project() -> Project:
    """The project the command runs in; raises NoProject saying how to point at one."""
    return open_project(click.get_current_context().find_root().meta.get("kg.project"))


def _folder(given: str | None, default) -> Path:
    """A folder the user named (must exist: 'not found'), else the project's."""
    if given is not None:
        path = existing(given)
        if not path.is_dir():
            raise KgError(f"{given}: not a folder")
        return path
    return default()


def _seeds(given: str | None) -> Path:
    return _folder(given, lambda: existing(_project().seeds))


def _ontology(given: str | None) -> Path:
    """The ontology given, else the project's own, else the one shipped with the package."""
    def default() -> Path:
        try:
            return _project().ontology
        except NoProject:
            return packaged("ontology")
    return _folder(given, default)


def _queries(given: str | None) -> list[Path]:
    """The shipped queries, then the project's own (or the folder given) overriding them."""
    if given is not None:
        return [packaged("queries"), _folder(given, lambda: packaged("queries"))]
    try:
        return _project().queries
    except NoProject:
        return [packaged("queries")]


def _built(given: str | None, name: str = "kg.ttl") -> Path:
    """A file of a build: the one the user named ('not found' if missing), else the project's
    export (whose hint says to build first)."""
    if given is not None:
        return existing(given)
    return existing(_project().exports / name, GRAPH_HINT)


def _terminal_width() -> int | None:
    """The terminal's width for a printed table; None when piped (values kept whole)."""
    if not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def _progress(verbose: bool, quiet: bool = False):
    """Progress goes to stderr, each step with the seconds since the start, and only when
    someone watches (a terminal) or asks (-v); never with -q."""
    import time

    if quiet or not (verbose or sys.stderr.isatty()):
        return lambda _msg: None
    started = time.monotonic()
    return lambda msg: _to_stderr(f"· {time.monotonic() - started:6.1f} s  {msg}")


seeds_option = click.option("--seeds", "seeds_dir", metavar="DIR",
                            help="Folder of seed YAML files [default: the project's seeds/].")
ontology_option = click.option("--ontology", "ontology_dir", metavar="DIR",
                               help="Folder holding ipk.ttl and shapes.ttl [default: the "
                                    "project's ontology/, else the one shipped with kg].")
queries_option = click.option("--queries", "queries_dir", metavar="DIR",
                              help="A folder of named .rq queries adding to (or overriding) "
                                   "the shipped ones [default: the project's queries/].")
graph_argument = click.argument("graph_file", required=False, metavar="[GRAPH_FILE]")


def program() -> None:
    """The `kg` executable (pyproject's entry point, and `python -m kg`): `main`, told that it
    runs a process of its own (see `_end_now`)."""
    main(prog_name="kg", obj={"program": True})


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg", prog_name="kg")
@project_option
def main():
    """Industrial-park knowledge graph: curated YAML seeds to a validated RDF graph.

    Commands work in a project folder (one holding seeds/sources.yaml) or any folder
    inside it; --project DIR or KG_PROJECT=DIR name one from anywhere. GRAPH_FILE
    defaults to the project's exports/kg.ttl.

    \b
    Example:
      kg init my-park && cd my-park && kg build && kg stats
    """


@main.command("init")
@click.argument("folder")
def init_command(folder):
    """Create an empty project: seeds with one example fact and its source text.

    `kg build` builds and validates it at once; replace the example with your own sources
    and facts.

    \b
    Example:
      kg init my-park && cd my-park && kg build
    """
    from kg.scaffold import init_project

    written = init_project(folder)
    click.echo(f"Created the project {folder}/ ({counted(len(written), 'file')}); next: "
               f"cd {folder} && kg build")


@main.command("build")
@seeds_option
@ontology_option
@click.option("--out", "out_dir", metavar="DIR",
              help="Folder the exports (and their store, OUT/.store) are written to "
                   "[default: the project's exports/].")
@click.option("--base", default=None, metavar="IRI",
              help="Base IRI of the entities: base + kind + '/' + id "
                   "[default: https://w3id.org/industrial-park-kg/id/].")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (faster, unsafe).")
@click.option("--no-store", is_flag=True,
              help="Do not fill the embedded store that 'kg query' and 'kg serve' read.")
@click.option("--cold", is_flag=True,
              help="Read every seeds file, validate every node and analyse the graph anew, "
                   "reusing nothing of the build in OUT.")
@click.option("--wait", type=click.FloatRange(min=0), default=600, show_default=True,
              metavar="SECONDS",
              help="How long to wait for another 'kg build' writing the same folder "
                   "before giving up (exit code 2).")
@click.option("-v", "--verbose", is_flag=True, help="Show progress even when not on a terminal.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, even on a terminal.")
@project_option
def build_command(seeds_dir, ontology_dir, out_dir, base, no_validate, no_store, cold, wait,
                  verbose, quiet):
    """Check the seeds, build the graph, validate it, and write exports/.

    Writes kg.ttl (canonical Turtle), kg.nt, kg.jsonld, kg.trig (one named graph per
    source) and analytics.ttl, and fills the build's embedded store (OUT/.store) that
    'kg query' reads. Nothing is written unless the seeds check out and the graph conforms;
    a build is published whole (see kg/build.py), and one build at a time writes a folder.
    A rebuild reads only the seeds files that changed since the build in OUT, when it can
    be sure of the result (see kg/filewise.py), and writes nothing when nothing changed;
    --cold reads them all and writes everything anew.

    \b
    Example:
      kg build --seeds seeds --out exports
    """
    from kg.build import build
    from kg.rdf.mapping import DEFAULT_BASE

    seeds = _seeds(seeds_dir)
    out = Path(out_dir) if out_dir is not None else _project().exports
    result = build(seeds, out, _ontology(ontology_dir), base or DEFAULT_BASE,
                   validate=not no_validate, progress=_progress(verbose, quiet),
                   with_store=not no_store, wait=wait,
                   notice=lambda msg: _to_stderr(f"note: {msg}"), cold=cold)
    names = ", ".join(f.name for f in result.files)
    said = f"{counted(result.triples, 'triple')} from " \
           f"{counted(result.entities, 'entity', 'entities')} and " \
           f"{counted(result.facts, 'fact')}: {out}/ {{{names}}}"
    click.echo(f"Up to date: {said}; nothing changed since the last build, nothing written"
               if result.up_to_date else f"Built {said}")


@main.command("check")
@seeds_option
@project_option
def check_command(seeds_dir):
    """Check the seeds only: YAML, keys, types, references and quotes. Writes nothing.

    \b
    Example:
      kg check --seeds seeds
    """
    from kg.seeds.loader import load_seeds

    seeds = load_seeds(_seeds(seeds_dir))
    click.echo(f"OK: {counted(len(seeds.entities), 'entity', 'entities')} and "
               f"{counted(len(seeds.facts), 'fact')} in {counted(len(seeds.files), 'file')}; "
               "every quote found in its source.")


@main.command("validate")
@graph_argument
@ontology_option
@project_option
def validate_command(graph_file, ontology_dir):
    """Validate a built graph against the SHACL shapes (pyshacl-turbo) and report.

    Exit code 0 when it conforms, 1 when it does not, 2 when the file cannot be read.

    \b
    Example:
      kg validate exports/kg.ttl
    """
    from kg.rdf.read import load_graph_file
    from kg.rdf.validate import NotConforming, validate_store

    path, ontology = _built(graph_file), _ontology(ontology_dir)
    result = validate_store(load_graph_file(path), ontology)
    if not result.conforms:
        raise NotConforming(result, written=True)
    click.echo(f"Conforms: {result.triples:,} triples in {path} meet every shape "
               f"in {ontology}/shapes.ttl.")


@main.command("stats")
@graph_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
@project_option
def stats_command(graph_file, fmt):
    """Count entities per class, facts per relation and per source, and unsourced facts.

    \b
    Example:
      kg stats --format json
    """
    from kg.rdf.read import load_graph_file
    from kg.sparql.stats import graph_stats
    from kg.tables import format_table

    stats = graph_stats(load_graph_file(_built(graph_file)))
    if fmt == "json":
        click.echo(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(format_table(["class", "entities"], [list(r) for r in stats.entities_per_class]))
    click.echo()
    click.echo(format_table(["relation", "facts"], [list(r) for r in stats.facts_per_relation]))
    click.echo()
    click.echo(format_table(["source", "headline", "facts"],
                            [list(r) for r in stats.facts_per_source]))
    click.echo()
    click.echo(f"{stats.triples:,} triples; {stats.facts} facts; "
               f"facts or entities without source or quote: {stats.unsourced}")


# -- SPARQL -------------------------------------------------------------------------------

@main.command("queries")
@queries_option
@project_option
def queries_command(queries_dir):
    """List the named SPARQL queries with the question each answers.

    \b
    Example:
      kg queries
    """
    from kg.sparql.queries import load_queries
    from kg.tables import format_table

    rows = []
    for q in load_queries(_queries(queries_dir)).values():
        params = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
        rows.append([q.name, q.question_zh, params])
    click.echo(format_table(["name", "question", "parameters (defaults)"], rows))


@main.command("query")
@click.argument("name", required=False)
@click.option("--sparql", "sparql_text", help="Run this query text instead of a named one.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a parameter of the named query (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS_SPARQL),
              default="table", show_default=True,
              help="Output format; srj/srx are W3C SPARQL results JSON/XML. "
                   "CONSTRUCT and DESCRIBE always print Turtle.")
@click.option("--endpoint", help="Ask this SPARQL endpoint (query URL) instead of the local graph.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph",
              show_default=True, help="Local engine.")
@click.option("--graph", "graph_file", metavar="FILE",
              help="Query this built graph (its store when 'kg build' wrote one with it, else "
                   "the file read into memory: .ttl, .nt, .jsonld, .trig, .nq or .rdf) "
                   "instead of the project's store.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for an endpoint.")
@click.option("--default-graph", metavar="IRI|none", default=PUSHED_GRAPH, show_default=True,
              help="With --endpoint: the graph the query reads as its default graph (sent as "
                   "default-graph-uri; the graph 'kg push' writes by default); 'none' leaves "
                   "it to the store, e.g. after 'kg push --graph default'.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="HOST",
              help="Let SERVICE call this host (HOST or HOST:PORT, repeatable); refused otherwise.")
@click.option("--width", type=click.IntRange(20), default=None,
              help="Width of --format table in characters [default: the terminal's; none when piped].")
@seeds_option
@queries_option
@project_option
def query_command(name, sparql_text, params, fmt, endpoint, engine, graph_file,
                  timeout, default_graph, allow_service, width, seeds_dir, queries_dir):
    """Run a named query (see 'kg queries'), a .rq file, or --sparql text.

    Parameters are bound as RDF terms, never pasted into the query. Without --endpoint or
    --graph, the project's embedded store is used when it holds the seeds as they are;
    otherwise the answer comes from the seeds built in memory, and a note says why.

    \b
    Example:
      kg query park-companies --param park=丽水经开区 --format csv
    """
    from kg.sparql import engines
    from kg.sparql.queries import ad_hoc_query, bind_params, find_query, parse_param_options
    from kg.sparql.run import guard_query, render

    if not name and not sparql_text:
        raise click.UsageError("no query given: name one (see 'kg queries'), give a FILE.rq, "
                               "or --sparql TEXT")
    if name and sparql_text:
        raise click.UsageError(f"give a query NAME (or FILE.rq) or --sparql TEXT, not both "
                               f"(got {name!r} and --sparql)")
    given = parse_param_options(params)
    named = ad_hoc_query(sparql_text) if sparql_text else find_query(name, _queries(queries_dir))
    if endpoint:
        chosen = engines.choose_engine(endpoint=endpoint, timeout=timeout,
                                       default_graph=_graph_iri(default_graph))
    elif graph_file or engine == "rdflib":  # rdflib reads a file; it has no store
        chosen = engines.choose_engine(graph_file=_built(graph_file), engine=engine)
    else:
        try:
            store = store_of(_project().exports)
        except NoProject:  # seeds given outside a project: no store to use
            store = None
        chosen = engines.choose_engine(store_dir=store, seeds_dir=_seeds(seeds_dir))
    if chosen.note:
        _to_stderr(f"note: {chosen.note}")
    text = bind_params(named, given, chosen.run, chosen.names)
    # SERVICE on a remote endpoint is that endpoint's business
    guard_query(text, allow_service=None if endpoint else allow_service)
    result = chosen.run(text)
    if width is None:  # piped tables keep their whole values
        width = _terminal_width()
    # color=True: click would strip escape sequences from values when piped
    click.echo(render(result, fmt, width=width), nl=False, color=True)
    _end_now()


def _end_now() -> None:
    """End the `kg` process here, its answer written: a read-only command has nothing left to
    save, and the normal way out costs a 1 ms query 10 ms more (closing a province's read-only
    RocksDB store, 6 ms, and unloading every module). Only when `program` runs the command: a
    test's CliRunner, or anyone calling `main`, gets the normal return."""
    if not (click.get_current_context().find_root().obj or {}).get("program"):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. a closed pipe: the normal way out reports it
        return
    os._exit(0)


def _graph_iri(value: str) -> str | None:
    """--default-graph: an absolute IRI, or 'none' for the store's own default graph."""
    if value.lower() == "none":
        return None
    if not value.startswith(("http://", "https://", "urn:")):
        raise click.BadParameter(f"an absolute IRI or 'none', got {value!r}",
                                 param_hint="'--default-graph'")
    return value


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; anything else is reachable by others).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 picks a free one).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds a query may run before it is stopped (503).")
@click.option("--max-request-bytes", default=1 << 20, show_default=True, type=click.IntRange(1),
              help="Largest request body or URL accepted (413/414 beyond).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes answering queries in parallel.")
@click.option("--graph", "graph_file", metavar="FILE",
              help="Serve this Turtle file instead of the project's store.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="HOST",
              help="Let SERVICE call this host (HOST or HOST:PORT, repeatable); refused (400) "
                   "otherwise.")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(1),
              help="Rows (or triples) per answer; beyond, the answer is cut and says so "
                   "(header X-KG-Truncated, and a note in SPARQL JSON).")
@click.option("--max-response-bytes", default=64 << 20, show_default=True,
              type=click.IntRange(1), help="Largest answer sent (500 beyond).")
@click.option("--max-memory", default=2048, show_default=True, type=click.IntRange(0),
              help="MiB of address space per worker process (0: no limit); a query that needs "
                   "more gets 500 and its worker is replaced.")
@click.option("--max-connections", default=256, show_default=True, type=click.IntRange(1),
              help="Open connections; beyond, the longest idle one is closed (503 if none is).")
@queries_option
@project_option
def serve_command(host, port, timeout, max_request_bytes, workers, graph_file, allow_service,
                  max_rows, max_response_bytes, max_memory, max_connections, queries_dir):
    """Serve the graph read-only over the SPARQL 1.1 Protocol at /sparql, with a query page at /.

    Results follow the Accept header: SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT
    and DESCRIBE give Turtle or N-Triples. Updates are refused (403). Ctrl-C stops it.

    \b
    Example:
      kg serve --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE {?s ?p ?o} LIMIT 3' \\
           http://127.0.0.1:7878/sparql
    """
    from kg.sparql import endpoint
    from kg.sparql.queries import load_queries

    if graph_file:
        served = endpoint.served_graph(_built(graph_file))
    else:
        project = _project()
        served = endpoint.served_store(project.exports, project.seeds)
    if served.note:
        _to_stderr(f"note: {served.note}")
    examples = endpoint.example_queries(load_queries(_queries(queries_dir)), served.engine.run)
    limits = endpoint.Limits(timeout, max_rows, max_response_bytes, max_memory << 20,
                             tuple(allow_service))
    service = endpoint.QueryService(served.source, workers=workers, timeout=timeout,
                                    limits=limits)
    config = endpoint.ServerConfig(max_request_bytes, endpoint.render_page(examples),
                                   max_connections=max_connections)
    try:
        server = endpoint.make_server(host, port, service, config)
    except OSError as exc:
        service.close()
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    bound_host, bound_port = server.server_address[:2]
    assert isinstance(bound_host, str)  # an AF_INET or AF_INET6 server's host is text
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: others on the network can query it", err=True)
    try:  # Ctrl-C is how a server stops: from here on it is a clean exit
        click.echo(f"Serving SPARQL at http://{bound_host}:{bound_port}/sparql "
                   f"(query page at /; Ctrl-C stops)", err=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        service.close()


@main.command("push")
@click.argument("gsp_url")
@click.option("--graph", default=PUSHED_GRAPH,
              show_default=True, help="IRI of the graph to replace, or 'default'.")
@click.option("--file", "nt_file", metavar="FILE",
              help="The N-Triples export to send [default: the project's exports/kg.nt].")
@click.option("--user", help="User name for stores that need one; the password is read from "
                             "the KG_PASSWORD environment variable.")
@click.option("--timeout", default=300.0, show_default=True, help="Seconds per HTTP request.")
@project_option
def push_command(gsp_url, graph, nt_file, user, timeout):
    """Replace a graph in any SPARQL 1.1 Graph Store Protocol store with the built graph.

    Sends exports/kg.nt with HTTP PUT, reads the graph back and checks the triple count.

    \b
    Example:
      kg push http://127.0.0.1:7878/store --graph https://example.org/graph/lishui
    """
    from kg.sparql.push import push

    result = push(gsp_url, _built(nt_file, "kg.nt").read_bytes(), graph, user, timeout)
    click.echo(f"Pushed {counted(result.sent, 'triple')} to {result.graph} at {result.url}; "
               f"read back {result.stored:,}.")


# -- Views and network analytics: kg viz, kg analyze, kg path, kg export --------------------------

@main.command("viz")
@graph_argument
@click.option("--out", "out_dir", metavar="DIR",
              help="Folder the HTML views are written to [default: the project's exports/views/].")
@ontology_option
@click.option("--focus", "focus_on", metavar="ID_OR_NAME",
              help="Also write an ego view around this entity: its id, Chinese or English "
                   "label, or an alias.")
@click.option("--depth", type=click.IntRange(1, 6), default=DEFAULT_DEPTH, show_default=True,
              help="With --focus: how many links away from the entity the view reaches.")
@click.option("--max-nodes", type=click.IntRange(20, 5000), default=DEFAULT_MAX_NODES,
              show_default=True,
              help="The most nodes one view holds; above it a view groups or ranks, and says so.")
@click.option("--park-views", type=click.IntRange(0, 10_000), default=PARK_VIEWS,
              show_default=True,
              help="How many parks (those with most companies) get a view of their own; each "
                   "file inlines vis-network (about 0.6 MB).")
@project_option
def viz_command(graph_file, out_dir, ontology_dir, focus_on, depth, max_nodes, park_views):
    """Write interactive views of a built graph: one offline HTML file each, plus index.html.

    Views: overview (colour by class, size by degree), park, chain (segments upstream to
    downstream, companies under each, gaps hollow), honours (who awarded what to whom, by
    year), the coverage matrix (parks × chain segments, companies per cell, coloured by
    strength, gaps marked; click a cell for its companies), each park's own view (the
    --park-views parks with most companies), and with --focus an ego view. Open index.html in
    any browser; nothing is fetched.

    \b
    Example:
      kg viz
      kg viz --focus 晶睿电子 --depth 2
    """
    from kg.views import write_views_of_file

    path = _built(graph_file)
    out = Path(out_dir) if out_dir is not None else _project().exports / "views"
    views, paths = write_views_of_file(path, out, _ontology(ontology_dir), focus_on, depth,
                                       max_nodes, park_views)
    own = [v for v in views if v.name.startswith("park-")]
    for view in views:
        if view in own:
            continue
        cut = " (grouped or ranked: over --max-nodes)" if view.note else ""
        click.echo(f"{out}/{view.name}.html: {counted(len(view.nodes), 'node')}, "
                   f"{counted(len(view.edges), 'edge')}{cut}")
    click.echo(f"{out}/matrix.html: coverage matrix, parks × chain segments")
    if own:
        click.echo(f"{out}/park-*.html: {counted(len(own), 'park view')}")
    click.echo(f"Open {Path(paths[-1]).as_posix()} in a browser.")


def _projected(graph_file: str | None):
    """The store and the networkx projection of a built graph, read into memory by Oxigraph.

    Not the build's on-disk store: scanning it costs ~8× more per triple than the in-memory
    store, so parsing kg.ttl and projecting is the faster way (585,000 triples: 2.1 s + 3.2 s
    of CPU against 7.2 s; benchmarks/analytics_scale.py --graph)."""
    from kg.graph.projection import project
    from kg.rdf.read import load_graph_file

    store = load_graph_file(_built(graph_file))
    return store, project(store)


@main.command("analyze")
@graph_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md"]),
              default="text", show_default=True,
              help="text: terminal report; json: everything, for programs; csv: one file per "
                   "part into --out; md: Markdown report.")
@click.option("--out", "out_dir", help="Folder for --format csv (created if missing).")
@click.option("--top", default=15, show_default=True, type=click.IntRange(min=1),
              help="Rows of centrality and key enterprises in the text and md reports.")
@project_option
def analyze_command(graph_file, fmt, out_dir, top):
    """Centrality, communities, chain coverage and key enterprises, each score explained.

    Centrality (degree, betweenness, PageRank), Leiden communities (fixed seed), connected
    components and k-core per entity; for each park and chain it develops, every segment in
    chain order with the park's companies, their honours and a strength rating (优势 / 潜力 /
    薄弱 / 空白) with its inputs, and the gaps; key enterprises ranked with their score
    breakdown. The rules are in the README, "Analytics". `kg build` also writes the scores to
    exports/analytics.ttl for SPARQL.

    \b
    Example:
      kg analyze
      kg analyze --format json > analytics.json
      kg analyze --format csv --out reports/
    """
    from kg.graph.analytics import analyze
    from kg.rdf.export import write_atomically
    from kg.graph.report import render_csv, render_md, render_text, to_json

    if fmt == "csv" and not out_dir:
        raise click.UsageError("--format csv writes one file per part: give a folder with --out")
    if fmt != "csv" and out_dir:
        raise click.UsageError("--out is for --format csv; the other formats print to stdout")
    _store, g = _projected(graph_file)
    analysis = analyze(g)
    if fmt == "csv":
        written = write_atomically(render_csv(analysis), Path(out_dir))  # CannotWrite: exit 5
        click.echo(f"Wrote {', '.join(str(p) for p in written)}")
        return
    render = {"json": lambda a: to_json(a), "md": lambda a: render_md(a, top),
              "text": lambda a: render_text(a, top)}[fmt]
    click.echo(render(analysis), nl=False)


@main.command("link")
@click.argument("registry", metavar="REGISTRY.csv")
@seeds_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people; json: a list of objects with keys "
              "entity, candidate, code, status, evidence.")
@click.option("--write", "write_to", metavar="FILE.yaml",
              help="Record the accepted links as facts in this seeds file (the registry is "
                   "archived under seeds/sources/ and described in seeds/sources.yaml as their "
                   "source); review items are listed in it as comments, not written as facts.")
@click.option("--source-id", metavar="ID", help="The registry's table id [default: from its "
              "file name].")
@click.option("--label", metavar="TEXT", help="The registry's label in sources.yaml [default: "
              "its file name].")
@project_option
def link_command(registry, seeds_dir, fmt, write_to, source_id, label):
    """Link the seeds' companies to an outside registry of firms.

    REGISTRY is a CSV (or XLSX) with the columns name, full_name, code, industry
    (optional region, iri, exchange), the shape of public listed-company datasets. Each
    company is matched by the one matcher (names, region, codes, industry as evidence):
    accepted, review, or no entry. Look-alike names are never accepted.

    \b
    Example:
      kg link listed-firms.csv
      kg link listed-firms.csv --format json
      kg link listed-firms.csv --write seeds/links.yaml
    """
    from kg.seeds import link
    from kg.seeds.archive import source_id_for, write_planned
    from kg.seeds.loader import load_seeds
    from kg.seeds.profiles import seeds_without
    from kg.tables import format_table

    seeds_root = _seeds(seeds_dir)
    registry_path = existing(registry)
    out = Path(write_to) if write_to else None
    if out is not None and out.resolve().parent != seeds_root.resolve():
        raise KgError(f"{write_to}: --write must name a file directly in the seeds folder "
                      f"{seeds_root}/")
    seeds = load_seeds(seeds_root)
    if out is not None:
        seeds = seeds_without(seeds, seeds_root, out)
    _table, rows = link.read_registry(registry_path, shown=registry)
    links = link.link(seeds, rows)
    if out is not None:
        planned = link.plan_links(
            seeds_root, registry_path, links, rows, out,
            source_id or source_id_for(registry_path, "registry"), label or registry_path.name,
            f"kg link {registry_path.name} --write {out.name}")  # no paths: same bytes anywhere
        write_planned(planned)
    if fmt == "json":
        click.echo(json.dumps([item.as_json() for item in links], ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(["entity", "status", "candidate", "code", "evidence"],
                                [[i.entity, i.status, i.candidate, i.code, "; ".join(i.evidence)]
                                 for i in links], _terminal_width()), color=True)
        accepted = sum(i.status == "accepted" for i in links)
        click.echo(f"{accepted} accepted, {len(links) - accepted} for review, "
                   f"{len(rows)} registry rows.", err=True)
    if out is not None:
        click.echo(f"wrote {out}" if planned else f"{out}: unchanged", err=True)


@main.command("suggest")
@click.argument("article", metavar="ARTICLE.txt")
@click.option("--out", "out_file", metavar="DRAFT.yaml", required=True,
              help="Where the draft is written; never inside the seeds folder (review it first, "
                   "then move it there).")
@click.option("--source-id", metavar="ID",
              help="The article's id in the draft [default: from its file name].")
@seeds_option
@project_option
def suggest_command(article, out_file, source_id, seeds_dir):
    """Draft seeds from a new article, for a curator to review.

    Reads ARTICLE (plain UTF-8 text) and writes DRAFT.yaml in the seed schema: the article
    as a source (title, byline, reporters), the organisations it names (matched to the
    seeds by the one matcher, or proposed as new: a look-alike name is never glued to a
    known firm), and proposed facts with verbatim quotes: honours, lists, settlements and
    locations, chain links, figures with their qualifiers, people with their posts.
    Negated clauses give no fact; aims are goals, never achievements. Each proposal names
    its rule and a confidence; what was read but not proposed is listed at the end.
    Rules and shipped dictionaries only: no network, no model.

    \b
    Example:
      kg suggest new-article.txt --out /tmp/new-article.yaml
      cp new-article.txt seeds/sources/ && mv /tmp/new-article.yaml seeds/ && kg check
    """
    from kg.errors import CannotWrite
    from kg.seeds.archive import Planned, write_planned
    from kg.seeds.loader import load_seeds
    from kg.seeds.suggest import read_article, suggest

    seeds_root = _seeds(seeds_dir)
    out = Path(out_file)
    if out.resolve().is_relative_to(seeds_root.resolve()):
        raise KgError(f"{out_file}: --out is inside the seeds folder {seeds_root}/ (write the "
                      f"draft elsewhere, review it, then move it into the seeds folder)")
    path = existing(article)
    draft = suggest(read_article(path, article), path.name, load_seeds(seeds_root), source_id)
    try:
        write_planned([Planned(out, draft.to_yaml(path.name).encode("utf-8"))])
    except OSError as exc:
        raise CannotWrite(out_file, exc) from None
    click.echo(f"Drafted {counted(len(draft.entities), 'new entity', 'new entities')} and "
               f"{counted(len(draft.facts), 'fact')} ({len({k.id for k in draft.known})} known "
               f"to the seeds, {len(draft.skipped)} read but not proposed) into {out_file}. "
               f"Review it, archive the article as seeds/{draft.file}, move the draft into "
               f"the seeds folder and run 'kg check'.", err=True)


@main.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--graph", "graph_file", metavar="FILE",
              help="The built graph to search [default: the project's exports/kg.ttl].")
@project_option
def path_command(source, target, graph_file):
    """Explain the shortest connection between two entities, hop by hop.

    SOURCE and TARGET are ids, or labels or aliases in Chinese or English. Each hop is a
    fact, told with its relation, year, quote and source. Exit code 0 when connected, 4 when
    no chain of facts links them, 2 for an unknown or ambiguous name (the candidates are
    listed).

    \b
    Example:
      kg path 晶睿电子 特尔阀门
      kg path jingrui-electronics shige-pet
    """
    from kg.graph.kept import kept_projection
    from kg.graph.paths import article_titles, explain_path, find_path, resolve_both
    from kg.rdf.store import generation_of, store_db, store_for_graph

    graph = _built(graph_file)
    # A graph its build published: the projection is kept beside that build's store.
    store_dir = store_of(graph.parent)
    folder = generation_of(store_db(store_dir)) if store_for_graph(graph, store_dir) else None

    def make():
        store, g = _projected(str(graph))
        return g, article_titles(store)

    g, titles, index = kept_projection(folder, make)
    a, b = resolve_both(g, source, target, index)
    click.echo(explain_path(g, a, b, find_path(g, a, b), titles))


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text",
              show_default=True, help="text for people; json: the structure documented in "
              "the README; md: Markdown for a pull-request comment.")
@click.option("--exit-code", is_flag=True,
              help="Exit 1 when the builds differ, 0 when they do not (as git diff --exit-code).")
@click.option("-v", "--verbose", is_flag=True, help="Show progress even when not on a terminal.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, even on a terminal.")
@project_option
def diff_command(old, new, fmt, exit_code, verbose, quiet):
    """Show what changed between two builds: facts and entities, not triples.

    OLD and NEW are each a graph file (kg.ttl, kg.nt, kg.trig), a build's exports folder,
    a seeds folder, or a git revision of the project (HEAD~1, a branch, a commit), whose
    seeds are mapped in a temporary folder. Facts added, removed and changed (a year, a
    stage, a quote, a figure's amount: old and new values), grouped by entity, each with
    its quote and source; entities added and removed, their labels and aliases.

    \b
    Example:
      kg diff HEAD~1 HEAD
      kg diff HEAD seeds/
      kg diff old-exports/ exports/ --format md
    """
    import pyoxigraph as ox

    from kg.rdf.diff import NEW, OLD, diff_graphs, render_md, render_text, to_json
    from kg.revision import load_side

    progress = _progress(verbose, quiet)
    store = ox.Store()
    load_side(store, old, OLD, lambda: _project().root, progress)
    load_side(store, new, NEW, lambda: _project().root, progress)
    progress("comparing")
    diff = diff_graphs(store, old, new)
    render = {"text": render_text, "md": render_md, "json": to_json}[fmt]
    click.echo(render(diff), nl=False)
    if exit_code and not diff.empty:
        sys.exit(1)


@main.command("export")
@graph_argument
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv"]), required=True,
              help="graphml (Cytoscape, yEd), gexf (Gephi), csv (Neo4j admin import: "
                   "nodes.csv and edges.csv).")
@click.option("--out", "out_dir", metavar="DIR",
              help="Folder the files are written to [default: the project's exports/graph/, "
                   "git-ignored].")
@project_option
def export_command(graph_file, fmt, out_dir):
    """Write the projected entity graph for other graph tools.

    The same nodes and edges `kg analyze` measures (see kg/graph/projection.py): entities with
    labels and classes; facts with relation, year, qualifiers, quote and source. Unknown
    values are left out and lists joined with "; ", as GraphML and GEXF require.

    \b
    Example:
      kg export --format graphml
      kg export --format csv --out neo4j-import/
    """
    from kg.graph.files import graph_files
    from kg.rdf.export import write_atomically

    _store, g = _projected(graph_file)
    out = Path(out_dir) if out_dir is not None else _project().exports / "graph"
    written = write_atomically(graph_files(g, fmt), out)
    click.echo(f"Wrote {', '.join(str(p) for p in written)}: "
               f"{counted(g.number_of_nodes(), 'node')}, {counted(g.number_of_edges(), 'edge')}")


# -- kg import: tables into reviewable seeds --------------------------------------------------------

@main.group("import")
def import_group():
    """Turn a table (CSV or XLSX) into seed YAML for a curator to review.

    Each row's name is matched against the organisations of the seeds (kg/match.py): a
    match gives facts on that entity, no match proposes a new one, and a doubtful row is
    listed for review, never written. The table is archived under seeds/sources/ and
    described in seeds/sources.yaml; every fact quotes its row's cell. Then run 'kg check'
    and 'kg build'. Importing the same table again changes nothing.

    \b
    Example:
      kg import honours list.xlsx --honour national-little-giant --year 2024 \\
        --out seeds/little-giants-2024.yaml
      kg import table list.csv --mapping my-mapping.yaml --param year=2024 --out seeds/x.yaml
    """


def _import_options(command):
    """The options both forms of 'kg import' take."""
    for option in reversed([
        click.argument("table_file", metavar="TABLE"),
        click.option("--out", "out_file", required=True, metavar="FILE",
                     help="The seeds file to write, in the seeds folder (seeds/NAME.yaml)."),
        click.option("--sheet", default=None, metavar="NAME",
                     help="The XLSX sheet [default: the first]."),
        click.option("--source-id", default=None, metavar="ID",
                     help="The table's id as a source [default: the id that already describes "
                          "it, else one made from its file name]."),
        click.option("--label", default=None, metavar="TEXT",
                     help="The table's title as published [default: its title line above the "
                          "header, else its file name]."),
        click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                     show_default=True, help="The row-by-row report's format."),
        seeds_option,
        project_option,
    ]):
        command = option(command)
    return command


@import_group.command("honours")
@click.option("--honour", required=True, metavar="ID", help="The Honour the list confers (its id).")
@click.option("--year", required=True, metavar="YEAR", help="The year of the list.")
@click.option("--batch", default=None, metavar="N", help="The batch (第三批 is 3).")
@click.option("--stage", default=None, metavar="STAGE",
              help="proposed (拟), publicised (公示), published (公布), recognised (认定) ...")
@click.option("--awarded-by", default=None, metavar="BODY_ID",
              help="The PublicBody that confers the honour (its id).")
@click.option("--name-column", default=None, metavar="COL",
              help="The header of the firms' names [default: the one holding 企业名称, 单位名称, "
                   "企业全称 or 公司名称].")
@click.option("--region-column", default=None, metavar="COL",
              help="The header of the firms' regions [default: one holding 地区, 所在地 ...].")
@_import_options
def import_honours_command(table_file, out_file, sheet, source_id, label, fmt, seeds_dir, honour,
                           year, batch, stage, awarded_by, name_column, region_column):
    """Import an honour list: one hasHonour fact per firm, from a table with a header row.

    \b
    Example:
      kg import honours 2024-little-giants.xlsx --honour national-little-giant \\
        --year 2024 --batch 6 --stage recognised --out seeds/little-giants-2024.yaml
    """
    from kg.seeds.importer import load_mapping, shipped_mapping

    params = {"honour": honour, "year": year, "batch": batch, "stage": stage,
              "awarded_by": awarded_by}
    columns = {"name": name_column, "region": region_column}
    options = {"name": "--name-column", "region": "--region-column"}
    _run_import(load_mapping(shipped_mapping("honours")), "honours", table_file, out_file, sheet,
                source_id, label, fmt, seeds_dir,
                {k: v for k, v in params.items() if v is not None},
                {k: v for k, v in columns.items() if v is not None},
                lambda key: "--" + key.replace("_", "-"),
                lambda key: options.get(key, f"a '{key}' header"))


@import_group.command("table")
@click.option("--mapping", "mapping_file", required=True, metavar="FILE",
              help="The mapping file: columns to entity fields and fact templates (see "
                   "seeds/README.md 'Importing tables').")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter the mapping declares (repeatable).")
@click.option("--column", "columns", multiple=True, metavar="KEY=HEADER",
              help="The header of one of the mapping's columns, overriding its keywords "
                   "(repeatable).")
@_import_options
def import_table_command(table_file, out_file, sheet, source_id, label, fmt, seeds_dir,
                         mapping_file, params, columns):
    """Import any table through a mapping file.

    \b
    Example:
      kg import table list.csv --mapping my-mapping.yaml --param honour=provincial-tech-sme \\
        --param year=2024 --out seeds/tech-sme-2024.yaml
    """
    from kg.seeds.importer import load_mapping

    _run_import(load_mapping(mapping_file), "table", table_file, out_file, sheet, source_id,
                label, fmt, seeds_dir, _pairs(params, "--param"), _pairs(columns, "--column"),
                lambda key: f"--param {key}", lambda key: f"--column {key}=HEADER",
                mapping_file)


def _pairs(given: tuple[str, ...], option: str) -> dict[str, str]:
    found = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"{option} {item!r}: write KEY=VALUE")
        found[key.strip()] = value
    return found


def _run_import(mapping, form, table_file, out_file, sheet, source_id, label, fmt, seeds_dir,
                params, columns, option, column_option, mapping_file=None):
    import shlex
    import shutil

    from kg.errors import CannotWrite
    from kg.seeds.archive import ARCHIVE_FOLDER, write_planned
    from kg.seeds.importer import plan_import

    seeds = _seeds(seeds_dir)
    table, out = Path(table_file), Path(out_file)
    # The command as the output's header shows it: paths as in the seeds folder, so that the
    # same import run from anywhere gives the same bytes.
    words = ["kg", "import", form, f"{seeds.name}/{ARCHIVE_FOLDER}/{table.name}"]
    if mapping_file is not None:
        words += ["--mapping", Path(mapping_file).name]
    for key, value in params.items():
        words += [option(key).split(" ")[0], f"{key}={value}" if form == "table" else value]
    for key, value in columns.items():
        words += [column_option(key).split(" ")[0],
                  f"{key}={value}" if form == "table" else value]
    for flag, value in (("--sheet", sheet), ("--source-id", source_id), ("--label", label)):
        if value is not None:
            words += [flag, value]
    words += ["--out", f"{seeds.name}/{out.name}"]
    result = plan_import(seeds, table, mapping, params, out, sheet=sheet, source_id=source_id,
                         label=label, columns=columns, command=shlex.join(words), option=option,
                         column_option=column_option)
    try:
        write_planned(result.planned)
    except OSError as exc:
        raise CannotWrite(getattr(exc, "filename", None) or out, exc,
                          "the files listed before it were written") from None
    written = [str(p.path) for p in result.planned]
    counts = result.counts()
    if fmt == "json":
        click.echo(json.dumps({"source": result.source_id, "out": str(result.out),
                               "written": written, "counts": counts,
                               "rows": [r.as_json() for r in result.rows]},
                              ensure_ascii=False, indent=2))
        return
    from kg.tables import format_table

    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    click.echo(format_table(["row", "status", "name", "entity", "evidence"],
                            [[r.row, r.status, r.name, r.entity or ", ".join(r.candidates),
                              "; ".join(r.evidence)] for r in result.rows], width=width))
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    click.echo(f"{counted(len(result.rows), 'row')}: {summary}.")
    if written:
        click.echo(f"Wrote {', '.join(written)} ({counted(result.entities, 'new entity', 'new entities')}, "
                   f"{counted(result.facts, 'fact')}); review it, then run 'kg check' and 'kg build'.")
    else:
        click.echo(f"Nothing changed: {result.out} already holds this import.")
