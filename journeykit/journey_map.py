"""Step 9: what the journey map says, per stage and lane, and the step's review for the notebook.

The map has the journey's stages as columns and one lane per row:

- **touchpoints** (name and channel), **actions** and **thoughts**, from the map's touchpoints;
- the **emotion curve**: per stage, the emotion measured in step 6 (survey scores and verbatims on the
  -2..+2 scale), or the emotion the workshop assumed when nothing was measured;
- **pain points** of the stage (most severe first; the cell is tinted by the highest severity), the
  **opportunities** that answer them, the stage's **KPIs** (with the value measured in step 8) and the
  **owner** teams of its touchpoints.

:func:`cells` and :func:`emotion_points` compute the content (small pandas frames, testable by hand),
:func:`states` says which maps there are to draw (current, future or both) and :func:`review` gathers it
all for the notebook. Drawing lives in :mod:`journeykit.map_chart` (the map as an Altair chart, and the
current and future state side by side), exports in :mod:`journeykit.map_export` (PNG and SVG through
vl-convert, and the map as a Mermaid ``journey`` block, for wikis and slide decks).

Examples
--------
>>> import journeykit as jk                                                     # doctest: +SKIP
>>> s = jk.study("build/sample-workspace", "2026Q3", "fr")                      # doctest: +SKIP
>>> review = jk.journey_map.review(s)                                           # doctest: +SKIP
>>> chart = jk.map_chart.map_comparison(s)                                      # doctest: +SKIP
>>> jk.map_export.export(chart, "out", "journey_map", mermaid=jk.map_export.mermaid(s))  # doctest: +SKIP
{'png': PosixPath('out/journey_map.png'), 'svg': ..., 'mermaid': PosixPath('out/journey_map.mmd')}
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import ParameterError
from .narrative import text as _text

STEP = "09_visualize_map"
LANES = ("touchpoints", "actions", "thoughts", "emotion", "pain_points", "opportunities", "kpis", "owners")
TEXT_LANES = tuple(lane for lane in LANES if lane != "emotion")
STATES = ("current", "future")
MAX_QUOTES = 2  # customer quotes written in a thoughts cell when the map has no thoughts for the stage


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


def _signed(value: float, lang: str) -> str:
    """An emotion as the map and the narrative write it: signed, one decimal (``−1.0``, ``+0.5``, ``0.0``)."""
    if pd.isna(value):
        return ""
    text = f"{value:+.1f}".replace("-", "−") if round(value, 1) != 0 else "0.0"
    return text.replace(".", ",") if lang == "fr" else text


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


def _markdown_safe(text: str) -> str:
    """A user's text for a Markdown narrative: HTML escaped, so that a name can never open a tag.

    Examples
    --------
    >>> _markdown_safe("<b>Pay</b> & go")
    '&lt;b&gt;Pay&lt;/b&gt; &amp; go'
    """
    return html.escape(" ".join(str(text).split()), quote=False)


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
