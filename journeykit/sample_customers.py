"""The sample company's customers: who they are before the two quarters, and the CRM file that lists them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sample_facts import (
    _APP,
    _BARGAIN,
    _DAY,
    _EXPERT,
    _HOUR,
    _Q_START,
    N_CUSTOMERS,
    PERSONA_SHARES,
    PERSONAS,
    _epoch,
)

PLANS = ("Découverte", "Classique", "Passion", "Coffret cadeau")
_PLAN_PRICE = np.array([19.90, 29.90, 49.90, 39.90])
_GIFT_PLAN = 3
_PLAN_P = np.array([[.15, .75, .08, .02], [.80, .16, .02, .02], [.03, .15, .82, .00], [.04, .04, .02, .90]])
_COHORT_P = np.array([[.70, .15, .15], [.66, .17, .17], [.92, .04, .04], [.30, .35, .35]])  # before, Q2, Q3
_SIGNUP_BETA = np.array([[2.2, 1.2], [1.8, 1.2], [1.1, 2.0], [1.4, 1.1]])
_MONTHLY_CHURN = np.array([.012, .03, .008, .05])
_AGE = np.array([[28, 5, 18, 45], [45, 9, 20, 75], [60, 7, 30, 85], [35, 8, 18, 75]])
_FRANCE_P = np.array([.56, .62, .64, .60])

REGIONS_FR = {"Île-de-France": .30, "Auvergne-Rhône-Alpes": .13, "Provence-Alpes-Côte d'Azur": .10,
              "Occitanie": .09, "Nouvelle-Aquitaine": .09, "Hauts-de-France": .08, "Grand Est": .06,
              "Pays de la Loire": .06, "Bretagne": .05, "Normandie": .04}
REGIONS_UK = {"Greater London": .34, "South East": .18, "North West": .10, "Scotland": .08, "South West": .09,
              "West Midlands": .08, "Yorkshire and the Humber": .07, "Wales": .06}
SEGMENTS = ("Urbains connectés", "Petits budgets", "Passionnés", "Occasionnels", "Familles")
ACQUISITION = ("Réseaux sociaux", "Moteur de recherche", "Newsletter", "Magasin", "Marketplace", "Parrainage")
_ACQ_P = np.array([[.55, .10, .05, .02, .03, .25], [.10, .45, .30, .02, .08, .05],
                   [.05, .15, .15, .40, .20, .05], [.40, .35, .05, .05, .10, .05]])

_HISTORY_START = _epoch("2024-01-01")


def _choose(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row of ``probabilities`` (rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    return (rng.random(len(probabilities))[:, None] > cumulative).sum(axis=1)


def _customers(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Who the customers are before anything happens in the two quarters."""
    counts = [round(N_CUSTOMERS * PERSONA_SHARES[p]) for p in PERSONAS]
    persona = rng.permutation(np.repeat(np.arange(4), counts))
    n = len(persona)
    france = rng.random(n) < _FRANCE_P[persona]
    lang_fr = np.where(france, rng.random(n) < .97, rng.random(n) < .02)
    mean, sd, low, high = (_AGE[persona, i] for i in range(4))
    age = np.clip(np.round(rng.normal(mean, sd)), low, high).astype(int)
    plan = _choose(rng, _PLAN_P[persona])
    cohort = _choose(rng, _COHORT_P[persona])
    offset = rng.beta(_SIGNUP_BETA[persona, 0], _SIGNUP_BETA[persona, 1])
    signup = _HISTORY_START + np.floor(offset * 820) * _DAY + rng.uniform(8, 22, n) * _HOUR
    signup[cohort > 0] = np.nan
    subscription = plan != _GIFT_PLAN
    churn_time = signup + rng.exponential(1 / _MONTHLY_CHURN[persona]) * 30.4 * _DAY
    churned_before = (cohort == 0) & subscription & (churn_time < _Q_START[0])
    price = _PLAN_PRICE[plan]
    promo = (persona == _BARGAIN) & (rng.random(n) < .5)
    price = np.where(promo, price * rng.choice([.7, .75, .8], n), price)
    price = price + np.where(persona == _EXPERT, np.round(rng.gamma(2, 8, n)), 0)
    price = price + np.where((persona == _APP) & (rng.random(n) < .3), 4.90, 0)
    price = np.where((plan == _GIFT_PLAN) & (rng.random(n) < .3), 59.90, price)
    months = np.where(cohort == 0, (np.minimum(np.where(churned_before, churn_time, _Q_START[0]), _Q_START[0])
                                    - np.nan_to_num(signup)) / (30.4 * _DAY), 0)
    orders = np.where(subscription, np.floor(months) + rng.poisson(np.maximum(months, 0) * .1), 1 + rng.poisson(.2, n))
    regions_fr, regions_uk = list(REGIONS_FR), list(REGIONS_UK)
    region_fr = rng.choice(len(regions_fr), n, p=list(REGIONS_FR.values()))
    region_uk = rng.choice(len(regions_uk), n, p=list(REGIONS_UK.values()))
    return {
        "persona": persona, "france": france, "lang_fr": lang_fr, "age": age, "plan": plan, "cohort": cohort,
        "signup": signup, "churned_before": churned_before,
        "churn_time": np.where(churned_before, churn_time, np.nan), "price": np.round(price, 2),
        "orders": np.where(cohort == 0, orders, 0).astype(int),
        "region": np.where(france, np.array(regions_fr, dtype=object)[region_fr],
                           np.array(regions_uk, dtype=object)[region_uk]),
        "ios": rng.random(n) < np.where(persona == _APP, .62, .5),
        "instagram": rng.random(n) < .85,
        "woman": rng.random(n) < np.where(persona == _EXPERT, .52, .6),
        "acquisition": _choose(rng, _ACQ_P[persona]),
        "optin": rng.random(n) < np.where(persona == _BARGAIN, .9, .6),
    }


def _crm(rng: np.random.Generator, cust, state, ids: np.ndarray) -> pd.DataFrame:
    """The CRM export as French Excel writes it: text cells, French headers, dd/mm/yyyy, decimal comma."""
    n = len(ids)
    persona = cust["persona"]

    def date(seconds: np.ndarray) -> np.ndarray:
        text = pd.to_datetime(np.nan_to_num(seconds).astype(np.int64), unit="s").strftime("%d/%m/%Y").to_numpy()
        return np.where(np.isnan(seconds), "", text)

    purchased = state["purchased"]
    price = np.where(purchased, cust["price"], 0.0)
    churned = ~np.isnan(state["churn_time"])
    segment_truth = np.array(SEGMENTS[:4], dtype=object)[persona]
    segment = np.where(rng.random(n) < .5, segment_truth, np.array(SEGMENTS, dtype=object)[rng.integers(5, size=n)])

    def blank(values: np.ndarray, share: float) -> np.ndarray:
        return np.where(rng.random(n) < share, "", values)

    frame = pd.DataFrame({
        "N° client": ids,
        "Civilité": np.where(cust["woman"], "Mme", "M."),
        "Date d'inscription": date(state["signup"]),
        "Pays": np.where(cust["france"], "France", "Royaume-Uni"),
        "Région": blank(cust["region"], .004),
        "Offre": np.where(purchased, np.array(PLANS, dtype=object)[cust["plan"]], "Aucune"),
        "Panier mensuel (€)": [f"{value:.2f}".replace(".", ",") for value in price],
        "Nb commandes": np.where(purchased, np.maximum(state["orders"], 1), 0).astype(str),
        "Résilié": np.where(churned, "Oui", "Non"),
        "Date de résiliation": date(state["churn_time"]),
        "Âge": blank(cust["age"].astype(str), .015),
        "Langue": np.where(cust["lang_fr"], "Français", "Anglais"),
        "Segment marketing": blank(segment, .005),
        "Canal d'acquisition": np.array(ACQUISITION, dtype=object)[cust["acquisition"]],
        "Opt-in e-mail": np.where(cust["optin"], "Oui", "Non"),
    })
    return frame.sort_values("N° client", kind="stable").reset_index(drop=True)
