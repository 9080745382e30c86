from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendminer.config import load_settings
from trendminer.survey_head import SurveyHead, desk_irritation, dissatisfied, fit_head, head_features


def _desk(n: int, seed: int, rated_share: float = 0.5):
    """Tickets whose dissatisfaction shows in one embedding direction the shipped model cannot see."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    vectors = rng.normal(size=(n, 8))
    vectors[:, 0] += np.where(y, 1.5, -1.5)
    csat = np.where(y, 0.0, 1.0)
    rated = rng.random(n) < rated_share
    tickets = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(n)], "title": ["t"] * n,
                            "description": ["d" * int(k) for k in rng.integers(1, 50, n)],
                            "text_hash": [f"h{i}" for i in range(n)], "csat": np.where(rated, csat, np.nan)})
    return tickets, vectors, y, rated


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_survey_head_learns_the_desk_and_round_trips(seed):
    tickets, vectors, y, _ = _desk(400, seed, rated_share=1.0)
    x = head_features(vectors, np.full(len(y), 0.3), tickets["description"].str.len().to_numpy())
    head = fit_head(x, y.astype(int), folds=5, random_state=seed)
    assert head.cv_auc > 0.9 and head.rated == 400 and head.dissatisfied == int(y.sum())
    p = head.probability(x)
    assert np.all((p >= 0) & (p <= 1)) and p[y].mean() > 0.6 > 0.3 > p[~y].mean()
    again = SurveyHead.from_dict(head.to_dict())
    np.testing.assert_allclose(again.probability(x), p, atol=1e-4)


def test_survey_head_needs_both_sides():
    with pytest.raises(ValueError, match="two rated tickets of each side"):
        fit_head(np.zeros((10, 3)), np.zeros(10, dtype=int))


def test_survey_head_dissatisfied_below_neutral():
    assert dissatisfied(np.array([0.0, 0.25, 0.5, 0.75, np.nan]), 0.5)[:4].tolist() == [1.0, 1.0, 0.0, 0.0]


def test_survey_head_scores_the_unrated_half_and_rated_keep_their_answer():
    settings = load_settings(overrides=["survey_head.min_rated=100"])
    tickets, vectors, y, rated = _desk(600, 0)
    shipped = np.full(len(tickets), 0.2)
    out = desk_irritation(tickets, vectors, shipped, settings=settings, embedder="fake")
    assert out.head is not None and not out.reused and out.rated == int(rated.sum())
    assert "CV AUC" in out.note and out.describe()["model"] == "survey_head"
    # rated tickets keep their own answer: 1 for a 1-of-5, 0 for a 5-of-5
    assert out.probability[rated].tolist() == np.where(y[rated], 1.0, 0.0).tolist()
    # the unrated half is scored by the head, which separates it (the shipped score is flat)
    unrated = ~rated
    from sklearn.metrics import roc_auc_score
    assert roc_auc_score(y[unrated], out.probability[unrated]) > 0.9
    # the same data next night: the stored head is reused, not refitted
    again = desk_irritation(tickets, vectors, shipped, settings=settings, embedder="fake", stored=out.head.to_dict())
    assert again.reused and again.head.digest == out.head.digest
    # another rating changes the digest: refitted
    changed = tickets.copy()
    changed.loc[changed["csat"].notna().idxmax(), "csat"] = 0.5
    third = desk_irritation(changed, vectors, shipped, settings=settings, embedder="fake", stored=out.head.to_dict())
    assert not third.reused and third.head.digest != out.head.digest


def test_survey_head_falls_back_below_the_threshold():
    settings = load_settings(overrides=["survey_head.min_rated=1000"])
    tickets, vectors, _, rated = _desk(300, 0)
    shipped = np.linspace(0, 1, len(tickets))
    out = desk_irritation(tickets, vectors, shipped, settings=settings, embedder="fake")
    assert out.head is None and out.probability is not None
    np.testing.assert_array_equal(out.probability, shipped)
    assert out.note.startswith("the shipped model") and str(int(rated.sum())) in out.note
