"""The workshop editors driven as a browser would: set widget values, click, read the map and the status line."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from journeykit import editor_priorities, editor_touchpoints, editors, facilitator, workshop
from journeykit.board import Board
from journeykit.workspace import Workspace

from test_workshop import MAP


@pytest.fixture
def ws(make_workspace):
    return make_workspace(MAP)


def journey_of(path):
    return Workspace.open(path).journey


def test_objective_form_change_lands_in_the_saved_workspace_with_history(ws):
    editor = editors.objective_editor(ws, "fr")
    editor.controls["problem"].value = "Trop d'abonnés <b>résilient</b> avant la 2e box"
    editor.controls["target_kpi"].value = "nps"
    editor.controls["target"].value = "37,5"
    editor.controls["horizon"].value = "2027Q2"
    editor.controls["focus_personas"].value = ("saver",)
    editor.controls["save"].click()
    saved = journey_of(ws)
    assert saved.objective.problem.fr == "Trop d'abonnés <b>résilient</b> avant la 2e box"
    assert saved.kpis[0].target == 37.5 and saved.objective.focus_personas == ["saver"]
    assert len(Workspace.open(ws).history()) == 1
    assert "Enregistré dans la carte" in editor.status.value
    assert "&lt;b&gt;" not in editor.status.value  # the status never echoes user text as markup


def test_a_number_that_is_not_one_is_refused_in_the_session_language(ws):
    editor = editors.objective_editor(ws, "fr")
    editor.controls["target"].value = "dix"
    before = (ws / "journey.yaml").read_text()
    editor.controls["save"].click()
    assert "Non enregistré" in editor.status.value and "dix" in editor.status.value
    assert (ws / "journey.yaml").read_text() == before


def test_a_locked_section_refuses_the_form(ws):
    Board(ws).lock("objective")
    editor = editors.objective_editor(ws, "en")
    editor.controls["problem"].value = "Changed while locked"
    editor.controls["save"].click()
    assert "locked" in editor.status.value
    assert journey_of(ws).objective.problem.en == ""


def test_persona_cards_edit_and_add(ws):
    editor = editors.persona_editor(ws, "en")
    fields = editor.controls["persona:saver"]
    fields["quote"].value = "Every euro counts"
    fields["frustrations"].value = "Hidden fees\nLate boxes"
    editor.controls["save:saver"].click()
    persona = journey_of(ws).personas[0]
    assert persona.quote.en == "Every euro counts" and [f.en for f in persona.frustrations] == ["Hidden fees",
                                                                                               "Late boxes"]
    assert persona.edited == ["frustrations", "quote"]
    editor.controls["new"].value = "The gift giver"
    editor.controls["add"].click()
    assert [p.id for p in journey_of(ws).personas] == ["saver", "the_gift_giver"]
    assert "persona:the_gift_giver" in editor.controls  # the cards were redrawn


def test_stage_editor_moves_renames_and_explains_a_refused_removal(ws):
    editor = editors.stage_editor(ws, "en")
    down = editor.controls["rows"].children[0].children[2]  # row 1: name, up, down, remove
    down.click()
    assert journey_of(ws).stage_ids() == ["purchase", "discover"]
    editor.controls["names"]["purchase"].value = "Buy"
    editor.controls["save"].click()
    assert journey_of(ws).stages[0].name.en == "Buy"
    remove = editor.controls["rows"].children[0].children[3]
    remove.click()
    assert "still used by checkout" in editor.status.value
    assert journey_of(ws).stage_ids() == ["purchase", "discover"]


def test_touchpoint_grid_form_and_add(ws):
    editor = editor_touchpoints.touchpoint_editor(ws, "en")
    editor.controls["pick"].value = "checkout"
    assert editor.controls["name"].value == "Checkout"  # the form follows the selection
    editor.controls["owner"].value = "Payments"
    editor.controls["channel"].value = "app"
    editor.controls["save"].click()
    checkout = {t.id: t for t in journey_of(ws).touchpoints}["checkout"]
    assert (checkout.owner, checkout.channel) == ("Payments", "app")
    assert "Payments" in editor.controls["grid"].value
    editor.controls["new"].value = "<img src=x onerror=alert(1)>"
    editor.controls["add"].click()
    assert "&lt;img src=x onerror=alert(1)&gt;" in editor.controls["grid"].value
    assert "<img" not in editor.controls["grid"].value


def test_emotion_beliefs_beside_the_measure(ws):
    measured = pd.DataFrame({"touchpoint": ["checkout"], "measured": [-0.8], "low": [-1.1], "high": [-0.5],
                             "n": [240], "suppressed": [False]})
    editor = editor_touchpoints.emotion_editor(ws, "en", measured)
    row = editor.controls["sliders"]["checkout"]
    labels = [box.children[1].value for box in editor.widget.children[2].children]
    assert labels == ["not measured (too few answers)", "measured -0.8 [-1.1, -0.5], 240 answers"]
    row.value = 1
    editor.controls["save"].click()
    assert {t.id: t.assumed_emotion for t in journey_of(ws).touchpoints} == {"home": {}, "checkout": {"all": 1.0}}
    editor.controls["persona"].value = "saver"
    editor.controls["sliders"]["home"].value = -2
    editor.controls["save"].click()
    beliefs = {t.id: t.assumed_emotion for t in journey_of(ws).touchpoints}
    assert beliefs == {"home": {"saver": -2.0}, "checkout": {"all": 1.0}}
    editor.controls["persona"].value = "all"
    editor.controls["sliders"]["checkout"].value = "—"  # back to "not set"
    editor.controls["save"].click()
    assert {t.id: t.assumed_emotion for t in journey_of(ws).touchpoints}["checkout"] == {}


def test_dot_voting_and_matrix_placement_through_the_screen(ws):
    Board(ws).open_ballot("opportunities", votes_each=2, anonymous=True)
    editor = editor_priorities.priorities_editor(ws, "en")
    lines = editor.controls["ballot_lines"]
    assert lines["pain_points"].value == "Voting is not open."
    editor.controls["participant"].value = "Alice"
    assert lines["opportunities"].value == "Dot voting is open: 2 votes each, anonymous. You have 2 votes left."
    editor.controls["opportunities"]["one_click"]["plus"].click()
    editor.controls["opportunities"]["one_click"]["plus"].click()
    editor.controls["opportunities"]["one_click"]["plus"].click()  # a third dot: refused
    assert journey_of(ws).opportunities[0].votes == 2
    assert lines["opportunities"].value.endswith("You have 0 votes left.")
    slots = editor.controls["opportunities"]["one_click"]
    slots["customer_value"].value, slots["business_value"].value, slots["effort"].value = 5, 4, 2
    slots["owner"].value, slots["status"].value = "payments", "planned"
    slots["save"].click()
    item = journey_of(ws).opportunities[0]
    assert (item.customer_value, item.business_value, item.effort, item.owner, item.status) == \
        (5, 4, 2, "payments", "planned")
    assert editor_priorities.matrix_frame(journey_of(ws), "en")[["impact", "priority"]].values.tolist() == [[4.5, 2.25]]
    editor.controls["new_pain"].value = "Box arrives damaged"
    editor.controls["pain_stage"].value = "purchase"
    editor.controls["add_pain"].click()
    assert journey_of(ws).pain_points[-1].id == "box_arrives_damaged"
    assert ("Box arrives damaged", "box_arrives_damaged") in editor.controls["solves"].options


def test_kpi_rows_save_together_and_a_blank_target_clears_it(ws):
    editor = editors.kpi_editor(ws, "en")
    row = editor.controls["rows"]["nps"]
    row["target"].value, row["owner"].value, row["stage"].value = "", "CX lead", "purchase"
    editor.controls["save"].click()
    kpi = journey_of(ws).kpis[0]
    assert (kpi.target, kpi.owner, kpi.stage) == (None, "CX lead", "purchase")
    editor.controls["new"].value = "Boxes on time"
    editor.controls["add"].click()
    assert [k.id for k in journey_of(ws).kpis] == ["nps", "boxes_on_time"]


def test_facilitator_bar_timer_locks_and_undo(ws):
    bar = facilitator.bar(ws, "en", ("kpis",), activity="KPIs", facilitator=True)
    bar.controls["minutes"].value = 20
    bar.controls["start"].click()
    assert Board(ws).state().timer.seconds == 1200
    bar.controls["refresh"]()  # what the kernel's thread does every second
    assert re.search(r"KPIs: (20:00|19:5\d) left", bar.controls["timer"].value)
    bar.controls["lock:kpis"].value = True
    assert Board(ws).locked("kpis")
    editor = editors.kpi_editor(ws, "en")
    editor.controls["rows"]["nps"]["owner"].value = "Somebody"
    editor.controls["save"].click()
    assert "locked" in editor.status.value
    bar.controls["lock:kpis"].value = False
    editor.controls["save"].click()
    assert journey_of(ws).kpis[0].owner == "Somebody"
    bar.controls["undo"].click()
    assert journey_of(ws).kpis[0].owner == ""
    # the map was written at revision 0, the owner saved as 1, the undo saved as 2 (with revision 0's content)
    assert "the map is now at version 2" in bar.status.value
    assert [label.split(" ")[0] for label, _ in bar.controls["versions"].options] == ["r1", "r0"]


def test_participants_need_the_code_for_the_controls(ws, monkeypatch):
    code = Board(ws).new_facilitator_code()
    monkeypatch.setenv("QUERY_STRING", "")  # as in Voilà, without the facilitator's address
    bar = facilitator.bar(ws, "fr", ("kpis",))
    assert "start" not in bar.controls and "code" in bar.controls
    bar.controls["code"].value = "wrong"
    bar.controls["enter"].click()
    assert "pas celui de l'animateur" in html.unescape(bar.status.value)
    bar.controls["code"].value = code
    bar.controls["enter"].click()
    assert "start" in bar.controls
    monkeypatch.setenv("QUERY_STRING", f"facilitator={code}")
    assert facilitator.is_facilitator(ws)


def test_every_step_panel_builds_in_both_languages(ws):
    for step in workshop.SECTIONS:
        for lang in ("en", "fr"):
            built = workshop.editors_for(step, ws, lang)
            assert isinstance(built, list)
    assert len(workshop.editors_for("07_find_pain_points", ws, "en")) == 1
    with pytest.raises(ValueError, match="step"):
        workshop.editors_for("11_celebrate", ws, "en")


def test_two_screens_keep_both_changes_and_refuse_a_clash(ws):
    first, second = editors.objective_editor(ws, "en"), editors.objective_editor(ws, "fr")  # two tabs, one map
    first.controls["problem"].value = "Customers cancel before the second box"
    first.controls["save"].click()
    second.controls["owner"].value = "Claire"  # the second tab still shows the old problem: it must not win
    second.controls["save"].click()
    objective = journey_of(ws).objective
    assert (objective.problem.en, objective.owner) == ("Customers cancel before the second box", "Claire")
    assert second.controls["problem"].value == "Customers cancel before the second box"  # refreshed after saving
    third = editors.objective_editor(ws, "en")
    first.controls["scope"].value = "Signup to first box"
    first.controls["save"].click()
    third.controls["scope"].value = "Whole subscription"
    third.controls["save"].click()
    assert "objective.scope" in third.status.value and "Not saved" in third.status.value
    assert journey_of(ws).objective.scope.en == "Signup to first box"


def test_persona_cards_send_only_what_was_typed(ws):
    one, two = editors.persona_editor(ws, "en"), editors.persona_editor(ws, "en")
    one.controls["persona:saver"]["quote"].value = "Every euro counts"
    one.controls["save:saver"].click()
    two.controls["persona:saver"]["description"].value = "Compares prices"
    two.controls["save:saver"].click()
    persona = journey_of(ws).personas[0]
    assert (persona.quote.en, persona.description.en) == ("Every euro counts", "Compares prices")
    assert persona.edited == ["description", "quote"]


def test_titles_are_edited_on_the_rows(ws):
    editor = editor_priorities.priorities_editor(ws, "fr")
    row = editor.controls["pains"]["slow_checkout"]
    row["title"].value, row["severity"].value = "Paiement trop lent", 4
    row["save"].click()
    pain = journey_of(ws).pain_points[0]
    assert (pain.title.fr, pain.title.en, pain.severity) == ("Paiement trop lent", "Paiement trop lent", 4)
    opportunity = editor.controls["opportunities"]["one_click"]
    opportunity["title"].value = "Paiement en un clic"
    opportunity["save"].click()
    assert journey_of(ws).opportunities[0].title.fr == "Paiement en un clic"
    assert facilitator.locks_text(Board(ws).state(), ("kpis",), "fr") == "Indicateurs : Ouvert aux modifications."
