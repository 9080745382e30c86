"""Presets detected from headers, the formats, encodings and the real UCI event log."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trendminer.clean import clean_tickets
from trendminer.config import default_dict, load_settings
from trendminer.ingest import read_exports
from trendminer.ingest.presets import choose

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
UCI = Path(__file__).resolve().parents[2] / "shared" / "data" / "uci-incident-log" / "incident_event_log.zip"
AS_OF = pd.Timestamp("2026-10-31")


def ingest(paths, *overrides):
    paths = paths if isinstance(paths, list) else [paths]
    return read_exports(paths, load_settings(overrides=list(overrides)), AS_OF)


@pytest.mark.parametrize("name, preset, accounting", [
    ("servicenow_incidents.csv", "servicenow", None),
    ("servicenow_events.csv", "servicenow_events", "7 rows: 3 accepted, 4 duplicate, 0 rejected"),
    ("jira_export.csv", "jira", "6 rows: 5 accepted, 1 duplicate, 0 rejected"),
    ("zendesk_tickets.jsonl", "zendesk", "4 rows: 4 accepted, 0 duplicate, 0 rejected"),
    ("zendesk_tickets.json", "zendesk", "2 rows: 2 accepted, 0 duplicate, 0 rejected"),
])
def test_ingest_presets_detected_on_samples(name, preset, accounting):
    result = ingest(SAMPLES / name)
    acc = result.accounting
    assert acc.presets[str(SAMPLES / name)].startswith(f"{preset} (its header has ")
    assert acc.balanced and acc.accepted > 0
    if accounting:
        assert acc.summary() == accounting


def test_ingest_jira_fields():
    raw = ingest(SAMPLES / "jira_export.csv").raw.set_index("ticket_id")
    vpn = raw.loc["ITSM-101"]
    assert vpn["state"] == "Closed"          # the later duplicate row wins
    assert vpn["system"] == "GlobalProtect VPN;Network"   # repeated Component/s joined
    assert vpn["opened_at"] == pd.Timestamp("2026-10-05 08:14")
    assert vpn["category"] == "Report a system problem" and vpn["priority"] == 2
    assert vpn["csat"] == 0.75 and vpn["caller"] == "Laura Fischer"


def test_ingest_zendesk_fields():
    raw = ingest(SAMPLES / "zendesk_tickets.jsonl").raw.set_index("ticket_id")
    assert raw.loc["35437", "opened_at"] == pd.Timestamp("2026-10-05 07:40")  # +02:00 -> UTC
    assert raw.loc["35436", "csat"] == 1.0 and raw.loc["35439", "csat"] == 0.0
    assert raw.loc["35436", "channel"] == "email" and raw.loc["35436", "priority"] == 3
    assert raw.loc["35436", "assignment_group"] == "Workplace Support"


@pytest.mark.parametrize("name, ticket, language", [
    ("jira_export.csv", "ITSM-105", "de"), ("zendesk_tickets.jsonl", "35438", "fr")])
def test_language_detected_on_cleaned_tickets(name, ticket, language):
    settings = load_settings()
    result = read_exports([SAMPLES / name], settings, AS_OF)
    tickets = clean_tickets(result.raw, settings).set_index("ticket_id")
    assert tickets.loc[ticket, "language"] == language
    result.accounting.count_languages(tickets["language"], "en")
    assert result.accounting.languages[language] >= 1
    assert any(f"{language} " in w and "not in 'en'" in w for w in result.accounting.warnings)


def test_ingest_event_log_keeps_highest_sys_mod_count():
    raw = ingest(SAMPLES / "servicenow_events.csv").raw.set_index("ticket_id")
    assert raw.loc["INC0001001", "state"] == "Resolved"   # sys_mod_count 5 beats a later 4
    assert raw.loc["INC0001001", "assignment_group"] == "Network Team"
    assert raw.loc["INC0001003", "structured_only"]
    assert raw.loc["INC0001002", "opened_at"] == pd.Timestamp("2026-10-14 10:00")


def test_ingest_forced_preset_and_reason():
    result = ingest(SAMPLES / "jira_export.csv", "ingest.preset=jira")
    assert result.accounting.presets[str(SAMPLES / "jira_export.csv")] == "jira (ingest.preset = 'jira')"


def test_ingest_custom_column_map_wins_over_detection(tmp_path):
    path = tmp_path / "tool.csv"
    path.write_text("Key,When,Text,Summary,Created,Issue key\nA-1,2026-10-01,VPN down,x,y,z\n")
    result = ingest(path, 'ingest.columns.ticket_id="Key"', 'ingest.columns.opened_at="When"',
                    'ingest.columns.title="Text"')
    assert result.accounting.presets[str(path)].startswith("generic (your ingest.columns map")
    assert result.raw.loc[0, "title"] == "VPN down"


def test_choose_explains_near_miss():
    choice = choose(["number", "opened_at", "foo"], {"preset": "auto",
                                                     "columns": default_dict()["ingest"]["columns"]})
    assert choice.name == "generic" and "closest preset" in choice.reason


def test_ingest_servicenow_xlsx_with_display_labels(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Number", "Opened", "Short description", "Caller", "Priority", "State",
                  "Configuration item", "Assignment group"])
    sheet.append(["INC0100", pd.Timestamp("2026-10-02 08:00").to_pydatetime(), "Outlook crashes",
                  "Eva Lind", "2 - High", "New", "Outlook", "Workplace"])
    path = tmp_path / "incident.xlsx"
    book.save(path)
    result = ingest(path)
    assert result.accounting.presets[str(path)].startswith("servicenow")
    row = result.raw.iloc[0]
    assert (row["ticket_id"], row["system"], row["caller"], row["priority"]) == (
        "INC0100", "Outlook", "Eva Lind", 2)


def test_ingest_generic_parquet(tmp_path):
    frame = pd.DataFrame({"number": ["INC1", "INC2"],
                          "opened_at": pd.to_datetime(["2026-10-01 09:00", "2026-10-02 10:00"]),
                          "short_description": ["VPN down", "Printer jam"],
                          "reopen_count": [1, 0]})
    path = tmp_path / "export.parquet"
    frame.to_parquet(path)
    raw = ingest(path).raw
    assert raw["ticket_id"].tolist() == ["INC1", "INC2"]
    assert raw["opened_at"].tolist() == list(frame["opened_at"])
    assert raw["reopen_count"].tolist() == [1, 0]


@pytest.mark.parametrize("encoding, bom", [("utf-8", b"\xef\xbb\xbf"), ("latin-1", b""),
                                           ("cp1252", b""), ("utf-16", b"")])
def test_ingest_encodings(tmp_path, encoding, bom):
    text = "number,opened_at,short_description\nINC1,2026-10-01,Drucker läuft nicht – Gebühr\n"
    if encoding == "latin-1":
        text = text.replace("–", "-")
    path = tmp_path / "enc.csv"
    path.write_bytes(bom + text.encode(encoding))
    result = ingest(path)
    assert result.raw.loc[0, "title"].startswith("Drucker läuft nicht")
    assert result.raw.columns[0] == "ticket_id" and result.accounting.accepted == 1
    assert result.accounting.replaced_chars == 0


def test_ingest_invalid_utf8_counts_replacements(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes("number,opened_at,short_description\nINC1,2026-10-01,VPN down\n".encode()
                     + b"INC2,2026-10-01,Caf\xc3\xa9 printer \x81\x8d broken\n")
    result = ingest(path)
    assert result.accounting.accepted == 2
    assert result.accounting.replaced_chars == 2


@pytest.mark.skipif(not UCI.exists(), reason=f"UCI event log not found at {UCI}")
def test_ingest_real_uci_event_log():
    result = read_exports([UCI], load_settings(), pd.Timestamp("2017-12-31"))
    acc = result.accounting
    assert acc.presets[str(UCI)].startswith("servicenow_events")
    assert acc.summary() == "141712 rows: 24918 accepted, 116794 duplicate, 0 rejected"
    assert acc.structured_only == 24918
    raw = result.raw.set_index("ticket_id")
    first = raw.loc["0000045"]
    assert first["opened_at"] == pd.Timestamp("2016-02-29 01:16")
    assert first["title"] == "category 55 / subcategory 170 / symptom 72"
    assert first["state"] == "Closed"
    assert any("day-first" in w for w in acc.warnings)


@pytest.mark.parametrize("values", [
    ["2026-10-31 14:05:00", "", "2026-01-02", "2026-10-31T14:05", "2026-10-31 14:05:00.5"],
    ["2026-10-31 14:05Z", "2026-10-31 14:05:00+02:00"],      # offsets: pandas path, converted
    ["2026-02-30 10:00:00", "2026-10-31 10:00:00"],          # an impossible day: pandas path
])
def test_plain_iso_fast_path_agrees_with_pandas(values):
    from trendminer.ingest.dates import _iso, _plain_iso

    series = pd.Series(values)
    parsed = _iso(series, "UTC")
    expected = pd.to_datetime(series, errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
    assert parsed.astype("datetime64[us]").tolist() == expected.astype("datetime64[us]").tolist()
    assert (_plain_iso(series) is None) == any("Z" in v or "+" in v or "02-30" in v for v in values)


def test_ingest_event_log_first_work_is_the_first_response_and_made_sla_is_read():
    raw = ingest(SAMPLES / "servicenow_events.csv").raw.set_index("ticket_id")
    events = pd.read_csv(SAMPLES / "servicenow_events.csv", dtype=str)
    mine = events[events["number"] == "INC0001001"]
    opened = pd.to_datetime(mine["opened_at"].iloc[0], dayfirst=True)
    worked = pd.to_datetime(mine.loc[mine["incident_state"] != "New", "sys_updated_at"], dayfirst=True).min()
    assert raw.loc["INC0001001", "first_response_hours"] == pytest.approx((worked - opened) / pd.Timedelta(hours=1))
    assert set(raw["made_sla"].dropna()) <= {0.0, 1.0} and raw["made_sla"].notna().all()


def test_ingest_first_response_and_sla_of_servicenow_jira_and_zendesk(tmp_path):
    snow = tmp_path / "incidents.csv"
    snow.write_text("number,opened_at,short_description,u_first_response,made_sla\n"
                    "INC1,2026-10-01 09:00:00,VPN down,2026-10-01 09:45:00,true\n"
                    "INC2,2026-10-01 09:00:00,VPN down,,false\n"
                    "INC3,2026-10-01 09:00:00,VPN down,2026-09-30 09:00:00,\n")   # before opening: unknown
    raw = ingest(snow).raw.set_index("ticket_id")
    assert raw.loc["INC1", "first_response_hours"] == 0.75 and raw.loc["INC1", "made_sla"] == 1.0
    assert pd.isna(raw.loc["INC2", "first_response_hours"]) and raw.loc["INC2", "made_sla"] == 0.0
    assert pd.isna(raw.loc["INC3", "first_response_hours"]) and pd.isna(raw.loc["INC3", "made_sla"])
    jira = tmp_path / "jira.csv"
    jira.write_text("Summary,Issue key,Created,Custom field (Time to first response)\n"
                    "VPN down,ITSM-1,2026-10-01 09:00,1h 30m\nVPN down,ITSM-2,2026-10-01 09:00,-2h\n")
    raw = ingest(jira).raw.set_index("ticket_id")
    assert raw.loc["ITSM-1", "first_response_hours"] == 1.5 and pd.isna(raw.loc["ITSM-2", "first_response_hours"])
    zendesk = tmp_path / "tickets.jsonl"
    zendesk.write_text('{"id": 1, "subject": "VPN down", "created_at": "2026-10-01T09:00:00Z", "status": "solved", '
                       '"metric_set": {"reply_time_in_minutes": {"calendar": 45}}}\n')
    assert ingest(zendesk).raw.set_index("ticket_id").loc["1", "first_response_hours"] == 0.75
