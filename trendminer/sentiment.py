"""Sentiment of ticket text: a linear classifier over embeddings and words, shipped as JSON.

The model is a multinomial logistic regression over all-MiniLM-L6-v2 sentence embeddings
joined with word 1-2-gram tf-idf features (the embeddings alone reach a macro-F1 of about
0.70 on Senti4SD; the words lift it above 0.80), trained on Senti4SD (Stack Overflow posts
labelled negative / neutral / positive) by
``scripts/train_sentiment.py``. It ships as plain coefficients in
``models/sentiment/model.json`` (no pickle), next to ``metrics.json`` with its measured
test-split scores. :func:`negativity` is the irritation component: the probability that a
text is negative.

The vectors must come from the embedder the model was trained on (the packaged
all-MiniLM-L6-v2); the model file records that embedder's name. The vocabulary, idf and
coefficients are plain JSON: nothing is unpickled.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import softmax

from .errors import ModelError
from .shipped_model import read_json_model, sublinear_tfidf

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "sentiment"
MODEL_FILE = "model.json"
TRAIN_COMMAND = "python scripts/train_sentiment.py"

SENTIMENT_MODEL_MISSING = (
    "The sentiment model was not found at {path}.\n"
    "Fix: train it (needs ../shared/data/senti4sd, takes a few minutes) with\n\n"
    "    " + TRAIN_COMMAND + "\n\n"
    "run from the trendminer repository root."
)


TOKEN_PATTERN = r"(?u)\b\w+\b|[!?:;()\-]+"


@dataclass(frozen=True)
class SentimentModel:
    """A softmax-linear classifier over ``[tf-idf(text), embed_weight * vector]``.

    ``p = softmax(features @ coef.T + intercept)``. The text part is word 1-2-gram counts
    over ``vocabulary`` (lower-cased, :data:`TOKEN_PATTERN`; punctuation runs such as "!!!"
    and ":-)" are tokens), sublinear tf, times ``idf``, L2-normalised. With an empty
    vocabulary the model uses the embeddings alone and needs no texts.

    Parameters
    ----------
    classes : tuple of str
        Class names in the order of the rows of ``coef``.
    coef : numpy.ndarray
        ``(n_classes, len(vocabulary) + dim)`` weights.
    intercept : numpy.ndarray
        ``(n_classes,)`` biases.
    vocabulary : tuple of str
        Word n-grams, in column order.
    idf : numpy.ndarray
        ``(len(vocabulary),)`` inverse document frequencies.
    embed_weight : float
        Scale of the embedding block.
    embedder : str
        Name of the embedder whose vectors the model expects ("" if unknown).
    """

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    vocabulary: tuple[str, ...] = ()
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    embed_weight: float = 1.0
    embedder: str = ""

    @property
    def dim(self) -> int:
        """Length of the embedding vectors the model expects."""
        return int(self.coef.shape[1]) - len(self.vocabulary)

    def text_features(self, texts: Sequence[str]):  # noqa: ANN201 - scipy.sparse.csr_matrix
        """``(n, len(vocabulary))`` sublinear tf-idf rows, L2-normalised (sparse)."""
        return sublinear_tfidf(texts, self.vocabulary, self.idf, TOKEN_PATTERN)

    def decision(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """``(n, n_classes)`` logits.

        Raises
        ------
        ValueError
            If ``vectors`` is not ``(n, dim)``, or the model needs ``texts`` and got none
            or a different number of them.
        """
        x = np.asarray(vectors, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"sentiment model expects (n, {self.dim}) vectors, got shape {x.shape}")
        logits = self.embed_weight * x @ self.coef[:, len(self.vocabulary):].T + self.intercept
        if self.vocabulary:
            if texts is None or len(texts) != len(x):
                raise ValueError("this sentiment model also reads the text: pass one text per vector")
            logits += np.asarray(self.text_features(texts) @ self.coef[:, :len(self.vocabulary)].T)
        return logits

    def predict_proba(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """``(n, n_classes)`` class probabilities; rows sum to 1."""
        logits = self.decision(vectors, texts)
        return softmax(logits, axis=1)

    def predict(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """The most probable class name per row."""
        return np.asarray(self.classes, dtype=object)[self.decision(vectors, texts).argmax(axis=1)]

    def to_dict(self, decimals: int = 6) -> dict:
        """JSON-ready form (floats rounded to ``decimals``)."""
        return {"format": "trendminer.sentiment.linear.v1", "embedder": self.embedder,
                "classes": list(self.classes), "embed_weight": self.embed_weight,
                "vocabulary": list(self.vocabulary),
                "idf": [round(float(v), decimals) for v in self.idf],
                "intercept": [round(float(v), decimals) for v in self.intercept],
                "coef": [[round(float(v), decimals) for v in row] for row in self.coef]}

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
        vocabulary = tuple(data.get("vocabulary", ()))
        idf = np.asarray(data.get("idf", ()), dtype=np.float64)
        if (coef.ndim != 2 or coef.shape[0] != len(classes) or intercept.shape != (len(classes),)
                or idf.shape != (len(vocabulary),) or coef.shape[1] <= len(vocabulary)):
            raise ValueError("coef must be (n_classes, n_words + dim), intercept (n_classes,), "
                             "idf (n_words,)")
        return cls(classes, coef, intercept, vocabulary, idf, float(data.get("embed_weight", 1.0)),
                   str(data.get("embedder", "")))


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
    return read_json_model(Path(path), SentimentModel.from_dict, "sentiment", SENTIMENT_MODEL_MISSING,
                           TRAIN_COMMAND)


def negativity(vectors: np.ndarray, texts: Sequence[str] | None = None,
               model: SentimentModel | None = None) -> np.ndarray:
    """Probability that each text is negative, 0..1.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` unit vectors from the embedder the model was trained on.
    texts : sequence of str, optional
        The texts themselves; required by the shipped model, which also reads words.
    model : SentimentModel, optional
        Default: the shipped model, loaded lazily on first use.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` float64 probabilities of the class ``negative``.

    Raises
    ------
    ModelError
        If the shipped model is missing, or the model has no class ``negative``.
    ValueError
        If the vectors have the wrong shape or the texts are missing.

    Examples
    --------
    >>> m = SentimentModel(("negative", "positive"), np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros(2))
    >>> negativity(np.array([[1.0, 0.0], [0.0, 1.0]]), model=m).round(3).tolist()
    [0.731, 0.269]
    """
    model = model if model is not None else load_model()
    if "negative" not in model.classes:
        raise ModelError(f"The sentiment model has classes {list(model.classes)}, none called 'negative'.")
    if len(np.asarray(vectors)) == 0:
        return np.zeros(0, dtype=np.float64)
    return model.predict_proba(vectors, texts)[:, model.classes.index("negative")]


__all__ = ["SentimentModel", "default_model_path", "load_model", "negativity"]
