"""Step 2 of scoring: the composite trouble score and the rank, from the measured numbers.

The trouble score is a weighted sum of parts scaled 0..1 across systems; the parts are kept
(``part_*`` columns) so reports can show why a system ranks where it does. Systems with fewer
than ``score.min_tickets`` tickets in the window are ranked after the others, so three unlucky
tickets do not top the list.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import Settings

PARTS = ("failures", "failure_rate", "irritation", "trend")


def _scaled(values: pd.Series) -> pd.Series:
    top = values.max()
    return values / top if top and np.isfinite(top) and top > 0 else values * 0.0


def shrunk_irritation(measured: pd.DataFrame, prior: float, column: str = "irritation") -> pd.Series:
    """A per-ticket mean (or share) per system shrunk towards the all-systems value by ``prior``
    pseudo-tickets.

    A dozen irritated tickets cannot outrank hundreds; the shown share stays the raw one.

    Examples
    --------
    >>> m = pd.DataFrame({"tickets": [2, 98], "irritation": [1.0, 0.0]})
    >>> shrunk_irritation(m, 2).round(3).tolist()
    [0.51, 0.0]
    """
    if prior <= 0:
        return measured[column]
    sums = measured[column].fillna(0.0) * measured["tickets"]
    total = int(measured["tickets"].sum())
    overall = float(sums.sum() / total) if total else 0.0
    return (sums + prior * overall) / (measured["tickets"] + prior)


def irritation_part(measured: pd.DataFrame, prior: float, text_share: float) -> pd.Series:
    """What the ranking reads of a system's irritation, 0..1 before scaling across systems:

    ``text_share * irritated share + (1 - text_share) * mean process irritation``, each shrunk
    by ``prior`` pseudo-tickets towards the all-systems value (:func:`shrunk_irritation`).
    The text share is what readers would call irritated; the process part is the weighted
    mean of reopens, reassignments, repeat contacts, overrun, low CSAT and escalations
    (:mod:`trendminer.signals`), so a system whose users write calmly but keep reopening and
    calling again still ranks as irritating.

    Examples
    --------
    >>> m = pd.DataFrame({"tickets": [10, 10], "irritated_share": [0.5, 0.1],
    ...                   "process_irritation": [0.0, 0.3]})
    >>> irritation_part(m, 0, 0.5).tolist()
    [0.25, 0.2]
    """
    text = shrunk_irritation(measured, prior, "irritated_share")
    process = shrunk_irritation(measured, prior, "process_irritation")
    return text_share * text + (1.0 - text_share) * process


def rank_systems(measured: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """Add ``part_*``, ``trouble_score``, ``rankable`` and ``rank``; sorted by rank.

    Parameters
    ----------
    measured : DataFrame
        :func:`~trendminer.score.measure.measure_systems`, indexed by system.
    settings : Settings
        Uses ``score.weights``, ``score.irritation_prior``, ``score.irritation_text_share``
        (see :func:`irritation_part`) and ``score.min_tickets``.

    Returns
    -------
    DataFrame
        A ``system`` column instead of the index; rank 1 = most trouble.
    """
    opts = settings["score"]
    weights = opts["weights"]
    frame = measured.copy()
    parts = pd.DataFrame({
        "failures": _scaled(frame["failures"].astype(float)),
        "failure_rate": _scaled(frame["failures_per_100_users"].fillna(0.0)),
        "irritation": _scaled(irritation_part(frame, float(opts["irritation_prior"]),
                                              float(opts["irritation_text_share"]))),
        "trend": ((frame["failure_trend"] - 1) / 3).clip(0, 1),
    })
    for part in PARTS:
        frame[f"part_{part}"] = parts[part] * float(weights[part])
    frame["trouble_score"] = frame[[f"part_{p}" for p in PARTS]].sum(axis=1)
    frame["rankable"] = frame["tickets"] >= int(opts["min_tickets"])
    frame = frame.reset_index(names="system").sort_values(
        ["rankable", "trouble_score", "system"], ascending=[False, False, True]).reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame
