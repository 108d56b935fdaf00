"""Personal data: ``journeykit check`` says which columns hold it, and no report output of the sample shows any.

The sample company plants e-mail addresses and phone numbers in survey verbatims and interview transcripts
(``sample_data/README.md``, section e) and identifies customers as ``VRD-000123``. The quarterly report of
a sample copy (the ``reports`` fixture: 2026Q2 in English, 2026Q3 in French) must contain none of them in any
HTML page, executed notebook, JSON summary, CSV or map export, nor the workspace's pseudonymisation key.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from conftest import SAMPLE, JOURNEY, sources

import journeykit as jk
from journeykit import canvases, cli, map_export, pii, privacy, sample

CUSTOMER_ID = r"VRD-\d{6}"
PLANTED = re.compile("|".join(f"(?:{pattern})" for pattern in sample.PII_PATTERNS.values()) + "|" + CUSTOMER_ID)
SCANNED = {".html", ".ipynb", ".json", ".csv", ".mmd", ".svg", ".md", ".txt", ".xlsx"}


def planted_values() -> set[str]:
    """Every e-mail address, phone number and customer id planted in the sample's data."""
    survey = pd.read_csv(SAMPLE / "data" / "survey_responses.csv", encoding="utf-8-sig", dtype=str)
    crm = pd.read_csv(SAMPLE / "data" / "crm_clients.csv", sep=";", encoding="cp1252", dtype=str)
    texts = list(survey["verbatim"].dropna()) + [p.read_text(encoding="utf-8") for p in
                                                 (SAMPLE / "interviews").glob("*.md")]
    found = {match for text in texts for match in PLANTED.findall(text)}
    return found | set(crm["N° client"]) | set(sample.ORPHAN_USERS)


def readable_text(path: Path) -> str:
    """What a reader of the file can see: entities decoded, notebook and JSON strings joined, spaces folded."""
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        text = "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    elif path.suffix in (".ipynb", ".json"):
        strings: list[str] = []

        def walk(value) -> None:
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, dict):
                for key, item in value.items():
                    if key not in ("image/png",):  # base64 pictures hold no text
                        walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(json.loads(path.read_text(encoding="utf-8")))
        text = "\n".join(strings)
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    return re.sub(r"\s+", " ", html.unescape(html.unescape(text)))


def outputs(reports) -> list[Path]:
    """Every file a quarterly run wrote: both report folders and the workspace's measures."""
    folders = [reports["2026Q2"], reports["2026Q3"], reports["workspace"] / "measures"]
    return sorted(path for folder in folders for path in folder.rglob("*")
                  if path.is_file() and path.suffix in SCANNED)


def test_the_scanner_finds_what_was_planted(tmp_path):
    planted = planted_values()
    assert len([v for v in planted if "@" in v]) >= 50  # 57 verbatims and 5 interviews give an address
    assert len([v for v in planted if re.fullmatch(CUSTOMER_ID, v)]) == 20_005  # the CRM and 5 deleted accounts
    leak = tmp_path / "page.html"
    leak.write_text("<td>VRD-000042</td><p>call&nbsp;06&#32;39 98 12 34</p>", encoding="utf-8")
    assert set(PLANTED.findall(readable_text(leak))) == {"VRD-000042", "06 39 98 12 34"}


def test_no_planted_personal_data_in_any_report_output(reports, tmp_path):
    assert reports["codes"] == {"2026Q2": 0, "2026Q3": 0}
    # the map exported for spreadsheets too (its thoughts lane may hold customer quotes)
    study = jk.study(reports["workspace"], "2026Q3", "fr")
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    exported = map_export.export(chart, tmp_path, table=map_export.table(study))
    files = outputs(reports) + [exported["csv"], exported["xlsx"]]
    suffixes = [f.suffix for f in files]
    assert (suffixes.count(".html"), suffixes.count(".ipynb")) == (22, 20)  # 11 pages and 10 notebooks a quarter
    for kind in canvases.KINDS:  # the printable canvases, filled from the workspace
        page = tmp_path / f"{kind}.html"
        page.write_text(canvases.filled(kind, reports["workspace"], lang="fr", quarter="2026Q3"), encoding="utf-8")
        files.append(page)
    planted = planted_values()
    key_file = reports["workspace"] / privacy.KEY_FILE  # read, never created here: the workspace is shared
    key = key_file.read_text(encoding="ascii").strip() if key_file.exists() else "no key in this workspace"
    leaks = {}
    for path in files:
        text = readable_text(path)
        found = set(PLANTED.findall(text))  # any id or planted pattern, planted or not, is a leak
        if found or key in text:
            leaks[str(path)] = sorted(found)[:5] + (["the pseudonymisation key"] if key in text else [])
    assert leaks == {}
    assert planted  # and the scan above looked for them


# --- journeykit check: which columns look like personal data, and whether they are used ---------------

CRM = (
    "Client ID;E-mail;Téléphone;IBAN;Adresse;Nom;Date de naissance;Opt-in e-mail;Contact;Notes;Offre\n"
    "c1;marie.dupont@example.fr;06 39 98 12 34;FR76 3000 6000 0112 3456 7890 189;12 rue de la Paix, 75002 Paris;"
    "Marie Dupont;1980-04-02;Oui;marie.dupont@example.fr;Rappeler au 06 39 98 12 35;Passion\n"
    "c2;tom.evans@example.org;+44 7700 900123;GB33 BUKB 2020 1555 5555 55;4 Baker Street, London;Tom Evans;"
    "1975-11-30;Non;tom.evans@example.org;Happy customer;Discovery\n"
    "c3;jean.martin@example.com;07700 900456;DE89 3704 0044 0532 0130 00;8 avenue Foch, 69006 Lyon;Jean Martin;"
    "1990-01-15;Oui;jean.martin@example.com;;Passion\n"
)


@pytest.fixture
def crm_workspace(make_workspace):
    return make_workspace(sources("""
        customers:
          path: data/crm.csv
          columns: {customer_id: Client ID, plan: Offre, segment: Contact}
          attributes: [Date de naissance]
        """), {"data/crm.csv": CRM})


def test_check_lists_personal_columns_and_their_use(crm_workspace, capsys):
    assert cli.main(["check", "--json", str(crm_workspace)]) == 0
    found = {c["column"]: (c["kinds"], c["used_as"]) for c in json.loads(capsys.readouterr().out)["personal_data"]}
    assert found == {
        "Client ID": (["identifier"], "customer_id"),
        "E-mail": (["email"], None),
        "Téléphone": (["phone"], None),
        "IBAN": (["iban"], None),
        "Adresse": (["address"], None),
        "Nom": (["name"], None),
        "Date de naissance": (["birth_date"], "attribute 'Date de naissance'"),
        "Contact": (["email"], "segment"),  # found by its content only, and mapped: it would reach reports
        "Notes": (["phone"], None),  # free text with a number in one row of two
    }  # "Opt-in e-mail" (a consent flag) and "Offre" are not personal


def test_check_says_how_each_column_is_used(crm_workspace, capsys):
    assert cli.main(["check", str(crm_workspace)]) == 0
    out = capsys.readouterr().out
    assert cli.main(["check", str(crm_workspace)]) == 0  # the second check reads the staged cache
    assert capsys.readouterr().out == out
    assert "Personal data (9 column(s)" in out
    assert ("customers, data/crm.csv, column 'Contact': e-mail addresses (by content: 3 of 3 sampled values); used "
            "as segment: its values can reach reports; map another column unless needed") in out
    assert "column 'Client ID': raw customer identifiers (by name; mapped to customer_id); used as customer_id: " \
           "pseudonymised in every output" in out
    assert "column 'Notes': phone numbers (by content: 1 of 2 sampled values); not used by the map" in out
    assert out.rstrip().endswith("Valid.")


def test_free_text_and_transcripts_with_personal_data(make_workspace, capsys):
    folder = make_workspace(sources("""
        survey:
          path: data/survey.csv
          columns: {comment: verbatim}
        interviews:
          path: interviews
        """), {
        "data/survey.csv": "date,verbatim\n2026-07-01,Great plants\n2026-07-02,Write to a.b@example.com please\n",
        "interviews/i1.md": "---\ncustomer_id: c7\n---\n## discover\n> Call me on +33 6 39 98 00 11.\n",
        "interviews/i2.md": "## discover\n> I saw an ad.\n",
    })
    assert cli.main(["check", "--json", str(folder)]) == 0
    found = {c["table"]: c for c in json.loads(capsys.readouterr().out)["personal_data"]}
    assert (found["survey"]["column"], found["survey"]["kinds"], found["survey"]["used_as"]) == \
        ("verbatim", ["email"], "comment")
    assert found["interviews"]["kinds"] == ["phone", "identifier"]
    assert found["interviews"]["evidence"] == ["phone in 1 of 2 transcripts",
                                               "customer_id in the front matter of 1 of 2 transcripts"]


def test_a_workspace_without_personal_data_says_so(make_workspace, capsys):
    folder = make_workspace(JOURNEY)
    assert cli.main(["check", str(folder)]) == 0
    assert "No column looks like personal data." in capsys.readouterr().out


@pytest.mark.parametrize("column, kinds", [
    ("E-mail du client", ["email"]), ("courriel", ["email"]), ("Téléphone portable", ["phone"]),
    ("contact_phone", ["phone"]), ("IBAN", ["iban"]), ("Adresse postale", ["address"]), ("Code postal", ["address"]),
    ("Nom", ["name"]), ("Prénom", ["name"]), ("last_name", ["name"]), ("Date de naissance", ["birth_date"]),
    ("DOB", ["birth_date"]), ("N° client", ["identifier"]), ("customer_id", ["identifier"]),
    ("user_id", ["identifier"]), ("respondent", ["identifier"]),
    # not personal: names of things, consent flags, counts
    ("event_name", []), ("Nom du produit", []), ("Opt-in e-mail", []), ("email_opened", []),
    ("Nb commandes", []), ("touchpoint", []), ("session_id", []), ("Panier mensuel (€)", []),
])
def test_column_names_that_announce_personal_data(column, kinds):
    assert [kind for kind, _ in pii.name_kinds(column)] == kinds
