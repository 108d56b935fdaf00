"""Step 6: emotions measured per touchpoint, worked by hand on a tiny workspace, then on the sample company.

The tiny workspace has three touchpoints (home, checkout, help) and ten survey answers in 2026Q3, plus
three in 2026Q2. Comments are scored by a stand-in for :func:`journeykit.sentiment.score_many` (fixed
values, so the arithmetic below does not depend on the lexicons); one test scores real French and English.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import types
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

import journeykit as jk
from journeykit import emotions, sample
from journeykit.errors import ParameterError

ROOT = Path(__file__).resolve().parent.parent

JOURNEY = """\
name: Tiny shop
privacy: {min_group_size: 3}
personas:
  - {id: a, name: {en: Fans, fr: Fans}}
  - {id: b, name: {en: Shoppers, fr: Acheteurs}}
stages:
  - {id: discover, name: {en: Discover, fr: Découvrir}}
  - {id: purchase, name: {en: Purchase, fr: Acheter}}
  - {id: support, name: {en: Support, fr: Assistance}}
touchpoints:
  - {id: home, name: Home page, stage: discover, channel: web, assumed_emotion: {all: 1, a: -2},
     actions: [{en: Browses the plants, fr: Parcourt les plantes}], thoughts: ["Is it for me?"]}
  - {id: checkout, name: {en: Checkout, fr: Paiement}, stage: purchase, channel: web, assumed_emotion: {all: 2}}
  - {id: help, name: Help desk, stage: support, channel: phone, assumed_emotion: {all: -1}}
sources:
  survey:
    path: survey.csv
  interviews:
    path: interviews
"""

PII_COMMENT = "Awful! Call me on 06 12 34 56 78 or write to jean.dupont@example.fr"
SURVEY = f"""\
response_id,customer_id,date,touchpoint,nps,csat,ces,comment,language
r1,c1,2026-07-02 10:00:00,home,,5,1,,
r2,c2,2026-07-03 10:00:00,home,,4,,,
r3,c3,2026-07-04 10:00:00,home,,3,,,
r4,c4,2026-07-05 10:00:00,checkout,,2,,a bad checkout,en
r5,c5,2026-07-06 10:00:00,checkout,,,7,"{PII_COMMENT}",en
r6,c6,2026-07-07 10:00:00,checkout,0,,,,
r7,c7,2026-07-08 10:00:00,checkout,9,1,4,meh,en
r8,c8,2026-07-09 10:00:00,help,,1,,,
r9,c9,2026-07-10 10:00:00,help,,2,,,
r10,c10,2026-07-11 10:00:00,,5,,,,
p1,c1,2026-05-02 10:00:00,checkout,,5,,,
p2,c2,2026-05-03 10:00:00,checkout,,5,,,
p3,c3,2026-05-04 10:00:00,checkout,,5,,,
"""
# Fixed sentiments (-1..+1) of the stand-in scorer; "meh" has no sentiment word: 0, no signal.
SENTIMENTS = {"a bad checkout": -0.5, PII_COMMENT: -1.0, "meh": 0.0}

INTERVIEW_IN = """\
---
date: 2026-08-01
language: en
---
## Purchase
> The checkout was awful and slow, call me on +33 6 12 34 56 78 please.

> Paying was quick and easy, I loved it.
"""
INTERVIEW_LATER = """\
---
date: 2026-11-02
language: en
---
## purchase
> This interview happens after the quarter and must not be quoted.
"""


@pytest.fixture
def tiny(make_workspace, monkeypatch):
    """A study of the tiny workspace for 2026Q3, fixed sentiments, no persona assignment."""
    real = jk.sentiment.score

    def score_many(texts, langs=None):  # the fixed values above; the real scorer for interview quotes
        return np.array([np.nan if t is None else SENTIMENTS[t] if t in SENTIMENTS else real(t) for t in texts])

    monkeypatch.setattr(jk.sentiment, "score_many", score_many)
    no_personas(monkeypatch)
    folder = make_workspace(JOURNEY, {"survey.csv": SURVEY, "interviews/i1.md": INTERVIEW_IN,
                                      "interviews/i2.md": INTERVIEW_LATER})
    return jk.study(folder, "2026Q3", "en")


def no_personas(monkeypatch, table=None):
    """Stand in for step 3 (``journeykit.personas.assignments``): ``table`` or no assignment at all."""
    module = types.ModuleType("journeykit.personas")
    module.assignments = lambda study: table
    monkeypatch.setitem(sys.modules, "journeykit.personas", module)


# --- per response, worked by hand ------------------------------------------------------------------------

def test_scores_of_one_response():
    # csat 5 -> +2, ces 1 -> (4 - 1) * 2 / 3 = +2: +2 | csat 2 -> -1 | ces 7 -> -2 | nps 0 alone -> -2
    # nps 9 with csat 1 (-2) and ces 4 (0): the task scores win, -1 | nps 5 alone -> 0
    got = emotions.score_emotion([None, None, None, 0, 9, 5], [5, 2, None, None, 1, None],
                                 [1, None, 7, None, 4, None])
    np.testing.assert_allclose(got, [2, -1, -2, -2, -1, 0])


def test_scores_and_comment_are_averaged(tiny):
    frame = emotions.responses(tiny).set_index("response_id")
    # r4: csat 2 -> -1; comment -0.5 -> -1: mean -1 | r5: ces 7 -> -2, comment -1 -> -2: -2
    # r7: csat 1 and ces 4 -> -1; "meh" scores 0: no signal, so -1 | r6: nps 0 and no comment: -2
    assert frame.loc["r4", "text_emotion"] == -1 and frame.loc["r4", "emotion"] == -1
    assert frame.loc["r5", "emotion"] == -2 and np.isnan(frame.loc["r7", "text_emotion"])
    assert frame.loc["r7", "emotion"] == -1 and frame.loc["r6", "emotion"] == -2
    assert list(frame["stage"][["r1", "r4", "r8"]]) == ["discover", "purchase", "support"]
    assert pd.isna(frame.loc["r10", "stage"]) and frame.loc["r10", "emotion"] == 0  # nps 5


# --- per touchpoint: the three-touchpoint curve ----------------------------------------------------------

def test_three_touchpoint_curve_worked_by_hand(tiny):
    review = emotions.review(tiny)
    rows = review.touchpoints.set_index("touchpoint")
    # home: r1 +2, r2 csat 4 -> +1, r3 csat 3 -> 0: mean 1, sd 1, t(0.975, 2) = 4.3027,
    # margin 4.3027 * 1 / sqrt(3) = 2.4841: [-1.484, 3.484] clipped to the scale [-1.484, 2]
    assert rows.loc["home", "n"] == 3 and rows.loc["home", "measured"] == pytest.approx(1.0)
    assert rows.loc["home", "low"] == pytest.approx(1 - 2.4841, abs=1e-3) and rows.loc["home", "high"] == 2.0
    # checkout: -1, -2, -2, -1: mean -1.5, sd sqrt(4 * 0.25 / 3) = 0.5774, t(0.975, 3) = 3.1824,
    # margin 3.1824 * 0.5774 / 2 = 0.9187: [-2.419 -> -2, -0.581]
    assert rows.loc["checkout", "n"] == 4 and rows.loc["checkout", "measured"] == pytest.approx(-1.5)
    assert rows.loc["checkout", "low"] == -2.0
    assert rows.loc["checkout", "high"] == pytest.approx(-1.5 + 0.9187, abs=1e-3)
    # previous quarter: three csat 5 -> +2; change -1.5 - 2 = -3.5
    assert rows.loc["checkout", "previous"] == 2.0 and rows.loc["checkout", "change"] == pytest.approx(-3.5)
    # the curve: home then checkout in journey order; help (2 answers < 3) is hidden
    curve = review.curve
    assert list(curve["touchpoint"]) == ["home", "checkout"] and list(curve["position"]) == [0, 1]
    # every answer with an emotion: 3 + 4 + 2 + r10 = 10, mean (1 * 3 - 1.5 * 4 - 1 - 2 + 0) / 10 = -0.6
    assert review.overall["n"] == 10 and review.overall["measured"] == pytest.approx(-0.6)


def test_small_groups_are_suppressed(tiny):
    review = emotions.review(tiny)
    help_row = review.touchpoints.set_index("touchpoint").loc["help"]
    # help: csat 1 -> -2 and csat 2 -> -1: 2 answers, fewer than min_group_size 3
    assert help_row["n"] == 2 and help_row["suppressed"] and np.isnan(help_row["measured"])
    assert np.isnan(help_row["low"]) and not help_row["disagree"]
    summary = review.summary()
    assert summary["too_few_responses"] == ["help"]
    assert "help" not in {row["touchpoint"] for row in summary["curve"]}
    stages = review.stages.set_index("stage")
    assert stages.loc["support", "suppressed"] and np.isnan(stages.loc["support", "measured"])
    assert stages.loc["purchase", "measured"] == pytest.approx(-1.5)


def test_disagreement_needs_a_gap_and_an_interval_that_excludes_the_assumption(tiny):
    review = emotions.review(tiny)
    rows = review.touchpoints.set_index("touchpoint")
    # checkout: assumed +2, measured -1.5 (gap 3.5), interval [-2, -0.58] excludes +2 -> disagrees
    # home: assumed +1 = measured -> agrees
    assert rows.loc["checkout", "disagree"] and not rows.loc["home", "disagree"]
    assert list(review.disagreements()["touchpoint"]) == ["checkout"]
    # a threshold above the gap of 3.5 removes it
    assert not emotions.review(tiny, threshold=3.6).touchpoints["disagree"].any()
    frame = review.curve_frame(tiny)
    assert list(frame.columns) == ["position", "label", "measured", "low", "high", "assumed", "n", "disagree"]
    assert list(frame["label"]) == ["Home page", "Checkout"] and list(frame["disagree"]) == [False, True]
    assert jk.charts.emotion_chart(frame, "en").to_dict()["layer"]


def test_disagreement_edge_cases():
    # gap exactly 1 with the assumption outside the interval counts; inside it does not
    assert emotions.disagrees([0.0, 0.0], [-0.2, -1.5], [0.2, 1.5], [1.0, 1.0]).tolist() == [True, False]


def test_curves_per_persona_use_the_persona_assumption(tiny, monkeypatch):
    groups = ibis.memtable(pd.DataFrame({"customer_id": [f"c{i}" for i in range(1, 10)],
                                         "group": ["a"] * 3 + ["b"] * 6}))
    no_personas(monkeypatch, groups)
    review = emotions.review(tiny)
    rows = review.by_persona.set_index(["touchpoint", "persona"])
    # home for persona a: the same three answers (mean 1, [-1.48, 2]); assumed for a: -2, outside -> disagrees,
    # although the overall assumption (+1) agrees
    assert rows.loc[("home", "a"), "assumed"] == -2 and rows.loc[("home", "a"), "disagree"]
    # checkout for persona b: no assumption for b, so the one for all: +2 -> disagrees
    assert rows.loc[("checkout", "b"), "assumed"] == 2 and rows.loc[("checkout", "b"), "disagree"]
    flagged = review.disagreements()
    assert set(zip(flagged["touchpoint"], flagged["persona"])) == {("checkout", None), ("home", "a"),
                                                                   ("checkout", "b")}
    frame = review.curve_frame(tiny, persona=True)
    assert set(frame["persona"]) == {"Fans", "Shoppers"}
    assert jk.charts.persona_emotion_chart(frame, "en", "title").to_dict()["layer"]
    # one belief per touchpoint: one grey dashed line; beliefs that differ by persona: one dashed line each
    both = pd.concat([frame, frame.assign(persona="Shoppers", assumed=frame["assumed"] + 1)])
    assert jk.charts.persona_emotion_chart(both, "en").to_dict()["layer"][1]["encoding"]["color"]["field"] == "persona"
    assert review.facts(tiny)["n_persona_disagree"] == 2


# --- quotes ------------------------------------------------------------------------------------------------

def test_quotes_are_redacted(tiny):
    review = emotions.review(tiny)
    # checkout comments: r5 (-2, the lowest, with an e-mail and a phone number) and r4 (-1); "meh" is too short
    quotes = review.quotes
    assert list(quotes["role"]) == ["lowest", "highest"]
    assert quotes["quote"].iloc[0] == "Awful! Call me on [phone] or write to [e-mail]"
    assert "home" not in set(quotes["touchpoint"])  # no comment there
    everything = json.dumps(review.summary(), ensure_ascii=False) + review.table(tiny, "quotes").to_string()
    everything += review.table(tiny, "interviews").to_string() + review.table(tiny).to_string()
    for secret in ("06 12 34 56 78", "jean.dupont@example.fr", "+33 6 12 34 56 78", "12 34 56"):
        assert secret not in everything
    # interviews: only the one dated in the quarter, its heading matched to the stage id, redacted
    interviews = review.interview_quotes
    assert set(interviews["stage"]) == {"purchase"} and set(interviews["source"]) == {"interviews/i1.md"}
    assert any("[phone]" in quote for quote in interviews["quote"])
    assert not any("after the quarter" in quote for quote in interviews["quote"])


def test_quotes_prefer_the_reader_language():
    frame = pd.DataFrame({"tp": ["t"] * 3, "lang": ["en", "fr", "fr"], "emotion": [0.0, 1.0, -1.0],
                          "text_emotion": [0.0, 1.0, -1.0],
                          "comment": ["It was fine overall", "Très bien, merci beaucoup", "Pas terrible du tout"]})
    assert set(emotions.pick_quotes(frame, "tp", 2, "fr")["lang"]) == {"fr"}
    assert set(emotions.pick_quotes(frame, "tp", 3, "fr")["lang"]) == {"fr", "en"}  # too few in French alone
    assert list(emotions.pick_quotes(frame, "tp", 1, "en")["quote"]) == ["It was fine overall"]
    assert emotions.pick_quotes(frame, "tp", 0, "en").empty


# --- real sentiment in both languages, tables, parameters ------------------------------------------------

def test_real_sentiment_in_french_and_english(make_workspace, monkeypatch):
    no_personas(monkeypatch)
    survey = ("response_id,customer_id,date,touchpoint,comment,language\n"
              "r1,c1,2026-07-02 10:00:00,home,Livraison rapide et plantes magnifiques,fr\n"
              "r2,c2,2026-07-02 10:00:00,home,\"Terrible service, the parcel never arrived\",\n"
              "r3,c3,2026-07-02 10:00:00,home,,\n"
              "r4,c4,2026-07-02 10:00:00,home,OK,\n")
    study = jk.study(make_workspace(JOURNEY, {"survey.csv": survey, "interviews/.keep": ""}), "2026Q3", "fr")
    frame = emotions.responses(study).set_index("response_id")
    assert frame.loc["r1", "emotion"] > 0.5 and frame.loc["r2", "emotion"] < -0.5
    assert list(frame["lang"][["r1", "r2"]]) == ["fr", "en"]  # r2 detected
    assert np.isnan(frame.loc["r3", "emotion"])  # no score, no comment: no emotion
    assert frame.loc["r4", "lang"] is None and frame.loc["r4", "emotion"] > 0  # "OK": no language, scored in both
    review = emotions.review(study)
    assert review.touchpoints.set_index("touchpoint").loc["home", "n"] == 3
    assert review.facts(study)["n_measured"] == 1 and set(review.quotes["lang"]) == {"fr", "en"}
    table = review.table(study)
    assert "Actions" in table.columns and "Parcourt les plantes" in set(table["Actions"])


def test_parameters_are_checked(tiny):
    with pytest.raises(ParameterError, match="'threshold' parameter of emotions.review"):
        emotions.review(tiny, threshold=0)
    with pytest.raises(ParameterError, match="'n_quotes'"):
        emotions.review(tiny, n_quotes=-1)
    with pytest.raises(ParameterError, match="'what'"):
        emotions.review(tiny).table(tiny, "everything")


def test_narrative_has_every_key_in_both_languages_with_the_same_placeholders(tiny):
    from journeykit.narrative import placeholders, texts

    review = emotions.review(tiny)
    facts = review.facts(tiny)
    for key, entry in texts(emotions.STEP).items():
        assert set(entry) == {"en", "fr"}, key
        assert placeholders(entry["en"]) == placeholders(entry["fr"]), key
        assert placeholders(entry["en"]) <= set(facts), key
        for lang in ("en", "fr"):
            jk.narrative.text(emotions.STEP, key, lang, **facts)
    for what in ("experience", "stages", "personas", "disagreements", "quotes", "interviews"):
        review.table(tiny, what)


# --- the sample company ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_reviews(tmp_path_factory):
    """Step 6 on a copy of the sample workspace, for both quarters."""
    workspace = tmp_path_factory.mktemp("emotions") / "workspace"
    shutil.copytree(ROOT / "sample_data", workspace)
    with pytest.MonkeyPatch.context() as patch:  # step 3 has not run on this copy
        no_personas(patch)
        return {quarter: (study, emotions.review(study))
                for quarter in sample.QUARTERS for study in [jk.study(workspace, quarter, "en")]}


def test_sample_planted_wrong_beliefs_are_flagged(sample_reviews):
    flagged = {}
    for quarter, (_, review) in sample_reviews.items():
        found = review.disagreements()
        flagged[quarter] = set(found.loc[found["persona"].isna(), "touchpoint"])
    # sample_data/README.md, section g: the app payment is wrong in 2026Q2 (fixed in 2026Q3), the first
    # delivery in 2026Q3 (the new carrier), the customer service call in both quarters
    assert {sample.FRICTION_TOUCHPOINT, "customer_service_call"} <= flagged[sample.FRICTION_QUARTER]
    assert {sample.WORSENING_TOUCHPOINT, "customer_service_call"} <= flagged[sample.WORSENING_QUARTER]
    assert set(sample.WRONG_ASSUMPTIONS) <= flagged["2026Q2"] | flagged["2026Q3"]
    # renewal_page: assumed 0, measured about +1.05 in both quarters (README: CSAT - 3 = +1.02), so it is
    # flagged too; every other "about right" belief is not
    for quarter in sample.QUARTERS:
        assert flagged[quarter] <= set(sample.WRONG_ASSUMPTIONS) | {"renewal_page"}


def test_sample_payment_and_delivery_move_between_quarters(sample_reviews):
    def row(quarter, frame, key, value):
        table = getattr(sample_reviews[quarter][1], frame)
        return table.set_index(key).loc[value]

    payment = {q: row(q, "touchpoints", "touchpoint", sample.FRICTION_TOUCHPOINT) for q in sample.QUARTERS}
    assert payment["2026Q2"]["high"] < payment["2026Q3"]["low"]  # more negative in 2026Q2, beyond noise
    onboard = {q: row(q, "stages", "stage", sample.WORSENING_STAGE) for q in sample.QUARTERS}
    assert onboard["2026Q3"]["high"] < onboard["2026Q2"]["low"]  # more negative in 2026Q3
    delivery = row("2026Q3", "touchpoints", "touchpoint", sample.WORSENING_TOUCHPOINT)
    assert delivery["change"] < -1  # against 2026Q2, read from the same data


def test_sample_quotes_carry_no_personal_data(sample_reviews):
    pattern = re.compile("|".join(sample.PII_PATTERNS.values()))
    for study, review in sample_reviews.values():
        text = json.dumps(review.summary(), ensure_ascii=False)
        assert not pattern.search(text)
        assert len(review.quotes) >= 3 * 15 and set(review.quotes["role"]) == set(emotions.ROLES)
    _, q3 = sample_reviews["2026Q3"]
    assert set(q3.interview_quotes["stage"]) == set(sample.STAGE_IDS)  # 12 interviews in September
    assert sample_reviews["2026Q2"][1].interview_quotes.empty  # none dated before July


def test_a_workspace_without_survey_shows_the_assumed_curve_only(make_workspace, monkeypatch):
    no_personas(monkeypatch)
    journey = JOURNEY[:JOURNEY.index("sources:")]
    study = jk.study(make_workspace(journey), "2026Q3", "en")
    review = emotions.review(study)
    assert review.curve.empty and review.quotes.empty and review.interview_quotes.empty
    assert list(review.touchpoints["assumed"]) == [1.0, 2.0, -1.0]
    assert "no survey source" in review.warnings[0]
    assert review.facts(study)["n_measured"] == 0 and review.summary()["curve"] == []
