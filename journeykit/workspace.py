"""A journey workspace: a folder with ``journey.yaml`` and the data it points at.

Reading turns every YAML or model problem into a :class:`~journeykit.errors.Problem` that names the line
and the field. Saving is atomic: the new text goes to a temporary file in the same folder, is flushed to
disk, and replaces ``journey.yaml`` in one rename, after the previous version was copied into
``history/``; a crash at any point leaves either the old or the new file, never half of one.

Every save increments ``revision``. A save whose journey was loaded at an older revision than the file
now has is refused with :class:`~journeykit.errors.ConflictError`, so two people editing the same
workspace never overwrite each other silently.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from pydantic import ValidationError

from .errors import ConflictError, Problem, WorkspaceError, WorkspaceNotFoundError
from .files import locked, write_atomic
from .model import Journey, Text, problem_from  # noqa: F401 - Text is used by the doctest

JOURNEY_FILE = "journey.yaml"
HISTORY_DIR = "history"
CACHE_DIR = ".journeykit"
HISTORY_LIMIT = 200
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
    """

    path: Path
    journey: Journey

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

        The file on disk must still be at the revision this workspace loaded; otherwise somebody else saved
        in between and :class:`ConflictError` says so (reload, re-apply the change, save again).
        """
        checked = parse_journey(dump_journey(journey), str(self.file))  # never write what cannot be read
        with locked(self.path / CACHE_DIR / "save.lock"):
            on_disk = _revision_on_disk(self.file)
            if on_disk is not None and on_disk != self.journey.revision:
                raise ConflictError(
                    f"{self.file} was saved by someone else (revision {on_disk}) since this copy was loaded "
                    f"(revision {self.journey.revision}). Reload the workspace, re-apply the change and save "
                    "again."
                )
            saved = checked.model_copy(update={"revision": self.journey.revision + 1})
            if self.file.exists():
                self._archive()
            write_atomic(self.file, dump_journey(saved))
        self.journey = saved
        return self

    def update(self, change: Callable[[Journey], Journey]) -> "Workspace":
        """Apply ``change`` to the newest saved journey and save it, as one locked step.

        Use this when several processes write to one workspace (parallel notebooks, two workshop tabs):
        ``change`` receives the journey as it is on disk now, so changes made by others since this copy
        was loaded are kept, not overwritten.
        """
        with locked(self.path / CACHE_DIR / "save.lock"):
            current = parse_journey(_read_text(self.file), str(self.file))
            changed = parse_journey(dump_journey(change(current)), str(self.file))
            saved = changed.model_copy(update={"revision": current.revision + 1})
            self._archive()
            write_atomic(self.file, dump_journey(saved))
        self.journey = saved
        return self

    def history(self) -> list[Path]:
        """Earlier versions of ``journey.yaml``, oldest first."""
        folder = self.path / HISTORY_DIR
        return sorted(folder.glob("journey-*.yaml")) if folder.is_dir() else []

    def restore(self, version: Path) -> "Workspace":
        """Save an earlier version as the newest one (the current one goes to history as usual)."""
        earlier = parse_journey(_read_text(version), str(version))
        return self.save(earlier.model_copy(update={"revision": self.journey.revision}))

    def _archive(self) -> None:
        folder = self.path / HISTORY_DIR
        folder.mkdir(exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        revision = _revision_on_disk(self.file) or 0
        shutil.copy2(self.file, folder / f"journey-{stamp}-r{revision}.yaml")
        for old in self.history()[:-HISTORY_LIMIT]:
            old.unlink()


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
