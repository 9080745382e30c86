"""The topic registry: permanent topic ids from night to night.

One rule assigns every ticket, in a nightly run and in a full rebuild alike: the nearest
registry centroid by cosine similarity, if it is at least the registry's threshold; else
the ticket is in the remainder. Each night the remainder is clustered again and clusters of
at least ``topics.min_topic_size`` become new topics. Centroids do not drift between
rebuilds, so a ticket keeps its topic id unless a human curates it or a rebuild splits it.

A rebuild (first night, or ``--rebuild-topics``) fits the clusterer on everything and matches
the new clusters to the registry by optimal assignment on centroid similarity (Hungarian):
matched clusters keep their ids, the rest get new ids; registry topics that lose their
tickets to one cluster are recorded as merged, clusters that take tickets from one topic
without matching it as split.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

#: registry rows
REGISTRY = ("topic_id", "centroid", "first_seen", "last_seen", "status", "label")
#: a rebuilt cluster keeps a registry id when their centroids are at least this similar
MATCH_SIMILARITY = 0.80
_CHUNK = 20000


@dataclass
class RegistryUpdate:
    """Tonight's assignment plus the registry to store and the events to record."""

    labels: np.ndarray          # topic id per ticket, -1 = remainder
    registry: pd.DataFrame      # REGISTRY columns, centroid as np.ndarray
    threshold: float
    events: list[tuple[int, str, str]] = field(default_factory=list)  # (topic_id, event, detail)


def empty_registry() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in REGISTRY})


def nearest(vectors: np.ndarray, centroids: np.ndarray, threshold: float) -> np.ndarray:
    """Index of the nearest centroid per row, or -1 below ``threshold`` (the one assignment rule).

    Examples
    --------
    >>> nearest(np.array([[1.0, 0.0], [0.0, 1.0], [0.6, -0.8]]), np.array([[1.0, 0.0], [0.0, 1.0]]), 0.7).tolist()
    [0, 1, -1]
    """
    if len(centroids) == 0 or len(vectors) == 0:
        return np.full(len(vectors), -1)
    out = np.empty(len(vectors), dtype=int)
    for start in range(0, len(vectors), _CHUNK):
        sims = vectors[start:start + _CHUNK] @ centroids.T
        best = sims.argmax(axis=1)
        out[start:start + _CHUNK] = np.where(sims[np.arange(len(best)), best] >= threshold, best, -1)
    return out


def _centroids(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    sums = np.zeros((k, vectors.shape[1]))
    np.add.at(sums, labels[labels >= 0], vectors[labels >= 0])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return sums / np.where(norms == 0, 1, norms)


def _fit(fit: Callable[[np.ndarray], object], vectors: np.ndarray, min_size: int,
         default_threshold: float) -> tuple[np.ndarray, float]:
    model = fit(vectors)
    labels = np.asarray(model.labels_)
    k = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 0
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    keep = np.flatnonzero(sizes >= min_size)
    centroids = _centroids(vectors, labels, k)[keep].astype(np.float32)
    return centroids, float(getattr(model, "threshold_", default_threshold))


def assign(vectors: np.ndarray, registry: pd.DataFrame, threshold: float) -> np.ndarray:
    """Topic id per ticket by the one rule (nearest registry centroid above threshold), -1 otherwise."""
    live = registry[registry["status"] != "merged"]
    if not len(live):
        return np.full(len(vectors), -1)
    row = nearest(vectors, np.stack(live["centroid"].to_numpy()), threshold)
    return np.where(row >= 0, live["topic_id"].to_numpy()[np.maximum(row, 0)], -1).astype(int)


def _append(registry: pd.DataFrame, topic_id: int, centroid: np.ndarray, day: pd.Timestamp) -> pd.DataFrame:
    row = pd.DataFrame({"topic_id": [topic_id], "centroid": [centroid], "first_seen": [day],
                        "last_seen": [day], "status": ["active"], "label": [""]})
    return pd.concat([registry, row], ignore_index=True) if len(registry) else row


def _grow(vectors: np.ndarray, registry: pd.DataFrame, threshold: float, fit: Callable, day: pd.Timestamp,
          min_size: int, events: list, max_rounds: int = 5) -> tuple[np.ndarray, pd.DataFrame]:
    """Cluster the remainder into new topics until nothing of ``min_size`` is left to find."""
    for _round in range(max_rounds):
        labels = assign(vectors, registry, threshold)
        rest = np.flatnonzero(labels < 0)
        if len(rest) < 2 * min_size:
            break
        centroids, _ = _fit(fit, vectors[rest], min_size, threshold)
        sub = nearest(vectors[rest], centroids, threshold)
        added = 0
        for j in range(len(centroids)):
            size = int((sub == j).sum())
            if size < min_size:
                continue
            new_id = int(registry["topic_id"].max()) + 1 if len(registry) else 0
            registry = _append(registry, new_id, centroids[j], day)
            events.append((new_id, "new", f"{size} tickets no existing topic fitted"))
            added += 1
        if not added:
            break
    return assign(vectors, registry, threshold), registry


def update(vectors: np.ndarray, registry: pd.DataFrame, threshold: float | None,
           fit: Callable[[np.ndarray], object], as_of: pd.Timestamp, *, min_topic_size: int,
           default_threshold: float, rebuild: bool = False) -> RegistryUpdate:
    """Assign tonight's tickets to registry topics, growing or rebuilding the registry.

    Parameters
    ----------
    vectors : ndarray (n, d)
        L2-normalised embeddings of the tickets in the window.
    registry : DataFrame
        :data:`REGISTRY` rows from the state (may be empty).
    threshold : float or None
        The registry's assignment threshold (None for a new registry).
    fit : callable
        ``fit(X)`` returning a fitted clusterer (``labels_``; optional ``threshold_``).
    as_of : Timestamp
    min_topic_size : int
    default_threshold : float
        Used when the clusterer does not learn a threshold.
    rebuild : bool
        Refit on everything and match to the registry.

    Returns
    -------
    RegistryUpdate
        Running it again on its own result with the same input changes nothing.
    """
    registry = registry.copy().reset_index(drop=True)
    day = as_of.normalize()
    events: list[tuple[int, str, str]] = []
    old_labels = None
    if rebuild or not len(registry) or threshold is None:
        centroids, threshold = _fit(fit, vectors, min_topic_size, default_threshold)
        had_registry = len(registry) > 0
        old_labels = assign(vectors, registry, threshold) if had_registry else None
        ids = np.full(len(centroids), -1)
        if had_registry:
            old = np.stack(registry["centroid"].to_numpy())
            sims = centroids @ old.T
            rows, cols = linear_sum_assignment(-sims)
            for r, c in zip(rows, cols):
                if sims[r, c] >= MATCH_SIMILARITY:
                    ids[r] = int(registry["topic_id"].iloc[c])
                    registry.at[c, "centroid"] = centroids[r]
        why = "a rebuild found it" if had_registry else "first run"
        for r in np.flatnonzero(ids < 0):
            ids[r] = int(registry["topic_id"].max()) + 1 if len(registry) else 0
            registry = _append(registry, int(ids[r]), centroids[r], day)
            events.append((int(ids[r]), "new", why))
        if had_registry:
            lost = ~registry["topic_id"].isin(ids) & registry["topic_id"].isin(old_labels)
            registry.loc[lost, "status"] = "merged"
    labels, registry = _grow(vectors, registry, threshold, fit, day, min_topic_size, events)
    if old_labels is not None:
        events += _splits_and_merges(old_labels, labels)
    present = set(labels[labels >= 0].tolist())
    for idx, row in registry.iterrows():
        tid = int(row["topic_id"])
        if tid in present:
            if row["status"] == "dormant":
                events.append((tid, "revived", f"tickets again after being dormant since {row['last_seen']:%Y-%m-%d}"))
            registry.at[idx, "status"] = "active"
            registry.at[idx, "last_seen"] = day
        elif row["status"] == "active":
            registry.at[idx, "status"] = "dormant"
            events.append((tid, "dormant", "no tickets in the analysed window"))
    registry["topic_id"] = registry["topic_id"].astype(int)
    return RegistryUpdate(labels, registry, float(threshold), events)


def recentred(registry: pd.DataFrame, previous: pd.DataFrame, ticket_ids: pd.Series,
              vectors: np.ndarray) -> pd.DataFrame:
    """The registry with each topic's centroid rebuilt from tonight's ``vectors`` of the tickets
    it held in ``previous`` (ticket_id, topic_id): for a registry built by another embedder,
    whose centroids mean nothing in tonight's space. A topic none of whose tickets is here
    gets a zero centroid, which no ticket reaches.

    Examples
    --------
    >>> reg = pd.DataFrame({"topic_id": [0, 1], "centroid": [np.ones(3), np.ones(3)]})
    >>> prev = pd.DataFrame({"ticket_id": ["a", "b"], "topic_id": [0, 0]})
    >>> [c.tolist() for c in recentred(reg, prev, pd.Series(["a", "b"]), np.eye(2))["centroid"]]
    [[0.7071067690849304, 0.7071067690849304], [0.0, 0.0]]
    """
    registry = registry.copy()
    topic_of = previous.set_index("ticket_id")["topic_id"].reindex(ticket_ids.to_numpy()).fillna(-1).to_numpy(dtype=int)
    centroids = []
    for tid in registry["topic_id"].astype(int):
        total = vectors[topic_of == tid].sum(axis=0) if (topic_of == tid).any() else np.zeros(vectors.shape[1])
        centroids.append((total / max(float(np.linalg.norm(total)), 1e-12)).astype(np.float32))
    registry["centroid"] = centroids
    return registry


class _GivenThreshold:
    """A fitted clusterer seen without its learned threshold, so :func:`update` keeps the one it is given."""

    def __init__(self, model: object) -> None:
        self.labels_ = model.labels_


def update_by_language(vectors: np.ndarray, languages: np.ndarray, registry: pd.DataFrame,
                       threshold: float | None, fit: Callable[[np.ndarray], object], as_of: pd.Timestamp, *,
                       min_topic_size: int, default_threshold: float, rebuild: bool = False) -> RegistryUpdate:
    """:func:`update` run once per language group, each on its own part of the registry.

    A group's tickets are assigned only to the group's topics and its remainder is clustered
    among itself, so an embedding that only knows one language never mixes tickets of two.
    The group ``""`` (the main language, or every ticket when the embedding is multilingual)
    goes first and sets the threshold the other groups use. Topics of a group with no
    tickets tonight turn dormant. New topic ids follow the largest id of the whole registry.

    Parameters
    ----------
    vectors : ndarray (n, d)
    languages : ndarray of str
        Group of each ticket: ``""`` or a language code.
    registry : DataFrame
        :data:`REGISTRY` rows, with a ``language`` column (missing = all ``""``).
    threshold, fit, as_of, min_topic_size, default_threshold, rebuild
        As for :func:`update`.

    Returns
    -------
    RegistryUpdate
        Its registry has the ``language`` column; its threshold is the main group's.

    Examples
    --------
    >>> from sklearn.cluster import KMeans
    >>> X = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=float)
    >>> up = update_by_language(X, np.array(["", "", "de", "de"]), empty_registry(), None,
    ...                         lambda V: KMeans(1, n_init=1, random_state=0).fit(V), pd.Timestamp("2026-01-01"),
    ...                         min_topic_size=2, default_threshold=0.5)
    >>> up.labels.tolist(), up.registry["language"].tolist()
    ([0, 0, 1, 1], ['', 'de'])
    """
    registry = registry.copy().reset_index(drop=True)
    registry["language"] = (registry["language"].fillna("").astype(str) if "language" in registry.columns
                            else pd.Series([""] * len(registry), dtype=object))
    languages = np.asarray(languages, dtype=object)
    groups = sorted(set(languages.tolist()), key=lambda g: (g != "", g))
    labels = np.full(len(vectors), -1)
    next_id = int(registry["topic_id"].max()) + 1 if len(registry) else 0
    parts, events, main_threshold = [], [], threshold
    for group in groups:
        rows = np.flatnonzero(languages == group)
        own = registry[registry["language"] == group].drop(columns="language").reset_index(drop=True)
        fixed = group != "" and main_threshold is not None
        up = update(vectors[rows], own, main_threshold if fixed else threshold,
                    (lambda X: _GivenThreshold(fit(X))) if fixed else fit, as_of,
                    min_topic_size=min_topic_size,
                    default_threshold=main_threshold if fixed else default_threshold, rebuild=rebuild)
        renumber = {}
        for tid in sorted(set(up.registry["topic_id"].astype(int)) - set(own["topic_id"].astype(int))):
            renumber[tid], next_id = next_id, next_id + 1
        up.registry["topic_id"] = [renumber.get(int(t), int(t)) for t in up.registry["topic_id"]]
        labels[rows] = [renumber.get(int(t), int(t)) for t in up.labels]
        events += [(renumber.get(t, t), kind, detail) for t, kind, detail in up.events]
        parts.append(up.registry.assign(language=group))
        if group == "":
            main_threshold = up.threshold
        elif main_threshold is None:
            main_threshold = up.threshold
    rest = registry[~registry["language"].isin(groups)].copy()
    for idx in rest.index[rest["status"] == "active"]:
        rest.at[idx, "status"] = "dormant"
        events.append((int(rest.at[idx, "topic_id"]), "dormant", "no tickets in the analysed window"))
    kept = [p for p in [*parts, rest] if len(p)]
    merged = pd.concat(kept, ignore_index=True) if kept else registry.head(0)
    if not len(merged):
        merged = empty_registry().assign(language=pd.Series(dtype=object))
    merged = merged.sort_values("topic_id", kind="stable").reset_index(drop=True)
    merged["topic_id"] = merged["topic_id"].astype(int)
    final = main_threshold if main_threshold is not None else default_threshold
    return RegistryUpdate(labels, merged, float(final), events)


def _splits_and_merges(old: np.ndarray, new: np.ndarray) -> list[tuple[int, str, str]]:
    events = []
    both = (old >= 0) & (new >= 0)
    pairs = pd.crosstab(old[both], new[both])
    for old_id, row in pairs.iterrows():
        share = row / row.sum()
        for new_id, part in share.items():
            if new_id != old_id and part >= 0.5 and old_id not in pairs.columns:
                events.append((int(new_id), "merged", f"took {part:.0%} of topic {old_id}'s tickets"))
            elif new_id != old_id and 0.2 <= part < 0.5:
                events.append((int(new_id), "split", f"took {part:.0%} of topic {old_id}'s tickets"))
    return events


def stability(previous: pd.DataFrame, current: pd.DataFrame) -> float:
    """Share of tickets present in both nights (in a topic last night) that kept their topic id.

    Examples
    --------
    >>> a = pd.DataFrame({"ticket_id": ["x", "y", "z"], "topic_id": [1, 2, -1]})
    >>> b = pd.DataFrame({"ticket_id": ["x", "y", "z", "w"], "topic_id": [1, 3, 4, 1]})
    >>> stability(a, b)
    0.5
    """
    both = previous.merge(current, on="ticket_id", suffixes=("_prev", "_now"))
    both = both[both["topic_id_prev"] >= 0]
    return float((both["topic_id_prev"] == both["topic_id_now"]).mean()) if len(both) else 1.0
