"""journey.yaml: problems located by line and field, hostile YAML refused, atomic and conflict-safe saves."""

from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from journeykit import workspace as workspace_module
from journeykit.errors import ConflictError, WorkspaceError, WorkspaceNotFoundError
from journeykit.model import Journey, Stage, Text, Touchpoint
from journeykit.workspace import Workspace, parse_journey


def problems_of(text: str) -> list[str]:
    with pytest.raises(WorkspaceError) as caught:
        parse_journey(text)
    return [str(problem) for problem in caught.value.problems]


@contextmanager
def time_limit(seconds: float):
    """Fail instead of hanging: SIGALRM interrupts the block after ``seconds``."""

    def expired(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- problems name the line and the field ---------------------------------------------------------


def test_unknown_key_names_line_and_field():
    assert problems_of("name: Demo\nstages:\n  - id: buy\n    name: Buy\n    colour: red\n") == [
        "journey.yaml, line 5: stages[0].colour: this field is not allowed here (unknown key; check its spelling)"
    ]


def test_unknown_key_inside_a_text():
    assert problems_of("name: Demo\nstages:\n  - id: buy\n    name:\n      en: Buy\n      de: Kaufen\n") == [
        "journey.yaml, line 6: stages[0].name.de: this field is not allowed here (unknown key; check its spelling)"
    ]


def test_bad_id():
    assert problems_of("name: Demo\nstages:\n  - {id: Buy Now, name: Buy}\n") == [
        "journey.yaml, line 3: stages[0].id: 'Buy Now' is not a valid id; use lower-case letters, digits and _, "
        "starting with a letter"
    ]


def test_bad_quarter():
    assert problems_of("name: Demo\nobjective:\n  horizon: 2026Q5\n") == [
        "journey.yaml, line 3: objective.horizon: '2026Q5' is not a quarter; write it like 2026Q3"
    ]


def test_wrong_literal_lists_the_allowed_values():
    [problem] = problems_of("name: Demo\nobjective:\n  map_type: as_is\n")
    assert problem.startswith("journey.yaml, line 3: objective.map_type: 'as_is' is not allowed;")
    assert "'current_state'" in problem and "'service_blueprint'" in problem


def test_missing_name():
    assert problems_of("stages: []\n") == ["journey.yaml, line 1: name: is required"]


def test_every_field_problem_is_listed_in_line_order():
    text = (
        "name: Demo\n"
        "objective: {horizon: 2026-3}\n"  # line 2
        "stages:\n"
        "  - {id: buy, name: Buy}\n"
        "  - {id: 9x, name: X}\n"  # line 5
        "  - {id: ok, name: Y, colour: red}\n"  # line 6
    )
    problems = problems_of(text)
    assert [problem.split(":")[0] for problem in problems] == [
        "journey.yaml, line 2", "journey.yaml, line 5", "journey.yaml, line 6"]
    assert "objective.horizon" in problems[0] and "stages[1].id" in problems[1] and "stages[2].colour" in problems[2]


def test_touchpoint_on_unknown_stage_and_channel():
    text = (
        "name: Demo\n"
        "stages:\n"
        "  - {id: buy, name: Buy}\n"
        "touchpoints:\n"
        "  - id: pay\n"
        "    name: Pay\n"
        "    stage: checkout\n"  # line 7
        "    channel: fax\n"  # line 8
    )
    assert problems_of(text) == [
        "journey.yaml, line 7: touchpoints[0].stage: 'checkout' is not a known stage. Known: buy",
        "journey.yaml, line 8: touchpoints[0].channel: 'fax' is not a known channel. Known: app, chat, email, "
        "field, mail, partner, phone, social, store, web",
    ]


def test_other_references():
    text = (
        "name: Demo\n"
        "objective: {target_kpi: nps}\n"  # line 2: no KPI defined
        "stages:\n"
        "  - {id: buy, name: Buy}\n"
        "pain_points:\n"
        "  - {id: slow, title: Slow, stage: buy, touchpoint: ghost}\n"  # line 6
        "opportunities:\n"
        "  - {id: faster, title: Faster, pain_points: [slow, missing]}\n"  # line 8
    )
    problems = problems_of(text)  # listed in the order of their lines
    assert "journey.yaml, line 2: objective.target_kpi: 'nps' is not a known KPI. Known: none defined yet" in (
        problems[0])
    assert "journey.yaml, line 6: pain_points[0].touchpoint: 'ghost' is not a known touchpoint" in problems[1]
    assert "journey.yaml, line 8: opportunities[0].pain_points[1]: 'missing' is not a known pain point" in problems[2]
    assert len(problems) == 3


def test_duplicate_ids():
    assert problems_of("name: Demo\nstages:\n  - {id: buy, name: Buy}\n  - {id: buy, name: Buy again}\n") == [
        "journey.yaml, line 4: stages[1].id: id 'buy' is used twice in stages; ids must be unique"
    ]


def test_event_mapped_to_two_touchpoints():
    text = (
        "name: Demo\n"
        "stages: [{id: buy, name: Buy}]\n"
        "touchpoints:\n"
        "  - {id: cart, name: Cart, stage: buy, channel: web, events: [add_to_cart]}\n"
        "  - {id: basket, name: Basket, stage: buy, channel: app, events: [add_to_cart]}\n"  # line 5
    )
    assert problems_of(text) == [
        "journey.yaml, line 5: touchpoints[1].events: event 'add_to_cart' is mapped to both 'cart' and 'basket'; "
        "map it once"
    ]


def test_invalid_yaml_gives_line_and_column():
    [problem] = problems_of("name: Demo\n  bad: indent\n")
    # "name: Demo" then an indented key: the ':' at line 2, column 6 is where the parser gives up
    assert problem.startswith("journey.yaml, line 2, column 6: is not valid YAML: mapping values are not allowed")


def test_a_key_written_twice_is_not_silently_dropped():
    # A second 'stages:' block would replace the first one without a word: both stages would be lost but one
    text = "name: Demo\nstages:\n  - {id: buy, name: Buy}\nstages:\n  - {id: use, name: Use}\n"
    [problem] = problems_of(text)
    assert problem.startswith("journey.yaml, line 4")
    assert "stages" in problem


def test_yaml_that_is_not_a_mapping():
    assert problems_of("- a\n- b\n") == ["journey.yaml: must be a YAML mapping with at least a 'name:' key"]


# --- hostile YAML is refused quickly --------------------------------------------------------------


def test_billion_laughs_is_refused_quickly():
    # 9 aliases per level over 9 levels expand to 9**9 = 387,420,489 strings
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    started = time.perf_counter()
    with time_limit(3), pytest.raises(WorkspaceError) as caught:
        parse_journey("name: x\n" + "\n".join(levels) + "\n")
    assert time.perf_counter() - started < 2
    assert "aliases" in str(caught.value)


def test_billion_laughs_through_repeated_keys_is_refused_quickly():
    # The same bomb with mappings whose 9 keys are all 'k': the expanded tree has 9**11 nodes but only
    # a dozen distinct paths, so a limit on distinct paths never triggers; the walk must still stop.
    levels = ["a0: &a0 {k: lol}"]
    levels += [f"a{i}: &a{i} {{" + ", ".join([f"k: *a{i - 1}"] * 9) + "}" for i in range(1, 12)]
    started = time.perf_counter()
    with time_limit(3), pytest.raises(WorkspaceError):
        parse_journey("name: x\n" + "\n".join(levels) + "\n")
    assert time.perf_counter() - started < 2


def test_100_levels_of_nesting_are_refused():
    started = time.perf_counter()
    with pytest.raises(WorkspaceError) as caught:
        parse_journey("name: x\nd: " + "[" * 100 + "]" * 100 + "\n")
    assert time.perf_counter() - started < 2
    assert "nesting deeper than 64 levels" in str(caught.value)


def test_100_levels_of_block_nesting_are_refused():
    text = "name: x\n" + "".join("  " * level + f"k{level}:\n" for level in range(100)) + "  " * 100 + "v\n"
    with pytest.raises(WorkspaceError, match="nesting deeper than 64 levels"):
        parse_journey(text)


def test_very_deep_nesting_is_a_workspace_error_not_a_crash():
    # 2,000 nested lists exhaust Python's recursion in the YAML composer before any depth check runs
    with time_limit(3), pytest.raises(WorkspaceError):
        parse_journey("name: x\nd: " + "[" * 2000 + "]" * 2000 + "\n")


def test_non_utf8_file_names_the_line(tmp_path):
    (tmp_path / "journey.yaml").write_bytes(
        "name: Démo\nstages:\n  - {id: buy, name: Achat}\n".encode("utf-8")
        + "  - {id: pay, name: Payé}\n".encode("cp1252")  # line 4: 'é' is the single byte 0xE9
    )
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(tmp_path)
    [problem] = caught.value.problems
    assert problem.where == f"{tmp_path / 'journey.yaml'}, line 4"
    assert "is not UTF-8 text" in problem.what


def test_open_without_journey_yaml(tmp_path):
    with pytest.raises(WorkspaceNotFoundError, match="No journey.yaml in"):
        Workspace.open(tmp_path)


# --- saving ------------------------------------------------------------------------------------------


def demo_journey() -> Journey:
    return Journey(
        name=Text(en="Demo", fr="Démo"),
        stages=[Stage(id="buy", name=Text(en="Buy", fr="Acheter")), Stage(id="use", name="Use")],
        touchpoints=[Touchpoint(id="pay", name="Pay « vite »", stage="buy", channel="web", events=["no", "42"],
                                assumed_emotion={"all": -1.5})],
    )


def test_round_trip_preserves_content_and_increments_revision(tmp_path):
    created = Workspace.create(tmp_path / "ws", demo_journey())
    assert created.journey.revision == 1
    opened = Workspace.open(tmp_path / "ws")
    assert opened.journey == created.journey
    # 'no' and '42' must come back as strings, not as false and 42
    assert opened.journey.touchpoints[0].events == ["no", "42"]

    renamed = opened.journey.model_copy(update={"name": Text(en="Demo 2", fr="Démo 2")})
    opened.save(renamed)
    reopened = Workspace.open(tmp_path / "ws")
    assert reopened.journey.revision == 2
    assert reopened.journey.name == Text(en="Demo 2", fr="Démo 2")
    assert reopened.journey.model_dump(exclude={"revision", "name"}) == demo_journey().model_dump(
        exclude={"revision", "name"})
    assert "Démo 2" in (tmp_path / "ws" / "journey.yaml").read_text(encoding="utf-8")  # readable, not \xe9


def test_create_refuses_an_existing_workspace(tmp_path):
    Workspace.create(tmp_path, demo_journey())
    with pytest.raises(FileExistsError):
        Workspace.create(tmp_path, demo_journey())


def test_history_keeps_the_previous_version_and_restore_brings_it_back(tmp_path):
    ws = Workspace.create(tmp_path, demo_journey())
    first_text = ws.file.read_text(encoding="utf-8")
    ws.save(ws.journey.model_copy(update={"name": Text(en="Second")}))
    [previous] = ws.history()
    assert previous.read_text(encoding="utf-8") == first_text

    ws.restore(previous)
    # revisions: create 1, save 2, restore 3
    assert ws.journey.revision == 3
    assert ws.journey.name == Text(en="Demo", fr="Démo")
    assert Workspace.open(tmp_path).journey.name == Text(en="Demo", fr="Démo")
    assert len(ws.history()) == 2  # revision 1 and revision 2


def test_crash_during_save_leaves_the_old_file(tmp_path, monkeypatch):
    ws = Workspace.create(tmp_path, demo_journey())
    before = ws.file.read_bytes()

    def crash(source, target):
        raise OSError("simulated crash in the middle of the save")

    monkeypatch.setattr(workspace_module.os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        ws.save(ws.journey.model_copy(update={"name": Text(en="Lost")}))
    monkeypatch.undo()

    assert ws.file.read_bytes() == before
    assert list(tmp_path.glob(".journey.yaml.*")) == []  # no temporary file left behind
    assert ws.journey.revision == 1  # the in-memory copy did not move on either
    assert Workspace.open(tmp_path).journey.name == Text(en="Demo", fr="Démo")


def test_saving_a_stale_copy_is_a_conflict_and_loses_nothing(tmp_path):
    Workspace.create(tmp_path, demo_journey())
    alice, bob = Workspace.open(tmp_path), Workspace.open(tmp_path)
    alice.save(alice.journey.model_copy(update={"name": Text(en="Alice")}))
    saved = (tmp_path / "journey.yaml").read_bytes()

    with pytest.raises(ConflictError, match=r"revision 2\) since this copy was loaded \(revision 1\)"):
        bob.save(bob.journey.model_copy(update={"name": Text(en="Bob")}))
    assert (tmp_path / "journey.yaml").read_bytes() == saved
    assert Workspace.open(tmp_path).journey.name == Text(en="Alice")
    assert isinstance(ConflictError("x"), RuntimeError)


def test_save_refuses_an_invalid_journey_without_touching_the_file(tmp_path):
    ws = Workspace.create(tmp_path, demo_journey())
    before = ws.file.read_bytes()
    orphan = Touchpoint(id="ghost", name="Ghost", stage="nowhere", channel="web")
    broken = ws.journey.model_copy(update={"touchpoints": [*ws.journey.touchpoints, orphan]})
    with pytest.raises(WorkspaceError, match=r"touchpoints\[1\]\.stage: 'nowhere' is not a known stage"):
        ws.save(broken)
    assert ws.file.read_bytes() == before
    assert ws.history() == []
    assert ws.journey.revision == 1


def test_resolve_stays_inside_the_workspace(tmp_path):
    ws = Workspace.create(tmp_path / "ws", demo_journey())
    assert ws.resolve("data/events.csv") == (tmp_path / "ws" / "data" / "events.csv").resolve()
    for outside in ("../secrets.csv", "data/../../secrets.csv", "/etc/passwd"):
        with pytest.raises(WorkspaceError, match="points outside the workspace"):
            ws.resolve(outside)


def test_resolve_refuses_a_link_leading_outside(tmp_path):
    ws = Workspace.create(tmp_path / "ws", demo_journey())
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "ws" / "data")
    with pytest.raises(WorkspaceError, match="points outside the workspace"):
        ws.resolve("data/events.csv")


def test_workspace_folder_path(tmp_path):
    ws = Workspace.create(tmp_path, demo_journey())
    assert Workspace.open(tmp_path / "journey.yaml").path == Path(tmp_path).resolve() == ws.path
