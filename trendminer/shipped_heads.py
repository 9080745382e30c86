"""The shipped ticket-kind and sentiment heads applied to a night's vectors, when they fit its embedder."""
from __future__ import annotations

import numpy as np


def fits(model: object, embedder: str, vectors: np.ndarray) -> bool:
    """A shipped model reads a run's vectors only if it was trained on the same embedder."""
    expected = getattr(model, "embedder", "")
    return (not expected or embedder.startswith(expected)) and vectors.shape[1] == model.dim


def shipped_kind_probabilities(vectors: np.ndarray, embedder: str) -> np.ndarray | None:
    """Ticket-kind probabilities when the shipped classifier fits this embedder, else None."""
    from .kind import kind_probabilities, load_model

    model = load_model()
    return kind_probabilities(vectors, model) if fits(model, embedder, vectors) else None


def shipped_negativity(vectors: np.ndarray, texts: list[str], embedder: str) -> np.ndarray | None:
    """Negative-sentiment probabilities when the shipped model fits this embedder, else None."""
    from .sentiment import load_model, negativity

    model = load_model()
    return negativity(vectors, texts, model=model) if fits(model, embedder, vectors) else None
