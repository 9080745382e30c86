"""The one window of a night: built once, every period half-open, shared by every stage."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import SAMPLE_CONFIG
from trendminer.config import load_settings
from trendminer.window import Window


@pytest.mark.parametrize("as_of", ["2026-10-31", "2026-10-31 23:59:59", "2026-10-31 00:00:01"])
def test_window_periods_end_at_midnight_after_as_of(as_of):
    w = Window.from_settings(pd.Timestamp(as_of), load_settings())
    assert w.as_of == pd.Timestamp("2026-10-31") and w.end == pd.Timestamp("2026-11-01")
    assert (w.recent_start, w.baseline_start) == (pd.Timestamp("2026-10-25"), pd.Timestamp("2026-09-27"))
    assert (w.analysis_start, w.lookback_start) == (pd.Timestamp("2026-09-06"), pd.Timestamp("2026-05-05"))
    assert (w.recent_days, w.baseline_days, w.analysis_days, w.lookback_days) == (7, 28, 56, 180)


def test_window_follows_the_config():
    settings = load_settings(overrides=["trends.recent_days=14", "trends.baseline_days=56", "score.window_days=28",
                                        "topics.lookback_days=90"])
    w = Window.from_settings(pd.Timestamp("2026-10-31"), settings)
    assert (w.recent_days, w.baseline_days, w.analysis_days, w.lookback_days) == (14, 56, 28, 90)
    assert w.recent_scale == 0.25
    assert w.period("baseline") == (pd.Timestamp("2026-08-23"), pd.Timestamp("2026-10-18"))


def test_window_contains_is_half_open():
    w = Window.from_settings(pd.Timestamp("2026-10-31"), load_settings())
    when = pd.Series(pd.to_datetime(["2026-09-05 23:59:59", "2026-09-06 00:00:00", "2026-10-31 23:59:59",
                                     "2026-11-01 00:00:00"]))
    assert w.contains(when, "analysis").tolist() == [False, True, True, False]
    assert w.contains(when, "recent").tolist() == [False, False, True, False]
    with pytest.raises(KeyError):
        w.contains(when, "fortnight")


def test_window_describe_is_plain_json_with_inclusive_days():
    described = Window.from_settings(pd.Timestamp("2026-10-31"), load_settings()).describe()
    assert json.loads(json.dumps(described)) == described
    assert (described["analysis_from"], described["analysis_to"], described["baseline_to"]) == (
        "2026-09-06", "2026-10-31", "2026-10-24")


def test_window_is_in_the_manifest_of_a_run(sample_run):
    _, out = sample_run
    manifest = json.loads((out / "reports" / "2026-10-31" / "manifest.json").read_text())
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])
    assert manifest["window"] == Window.from_settings(pd.Timestamp("2026-10-31"), settings).describe()
