"""Replay: night-by-night history from one export (fast backend, the sample's last 8 nights)."""
from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.conftest import GENERATED_AT, SAMPLE_CONFIG, SAMPLE_EXPORT
from trendminer.cli import cli
from trendminer.config import load_settings
from trendminer.pipeline import replay

PLANTED_SPIKE = {"GlobalProtect VPN"}        # data/samples/PLANTED.md: outage from 2026-10-28
PLANTED_CHANGES = {"SAP ERP"}                # degrades after the 2026-09-14 release


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replay")
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])
    return replay([SAMPLE_EXPORT], settings, start=pd.Timestamp("2026-10-24"), end=pd.Timestamp("2026-10-31"),
                  generated_at=GENERATED_AT, state_path=tmp / "s.duckdb", out_dir=tmp / "r", progress=False)


def test_replay_topic_ids_are_stable(nights):
    assert len(nights) == 8
    assert min(n.quality["stability"] for n in nights[1:]) >= 0.95


def _vpn(night):
    f = night.findings
    return f[(f["kind"] == "spike") & f["systems"].map(lambda s: "GlobalProtect VPN" in s)]


def test_replay_flags_the_outage_on_its_first_night(nights):
    by_day = {n.as_of.date().isoformat(): n for n in nights}
    for day in ("2026-10-24", "2026-10-25", "2026-10-26", "2026-10-27"):
        assert _vpn(by_day[day]).empty, day
    assert any(s.startswith("GlobalProtect VPN") for s in by_day["2026-10-28"].spikes)


def test_replay_the_outage_is_one_finding_that_keeps_its_id_and_ends(nights):
    by_day = {n.as_of.date().isoformat(): n for n in nights}
    rows = {day: _vpn(by_day[day]) for day in ("2026-10-28", "2026-10-29", "2026-10-30", "2026-10-31")}
    assert all(len(r) == 1 for r in rows.values()), {d: len(r) for d, r in rows.items()}
    assert len({r["finding_id"].iloc[0] for r in rows.values()}) == 1
    assert rows["2026-10-28"]["status"].iloc[0] == "ongoing"
    last = rows["2026-10-31"].iloc[0]
    assert last["status"] == "ended" and str(last["end"].date()) == "2026-10-29"
    assert str(last["start"].date()) == "2026-10-28"
    assert last["tickets"] == len(last["evidence_ids"])


def test_replay_no_false_spikes_on_stable_topics(nights):
    false = set()
    for night in nights:
        t = night.trends
        spiking = t[(t["flag"] == "spiking") & (t["entity_type"] == "topic")]
        false |= {(night.as_of, label) for label in spiking["label"]
                  if not any(s in label for s in PLANTED_SPIKE | PLANTED_CHANGES)}   # a label names its system
    assert len(false) <= 1, false


def test_replay_cli_prints_stability(tmp_path):
    result = CliRunner().invoke(cli, ["replay", str(SAMPLE_EXPORT), "--config", str(SAMPLE_CONFIG),
                                      "--set", "embed.backend=tfidf", "--from", "2026-10-30", "--to", "2026-10-31",
                                      "--state", str(tmp_path / "s.duckdb"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "topic-id stability: " in result.output
    assert (tmp_path / "r" / "2026-10-31" / "digest.html").exists()


def test_replay_rejects_a_reversed_range(tmp_path):
    result = CliRunner().invoke(cli, ["replay", str(SAMPLE_EXPORT), "--from", "2026-10-30", "--to", "2026-10-01",
                                      "--state", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1 and "is before --from" in result.output
