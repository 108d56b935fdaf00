"""The emotion scale, -2 (very negative) to +2 (very positive): each response's emotion, and group estimates.

:func:`score_emotion` turns survey scores into an emotion, :func:`text_emotion` a comment's sentiment,
:func:`combine` the two into one per response; :func:`estimate` gives a group's mean with its 95 % t interval
and :func:`disagrees` says where a measured emotion really differs from the one a workshop assumed.
:mod:`journeykit.emotions` explains why each signal is read the way it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LOW, HIGH = -2.0, 2.0


def score_emotion(nps, csat, ces) -> np.ndarray:
    """Emotion (-2..+2) of survey scores: mean of CSAT and CES when present, else NPS (see :mod:`journeykit.emotions`).

    Examples
    --------
    >>> # csat 4 -> +1; ces 2 -> (4 - 2) * 2 / 3 = +1.33; mean +1.17 (nps 0 is not used: task scores exist)
    >>> # nps 10 alone -> (10 - 5) / 2.5 = +2; nothing -> nan
    >>> score_emotion([0, 10, None], [4, None, None], [2, None, None]).round(2)
    array([1.17, 2.  ,  nan])
    """
    nps, csat, ces = (pd.to_numeric(pd.Series(list(v), dtype="object"), errors="coerce").to_numpy(dtype=float)
                      for v in (nps, csat, ces))
    task = np.stack([csat - 3, (4 - ces) * 2 / 3])
    present = (~np.isnan(task)).sum(axis=0)
    mean = np.divide(np.nansum(task, axis=0), present, out=np.full(present.shape, np.nan), where=present > 0)
    return np.where(present > 0, mean, (nps - 5) / 2.5)


def text_emotion(sentiments) -> np.ndarray:
    """Emotion (-2..+2) of comments: twice their sentiment; exactly 0 (no sentiment word found) is no signal.

    Examples
    --------
    >>> text_emotion([0.5, 0.0, float("nan"), -0.9])
    array([ 1. ,  nan,  nan, -1.8])
    """
    values = 2 * np.asarray(sentiments, dtype=float)
    return np.where(values == 0, np.nan, values)


def combine(scores, texts) -> np.ndarray:
    """Per response, the mean of the signals present (scores, comment); nan when there is neither.

    Examples
    --------
    >>> combine([1.0, float("nan"), 0.5, float("nan")], [-1.0, 1.5, float("nan"), float("nan")])
    array([0. , 1.5, 0.5, nan])
    """
    both = np.stack([np.asarray(scores, dtype=float), np.asarray(texts, dtype=float)])
    present = (~np.isnan(both)).sum(axis=0)
    return np.divide(np.nansum(both, axis=0), present, out=np.full(present.shape, np.nan), where=present > 0)


def estimate(frame: pd.DataFrame, by: list[str], value: str = "emotion") -> pd.DataFrame:
    """Per group of ``by``: ``n`` (values present), ``measured`` (mean), ``low``/``high`` (95 % t interval).

    Examples
    --------
    >>> # group a: 1, 2, 3 -> mean 2, sd 1, t(0.975, 2) = 4.303, margin 4.303 / sqrt(3) = 2.48: 2 +/- 2.48,
    >>> # clipped to the scale: [-0.48, 2]; group b: one value, no interval
    >>> frame = pd.DataFrame({"tp": ["a", "a", "a", "b"], "emotion": [1.0, 2.0, 3.0, -1.0]})
    >>> estimate(frame, ["tp"]).round(2)
      tp  n  measured   low  high
    0  a  3       2.0 -0.48   2.0
    1  b  1      -1.0   NaN   NaN
    """
    from scipy import stats

    valid = frame.dropna(subset=[value, *by])
    grouped = valid.groupby(by, sort=True, observed=True)[value]
    result = grouped.agg(n="count", measured="mean", sd="std").reset_index()
    n = result["n"].to_numpy(dtype=float)
    t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
    margin = np.where(n > 1, t * result["sd"].to_numpy(dtype=float) / np.sqrt(np.maximum(n, 1)), np.nan)
    result["low"] = np.clip(result["measured"] - margin, LOW, HIGH)
    result["high"] = np.clip(result["measured"] + margin, LOW, HIGH)
    result["n"] = result["n"].astype("int64")
    return result[[*by, "n", "measured", "low", "high"]]


def disagrees(measured, low, high, assumed, threshold: float = 1.0) -> np.ndarray:
    """True where ``|measured - assumed| >= threshold`` and the interval [low, high] excludes ``assumed``.

    Examples
    --------
    >>> # gap 1.2 outside [-0.4, 0] -> True; gap 0.8 -> False; gap 1.5 but inside [-2, 2] -> False;
    >>> # no assumption or no interval -> False
    >>> disagrees([-0.2, 1.2, 0.0, 1.0, 1.0], [-0.4, 1.0, -2.0, 0.8, np.nan], [0.0, 1.4, 2.0, 1.2, np.nan],
    ...           [1.0, 2.0, 1.5, np.nan, -1.0]).tolist()
    [True, False, False, False, False]
    """
    m, lo, hi, a = (np.asarray(v, dtype=float) for v in (measured, low, high, assumed))
    with np.errstate(invalid="ignore"):
        return (np.abs(m - a) >= threshold) & ((a < lo) | (a > hi))  # any nan compares False

