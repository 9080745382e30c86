"""Words for structured facts: the rules behind a recommendation and the changes since last night.

Stages return facts (a rule and its numbers, a change and its values); this module is the one
place that turns them into English for the pages and the exports.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

NO_RULE = "no rule fired"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def reason_text(reason: Mapping[str, Any]) -> str:
    """One fired rule of :func:`trendminer.score.recommend.fired_rules`, in words.

    Examples
    --------
    >>> reason_text({"rule": "retire", "lifecycle": "sunset", "tickets": 1})
    'retire: lifecycle is sunset and it still drew 1 ticket: move its users off and switch it off'
    >>> reason_text({"rule": "fix", "recent_failures": 12, "expected_failures": 3.0, "failure_trend": 3.57})
    'fix: failures this week 12 vs 3.0 expected (3.6x): open a problem record'
    """
    r = reason
    rule = r["rule"]
    if rule == "retire":
        text = (f"lifecycle is {r['lifecycle']} and it still drew {_plural(r['tickets'], 'ticket')}: "
                "move its users off and switch it off")
    elif rule == "replace":
        text = (f"{r['failure_share']:.0%} of its tickets are failures, mean irritation {r['irritation']:.2f}, "
                f"rank {r['rank']} of {r['n_ranked']}")
    elif rule == "upgrade":
        text = (f"failures stepped up from {r['before']:.1f} to {r['after']:.1f} a week "
                f"({r['after'] / r['before']:.1f}x) from the week of {r['week']} and stayed up in "
                f"{r['elevated']} of {r['weeks']} weeks since: a change (release, version) broke it — move to "
                "a fixed version or roll back")
    elif rule == "fix":
        text = (f"failures this week {r['recent_failures']} vs {r['expected_failures']:.1f} expected "
                f"({r['failure_trend']:.1f}x): open a problem record")
    elif rule in ("redesign", "train", "document"):
        said = f"{r['howto_share']:.0%} of its tickets are how-to questions"
        if rule == "redesign":
            text = (f"{said}, spread over the equivalent of {r['topics']:.1f} equally common "
                    "topics: users are lost in many places, which is the design")
        elif rule == "train":
            text = (f"{said}, and {r['repeat_share']:.0%} of them come from people who asked about it "
                    "more than once: train those users")
        else:
            where = (f", in the equivalent of {r['topics']:.1f} equally common topics (redesign from "
                     f"{r['redesign_from']:.0f})" if np.isfinite(r["topics"]) else "")
            text = (f"{said}{where}, {r['repeat_share']:.0%} from repeat askers (train from "
                    f"{r['train_from']:.0%}): recurring questions that documentation answers")
    elif rule == "keep":
        text = (f"{r['failures']} failures for {r['user_count']} users (at most {r['per_100_upper']:.2f} "
                f"per 100, 95% bound), irritation {r['irritation']:.2f}: it really works")
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return f"{rule}: {text}"


def reasons_text(reasons: list[Mapping[str, Any]]) -> list[str]:
    """Every fired rule in words; ``[NO_RULE]`` when none fired."""
    return [reason_text(r) for r in reasons] or [NO_RULE]


def change_text(change: Mapping[str, Any]) -> str:
    """One change of :func:`trendminer.changes.night_changes`, in words.

    Examples
    --------
    >>> change_text({"change": "rank", "system": "Jira", "before": 4, "after": 2})
    'Jira moved from rank 4 to 2.'
    """
    c = change
    kind = c["change"]
    if kind == "compared":
        return f"Compared with the run of {c['previous']}."
    if kind == "new_labels":
        return f"{len(c['labels'])} topic labels not seen last time: " + "; ".join(c["labels"][:8])
    if kind == "gone_labels":
        return f"{len(c['labels'])} topic labels from last time are gone: " + "; ".join(c["labels"][:8])
    if kind == "rank":
        return f"{c['system']} moved from rank {c['before']} to {c['after']}."
    if kind == "recommendation":
        return f"{c['system']}: recommendation changed from {c['before']} to {c['after']}."
    if kind == "first_ranked":
        return f"{c['system']} is ranked for the first time (rank {c['rank']})."
    if kind == "flag":
        return (f"{c['entity_type']} {c['label']} is now {c['flag']} "
                f"({c['recent']} vs {c['expected']:.1f} expected).")
    raise ValueError(f"unknown change {kind!r}")
