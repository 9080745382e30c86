"""Shared fixtures. Unit tests use the fast ``tfidf`` embedder and a small fake clusterer;
tests marked ``slow`` use the real packaged model and skip when it is not installed."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trendminer.config import load_settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SAMPLE_EXPORT = SAMPLES / "servicenow_incidents.csv"
SAMPLE_CONFIG = SAMPLES / "trendminer.toml"
SAMPLE_AS_OF = pd.Timestamp("2026-10-31")
GENERATED_AT = pd.Timestamp("2026-11-01 02:00")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No tests collected is a failure (exit 1), never a silent exit 5."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


class FakeClusterer:
    """KMeans with a fixed k: a stand-in for unit tests of the stages around clustering."""

    def __init__(self, k: int = 8) -> None:
        self.k = k

    def fit(self, X: np.ndarray) -> FakeClusterer:
        from sklearn.cluster import KMeans

        km = KMeans(self.k, random_state=0, n_init=1).fit(X)
        sizes = np.bincount(km.labels_, minlength=self.k)
        order = np.argsort(-sizes, kind="stable")
        remap = np.empty(self.k, dtype=int)
        remap[order] = np.arange(self.k)
        self.labels_ = remap[km.labels_]
        c = km.cluster_centers_[order]
        self.centroids_ = c / np.linalg.norm(c, axis=1, keepdims=True)
        return self


@pytest.fixture
def fast_settings():
    return load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])


def raw_tickets(*rows: dict) -> pd.DataFrame:
    """Rows of the raw frame ``ingest`` hands to ``clean_tickets``, with defaults for every field."""
    base = {"ticket_id": "INC1", "opened_at": pd.Timestamp("2026-10-01"), "resolved_at": pd.NaT,
            "updated_at": pd.NaT, "title": "", "description": "", "system": "", "category": "",
            "priority": pd.NA, "state": "", "caller": "", "assignment_group": "", "reopen_count": 0,
            "reassignment_count": 0, "source_file": "x.csv", "source_row": 1}
    return pd.DataFrame([{**base, **r} for r in rows])


def make_export(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    """Write a small ServiceNow-style CSV with sensible defaults for missing fields."""
    defaults = {"number": "", "opened_at": "2026-10-20 09:00:00", "resolved_at": "",
                "sys_updated_on": "", "short_description": "", "description": "",
                "cmdb_ci": "", "category": "Software", "priority": "3 - Moderate",
                "state": "New", "caller_id": "", "assignment_group": "Service Desk",
                "reopen_count": "0", "reassignment_count": "0"}
    frame = pd.DataFrame([{**defaults, **r} for r in rows])
    if columns is not None:
        frame = frame[columns]
    frame.to_csv(path, index=False)
    return path


def small_run(folder: Path, updates: dict[int, dict] | None = None, *,
              systems: tuple[str, ...] = ("Outlook", "GlobalProtect VPN", "SAP ERP"),
              title: str = "{system} problem number {k}", variants: int = 7,
              overrides: tuple[str, ...] = ("score.min_tickets=1",)) -> Path:
    """60 October tickets cycling through ``systems`` (rows changed by ``updates``), run with the
    fast backend and a fake clusterer; returns the report folder."""
    from trendminer.pipeline import run

    rows = []
    for i in range(60):
        system = systems[i % len(systems)]
        rows.append({"number": f"INC{i:05d}", "opened_at": f"2026-10-{1 + i % 30:02d} 09:00:00",
                     "short_description": title.format(system=system, k=i % variants),
                     "description": "it fails", "cmdb_ci": system})
    for i, change in (updates or {}).items():
        rows[i].update(change)
    export = make_export(folder / "tickets.csv", rows)
    settings = load_settings(overrides=["embed.backend=tfidf", *overrides])
    run([export], settings, as_of=pd.Timestamp("2026-10-31"), generated_at=GENERATED_AT,
        state_path=folder / "s.duckdb", out_dir=folder / "r", clusterer=FakeClusterer(3), progress=False)
    return folder / "r" / "2026-10-31"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The whole pipeline on the bundled sample with the fast backend (real clusterer)."""
    from trendminer.pipeline import run

    out = tmp_path_factory.mktemp("sample_run")
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])
    report = run([SAMPLE_EXPORT], settings, as_of=SAMPLE_AS_OF, generated_at=GENERATED_AT,
                 state_path=out / "state.duckdb", out_dir=out / "reports", progress=False)
    return report, out
