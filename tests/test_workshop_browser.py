"""Workshop mode in a real browser: ``journeykit workshop`` serves step 1 with Voilà, headless Chromium fills
and saves the objective form, and the map on disk changes with its previous version kept in ``history/``.

The same screen carries hostile text typed earlier by a participant (``<script>``, ``<img onerror>``): it
must show as text, with no dialog and no injected element. Name resolution is blocked, so the page also
proves that the workshop screens need no internet. Skipped, with the reason, where no Chromium is installed
(``.ci/run`` installs Debian's ``chromium``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journeykit import edits
from journeykit.board import apply
from journeykit.workspace import Workspace

from test_browser import ARGS, CHROMIUM

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytest.importorskip("voila", reason="Voilà is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (install Debian's 'chromium')")

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
SCRIPT = "<script>alert('problem')</script>"
IMAGE = "<img src=x onerror=alert('kpi')>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("workshop") / "verdure"
    shutil.copytree(SAMPLE, workspace, ignore=shutil.ignore_patterns("truth"))
    apply(workspace, "objective", edits.set_objective("en", problem=f"Cancel rate {SCRIPT}"))
    kpi = Workspace.open(workspace).journey.kpis[0].id
    apply(workspace, "kpis", edits.set_kpi(kpi, "en", name=f"NPS {IMAGE}"))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "journeykit", "workshop", str(workspace), "--quarter", "2026Q3", "--step", "1",
         "--port", str(port), "--bind", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(line.startswith("  facilitator:") for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
        urls = {key: value for key, value in (re.match(r"\s+(\w+):\s+(\S+)", line).groups() for line in lines
                                              if re.match(r"\s+(participants|facilitator):", line))}
        assert set(urls) == {"participants", "facilitator"}, "".join(lines)
        _wait_for_port(port, process)
        yield {"workspace": workspace, **urls}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the workshop server stopped: exit {process.returncode}"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise AssertionError(f"nothing listens on port {port} after 60 s")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        args = [a if not a.startswith("--host-resolver-rules") else a + ", EXCLUDE 127.0.0.1" for a in ARGS]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        yield browser
        browser.close()


# Voilà's page template links Font Awesome from a CDN although its own bundle carries the same fonts: offline
# those two stylesheets fail (name resolution is blocked here) and nothing on the page depends on them.
VOILA_CDN = "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free"


def open_page(browser, url: str, ready: str = ".jk-objective-problem textarea"):
    page = browser.new_page()
    events = {"dialogs": [], "outside": []}
    page.on("dialog", lambda dialog: (events["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("request", lambda r: events["outside"].append(r.url) if not r.url.startswith(
        ("http://127.0.0.1", "data:", "blob:", "ws://127.0.0.1", "about:", VOILA_CDN)) else None)
    page.goto(url, timeout=180_000)
    page.wait_for_selector(ready, timeout=240_000)  # Voilà ran the notebook and drew the widgets
    return page, events


def test_objective_form_saved_from_the_browser(browser, served):
    workspace = served["workspace"]
    before = (workspace / "journey.yaml").read_text(encoding="utf-8")
    history = len(Workspace.open(workspace).history())
    page, events = open_page(browser, served["participants"])
    page.fill(".jk-objective-problem textarea", "Too many subscribers cancel before their second box")
    page.fill(".jk-objective-horizon input", "2027Q2")
    page.click("button.jk-objective-save")
    page.wait_for_function("document.querySelector('.jk-objective-save ~ .jk-status, .jk-status .jk-ok') !== null"
                           " && document.body.innerText.includes('Saved in the map')", timeout=30_000)
    journey = Workspace.open(workspace)
    assert journey.journey.objective.problem.en == "Too many subscribers cancel before their second box"
    assert journey.journey.objective.horizon == "2027Q2"
    assert (workspace / "journey.yaml").read_text(encoding="utf-8") != before
    assert len(journey.history()) == history + 1
    assert journey.history()[-1].read_text(encoding="utf-8") == before  # the previous version, whole
    assert "<div class=\"jp-InputArea" not in page.content() and "import journeykit" not in page.inner_text("body")
    assert events["dialogs"] == [] and events["outside"] == []
    page.close()


def test_hostile_text_shows_as_text_and_runs_nothing(browser, served):
    page, events = open_page(browser, served["participants"])
    page.wait_for_timeout(1500)  # give an injected handler the time to fire
    assert events["dialogs"] == []
    assert page.eval_on_selector_all("img[src='x']", "nodes => nodes.length") == 0
    assert page.evaluate("Array.from(document.scripts).filter(s => s.textContent.includes(\"alert('problem')\"))"
                         ".length") == 0
    options = page.eval_on_selector_all(".jk-objective-kpi option",
                                        "nodes => nodes.map(n => n.textContent.replaceAll('\\u00a0', ' '))")
    assert any(IMAGE in option for option in options), options  # the KPI name, shown literally
    page.close()


def test_facilitator_starts_the_timer_and_every_screen_counts_down(browser, served):
    page, _ = open_page(browser, served["facilitator"])
    page.click(".jk-timer-start")
    page.wait_for_function("document.querySelector('.jk-timer').innerText.includes('left')", timeout=20_000)
    participant, _ = open_page(browser, served["participants"])
    assert participant.locator("button.jk-timer-start").count() == 0  # no controls without the code
    first = participant.inner_text(".jk-timer")
    participant.wait_for_function(f"document.querySelector('.jk-timer').innerText !== {first!r}", timeout=20_000)
    assert re.search(r"\d\d:\d\d left", participant.inner_text(".jk-timer"))
    page.close()
    participant.close()


def test_step_7_votes_and_draws_the_matrix_offline(browser, served):
    from journeykit.board import Board

    Board(served["workspace"]).open_ballot("opportunities", votes_each=2, anonymous=True)
    url = served["participants"].replace("01_define_objective", "07_find_pain_points")
    page, events = open_page(browser, url, ready=".jk-participant input")
    page.fill(".jk-participant input", "Alice")
    page.keyboard.press("Tab")
    page.wait_for_function("document.querySelector('.jk-ballot-opportunities').innerText.includes('2 votes left')",
                           timeout=20_000)
    before = {o.id: o.votes for o in Workspace.open(served["workspace"]).journey.opportunities}
    page.click("button.jk-vote-plus >> nth=-1")  # the last opportunity's "+1 vote"
    page.wait_for_function("document.querySelector('.jk-ballot-opportunities').innerText.includes('1 votes left')"
                           " || document.querySelector('.jk-ballot-opportunities').innerText.includes('1 vote left')",
                           timeout=20_000)
    after = {o.id: o.votes for o in Workspace.open(served["workspace"]).journey.opportunities}
    assert sum(after.values()) == sum(before.values()) + 1
    # the matrix and the notebook's own charts are SVG drawn in the page: no network needed
    sizes = page.eval_on_selector_all(
        ".jp-RenderedSVG svg, .jp-RenderedSVG img, .jp-RenderedImage img",
        "nodes => nodes.map(n => n.tagName.toLowerCase() === 'img' ? n.naturalWidth : n.getBoundingClientRect().width)")
    assert len(sizes) >= 2 and min(sizes) > 50, sizes  # the notebook's charts and the live matrix
    assert events["dialogs"] == [] and events["outside"] == []
    page.close()
