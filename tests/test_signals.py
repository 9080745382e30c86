from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendminer.nlp import cue_counts, docs
from trendminer.signals import shouting, ticket_kind


@pytest.mark.parametrize("text, kind", [
    ("How do I add a delegate in Concur?", "howto"),
    ("where can I find the travel policy", "howto"),
    ("Please grant access to the HR share", "request"),
    ("SAP GUI crashes when posting", "failure"),
    ("how do I fix error 500 in Jira", "failure"),
    ("VPN keeps disconnecting", "failure"),
])
def test_signals_ticket_kind(text, kind):
    assert ticket_kind(text) == kind


@pytest.mark.parametrize("text, expected", [
    ("VPN down AGAIN, third time this week, unacceptable", {"repetition": 2, "frustration": 1}),
    ("not urgent, no rush", {}),
    ("This is urgent", {"urgency": 1}),
])
def test_signals_cues_respect_negation(text, expected):
    assert dict(cue_counts(docs([text])[0])) == expected


def test_signals_shouting():
    assert shouting("NOTHING WORKS!!!") == 1.0
    assert shouting("Nothing works") == 0.0


def test_signals_components_and_weights(fast_settings):
    from trendminer.signals import COMPONENTS, signals
    from tests.test_store import _tickets

    tickets = _tickets([
        {"ticket_id": "A", "title": "VPN DOWN AGAIN!!! unacceptable", "reopen_count": 2, "reassignment_count": 3},
        {"ticket_id": "B", "title": "How do I request a new badge?"},
    ])
    out = signals(tickets, fast_settings)
    assert out["kind"].tolist() == ["failure", "howto"]
    # caps are half the letters (no shouting from case), "!!!" adds 0.4; one frustration word = 0.5
    assert out.loc[0, list(COMPONENTS)].tolist() == [0.5, 1.0, 0.4, 0.0, 0.0, 1.0, 1.0]  # no sentiment given
    weights = fast_settings["signals"]["weights"]
    assert out.loc[0, "irritation"] == pytest.approx(
        (0.3 * 0.5 + 0.2 + 0.1 * 0.4 + 0.15 + 0.15) / sum(weights[c] for c in COMPONENTS))
    with_sentiment = signals(tickets, fast_settings, negativity=np.array([1.0, 0.0]))
    assert with_sentiment.loc[0, "sentiment"] == 1.0
    assert with_sentiment.loc[0, "irritation"] > out.loc[0, "irritation"]
    assert out.loc[1, "irritation"] == 0.0
    assert set(COMPONENTS) <= set(out.columns)
    assert ((out[list(COMPONENTS)] >= 0) & (out[list(COMPONENTS)] <= 1)).all().all()
