from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendminer.window import Window
from trendminer.trends import flag_counts, trends


@pytest.mark.parametrize("recent, baseline, flag", [
    (40, 40, "spiking"),   # 40 vs 10 expected
    (18, 40, "rising"),    # 18 vs 10: p ~ 0.014, 1.7x
    (10, 40, "steady"),
    (8, 0, "new"),
    (4, 0, "steady"),      # below trends.min_count
    (1, 60, "fading"),     # 1 vs 15 expected
])
def test_trends_flags(fast_settings, recent, baseline, flag):
    out = flag_counts(np.array([recent]), np.array([baseline]), 0.25, fast_settings)
    assert out["flag"].tolist() == [flag]


def test_trends_counts_windows_per_system_and_topic(fast_settings):
    as_of = pd.Timestamp("2026-10-31")
    days = [as_of - pd.Timedelta(days=d) for d in ([0] * 12 + [1] * 10 + list(range(7, 35)))]
    tickets = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(len(days))], "opened_at": days})
    attribution = pd.DataFrame({"ticket_id": tickets["ticket_id"], "system": "VPN"})
    assignments = pd.DataFrame({"ticket_id": tickets["ticket_id"], "topic_id": [0] * 22 + [-1] * 28})
    info = pd.DataFrame({"topic_id": [0], "label": ["vpn outage"]})
    out = trends(tickets, attribution=attribution, assignments=assignments, info=info,
                 window=Window.from_settings(as_of, fast_settings), settings=fast_settings).set_index("entity")
    assert (out.loc["VPN", "recent"], out.loc["VPN", "baseline"]) == (22, 28)
    assert out.loc["VPN", "flag"] == "spiking" and out.loc["VPN", "expected"] == 7.0
    assert out.loc["0", "label"] == "vpn outage" and out.loc["0", "flag"] == "new"
    assert "-1" not in out.index   # the remainder is not a topic


def test_trends_one_day_burst_spikes_the_night_it_starts(fast_settings):
    as_of = pd.Timestamp("2026-10-28")
    days = [as_of - pd.Timedelta(days=d) for d in range(1, 35) for _ in range(3)] + [as_of] * 15
    tickets = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(len(days))], "opened_at": days})
    attribution = pd.DataFrame({"ticket_id": tickets["ticket_id"], "system": "VPN"})
    assignments = pd.DataFrame({"ticket_id": tickets["ticket_id"], "topic_id": -1})
    info = pd.DataFrame({"topic_id": [], "label": []})
    row = trends(tickets, attribution=attribution, assignments=assignments, info=info,
                 window=Window.from_settings(as_of, fast_settings), settings=fast_settings).set_index("entity").loc["VPN"]
    assert (row["recent"], row["expected"]) == (33, 21.0)          # the week alone: 1.6x
    assert (row["today"], row["today_expected"]) == (15, 3.0)      # the day: 5x its weekday
    assert row["flag"] == "spiking" and row["since"] == "2026-10-28"
