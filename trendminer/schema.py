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
    "kind_source": "rule | category | classifier | default: what decided the kind",
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
