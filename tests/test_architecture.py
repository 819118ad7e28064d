"""The import contract of kg/: each step of the flow imports only the steps below it, and no
module imports itself back through others. Every import counts, function-local ones too."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

KG = Path(__file__).resolve().parent.parent / "kg"

# Bottom to top; a module may import its own layer and the layers below, never one above.
LAYERS = [
    ("base", ("kg.code", "kg.collector", "kg.errors", "kg.match", "kg.names", "kg.tables",
              "kg.project", "kg.scaffold")),
    ("seeds", ("kg.seeds",)),
    ("rdf", ("kg.rdf",)),
    ("sparql", ("kg.sparql",)),
    ("graph", ("kg.graph",)),
    ("views", ("kg.views",)),
    ("build", ("kg.build", "kg.filewise", "kg.revision")),
    ("cli", ("kg.cli", "kg.__main__")),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    for index, (_name, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and the README")


def kg_imports(path: Path) -> set[str]:
    """The kg modules a file imports, resolved to module names where possible."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "kg"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "kg":
            for alias in node.names:  # `from kg.sparql import engines` imports a module
                sub = f"{node.module}.{alias.name}"
                is_module = (KG.parent / (sub.replace(".", "/") + ".py")).is_file() or \
                    (KG.parent / sub.replace(".", "/") / "__init__.py").is_file()
                found.add(sub if is_module else node.module)
    return found


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for path in sorted(KG.rglob("*.py")):
        source = module_name(path)
        if source == "kg":  # the package's face: a docstring, nothing imported
            continue
        graph.add_node(source)
        for target in kg_imports(path):
            if target != "kg":
                graph.add_edge(source, target)
    return graph


def test_every_module_has_a_layer():
    for module in import_graph():
        layer_of(module)


def test_no_module_imports_a_higher_layer():
    wrong = [f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
             for a, b in import_graph().edges if layer_of(b) > layer_of(a)]
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_no_import_circles():
    circles = sorted(sorted(c) for c in nx.simple_cycles(import_graph()))
    assert not circles, f"modules that import each other: {circles}"


def test_the_contract_catches_a_wrong_way_import(tmp_path, monkeypatch):
    """The checker itself can fail: a seeds module importing the CLI is caught."""
    fake = tmp_path / "kg"
    (fake / "seeds").mkdir(parents=True)
    (fake / "seeds" / "bad.py").write_text("from kg.cli import main\n", encoding="utf-8")
    (fake / "cli.py").write_text("from kg.seeds import bad\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "KG", fake)
    graph = import_graph()
    assert ("kg.seeds.bad", "kg.cli") in graph.edges
    assert layer_of("kg.cli") > layer_of("kg.seeds.bad")
    assert list(nx.simple_cycles(graph))
