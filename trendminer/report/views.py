"""Builds the view models (:mod:`trendminer.report.models`) of the pages from a run.

Every number is computed and formatted here (and in :mod:`.cards`, :mod:`.pain`), every sentence
comes from :mod:`.phrases`; templates only loop and branch. Every count is of the one analysis
window (:class:`~trendminer.window.Window`) that the page header states, unless its label says
otherwise ("last 7 days", "since first seen").
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..config import Settings
from ..window import Window
from . import cards, pain, series, timecharts
from . import desk as dview
from . import knowledge as kview
from .irritation import desk_lines, irritation_rows
from .models import (
    Digest, Drill, FindingView, Flag, Headline, Index, MorningView, Page, PainPoints, RunData, SystemCard,
    SystemsReport, Theme, Ticket, TopicRow, TopicsPage, slug,
)
from .phrases import change_text, finding_text, languages_line

NAV = [("index.html", "Overview"), ("digest.html", "Nightly digest"), ("topics.html", "Topics"),
       ("systems.html", "Systems report"), ("pain-points.html", "Pain points"), ("knowledge.html", "Knowledge"),
       ("desk.html", "Desk mirror")]
#: how a finding's kind is named on the pages
KIND_NAMES = {"spike": "outage / spike", "step": "failure step", "rise": "sustained rise", "new": "new problem",
              "knowledge_gap": "knowledge gap", "data": "data problem"}
#: tickets listed in a drill-down ``<details>`` (the count says how many there are in all)
DRILL_CAP = 25


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
    """Turns one run's frames into the view models of the pages, for one window."""

    def __init__(self, data: RunData, *, settings: Settings, window: Window, generated_at: pd.Timestamp) -> None:
        self.d = data
        self.settings = settings
        self.window = window
        self.as_of = window.as_of
        self.generated_at = generated_at
        t = data.tickets.merge(data.attribution[["ticket_id", "system"]], on="ticket_id")
        t = t.merge(data.signals, on="ticket_id").merge(data.assignments[["ticket_id", "topic_id"]], on="ticket_id")
        #: every analysed ticket (the lookback): only for charts over time that say so
        self.t_all = t
        #: the tickets of the analysis window: every count, list and quote on the pages
        self.t = t[window.contains(t["opened_at"], "analysis")]
        self.topic_trend = data.trends[data.trends["entity_type"] == "topic"].set_index("entity")
        #: the one status of each topic and system (trendminer.findings), read, never recomputed
        self.topic_status = dict(zip(data.info["topic_id"].astype(int), data.info["status"])) \
            if "status" in data.info else {}
        self.system_status = dict(zip(data.scores["system"], data.scores["status"])) if "status" in data.scores else {}
        self.findings = data.findings if data.findings is not None else pd.DataFrame(
            columns=["finding_id", "headline", "kind"])
        self.info_by_id = data.info.set_index("topic_id", drop=False)
        self.by_id = t.set_index("ticket_id")
        self.in_window = self.t["topic_id"].value_counts()
        self.anchors = system_anchors(data.scores["system"].tolist() if len(data.scores) else [])
        self._of_system = {name: group for name, group in self.t.groupby("system", sort=False)}
        cat = data.catalogue
        self.owner_of = dict(zip(cat["name"], cat["owner_team"])) if len(cat) else {}
        self._cards: dict[str, SystemCard] = {}

    def tickets_of(self, name: str) -> pd.DataFrame:
        """One system's tickets in the window (grouped once, not filtered per system)."""
        return self._of_system.get(name, self.t.head(0))

    def anchor(self, name: str) -> str:
        """The unique HTML id of a system's scorecard."""
        return self.anchors.get(name) or f"system-{slug(name)}"

    def page(self, title: str) -> Page:
        w = self.window
        return Page(title, str(self.as_of.date()), self.generated_at.strftime("%Y-%m-%d %H:%M"), NAV,
                    w.label(), w.recent_label(), w.baseline_days)

    def ticket(self, row: pd.Series) -> Ticket:
        return Ticket(row["ticket_id"], row["opened_at"].strftime("%Y-%m-%d"), _snippet(row["title"], 120),
                      _snippet(row["description"]), row["kind"], _fmt(row["text_irritation"]))

    def drill(self, rows: pd.DataFrame) -> Drill:
        """The newest tickets of ``rows`` (capped), with the count of all of them."""
        newest = rows.sort_values(["opened_at", "ticket_id"], ascending=[False, True]).head(DRILL_CAP)
        return Drill(len(rows), [self.ticket(r) for _, r in newest.iterrows()])

    def topic_row(self, info_row: pd.Series, mine: pd.DataFrame | None = None) -> TopicRow:
        """A topic's row; with ``mine`` (one system's window tickets) its counts are that system's."""
        topic_id = int(info_row["topic_id"])
        key = str(topic_id)
        trend = self.topic_trend.loc[key] if key in self.topic_trend.index else None
        scope = self.t if mine is None else mine
        rows = scope[scope["topic_id"] == topic_id]
        recent = int(self.window.contains(rows["opened_at"], "recent").sum())
        reps = self.by_id.reindex(info_row["representatives"])["title"].dropna()
        return TopicRow(topic_id, f"topic-{topic_id}", info_row["label"], len(rows), recent,
                        self.topic_status.get(topic_id, "steady"), info_row["top_system"],
                        [_snippet(x, 100) for x in reps], int(info_row["size"]), self.drill(rows),
                        ", ".join(info_row["keyphrases"]))

    def flags(self) -> list[Flag]:
        out = []
        for _, r in self.d.trends[~self.d.trends["status"].isin(["steady", "recurring", "dormant"])].iterrows():
            anchor = f"topics.html#topic-{r['entity']}" if r["entity_type"] == "topic" else "systems.html#" + self.anchor(r["entity"])
            out.append(Flag(r["entity_type"], r["label"], anchor, r["status"], r["entity"], int(r["recent"]),
                            _fmt(r["expected"], 1), _fmt(r["ratio"], 1), f"{r['p_value']:.1g}", r["since"]))
        return out

    def headline(self, charts: bool = False) -> list[Headline]:
        """The night's headline: the findings marked for it (at most five, largest impact first),
        each one sentence linking to its evidence; a quiet night says so."""
        from .phrases import finding_text

        top = self.findings[self.findings["headline"] > 0].sort_values("headline")
        if not len(top):
            return [Headline(finding_text({"kind": "quiet", "tickets": len(self.t)}), "digest.html#findings")]
        return [Headline(finding_text(f), f"digest.html#{f['finding_id']}", self.finding_chart(f) if charts else Markup(""))
                for _, f in top.iterrows()]

    def finding_chart(self, f: pd.Series) -> Markup:
        """Daily tickets of the last six weeks for an outage (its evidence days marked); weekly
        failures since the data starts for a failure step (the step week marked)."""
        w = self.window
        if f["kind"] == "spike":
            t = self.t_all
            mask = t["topic_id"].isin(f["topic_ids"]) if len(f["topic_ids"]) else t["system"].isin(f["systems"])
            if str(f["basis"]).startswith("failures"):   # an outage: the basis its numbers count
                mask = (t["topic_id"].isin(f["topic_ids"]) | t["system"].isin(f["systems"])) & t["kind"].eq("failure")
            days, counts = series.daily_counts(self.t_all.loc[mask, "opened_at"], w.end - pd.Timedelta(days=42), w.end)
            expected = series.weekday_expected(days, counts, w.baseline_start, w.recent_start)
            start = pd.Timestamp(f["start"])
            return timecharts.daily_chart(days, counts, f"{f['title']}: tickets per day", expected=expected,
                                          marks=[(start.date(), f"from {start.day} {start:%b}")])
        if f["kind"] == "step":
            t = self.t_all
            week_starts, counts = self.weekly(t["system"].isin(f["systems"]) & t["kind"].eq("failure"))
            return timecharts.weekly_multiples({f["title"]: counts}, week_starts, f"{f['title']}: failures per week",
                                               marks={f["title"]: (pd.Timestamp(f["start"]).date(), "step")},
                                               unit="failures per week")
        return Markup("")

    def finding_views(self) -> list[FindingView]:
        """Every finding of the night, headlined ones first (the findings frame's order)."""
        from .phrases import _span, finding_text

        labels = dict(zip(self.d.info["topic_id"].astype(int), self.d.info["label"]))
        out = []
        for _, f in self.findings.iterrows():
            what = [(s, "systems.html#" + self.anchor(s)) for s in f["systems"]] + \
                   [(labels.get(int(t), f"topic {t}"), f"topics.html#topic-{int(t)}") for t in f["topic_ids"]]
            start, last = pd.Timestamp(f["basis_from"]), pd.Timestamp(f["basis_to"])
            dates = (f"{_span(pd.Timestamp(f['start']), pd.Timestamp(f['end']))}, ended" if f["status"] == "ended"
                     else f"since {pd.Timestamp(f['start']):%d %b %Y}, ongoing")
            basis = f"{f['basis']}: {start:%d %b} – {last:%d %b %Y}"
            rows = self.by_id.reindex([i for i in f["evidence_ids"] if i in self.by_id.index]).reset_index()
            out.append(FindingView(
                f["finding_id"], KIND_NAMES.get(f["kind"], f["kind"]), f["status"], finding_text(f), what, dates,
                f["note"], basis, int(f["tickets"]), _fmt(f["expected"], 1), _fmt(f["ratio"], 1) + "×"
                if np.isfinite(f["ratio"]) else "–", int(f["open_tickets"]), int(f["callers"]), int(f["p1_p2"]),
                f["priority_mix"], _fmt(f["impact"], 1), int(f["headline"]), f["headline_note"], self.drill(rows)))
        return out

    def morning(self) -> MorningView:
        """The morning facts: open tickets, their ages and priorities, the open tickets of the findings."""
        m = self.d.morning
        if m is None:
            return MorningView(0, [], 0, [], [], [], "")

        def rows(frame: pd.DataFrame) -> list[tuple[str, str, str, str, str]]:
            return [(r["ticket_id"], str(r["system"]) if pd.notna(r["system"]) else "–",
                     f"P{int(r['priority'])}" if pd.notna(r["priority"]) and int(r["priority"]) > 0 else "–",
                     f"{r['opened_at']:%Y-%m-%d}", f"{r['age_days']:.0f}") for _, r in frame.iterrows()]

        return MorningView(m.open_tickets, m.ages, m.p1_p2, rows(m.urgent), rows(m.oldest),
                           [(f, f"#{f}", n) for f, n in m.of_findings], m.lookback_from)

    def headline_rules(self) -> list[str]:
        """The rules of the headline, stated on the page (from ``[findings]``)."""
        o = self.settings["findings"]
        skip = ", ".join(o["headline_skip_lifecycles"]) or "none"
        return [f"At most {int(o['headline_max'])} findings, largest impact first; impact = √(extra tickets × "
                "distinct callers) × the mean priority weight × the catalogue's criticality weight.",
                f"Too small to headline: fewer than {int(o['headline_min_extra'])} tickets above the expected count; "
                f"a rise of a system whose catalogue lifecycle is {skip}; a knowledge gap that is not new this week.",
                "An outage has ended when the days since its last busy day would have held at least "
                f"{int(o['ongoing_min_tickets'])} of its tickets at {float(o['ongoing_share']):.0%} of its own daily "
                "rate, each weekday weighted by how busy the desk usually is then (a quiet weekend is not an end).",
                "Every number of a finding counts one set of tickets on the days its basis names; the expected count "
                "is what the same systems and topics had on the same weekdays of the four baseline weeks."]

    def digest(self) -> Digest:
        acc = self.d.accounting
        q = self.d.quality
        quality = [("problem topics", str(len(self.d.info))),
                   ("tickets in the remainder (no topic)", f"{int(q.get('remainder', 0))} ({q.get('remainder_share', 0):.1%})"),
                   ("tickets in topics, by language", languages_line(q.get("in_topics_by_language", {}))),
                   ("largest / median topic size (whole lookback)", f"{q.get('largest', 0):.0f} / {q.get('median', 0):.0f}"),
                   ("silhouette of the topics (cosine, sample of ≤2,000 tickets; higher is better)",
                    _fmt(q.get("silhouette", float("nan")))),
                   ("tickets that kept their topic id since the last run",
                    "first run" if not np.isfinite(q.get("stability", float("nan"))) else f"{q['stability']:.1%}"),
                   *irritation_rows(self.d.manifest.get("irritation") or {}), *kind_quality_rows(q)]
        return Digest(self.page("Nightly digest"), self.headline(charts=True), self.finding_views(), self.morning(),
                      self.headline_rules(), [change_text(c) for c in self.d.changes], self.flags(),
                      {"rows": acc.rows, "accepted": acc.accepted, "duplicates": acc.duplicates,
                       "rejected": acc.rejected},
                      sorted(acc.reasons.items(), key=lambda x: -x[1]),
                      [str(e) for e in acc.examples[:20]], list(acc.warnings), quality,
                      knowledge=kview.digest_lines(self.d.knowledge),
                      unattributed=int((self.t["system"] == self.settings["systems"]["unattributed"]).sum()),
                      desk=desk_lines(self.d.manifest.get("irritation") or {}))

    def topics(self) -> TopicsPage:
        """topics.html: themes, the weekly chart of the biggest topics, every topic with its status."""
        top = self.d.info.assign(_n=self.d.info["topic_id"].map(self.in_window).fillna(0)).sort_values(
            ["_n", "topic_id"], ascending=[False, True]).head(8)
        week_starts = self.weekly(self.t_all["topic_id"] == -2)[0]
        chart = timecharts.topics_over_time(
            {str(r["label"]): self.weekly(self.t_all["topic_id"] == int(r["topic_id"]))[1] for _, r in top.iterrows()},
            week_starts, "Weekly tickets of the biggest topics") if len(top) else Markup("")
        return TopicsPage(self.page("Topics"), self.themes(), [self.topic_row(r) for _, r in self.d.info.iterrows()],
                          topics_chart=chart)

    def themes(self) -> list[Theme]:
        """Themes, most tickets in the window first, each with its three biggest topics."""
        info = self.d.info.assign(_n=self.d.info["topic_id"].map(self.in_window).fillna(0).astype(int))
        if not len(info):
            return []
        sizes = info.groupby("theme")["_n"].sum().sort_values(ascending=False, kind="stable")
        return [Theme(theme, int(sizes[theme]), int((info["theme"] == theme).sum()),
                      [self.topic_row(r) for _, r in info[info["theme"] == theme].sort_values(
                          "_n", ascending=False, kind="stable").head(3).iterrows()])
                for theme in sizes.index]

    def weekly(self, mask: pd.Series) -> tuple[list[pd.Timestamp], list[int | None]]:
        """Week starts and weekly tickets of ``mask`` over the full weeks since the data starts
        (no invented zero weeks)."""
        end = self.window.end
        first = self.t_all["opened_at"].min() if len(self.t_all) else end
        weeks = min(self.window.lookback_days // 7, max(int((end - first) // pd.Timedelta(weeks=1)), 1))
        return series.weekly_counts(self.t_all.loc[mask, "opened_at"], end, weeks)

    def card(self, row: pd.Series) -> SystemCard:
        """The scorecard of one system (built once per system)."""
        if row["system"] not in self._cards:
            self._cards[row["system"]] = cards.card(self, row)
        return self._cards[row["system"]]

    def systems(self) -> SystemsReport:
        return cards.systems_report(self)

    def pain_points(self) -> PainPoints:
        return pain.pain_points(self)

    def knowledge(self) -> kview.KnowledgePage:
        """knowledge.html; a run built without the knowledge stage gets an empty candidate list."""
        from ..knowledge import no_articles, summarise
        from ..schema import KNOWLEDGE

        run = self.d.knowledge
        if run is None:
            run = summarise(pd.DataFrame(columns=list(KNOWLEDGE)), no_articles(), None, threshold=float("nan"),
                            window_tickets=len(self.d.tickets), embedder="")
        return kview.knowledge_page(run, self.page("Knowledge brief"), self.window,
                                    self.settings["score"]["cost"]["currency"],
                                    float(self.settings["knowledge"]["deflection"]))

    def desk(self) -> dview.DeskPage:
        """desk.html; a run built without the desk stage (a test's RunData) gets it from the stage's front door."""
        run = self.d.desk
        if run is None:
            from ..desk import desk_mirror

            run = desk_mirror(self.d.tickets, signals=self.d.signals, assignments=self.d.assignments,
                              attribution=self.d.attribution, window=self.window, settings=self.settings)
            self.d.desk = run
        return dview.desk_page(run, self.page("Desk mirror"), self.window.label(), self.settings)

    def index(self) -> Index:
        pages = [("digest.html", "Nightly digest", "For the desk lead: tonight's findings, what is still open, what changed."),
                 ("topics.html", "Topics", "Every problem topic with its permanent id and its status, grouped into themes."),
                 ("systems.html", "Systems report", "For architects: systems ranked by failures and irritation, with recommendations."),
                 ("pain-points.html", "Pain-point briefs", "For design teams: why a system is hard to use, with user quotes."),
                 ("knowledge.html", "Knowledge brief", "For the knowledge manager: questions no article answers, articles that do not stop the tickets, automation candidates."),
                 ("desk.html", "Desk mirror", "For the desk lead and the CIO: response, resolution and respect per assignment group against world-class targets, the backlog, and tomorrow's callbacks.")]
        return Index(self.page("trendminer overview"), pages, self.headline())


#: how the run-quality section names what decided a ticket's kind
_KIND_SOURCE_WORDS = (("export", "the export's own type field"), ("desk", "the head learned from the desk's labels"),
                      ("rule", "the text rules"), ("category", "the category"),
                      ("classifier", "the shipped classifier"), ("default", "nothing (failure by default)"))


def kind_quality_rows(q: dict) -> list[tuple[str, str]]:
    """Run-quality rows: what decided the tickets' kinds, and the per-desk head's cross-validated figures.

    Examples
    --------
    >>> kind_quality_rows({"kind_export": 3, "kind_rule": 5, "desk_labelled": 0})
    [('ticket kind decided by', "the export's own type field 3, the text rules 5")]
    """
    counts = [f"{words} {int(q[f'kind_{key}'])}" for key, words in _KIND_SOURCE_WORDS if q.get(f"kind_{key}", 0)]
    rows = [("ticket kind decided by", ", ".join(counts))] if counts else []
    if q.get("desk_labelled", 0):
        used = "used" if q.get("desk_used") else "not used (below signals.desk_min_cv_macro_f1)"
        rows.append(("kind head learned from the desk's labels (cross-validated)",
                     f"macro-F1 {_fmt(q.get('desk_cv_macro_f1', float('nan')))}, accuracy "
                     f"{_fmt(q.get('desk_cv_accuracy', float('nan')))} on {int(q['desk_labelled'])} labelled tickets; {used}"))
    return rows

