"""Per-ticket signals: what kind of ticket it is and how irritated its user is.

Each irritation component is kept (0..1) next to the weighted total, so reports can show
which cue drove a score. Text cues come from the spaCy Matcher lexicon in
``lexicons/irritation.jsonl`` (negated cues like "not urgent" do not count); process cues
come from the reopen and reassignment fields.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import nlp
from .config import Settings
from .schema import SIGNALS, TICKETS, Signals, Tickets, validate

COMPONENTS = ("frustration", "repetition", "shouting", "urgency", "sentiment", "reopens", "reassignments")

_HOWTO = re.compile(
    r"\b(how (do|can|to|should|would)|where (do|can|is|are|to)|which \w+ (do|should)|"
    r"is it possible|can (i|we|you) (change|set|add|find|see|use)|what is the (way|process)|"
    r"instructions?|guide|tutorial|explain|question|unclear|confus\w*|"
    r"wie (kann|geht|mache)|wo (finde|kann))\b", re.IGNORECASE)
_REQUEST = re.compile(
    r"\b(access|permission|grant|request(ing)? (a|an|for|new)|new (account|user|license|licence)|"
    r"please (add|create|install|enable|provide)|need (access|rights|a licen[cs]e)|"
    r"onboard\w*|role|licen[cs]e|berechtigung|zugriff)\b", re.IGNORECASE)
_FAILURE_HINT = re.compile(
    r"\b(error|fail\w*|crash\w*|down|not work\w*|doesn'?t work|does not|cannot|can'?t|unable|"
    r"broken|freez\w*|hang\w*|slow|timeout|dump\w*|outage|stuck|lost|missing|"
    r"geht nicht|funktioniert nicht|fehler|absturz)\b", re.IGNORECASE)


def ticket_kind(text: str, category: str = "") -> str:
    """``failure``, ``howto`` or ``request``, from the text (and a category hint).

    Failure words win over how-to words ("how do I fix error 500" is a failure).

    Examples
    --------
    >>> ticket_kind("How do I submit an expense report?")
    'howto'
    >>> ticket_kind("Please grant access to the finance share")
    'request'
    >>> ticket_kind("SAP GUI freezes after upgrade")
    'failure'
    """
    failure = bool(_FAILURE_HINT.search(text))
    if _HOWTO.search(text) and not failure:
        return "howto"
    if _REQUEST.search(text) and not failure:
        return "request"
    cat = category.lower()
    if not failure and ("inquiry" in cat or "how" in cat or "question" in cat):
        return "howto"
    if not failure and ("access" in cat or "request" in cat):
        return "request"
    return "failure"


def shouting(text: str) -> float:
    """0..1: share of capitals among letters (when mostly capitals) and runs of '!'.

    Examples
    --------
    >>> shouting("OUTLOOK IS DOWN AGAIN!!!")
    1.0
    >>> shouting("Outlook is down")
    0.0
    """
    letters = [c for c in text if c.isalpha()]
    caps = sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 8 else 0.0
    score = 0.6 if caps > 0.6 else 0.0
    score += 0.4 if "!!" in text else 0.0
    return min(score, 1.0)


def signals(tickets: Tickets, settings: Settings, negativity: np.ndarray | None = None) -> Signals:
    """Per-ticket kind and irritation components.

    Parameters
    ----------
    tickets : Tickets
    settings : Settings
        Uses ``signals.weights``.
    negativity : ndarray, optional
        Per-ticket probability of negative sentiment (:func:`trendminer.sentiment.negativity`);
        the sentiment component is 0 without it.

    Returns
    -------
    Signals
        One row per ticket; components 0..1 and ``irritation`` their weighted mean.
    """
    validate(tickets, TICKETS, "signals")
    weights = settings["signals"]["weights"]
    raw_text = (tickets["title"] + "\n" + tickets["description"]).tolist()
    cues = [nlp.cue_counts(doc) for doc in nlp.docs(raw_text)]
    out = pd.DataFrame({
        "ticket_id": tickets["ticket_id"].to_numpy(),
        "kind": [ticket_kind(t, c) for t, c in zip(raw_text, tickets["category"])],
        "frustration": [min(c["frustration"] / 2, 1.0) for c in cues],
        "repetition": [min(float(c["repetition"]), 1.0) for c in cues],
        "shouting": [shouting(t) for t in raw_text],
        "urgency": [min(float(c["urgency"]), 1.0) for c in cues],
        "sentiment": np.zeros(len(tickets)) if negativity is None else np.clip(negativity, 0.0, 1.0),
        "reopens": np.minimum(tickets["reopen_count"].to_numpy() / 2, 1.0),
        "reassignments": np.clip((tickets["reassignment_count"].to_numpy() - 1) / 2, 0.0, 1.0),
    })
    total = sum(float(weights[c]) for c in COMPONENTS)
    out["irritation"] = sum(out[c] * float(weights[c]) for c in COMPONENTS) / total
    return validate(out[list(SIGNALS)], SIGNALS, "signals")
