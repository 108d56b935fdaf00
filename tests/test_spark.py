"""The same analysis functions on DuckDB and on a local Spark session give the same results.

A deterministic slice of the sample workspace (the events of its first customers, every other file whole)
is analysed twice: with the default engine and with ``engine: {backend: spark, master: local[2]}``. Spark
takes about 20 s to start, so everything runs in one module-scoped session.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed: pip install 'ibis-framework[pyspark]'")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17 or 21 on PATH (for instance apt-get install openjdk-17-jre-headless)",
                allow_module_level=True)

import journeykit as jk  # noqa: E402
from journeykit import features, paths, stages, touchpoints, validation  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
CUSTOMERS = 300  # the first customers of each events file, in id order: a few thousand events


def _slice(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)
    for file in sorted((folder / "data").glob("events_*.parquet")):
        source = file.with_suffix(".full")
        file.rename(source)
        duckdb.sql(f"COPY (SELECT * FROM read_parquet('{source}') WHERE user_id IN (SELECT DISTINCT user_id FROM "
                   f"read_parquet('{source}') ORDER BY user_id LIMIT {CUSTOMERS})) TO '{file}' (FORMAT parquet)")
        source.unlink()
    return folder


def _analyses(study) -> dict[str, pd.DataFrame]:
    events = study.table("events")
    shares, breaks = validation.conformance(study.events())
    frames = {
        "transitions": paths.transitions_frame(events),
        "transitions_shared_sort": paths.transitions_frame(study.engine.ordered(study.quarter)),
        "funnel": stages.funnel(study.events(), study.journey),
        "funnel_by_channel": stages.funnel(study.events(), study.journey, by="channel"),
        "touchpoint_statistics": touchpoints._statistics(events).execute(),
        "unmapped": touchpoints._unmapped(study, study.engine.ordered(study.quarter),
                                          {tp.id: tp for tp in study.journey.touchpoints}.keys()),
        "features": features.customer_features(study).execute(),
        "conformance": pd.DataFrame([shares]),
        "breaks": breaks,
    }
    return {name: _canonical(frame) for name, frame in frames.items()}


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order, columns by name, numbers as floats: what both engines must agree on."""
    frame = frame[sorted(frame.columns)]
    keys = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c])]
    frame = frame.sort_values(keys or list(frame.columns), ignore_index=True)
    return frame.apply(lambda c: c.astype("float64") if pd.api.types.is_numeric_dtype(c) else c.astype(object))


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark")
    duck = _slice(root / "duckdb")
    spark = _slice(root / "spark")
    with (spark / "journey.yaml").open("a", encoding="utf-8") as file:
        file.write("engine:\n  backend: spark\n  master: local[2]\n  spark:\n"
                   "    spark.sql.shuffle.partitions: '4'\n    spark.ui.showConsoleProgress: 'false'\n")
    on_duckdb = _analyses(jk.study(duck, "2026Q3"))
    study = jk.study(spark, "2026Q3")
    try:
        on_spark = _analyses(study)
    finally:
        study.engine.con._session.stop()
    return on_duckdb, on_spark


def test_the_study_runs_on_spark(results):
    on_duckdb, on_spark = results
    assert on_spark.keys() == on_duckdb.keys()
    # the slice is big enough to mean something: many transitions, every stage of the funnel, skips or loops
    assert len(on_duckdb["transitions"]) > 50 and len(on_duckdb["funnel"]) == 7  # the sample's seven stages
    assert len(on_duckdb["features"]) >= 300 and len(on_duckdb["breaks"]) > 0


@pytest.mark.parametrize("name", ["transitions", "transitions_shared_sort", "funnel", "funnel_by_channel",
                                  "touchpoint_statistics", "unmapped", "features", "conformance", "breaks"])
def test_duckdb_and_spark_give_identical_results(results, name):
    on_duckdb, on_spark = results
    pd.testing.assert_frame_equal(on_spark[name], on_duckdb[name], check_exact=False, rtol=1e-9)
