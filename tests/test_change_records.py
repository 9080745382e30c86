"""Change records beside the tickets (issue 22): every row accounted for, tied to a catalogue system."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from trendminer.catalogue import load_catalogue
from trendminer.change_records import changes_near, read_changes
from trendminer.errors import InputError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(SAMPLES / "systems.csv")


def test_change_records_sample_every_row_accounted_for(catalogue):
    frame, acc = read_changes(SAMPLES / "change_requests.csv", catalogue)
    assert acc.format == "servicenow_change" and acc.balanced
    assert (acc.rows, acc.accepted, acc.duplicates, acc.rejected) == (9, 6, 1, 2)
    assert sorted(acc.examples) == [
        "change_requests.csv row 8, column cmdb_ci: names no catalogued system ('Mainframe')",
        "change_requests.csv row 9, column start_date: unreadable or missing date ('')"]
    sap = frame[frame["change_id"] == "CHG0030712"].iloc[0]
    assert (sap["system"], str(sap["start"].date()), sap["title"]) == ("SAP ERP", "2026-09-14", "S/4HANA FPS01")
    near = changes_near(frame, "SAP ERP", "2026-09-13", weeks=2)
    assert near["change_id"].tolist() == ["CHG0030712"]
    assert changes_near(frame, "SAP ERP", "2026-06-01", weeks=2).empty


def test_change_records_generic_csv_and_jira_versions(tmp_path, catalogue):
    generic = tmp_path / "changes.csv"
    generic.write_text("id,system,start,end,title\nC1,Okta,2026-10-01,,MFA policy\nC2,,2026-10-02,,Teams client 2.1\n")
    frame, acc = read_changes(generic, catalogue)
    assert acc.format == "generic" and frame["system"].tolist() == ["Okta SSO", "Microsoft Teams"]
    jira = tmp_path / "versions.json"
    jira.write_text(json.dumps([{"id": "10001", "name": "Jira 9.12 upgrade", "releaseDate": "2026-08-01",
                                 "released": True, "projectId": 1},
                                {"id": "10002", "name": "Sprint 14", "releaseDate": "2026-08-15"}]))
    frame, acc = read_changes(jira, catalogue)
    assert acc.format == "jira_versions" and frame["system"].tolist() == ["Jira"]
    assert acc.rejected == 1 and "names no catalogued system" in acc.examples[0]


def test_change_records_negative(tmp_path, catalogue):
    with pytest.raises(InputError, match="not found"):
        read_changes(tmp_path / "missing.csv", catalogue)
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="not a change export I know"):
        read_changes(odd, catalogue)
