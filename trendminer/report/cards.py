"""The systems report: one scorecard per system, the ranking, the owner teams' sections.

Every count on a card is the system's tickets in the analysis window; its top problems are
topics of those tickets that the system dominates (a topic mostly about another system is
that system's problem, not this one's).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..score import PARTS
from . import charts, timecharts
from .models import OwnerSection, OwnerSystem, SystemCard, SystemsReport, slug
from .phrases import LABELS, action_text, reason_text, would_change

if TYPE_CHECKING:
    from .views import Builder

#: unranked systems (too few tickets) with a full scorecard, most tickets first; then one line each
UNRANKED_CARDS, UNRANKED_LINES = 100, 1000
#: a topic is one of a system's problems when at least this share of its window tickets are the system's
OWN_TOPIC_SHARE = 0.5


def _fmt(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{digits}f}"


def share_text(row: pd.Series) -> str:
    """A system's irritated share with its 95% Wilson interval, in words' shape.

    Examples
    --------
    >>> share_text(pd.Series({"tickets": 100, "irritated_share": 0.32, "irritated_share_low": 0.2367,
    ...                       "irritated_share_high": 0.4166}))
    '32% (24–42%)'
    >>> share_text(pd.Series({"tickets": 0, "irritated_share": 0.0, "irritated_share_low": 0.0,
    ...                       "irritated_share_high": 1.0}))
    '–'
    """
    if not row["tickets"]:
        return "–"
    return (f"{row['irritated_share']:.0%} ({100 * row['irritated_share_low']:.0f}–"
            f"{row['irritated_share_high']:.0%})")


def _hours(h: float) -> str:
    if not np.isfinite(h):
        return "–"
    return f"{h:.1f} hours" if h < 48 else f"{h / 24:.1f} days"


def own_topics(b: Builder, name: str, mine: pd.DataFrame, n: int = 5) -> list[int]:
    """The system's biggest topics among its window tickets: those it dominates (its label's system)
    or holds at least :data:`OWN_TOPIC_SHARE` of; a topic mostly about other systems is theirs."""
    counts = mine.loc[mine["topic_id"] >= 0, "topic_id"].value_counts()
    everyone = b.in_window
    keep = [int(k) for k, c in counts.items()
            if c >= OWN_TOPIC_SHARE * everyone.get(k, c)
            or b.info_by_id.loc[int(k), "top_system"] == name]
    return keep[:n]


def aim_facts(mine: pd.DataFrame) -> list[tuple[str, str]]:
    """The scorecard row that splits the system's irritation by aim (trendminer.aim), when known.

    Examples
    --------
    >>> aim_facts(pd.DataFrame({"service_irritation": [0.2, 0.4], "system_irritation": [0.5, 0.1]}))
    [('Irritation aimed at the desk / at the system', '0.30 / 0.30 (mean of its 2 tickets; the ranking counts the system part)')]
    """
    if not len(mine) or "service_irritation" not in mine.columns:
        return []
    return [("Irritation aimed at the desk / at the system",
             f"{mine['service_irritation'].mean():.2f} / {mine['system_irritation'].mean():.2f} "
             f"(mean of its {len(mine)} tickets; the ranking counts the system part)")]


def facts(row: pd.Series, currency: str) -> list[tuple[str, str]]:
    """The evidence rows of a scorecard: rates with intervals, process figures, the previous window."""
    lo, hi = row.get("failures_per_100_users_lower", np.nan), row.get("failures_per_100_users_upper", np.nan)
    per_100 = (f"{_fmt(row['failures_per_100_users'])} (95% interval {_fmt(lo)}–{_fmt(hi)})"
               if np.isfinite(row["failures_per_100_users"]) else "– (no user count in the catalogue)")
    out = [("Failures per 100 users", per_100)]
    if np.isfinite(row.get("median_resolve_hours", np.nan)):
        out.append(("Median time to resolve", _hours(row["median_resolve_hours"])))
    if np.isfinite(row.get("reopen_rate", np.nan)):
        out.append(("Reopened", f"{row['reopen_rate']:.0%} of its tickets"))
    if np.isfinite(row.get("urgent_share", np.nan)):
        out.append(("Priority 1–2", f"{row['urgent_share']:.0%} of its tickets"))
    for reason in row.get("reasons", []):
        if reason["rule"] == "regression" and reason["before"] > 0:
            out.append(("Failures against before the step", f"{reason['after'] / reason['before']:.1f}× "
                        f"({reason['after']:.1f} vs {reason['before']:.1f} a week) — the 7-day trend compares with the "
                        "weeks since the step, not with before it"))
    if "previous_tickets" in row:
        out.append(("This window vs the one before", f"{int(row['tickets'])} vs {int(row['previous_tickets'])} tickets, "
                                                     f"{int(row['failures'])} vs {int(row['previous_failures'])} failures"))
    return out


def card(b: Builder, row: pd.Series) -> SystemCard:
    name = row["system"]
    mine = b.tickets_of(name)
    n_ev = int(b.settings["report"]["evidence_tickets"])
    first = ["system_irritation"] if "system_irritation" in mine.columns else []   # irritation aimed at it first
    evidence = mine.sort_values([*first, "text_irritation", "irritation", "opened_at", "ticket_id"],
                                ascending=[*(False for _ in first), False, False, False, True]).head(n_ev)
    topics = [b.topic_row(b.info_by_id.loc[k], mine) for k in own_topics(b, name, mine)]
    parts = [(p.replace("_", " "), float(row[f"part_{p}"])) for p in PARTS]
    owner = b.owner_of.get(name, "")
    cur = b.settings["score"]["cost"]["currency"]
    reasons = list(row["reasons"])
    words = [reason_text(r) for r in reasons]
    return SystemCard(
        int(row["rank"]), name, b.anchor(name), bool(row["rankable"]), row["lifecycle"], owner,
        int(row["tickets"]), int(row["failures"]), int(row["howto"]), int(row["requests"]),
        _fmt(row["failures_per_100_users"]), share_text(row), int(row["recent"]),
        _fmt(row["expected"], 1), _fmt(row["trend_ratio"], 1), f"{row['cost']:,.0f}", cur,
        _fmt(row["trouble_score"]), LABELS.get(row["recommendation"], row["recommendation"]), words,
        [(n, _fmt(v)) for n, v in parts], charts.stacked_parts(parts, f"Trouble score of {name}"),
        timecharts.weekly_sparkline(*b.weekly(b.t_all["system"] == name)[::-1], f"Weekly tickets of {name}"),
        topics, [b.ticket(r) for _, r in evidence.iterrows()],
        action_text(row["recommendation"], reasons), words[0] if words else "", words[1:],
        facts(row, cur) + aim_facts(mine), b.drill(mine), b.system_status.get(name, "steady"),
        would_change(reasons[0]) if reasons else "",
        [(k, str(row.get(c, "") or "")) for k, c in (("Criticality", "criticality"), ("Vendor", "vendor"),
                                                     ("Owner", "owner_team")) if str(row.get(c, "") or "")])


def owners(b: Builder) -> tuple[list[OwnerSection], str]:
    """Per owner team, its systems in rank order; teams whose systems rank highest first.

    Returns
    -------
    list of OwnerSection, str
        The sections, and a line naming the systems with tickets but no owner team
        (``""`` when every such system has one).
    """
    teams: dict[str, list[tuple[int, OwnerSystem]]] = {}
    unowned: list[str] = []
    for _, row in b.d.scores.iterrows():
        if not b.owner_of.get(row["system"], ""):   # no card needed to say so
            if int(row["tickets"]):
                unowned.append(row["system"])
            continue
        c = b.card(row)
        line = OwnerSystem(c.name, c.anchor, f"#{c.rank}" if c.rankable else "too few to rank",
                           c.tickets, c.failures, c.irritation, c.recommendation,
                           c.action, c.topics[0].label if c.topics else "–")
        teams.setdefault(c.owner, []).append((c.rank, line))
    order = sorted(teams, key=lambda team: (min(rank for rank, _ in teams[team]), team))
    sections, anchors = [], set()
    for team in order:
        anchor = base = f"owner-{slug(team)}"
        n = 2
        while anchor in anchors:
            anchor, n = f"{base}-{n}", n + 1
        anchors.add(anchor)
        lines = [line for _, line in sorted(teams[team], key=lambda x: x[0])]
        sections.append(OwnerSection(team, anchor, sum(x.tickets for x in lines),
                                     sum(x.failures for x in lines), lines))
    shown = ", ".join(unowned[:10]) + (f" and {len(unowned) - 10} more" if len(unowned) > 10 else "")
    note = (f"{len(unowned)} system{'s' if len(unowned) != 1 else ''} with tickets name"
            f"{'' if len(unowned) != 1 else 's'} no owner team in the catalogue: {shown}." if unowned else "")
    return sections, note


def systems_report(b: Builder) -> SystemsReport:
    scores = b.d.scores
    ranked = scores[scores["rankable"]]
    cards_ = [b.card(r) for _, r in ranked.iterrows()]
    works = [b.card(r) for _, r in scores[scores["recommendation"] == "keep"].iterrows()]
    rest = scores[~scores["rankable"]].sort_values(["tickets", "system"], ascending=[False, True], kind="stable")
    unranked = [b.card(r) for _, r in rest.head(UNRANKED_CARDS).iterrows()]
    listed = [(r["system"], b.anchor(r["system"]), int(r["tickets"]))
              for _, r in rest.iloc[UNRANKED_CARDS:UNRANKED_CARDS + UNRANKED_LINES].iterrows()]
    more = max(len(rest) - UNRANKED_CARDS - UNRANKED_LINES, 0)
    top = ranked.sort_values("failures", ascending=False)
    pareto = charts.bars(top["system"].tolist(), top["failures"].astype(float).tolist(),
                         "Failure tickets per system, with cumulative share", cumulative=True)
    unattributed = int((b.t["system"] == b.settings["systems"]["unattributed"]).sum())
    owner_sections, unowned = owners(b)
    t = b.t_all
    week_starts = b.weekly(t["system"] == "")[0]
    steps = {r["system"]: (pd.Timestamp(r["step_week"]).date(), "change") for _, r in ranked.iterrows()
             if any(x["rule"] == "regression" for x in r["reasons"])}
    weekly = timecharts.weekly_multiples(
        {s: b.weekly((t["system"] == s) & t["kind"].eq("failure"))[1] for s in ranked["system"].head(12)},
        week_starts, "Failures per week of the ranked systems", marks=steps, unit="failures per week") \
        if len(ranked) else Markup("")
    cost = b.settings["score"]["cost"]
    return SystemsReport(b.page("Systems report"), pareto, cards_, works, unranked, unattributed,
                         cost["currency"], owner_sections, unowned, weekly, int(b.settings["score"]["min_tickets"]),
                         f"{float(cost['handle_hours']):g}", f"{float(cost['hourly_rate']):g}",
                         f"{float(b.settings['signals']['irritated_threshold']):g}",
                         f"{float(b.settings['score']['irritation_text_share']):.0%}", listed, more)
