"""The one statement of time a night's analysis uses: :class:`Window`.

Built once from ``--as-of`` and the config (:meth:`Window.from_settings`) and passed to every
stage that needs time; no stage computes a date range of its own. All ranges are half-open
``[start, end)`` on ``opened_at`` and end at midnight after the ``as_of`` day.

Imports nothing of trendminer but the config, so every stage may import it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import Settings

DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """The periods of one night's analysis.

    Attributes
    ----------
    as_of : Timestamp
        The last day the run covers (midnight of that day).
    end : Timestamp
        Midnight after ``as_of``: every period ends here (exclusive).
    recent_start : Timestamp
        Start of "this week" (``trends.recent_days`` before ``end``).
    baseline_start : Timestamp
        Start of the baseline (``trends.baseline_days`` before ``recent_start``).
    analysis_start : Timestamp
        Start of the analysis window the systems ranking counts (``score.window_days``).
    lookback_start : Timestamp
        Oldest ticket analysed at all (``topics.lookback_days``); older ones stay in the state.

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> w = Window.from_settings(pd.Timestamp("2026-10-31 13:00"), load_settings())
    >>> str(w.end.date()), str(w.recent_start.date()), str(w.baseline_start.date())
    ('2026-11-01', '2026-10-25', '2026-09-27')
    >>> str(w.analysis_start.date()), w.analysis_days, w.recent_scale
    ('2026-09-06', 56, 0.25)
    """

    as_of: pd.Timestamp
    end: pd.Timestamp
    recent_start: pd.Timestamp
    baseline_start: pd.Timestamp
    analysis_start: pd.Timestamp
    lookback_start: pd.Timestamp

    @classmethod
    def from_settings(cls, as_of: pd.Timestamp, settings: Settings) -> Window:
        """The window of the night ``as_of`` under ``settings`` (``trends``, ``score``, ``topics``)."""
        day = pd.Timestamp(as_of).normalize()
        end = day + DAY
        recent_start = end - pd.Timedelta(days=int(settings["trends"]["recent_days"]))
        return cls(as_of=day, end=end, recent_start=recent_start,
                   baseline_start=recent_start - pd.Timedelta(days=int(settings["trends"]["baseline_days"])),
                   analysis_start=end - pd.Timedelta(days=int(settings["score"]["window_days"])),
                   lookback_start=end - pd.Timedelta(days=int(settings["topics"]["lookback_days"])))

    @property
    def recent_days(self) -> int:
        return int((self.end - self.recent_start) / DAY)

    @property
    def baseline_days(self) -> int:
        return int((self.recent_start - self.baseline_start) / DAY)

    @property
    def analysis_days(self) -> int:
        return int((self.end - self.analysis_start) / DAY)

    @property
    def lookback_days(self) -> int:
        return int((self.end - self.lookback_start) / DAY)

    @property
    def recent_scale(self) -> float:
        """Baseline counts times this are the expected counts of the recent period."""
        return self.recent_days / self.baseline_days

    def period(self, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        """``(start, end)`` of ``recent``, ``baseline``, ``analysis``, ``lookback`` or ``previous``
        (the analysis window's length just before it, for "this window vs the previous one")."""
        ends = {"recent": (self.recent_start, self.end), "baseline": (self.baseline_start, self.recent_start),
                "analysis": (self.analysis_start, self.end), "lookback": (self.lookback_start, self.end),
                "previous": (self.analysis_start - (self.end - self.analysis_start), self.analysis_start)}
        return ends[name]

    def contains(self, when: pd.Series | np.ndarray, name: str = "analysis") -> np.ndarray:
        """Boolean mask: which timestamps fall in period ``name``.

        Examples
        --------
        >>> from trendminer.config import load_settings
        >>> w = Window.from_settings(pd.Timestamp("2026-10-31"), load_settings())
        >>> w.contains(pd.Series(pd.to_datetime(["2026-10-31 23:59", "2026-11-01 00:00", "2026-10-24 12:00"])), "recent").tolist()
        [True, False, False]
        """
        start, end = self.period(name)
        values = pd.Series(when) if not isinstance(when, pd.Series) else when
        return ((values >= start) & (values < end)).to_numpy()

    def label(self) -> str:
        """The analysis window in words, for page headers.

        Examples
        --------
        >>> from trendminer.config import load_settings
        >>> Window.from_settings(pd.Timestamp("2026-10-31"), load_settings()).label()
        '6 Sep – 31 Oct 2026 (56 days)'
        """
        start, last = self.analysis_start, self.as_of
        first = f"{start.day} {start:%b}" + (f" {start.year}" if start.year != last.year else "")
        return f"{first} – {last.day} {last:%b %Y} ({self.analysis_days} days)"

    def recent_label(self) -> str:
        """'25–31 Oct' style label of the recent period."""
        start, last = self.recent_start, self.as_of
        head = f"{start.day}" if start.month == last.month else f"{start.day} {start:%b}"
        return f"{head}–{last.day} {last:%b}"

    def describe(self) -> dict[str, str | int]:
        """Plain values for the manifest and the exports (ISO dates; ends are inclusive days)."""
        last = str(self.as_of.date())
        return {"as_of": last,
                "recent_from": str(self.recent_start.date()), "recent_days": self.recent_days,
                "baseline_from": str(self.baseline_start.date()),
                "baseline_to": str((self.recent_start - DAY).date()), "baseline_days": self.baseline_days,
                "analysis_from": str(self.analysis_start.date()), "analysis_to": last,
                "analysis_days": self.analysis_days,
                "lookback_from": str(self.lookback_start.date()), "lookback_days": self.lookback_days}
