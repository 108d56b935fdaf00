"""Concurrent editing: stale copies are merged field by field or refused by name; parallel processes lose nothing."""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from pathlib import Path

import pytest

from journeykit import workspace as workspace_module
from journeykit.errors import ConflictError, WorkspaceError
from journeykit.model import Journey, Objective, Persona, Stage, Text, Touchpoint
from journeykit.workspace import Workspace, parse_journey


def shop() -> Journey:
    return Journey(
        name=Text(en="Shop", fr="Boutique"),
        personas=[Persona(id="p1", name="Ann"), Persona(id="p2", name="Bo")],
        stages=[Stage(id="buy", name="Buy"), Stage(id="use", name="Use")],
        touchpoints=[Touchpoint(id="pay", name="Pay", stage="buy", channel="web"),
                     Touchpoint(id="app", name="App", stage="use", channel="app")],
    )


def renamed(journey: Journey, persona: str, name: str) -> Journey:
    people = [p.model_copy(update={"name": Text(en=name, fr=name)}) if p.id == persona else p
              for p in journey.personas]
    return journey.model_copy(update={"personas": people})


def with_problem(journey: Journey, text: str) -> Journey:
    return journey.model_copy(update={"objective": journey.objective.model_copy(update={"problem": Text(en=text)})})


# --- the merge, by hand -------------------------------------------------------------------------------


def test_changes_to_different_fields_are_merged(tmp_path):
    Workspace.create(tmp_path, shop())
    alice, bob = Workspace.open(tmp_path), Workspace.open(tmp_path)
    alice.save(renamed(alice.journey, "p1", "Annie"))  # revision 2
    bob.save(with_problem(bob.journey, "Too many calls"))  # stale (loaded at 1): merged into revision 3
    assert bob.journey.revision == 3 and bob.merged == ["personas[id=p1].name"]
    final = Workspace.open(tmp_path).journey
    assert final.personas[0].name.en == "Annie" and final.objective.problem.en == "Too many calls"
    assert [int(p.stem.rsplit("-r", 1)[1]) for p in bob.history()] == [1, 2]


def test_the_same_field_changed_twice_is_refused_and_named(tmp_path):
    Workspace.create(tmp_path, shop())
    alice, bob = Workspace.open(tmp_path), Workspace.open(tmp_path)
    alice.save(with_problem(renamed(alice.journey, "p1", "Annie"), "Slow delivery"))
    on_disk = (tmp_path / "journey.yaml").read_bytes()
    with pytest.raises(ConflictError) as caught:
        bob.save(with_problem(renamed(bob.journey, "p1", "Anna"), "Slow delivery"))  # same problem text: no clash
    message = str(caught.value)
    assert "saved by someone else (revision 2) since this copy was loaded (revision 1)" in message
    assert [clash.path for clash in caught.value.conflicts] == ["personas[id=p1].name"]
    assert ('personas[id=p1].name: theirs (revision 2) {"en": "Annie", "fr": "Annie"}, '
            'yours {"en": "Anna", "fr": "Anna"} (it was {"en": "Ann", "fr": "Ann"})') in message
    assert "Workspace.open" in message and "Workspace.update" in message and "Workspace.restore" in message
    assert (tmp_path / "journey.yaml").read_bytes() == on_disk  # nothing written
    assert bob.journey.revision == 1
    bob = Workspace.open(tmp_path)  # the resolution the message gives
    bob.save(renamed(bob.journey, "p1", "Anna"))
    assert Workspace.open(tmp_path).journey.personas[0].name.en == "Anna"


def test_list_items_are_matched_by_id_and_keep_their_order(tmp_path):
    Workspace.create(tmp_path, shop())
    alice, bob = Workspace.open(tmp_path), Workspace.open(tmp_path)
    chat = Touchpoint(id="chat", name="Chat", stage="use", channel="chat")
    call = Touchpoint(id="call", name="Call", stage="buy", channel="phone")
    # alice moves 'app' first and adds 'chat' after it; bob (stale) edits 'pay' and appends 'call'
    alice.save(alice.journey.model_copy(update={"touchpoints": [alice.journey.touchpoints[1], chat,
                                                                alice.journey.touchpoints[0]]}))
    pay = bob.journey.touchpoints[0].model_copy(update={"owner": "payments team"})
    bob.save(bob.journey.model_copy(update={"touchpoints": [pay, bob.journey.touchpoints[1], call]}))
    final = Workspace.open(tmp_path).journey
    # theirs ordered app, chat, pay; ours kept the base order, so theirs is followed and 'call' goes after
    # 'app', its predecessor on our side, and after 'chat' that they inserted at the same place
    assert [t.id for t in final.touchpoints] == ["app", "chat", "call", "pay"]
    assert final.touchpoints[3].owner == "payments team"
    assert sorted(bob.merged) == ["touchpoints (order)", "touchpoints[id=chat]"]


def test_an_item_removed_by_one_and_edited_by_the_other_is_a_conflict(tmp_path):
    Workspace.create(tmp_path, shop())
    alice, bob = Workspace.open(tmp_path), Workspace.open(tmp_path)
    alice.save(alice.journey.model_copy(update={"personas": alice.journey.personas[:1]}))  # removes p2
    with pytest.raises(ConflictError) as caught:
        bob.save(renamed(bob.journey, "p2", "Bob"))
    assert "personas[id=p2]: theirs (revision 2) (removed), yours {" in str(caught.value)


def test_a_merge_that_breaks_a_reference_is_refused(tmp_path):
    Workspace.create(tmp_path, shop())
    alice, bob = Workspace.open(tmp_path), Workspace.open(tmp_path)
    # alice removes the stage 'use' and its touchpoint; bob adds a touchpoint on 'use'
    alice.save(alice.journey.model_copy(update={"stages": alice.journey.stages[:1],
                                                "touchpoints": alice.journey.touchpoints[:1]}))
    extra = Touchpoint(id="faq", name="FAQ", stage="use", channel="web")
    with pytest.raises(ConflictError, match=r"together make an invalid map:\n.*'use' is not a known stage"):
        bob.save(bob.journey.model_copy(update={"touchpoints": [*bob.journey.touchpoints, extra]}))
    assert Workspace.open(tmp_path).journey.revision == 2


def test_a_hand_edit_at_the_same_revision_is_not_overwritten(tmp_path):
    ws = Workspace.create(tmp_path, shop())
    text = ws.file.read_text(encoding="utf-8").replace("en: Shop", "en: Shop by hand")
    ws.file.write_text(text, encoding="utf-8")  # an editor, revision unchanged
    ws.save(with_problem(ws.journey, "Returns"))
    final = Workspace.open(tmp_path).journey
    assert final.name.en == "Shop by hand" and final.objective.problem.en == "Returns"
    assert ws.merged == ["name"]


def test_restore_works_from_a_stale_copy(tmp_path):
    Workspace.create(tmp_path, shop())
    alice, bob = Workspace.open(tmp_path), Workspace.open(tmp_path)
    alice.save(renamed(alice.journey, "p1", "Annie"))
    bob.restore(bob.history()[0])  # revision 1 comes back as revision 3; revision 2 stays in history
    assert Workspace.open(tmp_path).journey.personas[0].name.en == "Ann"
    assert bob.journey.revision == 3 and len(bob.history()) == 2


def test_a_form_saved_through_update_with_what_it_showed_loses_nothing(tmp_path):
    Workspace.create(tmp_path, shop())
    form, other = Workspace.open(tmp_path), Workspace.open(tmp_path)
    shown = form.journey  # what alice's persona card shows: p1 'Ann', no description
    other.update(lambda j: j.model_copy(update={"personas": [
        j.personas[0].model_copy(update={"description": Text(en="Pays by phone")}), j.personas[1]]}))

    def card(journey: Journey) -> Journey:  # the card writes back every field it shows
        edited = journey.personas[0].model_copy(update={"name": Text(en="Annie", fr="Annie"),
                                                        "description": shown.personas[0].description})
        return journey.model_copy(update={"personas": [edited, journey.personas[1]]})

    form.update(card, seen=shown)
    final = Workspace.open(tmp_path).journey.personas[0]
    assert final.name.en == "Annie" and final.description.en == "Pays by phone"  # bob's newer value kept
    assert form.merged == ["personas[id=p1].description"] and form.journey.revision == 3

    shown = form.journey
    other.update(lambda j: renamed(j, "p1", "Anne"))  # the same field, changed since alice's card showed it
    with pytest.raises(ConflictError, match=r"since the version this change was made on \(revision 3\)"):
        form.update(lambda j: renamed(j, "p1", "Ann-Marie"), seen=shown)
    assert Workspace.open(tmp_path).journey.personas[0].name.en == "Anne"
    form.update(lambda j: renamed(j, "p1", "Ann-Marie"))  # without 'seen': the last save wins, as before
    assert Workspace.open(tmp_path).journey.personas[0].name.en == "Ann-Marie"


# --- parallel processes -------------------------------------------------------------------------------

PROCESSES, SAVES, SHARED_EVERY = 8, 25, 5


def _value(k: int, j: int) -> str:
    return f"k{k} j{j}"


MODES = ("stale", "update", "form")  # save() of a copy; update(change); update(change, seen=what it showed)


def _worker(folder: str, k: int, mode: str, out: str) -> None:
    """Process ``k`` saves ``SAVES`` times its own persona's description (and, every 5th save, the shared
    objective) in one of :data:`MODES`; records what each save returned and each refusal."""
    rng = random.Random(k)
    records, refusals = [], []

    def change(journey: Journey, j: int) -> Journey:
        people = [p.model_copy(update={"description": Text(en=_value(k, j))}) if p.id == f"p{k}" else p
                  for p in journey.personas]
        journey = journey.model_copy(update={"personas": people})
        return with_problem(journey, _value(k, j)) if j % SHARED_EVERY == SHARED_EVERY - 1 else journey

    ws = Workspace.open(folder)
    for j in range(SAVES):
        time.sleep(rng.uniform(0, 0.004))  # let the others move the file on
        if mode == "update":
            ws.update(lambda journey: change(journey, j))
            records.append({"k": k, "j": j, "revision": ws.journey.revision, "merged": False})
            continue
        while True:
            loaded = ws.journey.revision
            try:
                if mode == "form":
                    ws.update(lambda journey: change(journey, j), seen=ws.journey)
                else:
                    ws.save(change(ws.journey, j))
            except ConflictError as error:
                refusals.append({"k": k, "j": j, "fields": [clash.path for clash in error.conflicts],
                                 "named": _value(k, j) in str(error)})
                ws = Workspace.open(folder)  # what the message says: reload, apply again
                continue
            records.append({"k": k, "j": j, "revision": ws.journey.revision,
                            "merged": ws.journey.revision != loaded + 1})
            break
    Path(out).write_text(json.dumps({"saves": records, "refusals": refusals}), encoding="utf-8")


def test_parallel_saves_lose_no_update(tmp_path, monkeypatch):
    monkeypatch.setattr(workspace_module, "HISTORY_LIMIT", 10_000)  # keep every revision to check them all
    folder = tmp_path / "ws"
    people = [Persona(id=f"p{k}", name=f"Persona {k}") for k in range(PROCESSES)]
    Workspace.create(folder, shop().model_copy(update={"personas": people, "objective": Objective()}))
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_worker, args=(str(folder), k, MODES[k % 3], str(tmp_path / f"out{k}.json")))
               for k in range(PROCESSES)]
    for worker in workers:
        worker.start()
    reads = unreadable = 0
    while any(worker.is_alive() for worker in workers):  # a reader never sees half a file
        try:
            parse_journey((folder / "journey.yaml").read_text(encoding="utf-8"))
        except WorkspaceError:
            unreadable += 1
        reads += 1
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    results = [json.loads((tmp_path / f"out{k}.json").read_text(encoding="utf-8")) for k in range(PROCESSES)]
    saves = [record for result in results for record in result["saves"]]
    refusals = [refusal for result in results for refusal in result["refusals"]]

    # every revision, from history/ and journey.yaml: 1 (create) then one per acknowledged save, no gap
    versions = {}
    for path in [*(folder / "history").glob("journey-*.yaml"), folder / "journey.yaml"]:
        journey = parse_journey(path.read_text(encoding="utf-8"))
        assert journey.revision not in versions, f"revision {journey.revision} archived twice"
        versions[journey.revision] = journey
    assert sorted(versions) == list(range(1, len(saves) + 2))
    by_revision = {record["revision"]: record for record in saves}
    assert len(by_revision) == len(saves)  # no two saves claim the same revision

    lost = []
    for record in saves:  # each acknowledged change is in the revision it created
        journey, k, j = versions[record["revision"]], record["k"], record["j"]
        if journey.personas[k].description.en != _value(k, j):
            lost.append(("missing", record))
        if j % SHARED_EVERY == SHARED_EVERY - 1 and journey.objective.problem.en != _value(k, j):
            lost.append(("missing shared", record))
    for revision in range(2, len(saves) + 2):  # and every field that changed was changed by that save
        before, after, maker = versions[revision - 1], versions[revision], by_revision[revision]
        for k in range(PROCESSES):
            if before.personas[k].description != after.personas[k].description and k != maker["k"]:
                lost.append(("overwritten", revision, k))
        if before.objective.problem != after.objective.problem and after.objective.problem.en != _value(
                maker["k"], maker["j"]):
            lost.append(("overwritten shared", revision))
    final = versions[len(saves) + 1]
    for k in range(PROCESSES):
        if final.personas[k].description.en != _value(k, SAVES - 1):
            lost.append(("final", k))

    merges = sum(record["merged"] for record in saves)
    by_mode = {mode: sum(MODES[r["k"] % 3] == mode for r in saves) for mode in MODES}
    print(f"\nparallel saves: {PROCESSES} processes x {SAVES} = {len(saves)} acknowledged saves "
          f"({by_mode['update']} update(), {by_mode['form']} update(seen=...), {by_mode['stale']} save() of a "
          f"possibly stale copy), {merges} merged with others' changes, {len(refusals)} refused with a "
          f"ConflictError then reloaded and re-applied, {len(versions)} revisions checked, {reads} concurrent "
          f"reads ({unreadable} unreadable), lost updates: {len(lost)}")
    assert len(saves) == PROCESSES * SAVES
    assert lost == [] and unreadable == 0
    assert merges > 0  # the stale copies really were stale
    for refusal in refusals:  # refused only on the shared field, and told which value was refused
        assert refusal["fields"] == ["objective.problem"] and refusal["named"]
    assert list(folder.glob(".journey.yaml.*")) == [] and list((folder / "history").glob(".*")) == []
