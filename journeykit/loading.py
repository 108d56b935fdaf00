"""Load a workspace's data once: read every source, validate it, and keep a typed copy for the analyses.

:func:`load` reads each logical table through its ``sources:`` mapping, checks every cell against the data
contract (:mod:`journeykit.contract`) and collects *problems* (what cannot be read: a missing column, a
cell that is not a date, an unknown channel) and *findings* (what can be read but deserves attention:
events of an unmapped touchpoint, customers missing from the CRM, duplicate rows, scores out of range).
Problems stop the load with one :class:`~journeykit.errors.DataError` listing all of them; findings are
kept in the :class:`Dataset` and shown by ``journeykit check`` and step 2, never silently applied.

What the loader does with a finding, so that nothing is dropped unsaid: exact duplicate rows are kept
once; a customer id repeated in the CRM keeps its first row; a score outside its scale is set to blank
(it counts in no metric); an unmapped touchpoint keeps its raw name. Each is counted in its finding.

The typed tables are written as Parquet under ``.journeykit/tables/`` with a fingerprint of the files and
of the mapping: the next load reuses them until a file or the map changes. Each problem list shows up to
:data:`EXAMPLES` rows per column and check, then how many more rows have the same problem.
"""

from __future__ import annotations

import difflib
import glob
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from . import coerce, contract, readers
from .contract import Column
from .errors import DataError, Problem
from .files import locked, replacing, write_atomic
from .model import Journey, Source
from .pii import PersonalColumn, merged, scan
from .pii import transcripts as pii_transcripts
from .readers import q
from .workspace import Workspace

EXAMPLES = 5
FORMAT_VERSION = 2  # 2: personal-data columns kept with each table
EARLIEST = datetime(1990, 1, 1)


@dataclass
class Finding:
    """Something readable that deserves attention; ``count`` rows (or customers) are concerned."""

    table: str
    code: str
    message: str
    count: int
    examples: list[Any] = field(default_factory=list)


@dataclass
class TableInfo:
    """What was loaded for one logical table."""

    name: str
    files: list[str]
    rows: int
    columns: dict[str, str]  # journeykit column -> file column, for the columns that were found
    path: str = ""
    customers: int | None = None
    first: str | None = None
    last: str | None = None
    completeness: dict[str, float] = field(default_factory=dict)
    personal: list[dict[str, Any]] = field(default_factory=list)  # columns that look like personal data (pii)


@dataclass
class Dataset:
    """The validated data of a workspace: typed tables, their description and the findings."""

    workspace: Workspace
    tables: dict[str, TableInfo]
    findings: list[Finding]
    missing: list[str]

    def path(self, table: str) -> Path:
        """The typed Parquet file of ``table``; a clear error when the workspace has no such source."""
        if table not in self.tables:
            raise DataError([Problem(str(self.workspace.file), f"has no '{table}' source, which this step "
                                     f"needs. Add sources.{table} (see data/README.md in the workspace).")])
        return Path(self.tables[table].path)

    def has(self, table: str) -> bool:
        return table in self.tables

    @property
    def personal_data(self) -> list[PersonalColumn]:
        """Every file column that looks like personal data, and how the map uses it (see :mod:`journeykit.pii`)."""
        return [PersonalColumn(**column) for info in self.tables.values() for column in info.personal]


def load(workspace: Workspace | str | os.PathLike[str], *, refresh: bool = False) -> Dataset:
    """Read, validate and stage every source of ``workspace``; raise :class:`DataError` listing all problems."""
    problems, dataset = check(workspace, refresh=refresh)
    if problems:
        raise DataError(problems)
    return dataset


def check(workspace: Workspace | str | os.PathLike[str], *, refresh: bool = False
          ) -> tuple[list[Problem], Dataset]:
    """Like :func:`load` but returns the problems instead of raising (tables with problems are not staged)."""
    ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace)
    journey = ws.journey
    missing = [name for name in contract.TABLE_NAMES if getattr(journey.sources, name) is None]
    with locked(ws.cache / "load.lock"):  # parallel steps wait for one staging instead of racing
        problems, tables, findings = _staged_dataset(ws, refresh)
    if journey.sources.interviews is not None:
        from .interviews import read_interviews

        transcripts, interview_problems = read_interviews(ws, journey.sources.interviews)
        problems += interview_problems
        if not interview_problems:
            tables["interviews"] = TableInfo("interviews", sorted({t.file for t in transcripts}),
                                             sum(len(t.quotes) for t in transcripts), {})
            quotes = {t.file: [quote.text for quote in t.quotes] for t in transcripts}
            with_ids = sum(1 for t in transcripts if t.meta.get("customer_id"))
            found = pii_transcripts(quotes, ", ".join(journey.sources.interviews.paths), with_ids)
            tables["interviews"].personal = [asdict(column) for column in found]
    return problems, Dataset(ws, tables, findings, missing)


def _staged_dataset(ws: Workspace, refresh: bool) -> tuple[list[Problem], dict[str, TableInfo], list[Finding]]:
    """Every table of ``ws`` read, validated and staged (or taken from the cache when nothing changed)."""
    folder = ws.cache / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    cached = None if refresh else _cached_dataset(ws, folder)
    if cached is not None:
        return [], *cached
    con = _connect(ws)
    try:
        return _stage_all(con, ws, folder, refresh)
    except duckdb.Error as error:
        from .engine import limit_error

        settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('memory_limit', 'max_temp_directory_size', 'temp_directory')").fetchall())
        explained = limit_error(error, settings)
        if explained is None:
            raise
        raise explained from error
    finally:
        con.close()


def _stage_all(con, ws: Workspace, folder: Path, refresh: bool
               ) -> tuple[list[Problem], dict[str, TableInfo], list[Finding]]:
    problems: list[Problem] = []
    tables: dict[str, TableInfo] = {}
    findings: list[Finding] = []
    for name in contract.TABLES:
        source = getattr(ws.journey.sources, name)
        if source is None:
            continue
        staged = _stage(con, ws, name, source, folder, refresh)
        problems += staged.problems
        if not staged.problems:
            tables[name] = staged.info
            findings += staged.findings
    if not problems:
        findings += _cross_findings(con, tables)
        _remember_dataset(ws, folder, tables, findings)
    return problems, tables, findings


def _dataset_fingerprint(ws: Workspace) -> str | None:
    """One fingerprint of every source's files and mapping; ``None`` when a source has no file yet."""
    parts = []
    for name in contract.TABLES:
        source = getattr(ws.journey.sources, name)
        if source is None:
            continue
        files, problems = _files(ws, name, source)
        if problems:
            return None
        parts.append(_fingerprint(ws, name, source, files))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _cached_dataset(ws: Workspace, folder: Path) -> tuple[dict[str, TableInfo], list[Finding]] | None:
    """The tables and findings of the last load, when no file and no mapping changed since (no engine needed)."""
    meta_file = folder / "dataset.json"
    if not meta_file.exists():
        return None
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    if meta.get("fingerprint") != _dataset_fingerprint(ws):
        return None
    tables = {name: TableInfo(**info) for name, info in meta["tables"].items()}
    if not all(Path(info.path).exists() for info in tables.values()):
        return None
    return tables, [Finding(**item) for item in meta["findings"]]


def _remember_dataset(ws: Workspace, folder: Path, tables: dict[str, TableInfo], findings: list[Finding]) -> None:
    meta = {"fingerprint": _dataset_fingerprint(ws), "tables": {n: asdict(i) for n, i in tables.items()},
            "findings": [asdict(f) for f in findings]}
    write_atomic(folder / "dataset.json", json.dumps(meta, indent=1, default=str))


def _connect(ws: Workspace) -> duckdb.DuckDBPyConnection:
    from .engine import duckdb_settings  # the same guard rails as the analyses (memory, spill cap)

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for key, value in duckdb_settings(ws.journey.engine, ws.cache / "spill").items():
        con.execute(f"SET {key} = '{value}'")
    return con


@dataclass
class _Staged:
    info: TableInfo
    problems: list[Problem]
    findings: list[Finding]


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


def _fingerprint(ws: Workspace, name: str, source: Source, files: list[Path]) -> str:
    journey = ws.journey
    parts: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "source": source.model_dump(mode="json"),
        "files": [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files],
        "map": {"touchpoints": journey.event_to_touchpoint(), "channels": _labels(journey, "channels"),
                "stages": _labels(journey, "stages"), "touchpoint_names": _labels(journey, "touchpoints")},
    }
    if name != "customers" and journey.sources.customers is not None:
        parts["customers"] = journey.sources.customers.model_dump(mode="json")
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _stage(con, ws: Workspace, name: str, source: Source, folder: Path, refresh: bool) -> _Staged:
    files, problems = _files(ws, name, source)
    target, meta_file = folder / f"{name}.parquet", folder / f"{name}.json"
    fingerprint = _fingerprint(ws, name, source, files) if not problems else ""
    if not problems and not refresh and meta_file.exists() and target.exists():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("fingerprint") == fingerprint:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT * FROM read_parquet(?)", [str(target)])
            return _Staged(TableInfo(**meta["info"]), [], [Finding(**item) for item in meta["findings"]])
    problems += _mapping_problems(ws, name, source)
    if option_problems := _option_problems(con, ws, name, source):  # the engine would fail on them
        return _Staged(TableInfo(name, [str(f.relative_to(ws.path)) for f in files], 0, {}),
                       problems + option_problems, [])
    parts, columns_used, notes, personal = [], {}, [], []
    for index, file in enumerate(files):
        raw = readers.read(con, f"raw_{name}_{index}", file, source.options, ws.cache / "scratch")
        problems += raw.problems
        if raw.format == "unknown":
            continue
        select, used, file_problems, file_notes = _typed_select(con, ws, name, source, raw)
        problems += file_problems
        notes += file_notes
        columns_used.update(used)
        if select:
            parts.append(select)
        if not raw.problems and not file_problems:  # a file that cannot be used is not worth a scan
            personal += _personal(con, name, source, raw, used, ws)
    shown = [str(file.relative_to(ws.path)) for file in files]
    info = TableInfo(name, shown, 0, columns_used)
    if problems or not parts:
        return _Staged(info, problems, [])
    con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name + '__all')} AS " + " UNION ALL BY NAME ".join(parts))
    columns = [column.name for column in contract.TABLES[name]]
    extra = [f"attr_{_slug(attribute)}" for attribute in source.attributes] if name == "customers" else []
    listed = ", ".join(q(c) for c in columns + extra)
    if name == "customers":
        con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT {listed} FROM {q(name + '__all')} "
                    "QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY __file, __rowid) = 1")
    elif name == "survey" and not {"response_id", "customer_id"} & set(columns_used):
        # anonymous answers with the same date and scores are different people: keep every row
        con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT {listed} FROM {q(name + '__all')}")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT DISTINCT {listed} FROM {q(name + '__all')}")
    findings = notes + _duplicate_findings(con, name) + _table_findings(con, ws.journey, name)
    info = _describe(con, name, info)
    info.personal = [asdict(column) for column in merged(personal)]
    if not info.rows:
        findings.append(Finding(name, "no_rows", f"{', '.join(shown)}: a header but no data rows; the steps that "
                                f"need {name} will have nothing to measure", 0))
    with replacing(target) as temporary:
        con.execute(f"COPY {q(name)} TO '{temporary.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
    info.path = str(target)
    meta = {"fingerprint": fingerprint, "info": asdict(info), "findings": [asdict(f) for f in findings]}
    write_atomic(meta_file, json.dumps(meta, indent=1, default=str))
    for table in [f"raw_{name}_{index}" for index in range(len(files))] + [name + "__all"]:
        con.execute(f"DROP TABLE IF EXISTS {q(table)}")
    return _Staged(info, [], findings)


def _personal(con, name: str, source: Source, raw: readers.RawTable, used: dict[str, str],
              ws: Workspace) -> list[PersonalColumn]:
    """The columns of one file that look like personal data, with how the map reads each."""
    usage = {column: spec for spec, column in used.items()}
    usage.update({attribute: f"attribute {attribute!r}" for attribute in source.attributes})
    return scan(con, raw.name, raw.columns, name, str(raw.file.relative_to(ws.path)), usage)


def _option_problems(con, ws: Workspace, name: str, source: Source) -> list[Problem]:
    """A date format or an extraction pattern that the engine refuses (Python may accept it)."""
    problems = []
    where = f"{ws.file}, sources.{name}"
    if source.options.date_format and (error := coerce.date_format_error(con, source.options.date_format)):
        problems.append(Problem(f"{where}.options.date_format", f"{source.options.date_format!r} is not a date "
                                f"format: {error}", "Use strptime codes, e.g. '%d/%m/%Y %H:%M'."))
    for column, pattern in source.patterns.items():
        if error := coerce.pattern_error(con, pattern):
            problems.append(Problem(f"{where}.patterns.{column}", f"{pattern!r} is not a pattern the engine can run: "
                                    f"{error}", "Use RE2 syntax: no look-behind (?<=...), no back-reference \\1."))
    return problems


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


def _typed_select(con, ws: Workspace, name: str, source: Source, raw: readers.RawTable
                  ) -> tuple[str, dict[str, str], list[Problem]]:
    """The SELECT that types one file's rows, the columns it used, and every unreadable cell."""
    resolved, problems = _resolve_columns(name, source, raw)
    if problems:
        return "", resolved, problems, []
    table, options = q(raw.name), source.options
    notes: list[Finding] = []
    expressions = ["rowid AS __rowid", f"'{raw.file.as_posix().replace(chr(39), chr(39) * 2)}' AS __file"]
    checks: list[tuple[Column, str, str, str]] = []  # spec, file column, cell sql, value sql
    for spec in contract.TABLES[name]:
        column = resolved.get(spec.name)
        if column is None:
            expressions.append(f"{_null_of(spec.kind)} AS {q(spec.name)}")
            continue
        raw_type = raw.columns[column]
        pattern = source.patterns.get(spec.name)
        settings = _detect(con, table, column, spec, raw_type, raw, options, pattern)
        if settings.pop("ambiguous", False):
            notes.append(Finding(name, "ambiguous_dates", f"{raw.file.name}, column {column!r}: every date fits both "
                                 "day/month and month/day; read as day/month. Set options.date_format "
                                 "(e.g. '%m/%d/%Y') if they are month/day", 0))
        value = coerce.value_sql(column, spec.kind, raw_type, pattern=pattern, **settings)
        if spec.kind == "date":
            value = f"CAST({value} AS DATE)"
        cell = coerce.cell_sql(column)
        expressions.append(f"{value} AS {q(spec.name)}")
        checks.append((spec, column, cell, value))
    for attribute in source.attributes:
        raw_type = raw.columns[attribute]
        spec = Column(attribute, "number")
        settings = _detect(con, table, attribute, spec, raw_type, raw, options, None)
        settings.pop("ambiguous", None)
        number = coerce.value_sql(attribute, "number", raw_type, **settings)
        cell = coerce.cell_sql(attribute)
        all_numbers = con.execute(f"SELECT count(*) FILTER ({cell} IS NOT NULL AND {number} IS NULL) = 0 "
                                  f"AND count({cell}) > 0 FROM {table}").fetchone()[0]
        expressions.append(f"{number if all_numbers else cell} AS {q('attr_' + _slug(attribute))}")
    problems += _unreadable(con, table, raw, checks)
    mapped_select, mapping_problems = _mapped(con, ws.journey, name, source, raw, expressions)
    return mapped_select, resolved, problems + mapping_problems, notes


def _null_of(kind: str) -> str:
    types = {"number": "DOUBLE", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE",
             "timestamp": "TIMESTAMP"}
    return f"CAST(NULL AS {types.get(kind, 'VARCHAR')})"


def _detect(con, table, column, spec, raw_type, raw, options, pattern) -> dict[str, Any]:
    """The decimal mark or date order of one column, from its distinct values (options win)."""
    if raw_type != "VARCHAR" and pattern is None:
        return {}
    cell = coerce.cell_sql(column)
    if pattern is not None:
        cell = f"NULLIF(regexp_extract({cell}, '{pattern.replace(chr(39), chr(39) * 2)}', 1), '')"
    sample = [row[0] for row in con.execute(f"SELECT DISTINCT {cell} FROM {table} WHERE {cell} IS NOT NULL "
                                            "LIMIT 20000").fetchall()]
    if spec.kind in ("number", "integer"):
        return {"decimal": options.decimal or coerce.detect_decimal(sample, raw.delimiter)}
    if spec.kind in ("date", "timestamp"):
        order, ambiguous = coerce.detect_date_order(sample)
        return {"order": order, "date_format": options.date_format,
                "ambiguous": ambiguous and not options.date_format}
    return {}


def _unreadable(con, table: str, raw: readers.RawTable, checks) -> list[Problem]:
    problems = []
    for spec, column, cell, value in checks:
        label = f"column {column!r}" + (f" ({spec.name})" if column != spec.name else "")
        if spec.kind in ("id", "text", "category"):
            condition = f"{cell} IS NULL" if spec.required else ""
        else:
            condition = f"{value} IS NULL" if spec.required else f"{cell} IS NOT NULL AND {value} IS NULL"
        if not condition:
            continue
        total = con.execute(f"SELECT count(*) FROM {table} WHERE {condition}").fetchone()[0]
        if not total:
            continue
        rows = con.execute(f"SELECT rowid, {cell} FROM {table} WHERE {condition} ORDER BY rowid LIMIT {EXAMPLES}"
                           ).fetchall()
        for rowid, shown in rows:
            where = f"{raw.file}, row {raw.row_of(rowid)}, {label}"
            if shown is None:
                problems.append(Problem(where, f"is blank, but {spec.name} is required ({spec.allowed()})"))
            else:
                hint = _hint(spec)
                problems.append(Problem(where, f"{_short(shown)!r} is not {spec.allowed()}.{hint}"))
        if total > len(rows):
            more = total - len(rows)
            problems.append(Problem(f"{raw.file}, {label}", f"{plural(more, 'more row')} with the same problem "
                                    f"({total:,} in all)"))
    return problems


def _hint(spec: Column) -> str:
    if spec.kind in ("date", "timestamp"):
        return " Set options.date_format (e.g. '%d/%m/%Y %H:%M') if the file uses another layout."
    if spec.kind in ("number", "integer"):
        return " Set options.decimal or a pattern if the number is inside a text."
    return ""


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


def plural(count: int, noun: str) -> str:
    """``1 row``, ``2 rows``, ``1,234 customers``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _duplicate_findings(con, name: str) -> list[Finding]:
    before = con.execute(f"SELECT count(*) FROM {q(name + '__all')}").fetchone()[0]
    after = con.execute(f"SELECT count(*) FROM {q(name)}").fetchone()[0]
    if before == after:
        return []
    if name == "customers":
        examples = [row[0] for row in con.execute(
            f"SELECT customer_id FROM {q(name + '__all')} GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 3"
        ).fetchall()]
        return [Finding(name, "duplicate_ids", f"repeated customer ids: {plural(before - after, 'row')}; the first "
                        "row of each customer is used", before - after, examples)]
    return [Finding(name, "duplicate_rows", f"exact duplicate rows: {before - after:,}; each is counted once", before - after)]


def _table_findings(con, journey: Journey, name: str) -> list[Finding]:
    """Findings inside one (deduplicated) table; out-of-range scores are blanked after being counted."""
    table = q(name)
    findings = []
    for spec in contract.TABLES[name]:
        if spec.low is None or spec.high is None:
            continue
        column = q(spec.name)
        outside = f"{column} < {spec.low} OR {column} > {spec.high}"
        count, values = con.execute(f"SELECT count(*), list(DISTINCT {column} ORDER BY {column}) FILTER "
                                    f"(WHERE {outside}) FROM {table} WHERE {outside}").fetchone()
        if count:
            findings.append(Finding(name, "out_of_range", f"{spec.name} outside {spec.low:g}-{spec.high:g}: "
                                    f"{plural(count, 'value')} ({', '.join(map(str, (values or [])[:5]))}); "
                                    "counted in no metric", count, list(values or [])[:5]))
            con.execute(f"UPDATE {table} SET {column} = NULL WHERE {outside}")
    time_column = contract.TIME_COLUMNS.get(name)
    if time_column:
        latest = datetime.now() + timedelta(days=1)
        count, examples = con.execute(
            f"SELECT count(*), list(DISTINCT CAST({q(time_column)} AS VARCHAR))[:3] FROM {table} WHERE "
            f"{q(time_column)} < ? OR {q(time_column)} > ?", [EARLIEST, latest]).fetchone()
        if count:
            findings.append(Finding(name, "implausible_dates", f"{time_column} before {EARLIEST:%Y} or in the "
                                    f"future: {plural(count, 'value')}", count, examples or []))
    if name == "tickets":
        count = con.execute(f"SELECT count(*) FROM {table} WHERE closed_at < opened_at").fetchone()[0]
        if count:
            findings.append(Finding(name, "time_order", f"tickets closed before they were opened: "
                                    f"{count:,}; their resolution time is left blank", count))
            con.execute(f"UPDATE {table} SET closed_at = NULL WHERE closed_at < opened_at")
    if name in ("events", "survey", "tickets"):
        known = set(journey.event_to_touchpoint().values())
        rows = con.execute(f"SELECT touchpoint, count(*), count(DISTINCT customer_id) FROM {table} WHERE "
                           "touchpoint IS NOT NULL GROUP BY 1 ORDER BY 2 DESC").fetchall()
        unmapped = [(value, count, customers) for value, count, customers in rows if value not in known]
        if unmapped:
            total = sum(count for _, count, _ in unmapped)
            listing = ", ".join(f"{value!r} ({plural(count, 'row')}, {plural(customers, 'customer')})"
                                for value, count, customers in unmapped[:5])
            findings.append(Finding(name, "unmapped_touchpoint", f"touchpoints not on the map: {listing}; "
                                    f"{plural(total, 'row')} in all", total, [value for value, _, _ in unmapped[:20]]))
    return findings


def _describe(con, name: str, info: TableInfo) -> TableInfo:
    table = q(name)
    info.rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    columns = [column.name for column in contract.TABLES[name]]
    if "customer_id" in columns:
        info.customers = con.execute(f"SELECT count(DISTINCT customer_id) FROM {table}").fetchone()[0]
    time_column = contract.TIME_COLUMNS.get(name)
    if time_column:
        first, last = con.execute(f"SELECT min({q(time_column)}), max({q(time_column)}) FROM {table}").fetchone()
        info.first = None if first is None else str(first)
        info.last = None if last is None else str(last)
    if info.rows:
        counts = con.execute("SELECT " + ", ".join(f"count({q(c)})" for c in columns) + f" FROM {table}").fetchone()
        info.completeness = {c: round(n / info.rows, 4) for c, n in zip(columns, counts)}
    return info


def _cross_findings(con, tables: dict[str, TableInfo]) -> list[Finding]:
    """Findings across tables: activity of customers that the CRM does not know."""
    if "customers" not in tables:
        return []
    findings = []
    for name in ("events", "survey", "tickets"):
        if name not in tables:
            continue
        count, rows, examples = con.execute(
            f"SELECT count(DISTINCT t.customer_id), count(*), list(DISTINCT t.customer_id)[:3] FROM {q(name)} t "
            f"ANTI JOIN customers c USING (customer_id) WHERE t.customer_id IS NOT NULL").fetchone()
        if count:
            findings.append(Finding(name, "unknown_customers", f"customers not in the customers table: {count:,} "
                                    f"({plural(rows, 'row')} of {name}); they count in totals but have no profile",
                                    count, examples or []))
    return findings
