"""The Dask compute layer (issue 16): same answers on a LocalCluster of 2 worker processes,
a killed worker's tasks retried, clear exit-1 messages for a scheduler that cannot be used."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from tests.conftest import (GENERATED_AT, SAMPLE_AS_OF, SAMPLE_CONFIG, SAMPLE_EXPORT, FakeClusterer,
                            make_export)
from trendminer import compute as compute_module
from trendminer.cli import cli
from trendminer.config import load_settings
from trendminer.embed import TfidfEmbedder, encode
from trendminer.errors import ComputeError

pytest.importorskip("distributed", reason="the dask extra is not installed: pip install -e '.[dask]'")


@pytest.fixture(scope="module")
def cluster():
    """One LocalCluster with 2 worker processes for the whole module."""
    with compute_module.open_compute("local:2") as compute:
        yield compute


def _pid(_item: int) -> int:
    return os.getpid()


def _first(marker: str) -> bool:
    """True for exactly one caller over all processes: the one that creates ``marker``."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _die_once(item: int, *, marker: str) -> int:
    """Kill this worker process the first time any task runs; afterwards return the item."""
    if _first(marker):
        os._exit(1)
    return item * 10


class DyingEmbedder(TfidfEmbedder):
    """The fast embedder, except that the first encode on any worker kills that worker."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker

    def encode(self, texts: list[str]) -> np.ndarray:
        if _first(self.marker):
            os._exit(1)
        return super().encode(texts)


def test_map_returns_results_in_order_from_worker_processes(cluster):
    assert cluster.workers == 2
    assert cluster.map(len, ["a", "bbb", "cc"]) == [1, 3, 2]
    pids = set(cluster.map(_pid, list(range(40))))
    assert os.getpid() not in pids   # the work ran in the workers, not here


def test_embeddings_on_the_cluster_equal_in_process_ones(cluster):
    texts = [f"vpn drops every {i} minutes on the office wifi" for i in range(600)] + ["printer jam", ""]
    local = TfidfEmbedder().encode(texts)
    remote = encode(texts, TfidfEmbedder(), cluster)
    assert remote.shape == local.shape
    np.testing.assert_allclose(remote, local, atol=1e-6)


@pytest.mark.slow
def test_model_embeddings_on_the_cluster_equal_in_process_ones(cluster):
    from trendminer.embed import make_embedder

    embedder = make_embedder(load_settings(), progress=False)
    texts = [f"Outlook crashes when I open attachment number {i}" for i in range(300)] + ["VPN"]
    np.testing.assert_allclose(encode(texts, embedder, cluster), embedder.encode(texts), atol=1e-6)


def test_a_killed_worker_is_replaced_and_its_task_run_again(cluster, tmp_path):
    marker = tmp_path / "died"
    assert cluster.map(_die_once, [1, 2, 3, 4], marker=str(marker)) == [10, 20, 30, 40]
    assert marker.exists()   # a worker really died


def test_cluster_run_gives_identical_briefs_and_exports_on_the_sample(sample_run, cluster, tmp_path):
    from trendminer.pipeline import run

    expected, reference = sample_run
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])
    report = run([SAMPLE_EXPORT], settings, as_of=SAMPLE_AS_OF, generated_at=GENERATED_AT,
                 state_path=tmp_path / "state.duckdb", out_dir=tmp_path / "reports", progress=False,
                 compute=cluster)
    ours, theirs = tmp_path / "reports" / "2026-10-31", reference / "reports" / "2026-10-31"
    names = sorted(p.name for p in theirs.iterdir())
    assert sorted(p.name for p in ours.iterdir()) == names
    for name in names:
        if name == "manifest.json":
            continue
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name
    manifest = json.loads((ours / "manifest.json").read_text())
    assert manifest["compute"] == {"scheduler": "local:2", "workers": 2}
    assert report.analysed == expected.analysed and report.stored == expected.stored


def test_a_worker_killed_during_a_run_loses_and_doubles_nothing(cluster, tmp_path):
    from trendminer.pipeline import run

    rows = [{"number": f"INC{k:04d}", "short_description": f"{s} problem number {k}",
             "description": f"{s} fails again, case {k}", "cmdb_ci": s}
            for k, s in enumerate(["Outlook", "GlobalProtect VPN", "SAP ERP"] * 20)]
    export = make_export(tmp_path / "tickets.csv", rows)
    settings = load_settings(overrides=["embed.backend=tfidf", "score.min_tickets=1"])
    common = dict(as_of=pd.Timestamp("2026-10-31"), generated_at=GENERATED_AT, progress=False)
    clean = run([export], settings, state_path=tmp_path / "a.duckdb", out_dir=tmp_path / "a",
                embedder=TfidfEmbedder(), clusterer=FakeClusterer(3), **common)
    marker = tmp_path / "died"
    hurt = run([export], settings, state_path=tmp_path / "b.duckdb", out_dir=tmp_path / "b",
               embedder=DyingEmbedder(str(marker)), clusterer=FakeClusterer(3), compute=cluster, **common)
    assert marker.exists()
    assert hurt.stored == clean.stored and hurt.embedded == clean.embedded == 60
    for name in ("assignments.csv", "systems.csv", "topics.csv"):
        assert (tmp_path / "b" / "2026-10-31" / name).read_bytes() == \
               (tmp_path / "a" / "2026-10-31" / name).read_bytes(), name


def _run_cli(tmp_path: Path, *extra: str):
    state = tmp_path / "state.duckdb"
    result = CliRunner().invoke(cli, ["run", str(SAMPLE_EXPORT), "--set", "embed.backend=tfidf",
                                      "--as-of", "2026-10-31", "--state", str(state),
                                      "--out", str(tmp_path / "reports"), "--quiet", *extra])
    return result, state


def test_unreachable_scheduler_is_exit_1_naming_the_address_before_anything_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(compute_module, "CONNECT_TIMEOUT", 1)
    result, state = _run_cli(tmp_path, "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 1, result.output
    assert "The Dask scheduler at tcp://127.0.0.1:9 does not answer" in result.output
    assert "Nothing was changed" in result.output and "Traceback" not in result.output
    assert not state.exists() and not (tmp_path / "reports").exists()


def test_scheduler_without_the_dask_extra_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)   # import distributed -> ImportError
    result, state = _run_cli(tmp_path, "--scheduler", "local:2")
    assert result.exit_code == 1, result.output
    assert "pip install -c constraints.txt -e '.[dask]'" in result.output
    assert not state.exists()


def test_a_scheduler_that_is_no_address_is_a_config_error(tmp_path):
    result, state = _run_cli(tmp_path, "--scheduler", "my-cluster")
    assert result.exit_code == 1
    assert "compute.scheduler" in result.output and "tcp://host:port" in result.output
    assert not state.exists()


def test_in_process_is_the_default_and_needs_no_dask(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with compute_module.using(load_settings()["compute"]["scheduler"]) as compute:
        assert compute.name == "in-process" and not compute.on_cluster
        assert compute.map(len, ["ab"]) == [2]


def test_lost_cluster_is_a_compute_error_not_a_traceback():
    class Gone:
        scheduler = type("S", (), {"address": "tcp://10.0.0.1:8786"})()

        def map(self, *_a, **_k):
            raise OSError("Timed out trying to connect")

    with pytest.raises(ComputeError, match="tcp://10.0.0.1:8786 failed while running len"):
        compute_module.DaskCompute(Gone()).map(len, ["a"])
