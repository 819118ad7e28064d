"""The naive pipeline that issue 9 measures `kg build` against, stage by stage.

PyYAML's C loader on every seed file, the seeds' triples added one by one to an in-memory
rdflib `Graph`, rdflib's Turtle serializer, then pySHACL with the project's shapes (no
inference, as `kg validate` runs it). Each stage is timed on its own and may be skipped or
cut off after a time limit; a cut-off stage is reported as stopped, never estimated.

Prints one JSON object per line on stdout as each stage ends, so a parent that has to kill
this process still has every stage that finished:

    {"stage": "yaml", "seconds": 0.41, "status": "done", "detail": "101 files"}

    python benchmarks/naive.py --seeds DIR --ontology ontology --out DIR [--timeout 1800]
        [--skip shacl]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("yaml", "triples", "graph_add", "turtle", "shacl")
# "triples" is the project's own loader and mapping: it only hands the naive pipeline its
# input, so run.py leaves it out of the naive total (which makes the target harder, not easier)
COUNTED = ("yaml", "graph_add", "turtle", "shacl")


def seed_files(seeds_dir: str | Path) -> list[Path]:
    """Every YAML file under the seeds folder, in a fixed order."""
    return sorted(Path(seeds_dir).rglob("*.yaml"))


def seed_triples(seeds_dir: str | Path) -> list:
    """The seeds' triples as rdflib terms, from the project's own loader and mapping (the
    one place that knows the mapping's interface: pyoxigraph triples, sorted and once each)."""
    from kg.rdf.adapter import as_rdflib_term
    from kg.rdf.mapping import map_seeds
    from kg.seeds.loader import load_seeds

    return [tuple(as_rdflib_term(t) for t in (triple.subject, triple.predicate, triple.object))
            for triple in map_seeds(load_seeds(seeds_dir)).triples()]


def built_triples(nt_file: str | Path) -> list:
    """The same triples read back from a build's kg.nt: the fallback when the mapping's
    interface has moved on from what seed_triples knows."""
    import pyoxigraph as ox

    from kg.rdf.adapter import as_rdflib_term

    return [tuple(as_rdflib_term(x) for x in (t.subject, t.predicate, t.object))
            for t in ox.parse(path=str(nt_file), format=ox.RdfFormat.N_TRIPLES)]


class StageTimeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise StageTimeout


def run(seeds_dir: Path, ontology_dir: Path, out_dir: Path, timeout: float,
        skip: set[str], emit, fallback: Path | None = None) -> None:
    """Run every stage in order, calling `emit(record)` as each one ends."""
    import yaml
    from rdflib import Graph

    signal.signal(signal.SIGALRM, _alarm)
    state: dict = {}

    def yaml_stage():
        files = seed_files(seeds_dir)
        for f in files:
            yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)
        return f"{len(files)} files, CSafeLoader"

    def triples_stage():
        try:
            state["triples"] = seed_triples(seeds_dir)
        except (ImportError, AttributeError, TypeError) as exc:
            if fallback is None:
                raise
            state["triples"] = built_triples(fallback)
            return (f"{len(state['triples']):,} triples read from {fallback.name} (the "
                    f"mapping's interface has changed: {type(exc).__name__}: {exc})")
        return f"{len(state['triples']):,} triples from the project's loader and mapping"

    def graph_add_stage():
        g = Graph()
        for t in state["triples"]:
            g.add(t)
        state["graph"] = g
        return f"{len(g):,} triples in an rdflib Graph"

    def turtle_stage():
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / "naive.ttl"
        state["graph"].serialize(destination=str(target), format="turtle")
        return f"{target.stat().st_size:,} bytes"

    def shacl_stage():
        import pyshacl

        shapes, ontology = Graph(), Graph()
        shapes.parse(ontology_dir / "shapes.ttl", format="turtle")
        ontology.parse(ontology_dir / "ipk.ttl", format="turtle")
        conforms, _report, _text = pyshacl.validate(
            state["graph"], shacl_graph=shapes, ont_graph=ontology, inference="none",
            abort_on_first=False, allow_warnings=True)
        return f"pySHACL {pyshacl.__version__}: conforms={bool(conforms)}"

    needs = {"graph_add": "triples", "turtle": "graph_add", "shacl": "graph_add"}
    bodies = {"yaml": yaml_stage, "triples": triples_stage, "graph_add": graph_add_stage,
              "turtle": turtle_stage, "shacl": shacl_stage}
    finished: set[str] = set()
    for stage in STAGES:
        if stage in skip:
            emit({"stage": stage, "seconds": None, "status": "skipped", "detail": "--skip"})
            continue
        if stage in needs and needs[stage] not in finished:
            emit({"stage": stage, "seconds": None, "status": "not run",
                  "detail": f"needs {needs[stage]}, which did not finish"})
            continue
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            detail = bodies[stage]()
            status = "done"
        except StageTimeout:
            detail, status = f"stopped after the {timeout:g} s limit", "stopped"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        emit({"stage": stage, "seconds": round(time.perf_counter() - started, 3),
              "status": status, "detail": detail})
        if status == "done":
            finished.add(stage)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", required=True, type=Path)
    ap.add_argument("--ontology", type=Path, default=ROOT / "ontology")
    ap.add_argument("--out", required=True, type=Path, help="folder for naive.ttl")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds each stage may take before it is stopped")
    ap.add_argument("--skip", action="append", default=[], choices=STAGES,
                    help="a stage not to run (repeatable); the stages after it that need it "
                         "are not run either")
    ap.add_argument("--triples-from", type=Path, metavar="NT",
                    help="a build's kg.nt, read when the project's mapping cannot be called")
    args = ap.parse_args(argv)

    def emit(record: dict) -> None:
        print(json.dumps(record, ensure_ascii=False), flush=True)

    run(args.seeds, args.ontology, args.out, args.timeout, set(args.skip), emit,
        args.triples_from)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # the project's kg, when run as a script from anywhere
    sys.exit(main())
