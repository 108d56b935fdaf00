"""Workshop editors of the touchpoints: the stage x channel grid, and the assumed emotion per touchpoint.

See :mod:`journeykit.editors` for how editors save (locks, atomic update with history) and show errors.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from . import edits
from .editors import WIDE, Editor, _button, _heading, _journey, _options, _text, label, save
from .model import Journey

KINDS = ("owned", "partner", "earned", "indirect")
UNSET = "—"
LEVELS = (UNSET, -2, -1, 0, 1, 2)


def grid_html(journey: Journey, lang: str) -> str:
    """The touchpoints as an HTML table, one row per stage and one column per channel in use (escaped).

    >>> from journeykit.model import Journey, Stage, Touchpoint
    >>> j = Journey(name="D", stages=[Stage(id="buy", name="Buy")],
    ...             touchpoints=[Touchpoint(id="pay", name="<b>Pay</b>", stage="buy", channel="web")])
    >>> "&lt;b&gt;Pay&lt;/b&gt;" in grid_html(j, "en")
    True
    """
    channels = [c for c in journey.all_channels() if any(t.channel == c.id for t in journey.touchpoints)]
    cell = "border:1px solid #ccc;padding:3px 6px;vertical-align:top"
    head = "".join(f'<th style="{cell}">{html.escape(c.name.get(lang))}</th>' for c in channels)
    lines = []
    for stage in journey.stages:
        cells = []
        for channel in channels:
            names = [html.escape(t.name.get(lang)) + (f" <small>({html.escape(t.owner)})</small>" if t.owner else "")
                     for t in journey.touchpoints if t.stage == stage.id and t.channel == channel.id]
            cells.append(f'<td style="{cell}">{"<br>".join(names)}</td>')
        lines.append(f'<tr><th style="{cell}">{html.escape(stage.name.get(lang))}</th>{"".join(cells)}</tr>')
    return (f'<table class="jk-touchpoint-grid" style="border-collapse:collapse;font-size:90%">'
            f'<tr><th style="{cell}"></th>{head}</tr>{"".join(lines)}</table>')


def touchpoint_editor(path: str | Path, lang: str = "en") -> Editor:
    """The grid of touchpoints, a form to change one (name, stage, channel, owner, kind) and one to add one."""
    path = Path(path)
    editor = Editor(widgets.VBox())
    grid = widgets.HTML()
    style = {"description_width": "34%"}
    pick = widgets.Dropdown(description=label("touchpoint", lang), layout=WIDE, style=style).add_class(
        "jk-touchpoint-pick")
    form = {
        "name": _text("", label("name", lang), "jk-touchpoint-name"),
        "stage": widgets.Dropdown(description=label("stage", lang), layout=WIDE, style=style),
        "channel": widgets.Dropdown(description=label("channel", lang), layout=WIDE, style=style),
        "owner": _text("", label("owner", lang), "jk-touchpoint-owner"),
        "kind": widgets.Dropdown(options=[(label(f"kind_{k}", lang), k) for k in KINDS],
                                 description=label("kind", lang), layout=WIDE, style=style),
    }
    state: dict = {"journey": None}

    def fill(change=None) -> None:
        touchpoint = next((t for t in state["journey"].touchpoints if t.id == pick.value), None)
        if touchpoint is not None:
            form["name"].value, form["owner"].value = touchpoint.name.get(lang), touchpoint.owner
            form["stage"].value, form["channel"].value = touchpoint.stage, touchpoint.channel
            form["kind"].value = touchpoint.kind

    def draw(journey: Journey | None = None) -> None:
        journey = state["journey"] = journey or _journey(path)
        grid.value = grid_html(journey, lang)
        chosen = pick.value
        form["stage"].options = _options(journey.stages, lang)
        form["channel"].options = _options(journey.all_channels(), lang)
        stage_names = {stage.id: stage.name.get(lang) for stage in journey.stages}
        pick.options = [(f"{t.name.get(lang)} · {stage_names.get(t.stage, t.stage)}", t.id) for t in journey.touchpoints]
        ids = [t.id for t in journey.touchpoints]
        if ids:
            pick.value = chosen if chosen in ids else ids[0]
        fill()

    def act(build) -> None:
        saved = save(path, "touchpoints", build, editor.status, lang, seen=state["journey"])
        if saved is not None:
            draw(saved)

    pick.observe(fill, "value")
    change = _button(label("save", lang), "jk-touchpoint-save", "primary")
    change.on_click(lambda _: act(lambda: edits.set_touchpoint(pick.value, lang, **{
        key: box.value for key, box in form.items()})))
    new = _text("", label("new_touchpoint", lang), "jk-touchpoint-new")
    add = _button(label("add", lang), "jk-touchpoint-add")
    add.on_click(lambda _: act(lambda: edits.add_touchpoint(new.value, form["stage"].value, form["channel"].value,
                                                            lang, owner=form["owner"].value,
                                                            kind=form["kind"].value)))
    editor.controls.update({"pick": pick, **form, "save": change, "new": new, "add": add, "grid": grid})
    draw()
    editor.widget.children = [_heading(label("touchpoints_heading", lang)), grid, pick, *form.values(), change,
                              widgets.HBox([new, add]), editor.status]
    return editor


def measured_text(row: pd.Series | None, lang: str) -> str:
    """The measured emotion of one touchpoint as a workshop reads it.

    >>> measured_text(pd.Series({"measured": 0.42, "low": 0.1, "high": 0.7, "n": 120, "suppressed": False}), "fr")
    'mesuré +0,4 [+0,1 ; +0,7], 120 réponses'
    """
    if row is None or bool(row.get("suppressed", False)) or pd.isna(row.get("measured")):
        return label("not_measured", lang)
    return label("measured", lang, value=float(row["measured"]), low=float(row["low"]), high=float(row["high"]),
                 n=int(row["n"]))


def emotion_editor(path: str | Path, lang: str = "en", measured: pd.DataFrame | None = None,
                   by_persona: pd.DataFrame | None = None) -> Editor:
    """Per touchpoint, the workshop's belief (-2..+2, or not set) for one persona beside the measured emotion.

    ``measured`` is :attr:`journeykit.emotions.ExperienceReview.touchpoints` and ``by_persona`` its
    ``by_persona`` (``None`` when nothing was measured): the belief is set next to the evidence, which is
    the point of the exercise.
    """
    path = Path(path)
    editor = Editor(widgets.VBox())
    journey = _journey(path)
    persona = widgets.Dropdown(options=[(label("all_personas", lang), "all")] + _options(journey.personas, lang),
                               value="all", description=label("persona", lang)).add_class("jk-emotion-persona")
    rows = widgets.VBox()
    sliders: dict[str, widgets.SelectionSlider] = {}
    state: dict = {}

    def evidence(touchpoint_id: str, who: str) -> pd.Series | None:
        frame = measured if who == "all" else by_persona
        if frame is None or frame.empty:
            return None
        hit = frame[frame["touchpoint"] == touchpoint_id]
        if who != "all" and "persona" in hit:
            hit = hit[hit["persona"].astype(str) == who]
        return hit.iloc[0] if len(hit) else None

    def draw(journey: Journey | None = None, change=None) -> None:
        journey = state["seen"] = journey or _journey(path)
        who = persona.value
        sliders.clear()
        lines = []
        for touchpoint in journey.touchpoints:
            if touchpoint.state == "future":
                continue
            belief = touchpoint.assumed_emotion.get(who)
            slider = widgets.SelectionSlider(options=LEVELS, value=UNSET if belief is None else int(round(belief)),
                                             description=touchpoint.name.get(lang), style={"description_width": "40%"},
                                             layout=widgets.Layout(width="55%")).add_class("jk-emotion")
            sliders[touchpoint.id] = slider
            lines.append(widgets.HBox([slider, widgets.Label(measured_text(evidence(touchpoint.id, who), lang))]))
        rows.children = lines

    def build() -> edits.Change:
        who = persona.value
        return edits.chain(edits.set_assumed_emotion(tp, who, None if s.value == UNSET else float(s.value))
                           for tp, s in sliders.items())

    def on_save(_) -> None:
        saved = save(path, "emotions", build, editor.status, lang, seen=state["seen"])
        if saved is not None:
            draw(saved)

    persona.observe(lambda change: draw(), "value")
    button = _button(label("save_beliefs", lang), "jk-emotion-save", "primary")
    button.on_click(on_save)
    editor.controls.update({"persona": persona, "sliders": sliders, "save": button})
    draw(journey)
    editor.widget.children = [_heading(label("emotions_heading", lang)), persona, rows, button, editor.status]
    return editor
