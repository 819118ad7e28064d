"""Benchmark: the size of each view's page and the time headless Chromium takes to draw it.

For a seed tree (default: a synthetic province from benchmarks/synth.py), builds it with
`kg build`, writes the views with `kg viz`, then opens every page in Debian's headless Chromium
(network off, as tests/browser.py does) and reads the time the page itself reports: each view
sets ``window.__drawn = performance.now()`` once it is drawn (a force layout once it has
stabilised, been fitted and painted; the matrix once its table is laid out), so the figure is
the browser's time from navigation to a drawn view, not Python's. Nothing is asserted.

    python benchmarks/views_draw.py                                 # 20 parks, 2,000 companies
    python benchmarks/views_draw.py --parks 200 --companies 20000 --work /tmp/vd
    python benchmarks/views_draw.py seeds/                          # any seed tree

`measure(views_dir)` is the part benchmarks/run.py calls on a folder `kg viz` wrote.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARK_PAGES = 3  # park-*.html pages drawn: they are alike, and there may be 50 of them


def measure(views_dir: str | Path, park_pages: int = PARK_PAGES) -> list[dict]:
    """One record per page of `views_dir`: view, bytes, nodes (graph views), draw_ms (from
    navigation to drawn, as the page reports it), errors (console errors or requests the
    page tried; none expected). The index is not drawn; of the park pages, the first
    `park_pages` by name."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import launch, open_page  # the tests' offline Chromium
    from playwright.sync_api import sync_playwright

    folder = Path(views_dir)
    pages = sorted(p for p in folder.glob("*.html") if p.name != "index.html"
                   and not p.name.startswith("park-"))
    pages += sorted(folder.glob("park-*.html"))[:park_pages]
    records = []
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            for path in pages:
                opened = open_page(browser, path)
                page = opened.page
                nodes = page.evaluate("window.kgView ? kgView.data.nodes.length : null")
                records.append({
                    "view": path.stem, "bytes": path.stat().st_size, "nodes": nodes,
                    "draw_ms": round(page.evaluate("window.__drawn")),
                    "errors": len(opened.errors) + len(opened.outside_requests)})
                page.context.close()
        finally:
            browser.close()
    return records


def table(records: list[dict]) -> str:
    lines = [f"{'view':<40} {'bytes':>12} {'nodes':>6} {'draw ms':>9} errors"]
    for r in records:
        nodes = "" if r["nodes"] is None else str(r["nodes"])
        lines.append(f"{r['view']:<40} {r['bytes']:>12,} {nodes:>6} {r['draw_ms']:>9,} "
                     f"{r['errors']}")
    return "\n".join(lines)


def _kg(*args: str) -> float:
    """Run the kg command line; its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", nargs="?", help="a seed tree [default: a synthetic province]")
    parser.add_argument("--parks", type=int, default=20)
    parser.add_argument("--companies", type=int, default=2000)
    parser.add_argument("--work", help="folder for seeds, build and views [default: a temporary one]")
    parser.add_argument("--park-pages", type=int, default=PARK_PAGES,
                        help="how many park-*.html pages to draw")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="views-draw-"))
    seeds = Path(args.seeds) if args.seeds else work / "seeds"
    if not args.seeds:
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--parks",
                        str(args.parks), "--companies", str(args.companies), "--out", str(seeds)],
                       check=True)
    built = _kg("build", "--seeds", str(seeds), "--out", str(work / "out"), "-q")
    viz = _kg("viz", str(work / "out" / "kg.ttl"), "--out", str(work / "views"),
              "--ontology", str(ROOT / "ontology"))
    print(f"kg build {built:.1f} s, kg viz {viz:.1f} s; views in {work / 'views'}")
    print(table(measure(work / "views", args.park_pages)))


if __name__ == "__main__":
    main()
