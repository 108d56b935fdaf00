"""Step 10: does the map match what customers do and say? Conformance, evidence, drift and what to change.

- **Conformance**: each customer's stages in time order (repeats collapsed). A path *conforms* when it
  never goes back to an earlier stage of the map (no *loop*); *skips* (jumping over a stage, such as a
  customer who never needs support) keep the order and are reported beside it, since a frequent skip
  may mean a stage is optional or mis-placed. Customers may enter the quarter at any stage.
- **Evidence per cell**: for every touchpoint of the map, the observations behind it in the quarter
  (events, survey responses, tickets), how many sources they come from, and how recent the last one is;
  ``strong`` (>= 2 sources and >= ``min_group_size`` observations), ``moderate`` (one source, enough
  observations), ``weak`` (a few), ``none``.
- **Drift** against the previous quarter: stage conversion (two-proportion z test) and KPIs (difference
  against the combined standard error), flagged significant at the 5 % level when samples allow.
- **Staleness**: touchpoints still marked ``origin: template``, and quarters since the last validation.
- **Changes**: a concrete list for the next workshop, built from all of the above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import ibis
import pandas as pd

from .engine import computed_once, per_customers
from .kpis import Z95, measure_all
from .model import Text, ValidationRecord
from .paths import customer, neighbours
from .quarters import Quarter
from .stages import funnel


STATUS = {"valid": {"en": "valid", "fr": "valide"},
          "needs_changes": {"en": "needs changes", "fr": "à modifier"},
          "invalid": {"en": "does not match the data", "fr": "ne correspond pas aux données"}}


@dataclass
class ValidationReview:
    conformance: dict  # customers, conforming, with_skips, with_loops (shares 0-1)
    breaks: pd.DataFrame  # from_stage, to_stage, customers (moves against the map)
    evidence: pd.DataFrame  # one row per touchpoint
    funnel_drift: pd.DataFrame
    kpi_drift: pd.DataFrame
    stale: list[Text]
    changes: list[dict] = field(default_factory=list)  # {"en": ..., "fr": ...}

    @property
    def status(self) -> str:
        share = self.conformance.get("conforming")
        if share is None:
            return "needs_changes"
        if share >= 0.8 and len(self.changes) <= 3:
            return "valid"
        return "needs_changes" if share >= 0.5 else "invalid"

    def summary(self) -> dict:
        return {
            "status": self.status,
            "conformance": self.conformance,
            "breaks": self.breaks.to_dict(orient="records"),
            "evidence": self.evidence.to_dict(orient="records"),
            "evidence_levels": self.evidence["level"].value_counts().to_dict(),
            "funnel_drift": self.funnel_drift.to_dict(orient="records"),
            "kpi_drift": self.kpi_drift.to_dict(orient="records"),
            "stale": self.stale,
            "changes": self.changes,
        }

    def facts(self, study) -> dict:
        share = self.conformance.get("conforming")
        levels = self.evidence["level"].value_counts()
        significant = self.funnel_drift[self.funnel_drift["significant"]] if len(self.funnel_drift) else []
        return {
            "quarter": str(study.quarter),
            "previous": str(study.previous),
            "customers": self.conformance.get("customers", 0),
            "conforming": 0.0 if share is None else share,
            "with_skips": self.conformance.get("with_skips") or 0.0,
            "with_loops": self.conformance.get("with_loops") or 0.0,
            "n_strong": int(levels.get("strong", 0)),
            "n_weak": int(levels.get("weak", 0) + levels.get("none", 0)),
            "n_drift": len(significant),
            "n_changes": len(self.changes),
            "status": STATUS[self.status][study.lang],
            "stale": "; ".join(item.get(study.lang) for item in self.stale) or "-",
        }

    def breaks_table(self, study) -> pd.DataFrame:
        from .tables import readable

        names = study.stage_names()
        frame = self.breaks.assign(from_stage=self.breaks["from_stage"].map(names),
                                   to_stage=self.breaks["to_stage"].map(names))
        kinds = {"skip": {"en": "skips a stage", "fr": "saute une étape"},
                 "loop": {"en": "goes back", "fr": "revient en arrière"}}
        frame["kind"] = frame["kind"].map(lambda kind: kinds[kind][study.lang])
        return readable(frame.head(10), study.lang, hide=["moves"])

    def evidence_table(self, study) -> pd.DataFrame:
        from .tables import readable

        levels = {"strong": ("strong", "solide"), "moderate": ("moderate", "moyenne"), "weak": ("weak", "faible"),
                  "none": ("none", "aucune")}
        index = 0 if study.lang == "en" else 1
        frame = self.evidence.assign(touchpoint=self.evidence["touchpoint"].map(study.touchpoint_names()),
                                     stage=self.evidence["stage"].map(study.stage_names()),
                                     evidence=self.evidence["level"].map(lambda level: levels[level][index]))
        return readable(frame[["stage", "touchpoint", "events", "responses", "tickets", "evidence",
                               "days_since_last"]], study.lang)

    def kpi_table(self, study) -> pd.DataFrame:
        from .tables import readable

        return readable(self.kpi_drift[["name", "previous", "value", "change", "significant", "better"]],
                        study.lang)

    def changes_table(self, study) -> pd.DataFrame:
        header = {"en": "Change to discuss", "fr": "Modification à discuter"}[study.lang]
        return pd.DataFrame({header: [change[study.lang] for change in self.changes]})

    def record(self, study) -> ValidationRecord:
        """What to store in ``journey.yaml`` for this quarter."""
        return ValidationRecord(quarter=str(study.quarter), date=date.today().isoformat(),
                                conformance=self.conformance.get("conforming"), status=self.status,
                                changes=[Text(**change) for change in self.changes])


def conformance(staged: ibis.Table) -> tuple[dict, pd.DataFrame]:
    """Shares of customers whose stage path conforms, skips or loops, and the moves against the map.

    Examples
    --------
    >>> import pandas as pd, ibis
    >>> ev = ibis.memtable(pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b", "c", "c"],
    ...     "timestamp": pd.to_datetime(["2026-07-01", "2026-07-02", "2026-07-03", "2026-07-01", "2026-07-02",
    ...                                  "2026-07-01", "2026-07-02"]),
    ...     "touchpoint": ["x"] * 7, "stage": ["s0", "s1", "s1", "s0", "s2", "s1", "s0"],
    ...     "stage_order": [0, 1, 1, 0, 2, 1, 0]}))
    >>> shares, breaks = conformance(ev)  # a: 0->1; b: 0->2 skips (still in order); c: 1->0 loops
    >>> shares["conforming"], shares["with_skips"], shares["with_loops"]  # 2 of 3 keep the order
    (0.6666666666666666, 0.3333333333333333, 0.3333333333333333)
    >>> breaks[["from_stage", "to_stage", "kind", "customers"]].to_dict("records")
    [{'from_stage': 's0', 'to_stage': 's2', 'kind': 'skip', 'customers': 1}, {'from_stage': 's1', 'to_stage': 's0', 'kind': 'loop', 'customers': 1}]
    """
    def changes(staged: ibis.Table) -> ibis.Table:
        moves = staged.mutate(**neighbours(staged, [staged.timestamp, staged.stage_order],
                                           {"before": staged.stage_order, "before_stage": staged.stage},
                                           offset=-1, single_sort=False))
        first = moves.before.isnull()  # a customer's first staged event: counts the customers
        moves = moves.filter(first | (moves.stage_order != moves.before))
        return moves.select(customer(moves).get_name(), "stage", "before_stage", first=first,
                            step=ibis.ifelse(first, 0, moves.stage_order - moves.before))

    # the events are sorted once (by slices of customers on a big log); every count below reads the moves
    with computed_once(per_customers(staged, changes)) as moves:
        per_customer = moves.group_by(customer(moves)).aggregate(skips=(moves.step > 1).sum(),
                                                                 loops=(moves.step < 0).sum())
        counts = per_customer.aggregate(customers=per_customer.count(), skips=(per_customer.skips > 0).sum(),
                                        loops=(per_customer.loops > 0).sum()).execute()
        customers, skips, loops = (int(counts[column].iloc[0] or 0) for column in ("customers", "skips", "loops"))
        if customers == 0:
            return {"customers": 0, "conforming": None, "with_skips": None, "with_loops": None}, pd.DataFrame(
                columns=["from_stage", "to_stage", "kind", "customers", "moves"])
        against = moves.filter((moves.step > 1) | (moves.step < 0))
        breaks = against.group_by(from_stage=against.before_stage, to_stage=against.stage).aggregate(
            customers=customer(against).nunique(), moves=against.count(), step=against.step.max()).execute()
    shares = {"customers": customers, "conforming": (customers - loops) / customers,
              "with_skips": skips / customers, "with_loops": loops / customers}
    breaks["kind"] = breaks.pop("step").map(lambda step: "loop" if step < 0 else "skip")
    breaks = breaks.sort_values(["customers", "from_stage", "to_stage"], ascending=[False, True, True],
                                ignore_index=True)[["from_stage", "to_stage", "kind", "customers", "moves"]]
    return shares, breaks


def evidence_per_cell(study) -> pd.DataFrame:
    """Observations, sources and recency behind every touchpoint of the map, with an evidence level."""
    journey = study.journey
    frame = pd.DataFrame({"touchpoint": [tp.id for tp in journey.touchpoints],
                          "stage": [tp.stage for tp in journey.touchpoints]})
    frame[["events", "responses", "tickets"]] = 0
    frame["last_seen"] = pd.NaT
    frame = frame.set_index("touchpoint")
    for table, column, time in (("events", "events", "timestamp"), ("survey", "responses", "date"),
                                ("tickets", "tickets", "opened_at")):
        if not study.has(table):
            continue
        data = study.table(table)
        counts = data.group_by("touchpoint").aggregate(n=data.count(), last=data[time].max()).execute()
        counts = counts[counts["touchpoint"].isin(frame.index)].set_index("touchpoint")
        frame.loc[counts.index, column] = counts["n"]
        frame.loc[counts.index, "last_seen"] = pd.concat(
            [frame.loc[counts.index, "last_seen"], pd.to_datetime(counts["last"])], axis=1).max(axis=1)
    frame = frame.reset_index()
    observed = frame[["events", "responses", "tickets"]]
    frame["observations"] = observed.sum(axis=1)
    frame["sources"] = (observed > 0).sum(axis=1)
    minimum = journey.privacy.min_group_size
    frame["level"] = "none"
    frame.loc[frame["observations"] > 0, "level"] = "weak"
    frame.loc[frame["observations"] >= minimum, "level"] = "moderate"
    frame.loc[(frame["observations"] >= minimum) & (frame["sources"] >= 2), "level"] = "strong"
    end = pd.Timestamp(study.quarter.end)
    frame["days_since_last"] = (end - pd.to_datetime(frame["last_seen"])).dt.days
    return frame


def funnel_drift(study) -> pd.DataFrame:
    """Stage conversion this quarter vs the previous one, with a two-proportion z test."""
    now = funnel(study.events(), study.journey)
    before = funnel(study.events(study.previous), study.journey)
    merged = now.merge(before, on=["stage", "stage_order"], suffixes=("", "_previous"))
    rows = []
    for row in merged.itertuples(index=False):
        p1, n1, p0, n0 = row.conversion, row.customers, row.conversion_previous, row.customers_previous
        z = _two_proportion_z(p1, n1, p0, n0)
        rows.append({"stage": row.stage, "conversion": p1, "previous": p0,
                     "change": None if pd.isna(p1) or pd.isna(p0) else p1 - p0, "customers": n1,
                     "customers_previous": n0, "z": z, "significant": z is not None and abs(z) >= Z95})
    return pd.DataFrame(rows, columns=["stage", "conversion", "previous", "change", "customers",
                                       "customers_previous", "z", "significant"])


def kpi_drift(study) -> pd.DataFrame:
    """Every KPI this quarter vs the previous one; significant when the difference exceeds 1.96 standard errors."""
    now, before = measure_all(study), measure_all(study, study.previous)
    merged = now.merge(before[["kpi", "value", "low", "high", "n"]], on="kpi", suffixes=("", "_previous"))
    rows = []
    for row in merged.itertuples(index=False):
        change = None if pd.isna(row.value) or pd.isna(row.value_previous) else row.value - row.value_previous
        significant = False
        if change is not None and not any(pd.isna(v) for v in (row.low, row.high, row.low_previous,
                                                                 row.high_previous)):
            se = math.hypot((row.high - row.low) / (2 * Z95), (row.high_previous - row.low_previous) / (2 * Z95))
            significant = se > 0 and abs(change) / se >= Z95
        better = None if change is None or change == 0 else (change > 0) == bool(row.higher_is_better)
        rows.append({"kpi": row.kpi, "name": row.name, "value": row.value, "previous": row.value_previous,
                     "change": change, "significant": significant, "better": better})
    return pd.DataFrame(rows, columns=["kpi", "name", "value", "previous", "change", "significant", "better"])


def _two_proportion_z(p1, n1, p0, n0) -> float | None:
    if any(pd.isna(v) for v in (p1, p0)) or n1 < 1 or n0 < 1:
        return None
    pooled = (p1 * n1 + p0 * n0) / (n1 + n0)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return None if se == 0 else (p1 - p0) / se


def review(study) -> ValidationReview:
    """Validate ``study``'s map for its quarter (using step 5's touchpoints missing from the map)."""
    journey = study.journey
    unmapped = _unmapped(study)
    shares, breaks = conformance(study.events()) if study.has("events") else (
        {"customers": 0, "conforming": None, "with_skips": None, "with_loops": None}, pd.DataFrame())
    evidence = evidence_per_cell(study)
    drift = funnel_drift(study) if study.has("events") else pd.DataFrame(columns=["stage", "significant"])
    kpis = kpi_drift(study)
    stale = []
    template = [tp.id for tp in journey.touchpoints if tp.origin == "template"]
    if template:
        stale.append(Text(en=f"{len(template)} touchpoints are still the template's, never confirmed in a workshop",
                          fr=f"{len(template)} points de contact viennent encore du modèle, jamais confirmés en "
                             "atelier"))
    done = sorted(Quarter.parse(record.quarter) for record in journey.validations)
    earlier = [quarter for quarter in done if quarter < study.quarter]
    if not earlier:
        stale.append(Text(en="the map has never been validated before this quarter",
                          fr="la carte n'a jamais été validée avant ce trimestre"))
    elif earlier[-1] < study.previous:
        stale.append(Text(en=f"the last validation was for {earlier[-1]}: more than a quarter ago",
                          fr=f"la dernière validation date de {earlier[-1]} : il y a plus d'un trimestre"))
    review = ValidationReview(shares, breaks, evidence, drift, kpis, stale)
    review.changes = _changes(study, review, unmapped)
    return review


def save(study, review: ValidationReview) -> None:
    """Store this quarter's validation record in ``journey.yaml`` (replacing an earlier one for the quarter)."""
    record = review.record(study)

    def change(journey):
        earlier = next((item for item in journey.validations if item.quarter == record.quarter), None)
        new = record if earlier is None else record.model_copy(update={"notes": earlier.notes})  # keep the team's notes
        kept = [item for item in journey.validations if item.quarter != record.quarter]
        return journey.model_copy(update={"validations": sorted([*kept, new], key=lambda item: item.quarter)})

    study.workspace.update(change)


def _unmapped(study) -> pd.DataFrame | None:
    """Step 5's touchpoints seen in the data but missing from the map (its summary, or measured now)."""
    from .measures import read_summary

    summary = read_summary(study.workspace, study.quarter, "05_inventory_touchpoints")
    if summary is not None:
        return pd.DataFrame(summary["unmapped"], columns=["touchpoint", "events", "customers", "channel",
                                                          "suggested_stage"])
    if not study.has("events"):
        return None
    from .touchpoints import review as touchpoint_review

    return touchpoint_review(study).unmapped


def _changes(study, review: ValidationReview, unmapped: pd.DataFrame | None) -> list[dict]:
    """The concrete changes to bring to the next workshop, most important first, in both languages."""
    journey = study.journey
    names = {tp.id: tp.name for tp in journey.touchpoints}
    stages = {stage.id: stage.name for stage in journey.stages}
    changes: list[dict] = []
    minimum = journey.privacy.min_group_size
    if unmapped is not None:
        for row in unmapped.itertuples(index=False):
            if row.customers < minimum:
                continue
            stage = stages.get(row.suggested_stage)
            changes.append({
                "en": f"Add the touchpoint '{row.touchpoint}' ({row.customers:,} customers this quarter)"
                      + (f" to the stage '{stage.en}'" if stage else ""),
                "fr": f"Ajouter le point de contact « {row.touchpoint} » ({row.customers:,} clients ce trimestre)"
                      .replace(",", "\u202f") + (f" à l'étape « {stage.fr} »" if stage else ""),
            })
    for row in review.breaks.head(5).itertuples(index=False):
        share = row.customers / max(review.conformance.get("customers") or 1, 1)
        if share < 0.05:
            continue
        a, b = stages[row.from_stage], stages[row.to_stage]
        percent_fr = f"{share:.0%}".replace("%", "\u202f%")
        if row.kind == "loop":
            changes.append({
                "en": f"{share:.0%} of customers go back from '{a.en}' to '{b.en}': check the order of these "
                      "stages, or show this loop on the map",
                "fr": f"{percent_fr} des clients reviennent de « {a.fr} » à « {b.fr} » : vérifier l'ordre de ces "
                      "étapes, ou faire figurer cette boucle sur la carte",
            })
        else:
            changes.append({
                "en": f"{share:.0%} of customers go straight from '{a.en}' to '{b.en}': are the stages between "
                      "them optional for these customers, or are their touchpoints missing from the data?",
                "fr": f"{percent_fr} des clients passent directement de « {a.fr} » à « {b.fr} » : les étapes "
                      "intermédiaires sont-elles facultatives pour eux, ou leurs points de contact manquent-ils "
                      "dans les données ?",
            })
    for row in review.evidence[review.evidence["level"] == "none"].itertuples(index=False):
        name = names[row.touchpoint]
        changes.append({"en": f"Confirm or remove '{name.en}': no event, response or ticket mentions it this quarter",
                        "fr": f"Confirmer ou retirer « {name.fr} » : aucun événement, réponse ou ticket ne le "
                              "mentionne ce trimestre"})
    for row in review.funnel_drift[review.funnel_drift["significant"]].itertuples(index=False):
        stage = stages[row.stage]
        direction_en = "rose" if row.change > 0 else "fell"
        direction_fr = "a augmenté" if row.change > 0 else "a baissé"
        changes.append({
            "en": f"Conversion after '{stage.en}' {direction_en} from {row.previous:.0%} to {row.conversion:.0%}: "
                  "update the pain points and emotions of this stage",
            "fr": (f"Le passage après « {stage.fr} » {direction_fr} de {row.previous:.0%} à {row.conversion:.0%} : "
                   .replace("%", "\u202f%") + "mettre à jour les irritants et les émotions de cette étape"),
        })
    return changes
