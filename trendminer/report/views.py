"""Builds the view models (:mod:`trendminer.report.models`) of the four pages from a run.

Every number is computed and formatted here; templates only loop and branch.
"""
from __future__ import annotations

import re

from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Settings
from ..score import PARTS
from ..trends import window_end
from . import charts
from .models import (
    Digest, Flag, Index, OwnerSection, OwnerSystem, Page, PainPoint, PainPoints, RunData, SystemCard,
    SystemsReport, Theme, Ticket, TopicRow, slug,
)


NAV = [("index.html", "Overview"), ("digest.html", "Nightly digest"),
       ("systems.html", "Systems report"), ("pain-points.html", "Pain points")]


def _fmt(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{digits}f}"


def _snippet(text: str, n: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


#: systems too small to rank get a full scorecard up to this many (most tickets first) ...
MAX_UNRANKED_CARDS = 100
#: ... then one line each up to this many; the rest are counted (all are in systems.csv)
MAX_UNRANKED_LISTED = 1000


def system_anchors(names: list[str]) -> dict[str, str]:
    """A unique, stable HTML id per system name.

    Names that slug alike ("SAP ERP", "sap-erp", "SAP/ERP") get ``-2``, ``-3`` ... in sorted
    order; a name without Latin letters or digits ("Пульс", "会計") gets a short hash of
    itself, so it never collides with another such name.

    Examples
    --------
    >>> system_anchors(["SAP ERP", "SAP/ERP", "sap-erp"])
    {'SAP ERP': 'system-sap-erp', 'SAP/ERP': 'system-sap-erp-2', 'sap-erp': 'system-sap-erp-3'}
    """
    import hashlib

    out: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        base = slug(name)
        if base == "x" and not re.search(r"[A-Za-z0-9]", name):
            base = "u" + hashlib.sha256(name.encode()).hexdigest()[:10]
        anchor, n = f"system-{base}", 2
        while anchor in used:
            anchor, n = f"system-{base}-{n}", n + 1
        used.add(anchor)
        out[name] = anchor
    return out


class Builder:
    """Turns one run's frames into the view models of the four pages."""

    def __init__(self, data: RunData, settings: Settings, as_of: pd.Timestamp, generated_at: pd.Timestamp) -> None:
        self.d = data
        self.settings = settings
        self.as_of = as_of
        self.generated_at = generated_at
        t = data.tickets.merge(data.attribution[["ticket_id", "system"]], on="ticket_id")
        t = t.merge(data.signals, on="ticket_id").merge(data.assignments, on="ticket_id")
        self.t = t
        self.topic_trend = data.trends[data.trends["entity_type"] == "topic"].set_index("entity")
        self.info_by_id = data.info.set_index("topic_id", drop=False)
        self.by_id = t.set_index("ticket_id")
        self._cards: dict[str, SystemCard] = {}
        self._of_system = {name: part for name, part in t.groupby("system", sort=False)}
        self._empty = t.iloc[0:0]
        self.anchors = system_anchors(data.scores["system"].tolist() if len(data.scores) else [])
        cat = data.catalogue
        self._owner = dict(zip(cat["name"], cat["owner_team"])) if len(cat) else {}

    def tickets_of(self, name: str) -> pd.DataFrame:
        """The tickets attributed to one system (grouped once, not filtered per system)."""
        return self._of_system.get(name, self._empty)

    def anchor(self, name: str) -> str:
        """The unique HTML id of a system's scorecard."""
        return self.anchors.get(name) or f"system-{slug(name)}"

    def page(self, title: str) -> Page:
        return Page(title, str(self.as_of.date()), self.generated_at.strftime("%Y-%m-%d %H:%M"), NAV)

    def _ticket(self, row: pd.Series) -> Ticket:
        return Ticket(row["ticket_id"], row["opened_at"].strftime("%Y-%m-%d"), _snippet(row["title"], 120),
                      _snippet(row["description"]), row["kind"], _fmt(row["irritation"]))

    def topic_row(self, info_row: pd.Series) -> TopicRow:
        """The row of one topic (built once per topic)."""
        cache = self.__dict__.setdefault("_topic_rows", {})
        if info_row["topic_id"] not in cache:
            cache[info_row["topic_id"]] = self._topic_row(info_row)
        return cache[info_row["topic_id"]]

    def _topic_row(self, info_row: pd.Series) -> TopicRow:
        key = str(info_row["topic_id"])
        trend = self.topic_trend.loc[key] if key in self.topic_trend.index else None
        reps = self.by_id.reindex(info_row["representatives"])["title"].dropna()
        return TopicRow(int(info_row["topic_id"]), f"topic-{info_row['topic_id']}", info_row["label"],
                        int(info_row["size"]), int(trend["recent"]) if trend is not None else 0,
                        trend["flag"] if trend is not None else "steady",
                        trend["lifecycle"] if trend is not None else "Resolved", info_row["top_system"],
                        [_snippet(x, 100) for x in reps])

    def flags(self) -> list[Flag]:
        out = []
        for _, r in self.d.trends[self.d.trends["flag"] != "steady"].iterrows():
            anchor = f"topic-{r['entity']}" if r["entity_type"] == "topic" else self.anchor(r["entity"])
            out.append(Flag(r["entity_type"], r["label"], anchor, r["flag"], int(r["recent"]),
                            _fmt(r["expected"], 1), _fmt(r["ratio"], 1), f"{r['p_value']:.1g}", r["since"]))
        return out

    def headline(self) -> str:
        """One sentence on the night."""
        flags = self.d.trends["flag"]
        return (f"{len(self.d.tickets)} tickets analysed, {len(self.d.info)} problem topics; "
                f"{int(flags.isin(['spiking', 'new']).sum())} spiking or new, {int((flags == 'rising').sum())} rising.")

    def digest(self) -> Digest:
        acc = self.d.accounting
        flags = self.flags()
        headline = self.headline()
        top = self.d.info.head(int(self.settings["report"]["top_topics"]))
        q = self.d.quality
        quality = [("problem topics", str(len(self.d.info))),
                   ("tickets in the remainder (no topic)", f"{int(q.get('remainder', 0))} ({q.get('remainder_share', 0):.1%})"),
                   ("of which in other languages (not clustered)", f"{int(q.get('other_language', 0))}"),
                   ("largest / median topic size", f"{q.get('largest', 0):.0f} / {q.get('median', 0):.0f}"),
                   ("silhouette of the topics (cosine, sample of ≤2,000 tickets; higher is better)",
                    _fmt(q.get("silhouette", float("nan")))),
                   ("tickets that kept their topic id since the last run",
                    "first run" if not np.isfinite(q.get("stability", float("nan"))) else f"{q['stability']:.1%}"),
                   ("tickets not attributed to a system", f"{int(q.get('unattributed', 0))}")]
        return Digest(self.page("Nightly digest"), headline, self.d.changes, flags,
                      [self.topic_row(r) for _, r in top.iterrows()],
                      {"rows": acc.rows, "accepted": acc.accepted, "duplicates": acc.duplicates,
                       "rejected": acc.rejected},
                      sorted(acc.reasons.items(), key=lambda x: -x[1]),
                      [str(e) for e in acc.examples[:20]], list(acc.warnings), quality, self.provenance(),
                      self.themes(), [self.topic_row(r) for _, r in self.d.info.iterrows()])

    def themes(self) -> list[Theme]:
        """Themes, largest first, each with its three biggest topics."""
        info = self.d.info
        if not len(info):
            return []
        sizes = info.groupby("theme")["size"].sum().sort_values(ascending=False, kind="stable")
        return [Theme(theme, int(sizes[theme]), int((info["theme"] == theme).sum()),
                      [self.topic_row(r) for _, r in info[info["theme"] == theme].head(3).iterrows()])
                for theme in sizes.index]

    def provenance(self) -> list[tuple[str, str]]:
        """The manifest lines that are the same for identical runs (no timings)."""
        m = self.d.manifest
        if not m:
            return []
        v = m["versions"]
        return [("trendminer", v.get("trendminer", "")),
                ("model", f"{m['model']['name']} (sha256 {m['model']['weights_sha256'][:16] or 'n/a'})"),
                ("config hash", m["config_hash"]), ("random_state", str(m["random_state"])),
                ("inputs", "; ".join(f"{Path(i['file']).name} ({i['rows']} rows, sha256 {i['sha256'][:12]})"
                                     for i in m["inputs"])),
                ("libraries", ", ".join(f"{k} {val}" for k, val in v.items() if k != "trendminer"))]

    def _weekly(self, opened: pd.Series) -> list[int]:
        end = window_end(self.as_of)
        weeks = int(self.settings["topics"]["lookback_days"]) // 7
        start = end - pd.Timedelta(weeks=weeks)
        idx = ((opened - start) // pd.Timedelta(weeks=1)).astype(int)
        return np.bincount(idx[(idx >= 0) & (idx < weeks)], minlength=weeks).tolist()

    def card(self, row: pd.Series) -> SystemCard:
        """The scorecard of one system (built once per system)."""
        if row["system"] not in self._cards:
            self._cards[row["system"]] = self._card(row)
        return self._cards[row["system"]]

    def _card(self, row: pd.Series) -> SystemCard:
        name = row["system"]
        mine = self.tickets_of(name)
        n_ev = int(self.settings["report"]["evidence_tickets"])
        evidence = mine.sort_values(["irritation", "opened_at", "ticket_id"], ascending=[False, False, True]).head(n_ev)
        topic_ids = mine.loc[mine["topic_id"] >= 0, "topic_id"].value_counts().head(5).index
        topics = [self.topic_row(self.info_by_id.loc[int(k)]) for k in topic_ids]
        parts = [(p.replace("_", " "), float(row[f"part_{p}"])) for p in PARTS]
        owner = self._owner.get(name, "")
        cur = self.settings["score"]["cost"]["currency"]
        return SystemCard(
            int(row["rank"]), name, self.anchor(name), bool(row["rankable"]), row["lifecycle"], owner,
            int(row["tickets"]), int(row["failures"]), int(row["howto"]), int(row["requests"]),
            _fmt(row["failures_per_100_users"]), _fmt(row["irritation"]), int(row["recent"]),
            _fmt(row["expected"], 1), _fmt(row["trend_ratio"], 1), f"{row['cost']:,.0f}", cur,
            _fmt(row["trouble_score"]), row["recommendation"], list(row["reasons"]),
            [(n, _fmt(v)) for n, v in parts], charts.stacked_parts(parts, f"Trouble score of {name}"),
            charts.sparkline(self._weekly(mine["opened_at"]), f"Weekly tickets of {name}"),
            topics, [self._ticket(r) for _, r in evidence.iterrows()])

    def owners(self) -> tuple[list[OwnerSection], str]:
        """Per owner team, its systems in rank order; teams whose systems rank highest first.

        Returns
        -------
        list of OwnerSection, str
            The sections, and a line naming the systems with tickets but no owner team
            (``""`` when every such system has one).
        """
        teams: dict[str, list[tuple[int, OwnerSystem]]] = {}
        unowned: list[str] = []
        for _, row in self.d.scores.iterrows():
            if not self._owner.get(row["system"], ""):   # no card needed to say so
                if int(row["tickets"]):
                    unowned.append(row["system"])
                continue
            c = self.card(row)
            line = OwnerSystem(c.name, c.anchor, f"#{c.rank}" if c.rankable else "too few to rank",
                               c.tickets, c.failures, c.irritation, c.recommendation,
                               c.reasons[0] if c.reasons else "", c.topics[0].label if c.topics else "–")
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

    def systems(self) -> SystemsReport:
        scores = self.d.scores
        ranked = scores[scores["rankable"]]
        cards = [self.card(r) for _, r in ranked.iterrows()]
        works = [self.card(r) for _, r in scores[scores["recommendation"] == "keep"].iterrows()]
        tail = scores[~scores["rankable"]].sort_values(["tickets", "system"], ascending=[False, True], kind="stable")
        unranked = [self.card(r) for _, r in tail.head(MAX_UNRANKED_CARDS).iterrows()]
        rest = tail.iloc[MAX_UNRANKED_CARDS:]
        listed = [(n, self.anchor(n), int(k)) for n, k in zip(rest["system"].head(MAX_UNRANKED_LISTED),
                                                             rest["tickets"].head(MAX_UNRANKED_LISTED))]
        top = ranked.sort_values("failures", ascending=False)
        pareto = charts.bars(top["system"].tolist(), top["failures"].astype(float).tolist(),
                             "Failure tickets per system, with cumulative share", cumulative=True)
        unattributed = int((self.d.attribution["source"] == "none").sum())
        owners, unowned = self.owners()
        return SystemsReport(self.page("Systems report"), pareto, cards, works, unranked, unattributed,
                             self.settings["score"]["cost"]["currency"], owners, unowned, listed,
                             max(len(rest) - len(listed), 0))

    def pain_points(self) -> PainPoints:
        """Briefs for systems with many how-to questions or irritated users, most how-to first."""
        briefs = []
        n_quotes = int(self.settings["report"]["quotes"])
        min_n = int(self.settings["score"]["min_tickets"])
        for _, row in self.d.scores[self.d.scores["tickets"] >= min_n].iterrows():
            if row["howto"] < min_n and row["irritation"] < 0.15:
                continue
            name, howto = row["system"], row["howto"] / row["tickets"]
            mine = self.tickets_of(name)
            counts = mine.loc[mine["topic_id"] >= 0, "topic_id"].value_counts()
            counts = counts[counts >= max(2, 0.1 * len(mine))].head(6)
            themes = [self.topic_row(self.info_by_id.loc[int(k)]) for k in counts.index]
            ranked = mine.sort_values(["irritation", "opened_at", "ticket_id"], ascending=[False, False, True])
            quotes = ranked[~ranked["title"].str.lower().str.strip().duplicated()].head(n_quotes)
            questions = [f"Why do users ask about “{t.label}” ({t.size} tickets)? What would make the answer obvious in the product?"
                         for t in themes if mine[mine["topic_id"] == t.topic_id]["kind"].eq("howto").mean() >= 0.5][:3]
            if row["failures"]:
                questions.append(f"{row['failures']} failures in the window: which steps fail, and can users recover without calling the desk?")
            if row["irritation"] >= 0.15:
                questions.append("Users are visibly irritated: which of the quoted moments can the design remove?")
            briefs.append((int(row["howto"]), PainPoint(
                name, self.anchor(name), int(row["tickets"]), f"{howto:.0%}",
                f"{row['failures'] / row['tickets']:.0%}", f"{row['requests'] / row['tickets']:.0%}",
                _fmt(row["irritation"]), themes, [self._ticket(r) for _, r in quotes.iterrows()], questions)))
        briefs.sort(key=lambda b: (-b[0], b[1].name))
        return PainPoints(self.page("Pain-point briefs"), [b for _, b in briefs])

    def index(self) -> Index:
        pages = [("digest.html", "Nightly digest", "For the desk lead: what changed, spikes, top problems, data quality."),
                 ("systems.html", "Systems report", "For architects: systems ranked by failures and irritation, with recommendations."),
                 ("pain-points.html", "Pain-point briefs", "For design teams: why a system is hard to use, with user quotes.")]
        return Index(self.page("trendminer overview"), pages, self.headline())
