"""The ten notebooks with ``interactive=True`` on the sample company: every step's editors build on real data.

Widgets only construct under papermill (their callbacks never fire), so this proves that each panel is
built from the real map and measures without error and is displayed; the editors' behaviour is tested in
``test_editors.py`` and in a real browser in ``test_workshop_browser.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from journeykit import runner, workshop
from journeykit.board import Board

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("interactive") / "verdure"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("truth"))
    return folder


def test_every_step_shows_its_panel_in_french(sample, tmp_path):
    runs = runner.run_steps({"workspace": str(sample), "quarter": "2026Q3", "lang": "fr", "interactive": True},
                            tmp_path, jobs=2, progress=False)
    assert [(run.step, run.status) for run in runs] == [(step, "ok") for step in runner.STEPS], \
        [run.error for run in runs if run.error]
    for step in runner.STEPS:
        notebook = nbformat.read(tmp_path / f"{step}.ipynb", as_version=4)
        panel = next(cell for cell in notebook.cells if "jk.workshop.panel" in cell.source)
        assert any(WIDGET in output.get("data", {}) for output in panel.outputs), step


def test_prepare_writes_parameterised_copies_and_fresh_codes(sample):
    served = workshop.prepare(sample, "2026Q3", "fr")
    assert sorted(path.name for path in served.folder.glob("*.ipynb")) == [f"{s}.ipynb" for s in runner.STEPS]
    notebook = nbformat.read(served.folder / "03_build_personas.ipynb", as_version=4)
    injected = next(cell for cell in notebook.cells if "injected-parameters" in cell.metadata.get("tags", []))
    assert "interactive = True" in injected.source and 'lang = "fr"' in injected.source
    assert f'workspace = "{sample.resolve()}"' in injected.source
    assert Board(sample).is_facilitator(served.facilitator_code)
    again = workshop.prepare(sample, "2026Q3", "en")  # a new session: new codes, the old one stops working
    assert not Board(sample).is_facilitator(served.facilitator_code) and again.token != served.token
    assert not (served.folder.parent / "notebooks.new").exists()


def test_addresses_and_server_command(sample):
    served = workshop.prepare(sample, "2026Q3")
    people, facilitator = workshop.addresses(served, "192.168.1.20", 8866, "07_find_pain_points")
    assert people == f"http://192.168.1.20:8866/voila/render/07_find_pain_points.ipynb?token={served.token}"
    assert facilitator == f"{people}&facilitator={served.facilitator_code}"
    line = workshop.command(served, 8866, bind="127.0.0.1")
    assert line[1:3] == ["-m", "voila"] and "--Voila.ip=127.0.0.1" in line and f"--token={served.token}" in line
    lab = workshop.command(served, 8888, lab=True)
    assert lab[1:3] == ["-m", "jupyterlab"] and f"--ServerApp.root_dir={served.folder}" in lab
    assert workshop.step_name("7") == "07_find_pain_points"
    with pytest.raises(ValueError, match="step number from 1 to 10"):
        workshop.step_name("12")


def test_workshop_command_refuses_bad_arguments_before_serving(sample, capsys):
    from journeykit.cli import main

    assert main(["workshop", str(sample), "--quarter", "2026Q5"]) == 2
    assert "quarter" in capsys.readouterr().err
    assert main(["workshop", str(sample.parent / "nowhere"), "--quarter", "2026Q3"]) == 2
    assert "No journey.yaml" in capsys.readouterr().err
    assert main(["workshop", str(sample), "--quarter", "2026Q3", "--step", "11"]) == 2
    assert "step" in capsys.readouterr().err
    assert not json.loads((sample / "workshop" / "board.json").read_text()).get("timer")


def test_step_parameters_reach_the_notebooks_that_declare_them(sample, capsys):
    from journeykit.cli import main

    served = workshop.prepare(sample, "2026Q3", extra=workshop.parameters(["n_personas=4", "expectation=previous"]))
    personas = nbformat.read(served.folder / "03_build_personas.ipynb", as_version=4)
    pains = nbformat.read(served.folder / "07_find_pain_points.ipynb", as_version=4)
    injected = [next(c.source for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
                for nb in (personas, pains)]
    assert "n_personas = 4" in injected[0] and "expectation" not in injected[0]
    assert 'expectation = "previous"' in injected[1] and "n_personas" not in injected[1]
    assert main(["workshop", str(sample), "--quarter", "2026Q3", "-p", "clusters=4"]) == 2
    assert "n_personas" in capsys.readouterr().err  # the error lists the parameters that exist
    assert main(["workshop", str(sample), "--quarter", "2026Q3", "-p", "lang=fr"]) == 2
    with pytest.raises(ValueError, match="NAME=VALUE"):
        workshop.parameters(["n_personas"])
