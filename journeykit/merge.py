"""Three-way merge of journeys: keep both people's changes when they touched different fields.

Two facilitators open a workspace at revision 4. One renames a persona and saves revision 5; the other,
still on revision 4, rewrites the objective and saves. Each side is compared with the version both
started from (the *base*, revision 4), field by field: no field was changed by both sides to different
values, so the union of the changes is saved as revision 6. When a field was changed by both, nothing is
written and the conflict names the field, the value each side gave it and the value it had.

A field is named by its path in the journey: ``objective.problem``, ``personas[id=p1].name``,
``touchpoints[id=pay].assumed_emotion.all``. What counts as one field:

- A mapping (the objective, an item, ``assumed_emotion``, ``sources``) is merged key by key.
- A list whose items have an ``id`` (channels, personas, stages, touchpoints, pain points, opportunities,
  KPIs) is merged item by item, items matched by ``id``, never by position: each side may add, remove or
  edit different items. An item removed by one side and edited by the other is a conflict. The order is
  merged too: a side that did not reorder the items it shares with the base follows the other side's
  order, and an item a side added keeps its place after the item that precedes it on that side; two
  different reorderings are a conflict (``stages (order)``).
- A text in two languages (``{en, fr}``) is one field: its two translations say one thing and are never
  taken from two different people.
- ``personas[].edited`` (which texts people rewrote) is a set: what each side added is kept.
- Any other list (goals, events, the changes of a validation record) and every plain value is one field.

Examples
--------
>>> base = {"objective": {"problem": "a", "scope": "x"}, "personas": [{"id": "p1", "name": "Ann"}]}
>>> theirs = {"objective": {"problem": "b", "scope": "x"}, "personas": [{"id": "p1", "name": "Ann"}]}
>>> ours = {"objective": {"problem": "a", "scope": "x"}, "personas": [{"id": "p1", "name": "Anne"},
...                                                                   {"id": "p2", "name": "Bo"}]}
>>> merged, clashes = merge(base, theirs, ours)
>>> merged["objective"]["problem"], [p["name"] for p in merged["personas"]], clashes
('b', ['Anne', 'Bo'], [])
>>> changes(base, ours)
['personas[id=p1].name', 'personas[id=p2]']
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class _Missing:
    """Marks a key or an item that one version does not have."""

    def __repr__(self) -> str:
        return "(absent)"


MISSING: Any = _Missing()

# lists that are sets of names, merged by union (two people each rewriting a different text of a persona)
SETS = (".edited",)


@dataclass(frozen=True)
class Clash:
    """A field both sides changed to different values: its path, and the base, their and our values."""

    path: str
    base: Any
    theirs: Any
    ours: Any

    def describe(self, theirs_label: str = "theirs", ours_label: str = "yours") -> str:
        """One line: the field, then each value (a removed item or key shows as ``(removed)``)."""
        return (f"{self.path}: {theirs_label} {_show(self.theirs)}, {ours_label} {_show(self.ours)} "
                f"(it was {_show(self.base, '(absent)')})")


def merge(base: Any, theirs: Any, ours: Any) -> tuple[Any, list[Clash]]:
    """Merge the changes from ``base`` to ``theirs`` and to ``ours`` (plain JSON-like data).

    Returns the merged data and the list of clashes; where there is a clash the merged data holds ours,
    and it must not be saved.
    """
    clashes: list[Clash] = []
    return _merge("", base, theirs, ours, clashes), clashes


def changes(base: Any, new: Any, path: str = "") -> list[str]:
    """The paths of the fields that differ between ``base`` and ``new``, in the merge's granularity."""
    if base == new:
        return []
    if _mapping(base) and _mapping(new):
        return [found for key in _keys(base, new) for found in
                changes(base.get(key, MISSING), new.get(key, MISSING), _join(path, key))]
    if _items(base, new):
        old, fresh = _by_id(base), _by_id(new)
        found = [change for key in _keys(old, fresh) for change in
                 changes(old.get(key, MISSING), fresh.get(key, MISSING), f"{path}[id={key}]")]
        shared = set(old) & set(fresh)
        if [i for i in old if i in shared] != [i for i in fresh if i in shared]:
            found.append(f"{path} (order)")
        return found
    return [path]


def _merge(path: str, base: Any, theirs: Any, ours: Any, clashes: list[Clash]) -> Any:
    if theirs == ours:
        return theirs
    if base == theirs:
        return ours
    if base == ours:
        return theirs
    if _mapping(theirs) and _mapping(ours) and (base is MISSING or _mapping(base)):
        base = {} if base is MISSING else base
        merged = {}
        for key in _keys(ours, theirs, base):
            value = _merge(_join(path, key), base.get(key, MISSING), theirs.get(key, MISSING),
                           ours.get(key, MISSING), clashes)
            if value is not MISSING:
                merged[key] = value
        return merged
    if all(isinstance(value, list) for value in (base, theirs, ours)) and _items(base, theirs, ours):
        return _merge_items(path, base, theirs, ours, clashes)
    if path.endswith(SETS):
        return _merge_set(base, theirs, ours)
    clashes.append(Clash(path, base, theirs, ours))
    return ours


def _merge_set(base: Any, theirs: Any, ours: Any) -> list:
    """A set of names: what either side added, without what either side removed."""
    base, theirs, ours = ([] if v is MISSING else v for v in (base, theirs, ours))
    removed = (set(base) - set(theirs)) | (set(base) - set(ours))
    return sorted((set(theirs) | set(ours)) - removed)


def _merge_items(path: str, base: list, theirs: list, ours: list, clashes: list[Clash]) -> list:
    old, mine, other = _by_id(base), _by_id(ours), _by_id(theirs)
    merged = {}
    for key in _keys(mine, other, old):
        value = _merge(f"{path}[id={key}]", old.get(key, MISSING), other.get(key, MISSING),
                       mine.get(key, MISSING), clashes)
        if value is not MISSING:
            merged[key] = value
    shared = set(old) & set(mine) & set(other)
    relative = [[key for key in side if key in shared] for side in (old, other, mine)]
    if relative[2] == relative[0]:  # we kept the order: follow theirs, add ours
        skeleton, added = list(other), list(mine)
    else:  # we reordered: theirs must not have reordered differently
        if relative[1] not in (relative[0], relative[2]):
            clashes.append(Clash(f"{path} (order)", list(old), list(other), list(mine)))
        skeleton, added = list(mine), list(other)
    order = [key for key in skeleton if key in merged]
    for index, key in enumerate(added):
        if key not in merged or key in order:
            continue
        before = next((k for k in reversed(added[:index]) if k in order), None)
        position = 0 if before is None else order.index(before) + 1
        while position < len(order) and order[position] not in old and order[position] not in added:
            position += 1  # after what the other side inserted at the same place
        order.insert(position, key)
    return [merged[key] for key in order]


def _mapping(value: Any) -> bool:
    """A mapping merged key by key: any dict but a two-language text."""
    return isinstance(value, dict) and set(value) != {"en", "fr"}


def _items(*values: Any) -> bool:
    """Lists of items with unique ids (at least one item among them), merged by id."""
    lists = [value for value in values if value is not MISSING]
    if not all(isinstance(value, list) for value in lists) or not any(lists):
        return False
    for value in lists:
        if not all(isinstance(item, dict) and "id" in item for item in value):
            return False
        if len({item["id"] for item in value}) != len(value):
            return False
    return True


def _by_id(items: Any) -> dict:
    return {} if items is MISSING else {item["id"]: item for item in items}


def _keys(*mappings: dict) -> list:
    seen: dict = {}
    for mapping in mappings:
        seen.update(dict.fromkeys(mapping))
    return list(seen)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any, absent: str = "(removed)", limit: int = 120) -> str:
    if value is MISSING:
        return absent
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
