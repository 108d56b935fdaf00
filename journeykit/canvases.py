"""Printable workshop canvases: persona card, empathy map, journey canvas and impact/effort matrix.

Each canvas is one sheet of paper: the persona card on A4 portrait, the others on A3 landscape. A sheet has
the exact size of the paper (``@page`` sets the size, with no margin), prints its colours
(``print-color-adjust: exact``) and never spills onto a second page; titles are 28-36 pt, readable from two
metres. :func:`blank` gives the empty canvas for a workshop, in English or French; :func:`filled` gives the
same canvas filled from a workspace's ``journey.yaml`` (and, for a ``quarter``, from what steps 3, 6 and 8
measured then), with the empty boxes left free to write in. :func:`render` writes the page as HTML, or as
PDF or PNG through headless Chromium.

The pages are self-contained: one stylesheet inlined, no script, no font or image to fetch. They are made
from the files of ``templates/canvases/``: ``page.html`` (the document), one sheet per canvas
(``persona_card.html``, ...) and ``canvas.css``. A template names its holes ``{{name}}`` (a value, HTML
escaped here), ``{{name|html}}`` (markup built here, from escaped values) and ``{{t.key}}`` (the label
``key`` of :data:`LABELS` in the page's language). Every text that comes from a workspace is escaped, and
quotes, thoughts and persona texts pass through :func:`journeykit.privacy.redact` first.

This module puts the sheets in a page and writes it; the sheets are drawn by
:mod:`journeykit.canvas_sheets` (persona card, empathy map, journey canvas) and
:mod:`journeykit.canvas_matrix` (impact/effort matrix), from the labels, templates and small markup of
:mod:`journeykit.canvas_pieces`.

Examples
--------
>>> page = blank("journey_canvas", lang="fr", stages=5)
>>> "Points de contact" in page and "<script" not in page
True
>>> page.count('class="jc-stage"')
5
>>> render(filled("impact_effort", "sample_data"), "out/matrix.pdf")   # doctest: +SKIP
PosixPath('out/matrix.pdf')
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

from .canvas_matrix import CARD, MOST_CARDS, PLOT, matrix_sheet
from .canvas_pieces import CANVASES, LABELS, MOST, blank_fields, fill, label, read_template
from .canvas_sheets import EMOTION_HEIGHT, GRID_WIDTH, LABEL_WIDTH, LANES, empathy_sheet, journey_sheet, persona_sheet
from .errors import JourneyKitError, ParameterError
from .files import replacing, write_atomic
from .i18n import LANGS
from .measures import read_summary
from .quarters import Quarter
from .workspace import Workspace

__all__ = ["BrowserNotFoundError", "CANVASES", "CARD", "CHROMIUM_ARGS", "CHROMIUM_NAMES", "EMOTION_HEIGHT",
           "GRID_WIDTH", "KINDS", "LABELS", "LABEL_WIDTH", "LANES", "MOST", "MOST_CARDS", "PAPER", "PLOT",
           "STAGE_RANGE", "blank", "chromium", "filled", "render"]

KINDS = ("persona_card", "empathy_map", "journey_canvas", "impact_effort")
PAPER = {"persona_card": ("a4p", "A4 portrait"), "empathy_map": ("a3l", "A3 landscape"),
         "journey_canvas": ("a3l", "A3 landscape"), "impact_effort": ("a3l", "A3 landscape")}
STAGE_RANGE = (2, 10)
CHROMIUM_NAMES = ("chromium", "/usr/bin/chromium", "chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--headless=new", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update",
                 "--host-resolver-rules=MAP * ~NOTFOUND"]


# --- public functions ----------------------------------------------------------------------------------------

def blank(kind: str, lang: str = "en", stages: int = 6) -> str:
    """The empty canvas ``kind`` (one of :data:`KINDS`) as a complete HTML page in ``lang``.

    ``stages`` is the number of stage columns of the journey canvas (2 to 10); the other canvases ignore it.
    """
    _check(kind, lang, "blank")
    if not isinstance(stages, int) or isinstance(stages, bool) or not STAGE_RANGE[0] <= stages <= STAGE_RANGE[1]:
        raise ParameterError.invalid("stages", "blank", "an int in [%d, %d]" % STAGE_RANGE, stages)
    paper = PAPER[kind][1]
    context = {"eyebrow": "journeykit", "meta": blank_fields(lang), "lang": lang,
               "footer": label("paper", lang, paper=label(paper, lang))}
    if kind == "persona_card":
        sheets = [persona_sheet(context, None, None)]
    elif kind == "empathy_map":
        sheets = [empathy_sheet(context, None, None)]
    elif kind == "journey_canvas":
        sheets = [journey_sheet(context, None, stages=stages)]
    else:
        sheets = [matrix_sheet(context, None)]
    return _page(kind, lang, label(kind, lang), sheets)


def filled(kind: str, workspace: Workspace | str | os.PathLike[str], lang: str = "en", quarter: str | None = None,
           persona: str | None = None) -> str:
    """The canvas ``kind`` filled from ``workspace`` (a :class:`Workspace` or its folder), as an HTML page.

    - ``persona_card``: one A4 page per persona of ``journey.yaml`` (only ``persona`` when given): name,
      quote, profile (description), goals, frustrations, share; with a ``quarter``, the customers and the
      preferred channels step 3 measured then.
    - ``empathy_map``: one A3 page per persona: its quote (says), the touchpoints' thoughts (thinks) and
      actions (does), its highs and lows of assumed emotion (feels), frustrations (pains) and goals (gains).
    - ``journey_canvas``: the stages as columns, the lanes filled from touchpoints (of the current state, or of
      the future state for a future-state map), pain points, opportunities (under the stage of their pain
      points), KPIs and owners; the emotion curve is the mean assumed emotion of each stage's touchpoints (for
      ``persona`` when given); with a ``quarter``, step 6's measured curve, quotes and step 8's KPI values too.
    - ``impact_effort``: each scored opportunity (not dropped) as a card at its effort and impact (the mean of
      customer and business value), highest priority first; unscored ones go to the parking lot. ``persona``
      and ``quarter`` do not change it.

    Raises :class:`~journeykit.errors.ParameterError` for an unknown persona, and for a persona card or an
    empathy map of a workspace without personas (step 3 adds them).
    """
    _check(kind, lang, "filled")
    period = None if quarter is None else str(Quarter.parse(quarter, "quarter", "filled"))
    ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace)
    journey = ws.journey
    known = [p.id for p in journey.personas]
    if persona is not None and persona not in known:
        raise ParameterError.invalid("persona", "filled", f"one of {', '.join(known) or 'the personas (none yet)'}",
                                     persona)
    quarter_text = f" · {period}" if period else ""
    context = {"eyebrow": label(kind, lang), "lang": lang, "meta": html.escape(journey.name.get(lang)),
               "footer": label("footer", lang, revision=journey.revision, quarter=quarter_text)}
    measured = {step: (read_summary(ws, period, step) or {}) if period else {}
                for step in ("03_build_personas", "06_capture_experience", "08_align_business")}
    if kind in ("persona_card", "empathy_map"):
        chosen = [p for p in journey.personas if persona in (None, p.id)]
        if not chosen:
            raise ParameterError.invalid("workspace", "filled", f"a workspace with personas for a {kind} (run "
                                         "step 3 or add personas to journey.yaml; blank() gives an empty one)",
                                         str(ws.path))
        stats = {row.get("id"): row for row in measured["03_build_personas"].get("personas") or []
                 if isinstance(row, dict)}
        build = persona_sheet if kind == "persona_card" else empathy_sheet
        sheets = [build(context, journey, p, stats.get(p.id)) for p in chosen]
    elif kind == "journey_canvas":
        sheets = [journey_sheet(context, journey, persona=persona, measured=measured, quarter=period)]
    else:
        sheets = [matrix_sheet(context, journey)]
    title = journey.name.get(lang)
    return _page(kind, lang, f"{label(kind, lang)} · {title}", sheets)


def render(page: str, path: str | os.PathLike[str]) -> Path:
    """Write ``page`` (from :func:`blank` or :func:`filled`) to ``path``: ``.html``, ``.pdf`` or ``.png``.

    PDF and PNG are drawn by headless Chromium (Debian's ``chromium``, driven by Playwright): the PDF at the
    page's paper size with its backgrounds, the PNG as one full-page image at twice the screen resolution.
    The file is written atomically; its folder is created when missing.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf", ".png"):
        raise ParameterError.invalid("path", "render", "a file name ending in .html, .pdf or .png", str(path))
    if suffix in (".html", ".htm"):
        write_atomic(target, page.encode("utf-8"))
        return target
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserNotFoundError("PDF and PNG canvases need Playwright: pip install playwright (the browser "
                                   "itself is Debian's chromium; 'playwright install' is not needed).") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver, replacing(target) as temporary:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            tab = browser.new_page(viewport={"width": 800, "height": 600}, device_scale_factor=2)
            tab.route("**/*", lambda route: route.abort())  # nothing may be fetched, even by mistake
            tab.set_content(page, wait_until="load")
            if suffix == ".pdf":
                tab.pdf(path=str(temporary), prefer_css_page_size=True, print_background=True)
            else:
                width = tab.evaluate("Math.ceil((document.querySelector('.sheet') || document.body)"
                                     ".getBoundingClientRect().width)")
                tab.set_viewport_size({"width": int(width), "height": 600})
                tab.screenshot(path=str(temporary), full_page=True, type="png")
        finally:
            browser.close()
    return target


class BrowserNotFoundError(JourneyKitError, FileNotFoundError):
    """Headless Chromium (or Playwright, which drives it) is missing, so a canvas cannot become PDF or PNG."""


def chromium() -> str:
    """The path of the Chromium executable, or :class:`BrowserNotFoundError` saying how to install it."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFoundError("PDF and PNG canvases are drawn by headless Chromium, which is not installed. "
                               "Install Debian's chromium (sudo apt-get install chromium), or write the canvas as "
                               ".html and print it from any browser.")


# --- the page ------------------------------------------------------------------------------------------------

def _page(kind: str, lang: str, title: str, sheets: list[str]) -> str:
    values = {"lang": lang, "title": title, "page_size": PAPER[kind][1], "css": read_template("canvas.css"),
              "sheets": "\n".join(sheets)}
    return fill(read_template("page.html"), values, lang)


def _check(kind: str, lang: str, function: str) -> None:
    if kind not in KINDS:
        raise ParameterError.invalid("kind", function, f"one of {', '.join(KINDS)}", kind)
    if lang not in LANGS:
        raise ParameterError.invalid("lang", function, "'en' or 'fr'", lang)
