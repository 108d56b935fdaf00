"""Every chart builder of journeykit.charts, on tiny frames, in both languages: a valid spec that draws offline."""

from __future__ import annotations

import inspect
import json

import pandas as pd
import pytest
import vl_convert as vlc

from journeykit import charts

STAGES = {"a": "Discover", "b": "Buy"}
FUNNEL = pd.DataFrame({"stage": ["a", "b"], "stage_order": [0, 1], "customers": [100, 40],
                       "conversion": [0.4, None], "median_days": [2.5, None]})
SPLIT = pd.DataFrame({"stage": ["a", "a", "b"], "stage_order": [0, 0, 1], "group": ["web", "app", "web"],
                      "conversion": [0.5, 0.3, None], "customers": [60, 40, 30]})
COVERAGE = pd.DataFrame({"stage": ["a", "a", "b", "b"], "stage_order": [0, 0, 1, 1],
                         "kind": ["digital", "phone", "digital", "phone"], "touchpoints": [2, 0, 1, 0],
                         "customers": [90, 12, 40, 0], "gap": [False, True, False, False]})
EMOTION = pd.DataFrame({"position": [0, 1, 2], "label": ["Home", "Cart", "Pay"], "measured": [1.0, 0.2, -1.1],
                        "low": [0.8, 0.0, -1.4], "high": [1.2, 0.4, -0.8], "assumed": [1.0, None, 1.0],
                        "n": [40, 30, 25], "disagree": [False, False, True]})
PERSONA_EMOTION = pd.concat([EMOTION.assign(persona="Fans"), EMOTION.assign(persona="Hurried", measured=0.1)])
KPIS = pd.DataFrame({"name": ["NPS", "CSAT"], "value": [12.0, 81.0], "low": [8.0, 78.0], "high": [16.0, 84.0],
                     "target": [30.0, 80.0], "unit": ["points", "%"], "on_track": [False, True]})
COMPLETENESS = pd.DataFrame({"table": ["events", "events"], "column": ["stage", "session_id"], "share": [0.0, 1.0]})
BLUEPRINT = pd.DataFrame({"stage": ["a"] * 5, "stage_order": [0] * 5,
                          "lane": ["frontstage", "channels", "backstage", "systems", "owners"],
                          "text": ["Home\nSearch", "web", "SEO", "CMS", "marketing"], "items": [2, 1, 1, 1, 1]})
MATRIX = pd.DataFrame({"title": ["Fix the payment", "A very long opportunity title that will be cut on the chart"],
                       "impact": [4.5, 2.0], "effort": [2.0, 4.0], "priority": [2.2, 0.5],
                       "origin": ["data", "workshop"]})
PERSONAS = pd.DataFrame({"id": ["fans", "hurried"], "name_en": ["Fans", "Hurried"], "name_fr": ["Fans", "Pressés"],
                         "customers": [60, 40], "share": [0.6, 0.4], "suppressed": [False, False]})
TRAITS = pd.DataFrame({"persona": ["fans", "fans", "hurried", "hurried"],
                       "label_en": ["app share", "events", "app share", "events"],
                       "label_fr": ["part appli", "événements", "part appli", "événements"],
                       "z": [1.5, 0.7, -1.5, -0.7]})
SILHOUETTE = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.31, 0.35, 0.29]})

CALLS = {
    "funnel_chart": lambda lang: charts.funnel_chart(FUNNEL, STAGES, lang),
    "durations_chart": lambda lang: charts.durations_chart(FUNNEL, STAGES, lang),
    "split_conversion_chart": lambda lang: charts.split_conversion_chart(SPLIT, STAGES, lang),
    "coverage_chart": lambda lang: charts.coverage_chart(COVERAGE, STAGES, lang),
    "emotion_chart": lambda lang: charts.emotion_chart(EMOTION, lang),
    "persona_emotion_chart": lambda lang: charts.persona_emotion_chart(PERSONA_EMOTION, lang),
    "kpi_chart": lambda lang: charts.kpi_chart(KPIS, lang),
    "completeness_chart": lambda lang: charts.completeness_chart(COMPLETENESS, lang),
    "bar_chart": lambda lang: charts.bar_chart(FUNNEL, "customers", "stage", "Customers", x_format=","),
    "blueprint_chart": lambda lang: charts.blueprint_chart(BLUEPRINT, STAGES, lang),
    "opportunity_matrix_chart": lambda lang: charts.opportunity_matrix_chart(MATRIX, lang),
    "persona_chart": lambda lang: charts.persona_chart(PERSONAS, TRAITS, lang),
    "silhouette_chart": lambda lang: charts.silhouette_chart(SILHOUETTE, 3, lang),
}


def test_every_builder_is_exercised():
    builders = {name for name, value in inspect.getmembers(charts, inspect.isfunction)
                if name.endswith("_chart") and value.__module__ == charts.__name__}
    assert builders == set(CALLS)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_builder_gives_a_spec_that_draws_offline(name, lang):
    spec = CALLS[name](lang).to_dict()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    text = json.dumps(spec, ensure_ascii=False)
    assert "datasets" in spec or '"values"' in text
    svg = vlc.vegalite_to_svg(spec)  # vl-convert bundles Vega: no network
    assert svg.startswith("<svg") and "<text" in svg


def test_french_titles_are_french():
    spec = json.dumps(charts.funnel_chart(FUNNEL, STAGES, "fr").to_dict(), ensure_ascii=False)
    assert "Clients par étape ce trimestre" in spec and "Customers per stage" not in spec


def test_funnel_writes_the_conversion_beside_each_bar():
    spec = charts.funnel_chart(FUNNEL, STAGES, "en").to_dict()
    rows = next(iter(spec["datasets"].values()))
    # 40 of the 100 customers of Discover went further: "→ 40%"; the last stage has none
    assert [row["conversion_text"] for row in rows] == ["→ 40%", ""]


def test_a_chart_draws_the_same_svg_whatever_was_drawn_before():
    # Vega numbers gradients and clip paths for the whole process: a report page must not depend on the
    # notebooks its kernel ran before (caught by the quarterly run twice, steps shared out differently)
    import altair as alt

    charts.setup()
    frame = pd.DataFrame({"x": ["a", "b"], "y": ["c", "d"], "z": [1.0, 2.0]})
    heat = alt.Chart(frame).mark_rect().encode(x="x:N", y="y:N", color="z:Q").to_dict()
    clipped = alt.Chart(frame).mark_bar(clip=True).encode(x="x:N", y="z:Q").to_dict()
    draw = alt.renderers.get()
    first = draw(heat)["image/svg+xml"]
    draw(clipped), draw(heat)
    again = draw(heat)["image/svg+xml"]
    assert 'id="gradient_0"' in first and "url(#gradient_0)" in first
    assert again == first
    assert 'id="clip0"' in draw(clipped)["image/svg+xml"]  # Vega itself starts at clip1, then counts on
