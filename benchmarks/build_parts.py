"""Benchmark: what each part of a cold build costs alone, against the floor of run.py.

A cold `kg build` loads and checks the seeds, maps and sorts them, writes kg.nt and kg.trig,
validates, runs the analytics, writes kg.ttl and kg.jsonld, and fills the embedded store with the
union, one graph per source and the analytics (twice: in the default graph and in their own).
This runs each of those parts alone, one after another in this process, with the build's own
functions on the same seeds, and gives each one's wall and CPU time (this process's threads and
the children it waited for: the seeds' worker, Oxigraph's and RocksDB's threads). Then the floor
as run.py measures it (the faster C-YAML parse, Oxigraph loading kg.nt in memory and dumping it
twice), and what the parts' CPU would take spread perfectly over this machine's cores, against
the floor: the lowest ratio a build doing all of them can reach with these engines, whatever
its scheduling. No threshold is asserted anywhere.

    python benchmarks/build_parts.py --seeds /tmp/bench-work/seeds --work /tmp/parts
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from kg.graph.projection import project_triples
from kg.graph.scores import analytics_for
from kg.rdf.export import ReadBack, jsonld, trig, turtle, write_ntriples
from kg.rdf.mapping import DEFAULT_BASE, map_seeds
from kg.rdf.store import analytics_graph, load_in_pieces
from kg.rdf.validate import ntriples_store, validate_ntriples
from kg.seeds.loader import load_seeds

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import child_floor, floor_seconds  # noqa: E402  (the floor as RESULTS.md's)

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def cpu_seconds() -> float:
    """User and system time of this process's threads and of the children it waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Parts:
    """The parts measured so far: (name, wall seconds, CPU seconds)."""

    def __init__(self, say: Callable[[str], None]):
        self.rows: list[tuple[str, float, float]] = []
        self._say = say

    def timed(self, name: str, work: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), cpu_seconds()
        result = work()
        self.rows.append((name, time.perf_counter() - wall, cpu_seconds() - cpu))
        self._say(f"{name}: {self.rows[-1][1]:.1f} s, {self.rows[-1][2]:.1f} s of CPU")
        return result


def measure(seeds: Path, work: Path, ontology: Path,
            say: Callable[[str], None] = lambda _: None) -> dict:
    """Each part's (name, wall, CPU), the floor's parts, and the cores counted."""
    work.mkdir(parents=True, exist_ok=True)
    parts = Parts(say)
    nt, tg = work / "kg.nt", work / "kg.trig"
    loaded = parts.timed("load and check the seeds", lambda: load_seeds(seeds))
    mapped = parts.timed("map and sort", lambda: map_seeds(loaded, base=DEFAULT_BASE))
    del loaded
    triples = mapped.triple_count

    def write_nt() -> None:
        with open(nt, "wb") as fh:
            write_ntriples(mapped.triples(), fh)

    parts.timed("write kg.nt", write_nt)
    parts.timed("write kg.trig", lambda: tg.write_bytes(trig(mapped.quads())))
    del mapped
    text = nt.read_bytes()
    verdict = parts.timed("validate (the build's engine)", lambda: validate_ntriples(
        text, triples, ontology, store=lambda: ntriples_store(text)))
    if not verdict.conforms:
        raise SystemExit("build_parts.py: the graph does not conform; not a build's parts")
    del text
    union = ReadBack(lambda: nt, triples)  # read back from kg.nt, as the build does
    analytics = parts.timed("analytics (project, compute, write)", lambda: analytics_for(
        lambda: project_triples(union.triple_rows(), provenance=False), DEFAULT_BASE)[0])
    parts.timed("write kg.ttl", lambda: len(turtle(union.triples())))
    parts.timed("write kg.jsonld", lambda: len(jsonld(union.triple_rows())))
    db = work / "db"
    shutil.rmtree(db, ignore_errors=True)
    store = ox.Store(str(db))
    parts.timed("store kg.nt (default graph)",
                lambda: load_in_pieces(store, nt, ox.RdfFormat.N_TRIPLES, None))
    parts.timed("store kg.trig (a graph per source)",
                lambda: load_in_pieces(store, tg, ox.RdfFormat.TRIG, None))
    for into in (None, analytics_graph(DEFAULT_BASE)):
        parts.timed(f"store analytics.ttl ({'default graph' if into is None else 'its graph'})",
                    lambda into=into: load_in_pieces(store, analytics, ox.RdfFormat.TURTLE, into))
    parts.timed("compact the store", lambda: (store.flush(), store.optimize()))
    quads = len(store)
    del store
    shutil.rmtree(db)
    floor = child_floor({"seeds": str(seeds), "nt": str(nt), "out": str(work / "floor")})
    return {"parts": parts.rows, "floor": floor, "triples": triples, "quads": quads,
            "cores": len(os.sched_getaffinity(0))}


def report(r: dict) -> str:
    floor = r["floor"]
    floor_wall = floor_seconds(floor)
    cpu = sum(c for _n, _w, c in r["parts"])
    spread = cpu / r["cores"]
    lines = [f"{r['triples']:,} triples, {r['quads']:,} quads in the store; {r['cores']} cores.",
             "", "| part | wall | CPU |", "|---|---|---|"]
    lines += [f"| {name} | {wall:.1f} s | {c:.1f} s |" for name, wall, c in r["parts"]]
    lines += [f"| all parts | {sum(w for _n, w, _c in r['parts']):.1f} s | {cpu:.1f} s |", "",
              f"Floor (run.py's: the faster YAML parse {min(floor['yaml_load'], floor['yaml_compose']):.1f} s, "
              f"in-memory load {floor['load']:.1f} s, two dumps "
              f"{floor['dump_ttl'] + floor['dump_nt']:.1f} s, start-up left out): {floor_wall:.1f} s.",
              f"The parts' CPU spread perfectly over {r['cores']} cores: {spread:.1f} s, "
              f"{spread / floor_wall:.2f}× the floor (target ≤ 2×: the parts would have to fit in "
              f"{2 * floor_wall * r['cores']:.0f} s of CPU, they take {cpu:.0f} s)."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, required=True, help="a seeds folder (synth.py's)")
    ap.add_argument("--work", type=Path, required=True, help="a folder for the files made")
    ap.add_argument("--ontology", type=Path, default=ROOT / "ontology")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args()
    r = measure(args.seeds, args.work, args.ontology,
                say=lambda msg: print(f"[parts] {msg}", file=sys.stderr, flush=True))
    print(report(r))
    if args.json:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
