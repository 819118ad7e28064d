"""One rule for finding an entity by name (kg/names.py), the same for kg path, kg viz --focus
and the entity parameters of kg query, on both query engines."""

from __future__ import annotations

import pytest

from helpers import SEEDS
from kg.graph.paths import resolve
from kg.graph.projection import project
from kg.names import AmbiguousName, Named, NameIndex, UnknownName
from kg.rdf.read import load_graph_file
from kg.seeds.loader import load_seeds
from kg.sparql.engines import oxigraph_file_engine, rdflib_engine
from kg.sparql.queries import resolve_entity
from kg.views import build_views

BASE = "https://w3id.org/industrial-park-kg/id/"

# name as a user types it -> the entity it must find
NAMES = {
    "lishui-edz": "lishui-edz",  # an id
    "丽水经开区": "lishui-edz",  # a zh label
    "Lishui EDZ": "lishui-edz",  # an exact alias
    "lishui edz": "lishui-edz",  # case folded
    " 丽水经开区 ": "lishui-edz",  # surrounding blanks
    "同创（丽水）特种材料有限公司": "tongchuang-special-materials",  # full-width brackets
    "同创特材": "tongchuang-special-materials",  # an alias
    "JINGRUI ELECTRONICS": "jingrui-electronics",  # an en label, case folded
    "同创 特种材料": "tongchuang-special-materials",  # by core: no region, no company form
}


@pytest.fixture(scope="module")
def graph_file(mini_queries_built):
    return mini_queries_built / "kg.ttl"


@pytest.fixture(scope="module")
def projection(graph_file):
    return project(load_graph_file(graph_file))


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def runner(request, graph_file):
    make = oxigraph_file_engine if request.param == "oxigraph" else rdflib_engine
    return make(graph_file).run


@pytest.mark.parametrize("name, wanted", NAMES.items())
def test_every_caller_finds_the_same_entity(name, wanted, projection, runner):
    assert resolve(projection, name) == wanted  # kg path
    focus = build_views(projection, focus_on=name, max_nodes=40)[-1]  # kg viz --focus
    assert focus.name == f"focus-{wanted}"
    assert resolve_entity(name, runner).value.endswith(f"/{wanted}")  # kg query


def test_an_unknown_name_is_the_same_error_everywhere(projection, runner):
    for find in (lambda n: resolve(projection, n), lambda n: resolve_entity(n, runner),
                 lambda n: build_views(projection, focus_on=n)):
        with pytest.raises(UnknownName, match="'晶睿科技': no entity has this id, label or alias"):
            find("晶睿科技")


def test_an_exact_match_wins_over_a_folded_one_and_ties_are_ambiguous(tmp_path):
    ttl = tmp_path / "g.ttl"
    ttl.write_text(
        "@prefix ipk: <https://w3id.org/industrial-park-kg/ontology/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<{BASE}company/a> a ipk:Company ; rdfs:label \"甲\"@zh ; skos:altLabel \"Acme\" .\n"
        f"<{BASE}company/b> a ipk:Company ; rdfs:label \"乙\"@zh ; skos:altLabel \"ACME\" .\n"
        f"<{BASE}company/c> a ipk:Company ; rdfs:label \"丙\"@zh ; skos:altLabel \"Beta\" .\n"
        f"<{BASE}company/d> a ipk:Company ; rdfs:label \"丁\"@zh ; skos:altLabel \"BETA\" .\n",
        encoding="utf-8")
    g = project(load_graph_file(ttl))
    for run in (oxigraph_file_engine(ttl).run, rdflib_engine(ttl).run):
        assert resolve(g, "ACME") == "b" and resolve_entity("ACME", run).value.endswith("/b")
        with pytest.raises(AmbiguousName):
            resolve_entity("beta", run)  # no exact match; folded, it names c and d
    with pytest.raises(AmbiguousName) as caught:
        resolve(g, "beta")
    assert caught.value.candidates == ["c (丙, Company)", "d (丁, Company)"]


# --- the core tier (kg.match.core), on the real seeds ---------------------------------------------


@pytest.fixture(scope="module")
def seeds_index():
    seeds = load_seeds(SEEDS)
    return NameIndex(Named(e.id, e.label, e.type, (e.label, e.label_en or "", *e.aliases,
                                                  *e.aliases_en))
                     for e in seeds.entities.values())


@pytest.mark.parametrize("name, wanted", [
    ("同创特种材料", "tongchuang-special-materials"),
    ("同创（丽水）特种材料股份有限公司", "tongchuang-special-materials"),
    ("丽水同创特种材料有限公司", "tongchuang-special-materials"),  # a region that agrees
    ("德明汽车零部件有限公司", "deming-auto-parts"),
    ("中广电器", "zhongguang-electric-group"),
    ("特尔阀门高科技材料", "teer-valve"),
])
def test_a_name_without_region_or_company_form_finds_the_one_entity(seeds_index, name, wanted):
    assert seeds_index.resolve(name) == wanted


@pytest.mark.parametrize("name", [
    "中欣氟材", "特尔佳", "瑞联新材", "中广核技", "得利斯",  # the look-alikes
    "杭州同创特种材料有限公司",  # same core, a region that contradicts 丽水
    "同创(杭州)特种材料有限公司",
    "同创",  # shared characters alone
])
def test_a_look_alike_finds_nothing(seeds_index, name):
    with pytest.raises(UnknownName):
        seeds_index.resolve(name)


def test_two_entities_of_one_core_are_ambiguous():
    index = NameIndex([Named("a", "晨光阀门有限公司", "Company", ("晨光阀门有限公司",)),
                       Named("b", "丽水晨光阀门股份有限公司", "Company", ("丽水晨光阀门股份有限公司",))])
    with pytest.raises(AmbiguousName) as caught:
        index.resolve("晨光阀门")
    assert caught.value.candidates == ["a (晨光阀门有限公司, Company)",
                                       "b (丽水晨光阀门股份有限公司, Company)"]
    assert index.resolve("丽水晨光阀门股份有限公司") == "b"  # the exact name still decides


def test_the_folded_and_cored_tiers_are_built_only_when_a_name_needs_them():
    """An id or an exact label never pays for folding or taking cores of every name (seconds
    at province size); a name that needs a tier builds it once."""
    index = NameIndex([Named("a", "同创(丽水)特种材料有限公司", "Company",
                             ("同创(丽水)特种材料有限公司", "Tongchuang")),
                       Named("b", "晶睿电子", "Company", ("晶睿电子",))])
    assert index.resolve("a") == "a" and index.resolve("晶睿电子") == "b"
    assert index._folded is None and index._cored is None
    assert index.resolve("tongchuang") == "a"
    assert index._folded is not None and index._cored is None
    assert index.resolve("同创特种材料") == "a" and index._cored is not None
