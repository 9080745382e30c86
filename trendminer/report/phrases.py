"""Words for structured facts: the rules behind a recommendation and the changes since last night.

Stages return facts (a rule and its numbers, a change and its values); this module is the one
place that turns them into English for the pages and the exports.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

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
        text = (f"{r['failure_share']:.0%} of its tickets are failures, {r['irritation']:.0%} irritated, "
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
                f"per 100, 95% bound), {r['irritation']:.0%} of its tickets irritated: it really works")
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


def day(when: Any) -> str:
    """'28 Oct' for a timestamp.

    >>> import pandas as pd; day(pd.Timestamp("2026-10-08"))
    '8 Oct'
    """
    return f"{when.day} {when:%b}"


def finding_text(f: Mapping[str, Any]) -> str:
    """One headline finding of :func:`trendminer.report.headline.findings`, as a sentence.

    Examples
    --------
    >>> import pandas as pd
    >>> finding_text({"finding": "step", "name": "SAP ERP", "week": pd.Timestamp("2026-09-20"),
    ...               "before": 10.0, "after": 33.0, "weeks": 6, "elevated": 6})
    'SAP ERP: failures stepped up 3.3× in the week of 20 Sep (from 10.0 to 33.0 a week) and stayed up in 6 of the 6 weeks since — a change that week (a release, an update) is the likely cause: patch it or roll it back.'
    """
    kind = f["finding"]
    if kind == "spike":
        what = f["name"] if f["entity_type"] == "system" else f"Topic “{f['name']}”"
        about = f", mostly “{f['topic']}”" if f.get("topic") else ""
        text = (f"{what}: {f['tickets']} tickets since {day(f['since'])}{about}, against about "
                f"{f['expected']:.0f} expected for the whole week ({f['ratio']:.1f}×); peak {f['peak']} on "
                f"{day(f['peak_day'])}")
        if f["easing"]:
            text += f", already easing ({f['last']} on {day(f['as_of'])})"
        return text + " → open a problem record."
    if kind == "step":
        return (f"{f['name']}: failures stepped up {f['after'] / f['before']:.1f}× in the week of {day(f['week'])} "
                f"(from {f['before']:.1f} to {f['after']:.1f} a week) and stayed up in {f['elevated']} of the "
                f"{f['weeks']} weeks since — a change that week (a release, an update) is the likely cause: "
                "patch it or roll it back.")
    if kind == "new_topic":
        return f"New problem: “{f['name']}”, {_plural(f['recent'], 'ticket')} this week, not seen before."
    if kind == "rising":
        what = f["name"] if f["entity_type"] == "system" else f"“{f['name']}”"
        return f"{what} is rising: {f['recent']} tickets this week against {f['expected']:.1f} expected."
    if kind == "fading":
        what = f["name"] if f["entity_type"] == "system" else f"“{f['name']}”"
        return f"{what} is fading: {f['recent']} tickets this week against {f['expected']:.1f} expected."
    if kind == "rejected":
        return (f"Data problem: {f['rejected']} of {f['rows']} input rows were rejected, {f['n_reason']} of them "
                f"because of “{f['reason']}” — see the input rows section.")
    if kind == "quiet":
        return (f"Nothing unusual tonight: {f['tickets']} tickets analysed, no spike, step change, new topic "
                "or data problem.")
    raise ValueError(f"unknown finding {kind!r}")


#: the recommendation's headline, in the words an architect uses
ACTIONS = {
    "retire": "Retire it: move the remaining users off and switch it off.",
    "replace": "Plan its replacement: it fails often and irritates its users.",
    "fix": "Open a problem record for this week's failures.",
    "redesign": "Redesign the screens users get lost in.",
    "train": "Train the users who keep asking the same questions.",
    "document": "Write the how-to pages users are missing.",
    "keep": "Keep it: it works.",
    "watch": "No action needed: failures, irritation and trend are within the usual range for this window.",
}


def action_text(recommendation: str, reasons: list[Mapping[str, Any]]) -> str:
    """What to do about a system, in one sentence; a step change names its week.

    Examples
    --------
    >>> action_text("upgrade", [{"rule": "upgrade", "week": "2026-09-20"}])
    'Patch or roll back the change of the week of 20 Sep 2026: failures stepped up then and stayed up.'
    >>> action_text("watch", [])[:16]
    'No action needed'
    """
    if recommendation == "upgrade":
        when = pd.Timestamp(reasons[0]["week"])
        return f"Patch or roll back the change of the week of {when.day} {when:%b %Y}: failures stepped up then and stayed up."
    return ACTIONS[recommendation]


def languages_line(counts: Mapping[str, Any]) -> str:
    """How many tickets of each language are in topics, most tickets first.

    Examples
    --------
    >>> languages_line({"en": [3500, 3600], "de": [95, 97], "und": [3, 5]})
    'English 3,500 of 3,600; German 95 of 97; undetermined 3 of 5'
    >>> languages_line({})
    'none'
    """
    from ..language import language_name

    parts = [f"{'undetermined' if code == 'und' else language_name(code)} {int(n):,} of {int(total):,}"
             for code, (n, total) in counts.items()]
    return "; ".join(parts) or "none"
