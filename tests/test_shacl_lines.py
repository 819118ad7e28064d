"""kg's own SHACL engine on N-Triples lines (kg.rdf.shacl_lines), the one a build runs: every
shape test already holds it to pySHACL (tests/helpers.validate_both); these check what it does
beyond them: the forms of text it reads, the shapes and lines it hands to pyshacl-turbo, and
that a build uses it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal

from helpers import ONTOLOGY, SEEDS, ontology_with, validate_both
from kg.rdf import shacl_lines
from kg.rdf.namespace import IPK
from kg.rdf.validate import (runs_on_lines, validate_graph, validate_lines, validate_ntriples,
                             validate_store)

ID = "https://w3id.org/industrial-park-kg/id/"
XSD_STRING = "<http://www.w3.org/2001/XMLSchema#string>"


def test_the_projects_shapes_run_on_lines():
    assert runs_on_lines(ONTOLOGY)


@pytest.mark.parametrize("escaped, lexical", [
    (r'"plain"@zh', "plain"),
    (r'"a \"quoted\" word"@en', 'a "quoted" word'),
    (r'"back\\slash\ttab\nline"@zh', "back\\slash\ttab\nline"),
    (r'"\u00E9t\u00e9 \U0001F600"@en', "été \U0001F600"),
])
def test_literals_are_read_with_their_escapes(escaped, lexical):
    assert shacl_lines.literal_parts(escaped.encode()) == (lexical, escaped.rsplit("@")[1], None)
    assert shacl_lines.rdflib_term(escaped.encode()) == Literal(lexical,
                                                                 lang=escaped.rsplit("@")[1])


def _company_text(label: str, extra: str = "") -> bytes:
    """A company with a table as its source, as hand-written N-Triples."""
    c, a = f"<{ID}company/c>", f"<{ID}source/a>"
    lines = [f"{c} <{RDF.type}> <{IPK.Company}> .", f"{c} <{RDFS.label}> {label} .",
             f"{c} <http://www.w3.org/ns/prov#wasDerivedFrom> {a} .",
             f'{c} <{IPK.quote}> "引文"@zh .', f"{a} <{RDF.type}> <{IPK.Table}> .",
             f'{a} <{RDFS.label}> "表"@zh .', f'{a} <{IPK.sourceFile}> "t.csv" .']
    return ("\n".join(lines) + "\n" + extra).encode()


@pytest.mark.parametrize("label, extra, broken", [
    (r'"\u4E00\u4E8C"@zh', "", False),  # escapes: a Chinese label all the same
    (r'"x"@fr', "", True),  # sh:languageIn
    (r'"一"@zh', f'<{ID}company/c> <{IPK.creditCode}> "91331100MA2A0B1C2D"^^{XSD_STRING} .\n',
     False),  # a string written typed is the plain one
    (r'"一"@zh', f'<{ID}company/c> <{IPK.creditCode}> "bad"^^{XSD_STRING} .\n', True),
])
def test_text_as_written_by_hand_is_judged_as_pyshacl_judges_it(label, extra, broken):
    text = _company_text(label, extra)
    reference = validate_graph(Graph().parse(data=text, format="nt"), ONTOLOGY)
    ours = validate_lines(text, reference.triples, ONTOLOGY)
    assert ours == reference
    assert ours.conforms is not broken


def test_lines_not_in_the_builds_form_go_to_pyshacl_turbo():
    text = _company_text('"x"@fr').replace(b" .\n", b"\t.\n", 1)  # a tab: valid N-Triples
    with pytest.raises(shacl_lines.Unsupported):
        validate_lines(text, 7, ONTOLOGY)
    store = ox.Store()
    store.load(text, format=ox.RdfFormat.N_TRIPLES)
    made = []

    def store_of_text():
        made.append(store)
        return store

    result = validate_ntriples(text, len(store), ONTOLOGY, store_of_text)
    assert result == validate_store(store, ONTOLOGY) and not result.conforms
    assert made, "pyshacl-turbo named the focus nodes from a store"


@pytest.mark.parametrize("extra", [
    # each beyond what shacl_lines does: sh:targetNode, sh:node, sh:hasValue, no message
    f'<urn:test:S> a sh:NodeShape ; sh:targetNode <{ID}company/c> ; sh:class ipk:Park ;\n'
    '  sh:message "must be a park"@en .\n',
    '<urn:test:S> a sh:NodeShape ; sh:targetClass ipk:Company ;\n'
    '  sh:node [ sh:class ipk:Park ] ; sh:message "must be a park"@en .\n',
    '<urn:test:S> a sh:NodeShape ; sh:targetClass ipk:Company ; sh:property [\n'
    f'  sh:path ipk:hasBrand ; sh:hasValue <{ID}brand/b> ; sh:message "brand b"@en ] .\n',
    '<urn:test:S> a sh:NodeShape ; sh:targetClass ipk:Company ; sh:property [\n'
    '  sh:path ipk:hasBrand ; sh:minCount 1 ] .\n',
])
def test_shapes_beyond_the_engine_go_to_pyshacl_turbo_with_the_same_result(tmp_path, extra):
    ontology = ontology_with(tmp_path, extra)
    assert not runs_on_lines(ontology)
    graph = Graph().parse(data=_company_text('"一"@zh'), format="nt")
    result = validate_both(graph, ontology)  # validate_ntriples went to pyshacl-turbo
    assert not result.conforms
    with pytest.raises(shacl_lines.Unsupported):
        validate_lines(graph.serialize(format="nt", encoding="utf-8"), len(graph), ontology)


def test_a_shape_the_engine_runs_is_added_to_what_it_checks(tmp_path):
    ontology = ontology_with(tmp_path, '<urn:test:S> a sh:NodeShape ; sh:targetClass ipk:Company ;'
                             ' sh:property [\n  sh:path ipk:hasBrand ; sh:minCount 1 ;'
                             ' sh:message "every company needs a brand"@en ] .\n')
    assert runs_on_lines(ontology)
    result = validate_both(Graph().parse(data=_company_text('"一"@zh'), format="nt"), ontology)
    assert {v.message for v in result.violations} == {"every company needs a brand"}


def test_unsorted_lines_give_the_result_of_sorted_ones(page_graph_text):
    text, triples = page_graph_text
    lines = text.splitlines(keepends=True)
    shuffled = b"".join(lines[1::2] + lines[::2])
    assert validate_lines(shuffled, triples, ONTOLOGY) == validate_lines(text, triples, ONTOLOGY)


@pytest.fixture(scope="module")
def page_graph_text(built) -> tuple[bytes, int]:
    text = (built / "kg.nt").read_bytes()
    return text, text.count(b"\n")


def test_a_not_conforming_build_reports_what_the_engine_found(built, tmp_path):
    """A cold build validates kg.nt with shacl_lines on its first core: a graph broken after
    mapping is reported as pySHACL reports it, and nothing is written."""
    from kg.build import build
    from kg.rdf.validate import NotConforming

    ontology = ontology_with(tmp_path, '<urn:test:S> a sh:NodeShape ; sh:targetClass ipk:Company ;'
                             ' sh:property [\n  sh:path ipk:hasBrand ; sh:minCount 1 ;'
                             ' sh:message "every company needs a brand"@en ] .\n')
    out = tmp_path / "out"
    with pytest.raises(NotConforming) as caught:
        build(SEEDS, out, ontology, cold=True)
    reference = validate_graph(Graph().parse(built / "kg.nt", format="nt"), ontology)
    assert caught.value.result.violations == reference.violations
    assert caught.value.result.results == reference.results
    assert caught.value.result.results and not (out / "kg.ttl").exists()
