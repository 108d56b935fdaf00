"""Customer paths: events ordered per customer, and the directly-follows transitions between touchpoints.

Every function takes Ibis tables and returns an Ibis expression, so it runs unchanged on DuckDB or Spark;
call ``.execute()`` (or :func:`transitions_frame`) for a small pandas result.

Examples
--------
>>> import ibis, pandas as pd
>>> events = ibis.memtable(pd.DataFrame({
...     "customer_id": ["a", "a", "a", "b", "b"],
...     "timestamp": pd.to_datetime(["2026-07-01 10:00", "2026-07-01 10:05", "2026-07-01 11:05",
...                                  "2026-07-02 09:00", "2026-07-02 09:30"]),
...     "touchpoint": ["home", "pricing", "signup", "home", "pricing"]}))
>>> transitions(events).order_by("source").execute()[["source", "target", "count", "customers"]]
    source   target  count  customers
0     home  pricing      2          2
1  pricing   signup      1          1
"""

from __future__ import annotations

import ibis
import pandas as pd


def ordered(events: ibis.Table) -> ibis.Table:
    """Events with the next touchpoint and the seconds until it, per customer in time order.

    Ties on the timestamp are broken by touchpoint name so that the order, and every count built on it,
    is the same on every run and every engine.
    """
    window = ibis.window(group_by=events.customer_id, order_by=[events.timestamp, events.touchpoint])
    return events.mutate(
        next_touchpoint=events.touchpoint.lead().over(window),
        next_timestamp=events.timestamp.lead().over(window),
        step=ibis.row_number().over(window),
    ).mutate(seconds_to_next=lambda t: (t.next_timestamp.epoch_seconds() - t.timestamp.epoch_seconds()))


def transitions(events: ibis.Table) -> ibis.Table:
    """Directly-follows pairs: how often ``target`` comes right after ``source`` for the same customer.

    Columns: ``source``, ``target``, ``count``, ``customers`` and ``median_seconds`` between the two.
    """
    steps = ordered(events)
    pairs = steps.filter(steps.next_touchpoint.notnull())
    return pairs.group_by(source=pairs.touchpoint, target=pairs.next_touchpoint).aggregate(
        count=pairs.count(),
        customers=pairs.customer_id.nunique(),
        median_seconds=pairs.seconds_to_next.median(),
    )


def transitions_frame(events: ibis.Table) -> pd.DataFrame:
    """:func:`transitions` as a pandas frame, most frequent first."""
    frame = transitions(events).execute()
    return frame.sort_values(["count", "source", "target"], ascending=[False, True, True], ignore_index=True)
