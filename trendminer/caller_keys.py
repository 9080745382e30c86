"""Caller keys that only the state can make: a secret salt per state file, and the keyed hash.

:func:`trendminer.clean.clean_tickets` turns a caller's name into a plain hash; the state keys
that hash with its own random salt before anything is stored, so someone holding the state and
a staff list cannot hash the names and find the callers.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import Path

import duckdb
import pandas as pd

log = logging.getLogger(__name__)


def keyed(salt: str, key: str) -> str:
    """A caller key made secret by the state's salt: the first 16 hex digits of sha256(salt + key).

    Examples
    --------
    >>> keyed("s1", "abc") != keyed("s2", "abc")
    True
    """
    return hashlib.sha256((salt + key).encode()).hexdigest()[:16]


def caller_salt(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """This state's secret salt for caller keys, made on first use (inside the run's
    transaction); keys stored before it existed (unsalted hashes of names) are re-keyed then."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'caller_salt'").fetchall()
    if rows:
        return str(rows[0][0])
    salt = secrets.token_hex(16)
    con.execute("INSERT INTO meta VALUES ('caller_salt', ?)", [salt])
    old = [r[0] for r in con.execute(
        "SELECT DISTINCT caller_key FROM tickets WHERE caller_key <> ''").fetchall()]
    if old:
        con.register("rekey", pd.DataFrame({"old": old, "new": [keyed(salt, k) for k in old]}))
        con.execute("UPDATE tickets SET caller_key = rekey.new FROM rekey WHERE tickets.caller_key = rekey.old")
        con.unregister("rekey")
        log.info("state %s: %d caller keys re-keyed with this state's salt", path, len(old))
    return salt
