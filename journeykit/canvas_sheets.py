"""The sheets of paper of three canvases: the persona card, the empathy map and the journey canvas.

Each function returns one ``<section class="sheet">`` of :mod:`journeykit.canvases`' page, blank when it
gets no journey (or no persona), else filled from it; the journey canvas draws its emotion lane as an inline
SVG (the assumed curve solid, the measured one dashed). :mod:`journeykit.canvases` describes what each sheet
holds, and puts the sheets in a page.
"""

from __future__ import annotations

import html
import math
import re

from .canvas_pieces import (ICONS, MOST, assumed_emotion, fill, icon, label, markup_list, number_text, paragraph,
                            percent_text, read_template, redacted, share_of, signed_text, sticky_notes, text_list)
from .model import DEFAULT_CHANNELS, Journey

LANES = ("touchpoints", "actions", "thoughts", "emotion", "pain_points", "opportunities", "kpis", "owners")


# --- persona card and empathy map ------------------------------------------------------------------------------

def persona_sheet(context: dict, journey: Journey | None, persona, stats: dict | None = None) -> str:
    """An A4 persona card: blank for no ``persona``, else its texts and ``stats`` (step 3's row for it)."""
    lang = context["lang"]
    stats = stats or {}
    share, customers = share_of(persona, stats), stats.get("customers")
    channels = journey.all_channels() if journey is not None else DEFAULT_CHANNELS
    ticked = set(stats.get("channels") or [])
    checks = "".join(f'<span class="check on"><i>&#10003;</i>{html.escape(c.name.get(lang))}</span>' if c.id in ticked
                     else f'<span class="check"><i></i>{html.escape(c.name.get(lang))}</span>' for c in channels)
    values = {**context, "photo": icon("persona"), "name": "", "quote": "", "customers": "", "share": "",
              "share_bar": "", "profile": "", "goals": "", "frustrations": "",
              "channels": f'<div class="checks">{checks}</div>'}
    if persona is not None:
        values.update({
            "eyebrow": label("origin_" + persona.origin, lang),
            "name": persona.name.get(lang), "quote": redacted(persona.quote, lang),
            "customers": "" if customers is None else number_text(customers, lang),
            "share": "" if share is None else percent_text(share, lang),
            "share_bar": "" if share is None else
            f'<div class="bar"><span style="width:{100 * share:.1f}%"></span></div>',
            "profile": paragraph(redacted(persona.description, lang)),
            "goals": text_list([redacted(goal, lang) for goal in persona.goals], lang),
            "frustrations": text_list([redacted(item, lang) for item in persona.frustrations], lang),
        })
    return fill(read_template("persona_card.html"), values, lang)


def empathy_sheet(context: dict, journey: Journey | None, persona, stats: dict | None = None) -> str:
    """An A3 empathy map: blank for no ``persona``, else its words and the map's thoughts, actions and emotions."""
    lang = context["lang"]
    icons = {f"icon_{name}": icon(name) for name in ICONS}
    values = {**context, **icons, "says": "", "thinks": "", "does": "", "feels": "", "pains": "", "gains": "",
              "persona": '<div class="write"></div>'}
    if persona is not None:
        stages = {stage.id: stage.name.get(lang) for stage in journey.stages}
        says = [(redacted(persona.quote, lang), "", "")] if persona.quote else []
        thinks = [(redacted(text, lang), tp.name.get(lang), "") for tp in journey.touchpoints
                  for text in tp.thoughts]
        does = [(text.get(lang), tp.name.get(lang), "") for tp in journey.touchpoints for text in tp.actions]
        felt = [(assumed_emotion(tp, persona.id), tp) for tp in journey.touchpoints]
        felt = sorted((pair for pair in felt if not math.isnan(pair[0]) and pair[0] != 0), key=lambda pair: -pair[0])
        highs = [(tp.name.get(lang), f"{stages.get(tp.stage, tp.stage)} · {signed_text(v, lang)}", "good")
                 for v, tp in felt if v > 0][:4]
        lows = [(tp.name.get(lang), f"{stages.get(tp.stage, tp.stage)} · {signed_text(v, lang)}", "bad")
                for v, tp in reversed(felt) if v < 0][:4]
        share = share_of(persona, stats or {})
        who = f'<div class="who">{html.escape(persona.name.get(lang))}</div>'
        if share is not None:
            who += f'<div class="share">{html.escape(percent_text(share, lang))}</div>'
        values.update({
            "eyebrow": journey.name.get(lang),
            "meta": html.escape(label("origin_" + persona.origin, lang)),
            "says": sticky_notes(says, lang, tone="wide"), "thinks": sticky_notes(thinks, lang),
            "does": sticky_notes(does, lang),
            "feels": sticky_notes(highs + lows, lang), "persona": who,
            "pains": text_list([redacted(item, lang) for item in persona.frustrations], lang),
            "gains": text_list([redacted(goal, lang) for goal in persona.goals], lang),
        })
    return fill(read_template("empathy_map.html"), values, lang)


# --- journey canvas --------------------------------------------------------------------------------------------

GRID_WIDTH, LABEL_WIDTH, EMOTION_HEIGHT = 397.3, 40.0, 44.0  # mm: the A3 sheet's content, as canvas.css sets it


def journey_sheet(context: dict, journey: Journey | None, stages: int = 6, persona: str | None = None,
                  measured: dict | None = None, quarter: str | None = None) -> str:
    """The A3 journey canvas: ``stages`` empty columns without a journey, else the journey's stages and lanes."""
    lang = context["lang"]
    columns = list(journey.stages) if journey is not None and journey.stages else [None] * stages
    lanes = {lane: [[] for _ in columns] for lane in LANES if lane != "emotion"}
    assumed, observed = [math.nan] * len(columns), [math.nan] * len(columns)
    values = {**context, "title": label("journey_canvas", lang), "density": ""}
    if journey is not None and journey.stages:
        lanes, assumed, observed = _journey_content(journey, lang, persona, measured or {}, quarter)
        persona_name = next((p.name.get(lang) for p in journey.personas if p.id == persona),
                            label("all_personas", lang))
        lines = [f"{label(journey.objective.map_type, lang)} · {label('for_persona', lang, name=persona_name)}"]
        lines += _journey_kpis(journey, lang, measured or {})
        values.update({"title": journey.name.get(lang), "meta": "<br>".join(html.escape(line) for line in lines),
                       "density": " dense" if _crowded(lanes, len(columns)) else ""})
    grid = [f'<div class="jc-corner">{html.escape(label("stage", lang))}</div>']
    for number, stage in enumerate(columns, 1):
        head = f'<span class="num">{html.escape(label("stage_n", lang, n=number))}</span>'
        if stage is None:
            head += '<div class="write"></div>'
        else:
            head += f'<span class="name">{html.escape(stage.name.get(lang))}</span>'
            if stage.description:
                head += f'<span class="desc">{html.escape(stage.description.get(lang))}</span>'
        grid.append(f'<div class="jc-stage">{head}</div>')
    for lane in LANES:
        if lane == "emotion":
            grid.append(_emotion_label(lang, assumed, observed, quarter))
            grid.append(f'<div class="jc-emotion lane-emotion">{_emotion_svg(assumed, observed, lang)}</div>')
            continue
        grid.append(f'<div class="jc-label lane-{lane}"><h2>{html.escape(label(lane, lang))}</h2>'
                    f'<p class="prompt">{html.escape(label(lane + "_prompt", lang))}</p></div>')
        grid += [f'<div class="jc-cell lane-{lane}">{markup_list(items, lang, MOST[lane])}</div>'
                 for items in lanes[lane]]
    values.update({"n_stages": len(columns), "grid": "\n".join(grid)})
    return fill(read_template("journey_canvas.html"), values, lang)


def _journey_content(journey: Journey, lang: str, persona: str | None, measured: dict, quarter: str | None):
    """Per stage: the lanes' items (markup, escaped), the assumed and the measured emotion."""
    from .journey_map import _quotes, _unique, kpi_text

    channels = {channel.id: channel.name.get(lang) for channel in journey.all_channels()}
    hidden_state = "current" if journey.objective.map_type == "future_state" else "future"
    points = [tp for tp in journey.touchpoints if tp.state != hidden_state]
    present = {tp.id for tp in points}
    recorded = sorted({p.quarter for p in journey.pain_points if p.quarter})
    shown_quarter = quarter or (recorded[-1] if recorded else None)
    quotes = _quotes(measured["06_capture_experience"], journey, lang) if quarter else {}
    kpi_values = {row.get("kpi"): row for row in measured["08_align_business"].get("kpis") or []
                  if isinstance(row, dict)}
    stage_measures = {row.get("stage"): row.get("measured") for row in measured["06_capture_experience"].get("stages")
                      or [] if isinstance(row, dict) and not row.get("suppressed")}
    lanes: dict[str, list[list[str]]] = {lane: [] for lane in LANES if lane != "emotion"}
    assumed, observed = [], []
    for stage in journey.stages:
        mine = [tp for tp in points if tp.stage == stage.id]
        pains = [p for p in journey.pain_points if p.stage == stage.id and p.quarter in (None, shown_quarter)
                 and (p.touchpoint is None or p.touchpoint in present)]
        pains.sort(key=lambda p: -(p.severity if p.severity is not None else -1))
        pain_ids = [p.id for p in pains]
        chances = [o for o in journey.opportunities if o.status != "dropped" and set(o.pain_points) & set(pain_ids)]
        chances.sort(key=lambda o: min(pain_ids.index(p) for p in o.pain_points if p in pain_ids))
        thoughts = _unique([redacted(text, lang) for tp in mine for text in tp.thoughts])
        lanes["touchpoints"].append([f'{html.escape(tp.name.get(lang))}<span class="tag">'
                                     f'{html.escape(channels.get(tp.channel, tp.channel))}</span>' for tp in mine])
        lanes["actions"].append([html.escape(t) for t in _unique([a.get(lang) for tp in mine for a in tp.actions])])
        heard = [f'<span class="quote">\u201c{html.escape(redacted(q, lang))}\u201d</span>'
                 for q in quotes.get(stage.id, [])[:2]]
        lanes["thoughts"].append([html.escape(t) for t in thoughts] + heard)
        lanes["pain_points"].append([html.escape(p.title.get(lang)) + (
            f'<span class="sev">{"●" * round(p.severity)}</span>' if p.severity else "") for p in pains])
        lanes["opportunities"].append([html.escape(t) for t in _unique([o.title.get(lang) for o in chances])])
        lanes["kpis"].append([html.escape(kpi_text(k, kpi_values.get(k.id), lang))
                              for k in journey.kpis if k.stage == stage.id])
        lanes["owners"].append([html.escape(owner) for owner in _unique([tp.owner for tp in mine])])
        emotions = [e for e in (assumed_emotion(tp, persona) for tp in mine) if not math.isnan(e)]
        assumed.append(sum(emotions) / len(emotions) if emotions else math.nan)
        value = stage_measures.get(stage.id)
        observed.append(float(value) if isinstance(value, (int, float)) else math.nan)
    return lanes, assumed, observed


def _journey_kpis(journey: Journey, lang: str, measured: dict) -> list[str]:
    """The journey-wide KPIs (no stage) for the header, the objective's target KPI first."""
    from .journey_map import kpi_text

    values = {row.get("kpi"): row for row in measured.get("08_align_business", {}).get("kpis") or []
              if isinstance(row, dict)}
    target = journey.objective.target_kpi
    kpis = sorted((k for k in journey.kpis if k.stage is None or k.id == target), key=lambda k: k.id != target)
    return [kpi_text(k, values.get(k.id), lang) for k in kpis[:2]]


def _crowded(lanes: dict[str, list[list[str]]], n_columns: int) -> bool:
    """Whether the fullest cells would overflow the sheet at the normal text size (then it is set smaller)."""
    chars_per_line = max(8.0, ((GRID_WIDTH - LABEL_WIDTH) / n_columns - 5) / 1.55)
    height = 17 + EMOTION_HEIGHT
    for lane, cells in lanes.items():
        lines = [sum(math.ceil(len(re.sub(r"<[^>]+>", "", item)) / chars_per_line) for item in items[:MOST[lane]])
                 + (len(items) > MOST[lane]) for items in cells]
        height += max(10.0, 4 + 4.2 * max(lines, default=0))
    return height > 232


def _y(value: float) -> float:
    """The height of an emotion (-2..+2) in the emotion lane, in mm from its top."""
    return 5 + (2 - value) * (EMOTION_HEIGHT - 10) / 4


def _emotion_label(lang: str, assumed: list[float], observed: list[float], quarter: str | None) -> str:
    """The emotion lane's heading: its -2..+2 scale, and a legend of the curves drawn."""
    marks = {2: "+2", 1: "+1", 0: "0", -1: "\u22121", -2: "\u22122"}
    scale = "".join(f'<text x="7.5" y="{_y(v) + 1.1:.2f}" text-anchor="end">{mark}</text>' for v, mark in marks.items())
    legend = ""
    for values, colour, dash, text in ((assumed, "var(--assumed)", "", label("assumed", lang)),
                                       (observed, "var(--measured)", ' stroke-dasharray="1.6 1"',
                                        label("measured", lang, quarter=quarter or ""))):
        if any(not math.isnan(v) for v in values):
            legend += (f'<div><svg width="6mm" height="2mm" viewBox="0 0 6 2"><line x1="0" y1="1" x2="6" y2="1" '
                       f'stroke="{colour}" stroke-width=".7"{dash}/></svg> {html.escape(text)}</div>')
    return (f'<div class="jc-label jc-emotion-label lane-emotion"><h2>{html.escape(label("emotion", lang))}</h2>'
            f'<svg class="scale" viewBox="0 0 8 {EMOTION_HEIGHT}" preserveAspectRatio="none" font-size="2.9" '
            f'fill="#5b6673">{scale}</svg>' + (f'<div class="legend">{legend}</div>' if legend else "") + "</div>")


def _emotion_svg(assumed: list[float], observed: list[float], lang: str) -> str:
    """The -2..+2 grid across the stage columns, with the assumed (solid) and measured (dashed) curves."""
    width, height, n = GRID_WIDTH - LABEL_WIDTH, EMOTION_HEIGHT, len(assumed)
    column = width / n
    parts = [f'<rect x="0" y="0" width="{width}" height="{_y(0):.2f}" fill="#f1f8f4"/>',
             f'<rect x="0" y="{_y(0):.2f}" width="{width}" height="{height - _y(0):.2f}" fill="#fcf1f0"/>']
    for v in (2, 1, -1, -2):
        parts.append(f'<line x1="0" x2="{width}" y1="{_y(v):.2f}" y2="{_y(v):.2f}" stroke="#c9d1d9" '
                     'stroke-width=".25" stroke-dasharray="1.2 1"/>')
    parts.append(f'<line x1="0" x2="{width}" y1="{_y(0):.2f}" y2="{_y(0):.2f}" stroke="#8d98a5" stroke-width=".35"/>')
    parts += [f'<line x1="{k * column:.2f}" x2="{k * column:.2f}" y1="0" y2="{height}" stroke="#dde3ea" '
              'stroke-width=".3"/>' for k in range(1, n)]
    for values, colour, dash, below in ((observed, "#1b6ca8", ' stroke-dasharray="2 1.2"', True),
                                        (assumed, "#e08a1e", "", False)):
        points = [((k + .5) * column, _y(v), v) for k, v in enumerate(values) if not math.isnan(v)]
        runs, run = [], []
        for k, v in enumerate(values):  # a stage without a value breaks the curve
            if math.isnan(v):
                runs, run = runs + [run], []
            else:
                run.append(f"{(k + .5) * column:.2f},{_y(v):.2f}")
        runs.append(run)
        parts += [f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width=".7"{dash} '
                  'stroke-linejoin="round"/>' for r in runs if len(r) > 1]
        for x, y, v in points:
            label_y = y + 4.2 if (below and v > -1.5) or v > 1.5 else y - 2.2
            parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="1.3" fill="{colour}" stroke="#fff" stroke-width=".4"/>'
                         f'<text x="{x + 1.8:.2f}" y="{label_y:.2f}" font-size="3" fill="{colour}" '
                         f'font-weight="700">{html.escape(signed_text(v, lang))}</text>')
    return (f'<svg viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
            f'font-family="Helvetica, Arial, sans-serif">{"".join(parts)}</svg>')

