"""Step 7's voice-of-customer detectors: survey scores, negative comments and ticket hotspots.

Each compares a touchpoint with every other answer, comment or touchpoint of the quarter
(:mod:`journeykit.detectors` describes the tests): :func:`survey_scores` on CSAT answers of 1 to
:data:`LOW_CSAT` and CES answers of :data:`HIGH_CES` to 7, :func:`verbatims` on comments whose sentiment is
at most :data:`NEGATIVE`, :func:`ticket_hotspots` on tickets per 1,000 customers reached.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import numpy as np
import pandas as pd

from .detector_evidence import (MIN_LIFT, Detection, _customers_at, _evidence, _int, _judge, _Names, _num, _pct,
                                _worded, distinctive_words, z_poisson, z_two)
from .model import Journey

NEGATIVE = -0.05  # VADER's usual threshold: a comment scoring at most this is negative
LOW_CSAT = 3  # CSAT answers of 1 to this are "not satisfied"
HIGH_CES = 5  # CES answers of this to 7 are "high effort"


def survey_scores(survey: ibis.Table, reached: pd.Series, journey: Journey, *, alpha: float = 0.05,
                  minimum: int = 10, min_lift: float = MIN_LIFT) -> Detection:
    """Detector 2: touchpoints whose answers are less satisfied (CSAT 1-3) or more effortful (CES 5-7).

    Each touchpoint is compared with every other answer of the quarter; the test with more customers
    beyond expectation leads. ``reached``: customers per touchpoint (:func:`reach`), shown beside.
    """
    from . import kpis

    rated = survey.filter(survey.touchpoint.notnull())
    counts = rated.group_by(["touchpoint", "csat", "ces"]).aggregate(answers=rated.count()).execute()
    rows = []
    csat_all = counts.dropna(subset=["csat"])
    ces_all = counts.dropna(subset=["ces"])
    total_csat, total_low = csat_all["answers"].sum(), csat_all.loc[csat_all["csat"] <= LOW_CSAT, "answers"].sum()
    total_ces, total_high = ces_all["answers"].sum(), ces_all.loc[ces_all["ces"] >= HIGH_CES, "answers"].sum()
    for touchpoint, group in counts.groupby("touchpoint", sort=True):
        csat = group.dropna(subset=["csat"])
        ces = group.dropna(subset=["ces"])
        n_csat, low = int(csat["answers"].sum()), int(csat.loc[csat["csat"] <= LOW_CSAT, "answers"].sum())
        n_ces, high = int(ces["answers"].sum()), int(ces.loc[ces["ces"] >= HIGH_CES, "answers"].sum())
        tests = []
        if n_csat >= minimum and total_csat - n_csat >= minimum:
            tests.append(("csat", n_csat, low, (total_low - low) / (total_csat - n_csat),
                          z_two(low, n_csat, total_low - low, total_csat - n_csat)))
        if n_ces >= minimum and total_ces - n_ces >= minimum:
            tests.append(("ces", n_ces, high, (total_high - high) / (total_ces - n_ces),
                          z_two(high, n_ces, total_high - high, total_ces - n_ces)))
        base = max(int(reached.get(touchpoint, 0)), n_csat, n_ces)
        detail = {"csat_answers": n_csat, "ces_answers": n_ces}
        if n_csat and total_csat > n_csat:
            top = kpis.proportion(n_csat - low, n_csat)
            detail.update(csat_top2=top.value, csat_low=top.low, csat_high=top.high,
                          csat_overall=100 * (1 - (total_low - low) / (total_csat - n_csat)))
        if n_ces and total_ces > n_ces:
            values = np.repeat(ces["ces"].to_numpy(float), ces["answers"].to_numpy(int))
            mean = kpis.mean(values)
            rest = ces_all[ces_all["touchpoint"] != touchpoint]
            overall = float(np.average(rest["ces"], weights=rest["answers"]))
            detail.update(ces_mean=mean.value, ces_low=mean.low, ces_high=mean.high, ces_overall=overall)
        if not tests:
            rows.append({"key": touchpoint, "touchpoint": touchpoint, "n": max(n_csat, n_ces), "observed": np.nan,
                         "expected": np.nan, "basis": "", "z": np.nan, "reach": base, "affected": 0,
                         "excess": np.nan, "detail": detail})
            continue
        metric, n, bad, expected, z = max(tests, key=lambda t: (t[2] - t[3] * t[1], t[4]))
        rows.append({"key": touchpoint, "touchpoint": touchpoint, "n": n, "observed": bad / n,
                     "expected": expected, "basis": metric, "z": z, "reach": base, "affected": bad,
                     "excess": n * (bad / n - expected), "detail": detail})
    cells = pd.DataFrame(rows, columns=["key", "touchpoint", "n", "observed", "expected", "basis", "z", "reach",
                                        "affected", "excess", "detail"])
    cells = _judge(cells, alpha, min_lift)
    affected = None
    parts = []
    for metric, condition in (("csat", rated.csat <= LOW_CSAT), ("ces", rated.ces >= HIGH_CES)):
        keys = list(cells.loc[cells["significant"] & (cells["basis"] == metric), "key"])
        if keys:
            bad = rated.filter(rated.touchpoint.isin(keys) & rated.customer_id.notnull() & condition)
            parts.append(bad.select(key=bad.touchpoint, customer_id=bad.customer_id))
    if parts:
        affected = ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()
    _worded(cells, journey, "survey", _survey_text)
    return Detection(_evidence(cells), affected, cells)


def _survey_text(row, names: _Names, lang: str) -> str:
    if pd.isna(row.z):
        return ""
    d = row.detail
    where = names.cell(row.touchpoint, row.stage, row.channel, lang)
    parts = []
    if "csat_top2" in d:
        interval = "" if d["csat_low"] is None else \
            f" [{_num(d['csat_low'], lang, 0)}-{_num(d['csat_high'], lang, 0)}]"
        if lang == "fr":
            parts.append(f"{_num(d['csat_top2'], lang, 0)} % de clients satisfaits (4-5){interval} sur "
                         f"{_int(d['csat_answers'], lang)} réponses, contre {_num(d['csat_overall'], lang, 0)} % "
                         f"ailleurs")
        else:
            parts.append(f"{_num(d['csat_top2'], lang, 0)}% satisfied (4-5){interval} of "
                         f"{_int(d['csat_answers'], lang)} answers, against {_num(d['csat_overall'], lang, 0)}% "
                         f"elsewhere")
    if "ces_mean" in d and d["ces_answers"] >= 2:
        interval = "" if d["ces_low"] is None else f" [{_num(d['ces_low'], lang)}-{_num(d['ces_high'], lang)}]"
        if lang == "fr":
            parts.append(f"effort moyen {_num(d['ces_mean'], lang)}/7{interval}, contre "
                         f"{_num(d['ces_overall'], lang)} ailleurs")
        else:
            parts.append(f"mean effort {_num(d['ces_mean'], lang)}/7{interval}, against "
                         f"{_num(d['ces_overall'], lang)} elsewhere")
    lead = "Sur" if lang == "fr" else "At"
    return f"{lead} {where} : " + " ; ".join(parts) + f" (z = {_num(row.z, lang)})." if lang == "fr" else \
        f"{lead} {where}: " + "; ".join(parts) + f" (z = {_num(row.z, lang)})."


def verbatims(survey: ibis.Table, reached: pd.Series, journey: Journey, *, alpha: float = 0.05,
              minimum: int = 10, min_lift: float = MIN_LIFT, scorer: Callable | None = None) -> Detection:
    """Detector 3: touchpoints whose comments are more often negative, with their most distinctive words.

    ``scorer(texts, langs)`` gives each comment's sentiment in [-1, 1]; by default
    :func:`journeykit.sentiment.score_many`. A comment in neither English nor French has its language
    detected.
    """
    commented = survey.filter(survey.touchpoint.notnull() & survey.comment.notnull())
    frame = commented.select("customer_id", "touchpoint", "comment", "language").order_by(
        ["touchpoint", "customer_id", "comment"]).execute()
    frame = frame[frame["comment"].str.strip() != ""].reset_index(drop=True)
    from .sentiment import detect_language, score_many

    missing = frame["language"].isna() | ~frame["language"].isin(["en", "fr"])
    frame.loc[missing, "language"] = [detect_language(text) for text in frame.loc[missing, "comment"]]
    scores = (scorer or score_many)(frame["comment"].tolist(), frame["language"].tolist())
    frame["score"] = np.asarray(scores, dtype="float64")
    frame["negative"] = frame["score"] <= NEGATIVE
    total, total_negative = len(frame), int(frame["negative"].sum())
    rows = []
    for touchpoint, group in frame.groupby("touchpoint", sort=True):
        n, negative = len(group), int(group["negative"].sum())
        base = max(int(reached.get(touchpoint, 0)), n)
        rest_n, rest_negative = total - n, total_negative - negative
        ok = n >= minimum and rest_n >= minimum
        expected = rest_negative / rest_n if rest_n else float("nan")
        rows.append({"key": touchpoint, "touchpoint": touchpoint, "n": n, "observed": negative / n,
                     "expected": expected, "basis": "comments", "reach": base,
                     "z": z_two(negative, n, rest_negative, rest_n) if ok else float("nan"),
                     "excess": n * (negative / n - expected) if ok else float("nan"), "affected": negative})
    cells = pd.DataFrame(rows, columns=["key", "touchpoint", "n", "observed", "expected", "basis", "reach", "z",
                                        "excess", "affected"])
    cells = _judge(cells, alpha, min_lift)
    details = []
    for row in cells.itertuples():
        detail: dict = {"negative_comments": int(round(row.observed * row.n))}
        if row.significant:
            mine = (frame["touchpoint"] == row.touchpoint) & frame["negative"]
            for lang in ("en", "fr"):
                texts = frame.loc[mine & (frame["language"] == lang), "comment"]
                reference = frame.loc[~mine & (frame["language"] == lang), "comment"]
                detail[f"words_{lang}"] = distinctive_words(texts, reference, lang) if len(texts) else []
        details.append(detail)
    cells["detail"] = details
    _worded(cells, journey, "verbatims", _verbatim_text)
    affected = None
    keys = set(cells.loc[cells["significant"], "key"])
    bad = frame[frame["touchpoint"].isin(keys) & frame["negative"] & frame["customer_id"].notna()]
    if len(bad):
        pairs = bad[["touchpoint", "customer_id"]].drop_duplicates().rename(columns={"touchpoint": "key"})
        affected = ibis.memtable(pairs.reset_index(drop=True).astype({"key": "string", "customer_id": "string"}))
    return Detection(_evidence(cells), affected, cells)


def _verbatim_text(row, names: _Names, lang: str) -> str:
    if pd.isna(row.z):
        return ""
    where = names.cell(row.touchpoint, row.stage, row.channel, lang)
    words = (" ; " if lang == "fr" else "; ").join(f"{', '.join(row.detail[f'words_{code}'])} ({code})"
                                                  for code in ("fr", "en") if row.detail.get(f"words_{code}"))
    if lang == "fr":
        text = (f"{_pct(row.observed, lang)} des {_int(row.n, lang)} commentaires sur {where} sont négatifs, contre "
                f"{_pct(row.expected, lang)} ailleurs (z = {_num(row.z, lang)}).")
        return text + (f" Mots qui les distinguent : {words}." if words else "")
    text = (f"{_pct(row.observed, lang)} of the {_int(row.n, lang)} comments on {where} are negative, against "
            f"{_pct(row.expected, lang)} elsewhere (z = {_num(row.z, lang)}).")
    return text + (f" Words that set them apart: {words}." if words else "")


def ticket_hotspots(tickets: ibis.Table, reached: pd.Series, journey: Journey, *, alpha: float = 0.05,
                    minimum: int = 10, min_lift: float = MIN_LIFT) -> Detection:
    """Detector 4: tickets per 1,000 customers reached at each touchpoint, against the average of all.

    The average is pooled: every ticket naming a touchpoint over every customer reached at one. A
    touchpoint's count is tested against ``reach x average`` (Poisson); its categories are listed.
    """
    named = tickets.filter(tickets.touchpoint.notnull())
    counts = named.group_by(["touchpoint", "category"]).aggregate(
        tickets=named.count(), customers=named.customer_id.nunique()).execute()
    people = named.group_by("touchpoint").aggregate(customers=named.customer_id.nunique()).execute()
    people = people.set_index("touchpoint")["customers"]
    per = counts.groupby("touchpoint")["tickets"].sum()
    base = pd.Series({tp: max(int(reached.get(tp, 0)), int(people.get(tp, 0))) for tp in per.index}, dtype="int64")
    rate = per.sum() / base.sum() if base.sum() else float("nan")
    rows = []
    for touchpoint, n_tickets in per.items():
        customers_reached = int(base[touchpoint])
        expected = customers_reached * rate
        ok = customers_reached >= minimum and int(people.get(touchpoint, 0)) >= minimum
        categories = counts[counts["touchpoint"] == touchpoint].sort_values(["tickets", "category"],
                                                                          ascending=[False, True])
        top = [(str(c), int(t)) for c, t in zip(categories["category"].fillna("?"), categories["tickets"])
               if t >= minimum][:3]
        rows.append({"key": touchpoint, "touchpoint": touchpoint, "n": customers_reached,
                     "observed": 1000 * n_tickets / customers_reached, "expected": 1000 * rate,
                     "basis": "average", "reach": customers_reached, "affected": int(people.get(touchpoint, 0)),
                     "z": z_poisson(n_tickets, expected) if ok else float("nan"),
                     "excess": n_tickets - expected if ok else float("nan"),
                     "detail": {"tickets": int(n_tickets), "categories": top}})
    cells = pd.DataFrame(rows, columns=["key", "touchpoint", "n", "observed", "expected", "basis", "reach",
                                        "affected", "z", "excess", "detail"])
    cells = _judge(cells, alpha, min_lift)
    _worded(cells, journey, "tickets", _ticket_text)
    return Detection(_evidence(cells), _customers_at(named, cells), cells)


def _ticket_text(row, names: _Names, lang: str) -> str:
    if pd.isna(row.z):
        return ""
    where = names.cell(row.touchpoint, row.stage, row.channel, lang)
    categories = ", ".join(f"{name} ({_int(count, lang)})" for name, count in row.detail["categories"])
    if lang == "fr":
        text = (f"{_int(row.detail['tickets'], lang)} tickets pour {where}, soit {_num(row.observed, lang, 0)} pour "
                f"1 000 clients touchés, contre {_num(row.expected, lang, 0)} en moyenne (z = {_num(row.z, lang)}).")
        return text + (f" Motifs : {categories}." if categories else "")
    text = (f"{_int(row.detail['tickets'], lang)} tickets for {where}: {_num(row.observed, lang, 0)} per 1,000 "
            f"customers reached, against {_num(row.expected, lang, 0)} on average (z = {_num(row.z, lang)}).")
    return text + (f" Categories: {categories}." if categories else "")
