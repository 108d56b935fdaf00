"""Step 6: the experience per touchpoint and persona, with the emotion curve measured from what customers said.

Every survey response gets an emotion on the map's scale, from -2 (very negative) to +2 (very positive):

- **from its scores**: CSAT ``csat - 3`` (1..5 -> -2..+2) and CES ``(4 - ces) * 2 / 3`` (1..7, low effort is
  good -> +2..-2) are averaged when present. They ask about the moment itself. NPS ``(nps - 5) / 2.5``
  (0..10 -> -2..+2) is used only when the response has neither: it asks about the company as a whole, so at a
  touchpoint it mostly carries loyalty built elsewhere (a loyal app user who could not pay still recommends
  the brand).
- **from its comment**: ``2 x`` the comment's sentiment (:func:`journeykit.sentiment.score`, -1..+1, offline,
  French and English; the comment's ``language`` column, else the detected language). A comment in which
  the lexicons find no sentiment word scores exactly 0: that is an absence of evidence, not a neutral
  customer, so it gives no signal.
- **combined**: the mean of the two signals that are present (scores, comment), so a comment weighs as
  much as the scores; a response with neither has no emotion and is not counted.

Responses are grouped per touchpoint (and per stage: the response's ``stage``, else its touchpoint's; and
per persona, from step 3's assignments): ``measured`` is the mean, ``n`` the number of responses with an
emotion, ``low``/``high`` the 95 % t interval (clipped to the -2..+2 scale; none for a single response).
Groups of fewer than ``privacy.min_group_size`` responses are hidden (``suppressed``).

The **measured curve** has one point per touchpoint of the map that has enough responses, in journey order
(stages in their order, then touchpoints in the order of the file); future-state touchpoints are left out.
The **assumed curve** is the workshop's ``assumed_emotion`` of each touchpoint (its value for the persona,
else ``all``). A touchpoint **disagrees** when ``|measured - assumed| >= threshold`` (1 by default) and the
95 % interval excludes the assumed value: a real gap, not noise.

Tickets are not mixed into the emotion: a ticket says that something went wrong, not how the customer felt
about it, and their count would swamp the surveys where support is busy (step 7 counts them as hotspots).

**Quotes** per touchpoint are a few comments of its responses (by default 3: the least favourable, the most
typical (closest to the touchpoint's mean) and the most favourable), in the study's language when the
touchpoint has enough comments in it, shortest first among equals, with personal data removed by
:func:`journeykit.privacy.redact`; only touchpoints shown on the curve get quotes. Interview quotes are
picked the same way per stage, from transcripts dated before the quarter's end. Actions and thoughts are
the workshop's, from the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd

from .errors import ParameterError
from .i18n import pick
from .privacy import redact, suppress_small

STEP = "06_capture_experience"
LOW, HIGH = -2.0, 2.0
ROLES = ("lowest", "typical", "highest")
SHORT_QUOTE = 280  # characters: longer comments are quoted only when a touchpoint has no shorter one
MIN_QUOTE_WORDS = 3
STATISTICS = ["measured", "low", "high"]


def score_emotion(nps, csat, ces) -> np.ndarray:
    """Emotion (-2..+2) of survey scores: mean of CSAT and CES when present, else NPS (see the module).

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


def language_of(value: object) -> str | None:
    """'en', 'fr' or None from a language cell written ``fr``, ``fr-FR``, ``French``, ``anglais``...

    Examples
    --------
    >>> language_of("fr-FR"), language_of("English"), language_of("Anglais"), language_of(None)
    ('fr', 'en', 'en', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text.startswith("fr"):
        return "fr"
    if text.startswith(("en", "an")):
        return "en"
    return None


def responses(study, quarter=None, groups=None) -> pd.DataFrame:
    """One row per survey response of the quarter with its emotions (nothing leaves with a customer id).

    Columns: ``response_id``, ``date``, ``touchpoint``, ``stage``, ``persona`` (the customer's group in
    ``groups``, an Ibis table ``customer_id``, ``group``), ``comment``, ``lang``, ``score_emotion``,
    ``text_emotion``, ``emotion``.
    """
    from .sentiment import detect_language, score_many

    survey = study.table("survey", study.quarter if quarter is None else quarter)
    columns = ["response_id", "date", "touchpoint", "stage", "nps", "csat", "ces", "comment", "language"]
    if groups is not None:
        persona = groups.select(customer_id_=groups.customer_id, persona=groups.group.cast("string"))
        survey = survey.left_join(persona, survey.customer_id == persona.customer_id_)
        survey = survey.select(*columns, "persona")
    else:
        survey = survey.select(*columns).mutate(persona=ibis.null("string"))
    frame = survey.execute()
    to_stage = {tp.id: tp.stage for tp in study.journey.touchpoints}
    frame["stage"] = frame["stage"].where(frame["stage"].notna(), frame["touchpoint"].map(to_stage))
    comment = frame["comment"].where(frame["comment"].fillna("").str.strip() != "")
    lang = frame["language"].map(language_of)
    missing = lang.isna() & comment.notna()
    lang[missing] = comment[missing].map(detect_language)
    frame["comment"], frame["lang"] = comment, lang.astype("object").where(lang.notna(), None)
    frame["score_emotion"] = score_emotion(frame["nps"], frame["csat"], frame["ces"])
    written = frame.loc[comment.notna(), ["comment", "lang"]].astype("object")
    unique = written.drop_duplicates()  # templated answers ("Parfait.") are scored once
    scored = dict(zip(zip(unique["comment"], unique["lang"]),
                      score_many(unique["comment"].tolist(), unique["lang"].tolist())))
    sentiment = pd.Series(np.nan, index=frame.index)
    sentiment[written.index] = [scored[key] for key in zip(written["comment"], written["lang"])]
    frame["text_emotion"] = text_emotion(sentiment)
    frame["emotion"] = combine(frame["score_emotion"], frame["text_emotion"])
    return frame.drop(columns=["language"])


def pick_quotes(frame: pd.DataFrame, by: str, n_quotes: int, lang: str, centre: dict | None = None,
                keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Up to ``n_quotes`` redacted comments per value of ``by`` (see the module): ``by``, role, quote, lang, emotion.

    ``frame`` has ``by``, ``comment``, ``lang``, ``emotion`` and ``text_emotion``; ``centre`` gives the value a
    typical quote is closest to (default: the mean emotion of the group's comments); ``keep`` names columns
    copied to the result (such as the quote's source).

    Examples
    --------
    >>> frame = pd.DataFrame({"tp": ["a"] * 4, "lang": ["en"] * 4, "emotion": [-1.5, 0.2, 1.8, 0.0],
    ...     "text_emotion": [-1.0, 0.1, 1.5, 0.0],
    ...     "comment": ["Awful, call me on 06 12 34 56 78", "It was fine I guess", "Lovely plants, thanks", "ok"]})
    >>> for row in pick_quotes(frame, "tp", 3, "en").itertuples():  # "ok" is too short to quote
    ...     print(row.role, "|", row.quote)
    lowest | Awful, call me on [phone]
    typical | It was fine I guess
    highest | Lovely plants, thanks
    """
    columns = [by, "role", "quote", "lang", "emotion", *keep]
    text = frame["comment"].fillna("").astype(str).str.strip()
    candidates = frame.assign(comment=text, words=text.str.split().str.len(), length=text.str.len())
    candidates = candidates[(candidates["words"] >= MIN_QUOTE_WORDS) & candidates["emotion"].notna()]
    # the engine returns rows in no fixed order: sort fully first, so that the same data picks the same quotes
    candidates = candidates.sort_values([by, "comment", "emotion", "lang"], kind="stable").drop_duplicates(
        [by, "comment"])
    rows = []
    for key, group in candidates.groupby(by, sort=False):
        if (group["lang"] == lang).sum() >= min(n_quotes, len(group)):
            group = group[group["lang"] == lang]
        if (group["length"] <= SHORT_QUOTE).any():
            group = group[group["length"] <= SHORT_QUOTE]
        target = (centre or {}).get(key, group["emotion"].mean())
        ranked = group.assign(text_key=group["text_emotion"].fillna(0.0),
                              gap=(group["emotion"] - target).abs().round(9))  # sums differ in the last bits
        picks: list[tuple[str, pd.Series]] = []
        if n_quotes >= 2 and len(ranked) >= 2:
            by_emotion = ranked.sort_values(["emotion", "text_key", "length", "comment"], kind="stable")
            picks += [("lowest", by_emotion.iloc[0]), ("highest", by_emotion.iloc[-1])]
        taken = {row["comment"] for _, row in picks}
        typical = ranked[~ranked["comment"].isin(taken)].sort_values(["gap", "length", "comment"], kind="stable")
        picks += [("typical", row) for _, row in typical.head(max(n_quotes - len(picks), 0)).iterrows()]
        for role, row in sorted(picks, key=lambda pick: (pick[1]["emotion"], ROLES.index(pick[0]))):
            language = row["lang"] if row["lang"] in ("en", "fr") else lang
            rows.append({by: key, "role": role, "quote": redact(row["comment"], language), "lang": row["lang"],
                         "emotion": float(row["emotion"]), **{column: row[column] for column in keep}})
    return pd.DataFrame(rows, columns=columns)


def interview_quotes(study, n_quotes: int = 3) -> tuple[pd.DataFrame, list[str]]:
    """Redacted interview quotes per stage (transcripts dated before the quarter's end), and any warnings."""
    from .interviews import read_interviews
    from .sentiment import detect_language, score_many

    columns = ["stage", "role", "quote", "lang", "emotion", "source"]
    source = study.journey.sources.interviews
    if source is None:
        return pd.DataFrame(columns=columns), []
    transcripts, problems = read_interviews(study.workspace, source)
    stages = set(study.journey.stage_ids())
    rows = []
    for transcript in transcripts:
        when = pd.to_datetime(str(transcript.meta.get("date", "")), errors="coerce")
        if pd.notna(when) and when >= pd.Timestamp(study.quarter.end):
            continue
        lang = language_of(transcript.language)
        rows += [{"stage": q.stage, "comment": q.text, "lang": lang or detect_language(q.text),
                  "source": transcript.file} for q in transcript.quotes if q.stage in stages]
    warnings = [str(problem) for problem in problems]
    if not rows:
        return pd.DataFrame(columns=columns), warnings
    frame = pd.DataFrame(rows)
    frame["emotion"] = 2 * score_many(frame["comment"].tolist(), frame["lang"].tolist())
    frame["text_emotion"] = frame["emotion"]
    picked = pick_quotes(frame, "stage", n_quotes, study.lang, keep=("source",))
    order = {stage: index for index, stage in enumerate(study.journey.stage_ids())}
    picked = picked.sort_values("stage", key=lambda s: s.map(order), kind="stable", ignore_index=True)
    return picked[columns], warnings


@dataclass
class ExperienceReview:
    """Step 6: emotion measured per touchpoint, stage and persona beside the workshop's assumptions, with quotes.

    ``touchpoints`` has one row per current-state touchpoint of the map, in journey order (``order``):
    ``touchpoint``, ``stage``, ``stage_order``, ``order``, ``responses``, ``comments``, ``n``, ``measured``,
    ``low``, ``high``, ``suppressed``, ``assumed``, ``disagree``, ``previous`` (the previous quarter's
    measured value, when shown then) and ``change``. ``stages`` and ``by_persona`` hold the same statistics
    per stage and per touchpoint and persona.
    """

    touchpoints: pd.DataFrame
    stages: pd.DataFrame
    by_persona: pd.DataFrame | None
    quotes: pd.DataFrame  # touchpoint, role, quote, lang, emotion
    interview_quotes: pd.DataFrame  # stage, role, quote, lang, emotion, source
    overall: dict
    threshold: float
    minimum: int
    warnings: list[str] = field(default_factory=list)

    @property
    def curve(self) -> pd.DataFrame:
        """The measured curve: touchpoints with enough responses, in journey order, ``position`` 0, 1, ..."""
        shown = self.touchpoints[~self.touchpoints["suppressed"] & self.touchpoints["measured"].notna()]
        shown = shown.reset_index(drop=True)
        return shown.assign(position=range(len(shown)))

    def disagreements(self) -> pd.DataFrame:
        """Every disagreement, overall (``persona`` None) then per persona, worst gap first within each."""
        columns = ["touchpoint", "stage", "persona", "measured", "low", "high", "n", "assumed", "gap"]
        parts = [self.curve.assign(persona=None)]
        if self.by_persona is not None:
            parts.append(self.by_persona)
        rows = []
        for part in parts:
            flagged = part[part["disagree"]].copy()
            flagged["gap"] = flagged["measured"] - flagged["assumed"]
            rows.append(flagged.sort_values("gap", key=abs, ascending=False, kind="stable")[columns])
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)

    def curve_frame(self, study, persona: bool = False) -> pd.DataFrame:
        """The frame of :func:`journeykit.charts.emotion_chart` (``persona=True``: of ``persona_emotion_chart``)."""
        names = study.touchpoint_names()
        columns = ["position", "label", "measured", "low", "high", "assumed", "n", "disagree"]
        if not persona:
            curve = self.curve
            return curve.assign(label=curve["touchpoint"].map(names))[columns]
        if self.by_persona is None:
            return pd.DataFrame(columns=[*columns, "persona"])
        order = dict(zip(self.touchpoints["touchpoint"], self.touchpoints["order"]))
        shown = self.by_persona[~self.by_persona["suppressed"]].copy()
        shown["position"] = shown["touchpoint"].map(order)
        shown = shown.sort_values(["position", "persona"], kind="stable", ignore_index=True)
        shown["label"] = shown["touchpoint"].map(names)
        shown["persona"] = shown["persona"].map(lambda p: _persona_name(study, p))
        return shown[[*columns, "persona"]]

    def summary(self) -> dict:
        """The step's findings as JSON-able values (for the report index, step 9 and the next quarter)."""
        curve_columns = ["touchpoint", "stage", "measured", "low", "high", "n", "assumed", "disagree", "previous",
                         "change"]
        persona_columns = ["touchpoint", "stage", "persona", "measured", "low", "high", "n", "assumed",
                           "disagree", "suppressed"]
        hidden = self.touchpoints[self.touchpoints["suppressed"] & (self.touchpoints["n"] > 0)]
        return {
            "overall": self.overall,
            "threshold": self.threshold,
            "curve": self.curve[curve_columns].to_dict(orient="records"),
            "stages": self.stages.to_dict(orient="records"),
            "by_persona": None if self.by_persona is None else
            self.by_persona[persona_columns].to_dict(orient="records"),
            "disagreements": self.disagreements().to_dict(orient="records"),
            "too_few_responses": list(hidden["touchpoint"]),
            "quotes": self.quotes.to_dict(orient="records"),
            "interview_quotes": self.interview_quotes.to_dict(orient="records"),
            "warnings": self.warnings,
        }

    def facts(self, study) -> dict:
        """The values the step's narrative quotes, in the study's language."""
        names, stage_names = study.touchpoint_names(), study.stage_names()
        curve, flagged = self.curve, self.disagreements()
        overall_flags = flagged[flagged["persona"].isna()]
        lowest = curve.loc[curve["measured"].idxmin()] if len(curve) else None
        highest = curve.loc[curve["measured"].idxmax()] if len(curve) else None
        shown_stages = self.stages[~self.stages["suppressed"] & self.stages["measured"].notna()]
        worst_stage = shown_stages.loc[shown_stages["measured"].idxmin()] if len(shown_stages) else None
        changes = curve.dropna(subset=["change"])
        moved = changes.loc[changes["change"].abs().idxmax()] if len(changes) else None
        listed = [f"{names.get(row.touchpoint, row.touchpoint)} ({_signed(row.measured, study.lang)} / "
                  f"{_signed(row.assumed, study.lang)})" for row in overall_flags.itertuples()]
        map_touchpoints = [tp for tp in study.journey.touchpoints if tp.state != "future"]
        return {
            "quarter": str(study.quarter),
            "previous": str(study.previous),
            "responses": self.overall["responses"],
            "comments": self.overall["comments"],
            "comments_fr": self.overall["comments_fr"],
            "comments_en": self.overall["comments_en"],
            "overall": _number(self.overall["measured"]),
            "overall_low": _number(self.overall["low"]),
            "overall_high": _number(self.overall["high"]),
            "n_touchpoints": len(map_touchpoints),
            "n_measured": len(curve),
            "n_hidden": int((self.touchpoints["suppressed"] & (self.touchpoints["n"] > 0)).sum()),
            "n_silent": int((self.touchpoints["n"] == 0).sum()),
            "n_assumed": int(self.touchpoints["assumed"].notna().sum()),
            "minimum": self.minimum,
            "threshold": self.threshold,
            "n_disagree": len(overall_flags),
            "disagreements": "; ".join(listed) or "-",
            "n_persona_disagree": int(flagged["persona"].notna().sum()),
            "lowest": "-" if lowest is None else names.get(lowest["touchpoint"], lowest["touchpoint"]),
            "lowest_value": 0.0 if lowest is None else float(lowest["measured"]),
            "highest": "-" if highest is None else names.get(highest["touchpoint"], highest["touchpoint"]),
            "highest_value": 0.0 if highest is None else float(highest["measured"]),
            "worst_stage": "-" if worst_stage is None else stage_names.get(worst_stage["stage"], worst_stage["stage"]),
            "worst_stage_value": 0.0 if worst_stage is None else float(worst_stage["measured"]),
            "moved": "-" if moved is None else names.get(moved["touchpoint"], moved["touchpoint"]),
            "moved_from": 0.0 if moved is None else float(moved["previous"]),
            "moved_to": 0.0 if moved is None else float(moved["measured"]),
            "n_without_words": sum(1 for tp in map_touchpoints if not tp.actions and not tp.thoughts),
            "n_quotes": len(self.quotes),
            "n_interview_quotes": len(self.interview_quotes),
            "warnings": "; ".join(self.warnings),
        }

    def table(self, study, what: str = "experience") -> pd.DataFrame:
        """A readable frame: ``experience`` (per touchpoint), ``stages``, ``personas``, ``disagreements``,
        ``quotes`` or ``interviews``, with names and headers in the study's language."""
        from .narrative import text
        from .tables import readable

        kinds = ("experience", "stages", "personas", "disagreements", "quotes", "interviews")
        if what not in kinds:
            raise ParameterError.invalid("what", "ExperienceReview.table", f"one of {', '.join(kinds)}", what)
        names, stage_names, lang = study.touchpoint_names(), study.stage_names(), study.lang
        if what == "experience":
            words = {tp.id: tp for tp in study.journey.touchpoints}
            typical = self.quotes[self.quotes["role"] == "typical"].drop_duplicates("touchpoint")
            ids = self.touchpoints["touchpoint"]
            frame = self.touchpoints.assign(
                actions=ids.map(lambda t: "; ".join(item.get(lang) for item in words[t].actions)),
                thoughts=ids.map(lambda t: "; ".join(item.get(lang) for item in words[t].thoughts)),
                quote=ids.map(typical.set_index("touchpoint")["quote"]),
            )[["stage", "touchpoint", "actions", "thoughts", "quote", "n", "measured", "low", "high", "assumed",
               "disagree", "previous"]]
        elif what == "stages":
            frame = self.stages[["stage", "n", "measured", "low", "high"]]
        elif what == "personas":
            frame = (self.by_persona if self.by_persona is not None else pd.DataFrame(
                columns=["touchpoint", "persona", "n", "measured", "low", "high", "assumed", "disagree"]))
            frame = frame[~frame.get("suppressed", pd.Series(False, index=frame.index)).astype(bool)]
            frame = frame.assign(persona=frame["persona"].map(lambda p: _persona_name(study, p)))[
                ["touchpoint", "persona", "n", "measured", "low", "high", "assumed", "disagree"]]
        elif what == "disagreements":
            frame = self.disagreements().assign(
                persona=lambda f: f["persona"].map(lambda p: None if p is None or pd.isna(p) else
                                                   _persona_name(study, p)))
            frame = frame[["stage", "touchpoint", "persona", "measured", "low", "high", "n", "assumed"]]
        elif what == "quotes":
            stage_of = dict(zip(self.touchpoints["touchpoint"], self.touchpoints["stage"]))
            frame = self.quotes.assign(stage=self.quotes["touchpoint"].map(stage_of))
            frame = frame[["stage", "touchpoint", "role", "quote", "emotion"]]
        else:
            frame = self.interview_quotes[["stage", "role", "quote", "emotion", "source"]]
        frame = frame.copy()
        if "touchpoint" in frame:
            frame["touchpoint"] = frame["touchpoint"].map(lambda t: names.get(t, t))
        if "stage" in frame:
            frame["stage"] = frame["stage"].map(lambda s: stage_names.get(s, s))
        if "role" in frame:
            frame["role"] = frame["role"].map(lambda r: text(STEP, f"role_{r}", lang))
        if "persona" in frame and what == "disagreements":
            frame["persona"] = frame["persona"].map(lambda p: text(STEP, "everyone", lang) if p is None else p)
        own = {"actions", "thoughts", "measured", "assumed", "disagree", "previous", "role", "quote", "emotion",
               "source"}
        frame.columns = [text(STEP, f"col_{c}", lang) if c in own else c for c in frame.columns]
        return readable(frame, lang, decimals=2)


def review(study, threshold: float = 1.0, n_quotes: int = 3) -> ExperienceReview:
    """Measure the experience of ``study``'s map for its quarter (see the module docstring for definitions).

    Parameters
    ----------
    study : Study
    threshold : float, default 1.0
        The smallest gap between measured and assumed emotion (on the -2..+2 scale) that counts as a
        disagreement, when the 95 % interval also excludes the assumed value.
    n_quotes : int, default 3
        Quotes kept per touchpoint and per interview stage (0 keeps none).
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 4:
        raise ParameterError.invalid("threshold", "emotions.review", "a number in (0, 4]", threshold)
    if isinstance(n_quotes, bool) or not isinstance(n_quotes, int) or not 0 <= n_quotes <= 10:
        raise ParameterError.invalid("n_quotes", "emotions.review", "an int in [0, 10]", n_quotes)
    journey = study.journey
    minimum = journey.privacy.min_group_size
    warnings: list[str] = []
    stage_order = {stage: index for index, stage in enumerate(journey.stage_ids())}
    mapped = [tp for tp in journey.touchpoints if tp.state != "future"]
    mapped.sort(key=lambda tp: stage_order.get(tp.stage, len(stage_order)))  # stable: file order within a stage
    base = pd.DataFrame({
        "touchpoint": [tp.id for tp in mapped], "stage": [tp.stage for tp in mapped],
        "stage_order": [stage_order.get(tp.stage, -1) for tp in mapped], "order": range(len(mapped)),
        "assumed": [tp.assumed_emotion.get("all", np.nan) for tp in mapped],
    })
    from .personas import assignments  # step 3's result, when it has run for this quarter

    groups = assignments(study) if study.has("survey") else None
    if study.has("survey"):
        answers = responses(study, groups=groups)
        before = responses(study, quarter=study.previous)
    else:
        warnings.append(pick(study.lang, "the workspace has no survey source: only the assumed curve can be "
                             "shown; add sources.survey to measure emotions",
                             "l'espace de travail n'a pas de source d'enquête : seule la courbe supposée peut être "
                             "montrée ; ajoutez sources.survey pour mesurer les émotions"))
        answers = before = responses_frame()
    if len(answers) == 0 and study.has("survey"):
        warnings.append(pick(study.lang, f"no survey response in {study.quarter}",
                             f"aucune réponse d'enquête en {study.quarter}"))
    touchpoints = _per_touchpoint(base, answers, before, minimum, threshold)
    stages = _suppressed(estimate(answers, ["stage"]), minimum)
    stages = pd.DataFrame({"stage": journey.stage_ids()}).merge(stages, how="left", on="stage")
    stages["n"] = stages["n"].fillna(0).astype("int64")
    stages["suppressed"] = stages["suppressed"].fillna(True).astype(bool)
    by_persona = None
    if groups is None:
        warnings.append(pick(study.lang, "no persona assignment for this quarter yet: run step 3 to split the "
                             "curve by persona", "pas encore de personas pour ce trimestre : exécutez l'étape 3 "
                             "pour ventiler la courbe par persona"))
    else:
        by_persona = _per_persona(base, answers, journey, minimum, threshold)
    shown = set(touchpoints.loc[~touchpoints["suppressed"], "touchpoint"])
    centre = dict(zip(touchpoints["touchpoint"], touchpoints["measured"]))
    quotes = pick_quotes(answers[answers["touchpoint"].isin(shown)], "touchpoint", n_quotes, study.lang, centre)
    quotes = quotes.sort_values("touchpoint", key=lambda s: s.map(dict(zip(base["touchpoint"], base["order"]))),
                                kind="stable", ignore_index=True)
    interviews, problems = interview_quotes(study, n_quotes) if n_quotes else (
        pd.DataFrame(columns=["stage", "role", "quote", "lang", "emotion", "source"]), [])
    warnings += problems
    hidden = touchpoints[touchpoints["suppressed"] & (touchpoints["n"] > 0)]
    if len(hidden):
        names = ", ".join(hidden["touchpoint"].map(study.touchpoint_names()).fillna(hidden["touchpoint"]))
        warnings.append(pick(study.lang, f"{len(hidden)} touchpoint(s) with fewer than {minimum} responses are "
                             f"not on the curve: {names}", f"{len(hidden)} point(s) de contact avec moins de "
                             f"{minimum} réponses ne figurent pas sur la courbe : {names}"))
    return ExperienceReview(touchpoints, stages, by_persona, quotes, interviews,
                            _overall(answers, minimum), float(threshold), minimum, warnings)


def responses_frame() -> pd.DataFrame:
    """An empty frame with the columns of :func:`responses`."""
    return pd.DataFrame(columns=["response_id", "date", "touchpoint", "stage", "nps", "csat", "ces", "comment",
                                 "persona", "lang", "score_emotion", "text_emotion", "emotion"]).astype(
        {"score_emotion": float, "text_emotion": float, "emotion": float})


def _per_touchpoint(base: pd.DataFrame, answers: pd.DataFrame, before: pd.DataFrame, minimum: int,
                    threshold: float) -> pd.DataFrame:
    counts = answers.groupby("touchpoint").agg(responses=("response_id", "size"), comments=("comment", "count"))
    frame = base.merge(counts.reset_index(), how="left", on="touchpoint")
    frame = frame.merge(_suppressed(estimate(answers, ["touchpoint"]), minimum), how="left", on="touchpoint")
    for column in ("responses", "comments", "n"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["suppressed"] = frame["suppressed"].fillna(True).astype(bool)
    frame["disagree"] = disagrees(frame["measured"], frame["low"], frame["high"], frame["assumed"], threshold)
    previous = _suppressed(estimate(before, ["touchpoint"]), minimum).set_index("touchpoint")["measured"]
    frame["previous"] = frame["touchpoint"].map(previous).astype("float64")
    frame["change"] = frame["measured"] - frame["previous"]
    return frame[["touchpoint", "stage", "stage_order", "order", "responses", "comments", "n", "measured", "low",
                  "high", "suppressed", "assumed", "disagree", "previous", "change"]]


def _per_persona(base: pd.DataFrame, answers: pd.DataFrame, journey, minimum: int, threshold: float
                 ) -> pd.DataFrame:
    stats = _suppressed(estimate(answers, ["touchpoint", "persona"]), minimum)
    frame = base[["touchpoint", "stage", "order"]].merge(stats, on="touchpoint")
    beliefs = {tp.id: tp.assumed_emotion for tp in journey.touchpoints}
    frame["assumed"] = [beliefs[t].get(p, beliefs[t].get("all", np.nan))
                        for t, p in zip(frame["touchpoint"], frame["persona"])]
    frame["assumed"] = frame["assumed"].astype("float64")
    frame["disagree"] = disagrees(frame["measured"], frame["low"], frame["high"], frame["assumed"], threshold)
    frame = frame.sort_values(["order", "persona"], kind="stable", ignore_index=True)
    return frame[["touchpoint", "stage", "persona", "n", "measured", "low", "high", "suppressed", "assumed",
                  "disagree"]]


def _suppressed(frame: pd.DataFrame, minimum: int) -> pd.DataFrame:
    return suppress_small(frame, "n", minimum, STATISTICS)


def _overall(answers: pd.DataFrame, minimum: int) -> dict:
    values = answers["emotion"].dropna()
    stats = estimate(answers.assign(all="all"), ["all"])
    row = stats.iloc[0] if len(stats) and len(values) >= minimum else None
    langs = answers.loc[answers["comment"].notna(), "lang"]
    return {
        "responses": len(answers), "n": int(len(values)), "comments": int(answers["comment"].notna().sum()),
        "comments_fr": int((langs == "fr").sum()), "comments_en": int((langs == "en").sum()),
        "measured": None if row is None else float(row["measured"]),
        "low": None if row is None else float(row["low"]), "high": None if row is None else float(row["high"]),
    }


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _signed(value: float, lang: str) -> str:
    """``+1.25`` (``+1,25`` in French); never ``-0.00``."""
    text = f"{round(value, 2) + 0.0:+.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def _persona_name(study, persona: object) -> str:
    for item in study.journey.personas:
        if item.id == persona:
            return item.name.get(study.lang)
    return str(persona)
