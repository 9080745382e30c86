"""The per-desk kind head (trendminer.desk_kind), its place in signals, the run's manifest and digest,
and `trendminer eval kind`."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from tests.conftest import small_run
from trendminer.cli import cli
from trendminer.desk_kind import DeskHead, fit_desk_head, night_desk
from trendminer.eval.kind import read_endava, resolve_labels
from trendminer.errors import InputError

OPTS = {"desk_min_labels": 20, "desk_min_cv_macro_f1": 0.7}


def blobs(n: int, seed: int, noise: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = {"incident": [1, 0, 0, 0], "request": [0, 1, 0, 0], "howto": [0, 0, 1, 0]}
    labels = np.array([list(centres)[i % 3] for i in range(n)], dtype=object)
    x = np.array([centres[lab] for lab in labels], dtype=float) + rng.normal(0, noise, (n, 4))
    return x, labels


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_desk_head_cross_validates_and_calibrates(seed):
    x, y = blobs(90, seed)
    head = fit_desk_head(x, [""] * 90, y, random_state=seed, embedder="fake")
    assert head.classes == ("howto", "incident", "request")
    assert head.cv["labelled"] == 90 and head.cv["folds"] == 5 and head.cv["macro_f1"] >= 0.9
    assert set(head.cv["per_class"]) == set(head.classes) and head.cv["temperature"] > 0
    p = head.predict_proba(x, [""] * 90)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (head.predict(x, [""] * 90) == y).mean() >= 0.9


def test_desk_head_round_trips_through_json():
    x, y = blobs(60, 0)
    head = fit_desk_head(x, ["failure"] * 60, y)
    again = DeskHead.from_dict(json.loads(json.dumps(head.to_dict())))
    np.testing.assert_allclose(again.predict_proba(x, ["failure"] * 60), head.predict_proba(x, ["failure"] * 60),
                               atol=1e-4)
    assert again.cv == head.cv


def test_fit_desk_head_needs_two_kinds_and_does_not_modify_input():
    x, y = blobs(30, 0)
    before = x.copy()
    assert fit_desk_head(x, [""] * 30, np.array(["request"] * 30)) is None
    np.testing.assert_array_equal(x, before)


def test_night_desk_labels_only_the_unlabelled():
    x, y = blobs(90, 1)
    labels = list(y[:60]) + [""] * 30
    desk = night_desk(labels, x, [""] * 90, OPTS, random_state=0, embedder="fake")
    assert desk.used and desk.kinds[:60] == [""] * 60
    assert (np.array(desk.kinds[60:]) == y[60:]).mean() >= 0.9
    manifest = desk.manifest(["export"] * 60 + ["desk"] * 30)
    assert manifest["decided_by"] == {"desk": 30, "export": 60} and manifest["desk_head"]["cv"]["labelled"] == 60
    quality = desk.quality(["export"] * 60 + ["desk"] * 30)
    assert quality["kind_export"] == 60 and quality["kind_desk"] == 30 and quality["desk_used"] == 1.0


def test_night_desk_not_used_when_too_few_labels_or_too_weak():
    x, y = blobs(90, 2, noise=3.0)
    few = night_desk(list(y[:5]) + [""] * 85, x, [""] * 90, OPTS, random_state=0, embedder="fake")
    assert not few.used and few.head is None and "at least 20" in few.reason
    weak = night_desk(list(y), x, [""] * 90, {**OPTS, "desk_min_cv_macro_f1": 0.99}, random_state=0, embedder="f")
    assert not weak.used and weak.head is not None and "below signals.desk_min_cv_macro_f1" in weak.reason
    assert weak.kinds == [""] * 90


def test_resolve_labels_incident_is_howto_only_when_the_text_asks():
    assert resolve_labels(np.array(["incident", "incident", "howto"]), ["howto", "failure", ""]).tolist() == [
        "howto", "failure", "howto"]


def test_read_endava_bad_label_names_row_and_column(tmp_path):
    path = tmp_path / "all_tickets.csv"
    pd.DataFrame({"title": ["a", "b"], "body": ["x", "y"], "ticket_type": ["0", "7"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 3, column ticket_type: '7'"):
        read_endava(path)


def test_run_says_which_source_decided_the_kinds(tmp_path):
    # 30 tickets say their kind in u_type; the others are decided by the text
    updates = {i: {"u_type": "Service Request" if i % 2 else "Incident",
                   "short_description": "please grant access" if i % 2 else "Outlook crashes"} for i in range(30)}
    report = small_run(tmp_path, updates)
    manifest = json.loads((report / "manifest.json").read_text())
    decided = manifest["kind"]["decided_by"]
    assert decided["export"] == 30 and sum(decided.values()) == 60
    assert manifest["kind"]["desk_head_used"] is False and "at least 50" in manifest["kind"]["desk_head_reason"]
    digest = (report / "digest.html").read_text()
    assert "ticket kind decided by" in digest and "the export&#39;s own type field 30" in digest


def test_eval_kind_labelled_csv(tmp_path):
    path = tmp_path / "labelled.csv"
    pd.DataFrame({"text": ["VPN keeps disconnecting", "please reset my password", "how do I share a calendar?"],
                  "kind": ["Incident", "request", "question"]}).to_csv(path, index=False)
    result = CliRunner().invoke(cli, ["eval", "kind", str(path), "--set", "embed.backend=\"tfidf\"", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout.splitlines()[0])
    assert scores["tickets"] == 3 and scores["accuracy"] == 1.0 and scores["macro_f1"] == 1.0


def test_eval_kind_unknown_label_is_an_error(tmp_path):
    path = tmp_path / "labelled.csv"
    pd.DataFrame({"text": ["VPN down"], "kind": ["whatever"]}).to_csv(path, index=False)
    result = CliRunner().invoke(cli, ["eval", "kind", str(path), "--set", "embed.backend=\"tfidf\""])
    assert result.exit_code == 1 and "row 2, column kind: 'whatever' names no kind" in result.output
