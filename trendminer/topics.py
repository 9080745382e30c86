"""Problem topics: cluster the embeddings, then name each cluster.

Topic ids come from the registry (:mod:`trendminer.registry`) and are kept from night to
night. Every ticket lands in a topic or in the counted remainder (``topic_id == -1``). A label
is a title drawn from the topic's own ticket titles, prefixed by the system when one system
accounts for most of the topic, with c-TF-IDF keyphrases beside it (:mod:`trendminer.labels`);
near-duplicate topics share a title and themes never mix systems (:mod:`trendminer.themes`);
no two topics share a label.
"""
from __future__ import annotations

import copy
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from . import labels as naming
from . import nlp, themes
from .config import Settings
from .errors import ConfigError
from .language import language_name
from .registry import RegistryUpdate, update_by_language
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


def topics(tickets: Tickets, *, vectors: np.ndarray, attribution: Attribution, settings: Settings,
           registry: pd.DataFrame, threshold: float | None, as_of: pd.Timestamp,
           clusterer: Clusterer | None = None, rebuild: bool = False,
           curation: dict | None = None, features: pd.DataFrame | None = None,
           multilingual: bool = False) -> TopicsResult:
    """Assign tickets to registry topics (growing the registry) and name every topic.

    With a multilingual embedding every ticket is clustered with every other, so a German
    ticket joins the topic of the same problem in English; otherwise the tickets of each
    other language are clustered among themselves (:func:`~trendminer.registry.update_by_language`).
    A topic is named from its main-language tickets when it has any, else from all of them
    with their language after the label ("VPN Verbindung bricht ab (German)").

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
    features : DataFrame, optional
        Per ticket, what :mod:`trendminer.features` caches of its text: ``term_forms`` (the
        :func:`~trendminer.nlp.pack_terms` of its :func:`~trendminer.nlp.term_forms`),
        ``title_tidy`` and ``title_shouted`` (:func:`~trendminer.labels.readable_title` and
        :func:`~trendminer.labels.is_shouted` of its title); else they are computed here.
    multilingual : bool
        Whether the vectors place texts of different languages in one space
        (``Embedder.multilingual``).

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

    groups = language_groups(tickets["language"], settings["ingest"]["main_language"], multilingual)
    if multilingual:
        vectors = language_aligned(vectors, tickets["language"], settings["ingest"]["main_language"])
    update = update_by_language(vectors, groups, registry, threshold, fit, as_of, min_topic_size=min_size,
                                default_threshold=float(opts["assign_threshold"]), rebuild=rebuild)
    labels = _curate(update.labels, curation)
    assignments = pd.DataFrame({"ticket_id": tickets["ticket_id"].to_numpy(), "topic_id": labels,
                                "language": tickets["language"].fillna("").astype(str).to_numpy()})
    system_of = attribution.set_index("ticket_id")["system"].reindex(tickets["ticket_id"]).to_numpy()
    ids = pd.Series(labels[labels >= 0]).value_counts()
    ids = sorted(ids.index, key=lambda t: (-ids[t], t))
    centroid_of = dict(zip(update.registry["topic_id"], update.registry["centroid"]))
    info = describe(tickets, vectors, labels, [int(t) for t in ids], [centroid_of.get(t) for t in ids],
                    system_of, settings, features)
    renames = {int(e["topic"]): str(e["label"]) for e in curation["rename"]}
    info["label"] = [renames.get(int(t), text) for t, text in zip(info["topic_id"], info["label"])]
    reg = update.registry
    for t, label in zip(info["topic_id"], info["label"]):
        idx = reg.index[reg["topic_id"] == t]
        if len(idx) and reg.at[idx[0], "label"] != label:
            if reg.at[idx[0], "label"]:
                update.events.append((int(t), "renamed", f"{reg.at[idx[0], 'label']} -> {label}"))
            reg.at[idx[0], "label"] = label
    return TopicsResult(validate(assignments, ASSIGNMENTS, "topics"), validate(info, TOPIC_INFO, "topics"), update)


def language_groups(languages: pd.Series, main: str, multilingual: bool) -> np.ndarray:
    """The clustering group of each ticket: ``""`` for the main language (and undetermined),
    else its language; ``""`` for every ticket when the embedding is multilingual.

    Examples
    --------
    >>> language_groups(pd.Series(["en", "de", "und", "fr"]), "en", False).tolist()
    ['', 'de', '', 'fr']
    >>> language_groups(pd.Series(["en", "de"]), "en", True).tolist()
    ['', '']
    """
    lang = languages.fillna("").astype(str).to_numpy(dtype=object)
    if multilingual:
        return np.full(len(lang), "", dtype=object)
    return np.where(np.isin(lang, [main, "und", ""]), "", lang).astype(object)


def language_aligned(vectors: np.ndarray, languages: pd.Series, main: str, least: int = 20) -> np.ndarray:
    """Each other language's vectors moved by the gap between the main language's mean and its own.

    A multilingual model still puts a language's texts on one side (the sample's German tickets
    formed three German topics of their own with multilingual-e5); removing each language's mean
    offset lets a German ticket meet its English twin. Main-language vectors are unchanged; a
    language with fewer than ``least`` tickets is left as it is (its mean would be mostly its topics).

    Examples
    --------
    >>> v = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [0.6, 0.8]])
    >>> [[round(float(x), 2) for x in row] for row in language_aligned(v, pd.Series(["en", "en", "de", "de"]), "en", least=2)]
    [[1.0, 0.0], [0.8, 0.6], [0.83, 0.55], [0.99, 0.16]]
    """
    lang = languages.fillna("").astype(str).to_numpy(dtype=object)
    home = np.isin(lang, [main, "und", ""])
    if home.sum() < least:
        return vectors
    out = vectors.astype(np.float32, copy=True)
    centre = vectors[home].mean(axis=0)
    for code in sorted(set(lang[~home].tolist())):
        rows = lang == code
        if rows.sum() >= least:
            out[rows] += centre - vectors[rows].mean(axis=0)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def _naming_members(members: list[np.ndarray], languages: np.ndarray, main: str) -> tuple[list, list[str]]:
    """Per topic, the tickets it is named from (its main-language ones when it has any, else all)
    and the language to show beside its label ("" for the main language)."""
    named, shown = [], []
    for m in members:
        lang = languages[m]
        home = np.isin(lang, [main, "und", ""])
        if home.any() or not len(m):
            named.append(m[home] if home.any() else m)
            shown.append("")
        else:
            named.append(m)
            counts = pd.Series(lang).value_counts()
            shown.append(str(min(counts.index[counts == counts.iloc[0]])))
    return named, shown


def describe(tickets: Tickets, vectors: np.ndarray, labels: np.ndarray, ids: list[int],
             centroids: list[np.ndarray | None], system_of: np.ndarray, settings: Settings,
             features: pd.DataFrame | None = None) -> TopicInfo:
    """Name, describe and group the topics ``ids`` (largest first): one :data:`TOPIC_INFO` row each.

    Parameters
    ----------
    tickets : Tickets
        Needs ``ticket_id``, ``title``, ``text`` and ``text_hash``, aligned with ``vectors``.
    vectors : ndarray
        L2-normalised embeddings.
    labels : ndarray
        Topic id per ticket (-1 = remainder).
    ids : list of int
        The topics to describe, largest first.
    centroids : list of ndarray or None
        Each topic's registry centre (None: the mean of its tickets).
    system_of : ndarray
        The system of each ticket ("" or the unattributed bucket when none).
    settings : Settings
        Uses ``topics.*`` and ``systems.unattributed``.
    features : DataFrame, optional
        As for :func:`topics`.

    Returns
    -------
    TopicInfo
    """
    opts = settings["topics"]
    n_kp, unattributed = int(opts["n_keyphrases"]), settings["systems"]["unattributed"]
    members = [np.flatnonzero(labels == t) for t in ids]
    languages = (tickets["language"].fillna("").astype(str).to_numpy(dtype=object) if "language" in tickets.columns
                 else np.full(len(tickets), "", dtype=object))
    named, tongue = _naming_members(members, languages, settings["ingest"]["main_language"])
    systems = []
    for m in members:
        counts = pd.Series(system_of[m]).value_counts()
        top = counts.index[0] if len(counts) and counts.iloc[0] >= DOMINANT_SHARE * len(m) else ""
        systems.append("" if top in (unattributed, None) or not isinstance(top, str) else top)
    groups, forms = _topic_terms(tickets, named, int(opts["keyphrase_sample"]),
                                 None if features is None else features["term_forms"].tolist())
    phrases = nlp.class_keyphrases(groups, n=n_kp + 3,
                                   exclude=[naming.name_words(s) if s else set() for s in systems])
    weights = naming.term_weights(groups)
    raw_titles = tickets["title"].where(tickets["title"].str.strip() != "", tickets["text"]).to_numpy()
    if features is not None:
        tidy, loud = features["title_tidy"].to_numpy(dtype=object), features["title_shouted"].to_numpy(dtype=bool)
    lowered = tickets["title"].str.lower().str.strip().to_numpy()
    rows, titles, centres = [], [], []
    for j, (t, m) in enumerate(zip(ids, members)):
        centroid = centroids[j] if centroids[j] is not None else vectors[m].mean(axis=0)
        centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-12)
        centres.append(centroid)
        m = named[j]   # named, and shown by example, through its main-language tickets when it has any
        closeness = vectors[m] @ centroid
        rank = np.lexsort((m, -closeness))
        order = m[rank]
        tidied, shouted = (None, None) if features is None else (tidy[order], loud[order])
        titles.append(naming.topic_title(raw_titles[order].tolist(), closeness[rank], weights[j],
                                         tidied=tidied, shouted=shouted))
        distinct = order[~pd.Series(lowered[order]).duplicated().to_numpy()]   # no example twice
        reps = tickets["ticket_id"].to_numpy()[distinct[: int(opts["n_representatives"])]].tolist()
        rows.append({"topic_id": int(t), "keyphrases": naming.surface(phrases[j], forms[j])[:n_kp],
                     "size": len(members[j]), "representatives": reps, "top_system": systems[j]})
    info = pd.DataFrame(rows, columns=[c for c in TOPIC_INFO if c not in ("label", "theme")])
    lead = themes.near_duplicates(systems, [p[:n_kp] for p in phrases], centres)
    shown = [naming.label(systems[j], titles[lead[j]] or ", ".join(info["keyphrases"].iloc[j]) or "misc")
             + (f" ({language_name(tongue[j])})" if tongue[j] else "") for j in range(len(ids))]
    info.insert(1, "label", naming.unique_labels(ids, shown, info["keyphrases"].tolist()))
    info["theme"] = themes.themes(systems, centroids, titles)
    return info


def _topic_terms(tickets: Tickets, members: list[np.ndarray], cap: int,
                 term_forms: Sequence[str] | None = None) -> tuple[list, list[dict]]:
    """Content terms of each topic's tickets, at most ``cap`` tickets a topic: those with the
    smallest text hashes, a sample that is random in content and the same every night; and per
    topic, how each term was written (term -> Counter of surface forms).

    Parsing is most of the cost of naming topics; keyphrases of a few hundred tickets are
    those of the whole topic.
    """
    hashes = tickets["text_hash"].to_numpy()
    chosen = [m if len(m) <= cap else np.sort(m[np.argsort(hashes[m], kind="stable")[:cap]]) for m in members]
    needed = np.unique(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=int)
    if term_forms is None:
        texts = tickets["text"].to_numpy()[needed].tolist()
        parsed = dict(zip(needed.tolist(), (nlp.term_forms(doc) for doc in nlp.docs(texts))))
    else:
        parsed = {i: nlp.unpack_terms(term_forms[i]) for i in needed.tolist()}
    groups, forms = [], []
    for c in chosen:
        groups.append([[term for term, _ in parsed[i]] for i in c.tolist()])
        seen: dict[str, Counter] = {}
        for i in c.tolist():
            for term, written in parsed[i]:
                counter = seen.get(term)
                if counter is None:
                    counter = seen[term] = Counter()
                counter[written] += 1
        forms.append(seen)
    return groups, forms


class _NoClusters:
    """What fitting fewer than two topics' worth of tickets gives: everything in the remainder."""

    def __init__(self, n: int) -> None:
        self.labels_ = np.full(n, -1)
        self.centroids_ = np.zeros((0, 1))

    def fit(self, X: np.ndarray) -> _NoClusters:
        return self
