"""Measure the topic stage against labelled texts, through the nightly code path.

Texts are cleaned and cut like ticket text, embedded with the configured embedder (cached in
a state file when one is given), and clustered exactly as a first night builds its topic
registry. Remainder texts count as one extra cluster, so a large remainder lowers the scores.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from ..clean import clean_text, embed_text, text_hash
from ..config import Settings
from ..compute import using
from ..embed import Embedder, embed_cached, make_embedder
from ..errors import InputError
from .labels import label_scores
from ..registry import empty_registry
from ..registry import update as registry_update
from ..store import State
from ..topics import default_clusterer


def hungarian_accuracy(truth: np.ndarray, pred: np.ndarray) -> float:
    """Accuracy after the best one-to-one matching of predicted to true labels.

    Examples
    --------
    >>> hungarian_accuracy(np.array([0, 0, 1, 1]), np.array([5, 5, 7, 5]))
    0.75
    """
    t_codes, t = np.unique(truth, return_inverse=True)
    p_codes, p = np.unique(pred, return_inverse=True)
    table = np.zeros((len(p_codes), len(t_codes)), dtype=np.int64)
    np.add.at(table, (p, t), 1)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(truth))


def evaluate_topics(path: str | Path, text_col: str, label_col: str, settings: Settings, *,
                    cache: str | Path | None = None, embedder: Embedder | None = None,
                    progress: bool = True) -> dict[str, Any]:
    """Cluster a labelled CSV and score the topics against its labels.

    Returns
    -------
    dict
        ``nmi``, ``ari``, ``acc`` (Hungarian-matched), ``n_topics``, ``remainder_share``,
        ``n``, ``seconds`` (clustering and assignment only; embedding is cached), and the
        label quality of :func:`trendminer.eval.labels.label_scores`: ``label_top1``,
        ``label_top3`` (titles), ``keyphrase_top1``, ``keyphrase_top3``.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found.") from None
    for col, option in ((text_col, "--text-col"), (label_col, "--label-col")):
        if col not in frame.columns:
            raise InputError(f"{path}: no column {col!r} ({option}); columns are {list(frame.columns)}.")
    max_chars = int(settings["embed"]["max_chars"])
    texts = [embed_text(clean_text(t), "", max_chars) for t in frame[text_col]]
    hashes = [text_hash(t) for t in texts]
    embedder = embedder or make_embedder(settings, progress=progress)
    with tempfile.TemporaryDirectory() as tmp:
        with State(Path(cache) if cache else Path(tmp) / "eval.duckdb") as state, \
                using(settings["compute"]["scheduler"]) as compute:
            vectors, _ = embed_cached(texts, hashes, embedder, state, compute)
            state.commit()
    opts = settings["topics"]
    start = time.perf_counter()
    result = registry_update(vectors, empty_registry(), None, default_clusterer(settings).fit,
                             pd.Timestamp("2000-01-01"), min_topic_size=int(opts["min_topic_size"]),
                             default_threshold=float(opts["assign_threshold"]))
    seconds = time.perf_counter() - start
    labels, truth = result.labels, frame[label_col].to_numpy()
    return {"nmi": round(float(normalized_mutual_info_score(truth, labels)), 4),
            "ari": round(float(adjusted_rand_score(truth, labels)), 4),
            "acc": round(hungarian_accuracy(truth, labels), 4),
            "n_topics": int(len(set(labels.tolist()) - {-1})),
            "remainder_share": round(float((labels < 0).mean()), 4),
            "n": int(len(labels)), "seconds": round(seconds, 2),
            **label_scores(texts, vectors, labels, result.registry, truth, settings, embedder)}
