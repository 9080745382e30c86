"""Per-ticket signals: what kind of ticket it is and how irritated its user is.

Irritation has two kinds of evidence, kept apart:

- **text**: ``text_irritation``, the calibrated probability that a reader would call the
  ticket's text irritated (:mod:`trendminer.irritation`, a model learned from people's
  labels). A ticket is ``irritated`` when it is at least ``signals.irritated_threshold``.
  The lexicon cues it reads (frustration, repetition, shouting, urgency from
  ``lexicons/irritation.jsonl``; negated cues like "not urgent" do not count) and the
  sentiment model's negativity stay as columns of their own;
- **process**: reopens, reassignments, repeat contacts (the same caller about the same
  system within ``signals.repeat_days`` before), time to resolve against the priority's
  target, CSAT where the export has it, and escalations; ``process_irritation`` is their
  weighted mean.

``irritation`` is the weighted mean of every component (``signals.weights``); by default the
text probability has the same weight as all process components together and the old cues
weigh 0 (the model already reads them). It orders evidence tickets; systems are compared on
the share of irritated tickets and the mean process irritation (:mod:`trendminer.score`).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import nlp
from .aim import aim, desk_process, split_irritation
from .kind_rules import text_rule  # noqa: F401 - text_rule is also signals' API
from .irritation import cue_matrix, load_model, shouting  # noqa: F401 - shouting is also signals' API
from .config import Settings
from .schema import SIGNALS, TICKETS, Attribution, Signals, Tickets, validate
from .window import Window

#: text cues kept as columns (the learned model reads them as features)
TEXT_CUES = ("frustration", "repetition", "shouting", "urgency", "sentiment")
#: lexicon labels a ticket's text is counted for (signals' columns and the irritation model's cues)
CUE_LABELS = ("frustration", "repetition", "urgency", "escalation")
#: process components, each 0..1, from the ticket's fields
PROCESS = ("reopens", "reassignments", "repeat_contacts", "resolve_time", "low_csat", "escalations")
COMPONENTS = ("text_irritation", *TEXT_CUES, *PROCESS)


def kind_and_source(text: str, category: str = "") -> tuple[str, str]:
    """The ticket's kind and what decided it: a text ``rule``, the ``category``, or ``default``.

    The text rules are :func:`trendminer.kind_rules.text_rule`: a request for access, a reset
    or new equipment is a request even when it mentions a failure; hard failure words outweigh
    a question ("how do I fix error 500" is a failure).

    Examples
    --------
    >>> kind_and_source("How do I submit an expense report?")
    ('howto', 'rule')
    >>> kind_and_source("Monitor flickers", "Inquiry / Help")
    ('howto', 'category')
    >>> kind_and_source("the thing on my desk")
    ('failure', 'default')
    """
    return kind_from(text_rule(text), category)


def kind_from(rule: str, category: str = "") -> tuple[str, str]:
    """:func:`kind_and_source` from the text's :func:`text_rule` and the category."""
    if rule:
        return rule, "rule"
    cat = category.lower()
    if "inquiry" in cat or "how" in cat or "question" in cat:
        return "howto", "category"
    if "access" in cat or "request" in cat:
        return "request", "category"
    return "failure", "default"


def ticket_kind(text: str, category: str = "") -> str:
    """``failure``, ``howto`` or ``request``, from the text (and a category hint).

    Examples
    --------
    >>> ticket_kind("How do I submit an expense report?")
    'howto'
    >>> ticket_kind("Please grant access to the finance share")
    'request'
    >>> ticket_kind("SAP GUI freezes after upgrade")
    'failure'
    """
    return kind_and_source(text, category)[0]


def ticket_kinds(texts: list[str], categories: list[str], probabilities: np.ndarray | None = None,
                 min_probability: float = 0.9, rules: list[str] | None = None, labels: list[str] | None = None,
                 desk: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Kinds and their sources for many tickets.

    First the export's own label (source ``export``; see :mod:`trendminer.ingest.kinds`), then
    the per-desk head's label (``desk``; :mod:`trendminer.desk_kind`) — an ``incident`` label
    from either is how-to where the text rule says so, else failure. Then the text rules and the
    category; where neither decides, the embedding classifier's answer if it is at least
    ``min_probability`` sure (source ``classifier``), else ``failure`` (source ``default``).

    ``probabilities`` has columns in the order of :data:`trendminer.kind.KINDS`; ``rules``,
    when given, are the texts' :func:`text_rule` (cached per text), and ``texts`` is not read.

    Examples
    --------
    >>> ticket_kinds([], ["", "", ""], rules=["howto", "", ""], labels=["incident", "request", ""],
    ...              desk=["", "", "request"])
    (['howto', 'request', 'request'], ['export', 'export', 'desk'])
    """
    from .kind import KINDS

    rules = [text_rule(t) for t in texts] if rules is None else rules
    labels = labels if labels is not None else [""] * len(rules)
    desk = desk if desk is not None else [""] * len(rules)
    kinds, sources = [], []
    for i, (rule, category) in enumerate(zip(rules, categories)):
        for label, source in ((labels[i], "export"), (desk[i], "desk")):
            if label:
                kinds.append(("howto" if rule == "howto" else "failure") if label == "incident" else label)
                sources.append(source)
                break
        else:
            kind, source = kind_from(rule, category)
            if source == "default" and probabilities is not None and probabilities[i].max() >= min_probability:
                kind, source = KINDS[int(probabilities[i].argmax())], "classifier"
            kinds.append(kind)
            sources.append(source)
    return kinds, sources


_CLOSED_STATES = re.compile(r"clos|resolv|cancel|solved|done|geschlossen|gelöst", re.IGNORECASE)


def still_open(tickets: Tickets) -> pd.Series:
    """Which tickets are still open: no resolution time and a state that is not closed/resolved.

    Examples
    --------
    >>> t = pd.DataFrame({"resolved_at": pd.to_datetime([None, None, "2026-10-01"]),
    ...                   "state": ["In Progress", "Closed", ""]})
    >>> still_open(t).tolist()
    [True, False, False]
    """
    return tickets["resolved_at"].isna() & ~tickets["state"].astype(str).str.contains(_CLOSED_STATES)


def prior_contacts(tickets: Tickets, attribution: Attribution, days: float, unattributed: str) -> np.ndarray:
    """How many earlier tickets the same caller opened about the same system in the ``days`` before.

    Tickets without a caller key, or in the unattributed bucket, have none (a shared
    "no system" is not the same system). Tickets opened at the same moment do not count
    for each other.

    Examples
    --------
    >>> t = pd.DataFrame({"ticket_id": ["a", "b", "c", "d"], "caller_key": ["k", "k", "k", ""],
    ...                   "opened_at": pd.to_datetime(["2026-10-01", "2026-10-03", "2026-10-12", "2026-10-03"])})
    >>> a = pd.DataFrame({"ticket_id": ["a", "b", "c", "d"], "system": ["VPN"] * 4})
    >>> prior_contacts(t, a, 7, "(unattributed)").tolist()
    [0, 1, 0, 0]
    """
    data = tickets[["ticket_id", "caller_key", "opened_at"]].merge(
        attribution[["ticket_id", "system"]].drop_duplicates("ticket_id"), on="ticket_id", how="left")
    counts = np.zeros(len(data), dtype=int)
    eligible = data["caller_key"].astype(bool) & data["system"].notna() & data["system"].ne(unattributed)
    window = pd.Timedelta(days=float(days))
    for _, group in data[eligible].groupby(["caller_key", "system"], sort=False):
        if len(group) < 2:
            continue
        times = np.sort(group["opened_at"].to_numpy())
        opened = group["opened_at"].to_numpy()
        before = np.searchsorted(times, opened, side="left")
        since = np.searchsorted(times, opened - window.to_timedelta64(), side="left")
        counts[group.index.to_numpy()] = before - since
    return counts


def resolve_overrun(tickets: Tickets, targets: dict, full_ratio: float, end: pd.Timestamp) -> np.ndarray:
    """0..1: how far the time to resolve exceeds the priority's target.

    Open tickets are measured up to ``end``. 0 at or under the target, rising linearly to 1
    at ``full_ratio`` times the target. Tickets whose state says closed but that carry no
    resolution time cannot be measured and get 0.

    Parameters
    ----------
    tickets : Tickets
    targets : dict
        Target hours per priority as ``{"1": 4, ..., "5": 168, "unknown": 24}``.
    full_ratio : float
        Multiple of the target at which the component reaches 1 (> 1).
    end : Timestamp
        "Now" for tickets still open.

    Examples
    --------
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2026-10-01 08:00"] * 3),
    ...                   "resolved_at": pd.to_datetime(["2026-10-01 10:00", "2026-10-01 16:00", None]),
    ...                   "priority": pd.array([1, 1, pd.NA], dtype="Int64"), "state": ["", "", "New"]})
    >>> resolve_overrun(t, {"1": 4, "unknown": 24}, 3.0, pd.Timestamp("2026-10-04 08:00")).tolist()
    [0.0, 0.5, 1.0]
    """
    resolved = tickets["resolved_at"]
    open_now = still_open(tickets)
    stop = resolved.where(resolved.notna(), pd.Series(end, index=tickets.index).where(open_now))
    hours = ((stop - tickets["opened_at"]).dt.total_seconds() / 3600).clip(lower=0)
    keys = tickets["priority"].astype("string").fillna("unknown")
    default = float(targets.get("unknown", 24))
    target = keys.map(lambda k: float(targets.get(k, default))).astype(float)
    over = (hours / target.where(target > 0)).to_numpy(dtype=float, na_value=np.nan)
    span = max(float(full_ratio) - 1.0, 1e-9)
    return np.nan_to_num(np.clip((over - 1.0) / span, 0.0, 1.0), nan=0.0)


def csat_irritation(csat: np.ndarray, neutral: float) -> np.ndarray:
    """0..1 from satisfaction 0..1: 1 at the worst rating, 0 at ``neutral`` or better, 0 if unknown.

    Examples
    --------
    >>> csat_irritation(np.array([0.0, 0.25, 0.5, 1.0, np.nan]), 0.5).tolist()
    [1.0, 0.5, 0.0, 0.0, 0.0]
    """
    csat = np.asarray(csat, dtype=float)
    return np.nan_to_num(np.clip((neutral - csat) / neutral, 0.0, 1.0), nan=0.0)


def escalated(tickets: Tickets, text_cues: list[int], keywords: list[str]) -> np.ndarray:
    """1.0 where a ticket was escalated: an escalation keyword in its category or state field,
    or an un-negated escalation cue in its text ("please escalate", "formal complaint").

    Bouncing between teams is the ``reassignments`` component and is not counted again here;
    the canonical ticket keeps only its last priority, so a raised priority cannot be seen.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Complaint", "Software", "Software"], "state": ["", "Escalated", ""]})
    >>> escalated(t, [0, 0, 1], ["escalat", "complaint"]).tolist()
    [1.0, 1.0, 1.0]
    """
    fields = (tickets["category"].astype(str) + " " + tickets["state"].astype(str)).str.lower()
    hit = np.zeros(len(tickets), dtype=bool)
    for word in keywords:
        if word:
            hit |= fields.str.contains(word.lower(), regex=False).to_numpy()
    return (hit | (np.asarray(text_cues) > 0)).astype(float)


def _data_end(tickets: Tickets) -> pd.Timestamp:
    """The latest moment the data knows of (for runs without an ``as_of``)."""
    stamps = pd.concat([tickets[c] for c in ("opened_at", "resolved_at", "updated_at")])
    latest = stamps.max()
    return latest if pd.notna(latest) else pd.Timestamp(0)


def signals(tickets: Tickets, *, attribution: Attribution | None = None, window: Window | None = None,
            settings: Settings, negativity: np.ndarray | None = None,
            kind_probabilities: np.ndarray | None = None, text_irritation: np.ndarray | None = None,
            features: pd.DataFrame | None = None, desk_kinds: list[str] | None = None) -> Signals:
    """Per-ticket kind and irritation components.

    Parameters
    ----------
    tickets : Tickets
    settings : Settings
        Uses ``signals.weights``, ``signals.repeat_days``, ``signals.resolve_target_hours``,
        ``signals.resolve_full_ratio``, ``signals.csat_neutral``,
        ``signals.escalation_keywords`` and ``systems.unattributed``.
    negativity : ndarray, optional
        Per-ticket probability of negative sentiment (:func:`trendminer.sentiment.negativity`);
        the sentiment component is 0 without it.
    attribution : Attribution, optional
        The system of each ticket; the repeat-contacts component is 0 without it.
    window : Window, optional
        Tickets still open are measured up to its end; without it, up to the latest date
        in the data.
    kind_probabilities : ndarray, optional
        ``(n, 3)`` probabilities from :func:`trendminer.kind.kind_probabilities`; used only for
        tickets no rule or category decides (``kind_source`` says which decided).
    text_irritation : ndarray, optional
        Calibrated text irritation per ticket from :func:`trendminer.irritation.text_irritation`
        over the run's vectors; without it the shipped words + cues model scores the text.
    features : DataFrame, optional
        One row per ticket from :func:`trendminer.features.text_features` (the per-text
        cache): its ``kind_rule``, ``cue_*`` and ``shouting`` columns stand in for parsing
        the texts, with the same results.
    desk_kinds : list of str, optional
        Per ticket, the per-desk head's label ("" where it does not decide); the export's own
        ``kind_label`` comes first (:func:`ticket_kinds`).

    Returns
    -------
    Signals
        One row per ticket: components 0..1; ``irritated`` (text probability >=
        ``signals.irritated_threshold``); ``process_irritation`` the weighted mean of the
        process components; ``irritation`` the weighted mean of all components;
        ``service_irritation`` and ``system_irritation`` the text irritation split by what it
        is aimed at (:mod:`trendminer.aim`). A component
        without data (no CSAT, no sentiment model, no attribution) is 0 and still counts in
        the means: missing evidence is not irritation.
    """
    validate(tickets, TICKETS, "signals")
    opts = settings["signals"]
    weights = opts["weights"]
    if features is None:
        raw_text = (tickets["title"] + "\n" + tickets["description"]).tolist()
        rules = [text_rule(t) for t in raw_text]
        parsed = [nlp.ticket_text(t, d) for t, d in zip(tickets["title"], tickets["description"])]
        cues = [nlp.cue_counts(doc) for doc in nlp.docs(parsed)]
        shouts = [shouting(t) for t in raw_text]
    else:
        rules, shouts = features["kind_rule"].tolist(), features["shouting"].tolist()
        cues = [dict(zip(CUE_LABELS, row)) for row in
                zip(*(features[f"cue_{label}"].tolist() for label in CUE_LABELS))]
    labels = tickets["kind_label"].fillna("").astype(str).tolist() if "kind_label" in tickets else None
    kinds, kind_sources = ticket_kinds([], tickets["category"].tolist(), kind_probabilities,
                                       float(opts["kind_min_probability"]), rules, labels, desk_kinds)
    if text_irritation is None:
        parsed = [nlp.ticket_text(t, d) for t, d in zip(tickets["title"], tickets["description"])]
        text_irritation = load_model(words_only=True).probability(
            np.zeros((len(parsed), 0)), parsed, cue_matrix(cues, shouts)) if len(parsed) else np.zeros(0)
    end = window.end if window is not None else _data_end(tickets)
    repeats = (np.zeros(len(tickets)) if attribution is None else
               prior_contacts(tickets, attribution, float(opts["repeat_days"]), settings["systems"]["unattributed"]))
    out = pd.DataFrame({
        "ticket_id": tickets["ticket_id"].to_numpy(),
        "kind": kinds,
        "kind_source": kind_sources,
        "text_irritation": np.clip(np.asarray(text_irritation, dtype=float), 0.0, 1.0),
        "frustration": [min(c["frustration"] / 2, 1.0) for c in cues],
        "repetition": [min(float(c["repetition"]), 1.0) for c in cues],
        "shouting": shouts,
        "urgency": [min(float(c["urgency"]), 1.0) for c in cues],
        "sentiment": np.zeros(len(tickets)) if negativity is None else np.clip(negativity, 0.0, 1.0),
        "reopens": np.minimum(tickets["reopen_count"].to_numpy() / 2, 1.0),
        "reassignments": np.clip((tickets["reassignment_count"].to_numpy() - 1) / 2, 0.0, 1.0),
        "repeat_contacts": np.minimum(np.asarray(repeats, dtype=float) / 2, 1.0),
        "resolve_time": resolve_overrun(tickets, dict(opts["resolve_target_hours"]),
                                        float(opts["resolve_full_ratio"]), end),
        "low_csat": csat_irritation(tickets["csat"].to_numpy(dtype=float), float(opts["csat_neutral"])),
        "escalations": escalated(tickets, [c["escalation"] for c in cues], list(opts["escalation_keywords"])),
    })
    out["irritated"] = out["text_irritation"] >= float(opts["irritated_threshold"])
    out["process_irritation"] = weighted_mean(out, PROCESS, weights)
    out["irritation"] = weighted_mean(out, COMPONENTS, weights)
    texts = (tickets["title"] + "\n" + tickets["description"]).tolist()
    out["service_irritation"], out["system_irritation"] = split_irritation(
        out["text_irritation"].to_numpy(), aim(texts, out), desk_process(out))
    return validate(out[list(SIGNALS)], SIGNALS, "signals")


def weighted_mean(frame: pd.DataFrame, columns: tuple[str, ...], weights: dict) -> pd.Series:
    """Row-wise mean of ``columns`` weighted by ``weights`` (a missing weight is 0; all 0 -> 0).

    Examples
    --------
    >>> weighted_mean(pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}), ("a", "b"), {"a": 3, "b": 1}).tolist()
    [0.75, 0.25]
    """
    total = sum(float(weights.get(c, 0.0)) for c in columns)
    if total <= 0:
        return pd.Series(0.0, index=frame.index)
    return sum(frame[c] * float(weights.get(c, 0.0)) for c in columns) / total
