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

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ibis

from . import contract
from .loading import Dataset
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
        """The events of ``quarter`` ordered per customer (:func:`journeykit.paths.ordered`), sorted once.

        The first call stores them in a temporary table of the engine; transitions, touchpoint statistics
        and unmapped touchpoints of the quarter then read it instead of sorting the log again.
        """
        from .paths import ordered

        key = f"ordered {quarter}"
        if key not in self._tables:
            name = f"jk_ordered_{uuid.uuid4().hex[:12]}"
            steps = ordered(self.table("events", quarter))
            try:
                self._tables[key] = self.con.create_table(name, steps, temp=True)
            except NotImplementedError:  # a backend without temporary tables sorts each time
                self._tables[key] = steps
        return self._tables[key]

    def table(self, name: str, quarter: str | Quarter | None = None) -> ibis.Table:
        """The typed table ``name``, restricted to ``quarter`` by its time column when given."""
        if name not in self._tables:
            path = self.dataset.path(name)
            self._tables[name] = self.con.read_parquet(str(path), table_name=f"jk_{name}")
        table = self._tables[name]
        if quarter is None:
            return table
        period = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
        column = table[contract.TIME_COLUMNS[name]]
        return table.filter((column >= period.start) & (column < period.end))


def connect(dataset: Dataset) -> Any:
    """An Ibis backend configured from the workspace's ``engine:`` section."""
    settings = dataset.workspace.journey.engine
    if settings.backend == "spark":
        from pyspark.sql import SparkSession  # optional dependency, only for engine: spark

        builder = SparkSession.builder.appName("journeykit")
        options = {"spark.sql.session.timeZone": "UTC", "spark.ui.enabled": "false", **settings.spark}
        for key, value in options.items():
            builder = builder.config(key, value)
        return ibis.pyspark.connect(builder.getOrCreate())
    config: dict[str, Any] = {}
    if settings.memory_limit:
        config["memory_limit"] = settings.memory_limit
    if settings.threads:
        config["threads"] = settings.threads
    spill = dataset.workspace.cache / "spill"
    spill.mkdir(parents=True, exist_ok=True)
    config["temp_directory"] = str(spill)
    con = ibis.duckdb.connect(**config)
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


@contextmanager
def computed_once(table: ibis.Table) -> Iterator[ibis.Table]:
    """``table`` computed once into a temporary table of its backend, dropped on leaving the block.

    Several summaries of one costly expression (a window over the event log) then read it instead of
    recomputing it. A backend without temporary tables gets the expression itself back.
    """
    con = table._find_backend(use_default=True)
    name = f"jk_tmp_{uuid.uuid4().hex[:12]}"
    try:
        stored = con.create_table(name, table, temp=True)
    except NotImplementedError:
        yield table
        return
    try:
        yield stored
    finally:
        if con.name == "duckdb":
            con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')  # Ibis's drop_table trips DuckDB 2.0's parser
        else:
            con.drop_table(name, force=True)
