"""Findings: the night's flags grouped into real-world events, and one status per topic and system.

The front door for :mod:`trendminer.pipeline`:

1. :func:`night_statuses` finds the outages (busy days joined across their systems and topics),
   judges whether each has ended, and gives every topic and system its one status
   (:mod:`.status`), with the tickets of ended outages left out of the trend;
2. :func:`night_findings` adds failure steps, sustained rises, new problems, knowledge gaps and
   data problems, counts each event once on one stated basis (:mod:`.assemble`), keeps each
   finding's id from the night before, and picks the headline by impact;
3. :func:`morning_facts` (:mod:`.morning`) says what is still open.

Pure functions over the night's frames; the report layer reads their results and computes none.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..config import Settings
from ..ingest import Accounting
from ..schema import FINDINGS, STATUS, validate
from ..window import Window
from .assemble import Counter, carry_ids, choose_headline, empty_findings
from .daily import entity_links
from .events import Event, absorb, members, new_events, rise_events, spike_events, step_events
from .morning import MorningFacts, morning_facts
from .status import STATUSES, status_of, statuses

__all__ = ["snapshot", "NightStatus", "night_statuses", "night_findings", "morning_facts", "MorningFacts", "STATUSES",
           "status_of", "with_statuses"]


@dataclass
class NightStatus:
    """The statuses of one night and what the findings need to go on."""

    status: pd.DataFrame       # STATUS
    spikes: list[Event]
    steps: list[Event]
    counter: Counter
    links: pd.DataFrame


def night_statuses(tickets: pd.DataFrame, *, attribution: pd.DataFrame, assignments: pd.DataFrame,
                   info: pd.DataFrame, signals: pd.DataFrame, scores: pd.DataFrame, catalogue: pd.DataFrame,
                   window: Window, settings: Settings) -> NightStatus:
    """Outages of the recent week, failure steps, and the one status of every topic and system.

    A system with an ongoing failure step, and its topics that began with the step, are
    ``rising`` (against the level before the step) unless their own trend says more: a week or
    four at the new level is not "steady" to an architect.

    Returns
    -------
    NightStatus
        ``status`` follows ``STATUS``.
    """
    links = entity_links(attribution, assignments)
    opened = tickets.set_index("ticket_id")["opened_at"]
    counter = Counter(tickets, links, signals.set_index("ticket_id")["kind"], window, settings, catalogue)
    spikes = spike_events(opened, links, info, window, settings)
    absorb(spikes, opened, links, info, window, float(settings["findings"]["ended_share"]))
    ended: set[str] = set()
    systems = links[links["entity_type"] == "system"]
    system_day = opened.reindex(systems["ticket_id"]).dt.normalize().to_numpy()
    for event in spikes:
        row = counter.count(event)
        if row["status"] == "ended":   # its tickets, and every ticket of its systems on its busy days
            ended |= set(row["evidence_ids"])
            busy = systems["entity"].isin(event.systems).to_numpy() & pd.Series(system_day).isin(event.busy_days).to_numpy()
            ended |= set(systems.loc[busy, "ticket_id"])
    table = statuses(opened, links, window, settings, frozenset(ended))
    steps = step_events(scores, info, opened, links, window, settings)
    for event in steps:
        if counter.count(event)["status"] != "ongoing":
            continue
        keys = {("system", s) for s in event.systems} | {("topic", t) for t in event.topics}
        hit = (pd.Series([(t, e) in keys for t, e in zip(table["entity_type"], table["entity"])], index=table.index)
               & table["status"].isin(["steady", "recurring"]))
        table.loc[hit, "status"] = "rising"
        table.loc[hit, "basis"] = f"since the failure step in the week of {event.start:%d %b %Y}"
    return NightStatus(validate(table, STATUS, "statuses"), spikes, steps, counter, links)


def with_statuses(night: NightStatus, info: pd.DataFrame, scores: pd.DataFrame,
                  trends: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Copies of the topics, the system scores and the trends with the one ``status`` of each row."""
    table = night.status
    lookup = dict(zip(zip(table["entity_type"], table["entity"]), table["status"]))
    trend_status = [lookup.get((t, str(e)), "dormant") for t, e in zip(trends["entity_type"], trends["entity"])]
    return (info.assign(status=status_of(table, "topic", info["topic_id"])),
            scores.assign(status=status_of(table, "system", scores["system"])),
            trends.assign(status=trend_status))


def night_findings(night: NightStatus, *, info: pd.DataFrame, scores: pd.DataFrame, knowledge: pd.DataFrame | None,
                   accounting: Accounting, window: Window, settings: Settings,
                   previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every finding of the night, one row per real-world event (``FINDINGS``), headline marked.

    Parameters
    ----------
    night : NightStatus
        From :func:`night_statuses`.
    info, scores
        Topics and system scores of the night (steps come from the scores' failure steps).
    knowledge : DataFrame or None
        The knowledge stage's frame: gaps that are new tonight or whose topic is rising.
    accounting : Accounting
        Tonight's input rows: rejected rows make a data finding.
    previous : DataFrame, optional
        The previous night's findings snapshot: an event keeps its id.
    """
    counter = night.counter
    steps = night.steps
    covered = members(night.spikes + steps)
    rises = rise_events(night.status, info, covered, window)
    covered |= members(rises)
    news = new_events(night.status, covered)
    rows_out = [counter.count(e) for e in night.spikes + steps + rises + news]
    labels = dict(zip(info["topic_id"].astype(int), info["label"])) if len(info) else {}
    changes = {row["system"]: "; ".join(f"{c['id']} {c['title']} ({c['start']})" for x in row["reasons"]
                                        if x.get("rule") == "regression" for c in x.get("changes", []))
               for _, row in scores.iterrows()} if "reasons" in scores else {}
    for r in rows_out:
        r["new_gap"] = False
        r["changes"] = "; ".join(changes[s] for s in r["systems"] if changes.get(s)) if r["kind"] == "step" else ""
        r["title"] = ", ".join(r["systems"]) or "; ".join(labels.get(t, f"topic {t}") for t in r["topic_ids"])
    if knowledge is not None and len(knowledge):
        topic_status = dict(zip(night.status.loc[night.status["entity_type"] == "topic", "entity"],
                                night.status.loc[night.status["entity_type"] == "topic", "status"]))
        gaps = knowledge[(knowledge["status"] == "gap") & ~knowledge["automation"].astype(bool)]
        for _, g in gaps.iterrows():
            if ("topic", str(int(g["topic_id"]))) in covered:
                continue   # told by the event that covers the topic
            if g["new_gap"] or topic_status.get(str(int(g["topic_id"]))) in ("rising", "new"):
                event = Event("knowledge_gap", [], [str(int(g["topic_id"]))], window.analysis_start,
                              basis="tickets in the analysis window")
                r = counter.count(event)
                r.update(kind="knowledge_gap", status="ongoing", new_gap=bool(g["new_gap"]), title=str(g["label"]),
                         expected=float("nan"), ratio=float("nan"), extra=float(r["tickets"]),
                         impact=round(0.5 * float(r["impact"]), 1))
                rows_out.append(r)
    rejected, rows = accounting.rejected, accounting.rows
    if rejected:
        top_reason = accounting.reasons.most_common(1)[0][0]
        rows_out.append({"kind": "data", "status": "ongoing", "systems": [], "topic_ids": [],
                         "title": f"{rejected} of {rows} input rows rejected (most: {top_reason})",
                         "start": window.as_of, "peak_day": window.as_of, "peak_tickets": rejected, "end": pd.NaT,
                         "note": "see the digest's data-quality section", "tickets": rejected,
                         "basis": "rows of tonight's input", "basis_from": window.as_of, "basis_to": window.as_of,
                         "expected": 0.0, "ratio": float("nan"), "extra": float(rejected), "open_tickets": 0,
                         "callers": 0, "p1_p2": 0, "priority_mix": "", "last_ticket": pd.NaT,
                         "impact": round(float(rejected) ** 0.5, 1), "new_gap": False, "evidence_ids": [],
                         "changes": ""})
    if not rows_out:
        return validate(empty_findings(), FINDINGS, "findings")
    frame = pd.DataFrame(rows_out)
    frame["end"] = pd.to_datetime(frame["end"])
    frame["finding_id"] = carry_ids(frame, previous)
    frame = choose_headline(frame, counter, settings)
    order = {"spike": 0, "step": 1, "rise": 2, "new": 3, "knowledge_gap": 4, "data": 5}
    frame = frame.assign(_h=frame["headline"].replace(0, 99), _k=frame["kind"].map(order)).sort_values(
        ["_h", "impact", "_k", "finding_id"], ascending=[True, False, True, True]).drop(columns=["_h", "_k"])
    return validate(frame[list(FINDINGS)].reset_index(drop=True), FINDINGS, "findings")


def snapshot(findings: pd.DataFrame) -> pd.DataFrame:
    """The columns of a night's findings the state keeps (lists joined by ``|``), so the next
    night can give an event the same id."""
    return pd.DataFrame({"finding_id": findings["finding_id"].astype(str), "kind": findings["kind"].astype(str),
                         "systems": ["|".join(map(str, x)) for x in findings["systems"]],
                         "topic_ids": ["|".join(map(str, x)) for x in findings["topic_ids"]],
                         "start": pd.to_datetime(findings["start"]).dt.date, "status": findings["status"].astype(str),
                         "tickets": findings["tickets"].astype(int)})
