"""Tomorrow's callbacks: a small, reproducible, stratified random sample of resolved tickets.

Instead of a long annual survey, the desk calls a few customers back. The sample is drawn from
the tickets resolved in the analysis window; reopened, irritated and long-running tickets each
get at least a stated share of the list (when they have tickets), the rest is drawn from all
other tickets. Every sampled ticket carries its stratum's weight (tickets of the stratum per
sampled ticket), so answers can be re-weighted to the whole window. Only ticket numbers,
systems and groups are listed: a person opens the ticket to call.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..schema import CALLBACKS, validate
from ..window import Window

#: strata in the order a ticket is put in the first that fits
STRATA = ("reopened", "irritated", "long-running", "other")


def strata(facts: pd.DataFrame, long_ratio: float) -> pd.Series:
    """The stratum of each resolved ticket: reopened, irritated, long-running, else other.

    Examples
    --------
    >>> f = pd.DataFrame({"reopen_count": [1, 0, 0, 0], "irritated": [True, True, False, False],
    ...                   "service_irritation": [0.0, 0.0, 0.0, 0.0],
    ...                   "resolve_hours": [1.0, 1.0, 50.0, 1.0], "target_hours": [24.0] * 4})
    >>> strata(f, 2.0).tolist()
    ['reopened', 'irritated', 'long-running', 'other']
    """
    irritated = facts["irritated"].astype(bool) | (facts["service_irritation"].fillna(0) >= 0.5)
    long = facts["resolve_hours"] >= long_ratio * facts["target_hours"]
    return pd.Series(np.select([facts["reopen_count"] > 0, irritated, long], list(STRATA[:3]), "other"),
                     index=facts.index)


def _why(row: pd.Series, stratum: str) -> str:
    if stratum == "reopened":
        return f"reopened {int(row['reopen_count'])}×"
    if stratum == "irritated":
        return "the ticket reads irritated" if row["irritated"] else (
            f"service irritation {row['service_irritation']:.2f}")
    if stratum == "long-running":
        return f"resolved in {row['resolve_hours']:.0f} h against a {row['target_hours']:.0f} h target"
    return "drawn at random from the other resolved tickets"


def allocation(sizes: Mapping[str, int], n: int, share: float) -> dict[str, int]:
    """How many tickets each stratum gets: each special stratum at least ``ceil(share * n)``
    (as far as it has tickets), the rest from ``other``, then any shortfall from the biggest
    remainders.

    Examples
    --------
    >>> allocation({"reopened": 2, "irritated": 40, "long-running": 10, "other": 500}, 20, 0.2)
    {'reopened': 2, 'irritated': 4, 'long-running': 4, 'other': 10}
    >>> allocation({"reopened": 0, "irritated": 0, "long-running": 0, "other": 3}, 20, 0.2)
    {'reopened': 0, 'irritated': 0, 'long-running': 0, 'other': 3}
    """
    n = min(n, sum(sizes.values()))
    floor = math.ceil(share * n)
    take = {s: min(sizes.get(s, 0), floor) for s in STRATA[:3]}
    take["other"] = min(sizes.get("other", 0), max(n - sum(take.values()), 0))
    while sum(take.values()) < n:   # 'other' ran short: fill from the strata with tickets left
        left = {s: sizes.get(s, 0) - take[s] for s in STRATA if sizes.get(s, 0) > take[s]}
        take[max(left, key=lambda s: (left[s], -STRATA.index(s)))] += 1
    return take


def callbacks(facts: pd.DataFrame, *, window: Window, settings: Mapping[str, Any]) -> pd.DataFrame:
    """The callback list of the night: tickets resolved in the analysis window, sampled per stratum.

    Parameters
    ----------
    facts : DataFrame
        ``DESK_FACTS``.
    window : Window
        Tickets resolved in its ``analysis`` period are eligible; ``as_of`` seeds the draw with
        ``desk.callbacks.seed``, so another night gives another list and the same night the same.
    settings : Settings
        Uses ``desk.callbacks`` (``size``, ``seed``, ``stratum_share``, ``long_ratio``).

    Returns
    -------
    DataFrame
        ``CALLBACKS``, strata in :data:`STRATA` order, ticket numbers sorted within each.
    """
    opts = settings["desk"]["callbacks"]
    start, end = window.period("analysis")
    done = facts[(facts["resolved_at"] >= start) & (facts["resolved_at"] < end)]
    done = done.sort_values("ticket_id", kind="stable").reset_index(drop=True)   # input order does not matter
    kind = strata(done, float(opts["long_ratio"]))
    sizes = {s: int((kind == s).sum()) for s in STRATA}
    take = allocation(sizes, int(opts["size"]), float(opts["stratum_share"]))
    rng = np.random.default_rng([int(opts["seed"]), int(window.as_of.strftime("%Y%m%d"))])
    rows = []
    for s in STRATA:
        pool = done[kind == s]
        if not take[s]:
            continue
        picked = pool.iloc[np.sort(rng.choice(len(pool), size=take[s], replace=False))]
        for _, r in picked.iterrows():
            rows.append({"ticket_id": r["ticket_id"], "system": r["system"], "group": r["group"],
                         "priority": r["priority"], "resolved_on": f"{r['resolved_at']:%Y-%m-%d}",
                         "stratum": s, "why": _why(r, s), "weight": sizes[s] / take[s]})
    out = pd.DataFrame(rows, columns=list(CALLBACKS))
    out["priority"] = out["priority"].astype("Int64")
    out["weight"] = out["weight"].astype(float)
    return validate(out, CALLBACKS, "desk")
