"""The words of the sample company's customers: text banks read from ``data/sample/``, and survey verbatims.

The banks are YAML files beside the code (``names.yaml``, ``verbatims.yaml``, ``interviews.yaml``); each is
read the first time it is needed, then kept. Slots such as ``{plant}`` are filled by :func:`_fill`.

Examples
--------
>>> bank("names")["shops"]["en"]
('London', 'Bristol')
>>> sorted(bank("verbatims")["fragments"]["delivery_late"])
['neg']
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import yaml

from .sample_facts import _APP, _BARGAIN, _EXPERT, _GIFT

FOLDER = Path(__file__).parent / "data" / "sample"
_PERSONA_TAG = {_APP: "app", _BARGAIN: "bargain", _EXPERT: "expert", _GIFT: "gift"}  # as in the banks


@cache
def bank(name: str) -> Any:
    """The text bank ``data/sample/<name>.yaml``, read-only: mappings stay mappings, lists become tuples."""
    return _frozen(yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8")))


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def _email(rng: np.random.Generator, lang: str) -> str:
    domain = ("example.fr", "example.com", "example.org")[rng.integers(3)] if lang == "fr" else (
        ("example.com", "example.org")[rng.integers(2)])
    names = bank("names")
    return f"{rng.choice(names['first_names'][lang])}.{rng.choice(names['last_names'][lang])}@{domain}"


def _phone(rng: np.random.Generator, lang: str) -> str:
    if lang == "fr":
        a, b = rng.integers(0, 100, 2)
        return f"06 39 98 {a:02d} {b:02d}" if rng.random() < .6 else f"+33 6 39 98 {a:02d} {b:02d}"
    number = rng.integers(0, 1000)
    return f"+44 7700 900{number:03d}" if rng.random() < .6 else f"07700 900{number:03d}"


def _fill(rng: np.random.Generator, text: str, lang: str, days: float = 0) -> str:
    plants, shops = bank("names")["plants"][lang], bank("names")["shops"][lang]
    slots = {"plant": plants[rng.integers(len(plants))], "days": max(2, int(round(days))) if days else
             int(rng.integers(2, 5)), "n": int(rng.integers(2, 5)), "wait": int(rng.integers(3, 12)) * 5,
             "shop": shops[rng.integers(len(shops))]}
    return text.format(**slots)


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[rng.integers(len(options))]


def _verbatim(rng: np.random.Generator, topic: str, score: float, lang: str, persona: int, days: float) -> str:
    """A free-text answer about ``topic`` whose tone follows the latent ``score`` (-2..2)."""
    words = bank("verbatims")
    mood = "neg" if score < -.4 else "pos" if score > .4 else "neu"
    fragments = words["fragments"][topic]
    tone = mood if mood in fragments else ("neg" if "neg" in fragments and (score < 0 or "pos" not in fragments)
                                           else "pos")
    main = list(fragments[tone][lang])
    parts = []
    if rng.random() < .45:
        parts.append(_pick(rng, words["openers"][mood if mood != "neu" else f"neu_{tone}"][lang]))
    first = main.pop(rng.integers(len(main)))
    parts.append(_fill(rng, first, lang, days))
    if main and rng.random() < (.5 if persona == _EXPERT else .2):
        parts.append(_fill(rng, _pick(rng, tuple(main)), lang, days))
    extra = words["persona_fragments"][_PERSONA_TAG[persona]][lang]
    if persona == _EXPERT:
        chosen = rng.choice(len(extra), 1 + int(rng.random() < .6), replace=False)
        parts += [_fill(rng, extra[i], lang) for i in chosen]
    elif persona == _BARGAIN and score < .6 and rng.random() < .7:
        parts.append(_pick(rng, extra))
    elif persona == _GIFT and rng.random() < .5:
        parts.append(_pick(rng, extra))
    elif persona == _APP and score > 0 and rng.random() < .3:
        parts.append(_pick(rng, extra))
    if mood != "neu" and rng.random() < .3:
        parts.append(_pick(rng, words["closers"][mood][lang]))
    return ("\n" if rng.random() < .01 else " ").join(parts)
