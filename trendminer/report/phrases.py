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


def change_label(change: Mapping[str, Any]) -> str:
    """One change record's facts as a reader scans them.

    Examples
    --------
    >>> change_label({"id": "CHG0030712", "title": "S/4HANA FPS01", "start": "2026-09-14"})
    'CHG0030712 S/4HANA FPS01, 14 Sep'
    """
    return f"{change['id']} {change['title']}, {day(pd.Timestamp(change['start']))}".replace("  ", " ")


def _since(r: Mapping[str, Any]) -> str:
    """What a regression dates from: its recorded change(s), else its week."""
    if r["changes"]:
        return "; ".join(change_label(c) for c in r["changes"])
    return f"the week of {day(pd.Timestamp(r['week']))}"


def _no_change(r: Mapping[str, Any]) -> str:
    weeks = f"{r.get('near_weeks', 2):g}"
    if not r["changes_on_file"]:
        return " (no change records were given: add them with --changes to name the change)"
    return "" if r["changes"] else f" (no change of this system is recorded within {weeks} weeks of it)"


def reason_text(reason: Mapping[str, Any]) -> str:
    """One fired rule of :func:`trendminer.score.recommend.fired_rules`, in words.

    Examples
    --------
    >>> reason_text({"rule": "remove", "tickets": 6, "callers": 5})
    'remove: retired in the catalogue, yet 6 tickets from 5 callers: remove what is left (clients, links, accounts)'
    >>> reason_text({"rule": "fix", "recent_failures": 12, "expected_failures": 3.0, "failure_trend": 3.57})
    'fix: failures this week 12 vs 3.0 expected (3.6x): open a problem record'
    """
    r = reason
    rule = r["rule"]
    if rule == "remove":
        text = (f"retired in the catalogue, yet {_plural(r['tickets'], 'ticket')} from {_plural(r['callers'], 'caller')}: "
                "remove what is left (clients, links, accounts)")
    elif rule == "migrate":
        text = (f"sunset in the catalogue and still needed: {_plural(r['tickets'], 'ticket')} from "
                f"{_plural(r['callers'], 'caller')}: move those users to its successor, then switch it off")
    elif rule == "regression":
        text = (f"regression since {_since(r)}: failures stepped up from {r['before']:.1f} to {r['after']:.1f} a week "
                f"({r['after'] / r['before']:.1f}x) from the week of {day(pd.Timestamp(r['week']))} and stayed up in "
                f"{r['elevated']} of {r['weeks']} weeks since{_no_change(r)}: patch or roll back")
    elif rule == "replace":
        w = r["windows"]
        parts = "; ".join(f"{x['rate']:.1f} per 100 users ({x['lower']:.1f}–{x['upper']:.1f}) vs at most "
                          f"{x['peer_upper']:.1f} for any peer ({x['peer']})" for x in w)
        text = (f"chronic failure in each of the last {len(w)} windows: {parts}; "
                f"{r['failure_share']:.0%} of its tickets are failures")
    elif rule == "fix":
        text = (f"failures this week {r['recent_failures']} vs {r['expected_failures']:.1f} expected "
                f"({r['failure_trend']:.1f}x): open a problem record")
    elif rule == "automate":
        text = (f"{r['selfservice']} of its {r['tickets']} tickets ({r['share']:.0%}) ask for an unlock or a password "
                "reset: self-service would remove them")
    elif rule == "catalogue":
        text = (f"{r['requests']} of its {r['tickets']} tickets ({r['share']:.0%}) are requests: offer a form or a "
                "catalogue item that routes them")
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
    elif rule == "watch":
        if r["why"] == "few":
            text = f"only {_plural(r['tickets'], 'ticket')} in the window (ranked from {r['min_tickets']:.0f}): too few to judge"
        elif r["why"] == "irritated":
            text = (f"{r['irritation']:.0%} of its tickets irritated, but its failures are ordinary"
                    + (f" ({r['rate']:.1f} per 100 users)" if np.isfinite(r["rate"]) else "")
                    + ": look at how its tickets are handled, not at replacing it")
        else:
            text = ("failures, requests and questions within the usual range"
                    + (f" ({r['rate']:.1f} failures per 100 users)" if np.isfinite(r["rate"]) else ""))
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return f"{rule}: {text}"


def would_change(reason: Mapping[str, Any]) -> str:
    """What would change the recommendation that ``reason`` decided, in one sentence.

    Examples
    --------
    >>> would_change({"rule": "regression", "before": 2.3, "after": 8.0})
    'Would change when failures are back near 2.3 a week (the level before the step).'
    """
    r = reason
    rule = r["rule"]
    if rule == "remove":
        return "Would change when no ticket names it for a whole window, or if the catalogue puts it back in service."
    if rule == "migrate":
        return "Would change when its last users have moved (no tickets for a whole window)."
    if rule == "regression":
        return f"Would change when failures are back near {r['before']:.1f} a week (the level before the step)."
    if rule == "replace":
        return ("Would change if, in any window, its failures per 100 users fell to where its interval overlaps a "
                "peer's, or a fix brought them down.")
    if rule == "fix":
        return f"Would change when this week's failures are back near {r['expected_failures']:.1f}."
    if rule in ("automate", "catalogue"):
        return f"Would change when these fall below {r['from_share']:.0%} of its tickets."
    if rule in ("redesign", "train", "document"):
        return f"Would change when how-to questions fall below {r['from_share']:.0%} of its tickets."
    if rule == "keep":
        return f"Would change if failures rose above {r['keep_from']:.1f} per 100 users (upper bound) or users got irritated."
    if r["why"] == "few":
        return f"Judged once it draws {r['min_tickets']:.0f} tickets in a window."
    peer = (f" — above {r['peer_upper']:.1f} per 100 users, the top of {r['peer']}'s interval,"
            if r.get("peer") and np.isfinite(r.get("peer_upper", float("nan"))) else "")
    return (f"Would change on a step after a change, a spike this week, or failures clearly above every peer{peer} "
            f"in {r['windows']} windows in a row; irritation alone never makes it a replacement.")


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
    if kind == "status":
        return f"{c['entity_type'].capitalize()} “{c['label']}” is now {c['status']} (was {c['before']})."
    raise ValueError(f"unknown change {kind!r}")


def day(when: Any) -> str:
    """'28 Oct' for a timestamp.

    >>> import pandas as pd; day(pd.Timestamp("2026-10-08"))
    '8 Oct'
    """
    return f"{when.day} {when:%b}"


def _span(a: Any, b: Any) -> str:
    """'28–29 Oct' / '30 Sep – 2 Oct' / '28 Oct' for two days.

    >>> import pandas as pd; _span(pd.Timestamp("2026-10-28"), pd.Timestamp("2026-10-29"))
    '28–29 Oct'
    """
    if a.normalize() == b.normalize():
        return day(a)
    if (a.month, a.year) == (b.month, b.year):
        return f"{a.day}–{b.day} {b:%b}"
    return f"{day(a)} – {day(b)}"


def _open(f: Mapping[str, Any]) -> str:
    n = int(f["open_tickets"])
    return f"{n} still open" if n else "none still open"


def finding_text(f: Mapping[str, Any]) -> str:
    """One finding (a row of the ``findings`` frame, :mod:`trendminer.findings`) as one sentence:
    its numbers on the one basis the row states, its dates, what is still open.

    Examples
    --------
    >>> import pandas as pd
    >>> finding_text({"kind": "step", "title": "SAP ERP", "status": "ongoing", "start": pd.Timestamp("2026-09-13"),
    ...               "basis_from": pd.Timestamp("2026-09-13"), "basis_to": pd.Timestamp("2026-10-31"),
    ...               "tickets": 318, "expected": 90.5, "ratio": 3.51, "open_tickets": 25, "systems": ["SAP ERP"]})
    'SAP ERP: failures stepped up in the week of 13 Sep and stay up — 318 failures from 13 Sep to 31 Oct against about 90 at the level before (3.5×); 25 still open. Patch or roll back the change of that week.'
    """
    kind = f["kind"]
    if kind == "spike":
        days = _span(f["basis_from"], f["basis_to"])
        what = f"{f['title']} outage" if f["systems"] else f"Spike in “{f['title']}”"
        when = (f"{days}, ended {day(f['end'])}" if f["status"] == "ended" else f"since {day(f['start'])}, ongoing")
        noun = "failures" if str(f.get("basis", "")).startswith("failures") else "tickets"
        return (f"{what} ({when}): {f['tickets']} {noun} on {days} against about {f['expected']:.0f} expected "
                f"for those days ({f['ratio']:.1f}×), peak {f['peak_tickets']} on {f['peak_day']:%a} {day(f['peak_day'])}; "
                f"{f['callers']} callers, {f['p1_p2']} of priority 1–2; {_open(f)}.")
    if kind == "step":
        change = (f", after {f['changes']}," if f.get("changes") else "")
        return (f"{f['title']}: failures stepped up in the week of {day(f['start'])}{change} and "
                f"{'stay up' if f['status'] == 'ongoing' else 'have come back down'} — {f['tickets']} failures from "
                f"{day(f['basis_from'])} to {day(f['basis_to'])} against about {f['expected']:.0f} at the level before "
                f"({f['ratio']:.1f}×); {_open(f)}. Patch or roll back "
                f"{'that change' if f.get('changes') else 'the change of that week'}.")
    if kind == "rise":
        return (f"“{f['title']}” is rising: {f['tickets']} tickets from {day(f['basis_from'])} to {day(f['basis_to'])} "
                f"against {f['expected']:.0f} in the same number of days before; {_open(f)}.")
    if kind == "new":
        return (f"New problem: “{f['title']}”, {_plural(f['tickets'], 'ticket')} since {day(f['start'])}, "
                f"none before; {_open(f)}.")
    if kind == "knowledge_gap":
        return (f"Knowledge gap: “{f['title']}”, {_plural(f['tickets'], 'ticket')} from {day(f['basis_from'])} to "
                f"{day(f['basis_to'])} and no article answers it.")
    if kind == "data":
        return f"Data problem: {f['title']} — see the data-quality section."
    if kind == "quiet":
        return (f"Nothing unusual tonight: {f['tickets']} tickets analysed, no outage, step, rise, new problem "
                "or data problem big enough to headline (the rules are below).")
    raise ValueError(f"unknown finding {kind!r}")


#: the action word an architect scans, per recommendation
LABELS = {
    "remove": "remove what is left", "migrate": "finish the migration", "regression": "roll back / patch",
    "replace": "replace", "fix": "fix (problem record)", "automate": "automate (self-service)",
    "catalogue": "catalogue item", "redesign": "redesign", "train": "train", "document": "document",
    "keep": "keep", "watch": "watch",
}

#: the recommendation's headline, in the words an architect uses
ACTIONS = {
    "remove": "Remove what is left: it is retired, yet users still reach it.",
    "migrate": "Finish the migration: move the users who still need it, then switch it off.",
    "replace": "Plan its replacement: it has failed more than any peer, window after window.",
    "fix": "Open a problem record for this week's failures.",
    "automate": "Automate: self-service unlock and password reset would remove these tickets.",
    "catalogue": "Offer a catalogue item or form for its requests.",
    "redesign": "Redesign the screens users get lost in.",
    "train": "Train the users who keep asking the same questions.",
    "document": "Write the how-to pages users are missing.",
    "keep": "Keep it: it works.",
    "watch": "No action needed: failures, requests and questions are within the usual range for this window.",
}


def action_text(recommendation: str, reasons: list[Mapping[str, Any]]) -> str:
    """What to do about a system, in one sentence; a regression names its change or week.

    Examples
    --------
    >>> action_text("regression", [{"rule": "regression", "week": "2026-09-13", "changes": [
    ...     {"id": "CHG0030712", "title": "S/4HANA FPS01", "start": "2026-09-14"}]}])
    'Regression since CHG0030712 S/4HANA FPS01, 14 Sep: patch or roll back.'
    >>> action_text("watch", [{"rule": "watch", "why": "few"}])
    'Too few tickets to judge: watch.'
    """
    first = reasons[0] if reasons else {}
    if recommendation == "regression":
        return f"Regression since {_since(first)}: patch or roll back."
    if recommendation == "watch" and first.get("why") == "few":
        return "Too few tickets to judge: watch."
    if recommendation == "watch" and first.get("why") == "irritated":
        return "Watch: users are irritated but failures are ordinary — look at how its tickets are handled."
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
