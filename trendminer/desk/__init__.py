"""The desk's own mirror: response, resolution and respect against targets, and the callbacks.

The front door is :func:`desk_mirror`; :mod:`.facts` turns tickets into per-ticket facts,
:mod:`.measures` summarises them per window, week, assignment group and priority, and
:mod:`.callbacks` draws tomorrow's callback list. Pure functions: frames, the window and the
settings in; frames out.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..schema import Tickets
from ..window import Window
from .callbacks import STRATA, callbacks
from .facts import NO_GROUP, ticket_facts
from .measures import BY_KEY, MEASURES, Measure, desk_measures, judge, week_starts

__all__ = ["BY_KEY", "MEASURES", "NO_GROUP", "STRATA", "DeskRun", "Measure", "callbacks", "desk_measures",
           "desk_mirror", "judge", "ticket_facts", "week_starts"]


@dataclass
class DeskRun:
    """What the desk stage found for one night.

    Attributes
    ----------
    facts : DataFrame
        ``DESK_FACTS``: one row per analysed ticket.
    measures : DataFrame
        ``DESK``: every figure of the page and of ``desk.csv``.
    callbacks : DataFrame
        ``CALLBACKS``: the callback list.
    available : dict of str to bool
        Whether the export holds first-response times, an SLA field, CSAT and the service
        part of irritation (``service_irritation``), as opposed to a fallback.
    """

    facts: pd.DataFrame
    measures: pd.DataFrame
    callbacks: pd.DataFrame
    available: dict[str, bool]


def desk_mirror(tickets: Tickets, *, signals: pd.DataFrame, assignments: pd.DataFrame, attribution: pd.DataFrame,
                window: Window, settings: Mapping[str, Any]) -> DeskRun:
    """Response, resolution and respect of the desk, per group and week, and the callback list.

    Parameters
    ----------
    tickets : Tickets
        The lookback's tickets.
    signals, assignments, attribution : DataFrame
        The night's ``SIGNALS``, ``ASSIGNMENTS`` (with ``service_irritation`` when the
        irritation stage provides it) and ``ATTRIBUTION``.
    window : Window
    settings : Settings
        Uses ``desk`` and ``signals.resolve_target_hours``.

    Returns
    -------
    DeskRun

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> s = load_settings()
    >>> t = pd.DataFrame({"ticket_id": ["A"], "opened_at": [pd.Timestamp("2026-10-30 09:00")],
    ...     "resolved_at": [pd.Timestamp("2026-10-30 11:00")], "priority": pd.array([3], "Int64"),
    ...     "assignment_group": ["Service Desk"], "reopen_count": [0], "reassignment_count": [0],
    ...     "csat": [float("nan")], "made_sla": [float("nan")], "first_response_hours": [0.5]})
    >>> run = desk_mirror(t, signals=pd.DataFrame({"ticket_id": ["A"], "irritated": [False],
    ...     "process_irritation": [0.0]}), assignments=pd.DataFrame({"ticket_id": ["A"], "topic_id": [0]}),
    ...     attribution=pd.DataFrame({"ticket_id": ["A"], "system": ["VPN"]}),
    ...     window=Window.from_settings(pd.Timestamp("2026-10-31"), s), settings=s)
    >>> run.callbacks["ticket_id"].tolist(), run.available["response"], run.available["sla"]
    (['A'], True, False)
    """
    facts = ticket_facts(tickets, signals=signals, assignments=assignments, attribution=attribution,
                         window=window, settings=settings)
    available = {"response": bool(facts["response_hours"].notna().any()),
                 "sla": bool(tickets["made_sla"].notna().any()),
                 "csat": bool(facts["csat"].notna().any()),
                 "service_irritation": "service_irritation" in assignments.columns}
    return DeskRun(facts, desk_measures(facts, window=window, settings=settings),
                   callbacks(facts, window=window, settings=settings), available)
