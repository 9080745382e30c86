"""Parsers of single export fields (counts, priorities, satisfaction, SLA flags, durations),
each applied once per distinct value (:func:`_by_unique`)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

_PRIORITY_WORDS = {
    "critical": 1, "highest": 1, "urgent": 1, "blocker": 1, "high": 2, "major": 2,
    "medium": 3, "moderate": 3, "normal": 3, "low": 4, "minor": 4, "lowest": 5, "planning": 5,
}
_CSAT_WORDS = {"good": 1.0, "bad": 0.0, "satisfied": 1.0, "dissatisfied": 0.0,
               "very satisfied": 1.0, "very dissatisfied": 0.0, "neutral": 0.5}


def _by_unique(values: pd.Series, parse) -> pd.Series:  # noqa: ANN001
    """Apply a vectorised parser to the distinct values only (few priorities, many rows)."""
    codes, uniques = pd.factorize(values)
    parsed = parse(pd.Series(uniques, dtype=str))
    out = parsed.take(codes.clip(min=0)).reset_index(drop=True)
    out.index = values.index
    return out.where(codes >= 0) if (codes < 0).any() else out


#: the largest count the state's INTEGER columns hold
MAX_COUNT = 2**31 - 1
BAD_COUNT = (f"not a count (a whole number from 0 to {MAX_COUNT:,} was expected); fix the cell "
             "in the export or leave it empty")


def _parse_count(values: pd.Series) -> pd.Series:
    """A count per value: 0 when empty, NaN when it is not a whole number from 0 to MAX_COUNT.

    Examples
    --------
    >>> _parse_count(pd.Series(["", "2", "3.0", "-2", "inf", "lots", "3000000000"])).tolist()
    [0.0, 2.0, 3.0, nan, nan, nan, nan]
    """
    stripped = values.str.strip()
    number = pd.to_numeric(stripped, errors="coerce").astype(float)
    whole = np.isfinite(number) & (number >= 0) & (number <= MAX_COUNT) & (number % 1 == 0)
    return number.where(whole).mask(stripped.eq(""), 0.0)


def _parse_priority(values: pd.Series) -> pd.Series:
    digits = values.str.extract(r"^\s*[Pp]?(\d)", expand=False)
    words = values.str.lower().str.extract(r"([a-z]+)", expand=False).map(_PRIORITY_WORDS)
    return pd.to_numeric(digits, errors="coerce").fillna(words).astype("Int64")


def _parse_csat(values: pd.Series) -> pd.Series:
    """Satisfaction as 0..1: ``good``/``bad``, or a 1-5 score. NaN when unknown."""
    lowered = values.str.strip().str.lower()
    score = pd.to_numeric(lowered.str.extract(r"^(\d(?:\.\d+)?)", expand=False), errors="coerce")
    scaled = ((score - 1) / 4).where(score.between(1, 5))
    return scaled.fillna(lowered.map(_CSAT_WORDS)).astype(float)


#: satisfaction as 0..1 (also read by the survey export, :mod:`trendminer.ingest.surveys`)
parse_csat = _parse_csat


_FLAG_WORDS = {"true": 1.0, "yes": 1.0, "1": 1.0, "y": 1.0, "false": 0.0, "no": 0.0, "0": 0.0, "n": 0.0}
_DURATION = re.compile(r"(-?\d+(?:\.\d+)?)\s*([wdhm])", re.I)
_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}


def _parse_flag(values: pd.Series) -> pd.Series:
    """A yes/no field (``made_sla``) as 1.0 / 0.0, NaN when empty or unknown.

    Examples
    --------
    >>> _parse_flag(pd.Series(["true", "FALSE", "", "maybe"])).tolist()
    [1.0, 0.0, nan, nan]
    """
    return values.str.strip().str.lower().map(_FLAG_WORDS).astype(float)


def _parse_minutes(values: pd.Series) -> pd.Series:
    """Durations as minutes: a plain number (Zendesk ``reply_time_in_minutes``) or Jira's
    ``1d 2h 30m``; negative values (a breached SLA clock counting down) and text are NaN.

    Examples
    --------
    >>> _parse_minutes(pd.Series(["90", "1h 30m", "2d", "-1h", "", "n/a"])).tolist()
    [90.0, 90.0, 2880.0, nan, nan, nan]
    """
    def one(text: str) -> float:
        text = text.strip()
        try:
            number = float(text)
        except ValueError:
            parts = _DURATION.findall(text)
            if not parts or _DURATION.sub("", text).strip():
                return float("nan")
            number = sum(float(n) * _UNIT_MINUTES[u.lower()] for n, u in parts)
        return number if np.isfinite(number) and number >= 0 else float("nan")
    return pd.Series([one(v) for v in values], index=values.index, dtype=float)


def _first_response_hours(out: pd.DataFrame, first_at: pd.Series, events: bool) -> pd.Series:
    """Hours from opening to the first response: a first-response time stamp (ServiceNow),
    a duration (Jira, Zendesk), or in an event log the first event past state ``New``."""
    hours = (first_at - out["opened_at"]) / pd.Timedelta(hours=1)
    hours = hours.where(hours >= 0)
    hours = hours.fillna(_by_unique(out["first_response_min"].astype(str), _parse_minutes) / 60)
    if events and out["updated_at"].notna().any():
        state = out["state"].astype(str).str.strip().str.lower()
        worked = out["updated_at"].where(~state.isin(["", "new"]))
        first = worked.groupby(out["ticket_id"]).transform("min")
        since = (first - out["opened_at"]) / pd.Timedelta(hours=1)
        hours = hours.fillna(since.where(since >= 0))
    return hours.astype(float)
