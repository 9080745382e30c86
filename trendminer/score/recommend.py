"""Step 3 of scoring: which rules fire for each ranked system, as structured facts.

A recommendation is the first rule that fired in :data:`ORDER`; every rule that fired is kept
as a plain dict (``rule`` plus the numbers behind it) so the report's view layer can phrase it
-- including what would change it -- and an export can carry it. No English is written here
(see :mod:`trendminer.report.phrases`).

The rules follow the evidence an architect would ask for:

- ``remove``: the catalogue says retired, yet it drew tickets -- remove what is left.
- ``migrate``: sunset and still used -- move the remaining users, then switch it off.
- ``regression``: failures stepped up and stayed up; names the recorded changes around the
  step (:func:`trendminer.change_records.changes_near`) -- patch or roll back.
- ``replace``: chronic failure only -- failures per 100 users above every peer's, with 95%
  intervals that do not overlap, in each of the last ``replace_min_windows`` windows; never
  irritation alone, never a step (that is a regression).
- ``fix``: this week's failures far above the baseline (an outage) -- open a problem record.
- ``automate``: lockouts and password resets that self-service would remove.
- ``catalogue``: mostly requests -- a form or catalogue item serves them.
- ``redesign`` / ``train`` / ``document``: how-to heavy.
- ``keep``: failures per 100 users low (upper bound) and calm users.
- ``watch``: only when none of the above fired; says why (too few tickets, irritated but failures ordinary,
  ordinary).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..change_records import change_facts, changes_near, no_changes
from ..config import Settings
from .measure import poisson_interval

ORDER = ("remove", "migrate", "regression", "replace", "fix", "automate", "catalogue", "redesign", "train",
         "document", "keep", "watch")
#: the recommendation when no other rule fires (its reason says why)
WATCH = "watch"

Reason = dict[str, Any]


def _rate(count: float, users: float) -> tuple[float, float, float]:
    """Failures per 100 users with its exact 95% interval."""
    lo, hi = poisson_interval(np.array([count]))
    return 100 * count / users, 100 * float(lo[0]) / users, 100 * float(hi[0]) / users


def peer_bounds(ranked: pd.DataFrame, system: str, regressed: set[str]) -> list[dict[str, Any]]:
    """Per analysis window (current first), the highest peer: the other rankable system with a
    user count (and no regression step) whose failures-per-100 interval reaches highest.

    Examples
    --------
    >>> r = pd.DataFrame({"system": ["A", "B", "C"], "rankable": True, "user_count": [100, 100, 100],
    ...                   "window_failures": [[30, 30], [5, 4], [2, 1]]})
    >>> [p["system"] for p in peer_bounds(r, "A", set())]
    ['B', 'B']
    """
    peers = ranked[(ranked["system"] != system) & ranked["rankable"] & ranked["user_count"].notna()
                   & ~ranked["system"].isin(regressed)]
    out: list[dict[str, Any]] = []
    n = max((len(w) for w in ranked["window_failures"]), default=0)
    for k in range(n):
        best: dict[str, Any] = {}
        for _, p in peers.iterrows():
            if k >= len(p["window_failures"]) or not p["user_count"]:
                continue
            rate, _, upper = _rate(p["window_failures"][k], float(p["user_count"]))
            if not best or upper > best["upper"]:
                best = {"system": p["system"], "rate": rate, "upper": upper}
        out.append(best)
    return out


def fired_rules(row: pd.Series, lifecycle: str, peers: list[dict[str, Any]], rules: dict[str, float],
                changes: pd.DataFrame | None = None, has_changes: bool = False) -> list[Reason]:
    """Every rule that fires for one system's row, in :data:`ORDER`, each with its numbers.

    Parameters
    ----------
    row : Series
        One row of :func:`~trendminer.score.rank.rank_systems`.
    lifecycle : str
        From the catalogue (``retired`` / ``sunset`` fire remove / migrate).
    peers : list of dict
        :func:`peer_bounds` of the system.
    rules : dict
        :func:`thresholds`.
    changes : DataFrame, optional
        Change records (:mod:`trendminer.change_records`); a regression names those near its step.
    has_changes : bool
        Whether change records were given at all (else a regression says none is on file).

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> row = pd.Series({"tickets": 3, "failures": 0, "howto": 0, "requests": 0, "irritation": 0.0,
    ...                  "rank": 9, "rankable": False, "step_weeks": 0, "failure_trend": 1.0, "recent_failures": 0,
    ...                  "failures_per_100_users_upper": float("nan"), "callers": 2, "selfservice": 0,
    ...                  "window_failures": [0], "user_count": pd.NA})
    >>> [r["rule"] for r in fired_rules(row, "retired", [], thresholds(load_settings()))]
    ['remove']
    """
    reasons: list[Reason] = []
    tickets = int(row["tickets"])
    share = row["failures"] / tickets if tickets else 0.0
    howto = row["howto"] / tickets if tickets else 0.0
    users = row["user_count"]
    users = float(users) if not pd.isna(users) and users else float("nan")
    if lifecycle == "retired" and tickets:
        reasons.append({"rule": "remove", "tickets": tickets, "callers": int(row["callers"])})
    if lifecycle == "sunset" and tickets:
        reasons.append({"rule": "migrate", "tickets": tickets, "callers": int(row["callers"]),
                        "failures": int(row["failures"])})
    weeks_after = int(row["step_weeks"])
    regressed = bool(weeks_after and row["step_after"] >= rules["upgrade_step_ratio"] * row["step_before"]
                     and row["step_before"] > 0 and row["step_elevated"] >= rules["upgrade_step_share"] * weeks_after
                     and row["step_after"] * weeks_after >= rules["upgrade_min_failures"])
    if regressed:
        near = changes_near(changes if changes is not None else no_changes(), row["system"], row["step_week"],
                            rules["near_weeks"])
        reasons.append({"rule": "regression", "before": float(row["step_before"]), "after": float(row["step_after"]),
                        "week": row["step_week"], "elevated": int(row["step_elevated"]), "weeks": weeks_after,
                        "changes": change_facts(near), "changes_on_file": has_changes,
                        "near_weeks": rules["near_weeks"]})
    windows = list(row["window_failures"])
    need = int(rules["replace_min_windows"])
    if (lifecycle in ("", "active") and not regressed and np.isfinite(users) and row["rankable"]
            and len(windows) >= need and share >= rules["replace_failure_share"]):
        evidence = []
        for k in range(need):
            rate, lower, upper = _rate(windows[k], users)
            peer = peers[k] if k < len(peers) else {}
            if not peer or rate < rules["replace_peer_ratio"] * peer["rate"] or lower <= peer["upper"]:
                break
            evidence.append({"failures": windows[k], "rate": rate, "lower": lower, "upper": upper,
                             "peer": peer["system"], "peer_rate": peer["rate"], "peer_upper": peer["upper"]})
        if len(evidence) == need:
            reasons.append({"rule": "replace", "failure_share": float(share), "windows": evidence})
    if row["failure_trend"] >= rules["fix_trend_ratio"] and row["recent_failures"] >= 5:
        reasons.append({"rule": "fix", "recent_failures": int(row["recent_failures"]),
                        "expected_failures": float(row["expected_failures"]),
                        "failure_trend": float(row["failure_trend"])})
    if tickets and row["selfservice"] / tickets >= rules["automate_share"] and row["selfservice"] >= rules["min_tickets"]:
        reasons.append({"rule": "automate", "selfservice": int(row["selfservice"]), "tickets": tickets,
                        "share": float(row["selfservice"] / tickets), "from_share": rules["automate_share"]})
    if tickets and row["requests"] / tickets >= rules["catalogue_request_share"] and row["requests"] >= rules["min_tickets"]:
        reasons.append({"rule": "catalogue", "requests": int(row["requests"]), "tickets": tickets,
                        "share": float(row["requests"] / tickets), "from_share": rules["catalogue_request_share"]})
    if howto >= rules["document_howto_share"] and row["howto"] >= rules["min_tickets"]:
        spread, repeat = float(row["howto_topics"]), float(row["howto_repeat_share"])
        facts = {"howto_share": float(howto), "topics": spread, "repeat_share": repeat,
                 "redesign_from": rules["redesign_min_topics"], "train_from": rules["train_repeat_share"],
                 "from_share": rules["document_howto_share"]}
        if np.isfinite(spread) and spread >= rules["redesign_min_topics"]:
            reasons.append({"rule": "redesign", **facts})
        elif repeat >= rules["train_repeat_share"]:
            reasons.append({"rule": "train", **facts})
        else:
            reasons.append({"rule": "document", **facts})
    upper = row["failures_per_100_users_upper"]
    if (np.isfinite(upper) and upper <= rules["keep_failures_per_100"]
            and row["irritation"] <= rules["keep_irritation"]
            and not (row["failure_trend"] >= 1.5 and row["recent_failures"] >= rules["min_count"])):
        reasons.append({"rule": "keep", "failures": int(row["failures"]), "user_count": int(row["user_count"]),
                        "per_100_upper": float(upper), "irritation": float(row["irritation"]),
                        "keep_from": rules["keep_failures_per_100"]})
    reasons.sort(key=lambda r: ORDER.index(r["rule"]))
    if reasons:
        return reasons
    peer = peers[0] if peers else {}
    rate = 100 * row["failures"] / users if np.isfinite(users) else float("nan")
    if not row["rankable"]:
        why = "few"
    elif row["irritation"] >= rules["irritated_share"]:
        why = "irritated"
    else:
        why = "ordinary"
    reasons.append({"rule": WATCH, "why": why, "tickets": tickets, "min_tickets": rules["min_tickets"],
                    "irritation": float(row["irritation"]), "rate": float(rate),
                    "peer": peer.get("system", ""), "peer_upper": float(peer.get("upper", float("nan"))),
                    "windows": need})
    return reasons


def thresholds(settings: Settings) -> dict[str, float]:
    """The rules' numeric thresholds: ``recommend.*`` plus ``trends.min_count``,
    ``score.min_tickets`` and ``changes.near_weeks``."""
    rules = {k: float(v) for k, v in settings["recommend"].items() if isinstance(v, (int, float))}
    rules["min_count"] = float(settings["trends"]["min_count"])
    rules["min_tickets"] = float(settings["score"]["min_tickets"])
    rules["near_weeks"] = float(settings["changes"]["near_weeks"])
    return rules


def recommend(ranked: pd.DataFrame, *, catalogue: Catalogue, settings: Settings,
              changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``recommendation``, ``reasons`` (list of rule dicts), ``lifecycle``, ``changes``
    (ids of the change records a regression names, ``;``-separated) and the catalogue's
    ``vendor``, ``criticality`` and ``owner_team`` to ranked systems.

    Parameters
    ----------
    ranked : DataFrame
        :func:`~trendminer.score.rank.rank_systems`.
    catalogue : Catalogue
        Lifecycle (``retired`` fires remove, ``sunset`` migrate), vendor, criticality, owner.
    settings : Settings
        Uses ``recommend.*``, ``trends.min_count``, ``score.min_tickets``, ``changes.near_weeks``.
    changes : DataFrame, optional
        Change records; None when the run has none (a regression then says so).

    Returns
    -------
    DataFrame
        Every system has at least one reason; ``watch`` says why nothing else fired.
    """
    cat = catalogue.frame.set_index("name")
    def column(name: str) -> dict:
        if not len(cat) or name not in cat.columns:
            return {}
        return cat[name].reindex(ranked["system"]).fillna("").astype(str).to_dict()
    lifecycle = column("lifecycle")
    rules = thresholds(settings)
    frame = ranked.copy()
    first = [fired_rules(row, lifecycle.get(row["system"], ""), [], rules, changes, changes is not None)
             for _, row in frame.iterrows()]
    regressed = {s for s, r in zip(frame["system"], first) if any(x["rule"] == "regression" for x in r)}
    reasons = [fired_rules(row, lifecycle.get(row["system"], ""), peer_bounds(frame, row["system"], regressed),
                           rules, changes, changes is not None) for _, row in frame.iterrows()]
    frame["recommendation"] = [r[0]["rule"] for r in reasons]
    frame["reasons"] = reasons
    frame["lifecycle"] = [lifecycle.get(s, "") for s in frame["system"]]
    frame["changes"] = [";".join(c["id"] for x in r if x["rule"] == "regression" for c in x["changes"])
                        for r in reasons]
    for name in ("vendor", "criticality", "owner_team"):
        values = column(name)
        frame[name] = [values.get(s, "") for s in frame["system"]]
    return frame
