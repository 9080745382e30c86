"""View models of the knowledge brief (knowledge.html), its digest section and the pain-point line.

Numbers come from the knowledge stage's frame (``schema.KNOWLEDGE``), the same frame the
``knowledge`` export writes; here they are only formatted and phrased.
"""
from __future__ import annotations

from pathlib import Path

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..knowledge import HOW_TO_ADD
from .models import Page

STATUS_TEXT = {"gap": "gap: no article answers it", "covered_rising": "covered, but still rising",
               "covered": "covered", "": "no knowledge-base export"}
EVIDENCE_TEXT = {"outdated": "article outdated", "findability": "article not found", "content": "article does not answer"}


@dataclass
class KnowledgeItem:
    """One how-to or request topic as the page shows it."""

    rank: int
    topic_id: int
    anchor: str
    label: str
    kind: str
    system: str
    tickets: int
    per_month: str
    trend: str          # "4.1 → 14.9 a month (3.6×)"
    rising: bool
    status: str
    status_text: str
    article: str
    article_title: str
    article_updated: str
    score: str
    evidence: str
    evidence_text: str
    savings: str
    callers: int
    resolve_hours: str
    article_excerpt: str
    question: list[str]
    systems: list[str]
    screens: list[str]
    steps: list[str]
    notes: int
    new_gap: bool
    automation: bool


@dataclass
class KnowledgePage:
    page: Page
    has_kb: bool
    how_to_add: str
    window: str
    kb_summary: str
    kb_examples: list[str]
    match: str
    prevented: str
    currency: str
    totals: list[tuple[str, str]]
    gaps: list[KnowledgeItem]
    stale: list[KnowledgeItem]
    covered: list[KnowledgeItem]
    automation: list[KnowledgeItem]
    candidates: list[KnowledgeItem]
    unmatched: list[tuple[str, str]]
    deflection: str


def _num(x: float, digits: int = 1) -> str:
    return "–" if x is None or not np.isfinite(float(x)) else f"{float(x):,.{digits}f}"


def _status_text(row: pd.Series) -> str:
    """The status flag; none for a request without an article (an article is not what it lacks)."""
    return "" if row["kind"] == "request" and row["status"] == "gap" else STATUS_TEXT[str(row["status"])]


def item(row: pd.Series, currency: str, bodies: dict | None = None) -> KnowledgeItem:
    """Format one row of the knowledge frame (``bodies``: article id -> cleaned text)."""
    body = " ".join(str((bodies or {}).get(row["best_article"], "")).split())
    excerpt = body if len(body) <= 180 else body[:179].rsplit(" ", 1)[0] + "…"
    ratio = row["trend_ratio"]
    trend = (f"{_num(row['per_month_before'])} → {_num(row['per_month_recent'])} a month"
             + (f" ({_num(ratio)}×)" if np.isfinite(ratio) else " (none before)"))
    updated = row["article_updated"]
    return KnowledgeItem(
        int(row["rank"]), int(row["topic_id"]), f"k-topic-{int(row['topic_id'])}", str(row["label"]), str(row["kind"]),
        str(row["top_system"]) or "–", int(row["tickets"]), _num(row["per_month"]), trend, bool(row["rising"]),
        str(row["status"]), _status_text(row), str(row["best_article"]), str(row["best_title"]),
        "" if pd.isna(updated) else str(pd.Timestamp(updated).date()), _num(row["best_score"], 2),
        EVIDENCE_TEXT.get(str(row["evidence"]), ""), str(row["evidence_text"]),
        f"{float(row['savings_per_month']):,.0f} {currency}", int(row["callers"]), _num(row["resolve_hours"]),
        excerpt, list(row["question"]),
        list(row["systems"]), list(row["screens"]), list(row["steps"]), int(row["notes"]), bool(row["new_gap"]),
        bool(row["automation"]))


def knowledge_page(run, page: Page, window, currency: str,  # noqa: ANN001 - KnowledgeRun, Window
                   deflection: float = 1.0) -> KnowledgePage:
    """The view model of knowledge.html (``deflection``: the share of tickets the savings assume prevented)."""
    from ..knowledge.stage import listed

    frame = run.frame
    bodies = dict(zip(run.articles["article_id"], run.articles["body"])) if len(run.articles) else {}
    items = [item(r, currency, bodies) for _, r in frame.iterrows()]
    # a request needs a catalogue item, a form or an automation, not an article: never a gap
    gaps = [i for i in items if i.status == "gap" and i.kind != "request"]
    stale = [i for i in items if i.status == "covered_rising" and i.kind != "request"]
    covered = [i for i in items if i.status == "covered" and i.kind != "request"]
    requests = [i for i in items if i.kind == "request"]
    requests.sort(key=lambda i: not i.automation)   # asked often by many people first, then by savings
    totals = [("how-to and request topics", str(len(items))),
              ("tickets in them in the analysis window", f"{int(frame['tickets'].sum()):,}")]
    if run.has_kb:
        totals += [("gaps (no article)", str(gap_count(frame))), ("covered but still rising", str(len(stale))),
                   ("covered", str(len(covered)))]
    totals += [("requests for the catalogue (a form or an item)", str(len(requests))),
               ("of them asked often by many people: automate", str(sum(i.automation for i in requests))),
               (f"what the listed candidates would save a month, if they prevent {deflection:.0%} of their tickets",
                f"{float(frame.loc[listed(frame), 'savings_per_month'].sum()):,.0f} {currency}")]
    d = window.describe()
    acc = run.accounting
    titles = dict(zip(run.articles["article_id"], run.articles["title"])) if len(run.articles) else {}
    return KnowledgePage(
        page, run.has_kb, HOW_TO_ADD,
        f"{d['analysis_from']} to {d['analysis_to']} ({d['analysis_days']} days); a rise compares the last "
        f"weeks with the lookback before them",
        acc.summary() + f" ({Path(acc.source).name})" if acc else "",   # the file's name, never a local path
        list(acc.examples[:10]) if acc else [],
        f"an article answers a topic when the topic's tickets, taken together, read like the article's title "
        f"and opening (similarity at least {run.threshold:.2f} on a scale of 0 to 1, measured on labelled "
        "tickets), and the topic is close to what the article is mainly about",
        f"{run.prevented_share:.1%} of the {run.window_tickets:,} tickets of the analysis window",
        currency, totals, gaps, stale, covered, requests, items if not run.has_kb else [],
        [(a, titles.get(a, "")) for a in run.unmatched_articles], f"{deflection:.0%}")


def gap_count(frame: pd.DataFrame) -> int:
    """Gaps as every page counts them: no article answers the topic, and it is not a request
    (a request goes to the catalogue and automation list instead)."""
    return int(((frame["status"] == "gap") & frame["kind"].ne("request")).sum()) if len(frame) else 0


def digest_lines(run) -> list[str]:  # noqa: ANN001 - KnowledgeRun
    """The digest's knowledge section: new gaps this week (or what to do without an export)."""
    if run is None:
        return []
    if not run.has_kb:
        n = len(run.frame)
        return [f"{n} recurring how-to and request topic{'s' if n != 1 else ''} listed as candidates; "
                "add a knowledge-base export to see which an article answers (--kb FILE)."]
    new = run.frame[run.frame["new_gap"]]
    if not len(new):
        return [f"No new knowledge gaps this week ({gap_count(run.frame)} gaps in all)."]
    return [f"New gap: {r['label']}: {_num(r['per_month'])} tickets a month, no article answers it."
            for _, r in new.iterrows()] + [f"({gap_count(run.frame)} gaps in all)"]


def system_lines(run, system: str) -> list[str]:  # noqa: ANN001 - KnowledgeRun
    """The pain-point brief's line per system: what users ask, how often, and what the screen does not say."""
    if run is None or not len(run.frame):
        return []
    mine = run.frame[(run.frame["top_system"] == system) & (run.frame["kind"] == "howto")].head(2)
    out = []
    for _, r in mine.iterrows():
        asked = r["question"][0] if len(r["question"]) else r["label"]
        where = f"the screens they name ({', '.join(r['screens'][:2])}) do not" if len(r["screens"]) else "the screen does not"
        state = {"gap": "no article answers it", "covered_rising": f"article {r['best_article']} exists, yet the "
                 "tickets keep rising", "covered": f"article {r['best_article']} answers it, users still ask",
                 "": "no knowledge-base export to check"}[r["status"]]
        out.append(f"Users ask “{asked}” about {_num(r['per_month'], 0)} times a month: {where} say it; {state}.")
    return out
