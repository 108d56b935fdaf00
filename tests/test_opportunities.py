"""Opportunities: scores worked out by hand, and saving pain points into the map without losing anybody's work."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from journeykit import opportunities as op
from journeykit import pain_points as pp
from journeykit.model import Journey
from journeykit.workspace import Workspace, dump_journey, parse_journey

JOURNEY = {
    "name": "Tiny",
    "stages": [{"id": "a", "name": "Choose"}, {"id": "b", "name": "Buy"}],
    "touchpoints": [
        {"id": "t1", "name": {"en": "Web page", "fr": "Page web"}, "stage": "a", "channel": "web", "owner": "web team"},
        {"id": "t2", "name": {"en": "Delivery", "fr": "Livraison"}, "stage": "b", "channel": "partner",
         "kind": "partner", "owner": "logistics"},
    ],
    "pain_points": [{"id": "slow_page", "title": "Slow page", "stage": "a", "touchpoint": "t1"}],
    "opportunities": [{"id": "faster_page", "title": "Faster page", "pain_points": ["slow_page"],
                       "customer_value": 4, "business_value": 2, "effort": 2, "votes": 6}],
}


def ranked(quarter: str, keys: tuple[str, ...] = ("t1", "t2"), affected: int = 100) -> pd.DataFrame:
    """A ranking with one drop-off pain point per key (100 customers, excess 0.5, strength 0.8 -> score 40)."""
    rows = [{"key": key, "touchpoint": key, "stage": {"t1": "a", "t2": "b"}[key], "kind": "drop_off",
             "channel": {"t1": "web", "t2": "partner"}[key], "basis": "stage", "significant": True,
             "affected": affected, "excess_share": 0.5, "strength": 0.8, "score": affected * 0.4,
             "evidence_en": f"{key} evidence.", "evidence_fr": f"{key} preuve."} for key in keys]
    sizes = pd.DataFrame({"customers_affected": affected, "churn_affected": 0.25, "churn_rest": 0.10,
                          "revenue": 500.0}, index=list(keys))
    return pp.rank(pd.DataFrame(rows), Journey.model_validate(JOURNEY), quarter, n_active=1000, sizes=sizes)


def proposals(frame: pd.DataFrame) -> pd.DataFrame:
    return op.propose(frame, Journey.model_validate(JOURNEY), n_active=1000, active_revenue=10_000.0)


def test_scores_follow_the_documented_formulas():
    frame = ranked("2026Q3")
    # severity = 5 x log10(1 + 40) / log10(2 + 1000) = 5 x 1.6128 / 3.0009 = 2.69 -> customer value
    # 1 + 0.8 x 2.69 = 3.15 -> 3.2. Exposure: revenue 500 / 10,000 = 5 % x (score 40 / 100 customers) = 2 %;
    # churn 25 % against 10 %: lift 0.15 -> x 2.5 -> stake 5 % -> business value 1 + 4 x min(1, 0.05/0.05) = 5.
    assert frame.iloc[0]["severity"] == pytest.approx(2.69, abs=0.005)
    scored = proposals(frame).set_index("id")
    t1 = scored.loc["improve_t1"]
    assert (t1["customer_value"], t1["business_value"], t1["effort"]) == (3.2, 5.0, 3.0)
    assert t1["exposure"] == pytest.approx(0.02)
    assert t1["title_en"] == "Help customers through 'Web page'" and t1["owner"] == "web team"
    assert scored.loc["improve_t2", "effort"] == 4.0  # a partner's touchpoint
    assert scored.loc["improve_t2", "title_fr"] == "Aider les clients à franchir « Livraison »"
    assert op.priority(3.2, 5.0, 3.0) == (4.1, 1.367)  # impact (3.2 + 5) / 2 = 4.1, priority 4.1 / 3


def test_merge_adds_data_pain_points_and_one_opportunity_each():
    journey = Journey.model_validate(JOURNEY)
    frame = ranked("2026Q3")
    changed, plan, registry = op.merge(journey, "2026Q3", frame, proposals(frame), {})
    assert [p.id for p in changed.pain_points] == ["slow_page", "t1_2026q3", "t2_2026q3"]
    data = changed.pain_points[1]
    assert (data.origin, data.quarter, data.stage, data.touchpoint) == ("data", "2026Q3", "a", "t1")
    assert data.evidence.en == "t1 evidence." and data.customers_affected == 100
    assert data.title.fr == "Page web : les clients s'arrêtent là"
    new = {o.id: o for o in changed.opportunities}
    assert new["improve_t1"].pain_points == ["t1_2026q3"] and new["improve_t1"].owner == "web team"
    assert registry["improve_t1"] == {"customer_value": 3.2, "business_value": 5.0, "effort": 3.0}
    assert "faster_page" not in registry  # the workshop's scores are not journeykit's
    assert plan.set_index("id").loc["faster_page", "manual"] == ["customer_value", "business_value", "effort"]
    assert plan.set_index("id").loc["improve_t1", "origin"] == "data"
    parse_journey(dump_journey(changed))  # every id a slug, every reference to an existing pain point


def test_a_score_a_person_set_is_never_recomputed():
    journey = Journey.model_validate(JOURNEY)
    first = ranked("2026Q3")
    changed, _, registry = op.merge(journey, "2026Q3", first, proposals(first), {})
    # a person lowers the effort of improve_t1 to 2 and votes; the next run finds a bigger pain point
    edited = [o.model_copy(update={"effort": 2.0, "votes": 4, "status": "planned"}) if o.id == "improve_t1" else o
              for o in changed.opportunities]
    changed = changed.model_copy(update={"opportunities": edited})
    again = ranked("2026Q3", affected=400)
    final, plan, registry = op.merge(changed, "2026Q3", again, proposals(again), registry)
    t1 = {o.id: o for o in final.opportunities}["improve_t1"]
    assert t1.effort == 2.0 and t1.votes == 4 and t1.status == "planned"  # kept
    assert t1.customer_value > 3.2  # computed, so recomputed for the bigger pain point
    assert "effort" not in registry["improve_t1"]
    assert plan.set_index("id").loc["improve_t1", "manual"] == ["effort"]
    faster = {o.id: o for o in final.opportunities}["faster_page"]
    assert (faster.customer_value, faster.business_value, faster.effort, faster.votes) == (4, 2, 2, 6)


def test_data_pain_points_of_the_same_quarter_are_replaced_others_kept():
    journey = Journey.model_validate(JOURNEY)
    q2, q3 = ranked("2026Q2"), ranked("2026Q3")
    journey, _, registry = op.merge(journey, "2026Q2", q2, proposals(q2), {})
    journey, _, registry = op.merge(journey, "2026Q3", q3, proposals(q3), registry)
    # one opportunity per touchpoint, linked to the pain points of both quarters
    t1 = {o.id: o for o in journey.opportunities}["improve_t1"]
    assert t1.pain_points == ["t1_2026q2", "t1_2026q3"]
    # 2026Q3 again: t2 is no longer found; its 2026Q3 pain point goes, the 2026Q2 one stays
    only_t1 = ranked("2026Q3", keys=("t1",))
    journey, _, registry = op.merge(journey, "2026Q3", only_t1, proposals(only_t1), registry)
    assert [p.id for p in journey.pain_points] == ["slow_page", "t1_2026q2", "t2_2026q2", "t1_2026q3"]
    assert {o.id: o for o in journey.opportunities}["improve_t2"].pain_points == ["t2_2026q2"]
    # 2026Q2 again without t2: its pain points are gone, and so is journeykit's untouched opportunity
    only_t1 = ranked("2026Q2", keys=("t1",))
    journey, _, registry = op.merge(journey, "2026Q2", only_t1, proposals(only_t1), registry)
    assert "improve_t2" not in {o.id for o in journey.opportunities}
    assert "improve_t2" not in registry


def test_an_opportunity_with_votes_outlives_its_pain_points():
    journey = Journey.model_validate(JOURNEY)
    frame = ranked("2026Q3")
    journey, _, registry = op.merge(journey, "2026Q3", frame, proposals(frame), {})
    voted = [o.model_copy(update={"votes": 1}) if o.id == "improve_t2" else o for o in journey.opportunities]
    journey = journey.model_copy(update={"opportunities": voted})
    only_t1 = ranked("2026Q3", keys=("t1",))
    journey, _, _ = op.merge(journey, "2026Q3", only_t1, proposals(only_t1), registry)
    kept = {o.id: o for o in journey.opportunities}["improve_t2"]
    assert kept.pain_points == [] and kept.votes == 1


def test_scores_follow_the_newest_quarter():
    journey = Journey.model_validate(JOURNEY)
    q2, q3 = ranked("2026Q2", affected=400), ranked("2026Q3", affected=50)
    journey, _, registry = op.merge(journey, "2026Q2", q2, proposals(q2), {})
    journey, _, registry = op.merge(journey, "2026Q3", q3, proposals(q3), registry)
    after_q3 = {o.id: o for o in journey.opportunities}["improve_t1"].customer_value
    journey, _, registry = op.merge(journey, "2026Q2", q2, proposals(q2), registry)  # 2026Q2 run again
    assert {o.id: o for o in journey.opportunities}["improve_t1"].customer_value == after_q3
    assert registry["improve_t1"]["customer_value"] == after_q3  # still journeykit's, so still computed


def test_a_workshop_id_is_never_overwritten():
    journey = Journey.model_validate({**JOURNEY, "pain_points": JOURNEY["pain_points"] + [
        {"id": "t1_2026q3", "title": "Named by hand", "stage": "a"}]})
    frame = ranked("2026Q3")
    changed, _, _ = op.merge(journey, "2026Q3", frame, proposals(frame), {})
    kept = [p for p in changed.pain_points if p.id == "t1_2026q3"]
    assert len(kept) == 1 and kept[0].title.en == "Named by hand" and kept[0].origin == "workshop"


def test_save_writes_the_map_and_remembers_computed_scores(tmp_path):
    ws = Workspace.create(tmp_path / "ws", Journey.model_validate(JOURNEY))
    frame = ranked("2026Q3")
    op.save(ws, "2026Q3", frame, proposals(frame))
    reopened = Workspace.open(tmp_path / "ws")
    assert reopened.journey.revision == 2
    assert {p.id for p in reopened.journey.pain_points} == {"slow_page", "t1_2026q3", "t2_2026q3"}
    registry = json.loads((tmp_path / "ws" / "measures" / "opportunity_scores.json").read_text())
    assert registry["improve_t2"]["effort"] == 4.0
    assert op.computed_scores(reopened) == registry
    # somebody edits the effort by hand in journey.yaml; saving again keeps it
    text = (tmp_path / "ws" / "journey.yaml").read_text()
    (tmp_path / "ws" / "journey.yaml").write_text(text.replace("effort: 4.0", "effort: 1.5"))
    op.save(reopened, "2026Q3", frame, proposals(frame))
    t2 = {o.id: o for o in Workspace.open(tmp_path / "ws").journey.opportunities}["improve_t2"]
    assert t2.effort == 1.5


def test_matrix_and_chart():
    import journeykit.charts as charts

    journey = Journey.model_validate(JOURNEY)
    frame = ranked("2026Q3")
    _, plan, _ = op.merge(journey, "2026Q3", frame, proposals(frame), {})
    matrix = op.matrix(plan, "fr")
    assert list(matrix.columns) == ["id", "title", "impact", "effort", "priority", "origin"]
    # faster_page: impact (4 + 2) / 2 = 3, effort 2 -> priority 1.5, the first
    assert matrix.iloc[0].to_dict() == {"id": "faster_page", "title": "Faster page", "impact": 3.0, "effort": 2.0,
                                        "priority": 1.5, "origin": "workshop"}
    assert matrix.set_index("id").loc["improve_t1", "title"] == "Page web"  # the place, for the chart
    spec = charts.opportunity_matrix_chart(matrix, "fr").to_dict()
    assert spec["title"] == "Opportunités : impact et effort"
