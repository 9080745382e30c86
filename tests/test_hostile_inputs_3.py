"""Hostile inputs, round 3 (issue 26): secrets and personal data, tracebacks, false messages and
data lost. Each case runs one command through the CLI on a site after one good night (see
:mod:`tests.test_hostile_inputs`) and checks the exit code, the message, that no traceback is
shown, and after a failed run that the state and the previous reports are byte-identical.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import make_export
from tests.test_hostile_inputs import (FIRST_NIGHT, NIGHT, Site, fails, first_night, no_traceback,  # noqa: F401
                                       refused, site, ticket_rows)

# --- 1. secrets and personal data never reach a page, an export or the state ---------------------

SECRETS = ("Summer2026", "hunter2", "Winter2025", "Geheim123", "P@ssw0rd", "Kevin", "Mueller",
           "DE89370400440532013000", "WEST 1234", "AB123456C", "AB 12 34 56 C", "T220001293",
           "2001:db8", "fe80::1ff", "j.doe", "sk-live-4f9a8b7c6d5e4f3a2b1c", "ghp_", "Anna Schmidt")


def planted_rows() -> list[dict]:
    rows = ticket_rows(40)
    plants = [
        {"short_description": "VPN: my password is Summer2026! does not work"},
        {"description": "login fails, password:hunter2 was typed"},
        {"close_notes": "reset done, pw: Winter2025$ given"},
        {"description": "Mein Passwort: Geheim123 geht nicht"},
        {"close_notes": "set new password = P@ssw0rd! for the user"},
        {"cmdb_ci": "Laptop of Kevin Mueller kevin.mueller@corp.example", "caller_id": "Kevin Mueller"},
        {"description": "refund to DE89370400440532013000 or GB82 WEST 1234 5698 7654 32 please"},
        {"description": "NI number AB123456C, also AB 12 34 56 C; Ausweis T220001293"},
        {"description": "host 2001:db8:85a3::8a2e:370:7334 and fe80::1ff:fe23:4567:890a down; mail j.doe@corp"},
        {"description": "api key: sk-live-4f9a8b7c6d5e4f3a2b1c token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"},
        {"assignment_group": "Team of Anna Schmidt", "category": "Laptop of Anna Schmidt"},
    ]
    for row, plant in zip(rows, plants):
        row.update(plant)
    return rows


def state_text(path: Path) -> str:
    """Every value of every table of a DuckDB state, as text (strings may be compressed on disk)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        parts = []
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            parts.append(con.execute(f"SELECT * FROM {table}").df().to_csv())
        return "\n".join(parts)
    finally:
        con.close()


def outputs_text(folder: Path) -> str:
    parts = []
    for path in folder.rglob("*"):
        if path.suffix == ".parquet":
            parts.append(pd.read_parquet(path).to_csv())
        elif path.is_file():
            parts.append(path.read_text("utf-8", errors="replace"))
    return "\n".join(parts)


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), f"{secret!r} reached {where}"


def test_hostile_42_secrets_and_personal_data_reach_no_page_export_or_state(site):
    export = make_export(site.root / "planted.csv", planted_rows(),
                         columns=None)
    result = site.run(export)
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert_no_secret(outputs_text(site.out / NIGHT), "the reports")
    assert_no_secret(state_text(site.state), "the state")
    assert_no_secret(site.state.read_bytes().decode("latin-1"), "the state file's bytes")
    suggest = site.invoke("systems", "suggest", export, "--min-tickets", "1")
    no_traceback(suggest)
    assert_no_secret(suggest.output, "systems suggest")


def test_hostile_43_kb_titles_and_bodies_are_redacted(site):
    kb = site.write("kb.csv", "id,title,body\n"
                    "KB1,Kevin Mueller's VPN guide (password: Summer2026!),Reset via portal. pw: Winter2025$\n"
                    "KB2,Outlook profile,Ask Anna Schmidt at anna.schmidt@corp.example\n")
    result = site.run(extra=("--kb", str(kb)))
    assert result.exit_code == 0, result.output
    assert_no_secret(outputs_text(site.out / NIGHT), "the reports")
    assert_no_secret(state_text(site.state), "the state")


def test_hostile_44_caller_key_is_keyed_per_state(site, tmp_path):
    import hashlib

    export = make_export(site.root / "callers.csv", ticket_rows(12, caller_id="Kevin Mueller"))
    other = tmp_path / "other.duckdb"
    assert site.run(export).exit_code == 0
    assert site.run(export, state=other).exit_code == 0
    keys = [duckdb.connect(str(p), read_only=True).execute(
        "SELECT DISTINCT caller_key FROM tickets WHERE caller_key <> '' AND ticket_id = 'INC00001'").fetchall()
        for p in (site.state, other)]
    plain = hashlib.sha256(b"trendminer:kevin mueller").hexdigest()[:16]
    assert keys[0] and keys[1] and keys[0] != keys[1]
    assert plain not in state_text(site.state) and plain not in state_text(other)


# --- 2. no traceback, ever ----------------------------------------------------------------------

@pytest.mark.parametrize("command", ["run", "validate"])
def test_hostile_45_hour_only_offsets_mixed_with_naive_dates(site, command):
    rows = ticket_rows(20)
    for i, row in enumerate(rows):
        row["opened_at"] = f"2026-10-{2 + i:02d}T10:00:00" + ("+02" if i % 2 else "")
    export = make_export(site.root / "offsets.csv", rows)
    result = site.run(export) if command == "run" else site.validate(export)
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "RecursionError" not in result.output


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_hostile_46_deeply_nested_json_is_a_message(site):
    export = site.write("deep.json", '[{"number": "INC1", "x": ' + _deep(100_000) + "}]")
    refused(site, lambda: site.run(export), str(export), "nested", "Fix")


def test_hostile_47_one_deep_jsonl_line_is_rejected_not_the_file(site):
    lines = [json.dumps({"number": f"INC9{i:04d}", "opened_at": "2026-10-20 09:00:00",
                         "short_description": "Outlook crashes", "cmdb_ci": "Outlook"}) for i in range(10)]
    lines.insert(4, '{"number": "INCX", "x": ' + _deep(100_000) + "}")
    export = site.write("deep.jsonl", "\n".join(lines) + "\n")
    result = site.run(export)
    no_traceback(result)
    assert result.exit_code == 3, result.output
    assert "11 rows: 10 accepted, 0 duplicate, 1 rejected" in result.output


def test_hostile_48_lone_surrogate_in_a_json_key(site):
    export = site.write("surrogate.json", json.dumps([{"number": "INC77", "opened_at": "2026-10-20 09:00",
                                                       "short_description": "VPN down", "bad\udc80key": "x"}]))
    result = site.run(export)
    no_traceback(result)
    assert result.exit_code in (0, 3), result.output


@pytest.mark.parametrize("name,content,phrase", [
    ("kb.csv", "id,title,body,updated\nKB1,VPN,reset it,2026-10-02T10:00:00+02\nKB2,Mail,fix it,2026-10-02T10:00:00\n",
     None),
    ("kb.json", '{"articles": ' + _deep(100_000) + "}", "nested"),
    ("kb.xlsx", None, "not an Excel workbook"),
])
def test_hostile_49_bad_knowledge_files(site, name, content, phrase):
    path = site.root / name
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hello.txt", "not a workbook")
    else:
        path.write_text(content, encoding="utf-8")
    result = site.run(extra=("--kb", str(path)))
    if phrase is None:
        no_traceback(result)
        assert result.exit_code == 0, result.output
    else:
        refused(site, lambda: site.run(extra=("--kb", str(path))), str(path), phrase)


def _damage(state: Path, sql: str) -> None:
    con = duckdb.connect(str(state))
    con.execute(sql)
    con.close()


@pytest.mark.parametrize("sql,phrase", [
    ("DROP TABLE topic_registry", "topic_registry"),
    ("UPDATE meta SET value = 'six' WHERE key = 'schema_version'", "'six'"),
    ("ALTER TABLE tickets DROP COLUMN csat", "csat"),
])
def test_hostile_50_damaged_state_is_refused_and_doctor_says_why(site, sql, phrase):
    _damage(site.state, sql)
    refused(site, lambda: site.run(), str(site.state), phrase, "Fix")
    doctor = site.invoke("doctor", "--state", site.state, "--out", site.out,
                         "--set", "embed.backend=tfidf")
    no_traceback(doctor)
    assert phrase in doctor.output, doctor.output
    assert doctor.exit_code == 1, doctor.output


@pytest.mark.parametrize("content", [b"\x00\xff\xfe garbage \x80", b"[1, 2, 3]",
                                     b'{"pid": 1, "host": "HOST", "created": "yesterday"}',
                                     b'{"pid": "abc", "host": "HOST", "created": 1.0}'])
def test_hostile_51_damaged_lock_file_is_taken_over(site, content):
    import socket

    lock = site.state.with_name(site.state.name + ".lock")
    lock.write_bytes(content.replace(b"HOST", socket.gethostname().encode()))
    result = site.run()
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert not lock.exists()
    lock.write_bytes(content.replace(b"HOST", socket.gethostname().encode()))
    doctor = site.invoke("doctor", "--state", site.state, "--out", site.out, "--set", "embed.backend=tfidf")
    no_traceback(doctor)
    assert "lock" in doctor.output


# --- 3. true messages ---------------------------------------------------------------------------

def test_hostile_52_migration_and_late_failure_leave_the_state_as_it_was(site, monkeypatch):
    import trendminer.store as store

    _damage(site.state, "UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    before = site.snapshot()

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.State, "record_run", boom)
    result = site.run()
    fails(result, 1, "schema 5")
    after = site.snapshot()
    assert after == before, "a failed run changed the state"


def test_hostile_53_ambiguous_dates_are_warned_on_stderr(site):
    rows = ticket_rows(20)
    for i, row in enumerate(rows):
        row["opened_at"] = f"{1 + i % 12:02d}/{1 + (i + 1) % 12:02d}/2026 09:00"
    export = make_export(site.root / "ambiguous.csv", rows)
    result = site.run(export, extra=("--set", "ingest.read.date_order=auto"))
    no_traceback(result)
    assert "could be day/month or month/day" in result.output
    assert "date_order" in result.output


def test_hostile_54_conflicting_duplicates_across_files_are_said_and_order_free(site):
    a_rows = ticket_rows(30, sys_updated_on="2026-10-29 10:00:00", cmdb_ci="Outlook")
    b_rows = ticket_rows(30, sys_updated_on="2026-10-29 10:00:00", cmdb_ci="SAP ERP")
    a = make_export(site.root / "a.csv", a_rows)
    b = make_export(site.root / "b.csv", b_rows)
    first = site.validate(a, b)
    second = site.validate(b, a)
    for result in (first, second):
        no_traceback(result)
        assert "30 tickets" in result.output and "INC00000" in result.output, result.output
        assert "sys_updated_on" in result.output
    from trendminer.config import load_settings
    from trendminer.pipeline import load_tickets

    settings = load_settings(None, [])
    one = load_tickets([a, b], settings).tickets.set_index("ticket_id")["system_field"].sort_index()
    two = load_tickets([b, a], settings).tickets.set_index("ticket_id")["system_field"].sort_index()
    assert one.equals(two)


def test_hostile_55_replay_from_before_the_first_ticket(site):
    def replay(start: str, end: str):
        return site.invoke("replay", site.export, "--from", start, "--to", end, "--state", site.root / "r.duckdb",
                           "--out", site.root / "r", "--set", "embed.backend=tfidf", "--set", "score.min_tickets=1")

    result = replay("2026-09-29", "2026-10-02")   # the first ticket is opened on 2026-10-01
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "header only" not in result.output
    assert "--from 2026-09-29 is before the first ticket" in result.output, result.output
    assert "the replay starts on 2026-10-01" in result.output
    refused(site, lambda: replay("2026-01-01", "2026-01-03"), "all 40 rows were rejected", "opened after --as-of")


def test_hostile_56_quoted_newline_in_a_header_is_a_header(site):
    frame = pd.DataFrame(ticket_rows(10))
    text = frame.to_csv(index=False).replace("short_description", '"short\ndescription"', 1)
    export = site.write("newline.csv", text)
    result = site.run(export, extra=("--set", 'ingest.columns.title="short description"'))
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "rejected" not in result.output or " 0 rejected" in result.output


def test_hostile_57_genuine_state_without_its_marker_is_accepted(site):
    _damage(site.state, "DELETE FROM meta WHERE key = 'application'")
    result = site.run()
    no_traceback(result)
    assert result.exit_code == 0, result.output


# --- 4. nothing of the user's is deleted ---------------------------------------------------------

@pytest.mark.parametrize("name", [f".{NIGHT}.mybackup", f".{FIRST_NIGHT}.old", f".{NIGHT}.k2j4h5g6"])
def test_hostile_58_hidden_folders_of_the_user_are_kept(site, name):
    folder = site.out / name
    folder.mkdir()
    (folder / "mine.txt").write_text("my notes")
    result = site.run()
    assert result.exit_code == 0, result.output
    assert (folder / "mine.txt").read_text() == "my notes"
