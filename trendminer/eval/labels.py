"""Do topic labels point to what their topics are about? Measured on labelled texts.

For each topic, the gold class most of its texts carry (its majority class) should be the
class whose *name* is nearest to the topic's label in embedding space, among all gold names,
embedded with the same model. ``top1`` is the size-weighted share of topics where it is the
nearest, ``top3`` where it is among the three nearest. Remainder texts (topic -1) are in no
topic and are not counted. Gold names are the class strings with underscores as spaces
("card_arrival" -> "card arrival").
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..clean import text_hash
from ..config import Settings
from ..embed import Embedder


def gold_names(classes: Sequence[str]) -> list[str]:
    """The distinct class strings, sorted, as names (underscores -> spaces).

    Examples
    --------
    >>> gold_names(["card_arrival", "top_up_failed", "card_arrival"])
    ['card arrival', 'top up failed']
    """
    return [str(c).replace("_", " ").strip() for c in sorted(set(map(str, classes)))]


def majority(labels: np.ndarray, truth: np.ndarray) -> pd.DataFrame:
    """Per topic (``labels >= 0``): its size and majority class (ties: the first class name).

    Examples
    --------
    >>> majority(np.array([0, 0, 0, 1, -1]), np.array(["a", "b", "b", "a", "c"])).to_dict("list")
    {'topic': [0, 1], 'size': [3, 1], 'majority': ['b', 'a']}
    """
    frame = pd.DataFrame({"topic": labels, "truth": truth.astype(str)})
    frame = frame[frame["topic"] >= 0]
    counts = frame.groupby(["topic", "truth"]).size().reset_index(name="n")
    counts = counts.sort_values(["topic", "n", "truth"], ascending=[True, False, True], kind="stable")
    top = counts.drop_duplicates("topic")
    sizes = frame.groupby("topic").size()
    return pd.DataFrame({"topic": top["topic"].astype(int).to_numpy(),
                         "size": sizes.reindex(top["topic"]).to_numpy().astype(int),
                         "majority": top["truth"].to_numpy()})


def label_quality(names: Mapping[int, str], labels: np.ndarray, truth: np.ndarray,
                  embedder: Embedder) -> dict[str, float]:
    """Size-weighted share of topics whose label's nearest gold name is their majority class.

    Parameters
    ----------
    names : mapping
        Topic id -> label text (a topic without one counts as a miss).
    labels : ndarray
        Topic id per text, -1 = remainder.
    truth : ndarray
        Gold class per text.
    embedder : Embedder
        Embeds labels and gold names (the model the topics were built with).

    Returns
    -------
    dict
        ``top1`` and ``top3`` (0..1, rounded to 4 places) and ``topics`` counted.
    """
    table = majority(np.asarray(labels), np.asarray(truth))
    if not len(table):
        return {"top1": 0.0, "top3": 0.0, "topics": 0}
    gold = gold_names(truth)
    index = {c: i for i, c in enumerate(sorted(set(map(str, truth))))}
    texts = [names.get(int(t), "") for t in table["topic"]]
    named = np.flatnonzero([bool(t) for t in texts])
    rank = np.full(len(table), len(gold))            # a topic without a label is a miss
    if len(named):
        sims = embedder.encode([texts[i] for i in named]) @ embedder.encode(gold).T
        own = sims[np.arange(len(named)), table["majority"].map(index).to_numpy()[named]]
        rank[named] = (sims > own[:, None]).sum(axis=1)
    w = table["size"].to_numpy().astype(float)
    return {"top1": round(float(w[rank == 0].sum() / w.sum()), 4),
            "top3": round(float(w[rank < 3].sum() / w.sum()), 4), "topics": int(len(table))}


def eval_labels(texts: Sequence[str], vectors: np.ndarray, labels: np.ndarray,
                registry: pd.DataFrame | None, settings: Settings) -> pd.DataFrame:
    """Name the topics of labelled texts with the nightly labeller (no systems: plain titles).

    Each text is its own ticket title. Returns the :data:`~trendminer.schema.TOPIC_INFO` rows
    of :func:`trendminer.topics.describe`.
    """
    from ..topics import describe

    tickets = pd.DataFrame({"ticket_id": [str(i) for i in range(len(texts))], "title": list(texts),
                            "text": list(texts), "text_hash": [text_hash(t) for t in texts]})
    ids = pd.Series(labels[labels >= 0]).value_counts()
    ids = sorted((int(t) for t in ids.index), key=lambda t: (-ids[t], t))
    centroid_of = dict(zip(registry["topic_id"], registry["centroid"])) if registry is not None else {}
    return describe(tickets, vectors, labels, ids, [centroid_of.get(t) for t in ids],
                    np.full(len(texts), ""), settings)


def label_scores(texts: Sequence[str], vectors: np.ndarray, labels: np.ndarray, registry: pd.DataFrame | None,
                 truth: np.ndarray, settings: Settings, embedder: Embedder) -> dict[str, float]:
    """``label_top1`` / ``label_top3`` for the titles, and the same for the keyphrases alone
    (``keyphrase_top1`` / ``keyphrase_top3``, the labels trendminer had before titles)."""
    info = eval_labels(texts, vectors, labels, registry, settings)
    titles = dict(zip(info["topic_id"], info["label"]))
    phrases = dict(zip(info["topic_id"], (", ".join(k) for k in info["keyphrases"])))
    ours, old = label_quality(titles, labels, truth, embedder), label_quality(phrases, labels, truth, embedder)
    return {"label_top1": ours["top1"], "label_top3": ours["top3"],
            "keyphrase_top1": old["top1"], "keyphrase_top3": old["top3"]}
