"""Link the seeds' companies to an outside registry (`kg link REGISTRY.csv`).

The registry is a table with the columns of public listed-company datasets: ``name`` (short
name), ``full_name``, ``code``, ``industry``, and optionally ``region``, ``iri`` (or ``url``)
and ``exchange``.
Every organisation of the seeds is matched against every registry row by the one matcher
(`kg.match`); the industry column is evidence like the names: a semiconductor-materials firm and
a fluorochemicals firm with similar names are not the same.

For each company the answer is `accepted` (one candidate, with evidence), `review` (candidates a
curator must decide on) or nothing. A registry row accepted for two companies is accepted for
neither: both go to review. Accepted links become facts (`link_facts`) whose source is the
registry, archived as a table, and whose quotes are the row's own cells.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError, Problem
from kg.match import Matcher, Profile, credit_code_problem, sectors_of
from kg.seeds.archive import Planned, plan_table_source, plan_text, yaml_text
from kg.seeds import schema
from kg.seeds.loader import ID_PATTERN, URL_PATTERN, Seeds
from kg.seeds.profiles import organisation_profiles
from kg.seeds.sheets import Table, cell_text, read_table
from kg.tables import escape_controls

REQUIRED_COLUMNS = ("name", "full_name", "code", "industry")
OPTIONAL_COLUMNS = ("region", "iri", "url", "exchange")


@dataclass(frozen=True)
class RegistryRow:
    number: int  # the row number as the spreadsheet shows it
    name: str
    full_name: str
    code: str
    industry: str
    region: str
    iri: str
    exchange: str = ""  # as the registry writes it: SZSE, 深交所, XSHE ...


@dataclass(frozen=True)
class Link:
    """One answer line: a seed entity, a registry candidate, and the verdict with its reasons."""

    entity: str
    candidate: str  # the registry row's full name (or short name when it has none)
    code: str
    status: str  # "accepted" or "review"
    evidence: tuple[str, ...]
    row: int

    def as_json(self) -> dict:
        return {"entity": self.entity, "candidate": self.candidate, "code": self.code,
                "status": self.status, "evidence": list(self.evidence)}


def read_registry(path: Path, shown: str | None = None) -> tuple[Table, list[RegistryRow]]:
    """The registry's rows; InputError naming the missing columns or the bad rows."""
    table = read_table(path, shown=shown)
    label = shown or str(path)
    columns: dict[str, int] = {}
    missing = []
    for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        try:
            columns[name] = table.column(name)
        except KeyError:
            if name in REQUIRED_COLUMNS:
                missing.append(name)
    if missing:
        raise InputError([Problem(label, table.header_row, 1,
                                  f"missing column{'s' if len(missing) > 1 else ''} "
                                  + ", ".join(missing) + f" (header: {', '.join(table.header)})",
                                  "the header row must name " + ", ".join(REQUIRED_COLUMNS)
                                  + " (optional: region, iri, exchange)")])

    def cell(row, name: str) -> str:
        return cell_text(row.cells[columns[name]]) if name in columns else ""

    rows, problems = [], []
    for row in table.rows:
        entry = RegistryRow(row.number, cell(row, "name"), cell(row, "full_name"),
                            cell(row, "code"), cell(row, "industry"), cell(row, "region"),
                            cell(row, "iri") or cell(row, "url"), cell(row, "exchange"))
        if not (entry.name or entry.full_name):
            problems.append(Problem(label, row.number, 1, "a row with no name and no full_name",
                                    "fill in the names or delete the row"))
        elif not entry.code:
            problems.append(Problem(label, row.number, 1, f"{entry.full_name or entry.name}: "
                                    "no code", "fill in the code or delete the row"))
        else:
            rows.append(entry)
    if problems:
        raise InputError(problems)
    return table, rows


def _profile(entry: RegistryRow) -> Profile:
    return Profile(f"row {entry.number}", tuple(n for n in (entry.name,) if n),
                   tuple(n for n in (entry.full_name,) if n), entry.region or None,
                   frozenset({entry.code}), sectors_of(entry.industry))


def link(seeds: Seeds, registry: list[RegistryRow]) -> list[Link]:
    """The accepted and review links of every company in `seeds`, by entity then row (a group,
    江丰电子系, is not the listed firm)."""
    by_key = {f"row {r.number}": r for r in registry}
    matcher = Matcher(_profile(r) for r in registry)
    found: list[Link] = []
    for party in organisation_profiles(seeds, ("Company",)):
        match = matcher.match(party)
        if match.status == "none":
            continue
        keys = [match.key] if match.status == "accepted" and match.key else list(match.candidates)
        for key in keys:
            entry = by_key[key]
            found.append(Link(party.key, entry.full_name or entry.name, entry.code, match.status,
                              match.evidence, entry.number))
    # One registry row is one firm: accepted for two entities, it is accepted for neither.
    accepted_by_row: dict[int, list[Link]] = defaultdict(list)
    for item in found:
        if item.status == "accepted":
            accepted_by_row[item.row].append(item)
    for row, items in accepted_by_row.items():
        if len(items) > 1:
            others = ", ".join(i.entity for i in items)
            for item in items:
                found[found.index(item)] = Link(
                    item.entity, item.candidate, item.code, "review",
                    item.evidence + (f"row {row} is also accepted for {others}",), row)
    return sorted(found, key=lambda i: (i.entity, i.status != "accepted", i.row))


def link_facts(links: list[Link], registry: list[RegistryRow], source_id: str) -> list[dict]:
    """The facts an accepted link records, each quoting its own cell of the registry row: the
    code (a credit code when it is one, else a stock code, with its exchange when the row's
    `exchange` cell names one, else none), the registered name, and the row's IRI if any."""
    rows = {r.number: r for r in registry}
    facts: list[dict] = []
    for item in links:
        if item.status != "accepted":
            continue
        entry = rows[item.row]
        is_credit = len(entry.code) == 18 and credit_code_problem(entry.code) is None
        stated = [("creditCode" if is_credit else "stockCode", entry.code)]
        if entry.full_name:
            stated.append(("legalName", entry.full_name))
        if entry.iri and URL_PATTERN.match(entry.iri):  # anything else is no IRI to link to
            stated.append(("sameAs", entry.iri))
        exchange = schema.exchange_code(entry.exchange)
        for relation, value in stated:
            fact = {"subject": item.entity, "relation": relation, "value": value}
            if relation == "stockCode" and exchange:
                fact["exchange"] = exchange
            facts.append({**fact, "source": source_id, "row": entry.number, "quote": value})
    return facts


def plan_links(seeds_dir: Path, registry_path: Path, links: list[Link],
               registry: list[RegistryRow], out: Path, source_id: str, label: str,
               command: str) -> list[Planned]:
    """Every file `kg link --write` writes: the registry archived and described as a table
    source, and `out` holding the accepted links' facts, the review items as comments only."""
    if not ID_PATTERN.match(source_id):
        raise InputError([Problem(source_id, 0, 0, "not a valid source id",
                                  "lower case letters, digits and hyphens, e.g. listed-firms")])
    planned = plan_table_source(seeds_dir, registry_path, source_id, label)
    review = [item for item in links if item.status == "review"]
    lines = [f"# Written by `{command}`: links of the seeds' companies to {registry_path.name}",
             "# (archived as table source '" + source_id + "'). Review before committing;",
             "# run the command again to refresh: it rewrites this file from the other seeds."]
    if review:
        lines.append("#")
        lines.append("# For review, not written as facts (decide, then record by hand):")
        for item in review:
            lines.append(f"#   {item.entity} ~ {item.candidate} ({item.code}, row {item.row}): "
                         + "; ".join(item.evidence))
    facts = link_facts(links, registry, source_id)
    body = yaml_text({"facts": facts}) if facts else "facts: []\n"
    # a registry cell (or file name) may hold a line break: escaped, it stays in its comment
    text = "\n".join(escape_controls(line) for line in lines) + "\n" + body
    return planned + plan_text(out, text)
