from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trendminer.aim import RULE_PRECISION, aim, service_themes, split_irritation


@pytest.mark.parametrize("text, themes", [
    ("Still waiting for a reply, five days now", ["waiting"]),
    ("Nobody called back although I was promised a call", ["no_reply"]),
    ("I have been passed around between three teams", ["passed_around"]),
    ("You closed my ticket without fixing anything", ["closed_unresolved"]),
    ("He was rude and made me feel like I was interrupting", ["rude"]),
    ("The service desk is useless", ["desk_named"]),
    ("Outlook crashes every time I open a calendar invite, unacceptable", []),
    ("SAP is so slow it is useless", []),
])
def test_aim_service_themes(text, themes):
    assert service_themes(text) == themes


def test_aim_agent_words_do_not_count():
    assert service_themes("Customer: Excel broken again\nAgent: sorry nobody called back, on it") == []


def test_aim_split_is_bounded_and_sums_to_the_text_part():
    p = np.array([0.0, 0.4, 1.0, 1.0])
    a = np.array([0.0, 0.5, 1.0, 0.2])
    service, system = split_irritation(p, a, np.zeros(4))
    assert np.all((service >= 0) & (service <= 1) & (system >= 0) & (system <= 1))
    np.testing.assert_allclose(service + system, p)


def test_aim_process_points_at_the_desk_without_words():
    process = pd.DataFrame({"reassignments": [1.0], "resolve_time": [1.0], "reopens": [1.0]})
    assert aim(["Excel crashes"], process).tolist() == [0.5]


def test_aim_rule_precision_is_the_measured_one():
    figures = Path(__file__).resolve().parents[1] / "models" / "irritation" / "service_rules.json"
    assert json.loads(figures.read_text())["precision"] == RULE_PRECISION


def test_aim_planted_tickets_split_in_signals(fast_settings):
    """Planted tickets of each kind: words about the desk land in service_irritation, words about
    the system in system_irritation, and a bounced, late ticket counts for the desk."""
    from tests.test_store import _tickets
    from trendminer.signals import signals

    tickets = _tickets([
        {"ticket_id": "desk", "title": "Still waiting for a reply",
         "description": "Nobody called back after a week, this is unacceptable. Terrible service"},
        {"ticket_id": "rude", "title": "Complaint about support",
         "description": "The agent was rude and made me feel like I was interrupting, unacceptable"},
        {"ticket_id": "system", "title": "SAP crashes AGAIN!!!",
         "description": "SAP crashes every time I post an invoice, this is unacceptable and useless"},
        {"ticket_id": "bounced", "title": "Printer question", "description": "Which tray holds A3?",
         "reassignment_count": 3, "reopen_count": 2},
        {"ticket_id": "calm", "title": "How do I add a delegate in Outlook?"},
    ])
    out = signals(tickets, settings=fast_settings, text_irritation=np.array([0.9, 0.9, 0.9, 0.1, 0.05])).set_index("ticket_id")
    for tid in ("desk", "rude"):
        assert out.loc[tid, "service_irritation"] > out.loc[tid, "system_irritation"], tid
        assert out.loc[tid, "service_irritation"] == pytest.approx(0.9 * RULE_PRECISION)
    assert out.loc["system", "system_irritation"] == pytest.approx(0.9)
    assert out.loc["system", "service_irritation"] == 0.0
    assert out.loc["bounced", "service_irritation"] >= 0.3 > out.loc["bounced", "system_irritation"]
    assert out.loc["calm", "service_irritation"] < 0.1 and out.loc["calm", "system_irritation"] < 0.1
    cols = out[["service_irritation", "system_irritation"]]
    assert ((cols >= 0) & (cols <= 1)).all().all()


def test_aim_service_rise_only_when_the_desk_part_rises():
    from trendminer.aim import service_rise
    from trendminer.config import load_settings
    from trendminer.report.irritation import desk_lines
    from trendminer.window import Window

    window = Window.from_settings(pd.Timestamp("2026-10-31"), load_settings())
    opened = pd.Series(pd.date_range("2026-09-27 09:00", "2026-10-31 09:00", freq="6h"))
    recent = window.contains(opened, "recent")
    calm = np.full(len(opened), 0.1)
    rising = np.where(recent, 0.5, 0.1) + np.linspace(0, 0.01, len(opened))
    flat = service_rise(opened, pd.Series(calm + np.linspace(0, 0.01, len(opened))), pd.Series(calm), window)
    up = service_rise(opened, pd.Series(rising), pd.Series(calm), window)
    assert not flat["rises"] and desk_lines({"service": flat}) == []
    assert up["rises"] and up["recent"] == int(recent.sum()) and up["recent_mean"] > 4 * up["baseline_mean"]
    assert desk_lines({"service": up})[0].startswith("Irritation aimed at the desk rose: mean 0.51 over the 26 tickets of 2026-10-25 to 2026-10-31")
