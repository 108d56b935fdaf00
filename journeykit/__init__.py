"""journeykit: customer journey maps that stay connected to real data."""

__version__ = "0.1.0"

from .engine import Engine
from .errors import ConflictError, DataError, JourneyKitError, ParameterError, Problem, WorkspaceError
from .loading import Dataset, check, load
from .model import Journey, Text
from .quarters import Quarter
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
    "Text",
    "Workspace",
    "WorkspaceError",
    "check",
    "load",
]
