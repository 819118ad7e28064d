"""Run SPARQL on any engine and give the answer one shape, then write it in any format.

Engines: Oxigraph (embedded or in memory), rdflib (in memory), and any remote SPARQL 1.1
endpoint. Each returns a `Select`, `Ask` or `Triples` made of plain `Term`s, so the output
of a query is byte-for-byte the same whichever engine answered it.

Parameters are bound as RDF terms in an inline VALUES block at the top of the WHERE group,
written with N-Triples escaping: a value can never become query text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from kg.errors import EXIT_REMOTE, KgError, RemoteError, counted
from kg.rdf.prefixes import PREFIXES, curie

XSD = PREFIXES["xsd"]
RDF_LANGSTRING = PREFIXES["rdf"] + "langString"
# The prologue of the library's own queries: every prefix of the project.
PROLOGUE = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in PREFIXES.items())
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class QueryError(KgError):
    """A query that cannot run: bad syntax, a bad parameter, an endpoint that refused."""


class EndpointError(QueryError, RemoteError):
    """The endpoint could not be reached or failed (5xx): not the query's fault."""

    exit_code = EXIT_REMOTE


class Term(NamedTuple):
    """One RDF term, engine-neutral. `kind` is "uri", "literal" or "bnode"."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def n3(self) -> str:
        """The term in N-Triples / SPARQL syntax, escaped."""
        if self.kind == "uri":
            if _IRI_FORBIDDEN.search(self.value):
                raise QueryError(f"not a valid IRI: {self.value!r}")
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = '"' + escape_literal(self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype and self.datatype != XSD + "string":
            return f"{text}^^<{self.datatype}>"
        return text

    def canonical(self) -> tuple:
        """A comparable form: numbers by value, so '400' and '400.0' (xsd:decimal) agree."""
        if self.kind == "literal" and self.datatype in (XSD + "decimal", XSD + "integer",
                                                        XSD + "double", XSD + "float"):
            from decimal import Decimal, InvalidOperation

            try:
                return (self.kind, str(Decimal(self.value).normalize()), self.datatype, self.lang)
            except InvalidOperation:
                pass
        datatype = None if self.datatype == XSD + "string" else self.datatype
        return (self.kind, self.value, datatype, self.lang)


def escape_literal(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


def literal(value: str, datatype: str | None = None, lang: str | None = None) -> Term:
    return Term("literal", value, datatype, lang)


def iri(value: str) -> Term:
    return Term("uri", value)


class Select(NamedTuple):
    variables: list[str]
    rows: list[dict[str, Term]]
    truncated: bool = False  # more rows than asked for: the rest were not read


class Ask(NamedTuple):
    value: bool


class Triples(NamedTuple):
    triples: list[tuple[Term, Term, Term]]
    truncated: bool = False


Result = Select | Ask | Triples


# -- binding ----------------------------------------------------------------------------
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TOKENS = re.compile(r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*""")


def blank_comments(query: str) -> str:
    r"""The query with each comment replaced by spaces (offsets kept); IRIs and strings intact.

    >>> blank_comments('PREFIX rdf: <http://x/ns#> # note\nSELECT "#1"')
    'PREFIX rdf: <http://x/ns#>       \nSELECT "#1"'
    """
    return _TOKENS.sub(lambda m: " " * len(m.group(0)) if m.group(0).startswith("#")
                       else m.group(0), query)


def values_block(name: str, terms: list[Term]) -> str:
    """`VALUES ?name { t1 t2 }` with each term escaped, for a pattern that takes many values."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryError(f"not a variable name: {name!r}")
    return f"VALUES ?{name} {{ {' '.join(t.n3() for t in terms)} }}"


def bind(query: str, params: dict[str, Term]) -> str:
    """Bind variables to RDF terms with an inline `VALUES (?a ?b) { (term term) }` block.

    The block opens the top-level WHERE group, so the group's patterns and FILTERs all see
    the values. Each value is written as an escaped RDF term: it can never become query text.
    """
    if not params:
        return query
    names = sorted(params)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"not a variable name: {name!r}")
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(params[n].n3() for n in names)
    block = f"\n  VALUES ({head}) {{ ({row}) }}"
    match = _WHERE.search(blank_comments(query))
    if match is None:
        raise QueryError("a query with parameters needs a 'WHERE {' clause")
    return query[:match.end()] + block + query[match.end():]


# -- guarding user text ------------------------------------------------------------------
# Both engines parse recursively: Oxigraph overflows its stack (a segfault) a few thousand
# brackets deep, rdflib's parser hits Python's recursion limit at about 60.
MAX_QUERY_CHARS = 200_000
MAX_NESTING = 40
_LEXEMES = re.compile(r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
                      r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*''', re.S)
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:-])\s*(?:SILENT(?![\w:-])\s*)?", re.I)
_PREFIX_DECL = re.compile(r"PREFIX\s+([\w.-]*):\s*<([^>]*)>", re.I)


def skeleton(query: str) -> str:
    """The query with strings, IRIs and comments blanked (offsets kept): only syntax left."""
    def blank(m: re.Match) -> str:
        text = m.group(0)
        return "<" + " " * (len(text) - 2) + ">" if text.startswith("<") else " " * len(text)
    return _LEXEMES.sub(blank, query)


def nesting_depth(query: str) -> int:
    """The deepest nesting of { ( [ outside strings, IRIs and comments."""
    depth = deepest = 0
    for char in skeleton(query):
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth = max(0, depth - 1)
    return deepest


def _service_target(query: str, at: int) -> str | None:
    """The endpoint IRI a SERVICE at offset `at` calls, or None when it is not an IRI."""
    rest = query[at:]
    if rest.startswith("<"):
        end = rest.find(">")
        return rest[1:end] if end > 0 else None
    match = re.match(r"([\w.-]*):([\w.%-]*)", rest)
    if match is None:
        return None
    declared = {p: ns for p, ns in _PREFIX_DECL.findall(skeleton_keep_iris(query))}
    namespace = declared.get(match.group(1), PREFIXES.get(match.group(1)))
    return None if namespace is None else namespace + match.group(2)


def skeleton_keep_iris(query: str) -> str:
    return _LEXEMES.sub(lambda m: m.group(0) if m.group(0).startswith("<")
                        else " " * len(m.group(0)), query)


def _host_allowed(target: str, allowed: set[str]) -> bool:
    url = urllib.parse.urlsplit(target)
    try:
        port = url.port
    except ValueError:
        return False
    host = (url.hostname or "").lower()
    return bool(host) and (host in allowed or f"{host}:{port}" in allowed)


def guard_query(query: str, *, allow_service: Iterable[str] | None = (),
                max_chars: int = MAX_QUERY_CHARS, max_depth: int = MAX_NESTING) -> None:
    """Refuse user query text before an engine parses it: too long, nested too deep, or a
    SERVICE call to a host not in `allow_service` (None: do not check SERVICE).

    >>> guard_query("SELECT * WHERE { SERVICE <http://a.example/q> { ?s ?p ?o } }",
    ...             allow_service=["a.example"])
    """
    if len(query) > max_chars:
        raise QueryError(f"the query is {len(query)} characters long, over the limit of "
                         f"{max_chars} (shorten it)")
    depth = nesting_depth(query)
    if depth > max_depth:
        raise QueryError(f"the query nests brackets {depth} deep, over the limit of {max_depth} "
                         "(flatten the nested groups)")
    if allow_service is None:
        return
    allowed = {h.lower() for h in allow_service}
    blanked = skeleton(query)
    if "\\u" in blanked.lower():  # SPARQL's \u escapes outside strings could spell SERVICE
        raise QueryError("\\u escapes are only allowed inside strings and IRIs")
    for match in _SERVICE.finditer(blanked):
        target = _service_target(query, match.end())
        if target is None or not _host_allowed(target, allowed):
            where = target or "a variable or unknown endpoint"
            raise QueryError(f"SERVICE calls are refused: {where} (allow an endpoint's "
                             "host with --allow-service HOST)")


def _syntax_error(message: str, query: str) -> QueryError:
    """A parser's message as line, column, the line itself and a caret; long lists of
    expected characters cut short."""
    match = re.search(r"(?:at |line )(\d+):(\d+)", message)
    if match is None:
        return QueryError(f"SPARQL syntax error: {message.splitlines()[0][:300] if message else ''}")
    line, column = int(match.group(1)), int(match.group(2))
    detail = message[match.end():].lstrip(": ").split("\n")[0]
    if "Prefix not found" in detail:  # Oxigraph lists every character a name may hold
        detail = (f"unknown prefix; declare it with PREFIX (declared already: "
                  f"{', '.join(sorted(PREFIXES))})")
    elif len(detail) > 100:
        detail = detail[:100] + "…"
    from kg.tables import text_width  # only an error or a table loads it

    lines = query.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    caret = " " * text_width(text[:column - 1]) + "^"
    return QueryError(f"SPARQL syntax error at line {line}, column {column}: {detail}\n"
                      f"  {text}\n  {caret}")


_SELECT_STAR = re.compile(r"(?is)^\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*")
# compiled on first use, by re's cache: its wide class costs 2 ms, which only SELECT * pays
_VARIABLE = r"[?$]([A-Za-z_0-9\u00B7\u00C0-\uFFFF]+)"


def _prologue_end(query: str) -> int:
    body = skeleton_keep_iris(query)
    match = re.match(r"(?is)\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", body)
    return match.end() if match else 0


def star_order(query: str, variables: list[str]) -> list[str]:
    """For SELECT *, the variables in order of first appearance in the query (SPARQL 1.1,
    18.2.1); engines disagree otherwise. Other projections are kept as the engine gives them."""
    start = _prologue_end(query)
    blanked = skeleton(query)
    if not _SELECT_STAR.match(blanked[start:]):
        return variables
    first: dict[str, int] = {}
    for match in re.compile(_VARIABLE).finditer(blanked, start):
        first.setdefault(match.group(1), match.start())
    return sorted(variables, key=lambda v: (first.get(v, len(blanked)), variables.index(v)))


# -- engines ----------------------------------------------------------------------------
def _oxigraph_terms() -> Callable[[Any], Term]:
    """A converter of Oxigraph's terms to ours that makes each distinct term once: answers
    repeat their terms (a park, a datatype), and reading a term's parts costs more than
    looking it up (a quarter of the time on 25,000 rows)."""
    import pyoxigraph as ox

    named, blank = ox.NamedNode, ox.BlankNode
    made: dict[Any, Term] = {}

    def term_of(term: Any) -> Term:
        found = made.get(term)
        if found is None:
            kind = type(term)
            if kind is named:
                found = Term("uri", term.value)
            elif kind is blank:
                found = Term("bnode", term.value)
            else:
                lang = term.language
                found = Term("literal", term.value, None if lang else term.datatype.value, lang)
            made[term] = found
        return found

    return term_of


def _oxigraph_triple(triple, term_of: Callable[[Any], Term]) -> tuple[Term, Term, Term]:
    return term_of(triple.subject), term_of(triple.predicate), term_of(triple.object)


def run_oxigraph(store, query: str, max_rows: int | None = None) -> Result:
    """Run on Oxigraph with the project's prefixes declared; at most `max_rows` rows or
    triples are read (the answer says it was truncated)."""
    import pyoxigraph as ox

    guard_query(query, allow_service=None)
    try:
        answer = store.query(query, prefixes=PREFIXES)
        if isinstance(answer, ox.QueryBoolean):
            return Ask(bool(answer))
        term_of = _oxigraph_terms()
        if isinstance(answer, ox.QueryTriples):
            triples: list[tuple[Term, Term, Term]] = []
            for triple in answer:
                if max_rows is not None and len(triples) >= max_rows:
                    return Triples(triples, truncated=True)
                triples.append(_oxigraph_triple(triple, term_of))
            return Triples(triples)
        variables = [v.value for v in answer.variables]
        rows: list[dict[str, Term]] = []
        for solution in answer:
            if max_rows is not None and len(rows) >= max_rows:
                return Select(star_order(query, variables), rows, truncated=True)
            # A solution gives its values in the order of `variables`, None where unbound.
            rows.append({name: term_of(term) for name, term in zip(variables, solution)
                         if term is not None})
    except SyntaxError as exc:
        raise _syntax_error(str(exc), query) from None
    except (OSError, RuntimeError, ValueError, TypeError) as exc:  # evaluation failed
        raise QueryError(f"the query failed: {str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}") from None
    return Select(star_order(query, variables), rows)


def _from_rdflib(term) -> Term | None:
    return None if term is None else _rdflib_term(term)


def _rdflib_term(term) -> Term:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return Term("uri", str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        lang = term.language
        datatype = None if lang else str(term.datatype or XSD + "string")
        return Term("literal", str(term), datatype, lang)
    raise QueryError(f"unexpected term {term!r}")


def run_rdflib(graph, query: str) -> Result:
    from pyparsing import ParseException

    guard_query(query, allow_service=None)
    try:
        answer = graph.query(query, initNs=PREFIXES)
    except ParseException as exc:
        raise _syntax_error(f"line {exc.lineno}:{exc.col}: {exc.msg}", query) from None
    except RecursionError:
        raise QueryError("the query is nested too deeply for rdflib") from None
    if answer.type == "ASK":
        return Ask(bool(answer.askAnswer))
    if answer.type in ("CONSTRUCT", "DESCRIBE"):
        return Triples([(_rdflib_term(s), _rdflib_term(p), _rdflib_term(o))
                        for s, p, o in answer.graph])
    variables = [str(v) for v in answer.vars]
    rows = []
    for solution in answer:
        row = {}
        for name, value in zip(variables, solution):
            term = _from_rdflib(value)
            if term is not None:
                row[name] = term
        rows.append(row)
    return Select(star_order(query, variables), rows)


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue."""
    body = blank_comments(query)
    body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    match = re.match(r"\s*(\w+)", body)
    return match.group(1).upper() if match else ""


def run_remote(endpoint: str, query: str, timeout: float = 60.0,
               default_graph: str | None = None) -> Result:
    """POST the query (SPARQL 1.1 Protocol) and read SPARQL JSON results or N-Triples;
    `default_graph` is sent as the protocol's default-graph-uri."""
    import urllib.error  # urllib.request costs 20 ms at start-up: only remote queries load it
    import urllib.request

    form = query_form(query)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    accept = ("application/n-triples, text/turtle;q=0.9, application/n-quads;q=0.8"
              if graph_form else "application/sparql-results+json")
    request = urllib.request.Request(
        endpoint, data=urllib.parse.urlencode(
            {"query": query, **({"default-graph-uri": default_graph} if default_graph else {})}
        ).encode("utf-8"),
        headers={"Accept": accept,
                 "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    except urllib.error.HTTPError as exc:
        try:
            detail = summary(exc.read(1 << 16), exc.headers.get("Content-Type") or "")
        except OSError:
            detail = ""
        raise EndpointError(f"{endpoint} answered {exc.code} {exc.reason}"
                            + (f": {detail}" if detail else "")) from None
    except (urllib.error.URLError, OSError) as exc:
        raise EndpointError(f"cannot reach {endpoint}: {getattr(exc, 'reason', exc)}") from None
    if graph_form:
        return Triples(parse_rdf(body, media or "application/n-triples"))
    try:
        return parse_srj(json.loads(body))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise EndpointError(f"{endpoint} did not answer in SPARQL JSON results: "
                            f"{summary(body[:1 << 16], media)}") from None


def summary(body: bytes, content_type: str = "", limit: int = 200) -> str:
    """One readable line of an error body: an HTML page's title or text without tags,
    whitespace folded, control characters escaped, cut at `limit` characters."""
    import html

    from kg.tables import escape_controls

    text = body.decode("utf-8", "replace")
    if "html" in content_type.lower() or re.match(r"\s*<(!doctype|html|\?xml)", text, re.I):
        title = re.search(r"(?is)<title[^>]*>(.*?)</title>", text)
        body_text = re.sub(r"(?is)<(script|style|head)[^>]*>.*?</\1>|<[^>]+>", " ", text)
        text = html.unescape(body_text if not title or not title.group(1).strip()
                             else title.group(1) + " — " + body_text)
    text = escape_controls(" ".join(text.split()))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def parse_srj(doc: dict) -> Result:
    if "boolean" in doc:
        return Ask(bool(doc["boolean"]))
    variables = doc["head"].get("vars", [])
    rows = []
    for binding in doc["results"]["bindings"]:
        row = {}
        for name, value in binding.items():
            kind = value["type"]
            kind = "literal" if kind == "typed-literal" else kind
            lang = value.get("xml:lang")
            datatype = None if lang else value.get("datatype", XSD + "string" if
                                                   kind == "literal" else None)
            row[name] = Term(kind, value["value"], datatype, lang)
        rows.append(row)
    return Select(variables, rows)


def parse_rdf(data: bytes, media_type: str) -> list[tuple[Term, Term, Term]]:
    """Triples of an RDF document in any syntax Oxigraph reads, named by its media type."""
    import pyoxigraph as ox

    syntax = ox.RdfFormat.from_media_type(media_type)
    if syntax is None:
        raise QueryError(f"the endpoint answered in {media_type}, which is not RDF we can read")
    term_of = _oxigraph_terms()
    return sorted({_oxigraph_triple(q, term_of) for q in ox.parse(data, format=syntax)})


# -- output -----------------------------------------------------------------------------
def short(term: Term | None) -> str:
    """A readable cell: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if term.kind == "literal" and term.datatype == XSD + "decimal":
        canonical = term.canonical()[1]  # engines write 42 or 42.0: show one form
        return canonical if "E" not in canonical else term.value
    if term.kind == "uri":
        return curie(term.value)
    return term.value


def _srj_term(term: Term) -> dict:
    out = {"type": term.kind, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.kind == "literal" and term.datatype and term.datatype != XSD + "string":
        out["datatype"] = term.datatype
    return out


def to_srj(result: Select | Ask) -> str:
    if isinstance(result, Ask):
        return json.dumps({"head": {}, "boolean": result.value}) + "\n"
    bindings = [{k: _srj_term(v) for k, v in row.items()} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1) + "\n"


def to_srx(result: Select | Ask) -> str:
    # Here, not at the top: xml.sax.saxutils loads urllib.request (20 ms of every start-up).
    from xml.sax.saxutils import escape as xml_escape
    from xml.sax.saxutils import quoteattr

    out = ['<?xml version="1.0"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if isinstance(result, Ask):
        out += ["</head>", f"<boolean>{'true' if result.value else 'false'}</boolean>",
                "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out += ["</head>", "<results>"]
    for row in result.rows:
        out.append("<result>")
        for name, term in row.items():
            if term.kind == "uri":
                inner = f"<uri>{xml_escape(term.value)}</uri>"
            elif term.kind == "bnode":
                inner = f"<bnode>{xml_escape(term.value)}</bnode>"
            elif term.lang:
                inner = f"<literal xml:lang={quoteattr(term.lang)}>{xml_escape(term.value)}</literal>"
            elif term.datatype and term.datatype != XSD + "string":
                inner = (f"<literal datatype={quoteattr(term.datatype)}>"
                         f"{xml_escape(term.value)}</literal>")
            else:
                inner = f"<literal>{xml_escape(term.value)}</literal>"
            out.append(f"<binding name={quoteattr(name)}>{inner}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def to_csv(result: Select) -> str:
    """W3C SPARQL 1.1 CSV: plain values, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([row[v].value if v in row else "" for v in result.variables])
    return buffer.getvalue()


def to_tsv(result: Select) -> str:
    """W3C SPARQL 1.1 TSV: terms in N-Triples syntax."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(row[v].n3().replace("\t", "\\t") if v in row else ""
                               for v in result.variables))
    return "\n".join(lines) + "\n"


def to_json(result: Select) -> str:
    """A plain list of objects: variable -> value, for scripts that want no RDF."""
    rows = [{v: row[v].value for v in result.variables if v in row} for row in result.rows]
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def to_table(result: Select, width: int | None = None) -> str:
    """An aligned table, `width` columns wide at most, values escaped (see kg.tables)."""
    from kg.tables import format_table

    if not result.rows:
        return format_table(result.variables, [], width) + "\n(no results)\n"
    rows = [[short(row.get(v)) for v in result.variables] for row in result.rows]
    n = len(rows)
    more = ", cut short" if result.truncated else ""
    return format_table(result.variables, rows, width) + f"\n({counted(n, 'row')}{more})\n"


def _triple_key(triple: tuple[Term, Term, Term]) -> tuple:
    return tuple((t.kind, t.value, t.datatype or "", t.lang or "") for t in triple)


def to_turtle(result: Triples) -> str:
    """Triples as Turtle with the project's prefixes, sorted and grouped by subject (written by
    Oxigraph, as the exports are: rdflib's import alone would double a small query's time)."""
    import pyoxigraph as ox

    from kg.rdf.export import turtle

    def term(t: Term):
        if t.kind == "uri":
            return ox.NamedNode(t.value)
        if t.kind == "bnode":
            return ox.BlankNode(t.value)
        if t.lang:
            return ox.Literal(t.value, language=t.lang)
        return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype or XSD + "string"))

    try:
        triples = [ox.Triple(*(term(t) for t in triple))
                   for triple in sorted(result.triples, key=_triple_key)]
    except ValueError as exc:  # a term an endpoint sent that RDF does not allow
        raise QueryError(f"the answer holds a term Turtle cannot carry: {exc}") from None
    return turtle(triples).decode("utf-8")


FORMATS = ("table", "csv", "tsv", "json", "srj", "srx")


def render(result: Result, fmt: str, width: int | None = None) -> str:
    if isinstance(result, Triples):
        return to_turtle(result)
    if isinstance(result, Ask):
        if fmt == "srj":
            return to_srj(result)
        if fmt == "srx":
            return to_srx(result)
        return ("true" if result.value else "false") + "\n"
    if fmt == "table":
        return to_table(result, width)
    return {"csv": to_csv, "tsv": to_tsv, "json": to_json, "srj": to_srj,
            "srx": to_srx}[fmt](result)
