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
import math
import os
import re
import shutil
from functools import cache
from pathlib import Path

from .errors import JourneyKitError, ParameterError
from .files import replacing, write_atomic
from .i18n import LANGS
from .i18n import label as _i18n
from .measures import read_summary
from .model import DEFAULT_CHANNELS, Journey, Text
from .privacy import redact
from .quarters import Quarter
from .templates import TEMPLATES
from .workspace import Workspace

KINDS = ("persona_card", "empathy_map", "journey_canvas", "impact_effort")
CANVASES = TEMPLATES / "canvases"
PAPER = {"persona_card": ("a4p", "A4 portrait"), "empathy_map": ("a3l", "A3 landscape"),
         "journey_canvas": ("a3l", "A3 landscape"), "impact_effort": ("a3l", "A3 landscape")}
STAGE_RANGE = (2, 10)
LANES = ("touchpoints", "actions", "thoughts", "emotion", "pain_points", "opportunities", "kpis", "owners")
MOST = {"touchpoints": 6, "actions": 5, "thoughts": 4, "pain_points": 4, "opportunities": 4, "kpis": 3,
        "owners": 6, "notes": 8, "list": 7}
CHROMIUM_NAMES = ("chromium", "/usr/bin/chromium", "chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--headless=new", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update",
                 "--host-resolver-rules=MAP * ~NOTFOUND"]

LABELS: dict[str, tuple[str, str]] = {  # key: (English, French)
    "persona_card": ("Persona card", "Fiche persona"),
    "empathy_map": ("Empathy map", "Carte d'empathie"),
    "journey_canvas": ("Journey canvas", "Canevas du parcours client"),
    "impact_effort": ("Impact / effort matrix", "Matrice impact / effort"),
    "photo": ("Photo or sketch", "Photo ou croquis"),
    "name": ("Name", "Nom"),
    "quote": ("In their words", "En ses mots"),
    "customers": ("Customers", "Clients"),
    "share": ("Share of customers", "Part des clients"),
    "profile": ("Profile", "Profil"),
    "profile_prompt": ("Who are they? Situation, plan, tenure, what sets them apart from the others.",
                       "Qui sont-ils ? Situation, offre, ancienneté, ce qui les distingue des autres."),
    "goals": ("Goals", "Objectifs"),
    "goals_prompt": ("What are they trying to achieve? What does success look like for them?",
                     "Que cherchent-ils à accomplir ? À quoi ressemble la réussite pour eux ?"),
    "frustrations": ("Frustrations", "Frustrations"),
    "frustrations_prompt": ("What gets in their way? What makes them call, complain or leave?",
                            "Qu'est-ce qui les freine ? Qu'est-ce qui les fait appeler, se plaindre ou partir ?"),
    "channels": ("Channels", "Canaux"),
    "channels_prompt": ("Tick the channels they use most.", "Cochez les canaux qu'ils utilisent le plus."),
    "says": ("Says", "Dit"),
    "says_prompt": ("What do we hear them say? Quote them word for word.",
                    "Que les entend-on dire ? Citez-les mot pour mot."),
    "thinks": ("Thinks", "Pense"),
    "thinks_prompt": ("What goes through their mind, even unsaid? Worries, hopes.",
                      "Que pensent-ils, même sans le dire ? Inquiétudes, espoirs."),
    "does": ("Does", "Fait"),
    "does_prompt": ("What do they actually do? Behaviour seen in the data and in the field.",
                    "Que font-ils vraiment ? Comportements vus dans les données et sur le terrain."),
    "feels": ("Feels", "Ressent"),
    "feels_prompt": ("How do they feel, and when? The highs and lows of the journey.",
                     "Que ressentent-ils, et quand ? Les hauts et les bas du parcours."),
    "persona": ("Persona", "Persona"),
    "pains": ("Pains", "Douleurs"),
    "pains_prompt": ("Fears, frustrations, obstacles.", "Peurs, frustrations, obstacles."),
    "gains": ("Gains", "Gains"),
    "gains_prompt": ("Wants, needs, what success means to them.",
                     "Envies, besoins, ce que réussir veut dire pour eux."),
    "stage": ("Stages", "Étapes"),
    "stage_n": ("Stage {n}", "Étape {n}"),
    "touchpoints": ("Touchpoints", "Points de contact"),
    "touchpoints_prompt": ("Where do they meet us? On which channel?", "Où nous rencontrent-ils ? Sur quel canal ?"),
    "actions": ("Actions", "Actions"),
    "actions_prompt": ("What does the customer do?", "Que fait le client ?"),
    "thoughts": ("Thoughts", "Pensées"),
    "thoughts_prompt": ("What do they think, ask, say?", "Que pensent-ils, demandent-ils, disent-ils ?"),
    "emotion": ("Emotion", "Émotion"),
    "pain_points": ("Pain points", "Points de douleur"),
    "pain_points_prompt": ("What hurts? What is the evidence?", "Qu'est-ce qui fait mal ? Sur quelles preuves ?"),
    "opportunities": ("Opportunities", "Opportunités"),
    "opportunities_prompt": ("What could we change?", "Que pourrait-on changer ?"),
    "kpis": ("KPIs", "Indicateurs"),
    "kpis_prompt": ("How is this stage measured? Target?", "Comment mesure-t-on l'étape ? Cible ?"),
    "owners": ("Owners", "Responsables"),
    "owners_prompt": ("Who answers for it?", "Qui en répond ?"),
    "assumed": ("assumed (workshop)", "supposée (atelier)"),
    "measured": ("measured {quarter}", "mesurée {quarter}"),
    "impact_axis": ("Impact: customer and business value (1-5)", "Impact : valeur client et entreprise (1-5)"),
    "effort_axis": ("Effort (1 = a few days, 5 = months)", "Effort (1 = quelques jours, 5 = des mois)"),
    "quick_wins_hint": ("High impact, little effort: do these first.", "Fort impact, peu d'effort : à faire d'abord."),
    "big_bets_hint": ("High impact, much effort: plan and fund them.",
                      "Fort impact, effort important : à planifier et financer."),
    "fill_ins_hint": ("Low impact, little effort: when time allows.",
                      "Faible impact, peu d'effort : si le temps le permet."),
    "money_pits_hint": ("Low impact, much effort: avoid.", "Faible impact, effort important : à éviter."),
    "parking": ("Parking lot", "À placer"),
    "parking_prompt": ("Ideas not scored yet: write them here, then place them on the matrix.",
                       "Idées pas encore notées : écrivez-les ici, puis placez-les sur la matrice."),
    "how_to_read": ("How to score", "Comment noter"),
    "how": ("<b>Impact</b> = the mean of customer value and business value, each from 1 to 5.|"
            "<b>Effort</b> from 1 (a few days, one team) to 5 (months, several teams or a partner).|"
            "The people who would do the work check the effort; then vote with dots.",
            "<b>Impact</b> = la moyenne de la valeur client et de la valeur entreprise, chacune de 1 à 5.|"
            "<b>Effort</b> de 1 (quelques jours, une équipe) à 5 (des mois, plusieurs équipes ou un partenaire).|"
            "Ceux qui feraient le travail vérifient l'effort ; votez ensuite avec des gommettes."),
    "card": ("Impact {impact} · Effort {effort}", "Impact {impact} · Effort {effort}"),
    "votes": ("{n} votes", "{n} votes"),
    "placed": ("{n} opportunities placed · {m} in the parking lot", "{n} opportunités placées · {m} à placer"),
    "journey": ("Journey", "Parcours"),
    "team": ("Team", "Équipe"),
    "date": ("Date", "Date"),
    "more": ("+ {n} more", "+ {n} autres"),
    "paper": ("Print at actual size on {paper}", "Imprimer en taille réelle sur {paper}"),
    "A4 portrait": ("A4 portrait", "A4 portrait"),
    "A3 landscape": ("A3 landscape", "A3 paysage"),
    "footer": ("Revision {revision}{quarter} · personal data redacted",
               "Révision {revision}{quarter} · données personnelles masquées"),
    "origin_data": ("Discovered in the data", "Découvert dans les données"),
    "origin_workshop": ("Proposed in a workshop", "Proposé en atelier"),
    "origin_template": ("From the template", "Issu du modèle"),
    "all_personas": ("all personas", "tous les personas"),
    "for_persona": ("Persona: {name}", "Persona : {name}"),
    "current_state": ("Current state", "État actuel"),
    "future_state": ("Future state", "État futur"),
    "day_in_the_life": ("Day in the life", "Journée type"),
    "service_blueprint": ("Service blueprint", "Blueprint de service"),
    "onboarding": ("Onboarding", "Intégration"),
}

LABELS.update({q: (_i18n(f"quadrant_{q}", "en"), _i18n(f"quadrant_{q}", "fr"))
               for q in ("quick_wins", "big_bets", "fill_ins", "money_pits")})  # the same words as the charts

_HOLE = re.compile(r"\{\{\s*(t\.)?(\w+)(\|html)?\s*\}\}")
_ICONS = {  # 24 x 24 line drawings, in the heading colour
    "says": '<path d="M4 5h16v10H10l-4 4v-4H4z"/>',
    "thinks": '<path d="M7 15a4 4 0 0 1-.5-8 5 5 0 0 1 9.5-1 4 4 0 0 1 1 8z"/><circle cx="7" cy="19" r="1.4"/>'
              '<circle cx="4" cy="22" r=".8"/>',
    "does": '<path d="M5 12l4 4 10-10"/><path d="M4 20h16"/>',
    "feels": '<path d="M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z"/>',
    "persona": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-5 4.5-7 8-7s7 2 8 7"/>',
}


# --- public functions ----------------------------------------------------------------------------------------

def blank(kind: str, lang: str = "en", stages: int = 6) -> str:
    """The empty canvas ``kind`` (one of :data:`KINDS`) as a complete HTML page in ``lang``.

    ``stages`` is the number of stage columns of the journey canvas (2 to 10); the other canvases ignore it.
    """
    _check(kind, lang, "blank")
    if not isinstance(stages, int) or isinstance(stages, bool) or not STAGE_RANGE[0] <= stages <= STAGE_RANGE[1]:
        raise ParameterError.invalid("stages", "blank", "an int in [%d, %d]" % STAGE_RANGE, stages)
    paper = PAPER[kind][1]
    context = {"eyebrow": "journeykit", "meta": _blank_fields(lang), "lang": lang,
               "footer": _t("paper", lang, paper=_t(paper, lang))}
    if kind == "persona_card":
        sheets = [_persona_sheet(context, None, None)]
    elif kind == "empathy_map":
        sheets = [_empathy_sheet(context, None, None)]
    elif kind == "journey_canvas":
        sheets = [_journey_sheet(context, None, stages=stages)]
    else:
        sheets = [_matrix_sheet(context, None)]
    return _page(kind, lang, _t(kind, lang), sheets)


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
    context = {"eyebrow": _t(kind, lang), "lang": lang, "meta": html.escape(journey.name.get(lang)),
               "footer": _t("footer", lang, revision=journey.revision, quarter=quarter_text)}
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
        build = _persona_sheet if kind == "persona_card" else _empathy_sheet
        sheets = [build(context, journey, p, stats.get(p.id)) for p in chosen]
    elif kind == "journey_canvas":
        sheets = [_journey_sheet(context, journey, persona=persona, measured=measured, quarter=period)]
    else:
        sheets = [_matrix_sheet(context, journey)]
    title = journey.name.get(lang)
    return _page(kind, lang, f"{_t(kind, lang)} · {title}", sheets)


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


# --- templates -----------------------------------------------------------------------------------------------

def _t(key: str, lang: str, **values: object) -> str:
    text = LABELS[key][LANGS.index(lang)]
    return text.format(**values) if values else text


@cache
def _template(name: str) -> str:
    return (CANVASES / name).read_text(encoding="utf-8")


def _fill(template: str, values: dict[str, object], lang: str) -> str:
    """``template`` with its holes filled: labels translated, values escaped, ``|html`` markup as given."""
    def hole(match: re.Match) -> str:
        label, name, markup = match.groups()
        if label:
            return html.escape(_t(name, lang))
        if name not in values:
            raise KeyError(f"the canvas template has a hole {{{{{name}}}}} that nothing fills")
        return str(values[name]) if markup else html.escape(str(values[name]))
    return _HOLE.sub(hole, template)


def _page(kind: str, lang: str, title: str, sheets: list[str]) -> str:
    values = {"lang": lang, "title": title, "page_size": PAPER[kind][1], "css": _template("canvas.css"),
              "sheets": "\n".join(sheets)}
    return _fill(_template("page.html"), values, lang)


def _check(kind: str, lang: str, function: str) -> None:
    if kind not in KINDS:
        raise ParameterError.invalid("kind", function, f"one of {', '.join(KINDS)}", kind)
    if lang not in LANGS:
        raise ParameterError.invalid("lang", function, "'en' or 'fr'", lang)


# --- pieces ----------------------------------------------------------------------------------------------------

def _icon(name: str) -> str:
    return (f'<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" '
            f'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{_ICONS[name]}</svg>')


def _blank_fields(lang: str) -> str:
    return '<div class="fields">' + "".join(
        f'<div class="field"><span>{html.escape(_t(key, lang))}</span><div class="write"></div></div>'
        for key in ("journey", "team", "date")) + "</div>"


def _more(hidden: int, lang: str) -> str:
    return html.escape(_t("more", lang, n=hidden))


def _list(texts: list[str], lang: str, most: int = MOST["list"]) -> str:
    """Escaped texts as a bullet list (empty string for none), the ones past ``most`` counted."""
    texts = [text for text in texts if text]
    if not texts:
        return ""
    shown = [f"<li>{html.escape(text)}</li>" for text in texts[:most]]
    if len(texts) > most:
        shown.append(f'<li class="more">{_more(len(texts) - most, lang)}</li>')
    return f'<ul class="items">{"".join(shown)}</ul>'


def _notes(notes: list[tuple[str, str, str]], lang: str, most: int = MOST["notes"], tone: str = "") -> str:
    """Sticky notes ``(text, small print, colour class)``, escaped; the ones past ``most`` counted."""
    if not notes:
        return ""
    shown = [f'<div class="note {tone or colour}">{html.escape(text)}'
             + (f"<em>{html.escape(small)}</em>" if small else "") + "</div>" for text, small, colour in notes[:most]]
    if len(notes) > most:
        shown.append(f'<div class="more">{_more(len(notes) - most, lang)}</div>')
    return f'<div class="notes items">{"".join(shown)}</div>'


def _paragraph(text: str) -> str:
    return f'<p class="items">{html.escape(text)}</p>' if text else ""


def _private(text: Text | str, lang: str) -> str:
    """A text from the workspace that may hold customers' words, with personal data redacted."""
    value = text.get(lang) if isinstance(text, Text) else text
    return redact(value, lang) or ""


def _number(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _percent(share: float, lang: str) -> str:
    return f"{100 * share:.0f}\u00a0%" if lang == "fr" else f"{100 * share:.0f}%"


def _signed(value: float, lang: str) -> str:
    text = "0.0" if round(value, 1) == 0 else f"{value:+.1f}".replace("-", "\u2212")
    return text.replace(".", ",") if lang == "fr" else text


def _score(value: float, lang: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "fr" else text


def _share(persona, stats: dict) -> float | None:
    """The persona's share of customers: the quarter's (None when step 3 hid a small group), else the map's."""
    if "share" in stats:
        return stats["share"]
    return None if persona is None else persona.share


def _assumed(touchpoint, persona: str | None) -> float:
    """The workshop's emotion for a touchpoint: the persona's (else ``all``'s), or ``all``, or the mean."""
    values = touchpoint.assumed_emotion
    if persona is not None and persona in values:
        return float(values[persona])
    if "all" in values:
        return float(values["all"])
    return float(sum(values.values()) / len(values)) if values and persona is None else math.nan


# --- persona card and empathy map ------------------------------------------------------------------------------

def _persona_sheet(context: dict, journey: Journey | None, persona, stats: dict | None = None) -> str:
    lang = context["lang"]
    stats = stats or {}
    share, customers = _share(persona, stats), stats.get("customers")
    channels = journey.all_channels() if journey is not None else DEFAULT_CHANNELS
    ticked = set(stats.get("channels") or [])
    checks = "".join(f'<span class="check on"><i>&#10003;</i>{html.escape(c.name.get(lang))}</span>' if c.id in ticked
                     else f'<span class="check"><i></i>{html.escape(c.name.get(lang))}</span>' for c in channels)
    values = {**context, "photo": _icon("persona"), "name": "", "quote": "", "customers": "", "share": "",
              "share_bar": "", "profile": "", "goals": "", "frustrations": "",
              "channels": f'<div class="checks">{checks}</div>'}
    if persona is not None:
        values.update({
            "eyebrow": _t("origin_" + persona.origin, lang),
            "name": persona.name.get(lang), "quote": _private(persona.quote, lang),
            "customers": "" if customers is None else _number(customers, lang),
            "share": "" if share is None else _percent(share, lang),
            "share_bar": "" if share is None else
            f'<div class="bar"><span style="width:{100 * share:.1f}%"></span></div>',
            "profile": _paragraph(_private(persona.description, lang)),
            "goals": _list([_private(goal, lang) for goal in persona.goals], lang),
            "frustrations": _list([_private(item, lang) for item in persona.frustrations], lang),
        })
    return _fill(_template("persona_card.html"), values, lang)


def _empathy_sheet(context: dict, journey: Journey | None, persona, stats: dict | None = None) -> str:
    lang = context["lang"]
    icons = {f"icon_{name}": _icon(name) for name in _ICONS}
    values = {**context, **icons, "says": "", "thinks": "", "does": "", "feels": "", "pains": "", "gains": "",
              "persona": '<div class="write"></div>'}
    if persona is not None:
        stages = {stage.id: stage.name.get(lang) for stage in journey.stages}
        says = [(_private(persona.quote, lang), "", "")] if persona.quote else []
        thinks = [(_private(text, lang), tp.name.get(lang), "") for tp in journey.touchpoints
                  for text in tp.thoughts]
        does = [(text.get(lang), tp.name.get(lang), "") for tp in journey.touchpoints for text in tp.actions]
        felt = [(_assumed(tp, persona.id), tp) for tp in journey.touchpoints]
        felt = sorted((pair for pair in felt if not math.isnan(pair[0]) and pair[0] != 0), key=lambda pair: -pair[0])
        highs = [(tp.name.get(lang), f"{stages.get(tp.stage, tp.stage)} · {_signed(v, lang)}", "good")
                 for v, tp in felt if v > 0][:4]
        lows = [(tp.name.get(lang), f"{stages.get(tp.stage, tp.stage)} · {_signed(v, lang)}", "bad")
                for v, tp in reversed(felt) if v < 0][:4]
        share = _share(persona, stats or {})
        who = f'<div class="who">{html.escape(persona.name.get(lang))}</div>'
        if share is not None:
            who += f'<div class="share">{html.escape(_percent(share, lang))}</div>'
        values.update({
            "eyebrow": journey.name.get(lang),
            "meta": html.escape(_t("origin_" + persona.origin, lang)),
            "says": _notes(says, lang, tone="wide"), "thinks": _notes(thinks, lang), "does": _notes(does, lang),
            "feels": _notes(highs + lows, lang), "persona": who,
            "pains": _list([_private(item, lang) for item in persona.frustrations], lang),
            "gains": _list([_private(goal, lang) for goal in persona.goals], lang),
        })
    return _fill(_template("empathy_map.html"), values, lang)


# --- journey canvas --------------------------------------------------------------------------------------------

GRID_WIDTH, LABEL_WIDTH, EMOTION_HEIGHT = 397.3, 40.0, 44.0  # mm: the A3 sheet's content, as canvas.css sets it


def _journey_sheet(context: dict, journey: Journey | None, stages: int = 6, persona: str | None = None,
                   measured: dict | None = None, quarter: str | None = None) -> str:
    lang = context["lang"]
    columns = list(journey.stages) if journey is not None and journey.stages else [None] * stages
    lanes = {lane: [[] for _ in columns] for lane in LANES if lane != "emotion"}
    assumed, observed = [math.nan] * len(columns), [math.nan] * len(columns)
    values = {**context, "title": _t("journey_canvas", lang), "density": ""}
    if journey is not None and journey.stages:
        lanes, assumed, observed = _journey_content(journey, lang, persona, measured or {}, quarter)
        persona_name = next((p.name.get(lang) for p in journey.personas if p.id == persona), _t("all_personas", lang))
        lines = [f"{_t(journey.objective.map_type, lang)} · {_t('for_persona', lang, name=persona_name)}"]
        lines += _journey_kpis(journey, lang, measured or {})
        values.update({"title": journey.name.get(lang), "meta": "<br>".join(html.escape(line) for line in lines),
                       "density": " dense" if _crowded(lanes, len(columns)) else ""})
    grid = [f'<div class="jc-corner">{html.escape(_t("stage", lang))}</div>']
    for number, stage in enumerate(columns, 1):
        head = f'<span class="num">{html.escape(_t("stage_n", lang, n=number))}</span>'
        if stage is None:
            head += '<div class="write"></div>'
        else:
            head += f'<span class="name">{html.escape(stage.name.get(lang))}</span>'
            if stage.description:
                head += f'<span class="desc">{html.escape(stage.description.get(lang))}</span>'
        grid.append(f'<div class="jc-stage">{head}</div>')
    for lane in LANES:
        if lane == "emotion":
            grid.append(_emotion_label(lang, assumed, observed, quarter))
            grid.append(f'<div class="jc-emotion lane-emotion">{_emotion_svg(assumed, observed, lang)}</div>')
            continue
        grid.append(f'<div class="jc-label lane-{lane}"><h2>{html.escape(_t(lane, lang))}</h2>'
                    f'<p class="prompt">{html.escape(_t(lane + "_prompt", lang))}</p></div>')
        grid += [f'<div class="jc-cell lane-{lane}">{_ul(items, lang, MOST[lane])}</div>' for items in lanes[lane]]
    values.update({"n_stages": len(columns), "grid": "\n".join(grid)})
    return _fill(_template("journey_canvas.html"), values, lang)


def _journey_content(journey: Journey, lang: str, persona: str | None, measured: dict, quarter: str | None):
    """Per stage: the lanes' items (markup, escaped), the assumed and the measured emotion."""
    from .journey_map import _quotes, _unique, kpi_text

    channels = {channel.id: channel.name.get(lang) for channel in journey.all_channels()}
    hidden_state = "current" if journey.objective.map_type == "future_state" else "future"
    points = [tp for tp in journey.touchpoints if tp.state != hidden_state]
    present = {tp.id for tp in points}
    recorded = sorted({p.quarter for p in journey.pain_points if p.quarter})
    shown_quarter = quarter or (recorded[-1] if recorded else None)
    quotes = _quotes(measured["06_capture_experience"], journey, lang) if quarter else {}
    kpi_values = {row.get("kpi"): row for row in measured["08_align_business"].get("kpis") or []
                  if isinstance(row, dict)}
    stage_measures = {row.get("stage"): row.get("measured") for row in measured["06_capture_experience"].get("stages")
                      or [] if isinstance(row, dict) and not row.get("suppressed")}
    lanes: dict[str, list[list[str]]] = {lane: [] for lane in LANES if lane != "emotion"}
    assumed, observed = [], []
    for stage in journey.stages:
        mine = [tp for tp in points if tp.stage == stage.id]
        pains = [p for p in journey.pain_points if p.stage == stage.id and p.quarter in (None, shown_quarter)
                 and (p.touchpoint is None or p.touchpoint in present)]
        pains.sort(key=lambda p: -(p.severity if p.severity is not None else -1))
        pain_ids = [p.id for p in pains]
        chances = [o for o in journey.opportunities if o.status != "dropped" and set(o.pain_points) & set(pain_ids)]
        chances.sort(key=lambda o: min(pain_ids.index(p) for p in o.pain_points if p in pain_ids))
        thoughts = _unique([_private(text, lang) for tp in mine for text in tp.thoughts])
        lanes["touchpoints"].append([f'{html.escape(tp.name.get(lang))}<span class="tag">'
                                     f'{html.escape(channels.get(tp.channel, tp.channel))}</span>' for tp in mine])
        lanes["actions"].append([html.escape(t) for t in _unique([a.get(lang) for tp in mine for a in tp.actions])])
        heard = [f'<span class="quote">\u201c{html.escape(_private(q, lang))}\u201d</span>'
                 for q in quotes.get(stage.id, [])[:2]]
        lanes["thoughts"].append([html.escape(t) for t in thoughts] + heard)
        lanes["pain_points"].append([html.escape(p.title.get(lang)) + (
            f'<span class="sev">{"●" * round(p.severity)}</span>' if p.severity else "") for p in pains])
        lanes["opportunities"].append([html.escape(t) for t in _unique([o.title.get(lang) for o in chances])])
        lanes["kpis"].append([html.escape(kpi_text(k, kpi_values.get(k.id), lang))
                              for k in journey.kpis if k.stage == stage.id])
        lanes["owners"].append([html.escape(owner) for owner in _unique([tp.owner for tp in mine])])
        emotions = [e for e in (_assumed(tp, persona) for tp in mine) if not math.isnan(e)]
        assumed.append(sum(emotions) / len(emotions) if emotions else math.nan)
        value = stage_measures.get(stage.id)
        observed.append(float(value) if isinstance(value, (int, float)) else math.nan)
    return lanes, assumed, observed


def _journey_kpis(journey: Journey, lang: str, measured: dict) -> list[str]:
    """The journey-wide KPIs (no stage) for the header, the objective's target KPI first."""
    from .journey_map import kpi_text

    values = {row.get("kpi"): row for row in measured.get("08_align_business", {}).get("kpis") or []
              if isinstance(row, dict)}
    target = journey.objective.target_kpi
    kpis = sorted((k for k in journey.kpis if k.stage is None or k.id == target), key=lambda k: k.id != target)
    return [kpi_text(k, values.get(k.id), lang) for k in kpis[:2]]


def _crowded(lanes: dict[str, list[list[str]]], n_columns: int) -> bool:
    """Whether the fullest cells would overflow the sheet at the normal text size (then it is set smaller)."""
    chars_per_line = max(8.0, ((GRID_WIDTH - LABEL_WIDTH) / n_columns - 5) / 1.55)
    height = 17 + EMOTION_HEIGHT
    for lane, cells in lanes.items():
        lines = [sum(math.ceil(len(re.sub(r"<[^>]+>", "", item)) / chars_per_line) for item in items[:MOST[lane]])
                 + (len(items) > MOST[lane]) for items in cells]
        height += max(10.0, 4 + 4.2 * max(lines, default=0))
    return height > 232


def _ul(items: list[str], lang: str, most: int) -> str:
    """Markup items (already escaped) as a bullet list; the ones past ``most`` counted."""
    if not items:
        return ""
    shown = [f"<li>{item}</li>" for item in items[:most]]
    if len(items) > most:
        shown.append(f'<li class="more">{_more(len(items) - most, lang)}</li>')
    return f'<ul class="items">{"".join(shown)}</ul>'


def _y(value: float) -> float:
    """The height of an emotion (-2..+2) in the emotion lane, in mm from its top."""
    return 5 + (2 - value) * (EMOTION_HEIGHT - 10) / 4


def _emotion_label(lang: str, assumed: list[float], observed: list[float], quarter: str | None) -> str:
    marks = {2: "+2", 1: "+1", 0: "0", -1: "\u22121", -2: "\u22122"}
    scale = "".join(f'<text x="7.5" y="{_y(v) + 1.1:.2f}" text-anchor="end">{mark}</text>' for v, mark in marks.items())
    legend = ""
    for values, colour, dash, text in ((assumed, "var(--assumed)", "", _t("assumed", lang)),
                                       (observed, "var(--measured)", ' stroke-dasharray="1.6 1"',
                                        _t("measured", lang, quarter=quarter or ""))):
        if any(not math.isnan(v) for v in values):
            legend += (f'<div><svg width="6mm" height="2mm" viewBox="0 0 6 2"><line x1="0" y1="1" x2="6" y2="1" '
                       f'stroke="{colour}" stroke-width=".7"{dash}/></svg> {html.escape(text)}</div>')
    return (f'<div class="jc-label jc-emotion-label lane-emotion"><h2>{html.escape(_t("emotion", lang))}</h2>'
            f'<svg class="scale" viewBox="0 0 8 {EMOTION_HEIGHT}" preserveAspectRatio="none" font-size="2.9" '
            f'fill="#5b6673">{scale}</svg>' + (f'<div class="legend">{legend}</div>' if legend else "") + "</div>")


def _emotion_svg(assumed: list[float], observed: list[float], lang: str) -> str:
    """The -2..+2 grid across the stage columns, with the assumed (solid) and measured (dashed) curves."""
    width, height, n = GRID_WIDTH - LABEL_WIDTH, EMOTION_HEIGHT, len(assumed)
    column = width / n
    parts = [f'<rect x="0" y="0" width="{width}" height="{_y(0):.2f}" fill="#f1f8f4"/>',
             f'<rect x="0" y="{_y(0):.2f}" width="{width}" height="{height - _y(0):.2f}" fill="#fcf1f0"/>']
    for v in (2, 1, -1, -2):
        parts.append(f'<line x1="0" x2="{width}" y1="{_y(v):.2f}" y2="{_y(v):.2f}" stroke="#c9d1d9" '
                     'stroke-width=".25" stroke-dasharray="1.2 1"/>')
    parts.append(f'<line x1="0" x2="{width}" y1="{_y(0):.2f}" y2="{_y(0):.2f}" stroke="#8d98a5" stroke-width=".35"/>')
    parts += [f'<line x1="{k * column:.2f}" x2="{k * column:.2f}" y1="0" y2="{height}" stroke="#dde3ea" '
              'stroke-width=".3"/>' for k in range(1, n)]
    for values, colour, dash, below in ((observed, "#1b6ca8", ' stroke-dasharray="2 1.2"', True),
                                        (assumed, "#e08a1e", "", False)):
        points = [((k + .5) * column, _y(v), v) for k, v in enumerate(values) if not math.isnan(v)]
        runs, run = [], []
        for k, v in enumerate(values):  # a stage without a value breaks the curve
            if math.isnan(v):
                runs, run = runs + [run], []
            else:
                run.append(f"{(k + .5) * column:.2f},{_y(v):.2f}")
        runs.append(run)
        parts += [f'<polyline points="{" ".join(r)}" fill="none" stroke="{colour}" stroke-width=".7"{dash} '
                  'stroke-linejoin="round"/>' for r in runs if len(r) > 1]
        for x, y, v in points:
            label_y = y + 4.2 if (below and v > -1.5) or v > 1.5 else y - 2.2
            parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="1.3" fill="{colour}" stroke="#fff" stroke-width=".4"/>'
                         f'<text x="{x + 1.8:.2f}" y="{label_y:.2f}" font-size="3" fill="{colour}" '
                         f'font-weight="700">{html.escape(_signed(v, lang))}</text>')
    return (f'<svg viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
            f'font-family="Helvetica, Arial, sans-serif">{"".join(parts)}</svg>')


# --- impact / effort matrix ------------------------------------------------------------------------------------

PLOT = (295.2, 215.2)  # mm inside the plot's axes, as canvas.css sets it
CARD = (64.0, 19.0)
MOST_CARDS = 24
_CORNERS = [(0, 0), (PLOT[0] - 96, 0), (0, PLOT[1] - 24), (PLOT[0] - 96, PLOT[1] - 24)]  # quadrant titles


def _position(effort: float, impact: float) -> tuple[float, float]:
    """The centre of a card for scores on 1..5: effort left to right, impact bottom to top (mm)."""
    x = CARD[0] / 2 + 2 + (effort - 1) / 4 * (PLOT[0] - CARD[0] - 4)
    y = PLOT[1] - (CARD[1] / 2 + 2 + (impact - 1) / 4 * (PLOT[1] - CARD[1] - 4))
    return x, y


@cache
def _steps() -> list[tuple[int, int]]:
    """Moves (mm) to try for a card, nearest first; sideways moves count more than vertical ones."""
    moves = ((dx, dy) for dx in range(-300, 301, 6) for dy in range(-216, 217, 4))
    return sorted(moves, key=lambda step: (1.6 * step[0]) ** 2 + step[1] ** 2)


def _place(wanted: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Top-left corners near each wanted centre, so that no card hides another or a quadrant's title."""
    taken = [(x, y, 96.0, 24.0) for x, y in _CORNERS]
    placed = []
    for cx, cy in wanted:
        best = (cx - CARD[0] / 2, cy - CARD[1] / 2)
        for dx, dy in _steps():
            x, y = cx - CARD[0] / 2 + dx, cy - CARD[1] / 2 + dy
            if not (0 <= x <= PLOT[0] - CARD[0] and 0 <= y <= PLOT[1] - CARD[1]):
                continue
            if all(x + CARD[0] + 1.5 <= ox or ox + w + 1.5 <= x or y + CARD[1] + 1.5 <= oy or oy + h + 1.5 <= y
                   for ox, oy, w, h in taken):
                best = (x, y)
                break
        taken.append((*best, *CARD))
        placed.append(best)
    return placed


def _leaders(exact: list[tuple[float, float]], corners: list[tuple[float, float]]) -> str:
    """Behind the cards: a dot at each card's exact scores, and a line to the card when it had to move."""
    lines = "".join(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{cx + CARD[0] / 2:.1f}" y2="{cy + CARD[1] / 2:.1f}"/>'
                    for (x, y), (cx, cy) in zip(exact, corners))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.3"/>' for x, y in sorted(set(exact)))
    return (f'<svg class="leaders" viewBox="0 0 {PLOT[0]} {PLOT[1]}"><g stroke="#1b4965" stroke-width=".3" '
            f'stroke-dasharray="1 .8">{lines}</g><g fill="#1b4965">{dots}</g></svg>')


def _matrix_sheet(context: dict, journey: Journey | None) -> str:
    lang = context["lang"]
    ticks = [1, 2, 3, 4, 5]
    x_ticks = "".join(f'<span style="left:{0.8 + _position(v, 3)[0]:.1f}mm">{v}</span>' for v in ticks)
    y_ticks = "".join(f'<span style="top:{_position(3, v)[1]:.1f}mm">{v}</span>' for v in ticks)
    how = "".join(f"<p>{part}</p>" for part in _t("how", lang).split("|"))  # our own markup, no user text
    values = {**context, "title": _t("impact_effort", lang), "x_ticks": x_ticks, "y_ticks": y_ticks, "how": how,
              "cards": "", "parking": ""}
    if journey is not None:
        from .opportunities import SCORES, priority

        live = [o for o in journey.opportunities if o.status != "dropped"]
        scored = [o for o in live if all(getattr(o, score) is not None for score in SCORES)]
        ranked = sorted(scored, key=lambda o: (-priority(o.customer_value, o.business_value, o.effort)[1], o.id))
        shown, left = ranked[:MOST_CARDS], ranked[MOST_CARDS:]
        impacts = [priority(o.customer_value, o.business_value, o.effort)[0] for o in shown]
        exact = [_position(o.effort, impact) for o, impact in zip(shown, impacts)]
        corners = _place(exact)
        cards = [_leaders(exact, corners)] if shown else []
        for o, impact, (x, y) in zip(shown, impacts, corners):
            small = [_t("card", lang, impact=_score(impact, lang), effort=_score(o.effort, lang))]
            small += [_t("votes", lang, n=o.votes)] if o.votes else []
            small += [o.owner] if o.owner else []
            cards.append(f'<div class="card" style="left:{x:.1f}mm;top:{y:.1f}mm"><b>{html.escape(o.title.get(lang))}'
                         f'</b><em>{html.escape(" · ".join(small))}</em></div>')
        unscored = [o for o in live if o not in scored] + left
        counts = _t("placed", lang, n=len(shown), m=len(unscored))
        values.update({"title": journey.name.get(lang), "cards": "".join(cards), "meta": html.escape(counts),
                       "parking": _list([o.title.get(lang) for o in unscored], lang, most=12)})
    return _fill(_template("impact_effort.html"), values, lang)
