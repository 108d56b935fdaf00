"""Journey templates and new workspaces: ``journeykit init DIR --template NAME``.

A template is a ``journey.yaml`` for an industry (stages, typical touchpoints per stage and channel,
suggested KPIs with definitions, in English and French) kept in the repository's ``templates/journeys/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .errors import ParameterError
from .model import Journey
from .workspace import Workspace, _read_text, parse_journey

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
JOURNEY_TEMPLATES = TEMPLATES / "journeys"


def template_names() -> list[str]:
    """The names ``init`` accepts, such as ``ecommerce`` or ``saas``."""
    return sorted(path.stem for path in JOURNEY_TEMPLATES.glob("*.yaml"))


def load_template(name: str) -> Journey:
    """The validated journey of template ``name``."""
    names = template_names()
    if name not in names:
        raise ParameterError.invalid("template", "init", f"one of {', '.join(names)}", name)
    path = JOURNEY_TEMPLATES / f"{name}.yaml"
    return parse_journey(_read_text(path), str(path))


def init(directory: str | os.PathLike[str], template: str) -> Workspace:
    """Create a workspace in ``directory`` (new or empty) from ``template``, with ``data/`` and ``interviews/``.

    Nothing is written when the template is unknown or the folder already holds files.
    """
    load_template(template)  # validates the name and the template before anything is written
    folder = Path(directory)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty; init only writes into a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir()
    (folder / "interviews").mkdir()
    shutil.copyfile(TEMPLATES / "data_README.md", folder / "data" / "README.md")
    return Workspace.create(folder, _read_text(JOURNEY_TEMPLATES / f"{template}.yaml"))
