"""Seeds parsed in part by a second process (kg/seeds/beside.py) load exactly as in one:
the same records, the same problems at the same places, and a worker that dies costs time only.
The worker is the real one (`python -m kg.seeds.beside`); MIN_BYTES is lowered so small seeds
take that path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import SEEDS, load_synth
from kg.errors import InputError
from kg.rdf.export import ntriples
from kg.rdf.mapping import map_seeds
from kg.seeds import beside
from kg.seeds.loader import _Checker, load_seeds, seed_files
from test_seeds_cyaml import dump


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "seeds"
    load_synth().generate(parks=4, companies=300, out=out, seed=3)
    return out


def loaded(root: Path, monkeypatch, min_bytes: int):
    """load_seeds of `root`, and what it reports when it fails, with the worker from
    `min_bytes` of seeds on."""
    monkeypatch.setattr(beside, "MIN_BYTES", min_bytes)
    try:
        seeds = load_seeds(root)
    except InputError as exc:
        return None, exc.problems
    return seeds, []


def as_built(seeds) -> tuple:
    """What a build takes from loaded seeds: the graph's triples, the files read, their digests."""
    return ntriples(map_seeds(seeds).triples()), seeds.files, seeds.digests


@pytest.mark.parametrize("name", ["project", "province"])
def test_seeds_load_the_same_with_the_worker(name, province, monkeypatch):
    root = SEEDS if name == "project" else province
    one, _ = loaded(root, monkeypatch, 1 << 60)
    two, _ = loaded(root, monkeypatch, 0)
    assert one is not None and two is not None
    assert as_built(two) == as_built(one)


def test_the_worker_answers_its_files_as_they_read_here(province):
    """Every file given to the worker comes back as this process reads it: the same marked
    tree, problems, digests; none falls back to being read here."""
    files = seed_files(province)
    given = beside.shares(files, {f: f.stat().st_size for f in files})
    assert given and len(given) < len(files)
    worker = beside.Beside(province, given)
    try:
        for file in given:
            answer = worker.get(file)
            assert answer is not None
            data, problems, unreadable, digests = answer()
            here = _Checker(province)
            assert dump(data) == dump(here.read_file(file))
            assert (problems, unreadable, digests) == (here.problems, here.unreadable,
                                                       here.digests)
        assert not worker.failed and not worker.expected
    finally:
        worker.close()


def spoil(root: Path) -> None:
    """Problems in files parsed on both sides (sources.yaml and page 1 here; synth-common and
    page 2 by the worker): an unknown key, an unknown type, an id defined in two files, and
    broken YAML (a problem of the parse itself, made by the worker)."""
    def edit(name: str, old: str, new: str) -> None:
        file = root / name
        text = file.read_text(encoding="utf-8")
        assert old in text, (name, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("synth-common.yaml", "label:", "lable:")
    edit("synth-page-001.yaml", 'type: "Company"', 'type: "Compny"')
    page_one = (root / "synth-page-001.yaml").read_text(encoding="utf-8")
    taken = page_one.rsplit("{id: synth-co-", 1)[1].split(",", 1)[0]
    edit("synth-page-001.yaml", f"{{id: synth-co-{taken},", "{id: synth-body-city,")
    edit("synth-page-002.yaml", "entities:\n", "entities:\n  - {id: [unclosed\n")


def test_problems_are_the_same_with_the_worker(province, tmp_path, monkeypatch):
    root = tmp_path / "seeds"
    shutil.copytree(province, root)
    spoil(root)
    one, problems_one = loaded(root, monkeypatch, 1 << 60)
    two, problems_two = loaded(root, monkeypatch, 0)
    assert one is None and two is None
    assert len(problems_one) > 3
    assert any("synth-page-002.yaml" in p.path and "YAML syntax" in p.message
               for p in problems_one)
    assert problems_two == problems_one


def test_a_worker_that_dies_costs_time_only(province, monkeypatch):
    one, _ = loaded(province, monkeypatch, 1 << 60)
    monkeypatch.setenv(beside.TEST, "crash")
    files = seed_files(province)
    with beside.parsed_beside(province, files) as worker:
        assert isinstance(worker, beside.Beside)
        taken = [answer() for f in files if (answer := worker.get(f)) is not None]
        assert taken and all(answer is None for answer in taken) and worker.failed
    two, _ = loaded(province, monkeypatch, 0)
    assert one is not None and two is not None
    assert as_built(two) == as_built(one)


def test_small_seeds_are_read_in_one_process(monkeypatch):
    monkeypatch.delenv(beside.TEST, raising=False)
    with beside.parsed_beside(SEEDS, seed_files(SEEDS)) as worker:
        assert worker == {}


def test_loaded_seeds_hold_no_marks_once_checked(province):
    """Where each value stood serves the checks alone: the records come back without it, so
    its memory (half of theirs) goes before the mapping."""
    seeds = load_seeds(province)
    records = [*seeds.entities.values(), *seeds.facts, *seeds.tables.values()]
    assert records and all(record.marks is None for record in records)
