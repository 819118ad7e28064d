"""benchmarks/synth.py: a synthetic seed tree that the loader and the shapes accept, the same bytes
for the same seed, using every kind of fact the real seeds use."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import ONTOLOGY, load_synth
from kg.build import build
from kg.cli import main
from kg.seeds.loader import load_seeds


synth = load_synth()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "seeds"
    synth.generate(parks=3, companies=64, out=out, seed=7)
    return out


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_small_tree_checks_and_builds_with_shapes(small, tmp_path):
    result = CliRunner().invoke(main, ["check", "--seeds", str(small)])
    assert result.exit_code == 0, result.output
    built = build(small, tmp_path / "out", ONTOLOGY, validate=True)
    assert built is not None
    assert (tmp_path / "out" / "kg.ttl").stat().st_size > 0


def test_an_independent_generator_s_tree_checks_and_builds_with_shapes(tmp_path):
    """benchmarks/synth_independent.py, written from seeds/README.md alone: another shape
    (nested sub-parks, tables as sources in three encodings, flow and block YAML, entities and
    their facts in different files), the same schema."""
    independent = load_synth("synth_independent")
    for out in (tmp_path / "a", tmp_path / "b"):
        generator = independent.Gen(200, 6, 1)
        generator.run()
        generator.write(out)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    result = CliRunner().invoke(main, ["check", "--seeds", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    built = build(tmp_path / "a", tmp_path / "out", ONTOLOGY, validate=True)
    assert built.entities > 300 and built.facts > 1000
    assert any(p.suffix == ".csv" for p in (tmp_path / "a" / "sources").iterdir())


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    synth.generate(3, 60, tmp_path / "a", seed=3)
    synth.generate(3, 60, tmp_path / "b", seed=3)
    synth.generate(3, 60, tmp_path / "c", seed=4)
    a = _tree(tmp_path / "a")
    assert a == _tree(tmp_path / "b")
    assert a != _tree(tmp_path / "c")


def test_tree_uses_what_real_seeds_use(small):
    seeds = load_seeds(small)
    types = Counter(e.type for e in seeds.entities.values())
    assert types["Park"] > 3 and types["Company"] == 64  # sub-parks are Parks too
    assert types["Product"] and types["ChainSegment"] and types["HonourList"]
    rels = Counter(f.relation for f in seeds.facts)
    assert rels["partOf"] and rels["developsChain"] and rels["inSegment"] and rels["makes"]
    assert rels["appliedIn"] and rels["partner"] and rels["listOf"] and rels["administers"]
    chains = [e for e in seeds.entities.values() if e.type == "IndustryChain"]
    assert chains and all(len(c.segments) >= 4 for c in chains)
    honours = [f for f in seeds.facts if f.relation == "hasHonour"]
    assert honours and all({"year", "batch", "awarded_by", "list"} <= f.qualifiers.keys()
                           for f in honours)
    approx = {f.quantity.qualifier for f in seeds.facts if f.quantity}
    assert {"more-than", "or-more", "about"} <= approx
    assert any(f.quantity and f.qualifiers.get("as_of") for f in seeds.facts)
    assert len(seeds.files) >= 3 and len(seeds.pages) >= 2
    # obviously synthetic names, never a real firm's
    assert all("合成" in e.label for e in seeds.entities.values())


@pytest.mark.slow
def test_default_size_spreads_over_about_100_files_under_the_limit(tmp_path):
    # loading it all takes minutes (kg check: ~160 s); the small tree proves the shape is valid
    counts = synth.generate(200, 100_000, tmp_path / "big", seed=1)
    assert 95 <= counts["files"] <= 110 and counts["companies"] == 100_000
    sizes = [p.stat().st_size for p in (tmp_path / "big").glob("*.yaml")]
    assert max(sizes) < synth.MAX_SEED_BYTES


def test_few_parks_many_companies_still_fit_the_limit(tmp_path):
    # companies, not parks, set the number of files
    synth.generate(2, 3000, tmp_path / "skew", seed=1)
    files = list((tmp_path / "skew").glob("*.yaml"))
    assert len(files) >= 4 and max(p.stat().st_size for p in files) < synth.MAX_SEED_BYTES


def test_refuses_a_folder_that_already_holds_seeds(small):
    with pytest.raises(ValueError, match="already holds seeds"):
        synth.generate(3, 64, small, seed=7)
