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


def test_survey_head_in_the_nightly_run(tmp_path):
    """Half the tickets rated through --surveys: the head scores the night, the summary says so, it is
    kept in the state and reused the next night; the unrated half gets the head's scores."""
    from tests.conftest import GENERATED_AT, FakeClusterer, make_export
    from trendminer.pipeline import run
    from trendminer.store import State

    rows, surveys = [], ["trigger_id,actual_value,string_value"]
    for i in range(80):
        angry = i % 3 == 0
        rows.append({"number": f"INC{i:05d}", "opened_at": f"2026-10-{1 + i % 30:02d} 09:00:00",
                     "short_description": "Still broken, nobody called back" if angry else "Printer works, thanks",
                     "description": f"case {i}", "cmdb_ci": "Outlook"})
        if i % 2 == 0:
            surveys.append(f"INC{i:05d},{1 if angry else 5},{'waited a week' if angry else ''}")
    surveys.append("INC99999,2,")   # a ticket not in the export: counted, not joined
    export = make_export(tmp_path / "t.csv", rows)
    (tmp_path / "s.csv").write_text("\n".join(surveys) + "\n", encoding="utf-8")
    settings = load_settings(overrides=["embed.backend=tfidf", "survey_head.min_rated=20", "score.min_tickets=1"])
    reports = []
    for day in ("2026-10-31", "2026-11-01"):
        reports.append(run([export], settings, as_of=pd.Timestamp(day), generated_at=GENERATED_AT,
                           state_path=tmp_path / "st.duckdb", out_dir=tmp_path / "r", clusterer=FakeClusterer(3),
                           progress=False, surveys=tmp_path / "s.csv"))
    first, second = reports
    assert "irritation scored by the desk's survey head (fitted on 40 rated tickets" in first.summary()
    assert first.accounting.surveys == {"file": str(tmp_path / "s.csv"), "rows": 41, "joined": 40, "merged": 0,
                                        "unmatched": 1, "rejected": 0, "examples": []}
    with State(tmp_path / "st.duckdb") as state:
        runs = state.con.execute("SELECT summary FROM runs ORDER BY run_id").fetchall()
    import json
    heads = [json.loads(r[0])["survey_head"] for r in runs]
    assert heads[0]["digest"] == heads[1]["digest"] and heads[0]["rated"] == 40
    manifest = json.loads((tmp_path / "r" / "2026-11-01" / "manifest.json").read_text())
    assert manifest["irritation"]["model"] == "survey_head" and manifest["irritation"]["reused"] is True
    assign = pd.read_csv(tmp_path / "r" / "2026-11-01" / "assignments.csv", dtype={"ticket_id": str})
    assert {"service_irritation", "system_irritation"} <= set(assign.columns)
    by_id = assign.set_index("ticket_id")
    unrated = [f"INC{i:05d}" for i in range(80) if i % 2 == 1]
    angry = [t for t in unrated if int(t[3:]) % 3 == 0]
    calm = [t for t in unrated if int(t[3:]) % 3 != 0]
    assert by_id.loc[angry, "text_irritation"].min() > by_id.loc[calm, "text_irritation"].max()
    digest = (tmp_path / "r" / "2026-11-01" / "digest.html").read_text()
    assert "text irritation scored by" in digest and "aimed at the desk / at systems" in digest
