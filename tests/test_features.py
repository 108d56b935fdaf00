"""Per-customer features (step 3's input) on a hand-worked log: days, sessions, shares, furthest stage.

``c1`` has 5 events over 2 days in 3 sessions, one of which crosses midnight (so sessions are not days);
``c2`` has 3 events without a session id on 2 days (each day stands for a session); ``c3`` only an event
outside the map (no stage); ``c4`` only a survey answer (no event).
"""

from __future__ import annotations

import pandas as pd
import pytest

import journeykit as jk
from journeykit import engine, features

JOURNEY = """\
name: Features by hand
stages:
  - {id: discover, name: Discover}
  - {id: buy, name: Buy}
  - {id: use, name: Use}
touchpoints:
  - {id: home, name: Home, stage: discover, channel: web}
  - {id: cart, name: Cart, stage: buy, channel: web}
  - {id: app, name: App, stage: use, channel: app}
sources:
  events: {path: events.csv}
  survey: {path: survey.csv}
"""

EVENTS = """\
customer_id,timestamp,touchpoint,channel,session_id
c1,2026-07-01 09:00:00,home,web,s1
c1,2026-07-01 09:05:00,cart,web,s1
c1,2026-07-01 23:55:00,home,web,s2
c1,2026-07-02 00:05:00,app,app,s2
c1,2026-07-02 10:00:00,home,web,s3
c2,2026-07-03 10:00:00,cart,web,
c2,2026-07-03 11:00:00,home,web,
c2,2026-07-05 10:00:00,cart,app,
c3,2026-07-04 10:00:00,newsletter,email,s9
"""

SURVEY = """\
response_id,customer_id,date,touchpoint,nps,csat,ces,comment,language
r1,c4,2026-07-06 12:00:00,home,9,,,,en
r2,c1,2026-07-06 12:00:00,home,7,,,,en
"""


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    from conftest import write_workspace

    folder = write_workspace(tmp_path_factory.mktemp("features") / "ws", JOURNEY,
                             {"events.csv": EVENTS, "survey.csv": SURVEY})
    return features.customer_features(jk.study(folder, "2026Q3")).execute().set_index("customer_id").sort_index()


def test_days_sessions_and_shares_are_counted_per_customer(frame):
    c1, c2 = frame.loc["c1"], frame.loc["c2"]
    # c1: 2 calendar days, 3 sessions (s2 crosses midnight: counted once), 4 web events of 5
    assert (c1["events"], c1["active_days"], c1["sessions"]) == (5, 2, 3)
    assert c1["share_web"] == pytest.approx(0.8) and c1["share_app"] == pytest.approx(0.2)
    assert c1["events_per_session"] == pytest.approx(5 / 3) and c1["furthest_stage"] == 2  # reached use
    # c2: no session ids, so each of its 2 days is a session
    assert (c2["events"], c2["active_days"], c2["sessions"], c2["furthest_stage"]) == (3, 2, 2, 1)
    assert c2["events_per_session"] == 1.5


def test_customers_without_stage_or_events_keep_their_row(frame):
    assert list(frame.index) == ["c1", "c2", "c3", "c4"]
    c3, c4 = frame.loc["c3"], frame.loc["c4"]
    assert (c3["events"], c3["active_days"], c3["sessions"]) == (1, 1, 1) and pd.isna(c3["furthest_stage"])
    assert (c4["events"], c4["active_days"], c4["sessions"], c4["survey_answers"]) == (0, 0, 0, 1)
    assert c4["nps_mean"] == 9 and frame.loc["c1", "nps_mean"] == 7


def test_slices_of_customers_give_the_same_rows(frame, tmp_path, monkeypatch):
    from conftest import write_workspace

    monkeypatch.setattr(engine, "SLICE_EVENTS", 3)  # 9 events: three slices of customers, as on a big log
    folder = write_workspace(tmp_path / "ws", JOURNEY, {"events.csv": EVENTS, "survey.csv": SURVEY})
    study = jk.study(folder, "2026Q3")
    sliced = features.customer_features(study)
    assert any(name.startswith("behaviour") for name in study.engine._tables)  # computed by slices, kept
    pd.testing.assert_frame_equal(sliced.execute().set_index("customer_id").sort_index(), frame)
