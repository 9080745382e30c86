from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from trendminer.cli import cli
from trendminer.errors import InputError
from trendminer.eval.survey_head import compare, read_rated_export


def _export(path, n: int = 120, seed: int = 0):
    rng = np.random.default_rng(seed)
    angry = rng.random(n) < 0.4
    texts = [("Still waiting, nobody called back, useless" if a else "Thanks, printer works again") + f" {i}"
             for i, a in enumerate(angry)]
    rating = [("1" if a else "5") if i % 2 == 0 else "" for i, a in enumerate(angry)]
    pd.DataFrame({"body": texts, "rating": rating}).to_csv(path, index=False)
    return angry


def test_eval_survey_head_compares_three_scores_on_held_out_rated(tmp_path):
    path = tmp_path / "rated.csv"
    _export(path)
    frame = read_rated_export(path, ["body"], "rating")
    rated = frame[frame["csat"].notna()]
    y = (rated["csat"] < 0.5).to_numpy()
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(len(rated), 4))
    vectors[:, 0] += np.where(y, 2.0, -2.0)     # the desk's signal is in the embedding
    shipped = np.full(len(rated), 0.3)           # the shipped model sees nothing here
    result = compare(frame, vectors, shipped, neutral=0.5, holdout=0.5,
                     options={"Cs": (0.1,), "folds": 3, "random_state": 0})
    assert (result.rows, result.rated, result.train + result.test) == (120, 60, 60)
    assert result.shipped_auc == 0.5 and result.head_auc > 0.9
    assert 0 <= result.length_auc <= 1
    assert "desk survey head" in "\n".join(result.lines("rated.csv"))


def test_eval_survey_head_refuses_one_sided_ratings(tmp_path):
    path = tmp_path / "calm.csv"
    pd.DataFrame({"body": [f"fine {i}" for i in range(40)], "rating": ["5"] * 40}).to_csv(path, index=False)
    frame = read_rated_export(path, ["body"], "rating")
    with pytest.raises(InputError, match="at least 10 of each side"):
        compare(frame, np.zeros((40, 2)), np.zeros(40), neutral=0.5, holdout=0.5, options={})


def test_eval_survey_head_names_a_missing_column(tmp_path):
    path = tmp_path / "x.csv"
    _export(path)
    with pytest.raises(InputError, match=r"no column 'stars' \(--csat-col\); columns are 'body', 'rating'"):
        read_rated_export(path, ["body"], "stars")


def test_eval_survey_head_cli(tmp_path):
    path = tmp_path / "rated.csv"
    _export(path, n=160)
    result = CliRunner().invoke(cli, ["eval", "irritation", str(path), "--text-col", "body", "--csat-col", "rating",
                                      "--cache", str(tmp_path / "cache"), "--set", "embed.backend=tfidf"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("AUC")[0].strip() for line in lines[1:]] == ["shipped model", "desk survey head",
                                                                     "text length alone"]
    missing = CliRunner().invoke(cli, ["eval", "irritation", "--csat-col", "rating"])
    assert missing.exit_code == 2 and "--csat-col needs PATH" in missing.output
