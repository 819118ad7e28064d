"""Benchmark: SHACL with pyshacl-turbo on an Oxigraph store (`validate_store`) against pySHACL on
an rdflib Graph (`validate_graph`, the reference), on one built graph.

Times, in this one process, the median of --repeat runs of each engine on the same triples (the
store and the graph are loaded first and not timed), checks that both give the same results, and
prints the ratio; the peak memory of the fast engine is printed over the store it validates.
No threshold is asserted anywhere.

    python benchmarks/synth.py --parks 20 --companies 2000 --out /tmp/s20
    kg build --seeds /tmp/s20 --out /tmp/s20-out -q
    python benchmarks/shacl_engines.py /tmp/s20-out/kg.nt
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.validate import validate_graph, validate_store

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return int(fh.read().split("VmRSS:")[1].split()[0]) / 1024


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", help="an N-Triples file written by kg build (kg.nt)")
    parser.add_argument("--ontology", default=str(ROOT / "ontology"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-repeat", type=int, default=1,
                        help="pySHACL runs (minutes at 60,000 triples)")
    args = parser.parse_args()

    import pyshacl_turbo  # noqa: F401 - imported before the memory baseline

    before = rss_mb()
    store = ox.Store()
    store.bulk_load(path=args.graph, format=ox.RdfFormat.N_TRIPLES)
    held = rss_mb() - before
    validate_store(store, args.ontology)  # parses and compiles the shapes once
    peak, done = [rss_mb()], threading.Event()

    def watch() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], rss_mb())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    fast_time, fast = timed(lambda: validate_store(store, args.ontology), args.repeat)
    done.set()
    watcher.join()
    print(f"{len(store):,} triples; the store holds {held:.0f} MB")
    print(f"validate_store (pyshacl-turbo, Oxigraph store): {fast_time:.2f} s median of "
          f"{args.repeat}; peak {peak[0] - before:.0f} MB over the baseline "
          f"({(peak[0] - before) / held:.1f}x the store)")

    from rdflib import Graph

    graph = Graph().parse(args.graph, format="nt")
    ref_time, ref = timed(lambda: validate_graph(graph, args.ontology), args.reference_repeat)
    print(f"validate_graph (pySHACL, rdflib Graph): {ref_time:.2f} s median of "
          f"{args.reference_repeat}")
    same = fast.results == ref.results and fast.conforms == ref.conforms  # type: ignore[attr-defined]
    print(f"ratio {ref_time / fast_time:.1f}x; same verdict and results: {same}")


if __name__ == "__main__":
    main()
