"""A rebuild validates only what changed since the build it replaces, and publishes the same
bytes a cold build would."""

from __future__ import annotations

import json
import os
import shutil
from time import time_ns

from click.testing import CliRunner

from helpers import EXPORTS, ONTOLOGY, SEEDS, nudge, ontology_with
from kg.cli import main
from kg.rdf.store import read_manifest

CHANGE = ("    quote: 于2011年落户丽水经开区\n", "    quote: 2011年落户丽水经开区\n")
KEPT = "its analytics.ttl is kept"
UNPROJECTED = "nothing analytics.ttl reads changed since the last build"
PROJECTED = "the projected graph is as the last build's"
UPDATED = "updating a copy of the last build's store"
PATCHED = "kg.ttl, kg.jsonld: the last build's, patched where triples changed"
EVERY_FILE = "every seeds file is read: "


def _run(seeds, out, *extra, ontology=ONTOLOGY):
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out),
                                       "--ontology", str(ontology), "-v", *extra])
    assert result.exit_code == 0, result.output
    return result


def _build(seeds, out, *extra):
    return _run(seeds, out, *extra).stderr


def _exports(out) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()
            and not p.name.startswith(".")}


def _quads(out) -> set:
    from kg.rdf.store import open_read_only

    return set(open_read_only(out / ".store"))


def _edit(seeds):
    facts = seeds / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert CHANGE[0] in text
    facts.write_text(text.replace(*CHANGE), encoding="utf-8")


def test_a_rebuild_validates_the_change_and_writes_what_a_cold_build_writes(mini_seeds, tmp_path):
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    first = _build(mini_seeds, warm)
    assert "validating" in first and "they touch" not in first  # nothing to compare with
    assert EVERY_FILE not in first  # nor a word on why: a first build reads every file
    _edit(mini_seeds)
    again = _build(mini_seeds, warm)
    # The quote is part of the fact's statement IRI: its 7 triples go, 7 come under a new IRI;
    # the nodes to judge are the two statements and what they point at.
    assert "7 triples added and 7 removed since the last build: validating the 7 nodes " \
           "they touch" in again, again
    assert KEPT in again  # a quote's edit leaves the projection, and the scores, as they were
    assert UNPROJECTED in again  # told from the change: the graph is not projected
    assert UPDATED in again  # and the store is the last one's with the change applied
    assert PATCHED in again  # and kg.jsonld the last one's with the two statements' lines new
    cold_said = _build(mini_seeds, cold)
    assert KEPT not in cold_said and UPDATED not in cold_said and PATCHED not in cold_said
    assert _exports(warm) == _exports(cold)
    assert _quads(warm) == _quads(cold)
    # the updated store's count, taken from the last one's, is what the cold build counted
    assert read_manifest(warm / ".store").quads == read_manifest(cold / ".store").quads \
        == len(_quads(cold))
    nudge(mini_seeds)  # a comment more: read, and nothing of the graph changed
    unchanged = _build(mini_seeds, warm)
    assert "0 triples added and 0 removed" in unchanged and "the 0 nodes" in unchanged


def test_cold_no_trusted_previous_build_or_other_shapes_validate_everything(mini_seeds, tmp_path):
    out = tmp_path / "out"
    _build(mini_seeds, out, "--no-validate")
    assert "they touch" not in _build(mini_seeds, out)  # the last build was not validated
    nudge(mini_seeds)
    assert "they touch" in _build(mini_seeds, out)
    assert "they touch" not in _build(mini_seeds, out, "--cold")
    # kg.nt edited after it was published: not the file the manifest records
    nt = out / "kg.nt"
    nt.write_bytes(nt.read_bytes())
    os.utime(nt, ns=(1, 1))
    nudge(mini_seeds)
    assert "they touch" not in _build(mini_seeds, out)
    # other shapes: the previous verdict says nothing about them
    shapes = tmp_path / "ontology"
    shapes.mkdir()
    for name in ("ipk.ttl", "shapes.ttl"):
        (shapes / name).write_bytes((ONTOLOGY / name).read_bytes() + b"\n# edited\n")
    result = CliRunner().invoke(main, ["build", "--seeds", str(mini_seeds), "--out", str(out),
                                       "--ontology", str(shapes), "-v"])
    assert result.exit_code == 0 and "they touch" not in result.stderr


def test_the_manifest_says_what_validated_the_build(mini_seeds, tmp_path):
    import json

    out = tmp_path / "out"
    _build(mini_seeds, out, "--no-validate")
    assert json.loads((out / ".store.json").read_text())["validated"] == ""
    _build(mini_seeds, out)
    assert len(json.loads((out / ".store.json").read_text())["validated"]) == 64


def test_analytics_are_made_anew_when_the_graph_or_the_code_changed(mini_seeds, tmp_path,
                                                                     monkeypatch):
    from kg import code

    warm, cold = tmp_path / "warm", tmp_path / "cold"
    _build(mini_seeds, warm)
    facts = mini_seeds / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    first = text.index("\n  - subject:")  # drop the first fact: an edge of the projection goes
    facts.write_text(text[:first + 1] + text[text.index("\n  - subject:", first + 1) + 1:],
                     encoding="utf-8")
    said = _build(mini_seeds, warm)
    assert KEPT not in said and UPDATED not in said  # other scores: the store is filled anew
    assert EVERY_FILE + "more than 25% of the seeds' YAML bytes changed (facts.yaml)" in said
    assert PATCHED in said  # a statement's line gone, and its subject's and object's changed
    _build(mini_seeds, cold, "--cold")
    assert _exports(warm) == _exports(cold)
    assert _quads(warm) == _quads(cold)
    nudge(mini_seeds)
    assert UNPROJECTED in _build(mini_seeds, warm)
    assert KEPT not in _build(mini_seeds, warm, "--cold")
    # not told from the change: the projection is made, and its key compared
    monkeypatch.setattr("kg.build.unread_by_analytics", lambda *_: False)
    nudge(mini_seeds)
    assert PROJECTED in _build(mini_seeds, warm)
    monkeypatch.undo()
    # another kg (its sources changed): the scores are computed again, the files written anew
    monkeypatch.setattr(code, "version", lambda: b"another kg")
    said = _build(mini_seeds, warm)
    assert KEPT not in said and PATCHED not in said
    assert EVERY_FILE + "another version of kg made the last build" in said
    # analytics.ttl edited after it was published: not the file the manifest records
    nudge(mini_seeds)
    assert KEPT in _build(mini_seeds, warm)
    analytics = warm / "analytics.ttl"
    analytics.write_bytes(analytics.read_bytes().replace(b"0.", b"9."))
    said = _build(mini_seeds, warm)
    assert KEPT not in said and EVERY_FILE not in said  # made anew, from the patched kg.nt
    assert "analytics.ttl is made anew: the last analytics.ttl is not the file published" in said
    assert _exports(warm) == _exports(cold)
    assert _exports(warm)["analytics.ttl"] == _exports(cold)["analytics.ttl"]


def test_the_analytics_do_not_depend_on_provenance_or_company_names(built):
    """What analytics_key leaves out (quotes, sources, statement IRIs, the names of companies)
    does not change the analytics of the real graph: scores.PROVENANCE and the NAMES of
    projection.NAMES_UNREAD classes are safe to leave out; a park's name is not."""
    import pyoxigraph as ox

    from kg.graph.analytics import analyze
    from kg.graph.projection import project
    from kg.graph.projection import NAMES_UNREAD
    from kg.graph.scores import PROVENANCE, analytics_key, analytics_turtle

    store = ox.Store()
    store.bulk_load(path=str(built / "kg.nt"), format=ox.RdfFormat.N_TRIPLES)
    g = project(store)
    base = "https://w3id.org/industrial-park-kg/id/"
    key, ttl = analytics_key(g, base), analytics_turtle(g, analyze(g), base)
    assert ttl == (built / "analytics.ttl").read_bytes()
    changed = 0
    for _n, data in g.nodes(data=True):
        for name in PROVENANCE:
            if name in data:
                data[name], changed = f"other {data[name]}", changed + 1
    for _u, _v, data in g.edges(data=True):
        for name in PROVENANCE:
            if name in data:
                data[name], changed = f"other {data[name]}", changed + 1
    renamed = 0
    for _n, data in g.nodes(data=True):
        if data["cls"] in NAMES_UNREAD:
            data.update(label="改名", label_en="Renamed", aliases=["别称"])
            renamed += 1
    assert changed > 500 and renamed > 60
    assert analytics_key(g, base) == key
    assert analytics_turtle(g, analyze(g), base) == ttl
    park = analyze(g)["chains"][0]["park"]
    g.nodes[park]["label"] = "改名"  # a park's name is written into its assessments
    assert analytics_key(g, base) != key and analytics_turtle(g, analyze(g), base) != ttl
    some_edge = next(iter(g.edges(data=True)))[2]
    some_edge["year"] = 1900
    assert analytics_key(g, base) != key
    assert analytics_key(g, "http://example.org/") != analytics_key(g, base)


def test_a_store_updated_by_its_delta_holds_what_a_filled_one_holds(built, tmp_path):
    """Graphs gone, new and changed, triples of the union added and removed, and a removed
    triple the analytics also hold (it stays in the default graph)."""

    import io

    import pyoxigraph as ox

    from kg.rdf.export import ntriples, trig
    from kg.rdf.incremental import sorted_difference
    from kg.rdf.store import fill_store, store_difference, update_store

    kept = "https://example.org/graph/analytics"

    def files(folder, quads):
        folder.mkdir()
        union = sorted({q.triple for q in quads}, key=lambda t: (str(t.subject),
                                                                 str(t.predicate), str(t.object)))
        ordered = sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject),
                                               str(q.predicate), str(q.object)))
        (folder / "kg.nt").write_bytes(ntriples(union))
        (folder / "kg.trig").write_bytes(trig(ordered))
        return [(folder / "kg.nt", ox.RdfFormat.N_TRIPLES, None),
                (folder / "kg.trig", ox.RdfFormat.TRIG, None),
                (folder / "analytics.ttl", ox.RdfFormat.N_TRIPLES, None),
                (folder / "analytics.ttl", ox.RdfFormat.N_TRIPLES, kept)]

    old = list(ox.parse(path=str(built / "kg.trig"), format=ox.RdfFormat.TRIG))
    graphs = sorted({q.graph_name.value for q in old})
    assert len(graphs) >= 3
    gone, changed = graphs[0], graphs[1]
    first_of_changed = next(q for q in old if q.graph_name.value == changed)
    new = [q for q in old if q.graph_name.value != gone and q != first_of_changed]
    added = ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"),
                    ox.Literal("新"), ox.NamedNode("https://example.org/graph/new"))
    new += [added, ox.Quad(added.subject, added.predicate, added.object,
                           ox.NamedNode(changed))]
    old_loads = files(tmp_path / "old", old)
    new_loads = files(tmp_path / "new", new)
    # the same analytics in both builds, holding triples the union loses
    gone_triple = next(q for q in old if q.graph_name.value == gone).triple
    analytics = ntriples([first_of_changed.triple, gone_triple])
    for side in ("old", "new"):
        (tmp_path / side / "analytics.ttl").write_bytes(analytics)
    fill_store(tmp_path / "old-db", old_loads)
    filled = fill_store(tmp_path / "new-db", new_loads)
    with open(tmp_path / "old" / "kg.nt", "rb") as old_nt:
        added_lines, removed_lines = sorted_difference(
            old_nt, io.BytesIO((tmp_path / "new" / "kg.nt").read_bytes()))
    delta = store_difference(tmp_path / "old-db", added_lines, removed_lines,
                             (tmp_path / "old" / "kg.trig").read_bytes(),
                             (tmp_path / "new" / "kg.trig").read_bytes(), kept)
    assert delta is not None and delta.added and delta.removed
    assert {first_of_changed.triple, gone_triple} <= {
        q.triple for q in ox.parse(b"\n".join(delta.removed), format=ox.RdfFormat.N_TRIPLES)}
    assert set(delta.graphs) >= {gone.encode(), changed.encode(), b"https://example.org/graph/new"}
    assert delta.graphs[gone.encode()] is None
    assert update_store(tmp_path / "updated-db", delta) == filled
    # counted from the previous store's count, as a build does from its manifest's
    before = len(ox.Store.read_only(str(tmp_path / "old-db")))
    assert update_store(tmp_path / "counted-db", delta._replace(quads=before)) == filled
    assert set(ox.Store.read_only(str(tmp_path / "counted-db"))) == set(
        ox.Store.read_only(str(tmp_path / "new-db")))
    updated = set(ox.Store.read_only(str(tmp_path / "updated-db")))
    assert updated == set(ox.Store.read_only(str(tmp_path / "new-db")))
    # the previous store is as it was: its files were linked or copied, never written
    fill_store(tmp_path / "old-db-again", old_loads)
    assert set(ox.Store.read_only(str(tmp_path / "old-db"))) == set(
        ox.Store.read_only(str(tmp_path / "old-db-again")))


def test_patched_exports_are_the_whole_files_written_anew(built):
    """patch_jsonld and patch_turtle on the page's graph changed in many ways, against jsonld
    and turtle on all of it: subjects changed, removed, added before the first, after the
    last and between."""
    import random

    import pyoxigraph as ox

    from kg.rdf.export import jsonld, patch_jsonld, patch_turtle, turtle

    triples = sorted({(q.subject, q.predicate, q.object) for q in ox.parse(
        (built / "kg.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)},
        key=lambda t: tuple(map(str, t)))
    old = jsonld(triples)
    assert old == (built / "kg.jsonld").read_bytes()
    old_ttl = turtle(ox.Triple(*t) for t in triples)
    assert old_ttl == (built / "kg.ttl").read_bytes()
    subjects = sorted({t[0] for t in triples}, key=str)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    rnd = random.Random(7)
    for round_ in range(30):
        new = set(triples)
        at = rnd.randrange(len(subjects) - 8)
        neighbours = subjects[at:at + rnd.choice([2, 8])]  # side by side in the file
        for s in rnd.sample(subjects, rnd.choice([1, 2, 5, 30])) + neighbours:
            own = sorted((t for t in new if t[0] == s), key=str)
            change = rnd.choice(["drop one", "drop all", "add one"] if own else ["add one"])
            if change == "drop all":
                new -= set(own)
            elif change == "drop one":
                new.discard(rnd.choice(own))
            else:
                new.add((s, label, ox.Literal(f"新{round_}", language="zh")))
        for iri in rnd.sample(["http://a.example/first", "urn:zz:last", "urn:zz:last2",
                               subjects[len(subjects) // 2].value + "-between",
                               subjects[len(subjects) // 2].value + "-between2",
                               subjects[0].value + "/under"], 3):
            new.add((ox.NamedNode(iri), label, ox.Literal("new")))
        new_sorted = sorted(new, key=lambda t: tuple(map(str, t)))
        changed = {t[0] for t in set(triples) ^ new}
        nodes = {s: [t for t in new_sorted if t[0] == s] for s in changed}
        spliced = patch_jsonld(old, nodes)
        assert bytes(spliced) == jsonld(new_sorted), round_
        # the untouched runs are views into the last file, not copies of it
        assert any(isinstance(piece, memoryview) and piece.obj is old
                   for piece in spliced.pieces)
        assert bytes(patch_turtle(old_ttl, nodes)) == turtle(ox.Triple(*t) for t in new_sorted), \
            round_
    gone = {s: [] for s in subjects}
    assert bytes(patch_jsonld(old, gone)) == jsonld([])
    assert bytes(patch_turtle(old_ttl, gone)) == b""
    first = {s: [t for t in triples if t[0] == s] for s in subjects[:40]}
    some = [t for t in triples if t[0] in first]
    assert bytes(patch_jsonld(jsonld([]), first)) == jsonld(some)
    assert bytes(patch_turtle(b"", first)) == turtle(ox.Triple(*t) for t in some)
    # not these writers' form: written anew
    assert patch_jsonld(old[:-2], {}) is None and patch_jsonld(b"{}", {}) is None
    assert patch_turtle(old_ttl[:-2], {}) is None and patch_turtle(b"<a> <b> <c> .\n", {}) is None
    prefixed = old_ttl.replace(b"\n\n<https://w3id.org/industrial-park-kg/ontology/", b"\n\nipk:")
    assert patch_turtle(prefixed + b"\nipk:x a ipk:Park .\n", {}) is None


EARLY = "while they are sorted"
FULL = "triples against"  # "validating N triples against .../shapes.ttl"


def test_a_build_with_nothing_to_compare_with_validates_while_sorting_and_reports_the_same(
        mini_seeds, tmp_path):
    """Without a last build (or with --cold), a build validates everything: on its first core
    with kg.rdf.shacl_lines once kg.nt is sorted, or, for shapes that engine cannot run, on
    its second core with pyshacl-turbo, from the mapped rows as they come, unsorted and some
    twice. The verdict, the violations (labels included) and the count of triples are those
    of the sorted kg.nt validated as it is written."""
    import pytest

    from kg.build import build
    from kg.rdf.validate import NotConforming, runs_on_lines, validate_ntriples

    out = tmp_path / "out"
    said = _build(mini_seeds, out)
    assert FULL in said and EARLY not in said
    rebuilt = _build(mini_seeds, out)  # a last build: only its changes are judged
    assert FULL not in rebuilt and EARLY not in rebuilt
    assert FULL in _build(mini_seeds, out, "--cold")
    beyond = ontology_with(tmp_path / "beyond", "<urn:test:FewBrands> a sh:NodeShape ; "
                           "sh:targetClass ipk:Company ;\n  sh:property [ sh:path ipk:hasBrand ; "
                           "sh:maxCount 100 ] .\n")  # no sh:message: not for shacl_lines
    assert not runs_on_lines(beyond)
    said = _build(mini_seeds, tmp_path / "out2", "--ontology", str(beyond))
    assert EARLY in said and FULL not in said
    strict = ontology_with(tmp_path, "<urn:test:CompanyNeedsABrand> a sh:NodeShape ; "
                           "sh:targetClass ipk:Company ;\n  sh:property [ sh:path ipk:hasBrand ; "
                           "sh:minCount 1 ] .\n")
    # The project's seeds: one of their triples is given by two rows, so rows are not triples.
    with pytest.raises(NotConforming) as caught:
        build(SEEDS, tmp_path / "fresh", strict)
    nt = (EXPORTS / "kg.nt").read_bytes()
    expected = validate_ntriples(nt, nt.count(b"\n"), strict, lambda: _store(nt))
    early = caught.value.result
    assert not early.conforms and early.violations  # companies have no brand in the seeds
    assert early.violations == expected.violations and early.results == expected.results
    assert early.triples == expected.triples == nt.count(b"\n")


def _store(nt: bytes):
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    return store


def test_text_handed_to_the_validation_is_taken_out_and_judged_as_the_sorted_kg_nt(tmp_path):
    """The build hands its unsorted rows over, so it does not hold them while the engine runs;
    shuffled and with a triple twice, they give the sorted kg.nt's verdict and results."""
    import random

    from kg.rdf.validate import validate_handed, validate_ntriples

    nt = (EXPORTS / "kg.nt").read_bytes()
    lines = nt.splitlines(keepends=True)
    random.Random(1).shuffle(lines)
    handed = [b"".join(lines + lines[:1])]
    result = validate_handed(handed, len(lines), ONTOLOGY)
    assert handed == []
    expected = validate_ntriples(nt, len(lines), ONTOLOGY, lambda: _store(nt))
    assert (result.conforms, result.violations, result.results, result.triples) == \
        (expected.conforms, expected.violations, expected.results, expected.triples)
    assert result.conforms and result.results == frozenset()


# -- a build of seeds that did not change ------------------------------------------------------

UP_TO_DATE = "nothing changed since the last build"


def _as_published(out) -> dict:
    """Each export's and the store's inode and mtime, and the generation published."""
    from kg.project import store_of

    files = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(out.iterdir())
             if p.is_file() and not p.name.startswith(".")}
    return {**files, "generation": read_manifest(out / ".store").generation,
            "store": os.path.realpath(store_of(out))}


def test_a_build_of_unchanged_seeds_writes_nothing_and_says_so(mini_seeds, tmp_path):
    from kg.project import store_of
    from kg.rdf.store import seeds_stat, store_state

    out = tmp_path / "out"
    first = _run(mini_seeds, out)
    published = _as_published(out)
    hour_ago = time_ns() - 3600 * 10**9
    for i, path in enumerate(sorted(mini_seeds.rglob("*"))):  # touched: new mtimes, same bytes
        os.utime(path, ns=(hour_ago + i, hour_ago + i))
    again = _run(mini_seeds, out)
    assert first.stdout.startswith("Built ")
    assert again.stdout == "Up to date: " + first.stdout.removeprefix("Built ").rstrip("\n") \
        + "; nothing changed since the last build, nothing written\n"
    assert UP_TO_DATE in again.stderr and "loading and checking" in again.stderr
    assert _as_published(out) == published  # no file, generation or store written anew
    # the seeds' new stat is recorded: a query still tells them unchanged without hashing them
    assert read_manifest(out / ".store").seeds_stat == seeds_stat(mini_seeds) != ""
    assert store_state(store_of(out), mini_seeds).status == "fresh"
    manifest = (out / ".store.json").stat()
    assert UP_TO_DATE in _run(mini_seeds, out).stderr
    after = (out / ".store.json").stat()  # nothing to record: not even the manifest written
    assert (after.st_ino, after.st_mtime_ns) == (manifest.st_ino, manifest.st_mtime_ns)
    # the same seeds in another folder: the build stands, and says where its seeds are now
    moved = tmp_path / "moved"
    shutil.copytree(mini_seeds, moved)
    assert store_state(store_of(out), moved).status == "other"
    assert UP_TO_DATE in _run(moved, out).stderr
    assert _as_published(out) == published
    assert store_state(store_of(out), moved).status == "fresh"
    assert read_manifest(out / ".store").seeds_dir == str(moved.resolve())


def test_a_build_of_unchanged_seeds_builds_again_when_anything_else_differs(
        mini_seeds, tmp_path, monkeypatch):
    from kg import code

    out, cold = tmp_path / "out", tmp_path / "cold"
    _run(mini_seeds, cold, "--cold")

    def builds(*extra, ontology=ONTOLOGY) -> bool:
        said = _run(mini_seeds, out, *extra, ontology=ontology)
        assert (UP_TO_DATE in said.stderr) == said.stdout.startswith("Up to date: ")
        return said.stdout.startswith("Built ")

    assert builds() and not builds()
    assert builds("--cold") and not builds()
    assert builds("--no-store") and builds()  # no store: nothing recorded to stand on
    assert builds("--base", "http://example.org/other/") and builds()  # other IRIs, and back
    # other shapes: validated again; not validating, the build validated before stands
    shapes = ontology_with(tmp_path, "# another shape would go here")
    assert not builds("--no-validate", ontology=shapes)
    assert builds(ontology=shapes) and not builds(ontology=shapes) and builds()
    # an export changed by hand: the build repairs it (a copy, its bytes the same, stands)
    kg_ttl = out / "kg.ttl"
    kg_ttl.write_bytes(kg_ttl.read_bytes().replace(b"\n", b"\n\n", 1))
    assert builds()
    kg_ttl.write_bytes(kg_ttl.read_bytes())
    assert not builds()
    # the store gone, or a manifest written by a kg that recorded no base IRI
    shutil.rmtree(out / ".store" / read_manifest(out / ".store").generation)
    assert builds()
    manifest = json.loads((out / ".store.json").read_text("utf-8"))
    del manifest["base"]
    (out / ".store.json").write_text(json.dumps(manifest), "utf-8")
    assert builds() and not builds()
    # another kg made the last build
    monkeypatch.setattr(code, "version", lambda: b"another kg")
    assert builds() and not builds()
    monkeypatch.undo()
    assert builds()
    assert _exports(out) == _exports(cold)
    assert _quads(out) == _quads(cold)


def test_a_rebuild_links_the_exports_it_leaves_as_they_were_instead_of_writing_them(mini_seeds,
                                                                                   tmp_path):
    out, cold = tmp_path / "out", tmp_path / "cold"
    _run(mini_seeds, out)
    before = _as_published(out)
    nudge(mini_seeds)  # a comment more: no triple changes, so no export does
    said = _run(mini_seeds, out).stderr
    after = _as_published(out)
    assert after["generation"] != before["generation"]  # a new build was published
    names = ["kg.ttl", "kg.nt", "kg.jsonld", "kg.trig", "analytics.ttl"]
    for name in names:
        assert f"kept {name} as the last build published it (linked, not written)" in said
        assert after[name] == before[name]  # the very file: same inode, same mtime
        assert (out / name).stat().st_nlink == 1  # its link in the generation is gone
    _edit(mini_seeds)  # a quote: the analytics alone stay the same
    said = _run(mini_seeds, out).stderr
    again = _as_published(out)
    assert "kept analytics.ttl as the last build published it" in said
    assert again["analytics.ttl"] == after["analytics.ttl"]
    assert all(again[name][0] != after[name][0] for name in names[:4])  # written anew
    _run(mini_seeds, cold, "--cold")
    assert _exports(out) == _exports(cold)
    assert _quads(out) == _quads(cold)
    generation = out / ".store" / again["generation"]
    assert sorted(p.name for p in generation.iterdir()) == ["db", "rebuild"]
