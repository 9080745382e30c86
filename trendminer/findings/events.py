"""The night's flags grouped into real-world events.

:func:`spike_events` finds the busy days of every system and topic in the recent week and joins
the flags whose tickets overlap (an outage seen on its system and on three topics is one
event). :func:`step_events` reads the systems' failure steps (a change that broke something),
:func:`rise_events` and :func:`new_events` the statuses that no event explains yet. Each returns
:class:`Event` objects: the members (systems, topics) and the days, nothing counted yet; the
counting happens once, in :mod:`trendminer.findings.assemble`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import poisson

from ..config import Settings
from ..window import DAY, Window
from .daily import day_counts, weekday_expected


@dataclass
class Event:
    """One real-world event before counting: what it covers and when."""

    kind: str                      # spike | step | rise | new
    systems: list[str]
    topics: list[str]
    start: pd.Timestamp            # first day of the basis
    busy_days: list[pd.Timestamp] = field(default_factory=list)   # spikes: the days far above the usual
    basis: str = ""                # what the tickets count: "days", "failures since the step", ...
    expected_rate: float = float("nan")   # steps: failures a week before the step
    horizon: str = ""              # rises: the status's basis


def _busy_days(counts: pd.Series, expected: pd.Series, window: Window, opts: dict) -> tuple[list, bool]:
    """Recent days at twice (and 3 above) their weekday's usual count, and whether any of them
    is a spike day on its own (the trends thresholds)."""
    recent = counts.index >= window.recent_start
    c, e = counts[recent], expected[recent]
    high = c[(c >= np.maximum(2 * e, e + 3)) & (c >= 3)]
    strict = ((c >= int(opts["spike_min_count"])) & ((c + 0.5) / (e + 0.5) >= float(opts["spike_ratio"]))
              & (poisson.sf(c - 1, np.maximum(e, 0.5)) < float(opts["spike_p"])))
    return list(high.index), bool(strict.any())


def spike_events(opened: pd.Series, links: pd.DataFrame, info: pd.DataFrame, window: Window,
                 settings: Settings) -> list[Event]:
    """Outages and spikes: the busy days of systems and topics, one :class:`Event` per group of
    flags whose tickets overlap (``findings.spike_overlap`` of the smaller set) or that are a
    system and one of its own topics busy on the same days."""
    opts, overlap = settings["trends"], float(settings["findings"]["spike_overlap"])
    when = opened.reindex(links["ticket_id"])
    frame = links.assign(when=when.to_numpy())
    frame = frame[frame["when"] >= window.baseline_start]
    flags = []   # (entity_type, entity, busy days, ticket ids on those days)
    for (etype, entity), part in frame.groupby(["entity_type", "entity"], sort=True):
        stamps = pd.Series(pd.to_datetime(part["when"].to_numpy()), index=part["ticket_id"].to_numpy())
        counts = day_counts(stamps, window.baseline_start, window.end)
        days, strict = _busy_days(counts, weekday_expected(counts, window), window, opts)
        if strict:
            ids = set(stamps.index[stamps.dt.normalize().isin(days)])
            flags.append((etype, entity, set(days), ids))
    top_system = dict(zip(info["topic_id"].astype(str), info["top_system"])) if len(info) else {}
    parent = list(range(len(flags)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (ti, ei, di, ai) in enumerate(flags):
        for j in range(i + 1, len(flags)):
            tj, ej, dj, aj = flags[j]
            shared = len(ai & aj) / max(min(len(ai), len(aj)), 1)
            own = (ti, tj) == ("system", "topic") and top_system.get(ej) == ei or \
                  (ti, tj) == ("topic", "system") and top_system.get(ei) == ej
            if shared >= overlap or (own and di & dj):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(flags)):
        groups.setdefault(root(i), []).append(i)
    events = []
    for members in groups.values():
        systems = sorted({flags[i][1] for i in members if flags[i][0] == "system"})
        topics = sorted({flags[i][1] for i in members if flags[i][0] == "topic"}, key=int)
        days = sorted(set().union(*(flags[i][2] for i in members)))
        basis = "tickets of its topics on its days" if topics else "tickets of its systems on its days"
        events.append(Event("spike", systems, topics, days[0], days, basis))
    return sorted(events, key=lambda e: (e.start, e.systems, e.topics))


def absorb(spikes: list[Event], opened: pd.Series, links: pd.DataFrame, info: pd.DataFrame, window: Window,
           share: float = 0.6) -> None:
    """Add to each spike the topics of its systems whose recent tickets mostly (``share``) fell
    on its busy days: smaller flags of the same outage ("GP client not working" during a VPN
    outage) are told with it, not on their own. Changes ``spikes`` in place."""
    if not spikes or not len(info):
        return
    top_system = dict(zip(info["topic_id"].astype(str), info["top_system"]))
    topics = links[links["entity_type"] == "topic"]
    when = pd.to_datetime(opened.reindex(topics["ticket_id"]).to_numpy())
    recent = topics[(when >= window.recent_start) & (when < window.end)].assign(
        day=pd.DatetimeIndex(when[(when >= window.recent_start) & (when < window.end)]).normalize())
    for topic, part in recent.groupby("entity"):
        for event in spikes:
            if topic in event.topics or top_system.get(topic) not in event.systems:
                continue
            on_days = int(part["day"].isin(event.busy_days).sum())
            if len(part) < 3 or on_days < share * len(part):
                continue
            ids = topics.loc[topics["entity"] == topic, "ticket_id"]
            counts = day_counts(opened.reindex(ids).dropna(), window.baseline_start, window.end)
            usual = float(weekday_expected(counts, window).reindex(event.busy_days).sum())
            if on_days >= max(2 * usual, usual + 3):   # the topic itself was far above its usual on those days
                event.topics = sorted(set(event.topics) | {topic}, key=int)
                break


def step_events(scores: pd.DataFrame, info: pd.DataFrame, opened: pd.Series, links: pd.DataFrame,
                window: Window, settings: Settings) -> list[Event]:
    """A lasting step up in a system's weekly failures (a release or a change that broke it),
    by the same rules the recommendations use (``[recommend] upgrade_*``), with the system's
    topics that began after the step."""
    rules = settings["recommend"]
    out = []
    for _, row in scores.iterrows():
        weeks = int(row.get("step_weeks", 0) or 0)
        before, after = float(row.get("step_before", 0) or 0), float(row.get("step_after", 0) or 0)
        if not (row.get("step_week") and weeks and before > 0 and after >= float(rules["upgrade_step_ratio"]) * before
                and row["step_elevated"] >= float(rules["upgrade_step_share"]) * weeks
                and after * weeks >= float(rules["upgrade_min_failures"])):
            continue
        start = pd.Timestamp(row["step_week"])
        mine = info[info["top_system"] == row["system"]]["topic_id"].astype(str)
        part = links[(links["entity_type"] == "topic") & links["entity"].isin(mine)]
        when = opened.reindex(part["ticket_id"]).to_numpy()
        after_share = pd.Series(when >= start).groupby(part["entity"].to_numpy()).agg(["mean", "size"])
        topics = sorted(after_share[(after_share["mean"] >= 0.7) & (after_share["size"] >= 5)].index, key=int)
        out.append(Event("step", [str(row["system"])], topics, start, basis="failures since the step",
                         expected_rate=before))
    return out


def rise_events(status: pd.DataFrame, info: pd.DataFrame, covered: set[tuple[str, str]], window: Window) -> list[Event]:
    """Sustained rises no other event explains: a rising system with its rising topics, or a
    rising topic on its own."""
    rising = status[(status["status"] == "rising")]
    systems = [e for t, e in zip(rising["entity_type"], rising["entity"]) if t == "system" and ("system", e) not in covered]
    top_system = dict(zip(info["topic_id"].astype(str), info["top_system"])) if len(info) else {}
    basis = dict(zip(rising["entity_type"] + ":" + rising["entity"], rising["basis"]))
    out, used = [], set()
    for name in systems:
        topics = sorted((e for t, e in zip(rising["entity_type"], rising["entity"])
                         if t == "topic" and top_system.get(e) == name and ("topic", e) not in covered), key=int)
        used |= set(topics)
        out.append(Event("rise", [name], topics, _horizon_start(basis[f"system:{name}"], window),
                         basis="tickets", horizon=basis[f"system:{name}"]))
    for t, e in zip(rising["entity_type"], rising["entity"]):
        if t == "topic" and e not in used and ("topic", e) not in covered:
            out.append(Event("rise", [], [e], _horizon_start(basis[f"topic:{e}"], window), basis="tickets",
                             horizon=basis[f"topic:{e}"]))
    return out


def new_events(status: pd.DataFrame, covered: set[tuple[str, str]]) -> list[Event]:
    """New topics no other event explains (a new system is named by its topics)."""
    new = status[(status["status"] == "new") & (status["entity_type"] == "topic")]
    return [Event("new", [], [e], pd.Timestamp(first), basis="since its first ticket")
            for e, first in zip(new["entity"], new["first_ticket"]) if ("topic", e) not in covered and first]


def _horizon_start(basis: str, window: Window) -> pd.Timestamp:
    return window.recent_start if basis.startswith("last 7 days") else window.end - pd.Timedelta(weeks=4)


def members(events: list[Event]) -> set[tuple[str, str]]:
    """Every (entity_type, entity) some event covers."""
    return {("system", s) for e in events for s in e.systems} | {("topic", t) for e in events for t in e.topics}


__all__ = ["absorb", "Event", "spike_events", "step_events", "rise_events", "new_events", "members", "DAY"]
