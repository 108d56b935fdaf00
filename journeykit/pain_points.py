"""Step 7: pain points detected from the data, each with its evidence and its size.

Five detectors (:mod:`journeykit.detectors`) look for friction in one quarter: drop-off above
expectation, low satisfaction or high effort, negative verbatims, ticket hotspots and repeated loops.
Each returns *evidence*, one row per cell (a touchpoint, or a stage x channel) tested against an
expectation, with the customers ``affected`` there and ``score`` = ``affected x excess_share x strength``,
where ``excess_share`` = ``1 - expected / observed`` (the excess rate) and ``strength`` = ``1 - z_crit / z``.
This module ranks that evidence into pain points, sizes them, and saves the first ones to the map.

**One pain point per touchpoint.** Evidence is gathered per touchpoint (a stage x channel cell shared by
several touchpoints is its own pain point; a cell with one touchpoint is that touchpoint's). Its
``customers_affected`` counts the distinct customers behind all its evidence, and its score is
``customers_affected x excess rate x strength``, where ``excess rate x strength`` is the mean of its
evidence's ``excess_share x strength`` weighted by their ``affected``. This is the sum of the evidence
scores corrected for customers found by several detectors: evidence that agrees adds the customers it
alone found, and a weak detector cannot lend its customers the strength of a strong one. ``severity``
(0-5, the map's scale) is ``5 x log10(1 + score) / log10(2 + active customers)``: 5 would mean every
active customer. The churn of the affected customers (``churn_date`` on or after the quarter's start, or
``churned`` when the date is missing) is compared with the other active customers, and ``revenue`` sums
their ``monthly_value`` when the customers table has it (a customer lost at a drop-off with no value yet
counts the mean monthly value of the customers who went further from the same cell).

Ids are stable: a pain point is ``<touchpoint>_<quarter>`` (``checkout_payment_2026q2``), an evidence row
``<touchpoint>_<kind>``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd

from .detectors import (MIN_LIFT, REPEATS, _int, _Names, _num, _pct, drop_off, loops, reach, survey_scores,
                        ticket_hotspots, verbatims)
from .detectors import EVIDENCE_COLUMNS, KINDS, Detection, distinctive_words, pain_key  # noqa: F401 (re-exported)
from .errors import ParameterError
from .i18n import pick
from .model import Journey

STEP = "07_find_pain_points"


# ---------------------------------------------------------------------------------------------------------
# One ranked list, one pain point per touchpoint

TITLES = {
    "drop_off": {"en": "{name}: customers stop here", "fr": "{name} : les clients s'arrêtent là"},
    "csat": {"en": "{name}: customers are dissatisfied", "fr": "{name} : des clients insatisfaits"},
    "ces": {"en": "{name}: too much effort", "fr": "{name} : trop d'effort demandé"},
    "verbatims": {"en": "{name}: negative comments", "fr": "{name} : des commentaires négatifs"},
    "tickets": {"en": "{name}: many support tickets", "fr": "{name} : beaucoup de tickets au service client"},
    "loops": {"en": "{name}: customers go round in circles", "fr": "{name} : les clients tournent en rond"},
}
RANKED_COLUMNS = ["rank", "id", "key", "touchpoint", "stage", "channel", "lead", "kinds", "score", "severity",
                  "customers_affected", "churn_affected", "churn_rest", "revenue", "title_en", "title_fr",
                  "evidence_en", "evidence_fr", "workshop"]


def pain_id(key: str, quarter: str) -> str:
    """The stable id of the data pain point of ``key`` in ``quarter`` (a valid slug of at most 64 characters).

    Examples
    --------
    >>> pain_id("checkout_payment", "2026Q2")
    'checkout_payment_2026q2'
    """
    slug = re.sub(r"[^a-z0-9_]+", "_", key.lower()).strip("_") or "cell"
    slug = slug if slug[0].isalpha() else f"p_{slug}"
    return f"{slug[:56]}_{str(quarter).lower()}"


def rank(evidence: pd.DataFrame, journey: Journey, quarter: str, n_active: int,
         sizes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Gather significant evidence into one pain point per key and rank them (see the module docstring).

    ``sizes`` (:func:`sizes`) gives the distinct customers affected per key, their churn and revenue;
    without it a pain point counts the customers of its largest evidence.

    Examples
    --------
    >>> j = Journey.model_validate({"name": "x", "stages": [{"id": "a", "name": "A"}],
    ...     "touchpoints": [{"id": "t1", "name": "T1", "stage": "a", "channel": "web"},
    ...                     {"id": "t2", "name": "T2", "stage": "a", "channel": "app"}]})
    >>> ev = pd.DataFrame({"key": ["t1", "t1", "t2"], "touchpoint": ["t1", "t1", "t2"], "stage": "a",
    ...     "channel": ["web", "web", "app"], "kind": ["drop_off", "tickets", "verbatims"], "basis": "",
    ...     "significant": True, "affected": [100, 60, 150], "excess_share": [0.8, 0.5, 0.5],
    ...     "strength": [0.5, 0.9, 0.9], "score": [40.0, 27.0, 67.5],
    ...     "evidence_en": ["e1", "e2", "e3"], "evidence_fr": ["f1", "f2", "f3"]})
    >>> sized = pd.DataFrame({"customers_affected": [120, 150], "churn_affected": None, "churn_rest": None,
    ...                       "revenue": None}, index=["t1", "t2"])
    >>> # t1: weights 0.8 x 0.5 = 0.4 (100 customers) and 0.5 x 0.9 = 0.45 (60 customers), mean weighted
    >>> # by customers (100 x 0.4 + 60 x 0.45) / 160 = 0.41875; 120 distinct customers x 0.41875 = 50.25
    >>> # t2: 150 x 0.5 x 0.9 = 67.5 comes first
    >>> rank(ev, j, "2026Q3", 1000, sized)[["rank", "id", "customers_affected", "score"]].to_dict("records")
    [{'rank': 1, 'id': 't2_2026q3', 'customers_affected': 150, 'score': 67.5}, \
{'rank': 2, 'id': 't1_2026q3', 'customers_affected': 120, 'score': 50.25}]
    """
    used = evidence[evidence["significant"].astype(bool) & (evidence["score"] > 0)]
    names = _Names(journey)
    workshop: dict[str, list[str]] = {}
    for pain in journey.pain_points:
        if pain.origin != "data" and pain.touchpoint:
            workshop.setdefault(pain.touchpoint, []).append(pain.id)
    rows = []
    for key, group in used.groupby("key", sort=True):
        group = group.assign(weight=group["excess_share"] * group["strength"]).sort_values(
            ["score", "kind"], ascending=[False, True])
        lead = group.iloc[0]
        affected = int(group["affected"].max())
        if sizes is not None and key in sizes.index:
            affected = int(sizes.loc[key, "customers_affected"])
        weight = float((group["affected"] * group["weight"]).sum() / group["affected"].sum())
        score = affected * weight
        touchpoint = lead["touchpoint"] if isinstance(lead["touchpoint"], str) else None
        title_kind = lead["basis"] if lead["kind"] == "survey" else lead["kind"]
        titles = {}
        for lang in ("en", "fr"):
            where = names.plain(touchpoint, lead["stage"], lead["channel"], lang)
            titles[lang] = TITLES[title_kind][lang].format(name=where[:1].upper() + where[1:])
        rows.append({
            "id": pain_id(key, quarter), "key": key, "touchpoint": touchpoint, "stage": lead["stage"],
            "channel": lead["channel"], "lead": title_kind, "kinds": list(dict.fromkeys(group["kind"])),
            "score": round(score, 3),
            "severity": round(min(5.0, 5 * math.log10(1 + score) / math.log10(2 + max(n_active, 1))), 2),
            "customers_affected": affected, "title_en": titles["en"], "title_fr": titles["fr"],
            "evidence_en": " ".join(group["evidence_en"]), "evidence_fr": " ".join(group["evidence_fr"]),
            "workshop": workshop.get(touchpoint, []) if touchpoint else [],
        })
    frame = pd.DataFrame(rows, columns=[c for c in RANKED_COLUMNS if c not in ("rank", "churn_affected",
                                                                             "churn_rest", "revenue")])
    for column in ("churn_affected", "churn_rest", "revenue"):
        frame[column] = np.nan
        if sizes is not None and len(frame):
            frame[column] = frame["key"].map(sizes[column]).astype("float64")
    frame = frame.sort_values(["score", "key"], ascending=[False, True], ignore_index=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame[RANKED_COLUMNS]


def sizes(affected: list[ibis.Table], active: ibis.Table, customers: ibis.Table | None, quarter,
          minimum: int, lost_value: dict[str, float] | None = None, drop_keys: ibis.Table | None = None
          ) -> pd.DataFrame:
    """Per key: distinct customers affected, churn of the affected and of the other active customers, revenue.

    ``affected``: tables of ``key`` and ``customer_id``; ``active``: the quarter's customers
    (``customer_id``); ``lost_value``: per key, the monthly value given to customers lost at a drop-off
    whose own value is blank or zero (``drop_keys``: those customers, ``key`` and ``customer_id``).
    Rates on fewer than ``minimum`` customers are blank.
    """
    tables = [t.select(key=t.key.cast("string"), customer_id=t.customer_id.cast("string")) for t in affected]
    if not tables:
        return pd.DataFrame(columns=["customers_affected", "churn_affected", "churn_rest", "revenue"])
    union = ibis.union(*tables, distinct=True) if len(tables) > 1 else tables[0].distinct()
    # computed once here (a few rows per affected customer) rather than once per query below
    union = ibis.memtable(union.execute().astype({"key": "string", "customer_id": "string"}))
    counts = union.group_by("key").aggregate(customers_affected=union.customer_id.nunique()).execute()
    result = counts.set_index("key")
    result["churn_affected"] = np.nan
    result["churn_rest"] = np.nan
    result["revenue"] = np.nan
    if customers is None:
        return result
    period_start = quarter.start.date()
    columns = customers.columns
    if "churn_date" in columns and "churned" in columns:
        churned = ibis.ifelse(customers.churn_date.notnull(), customers.churn_date >= period_start,
                              customers.churned.fill_null(False))
    elif "churned" in columns:
        churned = customers.churned.fill_null(False)
    else:
        churned = None
    value = customers.monthly_value if "monthly_value" in columns else ibis.literal(None, "float64")
    known = customers.select("customer_id", churned=churned if churned is not None else ibis.literal(None, "boolean"),
                             value=value)
    population = ibis.union(active.select(customer_id=active.customer_id.cast("string")),
                            union.select("customer_id"), distinct=True).join(known, "customer_id")
    totals = population.aggregate(n=population.count(), churned=population.churned.cast("int64").sum()).execute()
    mine = union.join(known, "customer_id")
    if lost_value and drop_keys is not None:
        lost = drop_keys.select(lost_key=drop_keys.key.cast("string"), lost_id=drop_keys.customer_id.cast("string"),
                                fallback=drop_keys.key.cast("string").substitute(lost_value,
                                                                                 else_=ibis.null("float64")))
        mine = mine.left_join(lost, [mine.key == lost.lost_key, mine.customer_id == lost.lost_id])
        mine = mine.drop("lost_key", "lost_id")
        own = mine.value
        mine = mine.mutate(value=ibis.ifelse(own.isnull() | (own <= 0), mine.fallback, own))
    grouped = mine.group_by("key").aggregate(n=mine.count(), churned=mine.churned.cast("int64").sum(),
                                             revenue=mine.value.sum()).execute().set_index("key")
    n_all, churned_all = int(totals["n"].iloc[0]), totals["churned"].iloc[0]
    for key, row in grouped.iterrows():
        if churned is not None and not pd.isna(churned_all):
            rest_n = n_all - int(row["n"])
            if row["n"] >= minimum:
                result.loc[key, "churn_affected"] = row["churned"] / row["n"]
            if rest_n >= minimum:
                result.loc[key, "churn_rest"] = (churned_all - row["churned"]) / rest_n
        if "monthly_value" in columns and row["n"] >= minimum:
            result.loc[key, "revenue"] = row["revenue"]
    small = result["customers_affected"] < minimum
    result.loc[small, ["churn_affected", "churn_rest", "revenue"]] = np.nan
    return result


# ---------------------------------------------------------------------------------------------------------
# The step


@dataclass
class PainPointReview:
    """Step 7: the evidence of every detector, the ranked pain points and their scored opportunities."""

    quarter: str
    evidence: pd.DataFrame  # every tested cell of every detector (EVIDENCE_COLUMNS)
    pain_points: pd.DataFrame  # one row per pain point, ranked (RANKED_COLUMNS)
    proposals: pd.DataFrame  # one computed opportunity per pain point (journeykit.opportunities.propose)
    opportunities: pd.DataFrame  # one row per opportunity as it will be saved (see journeykit.opportunities)
    n_active: int
    warnings: list[str]
    settings: dict = field(default_factory=dict)  # expectation, alpha, min_lift, repeats

    def summary(self) -> dict:
        """The machine-readable findings of the step (for the report index and the next quarter)."""
        keep = ["rank", "id", "touchpoint", "stage", "channel", "lead", "kinds", "score", "severity",
                "customers_affected", "churn_affected", "churn_rest", "revenue", "title_en", "title_fr"]
        opportunities = ["id", "title_en", "title_fr", "pain_points", "customer_value", "business_value", "effort",
                         "impact", "priority", "manual"]
        return {
            "n_active": self.n_active,
            "pain_points": self.pain_points[keep].to_dict(orient="records"),
            "top": None if self.pain_points.empty else self.pain_points.iloc[0][keep].to_dict(),
            "evidence": self.evidence[self.evidence["significant"]].drop(
                columns=["detail", "evidence_en", "evidence_fr"]).to_dict(orient="records"),
            "opportunities": self.opportunities[[c for c in opportunities if c in self.opportunities]].to_dict(
                orient="records"),
            "warnings": self.warnings,
        }

    def facts(self, study) -> dict:
        """The values the step's narrative quotes, in the study's language."""
        from .narrative import text

        lang = study.lang
        top_row = None if self.pain_points.empty else self.pain_points.iloc[0]
        workshop = {p.id: p.title.get(lang) for p in study.journey.pain_points if p.origin != "data"}
        confirmed = [workshop[i] for i in dict.fromkeys(i for ids in self.pain_points["workshop"] for i in ids)
                     if i in workshop]
        expectation = self.settings.get("expectation", "stage")

        def rate(value) -> str:
            return "-" if value is None or pd.isna(value) else _pct(value, lang)

        return {
            "quarter": self.quarter,
            "n_active": _int(self.n_active, lang),
            "expectation_text": text(STEP, f"expectation_{expectation}", lang),
            "repeats": self.settings.get("repeats", REPEATS),
            "minimum": study.journey.privacy.min_group_size,
            "n_tested": int(self.evidence["z"].notna().sum()),
            "n_significant": int(self.evidence["significant"].sum()),
            "n_pain_points": len(self.pain_points),
            "top_title": "-" if top_row is None else top_row[f"title_{lang}"],
            "top_customers": "0" if top_row is None else _int(top_row["customers_affected"], lang),
            "top_severity": "-" if top_row is None else _num(top_row["severity"], lang),
            "top_n_kinds": 0 if top_row is None else len(top_row["kinds"]),
            "top_kinds": "-" if top_row is None else ", ".join(KIND_LABELS[k][lang] for k in top_row["kinds"]),
            "top_evidence": "-" if top_row is None else top_row[f"evidence_{lang}"],
            "top_churn": "-" if top_row is None else rate(top_row["churn_affected"]),
            "rest_churn": "-" if top_row is None else rate(top_row["churn_rest"]),
            "n_workshop": len(workshop),
            "n_confirmed": len(confirmed),
            "confirmed": ", ".join(confirmed) or "-",
            "n_opportunities": len(self.opportunities),
            "n_manual": int(self.opportunities["manual"].map(bool).sum()) if len(self.opportunities) else 0,
            "n_saved": min(self.settings.get("top") or len(self.pain_points), len(self.pain_points)),
            "warnings": "; ".join(self.warnings),
        }

    def ranking_frame(self, study, top: int | None = 10) -> pd.DataFrame:
        """``title`` and ``severity`` of the first pain points, for :func:`journeykit.charts.bar_chart`."""
        frame = self.pain_points.head(top) if top else self.pain_points
        return pd.DataFrame({"title": frame[f"title_{study.lang}"], "severity": frame["severity"]})

    def table(self, study, top: int | None = 10) -> pd.DataFrame:
        """The ranked pain points for people: title, stage, evidence kinds, size and severity."""
        from .tables import readable

        lang = study.lang
        frame = self.pain_points.head(top) if top else self.pain_points
        shown = pd.DataFrame({
            "rank": frame["rank"],
            "title": frame[f"title_{lang}"],
            "stage": frame["stage"].map(study.stage_names()),
            "kinds": frame["kinds"].map(lambda kinds: ", ".join(KIND_LABELS[k][lang] for k in kinds)),
            "customers": frame["customers_affected"],
            "churn_affected": frame["churn_affected"],
            "churn_rest": frame["churn_rest"],
            "revenue": frame["revenue"].round().astype("Int64"),
            "severity": frame["severity"],
        })
        shown = readable(shown, lang, percent=["churn_affected", "churn_rest"], decimals=1)
        return shown.rename(columns={key: HEADERS[key][lang] for key in HEADERS})

    def evidence_table(self, study, pain: str | None = None) -> pd.DataFrame:
        """The significant evidence (of one pain point id when given), sentence by sentence."""
        lang = study.lang
        used = self.evidence[self.evidence["significant"]]
        if pain is not None:
            keys = self.pain_points.loc[self.pain_points["id"] == pain, "key"]
            used = used[used["key"].isin(keys)]
        names = _Names(study.journey)
        frame = pd.DataFrame({
            HEADERS["where"][lang]: [names.plain(t if isinstance(t, str) else None, s, c, lang) for t, s, c in
                                     zip(used["touchpoint"], used["stage"], used["channel"])],
            HEADERS["kind"][lang]: used["kind"].map(lambda k: KIND_LABELS[k][lang]),
            HEADERS["evidence"][lang]: used[f"evidence_{lang}"],
        })
        return frame.reset_index(drop=True)

    def opportunity_table(self, study, top: int | None = 12) -> pd.DataFrame:
        """The opportunities of the map by priority: scores, which of them the team set, votes."""
        from .tables import readable

        lang = study.lang
        frame = self.opportunities.head(top) if top else self.opportunities
        manual = {"customer_value": HEADERS["customer_value"], "business_value": HEADERS["business_value"],
                  "effort": HEADERS["effort"]}
        shown = pd.DataFrame({
            "opportunity": frame[f"title_{lang}"],
            "origin": frame["origin"].map(lambda o: ORIGINS[o][lang]),
            "customer_value": frame["customer_value"], "business_value": frame["business_value"],
            "effort": frame["effort"],
            "priority": frame["priority"].map(lambda v: "" if pd.isna(v) else _num(v, lang, 2)),
            "manual": frame["manual"].map(lambda names: ", ".join(manual[n][lang].lower() for n in names)),
            "votes": frame["votes"].astype("int64"),
        })
        shown = readable(shown, lang, decimals=1)
        return shown.rename(columns={key: HEADERS[key][lang] for key in HEADERS})

    def matrix(self, study, top: int | None = 8) -> pd.DataFrame:
        """The frame of :func:`journeykit.charts.opportunity_matrix_chart` (title, impact, effort, priority)."""
        from .opportunities import matrix

        frame = matrix(self.opportunities, study.lang)
        return frame.head(top) if top else frame


KIND_LABELS = {
    "drop_off": {"en": "drop-off", "fr": "abandon"},
    "survey": {"en": "satisfaction and effort", "fr": "satisfaction et effort"},
    "verbatims": {"en": "negative comments", "fr": "commentaires négatifs"},
    "tickets": {"en": "tickets", "fr": "tickets"},
    "loops": {"en": "repeated loops", "fr": "allers-retours répétés"},
}
HEADERS = {
    "rank": {"en": "Rank", "fr": "Rang"},
    "title": {"en": "Pain point", "fr": "Point de douleur"},
    "kinds": {"en": "Evidence", "fr": "Éléments de preuve"},
    "customers": {"en": "Customers affected", "fr": "Clients concernés"},
    "churn_affected": {"en": "Churn of the affected", "fr": "Attrition des concernés"},
    "churn_rest": {"en": "Churn of the others", "fr": "Attrition des autres"},
    "revenue": {"en": "Monthly revenue at stake", "fr": "Revenu mensuel en jeu"},
    "severity": {"en": "Severity (0-5)", "fr": "Gravité (0-5)"},
    "where": {"en": "Where", "fr": "Où"},
    "kind": {"en": "Detector", "fr": "Détecteur"},
    "evidence": {"en": "What the data shows", "fr": "Ce que montrent les données"},
    "origin": {"en": "From", "fr": "Origine"},
    "opportunity": {"en": "Opportunity", "fr": "Opportunité"},
    "customer_value": {"en": "Customer value", "fr": "Valeur client"},
    "business_value": {"en": "Business value", "fr": "Valeur entreprise"},
    "effort": {"en": "Effort", "fr": "Effort"},
    "priority": {"en": "Priority", "fr": "Priorité"},
    "manual": {"en": "Set by the team", "fr": "Fixé par l'équipe"},
    "votes": {"en": "Votes", "fr": "Votes"},
}
ORIGINS = {"data": {"en": "data", "fr": "données"}, "workshop": {"en": "workshop", "fr": "atelier"}}
EXPECTATIONS = ("stage", "previous")


def review(study, *, expectation: str = "stage", alpha: float = 0.05, min_lift: float = MIN_LIFT,
           repeats: int = REPEATS, top: int | None = 10) -> PainPointReview:
    """Run the five detectors on ``study``'s quarter, rank the pain points and score their opportunities.

    Parameters
    ----------
    study : Study
        The workspace, data and quarter (:func:`journeykit.study`).
    expectation : {"stage", "previous"}
        What a cell's drop-off is compared with: the rest of its stage, or the same cell last quarter.
    alpha : float
        Family-wise significance level of each detector (Bonferroni over its cells).
    min_lift : float
        How many times its expectation a cell must reach to count (1.25: 25 % above).
    repeats : int
        Events at one touchpoint on one day that make a loop.
    top : int or None
        How many of the most severe pain points go on the map with an opportunity (:func:`save`);
        ``None`` or 0: all of them. Every pain point stays in the ranking.
    """
    if expectation not in EXPECTATIONS:
        raise ParameterError.invalid("expectation", "pain_points.review", "'stage' or 'previous'", expectation)
    if not isinstance(alpha, float | int) or not 0 < alpha < 1:
        raise ParameterError.invalid("alpha", "pain_points.review", "a float in (0, 1)", alpha)
    if not isinstance(repeats, int) or repeats < 2:
        raise ParameterError.invalid("repeats", "pain_points.review", "an int of at least 2", repeats)
    if not isinstance(min_lift, float | int) or min_lift < 1:
        raise ParameterError.invalid("min_lift", "pain_points.review", "a float of at least 1", min_lift)
    if top is not None and (not isinstance(top, int) or top < 0):
        raise ParameterError.invalid("top", "pain_points.review", "None or an int of at least 0", top)
    from . import opportunities

    journey = study.journey
    minimum = journey.privacy.min_group_size
    warnings: list[str] = []
    study.data.path("events")  # a clear error when the workspace has no events source
    staged = study.events()
    customers = study.table("customers", None) if study.has("customers") else None
    if customers is not None and "monthly_value" not in study.data.tables["customers"].columns:
        customers = customers.drop("monthly_value")
    previous = None
    if expectation == "previous":
        previous = study.events(study.previous)
        if int(previous.count().execute()) == 0:
            warnings.append(pick(study.lang, f"no events in {study.previous}: drop-off is compared with the rest "
                                 "of each stage", f"aucun événement en {study.previous} : la déperdition est "
                                 "comparée au reste de chaque étape"))
            previous = None
    reached = reach(staged)
    tests = {"alpha": alpha, "minimum": minimum, "min_lift": min_lift}
    detections = [drop_off(staged, journey, previous=previous, customers=customers, **tests),
                  loops(staged, journey, repeats=repeats, **tests)]
    if study.has("survey"):
        survey = study.table("survey")
        detections.append(survey_scores(survey, reached, journey, **tests))
        detections.append(verbatims(survey, reached, journey, **tests))
    else:
        warnings.append(pick(study.lang, "no survey source: satisfaction, effort and verbatims are not examined",
                             "pas de source d'enquête : satisfaction, effort et verbatims ne sont pas examinés"))
    if study.has("tickets"):
        detections.append(ticket_hotspots(study.table("tickets"), reached, journey, **tests))
    else:
        warnings.append(pick(study.lang, "no tickets source: ticket hotspots are not examined",
                             "pas de source de tickets : les points chauds de tickets ne sont pas examinés"))
    evidence = pd.concat([d.evidence for d in detections if len(d.evidence)], ignore_index=True)
    small = evidence["significant"] & (evidence["affected"] < minimum)
    evidence.loc[small, ["significant", "strength", "score"]] = [False, 0.0, 0.0]
    evidence = evidence.sort_values(["score", "z", "id"], ascending=[False, False, True], na_position="last",
                                    ignore_index=True)
    active = staged.select("customer_id").distinct()
    n_active = int(active.count().execute())
    drop = detections[0]
    lost_value = {}
    for row in drop.cells[drop.cells["significant"]].itertuples():
        value = row.detail.get("mean_value_went_further")
        if value is not None and not pd.isna(value):
            lost_value[row.key] = float(value)
    affected = [d.affected for d in detections if d.affected is not None]
    sized = sizes(affected, active, customers, study.quarter, minimum, lost_value or None, drop.affected)
    ranked = rank(evidence, journey, str(study.quarter), n_active, sized)
    kept = ranked.head(top) if top else ranked
    proposals = opportunities.propose(kept, journey, n_active, _active_revenue(active, customers))
    planned = opportunities.merge(journey, str(study.quarter), kept, proposals,
                                  opportunities.computed_scores(study.workspace))[1]
    settings = {"expectation": expectation, "alpha": alpha, "min_lift": min_lift, "repeats": repeats,
                "top": top or None}
    return PainPointReview(str(study.quarter), evidence, ranked, proposals, planned, n_active, warnings, settings)


def _active_revenue(active: ibis.Table, customers: ibis.Table | None) -> float | None:
    """Monthly value of the quarter's active customers (``None`` without ``monthly_value``)."""
    if customers is None or "monthly_value" not in customers.columns:
        return None
    joined = active.join(customers.select("customer_id", "monthly_value"), "customer_id")
    value = joined.monthly_value.sum().execute()
    return None if value is None or pd.isna(value) else float(value)


def save(study, review: PainPointReview):
    """Write the review's pain points and their opportunities into ``journey.yaml``; return the workspace.

    The first ``top`` pain points of the ranking (see :func:`review`) replace the data pain points saved
    earlier for the same quarter (those of other quarters and every workshop pain point stay);
    opportunities keep their votes, status, owner, title and every score a person set (see
    :func:`journeykit.opportunities.merge`). The map is changed as it is on disk, under the workspace's
    lock, so what others saved meanwhile is kept.
    """
    from . import opportunities

    top = review.settings.get("top")
    ranked = review.pain_points.head(top) if top else review.pain_points
    return opportunities.save(study.workspace, review.quarter, ranked, review.proposals)
