"""The two READMEs of the sample workspace: what was planted, measured on the written tables."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .sample_facts import (
    DAMAGED_RATE,
    FRICTION_CHANNEL,
    FRICTION_EVENTS,
    FRICTION_NEXT_EVENT,
    FRICTION_QUARTER,
    FRICTION_STAGE,
    FRICTION_SURVEY_CODE,
    FRICTION_TOUCHPOINT,
    NPS_OUT_OF_RANGE_VALUE,
    PAYMENT_FAILURE_RATE,
    PERSONAS,
    PII_PATTERNS,
    PII_RATE,
    QUARTERS,
    RAW_CHANNELS,
    SURVEY_CODES,
    UNMAPPED_CHANNEL,
    UNMAPPED_CHANNEL_RAW,
    UNMAPPED_EVENT,
    WORSENING_QUARTER,
    WORSENING_STAGE,
    WORSENING_SURVEY_CODE,
    WRONG_ASSUMPTIONS,
)
from .sample_journey import STAGE_IDS

def _quarter_of(stamps: pd.Series) -> np.ndarray:
    return np.where(stamps < pd.Timestamp("2026-07-01"), QUARTERS[0], QUARTERS[1])


def _measure(built: dict) -> dict:
    """The numbers README.md gives, computed from the tables as an analyst would read them."""
    journey, events, survey, tickets, crm = (built[k] for k in ("journey", "events", "survey", "tickets", "crm"))
    facts: dict = {"n_customers": len(crm), "n_events": len(events), "n_survey": len(survey),
                   "n_tickets": len(tickets), "n_event_users": events["user_id"].nunique()}
    words = [len(text.split()) for text in built["interviews"].values()]
    facts["interview_words"] = (min(words), max(words))
    ev = events.assign(quarter=_quarter_of(events["event_time"]))
    facts["events_per_quarter"] = ev["quarter"].value_counts().reindex(QUARTERS).tolist()
    to_tp = journey.event_to_touchpoint()
    stage_of = {tp.id: tp.stage for tp in journey.touchpoints}
    ev["touchpoint"] = ev["event_name"].map(to_tp)
    ev["stage"] = ev["touchpoint"].map(stage_of)
    facts["funnel"] = {q: [int(ev[(ev["quarter"] == q) & (ev["stage"] == s)]["user_id"].nunique()) for s in STAGE_IDS]
                       for q in QUARTERS}

    # personas
    persona = built["personas"].set_index("customer_id")["persona"]
    crm_p = crm.assign(persona=crm["N° client"].map(persona))
    ev["persona"] = ev["user_id"].map(persona)
    valid = survey[survey["nps"].between(0, 10)]
    rows = []
    for name in PERSONAS:
        c = crm_p[crm_p["persona"] == name]
        e = ev[ev["persona"] == name]
        paying = c[c["Offre"] != "Aucune"]
        rows.append({
            "persona": name, "customers": len(c), "share": len(c) / len(crm),
            "age": pd.to_numeric(c["Âge"], errors="coerce").mean(),
            "basket": paying["Panier mensuel (€)"].str.replace(",", ".").astype(float).mean(),
            "app": (e["channel"].map(RAW_CHANNELS) == "app").mean(),
            "events": len(e) / max(e["user_id"].nunique(), 1),
            "nps": valid[valid["respondent"].map(persona) == name]["nps"].mean(),
            "churned": (c["Résilié"] == "Oui").mean(),
        })
    facts["personas"] = rows

    # friction: app payment in 2026Q2
    def drop_off(q: str, first_events, next_event: str) -> tuple[int, float]:
        e = ev[ev["quarter"] == q]
        start = e[e["event_name"].isin(first_events)].groupby("user_id")["event_time"].min()
        after = e[e["event_name"] == next_event].groupby("user_id")["event_time"].max()
        ok = after.reindex(start.index) >= start
        return len(start), float(1 - ok.mean())

    sq = survey.assign(quarter=_quarter_of(pd.to_datetime(survey["submitted_at"].str[:19])))
    tq = tickets.assign(quarter=_quarter_of(pd.to_datetime(tickets["created"].str[:19]) + pd.Timedelta(hours=2)))
    failure_words = re.compile(r"échou|failing|failed|refusé|declined|bloqué|stuck|impossible de payer|"
                               r"impossible to pay", re.I)
    facts["friction"] = {}
    for q in QUARTERS:
        payers, app_drop = drop_off(q, FRICTION_EVENTS, FRICTION_NEXT_EVENT)
        web_payers, web_drop = drop_off(q, ("begin_checkout",), FRICTION_NEXT_EVENT)
        answers = sq[(sq["quarter"] == q) & (sq["touchpoint_code"] == FRICTION_SURVEY_CODE)]
        facts["friction"][q] = {
            "payers": payers, "drop": app_drop, "web_payers": web_payers, "web_drop": web_drop,
            "failed_events": int(((ev["quarter"] == q) & (ev["event_name"] == "app_payment_failed")).sum()),
            "answers": len(answers), "csat": answers["csat"].mean(), "ces": answers["ces"].mean(),
            "failure_verbatims": int(answers["verbatim"].fillna("").str.contains(failure_words).sum()),
            "tickets": int(((tq["quarter"] == q) & (tq["touchpoint"] == FRICTION_SURVEY_CODE)).sum()),
        }

    # onboarding gets worse in 2026Q3
    truth = built["survey_truth"]
    facts["onboard"] = {}
    for q in QUARTERS:
        e = ev[(ev["quarter"] == q) & (ev["stage"] == WORSENING_STAGE)].groupby("user_id")["event_time"]
        days = (e.max() - e.min()).dt.total_seconds() / 86_400
        answers = sq[(sq["quarter"] == q) & (sq["touchpoint_code"] == WORSENING_SURVEY_CODE)]
        negative = truth["topic"].isin(["delivery_late", "delivery_damaged"]) & (survey["verbatim"].fillna("") != "")
        facts["onboard"][q] = {
            "customers": len(days), "median_days": days.median(), "mean_days": days.mean(),
            "answers": len(answers), "csat": answers["csat"].mean(),
            "tickets": int(((tq["quarter"] == q) & tq["topic"].isin(["Late delivery", "Damaged plant"])).sum()),
            "negative_verbatims": int((negative & (sq["quarter"] == q)).sum()),
            "failed_attempts": int(((ev["quarter"] == q) & (ev["event_name"] == "delivery_failed_attempt")).sum()),
        }

    # the touchpoint nobody mapped
    chat = ev[ev["event_name"] == UNMAPPED_EVENT]
    facts["unmapped"] = {"events": len(chat), "customers": chat["user_id"].nunique(),
                         "share": chat["user_id"].nunique() / facts["n_event_users"],
                         "tickets": int((tickets["via"] == UNMAPPED_CHANNEL_RAW).sum())}

    # personal data
    text = survey["verbatim"].fillna("")
    facts["pii_survey"] = {kind: int(text.str.contains(pattern).sum()) for kind, pattern in PII_PATTERNS.items()}
    facts["pii_survey_rows"] = int(text.str.contains("|".join(PII_PATTERNS.values())).sum())
    facts["pii_interviews"] = sorted(name for name, body in built["interviews"].items()
                                     if re.search("|".join(PII_PATTERNS.values()), body))

    # data quality
    facts["quality"] = {
        "duplicates": int(survey.duplicated().sum()),
        "orphan_events": int((~events["user_id"].isin(crm["N° client"])).sum()),
        "orphan_users": int(events.loc[~events["user_id"].isin(crm["N° client"]), "user_id"].nunique()),
        "nps_out_of_range": int((survey["nps"] > 10).sum()),
        "resolved_before_created": int((tickets["resolved"].notna()
                                        & (tickets["resolved"] < tickets["created"])).sum()),
        "blank_age": int((crm["Âge"] == "").sum()), "blank_region": int((crm["Région"] == "").sum()),
        "blank_segment": int((crm["Segment marketing"] == "").sum()),
        "unresolved": int(tickets["resolved"].isna().sum()),
    }

    # the workshop's beliefs against the data (mean CSAT - 3, on the -2..+2 scale)
    code_of = {tp: code for code, tp in SURVEY_CODES.items()}
    rows = []
    for tp in journey.touchpoints:
        if "all" not in tp.assumed_emotion or tp.id not in code_of:
            continue
        row = {"touchpoint": tp.id, "assumed": tp.assumed_emotion["all"]}
        for q in QUARTERS:
            answers = sq[(sq["quarter"] == q) & (sq["touchpoint_code"] == code_of[tp.id])]["csat"]
            row[q] = answers.mean() - 3 if len(answers.dropna()) else float("nan")
        rows.append(row)
    facts["beliefs"] = rows
    facts["nps"] = {q: 100 * ((x >= 9).mean() - (x <= 6).mean()) for q in QUARTERS
                    for x in [valid.loc[_quarter_of(pd.to_datetime(valid["submitted_at"].str[:19])) == q, "nps"]]}
    j = built["journeys"]
    returning = j[j["kind"] == 1]
    facts["churn"] = {QUARTERS[q]: float(returning[returning["quarter"] == q]["churn"].mean()) for q in (0, 1)}
    return facts


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _data_readme(facts: dict) -> str:
    return f"""# Verdure's data exports

Each file comes from a different tool and keeps that tool's format, on purpose: `journey.yaml` (`sources:`)
maps every file's own column names and raw values onto journeykit's data contract, so nothing is renamed.

| file | from | format |
|---|---|---|
| `crm_clients.csv` | CRM, exported with French Excel | `;`-separated, Windows-1252, CRLF line ends, decimal comma (`29,90`), dates `dd/mm/yyyy`, French headers, `Oui`/`Non`; {facts['n_customers']:,} customers |
| `events_2026Q2.parquet`, `events_2026Q3.parquet` | web and app analytics | Parquet (zstd), one row per event: `user_id`, `event_time` (timestamp), `event_name` (raw name), `channel` (raw value such as `iOS App`), `session_id`; {facts['n_events']:,} events |
| `survey_responses.csv` | survey tool | UTF-8 with BOM, `,`-separated, ISO 8601 times with offset; `nps` 0-10, `csat` 1-5, `ces` 1-7, blank when skipped; free-text `verbatim` in French or English; {facts['n_survey']:,} answers |
| `tickets.jsonl.gz` | helpdesk | gzip JSON lines, UTC times (`Z`), `fcr` true/false, `rating` 1-5 or null; {facts['n_tickets']:,} tickets |

The interview transcripts are in `../interviews/`. `../truth/` holds the answer key of the planted facts: it is
not a data source. See `../README.md` for the company and the facts planted in these files.
"""


def _readme(facts: dict, seed: int) -> str:
    f2, f3 = (facts["friction"][q] for q in QUARTERS)
    o2, o3 = (facts["onboard"][q] for q in QUARTERS)
    q = facts["quality"]
    persona_rows = "\n".join(
        f"| `{r['persona']}` | {r['customers']:,} ({r['share']:.0%}) | {r['age']:.0f} | {r['basket']:.2f} € | "
        f"{_pct(r['app'])} | {r['events']:.0f} | {r['nps']:.1f} | {_pct(r['churned'])} |" for r in facts["personas"])
    belief_rows = "\n".join(
        f"| `{r['touchpoint']}` | {r['assumed']:+.1f} | {r[QUARTERS[0]]:+.2f} | {r[QUARTERS[1]]:+.2f} | "
        f"{'**wrong**' if r['touchpoint'] in WRONG_ASSUMPTIONS else 'about right'} |" for r in facts["beliefs"])
    funnel_rows = "\n".join(f"| `{stage}` | " + " | ".join(f"{facts['funnel'][qq][i]:,}" for qq in QUARTERS) + " |"
                            for i, stage in enumerate(STAGE_IDS))
    pii, u = facts["pii_survey"], facts["unmapped"]
    silent = facts["n_customers"] - facts["n_event_users"] + q["orphan_users"]
    return f"""# Verdure: the sample workspace

Verdure is a fictional company that sells house plants by subscription in France and the UK: a monthly box,
one-off plants and gift boxes, sold on its website and app, in five shops (Paris, Lyon, Nantes, London,
Bristol), by phone and on two garden marketplaces. About 60 % of its customers are French and speak French;
the others are British. This folder is a complete journeykit workspace for its journey from the first
click to the renewal, over two quarters: **2026Q2** (1 April to 30 June 2026) and **2026Q3** (1 July to
30 September 2026). Every name, number, e-mail address and phone number in it is invented.

Everything here is written by `journeykit.sample.generate` with seed {seed}; do not edit the files by hand
(a test checks that they equal a fresh generation byte for byte). To write it again elsewhere:

```
journeykit sample DIR
python -c "import journeykit.sample as s; s.generate('DIR')"
```

## Files

| path | what |
|---|---|
| `journey.yaml` | the map as the workshop left it: objective, 7 stages, 30 touchpoints with owners, backstage, systems and the raw event names they stand for, the workshop's assumed emotions, 3 pain points, 3 opportunities, 6 KPIs, and `sources:` mapping every file below |
| `data/crm_clients.csv` | CRM export from French Excel (`;`, Windows-1252, decimal comma, `dd/mm/yyyy`): {facts['n_customers']:,} customers `VRD-000001`... numbered in signup order, signed up from January 2024 to September 2026 |
| `data/events_2026Q2.parquet`, `data/events_2026Q3.parquet` | analytics event log: {facts['events_per_quarter'][0]:,} + {facts['events_per_quarter'][1]:,} = {facts['n_events']:,} events of {facts['n_event_users']:,} users, raw event names and raw channels (`Web`, `iOS App`, `Android App`, `E-mail`, `Instagram`, `Facebook`, `Call centre`, `Boutique`, `Marketplace`, `Transporteur`, `WhatsApp`) |
| `data/survey_responses.csv` | survey answers (UTF-8 with BOM, ISO 8601): {facts['n_survey']:,} rows with NPS, CSAT, CES and a verbatim in French or English, `touchpoint_code` in the survey tool's codes (`CHECKOUT_APP`, `DELIVERY_1`...) |
| `data/tickets.jsonl.gz` | helpdesk tickets (gzip JSON lines): {facts['n_tickets']:,} tickets with channel, topic, first-contact resolution, rating and touchpoint code |
| `interviews/interview_01.md` ... `interview_12.md` | twelve interview transcripts (six in French, six in English, {facts['interview_words'][0]}-{facts['interview_words'][1]} words): YAML front matter (`customer_id`, `date`, `language`, `interviewer`), then `## <stage id>` sections with the interviewer's questions as paragraphs and the customer's answers as `> ` blockquotes |
| `truth/personas.csv` | **the answer key, not a data source**: the true persona of every customer (`customer_id`, `persona`), read by `journeykit.sample.ground_truth` |

`data/README.md` details each file's format. The CRM's `Segment marketing` column is the marketing team's own
label: it is only partly related to the true personas (half of it is noise), as in real CRMs.

## Planted facts

Analyses must recover these from the data. The numbers below are measured on the files of seed {seed}
(another seed gives slightly different numbers); the module constants in `journeykit.sample` name them.

### a. Four behavioural personas (`PERSONAS`)

The personas are in no data column: they show in CRM attributes, channel mix, activity and survey answers.
Planted shares: 35 / 30 / 20 / 15 %.

| persona | customers | mean age | mean monthly basket | app share of events | events per active customer | mean NPS | churned (CRM) |
|---|---|---|---|---|---|---|---|
{persona_rows}

- `app_enthusiast`: young, discovers on Instagram, does everything in the app (care reminders almost daily),
  high NPS, low churn (about 4-5 % of subscribers a quarter).
- `bargain_hunter`: web and promotional e-mails, Discovery box often with a promotion, skips deliveries,
  complains about prices, churns most (about 20 % a quarter).
- `expert_gardener`: oldest, Passion box with add-ons, shops in the shops and by phone, goes to workshops,
  longest tenure, long and technical verbatims.
- `gift_buyer`: occasional, web and Instagram, short journeys, a single gift box (`Coffret cadeau`).

K-means (k = 4) on standardised per-customer features of the customers who have events (share of events per
channel, number of events and of sessions, age, basket, number of orders, mean NPS) finds them with an
adjusted Rand index of about 0.8 (`tests/test_sample.py` requires more than 0.6). The {silent:,} customers with no
event in the two quarters (they left, or bought a single gift, before April 2026) can only be told apart by
their CRM attributes.
Prospects who never bought have `Offre` = `Aucune` and a basket of `0,00`.

### b. Friction: the app's payment step in {FRICTION_QUARTER} (`FRICTION_*`)

In {FRICTION_QUARTER} a payment attempt in the app (touchpoint `{FRICTION_TOUCHPOINT}`, channel `{FRICTION_CHANNEL}`,
stage `{FRICTION_STAGE}`; events `app_checkout_start`, `app_payment_submit`, `app_payment_failed`) fails with
probability {PAYMENT_FAILURE_RATE[QUARTERS[0]]:.0%}; it is fixed in {QUARTERS[1]}
({PAYMENT_FAILURE_RATE[QUARTERS[1]]:.0%}).
Customers retry up to twice, a quarter of those who still fail finish on the website, the others give up.

| | {QUARTERS[0]} | {QUARTERS[1]} |
|---|---|---|
| customers who reached the app payment | {f2['payers']:,} | {f3['payers']:,} |
| ... with no `order_confirmed` afterwards (drop-off) | **{_pct(f2['drop'])}** | {_pct(f3['drop'])} |
| website checkout drop-off, for comparison | {_pct(f2['web_drop'])} | {_pct(f3['web_drop'])} |
| `app_payment_failed` events | {f2['failed_events']:,} | {f3['failed_events']:,} |
| survey answers coded `CHECKOUT_APP` | {f2['answers']:,} | {f3['answers']:,} |
| ... mean CSAT (1-5) | **{f2['csat']:.2f}** | {f3['csat']:.2f} |
| ... mean CES (1-7, lower is easier) | **{f2['ces']:.2f}** | {f3['ces']:.2f} |
| ... verbatims about a failed payment ("le paiement a échoué", "payment kept failing"...) | {f2['failure_verbatims']:,} | {f3['failure_verbatims']:,} |
| tickets with touchpoint `CHECKOUT_APP` (topic `Payment failed`) | **{f2['tickets']:,}** | {f3['tickets']:,} |

### c. A stage that gets worse: `{WORSENING_STAGE}` in {WORSENING_QUARTER} (`WORSENING_*`)

On 1 July 2026 Verdure changed the carrier of one-off orders (first orders and add-ons; monthly boxes keep the
historical carrier): deliveries are slower, more attempts fail and more plants arrive damaged
({DAMAGED_RATE[QUARTERS[0]]:.0%} then {DAMAGED_RATE[QUARTERS[1]]:.0%} of orders).

| | {QUARTERS[0]} | {QUARTERS[1]} |
|---|---|---|
| customers with events in `onboard` | {o2['customers']:,} | {o3['customers']:,} |
| time in stage, first to last `onboard` event (median / mean days) | {o2['median_days']:.1f} / {o2['mean_days']:.1f} | **{o3['median_days']:.1f} / {o3['mean_days']:.1f}** |
| `delivery_failed_attempt` events | {o2['failed_attempts']:,} | {o3['failed_attempts']:,} |
| survey answers coded `DELIVERY_1`, mean CSAT | {o2['answers']:,}, {o2['csat']:.2f} | {o3['answers']:,}, **{o3['csat']:.2f}** |
| tickets `Late delivery` or `Damaged plant` | {o2['tickets']:,} | **{o3['tickets']:,}** |
| negative verbatims about late or damaged plants | {o2['negative_verbatims']:,} | **{o3['negative_verbatims']:,}** |

### d. A touchpoint customers use that nobody mapped: `{UNMAPPED_EVENT}` (`UNMAPPED_*`)

{u['customers']:,} customers ({_pct(u['share'])} of those with events) sent {u['events']:,} `{UNMAPPED_EVENT}`
events on raw channel `{UNMAPPED_CHANNEL_RAW}` (channel `{UNMAPPED_CHANNEL}`), mostly to reach support
({u['tickets']:,} tickets came through WhatsApp), a few with questions before a first order. No touchpoint lists
this event in `events:`; `values.channel` does map `WhatsApp` to `chat`.

### e. Personal data that must be redacted (`PII_PATTERNS`)

- Survey verbatims: {facts['pii_survey_rows']} answers ({_pct(PII_RATE)} of the non-empty verbatims) end with a
  sentence giving an e-mail address ({pii['email']}), a French mobile number ({pii['phone_fr']}) or a UK mobile
  number ({pii['phone_uk']}).
- Interviews: {len(facts['pii_interviews'])} transcripts end with an answer giving an e-mail address and a phone
  number: {', '.join(facts['pii_interviews'])}.
- Patterns: e-mails `firstname.lastname@example.fr`, `@example.com` or `@example.org` only; French numbers in
  the range that ARCEP reserves for fiction, `06 39 98 xx xx` or `+33 6 39 98 xx xx`; UK numbers in Ofcom's
  drama range, `+44 7700 900xxx` or `07700 900xxx`. No real address or number is used.
- Tickets carry no free text.

### f. Data-quality findings (counted exactly)

| finding | count |
|---|---|
| exact duplicate rows in `survey_responses.csv` (same `response_id`) | {q['duplicates']} |
| events whose `user_id` is not in the CRM (accounts deleted on request: {q['orphan_users']} ids `VRD-020311`...) | {q['orphan_events']} |
| NPS values of {NPS_OUT_OF_RANGE_VALUE} (out of the 0-10 range) | {q['nps_out_of_range']} |
| tickets resolved before they were created | {q['resolved_before_created']} |
| tickets not resolved yet (`resolved` null) | {q['unresolved']} |
| blank cells in the CRM: `Âge` / `Région` / `Segment marketing` | {q['blank_age']} / {q['blank_region']} / {q['blank_segment']} |

Skipped survey questions are blank, not errors: NPS is asked in most surveys, CES only after tasks (ordering,
account, support, cancelling), and the quarterly relationship survey (no `touchpoint_code`) asks NPS only.

### g. The workshop's beliefs that the data contradicts (`WRONG_ASSUMPTIONS`)

`assumed_emotion: {{all: ...}}` in `journey.yaml` is what the workshop believed (-2..+2). Measured here as the
mean CSAT of the touchpoint's answers minus 3:

| touchpoint | assumed | measured {QUARTERS[0]} | measured {QUARTERS[1]} | |
|---|---|---|---|---|
{belief_rows}

## At a glance

Customers with events per stage (a customer counts once per stage and quarter):

| stage | {QUARTERS[0]} | {QUARTERS[1]} |
|---|---|---|
{funnel_rows}

NPS of all valid answers: {facts['nps'][QUARTERS[0]]:+.1f} in {QUARTERS[0]}, {facts['nps'][QUARTERS[1]]:+.1f} in
{QUARTERS[1]} (target in `journey.yaml`: 30). Quarterly churn of subscribers active at the start of the
quarter: {_pct(facts['churn'][QUARTERS[0]])} then {_pct(facts['churn'][QUARTERS[1]])}.
"""
