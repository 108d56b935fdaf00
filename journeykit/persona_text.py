"""What the personas of step 3 say and how they are shown: names, goals, frustrations, quotes, cards.

- **Suggested name** (English and French): the persona's two strongest traits (largest |z-score| against all
  active customers, one per concept: activity, a channel, tenure, a plan...), e.g. "Mobile app-first,
  younger". A workshop renames it; the new name then survives every later quarter.
- **Goals and frustrations**: survey verbatims of the persona's customers are cut into sentences and scored
  with :func:`journeykit.sentiment.score_many`; positive sentences feed the goals, negative ones the
  frustrations. The phrases (1 to 3 words, not starting or ending with a stop word) that are most
  distinctive of the persona against the other personas, by the log-odds ratio with an informative
  Dirichlet prior (Monroe, Colaresi and Quinn, 2008; the prior is the pooled counts of all personas,
  scaled to an average persona; z > 1.96, used in 3 sentences or more), are kept, per
  language: the English card shows what English-speaking customers wrote, the French card what
  French-speaking ones wrote.
- **Quote**: the persona's comment that holds most of its distinctive phrases for its length, redacted
  with :func:`journeykit.privacy.redact`; none for a persona smaller than ``privacy.min_group_size``.
- **Cards**: :func:`cards_html`, self-contained HTML that prints on A4, every user text escaped.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter

import numpy as np
import pandas as pd

from .privacy import redact

STEP = "03_build_personas"
MIN_Z = 0.5  # a trait must stand out by at least half a standard deviation
MAX_COMMENTS = 1_000  # per persona: the verbatims read to find its phrases and quote
PHRASE_Z = 1.96
MIN_PHRASE = 3
N_PHRASES = 3
SENTIMENT = 0.05  # a sentence above scores as positive, below minus this as negative

_CONCEPTS = {"events": "activity", "active_days": "activity", "sessions": "activity"}
_WORDS = {  # feature -> {+1: (en, fr), -1: (en, fr)}
    "events": {1: ("very active", "très actifs"), -1: ("occasional", "occasionnels")},
    "active_days": {1: ("very active", "très actifs"), -1: ("occasional", "occasionnels")},
    "sessions": {1: ("very active", "très actifs"), -1: ("occasional", "occasionnels")},
    "events_per_session": {1: ("long sessions", "longues sessions"), -1: ("short visits", "visites brèves")},
    "furthest_stage": {1: ("far along the journey", "avancés dans le parcours"),
                       -1: ("early in the journey", "en début de parcours")},
    "tenure_days": {1: ("long-standing", "clients de longue date"), -1: ("newcomers", "nouveaux venus")},
    "monthly_value": {1: ("big baskets", "gros paniers"), -1: ("small budgets", "petits budgets")},
    "churned": {1: ("leaving", "sur le départ"), -1: ("loyal", "fidèles")},
    "nps_mean": {1: ("promoters", "promoteurs"), -1: ("detractors", "détracteurs")},
    "csat_mean": {1: ("satisfied", "satisfaits"), -1: ("dissatisfied", "insatisfaits")},
    "ces_mean": {1: ("struggling", "en difficulté"), -1: ("effortless", "sans effort")},
    "tickets": {1: ("often call support", "sollicitent le support")},
    "survey_answers": {1: ("vocal", "s'expriment volontiers")},
}
_AGE = {1: ("older", "plus âgés"), -1: ("younger", "plus jeunes")}
_PERCENT = ("share_", "churned")

_EN_STOP = frozenset("""a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing don down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our ours out over own same she should so some such than that the their theirs them then there
these they this those through to too under until up very was we were what when where which while who whom why
will with would you your yours i'm i've i'd it's that's there's you're we're they're can't won't didn't doesn't
isn't wasn't aren't weren't couldn't wouldn't shouldn't haven't hasn't hadn't get got really also even still much
many one two would could verdure""".split())
_FR_STOP = frozenset("""a à au aux avec ce ces cet cette c ça d dans de des du elle elles en et eu était été être
il ils j je l la le les leur leurs lui m ma mais me même mes moi mon n ne ni nos notre nous on ou où par pas pour
qu que qui s sa sans se ses si son sont sur t ta te tes toi ton tous tout toute toutes très tu un une vos votre
vous y est ai as avons avez ont suis es sommes êtes fait faire plus moins bien aussi alors car donc puis comme
quand déjà encore peu trop beaucoup chez été avoir avait avaient sera seront cela celui celle ceux celles
verdure""".split())
_ELISION = re.compile(r"\b(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCES = re.compile(r"(?<=[.!?…])\s+|\n+")


# --- names -------------------------------------------------------------------------------------------------

def traits_of(traits: pd.DataFrame, cluster: int, channel_names: dict, lang: str, most: int = 2) -> list[str]:
    """The strongest traits of a persona in words, one per concept, strongest first."""
    own = traits[(traits["cluster"] == cluster) & (traits["z"].abs() >= MIN_Z)]
    own = own.reindex(own["z"].abs().sort_values(ascending=False).index)
    words, concepts = [], set()
    for _, row in own.iterrows():
        word = _word(row, channel_names, lang)
        concept = _CONCEPTS.get(row["feature"], row["feature"])
        if word and concept not in concepts and word not in words:
            words.append(word)
            concepts.add(concept)
        if len(words) == most:
            break
    return words


def _word(row, channel_names: dict, lang: str) -> str | None:
    feature, sign = row["feature"], 1 if row["z"] > 0 else -1
    index = 0 if lang == "en" else 1
    if row["level"] is not None and not (isinstance(row["level"], float) and pd.isna(row["level"])):
        if sign < 0 or row["value"] < 0.4 or str(row["level"]).startswith("("):
            return None
        column = row[f"label_{lang}"].split(":")[0]
        return f"{row['level']} ({column})"
    if feature.startswith("share_"):
        if sign < 0:
            return None
        name = channel_names.get(feature.removeprefix("share_"), {}).get(lang, feature.removeprefix("share_"))
        return f"{name}-first" if lang == "en" else f"surtout {name.lower()}"
    if feature in _WORDS:
        pair = _WORDS[feature].get(sign)
        return pair[index] if pair else None
    if feature.startswith("attr_"):
        if feature.removeprefix("attr_") in ("age", "ages", "age_years", "age_ans"):
            return _AGE[sign][index]
        label = row[f"label_{lang}"]
        return (f"high {label}" if sign > 0 else f"low {label}") if lang == "en" else \
            (f"{label} élevé" if sign > 0 else f"{label} faible")
    return None


def suggested_names(traits: pd.DataFrame, clusters: list[int], channel_names: dict) -> dict[int, tuple[str, str]]:
    """A distinct (English, French) name per cluster from its strongest traits.

    Examples
    --------
    >>> traits = pd.DataFrame({"cluster": [0, 0, 1], "feature": ["share_app", "attr_age", "tenure_days"],
    ...     "level": [None] * 3, "value": [.7, 28, 900], "z": [1.6, -1.1, 1.2],
    ...     "label_en": ["", "age", "days"], "label_fr": ["", "âge", "jours"]})
    >>> names = suggested_names(traits, [0, 1], {"app": {"en": "Mobile app", "fr": "Application mobile"}})
    >>> names[0]
    ('Mobile app-first, younger', 'Surtout application mobile, plus jeunes')
    >>> names[1]
    ('Long-standing', 'Clients de longue date')
    """
    names, seen = {}, set()
    for cluster in clusters:
        for most in (2, 3, 4):
            en = traits_of(traits, cluster, channel_names, "en", most) or ["typical customers"]
            fr = traits_of(traits, cluster, channel_names, "fr", most) or ["clients types"]
            name = (_capital(", ".join(en)), _capital(", ".join(fr)))
            if name[0] not in seen:
                break
        number = 2
        while name[0] in seen:
            name = (f"{name[0]} {number}", f"{name[1]} {number}")
            number += 1
        seen.add(name[0])
        names[cluster] = name
    return names


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- verbatims ---------------------------------------------------------------------------------------------

def tokens(text: str, lang: str) -> list[tuple[str, str]]:
    """Lower-case words as (key, as written): French elisions are kept in what is shown, not in the key.

    Examples
    --------
    >>> tokens("Les rappels d'arrosage m'ont sauvé !", "fr")
    [('les', 'les'), ('rappels', 'rappels'), ('arrosage', "d'arrosage"), ('ont', "m'ont"), ('sauvé', 'sauvé')]
    """
    found = []
    for match in _WORD.finditer(text.lower().replace("’", "'")):
        word = match.group()
        elided = _ELISION.match(word) if lang == "fr" else None
        found.append((word[elided.end():] if elided and elided.end() < len(word) else word, word))
    return found


def phrases(words: list[tuple[str, str]], lang: str) -> dict[str, str]:
    """The 1- to 3-word phrases of a sentence that neither start nor end with a stop word: key -> as written.

    Examples
    --------
    >>> sorted(phrases(tokens("The care reminders saved my plants", "en"), "en"))  # doctest: +NORMALIZE_WHITESPACE
    ['care', 'care reminders', 'care reminders saved', 'plants', 'reminders', 'reminders saved', 'saved',
     'saved my plants']
    """
    stop = _FR_STOP if lang == "fr" else _EN_STOP
    found = {}
    for size in (1, 2, 3):
        for start in range(len(words) - size + 1):
            gram = words[start:start + size]
            keys = [key for key, _ in gram]
            if keys[0] in stop or keys[-1] in stop or max(len(k) for k in keys) < 3:
                continue
            found[" ".join(keys)] = " ".join(shown for _, shown in gram)
    return found


def distinctive(counts: pd.DataFrame, most: int = N_PHRASES) -> dict[int, list[tuple[str, float, int]]]:
    """Per group, its most distinctive phrases against the other groups: (phrase, z, sentences).

    ``counts`` has one row per group and one column per phrase (number of sentences using it). The z-score
    is the log-odds ratio with an informative Dirichlet prior: the pooled counts of all groups, scaled to
    weigh as much as an average group (Monroe, Colaresi and Quinn, 2008). A phrase
    gives way to a longer one that contains it and is used at least 60 % as often ("watering" to
    "watering reminders"); chosen phrases never overlap.

    Examples
    --------
    >>> counts = pd.DataFrame({"care": [40, 2, 3], "care reminders": [38, 1, 0], "price": [3, 45, 5],
    ...                        "rare plants": [2, 0, 30]}, index=["a", "b", "c"])
    >>> distinctive(counts)  # "care" (40 sentences) gives way to "care reminders" (38 >= 60 % of 40)
    {'a': [('care reminders', 5.52, 38)], 'b': [('price', 9.32, 45)], 'c': [('rare plants', 7.29, 30)]}
    """
    if counts.empty:
        return {}
    matrix = counts.to_numpy(dtype="float64")
    totals = matrix.sum(axis=0)
    prior = totals / len(counts)  # the informative prior: pooled counts, weighing as much as an average group
    prior_total = prior.sum()
    result = {}
    for row, group in enumerate(counts.index):
        own, rest = matrix[row], totals - matrix[row]
        n_own, n_rest = own.sum(), rest.sum()
        delta = (np.log((own + prior) / (n_own + prior_total - own - prior))
                 - np.log((rest + prior) / (n_rest + prior_total - rest - prior)))
        z = delta / np.sqrt(1 / (own + prior) + 1 / (rest + prior))
        candidates = {counts.columns[i]: (float(z[i]), int(own[i])) for i in np.flatnonzero(
            (z >= PHRASE_Z) & (own >= MIN_PHRASE))}
        chosen: list[tuple[str, float, int]] = []
        for phrase, (score, used) in sorted(candidates.items(), key=lambda item: (-item[1][0], item[0])):
            longer = [other for other, (_, n) in candidates.items()
                      if len(other) > len(phrase) and _overlap(phrase, other) and n >= 0.6 * used]
            if longer:
                phrase = max(longer, key=lambda other: (other.count(" "), candidates[other][1], other))
                score, used = candidates[phrase]
            if any(_overlap(phrase, other) for other, _, _ in chosen):
                continue
            chosen.append((phrase, round(score, 2), used))
            if len(chosen) == most:
                break
        result[group] = chosen
    return result


def _overlap(a: str, b: str) -> bool:
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def _verbatims(study, cluster) -> pd.DataFrame:
    """Up to :data:`MAX_COMMENTS` non-empty comments per persona: cluster, comment, language."""
    import ibis

    columns = ["cluster", "comment", "language"]
    if not study.has("survey"):
        return pd.DataFrame(columns=columns)
    survey = study.table("survey")
    survey = survey.filter(survey.comment.notnull() & (survey.comment.strip().length() > 0))
    joined = survey.join(cluster, "customer_id")
    key = joined.comment.concat("|", joined.customer_id).hash()
    ranked = joined.mutate(rank=ibis.row_number().over(ibis.window(group_by="cluster", order_by=key)))
    frame = ranked.filter(ranked["rank"] < MAX_COMMENTS).select(*columns).execute()
    return frame.sort_values(columns, ignore_index=True)


def _language(frame: pd.DataFrame) -> pd.Series:
    from .sentiment import detect_language

    known = frame["language"].where(frame["language"].isin(["en", "fr"]))
    missing = known.isna()
    if missing.any():
        known[missing] = [detect_language(text) for text in frame.loc[missing, "comment"]]
    return known


def voices(study, cluster, clusters: list[int]) -> dict:
    """Goals, frustrations and a quote per cluster and language, from the survey verbatims."""
    from .sentiment import score_many

    comments = _verbatims(study, cluster)
    empty = {c: {"goals": {"en": [], "fr": []}, "frustrations": {"en": [], "fr": []},
                 "quote": {"en": "", "fr": ""}} for c in clusters}
    if comments.empty:
        return empty
    comments["language"] = _language(comments)
    comments = comments[comments["language"].isin(["en", "fr"])].reset_index(drop=True)
    rows = [(c, index, sentence.strip(), lang) for index, (c, text, lang) in
            enumerate(zip(comments["cluster"], comments["comment"], comments["language"]))
            for sentence in _SENTENCES.split(text) if sentence.strip()]
    sentences = pd.DataFrame(rows, columns=["cluster", "comment", "sentence", "language"])
    sentences["score"] = score_many(sentences["sentence"], list(sentences["language"]))
    sentences["phrases"] = [phrases(tokens(s, lang), lang) for s, lang in zip(sentences["sentence"],
                                                                                 sentences["language"])]
    shown: dict[str, Counter] = {}
    for found in sentences["phrases"]:
        for key, written in found.items():
            shown.setdefault(key, Counter())[written] += 1
    for lang in ("en", "fr"):
        polarity = (("goals", sentences["score"] > SENTIMENT), ("frustrations", sentences["score"] < -SENTIMENT))
        for kind, keep in polarity:
            part = sentences[keep & (sentences["language"] == lang)]
            counts = _count(part, clusters)
            for c, found in distinctive(counts, most=20).items():
                found = _apart(found, part[part["cluster"] == c]["phrases"])
                empty[c][kind][lang] = [(shown[p].most_common(1)[0][0], z, n) for p, z, n in found]
        for c in clusters:
            own = comments[(comments["cluster"] == c) & (comments["language"] == lang)]
            terms = {p: z for p, z, _ in empty[c]["goals"][lang] + empty[c]["frustrations"][lang]}
            terms = {" ".join(key for key, _ in tokens(p, lang)): z for p, z in terms.items()}
            empty[c]["quote"][lang] = _quote(own["comment"], terms, lang)
    return empty


def _apart(found: list[tuple[str, float, int]], sentences: pd.Series, most: int = N_PHRASES) -> list:
    """The first ``most`` phrases that are separate ideas: two phrases found in the same sentences more
    than half of the time (fragments of one recurring sentence) count as one."""
    where = {phrase: set() for phrase, _, _ in found}
    for index, keys in enumerate(sentences):
        for phrase in where:
            if phrase in keys:
                where[phrase].add(index)
    chosen = []
    for item in found:
        mine = where[item[0]]
        if all(len(mine & where[other]) <= 0.5 * min(len(mine), len(where[other])) for other, _, _ in chosen):
            chosen.append(item)
        if len(chosen) == most:
            break
    return chosen


def _count(part: pd.DataFrame, clusters: list[int]) -> pd.DataFrame:
    counters = {c: Counter() for c in clusters}
    for c, found in zip(part["cluster"], part["phrases"]):
        counters[c].update(found.keys())
    frame = pd.DataFrame.from_dict(counters, orient="index").fillna(0)
    return frame.reindex(clusters).fillna(0)


def _quote(comments: pd.Series, terms: dict[str, float], lang: str) -> str:
    """The comment carrying most of the persona's distinctive phrases for its length (30 to 300 characters)."""
    best, best_score = "", -1.0
    for text in sorted(set(comments)):
        clean = redact(" ".join(text.split()), lang) or ""
        if not 30 <= len(clean) <= 300:
            continue
        words = tokens(clean, lang)
        own = set(phrases(words, lang))
        score = sum(z for phrase, z in terms.items() if phrase in own) / math.sqrt(len(words) + 5)
        if score > best_score or (score == best_score and len(clean) < len(best)):
            best, best_score = clean, score
    return best


def add_texts(study, personas: pd.DataFrame, traits: pd.DataFrame, cluster, channel_names: dict) -> pd.DataFrame:
    """The personas frame with suggested names, goals, frustrations, quotes and descriptions."""
    clusters = [int(c) for c in personas["cluster"]]
    names = suggested_names(traits, clusters, channel_names)
    said = voices(study, cluster, clusters)
    result = personas.copy()
    small = result["suppressed"].to_numpy()
    for lang, index in (("en", 0), ("fr", 1)):
        group = "Small group" if lang == "en" else "Petit groupe"
        result[f"name_{lang}"] = [f"{group} {n + 1}" if hidden else names[c][index]
                                  for n, (c, hidden) in enumerate(zip(clusters, small))]
        result[f"suggested_{lang}"] = result[f"name_{lang}"]
        for kind in ("goals", "frustrations"):
            result[f"{kind}_{lang}"] = [[] if hidden else [p for p, _, _ in said[c][kind][lang]]
                                        for c, hidden in zip(clusters, small)]
        result[f"quote_{lang}"] = ["" if hidden else said[c]["quote"][lang] for c, hidden in zip(clusters, small)]
        result[f"traits_{lang}"] = [[] if hidden else traits_of(traits, c, channel_names, lang, 4)
                                    for c, hidden in zip(clusters, small)]
        result[f"description_{lang}"] = [
            _description(row, lang, str(study.quarter), channel_names, study.journey.privacy.min_group_size)
            for _, row in result.iterrows()]
    return result


def _number(value: float, lang: str, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",") if lang == "fr" else text


def _percent(value: float, lang: str) -> str:
    return f"{_number(100 * value, lang)} %" if lang == "fr" else f"{_number(100 * value, lang)}%"


def template(key: str, lang: str, **values: object) -> str:
    """A plain text of the step's narrative (no escaping: for journey.yaml, tables, and escaped HTML)."""
    from .narrative import texts

    return texts(STEP)[key][lang].format(**values)


def _description(row, lang: str, quarter: str, channel_names: dict, minimum: int) -> str:
    if row["suppressed"]:
        return template("persona_small", lang, minimum=minimum, quarter=quarter)
    channels = ", ".join(channel_names.get(c, {}).get(lang, c) for c in row["channels"]) or "-"
    values = {
        "customers": _number(row["customers"], lang), "share": _percent(row["share"], lang), "quarter": quarter,
        "traits": ", ".join(row[f"traits_{lang}"]) or "-", "channels": channels,
        "churn": "-" if pd.isna(row["churn_rate"]) else _percent(row["churn_rate"], lang),
        "value": "-" if pd.isna(row["monthly_value"]) else _number(row["monthly_value"], lang, 2),
        "nps": "-" if pd.isna(row["nps"]) or row["nps_answers"] < minimum else f"{row['nps']:+.0f}",
    }
    return template("persona_description", lang, **values)


def persona_fields(row: dict) -> dict:
    """The fields of a :class:`journeykit.model.Persona` for one row of ``PersonaReview.personas``."""
    from .model import Text

    def pair(en: str, fr: str) -> Text:
        return Text(en=en or "", fr=fr or "")

    goals = [pair(en, fr) for en, fr in _zip_longest(row["goals_en"], row["goals_fr"])]
    frustrations = [pair(en, fr) for en, fr in _zip_longest(row["frustrations_en"], row["frustrations_fr"])]
    return {
        "description": pair(row["description_en"], row["description_fr"]),
        "goals": goals, "frustrations": frustrations,
        "quote": pair(row["quote_en"], row["quote_fr"]),
        "share": None if row["suppressed"] else round(float(row["share"]), 4),
    }


def _zip_longest(a: list, b: list) -> list[tuple]:
    size = max(len(a), len(b))
    return [(a[i] if i < len(a) else "", b[i] if i < len(b) else "") for i in range(size)]


# --- cards -------------------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 12mm; }
.jk-persona-cards { font-family: Helvetica, Arial, sans-serif; color: #222; }
.jk-cards { display: grid; grid-template-columns: repeat(2, 1fr); gap: 6mm; }
.jk-card { border: 1px solid #c9d6e3; border-top: 6px solid #1b6ca8; border-radius: 6px; padding: 4mm 5mm;
  break-inside: avoid; page-break-inside: avoid; font-size: 10.5pt; }
.jk-card h2 { font-size: 14pt; margin: 0 0 1mm 0; }
.jk-card .jk-share { color: #555; margin-bottom: 2mm; }
.jk-card .jk-bar { height: 5px; background: #e6eef6; border-radius: 3px; margin-bottom: 3mm; }
.jk-card .jk-bar span { display: block; height: 5px; background: #1b6ca8; border-radius: 3px; }
.jk-card h3 { font-size: 10pt; text-transform: uppercase; letter-spacing: .04em; color: #1b6ca8; margin: 3mm 0 1mm; }
.jk-card ul { margin: 0; padding-left: 5mm; }
.jk-card table { border-collapse: collapse; width: 100%; }
.jk-card td { padding: .5mm 1mm; border-bottom: 1px solid #eee; }
.jk-card td.jk-num { text-align: right; white-space: nowrap; }
.jk-card blockquote { margin: 2mm 0 0; padding: 1mm 3mm; border-left: 3px solid #f28e2b; font-style: italic; }
.jk-note { color: #777; font-size: 9pt; margin-top: 3mm; }
@media print { .jk-cards { grid-template-columns: repeat(2, 1fr); } }
"""


def cards_html(review, lang: str = "en") -> str:
    """Printable persona cards (A4, two per row) as one self-contained HTML fragment; user text escaped."""
    if lang not in ("en", "fr"):
        raise ValueError(f"lang must be 'en' or 'fr'. Got {lang!r} instead.")

    def label(key: str, **values) -> str:
        return html.escape(template(key, lang, **values))

    cards = []
    for _, row in review.personas.iterrows():
        name = html.escape(str(row[f"name_{lang}"]))
        share = _percent(row["share"], lang)
        head = (f'<h2>{name}</h2><div class="jk-share">{html.escape(_number(row["customers"], lang))} '
                f'{label("card_customers")} · {html.escape(share)}</div>'
                f'<div class="jk-bar"><span style="width:{100 * float(row["share"]):.1f}%"></span></div>')
        if row["suppressed"]:
            cards.append(f'<section class="jk-card">{head}<p>{html.escape(row[f"description_{lang}"])}</p></section>')
            continue
        body = [head, f'<p>{html.escape(row[f"description_{lang}"])}</p>', f"<h3>{label('card_traits')}</h3>",
                _trait_table(review, row["cluster"], lang)]
        for kind in ("goals", "frustrations"):
            items = row[f"{kind}_{lang}"] or row[f"{kind}_{'fr' if lang == 'en' else 'en'}"]
            if items:
                body.append(f"<h3>{label('card_' + kind)}</h3><ul>"
                            + "".join(f"<li>{html.escape(str(item))}</li>" for item in items) + "</ul>")
        quote = row[f"quote_{lang}"] or row[f"quote_{'fr' if lang == 'en' else 'en'}"]
        if quote:
            body.append(f"<h3>{label('card_quote')}</h3><blockquote>{html.escape(quote)}</blockquote>")
        cards.append(f'<section class="jk-card">{"".join(body)}</section>')
    note = label("card_note", quarter=review.quarter, n_customers=_number(review.n_customers, lang),
                 n_sample=_number(review.n_sample, lang), k=review.k)
    return (f'<div class="jk-persona-cards"><style>{_CSS}</style><div class="jk-cards">{"".join(cards)}</div>'
            f'<p class="jk-note">{note}</p></div>')


def _trait_table(review, cluster: int, lang: str, most: int = 5) -> str:
    traits = review.traits
    own = traits[(traits["cluster"] == cluster) & (traits["z"].abs() >= MIN_Z)]
    own = own.reindex(own["z"].abs().sort_values(ascending=False).index)
    concept = own["feature"].map(lambda f: _CONCEPTS.get(f, f)) + own["level"].map(lambda v: f"={v}")
    own = own[~concept.duplicated()].head(most)  # "events", "active days" and "sessions" say one thing
    rows = []
    for _, row in own.iterrows():
        arrow = "▲" if row["z"] > 0 else "▼"
        percent = row["level"] is not None and not (isinstance(row["level"], float) and pd.isna(row["level"])) \
            or row["feature"].startswith(_PERCENT)
        show = (lambda v: _percent(v, lang)) if percent else (lambda v: _number(v, lang, 1))
        everyone = "tous" if lang == "fr" else "all"
        rows.append(f'<tr><td>{arrow} {html.escape(str(row[f"label_{lang}"]))}</td>'
                    f'<td class="jk-num">{html.escape(show(row["value"]))}</td>'
                    f'<td class="jk-num">({everyone} {html.escape(show(row["population"]))})</td></tr>')
    return "<table>" + "".join(rows) + "</table>" if rows else ""
