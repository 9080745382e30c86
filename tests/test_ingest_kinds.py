"""The kind an export states itself (trendminer.ingest.kinds) and the presets that read it."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import make_export
from trendminer.config import load_settings
from trendminer.errors import ConfigError
from trendminer.ingest import read_exports
from trendminer.ingest.kinds import export_kinds, label_of, value_map


@pytest.mark.parametrize("value,label", [
    ("incident", "incident"), ("sc_req_item", "request"), ("Service Request", "request"), ("Bug", "failure"),
    ("question", "howto"), ("task", "request"), ("problem", "failure"), ("Report a system problem", "failure"),
    ("Request new hardware", "request"), ("Ask a question", "howto"), ("Get IT help", ""), ("", ""),
    ("Fix or report a problem with access", ""),   # words for two kinds: says nothing
])
def test_label_of_built_in_values_and_words(value, label):
    assert label_of(value, {}) == label


def test_kind_values_come_first():
    custom = value_map(["0=incident", "1 = request", "Get IT help=howto"])
    assert [label_of(v, custom) for v in ("0", "1", "get it help")] == ["incident", "request", "howto"]


@pytest.mark.parametrize("entry", ["request", "Incident=broken", "=request"])
def test_kind_values_bad_entry_is_a_config_error(entry):
    with pytest.raises(ConfigError, match="ingest.kind_values entry"):
        value_map([entry])


def test_export_kinds_precedence_and_notes():
    raw = pd.DataFrame({"ticket_id": ["RITM001", "INC002", "3", "4"], "kind": ["", "", "", "Question"],
                        "kind_subtype": ["", "", "Request new laptop", ""],
                        "kind_type": ["", "incident", "Service Request", "weird value"]})
    before = raw.copy()
    labels, notes = export_kinds(raw, {"kind_values": []})
    assert labels.tolist() == ["request", "incident", "request", "howto"]
    assert len(notes) == 1 and "'weird value' (1)" in notes[0] and "ingest.kind_values" in notes[0]
    pd.testing.assert_frame_equal(raw, before)


def test_servicenow_u_type_and_request_items(tmp_path):
    export = make_export(tmp_path / "sn.csv", [
        {"number": "INC001", "short_description": "Outlook crashes", "u_type": "Incident"},
        {"number": "RITM002", "short_description": "new laptop"},
        {"number": "INC003", "short_description": "how do I share a calendar", "u_type": "Inquiry"}])
    raw = read_exports([export], load_settings()).raw
    assert raw["kind_label"].tolist() == ["incident", "request", "howto"]


def test_jira_issue_and_request_type(tmp_path):
    path = tmp_path / "jira.csv"
    pd.DataFrame({"Issue key": ["IT-1", "IT-2", "IT-3"], "Summary": ["VPN down", "need Visio", "where is the wiki"],
                  "Created": ["2026-10-01 09:00"] * 3, "Issue Type": ["Incident", "Service Request", "Service Request"],
                  "Custom field (Request Type)": ["", "Request new software", "Ask a question"]}).to_csv(path, index=False)
    raw = read_exports([path], load_settings()).raw
    assert raw["kind_label"].tolist() == ["incident", "request", "howto"]


def test_zendesk_type(tmp_path):
    path = tmp_path / "zd.jsonl"
    rows = [{"id": i, "subject": s, "created_at": "2026-10-01T09:00:00Z", "status": "open", "type": t}
            for i, (s, t) in enumerate([("printer broken", "problem"), ("how to print", "question"),
                                        ("new badge", "task"), ("vpn slow", "incident"), ("hello", None)])]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    raw = read_exports([path], load_settings()).raw
    assert raw["kind_label"].tolist() == ["failure", "howto", "request", "incident", ""]


def test_generic_kind_column_with_value_map(tmp_path):
    export = make_export(tmp_path / "g.csv", [
        {"number": "1", "short_description": "vpn down", "ttype": "0"},
        {"number": "2", "short_description": "need access", "ttype": "1"}])
    settings = load_settings(overrides=['ingest.columns.kind="ttype"', 'ingest.kind_values=["0=incident", "1=request"]'])
    raw = read_exports([export], settings).raw
    assert raw["kind_label"].tolist() == ["incident", "request"]
