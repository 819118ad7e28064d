"""`kg diff`: facts compared as facts, on the real seeds and on a copy with known edits; hash
churn and a new base IRI are not changes; git revisions; hostile labels; bad arguments."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import ONTOLOGY, SEEDS
from kg.build import build
from kg.cli import main

ART3 = "art3-key-provincial-sme.yaml"
# (old, new) text replacements, each made exactly once in the copy of article 3's seeds:
# every one keeps the seeds valid (a quote stays verbatim in the page).
EDITS = [
    # a changed year
    ("    year: 2011\n    source: art3-key-provincial-sme\n    quote: 于2011年落户丽水经开区",
     "    year: 2012\n    source: art3-key-provincial-sme\n    quote: 于2011年落户丽水经开区"),
    # a changed quote, still a verbatim part of the sentence
    ("    quote: 拥有自主品牌“TEER”", "    quote: 自主品牌“TEER”"),
    # a changed figure
    ('quantity: {amount: 90, unit: "%", qualifier: or-more}',
     'quantity: {amount: 80, unit: "%", qualifier: or-more}'),
    # a removed fact
    ("  - subject: teer-valve\n    relation: makes\n    object: smart-pipeline-valve\n"
     "    note: The source's product list is open (等产品).\n"
     "    source: art3-key-provincial-sme\n"
     "    quote: 研发生产的智能低温阀门、智能控制阀门、智能管线阀门等产品\n", ""),
    # an added entity and a fact about it
    ("entities:\n",
     "entities:\n  - {id: valves, type: Product, label: 阀门, source: art3-key-provincial-sme, "
     "quote: 集阀门研发、生产、销售、服务于一体}\n"),
    ("facts:\n",
     "facts:\n  - subject: teer-valve\n    relation: makes\n    object: valves\n"
     "    source: art3-key-provincial-sme\n    quote: 集阀门研发、生产、销售、服务于一体\n"),
]
ACCEPTED = "git revision"  # the error names what kg diff accepts


def edit(seeds: Path, edits: list[tuple[str, str]] = EDITS, name: str = ART3) -> None:
    path = seeds / name
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Path:
    """The real seeds with EDITS, built (and validated) into a temporary exports folder."""
    root = tmp_path_factory.mktemp("edited")
    shutil.copytree(SEEDS, root / "seeds")
    edit(root / "seeds")
    build(root / "seeds", root / "out", ONTOLOGY, with_store=False)
    return root / "out"


def run(*args: str):
    return CliRunner().invoke(main, ["diff", *map(str, args)])


def as_json(*args: str) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def fact_changes(doc: dict) -> set[tuple]:
    """Each fact change as (entity, status, relation, object, {field: (old, new)})."""
    out = set()
    for ent in doc["entities"]:
        for fact in ent["facts"]:
            view = fact["new"] or fact["old"]
            obj = view["object"].get("id") or view["object"].get("figure") or \
                view["object"].get("value")
            changes = tuple(sorted((k, v["old"], v["new"]) for k, v in fact["changes"].items()))
            out.add((ent["id"], fact["status"], view["relation"], obj, changes))
    return out


def test_the_edits_and_only_they_are_reported(built, edited):
    doc = as_json(built, edited)
    assert doc["format"] == "kg-diff/1" and doc["differences"] is True
    assert fact_changes(doc) == {
        ("teer-valve", "changed", "settledIn", "lishui-edz", (("year", "2011", "2012"),)),
        ("teer-valve", "changed", "hasBrand", "teer-brand",
         (("quote", "拥有自主品牌“TEER”", "自主品牌“TEER”"),)),
        ("teer-valve", "changed", "exportShare", "80%以上", (("amount", "90", "80"),)),
        ("teer-valve", "removed", "makes", "smart-pipeline-valve", ()),
        ("teer-valve", "added", "makes", "valves", ()),
    }
    assert doc["summary"] == {"entities_added": 1, "entities_removed": 0, "entities_changed": 0,
                              "facts_added": 1, "facts_removed": 1, "facts_changed": 3}
    entities = {e["id"]: e for e in doc["entities"]}
    assert set(entities) == {"teer-valve", "valves"}
    valves = entities["valves"]
    assert (valves["status"], valves["classes"], valves["label"]) == ("added", ["Product"], "阀门")
    assert {a["name"]: a["new"] for a in valves["attributes"]}["quote"] == ["集阀门研发、生产、销售、服务于一体"]
    assert entities["teer-valve"]["status"] == "kept"  # its own attributes did not change
    figure = next(f for f in entities["teer-valve"]["facts"] if f["new"]["relation"] == "exportShare")
    assert figure["old"]["object"] == {"figure": "90%以上", "amount": "90", "qualifier": "or-more",
                                       "unit": "%"}
    assert figure["new"]["object"]["amount"] == "80"
    assert figure["new"]["quote"] == "等产品90%以上出口到中东、欧洲、美洲等海外市场"


def test_text_and_markdown_show_old_and_new_values_with_quote_and_source(built, edited):
    text = run(built, edited)
    assert text.exit_code == 0, text.output
    out = text.stdout
    assert out.splitlines()[0].endswith("1 entity: 1 added; 5 facts: 1 added, 1 removed, 3 changed")
    assert "特尔阀门高科技材料有限公司 · teer-valve · Company" in out
    assert "~ settledIn 丽水经开区 (lishui-edz) · source art3-key-provincial-sme\n" \
           "      year: 2011 → 2012\n      quote: 于2011年落户丽水经开区\n" in out
    assert "amount: 90 → 80" in out and "quote: 拥有自主品牌“TEER” → 自主品牌“TEER”" in out
    assert "- makes 智能管线阀门 (smart-pipeline-valve)" in out
    assert "+ 阀门 · valves · Product [added]" in out
    md = run(built, edited, "--format", "md").stdout
    assert "#### 特尔阀门高科技材料有限公司 · teer\\-valve · Company" in md
    assert "- **changed** settledIn 丽水经开区 \\(lishui\\-edz\\)" in md
    assert "  - year: 2011 → 2012" in md


def test_a_build_against_itself_has_no_differences(built):
    result = run(built / "kg.ttl", built / "kg.nt", "--exit-code")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(": no differences\n")
    assert as_json(built, built)["entities"] == []
    assert as_json(built / "kg.trig", built / "kg.jsonld")["entities"] == []  # graphs merged


def test_exit_code_option_says_whether_the_builds_differ(built, edited):
    assert run(built, edited, "--exit-code").exit_code == 1
    assert run(built, edited).exit_code == 0


def _rehash(match: re.Match) -> str:
    return f"{match.group(1)}/{hashlib.sha256(match.group(2).encode()).hexdigest()[:16]}"


def test_statement_and_figure_iris_and_line_order_are_not_changes(built, tmp_path):
    lines = (built / "kg.nt").read_text(encoding="utf-8").splitlines()
    churned = [re.sub(r"(statement|quantity)/([0-9a-f]{16})", _rehash, line)
               for line in reversed(lines)]
    assert sum(a != b for a, b in zip(reversed(lines), churned)) > 1000  # the IRIs did change
    (tmp_path / "churned.nt").write_text("\n".join(churned) + "\n", encoding="utf-8")
    assert as_json(built / "kg.ttl", tmp_path / "churned.nt")["entities"] == []


def test_another_base_iri_is_reported_once_and_changes_no_fact(built, tmp_path):
    build(SEEDS, tmp_path / "other", ONTOLOGY, base="https://example.org/kg/", validate=False,
          with_store=False)
    doc = as_json(built, tmp_path / "other")
    assert doc["entities"] == []
    assert doc["new"]["base"] == "https://example.org/kg/" != doc["old"]["base"]
    assert "base IRI changed" in run(built, tmp_path / "other").stdout


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=kg test",
                    "-c", "user.email=kg-test@example.org", *args], check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A project in a git repository with two commits: the real seeds, then a changed year."""
    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "seeds")
    _git(root, "init", "-q")
    _git(root, "add", "seeds")
    _git(root, "commit", "-qm", "seeds")
    edit(root / "seeds", EDITS[:1])
    _git(root, "commit", "-qam", "a year")
    return root


def test_git_revisions_are_mapped_in_a_temporary_folder(repo):
    before = sorted(p.relative_to(repo) for p in repo.rglob("*") if ".git" not in p.parts)
    doc = as_json("HEAD~1", "HEAD", "--project", repo)
    assert fact_changes(doc) == {
        ("teer-valve", "changed", "settledIn", "lishui-edz", (("year", "2011", "2012"),))}
    assert doc["old"]["name"] == "HEAD~1"
    # the working tree's seeds against the last commit: the same seeds, no differences
    assert as_json("HEAD", repo / "seeds", "--project", repo)["entities"] == []
    after = sorted(p.relative_to(repo) for p in repo.rglob("*") if ".git" not in p.parts)
    assert after == before  # no exports/, no .kg/, nothing written into the project


def test_a_revision_whose_seeds_fail_the_checks_names_its_files(repo):
    edit(repo / "seeds", [("    year: 2012\n", "    year: twenty\n")])
    _git(repo, "commit", "-qam", "a bad year")
    result = run("HEAD~1", "HEAD", "--project", repo)
    assert result.exit_code == 2
    assert f"HEAD:seeds/{ART3}:" in result.stderr and "Traceback" not in result.output


def test_bad_arguments_exit_2_saying_what_is_accepted(repo, tmp_path, monkeypatch):
    result = run("no-such-branch", "HEAD", "--project", repo)
    assert result.exit_code == 2
    assert "no-such-branch: no such file or folder, and no such revision" in result.stderr
    assert ACCEPTED in result.stderr
    (tmp_path / "empty").mkdir()
    result = run(tmp_path / "empty", "HEAD", "--project", repo)
    assert result.exit_code == 2 and "no kg.nt, kg.ttl, kg.trig in this folder" in result.stderr
    (tmp_path / "graph.txt").write_text("not a graph", encoding="utf-8")
    result = run(tmp_path / "graph.txt", "HEAD", "--project", repo)
    assert result.exit_code == 2 and "cannot tell its RDF syntax" in result.stderr
    (tmp_path / "broken.ttl").write_text("<a> <b> .", encoding="utf-8")
    result = run(tmp_path / "broken.ttl", "HEAD", "--project", repo)
    assert result.exit_code == 2 and "not readable as" in result.stderr
    monkeypatch.chdir(tmp_path)  # no project here: a name that is no path cannot be a revision
    monkeypatch.delenv("KG_PROJECT", raising=False)
    result = run("HEAD~1", "HEAD")
    assert result.exit_code == 2 and ACCEPTED in result.stderr
    assert "Traceback" not in result.output


BASE = "https://w3id.org/industrial-park-kg/id/"
IPK = "https://w3id.org/industrial-park-kg/ontology/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _graph(label: str, figures: list[tuple[str, int, str]]) -> str:
    """N-Triples of one park with a label and enterpriseCount figures (id, amount, scope)."""
    park = f"<{BASE}park/p>"
    lines = [f'{park} <{RDF}type> <{IPK}Park> .',
             f'{park} <http://www.w3.org/2000/01/rdf-schema#label> {json.dumps(label)}@zh .']
    for ident, amount, scope in figures:
        q, st = f"<{BASE}quantity/{ident}>", f"<{BASE}statement/{ident}>"
        lines += [f"{q} <{RDF}type> <{IPK}Quantity> .",
                  f'{q} <{IPK}amount> "{amount}"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
                  f'{q} <{IPK}scope> "{scope}"@zh .',
                  f"{park} <{IPK}enterpriseCount> {q} .",
                  f"{st} <{RDF}type> <{RDF}Statement> .", f"{st} <{RDF}subject> {park} .",
                  f"{st} <{RDF}predicate> <{IPK}enterpriseCount> .", f"{st} <{RDF}object> {q} .",
                  f"{st} <http://www.w3.org/ns/prov#wasDerivedFrom> <{BASE}source/s> .",
                  f'{st} <{IPK}quote> "{scope}{amount}家"@zh .']
    return "\n".join(lines) + "\n"


def test_figures_of_one_relation_pair_with_their_like(tmp_path):
    (tmp_path / "old.nt").write_text(_graph("园", [("a", 8, "甲"), ("b", 1, "乙")]), "utf-8")
    (tmp_path / "new.nt").write_text(_graph("园", [("c", 9, "甲"), ("d", 1, "乙")]), "utf-8")
    doc = as_json(tmp_path / "old.nt", tmp_path / "new.nt")
    assert fact_changes(doc) == {("p", "changed", "enterpriseCount", "9 甲",
                                  (("amount", "8", "9"), ("quote", "甲8家", "甲9家")))}


def test_hostile_labels_are_escaped_in_text_and_markdown(tmp_path):
    hostile = "园\x1b[31m<img src=x onerror=alert(1)>\n@someone *bold*"
    (tmp_path / "old.nt").write_text(_graph("园", []), "utf-8")
    (tmp_path / "new.nt").write_text(_graph(hostile, []), "utf-8")
    text = run(tmp_path / "old.nt", tmp_path / "new.nt").stdout
    assert "\x1b" not in text and "\\x1b[31m" in text
    assert "label: 园 → 园\\x1b[31m<img" in text  # one line: the newline is shown as \n
    md = run(tmp_path / "old.nt", tmp_path / "new.nt", "--format", "md").stdout
    assert re.search(r"(?<!\\)[<@]", md.replace("\\\\", "")) is None  # each one escaped
    assert "\\<img" in md and "\\@someone" in md and "\\*bold\\*" in md
    assert json.loads(run(tmp_path / "old.nt", tmp_path / "new.nt", "--format", "json").stdout
                      )["entities"][0]["attributes"][0]["new"] == [hostile]


def test_the_readme_example_is_real_output(repo, monkeypatch):
    _git(repo, "reset", "-q", "--hard", "HEAD~1")
    edit(repo / "seeds")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("KG_PROJECT", raising=False)
    result = run("HEAD", "seeds/")
    assert result.exit_code == 0, result.output
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ kg diff HEAD seeds/\n", 1)[1].split("```", 1)[0]
    assert result.stdout == block


def test_the_benchmark_reports_exactly_the_years_it_moved(tmp_path, capsys):
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "diff_scale.py"
    spec = importlib.util.spec_from_file_location("bench_diff_scale", path)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--parks", "2", "--companies", "30", "--changes", "5",
                       "--work", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "same build" in out and "; 0 facts changed, 0 other changes" in out
    assert "5 years moved" in out and "; 5 facts changed, 0 other changes" in out
