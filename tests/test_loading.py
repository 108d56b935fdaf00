"""Loading end to end: tiny workspaces, every problem listed at once, findings counted by hand, the cache."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import sources

from journeykit.errors import DataError
from journeykit.loading import check, load

EVENTS_HEADER = "customer_id,timestamp,touchpoint,channel\n"


def rows(dataset, table: str, columns: str = "*", order: str = "1") -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(f"SELECT {columns} FROM read_parquet(?) ORDER BY {order}",
                           [str(dataset.path(table))]).fetchall()


def problems_of(folder: Path) -> list[str]:
    problems, _ = check(folder)
    return [str(problem) for problem in problems]


def findings_of(dataset) -> dict[tuple[str, str], int]:
    return {(finding.table, finding.code): finding.count for finding in dataset.findings}


# --- mapping a company's own files -------------------------------------------------------------------


def test_french_export_with_french_column_names(make_workspace):
    folder = make_workspace(sources("""
        customers:
          path: data/clients.csv
          columns: {customer_id: Identifiant client, signup_date: Date d'inscription,
                    monthly_value: Montant mensuel, churned: Résilié}
        events:
          path: data/événements.csv
          columns: {customer_id: Client, timestamp: Horodatage, touchpoint: Événement, channel: Canal}
        """), {
        "data/clients.csv": (
            "Identifiant client;Date d'inscription;Montant mensuel;Résilié\n"
            "c1;13/09/2024;1 234,5;non\n"
            "c2;1er mars 2025;29,90 €;oui\n"
        ).encode("cp1252"),
        "data/événements.csv": (
            "Client;Horodatage;Événement;Canal\n"
            "c1;13/09/2024 10:00;home_view;Site web\n"  # the French name of the channel 'web'
            "c1;13/09/2024 10:05;Tarifs;E-mail\n"  # the French name of the touchpoint 'pricing'
            "c2;14/09/2024 09:30;pricing_page;Téléphone\n"
        ).encode("cp1252"),
    })
    dataset = load(folder)
    assert rows(dataset, "customers", "customer_id, signup_date, monthly_value, churned") == [
        ("c1", date(2024, 9, 13), 1234.5, False), ("c2", date(2025, 3, 1), 29.9, True)]
    assert rows(dataset, "events", "customer_id, timestamp, touchpoint, channel", "2") == [
        ("c1", datetime(2024, 9, 13, 10, 0), "home", "web"),
        ("c1", datetime(2024, 9, 13, 10, 5), "pricing", "email"),
        ("c2", datetime(2024, 9, 14, 9, 30), "pricing", "phone"),
    ]
    assert dataset.tables["events"].columns == {"customer_id": "Client", "timestamp": "Horodatage",
                                                "touchpoint": "Événement", "channel": "Canal"}
    assert dataset.findings == []


def test_columns_are_found_by_name_without_a_mapping(make_workspace):
    # 'Customer ID' and 'Time Stamp' fold to the contract names customer_id and timestamp
    folder = make_workspace(sources("events: {path: data/events.csv}"), {
        "data/events.csv": "Customer ID,Time Stamp,Touchpoint,Channel\nc1,2024-09-13 10:00,home_view,web\n"})
    assert load(folder).tables["events"].columns == {"customer_id": "Customer ID", "timestamp": "Time Stamp",
                                                      "touchpoint": "Touchpoint", "channel": "Channel"}


# --- problems ----------------------------------------------------------------------------------------


def test_every_problem_is_reported_together(make_workspace):
    folder = make_workspace(sources("""
        events: {path: data/events.csv}
        tickets: {path: data/tickets.csv}
        """), {
        "data/events.csv": EVENTS_HEADER  # row 1
        + "c1,2024-09-13 10:00,home_view,web\n"  # row 2
        + "c1,2024-09-13 10:05,view_pricing,web\n"  # row 3
        + "c2,31/02/2024 09:00,pricing_page,web\n"  # row 4: there is no 31 February
        + "c2,2024-09-14 09:05,checkout,fax\n",  # row 5: fax is not a channel
        "data/tickets.csv": "ticket_id,opened_at\nt1,2024-09-13 10:00\n",  # no customer_id
    })
    with pytest.raises(DataError) as caught:
        load(folder)
    error = caught.value
    assert isinstance(error, ValueError)
    events, tickets = folder / "data" / "events.csv", folder / "data" / "tickets.csv"
    found = [str(problem) for problem in error.problems]
    assert len(found) == 3
    assert found[0].startswith(f"{events}, row 4, column 'timestamp': '31/02/2024 09:00' is not a date and time "
                               "(2026-09-13 14:05:00, 13/09/2026 14:05 or an ISO 8601 value with offset).")
    assert found[1].startswith(f"{events}, row 5, column 'channel': 'fax' is not a known channel")
    assert "Known: app, chat, email, field, mail, partner, phone, social, store, web." in found[1]
    assert found[2].startswith(f"{tickets}: has no column for 'customer_id'")
    assert "which tickets requires. Columns in the file: 'ticket_id', 'opened_at'" in found[2]
    assert str(error).startswith("The data does not follow the data contract (3 problems):")
    assert all(problem in str(error) for problem in found)


def test_unknown_value_counts_its_rows_in_words(make_workspace):
    folder = make_workspace(sources("events: {path: data/events.csv}"), {
        "data/events.csv": EVENTS_HEADER + "c1,2024-09-13 10:00,home_view,fax\n"})
    [problem] = problems_of(folder)
    assert "'fax' is not a known channel (1 row)." in problem


def test_row_numbers_count_the_header_and_blank_cells(make_workspace):
    # required timestamp blank in row 3; row numbers are those a spreadsheet shows (header = row 1)
    folder = make_workspace(sources("events: {path: data/events.csv}"), {
        "data/events.csv": EVENTS_HEADER + "c1,2024-09-13 10:00,home_view,web\nc1,,home_view,web\n"})
    assert problems_of(folder) == [
        f"{folder / 'data' / 'events.csv'}, row 3, column 'timestamp': is blank, but timestamp is required "
        "(a date and time (2026-09-13 14:05:00, 13/09/2026 14:05 or an ISO 8601 value with offset))"]


def test_row_numbers_after_a_malformed_line(make_workspace):
    folder = make_workspace(sources("events: {path: data/events.csv}"), {
        "data/events.csv": EVENTS_HEADER
        + "c1,2024-09-13 10:00,home_view,web\n"  # line 2
        + "c1,2024-09-13 10:05\n"  # line 3: two fields missing
        + "c1,2024-09-13 10:06,home_view,web\n"  # line 4
        + "c1,yesterday,home_view,web\n"})  # line 5
    events = folder / "data" / "events.csv"
    found = problems_of(folder)
    assert [problem.split(":")[0] for problem in found] == [f"{events}, line 3", f"{events}, row 5, column 'timestamp'"]


def test_more_than_five_bad_rows_are_summarised(make_workspace):
    # 9 responses; rows 2-3 score 5, rows 4-10 (7 rows) score 'x'
    lines = "".join(f"2024-09-{day:02d},{5 if day <= 2 else 'x'}\n" for day in range(1, 10))
    folder = make_workspace(sources("survey: {path: data/survey.csv}"), {"data/survey.csv": "date,nps\n" + lines})
    survey = folder / "data" / "survey.csv"
    found = problems_of(folder)
    assert [problem.split(":")[0] for problem in found[:5]] == [
        f"{survey}, row {row}, column 'nps'" for row in (4, 5, 6, 7, 8)]
    assert "'x' is not a whole number from 0 to 10." in found[0]
    # 7 bad rows, 5 shown: 2 more
    assert found[5:] == [f"{survey}, column 'nps': 2 more rows with the same problem (7 in all)"]


def test_integer_score_with_decimals_is_a_problem(make_workspace):
    folder = make_workspace(sources("survey: {path: data/survey.csv}"), {
        "data/survey.csv": "date;nps\n13/09/2024;7,0\n14/09/2024;7,5\n"})
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'data' / 'survey.csv'}, row 3, column 'nps': '7,5' is not a whole number")


def test_unknown_mapped_column_suggests_the_closest(make_workspace):
    folder = make_workspace(sources("""
        survey:
          path: data/survey.csv
          columns: {date: Date, comment: Comentaire}
        """), {"data/survey.csv": "Date,Commentaire\n2024-09-13,ok\n"})
    assert problems_of(folder) == [
        f"{folder / 'data' / 'survey.csv'}: has no column 'Comentaire' (mapped to comment). Did you mean "
        "'Commentaire'? Columns in the file: 'Date', 'Commentaire'"]


def test_mapping_key_that_is_not_a_contract_column(make_workspace):
    folder = make_workspace(sources("""
        customers:
          path: data/customers.csv
          columns: {customer_idd: id}
        """), {"data/customers.csv": "customer_id,id\nc1,1\n"})
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'journey.yaml'}, sources.customers.columns: 'customer_idd' is not a "
                              "column of customers. Did you mean 'customer_id'? Known: customer_id, signup_date")


def test_path_outside_the_workspace_is_refused(make_workspace, tmp_path):
    (tmp_path / "x.csv").write_text(EVENTS_HEADER + "c1,2024-09-13 10:00,home_view,web\n", encoding="utf-8")
    folder = make_workspace(sources("events: {path: ../x.csv}"))
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'journey.yaml'}, sources.events.path: '../x.csv' points outside the "
                              "workspace folder")


def test_missing_file(make_workspace):
    folder = make_workspace(sources("events: {path: data/events.csv}"))
    [problem] = problems_of(folder)
    assert "sources.events.path: no file matches 'data/events.csv'" in problem


def test_values_mapped_to_an_unknown_id_are_a_problem(make_workspace):
    # values: may only translate to ids of the map; 'fax' is not a channel of journey.yaml
    folder = make_workspace(sources("""
        events:
          path: data/events.csv
          values: {channel: {Fax: fax, Internet: web}}
        """), {"data/events.csv": EVENTS_HEADER + "c1,2024-09-13 10:00,home_view,Fax\n"
                                                  "c1,2024-09-13 10:05,home_view,Internet\n"})
    found = problems_of(folder)
    assert len(found) == 1
    assert "'fax'" in found[0].lower() and "channel" in found[0]


# --- findings ----------------------------------------------------------------------------------------


FINDINGS_FILES = {
    "data/customers.csv": "customer_id,signup_date\n"
    "c1,2024-01-15\n"
    "c2,1985-06-01\n"  # before 1990
    "c3,2999-01-01\n"  # in the future
    "c1,2024-02-01\n"  # c1 again: the first row (2024-01-15) is kept
    "c4,2024-03-01\n"
    "c4,2024-03-02\n",  # c4 again. 6 rows, 2 repeated ids -> 4 customers
    "data/events.csv": EVENTS_HEADER
    + "c1,2024-09-13 10:00,home_view,web\n"
    + "c1,2024-09-13 10:00,home_view,web\n"  # exact duplicate
    + "c1,2024-09-13 10:05,newsletter_click,email\n"  # not on the map
    + "c2,2024-09-14 09:00,newsletter_click,email\n"  # not on the map
    + "c9,2024-09-14 09:30,checkout,web\n"  # c9 is not in the CRM
    + "c1,2024-09-13 10:00,home_view,web\n",  # a third copy. 6 rows, 2 duplicates -> 4 rows
    "data/survey.csv": "customer_id,date,nps\n"
    "c1,2024-09-13,9\n"
    "c2,2024-09-13,11\n"  # above 10
    "c3,2024-09-14,-1\n"  # below 0
    "c8,2024-09-15,\n",  # c8 is not in the CRM
    "data/tickets.csv": "ticket_id,customer_id,opened_at,closed_at\n"
    "t1,c1,2024-09-13 10:00,2024-09-13 09:00\n"  # closed an hour before it was opened
    "t2,c2,2024-09-13 10:00,2024-09-14 10:00\n"
    "t3,c1,2024-09-15 10:00,\n",
}
FINDINGS_SOURCES = sources("""
    customers: {path: data/customers.csv}
    events: {path: data/events.csv}
    survey: {path: data/survey.csv}
    tickets: {path: data/tickets.csv}
    """)


def test_findings_are_counted(make_workspace):
    dataset = load(make_workspace(FINDINGS_SOURCES, FINDINGS_FILES))
    assert findings_of(dataset) == {
        ("customers", "duplicate_ids"): 2,  # c1 and c4 once more each
        ("customers", "implausible_dates"): 2,  # 1985 and 2999
        ("events", "duplicate_rows"): 2,  # 6 rows -> 4
        ("events", "unmapped_touchpoint"): 2,  # newsletter_click: 2 rows
        ("events", "unknown_customers"): 1,  # c9
        ("survey", "out_of_range"): 2,  # 11 and -1
        ("survey", "unknown_customers"): 1,  # c8
        ("tickets", "time_order"): 1,  # t1
    }
    messages = {(finding.table, finding.code): finding.message for finding in dataset.findings}
    assert messages[("events", "unmapped_touchpoint")] == (
        "touchpoints not on the map: 'newsletter_click' (2 rows, 2 customers); 2 rows in all")
    assert messages[("survey", "out_of_range")] == "nps outside 0-10: 2 values (-1, 11); counted in no metric"
    examples = {(finding.table, finding.code): finding.examples for finding in dataset.findings}
    assert examples[("customers", "duplicate_ids")] == ["c1", "c4"]
    assert examples[("events", "unknown_customers")] == ["c9"]


def test_what_the_loader_does_with_findings(make_workspace):
    dataset = load(make_workspace(FINDINGS_SOURCES, FINDINGS_FILES))
    assert rows(dataset, "customers", "customer_id, signup_date") == [
        ("c1", date(2024, 1, 15)), ("c2", date(1985, 6, 1)), ("c3", date(2999, 1, 1)), ("c4", date(2024, 3, 1))]
    assert rows(dataset, "events", "customer_id, touchpoint", "1, 2") == [
        ("c1", "home"), ("c1", "newsletter_click"), ("c2", "newsletter_click"), ("c9", "checkout")]
    assert rows(dataset, "survey", "customer_id, nps") == [("c1", 9), ("c2", None), ("c3", None), ("c8", None)]
    assert rows(dataset, "tickets", "ticket_id, closed_at") == [
        ("t1", None), ("t2", datetime(2024, 9, 14, 10, 0)), ("t3", None)]
    assert (dataset.tables["customers"].rows, dataset.tables["events"].rows) == (4, 4)
    assert dataset.tables["events"].customers == 3  # c1, c2, c9
    assert dataset.tables["survey"].completeness["nps"] == 0.25  # 1 score of 4 left after blanking


# --- mapping values ----------------------------------------------------------------------------------


def test_values_and_event_mapping(make_workspace):
    folder = make_workspace(sources("""
        events:
          path: data/events.csv
          values: {channel: {Internet: web, Boutique: store}}
        """), {"data/events.csv": EVENTS_HEADER
               + "c1,2024-09-13 10:00,view_pricing,Internet\n"  # event name of 'pricing', channel via values
               + "c1,2024-09-13 10:01,pricing_page,Boutique\n"  # the other event name of 'pricing'
               + "c1,2024-09-13 10:02,pricing,E-mail\n"  # the touchpoint id itself; the channel's name
               + "c1,2024-09-13 10:03,CHECKOUT,EMAIL\n"  # case-insensitive
               + "c1,2024-09-13 10:04,Home Page,Téléphone\n"})  # touchpoint name; channel's French name
    dataset = load(folder)
    assert rows(dataset, "events", "touchpoint, channel", "timestamp") == [
        ("pricing", "web"), ("pricing", "store"), ("pricing", "email"), ("checkout", "email"), ("home", "phone")]
    assert dataset.findings == []


def test_glob_reads_every_matching_file(make_workspace):
    folder = make_workspace(sources("events: {path: data/events_*.csv}"), {
        "data/events_2024.csv": EVENTS_HEADER
        + "c1,2024-09-13 10:00,home_view,web\n"
        + "c2,2024-09-13 11:00,home_view,web\n",
        "data/events_2025.csv": EVENTS_HEADER + "c3,2025-01-02 09:00,checkout,web\n",
        "data/other.csv": EVENTS_HEADER + "c4,2025-01-02 09:00,checkout,web\n",
    })
    dataset = load(folder)
    assert dataset.tables["events"].files == ["data/events_2024.csv", "data/events_2025.csv"]
    assert rows(dataset, "events", "customer_id") == [("c1",), ("c2",), ("c3",)]


def test_pattern_extracts_the_score_from_a_sentence(make_workspace):
    folder = make_workspace(sources("""
        survey:
          path: data/survey.csv
          columns: {nps: Verbatim}
          patterns: {nps: 'note de ([0-9,]+)'}
        """), {"data/survey.csv": "date;Verbatim\n13/09/2024;Avec une note de 7,0\n14/09/2024;Une note de 10 !\n"})
    assert rows(load(folder), "survey", "nps", "date") == [(7,), (10,)]


def test_json_lines_source(make_workspace):
    folder = make_workspace(sources("events: {path: data/events.jsonl}"), {
        "data/events.jsonl": '{"customer_id": "c1", "timestamp": "2024-09-13T10:00:00+02:00", '
                             '"touchpoint": "home_view", "channel": "web"}\n'})
    assert rows(load(folder), "events", "customer_id, timestamp, touchpoint, channel") == [
        ("c1", datetime(2024, 9, 13, 8, 0), "home", "web")]


def test_excel_source_rows_as_a_spreadsheet_shows_them(make_workspace):
    folder = make_workspace(sources("survey: {path: data/survey.xlsx}"))
    (folder / "data").mkdir()
    book = openpyxl.Workbook()
    book.active.append(["date", "nps"])
    book.active.append(["13/09/2024", 7])
    book.active.append(["14/09/2024", "sept"])  # row 3
    book.save(folder / "data" / "survey.xlsx")
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'data' / 'survey.xlsx'}, row 3, column 'nps': 'sept' is not a whole number")


def test_header_only_file_loads_no_rows(make_workspace):
    folder = make_workspace(sources("events: {path: data/events.csv}"), {"data/events.csv": EVENTS_HEADER})
    dataset = load(folder)
    assert dataset.tables["events"].rows == 0
    assert rows(dataset, "events") == []


# --- the cache and missing tables --------------------------------------------------------------------


def test_each_customer_gets_a_whole_number_key_in_the_order_of_the_ids(make_workspace):
    # the key the event analyses partition and count customers by: 0, 1, 2 by customer id, on every row
    folder = make_workspace(sources("events: {path: data/events.csv}"), {"data/events.csv": EVENTS_HEADER
                            + "c2,2024-09-13 10:00,home_view,web\n" + "c10,2024-09-13 10:01,home_view,web\n"
                            + "c2,2024-09-13 10:02,checkout,web\n" + "a7,2024-09-13 10:03,checkout,web\n"})
    dataset = load(folder)
    assert rows(dataset, "events", "customer_id, customer_key", "timestamp") == [
        ("c2", 2), ("c10", 1), ("c2", 2), ("a7", 0)]  # ids sorted as text: a7, c10, c2
    # each event knows the customer's next one in the log (c2: home -> checkout), blank on the last
    assert rows(dataset, "events", "customer_id, touchpoint, following_touchpoint, following_timestamp",
                "timestamp") == [("c2", "home", "checkout", datetime(2024, 9, 13, 10, 2)), ("c10", "home", None, None),
                                 ("c2", "checkout", None, None), ("a7", "checkout", None, None)]
    with duckdb.connect() as con:  # written in key and time order
        keys = con.execute("SELECT customer_key FROM read_parquet(?)", [str(dataset.path("events"))]).fetchall()
    assert [key for (key,) in keys] == [0, 1, 2, 2]


def test_second_load_reuses_the_staged_table_until_the_file_changes(make_workspace):
    events_file = EVENTS_HEADER + "c1,2024-09-13 10:00,home_view,web\n"
    folder = make_workspace(sources("events: {path: data/events.csv}"), {"data/events.csv": events_file})
    staged = load(folder).path("events")
    first = staged.stat().st_mtime_ns
    os.utime(staged, ns=(first - 10**9, first - 10**9))  # one second older, so that a rewrite shows
    before = staged.stat().st_mtime_ns

    again = load(folder)
    assert again.path("events") == staged
    assert staged.stat().st_mtime_ns == before  # not rewritten
    assert again.tables["events"].rows == 1

    (folder / "data" / "events.csv").write_text(events_file + "c2,2024-09-14 10:00,checkout,web\n", encoding="utf-8")
    changed = load(folder)
    assert staged.stat().st_mtime_ns != before
    assert changed.tables["events"].rows == 2
    assert rows(changed, "events", "customer_id") == [("c1",), ("c2",)]


def test_changing_the_mapping_invalidates_the_cache(make_workspace):
    folder = make_workspace(sources("events: {path: data/events.csv}"), {
        "data/events.csv": EVENTS_HEADER + "c1,2024-09-13 10:00,newsletter_click,web\n"})
    assert rows(load(folder), "events", "touchpoint") == [("newsletter_click",)]
    text = (folder / "journey.yaml").read_text(encoding="utf-8")
    (folder / "journey.yaml").write_text(text.replace("events: [home_view]", "events: [home_view, newsletter_click]"),
                                         encoding="utf-8")
    assert rows(load(folder), "events", "touchpoint") == [("home",)]


def test_missing_table(make_workspace):
    folder = make_workspace(sources("events: {path: data/events.csv}"), {
        "data/events.csv": EVENTS_HEADER + "c1,2024-09-13 10:00,home_view,web\n"})
    dataset = load(folder)
    assert dataset.missing == ["customers", "survey", "tickets", "interviews"]
    assert dataset.has("events") and not dataset.has("tickets")
    with pytest.raises(DataError) as caught:
        dataset.path("tickets")
    assert str(caught.value.problems[0]) == (
        f"{folder / 'journey.yaml'}: has no 'tickets' source, which this step needs. Add sources.tickets "
        "(see data/README.md in the workspace).")


def test_interviews_folder(make_workspace):
    folder = make_workspace(sources("interviews: {path: interviews}"), {
        "interviews/i1.md": "---\nlanguage: fr\n---\n## Acheter\nQuestion ?\n> Le paiement a échoué.\n\n"
                            "> Deux fois.\n",
        "interviews/notes.csv": "ignored",
    })
    dataset = load(folder)
    assert dataset.tables["interviews"].files == ["interviews/i1.md"]
    assert dataset.tables["interviews"].rows == 2  # two blockquotes
    assert "interviews" not in dataset.missing
