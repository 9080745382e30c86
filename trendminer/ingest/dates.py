"""Parse export dates: ISO 8601 with or without offsets, and day/month formats whose order
is detected from the data and reported, never guessed silently.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import AMBIGUOUS_DATES, CONFLICTING_DATES

log = logging.getLogger(__name__)

_NUMERIC = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b"
_TIMES = (" %H:%M:%S", " %H:%M", " %I:%M %p", " %I:%M:%S %p", "T%H:%M:%S", "")


def _candidates(order: str) -> list[str]:
    d, m = ("%d", "%m") if order == "dmy" else ("%m", "%d")
    days = [f"{d}/{m}/%Y", f"{d}/{m}/%y", f"{d}.{m}.%Y", f"{d}-{m}-%Y", f"{d}.{m}.%y",
            "%d/%b/%y", "%d/%b/%Y", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y"]
    return [day + time for day in days for time in _TIMES]


@dataclass
class DateReport:
    """How a file's dates were read: the order used, why, and warnings."""

    order: str = "iso"
    reason: str = "all dates are ISO 8601"
    warnings: list[str] = field(default_factory=list)


def _to_naive(parsed: pd.Series, timezone: str) -> pd.Series:
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _plain_iso(values: pd.Series) -> pd.Series | None:
    """``2026-10-31 14:05[:00[.123]]`` without an offset, by Arrow's cast (the common case,
    several times faster than pandas); None when any non-empty value is anything else."""
    arr = pa.array(values, type=pa.large_string())
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.large_string()), arr)
    try:
        stamps = pc.cast(arr, pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(stamps.to_numpy(zero_copy_only=False), index=values.index, dtype="datetime64[us]")


#: a time of day with a UTC offset at the end: Z, +02, +0200, +02:00 (not the -02 of a date)
_AWARE = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)$"


def _iso(values: pd.Series, timezone: str) -> pd.Series:
    fast = _plain_iso(values)
    if fast is not None:
        return fast
    try:
        parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    except ValueError:   # mixed offsets: naive values are local time, the others converted
        aware = values.str.contains(_AWARE, regex=True)
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
        naive = values[~aware]
        try:
            parsed[~aware] = _to_naive(pd.to_datetime(naive, errors="coerce", format="ISO8601"), timezone)
        except ValueError:   # offsets of a form the pattern does not know: each value on its own
            parsed[~aware] = [_one_iso(v, timezone) for v in naive]
        parsed[aware] = _to_naive(pd.to_datetime(values[aware], errors="coerce",
                                                 format="ISO8601", utc=True), timezone)
        return parsed
    return _to_naive(parsed, timezone)


def iso_dates(values: pd.Series, timezone: str) -> pd.Series:
    """ISO 8601 strings (with, without or with mixed UTC offsets) as naive times in ``timezone``.

    Examples
    --------
    >>> [str(d) for d in iso_dates(pd.Series(["2026-10-02T10:00:00+02", "2026-10-02T10:00:00"]), "UTC")]
    ['2026-10-02 08:00:00', '2026-10-02 10:00:00']
    """
    return _iso(values.astype(str), timezone)


def _one_iso(value: str, timezone: str) -> pd.Timestamp:
    """One ISO 8601 value, aware ones converted to ``timezone`` and made naive (NaT if unreadable)."""
    stamp = pd.to_datetime(value, errors="coerce", format="ISO8601")
    if stamp is pd.NaT or stamp.tzinfo is None:
        return stamp
    return stamp.tz_convert(timezone or "UTC").tz_localize(None)


def detect_order(values: pd.Series, file: str, column: str, read: Mapping[str, Any],
                 report: DateReport) -> str:
    """Decide day/month order from values like ``29/2/2016``; note how it was decided."""
    forced = str(read.get("date_order", "auto"))
    if forced in ("dmy", "mdy"):
        report.reason = f"ingest.read.date_order = {forced!r}"
        return forced
    parts = values.str.extract(_NUMERIC)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    dmy = values[(first > 12) & (second <= 12)]
    mdy = values[(second > 12) & (first <= 12)]
    default = "dmy" if read["dayfirst"] else "mdy"
    if len(dmy) and len(mdy):
        report.warnings.append(CONFLICTING_DATES.format(file=file, column=column,
                                                        dmy=dmy.iloc[0], mdy=mdy.iloc[0]))
        chosen = "dmy" if len(dmy) >= len(mdy) else "mdy"
        report.reason = f"mixed orders; the majority ({chosen}) used, the rest rejected"
        return chosen
    if len(dmy) or len(mdy):
        chosen = "dmy" if len(dmy) else "mdy"
        example = (dmy if len(dmy) else mdy).iloc[0]
        report.reason = (f"{example!r} only fits {'day/month' if chosen == 'dmy' else 'month/day'}"
                         f" order")
        if chosen != default:
            report.warnings.append(f"{file}: dates read {'day' if chosen == 'dmy' else 'month'}-first "
                                   f"because {report.reason}, although ingest.read.dayfirst = "
                                   f"{str(read['dayfirst']).lower()}")
        return chosen
    ambiguous = values[(first <= 12) & (second <= 12) & (first != second)]
    if len(ambiguous):
        report.warnings.append(AMBIGUOUS_DATES.format(
            file=file, column=column, example=ambiguous.iloc[0],
            chosen="day/month" if default == "dmy" else "month/day",
            dayfirst=str(read["dayfirst"]).lower()))
        log.warning(report.warnings[-1])   # on stderr too: a scheduler's mail shows it, not only the digest
        report.reason = "ambiguous; ingest.read.dayfirst used"
    else:
        report.reason = "no numeric day/month dates"
    return default


def _by_formats(values: pd.Series, order: str) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    todo = values
    for _ in range(4):
        if todo.empty:
            break
        sample = todo.iloc[:200]
        scores = {fmt: int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
                  for fmt in _candidates(order)}
        best = max(scores, key=scores.__getitem__)
        if not scores[best]:
            break
        hit = pd.to_datetime(todo, format=best, errors="coerce")
        parsed[hit.index] = parsed[hit.index].fillna(hit.astype("datetime64[us]"))
        todo = todo[hit.isna()]
    return parsed


def parse_date_columns(columns: Mapping[str, pd.Series], file: str, read: Mapping[str, Any],
                       ) -> tuple[dict[str, pd.Series], DateReport]:
    """Parse the date columns of one file with one detected day/month order.

    Parameters
    ----------
    columns : mapping of str to Series of str
        Canonical date field -> raw values (the source column name is used in messages).
    file : str
    read : mapping
        ``ingest.read``: ``dayfirst``, ``date_order``, ``timezone``.

    Returns
    -------
    dict of str to Series of datetime64, DateReport
        Unreadable values are ``NaT``; aware values are converted to ``ingest.read.timezone``
        and made naive.

    Examples
    --------
    >>> out, rep = parse_date_columns({"opened_at": pd.Series(["29/2/2016 01:16", "5/3/2016 12:00"])},
    ...                               "f.csv", {"dayfirst": False, "timezone": "UTC"})
    >>> [str(d) for d in out["opened_at"]], rep.order
    (['2016-02-29 01:16:00', '2016-03-05 12:00:00'], 'dmy')
    """
    timezone = str(read.get("timezone", "UTC"))
    report = DateReport()
    parsed, rest = {}, {}
    for key, values in columns.items():
        values = values.astype(str).str.strip()
        parsed[key] = _iso(values, timezone)
        rest[key] = values[parsed[key].isna() & values.ne("")]
    pending = pd.concat(list(rest.values())) if rest else pd.Series([], dtype=str)
    if pending.empty:
        return parsed, report
    name = "/".join(getattr(v, "name", None) or k for k, v in columns.items())
    report.order = detect_order(pending, file, name, read, report)
    for key, values in rest.items():
        if not values.empty:
            parsed[key] = parsed[key].fillna(_by_formats(values, report.order))
    return parsed, report


#: dates a ticket may plausibly carry (the range ``--as-of`` accepts); others are kept, with a warning
PLAUSIBLE = (pd.Timestamp("1970-01-01"), pd.Timestamp("2201-01-01"))


def odd_dates(dates: Mapping[str, pd.Series], rows: pd.Series, file: str,
              names: Mapping[str, str]) -> list[tuple[str, int, str]]:
    """Dates that are read but suspicious: before 1970, after 2200, resolved before opened.

    Parameters
    ----------
    dates : mapping of str to Series of datetime64
        ``opened_at``, ``resolved_at``, ``updated_at`` of the accepted rows.
    rows : Series of int
        Their row numbers in the file, for the examples.
    file : str
    names : mapping of str to str
        Canonical field -> the file's column name, for the messages.

    Returns
    -------
    list of (kind, count, message)
        ``kind`` is ``before 1970``, ``after 2200`` or ``resolved before opened``.

    Examples
    --------
    >>> d = {"opened_at": pd.Series(pd.to_datetime(["1899-12-30 00:00", "2026-10-02 10:00"])),
    ...      "resolved_at": pd.Series(pd.to_datetime(["2026-10-01 00:00", "2026-10-02 09:00"]))}
    >>> [(k, n) for k, n, _ in odd_dates(d, pd.Series([1, 2]), "x.csv", {})]
    [('before 1970', 1), ('resolved before opened', 1)]
    """
    found = []
    first, last = PLAUSIBLE
    for key, values in dates.items():
        for mask, kind, what in ((values < first, "before 1970", "before 1970-01-01"),
                                 (values >= last, "after 2200", "after 2200-12-31")):
            if mask.any():
                at, n = int(mask.to_numpy().argmax()), int(mask.sum())
                found.append((kind, n, f"{file}: {n} dates in column {names.get(key, key)!r} are {what} "
                                       f"(e.g. row {rows.iloc[at]}: {values.iloc[at]}); the tickets are kept, "
                                       "but check the export (an empty Excel date cell reads as 1899-12-30)"))
    if "opened_at" in dates and "resolved_at" in dates:
        early = dates["resolved_at"] < dates["opened_at"]
        if early.any():
            at, n = int(early.to_numpy().argmax()), int(early.sum())
            found.append(("resolved before opened", n, (
                f"{file}: {n} tickets were resolved before they were opened (e.g. row {rows.iloc[at]}: opened "
                f"{dates['opened_at'].iloc[at]}, resolved {dates['resolved_at'].iloc[at]}); they are kept, but "
                f"their time to resolve is negative: check the columns {names.get('opened_at', 'opened_at')!r} "
                f"and {names.get('resolved_at', 'resolved_at')!r} and their time zones")))
    return found
