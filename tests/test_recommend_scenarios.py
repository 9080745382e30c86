"""Recommendations as an architect would sign them: planted system histories, each with the action
expected and why (issue 22). One world of 24 weeks holds every scenario, so each system is judged
against the others as its peers.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


from trendminer.catalogue import Catalogue
from trendminer.config import load_settings
from trendminer.report.phrases import action_text, reason_text, would_change
from trendminer.score import system_scores
from trendminer.trends import trends
from trendminer.window import Window

SAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "data" / "samples" / "trendminer.toml"
AS_OF = pd.Timestamp("2026-10-31")
WEEKS = 24

#: system -> (users, lifecycle, failures per week (oldest first), how-to / requests / lockouts per
#: week, share of tickets irritated, callers (None = every ticket its own caller))
SCENARIOS = {
    # chronic: far above every peer per user, in this window and the one before
    "Chronic": (500, "active", [12] * WEEKS, 1, 1, 0, 0.1, None),
    # failures stepped up 4x after a recorded change and stayed up
    "Regressed": (2000, "active", [5] * 17 + [20] * 7, 1, 1, 0, 0.1, None),
    # one bad week (an outage) on an ordinary level
    "Outage": (3000, "active", [4] * 23 + [40], 1, 1, 0, 0.1, None),
    # busy, but ordinary per user and steady
    "Busy": (20000, "active", [30] * WEEKS, 3, 3, 0, 0.05, None),
    # mostly how-to questions
    "Howto": (3000, "active", [1] * WEEKS, 8, 1, 0, 0.05, None),
    # lockouts that self-service unlock / password reset would remove
    "Lockouts": (5000, "active", [1] * WEEKS, 1, 1, 6, 0.05, None),
    # sunset, still used by a few people
    "Sunset": (300, "sunset", [1] * WEEKS, 1, 0, 0, 0.05, 6),
    # retired, with stragglers
    "Retired": (200, "retired", [0] * 20 + [1] * 4, 1, 0, 0, 0.0, 3),
    # healthy: few failures for many users, calm
    "Healthy": (8000, "active", [0, 1] * 12, 1, 1, 0, 0.0, None),
    # small: a handful of tickets in the window
    "Small": (400, "active", [0, 0, 0, 1] * 6, 0, 0, 0, 0.0, None),
    # irritated users, ordinary failures
    "Irritated": (4000, "active", [6] * WEEKS, 1, 1, 0, 0.6, None),
    # mostly requests (access, licences, new things)
    "Requests": (3000, "active", [1] * WEEKS, 1, 8, 0, 0.05, None),
}

EXPECTED = {
    "Chronic": ("replace", "failures per 100 users above every peer, intervals apart, in 2 windows in a row"),
    "Regressed": ("regression", "a lasting step right after CHG0001 names the change: patch or roll back"),
    "Outage": ("fix", "one bad week is an incident: a problem record, not a replacement"),
    "Busy": ("watch", "many tickets, but per user and over time ordinary"),
    "Howto": ("document", "questions, not failures"),
    "Lockouts": ("automate", "self-service unlock and reset remove these"),
    "Sunset": ("migrate", "sunset yet needed: move the last users, then switch it off"),
    "Retired": ("remove", "retired yet reached: remove what is left"),
    "Healthy": ("keep", "it works"),
    "Small": ("watch", "too few tickets to judge"),
    "Irritated": ("watch", "irritation alone never replaces a system"),
    "Requests": ("catalogue", "a form or catalogue item serves requests"),
}

CHANGES = pd.DataFrame({"change_id": ["CHG0001", "CHG0002"], "system": ["Regressed", "Busy"],
                        "start": pd.to_datetime(["2026-09-08", "2026-06-01"]), "end": pd.NaT,
                        "title": ["Version 5.0", "Old change"], "source_file": "c.csv", "source_row": [1, 2]})


def _world(settings, scenarios=SCENARIOS, changes=CHANGES):
    end = AS_OF + pd.Timedelta(days=1)
    rows = []
    for system, (users, _, failures, howto, requests, lockouts, irritated, callers) in scenarios.items():
        n = 0
        for age, fail in enumerate(reversed(failures)):
            kinds = (["failure"] * fail + ["howto"] * howto + ["request"] * requests + ["lockout"] * lockouts)
            for j, kind in enumerate(kinds):
                title = {"failure": "it crashes", "howto": "how do I export a report", "request": "need access to a folder",
                         "lockout": "account locked, please unlock"}[kind]
                rows.append({"ticket_id": f"{system}-{n}", "system": system,
                             "kind": "request" if kind == "lockout" else kind, "title": title, "text": title,
                             "opened_at": end - pd.Timedelta(days=7 * age + 1 + j % 5, hours=-9),
                             "caller_key": f"{system}-c{n % callers if callers else n}",
                             "irritated": (n % 100) < irritated * 100, "process_irritation": 0.0, "topic_id": n % 2})
                n += 1
    frame = pd.DataFrame(rows)
    tickets = frame[["ticket_id", "opened_at", "caller_key", "title", "text"]]
    attribution = frame[["ticket_id", "system"]]
    window = Window.from_settings(AS_OF, settings)
    no_topics = pd.DataFrame({"ticket_id": frame["ticket_id"], "topic_id": -1})
    tr = trends(tickets, attribution=attribution, assignments=no_topics,
                info=pd.DataFrame({"topic_id": [], "label": []}), window=window, settings=settings)
    names = list(scenarios)
    catalogue = Catalogue(pd.DataFrame({
        "name": names, "aliases": [[] for _ in names], "vendor": "Acme", "owner_team": "Team",
        "lifecycle": [scenarios[s][1] for s in names],
        "user_count": pd.array([scenarios[s][0] for s in names], dtype="Int64"), "criticality": "high"}))
    return system_scores(tickets, attribution=attribution,
                         signals=frame[["ticket_id", "kind", "irritated", "process_irritation"]], trends=tr,
                         assignments=frame[["ticket_id", "topic_id"]], catalogue=catalogue, window=window,
                         settings=settings, changes=changes).set_index("system")


@pytest.fixture(scope="module")
def world():
    return _world(load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"]))


@pytest.mark.parametrize("system", list(EXPECTED))
def test_recommend_scenario(world, system):
    action, why = EXPECTED[system]
    row = world.loc[system]
    assert row["recommendation"] == action, (system, why, [reason_text(r) for r in row["reasons"]])
    first = row["reasons"][0]
    # every action says why and what would change it
    assert reason_text(first) and would_change(first).startswith(("Would change", "Judged"))


def test_recommend_scenario_suite_covers_twelve_histories():
    assert len(EXPECTED) >= 12 and set(EXPECTED) == set(SCENARIOS)


def test_recommend_regression_names_its_change_and_says_roll_back(world):
    row = world.loc["Regressed"]
    assert row["changes"] == "CHG0001"
    text = action_text(row["recommendation"], row["reasons"])
    assert text == "Regression since CHG0001 Version 5.0, 8 Sep: patch or roll back."
    assert "upgrade" not in text.lower()
    assert not any(r["rule"] == "replace" for r in row["reasons"])   # a regression is never "also: replace"


def test_recommend_regression_without_a_recorded_change_says_so(fast_settings):
    scores = _world(fast_settings, changes=CHANGES[CHANGES["system"] != "Regressed"])
    reason = scores.loc["Regressed", "reasons"][0]
    assert reason["rule"] == "regression" and reason["changes"] == []
    assert "no change of this system is recorded within 2 weeks" in reason_text(reason)
    assert action_text("regression", [reason]).startswith("Regression since the week of ")


def test_recommend_replace_needs_every_window(fast_settings):
    # chronic in the current window only: one window is no chronic evidence
    scenarios = dict(SCENARIOS, Chronic=(500, "active", [2] * 16 + [12] * 8, 1, 1, 0, 0.1, None))
    scores = _world(fast_settings, scenarios)
    assert scores.loc["Chronic", "recommendation"] != "replace"


def test_recommend_replace_never_from_irritation(fast_settings):
    scenarios = dict(SCENARIOS, Irritated=(4000, "active", [6] * WEEKS, 1, 1, 0, 1.0, None))
    scores = _world(fast_settings, scenarios)
    assert scores.loc["Irritated", "recommendation"] == "watch"
    assert scores.loc["Irritated", "reasons"][0]["why"] == "irritated"


def test_recommend_shows_catalogue_facts(world):
    row = world.loc["Chronic"]
    assert (row["vendor"], row["criticality"], row["owner_team"]) == ("Acme", "high", "Team")
