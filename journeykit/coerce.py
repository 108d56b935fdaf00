"""Turn raw cells into typed values, as SQL expressions run by the embedded engine.

Each ``*_sql`` function returns an expression that yields the typed value, or NULL when the cell cannot be
read; the loader compares it with the raw cell to find the unreadable ones. Formats that vary between
exports (the decimal mark, day-first or month-first dates) are detected per column from its distinct
values (:func:`detect_decimal`, :func:`detect_date_order`), and ``options`` in ``sources:`` overrides them.

Dates and timestamps are read as ISO 8601 (with ``T`` or a space, with or without seconds and fractions,
with or without an offset: an offset is converted to UTC), as ``dd/mm/yyyy [hh:mm[:ss]]`` (also with ``-``
or ``.``), as ``mm/dd/yyyy`` when the column shows it, and as text in French or English such as
``13 septembre 2024``, ``1er mars 2026 à 14h05``, ``Commentaire envoyé le 13 septembre 2024`` or
``September 13, 2024``. Values without an offset are kept as written (the export's local time).
"""

from __future__ import annotations

import re
import unicodedata

from .readers import q

BLANKS = ("", "na", "n/a", "nan", "null", "none", "-", "#n/a")
TRUE = ("yes", "y", "true", "t", "1", "oui", "o", "vrai", "x")
FALSE = ("no", "n", "false", "f", "0", "non", "faux")

MONTHS = {
    "january": 1, "jan": 1, "janvier": 1, "janv": 1,
    "february": 2, "feb": 2, "fevrier": 2, "fevr": 2, "fev": 2,
    "march": 3, "mar": 3, "mars": 3,
    "april": 4, "apr": 4, "avril": 4, "avr": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juin": 6,
    "july": 7, "jul": 7, "juillet": 7, "juil": 7,
    "august": 8, "aug": 8, "aout": 8,
    "september": 9, "sep": 9, "sept": 9, "septembre": 9,
    "october": 10, "oct": 10, "octobre": 10,
    "november": 11, "nov": 11, "novembre": 11,
    "december": 12, "dec": 12, "decembre": 12,
}
_MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
# "13 septembre 2024", "1er mars 2026 à 14h05", "le 13 sept. 2024, 10:30"
DAY_MONTH_YEAR = (rf"(\d{{1,2}})(?:er|st|nd|rd|th)?\s+({_MONTH_WORDS})\.?,?\s+(\d{{4}})"
                  r"(?:\D{0,6}?(\d{1,2})\s*[:h]\s*(\d{2})?)?")
# "September 13, 2024", "Sept 13 2024 10:30"
MONTH_DAY_YEAR = (rf"({_MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
                  r"(?:\D{0,6}?(\d{1,2})\s*[:h]\s*(\d{2})?)?")
NUMERIC_DATE = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b"
_SPACES = "\u00a0\u202f\u2009 '’"


def value_sql(column: str, kind: str, raw_type: str, *, decimal: str = ".", order: str = "dmy",
              date_format: str | None = None, pattern: str | None = None) -> str:
    """An SQL expression reading file column ``column`` (of DuckDB type ``raw_type``) as ``kind``.

    ``kind`` is a :data:`journeykit.contract.Kind`; the result is NULL for blanks and unreadable cells.
    Typed columns (Parquet, JSON) are cast directly; text goes through the parsers below. ``pattern`` (a
    regular expression with one group) first extracts the value from a longer text.

    Examples
    --------
    >>> import duckdb
    >>> sql = value_sql("x", "number", "VARCHAR", decimal=",")
    >>> duckdb.sql(f"SELECT {sql} FROM (VALUES ('1 234,5'), ('abc'), (' ')) t(x)").fetchall()
    [(1234.5,), (None,), (None,)]
    """
    typed = pattern is None and raw_type != "VARCHAR"
    raw, cell = q(column), cell_sql(column)
    if pattern is not None:
        cell = f"NULLIF(regexp_extract({cell}, '{_escape(pattern)}', 1), '')"
    if kind in ("id", "text", "category"):
        return cell
    if kind in ("number", "integer"):
        number = f"TRY_CAST({raw} AS DOUBLE)" if typed and _is_numeric(raw_type) else _number_sql(cell, decimal)
        return number if kind == "number" else f"CASE WHEN {number} = round({number}) THEN CAST({number} AS BIGINT) END"
    if kind == "boolean":
        return f"TRY_CAST({raw} AS BOOLEAN)" if typed and raw_type == "BOOLEAN" else _boolean_sql(cell)
    if typed and raw_type.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"CAST(timezone('UTC', {raw}) AS TIMESTAMP)"
    if typed and raw_type.startswith(("TIMESTAMP", "DATE")):
        return f"CAST({raw} AS TIMESTAMP)"
    return _timestamp_sql(cell, order, date_format)


def cell_sql(column: str) -> str:
    """The cell as trimmed text, NULL when blank or a usual "no value" marker (NA, n/a, null, -)."""
    text = f"trim(CAST({q(column)} AS VARCHAR))"
    blanks = ", ".join(f"'{blank}'" for blank in BLANKS)
    return f"CASE WHEN lower({text}) IN ({blanks}) THEN NULL ELSE {text} END"


def _number_sql(cell: str, decimal: str) -> str:
    """A DOUBLE from number text; ``decimal`` is ``'.'`` or ``','`` (the other mark separates thousands).

    Spaces (including the narrow no-break space of French formats), apostrophes and currency or percent
    signs are ignored.
    """
    compact = f"regexp_replace({cell}, '[{_escape(_SPACES)}€$£%]', '', 'g')"
    if decimal == ",":
        grouped = f"regexp_full_match({compact}, '[+-]?\\d{{1,3}}(\\.\\d{{3}})*(,\\d*)?|[^.]*')"
        normal = f"CASE WHEN {grouped} THEN replace(replace({compact}, '.', ''), ',', '.') END"
    else:
        grouped = f"regexp_full_match({compact}, '[+-]?\\d{{1,3}}(,\\d{{3}})*(\\.\\d*)?([eE][+-]?\\d+)?|[^,]*')"
        normal = f"CASE WHEN {grouped} THEN replace({compact}, ',', '') END"
    number = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
    return f"TRY_CAST(CASE WHEN regexp_full_match({normal}, '{number}') THEN {normal} END AS DOUBLE)"


def _boolean_sql(cell: str) -> str:
    lowered = f"lower({cell})"
    yes = ", ".join(f"'{value}'" for value in TRUE)
    no = ", ".join(f"'{value}'" for value in FALSE)
    return f"CASE WHEN {lowered} IN ({yes}) THEN true WHEN {lowered} IN ({no}) THEN false END"


def _timestamp_sql(cell: str, order: str, date_format: str | None) -> str:
    """A TIMESTAMP from date text; ``order`` is ``'dmy'`` or ``'mdy'`` for numeric dates."""
    if date_format:
        return f"try_strptime({cell}, '{_escape(date_format)}')"
    iso_like = f"CASE WHEN regexp_matches({cell}, '^\\d{{4}}-\\d{{2}}-\\d{{2}}') THEN {cell} END"
    offset = f"regexp_matches({cell}, '(Z|[+-]\\d{{2}}(:?\\d{{2}})?)$')"
    iso = (f"CASE WHEN {offset} THEN CAST(timezone('UTC', TRY_CAST({iso_like} AS TIMESTAMPTZ)) AS TIMESTAMP) "
           f"ELSE TRY_CAST({iso_like} AS TIMESTAMP) END")
    first, second = ("%d", "%m") if order == "dmy" else ("%m", "%d")
    layouts = [f"{first}{sep}{second}{sep}{year}{time}" for sep in "/-." for year in ("%y", "%Y")
               for time in (" %H:%M:%S", " %H:%M", "")]
    numeric = f"try_strptime({cell}, [{', '.join(repr(layout) for layout in layouts)}])"
    return f"coalesce({iso}, {numeric}, {_text_date_sql(cell)})"


def _text_date_sql(cell: str) -> str:
    """Dates written with a month name, in French or English."""
    folded = f"lower(strip_accents({cell}))"
    parts = []
    for pattern, day, month, year in ((DAY_MONTH_YEAR, 1, 2, 3), (MONTH_DAY_YEAR, 2, 1, 3)):
        def group(n: int, pattern: str = pattern) -> str:
            return f"regexp_extract({folded}, '{pattern}', {n})"

        month_case = "CASE " + " ".join(f"WHEN {group(month)} = '{word}' THEN {number}"
                                        for word, number in MONTHS.items()) + " END"
        hour = f"coalesce(TRY_CAST(NULLIF({group(4)}, '') AS INTEGER), 0)"
        minute = f"coalesce(TRY_CAST(NULLIF({group(5)}, '') AS INTEGER), 0)"
        made = (f"TRY_CAST(try_strptime(printf('%04d-%02d-%02d %02d:%02d', TRY_CAST({group(year)} AS INTEGER), "
                f"{month_case}, TRY_CAST({group(day)} AS INTEGER), {hour}, {minute}), '%Y-%m-%d %H:%M') AS TIMESTAMP)")
        parts.append(f"CASE WHEN regexp_matches({folded}, '{pattern}') THEN {made} END")
    return f"coalesce({', '.join(parts)})"


def _escape(text: str) -> str:
    return text.replace("'", "''")


def _is_numeric(raw_type: str) -> bool:
    return raw_type in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE",
                        "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT") or raw_type.startswith("DECIMAL")


def detect_decimal(values: list[str], delimiter: str = "") -> str:
    """The decimal mark of a column of number texts.

    A value holding both marks settles it (the last one is the decimal mark); otherwise a comma followed
    by anything but groups of three digits is decimal; a file delimited by ``;`` (French Excel) makes a
    lone comma decimal.

    Examples
    --------
    >>> detect_decimal(["1 234,50", "12"]), detect_decimal(["1,234.5"]), detect_decimal(["7,0", "10"])
    (',', '.', ',')
    >>> detect_decimal(["1,234", "15,000"]), detect_decimal(["1,234"], delimiter=";")
    ('.', ',')
    """
    for value in values:
        if "," in value and "." in value:
            return "," if value.rfind(",") > value.rfind(".") else "."
    with_comma = [value for value in values if "," in value]
    if not with_comma:
        return "."
    if any(not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", re.sub(f"[{_SPACES}]", "", v)) for v in with_comma):
        return ","
    return "," if delimiter == ";" else "."


def detect_date_order(values: list[str]) -> tuple[str, bool]:
    """``('dmy' | 'mdy', ambiguous)`` for the numeric dates among ``values``.

    Day-first is the default (journeykit's users are mostly European); a first number above 12 proves it,
    a second number above 12 proves month-first. ``ambiguous`` is true when no value settles it.

    Examples
    --------
    >>> detect_date_order(["13/09/2024", "01/02/2024"]), detect_date_order(["09/13/2024 10:00"])
    (('dmy', False), ('mdy', False))
    >>> detect_date_order(["01/02/2024"]), detect_date_order(["2024-09-13"])
    (('dmy', True), ('dmy', False))
    """
    numeric = [match.groups() for value in values if (match := re.match(NUMERIC_DATE, value))]
    if not numeric:
        return "dmy", False
    if any(int(first) > 12 for first, _, _ in numeric):
        return "dmy", False
    if any(int(second) > 12 for _, second, _ in numeric):
        return "mdy", False
    return "dmy", True


def fold(text: str) -> str:
    """Lower case without accents, for matching month names and labels.

    Examples
    --------
    >>> fold("Février")
    'fevrier'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def date_format_error(con, date_format: str) -> str | None:
    """Why the engine refuses ``date_format`` (``None`` when it accepts it).

    Examples
    --------
    >>> import duckdb
    >>> date_format_error(duckdb.connect(), "%d/%m/%Y") is None, date_format_error(duckdb.connect(), "%Q")
    (True, 'Unrecognized format for strftime/strptime: %Q')
    """
    import duckdb

    try:
        con.execute(f"SELECT try_strptime('2026-01-01', '{_escape(date_format)}')").fetchone()
    except duckdb.Error as error:
        return str(error).splitlines()[0].split(": ", 1)[-1].split(": ", 1)[-1]
    return None


def pattern_error(con, pattern: str) -> str | None:
    """Why the engine's regular expressions (RE2) refuse ``pattern`` (``None`` when they accept it).

    Python accepts look-behinds and back-references that RE2 does not.

    Examples
    --------
    >>> import duckdb
    >>> pattern_error(duckdb.connect(), "note ([0-9]+)") is None, pattern_error(duckdb.connect(), "(?<=note )([0-9]+)")
    (True, 'invalid perl operator: (?<')
    """
    import duckdb

    try:
        con.execute(f"SELECT regexp_extract('', '{_escape(pattern)}', 1)").fetchone()
    except duckdb.Error as error:
        return str(error).splitlines()[0].split("Error: ", 1)[-1]
    return None
