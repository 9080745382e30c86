"""View model of the desk mirror (desk.html): response, resolution and respect against targets.

Every figure comes from the desk stage's ``DESK`` frame (the frame ``desk.csv`` writes) and the
callback list from its ``CALLBACKS`` frame; here they are only formatted and put in order.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from markupsafe import Markup

from ..desk import BY_KEY, MEASURES, DeskRun
from .deskcharts import weekly_line
from .models import Page

R_TEXT = {"response": ("Response", "Respond when the customer needs you."),
          "resolution": ("Resolution", "Resolve the issue — the first time, within the target."),
          "respect": ("Respect", "Do both respectfully: the service part of irritation and the customers' ratings."),
          "volume": ("Volume", "What arrived and what was resolved.")}
#: the group table's columns, in order
GROUP_COLUMNS = {"sla_met": "SLA met", "resolve_in_target": "in target", "reopen_rate": "reopened",
                 "resolve_hours_median": "median to resolve", "resolve_hours_p90": "90th percentile",
                 "fcr": "FCR", "response_in_target": "response in target", "service_irritation": "service irritation",
                 "csat": "satisfied", "backlog_open": "open", "backlog_old": "open > {days} d"}
#: groups whose weekly lines are drawn (the worst first)
WEEKLY_GROUPS = 10
#: measures drawn weekly for a group
GROUP_WEEKLY = ("sla_met", "reopen_rate", "resolve_hours_median")


def fmt(value: float, unit: str) -> str:
    """A figure as the page writes it.

    Examples
    --------
    >>> fmt(0.9312, "share"), fmt(22.61, "hours"), fmt(3.0, "count"), fmt(0.123, "score"), fmt(float("nan"), "share")
    ('93.1%', '22.6 h', '3', '0.12', '–')
    """
    if value is None or not math.isfinite(value):
        return "–"
    return {"share": f"{value:.1%}", "hours": f"{value:.1f} h", "count": f"{value:,.0f}",
            "score": f"{value:.2f}"}[unit]


def _axis(unit: str):  # noqa: ANN202 - a formatter
    return {"share": "{:.0%}".format, "hours": lambda v: f"{v:g} h", "count": "{:,.0f}".format,
            "score": "{:.2f}".format}[unit]


def target_text(target: float, at: str, unit: str) -> str:
    """ "≥ 95.0%" / "≤ 5.0%"; "" without a target.

    Examples
    --------
    >>> target_text(0.95, "least", "share"), target_text(24.0, "most", "hours"), target_text(float("nan"), "", "share")
    ('≥ 95.0%', '≤ 24.0 h', '')
    """
    if not math.isfinite(target):
        return ""
    return ("≥ " if at == "least" else "≤ ") + fmt(target, unit)


def callback_note(opts: Mapping[str, Any]) -> str:
    """How the callback list was drawn, in words."""
    return (f"{int(opts['size'])} tickets resolved in the window, drawn at random with seed {int(opts['seed'])} and "
            f"the --as-of date (the same input and night give the same list). Reopened, irritated and long-running "
            f"tickets (resolved after {float(opts['long_ratio']):g}× the priority's target) each get at least "
            f"{float(opts['stratum_share']):.0%} of the list where they have tickets; a ticket counts in the first of "
            "these that fits. The weight is the stratum's resolved tickets per ticket drawn: multiply an answer by it "
            "to speak for the whole window.")


def met_text(met: float) -> str:
    return "–" if not math.isfinite(met) else ("met" if met else "missed")


@dataclass
class Figure:
    """One measure of the window with its target, where the target comes from, and its weeks."""

    key: str
    label: str
    value: str
    tickets: int
    target: str
    met: str           # met | missed | –
    source: str
    chart: Markup
    note: str = ""     # why a figure is missing or what stands in for it


@dataclass
class RSection:
    key: str
    title: str
    intro: str
    figures: list[Figure]


@dataclass
class GroupRow:
    name: str
    anchor: str
    resolved: int
    opened: int
    cells: list[tuple[str, str]]   # (value, met|missed|–) per GROUP_COLUMNS
    met: str                       # "3 of 6"
    missed: int
    weekly: list[Markup] = field(default_factory=list)


@dataclass
class Callback:
    ticket_id: str
    system: str
    group: str
    priority: str
    resolved_on: str
    stratum: str
    why: str
    weight: str


@dataclass
class DeskPage:
    page: Page
    met: str                            # "4 of 8 targets met in the window"
    sections: list[RSection]
    priorities: list[tuple[str, int, str, str, str, str]]   # priority, resolved, median, p90, target, met
    priority_source: str
    backlog: list[tuple[str, str]]      # bucket, open tickets
    backlog_total: str
    columns: list[tuple[str, str]]      # header, target
    groups: list[GroupRow]
    small_groups: list[tuple[str, int]]
    min_group_tickets: int
    callbacks: list[Callback]
    callback_note: str
    strata: list[tuple[str, int, int, str]]   # stratum, resolved tickets, sampled, weight
    notes: list[str]                    # what the export lacks and what stands in for it
    window: str


def _notes(run: DeskRun) -> tuple[list[str], dict[str, str]]:
    a = run.available
    per: dict[str, str] = {}
    notes = []
    if not a["response"]:
        text = ("Not in this export: no first-response time (ServiceNow u_first_response or an event log's first "
                "work, Jira “Time to first response”, Zendesk reply_time), so response cannot be measured.")
        notes.append(text)
        per["response_in_target"] = per["response_hours_median"] = "unavailable: the export has no first-response time"
    if not a["sla"]:
        notes.append("No SLA field (made_sla) in this export: SLA met is computed as resolved within the priority's "
                     "target hours (signals.resolve_target_hours).")
        per["sla_met"] = "computed: resolved within the priority's target (no made_sla in the export)"
    if not a["csat"]:
        notes.append("No satisfaction ratings (CSAT) in this export.")
        per["csat"] = "unavailable: the export has no satisfaction ratings"
    if not a["service_irritation"]:
        notes.append("Service irritation stands in as the process part of irritation (reopens, reassignments, "
                     "repeat contacts, overrun, low CSAT, escalations), until the service_irritation column is provided.")
        per["service_irritation"] = "process irritation stands in for the service part"
    return notes, per


def desk_page(run: DeskRun, page: Page, window: str, settings: Mapping[str, Any]) -> DeskPage:
    """The view model of desk.html from one night's :class:`~trendminer.desk.DeskRun`."""
    desk = settings["desk"]
    min_group_tickets = int(desk["min_group_tickets"])
    opts = desk["callbacks"]
    m = run.measures
    desk_rows = m[(m["level"] == "desk") & m["week_start"].isna()].set_index("measure")
    weekly = m[(m["level"] == "desk") & m["week_start"].notna()]
    weeks = sorted(weekly["week_start"].unique())
    notes, per = _notes(run)
    sections = []
    for r in ("response", "resolution", "respect", "volume"):
        figures = []
        for meas in (x for x in MEASURES if x.r == r):
            row = desk_rows.loc[meas.key]
            series = weekly[weekly["measure"] == meas.key].set_index("week_start")["value"].reindex(weeks)
            has = series.notna().any()
            chart = weekly_line([pd.Timestamp(w) for w in weeks], series.tolist(), f"{meas.label}, per week",
                                fmt=_axis(meas.unit), share=meas.unit in ("share", "score"),
                                target=row["target"] if math.isfinite(row["target"]) else None) if has else Markup("")
            figures.append(Figure(meas.key, meas.label, fmt(row["value"], meas.unit), int(row["tickets"]),
                                  target_text(row["target"], row["at"], meas.unit), met_text(row["met"]),
                                  row["source"], chart, per.get(meas.key, "")))
        sections.append(RSection(r, *R_TEXT[r], figures))
    counted = desk_rows.drop(index=[] if run.available["sla"] else ["resolve_in_target"])   # a computed SLA once
    targets = counted[counted["met"].notna()]
    met = f"{int(targets['met'].sum())} of {len(targets)} targets met in the window"

    prio = m[m["level"] == "priority"]
    priorities = []
    for p, part in prio.groupby("priority", sort=True):
        med = part[part["measure"] == "resolve_hours_median"].iloc[0]
        p90 = part[part["measure"] == "resolve_hours_p90"].iloc[0]
        priorities.append((f"P{p}" if p else "unknown", int(med["tickets"]), fmt(med["value"], "hours"),
                           fmt(p90["value"], "hours"), target_text(p90["target"], "most", "hours"), met_text(p90["met"])))
    backlog = [(desk_rows.loc[k, "label"], fmt(desk_rows.loc[k, "value"], "count"))
               for k in desk_rows.index if str(k).startswith("backlog_age_")]

    keys = group_columns(run.available)
    groups, small = _groups(m, weeks, min_group_tickets, keys)
    days = desk["targets"]["backlog_old"]["days"]
    columns = [(GROUP_COLUMNS[k].format(days=days),
                target_text(desk_rows.loc[k, "target"], desk_rows.loc[k, "at"], BY_KEY[k].unit)) for k in keys]
    cb = run.callbacks
    calls = [Callback(str(r["ticket_id"]), r["system"], r["group"], "–" if pd.isna(r["priority"]) else f"P{r['priority']}",
                      r["resolved_on"], r["stratum"], r["why"], f"{r['weight']:.1f}") for _, r in cb.iterrows()]
    strata = [(s, int(part["weight"].iloc[0] * len(part)), len(part), f"{part['weight'].iloc[0]:.1f}")
              for s, part in cb.groupby("stratum", sort=False)]
    return DeskPage(page, met, sections, priorities,
                    str(desk_rows.loc["resolve_in_target", "source"]), backlog,
                    fmt(desk_rows.loc["backlog_open", "value"], "count"), columns, groups, small, min_group_tickets,
                    calls, callback_note(opts), strata, notes, window)


def group_columns(available: Mapping[str, bool]) -> list[str]:
    """The group table's measures: without data for the whole desk a column is left out (the figures
    above say why), and "in target" too when SLA met is computed from it (the same numbers).

    Examples
    --------
    >>> group_columns({"response": False, "sla": False, "csat": False, "service_irritation": True})[:3]
    ['sla_met', 'reopen_rate', 'resolve_hours_median']
    """
    drop = set()
    if not available["response"]:
        drop |= {"response_in_target"}
    if not available["csat"]:
        drop |= {"csat"}
    if not available["sla"]:
        drop |= {"resolve_in_target"}
    return [k for k in GROUP_COLUMNS if k not in drop]


def _groups(m: pd.DataFrame, weeks: list, min_tickets: int,
            keys: list[str]) -> tuple[list[GroupRow], list[tuple[str, int]]]:
    """Groups with enough resolved tickets, the worst first (most targets missed, then lowest SLA
    met, then highest reopen rate); the others by name with their resolved tickets."""
    g = m[(m["level"] == "group") & m["week_start"].isna()]
    every = [m.key for m in MEASURES]   # a night without tickets has no group rows at all
    wide = g.pivot(index="group", columns="measure", values="value").reindex(columns=every)
    met = g.pivot(index="group", columns="measure", values="met").reindex(columns=every)
    met = met.reindex(columns=keys)   # a computed SLA is not counted twice
    judged = met.notna().sum(axis=1)
    missed = (met == 0).sum(axis=1)
    order = pd.DataFrame({"missed": missed, "sla": wide["sla_met"].fillna(2), "reopen": wide["reopen_rate"].fillna(-1),
                          "resolved": wide["resolved"]})
    ranked = order[order["resolved"] >= min_tickets].sort_values(["missed", "sla", "reopen"],
                                                                 ascending=[False, True, False], kind="stable")
    small = [(name, int(order.loc[name, "resolved"])) for name in order.index if name not in ranked.index]
    wk = m[(m["level"] == "group") & m["week_start"].notna()]
    rows = []
    for i, name in enumerate(ranked.index):
        cells = [(fmt(wide.loc[name, k], BY_KEY[k].unit), met_text(met.loc[name, k])) for k in keys]
        charts = []
        if i < WEEKLY_GROUPS:
            mine = wk[wk["group"] == name]
            for k in GROUP_WEEKLY:
                s = mine[mine["measure"] == k].set_index("week_start")["value"].reindex(weeks)
                t = g[(g["group"] == name) & (g["measure"] == k)]["target"].iloc[0]
                charts.append(weekly_line([pd.Timestamp(w) for w in weeks], s.tolist(), f"{name}: {BY_KEY[k].label}, per week",
                                          fmt=_axis(BY_KEY[k].unit), share=BY_KEY[k].unit in ("share", "score"),
                                          target=t if math.isfinite(t) else None, width=260, height=120))
        rows.append(GroupRow(name, f"group-{i + 1}", int(wide.loc[name, "resolved"]), int(wide.loc[name, "opened"]),
                             cells, f"{int(judged[name] - missed[name])} of {int(judged[name])}", int(missed[name]),
                             charts))
    return rows, small
