"""``trendminer eval sentiment``: macro-F1 of :mod:`trendminer.sentiment` on Senti4SD's test split.

Also the classification scores the training scripts print.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import POLARITIES, SENTI4SD_FILES, cached_encode, read_senti4sd


@dataclass(frozen=True)
class ClassificationScores:
    """Macro-F1 and per-class precision / recall / F1 of one labelled split."""

    macro_f1: float
    accuracy: float
    per_class: dict[str, dict[str, float]]
    n: int

    def lines(self) -> list[str]:
        out = [f"macro-F1 {self.macro_f1:.3f}  accuracy {self.accuracy:.3f}  (n = {self.n})"]
        for label, s in self.per_class.items():
            out.append(f"  {label:<9} F1 {s['f1']:.3f}  precision {s['precision']:.3f}  "
                       f"recall {s['recall']:.3f}  support {int(s['support'])}")
        return out


def classification_scores(y_true: Sequence[str], y_pred: Sequence[str],
                          labels: Sequence[str] = POLARITIES) -> ClassificationScores:
    """Macro-F1, accuracy and per-class scores.

    Examples
    --------
    >>> s = classification_scores(["a", "b", "b"], ["a", "b", "a"], labels=["a", "b"])
    >>> round(s.macro_f1, 3), s.per_class["a"]["recall"]
    (0.667, 1.0)
    """
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = list(labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = {lab: {"f1": round(float(f[i]), 4), "precision": round(float(p[i]), 4),
                       "recall": round(float(r[i]), 4), "support": int(s[i])}
                 for i, lab in enumerate(labels)}
    macro = float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))
    return ClassificationScores(round(macro, 4), round(float(accuracy_score(y_true, y_pred)), 4),
                                per_class, len(y_true))


def sentiment_scores(data_dir: str | Path, encode: Callable[[list[str]], np.ndarray],
                     embedder_name: str, cache_dir: str | Path | None = None,
                     model_path: str | Path | None = None) -> ClassificationScores:
    """Score the shipped sentiment model on the Senti4SD test split.

    Parameters
    ----------
    data_dir : str or Path
        Folder holding ``senti4sd/``.
    encode : callable
        ``encode(texts) -> (n, dim)`` unit vectors, the embedder the model was trained on.
    embedder_name : str
        Cache key of the embedder.
    cache_dir : str or Path, optional
        Where test-split vectors are cached (a temporary folder).
    model_path : str or Path, optional
        A model file other than the shipped one.

    Returns
    -------
    ClassificationScores
    """
    from ..sentiment import load_model

    test = read_senti4sd(Path(data_dir) / "senti4sd" / SENTI4SD_FILES["test"])
    vectors = cached_encode(test["text"].tolist(), encode, embedder_name, cache_dir)
    model = load_model(model_path)
    predicted = model.predict(vectors, test["text"].tolist())
    return classification_scores(test["polarity"].tolist(), predicted.tolist(), labels=model.classes)
