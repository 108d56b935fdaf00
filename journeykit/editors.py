"""Workshop editors: ipywidgets forms bound to the map, one per section.

Every editor reads the map from ``journey.yaml`` when it is drawn and saves each change through
:func:`journeykit.board.apply` (the facilitator's locks, then :meth:`Workspace.update`: atomic, with the
previous version in ``history/``). What a participant types is shown back only in text widgets or
escaped, never as markup. Labels come from ``data/narrative/workshop.yaml`` in English and French.

The logic lives in :mod:`journeykit.edits` (tested without a browser); these functions only lay out
widgets and call it. Every editor returns an :class:`Editor`: the widget to display and, for tests and
for the facilitator bar, its controls by name (``editor.controls["save"].click()`` saves as a click does).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import ipywidgets as widgets

from . import board, edits
from .edits import EditError
from .errors import ConflictError, ProblemsError
from .model import Journey
from .narrative import text
from .workspace import Workspace

WIDE = widgets.Layout(width="98%")


@dataclass
class Editor:
    """A displayed editor: ``widget`` to show, ``controls`` by name, ``status`` the message line."""

    widget: widgets.Widget
    controls: dict[str, widgets.Widget] = field(default_factory=dict)
    status: widgets.HTML = field(default_factory=lambda: widgets.HTML().add_class("jk-status"))

    def _repr_mimebundle_(self, **kwargs):  # a notebook shows the editor when it is a cell's last value
        return self.widget._repr_mimebundle_(**kwargs)


def label(key: str, lang: str, **values) -> str:
    """A workshop label (plain text: widget descriptions are never parsed as markup)."""
    return text("workshop", key, lang, **values)


def say(status: widgets.HTML, kind: str, message: str) -> None:
    """Show ``message`` (escaped) on a status line; ``kind`` is ``ok`` or ``error``."""
    colour = "#1b7837" if kind == "ok" else "#b2182b"
    status.value = f'<span class="jk-{kind}" style="color:{colour}">{html.escape(message)}</span>'


def save(path: Path, section: str, build: Callable[[], edits.Change], status: widgets.HTML,
         lang: str, seen: Journey | None = None) -> Journey | None:
    """Build a change, apply it and report the outcome on ``status``; the saved journey, or ``None``.

    ``build`` reads the form's values and returns the change; it runs inside the error handling, so a
    value that cannot be read (a target typed as "ten") is reported like a refused change. ``seen`` is the
    map the form was drawn from (see :func:`journeykit.board.apply`): what others saved meanwhile is kept,
    and a field both changed is refused with the field named.
    """
    try:
        saved = board.apply(path, section, build(), seen=seen)
    except EditError as error:
        say(status, "error", f"{label('not_saved', lang)} {error.text(lang)}")
        return None
    except ProblemsError as error:  # the model refused the result: say every problem
        say(status, "error", f"{label('not_saved', lang)} " + " ".join(p.what for p in error.problems))
        return None
    except ConflictError as error:
        fields = ", ".join(clash.path for clash in error.conflicts) or str(error)
        say(status, "error", f"{label('not_saved', lang)} {label('conflict', lang, fields=fields)}")
        return None
    say(status, "ok", label("saved", lang, revision=saved.journey.revision))
    return saved.journey


def number(value: str, lang: str) -> float | None:
    """A number typed in a form (``3,5`` or ``3.5``); ``None`` when empty.

    >>> number(" 3,5 ", "fr"), number("", "en")
    (3.5, None)
    """
    cleaned = value.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise EditError(label("not_a_number", "en", value=value), label("not_a_number", "fr", value=value)) from None


def _text(value: str, description: str, css: str, area: bool = False) -> widgets.Widget:
    if area:
        box = widgets.Textarea(value=value, description=description, rows=4, layout=WIDE,
                               style={"description_width": "34%"})
    else:
        box = widgets.Text(value=value, description=description, layout=WIDE, style={"description_width": "34%"})
    return box.add_class(css)


def _button(description: str, css: str, style: str = "") -> widgets.Button:
    return widgets.Button(description=description, button_style=style).add_class(css)


def _heading(title: str) -> widgets.HTML:
    return widgets.HTML(f"<h3>{html.escape(title)}</h3>")


def _options(items, lang: str, none: bool = False) -> list[tuple[str, str]]:
    options = [(item.name.get(lang) or item.id, item.id) for item in items]
    return [(label("none_option", lang), "")] + options if none else options


def _journey(path: Path) -> Journey:
    return Workspace.open(path).journey


# --- objective ----------------------------------------------------------------------------------------------

def objective_editor(path: str | Path, lang: str = "en") -> Editor:
    """The objective form: problem, scope, target KPI and its target, horizon, kind of map, owner, personas."""
    path = Path(path)
    journey = _journey(path)
    style = {"description_width": "34%"}
    controls = {
        "problem": _text("", label("problem", lang), "jk-objective-problem", area=True),
        "scope": _text("", label("scope", lang), "jk-objective-scope", area=True),
        "target_kpi": widgets.Dropdown(description=label("target_kpi", lang), layout=WIDE, style=style
                                       ).add_class("jk-objective-kpi"),
        "target": _text("", label("target_value", lang), "jk-objective-target"),
        "horizon": _text("", label("horizon", lang), "jk-objective-horizon"),
        "map_type": widgets.Dropdown(options=[(label(f"map_{kind}", lang), kind) for kind in
                                              ("current_state", "future_state", "day_in_the_life",
                                               "service_blueprint", "onboarding")],
                                     description=label("map_type", lang), layout=WIDE, style=style),
        "owner": _text("", label("map_owner", lang), "jk-objective-owner"),
        "focus_personas": widgets.SelectMultiple(description=label("focus_personas", lang), layout=WIDE,
                                                 style=style),
        "save": _button(label("save", lang), "jk-objective-save", "primary"),
    }
    editor = Editor(widgets.VBox(), controls)
    state = {"seen": journey}

    def fill(journey: Journey) -> None:
        c, objective = controls, journey.objective
        kpi = next((k for k in journey.kpis if k.id == objective.target_kpi), None)
        c["problem"].value, c["scope"].value = objective.problem.get(lang), objective.scope.get(lang)
        c["target_kpi"].options = _options(journey.kpis, lang, none=True)
        c["target_kpi"].value = objective.target_kpi or ""
        c["target"].value = "" if kpi is None or kpi.target is None else f"{kpi.target:g}"
        c["horizon"].value, c["map_type"].value = objective.horizon or "", objective.map_type
        c["owner"].value = objective.owner
        c["focus_personas"].options = _options(journey.personas, lang)
        c["focus_personas"].value = tuple(objective.focus_personas)
        state["seen"] = journey

    def build() -> edits.Change:
        c = controls
        return edits.set_objective(lang, problem=c["problem"].value, scope=c["scope"].value,
                                   target_kpi=c["target_kpi"].value, horizon=c["horizon"].value,
                                   map_type=c["map_type"].value, owner=c["owner"].value,
                                   focus_personas=list(c["focus_personas"].value),
                                   target=number(c["target"].value, lang))

    def on_save(_) -> None:
        saved = save(path, "objective", build, editor.status, lang, seen=state["seen"])
        if saved is not None:
            fill(saved)  # the form now shows the map as saved, others' changes included

    controls["save"].on_click(on_save)
    fill(journey)
    editor.widget.children = [_heading(label("objective_heading", lang)), *controls.values(), editor.status]
    return editor


# --- personas -----------------------------------------------------------------------------------------------

def persona_editor(path: str | Path, lang: str = "en") -> Editor:
    """One editable card per persona (name, quote, description, goals, frustrations) and a form to add one."""
    path = Path(path)
    editor = Editor(widgets.VBox())
    cards = widgets.VBox()

    def card(persona, journey: Journey) -> widgets.Widget:
        fields = {
            "name": _text(persona.name.get(lang), label("persona_name", lang), "jk-persona-name"),
            "quote": _text(persona.quote.get(lang), label("persona_quote", lang), "jk-persona-quote"),
            "description": _text(persona.description.get(lang), label("persona_description", lang),
                                 "jk-persona-description", area=True),
            "goals": _text("\n".join(g.get(lang) for g in persona.goals), label("persona_goals", lang),
                           "jk-persona-goals", area=True),
            "frustrations": _text("\n".join(f.get(lang) for f in persona.frustrations),
                                  label("persona_frustrations", lang), "jk-persona-frustrations", area=True),
        }
        origin = label("persona_origin_data", lang, share=f"{persona.share:.0%}") \
            if persona.origin == "data" and persona.share is not None else label("persona_origin_workshop", lang)
        button = _button(label("save", lang), "jk-persona-save", "primary")
        status = widgets.HTML().add_class("jk-status")
        drawn = {"values": {key: box.value for key, box in fields.items()}, "seen": journey}

        def on_save(_) -> None:  # only the texts typed on this card are sent: the rest stays as others left it
            typed = {key: box.value for key, box in fields.items() if box.value != drawn["values"][key]}
            saved = save(path, "personas", lambda: edits.set_persona(persona.id, lang, **typed), status, lang,
                         seen=drawn["seen"])
            if saved is not None:
                drawn.update(values={key: box.value for key, box in fields.items()}, seen=saved)

        button.on_click(on_save)
        editor.controls[f"persona:{persona.id}"] = fields
        editor.controls[f"save:{persona.id}"] = button
        return widgets.VBox([widgets.HTML(f"<b>{html.escape(persona.name.get(lang))}</b> · "
                                          f"<i>{html.escape(origin)}</i>"), *fields.values(), button, status],
                            layout=widgets.Layout(border="1px solid #ccc", padding="6px", margin="4px 0"))

    def draw(journey: Journey | None = None) -> None:
        journey = journey or _journey(path)
        cards.children = [card(persona, journey) for persona in journey.personas]

    name = _text("", label("new_persona", lang), "jk-persona-new")
    add = _button(label("add", lang), "jk-persona-add")

    def on_add(_) -> None:
        saved = save(path, "personas", lambda: edits.add_persona(name.value, lang), editor.status, lang)
        if saved is not None:
            name.value = ""
            draw(saved)

    add.on_click(on_add)
    editor.controls.update({"new": name, "add": add, "redraw": draw})
    draw()
    editor.widget.children = [_heading(label("personas_heading", lang)), cards, widgets.HBox([name, add]),
                              editor.status]
    return editor


# --- stages -------------------------------------------------------------------------------------------------

def stage_editor(path: str | Path, lang: str = "en") -> Editor:
    """Stage names in order, with buttons to move, remove and add stages."""
    path = Path(path)
    editor = Editor(widgets.VBox())
    rows = widgets.VBox()
    names: dict[str, widgets.Text] = {}

    state: dict = {}

    def act(change: edits.Change) -> None:
        saved = save(path, "stages", lambda: change, editor.status, lang, seen=state["seen"])
        if saved is not None:
            draw(saved)

    def row(position: int, stage) -> widgets.Widget:
        box = widgets.Text(stage.name.get(lang), description=f"{position + 1}.", style={"description_width": "2em"},
                           layout=widgets.Layout(width="60%")).add_class("jk-stage-name")
        names[stage.id] = box
        up, down = _button("↑", "jk-stage-up"), _button("↓", "jk-stage-down")
        drop = _button(label("remove", lang), "jk-stage-remove", "warning")
        up.tooltip, down.tooltip = label("earlier", lang), label("later", lang)
        up.on_click(lambda _: act(edits.move_stage(stage.id, -1)))
        down.on_click(lambda _: act(edits.move_stage(stage.id, 1)))
        drop.on_click(lambda _: act(edits.remove_stage(stage.id)))
        up.layout.width = down.layout.width = "3em"
        drop.layout.width = "9em"
        return widgets.HBox([box, up, down, drop])

    def draw(journey: Journey | None = None) -> None:
        journey = state["seen"] = journey or _journey(path)
        names.clear()
        rows.children = [row(i, stage) for i, stage in enumerate(journey.stages)]

    def rename_all() -> edits.Change:
        return edits.chain(edits.rename_stage(stage_id, box.value, lang) for stage_id, box in names.items())

    save_names = _button(label("save_names", lang), "jk-stage-save", "primary")
    save_names.on_click(lambda _: act(rename_all()))
    new = _text("", label("new_stage", lang), "jk-stage-new")
    add = _button(label("add", lang), "jk-stage-add")
    add.on_click(lambda _: act(edits.add_stage(new.value, lang)))
    editor.controls.update({"names": names, "save": save_names, "new": new, "add": add, "rows": rows})
    draw()
    editor.widget.children = [_heading(label("stages_heading", lang)), rows, save_names,
                              widgets.HBox([new, add]), editor.status]
    return editor


# --- KPIs ---------------------------------------------------------------------------------------------------

def kpi_editor(path: str | Path, lang: str = "en") -> Editor:
    """One row per KPI (name, target, owner, stage) saved together, and a form to add a KPI."""
    path = Path(path)
    editor = Editor(widgets.VBox())
    rows = widgets.VBox()
    fields: dict[str, dict[str, widgets.Widget]] = {}
    state: dict = {}

    def draw(journey: Journey | None = None) -> None:
        journey = state["seen"] = journey or _journey(path)
        fields.clear()
        stages = _options(journey.stages, lang, none=True)
        lines = []
        for kpi in journey.kpis:
            small = widgets.Layout(width="24%")
            fields[kpi.id] = {
                "name": widgets.Text(kpi.name.get(lang), layout=small).add_class("jk-kpi-name"),
                "target": widgets.Text("" if kpi.target is None else f"{kpi.target:g}", layout=widgets.Layout(
                    width="12%"), placeholder=kpi.unit).add_class("jk-kpi-target"),
                "owner": widgets.Text(kpi.owner, layout=small).add_class("jk-kpi-owner"),
                "stage": widgets.Dropdown(options=stages, value=kpi.stage or "", layout=small),
            }
            lines.append(widgets.HBox(list(fields[kpi.id].values())))
        header = widgets.HBox([widgets.HTML(f"<b>{html.escape(label(key, lang))}</b>",
                                            layout=widgets.Layout(width=width))
                               for key, width in (("kpi", "24%"), ("target", "12%"), ("owner", "24%"),
                                                  ("stage", "24%"))])
        rows.children = [header, *lines]

    def build() -> edits.Change:
        changes = []
        for kpi_id, row in fields.items():
            target = number(row["target"].value, lang)
            changes.append(edits.set_kpi(kpi_id, lang, name=row["name"].value, owner=row["owner"].value,
                                         target=target, clear_target=target is None, stage=row["stage"].value))
        return edits.chain(changes)

    def act(build_change) -> None:
        saved = save(path, "kpis", build_change, editor.status, lang, seen=state["seen"])
        if saved is not None:
            draw(saved)

    save_all = _button(label("save", lang), "jk-kpi-save", "primary")
    save_all.on_click(lambda _: act(build))
    new = _text("", label("new_kpi", lang), "jk-kpi-new")
    add = _button(label("add", lang), "jk-kpi-add")
    add.on_click(lambda _: act(lambda: edits.add_kpi(new.value, lang)))
    editor.controls.update({"rows": fields, "save": save_all, "new": new, "add": add})
    draw()
    editor.widget.children = [_heading(label("kpis_heading", lang)), rows, save_all, widgets.HBox([new, add]),
                              editor.status]
    return editor
