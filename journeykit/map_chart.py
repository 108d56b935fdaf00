"""Step 9: the journey map drawn as one chart that reads like a workshop poster.

:func:`map_chart` draws the content of :mod:`journeykit.journey_map` (its cells and emotion curve): a header
row of stages, then one row per lane, every row on the same x scale so that the stage columns line up. It is
an Altair value; every text is plain text in the spec, which Vega draws as text, never as HTML.
:func:`map_comparison` puts the current and the future state side by side when the map has touchpoints of
only one state.

Examples
--------
>>> import journeykit as jk                                                     # doctest: +SKIP
>>> s = jk.study("build/sample-workspace", "2026Q3", "fr")                      # doctest: +SKIP
>>> today = jk.map_chart.map_chart(s)                                            # doctest: +SKIP
>>> both = jk.map_chart.map_comparison(s, layout="stacked")                     # doctest: +SKIP
"""

from __future__ import annotations

import re
import textwrap

import altair as alt
import pandas as pd

from .errors import ParameterError
from .journey_map import (LANES, TEXT_LANES, _check_state, _label, _number, _signed, cells, emotion_points, states,
                          touchpoint_emotions)

MAX_ITEMS = 5  # items written in a cell; beyond, the cell shows MAX_ITEMS - 1 items and "+N more"
NEUTRAL = 0.25  # |emotion| below this is drawn as neutral

# Geometry of the drawing, in pixels.
STAGE_WIDTH = 178
LABEL_WIDTH = 138
FONT = "Helvetica, Arial, sans-serif"
FONT_SIZE = 11
LINE_HEIGHT = 14
PADDING = 8
CHAR_WIDTH = 0.52 * FONT_SIZE  # a generous average glyph width, so that wrapped lines fit their cell
EMOTION_HEIGHT = 150

INK = "#1f2d3d"
MUTED = "#7b8794"
HEADER = "#1b4965"
LANE_COLORS = {  # (label column, cell background)
    "touchpoints": ("#1b6ca8", "#eef5fb"),
    "actions": ("#3d7ea6", "#f3f7fa"),
    "thoughts": ("#6a5acd", "#f4f2fb"),
    "emotion": ("#2a7f62", "#ffffff"),
    "pain_points": ("#c0392b", "#fdf3f2"),
    "opportunities": ("#2e8b57", "#eff8f2"),
    "kpis": ("#b7791f", "#fdf8ec"),
    "owners": ("#5f6b7a", "#f4f5f7"),
}
SEVERITY_FILLS = ["#fdf3f2", "#fbe3e0", "#f8cfca", "#f4b6af", "#ef9a91", "#e97e74"]  # severity 0..5
SIGN_COLORS = {"positive": "#2e8b57", "neutral": "#8a94a0", "negative": "#d64541"}
MEASURED_COLOR, ASSUMED_COLOR = "#1b6ca8", "#e08a1e"
_VIEW = alt.ViewBackground(stroke=None)  # no frame around each lane, whatever the theme


def _fit(text: str, width: int, max_lines: int) -> list[str]:
    """``text`` wrapped at ``width`` characters on at most ``max_lines`` lines, cut with "…" when longer.

    Only spaces break lines: a no-break space (between a number and its unit) holds.

    Examples
    --------
    >>> _fit("Let customers pick a delivery slot", 16, 2)
    ['Let customers', 'pick a delivery…']
    >>> _fit("Short", 16, 2)
    ['Short']
    """
    flat = re.sub(r"[ \t\r\n\f\v]+", " ", str(text)).strip()
    lines = textwrap.wrap(flat, width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    kept[-1] = (last if len(last) < width else last[: width - 1].rstrip()) + "…"
    return kept


LINES_PER_ITEM = {"touchpoints": 2, "actions": 2, "thoughts": 4, "pain_points": 3, "opportunities": 3, "kpis": 3,
                  "owners": 1}


def _cell_lines(items: list[str], lane: str, lang: str, chars: int) -> list[str]:
    """The lines written in one cell: a bullet per item, at most :data:`MAX_ITEMS` items, then "+N more"."""
    shown = items if len(items) <= MAX_ITEMS else items[: MAX_ITEMS - 1]
    lines: list[str] = []
    quote = ("« ", " »") if lang == "fr" else ("“", "”")
    for item in shown:
        if lane == "thoughts":
            item = f"{quote[0]}{item}{quote[1]}"
        wrapped = _fit(item, chars - 2, LINES_PER_ITEM[lane])
        lines.append("• " + wrapped[0])
        lines += ["\u2007\u2007" + line for line in wrapped[1:]]
    if len(items) > len(shown):
        lines.append(_label("more", lang, n=len(items) - len(shown)))
    return lines


def _x(stage_order: float, pixels: float = 0.0) -> float:
    """A position on the map's x scale: stage columns are 1 unit wide; ``pixels`` moves right within one."""
    return stage_order + pixels / STAGE_WIDTH


def _x_scale(n_stages: int) -> alt.Scale:
    return alt.Scale(domain=[_x(0, -LABEL_WIDTH), max(n_stages, 1)], nice=False, zero=False)


def _width(n_stages: int) -> int:
    return LABEL_WIDTH + STAGE_WIDTH * max(n_stages, 1)


def _title_lines(lane: str, lang: str) -> list[str]:
    return _fit(_label(f"lane_{lane}", lang), 15, 3)


def _lane_title(lane: str, lang: str, height: float, n_stages: int, note: str = "") -> alt.LayerChart:
    """The coloured label column on the left of a lane: its title, and a smaller note under it."""
    accent, _ = LANE_COLORS[lane]
    lines = _title_lines(lane, lang)
    notes = _fit(note, 22, 2) if note else []
    block = 15 * len(lines) + 13 * len(notes)
    top = (height - block) / 2
    frame = pd.DataFrame({"x": [_x(0, -LABEL_WIDTH)], "x2": [_x(0, -4)], "tx": [_x(0, -LABEL_WIDTH + 10)],
                          "lines": [lines], "notes": [notes]})
    scale = _x_scale(n_stages)
    box = alt.Chart(frame).mark_rect(color=accent, cornerRadius=3).encode(
        x=alt.X("x:Q", scale=scale, axis=None), x2="x2:Q", y=alt.YValue(0), y2=alt.Y2Value(height))
    title = alt.Chart(frame).mark_text(align="left", baseline="top", color="white", font=FONT, fontSize=12,
                                       fontWeight="bold", lineHeight=15).encode(
        x=alt.X("tx:Q", scale=scale, axis=None), y=alt.YValue(top), text="lines:N")
    layers = [box, title]
    if notes:
        layers.append(alt.Chart(frame).mark_text(align="left", baseline="top", color="#f2f2f2", font=FONT,
                                                 fontSize=10, fontStyle="italic", lineHeight=13).encode(
            x=alt.X("tx:Q", scale=scale, axis=None), y=alt.YValue(top + 15 * len(lines) + 2), text="notes:N"))
    return alt.layer(*layers)


def _header(study, lang: str, n_stages: int) -> alt.LayerChart:
    """The row of stage names across the top, with the customers who reached each stage when step 4 ran."""
    from .measures import read_summary

    funnel = read_summary(study.workspace, study.quarter, "04_map_stages") or {}
    reached = {row.get("stage"): row.get("customers") for row in funnel.get("funnel") or [] if isinstance(row, dict)}
    rows = []
    for order, stage in enumerate(study.journey.stages):
        lines = _fit(f"{order + 1}. {stage.name.get(lang)}", int((STAGE_WIDTH - 2 * PADDING) / (0.6 * 14)), 2)
        customers = reached.get(stage.id)
        sub = _label("customers", lang, n=_number(float(customers), lang)) if customers else ""
        rows.append({"x": _x(order, 2), "x2": _x(order + 1, -2), "tx": _x(order, PADDING), "lines": lines,
                     "sub": sub, "description": stage.description.get(lang)})
    frame = pd.DataFrame(rows, columns=["x", "x2", "tx", "lines", "sub", "description"])
    n_lines = max([len(lines) for lines in frame["lines"]] + [1])
    height = PADDING + 17 * n_lines + (22 if (frame["sub"].str.len() > 0).any() else 6)
    scale = _x_scale(n_stages)
    boxes = alt.Chart(frame).mark_rect(color=HEADER, cornerRadius=3).encode(
        x=alt.X("x:Q", scale=scale, axis=None), x2="x2:Q", y=alt.YValue(0), y2=alt.Y2Value(height),
        tooltip=alt.Tooltip("description:N", title=None))
    names = alt.Chart(frame).mark_text(align="left", baseline="top", color="white", font=FONT, fontSize=14,
                                       fontWeight="bold", lineHeight=17).encode(
        x=alt.X("tx:Q", scale=scale, axis=None), y=alt.YValue(PADDING), text="lines:N")
    subs = alt.Chart(frame).mark_text(align="left", baseline="bottom", color="#cfe0ec", font=FONT,
                                      fontSize=10).encode(
        x=alt.X("tx:Q", scale=scale, axis=None), y=alt.YValue(height - 6), text="sub:N")
    corner = pd.DataFrame({"x": [_x(0, -LABEL_WIDTH)], "lines": [[_label("stages", lang)]]})
    stage_label = alt.Chart(corner).mark_text(align="left", baseline="middle", color=HEADER, font=FONT,
                                              fontSize=12, fontWeight="bold").encode(
        x=alt.X("x:Q", scale=scale, axis=None), y=alt.YValue(height / 2), text="lines:N")
    return alt.layer(boxes, names, subs, stage_label, width=_width(n_stages), height=height, view=_VIEW)


def _lane_lines(frame: pd.DataFrame, lane: str, lang: str) -> list[list[str]]:
    chars = int((STAGE_WIDTH - 2 * PADDING) / CHAR_WIDTH)
    return [_cell_lines(items, lane, lang, chars) for items in frame["items"]]


def _lane_height(frame: pd.DataFrame, lane: str, lang: str) -> int:
    """The height a text lane needs: its longest cell, or its title when that is taller."""
    n_lines = max([len(lines) for lines in _lane_lines(frame, lane, lang)] + [1])
    note = (frame["origin"] == "quotes").any()
    return max(2 * PADDING + LINE_HEIGHT * n_lines - (LINE_HEIGHT - FONT_SIZE),
               2 * PADDING + 15 * len(_title_lines(lane, lang)) + (28 if note else 0), 34)


def _text_lane(frame: pd.DataFrame, lane: str, lang: str, n_stages: int, height: int = 0) -> alt.LayerChart:
    """One text lane: a tinted cell per stage with its items written as lines (at least ``height`` high)."""
    _, background = LANE_COLORS[lane]
    data = frame.assign(
        lines=_lane_lines(frame, lane, lang),
        x=[_x(order, 2) for order in frame["stage_order"]],
        x2=[_x(order + 1, -2) for order in frame["stage_order"]],
        tx=[_x(order, PADDING) for order in frame["stage_order"]],
    )
    if lane == "pain_points":
        data["fill"] = [SEVERITY_FILLS[min(5, max(0, round(s)))] if not pd.isna(s) else background
                        for s in data["severity"]]
    else:
        data["fill"] = background
    empty = int(data["n_items"].sum()) == 0
    note = _label("from_quotes", lang) if (data["origin"] == "quotes").any() else ""
    height = max(height, _lane_height(frame, lane, lang))
    data = data[["x", "x2", "tx", "lines", "text", "fill"]]
    scale = _x_scale(n_stages)
    cells_ = alt.Chart(data).mark_rect(cornerRadius=2).encode(
        x=alt.X("x:Q", scale=scale, axis=None), x2="x2:Q", y=alt.YValue(0), y2=alt.Y2Value(height),
        color=alt.Color("fill:N", scale=None))
    words = alt.Chart(data).mark_text(align="left", baseline="top", color=INK, font=FONT, fontSize=FONT_SIZE,
                                      lineHeight=LINE_HEIGHT, limit=STAGE_WIDTH - 2 * PADDING,
                                      fontStyle="italic" if lane == "thoughts" else "normal").encode(
        x=alt.X("tx:Q", scale=scale, axis=None), y=alt.YValue(PADDING), text="lines:N",
        tooltip=alt.Tooltip("text:N", title=None))
    layers = [_lane_title(lane, lang, height, n_stages, note), cells_, words]
    if empty:
        hint = pd.DataFrame({"x": [_x(0, PADDING)], "lines": [[_label("empty_lane", lang)]]})
        layers.append(alt.Chart(hint).mark_text(align="left", baseline="middle", color=MUTED, font=FONT,
                                                fontSize=FONT_SIZE, fontStyle="italic").encode(
            x=alt.X("x:Q", scale=scale, axis=None), y=alt.YValue(height / 2), text="lines:N"))
    return alt.layer(*layers, width=_width(n_stages), height=height, view=_VIEW)


def _sign(value: float) -> str:
    if pd.isna(value) or abs(value) < NEUTRAL:
        return "neutral"
    return "positive" if value > 0 else "negative"


def _spread(frame: pd.DataFrame) -> list[float]:
    """x of each touchpoint's dot: spread evenly across its stage's column, in map order."""
    rank = frame.groupby("stage_order").cumcount()
    count = frame.groupby("stage_order")["stage_order"].transform("size")
    return [_x(order + 0.14 + 0.72 * (r + 0.5) / c) for order, r, c in zip(frame["stage_order"], rank, count)]


def _emotion_lane(points: pd.DataFrame, touchpoints: pd.DataFrame, lang: str, n_stages: int) -> alt.LayerChart:
    """The emotion lane: the stage curve on a -2..+2 scale, its 95 % band, the assumed curve and a dot per
    touchpoint; a stage's lowest touchpoint is named when it is negative (-0.5 or less) or half a point or
    more below its stage, so that an average never hides a bad moment."""
    height = EMOTION_HEIGHT
    scale = _x_scale(n_stages)
    y_scale = alt.Scale(domain=[-2.5, 2.5], nice=False, zero=False)
    x = alt.X("cx:Q", scale=scale, axis=None)
    colors = alt.Scale(domain=list(SIGN_COLORS), range=list(SIGN_COLORS.values()))
    data = points.assign(
        cx=[_x(order + 0.5) for order in points["stage_order"]],
        sign=[_sign(v) for v in points["emotion"]],
        value=[_signed(v, lang) for v in points["emotion"]],
        label_y=[(v + 0.6 if v < 1.5 else v - 0.6) if not pd.isna(v) else 0.0 for v in points["emotion"]],
        fill=[SIGN_COLORS[_sign(v)] if source == "measured" else "white"
              for v, source in zip(points["emotion"], points["source"])],
    )
    left, right = _x(0, 2), _x(n_stages, -2)
    columns = pd.DataFrame({"x": [_x(order, 2) for order in range(n_stages)],
                            "x2": [_x(order + 1, -2) for order in range(n_stages)]})
    bands = pd.DataFrame({"y": [0.0, -2.5], "y2": [2.5, 0.0], "fill": ["#f1f8f4", "#fcf1f0"], "x": left,
                          "x2": right})
    grid = pd.DataFrame({"y": [-2.0, -1.0, 0.0, 1.0, 2.0], "label": ["−2", "−1", "0", "+1", "+2"],
                         "width": [0.6, 0.6, 1.2, 0.6, 0.6], "x": left, "x2": right, "tx": _x(0, -10)})
    layers = [
        _lane_title("emotion", lang, height, n_stages),
        alt.Chart(bands).mark_rect().encode(
            x=alt.X("x:Q", scale=scale, axis=None), x2="x2:Q",
            y=alt.Y("y:Q", scale=y_scale, axis=None), y2="y2:Q", color=alt.Color("fill:N", scale=None)),
        alt.Chart(columns).mark_rule(color="white", strokeWidth=4).encode(
            x=alt.X("x2:Q", scale=scale, axis=None), y=alt.YValue(0), y2=alt.Y2Value(height)),
        alt.Chart(grid).mark_rule(color="#c9d1d9").encode(
            x=alt.X("x:Q", scale=scale, axis=None), x2="x2:Q", y=alt.Y("y:Q", scale=y_scale, axis=None),
            strokeWidth=alt.StrokeWidth("width:Q", scale=None),
            strokeDash=alt.condition("datum.y == 0", alt.value([1, 0]), alt.value([2, 3]))),
        alt.Chart(grid).mark_text(align="right", baseline="middle", color="#d5ebe2", font=FONT, fontSize=10).encode(
            x=alt.X("tx:Q", scale=scale, axis=None), y=alt.Y("y:Q", scale=y_scale, axis=None), text="label:N"),
    ]
    known = data.dropna(subset=["emotion"])
    measured = bool((known["source"] == "measured").any())
    banded = known.dropna(subset=["low", "high"])
    if len(banded):
        layers.append(alt.Chart(banded).mark_area(color=MEASURED_COLOR, opacity=0.13, interpolate="monotone").encode(
            x=x, y=alt.Y("low:Q", scale=y_scale, axis=None), y2="high:Q"))
    dots = touchpoints.dropna(subset=["emotion"])
    if len(dots):
        dots = dots.assign(cx=_spread(dots), sign=[_sign(v) for v in dots["emotion"]],
                           value=[_signed(v, lang) for v in dots["emotion"]])
        layers.append(alt.Chart(dots).mark_point(size=34, filled=True, opacity=0.55).encode(
            x=x, y=alt.Y("emotion:Q", scale=y_scale, axis=None), color=alt.Color("sign:N", scale=colors, legend=None),
            shape=alt.condition("datum.source == 'measured'", alt.value("circle"), alt.value("diamond")),
            tooltip=[alt.Tooltip("name:N", title=_label("touchpoint", lang)),
                     alt.Tooltip("value:N", title=_label("lane_emotion", lang))]))
        worst = dots.loc[dots.groupby("stage_order")["emotion"].idxmin()]
        stage_value = worst["stage_order"].map(dict(zip(points["stage_order"], points["emotion"])))
        worst = worst[(worst["emotion"] <= -0.5) | (worst["emotion"] <= stage_value - 0.5)]
        if len(worst):
            worst = worst.assign(
                label=[_fit(name, 24, 1)[0] + " " + value for name, value in zip(worst["name"], worst["value"])],
                label_y=[v - 0.35 if v > -1.9 else v + 0.35 for v in worst["emotion"]])
            worst = worst.assign(ink=[SIGN_COLORS["negative"] if sign == "negative" else MUTED
                                      for sign in worst["sign"]])
            layers.append(alt.Chart(worst).mark_text(font=FONT, fontSize=9, baseline="middle").encode(
                x=x, y=alt.Y("label_y:Q", scale=y_scale, axis=None), text="label:N",
                color=alt.Color("ink:N", scale=None)))
    if measured and known["assumed"].notna().any():
        assumed = known.dropna(subset=["assumed"])
        layers.append(alt.Chart(assumed).mark_line(color=ASSUMED_COLOR, strokeDash=[5, 4], strokeWidth=2,
                                                   interpolate="monotone").encode(
            x=x, y=alt.Y("assumed:Q", scale=y_scale, axis=None)))
    line_color = MEASURED_COLOR if measured else ASSUMED_COLOR
    layers.append(alt.Chart(known).mark_line(color=line_color, strokeWidth=3, interpolate="monotone",
                                             strokeDash=[1, 0] if measured else [6, 4]).encode(
        x=x, y=alt.Y("emotion:Q", scale=y_scale, axis=None)))
    layers.append(alt.Chart(known).mark_point(size=170, opacity=1, filled=False, strokeWidth=3).encode(
        x=x, y=alt.Y("emotion:Q", scale=y_scale, axis=None), fill=alt.Fill("fill:N", scale=None),
        color=alt.Color("sign:N", scale=colors, legend=None),
        tooltip=[alt.Tooltip("name:N", title=_label("stage", lang)),
                 alt.Tooltip("value:N", title=_label("lane_emotion", lang)),
                 alt.Tooltip("assumed:Q", format="+.1f", title=_label("assumed", lang)),
                 alt.Tooltip("lowest:N", title=_label("lowest", lang))]))
    layers.append(alt.Chart(known).mark_text(font=FONT, fontSize=11, fontWeight="bold", baseline="middle").encode(
        x=x, y=alt.Y("label_y:Q", scale=y_scale, axis=None), text="value:N",
        color=alt.Color("sign:N", scale=colors, legend=None)))
    key = [_label("legend_measured" if measured else "legend_assumed_only", lang)]
    if measured and known["assumed"].notna().any():
        key.append(_label("legend_assumed", lang))
    if len(dots):
        key.append(_label("legend_touchpoints", lang))
    legend = pd.DataFrame({"x": [_x(0, -LABEL_WIDTH + 10)], "lines": [key]})
    layers.append(alt.Chart(legend).mark_text(align="left", baseline="top", color="#e8f3ee", font=FONT,
                                              fontSize=10, lineHeight=13).encode(
        x=alt.X("x:Q", scale=scale, axis=None), y=alt.YValue(height - 8 - 13 * len(key)), text="lines:N"))
    return alt.layer(*layers, width=_width(n_stages), height=height, view=_VIEW)


def map_chart(study, state: str = "current") -> alt.VConcatChart:
    """The journey map of ``state`` as one chart: a header row of stages, then one row per lane.

    Every lane shares the same x scale (a stage is one unit wide, the lane titles sit left of 0), so the
    columns line up from the header to the last lane. Returns a value; nothing is displayed.
    """
    _check_state(state, "map_chart")
    return _map(study, state).properties(background="white", padding=16)


def _map(study, state: str, heights: dict[str, int] | None = None) -> alt.VConcatChart:
    """The map of ``state`` without top-level properties, so that two maps can be put side by side.

    ``heights`` gives lanes a minimum height (so that the lanes of two maps side by side line up).
    """
    lang = study.lang
    heights = heights or {}
    content = cells(study, state)
    points = emotion_points(study, state)
    n_stages = len(study.journey.stages)
    rows: list[alt.TopLevelMixin] = [_header(study, lang, n_stages)]
    for lane in LANES:
        if lane == "emotion":
            rows.append(_emotion_lane(points, touchpoint_emotions(study, state), lang, n_stages))
        else:
            rows.append(_text_lane(content[content["lane"] == lane], lane, lang, n_stages, heights.get(lane, 0)))
    sources = set(points["source"])
    source = "subtitle_expected" if "expected" in sources else \
        "subtitle_measured" if "measured" in sources else "subtitle_assumed"
    title = alt.TitleParams(
        text=_label("map_title", lang, journey=study.journey.name.get(lang), state=_label(f"state_{state}", lang)),
        subtitle=[_label(source, lang, quarter=str(study.quarter))], anchor="start", font=FONT, fontSize=18,
        color=INK, subtitleFont=FONT, subtitleFontSize=11, subtitleColor=MUTED, offset=12)
    return alt.vconcat(*rows, spacing=5, title=title)


def map_comparison(study, layout: str = "side") -> alt.VConcatChart | alt.HConcatChart:
    """The current and the future state side by side (``layout="stacked"``: one above the other).

    When every touchpoint is on both maps there is only one map and it is returned alone (likewise a map
    whose touchpoints are all ``future``).
    """
    if layout not in ("side", "stacked"):
        raise ParameterError.invalid("layout", "map_comparison", "'side' or 'stacked'", layout)
    found = states(study)
    if len(found) == 1:
        return map_chart(study, found[0])
    combine = alt.hconcat if layout == "side" else alt.vconcat
    heights: dict[str, int] = {}
    if layout == "side":
        for state in found:
            content = cells(study, state)
            for lane in TEXT_LANES:
                needed = _lane_height(content[content["lane"] == lane], lane, study.lang)
                heights[lane] = max(heights.get(lane, 0), needed)
    charts = [_map(study, state, heights) for state in found]
    return combine(*charts, spacing=36, background="white", padding=16)
