"""`journeykit check` on the sample workspace, and on a copy broken in several places at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from journeykit import cli, sample

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def workspace(tmp_path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(ROOT / "sample_data", target, ignore=shutil.ignore_patterns(".journeykit", "measures", "history"))
    return target


def test_the_sample_is_valid_and_its_findings_are_the_planted_ones(workspace, capsys):
    assert cli.main(["check", str(workspace)]) == 0
    out = capsys.readouterr().out
    assert "Valid." in out
    assert f"'{sample.UNMAPPED_EVENT}'" in out
    assert "exact duplicate rows: 6" in out  # planted: 6 duplicated survey answers
    assert "nps outside 0-10: 5 values (11)" in out  # planted: 5 NPS of 11
    assert "tickets closed before they were opened: 4" in out
    assert "customers not in the customers table: 5 (40 rows of events)" in out
    assert out.count("\n  - ") == 5  # and nothing else


def test_a_broken_copy_lists_every_problem(workspace, capsys):
    crm = workspace / "data" / "crm_clients.csv"
    text = crm.read_bytes().decode("cp1252").split("\r\n")
    fields = text[3].split(";")
    fields[2] = "31/02/2025"  # row 4, "Date d'inscription": not a date
    text[3] = ";".join(fields)
    crm.write_bytes("\r\n".join(text).encode("cp1252"))
    journey = (workspace / "journey.yaml").read_text(encoding="utf-8")
    journey = journey.replace("Call centre: phone", "Call centre: telephone", 1)  # not a channel id
    (workspace / "journey.yaml").write_text(journey, encoding="utf-8")
    survey = workspace / "data" / "survey_responses.csv"
    frame = pd.read_csv(survey, encoding="utf-8-sig", dtype=str)
    frame = frame.drop(columns=["submitted_at"])  # a required column disappears from the export
    frame.to_csv(survey, index=False, encoding="utf-8-sig")

    assert cli.main(["check", str(workspace)]) == 2
    err = capsys.readouterr().err
    assert "crm_clients.csv, row 4, column \"Date d'inscription\" (signup_date): '31/02/2025' is not a date" in err
    assert "'Call centre' is mapped to 'telephone', which is not a known channel" in err
    assert "survey_responses.csv: has no column 'submitted_at' (mapped to date)" in err
    assert "(3 problems)" in err
