"""Benchmark: checking many quotes against one long source text, scanned against indexed.

A province's facts may all cite one registry-sized text (up to the loader's 16 MiB). The loader
checks each quote with `kg.seeds.quotes.QuoteFinder`; this compares it, in one process, with a
plain `quote in text` per quote (what the loader did before), on the archived texts of a seeds
folder joined into one text and the quotes its seeds files hold. It prints both times per quote
and their ratio; no threshold is asserted anywhere.

    python benchmarks/quotes.py --seeds /tmp/bench-work/seeds --quotes 20000
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from kg.seeds.loader import squash
from kg.seeds.quotes import QuoteFinder

_QUOTE = re.compile(r'quote: "([^"\\]+)"')


def measure(seeds: Path, count: int, scanned: int = 1000) -> dict:
    """Seconds per quote: `scan` (`in`, on `scanned` quotes) and `finder` (all `count`, the
    index built on the way); `chars` of the joined text."""
    text = "".join(squash(p.read_text(encoding="utf-8"))
                   for p in sorted((seeds / "sources").glob("*.txt")))
    found = [squash(q) for p in sorted(seeds.glob("*.yaml"))
             for q in _QUOTE.findall(p.read_text(encoding="utf-8"))]
    quotes = random.Random(1).sample(found, min(count, len(found)))
    began = time.perf_counter()
    finder = QuoteFinder(text)
    answers = [finder.contains(q) for q in quotes]
    indexed = (time.perf_counter() - began) / len(quotes)
    began = time.perf_counter()
    scans = [q in text for q in quotes[:scanned]]
    scan = (time.perf_counter() - began) / len(scans)
    assert answers[:scanned] == scans, "the finder and `in` disagree"
    return {"chars": len(text), "quotes": len(quotes), "scan": scan, "finder": indexed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, required=True, help="a seeds folder (synth.py's)")
    ap.add_argument("--quotes", type=int, default=20_000)
    args = ap.parse_args()
    r = measure(args.seeds, args.quotes)
    print(f"{r['chars']:,} characters, {r['quotes']:,} quotes: scan {r['scan'] * 1e6:.0f} µs a "
          f"quote, finder {r['finder'] * 1e6:.0f} µs a quote (index included): "
          f"{r['scan'] / r['finder']:.1f}× faster")


if __name__ == "__main__":
    main()
