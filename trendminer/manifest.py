"""The run manifest: what produced these reports, recorded with every run.

Versions, model and weights hash, the resolved config and its hash, input file hashes (of the
bytes ingest parsed, taken while reading: the path is not opened again) and row counts,
``as_of``, ``random_state``, per-stage timings and peak memory. Written to ``manifest.json``
beside the briefs and into the state's run history.
"""
from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any


from .config import Settings
from .embed import Embedder
from .ingest import Accounting
from .window import Window

PACKAGES = ("trendminer", "duckdb", "pandas", "numpy", "scikit-learn", "spacy",
            "sentence-transformers", "torch", "jinja2")


class StageTimer:
    """Collects wall-clock seconds per stage: ``with timer("embed"): ...``, and the peak
    memory of the process when each stage ended (it only grows: the first stage where it
    jumps is the one that needed it)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - start, 3)
            self.peak_mb[stage] = peak_rss_mb()


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def build_manifest(settings: Settings, inputs: Sequence[str | Path], accounting: Accounting,
                   window: Window, embedder: Embedder, timer: StageTimer) -> dict[str, Any]:
    """Everything needed to tell how a set of reports was produced, and the window they cover."""
    return {
        "as_of": str(window.as_of.date()),
        "window": window.describe(),
        "random_state": int(settings["topics"]["random_state"]),
        "versions": versions(),
        "model": {"name": embedder.name, "weights_sha256": getattr(embedder, "weights_sha256", "")},
        "config_hash": settings.digest,
        "config": settings.to_dict(),
        "inputs": [{"file": str(p), "sha256": accounting.hashes.get(str(p), ""), "rows": accounting.files.get(str(p), 0)}
                   for p in inputs],
        "accounting": {"rows": accounting.rows, "accepted": accounting.accepted,
                       "duplicates": accounting.duplicates, "rejected": accounting.rejected},
        "seconds": dict(timer.seconds),
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_mb_after": dict(timer.peak_mb),
    }
