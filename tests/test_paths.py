"""Directly-follows transitions on event logs small enough to count by hand."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from journeykit.paths import ordered, transitions, transitions_frame


def events(rows: list[tuple[str, str, str]]) -> ibis.Table:
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "touchpoint"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return ibis.memtable(frame)


# Customer a: home 10:00 -> pricing 10:01 -> checkout 10:11
# Customer b: home 09:00 -> pricing 09:03 -> pricing 09:04
# Customer c: a single event, so no transition
THREE_CUSTOMERS = [
    ("a", "2026-07-01 10:00", "home"), ("a", "2026-07-01 10:01", "pricing"), ("a", "2026-07-01 10:11", "checkout"),
    ("b", "2026-07-02 09:04", "pricing"), ("b", "2026-07-02 09:00", "home"), ("b", "2026-07-02 09:03", "pricing"),
    ("c", "2026-07-03 08:00", "home"),
]


def as_tuples(frame: pd.DataFrame) -> list[tuple]:
    return [(row.source, row.target, row.count, row.customers, row.median_seconds) for row in frame.itertuples()]


def test_transitions_counted_by_hand():
    # home->pricing: a after 60 s, b after 180 s: 2 times, 2 customers, median (60 + 180) / 2 = 120 s
    # pricing->checkout: a after 600 s; pricing->pricing: b after 60 s. Rows are read out of order (b).
    assert as_tuples(transitions_frame(events(THREE_CUSTOMERS))) == [
        ("home", "pricing", 2, 2, 120.0),
        ("pricing", "checkout", 1, 1, 600.0),
        ("pricing", "pricing", 1, 1, 60.0),
    ]


def test_transitions_count_repeats_of_one_customer():
    # d loops home->pricing->home->pricing: home->pricing twice (60 s, 120 s), pricing->home once (60 s)
    log = [("d", "2026-07-01 10:00", "home"), ("d", "2026-07-01 10:01", "pricing"),
           ("d", "2026-07-01 10:02", "home"), ("d", "2026-07-01 10:04", "pricing")]
    assert as_tuples(transitions_frame(events(log))) == [
        ("home", "pricing", 2, 1, 90.0),  # 2 times but 1 customer; median (60 + 120) / 2
        ("pricing", "home", 1, 1, 60.0),
    ]


def test_a_tie_on_the_timestamp_is_broken_by_touchpoint_name():
    # e: home 10:00, then 'pricing' and 'checkout' both at 10:01. Ordered by name, checkout comes first:
    # home->checkout (60 s), checkout->pricing (0 s), whatever the order of the rows in the file.
    log = [("e", "2026-07-01 10:01", "pricing"), ("e", "2026-07-01 10:00", "home"),
           ("e", "2026-07-01 10:01", "checkout")]
    expected = [("checkout", "pricing", 1, 1, 0.0), ("home", "checkout", 1, 1, 60.0)]
    assert as_tuples(transitions_frame(events(log))) == expected
    assert as_tuples(transitions_frame(events(list(reversed(log))))) == expected


def test_ordered_gives_next_touchpoint_and_seconds():
    steps = ordered(events(THREE_CUSTOMERS)).execute().sort_values(["customer_id", "timestamp"], ignore_index=True)
    assert list(steps["customer_id"]) == ["a", "a", "a", "b", "b", "b", "c"]
    assert list(steps["next_touchpoint"].fillna("-")) == ["pricing", "checkout", "-", "pricing", "pricing", "-", "-"]
    assert list(steps["seconds_to_next"].fillna(-1)) == [60, 600, -1, 180, 60, -1, -1]


@pytest.mark.parametrize("single_sort", [False, True])
def test_one_sort_of_the_whole_log_gives_the_same_neighbours_as_a_window_per_customer(single_sort):
    # a's last event (checkout 10:11) is followed in the global order by b's first: never its next event
    steps = ordered(events(THREE_CUSTOMERS), single_sort=single_sort).execute()
    steps = steps.sort_values(["customer_id", "timestamp"], ignore_index=True)
    assert list(steps["next_touchpoint"].fillna("-")) == ["pricing", "checkout", "-", "pricing", "pricing", "-", "-"]
    assert list(steps["seconds_to_next"].fillna(-1)) == [60, 600, -1, 180, 60, -1, -1]


def test_no_transition_without_a_second_event():
    assert transitions(events([("c", "2026-07-03 08:00", "home")])).execute().empty


def test_most_frequent_first():
    # home->pricing 3 times (x, y, z), home->help once (w)
    log = [(who, "2026-07-01 10:00", "home") for who in "wxyz"]
    log += [(who, "2026-07-01 10:05", "pricing") for who in "xyz"] + [("w", "2026-07-01 10:05", "help")]
    assert [(row.source, row.target, row.count) for row in transitions_frame(events(log)).itertuples()] == [
        ("home", "pricing", 3), ("home", "help", 1)]


@pytest.mark.parametrize("column", ["count", "customers"])
def test_counts_are_integers(column):
    assert pd.api.types.is_integer_dtype(transitions_frame(events(THREE_CUSTOMERS))[column])


@pytest.mark.parametrize("single_sort", [False, True])
def test_the_staged_customer_key_gives_the_same_transitions_as_the_id(single_sort):
    # keys that sort differently from the ids: the key only tells customers apart
    keyed = pd.DataFrame(THREE_CUSTOMERS, columns=["customer_id", "timestamp", "touchpoint"])
    keyed["timestamp"] = pd.to_datetime(keyed["timestamp"])
    keyed["customer_key"] = keyed["customer_id"].map({"a": 2, "b": 0, "c": 1})
    with_key = ordered(ibis.memtable(keyed), single_sort=single_sort)
    assert as_tuples(transitions_frame(with_key)) == as_tuples(transitions_frame(events(THREE_CUSTOMERS)))


def test_a_quarter_read_from_the_staged_order_of_the_log_gives_the_sorted_neighbours():
    # b's 09:04 event is the last of the quarter: its next event of the log (10 days later) is outside
    from journeykit.paths import in_period

    log = pd.DataFrame(THREE_CUSTOMERS + [("b", "2026-07-12 09:00", "checkout")],
                       columns=["customer_id", "timestamp", "touchpoint"])
    log["timestamp"] = pd.to_datetime(log["timestamp"])
    log = log.sort_values(["customer_id", "timestamp", "touchpoint"], ignore_index=True)
    same = log["customer_id"].shift(-1) == log["customer_id"]
    log["following_touchpoint"] = log["touchpoint"].shift(-1).where(same)
    log["following_timestamp"] = log["timestamp"].shift(-1).where(same)
    end = pd.Timestamp("2026-07-10")
    quarter = ibis.memtable(log[log["timestamp"] < end])
    staged = in_period(quarter, end).execute().sort_values(["customer_id", "timestamp"], ignore_index=True)
    sorted_ = ordered(ibis.memtable(log[log["timestamp"] < end].drop(columns=["following_touchpoint",
                                                                           "following_timestamp"])))
    sorted_ = sorted_.execute().sort_values(["customer_id", "timestamp"], ignore_index=True)
    assert list(staged["next_touchpoint"].fillna("-")) == ["pricing", "checkout", "-", "pricing", "pricing", "-", "-"]
    assert list(staged["next_touchpoint"].fillna("-")) == list(sorted_["next_touchpoint"].fillna("-"))
    assert list(staged["seconds_to_next"].fillna(-1)) == list(sorted_["seconds_to_next"].fillna(-1))
    whole = in_period(ibis.memtable(log)).execute().sort_values(["customer_id", "timestamp"], ignore_index=True)
    assert whole.loc[5, "next_touchpoint"] == "checkout"  # the whole log: b's 09:04 is followed by checkout
