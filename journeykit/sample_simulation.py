"""The sample company's two quarters, simulated: each customer's journey and the events it leaves in the log.

:func:`_simulate` returns one row per customer and quarter (how far the journey went, what went wrong, when)
and the event log; the survey, the tickets and the interviews are drawn from these rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sample_customers import _GIFT_PLAN, _choose
from .sample_facts import (
    _APP,
    _DAY,
    _GIFT,
    _HOUR,
    _Q_END,
    _Q_START,
    DAMAGED_RATE,
    FRICTION_NEXT_EVENT,
    N_ORPHAN_EVENTS,
    ORPHAN_USERS,
    PAYMENT_FAILURE_RATE,
    QUARTERS,
    UNMAPPED_EVENT,
)
from .sample_journey import _EV, _TP, _TP_FIRST_EVENT, _TP_N_EVENTS, TOUCHPOINTS

# Generic sessions: the touchpoints a persona uses in a stage (weights) and the extra sessions it opens.
_DISCOVER_TPS = np.array([_TP[t] for t in ("search_ad", "social_post", "promo_email", "app_store_listing",
                                           "marketplace_listing")])
_DISCOVER_NEW = np.array([[.05, .50, .10, .35, 0], [.45, .05, .50, 0, 0], [.20, .05, .40, 0, .35],
                          [.25, .67, .02, 0, .06]])
_DISCOVER_RETURNING = np.array([[0, .5, .5, 0, 0], [.15, 0, .85, 0, 0], [0, 0, .7, 0, .3], [.2, .7, .1, 0, 0]])
_DISCOVER_EXTRA = np.array([.8, 4, .6, 2])
_CONSIDER_TPS = np.array([_TP[t] for t in ("product_page", "app_catalogue", "plant_quiz", "store_advice")])
_CONSIDER_W = np.array([[.12, .85, .03, 0], [.75, .05, .20, 0], [.42, .03, .05, .50], [.62, .05, .33, 0]])
_CONSIDER_EXTRA = np.array([1.5, 2.5, 1.5, .8])
_USE_TPS = np.array([_TP[t] for t in ("care_reminders", "my_subscription", "community", "store_workshop")])
_USE_RATE = np.array([[17, 1.5, 4, 0], [.4, 6, .2, 0], [2, 4, .3, 3.5], [.3, 1, .5, 0]])  # per 91 days


def _session_extra() -> np.ndarray:
    """Mean number of events after the first one in a session, per touchpoint."""
    extra = np.zeros(len(TOUCHPOINTS))
    for name, mean in {"search_ad": .6, "social_post": .3, "promo_email": 1.0, "app_store_listing": .8,
                       "marketplace_listing": .5, "product_page": 2.5, "app_catalogue": 2.8, "plant_quiz": 1.0,
                       "store_advice": .6, "care_reminders": 1.6, "my_subscription": 1.2, "community": .8,
                       "store_workshop": .3, "help_centre": .8}.items():
        extra[_TP[name]] = mean
    return extra


def _later_cumulative() -> np.ndarray:
    """Per touchpoint, cumulative chances of each raw event name after the first event of a session."""
    later = {"add_to_cart": .3, "app_add_to_cart": .3, "quiz_start": .05, "email_open": .1, "ad_click": .1,
             "app_install": 0, "store_visit": .1, "faq_view": .4}
    width = int(_TP_N_EVENTS.max())
    cumulative = np.ones((len(TOUCHPOINTS), width))
    for index, tp in enumerate(TOUCHPOINTS):
        names = tp[8] or [tp[0]]
        weights = np.array([later.get(name, 1.0) for name in names] + [0.0] * (width - len(names)))
        cumulative[index] = np.cumsum(weights) / weights.sum()
    return cumulative


_SESSION_EXTRA = _session_extra()
_LATER_CUM = _later_cumulative()

_PURCHASE_CHANNEL = np.array([[.18, .80, .01, 0, .01], [.88, .10, 0, 0, .02], [.22, .03, .42, .23, .10],
                              [.72, .12, .02, 0, .14]])  # web, app, store, phone, partner
_WEB, _APPCH, _STORE, _PHONE, _PARTNER = range(5)
_SUPPORT_KIND = np.array([[.25, .12, .25, .38], [.35, .15, .45, .05], [.08, .62, .28, .02], [.30, .10, .25, .35]])
_SELF, _CALL, _MAIL, _CHAT = range(4)
_PAY, _DAMAGED, _LATE, _CANCEL, _GENERAL = range(5)  # why a customer contacts support, by priority


class _Log:
    """Events accumulated during the simulation: journey, time (s), event code, session number."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.n_sessions = 0

    def sessions(self, n: int) -> np.ndarray:
        numbers = np.arange(self.n_sessions, self.n_sessions + n)
        self.n_sessions += n
        return numbers

    def add(self, journey: np.ndarray, time: np.ndarray, event: str | np.ndarray, session: np.ndarray) -> None:
        journey = np.asarray(journey)
        code = np.full(len(journey), _EV[event]) if isinstance(event, str) else np.asarray(event)
        self.parts.append((journey, np.asarray(time, dtype=float), code, np.asarray(session)))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate([part[i] for part in self.parts]) for i in range(4))


def _generic_sessions(rng, log, journey, start, end, n, tps, weights) -> tuple[np.ndarray, np.ndarray]:
    """``n[i]`` sessions of journey ``journey[i]`` in ``[start[i], end[i]]``, each on one touchpoint of ``tps``
    drawn with the row ``weights[i]``; returns each session's touchpoint and start time."""
    which = np.repeat(np.arange(len(journey)), n)
    tp = tps[_choose(rng, weights[which])] if len(which) else np.zeros(0, dtype=int)
    span = np.maximum(end[which] - start[which] - 900, 0)
    begin = start[which] + rng.random(len(which)) * span
    count = 1 + rng.poisson(_SESSION_EXTRA[tp])
    event_session = np.repeat(np.arange(len(which)), count)
    first = np.cumsum(count) - count
    position = np.arange(len(event_session)) - np.repeat(first, count)
    event_tp = tp[event_session]
    later = (rng.random(len(event_session))[:, None] > _LATER_CUM[event_tp]).sum(axis=1)
    code = _TP_FIRST_EVENT[event_tp] + np.where(position == 0, 0, np.minimum(later, _TP_N_EVENTS[event_tp] - 1))
    gaps = np.where(position == 0, 0, 5 + rng.exponential(50, len(event_session)))
    elapsed = np.cumsum(gaps)
    offset = elapsed - np.repeat(elapsed[first], count) if len(elapsed) else elapsed
    numbers = log.sessions(len(which))
    log.add(journey[which][event_session], begin[event_session] + offset, code, numbers[event_session])
    return tp, begin


def _chat(rng, log, journey, time) -> None:
    """A WhatsApp conversation (the touchpoint nobody mapped) starting at ``time``."""
    count = 2 + rng.poisson(2, len(journey))
    which = np.repeat(np.arange(len(journey)), count)
    first = np.cumsum(count) - count
    position = np.arange(len(which)) - np.repeat(first, count)
    elapsed = np.cumsum(np.where(position == 0, 0, rng.uniform(20, 400, len(which))))
    offset = elapsed - np.repeat(elapsed[first], count) if len(elapsed) else elapsed
    numbers = log.sessions(len(journey))
    log.add(journey[which], time[which] + offset, UNMAPPED_EVENT, numbers[which])


def _quarter(rng, log, cust, state, q) -> dict[str, np.ndarray]:
    """Simulate quarter ``q`` (0 = 2026Q2, 1 = 2026Q3): who comes, how far they go, and their events."""
    persona_all, plan_all = cust["persona"], cust["plan"]
    qs, qe = _Q_START[q], _Q_END[q]
    n_cust = len(persona_all)
    new = cust["cohort"] == q + 1
    retry = state["prospect"] & (rng.random(n_cust) < .5)
    regift = state["gift_done"] & (rng.random(n_cust) < .2)
    kind_of = np.full(n_cust, -1)
    kind_of[regift], kind_of[retry], kind_of[state["subscriber"]], kind_of[new] = 3, 2, 1, 0
    c = np.flatnonzero(kind_of >= 0)
    jt, p, plan = kind_of[c], persona_all[c], plan_all[c]
    n = len(c)
    returning = jt == 1

    def u() -> np.ndarray:
        return rng.random(n)

    # How far each journey goes: the entry stage by kind (new, returning, prospect back, gift buyer back)
    new_entry = np.where(u() < .85, 0, 1)
    returning_entry = np.select([u() < np.array([.25, .65, .25, .25])[p], u() < .2], [0, 1], -1)
    entry = np.select([jt == 0, jt == 1, jt == 2], [new_entry, returning_entry, 1], np.where(u() < .7, 0, 1))
    r_discover = entry == 0
    p_dc = np.where(returning, .55, np.array([.88, .84, .90, .90])[p])
    r_consider = (entry == 1) | (r_discover & (u() < p_dc))
    p_cp = np.where(returning, np.array([.30, .22, .40, .10])[p], np.array([.84, .76, .88, .86])[p])
    r_purchase = r_consider & (u() < p_cp)
    pc = _choose(rng, _PURCHASE_CHANNEL[p])
    pc = np.where(returning & (pc == _PARTNER), _WEB, pc)

    fail_rate = PAYMENT_FAILURE_RATE[QUARTERS[q]]
    f1 = u() < fail_rate
    retry1 = f1 & (u() < .55)
    f2 = retry1 & (u() < fail_rate)
    retry2 = f2 & (u() < .55)
    f3 = retry2 & (u() < fail_rate)
    app_ok = ~f1 | (retry1 & ~f2) | (retry2 & ~f3)
    attempts = 1 + retry1.astype(int) + retry2.astype(int)
    fallback = ~app_ok & (u() < .25)
    web_ok = u() > .04
    is_app = r_purchase & (pc == _APPCH)
    success = r_purchase & np.select([pc == _WEB, pc == _APPCH, pc == _STORE, pc == _PHONE],
                                     [web_ok, app_ok | (fallback & web_ok), True, u() < .98], u() < .97)
    pay_abandon = is_app & ~app_ok & ~fallback
    pay_trouble = is_app & f1

    onboard = success & ~(returning & (pc == _STORE))
    lag = np.where(q == 0, 1.2 + rng.gamma(2, .8, n), 2.0 + rng.gamma(2.5, 1.5, n))
    failed_attempt = onboard & (u() < (.05, .20)[q])
    lag = lag + failed_attempt
    late = onboard & (lag > 5)
    damaged = onboard & (u() < DAMAGED_RATE[QUARTERS[q]])
    setup = onboard & (u() < np.where(p == _APP, .85, .15)) & ~(damaged & (u() < .5))
    first_order = onboard & ~returning

    subscribed = returning | ((jt <= 2) & success & (plan != _GIFT_PLAN))
    base_churn = np.where(returning, np.array([.045, .20, .025, .15])[p], np.array([.05, .22, .03, .20])[p])
    churn_p = base_churn + .06 * late + .20 * damaged + .05 * pay_trouble
    churn = subscribed & (u() < churn_p)
    r_use = subscribed
    r_renew = churn | (subscribed & (u() < np.where(returning, .5, .3)))

    reason = np.select([pay_abandon & (u() < .45), damaged & (u() < .75), late & (u() < .30),
                        churn & (u() < .15),
                        (subscribed & (u() < np.array([.09, .14, .20, .05])[p])) | (~subscribed & (u() < .02))],
                       [_PAY, _DAMAGED, _LATE, _CANCEL, _GENERAL], -1)
    weights = _SUPPORT_KIND[p].copy()
    weights[reason != _GENERAL, 0] = 0
    support_kind = _choose(rng, weights)
    r_support = reason >= 0
    fcr = u() < np.array([1, .74, .55, .68])[support_kind] - .12 * np.isin(reason, (_PAY, _DAMAGED, _LATE))

    # When: stage durations laid out from t0, scaled down when they do not fit the quarter
    d_discover = np.minimum(.05 + rng.exponential(1.2, n), 8) * _DAY * r_discover
    d_consider = np.minimum(.05 + rng.exponential(2.0, n), 12) * _DAY * r_consider
    d_purchase = np.where(is_app & fallback, 1, .05) * _DAY * r_purchase
    setup_delay = rng.uniform(.05, 1.5, n) * _DAY
    d_onboard = (lag * _DAY + np.where(setup, setup_delay, 0) + _HOUR) * onboard
    general = r_support & (reason == _GENERAL)
    d_support = np.minimum(.3 + rng.exponential(1.0, n), 4) * _DAY * general
    d_renew = np.minimum(.5 + rng.exponential(2.0, n), 7) * _DAY * r_renew
    pre = d_discover + d_consider + d_purchase + d_onboard
    post = d_support + d_renew
    need = pre + post + 10 * _DAY * r_use
    slack = (qe - qs) - 2 * _DAY - need
    window = np.where(returning, np.where(entry < 0, 3 * _DAY, 45 * _DAY), slack)
    t0 = qs + u() * np.clip(np.minimum(window, slack), 0, None)
    scale = np.minimum(1, (qe - qs - 2 * _DAY) / need)
    d_discover, d_consider, d_purchase, d_onboard, d_support, d_renew, lag_s, setup_delay = (
        x * scale for x in (d_discover, d_consider, d_purchase, d_onboard, d_support, d_renew, lag * _DAY,
                            setup_delay))
    discover_end = t0 + d_discover
    consider_end = discover_end + d_consider
    t_purchase = consider_end + .02 * _DAY * r_purchase
    onboard_start = t_purchase + d_purchase
    t_delivery = onboard_start + lag_s
    onboard_end = onboard_start + d_onboard
    use_end = np.where(r_use, np.maximum(onboard_end + 10 * _DAY * scale,
                                         qe - _DAY - post - u() * 3 * _DAY), onboard_end)
    support_start = use_end
    renew_start = support_start + d_support
    renew_end = renew_start + d_renew

    j = np.arange(n) + state["n_journeys"]
    # discover and consider
    idx = np.flatnonzero(r_discover)
    w = np.where(returning[idx, None], _DISCOVER_RETURNING[p[idx]], _DISCOVER_NEW[p[idx]])
    _generic_sessions(rng, log, j[idx], t0[idx], discover_end[idx], 1 + rng.poisson(_DISCOVER_EXTRA[p[idx]]),
                      _DISCOVER_TPS, w)
    idx = np.flatnonzero(r_consider)
    _generic_sessions(rng, log, j[idx], discover_end[idx], consider_end[idx],
                      1 + rng.poisson(_CONSIDER_EXTRA[p[idx]]), _CONSIDER_TPS, _CONSIDER_W[p[idx]])
    idx = np.flatnonzero(r_consider & ~returning & np.isin(p, (_APP, _GIFT)) & (u() < .04))
    _chat(rng, log, j[idx], discover_end[idx] + u()[idx] * d_consider[idx] * .8)

    # purchase
    t_order = np.full(n, np.nan)
    idx = np.flatnonzero(r_purchase & (pc == _WEB))
    session = log.sessions(len(idx))
    log.add(j[idx], t_purchase[idx], "begin_checkout", session)
    paid = t_purchase[idx] + rng.uniform(60, 400, len(idx))
    log.add(j[idx], paid, "payment_submit", session)
    again = ~web_ok[idx]
    log.add(j[idx][again], paid[again] + rng.uniform(30, 120, again.sum()), "payment_submit", session[again])
    t_order[idx[web_ok[idx]]] = paid[web_ok[idx]] + 8
    idx = np.flatnonzero(is_app)
    session = log.sessions(len(idx))
    log.add(j[idx], t_purchase[idx], "app_checkout_start", session)
    t_app = t_purchase[idx] + rng.uniform(40, 200, len(idx))
    steps = np.vstack([np.zeros(len(idx)), rng.uniform(60, 180, (2, len(idx)))]).cumsum(axis=0)
    for attempt, failed in enumerate((f1, f2, f3)):
        tried = attempts[idx] > attempt
        at = t_app + steps[attempt]
        log.add(j[idx][tried], at[tried], "app_payment_submit", session[tried])
        bad = tried & failed[idx]
        log.add(j[idx][bad], at[bad] + rng.uniform(4, 25, bad.sum()), "app_payment_failed", session[bad])
    t_app_end = t_app + steps[attempts[idx] - 1, np.arange(len(idx))] + 60
    ok = app_ok[idx]
    t_order[idx[ok]] = t_app_end[ok]
    back = ~ok & fallback[idx]
    t_web = t_app_end[back] + rng.uniform(.5, 20, back.sum()) * _HOUR
    session = log.sessions(back.sum())
    log.add(j[idx][back], t_web, "begin_checkout", session)
    log.add(j[idx][back], t_web + 120, "payment_submit", session)
    good = web_ok[idx][back]
    t_order[idx[back][good]] = t_web[good] + 130
    for channel, event in ((_STORE, "pos_sale"), (_PHONE, "call_order_taken"), (_PARTNER, "marketplace_order")):
        idx = np.flatnonzero(r_purchase & (pc == channel))
        log.add(j[idx], t_purchase[idx], event, log.sessions(len(idx)))
        done = success[idx]
        t_order[idx[done]] = t_purchase[idx[done]] + 90
    confirmed = success & (pc != _PARTNER) & ((pc != _STORE) | (u() < .4))
    idx = np.flatnonzero(confirmed)
    log.add(j[idx], t_order[idx], FRICTION_NEXT_EVENT, log.sessions(len(idx)))
    idx = np.flatnonzero(confirmed & (u() < .6))
    log.add(j[idx], t_order[idx] + rng.uniform(.01, .5, len(idx)) * _DAY, "confirmation_email_open",
            log.sessions(len(idx)))
    t_order = np.where(success, t_order, np.nan)

    # onboard: welcome, tracking, delivery, set-up
    idx = np.flatnonzero(first_order & (jt <= 2) & (u() < .7))
    log.add(j[idx], onboard_start[idx] + rng.uniform(.005, .2, len(idx)) * _DAY, "welcome_email_open",
            log.sessions(len(idx)))
    idx = np.flatnonzero(onboard & (u() < .6))
    log.add(j[idx], onboard_start[idx] + rng.uniform(.3, .8, len(idx)) * lag_s[idx], "shipping_notification_click",
            log.sessions(len(idx)))
    idx = np.flatnonzero(onboard)
    tracks = rng.poisson(.4 + .3 * lag[idx])
    which = np.repeat(idx, tracks)
    log.add(j[which], onboard_start[which] + rng.uniform(.3, .97, len(which)) * lag_s[which], "track_parcel",
            log.sessions(len(which)))
    session = log.sessions(len(idx))
    retried = failed_attempt[idx]
    log.add(j[idx][retried], t_delivery[idx][retried] - _DAY - 4 * _HOUR, "parcel_out_for_delivery",
            session[retried])
    log.add(j[idx][retried], t_delivery[idx][retried] - _DAY, "delivery_failed_attempt", session[retried])
    log.add(j[idx], t_delivery[idx] - rng.uniform(1, 6, len(idx)) * _HOUR, "parcel_out_for_delivery", session)
    log.add(j[idx], t_delivery[idx], "parcel_delivered", session)
    idx = np.flatnonzero(setup)
    t_setup = t_delivery[idx] + setup_delay[idx]
    session = log.sessions(len(idx))
    log.add(j[idx], t_setup, "care_guide_open", session)
    added = u()[idx] < .8
    log.add(j[idx][added], t_setup[added] + rng.uniform(30, 300, added.sum()), "plant_added_to_app",
            session[added])

    # use: generic sessions and the monthly boxes
    idx = np.flatnonzero(r_use)
    days = (use_end[idx] - onboard_end[idx]) / _DAY
    rates = _USE_RATE[p[idx]] * (days / 91)[:, None]
    _generic_sessions(rng, log, j[idx], onboard_end[idx], use_end[idx], rng.poisson(rates.sum(axis=1)),
                      _USE_TPS, _USE_RATE[p[idx]] + 1e-9)
    first_box = onboard_end[idx] + rng.uniform(2, 30, len(idx)) * _DAY
    boxes = np.zeros(n, dtype=int)
    for month in range(4):
        at = first_box + month * 30.4 * _DAY
        sent = at + 3 * _DAY < use_end[idx]
        session = log.sessions(sent.sum())
        log.add(j[idx][sent], at[sent], "box_dispatched", session)
        log.add(j[idx][sent], at[sent] + rng.uniform(1.5, 3, sent.sum()) * _DAY, "box_delivered", session)
        boxes[idx[sent]] += 1

    # support: incidents right after the incident, other questions at the end of the use stage
    start = np.select([reason == _PAY, np.isin(reason, (_DAMAGED, _LATE))],
                      [t_purchase + rng.uniform(.05, .6, n) * _DAY, t_delivery + rng.uniform(.05, 1, n) * _DAY],
                      support_start + u() * np.maximum(d_support, _HOUR))
    start = np.where(reason == _CANCEL, renew_start - rng.uniform(.2, 1, n) * _DAY, start)
    idx = np.flatnonzero(r_support & ((support_kind == _SELF) | (u() < .45)))
    _generic_sessions(rng, log, j[idx], start[idx] - 1200, start[idx] - 900, np.ones(len(idx), dtype=int),
                      np.array([_TP["help_centre"]]), np.ones((len(idx), 1)))
    contact = np.full(n, np.nan)
    for kind in (_CALL, _MAIL, _CHAT):
        for second in (False, True):
            idx = np.flatnonzero(r_support & (support_kind == kind) & (~fcr if second else True))
            at = start[idx] + (rng.uniform(1, 4, len(idx)) * _DAY if second else 0)
            if not second:
                contact[idx] = at
            if kind == _CALL:
                session = log.sessions(len(idx))
                log.add(j[idx], at, "call_inbound", session)
                log.add(j[idx], at + rng.uniform(10, 40, len(idx)), "ivr_menu", session)
                back = u()[idx] < .25
                log.add(j[idx][back], at[back] + rng.uniform(120, 900, back.sum()), "callback_requested",
                        session[back])
            elif kind == _MAIL:
                log.add(j[idx], at, "contact_form_submit", log.sessions(len(idx)))
                log.add(j[idx], at + rng.uniform(3, 40, len(idx)) * _HOUR, "support_email_reply",
                        log.sessions(len(idx)))
            else:
                _chat(rng, log, j[idx], at)

    # renew
    idx = np.flatnonzero(r_renew)
    opened = (u()[idx] < .7) | ~churn[idx]
    span = d_renew[idx]
    log.add(j[idx][opened], renew_start[idx][opened], "renewal_email_open", log.sessions(opened.sum()))
    quit_ = churn[idx]
    t_cancel = renew_start[idx] + rng.uniform(.1, .9, len(idx)) * span
    saved = ~quit_ & (u()[idx] < .06)
    start_cancel = quit_ | saved
    session = log.sessions(len(idx))
    log.add(j[idx][start_cancel], t_cancel[start_cancel], "cancel_start", session[start_cancel])
    reasoned = quit_ & (u()[idx] < .85)
    log.add(j[idx][reasoned], t_cancel[reasoned] + 60, "cancel_reason_submitted", session[reasoned])
    log.add(j[idx][quit_], t_cancel[quit_] + 150, "cancel_confirm", session[quit_])
    view = ~quit_ & (u()[idx] < .6)
    t_view = renew_start[idx] + rng.uniform(.2, .95, len(idx)) * span
    session = log.sessions(len(idx))
    log.add(j[idx][view], t_view[view], "renewal_page_view", session[view])
    confirm = view & (u()[idx] < .5)
    log.add(j[idx][confirm], t_view[confirm] + rng.uniform(30, 200, confirm.sum()), "renew_confirm",
            session[confirm])
    churn_time = np.full(n, np.nan)
    churn_time[idx[quit_]] = t_cancel[quit_] + 150

    # state for the next quarter
    customer_signup = np.where(jt == 0, t0, np.nan)
    became = success & (jt <= 2)
    state["subscriber"][c] = np.where(returning, ~churn,
                                      state["subscriber"][c] | (became & subscribed & ~churn))
    state["prospect"][c] = np.where((jt == 0) | (jt == 2), ~success, state["prospect"][c])
    state["gift_done"][c] |= success & (plan == _GIFT_PLAN)
    state["purchased"][c] |= success
    state["orders"][c] += success.astype(int) + boxes
    state["signup"][c] = np.where(np.isnan(customer_signup), state["signup"][c], customer_signup)
    state["churn_time"][c] = np.where(np.isnan(churn_time), state["churn_time"][c], churn_time)
    state["n_journeys"] += n
    return {
        "customer": c, "quarter": np.full(n, q), "kind": jt, "persona": p, "purchase_channel": pc,
        "reached_purchase": r_purchase, "success": success, "pay_trouble": pay_trouble,
        "pay_abandon": pay_abandon, "onboard": onboard, "first_order": first_order, "late": late,
        "damaged": damaged, "failed_attempt": failed_attempt, "lag": lag, "t_order": t_order,
        "t_delivery": np.where(onboard, t_delivery, np.nan), "setup": setup, "subscribed": subscribed,
        "churn": churn, "renewed": np.isin(np.arange(n), idx[confirm]), "reason": reason,
        "support_kind": np.where(r_support, support_kind, -1), "fcr": fcr, "contact": contact,
        "start": t0, "end": renew_end, "t_last_fail": np.where(pay_abandon, t_purchase + 600, np.nan),
    }


def _daytime(seconds: np.ndarray) -> np.ndarray:
    """Squeeze each day's 24 hours into 7:30-22:30, keeping the order of every pair of times."""
    day = np.floor(seconds / _DAY) * _DAY
    return day + 7.5 * _HOUR + (seconds - day) * (15 / 24)


def _simulate(rng: np.random.Generator, cust: dict[str, np.ndarray]):
    """Both quarters: the journeys (one row per customer and quarter) and the event log."""
    n = len(cust["persona"])
    subscription = cust["plan"] != _GIFT_PLAN
    before = cust["cohort"] == 0
    state = {
        "subscriber": before & subscription & ~cust["churned_before"],
        "prospect": np.zeros(n, dtype=bool),
        "gift_done": before & ~subscription,
        "purchased": before.copy(),
        "orders": cust["orders"].copy(),
        "signup": cust["signup"].copy(),
        "churn_time": cust["churn_time"].copy(),
        "n_journeys": 0,
    }
    log = _Log()
    quarters = [_quarter(rng, log, cust, state, q) for q in (0, 1)]
    journeys = pd.DataFrame({key: np.concatenate([part[key] for part in quarters]) for key in quarters[0]})
    for column in ("t_order", "t_delivery", "contact", "start", "end", "t_last_fail"):
        journeys[column] = _daytime(journeys[column].to_numpy())
    journey, time, code, session = log.arrays()
    time = _daytime(time)
    quarter = journeys["quarter"].to_numpy()[journey]
    keep = time < _Q_END[quarter] - 60  # follow-ups that would fall in the next quarter are not exported
    events = pd.DataFrame({"journey": journey[keep], "customer": journeys["customer"].to_numpy()[journey[keep]],
                           "time": np.floor(time[keep]).astype(np.int64), "code": code[keep],
                           "session": session[keep]})
    state["signup"] = _daytime(state["signup"])
    first = events.groupby("journey")["time"].min()
    new = journeys.loc[first.index, "kind"].to_numpy() == 0
    state["signup"][journeys.loc[first.index[new], "customer"].to_numpy()] = first.to_numpy()[new]
    state["churn_time"] = np.where(before & cust["churned_before"], state["churn_time"], _daytime(state["churn_time"]))
    return journeys, events, state


def _orphans(rng: np.random.Generator) -> pd.DataFrame:
    """Events of accounts deleted from the CRM on request: 8 product-page views each."""
    per = N_ORPHAN_EVENTS // len(ORPHAN_USERS)
    customer = np.repeat(-1 - np.arange(len(ORPHAN_USERS)), per)
    start = _Q_START[0] + rng.uniform(5, 170, len(ORPHAN_USERS)) * _DAY
    time = _daytime(np.repeat(start, per) + np.tile(np.arange(per) * 75.0, len(ORPHAN_USERS)))
    code = np.where(np.tile(np.arange(per) % 2 == 0, len(ORPHAN_USERS)), _EV["view_product"],
                    _EV["view_product_detail"])
    return pd.DataFrame({"journey": -1, "customer": customer, "time": np.floor(time).astype(np.int64),
                         "code": code, "session": -1 - np.repeat(np.arange(len(ORPHAN_USERS)), per)})
