"""What step 7's detectors (:mod:`journeykit.detectors`) share: the tests, the judging and the evidence frame.

A detector builds one row per cell with ``z``, ``observed``, ``expected`` and ``affected``; :func:`_judge`
adds the Bonferroni critical value, significance, ``excess_share``, ``strength`` and ``score`` (their
definitions are in :mod:`journeykit.detectors`), :func:`_worded` places the cells and writes their
sentences in English and French (with :func:`_pct`, :func:`_int`, :func:`_num` and :class:`_Names`),
:func:`_customers_at` lists the customers affected at the significant touchpoints and :func:`_evidence`
gives every detector's evidence the same columns (:data:`EVIDENCE_COLUMNS`). :func:`distinctive_words`
picks the words that set negative comments apart.
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

from .i18n import number
from .model import Journey

KINDS = ("drop_off", "survey", "verbatims", "tickets", "loops")
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
    return number(int(round(value)), ",", lang)


def _num(value: float, lang: str, decimals: int = 1) -> str:
    return number(value, f".{decimals}f", lang)


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


def _place(cells: pd.DataFrame, journey: Journey) -> None:
    """Fill ``stage`` and ``channel`` of touchpoint cells from the map (in place)."""
    stage = {tp.id: tp.stage for tp in journey.touchpoints}
    channel = {tp.id: tp.channel for tp in journey.touchpoints}
    if "stage" not in cells:
        cells["stage"] = cells["touchpoint"].map(stage)
    else:
        cells["stage"] = cells["stage"].fillna(cells["touchpoint"].map(stage))
    cells["channel"] = cells["touchpoint"].map(channel)


def _worded(cells: pd.DataFrame, journey: Journey, kind: str, text: Callable) -> None:
    """Place touchpoint cells on the map (:func:`_place`), write ``text(row, names, lang)`` in each language
    as ``evidence_en`` and ``evidence_fr``, and set ``kind`` (in place)."""
    _place(cells, journey)
    names = _Names(journey)
    for lang in ("en", "fr"):
        cells[f"evidence_{lang}"] = [text(row, names, lang) for row in cells.itertuples()]
    cells["kind"] = kind


def _customers_at(table: ibis.Table, cells: pd.DataFrame, condition: ibis.Value | None = None) -> ibis.Table | None:
    """``key`` and ``customer_id`` of ``table``'s rows at the significant cells' touchpoints (where
    ``condition`` holds, when given); ``None`` when no cell is significant."""
    keys = list(cells.loc[cells["significant"], "key"])
    if not keys:
        return None
    hit = table.filter(table.touchpoint.isin(keys) if condition is None else table.touchpoint.isin(keys) & condition)
    return hit.select(key=hit.touchpoint, customer_id=hit.customer_id).distinct()


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
