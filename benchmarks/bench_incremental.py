"""Incremental-cost benchmark (issue 5): a full night on N tickets, then the next night with 1% new.

Generates a seeded ServiceNow-style export of ``--n`` tickets opened over the 180 days up to
2026-10-31 (the templates of ``data/samples/generate_sample.py``, imported, so titles and
bodies are as messy as the sample's), and a second export with ``--new-share`` x N tickets
opened on 2026-11-01. Then, on a fresh state, it runs :func:`trendminer.pipeline.run` twice:

1. night 1, ``--as-of 2026-10-31``, input = the full export (every ticket is new);
2. night 2, ``--as-of 2026-11-01``, input = only the new tickets (``--night2 delta``, the
   default: the scheduler hands over tonight's export), or the full export plus the new
   tickets (``--night2 full``: a site that re-exports everything every night).

Each night runs in a fresh child process (as a scheduler would start it), so the peak RSS
printed is per night and night 2 pays its own model load. The time measured is the wall
clock of ``run()`` inside the child (interpreter and import time excluded); the per-stage
seconds come from the run's ``manifest.json`` ("seconds"; the ``report`` stage is written
after the manifest, so it is shown as "other" = wall - sum of the stages). The target (issue 16,
with the per-text feature cache) is night 2 <= 15% of night 1 with ``--backend tfidf``, printed,
not asserted.

Usage::

    .venv/bin/python benchmarks/bench_incremental.py [--n 100000] [--backend tfidf|sentence-transformers]
                                                     [--new-share 0.01] [--night2 delta|full]
                                                     [--data DIR] [--profile]

``--data DIR`` keeps the generated exports (and reuses them when ``--n`` and the seed match);
the state and reports always start fresh. ``--profile`` runs night 2 under cProfile and
prints the 30 functions with the most cumulative time.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CONFIG = SAMPLES / "trendminer.toml"
NIGHT1, NIGHT2 = dt.date(2026, 10, 31), dt.date(2026, 11, 1)
LOOKBACK_DAYS = 180
SEED = 5
TARGET = 0.15


def _generator():  # noqa: ANN202 - the generate_sample module
    """Import ``data/samples/generate_sample.py`` (not a package) as a module."""
    if str(SAMPLES) not in sys.path:
        sys.path.insert(0, str(SAMPLES))   # it imports its sibling generate_knowledge
    spec = importlib.util.spec_from_file_location("generate_sample", SAMPLES / "generate_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plan(gen, rng: np.random.Generator, n: int, days: list[dt.date], first_number: int) -> list[dict]:  # noqa: ANN001
    """``n`` tickets over ``days``, drawn with the sample's per-system, per-weekday rates."""
    dow = [1.12, 1.05, 1.0, 0.98, 0.85, 0.25, 0.25]
    cells, rates = [], []
    for day in days:
        for system in [s[0] for s in gen.SYSTEMS] + [None]:
            for ptype, rate in gen.types_for(system, day):
                cells.append((day, system, ptype))
                rates.append(rate * dow[day.weekday()])
    p = np.asarray(rates) / np.sum(rates)
    tickets = [dict(system=cells[i][1], ptype=cells[i][2], outage=False,
                    opened=gen.office_time(rng, cells[i][0])) for i in rng.choice(len(cells), size=n, p=p)]
    tickets.sort(key=lambda t: t["opened"])
    for i, t in enumerate(tickets):
        t.update(number=f"INC{first_number + i:08d}", kind=t["ptype"][1], sap_post=t["ptype"] in gen.SAP_POST)
    return tickets


def _write(gen, path: Path, tickets: list[dict]) -> None:  # noqa: ANN001
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=gen.COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(gen.row_of(t) for t in tickets)


def make_exports(folder: Path, n: int, new_share: float, seed: int = SEED) -> tuple[Path, Path]:
    """Write ``base.csv`` (``n`` tickets up to night 1) and ``new.csv`` (opened on night 2).

    Reuses both files when they exist for the same ``n``, share and seed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    n_new = max(1, round(n * new_share))
    base, new = folder / f"base_{n}_{seed}.csv", folder / f"new_{n}_{n_new}_{seed}.csv"
    if base.exists() and new.exists():
        return base, new
    gen = _generator()
    rng = np.random.default_rng(seed)
    callers, weights = gen.build_callers(rng)
    days = [NIGHT1 - dt.timedelta(days=k) for k in range(LOOKBACK_DAYS - 1, -1, -1)]
    old = _plan(gen, rng, n, days, 1)
    gen.AS_OF = dt.datetime.combine(NIGHT1, dt.time(23, 59, 59))   # lifecycle() ages tickets against it
    gen.build_rows(rng, old, callers, weights)
    _write(gen, base, old)
    fresh = _plan(gen, rng, n_new, [NIGHT2], n + 1)
    gen.AS_OF = dt.datetime.combine(NIGHT2, dt.time(23, 59, 59))
    gen.HOSTILE = []            # the planted XSS texts need closed tickets; tonight's are new
    gen.build_rows(rng, fresh, callers, weights)
    _write(gen, new, fresh)
    return base, new


def night(inputs: list[str], as_of: str, backend: str, state: str, out: str, profile: bool) -> dict:
    """One nightly run in this process; returns wall seconds, the manifest's stage seconds and RSS."""
    import pandas as pd

    from trendminer.config import load_settings
    from trendminer.manifest import peak_rss_mb
    from trendminer.pipeline import run

    settings = load_settings(CONFIG, [f"embed.backend={backend}"])
    kwargs = dict(as_of=pd.Timestamp(as_of), generated_at=pd.Timestamp(as_of) + pd.Timedelta(hours=26),
                  state_path=state, out_dir=out, progress=False)
    start = time.perf_counter()
    if profile:
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        report = prof.runcall(run, inputs, settings, **kwargs)
        wall = time.perf_counter() - start
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(int(__import__("os").environ.get("NSTATS", "30")))
        print(text.getvalue(), file=sys.stderr)
    else:
        report = run(inputs, settings, **kwargs)
        wall = time.perf_counter() - start
    manifest = json.loads((Path(report.report_dir) / "manifest.json").read_text())
    return {"wall": round(wall, 2), "seconds": manifest["seconds"], "peak_rss_mb": peak_rss_mb(),
            "analysed": report.analysed, "embedded": report.embedded, "topics": report.n_topics,
            "stored": report.stored}


def _child(args: argparse.Namespace) -> None:
    result = night(args.inputs, args.as_of, args.backend, args.state, args.out, args.profile)
    print("RESULT " + json.dumps(result))


def _run_child(inputs: list[Path], as_of: dt.date, backend: str, work: Path, profile: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", "--as-of", str(as_of), "--backend", backend,
           "--state", str(work / "state.duckdb"), "--out", str(work / "reports"),
           *(["--profile"] if profile else []), *map(str, inputs)]
    proc = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def _print(rows: list[tuple[str, dict]]) -> None:
    stages = list(dict.fromkeys(s for _, r in rows for s in r["seconds"]))
    print(f"{'night':<34}{'wall s':>9}{'peak RSS MB':>13}{'analysed':>10}{'embedded':>10}{'topics':>8}")
    for name, r in rows:
        print(f"{name:<34}{r['wall']:>9.1f}{r['peak_rss_mb']:>13.0f}{r['analysed']:>10}{r['embedded']:>10}"
              f"{r['topics']:>8}")
    print("\nseconds per stage (manifest.json; other = report writing, model load, commit)")
    print(f"{'stage':<12}" + "".join(f"{name.split(' ')[0] + ' ' + name.split(' ')[1]:>16}" for name, _ in rows))
    for stage in [*stages, "other"]:
        cells = []
        for _, r in rows:
            value = r["wall"] - sum(r["seconds"].values()) if stage == "other" else r["seconds"].get(stage, 0.0)
            cells.append(f"{value:>16.2f}")
        print(f"{stage:<12}" + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("inputs", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=100_000, help="tickets in the first night's state")
    parser.add_argument("--backend", default="tfidf", choices=["tfidf", "sentence-transformers"])
    parser.add_argument("--new-share", type=float, default=0.01, help="new tickets on night 2, as a share of n")
    parser.add_argument("--night2", default="delta", choices=["delta", "full"],
                        help="night 2's input: only the new tickets, or the full export plus them")
    parser.add_argument("--data", type=Path, help="keep / reuse the generated exports here")
    parser.add_argument("--profile", action="store_true", help="cProfile night 2 (stderr)")
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        base, new = make_exports(args.data or work / "data", args.n, args.new_share)
        print(f"exports: {base.name}, {new.name} ({time.perf_counter() - t:.0f} s to generate); "
              f"backend {args.backend}; night 2 input: {args.night2}", flush=True)
        first = _run_child([base], NIGHT1, args.backend, work, False)
        second = _run_child([new] if args.night2 == "delta" else [base, new], NIGHT2, args.backend, work,
                            args.profile)
    n_new = max(1, round(args.n * args.new_share))
    _print([(f"night 1 {NIGHT1} ({args.n} tickets)", first),
            (f"night 2 {NIGHT2} (+{n_new} new)", second)])
    ratio = second["wall"] / first["wall"]
    print(f"\nnight 2 / night 1: {ratio:.1%} (target <= {TARGET:.0%}: {'met' if ratio <= TARGET else 'NOT met'})")


if __name__ == "__main__":
    main()
