"""Counting each event once, on one stated basis, into the ``findings`` frame.

Every number of a finding comes from one set of tickets (``evidence_ids``) between
``basis_from`` and ``basis_to``: ``tickets`` is its size, ``expected`` the count the same
definition (the same systems and topics, the same days, each weekday at its baseline level)
would have had, ``ratio`` the two divided. ``open_tickets``, ``callers`` and the priority mix
are of the same tickets.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..config import Settings
from ..schema import FINDINGS
from ..signals import still_open
from ..window import DAY, Window
from .daily import day_counts, weekday_expected, weekday_weights
from .events import Event


def _mask(event: Event, links: pd.DataFrame) -> set[str]:
    """The tickets an event's numbers count: a spike with topics counts its topics' tickets (the
    outage's own, not the system's ordinary tickets of those days); else its systems' and topics'."""
    top_ids = set(links[(links["entity_type"] == "topic") & links["entity"].isin(event.topics)]["ticket_id"])
    if event.kind == "spike" and top_ids:
        return top_ids
    sys_ids = links[(links["entity_type"] == "system") & links["entity"].isin(event.systems)]["ticket_id"]
    return set(sys_ids) | top_ids


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


class Counter:
    """Counts events over one night's tickets (built once per night)."""

    def __init__(self, tickets: pd.DataFrame, links: pd.DataFrame, kinds: pd.Series, window: Window,
                 settings: Settings, catalogue: pd.DataFrame) -> None:
        self.t = tickets.set_index("ticket_id", drop=False)
        self.opened = self.t["opened_at"]
        self.open = pd.Series(still_open(tickets).to_numpy(), index=self.t.index)
        self.links, self.kinds, self.window = links, kinds, window
        self.opts = settings["findings"]
        self.weights = weekday_weights(self.opened, window)
        cat = catalogue.set_index("name") if len(catalogue) else pd.DataFrame(columns=["criticality", "lifecycle"])
        self.criticality = cat["criticality"].astype(str).str.lower().to_dict() if "criticality" in cat else {}
        self.lifecycle = cat["lifecycle"].astype(str).str.lower().to_dict() if "lifecycle" in cat else {}

    # -- one event -------------------------------------------------------------------------------
    def count(self, event: Event) -> dict:
        w = self.window
        ids = _mask(event, self.links)
        if event.kind == "step":   # its system's failures only (set built once, not per ticket)
            ids = self._failures(ids & self._system_ids(event.systems))
        elif event.kind == "spike":
            failures = self._outage_failures(ids, event)
            if failures is not None:   # and its systems' failures of those days, in whatever topic
                ids = failures | self._failures(self._system_ids(event.systems))
                event = replace(event, basis="failures of its systems and topics on its days")
        stamps = self.opened.reindex(sorted(ids)).dropna()
        daily = day_counts(stamps, min(w.baseline_start, event.start), w.end)
        status, end, note = "ongoing", None, ""
        if event.kind == "spike":
            expected_daily = weekday_expected(daily, w)
            last = max(event.busy_days)
            rate = float(daily.loc[event.busy_days].mean())
            quiet = pd.date_range(last + DAY, w.as_of, freq="D")
            would = float(self.opts["ongoing_share"]) * rate * float(sum(self.weights[d.weekday()] for d in quiet))
            last_ticket = stamps[stamps.dt.normalize() == last].max()
            if would >= float(self.opts["ongoing_min_tickets"]):
                status, end = "ended", last
                note = (f"the days since {last:%a %d %b} were back to normal; at a quarter of its rate they "
                        f"would have held about {would:.0f} tickets")
            elif len(quiet):
                note = (f"quiet since {last_ticket:%a %d %b %H:%M}, but too soon to call it over: "
                        f"the days since would have held only about {would:.0f} of its tickets")
            else:
                note = "still busy on the last day of the run"
            basis_to = end if end is not None else w.as_of
            span = (daily.index >= event.start) & (daily.index <= basis_to)
            expected = float(expected_daily[span].sum())
        elif event.kind == "step":
            basis_to = w.as_of
            span = (daily.index >= event.start) & (daily.index <= basis_to)
            expected = event.expected_rate * span.sum() / 7
            mid = (event.expected_rate + stamps.size / max(span.sum() / 7, 1)) / 2
            last2 = [int(((stamps >= w.end - (k + 1) * 7 * DAY) & (stamps < w.end - k * 7 * DAY)).sum()) for k in (0, 1)]
            if max(last2) < mid:
                status, end = "ended", w.end - 15 * DAY
                note = "failures were back below the midpoint in both of the last two weeks"
        elif event.kind == "rise":
            basis_to = w.as_of
            span = (daily.index >= event.start) & (daily.index <= basis_to)
            if event.horizon.startswith("last 7 days"):
                base = daily[(daily.index >= w.baseline_start) & (daily.index < w.recent_start)].sum()
                expected = float(base) * w.recent_scale
            else:
                expected = float(daily[(daily.index >= event.start - 28 * DAY) & (daily.index < event.start)].sum())
        else:   # new
            basis_to = w.as_of
            span = (daily.index >= event.start) & (daily.index <= basis_to)
            expected = 0.0
        inside = daily[span]
        evidence = stamps[(stamps >= event.start) & (stamps < basis_to + DAY)]
        rows = self.t.loc[evidence.index]
        n = len(rows)
        peak_day = inside.idxmax() if n else event.start
        return self._row(event, rows, n, expected, status, end, note, basis_to, peak_day,
                         int(inside.max()) if n else 0)

    def _outage_failures(self, ids: set[str], event: Event) -> set[str] | None:
        """A spike of mostly failures is an outage: its failures, which its numbers then count with its
        systems' failures (not the requests and how-to questions its topics got the same days, "VPN
        access for a new employee"); None for a spike of questions or requests, which counts all its tickets."""
        busy = {d.normalize() for d in event.busy_days}
        on_busy = [i for i in ids if i in self.opened.index and self.opened[i].normalize() in busy]
        failures = self._failures(ids)
        return failures if on_busy and sum(i in failures for i in on_busy) > len(on_busy) / 2 else None

    def _system_ids(self, systems: list[str]) -> set[str]:
        links = self.links
        return set(links[(links["entity_type"] == "system") & links["entity"].isin(systems)]["ticket_id"])

    def _failures(self, ids: set[str]) -> set[str]:
        return {i for i in ids if self.kinds.get(i) == "failure"}

    def _row(self, event: Event, rows: pd.DataFrame, n: int, expected: float, status: str, end, note: str,
             basis_to: pd.Timestamp, peak_day: pd.Timestamp, peak: int) -> dict:
        prio = rows["priority"].astype("Float64").fillna(0).astype(int)
        weights = [float(x) for x in self.opts["priority_weights"]]
        pw = float(np.mean([weights[p - 1] if 1 <= p <= len(weights) else 1.0 for p in prio])) if n else 1.0
        crit = self.opts["criticality_weights"]
        cw = max([float(crit.get(self.criticality.get(s, ""), 1.0)) for s in event.systems] or [1.0])
        callers = int(rows["caller_key"].replace("", np.nan).dropna().nunique())
        extra = max(n - expected, 0.0)
        mix = prio[prio > 0].value_counts().sort_index()
        return {"kind": event.kind, "status": status, "systems": list(event.systems),
                "topic_ids": [int(t) for t in event.topics], "start": event.start.normalize(),
                "peak_day": peak_day, "peak_tickets": peak, "end": end, "note": note, "tickets": n,
                "basis": event.basis, "basis_from": event.start.normalize(), "basis_to": basis_to,
                "expected": round(float(expected), 2), "ratio": round(n / expected, 2) if expected > 0 else float("nan"),
                "extra": round(extra, 1), "open_tickets": int(self.open.reindex(rows.index).fillna(False).sum()),
                "callers": callers, "p1_p2": int(((prio >= 1) & (prio <= 2)).sum()),
                "priority_mix": "; ".join(f"P{p} {c}" for p, c in mix.items()),
                "last_ticket": rows["opened_at"].max() if n else pd.NaT,
                "impact": round(float(np.sqrt(extra * max(callers, 1)) * pw * cw), 1),
                "evidence_ids": sorted(rows.index.astype(str).tolist())}

    def lifecycles(self, systems: list[str]) -> list[str]:
        return [self.lifecycle.get(s, "") for s in systems]


def finding_id(kind: str, start: pd.Timestamp, systems: list[str], topics: list[int]) -> str:
    """A readable id that stays the same while the event lasts: kind, start and what it is about.

    Examples
    --------
    >>> finding_id("spike", pd.Timestamp("2026-10-28"), ["GlobalProtect VPN"], [3, 7])
    'F-20261028-spike-globalprotect-vpn'
    >>> finding_id("new", pd.Timestamp("2026-10-27"), [], [41])
    'F-20261027-new-topic-41'
    """
    what = _slug(systems[0]) if systems else f"topic-{topics[0]}" if topics else "desk"
    return f"F-{start:%Y%m%d}-{kind}-{what}"


def carry_ids(frame: pd.DataFrame, previous: pd.DataFrame | None) -> pd.Series:
    """Each finding's id: the previous night's id of the same event (same kind, a shared system or
    topic, starts within a week of each other), else a new one."""
    ids = [finding_id(k, s, sy, tp) for k, s, sy, tp in zip(frame["kind"], frame["start"], frame["systems"], frame["topic_ids"])]
    if previous is None or not len(previous) or not len(frame):
        return pd.Series(ids, index=frame.index, dtype=object)
    taken: set[str] = set()
    out = []
    for new_id, (_, row) in zip(ids, frame.iterrows()):
        mine = {f"s:{s}" for s in row["systems"]} | {f"t:{t}" for t in row["topic_ids"]}
        match = new_id
        for _, old in previous.iterrows():
            theirs = {f"s:{s}" for s in str(old["systems"]).split("|") if s} | \
                     {f"t:{t}" for t in str(old["topic_ids"]).split("|") if t}
            if (old["kind"] == row["kind"] and mine & theirs and old["finding_id"] not in taken
                    and abs((pd.Timestamp(old["start"]) - row["start"]).days) <= 7):
                match = old["finding_id"]
                break
        taken.add(match)
        out.append(match)
    return pd.Series(out, index=frame.index, dtype=object)


def choose_headline(frame: pd.DataFrame, counter: Counter, settings: Settings) -> pd.DataFrame:
    """``headline`` (1.. in order, 0 = not headlined) and ``headline_note`` (why not) by the
    stated rules: largest impact first, at most ``findings.headline_max``; fewer than
    ``findings.headline_min_extra`` extra tickets, or only systems whose lifecycle is in
    ``findings.headline_skip_lifecycles``, is too small to headline."""
    opts = settings["findings"]
    skip = {str(x).lower() for x in opts["headline_skip_lifecycles"]}
    notes = []
    for _, r in frame.iterrows():
        cycles = counter.lifecycles(r["systems"])
        if r["kind"] == "data":
            notes.append("")
        elif r["kind"] == "knowledge_gap":
            notes.append("" if r["new_gap"] else "a known gap (listed on the knowledge brief)")
        elif r["extra"] < float(opts["headline_min_extra"]):
            notes.append(f"fewer than {int(opts['headline_min_extra'])} tickets above the expected count")
        elif r["systems"] and all(c in skip for c in cycles):
            notes.append(f"a {cycles[0]} system")
        else:
            notes.append("")
    frame = frame.assign(headline_note=notes)
    eligible = frame[frame["headline_note"] == ""].sort_values(["impact", "finding_id"], ascending=[False, True])
    order = {idx: i + 1 for i, idx in enumerate(eligible.index[: int(opts["headline_max"])])}
    frame["headline"] = [order.get(i, 0) for i in frame.index]
    frame.loc[(frame["headline"] == 0) & (frame["headline_note"] == ""), "headline_note"] = \
        f"beyond the {int(opts['headline_max'])} largest"
    return frame


def empty_findings() -> pd.DataFrame:
    """A findings frame with no rows and every column."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FINDINGS})

