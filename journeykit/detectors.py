"""Step 7's five detectors of friction: the evidence behind each pain point (:mod:`journeykit.pain_points`).

Each detector looks for friction in one quarter and returns *evidence*, one row per cell (a touchpoint,
or a stage x channel), with the numbers behind it, a one-sided test against an expectation, and a sentence
in English and French:

1. **Drop-off above expectation** (``drop_off``): among the customers who reach a touchpoint (or a stage x
   channel cell shared by several touchpoints), the share with no event in a later stage afterwards in the
   quarter, against the rest of the stage (``expectation="stage"``) or the same cell last quarter
   (``expectation="previous"``; cells without enough customers last quarter fall back to the stage).
   As in step 4's funnel, any later stage counts as going further (a support stage placed after the
   examined one too), and the map's last stage has no drop-off.
2. **Low satisfaction or high effort** (``survey``): the share of CSAT answers of 1-3 (not top-2-box) and of
   CES answers of 5-7 at a touchpoint, against every other answer of the quarter; the one with more answers
   beyond expectation leads. Intervals come from :mod:`journeykit.kpis` (Wilson for top-2-box, t for the CES mean).
3. **Negative verbatims** (``verbatims``): the share of a touchpoint's comments whose sentiment
   (:func:`journeykit.sentiment.score_many`) is at most :data:`NEGATIVE`, against every other comment, with
   the words that most set those negative comments apart, in each language.
4. **Ticket hotspots** (``tickets``): tickets per 1,000 customers reached at the touchpoint against the
   average over all touchpoints (a Poisson test), with the categories behind them.
5. **Repeated loops** (``loops``): customers with :data:`REPEATS` or more events at the same touchpoint on
   one day. Browsing naturally repeats events, so a loop is evidence only when the customers who loop go
   no further more often than the other customers of that touchpoint (drop-off as in 1).

**Tests.** Proportions use the pooled two-proportion z test (tickets: a Poisson test); cells with fewer
than ``privacy.min_group_size`` customers (or answers) are not tested, and no statistic is kept on fewer
than that many. The critical value is Bonferroni-corrected over the cells a detector tests,
``z_crit = Φ⁻¹(1 - alpha / cells)``, and a cell must also be at least :data:`MIN_LIFT` times its expectation
(a huge cell a few points above its stage is significant, but not a pain point). For a significant cell:

- ``affected``: the customers with the problem there (who went no further, answered CSAT 1-3 or CES 5-7,
  wrote a negative comment, opened a ticket, or looped). Answers are never extrapolated to the customers
  who did not answer;
- ``excess_share`` (the excess rate) = ``1 - expected / observed``: the part of them beyond expectation;
- ``strength`` = ``1 - z_crit / z``: 0 when barely significant, towards 1 when overwhelming;
- ``score`` = ``affected x excess_share x strength``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd

from .errors import ParameterError
from .model import Journey

KINDS = ("drop_off", "survey", "verbatims", "tickets", "loops")
NEGATIVE = -0.05  # VADER's usual threshold: a comment scoring at most this is negative
REPEATS = 3  # events at one touchpoint on one day that make a loop
LOW_CSAT = 3  # CSAT answers of 1 to this are "not satisfied"
HIGH_CES = 5  # CES answers of this to 7 are "high effort"
MIN_LIFT = 1.25  # a cell must be at least 25 % above its expectation (practical significance)
N_WORDS = 5

EVIDENCE_COLUMNS = ["id", "key", "kind", "touchpoint", "stage", "channel", "n", "observed", "expected", "basis",
                    "z", "z_crit", "significant", "reach", "affected", "excess", "excess_share", "strength",
                    "score", "evidence_en", "evidence_fr", "detail"]

STOP_WORDS = {
    "en": set("""a about after again all also am an and any are as at be been before being but by can could
        did do does doing don for from got had has have having he her here him his how i if in into is it its
        just me more most my no not now of on once only or other our out over own same she should so some
        still such than that the their them then there these they this those through to too under until up
        very was we were what when where which while who why will with would you your yours i'm it's i've
        didn't don't wasn't can't won't get one even""".split()),
    "fr": set("""a à ai aie au aux avec avoir avais avait c ça car ce ces cet cette ceux chez comme d dans de des
        du elle elles en est et été être eu fait faire fois il ils j je l la le les leur leurs lui m ma mais me
        même mes moi mon n ne ni nos notre nous on ont ou où par pas peu plus pour qu que qui s sa sans se ses
        si son sont sur ta te tes toi ton tous tout toute toutes très tu un une vos votre vous y déjà été
        suis était avoir aussi alors donc bien encore fois quand""".split()),
}
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


@dataclass
class Detection:
    """What one detector found.

    ``evidence``: one row per cell (:data:`EVIDENCE_COLUMNS`: ``n`` the cell's base, ``observed`` and
    ``expected`` its rate and expectation, ``basis`` what the expectation is, ``z``/``z_crit`` the test,
    ``reach`` the customers reached there, ``affected`` the customers with the problem, ``excess`` those
    beyond expectation, ``excess_share``/``strength``/``score`` as in the module docstring, a sentence in
    each language and ``detail``, the detector's own numbers); ``affected``: an Ibis table of ``key`` and
    ``customer_id`` for the significant cells (``None`` when there are none); ``cells``: the detector's
    working frame.
    """

    evidence: pd.DataFrame
    affected: ibis.Table | None = None
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)


# ---------------------------------------------------------------------------------------------------------
# Statistics and words


def z_two(x1: float, n1: float, x2: float, n2: float) -> float:
    """One-sided pooled two-proportion z statistic of ``x1/n1`` above ``x2/n2``.

    Examples
    --------
    >>> # 30/100 against 10/100: pooled p = 0.2, se = sqrt(0.2 * 0.8 * (1/100 + 1/100)) = 0.0566
    >>> round(z_two(30, 100, 10, 100), 2)  # (0.3 - 0.1) / 0.0566
    3.54
    """
    if n1 <= 0 or n2 <= 0:
        return float("nan")
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0
    return (x1 / n1 - x2 / n2) / se


def z_poisson(observed: float, expected: float) -> float:
    """One-sided z of a count above its Poisson expectation: ``(observed - expected) / sqrt(expected)``.

    Examples
    --------
    >>> round(z_poisson(30, 10), 3)  # (30 - 10) / sqrt(10)
    6.325
    """
    return float("nan") if expected <= 0 else (observed - expected) / math.sqrt(expected)


def z_critical(alpha: float, cells: int) -> float:
    """The one-sided critical z for ``alpha`` shared by ``cells`` tests (Bonferroni).

    Examples
    --------
    >>> round(z_critical(0.05, 1), 3), round(z_critical(0.05, 10), 3)
    (1.645, 2.576)
    """
    from scipy.stats import norm

    return float(norm.isf(alpha / max(cells, 1)))


def _judge(frame: pd.DataFrame, alpha: float, min_lift: float = MIN_LIFT) -> pd.DataFrame:
    """Add ``z_crit``, ``significant``, ``excess_share``, ``strength`` and ``score`` to tested cells.

    A cell needs ``z``, ``observed``, ``expected`` and ``affected`` (the customers with the problem).
    """
    frame = frame.copy()
    tested = frame["z"].notna()
    crit = z_critical(alpha, int(tested.sum()))
    frame["z_crit"] = crit
    observed, expected = frame["observed"].astype(float), frame["expected"].astype(float)
    frame["significant"] = tested & (frame["z"] >= crit) & (observed > expected) & (observed >= min_lift * expected)
    share = (1 - expected / observed.where(observed > 0)).clip(lower=0, upper=1)
    frame["excess_share"] = share.where(frame["significant"], 0.0).fillna(0.0)
    strength = (1 - crit / frame["z"].where(frame["z"] > 0)).clip(lower=0)
    frame["strength"] = strength.where(frame["significant"], 0.0).fillna(0.0)
    frame["score"] = frame["affected"].fillna(0) * frame["excess_share"] * frame["strength"]
    return frame


def distinctive_words(texts: pd.Series | list[str], reference: pd.Series | list[str], lang: str,
                      n: int = N_WORDS, min_count: int = 3) -> list[str]:
    """The words that most set ``texts`` apart from ``reference`` (stop words of ``lang`` left out).

    With ``p`` the share of ``texts`` that contain a word and ``q`` the (smoothed) share of ``reference``
    texts that do, words are ranked by ``p x log(p / q)``, their part of the Kullback-Leibler divergence:
    frequent in ``texts`` and rare elsewhere. A word must occur in ``min_count`` texts at least, and more
    often than in ``reference``. Personal data is removed first (:func:`journeykit.privacy.redact`).

    Examples
    --------
    >>> bad = ["payment failed again", "the payment failed", "payment error", "failed payment twice"]
    >>> alls = bad + ["lovely plants", "plants arrived fine", "great service", "lovely box"]
    >>> distinctive_words(bad, alls, "en", n=2)
    ['payment', 'failed']
    """
    stop = STOP_WORDS[lang]

    def documents(values) -> Counter:
        counts: Counter = Counter()
        for text in values:
            counts.update({word for word in _WORD.findall(str(text).lower()) if word not in stop})
        return counts

    inside, outside = documents(_redacted(texts, lang)), documents(_redacted(reference, lang))
    n_in, n_out = max(len(texts), 1), max(len(reference), 1)
    ranked = []
    for word, count in inside.items():
        p, q = count / n_in, (outside.get(word, 0) + 0.5) / (n_out + 1)
        if count >= min_count and p > q:
            ranked.append((p * math.log(p / q), count, word))
    ranked.sort(key=lambda t: (-t[0], -t[1], t[2]))
    return [word for _, _, word in ranked[:n]]


def _redacted(texts, lang: str) -> list[str]:
    """Texts with e-mail addresses, phone numbers, IBANs and addresses removed (none may become a word)."""
    from .privacy import redact

    return [re.sub(r"\[[^\]]*\]", " ", redact(str(text), lang) or "") for text in texts]


# ---------------------------------------------------------------------------------------------------------
# Words of the evidence, in both languages


def _pct(value: float, lang: str) -> str:
    text = f"{100 * value:.1f}"
    return text.replace(".", ",") + " %" if lang == "fr" else text + "%"


def _int(value: float, lang: str) -> str:
    text = f"{int(round(value)):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _num(value: float, lang: str, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "fr" else text


class _Names:
    """Touchpoint, stage and channel names of a map in both languages."""

    def __init__(self, journey: Journey):
        self.touchpoints = {tp.id: tp.name for tp in journey.touchpoints}
        self.stages = {stage.id: stage.name for stage in journey.stages}
        self.channels = {channel.id: channel.name for channel in journey.all_channels()}

    def plain(self, touchpoint: str | None, stage: str, channel: str | None, lang: str) -> str:
        """The touchpoint's name, or ``Stage (channel)`` for a stage x channel cell."""
        if touchpoint is not None and touchpoint in self.touchpoints:
            return self.touchpoints[touchpoint].get(lang)
        stage_name = self.stages[stage].get(lang) if stage in self.stages else stage
        channel_name = self.channels[channel].get(lang) if channel in self.channels else str(channel)
        return f"{stage_name} ({channel_name})"

    def cell(self, touchpoint: str | None, stage: str, channel: str | None, lang: str) -> str:
        """The name quoted for a sentence (« » in French)."""
        name = self.plain(touchpoint, stage, channel, lang)
        return f"« {name} »" if lang == "fr" else f"'{name}'"


def pain_key(journey: Journey, stage: str, channel: str) -> tuple[str, str | None]:
    """The key (and touchpoint) of a stage x channel cell: its touchpoint when it is the only one there."""
    here = [tp.id for tp in journey.touchpoints if tp.stage == stage and tp.channel == channel]
    return (here[0], here[0]) if len(here) == 1 else (f"{stage}_{channel}", None)


# ---------------------------------------------------------------------------------------------------------
# The detectors


def reach(staged: ibis.Table) -> pd.Series:
    """Distinct customers per touchpoint in ``staged`` events (a Series indexed by touchpoint)."""
    frame = staged.group_by("touchpoint").aggregate(customers=staged.customer_id.nunique()).execute()
    return frame.set_index("touchpoint")["customers"].astype("int64")


_VISITS: dict = {}  # the latest events' visits and entries, stored once for drop_off and loops to share


def _touchpoint_visits(staged: ibis.Table, n_stages: int) -> tuple[ibis.Table, ibis.Table]:
    """Per customer, touchpoint and stage: the first event there, whether a later stage followed, and
    ``most``, the most events there on one day.

    Also returns the customers' stage entries (:func:`journeykit.stages.stage_entries`) with
    ``stage_dropped``; the last stage, which has no later stage, is left out of both. Both are computed
    once into temporary tables of the engine and reused while ``staged`` stays the same expression (a
    quarter's pain point review reads them from three queries; on 10M events each pass costs seconds).
    """
    from .engine import drop_temporary, temporary
    from .stages import stage_entries

    key = (staged.op(), n_stages)
    if key in _VISITS:
        return _VISITS[key]
    entries = stage_entries(staged)
    entries = entries.filter(entries.stage_order < n_stages - 1)
    went_on = entries.later_last.notnull() & (entries.later_last > entries.first)
    entries = temporary(entries.mutate(stage_dropped=~went_on))
    daily = staged.group_by(["customer_id", "touchpoint", "stage", staged.timestamp.date().name("day")]).aggregate(
        first=staged.timestamp.min(), events=staged.count())
    visits = daily.group_by(["customer_id", "touchpoint", "stage"]).aggregate(
        tp_first=daily.first.min(), most=daily.events.max())
    joined = visits.join(entries.select("customer_id", "stage", "later_last", "stage_dropped"),
                         ["customer_id", "stage"])
    dropped = ~(joined.later_last.notnull() & (joined.later_last > joined.tp_first))
    visits = temporary(joined.mutate(dropped=dropped).drop("later_last"))
    for stored in _VISITS.values():
        for table in stored:
            drop_temporary(table)
    _VISITS.clear()
    _VISITS[key] = (visits, entries)
    return visits, entries


def _drop_cells(staged: ibis.Table, journey: Journey) -> tuple[pd.DataFrame, ibis.Table, ibis.Table]:
    """Drop-off counts per touchpoint and per stage x channel, with the counts of the rest of the stage."""
    visits, entries = _touchpoint_visits(staged, len(journey.stages))
    tp = visits.group_by(["touchpoint", "stage"]).aggregate(
        n=visits.count(), dropped=visits.dropped.sum(), stage_dropped_here=visits.stage_dropped.sum()).execute()
    sc = entries.group_by(["stage", "channel"]).aggregate(n=entries.count(), dropped=entries.stage_dropped.sum()
                                                          ).execute()
    totals = sc.groupby("stage")[["n", "dropped"]].sum().rename(columns={"n": "n_stage", "dropped": "d_stage"})
    tp = tp.join(totals, on="stage")
    tp["rest_n"] = tp["n_stage"] - tp["n"]
    tp["rest_dropped"] = tp["d_stage"] - tp["stage_dropped_here"]
    tp["channel"] = tp["touchpoint"].map({t.id: t.channel for t in journey.touchpoints})
    tp["key"] = tp["touchpoint"]
    tp["cell"] = "touchpoint"
    sc = sc.join(totals, on="stage")
    sc["rest_n"] = sc["n_stage"] - sc["n"]
    sc["rest_dropped"] = sc["d_stage"] - sc["dropped"]
    keys = [pain_key(journey, stage, channel) for stage, channel in zip(sc["stage"], sc["channel"])]
    sc["key"] = [key for key, _ in keys]
    sc["touchpoint"] = [touchpoint for _, touchpoint in keys]
    sc["cell"] = "stage_channel"
    sc = sc[sc["touchpoint"].isna()]  # a cell with one touchpoint is that touchpoint's own cell
    columns = ["key", "cell", "touchpoint", "stage", "channel", "n", "dropped", "rest_n", "rest_dropped"]
    cells = pd.concat([tp[columns], sc[columns]], ignore_index=True)
    cells[["n", "dropped", "rest_n", "rest_dropped"]] = cells[["n", "dropped", "rest_n", "rest_dropped"]].astype(
        "int64")
    return cells, visits, entries


def drop_off(staged: ibis.Table, journey: Journey, *, previous: ibis.Table | None = None,
             alpha: float = 0.05, minimum: int = 10, min_lift: float = MIN_LIFT,
             customers: ibis.Table | None = None) -> Detection:
    """Detector 1: drop-off per touchpoint and per shared stage x channel cell, above expectation.

    ``staged``: the quarter's events placed on stages (:meth:`journeykit.Study.events`); ``previous``: the
    same for last quarter, to compare each cell with itself (``expectation="previous"``); ``customers``
    (with ``monthly_value``): to value the customers lost before they paid.

    Examples
    --------
    >>> import ibis, pandas as pd
    >>> j = Journey.model_validate({"name": "x", "stages": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
    ...     "touchpoints": [{"id": "t1", "name": "T1", "stage": "a", "channel": "web"},
    ...                     {"id": "t2", "name": "T2", "stage": "a", "channel": "app"},
    ...                     {"id": "t3", "name": "T3", "stage": "b", "channel": "web"}]})
    >>> from journeykit.stages import staged_events
    >>> rows = [(f"w{i}", "t1", 1) for i in range(40)] + [(f"w{i}", "t3", 2) for i in range(36)]
    >>> rows += [(f"p{i}", "t2", 1) for i in range(40)] + [(f"p{i}", "t3", 2) for i in range(16)]
    >>> ev = pd.DataFrame(rows, columns=["customer_id", "touchpoint", "day"])
    >>> ev = ev.assign(timestamp=pd.to_datetime("2026-07-01") + pd.to_timedelta(ev.pop("day"), "D"),
    ...                channel="web", stage=None)
    >>> found = drop_off(staged_events(ibis.memtable(ev), j), j).evidence
    >>> # t2: 24 of 40 stop (60 %), against 4 of 40 (10 %) for the rest of stage a
    >>> found.loc[found.significant, ["key", "n", "observed", "expected"]].to_dict("records")
    [{'key': 't2', 'n': 40, 'observed': 0.6, 'expected': 0.1}]
    """
    cells, visits, entries = _drop_cells(staged, journey)
    cells["basis"] = "stage"
    cells["expected_n"], cells["expected_dropped"] = cells["rest_n"], cells["rest_dropped"]
    if previous is not None:
        before, _, _ = _drop_cells(previous, journey)
        before = before.set_index(["key", "cell"])[["n", "dropped"]]
        matched = before.reindex(pd.MultiIndex.from_frame(cells[["key", "cell"]]))
        usable = (matched["n"].fillna(0) >= minimum).to_numpy()
        cells.loc[usable, "basis"] = "previous"
        cells.loc[usable, "expected_n"] = matched["n"].to_numpy()[usable]
        cells.loc[usable, "expected_dropped"] = matched["dropped"].to_numpy()[usable]
    testable = (cells["n"] >= minimum) & (cells["expected_n"] >= minimum)
    cells["observed"] = cells["dropped"] / cells["n"]
    cells["expected"] = cells["expected_dropped"] / cells["expected_n"].where(cells["expected_n"] > 0)
    cells["z"] = [z_two(d, n, ed, en) if ok else float("nan") for d, n, ed, en, ok in
                  zip(cells["dropped"], cells["n"], cells["expected_dropped"], cells["expected_n"], testable)]
    cells["reach"] = cells["n"]
    cells["affected"] = cells["dropped"]
    cells["excess"] = cells["n"] * (cells["observed"] - cells["expected"])
    cells = _judge(cells, alpha, min_lift)
    names = _Names(journey)
    for lang in ("en", "fr"):
        cells[f"evidence_{lang}"] = [_drop_text(row, names, lang) for row in cells.itertuples()]
    cells["kind"] = "drop_off"
    cells["detail"] = [{"went_further": int(n - d)} for n, d in zip(cells["n"], cells["dropped"])]
    affected = None
    flagged = cells[cells["significant"]]
    parts = []
    tp_keys = list(flagged.loc[flagged["cell"] == "touchpoint", "key"])
    if tp_keys:
        lost = visits.filter(visits.touchpoint.isin(tp_keys) & visits.dropped)
        parts.append(lost.select(key=lost.touchpoint, customer_id=lost.customer_id))
    for row in flagged[flagged["cell"] == "stage_channel"].itertuples():
        lost = entries.filter((entries.stage == row.stage) & (entries.channel == row.channel) & entries.stage_dropped)
        parts.append(lost.select(key=ibis.literal(row.key), customer_id=lost.customer_id))
    if parts:
        affected = ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()
    if customers is not None and tp_keys and "monthly_value" in customers.columns:
        went_on = visits.filter(visits.touchpoint.isin(tp_keys) & ~visits.dropped)
        paid = went_on.join(customers.select("customer_id", "monthly_value"), "customer_id")
        value = paid.group_by("touchpoint").aggregate(v=paid.monthly_value.mean()).execute()
        cells["detail"] = [{**d, "mean_value_went_further": value.set_index("touchpoint")["v"].get(k)}
                           for d, k in zip(cells["detail"], cells["key"])]
    return Detection(_evidence(cells), affected, cells)


def _drop_text(row, names: _Names, lang: str) -> str:
    where = names.cell(row.touchpoint if isinstance(row.touchpoint, str) else None, row.stage, row.channel, lang)
    if pd.isna(row.z):
        return ""
    if lang == "fr":
        against = "au même endroit le trimestre précédent" if row.basis == "previous" else \
            "pour le reste de l'étape"
        return (f"{_pct(row.observed, lang)} des {_int(row.n, lang)} clients arrivés à {where} ne sont pas allés "
                f"plus loin ce trimestre, contre {_pct(row.expected, lang)} {against} (z = {_num(row.z, lang)}).")
    against = "at the same place last quarter" if row.basis == "previous" else "for the rest of the stage"
    return (f"{_pct(row.observed, lang)} of the {_int(row.n, lang)} customers who reached {where} went no "
            f"further this quarter, against {_pct(row.expected, lang)} {against} (z = {_num(row.z, lang)}).")


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
    names = _Names(journey)
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
    _place(cells, journey)
    for lang in ("en", "fr"):
        cells[f"evidence_{lang}"] = [_survey_text(row, names, lang) for row in cells.itertuples()]
    cells["kind"] = "survey"
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
    _place(cells, journey)
    names = _Names(journey)
    for lang in ("en", "fr"):
        cells[f"evidence_{lang}"] = [_verbatim_text(row, names, lang) for row in cells.itertuples()]
    cells["kind"] = "verbatims"
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
    _place(cells, journey)
    names = _Names(journey)
    for lang in ("en", "fr"):
        cells[f"evidence_{lang}"] = [_ticket_text(row, names, lang) for row in cells.itertuples()]
    cells["kind"] = "tickets"
    keys = list(cells.loc[cells["significant"], "key"])
    affected = None
    if keys:
        hit = named.filter(named.touchpoint.isin(keys))
        affected = hit.select(key=hit.touchpoint, customer_id=hit.customer_id).distinct()
    return Detection(_evidence(cells), affected, cells)


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


def loops(staged: ibis.Table, journey: Journey, *, repeats: int = REPEATS, alpha: float = 0.05,
          minimum: int = 10, min_lift: float = MIN_LIFT) -> Detection:
    """Detector 5: customers who repeat a touchpoint ``repeats`` times or more on one day, and fare worse.

    A touchpoint's loopers are compared with its other customers on drop-off (as in :func:`drop_off`):
    repeating a page one enjoys is not a pain point; retrying a payment and then giving up is.
    """
    if repeats < 2:
        raise ParameterError.invalid("repeats", "loops", "an int of at least 2", repeats)
    visits, _ = _touchpoint_visits(staged, len(journey.stages))
    flagged = visits.mutate(looped=visits.most >= repeats)
    counts = flagged.group_by(["touchpoint", "stage", "looped"]).aggregate(
        n=flagged.count(), dropped=flagged.dropped.sum()).execute()
    rows = []
    for (touchpoint, stage), group in counts.groupby(["touchpoint", "stage"], sort=True):
        looped = group[group["looped"]]
        others = group[~group["looped"]]
        n, d = int(looped["n"].sum()), int(looped["dropped"].sum())
        rest_n, rest_d = int(others["n"].sum()), int(others["dropped"].sum())
        ok = n >= minimum and rest_n >= minimum
        rows.append({"key": touchpoint, "touchpoint": touchpoint, "stage": stage, "n": n,
                     "observed": d / n if n else float("nan"), "expected": rest_d / rest_n if rest_n else float("nan"),
                     "basis": "others", "reach": n + rest_n, "affected": n,
                     "z": z_two(d, n, rest_d, rest_n) if ok else float("nan"),
                     "excess": n * (d / n - rest_d / rest_n) if ok else float("nan"),
                     "detail": {"loopers": n, "share": n / (n + rest_n), "repeats": repeats}})
    cells = pd.DataFrame(rows, columns=["key", "touchpoint", "stage", "n", "observed", "expected", "basis",
                                        "reach", "affected", "z", "excess", "detail"])
    cells = _judge(cells, alpha, min_lift)
    _place(cells, journey)
    names = _Names(journey)
    for lang in ("en", "fr"):
        cells[f"evidence_{lang}"] = [_loop_text(row, names, lang) for row in cells.itertuples()]
    cells["kind"] = "loops"
    keys = list(cells.loc[cells["significant"], "key"])
    affected = None
    if keys:
        hit = flagged.filter(flagged.touchpoint.isin(keys) & flagged.looped)
        affected = hit.select(key=hit.touchpoint, customer_id=hit.customer_id).distinct()
    return Detection(_evidence(cells), affected, cells)


def _loop_text(row, names: _Names, lang: str) -> str:
    if pd.isna(row.z):
        return ""
    where = names.cell(row.touchpoint, row.stage, row.channel, lang)
    d = row.detail
    if lang == "fr":
        return (f"{_int(d['loopers'], lang)} clients ({_pct(d['share'], lang)}) sont passés au moins {d['repeats']} "
                f"fois par {where} le même jour ; {_pct(row.observed, lang)} d'entre eux ne sont pas allés plus "
                f"loin, contre {_pct(row.expected, lang)} des autres (z = {_num(row.z, lang)}).")
    return (f"{_int(d['loopers'], lang)} customers ({_pct(d['share'], lang)}) went through {where} at least "
            f"{d['repeats']} times on one day; {_pct(row.observed, lang)} of them went no further, against "
            f"{_pct(row.expected, lang)} of the others (z = {_num(row.z, lang)}).")


def _place(cells: pd.DataFrame, journey: Journey) -> None:
    """Fill ``stage`` and ``channel`` of touchpoint cells from the map (in place)."""
    stage = {tp.id: tp.stage for tp in journey.touchpoints}
    channel = {tp.id: tp.channel for tp in journey.touchpoints}
    if "stage" not in cells:
        cells["stage"] = cells["touchpoint"].map(stage)
    else:
        cells["stage"] = cells["stage"].fillna(cells["touchpoint"].map(stage))
    cells["channel"] = cells["touchpoint"].map(channel)


def _evidence(cells: pd.DataFrame) -> pd.DataFrame:
    """The common columns of every detector's evidence, tested cells first by score."""
    frame = cells.copy()
    frame["touchpoint"] = frame["touchpoint"].where(frame["touchpoint"].notna(), None)
    frame["id"] = frame["key"] + "_" + frame["kind"]
    if "detail" not in frame:
        frame["detail"] = [{} for _ in range(len(frame))]
    for column in EVIDENCE_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame = frame.sort_values(["score", "z", "key"], ascending=[False, False, True], na_position="last")
    return frame[EVIDENCE_COLUMNS].reset_index(drop=True)
