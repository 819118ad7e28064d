"""Benchmark: answering a named query from the embedded store against re-parsing Turtle.

Builds a synthetic graph N times the size of the seed graph (copies of every triple with the
IRIs suffixed, so shape and selectivity stay those of real data), then times, in this one
process, (a) parse kg.ttl into memory and run the query, the cost without a store, and
(b) open the persistent store read-only and run the query, what `kg query` does.
Prints the ratio (a)/(b); no threshold is asserted anywhere.

    python benchmarks/store_vs_reparse.py --copies 200
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.sparql.queries import bind_params, load_queries
from kg.sparql.run import run_oxigraph
from kg.rdf.read import load_graph_file
from kg.rdf.store import fill_store

ROOT = Path(__file__).resolve().parent.parent


def synthetic_ntriples(copies: int) -> bytes:
    base = list(ox.parse(path=str(ROOT / "exports" / "kg.nt"), format=ox.RdfFormat.N_TRIPLES))

    def renamed(term, n):
        if isinstance(term, ox.NamedNode) and "/id/" in term.value and n:
            return ox.NamedNode(f"{term.value}-{n}")
        return term

    lines = []
    for n in range(copies):
        for t in base:
            lines.append(f"{renamed(t.subject, n)} {renamed(t.predicate, n)} {renamed(t.object, n)} .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--query", default="chain-leaders")
    args = parser.parse_args()
    named = load_queries(ROOT / "queries")[args.query]
    with tempfile.TemporaryDirectory() as tmp:
        nt = synthetic_ntriples(args.copies)
        ttl = Path(tmp) / "kg.ttl"
        memory = ox.Store()
        memory.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
        memory.dump(str(ttl), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
        store_dir = Path(tmp) / "store"
        nt_file = Path(tmp) / "kg.nt"
        nt_file.write_bytes(nt)
        fill_store(store_dir, [(nt_file, ox.RdfFormat.N_TRIPLES, None)])
        triples = len(memory)
        del memory

        started = time.perf_counter()
        parsed = load_graph_file(ttl)
        text = bind_params(named, {}, lambda q: run_oxigraph(parsed, q))
        rows_a = len(run_oxigraph(parsed, text).rows)
        reparse = time.perf_counter() - started

        started = time.perf_counter()
        store = ox.Store.read_only(str(store_dir))
        text = bind_params(named, {}, lambda q: run_oxigraph(store, q))
        rows_b = len(run_oxigraph(store, text).rows)
        stored = time.perf_counter() - started
    assert rows_a == rows_b
    print(f"{triples:,} triples, query {args.query} ({rows_a} rows)")
    print(f"re-parse Turtle + query: {reparse:.3f} s")
    print(f"embedded store + query:  {stored:.3f} s")
    print(f"ratio: {reparse / stored:.1f}x faster with the store")


if __name__ == "__main__":
    main()
