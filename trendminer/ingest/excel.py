"""Read the first sheet of an XLSX workbook into a frame of strings.

Finds the header row even below merged title rows, names blank header cells, and turns
dates and whole numbers into the text a CSV export would hold.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from .table import unique_names

#: rows searched for the header
HEADER_SEARCH = 10


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, data: bytes | bytearray) -> tuple[pd.DataFrame, list[str]]:
    """Read the first sheet of the workbook ``data`` (read from ``path``); return the frame and
    notes about what was adjusted.

    The header is the first of the top rows with the most non-empty cells, so merged
    title rows above it (``"Incident report - June"`` spanning all columns) are skipped.

    Raises
    ------
    InputError
        If the file is not a readable workbook or the sheet is empty.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:   # a file object, so a workbook saved as .csv is read too
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc}). Open it in Excel and "
                         "save it again as .xlsx, or export the tickets as CSV.") from None
    try:
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        sheet_name = sheet.title
    finally:
        book.close()
    rows = [r for r in rows if any(c.strip() for c in r)] if rows else rows
    if not rows:
        raise InputError(f"{path}: the first sheet is empty. Put the ticket table on the first sheet.")
    notes: list[str] = []
    counts = [sum(bool(c.strip()) for c in r) for r in rows[:HEADER_SEARCH]]
    at = counts.index(max(counts))
    if at:
        notes.append(f"{path}: header found on row {at + 1} of sheet {sheet_name!r}; the "
                     f"{at} row(s) above it (a merged title?) were skipped")
    header = rows[at]
    width = max(len(r) for r in rows)
    header = header + [""] * (width - len(header))
    blanks = [i + 1 for i, c in enumerate(header) if not c.strip()]
    names, dups = unique_names(header)
    if blanks:
        notes.append(f"{path}: header cells in column(s) {blanks[:10]} are empty (merged "
                     "header cells?); named column_N")
    if dups:
        notes.append(f"{path}: column names {dups} occur more than once; later copies are "
                     "renamed name.1, name.2")
    body = [r + [""] * (width - len(r)) for r in rows[at + 1:]]
    frame = pd.DataFrame(body, columns=names, dtype=str) if body else pd.DataFrame(columns=names)
    return frame.fillna("").astype(str), notes
