"""Step 5: the touchpoint inventory, its coverage of stages and channels, and where map and data disagree.

- **Inventory**: every touchpoint of the map with its stage, channel, channel kind (digital, phone, in
  person, indirect), kind (owned, partner, earned, indirect), owner, and for the quarter its *reach*
  (distinct customers), *volume* (events), survey responses and tickets that name it, and the median time
  to the customer's next event.
- **Coverage**: the stage x channel-kind matrix: how many touchpoints the map has in each cell and how
  many customers the data shows there. A *gap* is a cell with no mapped touchpoint although customers
  act there (events whose log records the stage) or a stage with no touchpoint at all.
- **Disagreements**: touchpoints seen in the data but missing from the map (with the stage where they
  most often happen, from the event just before them), and mapped touchpoints with no evidence at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd

from .paths import customer, ordered

KINDS = ("digital", "phone", "in_person", "indirect")


@dataclass
class TouchpointReview:
    inventory: pd.DataFrame
    coverage: pd.DataFrame
    unmapped: pd.DataFrame  # touchpoint (raw name), events, customers, channel, suggested_stage
    without_evidence: list[str]

    def summary(self) -> dict:
        gaps = self.coverage[self.coverage["gap"]]
        return {
            "inventory": self.inventory.to_dict(orient="records"),
            "gaps": gaps[["stage", "kind"]].to_dict(orient="records"),
            "unmapped": self.unmapped.to_dict(orient="records"),
            "without_evidence": self.without_evidence,
        }

    def facts(self, study) -> dict:
        top = self.unmapped.iloc[0] if len(self.unmapped) else None
        names = study.touchpoint_names()
        return {
            "quarter": str(study.quarter),
            "n": len(self.inventory),
            "n_gaps": int(self.coverage["gap"].sum()),
            "n_unmapped": len(self.unmapped),
            "top_unmapped": "-" if top is None else top["touchpoint"],
            "top_unmapped_customers": 0 if top is None else int(top["customers"]),
            "top_unmapped_stage": "-" if top is None or pd.isna(top["suggested_stage"]) else
            study.stage_names().get(top["suggested_stage"], top["suggested_stage"]),
            "without_evidence": ", ".join(names.get(t, t) for t in self.without_evidence) or "-",
            "n_without_evidence": len(self.without_evidence),
        }

    def table(self, study) -> pd.DataFrame:
        from .tables import readable

        frame = self.inventory.assign(
            touchpoint=self.inventory["touchpoint"].map(study.touchpoint_names()),
            stage=self.inventory["stage"].map(study.stage_names()),
        )
        return readable(frame, study.lang, hide=["stage_order", "channel_kind", "median_hours_to_next"])

    def unmapped_table(self, study) -> pd.DataFrame:
        from .tables import readable

        frame = self.unmapped.assign(suggested_stage=self.unmapped["suggested_stage"].map(study.stage_names()))
        return readable(frame, study.lang)


def review(study) -> TouchpointReview:
    """Inventory, coverage and disagreements of ``study``'s touchpoints for its quarter."""
    journey = study.journey
    kinds = journey.channel_kinds()
    order = {stage: index for index, stage in enumerate(journey.stage_ids())}
    inventory = pd.DataFrame([{
        "touchpoint": tp.id, "stage": tp.stage, "stage_order": order[tp.stage], "channel": tp.channel,
        "channel_kind": kinds.get(tp.channel, "digital"), "kind": tp.kind, "owner": tp.owner,
    } for tp in journey.touchpoints], columns=["touchpoint", "stage", "stage_order", "channel", "channel_kind",
                                                "kind", "owner"])
    for column in ("reach", "volume", "responses", "tickets"):
        inventory[column] = 0
    inventory["median_hours_to_next"] = float("nan")
    inventory = inventory.set_index("touchpoint")
    unmapped = pd.DataFrame(columns=["touchpoint", "events", "customers", "channel", "suggested_stage"])
    activity = pd.DataFrame(columns=["stage", "kind", "customers"])
    if study.has("events"):
        events = study.engine.ordered(study.quarter)  # sorted once for the statistics and the unmapped
        stats = _statistics(events).execute()
        known = stats[stats["touchpoint"].isin(inventory.index)].set_index("touchpoint")
        inventory.loc[known.index, "reach"] = known["customers"]
        inventory.loc[known.index, "volume"] = known["events"]
        inventory.loc[known.index, "median_hours_to_next"] = known["median_seconds"] / 3600
        unmapped = _unmapped(study, events, set(inventory.index))
        activity = _activity(study)
    for table, column in (("survey", "responses"), ("tickets", "tickets")):
        if study.has(table):
            data = study.table(table)
            counts = data.group_by("touchpoint").aggregate(n=data.count()).execute().dropna(subset=["touchpoint"])
            counts = counts[counts["touchpoint"].isin(inventory.index)].set_index("touchpoint")["n"]
            inventory.loc[counts.index, column] = counts
    inventory = inventory.reset_index()
    evidence = inventory[["volume", "responses", "tickets"]].sum(axis=1)
    without_evidence = list(inventory.loc[evidence == 0, "touchpoint"])
    return TouchpointReview(inventory, _coverage(journey, inventory, activity, kinds), unmapped,
                            without_evidence)


def _statistics(events: ibis.Table) -> ibis.Table:
    """Reach, volume and median seconds to the next event, per touchpoint (one pass over the events).

    ``events`` is an event table, or one already :func:`~journeykit.paths.ordered`.
    """
    steps = events if "next_touchpoint" in events.columns else ordered(events)
    return steps.group_by("touchpoint").aggregate(
        events=steps.count(),
        customers=customer(steps).nunique(),
        median_seconds=steps.seconds_to_next.median(),
    )


def _unmapped(study, events: ibis.Table, mapped: set[str]) -> pd.DataFrame:
    """Touchpoints in the data that the map lacks, with their most frequent channel (ties: first by name)
    and the stage of the event that most often precedes them.

    ``events`` is an event table, or one already :func:`~journeykit.paths.ordered`: the event before an
    unmapped one is the ``touchpoint`` of the pairs whose ``next_touchpoint`` it is.
    """
    to_stage = {tp.id: tp.stage for tp in study.journey.touchpoints}
    steps = events if "next_touchpoint" in events.columns else ordered(events)
    known = list(mapped) or ["\0"]
    outside = steps.filter(~steps.touchpoint.isin(known))
    counts = outside.group_by("touchpoint").aggregate(events=outside.count(), customers=customer(outside).nunique())
    frame = counts.execute()
    if frame.empty:
        return pd.DataFrame(columns=["touchpoint", "events", "customers", "channel", "suggested_stage"])
    # the most frequent channel (ties: first by name), counted in the engine, picked here: Spark has no mode()
    channels = outside.group_by(["touchpoint", "channel"]).aggregate(n=outside.count()).execute()
    channels = channels.sort_values(["n", "channel"], ascending=[False, True]).drop_duplicates("touchpoint")
    frame["channel"] = frame["touchpoint"].map(channels.set_index("touchpoint")["channel"])
    into = steps.filter(steps.next_touchpoint.notnull() & ~steps.next_touchpoint.isin(known))
    before = into.group_by(touchpoint=into.next_touchpoint, before=into.touchpoint).aggregate(n=into.count()).execute()
    before["stage"] = before["before"].map(to_stage)
    stage_counts = before.dropna(subset=["stage"]).groupby(["touchpoint", "stage"])["n"].sum().reset_index()
    best = stage_counts.sort_values(["n", "stage"], ascending=[False, True]).drop_duplicates("touchpoint")
    frame["suggested_stage"] = frame["touchpoint"].map(best.set_index("touchpoint")["stage"])
    return frame.sort_values(["customers", "touchpoint"], ascending=[False, True], ignore_index=True)


def _activity(study) -> pd.DataFrame:
    """Customers per stage and channel kind, from the events placed on stages."""
    staged = study.events()
    kinds = study.journey.channel_kinds()
    frame = staged.group_by(["stage", "channel"]).aggregate(customers=customer(staged).nunique()).execute()
    frame["kind"] = frame["channel"].map(kinds).fillna("digital")
    # a customer counted on two channels of one kind is counted twice here: an upper bound per cell
    return frame.groupby(["stage", "kind"], as_index=False)["customers"].sum()


def _coverage(journey, inventory: pd.DataFrame, activity: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    cells = pd.MultiIndex.from_product([journey.stage_ids(), KINDS], names=["stage", "kind"]).to_frame(index=False)
    mapped = inventory.groupby(["stage", "channel_kind"]).size().rename("touchpoints").reset_index()
    mapped = mapped.rename(columns={"channel_kind": "kind"})
    frame = cells.merge(mapped, how="left").merge(activity, how="left")
    frame["touchpoints"] = frame["touchpoints"].fillna(0).astype("int64")
    frame["customers"] = frame["customers"].fillna(0).astype("int64")
    frame["stage_order"] = frame["stage"].map({stage: i for i, stage in enumerate(journey.stage_ids())})
    stage_total = frame.groupby("stage")["touchpoints"].transform("sum")
    frame["gap"] = ((frame["touchpoints"] == 0) & (frame["customers"] > 0)) | (stage_total == 0)
    return frame[["stage", "stage_order", "kind", "touchpoints", "customers", "gap"]]
