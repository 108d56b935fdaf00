"""Tables written for spreadsheets (CSV and Excel) that cannot run as formulas when someone opens them.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a tab or
a carriage return) as a formula: a verbatim or a pain point title typed as ``=HYPERLINK("http://evil",
"click")`` would run on the reader's machine ("CSV injection"). Every CSV or Excel file journeykit writes
goes through :func:`neutralise`, which prefixes such text with a single quote, as OWASP recommends. Real
numbers stay numbers: ``-3.5`` (a float, or the text ``"-3.5"``) is written unchanged.

Examples
--------
>>> neutralise("=1+2"), neutralise("@SUM(A1)"), neutralise("-3.5"), neutralise(-3.5), neutralise("+33 6 39 98")
("'=1+2", "'@SUM(A1)", '-3.5', -3.5, "'+33 6 39 98")
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from .files import replacing

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def neutralise(value: object) -> object:
    """``value`` with a leading single quote when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised; numbers are left alone.

    Examples
    --------
    >>> safe_frame(pd.DataFrame({"=x": ["=cmd|' /C calc'!A0", "ok"], "n": [-3.5, 2.0]})).to_dict("list")
    {"'=x": ["'=cmd|' /C calc'!A0", 'ok'], 'n': [-3.5, 2.0]}
    """
    result = frame.copy()
    for column in result.columns:
        if not pd.api.types.is_numeric_dtype(result[column]) or pd.api.types.is_bool_dtype(result[column]):
            result[column] = result[column].map(neutralise)
    result.columns = [neutralise(str(column)) for column in result.columns]
    return result


def write_csv(frame: pd.DataFrame, target: str | os.PathLike[str], *, sep: str = ",",
              encoding: str = "utf-8-sig") -> Path:
    """Write ``frame`` (neutralised) as CSV, atomically; UTF-8 with a BOM by default so Excel reads accents."""
    target = Path(target)
    with replacing(target) as temporary:
        # CRLF line ends (RFC 4180): a cell holding a lone carriage return is then quoted, not split
        safe_frame(frame).to_csv(temporary, index=False, sep=sep, encoding=encoding, lineterminator="\r\n")
    return target


def write_excel(frame: pd.DataFrame, target: str | os.PathLike[str], sheet: str = "journeykit") -> Path:
    """Write ``frame`` (neutralised) as an ``.xlsx`` workbook, atomically; every text cell is stored as text."""
    import openpyxl

    target = Path(target)
    safe = safe_frame(frame)
    book = openpyxl.Workbook()
    page = book.active
    page.title = sheet[:31]
    page.append(list(safe.columns))
    for row in safe.itertuples(index=False):
        page.append([None if _blank(value) else value for value in row])
    for row in page.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise store a text that starts with '=' as a formula
    with replacing(target) as temporary:
        book.save(temporary)
    return target


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT
