"""The relation table of seeds/README.md, generated from kg.seeds.schema so that it cannot drift.

After changing the relations in schema.py, regenerate the table (it sits between the two marker
comments; the rest of the README is left as written):

    PYTHONPATH=$PWD python -m kg.seeds.readme [seeds/README.md]

tests/test_seeds_readme.py fails while the README's table differs from this one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kg.seeds import schema

BEGIN = "<!-- relations: generated from kg/seeds/schema.py by `python -m kg.seeds.readme`; edit there -->"
END = "<!-- end of relations -->"
README = Path(__file__).resolve().parents[2] / "seeds" / "README.md"
REGENERATE = "PYTHONPATH=$PWD python -m kg.seeds.readme"


def _types(types: tuple[str, ...]) -> str:
    # every entity type: "any", as the schema means it; commas, since | splits a markdown cell
    return "any" if set(types) == set(schema.ENTITY_TYPES) else ", ".join(types)


def relation_table() -> str:
    """The markdown table of every relation, in the schema's order.

    >>> relation_table().splitlines()[2]
    '| `partOf` | 隶属于 / part of | Park, Site, Platform, IndustryCluster, Project | Park, Platform, IndustryCluster | - |'
    """
    rows = ["| relation | zh / en | subject types | object | qualifiers |",
            "|---|---|---|---|---|"]
    for rel in schema.RELATIONS.values():
        obj = rel.range if isinstance(rel.range, str) else _types(rel.range)
        qualifiers = ", ".join(sorted(rel.qualifiers)) or "-"
        rows.append(f"| `{rel.name}` | {rel.label_zh} / {rel.label_en} | {_types(rel.domain)} "
                    f"| {obj} | {qualifiers} |")
    return "\n".join(rows) + "\n"


def with_table(text: str) -> str:
    """`text` (a README) with the generated table between the markers; ValueError without them."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the README lacks the markers {BEGIN!r} and {END!r} around its "
                         "relation table")
    head = text[:start + len(BEGIN)]
    return f"{head}\n{relation_table()}{text[end:]}"


def main(argv: list[str]) -> int:
    """Rewrite the README's table in place (argv: an optional README path); silent."""
    path = Path(argv[0]) if argv else README
    text = path.read_text(encoding="utf-8")
    new = with_table(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
