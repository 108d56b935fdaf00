"""Read data files of any common export format into the embedded engine, as they are.

A reader puts a file's rows into a DuckDB table without interpreting them: CSV cells stay text (so that
``13/09/2024`` is not guessed as September the 9th, nor ``1 234,5`` as a string error), while Parquet and
JSON lines keep their own types. Interpreting values is the job of :mod:`journeykit.coerce`.

Formats, by file name (``.gz`` allowed on text formats): ``.csv``/``.txt``/``.tsv`` (any delimiter among
``, ; tab |``, detected; UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252/Latin-1 as French Excel
writes them, detected), ``.xlsx``/``.xlsm`` (first sheet unless ``options.sheet``), ``.parquet``, ``.jsonl``
/``.ndjson``/``.json`` (one JSON object per line). ``options`` in ``sources:`` overrides any detection.

Row numbers in messages are the ones a person sees: for CSV and Excel the header is row 1 and the first
record row 2 (``skip_rows`` included); for JSON lines the line number; for Parquet the record number from 1.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import gzip
import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .errors import Problem
from .files import replacing
from .model import SourceOptions

SNIFF_BYTES = 256 * 1024
MAX_LINE_BYTES = 2_000_000  # DuckDB's default max_line_size (2,097,152), rounded down
DELIMITERS = ",;\t|"
TEXT_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".jsonl": "json", ".ndjson": "json",
                 ".json": "json"}
SUFFIXES = {**TEXT_SUFFIXES, ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet", ".pq": "parquet"}


@dataclass
class RawTable:
    """A file read into the engine as table ``name``; ``row_of`` turns a rowid into the row a person sees."""

    name: str
    file: Path
    format: str
    columns: dict[str, str]  # column name -> DuckDB type
    rows: int
    problems: list[Problem] = field(default_factory=list)
    header_rows: int = 1
    skipped_lines: list[int] = field(default_factory=list)  # physical lines rejected as malformed
    encoding: str = ""
    delimiter: str = ""
    invalid_encoding: bool = False  # some lines were rejected as not being in ``encoding``

    def row_of(self, rowid: int) -> int:
        """The row number shown to people for the record with this 0-based ``rowid``."""
        number = rowid + self.header_rows + 1
        # records after a rejected line come one row later than their rowid says
        while True:
            shift = bisect.bisect_right(self.skipped_lines, number)
            if rowid + self.header_rows + 1 + shift == number:
                return number
            number = rowid + self.header_rows + 1 + shift


def file_format(path: Path) -> str | None:
    """``csv``, ``excel``, ``parquet`` or ``json`` from the file name; ``None`` when unknown.

    Examples
    --------
    >>> file_format(Path("data/events.csv.gz")), file_format(Path("crm.XLSX")), file_format(Path("a.doc"))
    ('csv', 'excel', None)
    """
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
        return TEXT_SUFFIXES.get(suffixes[-1]) if suffixes else None
    return SUFFIXES.get(suffixes[-1]) if suffixes else None


def _head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as stream:
        return stream.read(size)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text sample: a BOM, else UTF-8 when it decodes, else Windows-1252 or Latin-1.

    Examples
    --------
    >>> detect_encoding("Résilié;Oui".encode("cp1252")), detect_encoding("Résilié".encode("utf-8"))
    ('cp1252', 'utf-8')
    >>> detect_encoding(codecs.BOM_UTF8 + b"a,b")
    'utf-8-sig'
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3 and len(sample) >= SNIFF_BYTES:  # a character cut by the sample end
            return "utf-8"
    # bytes that Windows-1252 leaves undefined mean the file is Latin-1
    return "latin-1" if any(byte in sample for byte in b"\x81\x8d\x8f\x90\x9d") else "cp1252"


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number of fields, preferring more fields.

    Examples
    --------
    >>> detect_delimiter("id;montant\\n1;29,90\\n2;3,5\\n")
    ';'
    >>> detect_delimiter("a,b,c\\n1,2,3\\n")
    ','
    """
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line
    best, best_fields = ",", 1
    for delimiter in DELIMITERS:
        try:
            counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        except csv.Error:
            continue
        fields = min(counts) if counts else 1
        if len(counts) == 1 and fields > best_fields:
            best, best_fields = delimiter, fields
    if best_fields == 1:  # inconsistent rows everywhere: take the delimiter of the header line
        header = lines[0] if lines else ""
        best = max(DELIMITERS, key=header.count)
    return best


def read(con: duckdb.DuckDBPyConnection, name: str, path: Path, options: SourceOptions,
         scratch: Path) -> RawTable:
    """Read ``path`` into table ``name`` of ``con``; ``scratch`` holds transcoded copies when needed.

    Problems that stop the file from being read at all (unknown format, not a table, malformed lines) are
    returned in ``RawTable.problems``; an unreadable file still yields an empty table so that every other
    problem can be reported too.
    """
    kind = file_format(path)
    if kind is None:
        known = ", ".join(sorted(SUFFIXES)) + " (and .gz of text formats)"
        return _empty(con, name, path, [Problem(str(path), f"has an unknown file type. Known: {known}")])
    if path.suffix.lower() == ".gz" and (damage := _gzip_damage(path)):
        return _empty(con, name, path, [Problem(str(path), f"is a damaged or truncated gzip file ({damage}); "
                                                "its rows cannot all be read", "Copy or export the file again.")])
    try:
        if kind == "csv":
            return _read_csv(con, name, path, options, scratch)
        if kind == "excel":
            return _read_excel(con, name, path, options)
        if kind == "parquet":
            con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT * FROM read_parquet(?)", [str(path)])
            return _described(con, name, path, "parquet", header_rows=0)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT * FROM read_json(?, "
                    "format='newline_delimited', maximum_depth=1)", [str(path)])
        for column, kind in con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {q(name)})").fetchall():
            if kind == "JSON":
                con.execute(f"ALTER TABLE {q(name)} ALTER {q(column)} TYPE VARCHAR USING "
                            f"CASE WHEN json_type({q(column)}) = 'VARCHAR' THEN {q(column)}->>'$' "
                            f"ELSE CAST({q(column)} AS VARCHAR) END")
        return _described(con, name, path, "json", header_rows=0)
    except (duckdb.Error, OSError, ValueError, EOFError, UnicodeError, zipfile.BadZipFile, KeyError) as error:
        if kind == "csv" and path.is_file() and (where := _csv_damage(path)):
            return _empty(con, name, path, [where])
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return _empty(con, name, path, [Problem(str(path), f"cannot be read as {kind}: {reason}",
                                                "Check that the file is complete and of the type its name says.")])


def _gzip_damage(path: Path) -> str:
    """Why a gzip file cannot be read to its end (empty when it can): decompressed in chunks, kept nowhere."""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 24):
                pass
    except (OSError, EOFError, zlib.error) as error:
        return str(error) or type(error).__name__
    return ""


def _csv_damage(path: Path) -> Problem | None:
    """The line that stops a CSV file from being read at all: a huge line or a quote that never closes."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    opened_at, inside = 0, False
    with opener(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            if len(line) > MAX_LINE_BYTES:
                return Problem(f"{path}, line {number}", f"is {len(line):,} bytes long; a line may hold at most "
                               f"{MAX_LINE_BYTES:,}", "Check that the export is not damaged (a quote that never "
                               "closes joins lines), or split the long text.")
            if line.count(b'"') % 2:
                inside = not inside
                opened_at = number if inside else opened_at
    if inside:
        return Problem(f"{path}, line {opened_at}", "opens a quote (\") that is never closed, so every following "
                       "line reads as one cell", "Close the quote, or double the quotes inside a text (\"\").")
    return None


def _read_csv(con, name, path, options, scratch):
    sample = _head(path)
    if not sample.strip():
        return _empty(con, name, path, [Problem(str(path), "is empty; it needs a header row and data rows")])
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _empty(con, name, path, [Problem(str(path), "is not a text file (it contains binary data)",
                                                "Export the table as CSV, Excel, Parquet or JSON lines.")])
    encoding = options.encoding or detect_encoding(sample)
    raw = _load_csv(con, name, path, options, scratch, sample, encoding)
    if not options.encoding and encoding == "utf-8" and raw.invalid_encoding:
        # the sample looked like UTF-8 but a later line is not: a Windows export with a late accent
        raw = _load_csv(con, name, path, options, scratch, sample, "cp1252")
    if codecs.lookup(raw.encoding or encoding).name not in ("utf-8", "utf-8-sig", "utf-16"):
        raw.problems += _mixed_encoding(path, raw.encoding or encoding)
    return raw


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _mixed_encoding(path: Path, encoding: str, examples: int = 5) -> list[Problem]:
    """A problem per line (up to ``examples``) of a single-byte file that holds UTF-8 characters.

    A file assembled from two exports (one UTF-8, one Windows-1252) reads with garbled accents on one side
    (``HÃ©lÃ¨ne``) whichever encoding is chosen; no option can fix it, so it is reported, not guessed.
    """
    found, total = [], 0
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            if line.isascii() or not _UTF8_SEQUENCE.search(line):
                continue
            total += 1
            if len(found) < examples:
                text = line.decode("utf-8", errors="replace").rstrip("\r\n")
                found.append(Problem(f"{path}, line {number}", f"is UTF-8 text ({text[:60]!r}) in a file read as "
                                     f"{encoding}: the file mixes two encodings",
                                     "Re-export the whole file in one encoding (UTF-8 is best) or retype these lines."))
    if total > len(found):
        found.append(Problem(str(path), f"{total - len(found):,} more lines in UTF-8 ({total:,} in all)"))
    return found


def _load_csv(con, name, path, options, scratch, sample, encoding) -> RawTable:
    try:
        "a".encode(encoding)  # a text encoding, not a codec such as rot13, zip or hex
    except LookupError:
        return _empty(con, name, path, [Problem(str(path), f"options.encoding {encoding!r} is not a text "
                                                "encoding Python knows; try utf-8, cp1252 or latin-1")])
    text_sample = sample.decode(encoding, errors="replace")
    lines = text_sample.splitlines()[options.skip_rows:]
    delimiter = options.delimiter or detect_delimiter("\n".join(lines) + ("\n" if len(sample) < SNIFF_BYTES else ""))
    source = path
    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        source = _transcoded(path, encoding, scratch)
    rejects = f"{name}__rejects"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT * FROM read_csv(?, all_varchar=true, header=true, "
        f"delim=?, quote='\"', escape='\"', skip=?, ignore_errors=true, store_rejects=true, "
        f"rejects_table='{rejects}', rejects_scan='{rejects}_scan', "
        "null_padding=false, strict_mode=true)",
        [str(source), delimiter, options.skip_rows],
    )
    problems, skipped, invalid_encoding = [], [], False
    for line, error_type, found in con.execute(
        f"SELECT line, min(error_type), min(csv_line) FROM {rejects} GROUP BY line ORDER BY line"
    ).fetchall():
        invalid_encoding = invalid_encoding or "ENCODING" in error_type.upper()
        skipped.append(int(line) + options.skip_rows)
        shown = found if len(found) <= 80 else found[:77] + "..."
        where = f"{path}, line {int(line) + options.skip_rows}"
        if "ENCODING" in error_type.upper():
            problems.append(Problem(where, f"is not valid {encoding} text ({shown!r})",
                                    "Set options.encoding in sources (for example cp1252 or utf-8)."))
        elif "COLUMNS" in error_type.upper():
            problems.append(Problem(where, f"{error_type.lower()} ({shown!r}); every line needs as many "
                                    f"fields as the header, separated by {delimiter!r}",
                                    "Check the delimiter (options.delimiter) and the quotes of that line."))
        else:
            problems.append(Problem(where, f"cannot be read: {error_type.lower()} ({shown!r})",
                                    "Check the quotes of that line."))
    con.execute(f"DROP TABLE IF EXISTS {rejects}; DROP TABLE IF EXISTS {rejects}_scan")
    raw = _described(con, name, path, "csv", header_rows=1 + options.skip_rows, problems=problems,
                     skipped_lines=sorted(skipped))
    raw.encoding, raw.delimiter, raw.invalid_encoding = encoding, delimiter, invalid_encoding
    header = lines[0] if lines else ""
    if len(raw.columns) == 1 and any(d in header for d in DELIMITERS if d != delimiter) and raw.rows > 0:
        column = next(iter(raw.columns))
        problems.append(Problem(str(path), f"has a single column {column[:60]!r}: the delimiter was not found",
                                "Set options.delimiter in sources (for example ';' or '\\t')."))
    return raw


def _transcoded(path: Path, encoding: str, scratch: Path) -> Path:
    """A UTF-8 copy of a text file in ``scratch``, made once per file content and encoding."""
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{encoding}".encode()).hexdigest()
    target = scratch / f"utf8-{key[:20]}.csv"
    if target.exists():
        return target
    scratch.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with replacing(target) as temporary, opener(path, "rb") as raw, \
            open(temporary, "w", encoding="utf-8", newline="") as out:
        reader = codecs.getreader(encoding)(raw, errors="replace")
        while chunk := reader.read(1 << 20):
            out.write(chunk)
    return target


def _read_excel(con, name, path, options):
    import pandas as pd

    sheet = 0 if options.sheet is None else options.sheet
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=str, skiprows=options.skip_rows, engine="openpyxl")
    except ValueError as error:
        if "not found" in str(error).lower():
            import openpyxl

            names = openpyxl.load_workbook(path, read_only=True).sheetnames
            return _empty(con, name, path, [Problem(str(path), f"has no sheet {sheet!r}. Sheets: {', '.join(names)}")])
        raise
    frame.columns = [str(column) for column in frame.columns]
    con.register(f"{name}__frame", frame)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT * FROM {q(name + '__frame')}")
    con.unregister(f"{name}__frame")
    return _described(con, name, path, "excel", header_rows=1 + options.skip_rows)


def _described(con, name, path, kind, header_rows, problems=None, skipped_lines=None) -> RawTable:
    columns = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {q(name)})").fetchall())
    rows = con.execute(f"SELECT count(*) FROM {q(name)}").fetchone()[0]
    return RawTable(name, path, kind, columns, rows, problems if problems is not None else [], header_rows, skipped_lines or [])


def _empty(con, name, path, problems) -> RawTable:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} (__empty VARCHAR)")
    return RawTable(name, path, "unknown", {}, 0, problems)


def q(identifier: str) -> str:
    """Quote an SQL identifier (file column names can hold anything: spaces, quotes, accents).

    Examples
    --------
    >>> q('Date d\\'inscription'), q('a"b')
    ('"Date d\\'inscription"', '"a""b"')
    """
    return '"' + identifier.replace('"', '""') + '"'
