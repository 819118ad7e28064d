"""What the seeds know of each organisation's identity, as the matcher's `Profile`s.

`kg import` and `kg link` match outside names (a table's rows, a registry's rows) against these
profiles; both read them here so that both decide on the same evidence:

- names: the label and the aliases (zh and en);
- full names: `legalName` facts (and the label itself when it is a registered name, which the
  matcher tells by its organisational form);
- region: a `region` fact;
- located: the region a place it is located or settled in names (丽水经开区 -> 丽水), through the
  places that place is part of and the projects it leads: it corroborates a region, never
  contradicts one;
- codes: `creditCode` and `stockCode` facts;
- sectors: `kg.match.sectors_of` over the words the seeds tie to it: its own names, the chains,
  segments, industries, platforms, products and technologies its facts point at, and its business
  scope. A company the seeds tie to nothing has no sectors: no corroboration, no contradiction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from kg.match import Profile, region_of, sectors_of
from kg.seeds import schema
from kg.seeds.loader import Seeds

# Facts whose object's label says what the subject's industry is.
SECTOR_RELATIONS = {"inSegment", "leadingEnterpriseIn", "supplyChainEnterpriseIn",
                    "involvesIndustry", "keyEnterpriseOf", "makes", "hasTechnology", "hasBrand"}
# Facts that put an organisation in a place (or a project it leads), and a place in a larger one.
PLACE_RELATIONS = {"locatedIn", "settledIn", "keyEnterpriseOf", "incubatedBy", "leadsProject",
                   "partOf"}
# Literal facts that say it in words.
SECTOR_TEXTS = {"businessScope"}


def organisation_profiles(seeds: Seeds, types: tuple[str, ...] = schema.ORGANISATIONS
                          ) -> list[Profile]:
    """One profile per entity of `types`, in id order.

    >>> from kg.seeds.loader import load_seeds
    >>> from pathlib import Path
    >>> seeds = load_seeds(Path(__file__).resolve().parents[2] / "seeds")
    >>> tongchuang = {p.key: p for p in organisation_profiles(seeds)}["tongchuang-special-materials"]
    >>> tongchuang.names[:2], sorted(tongchuang.sectors)
    (('同创(丽水)特种材料有限公司', '同创特材'), ['materials', 'metals', 'semiconductor'])
    """
    full_names: dict[str, list[str]] = defaultdict(list)
    regions: dict[str, str] = {}
    codes: dict[str, set[str]] = defaultdict(set)
    words: dict[str, list[str]] = defaultdict(list)
    places: dict[str, list[str]] = defaultdict(list)
    for fact in seeds.facts:
        if fact.relation in PLACE_RELATIONS and fact.object in seeds.entities:
            places[fact.subject].append(fact.object)
        value = fact.value if isinstance(fact.value, str) else None
        if fact.relation == "legalName" and value:
            full_names[fact.subject].append(value)
        elif fact.relation == "region" and value:
            regions.setdefault(fact.subject, value)
        elif fact.relation in ("creditCode", "stockCode") and value:
            codes[fact.subject].add(value)
        elif fact.relation in SECTOR_TEXTS and value:
            words[fact.subject].append(value)
        elif fact.relation in SECTOR_RELATIONS and fact.object in seeds.entities:
            obj = seeds.entities[fact.object]
            words[fact.subject] += [obj.label, *obj.aliases, obj.label_en or ""]

    def place_region(ident: str, seen: frozenset[str] = frozenset()) -> str | None:
        """The region the places of `ident` name, nearest first (cycles cut)."""
        for place in sorted(places[ident]):
            ent = seeds.entities[place]
            if ent.type not in (*schema.PLACES, "Project") or place in seen:
                continue  # a project leads on to where it is
            region = next((r for r in map(region_of, (ent.label, *ent.aliases)) if r), None)
            if region or (region := place_region(place, seen | {place})):
                return region
        return None

    found = []
    for ident in sorted(seeds.entities):
        ent = seeds.entities[ident]
        if ent.type not in types:
            continue
        names = tuple(dict.fromkeys(n for n in (ent.label, *ent.aliases, ent.label_en or "",
                                                *ent.aliases_en) if n))
        text = " ".join([*names, *full_names[ident], *words[ident]])
        found.append(Profile(ident, names, tuple(full_names[ident]), regions.get(ident),
                             frozenset(codes[ident]), sectors_of(text), place_region(ident)))
    return found


def seeds_without(seeds: Seeds, seeds_dir: Path, out: Path) -> Seeds:
    """The seeds without what the file `out` says: `kg import` and `kg link --write` match
    against the other files, so that running them again plans the same `out`."""
    target = out.resolve()

    def elsewhere(path: str) -> bool:
        return (seeds_dir.parent / path).resolve() != target

    return replace(seeds, entities={k: e for k, e in seeds.entities.items()
                                    if elsewhere(e.where.path)},
                   facts=[f for f in seeds.facts if elsewhere(f.where.path)])
