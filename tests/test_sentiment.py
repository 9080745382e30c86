"""The sentiment model: shape and range of negativity, model loading, the shipped metrics."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from trendminer.cli import cli
from trendminer.errors import InputError, ModelError
from trendminer.eval.data import read_senti4sd
from trendminer.eval.sentiment import classification_scores
from trendminer.sentiment import MODEL_DIR, SentimentModel, default_model_path, load_model, negativity

RNG_SEEDS = [0, 1, 2]


def fake_model(dim: int = 8, vocabulary: tuple[str, ...] = (), seed: int = 0) -> SentimentModel:
    rng = np.random.default_rng(seed)
    width = len(vocabulary) + dim
    return SentimentModel(("negative", "neutral", "positive"), rng.normal(size=(3, width)),
                          rng.normal(size=3), vocabulary, np.ones(len(vocabulary)), 1.0, "fake")


def unit_vectors(n: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_negativity_shape_and_range(seed):
    got = negativity(unit_vectors(20, 8, seed), model=fake_model(seed=seed))
    assert got.shape == (20,) and got.dtype == np.float64
    assert ((got >= 0) & (got <= 1)).all()


def test_probabilities_sum_to_one():
    proba = fake_model().predict_proba(unit_vectors(5, 8, 0))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_negativity_empty_input():
    assert negativity(np.zeros((0, 8)), model=fake_model()).shape == (0,)


def test_wrong_dimension_is_an_error():
    with pytest.raises(ValueError, match=r"expects \(n, 8\) vectors"):
        negativity(unit_vectors(2, 5, 0), model=fake_model())


def test_word_features_change_the_answer():
    model = SentimentModel(("negative", "positive"), np.array([[5.0, 0.0], [0.0, 0.0]]), np.zeros(2),
                           ("awful",), np.ones(1), 1.0)
    x = np.zeros((2, 1))
    got = negativity(x, ["this is awful", "this is fine"], model=model)
    assert got[0] > 0.99 and got[1] == 0.5


def test_word_model_needs_texts():
    model = fake_model(vocabulary=("bad", "good"))
    with pytest.raises(ValueError, match="pass one text per vector"):
        negativity(unit_vectors(2, 8, 0), model=model)


def test_model_without_negative_class():
    model = SentimentModel(("a", "b"), np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ModelError, match="none called 'negative'"):
        negativity(np.zeros((1, 3)), model=model)


def test_round_trip_through_dict():
    model = fake_model(vocabulary=("bad", "good"))
    again = SentimentModel.from_dict(json.loads(json.dumps(model.to_dict(decimals=12))))
    x, texts = unit_vectors(4, 8, 3), ["bad", "good", "bad good", ""]
    np.testing.assert_allclose(again.predict_proba(x, texts), model.predict_proba(x, texts))


def test_missing_model_names_the_training_command(tmp_path):
    with pytest.raises(ModelError, match="python scripts/train_sentiment.py"):
        load_model(tmp_path / "model.json")


def test_damaged_model(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"classes": ["negative"], "coef": [[1, 2]], "intercept": [0, 0]}))
    with pytest.raises(ModelError, match="damaged"):
        load_model(path)


def test_shipped_model_exists_and_loads():
    assert default_model_path() == MODEL_DIR / "model.json"
    model = load_model()
    assert model.classes == ("negative", "neutral", "positive")
    assert model.dim == 384 and model.embedder.startswith("st:all-MiniLM-L6-v2")
    got = negativity(unit_vectors(3, 384, 0), ["this is useless", "thanks, works great", "ok"], model)
    assert ((got >= 0) & (got <= 1)).all()


def test_shipped_metrics_meet_the_target():
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text())
    assert metrics["test"]["macro_f1"] >= 0.75
    assert set(metrics["test"]["per_class"]) == {"negative", "neutral", "positive"}
    assert metrics["sizes"] == {"train": 3097, "test": 1326}
    assert len(metrics["data_sha256"]) == 2


def test_read_senti4sd_splits_on_first_two_semicolons(tmp_path):
    path = tmp_path / "split.csv"
    path.write_text("t1;negative;bad; really; bad\nt2;positive;fine\n\n", encoding="utf-8")
    frame = read_senti4sd(path)
    assert frame.values.tolist() == [["t1", "negative", "bad; really; bad"], ["t2", "positive", "fine"]]


def test_read_senti4sd_rejects_unknown_polarity(tmp_path):
    path = tmp_path / "split.csv"
    path.write_text("t1;angry;text\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        read_senti4sd(path)


def test_classification_scores():
    got = classification_scores(["negative", "neutral", "positive", "positive"],
                                ["negative", "positive", "positive", "positive"])
    assert got.per_class["neutral"]["f1"] == 0.0 and got.per_class["positive"]["recall"] == 1.0
    assert got.macro_f1 == 0.6 and got.accuracy == 0.75


def test_eval_sentiment_skips_without_data(tmp_path):
    result = CliRunner().invoke(cli, ["eval", "sentiment", "--data", str(tmp_path / "none")])
    assert result.exit_code == 0
    assert "skipped: Senti4SD not found" in result.output
