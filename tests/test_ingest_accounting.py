"""Every input row is accounted for: accepted + duplicates + rejected == rows (property test)."""
from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trendminer.config import load_settings
from trendminer.errors import InputError
from trendminer.ingest import read_exports

AS_OF = pd.Timestamp("2026-10-31")
SETTINGS = load_settings(overrides=["ingest.detect_language=false"])
COLUMNS = ["number", "opened_at", "sys_updated_on", "short_description", "description", "caller_id"]

dates = st.one_of(
    st.datetimes(min_value=pd.Timestamp("2020-01-01").to_pydatetime(),
                 max_value=pd.Timestamp("2027-12-31").to_pydatetime()).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    st.just(""), st.just("not a date"), st.just("31/02/2026"), st.just("2026-13-45"),
)
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
               max_size=40)
rows = st.lists(st.fixed_dictionaries({
    "number": st.one_of(st.sampled_from(["INC1", "INC2", "INC3", " INC1 ", ""]),
                        st.integers(0, 10_000).map(lambda i: f"INC{i}")),
    "opened_at": dates, "sys_updated_on": dates,
    "short_description": text, "description": text, "caller_id": text,
}), min_size=0, max_size=30)


def _write_csv(records: list[dict[str, str]], folder: Path) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    path = folder / "export.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path




@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_ingest_accounting_balances_csv(records):
    with tempfile.TemporaryDirectory() as tmp:
        acc = read_exports([_write_csv(records, Path(tmp))], SETTINGS, AS_OF).accounting
    assert acc.rows == len(records)
    assert acc.rows == acc.accepted + acc.duplicates + acc.rejected
    assert sum(acc.reasons.values()) == acc.rejected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows.filter(bool), rows.filter(bool))
def test_ingest_accounting_balances_two_overlapping_jsonl_files(first, second):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, records in enumerate((first, second)):
            path = Path(tmp) / f"night{i}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            paths.append(path)
        result = read_exports(paths, load_settings(overrides=[
            "ingest.detect_language=false", "ingest.preset=generic"]), AS_OF)
    acc = result.accounting
    assert acc.rows == len(first) + len(second)
    assert acc.rows == acc.accepted + acc.duplicates + acc.rejected
    assert result.raw["ticket_id"].is_unique
    assert len(result.raw) == acc.accepted


def test_ingest_newest_update_wins_across_files(tmp_path):
    a = tmp_path / "mon.csv"
    b = tmp_path / "tue.csv"
    a.write_text("number,opened_at,sys_updated_on,short_description\n"
                 "INC1,2026-10-01 09:00,2026-10-02 09:00,VPN down (old)\n"
                 "INC2,2026-10-01 09:00,2026-10-01 09:00,Outlook\n")
    b.write_text("number,opened_at,sys_updated_on,short_description\n"
                 "INC1,2026-10-01 09:00,2026-10-03 09:00,VPN down (new)\n"
                 "INC2,2026-10-01 09:00,2026-09-30 09:00,Outlook (stale copy)\n")
    result = read_exports([b, a], SETTINGS, AS_OF)
    assert result.accounting.summary() == "4 rows: 2 accepted, 2 duplicate, 0 rejected"
    titles = dict(zip(result.raw["ticket_id"], result.raw["title"]))
    assert titles == {"INC1": "VPN down (new)", "INC2": "Outlook"}


def test_columns_nothing_uses_are_not_read_but_rows_are_still_checked(tmp_path):
    """A work_notes journal is not converted; a row with a field too many is still rejected,
    and a missing column's message lists the whole header."""
    path = tmp_path / "wide.csv"
    path.write_text(
        "number,opened_at,short_description,work_notes,Labels,Labels\n"
        "INC1,2026-10-01 09:00,VPN down,\"long journal\nwith lines\",a,b\n"
        "INC2,2026-10-02 09:00,Outlook slow,notes,c,d,EXTRA\n"
        "INC3,2026-10-03 09:00,Printer jam,notes,e,f\n", encoding="utf-8")
    result = read_exports([path], SETTINGS, AS_OF)
    assert result.accounting.summary() == "3 rows: 2 accepted, 0 duplicate, 1 rejected"
    assert "header has 6" in str(result.accounting.examples[0])
    assert result.raw["title"].tolist() == ["VPN down", "Printer jam"]
    from trendminer.ingest.formats import read_table

    table = read_table(path, SETTINGS["ingest"]["read"], select=lambda names: names[:3])
    assert list(table.frame.columns) == ["number", "opened_at", "short_description"]
    assert table.header == ["number", "opened_at", "short_description", "work_notes", "Labels", "Labels.1"]
    broken = load_settings(overrides=["ingest.detect_language=false", "ingest.preset=generic",
                                      "ingest.columns.title=Title"])
    with pytest.raises(InputError) as error:
        read_exports([path], broken, AS_OF)
    assert "'Title'" in str(error.value) and "'work_notes'" in str(error.value)
