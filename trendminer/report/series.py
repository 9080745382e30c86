"""Counts over time for the charts of :mod:`trendminer.report.timecharts`.

Pure functions over a Series of ``opened_at`` timestamps. Weeks and days are half-open
``[start, end)``; a week that ends before the data's coverage starts is ``None`` (no data),
never a zero, so a chart does not invent quiet weeks before the export begins.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DAY, WEEK = pd.Timedelta(days=1), pd.Timedelta(weeks=1)


def weekly_counts(opened: pd.Series, end: pd.Timestamp, weeks: int,
                  coverage_start: pd.Timestamp | None = None) -> tuple[list[pd.Timestamp], list[int | None]]:
    """Tickets per week for the ``weeks`` weeks before ``end``.

    Parameters
    ----------
    opened : Series of Timestamp
        When each ticket was opened (any subset of the tickets: a system, a topic).
    end : Timestamp
        Exclusive end of the last week (``Window.end``).
    weeks : int
        How many weeks.
    coverage_start : Timestamp, optional
        The first day the data covers (e.g. the oldest ``opened_at`` of all tickets). Weeks
        that end on or before it are ``None``.

    Returns
    -------
    list of Timestamp, list of int or None
        The first day of each week (oldest first) and its count.

    Examples
    --------
    >>> opened = pd.Series(pd.to_datetime(["2026-10-20", "2026-10-29", "2026-10-30"]))
    >>> starts, counts = weekly_counts(opened, pd.Timestamp("2026-11-01"), 3, pd.Timestamp("2026-10-14"))
    >>> [str(s.date()) for s in starts], counts
    (['2026-10-11', '2026-10-18', '2026-10-25'], [0, 1, 2])
    >>> weekly_counts(opened, pd.Timestamp("2026-11-01"), 3, pd.Timestamp("2026-10-19"))[1]
    [None, 1, 2]
    """
    start = end - weeks * WEEK
    starts = [start + i * WEEK for i in range(weeks)]
    idx = ((pd.Series(opened) - start) // WEEK).dropna().astype(int).to_numpy()
    counts = np.bincount(idx[(idx >= 0) & (idx < weeks)], minlength=weeks).tolist()
    if coverage_start is not None:
        counts = [None if s + WEEK <= coverage_start else c for s, c in zip(starts, counts)]
    return starts, counts


def daily_counts(opened: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> tuple[list[pd.Timestamp], list[int]]:
    """Tickets per day in ``[start, end)``, every day present (zeros included).

    Examples
    --------
    >>> opened = pd.Series(pd.to_datetime(["2026-10-30 09:00", "2026-10-30 17:00", "2026-10-31 08:00"]))
    >>> days, counts = daily_counts(opened, pd.Timestamp("2026-10-29"), pd.Timestamp("2026-11-01"))
    >>> [d.day for d in days], counts
    ([29, 30, 31], [0, 2, 1])
    """
    days = list(pd.date_range(start.normalize(), end.normalize() - DAY, freq="D"))
    idx = ((pd.Series(opened) - days[0]) // DAY).dropna().astype(int).to_numpy() if days else np.array([], int)
    return days, np.bincount(idx[(idx >= 0) & (idx < len(days))], minlength=len(days)).tolist()


def weekday_expected(days: list[pd.Timestamp], counts: list[int], baseline_start: pd.Timestamp,
                     baseline_end: pd.Timestamp) -> list[float]:
    """For each day, the mean count of the same weekday in ``[baseline_start, baseline_end)``.

    Days whose weekday has no baseline day get the mean of all baseline days (0 if none).

    Examples
    --------
    >>> days = list(pd.date_range("2026-10-05", periods=14))
    >>> counts = [1, 1, 1, 1, 1, 0, 0] + [5] * 7
    >>> weekday_expected(days, counts, days[0], days[7])[7:]
    [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    """
    base = [(d.weekday(), c) for d, c in zip(days, counts) if baseline_start <= d < baseline_end]
    overall = float(np.mean([c for _, c in base])) if base else 0.0
    means = {wd: float(np.mean([c for w, c in base if w == wd])) for wd in {w for w, _ in base}}
    return [means.get(d.weekday(), overall) for d in days]
