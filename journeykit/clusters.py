"""The clustering behind step 3's personas: features made ready, k-means, stability, and the profiles.

- :func:`group_levels` groups the rare levels of each label in the engine; :func:`select_features` leaves
  out features that are mostly blank, constant, rare channels and near copies; :func:`transformer` is the
  scikit-learn ``ColumnTransformer`` (median imputation and standardisation of numbers, one-hot labels).
- :func:`silhouette` and :func:`bootstrap` measure how clear-cut and how stable a k-means partition is.
- :func:`assign` places every customer on the nearest centre *inside the engine*, from the fitted
  transformer's parameters, so that only the sample ever leaves it.
- :func:`describe` gives each cluster's size, means, label shares and z-scores against every customer.

See :mod:`journeykit.personas` for how these steps make a review.
"""

from __future__ import annotations

import math
from functools import reduce
from operator import add

import ibis
import numpy as np
import pandas as pd

from .features import feature_label

N_INIT = 4
SEARCH_SAMPLE = 4_000  # customers of the sample on which k is searched and each resample is fitted
MAX_BLANK = 0.5
MAX_CORRELATION = 0.85
MIN_LEVEL_SHARE = 0.01
MAX_LEVELS = 20
OTHER, BLANK = "(other)", "(blank)"


def materialized(study, table: ibis.Table) -> ibis.Table:
    """``table`` computed once into a temporary table of the engine (kept for the session), so that the
    several summaries read from it do not recompute it from the event log."""
    import uuid

    name = f"jk_personas_{uuid.uuid4().hex[:12]}"
    try:
        return study.engine.con.create_table(name, table, temp=True)
    except NotImplementedError:  # a backend without temporary tables recomputes instead
        return table


def group_levels(features: ibis.Table, labels: list[str]) -> ibis.Table:
    """Labels with their rare levels (under 1 % of the customers) grouped as "(other)", blanks as "(blank)"."""
    if not labels:
        return features
    total = int(features.count().execute())
    grouped = {}
    for name in labels:
        column = features[name].fill_null(BLANK)
        counts = features.mutate(level=column).group_by("level").aggregate(n=lambda t: t.count())
        top = counts.order_by(ibis.desc("n")).limit(MAX_LEVELS).execute()
        keep = [level for level, n in zip(top["level"], top["n"]) if n >= MIN_LEVEL_SHARE * total]
        grouped[name] = ibis.ifelse(column.isin(keep or [BLANK]), column, OTHER)
    return features.mutate(**grouped)


def select_features(sample: pd.DataFrame, numbers: list[str], labels: list[str]):
    """Leave out features blank for most customers, constant ones, channels that carry under 1 % of the
    average customer's events (one call would weigh as much as a habit), and near copies of an earlier one."""
    kept, rows = [], []
    for name in numbers:
        values = sample[name].astype("float64")
        if values.isna().mean() > MAX_BLANK:
            rows.append({"feature": name, "reason": "blank", "of": None, "r": None})
        elif not values.std() > 0:
            rows.append({"feature": name, "reason": "constant", "of": None, "r": None})
        elif name.startswith("share_") and values.mean() < MIN_LEVEL_SHARE:
            rows.append({"feature": name, "reason": "rare", "of": None, "r": None})
        else:
            correlations = {other: abs(values.corr(sample[other].astype("float64"))) for other in kept}
            twin = max(correlations, key=lambda other: np.nan_to_num(correlations[other]), default=None)
            if twin is not None and correlations[twin] > MAX_CORRELATION:
                rows.append({"feature": name, "reason": "duplicate", "of": twin,
                             "r": round(float(correlations[twin]), 3)})
            else:
                kept.append(name)
    kept_labels = []
    for name in labels:
        if sample[name].nunique() > 1:
            kept_labels.append(name)
        else:
            rows.append({"feature": name, "reason": "constant", "of": None, "r": None})
    if not kept and not kept_labels:
        raise ValueError("Every feature is blank or constant for these customers: there is nothing to cluster on.")
    return kept, kept_labels, pd.DataFrame(rows, columns=["feature", "reason", "of", "r"])


def transformer(numbers: list[str], labels: list[str]):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    parts = []
    if numbers:
        parts.append(("numbers", make_pipeline(FunctionTransformer(_as_float, feature_names_out="one-to-one"),
                                               SimpleImputer(strategy="median"), StandardScaler()), numbers))
    if labels:
        parts.append(("labels", make_pipeline(FunctionTransformer(_as_text, feature_names_out="one-to-one"),
                                              OneHotEncoder(handle_unknown="ignore", sparse_output=False)), labels))
    return ColumnTransformer(parts)


def _as_float(frame):
    return pd.DataFrame(frame).astype("float64")


def _as_text(frame):
    return pd.DataFrame(frame).astype(object)


def silhouette(matrix: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if len(set(labels)) < 2 or len(set(labels)) >= len(labels):
        return float("nan")
    return float(silhouette_score(matrix, labels))


def bootstrap(matrix: np.ndarray, model, n_bootstrap: int, random_state: int) -> list[float]:
    """ARI between the fitted labels and those of k-means refitted on resamples (with replacement, of at
    most :data:`SEARCH_SAMPLE` customers), both on every customer of the sample."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(random_state)
    scores = []
    for index in range(n_bootstrap):
        rows = rng.integers(0, len(matrix), min(len(matrix), SEARCH_SAMPLE))
        refit = KMeans(n_clusters=model.n_clusters, n_init=N_INIT, random_state=random_state + index + 1)
        refit.fit(matrix[rows])
        scores.append(round(float(adjusted_rand_score(model.labels_, refit.predict(matrix))), 4))
    return scores


def assign(prepared: ibis.Table, transformer, numbers: list[str], labels: list[str],
            centres: np.ndarray) -> ibis.Table:
    """Every customer's nearest centre (``customer_id``, ``cluster``), computed in the engine."""
    coordinates = {}
    if numbers:
        pipeline = transformer.named_transformers_["numbers"]
        imputer, scaler = pipeline[-2], pipeline[-1]
        for name, median, mean, scale in zip(numbers, imputer.statistics_, scaler.mean_, scaler.scale_):
            value = prepared[name].cast("float64").fill_null(float(median))
            coordinates[f"z{len(coordinates)}"] = (value - float(mean)) / float(scale)
    if labels:
        encoder = transformer.named_transformers_["labels"][-1]
        for name, levels in zip(labels, encoder.categories_):
            for level in levels:
                coordinates[f"z{len(coordinates)}"] = ibis.ifelse(prepared[name] == str(level), 1.0, 0.0)
    points = prepared.select("customer_id", **coordinates)
    distances = {
        f"d{j}": reduce(add, [(points[f"z{i}"] - float(value)) ** 2 for i, value in enumerate(centre)])
        for j, centre in enumerate(centres)
    }
    points = points.select("customer_id", **distances)
    nearest = ibis.least(*[points[name] for name in distances]) if len(distances) > 1 else points["d0"]
    cases = [(points[f"d{j}"] == nearest, j) for j in range(len(centres) - 1)]
    cluster = ibis.cases(*cases, else_=len(centres) - 1) if cases else ibis.literal(0)
    return points.select("customer_id", cluster=cluster.cast("int64"))


def describe(study, prepared, cluster, numeric, labels, clustered):
    """Per persona: size, means and level shares, z-scores against every active customer."""
    table = prepared.join(cluster, "customer_id")
    means = {name: table[name].cast("float64").mean() for name in numeric}
    per = table.group_by("cluster").aggregate(customers=table.count(), **means).execute()
    overall = prepared.aggregate(
        **{f"{n}__mean": prepared[n].cast("float64").mean() for n in numeric},
        **{f"{n}__sd": prepared[n].cast("float64").std(how="pop") for n in numeric}).execute().iloc[0]
    total = int(per["customers"].sum())
    per = per.sort_values(["customers", "cluster"], ascending=[False, True], ignore_index=True)
    rows = []
    for name in numeric:
        mean, sd = overall[f"{name}__mean"], overall[f"{name}__sd"]
        for _, row in per.iterrows():
            value = row[name]
            z = (value - mean) / sd if sd and sd > 0 and pd.notna(value) else 0.0
            rows.append({"cluster": row["cluster"], "feature": name, "level": None, "value": value,
                         "population": mean, "z": z})
    for name in labels:
        counts = table.group_by(["cluster", name]).aggregate(n=lambda t: t.count()).execute()
        population = counts.groupby(name)["n"].sum() / total
        grid = pd.MultiIndex.from_product([per["cluster"], population.index], names=["cluster", name])
        counts = counts.set_index(["cluster", name])["n"].reindex(grid, fill_value=0).reset_index()
        for _, row in counts.iterrows():
            size = int(per.loc[per["cluster"] == row["cluster"], "customers"].iloc[0])
            share, p = row["n"] / size, population[row[name]]
            z = (share - p) / math.sqrt(p * (1 - p)) if 0 < p < 1 else 0.0
            rows.append({"cluster": row["cluster"], "feature": name, "level": row[name], "value": share,
                         "population": p, "z": z})
    traits = pd.DataFrame(rows, columns=["cluster", "feature", "level", "value", "population", "z"])
    traits["clustered"] = traits["feature"].isin(clustered)
    lang_labels = {lang: traits.apply(lambda r: _trait_label(r, lang, study), axis=1) for lang in ("en", "fr")}
    traits["label_en"], traits["label_fr"] = lang_labels["en"], lang_labels["fr"]
    personas = pd.DataFrame({"cluster": per["cluster"].astype("int64"), "customers": per["customers"].astype("int64"),
                             "share": per["customers"] / total})
    stats = _persona_stats(study, table, per)
    personas = personas.merge(stats, on="cluster", how="left")
    shares = traits[traits["feature"].str.startswith("share_")]
    personas["channels"] = personas["cluster"].map(lambda c: _preferred(shares[shares["cluster"] == c]))
    return personas, traits


def _trait_label(row, lang: str, study) -> str:
    name = feature_label(row["feature"], lang, study)
    if row["level"] is None or (isinstance(row["level"], float) and pd.isna(row["level"])):
        return name
    level = {OTHER: {"en": "other", "fr": "autre"}, BLANK: {"en": "blank", "fr": "vide"}}.get(row["level"])
    return f"{name}: {level[lang] if level else row['level']}"


def _persona_stats(study, table, per) -> pd.DataFrame:
    frame = pd.DataFrame({"cluster": per["cluster"]})
    frame["churn_rate"] = per["churned"] if "churned" in per else np.nan
    frame["monthly_value"] = per["monthly_value"] if "monthly_value" in per else np.nan
    frame["nps"], frame["nps_answers"] = np.nan, 0
    if study.has("survey"):
        survey = study.table("survey")
        survey = survey.filter(survey.nps.between(0, 10)).join(table.select("customer_id", "cluster"), "customer_id")
        nps = survey.group_by("cluster").aggregate(
            answers=survey.count(), promoters=(survey.nps >= 9).sum(), detractors=(survey.nps <= 6).sum()).execute()
        nps["nps"] = 100 * (nps["promoters"] - nps["detractors"]) / nps["answers"]
        frame = frame.drop(columns=["nps", "nps_answers"]).merge(
            nps[["cluster", "nps", "answers"]].rename(columns={"answers": "nps_answers"}), on="cluster", how="left")
        frame["nps_answers"] = frame["nps_answers"].fillna(0).astype("int64")
    return frame


def _preferred(shares: pd.DataFrame, most: int = 3, minimum: float = 0.1) -> list[str]:
    """The persona's main channels: its largest channel shares (at least 10 % of its events), largest first."""
    top = shares.sort_values("value", ascending=False)
    return [f.removeprefix("share_") for f, v in zip(top["feature"], top["value"]) if v >= minimum][:most]
