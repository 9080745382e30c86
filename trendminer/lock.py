"""One run at a time per state file: a lock file beside it, naming its holder.

The lock is created with ``O_EXCL`` and holds the holder's host, pid and start time. A lock
whose process no longer runs on this host is stale (a killed run) and is taken over; a
live one makes the second run exit with a message naming the holder.
"""
from __future__ import annotations

import json
import logging
import os
import socket
from datetime import datetime
from pathlib import Path
from types import TracebackType

import psutil

from .errors import LOCK_IS_FOLDER, LOCK_UNREADABLE, STATE_FOLDER, StateError

log = logging.getLogger(__name__)

LOCKED = (
    "The state file {state} is in use by another trendminer run: pid {pid} on {host}, "
    "started {started}.\nOnly one run may use a state file at a time. Wait for that run to "
    "finish (or stop it), then run again. The lock file is {lock}."
)


def lock_path(state: Path) -> Path:
    return state.with_name(state.name + ".lock")


def read_holder(path: Path) -> tuple[dict | None, str]:
    """The lock file's record, or None and why it is not one trendminer wrote.

    A record is a JSON object with a host (text), a pid (a whole number) and a start time
    (a number); anything else (binary bytes, a list, "created": "yesterday") was not written
    by a run and protects nothing.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}"
    try:
        holder = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None, "not JSON text"
    if not isinstance(holder, dict):
        return None, "JSON, but not an object with host, pid and start time"
    if not holder:
        return None, "empty"
    try:
        int(holder["pid"]), float(holder["created"])
        str(holder["host"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return None, "its pid, host or start time is missing or not a number"
    return holder, ""


def _alive(holder: dict) -> bool:
    if holder.get("host") != socket.gethostname():
        return True  # cannot check another machine's processes: assume it is running
    try:
        proc = psutil.Process(int(holder["pid"]))
    except (psutil.NoSuchProcess, psutil.AccessDenied, KeyError, ValueError, OverflowError):
        return False
    return abs(proc.create_time() - float(holder["created"])) < 2


class RunLock:
    """Context manager holding the lock of ``state`` for one run.

    Parameters
    ----------
    state : Path
        The state file the lock protects.
    """

    def __init__(self, state: str | Path) -> None:
        self.state = Path(state)

    def __enter__(self) -> RunLock:
        path = lock_path(self.state)
        if path.is_dir():
            raise StateError(LOCK_IS_FOLDER.format(lock=path, state=self.state))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(STATE_FOLDER.format(folder=path.parent, reason=exc.strerror or exc)) from None
        me = psutil.Process()
        record = {"pid": os.getpid(), "host": socket.gethostname(), "created": me.create_time(),
                  "started": datetime.now().isoformat(timespec="seconds")}
        for _attempt in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if path.is_dir():
                    raise StateError(LOCK_IS_FOLDER.format(lock=path, state=self.state)) from None
                holder, why = read_holder(path)
                if holder is None:
                    log.warning(LOCK_UNREADABLE.format(lock=path, reason=why))
                elif _alive(holder):
                    raise StateError(LOCKED.format(state=self.state, lock=path, pid=holder.get("pid"),
                                                   host=holder.get("host"), started=holder.get("started")))
                else:
                    log.warning("removing stale lock %s left by pid %s (no longer running)", path, holder.get("pid"))
                path.unlink(missing_ok=True)
                continue
            except OSError as exc:
                raise StateError(STATE_FOLDER.format(folder=path.parent, reason=exc.strerror or exc)) from None
            with os.fdopen(fd, "w") as fh:
                json.dump(record, fh)
            self.path = path
            return self
        raise StateError(f"Could not take the lock {path}; another run is starting. Try again.")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.path.unlink(missing_ok=True)
