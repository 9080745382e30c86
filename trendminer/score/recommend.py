"""Step 3 of scoring: which rules fire for each ranked system, as structured facts.

A recommendation is the first rule that fired in :data:`ORDER`; every rule that fired is kept
as a plain dict (``rule`` plus the numbers behind it) so the report's view layer can phrase it
and an export can carry it. No English is written here (see :mod:`trendminer.report.phrases`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..config import Settings

#: A step change is specific evidence of a fixable cause, so it outranks "replace".
ORDER = ("retire", "upgrade", "replace", "fix", "redesign", "train", "document", "keep")
#: the recommendation when no rule fires
WATCH = "watch"

Reason = dict[str, Any]


def fired_rules(row: pd.Series, lifecycle: str, n_ranked: int, rules: dict[str, float]) -> list[Reason]:
    """Every rule that fires for one system's row, in :data:`ORDER`, each with its numbers.

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> row = pd.Series({"tickets": 3, "failures": 0, "howto": 0, "irritation": 0.0, "rank": 9,
    ...                  "rankable": False, "step_weeks": 0, "failure_trend": 1.0, "recent_failures": 0,
    ...                  "failures_per_100_users_upper": float("nan")})
    >>> fired_rules(row, "retired", 10, thresholds(load_settings()))
    [{'rule': 'retire', 'lifecycle': 'retired', 'tickets': 3}]
    """
    reasons: list[Reason] = []
    tickets = int(row["tickets"])
    share = row["failures"] / tickets if tickets else 0.0
    howto = row["howto"] / tickets if tickets else 0.0
    if lifecycle in ("sunset", "retired") and tickets:
        reasons.append({"rule": "retire", "lifecycle": lifecycle, "tickets": tickets})
    if (share >= rules["replace_failure_share"] and row["irritation"] >= rules["replace_irritation"]
            and row["rank"] <= max(1, round(rules["replace_top_share"] * n_ranked)) and row["rankable"]):
        reasons.append({"rule": "replace", "failure_share": float(share), "irritation": float(row["irritation"]),
                        "rank": int(row["rank"]), "n_ranked": n_ranked})
    weeks_after = int(row["step_weeks"])
    if (weeks_after and row["step_after"] >= rules["upgrade_step_ratio"] * row["step_before"]
            and row["step_before"] > 0 and row["step_elevated"] >= rules["upgrade_step_share"] * weeks_after
            and row["step_after"] * weeks_after >= rules["upgrade_min_failures"]):
        reasons.append({"rule": "upgrade", "before": float(row["step_before"]), "after": float(row["step_after"]),
                        "week": row["step_week"], "elevated": int(row["step_elevated"]), "weeks": weeks_after})
    if row["failure_trend"] >= rules["fix_trend_ratio"] and row["recent_failures"] >= 5:
        reasons.append({"rule": "fix", "recent_failures": int(row["recent_failures"]),
                        "expected_failures": float(row["expected_failures"]),
                        "failure_trend": float(row["failure_trend"])})
    if howto >= rules["document_howto_share"] and row["howto"] >= rules["min_tickets"]:
        spread, repeat = float(row["howto_topics"]), float(row["howto_repeat_share"])
        facts = {"howto_share": float(howto), "topics": spread, "repeat_share": repeat,
                 "redesign_from": rules["redesign_min_topics"], "train_from": rules["train_repeat_share"]}
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
                        "per_100_upper": float(upper), "irritation": float(row["irritation"])})
    reasons.sort(key=lambda r: ORDER.index(r["rule"]))
    return reasons


def thresholds(settings: Settings) -> dict[str, float]:
    """The rules' thresholds: ``recommend.*`` plus ``trends.min_count`` and ``score.min_tickets``."""
    rules = {k: float(v) for k, v in settings["recommend"].items()}
    rules["min_count"] = float(settings["trends"]["min_count"])
    rules["min_tickets"] = float(settings["score"]["min_tickets"])
    return rules


def recommend(ranked: pd.DataFrame, *, catalogue: Catalogue, settings: Settings) -> pd.DataFrame:
    """Add ``recommendation``, ``reasons`` (list of rule dicts) and ``lifecycle`` to ranked systems.

    Parameters
    ----------
    ranked : DataFrame
        :func:`~trendminer.score.rank.rank_systems`.
    catalogue : Catalogue
        Lifecycle of each system (``sunset`` / ``retired`` fire the retire rule).
    settings : Settings
        Uses ``recommend.*``, ``trends.min_count`` and ``score.min_tickets``.

    Returns
    -------
    DataFrame
        ``recommendation`` is :data:`WATCH` with ``reasons == []`` when no rule fired.
    """
    cat = catalogue.frame.set_index("name")
    lifecycle = cat["lifecycle"].reindex(ranked["system"]).fillna("").to_dict() if len(cat) else {}
    rules = thresholds(settings)
    n_ranked = int(ranked["rankable"].sum())
    frame = ranked.copy()
    reasons = [fired_rules(row, lifecycle.get(row["system"], ""), n_ranked, rules) for _, row in frame.iterrows()]
    frame["recommendation"] = [r[0]["rule"] if r else WATCH for r in reasons]
    frame["reasons"] = reasons
    frame["lifecycle"] = [lifecycle.get(s, "") for s in frame["system"]]
    return frame
