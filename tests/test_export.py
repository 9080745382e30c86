"""Machine-readable exports: CSV, JSON (with its JSON Schema) and Parquet of the same tables."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import small_run
from trendminer.report.export import (EXPORT_SCHEMA_VERSION, LIST_COLUMNS, TABLES, export_schema, write_json,
                                      write_parquet)

FORMULA = '=HYPERLINK("http://x","y")'
NO_JSONSCHEMA = ("jsonschema is not installed in this environment; the JSON Schema validation "
                 "tests need it (pip install jsonschema)")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One small run (tfidf, fake clusterer, no catalogue: per-user rates are NaN); the Outlook
    tickets are how-to questions, so the knowledge table has a row."""
    howto = {i: {"short_description": f"how do I set up out of office in Outlook, variant {i % 7}",
                 "description": "Where do I find the setting?", "category": "Inquiry / Help"} for i in range(0, 60, 3)}
    return small_run(tmp_path_factory.mktemp("export"), {**howto, 1: {"short_description": FORMULA}})


@pytest.fixture(scope="module")
def document(exported):
    def refuse(token: str) -> None:
        raise AssertionError(f"trendminer.json contains the non-JSON constant {token}")

    return json.loads((exported / "trendminer.json").read_text(encoding="utf-8"), parse_constant=refuse)


def _validator():
    jsonschema = pytest.importorskip("jsonschema", reason=NO_JSONSCHEMA)
    schema = export_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema, jsonschema.Draft202012Validator(schema)


def test_export_writes_every_table_in_every_format(exported):
    names = {p.name for p in exported.iterdir()}
    assert {f"{t}.{ext}" for t in TABLES for ext in ("csv", "parquet")} | {"trendminer.json"} <= names


def test_export_schema_is_package_data():
    schema = export_schema()
    assert schema["properties"]["schema_version"]["const"] == EXPORT_SCHEMA_VERSION
    assert set(schema["required"]) == {"schema_version", "as_of", *TABLES}


def test_export_json_validates_against_the_schema(document):
    _, validator = _validator()
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert document["schema_version"] == EXPORT_SCHEMA_VERSION and document["as_of"] == "2026-10-31"


@pytest.mark.parametrize("table, column, value", [
    ("topics", "topic_id", "seven"),
    ("assignments", "topic_id", -2),
    ("trends", "flag", "exploding"),
    ("systems", "unexpected_column", 1),
    ("topics", "keyphrases", "vpn; outlook"),
])
def test_export_schema_rejects_a_broken_document(document, table, column, value):
    jsonschema, validator = _validator()
    broken = json.loads(json.dumps(document))
    broken[table][0][column] = value
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def test_export_schema_rejects_a_missing_column(document):
    jsonschema, validator = _validator()
    broken = json.loads(json.dumps(document))
    del broken["assignments"][0]["ticket_id"]
    with pytest.raises(jsonschema.ValidationError, match="ticket_id"):
        validator.validate(broken)


@pytest.mark.parametrize("table", TABLES)
def test_export_schema_documents_every_column(exported, table):
    """The schema names exactly the exported columns (checked without jsonschema)."""
    row_schema = export_schema()["$defs"][{"topics": "topic", "systems": "system", "trends": "trend", "findings": "finding",
                                            "assignments": "assignment", "knowledge": "knowledge"}[table]]
    columns = pq.read_schema(exported / f"{table}.parquet").names
    undocumented = [c for c in columns if c not in row_schema["properties"]
                    and not any(c.startswith(p.strip("^").split("[")[0]) for p in row_schema.get("patternProperties", {}))]
    assert not undocumented, f"add {undocumented} to trendminer/schemas/export.schema.json"
    assert set(row_schema["required"]) <= set(columns)


@pytest.mark.parametrize("table", [t for t in TABLES if t != "findings"])   # findings: tests/test_findings.py
def test_export_formats_hold_the_same_rows_and_columns(exported, document, table):
    parquet = pq.read_table(exported / f"{table}.parquet").to_pandas()
    csv = pd.read_csv(exported / f"{table}.csv", keep_default_na=False)
    rows = document[table]
    assert len(parquet) == len(csv) == len(rows) > 0
    assert list(parquet.columns) == list(csv.columns) == list(rows[0])
    for col in parquet.columns:
        for got, want in zip(parquet[col], (r[col] for r in rows)):
            if isinstance(want, list):
                assert list(got) == want
            elif isinstance(want, float) or want is None:
                assert (want is None and (got is None or pd.isna(got))) or math.isclose(got, want, rel_tol=1e-12)
            elif col == "opened_at":
                assert pd.Timestamp(got) == pd.Timestamp(want)
            else:
                assert got == want


def test_export_keeps_lists_as_lists_outside_csv(exported, document):
    for table, col in (("topics", "keyphrases"), ("topics", "representatives"), ("systems", "reasons")):
        assert pq.read_schema(exported / f"{table}.parquet").field(col).type == pa.list_(pa.string())
        assert all(isinstance(r[col], list) for r in document[table])
    topics_csv = pd.read_csv(exported / "topics.csv")
    first = document["topics"][0]
    assert topics_csv.loc[0, "keyphrases"] == "; ".join(first["keyphrases"])


def test_export_writes_nan_as_null(exported, document):
    """No catalogue: user counts are unknown, so per-user failure rates are NaN -> null."""
    assert all(r["failures_per_100_users"] is None and r["user_count"] is None for r in document["systems"])
    parquet = pq.read_table(exported / "systems.parquet").to_pandas()
    assert parquet["failures_per_100_users"].isna().all()


def test_export_neutralises_formulas_only_in_csv(exported, document):
    assert "'=HYPERLINK" in (exported / "assignments.csv").read_text(encoding="utf-8")
    titles = set(pq.read_table(exported / "assignments.parquet").column("title").to_pylist())
    assert FORMULA in titles and "'" + FORMULA not in titles
    assert FORMULA in {r["title"] for r in document["assignments"]}


def test_export_json_and_parquet_of_a_toy_table(tmp_path):
    frame = pd.DataFrame({"topic_id": [0, 1], "score": [np.nan, np.inf],
                          "opened_at": pd.to_datetime(["2026-10-31 09:00:00", None]).astype("datetime64[us]"),
                          "keyphrases": [[], []], "label": ["=1+1", "é / ü"]})
    write_json({"topics": frame}, tmp_path / "t.json", None)
    doc = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert doc == {"schema_version": EXPORT_SCHEMA_VERSION, "as_of": None, "topics": [
        {"topic_id": 0, "score": None, "opened_at": "2026-10-31T09:00:00", "keyphrases": [], "label": "=1+1"},
        {"topic_id": 1, "score": None, "opened_at": None, "keyphrases": [], "label": "é / ü"}]}
    write_parquet(frame, tmp_path / "t.parquet", "2026-10-31")
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.schema.field("keyphrases").type == pa.list_(pa.string())     # typed although all empty
    assert table.schema.metadata[b"trendminer.as_of"] == b"2026-10-31"
    assert table.column("label").to_pylist() == ["=1+1", "é / ü"]
    assert set(LIST_COLUMNS) >= {"keyphrases"}
