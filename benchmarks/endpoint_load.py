"""Benchmark: simple queries per second and latency of `kg serve`, at 8 and 32 clients.

Starts `kg serve` on a free loopback port over exports/kg.ttl (read, never written), sends a
fixed number of small queries from N client threads (a new connection per query, as most
clients do), prints queries/s and the 50th/99th percentile latency, and stops the server.
Talks only to 127.0.0.1; bounded by --queries; no threshold is asserted.

    python benchmarks/endpoint_load.py --queries 2000
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIMPLE = "SELECT ?s WHERE { ?s a ?c } LIMIT 5"


def start_server(graph: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """`kg serve` on a free loopback port: the process and its /sparql URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", "0",
         "--graph", str(graph), "--queries", str(ROOT / "queries"), *extra],
        cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    line = process.stderr.readline()
    if not line.startswith("Serving SPARQL at "):
        process.kill()
        raise RuntimeError(f"kg serve did not start: {line}{process.stderr.read()}")
    return process, line.split()[3]


def timed_query(url: str, query: str = SIMPLE, timeout: float = 30.0) -> tuple[int, float]:
    """(status, seconds) of one GET."""
    started = time.perf_counter()
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - started


def load(url: str, clients: int, queries: int) -> dict[str, float]:
    """`queries` simple queries spread over `clients` threads: rate, p50, p99, failures."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client(count: int) -> None:
        for _ in range(count):
            try:
                status, seconds = timed_query(url)
            except OSError:
                status, seconds = 0, 0.0
            with lock:
                if status == 200:
                    latencies.append(seconds)
                else:
                    failures[0] += 1

    share = [queries // clients + (i < queries % clients) for i in range(clients)]
    threads = [threading.Thread(target=client, args=(n,)) for n in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    return {"clients": clients, "qps": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "failed": failures[0]}


def report(figures: dict[str, float]) -> str:
    return (f"{figures['clients']:>3} clients: {figures['qps']:7.0f} queries/s  "
            f"p50 {figures['p50_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  "
            f"failed {figures['failed']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000, help="queries per run")
    parser.add_argument("--graph", type=Path, default=ROOT / "exports" / "kg.ttl")
    parser.add_argument("--workers", default="2", help="kg serve --workers")
    args = parser.parse_args()
    process, url = start_server(args.graph, "--workers", args.workers)
    try:
        load(url, 4, 100)  # warm up
        for clients in (8, 32):
            print(report(load(url, clients, args.queries)))
    finally:
        process.terminate()
        process.wait(20)


if __name__ == "__main__":
    main()
