"""Stage one source: read its files, type every cell, collect the problems and write typed Parquet.

:func:`_stage` reuses the table staged last time when its fingerprint (:mod:`journeykit.staging_cache`) has
not changed; otherwise it reads each file (:mod:`journeykit.readers`), builds the SELECT that types its
rows (:func:`_typed_select`, decimal marks and date orders detected from the values unless options say),
lists every unreadable cell (:data:`EXAMPLES` rows per column and check, then a count), scans for
personal data, deduplicates, collects the findings (:mod:`journeykit.findings`) and writes the table.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import coerce, contract, readers
from .contract import Column
from .dataset import Finding, TableInfo
from .errors import Problem
from .files import replacing, write_atomic
from .findings import _duplicate_findings, _table_findings, plural
from .model import Source
from .paths import SINGLE_SORT_FROM
from .pii import PersonalColumn, merged, scan
from .readers import q
from .source_mapping import _files, _mapped, _mapping_problems, _resolve_columns, _short, _slug
from .staging_cache import _fingerprint
from .workspace import Workspace

EXAMPLES = 5
FOLLOWING_UNTIL = SINGLE_SORT_FROM  # events (20M); see _as_written


@dataclass
class _Staged:
    info: TableInfo
    problems: list[Problem]
    findings: list[Finding]


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
        written = _as_written(name, info.rows)
        con.execute(f"COPY ({written}) TO '{temporary.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
    info.path = str(target)
    meta = {"fingerprint": fingerprint, "info": asdict(info), "findings": [asdict(f) for f in findings]}
    write_atomic(meta_file, json.dumps(meta, indent=1, default=str))
    for table in [f"raw_{name}_{index}" for index in range(len(files))] + [name + "__all"]:
        con.execute(f"DROP TABLE IF EXISTS {q(table)}")
    return _Staged(info, [], findings)


def _as_written(name: str, rows: int) -> str:
    """The staged table as written. The events get three columns and are written in customer and time order:

    - ``customer_key``: a whole number per customer, its rank among the log's distinct ids (0, 1, ...: the
      same on every staging of the same ids). The event analyses partition, sort and count customers by it
      (see :func:`journeykit.paths.customer`): integers sort and hash faster than text ids and take less
      memory in a sort that spills. Written in key order, each Parquet row group holds a narrow range of
      keys, so that a query on a slice of customers (:func:`journeykit.engine.per_customers`) reads only its
      row groups; the file also compresses to about half.
    - ``following_touchpoint``, ``following_timestamp``: the customer's next event in the whole log (ties
      on the time broken by touchpoint, as :func:`journeykit.paths.ordered` does), blank on their last
      event. A quarter's order per customer is then a filter, not a sort (:func:`journeykit.paths.in_period`).
      Only for logs of fewer than :data:`FOLLOWING_UNTIL` events: the window needs a second sort of the
      whole log, which at 100M events needed more than 26 GB of spill files on a 24 GB machine. Bigger logs
      are sorted per quarter and range of customer keys by the analyses instead (same results).

    The key never leaves the engine: outputs name customers by ``customer_id``.
    """
    if name != "events":
        return f"SELECT * FROM {q(name)}"
    order = "k.customer_key, e.timestamp, e.touchpoint"
    following = window = ""
    if rows < FOLLOWING_UNTIL:  # one sort of the whole log; the next row counts when it is the same customer
        same = "lead(k.customer_key) OVER log = k.customer_key"
        following = (f", CASE WHEN {same} THEN lead(e.touchpoint) OVER log END AS following_touchpoint"
                     f", CASE WHEN {same} THEN lead(e.timestamp) OVER log END AS following_timestamp")
        window = f" WINDOW log AS (ORDER BY {order})"
    return (f"SELECT e.*, k.customer_key{following} FROM {q(name)} e JOIN (SELECT customer_id, "
            "(row_number() OVER (ORDER BY customer_id) - 1)::BIGINT AS customer_key "
            f"FROM (SELECT DISTINCT customer_id FROM {q(name)})) k USING (customer_id){window} ORDER BY {order}")


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
