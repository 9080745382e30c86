"""Train the sentiment classifier shipped in models/sentiment/.

Reads Senti4SD (``../shared/data/senti4sd``: train and test splits, ``id;polarity;text``),
embeds the texts with the packaged all-MiniLM-L6-v2, picks the logistic-regression settings
(C, class_weight) by 5-fold stratified cross-validation on the train split only, refits on
the whole train split and measures macro-F1 once on the test split.

Writes (no dates, so a rerun gives identical files):
  models/sentiment/model.json    coefficients, intercepts, class order, embedder name
  models/sentiment/metrics.json  test macro-F1 and per-class scores, CV table, sizes, sha256s

Embeddings are cached under a temporary folder (default /tmp/trendminer-senti4sd), never in
the repository. Seeded: the same data and model give the same files.

Usage:  python scripts/train_sentiment.py [--data ../shared/data] [--cache /tmp/trendminer-senti4sd]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from trendminer.config import load_settings
from trendminer.embed import make_embedder
from trendminer.evaluate import (POLARITIES, SENTI4SD_FILES, cached_encode, classification_scores,
                                 file_sha256, read_senti4sd, shared_data_dir)
from trendminer.sentiment import MODEL_DIR, MODEL_FILE, SentimentModel

RANDOM_STATE = 0
GRID_C = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
GRID_CLASS_WEIGHT = (None, "balanced")


def _fit(x: np.ndarray, y: np.ndarray, c: float, class_weight: str | None) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight=class_weight, max_iter=5000,
                              random_state=RANDOM_STATE).fit(x, y)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="folder holding senti4sd/ (default: ../shared/data)")
    parser.add_argument("--cache", default="/tmp/trendminer-senti4sd", help="embedding cache folder")
    parser.add_argument("--out", default=str(MODEL_DIR), help="output folder")
    args = parser.parse_args(argv)

    data = shared_data_dir(args.data)
    if data is None:
        print("Senti4SD not found; pass --data to the folder that holds senti4sd/.", file=sys.stderr)
        return 1
    files = {split: data / "senti4sd" / name for split, name in SENTI4SD_FILES.items()}
    frames = {split: read_senti4sd(path) for split, path in files.items()}
    embedder = make_embedder(load_settings(), progress=False)
    vectors = {}
    for split, frame in frames.items():
        started = time.perf_counter()
        vectors[split] = cached_encode(frame["text"].tolist(), embedder.encode, embedder.name, args.cache)
        print(f"{split}: {len(frame)} texts, vectors {vectors[split].shape} "
              f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    x_train, y_train = vectors["train"], frames["train"]["polarity"].to_numpy()
    x_test, y_test = vectors["test"], frames["test"]["polarity"].to_numpy()

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=RANDOM_STATE)
    candidates = []
    for class_weight in GRID_CLASS_WEIGHT:
        for c in GRID_C:
            model = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000,
                                       random_state=RANDOM_STATE)
            pred = cross_val_predict(model, x_train, y_train, cv=folds)
            score = classification_scores(y_train, pred, POLARITIES).macro_f1
            candidates.append({"model": "LogisticRegression", "C": c,
                               "class_weight": class_weight or "none", "cv_macro_f1": score})
            print(f"  LogisticRegression C={c:<5} class_weight={class_weight!s:<8} "
                  f"5-fold CV macro-F1 {score:.4f}", file=sys.stderr)
    best = max(candidates, key=lambda r: (r["cv_macro_f1"], -r["C"]))
    chosen_weight = None if best["class_weight"] == "none" else best["class_weight"]
    final = _fit(x_train, y_train, best["C"], chosen_weight)
    shipped = SentimentModel(tuple(final.classes_), final.coef_, final.intercept_, embedder.name)
    test = classification_scores(y_test, shipped.predict(x_test), POLARITIES)
    train = classification_scores(y_train, shipped.predict(x_train), POLARITIES)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model_dict = shipped.to_dict()
    model_dict["coef"] = [[round(v, 7) for v in row] for row in model_dict["coef"]]
    model_dict["intercept"] = [round(v, 7) for v in model_dict["intercept"]]
    (out / MODEL_FILE).write_text(json.dumps(model_dict) + "\n", encoding="utf-8")
    metrics = {
        "task": "sentiment polarity (negative / neutral / positive) from sentence embeddings",
        "data": "Senti4SD (Calefato et al. 2018), Stack Overflow posts",
        "embedder": embedder.name,
        "model": {"type": "LogisticRegression (multinomial)", "C": best["C"],
                  "class_weight": best["class_weight"], "random_state": RANDOM_STATE,
                  "selected_by": "5-fold stratified CV macro-F1 on the train split"},
        "test": {"macro_f1": test.macro_f1, "accuracy": test.accuracy, "per_class": test.per_class},
        "train_fit": {"macro_f1": train.macro_f1, "accuracy": train.accuracy},
        "sizes": {"train": len(y_train), "test": len(y_test)},
        "class_counts": {split: frames[split]["polarity"].value_counts().sort_index().to_dict()
                         for split in frames},
        "data_sha256": {files[s].name: file_sha256(files[s]) for s in files},
        "candidates": candidates,
        "train_command": "python scripts/train_sentiment.py",
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(f"chosen: C={best['C']} class_weight={best['class_weight']}", file=sys.stderr)
    print("\n".join(["test split: " + test.lines()[0], *test.lines()[1:]]))
    print(f"wrote {out / MODEL_FILE} and {out / 'metrics.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
