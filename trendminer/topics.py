"""Problem topics: cluster the embeddings, then name each cluster.

Every ticket lands in a topic or in the counted remainder (``topic_id == -1``). Labels
are keyphrases weighted like c-TF-IDF over spaCy lemmas, prefixed by the system when
one system accounts for most of the topic; no two topics share a label.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from . import nlp
from .config import Settings
from .schema import ASSIGNMENTS, TICKETS, TOPIC_INFO, Assignments, Attribution, Tickets, TopicInfo, validate

#: share of a topic's tickets one system must have to prefix the label
DOMINANT_SHARE = 0.6


class Clusterer(Protocol):
    """What :func:`topics` needs from a clusterer (see :class:`trendminer.cluster.TopicClusterer`)."""

    labels_: np.ndarray
    centroids_: np.ndarray

    def fit(self, X: np.ndarray) -> Clusterer: ...


def default_clusterer(settings: Settings) -> Clusterer:
    """The clusterer the config asks for."""
    from .cluster import TopicClusterer

    opts = settings["topics"]
    return TopicClusterer(random_state=int(opts["random_state"]),
                          min_topic_size=int(opts["min_topic_size"]))


def _unique_labels(systems: list[str], phrases: list[list[str]], n: int) -> list[str]:
    labels: list[str] = []
    seen: set[str] = set()
    for topic_id, (system, words) in enumerate(zip(systems, phrases)):
        for k in range(n, len(words) + 1):
            text = ", ".join(words[:k]) or "misc"
            label = f"{system}: {text}" if system else text
            if label not in seen:
                break
        else:
            label = f"{label} (#{topic_id})"
        seen.add(label)
        labels.append(label)
    return labels


def topics(tickets: Tickets, vectors: np.ndarray, attribution: Attribution, settings: Settings,
           clusterer: Clusterer | None = None) -> tuple[Assignments, TopicInfo]:
    """Cluster tickets into named problem topics.

    Parameters
    ----------
    tickets : Tickets
        Rows aligned with ``vectors``.
    vectors : ndarray of shape (n_tickets, dim)
        L2-normalised embeddings.
    attribution : Attribution
        Used to prefix a label with its dominant system.
    settings : Settings
        Uses ``topics.*``.
    clusterer : Clusterer, optional
        Defaults to :func:`default_clusterer`; tests pass a fake.

    Returns
    -------
    assignments : Assignments
        One row per ticket (``topic_id`` -1 = remainder).
    info : TopicInfo
        One row per topic, ordered by ``topic_id``.
    """
    validate(tickets, TICKETS, "topics")
    opts = settings["topics"]
    if len(tickets) != len(vectors):
        raise ValueError(f"{len(tickets)} tickets but {len(vectors)} vectors")
    if len(tickets) < 2 * int(opts["min_topic_size"]):
        labels = np.full(len(tickets), -1)
        centroids = np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 1))
    else:
        model = (clusterer or default_clusterer(settings)).fit(vectors)
        labels, centroids = np.asarray(model.labels_), np.asarray(model.centroids_)
    assignments = pd.DataFrame({"ticket_id": tickets["ticket_id"].to_numpy(), "topic_id": labels})
    system_of = attribution.set_index("ticket_id")["system"].reindex(tickets["ticket_id"]).to_numpy()
    unattributed = settings["systems"]["unattributed"]

    n_topics = len(centroids)
    parsed = nlp.docs(tickets["text"].tolist())
    groups = [[parsed[i] for i in np.flatnonzero(labels == k)] for k in range(n_topics)]
    phrases = nlp.class_keyphrases(groups, n=int(opts["n_keyphrases"]) + 3)
    rows, systems = [], []
    for k in range(n_topics):
        members = np.flatnonzero(labels == k)
        counts = pd.Series(system_of[members]).value_counts()
        top = counts.index[0] if len(counts) and counts.iloc[0] >= DOMINANT_SHARE * len(members) else ""
        systems.append("" if top == unattributed else top)
        closeness = vectors[members] @ centroids[k]
        order = members[np.lexsort((members, -closeness))]
        reps = tickets["ticket_id"].to_numpy()[order[: int(opts["n_representatives"])]].tolist()
        rows.append({"topic_id": k, "keyphrases": phrases[k][: int(opts["n_keyphrases"])],
                     "size": len(members), "representatives": reps, "top_system": systems[-1]})
    info = pd.DataFrame(rows, columns=[c for c in TOPIC_INFO if c != "label"])
    info.insert(1, "label", _unique_labels(systems, phrases, int(opts["n_keyphrases"])))
    return validate(assignments, ASSIGNMENTS, "topics"), validate(info, TOPIC_INFO, "topics")
