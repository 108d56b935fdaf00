"""A study: everything one mapping step needs for one quarter, opened in one call.

Examples
--------
>>> import journeykit as jk                                        # doctest: +SKIP
>>> s = jk.study("build/sample-workspace", "2026Q3", "fr")         # doctest: +SKIP
>>> s.events().count().execute()                                   # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import ibis

from .engine import Engine
from .errors import ParameterError, WorkspaceNotFoundError
from .i18n import LANGS
from .loading import Dataset, load
from .model import Journey
from .quarters import Quarter
from .stages import staged_events
from .workspace import Workspace


@dataclass
class Study:
    """The workspace, its validated data, the engine, the quarter under review and the reader's language."""

    workspace: Workspace
    data: Dataset
    engine: Engine
    quarter: Quarter
    lang: str

    @property
    def journey(self) -> Journey:
        return self.workspace.journey

    @property
    def previous(self) -> Quarter:
        return self.quarter.previous()

    def has(self, table: str) -> bool:
        return self.data.has(table)

    def table(self, name: str, quarter: Quarter | str | None = "current") -> ibis.Table:
        """Table ``name`` for the study's quarter (``quarter=None``: every quarter; or another quarter)."""
        period = self.quarter if quarter == "current" else quarter
        return self.engine.table(name, period)

    def events(self, quarter: Quarter | str | None = "current") -> ibis.Table:
        """The quarter's events placed on the map's stages (see :func:`journeykit.stages.staged_events`)."""
        return staged_events(self.table("events", quarter), self.journey)

    def stage_names(self) -> dict[str, str]:
        """Stage id -> name in the study's language."""
        return {stage.id: stage.name.get(self.lang) for stage in self.journey.stages}

    def touchpoint_names(self) -> dict[str, str]:
        """Touchpoint id -> name in the study's language."""
        return {tp.id: tp.name.get(self.lang) for tp in self.journey.touchpoints}

    def record(self, step: str, payload: dict, summary_dir: str | os.PathLike[str] | None = None) -> Path:
        """Keep a step's summary in the workspace (``measures/<quarter>/<step>.json``) and in ``summary_dir``."""
        from .measures import save_summary

        return save_summary(self.workspace, self.quarter, step, payload, summary_dir or None)


def study(workspace: str | os.PathLike[str] | Workspace, quarter: str, lang: str = "en") -> Study:
    """Open ``workspace``, validate its data and prepare the engine for ``quarter`` in ``lang``.

    Parameters are checked first, so a wrong quarter or language fails before any data is read.
    """
    period = Quarter.parse(quarter, "quarter", "study")
    if lang not in LANGS:
        raise ParameterError.invalid("lang", "study", "'en' or 'fr'", lang)
    if not isinstance(workspace, Workspace) and not (Path(workspace) / "journey.yaml").exists():
        raise WorkspaceNotFoundError(
            f"No journey.yaml in {Path(workspace).resolve()}. For the sample company run 'make sample-workspace' "
            "(it copies sample_data/ to build/sample-workspace), or pass workspace= the folder of your journey."
        )
    ws = workspace if isinstance(workspace, Workspace) else Workspace.open(workspace)
    data = load(ws)
    return Study(ws, data, Engine(data), period, lang)
