"""Quotes: a few redacted comments per touchpoint (survey) or per stage (interviews), picked to show the range.

Per group, :func:`pick_quotes` keeps the least favourable, the most typical and the most favourable comment,
in the reader's language when there are enough, short ones first; :func:`interview_quotes` picks the same
way from the interview transcripts of the quarter. :mod:`journeykit.emotions` gives the full rules.
"""

from __future__ import annotations

import pandas as pd

from .emotion_responses import language_of
from .privacy import redact

ROLES = ("lowest", "typical", "highest")
SHORT_QUOTE = 280  # characters: longer comments are quoted only when a touchpoint has no shorter one
MIN_QUOTE_WORDS = 3


def pick_quotes(frame: pd.DataFrame, by: str, n_quotes: int, lang: str, centre: dict | None = None,
                keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Up to ``n_quotes`` redacted comments per value of ``by``: ``by``, role, quote, lang, emotion.

    ``frame`` has ``by``, ``comment``, ``lang``, ``emotion`` and ``text_emotion``; ``centre`` gives the value a
    typical quote is closest to (default: the mean emotion of the group's comments); ``keep`` names columns
    copied to the result (such as the quote's source). The rules are those of :mod:`journeykit.emotions`.

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
