"""The pieces every printable canvas is made of: labels, templates, icons, lists, sticky notes and numbers.

:mod:`journeykit.canvases` builds its pages from these (through :mod:`journeykit.canvas_sheets` and
:mod:`journeykit.canvas_matrix`). :data:`LABELS` holds every word a canvas prints, in English and French;
:func:`fill` fills a template of ``templates/canvases/`` (holes ``{{name}}``, ``{{name|html}}`` and
``{{t.key}}``, see :mod:`journeykit.canvases`); the other functions turn workspace values into escaped markup
and numbers into the page language's way of writing them.

Examples
--------
>>> fill("<h1>{{t.goals}}</h1><p>{{name}}</p>", {"name": "<b>"}, "fr")
'<h1>Objectifs</h1><p>&lt;b&gt;</p>'
>>> text_list(["Pay less", "", "Compare prices"], "en", most=1)
'<ul class="items"><li>Pay less</li><li class="more">+ 1 more</li></ul>'
>>> number_text(12345, "en"), percent_text(0.4, "en"), signed_text(-2, "fr"), score_text(4.5, "fr")
('12,345', '40%', '−2,0', '4,5')
"""

from __future__ import annotations

import html
import math
import re
from functools import cache

from .i18n import LANGS
from .i18n import label as _i18n
from .model import Text
from .privacy import redact
from .templates import TEMPLATES

CANVASES = TEMPLATES / "canvases"
MOST = {"touchpoints": 6, "actions": 5, "thoughts": 4, "pain_points": 4, "opportunities": 4, "kpis": 3,
        "owners": 6, "notes": 8, "list": 7}

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
ICONS = {  # 24 x 24 line drawings, in the heading colour
    "says": '<path d="M4 5h16v10H10l-4 4v-4H4z"/>',
    "thinks": '<path d="M7 15a4 4 0 0 1-.5-8 5 5 0 0 1 9.5-1 4 4 0 0 1 1 8z"/><circle cx="7" cy="19" r="1.4"/>'
              '<circle cx="4" cy="22" r=".8"/>',
    "does": '<path d="M5 12l4 4 10-10"/><path d="M4 20h16"/>',
    "feels": '<path d="M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z"/>',
    "persona": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-5 4.5-7 8-7s7 2 8 7"/>',
}


def label(key: str, lang: str, **values: object) -> str:
    """The label ``key`` of :data:`LABELS` in ``lang``, with its ``{fields}`` filled from ``values``."""
    text = LABELS[key][LANGS.index(lang)]
    return text.format(**values) if values else text


@cache
def read_template(name: str) -> str:
    """The text of the file ``name`` of ``templates/canvases/`` (read once)."""
    return (CANVASES / name).read_text(encoding="utf-8")


def fill(template: str, values: dict[str, object], lang: str) -> str:
    """``template`` with its holes filled: labels translated, values escaped, ``|html`` markup as given."""
    def hole(match: re.Match) -> str:
        translated, name, markup = match.groups()
        if translated:
            return html.escape(label(name, lang))
        if name not in values:
            raise KeyError(f"the canvas template has a hole {{{{{name}}}}} that nothing fills")
        return str(values[name]) if markup else html.escape(str(values[name]))
    return _HOLE.sub(hole, template)


def icon(name: str) -> str:
    """The line drawing ``name`` of :data:`ICONS` as an inline SVG."""
    return (f'<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" '
            f'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{ICONS[name]}</svg>')


def blank_fields(lang: str) -> str:
    """The journey, team and date fields of a blank canvas, with a line to write on."""
    return '<div class="fields">' + "".join(
        f'<div class="field"><span>{html.escape(label(key, lang))}</span><div class="write"></div></div>'
        for key in ("journey", "team", "date")) + "</div>"


def more_text(hidden: int, lang: str) -> str:
    """What a list says of the items it does not show (``+ 3 more``), escaped."""
    return html.escape(label("more", lang, n=hidden))


def markup_list(items: list[str], lang: str, most: int) -> str:
    """Markup items (already escaped) as a bullet list; the ones past ``most`` counted."""
    if not items:
        return ""
    shown = [f"<li>{item}</li>" for item in items[:most]]
    if len(items) > most:
        shown.append(f'<li class="more">{more_text(len(items) - most, lang)}</li>')
    return f'<ul class="items">{"".join(shown)}</ul>'


def text_list(texts: list[str], lang: str, most: int = MOST["list"]) -> str:
    """Escaped texts as a bullet list (empty string for none), the ones past ``most`` counted."""
    return markup_list([html.escape(text) for text in texts if text], lang, most)


def sticky_notes(notes: list[tuple[str, str, str]], lang: str, most: int = MOST["notes"], tone: str = "") -> str:
    """Sticky notes ``(text, small print, colour class)``, escaped; the ones past ``most`` counted."""
    if not notes:
        return ""
    shown = [f'<div class="note {tone or colour}">{html.escape(text)}'
             + (f"<em>{html.escape(small)}</em>" if small else "") + "</div>" for text, small, colour in notes[:most]]
    if len(notes) > most:
        shown.append(f'<div class="more">{more_text(len(notes) - most, lang)}</div>')
    return f'<div class="notes items">{"".join(shown)}</div>'


def paragraph(text: str) -> str:
    """``text`` escaped as a paragraph (empty string for none)."""
    return f'<p class="items">{html.escape(text)}</p>' if text else ""


def redacted(text: Text | str, lang: str) -> str:
    """A text from the workspace that may hold customers' words, with personal data redacted."""
    value = text.get(lang) if isinstance(text, Text) else text
    return redact(value, lang) or ""


def number_text(value: float, lang: str) -> str:
    """A whole number with thousands separated: ``12,345`` (in French ``12 345``, a narrow no-break space)."""
    text = f"{value:,.0f}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def percent_text(share: float, lang: str) -> str:
    """A share (0..1) as a whole percentage: ``40%`` (in French ``40 %``, a no-break space)."""
    return f"{100 * share:.0f}\u00a0%" if lang == "fr" else f"{100 * share:.0f}%"


def signed_text(value: float, lang: str) -> str:
    """An emotion with its sign and one decimal: ``+1.5``, ``−2.0`` (``+1,5`` in French), ``0.0`` for zero."""
    text = "0.0" if round(value, 1) == 0 else f"{value:+.1f}".replace("-", "\u2212")
    return text.replace(".", ",") if lang == "fr" else text


def score_text(value: float, lang: str) -> str:
    """A score with one decimal, none when it is whole: ``4.5``, ``2`` (``4,5`` in French)."""
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "fr" else text


def share_of(persona, stats: dict) -> float | None:
    """The persona's share of customers: the quarter's (None when step 3 hid a small group), else the map's."""
    if "share" in stats:
        return stats["share"]
    return None if persona is None else persona.share


def assumed_emotion(touchpoint, persona: str | None) -> float:
    """The workshop's emotion for a touchpoint: the persona's (else ``all``'s), or ``all``, or the mean."""
    values = touchpoint.assumed_emotion
    if persona is not None and persona in values:
        return float(values[persona])
    if "all" in values:
        return float(values["all"])
    return float(sum(values.values()) / len(values)) if values and persona is None else math.nan
