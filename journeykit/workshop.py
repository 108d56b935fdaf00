"""Workshop mode: the editors of each step, and serving the notebooks code-free to a room.

In a notebook run with ``interactive=True``, ``jk.workshop.panel(s, STEP, review)`` shows the facilitator
bar (:mod:`journeykit.facilitator`) and the step's editors (:mod:`journeykit.editors` and the
``editor_*`` modules); with ``interactive=False`` (papermill, reports) the notebooks do not call it, so
reports never depend on widget state.

``journeykit workshop WORKSPACE`` (:func:`serve`) writes a parameterised copy of the ten notebooks into
``WORKSPACE/workshop/notebooks/`` (workspace, quarter, language, ``interactive=True``) and serves them with
Voilà, which runs them and shows only their outputs and widgets: no code, no way to run code. Voilà is
protected by a random token that is part of the printed addresses; the facilitator's address adds the
facilitator code. ``--lab`` opens the same copies in JupyterLab instead. Charts are static SVG in both
(:func:`journeykit.charts.setup`), so they render without internet.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets

from . import runner
from .board import FOLDER, Board
from .errors import ParameterError
from .quarters import Quarter
from .workspace import Workspace

# which sections each step's editors change (the facilitator locks these)
SECTIONS: dict[str, tuple[str, ...]] = {
    "01_define_objective": ("objective",),
    "02_gather_research": (),
    "03_build_personas": ("personas",),
    "04_map_stages": ("stages",),
    "05_inventory_touchpoints": ("touchpoints",),
    "06_capture_experience": ("emotions",),
    "07_find_pain_points": ("pain_points", "opportunities"),
    "08_align_business": ("kpis",),
    "09_visualize_map": (),
    "10_validate_and_refine": (),
}


def editors_for(step: str, path: str | Path, lang: str, review=None) -> list:
    """The editors of ``step`` (an empty list for the steps that only show evidence)."""
    from . import editor_priorities, editor_touchpoints, editors

    if step not in SECTIONS:
        raise ParameterError.invalid("step", "workshop.panel", f"one of {', '.join(SECTIONS)}", step)
    if step == "01_define_objective":
        return [editors.objective_editor(path, lang)]
    if step == "03_build_personas":
        return [editors.persona_editor(path, lang)]
    if step == "04_map_stages":
        return [editors.stage_editor(path, lang)]
    if step == "05_inventory_touchpoints":
        return [editor_touchpoints.touchpoint_editor(path, lang)]
    if step == "06_capture_experience":
        measured = getattr(review, "touchpoints", None)
        return [editor_touchpoints.emotion_editor(path, lang, measured, getattr(review, "by_persona", None))]
    if step == "07_find_pain_points":
        return [editor_priorities.priorities_editor(path, lang)]
    if step == "08_align_business":
        return [editors.kpi_editor(path, lang)]
    return []


def panel(study, step: str, review=None) -> widgets.VBox:
    """The facilitator bar and the editors of ``step`` for the study's workspace, in its language."""
    from .facilitator import bar
    from .narrative import text

    title = text(step, "title", study.lang).lstrip("# ").strip()
    parts = [bar(study.workspace.path, study.lang, SECTIONS.get(step, ()), activity=title)]
    parts += editors_for(step, study.workspace.path, study.lang, review)
    return widgets.VBox([part.widget for part in parts]).add_class("jk-workshop")


# --- serving ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Served:
    """What :func:`prepare` made: the notebooks folder, the page of each step and the access codes."""

    folder: Path
    pages: dict[str, str]  # step -> notebook file name
    token: str
    facilitator_code: str


def parameters(pairs: list[str]) -> dict:
    """Notebook parameters given as ``NAME=VALUE`` on the command line (values read as YAML: 4, 0.1, true).

    >>> parameters(["n_personas=4", "expectation=previous"])
    {'n_personas': 4, 'expectation': 'previous'}
    """
    import yaml

    found = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip().isidentifier():
            raise ParameterError.invalid("-p", "workshop", "NAME=VALUE, for example n_personas=4", pair)
        if name.strip() in RESERVED:
            raise ParameterError.invalid("-p", "workshop", f"a parameter other than {', '.join(RESERVED)} "
                                         "(set by the command itself)", pair)
        found[name.strip()] = yaml.safe_load(value) if value.strip() else ""
    return found


RESERVED = ("workspace", "quarter", "lang", "interactive", "summary_dir")


def prepare(workspace: str | Path, quarter: str, lang: str = "en", notebooks: Path | None = None,
            extra: dict | None = None) -> Served:
    """Write the parameterised workshop notebooks into ``WORKSPACE/workshop/notebooks`` (replaced each time).

    ``extra`` adds step parameters (``n_personas``, ``expectation``...); each notebook receives those it
    declares, so that the screens show the choices the team made in the batch runs.
    """
    from papermill import inspect_notebook
    from papermill.iorw import load_notebook_node, write_ipynb
    from papermill.parameterize import parameterize_notebook

    period = Quarter.parse(quarter, "quarter", "workshop")
    if lang not in ("en", "fr"):
        raise ParameterError.invalid("lang", "workshop", "'en' or 'fr'", lang)
    ws = Workspace.open(workspace)
    source = Path(notebooks or runner.NOTEBOOKS)
    nodes = {step: load_notebook_node(str(source / f"{step}.ipynb")) for step in runner.STEPS}
    declared = {step: set(inspect_notebook(node)) for step, node in nodes.items()}
    known = set().union(*declared.values())
    unknown = sorted(set(extra or {}) - known)
    if unknown:
        listed = ", ".join(sorted(known - set(RESERVED)))
        raise ParameterError.invalid("-p", "workshop", f"parameters of the step notebooks ({listed})",
                                     ", ".join(unknown))
    folder = ws.path / FOLDER / "notebooks"
    fresh = folder.with_name("notebooks.new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    pages = {}
    for step, node in nodes.items():
        own = {name: value for name, value in (extra or {}).items() if name in declared[step]}
        node = parameterize_notebook(node, {"workspace": str(ws.path), "quarter": str(period), "lang": lang,
                                            "interactive": True, "summary_dir": "", **own})
        write_ipynb(node, str(fresh / f"{step}.ipynb"))
        pages[step] = f"{step}.ipynb"
    shutil.rmtree(folder, ignore_errors=True)
    fresh.rename(folder)
    return Served(folder, pages, secrets.token_urlsafe(16), Board(ws.path).new_facilitator_code())


def local_address() -> str:
    """This machine's address on the local network (``127.0.0.1`` when there is none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def addresses(served: Served, host: str, port: int, step: str | None, lab: bool = False) -> tuple[str, str]:
    """The participants' and the facilitator's addresses of ``step`` (the list of steps when ``None``)."""
    page = served.pages[step] if step else ""
    if lab:
        base = f"http://{host}:{port}/lab/tree/{page}"
    else:
        base = f"http://{host}:{port}/voila/render/{page}" if page else f"http://{host}:{port}/"
    participants = f"{base}?token={served.token}"
    return participants, f"{participants}&facilitator={served.facilitator_code}"


def command(served: Served, port: int, lab: bool = False, bind: str = "0.0.0.0") -> list[str]:
    """The Voilà (or JupyterLab) command line that serves ``served.folder``."""
    if lab:
        line = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.ip={bind}", f"--port={port}",
                f"--IdentityProvider.token={served.token}", f"--ServerApp.root_dir={served.folder}"]
        return line + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])
    return [sys.executable, "-m", "voila", str(served.folder), "--no-browser", f"--Voila.ip={bind}",
            f"--port={port}", f"--token={served.token}", "--Voila.port_retries=0",
            "--VoilaConfiguration.show_tracebacks=False"]


def step_name(step: str | int | None) -> str | None:
    """The notebook of ``--step`` given as 1-10 or a name.

    >>> step_name(3), step_name("07_find_pain_points"), step_name(None)
    ('03_build_personas', '07_find_pain_points', None)
    """
    if step is None:
        return None
    if str(step).isdigit() and 1 <= int(step) <= len(runner.STEPS):
        return runner.STEPS[int(step) - 1]
    if step in runner.STEPS:
        return str(step)
    raise ParameterError.invalid("step", "workshop", "a step number from 1 to 10 or a notebook name", step)


def serve(workspace: str | Path, quarter: str, lang: str = "en", step: str | int | None = None,
          port: int = 8866, lab: bool = False, bind: str = "0.0.0.0", extra: dict | None = None,
          out=sys.stdout) -> int:
    """Prepare the notebooks, print the addresses and run the server until it is stopped (Ctrl+C)."""
    name = step_name(step)
    served = prepare(workspace, quarter, lang, extra=extra)
    host = local_address() if bind == "0.0.0.0" else bind
    participants, facilitator = addresses(served, host, port, name, lab)
    print(f"Workshop of {Path(workspace).resolve()} ({quarter}, {lang})", file=out)
    print(f"  participants: {participants}", file=out)
    print(f"  facilitator:  {facilitator}", file=out)
    print("  (share the first address on the local network; keep the second for yourself. Ctrl+C stops.)",
          file=out, flush=True)
    try:
        return subprocess.call(command(served, port, lab, bind))
    except KeyboardInterrupt:
        return 0
