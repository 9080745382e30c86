"""Step 1 of scoring: per-system numbers of one analysis window (no ranking, no words).

Failure volume and rate per 100 users with an exact Poisson 95% interval, how-to mix,
recent vs expected failures, the most likely step change in weekly failures, cost.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy.stats import chi2

from ..catalogue import Catalogue
from ..config import Settings
from ..schema import Assignments, Attribution, Signals, Tickets, Trends
from ..irritation import wilson_interval
from ..window import Window


def poisson_interval(count: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count.

    Examples
    --------
    >>> lo, hi = poisson_interval(np.array([0, 10]))
    >>> [round(float(x), 2) for x in (*lo, *hi)]
    [0.0, 4.8, 3.69, 18.39]
    """
    alpha = 1 - level
    count = np.asarray(count, dtype=float)
    lower = np.where(count > 0, chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    upper = chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return lower, upper


def failure_step(weekly: np.ndarray, min_after: int, max_after: int, min_before: int) -> tuple[int, float, float, int]:
    """The most likely recent change point in weekly failure counts (oldest week first).

    The split maximises the Poisson log-likelihood of two steady rates, one before and one
    after. The new level must have lasted ``min_after`` to ``max_after`` weeks (a recent
    change) and the old one at least ``min_before`` weeks (a fair comparison).

    Returns
    -------
    split, before, after, elevated : int, float, float, int
        Index of the first week after the change (-1 if the series is too short), the weekly
        means before and after, and how many weeks after it are closer to the new mean than
        to the old one.

    Examples
    --------
    >>> failure_step(np.array([10, 12, 9, 11, 10, 40, 42, 38]), 3, 4, 4)
    (5, 10.4, 40.0, 3)
    >>> failure_step(np.array([10, 12, 9, 11, 10, 10, 11, 90]), 3, 4, 4)[3]  # a spike, not a step
    1
    >>> failure_step(np.array([10, 40, 42, 38]), 3, 4, 4)  # too little history
    (-1, 0.0, 0.0, 0)
    """
    weekly = np.asarray(weekly, dtype=float)
    n = len(weekly)
    splits = range(max(min_before, n - max_after), n - min_after + 1)
    if not len(splits):
        return -1, 0.0, 0.0, 0
    cum = np.cumsum(weekly)

    def loglik(total: float, weeks: int) -> float:
        return total * np.log(total / weeks) if total > 0 else 0.0

    best = max(splits, key=lambda s: (loglik(cum[s - 1], s) + loglik(cum[-1] - cum[s - 1], n - s), -s))
    before, after = float(cum[best - 1] / best), float((cum[-1] - cum[best - 1]) / (n - best))
    elevated = int((weekly[best:] >= (before + after) / 2).sum()) if after > before else 0
    return best, round(before, 2), round(after, 2), elevated


def howto_spread(topic_ids: pd.Series) -> float:
    """Effective number of topics the how-to tickets spread over (inverse Simpson index).

    The remainder (topic -1) is left out; NaN when no ticket has a topic.

    Examples
    --------
    >>> howto_spread(pd.Series([1, 1, 2, 2, -1])), howto_spread(pd.Series([3, 3, 3, 3]))
    (2.0, 1.0)
    """
    counts = topic_ids[topic_ids >= 0].value_counts()
    if not len(counts):
        return float("nan")
    shares = counts / counts.sum()
    return float(1 / (shares ** 2).sum())


def _steps(data: pd.DataFrame, names: list[str], end: pd.Timestamp, start: pd.Timestamp,
           min_weeks: int, window_weeks: int) -> pd.DataFrame:
    """Per system, the change point of its weekly failures over the full weeks since ``start``:
    within the scoring window, against at least as many weeks before it."""
    n_weeks = max(int((end - start) // pd.Timedelta(weeks=1)), 0)
    failures = data[data["kind"].eq("failure")]
    age = ((end - failures["opened_at"]) // pd.Timedelta(weeks=1)).astype(int)
    week = n_weeks - 1 - age
    keep = (week >= 0) & (week < n_weeks)
    counts = pd.crosstab(failures.loc[keep, "system"], week[keep]).reindex(
        index=names, columns=range(n_weeks), fill_value=0)
    rows = []
    for name in names:
        split, before, after, elevated = failure_step(counts.loc[name].to_numpy(), min_weeks, window_weeks,
                                                      window_weeks)
        first = end - pd.Timedelta(weeks=n_weeks - split) if split >= 0 else None
        rows.append((str(first.date()) if first is not None else "", before, after, elevated,
                     n_weeks - split if split >= 0 else 0))
    return pd.DataFrame(rows, index=names, columns=["step_week", "step_before", "step_after", "step_elevated",
                                                    "step_weeks"])


def _howto_mix(data: pd.DataFrame, names: list[str], assignments: Assignments | None, main: str = "") -> pd.DataFrame:
    """Per system, how many topics its how-to tickets spread over and the share from repeat askers.

    The spread counts the topics of main-language tickets only: the same questions asked in
    another language may sit in topics of their own, and are not more places users get lost."""
    howto = data[data["kind"].eq("howto")]
    spread = pd.Series(np.nan, index=names)
    if assignments is not None and len(howto):
        home = assignments[assignments["language"].isin([main, "und", ""])] if "language" in assignments.columns else assignments
        topics = howto[["ticket_id", "system"]].merge(home[["ticket_id", "topic_id"]], on="ticket_id")
        spread = topics.groupby("system")["topic_id"].apply(howto_spread).reindex(names)
    repeat = pd.Series(0.0, index=names)
    if "caller_key" in howto.columns and len(howto):
        known = howto[howto["caller_key"].astype(bool)]
        asked = known.groupby(["system", "caller_key"])["ticket_id"].transform("size")
        repeat = ((asked >= 2).groupby(known["system"]).sum() / howto.groupby("system").size()).reindex(names)
    return pd.DataFrame({"howto_topics": spread.astype(float), "howto_repeat_share": repeat.fillna(0.0)})




def _windows(history: pd.DataFrame, names: list[str], end: pd.Timestamp, first_day: pd.Timestamp,
             days: int, n: int) -> pd.Series:
    """Per system, its failures in each of the last ``n`` analysis windows that the history covers
    in full, the current window first (a list of ints)."""
    failures = history[history["kind"].eq("failure")]
    out = {name: [] for name in names}
    for k in range(max(n, 1)):
        start = end - pd.Timedelta(days=days * (k + 1))
        if k and start < first_day:   # a window the history only partly covers is no evidence
            break
        part = failures[(failures["opened_at"] >= start) & (failures["opened_at"] < start + pd.Timedelta(days=days))]
        counts = part.groupby("system").size()
        for name in names:
            out[name].append(int(counts.get(name, 0)))
    return pd.Series(out, dtype=object).reindex(names)


def _selfservice(tickets: Tickets, data: pd.DataFrame, names: list[str], terms: list[str]) -> pd.Series:
    """Per system, its window tickets (not failures) that ask for what self-service does: an unlock,
    a password reset (``recommend.selfservice_terms`` in the title or text)."""
    if not terms or not len(data):
        return pd.Series(0, index=names, dtype=int)
    pattern = "|".join(re.escape(t.lower()) for t in terms)
    cols = [c for c in ("title", "text") if c in tickets.columns]
    asked = data[~data["kind"].eq("failure")][["ticket_id", "system"]].merge(tickets[["ticket_id", *cols]],
                                                                          on="ticket_id")
    if not cols or not len(asked):
        return pd.Series(0, index=names, dtype=int)
    said = asked[cols].fillna("").astype(str).agg(" ".join, axis=1).str.lower().str.contains(pattern, regex=True)
    return said.groupby(asked["system"]).sum().reindex(names, fill_value=0).astype(int)


def _process(tickets: Tickets, data: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Per system in the window: median hours to resolve, reopened share, share of priority 1-2.

    NaN where the export lacks the field (or no ticket of the system has a value).
    """
    cols = [c for c in ("resolved_at", "reopen_count", "priority") if c in tickets.columns]
    part = data[["ticket_id", "system", "opened_at"]].merge(tickets[["ticket_id", *cols]], on="ticket_id")
    out = pd.DataFrame(index=names)
    groups = part.groupby("system")
    if "resolved_at" in cols:
        hours = (part["resolved_at"] - part["opened_at"]).dt.total_seconds() / 3600
        out["median_resolve_hours"] = hours.groupby(part["system"]).median().reindex(names)
    else:
        out["median_resolve_hours"] = np.nan
    out["reopen_rate"] = (groups["reopen_count"].apply(lambda r: float((r > 0).mean())).reindex(names)
                          if "reopen_count" in cols and len(part) else np.nan)
    if "priority" in cols and len(part):
        known = part[part["priority"].notna()]
        urgent = (known["priority"] <= 2).groupby(known["system"]).mean()
        out["urgent_share"] = urgent.reindex(names).astype(float)
    else:
        out["urgent_share"] = np.nan
    return out


def measure_systems(tickets: Tickets, *, attribution: Attribution, signals: Signals, trends: Trends,
                    assignments: Assignments | None, catalogue: Catalogue, window: Window,
                    settings: Settings) -> pd.DataFrame:
    """Per-system numbers of the analysis window, one row per system (the index).

    Parameters
    ----------
    tickets, attribution, signals : aligned frames of this run
    trends : Trends
        Supplies each system's recent vs expected ticket counts.
    assignments : Assignments or None
        Topics of the tickets (how many topics the how-to questions spread over).
    catalogue : Catalogue
        User counts; every catalogue system gets a row, with zero counts if it drew no ticket.
    window : Window
        ``analysis`` period for the counts, ``recent`` / ``baseline`` for the failure trend.
        The step-change search looks at every full week of the lookback instead, so a step
        some weeks ago is compared with a long enough "before".
    settings : Settings
        Uses ``score.cost``, ``recommend.upgrade_min_weeks`` and ``systems.unattributed``.

    Returns
    -------
    DataFrame
        Counts, rates, steps, how-to mix and cost; ``irritated`` tickets (irritation aimed
        at the system, ``system_irritation``, at or above ``signals.irritated_threshold``), ``irritated_share`` = irritated /
        tickets with its 95% Wilson interval (``irritated_share_low`` / ``_high``), which is
        also ``irritation``, the system's irritation shown everywhere; and the mean
        ``process_irritation`` of its tickets.
    """
    unattributed = settings["systems"]["unattributed"]
    end = window.end
    data = tickets[["ticket_id", "opened_at"]].merge(attribution[["ticket_id", "system"]], on="ticket_id")
    data = data.merge(signals, on="ticket_id")
    if "caller_key" in tickets.columns:
        data = data.merge(tickets[["ticket_id", "caller_key"]], on="ticket_id")
    history = data[(data["opened_at"] < end) & (data["system"] != unattributed)]
    data = data[window.contains(data["opened_at"], "analysis") & (data["system"] != unattributed)]
    data["is_failure"] = data["kind"].eq("failure")
    if "system_irritation" in data.columns:   # judged by the irritation aimed at it, not at the desk (aim.py)
        data["irritated"] = data["system_irritation"] >= float(settings["signals"]["irritated_threshold"])
    data["recent_failure"] = data["is_failure"] & (data["opened_at"] >= window.recent_start)
    data["base_failure"] = data["is_failure"] & window.contains(data["opened_at"], "baseline")
    grouped = data.groupby("system")
    frame = pd.DataFrame({
        "tickets": grouped.size(),
        "failures": grouped["is_failure"].sum(),
        "howto": grouped["kind"].apply(lambda k: int((k == "howto").sum())),
        "requests": grouped["kind"].apply(lambda k: int((k == "request").sum())),
        "irritated": grouped["irritated"].sum(),
        "process_irritation": grouped["process_irritation"].mean(),
        "recent_failures": grouped["recent_failure"].sum(),
        "base_failures": grouped["base_failure"].sum(),
    })
    names = sorted(set(frame.index) | set(catalogue.names))
    frame = frame.reindex(names).fillna(0)
    for col in ("tickets", "failures", "howto", "requests", "recent_failures", "base_failures", "irritated"):
        frame[col] = frame[col].astype(int)
    frame["irritated_share"] = (frame["irritated"] / frame["tickets"].where(frame["tickets"] > 0)).fillna(0.0)
    low, high = wilson_interval(frame["irritated"].to_numpy(), frame["tickets"].to_numpy())
    frame["irritated_share_low"], frame["irritated_share_high"] = low, high
    frame["irritation"] = frame["irritated_share"]
    cat = catalogue.frame.set_index("name")
    known_users = cat["user_count"] if len(cat) else pd.Series(dtype="Int64")
    frame["user_count"] = known_users.reindex(names).astype("Int64")
    users = pd.Series(frame["user_count"].to_numpy(dtype="float64", na_value=np.nan), index=frame.index)
    frame["failures_per_100_users"] = 100 * frame["failures"] / users
    frame["failures_per_100_users_upper"] = 100 * poisson_interval(frame["failures"].to_numpy())[1] / users
    frame["expected_failures"] = frame["base_failures"] * window.recent_scale
    frame["failure_trend"] = (frame["recent_failures"] + 0.5) / (frame["expected_failures"] + 0.5)
    systems_trend = trends[trends["entity_type"] == "system"].set_index("entity")
    frame["recent"] = systems_trend["recent"].reindex(names).fillna(0).astype(int)
    frame["expected"] = systems_trend["expected"].reindex(names).fillna(0.0)
    frame["trend_ratio"] = (frame["recent"] + 0.5) / (frame["expected"] + 0.5)
    first_day = tickets["opened_at"].min() if len(tickets) else end
    frame = frame.join(_steps(history, names, end, max(first_day, window.lookback_start),
                              int(settings["recommend"]["upgrade_min_weeks"]), max(window.analysis_days // 7, 1)))
    frame = frame.join(_howto_mix(data, names, assignments, settings["ingest"]["main_language"]))
    frame["failures_per_100_users_lower"] = 100 * poisson_interval(frame["failures"].to_numpy())[0] / users
    frame = frame.join(_process(tickets, data, names))
    previous = history[window.contains(history["opened_at"], "previous")]
    frame["previous_tickets"] = previous.groupby("system").size().reindex(names, fill_value=0).astype(int)
    frame["previous_failures"] = (previous[previous["kind"].eq("failure")].groupby("system").size()
                                  .reindex(names, fill_value=0).astype(int))
    rec = settings["recommend"]
    frame["window_failures"] = _windows(history, names, end, max(first_day, window.lookback_start), window.analysis_days,
                                        int(rec.get("replace_min_windows", 2)))
    frame["selfservice"] = _selfservice(tickets, data, names, list(rec.get("selfservice_terms", [])))
    if "caller_key" in data.columns:
        known = data[data["caller_key"].astype(bool)]
        frame["callers"] = known.groupby("system")["caller_key"].nunique().reindex(names, fill_value=0).astype(int)
    else:
        frame["callers"] = 0
    cost = settings["score"]["cost"]
    frame["cost"] = frame["tickets"] * float(cost["handle_hours"]) * float(cost["hourly_rate"])
    return frame
