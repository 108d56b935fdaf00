"""The quarterly review: failures and timeouts on tiny notebooks, then the real report of the sample."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from conftest import sources

from journeykit.cli import main
from journeykit.report import quarterly

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("01_define_objective", "02_gather_research", "04_map_stages")


def tiny_notebooks(folder: Path, bodies: dict[str, str]) -> Path:
    """Notebooks named like steps, each with a parameters cell and one body cell."""
    folder.mkdir(parents=True, exist_ok=True)
    for step, body in bodies.items():
        notebook = new_notebook(cells=[
            new_code_cell('workspace = ""\nquarter = ""\nlang = "en"\ninteractive = False\nsummary_dir = ""',
                          metadata={"tags": ["parameters"]}),
            new_code_cell(body),
        ])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, folder / f"{step}.ipynb")
    return folder


EVENTS = "customer_id,timestamp,touchpoint,channel\nc1,2024-07-01 10:00,home_view,web\n"


@pytest.fixture
def workspace(make_workspace) -> Path:
    return make_workspace(sources("events: {path: data/events.csv}"), {"data/events.csv": EVENTS})


def test_a_failing_step_does_not_stop_the_others(workspace, tmp_path, capsys):
    notebooks = tiny_notebooks(tmp_path / "nb", {
        "01_define_objective": 'print("objective for", quarter)',
        "02_gather_research": 'raise ValueError("the research export is empty")',
        "04_map_stages": 'print("stages")',
    })
    out = tmp_path / "reports" / "2024Q3"
    code = quarterly(workspace, quarter="2024Q3", out=out, steps=STEPS, notebooks=notebooks, jobs=2)
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{s}.{ext}" for s in STEPS for ext in ("html", "ipynb")] + ["index.html", "run.json"])
    failed = (out / "02_gather_research.html").read_text(encoding="utf-8")
    assert "failed at cell 3: ValueError: the research export is empty" in failed  # In [3], after the parameters
    assert "objective for 2024Q3" in (out / "01_define_objective.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "1 step(s) failed" in index and 'class="badge failed"' in index
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [step["status"] for step in run["steps"]] == ["ok", "failed", "ok"]
    assert "02_gather_research: failed at cell 3: ValueError" in capsys.readouterr().err


def test_a_cell_timeout_is_a_failed_step(workspace, tmp_path):
    notebooks = tiny_notebooks(tmp_path / "nb", {
        "01_define_objective": "import time\ntime.sleep(60)",
        "02_gather_research": 'print("research")',
    })
    out = tmp_path / "report"
    code = quarterly(workspace, quarter="2024Q3", out=out, steps=STEPS[:2], notebooks=notebooks, timeout=5)
    assert code == 1
    page = (out / "01_define_objective.html").read_text(encoding="utf-8")
    assert "timed out at cell 3" in page and "ran longer than 5 s" in page
    assert "research" in (out / "02_gather_research.html").read_text(encoding="utf-8")


def test_invalid_data_stops_everything_before_any_step(make_workspace, tmp_path, capsys):
    workspace = make_workspace(sources("events: {path: data/events.csv}"),
                               {"data/events.csv": EVENTS.replace("2024-07-01 10:00", "someday")})
    out = tmp_path / "reports" / "2024Q3"
    assert main(["quarterly", str(workspace), "--quarter", "2024Q3", "--out", str(out)]) == 2
    assert "'someday' is not a date and time" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


# --- the real report of the sample company (one run per quarter, shared with test_notebooks.py) --------


def test_the_sample_report_is_complete(reports):
    for quarter in ("2026Q2", "2026Q3"):
        assert reports["codes"][quarter] == 0
        names = {path.name for path in reports[quarter].iterdir()}
        steps = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        assert {f"{step}.html" for step in steps} | {f"{step}.ipynb" for step in steps} | {"index.html"} <= names
    assert not [p for p in (reports["base"] / "reports").iterdir() if p.name.startswith(".")]  # no leftovers


def test_pages_hide_code_and_need_no_network(reports):
    for page in reports["2026Q3"].glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "import journeykit" not in text and "jk.study" not in text
        assert not re.search(r'(src|href)="(https?:)?//', text), page.name
        assert "<script" not in text, page.name


def test_the_index_compares_with_the_previous_quarter(reports):
    index = (reports["2026Q3"] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index and "Revue trimestrielle 2026Q3" in index
    assert "Indicateurs par rapport à 2026Q2" in index
    assert "Aucun rapport du trimestre précédent" not in index  # 2026Q2 was found next to it
    assert "▲" in index or "▼" in index
    english = (reports["2026Q2"] / "index.html").read_text(encoding="utf-8")
    assert "No report of the previous quarter was found" in english


def test_a_second_run_is_refused_and_changes_nothing(reports, capsys):
    out = reports["2026Q3"]
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    code = main(["quarterly", str(reports["workspace"]), "--quarter", "2026Q3", "--out", str(out)])
    assert code == 2 and "already exists" in capsys.readouterr().err
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_a_relative_out_folder_is_where_the_caller_is(workspace, tmp_path, monkeypatch):
    # papermill's cwd= would chdir the whole process while parallel steps run: paths must not move
    notebooks = tiny_notebooks(tmp_path / "nb", {step: 'print("ok")' for step in STEPS})
    caller = tmp_path / "caller"
    caller.mkdir()
    monkeypatch.chdir(caller)
    assert quarterly(workspace, quarter="2024Q3", out="reports/2024Q3", steps=STEPS, notebooks=notebooks,
                     jobs=3) == 0
    assert (caller / "reports" / "2024Q3" / "index.html").exists()
    assert Path.cwd() == caller
    assert sorted(p.name for p in (caller / "reports").iterdir()) == ["2024Q3"]


def test_the_same_inputs_give_the_same_report(reports, tmp_path):
    import shutil

    workspace = tmp_path / "workspace"
    shutil.copytree(ROOT / "sample_data", workspace,
                    ignore=shutil.ignore_patterns(".journeykit", "measures", "history"))
    again = tmp_path / "2026Q2"
    assert quarterly(workspace, quarter="2026Q2", out=again, lang="en", jobs=2) == 0
    first = reports["2026Q2"]
    for page in sorted(first.glob("*.html")):
        # the only expected difference: where each workspace lives (the map names its export files)
        expected = page.read_text(encoding="utf-8").replace(str(reports["workspace"]), "WORKSPACE")
        produced = (again / page.name).read_text(encoding="utf-8").replace(str(workspace), "WORKSPACE")
        assert produced == expected, page.name


def test_a_notebook_never_sees_the_variables_of_the_previous_one(workspace, tmp_path):
    # one worker runs both notebooks in its kernel, which is reset in between
    notebooks = tiny_notebooks(tmp_path / "nb", {
        "01_define_objective": "leftover = 'from step 1'",
        "02_gather_research": "print('isolated' if 'leftover' not in globals() else 'LEAKED')",
    })
    out = tmp_path / "report"
    assert quarterly(workspace, quarter="2024Q3", out=out, steps=STEPS[:2], notebooks=notebooks, jobs=1) == 0
    page = (out / "02_gather_research.html").read_text(encoding="utf-8")
    assert "isolated" in page and "LEAKED" not in page
