"""Hostile text in a workspace shows as text in the quarterly report, tested in a real browser.

A copy of the sample gets ``<script>alert(1)</script>``, ``<img src=x onerror=alert(1)>`` and a Markdown link
``[click](javascript:alert(1))`` in its verbatims, interview answers, persona and pain point names, touchpoint,
stage and KPI fields, the objective, a CRM column name and a raw event name; a quarter of the verbatims also
end with an IBAN or a postal address.
The quarterly report (2026Q3, ten steps and the index) and the four canvases filled from that workspace are
opened in headless Chromium: no dialog opens, no script, injected image, event handler or ``javascript:`` link
exists, the hostile text reads literally, and the IBAN and address were redacted. Skipped where no Chromium is
installed, like ``test_browser.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import SAMPLE

from journeykit import canvases
from test_browser import ARGS, CHROMIUM

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (install Debian's 'chromium')")

SCRIPT, IMAGE, LINK = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))"
IBAN, ADDRESS = "FR76 3000 6000 0112 3456 7890 189", "12 rue de la Paix, 75002 Paris"


def hostile_copy(target: Path) -> Path:
    """A copy of the sample with hostile text in every kind of user text."""
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(".journeykit", "measures", "history"))
    journey = yaml.safe_load((target / "journey.yaml").read_text(encoding="utf-8"))

    def both(text: str) -> dict:
        return {"en": text, "fr": text}

    journey["name"] = both(f"Verdure {SCRIPT}")
    journey["objective"]["problem"] = both(f"Too many leave {SCRIPT} {IMAGE} {LINK}")
    journey["objective"]["owner"] = IMAGE
    journey["stages"][0]["name"] = both(f"Discover {IMAGE}")
    journey["touchpoints"][0]["name"] = both(f"Search ad {SCRIPT}")
    journey["touchpoints"][0]["owner"] = IMAGE
    journey["pain_points"][0]["title"] = both(f"No slot {SCRIPT}")
    journey["pain_points"][1]["title"] = both(IMAGE)
    journey["opportunities"][0]["title"] = both(f"Pick a slot {IMAGE}")
    journey["kpis"][0]["owner"] = SCRIPT
    journey["personas"] = [{"id": "typed_in_workshop", "name": both(f"Persona {SCRIPT} {IMAGE}"), "origin": "workshop"}]
    # data is user text too: a CRM column name (a persona attribute) and a raw event name nobody mapped
    crm = target / "data" / "crm_clients.csv"
    crm.write_bytes(crm.read_bytes().replace(b"Canal d'acquisition", f"Canal {IMAGE}".encode("cp1252"), 1))
    attributes = journey["sources"]["customers"]["attributes"]
    attributes[attributes.index("Canal d'acquisition")] = f"Canal {IMAGE}"
    events_file = target / "data" / "events_2026Q3.parquet"
    events = pd.read_parquet(events_file)
    events["event_name"] = events["event_name"].replace("whatsapp_message", f"whatsapp {SCRIPT}")
    events.to_parquet(events_file, index=False)
    (target / "journey.yaml").write_text(yaml.safe_dump(journey, allow_unicode=True, sort_keys=False), encoding="utf-8")

    survey_file = target / "data" / "survey_responses.csv"
    survey = pd.read_csv(survey_file, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    written = survey["verbatim"] != ""
    tails = [f" {SCRIPT}", f" {IMAGE}", f" IBAN {IBAN}", f" Écrivez-moi au {ADDRESS}."]
    survey.loc[written, "verbatim"] = [text + tails[i % 4] for i, text in enumerate(survey.loc[written, "verbatim"])]
    survey.to_csv(survey_file, index=False, encoding="utf-8-sig", lineterminator="\n")
    for transcript in (target / "interviews").glob("*.md"):
        lines = transcript.read_text(encoding="utf-8").splitlines()
        transcript.write_text("\n".join(f"{line} {SCRIPT} {IMAGE}" if line.startswith("> ") else line
                                        for line in lines) + "\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    from journeykit.report import quarterly

    base = tmp_path_factory.mktemp("hostile")
    workspace = hostile_copy(base / "workspace")
    assert quarterly(workspace, quarter="2026Q3", out=base / "report", lang="en", jobs=2) == 0
    for kind in canvases.KINDS:  # the printable canvases filled from the same workspace
        page = canvases.filled(kind, workspace, lang="en", quarter="2026Q3")
        (base / "canvases").mkdir(exist_ok=True)
        (base / "canvases" / f"{kind}.html").write_text(page, encoding="utf-8")
    return base


def inspect(browser, page_path: Path) -> dict:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page_path.resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(200)  # an onerror handler fires after the failed image load
    injected = page.evaluate("""() => ({
        scripts: document.querySelectorAll("script").length,
        images: document.querySelectorAll("img[src='x'], img[onerror]").length,
        handlers: [...document.querySelectorAll("*")]
            .filter(n => [...n.attributes].some(a => a.name.startsWith("on"))).length,
        links: document.querySelectorAll("a[href^='javascript:' i]").length,
    })""")
    text, title = page.inner_text("body"), page.title()
    page.close()
    return {"dialogs": dialogs, "injected": injected, "text": text, "title": title}


def test_hostile_text_shows_as_text_and_runs_nothing(hostile_report):
    pages = sorted((hostile_report / "report").glob("*.html"))
    assert len(pages) == 11
    pages += sorted((hostile_report / "canvases").glob("*.html"))
    shown: dict[str, set[str]] = {}
    texts: dict[str, str] = {}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for page_path in pages:
            result = inspect(browser, page_path)
            assert result["dialogs"] == [], page_path.name
            assert result["injected"] == {"scripts": 0, "images": 0, "handlers": 0, "links": 0}, page_path.name
            assert IBAN not in result["text"] and "rue de la Paix" not in result["text"], page_path.name
            if page_path.parent.name == "report":
                assert SCRIPT in result["title"], page_path.name  # the workspace name, as text
            texts[page_path.stem] = result["text"]
            shown[page_path.stem] = {name for name, hostile in (("script", SCRIPT), ("image", IMAGE), ("link", LINK))
                                     if hostile in result["text"]}
        browser.close()
    # where each kind of user text is shown: the objective (index, step 1), touchpoints and stages (steps 5,
    # 6), verbatims and interview quotes (step 6), pain point titles (step 7)
    assert shown["index"] == shown["01_define_objective"] == {"script", "image", "link"}
    for step in ("05_inventory_touchpoints", "06_capture_experience", "07_find_pain_points", "journey_canvas"):
        assert {"script", "image"} <= shown[step], step
    assert f"whatsapp {SCRIPT}" in texts["05_inventory_touchpoints"]  # the unmapped raw event name
    assert f"Canal {IMAGE}" in texts["03_build_personas"]  # the CRM column, a persona attribute
