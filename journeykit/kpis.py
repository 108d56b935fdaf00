"""KPIs with explicit definitions, measured from the data with a 95 % confidence interval.

Definitions (the unit is the one people use; see :class:`journeykit.model.Kpi`):

- **NPS**: % promoters (9-10) minus % detractors (0-6) among respondents, in points from -100 to 100;
  interval from the variance of the promoter/detractor difference.
- **CSAT**: top-2-box, % of 4 or 5 answers on the 1-5 scale; Wilson interval.
- **CES**: mean effort on the 1-7 scale (lower is better); t interval.
- **FCR**: % of tickets with a known outcome resolved at first contact; Wilson interval.
- **Conversion**: % of customers active in the first stage during the quarter who reached the KPI's stage
  (the last stage when it names none) afterwards in the quarter; Wilson interval.
- **Churn**: % of the customers active at the start of the quarter who left during it (needs
  ``churn_date``); **retention** = 100 - churn.
- **Self-service**: % of the KPI stage's contacts handled on digital channels without a ticket: digital
  events of that stage / (those events + tickets opened in the quarter).

A KPI measured on fewer answers than ``privacy.min_group_size`` is not shown (``value`` is blank and
``warning`` says why); fewer than :data:`SMALL_SAMPLE` gets a warning.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .model import Kpi, Text
from .quarters import Quarter

Z95 = 1.959964
SMALL_SAMPLE = 30


@dataclass(frozen=True)
class Estimate:
    """A measured value with its 95 % interval and the number of observations behind it."""

    value: float | None
    low: float | None
    high: float | None
    n: int


def nps(scores: pd.Series | np.ndarray | list) -> Estimate:
    """Net Promoter Score of 0-10 answers.

    Examples
    --------
    >>> # 10 answers: promoters 10, 9, 9, 10 (4); passives 8, 7 (2); detractors 6, 3, 0, 5 (4)
    >>> # NPS = 100 * (4 - 4) / 10 = 0
    >>> nps([10, 9, 9, 10, 8, 7, 6, 3, 0, 5]).value
    0.0
    >>> round(nps([10, 10, 10, 8]).value, 1)  # 3 promoters of 4, no detractor
    75.0
    """
    values = _clean(scores)
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    promoters, detractors = float(np.mean(values >= 9)), float(np.mean(values <= 6))
    score = promoters - detractors
    variance = (promoters + detractors - score**2) / n
    margin = Z95 * math.sqrt(max(variance, 0.0))
    return Estimate(100 * score, 100 * max(score - margin, -1), 100 * min(score + margin, 1), n)


def proportion(successes: int, n: int) -> Estimate:
    """A percentage with its Wilson interval.

    Examples
    --------
    >>> e = proportion(8, 10)
    >>> round(e.value, 1), round(e.low, 1), round(e.high, 1)
    (80.0, 49.0, 94.3)
    """
    if n == 0:
        return Estimate(None, None, None, 0)
    p = successes / n
    denominator = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denominator
    margin = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
    return Estimate(100 * p, 100 * (centre - margin), 100 * (centre + margin), n)


def top2box(scores: pd.Series | np.ndarray | list, high: int = 5) -> Estimate:
    """% of answers in the two best boxes of a 1-``high`` scale.

    Examples
    --------
    >>> top2box([5, 4, 4, 3, 1]).value  # 3 of 5 answers are 4 or 5
    60.0
    """
    values = _clean(scores)
    return proportion(int(np.sum(values >= high - 1)), len(values))


def mean(scores: pd.Series | np.ndarray | list) -> Estimate:
    """The mean with a t interval (normal approximation above 30 answers).

    Examples
    --------
    >>> e = mean([2, 4, 6])  # mean 4, sd 2, t(2) = 4.303: 4 +/- 4.303 * 2 / sqrt(3) = 4 +/- 4.97
    >>> round(e.value, 2), round(e.low, 2), round(e.high, 2)
    (4.0, -0.97, 8.97)
    """
    values = _clean(scores)
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    centre = float(np.mean(values))
    if n == 1:
        return Estimate(centre, None, None, 1)
    from scipy import stats

    margin = float(stats.t.ppf(0.975, n - 1)) * float(np.std(values, ddof=1)) / math.sqrt(n)
    return Estimate(centre, centre - margin, centre + margin, n)


def _clean(scores) -> np.ndarray:
    values = pd.to_numeric(pd.Series(scores, dtype="object"), errors="coerce").dropna()
    return values.to_numpy(dtype="float64")


@dataclass(frozen=True)
class Measure:
    """A KPI as measured for a quarter; ``warning`` explains a blank or fragile value."""

    kpi: str
    metric: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    target: float | None
    on_track: bool | None
    warning: Text = field(default_factory=Text)

    def as_dict(self) -> dict:
        return {**asdict(self), "warning": self.warning.model_dump()}


def measure(kpi: Kpi, study, quarter: Quarter | str | None = None) -> Measure:
    """Measure ``kpi`` on ``study``'s data for ``quarter`` (the study's quarter by default)."""
    period = study.quarter if quarter is None else Quarter.parse(str(quarter))
    estimate, warning = _estimate(kpi, study, period)
    minimum = study.journey.privacy.min_group_size
    if estimate.value is not None and estimate.n < minimum:
        estimate, warning = Estimate(None, None, None, estimate.n), Text(
            en=f"fewer than {minimum} observations ({estimate.n}); not shown to protect privacy",
            fr=f"moins de {minimum} observations ({estimate.n}) : non affiché pour protéger la vie privée")
    elif estimate.value is not None and estimate.n < SMALL_SAMPLE:
        warning = warning or Text(en=f"small sample ({estimate.n} observations): read with caution",
                                  fr=f"petit échantillon ({estimate.n} observations) : à lire avec prudence")
    on_track = None
    if estimate.value is not None and kpi.target is not None:
        on_track = estimate.value >= kpi.target if kpi.better_when_higher else estimate.value <= kpi.target
    return Measure(kpi.id, kpi.metric, estimate.value, estimate.low, estimate.high, estimate.n, kpi.target,
                   on_track, warning)


def measure_all(study, quarter: Quarter | str | None = None) -> pd.DataFrame:
    """Every KPI of the map, measured: one row per KPI (see :class:`Measure`), with its name and owner."""
    rows = []
    for kpi in study.journey.kpis:
        row = measure(kpi, study, quarter).as_dict()
        rows.append({**row, "warning": Text(**row["warning"]).get(study.lang), "name": kpi.name.get(study.lang), "unit": kpi.unit, "owner": kpi.owner,
                     "stage": kpi.stage, "higher_is_better": kpi.better_when_higher})
    columns = ["kpi", "name", "metric", "value", "low", "high", "n", "target", "on_track", "unit", "owner",
               "stage", "higher_is_better", "warning"]
    return pd.DataFrame(rows, columns=columns)


def _estimate(kpi: Kpi, study, period: Quarter) -> tuple[Estimate, Text]:
    empty, none = Estimate(None, None, None, 0), Text()
    needs = {"nps": "survey", "csat": "survey", "ces": "survey", "fcr": "tickets", "conversion": "events",
             "churn": "customers", "retention": "customers", "self_service": "events"}
    if kpi.metric == "custom":
        return empty, Text(en="custom KPI: it has no formula in journeykit; record its value in the workshop",
                           fr="indicateur personnalisé : journeykit n'a pas de formule pour lui ; notez sa valeur "
                              "en atelier")
    table = needs[kpi.metric]
    if not study.has(table):
        return empty, Text(en=f"cannot be measured: the workspace has no '{table}' source",
                           fr=f"non mesurable : l'espace de travail n'a pas de source « {table} »")
    if kpi.metric in ("nps", "csat", "ces"):
        survey = study.table("survey", period)
        if kpi.stage is not None:
            touchpoints = [tp.id for tp in study.journey.touchpoints if tp.stage == kpi.stage]
            survey = survey.filter((survey.stage == kpi.stage) | survey.touchpoint.isin(touchpoints or ["\0"]))
        scores = survey.select(survey[kpi.metric]).execute()[kpi.metric]
        return {"nps": nps, "csat": top2box, "ces": mean}[kpi.metric](scores), none
    if kpi.metric == "fcr":
        tickets = study.table("tickets", period)
        known = tickets.filter(tickets.first_contact_resolved.notnull())
        n = int(known.count().execute())
        resolved = int(known.filter(known.first_contact_resolved).count().execute())
        return proportion(resolved, n), none
    if kpi.metric == "conversion":
        return _conversion(kpi, study, period)
    if kpi.metric in ("churn", "retention"):
        return _churn(kpi, study, period)
    return _self_service(kpi, study, period)


def _conversion(kpi: Kpi, study, period: Quarter) -> tuple[Estimate, Text]:
    from .stages import stage_entries

    stages = study.journey.stage_ids()
    if len(stages) < 2:
        return Estimate(None, None, None, 0), Text(en="conversion needs at least two stages",
                                                   fr="le taux de conversion demande au moins deux étapes")
    target = kpi.stage or stages[-1]
    entries = stage_entries(study.events(period), channel=False)
    first = entries.filter(entries.stage == stages[0]).select("customer_id", start="first")
    reached = entries.filter(entries.stage == target).select("customer_id", reached="last")
    joined = first.left_join(reached, "customer_id")
    n = int(joined.count().execute())
    converted = int(joined.filter(joined.reached.notnull() & (joined.reached >= joined.start)).count().execute())
    return proportion(converted, n), Text()


def _churn(kpi: Kpi, study, period: Quarter) -> tuple[Estimate, Text]:
    customers = study.table("customers", None)
    if int(customers.churn_date.count().execute()) == 0:
        return Estimate(None, None, None, 0), Text(
            en="churn needs the customers' churn_date; map it in sources.customers",
            fr="l'attrition demande la date de résiliation des clients (churn_date) dans sources.customers")
    start, end = period.start, period.end
    signed = customers.signup_date.isnull() | (customers.signup_date < start.date())
    active = customers.filter(signed & (customers.churn_date.isnull() | (customers.churn_date >= start.date())))
    n = int(active.count().execute())
    left = int(active.filter(active.churn_date < end.date()).count().execute())
    estimate = proportion(left, n)
    if kpi.metric == "retention" and estimate.value is not None:
        estimate = Estimate(100 - estimate.value, 100 - estimate.high, 100 - estimate.low, estimate.n)
    return estimate, Text()


def _self_service(kpi: Kpi, study, period: Quarter) -> tuple[Estimate, Text]:
    if kpi.stage is None:
        return Estimate(None, None, None, 0), Text(en="self-service needs the KPI's stage (the support stage)",
                                                   fr="le taux de selfcare demande l'étape de l'indicateur "
                                                      "(l'étape d'assistance)")
    digital = [channel for channel, kind in study.journey.channel_kinds().items() if kind == "digital"]
    events = study.events(period)
    handled = int(events.filter((events.stage == kpi.stage) & events.channel.isin(digital)).count().execute())
    tickets = int(study.table("tickets", period).count().execute()) if study.has("tickets") else 0
    return proportion(handled, handled + tickets), Text()
