"""Privacy and hostile text: formula injection in CSV/Excel exports, Markdown links in user text, redaction."""

from __future__ import annotations

import csv

import altair as alt
import openpyxl
import pandas as pd
import pytest
from conftest import JOURNEY, write_workspace

import journeykit as jk
from journeykit import map_export, narrative, privacy, spreadsheet

# what a spreadsheet would run, and what it must show instead (OWASP: a leading single quote)
HOSTILE = {
    '=HYPERLINK("http://evil.example","click")': '\'=HYPERLINK("http://evil.example","click")',
    "+33 6 39 98 12 34": "'+33 6 39 98 12 34",
    "-2+3": "'-2+3",
    "@SUM(A1:A9)": "'@SUM(A1:A9)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
}
HARMLESS = ["-3.5", "+12", "42", "plain text", "a=b", "e-mail", ""]


@pytest.mark.parametrize("value, shown", HOSTILE.items())
def test_text_a_spreadsheet_would_run_gets_a_quote(value, shown):
    assert spreadsheet.neutralise(value) == shown


@pytest.mark.parametrize("value", HARMLESS + [-3.5, 7, None])
def test_numbers_and_plain_text_are_unchanged(value):
    assert spreadsheet.neutralise(value) == value


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({"=title": list(HOSTILE) + HARMLESS,
                         "score": [-3.5, 1.0, -2.0, 0.5, 3.0, -1.0, 2.0, -3.5, 12.0, 42.0, 0.0, 1.0, 2.0, 3.0]})


def test_csv_export_neutralises_every_cell_and_header(tmp_path):
    target = spreadsheet.write_csv(hostile_frame(), tmp_path / "t.csv")
    with open(target, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["'=title", "score"]
    assert [row[0] for row in rows[1:]] == list(HOSTILE.values()) + HARMLESS
    assert rows[1][1] == "-3.5" and rows[3][1] == "-2.0"  # numbers are written as numbers
    assert not [path for path in tmp_path.iterdir() if path.name.endswith(".part")]


def test_excel_export_stores_text_never_a_formula(tmp_path):
    target = spreadsheet.write_excel(hostile_frame(), tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(target).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell for cell in cells if cell.data_type == "f"] == []
    shown = [sheet.cell(row, 1).value for row in range(2, 2 + len(HOSTILE))]
    assert shown == [value.replace("\r", "\n") for value in HOSTILE.values()]  # XML reads a CR as a new line
    assert sheet.cell(1, 1).value == "'=title"
    assert sheet.cell(2, 2).value == -3.5 and sheet.cell(2, 2).data_type == "n"
    assert sheet.cell(2 + len(HOSTILE), 1).value == "-3.5"  # a number written as text stays as it was


def test_the_map_exported_as_csv_and_excel_neutralises_workshop_text(tmp_path):
    # a pain point title typed in a workshop as a formula
    folder = write_workspace(tmp_path / "ws", JOURNEY + "pain_points:\n  - id: slow\n"
                             "    title: '=HYPERLINK(\"http://evil.example\",\"click\")'\n    stage: purchase\n")
    study = jk.study(folder, "2026Q3", "fr")
    table = map_export.table(study)
    assert list(table.columns) == ["Ligne", "Découvrir", "Acheter", "Assistance"]
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    paths = map_export.export(chart, tmp_path / "out", table=table)
    text = paths["csv"].read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and ",=HYPERLINK(" not in text
    sheet = openpyxl.load_workbook(paths["xlsx"]).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_markdown_link_in_user_text_is_not_a_link():
    shown = narrative.text("04_map_stages", "warnings", "en",
                           warnings="[click](javascript:alert(1)) <img src=x onerror=alert(1)>")
    assert shown == "**To check:** &#91;click&#93;(javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt;"


def test_redaction_of_every_kind_in_both_languages():
    text = ("Marie: marie.dupont@example.fr, 06 39 98 12 34, +44 7700 900123, IBAN FR76 3000 6000 0112 3456 7890 189, "
            "12 rue de la Paix, 75002 Paris. Order 123456 on 12/09/2026.")
    assert privacy.redact(text, "fr") == ("Marie: [e-mail], [téléphone], [téléphone], IBAN [IBAN], [adresse]. "
                                          "Order 123456 on 12/09/2026.")


def test_pseudonyms_are_keyed_by_the_workspace(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = privacy.key_for(tmp_path / "a"), privacy.key_for(tmp_path / "b")
    assert privacy.key_for(tmp_path / "a") == first  # created once, then kept in the workspace
    assert (tmp_path / "a" / privacy.KEY_FILE).stat().st_mode & 0o077 == 0  # readable by its owner only
    assert privacy.pseudonym("VRD-000001", first) != privacy.pseudonym("VRD-000001", second)
    assert "VRD" not in privacy.pseudonym("VRD-000001", first)


def test_a_failed_step_page_shows_no_personal_data(tmp_path):
    import nbformat

    from journeykit import export

    error = "ValueError: 'marie.dupont@example.fr' (06 39 98 12 34) is not a known channel"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("jk.load()", outputs=[
        nbformat.v4.new_output("error", ename="ValueError", evalue=error.split(": ", 1)[1],
                               traceback=["\x1b[0;31mValueError\x1b[0m: " + error.split(": ", 1)[1]])])])
    path = tmp_path / "failed.ipynb"
    nbformat.write(notebook, path)
    page = export.notebook_body(path) + export.failure_banner("Step 5", "failed", error, 1, "en")
    assert "example.fr" not in page and "39 98" not in page
    assert page.count("[e-mail]") == 2 and page.count("[phone]") == 2  # the traceback and the banner
