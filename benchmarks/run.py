"""Measure every figure of issue 9 in one run and write benchmarks/RESULTS.md.

Generates a synthetic province (benchmarks/synth.py), then times, each in its own process,
repeated and reported as the median (min–max) with its peak memory: the cold build against
the naive pipeline (benchmarks/naive.py) and against the floor, a rebuild after one seed file
changed, every named query against the same SPARQL on an open pyoxigraph store, `kg analyze`
against igraph, the build's peak memory against a pyoxigraph store holding the same triples,
`kg --help` against `import click`, and the views. Only public interfaces are timed: the `kg`
command line, synth.py, naive.py; every ratio is against a baseline measured in the same run.

    python benchmarks/run.py                                   # the province: 200 parks, 100,000 companies
    python benchmarks/run.py --parks 20 --companies 2000 --repeat 1 --out /tmp/RESULTS.md

Nothing here asserts a threshold: a missed target is reported, with by how much.

Two other scripts are called when they exist: benchmarks/analytics_*.py (not analytics_scale.py)
with `measure(graph) -> {algorithm: seconds}`, given the simple undirected networkx graph that
kg.graph.analytics computes on, times the igraph engine (else run.py times igraph itself); and
benchmarks/views_draw.py with `measure(views_dir)` -> JSON-able records per view, the drawing
times in headless Chromium.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import io
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
KG = [sys.executable, "-m", "kg"]
PACKAGES = ["kg", "pyoxigraph", "rdflib", "pyshacl", "pyshacl-turbo", "PyYAML", "networkx",
            "igraph", "rustworkx", "numpy", "scipy", "click", "pyvis", "playwright"]
# A figure under QUICK seconds (a small query, on either side) is the median of QUICK_RUNS runs
# at least, as start-ups are: one run of a 0.1 s process is mostly noise.
QUICK, QUICK_RUNS = 1.0, 5
TARGETS = {  # name: (limit, "max" = ratio at most limit, "min" = at least)
    "naive": (8.0, "min"), "floor": (2.0, "max"), "rebuild": (0.10, "max"),
    "query": (2.0, "max"), "analyze": (3.0, "max"), "memory": (1.5, "max"), "help": (2.0, "max"),
}
SECTIONS = ["Machine", "Sizes", "Summary", "1. Cold build against the naive pipeline",
            "2. Cold build against the floor", "3. Rebuild after touching one seed file",
            "4. Named queries", "5. kg analyze against igraph", "6. Peak memory",
            "7. kg --help against import click", "8. Views", "Method"]


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- running one child and measuring it -----------------------------------------------------------

@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child (and the children it waited for)
    rss: float  # peak resident set, MiB
    code: int
    stdout: str
    stderr: str
    timed_out: bool = False
    # How the peak came about: "largest" (MiB, wait4: the largest one process), "tree" (MiB, the
    # sampled sum over the process tree), "tree_at" (s after the start), "tree_each" (MiB per
    # process at that moment, the command's own first); {} when the launcher wrote no report.
    peak: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.code == 0 and not self.timed_out

    def failure(self) -> str:
        if self.timed_out:
            return f"stopped after {self.wall:.0f} s"
        tail = [line for line in self.stderr.splitlines() if line.strip()][-1:] or ["no message"]
        return f"exit {self.code}: {tail[0][:200]}"


def child_env(cache: Path | None = None) -> dict[str, str]:
    """The environment of every child: this checkout's kg first, no project chosen for it, and
    (for builds) a cache home of its own, so a cold build finds no cache of an earlier one."""
    env = {k: v for k, v in os.environ.items() if k != "KG_PROJECT"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    return env


# A small interpreter forks the command and reports its wait4 figures: a child's peak RSS
# counts the memory of the process it was forked from, which would be run.py's (or pytest's).
# wait4 gives the peak of the largest process, not of several at once (a build's workers), so
# a thread also sums the resident sets of the command's process tree every 0.1 s: the peak
# is the larger of the two (the sampling may miss a short spike; wait4 does not). The sampled
# peak keeps when it came and each process's share, so a report can say which step made it.
LAUNCHER = """
import json, os, sys, threading, time

def tree_rss(pid):
    sizes, todo = {}, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                sizes[p] = next((int(line.split()[1]) for line in f
                                 if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            pass
    return sizes

started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
tree, done = {"kb": 0, "at": 0.0, "kb_each": []}, threading.Event()

def sample():
    while not done.wait(0.1):
        sizes = tree_rss(pid)
        if sum(sizes.values()) > tree["kb"]:
            tree.update(kb=sum(sizes.values()), at=time.perf_counter() - started,
                        kb_each=[sizes.pop(pid, 0)] + sorted(sizes.values(), reverse=True))

threading.Thread(target=sample, daemon=True).start()
_pid, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
done.set()
with open(sys.argv[1], "w") as fh:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
               "rss": max(usage.ru_maxrss, tree["kb"]) / 1024,
               "largest": usage.ru_maxrss / 1024, "tree": tree["kb"] / 1024,
               "tree_at": tree["at"], "tree_each": [kb / 1024 for kb in tree["kb_each"]],
               "code": os.waitstatus_to_exitcode(status)}, fh)
"""


def run_child(cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
              timeout: float | None = None, stdout_file: Path | None = None) -> Run:
    """Run `cmd` to its end (or kill its process group after `timeout` s); its wall time
    from fork to reaping, CPU and peak RSS from wait4, for this command alone."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage.json"
        out_path = stdout_file or Path(tmp) / "stdout"
        err_path = Path(tmp) / "stderr"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, str(report)]
                                    + cmd, cwd=cwd, env=env or child_env(), stdout=out,
                                    stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # the launcher and the command
                except ProcessLookupError:
                    pass
                proc.wait()
            elapsed = time.perf_counter() - started
        usage = json.loads(report.read_text()) if report.is_file() else {
            "wall": elapsed, "cpu": 0.0, "rss": 0.0, "code": proc.returncode}
        stdout = "" if stdout_file else out_path.read_bytes().decode("utf-8", "replace")
        return Run(usage["wall"], usage["cpu"], usage["rss"], usage["code"], stdout,
                   err_path.read_bytes().decode("utf-8", "replace"), timed_out,
                   {k: usage[k] for k in ("largest", "tree", "tree_at", "tree_each")
                    if k in usage})


def py_child(name: str, payload: dict, cwd: Path, timeout: float | None = None,
             env: dict[str, str] | None = None) -> Run:
    """One of the measuring children below, run as `run.py --child NAME`."""
    return run_child([sys.executable, str(Path(__file__).resolve()), "--child", name,
                      json.dumps(payload)], cwd, env=env, timeout=timeout)


def last_json(run: Run) -> dict:
    for line in reversed(run.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"child gave no result ({run.failure()})")


# -- figures ------------------------------------------------------------------------------------

@dataclass
class Figure:
    values: list[float] = field(default_factory=list)
    note: str = ""  # e.g. "stopped": the value is a lower bound

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __bool__(self) -> bool:
        return bool(self.values)


def secs(x: float | None) -> str:
    if x is None:
        return "–"
    if x < 1:
        return f"{x:.3f} s"
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def spread(fig: Figure, unit=secs) -> str:
    """median (min–max of n), or the one value; '> x (stopped)' for a cut-off figure."""
    if not fig:
        return fig.note or "not measured"
    if fig.note:
        return f"> {unit(fig.median)} ({fig.note})"
    if len(fig.values) == 1:
        return unit(fig.values[0])
    return f"{unit(fig.median)} ({unit(min(fig.values))}–{unit(max(fig.values))}, n={len(fig.values)})"


def mib(x: float | None) -> str:
    return "–" if x is None else f"{x:,.0f} MiB"


def ratio_text(r: float | None, bound: str = "", percent: bool = False) -> str:
    """A ratio; bound "lower" (its numerator was stopped) or "upper" (its denominator was)."""
    if r is None:
        return "–"
    text = f"{r:.1%}" if percent else f"{r:.2f}×"
    return {"lower": "> ", "upper": "< "}.get(bound, "") + text


def verdict(r: float | None, target: str, bound: str = "") -> str:
    """met / missed and by how much. A bound decides only the side it proves: a ratio known
    to be above r misses an upper limit r exceeds, meets a lower limit r reaches."""
    if r is None:
        return "not measured"
    limit, kind = TARGETS[target]
    met = r >= limit if kind == "min" else r <= limit
    decided = (not bound or (bound == "lower" and met == (kind == "min"))
               or (bound == "upper" and met == (kind == "max")))
    if not decided:
        return f"undecided: a figure was stopped or skipped, so the ratio is only {ratio_text(r, bound)}"
    if kind == "min":
        if met:
            return f"met ({r / limit:.2f}× the target)"
        return f"missed: {limit / r:.2f}× short (the build must get {limit / r:.2f}× faster)"
    if met:
        return f"met ({limit / r:.2f}× under the limit)" if r else "met"
    return f"missed: {'more than ' if bound else ''}{r / limit:.2f}× over the limit"


def target_text(target: str) -> str:
    limit, kind = TARGETS[target]
    if target == "rebuild":
        return f"≤ {limit:.0%}"
    return f"{'≥' if kind == 'min' else '≤'} {limit:g}×"


# -- build progress (-v) ----------------------------------------------------------------------

STEP = re.compile(r"^\W*?\s*(\d+(?:\.\d+)?)\s*s\s{1,}(\S.*)$")


def progress_marks(stderr: str) -> list[tuple[float, str]]:
    """The build's -v progress lines ('·   10.5 s  validating …') as (seconds, text)."""
    marks = []
    for line in re.split(r"[\r\n]+", stderr):
        m = STEP.match(line.strip())
        if m:
            marks.append((float(m.group(1)), m.group(2).strip()))
    return marks


def parse_steps(stderr: str, total: float) -> list[tuple[str, float]]:
    """The build's -v progress as (step, seconds spent in it), the last step running to
    `total`; [] when the output has no such lines."""
    marks = progress_marks(stderr)
    steps = []
    for i, (t, msg) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else max(total, t)
        steps.append((_short_step(msg), max(0.0, end - t)))
    return steps


def peak_when(run: Run) -> str:
    """When a build's sampled memory peak came: the -v step then running, and each process's
    share; "" when the launcher sampled nothing. The launcher's clock starts at the fork, the
    build's own a start-up (0.1 s) later: close enough to name the step."""
    peak = run.peak
    if not peak.get("tree"):
        return ""
    before = [msg for t, msg in progress_marks(run.stderr) if t <= peak["tree_at"]]
    during = f"during “{_short_step(before[-1])}”" if before else "before its first step"
    own, *others = peak["tree_each"] or [0.0]
    split = f"the build's own process {mib(own)}" + (
        f", its second process{'es' if len(others) > 1 else ''} "
        f"{', '.join(mib(x) for x in others)}" if others else "")
    text = (f"its processes together peaked at {mib(peak['tree'])}, {secs(peak['tree_at'])} "
            f"after its start, {during} ({split})")
    if peak.get("largest", 0) > 1.02 * peak["tree"]:  # a spike between two samples
        text += (f"; one process alone reached {mib(peak['largest'])} (wait4) between two "
                 f"samples")
    return text


def _short_step(msg: str) -> str:
    msg = re.sub(r"(?:/[^\s/]+)+/([^\s/]+)", r"…/\1", msg)  # paths: their last part
    return msg if len(msg) <= 80 else msg[:79] + "…"


def dominates(steps: list[tuple[str, float]], total: float | None = None) -> str:
    """'What dominates' from (part, seconds): the largest two with their share."""
    steps = [(name, s) for name, s in steps if s is not None]
    if not steps:
        return "not known (no per-step times)"
    whole = total or sum(s for _n, s in steps) or 1.0
    top = sorted(steps, key=lambda x: -x[1])[:2]
    return "; then ".join(f"{name}: {secs(s)} ({s / whole:.0%})" for name, s in top)


BUILT = re.compile(r"(?:Built|Up to date:) ([\d,]+) triples? from ([\d,]+) entit\w+ and ([\d,]+) facts?")


def parse_built(stdout: str) -> dict[str, int]:
    m = BUILT.search(stdout)
    if not m:
        return {}
    return dict(zip(("triples", "entities", "facts"),
                    (int(g.replace(",", "")) for g in m.groups())))


# -- seeds: generating, choosing query parameters, touching one file ----------------------------

def generate(work: Path, parks: int, companies: int, seed: int) -> tuple[Path, str]:
    """WORK/seeds for these arguments, generated once (kept in --work for a second run)."""
    seeds, stamp = work / "seeds", work / "seeds.json"
    wanted = {"parks": parks, "companies": companies, "seed": seed}
    if seeds.is_dir() and stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return seeds, (work / "synth.txt").read_text().strip()
    if seeds.exists():
        raise SystemExit(f"run.py: {seeds} holds other seeds than --parks {parks} --companies "
                         f"{companies} --seed {seed}; give another --work folder")
    run = run_child([sys.executable, str(BENCH / "synth.py"), "--parks", str(parks),
                     "--companies", str(companies), "--seed", str(seed), "--out", str(seeds)],
                    work)
    if not run.ok:
        raise SystemExit(f"run.py: synth.py failed: {run.failure()}")
    (work / "synth.txt").write_text(run.stdout)
    stamp.write_text(json.dumps(wanted))
    return seeds, run.stdout.strip()


def read_seed_docs(seeds: Path) -> list[dict]:
    import yaml

    docs = []
    for f in sorted(seeds.rglob("*.yaml")):
        doc = yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)
        if isinstance(doc, dict):
            docs.append(doc)
    return docs


def pick_params(seeds: Path) -> dict[str, str]:
    """Values for the named queries' parameters that exist in these seeds (the shipped
    defaults name entities of the bundled page): the first park that develops a chain, that
    chain, the company with the most facts, the most held honour, the most cited source."""
    types: dict[str, str] = {}
    facts: list[dict] = []
    for doc in read_seed_docs(seeds):
        for e in doc.get("entities") or []:
            if isinstance(e, dict) and "id" in e:
                types[str(e["id"])] = str(e.get("type", ""))
        facts += [f for f in doc.get("facts") or [] if isinstance(f, dict)]

    def first(kind: str) -> str | None:
        return min((i for i, t in types.items() if t == kind), default=None)

    def most(items) -> str | None:
        counts: dict[str, int] = {}
        for item in items:
            if item is not None:
                counts[str(item)] = counts.get(str(item), 0) + 1
        return min(counts, key=lambda k: (-counts[k], k)) if counts else None

    chains = sorted((str(f["subject"]), str(f["object"])) for f in facts
                    if f.get("relation") == "developsChain" and "object" in f)
    park = chains[0][0] if chains else first("Park")
    chain = chains[0][1] if chains else first("IndustryChain")
    company = most(f.get("subject") for f in facts if types.get(str(f.get("subject"))) == "Company")
    honour = most(f.get("object") for f in facts if f.get("relation") == "hasHonour")
    source = most(f.get("source") for f in facts)
    picked = {"park": park, "chain": chain, "company": company, "entity": company,
              "honour": honour, "source": source}
    return {k: v for k, v in picked.items() if v}


PARAM = re.compile(r"^#\s*param:\s*([\w-]+)\s*\(([^,)]*)(?:,\s*default\s+([^)]*))?\)")


def named_queries(folder: Path) -> dict[str, list[tuple[str, str | None]]]:
    """Each shipped query's name and its parameters (name, default) from its header."""
    queries = {}
    for path in sorted(folder.glob("*.rq")):
        params = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            m = PARAM.match(line)
            if m:
                params.append((m.group(1), m.group(3).strip() if m.group(3) else None))
        queries[path.stem] = params
    return queries


QUOTE = re.compile(r'quote: "((?:[^"\\]|\\.){6,}?)"')


def touch_one_file(seeds: Path, nth: int) -> str:
    """Change one quote in one seeds file, as a curator fixing a quote would: its last
    character is dropped, so it stays verbatim in the source. Returns what was changed."""
    files = [f for f in sorted(seeds.glob("*.yaml")) if QUOTE.search(f.read_text("utf-8"))]
    if not files:
        raise SystemExit(f"run.py: no seeds file in {seeds} has a quote to change")
    target = files[(len(files) // 2 + nth) % len(files)]
    text = target.read_text("utf-8")
    for m in reversed(list(QUOTE.finditer(text))):
        quote = m.group(1)
        if quote[-1] not in "\\\"" and quote[-2] != "\\":
            target.write_text(text[:m.start(1)] + quote[:-1] + text[m.end(1):], "utf-8")
            return f"{target.name}: quote '{quote[-12:]}' lost its last character"
    raise SystemExit(f"run.py: no quote in {target} can be shortened")


# -- the measurements ---------------------------------------------------------------------------

def kg_run(args: list[str], cwd: Path, cache: Path | None = None,
           stdout_file: Path | None = None) -> Run:
    return run_child(KG + args, cwd, env=child_env(cache), stdout_file=stdout_file)


def startup(code: str, repeat: int, cwd: Path) -> Figure:
    fig = Figure()
    for _ in range(repeat):
        r = run_child([sys.executable, "-c", code], cwd)
        if r.ok:
            fig.values.append(r.wall)
    return fig


def measure_cold(work: Path, seeds: Path, repeat: int) -> dict:
    """Cold builds, each a fresh project (seeds copied in) into its empty exports/."""
    wall, cpu, rss, runs = Figure(), Figure(), Figure(), []
    for r in range(1, repeat + 1):
        project = work / f"cold-{r}"
        shutil.rmtree(project, ignore_errors=True)
        project.mkdir()
        shutil.copytree(seeds, project / "seeds")
        say(f"cold build {r}/{repeat}")
        run = kg_run(["build", "--seeds", "seeds", "--out", "exports", "-v"], project,
                     cache=project / ".cache-home")
        if not run.ok:
            raise SystemExit(f"run.py: the cold build failed ({run.failure()}):\n{run.stderr}")
        wall.values.append(run.wall)
        cpu.values.append(run.cpu)
        rss.values.append(run.rss)
        runs.append(run)
        if r > 1:  # keep one build (cold-1) for the queries and the rebuild; save the disk
            shutil.rmtree(project)
    first = runs[0]
    return {"wall": wall, "cpu": cpu, "rss": rss, "first": first.wall,
            "peak_when": peak_when(first),
            "sizes": parse_built(first.stdout), "steps": parse_steps(first.stderr, first.wall),
            "project": work / "cold-1"}


def measure_naive(work: Path, seeds: Path, nt: Path, repeat: int, timeout: float,
                  skip: list[str]) -> dict:
    if str(BENCH) not in sys.path:  # naive.py's stage names
        sys.path.insert(0, str(BENCH))
    from naive import COUNTED, STAGES

    stages: dict[str, Figure] = {}
    details: dict[str, str] = {}
    total, rss = Figure(), Figure()
    for r in range(1, repeat + 1):
        say(f"naive pipeline {r}/{repeat} (each stage stopped after {timeout:g} s)")
        cmd = [sys.executable, str(BENCH / "naive.py"), "--seeds", str(seeds),
               "--ontology", str(ROOT / "ontology"), "--out", str(work / "naive"),
               "--timeout", str(timeout), "--triples-from", str(nt)] + [
                   a for s in skip for a in ("--skip", s)]
        run = run_child(cmd, work, timeout=timeout * 5 + 120)
        records = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
        seen = {rec["stage"] for rec in records}
        if not run.ok:  # killed or crashed mid-stage: the stage after the last reported one
            for stage in STAGES:
                if stage not in seen:
                    records.append({"stage": stage, "seconds": None, "status": "failed",
                                    "detail": run.failure()})
                    break
        cut = False
        for rec in records:
            fig = stages.setdefault(rec["stage"], Figure())
            details[rec["stage"]] = rec["detail"]
            if rec["seconds"] is not None:
                fig.values.append(rec["seconds"])
            if rec["status"] != "done":
                fig.note = rec["status"]
                cut = True
        counted = sum(rec["seconds"] or 0 for rec in records if rec["stage"] in COUNTED)
        total.values.append(counted)
        if cut:
            total.note = "lower bound: a stage was stopped or skipped"
        rss.values.append(run.rss)
    return {"stages": stages, "details": details, "total": total, "rss": rss,
            "counted": list(COUNTED)}


def measure_floor(work: Path, seeds: Path, nt: Path, repeat: int, start: Figure) -> dict:
    parts: dict[str, Figure] = {}
    total = Figure()
    for r in range(1, repeat + 1):
        say(f"floor {r}/{repeat}")
        run = py_child("floor", {"seeds": str(seeds), "nt": str(nt),
                                 "out": str(work / "floor")}, work)
        res = last_json(run)
        for k, v in res.items():
            parts.setdefault(k, Figure()).values.append(v)
        total.values.append(start.median + floor_seconds(res))
    return {"parts": parts, "total": total}


def floor_seconds(parts: dict[str, float]) -> float:
    """The floor from `child_floor`'s parts, start-up left out: the faster YAML parse, the
    load and both dumps."""
    return min(parts["yaml_load"], parts["yaml_compose"]) + parts["load"] \
        + parts["dump_ttl"] + parts["dump_nt"]


def measure_rebuild(project: Path, repeat: int) -> dict:
    wall, rss, changes, steps, when = Figure(), Figure(), [], [], ""
    for r in range(repeat):
        changes.append(touch_one_file(project / "seeds", r))
        say(f"rebuild {r + 1}/{repeat} after: {changes[-1]}")
        run = kg_run(["build", "--seeds", "seeds", "--out", "exports", "-v"], project,
                     cache=project / ".cache-home")
        if not run.ok:
            raise SystemExit(f"run.py: the rebuild failed ({run.failure()}):\n{run.stderr}")
        wall.values.append(run.wall)
        rss.values.append(run.rss)
        steps = parse_steps(run.stderr, run.wall)
        when = peak_when(run)
    return {"wall": wall, "rss": rss, "changes": changes, "steps": steps, "peak_when": when}


def measure_queries(project: Path, seeds: Path, repeat: int, limit: float) -> dict:
    queries = named_queries(ROOT / "queries")
    values = pick_params(seeds)
    plan: dict[str, dict[str, str]] = {}
    skipped: dict[str, str] = {}
    for name, params in queries.items():
        given = {p: values[p] for p, _default in params if p in values}
        missing = [p for p, default in params if default is None and p not in given]
        if missing:
            skipped[name] = f"no value for required parameter {', '.join(missing)}"
            continue
        plan[name] = given
    exports = project / "exports"
    results: dict[str, dict] = {}
    for name, given in plan.items():
        say(f"{name} on the open stores, then kg query ×{repeat}")
        # one process per query: a query stopped at the limit cannot hold up the next one
        base = py_child("query", {"nt": str(exports / "kg.nt"), "trig": str(exports / "kg.trig"),
                                  "analytics": str(exports / "analytics.ttl"),
                                  "db": str(exports / ".store"), "name": name,
                                  "params": given, "queries": str(ROOT / "queries"),
                                  "repeat": repeat, "limit": limit},
                        project, timeout=limit * (2 * repeat + 1) + 1800)
        b = last_json(base) if base.ok else {"failed": base.failure()}
        store = Figure(b.get("seconds", []))
        if b.get("stopped"):
            store = Figure([limit], note="stopped")
        d = b.get("disk", {})
        disk = Figure([limit], note="stopped") if d.get("stopped") else Figure(d.get("seconds", []))
        fig, note, rows, failed = Figure(), "", None, ""
        runs = repeat
        while len(fig.values) < runs:
            args = ["query", name, "--format", "csv"] + [
                a for k, v in given.items() for a in ("--param", f"{k}={v}")]
            run = run_child(KG + args, project, env=child_env(project / ".cache-home"),
                            timeout=limit)
            if run.timed_out:
                fig = Figure([limit], note="stopped")
                break
            if not run.ok:
                failed = run.failure()
                break
            fig.values.append(run.wall)
            if run.wall < QUICK:
                runs = max(runs, QUICK_RUNS)
            rows = max(0, len(list(csv.reader(io.StringIO(run.stdout)))) - 1)
            note = " ".join(line for line in run.stderr.splitlines() if line.startswith("note:"))
        results[name] = {"kg": fig, "rows": rows, "note": note, "failed": failed,
                         "params": given, "store": store, "disk": disk,
                         "store_rows": b.get("rows", d.get("rows")),
                         "form": b.get("form", d.get("form", "")),
                         "store_failed": b.get("failed", "")}
    return {"results": results, "skipped": skipped, "values": values}


def measure_analyze(project: Path, repeat: int) -> dict:
    wall, rss = Figure(), Figure()
    failed = ""
    for r in range(1, repeat + 1):
        say(f"kg analyze {r}/{repeat}")
        run = kg_run(["analyze"], project, cache=project / ".cache-home",
                     stdout_file=project / "analyze.txt")
        if not run.ok:
            failed = run.failure()
            break
        wall.values.append(run.wall)
        rss.values.append(run.rss)
    say("igraph on the same projected graph")
    helper = analytics_helper()
    payload = {"ttl": str(project / "exports" / "kg.ttl"), "helper": str(helper or "")}
    # one OpenMP thread: igraph's PageRank (PRPACK) took 1 s instead of 2 ms here with the
    # default threads spinning on a busy 2-core machine; the baseline is taken at its best
    base = py_child("igraph", payload, project, env={**child_env(), "OMP_NUM_THREADS": "1"})
    baseline = last_json(base) if base.ok else {"failed": base.failure()}
    return {"wall": wall, "rss": rss, "failed": failed, "baseline": baseline}


def analytics_helper() -> Path | None:
    """benchmarks/analytics_*.py with a `measure` function (the igraph engine's own timing),
    if one exists; analytics_scale.py is the networkx growth benchmark, not it."""
    for path in sorted(BENCH.glob("analytics_*.py")):
        if path.name != "analytics_scale.py" and "def measure(" in path.read_text("utf-8"):
            return path
    return None


def measure_memory(work: Path, nt: Path, repeat: int) -> dict:
    rss, engine, engine_wall = Figure(), Figure(), Figure()
    for r in range(1, repeat + 1):
        say(f"pyoxigraph store holding kg.nt {r}/{repeat}")
        run = py_child("store", {"nt": str(nt)}, work)
        if run.ok:
            rss.values.append(run.rss)
    # What the build's SHACL engine alone needs for this graph: a floor under any build that
    # validates with it, whatever the rest of the build does; and pyshacl-turbo's, which the
    # build used before (and uses for shapes kg.rdf.shacl_lines cannot run).
    figures = {"store": rss}
    for engine_name, key in (("lines", "validation"), ("turbo", "turbo")):
        say(f"{engine_name} validating kg.nt alone")
        run = py_child("validate", {"nt": str(nt), "ontology": str(ROOT / "ontology"),
                                    "engine": engine_name}, work)
        engine, engine_wall = Figure(), Figure()
        if run.ok:
            engine.values.append(run.rss)
            engine_wall.values.append(run.wall)
        figures[key], figures[f"{key}_wall"] = engine, engine_wall
    return figures


def measure_help(work: Path, repeat: int) -> dict:
    say(f"kg --help and import click ×{repeat}")
    kg = Figure()
    for _ in range(repeat):
        run = kg_run(["--help"], work)
        if run.ok:
            kg.values.append(run.wall)
    return {"kg": kg, "click": startup("import click", repeat, work)}


def measure_views(project: Path, repeat: int) -> dict:
    wall = Figure()
    failed = ""
    for r in range(1, repeat + 1):
        say(f"kg viz {r}/{repeat}")
        run = kg_run(["viz"], project, cache=project / ".cache-home")
        if not run.ok:
            failed = run.failure()
            break
        wall.values.append(run.wall)
    views = project / "exports" / "views"
    pages = {p.name: p.stat().st_size for p in sorted(views.glob("*.html"))} if views.is_dir() else {}
    drawn: object = None
    note = ""
    if (BENCH / "views_draw.py").is_file():
        say("drawing the views in headless Chromium (benchmarks/views_draw.py)")
        run = py_child("views", {"views": str(views)}, project)
        if run.ok:
            drawn = last_json(run).get("measured")
        else:
            note = f"benchmarks/views_draw.py failed: {run.failure()}"
    else:
        note = ("skipped: benchmarks/views_draw.py (measure(views_dir): drawing time per view in "
                "headless Chromium) does not exist yet")
    return {"wall": wall, "failed": failed, "pages": pages, "drawn": drawn, "note": note}


# -- the children (run as `run.py --child NAME JSON`, so their imports are theirs alone) -------

def child_floor(p: dict) -> dict:
    import pyoxigraph as ox
    import yaml

    files = sorted(Path(p["seeds"]).rglob("*.yaml"))
    texts = [f.read_bytes() for f in files]  # reading is the same for both parsers
    out: dict[str, float] = {}
    t = time.perf_counter()
    for text in texts:
        yaml.load(text, Loader=yaml.CSafeLoader)
    out["yaml_load"] = time.perf_counter() - t
    t = time.perf_counter()
    for text in texts:
        yaml.compose(text, Loader=yaml.CSafeLoader)
    out["yaml_compose"] = time.perf_counter() - t
    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=p["nt"], format=ox.RdfFormat.N_TRIPLES)
    out["load"] = time.perf_counter() - t
    folder = Path(p["out"])
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    store.dump(str(folder / "floor.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    out["dump_ttl"] = time.perf_counter() - t
    t = time.perf_counter()
    store.dump(str(folder / "floor.nt"), format=ox.RdfFormat.N_TRIPLES,
               from_graph=ox.DefaultGraph())
    out["dump_nt"] = time.perf_counter() - t
    return out


def child_store(p: dict) -> dict:
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=p["nt"], format=ox.RdfFormat.N_TRIPLES)
    return {"quads": len(store)}


def child_validate(p: dict) -> dict:
    from kg.rdf.validate import validate_ntriples

    nt = Path(p["nt"]).read_bytes()
    result = validate_ntriples(nt, nt.count(b"\n"), p["ontology"], lambda: None,
                               engine=p.get("engine", "auto"))
    return {"conforms": result.conforms}


def child_query(p: dict) -> dict:
    """One query's bound text (bound by the project's own code, not timed) on two open
    pyoxigraph stores: the build's embedded store opened read-only, the very store `kg query`
    reads (run once untimed first, so `kg query` after it finds the page cache as warm), and an
    in-memory store loaded (not timed) with what that store holds: the graph and the
    analytics in the default graph, each source's named graph. Times running it and reading
    every answer; gives up after p["limit"] seconds."""
    import threading

    import pyoxigraph as ox

    from kg.rdf.store import open_read_only
    from kg.sparql.queries import bind_params, load_queries
    from kg.sparql.run import run_oxigraph

    named = load_queries(Path(p["queries"]))[p["name"]]

    def timed(store: ox.Store, runs: int, extend: bool = True) -> dict:
        text = bind_params(named, p["params"], lambda q: run_oxigraph(store, q))
        answer: dict = {}

        def once() -> None:
            result = store.query(text)
            if isinstance(result, ox.QuerySolutions):
                answer.update(rows=sum(1 for _ in result), form="solutions")
            elif isinstance(result, ox.QueryTriples):
                answer.update(rows=sum(1 for _ in result), form="triples")
            else:  # ASK
                answer.update(rows=1, form="boolean")

        times: list[float] = []
        while len(times) < runs:
            t = time.perf_counter()
            worker = threading.Thread(target=once, daemon=True)  # Oxigraph lets go of the GIL
            worker.start()
            worker.join(p["limit"])
            if worker.is_alive():
                return {"stopped": True}
            times.append(time.perf_counter() - t)
            if extend and times[-1] < QUICK:
                runs = max(runs, QUICK_RUNS)
        return {"seconds": times, **answer}

    disk = timed(open_read_only(p["db"]), 1, extend=False)  # the warm-up
    if not disk.get("stopped"):
        disk = timed(open_read_only(p["db"]), p["repeat"])
    store = ox.Store()
    store.bulk_load(path=p["nt"], format=ox.RdfFormat.N_TRIPLES)
    if Path(p["analytics"]).is_file():
        store.bulk_load(path=p["analytics"], format=ox.RdfFormat.TURTLE)
    if Path(p["trig"]).is_file():
        store.bulk_load(path=p["trig"], format=ox.RdfFormat.TRIG)
    memory = timed(store, p["repeat"])
    return {**memory, "disk": disk}


def child_igraph(p: dict) -> dict:
    import pyoxigraph as ox

    out: dict = {}
    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=p["ttl"], format=ox.RdfFormat.TURTLE)
    out["parse"] = time.perf_counter() - t
    from kg.graph import analytics
    from kg.graph.projection import project

    t = time.perf_counter()
    g = project(store)
    out["project"] = time.perf_counter() - t
    h = analytics.simple_undirected(g)
    out["nodes"], out["edges"] = h.number_of_nodes(), h.number_of_edges()
    if p["helper"]:  # the igraph engine's own measure(), when it exists
        import importlib.util

        spec = importlib.util.spec_from_file_location("analytics_helper", p["helper"])
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        try:
            measured = module.measure(h)
            out["algorithms"] = {str(k): float(v) for k, v in dict(measured).items()}
            out["by"] = Path(p["helper"]).name
            return out
        except Exception as exc:  # fall back to the minimal timing below, and say so
            out["helper_failed"] = f"{Path(p['helper']).name}: {type(exc).__name__}: {exc}"
    import random

    import igraph as ig

    t = time.perf_counter()
    ih = ig.Graph.from_networkx(h)
    out["convert"] = time.perf_counter() - t
    exact_max = getattr(analytics, "EXACT_BETWEENNESS_MAX", 2000)
    sample = getattr(analytics, "BETWEENNESS_SAMPLE", 500)
    if ih.vcount() <= exact_max:
        out["betweenness_kind"] = "exact"

        def betweenness():
            ih.betweenness(directed=False)
    else:  # the same estimate as kg.graph.analytics: shortest paths from a sample of sources
        sources = random.Random(getattr(analytics, "SEED", 42)).sample(range(ih.vcount()), sample)
        out["betweenness_kind"] = f"from {sample} sampled sources"

        def betweenness():
            ih.betweenness(directed=False, sources=sources)
    def communities():
        # seeded as kg.graph.analytics seeds it: unseeded, the node order changes the work
        ig.set_random_number_generator(random.Random(getattr(analytics, "SEED", 42)))
        try:
            ih.community_leiden(objective_function="modularity", n_iterations=-1)
        finally:
            ig.set_random_number_generator(random)

    runs = {"betweenness": betweenness,
            "pagerank": lambda: ih.pagerank(damping=getattr(analytics, "PAGERANK_ALPHA", 0.85)),
            "communities (Leiden)": communities}
    algos: dict[str, float] = {}
    for name, once in runs.items():
        # the median of three: igraph's first call can be slow (warming up), and the
        # baseline is taken at its best
        times = []
        for _ in range(3):
            t = time.perf_counter()
            once()
            times.append(time.perf_counter() - t)
        algos[name] = sorted(times)[1]
    out["algorithms"] = algos
    out["by"] = "run.py (igraph " + ig.__version__ + ")"
    return out


def child_views(p: dict) -> dict:
    import importlib.util

    spec = importlib.util.spec_from_file_location("views_draw", BENCH / "views_draw.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {"measured": module.measure(p["views"])}


CHILDREN = {"floor": child_floor, "store": child_store, "validate": child_validate,
            "query": child_query,
            "igraph": child_igraph, "views": child_views}


# -- RESULTS.md ---------------------------------------------------------------------------------

def machine() -> list[str]:
    from importlib import metadata

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return [f"- CPU: {cpu}, {os.cpu_count()} cores ({usable} usable)",
            f"- RAM: {ram}",
            f"- OS: {platform.platform()}",
            f"- Python: {platform.python_version()} ({sys.executable})",
            f"- Packages: {', '.join(versions)}",
            f"- Code: git {commit}; kg's modules byte-compiled first, as pip does when it "
            "installs a package (PYTHONDONTWRITEBYTECODE in the environment would otherwise "
            "make every `kg` process compile them again, while its baselines' libraries come "
            "compiled)",
            f"- Load average at the start (1/5/15 min): {load}"]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return out


def render(r: dict) -> str:
    a = r["args"]
    lines = [f"# Benchmarks (issue 9): {a.parks:,} parks, {a.companies:,} companies", "",
             f"Generated by `{r['command']}` on {r['date']} "
             f"({r['elapsed'] / 60:.1f} min). Do not edit: run it again.", "",
             "Every figure is the wall time of a whole process (start-up included), the median of "
             f"{a.repeat} run(s) with min–max when repeated; memory is the process's peak "
             "resident set. Each ratio is against a baseline measured in this same run.", ""]
    lines += ["## Machine", ""] + r["machine"] + [""]

    cold, naive, floor = r["cold"], r.get("naive"), r["floor"]
    sizes = cold["sizes"]
    lines += ["## Sizes", "",
              f"- Generated: `python benchmarks/synth.py --parks {a.parks} --companies "
              f"{a.companies} --seed {a.seed}`: {r['synth']}",
              f"- Seed files: {r['seed_files']} YAML files ({r['seed_bytes'] / 1e6:.1f} MB), "
              f"{r['source_files']} source texts",
              f"- Built: {sizes.get('entities', 0):,} entities, {sizes.get('facts', 0):,} facts, "
              f"{sizes.get('triples', 0):,} triples (kg.nt: {r['nt_bytes'] / 1e6:.1f} MB)"]
    base = r["analyze"]["baseline"]
    if "nodes" in base:
        lines.append(f"- Projected graph (simple, undirected): {base['nodes']:,} nodes, "
                     f"{base['edges']:,} edges")
    lines.append("")

    # ratios first, so the summary can list them
    summary: list[list[str]] = []

    def row(name: str, measured: str, baseline: str, ratio: float | None, bound: str = "",
            percent: bool = False) -> list[str]:
        return [measured, baseline, ratio_text(ratio, bound, percent), target_text(name),
                verdict(ratio, name, bound)]

    sections: list[str] = []
    # 1. naive
    sections += [f"## {SECTIONS[3]}", ""]
    if naive is None:
        sections += ["Not measured (--skip-naive).", ""]
        summary.append(["cold build vs naive pipeline"] + row("naive", spread(cold["wall"]),
                                                               "not measured", None))
    else:
        ratio = naive["total"].median / cold["wall"].median
        cells = row("naive", spread(cold["wall"]), spread(naive["total"]), ratio,
                    "lower" if naive["total"].note else "")
        summary.append(["cold build vs naive pipeline (naive / build)"] + cells)
        sections += table(["", "cold build", "naive pipeline", "naive / build", "target",
                           "status"], [["wall"] + cells])
        sections += ["", "Naive stages (benchmarks/naive.py, one process):", ""]
        stage_rows = []
        for stage, fig in naive["stages"].items():
            counted = "yes" if stage in naive["counted"] else "no (project code, its input)"
            stage_rows.append([stage, spread(fig), counted, naive["details"].get(stage, "")])
        sections += table(["stage", "time", "in the total", "detail"], stage_rows)
        sections += ["", f"Peak memory: cold build {spread(cold['rss'], mib)}, naive pipeline "
                         f"{spread(naive['rss'], mib)}. CPU time of the cold build: "
                         f"{spread(cold['cpu'])}.", ""]
        naive_steps = [(s, f.median) for s, f in naive["stages"].items()
                       if f and s in naive["counted"]]
        sections += [f"What dominates the naive pipeline: {dominates(naive_steps)}.", ""]
    sections += ["Cold build steps (its `-v` progress, first run):", ""]
    sections += table(["step", "time", "share"],
                      [[n, secs(s), f"{s / cold['first']:.0%}"] for n, s in cold["steps"]])
    sections += ["", f"What dominates the cold build: {dominates(cold['steps'], cold['first'])}.",
                 ""]

    # 2. floor
    ratio = cold["wall"].median / floor["total"].median
    cells = row("floor", spread(cold["wall"]), spread(floor["total"]), ratio)
    summary.append(["cold build vs floor (build / floor)"] + cells)
    sections += [f"## {SECTIONS[4]}", ""]
    sections += table(["", "cold build", "floor", "build / floor", "target", "status"],
                      [["wall"] + cells])
    parts = floor["parts"]
    names = {"yaml_load": "yaml.load, CSafeLoader", "yaml_compose": "yaml.compose, CSafeLoader",
             "load": "Oxigraph bulk_load of kg.nt (in memory)",
             "dump_ttl": "Oxigraph dump to Turtle", "dump_nt": "Oxigraph dump to N-Triples"}
    floor_rows = [["process start-up (`python -c \"import yaml, pyoxigraph\"`)",
                   spread(r["start_floor"])]]
    floor_rows += [[names[k], spread(parts[k])] for k in names if k in parts]
    sections += ["", "The floor is start-up + the faster of the two YAML parses + load + both "
                     "dumps:", ""]
    sections += table(["part", "time"], floor_rows)
    floor_steps = [(names[k], parts[k].median) for k in ("load", "dump_ttl", "dump_nt")]
    floor_steps.append(("YAML", min(parts["yaml_load"].median, parts["yaml_compose"].median)))
    sections += ["", f"What dominates the floor: {dominates(floor_steps)}.", ""]

    # 3. rebuild
    rb = r["rebuild"]
    ratio = rb["wall"].median / cold["first"]
    cells = row("rebuild", spread(rb["wall"]), secs(cold["first"]), ratio, percent=True)
    summary.append(["rebuild after one seed file (rebuild / cold)"] + cells)
    sections += [f"## {SECTIONS[5]}", "",
                 "The first cold build's project (cold-1) is rebuilt into the same exports/ "
                 "after each change below (one file each time), with the cache it left; the "
                 "baseline is that cold build. Median of all cold builds: "
                 f"{spread(cold['wall'])}.", ""]
    sections += table(["", "rebuild", "cold build (same folder)", "rebuild / cold", "target",
                       "status"], [["wall"] + cells])
    sections += ["", "Changes:", ""] + [f"- {c}" for c in rb["changes"]] + [""]
    sections += [f"Peak memory of the rebuild: {spread(rb['rss'], mib)}"
                 + (f"; in the last rebuild {rb['peak_when']}" if rb.get("peak_when") else "")
                 + ".", ""]
    sections += [f"What dominates the rebuild (last run's `-v`): "
                 f"{dominates(rb['steps'], rb['wall'].values[-1])}.", ""]

    # 4. queries
    q = r["queries"]
    start = r["start_ox"]
    least = r.get("start_cli") or Figure()
    sections += [f"## {SECTIONS[6]}", "",
                 "`kg query NAME --format csv` in the built project, against the same bound "
                 "SPARQL on an open pyoxigraph store plus the start-up "
                 f"`python -c \"import pyoxigraph\"` ({spread(start)}). The store the target is "
                 "judged on is the one `kg query` reads: the build's embedded store "
                 "(OUT/.store, RocksDB on disk), opened read-only, the query run once untimed "
                 "before either side is timed so both find the page cache as warm. For "
                 "reference, the same query on an in-memory store loaded with the same quads "
                 "(not timed): the price of a store on disk, which no client of that store "
                 "avoids. A query is out of reach when twice its baseline is less than "
                 f"`python -c \"import click, pyoxigraph\"` ({spread(least)}), the imports a "
                 "`kg query` (a click command, as the project prescribes) cannot do without. "
                 f"A figure under {QUICK:g} s, on either side, is the median of {QUICK_RUNS} "
                 "runs at least. Parameters: "
                 + (", ".join(f"{k}={v}" for k, v in sorted(q["values"].items())) or "defaults")
                 + ".", ""]
    qrows: list[list[str]] = []
    tally = {"met": 0, "missed": 0, "undecided": 0, "not": 0}
    out_of_reach = 0
    worst: tuple[float, str] | None = None
    for name, res in sorted(q["results"].items()):
        disk, memory = res.get("disk") or Figure(), res["store"]
        if res["failed"] or not res["kg"]:
            qrows.append([name, f"failed: {res['failed']}", "–", "–", "–", "–", "–",
                          target_text("query"), "not measured"])
            tally["not"] += 1
            continue
        if res["store_failed"] or not disk:
            qrows.append([name, spread(res["kg"]), f"failed: {res['store_failed']}", "–", "–",
                          "–", str(res["rows"]), target_text("query"), "not measured"])
            tally["not"] += 1
            continue
        base_t = disk.median + start.median
        ratio = res["kg"].median / base_t
        bound = "lower" if res["kg"].note else "upper" if disk.note else ""
        status = verdict(ratio, "query", bound)
        kind = status.split(" ")[0].rstrip(":")
        tally[kind] += 1
        if kind == "missed" and least and TARGETS["query"][0] * base_t < least.median:
            out_of_reach += 1
            status += (f"; out of reach: {TARGETS['query'][0]:g} × {secs(base_t)} is less "
                       f"than importing click and pyoxigraph ({secs(least.median)})")
        if worst is None or ratio > worst[0]:
            worst = (ratio, bound)
        if res["form"] == "triples":  # kg query prints Turtle: count the store's triples
            rows_txt = f"{res['store_rows']} triples"
        elif res["rows"] is None or res["store_rows"] is None:  # one side was stopped
            rows_txt = str(res["store_rows"] if res["rows"] is None else res["rows"])
        elif res["rows"] == res["store_rows"]:
            rows_txt = str(res["rows"])
        else:
            rows_txt = f"{res['rows']} (store: {res['store_rows']})"
        disk_txt = ("> " if disk.note else "") + secs(disk.median)
        if memory:
            mem_t = memory.median + start.median
            mem_txt = ("> " if memory.note else "") + secs(memory.median) + \
                f" + {secs(start.median)}"
            mem_ratio = ratio_text(res["kg"].median / mem_t,
                                   "lower" if res["kg"].note else "upper" if memory.note else "")
        else:
            mem_txt, mem_ratio = "–", "–"
        qrows.append([name, spread(res["kg"]), f"{disk_txt} + {secs(start.median)}",
                      ratio_text(ratio, bound), mem_txt, mem_ratio, rows_txt,
                      target_text("query"), status])
    sections += table(["query", "kg query", "its store, open + start-up", "ratio",
                       "in memory + start-up", "ratio (reference)", "rows", "target",
                       "status"], qrows)
    notes = sorted({res["note"] for res in q["results"].values() if res["note"]})
    if notes:
        sections += ["", "kg query said (stderr):", ""] + [f"- {n}" for n in notes]
    if q["skipped"]:
        sections += ["", "Not run:", ""] + [f"- {k}: {v}" for k, v in sorted(q["skipped"].items())]
    measured = [x for x in q["results"].values() if x["kg"] and x.get("disk")
                and not x["kg"].note and not x["disk"].note]
    if measured:
        kg_q = statistics.median(x["kg"].median for x in measured)
        store_q = statistics.median(x["disk"].median for x in measured)
        sections += ["", f"What dominates: of a median `kg query` of {secs(kg_q)}, the query "
                         f"itself takes a median {secs(store_q)} on the open store; the rest is "
                         f"start-up (`kg --help` {spread(r['help']['kg'])}), opening the store "
                         f"and checking it is fresh, binding and printing."]
    summary.append(["named queries (kg query / store + start-up)",
                    f"{len(qrows)} queries", "per query",
                    f"worst {ratio_text(*worst)}" if worst is not None else "–",
                    target_text("query"),
                    ", ".join(f"{n} {'not measured' if k == 'not' else k}"
                              for k, n in tally.items() if n) + (
                        f" ({out_of_reach} of them out of reach: see section 4)"
                        if out_of_reach else "") or "none measured"])
    sections.append("")

    # 5. analyze
    an = r["analyze"]
    bl = an["baseline"]
    algos = bl.get("algorithms", {})
    sections += [f"## {SECTIONS[7]}", ""]
    if an["failed"] or not an["wall"] or not algos:
        why = an["failed"] or bl.get("failed") or "no baseline"
        sections += [f"Not measured: {why}", ""]
        summary.append(["kg analyze vs igraph"] + row("analyze", spread(an["wall"]), "–", None))
    else:
        base_t = sum(algos.values()) + r["start_ig"].median
        ratio = an["wall"].median / base_t
        cells = row("analyze", spread(an["wall"]),
                    f"{secs(sum(algos.values()))} + {secs(r['start_ig'].median)}", ratio)
        summary.append(["kg analyze vs igraph (analyze / igraph + start-up)"] + cells)
        sections += [f"`kg analyze` (text report) on the built project, against igraph running "
                     f"betweenness, PageRank and Leiden communities on the same projected graph "
                     f"(kg.graph.projection, made simple and undirected as kg.graph.analytics "
                     f"does; betweenness from kg's sample of sources, Leiden with kg's seed, "
                     f"since its node order changes its work; timed by {bl.get('by')}) plus "
                     f"the start-up "
                     f"`python -c \"import igraph\"` ({spread(r['start_ig'])}).", ""]
        sections += table(["", "kg analyze", "igraph + start-up", "ratio", "target", "status"],
                          [["wall"] + cells])
        parts = [["process start-up (`kg --help`)", secs(r["help"]["kg"].median)],
                 ["parse kg.ttl into Oxigraph", secs(bl.get("parse"))],
                 ["project to networkx", secs(bl.get("project"))]]
        if "convert" in bl:
            parts.append(["networkx → igraph (baseline only)", secs(bl["convert"])])
        parts += [[f"igraph {k}" + (f" ({bl['betweenness_kind']})" if k == "betweenness"
                                    and "betweenness_kind" in bl else ""), secs(v)]
                  for k, v in algos.items()]
        sections += ["", "Parts (the start-up from section 7, the rest measured in the "
                         "baseline's process):", ""]
        sections += table(["part", "time"], parts)
        if bl.get("helper_failed"):
            sections += ["", f"The igraph engine's measure() failed, so run.py timed igraph "
                             f"itself: {bl['helper_failed']}"]
        known = r["help"]["kg"].median + (bl.get("parse") or 0) + (bl.get("project") or 0)
        rest = an["wall"].median - known
        sections += ["", "What dominates `kg analyze`: " + dominates(
            [("start-up", r["help"]["kg"].median), ("parsing kg.ttl", bl.get("parse") or 0),
             ("projection", bl.get("project") or 0),
             ("algorithms, coverage and the report (the rest)", max(rest, 0.0))],
            an["wall"].median) + f". Peak memory: {spread(an['rss'], mib)}."]
    sections.append("")

    # 6. memory
    mem = r["memory"]
    sections += [f"## {SECTIONS[8]}", ""]
    if mem["store"]:
        ratio = cold["rss"].median / mem["store"].median
        cells = row("memory", spread(cold["rss"], mib), spread(mem["store"], mib), ratio)
        summary.append(["peak memory (build / pyoxigraph store)"] + cells)
        sections += ["Peak resident set of the cold build against a process that loads kg.nt "
                     "into `pyoxigraph.Store()` (in memory) and nothing else.", ""]
        sections += table(["", "cold build", "pyoxigraph store", "build / store", "target",
                           "status"], [["peak RSS"] + cells])
        if cold.get("peak_when"):
            sections += ["", f"When, in the first cold build: {cold['peak_when']}."]
        if mem.get("validation"):
            alone = mem["validation"].median
            sections += ["", f"The build's SHACL engine alone, kg.rdf.shacl_lines validating "
                             f"kg.nt in a process that does nothing else (`kg.rdf.validate."
                             f"validate_ntriples`, {spread(mem['validation_wall'])}), peaks at "
                             f"{mib(alone)}: {alone / mem['store'].median:.2f}× the store."]
            if mem.get("turbo"):
                turbo = mem["turbo"].median
                sections[-1] += (f" pyshacl-turbo, which the build ran before, peaks at "
                                 f"{mib(turbo)} ({turbo / mem['store'].median:.2f}× the store) "
                                 f"in {spread(mem['turbo_wall'])}.")
    else:
        sections += ["Not measured: the pyoxigraph store process failed."]
        summary.append(["peak memory"] + row("memory", spread(cold["rss"], mib), "–", None))
    sections.append("")

    # 7. help
    hp = r["help"]
    sections += [f"## {SECTIONS[9]}", ""]
    ratio = hp["kg"].median / hp["click"].median if hp["kg"] and hp["click"] else None
    cells = row("help", spread(hp["kg"]), spread(hp["click"]), ratio)
    summary.append(["kg --help (kg --help / import click)"] + cells)
    sections += table(["", "kg --help", "python -c \"import click\"", "ratio", "target",
                       "status"], [["wall"] + cells])
    sections.append("")

    # 8. views
    vw = r["views"]
    sections += [f"## {SECTIONS[10]}", ""]
    if vw["failed"]:
        sections += [f"`kg viz` failed: {vw['failed']}"]
    else:
        sections += [f"`kg viz` on the built project: {spread(vw['wall'])}.", ""]
        sections += table(["page", "size"], [[n, f"{s / 1e6:.2f} MB"] for n, s in
                                             vw["pages"].items()])
    sections.append("")
    if vw["drawn"] is not None:
        sections += ["Drawing in headless Chromium (benchmarks/views_draw.py):", ""]
        sections += drawn_table(vw["drawn"])
    if vw["note"]:
        sections += [vw["note"][0].upper() + vw["note"][1:] + "."]
    sections.append("")

    lines += ["## Summary", ""]
    lines += table(["target", "measured", "baseline", "ratio", "target", "status"],
                   [[s[0]] + s[1:] for s in summary])
    lines += [""] + sections
    lines += [f"## {SECTIONS[11]}", "",
              "- Each `kg` command runs as `python -m kg` with this checkout first on "
              "PYTHONPATH, its own XDG_CACHE_HOME per project, and no KG_PROJECT. Times are "
              "wall-clock from start to exit; CPU counts its child processes too; peak memory is "
              "the larger of its ru_maxrss (wait4: the largest one process) and the sum of the "
              "resident sets of its process tree (it and its workers), sampled every 0.1 s.",
              "- Cold build: `kg build --seeds seeds --out exports -v` in a fresh folder holding "
              "a copy of the seeds (a project), the exports folder empty; the `-v` progress only "
              "adds a few lines on stderr.",
              "- Naive pipeline: benchmarks/naive.py. Its input, the triples, comes from the "
              "project's own loader and mapping; that stage is timed but not in the naive total, "
              "so the naive figure is smaller than a real naive pipeline's. A stage cut off at "
              f"--naive-timeout ({a.naive_timeout:g} s) shows as '> N s (stopped)', and the "
              "total is then a lower bound; nothing is extrapolated.",
              "- Floor: the faster of yaml.load and yaml.compose with CSafeLoader on every seed "
              "file, Oxigraph bulk-loading the build's kg.nt and dumping Turtle and N-Triples, "
              "plus the start-up of `python -c \"import yaml, pyoxigraph\"`.",
              "- Rebuild: one quote shortened by its last character (it stays verbatim in the "
              "source), one file per rebuild.",
              "- igraph baseline: each algorithm's median of three calls, with "
              "OMP_NUM_THREADS=1 (with the default OpenMP threads, PageRank took about 1 s "
              "instead of 2 ms on a busy 2-core machine).",
              "- Queries: parameters chosen from the seeds (the shipped defaults name the "
              "bundled page's entities). The baseline binds the same parameters with the "
              "project's code, untimed.",
              f"- Repeats: {a.repeat} for every figure, {a.naive_repeat} for the naive pipeline; "
              f"{max(a.repeat, 5)} for the start-up figures.", ""]
    return "\n".join(lines)


def drawn_table(drawn) -> list[str]:
    """Whatever views_draw.measure returned: a dict or list of records, as a table."""
    records: list[dict] = []
    if isinstance(drawn, dict):
        for k, v in drawn.items():
            records.append({"view": k, **v} if isinstance(v, dict) else {"view": k, "value": v})
    elif isinstance(drawn, list):
        records = [d if isinstance(d, dict) else {"value": d} for d in drawn]
    if not records:
        return [f"`{drawn!r}`", ""]
    keys = list(dict.fromkeys(k for rec in records for k in rec))

    def cell(v) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)
    return table(keys, [[cell(rec.get(k, "")) for k in keys] for rec in records]) + [""]


# -- main ---------------------------------------------------------------------------------------

def inside_project(folder: Path) -> Path | None:
    """The kg project holding `folder`, if any; a work folder's own seeds, which an earlier
    run generated there (and recorded in seeds.json), do not make it one."""
    own = [folder] if (folder / "seeds.json").is_file() else []
    for parent in [folder, *folder.parents]:
        if parent not in own and (parent / "seeds" / "sources.yaml").is_file():
            return parent
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(CHILDREN[argv[1]](json.loads(argv[2])), default=str), flush=True)
        os._exit(0)  # a query stopped at its limit may still be running in its thread
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parks", type=int, default=200)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1, help="synth.py's random seed")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (median reported)")
    ap.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    ap.add_argument("--work", type=Path,
                    help="folder for seeds and builds, kept afterwards (default: a temporary "
                         "folder, removed); seeds generated there are reused by the next run")
    ap.add_argument("--skip-naive", action="store_true", help="do not run the naive pipeline")
    ap.add_argument("--naive-timeout", type=float, default=1800.0, metavar="SECONDS",
                    help="each naive stage is stopped after this long and shown as '> N s'")
    ap.add_argument("--naive-skip", action="append", default=[], metavar="STAGE",
                    choices=["yaml", "triples", "graph_add", "turtle", "shacl"],
                    help="a naive stage not to run (repeatable; the total is then a lower bound)")
    ap.add_argument("--query-timeout", type=float, default=600.0, metavar="SECONDS",
                    help="a query (through kg, or on the store) is stopped after this long")
    ap.add_argument("--naive-repeat", type=int, default=1,
                    help="runs of the naive pipeline (slow: default 1)")
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.naive_repeat < 1:
        ap.error("--repeat and --naive-repeat must be at least 1")
    began = time.perf_counter()
    compileall.compile_dir(str(ROOT / "kg"), quiet=1)  # see machine()
    temporary = args.work is None
    work = Path(tempfile.mkdtemp(prefix="kg-bench-")) if temporary else args.work.resolve()
    project = inside_project(work)
    if project is not None:  # checked before anything is made there
        raise SystemExit(f"run.py: {work} is inside the kg project {project}; give a --work "
                         "folder outside any project, so no build touches its files")
    work.mkdir(parents=True, exist_ok=True)
    try:
        say(f"synthetic province: {args.parks} parks, {args.companies} companies in {work}/seeds")
        seeds, synth = generate(work, args.parks, args.companies, args.seed)
        r: dict = {"args": args, "synth": synth, "date": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                        time.gmtime()),
                   "machine": machine()}
        ours = ["--parks", str(args.parks), "--companies", str(args.companies),
                "--repeat", str(args.repeat)] + argv_extra(args)
        r["command"] = "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in ours)
        yamls = sorted(seeds.rglob("*.yaml"))
        r["seed_files"], r["seed_bytes"] = len(yamls), sum(f.stat().st_size for f in yamls)
        r["source_files"] = len(list((seeds / "sources").glob("*"))) if (seeds / "sources").is_dir() else 0
        starts = max(args.repeat, 5)
        r["cold"] = measure_cold(work, seeds, args.repeat)
        cold_project = r["cold"]["project"]
        nt = cold_project / "exports" / "kg.nt"
        r["nt_bytes"] = nt.stat().st_size
        r["naive"] = None if args.skip_naive else measure_naive(
            work, seeds, nt, args.naive_repeat, args.naive_timeout, args.naive_skip)
        r["start_floor"] = startup("import yaml, pyoxigraph", starts, work)
        r["start_ox"] = startup("import pyoxigraph", starts, work)
        # what any `kg query` imports before it can ask: the least a query through kg can take
        r["start_cli"] = startup("import click, pyoxigraph", starts, work)
        r["start_ig"] = startup("import igraph", starts, work)
        r["floor"] = measure_floor(work, seeds, nt, args.repeat, r["start_floor"])
        r["memory"] = measure_memory(work, nt, args.repeat)
        r["help"] = measure_help(work, starts)
        r["queries"] = measure_queries(cold_project, seeds, args.repeat, args.query_timeout)
        r["analyze"] = measure_analyze(cold_project, args.repeat)
        r["views"] = measure_views(cold_project, 1)
        r["rebuild"] = measure_rebuild(cold_project, args.repeat)  # last: it edits cold-1's seeds
        r["elapsed"] = time.perf_counter() - began
        r["machine"].append("- Load average at the end: "
                            + " / ".join(f"{x:.2f}" for x in os.getloadavg())
                            + " (other work on the machine slows the figures down)")
        text = render(r)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        say(f"wrote {args.out} in {r['elapsed'] / 60:.1f} min")
    finally:
        if temporary:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def argv_extra(args) -> list[str]:
    """The options given beyond size and repeats, for the command line shown in RESULTS.md."""
    extra = []
    if args.seed != 1:
        extra += ["--seed", str(args.seed)]
    if args.skip_naive:
        extra.append("--skip-naive")
    if args.naive_timeout != 1800.0:
        extra += ["--naive-timeout", f"{args.naive_timeout:g}"]
    for s in args.naive_skip:
        extra += ["--naive-skip", s]
    if args.naive_repeat != 1:
        extra += ["--naive-repeat", str(args.naive_repeat)]
    return extra


if __name__ == "__main__":
    sys.exit(main())
