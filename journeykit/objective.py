"""Step 1: the objective of the map: the problem, the target KPI measured now, the target and the horizon."""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import number
from .kpis import Measure, measure
from .model import Text
from .quarters import Quarter

MAP_TYPES = {
    "current_state": {"en": "current state", "fr": "état actuel"},
    "future_state": {"en": "future state", "fr": "état futur"},
    "day_in_the_life": {"en": "day in the life", "fr": "une journée type"},
    "service_blueprint": {"en": "service blueprint", "fr": "blueprint de service"},
    "onboarding": {"en": "onboarding", "fr": "intégration (onboarding)"},
}


@dataclass
class ObjectiveReview:
    problem: str
    scope: str
    map_type: str
    kpi: str | None  # id
    kpi_name: str | None
    current: Measure | None
    horizon: str | None
    warnings: list[Text]
    owner: str = ""
    focus: list[str] = field(default_factory=list)  # names of the personas the map is drawn for

    def summary(self) -> dict:
        current = self.current.as_dict() if self.current else None
        return {"problem": self.problem, "scope": self.scope, "map_type": self.map_type, "target_kpi": self.kpi,
                "current": current, "horizon": self.horizon, "owner": self.owner, "focus_personas": self.focus,
                "warnings": self.warnings}

    def facts(self, study) -> dict:
        current = self.current
        unit = next((k.unit for k in study.journey.kpis if k.id == self.kpi), "")
        return {
            "quarter": str(study.quarter),
            "problem": self.problem or "-",
            "scope": self.scope or "-",
            "map_type": MAP_TYPES[self.map_type][study.lang],
            "kpi": self.kpi_name or "-",
            "value": _number(None if current is None else current.value, ".1f", study.lang),
            "low": _number(None if current is None else current.low, ".1f", study.lang),
            "high": _number(None if current is None else current.high, ".1f", study.lang),
            "n": 0 if current is None else current.n,
            "target": _number(None if current is None else current.target, "g", study.lang),
            "unit": unit,
            "horizon": self.horizon or "-",
            "owner": self.owner or "-",
            "focus": ", ".join(self.focus) or ("every persona" if study.lang == "en" else "tous les personas"),
            "warnings": "; ".join(warning.get(study.lang) for warning in self.warnings),
        }


def _number(value: float | None, spec: str, lang: str) -> str:
    """A measure as the page prints it: ``-`` when missing, a decimal comma in French.

    >>> _number(1.84, ".1f", "fr"), _number(None, "g", "en"), _number(30.0, "g", "en")
    ('1,8', '-', '30')
    """
    return "-" if value is None else number(value, spec, lang)


def review(study) -> ObjectiveReview:
    """The objective as the workspace states it, with the target KPI measured for ``study``'s quarter."""
    journey, lang = study.journey, study.lang
    objective = journey.objective
    warnings: list[Text] = []
    if not objective.problem:
        warnings.append(Text(en="the problem is not written yet: agree on it first, every later step serves it",
                             fr="le problème n'est pas encore écrit : mettez-vous d'accord dessus d'abord, "
                                "toutes les étapes suivantes le servent"))
    if not objective.scope:
        warnings.append(Text(en="the scope (customers, channels, period) is not written yet",
                             fr="le périmètre (clients, canaux, période) n'est pas encore écrit"))
    kpi = next((k for k in journey.kpis if k.id == objective.target_kpi), None)
    current = None
    if kpi is None:
        warnings.append(Text(en="no target KPI: choose one of the map's KPIs to measure success",
                             fr="pas d'indicateur cible : choisissez l'un des indicateurs de la carte"))
    else:
        current = measure(kpi, study)
        if current.value is None:
            warnings.append(Text(en=f"the target KPI cannot be measured from the data: {current.warning.en}",
                                 fr=f"l'indicateur cible ne peut pas être mesuré : {current.warning.fr}"))
        if kpi.target is None:
            warnings.append(Text(en=f"the target KPI '{kpi.name.en}' has no target value",
                                 fr=f"l'indicateur cible « {kpi.name.fr} » n'a pas de valeur cible"))
    if not objective.owner:
        warnings.append(Text(en="nobody owns the map yet: name the person who updates it every quarter",
                             fr="la carte n'a pas encore de responsable : nommez la personne qui la met à jour "
                                "chaque trimestre"))
    if objective.horizon and Quarter.parse(objective.horizon) < study.quarter:
        warnings.append(Text(en=f"the horizon {objective.horizon} is already past: set a new one",
                             fr=f"l'échéance {objective.horizon} est déjà passée : fixez-en une nouvelle"))
    return ObjectiveReview(objective.problem.get(lang), objective.scope.get(lang), objective.map_type,
                           None if kpi is None else kpi.id, None if kpi is None else kpi.name.get(lang),
                           current, objective.horizon, warnings, objective.owner,
                           [p.name.get(lang) for p in journey.personas if p.id in objective.focus_personas])
