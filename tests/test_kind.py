"""The ticket-kind model: shapes, probabilities, model loading, the shipped model and metrics."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from trendminer.errors import ModelError
from trendminer.kind import KINDS, MODEL_DIR, KindModel, default_model_path, kind_probabilities, load_model, predict_kind


def fake_model(dim: int = 8, seed: int = 0, classes: tuple[str, ...] = KINDS) -> KindModel:
    rng = np.random.default_rng(seed)
    return KindModel(classes, rng.normal(size=(len(classes), dim)), rng.normal(size=len(classes)), "fake")


def unit_vectors(n: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_probabilities_shape_and_sum(seed):
    got = kind_probabilities(unit_vectors(20, 8, seed), model=fake_model(seed=seed))
    assert got.shape == (20, 3) and got.dtype == np.float64
    assert ((got >= 0) & (got <= 1)).all()
    np.testing.assert_allclose(got.sum(axis=1), 1.0)


def test_columns_follow_kinds_whatever_the_model_order():
    model = fake_model()
    shuffled = KindModel(("request", "failure", "howto"), model.coef[[2, 0, 1]], model.intercept[[2, 0, 1]])
    x = unit_vectors(5, 8, 3)
    np.testing.assert_allclose(kind_probabilities(x, model=shuffled), kind_probabilities(x, model=model))
    assert set(predict_kind(x, model=model)) <= set(KINDS)


def test_empty_input():
    assert kind_probabilities(np.zeros((0, 8)), model=fake_model()).shape == (0, 3)


def test_wrong_dimension_is_an_error():
    with pytest.raises(ValueError, match=r"expects \(n, 8\) vectors"):
        kind_probabilities(unit_vectors(2, 5, 0), model=fake_model())


def test_model_without_a_kind_is_an_error():
    with pytest.raises(ModelError, match="missing"):
        kind_probabilities(unit_vectors(2, 8, 0), model=fake_model(classes=("failure", "howto")))


def test_round_trip_through_json():
    model = fake_model()
    again = KindModel.from_dict(json.loads(json.dumps(model.to_dict(decimals=12))))
    x = unit_vectors(4, 8, 1)
    np.testing.assert_allclose(again.predict_proba(x), model.predict_proba(x), atol=1e-9)


def test_missing_model_names_the_training_command(tmp_path):
    with pytest.raises(ModelError, match=r"scripts/train_kind\.py"):
        load_model(tmp_path / "nope.json")


def test_damaged_model_is_a_model_error(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"classes": ["failure"], "coef": [[1, 2]], "intercept": [0, 0]}', encoding="utf-8")
    with pytest.raises(ModelError, match="damaged"):
        load_model(bad)


def test_shipped_model_loads_and_predicts():
    model = load_model()
    assert model.classes == KINDS and model.dim == 384
    assert model.embedder.startswith("st:all-MiniLM-L6-v2")
    got = kind_probabilities(unit_vectors(3, 384, 0))
    assert got.shape == (3, 3)
    np.testing.assert_allclose(got.sum(axis=1), 1.0)


def test_shipped_metrics_meet_the_reported_figures():
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    test = metrics["test"]
    assert metrics["sizes"]["test"] == 3080 and metrics["sizes"]["intents"] == 77
    assert test["macro_f1"] >= 0.93
    assert all(test["per_class"][k]["f1"] >= 0.92 for k in KINDS)
    matrix = test["confusion_matrix"]
    assert sum(sum(matrix[k]) for k in KINDS) == 3080
    assert np.trace(np.array([matrix[k] for k in KINDS])) / 3080 == pytest.approx(test["accuracy"], abs=1e-3)
    # The honest transfer figure (unseen intents) is recorded and is much lower.
    assert 0.6 <= metrics["cv_held_out_intents"]["macro_f1"] < test["macro_f1"]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", json.dumps(metrics))  # no dates: reruns are identical
    assert set(metrics["data_sha256"]) == {"banking77/train.csv", "banking77/test.csv",
                                           "models/kind/intent_kinds.csv"}
    assert default_model_path().is_file()


def test_intent_table_covers_77_intents_with_reasons():
    table = pd.read_csv(MODEL_DIR / "intent_kinds.csv")
    assert len(table) == 77 and table["intent"].is_unique
    assert set(table["kind"]) == set(KINDS)
    assert table["reason"].str.len().min() > 10
