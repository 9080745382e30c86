"""The desk mirror's exports: ``desk.csv`` / ``desk.parquet`` / ``desk.json`` and ``callbacks.csv``.

The same ``DESK`` and ``CALLBACKS`` frames the page shows (:mod:`trendminer.desk`), with the
analysis window as columns; ``desk.json`` holds both tables and validates against
``trendminer/schemas/desk.schema.json``. CSV cells are formula-neutralised like every export.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pandas as pd

from .export import EXPORT_SCHEMA_VERSION, safe_csv, write_json, write_parquet


def desk_tables(data) -> dict[str, pd.DataFrame]:  # noqa: ANN001 - RunData, avoids an import cycle
    """``{"desk": DESK rows, "callbacks": CALLBACKS rows}`` with ``window_from`` / ``window_to``."""
    desk, calls = data.desk.measures.copy(), data.desk.callbacks.copy()
    if data.window is not None:
        w = data.window.describe()
        for frame in (desk, calls):
            frame["window_from"], frame["window_to"] = w["analysis_from"], w["analysis_to"]
    desk["week_start"] = desk["week_start"].dt.strftime("%Y-%m-%d")
    return {"desk": desk, "callbacks": calls}


def desk_schema() -> dict:
    """The JSON Schema of ``desk.json``, as shipped in ``trendminer/schemas``."""
    text = resources.files("trendminer").joinpath("schemas", "desk.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def write_desk_exports(data, folder: Path) -> None:  # noqa: ANN001 - RunData
    """Write desk.csv, desk.parquet, desk.json and callbacks.csv; nothing for a run without the desk stage."""
    if getattr(data, "desk", None) is None:
        return
    tables = desk_tables(data)
    as_of = data.manifest.get("as_of") if data.manifest else None
    window = data.window.describe() if data.window is not None else None
    safe_csv(tables["desk"], folder / "desk.csv")
    write_parquet(tables["desk"], folder / "desk.parquet", as_of, window)
    safe_csv(tables["callbacks"], folder / "callbacks.csv")
    write_json(tables, folder / "desk.json", as_of, window)


__all__ = ["EXPORT_SCHEMA_VERSION", "desk_schema", "desk_tables", "write_desk_exports"]
