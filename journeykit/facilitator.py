"""The facilitator bar shown above every workshop editor: timer, locks, dot voting and undo.

Everyone sees the countdown of the current activity and whether the step's sections are locked; both are
read again from the board every second by a background thread of the kernel (the pattern of the
ipywidgets documentation's "asynchronous widgets"; an ipywidgets ``Play`` does not start ticking by itself
in Voilà), so no custom JavaScript is needed in Voilà or JupyterLab. The facilitator also sees the controls: start or
stop the timer, lock or unlock the sections, open or close a dot vote, and go back to an earlier version
of the map.

Who is the facilitator: in Voilà (``journeykit workshop``), the page opened with the facilitator link
(``?facilitator=CODE``; the command prints it) or after typing the code in the bar; in JupyterLab or a
plain notebook, whoever runs it (they hold the code anyway).
"""

from __future__ import annotations

import html
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs

import ipywidgets as widgets

from . import board as boards
from .board import BALLOT_KINDS, Board, BoardState
from .edits import EditError
from .editors import Editor, _button, label, say


def clock(seconds: int) -> str:
    """``mm:ss`` (``h:mm:ss`` from one hour).

    >>> clock(754), clock(3725)
    ('12:34', '1:02:05')
    """
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def timer_text(state: BoardState, lang: str, now: datetime | None = None) -> str:
    """What the timer line says (plain text)."""
    timer = state.timer
    if timer is None:
        return label("no_timer", lang)
    left = timer.remaining(now)
    if left == 0:
        return label("timer_done", lang, activity=timer.activity)
    return label("timer_running", lang, activity=timer.activity, time=clock(left))


def locks_text(state: BoardState, sections: tuple[str, ...], lang: str) -> str:
    """One line per section of the step: locked or open."""
    return " · ".join(label("section_state", lang, section=label("section_" + s, lang),
                            state=label("locked_note" if s in state.locks else "open_note", lang))
                      for s in sections)


def query_code(query: str | None = None) -> str | None:
    """The facilitator code of the page's address (Voilà passes it as ``QUERY_STRING``).

    >>> query_code("facilitator=abc&x=1"), query_code("")
    ('abc', None)
    """
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    values = parse_qs(query).get("facilitator")
    return values[0] if values else None


def is_facilitator(path: str | Path) -> bool:
    """True in Voilà with the facilitator's code in the address, and outside Voilà (Lab, plain Jupyter)."""
    if "QUERY_STRING" not in os.environ and "SCRIPT_NAME" not in os.environ:
        return True
    return Board(path).is_facilitator(query_code())


def keep_fresh(refresh: Callable[[], None], widget: widgets.Widget, every: float = 1.0) -> threading.Thread | None:
    """Call ``refresh`` every ``every`` seconds while ``widget`` lives, when running in a kernel."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None  # a plain Python process (tests, scripts): nothing displays the bar

    def loop() -> None:
        while getattr(widget, "comm", None) is not None:  # closed widget: stop
            time.sleep(every)
            try:
                refresh()
            except (OSError, ValueError):  # the board file is being replaced or the workspace went away
                continue

    thread = threading.Thread(target=loop, name="journeykit-board", daemon=True)
    thread.start()
    return thread


def bar(path: str | Path, lang: str, sections: tuple[str, ...], activity: str = "",
        facilitator: bool | None = None) -> Editor:
    """The bar for a step whose editors change ``sections`` (may be empty: timer only)."""
    path = Path(path)
    board = Board(path)
    editor = Editor(widgets.VBox())
    timer_line = widgets.HTML().add_class("jk-timer")
    lock_line = widgets.HTML().add_class("jk-locks")

    def refresh() -> None:
        state = board.state()
        timer_line.value = f"<b>{html.escape(timer_text(state, lang))}</b>"
        lock_line.value = html.escape(locks_text(state, sections, lang)) if sections else ""

    refresh()
    keep_fresh(refresh, timer_line)
    controls_box = widgets.VBox()
    editor.controls.update({"timer": timer_line, "locks": lock_line, "refresh": refresh})

    def reveal() -> None:
        controls = _controls(board, lang, sections, activity, refresh, editor.status)
        controls_box.children = [widgets.VBox(controls.pop("parts"))]
        editor.controls.update(controls)
        folded.selected_index = 0  # the facilitator sees the controls unfolded

    folded = widgets.Accordion([controls_box], titles=(label("facilitator", lang),))
    if facilitator if facilitator is not None else is_facilitator(path):
        reveal()
    else:
        code = widgets.Password(description=label("facilitator_code", lang),
                                style={"description_width": "auto"}).add_class("jk-code")
        enter = _button(label("enter", lang), "jk-code-enter")

        def on_enter(_) -> None:
            if board.is_facilitator(code.value):
                reveal()
            else:
                say(editor.status, "error", label("wrong_code", lang))

        enter.on_click(on_enter)
        controls_box.children = [widgets.HBox([code, enter])]
        editor.controls.update({"code": code, "enter": enter})
    editor.widget.children = [timer_line, lock_line, folded, editor.status]
    return editor


def _controls(board: Board, lang: str, sections: tuple[str, ...], activity: str, refresh,
              status: widgets.HTML) -> dict:
    """The facilitator's controls by name; ``parts`` holds the rows to lay out."""

    def attempt(action, done: str | None = None) -> bool:
        try:
            action()
        except (EditError, ValueError) as error:
            say(status, "error", error.text(lang) if isinstance(error, EditError) else str(error))
            return False
        refresh()
        if done:
            say(status, "ok", done)
        return True

    # timer
    name = widgets.Text(activity, description=label("activity", lang)).add_class("jk-timer-activity")
    minutes = widgets.BoundedIntText(15, min=1, max=240, description=label("minutes", lang)).add_class(
        "jk-timer-minutes")
    start, stop = _button(label("start", lang), "jk-timer-start", "info"), _button(label("stop", lang), "jk-timer-stop")
    start.on_click(lambda _: attempt(lambda: board.start_timer(name.value or activity, minutes.value)))
    stop.on_click(lambda _: attempt(board.stop_timer))
    parts: list[widgets.Widget] = [widgets.HBox([name, minutes, start, stop])]
    controls: dict = {"activity": name, "minutes": minutes, "start": start, "stop": stop}

    # locks
    for section in sections:
        toggle = widgets.ToggleButton(board.locked(section), description=f"{label('lock', lang)}: "
                                      f"{label('section_' + section, lang)}", icon="lock").add_class("jk-lock")
        toggle.observe(lambda change, s=section: attempt(
            lambda: board.lock(s) if change["new"] else board.unlock(s)), "value")
        controls[f"lock:{section}"] = toggle
        parts.append(toggle)

    # dot voting, on the steps that edit pain points or opportunities
    kinds = [k for k in BALLOT_KINDS if k in sections]
    if kinds:
        kind = widgets.Dropdown(options=[(label("section_" + k, lang), k) for k in kinds],
                                description=label("ballot", lang))
        each = widgets.BoundedIntText(3, min=1, max=boards.MAX_VOTES_EACH, description=label("votes_each", lang))
        anonymous = widgets.Checkbox(True, description=label("anonymous", lang))
        results = widgets.HTML().add_class("jk-vote-results")

        def show_results() -> None:
            tally = board.votes().tally()
            results.value = html.escape(label("vote_results", lang, results=", ".join(
                f"{item}: {count}" for item, count in tally.items()) or "—"))

        opened = _button(label("open_vote", lang), "jk-vote-open", "success")
        closed = _button(label("close_vote", lang), "jk-vote-close")
        opened.on_click(lambda _: attempt(lambda: board.open_ballot(kind.value, each.value, anonymous.value)))
        closed.on_click(lambda _: attempt(board.close_ballot) and show_results())
        parts += [widgets.HBox([kind, each, anonymous]), widgets.HBox([opened, closed]), results]
        controls.update({"ballot": kind, "votes_each": each, "anonymous": anonymous, "open_vote": opened,
                         "close_vote": closed, "results": results})

    # earlier versions
    versions = widgets.Dropdown(description=label("versions", lang), style={"description_width": "auto"},
                                layout=widgets.Layout(width="60%")).add_class("jk-versions")

    def list_versions() -> None:
        versions.options = [(text, str(file)) for text, file in boards.versions(board.path)]

    def go_back(version: str | None) -> None:
        workspace = boards.undo(board.path, Path(version) if version else None)
        list_versions()
        say(status, "ok", label("restored", lang, revision=workspace.journey.revision))

    restore = _button(label("restore", lang), "jk-restore", "warning")
    undo = _button(label("undo_last", lang), "jk-undo", "warning")
    restore.on_click(lambda _: attempt(lambda: go_back(versions.value)) if versions.value else None)
    undo.on_click(lambda _: attempt(lambda: go_back(None)))
    list_versions()
    parts += [widgets.HBox([versions, restore]), undo]
    controls.update({"versions": versions, "restore": restore, "undo": undo, "list_versions": list_versions,
                     "parts": parts})
    return controls
