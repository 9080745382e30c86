from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendminer.nlp import cue_counts, docs
from trendminer.signals import shouting, ticket_kind
from trendminer.window import Window


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
    assert dict(cue_counts(next(docs([text])))) == expected


def test_signals_shouting():
    assert shouting("NOTHING WORKS!!!") == 1.0
    assert shouting("Nothing works") == 0.0


def test_signals_components_and_weights(fast_settings):
    from trendminer.signals import COMPONENTS, TEXT_CUES, signals
    from tests.test_store import _tickets

    tickets = _tickets([
        {"ticket_id": "A", "title": "VPN DOWN AGAIN!!! unacceptable", "reopen_count": 2, "reassignment_count": 3},
        {"ticket_id": "B", "title": "How do I request a new badge?"},
    ])
    out = signals(tickets, settings=fast_settings)
    assert out["kind"].tolist() == ["failure", "howto"]
    # caps are half the letters (no shouting from case), "!!!" adds 0.4; one frustration word = 0.5
    # no sentiment, attribution, CSAT or escalation given; open, and measured up to the data's end (0 h)
    cues_and_process = [c for c in COMPONENTS if c != "text_irritation"]
    assert out.loc[0, cues_and_process].tolist() == [0.5, 1.0, 0.4, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    # without vectors the words + cues model reads the text: the angry one is irritated, the question not
    assert out["irritated"].tolist() == [True, False]
    assert out.loc[0, "text_irritation"] >= 0.5 > out.loc[1, "text_irritation"]
    weights = fast_settings["signals"]["weights"]
    process = 0.15 + 0.15   # reopens and reassignments are 1
    assert out.loc[0, "process_irritation"] == pytest.approx(process / 0.80)
    assert out.loc[0, "irritation"] == pytest.approx(
        (0.8 * out.loc[0, "text_irritation"] + process) / sum(weights[c] for c in COMPONENTS))
    assert sum(weights[c] for c in TEXT_CUES) == 0.0   # the model reads the cues: they weigh nothing again
    with_sentiment = signals(tickets, settings=fast_settings, negativity=np.array([1.0, 0.0]))
    assert with_sentiment.loc[0, "sentiment"] == 1.0
    assert with_sentiment.loc[0, "irritation"] == out.loc[0, "irritation"]
    given = signals(tickets, settings=fast_settings, text_irritation=np.array([0.2, 0.9]))
    assert given["text_irritation"].tolist() == [0.2, 0.9] and given["irritated"].tolist() == [False, True]
    assert out.loc[1, "irritation"] == pytest.approx(0.8 * out.loc[1, "text_irritation"] / 1.6)
    assert set(COMPONENTS) <= set(out.columns)
    assert ((out[list(COMPONENTS)] >= 0) & (out[list(COMPONENTS)] <= 1)).all().all()


def test_signals_irritated_threshold_follows_the_config():
    from trendminer.config import load_settings
    from trendminer.signals import signals
    from tests.conftest import SAMPLE_CONFIG
    from tests.test_store import _tickets

    tickets = _tickets([{"ticket_id": "A", "title": "x"}, {"ticket_id": "B", "title": "y"}])
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf", "signals.irritated_threshold=0.3"])
    got = signals(tickets, settings=settings, text_irritation=np.array([0.29, 0.3]))
    assert got["irritated"].tolist() == [False, True]


def _process_world():
    """Five tickets of caller k1 and one of k2; times, priorities, CSAT and states vary."""
    from tests.test_store import _tickets

    t = pd.Timestamp
    tickets = _tickets([
        # resolved in 2 h against a 4 h target; rated 5 of 5
        {"ticket_id": "A", "caller_key": "k1", "opened_at": t("2026-10-01 08:00"),
         "resolved_at": t("2026-10-01 10:00"), "priority": 1, "csat": 1.0, "state": "Closed"},
        # same caller, same system, 2 days later: one earlier contact; 8 h on a 4 h target
        {"ticket_id": "B", "caller_key": "k1", "opened_at": t("2026-10-03 08:00"),
         "resolved_at": t("2026-10-03 16:00"), "priority": 1, "csat": 0.25, "state": "Closed"},
        # third contact within 7 days, but about another system: no repeat; category escalated
        {"ticket_id": "C", "caller_key": "k1", "opened_at": t("2026-10-04 08:00"),
         "resolved_at": t("2026-10-04 09:00"), "priority": 3, "category": "Complaint", "state": "Closed"},
        # third contact about the VPN within 7 days: two earlier; still open at the as-of end
        {"ticket_id": "D", "caller_key": "k1", "opened_at": t("2026-10-06 08:00"), "priority": 2,
         "state": "In Progress", "title": "VPN broken, please escalate to your manager"},
        # 8 days after D, 11 after B: outside the window; closed without a resolution time
        {"ticket_id": "E", "caller_key": "k1", "opened_at": t("2026-10-14 08:00"), "priority": pd.NA,
         "state": "Closed", "title": "do not escalate, just curious"},
        # another caller, same day as D: not a repeat of anybody's
        {"ticket_id": "F", "caller_key": "k2", "opened_at": t("2026-10-06 08:00"), "priority": 3, "state": "New"},
    ])
    attribution = pd.DataFrame({"ticket_id": list("ABCDEF"),
                                "system": ["VPN", "VPN", "Outlook", "VPN", "VPN", "VPN"]})
    return tickets, attribution


def test_signals_process_components(fast_settings):
    from trendminer.signals import signals

    tickets, attribution = _process_world()
    before = tickets.copy()
    out = signals(tickets, settings=fast_settings, attribution=attribution, window=Window.from_settings(pd.Timestamp("2026-10-06"), fast_settings))
    pd.testing.assert_frame_equal(tickets, before)  # input not modified
    got = out.set_index("ticket_id")
    assert got["repeat_contacts"].tolist() == [0.0, 0.5, 0.0, 1.0, 0.0, 0.0]
    # B: 8 h / 4 h = 2x target -> (2 - 1) / (3 - 1); D: open 16 h (to 2026-10-07 00:00) on an 8 h
    # target = 2x -> 0.5; F: 16 h of 24 h -> 0; E: closed without a time -> 0
    assert got["resolve_time"].tolist() == [0.0, 0.5, 0.0, 0.5, 0.0, 0.0]
    # csat 1.0 -> 0, 0.25 -> (0.5 - 0.25) / 0.5, none -> 0
    assert got["low_csat"].tolist() == [0.0, 0.5, 0.0, 0.0, 0.0, 0.0]
    # C: "Complaint" category; D: asks to escalate; E: negated ("do not escalate")
    assert got["escalations"].tolist() == [0.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    weights = fast_settings["signals"]["weights"]
    total = sum(weights.values())
    assert got.loc["B", "irritation"] == pytest.approx(
        (got.loc["B", "text_irritation"] * weights["text_irritation"] + 0.5 * weights["repeat_contacts"]
         + 0.5 * weights["resolve_time"] + 0.5 * weights["low_csat"]) / total)
    assert got.loc["B", "process_irritation"] == pytest.approx(
        0.5 * (weights["repeat_contacts"] + weights["resolve_time"] + weights["low_csat"]) / 0.80)


def test_signals_process_components_need_their_inputs(fast_settings):
    from trendminer.signals import signals

    tickets, attribution = _process_world()
    out = signals(tickets, settings=fast_settings)  # no attribution: no repeats; open tickets measured to the data's end
    assert out["repeat_contacts"].eq(0.0).all()
    # the data's end is E's opening (10-14 08:00): D has been open 8 days on an 8 h target
    assert out["resolve_time"].tolist() == [0.0, 0.5, 0.0, 1.0, 0.0, 1.0]
    unattributed = attribution.assign(system=fast_settings["systems"]["unattributed"])
    assert signals(tickets, settings=fast_settings, attribution=unattributed)["repeat_contacts"].eq(0.0).all()
    anonymous = tickets.assign(caller_key="")
    assert signals(anonymous, settings=fast_settings, attribution=attribution)["repeat_contacts"].eq(0.0).all()


def test_signals_process_components_follow_the_config():
    from trendminer.config import load_settings
    from trendminer.signals import signals
    from tests.conftest import SAMPLE_CONFIG

    tickets, attribution = _process_world()
    settings = load_settings(SAMPLE_CONFIG, ["signals.repeat_days=20", "signals.resolve_target_hours.1=8",
                                             "signals.escalation_keywords=[]", "signals.csat_neutral=0.2"])
    got = signals(tickets, settings=settings, attribution=attribution, window=Window.from_settings(pd.Timestamp("2026-10-06"), settings)).set_index("ticket_id")
    assert got["repeat_contacts"].tolist() == [0.0, 0.5, 0.0, 1.0, 1.0, 0.0]
    assert got.loc["B", "resolve_time"] == 0.0     # 8 h is now on target
    assert got.loc["B", "low_csat"] == 0.0         # 0.25 is above the neutral 0.2
    assert got["escalations"].tolist() == [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]  # only the text cue is left


@pytest.mark.parametrize("key", ["signals.resolve_full_ratio=\"x\"", "signals.resolve_target_hours.9x=1"])
def test_signals_bad_process_config_is_refused(key):
    from trendminer.config import load_settings
    from trendminer.errors import ConfigError

    with pytest.raises(ConfigError):
        load_settings(overrides=[key])


def test_signals_classifier_decides_only_what_rules_leave_open():
    from trendminer.signals import ticket_kinds

    texts = ["the thing on my desk", "the other thing", "How do I submit an expense report?"]
    probs = np.array([[0.02, 0.95, 0.03],    # sure: how-to
                      [0.50, 0.30, 0.20],    # unsure: stays the default
                      [0.99, 0.00, 0.01]])   # a rule decided; the classifier is not asked
    kinds, sources = ticket_kinds(texts, ["", "", ""], probs, min_probability=0.9)
    assert kinds == ["howto", "failure", "howto"]
    assert sources == ["classifier", "default", "rule"]
    assert ticket_kinds(texts[:1], [""])[1] == ["default"]
