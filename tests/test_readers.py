"""Readers: every messy export format, on a few hand-made bytes, lands in the engine as written."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from journeykit import readers
from journeykit.model import SourceOptions


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def read(tmp_path: Path, con):
    """``read(name, data, **options)``: write the bytes, read them as table ``t``; the RawTable and its rows."""

    def run(name: str, data: bytes | None, **options) -> tuple[readers.RawTable, list[tuple]]:
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        raw = readers.read(con, "t", path, SourceOptions(**options), tmp_path / "scratch")
        rows = con.execute("SELECT * FROM t").fetchall() if raw.columns else []
        return raw, rows

    return run


# --- text encodings and delimiters ------------------------------------------------------------------


def test_french_excel_csv(read):
    # French Excel: ';' between fields, decimal comma, Windows-1252 (é=E9, œ=9C, €=80, ’=92: one byte each)
    data = "client;montant;commentaire\nc1;1 234,5;Très bien, une œuvre\nc2;€12;l’été\n".encode("cp1252")
    raw, rows = read("export.csv", data)
    assert (raw.format, raw.encoding, raw.delimiter) == ("csv", "cp1252", ";")
    assert raw.columns == {"client": "VARCHAR", "montant": "VARCHAR", "commentaire": "VARCHAR"}
    assert rows == [("c1", "1 234,5", "Très bien, une œuvre"), ("c2", "€12", "l’été")]
    assert raw.problems == []


def test_windows_1252_accent_after_the_first_256_kb(read):
    # French CRM export: 30,000 plain ASCII rows (about 370 KB), then one name with an accent (é = byte E9).
    # Detection must not stop at the sample: the last row is read as 'Zoé', not rejected.
    body = "id;nom\n" + "".join(f"{i};Martin\n" for i in range(30000)) + "30000;Zoé\n"
    assert len(body) > readers.SNIFF_BYTES
    raw, rows = read("crm.csv", body.encode("cp1252"))
    assert raw.problems == []
    assert raw.rows == 30001
    assert rows[-1] == ("30000", "Zoé")


def test_utf8_with_bom(read):
    raw, rows = read("bom.csv", codecs.BOM_UTF8 + "id,nom\n1,Zoé\n".encode("utf-8"))
    assert raw.encoding == "utf-8-sig"
    assert list(raw.columns) == ["id", "nom"]  # no '\ufeff' glued to the first column name
    assert rows == [("1", "Zoé")]


def test_utf16_with_bom(read):
    raw, rows = read("utf16.csv", "id;nom\n1;Zoé\n2;Chloë\n".encode("utf-16"))  # 'utf-16' writes a BOM
    assert (raw.encoding, raw.delimiter) == ("utf-16", ";")
    assert list(raw.columns) == ["id", "nom"]
    assert rows == [("1", "Zoé"), ("2", "Chloë")]


def test_latin1(read):
    # 0x81 is undefined in Windows-1252, so the file can only be Latin-1
    raw, rows = read("latin.csv", "id;nom\n1;Zoé\x81\n".encode("latin-1"))
    assert raw.encoding == "latin-1"
    assert rows == [("1", "Zoé\x81")]


def test_tab_separated(read):
    raw, rows = read("data.tsv", b"id\tname\n1\tAnn Lee\n2\tBo, Jr\n")
    assert raw.delimiter == "\t"
    assert rows == [("1", "Ann Lee"), ("2", "Bo, Jr")]


def test_pipe_separated(read):
    raw, rows = read("data.txt", b"id|name\n1|Ann\n2|Bo\n")
    assert raw.delimiter == "|"
    assert rows == [("1", "Ann"), ("2", "Bo")]


def test_gzip_csv(read):
    raw, rows = read("events.csv.gz", gzip.compress("id;canal\n1;Téléphone\n".encode("cp1252")))
    assert (raw.format, raw.encoding, raw.delimiter) == ("csv", "cp1252", ";")
    assert rows == [("1", "Téléphone")]


def test_options_override_detection(read):
    # A ',' file read with the ';' delimiter forced: one column holding the whole line
    raw, rows = read("forced.csv", b"a,b\n1,2\n", delimiter=";")
    assert list(raw.columns) == ["a,b"]
    assert rows == [("1,2",)]
    assert "the delimiter was not found" in str(raw.problems[0])


def test_a_single_column_file_is_not_a_delimiter_problem(read):
    # a CRM export with only the customer id is legitimate: no delimiter to find
    raw, rows = read("ids.csv", b"customer_id\nc1\nc2\n")
    assert (list(raw.columns), rows, raw.problems) == (["customer_id"], [("c1",), ("c2",)], [])


def test_skip_rows_before_the_header(read):
    raw, rows = read("report.csv", b"Export of 2026-10-01\nAll customers\nid,name\n1,Ann\n", skip_rows=2)
    assert list(raw.columns) == ["id", "name"]
    assert rows == [("1", "Ann")]
    assert raw.row_of(0) == 4  # two skipped lines, the header on line 3, Ann on line 4


# --- Excel, Parquet, JSON lines ---------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["id", "montant"])
    first.append(["c1", 12.5])
    first.append(["c2", 7])
    second = book.create_sheet("Clients")
    second.append(["client", "nom"])
    second.append(["c9", "Zoé"])
    path = tmp_path / "crm.xlsx"
    book.save(path)
    return path


def test_excel_first_sheet(read, workbook):
    raw, rows = read(workbook.name, None)
    assert raw.format == "excel"
    assert raw.columns == {"id": "VARCHAR", "montant": "VARCHAR"}  # cells kept as text, like CSV
    assert rows == [("c1", "12.5"), ("c2", "7")]
    assert raw.row_of(0) == 2


def test_excel_named_sheet(read, workbook):
    raw, rows = read(workbook.name, None, sheet="Clients")
    assert list(raw.columns) == ["client", "nom"]
    assert rows == [("c9", "Zoé")]


def test_excel_missing_sheet_lists_the_sheets(read, workbook):
    raw, rows = read(workbook.name, None, sheet="Customers")
    assert rows == []
    [problem] = raw.problems
    assert problem.what == "has no sheet 'Customers'. Sheets: Notes, Clients"


def test_parquet_keeps_its_types(read, tmp_path):
    frame = pd.DataFrame({"id": ["a", "b"], "amount": [1.5, 2.0],
                          "at": pd.to_datetime(["2026-01-01 10:00", "2026-01-02 00:00"])})
    frame.to_parquet(tmp_path / "t.parquet")
    raw, rows = read("t.parquet", None)
    assert raw.format == "parquet"
    assert raw.columns == {"id": "VARCHAR", "amount": "DOUBLE", "at": "TIMESTAMP"}
    assert [row[:2] for row in rows] == [("a", 1.5), ("b", 2.0)]
    assert raw.row_of(1) == 2  # Parquet: record number from 1


def test_truncated_parquet_is_a_problem_not_a_crash(read):
    raw, rows = read("broken.parquet", b"PAR1 not really")
    assert rows == []
    assert "cannot be read as parquet" in raw.problems[0].what


JSONL = b'{"id": "c1", "score": 7, "at": "2026-09-13T10:00:00Z"}\n{"id": "c2", "score": 9, "at": "2026-09-14"}\n'


def test_json_lines(read, con):
    raw, _ = read("survey.jsonl", JSONL)
    assert (raw.format, raw.rows) == ("json", 2)
    assert raw.row_of(1) == 2  # JSON lines: the line number
    # Text values read as the text itself, not as a JSON literal with its quotes ('"c1"')
    assert con.execute("SELECT CAST(id AS VARCHAR), CAST(score AS VARCHAR) FROM t ORDER BY 1").fetchall() == [
        ("c1", "7"), ("c2", "9")]


def test_gzipped_json_lines(read, con):
    raw, _ = read("survey.jsonl.gz", gzip.compress(JSONL))
    assert (raw.format, raw.rows) == ("json", 2)
    assert con.execute("SELECT CAST(id AS VARCHAR) FROM t ORDER BY 1").fetchall() == [("c1",), ("c2",)]


# --- broken files ------------------------------------------------------------------------------------


def test_line_with_too_many_fields_is_reported_with_its_line(read):
    raw, rows = read("extra.csv", b"id,name\n1,Ann\n2,Bo,extra\n3,Cy\n")
    assert [str(problem).split(":")[0] for problem in raw.problems] == [f"{raw.file}, line 3"]
    assert "'2,Bo,extra'" in raw.problems[0].what
    assert rows == [("1", "Ann"), ("3", "Cy")]
    assert raw.row_of(1) == 4  # Cy is on line 4, after the rejected line 3


def test_line_with_missing_fields_is_reported_once(read):
    # line 3 lacks two of the four fields; line 5 holds the third record
    raw, rows = read("short.csv", b"a,b,c,d\n1,2,3,4\n5,6\n7,8,9,10\n11,12,13,14\n")
    assert [problem.where for problem in raw.problems] == [f"{raw.file}, line 3"]
    assert "missing columns" in raw.problems[0].what
    assert rows == [("1", "2", "3", "4"), ("7", "8", "9", "10"), ("11", "12", "13", "14")]
    assert [raw.row_of(rowid) for rowid in range(3)] == [2, 4, 5]


def test_empty_file(read):
    raw, rows = read("empty.csv", b"")
    assert rows == [] and raw.rows == 0
    assert raw.problems[0].what == "is empty; it needs a header row and data rows"


def test_binary_garbage(read):
    raw, rows = read("garbage.csv", bytes(range(256)) * 4)
    assert rows == []
    assert "is not a text file" in raw.problems[0].what


def test_header_only_file_has_zero_rows(read):
    raw, rows = read("header.csv", b"customer_id;timestamp\n")
    assert (raw.rows, rows, raw.problems) == (0, [], [])
    assert list(raw.columns) == ["customer_id", "timestamp"]


def test_unknown_file_type(read):
    raw, _ = read("notes.docx", b"PK")
    assert raw.problems[0].what.startswith("has an unknown file type. Known: .csv")


def test_missing_file_is_a_problem(read):
    raw, _ = read("absent.csv", None)
    assert "cannot be read as csv" in raw.problems[0].what


# --- detection helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize("sample, expected", [
    ("Résilié;Oui".encode("cp1252"), "cp1252"),
    ("Résilié;Oui".encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + b"a", "utf-8-sig"),
    (codecs.BOM_UTF16_LE + "a".encode("utf-16-le"), "utf-16"),
    (b"caf\xe9 \x8d", "latin-1"),  # 0x8D is undefined in Windows-1252
])
def test_detect_encoding(sample, expected):
    assert readers.detect_encoding(sample) == expected


@pytest.mark.parametrize("text, expected", [
    ("id;montant\n1;29,90\n2;3,5\n", ";"),  # the commas are decimal marks: ';' gives 2 fields on every line
    ("a,b,c\n1,2,3\n", ","),
    ("a\tb\n1\t2\n", "\t"),
    ("a|b\n1|2\n", "|"),
])
def test_detect_delimiter(text, expected):
    assert readers.detect_delimiter(text) == expected


def test_file_format():
    assert [readers.file_format(Path(name)) for name in
            ("a.csv", "a.TSV", "a.csv.gz", "a.xlsx", "a.parquet", "a.ndjson", "a.parquet.gz", "a.gz", "a.doc")] == [
        "csv", "csv", "csv", "excel", "parquet", "json", None, None, None]
