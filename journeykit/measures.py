"""What each step measured, kept per quarter in the workspace so that later steps and quarters build on it.

A step writes one JSON summary, ``measures/<quarter>/<step>.json`` in the workspace (and a copy beside
its report page when the quarterly run asks for it), plus, when needed, a small table such as the persona
of each customer (``measures/<quarter>/<name>.parquet``; it keeps the real customer ids, since later steps
join it to the events, so it never leaves the workspace). Writes are atomic.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd

from .files import replacing, write_atomic
from .quarters import Quarter
from .workspace import Workspace

MEASURES_DIR = "measures"
STEPS = (
    "01_define_objective",
    "02_gather_research",
    "03_build_personas",
    "04_map_stages",
    "05_inventory_touchpoints",
    "06_capture_experience",
    "07_find_pain_points",
    "08_align_business",
    "09_visualize_map",
    "10_validate_and_refine",
)


def folder(ws: Workspace, quarter: Quarter | str) -> Path:
    return ws.path / MEASURES_DIR / str(quarter)


def to_json(payload: Any) -> str:
    """JSON text for step summaries: numpy and pandas values become plain numbers, NaN becomes null.

    Examples
    --------
    >>> to_json({"n": np.int64(3), "share": np.float64("nan"), "when": date(2026, 9, 1)})
    '{\\n  "n": 3,\\n  "share": null,\\n  "when": "2026-09-01"\\n}'
    """
    return json.dumps(_plain(payload), indent=2, ensure_ascii=False, allow_nan=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if hasattr(value, "model_dump"):  # a map value such as a bilingual Text
        return _plain(value.model_dump(mode="json"))
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, pd.DataFrame):
        return _plain(value.to_dict(orient="records"))
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def save_summary(ws: Workspace, quarter: Quarter | str, step: str, payload: dict[str, Any],
                 summary_dir: str | os.PathLike[str] | None = None) -> Path:
    """Write a step's summary into the workspace (and into ``summary_dir`` too when given)."""
    if step not in STEPS:
        raise ValueError(f"{step!r} is not a step. Known: {', '.join(STEPS)}")
    data = to_json({"step": step, "quarter": str(quarter), **payload}).encode("utf-8")
    target = folder(ws, quarter) / f"{step}.json"
    write_atomic(target, data)
    if summary_dir:
        write_atomic(Path(summary_dir) / f"{step}.json", data)
    return target


def read_summary(ws: Workspace, quarter: Quarter | str, step: str) -> dict[str, Any] | None:
    """A step's summary for ``quarter``, or ``None`` when that step has not run for it."""
    target = folder(ws, quarter) / f"{step}.json"
    return json.loads(target.read_text(encoding="utf-8")) if target.exists() else None


def save_table(ws: Workspace, quarter: Quarter | str, name: str, frame) -> Path:
    """Write ``frame`` (pandas, or an Ibis table: written by the engine, never through pandas) atomically."""
    target = folder(ws, quarter) / f"{name}.parquet"
    with replacing(target) as temporary:
        if isinstance(frame, pd.DataFrame):
            frame.to_parquet(temporary, index=False)
        elif ibis.get_backend(frame).name == "duckdb":
            frame.to_parquet(temporary)  # streamed by the engine
        else:  # Spark's own writer makes a folder of files: one file through Arrow instead
            import pyarrow.parquet as pq

            pq.write_table(frame.to_pyarrow(), temporary)
    return target


def read_table(ws: Workspace, quarter: Quarter | str, name: str) -> pd.DataFrame | None:
    target = folder(ws, quarter) / f"{name}.parquet"
    return pd.read_parquet(target) if target.exists() else None
