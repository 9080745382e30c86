"""Per-ticket desk facts: what each ticket says about response, resolution and respect.

Pure: frames and the window in, a new frame out (``DESK_FACTS`` in :mod:`trendminer.schema`).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..schema import DESK_FACTS, Tickets, validate
from ..window import Window

#: the group of tickets without an assignment group
NO_GROUP = "(no group)"


def target_hours(priority: pd.Series, targets: Mapping[str, Any]) -> pd.Series:
    """Hours to resolve a ticket of each priority within target (``signals.resolve_target_hours``).

    Examples
    --------
    >>> target_hours(pd.Series([1, None, 3], dtype="Int64"), {"1": 4, "3": 24, "unknown": 24}).tolist()
    [4.0, 24.0, 24.0]
    """
    by = {int(k): float(v) for k, v in targets.items() if k != "unknown"}
    return priority.astype("float").map(by).fillna(float(targets["unknown"])).astype(float)


def ticket_facts(tickets: Tickets, *, signals: pd.DataFrame, assignments: pd.DataFrame,
                 attribution: pd.DataFrame, window: Window, settings: Mapping[str, Any]) -> pd.DataFrame:
    """One row per analysed ticket with its response, resolution and respect facts.

    Parameters
    ----------
    tickets : Tickets
        The lookback's tickets (``TICKETS``).
    signals : Signals
        Uses ``irritated`` and ``process_irritation``.
    assignments : Assignments
        Its ``service_irritation`` column (0..1, the service part of irritation) is used when
        present; otherwise the signals' ``process_irritation`` stands in for it.
    attribution : Attribution
        Uses ``system``.
    window : Window
        Open tickets are aged up to ``window.end``.
    settings : Settings
        Uses ``desk`` and ``signals.resolve_target_hours``.

    Returns
    -------
    DataFrame
        ``DESK_FACTS``; the inputs are not changed.
    """
    desk = settings["desk"]
    t = tickets[["ticket_id", "opened_at", "resolved_at", "priority", "assignment_group", "reopen_count",
                 "reassignment_count", "csat", "made_sla", "first_response_hours"]].copy()
    t = t.merge(attribution[["ticket_id", "system"]], on="ticket_id", how="left")
    t = t.merge(signals[["ticket_id", "irritated", "process_irritation"]], on="ticket_id", how="left")
    service = "service_irritation" in assignments.columns
    if service:
        t = t.merge(assignments[["ticket_id", "service_irritation"]], on="ticket_id", how="left")
    else:
        t["service_irritation"] = t["process_irritation"]
    group = t["assignment_group"].astype(str).str.strip()
    group = group.where(~group.str.fullmatch(r"\d+"), "assignment group " + group)   # bare codes, as systems names them
    resolved = t["resolved_at"].notna() & (t["resolved_at"] < window.end)
    hours = ((t["resolved_at"] - t["opened_at"]) / pd.Timedelta(hours=1)).where(resolved)
    target = target_hours(t["priority"], settings["signals"]["resolve_target_hours"])
    response_hours = t["first_response_hours"].astype(float)
    computed = (hours <= target).astype(float).where(resolved)
    out = pd.DataFrame({
        "ticket_id": t["ticket_id"],
        "group": group.where(group.ne(""), NO_GROUP),
        "system": t["system"].fillna(""),
        "priority": t["priority"],
        "opened_at": t["opened_at"],
        "resolved_at": t["resolved_at"].where(resolved),
        "resolved": resolved,
        "resolve_hours": hours.astype(float),
        "target_hours": target,
        "in_target": computed,
        "response_hours": response_hours,
        "response_in_target": (response_hours <= float(desk["targets"]["response_in_target"]["hours"])
                               ).astype(float).where(response_hours.notna()),
        "fcr": ((t["reassignment_count"] == 0) & (t["reopen_count"] == 0)
                & (hours <= float(desk["fcr_hours"]))).astype(float).where(resolved),
        "sla_met": t["made_sla"].astype(float).where(t["made_sla"].notna(), computed),
        "sla_source": np.where(t["made_sla"].notna(), "export", np.where(resolved, "computed", "")),
        "reopened": (t["reopen_count"] > 0).astype(float).where(resolved),
        "reopen_count": t["reopen_count"].astype(int),
        "irritated": t["irritated"].fillna(False).astype(bool),
        "service_irritation": t["service_irritation"].astype(float),
        "service_source": "service_irritation" if service else "process_irritation",
        "csat": t["csat"].astype(float),
        "age_days": ((window.end - t["opened_at"]) / pd.Timedelta(days=1)).where(~resolved).astype(float),
    })
    return validate(out, DESK_FACTS, "desk")
