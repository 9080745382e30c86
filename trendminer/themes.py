"""Group topics for the reader: near-duplicate topics share a title, and themes never mix systems.

Clustering and topic ids are not touched; this only decides how topics are named and listed.

* **Near duplicates.** Two topics of the same system whose strongest keyphrases share at least
  :data:`SHARED_WORDS` words (c-TF-IDF picks words that set a topic apart, so two topics
  sharing them are about the same thing, e.g. two SAP ERP topics about slow open-item reports)
  and whose centres are at least :data:`DUPLICATE_SIMILARITY` similar (so "where do I attach
  receipts" and "cannot upload receipts" stay apart: same words, different problems)
  form a group; every topic of the group is titled like its largest topic, and the labels tell
  them apart by a keyphrase (:func:`trendminer.labels.unique_labels`).
* **Themes.** The topics a system dominates form that system's theme, named by the system. Topics
  that no system dominates are grouped by their centres (average linkage, cosine distance below
  :data:`THEME_DISTANCE`) and a group is named by the title of its largest topic.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: keyphrase words two topics of one system must share to count as near duplicates
SHARED_WORDS = 2
#: ... and the cosine similarity their centres need at least
DUPLICATE_SIMILARITY = 0.65
#: topics without a system join one theme when their centres are closer than this (cosine distance)
THEME_DISTANCE = 0.5


def near_duplicates(systems: Sequence[str], keyphrases: Sequence[Sequence[str]],
                    centroids: Sequence[np.ndarray | None] | None = None, shared: int = SHARED_WORDS,
                    similarity: float = DUPLICATE_SIMILARITY) -> list[int]:
    """Index of the topic each topic is grouped under (itself when it leads or stands alone).

    Topics are given largest first; a topic joins the group of the first (largest) earlier
    topic of the same, named system with which its keyphrases share ``shared`` words and
    (when ``centroids`` are given) whose centre is at least ``similarity`` similar.

    Examples
    --------
    >>> kp = [["item report", "slow"], ["print", "report"], ["open item", "report run"], ["item report", "run"]]
    >>> near_duplicates(["SAP", "SAP", "SAP", ""], kp)
    [0, 1, 0, 3]
    >>> c = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.6, 0.8]), np.array([1.0, 0.0])]
    >>> near_duplicates(["SAP", "SAP", "SAP", ""], kp, c)
    [0, 1, 2, 3]
    """
    words = [{w for phrase in phrases for w in phrase.split()} for phrases in keyphrases]
    lead = list(range(len(systems)))
    for j in range(len(systems)):
        if not systems[j]:
            continue
        for i in range(j):
            close = (centroids is None or centroids[i] is None or centroids[j] is None
                     or float(np.dot(centroids[i], centroids[j])) >= similarity)
            if lead[i] == i and systems[i] == systems[j] and len(words[i] & words[j]) >= shared and close:
                lead[j] = i
                break
    return lead


def themes(systems: Sequence[str], centroids: Sequence[np.ndarray | None], titles: Sequence[str],
           distance: float = THEME_DISTANCE) -> list[str]:
    """The theme of every topic (topics given largest first).

    Parameters
    ----------
    systems : sequence of str
        The dominant system of each topic ("" when none dominates).
    centroids : sequence of ndarray or None
        Unit topic centres (None when unknown: such a topic is a theme of its own).
    titles : sequence of str
        Topic titles (without the system), naming the themes of topics without a system.
    distance : float

    Returns
    -------
    list of str

    Examples
    --------
    >>> c = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.1, 1.0]) / np.hypot(0.1, 1.0)]
    >>> themes(["Outlook", "", ""], c, ["Mailbox full", "Monitor flickers", "Second monitor black"])
    ['Outlook', 'Monitor flickers', 'Monitor flickers']
    """
    out = list(systems)
    loose = [i for i, s in enumerate(systems) if not s]
    known = [i for i in loose if centroids[i] is not None]
    for i in loose:
        out[i] = titles[i] or f"topic group {i + 1}"
    if len(known) >= 2:
        from sklearn.cluster import AgglomerativeClustering

        group = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                        distance_threshold=distance).fit_predict(
            np.stack([centroids[i] for i in known]))
        first: dict[int, int] = {}
        for i, g in zip(known, group):
            first.setdefault(int(g), i)      # topics come largest first
            out[i] = out[first[int(g)]]
    return out
