from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import FakeClusterer
from trendminer.registry import empty_registry, update
from trendminer.topics import _curate, load_curation
from trendminer.errors import ConfigError

DAY = pd.Timestamp("2026-10-01")


def _blobs(centers, n, seed=0, spread=0.05):
    rng = np.random.default_rng(seed)
    X = np.concatenate([c + spread * rng.normal(size=(n, len(c))) for c in centers])
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)


def _fit(k):
    return lambda X: FakeClusterer(min(k, len(X))).fit(X)


CENTERS = np.eye(8)[:3]


def test_registry_first_night_then_rerun_is_identical():
    X = _blobs(CENTERS, 30)
    first = update(X, empty_registry(), None, _fit(3), DAY, min_topic_size=5, default_threshold=0.5)
    assert sorted(set(first.labels)) == [0, 1, 2]
    again = update(X, first.registry, first.threshold, _fit(3), DAY, min_topic_size=5, default_threshold=0.5)
    np.testing.assert_array_equal(first.labels, again.labels)
    assert len(again.registry) == 3 and not [e for e in again.events if e[1] == "new"]


def test_registry_new_tickets_keep_ids_and_a_new_blob_gets_a_new_id():
    X = _blobs(CENTERS, 30)
    night1 = update(X, empty_registry(), None, _fit(3), DAY, min_topic_size=5, default_threshold=0.5)
    X2 = np.concatenate([X, _blobs(CENTERS, 3, seed=1), _blobs(np.eye(8)[5:6], 12, seed=2)])
    night2 = update(X2, night1.registry, night1.threshold, _fit(3), DAY + pd.Timedelta(days=1),
                    min_topic_size=5, default_threshold=0.5)
    np.testing.assert_array_equal(night2.labels[:90], night1.labels)   # nobody moved
    assert set(night2.labels[-12:]) == {3}                               # a fresh id, not a reused one
    assert (3, "new") in [(t, e) for t, e, _ in night2.events]
    assert night2.registry.set_index("topic_id").loc[3, "first_seen"] == DAY + pd.Timedelta(days=1)


def test_registry_rebuild_keeps_matching_ids():
    X = _blobs(CENTERS, 30)
    night1 = update(X, empty_registry(), None, _fit(3), DAY, min_topic_size=5, default_threshold=0.5)
    rebuilt = update(X[::-1].copy(), night1.registry, night1.threshold, _fit(3), DAY, min_topic_size=5,
                     default_threshold=0.5, rebuild=True)
    np.testing.assert_array_equal(rebuilt.labels[::-1], night1.labels)


def test_registry_dormant_and_revived():
    X = _blobs(CENTERS, 30)
    night1 = update(X, empty_registry(), None, _fit(3), DAY, min_topic_size=5, default_threshold=0.5)
    only_two = X[night1.labels != night1.labels[0]]
    night2 = update(only_two, night1.registry, night1.threshold, _fit(2), DAY, min_topic_size=5, default_threshold=0.5)
    gone = int(night1.labels[0])
    assert (gone, "dormant") in [(t, e) for t, e, _ in night2.events]
    night3 = update(X, night2.registry, night2.threshold, _fit(3), DAY, min_topic_size=5, default_threshold=0.5)
    assert (gone, "revived") in [(t, e) for t, e, _ in night3.events]


def test_registry_does_not_modify_its_inputs():
    X = _blobs(CENTERS, 30)
    before = X.copy()
    reg = empty_registry()
    update(X, reg, None, _fit(3), DAY, min_topic_size=5, default_threshold=0.5)
    np.testing.assert_array_equal(X, before)
    assert reg.empty


def test_registry_curation_file(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text('[[merge]]\ntopics = [2]\ninto = 1\n[[ignore]]\ntopics = [0]\n'
                    '[[rename]]\ntopic = 1\nlabel = "VPN drop-outs"\n')
    curation = load_curation(path)
    assert _curate(np.array([0, 1, 2, -1]), curation).tolist() == [-1, 1, 1, -1]
    assert curation["rename"][0]["label"] == "VPN drop-outs"
    path.write_text('[[merge]]\ntopics = [2]\n')
    with pytest.raises(ConfigError, match=r"\[\[merge\]\] entry 1 lacks into"):
        load_curation(path)
