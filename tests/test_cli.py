"""The journeykit command: return codes, what it prints, and what it writes (or leaves alone)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import sources

from journeykit.cli import main
from journeykit.templates import template_names

EVENTS = (
    "customer_id,timestamp,touchpoint,channel\n"
    "c1,2024-09-13 10:00,home_view,web\n"
    "c1,2024-09-30 23:59,checkout,web\n"  # the last minute of 2024Q3
    "c2,2024-10-01 00:00,home_view,web\n"  # the first minute of 2024Q4
)


@pytest.fixture
def valid(make_workspace) -> Path:
    return make_workspace(sources("events: {path: data/events.csv}"), {"data/events.csv": EVENTS})


@pytest.fixture
def invalid_data(make_workspace) -> Path:
    return make_workspace(sources("""
        events: {path: data/events.csv}
        tickets: {path: data/tickets.csv}
        """), {
        "data/events.csv": EVENTS + "c3,someday,home_view,web\n",  # row 5
        "data/tickets.csv": "ticket_id,opened_at\nt1,2024-09-13\n",  # no customer_id
    })


# --- init ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", template_names())
def test_init_with_each_template(tmp_path, capsys, template):
    target = tmp_path / "new"
    assert main(["init", str(target), "--template", template]) == 0
    assert sorted(path.name for path in target.iterdir()) == ["data", "interviews", "journey.yaml"]
    assert (target / "data" / "README.md").read_text(encoding="utf-8").startswith("# Data folder")
    assert f"template: {template}" in (target / "journey.yaml").read_text(encoding="utf-8")
    assert f"from the {template!r} template" in capsys.readouterr().out
    assert main(["check", str(target)]) == 0  # a fresh workspace is valid


def test_init_with_an_unknown_template_writes_nothing(tmp_path, capsys):
    assert main(["init", str(tmp_path / "new"), "--template", "retail"]) == 2
    assert not (tmp_path / "new").exists()
    assert "The 'template' parameter of init must be one of b2b_service, ecommerce" in capsys.readouterr().err


def test_init_into_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["init", str(tmp_path), "--template", "saas"]) == 2
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
    assert "is not empty" in capsys.readouterr().err


# --- check ---------------------------------------------------------------------------------------------


def test_check_a_valid_workspace(valid, capsys):
    assert main(["check", str(valid)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"Workspace {valid.resolve()}: Tiny shop (3 stages, 4 touchpoints, revision 0)"
    assert "data/events.csv" in out
    assert out.rstrip().endswith("Valid.")


def test_check_prints_every_problem(invalid_data, capsys):
    assert main(["check", str(invalid_data)]) == 2
    captured = capsys.readouterr()
    assert "Valid." not in captured.out
    assert "(2 problems):" in captured.err
    assert f"{invalid_data / 'data' / 'events.csv'}, row 5, column 'timestamp': 'someday'" in captured.err
    assert f"{invalid_data / 'data' / 'tickets.csv'}: has no column for 'customer_id'" in captured.err


def test_check_a_broken_journey(make_workspace, capsys):
    folder = make_workspace("name: Demo\nstages:\n  - {id: Buy, name: Buy}\n")
    assert main(["check", str(folder)]) == 2
    assert "journey.yaml, line 3: stages[0].id: 'Buy' is not a valid id" in capsys.readouterr().err


def test_check_a_folder_without_workspace(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    assert "No journey.yaml in" in capsys.readouterr().err


def test_check_json(valid, capsys):
    assert main(["check", str(valid), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is True and result["problems"] == []
    assert result["tables"]["events"]["rows"] == 3
    assert result["tables"]["events"]["customers"] == 2
    assert result["missing"] == ["customers", "survey", "tickets", "interviews"]


def test_check_json_with_problems(invalid_data, capsys):
    assert main(["check", str(invalid_data), "--json"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is False
    assert len(result["problems"]) == 2


# --- quarterly -----------------------------------------------------------------------------------------


def test_quarterly_refuses_to_overwrite_a_report(valid, tmp_path, capsys):
    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("the report of last week", encoding="utf-8")
    assert main(["quarterly", str(valid), "--quarter", "2024Q3", "--out", str(out), "--lang", "fr"]) == 2
    assert "already exists; a report is never overwritten Pass --force" in capsys.readouterr().err
    assert [path.name for path in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "the report of last week"


def test_quarterly_lists_every_bad_argument(valid, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["quarterly", str(valid), "--quarter", "2024Q9", "--out", str(out), "--jobs", "0",
                 "--timeout", "0"]) == 2
    err = capsys.readouterr().err
    assert "(3 problems)" in err and "--jobs" in err and "--timeout" in err and "--quarter" in err
    assert not out.exists()


@pytest.mark.parametrize("quarter", ["2024Q5", "Q3 2024", "2024"])
def test_quarterly_with_an_invalid_quarter(valid, tmp_path, capsys, quarter):
    out = tmp_path / "report"
    assert main(["quarterly", str(valid), "--quarter", quarter, "--out", str(out)]) == 2
    assert "The '--quarter' parameter of journeykit quarterly must be a quarter written like '2026Q3'" in (
        capsys.readouterr().err)
    assert not out.exists()


def test_quarterly_on_invalid_data_writes_nothing(invalid_data, tmp_path, capsys):
    out = tmp_path / "reports" / "2024Q3"
    assert main(["quarterly", str(invalid_data), "--quarter", "2024Q3", "--out", str(out)]) == 2
    assert "row 5, column 'timestamp': 'someday'" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()
