"""Write a synthetic journeykit workspace with an event log of any size, for the engine benchmarks.

    .venv/bin/python benchmarks/generate_events.py --events 10000000 --out /tmp/jk-bench/10M [--seed 1]

The workspace ``OUT`` holds ``journey.yaml`` (6 ordered stages, 40 touchpoints on 6 channels, sources),
``data/events.parquet`` (customer_id, timestamp, touchpoint, channel, session_id) and
``data/customers.parquet`` (signup_date, segment, region, plan, monthly_value, churned, churn_date, age).
Every event falls in 2026Q3. The same arguments always give the same files.

How customers behave (all drawn with numpy, one chunk of customers at a time, so that 100M events need
under 600 MB of memory; each chunk is one Parquet row group, its events in time order):

- about one customer per 7 events; a customer enters the quarter at a stage (most at ``discover``, some
  already customers at ``use``) and goes on to each next stage with the probability in ``CONTINUE``, so
  the funnel drops off as a real one does;
- a customer's events are spread over the stages they reach (more stages, more events; the activity
  varies from customer to customer), a few of them go back to an earlier stage (loops) and some customers
  skip ``onboard``; touchpoints are drawn per stage with uneven popularity;
- events come in sessions (a new session on each stage change and otherwise after about 3 events);
  seconds apart within a session, hours to days between sessions, and days between stages (half the
  stage's ``expected_days`` on average).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

QUARTER = "2026Q3"
START = datetime(2026, 7, 1, tzinfo=timezone.utc)
END = datetime(2026, 10, 1, tzinfo=timezone.utc)
EVENTS_PER_CUSTOMER = 7
CUSTOMERS_PER_CHUNK = 150_000  # about 1M events per row group

STAGES = [  # id, English, French, expected days
    ("discover", "Discover", "Découvrir", 7),
    ("consider", "Consider", "Comparer", 10),
    ("purchase", "Purchase", "Acheter", 2),
    ("onboard", "Get started", "Démarrer", 7),
    ("use", "Use", "Utiliser", 30),
    ("renew", "Renew", "Renouveler", 7),
]
CHANNELS = ["web", "app", "email", "chat", "phone", "store"]
TOUCHPOINTS = [  # id, stage, channel, relative popularity within the stage
    ("search_ad", "discover", "web", 8), ("display_ad", "discover", "web", 5),
    ("blog_article", "discover", "web", 4), ("promo_email_open", "discover", "email", 6),
    ("newsletter_signup", "discover", "email", 2), ("app_store_page", "discover", "app", 2),
    ("store_visit", "discover", "store", 1),
    ("product_page", "consider", "web", 9), ("pricing_page", "consider", "web", 7),
    ("comparison_tool", "consider", "web", 3), ("app_browse", "consider", "app", 4),
    ("presales_chat", "consider", "chat", 2), ("presales_call", "consider", "phone", 1),
    ("store_demo", "consider", "store", 1),
    ("cart", "purchase", "web", 8), ("checkout_web", "purchase", "web", 6),
    ("checkout_app", "purchase", "app", 4), ("payment_failed", "purchase", "web", 1),
    ("order_confirmation", "purchase", "email", 5), ("phone_order", "purchase", "phone", 1),
    ("store_checkout", "purchase", "store", 1),
    ("welcome_email", "onboard", "email", 6), ("account_setup", "onboard", "web", 5),
    ("app_install", "onboard", "app", 4), ("tutorial_view", "onboard", "app", 3),
    ("onboarding_call", "onboard", "phone", 1), ("delivery_tracking", "onboard", "email", 3),
    ("app_session", "use", "app", 12), ("dashboard_view", "use", "web", 6),
    ("usage_report_email", "use", "email", 3), ("help_center", "use", "web", 3),
    ("support_chat", "use", "chat", 2), ("support_call", "use", "phone", 1),
    ("store_service", "use", "store", 1),
    ("renewal_reminder", "renew", "email", 5), ("renewal_page", "renew", "web", 4),
    ("plan_upgrade", "renew", "web", 2), ("renewal_app", "renew", "app", 3),
    ("cancellation_call", "renew", "phone", 1), ("loyalty_offer_email", "renew", "email", 2),
]
ENTRY = [0.62, 0.08, 0.02, 0.03, 0.20, 0.05]  # stage where a customer enters the quarter
CONTINUE = [0.45, 0.40, 0.85, 0.80, 0.45]  # probability of going on from stage i to stage i + 1
SKIP_ONBOARD = 0.15  # customers who go from purchase straight to use
LOOP = 0.03  # events that go back to an earlier stage of the customer's journey
NEW_SESSION = 0.3  # chance that an event starts a new session within a stage
SEGMENTS, REGIONS, PLANS = ["families", "hobbyists", "professionals"], ["north", "south", "east", "west", "paris"], \
    ["basic", "plus", "premium"]

EVENT_SCHEMA = pa.schema([("customer_id", pa.string()), ("timestamp", pa.timestamp("us")),
                          ("touchpoint", pa.string()), ("channel", pa.string()), ("session_id", pa.string())])
CUSTOMER_SCHEMA = pa.schema([("customer_id", pa.string()), ("signup_date", pa.date32()), ("segment", pa.string()),
                             ("region", pa.string()), ("plan", pa.string()), ("monthly_value", pa.float64()),
                             ("churned", pa.bool_()), ("churn_date", pa.date32()), ("age", pa.int64())])


def journey(events: int, seed: int) -> dict:
    """The map of the synthetic company, as ``journey.yaml`` holds it."""
    return {
        "name": {"en": f"Synthetic journey ({events:,} events, seed {seed})",
                 "fr": f"Parcours synthétique ({events:,} événements, graine {seed})"},
        "objective": {"problem": "Benchmark workspace made by benchmarks/generate_events.py",
                      "map_type": "current_state"},
        "stages": [{"id": sid, "name": {"en": en, "fr": fr}, "expected_days": float(days)}
                   for sid, en, fr, days in STAGES],
        "touchpoints": [{"id": tid, "name": tid.replace("_", " ").capitalize(), "stage": stage, "channel": channel}
                        for tid, stage, channel, _ in TOUCHPOINTS],
        "sources": {
            "customers": {"path": "data/customers.parquet", "attributes": ["age"]},
            "events": {"path": "data/events.parquet",
                       "columns": {name: name for name in EVENT_SCHEMA.names}},
        },
    }


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _chunk(rng: np.random.Generator, first_customer: int, n_customers: int, n_events: int, first_session: int
           ) -> tuple[pa.Table, pa.Table, int]:
    """Events and customers of one chunk; returns them and the number of sessions used."""
    n_stages = len(STAGES)
    entry = rng.choice(n_stages, size=n_customers, p=ENTRY)
    furthest = entry.copy()
    for stage, chance in enumerate(CONTINUE):  # in stage order, so that a customer can go on several times
        furthest = np.where((furthest == stage) & (rng.random(n_customers) < chance), stage + 1, furthest)
    span = furthest - entry + 1
    skips = (entry <= 2) & (furthest >= 4) & (rng.random(n_customers) < SKIP_ONBOARD)

    # events per customer: at least one, the rest shared in proportion to stages reached x activity
    weight = span * rng.lognormal(0.0, 0.6, n_customers)
    counts = 1 + rng.multinomial(n_events - n_customers, weight / weight.sum())
    customer = np.repeat(np.arange(n_customers), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(n_events) - starts[customer]

    # stage of each event: the customer's stages in order, a few loops back, onboard skipped by some
    stage = entry[customer] + (position * span[customer]) // counts[customer]
    stage = np.where(skips[customer] & (stage == 3), 4, stage)
    back = (rng.random(n_events) < LOOP) & (stage > entry[customer])
    stage = np.where(back, entry[customer] + (rng.random(n_events) * (stage - entry[customer])).astype(np.int64),
                     stage)

    # touchpoint within the stage, by popularity
    names = [tp[0] for tp in TOUCHPOINTS]
    stage_ids = [s[0] for s in STAGES]
    members = [[i for i, tp in enumerate(TOUCHPOINTS) if tp[1] == sid] for sid in stage_ids]
    width = max(len(m) for m in members)
    cumulative = np.ones((n_stages, width))
    lookup = np.zeros((n_stages, width), dtype=np.int64)
    for s, member in enumerate(members):
        popularity = np.array([TOUCHPOINTS[i][3] for i in member], dtype=float)
        cumulative[s, :len(member)] = np.cumsum(popularity / popularity.sum())
        lookup[s, :len(member)] = member
        lookup[s, len(member):] = member[-1]
    draw = rng.random(n_events)
    column = np.minimum((draw[:, None] > cumulative[stage]).sum(axis=1), width - 1)
    touchpoint = lookup[stage, column]
    channel_of = np.array([CHANNELS.index(tp[2]) for tp in TOUCHPOINTS])
    channel = channel_of[touchpoint]

    # sessions and time: seconds within a session, hours to days between sessions, days between stages
    first = position == 0
    stage_change = np.zeros(n_events, dtype=bool)
    stage_change[1:] = (stage[1:] != stage[:-1]) & ~first[1:]
    new_session = first | stage_change | (rng.random(n_events) < NEW_SESSION)
    gap = np.where(new_session, rng.exponential(1.5 * 86_400, n_events), 5 + rng.exponential(90, n_events))
    dwell = np.array([days for *_, days in STAGES], dtype=float) * 0.5 * 86_400  # mean time to leave a stage
    previous = np.concatenate([stage[:1], stage[:-1]])
    gap = np.where(stage_change, gap + rng.exponential(1.0, n_events) * dwell[previous], gap)
    gap[first] = 0.0
    offset = np.cumsum(gap)
    offset -= offset[starts][customer]  # seconds since the customer's first event
    quarter = (END - START).total_seconds() - 1
    total = offset[starts + counts - 1]
    scale = np.where(total > quarter * 0.95, quarter * 0.95 / np.maximum(total, 1), 1.0)
    offset = offset * scale[customer]
    begin = rng.random(n_customers) * (quarter - total * scale)
    seconds = (START.timestamp() + begin[customer] + offset).astype(np.int64)
    session = first_session + np.cumsum(new_session) - 1
    n_sessions = int(new_session.sum())

    order = np.argsort(seconds, kind="stable")  # a log arrives in time order
    tp_names, channel_names = pa.array(names), pa.array(CHANNELS)
    events = pa.table({
        "customer_id": _ids("C", first_customer + customer[order], 9),
        "timestamp": pa.array(seconds[order] * 1_000_000, pa.timestamp("us")),
        "touchpoint": tp_names.take(pa.array(touchpoint[order])),
        "channel": channel_names.take(pa.array(channel[order])),
        "session_id": _ids("S", session[order], 10),
    }, schema=EVENT_SCHEMA)

    # the CRM: buyers signed up when they reached purchase (or before the quarter), prospects have no date
    day = 86_400
    earliest = datetime(2023, 1, 1, tzinfo=timezone.utc).timestamp()
    first_seconds = START.timestamp() + begin
    signed = np.where(entry >= 3, earliest + rng.random(n_customers) * (START.timestamp() - earliest),
                      first_seconds + rng.random(n_customers) * (quarter - begin) * 0.5)
    has_signup = furthest >= 2
    churned = has_signup & (rng.random(n_customers) < np.where(furthest == 5, 0.15, 0.05))
    since = np.maximum(signed, START.timestamp())
    churn_at = since + rng.random(n_customers) * (END.timestamp() - since)
    plan = rng.choice(len(PLANS), n_customers, p=[0.5, 0.35, 0.15])
    customers = pa.table({
        "customer_id": _ids("C", first_customer + np.arange(n_customers), 9),
        "signup_date": pa.array((signed // day).astype(np.int32), pa.date32(), mask=~has_signup),
        "segment": pa.array(SEGMENTS).take(pa.array(rng.choice(3, n_customers, p=[0.45, 0.35, 0.2]))),
        "region": pa.array(REGIONS).take(pa.array(rng.integers(0, len(REGIONS), n_customers))),
        "plan": pa.array(PLANS).take(pa.array(plan)),
        "monthly_value": pa.array(np.round(9.9 + 10 * plan + rng.gamma(2.0, 5.0, n_customers), 2), mask=~has_signup),
        "churned": pa.array(churned, mask=~has_signup),
        "churn_date": pa.array((np.minimum(churn_at, END.timestamp() - 1) // day).astype(np.int32), pa.date32(),
                               mask=~churned),
        "age": rng.integers(18, 85, n_customers),
    }, schema=CUSTOMER_SCHEMA)
    return events, customers, n_sessions


def generate(n_events: int, out: Path, seed: int = 1, quiet: bool = False) -> dict:
    """Write the workspace ``out`` with ``n_events`` events; returns counts and seconds."""
    started = time.perf_counter()
    n_customers = max(1, round(n_events / EVENTS_PER_CUSTOMER))
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "journey.yaml").write_text(yaml.safe_dump(journey(n_events, seed), allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    bounds = list(range(0, n_customers, CUSTOMERS_PER_CHUNK)) + [n_customers]
    sessions = 0
    written = 0
    with pq.ParquetWriter(out / "data" / "events.parquet", EVENT_SCHEMA, compression="zstd") as event_writer, \
            pq.ParquetWriter(out / "data" / "customers.parquet", CUSTOMER_SCHEMA, compression="zstd") as crm_writer:
        for index, (low, high) in enumerate(zip(bounds[:-1], bounds[1:])):
            target = n_events * high // n_customers  # events up to this chunk's last customer, exactly n_events
            rng = np.random.default_rng([seed, index])
            events, customers, used = _chunk(rng, low, high - low, target - written, sessions)
            event_writer.write_table(events, row_group_size=len(events))
            crm_writer.write_table(customers)
            sessions += used
            written = target
            if not quiet:
                print(f"\r{written:,} / {n_events:,} events", end="", file=sys.stderr, flush=True)
    if not quiet:
        print(file=sys.stderr)
    seconds = time.perf_counter() - started
    return {"events": written, "customers": n_customers, "sessions": sessions, "seconds": round(seconds, 2),
            "events_mb": round((out / "data" / "events.parquet").stat().st_size / 1e6, 1), "workspace": str(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, required=True, help="number of events (e.g. 10000000)")
    parser.add_argument("--out", type=Path, required=True, help="workspace folder to write (created)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    if args.events < 1:
        parser.error(f"--events must be at least 1. Got {args.events} instead.")
    print(generate(args.events, args.out.resolve(), args.seed, args.quiet))


if __name__ == "__main__":
    main()
