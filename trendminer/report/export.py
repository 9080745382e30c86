"""Machine-readable exports for BI tools: CSV, JSON and Parquet of the same six tables.

``topics``, ``systems``, ``trends``, ``assignments`` (ticket -> topic, system, signals),
``knowledge`` and ``findings`` (one row per real-world event of the night)
are written as ``<table>.csv`` and ``<table>.parquet``, and together as one
``trendminer.json`` that validates against ``trendminer/schemas/export.schema.json``.

Only the CSV files are made safe to open in a spreadsheet: any text cell a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is
prefixed with an apostrophe (OWASP CSV injection), and lists are joined with ``"; "``. JSON
and Parquet keep the values as they are: lists stay lists, NaN and infinities become null.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import FINDINGS, KNOWLEDGE
from .phrases import change_label, would_change, reasons_text

#: version of the JSON document and of the Parquet metadata; raised when a column is removed
#: or changes meaning (``schema_version`` in the JSON Schema)
EXPORT_SCHEMA_VERSION = 1
#: the tables of every export format, in this order
TABLES = ("topics", "systems", "trends", "assignments", "knowledge", "findings")
#: columns holding lists of strings
LIST_COLUMNS = ("keyphrases", "representatives", "reasons", "articles", "question", "systems", "screens", "steps",
                "evidence_ids")
#: columns holding lists of integers
INT_LIST_COLUMNS = ("topic_ids",)

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


def export_tables(data) -> dict[str, pd.DataFrame]:  # noqa: ANN001 - RunData, avoids an import cycle
    """The five export tables of one run, shared by the CSV, JSON and Parquet writers.

    Parameters
    ----------
    data : RunData
        The run's frames.

    Returns
    -------
    dict of str to DataFrame
        ``topics`` (TOPIC_INFO), ``systems`` (SYSTEM_SCORES without ``rankable``),
        ``trends`` (TRENDS) and ``assignments`` (ticket id, opened, title, topic, system,
        attribution source and confidence, kind, irritation, text irritation, irritated, service and
        system irritation) and
        ``knowledge`` (KNOWLEDGE: how-to and request topics, coverage, savings, outline), keyed in
        :data:`TABLES` order.
    """
    assign = data.tickets[["ticket_id", "opened_at", "title"]].merge(data.assignments, on="ticket_id")
    signal_cols = ["ticket_id", "kind", "irritation", "text_irritation", "irritated", "service_irritation",
                   "system_irritation"]
    assign = assign.merge(data.attribution, on="ticket_id").merge(data.signals[signal_cols], on="ticket_id")
    systems = data.scores[[c for c in data.scores.columns if c != "rankable"]].copy()
    systems["reasons"] = [reasons_text(r) for r in systems["reasons"]]
    if "window_failures" in systems.columns:   # current window first, as text: "45; 49"
        systems["window_failures"] = ["; ".join(map(str, w)) for w in data.scores["window_failures"]]
    if "changes" in systems.columns:   # the change records a regression names, as a reader scans them
        systems["changes"] = ["; ".join(change_label(c) for x in r if x["rule"] == "regression" for c in x["changes"])
                              for r in data.scores["reasons"]]
        systems["would_change"] = [would_change(r[0]) if len(r) else "" for r in data.scores["reasons"]]
    topics, trends = data.info.copy(), data.trends.copy()
    know = (data.knowledge.frame.copy() if data.knowledge is not None
            else pd.DataFrame({c: pd.Series(dtype=object) for c in KNOWLEDGE}))
    window = data.window
    if window is not None:
        assign["in_window"] = window.contains(assign["opened_at"], "analysis")
        counts = assign.loc[assign["in_window"], "topic_id"].value_counts()
        topics["tickets_in_window"] = topics["topic_id"].map(counts).fillna(0).astype(int)
        w = window.describe()
        for frame in (topics, systems, assign, know):
            frame["window_from"], frame["window_to"] = w["analysis_from"], w["analysis_to"]
        trends["recent_from"], trends["recent_to"] = w["recent_from"], w["as_of"]
        trends["baseline_from"], trends["baseline_to"] = w["baseline_from"], w["baseline_to"]
    findings = (data.findings.copy() if data.findings is not None
                else pd.DataFrame({c: pd.Series(dtype=object) for c in FINDINGS}))
    for col in ("start", "peak_day", "end", "basis_from", "basis_to"):   # days, as ISO dates
        findings[col] = [None if pd.isna(v) else str(pd.Timestamp(v).date()) for v in findings[col]]
    findings["last_ticket"] = [None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in findings["last_ticket"]]
    return {"topics": topics,
            "systems": systems,
            "trends": trends,
            "assignments": assign,
            "knowledge": know,
            "findings": findings}


def export_schema() -> dict:
    """The JSON Schema of ``trendminer.json``, as shipped in ``trendminer/schemas``."""
    text = resources.files("trendminer").joinpath("schemas", "export.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def write_json(tables: dict[str, pd.DataFrame], path: Path, as_of: str | None,
               window: dict | None = None) -> None:
    """Write ``tables`` as one ``trendminer.json`` document of row arrays.

    NaN, infinities, NaT and missing values become ``null``; timestamps are written as
    ``YYYY-MM-DDTHH:MM:SS`` (local time, as in the export); lists stay lists. Each table is
    serialised by pandas' C encoder, so a 100k-row assignments table takes well under a second.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> path = Path(tempfile.mkdtemp()) / "t.json"
    >>> write_json({"topics": pd.DataFrame({"x": [np.nan, 1.5], "keyphrases": [["a"], []]})}, path, "2026-10-31")
    >>> json.loads(path.read_text())["topics"]
    [{'x': None, 'keyphrases': ['a']}, {'x': 1.5, 'keyphrases': []}]
    """
    head = json.dumps({"schema_version": EXPORT_SCHEMA_VERSION, "as_of": as_of,
                       **({"window": window} if window else {})})[:-1]
    with Path(path).open("w", encoding="utf-8") as fh:
        fh.write(head)
        for name, frame in tables.items():
            body = frame.to_json(orient="records", date_format="iso", date_unit="s", double_precision=15,
                                 force_ascii=False)
            fh.write(f', "{name}": {body}')
        fh.write("}\n")


def write_parquet(frame: pd.DataFrame, path: Path, as_of: str | None = None, window: dict | None = None) -> None:
    """Write one table as Parquet; list columns are typed ``list<string>`` even when empty.

    The file's key-value metadata carries ``trendminer.schema_version`` and ``trendminer.as_of``.
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for col in LIST_COLUMNS:
        if col in frame.columns:
            values = pa.array([[str(x) for x in v] for v in frame[col]], pa.list_(pa.string()))
            table = table.set_column(table.schema.get_field_index(col), col, values)
    for col in INT_LIST_COLUMNS:
        if col in frame.columns:
            values = pa.array([[int(x) for x in v] for v in frame[col]], pa.list_(pa.int64()))
            table = table.set_column(table.schema.get_field_index(col), col, values)
    meta = {**(table.schema.metadata or {}), b"trendminer.schema_version": str(EXPORT_SCHEMA_VERSION).encode(),
            b"trendminer.as_of": (as_of or "").encode(),
            b"trendminer.window": json.dumps(window or {}).encode()}
    pq.write_table(table.replace_schema_metadata(meta), path)


def write_exports(data, folder: Path) -> None:  # noqa: ANN001 - RunData, avoids an import cycle
    """``<table>.csv`` and ``<table>.parquet`` per table, and ``trendminer.json`` with all five.

    The tables are those of :func:`export_tables`; only the CSV files are formula-neutralised.
    """
    tables = export_tables(data)
    as_of = data.manifest.get("as_of") if data.manifest else None
    window = data.window.describe() if data.window is not None else None
    for name, frame in tables.items():
        safe_csv(frame, folder / f"{name}.csv")
        write_parquet(frame, folder / f"{name}.parquet", as_of, window)
    write_json(tables, folder / "trendminer.json", as_of, window)
