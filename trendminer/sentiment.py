"""Sentiment of ticket text from its embedding: a linear classifier shipped as JSON.

The model is a multinomial logistic regression over all-MiniLM-L6-v2 sentence embeddings,
trained on Senti4SD (Stack Overflow posts labelled negative / neutral / positive) by
``scripts/train_sentiment.py``. It ships as plain coefficients in
``models/sentiment/model.json`` (no pickle), next to ``metrics.json`` with its measured
test-split scores. :func:`negativity` is the irritation component: the probability that a
text is negative.

The vectors must come from the embedder the model was trained on (the packaged
all-MiniLM-L6-v2); the model file records that embedder's name and dimension.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import ModelError

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "sentiment"
MODEL_FILE = "model.json"
TRAIN_COMMAND = "python scripts/train_sentiment.py"

SENTIMENT_MODEL_MISSING = (
    "The sentiment model was not found at {path}.\n"
    "Fix: train it (needs ../shared/data/senti4sd, takes a few minutes) with\n\n"
    "    " + TRAIN_COMMAND + "\n\n"
    "run from the trendminer repository root."
)


@dataclass(frozen=True)
class SentimentModel:
    """A softmax-linear classifier: ``p = softmax(x @ coef.T + intercept)``.

    Parameters
    ----------
    classes : tuple of str
        Class names in the order of the rows of ``coef``.
    coef : numpy.ndarray
        ``(n_classes, dim)`` weights.
    intercept : numpy.ndarray
        ``(n_classes,)`` biases.
    embedder : str
        Name of the embedder whose vectors the model expects ("" if unknown).
    """

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    embedder: str = ""

    @property
    def dim(self) -> int:
        return int(self.coef.shape[1])

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """``(n, n_classes)`` class probabilities; rows sum to 1.

        Raises
        ------
        ValueError
            If ``vectors`` is not ``(n, dim)``.
        """
        x = np.asarray(vectors, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"sentiment model expects (n, {self.dim}) vectors, got shape {x.shape}")
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds / odds.sum(axis=1, keepdims=True)

    def predict(self, vectors: np.ndarray) -> np.ndarray:
        """The most probable class name per row."""
        return np.asarray(self.classes, dtype=object)[self.predict_proba(vectors).argmax(axis=1)]

    def to_dict(self) -> dict:
        return {"format": "trendminer.sentiment.linear.v1", "embedder": self.embedder,
                "classes": list(self.classes), "intercept": [float(v) for v in self.intercept],
                "coef": [[float(v) for v in row] for row in self.coef]}

    @classmethod
    def from_dict(cls, data: dict) -> SentimentModel:
        """Inverse of :meth:`to_dict`.

        Examples
        --------
        >>> m = SentimentModel.from_dict({"classes": ["negative", "positive"],
        ...                               "coef": [[1.0, 0.0], [0.0, 1.0]], "intercept": [0, 0]})
        >>> m.predict(np.array([[2.0, 0.0]])).tolist()
        ['negative']
        """
        coef = np.asarray(data["coef"], dtype=np.float64)
        intercept = np.asarray(data["intercept"], dtype=np.float64)
        classes = tuple(data["classes"])
        if coef.ndim != 2 or coef.shape[0] != len(classes) or intercept.shape != (len(classes),):
            raise ValueError("sentiment model: coef must be (n_classes, dim) and intercept (n_classes,)")
        return cls(classes, coef, intercept, str(data.get("embedder", "")))


def default_model_path() -> Path:
    """``models/sentiment/model.json`` at the repository root (works from an editable install)."""
    return MODEL_DIR / MODEL_FILE


def load_model(path: str | Path | None = None) -> SentimentModel:
    """Read a model file written by ``scripts/train_sentiment.py``.

    Parameters
    ----------
    path : str or Path, optional
        Default: :func:`default_model_path`. The shipped model is cached after the first load.

    Raises
    ------
    ModelError
        If the file is missing or not a sentiment model; the message names the training command.
    """
    return _load(str(Path(path).resolve()) if path else str(default_model_path()))


@lru_cache(maxsize=4)
def _load(path: str) -> SentimentModel:
    file = Path(path)
    if not file.is_file():
        raise ModelError(SENTIMENT_MODEL_MISSING.format(path=file))
    try:
        return SentimentModel.from_dict(json.loads(file.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"The sentiment model {file} is damaged ({exc}).\n"
                         f"Fix: retrain it with\n\n    {TRAIN_COMMAND}\n") from None


def negativity(vectors: np.ndarray, model: SentimentModel | None = None) -> np.ndarray:
    """Probability that each text is negative, 0..1, from its embedding.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` unit vectors from the embedder the model was trained on.
    model : SentimentModel, optional
        Default: the shipped model, loaded lazily on first use.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` float64 probabilities of the class ``negative``.

    Raises
    ------
    ModelError
        If the shipped model is missing.
    ValueError
        If the vectors have the wrong shape.

    Examples
    --------
    >>> m = SentimentModel(("negative", "positive"), np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros(2))
    >>> negativity(np.array([[1.0, 0.0], [0.0, 1.0]]), m).round(3).tolist()
    [0.731, 0.269]
    """
    model = model if model is not None else load_model()
    if "negative" not in model.classes:
        raise ModelError(f"The sentiment model has classes {list(model.classes)}, none called 'negative'.")
    if len(np.asarray(vectors)) == 0:
        return np.zeros(0, dtype=np.float64)
    return model.predict_proba(vectors)[:, model.classes.index("negative")]


__all__ = ["SentimentModel", "default_model_path", "load_model", "negativity"]
