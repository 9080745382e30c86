"""The state: one DuckDB file holding tickets, the embedding cache and the run history.

A run opens the state, does all its writes inside one transaction and commits at the end;
if the process dies before the commit, DuckDB's write-ahead log discards the partial
transaction and the previous state is intact.
"""
from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import (STATE_COMMIT_FAILED, STATE_DAMAGED, STATE_FOLDER, STATE_LOCKED,
                     STATE_MIGRATED_NOTE, STATE_MIGRATION_ROLLED_BACK, STATE_SCHEMA_VALUE, StateError,
                     TrendminerError)
from .schema import TICKETS, Tickets
from .caller_keys import caller_salt, keyed
from .state_checks import (_DDL, KNOWN_TABLES, check_complete, check_state_file, refuse_foreign,  # noqa: F401
                           schema_version)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 7

#: SQL that brings a state of version N to N + 1. A backup is kept before any migration.
MIGRATIONS: dict[int, str] = {
    1: "ALTER TABLE runs ADD COLUMN manifest JSON;",
    2: "",  # version 3 adds the topic registry tables; _DDL creates them
    3: "ALTER TABLE tickets ADD COLUMN language VARCHAR; ALTER TABLE tickets ADD COLUMN csat DOUBLE;",
    4: "ALTER TABLE tickets ADD COLUMN resolution VARCHAR;",  # version 5 adds knowledge_snapshots; _DDL creates it
    5: "",  # version 6 adds the per-text feature cache; _DDL creates it
    6: "ALTER TABLE trend_snapshots ADD COLUMN status VARCHAR; ALTER TABLE tickets ADD COLUMN made_sla DOUBLE; "
       "ALTER TABLE tickets ADD COLUMN first_response_hours DOUBLE; ALTER TABLE tickets ADD COLUMN kind_label VARCHAR DEFAULT '';",
}


#: runs whose ticket -> topic assignments are kept (for night-to-night stability)
KEEP_ASSIGNMENTS = 14


#: what marks a DuckDB file as trendminer's (meta key 'application')
APPLICATION = "trendminer"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file with extension auto-install and auto-load off (never the network)."""
    try:
        return duckdb.connect(str(path), config={"autoinstall_known_extensions": False,
                                                 "autoload_known_extensions": False})
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StateError(STATE_LOCKED.format(path=path)) from None
        raise StateError(STATE_DAMAGED.format(path=path, reason=_first_line(exc))) from None
    except duckdb.Error as exc:
        raise StateError(STATE_DAMAGED.format(path=path, reason=_first_line(exc))) from None


def _list_array(vectors: np.ndarray) -> pa.ListArray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    offsets = np.arange(0, vectors.size + 1, max(vectors.shape[1], 1), dtype=np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(vectors.ravel()))


class State:
    """An open state file. Use as a context manager; call :meth:`commit` to keep the run.

    Parameters
    ----------
    path : str or Path
        The DuckDB file; created with its folder when missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __enter__(self) -> State:
        check_state_file(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(STATE_FOLDER.format(folder=self.path.parent, reason=exc.strerror or exc)) from None
        self.con = _connect(self.path)
        self.migrated_from: int | None = None
        try:
            self._refuse_foreign()
            self._migrate()   # an upgrade is begun here and committed with the night's results
            check_complete(self.con, self.path)
        except BaseException:
            try:
                self.con.rollback()
            except duckdb.Error:
                pass
            self.con.close()
            raise
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None = None, *_: Any) -> None:
        if isinstance(exc, TrendminerError) and self.migrated_from is not None and exc.args:
            exc.args = (str(exc.args[0]) + STATE_MIGRATION_ROLLED_BACK.format(old=self.migrated_from,
                                                                              new=SCHEMA_VERSION), *exc.args[1:])
        try:
            if exc_type is not None:
                self.con.rollback()
        except duckdb.Error:
            pass   # a failed commit has already ended the transaction
        finally:
            self.con.close()

    def _refuse_foreign(self) -> None:
        """Refuse a DuckDB file that another program owns, before anything is written to it."""
        refuse_foreign(self.con, self.path)

    def _version(self) -> int | None:
        return schema_version(self.con, self.path)

    def _migrate(self) -> None:
        """Create a new state's tables, or begin the upgrade of an older one.

        The upgrade runs inside the transaction the night then uses (and :meth:`commit` ends),
        so a run that fails leaves the file at its old schema; a copy is kept beside it.
        """
        version = self._version()
        if version is None:
            self.con.execute(_DDL)
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('application', ?)", [APPLICATION])
            self.con.begin()
            return
        if version > SCHEMA_VERSION:
            raise StateError(
                f"The state file {self.path} has schema version {version}, newer than this "
                f"trendminer knows ({SCHEMA_VERSION}). Upgrade trendminer, or pass another --state file."
            )
        if version < 1:
            raise StateError(STATE_SCHEMA_VALUE.format(path=self.path, value=str(version)))
        if version < SCHEMA_VERSION:
            self.con.close()
            backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
            shutil.copy2(self.path, backup)
            log.warning(STATE_MIGRATED_NOTE.format(path=self.path, old=version, new=SCHEMA_VERSION, backup=backup))
            self.con = _connect(self.path)
            self.con.begin()
            try:
                for step in range(version, SCHEMA_VERSION):
                    if MIGRATIONS[step]:
                        self.con.execute(MIGRATIONS[step])
                self.con.execute(_DDL)
                self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('application', ?)", [APPLICATION])
            except duckdb.Error as exc:   # a hand-edited state: a column already there, a table missing
                raise StateError(STATE_DAMAGED.format(
                    path=self.path, reason=f"its upgrade from schema {version} failed ({_first_line(exc)})")) from None
            self.migrated_from = version
            return
        self.con.begin()

    def migration_note(self) -> str:
        """What a commit of this run writes beyond the night: the schema upgrade, if any."""
        return (f" (with the upgrade of the state from schema {self.migrated_from} to {SCHEMA_VERSION})"
                if self.migrated_from is not None else "")

    def commit(self) -> None:
        """Make every write of this run durable at once.

        Raises
        ------
        StateError
            When the write fails (disk full, the file vanished); DuckDB then keeps the state
            as it was before the run.
        """
        try:
            self.con.commit()
        except duckdb.Error as exc:
            raise StateError(STATE_COMMIT_FAILED.format(path=self.path, reason=_first_line(exc))) from None
        self.con.begin()

    def upsert_tickets(self, tickets: Tickets) -> dict[str, int]:
        """Insert new tickets and update known ones whose update is not older.

        The caller key of each ticket is keyed with this state's salt first (:func:`keyed`), so
        a list of staff names hashed like :func:`trendminer.clean.clean_tickets` does cannot
        re-identify callers without the state's own secret.

        Returns counts ``{"new": n, "updated": n, "unchanged": n}``.
        """
        frame = tickets[list(TICKETS)].copy(deep=False)
        salt = caller_salt(self.con, self.path)
        frame["caller_key"] = [keyed(salt, k) if k else "" for k in frame["caller_key"].astype(str)]
        self.con.register("incoming", frame)
        known = self.con.execute(
            "SELECT count(*) FILTER (WHERE t.ticket_id IS NULL), "
            "count(*) FILTER (WHERE t.ticket_id IS NOT NULL AND (t.text_hash IS DISTINCT FROM i.text_hash "
            "OR t.updated_at IS DISTINCT FROM i.updated_at)) "
            "FROM incoming i LEFT JOIN tickets t USING (ticket_id)").fetchone()
        cols = ", ".join(TICKETS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in TICKETS if c != "ticket_id")
        self.con.execute(
            f"INSERT INTO tickets ({cols}) SELECT {cols} FROM incoming ON CONFLICT (ticket_id) DO UPDATE "
            f"SET {updates} WHERE excluded.updated_at IS NULL OR tickets.updated_at IS NULL "
            "OR excluded.updated_at >= tickets.updated_at")
        self.con.unregister("incoming")
        new, changed = int(known[0]), int(known[1])
        return {"new": new, "updated": changed, "unchanged": len(frame) - new - changed}

    def tickets(self, start: pd.Timestamp, end: pd.Timestamp) -> Tickets:
        """Tickets opened in ``[start, end)``, ordered by opening time and id."""
        frame = self.con.execute(
            f"SELECT {', '.join(TICKETS)} FROM tickets WHERE opened_at >= ? AND opened_at < ? "
            "ORDER BY opened_at, ticket_id", [start.to_pydatetime(), end.to_pydatetime()]).df()
        frame["priority"] = frame["priority"].astype("Int64")
        for col in ("opened_at", "resolved_at", "updated_at"):
            frame[col] = frame[col].astype("datetime64[us]")
        return frame

    def cached_vectors(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors of ``model`` for the given text hashes."""
        wanted = pa.table({"text_hash": pa.array(list(dict.fromkeys(hashes)), pa.string())})
        self.con.register("wanted", wanted)
        rows = self.con.sql(
            "SELECT e.text_hash, e.vector FROM embeddings e JOIN wanted w USING (text_hash) "
            "WHERE e.model = $model", params={"model": model}).to_arrow_table()
        self.con.unregister("wanted")
        if rows.num_rows == 0:
            return {}
        vectors = np.asarray(rows.column("vector").combine_chunks().flatten(), dtype=np.float32)
        vectors = vectors.reshape(rows.num_rows, -1)
        return dict(zip(rows.column("text_hash").to_pylist(), vectors))

    def add_vectors(self, model: str, hashes: list[str], vectors: np.ndarray) -> None:
        """Store new vectors in the cache (inside the run's transaction)."""
        if not hashes:
            return
        table = pa.table({
            "model": pa.array([model] * len(hashes), pa.string()),
            "text_hash": pa.array(hashes, pa.string()),
            "vector": _list_array(vectors),
        })
        self.con.register("new_vectors", table)
        self.con.execute("INSERT OR IGNORE INTO embeddings SELECT model, text_hash, vector FROM new_vectors")
        self.con.unregister("new_vectors")

    def cached_features(self, spec: str, keys: Iterable[str]) -> pd.DataFrame:
        """The cached feature rows of ``spec`` for the given text keys (``text_key`` and the
        feature columns of :mod:`trendminer.features`), in no particular order."""
        wanted = pa.table({"text_key": pa.array(list(dict.fromkeys(keys)), pa.string())})
        self.con.register("wanted", wanted)
        frame = self.con.sql("SELECT f.* EXCLUDE (spec) FROM text_features f JOIN wanted w USING (text_key) "
                             "WHERE f.spec = $spec", params={"spec": spec}).to_arrow_table().to_pandas()
        self.con.unregister("wanted")
        return frame

    def add_features(self, spec: str, keys: list[str], features: pd.DataFrame) -> None:
        """Store feature rows of new texts (inside the run's transaction); rows of any other
        ``spec`` (an older catalogue, lexicon or feature code) are dropped, never read again."""
        self.con.execute("DELETE FROM text_features WHERE spec <> ?", [spec])
        if not keys:
            return
        frame = features.reset_index(drop=True).copy()
        frame.insert(0, "text_key", keys)
        frame.insert(0, "spec", spec)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.cast(pa.schema([pa.field(f.name, pa.list_(pa.float64())) if pa.types.is_list(f.type) else f
                                      for f in table.schema]))   # a list column of empty lists only is list<null>
        self.con.register("new_features", table)
        cols = ", ".join(frame.columns)
        self.con.execute(f"INSERT OR IGNORE INTO text_features ({cols}) SELECT {cols} FROM new_features")
        self.con.unregister("new_features")

    def record_run(self, as_of: pd.Timestamp, generated_at: pd.Timestamp, config_hash: str,
                   summary: Mapping[str, Any], snapshots: Mapping[str, pd.DataFrame],
                   manifest: Mapping[str, Any] | None = None) -> int:
        """Record a run and its snapshots, replacing an earlier run of the same night.

        Returns the run id.
        """
        for (old,) in self.con.execute("SELECT run_id FROM runs WHERE as_of = ?",
                                       [as_of.date()]).fetchall():
            for table in ("runs", *snapshots):
                self.con.execute(f"DELETE FROM {table} WHERE run_id = ?", [old])
        run_id = int(self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0])
        self.con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?)", [
            run_id, as_of.date(), generated_at.to_pydatetime(), config_hash,
            json.dumps(summary, sort_keys=True, default=str),
            json.dumps(manifest or {}, sort_keys=True, default=str)])
        self.con.execute(
            "DELETE FROM assignments WHERE run_id NOT IN (SELECT run_id FROM runs ORDER BY run_id DESC LIMIT ?)",
            [KEEP_ASSIGNMENTS - 1])
        for table, frame in snapshots.items():
            cols = [r[0] for r in self.con.execute(f"DESCRIBE {table}").fetchall()][1:]
            part = frame[cols].copy()
            part.insert(0, "run_id", run_id)
            self.con.register("snap", part)
            self.con.execute(f"INSERT INTO {table} SELECT * FROM snap")
            self.con.unregister("snap")
        return run_id

    def registry(self) -> tuple[pd.DataFrame, float | None]:
        """The topic registry (centroids as arrays, ``language`` group) and its assignment threshold."""
        frame = self.con.execute(
            "SELECT topic_id, centroid, first_seen, last_seen, status, label FROM topic_registry "
            "ORDER BY topic_id").df()
        frame["centroid"] = [np.asarray(c, dtype=np.float32) for c in frame["centroid"]]
        for col in ("first_seen", "last_seen"):
            frame[col] = pd.to_datetime(frame[col])
        meta = dict(self.con.execute("SELECT key, value FROM meta WHERE key IN ('topic_threshold', 'topic_languages')").fetchall())
        frame["language"] = [json.loads(meta.get("topic_languages", "{}")).get(str(int(t)), "") for t in frame["topic_id"]]
        return frame, (float(meta["topic_threshold"]) if "topic_threshold" in meta else None)

    def save_registry(self, registry: pd.DataFrame, threshold: float) -> None:
        """Replace the registry (inside the run's transaction)."""
        self.con.execute("DELETE FROM topic_registry")
        if len(registry):
            vectors = np.stack(registry["centroid"].to_numpy()).astype(np.float32)
            table = pa.table({
                "topic_id": pa.array(registry["topic_id"].astype(int).tolist(), pa.int32()),
                "centroid": _list_array(vectors),
                "first_seen": pa.array(pd.to_datetime(registry["first_seen"]).dt.date.tolist()),
                "last_seen": pa.array(pd.to_datetime(registry["last_seen"]).dt.date.tolist()),
                "status": pa.array(registry["status"].astype(str).tolist()),
                "label": pa.array(registry["label"].astype(str).tolist()),
            })
            self.con.register("reg", table)
            self.con.execute("INSERT INTO topic_registry SELECT * FROM reg")
            self.con.unregister("reg")
        self.con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("topic_threshold", repr(float(threshold))), ("topic_languages", json.dumps({str(int(t)): g for t, g in zip(registry["topic_id"], registry.get("language", [""] * len(registry))) if g}))])

    def assignments(self, run_id: int) -> pd.DataFrame:
        """ticket_id -> topic_id of one run."""
        return self.con.execute("SELECT ticket_id, topic_id FROM assignments WHERE run_id = ?", [run_id]).df()

    def previous_run(self, as_of: pd.Timestamp) -> dict[str, Any] | None:
        """The latest committed run before ``as_of``, or None."""
        rows = self.con.execute(   # fetchall: a half-read result blocks register() on this connection
            "SELECT run_id, as_of, summary FROM runs WHERE as_of < ? ORDER BY as_of DESC, run_id DESC "
            "LIMIT 1", [as_of.date()]).fetchall()
        if not rows:
            return None
        row = rows[0]
        return {"run_id": row[0], "as_of": pd.Timestamp(row[1]), "summary": json.loads(row[2])}

    def snapshot(self, table: str, run_id: int) -> pd.DataFrame:
        """One table's rows of one run."""
        return self.con.execute(f"SELECT * FROM {table} WHERE run_id = ?", [run_id]).df()
