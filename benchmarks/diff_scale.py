"""Benchmark: `kg diff` between two synthetic province-sized builds.

Writes a synthetic seed tree (benchmarks/synth.py), builds it, copies it with the year of
`--changes` settledIn facts moved by one, builds the copy, then times what `kg diff OLD NEW`
does on the two exports folders (both kg.nt loaded into one Oxigraph store, compared, the
text rendered): once for a build against itself, once for the edited build. It prints the
times and checks that exactly the edited facts are reported; no time is asserted.

    python benchmarks/diff_scale.py --parks 20 --companies 2000           # a quick run
    python benchmarks/diff_scale.py --parks 200 --companies 100000        # province size
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.build import build
from kg.project import packaged
from kg.rdf.diff import NEW, OLD, diff_graphs, render_text
from kg.rdf.read import load_graph_file

HERE = Path(__file__).resolve().parent
SETTLED = re.compile(r'(relation: "settledIn", object: [a-z0-9-]+, year: )(\d{4})')


def edit_years(seeds: Path, changes: int) -> int:
    """Move the year of the first `changes` settledIn facts by one; return how many moved."""
    done = 0
    for path in sorted(seeds.glob("synth-page-*.yaml")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if done < changes and SETTLED.search(line):
                lines[i] = SETTLED.sub(lambda m: m.group(1) + str(int(m.group(2)) + 1), line, 1)
                done += 1
        path.write_text("\n".join(lines), encoding="utf-8")
    return done


def timed_diff(old: Path, new: Path) -> tuple[dict[str, float], int, int]:
    """Seconds to load, compare and render; the number of facts changed and of other changes."""
    times = {}
    started = time.perf_counter()
    store = ox.Store()
    load_graph_file(old / "kg.nt", store, OLD, str(old))
    load_graph_file(new / "kg.nt", store, NEW, str(new))
    times["load"] = time.perf_counter() - started
    started = time.perf_counter()
    diff = diff_graphs(store, str(old), str(new))
    times["compare"] = time.perf_counter() - started
    started = time.perf_counter()
    render_text(diff)
    times["render"] = time.perf_counter() - started
    summary = diff.summary()
    others = sum(summary.values()) - summary["facts_changed"]
    return times, summary["facts_changed"], others


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parks", type=int, default=20)
    ap.add_argument("--companies", type=int, default=2000)
    ap.add_argument("--changes", type=int, default=100, help="settledIn years to move")
    ap.add_argument("--work", help="folder for the seeds and builds [default: a temporary one]")
    args = ap.parse_args(argv)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="kg-diff-bench-"))
    try:
        subprocess.run([sys.executable, str(HERE / "synth.py"), "--parks", str(args.parks),
                        "--companies", str(args.companies), "--out", str(work / "seeds-old")],
                       check=True, stdout=subprocess.DEVNULL)
        shutil.copytree(work / "seeds-old", work / "seeds-new")
        moved = edit_years(work / "seeds-new", args.changes)
        for name in ("old", "new"):
            started = time.perf_counter()
            result = build(work / f"seeds-{name}", work / name, packaged("ontology"),
                           validate=False, with_store=False)
            print(f"built {name}: {result.triples:,} triples, {result.facts:,} facts "
                  f"({time.perf_counter() - started:.1f} s)")
        for label, new in (("same build", work / "old"), (f"{moved} years moved", work / "new")):
            times, changed, others = timed_diff(work / "old", new)
            print(f"kg diff, {label}: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items())
                  + f"; total {sum(times.values()):.2f} s; {changed} facts changed, "
                    f"{others} other changes")
            expected = 0 if new == work / "old" else moved
            if (changed, others) != (expected, 0):
                print(f"unexpected: {expected} facts changed expected", file=sys.stderr)
                return 1
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
