"""Dask benchmark (issue 16): the per-ticket stages in-process vs on LocalCluster(1) and LocalCluster(2).

On one generated export of ``--n`` tickets (the seeded generator of ``bench_incremental.py``),
for each compute -- in this process, ``local:1`` (one worker process with all the cores, so
the same cores as in-process: the ratio is the overhead of Dask), ``local:2`` (two worker
processes with one core each) -- it times, in one run:

- ``start``: starting the LocalCluster and its workers (0 in-process);
- ``load``: :func:`trendminer.pipeline.load_tickets` (read + check on the driver, clean +
  redact + language detection on the workers);
- ``embed fast``: the fast ``tfidf`` embedder over every distinct ticket text;
- ``embed model``: the packaged all-MiniLM-L6-v2 over the first ``--model-n`` distinct texts
  (the real nightly cost; each worker loads the model once, which is counted);
- ``features``: the per-text NLP features (systems, signals, irritation cues, topic terms).

It checks that every compute gives the same tickets and the same vectors (max abs difference
printed), prints the overhead ratios against in-process (target: local:1 <= 1.15x), the
model's texts per second per worker, and projects the model stage to W workers of C cores
from the measured rate per core (``--project 10x16``: 5M tickets on 10 workers of 16 cores).
The projection multiplies the rate of one single-core worker process measured here (local:N,
N = the cores) by W x C; it is a projection, not a measurement.

Usage::

    .venv/bin/python benchmarks/bench_dask.py [--n 100000] [--model-n 10000] [--data DIR]
                                              [--computes in-process,local:1,local:2] [--project 10x16]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
CONFIG = ROOT.parent / "data" / "samples" / "trendminer.toml"
TARGET = 1.15


def _incremental():  # noqa: ANN202 - the bench_incremental module (its export generator)
    spec = importlib.util.spec_from_file_location("bench_incremental", ROOT / "bench_incremental.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _features(tickets, settings, compute):  # noqa: ANN001, ANN202 - the per-text NLP features stage
    """The features of every distinct ticket text, as a first night computes them."""
    from trendminer.catalogue import load_catalogue
    from trendminer.features import feature_inputs, feature_spec
    from trendminer.features import compute_features as _compute_features

    catalogue = load_catalogue(settings["systems"]["catalogue"])
    inputs = feature_inputs(tickets, catalogue, settings).drop_duplicates("text", ignore_index=True)
    return _compute_features(inputs, feature_spec(catalogue, settings, "tfidf:v2", 256), compute)


def measure(name: str, export: Path, model_n: int) -> dict:
    """Seconds per stage on one compute, with the tickets and vectors to compare."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from trendminer.compute import open_compute
    from trendminer.config import load_settings
    from trendminer.embed import TfidfEmbedder, encode, make_embedder
    from trendminer.pipeline import load_tickets

    settings = load_settings(CONFIG)
    seconds = {}
    t = time.perf_counter()
    compute = open_compute("" if name == "in-process" else name)
    seconds["start"] = time.perf_counter() - t
    try:
        t = time.perf_counter()
        tickets = load_tickets([export], settings, compute=compute).tickets
        seconds["load"] = time.perf_counter() - t
        texts = list(dict.fromkeys(tickets["text"]))
        t = time.perf_counter()
        fast = encode(texts, TfidfEmbedder(), compute)
        seconds["embed fast"] = time.perf_counter() - t
        model = make_embedder(settings, progress=False)
        t = time.perf_counter()
        vectors = encode(texts[:model_n], model, compute)
        seconds["embed model"] = time.perf_counter() - t
        t = time.perf_counter()
        features = _features(tickets, settings, compute)
        seconds["features"] = time.perf_counter() - t
        workers = compute.workers
    finally:
        compute.close()
    return {"seconds": seconds, "tickets": tickets, "fast": fast, "model": vectors, "workers": workers,
            "texts": len(texts), "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="tickets in the export")
    parser.add_argument("--model-n", type=int, default=10_000, help="distinct texts the model embeds per compute")
    parser.add_argument("--data", type=Path, default=Path("/tmp/trendminer-bench-data"),
                        help="keep / reuse the generated export here")
    parser.add_argument("--computes", default="in-process,local:1,local:2")
    parser.add_argument("--project", default="10x16", help="WORKERSxCORES for the projection")
    parser.add_argument("--project-tickets", type=int, default=5_000_000)
    args = parser.parse_args()
    t = time.perf_counter()
    export, _ = _incremental().make_exports(args.data, args.n, 0.01)
    print(f"export {export} ({args.n} tickets, {time.perf_counter() - t:.0f} s to generate or find); "
          f"{os.cpu_count()} cores", flush=True)
    results = {}
    for name in args.computes.split(","):
        results[name] = measure(name, export, args.model_n)
        print(f"  {name}: " + ", ".join(f"{k} {v:.1f} s" for k, v in results[name]["seconds"].items()), flush=True)

    base = results[next(iter(results))]
    stages = list(base["seconds"])
    print(f"\n{'stage':<14}" + "".join(f"{name:>14}" for name in results)
          + "".join(f"{name + ' ratio':>18}" for name in list(results)[1:]))
    for stage in [*stages, "total"]:
        def value(r: dict) -> float:
            return sum(r["seconds"].values()) if stage == "total" else r["seconds"].get(stage, float("nan"))
        cells = "".join(f"{value(r):>14.1f}" for r in results.values())
        ratios = "".join(f"{value(r) / value(base):>17.2f}x" if value(base) > 0 else f"{'-':>18}"
                         for r in list(results.values())[1:])
        print(f"{stage:<14}{cells}{ratios}")

    print()
    for name, r in list(results.items())[1:]:
        same = r["tickets"].equals(base["tickets"])
        fast = float(np.max(np.abs(r["fast"] - base["fast"]))) if len(r["fast"]) else 0.0
        model = float(np.max(np.abs(r["model"] - base["model"]))) if len(r["model"]) else 0.0
        feats = f", features equal: {r['features'].equals(base['features'])}"
        print(f"{name}: tickets equal: {same}; max |vector difference| fast {fast:.1e}, model {model:.1e}{feats}")
        if not same or fast > 1e-6 or model > 1e-6 or not r["features"].equals(base["features"]):
            print("  NOT the same answers", file=sys.stderr)

    work = [s for s in stages if s != "start"]
    if "local:1" in results:
        overhead = sum(results["local:1"]["seconds"][s] for s in work) / sum(base["seconds"][s] for s in work)
        print(f"\noverhead local:1 / in-process (same cores, without cluster start): {overhead:.2f}x "
              f"(target <= {TARGET:.2f}x: {'met' if overhead <= TARGET else 'NOT met'})")
    cores = os.cpu_count() or 1
    for name, r in results.items():
        rate = args.model_n / r["seconds"]["embed model"]
        print(f"{name}: model {rate:.0f} texts/s in all, {rate / r['workers']:.0f} per worker, "
              f"{rate / cores:.0f} per core; load {args.n / r['seconds']['load']:.0f} tickets/s")
    # The rate of one worker process with one core (local:N with N = cores) is what a fleet of
    # `dask worker --nworkers C --nthreads 1` processes multiplies.
    single = results.get(f"local:{cores}", max(results.values(), key=lambda r: -r["seconds"]["embed model"]))
    per_core = args.model_n / single["seconds"]["embed model"] / cores
    workers, per = (int(x) for x in args.project.lower().split("x"))
    total_rate = per_core * workers * per
    hours = args.project_tickets / total_rate / 3600
    print(f"\nprojection: {args.project_tickets:,} tickets on {workers} workers x {per} cores at {per_core:.0f} "
          f"texts/s per core (measured here, one single-core worker process per core) = {total_rate:,.0f} "
          f"texts/s: {hours:.2f} h of model embedding, if the rate per core holds (this machine alone: "
          f"{args.project_tickets / (per_core * cores) / 3600:.1f} h)")


if __name__ == "__main__":
    main()
