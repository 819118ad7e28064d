"""A rebuild from the changed seeds files (kg.filewise) gives what reading every file gives.

Random edits of the page's seeds, one or more files at a time: a quote cut short, a fact
removed or moved to another file, a label changed, an entity moved to a new file, a file
removed. After each, `filewise.rebuild` from the last record must give kg.nt, kg.trig, the
counts and the next record exactly as a build that reads every file, or give up (None); it
must give up whenever reading every file finds a problem; and it must not give up on a quote
cut short in one file, the edit it is there for. The build itself is held to a cold build
byte for byte, through the CLI, in test_rebuild-style runs at the end.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml

from kg import code, filewise
from kg.errors import InputError
from kg.rdf.export import ntriples, trig
from kg.rdf.mapping import DEFAULT_BASE, map_seeds
from kg.rdf.store import seeds_digests, trig_graphs
from kg.seeds.loader import load_seeds, seed_files

from click.testing import CliRunner

from helpers import ONTOLOGY, SEEDS, nudge
from kg.cli import main


class Build:
    """What a build that read every file made of a seeds folder, or its problems."""

    def __init__(self, seeds: Path):
        self.files = seeds_digests(seeds)[1]
        try:
            loaded = load_seeds(seeds)
        except InputError as exc:
            self.problems: list | None = exc.problems
            return
        self.problems = None
        mapped = map_seeds(loaded)
        self.nt = ntriples(mapped.triples())
        self.trig = trig(mapped.quads())
        record = filewise.record_of(loaded, mapped.shared, self.files, code.version().hex(),
                                    DEFAULT_BASE)
        assert record is not None
        self.record = record
        self.copies = {f.name: f.read_bytes() for f in seed_files(seeds)}


def rebuilt(seeds: Path, last: Build, reasons: list[str] | None = None
            ) -> filewise.Rebuilt | None:
    """The rebuild of `seeds` from `last`; when it gives up it says why, into `reasons`."""
    said: list[str] = []
    made = filewise.rebuild(seeds, last.record, seeds_digests(seeds)[1], last.copies.get,
                            last.nt, last.trig, DEFAULT_BASE, code.version().hex(),
                            why=said.append)
    assert len(said) == (made is None) and all(said), said
    if reasons is not None:
        reasons += said
    return made


def sections(file: Path) -> dict:
    return yaml.safe_load(file.read_text("utf-8")) or {}


def write(file: Path, data: dict) -> None:
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def record_files(seeds: Path, section: str) -> list[Path]:
    return [f for f in seed_files(seeds) if sections(f).get(section)]


def cut_quote(seeds: Path, rng: random.Random) -> str:
    file = rng.choice(record_files(seeds, "facts") + record_files(seeds, "entities"))
    data = sections(file)
    section = rng.choice([s for s in ("facts", "entities") if data.get(s)])
    item = rng.choice(data[section])
    if len(item["quote"]) > 3:
        item["quote"] = item["quote"][:-1]
    write(file, data)
    return f"cut a quote in {file.name}"


def remove_one(seeds: Path, rng: random.Random, section: str) -> str:
    file = rng.choice(record_files(seeds, section))
    data = sections(file)
    data[section].pop(rng.randrange(len(data[section])))
    write(file, data)
    return file.name


def remove_fact(seeds: Path, rng: random.Random) -> str:
    return f"removed a fact of {remove_one(seeds, rng, 'facts')}"


def move_fact(seeds: Path, rng: random.Random) -> str:
    source = rng.choice(record_files(seeds, "facts"))
    target = rng.choice([f for f in seed_files(seeds) if f != source])
    data, other = sections(source), sections(target)
    other.setdefault("facts", []).append(data["facts"].pop(rng.randrange(len(data["facts"]))))
    write(source, data)
    write(target, other)
    return f"moved a fact from {source.name} to {target.name}"


def echo_fact(seeds: Path, rng: random.Random) -> str:
    """A fact said again for another year, in its file or another: a triple two rows give."""
    dated = [(f, i) for f in record_files(seeds, "facts")
             for i, fact in enumerate(sections(f)["facts"]) if isinstance(fact.get("year"), int)]
    if not dated:
        return "no fact with a year"
    source, at = rng.choice(dated)
    target = rng.choice([source, *seed_files(seeds)])
    fact = dict(sections(source)["facts"][at])
    fact["year"] += rng.randint(1, 3)
    other = sections(target)
    other.setdefault("facts", []).append(fact)
    write(target, other)
    return f"said a fact of {source.name} again for {fact['year']} in {target.name}"


def copy_fact(seeds: Path, rng: random.Random) -> str:
    """A fact copied as it is into another file: the loader says it is stated twice."""
    source = rng.choice(record_files(seeds, "facts"))
    target = rng.choice([f for f in seed_files(seeds) if f != source])
    other = sections(target)
    other.setdefault("facts", []).append(rng.choice(sections(source)["facts"]))
    write(target, other)
    return f"copied a fact of {source.name} into {target.name}"


def relabel(seeds: Path, rng: random.Random) -> str:
    file = rng.choice(record_files(seeds, "entities"))
    data = sections(file)
    rng.choice(data["entities"])["label"] += "甲"
    write(file, data)
    return f"changed a label in {file.name}"


def move_entity(seeds: Path, rng: random.Random) -> str:
    """An entity and the facts about it to a new file: two files change at once."""
    source = rng.choice(record_files(seeds, "entities"))
    data = sections(source)
    entity = data["entities"].pop(rng.randrange(len(data["entities"])))
    facts = [f for f in data.get("facts") or [] if f["subject"] == entity["id"]]
    data["facts"] = [f for f in data.get("facts") or [] if f["subject"] != entity["id"]]
    write(source, data)
    new = seeds / f"moved-{entity['id']}.yaml"
    write(new, {"entities": [entity], "facts": facts} if facts else {"entities": [entity]})
    return f"moved {entity['id']} from {source.name} to {new.name}"


def remove_entity(seeds: Path, rng: random.Random) -> str:
    return f"removed an entity of {remove_one(seeds, rng, 'entities')} (others may name it)"


def remove_file(seeds: Path, rng: random.Random) -> str:
    file = rng.choice([f for f in seed_files(seeds) if f.name != "sources.yaml"])
    file.unlink()
    return f"removed {file.name}"


def change_source_text(seeds: Path, rng: random.Random) -> str:
    text = rng.choice(sorted((seeds / "sources").iterdir()))
    text.write_text(text.read_text("utf-8") + "\n", "utf-8")
    return f"added a line to {text.name}"


EDITS = [cut_quote, cut_quote, cut_quote, remove_fact, move_fact, move_fact, echo_fact,
         echo_fact, copy_fact, relabel,
         move_entity, remove_entity, remove_file, change_source_text]


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_a_rebuild_from_the_changed_files_is_a_build_of_every_file(tmp_path, seed, monkeypatch):
    monkeypatch.setattr(filewise, "CHANGED_SHARE", 1.0)  # the page's files are few and large
    rng = random.Random(seed)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    last = Build(seeds)
    kept = 0
    for _round in range(12):
        before = {f: f.read_bytes() for f in seeds.rglob("*") if f.is_file()}
        said = rng.choice(EDITS)(seeds, rng)
        made = rebuilt(seeds, last)
        truth = Build(seeds)
        if truth.problems is not None:
            assert made is None, f"{said}: reading every file finds {truth.problems[0]}"
            for f in seeds.rglob("*"):  # undone: the next edit starts from seeds that build
                if f.is_file() and f not in before:
                    f.unlink()
            for f, data in before.items():
                f.write_bytes(data)
            continue
        if made is not None:
            kept += 1
            assert made.ntriples == truth.nt, said
            assert bytes(made.trig) == truth.trig, said
            prefixes, blocks = trig_graphs(truth.trig)
            assert made.prefixes == prefixes
            assert all(blocks[iri] == block for iri, block in made.graphs.items())
            assert made.record.data() == truth.record.data(), said
            assert (made.entities, made.facts) == (truth.record.entities, truth.record.fact_count)
        last = truth
    assert kept, "never rebuilt from the changed files"


def test_a_quote_cut_short_is_rebuilt_from_its_file_alone(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    rng = random.Random(7)
    for _round in range(8):
        last = Build(seeds)
        said = cut_quote(seeds, rng)
        made = rebuilt(seeds, last)
        truth = Build(seeds)
        assert made is not None, said
        assert len(made.changed) == 1
        assert (made.ntriples, bytes(made.trig)) == (truth.nt, truth.trig), said
        assert made.record.data() == truth.record.data()


def test_a_triple_two_files_give_stays_when_one_stops_giving_it(tmp_path, monkeypatch):
    """The park applies the initiative in article 1 and in article 6: one fact removed, the
    triple stays in the union (and leaves the one graph only)."""
    monkeypatch.setattr(filewise, "CHANGED_SHARE", 1.0)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    last = Build(seeds)
    file = seeds / "art1-party-meeting.yaml"
    data = sections(file)
    data["facts"] = [f for f in data["facts"] if f["relation"] != "appliesInitiative"]
    write(file, data)
    made, truth = rebuilt(seeds, last), Build(seeds)
    assert made is not None
    assert b"appliesInitiative" in truth.nt
    assert (made.ntriples, bytes(made.trig)) == (truth.nt, truth.trig)
    assert made.record.data() == truth.record.data()


def test_a_fact_stated_again_in_another_file_is_left_to_the_loader(tmp_path):
    """With a shorter quote (another statement node), and a triple two rows give already:
    only the facts' digests tell. The rebuild gives up, and reading every file says where the
    fact is stated twice."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    last = Build(seeds)
    fact = next(f for f in sections(seeds / "art6-chip-park-phase2.yaml")["facts"]
                if f["relation"] == "appliesInitiative")
    fact["quote"] = fact["quote"][:-1]
    common = sections(seeds / "common.yaml")
    common.setdefault("facts", []).append(fact)
    write(seeds / "common.yaml", common)
    reasons: list[str] = []
    assert rebuilt(seeds, last, reasons) is None
    assert reasons == ["a fact of the changed files is stated twice, or in another file too"]
    assert "the same fact is stated twice" in str(Build(seeds).problems)


def test_counts_the_rows_cannot_have_are_not_believed(tmp_path, monkeypatch):
    """The triple two files give, its counts spoilt in the record, and the edit takes a row
    of it away: the rebuild finds the counts out and gives up."""
    monkeypatch.setattr(filewise, "CHANGED_SHARE", 1.0)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    last = Build(seeds)
    [line] = last.record.shared
    last.record.shared[line] = {g: -n for g, n in last.record.shared[line].items()}
    file = seeds / "art1-party-meeting.yaml"
    data = sections(file)
    data["facts"] = [f for f in data["facts"] if f["relation"] != "appliesInitiative"]
    write(file, data)
    reasons: list[str] = []
    assert rebuilt(seeds, last, reasons) is None
    assert reasons == ["the record's counts of a triple do not add up"]


def test_an_unchanged_folder_gives_the_last_graph(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    last = Build(seeds)
    made = rebuilt(seeds, last)
    assert made is not None and made.changed == []
    assert (made.ntriples, bytes(made.trig), made.added, made.removed) == (last.nt, last.trig, [], [])


@pytest.mark.parametrize("spoil", ["copy", "record code", "digest", "base"])
def test_a_record_or_copy_not_as_written_is_not_trusted(tmp_path, spoil):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    last = Build(seeds)
    cut_quote(seeds, random.Random(1))
    changed = [n for n, d in seeds_digests(seeds)[1].items() if last.files[n] != d][0]
    base = DEFAULT_BASE
    if spoil == "copy":
        last.copies[changed] = last.copies[changed] + b"\n# edited\n"
    elif spoil == "record code":
        last.record.code = "0" * 64
    elif spoil == "digest":
        last.record.files[changed] = "0" * 64
    else:
        base = "https://example.org/other/"
    reasons: list[str] = []
    made = filewise.rebuild(seeds, last.record, seeds_digests(seeds)[1], last.copies.get,
                            last.nt, last.trig, base, code.version().hex(), why=reasons.append)
    assert made is None
    assert reasons == [{"copy": f"the last build's copy of {changed} is missing or not as it "
                                "was read",
                        "digest": f"the last build's copy of {changed} is missing or not as it "
                                  "was read"}.get(spoil, "the last build's record was made by "
                                                         "another kg or for another base IRI")]


@pytest.mark.parametrize("data", [None, [], {"format": 2}, {"format": 1, "files": []},
                                  {"format": 1, "files": {}, "ids": {"a": ["f", 3]},
                                   "facts": [], "shared": {}}])
def test_a_record_of_another_shape_is_refused(data):
    assert filewise.read_record(data) is None


def test_a_record_reads_back_as_written(tmp_path):
    import json

    last = Build(SEEDS)
    again = filewise.read_record(json.loads(last.record.data()))
    assert again is not None and again.data() == last.record.data()


def kg_build(seeds: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out),
                                     "--ontology", str(ONTOLOGY), "-v", *extra])


def exports(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()
            and not p.name.startswith(".")}


def quads(out: Path) -> set:
    from kg.rdf.store import open_read_only

    return set(open_read_only(out / ".store"))


@pytest.mark.slow
def test_kg_build_after_quote_edits_reads_the_changed_file_alone(tmp_path):
    """Through the CLI: each rebuild says it read the changed file alone, and its exports and
    store are a cold build's."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out = tmp_path / "out"
    assert kg_build(seeds, out).exit_code == 0
    rng = random.Random(3)
    for round_ in range(3):
        cut_quote(seeds, rng)
        run = kg_build(seeds, out)
        assert run.exit_code == 0, run.output
        assert "1 seeds file changed since the last build" in run.stderr
        cold = tmp_path / f"cold-{round_}"
        assert kg_build(seeds, cold, "--cold").exit_code == 0
        assert exports(out) == exports(cold)
        assert quads(out) == quads(cold)


def test_a_company_or_park_renamed_is_rebuilt_from_its_file_alone(tmp_path):
    """A company's label and English label edited: analytics.ttl never writes them, so the
    rebuild reads that file alone and keeps the analytics; a park renamed is read alone too,
    and analysed anew on the patched graph. Either way the exports and the store are a cold
    build's."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out = tmp_path / "out"
    assert kg_build(seeds, out).exit_code == 0
    for cls in ("Company", "Park"):
        file = next(f for f in record_files(seeds, "entities")
                    if any(e["type"] == cls for e in sections(f)["entities"]))
        data = sections(file)
        entity = next(e for e in data["entities"] if e["type"] == cls)
        entity["label"] += "甲"
        entity["label_en"] = (entity.get("label_en") or "") + " Renamed"
        write(file, data)
        run = kg_build(seeds, out)
        assert run.exit_code == 0, run.output
        # a park renamed: its assessments are written anew (not kept)
        renamed_company = cls == "Company"
        assert "1 seeds file changed since the last build" in run.stderr
        assert "every seeds file is read" not in run.stderr
        assert ("its analytics.ttl is kept" in run.stderr) == renamed_company, run.stderr
        assert ("analytics.ttl is made anew: what changed is read by the analytics"
                in run.stderr) != renamed_company
        cold = tmp_path / f"cold-{cls}"
        assert kg_build(seeds, cold, "--cold").exit_code == 0
        assert exports(out) == exports(cold)
        assert quads(out) == quads(cold)


@pytest.mark.slow
def test_kg_build_after_links_change_reads_the_changed_files_and_analyses_anew(tmp_path,
                                                                              monkeypatch):
    """Facts removed and moved change the links the analytics read: the rebuild
    still reads the changed files alone, computes the analytics on the patched graph, and
    writes the exports and fills the store a cold build does."""
    monkeypatch.setattr(filewise, "CHANGED_SHARE", 1.0)  # the page's files are few and large
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out = tmp_path / "out"
    assert kg_build(seeds, out).exit_code == 0
    rng = random.Random(12)
    anew = 0
    for round_, edit in enumerate([remove_fact] * 3 + [move_fact] + [remove_fact] * 3):
        said = edit(seeds, rng)
        run = kg_build(seeds, out)
        assert run.exit_code == 0, run.output
        assert "every seeds file is read" not in run.stderr, (said, run.stderr)
        anew += "analytics.ttl is made anew: what changed is read by the analytics" in run.stderr
        cold = tmp_path / f"cold-{round_}"
        assert kg_build(seeds, cold, "--cold").exit_code == 0
        assert exports(out) == exports(cold), said
        assert quads(out) == quads(cold), said
    assert anew >= 3  # many a fact is a figure, or said in a year as well: no link goes


@pytest.mark.slow
def test_kg_build_with_an_error_in_a_changed_file_reports_as_a_cold_build(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out = tmp_path / "out"
    assert kg_build(seeds, out).exit_code == 0
    file = seeds / "art2-clusters.yaml"
    text = file.read_text("utf-8")
    file.write_text(text.replace("quote: ", "quote: 不在原文", 1), "utf-8")
    run, cold = kg_build(seeds, out), kg_build(seeds, tmp_path / "cold", "--cold")
    assert run.exit_code == cold.exit_code == 2
    said = run.stderr.splitlines()
    # the same report, but the first line and the rebuild's word on why it reads every file
    assert said[1].endswith("every seeds file is read: art2-clusters.yaml has problems")
    assert said[2:] == cold.stderr.splitlines()[1:]
    assert "quote not found" in run.stderr


@pytest.mark.parametrize("spoil", ["record", "copy"])
def test_kg_build_does_not_use_a_record_or_copy_changed_since(tmp_path, monkeypatch, spoil):
    """The manifest holds the record's sha256, the record each copy's: an edited record or
    copy makes the next build read every file, and it builds what a cold build builds."""
    monkeypatch.setattr(filewise, "CHANGED_SHARE", 1.0)
    seeds, out = tmp_path / "seeds", tmp_path / "out"
    shutil.copytree(SEEDS, seeds)
    assert kg_build(seeds, out).exit_code == 0
    [place] = (out / ".store").glob(f"*/{filewise.FOLDER}")
    rng = random.Random(5)
    said = cut_quote(seeds, rng)
    name = said.rsplit(" ", 1)[1]
    if spoil == "record":  # still a record, with another count of entities
        import json

        record = json.loads((place / filewise.RECORD).read_bytes())
        record["entities"] += 1
        (place / filewise.RECORD).write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    else:
        copy = place / filewise.COPIES / name
        copy.write_bytes(copy.read_bytes() + b"\n# edited\n")
    run = kg_build(seeds, out)
    assert run.exit_code == 0, run.output
    assert "seeds file changed since the last build" not in run.stderr
    assert "every seeds file is read: " + {
        "record": "the last build's record of its seeds files is not as it was written",
        "copy": f"the last build's copy of {name} is missing or not as it was read"}[spoil] \
        in run.stderr
    assert kg_build(seeds, tmp_path / "cold", "--cold").exit_code == 0
    assert exports(out) == exports(tmp_path / "cold")
    nudge(seeds)
    again = kg_build(seeds, out)  # the record this build kept is used
    assert "1 seeds file changed since the last build" in again.stderr
