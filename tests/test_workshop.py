"""Workshop logic without a browser: map changes, locks, the timer, dot voting, undo, persona edits kept."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from multiprocessing import get_context

import pandas as pd
import pytest

from journeykit import board as boards
from journeykit import edits, personas
from journeykit.board import Board, BoardError, Timer
from journeykit.edits import EditError
from journeykit.errors import WorkspaceError
from journeykit.model import Journey, Persona, Text
from journeykit.workspace import Workspace

MAP = """\
name: Tiny shop
stages:
  - {id: discover, name: {en: Discover, fr: Découvrir}}
  - {id: purchase, name: Purchase}
touchpoints:
  - {id: home, name: Home page, stage: discover, channel: web}
  - {id: checkout, name: Checkout, stage: purchase, channel: web}
personas:
  - {id: saver, name: {en: The saver, fr: L'économe}, origin: data, quote: Old quote}
pain_points:
  - {id: slow_checkout, title: Slow checkout, stage: purchase}
  - {id: lost_parcel, title: Lost parcel, stage: purchase}
opportunities:
  - {id: one_click, title: One-click payment, pain_points: [slow_checkout]}
kpis:
  - {id: nps, name: NPS, metric: nps, target: 30}
"""


@pytest.fixture
def ws(make_workspace):
    return make_workspace(MAP)


# --- edits: pure changes ------------------------------------------------------------------------------------

def journey_of(path) -> Journey:
    return Workspace.open(path).journey


def test_text_edit_keeps_the_other_language_when_it_was_translated():
    assert edits.retext(Text(en="Discover", fr="Découvrir"), "Explorer", "fr") == Text(en="Discover", fr="Explorer")
    # a text never translated (same in both) changes in both, so no stale copy survives
    assert edits.retext(Text(en="NPS", fr="NPS"), "Net Promoter Score", "en") == Text(en="Net Promoter Score",
                                                                                     fr="Net Promoter Score")


def test_list_edit_keeps_translations_of_unchanged_lines():
    goals = [Text(en="Save money", fr="Économiser"), Text(en="Go fast", fr="Aller vite")]
    result = edits.relist(goals, ["Save money", "Go faster", "", "Be safe"], "en")
    assert result == [goals[0], Text(en="Go faster", fr="Aller vite"), Text(en="Be safe", fr="Be safe")]


def test_objective_form_saves_every_field_and_the_target_on_the_kpi(ws):
    change = edits.set_objective("en", problem="Too many cancel", scope="From signup to first box",
                                 target_kpi="nps", target=35, horizon="2027q2", map_type="future_state",
                                 owner="Claire (CX)", focus_personas=["saver"])
    saved = boards.apply(ws, "objective", change).journey
    objective = saved.objective
    assert (objective.problem.en, objective.scope.fr, objective.horizon) == ("Too many cancel",
                                                                            "From signup to first box", "2027Q2")
    assert (objective.map_type, objective.owner, objective.focus_personas) == ("future_state", "Claire (CX)",
                                                                               ["saver"])
    assert saved.kpis[0].target == 35
    assert journey_of(ws) == saved  # what the function returned is what is on disk


def test_a_change_that_breaks_the_map_is_refused_with_every_problem_and_nothing_is_written(ws):
    before = (ws / "journey.yaml").read_text()
    with pytest.raises(EditError) as caught:
        boards.apply(ws, "objective", edits.set_objective("en", horizon="next year"))
    assert "'next year' is not a quarter" in caught.value.en and "trimestre" in caught.value.fr
    with pytest.raises(WorkspaceError) as caught:
        boards.apply(ws, "objective", edits.set_objective("en", target_kpi="csat", focus_personas=["nobody"]))
    message = str(caught.value)
    assert "'nobody' is not a known persona" in message and "'csat' is not a known KPI" in message
    assert (ws / "journey.yaml").read_text() == before
    assert boards.apply(ws, "objective", edits.set_objective("en", horizon="2027-q2")).journey.objective.horizon \
        == "2027Q2"


def test_stage_moves_renames_adds_and_refuses_to_remove_a_used_stage(ws):
    boards.apply(ws, "stages", edits.move_stage("purchase", -1))
    assert journey_of(ws).stage_ids() == ["purchase", "discover"]
    boards.apply(ws, "stages", edits.add_stage("Première livraison", "fr", after="purchase"))
    assert journey_of(ws).stage_ids() == ["purchase", "premiere_livraison", "discover"]
    boards.apply(ws, "stages", edits.rename_stage("discover", "Explorer", "fr"))
    assert journey_of(ws).stages[2].name == Text(en="Discover", fr="Explorer")
    with pytest.raises(EditError) as caught:
        boards.apply(ws, "stages", edits.remove_stage("purchase"))
    assert "checkout" in caught.value.en and "slow_checkout" in caught.value.en and "checkout" in caught.value.fr
    boards.apply(ws, "stages", edits.remove_stage("premiere_livraison"))
    assert journey_of(ws).stage_ids() == ["purchase", "discover"]


def test_touchpoints_and_assumed_emotions(ws):
    boards.apply(ws, "touchpoints", edits.set_touchpoint("checkout", "en", owner=" Payments team ", kind="partner",
                                                         channel="app"))
    boards.apply(ws, "touchpoints", edits.add_touchpoint("Delivery SMS", "purchase", "phone", "en"))
    tps = {t.id: t for t in journey_of(ws).touchpoints}
    assert (tps["checkout"].owner, tps["checkout"].kind, tps["checkout"].channel) == ("Payments team", "partner", "app")
    assert tps["delivery_sms"].stage == "purchase"
    boards.apply(ws, "emotions", edits.set_assumed_emotion("checkout", "all", 1))
    boards.apply(ws, "emotions", edits.set_assumed_emotion("checkout", "saver", -2))
    assert {t.id: t for t in journey_of(ws).touchpoints}["checkout"].assumed_emotion == {"all": 1.0, "saver": -2.0}
    boards.apply(ws, "emotions", edits.set_assumed_emotion("checkout", "all", None))
    assert {t.id: t for t in journey_of(ws).touchpoints}["checkout"].assumed_emotion == {"saver": -2.0}
    with pytest.raises(WorkspaceError, match="-2|less than or equal to 2"):
        boards.apply(ws, "emotions", edits.set_assumed_emotion("home", "all", 3))


def test_ids_of_new_items_are_unique_slugs():
    assert edits.slug("Paiement échoué !", ["paiement_echoue"]) == "paiement_echoue_2"
    assert edits.slug("3D Secure") == "x_3d_secure"
    assert edits.slug("???") == "item"


def test_an_item_deleted_meanwhile_is_reported_in_both_languages(ws):
    with pytest.raises(EditError) as caught:
        boards.apply(ws, "kpis", edits.set_kpi("csat", "fr", target=80))
    assert "csat" in caught.value.en and "rechargez" in caught.value.fr


# --- locks -------------------------------------------------------------------------------------------------

def test_a_locked_section_refuses_changes_until_unlocked(ws):
    board = Board(ws)
    board.lock("kpis")
    before = (ws / "journey.yaml").read_text()
    with pytest.raises(BoardError) as caught:
        boards.apply(ws, "kpis", edits.set_kpi("nps", "en", target=40))
    assert "locked" in caught.value.en and "verrouillé" in caught.value.fr
    assert (ws / "journey.yaml").read_text() == before
    boards.apply(ws, "stages", edits.rename_stage("purchase", "Buy", "en"))  # other sections stay open
    board.unlock("kpis")
    assert boards.apply(ws, "kpis", edits.set_kpi("nps", "en", target=40)).journey.kpis[0].target == 40
    with pytest.raises(ValueError, match="section must be one of"):
        board.lock("everything")


# --- timer -------------------------------------------------------------------------------------------------

def test_timer_counts_down_from_its_start():
    start = datetime(2026, 11, 25, 14, 0, tzinfo=timezone.utc)
    timer = Timer("Empathy map", start.isoformat(), 15 * 60)
    assert timer.remaining(start) == 900
    assert timer.remaining(start + timedelta(minutes=14, seconds=30)) == 30
    assert timer.remaining(start + timedelta(minutes=20)) == 0


def test_timer_is_shared_through_the_board(ws):
    from journeykit.facilitator import timer_text

    board = Board(ws).start_timer("Dot voting", 10)
    other_screen = Board(ws).state()  # another kernel reads the same file
    assert other_screen.timer.activity == "Dot voting" and other_screen.timer.seconds == 600
    assert timer_text(other_screen, "fr").startswith("⏱ Dot voting : encore 09:") or \
        timer_text(other_screen, "fr") == "⏱ Dot voting : encore 10:00"
    board.stop_timer()
    assert timer_text(Board(ws).state(), "en") == "No activity timed."
    with pytest.raises(ValueError, match="minutes"):
        board.start_timer("x", 0)


# --- dot voting --------------------------------------------------------------------------------------------

def test_dot_votes_are_counted_limited_per_participant_and_written_into_the_map(ws):
    board = Board(ws).open_ballot("pain_points", votes_each=2, anonymous=True)
    assert board.vote("Alice", "slow_checkout") == 1
    assert board.vote("alice ", "slow_checkout") == 0  # the same person, however typed
    with pytest.raises(BoardError, match="used your 2 votes"):
        board.vote("Alice", "lost_parcel")
    assert board.vote("Bob", "lost_parcel") == 1
    assert board.vote("Alice", "slow_checkout", add=False) == 1  # take one back ...
    assert board.vote("Alice", "lost_parcel") == 0  # ... and move it
    # slow_checkout: Alice 1; lost_parcel: Bob 1 + Alice 1
    assert board.votes().tally() == {"lost_parcel": 2, "slow_checkout": 1}
    assert {p.id: p.votes for p in journey_of(ws).pain_points} == {"slow_checkout": 1, "lost_parcel": 2}


def test_anonymous_votes_store_no_name_and_named_votes_do(ws):
    board = Board(ws).open_ballot("opportunities", votes_each=3, anonymous=True)
    board.vote("Alice Martin", "one_click")
    stored = (ws / "workshop" / "votes.json").read_text()
    assert "Alice" not in stored and "alice" not in stored
    board.open_ballot("opportunities", votes_each=3, anonymous=False)
    board.vote("Alice Martin", "one_click")
    assert "Alice Martin" in (ws / "workshop" / "votes.json").read_text()
    archived = list((ws / "workshop" / "ballots").glob("*-opportunities.json"))
    assert len(archived) == 1 and "Alice" not in archived[0].read_text()  # the first ballot, kept anonymous
    assert journey_of(ws).opportunities[0].votes == 1  # a new ballot starts from zero


def test_voting_needs_an_open_ballot_and_a_name(ws):
    board = Board(ws)
    with pytest.raises(BoardError, match="closed"):
        board.vote("Alice", "one_click")
    board.open_ballot("opportunities", votes_each=1)
    with pytest.raises(BoardError, match="name or your code"):
        board.vote("  ", "one_click")
    board.close_ballot()
    with pytest.raises(BoardError, match="closed"):
        board.vote("Alice", "one_click")
    with pytest.raises(ValueError, match="votes_each"):
        board.open_ballot("opportunities", votes_each=0)
    board.open_ballot("opportunities", votes_each=1)
    with pytest.raises(BoardError, match="no longer on the map"):
        board.vote("Alice", "removed_meanwhile")
    assert board.votes_left("Alice") == 1


def _vote_many(args):
    path, name = args
    board = Board(path)
    for _ in range(3):
        board.vote(name, "one_click")
    return name


def test_votes_from_parallel_screens_are_all_counted(ws):
    Board(ws).open_ballot("opportunities", votes_each=3)
    names = [f"participant {i}" for i in range(6)]
    with get_context("spawn").Pool(3) as pool:
        pool.map(_vote_many, [(str(ws), name) for name in names])
    assert Board(ws).votes().tally() == {"one_click": 18}  # 6 participants x 3 votes
    assert journey_of(ws).opportunities[0].votes == 18


# --- undo --------------------------------------------------------------------------------------------------

def test_undo_restores_an_earlier_version_and_keeps_the_undone_one(ws):
    boards.apply(ws, "kpis", edits.set_kpi("nps", "en", target=40))
    boards.apply(ws, "kpis", edits.set_kpi("nps", "en", owner="Claire"))
    assert journey_of(ws).kpis[0].owner == "Claire"
    restored = boards.undo(ws)
    assert (restored.journey.kpis[0].owner, restored.journey.kpis[0].target) == ("", 40)
    listed = boards.versions(ws)
    assert listed[0][0].startswith("r") and " UTC" in listed[0][0]
    oldest = listed[-1][1]  # the map as it was first written
    assert boards.undo(ws, oldest).journey.kpis[0].target == 30
    assert len(Workspace.open(ws).history()) == 4  # nothing was deleted


def test_undo_without_history_says_so(ws):
    with pytest.raises(BoardError, match="no earlier version"):
        boards.undo(ws)


def test_facilitator_code_is_stored_as_a_hash(ws):
    board = Board(ws)
    code = board.new_facilitator_code()
    assert board.is_facilitator(code) and not board.is_facilitator("guess") and not board.is_facilitator("")
    assert code not in (ws / "workshop" / "board.json").read_text()


# --- personas: workshop edits survive the next clustering ---------------------------------------------------

def test_persona_texts_rewritten_in_a_workshop_survive_a_refresh_from_data(ws):
    boards.apply(ws, "personas", edits.set_persona("saver", "en", quote="I compare every price",
                                                   goals="Pay less\nKnow the total"))
    saved = journey_of(ws).personas[0]
    assert saved.edited == ["goals", "quote"]
    row = {"id": "saver", "previous": "saver", "name_en": "Price watchers", "name_fr": "Attentifs aux prix",
           "description_en": "New description", "description_fr": "Nouvelle description",
           "goals_en": ["From data"], "goals_fr": ["Des données"], "frustrations_en": ["Fees"],
           "frustrations_fr": ["Frais"], "quote_en": "Data quote", "quote_fr": "Citation"}

    class Review:  # the two attributes personas.save reads, with one persona found again in the data
        personas = pd.DataFrame([row | {"share": 0.4, "suppressed": False}])
        warnings: list = []
        quarter = "2026Q3"

    class Study:
        workspace = Workspace.open(ws)
        lang = "en"

    refreshed = _refresh(Study, Review)
    persona = refreshed.personas[0]
    assert persona.quote.en == "I compare every price"
    assert [g.en for g in persona.goals] == ["Pay less", "Know the total"]
    assert persona.description.en == "New description"  # not edited: refreshed from the data
    assert persona.name == Text(en="The saver", fr="L'économe")  # a matched persona keeps its name
    assert persona.edited == ["goals", "quote"]


def _refresh(study, review) -> Journey:
    """Run the journey change of :func:`journeykit.personas.save` without writing the assignment table."""
    captured = {}

    class Capture:
        path = study.workspace.path

        def update(self, change):
            captured["journey"] = change(Workspace.open(self.path).journey)
            return self

    class Stop(Exception):
        pass

    class Assignment:  # writing the per-customer table is not this test's business
        def mutate(self, **_):
            raise Stop

        def order_by(self, *_):
            raise Stop

    study.workspace = Capture()
    review.assignment = Assignment()
    try:
        personas.save(study, review)
    except Stop:
        pass
    return captured["journey"]


def test_new_persona_from_the_workshop(ws):
    boards.apply(ws, "personas", edits.add_persona("Le pressé", "fr"))
    added = journey_of(ws).personas[-1]
    assert (added.id, added.origin, added.name.fr) == ("le_presse", "workshop", "Le pressé")
    with pytest.raises(EditError):
        boards.apply(ws, "personas", edits.add_persona("  ", "fr"))
