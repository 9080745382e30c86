"""Which how-to and request topics an article answers: covered, covered but rising, or a gap.

Pure functions over frames and arrays. A topic is matched to an article when the cosine
similarity of the topic's centroid (the mean of its tickets' unit vectors, normalised) and
the article's vector (title + head of the body) reaches the backend's measured threshold
(``[knowledge.match_threshold]``; see ``trendminer eval knowledge``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import poisson

DAYS_PER_MONTH = 30.4375


def centroids(vectors: np.ndarray, labels: np.ndarray, topic_ids: Sequence[int]) -> np.ndarray:
    """Unit centroid of each topic's vectors (a zero row for a topic without tickets).

    Examples
    --------
    >>> v = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    >>> centroids(v, np.array([0, 0, 1]), [0, 1, 2]).round(3).tolist()
    [[0.707, 0.707], [1.0, 0.0], [0.0, 0.0]]
    """
    out = np.zeros((len(topic_ids), vectors.shape[1] if vectors.ndim == 2 else 1), dtype=np.float64)
    for i, topic in enumerate(topic_ids):
        members = vectors[labels == topic]
        if len(members):
            mean = members.mean(axis=0)
            norm = np.linalg.norm(mean)
            out[i] = mean / norm if norm > 0 else mean
    return out


def match_scores(topic_centroids: np.ndarray, article_vectors: np.ndarray) -> np.ndarray:
    """``(topics, articles)`` cosine similarities (inputs are unit vectors or zero rows).

    Examples
    --------
    >>> match_scores(np.array([[1.0, 0.0]]), np.array([[0.6, 0.8], [1.0, 0.0]])).tolist()
    [[0.6, 1.0]]
    """
    if not len(topic_centroids) or not len(article_vectors):
        return np.zeros((len(topic_centroids), len(article_vectors)))
    return np.asarray(topic_centroids, dtype=np.float64) @ np.asarray(article_vectors, dtype=np.float64).T


def matched(scores: np.ndarray, threshold: float, usable: np.ndarray | None = None) -> list[list[int]]:
    """Per topic, the indices of the articles at or above ``threshold``, best first.

    ``usable`` masks out articles that do not count (drafts, retired): one flag per article, or
    a ``(topics, articles)`` mask such as :func:`on_subject`.

    Examples
    --------
    >>> matched(np.array([[0.2, 0.7, 0.5], [0.1, 0.1, 0.1]]), 0.5)
    [[1, 2], []]
    >>> matched(np.array([[0.2, 0.7, 0.5]]), 0.5, np.array([True, False, True]))
    [[2]]
    """
    ok = scores >= threshold
    if usable is not None:
        mask = np.asarray(usable, dtype=bool)
        ok &= mask[None, :] if mask.ndim == 1 else mask
    return [[int(j) for j in np.argsort(-row, kind="stable") if ok[i, j]] for i, row in enumerate(scores)]


def on_subject(scores: np.ndarray, margin: float) -> np.ndarray:
    """``(topics, articles)`` mask: the topic is close to what the article is mainly about.

    An article's own subject is the topic it matches best; another topic may use the article
    only when it scores within ``margin`` of that best topic. A "create a team" article (0.85 to
    the private-channel topic) then does not cover "allow external user" (0.64), although both
    pass the match threshold (``trendminer eval knowledge`` reports the wrong-match rate with
    and without this check).

    Examples
    --------
    >>> on_subject(np.array([[0.85, 0.2], [0.64, 0.5]]), 0.1).tolist()
    [[True, False], [False, True]]
    """
    if not scores.size:
        return np.ones(scores.shape, dtype=bool)
    return scores >= scores.max(axis=0, keepdims=True) - float(margin)


@dataclass(frozen=True)
class Rise:
    """Tickets per month before and in the recent window, and whether that is a rise."""

    before: int
    recent: int
    per_month_before: float
    per_month_recent: float
    p_value: float
    rising: bool

    @property
    def ratio(self) -> float:
        return self.per_month_recent / self.per_month_before if self.per_month_before else float("inf")


def rise(opened: pd.Series, start: pd.Timestamp, recent_start: pd.Timestamp, end: pd.Timestamp, *,
         ratio: float, p: float, min_count: int) -> Rise:
    """Compare the rate in ``[recent_start, end)`` with the rate in ``[start, recent_start)``.

    A rise needs at least ``min_count`` recent tickets, ``ratio`` times the earlier rate and a
    one-sided Poisson p-value below ``p`` (expected = earlier rate x recent days; with no
    earlier tickets, half a ticket over the earlier period is assumed).

    Examples
    --------
    >>> days = pd.to_datetime(["2026-09-01"] * 2 + ["2026-10-10"] * 12)
    >>> r = rise(pd.Series(days), pd.Timestamp("2026-08-01"), pd.Timestamp("2026-10-01"),
    ...          pd.Timestamp("2026-11-01"), ratio=1.5, p=0.05, min_count=5)
    >>> (r.before, r.recent, r.rising)
    (2, 12, True)
    """
    before_days = max((recent_start - start).days, 1)
    recent_days = max((end - recent_start).days, 1)
    before = int(((opened >= start) & (opened < recent_start)).sum())
    recent = int(((opened >= recent_start) & (opened < end)).sum())
    expected = max(before, 0.5) / before_days * recent_days
    p_value = float(poisson.sf(recent - 1, expected)) if recent else 1.0
    rate_before = before / before_days * DAYS_PER_MONTH
    rate_recent = recent / recent_days * DAYS_PER_MONTH
    rising = recent >= min_count and rate_recent >= ratio * max(rate_before, 1e-9) and p_value < p
    return Rise(before, recent, rate_before, rate_recent, p_value, bool(rising))


def status(has_kb: bool, n_matched: int, rising: bool) -> str:
    """``covered`` | ``covered_rising`` | ``gap``; ``""`` without a knowledge-base export.

    Examples
    --------
    >>> [status(True, 1, False), status(True, 2, True), status(True, 0, True), status(False, 0, True)]
    ['covered', 'covered_rising', 'gap', '']
    """
    if not has_kb:
        return ""
    if not n_matched:
        return "gap"
    return "covered_rising" if rising else "covered"


def evidence(updated: pd.Timestamp | None, step_week: str, views: float, tickets_since_update: int) -> tuple[str, str]:
    """Why an article exists and the tickets keep coming: ``outdated`` | ``findability`` | ``content``.

    ``outdated``: the article was last updated before its system's release step (the week
    failures stepped up). ``findability``: it was read fewer times than the question was asked
    since its last update. Otherwise ``content``: it is found but does not answer.

    Examples
    --------
    >>> evidence(pd.Timestamp("2026-04-20"), "2026-09-13", 96, 70)[0]
    'outdated'
    >>> evidence(pd.Timestamp("2026-08-01"), "", 12, 40)[0]
    'findability'
    >>> evidence(pd.Timestamp("2026-08-01"), "", 400, 40)[0]
    'content'
    """
    day = "an unknown date" if updated is None or pd.isna(updated) else f"{pd.Timestamp(updated).date()}"
    if step_week and updated is not None and not pd.isna(updated) and pd.Timestamp(updated) < pd.Timestamp(step_week):
        return "outdated", (f"last updated {day}, before the release step in the week of {step_week}: "
                            "the article probably describes the old version")
    if np.isfinite(views) and views < tickets_since_update:
        return "findability", (f"read {int(views)} times, fewer than the {tickets_since_update} tickets "
                               f"asking since its last update ({day}): users do not find it")
    if np.isfinite(views):
        return "content", (f"read {int(views)} times and still {tickets_since_update} tickets since {day}: "
                           "found, but it does not answer the question")
    return "content", (f"{tickets_since_update} tickets since its last update ({day}); no view counts "
                       "in the export to tell findability from content")


def topic_kinds(assignments: pd.DataFrame, kinds: pd.DataFrame) -> pd.DataFrame:
    """Per topic: tickets, how-to / request / failure counts and the asking kind.

    Returns a frame indexed by ``topic_id`` with ``n``, ``howto``, ``request``, ``failure``,
    ``asking_share`` (how-to + request) and ``kind`` (howto or request, whichever is larger).
    """
    joined = assignments[["ticket_id", "topic_id"]].merge(kinds[["ticket_id", "kind"]], on="ticket_id", how="left")
    joined = joined[joined["topic_id"] >= 0]
    counts = pd.crosstab(joined["topic_id"], joined["kind"]).reindex(columns=["failure", "howto", "request"],
                                                                     fill_value=0)
    counts["n"] = counts.sum(axis=1)
    counts["asking_share"] = (counts["howto"] + counts["request"]) / counts["n"].clip(lower=1)
    counts["kind"] = np.where(counts["request"] > counts["howto"], "request", "howto")
    return counts


def asking_topics(per_topic: pd.DataFrame, min_share: float) -> list[int]:
    """Topics where how-to questions and requests make up at least ``min_share`` of the tickets."""
    return [int(t) for t in per_topic.index[per_topic["asking_share"] >= min_share]]


def best_by_topic(scores: np.ndarray, hits: list[list[int]], articles: pd.DataFrame) -> list[dict]:
    """The matched article ids, and the best match's id, title, score and date, per topic."""
    out = []
    for i, found in enumerate(hits):
        best = found[0] if found else (int(np.argmax(scores[i])) if scores.shape[1] else -1)
        art: Mapping = articles.iloc[best] if best >= 0 else {}
        out.append({"articles": [str(articles["article_id"].iloc[j]) for j in found],
                    "best_article": str(art.get("article_id", "")) if found else "",
                    "best_title": str(art.get("title", "")) if found else "",
                    "best_score": float(scores[i, best]) if best >= 0 else float("nan"),
                    "article_updated": art.get("updated_at", pd.NaT) if found else pd.NaT,
                    "article_views": float(art.get("views", np.nan)) if found else float("nan")})
    return out
