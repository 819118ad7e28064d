"""Benchmark: the build's SHACL engine (kg.rdf.shacl_lines) against pyshacl-turbo on one kg.nt.

Each engine validates the same N-Triples file in a process of its own that does nothing else,
so each one's peak memory is its own; the engines alternate, `--repeat` times. They must give
the same result (verdict, every focus node, path, value, shape and component). Prints the
medians, the ratios and the peak memory of each. No threshold is asserted anywhere.

    python benchmarks/shacl_lines.py --nt /tmp/pv/exports/kg.nt --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("lines", "turbo")

# Run in a child: validate the file with one engine; print seconds, verdict and a digest of the
# results (what the two engines must share).
CHILD = """
import hashlib, json, resource, sys, time
from pathlib import Path
from kg.rdf.validate import validate_ntriples
nt = Path(sys.argv[1]).read_bytes()
began = time.perf_counter()
def store():  # pyshacl-turbo names the focus nodes of its results from one
    import pyoxigraph as ox
    made = ox.Store()
    made.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    return made
result = validate_ntriples(nt, nt.count(b"\\n"), sys.argv[2], store, engine=sys.argv[3])
seconds = time.perf_counter() - began
digest = hashlib.sha256(repr(sorted(result.results)).encode()).hexdigest()
print(json.dumps({"seconds": seconds, "conforms": result.conforms,
                  "results": len(result.results), "digest": digest,
                  "mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_engine(nt: Path, ontology: Path, engine: str) -> dict:
    """One child validating `nt` with `engine`: its seconds, result and peak RSS (MiB)."""
    proc = subprocess.run([sys.executable, "-c", CHILD, str(nt), str(ontology), engine],
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


def measure(nt: Path, ontology: Path = ROOT / "ontology", repeat: int = 3) -> dict:
    """Median seconds and peak MiB of each engine on `nt`, and the result they agree on."""
    seconds: dict[str, list[float]] = {e: [] for e in ENGINES}
    peaks: dict[str, list[float]] = {e: [] for e in ENGINES}
    outcomes = set()
    for _ in range(repeat):
        for engine in ENGINES:
            figures = run_engine(nt, ontology, engine)
            seconds[engine].append(figures["seconds"])
            peaks[engine].append(figures["mib"])
            outcomes.add((figures["conforms"], figures["results"], figures["digest"]))
    assert len(outcomes) == 1, f"the engines disagree: {outcomes}"
    conforms, results, _digest = outcomes.pop()
    return {"triples": sum(1 for _ in open(nt, "rb")), "conforms": conforms, "results": results,
            **{f"{e}_seconds": statistics.median(seconds[e]) for e in ENGINES},
            **{f"{e}_mib": max(peaks[e]) for e in ENGINES}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nt", type=Path, required=True, help="a build's kg.nt")
    ap.add_argument("--ontology", type=Path, default=ROOT / "ontology")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    r = measure(args.nt, args.ontology, args.repeat)
    print(f"{r['triples']:,} triples, conforms={r['conforms']}, {r['results']} results, the "
          f"same from both engines. shacl_lines {r['lines_seconds']:.1f} s, peak "
          f"{r['lines_mib']:,.0f} MiB; pyshacl-turbo {r['turbo_seconds']:.1f} s, peak "
          f"{r['turbo_mib']:,.0f} MiB (medians of {args.repeat}): "
          f"{r['turbo_seconds'] / r['lines_seconds']:.2f}× faster, "
          f"{r['turbo_mib'] / r['lines_mib']:.2f}× less memory")


if __name__ == "__main__":
    main()
