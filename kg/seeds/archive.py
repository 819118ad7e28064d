"""Write what `kg import` and `kg link` produce: reviewable seed YAML, with its table archived.

A table that facts cite is a source like a page: its file is copied under ``seeds/sources/`` and
described under ``tables:`` in ``seeds/sources.yaml``. Both commands first plan every file they
will write (`Planned`), so that a problem anywhere writes nothing, then write each file whole
(`write_planned`: a temporary file renamed over the old one). Planning is idempotent: a table
already archived with the same bytes, a description already there, a seed file with the same
text, plan nothing, so re-running a command changes nothing.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.errors import InputError, Problem
from kg.seeds.loader import MAX_SEED_BYTES
from kg.seeds.schema import ID_PATTERN

SOURCES_FILE = "sources.yaml"
ARCHIVE_FOLDER = "sources"
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*:")


MAX_ID_LENGTH = 40
_HAN_RUNS = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)")


def readable_id(text: str, person: bool = False) -> str:
    """A readable ASCII id for an entity or a source that `kg import`, `kg link` or `kg suggest`
    proposes: Chinese as pinyin, two syllables a word (the way the seeds' own ids read), Latin
    letters and digits as they are, a person as surname-given; "" when nothing is left.

    >>> readable_id("中广电器"), readable_id("刘志伟", person=True), readable_id("ABC 精工")
    ('zhongguang-dianqi', 'liu-zhiwei', 'abc-jinggong')
    >>> readable_id("“小巨人”A1企业"), readable_id("Ärzte-Werk 2025"), readable_id("——")
    ('xiaoju-ren-a1-qiye', 'arzte-werk-2025', '')
    """
    from pypinyin import lazy_pinyin  # a dictionary of 400k entries: only these commands load it

    words: list[str] = []
    for run in _HAN_RUNS.split(unicodedata.normalize("NFKC", text)):
        if _HAN_RUNS.fullmatch(run):
            syllables = [re.sub(r"[^a-z]", "", s) for s in lazy_pinyin(run)]
            if person:  # surname-given, as the seeds write people: liao-wangjing
                words += [syllables[0], "".join(syllables[1:])]
            else:
                words += ["".join(syllables[i:i + 2]) for i in range(0, len(syllables), 2)]
        else:
            latin = unicodedata.normalize("NFKD", run).encode("ascii", "ignore").decode()
            words += re.findall(r"[a-z0-9]+", latin.lower())
    words = [w for w in words if w]
    ident = ""
    for word in words:
        if ident and len(ident) + len(word) + 1 > MAX_ID_LENGTH:
            break
        ident = f"{ident}-{word}" if ident else word[:MAX_ID_LENGTH]
    return ident


def source_id_for(path: Path, fallback: str) -> str:
    """A source id from a file's name: its stem when that is an id, else readable_id of it.

    >>> source_id_for(Path("art7-new-firms.txt"), "article"), source_id_for(Path("新闻 1.txt"), "a")
    ('art7-new-firms', 'xinwen-1')
    >>> source_id_for(Path("A股 上市公司 2025.csv"), "registry"), source_id_for(Path("——.csv"), "t")
    ('a-gu-shangshi-gongsi-2025', 't')
    """
    stem = path.stem.lower()
    return stem if ID_PATTERN.match(stem) else readable_id(stem) or fallback


@dataclass(frozen=True)
class Planned:
    """A file to write: its path and its whole new content."""

    path: Path
    content: bytes


def yaml_text(data) -> str:
    """YAML as the seeds are written: block style, keys in the given order, Chinese as is, text
    that YAML would read as a number or a date quoted (a code "002407" stays text).

    >>> print(yaml_text({"facts": [{"subject": "a", "value": "002407", "row": 3}]}), end="")
    facts:
    - subject: a
      value: '002407'
      row: 3
    """
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000,
                          default_flow_style=False)


def plan_text(path: Path, text: str) -> list[Planned]:
    """`text` for the seeds file `path`, unless the file already holds exactly that; InputError
    when it would be larger than the loader reads (an import of a very long table)."""
    content = text.encode("utf-8")
    if len(content) > MAX_SEED_BYTES:
        raise InputError([Problem(str(path), 0, 0,
                                  f"it would be {len(content) / (1 << 20):.1f} MiB, over the "
                                  f"{MAX_SEED_BYTES >> 20} MiB a seeds file may hold",
                                  "split the table and import each part into its own file")])
    if path.is_file() and path.read_bytes() == content:
        return []
    return [Planned(path, content)]


def plan_table_source(seeds_dir: Path, table: Path, source_id: str, label: str,
                      extra: dict | None = None) -> list[Planned]:
    """Archive `table` as ``sources/<its name>`` and describe it as table `source_id` in
    ``sources.yaml``; InputError when another file holds that name or that id."""
    seeds_dir = Path(seeds_dir)
    archived = seeds_dir / ARCHIVE_FOLDER / table.name
    relative = f"{ARCHIVE_FOLDER}/{table.name}"
    data = table.read_bytes()
    planned: list[Planned] = []
    if archived.exists():
        if archived.resolve() != table.resolve() and archived.read_bytes() != data:
            raise InputError([Problem(str(archived), 0, 0,
                                      f"a different file is already archived as {relative}",
                                      "rename the new table before importing it, or remove the "
                                      "old one if it is the same table corrected")])
    else:
        planned.append(Planned(archived, data))
    sources = seeds_dir / SOURCES_FILE
    text = sources.read_text(encoding="utf-8") if sources.is_file() else ""
    described = _described(text, source_id)
    if described is not None:
        if described != relative:
            raise InputError([Problem(str(sources), 0, 0,
                                      f"source id '{source_id}' already describes {described}",
                                      "give another --source-id")])
        return planned
    entry = {"id": source_id, "label": label, "file": relative, **(extra or {})}
    planned.append(Planned(sources, _with_table(text, entry).encode("utf-8")))
    return planned


def _described(text: str, source_id: str) -> str | None:
    """The file of the `tables:` entry with this id in sources.yaml's text, if any."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return None  # the loader reports a broken sources.yaml; here it has no entry
    for entry in (data.get("tables") or []) if isinstance(data, dict) else []:
        if isinstance(entry, dict) and entry.get("id") == source_id:
            return str(entry.get("file"))
    return None


def _with_table(text: str, entry: dict) -> str:
    """sources.yaml's text with one more `tables:` entry; its comments and order untouched."""
    block = "".join("  " + line + "\n" if line else "\n"
                    for line in yaml_text([entry]).splitlines())
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("tables:")), None)
    if start is None:
        head = text if not text or text.endswith("\n") else text + "\n"
        return head + ("\n" if head else "") + \
            "# Tables archived under sources/: facts citing one quote a cell of a row.\n" \
            "tables:\n" + block
    end = start + 1
    while end < len(lines) and not _TOP_KEY.match(lines[end]):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # a blank line or a comment before the next section belongs to it
    return "".join(lines[:end]) + block + "".join(lines[end:])


def write_planned(planned: list[Planned]) -> None:
    """Write each planned file whole: a temporary file beside it, renamed over it."""
    for item in planned:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=item.path.parent, prefix=f".{item.path.name}.")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(item.content)
            os.replace(tmp, item.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
