"""The narrative of the step notebooks, in English and French, read aloud by facilitators.

Each step has a file ``journeykit/data/narrative/<step>.yaml`` mapping a key to its text in both languages
(Markdown, with ``{placeholders}`` filled from measured values). Keeping the words out of the notebooks
lets one notebook speak either language through its ``lang`` parameter.
"""

from __future__ import annotations

import html
import string
from functools import cache
from pathlib import Path

import yaml
from IPython.display import Markdown

from .i18n import LANGS, number

FOLDER = Path(__file__).parent / "data" / "narrative"


@cache
def texts(step: str) -> dict[str, dict[str, str]]:
    """Every text of ``step``: key -> {"en": ..., "fr": ...}."""
    file = FOLDER / f"{step}.yaml"
    if not file.exists():
        known = ", ".join(sorted(path.stem for path in FOLDER.glob("*.yaml")))
        raise KeyError(f"No narrative for step {step!r}. Known: {known}")
    return yaml.safe_load(file.read_text(encoding="utf-8"))


def text(step: str, key: str, lang: str, **values: object) -> str:
    """The Markdown text ``key`` of ``step`` in ``lang``, placeholders filled (text values HTML-escaped).

    Examples
    --------
    >>> text("04_map_stages", "warnings", "en", warnings="<script>alert(1)</script>")
    '**To check:** &lt;script&gt;alert(1)&lt;/script&gt;'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'fr'. Got {lang!r} instead.")
    entry = texts(step).get(key)
    if entry is None:
        raise KeyError(f"No text {key!r} in the narrative of {step}. Known: {', '.join(texts(step))}")
    # user text (a problem statement, a persona name typed in a workshop) must never become markup: no tag,
    # and no Markdown link or image ("[x](javascript:...)"), whose brackets become look-alike entities
    values = {name: _escaped(value) if isinstance(value, str) else value for name, value in values.items()}
    if lang == "fr":
        values = {name: _French(value) if _is_number(value) else value for name, value in values.items()}
    return entry[lang].format(**values)


def _escaped(value: str) -> str:
    """``value`` HTML-escaped, with Markdown's link brackets as entities.

    Examples
    --------
    >>> _escaped("<b>[click](javascript:alert(1))</b>")
    '&lt;b&gt;&#91;click&#93;(javascript:alert(1))&lt;/b&gt;'
    """
    return html.escape(value).replace("[", "&#91;").replace("]", "&#93;")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _French:
    """A number that formats the French way: ``1 234,5`` and ``45 %``.

    Examples
    --------
    >>> "{a:,} / {b:.1f} / {c:.0%}".format(a=_French(1234), b=_French(2.5), c=_French(0.453))
    '1\u202f234 / 2,5 / 45\u202f%'
    """

    def __init__(self, value: float):
        self.value = value

    def __format__(self, spec: str) -> str:
        return number(self.value, spec, "fr")


def say(study_or_lang, step: str, key: str, **values: object) -> Markdown:
    """The text as a displayable Markdown value (a notebook shows it when it is a cell's last expression)."""
    lang = study_or_lang if isinstance(study_or_lang, str) else study_or_lang.lang
    return Markdown(text(step, key, lang, **values))


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a text expects.

    Examples
    --------
    >>> sorted(placeholders("{n:,} customers in {stage}"))
    ['n', 'stage']
    """
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}
