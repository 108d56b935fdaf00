"""Step 9: the journey map itself, drawn as one chart that reads like a workshop poster.

The map has the journey's stages as columns and one lane per row:

- **touchpoints** (name and channel), **actions** and **thoughts**, from the map's touchpoints;
- the **emotion curve**: per stage, the emotion measured in step 6 (survey scores and verbatims on the
  -2..+2 scale), or the emotion the workshop assumed when nothing was measured;
- **pain points** of the stage (most severe first; the cell is tinted by the highest severity), the
  **opportunities** that answer them, the stage's **KPIs** (with the value measured in step 8) and the
  **owner** teams of its touchpoints.

:func:`cells` and :func:`emotion_points` compute the content (small pandas frames, testable by hand),
:func:`map_chart` draws it (an Altair value; every text is plain text in the spec, which Vega draws as text,
never as HTML), :func:`map_comparison` puts the current and the future state side by side when the map
has touchpoints of only one state, :func:`export` writes PNG and SVG through vl-convert, and
:func:`mermaid` writes the map as a Mermaid ``journey`` block, for wikis and slide decks.

Examples
--------
>>> import journeykit as jk                                                     # doctest: +SKIP
>>> s = jk.study("build/sample-workspace", "2026Q3", "fr")                      # doctest: +SKIP
>>> chart = jk.journey_map.map_comparison(s)                                    # doctest: +SKIP
>>> jk.journey_map.export(chart, "out", "journey_map", mermaid=jk.journey_map.mermaid(s))  # doctest: +SKIP
{'png': PosixPath('out/journey_map.png'), 'svg': ..., 'mermaid': PosixPath('out/journey_map.mmd')}
"""

from __future__ import annotations

import html
import math
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from .errors import ParameterError
from .narrative import text as _text

STEP = "09_visualize_map"
LANES = ("touchpoints", "actions", "thoughts", "emotion", "pain_points", "opportunities", "kpis", "owners")
TEXT_LANES = tuple(lane for lane in LANES if lane != "emotion")
STATES = ("current", "future")
MAX_QUOTES = 2  # customer quotes written in a thoughts cell when the map has no thoughts for the stage
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


def _label(key: str, lang: str, **values: object) -> str:
    return _text(STEP, key, lang, **values)


def _check_state(state: str, function: str) -> None:
    if state not in STATES:
        raise ParameterError.invalid("state", function, "'current' or 'future'", state)


# ---------------------------------------------------------------------------------------------------------
# What the map says


def touchpoints_in(study, state: str = "current") -> list:
    """The map's touchpoints drawn on the ``state`` map (their own state, or ``both``), in map order."""
    _check_state(state, "touchpoints_in")
    return [tp for tp in study.journey.touchpoints if tp.state in (state, "both")]


def states(study) -> list[str]:
    """``['current']`` when every touchpoint is on both maps, ``['current', 'future']`` otherwise.

    A map whose touchpoints are all ``future`` is a future-state map only: ``['future']``.
    """
    found = {tp.state for tp in study.journey.touchpoints}
    if found <= {"both"}:
        return ["current"]
    if found <= {"future"}:
        return ["future"]
    return ["current", "future"]


def _kpi_values(study) -> dict[str, dict]:
    from .measures import read_summary

    summary = read_summary(study.workspace, study.quarter, "08_align_business") or {}
    return {row.get("kpi"): row for row in summary.get("kpis") or [] if isinstance(row, dict)}


def _number(value: float, lang: str) -> str:
    text = f"{value:,.1f}".removesuffix(".0")
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _with_unit(value: float, unit: str, lang: str) -> str:
    number = _number(value, lang)
    if not unit:
        return number
    if unit == "%" and lang == "en":
        return f"{number}%"
    return f"{number}\u00a0{unit}"


def kpi_text(kpi, measured: dict | None, lang: str) -> str:
    """A KPI as one map item: its name, the measured value when there is one, and its target.

    Examples
    --------
    >>> from journeykit.model import Kpi
    >>> k = Kpi(id="fcr", name={"en": "First contact resolution", "fr": "Résolution au premier contact"},
    ...         unit="%", target=75)
    >>> kpi_text(k, {"value": 61.25}, "en")
    'First contact resolution: 61.2% (target 75%)'
    >>> kpi_text(k, None, "fr")
    'Résolution au premier contact (cible 75\\xa0%)'
    """
    name = kpi.name.get(lang)
    value = None if measured is None else measured.get("value")
    text = name
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        text += ("\u00a0: " if lang == "fr" else ": ") + _with_unit(float(value), kpi.unit, lang)
    if kpi.target is not None:
        text += f" ({_label('target', lang)} {_with_unit(float(kpi.target), kpi.unit, lang)})"
    return text


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def cells(study, state: str = "current") -> pd.DataFrame:
    """The map's content: one row per stage and text lane, its items as a list of plain-text lines.

    Columns: ``stage``, ``stage_order``, ``lane`` (one of :data:`TEXT_LANES`), ``lane_order``, ``items``
    (list of str), ``text`` (the items joined by new lines), ``n_items``, ``severity`` (the highest
    severity of the stage's pain points on the pain-point lane, NaN elsewhere) and ``origin`` (``map``,
    ``quotes`` or empty when the cell has no item).

    - touchpoints: ``name · channel``, in map order;
    - actions and thoughts: those of the stage's touchpoints, in map order, each once; on the current map,
      a stage whose touchpoints have no thoughts written shows instead up to :data:`MAX_QUOTES` customer
      quotes picked by step 6 (interviews first, then survey comments; typical, then least and most
      favourable; in the study's language when there are some), and ``origin`` says ``quotes``;
    - pain points: the stage's, highest severity first (unknown severity last), then map order; left out:
      those tied to a touchpoint absent from this state's map, and those recorded for another quarter
      (step 7 saves the pain points it detects with their quarter; one found in 2026Q2 and fixed since
      does not belong on the 2026Q3 map);
    - opportunities: those answering these pain points, in the same order, ``dropped`` ones left out;
    - KPIs: the stage's, with the value step 8 measured for the quarter when it has run;
    - owners: the owner teams of the stage's touchpoints, in map order, each once.
    """
    _check_state(state, "cells")
    journey, lang = study.journey, study.lang
    channels = {channel.id: channel.name.get(lang) for channel in journey.all_channels()}
    points = touchpoints_in(study, state)
    present = {tp.id for tp in points}
    measured = _kpi_values(study)
    quotes = _quotes(_experience(study), journey, lang) if state == "current" else {}
    quarter = str(study.quarter)
    rows = []
    for order, stage in enumerate(journey.stages):
        mine = [tp for tp in points if tp.stage == stage.id]
        pains = [p for p in journey.pain_points
                 if p.stage == stage.id and (p.touchpoint is None or p.touchpoint in present)
                 and p.quarter in (None, quarter)]
        pains.sort(key=lambda p: -(p.severity if p.severity is not None else -1))
        pain_ids = [p.id for p in pains]
        opportunities = [o for o in journey.opportunities
                         if o.status != "dropped" and set(o.pain_points) & set(pain_ids)]
        opportunities.sort(key=lambda o: min(pain_ids.index(p) for p in o.pain_points if p in pain_ids))
        lanes = {
            "touchpoints": [f"{tp.name.get(lang)}\u00a0· {channels.get(tp.channel, tp.channel)}" for tp in mine],
            "actions": _unique([action.get(lang) for tp in mine for action in tp.actions]),
            "thoughts": _unique([thought.get(lang) for tp in mine for thought in tp.thoughts]),
            "pain_points": [p.title.get(lang) for p in pains],
            "opportunities": _unique([o.title.get(lang) for o in opportunities]),
            "kpis": [kpi_text(k, measured.get(k.id), lang) for k in journey.kpis if k.stage == stage.id],
            "owners": _unique([tp.owner for tp in mine]),
        }
        origins = {lane: "map" if lanes[lane] else "" for lane in TEXT_LANES}
        if not lanes["thoughts"] and quotes.get(stage.id):
            lanes["thoughts"], origins["thoughts"] = quotes[stage.id][:MAX_QUOTES], "quotes"
        severities = [p.severity for p in pains if p.severity is not None]
        top_severity = max(severities) if severities else 0.0 if pains else math.nan
        for lane_order, lane in enumerate(TEXT_LANES):
            items = lanes[lane]
            rows.append({
                "stage": stage.id, "stage_order": order, "lane": lane, "lane_order": lane_order,
                "items": items, "text": "\n".join(items), "n_items": len(items),
                "severity": top_severity if lane == "pain_points" else math.nan, "origin": origins[lane],
            })
    columns = ["stage", "stage_order", "lane", "lane_order", "items", "text", "n_items", "severity", "origin"]
    return pd.DataFrame(rows, columns=columns).astype({"severity": "float64"})


def _quotes(experience: dict, journey, lang: str) -> dict[str, list[str]]:
    """Step 6's quotes per stage: interview quotes, then survey comments of the stage's touchpoints."""
    stage_of = {tp.id: tp.stage for tp in journey.touchpoints}
    rank = {"typical": 0, "lowest": 1, "highest": 2}
    found: dict[str, list[tuple]] = {}
    sources = [(0, row, row.get("stage")) for row in experience.get("interview_quotes") or [] if isinstance(row, dict)]
    sources += [(1, row, stage_of.get(row.get("touchpoint"))) for row in experience.get("quotes") or []
                if isinstance(row, dict)]
    for position, (kind, row, stage) in enumerate(sources):
        if stage and row.get("quote"):
            other = row.get("lang") not in (None, lang)
            found.setdefault(stage, []).append((other, kind, rank.get(row.get("role"), 3), position, row["quote"]))
    return {stage: _unique([quote for *_, quote in sorted(rows)]) for stage, rows in found.items()}


def _assumed(tp) -> float:
    values = tp.assumed_emotion
    if not values:
        return math.nan
    if "all" in values:
        return float(values["all"])
    return float(sum(values.values()) / len(values))


def _experience(study) -> dict:
    """Step 6's summary for the quarter (an empty dict when step 6 has not run for it)."""
    from .measures import read_summary

    return read_summary(study.workspace, study.quarter, "06_capture_experience") or {}


def _curve(experience: dict) -> dict[str, dict]:
    """Step 6's measured curve per touchpoint id."""
    return {row["touchpoint"]: row for row in experience.get("curve") or []
            if isinstance(row, dict) and row.get("touchpoint") and row.get("measured") is not None}


def _stage_statistics(experience: dict) -> dict[str, dict]:
    """Step 6's emotion per stage (every response of the stage), for the stages shown (not suppressed)."""
    return {row["stage"]: row for row in experience.get("stages") or []
            if isinstance(row, dict) and row.get("stage") and row.get("measured") is not None
            and not row.get("suppressed")}


def touchpoint_emotions(study, state: str = "current") -> pd.DataFrame:
    """The emotion of each touchpoint of the ``state`` map, on the -2..+2 scale, in map order.

    Columns: ``touchpoint``, ``name``, ``stage``, ``stage_order``, ``measured``, ``low``, ``high``, ``n``
    (from step 6's curve when it has run for the quarter), ``assumed`` (the workshop's belief: its value for
    ``all`` personas, else the mean of its per-persona values), ``emotion`` (measured, else assumed) and
    ``source`` (``measured``, ``assumed`` or empty when neither is known). Touchpoints that exist only in
    the future cannot have been measured: their emotion is the one the workshop assumed.
    """
    _check_state(state, "touchpoint_emotions")
    curve = _curve(_experience(study))
    order = {stage_id: index for index, stage_id in enumerate(study.journey.stage_ids())}
    rows = []
    for tp in touchpoints_in(study, state):
        record = curve.get(tp.id, {}) if tp.state != "future" else {}
        measured = record.get("measured")
        assumed = _assumed(tp)
        if measured is not None:
            emotion, source = float(measured), "measured"
        else:
            emotion, source = (assumed, "assumed") if not math.isnan(assumed) else (math.nan, "")
        rows.append({
            "touchpoint": tp.id, "name": tp.name.get(study.lang), "stage": tp.stage,
            "stage_order": order.get(tp.stage, -1), "measured": _float(measured),
            "low": _float(record.get("low")), "high": _float(record.get("high")),
            "n": int(record.get("n") or 0), "assumed": assumed, "emotion": emotion, "source": source,
        })
    columns = ["touchpoint", "name", "stage", "stage_order", "measured", "low", "high", "n", "assumed", "emotion",
               "source"]
    return pd.DataFrame(rows, columns=columns).astype({c: "float64" for c in ("measured", "low", "high",
                                                                               "assumed", "emotion")})


def _float(value) -> float:
    return math.nan if value is None else float(value)


def emotion_points(study, state: str = "current") -> pd.DataFrame:
    """The emotion curve per stage: one row per stage of the map, in order.

    Columns: ``stage``, ``stage_order``, ``name`` (the stage's), ``emotion``, ``low``, ``high``, ``n``,
    ``assumed``, ``source`` (``measured``, ``assumed``, ``expected`` or empty) and ``lowest`` (the name of
    the stage's touchpoint with the lowest emotion).

    - Current state: the stage's emotion measured by step 6 over all the stage's responses, with its 95 %
      interval; failing that (an older summary), the mean of its measured touchpoints weighted by their
      number of responses; failing that, the mean of the emotions the workshop assumed for its touchpoints.
    - Future state: the mean of the emotions of the stage's touchpoints on the future map (measured for
      those kept from today, assumed for the new ones): ``expected``, the curve the workshop aims at.

    ``assumed`` is always the workshop's mean for the stage, so the two curves can be compared. A stage
    with none of these has NaN.

    Examples
    --------
    >>> # touchpoints measured +1.0 (n=30) and -1.0 (n=10): (30 - 10) / 40 = +0.5
    >>> import pandas as pd
    >>> _stage_emotion(pd.DataFrame({"measured": [1.0, -1.0], "low": [0.8, -1.4], "high": [1.2, -0.6],
    ...     "n": [30, 10], "assumed": [1.0, float("nan")], "emotion": [1.0, -1.0],
    ...     "source": ["measured"] * 2, "name": ["a", "b"]}), None, "current")["emotion"]
    0.5
    """
    _check_state(state, "emotion_points")
    per_touchpoint = touchpoint_emotions(study, state)
    statistics = _stage_statistics(_experience(study)) if state == "current" else {}
    rows = []
    for order, stage in enumerate(study.journey.stages):
        mine = per_touchpoint[per_touchpoint["stage"] == stage.id]
        rows.append({"stage": stage.id, "stage_order": order, "name": stage.name.get(study.lang),
                     **_stage_emotion(mine, statistics.get(stage.id), state)})
    columns = ["stage", "stage_order", "name", "emotion", "low", "high", "n", "assumed", "source", "lowest"]
    return pd.DataFrame(rows, columns=columns).astype({c: "float64" for c in ("emotion", "low", "high",
                                                                               "assumed")})


def _stage_emotion(frame: pd.DataFrame, statistics: dict | None, state: str) -> dict:
    assumed = frame["assumed"].dropna()
    result = {"emotion": math.nan, "low": math.nan, "high": math.nan, "n": 0,
              "assumed": float(assumed.mean()) if len(assumed) else math.nan, "source": "", "lowest": ""}
    known = frame.dropna(subset=["emotion"])
    if len(known):
        result["lowest"] = str(known.loc[known["emotion"].idxmin(), "name"])
    measured = frame[frame["source"] == "measured"]
    if statistics is not None:
        result.update(emotion=float(statistics["measured"]), low=_float(statistics.get("low")),
                      high=_float(statistics.get("high")), n=int(statistics.get("n") or 0), source="measured")
    elif state == "future" and len(known):
        result.update(emotion=float(known["emotion"].mean()), source="expected")
    elif len(measured):
        weights = measured["n"].clip(lower=1).astype("float64")
        result.update(emotion=float((measured["measured"] * weights).sum() / weights.sum()), source="measured",
                      n=int(measured["n"].sum()))
        bounds = measured.dropna(subset=["low", "high"])
        if len(bounds):
            w = bounds["n"].clip(lower=1).astype("float64")
            result.update(low=float((bounds["low"] * w).sum() / w.sum()),
                          high=float((bounds["high"] * w).sum() / w.sum()))
    elif len(assumed):
        result.update(emotion=result["assumed"], source="assumed")
    return result


# ---------------------------------------------------------------------------------------------------------
# Drawing


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


def _signed(value: float, lang: str) -> str:
    if pd.isna(value):
        return ""
    text = f"{value:+.1f}".replace("-", "−") if round(value, 1) != 0 else "0.0"
    return text.replace(".", ",") if lang == "fr" else text


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


# ---------------------------------------------------------------------------------------------------------
# Exports


def _write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (a partial file renamed into place), readable as usual."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with open(partial, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def export(chart: alt.TopLevelMixin, folder: str | os.PathLike[str], name: str = "journey_map",
           mermaid: str | None = None) -> dict[str, Path]:
    """Write ``chart`` as ``<name>.png`` (scale 2) and ``<name>.svg`` into ``folder`` (created when missing).

    ``mermaid``, when given, is written beside them as ``<name>.mmd``. Files are written atomically. Returns
    the paths by format: ``{"png": ..., "svg": ...}`` (and ``"mermaid"``).
    """
    import vl_convert as vlc

    if not re.fullmatch(r"[\w.-]+", name or "") or name.startswith("."):
        raise ParameterError.invalid("name", "export", "a file name of letters, digits, '_', '-' and '.'", name)
    target = Path(folder)
    spec = chart.to_dict()
    paths = {"png": target / f"{name}.png", "svg": target / f"{name}.svg"}
    _write(paths["png"], vlc.vegalite_to_png(spec, scale=2))
    _write(paths["svg"], vlc.vegalite_to_svg(spec).encode("utf-8"))
    if mermaid is not None:
        paths["mermaid"] = target / f"{name}.mmd"
        _write(paths["mermaid"], mermaid.encode("utf-8"))
    return paths


_MERMAID = str.maketrans({":": "\u2236", ";": ",", "#": "\uff03", "<": "\u2039", ">": "\u203a", "\n": " ",
                          "\r": " ", "\t": " ", "`": "'"})


def mermaid_text(value: str, keep_colon: bool = False) -> str:
    """``value`` made safe for one line of a Mermaid ``journey`` block (and for any page that shows it).

    Mermaid ends a task name at ``:``, ``;``, ``#`` and a new line; they become look-alike characters
    (``∶`` ratio sign, ``,``, ``＃``, a space), and ``<``/``>`` become ``‹``/``›`` so that no text can
    open an HTML tag wherever the block is pasted.

    Examples
    --------
    >>> mermaid_text("<script>alert(1)</script>: x")
    '‹script›alert(1)‹/script›∶ x'
    """
    table = dict(_MERMAID)
    if keep_colon:
        del table[ord(":")]
    return " ".join(str(value).translate(table).split())


def score(emotion: float) -> int:
    """An emotion on -2..+2 as a Mermaid score on 1..5 (``round(emotion + 3)``, halves up; unknown is 3).

    Examples
    --------
    >>> [score(e) for e in (-2, -1.6, -0.5, 0, 0.49, 1.5, 2)]
    [1, 1, 3, 3, 3, 5, 5]
    """
    if emotion is None or pd.isna(emotion):
        return 3
    return int(min(5, max(1, math.floor(float(emotion) + 3 + 0.5))))


def mermaid(study, state: str = "current") -> str:
    """The ``state`` map as a Mermaid ``journey`` block: a section per stage, a task per touchpoint.

    Each task is ``<touchpoint name>: <score>: <owner team>``: the score is the touchpoint's emotion
    (measured, else assumed; see :func:`touchpoint_emotions`) mapped from -2..+2 to 1..5 by :func:`score`.
    Stages without touchpoints have no section (Mermaid cannot draw an empty one).
    """
    _check_state(state, "mermaid")
    lang = study.lang
    emotions = touchpoint_emotions(study, state).set_index("touchpoint")["emotion"]
    title = _label("map_title", lang, journey=study.journey.name.get(lang), state=_label(f"state_{state}", lang))
    lines = ["journey", f"  title {mermaid_text(title, keep_colon=True)}"]
    points = touchpoints_in(study, state)
    for stage in study.journey.stages:
        mine = [tp for tp in points if tp.stage == stage.id]
        if not mine:
            continue
        lines.append(f"  section {mermaid_text(stage.name.get(lang))}")
        for tp in mine:
            task = f"    {mermaid_text(tp.name.get(lang))}: {score(emotions.get(tp.id))}"
            owner = mermaid_text(tp.owner).replace(",", " ")
            lines.append(f"{task}: {owner}" if owner else task)
    return "\n".join(lines) + "\n"


def _markdown_safe(text: str) -> str:
    """A user's text for a Markdown narrative: HTML escaped, so that a name can never open a tag.

    Examples
    --------
    >>> _markdown_safe("<b>Pay</b> & go")
    '&lt;b&gt;Pay&lt;/b&gt; &amp; go'
    """
    return html.escape(" ".join(str(text).split()), quote=False)


def markdown_block(code: str, language: str = "mermaid") -> str:
    """``code`` as a fenced Markdown code block whose fence is longer than any run of backticks in it.

    Examples
    --------
    >>> print(markdown_block("journey"))
    ```mermaid
    journey
    ```
    """
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip()}\n{fence}"


# ---------------------------------------------------------------------------------------------------------
# The step


@dataclass
class MapReview:
    """Step 9: what the map holds, per stage and lane, and its emotion curve, for each state drawn."""

    cells: pd.DataFrame  # cells(), with a ``state`` column
    emotions: pd.DataFrame  # emotion_points(), with a ``state`` column
    states: list[str]
    warnings: list[str]

    def summary(self, exports: dict[str, Path] | None = None) -> dict:
        """Machine-readable findings: the states drawn, items per lane, the curve, and the exported files."""
        filled = self.cells.groupby(["state", "lane"])["n_items"].sum()
        return {
            "states": self.states,
            "items": {state: {lane: int(filled.get((state, lane), 0)) for lane in TEXT_LANES}
                      for state in self.states},
            "empty_lanes": self.empty_lanes(),
            "curve": self.emotions[["state", "stage", "emotion", "low", "high", "n", "assumed", "source"]]
            .to_dict(orient="records"),
            "exports": {kind: str(path) for kind, path in (exports or {}).items()},
            "warnings": self.warnings,
        }

    def empty_lanes(self) -> list[str]:
        """Text lanes with no item in any stage of the first state (e.g. thoughts not written yet)."""
        first = self.cells[self.cells["state"] == self.states[0]]
        totals = first.groupby("lane")["n_items"].sum()
        return [lane for lane in TEXT_LANES if int(totals.get(lane, 0)) == 0]

    def facts(self, study) -> dict:
        """Values the step's narrative quotes, in the study's language (names HTML-escaped for Markdown)."""
        lang = study.lang
        safe = _markdown_safe
        curve = self.emotions[self.emotions["state"] == self.states[0]].dropna(subset=["emotion"])
        lowest = curve.loc[curve["emotion"].idxmin()] if len(curve) else None
        highest = curve.loc[curve["emotion"].idxmax()] if len(curve) else None
        journey = study.journey
        return {
            "quarter": str(study.quarter),
            "n_stages": len(journey.stages),
            "n_touchpoints": len(journey.touchpoints),
            "n_pain_points": len(journey.pain_points),
            "n_opportunities": len(journey.opportunities),
            "n_kpis": len(journey.kpis),
            "source": _label("source_measured" if (curve["source"] == "measured").any() else "source_assumed",
                             lang),
            "lowest_stage": "-" if lowest is None else safe(lowest["name"]),
            "lowest_emotion": "-" if lowest is None else _signed(lowest["emotion"], lang),
            "lowest_touchpoint": "-" if lowest is None or not lowest["lowest"] else safe(lowest["lowest"]),
            "highest_stage": "-" if highest is None else safe(highest["name"]),
            "highest_emotion": "-" if highest is None else _signed(highest["emotion"], lang),
            "empty_lanes": ", ".join(_label(f"lane_{lane}", lang) for lane in self.empty_lanes()) or "-",
            "n_empty_lanes": len(self.empty_lanes()),
            "states": " / ".join(_label(f"state_{state}", lang) for state in self.states),
            "warnings": "; ".join(self.warnings),
        }

    def table(self, study) -> pd.DataFrame:
        """Items per stage (rows) and lane (columns), for a quick check of what the map holds."""
        first = self.cells[self.cells["state"] == self.states[0]]
        names = study.stage_names()
        wide = first.pivot(index="stage_order", columns="lane", values="n_items")
        wide = wide.reindex(index=range(len(names)), columns=list(TEXT_LANES), fill_value=0).astype("int64")
        wide.index = [names[stage] for stage in study.journey.stage_ids()]
        wide.columns = [_label(f"lane_{lane}", study.lang) for lane in TEXT_LANES]
        wide.index.name = _label("stage", study.lang)
        return wide.reset_index()


def review(study) -> MapReview:
    """Gather the map's content and emotion curve for each state to draw (see :func:`states`)."""
    found = states(study)
    content = pd.concat([cells(study, state).assign(state=state) for state in found], ignore_index=True)
    curves = pd.concat([emotion_points(study, state).assign(state=state) for state in found], ignore_index=True)
    from .measures import read_summary

    missing = {
        "warn_no_stages": not study.journey.stages,
        "warn_no_experience": read_summary(study.workspace, study.quarter, "06_capture_experience") is None,
        "warn_no_alignment": read_summary(study.workspace, study.quarter, "08_align_business") is None,
    }
    warnings = [_label(key, study.lang, quarter=str(study.quarter)) for key, true in missing.items() if true]
    return MapReview(content, curves, found, warnings)
