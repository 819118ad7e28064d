"""`kg init`: a new project folder with seeds holding one example fact and its source text."""

from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.project import MARKER

# A made-up example, labelled as one: the fact below is sourced from this text and nothing else.
EXAMPLE_TEXT = """示例园区新闻
(示例文本,随 kg init 提供,不是真实报道)
示例科技有限公司于2024年落户示例园区。
"""

SOURCES_YAML = """\
# The sources every fact cites. A fact's `source:` names an article id below; its `quote:`
# must appear verbatim (white space ignored) within the article's lines of the page file.
pages:
  - id: example-page
    label: 示例版面
    label_en: An example page that ships with 'kg init' (not a real report)
    file: sources/example-page.txt

articles:
  - id: example-article
    page: example-page
    lines: [1, 3]          # first and last line of the article in the page file
    title: 示例园区新闻
    byline: (示例文本,随 kg init 提供,不是真实报道)   # as printed in the source
"""

EXAMPLE_YAML = """\
# An example to copy: two entities and one fact, each with its source and a verbatim quote.
# Replace them with your own; 'kg check' names the file and line of anything wrong.
entities:
  - id: example-park         # a stable ASCII id: the IRI is base + park/ + id
    type: Park
    label: 示例园区           # the Chinese name; label_en and aliases are optional
    source: example-article  # an article id from sources.yaml
    quote: 示例园区           # the words of the source that name it, verbatim
  - id: example-company
    type: Company
    label: 示例科技有限公司
    source: example-article
    quote: 示例科技有限公司

facts:
  # The company settled in the park in 2024: subject, relation and object are ids; `year` is
  # one of the relation's qualifiers; the quote is copied from the source text.
  - subject: example-company
    relation: settledIn
    object: example-park
    year: 2024
    source: example-article
    quote: 于2024年落户示例园区
"""

README_TEXT = """\
# {name}

A knowledge-graph project for the `kg` tool: curated YAML in `seeds/`, every fact with its
source (archived in `seeds/sources/`) and a verbatim quote.

```sh
kg check     # check the seeds: YAML, keys, types, references, quotes
kg build     # build, validate and write exports/ (kg.ttl, kg.nt, kg.jsonld, kg.trig)
kg query park-companies --param park=示例园区
```

Add a `queries/` folder for your own named queries and an `ontology/` folder to replace the
shipped ontology and shapes.
"""

GITIGNORE = "exports/.store/\nexports/.store.json\nexports/views/\nexports/graph/\n.kg/\n"


def init_project(folder: str | Path) -> list[Path]:
    """Create an empty project in `folder` (new, or empty): seeds with one example fact and
    its source text, a README and a .gitignore. Returns the files written."""
    root = Path(folder)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise KgError(f"{root}: exists and is not an empty folder (kg init never overwrites)")
    files = {
        MARKER: SOURCES_YAML,
        Path("seeds") / "sources" / "example-page.txt": EXAMPLE_TEXT,
        Path("seeds") / "example.yaml": EXAMPLE_YAML,
        Path("README.md"): README_TEXT.format(name=root.resolve().name),
        Path(".gitignore"): GITIGNORE,
    }
    written = []
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
