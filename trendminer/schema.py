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
    "made_sla": "1.0 the export says the SLA was met, 0.0 breached, NaN if the export has no SLA field (float)",
    "first_response_hours": "hours from opening to the first response, NaN if the export does not say (float)",
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
    "language": "the ticket's detected language, as in TICKETS (str)",
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
    "text_irritation": "0..1 calibrated probability that a reader would call the text irritated; with the desk's survey head (survey_head.py) that the user rates the ticket dissatisfied, a rated ticket's own answer",
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
    "service_irritation": "0..1 irritation aimed at the desk: waiting, no reply, passed around, closed unresolved, rude (trendminer.aim)",
    "system_irritation": "0..1 irritation aimed at the system: the text irritation not aimed at the desk",
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
    "irritated": "tickets in the window whose system_irritation (text irritation aimed at the system) >= signals.irritated_threshold",
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
    "recommendation": ("remove | migrate | regression | replace | fix | automate | catalogue | redesign | train | "
                       "document | keep | watch (trendminer.score.recommend)"),
    "reasons": "list of the rules that fired, with their numbers (always at least one)",
    "window_failures": "failures in each of the last analysis windows the history covers in full, current first (list[int])",
    "selfservice": "window tickets (not failures) asking for an unlock or a password reset",
    "callers": "distinct callers in the window",
    "changes": "ids of the change records a regression names, ';'-separated ('' if none)",
    "vendor": "from the catalogue ('' if unknown)",
    "criticality": "from the catalogue ('' if unknown)",
    "owner_team": "from the catalogue ('' if unknown)",
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
}


FINDINGS: Mapping[str, str] = {
    "finding_id": "stable id while the event lasts, e.g. F-20261028-spike-globalprotect-vpn",
    "kind": "spike | step | rise | new | knowledge_gap | data",
    "status": "ongoing | ended",
    "systems": "the systems it covers (list[str])",
    "topic_ids": "every topic whose tickets it covers (list[int])",
    "title": "what it is about, in words",
    "start": "first day of the event (date)",
    "peak_day": "the day with most of its tickets",
    "peak_tickets": "tickets on that day (int)",
    "end": "last day of the event (NaT while ongoing)",
    "note": "why it is judged ended or ongoing",
    "changes": "failure steps: the recorded changes of its system around the step, '; '-separated ('' if none)",
    "tickets": "tickets of its systems and topics from basis_from to basis_to (int)",
    "basis": "what tickets counts",
    "basis_from": "first day counted",
    "basis_to": "last day counted",
    "expected": "tickets the same systems and topics would have had on the same days (float)",
    "ratio": "tickets / expected (NaN when nothing was expected)",
    "extra": "tickets - expected, at least 0",
    "open_tickets": "of its tickets, still open (int)",
    "callers": "distinct callers of its tickets (int)",
    "p1_p2": "of its tickets, priority 1 or 2 (int)",
    "priority_mix": "tickets per priority, 'P1 52; P2 31'",
    "last_ticket": "when its newest ticket was opened",
    "impact": "sqrt(extra x callers) x priority weight x criticality weight",
    "new_gap": "knowledge gaps: first seen as a gap tonight (bool)",
    "headline": "place in the digest's headline, 1 = first; 0 = not headlined",
    "headline_note": "why it is not headlined ('' if it is)",
    "evidence_ids": "the ticket ids its numbers count (list[str])",
}

STATUS: Mapping[str, str] = {
    "entity_type": "system | topic",
    "entity": "system name or topic id (str)",
    "status": "new | rising | steady | fading | ended | recurring | dormant",
    "basis": "the horizon the status rests on",
    "recent": "tickets in the last 7 days (outside ended outages)",
    "expected": "weekly mean of the 4 weeks before",
    "last_4_weeks": "tickets in the last 28 days (outside ended outages)",
    "previous_4_weeks": "tickets in the 28 days before",
    "first_ticket": "day of its first analysed ticket",
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
    >>> validate(pd.DataFrame({"ticket_id": [], "topic_id": [], "language": []}), ASSIGNMENTS, "topics").shape
    (0, 3)
    """
    missing = [c for c in contract if c not in frame.columns]
    if missing:
        raise SchemaError(f"stage {stage!r} produced a frame without columns {missing}")
    return frame

DESK_FACTS: Mapping[str, str] = {
    "ticket_id": "ticket number",
    "group": "assignment group ('(no group)' if the export names none)",
    "system": "the system the ticket is about (attribution)",
    "priority": "1 .. 5, <NA> if unknown (Int64)",
    "opened_at": "when opened",
    "resolved_at": "when resolved (NaT while open at the window's end)",
    "resolved": "resolved before the window's end (bool)",
    "resolve_hours": "hours from opened to resolved (NaN while open)",
    "target_hours": "hours to resolve within target for its priority (signals.resolve_target_hours)",
    "in_target": "1.0 resolved within target_hours, 0.0 not, NaN while open",
    "response_hours": "hours to the first response (NaN if the export does not say)",
    "response_in_target": "1.0 first response within desk.targets.response_in_target.hours, NaN if unknown",
    "fcr": "1.0 resolved without reassignment or reopen within desk.fcr_hours, NaN while open",
    "sla_met": "1.0 SLA met, 0.0 breached: the export's made_sla, else in_target (NaN while open without made_sla)",
    "sla_source": "export | computed | '' (no figure)",
    "reopened": "1.0 reopened at least once, NaN while open",
    "reopen_count": "times reopened (int)",
    "irritated": "the text reads irritated (signals) (bool)",
    "service_irritation": "0..1 service part of irritation (assignments' service_irritation, else process_irritation)",
    "service_source": "which column service_irritation came from",
    "csat": "satisfaction 0..1, NaN without a rating",
    "age_days": "days open at the window's end (NaN when resolved)",
}

DESK: Mapping[str, str] = {
    "level": "desk | group | priority",
    "group": "assignment group ('' on desk and priority rows)",
    "priority": "priority 1..5 on priority rows (<NA> elsewhere; 0 = unknown)",
    "week_start": "Monday of the week (NaT for the analysis window)",
    "r": "response | resolution | respect | volume",
    "measure": "measure key (response_in_target, fcr, resolve_in_target, sla_met, ...)",
    "label": "what the measure is, in words",
    "value": "the figure (shares 0..1, hours, counts); NaN when unavailable",
    "tickets": "tickets the figure is computed from (int)",
    "target": "the configured target (NaN if the measure has none)",
    "at": "least | most | '' : which side of the target is good",
    "met": "1.0 target met, 0.0 missed, NaN without a target or a value",
    "source": "where the target's default comes from ('' without a target)",
}

CALLBACKS: Mapping[str, str] = {
    "ticket_id": "ticket number: open the ticket to call the customer (no names or contact data here)",
    "system": "the system the ticket is about",
    "group": "assignment group that resolved it",
    "priority": "priority 1..5 (<NA> if unknown)",
    "resolved_on": "day resolved (YYYY-MM-DD)",
    "stratum": "reopened | irritated | long-running | other",
    "why": "what put it in its stratum, with the numbers",
    "weight": "tickets of its stratum per sampled ticket (inverse sampling fraction)",
}
