"""Every chart of journeykit, as Altair values with one theme.

Builders take small pandas frames (the results of the analysis functions) and a language, and return an
Altair chart; they never display anything and never aggregate more than a few hundred rows. Test them with
``chart.to_dict()``. :func:`setup` (called once by a notebook) registers the theme and picks the renderer:
``svg`` by default, static and drawn without any network, so reports open offline and nbval compares
outputs exactly.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from .i18n import label

PALETTE = ["#1b6ca8", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]
EMOTION_COLORS = {"measured": "#1b6ca8", "assumed": "#f28e2b"}
FONT = "Helvetica, Arial, sans-serif"


def theme() -> alt.theme.ThemeConfig:
    """journeykit's theme: readable on a projector, colour-blind-safe palette, no chart border."""
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 260},
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "title": {"fontSize": 16, "anchor": "start", "fontWeight": 600},
            "header": {"labelFontSize": 12, "titleFontSize": 13},
        }
    }


def setup(renderer: str = "svg") -> None:
    """Register and enable the theme, and choose how charts are drawn (``svg``, ``png`` or ``default``).

    ``svg`` is Altair's SVG renderer with the ids inside each drawing numbered from zero (:func:`stable_ids`),
    so that a chart draws the same bytes whatever the kernel drew before it.
    """
    alt.theme.register("journeykit", enable=True)(theme)
    if renderer == "svg":
        alt.renderers.register("journeykit-svg", _svg_renderer)
        renderer = "journeykit-svg"
    alt.renderers.enable(renderer)


# The ids Vega gives to gradients, clip paths and patterns come from counters kept for the whole process:
# the same chart drawn after another one with a colour gradient names its gradient ``gradient_1``, not
# ``gradient_0``, and a report page would change with the order its kernel ran the notebooks.
_VEGA_ID = r"(?:gradient_|clip|pattern_)\d+"


def stable_ids(svg: str) -> str:
    """``svg`` with Vega's numbered ids (and every reference to them) renumbered in order of appearance.

    >>> stable_ids('<path fill="url(#gradient_7)"/><defs><linearGradient id="gradient_7"/></defs>')
    '<path fill="url(#gradient_0)"/><defs><linearGradient id="gradient_0"/></defs>'
    """
    renamed: dict[str, str] = {}
    for old in re.findall(rf'(?:id="|url\(#|href="#)({_VEGA_ID})\b', svg):
        kind = old.rstrip("0123456789")
        renamed.setdefault(old, f"{kind}{sum(name.startswith(kind) for name in renamed.values())}")
    return re.sub(rf'(id="|url\(#|href="#)({_VEGA_ID})\b', lambda m: m.group(1) + renamed[m.group(2)], svg)


def _svg_renderer(spec: dict, **metadata) -> dict[str, str]:
    from altair.vegalite.v6.display import svg_renderer

    bundle = svg_renderer(spec, **metadata)
    bundle["image/svg+xml"] = stable_ids(bundle["image/svg+xml"])
    return bundle


def _title(key: str, lang: str, **values: object) -> str:
    return label(key, lang, **values)


def funnel_chart(frame: pd.DataFrame, stage_names: dict[str, str], lang: str = "en") -> alt.Chart:
    """Customers per stage with the conversion to the next stage written beside each bar.

    ``frame``: :func:`journeykit.stages.funnel` without split (``stage``, ``stage_order``, ``customers``,
    ``conversion``).
    """
    data = frame.assign(name=frame["stage"].map(stage_names).fillna(frame["stage"]),
                        conversion_text=frame["conversion"].map(lambda v: "" if pd.isna(v) else f"→ {v:.0%}"))
    order = list(data.sort_values("stage_order")["name"])
    base = alt.Chart(data).encode(y=alt.Y("name:N", sort=order, title=None))
    bars = base.mark_bar(color=PALETTE[0]).encode(
        x=alt.X("customers:Q", title=_title("customers", lang)),
        tooltip=[alt.Tooltip("name:N", title=_title("stage", lang)),
                 alt.Tooltip("customers:Q", format=","),
                 alt.Tooltip("conversion:Q", format=".0%", title=_title("conversion", lang))])
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(x="customers:Q", text="conversion_text:N")
    return (bars + text).properties(title=_title("funnel_title", lang), height=max(120, 34 * len(order)))


def durations_chart(frame: pd.DataFrame, stage_names: dict[str, str], lang: str = "en") -> alt.Chart:
    """Median days from entering a stage to entering a later one (``stage``, ``stage_order``, ``median_days``)."""
    data = frame.dropna(subset=["median_days"]).assign(name=lambda f: f["stage"].map(stage_names).fillna(f["stage"]))
    order = list(data.sort_values("stage_order")["name"])
    return alt.Chart(data).mark_bar(color=PALETTE[1]).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("median_days:Q", title=_title("median_days", lang)),
        tooltip=[alt.Tooltip("name:N", title=_title("stage", lang)), alt.Tooltip("median_days:Q", format=".1f")],
    ).properties(title=_title("durations_title", lang), height=max(120, 34 * len(order)))


def split_conversion_chart(frame: pd.DataFrame, stage_names: dict[str, str], lang: str = "en",
                           group_title: str = "") -> alt.Chart:
    """Conversion per stage and group (``stage``, ``stage_order``, ``group``, ``conversion``, ``customers``)."""
    data = frame.dropna(subset=["conversion"]).assign(name=lambda f: f["stage"].map(stage_names).fillna(f["stage"]))
    order = list(data.drop_duplicates("stage").sort_values("stage_order")["name"])
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("name:N", sort=order, title=None),
        y=alt.Y("conversion:Q", axis=alt.Axis(format="%"), title=_title("conversion", lang)),
        color=alt.Color("group:N", title=group_title or None),
        tooltip=["group:N", "name:N", alt.Tooltip("conversion:Q", format=".1%"), alt.Tooltip("customers:Q", format=",")],
    ).properties(title=_title("conversion_split_title", lang))


def coverage_chart(frame: pd.DataFrame, stage_names: dict[str, str], lang: str = "en") -> alt.Chart:
    """Stage x channel kind matrix; cell colour = customers reached, red outline = gap.

    ``frame``: ``stage``, ``stage_order``, ``kind`` (digital, phone, in_person, indirect), ``touchpoints``,
    ``customers``, ``gap`` (bool).
    """
    data = frame.assign(name=frame["stage"].map(stage_names).fillna(frame["stage"]),
                        kind_label=frame["kind"].map(lambda k: label(f"kind_{k}", lang)))
    order = list(data.drop_duplicates("stage").sort_values("stage_order")["name"])
    base = alt.Chart(data).encode(x=alt.X("name:N", sort=order, title=None),
                                  y=alt.Y("kind_label:N", title=None))
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("customers:Q", scale=alt.Scale(scheme="blues"), title=_title("customers", lang)),
        tooltip=["name:N", "kind_label:N", alt.Tooltip("touchpoints:Q"), alt.Tooltip("customers:Q", format=",")])
    gaps = base.transform_filter("datum.gap").mark_rect(fill=None, stroke="#e15759", strokeWidth=2)
    counts = base.mark_text(fontSize=12).encode(text="touchpoints:Q")
    return (cells + gaps + counts).properties(title=_title("coverage_title", lang), height=180)


def emotion_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """The measured emotion curve with its confidence band, beside the curve the workshop assumed.

    ``frame``: one row per point on the journey, in order: ``position`` (int), ``label``, ``measured``,
    ``low``, ``high``, ``assumed`` (may be NaN), ``n``, ``disagree`` (bool).
    """
    order = list(frame.sort_values("position")["label"])
    x = alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35))
    scale = alt.Scale(domain=[-2, 2])
    base = alt.Chart(frame)
    band = base.mark_area(opacity=0.2, color=EMOTION_COLORS["measured"]).encode(
        x=x, y=alt.Y("low:Q", scale=scale, title=_title("emotion", lang)), y2="high:Q")
    measured = base.mark_line(point=True, color=EMOTION_COLORS["measured"]).encode(
        x=x, y=alt.Y("measured:Q", scale=scale),
        tooltip=["label:N", alt.Tooltip("measured:Q", format=".2f"), alt.Tooltip("low:Q", format=".2f"),
                 alt.Tooltip("high:Q", format=".2f"), "n:Q"])
    assumed = base.transform_filter("isValid(datum.assumed)").mark_line(
        point=True, strokeDash=[6, 4], color=EMOTION_COLORS["assumed"]).encode(
        x=x, y=alt.Y("assumed:Q", scale=scale), tooltip=["label:N", "assumed:Q"])
    flags = base.transform_filter("datum.disagree").mark_point(shape="diamond", size=160, color="#e15759",
                                                             filled=True).encode(x=x, y="measured:Q")
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#999").encode(y="y:Q")
    return (zero + band + measured + assumed + flags).properties(title=_title("emotion_title", lang), width=640)


def kpi_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """KPIs now vs target: ``name``, ``value``, ``low``, ``high``, ``target``, ``unit``, ``on_track`` (bool)."""
    data = frame.dropna(subset=["value"])
    base = alt.Chart(data).encode(y=alt.Y("name:N", title=None, sort=None))
    interval = base.mark_rule(strokeWidth=2, color="#999").encode(x=alt.X("low:Q", title=None), x2="high:Q")
    value = base.mark_point(filled=True, size=120).encode(
        x="value:Q", color=alt.Color("on_track:N", scale=alt.Scale(domain=[True, False],
                                                                     range=[PALETTE[2], PALETTE[3]]), legend=None),
        tooltip=["name:N", alt.Tooltip("value:Q", format=".1f"), "target:Q", "unit:N"])
    target = base.mark_tick(color="#333", thickness=2, size=22).encode(x="target:Q")
    return (interval + value + target).resolve_scale(x="independent").properties(
        title=_title("kpi_title", lang), height=max(120, 36 * len(data)))


def completeness_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Share of filled cells per table and column (``table``, ``column``, ``share`` 0-1)."""
    return alt.Chart(frame).mark_rect(stroke="white").encode(
        x=alt.X("column:N", title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("table:N", title=None),
        color=alt.Color("share:Q", scale=alt.Scale(domain=[0, 1], scheme="greens"), legend=alt.Legend(format="%"),
                        title=None),
        tooltip=["table:N", "column:N", alt.Tooltip("share:Q", format=".0%")],
    ).properties(title=_title("completeness_title", lang), width=520, height=140)


def bar_chart(frame: pd.DataFrame, x: str, y: str, title: str, color: str | None = None,
              x_format: str | None = None) -> alt.Chart:
    """A plain horizontal bar chart, sorted by value, for the many small rankings of the steps."""
    encoding = {
        "y": alt.Y(f"{y}:N", sort="-x", title=None),
        "x": alt.X(f"{x}:Q", title=None, axis=alt.Axis(format=x_format) if x_format else alt.Axis()),
        "tooltip": [f"{y}:N", alt.Tooltip(f"{x}:Q", format=x_format or ",")],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=None)
    return alt.Chart(frame).mark_bar().encode(**encoding).properties(title=title, height=max(100, 24 * len(frame)))


def blueprint_chart(frame: pd.DataFrame, stage_names: dict[str, str], lang: str = "en") -> alt.Chart:
    """The service blueprint: stages as columns, lanes as rows, the lane's items written in each cell.

    ``frame``: ``stage``, ``stage_order``, ``lane`` (frontstage, channels, backstage, systems, owners),
    ``text`` (items separated by new lines), ``items``.
    """
    lanes = ["frontstage", "channels", "backstage", "systems", "owners"]
    data = frame.assign(name=frame["stage"].map(stage_names).fillna(frame["stage"]),
                        lane_label=frame["lane"].map(lambda lane: label(f"lane_{lane}", lang)),
                        lines=frame["text"].map(lambda text: [line[:34] for line in text.split("\n")][:6]))
    order = list(data.drop_duplicates("stage").sort_values("stage_order")["name"])
    lane_order = [label(f"lane_{lane}", lang) for lane in lanes]
    base = alt.Chart(data).encode(x=alt.X("name:N", sort=order, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
                                  y=alt.Y("lane_label:N", sort=lane_order, title=None))
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("lane_label:N", sort=lane_order, legend=None,
                        scale=alt.Scale(range=["#dbe9f6", "#e8f1e4", "#fbe6d4", "#efe7f3", "#f4f4f4"])))
    text = base.mark_text(fontSize=9, lineHeight=11, baseline="middle").encode(text="lines")
    return (cells + text).properties(title=label("blueprint_title", lang), width=130 * len(order), height=5 * 90)


def persona_emotion_chart(frame: pd.DataFrame, lang: str = "en", title: str = "") -> alt.Chart:
    """One measured emotion curve per persona (colour), the workshop's assumption dashed, disagreements marked.

    ``frame``: one row per touchpoint and persona: ``position`` (the touchpoint's place in the journey),
    ``label``, ``persona``, ``measured``, ``low``, ``high``, ``assumed`` (may be NaN), ``n``, ``disagree``.
    """
    order = list(frame.drop_duplicates("label").sort_values("position")["label"])
    x = alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-35))
    scale = alt.Scale(domain=[-2, 2])
    color = alt.Color("persona:N", title=None)
    base = alt.Chart(frame)
    measured = base.mark_line(point=True).encode(
        x=x, y=alt.Y("measured:Q", scale=scale, title=_title("emotion", lang)), color=color,
        tooltip=["persona:N", "label:N", alt.Tooltip("measured:Q", format=".2f"), alt.Tooltip("low:Q", format=".2f"),
                 alt.Tooltip("high:Q", format=".2f"), "n:Q"])
    beliefs = frame.dropna(subset=["assumed"])
    if beliefs.groupby("label")["assumed"].nunique().le(1).all():  # one belief for all: one grey dashed line
        assumed = alt.Chart(beliefs.drop_duplicates("label")).mark_line(
            strokeDash=[6, 4], color="#888").encode(x=x, y=alt.Y("assumed:Q", scale=scale),
                                                    tooltip=["label:N", "assumed:Q"])
    else:
        assumed = alt.Chart(beliefs).mark_line(strokeDash=[6, 4], opacity=0.6).encode(
            x=x, y=alt.Y("assumed:Q", scale=scale), color=color, tooltip=["persona:N", "label:N", "assumed:Q"])
    flags = base.transform_filter("datum.disagree").mark_point(shape="diamond", size=160, color="#e15759",
                                                             filled=True).encode(x=x, y="measured:Q")
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#999").encode(y="y:Q")
    return (zero + assumed + measured + flags).properties(title=title or _title("emotion_title", lang), width=640)


def opportunity_matrix_chart(frame: pd.DataFrame, lang: str = "en", title: str = "") -> alt.Chart:
    """Opportunities on the impact/effort matrix, quick wins top left.

    ``frame``: ``title``, ``impact`` (1-5), ``effort`` (1-5), ``priority`` and, optionally, ``origin``
    (``data`` or ``workshop``, drawn in two colours). Long titles are cut on the chart, whole in the tooltip.
    """
    data = frame.assign(label=frame["title"].map(lambda t: t if len(t) <= 38 else t[:37] + "…"))
    if "origin" not in data:
        data = data.assign(origin="data")
    origins = {"data": {"en": "found in the data", "fr": "issue des données"},
               "workshop": {"en": "from the workshop", "fr": "issue de l'atelier"}}
    data = data.assign(source=data["origin"].map(lambda o: origins.get(o, {}).get(lang, o)))
    quadrants = pd.DataFrame({"x": [1.1, 4.9, 1.1, 4.9], "y": [5.15, 5.15, 0.85, 0.85],
                              "align": ["left", "right"] * 2,
                              "text": [label(f"quadrant_{k}", lang) for k in ("quick_wins", "big_bets",
                                                                               "fill_ins", "money_pits")]})
    scale = alt.Scale(domain=[0.7, 5.3], nice=False, zero=False)
    x = alt.X("effort:Q", scale=scale, title=_title("effort", lang))
    y = alt.Y("impact:Q", scale=scale, title=_title("impact", lang))
    domain = [origins[o][lang] for o in ("data", "workshop")]
    points = alt.Chart(data).mark_circle(opacity=0.8).encode(
        x=x, y=y, size=alt.Size("priority:Q", legend=None, scale=alt.Scale(range=[80, 600])),
        color=alt.Color("source:N", scale=alt.Scale(domain=domain, range=[PALETTE[0], PALETTE[1]]), title=None),
        tooltip=["title:N", alt.Tooltip("impact:Q", format=".1f"), alt.Tooltip("effort:Q", format=".1f"),
                 alt.Tooltip("priority:Q", format=".2f")])
    names = alt.Chart(data).mark_text(align="left", dx=9, fontSize=10).encode(x=x, y=y, text="label:N")
    rules = alt.Chart(pd.DataFrame({"v": [3]})).mark_rule(color="#bbb")
    corners = [alt.Chart(quadrants[quadrants["align"] == side]).mark_text(
        color="#888", fontSize=12, fontStyle="italic", align=side).encode(
        x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="text:N") for side in ("left", "right")]
    lines = rules.encode(x=alt.X("v:Q", scale=scale)) + rules.encode(y=alt.Y("v:Q", scale=scale))
    return (lines + corners[0] + corners[1] + points + names).properties(
        title=title or _title("impact_effort_title", lang), width=560, height=440)


def persona_chart(personas: pd.DataFrame, traits: pd.DataFrame, lang: str = "en", most: int = 4) -> alt.Chart:
    """Step 3: customers per persona (bars) beside what sets each one apart (z-scores, heatmap).

    ``personas``: ``id``, ``name_en``, ``name_fr``, ``customers``, ``share``, ``suppressed``;
    ``traits``: ``persona``, ``label_en``, ``label_fr``, ``z`` (persona vs all customers). The heatmap
    shows each described persona's ``most`` strongest traits (|z| >= 0.5) for every persona.
    """
    from .narrative import text

    step = "03_build_personas"
    shown = personas[~personas["suppressed"]]
    names = dict(zip(shown["id"], shown[f"name_{lang}"]))
    order = list(shown[f"name_{lang}"])
    sizes = shown.assign(name=shown[f"name_{lang}"])[["name", "customers", "share"]]
    bars = alt.Chart(sizes).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("customers:Q", title=text(step, "chart_customers", lang)),
        tooltip=["name:N", alt.Tooltip("customers:Q", format=","), alt.Tooltip("share:Q", format=".0%")],
    ).properties(title=text(step, "chart_sizes", lang), width=220, height=max(120, 34 * len(order)))
    data = traits[traits["persona"].isin(names)].assign(name=lambda f: f["persona"].map(names),
                                                        trait=lambda f: f[f"label_{lang}"])
    strong = data[data["z"].abs() >= 0.5].sort_values("z", key=abs, ascending=False).groupby("persona").head(most)
    keep = list(dict.fromkeys(strong["trait"]))
    cells = data[data["trait"].isin(keep)].assign(z=lambda f: f["z"].clip(-3, 3).round(1))
    base = alt.Chart(cells).encode(x=alt.X("trait:N", sort=keep, title=None, axis=alt.Axis(labelAngle=-40,
                                                                                        labelLimit=220)),
                                   y=alt.Y("name:N", sort=order, title=None))
    heat = base.mark_rect(stroke="white").encode(
        color=alt.Color("z:Q", scale=alt.Scale(scheme="redblue", domain=[-3, 3]), title="z"),
        tooltip=["name:N", "trait:N", alt.Tooltip("z:Q", format="+.1f")])
    numbers = base.mark_text(fontSize=10).encode(text=alt.Text("z:Q", format="+.1f"))
    heatmap = (heat + numbers).properties(title=text(step, "chart_traits", lang), width=max(200, 34 * len(keep)),
                                         height=max(120, 34 * len(order)))
    return alt.hconcat(bars, heatmap).resolve_scale(color="independent")


def silhouette_chart(frame: pd.DataFrame, chosen: int, lang: str = "en") -> alt.Chart:
    """Step 3: silhouette per number of personas tried (``k``, ``silhouette``), the chosen k highlighted."""
    from .narrative import text

    step = "03_build_personas"
    data = frame.assign(chosen=frame["k"] == chosen)
    line = alt.Chart(data).mark_line(color=PALETTE[0], point=True).encode(
        x=alt.X("k:O", title=text(step, "chart_k", lang)),
        y=alt.Y("silhouette:Q", title="silhouette"),
        tooltip=["k:O", alt.Tooltip("silhouette:Q", format=".3f")])
    mark = alt.Chart(data).transform_filter("datum.chosen").mark_point(
        size=220, filled=True, color=PALETTE[1]).encode(x="k:O", y="silhouette:Q")
    return (line + mark).properties(title=text(step, "chart_silhouette", lang), width=360, height=200)
