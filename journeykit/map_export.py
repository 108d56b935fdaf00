"""Step 9: the journey map written to files: the chart as PNG and SVG, the map as a Mermaid ``journey`` block.

:func:`export` writes any chart (usually :func:`journeykit.map_chart.map_comparison`) through vl-convert,
atomically; :func:`mermaid` writes the map as a Mermaid ``journey`` block, for wikis and slide decks, and
:func:`markdown_block` fences it for a Markdown page.

Examples
--------
>>> import journeykit as jk                                                     # doctest: +SKIP
>>> s = jk.study("build/sample-workspace", "2026Q3", "fr")                      # doctest: +SKIP
>>> chart = jk.map_chart.map_comparison(s)                                      # doctest: +SKIP
>>> jk.map_export.export(chart, "out", "journey_map", mermaid=jk.map_export.mermaid(s))  # doctest: +SKIP
{'png': PosixPath('out/journey_map.png'), 'svg': ..., 'mermaid': PosixPath('out/journey_map.mmd')}
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import altair as alt
import pandas as pd

from .charts import stable_ids
from .errors import ParameterError
from .files import write_atomic
from .journey_map import _check_state, _label, cells, touchpoint_emotions, touchpoints_in


def export(chart: alt.TopLevelMixin, folder: str | os.PathLike[str], name: str = "journey_map",
           mermaid: str | None = None, table: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write ``chart`` as ``<name>.png`` (scale 2) and ``<name>.svg`` into ``folder`` (created when missing).

    ``mermaid``, when given, is written beside them as ``<name>.mmd``; ``table`` (see :func:`table`) as
    ``<name>.csv`` and ``<name>.xlsx``, with text that a spreadsheet would run as a formula neutralised
    (:mod:`journeykit.spreadsheet`). Files are written atomically. Returns the paths by format:
    ``{"png": ..., "svg": ...}`` (and ``"mermaid"``, ``"csv"``, ``"xlsx"``).
    """
    import vl_convert as vlc

    if not re.fullmatch(r"[\w.-]+", name or "") or name.startswith("."):
        raise ParameterError.invalid("name", "export", "a file name of letters, digits, '_', '-' and '.'", name)
    target = Path(folder)
    spec = chart.to_dict()
    paths = {"png": target / f"{name}.png", "svg": target / f"{name}.svg"}
    write_atomic(paths["png"], vlc.vegalite_to_png(spec, scale=2))
    write_atomic(paths["svg"], stable_ids(vlc.vegalite_to_svg(spec)).encode("utf-8"))
    if mermaid is not None:
        paths["mermaid"] = target / f"{name}.mmd"
        write_atomic(paths["mermaid"], mermaid.encode("utf-8"))
    if table is not None:
        from .spreadsheet import write_csv, write_excel

        paths["csv"] = write_csv(table, target / f"{name}.csv")
        paths["xlsx"] = write_excel(table, target / f"{name}.xlsx", sheet=name)
    return paths


def table(study, state: str = "current") -> pd.DataFrame:
    """The map as a spreadsheet: one row per lane, one column per stage (in the reader's language).

    Each cell holds the lane's items for that stage, one per line (see :func:`journeykit.journey_map.cells`).
    """
    _check_state(state, "table")
    lang = study.lang
    frame = cells(study, state)
    names = {stage.id: stage.name.get(lang) for stage in study.journey.stages}
    grid = frame.pivot(index="lane_order", columns="stage_order", values="text")
    lanes = frame.drop_duplicates("lane_order").set_index("lane_order")["lane"]
    stages = frame.drop_duplicates("stage_order").set_index("stage_order")["stage"]
    grid.columns = [names[stages[order]] for order in grid.columns]
    grid.insert(0, _label("lane_header", lang), [_label(f"lane_{lanes[order]}", lang) for order in grid.index])
    return grid.reset_index(drop=True)


_MERMAID = str.maketrans({":": "\u2236", ";": ",", "#": "\uff03", "<": "\u2039", ">": "\u203a", "\n": " ",
                          "\r": " ", "\t": " ", "`": "'"})


def mermaid_text(value: str, keep_colon: bool = False) -> str:
    """``value`` made safe for one line of a Mermaid ``journey`` block (and for any page that shows it).

    Mermaid ends a task name at ``:``, ``;``, ``#`` and a new line; they become look-alike characters
    (``∶`` ratio sign, ``,``, ``＃``, a space), and ``<``/``>`` become ``‹``/``›`` so that no text can
    open an HTML tag wherever the block is pasted.

    Examples
    --------
    >>> mermaid_text("<script>alert(1)</script>: x")
    '‹script›alert(1)‹/script›∶ x'
    """
    table = dict(_MERMAID)
    if keep_colon:
        del table[ord(":")]
    return " ".join(str(value).translate(table).split())


def score(emotion: float) -> int:
    """An emotion on -2..+2 as a Mermaid score on 1..5 (``round(emotion + 3)``, halves up; unknown is 3).

    Examples
    --------
    >>> [score(e) for e in (-2, -1.6, -0.5, 0, 0.49, 1.5, 2)]
    [1, 1, 3, 3, 3, 5, 5]
    """
    if emotion is None or pd.isna(emotion):
        return 3
    return int(min(5, max(1, math.floor(float(emotion) + 3 + 0.5))))


def mermaid(study, state: str = "current") -> str:
    """The ``state`` map as a Mermaid ``journey`` block: a section per stage, a task per touchpoint.

    Each task is ``<touchpoint name>: <score>: <owner team>``: the score is the touchpoint's emotion
    (measured, else assumed; see :func:`journeykit.journey_map.touchpoint_emotions`) mapped from -2..+2
    to 1..5 by :func:`score`.
    Stages without touchpoints have no section (Mermaid cannot draw an empty one).
    """
    _check_state(state, "mermaid")
    lang = study.lang
    emotions = touchpoint_emotions(study, state).set_index("touchpoint")["emotion"]
    title = _label("map_title", lang, journey=study.journey.name.get(lang), state=_label(f"state_{state}", lang))
    lines = ["journey", f"  title {mermaid_text(title, keep_colon=True)}"]
    points = touchpoints_in(study, state)
    for stage in study.journey.stages:
        mine = [tp for tp in points if tp.stage == stage.id]
        if not mine:
            continue
        lines.append(f"  section {mermaid_text(stage.name.get(lang))}")
        for tp in mine:
            task = f"    {mermaid_text(tp.name.get(lang))}: {score(emotions.get(tp.id))}"
            owner = mermaid_text(tp.owner).replace(",", " ")
            lines.append(f"{task}: {owner}" if owner else task)
    return "\n".join(lines) + "\n"


def markdown_block(code: str, language: str = "mermaid") -> str:
    """``code`` as a fenced Markdown code block whose fence is longer than any run of backticks in it.

    Examples
    --------
    >>> print(markdown_block("journey"))
    ```mermaid
    journey
    ```
    """
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip()}\n{fence}"
