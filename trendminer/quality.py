"""The figures that tell a good night from a bad one (the digest's run quality).

Pure functions over the night's frames; the orchestrator only passes them in.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .config import Settings
from .registry import stability
from .schema import Assignments, Attribution, Tickets, TopicInfo


def sampled_silhouette(vectors: np.ndarray, labels: np.ndarray, random_state: int, sample: int = 2000) -> float:
    """Cosine silhouette of the tickets in topics, on a seeded sample (NaN below two topics).

    Examples
    --------
    >>> v = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> round(sampled_silhouette(v, np.array([0, 0, 1, 1]), 0), 2)
    0.99
    >>> sampled_silhouette(v, np.array([0, 0, -1, -1]), 0)
    nan
    """
    from sklearn.metrics import silhouette_score

    inside = labels >= 0
    if len(set(labels[inside].tolist())) < 2 or inside.sum() <= 2:
        return float("nan")
    return float(silhouette_score(vectors[inside], labels[inside], metric="cosine",
                                  sample_size=min(sample, int(inside.sum())), random_state=random_state))


def languages_in_topics(languages: pd.Series, topic_ids: pd.Series) -> dict[str, list[int]]:
    """Per language, ``[tickets in a topic, tickets]``, most tickets first ("und" = undetermined).

    Examples
    --------
    >>> languages_in_topics(pd.Series(["en", "de", "en", "de", "de"]), pd.Series([0, 1, -1, 1, -1]))
    {'de': [2, 3], 'en': [1, 2]}
    """
    frame = pd.DataFrame({"language": languages.fillna("").replace("", "und").to_numpy(),
                          "inside": topic_ids.to_numpy() >= 0})
    counts = frame.groupby("language")["inside"].agg(["sum", "size"])
    counts = counts.sort_values("size", ascending=False, kind="stable")
    return {str(k): [int(r["sum"]), int(r["size"])] for k, r in counts.iterrows()}


def run_quality(tickets: Tickets, *, vectors: np.ndarray, assignments: Assignments, info: TopicInfo,
                attribution: Attribution, embedded: int, previous_assignments: pd.DataFrame | None,
                settings: Settings) -> dict[str, float]:
    """Remainder, topic sizes, silhouette, stability since the last night, coverage counts and the
    tickets of each language in topics.

    Parameters
    ----------
    tickets, vectors, assignments, info, attribution
        This night's analysed tickets, their embeddings and the topic and system stages' output.
    embedded : int
        Texts embedded tonight (not found in the cache).
    previous_assignments : DataFrame or None
        The previous night's ticket -> topic assignments (None on a first night).
    settings : Settings
        Uses ``ingest.main_language`` and ``topics.random_state``.

    Returns
    -------
    dict of str to float
    """
    sizes = info["size"] if len(info) else pd.Series([0])
    remainder = int((assignments["topic_id"] < 0).sum())
    languages = (assignments["language"] if "language" in assignments.columns
                 else tickets["language"].reset_index(drop=True).set_axis(assignments.index))
    main = [settings["ingest"]["main_language"], "und", ""]
    return {"remainder": remainder, "remainder_share": remainder / max(len(tickets), 1),
            "largest": float(sizes.max()), "median": float(np.median(sizes)), "embedded": embedded,
            "unattributed": int((attribution["source"] == "none").sum()),
            "other_language": int((~tickets["language"].isin(main)).sum()),
            "other_language_in_topics": int((~languages.isin(main) & (assignments["topic_id"] >= 0)).sum()),
            "in_topics_by_language": languages_in_topics(languages, assignments["topic_id"]),
            "stability": (stability(previous_assignments, assignments) if previous_assignments is not None
                          else float("nan")),
            "silhouette": sampled_silhouette(vectors, assignments["topic_id"].to_numpy(),
                                             int(settings["topics"]["random_state"]))}
