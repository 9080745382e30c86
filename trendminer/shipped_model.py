"""Reading the small models shipped as JSON in ``models/`` (sentiment, ticket kind, irritation)."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from .errors import ModelError

M = TypeVar("M")


def read_json_model(file: Path, from_dict: Callable[[dict], M], what: str, missing: str,
                    train_command: str) -> M:
    """Load ``file`` through ``from_dict``; a missing or damaged file is a :class:`ModelError`
    whose message names ``train_command``."""
    if not file.is_file():
        raise ModelError(missing.format(path=file))
    try:
        return from_dict(json.loads(file.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"The {what} model {file} is damaged ({exc}).\n"
                         f"Fix: retrain it with\n\n    {train_command}\n") from None


def sublinear_tfidf(texts: Sequence[str], vocabulary: Sequence[str], idf: np.ndarray, token_pattern: str):  # noqa: ANN201
    """``(n, len(vocabulary))`` word 1-2-gram rows of a shipped vocabulary: lower-cased counts,
    sublinear tf (``1 + log``), times ``idf``, L2-normalised (a scipy.sparse CSR matrix)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    counts = CountVectorizer(vocabulary={w: i for i, w in enumerate(vocabulary)}, ngram_range=(1, 2),
                             token_pattern=token_pattern, lowercase=True, dtype=np.float64).transform(list(texts))
    counts.data = 1.0 + np.log(counts.data)
    return normalize(counts.multiply(idf).tocsr())

