"""Sentiment of English and French verbatims: hand-worked sentences, language detection, real data.

Worked values follow VADER's arithmetic: a word's valence v is summed into x, and the score is
x / sqrt(x**2 + 15). Negation multiplies by -0.74, an intensifier adds 0.293 in the word's direction, and
around "mais" the words before count half and the words after count 1.5 times.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from journeykit.errors import ParameterError
from journeykit.sentiment import detect_language, score, score_many

REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real_data"
BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "sentiment_real_data.py"


def compound(x: float) -> float:
    return x / math.sqrt(x * x + 15)


# --- French, worked by hand -----------------------------------------------------------------------------

def test_french_negation_and_intensifier_worked_by_hand():
    # satisfait: 2.1 -> 2.1 / sqrt(4.41 + 15) = 0.4767
    assert score("satisfait", "fr") == pytest.approx(compound(2.1)) == pytest.approx(0.4767, abs=1e-4)
    # pas satisfait: 2.1 * -0.74 = -1.554 -> -0.3724
    assert score("pas satisfait", "fr") == pytest.approx(compound(-1.554)) == pytest.approx(-0.3724, abs=1e-4)
    # très satisfait: 2.1 + 0.293 = 2.393 -> 0.5256
    assert score("très satisfait", "fr") == pytest.approx(compound(2.393)) == pytest.approx(0.5256, abs=1e-4)
    # "ne ... pas" around the verb, and the colloquial "pas" after it: recommander 2.5 -> -1.85
    assert score("Je ne le recommande pas", "fr") == pytest.approx(compound(-1.85))
    assert score("j'aime pas", "fr") == pytest.approx(compound(2.0 * -0.74))


def test_french_contrast_weighs_the_clause_after_mais():
    # propre 2.0 * 0.5 + bruyante -2.0 * 1.5 = -2.0 -> -0.4588, and the mirror sentence +0.4588
    assert score("Chambre propre mais bruyante", "fr") == pytest.approx(compound(-2.0))
    assert score("Chambre bruyante mais propre", "fr") == pytest.approx(compound(2.0))
    # a sentence opening with "Mais" halves the sentence before it
    assert score("Chambre propre. Mais bruyante.", "fr") == pytest.approx(compound(-2.0))


def test_french_idioms():
    assert score("Rien à redire", "fr") == pytest.approx(compound(2.6))  # 0.5574
    assert score("Rien", "fr") == 0.0  # a full answer "nothing" is neutral
    assert score("Rien.", "fr") == 0.0
    assert score("pas de souci", "fr") > 0
    assert score("il n'y a pas de souci", "fr") == score("pas de souci", "fr")  # not negated twice
    assert score("au top", "fr") > 0.5
    for text in ("n'importe quoi", "à éviter", "laisse à désirer", "hors de prix", "pas terrible"):
        assert score(text, "fr") < 0, text
    assert score("pas mal", "fr") > 0
    assert score("Ce serait parfait avec une bouilloire", "fr") == 0.0  # a wish, not praise


def test_french_trop_and_verbs_of_service():
    # trop + word without valence: -1.5; trop + cher (-1.5): min(-1.5 - 1.0, -1.5) = -2.5
    assert score("trop petit", "fr") == pytest.approx(compound(-1.5))
    assert score("trop cher", "fr") == pytest.approx(compound(-2.5))
    assert score("trop bien", "fr") > score("bien", "fr") > 0
    # répondre has its own negated valence, -2.0: a support line that never answers is a failure
    assert score("Ne répond jamais au téléphone", "fr") == pytest.approx(compound(-2.0))


def test_french_spelling_is_forgiven():
    assert score("tres bien", "fr") == score("très bien", "fr") > 0  # accents
    assert score("n est pas propre", "fr") == score("n’est pas propre", "fr") < 0  # elision, apostrophes
    assert score("chambres sales", "fr") < 0 < score("serveuses gentilles", "fr")  # plural, feminine
    assert score("très déçue", "fr") < score("déçue", "fr") < 0
    assert score("SALE et bruyant", "fr") < score("sale et bruyant", "fr")  # capitals emphasise


def test_french_emoticons_and_exclamation_marks():
    assert score("Livraison rapide :)", "fr") > score("Livraison rapide", "fr") > 0
    assert score("Livraison rapide !!", "fr") > score("Livraison rapide", "fr")
    assert score("👎", "fr") < 0 < score("👍", "fr")


def test_clearly_positive_and_negative_sentences():
    positive = ["Personnel très aimable et chambre impeccable, je recommande !",
                "Livraison dans les délais, aucun problème",
                "The staff were lovely and delivery was on time",
                "No issues at all, very happy with the service"]
    negative = ["Colis jamais reçu et service client injoignable",
                "Appli qui plante sans arrêt, remboursement toujours pas fait",
                "Terrible service, I was overcharged and nobody called back",
                "Still waiting for my refund after three weeks"]
    assert all(score_many(positive) > 0), score_many(positive)
    assert all(score_many(negative) < 0), score_many(negative)


# --- English --------------------------------------------------------------------------------------------

def test_english_is_vader_with_customer_experience_terms():
    assert score("The staff were lovely", "en") == pytest.approx(compound(2.8), abs=1e-4)  # VADER: lovely 2.8
    # "on time" is one term of 1.5; "not" negates it: 1.5 * -0.74 = -1.11 -> -0.2756
    assert score("Delivery was on time", "en") == pytest.approx(compound(1.5), abs=1e-4)
    assert score("Delivery was not on time", "en") == pytest.approx(compound(-1.11), abs=1e-4)


# --- API ------------------------------------------------------------------------------------------------

def test_empty_and_missing_texts_score_nan():
    assert math.isnan(score("")) and math.isnan(score("  \n")) and math.isnan(score(None))
    scores = score_many(["Très bien", "", None, float("nan"), "Great"])
    assert np.isnan(scores).tolist() == [False, True, True, True, False]


def test_languages_are_checked():
    with pytest.raises(ParameterError, match="'lang' parameter of score must be 'en', 'fr' or None. Got 'de'"):
        score("gut", "de")
    with pytest.raises(ParameterError, match="'langs' parameter of score_many"):
        score_many(["a", "b"], ["en"])
    assert score_many(["bon", "good"], ["fr", "en"]).tolist() == [score("bon", "fr"), score("good", "en")]


@pytest.mark.parametrize("text, expected", [
    ("Le personnel était très aimable", "fr"),
    ("L'emplacement", "fr"),
    ("Rien", "fr"),
    ("Parfait", "fr"),
    ("The staff were lovely", "en"),
    ("Nothing", "en"),
    ("didn't work", "en"),
    ("OK", None),
    ("", None),
    ("10", None),
    ("La habitación era muy pequeña", None),
    ("Das Zimmer war sehr sauber", None),
    ("Номер был чистый", None),
])
def test_detect_language(text, expected):
    assert detect_language(text) == expected


# --- real data ------------------------------------------------------------------------------------------

@pytest.mark.skipif(not REAL_DATA.is_dir(), reason=f"the public real data is absent ({REAL_DATA}); it is not "
                    "part of the repository, so a fresh clone skips this test")
def test_real_data_targets():
    spec = importlib.util.spec_from_file_location("sentiment_real_data", BENCHMARK)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    figures = benchmark.measure()
    assert figures["spearman_en"] >= 0.6, figures
    assert figures["auc_fr"] >= 0.85, figures
    assert figures["auc_fr_france_rows"] >= 0.85, figures
    assert figures["detect_en_file_share_en"] >= 0.95, figures
    assert figures["detect_france_rows_share_fr"] >= 0.85, figures
