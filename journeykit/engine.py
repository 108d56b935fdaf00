"""The engine that runs event-level analyses: DuckDB embedded, or Spark for very large data.

Analyses are Ibis expressions over the typed tables that :mod:`journeykit.loading` staged as Parquet, so
the very same code runs on DuckDB (one laptop, tens of millions of events) and on Spark (``engine:
backend: spark`` in ``journey.yaml``). Only small aggregated results come back, as pandas frames.

Examples
--------
>>> import journeykit as jk, tempfile                                     # doctest: +SKIP
>>> engine = jk.Engine(jk.load("sample_data"))                            # doctest: +SKIP
>>> engine.table("events", "2026Q3").count().execute()                    # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis

from . import contract
from .errors import JourneyKitError
from .loading import Dataset
from .paths import customer, in_period, ordered
from .quarters import Quarter


@dataclass
class Engine:
    """Ibis tables over a loaded :class:`~journeykit.loading.Dataset`; ``con`` is the Ibis backend."""

    dataset: Dataset
    con: Any = None
    _tables: dict[str, ibis.Table] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.con is None:
            self.con = connect(self.dataset)

    def ordered(self, quarter: str | Quarter | None = None) -> ibis.Table:
        """The events of ``quarter`` ordered per customer (:func:`journeykit.paths.ordered`'s columns).

        Transitions, touchpoint statistics and unmapped touchpoints of the quarter read this one table. A log
        staged by journeykit carries each customer's next event (sorted once, at staging), so this is a filter
        of the staged file (:func:`journeykit.paths.in_period`); any other event table is sorted here once,
        into a temporary table of the engine.
        """
        key = f"ordered {quarter}"
        if key not in self._tables:
            events = self.table("events", quarter)
            # what every reader needs; customers told apart by the key alone (see paths.customer)
            columns = [customer(events).get_name(), "touchpoint", "channel", "next_touchpoint", "seconds_to_next"]
            if "following_timestamp" in events.columns:  # staged in order: a filter, no sort (paths.in_period)
                end = None if quarter is None else _period(quarter).end
                self._tables[key] = in_period(events, end).select(*columns)
            else:
                self._tables[key] = per_customers(events,
                                                  lambda part: ordered(part, single_sort=False).select(*columns))
        return self._tables[key]

    def table(self, name: str, quarter: str | Quarter | None = None) -> ibis.Table:
        """The typed table ``name``, restricted to ``quarter`` by its time column when given."""
        if name not in self._tables:
            path = self.dataset.path(name)
            self._tables[name] = self.con.read_parquet(str(path), table_name=f"jk_{name}")
        table = self._tables[name]
        if quarter is None:
            return table
        period = _period(quarter)
        column = table[contract.TIME_COLUMNS[name]]
        return table.filter((column >= period.start) & (column < period.end))


def _period(quarter: str | Quarter) -> Quarter:
    return quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)


MEMORY_SHARE = 0.6  # of the machine's memory, for DuckDB when journey.yaml sets no memory_limit
MAX_TEMP_DEFAULT = 100 * 2**30  # at most this much spill (bytes) when journey.yaml sets no max_temp_size
SLICE_EVENTS = 12_000_000  # DuckDB orders at most about this many events per query (see per_customers)


class EngineLimitError(JourneyKitError, MemoryError):
    """A query needed more memory or spill space than the workspace's ``engine:`` settings allow."""


def connect(dataset: Dataset) -> Any:
    """An Ibis backend configured from the workspace's ``engine:`` section (see :class:`journeykit.model.Engine`)."""
    settings = dataset.workspace.journey.engine
    if settings.backend == "spark":
        return ibis.pyspark.connect(spark_session(settings))
    return duckdb_backend(settings, dataset.workspace.cache / "spill")


def duckdb_backend(settings, spill: Path) -> Any:
    """Ibis's DuckDB backend with :func:`duckdb_settings`; running out of memory or spill space raises
    :class:`EngineLimitError`, which names the setting to change."""
    limits = duckdb_settings(settings, spill)
    con = ibis.duckdb.connect(**limits)
    con.raw_sql("SET TimeZone = 'UTC'")
    for method in ("execute", "to_pyarrow", "to_pandas", "create_table", "insert"):
        setattr(con, method, _guarded(getattr(con, method), limits))
    return con


def spark_session(settings) -> Any:
    """The Spark session of ``engine: backend: spark`` (created, or the running one with these settings)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ModuleNotFoundError(
            "journey.yaml says engine: backend: spark, but pyspark is not installed. Install it with "
            "'pip install \"ibis-framework[pyspark]\"' (Spark also needs Java 17 or 21), or set engine: "
            "backend: duckdb.") from None
    builder = SparkSession.builder.appName(settings.app_name)
    if settings.master:
        builder = builder.master(settings.master)
    options = {"spark.sql.session.timeZone": "UTC", "spark.ui.enabled": "false", **settings.spark}
    for key, value in options.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def duckdb_settings(settings, spill: Path) -> dict[str, Any]:
    """DuckDB's memory limit, threads and spill folder and cap, from ``settings`` or the defaults.

    Without a cap DuckDB takes 80 % of the memory and may fill 90 % of the free disk with spill files;
    journeykit's defaults leave room for the rest of the machine and make a runaway query fail instead.
    """
    spill.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"temp_directory": str(spill)}
    memory = settings.memory_limit or _default_memory()
    if memory:
        config["memory_limit"] = memory.strip()
    if settings.threads:
        config["threads"] = settings.threads
    cap = settings.max_temp_size
    if cap is None:
        free = shutil.disk_usage(spill).free
        cap = f"{max(min(free // 2, MAX_TEMP_DEFAULT), 2**30) // 2**20}MiB"
    config["max_temp_directory_size"] = cap.strip()
    return config


def limit_error(error: Exception, limits: dict[str, Any]) -> EngineLimitError | None:
    """An :class:`EngineLimitError` explaining ``error`` when it is DuckDB running out of memory or spill."""
    text = str(error)
    if "max_temp_directory_size" in text or "temp directory" in text.lower():
        return EngineLimitError(
            f"The query needed more than {limits.get('max_temp_directory_size')} of spill files in "
            f"{limits.get('temp_directory')} (journey.yaml engine: max_temp_size). Free disk space there and "
            "raise engine: max_temp_size, or give DuckDB more memory (engine: memory_limit) so it spills less. "
            f"DuckDB said: {text.splitlines()[0]}")
    if "Out of Memory" in text or "could not allocate" in text.lower():
        return EngineLimitError(
            f"The query needed more memory than DuckDB's limit of {limits.get('memory_limit', 'its default')} "
            "(journey.yaml engine: memory_limit; default 60 % of the machine's memory) and could not spill "
            "the rest. Raise engine: memory_limit, lower engine: threads (each thread holds its own buffers), "
            f"or use engine: backend: spark for logs of this size. DuckDB said: {text.splitlines()[0]}")
    return None


def _guarded(method, limits: dict[str, Any]):
    def call(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except duckdb.Error as error:
            explained = limit_error(error, limits)
            if explained is None:
                raise
            raise explained from error

    call.__doc__ = method.__doc__
    return call


def _default_memory() -> str | None:
    """:data:`MEMORY_SHARE` of the machine's memory, or None where the platform does not tell."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    return f"{int(total * MEMORY_SHARE) // 2**20}MiB"


@contextmanager
def computed_once(table: ibis.Table) -> Iterator[ibis.Table]:
    """``table`` computed once into a temporary table of its backend, dropped on leaving the block.

    Several summaries of one costly expression (a window over the event log) then read it instead of
    recomputing it. A backend without temporary tables gets the expression itself back.
    """
    stored = table if _is_temporary(table) else temporary(table)
    try:
        yield stored
    finally:
        drop_temporary(stored)


def per_customers(events: ibis.Table, build: Callable[[ibis.Table], ibis.Table]) -> ibis.Table:
    """``build(events)`` computed into a temporary table (see :func:`temporary`), one slice of customers at a
    time when ``events`` is large and lives in DuckDB.

    ``build`` must treat every customer apart (a window per customer, then rows per customer), so that
    slices of customers give the rows of the whole. On DuckDB a window per customer over more than about
    :data:`SLICE_EVENTS` events spills without bound (at 100M events it wrote over 40 GB of spill files);
    slices of that size each sort in memory. Spark partitions by customer itself: one query. Slices are
    ranges of the staged ``customer_key``, so each reads only its row groups of the key-ordered file (see
    :func:`_slice_conditions`); at 100M events this cut the shared sort from 67 s to 42 s and conformance
    from 53 s to 17 s.
    """
    con = events._find_backend(use_default=True)
    slices = customer_slices(events)
    if slices <= 1:
        return temporary(build(events))
    parts = [events.filter(condition) for condition in _slice_conditions(events, slices)]
    stored = temporary(build(parts[0]))
    for part in parts[1:]:
        con.insert(stored.op().name, build(part))
    return stored


def _slice_conditions(events: ibis.Table, slices: int) -> list[ibis.Expr]:
    """``slices`` filters that share the customers out, each customer in exactly one.

    The staged ``customer_key`` (0, 1, 2... and the events file sorted by it) is cut into ranges of keys, so
    that each slice reads only its part of the file (Parquet keeps each row group's lowest and highest key);
    a text id is shared out by its hash.
    """
    key = customer(events)
    if not key.type().is_integer():
        which = (key.hash() % slices + slices) % slices  # the hash may be negative
        return [which == index for index in range(slices)]
    bounds = events.aggregate(low=key.min(), high=key.max()).execute().iloc[0]
    low, high = int(bounds["low"]), int(bounds["high"])
    step = -(-(high - low + 1) // slices)
    return [(key >= low + index * step) & (key < low + (index + 1) * step) for index in range(slices)]


def customer_slices(events: ibis.Table) -> int:
    """How many slices of customers :func:`per_customers` cuts ``events`` into: 1 unless it lives in DuckDB
    and holds more than :data:`SLICE_EVENTS` rows (one count query on DuckDB)."""
    if events._find_backend(use_default=True).name != "duckdb":
        return 1
    return max(1, -(-int(events.count().execute()) // SLICE_EVENTS))


def temporary(table: ibis.Table) -> ibis.Table:
    """``table`` computed into a new temporary table of its backend (the expression itself where the backend
    has none); :func:`drop_temporary` frees it."""
    con = table._find_backend(use_default=True)
    try:
        return con.create_table(f"jk_tmp_{uuid.uuid4().hex[:12]}", table, temp=True)
    except NotImplementedError:
        return table


def drop_temporary(table: ibis.Table) -> None:
    """Free a table made by :func:`temporary` (nothing to do for an expression)."""
    if not _is_temporary(table):
        return
    name = table.op().name
    con = table._find_backend(use_default=True)
    if con.name == "duckdb":
        con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')  # Ibis's drop_table trips DuckDB 2.0's parser
    else:
        con.drop_table(name, force=True)


def _is_temporary(table: ibis.Table) -> bool:
    return str(getattr(table.op(), "name", "")).startswith("jk_tmp_")
