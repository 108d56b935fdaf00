"""The journey map as a validated model: what ``journey.yaml`` may contain.

The model is the single source of truth for a journey: the objective, the personas, the ordered stages,
the touchpoints per stage and channel, pain points, opportunities, KPIs, validation records and the
``sources:`` that connect the map to data files. Every identifier is a short slug (``pricing_page``) so
that data files, notebooks and reports can refer to it; every text a facilitator or an executive reads is
a :class:`Text` that holds English and French.

Validation collects every problem: field errors come from pydantic, cross references (a touchpoint on an
unknown stage, a duplicated id) are checked by :meth:`Journey.reference_problems`. Line numbers are added
by :mod:`journeykit.workspace`, which reads the YAML.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import Problem

SCHEMA_VERSION = 1
LANGUAGES = ("en", "fr")
QUARTER_PATTERN = r"^\d{4}Q[1-4]$"

Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Quarter = Annotated[str, Field(pattern=QUARTER_PATTERN)]

MapType = Literal["current_state", "future_state", "day_in_the_life", "service_blueprint", "onboarding"]
ChannelKind = Literal["digital", "phone", "in_person", "indirect"]
TouchpointKind = Literal["owned", "partner", "earned", "indirect"]
Origin = Literal["workshop", "data", "template"]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Text(Strict):
    """A text in English and French; a plain string in YAML means the same text in both.

    Examples
    --------
    >>> Text.model_validate("NPS").get("fr")
    'NPS'
    >>> Text(en="Discover", fr="Découvrir").get("fr")
    'Découvrir'
    >>> Text(en="Only English").get("fr")
    'Only English'
    """

    en: str = ""
    fr: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"en": value, "fr": value}
        return value

    def get(self, lang: str = "en") -> str:
        """The text in ``lang``, or in the other language when that one is empty."""
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}. Got {lang!r} instead.")
        return getattr(self, lang) or self.en or self.fr

    def __bool__(self) -> bool:
        return bool(self.en or self.fr)


def _texts(value: Any) -> Any:
    return [] if value is None else value


class Objective(Strict):
    """Step 1: why this journey is mapped and how success is measured.

    The target value lives on the target KPI (``kpis[].target``), so that it is written once. ``owner``
    is the person accountable for the map (who updates it every quarter); ``focus_personas`` the personas
    the map is drawn for (empty: every persona).
    """

    problem: Text = Field(default_factory=Text)
    target_kpi: Slug | None = None
    horizon: Quarter | None = None
    scope: Text = Field(default_factory=Text)
    map_type: MapType = "current_state"
    owner: str = ""
    focus_personas: list[Slug] = Field(default_factory=list)


class Channel(Strict):
    """A way customers reach the company; ``kind`` groups channels for the coverage matrix."""

    id: Slug
    name: Text
    kind: ChannelKind


class Persona(Strict):
    """A group of customers; discovered from data (``origin: data``) or proposed in a workshop.

    ``edited`` lists the texts of a data persona that people rewrote in a workshop: step 3 keeps them when
    it refreshes the persona from a new quarter's data (and refreshes the others).
    """

    id: Slug
    name: Text
    description: Text = Field(default_factory=Text)
    goals: list[Text] = Field(default_factory=list)
    frustrations: list[Text] = Field(default_factory=list)
    quote: Text = Field(default_factory=Text)
    share: float | None = Field(default=None, ge=0, le=1)
    origin: Origin = "workshop"
    edited: list[Literal["name", "description", "goals", "frustrations", "quote"]] = Field(default_factory=list)

    _lists = field_validator("goals", "frustrations", mode="before")(_texts)


class Stage(Strict):
    """One column of the map; the order of ``stages:`` in the file is the order of the journey."""

    id: Slug
    name: Text
    description: Text = Field(default_factory=Text)
    expected_days: float | None = Field(default=None, ge=0)


class Touchpoint(Strict):
    """A moment where the customer meets the company, on one stage and one channel.

    ``events`` lists the raw event names of the data that mean this touchpoint (many-to-one), so an event
    log works without renaming anything. ``assumed_emotion`` is the workshop's belief on the -2..+2 scale,
    per persona id (``all`` for every persona), compared later with the measured curve. ``state`` places
    the touchpoint on the current-state map, the future-state map, or both (the default); a map with
    current-only or future-only touchpoints is drawn as both states side by side.
    """

    id: Slug
    name: Text
    stage: Slug
    channel: Slug
    kind: TouchpointKind = "owned"
    owner: str = ""
    backstage: Text = Field(default_factory=Text)
    systems: list[str] = Field(default_factory=list)
    events: list[str] = Field(default_factory=list)
    actions: list[Text] = Field(default_factory=list)
    thoughts: list[Text] = Field(default_factory=list)
    assumed_emotion: dict[str, Annotated[float, Field(ge=-2, le=2)]] = Field(default_factory=dict)
    state: Literal["current", "future", "both"] = "both"
    origin: Origin = "workshop"

    _lists = field_validator("actions", "thoughts", mode="before")(_texts)


class PainPoint(Strict):
    """Something that hurts the customer, with the evidence behind it."""

    id: Slug
    title: Text
    stage: Slug
    touchpoint: Slug | None = None
    description: Text = Field(default_factory=Text)
    evidence: Text = Field(default_factory=Text)
    customers_affected: int | None = Field(default=None, ge=0)
    severity: float | None = Field(default=None, ge=0, le=5)
    quarter: Quarter | None = None
    origin: Origin = "workshop"
    votes: int = Field(default=0, ge=0)


class Opportunity(Strict):
    """A change that removes pain points; scores are 1-5 (effort: 5 = most effort)."""

    id: Slug
    title: Text
    pain_points: list[Slug] = Field(default_factory=list)
    customer_value: float | None = Field(default=None, ge=1, le=5)
    business_value: float | None = Field(default=None, ge=1, le=5)
    effort: float | None = Field(default=None, ge=1, le=5)
    owner: str = ""
    status: Literal["idea", "planned", "in_progress", "done", "dropped"] = "idea"
    votes: int = Field(default=0, ge=0)


class Kpi(Strict):
    """A measured indicator with an explicit definition, a target and an owner.

    Values and targets are in the unit people use for the metric: NPS in points from -100 to 100; CSAT
    (top-2-box), FCR, conversion, churn, retention and self-service rate in percent (0-100); CES in
    points of its 1-7 scale. ``higher_is_better`` defaults to the metric's direction (lower is better for
    CES and churn).
    """

    id: Slug
    name: Text
    definition: Text = Field(default_factory=Text)
    metric: Literal[
        "nps", "csat", "ces", "fcr", "conversion", "churn", "retention", "self_service", "custom"
    ] = "custom"
    stage: Slug | None = None
    unit: str = ""
    target: float | None = None
    higher_is_better: bool | None = None
    owner: str = ""

    @property
    def better_when_higher(self) -> bool:
        if self.higher_is_better is not None:
            return self.higher_is_better
        return self.metric not in ("ces", "churn")


class ValidationRecord(Strict):
    """What step 10 concluded for one quarter."""

    quarter: Quarter
    date: str
    conformance: float | None = Field(default=None, ge=0, le=1)
    status: Literal["valid", "needs_changes", "invalid"] = "needs_changes"
    changes: list[Text] = Field(default_factory=list)
    notes: Text = Field(default_factory=Text)


class SourceOptions(Strict):
    """How to read one file when detection is not enough (every field is optional)."""

    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    encoding: str | None = None
    decimal: Literal[".", ","] | None = None
    date_format: str | None = None
    sheet: str | int | None = None
    skip_rows: int = Field(default=0, ge=0)


class Source(Strict):
    """Where a logical table comes from and how its columns are named in the file.

    ``path`` is relative to the workspace (a glob such as ``data/events_*.parquet`` reads several files);
    ``columns`` maps journeykit's column names to the file's; ``values`` maps raw values to journeykit's
    per column (``channel: {Internet: web}``); ``patterns`` extracts the value from text with a regular
    expression that has one group (``score: 'note de ([0-9,]+)'``); ``attributes`` keeps more file columns
    (customers only) as persona features.
    """

    path: str | list[str]
    columns: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    patterns: dict[str, str] = Field(default_factory=dict)
    attributes: list[str] = Field(default_factory=list)
    options: SourceOptions = Field(default_factory=SourceOptions)

    @field_validator("patterns")
    @classmethod
    def _one_group(cls, patterns: dict[str, str]) -> dict[str, str]:
        for column, pattern in patterns.items():
            try:
                groups = re.compile(pattern).groups
            except re.error as error:
                raise ValueError(f"pattern for {column!r} is not a regular expression: {error}") from None
            if groups != 1:
                raise ValueError(f"pattern for {column!r} must have exactly one (group); it has {groups}")
        return patterns

    @property
    def paths(self) -> list[str]:
        return [self.path] if isinstance(self.path, str) else list(self.path)


class Sources(Strict):
    """The logical tables; each is optional, and a step that needs a missing one says so."""

    customers: Source | None = None
    events: Source | None = None
    survey: Source | None = None
    tickets: Source | None = None
    interviews: Source | None = None


SIZE = r"^\s*\d+(\.\d+)?\s*([KMGT]i?B)\s*$"  # what DuckDB accepts: 500MB, 12GB, 1.5TiB


class Engine(Strict):
    """Where event-level analyses run: embedded DuckDB, or an existing Spark cluster.

    DuckDB (``backend: duckdb``, the default) runs inside the analyst's process: ``memory_limit`` (default
    60 % of the machine's memory) and ``threads`` (default: every core) bound it, and it spills what does
    not fit to ``.journeykit/spill`` up to ``max_temp_size`` (default: half the free disk there, at most
    100 GB); a query that needs more stops with an error saying which setting to raise.

    Spark (``backend: spark``) sends the same queries to a cluster: ``master`` (``local[4]``,
    ``spark://host:7077``, ``yarn``, ``k8s://...``; default: what ``spark-submit`` or ``SPARK_HOME`` set,
    else ``local[*]``), ``app_name`` as the cluster lists it, and any Spark property under ``spark:``
    (``spark.executor.memory: 8g``).
    """

    backend: Literal["duckdb", "spark"] = "duckdb"
    memory_limit: str | None = Field(default=None, pattern=SIZE)
    threads: int | None = Field(default=None, ge=1)
    max_temp_size: str | None = Field(default=None, pattern=SIZE)
    master: str | None = None
    app_name: str = "journeykit"
    spark: dict[str, str] = Field(default_factory=dict)


class Privacy(Strict):
    """Privacy settings; groups smaller than ``min_group_size`` are never shown."""

    min_group_size: int = Field(default=10, ge=1)


DEFAULT_CHANNELS = [
    Channel(id="web", name=Text(en="Website", fr="Site web"), kind="digital"),
    Channel(id="app", name=Text(en="Mobile app", fr="Application mobile"), kind="digital"),
    Channel(id="email", name=Text(en="E-mail", fr="E-mail"), kind="digital"),
    Channel(id="chat", name=Text(en="Chat", fr="Chat"), kind="digital"),
    Channel(id="social", name=Text(en="Social media", fr="Réseaux sociaux"), kind="digital"),
    Channel(id="phone", name=Text(en="Phone", fr="Téléphone"), kind="phone"),
    Channel(id="store", name=Text(en="Store", fr="Magasin"), kind="in_person"),
    Channel(id="field", name=Text(en="Field visit", fr="Visite terrain"), kind="in_person"),
    Channel(id="partner", name=Text(en="Partner", fr="Partenaire"), kind="indirect"),
    Channel(id="mail", name=Text(en="Post", fr="Courrier"), kind="indirect"),
]


class Journey(Strict):
    """The whole map, as stored in ``journey.yaml``."""

    schema_version: Literal[1] = SCHEMA_VERSION
    revision: int = Field(default=0, ge=0)
    name: Text
    template: str | None = None
    objective: Objective = Field(default_factory=Objective)
    channels: list[Channel] = Field(default_factory=list)
    personas: list[Persona] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    pain_points: list[PainPoint] = Field(default_factory=list)
    opportunities: list[Opportunity] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    validations: list[ValidationRecord] = Field(default_factory=list)
    sources: Sources = Field(default_factory=Sources)
    engine: Engine = Field(default_factory=Engine)
    privacy: Privacy = Field(default_factory=Privacy)

    def stage_ids(self) -> list[str]:
        return [stage.id for stage in self.stages]

    def all_channels(self) -> list[Channel]:
        """The default channels, then the workspace's own ``channels:`` (which add to or replace them by id)."""
        merged = {channel.id: channel for channel in DEFAULT_CHANNELS}
        merged.update({channel.id: channel for channel in self.channels})
        return list(merged.values())

    def channel_kinds(self) -> dict[str, str]:
        return {channel.id: channel.kind for channel in self.all_channels()}

    def event_to_touchpoint(self) -> dict[str, str]:
        """Raw event name -> touchpoint id, from every touchpoint's ``events`` and its own id."""
        mapping = {touchpoint.id: touchpoint.id for touchpoint in self.touchpoints}
        for touchpoint in self.touchpoints:
            mapping.update({event: touchpoint.id for event in touchpoint.events})
        return mapping

    def reference_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Cross-reference problems as ``(location, message)``; an empty list when the map is coherent."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        collections = {
            "channels": self.channels,
            "personas": self.personas,
            "stages": self.stages,
            "touchpoints": self.touchpoints,
            "pain_points": self.pain_points,
            "opportunities": self.opportunities,
            "kpis": self.kpis,
        }
        for key, items in collections.items():
            seen: set[str] = set()
            for index, item in enumerate(items):
                if item.id in seen:
                    found.append(((key, index, "id"), f"id {item.id!r} is used twice in {key}; ids must be unique"))
                seen.add(item.id)

        stages, channels = set(self.stage_ids()), {c.id for c in self.all_channels()}
        personas = {p.id for p in self.personas} | {"all"}
        touchpoints, pain_points = {t.id for t in self.touchpoints}, {p.id for p in self.pain_points}
        kpis = {k.id for k in self.kpis}

        def unknown(kind: str, value: str, known: set[str]) -> str:
            listed = ", ".join(sorted(known)) or "none defined yet"
            return f"{value!r} is not a known {kind}. Known: {listed}"

        for index, tp in enumerate(self.touchpoints):
            if tp.stage not in stages:
                found.append((("touchpoints", index, "stage"), unknown("stage", tp.stage, stages)))
            if tp.channel not in channels:
                found.append((("touchpoints", index, "channel"), unknown("channel", tp.channel, channels)))
            for persona in tp.assumed_emotion:
                if persona not in personas:
                    where = ("touchpoints", index, "assumed_emotion", persona)
                    found.append((where, unknown("persona", persona, personas)))
        for index, pain in enumerate(self.pain_points):
            if pain.stage not in stages:
                found.append((("pain_points", index, "stage"), unknown("stage", pain.stage, stages)))
            if pain.touchpoint is not None and pain.touchpoint not in touchpoints:
                where = ("pain_points", index, "touchpoint")
                found.append((where, unknown("touchpoint", pain.touchpoint, touchpoints)))
        for index, opportunity in enumerate(self.opportunities):
            for position, pain_id in enumerate(opportunity.pain_points):
                if pain_id not in pain_points:
                    where = ("opportunities", index, "pain_points", position)
                    found.append((where, unknown("pain point", pain_id, pain_points)))
        for index, kpi in enumerate(self.kpis):
            if kpi.stage is not None and kpi.stage not in stages:
                found.append((("kpis", index, "stage"), unknown("stage", kpi.stage, stages)))
        for position, persona in enumerate(self.objective.focus_personas):
            if persona not in personas - {"all"}:
                where = ("objective", "focus_personas", position)
                found.append((where, unknown("persona", persona, personas - {"all"})))
        target = self.objective.target_kpi
        if target is not None and target not in kpis:
            found.append((("objective", "target_kpi"), unknown("KPI", target, kpis)))
        owners: dict[str, str] = {tp.id: tp.id for tp in self.touchpoints}
        for index, tp in enumerate(self.touchpoints):
            for event in tp.events:
                if event in owners and owners[event] != tp.id:
                    message = f"event {event!r} is mapped to both {owners[event]!r} and {tp.id!r}; map it once"
                    found.append((("touchpoints", index, "events"), message))
                owners.setdefault(event, tp.id)
        return found


def problem_from(location: tuple[str | int, ...], message: str, where: str) -> Problem:
    """A :class:`Problem` for a model location such as ``('touchpoints', 3, 'stage')``."""
    field = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in location)
    return Problem(where, f"{field.replace('.[', '[')}: {message}")
