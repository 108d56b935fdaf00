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


# Above this many events, DuckDB orders the whole log in one sort instead of one window per customer
# (DuckDB 2.0's partitioned window spills without bound from about 60M events; the single sort costs
# about 25 % more CPU below that).
SINGLE_SORT_FROM = 20_000_000


def customer(table: ibis.Table) -> ibis.Column:
    """The column that tells customers apart inside the engine: the staged ``customer_key`` (whole numbers,
    see :func:`journeykit.staging._as_written`) when the table has it, else ``customer_id``.

    Partitions, sorts and distinct counts of customers use it; both give the same results.
    """
    return table.customer_key if "customer_key" in table.columns else table.customer_id


def ordered(events: ibis.Table, single_sort: bool | None = None) -> ibis.Table:
    """Events with the next touchpoint and the seconds until it, per customer in time order.

    Ties on the timestamp are broken by touchpoint name so that the order, and every count built on it,
    is the same on every run and every engine. Columns added: ``next_touchpoint``, ``next_timestamp`` and
    ``seconds_to_next`` (blank on a customer's last event).

    ``single_sort`` picks how the engine orders the events, with identical results: ``False`` is a window
    partitioned by customer (what Spark distributes), ``True`` one window over the whole log ordered by
    customer then time, whose neighbours count only within the same customer (what DuckDB sorts and spills
    best at 100M events). ``None`` chooses: the single sort on DuckDB from :data:`SINGLE_SORT_FROM` events.
    """
    after = neighbours(events, [events.timestamp, events.touchpoint],
                       {"next_touchpoint": events.touchpoint, "next_timestamp": events.timestamp},
                       offset=1, single_sort=single_sort)
    return events.mutate(**after).mutate(
        seconds_to_next=lambda t: (t.next_timestamp.epoch_seconds() - t.timestamp.epoch_seconds()))


def in_period(events: ibis.Table, end=None) -> ibis.Table:
    """:func:`ordered`'s columns read from the staged order of the log instead of a sort.

    ``events`` is the staged event table (it has ``following_touchpoint`` and ``following_timestamp``, the
    customer's next event in the whole log, see :func:`journeykit.staging._as_written`), filtered to a
    period that ends before ``end`` (``None``: the whole log). A customer's next event within the period is
    the next one of the log when that one comes before ``end``: the events are sorted by time, so no other
    event of the period can come between. Same rows, same tie-break, no sort.
    """
    inside = events.following_timestamp.notnull() if end is None else events.following_timestamp < end
    return events.mutate(
        next_touchpoint=ibis.ifelse(inside, events.following_touchpoint, ibis.null("string")),
        next_timestamp=ibis.ifelse(inside, events.following_timestamp, ibis.null(events.timestamp.type())),
    ).mutate(seconds_to_next=lambda t: (t.next_timestamp.epoch_seconds() - t.timestamp.epoch_seconds()))


def neighbours(table: ibis.Table, order_by: list, columns: dict, offset: int,
               single_sort: bool | None = None) -> dict:
    """``columns`` taken from the same customer's next (``offset=1``) or previous (``-1``) row in ``order_by``.

    See :func:`ordered` for ``single_sort``. Returns a dict of named window expressions for ``mutate``.
    """
    def shift(column, window):
        return (column.lead() if offset > 0 else column.lag()).over(window)

    if single_sort is None:
        single_sort = _is_large_duckdb(table)
    key = customer(table)
    if not single_sort:
        window = ibis.window(group_by=key, order_by=order_by)
        return {name: shift(column, window) for name, column in columns.items()}
    window = ibis.window(order_by=[key, *order_by])
    same = shift(key, window) == key
    return {name: ibis.ifelse(same, shift(column, window), ibis.null(column.type()))
            for name, column in columns.items()}


def _is_large_duckdb(table: ibis.Table) -> bool:
    """Whether ``table`` lives in DuckDB and holds at least :data:`SINGLE_SORT_FROM` rows."""
    try:
        backend = table._find_backend(use_default=True)
    except Exception:  # noqa: BLE001 - an expression over several backends: keep the portable form
        return False
    return backend.name == "duckdb" and int(table.count().execute()) >= SINGLE_SORT_FROM


def transitions(events: ibis.Table) -> ibis.Table:
    """Directly-follows pairs: how often ``target`` comes right after ``source`` for the same customer.

    Columns: ``source``, ``target``, ``count``, ``customers`` and ``median_seconds`` between the two.
    ``events`` is an event table, or one already :func:`ordered` (a study's :meth:`~journeykit.studies.Study.ordered`
    is sorted once and shared by every analysis of the quarter).
    """
    steps = events if "next_touchpoint" in events.columns else ordered(events)
    pairs = steps.filter(steps.next_touchpoint.notnull())
    return pairs.group_by(source=pairs.touchpoint, target=pairs.next_touchpoint).aggregate(
        count=pairs.count(),
        customers=customer(pairs).nunique(),
        median_seconds=pairs.seconds_to_next.median(),
    )


def transitions_frame(events: ibis.Table) -> pd.DataFrame:
    """:func:`transitions` as a pandas frame, most frequent first."""
    frame = transitions(events).execute()
    return frame.sort_values(["count", "source", "target"], ascending=[False, True, True], ignore_index=True)
