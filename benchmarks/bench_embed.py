"""One machine at its physical limit (issue 16, item 6): a first night against a plain encode and BERTopic.

On one export (default: the bundled sample; ``--n N`` generates a seeded export of N tickets
with :func:`bench_incremental.make_exports`), in one run on this machine, three jobs are timed,
each in a fresh child process:

- **night 1**: :func:`trendminer.pipeline.run` on a fresh state with the real
  sentence-transformers backend (the config of ``data/samples/trendminer.toml``, ``--as-of
  2026-10-31``; reports written). Timed: the wall clock of ``run()``: ingest, clean, store,
  model load, embedding of the tickets and the knowledge articles, topics, signals, trends,
  scores and the reports.
- **raw encode**: ``SentenceTransformer(model).encode(docs)`` with default settings
  (``batch_size=32``, ``max_seq_length`` 256), where ``docs`` is ``title + " " + description``
  of every row of the export as pandas reads it (the configured title and description columns).
  Timed: building the model from its folder and the encode.
- **BERTopic**: ``BERTopic(embedding_model=SentenceTransformer(model)).fit_transform(docs)`` on
  the same ``docs`` with BERTopic's defaults (UMAP + HDBSCAN + c-TF-IDF). Timed: building the
  model and ``fit_transform``.

The model is the packaged all-MiniLM-L6-v2 in all three. Every child imports torch,
sentence-transformers and what its job needs (trendminer, BERTopic) *before* its timer starts,
so no job pays import time and every job pays its own model load. Torch keeps its default
threads (one per core). A warm-up child first loads the model and encodes a few texts so the
weights and libraries are in the OS cache for everyone. With ``--repeat R`` the three jobs run
R times in turn (night, raw, BERTopic, night, ...); each job's best time is used for the
ratios, and each round's ratios are printed too (a shared machine's load changes between
rounds, less within one).

Printed: seconds (and CPU seconds) per job, the night's seconds per stage, and the ratios
night 1 / raw encode (target <= 0.8) and night 1 / BERTopic (target <= 0.6) with met / NOT
met, and a digest of the night's topics (ticket -> topic, topic labels) so that runs before
and after a change can be compared for identical topics.

Usage::

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python benchmarks/bench_embed.py \\
        [--n 20000] [--export FILE] [--repeat 1] [--data DIR] [--skip-bertopic]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CONFIG = SAMPLES / "trendminer.toml"
SAMPLE = SAMPLES / "servicenow_incidents.csv"
AS_OF = "2026-10-31"
TARGET_RAW, TARGET_BERTOPIC = 0.8, 0.6
JOBS = ("night", "raw", "bertopic")


def _docs(export: Path) -> list[str]:
    """``title + " " + description`` of every row, the columns the config names."""
    import pandas as pd

    from trendminer.config import load_settings

    columns = load_settings(CONFIG, [])["ingest"]["columns"]
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    return (frame[columns["title"]] + " " + frame[columns["description"]]).tolist()


def _topics_digest(report_dir: Path) -> str:
    """sha256 (12 hex) of the night's ticket -> topic map and the topics' labels and sizes."""
    import pandas as pd

    assignments = pd.read_csv(report_dir / "assignments.csv", usecols=["ticket_id", "topic_id"])
    topics = pd.read_csv(report_dir / "topics.csv")
    text = (assignments.sort_values("ticket_id").to_csv(index=False)
            + topics[["topic_id", "label", "size"]].sort_values("topic_id").to_csv(index=False))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _child(job: str, export: Path, work: Path) -> dict:
    """Run one job in this process; imports happen before the timer."""
    import numpy as np  # noqa: F401 - imported before the timer
    import pandas as pd
    import torch  # noqa: F401
    from sentence_transformers import SentenceTransformer

    from trendminer.embed import packaged_model_path

    model = str(packaged_model_path())
    result: dict = {}
    if job == "warmup":
        SentenceTransformer(model, device="cpu").encode(_docs(export)[:64])
        return {"seconds": 0.0, "cpu": 0.0}
    if job == "night":
        from trendminer.config import load_settings
        from trendminer.pipeline import run

        settings = load_settings(CONFIG, ["embed.backend=sentence-transformers"])
        kwargs = dict(as_of=pd.Timestamp(AS_OF), generated_at=pd.Timestamp(AS_OF) + pd.Timedelta(hours=26),
                      state_path=work / "state.duckdb", out_dir=work / "reports", progress=False)
        cpu, start = time.process_time(), time.perf_counter()
        report = run([export], settings, **kwargs)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        manifest = json.loads((Path(report.report_dir) / "manifest.json").read_text())
        result = {"stages": manifest["seconds"], "embedded": report.embedded, "analysed": report.analysed,
                  "topics": report.n_topics, "digest": _topics_digest(Path(report.report_dir))}
    else:
        docs = _docs(export)
        cpu, start = time.process_time(), time.perf_counter()
        if job == "raw":
            vectors = SentenceTransformer(model, device="cpu").encode(docs)
            result = {"docs": len(docs), "dim": int(vectors.shape[1])}
        else:
            from bertopic import BERTopic

            topics, _ = BERTopic(embedding_model=SentenceTransformer(model, device="cpu")).fit_transform(docs)
            result = {"docs": len(docs), "topics": len(set(topics) - {-1})}
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": round(seconds, 2), "cpu": round(cpu, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **result}


def _run_child(job: str, export: Path, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, __file__, "--child", job, "--export", str(export), "--work", str(work)]
    proc = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=env)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def _verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f} (target <= {target}: {'met' if ratio <= target else 'NOT met'})"


def _print(export: Path, rounds: list[dict]) -> None:
    best = {job: min(r[job]["seconds"] for r in rounds) for job in rounds[0]}
    night = min((r["night"] for r in rounds), key=lambda r: r["seconds"])
    print(f"\nexport {export.name}: {rounds[0]['night']['analysed']} tickets analysed, "
          f"{night['embedded']} texts embedded by night 1, {rounds[0]['raw']['docs']} docs for the raw encode")
    print(f"{'job':<12}" + "".join(f"{'round ' + str(i + 1):>12}" for i in range(len(rounds)))
          + f"{'best s':>10}{'cpu s':>9}{'RSS MB':>9}")
    for job in rounds[0]:
        fastest = min((r[job] for r in rounds), key=lambda r: r["seconds"])
        print(f"{job:<12}" + "".join(f"{r[job]['seconds']:>12.1f}" for r in rounds)
              + f"{best[job]:>10.1f}{fastest['cpu']:>9.1f}{fastest['peak_rss_mb']:>9}")
    stages = night["stages"]
    other = night["seconds"] - sum(stages.values())
    print("night 1 stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()) + f", other {other:.1f}"
          " (other = report writing and the commit)")
    print(f"night 1 topics: {night['topics']}; topics digest {night['digest']}"
          + ("" if len({r['night']['digest'] for r in rounds}) == 1 else " (DIFFERS between rounds)"))
    if "bertopic" in rounds[0]:
        print(f"BERTopic topics: {rounds[0]['bertopic']['topics']}")
    for i, r in enumerate(rounds):
        line = f"round {i + 1}: night 1 / raw encode {r['night']['seconds'] / r['raw']['seconds']:.2f}"
        if "bertopic" in r:
            line += f", night 1 / BERTopic {r['night']['seconds'] / r['bertopic']['seconds']:.2f}"
        print(line)
    cpu = {job: min(r[job]["cpu"] for r in rounds) for job in rounds[0]}
    print("cpu seconds (less sensitive to other load on the machine): night 1 / raw encode "
          f"{cpu['night'] / cpu['raw']:.2f}" + (f", night 1 / BERTopic {cpu['night'] / cpu['bertopic']:.2f}"
                                               if "bertopic" in cpu else ""))
    print(f"\nnight 1 / raw encode: {_verdict(best['night'] / best['raw'], TARGET_RAW)}")
    if "bertopic" in best:
        print(f"night 1 / BERTopic:   {_verdict(best['night'] / best['bertopic'], TARGET_BERTOPIC)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", choices=("warmup", *JOBS), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--export", type=Path, help="a ServiceNow-style export (default: the sample)")
    parser.add_argument("--n", type=int, help="generate a seeded export of this many tickets instead")
    parser.add_argument("--data", type=Path, help="keep / reuse the generated export here")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the three jobs (best time counts)")
    parser.add_argument("--skip-bertopic", action="store_true", help="time night 1 and the raw encode only")
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(_child(args.child, args.export, args.work)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        work = Path(tmp)
        export = args.export or SAMPLE
        if args.n:
            sys.path.insert(0, str(Path(__file__).parent))
            from bench_incremental import make_exports

            export, _ = make_exports(args.data or work / "data", args.n, 0.01)
        jobs = [j for j in JOBS if not (args.skip_bertopic and j == "bertopic")]
        _run_child("warmup", export, work / "warmup")
        rounds = []
        for i in range(args.repeat):
            rounds.append({job: _run_child(job, export, work / f"{job}-{i}") for job in jobs})
            print(f"round {i + 1}: " + ", ".join(f"{j} {r['seconds']:.1f} s" for j, r in rounds[-1].items()),
                  flush=True)
    _print(export, rounds)


if __name__ == "__main__":
    main()
