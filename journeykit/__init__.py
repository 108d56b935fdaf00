"""journeykit: customer journey maps that stay connected to real data."""

__version__ = "0.1.0"

from . import charts, kpis, measures, narrative, paths, privacy, stages, tables
from .engine import Engine
from .errors import ConflictError, DataError, JourneyKitError, ParameterError, Problem, WorkspaceError
from .loading import Dataset, check, load
from .model import Journey, Text
from .narrative import say
from .quarters import Quarter
from .study import Study, study
from .workspace import Workspace

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
    "charts",
    "check",
    "kpis",
    "load",
    "measures",
    "narrative",
    "paths",
    "privacy",
    "say",
    "stages",
    "study",
    "tables",
]
