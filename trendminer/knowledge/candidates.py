"""What an article or an automation would save, and the draft outline of a missing article.

Pure functions: resolution notes come in already cleaned and redacted (``Tickets.resolution``).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..tasks import screens

_STEP_SPLIT = re.compile(r"\s*(?:\n+|;\s+|(?<=[.!?])\s+(?=[A-Z0-9]))\s*")
_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[-*\u2022])\s*")
_VIA = re.compile(r"^[^:\n]{0,60}:\s*$")   # "Called user and walked through it:" lines


def note_steps(note: str) -> list[str]:
    """The steps of one resolution note: lines, ``;``-separated parts or sentences, numbering removed.

    Examples
    --------
    >>> note_steps("Walked [NAME] through it:\\n1. Open File > Automatic Replies\\n2. Set a time range")
    ['Open File > Automatic Replies', 'Set a time range']
    >>> note_steps("Open the entry; click 'Attach Receipt'.")
    ['Open the entry', "click 'Attach Receipt'"]
    """
    steps = []
    for part in _STEP_SPLIT.split(note.strip()):
        part = _NUMBERING.sub("", part).strip().rstrip(".")
        if part and not _VIA.match(part + ":" if part.endswith(":") else part) and not part.endswith(":"):
            steps.append(part)
    return steps


#: steps that say a ticket was handled, not how: never quoted as an article's steps
BOILERPLATE = re.compile(r"^(?:explained (?:the steps|it|how)|user confirmed|confirmed (?:with the user|it works)|"
                         r"walked .* through|informed (?:the )?user|closed|resolved|solved|done|fixed|"
                         r"sent (?:the )?(?:user )?(?:a )?link|no further action|ticket closed|issue resolved)",
                         re.IGNORECASE)


def common_steps(notes: Sequence[str], min_share: float = 0.2, limit: int = 6) -> list[str]:
    """Steps that recur in at least ``min_share`` of the notes that have any, in their usual order;
    boilerplate ("Explained the steps to the user", "User confirmed it works") is left out, so an
    outline quotes real steps or says none are recorded.

    Examples
    --------
    >>> common_steps(["1. Open A\\n2. Click B", "Open A; Click B.", "Rebooted", ""], min_share=0.5)
    ['Open A', 'Click B']
    >>> common_steps(["Explained the steps to the user; User confirmed it works"] * 3)
    []
    """
    parsed = [note_steps(n) for n in notes if n and n.strip()]
    if not parsed:
        return []
    count: Counter[str] = Counter()
    position: dict[str, list[float]] = {}
    spelled: dict[str, str] = {}
    for steps in parsed:
        for k, step in enumerate(dict.fromkeys(s.lower() for s in steps)):
            count[step] += 1
            position.setdefault(step, []).append(k / max(len(steps), 1))
        for s in steps:
            spelled.setdefault(s.lower(), s)
    keep = [s for s, n in count.items() if n >= max(2, min_share * len(parsed)) and not BOILERPLATE.match(s)]
    keep.sort(key=lambda s: (float(np.mean(position[s])), -count[s]))
    return [spelled[s] for s in keep[:limit]]


def typical_titles(titles: Sequence[str], limit: int = 4) -> list[str]:
    """The most frequent distinct titles (case-insensitive), as users phrase the question.

    Examples
    --------
    >>> typical_titles(["How to X?", "how to x?", "Where is Y", "How to X?"], 2)
    ['How to X?', 'Where is Y']
    """
    count = Counter(t.strip().lower() for t in titles if t and t.strip())
    first: dict[str, str] = {}
    for t in titles:
        if t and t.strip():
            key, text = t.strip().lower(), t.strip()
            if key not in first or (first[key].isupper() and not text.isupper()):
                first[key] = text   # the first spelling that is not shouted
    ranked = sorted(count, key=lambda k: (-count[k], k))
    return [first[k] for k in ranked[:limit]]


def savings(per_month: float, cost_per_ticket: float, deflection: float = 1.0) -> float:
    """What an article, a form or an automation would save a month: tickets per month x handling
    cost x the share of them it prevents (``knowledge.deflection``, an assumption).

    Examples
    --------
    >>> savings(12.0, 41.25), savings(12.0, 41.25, 0.3)
    (495.0, 148.5)
    """
    return float(per_month) * float(cost_per_ticket) * float(deflection)


def is_automation(kind: str, per_month: float, callers: int, *, min_per_month: float, min_callers: int) -> bool:
    """A request topic asked often, by many different people: a form or an automation.

    Examples
    --------
    >>> is_automation("request", 15.0, 40, min_per_month=4, min_callers=10)
    True
    >>> is_automation("howto", 15.0, 40, min_per_month=4, min_callers=10)
    False
    """
    return kind == "request" and per_month >= min_per_month and callers >= min_callers


def outline(members: pd.DataFrame, systems: pd.Series, keyphrases: Sequence[str], *, min_step_share: float,
            titles: int = 4) -> dict:
    """Draft outline of the article a gap needs.

    Parameters
    ----------
    members : DataFrame
        The topic's tickets (``title``, and ``resolution`` when the export has notes).
    systems : Series
        The system of each member ticket.
    keyphrases : sequence of str
        The topic's keyphrases (kept for callers; screens come from the tickets' own words, not from
        keyphrases: transaction codes and named screens, :func:`trendminer.tasks.screens`).

    Returns
    -------
    dict
        ``question`` (typical titles), ``systems`` (most named first), ``screens``,
        ``steps`` (recurring steps from the resolution notes) and ``notes`` (how many had one).
    """
    notes = members["resolution"].fillna("").tolist() if "resolution" in members else []
    named = systems[~systems.astype(str).str.startswith("(")].value_counts()
    return {"question": typical_titles(members["title"].tolist(), titles),
            "systems": [str(s) for s in named.index[:3]],
            "screens": [name for name, _ in screens((members["title"].fillna("") + ". " + members.get(
                "description", members["title"]).fillna("")).tolist(), set())][:5],
            "steps": common_steps(notes, min_step_share),
            "notes": sum(1 for n in notes if n and n.strip())}
