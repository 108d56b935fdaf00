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

import numpy as np
import pandas as pd

from .emotion_quotes import MIN_QUOTE_WORDS, ROLES, SHORT_QUOTE, interview_quotes, pick_quotes
from .emotion_responses import language_of, responses, responses_frame
from .emotion_scale import HIGH, LOW, combine, disagrees, estimate, score_emotion, text_emotion
from .errors import ParameterError
from .i18n import pick
from .privacy import suppress_small

__all__ = ["ExperienceReview", "HIGH", "LOW", "MIN_QUOTE_WORDS", "ROLES", "SHORT_QUOTE", "STATISTICS", "STEP",
           "combine", "disagrees", "estimate", "interview_quotes", "language_of", "pick_quotes", "responses",
           "responses_frame", "review", "score_emotion", "text_emotion"]

STEP = "06_capture_experience"
STATISTICS = ["measured", "low", "high"]


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
    if groups is None and study.has("survey"):  # without a survey the missing survey was said above
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
