"""The desk's measures: per window, per week and per assignment group, each beside its target.

Pure functions over the per-ticket facts (:func:`~trendminer.desk.facts.ticket_facts`); the
result is the long ``DESK`` frame of :mod:`trendminer.schema` that the page and the exports share.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..schema import DESK, validate
from ..window import Window

WEEK = pd.Timedelta(days=7)
#: the period key of the analysis window while grouping (a real date keeps group-by simple); NaT in the result
WINDOW = pd.Timestamp("1900-01-01")


@dataclass(frozen=True)
class Measure:
    """One figure of the mirror.

    Attributes
    ----------
    key, r, label : str
        Column key, which R it belongs to (response, resolution, respect, volume) and words.
    cohort : str
        Which tickets it counts: ``opened`` (in the period), ``resolved`` (in the period) or
        ``open`` (still open at the period's end).
    column : str
        The ``DESK_FACTS`` column it summarises.
    how : str
        ``mean`` (a share of 1.0 values or a mean score), ``median``, ``p90`` or ``count``.
    target : str
        Key in ``desk.targets``; ``""`` for a figure without a target.
    unit : str
        ``share``, ``hours``, ``count`` or ``score``: how the page formats it.
    """

    key: str
    r: str
    label: str
    cohort: str
    column: str
    how: str
    target: str = ""
    unit: str = "share"


MEASURES: tuple[Measure, ...] = (
    Measure("response_hours_median", "response", "median hours to the first response", "opened",
            "response_hours", "median", unit="hours"),
    Measure("response_in_target", "response", "first response within target", "opened",
            "response_in_target", "mean", "response_in_target"),
    Measure("fcr", "resolution", "first-contact resolution (no reassignment, no reopen, within desk.fcr_hours)",
            "resolved", "fcr", "mean", "fcr"),
    Measure("resolve_hours_median", "resolution", "median hours to resolve", "resolved", "resolve_hours",
            "median", unit="hours"),
    Measure("resolve_hours_p90", "resolution", "90th percentile hours to resolve", "resolved", "resolve_hours",
            "p90", unit="hours"),
    Measure("resolve_in_target", "resolution", "resolved within the priority's target", "resolved",
            "in_target", "mean", "resolve_in_target"),
    Measure("sla_met", "resolution", "SLA met", "resolved", "sla_met", "mean", "sla_met"),
    Measure("sla_breached", "resolution", "SLA breaches", "resolved", "breached", "sum", unit="count"),
    Measure("reopen_rate", "resolution", "reopened", "resolved", "reopened", "mean", "reopen_rate"),
    Measure("backlog_open", "resolution", "open backlog", "open", "ticket_id", "count", unit="count"),
    Measure("backlog_old", "resolution", "share of the open backlog older than {days} days", "open", "old", "mean",
            "backlog_old"),
    Measure("service_irritation", "respect", "mean service irritation", "opened", "service_irritation",
            "mean", "service_irritation", unit="score"),
    Measure("csat", "respect", "satisfied ratings (4 or 5 of 5)", "resolved", "satisfied", "mean", "csat"),
    Measure("opened", "volume", "tickets opened", "opened", "ticket_id", "count", unit="count"),
    Measure("p1p2_opened", "volume", "priority 1 and 2 tickets opened", "opened", "p1p2", "sum", unit="count"),
    Measure("resolved", "volume", "tickets resolved", "resolved", "ticket_id", "count", unit="count"),
)
BY_KEY = {m.key: m for m in MEASURES}

_AGG: dict[str, Callable[[pd.Series], float]] = {
    "mean": lambda s: float(s.mean()) if len(s) else float("nan"),
    "median": lambda s: float(s.median()) if len(s) else float("nan"),
    "p90": lambda s: float(s.quantile(0.9)) if len(s) else float("nan"),
    "count": lambda s: float(len(s)),
    "sum": lambda s: float(s.sum()),
}


def _prepared(facts: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The facts with the derived 0/1 columns some measures average."""
    desk = settings["desk"]
    f = facts.copy()
    f["old"] = (f["age_days"] > float(desk["targets"]["backlog_old"]["days"])).astype(float).where(
        f["age_days"].notna())
    f["satisfied"] = (f["csat"] >= 0.75).astype(float).where(f["csat"].notna())
    f["p1p2"] = f["priority"].isin([1, 2]).astype(float)
    f["breached"] = (f["sla_met"] == 0).astype(float).where(f["sla_met"].notna())
    return f


def _cohort(f: pd.DataFrame, cohort: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    if cohort == "opened":
        return f[(f["opened_at"] >= start) & (f["opened_at"] < end)]
    if cohort == "resolved":
        return f[(f["resolved_at"] >= start) & (f["resolved_at"] < end)]
    # open at ``end``: opened before it and not resolved before it
    return f[(f["opened_at"] < end) & ~(f["resolved_at"] < end)]


def _with_ages(f: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Open tickets' age at ``end`` (a past week's end, not the night's)."""
    g = f.copy()
    g["age_days"] = (end - g["opened_at"]) / pd.Timedelta(days=1)
    return g


def judge(value: float, target: Mapping[str, Any] | None) -> float:
    """1.0 when ``value`` meets ``target`` (``at`` least / most), 0.0 when not, NaN without either.

    Examples
    --------
    >>> judge(0.96, {"target": 0.95, "at": "least"}), judge(0.08, {"target": 0.05, "at": "most"})
    (1.0, 0.0)
    >>> import math; math.isnan(judge(float("nan"), {"target": 0.9, "at": "least"}))
    True
    """
    if target is None or not np.isfinite(value):
        return float("nan")
    goal = float(target["target"])
    return float(value >= goal) if target["at"] == "least" else float(value <= goal)


def _periods(f: pd.DataFrame, cohort: str, window: Window, weeks: list[pd.Timestamp],
             settings: Mapping[str, Any]) -> pd.DataFrame:
    """The cohort's tickets once per period they count in: the analysis window (``period`` WINDOW) and
    each week (``period`` its first day). Open tickets count in every period at whose end they are
    open, with their age at that end."""
    start, end = window.period("analysis")
    if cohort in ("opened", "resolved"):
        when = f["opened_at" if cohort == "opened" else "resolved_at"]
        parts = [f[(when >= start) & (when < end)].assign(period=WINDOW)]
        if weeks:
            idx = ((when - weeks[0]) // WEEK)
            ok = idx.notna() & (idx >= 0) & (idx < len(weeks))
            parts.append(f[ok].assign(period=[weeks[int(k)] for k in idx[ok]]))
        return pd.concat(parts, ignore_index=True)
    ends = [(WINDOW, end)] + [(w, w + WEEK) for w in weeks]
    parts = []
    for label, at in ends:   # one vectorised mask per period end (a few dozen), not per group
        part = f[(f["opened_at"] < at) & ~(f["resolved_at"] < at)]
        parts.append(_prepared(_with_ages(part, at), settings).assign(period=label))
    return pd.concat(parts, ignore_index=True)


def _level_rows(cohorts: dict[str, pd.DataFrame], by: list[str], index: pd.MultiIndex,
                settings: Mapping[str, Any], level: str) -> list[pd.DataFrame]:
    """Every measure for every key of ``index`` (group and/or period), from the cohorts."""
    targets = settings["desk"]["targets"]
    days = targets["backlog_old"]["days"]
    out = []
    for m in MEASURES:
        frame = cohorts[m.cohort]
        grouped = frame.groupby(by, dropna=False, sort=False)
        col = grouped[m.column]
        if m.how == "count":
            value = col.size().astype(float)
            n = col.size()
        else:
            n = col.count()
            value = {"mean": col.mean, "median": col.median, "sum": col.sum,
                     "p90": lambda: col.quantile(0.9)}[m.how]()
            value = value.astype(float)
        value = value.reindex(index)
        n = n.reindex(index).fillna(0).astype(int)
        if m.how in ("count", "sum"):
            value = value.fillna(0.0)
        else:
            value = value.where(n > 0)
        target = targets[m.target] if m.target else None
        rows = index.to_frame(index=False)
        rows = rows.assign(level=level, r=m.r, measure=m.key, label=m.label.format(days=days),
                           value=value.to_numpy(), tickets=n.to_numpy(),
                           target=float(target["target"]) if target else float("nan"),
                           at=target["at"] if target else "",
                           met=[judge(v, target) for v in value.to_numpy()],
                           source=target["source"] if target else "")
        out.append(rows)
    return out


def _priority_rows(f: pd.DataFrame, window: Window, settings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Median and 90th percentile hours to resolve per priority, against the priority's target hours."""
    start, end = window.period("analysis")
    done = _cohort(f, "resolved", start, end)
    source = settings["desk"]["targets"]["resolve_in_target"]["source"]
    rows = []
    for prio, part in done.groupby(done["priority"].fillna(0).astype(int), sort=True):
        goal = {"target": float(part["target_hours"].iloc[0]), "at": "most"}
        for key, how, label in (("resolve_hours_median", "median", "median hours to resolve"),
                                ("resolve_hours_p90", "p90", "90th percentile hours to resolve")):
            value = _AGG[how](part["resolve_hours"])
            rows.append({"level": "priority", "group": "", "priority": int(prio), "week_start": pd.NaT,
                         "r": "resolution", "measure": key, "label": label, "value": value, "tickets": len(part),
                         "target": goal["target"] if how == "p90" else float("nan"),
                         "at": "most" if how == "p90" else "", "met": judge(value, goal) if how == "p90" else float("nan"),
                         "source": source if how == "p90" else ""})
    return rows


def backlog_buckets(edges: list[float]) -> list[tuple[str, float, float]]:
    """``(key, from_days, to_days)`` of the backlog's age buckets.

    Examples
    --------
    >>> backlog_buckets([1, 7])
    [('backlog_age_0_1d', 0.0, 1.0), ('backlog_age_1_7d', 1.0, 7.0), ('backlog_age_7d_up', 7.0, inf)]
    """
    bounds = [0.0, *map(float, edges), float("inf")]
    return [(f"backlog_age_{lo:g}_{hi:g}d" if np.isfinite(hi) else f"backlog_age_{lo:g}d_up", lo, hi)
            for lo, hi in zip(bounds, bounds[1:])]


def _backlog_rows(f: pd.DataFrame, window: Window, edges: list[float]) -> list[dict[str, Any]]:
    """Open tickets at the window's end per age bucket (opened in the lookback)."""
    start, end = window.period("analysis")
    ages = _cohort(f, "open", start, end)["age_days"]
    rows = []
    for key, lo, hi in backlog_buckets(edges):
        label = f"open {lo:g}–{hi:g} days" if np.isfinite(hi) else f"open more than {lo:g} days"
        rows.append({"level": "desk", "group": "", "priority": pd.NA, "week_start": pd.NaT, "r": "resolution",
                     "measure": key, "label": label, "value": float(((ages >= lo) & (ages < hi)).sum()),
                     "tickets": int(len(ages)), "target": float("nan"), "at": "", "met": float("nan"), "source": ""})
    return rows


def week_starts(window: Window, first: pd.Timestamp | None) -> list[pd.Timestamp]:
    """The first day of each whole week of the lookback that the data covers, oldest first.

    Weeks end at ``window.end`` (the same weeks as the other pages' weekly charts).

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> w = Window.from_settings(pd.Timestamp("2026-10-31"), load_settings())
    >>> [str(d.date()) for d in week_starts(w, pd.Timestamp("2026-10-12"))]
    ['2026-10-18', '2026-10-25']
    """
    weeks = window.lookback_days // 7
    starts = [window.end - (weeks - i) * WEEK for i in range(weeks)]
    return [s for s in starts if first is None or s >= first.normalize()]


def desk_measures(facts: pd.DataFrame, *, window: Window, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Every measure for the analysis window (desk, each group, each priority) and each week.

    Parameters
    ----------
    facts : DataFrame
        ``DESK_FACTS`` of the lookback's tickets.
    window : Window
        ``analysis`` is the window; the weeks are the lookback's whole weeks since the first ticket.
    settings : Settings
        Uses ``desk`` and its ``targets``.

    Returns
    -------
    DataFrame
        ``DESK``: level ``desk`` rows (window, then each week), ``group`` rows (window, then
        each week) and ``priority`` rows (window).
    """
    f = _prepared(facts, settings)
    weeks = week_starts(window, f["opened_at"].min() if len(f) else None)
    cohorts = {c: _periods(f, c, window, weeks, settings) for c in ("opened", "resolved", "open")}
    periods = pd.DatetimeIndex([WINDOW, *weeks], name="period")
    groups = sorted(f["group"].unique())
    desk = _level_rows(cohorts, ["period"], periods, settings, "desk")
    by_group = _level_rows(cohorts, ["group", "period"],
                           pd.MultiIndex.from_product([groups, periods], names=["group", "period"]), settings, "group")
    frames = [x.assign(group="") for x in desk] + by_group
    long = pd.concat(frames, ignore_index=True).rename(columns={"period": "week_start"})
    long["week_start"] = long["week_start"].where(long["week_start"] != WINDOW)
    long["priority"] = pd.NA
    # window rows first, then weeks; desk before groups; measures in MEASURES order
    long["_window"] = long["week_start"].notna()
    long["_level"] = long["level"].map({"desk": 0, "group": 1})
    long["_m"] = long["measure"].map({m.key: i for i, m in enumerate(MEASURES)})
    long = long.sort_values(["_level", "group", "_window", "week_start", "_m"], kind="stable")
    rows = long.drop(columns=["_window", "_level", "_m"]).to_dict("records")
    rows += _priority_rows(f, window, settings)
    rows += _backlog_rows(f, window, settings["desk"]["backlog_buckets"])
    out = pd.DataFrame(rows, columns=list(DESK))
    out["priority"] = out["priority"].astype("Int64")
    out["week_start"] = pd.to_datetime(out["week_start"])
    out["tickets"] = out["tickets"].astype(int)
    return validate(out, DESK, "desk")
