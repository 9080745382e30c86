"""Tests of trendminer.cluster.TopicClusterer on synthetic embeddings (fast, no model)."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from trendminer.cluster import TopicClusterer


def sphere_blobs(n_samples: int, n_centers: int, seed: int, spread: float = 0.25):
    """Well-separated blobs on the unit sphere in 384-d (float32), with their true labels."""
    X, y = make_blobs(n_samples=n_samples, n_features=384, centers=n_centers,
                      cluster_std=spread, center_box=(-1.0, 1.0), random_state=seed)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X.astype(np.float32), y


@pytest.mark.parametrize("seed, n_centers", [(0, 3), (1, 6), (2, 12), (3, 25)])
def test_finds_number_of_blobs_without_being_told(seed, n_centers):
    X, y = sphere_blobs(60 * n_centers, n_centers, seed)
    model = TopicClusterer(random_state=seed).fit(X)
    assert model.n_topics_ == n_centers
    kept = model.labels_ >= 0
    assert adjusted_rand_score(y[kept], model.labels_[kept]) > 0.99


def test_micro_cluster_path_finds_blobs():
    X, y = sphere_blobs(3000, 8, seed=5)
    model = TopicClusterer(max_units=300).fit(X)
    assert model.n_topics_ == 8
    assert adjusted_rand_score(y, model.labels_) > 0.95


def test_labels_numbered_by_size_and_small_remainder():
    X, _ = sphere_blobs(1200, 8, seed=4)
    X = np.vstack([X[:600], X[600:][::3]])  # unequal sizes
    model = TopicClusterer().fit(X)
    sizes = np.bincount(model.labels_[model.labels_ >= 0])
    assert len(sizes) == model.n_topics_
    assert np.all(np.diff(sizes) <= 0)
    assert np.mean(model.labels_ == -1) <= 0.05
    assert sizes.min() >= model.min_topic_size
    assert model.centroids_.shape == (model.n_topics_, X.shape[1])
    np.testing.assert_allclose(np.linalg.norm(model.centroids_, axis=1), 1.0, atol=1e-5)


def test_fit_labels_equal_predict_and_determinism():
    X, _ = sphere_blobs(900, 9, seed=7)
    a = TopicClusterer(random_state=3, max_units=400).fit(X)
    b = TopicClusterer(random_state=3, max_units=400).fit(X)
    np.testing.assert_array_equal(a.labels_, a.predict(X))
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.centroids_, b.centroids_)


def test_does_not_modify_input():
    X, _ = sphere_blobs(400, 4, seed=8)
    X *= 3.0  # not normalised: the model must normalise a copy
    before = X.copy()
    model = TopicClusterer().fit(X)
    np.testing.assert_array_equal(X, before)
    model.predict(X)
    np.testing.assert_array_equal(X, before)
    assert model.n_topics_ == 4


def test_init_stores_params_unchanged():
    model = TopicClusterer(random_state=None, min_topic_size=7)
    assert model.get_params()["min_topic_size"] == 7
    assert not hasattr(model, "labels_")


@pytest.mark.parametrize("bad", [np.empty((0, 384)), np.full((10, 384), np.nan)])
def test_rejects_empty_and_nan(bad):
    with pytest.raises(ValueError):
        TopicClusterer().fit(bad)


def test_predict_before_fit_and_nan_predict():
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        TopicClusterer().predict(np.ones((2, 384)))
    X, _ = sphere_blobs(300, 3, seed=9)
    model = TopicClusterer().fit(X)
    with pytest.raises(ValueError):
        model.predict(np.full((2, 384), np.nan))
