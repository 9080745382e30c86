"""Daily ticket counts and their weekday expectation: the one basis every finding counts on.

An *entity* is a system (``attribution.system``) or a topic (``assignments.topic_id`` as a
string). :func:`entity_links` lists which tickets belong to which entity; :func:`day_counts`
counts tickets per day; :func:`weekday_expected` gives, for any day, the mean count of the same
weekday in the baseline weeks of the :class:`~trendminer.window.Window` (so a quiet weekend is
expected to be quiet).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import Assignments, Attribution
from ..window import DAY, Window


def entity_links(attribution: Attribution, assignments: Assignments) -> pd.DataFrame:
    """``ticket_id, entity_type, entity``: every ticket's system and (if it has one) its topic.

    Examples
    --------
    >>> a = pd.DataFrame({"ticket_id": ["1", "2"], "system": ["VPN", "Mail"]})
    >>> t = pd.DataFrame({"ticket_id": ["1", "2"], "topic_id": [4, -1]})
    >>> entity_links(a, t).values.tolist()
    [['1', 'system', 'VPN'], ['2', 'system', 'Mail'], ['1', 'topic', '4']]
    """
    systems = pd.DataFrame({"ticket_id": attribution["ticket_id"].astype(str), "entity_type": "system",
                            "entity": attribution["system"].astype(str)})
    topical = assignments[assignments["topic_id"] >= 0]
    topics = pd.DataFrame({"ticket_id": topical["ticket_id"].astype(str), "entity_type": "topic",
                           "entity": topical["topic_id"].astype(int).astype(str)})
    return pd.concat([systems, topics], ignore_index=True).drop_duplicates(ignore_index=True)


def day_counts(opened: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Tickets per day from ``start`` to the day before ``end`` (every day present).

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2026-10-01 09:00", "2026-10-01 10:00", "2026-10-03 08:00"]))
    >>> day_counts(s, pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-04")).tolist()
    [2, 0, 1]
    """
    days = pd.date_range(start, end - DAY, freq="D")
    inside = opened[(opened >= start) & (opened < end)]
    return inside.dt.normalize().value_counts().reindex(days, fill_value=0).astype(int)


def weekday_expected(counts: pd.Series, window: Window) -> pd.Series:
    """For each day of ``counts``, the mean count of its weekday over the window's baseline.

    ``counts`` must cover the baseline (see :func:`day_counts`).

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> w = Window.from_settings(pd.Timestamp("2026-10-31"), load_settings())
    >>> days = pd.date_range(w.baseline_start, w.as_of, freq="D")
    >>> c = pd.Series([2 if d.weekday() < 5 else 0 for d in days], index=days)
    >>> weekday_expected(c, w).loc[["2026-10-30", "2026-10-31"]].tolist()
    [2.0, 0.0]
    """
    base = counts[(counts.index >= window.baseline_start) & (counts.index < window.recent_start)]
    means = base.groupby(base.index.day_of_week).mean()
    return pd.Series(counts.index.day_of_week.map(lambda wd: float(means.get(wd, 0.0))).to_numpy(dtype=float),
                     index=counts.index)


def weekday_weights(opened: pd.Series, window: Window) -> np.ndarray:
    """How busy each weekday is (Monday first), relative to the busiest, over the whole baseline
    of all tickets: the desk's own week (a quiet weekend shows as ~0.25)."""
    counts = day_counts(opened, window.baseline_start, window.recent_start)
    means = counts.groupby(counts.index.day_of_week).mean().reindex(range(7), fill_value=0.0).to_numpy(dtype=float)
    top = means.max()
    return means / top if top > 0 else np.ones(7)
