"""Checks a run makes before any work: inputs that cannot be opened, nights with no tickets.

They turn environment problems (a symlink loop, a file name that is not UTF-8, a folder
given as an export) and empty nights (an export with a header only, every row rejected)
into :class:`~trendminer.errors.TrendminerError` messages that say what and how to fix it.
"""
from __future__ import annotations

import errno
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .errors import (ALL_REJECTED, BAD_FILE_NAME, INPUT_UNREADABLE, NO_TICKETS, REPLAY_BEFORE_FIRST_TICKET,
                     REPLAY_NOTHING_IN_RANGE, REPLAY_STOPPED, InputError, StateError, TrendminerError)

if TYPE_CHECKING:
    from .ingest import Accounting
    from .window import Window

log = logging.getLogger(__name__)


def check_name(path: str | Path, what: str) -> None:
    """Refuse a path whose name is not valid UTF-8 (Arrow, DuckDB and the reports need it).

    Examples
    --------
    >>> check_name("export.csv", "input file")
    """
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        shown = raw.decode("utf-8", "backslashreplace")
        raise InputError(BAD_FILE_NAME.format(what=what, path=shown)) from None


def check_inputs(paths: Sequence[str | Path]) -> None:
    """Every export can be looked at: a UTF-8 name, no symlink loop, not unreadable.

    A missing file is left to the reader, which names it; this catches what would
    otherwise end in a traceback.

    Raises
    ------
    InputError
    """
    for path in paths:
        check_name(path, "input file")
        try:
            os.stat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            hint = ("the link points back to itself through other links; point it at the real export"
                    if exc.errno == errno.ELOOP else "make the file readable by this user")
            raise InputError(INPUT_UNREADABLE.format(path=path, reason=exc.strerror, hint=hint)) from None
        if os.path.isfile(path) and not os.access(path, os.R_OK):
            raise InputError(INPUT_UNREADABLE.format(path=path, reason="Permission denied",
                                                     hint="make the file readable by this user"))


def no_tickets_message(rows: int, rejected: int, files: Sequence[str | Path], examples: Sequence[object]) -> str | None:
    """The message for a night without a single usable ticket, or None when there are some.

    Examples
    --------
    >>> no_tickets_message(0, 0, ["x.csv"], []).splitlines()[0]
    'No tickets in x.csv: the export holds a header only (0 rows).'
    """
    names = ", ".join(str(f) for f in files)
    if rows == 0:
        return NO_TICKETS.format(files=names)
    if rejected == rows:
        shown = "\n".join(f"  {e}" for e in list(examples)[:5])
        return ALL_REJECTED.format(files=names, rows=rows, examples=shown)
    return None


def check_paths(inputs: Sequence[str | Path], state_path: str | Path, out_dir: str | Path | None) -> None:
    check_inputs(inputs)
    check_name(state_path, "state file")
    if out_dir is not None:
        check_name(out_dir, "output folder")


def warn_as_of_after_every_ticket(tickets: pd.DataFrame, accounting: Accounting, window: Window) -> None:
    """An --as-of past the lookback of every ticket gives empty pages: say so."""
    if tickets.empty:
        return
    newest = pd.Timestamp(tickets["opened_at"].max())
    if newest < window.lookback_start:
        message = (f"--as-of {window.as_of.date()} is after every ticket: the newest was opened on {newest.date()}, "
                   f"before the {window.lookback_days} days analysed ({window.lookback_start.date()} on). "
                   "Pass the export's last day as --as-of.")
        accounting.warnings.append(message)
        log.warning(message)


def refuse_all_rejected(accounting: Accounting, inputs: Sequence[str | Path]) -> None:
    """Every row rejected: refuse (exit 1). A header-only export is decided with the state."""
    if accounting.rows and accounting.rejected == accounting.rows:
        raise InputError(no_tickets_message(accounting.rows, accounting.rejected, inputs, accounting.examples))


#: what a failed night's message says about the state, false once earlier nights of a replay are in
_NOTHING_CHANGED = re.compile(
    r"Nothing was changed\.|The state was not changed\.|"
    r"(?:trendminer stopped before committing anything|Tonight's work was not committed): the state "
    r"and the reports are as they were\.")
_NOTHING_CHANGED_MIDWAY = re.compile(r"nothing was changed|the state holds what it held before this run")


def replay_stopped(exc: Exception, committed: Sequence[pd.Timestamp], failed: pd.Timestamp,
                   end: pd.Timestamp, state_path: str | Path) -> Exception:
    """The error of a replay night after ``committed`` nights: it says which nights are in the
    state (``exc`` itself when none are: then its "nothing was changed" is true).

    Examples
    --------
    >>> days = list(pd.date_range("2026-10-28", periods=2))
    >>> print(replay_stopped(InputError("x.csv: gone. Nothing was changed."), days,
    ...                      pd.Timestamp("2026-10-30"), pd.Timestamp("2026-10-31"), "s.duckdb"))
    ... # doctest: +ELLIPSIS
    replay stopped at the night of 2026-10-30: the 2 night(s) before it (2026-10-28 to 2026-10-29) were ...
    What went wrong on 2026-10-30: x.csv: gone. That night was not written.
    Fix the cause, then run replay again with --from 2026-10-30 --to 2026-10-31 (...).
    """
    if not committed:
        return exc
    reason = str(exc) if isinstance(exc, TrendminerError) else f"{exc.filename or 'trendminer'}: {exc}"
    reason = _NOTHING_CHANGED.sub("That night was not written.", reason)
    reason = _NOTHING_CHANGED_MIDWAY.sub("that night was not written", reason)
    kind = type(exc) if isinstance(exc, TrendminerError) else StateError
    return kind(REPLAY_STOPPED.format(failed=failed.date(), n=len(committed), first=committed[0].date(),
                                      last=committed[-1].date(), state=state_path, end=end.date(),
                                      reason=reason))


def replay_start(tickets: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                 inputs: Sequence[str | Path]) -> pd.Timestamp:
    """The first night a replay runs: ``start``, or the day of the first ticket when ``start`` is
    before it (said on stderr; those nights would have no ticket to analyse).

    Raises
    ------
    InputError
        When every night from ``start`` to ``end`` is before the first ticket.

    Examples
    --------
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2026-10-05 09:00"])})
    >>> replay_start(t, pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"), ["x.csv"]).date()
    datetime.date(2026, 10, 5)
    """
    if tickets.empty or tickets["opened_at"].isna().all():
        return start
    first = pd.Timestamp(tickets["opened_at"].min()).normalize()
    if start >= first:
        return start
    files = ", ".join(str(p) for p in inputs)
    if end < first:
        raise InputError(REPLAY_NOTHING_IN_RANGE.format(start=start.date(), end=end.date(), files=files,
                                                        first=first.date()))
    log.warning(REPLAY_BEFORE_FIRST_TICKET.format(start=start.date(), files=files, first=first.date()))
    return first
