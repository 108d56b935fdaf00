"""Step 3: personas discovered from the data by clustering, not invented in a meeting room.

1. **Features**: one row per customer active in the quarter (:func:`journeykit.features.customer_features`),
   computed in the engine.
2. **Sample**: k-means is fitted on at most ``max_sample`` customers, drawn by a seeded hash of their id (all
   of them when there are fewer); every customer is then assigned to the nearest persona centre *inside the
   engine*, so neither the event log nor the full customer list has to fit in memory.
3. **What shapes the personas**: what customers do and who they are: activity, intensity, channel shares
   and furthest stage; the CRM's numbers (tenure, monthly value, numeric attributes) and labels (plan and
   the attributes listed under ``sources.customers.attributes``). Survey answers, tickets, churn, the
   company's own segment and the region *describe* the personas but do not shape them: most customers never
   answer a survey, churn is an outcome to compare between personas, and the company's labels are what the
   personas are compared with. A feature blank for more than half the sample, constant, almost a copy of
   an earlier one (|r| > 0.85), or the share of a channel that carries under 1 % of the average customer's
   events is left out, and the review says so.
4. **Preparation** (a scikit-learn ``ColumnTransformer``): numbers imputed with the median and standardised;
   labels one-hot encoded, levels held by less than 1 % of the customers grouped as "other".
5. **k**: given, or the k in [2, 8] with the best silhouette; the candidates are fitted and scored on up to
   4,000 customers of the sample (seeded), then the chosen k is fitted on the whole sample. k-means runs
   with ``n_init=4`` and ``random_state``.
6. **Stability**: the mean adjusted Rand index, over the sample, between the fitted labels and the labels of
   k-means fitted on ``n_bootstrap`` resamples (with replacement, up to 4,000 customers each); 1 means the
   same personas every time.
7. **Description**: size and share; every feature as a z-score against all active customers; preferred
   channels; churn rate, average monthly value, NPS; goals and frustrations (the most distinctive phrases of
   the positive and negative sentences of its survey verbatims); a representative quote (redacted); a
   suggested name in English and French from its strongest traits. A persona smaller than
   ``privacy.min_group_size`` is counted but not described.
8. **Identity across quarters**: personas are paired with the previous quarter's by the Hungarian method on
   the customers they share, and a pair is kept when most of the persona's returning customers had the old
   persona, or most of the old persona's returning customers are in it (when only last quarter's summary
   is left, pairs are made on the distance between centres, and kept when closer than any two current
   centres). A matched persona keeps its id and its name, so a workshop's renaming survives the next run.

Examples
--------
>>> import journeykit as jk                                                 # doctest: +SKIP
>>> s = jk.study("build/sample-workspace", "2026Q3")                        # doctest: +SKIP
>>> review = jk.personas.review(s)                                          # doctest: +SKIP
>>> review.k, round(review.stability, 2)                                    # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import clusters, measures, persona_text
from .errors import ParameterError
from .features import customer_features, feature_label
from .i18n import pick
from .quarters import Quarter

STEP = "03_build_personas"
TABLE = "personas"
AUTO_K = (2, 8)
K_RANGE = (2, 12)
MIN_SHARED = 0.5  # a persona keeps last quarter's id when it is the main continuation of it (see _match)
DESCRIBED_ONLY = ("nps_mean", "csat_mean", "ces_mean", "survey_answers", "tickets", "churned", "segment", "region")


@dataclass
class PersonaReview:
    """Step 3's result: the personas of one quarter, how they were found, and who belongs to which.

    ``personas`` has one row per persona, largest first: ``id``, ``cluster``, ``name_en``, ``name_fr``,
    ``customers``, ``share``, ``churn_rate``, ``monthly_value``, ``nps``, ``nps_answers``, ``channels``
    (preferred channel ids), ``goals_en``/``goals_fr``, ``frustrations_en``/``frustrations_fr`` (phrases),
    ``quote_en``/``quote_fr``, ``previous`` (the id it was matched to last quarter, or None) and
    ``suppressed`` (smaller than the privacy threshold: counted, not described). ``traits`` has one row per
    persona and feature (or label level) with the persona's value, the population's and the z-score.
    ``assignment`` is an Ibis expression (``customer_id``, ``group``) over every active customer.
    """

    quarter: str
    personas: pd.DataFrame
    traits: pd.DataFrame
    silhouettes: pd.DataFrame  # k, silhouette, inertia
    k: int
    chosen_by: str  # "silhouette" or "given"
    stability: float | None
    bootstrap: list[float]
    n_customers: int
    n_sample: int
    features: list[str]
    dropped: pd.DataFrame  # feature, reason (blank, constant, duplicate), of, r
    matching: pd.DataFrame  # id, previous, shared, method
    centres: list[dict]
    channel_names: dict[str, dict[str, str]]
    min_group_size: int
    warnings: list[str] = field(default_factory=list)
    assignment: ibis.Table | None = field(default=None, repr=False)

    def summary(self) -> dict:
        """The machine-readable findings (for the report index and next quarter's matching).

        A persona smaller than the privacy threshold is listed without its size, share or statistics.
        """
        personas = []
        for row in self.personas.to_dict(orient="records"):
            hidden = bool(row["suppressed"])
            personas.append({
                "id": row["id"], "name": {"en": row["name_en"], "fr": row["name_fr"]},
                **{key: None if hidden else row[key] for key in ("customers", "share", "churn_rate",
                                                                  "monthly_value", "nps", "nps_answers")},
                "channels": [] if hidden else list(row["channels"]), "previous": row["previous"],
                "suppressed": hidden,
            })
        return {
            "k": self.k,
            "chosen_by": self.chosen_by,
            "silhouettes": self.silhouettes.to_dict(orient="records"),
            "stability": self.stability,
            "bootstrap": self.bootstrap,
            "n_customers": self.n_customers,
            "n_sample": self.n_sample,
            "sampled": self.n_sample < self.n_customers,
            "features": self.features,
            "dropped": self.dropped.to_dict(orient="records"),
            "personas": personas,
            "matching": self.matching.to_dict(orient="records"),
            "centres": [c for c, hidden in zip(self.centres, self.personas["suppressed"]) if not hidden],
            "warnings": self.warnings,
        }

    def facts(self, study) -> dict:
        """The values the step's narrative quotes (names in the study's language)."""
        lang = study.lang
        shown = self.personas[~self.personas["suppressed"]]
        top = shown.iloc[0] if len(shown) else None
        best = self.silhouettes.loc[self.silhouettes["k"] == self.k, "silhouette"]
        matched = int(self.matching["previous"].notna().sum()) if len(self.matching) else 0
        return {
            "quarter": self.quarter,
            "previous_quarter": str(Quarter.parse(self.quarter).previous()),
            "k": self.k,
            "n_customers": self.n_customers,
            "n_sample": self.n_sample,
            "n_features": len(self.features),
            "features": ", ".join(feature_label(f, lang, study) for f in self.features),
            "n_dropped": len(self.dropped),
            "silhouette": float(best.iloc[0]) if len(best) and pd.notna(best.iloc[0]) else 0.0,
            "stability": 0.0 if self.stability is None else self.stability,
            "n_bootstrap": len(self.bootstrap),
            "largest": "-" if top is None else top[f"name_{lang}"],
            "largest_share": 0.0 if top is None else float(top["share"]),
            "n_matched": matched,
            "n_new": len(self.personas) - matched,
            "n_suppressed": int(self.personas["suppressed"].sum()),
            "minimum": self.min_group_size,
            "warnings": "; ".join(self.warnings),
        }

    def dropped_table(self, study) -> pd.DataFrame:
        """The features left out of the clustering, and why, for people."""
        from .persona_text import template

        lang = study.lang
        reasons = [template(f"dropped_{row.reason}", lang,
                        of=feature_label(row.of, lang, study) if isinstance(row.of, str) else "",
                        r=f"{row.r:.2f}".replace(".", "," if lang == "fr" else ".") if pd.notna(row.r) else "")
                   for row in self.dropped.itertuples()]
        headers = {"en": ("Feature", "Left out because"), "fr": ("Caractéristique", "Écartée car")}[lang]
        return pd.DataFrame({headers[0]: [feature_label(f, lang, study) for f in self.dropped["feature"]],
                             headers[1]: reasons})

    def table(self, study) -> pd.DataFrame:
        """The personas for people: name, customers, share, churn, value, NPS, preferred channels."""
        from .tables import readable

        lang = study.lang
        names = {cid: texts[lang] for cid, texts in self.channel_names.items()}
        frame = pd.DataFrame({
            "persona": self.personas[f"name_{lang}"],
            "customers": self.personas["customers"].astype("int64"),
            "share": self.personas["share"],
            "churn_rate": self.personas["churn_rate"],
            "monthly_value": self.personas["monthly_value"],
            "nps": self.personas["nps"],
            "channel": self.personas["channels"].map(lambda ids: ", ".join(names.get(i, i) for i in ids)),
        })
        table = readable(frame, lang, percent=["share", "churn_rate"])
        headers = {"churn_rate": {"en": "Churned", "fr": "Partis"}, "monthly_value": {"en": "Monthly value",
                   "fr": "Valeur mensuelle"}, "nps": {"en": "NPS", "fr": "NPS"}}
        return table.rename(columns={k: v[lang] for k, v in headers.items()})

    def silhouette_table(self, lang: str) -> pd.DataFrame:
        """Silhouette (and inertia) per k tried, the chosen k marked."""
        from .persona_text import _number

        frame = self.silhouettes
        headers = {"en": ("Personas (k)", "Silhouette", "Inertia", "Chosen"),
                   "fr": ("Personas (k)", "Silhouette", "Inertie", "Retenu")}[lang]
        return pd.DataFrame({
            headers[0]: frame["k"],
            headers[1]: frame["silhouette"].map(lambda v: "" if pd.isna(v) else _number(v, lang, 3)),
            headers[2]: frame["inertia"].map(lambda v: _number(v, lang, 0)),
            headers[3]: (frame["k"] == self.k).map(lambda v: "✓" if v else ""),
        })


def review(study, n_personas: int = 0, random_state: int = 0, max_sample: int = 20_000,
           n_bootstrap: int = 10) -> PersonaReview:
    """Discover the personas of ``study``'s quarter (see the module docstring for every step).

    Parameters
    ----------
    n_personas : int, default 0
        Number of personas; 0 chooses k in [2, 8] by silhouette; otherwise an int in [2, 12].
    random_state : int, default 0
        Seed of the sample, of k-means and of the bootstrap.
    max_sample : int, default 20000
        Most customers the clustering is fitted on; the others are assigned in the engine.
    n_bootstrap : int, default 10
        Resamples behind the stability figure (0 skips it).
    """
    _check(n_personas, random_state, max_sample, n_bootstrap)
    features = clusters.materialized(study, customer_features(study))
    numeric = [c for c, t in features.schema().items() if t.is_numeric() and c != "customer_id"]
    labels = [c for c, t in features.schema().items() if t.is_string() and c != "customer_id"]
    prepared = clusters.group_levels(features, labels)
    n_customers = int(prepared.count().execute())
    if n_customers < 3:
        raise ValueError(f"Only {n_customers} customer(s) active in {study.quarter}: personas need at least 3.")
    drawn = prepared
    if n_customers > max_sample:
        drawn = prepared.order_by(prepared.customer_id.concat(f"|{random_state}").hash()).limit(max_sample)
    sample = drawn.execute().sort_values("customer_id", ignore_index=True)
    numbers, names, dropped = clusters.select_features(
        sample, [c for c in numeric if c not in DESCRIBED_ONLY],
        [c for c in labels if c not in DESCRIBED_ONLY and (c == "plan" or c.startswith("attr_"))])
    transformer = clusters.transformer(numbers, names)
    matrix = transformer.fit_transform(sample[numbers + names])
    # One thread: as fast at these sizes, and OpenMP's busy waiting makes k-means crawl (70 times slower
    # measured) when other notebooks of a quarterly run share the cores.
    with threadpool_limits(limits=1):
        silhouettes, model = _fit(matrix, n_personas, random_state)
        bootstrap = clusters.bootstrap(matrix, model, n_bootstrap, random_state)
    nearest = clusters.assign(prepared, transformer, numbers, names, model.cluster_centers_)
    cluster = clusters.materialized(study, nearest)
    personas, traits = clusters.describe(study, prepared, cluster, numeric, labels, numbers + names)
    previous, matching = _match(study, cluster, personas, transformer, numbers, names, model)
    personas["previous"] = pd.Series(previous, index=personas.index, dtype=object)
    minimum = study.journey.privacy.min_group_size
    personas["suppressed"] = personas["customers"] < minimum
    channel_names = {c.id: {"en": c.name.get("en"), "fr": c.name.get("fr")} for c in study.journey.all_channels()}
    personas = _identify(study, persona_text.add_texts(study, personas, traits, cluster, channel_names))
    warnings = []
    if personas["suppressed"].any():
        hidden = int(personas["suppressed"].sum())
        warnings.append(pick(study.lang, f"{hidden} persona(s) with fewer than {minimum} customers are counted "
                             "but not described, to protect privacy", f"{hidden} persona(s) de moins de {minimum} "
                             "clients sont comptés mais pas décrits, pour protéger la vie privée"))
    mapping = dict(zip(personas["cluster"], personas["id"]))
    group = cluster.cluster.substitute(mapping, else_=ibis.null("string"))
    traits = traits.assign(persona=traits["cluster"].map(mapping))
    matching = matching.assign(id=matching["cluster"].map(mapping)).drop(columns="cluster") if len(matching) \
        else pd.DataFrame(columns=["id", "previous", "shared", "method"])
    return PersonaReview(
        quarter=str(study.quarter), personas=personas, traits=traits, silhouettes=silhouettes, k=model.n_clusters,
        chosen_by="given" if n_personas else "silhouette",
        stability=float(np.mean(bootstrap)) if bootstrap else None, bootstrap=bootstrap,
        n_customers=n_customers, n_sample=len(sample), features=numbers + names, dropped=dropped,
        matching=matching, centres=_centres(personas, traits, numbers, names), channel_names=channel_names,
        min_group_size=minimum, warnings=warnings, assignment=cluster.select("customer_id", group=group))


def _fit(matrix: np.ndarray, n_personas: int, random_state: int):
    """The silhouette of each k tried (on up to 4,000 customers), and k-means of the chosen k on all."""
    from sklearn.cluster import KMeans

    distinct = len(np.unique(matrix, axis=0))  # k must stay below the number of distinct customers
    top = min(K_RANGE[1] if n_personas else AUTO_K[1], distinct - 1)
    if top < K_RANGE[0] or n_personas > top:
        raise ParameterError.invalid("n_personas", "review", f"at most {max(top, 0)}: the {len(matrix)} "
                                     f"customers have {distinct} distinct profiles", n_personas)
    search = matrix
    if len(matrix) > clusters.SEARCH_SAMPLE:
        rows = np.random.default_rng(random_state).choice(len(matrix), clusters.SEARCH_SAMPLE, replace=False)
        search = matrix[rows]
    tried = []
    for k in [n_personas] if n_personas else range(AUTO_K[0], top + 1):
        trial = KMeans(n_clusters=k, n_init=clusters.N_INIT, random_state=random_state).fit(search)
        tried.append({"k": k, "silhouette": clusters.silhouette(search, trial.labels_),
                      "inertia": float(trial.inertia_)})
    silhouettes = pd.DataFrame(tried, columns=["k", "silhouette", "inertia"])
    k = n_personas or int(silhouettes.loc[silhouettes["silhouette"].fillna(-2).idxmax(), "k"])
    return silhouettes, KMeans(n_clusters=k, n_init=clusters.N_INIT, random_state=random_state).fit(matrix)


def assignments(study, quarter: Quarter | str | None = None) -> ibis.Table | None:
    """The persona of every customer (``customer_id``, ``group``) as step 3 saved it for ``quarter``.

    ``None`` when step 3 has not run for that quarter (the study's quarter by default).
    """
    period = study.quarter if quarter is None else Quarter.parse(str(quarter), "quarter", "assignments")
    file = measures.folder(study.workspace, period) / f"{TABLE}.parquet"
    if not file.exists():
        return None
    return study.engine.con.read_parquet(str(file)).select("customer_id", "group")


def save(study, review: PersonaReview):
    """Keep the review: the persona of every customer, and the personas in ``journey.yaml``.

    The data-origin personas of ``journey.yaml`` are replaced by the review's; workshop personas are kept,
    and so are the name of a matched persona and every text a workshop rewrote (``Persona.edited``). A data persona that no longer exists but that
    the map still refers to (``assumed_emotion``) is kept and reported in the review's warnings.
    Returns the path of the assignment table.
    """
    from .model import Persona, Text

    rows = review.personas.to_dict(orient="records")
    renamed: dict[str, str] = {}

    def change(journey):
        kept = [p for p in journey.personas if p.origin != "data"]
        taken = {p.id for p in kept}
        on_disk = {p.id: p for p in journey.personas}
        referenced = {key for tp in journey.touchpoints for key in tp.assumed_emotion}
        fresh = []
        for row in rows:
            persona_id = _unique(row["id"], taken) if row["id"] in taken else row["id"]
            renamed[row["id"]] = persona_id
            taken.add(persona_id)
            old = on_disk.get(row["previous"]) if isinstance(row["previous"], str) else None
            matched = old is not None and old.origin == "data"
            fields = {"name": old.name if matched else Text(en=row["name_en"], fr=row["name_fr"]),
                      **persona_text.persona_fields(row)}
            edited = list(old.edited) if matched else []
            fields.update({field: getattr(old, field) for field in edited})
            fresh.append(Persona(id=persona_id, origin="data", edited=edited, **fields))
        retired = [p for p in journey.personas if p.origin == "data" and p.id not in taken and p.id in referenced]
        for persona in retired:
            review.warnings.append(pick(study.lang, f"persona {persona.id!r} is no longer found in the data but "
                                        "the map refers to it (assumed emotions); it is kept in journey.yaml",
                                        f"le persona « {persona.id} » n'apparaît plus dans les données mais la "
                                        "carte s'y réfère (émotions supposées) ; il est conservé dans journey.yaml"))
        return journey.model_copy(update={"personas": kept + fresh + retired})

    study.workspace.update(change)
    table = review.assignment
    if any(old != new for old, new in renamed.items()):
        table = table.mutate(group=table.group.substitute(renamed))
    return measures.save_table(study.workspace, review.quarter, TABLE, table.order_by("customer_id"))


# --- clustering -------------------------------------------------------------------------------------------

def _check(n_personas, random_state, max_sample, n_bootstrap) -> None:
    def integer(value) -> bool:
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

    if not integer(n_personas) or not (n_personas == 0 or K_RANGE[0] <= n_personas <= K_RANGE[1]):
        raise ParameterError.invalid("n_personas", "review", "an int in [2, 12], or 0 to choose k by silhouette",
                                     n_personas)
    if not integer(random_state) or random_state < 0:
        raise ParameterError.invalid("random_state", "review", "an int >= 0", random_state)
    if not integer(max_sample) or max_sample < 100:
        raise ParameterError.invalid("max_sample", "review", "an int >= 100", max_sample)
    if not integer(n_bootstrap) or not 0 <= n_bootstrap <= 100:
        raise ParameterError.invalid("n_bootstrap", "review", "an int in [0, 100]", n_bootstrap)


# --- identity across quarters ------------------------------------------------------------------------------

def _match(study, cluster, personas, transformer, numbers, labels, model):
    """Each persona's id last quarter (or None), and the matching table (cluster, previous, shared, method)."""
    from scipy.optimize import linear_sum_assignment

    columns = ["cluster", "previous", "shared", "method"]
    empty = [None] * len(personas), pd.DataFrame(columns=columns)
    before = assignments(study, study.previous)
    if before is not None:
        joined = cluster.join(before, "customer_id")
        counts = joined.group_by(["cluster", "group"]).aggregate(n=lambda t: t.count()).execute()
        if counts.empty:
            return empty
        matrix = counts.pivot_table(index="cluster", columns="group", values="n", fill_value=0)
        rows, cols = linear_sum_assignment(-matrix.to_numpy())
        found = {}
        for r, c in zip(rows, cols):
            shared = matrix.iloc[r, c] / matrix.iloc[r].sum()  # of its returning customers, who had that persona
            kept = matrix.iloc[r, c] / matrix.iloc[:, c].sum()  # of that persona's returning customers, who are here
            if max(shared, kept) >= MIN_SHARED:
                found[int(matrix.index[r])] = (str(matrix.columns[c]), round(float(shared), 4))
        method = "customers"
    else:
        summary = measures.read_summary(study.workspace, study.previous, STEP)
        centres = (summary or {}).get("centres") or []
        if not centres:
            return empty
        old = np.array([_position(c, transformer, numbers, labels) for c in centres])
        new = model.cluster_centers_
        cost = np.sqrt(((new[:, None, :] - old[None, :, :]) ** 2).sum(axis=2))
        gaps = np.sqrt(((new[:, None, :] - new[None, :, :]) ** 2).sum(axis=2))
        limit = gaps[~np.eye(len(new), dtype=bool)].min() if len(new) > 1 else np.inf
        rows, cols = linear_sum_assignment(cost)
        found = {int(r): (centres[c]["id"], None) for r, c in zip(rows, cols) if cost[r, c] < limit}
        method = "centres"
    previous = [found.get(int(c), (None, None))[0] for c in personas["cluster"]]
    table = pd.DataFrame([{"cluster": int(c), "previous": found.get(int(c), (None, None))[0],
                           "shared": found.get(int(c), (None, None))[1], "method": method}
                          for c in personas["cluster"]], columns=columns)
    return previous, table


def _position(centre: dict, transformer, numbers, labels) -> np.ndarray:
    """A previous persona's centre (raw means and level shares) in this quarter's standardised space."""
    values = []
    if numbers:
        pipeline = transformer.named_transformers_["numbers"]
        for name, mean, scale in zip(numbers, pipeline[-1].mean_, pipeline[-1].scale_):
            raw = centre["numbers"].get(name)
            values.append(0.0 if raw is None else (raw - mean) / scale)
    if labels:
        encoder = transformer.named_transformers_["labels"][-1]
        for name, levels in zip(labels, encoder.categories_):
            shares = centre["labels"].get(name, {})
            values.extend(float(shares.get(str(level), 0.0)) for level in levels)
    return np.array(values)


def _centres(personas, traits, numbers, labels) -> list[dict]:
    result = []
    for _, persona in personas.iterrows():
        own = traits[traits["cluster"] == persona["cluster"]]
        plain = own[own["feature"].isin(numbers)]
        levels = own[own["feature"].isin(labels)]
        result.append({
            "id": persona["id"],
            "numbers": {f: (None if pd.isna(v) else round(float(v), 6))
                        for f, v in zip(plain["feature"], plain["value"])},
            "labels": {name: {str(lv): round(float(v), 6) for lv, v in zip(group["level"], group["value"])}
                       for name, group in levels.groupby("feature")},
        })
    return result


def _identify(study, personas: pd.DataFrame) -> pd.DataFrame:
    """Ids: last quarter's for matched personas, else a slug of the suggested English name."""
    existing = {p.id: p for p in study.journey.personas}
    taken = set(existing) | {p for p in personas["previous"] if isinstance(p, str)}
    ids, names_en, names_fr = [], [], []
    for _, row in personas.iterrows():
        if isinstance(row["previous"], str):
            persona_id = row["previous"]
            old = existing.get(persona_id)
            if old is not None and old.origin == "data":
                names_en.append(old.name.get("en"))
                names_fr.append(old.name.get("fr"))
            else:
                names_en.append(row["name_en"])
                names_fr.append(row["name_fr"])
        else:
            persona_id = _unique(_slug(row["name_en"]), taken)
            names_en.append(row["name_en"])
            names_fr.append(row["name_fr"])
        taken.add(persona_id)
        ids.append(persona_id)
    result = personas.assign(id=ids, name_en=names_en, name_fr=names_fr)
    known = result["previous"].map(lambda p: isinstance(p, str))
    result["previous"] = result["previous"].astype(object).where(known, None)
    first = ["id", "cluster", "name_en", "name_fr"]
    return result[first + [c for c in result.columns if c not in first]]


def _slug(text: str) -> str:
    """An id from a name.

    Examples
    --------
    >>> _slug("App-first, younger")
    'app_first_younger'
    """
    from .coerce import fold

    slug = re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")[:48].strip("_")
    return slug if slug[:1].isalpha() else f"persona_{slug}".strip("_")


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


from .persona_text import cards_html  # noqa: E402  (the printable cards live beside the texts they show)

__all__ = ["PersonaReview", "assignments", "cards_html", "review", "save"]
