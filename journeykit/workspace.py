"""A journey workspace: a folder with ``journey.yaml`` and the data it points at.

Reading turns every YAML or model problem into a :class:`~journeykit.errors.Problem` that names the line
and the field. Saving is atomic: the new text goes to a temporary file in the same folder, is flushed to
disk, and replaces ``journey.yaml`` in one rename, after the previous version was copied into
``history/``; a crash at any point leaves either the old or the new file, never half of one.

Every save increments ``revision`` and is serialised with every other save of the workspace by a lock
(``.journeykit/save.lock``, released by the operating system even when its holder is killed). Two
people editing the same workspace never overwrite each other silently: :meth:`Workspace.update` applies
a change to the newest version; :meth:`Workspace.save` of a copy loaded at an older revision merges the
two sets of changes field by field against the version the copy was loaded from
(:mod:`journeykit.merge`), or, when both changed the same field, writes nothing and raises
:class:`~journeykit.errors.ConflictError` naming each such field and both values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from pydantic import ValidationError

from . import merge
from .errors import ConflictError, LockTimeoutError, Problem, WorkspaceError, WorkspaceNotFoundError
from .files import locked, remove_leftovers, write_atomic
from .model import Journey, Text, problem_from  # noqa: F401 - Text is used by the doctest

JOURNEY_FILE = "journey.yaml"
HISTORY_DIR = "history"
CACHE_DIR = ".journeykit"
HISTORY_LIMIT = 200
SAVE_LOCK = "save.lock"
SAVE_WAIT_SECONDS = 60  # longest wait for another process's save before LockTimeoutError
MAX_YAML_BYTES = 5_000_000
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 64


class _LineLoader(yaml.SafeLoader):
    """A safe loader that also records the line of every mapping key and sequence item."""


def _located(text: str, name: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML; return the data and a map from location tuple to 1-based line number."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple[Any, ...], int] = {}
        visited = [0]

        def walk(node: yaml.Node, path: tuple[Any, ...], depth: int) -> None:
            # Aliases share nodes, so a small "billion laughs" file expands here: bound depth and size.
            if depth > MAX_YAML_DEPTH:
                raise yaml.YAMLError(f"nesting deeper than {MAX_YAML_DEPTH} levels at line {node.start_mark.line + 1}")
            visited[0] += 1
            if visited[0] > MAX_YAML_NODES:
                raise yaml.YAMLError(f"more than {MAX_YAML_NODES} values once aliases are expanded")
            lines.setdefault(path, node.start_mark.line + 1)
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value in seen:
                        raise yaml.constructor.ConstructorError(None, None, f"key {key.value!r} is written twice", key.start_mark)
                    seen.add(getattr(key, "value", None))
                    child = path + (key.value,)
                    lines[child] = key.start_mark.line + 1
                    walk(value, child, depth + 1)
            elif isinstance(node, yaml.SequenceNode):
                for index, value in enumerate(node.value):
                    walk(value, path + (index,), depth + 1)

        if node is None:
            return None, {}
        walk(node, (), 0)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


def _line_of(location: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for cut in range(len(location), -1, -1):
        if location[:cut] in lines:
            return lines[location[:cut]]
    return None


def parse_journey(text: str, name: str = JOURNEY_FILE) -> Journey:
    """Validate the text of a ``journey.yaml``; raise :class:`WorkspaceError` listing every problem.

    Examples
    --------
    >>> parse_journey("name: Demo").name.en
    'Demo'
    >>> try:
    ...     parse_journey("name: Demo\\nstages:\\n  - {id: buy, name: Buy, colour: red}")
    ... except WorkspaceError as error:
    ...     print(error.problems[0])
    journey.yaml, line 3: stages[0].colour: this field is not allowed here (unknown key; check its spelling)
    """
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise WorkspaceError([Problem(name, f"is larger than {MAX_YAML_BYTES // 1_000_000} MB; a journey "
                                      "map is a few hundred KB at most")])
    try:
        data, lines = _located(text, name)
    except RecursionError:
        raise WorkspaceError([Problem(name, "is nested too deeply to be a journey map")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}, line {mark.line + 1}, column {mark.column + 1}" if mark else name
        reason = getattr(error, "problem", None) or str(error)
        raise WorkspaceError([Problem(where, f"is not valid YAML: {reason}",
                                      "Check the indentation and the quotes on that line.")]) from None
    if not isinstance(data, dict):
        raise WorkspaceError([Problem(name, "must be a YAML mapping with at least a 'name:' key")])

    def at(location: tuple[Any, ...]) -> str:
        line = _line_of(location, lines)
        return f"{name}, line {line}" if line else name

    try:
        journey = Journey.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = tuple(part for part in item["loc"] if part not in ("function-before[_from_string(), Text]",))
            message = _explain(item)
            problems.append((_line_of(location, lines) or 0, problem_from(location, message, at(location))))
        raise WorkspaceError([problem for _, problem in sorted(problems, key=lambda pair: pair[0])]) from None
    references = sorted(journey.reference_problems(), key=lambda item: _line_of(item[0], lines) or 0)
    if references:
        raise WorkspaceError([problem_from(loc, message, at(loc)) for loc, message in references])
    return journey


def _explain(item: dict[str, Any]) -> str:
    kind, message = item["type"], item["msg"]
    if kind == "extra_forbidden":
        return "this field is not allowed here (unknown key; check its spelling)"
    if kind == "missing":
        return "is required"
    if kind == "string_pattern_mismatch":
        pattern = item.get("ctx", {}).get("pattern", "")
        if "Q[1-4]" in pattern:
            return f"{item['input']!r} is not a quarter; write it like 2026Q3"
        return f"{item['input']!r} is not a valid id; use lower-case letters, digits and _, starting with a letter"
    if kind == "literal_error":
        return f"{item['input']!r} is not allowed; {message[0].lower()}{message[1:]}"
    return f"{message[0].lower()}{message[1:]} (got {item['input']!r})" if "input" in item else message


def dump_journey(journey: Journey) -> str:
    """The YAML text of a journey, keys in model order, defaults left out, UTF-8 text kept readable."""
    data = journey.model_dump(mode="json", exclude_defaults=True)
    data = {"schema_version": journey.schema_version, "revision": journey.revision, **data}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


@dataclass
class Workspace:
    """A journey folder. ``journey`` is the map as loaded; edit a copy and :meth:`save` it.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> ws = Workspace.create(folder, Journey(name="Demo"))
    >>> ws.save(ws.journey.model_copy(update={"name": Text(en="Demo 2", fr="Démo 2")})).journey.revision
    2
    >>> len(ws.history())
    1

    Saving a stale copy merges it with what others saved meanwhile when they changed other fields:

    >>> other = Workspace.open(folder)
    >>> _ = other.save(other.journey.model_copy(update={"template": "demo"}))
    >>> ws.save(ws.journey.model_copy(update={"name": Text(en="Demo 3")})).journey.revision, ws.merged
    (4, ['template'])
    """

    path: Path
    journey: Journey
    #: the fields saved by others that the last :meth:`save` merged in (empty when it merged nothing)
    merged: list[str] = field(default_factory=list, init=False, repr=False, compare=False)
    _base: Journey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._base = self.journey.model_copy(deep=True)  # what this copy was loaded from: the merge's base

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> "Workspace":
        """Read and validate ``path/journey.yaml``."""
        folder = Path(path)
        file = folder / JOURNEY_FILE if folder.is_dir() or not folder.suffix else folder
        folder = file.parent
        if not file.is_file():
            raise WorkspaceNotFoundError(
                f"No {JOURNEY_FILE} in {folder}. Create a workspace with "
                f"'journeykit init {folder} --template ecommerce' or point at an existing one."
            )
        _clean_leftovers(folder)
        text = _read_text(file)
        return cls(folder.resolve(), parse_journey(text, str(file)))

    @classmethod
    def create(cls, path: str | os.PathLike[str], journey: Journey | str) -> "Workspace":
        """Write a new workspace from a journey, or from YAML text (kept as written, comments included).

        Refuses when ``path`` already holds a ``journey.yaml``.
        """
        folder = Path(path)
        if (folder / JOURNEY_FILE).exists():
            raise FileExistsError(f"{folder / JOURNEY_FILE} already exists; open it instead of creating it")
        if isinstance(journey, str):
            text = re.sub(r"^revision:.*\n", "", journey, flags=re.M)
            text = re.sub(r"^(schema_version:)", r"revision: 1\n\1", text, count=1, flags=re.M)
            first = parse_journey(text, str(folder / JOURNEY_FILE))
        else:
            first = journey.model_copy(update={"revision": 1})
            text = dump_journey(first)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / JOURNEY_FILE, text)
        return cls(folder.resolve(), first)

    @property
    def file(self) -> Path:
        return self.path / JOURNEY_FILE

    @property
    def cache(self) -> Path:
        return self.path / CACHE_DIR

    def resolve(self, relative: str) -> Path:
        """A path of ``sources:`` made absolute; it must stay inside the workspace."""
        target = (self.path / relative).resolve()
        if not target.is_relative_to(self.path):
            raise WorkspaceError([Problem(str(self.file), f"source path {relative!r} points outside the "
                                          "workspace; copy or link the data into the workspace folder")])
        return target

    def save(self, journey: Journey) -> "Workspace":
        """Validate and write ``journey``; return the workspace at its new revision.

        When somebody else saved since this copy was loaded, the two are merged (:mod:`journeykit.merge`):
        the changes from the loaded version (the base, kept in memory) to ``journey`` and to the newest
        version on disk are compared field by field, by path (``personas[id=p1].name``,
        ``objective.problem``); items of lists are matched by ``id``. Changes to different fields are
        combined and saved as the next revision (:attr:`merged` lists the fields taken from the others).
        Changes to the same field, or a combination that would make an invalid map, are refused with
        :class:`ConflictError`, which names each field and both values; nothing is written.
        """
        checked = parse_journey(dump_journey(journey), str(self.file))  # never write what cannot be read
        merged: list[str] = []
        with locked(self.path / CACHE_DIR / SAVE_LOCK, timeout=SAVE_WAIT_SECONDS):
            theirs = self._changed_on_disk()
            if theirs is None:
                saved = checked.model_copy(update={"revision": self._base.revision + 1})
            else:
                saved, merged = self._merge(theirs, checked)
            if self.file.exists():
                self._archive()
            write_atomic(self.file, dump_journey(saved))
        self._saved(saved, merged)
        return self

    def update(self, change: Callable[[Journey], Journey], *, seen: Journey | None = None) -> "Workspace":
        """Apply ``change`` to the newest saved journey and save it, as one locked step.

        Use this when several processes write to one workspace (parallel notebooks, two workshop tabs):
        ``change`` receives the journey as it is on disk now, so changes made by others since this copy
        was loaded are kept, not overwritten.

        ``seen`` is the journey the person was looking at when they made the change (the one a form was
        filled from). When it is given, the change is merged like a stale :meth:`save` with ``seen`` as the
        base: a field that somebody else changed since ``seen`` and that the change sets to another value
        is a :class:`ConflictError` (nothing written), and a field the change writes back unchanged from
        ``seen`` keeps the other person's newer value.
        """
        merged: list[str] = []
        with locked(self.path / CACHE_DIR / SAVE_LOCK, timeout=SAVE_WAIT_SECONDS):
            current = parse_journey(_read_text(self.file), str(self.file))
            changed = parse_journey(dump_journey(change(current)), str(self.file))
            if seen is not None and seen != current:
                changed, merged = self._merge(current, changed, seen)
            saved = changed.model_copy(update={"revision": current.revision + 1})
            self._archive()
            write_atomic(self.file, dump_journey(saved))
        self._saved(saved, merged)
        return self

    def history(self) -> list[Path]:
        """Earlier versions of ``journey.yaml``, oldest first."""
        folder = self.path / HISTORY_DIR
        return sorted(folder.glob("journey-*.yaml")) if folder.is_dir() else []

    def restore(self, version: Path) -> "Workspace":
        """Save an earlier version as the newest one (the current one goes to history as usual).

        The earlier version replaces whatever is newest on disk, even when this copy is stale: restoring
        is how a conflict or a bad edit is undone, and what it replaces stays in ``history/``.
        """
        earlier = parse_journey(_read_text(version), str(version))
        return self.update(lambda current: earlier.model_copy(update={"revision": current.revision}))

    def _changed_on_disk(self) -> Journey | None:
        """The journey on disk when it is not the one this copy was loaded from (a save or a hand edit)."""
        on_disk = _revision_on_disk(self.file)
        if on_disk is None:
            return None
        if on_disk != self._base.revision:
            return parse_journey(_read_text(self.file), str(self.file))
        try:  # same revision: edited by hand in the meantime?
            current = parse_journey(_read_text(self.file), str(self.file))
        except WorkspaceError:
            return None  # broken by hand: this save repairs it (the broken text goes to history/)
        return None if current == self._base else current

    def _merge(self, theirs: Journey, ours: Journey, seen: Journey | None = None) -> tuple[Journey, list[str]]:
        """``ours`` and ``theirs`` merged against ``seen`` (default: this copy's base), or :class:`ConflictError`."""
        def data(journey: Journey) -> dict:
            return journey.model_dump(mode="json", exclude={"revision"})

        start = self._base if seen is None else seen
        base, other, mine = data(start), data(theirs), data(ours)
        combined, clashes = merge.merge(base, other, mine)
        since = "this copy was loaded" if seen is None else "the version this change was made on"
        stale = (f"{self.file} was saved by someone else (revision {theirs.revision}) since {since} "
                 f"(revision {start.revision})" if theirs.revision != start.revision else
                 f"{self.file} was edited outside journeykit since {since} (revision {start.revision})")
        how = ("Nothing was written. To resolve: reload the workspace (Workspace.open) to see their version and "
               "apply your change again, or make it with Workspace.update(change), which applies it to the "
               "newest version; to go back to an earlier version use Workspace.restore(version) with one of "
               "Workspace.history().")
        if clashes:
            lines = [clash.describe(f"theirs (revision {theirs.revision})", "yours") for clash in clashes]
            raise ConflictError(f"{stale}, and both changed the same field{'s' if len(clashes) > 1 else ''} "
                                f"({len(clashes)} conflict{'s' if len(clashes) > 1 else ''}):\n"
                                + "\n".join(f"  - {line}" for line in lines) + f"\n{how}", clashes)
        try:
            result = parse_journey(dump_journey(Journey.model_validate(combined)), str(self.file))
        except (WorkspaceError, ValueError) as error:
            problems = error.problems if isinstance(error, WorkspaceError) else [str(error)]
            raise ConflictError(f"{stale}; the two sets of changes touch different fields but together make "
                                "an invalid map:\n" + "\n".join(f"  - {problem}" for problem in problems)
                                + f"\n{how}") from None
        differs = set(merge.changes(other, data(result)))
        taken = [path for path in merge.changes(base, other) if path not in differs]  # their changes kept
        return result.model_copy(update={"revision": theirs.revision + 1}), taken

    def _saved(self, saved: Journey, merged: list[str]) -> None:
        self.journey = saved
        self._base = saved.model_copy(deep=True)
        self.merged = merged

    def _archive(self) -> None:
        """Copy ``journey.yaml`` into ``history/`` (atomically; once per revision)."""
        folder = self.path / HISTORY_DIR
        data = self.file.read_bytes()
        revision = _revision_on_disk(self.file) or 0
        newest = self.history()[-1:]
        if not (newest and newest[0].name.endswith(f"-r{revision}.yaml") and newest[0].read_bytes() == data):
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            write_atomic(folder / f"journey-{stamp}-r{revision}.yaml", data)  # a kill never leaves half a copy
        for old in self.history()[:-HISTORY_LIMIT]:
            old.unlink()


def _clean_leftovers(folder: Path) -> None:
    """Remove temporary files of saves that were killed, if no save is running now (never blocks)."""
    history = folder / HISTORY_DIR
    if not (any(folder.glob(f".{JOURNEY_FILE}.*.part")) or any(history.glob(".journey-*.part"))):
        return
    try:
        with locked(folder / CACHE_DIR / SAVE_LOCK, timeout=0):
            remove_leftovers(folder, JOURNEY_FILE)
            remove_leftovers(history, "journey-*.yaml")
    except (LockTimeoutError, OSError):
        pass  # a save is running (or the folder is read-only): the next open cleans up


def _read_text(file: Path) -> str:
    data = file.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise WorkspaceError([Problem(f"{file}, line {line}", "is not UTF-8 text",
                                      "Save the file as UTF-8 in your editor.")]) from None


def _revision_on_disk(file: Path) -> int | None:
    if not file.exists():
        return None
    for line in _read_text(file).splitlines():
        if line.startswith("revision:"):
            try:
                return int(line.split(":", 1)[1])
            except ValueError:
                return None
    return 0
