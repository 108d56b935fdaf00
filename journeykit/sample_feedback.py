"""What the sample company's customers say: survey answers and helpdesk tickets, as the tools export them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sample_facts import (
    _APP,
    _BARGAIN,
    _DAY,
    _EXPERT,
    _GIFT,
    _HOUR,
    _Q_END,
    N_DUPLICATE_SURVEY_ROWS,
    N_NPS_OUT_OF_RANGE,
    N_TICKETS_RESOLVED_BEFORE_CREATED,
    NPS_OUT_OF_RANGE_VALUE,
    PII_RATE,
    UNMAPPED_CHANNEL_RAW,
)
from .sample_journey import EVENT_NAMES
from .sample_simulation import _CALL, _CANCEL, _CHAT, _DAMAGED, _GENERAL, _LATE, _PAY
from .sample_texts import _email, _phone, _pick, _verbatim, bank

_PERSONA_SCORE = np.array([.35, -.45, .15, .05])
_PERSONA_NPS = np.array([1.4, -2.0, .6, .3])
_PERSONA_RESPONDS = np.array([1.0, .8, 1.7, .6])
_PERSONA_WRITES = np.array([.5, .6, .85, .45])
_EFFORT_CODES = {"CHECKOUT_WEB", "CHECKOUT_APP", "STORE", "PHONE_ORDER", "MARKETPLACE", "ACCOUNT", "CALL",
                 "MAIL_SUPPORT", "", "CANCEL", "RENEWAL", "FAQ"}


def _iso(seconds: np.ndarray, suffix: str) -> list[str]:
    stamps = pd.to_datetime(np.floor(seconds).astype(np.int64), unit="s").strftime("%Y-%m-%dT%H:%M:%S")
    return [stamp + suffix for stamp in stamps]


def _survey(rng: np.random.Generator, cust, journeys: pd.DataFrame, events: pd.DataFrame, ids: np.ndarray):
    """Survey answers triggered by what happened to each customer (one row per answer)."""
    j = journeys
    triggers = []

    def add(mask, journey_rows, time, code, topic, base, rate, days=None):
        rows = np.flatnonzero(mask)
        rows = rows[rng.random(len(rows)) < rate * _PERSONA_RESPONDS[j["persona"].to_numpy()[journey_rows[rows]]]]
        code = np.broadcast_to(np.asarray(code, dtype=object), mask.shape)[rows]
        topic = np.broadcast_to(np.asarray(topic, dtype=object), mask.shape)[rows]
        base = np.broadcast_to(np.asarray(base, dtype=float), mask.shape)[rows]
        days = np.zeros(len(rows)) if days is None else np.asarray(days)[rows]
        triggers.append(pd.DataFrame({"journey": journey_rows[rows], "time": np.asarray(time)[rows], "code": code,
                                      "topic": topic, "base": base, "days": days}))

    rows = np.arange(len(j))
    pc, trouble = j["purchase_channel"].to_numpy(), j["pay_trouble"].to_numpy()
    quarter = j["quarter"].to_numpy()
    code = np.where(trouble, "CHECKOUT_APP", np.array(["CHECKOUT_WEB", "CHECKOUT_APP", "STORE", "PHONE_ORDER",
                                                        "MARKETPLACE"], dtype=object)[pc])
    topic = np.where(trouble, "payment_retry", np.array(["checkout", "checkout", "store", "checkout", "marketplace"],
                                                        dtype=object)[pc])
    base = np.where(trouble, -1.1, np.array([.5, .6, 1.3, .9, .3])[pc])
    add(j["success"].to_numpy(), rows, j["t_order"].to_numpy(), code, topic, base, .2)
    add(j["pay_abandon"].to_numpy(), rows, j["t_last_fail"].to_numpy(), "CHECKOUT_APP", "payment_failed", -1.7, .30)
    late, damaged = j["late"].to_numpy(), j["damaged"].to_numpy()
    onboard = j["onboard"].to_numpy()
    topic = np.where(damaged, "delivery_damaged", np.where(late, "delivery_late", "delivery_ok"))
    base = .9 - .6 * (quarter == 1) - 1.3 * late - 1.9 * damaged - .5 * j["failed_attempt"].to_numpy()
    add(onboard, rows, j["t_delivery"].to_numpy(), "DELIVERY_1", topic, base, .2, days=j["lag"].to_numpy())
    add(j["setup"].to_numpy(), rows, j["t_delivery"].to_numpy() + _DAY, "SETUP_GUIDE", "setup",
        1.0 - 1.2 * damaged, .07)
    kind, fcr = j["support_kind"].to_numpy(), j["fcr"].to_numpy()
    incident = np.isin(j["reason"].to_numpy(), (_PAY, _DAMAGED, _LATE))
    code = np.array(["", "CALL", "MAIL_SUPPORT", ""], dtype=object)[np.maximum(kind, 0)]
    topic = np.array(["faq", "support_call", "support_mail", "support_chat"], dtype=object)[np.maximum(kind, 0)]
    base = np.array([0, -1.7, -.4, .4])[np.maximum(kind, 0)] + .7 * fcr - .5 * incident
    add(kind > 0, rows, j["contact"].to_numpy() + _DAY * (1 + 2 * ~fcr), code, topic, base, .22)
    relational = .4 - .8 * trouble - .5 * late - 1.0 * damaged - .6 * j["churn"].to_numpy()
    span = j["end"].to_numpy() - j["start"].to_numpy()
    add(np.ones(len(j), dtype=bool), rows, j["start"].to_numpy() + rng.random(len(j)) * span, "", "general",
        relational, .05)

    name = np.array(EVENT_NAMES, dtype=object)[events["code"].to_numpy()]
    ev_rows = events["journey"].to_numpy()
    for event, rate, code, topic, base in (
            ("box_delivered", .015, "BOX", "box", .8), ("push_reminder_open", .004, "APP_REMINDERS", "app", 1.2),
            ("account_view", .004, "ACCOUNT", "account", .2), ("faq_view", .03, "FAQ", "faq", 0.0),
            ("store_visit", .06, "STORE_ADVICE", "store", 1.4), ("workshop_checkin", .015, "WORKSHOP", "workshop", 1.5),
            ("cancel_confirm", .30, "CANCEL", "cancel", -.9), ("renew_confirm", .12, "RENEWAL", "renewal", .5)):
        mask = (name == event) & (ev_rows >= 0)
        add(mask, np.maximum(ev_rows, 0), events["time"].to_numpy().astype(float), code, topic, base, rate)

    t = pd.concat(triggers, ignore_index=True)
    jr = t["journey"].to_numpy()
    persona = j["persona"].to_numpy()[jr]
    customer = j["customer"].to_numpy()[jr]
    q = quarter[jr]
    n = len(t)
    score = t["base"].to_numpy() + _PERSONA_SCORE[persona] + rng.normal(0, .55, n)
    nps = np.clip(np.round(6.4 + 1.35 * score + _PERSONA_NPS[persona] + rng.normal(0, 1.2, n)), 0, 10)
    csat = np.clip(np.round(3.45 + .95 * score + rng.normal(0, .45, n)), 1, 5)
    ces = np.clip(np.round(3.0 - 1.05 * score + rng.normal(0, .6, n)), 1, 7)
    codes = t["code"].to_numpy()
    relational = t["topic"].to_numpy() == "general"
    effort = np.isin(codes, list(_EFFORT_CODES)) & ~relational
    nps = np.where((rng.random(n) < np.where(relational, .97, .66)), nps, np.nan)
    csat = np.where(~relational & (rng.random(n) < .95), csat, np.nan)
    ces = np.where(effort & (rng.random(n) < .9), ces, np.nan)
    day = np.floor(t["time"].to_numpy() / _DAY) * _DAY
    submitted = day + rng.choice([0, 1, 1, 2, 3], n) * _DAY + rng.uniform(8, 22, n) * _HOUR
    submitted = np.where(submitted <= t["time"].to_numpy(), t["time"].to_numpy() + rng.uniform(300, 3600, n),
                         submitted)
    submitted = np.minimum(submitted, _Q_END[q] - rng.uniform(3, 12, n) * _HOUR)
    lang = np.where(cust["lang_fr"][customer], "fr", "en")
    writes = rng.random(n) < np.clip(_PERSONA_WRITES[persona] + .2 * (score < -.4), 0, 1)
    topics, days = t["topic"].to_numpy(), t["days"].to_numpy()
    verbatim = np.array([_verbatim(rng, topics[i], score[i], lang[i], persona[i], days[i])
                         if writes[i] else "" for i in range(n)], dtype=object)
    written = np.flatnonzero(verbatim != "")
    pii = np.sort(rng.choice(written, int(round(PII_RATE * len(written))), replace=False))
    for i in pii:
        sentence = _pick(rng, bank("verbatims")["pii_sentences"][lang[i]])
        verbatim[i] += " " + sentence.format(email=_email(rng, lang[i]), phone=_phone(rng, lang[i]))
    order = np.lexsort((customer, submitted))
    frame = pd.DataFrame({
        "respondent": ids[customer], "submitted_at": _iso(submitted, "+02:00"), "touchpoint_code": codes,
        "nps": nps, "csat": csat, "ces": ces, "verbatim": verbatim, "lang": lang,
    }).iloc[order].reset_index(drop=True)
    truth = pd.DataFrame({"quarter": q, "persona": persona, "score": score, "topic": topics,
                          "pii": np.isin(np.arange(n), pii)}).iloc[order].reset_index(drop=True)
    frame.insert(0, "response_id", [f"R{i:06d}" for i in range(1, len(frame) + 1)])
    wrong = rng.choice(np.flatnonzero(frame["nps"].notna().to_numpy()), N_NPS_OUT_OF_RANGE, replace=False)
    frame.loc[wrong, "nps"] = NPS_OUT_OF_RANGE_VALUE
    plain = np.flatnonzero(~truth["pii"].to_numpy() & ~np.isin(np.arange(len(frame)), wrong))
    copies = np.sort(rng.choice(plain, N_DUPLICATE_SURVEY_ROWS, replace=False))
    position = np.sort(np.concatenate([np.arange(len(frame)), copies]), kind="stable")
    frame, truth = frame.iloc[position].reset_index(drop=True), truth.iloc[position].reset_index(drop=True)
    for column in ("nps", "csat", "ces"):
        frame[column] = frame[column].astype("Int64")
    return frame, truth


_GENERAL_TOPICS = {
    _APP: ("App bug", "Account access", "Plant care advice", "Billing", "Subscription change"),
    _BARGAIN: ("Billing", "Subscription change", "Promo code", "Refund", "Missing item"),
    _EXPERT: ("Plant care advice", "Subscription change", "Missing item", "Billing", "Plant care advice"),
    _GIFT: ("Gift message", "Delivery address", "Billing"),
}
_TOPIC_CODES = {"Payment failed": "CHECKOUT_APP", "Late delivery": "DELIVERY_1", "Damaged plant": "DELIVERY_1",
                "Cancellation": "CANCEL", "App bug": "APP_REMINDERS", "Subscription change": "ACCOUNT",
                "Missing item": "BOX", "Promo code": "CHECKOUT_WEB", "Delivery address": "DELIVERY_1"}


def _tickets(rng: np.random.Generator, journeys: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    """One helpdesk ticket per contact with an adviser (phone, e-mail or WhatsApp)."""
    j = journeys[journeys["support_kind"] > 0].reset_index(drop=True)
    n = len(j)
    kind, fcr, reason, persona = (j[c].to_numpy() for c in ("support_kind", "fcr", "reason", "persona"))
    created = j["contact"].to_numpy() - 2 * _HOUR  # the helpdesk exports UTC; the company lives in Paris time
    minutes = np.select([kind == _CALL, kind == _CHAT], [rng.uniform(3, 25, n), rng.uniform(10, 120, n)],
                        rng.uniform(180, 2400, n))
    duration = np.where(fcr, minutes * 60, rng.uniform(1, 6, n) * _DAY)
    resolved = np.where(rng.random(n) < .03, np.nan, created + duration)
    topic = np.empty(n, dtype=object)
    for value, name in ((_PAY, "Payment failed"), (_DAMAGED, "Damaged plant"), (_LATE, "Late delivery"),
                        (_CANCEL, "Cancellation")):
        topic[reason == value] = name
    for p, options in _GENERAL_TOPICS.items():
        mask = (reason == _GENERAL) & (persona == p)
        topic[mask] = np.array(options, dtype=object)[rng.integers(len(options), size=mask.sum())]
    touchpoint = np.array([_TOPIC_CODES.get(t) for t in topic], dtype=object)
    incident = np.isin(reason, (_PAY, _DAMAGED, _LATE))
    rating = np.clip(np.round(3.3 + 1.1 * fcr - .6 * incident + _PERSONA_SCORE[persona] + rng.normal(0, .8, n)), 1, 5)
    rated = rng.random(n) < .55
    via = np.where(kind == _CALL, "Call centre", np.where(kind == _CHAT, UNMAPPED_CHANNEL_RAW,
                                                          np.where(rng.random(n) < .6, "Web", "E-mail")))
    order = np.argsort(created, kind="stable")
    bad = rng.choice(np.flatnonzero(~np.isnan(resolved)), N_TICKETS_RESOLVED_BEFORE_CREATED, replace=False)
    resolved[bad] = created[bad] - rng.uniform(1, 30, len(bad)) * _HOUR
    created_text = _iso(created, "Z")
    resolved_text = [None if np.isnan(value) else text for value, text in
                     zip(resolved, _iso(np.nan_to_num(resolved), "Z"))]
    records = pd.DataFrame({
        "client": ids[j["customer"].to_numpy()], "created": created_text, "resolved": resolved_text, "via": via,
        "topic": topic, "fcr": fcr.astype(bool), "rating": [int(r) if ok else None for r, ok in zip(rating, rated)],
        "touchpoint": touchpoint, "quarter": j["quarter"].to_numpy(), "reason": reason,
    }).iloc[order].reset_index(drop=True)
    records.insert(0, "id", [f"TCK-{i:06d}" for i in range(100_001, 100_001 + n)])
    return records
