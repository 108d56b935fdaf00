"""Shared fixtures: tiny workspaces written into ``tmp_path``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

# A small map used by the loading and CLI tests: three stages, four touchpoints, the default channels.
# ``view_pricing`` and ``pricing_page`` are two raw event names of the one touchpoint ``pricing``.
JOURNEY = """\
name: {en: Tiny shop, fr: Petite boutique}
stages:
  - {id: discover, name: {en: Discover, fr: Découvrir}}
  - {id: purchase, name: {en: Purchase, fr: Acheter}}
  - {id: support, name: {en: Support, fr: Assistance}}
touchpoints:
  - {id: home, name: Home page, stage: discover, channel: web, events: [home_view]}
  - {id: pricing, name: {en: Pricing, fr: Tarifs}, stage: discover, channel: web,
     events: [view_pricing, pricing_page]}
  - {id: checkout, name: Checkout, stage: purchase, channel: web}
  - {id: help, name: Help desk, stage: support, channel: phone}
"""


def write_workspace(folder: Path, journey_yaml: str, files: dict[str, bytes | str] | None = None) -> Path:
    """Write ``journey.yaml`` (dedented) and each ``files`` entry (str is written as UTF-8) under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "journey.yaml").write_text(textwrap.dedent(journey_yaml), encoding="utf-8")
    for name, content in (files or {}).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
    return folder


@pytest.fixture
def make_workspace(tmp_path: Path):
    """``make_workspace(journey_yaml, files)``: a workspace folder in ``tmp_path`` (``ws``, ``ws2``, ...)."""
    made: list[Path] = []

    def make(journey_yaml: str, files: dict[str, bytes | str] | None = None, name: str | None = None) -> Path:
        folder = tmp_path / (name or f"ws{len(made) + 1 if made else ''}")
        made.append(folder)
        return write_workspace(folder, journey_yaml, files)

    return make


def sources(yaml_text: str) -> str:
    """The tiny journey followed by a ``sources:`` block (given without its first-level indentation)."""
    return JOURNEY + "sources:\n" + textwrap.indent(textwrap.dedent(yaml_text), "  ")


# The quarterly reports of the sample company, shared by the notebook and report tests (one run each).
RUNS = (("2026Q2", "en"), ("2026Q3", "fr"))
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> dict:
    """Run ``journeykit quarterly`` on a copy of the sample: 2026Q2 in English, then 2026Q3 in French.

    Returns the report folder of each quarter, the workspace, and each run's exit code under ``codes``.
    """
    import shutil

    from journeykit.report import quarterly

    base = tmp_path_factory.mktemp("quarterly")
    workspace = base / "workspace"
    shutil.copytree(SAMPLE, workspace, ignore=shutil.ignore_patterns(".journeykit", "measures", "history"))
    folders: dict = {"workspace": workspace, "codes": {}, "base": base}
    for quarter, lang in RUNS:
        out = base / "reports" / quarter
        folders["codes"][quarter] = quarterly(workspace, quarter=quarter, out=out, lang=lang, jobs=2)
        folders[quarter] = out
    return folders
