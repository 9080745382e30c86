"""Builds the view models (:mod:`trendminer.report.models`) of the pages from a run.

Every number is computed and formatted here (and in :mod:`.cards`, :mod:`.pain`), every sentence
comes from :mod:`.phrases`; templates only loop and branch. Every count is of the one analysis
window (:class:`~trendminer.window.Window`) that the page header states, unless its label says
otherwise ("last 7 days", "since first seen").
"""
from __future__ import annotations

import re

from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..config import Settings
from ..window import Window
from . import cards, pain, series, timecharts
from . import knowledge as kview
from .headline import findings
from .models import (
    Digest, Drill, Flag, Headline, Index, Page, PainPoints, RunData, SystemCard, SystemsReport, Theme, Ticket,
    TopicRow, slug,
)
from .phrases import change_text, finding_text

NAV = [("index.html", "Overview"), ("digest.html", "Nightly digest"),
       ("systems.html", "Systems report"), ("pain-points.html", "Pain points"), ("knowledge.html", "Knowledge")]
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
        t = t.merge(data.signals, on="ticket_id").merge(data.assignments, on="ticket_id")
        #: every analysed ticket (the lookback): only for charts over time that say so
        self.t_all = t
        #: the tickets of the analysis window: every count, list and quote on the pages
        self.t = t[window.contains(t["opened_at"], "analysis")]
        self.topic_trend = data.trends[data.trends["entity_type"] == "topic"].set_index("entity")
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
                        trend["flag"] if trend is not None else "steady",
                        trend["lifecycle"] if trend is not None else "Resolved", info_row["top_system"],
                        [_snippet(x, 100) for x in reps], int(info_row["size"]), self.drill(rows),
                        ", ".join(info_row["keyphrases"]))

    def flags(self) -> list[Flag]:
        out = []
        for _, r in self.d.trends[self.d.trends["flag"] != "steady"].iterrows():
            anchor = f"topic-{r['entity']}" if r["entity_type"] == "topic" else self.anchor(r["entity"])
            out.append(Flag(r["entity_type"], r["label"], anchor, r["flag"], int(r["recent"]),
                            _fmt(r["expected"], 1), _fmt(r["ratio"], 1), f"{r['p_value']:.1g}", r["since"]))
        return out

    def headline(self, charts: bool = False) -> list[Headline]:
        """The night in 1-6 sentences, most important first, each linking to its evidence
        (and, with ``charts``, the finding over time)."""
        return [Headline(finding_text(f), f["anchor"], self.finding_chart(f) if charts else Markup(""))
                for f in findings(self.d, self.window, anchor=self.anchor)]

    def _opened(self, entity_type: str, entity: str) -> pd.Series:
        t = self.t_all
        mask = t["system"] == entity if entity_type == "system" else t["topic_id"] == int(entity)
        return t.loc[mask, "opened_at"]

    def finding_chart(self, f: dict) -> Markup:
        """Daily tickets of the last six weeks for a spike (expected per weekday, start marked);
        weekly failures since the data starts for a step change (the change week marked)."""
        w = self.window
        if f["finding"] == "spike":
            days, counts = series.daily_counts(self._opened(f["entity_type"], f["entity"]),
                                               w.end - pd.Timedelta(days=42), w.end)
            expected = series.weekday_expected(days, counts, w.baseline_start, w.recent_start)
            return timecharts.daily_chart(days, counts, f"{f['name']}: tickets per day", expected=expected,
                                          marks=[(f["since"].date(), f"since {f['since'].day} {f['since']:%b}")])
        if f["finding"] == "step":
            t = self.t_all
            week_starts, counts = self.weekly((t["system"] == f["entity"]) & t["kind"].eq("failure"))
            return timecharts.weekly_multiples({f["name"]: counts}, week_starts, f"{f['name']}: failures per week",
                                               marks={f["name"]: (f["week"].date(), "change")},
                                               unit="failures per week")
        return Markup("")

    def digest(self) -> Digest:
        acc = self.d.accounting
        top = self.d.info.assign(_n=self.d.info["topic_id"].map(self.in_window).fillna(0)).sort_values(
            ["_n", "topic_id"], ascending=[False, True]).head(int(self.settings["report"]["top_topics"]))
        q = self.d.quality
        quality = [("problem topics", str(len(self.d.info))),
                   ("tickets in the remainder (no topic)", f"{int(q.get('remainder', 0))} ({q.get('remainder_share', 0):.1%})"),
                   ("of which in other languages (not clustered)", f"{int(q.get('other_language', 0))}"),
                   ("largest / median topic size (whole lookback)", f"{q.get('largest', 0):.0f} / {q.get('median', 0):.0f}"),
                   ("silhouette of the topics (cosine, sample of ≤2,000 tickets; higher is better)",
                    _fmt(q.get("silhouette", float("nan")))),
                   ("tickets that kept their topic id since the last run",
                    "first run" if not np.isfinite(q.get("stability", float("nan"))) else f"{q['stability']:.1%}"),
                   ("tickets not attributed to a system", f"{int(q.get('unattributed', 0))}"),
                   *kind_quality_rows(q)]
        big = top.head(8)
        week_starts = self.weekly(self.t_all["topic_id"] == -2)[0]
        topics_chart = timecharts.topics_over_time(
            {str(r["label"]): self.weekly(self.t_all["topic_id"] == int(r["topic_id"]))[1] for _, r in big.iterrows()},
            week_starts, "Weekly tickets of the biggest topics") if len(big) else Markup("")
        return Digest(self.page("Nightly digest"), self.headline(charts=True), [change_text(c) for c in self.d.changes],
                      self.flags(), [self.topic_row(r) for _, r in top.iterrows()],
                      {"rows": acc.rows, "accepted": acc.accepted, "duplicates": acc.duplicates,
                       "rejected": acc.rejected},
                      sorted(acc.reasons.items(), key=lambda x: -x[1]),
                      [str(e) for e in acc.examples[:20]], list(acc.warnings), quality, self.provenance(),
                      self.themes(), [self.topic_row(r) for _, r in self.d.info.iterrows()],
                      topics_chart=topics_chart, knowledge=kview.digest_lines(self.d.knowledge))

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
                                    self.settings["score"]["cost"]["currency"])

    def index(self) -> Index:
        pages = [("digest.html", "Nightly digest", "For the desk lead: what changed, spikes, top problems, data quality."),
                 ("systems.html", "Systems report", "For architects: systems ranked by failures and irritation, with recommendations."),
                 ("pain-points.html", "Pain-point briefs", "For design teams: why a system is hard to use, with user quotes."),
                 ("knowledge.html", "Knowledge brief", "For the knowledge manager: questions no article answers, articles that do not stop the tickets, automation candidates.")]
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

