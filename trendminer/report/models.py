"""The view models: plain dataclasses holding everything the templates show.

Templates only loop and branch over these; :mod:`trendminer.report.views` fills them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup

from ..ingest import Accounting


def slug(text: str) -> str:
    """Stable anchor for a name. Examples: ``slug("SAP ERP") == "sap-erp"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass
class Flag:
    kind: str          # system | topic
    name: str
    anchor: str
    flag: str
    recent: int
    expected: str
    ratio: str
    p_value: str
    since: str


@dataclass
class TopicRow:
    topic_id: int
    anchor: str
    label: str
    size: int
    recent: int
    flag: str
    lifecycle: str
    system: str
    examples: list[str]


@dataclass
class Ticket:
    ticket_id: str
    opened: str
    title: str
    snippet: str
    kind: str
    irritation: str


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
    irritation: str
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


@dataclass
class PainPoint:
    name: str
    anchor: str
    tickets: int
    howto_share: str
    failure_share: str
    request_share: str
    irritation: str
    themes: list[TopicRow]
    quotes: list[Ticket]
    questions: list[str]


@dataclass
class Page:
    """What every page shows in its header and footer."""

    title: str
    as_of: str
    generated_at: str
    nav: list[tuple[str, str]]


@dataclass
class Theme:
    name: str
    tickets: int
    n_topics: int
    top: list[TopicRow]


@dataclass
class Digest:
    page: Page
    headline: str
    changes: list[str]
    flags: list[Flag]
    topics: list[TopicRow]
    accounting: dict[str, int]
    rejection_reasons: list[tuple[str, int]]
    rejection_examples: list[str]
    warnings: list[str]
    quality: list[tuple[str, str]]
    provenance: list[tuple[str, str]]
    themes: list[Theme]
    all_topics: list[TopicRow]


@dataclass
class OwnerSystem:
    """One line of an owner team's section: a system, where it ranks, what to do, its top problem."""

    name: str
    anchor: str           # the system's scorecard
    rank: str             # "#3", or "too few to rank"
    tickets: int
    failures: int
    irritation: str
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
    unranked_listed: list[tuple[str, str, int]] = field(default_factory=list)  # (name, anchor, tickets) past the cards
    unranked_more: int = 0   # too-few-to-rank systems neither carded nor listed (all are in systems.csv)


@dataclass
class PainPoints:
    page: Page
    briefs: list[PainPoint]


@dataclass
class Index:
    page: Page
    pages: list[tuple[str, str, str]]
    headline: str


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
    changes: list[str] = field(default_factory=list)
    quality: dict[str, float] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
