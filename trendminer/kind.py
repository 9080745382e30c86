"""Ticket kind from the embeddings: a linear classifier shipped as JSON.

Three kinds: ``failure`` (something broke or went wrong), ``howto`` (a question about how
something works, a usability or policy question) and ``request`` (access, a new thing, a
change the user wants made). The model is a multinomial logistic regression over the
all-MiniLM-L6-v2 sentence embeddings, trained by ``scripts/train_kind.py`` on BANKING77
(real customer-support queries) with each of its 77 intents mapped to a kind by hand in
``models/kind/intent_kinds.csv``. It ships as plain coefficients in ``models/kind/model.json``
(no pickle), next to ``metrics.json`` with its measured test-split scores.

The training data is banking, not IT: the classifier is a fallback for texts the rules in
:func:`trendminer.signals.ticket_kind` do not recognise, not a replacement for them.
The vectors must come from the embedder the model was trained on; the model file records
its name.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import softmax

from .errors import ModelError
from .shipped_model import read_json_model

KINDS: tuple[str, ...] = ("failure", "howto", "request")
MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "kind"
MODEL_FILE = "model.json"
TRAIN_COMMAND = "python scripts/train_kind.py"
FORMAT = "trendminer.kind.linear.v1"

KIND_MODEL_MISSING = (
    "The ticket-kind model was not found at {path}.\n"
    "Fix: train it (needs ../shared/data/banking77, takes about a minute) with\n\n"
    "    " + TRAIN_COMMAND + "\n\n"
    "run from the trendminer repository root."
)


@dataclass(frozen=True)
class KindModel:
    """A softmax-linear classifier over embeddings: ``p = softmax(x @ coef.T + intercept)``.

    Parameters
    ----------
    classes : tuple of str
        Class names in the order of the rows of ``coef`` (:data:`KINDS` for a shipped model).
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
        """Length of the embedding vectors the model expects."""
        return int(self.coef.shape[1])

    def decision(self, vectors: np.ndarray) -> np.ndarray:
        """``(n, n_classes)`` logits.

        Raises
        ------
        ValueError
            If ``vectors`` is not ``(n, dim)``.
        """
        x = np.asarray(vectors, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"kind model expects (n, {self.dim}) vectors, got shape {x.shape}")
        return x @ self.coef.T + self.intercept

    def predict_proba(self, vectors: np.ndarray) -> np.ndarray:
        """``(n, n_classes)`` class probabilities; rows sum to 1."""
        logits = self.decision(vectors)
        return softmax(logits, axis=1)

    def predict(self, vectors: np.ndarray) -> np.ndarray:
        """The most probable class name per row."""
        return np.asarray(self.classes, dtype=object)[self.decision(vectors).argmax(axis=1)]

    def to_dict(self, decimals: int = 6) -> dict:
        """JSON-ready form (floats rounded to ``decimals``)."""
        return {"format": FORMAT, "embedder": self.embedder, "classes": list(self.classes),
                "intercept": [round(float(v), decimals) for v in self.intercept],
                "coef": [[round(float(v), decimals) for v in row] for row in self.coef]}

    @classmethod
    def from_dict(cls, data: dict) -> KindModel:
        """Inverse of :meth:`to_dict`.

        Examples
        --------
        >>> m = KindModel.from_dict({"classes": ["failure", "howto", "request"],
        ...                          "coef": [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]],
        ...                          "intercept": [0, 0, 0]})
        >>> m.predict(np.array([[2.0, 0.0]])).tolist()
        ['failure']
        """
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT!r}")
        coef = np.asarray(data["coef"], dtype=np.float64)
        intercept = np.asarray(data["intercept"], dtype=np.float64)
        classes = tuple(data["classes"])
        if coef.ndim != 2 or coef.shape[0] != len(classes) or intercept.shape != (len(classes),):
            raise ValueError("coef must be (n_classes, dim) and intercept (n_classes,)")
        return cls(classes, coef, intercept, str(data.get("embedder", "")))


def default_model_path() -> Path:
    """``models/kind/model.json`` at the repository root (works from an editable install)."""
    return MODEL_DIR / MODEL_FILE


def load_model(path: str | Path | None = None) -> KindModel:
    """Read a model file written by ``scripts/train_kind.py``.

    Parameters
    ----------
    path : str or Path, optional
        Default: :func:`default_model_path`. Loaded models are cached.

    Raises
    ------
    ModelError
        If the file is missing, damaged, or its classes are not :data:`KINDS`; the message
        names the training command.
    """
    return _load(str(Path(path).resolve()) if path else str(default_model_path()))


@lru_cache(maxsize=4)
def _load(path: str) -> KindModel:
    file = Path(path)
    model = read_json_model(file, KindModel.from_dict, "ticket-kind", KIND_MODEL_MISSING, TRAIN_COMMAND)
    if model.classes != KINDS:
        raise ModelError(f"The ticket-kind model {file} has classes {list(model.classes)}, "
                         f"expected {list(KINDS)}.\nFix: retrain it with\n\n    {TRAIN_COMMAND}\n")
    return model


def kind_probabilities(vectors: np.ndarray, model: KindModel | None = None) -> np.ndarray:
    """Probability of each kind per text, columns in the order of :data:`KINDS`.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` unit vectors from the embedder the model was trained on.
    model : KindModel, optional
        Default: the shipped model, loaded lazily on first use.

    Returns
    -------
    numpy.ndarray
        ``(n, 3)`` float64; each row sums to 1.

    Raises
    ------
    ModelError
        If the shipped model is missing or damaged, or ``model`` lacks one of :data:`KINDS`.
    ValueError
        If the vectors have the wrong shape.

    Examples
    --------
    >>> m = KindModel(KINDS, np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), np.zeros(3))
    >>> kind_probabilities(np.array([[3.0, 0.0]]), model=m).argmax(axis=1).tolist()
    [0]
    """
    model = model if model is not None else load_model()
    missing = [k for k in KINDS if k not in model.classes]
    if missing:
        raise ModelError(f"The ticket-kind model has classes {list(model.classes)}, missing {missing}.")
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim == 2 and len(x) == 0:
        return np.zeros((0, len(KINDS)), dtype=np.float64)
    proba = model.predict_proba(x)
    return proba[:, [model.classes.index(k) for k in KINDS]]


def predict_kind(vectors: np.ndarray, model: KindModel | None = None) -> np.ndarray:
    """The most probable kind per row (object array of :data:`KINDS` names)."""
    proba = kind_probabilities(vectors, model)
    return np.asarray(KINDS, dtype=object)[proba.argmax(axis=1)]


__all__ = ["KINDS", "KindModel", "default_model_path", "kind_probabilities", "load_model", "predict_kind"]
