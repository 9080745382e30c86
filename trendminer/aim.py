"""Where a ticket's irritation is aimed: at the desk (the service) or at the system.

A third of complaints are about the service itself, not the system: waiting, no answer,
being passed around, tickets closed unresolved, rudeness ("made to feel I was
interrupting"). Each ticket's text irritation ``p`` is split into two parts, both 0..1:

- ``service_irritation = max(p * aim, desk_process)``
- ``system_irritation = p * (1 - aim)``

``aim`` is how likely the irritation is aimed at the desk: :data:`RULE_PRECISION` when the
customer's words name the service (:data:`SERVICE_PATTERNS`, rules over the text), raised by
the desk's own process facts (passed between teams, late, reopened after closing); 0 when
nothing points at the desk. ``desk_process`` is half the mean of those three process
components (:mod:`trendminer.signals`; a fact of the handling alone is half the evidence the
user's own words are), so a ticket bounced five times and days late counts against the desk
even when its words are calm.

The rules were checked by hand on every irritated text they fire on in GoEmotions (Apache-2.0)
and Senti4SD (MIT) (``scripts/measure_service_rules.py``; keys and judgements in
``models/irritation/service_rules_judged.csv``, figures in ``service_rules.json``): 34 of the 44
hits are aimed at people or a service rather than at a thing, :data:`RULE_PRECISION` = 0.773.
Those are Reddit and Stack Overflow texts, so mostly the ``rude`` theme was exercised; the
waiting / no-reply / passed-around / closed-unresolved themes are phrased for tickets and are
covered by the planted tests. No classifier was trained for the aim: GoEmotions has no label
for *what* a text is irritated at, and rules whose precision is measured say why they fired.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .irritation import customer_segments

#: phrases in the customer's words that aim irritation at the desk, by theme
SERVICE_PATTERNS: dict[str, str] = {
    "waiting": r"\b(still waiting (for|on)|(been|kept) waiting (for|since|on) (a |an |your |any |my )?(reply|response|answer|update|"
               r"someone|somebody|anyone|days|weeks|hours|ages)|how long do i have to wait|"
               r"(days|weeks) (later|and no|without (a |an )?(reply|response|answer|update|fix))|on hold for (an? )?(hour|hours|ages|\d+))\b",
    "no_reply": r"\b(no (reply|response|answer|update|feedback)( yet| at all| from)|never (heard|got|received) (back|a reply|an answer|a response)|"
                r"(nobody|no one|no-one) (has )?(called|rang|answered|responded|replied|bothered|got back|gets back|came back|calls back)|"
                r"(didn'?t|did not|never) (call|ring|get|write|come) back|ignored (me|us|my|our)|ignoring (me|us|my|our)|"
                r"(was|were|been|is|are|got|get|keeps? getting) ignored|still unanswered|not (been )?answered|"
                r"no callback|(emails?|tickets?|calls?|messages?|requests?) (go|goes|went) unanswered)\b",
    "passed_around": r"\b(passed (around|from|between|back and forth)|bounced (around|between|from)|"
                     r"(reassigned|transferred|forwarded) (again|(\w+ )?(times|twice))|another (team|department|group|queue)|"
                     r"(told|sent) to (call|contact|ask|raise|open) (someone|another|a different|the other)|"
                     r"not (my|our) (department|team|problem)|wrong (team|queue|department))\b",
    "closed_unresolved": r"\b((closed|resolved|marked as (resolved|solved|closed))( it)? (without|but|although|even though)|"
                         r"(closed|resolved) (my|the) ticket (without|but|although|again)|"
                         r"(you|they|somebody|someone) (closed|resolved) (it|my ticket|the ticket)|"
                         r"not (actually |really )?(fixed|resolved|solved)( at all)?,? (but|and)|reopen(ed|ing)? (again|it))\b",
    "rude": r"\b(rude|rudely|impolite|condescending|patroni[sz]ing|dismissive|unhelpful (agent|staff|technician|support)|"
            r"(hung|hang) up on me|(made|make|making) (me|us) feel (like )?(stupid|an idiot|a nuisance|small|unwelcome|"
            r"(i|we) (was|were) (interrupting|bothering|a nuisance|stupid))|treated (me|us) like|bad attitude|unprofessional|"
            r"(interrupting|bothering) (them|him|her)|(nobody|no one) cares)\b",
    "desk_named": r"\b((the |your |this )?(help ?desk|service ?desk|support (team|staff|desk)|it support|"
                  r"the agent|the technician|customer service)( (is|are|was|were|has|have|never|didn'?t|did not|"
                  r"keeps?|just|still))? (useless|slow|terrible|awful|hopeless|never|not (helpful|responding|answering)|"
                  r"ignor\w+|unhelpful|rude|incompetent))\b",
}
_COMPILED = {theme: re.compile(p, re.IGNORECASE) for theme, p in SERVICE_PATTERNS.items()}
#: share of rule hits judged aimed at people / a service rather than a thing: 34 of the 44 irritated
#: GoEmotions + Senti4SD texts the rules fire on, judged by hand (models/irritation/service_rules.json)
RULE_PRECISION = 0.773
#: process components (signals) that are facts about the desk's handling
DESK_PROCESS = ("reassignments", "resolve_time", "reopens")
#: what the desk's process facts alone weigh against words that name the desk
PROCESS_WEIGHT = 0.5


def service_themes(text: str) -> list[str]:
    """The :data:`SERVICE_PATTERNS` themes the customer's part of ``text`` names (agent turns dropped).

    Examples
    --------
    >>> service_themes("Still waiting for a reply after 5 days. Nobody called back.")
    ['waiting', 'no_reply']
    >>> service_themes("SAP crashes every time I open the report")
    []
    >>> service_themes("Customer: VPN down\\nAgent: sorry, nobody called back, we will")
    []
    """
    words = "\n".join(customer_segments(text)) if _may_have_agent(text) else text
    return [theme for theme, pattern in _COMPILED.items() if pattern.search(words)]


def _may_have_agent(text: str) -> bool:
    return bool(re.search(r"(?im)^\s*\[?(agent|analyst|technician|support|service ?desk|help ?desk)\]?\s*[:>-]|"
                          r"original message|wrote:|^\s*from\s*:", text))


def aim(texts: Sequence[str], process: pd.DataFrame) -> np.ndarray:
    """How likely each ticket's irritation is aimed at the desk, ``(n,)`` in 0..1.

    Parameters
    ----------
    texts : sequence of str
        What the customer wrote (title, description, survey comment).
    process : DataFrame
        The :data:`DESK_PROCESS` columns of :func:`trendminer.signals.signals`, each 0..1.

    Examples
    --------
    >>> p = pd.DataFrame({"reassignments": [0.0, 1.0, 0.0], "resolve_time": [0.0, 1.0, 0.0],
    ...                   "reopens": [0.0, 0.0, 0.0]})
    >>> aim(["nobody called back", "Excel crashes", "Excel crashes"], p).round(3).tolist()
    [0.773, 0.333, 0.0]
    """
    hits = np.array([bool(service_themes(t)) for t in texts], dtype=float)
    return np.maximum(RULE_PRECISION * hits, desk_process(process))


def desk_process(process: pd.DataFrame) -> np.ndarray:
    """Half the mean of the desk's process components (passed around, late, reopened), 0..0.5."""
    if not len(process):
        return np.zeros(0)
    return PROCESS_WEIGHT * np.mean([process[c].to_numpy(dtype=float) for c in DESK_PROCESS], axis=0)


def split_irritation(text_irritation: np.ndarray, aim_: np.ndarray, desk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(service_irritation, system_irritation)`` from the text irritation, its aim and the desk's
    process part, each clipped to 0..1.

    Examples
    --------
    >>> s, y = split_irritation(np.array([0.9, 0.9, 0.1]), np.array([0.85, 0.0, 0.0]), np.array([0.0, 0.0, 0.6]))
    >>> s.round(3).tolist(), y.round(3).tolist()
    ([0.765, 0.0, 0.6], [0.135, 0.9, 0.1])
    """
    p = np.clip(np.asarray(text_irritation, dtype=float), 0.0, 1.0)
    a = np.clip(np.asarray(aim_, dtype=float), 0.0, 1.0)
    service = np.clip(np.maximum(p * a, np.asarray(desk, dtype=float)), 0.0, 1.0)
    return service, np.clip(p * (1.0 - a), 0.0, 1.0)


def service_rise(opened: pd.Series, service: pd.Series, system: pd.Series, window, *, min_count: int = 5,  # noqa: ANN001
                 ratio: float = 1.25, p_max: float = 0.05) -> dict:
    """The desk's part this week against its baseline: the numbers the digest phrases.

    Compares the mean ``service_irritation`` of the tickets opened in the window's recent
    period with those of its baseline period (one-sided Welch z-test of the means). It
    ``rises`` when the recent mean is at least ``ratio`` times the baseline's, the test's
    p-value is below ``p_max``, and at least ``min_count`` tickets are recent.

    Parameters
    ----------
    opened, service, system : Series
        Opening time, service and system irritation of each ticket (aligned).
    window : Window

    Returns
    -------
    dict
        ``recent`` / ``baseline`` tickets, ``recent_mean`` / ``baseline_mean`` of the service
        part, ``system_mean`` (recent, for contrast), ``p_value``, ``rises`` (bool) and the
        periods' first and last days.
    """
    from scipy.stats import norm

    recent = np.asarray(window.contains(opened, "recent"), dtype=bool)
    base = np.asarray(window.contains(opened, "baseline"), dtype=bool)
    s = np.asarray(service, dtype=float)
    r, b = s[recent], s[base]
    rm = float(r.mean()) if len(r) else 0.0
    bm = float(b.mean()) if len(b) else 0.0
    se = np.sqrt((r.var(ddof=1) / len(r) if len(r) > 1 else 0.0) + (b.var(ddof=1) / len(b) if len(b) > 1 else 0.0))
    p = float(norm.sf((rm - bm) / se)) if se > 0 else (0.0 if rm > bm else 1.0)
    w = window.describe()
    return {"recent": int(recent.sum()), "baseline": int(base.sum()), "recent_mean": round(rm, 4),
            "baseline_mean": round(bm, 4),
            "system_mean": round(float(np.asarray(system, dtype=float)[recent].mean()) if recent.any() else 0.0, 4),
            "p_value": round(p, 6), "rises": bool(len(r) >= min_count and len(b) > 0 and rm >= ratio * bm and p < p_max),
            "recent_from": w["recent_from"], "recent_to": w["as_of"], "baseline_from": w["baseline_from"],
            "baseline_to": w["baseline_to"]}


__all__ = ["DESK_PROCESS", "RULE_PRECISION", "SERVICE_PATTERNS", "aim", "desk_process", "service_rise", "service_themes",
           "split_irritation"]
