"""How a source's ``sources:`` mapping meets its files: which files, which columns, which map ids.

:func:`_files` expands a source's paths (inside the workspace only); :func:`_mapping_problems` checks the
mapping against the data contract and the map; :func:`_resolve_columns` finds each contract column in a
file; :func:`_mapped` turns category values into the map's ids. Labels are matched leniently
(:func:`_fold`: case, accents, spaces and punctuation ignored).
"""

from __future__ import annotations

import difflib
import glob
import re
from pathlib import Path

from . import coerce, contract, readers
from .errors import Problem
from .findings import plural
from .model import Journey, Source
from .readers import q
from .workspace import Workspace

def _files(ws: Workspace, name: str, source: Source) -> tuple[list[Path], list[Problem]]:
    """The files of a source (globs expanded, sorted); every path must stay inside the workspace."""
    files, problems = [], []
    where = f"{ws.file}, sources.{name}.path"
    for pattern in source.paths:
        matches = sorted(Path(match) for match in glob.glob(str(ws.path / pattern)))
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts or any(
                not match.resolve().is_relative_to(ws.path) for match in matches):
            problems.append(Problem(where, f"{pattern!r} points outside the workspace folder {ws.path}",
                                    "Copy the file into the workspace (for example into data/) and give a "
                                    "path relative to the workspace."))
            continue
        found = [match for match in matches if match.is_file()]
        if not found:
            problems.append(Problem(where, f"no file matches {pattern!r} in {ws.path}",
                                    "Check the file name, or drop the export into the workspace's data/ folder."))
        files += found
    return files, problems


def _labels(journey: Journey, collection: str) -> dict[str, str]:
    """Folded id and names (en, fr) of a collection's items -> id, for matching raw values leniently."""
    labels: dict[str, str] = {}
    items = journey.all_channels() if collection == "channels" else getattr(journey, collection)
    for item in items:
        for label in (item.name.en, item.name.fr, item.id):
            if label:
                labels[_fold(label)] = item.id
    return labels


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-.']+", "", coerce.fold(text))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", coerce.fold(text)).strip("_") or "column"


def _mapping_problems(ws: Workspace, name: str, source: Source) -> list[Problem]:
    where = f"{ws.file}, sources.{name}"
    known = [column.name for column in contract.TABLES[name]]
    problems = []
    for key, section in (("columns", source.columns), ("values", source.values), ("patterns", source.patterns)):
        for column in section:
            if column not in known:
                close = difflib.get_close_matches(column, known, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                problems.append(Problem(f"{where}.{key}", f"{column!r} is not a column of {name}.{hint} "
                                        f"Known: {', '.join(known)}"))
    ids = {"touchpoint": {tp.id for tp in ws.journey.touchpoints}, "stage": set(ws.journey.stage_ids()),
           "channel": {channel.id for channel in ws.journey.all_channels()}}
    for column, mapping in source.values.items():
        known_ids = ids.get(column)
        for raw, target in mapping.items() if known_ids is not None else ():
            if target not in known_ids:
                problems.append(Problem(f"{where}.values.{column}", f"{raw!r} is mapped to {target!r}, which is "
                                        f"not a known {column}. Known: {', '.join(sorted(known_ids))}"))
    if source.attributes and name != "customers":
        problems.append(Problem(f"{where}.attributes", "attributes are only read for customers"))
    return problems


def _resolve_columns(name: str, source: Source, raw: readers.RawTable) -> tuple[dict[str, str], list[Problem]]:
    """journeykit column -> file column, and a problem per mapped column the file lacks."""
    by_fold = {_fold(column): column for column in raw.columns}
    resolved, problems = {}, []
    available = ", ".join(repr(c) for c in raw.columns) or "none"
    for spec in contract.TABLES[name]:
        mapped = source.columns.get(spec.name)
        if mapped is not None:
            if mapped in raw.columns:
                resolved[spec.name] = mapped
            else:
                close = difflib.get_close_matches(mapped, list(raw.columns), n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                problems.append(Problem(str(raw.file), f"has no column {mapped!r} (mapped to {spec.name}).{hint} "
                                        f"Columns in the file: {available}"))
        elif _fold(spec.name) in by_fold:
            resolved[spec.name] = by_fold[_fold(spec.name)]
        elif spec.required:
            problems.append(Problem(str(raw.file), f"has no column for {spec.name!r} ({spec.help or spec.allowed()}), "
                                    f"which {name} requires. Columns in the file: {available}",
                                    f"Map it in sources.{name}.columns, e.g. {spec.name}: <your column>."))
    for attribute in source.attributes:
        if attribute not in raw.columns:
            problems.append(Problem(str(raw.file), f"has no column {attribute!r} (listed in attributes). "
                                    f"Columns in the file: {available}"))
    return resolved, problems


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def _mapped(con, journey: Journey, name: str, source: Source, raw: readers.RawTable, expressions: list[str]
            ) -> tuple[str, list[Problem]]:
    """Map category values to the map's ids (``values:``, touchpoint ``events:``, names); list unknowns."""
    base = f"(SELECT {', '.join(expressions)} FROM {q(raw.name)})"
    problems: list[Problem] = []
    replacements: dict[str, str] = {}
    for (table, column), collection in contract.MAP_REFERENCES.items():
        if table != name:
            continue
        explicit = source.values.get(column, {})
        labels = _labels(journey, {"touchpoint": "touchpoints", "channel": "channels", "stage": "stages"}[collection])
        events = journey.event_to_touchpoint() if collection == "touchpoint" else {}
        distinct = con.execute(f"SELECT {q(column)}, count(*), min(__rowid) FROM {base} "
                               f"WHERE {q(column)} IS NOT NULL GROUP BY 1 ORDER BY 3").fetchall()
        mapping, unknown = {}, []
        for value, count, first in distinct:
            target = explicit.get(value) or events.get(value) or labels.get(_fold(value))
            if target is not None:
                if target != value:
                    mapping[value] = target
            elif collection != "touchpoint":  # unmapped touchpoints are findings, not errors
                unknown.append((value, count, first))
        known_ids = sorted(set(labels.values()))
        for value, count, first in unknown[:20]:
            close = difflib.get_close_matches(_fold(value), known_ids, n=1, cutoff=0.5)
            example = f" (e.g. {_short(value)!r}: {close[0]})" if close else ""
            problems.append(Problem(
                f"{raw.file}, row {raw.row_of(first)}, column {source.columns.get(column, column)!r}",
                f"{_short(value)!r} is not a known {collection} ({plural(count, 'row')}). Known: {', '.join(known_ids)}.",
                f"Map it in sources.{name}.values.{column}{example} or add it to the {collection}s of journey.yaml."))
        if len(unknown) > 20:
            problems.append(Problem(str(raw.file), f"{len(unknown) - 20} more unknown {collection} values"))
        if mapping:
            table_name = f"map_{raw.name}_{column}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {q(table_name)} (raw VARCHAR, value VARCHAR)")
            con.executemany(f"INSERT INTO {q(table_name)} VALUES (?, ?)", list(mapping.items()))
            replacements[column] = table_name
    if not replacements:
        return f"SELECT * FROM {base}", problems
    joins, columns = [], []
    for index, (column, table_name) in enumerate(replacements.items()):
        joins.append(f"LEFT JOIN {q(table_name)} m{index} ON m{index}.raw = b.{q(column)}")
        columns.append(f"coalesce(m{index}.value, b.{q(column)}) AS {q(column)}")
    return f"SELECT b.* REPLACE ({', '.join(columns)}) FROM {base} b {' '.join(joins)}", problems
