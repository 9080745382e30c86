"""The view models: plain dataclasses holding everything the templates show.

Templates only loop and branch over these; :mod:`trendminer.report.views` fills them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup

from ..ingest import Accounting
from ..window import Window


def slug(text: str) -> str:
    """Stable anchor for a name. Examples: ``slug("SAP ERP") == "sap-erp"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass
class Flag:
    kind: str          # system | topic
    name: str
    anchor: str
    status: str        # the one status (trendminer.findings); the numbers are the one-week test
    entity: str        # system name or topic id
    recent: int
    expected: str
    ratio: str
    p_value: str
    since: str


@dataclass
class Ticket:
    ticket_id: str
    opened: str
    title: str
    snippet: str
    kind: str
    irritation: str       # probability (0-1) that a reader would call its text irritated


@dataclass
class Drill:
    """The tickets behind a count, for a ``<details>`` list: the first ``shown``, and how many in all."""

    total: int
    shown: list[Ticket]


@dataclass
class TopicRow:
    topic_id: int
    anchor: str
    label: str
    size: int            # tickets in the analysis window (of the system, on a scorecard)
    recent: int          # tickets in the recent period
    status: str          # the one status of the topic (trendminer.findings)
    system: str
    examples: list[str]
    total: int = 0       # tickets of the topic in the whole lookback (since it was first seen)
    drill: Drill | None = None
    keyphrases: str = ""  # secondary to the label: "sync error, red crosses"


@dataclass
class Headline:
    text: str
    href: str
    chart: Markup = Markup("")   # the finding over time (daily for a spike, weekly for a step)


@dataclass
class SystemCard:
    rank: int
    name: str
    anchor: str
    rankable: bool
    lifecycle: str
    owner: str
    tickets: int
    failures: int
    howto: int
    requests: int
    per_100_users: str
    irritation: str       # share of its tickets irritated, with the 95% interval: "32% (27–38%)"
    recent: int
    expected: str
    trend_ratio: str
    cost: str
    currency: str
    score: str
    recommendation: str
    reasons: list[str]
    parts: list[tuple[str, str]]
    parts_chart: Markup
    sparkline: Markup
    topics: list[TopicRow]
    evidence: list[Ticket]
    action: str = ""                  # what to do, in an architect's words
    why: str = ""                     # the rule that decided it, with its numbers
    also: list[str] = field(default_factory=list)   # other rules that fired ("also considered")
    facts: list[tuple[str, str]] = field(default_factory=list)  # evidence rows: name, value
    drill: Drill | None = None
    status: str = "steady"            # the one status of the system (trendminer.findings)
    would_change: str = ""            # what would change the recommendation
    catalogue: list[tuple[str, str]] = field(default_factory=list)  # criticality, vendor, owner (as known)


@dataclass
class PainPoint:
    name: str
    anchor: str
    tickets: int
    howto_share: str
    failure_share: str
    request_share: str
    irritation: str       # share of its tickets irritated, with the 95% interval
    themes: list[TopicRow]
    quotes: list[Ticket]
    questions: list[str]
    tasks: list[tuple[str, int]] = field(default_factory=list)   # task or screen, tickets naming it
    other_language: int = 0
    other_language_tickets: list[Ticket] = field(default_factory=list)
    knowledge: list[str] = field(default_factory=list)   # "users ask X ..." (the knowledge stage)
    screens: list[tuple[str, int]] = field(default_factory=list)   # transaction codes and named screens, tickets naming each


@dataclass
class Page:
    """What every page shows in its header and footer."""

    title: str
    as_of: str
    generated_at: str
    nav: list[tuple[str, str]]
    window: str = ""      # the analysis window every number covers, e.g. "6 Sep – 31 Oct 2026 (56 days)"
    recent: str = ""      # the recent period the trends compare, e.g. "25–31 Oct"
    baseline_days: int = 28


@dataclass
class Theme:
    name: str
    tickets: int
    n_topics: int
    top: list[TopicRow]


@dataclass
class FindingView:
    """One finding (one real-world event) as the digest lists it."""

    finding_id: str        # also its anchor on digest.html
    kind: str              # outage | failure step | rise | new problem | knowledge gap | data problem
    status: str            # ongoing | ended
    text: str              # the one sentence (the headline's, when headlined)
    what: list[tuple[str, str]]   # (name, href) of its systems and topics
    dates: str             # "28 Oct – 29 Oct (ended)" / "since 13 Sep, ongoing"
    note: str              # why ended or ongoing
    basis: str             # what its numbers count, and which days
    tickets: int
    expected: str
    ratio: str
    open_tickets: int
    callers: int
    p1_p2: int
    priority_mix: str
    impact: str
    headline: int          # 0 = not headlined
    headline_note: str
    drill: Drill


@dataclass
class MorningView:
    """What is still open at the end of the as-of day."""

    open_tickets: int
    ages: list[tuple[str, int]]
    p1_p2: int
    urgent: list[tuple[str, str, str, str, str]]   # (ticket, system, priority, opened, age in days)
    oldest: list[tuple[str, str, str, str, str]]
    of_findings: list[tuple[str, str, int]]        # (finding id, its anchor, open tickets)
    lookback_from: str


@dataclass
class Digest:
    page: Page
    headline: list[Headline]
    findings: list[FindingView]
    morning: MorningView
    headline_rules: list[str]
    changes: list[str]
    flags: list[Flag]
    accounting: dict[str, int]
    rejection_reasons: list[tuple[str, int]]
    rejection_examples: list[str]
    warnings: list[str]
    quality: list[tuple[str, str]]
    knowledge: list[str] = field(default_factory=list)   # new gaps this week
    unattributed: int = 0   # tickets of the analysis window attributed to no system (as on systems.html)
    desk: list[str] = field(default_factory=list)   # the desk's part of the irritation, when it rises (aim.py)


@dataclass
class TopicsPage:
    """topics.html: every topic with its permanent id and its one status, grouped into themes."""

    page: Page
    themes: list[Theme]
    all_topics: list[TopicRow]
    topics_chart: Markup = Markup("")   # weekly tickets of the biggest topics


@dataclass
class OwnerSystem:
    """One line of an owner team's section: a system, where it ranks, what to do, its top problem."""

    name: str
    anchor: str           # the system's scorecard
    rank: str             # "#3", or "too few to rank"
    tickets: int
    failures: int
    irritation: str       # share of its tickets irritated, with the 95% interval
    recommendation: str
    reason: str           # the rule that decided the recommendation, with its numbers
    top_problem: str      # the largest problem topic among its tickets ("–" if none)


@dataclass
class OwnerSection:
    """The systems one owner team (the catalogue's ``owner_team``) is told about."""

    team: str
    anchor: str           # stable: owner-<slug of the team>
    tickets: int
    failures: int
    systems: list[OwnerSystem]


@dataclass
class SystemsReport:
    page: Page
    pareto: Markup
    cards: list[SystemCard]
    works: list[SystemCard]
    unranked: list[SystemCard]
    unattributed: int
    currency: str
    owners: list[OwnerSection] = field(default_factory=list)
    unowned: str = ""     # e.g. "3 systems name no owner team in the catalogue: A, B, C"
    weekly: Markup = Markup("")   # weekly failures of the ranked systems on one scale, steps marked
    min_tickets: int = 10         # the glossary's numbers (score.min_tickets, score.cost)
    handle_hours: str = ""
    hourly_rate: str = ""
    irritated_threshold: str = "0.5"   # signals.irritated_threshold
    irritation_text_share: str = "50%"  # score.irritation_text_share: the text share's weight in the irritation part
    unranked_listed: list[tuple[str, str, int]] = field(default_factory=list)  # (name, anchor, tickets) past the cards
    unranked_more: int = 0   # too-few-to-rank systems neither carded nor listed (all are in systems.csv)


@dataclass
class PainPoints:
    page: Page
    briefs: list[PainPoint]
    scope: str = ""


@dataclass
class Index:
    page: Page
    pages: list[tuple[str, str, str]]
    headline: list[Headline]


@dataclass
class RunData:
    """The frames of one run, as the report needs them."""

    tickets: pd.DataFrame
    attribution: pd.DataFrame
    assignments: pd.DataFrame
    info: pd.DataFrame
    signals: pd.DataFrame
    trends: pd.DataFrame
    scores: pd.DataFrame
    catalogue: pd.DataFrame
    accounting: Accounting
    changes: list[dict] = field(default_factory=list)   # structured, phrased by report.phrases
    quality: dict[str, float] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    window: Window | None = None   # the night's window; exports state it in every table
    knowledge: object = None   # trendminer.knowledge.KnowledgeRun (None in reports built without it)
    findings: pd.DataFrame | None = None   # trendminer.schema.FINDINGS (None in reports built without it)
    morning: object = None     # trendminer.findings.MorningFacts
    desk: object = None   # trendminer.desk.DeskRun (None in reports built without it)
