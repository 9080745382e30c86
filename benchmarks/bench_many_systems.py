"""The report stage with many distinct systems (issue 17): 5,000 systems, 2 tickets each.

Runs the real pipeline (tfidf backend, a fixed-k KMeans clusterer) on a synthetic export
whose CI field names 5,000 different systems, then prints the report stage's seconds (from
the manifest) and the size of systems.html. Printed, not asserted.

Usage::

    .venv/bin/python benchmarks/bench_many_systems.py [--systems 5000] [--per-system 2]
"""
from __future__ import annotations

import argparse
import time
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import GENERATED_AT, FakeClusterer, make_export  # noqa: E402
from trendminer.config import load_settings  # noqa: E402
import trendminer.pipeline as pipeline  # noqa: E402
from trendminer.pipeline import run  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--systems", type=int, default=5000)
    ap.add_argument("--per-system", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = [{"number": f"INC{i:07d}", "opened_at": f"2026-10-{1 + i % 30:02d} 09:00:00",
                 "short_description": f"App{i % args.systems:05d} error number {i % 7}",
                 "description": "it fails", "cmdb_ci": f"App{i % args.systems:05d}"}
                for i in range(args.systems * args.per_system)]
        export = make_export(folder / "t.csv", rows)
        settings = load_settings(overrides=["embed.backend=tfidf"])
        spent = []
        original = pipeline.write_reports

        def timed(*a, **k):
            start = time.perf_counter()
            out = original(*a, **k)
            spent.append(time.perf_counter() - start)
            return out
        pipeline.write_reports = timed
        report = run([export], settings, as_of=pd.Timestamp("2026-10-31"), generated_at=GENERATED_AT,
                     state_path=folder / "s.duckdb", out_dir=folder / "r", clusterer=FakeClusterer(8),
                     progress=False)
        size = (report.report_dir / "systems.html").stat().st_size
        print(f"{args.systems} systems, {len(rows)} tickets: report stage "
              f"{spent[0]:.1f} s, systems.html {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
