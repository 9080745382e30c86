"""The columns of every frame passed between stages, in one place.

Each contract maps a column to a short description. :func:`validate` checks a frame at a
stage boundary and names the stage and the missing columns when it fails.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .errors import SchemaError

# Type aliases for readability in signatures.
Tickets = pd.DataFrame
Assignments = pd.DataFrame
TopicInfo = pd.DataFrame
Attribution = pd.DataFrame
Signals = pd.DataFrame
SystemScores = pd.DataFrame
Trends = pd.DataFrame
KnowledgeFrame = pd.DataFrame
Articles = pd.DataFrame

TICKETS: Mapping[str, str] = {
    "ticket_id": "unique ticket number (str)",
    "opened_at": "when opened (datetime64, naive local time)",
    "resolved_at": "when resolved (datetime64, NaT while open)",
    "updated_at": "last update (datetime64); the newest row of a ticket wins",
    "title": "cleaned and redacted one-line summary (str)",
    "description": "cleaned and redacted body (str)",
    "system_field": "CI / service / application named by the export ('' if none)",
    "category": "category or request type ('' if none)",
    "priority": "1 (critical) .. 5 (planning); <NA> if unknown (Int64)",
    "state": "workflow state ('' if none)",
    "caller_key": "pseudonymous caller key, a hash ('' if none)",
    "assignment_group": "team working the ticket ('' if none)",
    "reopen_count": "times reopened (int)",
    "reassignment_count": "times reassigned (int)",
    "language": "ISO 639-1 code detected from the text, 'und' if undetermined (str)",
    "csat": "customer satisfaction scaled 0..1, NaN if none (float)",
    "kind_label": "the kind the export states: failure | howto | request | incident (not a request) | '' (trendminer.ingest.kinds)",
    "resolution": "cleaned and redacted resolution note: ServiceNow close_notes, Jira resolution notes / last comment, Zendesk last public agent comment ('' if none)",
    "text": "what is embedded: title + head of the description (str)",
    "text_hash": "sha256 of text (str)",
    "source_file": "file the row came from (str)",
    "source_row": "1-based data row number in that file (int)",
}

ASSIGNMENTS: Mapping[str, str] = {
    "ticket_id": "ticket number",
    "topic_id": "topic number; -1 = remainder (int)",
}

TOPIC_INFO: Mapping[str, str] = {
    "topic_id": "topic number (int), 0 = largest",
    "label": "short unique human-readable label (str)",
    "keyphrases": "list of keyphrases (list[str])",
    "size": "tickets in the topic (int)",
    "representatives": "ticket ids closest to the centre (list[str])",
    "top_system": "the system most of its tickets are about ('' if none dominates)",
    "theme": "the group of related topics it belongs to, named by keyphrases",
}

ATTRIBUTION: Mapping[str, str] = {
    "ticket_id": "ticket number",
    "system": "catalogue name, the raw CI value, or the unattributed bucket (str)",
    "source": "field | catalogue | fuzzy | none",
    "confidence": "0..1 (float)",
}

SIGNALS: Mapping[str, str] = {
    "ticket_id": "ticket number",
    "kind": "failure | howto | request",
    "kind_source": "export | desk | rule | category | classifier | default: what decided the kind (trendminer.kind_source)",
    "text_irritation": "0..1 calibrated probability that a reader would call the text irritated",
    "frustration": "0..1 frustration language",
    "repetition": "0..1 'again / still / third time'",
    "shouting": "0..1 capitals and '!!!'",
    "urgency": "0..1 urgency words",
    "sentiment": "0..1 probability of negative sentiment (0 without the model)",
    "reopens": "0..1 reopened",
    "reassignments": "0..1 bounced between teams",
    "repeat_contacts": "0..1 the same caller about the same system in the days before",
    "resolve_time": "0..1 time to resolve (open: so far) over the priority's target",
    "low_csat": "0..1 low customer satisfaction (0 where there is no rating)",
    "escalations": "0..1 escalated (keyword in category/state, or asked for in the text)",
    "irritated": "text_irritation >= signals.irritated_threshold (bool)",
    "process_irritation": "0..1 weighted mean of the process components",
    "irritation": "weighted mean of all components, 0..1",
}

SYSTEM_SCORES: Mapping[str, str] = {
    "system": "system name",
    "tickets": "tickets in the scoring window",
    "failures": "failure tickets in the window",
    "howto": "how-to tickets in the window",
    "requests": "access / request tickets in the window",
    "also_named": "tickets in the window whose text names this system besides their primary one (not in tickets)",
    "also_named_failures": "failure tickets among also_named",
    "user_count": "users from the catalogue (<NA> if unknown)",
    "failures_per_100_users": "failures per 100 users (NaN if unknown)",
    "irritated": "tickets in the window whose text irritation >= signals.irritated_threshold",
    "irritated_share": "irritated / tickets (0 without tickets)",
    "irritated_share_low": "lower end of the 95% Wilson interval of irritated_share",
    "irritated_share_high": "upper end of the 95% Wilson interval of irritated_share",
    "process_irritation": "mean process irritation of the system's tickets",
    "irritation": "the system's irritation: irritated_share",
    "recent": "tickets in the recent trend window",
    "expected": "tickets expected in it from the baseline",
    "trend_ratio": "recent / expected",
    "cost": "estimated handling cost in the window",
    "trouble_score": "composite 0..1",
    "rank": "1 = most trouble",
    "recommendation": "replace | retire | upgrade | fix | redesign | train | document | keep | watch",
    "reasons": "list of the rules that fired, with their numbers",
}

TRENDS: Mapping[str, str] = {
    "entity_type": "system | topic",
    "entity": "system name or topic id (str)",
    "label": "display label",
    "recent": "tickets in the last recent_days",
    "baseline": "tickets in the baseline_days before",
    "expected": "expected in the recent window from the baseline",
    "ratio": "recent / expected",
    "p_value": "one-sided Poisson p-value of a rise (or fall for fading)",
    "flag": "new | spiking | rising | fading | steady",
    "today": "tickets on the as-of day",
    "today_expected": "mean tickets on the same weekday in the baseline weeks",
    "since": "first recent day at twice (and 3 above) its weekday's usual count ('' when steady or fading)",
    "lifecycle": "topics: New | Emerging | Active | Fading | Resolved; systems: ''",
}


KNOWLEDGE: Mapping[str, str] = {
    "rank": "1 = saves the most (int)",
    "topic_id": "topic number (int)",
    "label": "topic label",
    "kind": "howto | request: what most of its asking tickets are",
    "top_system": "the system most of its tickets are about ('' if none dominates)",
    "tickets": "tickets in the analysis window (int)",
    "per_month": "tickets per month in the analysis window (float)",
    "before": "tickets from the lookback start to the recent window (int)",
    "recent": "tickets in the recent window (knowledge.recent_days) (int)",
    "per_month_before": "tickets per month before the recent window",
    "per_month_recent": "tickets per month in the recent window",
    "trend_ratio": "per_month_recent / per_month_before (inf when nothing before)",
    "rising": "the recent rate is a significant rise (bool)",
    "status": "covered | covered_rising | gap; '' without a knowledge-base export",
    "articles": "ids of the published articles that answer it, best first (list[str])",
    "best_article": "id of the best matching article ('' if none matched)",
    "best_title": "its title ('' if none)",
    "best_score": "cosine similarity of the topic centroid to the nearest published or unpublished article",
    "article_updated": "last update of the best matching article (NaT if none)",
    "article_views": "its view count (NaN if unknown)",
    "evidence": "covered_rising only: outdated | findability | content",
    "evidence_text": "what points there, with dates and numbers",
    "callers": "distinct callers in the analysis window (int)",
    "resolve_hours": "median hours from opened to resolved of its resolved tickets in the window (NaN if none)",
    "savings_per_month": "per_month x handling cost per ticket (score.cost)",
    "automation": "a request asked often by many people: a form or automation candidate (bool)",
    "new_gap": "a gap that was not one in the last run, or a topic first seen this week (bool)",
    "question": "typical titles, as users phrase the question (list[str])",
    "systems": "systems the tickets are about, most first (list[str])",
    "screens": "screens and terms users name: the topic's keyphrases (list[str])",
    "steps": "recurring steps from the resolution notes (list[str])",
    "notes": "tickets with a resolution note (int)",
}

ARTICLES: Mapping[str, str] = {
    "article_id": "article number / id (str)",
    "title": "cleaned, redacted title",
    "body": "cleaned, redacted text of the body",
    "url": "link or path ('' if none)",
    "category": "category / section ('' if none)",
    "state": "workflow state, lower case ('' if none)",
    "published": "counts as coverage: published or no state given (bool)",
    "updated_at": "last update (datetime64, NaT if unknown)",
    "views": "view count (float, NaN if unknown)",
    "text": "what is embedded: title + head of the body",
    "text_hash": "sha256 of text",
    "source_file": "file the row came from",
    "source_row": "1-based row (or page) number",
}


def validate(frame: pd.DataFrame, contract: Mapping[str, str], stage: str) -> pd.DataFrame:
    """Check that ``frame`` has every column of ``contract``; return it unchanged.

    Raises
    ------
    SchemaError
        Naming the stage and the missing columns.

    Examples
    --------
    >>> validate(pd.DataFrame({"ticket_id": [], "topic_id": []}), ASSIGNMENTS, "topics").shape
    (0, 2)
    """
    missing = [c for c in contract if c not in frame.columns]
    if missing:
        raise SchemaError(f"stage {stage!r} produced a frame without columns {missing}")
    return frame
