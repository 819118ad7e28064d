"""Benchmark: loading a seeds folder with the worker of kg/seeds/beside.py, against one process.

Above 16 MB of seeds, `load_seeds` hands half of the files to a worker process that parses them
while this one reads the records of the others. This times both ways in one process,
alternating, on the same folder, and checks that they load the same records; it prints the
median of each and their ratio. No threshold is asserted anywhere.

    python benchmarks/seeds_worker.py --seeds /tmp/bench-work/seeds --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kg.seeds import beside
from kg.seeds.loader import load_seeds


def measure(seeds: Path, repeat: int) -> dict:
    """Seconds to load `seeds` in one process (`alone`) and with the worker (`beside`), each
    `repeat` times, alternating; `entities` and `facts` loaded."""
    times: dict[str, list[float]] = {"alone": [], "beside": []}
    counts = set()
    threshold = beside.MIN_BYTES
    try:
        for _ in range(repeat):
            for way, min_bytes in (("alone", 1 << 62), ("beside", 0)):
                beside.MIN_BYTES = min_bytes
                began = time.perf_counter()
                loaded = load_seeds(seeds)
                times[way].append(time.perf_counter() - began)
                counts.add((len(loaded.entities), len(loaded.facts),
                            tuple(sorted(loaded.digests.items()))))
                del loaded
    finally:
        beside.MIN_BYTES = threshold
    assert len(counts) == 1, "the two ways loaded different seeds"
    entities, facts, _digests = counts.pop()
    return {"entities": entities, "facts": facts, "files": len(list(seeds.glob("*.y*ml"))),
            **{way: statistics.median(t) for way, t in times.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, required=True, help="a seeds folder (synth.py's)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    r = measure(args.seeds, args.repeat)
    print(f"{r['files']} files, {r['entities']:,} entities, {r['facts']:,} facts: one process "
          f"{r['alone']:.1f} s, with the worker {r['beside']:.1f} s (medians of {args.repeat}): "
          f"{r['alone'] / r['beside']:.2f}× faster")


if __name__ == "__main__":
    main()
