"""The knowledge stage: one row per how-to / request topic with coverage, trend, savings and outline."""
from __future__ import annotations

from collections.abc import Mapping
import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import KNOWLEDGE, validate
from . import candidates, coverage

Knowledge = pd.DataFrame


@dataclass(frozen=True)
class Periods:
    """The time spans the stage counts in (all ``[start, end)``, from the run's Window).

    ``window_start``: tickets per month are counted from here to ``end``; ``lookback_start``
    .. ``recent_start`` is the earlier rate a rise is measured against; ``week_start`` is
    where "new this week" begins.
    """

    lookback_start: pd.Timestamp
    window_start: pd.Timestamp
    recent_start: pd.Timestamp
    week_start: pd.Timestamp
    end: pd.Timestamp

    @property
    def window_days(self) -> int:
        return max((self.end - self.window_start).days, 1)


def knowledge(tickets: pd.DataFrame, vectors: np.ndarray, assignments: pd.DataFrame, info: pd.DataFrame,
              kinds: pd.DataFrame, attribution: pd.DataFrame, articles: pd.DataFrame,
              article_vectors: np.ndarray, *, periods: Periods, opts: Mapping, threshold: float,
              cost_per_ticket: float, steps: Mapping[str, str] | None = None,
              first_seen: Mapping[int, pd.Timestamp] | None = None,
              previous: Mapping[int, str] | None = None, has_kb: bool = True,
              topic_status: Mapping[int, str] | None = None, margin: float = float("inf")) -> Knowledge:
    """Coverage and candidates for every topic of questions and requests.

    Parameters
    ----------
    tickets, vectors : Tickets and their unit vectors (same row order)
    assignments, info : topics of the tickets
    kinds : frame with ``ticket_id``, ``kind`` (the signals)
    attribution : frame with ``ticket_id``, ``system``
    articles, article_vectors : the ``Articles`` frame and its vectors (may be empty)
    periods : Periods
    opts : the ``[knowledge]`` settings
    threshold : float
        Match threshold of this run's embedder.
    cost_per_ticket : float
        Handling cost of one ticket (``score.cost``); savings count ``opts["deflection"]`` of the
        tickets as prevented (an assumption the page states).
    steps : mapping, optional
        System -> week of its release step (``SystemScores.step_week``).
    first_seen : mapping, optional
        Topic -> first day seen (registry).
    previous : mapping, optional
        Topic -> status in the previous run (for "new gaps this week").
    has_kb : bool
        False when the run has no knowledge-base export: no status, no matches.
    margin : float
        The backend's subject margin (:func:`trendminer.knowledge.subject_margin`); an article
        covers a topic only within this of its best topic. ``inf``: no subject check.
    topic_status : mapping, optional
        Topic -> its one status (:mod:`trendminer.findings`): a topic is rising when its status
        is ``rising`` or ``new``, so this page and every other agree; without it, the rate test.

    Returns
    -------
    Knowledge
        Columns of :data:`trendminer.schema.KNOWLEDGE`, ranked by ``savings_per_month``.
    """
    per_topic = coverage.topic_kinds(assignments, kinds)
    topic_ids = coverage.asking_topics(per_topic, float(opts["min_asking_share"]))
    label_of = assignments.set_index("ticket_id")["topic_id"]
    labels = label_of.reindex(tickets["ticket_id"]).fillna(-1).astype(int).to_numpy()
    usable = articles["published"].to_numpy(dtype=bool) if len(articles) else np.zeros(0, dtype=bool)
    scores = coverage.match_scores(coverage.centroids(vectors, labels, topic_ids),
                                   article_vectors if len(articles) else np.zeros((0, vectors.shape[1])))
    if has_kb:
        usable = usable[None, :] & coverage.on_subject(scores, margin)
        hits = coverage.matched(scores, threshold, usable)
    else:
        hits = [[] for _ in topic_ids]
    best = coverage.best_by_topic(scores, hits, articles)
    system_of = attribution.set_index("ticket_id")["system"]
    info_by = info.set_index("topic_id")
    rows = []
    for i, topic in enumerate(topic_ids):
        members = tickets[labels == topic]
        opened = members["opened_at"]
        in_window = members[(opened >= periods.window_start) & (opened < periods.end)]
        per_month = len(in_window) / periods.window_days * coverage.DAYS_PER_MONTH
        up = coverage.rise(opened, periods.lookback_start, periods.recent_start, periods.end,
                           ratio=float(opts["rise_ratio"]), p=float(opts["rise_p"]), min_count=int(opts["rise_min_count"]))
        if topic_status is not None:
            up = dataclasses.replace(up, rising=topic_status.get(int(topic)) in ("rising", "new"))
        meta = info_by.loc[topic]
        kind = str(per_topic.loc[topic, "kind"])
        state = coverage.status(has_kb, len(hits[i]), up.rising)
        top_system = str(meta["top_system"])
        code, text = "", ""
        if state == "covered_rising":
            updated = best[i]["article_updated"]
            since = int((opened >= updated).sum()) if pd.notna(updated) else len(members)
            code, text = coverage.evidence(updated, (steps or {}).get(top_system, ""), best[i]["article_views"], since)
        callers = int(in_window["caller_key"].replace("", np.nan).nunique())
        hours = (in_window["resolved_at"] - in_window["opened_at"]).dt.total_seconds().dropna() / 3600
        seen = (first_seen or {}).get(topic)
        new_gap = state == "gap" and kind != "request" and ((previous is not None and previous.get(topic) != "gap")
                                      or (seen is not None and pd.Timestamp(seen) >= periods.week_start))
        draft = candidates.outline(members, system_of.reindex(members["ticket_id"]).fillna(""),
                                   list(meta["keyphrases"]), min_step_share=float(opts["min_step_share"]))
        rows.append({
            "topic_id": int(topic), "label": str(meta["label"]), "kind": kind, "top_system": top_system,
            "tickets": len(in_window), "per_month": per_month, "before": up.before, "recent": up.recent,
            "per_month_before": up.per_month_before, "per_month_recent": up.per_month_recent,
            "trend_ratio": up.ratio, "rising": up.rising, "status": state, **best[i],
            "evidence": code, "evidence_text": text, "callers": callers,
            "resolve_hours": float(hours.median()) if len(hours) else float("nan"),
            "savings_per_month": candidates.savings(per_month, cost_per_ticket, float(opts["deflection"])),
            "automation": candidates.is_automation(kind, per_month, callers,
                                                   min_per_month=float(opts["automation_min_per_month"]),
                                                   min_callers=int(opts["automation_min_callers"])),
            "new_gap": bool(new_gap), **draft})
    frame = pd.DataFrame(rows, columns=[c for c in KNOWLEDGE if c != "rank"])
    frame = frame[frame["tickets"] >= int(opts["min_tickets"])]
    frame = frame.sort_values(["savings_per_month", "topic_id"], ascending=[False, True], kind="stable")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return validate(frame.reset_index(drop=True), KNOWLEDGE, "knowledge")


def prevented_share(frame: Knowledge, window_tickets: int) -> float:
    """Share of the window's tickets that the listed candidates (gaps, rising, automation) account for.

    Examples
    --------
    >>> f = pd.DataFrame({"status": ["gap", "covered", ""], "automation": [False, True, False],
    ...                   "kind": ["howto", "request", "howto"],
    ...                   "rising": [False, False, False], "tickets": [30, 20, 50]})
    >>> prevented_share(f, 200)   # without an export every topic is a candidate
    0.5
    """
    if not window_tickets:
        return 0.0
    return float(frame.loc[listed(frame), "tickets"].sum()) / window_tickets


def listed(frame: Knowledge) -> pd.Series:
    """The candidates a page lists: missing articles, covered topics still rising, and every request
    (a catalogue item, a form or an automation answers a request, not an article); without an
    export, every topic."""
    return (frame["status"].isin(["gap", "covered_rising"]) | frame["kind"].eq("request")
            | frame["automation"].astype(bool) | frame["status"].eq(""))
