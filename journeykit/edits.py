"""Changes a workshop makes to the map, as functions from one journey to the next.

Each builder returns a ``change(journey) -> journey`` for :meth:`journeykit.workspace.Workspace.update`,
which applies it to the newest version on disk under the workspace's lock: two people editing different
things at the same time both keep their change. :func:`journeykit.board.apply` checks the facilitator's
section locks first. Builders never touch the disk; they raise :class:`EditError` (with the message in
English and French) when the change itself makes no sense, and leave the full model validation (cross
references, ranges) to the save.

Texts are edited in the language of the session. When the other language held the same text (a text never
translated), both are changed, so that the map does not keep a stale translation.

Examples
--------
>>> from journeykit.model import Journey, Stage, Text
>>> journey = Journey(name="Demo", stages=[Stage(id="buy", name=Text(en="Buy", fr="Acheter"))])
>>> rename_stage("buy", "Commander", "fr")(journey).stages[0].name
Text(en='Buy', fr='Commander')
>>> slug("Première visite !", {"premiere_visite"})
'premiere_visite_2'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Iterable

from .errors import JourneyKitError
from .model import QUARTER_PATTERN, Journey, Kpi, Opportunity, PainPoint, Persona, Stage, Text, Touchpoint

Change = Callable[[Journey], Journey]
PERSONA_TEXTS = ("name", "description", "quote")
PERSONA_LISTS = ("goals", "frustrations")


class EditError(JourneyKitError, ValueError):
    """A workshop change that cannot be made; ``en`` and ``fr`` hold the message for the screen."""

    def __init__(self, en: str, fr: str):
        self.en, self.fr = en, fr
        super().__init__(en)

    def text(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def retext(text: Text, value: str, lang: str) -> Text:
    """``text`` with its ``lang`` part set to ``value`` (both parts when they were the same, or the other empty)."""
    value = value.strip()
    other = "en" if lang == "fr" else "fr"
    current = getattr(text, lang)
    if getattr(text, other) == current or not getattr(text, other):
        return Text(**{lang: value, other: value})
    return text.model_copy(update={lang: value})


def relist(texts: list[Text], lines: Iterable[str], lang: str) -> list[Text]:
    """One text per non-empty line, keeping the other language of lines that did not change."""
    result = []
    for index, line in enumerate(line.strip() for line in lines if line.strip()):
        if index >= len(texts):
            result.append(Text(en=line, fr=line))
        else:
            result.append(texts[index] if texts[index].get(lang) == line else retext(texts[index], line, lang))
    return result


def slug(name: str, taken: Iterable[str] = ()) -> str:
    """An identifier made of ``name`` (ASCII, lower case, ``_``), unique among ``taken``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:56] or "item"
    base = base if base[0].isalpha() else f"x_{base}"
    taken = set(taken)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}_{number}"
    return candidate


def _find(items: list, identifier: str, kind_en: str, kind_fr: str):
    for index, item in enumerate(items):
        if item.id == identifier:
            return index, item
    raise EditError(f"There is no {kind_en} {identifier!r} in the map any more; reload the page.",
                    f"Il n'y a plus de {kind_fr} « {identifier} » dans la carte ; rechargez la page.")


def _replace(items: list, index: int, item) -> list:
    return items[:index] + [item] + items[index + 1:]


def _quarter(value: str) -> str | None:
    cleaned = value.strip().upper().replace("-", "").replace(" ", "")
    if cleaned and not re.fullmatch(QUARTER_PATTERN, cleaned):
        raise EditError(f"{value!r} is not a quarter: write it like 2027Q2.",
                        f"« {value} » n'est pas un trimestre : écrivez-le comme 2027Q2.")
    return cleaned or None


def _needs(value: str, what_en: str, what_fr: str) -> str:
    if not value.strip():
        raise EditError(f"Give the {what_en} a name.", f"Donnez un nom à {what_fr}.")
    return value.strip()


# --- objective and KPIs -----------------------------------------------------------------------------------

def set_objective(lang: str, *, problem: str | None = None, scope: str | None = None,
                  target_kpi: str | None = None, horizon: str | None = None, map_type: str | None = None,
                  owner: str | None = None, focus_personas: list[str] | None = None,
                  target: float | None = None) -> Change:
    """Change the fields of the objective that are given (``None`` keeps a field as it is).

    ``target`` is the target value of ``target_kpi`` (stored on that KPI, where the report reads it);
    ``target_kpi=""`` clears the target KPI.
    """
    def change(journey: Journey) -> Journey:
        objective = journey.objective
        update: dict = {}
        if problem is not None:
            update["problem"] = retext(objective.problem, problem, lang)
        if scope is not None:
            update["scope"] = retext(objective.scope, scope, lang)
        if target_kpi is not None:
            update["target_kpi"] = target_kpi or None
        if horizon is not None:
            update["horizon"] = _quarter(horizon)
        if map_type is not None:
            update["map_type"] = map_type
        if owner is not None:
            update["owner"] = owner.strip()
        if focus_personas is not None:
            update["focus_personas"] = list(focus_personas)
        changed = journey.model_copy(update={"objective": objective.model_copy(update=update)})
        kpi_id = update.get("target_kpi", objective.target_kpi)
        if target is not None and kpi_id:
            changed = set_kpi(kpi_id, lang, target=target)(changed)
        return changed
    return change


def set_kpi(kpi_id: str, lang: str, *, name: str | None = None, target: float | None = None,
            owner: str | None = None, definition: str | None = None, stage: str | None = None,
            clear_target: bool = False) -> Change:
    """Change a KPI's name, target (``clear_target`` removes it), owner, definition or stage."""
    def change(journey: Journey) -> Journey:
        index, kpi = _find(journey.kpis, kpi_id, "KPI", "indicateur")
        update: dict = {}
        if name is not None:
            update["name"] = retext(kpi.name, _needs(name, "KPI", "l'indicateur"), lang)
        if target is not None or clear_target:
            update["target"] = None if clear_target else float(target)
        if owner is not None:
            update["owner"] = owner.strip()
        if definition is not None:
            update["definition"] = retext(kpi.definition, definition, lang)
        if stage is not None:
            update["stage"] = stage or None
        return journey.model_copy(update={"kpis": _replace(journey.kpis, index, kpi.model_copy(update=update))})
    return change


def add_kpi(name: str, lang: str, metric: str = "custom") -> Change:
    """Add a KPI named ``name`` (its definition, target and owner are filled in afterwards)."""
    def change(journey: Journey) -> Journey:
        title = _needs(name, "KPI", "l'indicateur")
        kpi = Kpi(id=slug(title, (k.id for k in journey.kpis)), name=Text(en=title, fr=title), metric=metric)
        return journey.model_copy(update={"kpis": journey.kpis + [kpi]})
    return change


# --- personas ---------------------------------------------------------------------------------------------

def set_persona(persona_id: str, lang: str, **texts: str | list[str]) -> Change:
    """Rewrite a persona's ``name``, ``description``, ``quote`` (strings) or ``goals``, ``frustrations``
    (one line each); a data persona remembers which texts people rewrote (``Persona.edited``)."""
    unknown = set(texts) - set(PERSONA_TEXTS) - set(PERSONA_LISTS)
    if unknown:
        raise ValueError(f"set_persona() got unknown fields {sorted(unknown)}; allowed: "
                         f"{', '.join(PERSONA_TEXTS + PERSONA_LISTS)}")

    def change(journey: Journey) -> Journey:
        index, persona = _find(journey.personas, persona_id, "persona", "persona")
        update: dict = {}
        for field, value in texts.items():
            if field in PERSONA_LISTS:
                lines = value.splitlines() if isinstance(value, str) else value
                new = relist(getattr(persona, field), lines, lang)
            else:
                if field == "name":
                    value = _needs(value, "persona", "le persona")
                new = retext(getattr(persona, field), value, lang)
            if new != getattr(persona, field):
                update[field] = new
        if not update:
            return journey
        if persona.origin == "data":
            update["edited"] = sorted(set(persona.edited) | set(update))
        changed = persona.model_copy(update=update)
        return journey.model_copy(update={"personas": _replace(journey.personas, index, changed)})
    return change


def add_persona(name: str, lang: str) -> Change:
    """Add a workshop persona (a hypothesis the data has not shown yet)."""
    def change(journey: Journey) -> Journey:
        title = _needs(name, "persona", "le persona")
        persona = Persona(id=slug(title, (p.id for p in journey.personas)), name=Text(en=title, fr=title))
        return journey.model_copy(update={"personas": journey.personas + [persona]})
    return change


# --- stages and touchpoints -------------------------------------------------------------------------------

def rename_stage(stage_id: str, name: str, lang: str) -> Change:
    def change(journey: Journey) -> Journey:
        index, stage = _find(journey.stages, stage_id, "stage", "étape")
        renamed = stage.model_copy(update={"name": retext(stage.name, _needs(name, "stage", "l'étape"), lang)})
        return journey.model_copy(update={"stages": _replace(journey.stages, index, renamed)})
    return change


def move_stage(stage_id: str, offset: int) -> Change:
    """Move a stage ``offset`` places later (negative: earlier) in the journey's order."""
    def change(journey: Journey) -> Journey:
        index, stage = _find(journey.stages, stage_id, "stage", "étape")
        stages = journey.stages[:index] + journey.stages[index + 1:]
        target = min(max(index + offset, 0), len(stages))
        return journey.model_copy(update={"stages": stages[:target] + [stage] + stages[target:]})
    return change


def add_stage(name: str, lang: str, after: str | None = None) -> Change:
    """Add a stage after ``after`` (at the end when ``None``)."""
    def change(journey: Journey) -> Journey:
        title = _needs(name, "stage", "l'étape")
        stage = Stage(id=slug(title, journey.stage_ids()), name=Text(en=title, fr=title))
        position = len(journey.stages) if after is None else _find(journey.stages, after, "stage", "étape")[0] + 1
        return journey.model_copy(update={"stages": journey.stages[:position] + [stage] + journey.stages[position:]})
    return change


def remove_stage(stage_id: str) -> Change:
    """Remove a stage that nothing refers to; otherwise say what still refers to it."""
    def change(journey: Journey) -> Journey:
        index, stage = _find(journey.stages, stage_id, "stage", "étape")
        users = [t.id for t in journey.touchpoints if t.stage == stage_id] + \
            [p.id for p in journey.pain_points if p.stage == stage_id] + \
            [k.id for k in journey.kpis if k.stage == stage_id]
        if users:
            listed = ", ".join(users[:6]) + (" ..." if len(users) > 6 else "")
            raise EditError(f"The stage {stage_id!r} is still used by {listed}: move them to another stage first.",
                            f"L'étape « {stage_id} » est encore utilisée par {listed} : déplacez-les d'abord "
                            "vers une autre étape.")
        return journey.model_copy(update={"stages": journey.stages[:index] + journey.stages[index + 1:]})
    return change


def set_touchpoint(touchpoint_id: str, lang: str, *, name: str | None = None, stage: str | None = None,
                   channel: str | None = None, owner: str | None = None, kind: str | None = None) -> Change:
    def change(journey: Journey) -> Journey:
        index, touchpoint = _find(journey.touchpoints, touchpoint_id, "touchpoint", "point de contact")
        update: dict = {key: value for key, value in
                        {"stage": stage, "channel": channel, "kind": kind}.items() if value is not None}
        if owner is not None:
            update["owner"] = owner.strip()
        if name is not None:
            update["name"] = retext(touchpoint.name, _needs(name, "touchpoint", "le point de contact"), lang)
        changed = touchpoint.model_copy(update=update)
        return journey.model_copy(update={"touchpoints": _replace(journey.touchpoints, index, changed)})
    return change


def add_touchpoint(name: str, stage: str, channel: str, lang: str, owner: str = "",
                   kind: str = "owned") -> Change:
    def change(journey: Journey) -> Journey:
        title = _needs(name, "touchpoint", "le point de contact")
        touchpoint = Touchpoint(id=slug(title, (t.id for t in journey.touchpoints)), name=Text(en=title, fr=title),
                                stage=stage, channel=channel, owner=owner.strip(), kind=kind)
        return journey.model_copy(update={"touchpoints": journey.touchpoints + [touchpoint]})
    return change


def set_assumed_emotion(touchpoint_id: str, persona: str, value: float | None) -> Change:
    """Set the workshop's belief (-2..+2) for one touchpoint and persona (``all``); ``None`` removes it."""
    def change(journey: Journey) -> Journey:
        index, touchpoint = _find(journey.touchpoints, touchpoint_id, "touchpoint", "point de contact")
        beliefs = {key: level for key, level in touchpoint.assumed_emotion.items() if key != persona}
        if value is not None:
            beliefs[persona] = float(value)
        changed = touchpoint.model_copy(update={"assumed_emotion": beliefs})
        return journey.model_copy(update={"touchpoints": _replace(journey.touchpoints, index, changed)})
    return change


# --- pain points and opportunities ------------------------------------------------------------------------

def add_pain_point(title: str, stage: str, lang: str, touchpoint: str | None = None) -> Change:
    def change(journey: Journey) -> Journey:
        text = _needs(title, "pain point", "le point de douleur")
        pain = PainPoint(id=slug(text, (p.id for p in journey.pain_points)), title=Text(en=text, fr=text),
                         stage=stage, touchpoint=touchpoint or None)
        return journey.model_copy(update={"pain_points": journey.pain_points + [pain]})
    return change


def set_pain_point(pain_id: str, lang: str, *, title: str | None = None, severity: float | None = None) -> Change:
    def change(journey: Journey) -> Journey:
        index, pain = _find(journey.pain_points, pain_id, "pain point", "point de douleur")
        update: dict = {}
        if title is not None:
            update["title"] = retext(pain.title, _needs(title, "pain point", "le point de douleur"), lang)
        if severity is not None:
            update["severity"] = float(severity)
        changed = pain.model_copy(update=update)
        return journey.model_copy(update={"pain_points": _replace(journey.pain_points, index, changed)})
    return change


def add_opportunity(title: str, lang: str, pain_points: list[str] = ()) -> Change:
    def change(journey: Journey) -> Journey:
        text = _needs(title, "opportunity", "l'opportunité")
        item = Opportunity(id=slug(text, (o.id for o in journey.opportunities)), title=Text(en=text, fr=text),
                           pain_points=list(pain_points))
        return journey.model_copy(update={"opportunities": journey.opportunities + [item]})
    return change


def set_opportunity(opportunity_id: str, lang: str, *, title: str | None = None,
                    customer_value: float | None = None, business_value: float | None = None,
                    effort: float | None = None, owner: str | None = None, status: str | None = None) -> Change:
    """Place an opportunity on the impact/effort matrix (scores 1-5) or change its owner and status."""
    def change(journey: Journey) -> Journey:
        index, item = _find(journey.opportunities, opportunity_id, "opportunity", "opportunité")
        update: dict = {key: float(value) for key, value in {"customer_value": customer_value,
                        "business_value": business_value, "effort": effort}.items() if value is not None}
        if title is not None:
            update["title"] = retext(item.title, _needs(title, "opportunity", "l'opportunité"), lang)
        if owner is not None:
            update["owner"] = owner.strip()
        if status is not None:
            update["status"] = status
        changed = item.model_copy(update=update)
        return journey.model_copy(update={"opportunities": _replace(journey.opportunities, index, changed)})
    return change


def set_votes(kind: str, counts: dict[str, int]) -> Change:
    """Write a dot-vote tally on the pain points or opportunities (``kind``); items not in ``counts``: 0."""
    if kind not in ("pain_points", "opportunities"):
        raise ValueError(f"kind must be 'pain_points' or 'opportunities'. Got {kind!r} instead.")

    def change(journey: Journey) -> Journey:
        items = [item.model_copy(update={"votes": int(counts.get(item.id, 0))}) for item in getattr(journey, kind)]
        return journey.model_copy(update={kind: items})
    return change


def chain(changes: Iterable[Change]) -> Change:
    """One change that applies ``changes`` in order (saved as one version)."""
    changes = list(changes)

    def change(journey: Journey) -> Journey:
        for one in changes:
            journey = one(journey)
        return journey
    return change
