"""Survey responses of a quarter, one row each, with the emotion of their scores and of their comment.

:func:`responses` reads the study's ``survey`` table (with each customer's persona, when step 3 has run),
fills a response's stage from its touchpoint, reads or detects the comment's language and scores the
comment's sentiment offline; :func:`responses_frame` is the same frame, empty. No customer id leaves here.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from .emotion_scale import combine, score_emotion, text_emotion


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


def responses_frame() -> pd.DataFrame:
    """An empty frame with the columns of :func:`responses`."""
    return pd.DataFrame(columns=["response_id", "date", "touchpoint", "stage", "nps", "csat", "ces", "comment",
                                 "persona", "lang", "score_emotion", "text_emotion", "emotion"]).astype(
        {"score_emotion": float, "text_emotion": float, "emotion": float})

