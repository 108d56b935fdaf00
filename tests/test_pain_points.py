"""Step 7 detectors on tiny hand-worked data, the ranking, and the planted friction of the sample company."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

from journeykit import pain_points as pp
from journeykit.errors import ParameterError
from journeykit.model import Journey
from journeykit.stages import staged_events

# Two stages; "a" has a web touchpoint (t1) and an app touchpoint (t2), "b" one web touchpoint (t3).
JOURNEY = Journey.model_validate({
    "name": "Tiny",
    "stages": [{"id": "a", "name": {"en": "Choose", "fr": "Choisir"}}, {"id": "b", "name": "Buy"}],
    "touchpoints": [
        {"id": "t1", "name": {"en": "Web page", "fr": "Page web"}, "stage": "a", "channel": "web"},
        {"id": "t2", "name": {"en": "App page", "fr": "Page appli"}, "stage": "a", "channel": "app"},
        {"id": "t3", "name": {"en": "Order", "fr": "Commande"}, "stage": "b", "channel": "web"},
    ],
})
START = pd.Timestamp("2026-07-01 10:00")


def events(rows: list[tuple[str, str, float]]) -> ibis.Table:
    """Staged events from (customer, touchpoint, hours after START)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "hours"])
    frame["timestamp"] = START + pd.to_timedelta(frame.pop("hours"), "h")
    frame["channel"] = frame["touchpoint"].map({"t1": "web", "t2": "app", "t3": "web"})
    frame["stage"] = pd.Series([None] * len(frame), dtype="string")
    return staged_events(ibis.memtable(frame), JOURNEY)


def funnel_rows(prefix: str, touchpoint: str, n: int, going_on: int) -> list[tuple[str, str, float]]:
    """``n`` customers at ``touchpoint``; the first ``going_on`` of them reach t3 a day later."""
    rows = [(f"{prefix}{i}", touchpoint, 0.0) for i in range(n)]
    return rows + [(f"{prefix}{i}", "t3", 24.0) for i in range(going_on)]


# ---------------------------------------------------------------------------------------------------------
# Detector 1: drop-off


def test_drop_off_flags_the_cell_above_the_rest_of_its_stage():
    # t1: 40 customers, 36 go on to stage b -> 4 stop (10 %); t2: 40 customers, 16 go on -> 24 stop (60 %).
    # t2 against the rest of stage a (t1's 40): pooled p = 28/80 = 0.35,
    # se = sqrt(0.35 * 0.65 * (1/40 + 1/40)) = 0.10665, z = (0.60 - 0.10) / 0.10665 = 4.688.
    # Two cells tested (stage b is the last stage; the web and app cells of stage a have one touchpoint
    # each, so they are those touchpoints' cells): z_crit = Φ⁻¹(1 - 0.05/2) = 1.960.
    # strength = 1 - 1.960/4.688 = 0.5819; excess share = 1 - 0.10/0.60 = 0.8333;
    # score = 24 stopped x 0.8333 x 0.5819 = 11.64.
    staged = events(funnel_rows("w", "t1", 40, 36) + funnel_rows("p", "t2", 40, 16))
    found = pp.drop_off(staged, JOURNEY).evidence.set_index("key")
    assert list(found.index) == ["t2", "t1"]
    t2 = found.loc["t2"]
    assert (t2["n"], t2["affected"], t2["observed"], t2["expected"]) == (40, 24, 0.6, 0.1)
    assert t2["z"] == pytest.approx(4.688, abs=1e-3)
    assert t2["z_crit"] == pytest.approx(1.960, abs=1e-3)
    assert t2["significant"] and t2["kind"] == "drop_off" and t2["id"] == "t2_drop_off"
    assert t2["excess_share"] == pytest.approx(0.8333, abs=1e-4)
    assert t2["score"] == pytest.approx(24 * 0.8333 * 0.5819, abs=0.01)
    assert "60.0% of the 40 customers who reached 'App page'" in t2["evidence_en"]
    assert "60,0 % des 40 clients arrivés à « Page appli »" in t2["evidence_fr"]
    assert not found.loc["t1", "significant"] and found.loc["t1", "score"] == 0


def test_a_tiny_cell_is_not_tested_however_bad():
    # t2 has 4 customers who all stop (100 %), under the minimum group of 10: no test, no statistic.
    staged = events(funnel_rows("w", "t1", 40, 36) + funnel_rows("p", "t2", 4, 0))
    found = pp.drop_off(staged, JOURNEY, minimum=10).evidence.set_index("key")
    assert math.isnan(found.loc["t2", "z"]) and not found.loc["t2", "significant"]
    assert found.loc["t2", "evidence_en"] == ""


def test_a_significant_but_small_lift_is_not_a_pain_point():
    # t1: 1,000 customers, 300 stop (30 %); t2: 1,000 customers, 350 stop (35 %): pooled p = 0.325,
    # se = sqrt(0.325 * 0.675 * 2/1000) = 0.020946, z = 0.05 / 0.020946 = 2.387 > 1.96,
    # but 0.35 / 0.30 = 1.17 is below the 1.25 lift: not a pain point (a lift of 1.1 accepts it).
    staged = events(funnel_rows("w", "t1", 1000, 700) + funnel_rows("p", "t2", 1000, 650))
    found = pp.drop_off(staged, JOURNEY).evidence.set_index("key")
    assert found.loc["t2", "z"] == pytest.approx(2.387, abs=1e-3)
    assert not found.loc["t2", "significant"]
    assert pp.drop_off(staged, JOURNEY, min_lift=1.1).evidence.set_index("key").loc["t2", "significant"]


def test_drop_off_against_the_same_cell_last_quarter():
    # This quarter t2: 24 of 40 stop (60 %); last quarter t2: 6 of 40 (15 %) -> compared with itself.
    now = events(funnel_rows("w", "t1", 40, 10) + funnel_rows("p", "t2", 40, 16))
    before = events(funnel_rows("w", "t1", 40, 10) + funnel_rows("p", "t2", 40, 34))
    found = pp.drop_off(now, JOURNEY, previous=before).evidence.set_index("key")
    assert found.loc["t2", "basis"] == "previous" and found.loc["t2", "expected"] == 0.15
    assert found.loc["t2", "significant"]
    assert "at the same place last quarter" in found.loc["t2", "evidence_en"]
    # t1 stops 75 % now and 75 % before: no excess against itself (against the stage it would be flagged)
    assert not found.loc["t1", "significant"]


def test_stage_channel_cell_shared_by_two_touchpoints_is_its_own_pain_point():
    journey = JOURNEY.model_copy(update={"touchpoints": JOURNEY.touchpoints + [
        JOURNEY.touchpoints[0].model_copy(update={"id": "t4", "name": JOURNEY.touchpoints[0].name})]})
    assert pp.pain_key(journey, "a", "web") == ("a_web", None)
    assert pp.pain_key(journey, "a", "app") == ("t2", "t2")


# ---------------------------------------------------------------------------------------------------------
# Detectors 2-5


def survey_table(rows: list[tuple[str, str, float | None, float | None, str | None]]) -> ibis.Table:
    frame = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "csat", "ces", "comment"])
    frame["language"] = "en"
    return ibis.memtable(frame.astype({"csat": "float64", "ces": "float64"}))


def test_survey_scores_flag_low_satisfaction_with_intervals():
    # t2: 20 answers, 12 of 1-3 (60 % not satisfied); t1: 40 answers, 4 of 1-3 (10 %).
    # pooled p = 16/60 = 0.2667, se = sqrt(0.2667 * 0.7333 * (1/20 + 1/40)) = 0.1211,
    # z = (0.60 - 0.10) / 0.1211 = 4.128; top-2-box of t2 = 8/20 = 40 %, Wilson interval [21.9, 61.3].
    rows = [(f"p{i}", "t2", 2 if i < 12 else 5, None, None) for i in range(20)]
    rows += [(f"w{i}", "t1", 3 if i < 4 else 4, None, None) for i in range(40)]
    found = pp.survey_scores(survey_table(rows), pd.Series({"t1": 400, "t2": 200}), JOURNEY)
    t2 = found.evidence.set_index("key").loc["t2"]
    assert t2["basis"] == "csat" and t2["affected"] == 12
    assert t2["z"] == pytest.approx(4.128, abs=1e-3) and t2["significant"]
    assert (round(t2["detail"]["csat_top2"], 1), round(t2["detail"]["csat_low"], 1),
            round(t2["detail"]["csat_high"], 1)) == (40.0, 21.9, 61.3)
    assert "40% satisfied (4-5) [22-61] of 20 answers, against 90% elsewhere" in t2["evidence_en"]
    assert sorted(found.affected.execute()["customer_id"]) == sorted(f"p{i}" for i in range(12))


def test_survey_scores_can_be_led_by_effort():
    # Satisfaction is the same everywhere (all 4); t2's effort is 6 for 15 of 20 answers (75 %),
    # t1's for 2 of 40 (5 %): the effort test leads.
    rows = [(f"p{i}", "t2", 4, 6 if i < 15 else 2, None) for i in range(20)]
    rows += [(f"w{i}", "t1", 4, 6 if i < 2 else 2, None) for i in range(40)]
    t2 = pp.survey_scores(survey_table(rows), pd.Series(dtype="int64"), JOURNEY).evidence.set_index("key").loc["t2"]
    assert t2["basis"] == "ces" and t2["observed"] == 0.75 and t2["expected"] == 0.05 and t2["significant"]
    assert "mean effort 5.0/7" in t2["evidence_en"]  # (15 x 6 + 5 x 2) / 20 = 5.0


def test_verbatims_share_and_distinctive_words():
    # t2: 12 of 20 comments negative (60 %), t1: 4 of 40 (10 %): the same z as above, 4.128.
    bad = ["payment failed again", "payment error", "the payment failed twice", "payment refused"]
    rows = [(f"p{i}", "t2", None, None, bad[i % 4] if i < 12 else "fine thanks") for i in range(20)]
    rows += [(f"w{i}", "t1", None, None, "slow page bad" if i < 4 else "lovely plants") for i in range(40)]

    def scorer(texts, langs):  # a stand-in for the sentiment model: "payment" or "bad" is negative
        return np.array([-0.6 if ("payment" in t or "bad" in t) else 0.5 for t in texts])

    found = pp.verbatims(survey_table(rows), pd.Series({"t1": 400, "t2": 200}), JOURNEY, scorer=scorer)
    t2 = found.evidence.set_index("key").loc["t2"]
    assert (t2["n"], t2["affected"], t2["observed"], t2["expected"]) == (20, 12, 0.6, 0.1)
    assert t2["z"] == pytest.approx(4.128, abs=1e-3) and t2["significant"]
    # "payment" is in all 12 negative comments and in none of the others: the most distinctive word
    assert t2["detail"]["words_en"][0] == "payment"
    assert "Words that set them apart: payment" in t2["evidence_en"]


def test_verbatims_use_the_sentiment_model_by_default():
    rows = [(f"p{i}", "t2", None, None, "Terrible, the payment failed and nobody helped") for i in range(12)]
    rows += [(f"w{i}", "t1", None, None, "Lovely plants, delivered on time") for i in range(12)]
    found = pp.verbatims(survey_table(rows), pd.Series(dtype="int64"), JOURNEY).evidence.set_index("key")
    assert found.loc["t2", "observed"] == 1.0 and found.loc["t1", "observed"] == 0.0


def test_ticket_hotspots_per_thousand_customers_reached():
    # t1 reached 100 customers and got 30 tickets (one per customer); t3 reached 400 and got 20.
    # Average: 50 tickets / 500 customers = 100 per 1,000. t1 expects 10, observes 30:
    # z = (30 - 10) / sqrt(10) = 6.325; excess share = 1 - 100/300 = 0.667.
    tickets = pd.DataFrame({"ticket_id": [f"k{i}" for i in range(50)],
                            "customer_id": [f"c{i}" for i in range(50)],
                            "touchpoint": ["t1"] * 30 + ["t3"] * 20,
                            "category": ["Payment failed"] * 25 + ["Other"] * 5 + ["Late"] * 20})
    found = pp.ticket_hotspots(ibis.memtable(tickets), pd.Series({"t1": 100, "t3": 400}), JOURNEY)
    t1 = found.evidence.set_index("key").loc["t1"]
    assert (t1["observed"], t1["expected"], t1["affected"]) == (300.0, 100.0, 30)
    assert t1["z"] == pytest.approx(6.325, abs=1e-3) and t1["significant"]
    assert t1["excess_share"] == pytest.approx(2 / 3)
    assert t1["detail"]["categories"] == [("Payment failed", 25)]  # "Other" (5) is under the minimum of 10
    assert "30 tickets for 'Web page': 300 per 1,000 customers reached, against 100 on average" in t1["evidence_en"]
    assert not found.evidence.set_index("key").loc["t3", "significant"]


def test_loops_count_only_when_the_loopers_fare_worse():
    # t2: 20 customers go through it 3 times on one day, 12 of them stop (60 %); 30 go through it once,
    # 3 of them stop (10 %). pooled p = 15/50 = 0.3, se = sqrt(0.3 * 0.7 * (1/20 + 1/30)) = 0.13229,
    # z = 0.5 / 0.13229 = 3.780. t1: 20 loopers and 30 others, all going on: no excess.
    rows = []
    for i in range(20):
        rows += [(f"l{i}", "t2", h) for h in (0.0, 0.1, 0.2)] + ([(f"l{i}", "t3", 24.0)] if i >= 12 else [])
        rows += [(f"m{i}", "t1", h) for h in (0.0, 0.1, 0.2)] + [(f"m{i}", "t3", 24.0)]
    for i in range(30):
        rows += [(f"o{i}", "t2", 0.0)] + ([(f"o{i}", "t3", 24.0)] if i >= 3 else [])
        rows += [(f"q{i}", "t1", 0.0), (f"q{i}", "t3", 24.0)]
    found = pp.loops(events(rows), JOURNEY)
    t2 = found.evidence.set_index("key").loc["t2"]
    assert (t2["n"], t2["affected"], t2["observed"], t2["expected"]) == (20, 20, 0.6, 0.1)
    assert t2["z"] == pytest.approx(3.780, abs=1e-3) and t2["significant"]
    assert t2["detail"]["share"] == 0.4  # 20 of the 50 customers of t2
    assert not found.evidence.set_index("key").loc["t1", "significant"]
    assert sorted(found.affected.execute()["customer_id"]) == sorted(f"l{i}" for i in range(20))
    with pytest.raises(ParameterError, match="'repeats' parameter of loops"):
        pp.loops(events(rows), JOURNEY, repeats=1)


# ---------------------------------------------------------------------------------------------------------
# Ranking and sizes


def evidence_row(key: str, kind: str, affected: int, share: float, strength: float) -> dict:
    return {"key": key, "touchpoint": key, "stage": "a", "channel": "web", "kind": kind, "basis": "csat",
            "significant": True, "affected": affected, "excess_share": share, "strength": strength,
            "score": affected * share * strength, "evidence_en": f"{key} {kind}.", "evidence_fr": f"{key} {kind}."}


def test_rank_gathers_one_pain_point_per_touchpoint():
    # t1: drop-off (100 customers, 0.8 x 0.5 = 0.40) and tickets (60, 0.5 x 0.9 = 0.45), 130 distinct
    # customers: weight (100 x 0.40 + 60 x 0.45) / 160 = 0.41875, score 130 x 0.41875 = 54.44.
    # t2: survey (150 customers, 0.5 x 0.6 = 0.30): score 45. a_web (a stage x channel cell): 0 -> left out.
    evidence = pd.DataFrame([evidence_row("t1", "drop_off", 100, 0.8, 0.5), evidence_row("t1", "tickets", 60, 0.5, 0.9),
                             evidence_row("t2", "survey", 150, 0.5, 0.6), evidence_row("a_web", "loops", 50, 0.0, 0.0)])
    sizes = pd.DataFrame({"customers_affected": [130, 150], "churn_affected": [0.3, np.nan],
                          "churn_rest": [0.1, np.nan], "revenue": [1000.0, np.nan]}, index=["t1", "t2"])
    ranked = pp.rank(evidence, JOURNEY, "2026Q3", n_active=10_000, sizes=sizes)
    assert list(ranked["id"]) == ["t1_2026q3", "t2_2026q3"]
    first = ranked.iloc[0]
    assert first["score"] == pytest.approx(54.438, abs=1e-3)
    assert first["kinds"] == ["drop_off", "tickets"] and first["lead"] == "drop_off"
    assert first["evidence_en"] == "t1 drop_off. t1 tickets."
    assert first["title_en"] == "Web page: customers stop here"
    assert first["title_fr"] == "Page web : les clients s'arrêtent là"
    # severity = 5 x log10(1 + 54.44) / log10(2 + 10,000) = 5 x 1.7438 / 4.0001 = 2.18
    assert first["severity"] == pytest.approx(2.18, abs=0.005)
    assert (first["churn_affected"], first["revenue"]) == (0.3, 1000.0)
    assert ranked.iloc[1]["title_en"] == "App page: customers are dissatisfied"


def test_pain_ids_are_valid_slugs():
    assert pp.pain_id("checkout_payment", "2026Q2") == "checkout_payment_2026q2"
    long = pp.pain_id("x" * 80, "2026Q2")
    assert len(long) <= 64 and long.endswith("_2026q2")
    assert pp.pain_id("9lives", "2026Q1") == "p_9lives_2026q1"


def test_sizes_count_distinct_customers_and_hide_small_groups():
    # t1: c1-c12 by one detector, c10-c15 by another: 15 distinct customers; t2: 3 customers (< 10).
    affected = [ibis.memtable(pd.DataFrame({"key": ["t1"] * 12, "customer_id": [f"c{i}" for i in range(1, 13)]})),
                ibis.memtable(pd.DataFrame({"key": ["t1"] * 6 + ["t2"] * 3,
                                            "customer_id": [f"c{i}" for i in range(10, 16)] + ["c1", "c2", "c3"]}))]
    # customers c1-c40 are active; c1-c6 and c30-c33 churned in the quarter, each pays 10 a month.
    customers = pd.DataFrame({"customer_id": [f"c{i}" for i in range(1, 41)], "monthly_value": 10.0,
                              "churned": [i <= 6 or 30 <= i <= 33 for i in range(1, 41)],
                              "churn_date": [pd.Timestamp("2026-08-01").date() if i <= 6 or 30 <= i <= 33 else None
                                             for i in range(1, 41)]})
    customers["churn_date"] = pd.to_datetime(customers["churn_date"]).dt.date
    active = ibis.memtable(customers[["customer_id"]])
    from journeykit.quarters import Quarter

    result = pp.sizes(affected, active, ibis.memtable(customers), Quarter.parse("2026Q3"), 10)
    # t1: 15 customers, 6 churned (40 %); the 25 others: 4 churned (16 %); revenue 15 x 10 = 150.
    assert result.loc["t1", "customers_affected"] == 15
    assert result.loc["t1", "churn_affected"] == pytest.approx(0.40)
    assert result.loc["t1", "churn_rest"] == pytest.approx(0.16)
    assert result.loc["t1", "revenue"] == 150.0
    assert result.loc["t2", "customers_affected"] == 3
    assert result.loc["t2", ["churn_affected", "churn_rest", "revenue"]].isna().all()


def test_distinctive_words_ignore_stop_words():
    texts = ["le paiement a échoué", "paiement refusé et échoué", "le paiement est bloqué"]
    reference = texts + ["les plantes sont belles", "livraison rapide", "très belles plantes"]
    # share p of the 3 texts and smoothed share q of the 6 references, ranked by p x log(p / q):
    # paiement 1 x log(1 / (3.5/7)) = 0.693; échoué 2/3 x log((2/3) / (2.5/7)) = 0.416; "le", "a", "et",
    # "est" are stop words; bloqué and refusé (0.147) come after.
    assert pp.distinctive_words(texts, reference, "fr", n=2, min_count=2) == ["paiement", "échoué"]


# ---------------------------------------------------------------------------------------------------------
# The sample company: the planted friction


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A copy of the sample workspace and the reviews of the quarter of the friction and of the fix."""
    import journeykit as jk
    from journeykit import sample as planted

    source = Path(__file__).resolve().parents[1] / "sample_data"
    if not (source / "journey.yaml").exists():
        pytest.skip("sample_data/ is not there")
    target = tmp_path_factory.mktemp("pain") / "workspace"
    shutil.copytree(source, target)
    before = jk.study(target, planted.FRICTION_QUARTER, "fr")
    after = jk.study(target, "2026Q3", "en")
    return {"path": target, "before": before, "after": after,
            "review_before": pp.review(before), "review_after": pp.review(after)}


def test_the_planted_friction_ranks_first_where_it_was_planted_and_not_after_the_fix(sample):
    from journeykit import sample as planted

    before = sample["review_before"]
    top = before.pain_points.iloc[0]
    assert top["touchpoint"] == planted.FRICTION_TOUCHPOINT and top["stage"] == planted.FRICTION_STAGE
    assert top["id"] == f"{planted.FRICTION_TOUCHPOINT}_{planted.FRICTION_QUARTER.lower()}"
    assert {"drop_off", "survey", "verbatims", "tickets", "loops"} <= set(top["kinds"])
    assert top["score"] > 1.3 * before.pain_points.iloc[1]["score"]  # first by a clear margin
    after = sample["review_after"].pain_points
    assert after.iloc[0]["touchpoint"] != planted.FRICTION_TOUCHPOINT
    assert after.iloc[0]["touchpoint"] == planted.WORSENING_TOUCHPOINT  # the new carrier of 2026Q3
    fixed = after[after["touchpoint"] == planted.FRICTION_TOUCHPOINT]
    assert fixed.empty or fixed.iloc[0]["score"] < 0.2 * top["score"]


def test_the_sample_review_reads_well_and_saves(sample):
    import journeykit as jk
    from journeykit.measures import to_json

    review, study = sample["review_before"], sample["before"]
    facts = review.facts(study)
    assert facts["top_title"] == "Paiement dans l'appli : les clients tournent en rond"
    assert "échoué" in facts["top_evidence"]
    assert jk.narrative.text("07_find_pain_points", "top", "fr", **facts).startswith("**Le point de douleur")
    summary = review.summary()
    assert summary["top"]["id"] == "checkout_payment_2026q2" and to_json(summary)
    assert list(review.table(study).columns)[:2] == ["Rang", "Point de douleur"]
    assert len(review.evidence_table(study, "checkout_payment_2026q2")) == 5
    jk.pain_points.save(study, review)
    saved = jk.Workspace.open(sample["path"]).journey
    data = [p for p in saved.pain_points if p.origin == "data"]
    assert len(data) == 10 and data[0].id == "checkout_payment_2026q2" and data[0].quarter == "2026Q2"
    assert {p.id for p in saved.pain_points if p.origin != "data"} == {"no_delivery_slot", "price_perception",
                                                                         "plant_care_anxiety"}
    assert {o.id for o in saved.opportunities} >= {"improve_checkout_payment", "delivery_slot_choice"}


def test_review_checks_its_parameters(sample):
    with pytest.raises(ParameterError, match="'expectation' parameter of pain_points.review"):
        pp.review(sample["after"], expectation="median")
    with pytest.raises(ParameterError, match="'alpha' parameter"):
        pp.review(sample["after"], alpha=2)


def test_a_small_workspace_with_events_only_has_no_pain_point(make_workspace):
    # 12 customers go from the home page to checkout; nothing stands out, and there is no survey, ticket
    # or customers table: the review says what it could not examine and saving writes no pain point.
    import journeykit as jk
    from conftest import sources

    rows = ["customer_id,timestamp,touchpoint,channel"]
    rows += [f"c{i},2026-07-0{1 + i % 5} 10:00,home_view,web\nc{i},2026-07-0{1 + i % 5} 11:00,checkout,web"
             for i in range(12)]
    folder = make_workspace(sources("events: {path: data/events.csv}"), {"data/events.csv": "\n".join(rows) + "\n"})
    study = jk.study(folder, "2026Q3", "en")
    review = pp.review(study)
    assert review.pain_points.empty and review.n_active == 12
    assert review.warnings == ["no survey source: satisfaction, effort and verbatims are not examined",
                               "no tickets source: ticket hotspots are not examined"]
    facts = review.facts(study)
    assert facts["n_pain_points"] == 0 and facts["top_title"] == "-"
    jk.narrative.text(pp.STEP, "no_pain", "en", **facts)
    pp.save(study, review)
    assert [p.id for p in jk.Workspace.open(folder).journey.pain_points] == []
