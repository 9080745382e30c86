"""What changed since the previous night, as structured facts (phrased by the report layer).

A pure function over this night's frames and the previous night's snapshots; the caller
(:mod:`trendminer.pipeline`) reads the snapshots from the state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .schema import SystemScores, TopicInfo, Trends


@dataclass(frozen=True)
class PreviousNight:
    """The snapshots of the run before this one (``store.State.snapshot``)."""

    as_of: pd.Timestamp
    topics: pd.DataFrame
    systems: pd.DataFrame
    trends: pd.DataFrame


def night_changes(previous: PreviousNight | None, *, info: TopicInfo, scores: SystemScores,
                  trends: Trends) -> list[dict[str, Any]]:
    """Changes of topic labels, the top ten ranks, recommendations and trend flags.

    Returns
    -------
    list of dict
        Each with a ``change`` key (``compared``, ``new_labels``, ``gone_labels``, ``rank``,
        ``recommendation``, ``first_ranked``, ``status``) and its values; empty on a first night.

    Examples
    --------
    >>> empty = pd.DataFrame({"label": []})
    >>> night_changes(None, info=empty, scores=pd.DataFrame(), trends=pd.DataFrame())
    []
    """
    if previous is None:
        return []
    out: list[dict[str, Any]] = [{"change": "compared", "previous": str(previous.as_of.date())}]
    new_labels = sorted(set(info["label"]) - set(previous.topics["label"]))
    gone = sorted(set(previous.topics["label"]) - set(info["label"]))
    if new_labels:
        out.append({"change": "new_labels", "labels": new_labels})
    if gone:
        out.append({"change": "gone_labels", "labels": gone})
    old_sys = previous.systems.set_index("system")
    for _, row in scores[scores["rankable"]].head(10).iterrows():
        system, rank = row["system"], int(row["rank"])
        if system in old_sys.index:
            before = old_sys.loc[system]
            if int(before["rank"]) != rank:
                out.append({"change": "rank", "system": system, "before": int(before["rank"]), "after": rank})
            if before["recommendation"] != row["recommendation"]:
                out.append({"change": "recommendation", "system": system, "before": before["recommendation"],
                            "after": row["recommendation"]})
        else:
            out.append({"change": "first_ranked", "system": system, "rank": rank})
    old = previous.trends
    old_status = dict(zip(old["entity_type"] + ":" + old["entity"],
                          old["status"] if "status" in old else [None] * len(old)))
    for _, row in trends[~trends["status"].isin(["steady", "recurring"])].iterrows():
        before = old_status.get(f"{row['entity_type']}:{row['entity']}")
        if before is not None and isinstance(before, str) and before != row["status"]:
            out.append({"change": "status", "entity_type": row["entity_type"], "entity": row["entity"],
                        "label": row["label"], "status": row["status"], "before": before})
    return out
