"""score: per-system scorecards in three steps, each a pure function over frames.

- ``measure``   -- :func:`measure_systems`: counts, rates with intervals, steps, cost of the window.
- ``rank``      -- :func:`rank_systems`: the composite trouble score (its parts kept) and the rank.
- ``recommend`` -- :func:`recommend`: the rules that fired, as structured facts (no words).

:func:`system_scores` chains the three and validates the result against ``SYSTEM_SCORES``.
"""
from __future__ import annotations

import pandas as pd

from ..catalogue import Catalogue
from ..config import Settings
from ..schema import SYSTEM_SCORES, Assignments, Attribution, Signals, SystemScores, Tickets, Trends, validate
from ..window import Window
from .measure import failure_step, howto_spread, measure_systems, poisson_interval
from .rank import PARTS, rank_systems
from .recommend import ORDER, WATCH, recommend

__all__ = ["ORDER", "PARTS", "WATCH", "failure_step", "howto_spread", "measure_systems", "poisson_interval",
           "rank_systems", "recommend", "system_scores"]


def system_scores(tickets: Tickets, *, attribution: Attribution, signals: Signals, trends: Trends,
                  assignments: Assignments | None = None, catalogue: Catalogue, window: Window,
                  settings: Settings, changes: pd.DataFrame | None = None,
                  others: pd.DataFrame | None = None) -> SystemScores:
    """Per-system scorecard, trouble score, rank and recommendation for one window.

    Parameters
    ----------
    tickets, attribution, signals : aligned frames of this run
    trends : Trends
    assignments : Assignments, optional
        Without them a how-to heavy system is always "document" (redesign needs to know how
        many topics the questions spread over).
    catalogue : Catalogue
    window : Window
    settings : Settings
    changes : DataFrame, optional
        Change records (:mod:`trendminer.change_records`): a regression names those near its step.
    others : DataFrame, optional
        :func:`trendminer.cosystems.other_systems`: the systems tickets name besides their
        primary one; counted per system as ``also_named`` (and ``also_named_failures``), apart
        from the primary counts the trouble score reads.

    Returns
    -------
    SystemScores
        Ranked; catalogue systems with no tickets appear with zero counts.
    """
    measured = measure_systems(tickets, attribution=attribution, signals=signals, trends=trends,
                               assignments=assignments, catalogue=catalogue, window=window, settings=settings)
    ranked = recommend(rank_systems(measured, settings=settings), catalogue=catalogue, settings=settings,
                       changes=changes)
    from ..cosystems import also_named

    extra = also_named(others if others is not None else pd.DataFrame(columns=["ticket_id", "system"]),
                       tickets, signals, pd.Series(window.contains(tickets["opened_at"], "analysis")))
    ranked = ranked.drop(columns=[c for c in ("also_named", "also_named_failures") if c in ranked])
    ranked = ranked.merge(extra, on="system", how="left").fillna({"also_named": 0, "also_named_failures": 0})
    ranked = ranked.astype({"also_named": int, "also_named_failures": int})
    return validate(ranked, SYSTEM_SCORES, "score")
