"""Where evaluation data lives and how it is read and embedded (cached).

The labelled public sets (``../shared/data``: Senti4SD, banking77, GoEmotions ...) are not
shipped; :func:`shared_data_dir` finds them, and evaluations skip when it returns None.
The readers here touch files (like ``ingest``); the scoring functions in the sibling modules
are pure.
"""
from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
SENTI4SD_FILES = {"train": "train3098itemPOLARITY.csv", "test": "test1326itemPOLARITY.csv"}
POLARITIES = ("negative", "neutral", "positive")
SAMPLES = REPO_ROOT / "data" / "samples"

NO_SHARED_DATA = (
    "Senti4SD not found (looked in: {places}). It is not shipped with trendminer; "
    "pass --data to the folder that holds senti4sd/ (e.g. ../shared/data)."
)


def shared_data_dir(explicit: str | Path | None = None, holds: str = "senti4sd") -> Path | None:
    """The folder holding ``holds/``: ``explicit``, else ``../shared/data`` (cwd or repo).

    Returns None when none of the candidates holds it.
    """
    for place in _data_candidates(explicit):
        if (place / holds).is_dir():
            return place.resolve()
    return None


def _data_candidates(explicit: str | Path | None) -> list[Path]:
    if explicit:
        return [Path(explicit)]
    return [Path("../shared/data"), REPO_ROOT.parent / "shared" / "data"]


def file_sha256(path: Path) -> str:
    """sha256 hex digest of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_senti4sd(path: str | Path) -> pd.DataFrame:
    """Read one Senti4SD split: no header, ``id;polarity;text``, split on the first two ``;``.

    Parameters
    ----------
    path : str or Path
        ``train3098itemPOLARITY.csv`` or ``test1326itemPOLARITY.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``polarity`` (one of :data:`POLARITIES`), ``text``.

    Raises
    ------
    InputError
        On a missing file or a line without two ``;`` or with an unknown polarity.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise InputError(f"Senti4SD split {path} not found.") from None
    rows = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(";", 2)
        if len(parts) != 3 or parts[1].strip() not in POLARITIES:
            raise InputError(f"{path}, line {number}: expected 'id;polarity;text' with a polarity "
                             f"in {', '.join(POLARITIES)}, got {line[:60]!r}.")
        rows.append((parts[0].strip(), parts[1].strip(), parts[2].strip()))
    return pd.DataFrame(rows, columns=["id", "polarity", "text"])


def cached_encode(texts: Sequence[str], encode: Callable[[list[str]], np.ndarray], name: str,
                  cache_dir: str | Path | None) -> np.ndarray:
    """``encode(texts)``, kept in ``cache_dir`` as ``.npy`` keyed by ``name`` and the texts.

    ``cache_dir`` None disables the cache. Use a temporary folder, never the repository.
    """
    texts = list(texts)
    if cache_dir is None:
        return np.asarray(encode(texts), dtype=np.float32)
    digest = hashlib.sha256("\x1e".join([name, *texts]).encode("utf-8")).hexdigest()[:24]
    target = Path(cache_dir) / f"vectors-{digest}.npy"
    if target.is_file():
        vectors = np.load(target)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = np.asarray(encode(texts), dtype=np.float32)
    target.parent.mkdir(parents=True, exist_ok=True)
    np.save(target, vectors)
    return vectors


def encode_splits(frames: dict[str, pd.DataFrame], embedder, cache_dir: str | Path | None,  # noqa: ANN001
                  column: str = "text") -> dict[str, np.ndarray]:
    """Vectors of each split's ``column`` (cached), with the time each took on stderr."""
    vectors = {}
    for split, frame in frames.items():
        started = time.perf_counter()
        vectors[split] = cached_encode(frame[column].tolist(), embedder.encode, embedder.name, cache_dir)
        print(f"{split}: {len(frame)} texts, vectors {vectors[split].shape} "
              f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return vectors
