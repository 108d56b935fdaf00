"""The engine's guard rails: a memory limit and a spill cap by default, and an error that names the setting."""

from __future__ import annotations

import duckdb
import ibis
import pandas as pd
import pydantic
import pytest

from journeykit.engine import MEMORY_SHARE, EngineLimitError, duckdb_backend, duckdb_settings
from journeykit.model import Engine


def test_defaults_leave_room_for_the_machine(tmp_path):
    limits = duckdb_settings(Engine(), tmp_path / "spill")
    assert (tmp_path / "spill").is_dir() and limits["temp_directory"] == str(tmp_path / "spill")
    # 60 % of the memory, in MiB, and a spill cap of at least 1 GiB and at most 100 GiB
    assert MEMORY_SHARE == 0.6 and limits["memory_limit"].endswith("MiB")
    assert 1024 <= int(limits["max_temp_directory_size"].removesuffix("MiB")) <= 100 * 1024


def test_workspace_settings_win(tmp_path):
    limits = duckdb_settings(Engine(memory_limit="2GB", max_temp_size="5GB", threads=1), tmp_path)
    assert (limits["memory_limit"], limits["max_temp_directory_size"], limits["threads"]) == ("2GB", "5GB", 1)


@pytest.mark.parametrize("size", ["lots", "80%", "12"])
def test_a_size_without_unit_is_refused(size):
    with pytest.raises(pydantic.ValidationError, match="max_temp_size"):
        Engine(max_temp_size=size)


def _sorted_log(tmp_path, settings: Engine) -> int:
    # 3M random strings sorted by one window: about 150 MB to sort, more than 60 MB of memory allows
    duckdb.sql(f"COPY (SELECT md5(range::VARCHAR) AS y FROM range(3000000)) TO '{tmp_path}/t.parquet'")
    con = duckdb_backend(settings, tmp_path / "spill")
    table = con.read_parquet(str(tmp_path / "t.parquet"))
    after = table.mutate(n=table.y.lead().over(ibis.window(order_by=table.y)))
    return int(after.filter(after.n > after.y).count().execute())


def test_a_query_past_the_spill_cap_stops_with_the_setting_to_raise(tmp_path):
    with pytest.raises(EngineLimitError, match=r"more than 1MB of spill files .*engine: max_temp_size"):
        _sorted_log(tmp_path, Engine(memory_limit="60MB", max_temp_size="1MB", threads=1))


def test_the_same_query_spills_within_a_larger_cap(tmp_path):
    # 3M distinct values in order: every row but the last has a larger next value
    assert _sorted_log(tmp_path, Engine(memory_limit="60MB", max_temp_size="2GB", threads=1)) == 2_999_999


@pytest.mark.parametrize("keys", [None, [5, 5, 5, 2, 2, 2, 9]])
def test_a_big_log_is_ordered_by_slices_of_customers_with_the_same_rows(keys, monkeypatch):
    from journeykit import engine
    from journeykit.paths import ordered

    # 3 customers, 7 events; at most 2 events per slice -> 4 slices: by hash of the id, or by ranges of the
    # staged customer_key (2-3, 4-5, 6-7, 8-9: one slice empty); each customer whole in one slice
    frame = pd.DataFrame({"customer_id": list("aaabbbc"), "touchpoint": list("hpchppc"),
                          "timestamp": pd.to_datetime(["2026-07-01 10:00", "2026-07-01 10:01", "2026-07-01 10:11",
                                                       "2026-07-02 09:00", "2026-07-02 09:03", "2026-07-02 09:04",
                                                       "2026-07-03 08:00"])})
    events = ibis.memtable(frame if keys is None else frame.assign(customer_key=keys))
    whole = engine.per_customers(events, ordered).execute()
    monkeypatch.setattr(engine, "SLICE_EVENTS", 2)
    assert engine.customer_slices(events) == 4
    sliced = engine.per_customers(events, ordered).execute()
    order = ["customer_id", "timestamp"]
    pd.testing.assert_frame_equal(sliced.sort_values(order, ignore_index=True), whole.sort_values(order, ignore_index=True))
    assert list(whole.sort_values(order)["next_touchpoint"].fillna("-")) == ["p", "c", "-", "p", "p", "-", "-"]


@pytest.mark.parametrize("quarter", ["2026Q2", "2026Q3"])
@pytest.mark.parametrize("big", [False, True])
def test_a_staged_log_orders_a_quarter_without_a_sort_and_the_same_as_sorting(quarter, big, tmp_path, monkeypatch):
    # the staged file carries each customer's next event: a quarter's order is a filter of it; a log too big
    # for that at staging (made "big" here by lowering the threshold) is sorted per quarter, with the same rows
    import shutil
    from pathlib import Path

    import journeykit as jk
    from journeykit import engine, staging
    from journeykit.paths import transitions_frame
    from journeykit.touchpoints import _statistics

    if big:
        monkeypatch.setattr(staging, "FOLLOWING_UNTIL", 100)
    workspace = tmp_path / "workspace"
    shutil.copytree(Path(__file__).resolve().parent.parent / "sample_data", workspace,
                    ignore=shutil.ignore_patterns(".journeykit", "measures", "history"))
    study = jk.study(workspace, quarter)
    assert ("following_timestamp" in study.table("events").columns) is not big
    staged = study.engine.ordered(quarter)
    assert engine._is_temporary(staged) is big  # sorted into a table, or read from the file
    events = study.table("events").drop(*[c for c in ("following_touchpoint", "following_timestamp")
                                          if c in study.table("events").columns])
    sorted_ = engine.per_customers(events, jk.paths.ordered)
    pd.testing.assert_frame_equal(transitions_frame(staged), transitions_frame(sorted_))
    pd.testing.assert_frame_equal(_statistics(staged).execute().sort_values("touchpoint", ignore_index=True),
                                  _statistics(sorted_).execute().sort_values("touchpoint", ignore_index=True))
