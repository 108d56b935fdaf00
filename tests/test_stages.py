"""The funnel's split by channel: the channel of each customer's first event in a stage, ties by rule."""

from __future__ import annotations

import ibis
import pandas as pd

from journeykit.model import Journey
from journeykit.stages import funnel, staged_events

JOURNEY = Journey.model_validate({"name": "x",
                                  "stages": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
                                  "touchpoints": [{"id": "t1", "name": "T1", "stage": "a", "channel": "web"},
                                                  {"id": "t2", "name": "T2", "stage": "b", "channel": "web"}]})


def log(rows: list[tuple]) -> ibis.Table:
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "touchpoint", "channel"])
    return ibis.memtable(frame.assign(timestamp=pd.to_datetime(frame["timestamp"]), stage=None))


def by_channel(rows: list[tuple]) -> list[tuple]:
    frame = funnel(staged_events(log(rows), JOURNEY), JOURNEY, by="channel")
    return [(row.stage, row.group, row.customers) for row in frame.itertuples()]


def test_the_first_event_in_a_stage_gives_the_channel():
    # c1 enters stage a by app at 10:00 (then web), c2 by web
    assert by_channel([("c1", "2026-07-01 10:00", "t1", "app"), ("c1", "2026-07-01 11:00", "t1", "web"),
                       ("c2", "2026-07-01 09:00", "t1", "web")]) == [("a", "app", 1), ("a", "web", 1)]


def test_two_first_events_at_the_same_time_give_the_first_channel_by_name_whatever_the_row_order():
    rows = [("c1", "2026-07-01 10:00", "t1", "web"), ("c1", "2026-07-01 10:00", "t1", "app"),
            ("c1", "2026-07-02 10:00", "t2", "store")]
    assert by_channel(rows) == by_channel(rows[::-1]) == [("a", "app", 1), ("b", "store", 1)]
