"""The `kg` command line: a thin click layer over the library. Only this module prints.

Exit codes: 0 ok; 1 the graph does not conform to the SHACL shapes; 2 bad input or usage;
3 a remote store or endpoint failed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.build import NotConforming, build
from kg.rdf.mapping import DEFAULT_BASE
from kg.errors import InputError, KgError
from kg.sparql.run import FORMATS as SPARQL_FORMATS
from kg.tables import format_table
from kg.views import DEFAULT_DEPTH, MAX_NODES, write_views_of_file

EXIT_NOT_CONFORMING = 1
EXIT_BAD_INPUT = 2
EXIT_REMOTE = 3


class RemoteFailure(click.ClickException):
    """A remote store or endpoint refused, failed, or could not be reached."""

    exit_code = EXIT_REMOTE


class BadInput(click.ClickException):
    """Bad input: the message is already a readable list of problems."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


def _input_error(exc: InputError) -> BadInput:
    n = len(exc.problems)
    lines = [str(p) for p in exc.problems]
    lines.append(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.")
    return BadInput("\n".join(lines))


def _progress(verbose: bool):
    """Progress goes to stderr, and only when someone watches (a terminal) or asks (-v)."""
    show = verbose or sys.stderr.isatty()
    return (lambda msg: click.echo(f"· {msg}", err=True)) if show else (lambda _msg: None)


def _violations_text(result) -> str:
    lines = []
    for v in result.violations:
        who = f"{v.focus_label} ({v.focus})" if v.focus_label else v.focus
        where = f" {v.path}" if v.path else ""
        value = f" = {v.value}" if v.value else ""
        lines.append(f"{v.severity}: {who}{where}{value}: {v.message}")
    lines.append(f"{len(result.violations)} violations in {result.triples:,} triples.")
    return "\n".join(lines)


def _existing_dir(ctx, param, value):
    if value is not None and not Path(value).is_dir():
        raise click.BadParameter(f"folder '{value}' not found", ctx=ctx, param=param)
    return value


seeds_option = click.option("--seeds", "seeds_dir", default="seeds", show_default=True,
                            callback=_existing_dir, help="Folder of seed YAML files.")
ontology_option = click.option("--ontology", "ontology_dir", default="ontology",
                               show_default=True, callback=_existing_dir,
                               help="Folder holding ipk.ttl and shapes.ttl.")


class KgGroup(click.Group):
    """The one place where a library error becomes a message on stderr and an exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as exc:
            click.echo(exc.report(), err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg", prog_name="kg")
def main():
    """Industrial-park knowledge graph: curated YAML seeds to a validated RDF graph.

    \b
    Example:
      kg build && kg stats
    """


@main.command("build")
@seeds_option
@ontology_option
@click.option("--out", "out_dir", default="exports", show_default=True,
              help="Folder the exports are written to.")
@click.option("--base", default=DEFAULT_BASE, show_default=True,
              help="Base IRI of the entities: base + kind + '/' + id.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (faster, unsafe).")
@click.option("--store", "store_dir", default=".kg/store", show_default=True,
              help="Embedded Oxigraph store to fill for 'kg query' (git-ignored).")
@click.option("-v", "--verbose", is_flag=True, help="Show progress even when not on a terminal.")
def build_command(seeds_dir, ontology_dir, out_dir, base, no_validate, store_dir, verbose):
    """Check the seeds, build the graph, validate it, and write exports/.

    Writes kg.ttl (canonical Turtle), kg.nt, kg.jsonld and kg.trig (one named graph
    per source), and fills the embedded store that 'kg query' reads. Nothing is written
    unless the seeds check out and the graph conforms.

    \b
    Example:
      kg build --seeds seeds --out exports
    """
    try:
        result = build(seeds_dir, out_dir, ontology_dir, base, validate=not no_validate,
                       progress=_progress(verbose), store_dir=store_dir)
    except InputError as exc:
        raise _input_error(exc) from None
    except NotConforming as exc:
        click.echo(_violations_text(exc.result), err=True)
        click.echo("The graph does not conform to the shapes; nothing was written.", err=True)
        sys.exit(EXIT_NOT_CONFORMING)
    names = ", ".join(f.name for f in result.files)
    click.echo(f"Built {result.triples:,} triples from {result.entities} entities and "
               f"{result.facts} facts: {out_dir}/ {{{names}}}")


@main.command("check")
@seeds_option
def check_command(seeds_dir):
    """Check the seeds only: YAML, keys, types, references and quotes. Writes nothing.

    \b
    Example:
      kg check --seeds seeds
    """
    from kg.seeds.loader import load_seeds

    try:
        seeds = load_seeds(seeds_dir)
    except InputError as exc:
        raise _input_error(exc) from None
    click.echo(f"OK: {len(seeds.entities)} entities and {len(seeds.facts)} facts in "
               f"{len(seeds.files)} files; every quote found in its source.")


def _read_graph(path: str):
    from rdflib import Graph

    g = Graph()
    try:
        g.parse(path, format="turtle")
    except FileNotFoundError:
        raise BadInput(f"{path}: not found (run 'kg build' first)") from None
    except Exception as exc:  # rdflib raises many kinds for malformed Turtle
        raise BadInput(f"{path}: not readable as Turtle: {exc}") from None
    return g


@main.command("validate")
@click.argument("graph_file", default="exports/kg.ttl", required=False)
@ontology_option
def validate_command(graph_file, ontology_dir):
    """Validate a built graph against the SHACL shapes (pySHACL) and report.

    Exit code 0 when it conforms, 1 when it does not, 2 when the file cannot be read.

    \b
    Example:
      kg validate exports/kg.ttl
    """
    from kg.rdf.validate import validate_graph

    try:
        result = validate_graph(_read_graph(graph_file), ontology_dir)
    except InputError as exc:
        raise _input_error(exc) from None
    if result.conforms:
        click.echo(f"Conforms: {result.triples:,} triples in {graph_file} meet every shape "
                   f"in {ontology_dir}/shapes.ttl.")
        return
    click.echo(_violations_text(result))
    sys.exit(EXIT_NOT_CONFORMING)


@main.command("stats")
@click.argument("graph_file", default="exports/kg.ttl", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
def stats_command(graph_file, fmt):
    """Count entities per class, facts per relation and per source, and unsourced facts.

    \b
    Example:
      kg stats --format json
    """
    from kg.sparql.stats import graph_stats
    from kg.rdf.store import load_store

    if not Path(graph_file).is_file():
        raise BadInput(f"{graph_file}: not found (run 'kg build' first)")
    try:
        stats = graph_stats(load_store(graph_file))
    except (SyntaxError, ValueError, OSError) as exc:
        raise BadInput(f"{graph_file}: not readable as Turtle: {exc}") from None
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
queries_option = click.option("--queries", "queries_dir", default="queries", show_default=True,
                              callback=_existing_dir, help="Folder of named .rq queries.")


def _load_named(queries_dir):
    from kg.sparql.queries import load_queries

    try:
        return load_queries(queries_dir)
    except InputError as exc:
        raise _input_error(exc) from None


@main.command("queries")
@queries_option
def queries_command(queries_dir):
    """List the named SPARQL queries with the question each answers.

    \b
    Example:
      kg queries
    """
    named = _load_named(queries_dir)
    rows = []
    for q in named.values():
        params = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
        rows.append([q.name, q.question_zh, params])
    click.echo(format_table(["name", "question", "parameters (defaults)"], rows))


@main.command("query")
@click.argument("name", required=False)
@click.option("--sparql", "sparql_text", help="Run this query text instead of a named one.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a parameter of the named query (repeatable).")
@click.option("--format", "fmt", type=click.Choice(SPARQL_FORMATS),
              default="table", show_default=True,
              help="Output format; srj/srx are W3C SPARQL results JSON/XML. "
                   "CONSTRUCT and DESCRIBE always print Turtle.")
@click.option("--endpoint", help="Ask this SPARQL endpoint (query URL) instead of the local graph.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph",
              show_default=True, help="Local engine.")
@click.option("--graph", "graph_file", help="Query this Turtle file in memory instead of the store.")
@click.option("--store", "store_dir", default=".kg/store", show_default=True,
              help="Embedded store filled by 'kg build'.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for an endpoint.")
@seeds_option
@queries_option
def query_command(name, sparql_text, params, fmt, endpoint, engine, graph_file, store_dir,
                  timeout, seeds_dir, queries_dir):
    """Run a named query (see 'kg queries'), a .rq file, or --sparql text.

    Parameters are bound as RDF terms, never pasted into the query. Without --endpoint or
    --graph, the embedded store is used when it is fresh; when the seeds changed since the
    last build, the answer comes from the seeds built in memory, and a note says so.

    \b
    Example:
      kg query park-companies --param park=丽水经开区 --format csv
    """
    from kg.sparql import engines
    from kg.sparql.queries import NamedQuery, bind_params, parse_param_options, parse_query_file
    from kg.sparql.run import EndpointError, QueryError, render

    if bool(name) == bool(sparql_text):
        raise click.UsageError("give a query NAME (or FILE.rq) or --sparql TEXT, not both")
    try:
        given = parse_param_options(params)
        if sparql_text:
            named = NamedQuery("ad-hoc", Path("-"), "ad hoc", "", "", [], [], sparql_text)
        elif name.endswith(".rq") or Path(name).is_file():
            path = Path(name)
            if not path.is_file():
                raise BadInput(f"{name}: file not found")
            # a file without our header is still a query, just without parameters
            named = parse_query_file(path, []) or NamedQuery(
                path.stem, path, "", "", "", [], [], path.read_text(encoding="utf-8"))
        else:
            available = _load_named(queries_dir)
            if name not in available:
                import difflib

                close = difflib.get_close_matches(name, available, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise BadInput(f"no named query '{name}' ({hint}see 'kg queries')")
            named = available[name]
        if endpoint:
            chosen = engines.remote_engine(endpoint, timeout)
        elif graph_file:
            if not Path(graph_file).is_file():
                raise BadInput(f"{graph_file}: not found")
            chosen = (engines.rdflib_engine(graph_file) if engine == "rdflib"
                      else engines.oxigraph_file_engine(graph_file))
        elif engine == "rdflib":
            if not Path("exports/kg.ttl").is_file():
                raise BadInput("exports/kg.ttl: not found (run 'kg build', or pass --graph)")
            chosen = engines.rdflib_engine("exports/kg.ttl")
        else:
            chosen = engines.store_engine(store_dir, seeds_dir)
        if chosen.note:
            click.echo(f"note: {chosen.note}", err=True)
        text = bind_params(named, given, chosen.run)
        result = chosen.run(text)
    except InputError as exc:
        raise _input_error(exc) from None
    except EndpointError as exc:
        raise RemoteFailure(str(exc)) from None
    except QueryError as exc:
        raise BadInput(f"error: {exc}") from None
    click.echo(render(result, fmt), nl=False)


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
@click.option("--graph", "graph_file", help="Serve this Turtle file instead of the store.")
@click.option("--store", "store_dir", default=".kg/store", show_default=True,
              help="Embedded store filled by 'kg build'.")
@seeds_option
@queries_option
def serve_command(host, port, timeout, max_request_bytes, workers, graph_file, store_dir,
                  seeds_dir, queries_dir):
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
    from kg.sparql import engines
    from kg.sparql.queries import bind_params
    from kg.sparql.run import QueryError
    from kg.rdf.store import store_state

    if graph_file:
        if not Path(graph_file).is_file():
            raise BadInput(f"{graph_file}: not found")
        source, local = graph_file, engines.oxigraph_file_engine(graph_file)
    else:
        state = store_state(store_dir, seeds_dir)
        if state.status == "missing":
            raise BadInput(f"{state.message}, or pass --graph exports/kg.ttl")
        if state.status == "stale":
            click.echo(f"note: {state.message}; serving it as it is", err=True)
        source, local = store_dir, engines.read_only_store_engine(store_dir)
    examples = {}
    for name, named in _load_named(queries_dir).items():
        try:
            examples[name] = (named.question_zh, bind_params(named, {}, local.run))
        except QueryError:
            examples[name] = (named.question_zh, named.text)
    service = endpoint.QueryService(source, workers=workers, timeout=timeout)
    config = endpoint.ServerConfig(max_request_bytes, endpoint.render_page(examples))
    try:
        server = endpoint.make_server(host, port, service, config)
    except OSError as exc:
        service.close()
        raise BadInput(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    bound_host, bound_port = server.server_address[:2]
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: others on the network can query it", err=True)
    click.echo(f"Serving SPARQL at http://{bound_host}:{bound_port}/sparql "
               f"(query page at /; Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        service.close()


@main.command("push")
@click.argument("gsp_url")
@click.option("--graph", default="https://w3id.org/industrial-park-kg/id/graph/kg",
              show_default=True, help="IRI of the graph to replace, or 'default'.")
@click.option("--file", "nt_file", default="exports/kg.nt", show_default=True,
              help="The N-Triples export to send.")
@click.option("--user", help="User name for stores that need one; the password is read from "
                             "the KG_PASSWORD environment variable.")
@click.option("--timeout", default=300.0, show_default=True, help="Seconds per HTTP request.")
def push_command(gsp_url, graph, nt_file, user, timeout):
    """Replace a graph in any SPARQL 1.1 Graph Store Protocol store with the built graph.

    Sends exports/kg.nt with HTTP PUT, reads the graph back and checks the triple count.

    \b
    Example:
      kg push http://127.0.0.1:7878/store --graph https://example.org/graph/lishui
    """
    from kg.sparql.push import RemoteError, push

    if not Path(nt_file).is_file():
        raise BadInput(f"{nt_file}: not found (run 'kg build' first)")
    if graph != "default" and not graph.startswith(("http://", "https://", "urn:")):
        raise BadInput(f"--graph must be an absolute IRI or 'default', got {graph!r}")
    try:
        result = push(gsp_url, Path(nt_file).read_bytes(), graph, user, timeout)
    except RemoteError as exc:
        raise RemoteFailure(str(exc)) from None
    click.echo(f"Pushed {result.sent:,} triples to {result.graph} at {result.url}; "
               f"read back {result.stored:,}.")


@main.command("viz")
@click.argument("graph_file", default="exports/kg.ttl", required=False)
@click.option("--out", "out_dir", default="exports/views", show_default=True,
              help="Folder the HTML views are written to.")
@ontology_option
@click.option("--focus", "focus_on", metavar="ID_OR_NAME",
              help="Also write an ego view around this entity: its id, Chinese or English "
                   "label, or an alias.")
@click.option("--depth", type=click.IntRange(1, 6), default=DEFAULT_DEPTH, show_default=True,
              help="With --focus: how many links away from the entity the view reaches.")
@click.option("--max-nodes", type=click.IntRange(20, 5000), default=MAX_NODES,
              show_default=True,
              help="The most nodes one view holds; above it a view groups or ranks, and says so.")
def viz_command(graph_file, out_dir, ontology_dir, focus_on, depth, max_nodes):
    """Write interactive views of a built graph: one offline HTML file each, plus index.html.

    Views: overview (colour by class, size by degree), park, chain (segments upstream to
    downstream, companies under each, gaps hollow), honours (who awarded what to whom, by
    year), and with --focus an ego view. Open index.html in any browser; nothing is fetched.

    \b
    Example:
      kg viz
      kg viz --focus 晶睿电子 --depth 2
    """
    if not Path(graph_file).is_file():
        raise BadInput(f"{graph_file}: not found (run 'kg build' first)")
    try:
        views, paths = write_views_of_file(graph_file, out_dir, ontology_dir, focus_on, depth,
                                           max_nodes)
    except (SyntaxError, ValueError, OSError) as exc:
        raise BadInput(f"{graph_file}: not readable as Turtle: {exc}") from None
    for view in views:
        cut = " (grouped or ranked: over --max-nodes)" if view.note else ""
        click.echo(f"{out_dir}/{view.name}.html: {len(view.nodes)} nodes, "
                   f"{len(view.edges)} edges{cut}")
    click.echo(f"Open {Path(paths[-1]).as_posix()} in a browser.")


# -- Network analytics: kg analyze, kg path, kg export --------------------------------------------


def _projected(graph_file: str):
    """The store and the networkx projection of a built graph; a missing or bad file is exit 2."""
    from kg.graph.projection import project
    from kg.rdf.store import load_store

    if not Path(graph_file).is_file():
        raise BadInput(f"{graph_file}: not found (run 'kg build' first)")
    try:
        store = load_store(graph_file)
    except (SyntaxError, ValueError, OSError) as exc:
        raise BadInput(f"{graph_file}: not readable as Turtle: {exc}") from None
    return store, project(store)


def _write_files(files: dict, out_dir: str) -> list[Path]:
    from kg.rdf.export import write_atomically

    try:
        return write_atomically(files, out_dir)
    except OSError as exc:
        raise BadInput(f"{out_dir}: cannot write there: {exc.strerror or exc}") from None


@main.command("analyze")
@click.argument("graph_file", default="exports/kg.ttl", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md"]),
              default="text", show_default=True,
              help="text: terminal report; json: everything, for programs; csv: one file per "
                   "part into --out; md: Markdown report.")
@click.option("--out", "out_dir", help="Folder for --format csv (created if missing).")
@click.option("--top", default=15, show_default=True, type=click.IntRange(min=1),
              help="Rows of centrality and key enterprises in the text and md reports.")
def analyze_command(graph_file, fmt, out_dir, top):
    """Centrality, communities, chain coverage and key enterprises, each score explained.

    Centrality (degree, betweenness, PageRank), Louvain communities (fixed seed), connected
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
    from kg.graph.report import render_csv, render_md, render_text, to_json

    if fmt == "csv" and not out_dir:
        raise BadInput("--format csv writes one file per part: give a folder with --out")
    if fmt != "csv" and out_dir:
        raise BadInput("--out is for --format csv; the other formats print to stdout")
    _store, g = _projected(graph_file)
    analysis = analyze(g)
    if fmt == "csv":
        written = _write_files(render_csv(analysis), out_dir)
        click.echo(f"Wrote {', '.join(str(p) for p in written)}")
        return
    render = {"json": lambda a: to_json(a), "md": lambda a: render_md(a, top),
              "text": lambda a: render_text(a, top)}[fmt]
    click.echo(render(analysis), nl=False)


@main.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--graph", "graph_file", default="exports/kg.ttl", show_default=True,
              help="The built graph to search.")
def path_command(source, target, graph_file):
    """Explain the shortest connection between two entities, hop by hop.

    SOURCE and TARGET are ids, or exact labels or aliases in Chinese or English. Each hop is
    a fact, told with its relation, year, quote and source. Exit code 0 when connected, 1 when
    no chain of facts links them, 2 for an unknown or ambiguous name (the candidates are
    listed).

    \b
    Example:
      kg path 晶睿电子 特尔阀门
      kg path jingrui-electronics shige-pet
    """
    from kg.graph.paths import article_titles, explain_path, find_path, resolve
    from kg.names import AmbiguousName, UnknownName

    store, g = _projected(graph_file)
    ends, problems = [], []
    for name in (source, target):
        try:
            ends.append(resolve(g, name))
        except (UnknownName, AmbiguousName) as exc:
            problems.append(str(exc))
    if problems:
        raise BadInput("\n".join(problems))
    hops = find_path(g, *ends)
    click.echo(explain_path(g, *ends, hops, article_titles(store)))


@main.command("export")
@click.argument("graph_file", default="exports/kg.ttl", required=False)
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv"]), required=True,
              help="graphml (Cytoscape, yEd), gexf (Gephi), csv (Neo4j admin import: "
                   "nodes.csv and edges.csv).")
@click.option("--out", "out_dir", default="exports/graph", show_default=True,
              help="Folder the files are written to (git-ignored by default).")
def export_command(graph_file, fmt, out_dir):
    """Write the projected entity graph for other graph tools.

    The same nodes and edges `kg analyze` measures (see kg/projection.py): entities with
    labels and classes; facts with relation, year, qualifiers, quote and source. Unknown
    values are left out and lists joined with "; ", as GraphML and GEXF require.

    \b
    Example:
      kg export --format graphml
      kg export --format csv --out neo4j-import/
    """
    from kg.graph.files import graph_files

    _store, g = _projected(graph_file)
    written = _write_files(graph_files(g, fmt), out_dir)
    click.echo(f"Wrote {', '.join(str(p) for p in written)}: {g.number_of_nodes()} nodes, "
               f"{g.number_of_edges()} edges")
