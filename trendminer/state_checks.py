"""Checks of a state file before and after it is opened: is it a DuckDB file at all, is its
schema version a number, does it hold every table and column a run relies on. ``run`` refuses
what fails them and ``doctor`` reports it, with the same messages.
"""
from __future__ import annotations

import re

from pathlib import Path

import duckdb

from .errors import STATE_DAMAGED, STATE_FOREIGN, STATE_FOLDER, STATE_INCOMPLETE, STATE_NOT_A_FILE, STATE_SCHEMA_VALUE, StateError

#: the tables of a current state, created by :class:`trendminer.store.State` (one definition)
_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS tickets (
    ticket_id VARCHAR PRIMARY KEY, opened_at TIMESTAMP, resolved_at TIMESTAMP,
    updated_at TIMESTAMP, title VARCHAR, description VARCHAR, system_field VARCHAR,
    category VARCHAR, priority INTEGER, state VARCHAR, caller_key VARCHAR,
    assignment_group VARCHAR, reopen_count INTEGER, reassignment_count INTEGER,
    language VARCHAR, csat DOUBLE, made_sla DOUBLE, first_response_hours DOUBLE, kind_label VARCHAR, resolution VARCHAR, text VARCHAR, text_hash VARCHAR, source_file VARCHAR,
    source_row BIGINT);
CREATE TABLE IF NOT EXISTS embeddings (
    model VARCHAR, text_hash VARCHAR, vector FLOAT[], PRIMARY KEY (model, text_hash));
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, as_of DATE, generated_at TIMESTAMP, config_hash VARCHAR,
    summary JSON, manifest JSON);
CREATE TABLE IF NOT EXISTS topic_snapshots (
    run_id INTEGER, topic_id INTEGER, label VARCHAR, size INTEGER, top_system VARCHAR);
CREATE TABLE IF NOT EXISTS system_snapshots (
    run_id INTEGER, system VARCHAR, tickets INTEGER, failures INTEGER, irritation DOUBLE,
    trouble_score DOUBLE, rank INTEGER, recommendation VARCHAR);
CREATE TABLE IF NOT EXISTS trend_snapshots (
    run_id INTEGER, entity_type VARCHAR, entity VARCHAR, recent INTEGER, expected DOUBLE,
    flag VARCHAR, status VARCHAR);
CREATE TABLE IF NOT EXISTS finding_snapshots (run_id INTEGER, finding_id VARCHAR, kind VARCHAR,
    systems VARCHAR, topic_ids VARCHAR, start DATE, status VARCHAR, tickets INTEGER);
CREATE TABLE IF NOT EXISTS topic_registry (
    topic_id INTEGER PRIMARY KEY, centroid FLOAT[], first_seen DATE, last_seen DATE,
    status VARCHAR, label VARCHAR);
CREATE TABLE IF NOT EXISTS topic_events (
    run_id INTEGER, topic_id INTEGER, event VARCHAR, detail VARCHAR);
CREATE TABLE IF NOT EXISTS knowledge_snapshots (
    run_id INTEGER, topic_id INTEGER, label VARCHAR, status VARCHAR, tickets INTEGER,
    savings_per_month DOUBLE, best_article VARCHAR);
CREATE TABLE IF NOT EXISTS assignments (
    run_id INTEGER, ticket_id VARCHAR, topic_id INTEGER);
CREATE TABLE IF NOT EXISTS text_features (
    spec VARCHAR, text_key VARCHAR, sys_source VARCHAR, sys_system VARCHAR, sys_confidence DOUBLE,
    kind_rule VARCHAR, cue_frustration INTEGER, cue_repetition INTEGER, cue_urgency INTEGER,
    cue_escalation INTEGER, shouting DOUBLE, irr_frustration INTEGER, irr_repetition INTEGER,
    irr_urgency INTEGER, irr_escalation INTEGER, irr_shouting DOUBLE, irr_words DOUBLE,
    seg_words DOUBLE[], seg_cues DOUBLE[], term_forms VARCHAR, title_tidy VARCHAR, title_shouted BOOLEAN,
    PRIMARY KEY (spec, text_key));
"""

#: the tables a trendminer state may hold (another table marks another program's database)
KNOWN_TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _DDL))


_DUCKDB_MAGIC = b"DUCK"
_SIGNATURES = ((b"SQLite format 3\x00", "an SQLite database"), (b"PK\x03\x04", "a zip archive"),
               (b"PAR1", "a Parquet file"), (b"\x89PNG", "a PNG image"), (b"%PDF", "a PDF document"))


def check_state_file(path: Path) -> None:
    """Refuse a ``--state`` path that is not a DuckDB file before DuckDB touches it.

    Raises
    ------
    StateError
        When the path is a folder, cannot be read, or holds another kind of file (SQLite,
        zip, text ...), which DuckDB would try to open with an extension or overwrite.
    """
    try:
        if path.is_dir():
            raise StateError(STATE_NOT_A_FILE.format(path=path, what="a folder"))
        if not path.exists():
            return
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StateError(STATE_FOLDER.format(folder=path, reason=exc.strerror or exc)) from None
    if not head:
        raise StateError(STATE_NOT_A_FILE.format(path=path, what="an empty file (0 bytes)"))
    if head[8:12] != _DUCKDB_MAGIC:
        what = next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)
        if what is None:
            raise StateError(STATE_DAMAGED.format(
                path=path, reason="it does not start like a DuckDB database (damaged, or another program's file)"))
        raise StateError(STATE_NOT_A_FILE.format(path=path, what=what))



def expected_columns() -> dict[str, list[str]]:
    """Every table of a current state and its columns, as :data:`_DDL` creates them."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(_DDL)
        rows = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                           "ORDER BY table_name, ordinal_position").fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def schema_version(con: duckdb.DuckDBPyConnection, path: Path) -> int | None:
    """The state's schema version (None for a database without trendminer's ``meta`` table).

    Raises
    ------
    StateError
        When the stored value is not a number (a damaged or hand-edited state).
    """
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchall()[0][0]
    if not has_meta:
        return None
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    if not rows:
        return None
    try:
        return int(str(rows[0][0]).strip())
    except ValueError:
        raise StateError(STATE_SCHEMA_VALUE.format(path=path, value=rows[0][0])) from None


def missing_parts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What a current-schema state lacks that a run relies on: tables, then columns.

    Examples
    --------
    >>> con = duckdb.connect(":memory:"); _ = con.execute(_DDL); _ = con.execute("DROP TABLE runs")
    >>> missing_parts(con)
    ['table runs']
    """
    have: dict[str, set[str]] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall():
        have.setdefault(table, set()).add(column)
    out = []
    for table, columns in expected_columns().items():
        if table not in have:
            out.append(f"table {table}")
        else:
            out += [f"column {table}.{c}" for c in columns if c not in have[table]]
    return out


def check_complete(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a state that lacks a table or a column a run writes or reads."""
    missing = missing_parts(con)
    if missing:
        raise StateError(STATE_INCOMPLETE.format(
            path=path, what=f"it lacks {', '.join(missing[:6])}" + (" and more" if len(missing) > 6 else "")))


def refuse_foreign(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a DuckDB file that another program owns, before anything is written to it."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    if not tables:
        return   # an empty database: nothing to damage
    marker = None
    if "meta" in tables:
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
            marker = row[0] if row else None
        except duckdb.Error:
            marker = None
    try:
        legacy = ("meta" in tables and tables <= KNOWN_TABLES and {"tickets", "runs"} <= tables
                  and schema_version(con, path) is not None)
    except (duckdb.Error, ValueError, StateError):
        legacy = False
    if marker != "trendminer" and not (marker is None and legacy):
        foreign = sorted(tables - KNOWN_TABLES) or sorted(tables)
        raise StateError(STATE_FOREIGN.format(path=path, tables=", ".join(foreign[:8])))
