"""Step 9: the map's cells, emotion curve, chart, exports and Mermaid block, on a tiny journey worked out by hand."""

from __future__ import annotations

import math

import altair as alt
import pytest

import journeykit as jk
from journeykit import journey_map as jm
from journeykit import map_chart as mc
from journeykit import map_export as mx
from journeykit.errors import ParameterError
from journeykit.measures import save_summary

# Two stages, three touchpoints (plus, in some tests, a future-state chat).
#   discover: ad (web, marketing, assumed +1 for all), shop (app, ecommerce, assumed p1 +2 / p2 0 -> mean +1)
#   buy:      pay (web, ecommerce, assumed -1)
# Pain points of buy: slow (severity 2, on pay), fees (severity 4), vague (no severity), and two that step 7
# detected: pay_2026q3 (severity 1) and pay_2026q2 (severity 5, another quarter: not on the 2026Q3 map)
#   -> order by severity: fees (4), slow (2), pay_2026q3 (1), vague (unknown last); highest severity 4.
# Opportunities: fast_pay answers slow, show_fees answers fees, old_idea answers fees but is dropped
#   -> in the order of their pain points: show_fees (fees), fast_pay (slow).
TINY = """\
name: {en: Tiny shop, fr: Petite boutique}
personas:
  - {id: p1, name: One}
  - {id: p2, name: Two}
stages:
  - {id: discover, name: {en: Discover, fr: Découvrir}}
  - {id: buy, name: {en: Buy, fr: Acheter}}
touchpoints:
  - {id: ad, name: {en: Search ad, fr: Annonce}, stage: discover, channel: web, owner: marketing,
     actions: [{en: Clicks the ad, fr: Clique sur l'annonce}], thoughts: [{en: Looks cheap, fr: Pas cher}],
     assumed_emotion: {all: 1}}
  - {id: shop, name: {en: Shop page, fr: Page boutique}, stage: discover, channel: app, owner: ecommerce,
     actions: [{en: Compares plants, fr: Compare les plantes}, {en: Clicks the ad, fr: Clique sur l'annonce}],
     assumed_emotion: {p1: 2, p2: 0}}
  - {id: pay, name: {en: Payment, fr: Paiement}, stage: buy, channel: web, owner: ecommerce,
     assumed_emotion: {all: -1}}
pain_points:
  - {id: slow, title: {en: Slow payment, fr: Paiement lent}, stage: buy, touchpoint: pay, severity: 2}
  - {id: fees, title: {en: Hidden fees, fr: Frais cachés}, stage: buy, severity: 4}
  - {id: vague, title: {en: Vague terms, fr: Conditions floues}, stage: buy}
  - {id: pay_2026q2, title: Fixed since, stage: buy, touchpoint: pay, severity: 5, quarter: 2026Q2, origin: data}
  - {id: pay_2026q3, title: Payment fails, stage: buy, touchpoint: pay, severity: 1, quarter: 2026Q3, origin: data}
opportunities:
  - {id: fast_pay, title: {en: One-click payment, fr: Paiement en un clic}, pain_points: [slow]}
  - {id: show_fees, title: {en: Show fees upfront, fr: Afficher les frais}, pain_points: [fees]}
  - {id: old_idea, title: Old idea, pain_points: [fees], status: dropped}
kpis:
  - {id: conv, name: {en: Conversion, fr: Conversion}, metric: conversion, stage: buy, unit: "%", target: 40}
  - {id: nps, name: NPS, metric: nps, target: 30}
"""
FUTURE_CHAT = """\
  - {id: chat, name: Chat, stage: buy, channel: chat, owner: care, state: future, assumed_emotion: {all: 2}}
"""
NBSP = "\u00a0"


def tiny(make_workspace, lang="en", future=False, name=None):
    text = TINY
    if future:  # pay becomes current-only, chat exists only in the future
        text = text.replace("assumed_emotion: {all: -1}}", "assumed_emotion: {all: -1}, state: current}")
        text = text.replace("pain_points:\n", FUTURE_CHAT + "pain_points:\n", 1)
    return jk.study(make_workspace(text, name=name), "2026Q3", lang)


def items(frame, stage, lane):
    return frame[(frame["stage"] == stage) & (frame["lane"] == lane)]["items"].iloc[0]


def test_cells_of_the_tiny_journey(make_workspace):
    s = tiny(make_workspace)
    frame = jm.cells(s)
    assert len(frame) == 2 * 7  # 2 stages x 7 text lanes
    assert list(frame["lane"][:7]) == list(jm.TEXT_LANES)
    assert items(frame, "discover", "touchpoints") == [f"Search ad{NBSP}· Website", f"Shop page{NBSP}· Mobile app"]
    assert items(frame, "discover", "actions") == ["Clicks the ad", "Compares plants"]  # each action once
    assert items(frame, "discover", "thoughts") == ["Looks cheap"]
    assert items(frame, "discover", "owners") == ["marketing", "ecommerce"]
    assert items(frame, "discover", "pain_points") == []
    assert items(frame, "buy", "pain_points") == ["Hidden fees", "Slow payment", "Payment fails", "Vague terms"]
    assert items(frame, "buy", "opportunities") == ["Show fees upfront", "One-click payment"]
    assert items(frame, "buy", "kpis") == ["Conversion (target 40%)"]  # step 8 has not run: no value
    assert items(frame, "buy", "thoughts") == []
    severity = frame.set_index(["stage", "lane"])["severity"]
    assert severity[("buy", "pain_points")] == 4.0
    assert math.isnan(severity[("discover", "pain_points")]) and math.isnan(severity[("buy", "kpis")])
    origin = frame.set_index(["stage", "lane"])["origin"]
    assert origin[("discover", "thoughts")] == "map" and origin[("buy", "thoughts")] == ""
    text = frame.set_index(["stage", "lane"])["text"]
    assert text[("buy", "pain_points")] == "Hidden fees\nSlow payment\nPayment fails\nVague terms"


def test_cells_in_french_with_measured_kpi_and_quotes(make_workspace):
    s = tiny(make_workspace, "fr")
    save_summary(s.workspace, s.quarter, "08_align_business", {"kpis": [{"kpi": "conv", "value": 35.25}]})
    save_summary(s.workspace, s.quarter, "06_capture_experience", {"quotes": [
        {"touchpoint": "pay", "role": "lowest", "quote": "Trop long", "lang": "fr"},
        {"touchpoint": "pay", "role": "typical", "quote": "Too slow", "lang": "en"},
        {"touchpoint": "pay", "role": "typical", "quote": "Ça marche", "lang": "fr"}]})
    frame = jm.cells(s)
    # 35.25 -> one decimal "35,2" (round half to even), French spacing before ":" and "%"
    assert items(frame, "buy", "kpis") == [f"Conversion{NBSP}: 35,2{NBSP}% (cible 40{NBSP}%)"]
    assert items(frame, "discover", "touchpoints")[0] == f"Annonce{NBSP}· Site web"
    # buy has no thoughts on the map: quotes in French first (typical, then lowest), at most 2
    assert items(frame, "buy", "thoughts") == ["Ça marche", "Trop long"]
    assert frame.set_index(["stage", "lane"])["origin"][("buy", "thoughts")] == "quotes"


def test_emotion_points_assumed_then_measured(make_workspace):
    s = tiny(make_workspace)
    points = jm.emotion_points(s)
    # nothing measured: discover = mean(+1, mean(+2, 0)) = +1, buy = -1, both "assumed"
    assert list(points["emotion"]) == [1.0, -1.0] and list(points["source"]) == ["assumed", "assumed"]
    save_summary(s.workspace, s.quarter, "06_capture_experience", {
        "curve": [{"touchpoint": "ad", "stage": "discover", "measured": -0.6, "low": -0.9, "high": -0.3, "n": 20,
                   "assumed": 1.0, "disagree": True},
                  {"touchpoint": "pay", "stage": "buy", "measured": -1.5, "low": None, "high": None, "n": 10}],
        "stages": [{"stage": "discover", "measured": 0.4, "low": 0.1, "high": 0.7, "n": 25, "suppressed": False},
                   {"stage": "buy", "measured": None, "n": 3, "suppressed": True}]})
    points = jm.emotion_points(s).set_index("stage")
    # discover: step 6's stage value; buy (suppressed there): its one measured touchpoint, -1.5
    assert points.loc["discover", ["emotion", "low", "high", "n"]].tolist() == [0.4, 0.1, 0.7, 25]
    assert points.loc["buy", "emotion"] == -1.5 and points.loc["buy", "source"] == "measured"
    assert points.loc["discover", "assumed"] == 1.0 and points.loc["buy", "assumed"] == -1.0
    assert points.loc["discover", "lowest"] == "Search ad"  # -0.6 measured < +1 assumed for shop
    per_touchpoint = jm.touchpoint_emotions(s).set_index("touchpoint")
    assert per_touchpoint["source"].tolist() == ["measured", "assumed", "measured"]
    assert per_touchpoint["emotion"].tolist() == [-0.6, 1.0, -1.5]


def test_map_chart_structure(make_workspace):
    s = tiny(make_workspace)
    chart = mc.map_chart(s)
    assert isinstance(chart, alt.VConcatChart)
    spec = chart.to_dict()
    rows = spec["vconcat"]
    assert len(rows) == 1 + len(jm.LANES)  # the stage header, then one row per lane
    assert {row["width"] for row in rows} == {mc.LABEL_WIDTH + 2 * mc.STAGE_WIDTH}
    domains = {tuple(layer["encoding"]["x"]["scale"]["domain"]) for row in rows for layer in _layers(row)
               if "scale" in layer.get("encoding", {}).get("x", {})}
    assert len(domains) == 1 and domains.pop()[1] == 2  # one shared x scale, one unit per stage
    texts = _texts(spec)
    assert ["1. Discover"] in texts and ["2. Buy"] in texts  # one column per stage, in order
    for lane in ("Touchpoints", "Actions", "Thoughts", "Emotion", "Pain points", "Opportunities", "KPIs", "Owners"):
        assert [lane] in texts
    assert ["• Hidden fees", "• Slow payment", "• Payment fails", "• Vague terms"] in texts
    assert spec["title"]["text"] == "Tiny shop · Current state"


def test_cells_are_cut_with_more_and_ellipsis():
    lines = mc._cell_lines([f"Item {i}" for i in range(7)], "touchpoints", "en", 30)
    assert lines == ["• Item 0", "• Item 1", "• Item 2", "• Item 3", "+3 more"]
    long = mc._cell_lines(["word " * 40], "owners", "fr", 20)
    assert len(long) == 1 and long[0].endswith("…") and len(long[0]) <= 20


def test_export_png_and_svg(make_workspace, tmp_path):
    s = tiny(make_workspace)
    paths = mx.export(mc.map_chart(s), tmp_path / "out", "tiny_map", mermaid=mx.mermaid(s))
    assert set(paths) == {"png", "svg", "mermaid"}
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = paths["svg"].read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Hidden fees" in svg
    assert paths["mermaid"].read_text(encoding="utf-8").startswith("journey\n")
    with pytest.raises(ParameterError, match="'name' parameter of export"):
        mx.export(mc.map_chart(s), tmp_path, "../escape")


def test_mermaid_block_of_the_tiny_journey(make_workspace):
    s = tiny(make_workspace)
    # scores: ad +1 -> 4, shop mean(+2, 0) = +1 -> 4, pay -1 -> 2
    assert mx.mermaid(s) == (
        "journey\n"
        "  title Tiny shop · Current state\n"
        "  section Discover\n"
        "    Search ad: 4: marketing\n"
        "    Shop page: 4: ecommerce\n"
        "  section Buy\n"
        "    Payment: 2: ecommerce\n"
    )
    s_fr = jk.study(s.workspace, "2026Q3", "fr")
    assert "  section Découvrir\n    Annonce: 4: marketing\n" in mx.mermaid(s_fr)


def test_current_and_future_side_by_side(make_workspace):
    s = tiny(make_workspace, future=True)
    assert jm.states(s) == ["current", "future"]
    future = jm.cells(s, "future")
    assert items(future, "buy", "touchpoints") == [f"Chat{NBSP}· Chat"]
    assert items(future, "buy", "pain_points") == ["Hidden fees", "Vague terms"]  # slow, pay_2026q3: on pay
    assert items(future, "buy", "opportunities") == ["Show fees upfront"]
    assert items(jm.cells(s, "current"), "buy", "touchpoints") == [f"Payment{NBSP}· Website"]
    # future curve: buy = chat's assumed +2 (expected); current: pay's -1
    assert jm.emotion_points(s, "future").set_index("stage").loc["buy", ["emotion", "source"]].tolist() == [
        2.0, "expected"]
    chart = mc.map_comparison(s)
    assert isinstance(chart, alt.HConcatChart) and len(chart.hconcat) == 2
    spec = chart.to_dict()
    assert [half["title"]["text"] for half in spec["hconcat"]] == ["Tiny shop · Current state",
                                                                    "Tiny shop · Future state"]
    # lanes line up: the same height for each lane on both sides
    heights = [[row["height"] for row in half["vconcat"]] for half in spec["hconcat"]]
    assert heights[0] == heights[1]
    stacked = mc.map_comparison(s, layout="stacked")
    assert isinstance(stacked, alt.VConcatChart) and len(stacked.vconcat) == 2
    assert "    Chat: 5: care\n" in mx.mermaid(s, "future")


def test_one_map_when_every_touchpoint_is_on_both(make_workspace):
    s = tiny(make_workspace)
    assert jm.states(s) == ["current"]
    assert isinstance(mc.map_comparison(s), alt.VConcatChart)


def test_hostile_names_are_escaped(make_workspace, tmp_path):
    hostile = "<script>alert(1)</script>: x"
    journey = TINY.replace("{en: Search ad, fr: Annonce}", f'"{hostile}"').replace("{en: Buy, fr: Acheter}",
                                                                                   f'"{hostile}"')
    s = jk.study(make_workspace(journey, name="hostile"), "2026Q3", "en")
    text = mx.mermaid(s)
    assert "    ‹script›alert(1)‹/script›∶ x: 4: marketing\n" in text
    assert "  section ‹script›alert(1)‹/script›∶ x\n" in text
    assert jm.review(s).facts(s)["lowest_stage"] == "&lt;script&gt;alert(1)&lt;/script&gt;: x"  # for Markdown
    assert "<" not in text and text.count(":") == 3 * 2  # only the two separators of each of the 3 tasks
    paths = mx.export(mc.map_chart(s), tmp_path, "hostile")
    svg = paths["svg"].read_text(encoding="utf-8")
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert mx.mermaid_text("a\nb;c#d") == "a b,c＃d"
    assert mx.markdown_block("x ``` y") == "````mermaid\nx ``` y\n````"


def test_parameters_are_checked(make_workspace):
    s = tiny(make_workspace)
    with pytest.raises(ParameterError, match="The 'state' parameter of map_chart must be 'current' or 'future'"):
        mc.map_chart(s, "past")
    with pytest.raises(ParameterError, match="'layout' parameter of map_comparison"):
        mc.map_comparison(s, "diagonal")


def test_review_summary_and_facts(make_workspace):
    s = tiny(make_workspace)
    review = jm.review(s)
    png = s.workspace.path / "m.png"
    summary = review.summary({"png": png})
    assert summary["states"] == ["current"]
    # discover: 2 touchpoints, 2 actions, 1 thought, 2 owners; buy: 1 touchpoint, 4 pain points, 2 opportunities,
    # 1 KPI, 1 owner
    assert summary["items"]["current"] == {"touchpoints": 3, "actions": 2, "thoughts": 1, "pain_points": 4,
                                           "opportunities": 2, "kpis": 1, "owners": 3}
    assert summary["empty_lanes"] == [] and summary["exports"] == {"png": str(png)}
    facts = review.facts(s)
    assert (facts["lowest_stage"], facts["lowest_emotion"], facts["highest_stage"]) == ("Buy", "−1.0", "Discover")
    for key, entry in jk.narrative.texts(jm.STEP).items():
        assert set(jk.narrative.placeholders(entry["en"])) == set(jk.narrative.placeholders(entry["fr"])), key
    table = review.table(s)
    assert list(table.columns)[:2] == ["Stage", "Touchpoints"] and list(table["Stage"]) == ["Discover", "Buy"]


def _layers(row):
    for layer in row.get("layer", []):
        yield from _layers(layer) if "layer" in layer else [layer]


def _texts(spec):
    """Every ``lines`` / text value in the spec's datasets (lists of lines)."""
    found = []
    for values in spec.get("datasets", {}).values():
        for record in values:
            for key in ("lines",):
                if key in record:
                    found.append(record[key])
    return found
