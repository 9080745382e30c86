"""Measure the secret and identifier rules (issue 26): planted recall / precision, and what they
take out of real text. Run: .venv/bin/python scripts/measure_secrets.py [../shared/data]"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from trendminer.eval.secrets import count_in, score_planted

root = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")
for seed in (0, 1, 2):
    score = score_planted(seed)
    print(f"planted seed {seed}: recall {score.recall:.3f} ({score.found}/{score.planted}), "
          f"precision {score.precision:.3f} ({score.spans - score.false_spans}/{score.spans})")
    for line in score.missed + score.false:
        print("   ", line)
real = {}
samples = Path(__file__).resolve().parents[1] / "data" / "samples"
for path in sorted(samples.glob("*.csv")):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    real[f"samples/{path.name}"] = [v for c in frame.columns for v in frame[c] if len(v) > 3]
if (root / "banking77").is_dir():
    real["banking77"] = [t for f in ("train.csv", "test.csv") for t in pd.read_csv(root / "banking77" / f)["text"]]
if (root / "endava-tickets").is_dir():
    frame = pd.read_csv(root / "endava-tickets" / "all_tickets.csv", dtype=str, keep_default_na=False)
    real["endava"] = list(frame["title"]) + list(frame["body"])
for name, texts in real.items():
    labels, found = count_in(texts)
    words = sum(len(t.split()) for t in texts)
    print(f"{name}: {len(texts)} texts, {words} words, {sum(labels.values())} spans {dict(labels)}")
    for line in found[:40]:
        print("   ", line)
