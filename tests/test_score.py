from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendminer.score import poisson_interval, system_scores
from trendminer.catalogue import Catalogue
from trendminer.report.phrases import reason_text
from trendminer.trends import trends
from trendminer.window import Window


def _world(fast_settings, spec, process=None):
    """spec: system -> (failures, howtos, share of irritated tickets); process irritation 0 unless
    ``process`` gives one per system."""
    as_of = pd.Timestamp("2026-10-31")
    rows = []
    for system, (fail, howto, irr) in spec.items():
        n = fail + howto
        failing = set(np.linspace(0, n - 1, fail).round().astype(int)) if fail else set()
        for i in range(n):  # spread evenly over 40 days so no system trends
            rows.append({"ticket_id": f"{system}-{i}", "opened_at": as_of - pd.Timedelta(days=i * 40 // n),
                         "system": system, "kind": "failure" if i in failing else "howto",
                         "irritated": i < round(irr * n), "process_irritation": (process or {}).get(system, 0.0)})
    frame = pd.DataFrame(rows)
    tickets = frame[["ticket_id", "opened_at"]]
    attribution = frame[["ticket_id", "system"]]
    signals = frame[["ticket_id", "kind", "irritated", "process_irritation"]]
    assignments = pd.DataFrame({"ticket_id": frame["ticket_id"], "topic_id": -1})
    info = pd.DataFrame({"topic_id": [], "label": []})
    window = Window.from_settings(as_of, fast_settings)
    tr = trends(tickets, attribution=attribution, assignments=assignments, info=info, window=window,
                settings=fast_settings)
    catalogue = Catalogue(pd.DataFrame({
        "name": list(spec), "aliases": [[] for _ in spec], "vendor": "", "owner_team": "",
        "lifecycle": ["sunset" if s == "Old" else "active" for s in spec],
        "user_count": pd.array([1000] * len(spec), dtype="Int64"), "criticality": ""}))
    return system_scores(tickets, attribution=attribution, signals=signals, trends=tr, catalogue=catalogue,
                         window=window, settings=fast_settings)


def test_score_ranks_failures_and_irritation_and_explains(fast_settings):
    scores = _world(fast_settings, {"Bad": (80, 5, 0.4), "Howto": (5, 40, 0.02), "Fine": (2, 1, 0.0),
                                    "Tiny": (3, 0, 0.9), "Old": (15, 0, 0.1)}).set_index("system")
    # rank 1, but one window of failures and irritation are no chronic evidence: not "replace"
    assert scores.loc["Bad", "rank"] == 1 and scores.loc["Bad", "recommendation"] == "watch"
    assert scores.loc["Bad", "reasons"][0]["why"] == "irritated"
    assert scores.loc["Howto", "recommendation"] == "document"
    assert scores.loc["Old", "recommendation"] == "migrate"   # sunset and still used
    assert scores.loc["Fine", "recommendation"] == "keep"
    # 3 very irritated tickets must not top the list: too few to rank, ranked after the others
    assert not scores.loc["Tiny", "rankable"] and scores.loc["Tiny", "rank"] > scores.loc["Old", "rank"]
    parts = scores[[c for c in scores.columns if c.startswith("part_")]].sum(axis=1)
    np.testing.assert_allclose(parts, scores["trouble_score"])
    assert "irritated, but its failures are ordinary" in reason_text(scores.loc["Bad", "reasons"][0])


def test_score_poisson_interval_contains_the_count():
    counts = np.array([0, 1, 5, 50])
    lo, hi = poisson_interval(counts)
    assert (lo <= counts).all() and (counts <= hi).all() and hi[0] > 0


def _weekly_world(fast_settings, failures, howto=None, with_topics=True):
    """failures: system -> weekly failure counts, oldest first, ending with the as-of week;
    howto: system -> list of (topic, caller) how-to tickets spread over the last 6 weeks."""
    as_of = pd.Timestamp("2026-10-31")
    end = as_of + pd.Timedelta(days=1)
    rows = []
    for system, weeks in failures.items():
        for age, count in enumerate(reversed(weeks)):
            for j in range(count):
                rows.append({"ticket_id": f"{system}-f{age}-{j}", "system": system, "kind": "failure",
                             "opened_at": end - pd.Timedelta(days=7 * age + 1 + j % 7, hours=-9),
                             "caller_key": f"{system}-c{age}-{j}", "topic_id": 0})
    for system, asked in (howto or {}).items():
        for i, (topic, caller) in enumerate(asked):
            rows.append({"ticket_id": f"{system}-h{i}", "system": system, "kind": "howto",
                         "opened_at": end - pd.Timedelta(days=1 + i * 42 // len(asked), hours=-9),
                         "caller_key": caller, "topic_id": topic})
    frame = pd.DataFrame(rows).assign(irritated=False, process_irritation=0.0)
    tickets = frame[["ticket_id", "opened_at", "caller_key"]]
    attribution = frame[["ticket_id", "system"]]
    no_topics = pd.DataFrame({"ticket_id": frame["ticket_id"], "topic_id": -1})
    window = Window.from_settings(as_of, fast_settings)
    tr = trends(tickets, attribution=attribution, assignments=no_topics, info=pd.DataFrame({"topic_id": [], "label": []}),
                window=window, settings=fast_settings)
    names = sorted(frame["system"].unique())
    catalogue = Catalogue(pd.DataFrame({"name": names, "aliases": [[] for _ in names], "vendor": "",
                                        "owner_team": "", "lifecycle": "active",
                                        "user_count": pd.array([1000] * len(names), dtype="Int64"),
                                        "criticality": ""}))
    return system_scores(tickets, attribution=attribution, signals=frame[["ticket_id", "kind", "irritated", "process_irritation"]], trends=tr,
                         assignments=frame[["ticket_id", "topic_id"]] if with_topics else None, catalogue=catalogue,
                         window=window, settings=fast_settings).set_index("system")


def test_score_regression_needs_a_lasting_step_not_a_spike(fast_settings):
    scores = _weekly_world(fast_settings, {
        "Stepped": [5] * 14 + [20] * 6,          # 4x since six weeks, every week
        "Spiked": [5] * 19 + [60],               # one bad week: an incident, not a change
        "Drifting": [5] * 14 + [8] * 6,          # 1.6x: below the 2x step ratio
        "Flickering": [5] * 14 + [5, 30, 5, 30, 5, 30],  # 3.5x on average, but high in 3 of 6 weeks only
    })
    stepped = scores.loc["Stepped"]
    assert stepped["recommendation"] == "regression"
    assert (stepped["step_week"], stepped["step_before"], stepped["step_after"], stepped["step_elevated"],
            stepped["step_weeks"]) == ("2026-09-20", 5.0, 20.0, 6, 6)
    assert reason_text(stepped["reasons"][0]).startswith(
        "regression: regression since the week of 20 Sep: failures stepped up from 5.0 to 20.0 a week (4.0x) "
        "from the week of 20 Sep and stayed up in 6 of 6 weeks since (no change records were given")
    assert scores.loc["Spiked", "recommendation"] == "fix"
    assert not any(r["rule"] == "regression" for r in scores.loc["Spiked", "reasons"])
    for name in ("Drifting", "Flickering"):
        assert not any(r["rule"] == "regression" for r in scores.loc[name, "reasons"]), name


def test_score_regression_needs_history_before_the_step(fast_settings):
    # eight weeks of data: the change cannot be compared with a long enough "before"
    short = _weekly_world(fast_settings, {"Stepped": [5, 5, 20, 20, 20, 20, 20, 20]})
    assert short.loc["Stepped", "step_weeks"] == 0 and short.loc["Stepped", "step_week"] == ""
    assert short.loc["Stepped", "recommendation"] != "regression"
    # a system that had no failures before is new, not broken by a change
    new = _weekly_world(fast_settings, {"New": [0] * 14 + [20] * 6, "Old": [5] * 20})
    assert new.loc["New", "recommendation"] != "regression"


def test_score_howto_heavy_systems_get_document_train_or_redesign(fast_settings):
    howto = {
        "Lost": [(i % 8, f"lost-{i}") for i in range(40)],          # 8 equally common topics
        "Drilled": [(i % 2, f"drilled-{i % 10}") for i in range(40)],  # 10 people ask 4 times each
        "Faq": [(i % 2, f"faq-{i}") for i in range(40)],            # two questions, everybody once
    }
    scores = _weekly_world(fast_settings, {"Lost": [1] * 20, "Drilled": [1] * 20, "Faq": [1] * 20}, howto)
    assert scores.loc["Lost", "recommendation"] == "redesign"
    assert scores.loc["Lost", "howto_topics"] == 8.0
    assert scores.loc["Drilled", "recommendation"] == "train"
    assert scores.loc["Drilled", "howto_repeat_share"] == 1.0
    assert scores.loc["Faq", "recommendation"] == "document"
    assert (scores.loc["Faq", "howto_topics"], scores.loc["Faq", "howto_repeat_share"]) == (2.0, 0.0)
    assert reason_text(scores.loc["Faq", "reasons"][0]) == (
        "document: 83% of its tickets are how-to questions, in the equivalent of 2.0 equally common topics "
        "(redesign from 6), 0% from repeat askers (train from 50%): recurring questions that documentation answers")


def test_score_without_topics_howto_heavy_is_document(fast_settings):
    howto = {"Lost": [(i % 8, f"lost-{i}") for i in range(40)]}
    scores = _weekly_world(fast_settings, {"Lost": [1] * 20}, howto, with_topics=False)
    assert scores.loc["Lost", "recommendation"] == "document"
    assert np.isnan(scores.loc["Lost", "howto_topics"])


def test_score_irritated_share_with_wilson_interval(fast_settings):
    # Bad: 85 tickets, round(0.4 * 85) = 34 irritated; Fine: 3 tickets, none
    scores = _world(fast_settings, {"Bad": (80, 5, 0.4), "Fine": (2, 1, 0.0)}).set_index("system")
    assert scores.loc["Bad", "irritated"] == 34 and scores.loc["Bad", "irritated_share"] == 0.4
    assert scores.loc["Bad", "irritation"] == scores.loc["Bad", "irritated_share"]
    assert (round(scores.loc["Bad", "irritated_share_low"], 4), round(scores.loc["Bad", "irritated_share_high"], 4)) \
        == (0.3024, 0.5063)
    assert (scores.loc["Fine", "irritated"], scores.loc["Fine", "irritated_share_low"],
            round(scores.loc["Fine", "irritated_share_high"], 4)) == (0, 0.0, 0.5615)


@pytest.mark.parametrize("text_share, calm_first", [(1.0, False), (0.0, True), (0.5, True)])
def test_score_irritation_part_combines_text_share_and_process(fast_settings, text_share, calm_first):
    """Angry: 40% of tickets irritated in the text, no process trouble. Calm: 10% irritated,
    but every ticket reopened and bounced (process irritation 0.8). Same failures otherwise."""
    from trendminer.config import load_settings
    from tests.conftest import SAMPLE_CONFIG

    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf", f"score.irritation_text_share={text_share}",
                                             "score.irritation_prior=0"])
    scores = _world(settings, {"Angry": (40, 0, 0.4), "Calm": (40, 0, 0.1)},
                    process={"Calm": 0.8}).set_index("system")
    weight = settings["score"]["weights"]["irritation"]
    angry, calm = text_share * 0.4, text_share * 0.1 + (1 - text_share) * 0.8
    top = max(angry, calm)
    assert scores.loc["Angry", "part_irritation"] == pytest.approx(weight * angry / top)
    assert scores.loc["Calm", "part_irritation"] == pytest.approx(weight * calm / top)
    assert (scores.loc["Calm", "rank"] < scores.loc["Angry", "rank"]) == calm_first
    assert scores.loc["Calm", "process_irritation"] == pytest.approx(0.8)
