"""Finding an entity by name: one rule for every command that takes a name.

A name is an entity's id, its IRI, or one of its labels or aliases in any language. Three tiers,
the first that finds anything decides:

1. exact: the name as typed (blanks around it ignored);
2. normalised by `kg.match.normalise`: width, case, bracket kinds, blanks and punctuation ignored
   (``同创（丽水）`` equals ``同创(丽水)``, ``jingrui electronics`` finds ``Jingrui Electronics``);
3. by `kg.match.core`: region prefixes and company forms ignored (``同创特种材料`` finds
   ``同创(丽水)特种材料有限公司``), unless the name typed carries a region that contradicts the
   entity's (``杭州同创特种材料有限公司`` does not). Never by shared characters alone.

More than one hit is an error that lists the candidates; none is an error that lists names
containing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from kg.errors import KgError

MAX_LISTED = 10  # candidates or near names listed in one error
RECORD_FORMAT = "kg name index 1"  # NameIndex.record's; another value is not read


def fold(name: str) -> str:
    """The form names are compared in when no exact match exists (`kg.match.normalise`)."""
    from kg.match import normalise  # kg.match costs a small query 5 ms: only a lookup loads it

    return normalise(name)


class Named(NamedTuple):
    """One entity and the names it is found by."""

    key: str  # what a lookup returns: a node id or an IRI
    label: str = ""  # the zh label, for messages
    cls: str = ""
    names: tuple[str, ...] = ()

    def describe(self) -> str:
        """'key (label, Class)' for lists of candidates."""
        inner = ", ".join(x for x in (self.label, self.cls) if x)
        return f"{self.key} ({inner})" if inner else self.key


class UnknownName(KgError):
    def __init__(self, name: str, near: list[str]):
        self.name, self.near = name, near
        hint = (f" Did you mean: {'; '.join(near)}?" if near else
                " Give an id, a Chinese or English label or an alias ('kg stats' counts what "
                "the graph holds).")
        super().__init__(f"'{name}': no entity has this id, label or alias.{hint}")


class AmbiguousName(KgError):
    def __init__(self, name: str, candidates: list[str]):
        self.name, self.candidates = name, candidates
        listed = "\n".join(f"  {c}" for c in candidates)
        super().__init__(f"'{name}' names {len(candidates)} entities; give one of these ids:\n"
                         f"{listed}")


class NameIndex:
    """Entities looked up by any of their names, by the rule in this module's docstring.

    >>> index = NameIndex([Named("a", "甲公司", "Company", ("甲公司", "Jia", "甲")),
    ...                    Named("b", "乙公司", "Company", ("乙公司", "甲"))])
    >>> index.resolve("jia"), index.resolve("b")
    ('a', 'b')
    >>> index.resolve("甲")
    Traceback (most recent call last):
    ...
    kg.names.AmbiguousName: '甲' names 2 entities; give one of these ids:
      a (甲公司, Company)
      b (乙公司, Company)
    >>> index.resolve("公司")
    Traceback (most recent call last):
    ...
    kg.names.UnknownName: '公司': no entity has this id, label or alias. Did you mean: a (甲公司, Company); b (乙公司, Company)?
    """

    def __init__(self, entities: Iterable[Named]):
        self.entities = {e.key: e for e in entities}
        self.exact: dict[str, set[str]] = defaultdict(set)
        for e in self.entities.values():
            for name in (e.key, *e.names):
                if name:
                    self.exact[name].add(e.key)
        # The next tiers are built when a name is not found exactly: at province size (520,000
        # names) folding takes 2 s and taking cores and regions 6 s, which ids never need.
        self._folded: dict[str, set[str]] | None = None
        # core -> key -> the regions its names with that core carry (None: no region)
        self._cored: dict[str, dict[str, set[str | None]]] | None = None

    def record(self) -> dict:
        """The index with every tier built, as JSON data `from_record` reads back: at province
        size, reading it is quicker than gathering the names and folding them again."""
        return {"format": RECORD_FORMAT,
                "entities": [[e.key, e.label, e.cls, list(e.names)]
                             for e in self.entities.values()],
                "folded": [[text, sorted(keys)] for text, keys in self.folded.items()],
                "cored": [[cored, key, sorted(regions, key=lambda r: (r is not None, r or ""))]
                          for cored, by_key in self.cored.items()
                          for key, regions in by_key.items()]}

    @classmethod
    def from_record(cls, record: object) -> NameIndex | None:
        """The index `record` holds, or None when it is not one `record()` wrote: read as any
        input, checked value by value, never trusted.

        >>> index = NameIndex([Named("a", "甲公司", "Company", ("甲公司", "Jia"))])
        >>> again = NameIndex.from_record(index.record())
        >>> (again.exact, again.folded, again.cored) == (index.exact, index.folded, index.cored)
        True
        >>> NameIndex.from_record({"format": RECORD_FORMAT, "entities": [[1, "", "", []]],
        ...                        "folded": [], "cored": []}) is None
        True
        """
        def texts(items: object) -> bool:
            return isinstance(items, list) and all(isinstance(x, str) for x in items)

        if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
            return None
        entities, folded, cored = (record.get(k) for k in ("entities", "folded", "cored"))
        if not (isinstance(entities, list) and isinstance(folded, list)
                and isinstance(cored, list)):
            return None
        if not all(isinstance(e, list) and len(e) == 4 and texts(e[:3]) and texts(e[3])
                   for e in entities):
            return None
        if not all(isinstance(f, list) and len(f) == 2 and isinstance(f[0], str) and texts(f[1])
                   for f in folded):
            return None
        if not all(isinstance(c, list) and len(c) == 3 and texts(c[:2]) and isinstance(c[2], list)
                   and all(r is None or isinstance(r, str) for r in c[2]) for c in cored):
            return None
        index = cls(Named(key, label, kind, tuple(names)) for key, label, kind, names in entities)
        index._folded = defaultdict(set, ((text, set(keys)) for text, keys in folded))
        index._cored = defaultdict(lambda: defaultdict(set))
        for text, key, regions in cored:
            index._cored[text][key] = set(regions)
        return index

    @property
    def folded(self) -> dict[str, set[str]]:
        if self._folded is None:
            self._folded = defaultdict(set)
            for name, keys in self.exact.items():
                self._folded[fold(name)].update(keys)
        return self._folded

    @property
    def cored(self) -> dict[str, dict[str, set[str | None]]]:
        if self._cored is None:
            from kg.match import core_and_region

            self._cored = defaultdict(lambda: defaultdict(set))
            for name, keys in self.exact.items():
                cored, region = core_and_region(name)
                for key in keys:
                    self._cored[cored][key].add(region)
        return self._cored

    def matches(self, name: str) -> list[str]:
        """The keys `name` stands for: the exact matches, else the normalised ones, else those
        of the same core whose region does not contradict the name's (sorted)."""
        name = name.strip()
        found = self.exact.get(name) or self.folded.get(fold(name))
        if found:
            return sorted(found)
        from kg.match import core_and_region, same_region

        cored, wanted = core_and_region(name)
        return sorted(key for key, regions in self.cored.get(cored, {}).items()
                      if wanted is None or
                      any(r is None or same_region(wanted, r) for r in regions))

    def resolve(self, name: str) -> str:
        """The one key `name` stands for; raises `UnknownName` or `AmbiguousName`."""
        hits = self.matches(name)
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise AmbiguousName(name.strip(), [self.entities[k].describe() for k in hits])
        raise UnknownName(name.strip(), self.near(name))

    def near(self, name: str) -> list[str]:
        """Entities with a name that contains `name` (folded), for an error's hint."""
        wanted = fold(name)
        if len(wanted) < 2:
            return []
        keys = sorted({k for text, ks in self.folded.items() if wanted in text for k in ks})
        return [self.entities[k].describe() for k in keys[:MAX_LISTED]]

