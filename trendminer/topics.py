"""Problem topics: cluster the embeddings, then name each cluster.

Topic ids come from the registry (:mod:`trendminer.registry`) and are kept from night to
night. Every ticket lands in a topic or in the counted remainder (``topic_id == -1``). Labels
are keyphrases weighted like c-TF-IDF over spaCy lemmas, prefixed by the system when
one system accounts for most of the topic; no two topics share a label.
"""
from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from . import nlp
from .config import Settings
from .errors import ConfigError
from .registry import RegistryUpdate
from .registry import update as registry_update
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


def _unique_labels(ids: list[int], systems: list[str], phrases: list[list[str]], n: int) -> list[str]:
    """``system: k keyphrases``, adding keyphrases until no earlier label has the same words.

    Labels are compared as word sets, so "open item, run" and "run, open item" clash.

    Examples
    --------
    >>> _unique_labels([4, 9], ["SAP", "SAP"], [["open item", "run", "dump"], ["run", "open item", "post"]], 2)
    ['SAP: open item, run', 'SAP: run, open item, post']
    """
    labels: list[str] = []
    seen: set[tuple[str, frozenset]] = set()
    for topic_id, system, words in zip(ids, systems, phrases):
        k = min(n, len(words))   # a topic may have fewer key phrases than n (tiny, uniform titles)
        key = (system, frozenset(words[:k]))
        for k in range(k, len(words) + 1):
            key = (system, frozenset(words[:k]))
            if key not in seen:
                break
        text = ", ".join(words[:k]) or "misc"
        label = f"{system}: {text}" if system else text
        if key in seen:
            label = f"{label} (topic {topic_id})"
        seen.add(key)
        labels.append(label)
    return labels


@dataclass
class TopicsResult:
    """Assignments, topic descriptions and the registry update of one run."""

    assignments: Assignments
    info: TopicInfo
    update: RegistryUpdate


def load_curation(path: str | Path) -> dict:
    """Read the curation file (TOML): ``[[rename]] topic, label``; ``[[merge]] topics, into``;
    ``[[ignore]] topics``. An empty path means no curation.

    Raises
    ------
    ConfigError
        On a missing or malformed file, naming the entry.
    """
    if not path:
        return {"rename": [], "merge": [], "ignore": []}
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Curation file {path} not found (config key topics.curation).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Curation file {path}: not valid TOML ({exc}).") from None
    out = {"rename": data.get("rename", []), "merge": data.get("merge", []), "ignore": data.get("ignore", [])}
    for kind, keys in (("rename", ("topic", "label")), ("merge", ("topics", "into")), ("ignore", ("topics",))):
        for i, entry in enumerate(out[kind], 1):
            missing = [k for k in keys if k not in entry]
            if missing:
                raise ConfigError(f"Curation file {path}: [[{kind}]] entry {i} lacks {', '.join(missing)}.")
    return out


def _curate(labels: np.ndarray, curation: dict) -> np.ndarray:
    labels = labels.copy()
    for entry in curation["merge"]:
        labels[np.isin(labels, [int(t) for t in entry["topics"]])] = int(entry["into"])
    for entry in curation["ignore"]:
        labels[np.isin(labels, [int(t) for t in entry["topics"]])] = -1
    return labels


def topics(tickets: Tickets, vectors: np.ndarray, attribution: Attribution, settings: Settings, *,
           registry: pd.DataFrame, threshold: float | None, as_of: pd.Timestamp,
           clusterer: Clusterer | None = None, rebuild: bool = False,
           curation: dict | None = None) -> TopicsResult:
    """Assign tickets to registry topics (growing the registry) and name every topic.

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
    registry, threshold
        The stored topic registry and its assignment threshold (empty / None at first).
    as_of : Timestamp
    clusterer : Clusterer, optional
        Defaults to :func:`default_clusterer`; tests pass a fake. It is refitted for each call.
    rebuild : bool
        Refit on all tickets and match to the registry instead of growing it.
    curation : dict, optional
        From :func:`load_curation`: renames, merges and ignored topics, applied every run.

    Returns
    -------
    TopicsResult
        ``assignments`` has one row per ticket (``topic_id`` -1 = remainder); ``info`` one
        row per topic with tickets tonight, largest first.
    """
    validate(tickets, TICKETS, "topics")
    opts = settings["topics"]
    curation = curation or {"rename": [], "merge": [], "ignore": []}
    if len(tickets) != len(vectors):
        raise ValueError(f"{len(tickets)} tickets but {len(vectors)} vectors")
    min_size = int(opts["min_topic_size"])

    def fit(X: np.ndarray) -> Clusterer:
        if len(X) < 2 * min_size:
            return _NoClusters(len(X))
        model = copy.deepcopy(clusterer) if clusterer is not None else default_clusterer(settings)
        return model.fit(X)

    # Tickets in other languages are counted apart, not mixed into the main language's topics.
    clusterable = tickets["language"].isin([settings["ingest"]["main_language"], "und", ""]).to_numpy()
    update = registry_update(vectors[clusterable], registry, threshold, fit, as_of, min_topic_size=min_size,
                             default_threshold=float(opts["assign_threshold"]), rebuild=rebuild)
    labels = np.full(len(tickets), -1)
    labels[clusterable] = update.labels
    labels = _curate(labels, curation)
    assignments = pd.DataFrame({"ticket_id": tickets["ticket_id"].to_numpy(), "topic_id": labels})
    system_of = attribution.set_index("ticket_id")["system"].reindex(tickets["ticket_id"]).to_numpy()
    unattributed = settings["systems"]["unattributed"]
    ids = pd.Series(labels[labels >= 0]).value_counts()
    ids = sorted(ids.index, key=lambda t: (-ids[t], t))
    centroid_of = dict(zip(update.registry["topic_id"], update.registry["centroid"]))
    groups = _topic_terms(tickets, [np.flatnonzero(labels == t) for t in ids], int(opts["keyphrase_sample"]))
    phrases = nlp.class_keyphrases(groups, n=int(opts["n_keyphrases"]) + 3)
    rows, systems = [], []
    for t in ids:
        members = np.flatnonzero(labels == t)
        counts = pd.Series(system_of[members]).value_counts()
        top = counts.index[0] if len(counts) and counts.iloc[0] >= DOMINANT_SHARE * len(members) else ""
        systems.append("" if top == unattributed else top)
        centroid = centroid_of.get(t)
        closeness = vectors[members] @ (centroid if centroid is not None else vectors[members].mean(axis=0))
        order = members[np.lexsort((members, -closeness))]
        titles = tickets["title"].str.lower().str.strip().to_numpy()[order]
        distinct = order[~pd.Series(titles).duplicated().to_numpy()]   # no example twice
        reps = tickets["ticket_id"].to_numpy()[distinct[: int(opts["n_representatives"])]].tolist()
        rows.append({"topic_id": int(t), "keyphrases": phrases[len(rows)][: int(opts["n_keyphrases"])],
                     "size": len(members), "representatives": reps, "top_system": systems[-1]})
    info = pd.DataFrame(rows, columns=[c for c in TOPIC_INFO if c not in ("label", "theme")])
    info["theme"] = _themes([centroid_of.get(t) for t in ids], groups)
    labels_text = _unique_labels([int(t) for t in ids], systems, phrases, int(opts["n_keyphrases"]))
    renames = {int(e["topic"]): str(e["label"]) for e in curation["rename"]}
    info.insert(1, "label", [renames.get(int(t), text) for t, text in zip(info["topic_id"], labels_text)])
    reg = update.registry
    for t, label in zip(info["topic_id"], info["label"]):
        idx = reg.index[reg["topic_id"] == t]
        if len(idx) and reg.at[idx[0], "label"] != label:
            if reg.at[idx[0], "label"]:
                update.events.append((int(t), "renamed", f"{reg.at[idx[0], 'label']} -> {label}"))
            reg.at[idx[0], "label"] = label
    return TopicsResult(validate(assignments, ASSIGNMENTS, "topics"), validate(info, TOPIC_INFO, "topics"), update)


def _topic_terms(tickets: Tickets, members: list[np.ndarray], cap: int) -> list[list[list[str]]]:
    """Content terms of each topic's tickets, at most ``cap`` tickets a topic: those with the
    smallest text hashes, a sample that is random in content and the same every night.

    Parsing is most of the cost of naming topics; keyphrases of a few hundred tickets are
    those of the whole topic.
    """
    hashes = tickets["text_hash"].to_numpy()
    chosen = [m if len(m) <= cap else np.sort(m[np.argsort(hashes[m], kind="stable")[:cap]]) for m in members]
    needed = np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=int)
    texts = tickets["text"].to_numpy()[needed].tolist()
    terms = dict(zip(needed.tolist(), (nlp.content_terms(doc) for doc in nlp.docs(texts))))
    return [[terms[i] for i in c.tolist()] for c in chosen]


def _themes(centroids: list, groups: list) -> list[str]:
    """Group topics into a handful of themes (about the square root of the topic count).

    Average-linkage clustering of the topic centres by cosine distance; each theme is named
    by its two strongest keyphrases over all of its tickets.
    """
    if not centroids:
        return []
    k = int(np.clip(round(np.sqrt(len(centroids))), 1, 10))
    if k < 2 or any(c is None for c in centroids):
        return ["all topics"] * len(centroids)
    from sklearn.cluster import AgglomerativeClustering

    theme_of = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(
        np.stack(centroids))
    merged = [[terms for i in np.flatnonzero(theme_of == j) for terms in groups[i]] for j in range(k)]
    names = [", ".join(words[:2]) or f"theme {j + 1}" for j, words in enumerate(nlp.class_keyphrases(merged, n=2))]
    return [names[j] for j in theme_of]


class _NoClusters:
    """What fitting fewer than two topics' worth of tickets gives: everything in the remainder."""

    def __init__(self, n: int) -> None:
        self.labels_ = np.full(n, -1)
        self.centroids_ = np.zeros((0, 1))

    def fit(self, X: np.ndarray) -> _NoClusters:
        return self
