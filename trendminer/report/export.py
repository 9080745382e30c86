"""Machine-readable exports for BI tools, safe to open in a spreadsheet.

Any text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) is prefixed with an apostrophe (OWASP CSV injection).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a would-be formula with ``'``; other values pass through.

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise(-3)
    -3
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as UTF-8 CSV with every text cell neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise("; ".join(map(str, v)) if isinstance(v, list) else v))
    out.to_csv(path, index=False, encoding="utf-8")


def write_exports(data, folder: Path) -> None:  # noqa: ANN001 - RunData, avoids an import cycle
    """topics.csv, systems.csv, trends.csv and assignments.csv (ticket -> topic, system)."""
    safe_csv(data.info, folder / "topics.csv")
    cols = [c for c in data.scores.columns if c != "rankable"]
    safe_csv(data.scores[cols], folder / "systems.csv")
    safe_csv(data.trends, folder / "trends.csv")
    assign = data.tickets[["ticket_id", "opened_at", "title"]].merge(data.assignments, on="ticket_id")
    assign = assign.merge(data.attribution, on="ticket_id").merge(data.signals[["ticket_id", "kind", "irritation"]], on="ticket_id")
    safe_csv(assign, folder / "assignments.csv")
