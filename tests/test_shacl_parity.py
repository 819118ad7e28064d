"""The fast SHACL engine (pyshacl-turbo on an Oxigraph store, `validate_store`) against the
reference (pySHACL on an rdflib Graph, `validate_graph`): the same verdict, the same results and
the same report on a graph broken in one way per constraint the shapes use; focus-node
validation equals full validation restricted to those nodes."""

from __future__ import annotations

import random
import shutil
from decimal import Decimal

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from helpers import ONTOLOGY, graph_of, load_synth, ontology_with, store_of, validate_both
from kg.rdf.namespace import IPK
from kg.cli import main
from kg.errors import InputError
from kg.rdf.validate import validate_graph, validate_store

ID = "https://w3id.org/industrial-park-kg/id/"


class Breaker:
    """Breaks a copy of a graph, each break on a node no other break touches."""

    def __init__(self, graph: Graph):
        self.graph = Graph()
        for triple in graph:
            self.graph.add(triple)
        self.used: set = set()

    def pick(self, candidates) -> URIRef:
        node = min(n for n in set(candidates) - self.used if isinstance(n, URIRef))
        self.used.add(node)
        return node

    def of_type(self, cls, having=None) -> URIRef:
        nodes = set(self.graph.subjects(RDF.type, cls))
        if having is not None:
            nodes &= set(self.graph.subjects(having, None))
        return self.pick(nodes)

    def statement(self, predicate=None) -> URIRef:
        nodes = set(self.graph.subjects(RDF.type, RDF.Statement))
        if predicate is not None:
            nodes &= set(self.graph.subjects(RDF.predicate, predicate))
        return self.pick(nodes)

    def set(self, node, prop, *values) -> None:
        self.graph.remove((node, prop, None))
        for value in values:
            self.graph.add((node, prop, value))


# One break per constraint component the shapes use, and per kind of target:
# name -> breaks the graph, returns the focus node and the component that must report it.
def _min_count(b):
    s = b.statement()
    b.set(s, IPK.quote)
    return s, "MinCount"


def _max_count(b):
    s = b.statement()
    b.graph.add((s, RDF.object, URIRef(ID + "company/no-such-company")))
    return s, "MaxCount"


def _datatype(b):
    s = b.statement()
    b.set(s, IPK.quote, Literal("没有语言标签的引文"))
    return s, "Datatype"


def _min_length(b):
    s = b.statement()
    b.set(s, IPK.quote, Literal("短", lang="zh"))
    return s, "MinLength"


def _node_kind(b):
    s = b.statement()
    b.set(s, RDF.subject, Literal("not an IRI"))
    return s, "NodeKind"


def _in(b):
    s = b.statement()
    b.set(s, RDF.predicate, RDFS.seeAlso)
    return s, "In"


def _class(b):
    honour = b.of_type(IPK.Honour, having=IPK.level)
    b.set(honour, IPK.level, Literal("national"))
    return honour, "Class"


def _class_known_from_the_ontology_only(b):
    # ipk:NationalLevel is typed in ipk.ttl (an ipk:HonourLevel), not in the data
    s = b.statement(IPK.hasHonour)
    b.set(s, IPK.stage, IPK.NationalLevel)
    return s, "Class"


def _or_of_datatypes(b):
    s = b.statement(IPK.hasHonour)
    b.set(s, IPK.date, Literal("2020", datatype=XSD.gYear))
    return s, "Or"


def _or_of_qualifier(b):
    s = b.statement(IPK.hasHonour)  # ipk:rank qualifies ipk:leadingIndustry only
    b.set(s, IPK.rank, Literal(1))
    return s, "Or"


def _or_of_node_shapes(b):
    q = b.of_type(IPK.Quantity, having=IPK.normalizedUnit)
    b.set(q, IPK.normalizedUnit)
    return q, "Or"


def _min_inclusive(b):
    s = b.statement(IPK.hasHonour)
    b.set(s, IPK.batch, Literal(0))
    return s, "MinInclusive"


def _max_inclusive(b):
    node = b.pick(b.graph.subjects(IPK.pageRank, None))
    b.set(node, IPK.pageRank, Literal(Decimal("1.5")))
    return node, "MaxInclusive"


def _language_in(b):
    e = b.of_type(IPK.Company)
    b.graph.add((e, RDFS.label, Literal("nom", lang="fr")))
    return e, "LanguageIn"


def _unique_lang(b):
    e = b.of_type(IPK.Company)
    b.graph.add((e, RDFS.label, Literal("One", lang="en")))
    b.graph.add((e, RDFS.label, Literal("Two", lang="en")))
    return e, "UniqueLang"


def _qualified_min_count(b):
    e = b.of_type(IPK.Company)
    b.set(e, RDFS.label, Literal("English only", lang="en"))
    return e, "QualifiedMinCount"


def _pattern(b):
    q = b.of_type(IPK.Quantity, having=IPK.normalizedUnit)
    b.set(q, IPK.normalizedUnit, Literal("cny"))
    return q, "Pattern"


def _less_than_or_equals(b):
    article = b.of_type(IPK.Article, having=IPK.lineEnd)
    end = int(b.graph.value(article, IPK.lineEnd))
    b.set(article, IPK.lineStart, Literal(end + 1))
    return article, "LessThanOrEquals"


def _target_objects_of(b):
    company = b.of_type(IPK.Company)
    holder = b.of_type(IPK.Park)
    b.graph.add((holder, IPK.enterpriseCount, company))  # a figure must be an ipk:Quantity
    return company, "Class"


def _target_subjects_of(b):
    park = b.of_type(IPK.Park)
    b.graph.add((park, IPK.keyEnterpriseScore, Literal(Decimal("0.5"))))
    return park, "Class"


BREAKS = {f.__name__.lstrip("_"): f for f in (
    _min_count, _max_count, _datatype, _min_length, _node_kind, _in, _class,
    _class_known_from_the_ontology_only, _or_of_datatypes, _or_of_qualifier, _or_of_node_shapes,
    _min_inclusive, _max_inclusive, _language_in, _unique_lang, _qualified_min_count, _pattern,
    _less_than_or_equals, _target_objects_of, _target_subjects_of)}


@pytest.fixture(scope="module")
def page_graph(built) -> Graph:
    """The real seeds' graph with its analytics scores (the shapes check both)."""
    graph = Graph().parse(built / "kg.ttl", format="turtle")
    return graph.parse(built / "analytics.ttl", format="turtle")


@pytest.fixture(scope="module")
def broken(page_graph):
    """The page graph with every break applied, each on its own node; the broken graph, each
    break's (focus, component), and the reference's result, checked against the fast engine."""
    b = Breaker(page_graph)
    expected = {name: brk(b) for name, brk in BREAKS.items()}
    return b.graph, expected, validate_both(b.graph)


@pytest.mark.parametrize("name", BREAKS)
def test_each_break_is_reported_by_both_engines(broken, name):
    _graph, expected, result = broken
    focus, component = expected[name]
    # validate_both already asserted that pyshacl-turbo gave exactly these results
    found = {r.component for r in result.results if r.focus == focus.n3()}
    assert f"sh:{component}ConstraintComponent" in found, (name, found)
    assert not result.conforms


def test_the_report_names_the_focus_its_label_path_value_and_message(broken):
    graph, expected, _ = broken
    honour, _component = expected["class"]
    [line] = [line for line in validate_store(store_of(graph), ONTOLOGY).report().splitlines()
              if str(honour) in line and "national" in line]
    [label] = [str(l) for l in graph.objects(honour, RDFS.label) if l.language == "zh"]
    assert line == (f"Violation: {label} (<{honour}>) ipk:level = national: An honour needs "
                    "exactly one ipk:level, an ipk:HonourLevel (national, provincial or municipal)."
                    " / 荣誉须恰有一个 ipk:level，为 ipk:HonourLevel（国家级、省级或市级）。")


def test_focus_nodes_give_the_full_results_restricted_to_them(broken):
    graph, expected, full = broken
    store = store_of(graph)
    broken_nodes = sorted(focus for focus, _ in expected.values())
    clean = sorted({s for s in graph.subjects(RDF.type, IPK.Company)} - set(broken_nodes))[:3]
    # every other broken node, some clean ones, and one the graph does not have;
    # as str, URIRef and ox.NamedNode alike
    chosen = broken_nodes[::2] + clean
    focus = ([str(n) for n in chosen[::3]] + [n for n in chosen[1::3]]
             + [ox.NamedNode(str(n)) for n in chosen[2::3]] + [ID + "company/not-in-the-graph"])
    part = validate_store(store, ONTOLOGY, focus_nodes=focus)
    wanted = {n.n3() for n in chosen}
    assert part.results == {r for r in full.results if r.focus in wanted}
    assert {r.focus for r in part.results} == {n.n3() for n in broken_nodes[::2]}
    assert not part.conforms

    assert validate_store(store, ONTOLOGY, focus_nodes=clean).conforms
    nothing = validate_store(store, ONTOLOGY, focus_nodes=[])
    assert nothing.conforms and nothing.results == frozenset()


def test_the_ontology_mixed_in_once_gives_the_graph_the_engine_mixes_itself(page_graph):
    """validate_store appends the ontology's inoculation, computed once, to the data's text;
    the engine's own inoculation of the data must give the same graph."""
    from pyshacl_turbo import _native
    from pyshacl_turbo.rdf import input_graph
    from rdflib.compare import isomorphic

    from kg.rdf.validate import _parsed_ontology, load_ontology

    parsed = _parsed_ontology(ONTOLOGY)
    ontology, _shapes = load_ontology(ONTOLOGY)
    data = page_graph.serialize(format="nt")
    by_engine = _native.inoculate(data, "nt", input_graph(ontology, flatten=True).source)
    ours = data + "\n" + parsed.mixed_in.decode()
    assert len(parsed.mixed_in.splitlines()) > 1000  # the ontology's classes and properties
    assert isomorphic(Graph().parse(data=by_engine, format="nt"),
                      Graph().parse(data=ours, format="nt"))


def test_qualifier_shapes_targeting_their_qualifier_report_as_targeting_every_statement(
        broken, tmp_path):
    """shapes.ttl's Qualifier-* shapes target the subjects of their qualifier (ten times
    cheaper on a province) instead of every rdf:Statement: the same results."""
    import re

    graph, _expected, result = broken
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, ontology)
    shapes = (ontology / "shapes.ttl").read_text(encoding="utf-8")
    every_statement, count = re.subn(r"(ipks:Qualifier-\w+ a sh:NodeShape ;\n    )"
                                     r"sh:targetSubjectsOf ipk:\w+ ;",
                                     r"\1sh:targetClass rdf:Statement ;", shapes)
    assert count == 10
    (ontology / "shapes.ttl").write_text(every_statement, encoding="utf-8")
    assert any(r.shape.startswith("ipks:Qualifier-") for r in result.results)
    assert validate_store(store_of(graph), ontology).results == result.results


def test_validating_leaves_the_store_as_it_was(page_graph):
    store = store_of(page_graph)
    before = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    validate_store(store, ONTOLOGY)
    assert store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) == before


def test_an_edited_shapes_file_is_read_again(page_graph, tmp_path):
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, ontology)
    store = store_of(page_graph)
    assert validate_store(store, ontology).conforms
    with open(ontology / "shapes.ttl", "a", encoding="utf-8") as fh:
        fh.write("\n<urn:test:CompanyNeedsBrand> a sh:NodeShape ; sh:targetClass ipk:Company ;\n"
                 "  sh:property [ sh:path ipk:hasBrand ; sh:minCount 1 ;"
                 " sh:message \"every company needs a brand\"@en ] .\n")
    result = validate_store(store, ontology)
    assert not result.conforms
    assert {v.message for v in result.violations} == {"every company needs a brand"}


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    """benchmarks/synth.py's 3 parks and 60 companies, mapped into a store (not validated)."""
    from kg.rdf.mapping import map_seeds
    from kg.seeds.loader import load_seeds

    seeds = tmp_path_factory.mktemp("synth") / "seeds"
    load_synth().generate(parks=3, companies=60, out=seeds, seed=11)
    store = ox.Store()
    store.extend(map_seeds(load_seeds(seeds)).union())
    return store


def test_parity_on_a_synthetic_graph_with_random_triples_removed_and_added(synthetic_store):
    store = ox.Store()
    store.extend(synthetic_store)
    rng = random.Random(9)
    quads = sorted(store, key=str)
    removed = rng.sample(quads, 40)
    for quad in removed:
        store.remove(quad)
    # the removed objects put back under other subjects and predicates
    subjects = [q.subject for q in rng.sample(quads, 15)]
    predicates = [q.predicate for q in rng.sample(quads, 15)]
    for subject, predicate, quad in zip(subjects, predicates, removed):
        store.add(ox.Quad(subject, predicate, quad.object))
    result = validate_both(graph_of(store))
    assert not result.conforms and len(result.results) >= 10


@pytest.mark.parametrize("engine", ["graph", "store"])
def test_shapes_an_engine_cannot_use_are_bad_input_naming_the_file(tmp_path, engine):
    company = URIRef(ID + "company/a")
    graph = Graph()
    graph.add((company, RDF.type, IPK.Company))
    ontology = ontology_with(tmp_path, '<urn:test:Bad> a sh:NodeShape ; sh:targetClass '
                             'ipk:Company ;\n  sh:property [ sh:path ipk:hasBrand ; '
                             'sh:minCount "one" ] .\n')
    with pytest.raises(InputError) as caught:
        if engine == "graph":
            validate_graph(graph, ontology)
        else:
            validate_store(store_of(graph), ontology)
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(f"{ontology / 'shapes.ttl'}: ")
    assert "cannot use these shapes" in str(caught.value) and "sh:minCount" in str(caught.value)


def test_kg_validate_reports_a_turtle_error_in_the_shapes_with_its_line(built, tmp_path):
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, ontology)
    lines = (ontology / "shapes.ttl").read_text(encoding="utf-8").count("\n")
    with open(ontology / "shapes.ttl", "a", encoding="utf-8") as fh:
        fh.write("this is not ( turtle\n")
    result = CliRunner().invoke(main, ["validate", str(built / "kg.ttl"), "--ontology", str(ontology)])
    assert result.exit_code == 2
    assert f"{ontology / 'shapes.ttl'}:{lines + 1}:0: not readable as Turtle" in result.output
    assert "Traceback" not in result.output
