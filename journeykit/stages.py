"""Stages: each event placed on the map's ordered stages, the observed funnel and the time spent per stage.

An event's stage is the stage its log records (``stage`` column) when there is one, otherwise the stage of
its touchpoint on the map; events of touchpoints that are not on the map have no stage and are left out
of the funnel (step 5 lists them).

The funnel is computed from the quarter's totals, never averaged from daily rates:

- ``customers``: distinct customers with at least one event in the stage during the quarter;
- ``converted``: those of them with an event in a *later* stage after their first event in this stage;
- ``conversion`` = converted / customers, ``drop_off`` = 1 - conversion (the last stage has neither);
- ``median_days``: the median time from a customer's first event in the stage to their first event in a
  later stage, among converted customers whose later stage started after this one.

Every function returns an Ibis expression or a small pandas frame; nothing is displayed.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd

from .model import Journey, Text
from .paths import customer

SECONDS_PER_DAY = 86_400


def staged_events(events: ibis.Table, journey: Journey) -> ibis.Table:
    """Events with ``stage`` (from the log, else from the map) and ``stage_order`` (0-based); unstaged dropped."""
    placed = with_stages(events, journey)
    return placed.filter(placed.stage_order.notnull())


def with_stages(events: ibis.Table, journey: Journey) -> ibis.Table:
    """Every event with ``stage`` and ``stage_order`` as in :func:`staged_events`, blank when it has none."""
    to_stage = {tp.id: tp.stage for tp in journey.touchpoints}
    stage_ids = journey.stage_ids()
    if not to_stage or not stage_ids:
        return events.mutate(stage_order=ibis.literal(None, "int64"))
    # Two small joins rather than a CASE per row: the engine hashes 40 touchpoints once instead of
    # comparing strings on every event (about 1.8 CPU-s per 10M events on DuckDB).
    touchpoints = ibis.memtable({"touchpoint": list(to_stage), "map_stage": list(to_stage.values())},
                                schema={"touchpoint": "string", "map_stage": "string"})
    orders = ibis.memtable({"stage": stage_ids, "stage_order": list(range(len(stage_ids)))},
                           schema={"stage": "string", "stage_order": "int64"})
    mapped = events.left_join(touchpoints, "touchpoint")
    mapped = mapped.mutate(stage=ibis.coalesce(mapped.stage, mapped.map_stage)).select(*events.columns)
    placed = mapped.left_join(orders, "stage")
    return placed.mutate(stage=ibis.ifelse(placed.stage_order.isnull(), ibis.null("string"), placed.stage)).select(
        *events.columns, "stage_order")


def stage_entries(staged: ibis.Table, channel: bool = True) -> ibis.Table:
    """One row per customer and stage: first and last event in it, its first channel, and what came after.

    ``channel`` is the channel of the customer's first event in the stage; when several events share that
    first time, the first channel by name (a rule, so that the split by channel is the same on every run
    and engine, whatever order the engine reads the rows in). ``channel=False`` leaves it out (one join
    less). Grouped by the engine's customer key (:func:`~journeykit.paths.customer`), the id carried along.
    """
    key = customer(staged).get_name()
    carried = {"customer_id": staged.customer_id.arbitrary()} if key != "customer_id" else {}
    per_stage = staged.group_by([key, "stage", "stage_order"]).aggregate(
        **carried,
        first=staged.timestamp.min(),
        last=staged.timestamp.max(),
        events=staged.count(),
    )
    if channel:
        starts = per_stage.select(key, "stage", start=per_stage.first)
        opening = staged.join(starts, [key, "stage", staged.timestamp == starts.start])
        channels = opening.group_by([key, "stage"]).aggregate(channel=opening.channel.min())
        per_stage = per_stage.join(channels, [key, "stage"])
    later = ibis.window(group_by=per_stage[key], order_by=per_stage.stage_order, rows=(1, None))
    return per_stage.mutate(
        next_first=per_stage.first.min().over(later),
        later_last=per_stage.last.max().over(later),
    )


def funnel(staged: ibis.Table, journey: Journey, by: ibis.Table | str | None = None) -> pd.DataFrame:
    """The observed funnel per stage (see the module docstring), optionally split.

    ``by`` is ``"channel"`` (the channel of the customer's first event in the stage) or a table with
    columns ``customer_id`` and ``group`` (for instance the persona of each customer). ``staged`` may
    also be the :func:`stage_entries` of the events, computed once for several splits.

    Examples
    --------
    >>> import pandas as pd, ibis
    >>> from journeykit.model import Journey
    >>> j = Journey.model_validate({"name": "x",
    ...     "stages": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
    ...     "touchpoints": [{"id": "t1", "name": "T1", "stage": "a", "channel": "web"},
    ...                     {"id": "t2", "name": "T2", "stage": "b", "channel": "web"}]})
    >>> ev = ibis.memtable(pd.DataFrame({"customer_id": ["c1", "c1", "c2", "c3"],
    ...     "timestamp": pd.to_datetime(["2026-07-01", "2026-07-03", "2026-07-02", "2026-07-05"]),
    ...     "touchpoint": ["t1", "t2", "t1", "t2"], "channel": ["web"] * 4, "stage": [None] * 4}))
    >>> # stage a: c1, c2 (2 customers), c1 goes on to b two days later: conversion 1/2
    >>> funnel(staged_events(ev, j), j)[["stage", "customers", "converted", "conversion", "median_days"]]
      stage  customers  converted  conversion  median_days
    0     a          2          1         0.5          2.0
    1     b          2          0         NaN          NaN
    """
    entries = staged if "next_first" in staged.columns else stage_entries(staged, channel=isinstance(by, str))
    group_columns = ["stage", "stage_order"]
    if isinstance(by, str):
        if by != "channel":
            raise ValueError(f"by must be 'channel' or a table of customer_id and group. Got {by!r} instead.")
        entries = entries.mutate(group=entries.channel)
        group_columns.append("group")
    elif by is not None:
        entries = entries.join(by.select("customer_id", "group"), "customer_id")
        group_columns.append("group")
    converted = entries.later_last.notnull() & (entries.later_last > entries.first)
    seconds = entries.next_first.epoch_seconds() - entries.first.epoch_seconds()
    entries = entries.mutate(converted=converted, days=ibis.ifelse(converted & (seconds >= 0),
                                                                    seconds / SECONDS_PER_DAY, None))
    result = entries.group_by(group_columns).aggregate(
        customers=entries.count(),  # one row per customer and stage (and group): a plain count
        converted=entries.converted.sum(),
        median_days=entries.days.median(),
        events=entries.events.sum(),
    ).execute()
    last = len(journey.stages) - 1
    result["converted"] = result["converted"].astype("int64")
    result["conversion"] = (result["converted"] / result["customers"]).where(result["stage_order"] < last)
    result["drop_off"] = 1 - result["conversion"]
    result.loc[result["stage_order"] == last, "converted"] = 0
    result["median_days"] = result["median_days"].astype("float64").where(result["stage_order"] < last)
    order = ["stage_order"] + (["group"] if "group" in group_columns else [])
    result = result.sort_values(order, ignore_index=True)
    columns = ["stage", "stage_order", *(["group"] if "group" in group_columns else []), "customers",
               "converted", "conversion", "drop_off", "median_days", "events"]
    return result[columns]


@dataclass
class StageReview:
    """Step 4: the map's stages with their observed funnel, overall and split by persona and channel."""

    stages: pd.DataFrame  # id, name, order, touchpoints
    funnel: pd.DataFrame
    by_channel: pd.DataFrame
    by_persona: pd.DataFrame | None
    warnings: list[Text]

    def facts(self, study) -> dict:
        """The values the step's narrative quotes, in the study's language."""
        worst = self.summary()["biggest_drop_off"]
        return {
            "quarter": str(study.quarter),
            "n": len(self.stages),
            "worst_stage": study.stage_names().get(worst["stage"], worst["stage"]) if worst else "-",
            "worst_drop": worst["drop_off"] if worst else 0.0,
            "minimum": study.journey.privacy.min_group_size,
            "warnings": "; ".join(warning.get(study.lang) for warning in self.warnings),
        }

    def table(self, frame: pd.DataFrame, study) -> pd.DataFrame:
        """A funnel frame for people: stage names, translated headers, percentages."""
        from .tables import readable

        named = frame.assign(stage=frame["stage"].map(study.stage_names()))
        return readable(named, study.lang, percent=["conversion", "drop_off"],
                        hide=["stage_order", "events", "suppressed"])

    def summary(self) -> dict:
        """The machine-readable findings of the step (for the report index and the next quarter)."""
        rows = self.funnel.to_dict(orient="records")
        steps = [row for row in rows if pd.notna(row["drop_off"])]
        worst = max(steps, key=lambda row: row["drop_off"]) if steps else None
        return {
            "stages": list(self.stages["id"]),
            "funnel": rows,
            "biggest_drop_off": None if worst is None else {"stage": worst["stage"], "drop_off": worst["drop_off"]},
            "by_channel": self.by_channel.to_dict(orient="records"),
            "by_persona": None if self.by_persona is None else self.by_persona.to_dict(orient="records"),
            "warnings": self.warnings,
        }


def review(study) -> StageReview:
    """Measure the stages of ``study``'s map for its quarter (see the module docstring for definitions)."""
    journey = study.journey
    warnings = []
    if not 5 <= len(journey.stages) <= 8:
        warnings.append(Text(en=f"the map has {len(journey.stages)} stages; 5 to 8 keep a map readable and specific",
                             fr=f"la carte compte {len(journey.stages)} étapes ; 5 à 8 la gardent lisible et précise"))
    counts = pd.Series([tp.stage for tp in journey.touchpoints]).value_counts()
    stages = pd.DataFrame({
        "id": journey.stage_ids(),
        "name": [stage.name.get(study.lang) for stage in journey.stages],
        "order": range(len(journey.stages)),
        "touchpoints": [int(counts.get(stage_id, 0)) for stage_id in journey.stage_ids()],
    })
    study.data.path("events")  # a clear error when the workspace has no events source
    from .engine import computed_once
    from .personas import assignments  # step 3's result, when it has run for this quarter

    minimum = journey.privacy.min_group_size
    groups = assignments(study)
    by_persona = None
    with computed_once(stage_entries(study.events())) as entries:  # the events grouped once for every split
        overall = funnel(entries, journey)
        by_channel = _suppressed(funnel(entries, journey, by="channel"), minimum)
        if groups is not None:
            by_persona = _suppressed(funnel(entries, journey, by=groups), minimum)
    if groups is None:
        warnings.append(Text(en="no persona assignment for this quarter yet: run step 3 to split the funnel by persona",
                             fr="pas encore de personas pour ce trimestre : exécutez l'étape 3 pour ventiler "
                                "l'entonnoir par persona"))
    else:
        names = {persona.id: persona.name.get(study.lang) for persona in journey.personas}
        by_persona = by_persona.assign(persona=by_persona["group"],
                                       group=by_persona["group"].map(names).fillna(by_persona["group"]))
    return StageReview(stages, overall, by_channel, by_persona, warnings)


def _suppressed(frame: pd.DataFrame, minimum: int) -> pd.DataFrame:
    from .privacy import suppress_small

    return suppress_small(frame, "customers", minimum, ["conversion", "drop_off", "median_days"])
