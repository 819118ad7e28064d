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
from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.errors import InputError, Problem

SOURCES_FILE = "sources.yaml"
ARCHIVE_FOLDER = "sources"
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*:")


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
    """`text` for `path`, unless the file already holds exactly that."""
    content = text.encode("utf-8")
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
