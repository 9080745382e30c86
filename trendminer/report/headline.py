"""The digest's headline: what the night found, most important first, as structured findings.

:func:`findings` returns plain dicts (a ``finding`` kind, its numbers, its date and the anchor
of its evidence); :func:`trendminer.report.phrases.finding_text` says each in one sentence.
Order: outages and spikes, step changes after a change, new topics, sustained rises, data
problems, fading problems; at most ``limit``. A quiet night has one ``quiet`` finding.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from ..window import Window
from .models import RunData, slug

Finding = dict[str, Any]


def _daily(opened: pd.Series, window: Window) -> pd.Series:
    """Tickets per day of the recent period (every day present, oldest first)."""
    days = pd.date_range(window.recent_start, window.as_of, freq="D")
    inside = opened[window.contains(opened, "recent")]
    return inside.dt.normalize().value_counts().reindex(days, fill_value=0)


def _spike(row: pd.Series, opened: pd.Series, window: Window, main_topic: str) -> Finding:
    daily = _daily(opened, window)
    peak_day = daily.idxmax() if len(daily) and daily.max() > 0 else window.as_of
    last = int(daily.iloc[-1]) if len(daily) else 0
    since = pd.Timestamp(row["since"]) if row["since"] else window.recent_start
    return {"finding": "spike", "entity_type": row["entity_type"], "entity": row["entity"], "name": row["label"],
            "anchor": row["anchor"], "since": since, "tickets": int(opened[opened >= since].count()),
            "recent": int(row["recent"]), "expected": float(row["expected"]), "ratio": float(row["ratio"]),
            "peak": int(daily.max()) if len(daily) else 0, "peak_day": peak_day, "last": last,
            "as_of": window.as_of, "easing": bool(peak_day < window.as_of and last <= daily.max() / 2),
            "topic": main_topic}


def findings(data: RunData, window: Window, limit: int = 6,
             anchor: Callable[[str], str] = lambda name: "system-" + slug(name)) -> list[Finding]:
    """The night's headline findings, most important first.

    Parameters
    ----------
    data : RunData
    window : Window
    limit : int
        At most this many findings (the quiet finding when there are none).

    Returns
    -------
    list of dict
        Each has ``finding`` (``spike``, ``step``, ``new_topic``, ``rising``, ``rejected``,
        ``fading`` or ``quiet``), ``anchor`` (a page#anchor link) and its numbers.
    """
    trends = data.trends.copy()
    trends["anchor"] = ["digest.html#topic-" + e if k == "topic" else "systems.html#" + anchor(e)
                        for k, e in zip(trends["entity_type"], trends["entity"])]
    opened = data.tickets.set_index("ticket_id")["opened_at"]
    system_of = data.attribution.set_index("ticket_id")["system"]
    topic_of = data.assignments.set_index("ticket_id")["topic_id"]
    info = data.info.set_index("topic_id", drop=False)
    out: list[Finding] = []

    flagged = trends[trends["flag"].isin(["spiking", "new"])]
    spiking_systems = set(flagged.loc[flagged["entity_type"] == "system", "entity"])
    for _, row in flagged.sort_values(["entity_type", "recent"], ascending=[True, False]).iterrows():
        if row["entity_type"] == "system":
            ids = system_of.index[system_of == row["entity"]]
            recent = topic_of.reindex(ids[window.contains(opened.reindex(ids), "recent")])
            top = recent[recent >= 0].value_counts()
            main = str(info.loc[int(top.index[0]), "label"]) if len(top) else ""
            out.append(_spike(row, opened.reindex(ids), window, main))
        elif int(row["entity"]) in info.index and info.loc[int(row["entity"]), "top_system"] not in spiking_systems:
            # a topic of a spiking system is named in that system's sentence instead
            ids = topic_of.index[topic_of == int(row["entity"])]
            out.append(_spike(row, opened.reindex(ids), window, ""))

    for _, row in data.scores.iterrows():
        for reason in row["reasons"]:
            if reason["rule"] == "regression":
                out.append({"finding": "step", "entity_type": "system", "entity": row["system"], "name": row["system"], "anchor": "systems.html#" + anchor(row["system"]),
                            "week": pd.Timestamp(reason["week"]), "before": reason["before"], "after": reason["after"],
                            "weeks": reason["weeks"], "elevated": reason["elevated"]})

    topics = trends[trends["entity_type"] == "topic"].set_index("entity")
    shown = {f["anchor"] for f in out}
    for _, row in topics[topics["lifecycle"] == "New"].sort_values("recent", ascending=False).iterrows():
        if row["anchor"] not in shown and int(row["recent"]) >= 3:
            out.append({"finding": "new_topic", "name": row["label"], "anchor": row["anchor"],
                        "recent": int(row["recent"])})
    part_of_spike = {str(t) for t, system in zip(data.info["topic_id"], data.info["top_system"])
                     if system in spiking_systems}
    for _, row in trends[trends["flag"] == "rising"].sort_values("ratio", ascending=False).iterrows():
        if row["anchor"] not in shown and not (row["entity_type"] == "topic" and row["entity"] in part_of_spike):
            out.append({"finding": "rising", "entity_type": row["entity_type"], "name": row["label"],
                        "anchor": row["anchor"], "recent": int(row["recent"]), "expected": float(row["expected"])})
    acc = data.accounting
    if acc.rejected:
        reason, n = acc.reasons.most_common(1)[0]
        out.append({"finding": "rejected", "anchor": "digest.html#data-quality", "rejected": acc.rejected,
                    "rows": acc.rows, "reason": reason, "n_reason": n})
    for _, row in trends[trends["flag"] == "fading"].sort_values("expected", ascending=False).iterrows():
        out.append({"finding": "fading", "entity_type": row["entity_type"], "name": row["label"],
                    "anchor": row["anchor"], "recent": int(row["recent"]), "expected": float(row["expected"])})
    return out[:limit] or [{"finding": "quiet", "anchor": "digest.html#flags", "tickets": len(data.tickets)}]
