"""Per-customer features for one quarter, computed in the engine: what step 3 clusters into personas.

One row per customer *active* in the quarter (at least one event, survey answer or ticket in it) who is in
the customers table (when the workspace has one). The columns, in this order:

Behaviour, from the quarter's events

- ``events``: number of events;
- ``active_days``: distinct calendar days with at least one event;
- ``sessions``: distinct sessions (``session_id``; a customer's day stands for the session when the log
  has none);
- ``events_per_session`` = events / sessions;
- ``share_<channel>``: the share of the customer's events on each channel seen in the quarter (``share_app``,
  ``share_web``...); the shares of a customer sum to 1;
- ``furthest_stage``: the order (0 = first stage of the map) of the furthest stage the customer reached.

Voice of the customer, from the quarter's survey answers and tickets

- ``nps_mean``, ``csat_mean``, ``ces_mean``: the customer's mean answers (blank without an answer; scores
  outside their scale are left out, as everywhere in journeykit);
- ``survey_answers``: number of survey answers; ``tickets``: number of tickets opened.

CRM attributes, from the customers table

- ``tenure_days``: days from ``signup_date`` to the end of the quarter (to ``churn_date`` when the customer
  left before);
- ``monthly_value``; ``churned`` (1 = has left, 0 = has not);
- ``segment``, ``plan``, ``region`` (labels), and every ``attr_*`` column the workspace lists under
  ``sources.customers.attributes`` (numbers stay numbers, anything else is a label).

A column is left out when its source or its field is missing from the workspace. Everything is an Ibis
expression: the event log never leaves the engine; only the per-customer rows do, when they are asked for.

Examples
--------
>>> import journeykit as jk                                                     # doctest: +SKIP
>>> s = jk.study("build/sample-workspace", "2026Q3")                            # doctest: +SKIP
>>> customer_features(s).count().execute()                                      # doctest: +SKIP
14986
"""

from __future__ import annotations

import ibis

from . import contract
from .engine import customer_slices, per_customers
from .paths import customer
from .quarters import Quarter
from .stages import with_stages

SECONDS_PER_DAY = 86_400
SCORES = ("nps", "csat", "ces")

# What each feature means, for documentation and for the labels of the persona profiles.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "events": {"en": "events", "fr": "événements"},
    "active_days": {"en": "active days", "fr": "jours actifs"},
    "sessions": {"en": "sessions", "fr": "sessions"},
    "events_per_session": {"en": "events per session", "fr": "événements par session"},
    "furthest_stage": {"en": "furthest stage reached", "fr": "étape la plus avancée"},
    "nps_mean": {"en": "likelihood to recommend (0-10)", "fr": "probabilité de recommander (0-10)"},
    "csat_mean": {"en": "satisfaction (1-5)", "fr": "satisfaction (1-5)"},
    "ces_mean": {"en": "effort (1-7)", "fr": "effort (1-7)"},
    "survey_answers": {"en": "survey answers", "fr": "réponses aux enquêtes"},
    "tickets": {"en": "support tickets", "fr": "tickets au support"},
    "tenure_days": {"en": "days since signup", "fr": "jours depuis l'inscription"},
    "monthly_value": {"en": "monthly value", "fr": "valeur mensuelle"},
    "churned": {"en": "has left", "fr": "est parti"},
    "segment": {"en": "segment", "fr": "segment"},
    "plan": {"en": "plan", "fr": "offre"},
    "region": {"en": "region", "fr": "région"},
}
CATEGORIES = ("segment", "plan", "region")


def customer_features(study, quarter: Quarter | str | None = None) -> ibis.Table:
    """The per-customer features of ``quarter`` (the study's quarter by default) as an Ibis table.

    See the module docstring for the definition of every column.
    """
    period = study.quarter if quarter is None else Quarter.parse(str(quarter), "quarter", "customer_features")
    study.data.path("events")  # a clear error when the workspace has no events source
    events = study.table("events", period)
    behaviour = _per_customer(study, events, period)
    active = [behaviour.select("customer_id")]  # one row per customer already: no pass over the events
    voice = []
    if study.has("survey"):
        survey = study.table("survey", period)
        active.append(survey.filter(survey.customer_id.notnull()).select("customer_id"))
        voice.append(_survey(survey))
    if study.has("tickets"):
        tickets = study.table("tickets", period)
        active.append(tickets.select("customer_id"))
        voice.append(tickets.group_by("customer_id").aggregate(tickets=lambda t: t.count()))
    people = ibis.union(*active, distinct=True) if len(active) > 1 else active[0]
    if study.has("customers"):
        people = people.join(_crm(study.table("customers", None), period), "customer_id")
    table = people
    for part in [behaviour, *voice]:
        table = table.left_join(part, "customer_id").drop("customer_id_right")
    counts = [c for c in ("events", "active_days", "sessions", "survey_answers", "tickets") if c in table.columns]
    shares = [c for c in behaviour.columns if c.startswith("share_")]
    table = table.mutate(**{c: table[c].fill_null(0) for c in counts + shares})
    return table.select(*_order(table.columns, shares))


def feature_label(name: str, lang: str, study=None) -> str:
    """A feature's name for people: ``share_app`` -> "share of events on Mobile app", ``attr_age`` -> "Âge".

    Examples
    --------
    >>> feature_label("nps_mean", "fr"), feature_label("share_app", "en"), feature_label("attr_nb_orders", "en")
    ('probabilité de recommander (0-10)', 'share of events on app', 'nb orders')
    """
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name][lang]
    if name.startswith("share_"):
        channel = name.removeprefix("share_")
        if study is not None:
            channel = {c.id: c.name.get(lang) for c in study.journey.all_channels()}.get(channel, channel)
        return f"share of events on {channel}" if lang == "en" else f"part des événements sur {channel}"
    if name.startswith("attr_"):
        if study is not None and study.journey.sources.customers is not None:
            from .loading import _slug

            originals = {f"attr_{_slug(a)}": a for a in study.journey.sources.customers.attributes}
            if name in originals:
                return originals[name]
        return name.removeprefix("attr_").replace("_", " ")
    return name.replace("_", " ")


def _channels(events: ibis.Table) -> list[str]:
    """The channels of the quarter's events (a small query: one row per channel)."""
    values = events.select("channel").distinct().execute()["channel"]
    return sorted(str(c) for c in values if isinstance(c, str))


def _per_customer(study, events: ibis.Table, period: Quarter) -> ibis.Table:
    """:func:`_behaviour` of the quarter's events: an expression, or on a big DuckDB log a temporary table
    computed one slice of customers at a time (:func:`~journeykit.engine.per_customers`) and kept for the
    study, because the day and session groups of 100M events (43M and 49M rows) do not fit in memory at once.

    The slices are the windows' (:data:`journeykit.engine.SLICE_EVENTS`). At 100M events: unsliced 15 GB peak
    (DuckDB at its memory limit); slices of 35M events 36.0 s (68.9 CPU-s), of 12M 28.2 s (53.8 CPU-s), of 6M
    28.2 s, all about 6.5 GB.
    """
    channels = _channels(events)

    def build(part: ibis.Table) -> ibis.Table:
        return _behaviour(part, with_stages(part, study.journey), channels)

    if customer_slices(events) <= 1:
        return build(events)
    key = f"behaviour {period}"
    tables = study.engine._tables
    if key not in tables:
        tables[key] = per_customers(events, build)
    return tables[key]


def _behaviour(events: ibis.Table, staged: ibis.Table, channels: list[str]) -> ibis.Table:
    """Counts, channel shares and furthest stage per customer, from the quarter's ``events`` and the same events
    :func:`~journeykit.stages.with_stages` (``staged``; the sessions read the events without the stage join).

    The events are grouped once per customer and day (the biggest group-by, over every event); the customer
    rows then come from those day rows (active days = their count, no distinct count), and only the
    sessions need a second pass: distinct (customer, session) pairs counted per customer. At 10M events
    this is about a third less work than grouping the events per customer and counting two distinct sets.
    """
    key = customer(staged).get_name()  # the staged customer_key, or customer_id; the id is carried along
    carried = {"customer_id": lambda t: t.customer_id.arbitrary()} if key != "customer_id" else {}
    channel_counts = {f"share_{channel}": (staged.channel == channel).cast("int64").sum() for channel in channels}
    days = staged.mutate(day=staged.timestamp.date()).group_by([key, "day"]).aggregate(
        **carried, events=lambda t: t.count(), **channel_counts, furthest_stage=lambda t: t.stage_order.max())
    grouped = days.group_by(key).aggregate(
        **carried, events=days.events.sum(), active_days=days.count(),
        **{name: days[name].sum() for name in channel_counts}, furthest_stage=days.furthest_stage.max())
    # a customer's day stands for the session when the log has none
    day = events.timestamp.date()
    session = ibis.coalesce(events.session_id, events.customer_id.concat("|", day.cast("string")))
    pairs = events.select(key, session=session).distinct()
    sessions = pairs.group_by(key).aggregate(sessions=pairs.count())
    grouped = grouped.join(sessions, key)
    grouped = grouped.select("customer_id", "events", "active_days", "sessions", *channel_counts, "furthest_stage")
    return grouped.mutate(
        events_per_session=grouped.events / grouped.sessions,
        **{name: grouped[name] / grouped.events for name in channel_counts},
    )


def _survey(survey: ibis.Table) -> ibis.Table:
    survey = survey.filter(survey.customer_id.notnull())
    means = {}
    for score in SCORES:
        spec = contract.column("survey", score)
        value = survey[score]
        valid = value.between(spec.low, spec.high)
        means[f"{score}_mean"] = ibis.ifelse(valid, value.cast("float64"), ibis.null("float64")).mean()
    return survey.group_by("customer_id").aggregate(survey_answers=survey.count(), **means)


def _crm(customers: ibis.Table, period: Quarter) -> ibis.Table:
    columns = {"customer_id": customers.customer_id}
    end = ibis.date(period.end.date())
    if "signup_date" in customers.columns:
        last = end
        if "churn_date" in customers.columns:
            left = customers.churn_date.notnull() & (customers.churn_date < end)
            last = ibis.ifelse(left, customers.churn_date, end)
        columns["tenure_days"] = last.delta(customers.signup_date, unit="day").cast("float64")
    if "monthly_value" in customers.columns:
        columns["monthly_value"] = customers.monthly_value.cast("float64")
    if "churned" in customers.columns:
        columns["churned"] = customers.churned.cast("float64")
    for name in CATEGORIES:
        if name in customers.columns:
            columns[name] = customers[name].cast("string")
    for name in customers.columns:
        if name.startswith("attr_"):
            column = customers[name]
            columns[name] = column.cast("float64") if column.type().is_numeric() else column.cast("string")
    return customers.select(**columns)  # the loader keeps one row per customer


def _order(columns: list[str], shares: list[str]) -> list[str]:
    first = ["customer_id", "events", "active_days", "sessions", "events_per_session", *shares, "furthest_stage",
             "nps_mean", "csat_mean", "ces_mean", "survey_answers", "tickets", "tenure_days", "monthly_value",
             "churned", *CATEGORIES]
    ordered = [c for c in first if c in columns]
    return ordered + sorted(c for c in columns if c.startswith("attr_"))
