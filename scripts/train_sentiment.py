"""Train the sentiment classifier shipped in models/sentiment/.

Reads Senti4SD (``../shared/data/senti4sd``: train and test splits, ``id;polarity;text``),
embeds the texts with the packaged all-MiniLM-L6-v2, joins word 1-2-gram tf-idf features,
picks the logistic-regression settings (C, class_weight, embedding weight, and whether to
use the words at all) by 5-fold stratified cross-validation on the train split only, refits
on the whole train split and measures macro-F1 once on the test split.

Writes (no dates, so a rerun gives identical files):
  models/sentiment/model.json    vocabulary, idf, coefficients, intercepts, class order, embedder
  models/sentiment/metrics.json  test macro-F1 and per-class scores, CV table, sizes, sha256s

Embeddings are cached under a temporary folder (default /tmp/trendminer-senti4sd), never in
the repository. Seeded: the same data and model give the same files.

Usage:  python scripts/train_sentiment.py [--data ../shared/data] [--cache /tmp/trendminer-senti4sd]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from trendminer.config import load_settings
from trendminer.embed import make_embedder
from trendminer.eval.data import (POLARITIES, SENTI4SD_FILES, encode_splits, file_sha256, read_senti4sd,
                                  shared_data_dir)
from trendminer.eval.sentiment import classification_scores
from trendminer.sentiment import MODEL_DIR, MODEL_FILE, TOKEN_PATTERN, SentimentModel

RANDOM_STATE = 0
MIN_DF = 2
DECIMALS = 5
GRID = [  # (use words, embed_weight, C, class_weight)
    *[(False, 1.0, c, w) for c in (0.5, 2.0, 8.0) for w in (None, "balanced")],
    *[(True, e, c, w) for e in (0.5, 1.0) for c in (2.0, 8.0, 32.0) for w in (None, "balanced")],
]


def fit_model(texts: list[str], x: np.ndarray, y: np.ndarray, words: bool, embed_weight: float,
              c: float, class_weight: str | None, embedder: str = "") -> SentimentModel:
    """Fit the tf-idf vocabulary and the logistic regression; return a shippable model."""
    vocabulary: tuple[str, ...] = ()
    idf = np.zeros(0)
    if words:
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF, sublinear_tf=True,
                              token_pattern=TOKEN_PATTERN, lowercase=True).fit(texts)
        vocabulary, idf = tuple(vec.get_feature_names_out()), vec.idf_
    shell = SentimentModel(("",), np.zeros((1, len(vocabulary) + x.shape[1])), np.zeros(1),
                           vocabulary, idf, embed_weight, embedder)
    features = _features(shell, texts, x)
    clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000,
                             random_state=RANDOM_STATE).fit(features, y)
    return SentimentModel(tuple(clf.classes_), clf.coef_, clf.intercept_, vocabulary, idf,
                          embed_weight, embedder)


def _features(model: SentimentModel, texts: list[str], x: np.ndarray):  # noqa: ANN202
    dense = sparse.csr_matrix(model.embed_weight * x)
    if not model.vocabulary:
        return dense
    return sparse.hstack([model.text_features(texts), dense]).tocsr()


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
    vectors = encode_splits(frames, embedder, args.cache)
    x_train, y_train = vectors["train"], frames["train"]["polarity"].to_numpy()
    x_test, y_test = vectors["test"], frames["test"]["polarity"].to_numpy()

    texts_train, texts_test = frames["train"]["text"].tolist(), frames["test"]["text"].tolist()
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=RANDOM_STATE).split(x_train, y_train))
    candidates = []
    for words, embed_weight, c, class_weight in GRID:
        pred = np.empty(len(y_train), dtype=object)
        for fit_idx, val_idx in folds:
            model = fit_model([texts_train[i] for i in fit_idx], x_train[fit_idx], y_train[fit_idx],
                              words, embed_weight, c, class_weight)
            pred[val_idx] = model.predict(x_train[val_idx], [texts_train[i] for i in val_idx])
        score = classification_scores(y_train, pred, POLARITIES).macro_f1
        candidates.append({"features": "embeddings + words" if words else "embeddings",
                           "embed_weight": embed_weight, "C": c,
                           "class_weight": class_weight or "none", "cv_macro_f1": score})
        print(f"  {candidates[-1]['features']:<18} embed_weight={embed_weight} C={c:<5} "
              f"class_weight={class_weight!s:<8} 5-fold CV macro-F1 {score:.4f}", file=sys.stderr)
    best = max(candidates, key=lambda r: r["cv_macro_f1"])
    shipped = fit_model(texts_train, x_train, y_train, best["features"] != "embeddings",
                        best["embed_weight"], best["C"],
                        None if best["class_weight"] == "none" else best["class_weight"], embedder.name)
    shipped = SentimentModel.from_dict(shipped.to_dict(decimals=DECIMALS))  # score what is shipped
    test = classification_scores(y_test, shipped.predict(x_test, texts_test), POLARITIES)
    train = classification_scores(y_train, shipped.predict(x_train, texts_train), POLARITIES)
    best_embeddings_only = max((r for r in candidates if r["features"] == "embeddings"),
                               key=lambda r: r["cv_macro_f1"])
    embeddings_only = fit_model(texts_train, x_train, y_train, False, 1.0, best_embeddings_only["C"],
                                None if best_embeddings_only["class_weight"] == "none"
                                else best_embeddings_only["class_weight"])
    baseline = classification_scores(y_test, embeddings_only.predict(x_test), POLARITIES)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_text(json.dumps(shipped.to_dict(decimals=DECIMALS)) + "\n",
                                  encoding="utf-8")
    metrics = {
        "task": "sentiment polarity (negative / neutral / positive) from sentence embeddings",
        "data": "Senti4SD (Calefato et al. 2018), Stack Overflow posts",
        "embedder": embedder.name,
        "model": {"type": "LogisticRegression (multinomial)", "features": best["features"],
                  "word_ngrams": [1, 2], "min_df": MIN_DF, "vocabulary_size": len(shipped.vocabulary),
                  "embed_weight": best["embed_weight"], "C": best["C"],
                  "class_weight": best["class_weight"], "random_state": RANDOM_STATE,
                  "selected_by": "5-fold stratified CV macro-F1 on the train split"},
        "test": {"macro_f1": test.macro_f1, "accuracy": test.accuracy, "per_class": test.per_class},
        "train_fit": {"macro_f1": train.macro_f1, "accuracy": train.accuracy},
        "test_embeddings_only": {"macro_f1": baseline.macro_f1, "C": best_embeddings_only["C"],
                                 "class_weight": best_embeddings_only["class_weight"],
                                 "per_class": baseline.per_class},
        "sizes": {"train": len(y_train), "test": len(y_test)},
        "class_counts": {split: frames[split]["polarity"].value_counts().sort_index().to_dict()
                         for split in frames},
        "data_sha256": {files[s].name: file_sha256(files[s]) for s in files},
        "candidates": candidates,
        "train_command": "python scripts/train_sentiment.py",
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(f"chosen: {best}", file=sys.stderr)
    print(f"embeddings only, test macro-F1 {baseline.macro_f1:.4f}", file=sys.stderr)
    print("\n".join(["test split: " + test.lines()[0], *test.lines()[1:]]))
    print(f"wrote {out / MODEL_FILE} and {out / 'metrics.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
