"""One status per topic and per system, computed here and only here.

A status reads two horizons with a minimum effect size, never a p-value alone:

- the **short** horizon: the recent week against its expectation from the baseline weeks;
- the **long** horizon: the last four weeks against the four weeks before them.

``new``       first ticket within the last ``findings.new_days`` days
``dormant``   no ticket in the last four weeks (it had some before)
``ended``     most of its recent tickets belong to an outage that has ended
``rising``    the long horizon rose (both tests and ``min_extra`` more tickets), or the short one
              did and the long one does not contradict it
``fading``    the long horizon fell (both tests and ``min_extra`` fewer tickets) and the recent week
              is not above its expectation: a one-week dip inside a rise is not fading
``recurring`` a quiet recent week, but tickets in most earlier weeks: it will be back
``steady``    anything else
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binom, poisson

from ..config import Settings
from ..window import Window

STATUSES = ("new", "rising", "steady", "fading", "ended", "recurring", "dormant")

#: statuses: entity_type, entity, status, and the numbers behind it on its stated basis
STATUS_COLUMNS = ("entity_type", "entity", "status", "basis", "recent", "expected", "last_4_weeks",
                  "previous_4_weeks", "first_ticket")


@dataclass(frozen=True)
class Thresholds:
    """``[findings]`` thresholds of the statuses."""

    new_days: int = 14
    min_extra: float = 5.0
    long_ratio: float = 1.5
    short_ratio: float = 2.0
    p: float = 0.05
    ended_share: float = 0.6

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        o = settings["findings"]
        return cls(int(o["new_days"]), float(o["min_extra"]), float(o["long_ratio"]), float(o["short_ratio"]),
                   float(o["status_p"]), float(o["ended_share"]))


def classify(weekly: np.ndarray, first_ticket: pd.Timestamp | None, end: pd.Timestamp, ended_share: float,
             th: Thresholds, history_start: pd.Timestamp | None = None) -> tuple[str, str]:
    """The status of one entity from its last eight weekly counts (oldest first, the last is
    the recent week) and the share of its last four weeks' tickets that an ended outage holds.

    ``history_start`` is the desk's first analysed ticket: a horizon reaching before it is not
    read (weeks before the data starts are unknown, not empty), and nothing is "new" that
    appeared within ``new_days`` of it.

    Returns ``(status, basis)``: ``basis`` names the horizon the status rests on.

    Examples
    --------
    >>> th = Thresholds()
    >>> end = pd.Timestamp("2026-11-01")
    >>> classify(np.array([2, 3, 5, 6, 8, 9, 11, 4]), pd.Timestamp("2026-09-01"), end, 0.0, th)[0]
    'rising'
    >>> classify(np.array([3, 2, 4, 3, 3, 4, 2, 0]), pd.Timestamp("2026-06-01"), end, 0.0, th)[0]
    'recurring'
    >>> classify(np.array([12, 11, 13, 12, 5, 4, 3, 2]), pd.Timestamp("2026-06-01"), end, 0.0, th)[0]
    'fading'
    >>> classify(np.array([12, 11, 13, 12, 12, 13, 11, 7]), pd.Timestamp("2026-06-01"), end, 0.0, th)[0]
    'steady'
    """
    weekly = np.asarray(weekly, dtype=float)
    last4, prev4 = weekly[4:].sum(), weekly[:4].sum()
    recent, expected = weekly[-1], weekly[3:7].mean()
    start = history_start if history_start is not None else end - pd.Timedelta(weeks=52)
    long_known = start <= end - pd.Timedelta(weeks=8)
    short_known = start <= end - pd.Timedelta(weeks=5)
    if ended_share >= th.ended_share:
        return "ended", "the outage's days"
    if (first_ticket is not None and first_ticket >= end - pd.Timedelta(days=th.new_days)
            and first_ticket >= start + pd.Timedelta(days=th.new_days)):
        return "new", "since its first ticket"
    if last4 == 0:
        return "dormant", "last 4 weeks"
    n = last4 + prev4
    long_up = long_known and (last4 - prev4 >= th.min_extra and (last4 + 0.5) >= th.long_ratio * (prev4 + 0.5)
               and binom.sf(last4 - 1, n, 0.5) < th.p)
    long_down = long_known and (prev4 - last4 >= th.min_extra and (last4 + 0.5) * th.long_ratio <= (prev4 + 0.5)
                 and binom.cdf(last4, n, 0.5) < th.p)
    short_up = short_known and (recent - expected >= th.min_extra and (recent + 0.5) >= th.short_ratio * (expected + 0.5)
                and poisson.sf(recent - 1, max(expected, 0.5)) < th.p)
    if long_up:
        return "rising", "last 4 weeks vs the 4 before"
    if short_up and not long_down:
        return "rising", "last 7 days vs the 4 weeks before"
    if long_down and recent <= expected:
        return "fading", "last 4 weeks vs the 4 before"
    if recent == 0 and (weekly[:7] > 0).sum() >= 4 and long_known:
        return "recurring", "weeks with tickets"
    return "steady", "last 4 weeks vs the 4 before"


def weekly_counts(opened: pd.Series, end: pd.Timestamp, weeks: int = 8) -> np.ndarray:
    """Tickets per week for the ``weeks`` weeks ending at ``end`` (oldest first).

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2026-10-31", "2026-10-20", "2026-10-19"]))
    >>> weekly_counts(s, pd.Timestamp("2026-11-01"), 3).tolist()
    [0, 2, 1]
    """
    age = ((end - opened[(opened < end) & (opened >= end - pd.Timedelta(weeks=weeks))]) // pd.Timedelta(weeks=1))
    return np.bincount((weeks - 1 - age.astype(int)).to_numpy(), minlength=weeks)[:weeks]


def statuses(opened: pd.Series, links: pd.DataFrame, window: Window, settings: Settings,
             ended_ids: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The status of every system and topic of ``links`` (see the module docstring).

    Parameters
    ----------
    opened : Series
        ``opened_at`` indexed by ticket id (every analysed ticket).
    links : DataFrame
        :func:`~trendminer.findings.daily.entity_links`.
    window : Window
    settings : Settings
        Uses ``findings.*``.
    ended_ids : frozenset of str
        Tickets of outages that have ended; they do not count towards a trend.

    Returns
    -------
    DataFrame
        ``STATUS_COLUMNS``, one row per entity.
    """
    th = Thresholds.from_settings(settings)
    end = window.end
    history_start = opened.min() if len(opened) else None
    when = opened.reindex(links["ticket_id"]).to_numpy()
    frame = links.assign(when=when)
    rows = []
    for (etype, entity), part in frame.groupby(["entity_type", "entity"], sort=True):
        stamps = pd.Series(pd.to_datetime(part["when"].to_numpy()))
        ended = part["ticket_id"].isin(ended_ids).to_numpy()
        last4 = (stamps >= end - pd.Timedelta(weeks=4)).to_numpy()
        share = float(ended[last4].mean()) if last4.any() else 0.0
        weekly = weekly_counts(stamps[~ended], end)
        first = stamps.min() if len(stamps) else None
        status, basis = classify(weekly, first, end, share, th, history_start)
        rows.append((etype, entity, status, basis, int(weekly[-1]), float(weekly[3:7].mean()),
                     int(weekly[4:].sum()), int(weekly[:4].sum()),
                     "" if first is None or pd.isna(first) else str(first.date())))
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS))


def status_of(table: pd.DataFrame, entity_type: str, keys: pd.Series, default: str = "dormant") -> list[str]:
    """The status of each of ``keys`` (system names or topic ids) from :func:`statuses`."""
    part = table[table["entity_type"] == entity_type]
    lookup = dict(zip(part["entity"], part["status"]))
    return [lookup.get(str(k), default) for k in keys]


__all__ = ["STATUSES", "STATUS_COLUMNS", "Thresholds", "classify", "statuses", "status_of", "weekly_counts"]
