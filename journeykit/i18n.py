"""Labels in English and French for everything a facilitator or an executive reads.

Examples
--------
>>> label("rows", "fr")
'lignes'
>>> label("funnel_title", "fr")
'Clients par étape ce trimestre'
"""

from __future__ import annotations

from .errors import ParameterError

LANGS = ("en", "fr")

LABELS: dict[str, dict[str, str]] = {
    "rows": {"en": "rows", "fr": "lignes"},
    "customers": {"en": "customers", "fr": "clients"},
    "stage": {"en": "Stage", "fr": "Étape"},
    "conversion": {"en": "Conversion to a later stage", "fr": "Passage à une étape suivante"},
    "funnel_title": {"en": "Customers per stage this quarter", "fr": "Clients par étape ce trimestre"},
    "median_days": {"en": "Median days before the next stage", "fr": "Jours médians avant l'étape suivante"},
    "durations_title": {"en": "Time spent per stage", "fr": "Temps passé par étape"},
    "conversion_split_title": {"en": "Conversion per stage", "fr": "Passage par étape"},
    "coverage_title": {"en": "Touchpoint coverage: stages x channel kinds",
                       "fr": "Couverture des points de contact : étapes x types de canaux"},
    "kind_digital": {"en": "Digital", "fr": "Numérique"},
    "kind_phone": {"en": "Phone", "fr": "Téléphone"},
    "kind_in_person": {"en": "In person", "fr": "En personne"},
    "kind_indirect": {"en": "Indirect", "fr": "Indirect"},
    "emotion": {"en": "Emotion (-2 to +2)", "fr": "Émotion (-2 à +2)"},
    "emotion_title": {"en": "Emotion curve: measured (line and band) vs assumed in the workshop (dashes)",
                      "fr": "Courbe des émotions : mesurée (ligne et bande) et supposée en atelier (tirets)"},
    "effort": {"en": "Effort", "fr": "Effort"},
    "impact": {"en": "Impact (customer and business value)", "fr": "Impact (valeur client et entreprise)"},
    "impact_effort_title": {"en": "Opportunities: impact vs effort", "fr": "Opportunités : impact et effort"},
    "quadrant_quick_wins": {"en": "Quick wins", "fr": "Gains rapides"},
    "quadrant_big_bets": {"en": "Big bets", "fr": "Grands projets"},
    "quadrant_fill_ins": {"en": "Fill-ins", "fr": "Bouche-trous"},
    "quadrant_money_pits": {"en": "Money pits", "fr": "Gouffres"},
    "lane_frontstage": {"en": "Touchpoints (frontstage)", "fr": "Points de contact (front-office)"},
    "lane_channels": {"en": "Channels", "fr": "Canaux"},
    "lane_backstage": {"en": "Backstage processes", "fr": "Processus internes (back-office)"},
    "lane_systems": {"en": "Systems", "fr": "Systèmes"},
    "lane_owners": {"en": "Owners", "fr": "Responsables"},
    "blueprint_title": {"en": "Service blueprint", "fr": "Blueprint de service"},
    "completeness_title": {"en": "Completeness of each column", "fr": "Complétude de chaque colonne"},
    "kpi_title": {"en": "KPIs now (point, 95% interval) vs target (tick)",
                  "fr": "Indicateurs actuels (point, intervalle à 95 %) et cible (trait)"},
}


def pick(lang: str, en: str, fr: str) -> str:
    """The English or the French of a message built in code (a warning with numbers in it).

    Examples
    --------
    >>> pick("fr", "no survey source", "pas de source d'enquête")
    "pas de source d'enquête"
    """
    return fr if lang == "fr" else en


def label(key: str, lang: str = "en", **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    if lang not in LANGS:
        raise ParameterError.invalid("lang", "journeykit", "'en' or 'fr'", lang)
    return LABELS[key][lang].format(**values)


def number(value: float, spec: str, lang: str) -> str:
    """``value`` formatted by ``spec``, the French way in French: thin space between thousands, decimal comma,
    space before ``%``.

    >>> number(1234.5, ",.1f", "en"), number(1234.5, ",.1f", "fr"), number(0.453, ".0%", "fr")
    ('1,234.5', '1\u202f234,5', '45\u202f%')
    """
    text = format(value, spec)
    if lang != "fr":
        return text
    return text.replace(",", "\u202f").replace(".", ",").replace("%", "\u202f%")
