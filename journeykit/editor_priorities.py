"""Workshop editors of priorities: pain points and opportunities, dot voting, the impact/effort matrix.

Dot votes go through :class:`journeykit.board.Board` (the facilitator opens a ballot with a number of votes
per participant, anonymous or named); the placement of an opportunity (value for customers, value for the
business, effort, 1-5) is saved like any other change and redraws the matrix at once.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from . import charts, edits
from .board import Board
from .edits import EditError
from .editors import WIDE, Editor, _button, _heading, _journey, _options, _text, label, save, say
from .model import Journey
from .opportunities import priority

STATUSES = ("idea", "planned", "in_progress", "done", "dropped")


def matrix_frame(journey: Journey, lang: str) -> pd.DataFrame:
    """The opportunities placed on the matrix (all three scores set), as the matrix chart draws them.

    ``origin`` is ``data`` for an opportunity that removes a pain point found in the data.

    >>> from journeykit.model import Opportunity
    >>> j = Journey(name="D", opportunities=[Opportunity(id="a", title="A", customer_value=5, business_value=3,
    ...                                                  effort=2), Opportunity(id="b", title="B")])
    >>> matrix_frame(j, "en")[["id", "impact", "priority"]].to_dict("records")
    [{'id': 'a', 'impact': 4.0, 'priority': 2.0}]
    """
    found_in_data = {p.id for p in journey.pain_points if p.origin == "data"}
    rows = []
    for item in journey.opportunities:
        if None in (item.customer_value, item.business_value, item.effort):
            continue
        impact, rank = priority(item.customer_value, item.business_value, item.effort)
        rows.append({"id": item.id, "title": item.title.get(lang), "impact": impact, "effort": item.effort,
                     "priority": rank, "origin": "data" if found_in_data & set(item.pain_points) else "workshop"})
    return pd.DataFrame(rows, columns=["id", "title", "impact", "effort", "priority", "origin"])


def ballot_text(board: Board, kind: str, participant: str, lang: str) -> str:
    """What the voting line says: closed, or open with the participant's votes left."""
    ballot = board.state().ballot
    if ballot is None or not ballot.open or ballot.kind != kind:
        return label("voting_closed", lang)
    line = label("voting_on", lang, n=ballot.votes_each,
                 anonymous=label("anonymous_yes" if ballot.anonymous else "anonymous_no", lang))
    try:
        left = board.votes_left(participant)
    except EditError:
        left = None
    return line if left is None else f"{line} {label('votes_left', lang, n=left)}"


def _vote_buttons(board: Board, kind: str, item_id: str, participant: widgets.Text, line: widgets.HTML,
                  status: widgets.HTML, lang: str, redraw) -> list[widgets.Widget]:
    def vote(add: bool) -> None:
        try:
            board.vote(participant.value, item_id, add=add)
        except EditError as error:
            say(status, "error", error.text(lang))
            return
        line.value = html.escape(ballot_text(board, kind, participant.value, lang))
        redraw()

    plus = _button(label("vote_plus", lang), "jk-vote-plus", "success")
    minus = _button(label("vote_minus", lang), "jk-vote-minus")
    plus.on_click(lambda _: vote(True))
    minus.on_click(lambda _: vote(False))
    for button in (plus, minus):
        button.layout.width = "auto"
    return [plus, minus]


def priorities_editor(path: str | Path, lang: str = "en") -> Editor:
    """Pain points (severity, votes) and opportunities (placement, owner, status, votes) with the matrix."""
    path = Path(path)
    board = Board(path)
    editor = Editor(widgets.VBox())
    participant = _text("", label("participant", lang), "jk-participant")
    lines = {kind: widgets.HTML().add_class(f"jk-ballot-{kind}") for kind in ("pain_points", "opportunities")}
    pains, opportunities = widgets.VBox(), widgets.VBox()
    chart = widgets.Output()
    controls: dict = {"pains": {}, "opportunities": {}}

    def pain_row(pain, journey: Journey) -> widgets.Widget:
        stage = next((s.name.get(lang) for s in journey.stages if s.id == pain.stage), pain.stage)
        title = widgets.Text(pain.title.get(lang), layout=widgets.Layout(width="60%")).add_class("jk-pain-title")
        severity = widgets.FloatSlider(value=pain.severity or 0.0, min=0, max=5, step=0.5,
                                       description=label("severity", lang), style={"description_width": "auto"})
        status = widgets.HTML().add_class("jk-status")
        keep = _button(label("save", lang), "jk-pain-save")
        drawn = {"seen": journey, "title": title.value}

        def on_keep(_) -> None:
            typed = title.value if title.value != drawn["title"] else None
            saved = save(path, "pain_points", lambda: edits.set_pain_point(
                pain.id, lang, title=typed, severity=severity.value), status, lang, seen=drawn["seen"])
            if saved is not None:
                drawn.update(seen=saved, title=title.value)

        keep.on_click(on_keep)
        votes = _vote_buttons(board, "pain_points", pain.id, participant, lines["pain_points"], status, lang, draw)
        controls["pains"][pain.id] = {"title": title, "severity": severity, "save": keep, "plus": votes[0],
                                      "minus": votes[1]}
        facts = f"{html.escape(stage)} · {html.escape(label('votes_count', lang, n=pain.votes))}"
        return widgets.VBox([widgets.HBox([title, widgets.HTML(facts)]), widgets.HBox([severity, keep, *votes]),
                             status])

    def opportunity_row(item, journey: Journey) -> widgets.Widget:
        scores = {name: widgets.IntSlider(value=int(round(getattr(item, name) or 3)), min=1, max=5,
                                          description=label(name, lang), style={"description_width": "50%"})
                  for name in ("customer_value", "business_value", "effort")}
        owner = widgets.Text(item.owner, description=label("owner", lang))
        state = widgets.Dropdown(options=[(label(f"status_{s}", lang), s) for s in STATUSES], value=item.status,
                                 description=label("status", lang))
        status = widgets.HTML().add_class("jk-status")
        place = _button(label("place", lang), "jk-opportunity-save", "primary")
        title = widgets.Text(item.title.get(lang), layout=widgets.Layout(width="60%")).add_class(
            "jk-opportunity-title")
        drawn = {"seen": journey, "title": title.value}

        def on_place(_) -> None:
            typed = title.value if title.value != drawn["title"] else None
            saved = save(path, "opportunities", lambda: edits.set_opportunity(
                item.id, lang, title=typed, owner=owner.value, status=state.value,
                **{name: slider.value for name, slider in scores.items()}), status, lang, seen=drawn["seen"])
            if saved is not None:
                drawn.update(seen=saved, title=title.value)  # this row now shows what was saved
                plot(saved)

        place.on_click(on_place)
        votes = _vote_buttons(board, "opportunities", item.id, participant, lines["opportunities"], status, lang,
                              draw)
        controls["opportunities"][item.id] = {**scores, "title": title, "owner": owner, "status": state,
                                              "save": place, "plus": votes[0], "minus": votes[1]}
        facts = html.escape(label("votes_count", lang, n=item.votes))
        return widgets.VBox([widgets.HBox([title, widgets.HTML(facts)]), widgets.HBox(list(scores.values())),
                             widgets.HBox([owner, state, place, *votes]), status],
                            layout=widgets.Layout(border="1px solid #ddd", padding="4px", margin="3px 0"))

    def plot(journey: Journey) -> None:
        frame = matrix_frame(journey, lang)
        chart.clear_output(wait=True)
        if len(frame):
            with chart:
                display(charts.opportunity_matrix_chart(frame, lang))

    def draw(journey: Journey | None = None) -> None:
        journey = journey or _journey(path)
        for kind, line in lines.items():
            line.value = html.escape(ballot_text(board, kind, participant.value, lang))
        pains.children = [pain_row(pain, journey) for pain in sorted(journey.pain_points, key=lambda p: -p.votes)]
        opportunities.children = [opportunity_row(item, journey) for item in
                                  sorted(journey.opportunities, key=lambda o: -o.votes)]
        pain_stage.options = _options(journey.stages, lang)
        solves.options = [(p.title.get(lang), p.id) for p in journey.pain_points]
        plot(journey)

    def act(section: str, build) -> None:
        saved = save(path, section, build, editor.status, lang)
        if saved is not None:
            draw(saved)

    journey = _journey(path)
    new_pain = _text("", label("new_pain_point", lang), "jk-pain-new")
    pain_stage = widgets.Dropdown(options=_options(journey.stages, lang), description=label("stage", lang))
    add_pain = _button(label("add", lang), "jk-pain-add")
    new_opportunity = _text("", label("new_opportunity", lang), "jk-opportunity-new")
    solves = widgets.SelectMultiple(options=[(p.title.get(lang), p.id) for p in journey.pain_points],
                                    description=label("solves", lang), layout=WIDE,
                                    style={"description_width": "34%"})
    add_opportunity = _button(label("add", lang), "jk-opportunity-add")

    add_pain.on_click(lambda _: act("pain_points", lambda: edits.add_pain_point(
        new_pain.value, pain_stage.value, lang)))
    add_opportunity.on_click(lambda _: act("opportunities", lambda: edits.add_opportunity(
        new_opportunity.value, lang, list(solves.value))))
    participant.observe(lambda change: [setattr(line, "value", html.escape(ballot_text(
        board, kind, participant.value, lang))) for kind, line in lines.items()], "value")
    controls.update({"participant": participant, "new_pain": new_pain, "pain_stage": pain_stage,
                     "add_pain": add_pain, "new_opportunity": new_opportunity, "solves": solves,
                     "add_opportunity": add_opportunity, "redraw": draw, "chart": chart, "ballot_lines": lines})
    editor.controls = controls
    draw(journey)
    editor.widget.children = [
        participant,
        _heading(label("pain_points_heading", lang)), lines["pain_points"], pains,
        widgets.HBox([new_pain, pain_stage, add_pain]),
        _heading(label("opportunities_heading", lang)), lines["opportunities"], chart, opportunities,
        new_opportunity, solves, add_opportunity, editor.status]
    return editor
