"""Opportunities: the changes that would remove pain points, scored and put in order.

Step 7 proposes one opportunity per touchpoint with a data pain point (``improve_<touchpoint>``); it links
every data pain point of that touchpoint, whatever the quarter, so the same change is not proposed twice.
Scores use the map's 1-5 scale:

- ``customer_value`` = ``1 + 0.8 x severity`` of the worst linked pain point (severity 0-5);
- ``business_value`` = ``1 + 4 x min(1, stake / FULL_STAKE)``. ``exposure`` is the share of the quarter's
  monthly revenue held by the affected customers (the share of active customers without ``monthly_value``)
  times the pain point's excess rate x strength (``score / customers_affected``), so that only the part
  beyond expectation counts; the stake raises it when the affected churn more than the others:
  ``stake = exposure x min(3, 1 + lift / 0.10)``, ``lift`` being the churn of the affected minus the churn of
  the others (a 10-point excess doubles the stake, and it is at most tripled);
- ``effort`` = 3, or 4 when the change needs a partner (the touchpoint's kind is ``partner`` or
  ``indirect``) or spans several touchpoints (a stage x channel pain point).

``impact`` = the mean of customer and business value; ``priority`` = ``impact / effort`` (from 0.2 to 5;
above 1 the change brings more than it costs). On the impact/effort matrix, quick wins sit top left.

**People have the last word.** A score somebody typed in ``journey.yaml`` (or in the workshop editor) is
never recomputed: journeykit remembers the scores it computed itself (``measures/opportunity_scores.json``)
and recomputes a score only when it is blank or still equal to the value journeykit last wrote. Votes,
status, owner and titles of an existing opportunity are never changed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from .files import write_atomic
from .model import Journey, Opportunity, PainPoint, Text

SCORES = ("customer_value", "business_value", "effort")
FULL_STAKE = 0.05  # a stake of 5 % of the quarter's revenue is worth the highest business value
CHURN_STEP = 0.10  # churn lift that doubles the stake
MAX_CHURN_FACTOR = 3.0
DEFAULT_EFFORT = 3.0
REGISTRY = Path("measures") / "opportunity_scores.json"

TITLES = {
    "drop_off": {"en": "Help customers through {name}", "fr": "Aider les clients à franchir {name}"},
    "csat": {"en": "Improve satisfaction with {name}", "fr": "Améliorer la satisfaction sur {name}"},
    "ces": {"en": "Make {name} easier", "fr": "Simplifier {name}"},
    "verbatims": {"en": "Fix what customers criticise in {name}",
                  "fr": "Corriger ce que les clients reprochent à {name}"},
    "tickets": {"en": "Remove the causes of tickets at {name}", "fr": "Supprimer les causes de tickets sur {name}"},
    "loops": {"en": "Stop customers going round in circles at {name}",
              "fr": "Éviter les allers-retours sur {name}"},
}
PLAN_COLUMNS = ["id", "origin", "title_en", "title_fr", "short_en", "short_fr", "pain_points", "customer_value",
                "business_value", "effort", "impact", "priority", "manual", "votes", "status", "owner"]


def opportunity_id(key: str) -> str:
    """The stable id of the opportunity of a pain point key.

    Examples
    --------
    >>> opportunity_id("checkout_payment")
    'improve_checkout_payment'
    """
    return f"improve_{key}"[:64]


def customer_value(severity: float) -> float:
    """``1 + 0.8 x severity``, on 1-5.

    Examples
    --------
    >>> customer_value(0), customer_value(2.5), customer_value(5)
    (1.0, 3.0, 5.0)
    """
    return round(min(5.0, max(1.0, 1 + 0.8 * float(severity))), 1)


def business_value(exposure: float, churn_affected: float | None = None, churn_rest: float | None = None) -> float:
    """``1 + 4 x min(1, stake / FULL_STAKE)`` with ``stake = exposure x min(3, 1 + lift / CHURN_STEP)``.

    Examples
    --------
    >>> business_value(0.0)
    1.0
    >>> business_value(0.01)  # 1 % of revenue at stake: 1 + 4 x 0.01 / 0.05 = 1.8
    1.8
    >>> business_value(0.01, 0.25, 0.10)  # churn 15 points above the others: stake x 2.5 = 0.025 -> 3.0
    3.0
    >>> business_value(0.01, 0.90, 0.10)  # 80 points above: the stake is at most tripled, 0.03 -> 3.4
    3.4
    """
    lift = 0.0
    if churn_affected is not None and churn_rest is not None and not (pd.isna(churn_affected) or pd.isna(churn_rest)):
        lift = max(0.0, float(churn_affected) - float(churn_rest))
    exposure = 0.0 if exposure is None or pd.isna(exposure) else max(0.0, float(exposure))
    stake = exposure * min(MAX_CHURN_FACTOR, 1 + lift / CHURN_STEP)
    return round(1 + 4 * min(1.0, stake / FULL_STAKE), 1)


def effort(touchpoint_kind: str | None) -> float:
    """The default effort: 3, or 4 for a partner's touchpoint or a pain point spanning several touchpoints.

    Examples
    --------
    >>> effort("owned"), effort("partner"), effort(None)
    (3.0, 4.0, 4.0)
    """
    return DEFAULT_EFFORT + (1.0 if touchpoint_kind in (None, "partner", "indirect") else 0.0)


def priority(customer: float, business: float, cost: float) -> tuple[float, float]:
    """``(impact, priority)``: impact = mean of the two values, priority = impact / effort.

    Examples
    --------
    >>> priority(5, 3, 2)
    (4.0, 2.0)
    """
    impact = (customer + business) / 2
    return round(impact, 3), round(impact / cost, 3)


def propose(ranked: pd.DataFrame, journey: Journey, n_active: int, active_revenue: float | None = None
            ) -> pd.DataFrame:
    """One opportunity per ranked pain point, with computed scores (see the module docstring).

    ``ranked``: :func:`journeykit.pain_points.rank`; ``active_revenue``: the monthly value of the quarter's
    active customers (``None`` when unknown: exposure is then a share of customers).
    """
    from .pain_points import _Names

    names = _Names(journey)
    kinds = {tp.id: tp.kind for tp in journey.touchpoints}
    owners = {tp.id: tp.owner for tp in journey.touchpoints}
    rows = []
    for row in ranked.itertuples():
        if active_revenue and not pd.isna(row.revenue):
            exposure = float(row.revenue) / active_revenue
        else:
            exposure = row.customers_affected / max(n_active, 1)
        exposure *= row.score / max(row.customers_affected, 1)  # the part beyond expectation, as in the score
        lead = row.lead if row.lead in TITLES else "verbatims"
        titles = {}
        for lang in ("en", "fr"):
            where = names.cell(row.touchpoint if isinstance(row.touchpoint, str) else None, row.stage,
                               row.channel, lang)
            titles[lang] = TITLES[lead][lang].format(name=where)
        touchpoint = row.touchpoint if isinstance(row.touchpoint, str) else None
        rows.append({
            "id": opportunity_id(row.key), "key": row.key, "pain_id": row.id, "title_en": titles["en"],
            "title_fr": titles["fr"], "customer_value": customer_value(row.severity),
            "business_value": business_value(exposure, row.churn_affected, row.churn_rest),
            "effort": effort(kinds.get(touchpoint) if touchpoint else None),
            "owner": owners.get(touchpoint, "") if touchpoint else "", "exposure": exposure,
        })
    return pd.DataFrame(rows, columns=["id", "key", "pain_id", "title_en", "title_fr", *SCORES, "owner",
                                       "exposure"])


def computed_scores(workspace) -> dict[str, dict[str, float]]:
    """The scores journeykit last wrote itself, per opportunity id (empty when it never wrote any)."""
    file = Path(workspace.path) / REGISTRY
    if not file.exists():
        return {}
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_registry(workspace, registry: dict[str, dict[str, float]]) -> None:
    write_atomic(Path(workspace.path) / REGISTRY, json.dumps(registry, indent=2, sort_keys=True))


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(float(a), float(b), abs_tol=1e-9)


def merge(journey: Journey, quarter: str, ranked: pd.DataFrame, proposals: pd.DataFrame,
          computed: dict[str, dict[str, float]]) -> tuple[Journey, pd.DataFrame, dict[str, dict[str, float]]]:
    """The journey with ``quarter``'s data pain points replaced and their opportunities merged in.

    Returns the new journey, the plan (one row per opportunity of the new journey: scores, which of them
    a person set, votes) and the registry of the scores journeykit computed. A score is *manual* when it
    is set and differs from the value in ``computed`` (or the opportunity is not journeykit's); manual
    scores, votes (of opportunities and of the replaced pain points), status, owner and titles are kept. Computed scores follow the newest quarter: saving
    an older quarter again does not overwrite scores computed for a later one. References to pain points
    that no longer exist are removed; an opportunity journeykit created that is left without pain point,
    votes, manual score or a status other than ``idea`` is removed too.
    """
    replaced = {p.id for p in journey.pain_points if p.origin == "data" and p.quarter == quarter}
    new_pains = [PainPoint(id=row.id, title=Text(en=row.title_en, fr=row.title_fr), stage=row.stage,
                           touchpoint=row.touchpoint if isinstance(row.touchpoint, str) else None,
                           description=Text(en=_kinds_text(row.kinds, "en"), fr=_kinds_text(row.kinds, "fr")),
                           evidence=Text(en=row.evidence_en, fr=row.evidence_fr),
                           customers_affected=int(row.customers_affected), severity=float(row.severity),
                           quarter=quarter, origin="data")
                 for row in ranked.itertuples()]
    votes = {p.id: p.votes for p in journey.pain_points if p.id in replaced}
    new_pains = [p.model_copy(update={"votes": votes.get(p.id, 0)}) for p in new_pains]
    kept_pains = [p for p in journey.pain_points if p.id not in replaced]
    taken = {p.id for p in kept_pains}
    new_pains = [p for p in new_pains if p.id not in taken]  # a workshop id is never overwritten
    pains = kept_pains + new_pains
    valid = {p.id for p in pains}
    data_quarter = {p.id: p.quarter for p in pains if p.origin == "data" and p.quarter}
    proposed = {row.id: row for row in proposals.itertuples() if row.pain_id in valid}
    registry: dict[str, dict[str, float]] = {}
    manual: dict[str, list[str]] = {}
    result: list[Opportunity] = []
    for opportunity in journey.opportunities:
        mine = computed.get(opportunity.id, {})
        links = [p for p in opportunity.pain_points if p in valid]
        row = proposed.pop(opportunity.id, None)
        update: dict = {"pain_points": links}
        remembered: dict[str, float] = {}
        if row is not None:
            update["pain_points"] = links + [row.pain_id] if row.pain_id not in links else links
            newest = max([data_quarter.get(p, "") for p in links] + [quarter])
            for name in SCORES:
                current = getattr(opportunity, name)
                if current is None or (_same(current, mine.get(name)) and newest == quarter):
                    update[name] = float(getattr(row, name))
                    remembered[name] = float(getattr(row, name))
            remembered.update({name: value for name, value in mine.items()
                               if name not in remembered and _same(getattr(opportunity, name), value)})
        else:
            remembered = {name: value for name, value in mine.items()
                          if _same(getattr(opportunity, name), value)}
        manual[opportunity.id] = [name for name in SCORES if getattr(opportunity, name) is not None
                                  and name not in remembered]
        if mine and not update["pain_points"] and not opportunity.votes and not manual[opportunity.id] \
                and opportunity.status == "idea":
            continue  # journeykit's own proposal, untouched by anybody, whose pain points are gone
        if remembered:
            registry[opportunity.id] = remembered
        result.append(opportunity.model_copy(update=update))
    for identifier, row in proposed.items():
        scores = {name: float(getattr(row, name)) for name in SCORES}
        result.append(Opportunity(id=identifier, title=Text(en=row.title_en, fr=row.title_fr),
                                  pain_points=[row.pain_id], owner=row.owner, **scores))
        registry[identifier] = scores
        manual[identifier] = []
    changed = journey.model_copy(update={"pain_points": pains, "opportunities": result})
    ours = set(computed) | set(registry) | {row.id for row in proposals.itertuples()}
    plan = _plan(changed, manual, ours)
    return changed, plan, registry


def _kinds_text(kinds: list[str], lang: str) -> str:
    from .pain_points import KIND_LABELS

    listed = ", ".join(KIND_LABELS[k][lang] for k in kinds)
    return f"Détecté dans les données : {listed}." if lang == "fr" else f"Detected in the data: {listed}."


def _plan(journey: Journey, manual: dict[str, list[str]], ours: set[str]) -> pd.DataFrame:
    from .pain_points import _Names

    names = _Names(journey)
    pains = {p.id: p for p in journey.pain_points}
    rows = []
    for opportunity in journey.opportunities:
        scores = [getattr(opportunity, name) for name in SCORES]
        impact, order = (None, None) if None in scores else priority(*scores)
        short = {lang: opportunity.title.get(lang) for lang in ("en", "fr")}
        linked = [pains[p] for p in opportunity.pain_points if p in pains and pains[p].origin == "data"]
        if opportunity.id in ours and linked:  # journeykit's own: the place says it all on a chart
            pain = linked[0]
            channel = opportunity.id.removeprefix(f"improve_{pain.stage}_") if pain.touchpoint is None else None
            short = {lang: names.plain(pain.touchpoint, pain.stage, channel, lang) for lang in ("en", "fr")}
        rows.append({
            "id": opportunity.id, "origin": "data" if opportunity.id in ours else "workshop",
            "title_en": opportunity.title.get("en"), "title_fr": opportunity.title.get("fr"),
            "short_en": short["en"], "short_fr": short["fr"],
            "pain_points": list(opportunity.pain_points), **dict(zip(SCORES, scores)),
            "impact": impact, "priority": order, "manual": manual.get(opportunity.id, []),
            "votes": opportunity.votes, "status": opportunity.status, "owner": opportunity.owner,
        })
    frame = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    return frame.sort_values(["priority", "id"], ascending=[False, True], na_position="last", ignore_index=True)


def save(workspace, quarter: str, ranked: pd.DataFrame, proposals: pd.DataFrame):
    """Merge ``ranked`` pain points and their ``proposals`` into the saved map, as one locked update.

    The merge runs on the journey as it is on disk (:meth:`journeykit.Workspace.update`), so what others
    saved meanwhile is kept; the computed scores are remembered afterwards.
    """
    outcome: dict = {}

    def change(journey: Journey) -> Journey:
        changed, plan, registry = merge(journey, quarter, ranked, proposals, computed_scores(workspace))
        outcome["registry"] = registry
        return changed

    workspace.update(change)
    _write_registry(workspace, outcome["registry"])
    return workspace


def matrix(plan: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The impact/effort frame of :func:`journeykit.charts.opportunity_matrix_chart` (scored opportunities).

    ``title`` is the short title of the plan (the touchpoint of journeykit's own opportunities) when it
    has one.

    Examples
    --------
    >>> plan = pd.DataFrame({"id": ["a", "b"], "title_en": ["A", "B"], "title_fr": ["A", "B"],
    ...     "customer_value": [5.0, None], "business_value": [3.0, 2.0], "effort": [2.0, 3.0]})
    >>> matrix(plan).to_dict("records")
    [{'id': 'a', 'title': 'A', 'impact': 4.0, 'effort': 2.0, 'priority': 2.0, 'origin': 'workshop'}]
    """
    scored = plan.dropna(subset=list(SCORES))
    rows = [{"id": row.id, "title": getattr(row, f"short_{lang}", getattr(row, f"title_{lang}")),
             **dict(zip(("impact", "priority"), priority(row.customer_value, row.business_value, row.effort))),
             "effort": float(row.effort), "origin": getattr(row, "origin", "workshop")}
            for row in scored.itertuples()]
    frame = pd.DataFrame(rows, columns=["id", "title", "impact", "effort", "priority", "origin"])
    return frame.sort_values(["priority", "id"], ascending=[False, True], ignore_index=True)
