"""Step 7's behavioural detectors: drop-off above expectation and repeated loops (:mod:`journeykit.detectors`).

Both read the quarter's events placed on stages, grouped once per customer, touchpoint and stage
(:func:`_touchpoint_visits`): :func:`drop_off` compares each touchpoint (or shared stage x channel cell)
with the rest of its stage or with itself last quarter; :func:`loops` compares the customers who repeat a
touchpoint :data:`REPEATS` times or more on one day with its other customers.
"""

from __future__ import annotations

import ibis
import pandas as pd

from .detector_evidence import (MIN_LIFT, Detection, _customers_at, _evidence, _int, _judge, _Names, _num, _pct,
                                _worded, pain_key, z_two)
from .errors import ParameterError
from .model import Journey

REPEATS = 3  # events at one touchpoint on one day that make a loop


def reach(staged: ibis.Table) -> pd.Series:
    """Distinct customers per touchpoint in ``staged`` events (a Series indexed by touchpoint)."""
    frame = staged.group_by("touchpoint").aggregate(customers=staged.customer_id.nunique()).execute()
    return frame.set_index("touchpoint")["customers"].astype("int64")


_VISITS: dict = {}  # the latest events' visits and entries, stored once for drop_off and loops to share


def _touchpoint_visits(staged: ibis.Table, n_stages: int) -> tuple[ibis.Table, ibis.Table]:
    """Per customer, touchpoint and stage: the first event there, whether a later stage followed, and
    ``most``, the most events there on one day.

    Also returns the customers' stage entries (:func:`journeykit.stages.stage_entries`) with
    ``stage_dropped``; the last stage, which has no later stage, is left out of both. Both are computed
    once into temporary tables of the engine and reused while ``staged`` stays the same expression (a
    quarter's pain point review reads them from three queries; on 10M events each pass costs seconds).
    """
    from .engine import drop_temporary, temporary
    from .stages import stage_entries

    key = (staged.op(), n_stages)
    if key in _VISITS:
        return _VISITS[key]
    entries = stage_entries(staged)
    entries = entries.filter(entries.stage_order < n_stages - 1)
    went_on = entries.later_last.notnull() & (entries.later_last > entries.first)
    entries = temporary(entries.mutate(stage_dropped=~went_on))
    daily = staged.group_by(["customer_id", "touchpoint", "stage", staged.timestamp.date().name("day")]).aggregate(
        first=staged.timestamp.min(), events=staged.count())
    visits = daily.group_by(["customer_id", "touchpoint", "stage"]).aggregate(
        tp_first=daily.first.min(), most=daily.events.max())
    joined = visits.join(entries.select("customer_id", "stage", "later_last", "stage_dropped"),
                         ["customer_id", "stage"])
    dropped = ~(joined.later_last.notnull() & (joined.later_last > joined.tp_first))
    visits = temporary(joined.mutate(dropped=dropped).drop("later_last"))
    for stored in _VISITS.values():
        for table in stored:
            drop_temporary(table)
    _VISITS.clear()
    _VISITS[key] = (visits, entries)
    return visits, entries


def _drop_cells(staged: ibis.Table, journey: Journey) -> tuple[pd.DataFrame, ibis.Table, ibis.Table]:
    """Drop-off counts per touchpoint and per stage x channel, with the counts of the rest of the stage."""
    visits, entries = _touchpoint_visits(staged, len(journey.stages))
    tp = visits.group_by(["touchpoint", "stage"]).aggregate(
        n=visits.count(), dropped=visits.dropped.sum(), stage_dropped_here=visits.stage_dropped.sum()).execute()
    sc = entries.group_by(["stage", "channel"]).aggregate(n=entries.count(), dropped=entries.stage_dropped.sum()
                                                          ).execute()
    totals = sc.groupby("stage")[["n", "dropped"]].sum().rename(columns={"n": "n_stage", "dropped": "d_stage"})
    tp = tp.join(totals, on="stage")
    tp["rest_n"] = tp["n_stage"] - tp["n"]
    tp["rest_dropped"] = tp["d_stage"] - tp["stage_dropped_here"]
    tp["channel"] = tp["touchpoint"].map({t.id: t.channel for t in journey.touchpoints})
    tp["key"] = tp["touchpoint"]
    tp["cell"] = "touchpoint"
    sc = sc.join(totals, on="stage")
    sc["rest_n"] = sc["n_stage"] - sc["n"]
    sc["rest_dropped"] = sc["d_stage"] - sc["dropped"]
    keys = [pain_key(journey, stage, channel) for stage, channel in zip(sc["stage"], sc["channel"])]
    sc["key"] = [key for key, _ in keys]
    sc["touchpoint"] = [touchpoint for _, touchpoint in keys]
    sc["cell"] = "stage_channel"
    sc = sc[sc["touchpoint"].isna()]  # a cell with one touchpoint is that touchpoint's own cell
    columns = ["key", "cell", "touchpoint", "stage", "channel", "n", "dropped", "rest_n", "rest_dropped"]
    cells = pd.concat([tp[columns], sc[columns]], ignore_index=True)
    cells[["n", "dropped", "rest_n", "rest_dropped"]] = cells[["n", "dropped", "rest_n", "rest_dropped"]].astype(
        "int64")
    return cells, visits, entries


def drop_off(staged: ibis.Table, journey: Journey, *, previous: ibis.Table | None = None,
             alpha: float = 0.05, minimum: int = 10, min_lift: float = MIN_LIFT,
             customers: ibis.Table | None = None) -> Detection:
    """Detector 1: drop-off per touchpoint and per shared stage x channel cell, above expectation.

    ``staged``: the quarter's events placed on stages (:meth:`journeykit.Study.events`); ``previous``: the
    same for last quarter, to compare each cell with itself (``expectation="previous"``); ``customers``
    (with ``monthly_value``): to value the customers lost before they paid.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> j = Journey.model_validate({"name": "x", "stages": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
    ...     "touchpoints": [{"id": "t1", "name": "T1", "stage": "a", "channel": "web"},
    ...                     {"id": "t2", "name": "T2", "stage": "a", "channel": "app"},
    ...                     {"id": "t3", "name": "T3", "stage": "b", "channel": "web"}]})
    >>> from journeykit.stages import staged_events
    >>> rows = [(f"w{i}", "t1", 1) for i in range(40)] + [(f"w{i}", "t3", 2) for i in range(36)]
    >>> rows += [(f"p{i}", "t2", 1) for i in range(40)] + [(f"p{i}", "t3", 2) for i in range(16)]
    >>> ev = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "day"])
    >>> ev = ev.assign(timestamp=pd.to_datetime("2026-07-01") + pd.to_timedelta(ev.pop("day"), "D"),
    ...                channel="web", stage=None)
    >>> found = drop_off(staged_events(ibis.memtable(ev), j), j).evidence
    >>> # t2: 24 of 40 stop (60 %), against 4 of 40 (10 %) for the rest of stage a
    >>> found.loc[found.significant, ["key", "n", "observed", "expected"]].to_dict("records")
    [{'key': 't2', 'n': 40, 'observed': 0.6, 'expected': 0.1}]
    """
    cells, visits, entries = _drop_cells(staged, journey)
    cells["basis"] = "stage"
    cells["expected_n"], cells["expected_dropped"] = cells["rest_n"], cells["rest_dropped"]
    if previous is not None:
        before, _, _ = _drop_cells(previous, journey)
        before = before.set_index(["key", "cell"])[["n", "dropped"]]
        matched = before.reindex(pd.MultiIndex.from_frame(cells[["key", "cell"]]))
        usable = (matched["n"].fillna(0) >= minimum).to_numpy()
        cells.loc[usable, "basis"] = "previous"
        cells.loc[usable, "expected_n"] = matched["n"].to_numpy()[usable]
        cells.loc[usable, "expected_dropped"] = matched["dropped"].to_numpy()[usable]
    testable = (cells["n"] >= minimum) & (cells["expected_n"] >= minimum)
    cells["observed"] = cells["dropped"] / cells["n"]
    cells["expected"] = cells["expected_dropped"] / cells["expected_n"].where(cells["expected_n"] > 0)
    cells["z"] = [z_two(d, n, ed, en) if ok else float("nan") for d, n, ed, en, ok in
                  zip(cells["dropped"], cells["n"], cells["expected_dropped"], cells["expected_n"], testable)]
    cells["reach"] = cells["n"]
    cells["affected"] = cells["dropped"]
    cells["excess"] = cells["n"] * (cells["observed"] - cells["expected"])
    cells = _judge(cells, alpha, min_lift)
    names = _Names(journey)
    for lang in ("en", "fr"):
        cells[f"evidence_{lang}"] = [_drop_text(row, names, lang) for row in cells.itertuples()]
    cells["kind"] = "drop_off"
    cells["detail"] = [{"went_further": int(n - d)} for n, d in zip(cells["n"], cells["dropped"])]
    affected = None
    flagged = cells[cells["significant"]]
    parts = []
    tp_keys = list(flagged.loc[flagged["cell"] == "touchpoint", "key"])
    if tp_keys:
        lost = visits.filter(visits.touchpoint.isin(tp_keys) & visits.dropped)
        parts.append(lost.select(key=lost.touchpoint, customer_id=lost.customer_id))
    for row in flagged[flagged["cell"] == "stage_channel"].itertuples():
        lost = entries.filter((entries.stage == row.stage) & (entries.channel == row.channel) & entries.stage_dropped)
        parts.append(lost.select(key=ibis.literal(row.key), customer_id=lost.customer_id))
    if parts:
        affected = ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()
    if customers is not None and tp_keys and "monthly_value" in customers.columns:
        went_on = visits.filter(visits.touchpoint.isin(tp_keys) & ~visits.dropped)
        paid = went_on.join(customers.select("customer_id", "monthly_value"), "customer_id")
        value = paid.group_by("touchpoint").aggregate(v=paid.monthly_value.mean()).execute()
        cells["detail"] = [{**d, "mean_value_went_further": value.set_index("touchpoint")["v"].get(k)}
                           for d, k in zip(cells["detail"], cells["key"])]
    return Detection(_evidence(cells), affected, cells)


def _drop_text(row, names: _Names, lang: str) -> str:
    where = names.cell(row.touchpoint if isinstance(row.touchpoint, str) else None, row.stage, row.channel, lang)
    if pd.isna(row.z):
        return ""
    if lang == "fr":
        against = "au même endroit le trimestre précédent" if row.basis == "previous" else \
            "pour le reste de l'étape"
        return (f"{_pct(row.observed, lang)} des {_int(row.n, lang)} clients arrivés à {where} ne sont pas allés "
                f"plus loin ce trimestre, contre {_pct(row.expected, lang)} {against} (z = {_num(row.z, lang)}).")
    against = "at the same place last quarter" if row.basis == "previous" else "for the rest of the stage"
    return (f"{_pct(row.observed, lang)} of the {_int(row.n, lang)} customers who reached {where} went no "
            f"further this quarter, against {_pct(row.expected, lang)} {against} (z = {_num(row.z, lang)}).")


def loops(staged: ibis.Table, journey: Journey, *, repeats: int = REPEATS, alpha: float = 0.05,
          minimum: int = 10, min_lift: float = MIN_LIFT) -> Detection:
    """Detector 5: customers who repeat a touchpoint ``repeats`` times or more on one day, and fare worse.

    A touchpoint's loopers are compared with its other customers on drop-off (as in :func:`drop_off`):
    repeating a page one enjoys is not a pain point; retrying a payment and then giving up is.
    """
    if repeats < 2:
        raise ParameterError.invalid("repeats", "loops", "an int of at least 2", repeats)
    visits, _ = _touchpoint_visits(staged, len(journey.stages))
    flagged = visits.mutate(looped=visits.most >= repeats)
    counts = flagged.group_by(["touchpoint", "stage", "looped"]).aggregate(
        n=flagged.count(), dropped=flagged.dropped.sum()).execute()
    rows = []
    for (touchpoint, stage), group in counts.groupby(["touchpoint", "stage"], sort=True):
        looped = group[group["looped"]]
        others = group[~group["looped"]]
        n, d = int(looped["n"].sum()), int(looped["dropped"].sum())
        rest_n, rest_d = int(others["n"].sum()), int(others["dropped"].sum())
        ok = n >= minimum and rest_n >= minimum
        rows.append({"key": touchpoint, "touchpoint": touchpoint, "stage": stage, "n": n,
                     "observed": d / n if n else float("nan"), "expected": rest_d / rest_n if rest_n else float("nan"),
                     "basis": "others", "reach": n + rest_n, "affected": n,
                     "z": z_two(d, n, rest_d, rest_n) if ok else float("nan"),
                     "excess": n * (d / n - rest_d / rest_n) if ok else float("nan"),
                     "detail": {"loopers": n, "share": n / (n + rest_n), "repeats": repeats}})
    cells = pd.DataFrame(rows, columns=["key", "touchpoint", "stage", "n", "observed", "expected", "basis",
                                        "reach", "affected", "z", "excess", "detail"])
    cells = _judge(cells, alpha, min_lift)
    _worded(cells, journey, "loops", _loop_text)
    return Detection(_evidence(cells), _customers_at(flagged, cells, flagged.looped), cells)


def _loop_text(row, names: _Names, lang: str) -> str:
    if pd.isna(row.z):
        return ""
    where = names.cell(row.touchpoint, row.stage, row.channel, lang)
    d = row.detail
    if lang == "fr":
        return (f"{_int(d['loopers'], lang)} clients ({_pct(d['share'], lang)}) sont passés au moins {d['repeats']} "
                f"fois par {where} le même jour ; {_pct(row.observed, lang)} d'entre eux ne sont pas allés plus "
                f"loin, contre {_pct(row.expected, lang)} des autres (z = {_num(row.z, lang)}).")
    return (f"{_int(d['loopers'], lang)} customers ({_pct(d['share'], lang)}) went through {where} at least "
            f"{d['repeats']} times on one day; {_pct(row.observed, lang)} of them went no further, against "
            f"{_pct(row.expected, lang)} of the others (z = {_num(row.z, lang)}).")
