"""What the data holds: per table, its files, rows, customers and dates, overall and for one quarter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .engine import Engine
from .loading import Dataset
from .quarters import Quarter


def data_summary(dataset: Dataset, quarter: str | Quarter | None = None, engine: Engine | None = None
                 ) -> pd.DataFrame:
    """One row per loaded table: files, rows, customers, first and last date; ``quarter`` adds its counts."""
    rows = []
    engine = engine if engine is not None or quarter is None else Engine(dataset)
    for name, info in dataset.tables.items():
        files = ", ".join(info.files) if len(info.files) <= 3 else f"{len(info.files)} files in {Path(info.files[0]).parent}/"
        row = {"table": name, "files": files, "rows": info.rows, "customers": info.customers,
               "first": (info.first or "")[:10] or None, "last": (info.last or "")[:10] or None}
        if quarter is not None and name != "interviews" and info.path:
            table = engine.table(name, quarter)
            row["rows_in_quarter"] = int(table.count().execute())
            row["customers_in_quarter"] = int(table.customer_id.nunique().execute())
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("customers", "rows_in_quarter", "customers_in_quarter"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame
