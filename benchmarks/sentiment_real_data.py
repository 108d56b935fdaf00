"""How well journeykit.sentiment does on public customer verbatims that are not part of the project.

English: Spearman correlation between score(text) and the 0-10 NPS score of each verbatim in
``nps_verbatims/nps_verbatims.csv`` (target >= 0.6).

French: ROC AUC separating the "Positive" (1) from the "Negative" (0) verbatims of
``hotel_reviews_fr/trianon_booking.csv`` (target >= 0.85; blank cells dropped, short answers such as "Rien"
kept). That export is multilingual: Booking.com reviews of a Paris hotel in each reviewer's language, under
French column names; only about a fifth of the verbatims are in French, two-fifths in English, the rest in
Italian, German, Spanish, Hebrew, Russian... So the target is measured on the verbatims detected as French
(``auc_fr``), cross-checked on the rows of reviewers from France whatever the detection says
(``auc_fr_france_rows``), and shown for the whole file (``auc_all_rows``), where languages journeykit does not
score count as neutral. Also: language detection on both files and the time per 1,000 texts.

The data lives outside the repository, in ``../shared/real_data`` next to the repository root; it is never
copied into the project. Run from anywhere::

    python benchmarks/sentiment_real_data.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from journeykit.sentiment import detect_language, score_many

REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real_data"
NPS_FILE = REAL_DATA / "nps_verbatims" / "nps_verbatims.csv"
HOTEL_FILE = REAL_DATA / "hotel_reviews_fr" / "trianon_booking.csv"
TARGETS = {"spearman_en": 0.6, "auc_fr": 0.85}


def english_verbatims() -> pd.DataFrame:
    """Rows of the NPS file with both a score and a non-blank text."""
    nps = pd.read_csv(NPS_FILE)
    nps = nps.dropna(subset=["NPS_SCORE", "text"])
    return nps[nps["text"].str.strip() != ""].reset_index(drop=True)


def french_verbatims() -> pd.DataFrame:
    """One row per non-blank cell of the "Positive" (label 1) and "Negative" (label 0) columns."""
    hotel = pd.read_csv(HOTEL_FILE)
    parts = []
    for column, label in (("Positive", 1), ("Negative", 0)):
        cells = hotel[["Country", column]].dropna(subset=[column])
        cells = cells[cells[column].str.strip() != ""]
        parts.append(pd.DataFrame({"text": cells[column].to_numpy(), "label": label,
                                   "country": cells["Country"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def _timed(texts: list[str]) -> tuple[np.ndarray, float]:
    """Scores with language detection, and the seconds they took per 1,000 texts."""
    start = time.perf_counter()
    scores = score_many(texts)
    return scores, (time.perf_counter() - start) / len(texts) * 1000


def measure() -> dict[str, float]:
    """Every figure of the benchmark, keyed by name."""
    score_many(["warm up", "échauffement"])  # load both lexicons before timing
    en, fr = english_verbatims(), french_verbatims()
    en_scores, en_seconds = _timed(en["text"].tolist())
    fr_scores, fr_seconds = _timed(fr["text"].tolist())
    en_langs = pd.Series([detect_language(t) for t in en["text"]], dtype=object)
    fr_langs = pd.Series([detect_language(t) for t in fr["text"]], dtype=object)
    in_french, from_france = (fr_langs == "fr").to_numpy(), (fr["country"] == "France").to_numpy()
    in_english = (fr_langs == "en").to_numpy()
    return {
        "n_en": len(en),
        "spearman_en": float(spearmanr(en_scores, en["NPS_SCORE"]).statistic),
        "spearman_en_vader_alone": float(spearmanr(_vader_alone(en["text"]), en["NPS_SCORE"]).statistic),
        "n_fr": int(in_french.sum()),
        "auc_fr": float(roc_auc_score(fr["label"][in_french], fr_scores[in_french])),
        "n_fr_france_rows": int(from_france.sum()),
        "auc_fr_france_rows": float(roc_auc_score(fr["label"][from_france], fr_scores[from_france])),
        "n_all_rows": len(fr),
        "auc_all_rows": float(roc_auc_score(fr["label"], fr_scores)),
        "auc_en_rows_of_hotel_file": float(roc_auc_score(fr["label"][in_english], fr_scores[in_english])),
        "detect_en_file_share_en": float((en_langs == "en").mean()),
        "detect_en_file_share_undecided": float(en_langs.isna().mean()),
        "detect_hotel_file_share_fr": float((fr_langs == "fr").mean()),
        "detect_hotel_file_share_en": float((fr_langs == "en").mean()),
        "detect_hotel_file_share_undecided": float(fr_langs.isna().mean()),
        "detect_france_rows_share_fr": float((fr_langs[from_france] == "fr").mean()),
        "seconds_per_1000_en": en_seconds,
        "seconds_per_1000_hotel_file": fr_seconds,
    }


def _vader_alone(texts: pd.Series) -> list[float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return [analyzer.polarity_scores(t)["compound"] for t in texts]


def main() -> int:
    if not REAL_DATA.is_dir():
        print(f"The real data is absent: {REAL_DATA} does not exist. It is not part of the repository; "
              "place the shared real_data folder next to the repository root to run this benchmark.",
              file=sys.stderr)
        return 2
    figures = measure()
    print(f"{'figure':<36}{'value':>8}  target")
    for name, value in figures.items():
        target = f">= {TARGETS[name]}" if name in TARGETS else ""
        shown = f"{value:d}" if isinstance(value, int) else f"{value:.3f}"
        print(f"{name:<36}{shown:>8}  {target}")
    print(json.dumps({name: round(value, 4) for name, value in figures.items()}, indent=2))
    return 0 if all(figures[name] >= target for name, target in TARGETS.items()) else 1


if __name__ == "__main__":
    sys.exit(main())
