"""journeykit: customer journey maps that stay connected to real data.

Submodules (``jk.stages``, ``jk.charts``, ...) are imported on first use, so that the command line stays
quick and a notebook pays only for what it uses.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from .errors import ConflictError, DataError, JourneyKitError, ParameterError, Problem, WorkspaceError
from .model import Journey, Text
from .quarters import Quarter
from .workspace import Workspace

_LAZY_MODULES = ("alignment", "board", "charts", "edits", "emotions", "journey_map", "kpis", "map_chart", "map_export", "measures",
                 "narrative", "objective", "opportunities", "pain_points", "paths", "personas", "privacy", "research",
                 "sentiment", "stages", "tables", "touchpoints", "validation", "workshop")
_LAZY_NAMES = {"Engine": "engine", "Dataset": "loading", "check": "loading", "load": "loading",
               "Study": "studies", "study": "studies", "say": "narrative"}

__all__ = [
    "ConflictError",
    "DataError",
    "Dataset",
    "Engine",
    "Journey",
    "JourneyKitError",
    "ParameterError",
    "Problem",
    "Quarter",
    "Study",
    "Text",
    "Workspace",
    "WorkspaceError",
    "alignment",
    "board",
    "charts",
    "check",
    "edits",
    "emotions",
    "journey_map",
    "kpis",
    "load",
    "map_chart",
    "map_export",
    "measures",
    "narrative",
    "objective",
    "opportunities",
    "pain_points",
    "paths",
    "personas",
    "privacy",
    "research",
    "say",
    "sentiment",
    "stages",
    "study",
    "tables",
    "touchpoints",
    "validation",
    "workshop",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'journeykit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
