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

from .errors import LOCK_IS_FOLDER, STATE_FOLDER, StateError

log = logging.getLogger(__name__)

LOCKED = (
    "The state file {state} is in use by another trendminer run: pid {pid} on {host}, "
    "started {started}.\nOnly one run may use a state file at a time. Wait for that run to "
    "finish (or stop it), then run again. The lock file is {lock}."
)


def lock_path(state: Path) -> Path:
    return state.with_name(state.name + ".lock")


def _alive(holder: dict) -> bool:
    if holder.get("host") != socket.gethostname():
        return True  # cannot check another machine's processes: assume it is running
    try:
        proc = psutil.Process(int(holder["pid"]))
    except (psutil.NoSuchProcess, KeyError, ValueError):
        return False
    return abs(proc.create_time() - float(holder.get("created", 0))) < 2


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
                try:
                    holder = json.loads(path.read_text("utf-8") or "{}")
                except (OSError, json.JSONDecodeError):
                    holder = {}
                if holder and _alive(holder):
                    raise StateError(LOCKED.format(state=self.state, lock=path, pid=holder.get("pid"),
                                                   host=holder.get("host"), started=holder.get("started")))
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
