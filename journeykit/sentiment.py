"""Offline sentiment of customer verbatims in English and French, on a -1..+1 scale.

English goes through VADER (``vaderSentiment``) with a small customer-experience lexicon on top
(``data/lexicon_en_cx.tsv``: "on time", "no issues", "overcharged"...). French goes through rules in VADER's
spirit over a lexicon written for journeykit (``data/lexicon_fr.tsv``, about 1,250 entries): accents and case
are ignored, elisions are split (``l'``, ``d'``, ``n'``...), feminine, plural and regular conjugated forms are
derived from each lemma, and negation, intensifiers, ``mais`` contrasts, conditionals ("ce serait bien"),
fixed expressions ("rien à redire", "à éviter"), emoticons and exclamation marks change the score. Both end
with VADER's normalisation ``x / sqrt(x**2 + 15)``. Nothing is downloaded: the lexicons ship with the
package and are read on first use.

Examples
--------
>>> score("Delivery on time, no issues at all!") > 0
True
>>> score("Livraison en retard et service client injoignable") < 0 < score("Rien à redire")
True
>>> detect_language("Le personnel était très aimable"), detect_language("The staff were lovely")
('fr', 'en')
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

import numpy as np

from .errors import ParameterError

__all__ = ["detect_language", "score", "score_many"]

LANGS = ("en", "fr")

# VADER's constants (Hutto & Gilbert, 2014), reused so that both languages share one scale.
_N_SCALAR = -0.74  # a negated word keeps 74 % of its strength, with the opposite sign
_B_INCR = 0.293  # what an intensifier adds to (a dampener takes from) the next sentiment word
_C_INCR = 0.733  # emphasis of an ALL-CAPS word in mixed-case text
_ALPHA = 15.0  # compound = x / sqrt(x**2 + alpha)
# French rules of journeykit's own.
_TOO_MUCH = -1.5  # "trop" before a word without clear valence: "trop petit", "trop de monde"
_NOT_ENOUGH = -1.2  # "pas assez" before such a word: "pas assez de choix"
_CONTRAST_BEFORE, _CONTRAST_AFTER = 0.5, 1.5  # VADER's weights around "but", used for "mais"

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
_ELISIONS = {"l": "le", "d": "de", "n": "ne", "j": "je", "qu": "que", "c": "ce", "s": "se", "m": "me",
             "t": "te", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque", "quoiqu": "quoique"}
_TOKEN = re.compile(r"""
      (?P<rating>(?<![\d/])\d+(?:[.,]\d+)?\s*/\s*(?:5|10|20|100)(?![\d/]))
    | (?P<emo>(?<![\w:])(?:[:;=][-']?[()\[\]dDpP/\\|@*]+|<3+|\^_?\^|[xX][dD]+)(?!\w))
    | (?P<emoji>[\u2600-\u27bf\U0001f300-\U0001faff])
    | (?P<word>[^\W\d_]+'?)
    | (?P<punct>[.!?;:,()\n]|\u2026)
""", re.VERBOSE)

# French function words, folded (no accents). Negators reverse the next sentiment word within 3 words.
_NEGATORS = frozenset("ne pas jamais aucun aucune sans rien ni non guere peu pas_assez manque manquait "
                      "manquent manquaient manquer absence".split())
_BOOSTERS = {w: _B_INCR for w in (
    "tres trop vraiment super hyper ultra archi mega extremement tellement si vachement totalement "
    "completement absolument particulierement enormement beaucoup reellement franchement carrement "
    "entierement incroyablement terriblement profondement largement amplement bien du_tout").split()}
_BOOSTERS.update({w: -_B_INCR for w in
                  "assez plutot un_peu quelque_peu legerement relativement un_brin presque pas_assez".split()})
_BIGRAMS = {("un", "peu"), ("quelque", "peu"), ("du", "tout"), ("pas", "assez"), ("un", "brin"),
            ("par", "contre"), ("en", "revanche")}
_CONTRAST = frozenset("mais cependant toutefois neanmoins pourtant par_contre en_revanche".split())
_CLAUSE_BREAKS = _CONTRAST | {"et", "ou", "car", "donc", "puis", "sauf"}
_CONDITIONALS = frozenset(
    "aurait aurais auraient aurions serait serais seraient serions faudrait pourrait pourrais pourraient "
    "devrait devrais devraient aimerais aimerait aimerions aimeraient souhaiterais souhaiterait "
    "souhaiterions voudrais voudrait voudrions prefererais prefererait".split())
_AFTER_VERB_NEGATORS = frozenset("pas jamais plus rien guere".split())
_EQUALLY = frozenset("aussi si autant tellement".split())  # "jamais vu aussi sale": intensifies
_SENTENCE_ENDS = frozenset(".!?;\n\u2026")

_FR_FUNCTION_WORDS = frozenset(
    "le la les un une des du de et est sont etait etaient ete etre avec dans pour par sur pas ne que qui "
    "tres trop tout tous toute toutes mais ou nous vous ils elle elles je tu il ce cet cette ces mon ma mes "
    "ton ta tes sa ses notre nos votre vos leur leurs au aux en se lui chez sans sous rien bien moins aussi "
    "avons avez ont ai avait avaient fait peu beaucoup deja encore toujours jamais aucun aucune car donc "
    "comme quand alors puis ca cela ceci voila apres avant vraiment plus si ni non".split())
_EN_FUNCTION_WORDS = frozenset(
    "the and is was were are be been being to of in it its that this these those with for not no very but "
    "have has had having my we you your they their them our us i me he she his her would will can could "
    "should there what which who from at by as an or so all just when get got did do does if then than also "
    "too much more about after because any some only really again still how why where here out up over into "
    "nothing".split())
# Frequent words of other languages found in multilingual review exports (es, it, pt, de, nl, da, sv, tr, ro), none
# of them a common English or French word, letters French and English never use, and words in other
# scripts: when they dominate, the text is neither English nor French.
_OTHER_FUNCTION_WORDS = frozenset(
    "el los las del por pero para con muy esta este estaba fue es una unos tambien habitacion ubicacion "
    "desayuno limpieza todo nada bueno buena gli della dello delle degli dei nella nel alla per ed erano "
    "questo questa ho abbiamo siamo stato stata molto sono anche tutto niente bagno colazione stanza camere "
    "personale ottimo ottima pulizia posizione buono bella os muito nao bem ao pela pelo foi quarto tudo bom "
    "boa pequeno der das und ist sehr mit nicht zu ein eine fur auf im wir uns hat haben nur auch aber leider "
    "kein keine dem den zum zur vom bei von sind noch zimmer fruhstuck lage gute sauber freundlich het een "
    "niet erg zeer voor kamer kamers ontbijt locatie personeel schoon goed mooi heel ook maar geen naar bij "
    "lo su al mucho mucha hay habia cama ubicado e po piccolo piccola letto doccia struttura op ligging "
    "uitzicht zijn waren dat og ikke meget och inte mycket ve bir cok icin ile oda cu nu foarte".split())
_OTHER_LETTERS = re.compile("[áíóúñãõòìßäöåøæşğăţțșěřůýčšžłąęńőű]")  # matched on lower-case text
_EN_CONTRACTIONS = re.compile(r"\b\w+(?:n't|'s|'m|'re|'ve|'ll|'d)\b|\bi\b", re.IGNORECASE)
_EN_SPELLING = re.compile(r"w|k|th|sh|(?:ing|ed|ght|y)$")  # on folded words; rare in French
_FR_SPELLING = re.compile(r"(?:eau|eux|ette|aux|ee)s?$")
_ACCENTED = re.compile("[éèêëàâùûôîïçœ]", re.IGNORECASE)


def detect_language(text: str) -> str | None:
    """Guess whether ``text`` is English or French from function words, elisions and accents.

    Returns ``"en"``, ``"fr"``, or ``None`` when there is no evidence either way (empty text, a number, a
    word shared by both languages such as "super" or "ok").

    Examples
    --------
    >>> detect_language("Rien"), detect_language("Nothing"), detect_language("L'emplacement")
    ('fr', 'en', 'fr')
    >>> detect_language("Parfait"), detect_language("Great"), detect_language("OK"), detect_language("")
    ('fr', 'en', None, None)
    """
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.translate(_APOSTROPHES)
    tokens = [_fold(m.group()).rstrip("'") for m in re.finditer(r"[^\W\d_]+'?", text.lower())]
    elided = sum(1 for m in re.finditer(r"\b(?:[ldnjcsmt]|qu)'[^\W\d_]", text, re.IGNORECASE))
    french = sum(t in _FR_FUNCTION_WORDS for t in tokens) + 1.5 * elided  # Italian elides too
    french += 0.5 * min(len(_ACCENTED.findall(text)), 4)
    english = sum(t in _EN_FUNCTION_WORDS for t in tokens) + 2 * len(_EN_CONTRACTIONS.findall(text))
    other = sum(t in _OTHER_FUNCTION_WORDS or not t.isascii() for t in tokens)  # Cyrillic, Hebrew, CJK...
    other += min(len(_OTHER_LETTERS.findall(text.lower())), 4)
    if other >= max(french, english) and other:
        return None  # Spanish, Italian, German...
    if french == english:  # no function word: fall back on the sentiment lexicons, then on spelling
        lexicon_fr, lexicon_en = _french_lexicon().folded, _vader().lexicon
        french = sum(t in lexicon_fr and t not in lexicon_en for t in tokens)
        english = sum(t in lexicon_en and t not in lexicon_fr for t in tokens)
        if french == english:
            french = sum(len(t) > 3 and bool(_FR_SPELLING.search(t)) for t in tokens)
            english = sum(len(t) > 3 and bool(_EN_SPELLING.search(t)) for t in tokens)
    if french == english:
        return None
    return "fr" if french > english else "en"


def score(text: str | None, lang: str | None = None) -> float:
    """Compound sentiment of one verbatim, from -1 (very negative) to +1 (very positive).

    Parameters
    ----------
    text : str or None
        The verbatim. Empty, blank or missing text scores NaN.
    lang : {"en", "fr"} or None
        Its language; None detects it with :func:`detect_language`. When detection finds no evidence,
        the text is scored in both languages and the non-zero scores are averaged.

    Examples
    --------
    >>> round(score("Service impeccable, je recommande !"), 3)
    0.827
    >>> score("pas satisfait") < 0 < score("satisfait") < score("très satisfait")
    True
    >>> score("The app keeps crashing and support never replied", "en") < 0
    True
    >>> import math; math.isnan(score("   "))
    True
    """
    if lang is not None and lang not in LANGS:
        raise ParameterError.invalid("lang", "score", "'en', 'fr' or None", lang)
    if not isinstance(text, str) or not text.strip():
        return math.nan
    lang = lang or detect_language(text)
    if lang == "en":
        return _score_en(text)
    if lang == "fr":
        return _score_fr(text)
    both = [s for s in (_score_en(text), _score_fr(text)) if s != 0.0]
    return sum(both) / len(both) if both else 0.0


def score_many(texts: Iterable[str | None], langs: str | Iterable[str | None] | None = None) -> np.ndarray:
    """:func:`score` of every text, as a float array with NaN where a text is empty or missing.

    Parameters
    ----------
    texts : iterable of str or None
        The verbatims: a list, a pandas Series, an array.
    langs : {"en", "fr"}, iterable of them, or None
        None detects each text's language; one language applies to all texts; an iterable gives one
        language (or None) per text.

    Examples
    --------
    >>> score_many(["Très bon accueil", None, "Terrible service"]).round(2)
    array([ 0.58,   nan, -0.36])
    """
    texts = list(texts)
    if langs is None or isinstance(langs, str):
        langs = [langs] * len(texts)
    else:
        langs = list(langs)
        if len(langs) != len(texts):
            raise ParameterError.invalid("langs", "score_many", f"None, 'en', 'fr' or {len(texts)} values "
                                         "(one per text)", f"{len(langs)} values")
    return np.array([score(t, lang) for t, lang in zip(texts, langs)], dtype=float)


def _normalize(total: float) -> float:
    return max(-1.0, min(1.0, total / math.sqrt(total * total + _ALPHA)))


def _punctuation_emphasis(text: str) -> float:
    """VADER's emphasis: 0.292 per '!' (up to 4); 0.18 per '?' when there are 2 or 3, 0.96 beyond."""
    questions = text.count("?")
    emphasis = min(text.count("!"), 4) * 0.292
    if questions >= 2:
        emphasis += 0.18 * questions if questions <= 3 else 0.96
    return emphasis


@lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    """Lower case without accents: 'Été' -> 'ete', 'cœur' -> 'coeur'."""
    word = word.lower()
    if word.isascii():
        return word
    word = word.replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _read_tsv(name: str) -> list[list[str]]:
    text = files("journeykit").joinpath("data", name).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return rows[1:]  # the first row names the columns


# --- English -------------------------------------------------------------------------------------------

@cache
def _vader():
    """VADER's analyser, created on first use, with journeykit's customer-experience terms added."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update({term.replace(" ", "_").lower(): float(value) for term, value in _english_cx()})
    return analyzer


@cache
def _english_cx() -> tuple[tuple[str, str], ...]:
    return tuple((row[0], row[1]) for row in _read_tsv("lexicon_en_cx.tsv"))


@cache
def _english_phrases() -> re.Pattern:
    phrases = sorted((t for t, _ in _english_cx() if " " in t), key=len, reverse=True)
    pattern = "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases)
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


def _score_en(text: str) -> float:
    text = _english_phrases().sub(lambda m: "_".join(m.group().lower().split()), text.translate(_APOSTROPHES))
    return float(_vader().polarity_scores(text)["compound"])


# --- French --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    valence: float
    negated: float | None = None  # valence when negated, when it is not valence * -0.74
    finite: bool = False  # a conjugated verb, which a following "pas" negates: "j'aime pas"


@dataclass(frozen=True)
class _Lexicon:
    exact: dict[str, _Entry]  # lower-case forms, with accents
    folded: dict[str, _Entry]  # the same forms without accents, for text typed without them
    idioms: dict[str, list[tuple[tuple[str, ...], _Entry, bool]]]  # first word -> (words, entry, immune)


@dataclass
class _Item:
    kind: str  # word, idiom, emo, rating, punct
    key: str  # folded word, or words joined by "_"
    raw: str
    entry: _Entry | None = None
    immune: bool = False  # an expression that carries its own negation: "pas de souci"


def _tokenize(text: str) -> list[tuple[str, str, str, str]]:
    """(kind, text, lower-case text, folded text) of every word, emoticon, rating and punctuation mark."""
    tokens = []
    for m in _TOKEN.finditer(text.translate(_APOSTROPHES)):
        kind, raw = m.lastgroup, m.group()
        if kind == "word" and (raw.endswith("'") or raw.lower() in _ELISIONS):  # "n'est", also "n est"
            raw = raw.rstrip("'")
            raw = _ELISIONS.get(raw.lower(), raw)
        low = raw.lower().replace("œ", "oe").replace("æ", "ae")
        tokens.append((kind, raw, low, _fold(low) if kind == "word" else low))
    return tokens


def _inflections(lemma: str) -> tuple[list[str], list[str]]:
    """(feminine and plural forms, conjugated forms) of a French lemma, by the regular patterns."""
    w = lemma
    if w.endswith("eux"):
        agree = [w[:-1] + "se", w[:-1] + "ses"]
    elif w.endswith("eur"):
        agree = [w + "s", w[:-1] + "se", w[:-1] + "ses"]
    elif w.endswith("if"):
        agree = [w + "s", w[:-1] + "ve", w[:-1] + "ves"]
    elif w.endswith("al"):
        agree = [w + "e", w + "es", w + "s", w[:-1] + "ux"]
    elif w.endswith(("el", "en", "on", "et")):
        agree = [w + "s", w + w[-1] + "e", w + w[-1] + "es", w + "e", w + "es"]
    elif w.endswith(("eau", "eu")):
        agree = [w + "x", w + "s"]
    elif w.endswith(("s", "x")):
        agree = [w + "e", w + "es"]
    elif w.endswith("e"):
        agree = [w + "s"]
    else:
        agree = [w + "e", w + "s", w + "es"]
    stem, finite, participles = w[:-2], [], []
    if len(stem) >= 3 and w.endswith("er"):
        finite = [stem + e for e in ("e", "es", "ent", "ons", "ez", "ais", "ait", "aient", "ions", "iez", "a",
                                     "ai", "as", "erai", "eras", "era", "erons", "erez", "eront", "erais",
                                     "erait")]
        participles = [stem + e for e in ("é", "ée", "és", "ées", "er", "ant")]
        if stem.endswith(("oy", "uy", "ay")):
            finite += [stem[:-1] + "i" + e for e in ("e", "es", "ent", "erai", "era", "erait")]
    elif len(stem) >= 3 and w.endswith("ir") and not w.endswith(("air", "oir")):
        finite = [stem + e for e in ("is", "it", "issons", "issez", "issent", "issait", "issaient", "ira",
                                     "irai", "iront", "e", "es", "ent", "ons", "ez", "ait", "aient")]
        participles = [stem + e for e in ("i", "ie", "is", "ies", "issant")]
    elif len(stem) >= 3 and w.endswith("dre"):  # attendre, répondre, perdre; others are listed
        finite = [stem + e for e in ("s", "", "ons", "ez", "ent", "ais", "ait", "aient", "ra", "rai", "ront")]
        participles = [stem + e for e in ("u", "ue", "us", "ues", "ant")]
    return agree + participles, finite


@cache
def _french_lexicon() -> _Lexicon:
    exact: dict[str, _Entry] = {}
    idioms: dict[str, list] = {}
    rows = _read_tsv("lexicon_fr.tsv")
    for row in rows:
        lemma, entry = row[0].lower(), _Entry(float(row[1]), float(row[2]) if len(row) > 2 and row[2] else None)
        if " " not in lemma:
            exact[lemma.replace("œ", "oe")] = entry
            continue
        words: list[str] = []
        for part in lemma.split():  # tokenised like the text: "n'importe" -> ("ne", "importe")
            words += [_fold(part)] if part.endswith("*") else [t[3] for t in _tokenize(part)]
        immune = any(w in _NEGATORS for w in words)
        idioms.setdefault(words[0].rstrip("*")[:4], []).append((tuple(words), entry, immune))
    for finite in (False, True):  # regular forms, never overriding a form listed in the lexicon itself
        for row in rows:
            lemma = row[0].lower().replace("œ", "oe")
            if " " in lemma or not lemma.isalpha():
                continue
            entry = exact[lemma]
            forms = _inflections(lemma)[finite]
            for form in forms:
                if _fold(form) not in _FR_FUNCTION_WORDS:  # 'plu' + 's' is not 'plus'
                    exact.setdefault(form, _Entry(entry.valence, entry.negated, finite))
    folded: dict[str, _Entry] = {}
    for form, entry in exact.items():  # a form spelt without accents wins its folded key: 'sale' over 'salé'
        key = _fold(form)
        if key not in _FR_FUNCTION_WORDS and (key not in folded or key == form):
            folded[key] = entry
    for group in idioms.values():
        group.sort(key=lambda idiom: -len(idiom[0]))
    return _Lexicon(exact, folded, idioms)


def _match(tokens: list[tuple[str, str, str, str]], lexicon: _Lexicon) -> list[_Item]:
    """Group tokens into items: fixed expressions first (longest), then function bigrams, then words."""
    items, i = [], 0
    while i < len(tokens):
        kind, raw, low, key = tokens[i]
        item, length = None, 1
        if kind != "word":
            item = _Item(kind, key, raw, lexicon.exact.get(key))
        for words, entry, immune in lexicon.idioms.get(key[:4], ()) if kind == "word" else ():
            span = tokens[i:i + len(words)]
            if len(span) == len(words) and all(
                    t[0] == "word" and (t[3] in (w, w + "s", w + "x")
                                        or (w.endswith("*") and t[3].startswith(w[:-1])))
                    for t, w in zip(span, words)):
                item, length = _Item("idiom", "_".join(words), " ".join(t[1] for t in span), entry, immune), len(words)
                break
        if item is None and i + 1 < len(tokens) and (key, tokens[i + 1][3]) in _BIGRAMS:
            item, length = _Item("word", f"{key}_{tokens[i + 1][3]}", f"{raw} {tokens[i + 1][1]}"), 2
        if item is None:
            item = _Item("word", key, raw, lexicon.exact.get(low) or lexicon.folded.get(key))
        items.append(item)
        i += length
    return items


def _rating(raw: str) -> float:
    """'9/10' -> +1.5, '3/5' -> 0.0, '2/10' -> -2.0: a mark out of 5, 10, 20 or 100 read as a valence."""
    mark, scale = (float(part.strip().replace(",", ".")) for part in raw.split("/"))
    return max(-3.0, min(3.0, (mark / scale - 0.6) * 5))


def _score_fr(text: str) -> float:
    items = _match(_tokenize(text), _french_lexicon())
    n_items = len(items)
    words = [it for it in items if it.kind in ("word", "idiom")]
    caps_differ = 0 < sum(it.raw.isupper() for it in words) < len(words)

    def before(i: int, n: int = 3) -> list[int]:
        """Indices of up to n items before item i in the same clause, nearest first."""
        out = []
        for j in range(i - 1, max(i - 1 - n, -1), -1):
            if items[j].kind == "punct" or items[j].key in _CLAUSE_BREAKS:
                break
            out.append(j)
        return out

    def next_word(i: int) -> _Item | None:
        """The item after item i, skipping 'de' ("trop de bruit")."""
        j = i + 1 + (i + 1 < n_items and items[i + 1].key == "de")
        return items[j] if j < n_items else None

    def next_valence(i: int) -> float:
        nxt = next_word(i)
        return nxt.entry.valence if nxt is not None and nxt.entry is not None else 0.0

    # Which items modify the next sentiment word instead of carrying sentiment themselves.
    boosters = set()
    for i, it in enumerate(items):
        if it.key in ("trop", "pas_assez"):  # before a word without clear valence, they carry their own
            if next_valence(i) > 0.5:
                boosters.add(i)
        elif it.key == "super" or it.key == "bien":
            nxt = next_word(i)
            if nxt is not None and (nxt.key in ("trop", "plus", "moins", "meilleur", "mieux", "pire")
                                    or (it.key == "super" and next_valence(i))):
                boosters.add(i)
        elif it.key in _BOOSTERS and it.entry is None:
            boosters.add(i)

    valences = []
    for i, it in enumerate(items):
        v, prev = 0.0, before(i)
        keys = [items[j].key for j in prev]
        negated = any(k in _NEGATORS for k in keys)
        if it.kind == "rating":
            v = _rating(it.raw)
        elif i in boosters or it.key in _CONDITIONALS:
            pass
        elif it.entry is None:
            if it.key == "trop" and not next_valence(i):
                v = _TOO_MUCH * (_N_SCALAR if negated else 1.0)
            elif it.key == "pas_assez" and next_valence(i) <= 0.5:
                v = _NOT_ENOUGH
        elif it.entry.valence:
            v = it.entry.valence
            if caps_differ and it.raw.isupper() and len(it.raw) > 1:
                v += math.copysign(_C_INCR, v)
            too = i - 1 - (i > 1 and items[i - 1].key == "de")
            if too >= 0 and items[too].key == "trop" and v <= 0.5:  # "trop long", "trop de bruit"
                v = min(min(v, 0.0) - 1.0, _TOO_MUCH)
            for distance, j in enumerate(prev):
                if j in boosters:
                    v += _BOOSTERS[items[j].key] * (1.0, 0.95, 0.9)[distance] * (1 if v > 0 else -1)
            if keys and keys[0] == "mal" and v > 0:  # "mal entretenu": "mal" carries the negative
                v = 0.0
            if keys and keys[0] == "moins":  # "moins cher", "moins bien"
                negated = True
            if negated:
                nearest = next((k for k in keys if k in _NEGATORS), keys[0])
                between = keys[:keys.index(nearest)]
                if nearest == "ne" and ("que" in between or it.key.startswith("que_")):
                    negated = False  # "ne ... que": restriction, not negation
                elif nearest in ("jamais", "ne", "rien") and _EQUALLY.intersection(between):
                    negated, v = False, v * 1.25  # "jamais vu aussi sale"
            elif it.entry.finite and i + 1 < n_items and items[i + 1].key in _AFTER_VERB_NEGATORS:
                negated = True  # "j'aime pas", "ça marche plus"
            if negated and not it.immune:
                v = it.entry.negated if it.entry.negated is not None else v * _N_SCALAR
            if v > 0 and any(items[j].key in _CONDITIONALS for j in before(i, n=n_items)):
                v = 0.0  # "ce serait parfait avec...", "j'aurais aimé": a wish, not praise
        valences.append(v)
    _weigh_contrasts(items, valences)
    total = sum(valences)
    if total:
        total += math.copysign(_punctuation_emphasis(text), total)
    return _normalize(total)


def _weigh_contrasts(items: list[_Item], valences: list[float]) -> None:
    """Halve what comes before 'mais' (or 'cependant', 'par contre'...) and weigh what follows by 1.5.

    The scope is the sentence; a sentence that opens with 'Mais' halves the sentence before it.
    """
    bounds, start = [], 0
    for i, it in enumerate(items):
        if it.kind == "punct" and it.key in _SENTENCE_ENDS:
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(items)))
    for n, (start, end) in enumerate(bounds):
        marker = next((i for i in range(start, end) if items[i].key in _CONTRAST), None)
        if marker is None:
            continue
        opens = all(items[i].kind == "punct" for i in range(start, marker))
        lower = bounds[n - 1][0] if opens and n > 0 else start
        for i in range(lower, marker):
            valences[i] *= _CONTRAST_BEFORE
        for i in range(marker + 1, end):
            valences[i] *= _CONTRAST_AFTER
