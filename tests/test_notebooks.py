"""Every step notebook, executed on a copy of the sample workspace, in both languages.

The notebooks run through the real quarterly pipeline (``journeykit quarterly``): 2026Q2 in English, then
2026Q3 in French with the 2026Q2 report as the previous one. The assertions read the JSON summary each
notebook writes, and check the sample company's planted facts (``sample_data/README.md``) where a step is
meant to recover them. The report itself (pages, index, offline rendering) is tested in test_quarterly.py
on the same run.
"""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm
import pytest
from conftest import RUNS

from journeykit import sample

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STEPS = sorted(path.stem for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def run(step: str, workspace: Path, out: Path, quarter: str, lang: str, **parameters) -> Path:
    output = out / f"{step}.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS / f"{step}.ipynb"), str(output), kernel_name="python3", cwd=str(NOTEBOOKS),
        progress_bar=False,
        parameters={"workspace": str(workspace), "quarter": quarter, "lang": lang, "interactive": False,
                    "summary_dir": str(out), **parameters},
    )
    return output


def summary(reports: dict[str, Path], quarter: str, step: str) -> dict:
    return json.loads((reports[quarter] / f"{step}.json").read_text(encoding="utf-8"))


def test_every_step_has_a_notebook():
    assert len(STEPS) == 10, STEPS


@pytest.mark.parametrize("quarter,lang", RUNS)
def test_every_notebook_ran_and_wrote_its_summary(reports, quarter, lang):
    assert reports["codes"][quarter] == 0
    for step in STEPS:
        data = summary(reports, quarter, step)
        assert data["step"] == step and data["quarter"] == quarter
        executed = json.loads((reports[quarter] / f"{step}.ipynb").read_text(encoding="utf-8"))
        errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors == []


def test_narrative_is_in_the_chosen_language(reports):
    english = (reports["2026Q2"] / "04_map_stages.ipynb").read_text(encoding="utf-8")
    french = (reports["2026Q3"] / "04_map_stages.ipynb").read_text(encoding="utf-8")
    assert "Map the stages" in english and "Cartographier les étapes" not in english
    assert "Cartographier les étapes" in french and "Map the stages" not in french


def test_objective_measures_the_target_kpi(reports):
    data = summary(reports, "2026Q3", "01_define_objective")
    assert data["target_kpi"] == "nps"
    assert data["current"]["n"] > 1000 and -100 <= data["current"]["value"] <= 100


def test_research_finds_the_planted_data_quality_issues(reports):
    data = summary(reports, "2026Q3", "02_gather_research")
    codes = {finding["code"] for finding in data["findings"]}
    assert {"unmapped_touchpoint", "duplicate_rows", "out_of_range", "unknown_customers"} <= codes
    assert data["gaps"] == []


def test_stages_funnel_is_measured_per_stage(reports):
    data = summary(reports, "2026Q3", "04_map_stages")
    assert len(data["stages"]) == 7
    assert [row["stage"] for row in data["funnel"]] == data["stages"]
    assert data["by_persona"] is not None  # step 3 ran before


def test_touchpoints_find_the_unmapped_whatsapp(reports):
    for quarter, _ in RUNS:
        data = summary(reports, quarter, "05_inventory_touchpoints")
        unmapped = {row["touchpoint"]: row for row in data["unmapped"]}
        assert sample.UNMAPPED_EVENT in unmapped
        assert unmapped[sample.UNMAPPED_EVENT]["suggested_stage"] == "support"


def test_alignment_measures_every_kpi(reports):
    data = summary(reports, "2026Q3", "08_align_business")
    assert {row["kpi"] for row in data["kpis"]} >= {"nps", "fcr", "conversion", "churn"}
    assert all(row["value"] is not None for row in data["kpis"] if row["kpi"] in ("nps", "fcr", "conversion"))


def test_validation_records_the_quarter_in_the_workspace(reports):
    data = summary(reports, "2026Q3", "10_validate_and_refine")
    assert 0 <= data["conformance"]["conforming"] <= 1
    assert any("whatsapp_message" in change["en"] for change in data["changes"])
    journey = (reports["workspace"] / "journey.yaml").read_text(encoding="utf-8")
    assert "quarter: 2026Q2" in journey and "quarter: 2026Q3" in journey


def test_a_bad_parameter_fails_with_a_clear_message(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as raised:
        run("04_map_stages", ROOT / "sample_data", tmp_path, "2026-Q5", "en")
    assert "The 'quarter' parameter of study must be a quarter written like '2026Q3'. Got '2026-Q5' instead." in (
        str(raised.value))
    assert not (ROOT / "sample_data" / "measures").exists()
