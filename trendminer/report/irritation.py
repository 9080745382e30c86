"""Words for the night's irritation facts (``manifest["irritation"]``): which model scored the
text irritation, and the desk's part of it when it rises (:func:`trendminer.aim.service_rise`).
The numbers come from the pipeline; this module only phrases them."""
from __future__ import annotations

from collections.abc import Mapping


def irritation_rows(facts: Mapping) -> list[tuple[str, str]]:
    """Rows of the digest's run-quality table.

    Examples
    --------
    >>> irritation_rows({"note": "the shipped model (3 rated tickets, fewer than survey_head.min_rated = 200)",
    ...                  "service": {"recent_mean": 0.12, "system_mean": 0.3}})[0][1]
    'the shipped model (3 rated tickets, fewer than survey_head.min_rated = 200)'
    """
    if not facts:
        return []
    rows = [("text irritation scored by", str(facts.get("note", "")))]
    service = facts.get("service") or {}
    if service:
        rows.append(("mean irritation this week aimed at the desk / at systems",
                     f"{service.get('recent_mean', 0):.2f} / {service.get('system_mean', 0):.2f}"))
    return rows


def desk_lines(facts: Mapping) -> list[str]:
    """The digest's lines on the desk's own part of the irritation: one when it rises, else none.

    Examples
    --------
    >>> desk_lines({"service": {"rises": True, "recent": 40, "baseline": 160, "recent_mean": 0.31,
    ...     "baseline_mean": 0.12, "p_value": 0.001, "recent_from": "2026-10-25", "recent_to": "2026-10-31",
    ...     "baseline_from": "2026-09-27", "baseline_to": "2026-10-24"}})[0][:60]
    'Irritation aimed at the desk rose: mean 0.31 over the 40 tic'
    >>> desk_lines({"service": {"rises": False}})
    []
    """
    s = (facts or {}).get("service") or {}
    if not s.get("rises"):
        return []
    return [f"Irritation aimed at the desk rose: mean {s['recent_mean']:.2f} over the {s['recent']} tickets of "
            f"{s['recent_from']} to {s['recent_to']}, against {s['baseline_mean']:.2f} over the {s['baseline']} of "
            f"{s['baseline_from']} to {s['baseline_to']} (p = {s['p_value']:.3g}): waiting, no reply, being passed "
            "around, tickets closed unresolved, rudeness. The service_irritation column of assignments.csv lists "
            "the tickets."]
