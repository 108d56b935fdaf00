"""Coercion: the SQL expressions of journeykit.coerce, run by DuckDB on a few cells each."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from journeykit.coerce import cell_sql, detect_date_order, detect_decimal, fold, value_sql


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")  # as journeykit.loading sets it
    yield connection
    connection.close()


def coerce(con, values: list[str], kind: str, **settings) -> list:
    """``value_sql`` applied to one VARCHAR column holding ``values``, in order."""
    sql = value_sql("x", kind, "VARCHAR", **settings)
    rows = ", ".join(f"({index}, ?)" for index in range(len(values)))
    return [row[0] for row in con.execute(f"SELECT {sql} FROM (VALUES {rows}) t(i, x) ORDER BY i", values).fetchall()]


def one(con, value: str, kind: str, **settings):
    return coerce(con, [value], kind, **settings)[0]


# --- numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1 234,5", "1\u00a0234,5", "1\u202f234,5", "1.234,5", "1.234,50", "1 234,50 €"])
def test_decimal_comma_with_thousands(con, text):
    # normal, no-break (U+00A0) and narrow no-break (U+202F) spaces, or dots, between thousands
    assert one(con, text, "number", decimal=",") == 1234.5


@pytest.mark.parametrize("text, expected", [("1,234.5", 1234.5), ("€12", 12.0), ("$1,000", 1000.0),
                                            ("-3.25", -3.25), ("12%", 12.0), ("1e3", 1000.0)])
def test_decimal_point(con, text, expected):
    assert one(con, text, "number", decimal=".") == expected


def test_decimal_comma_small_values(con):
    assert coerce(con, ["7,0", "€12", "-0,5", "abc", "1,2,3"], "number", decimal=",") == [7.0, 12.0, -0.5, None, None]


def test_a_comma_that_does_not_group_thousands_is_not_dropped(con):
    # With '.' as the decimal mark a comma can only separate thousands (1,234): "7,5" is not 75, it is
    # unreadable (and then reported), not silently ten times too large.
    assert one(con, "7,5", "number", decimal=".") is None


def test_a_dot_that_does_not_group_thousands_is_not_dropped(con):
    # Likewise with ',' as the decimal mark (1.234,5): "1.5" is not 15.
    assert one(con, "1.5", "number", decimal=",") is None


def test_integers(con):
    # "7,0" is the whole number 7; "7,5" is not a whole number
    values = ["7", "7,0", "7,5", "-2", "1 234", "sept"]
    assert coerce(con, values, "integer", decimal=",") == [7, 7, None, -2, 1234, None]


@pytest.mark.parametrize("values, delimiter, expected", [
    (["1 234,50", "12"], "", ","),
    (["1,234.5"], "", "."),
    (["1.234,5"], "", ","),
    (["7,0", "10"], "", ","),
    (["1,234", "15,000"], "", "."),  # groups of three after every comma: thousands
    (["1,234"], ";", ","),  # ... unless the file is French Excel
    (["12", "3.5"], "", "."),
])
def test_detect_decimal(values, delimiter, expected):
    assert detect_decimal(values, delimiter) == expected


# --- dates and timestamps ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2026-09-13", datetime(2026, 9, 13)),
    ("2026-09-13 14:05", datetime(2026, 9, 13, 14, 5)),
    ("2026-09-13T14:05:30.250", datetime(2026, 9, 13, 14, 5, 30, 250000)),
    ("2026-09-13T10:00:00+02:00", datetime(2026, 9, 13, 8, 0)),  # offset converted to UTC: 10:00 - 2 h
    ("2026-09-13T10:00:00Z", datetime(2026, 9, 13, 10, 0)),
    ("13/09/2026 14:05", datetime(2026, 9, 13, 14, 5)),
    ("13/09/2026 14:05:30", datetime(2026, 9, 13, 14, 5, 30)),
    ("13-09-2026", datetime(2026, 9, 13)),
    ("13.09.26", datetime(2026, 9, 13)),
    ("13 septembre 2024", datetime(2024, 9, 13)),
    ("1er mars 2026 à 14h05", datetime(2026, 3, 1, 14, 5)),
    ("Commentaire envoyé le 16 août 2024", datetime(2024, 8, 16)),
    ("le 13 sept. 2024, 10:30", datetime(2024, 9, 13, 10, 30)),
    ("September 13, 2024", datetime(2024, 9, 13)),
    ("Sept 13 2024 10:30", datetime(2024, 9, 13, 10, 30)),
])
def test_timestamps(con, text, expected):
    assert one(con, text, "timestamp") == expected


@pytest.mark.parametrize("text", ["31/02/2024", "2024-02-31", "yesterday", "32 mars 2024", "13/13/2024"])
def test_impossible_dates_are_null(con, text):
    assert one(con, text, "timestamp") is None


def test_month_first_order(con):
    assert coerce(con, ["09/13/2024 10:00", "02/01/2024"], "timestamp", order="mdy") == [
        datetime(2024, 9, 13, 10, 0), datetime(2024, 2, 1)]


def test_date_format_option(con):
    assert coerce(con, ["2026|09|13", "13/09/2026"], "timestamp", date_format="%Y|%m|%d") == [
        datetime(2026, 9, 13), None]


def test_date_kind(con):
    sql = f"CAST({value_sql('x', 'date', 'VARCHAR')} AS DATE)"  # as the loader types a date column
    assert con.execute(f"SELECT {sql} FROM (VALUES ('13/09/2024')) t(x)").fetchone()[0] == date(2024, 9, 13)


def test_values_without_offset_do_not_depend_on_the_session_time_zone():
    # "Values without an offset are kept as written": 10:00 stays 10:00 whatever the session time zone,
    # for ISO text exactly as for dd/mm/yyyy text.
    paris = duckdb.connect()
    paris.execute("SET TimeZone = 'Europe/Paris'")
    try:
        values = coerce(paris, ["2026-09-13 10:00", "13/09/2026 10:00", "2026-09-13T10:00:00+02:00"], "timestamp")
    finally:
        paris.close()
    assert values == [datetime(2026, 9, 13, 10, 0), datetime(2026, 9, 13, 10, 0), datetime(2026, 9, 13, 8, 0)]


@pytest.mark.parametrize("values, expected", [
    (["13/09/2024", "01/02/2024"], ("dmy", False)),  # 13 cannot be a month
    (["09/13/2024 10:00", "01/02/2024"], ("mdy", False)),  # 13 in second place cannot be a month
    (["01/02/2024", "03/04/2024"], ("dmy", True)),  # nothing settles it: day first, flagged
    (["2024-09-13", "13 septembre 2024"], ("dmy", False)),  # no numeric date at all
])
def test_detect_date_order(values, expected):
    assert detect_date_order(values) == expected


# --- booleans, blanks, typed columns -----------------------------------------------------------------


def test_booleans(con):
    values = ["oui", "non", "vrai", "faux", "yes", "no", "1", "0", "Oui", " NON ", "maybe", ""]
    assert coerce(con, values, "boolean") == [True, False, True, False, True, False, True, False, True, False,
                                             None, None]


@pytest.mark.parametrize("kind", ["text", "number", "timestamp", "boolean"])
def test_blanks_are_null(con, kind):
    assert coerce(con, ["", "   ", "NA", "n/a", "N/A", "-", "null", "#N/A"], kind) == [None] * 8


def test_text_is_trimmed_but_otherwise_kept(con):
    assert coerce(con, ["  Zoé  ", "a-b", "NA-1"], "text") == ["Zoé", "a-b", "NA-1"]


def test_cell_sql_on_a_number_column(con):
    assert con.execute(f"SELECT {cell_sql('x')} FROM (VALUES (12), (NULL)) t(x)").fetchall() == [("12",), (None,)]


def test_typed_columns_are_cast_directly(con):
    sql = value_sql("x", "number", "DOUBLE")
    assert con.execute(f"SELECT {sql} FROM (VALUES (1.5::DOUBLE)) t(x)").fetchone()[0] == 1.5
    sql = value_sql("x", "timestamp", "TIMESTAMP WITH TIME ZONE")
    typed = "TIMESTAMPTZ '2026-09-13 10:00:00+02:00'"
    assert con.execute(f"SELECT {sql} FROM (SELECT {typed} AS x)").fetchone()[0] == datetime(2026, 9, 13, 8, 0)


def test_pattern_extracts_the_value_from_text(con):
    pattern = "note de ([0-9,]+)"
    assert coerce(con, ["Avec une note de 7,0", "note de 10", "Pas de note"], "number", decimal=",",
                  pattern=pattern) == [7.0, 10.0, None]


def test_fold():
    assert fold("Février Œuvre É") == "fevrier œuvre e"
