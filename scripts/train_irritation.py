"""Train the text irritation model shipped in models/irritation/.

Reads GoEmotions (``../shared/data/goemotions``: Reddit comments, each labelled by raters
with one or more of 27 emotions or neutral) and maps every comment to irritated / not
irritated / excluded with the reviewed table ``models/irritation/label_map.csv`` (irritated
when any label is on the irritated side; not irritated when all are on the other side;
excluded otherwise). Features: the packaged all-MiniLM-L6-v2 embedding, word 1-2-gram
tf-idf (a vocabulary shipped with the model) and the irritation cue lexicon and shouting
(:data:`trendminer.irritation.CUES`) as learned features.

Splits, each used once:
  train        fits every candidate; the shipped models are refitted on GoEmotions train +
               Senti4SD train (negative = irritated), see ``training_data_choice`` in metrics
  dev, half A  picks the candidate (with Senti4SD train, see below) and compares the
               calibrations; also scores the alternative head (an MLP)
  dev, half B  fits the isotonic calibration map (and the Platt fit it is compared with)
  test         GoEmotions test and Senti4SD test: measured once, reported in metrics.json

Candidates are ranked by the mean of their AUC on dev half A and on Senti4SD's train split
(negative vs not): Stack Overflow posts are closer to ticket text than Reddit, and the train
split is never used for the reported figures.

Writes (no dates, so a rerun gives identical files):
  models/irritation/model.json    vocabulary, idf, coefficients, calibration map, embedder
  models/irritation/metrics.json  AUC, macro-F1, ECE (new and old score) on both test splits,
                                  the candidate table, sizes, sha256s

Embeddings are cached under temporary folders (default /tmp/trendminer-goemotions and
/tmp/trendminer-senti4sd), never in the repository. Seeded.

Usage:  nice -n 5 python scripts/train_irritation.py [--data ../shared/data]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from trendminer.config import load_settings
from trendminer.embed import make_embedder
from trendminer.eval.data import SENTI4SD_FILES, cached_encode, file_sha256, shared_data_dir
from trendminer.irritation import (CUES, LABEL_MAP, MODEL_DIR, MODEL_FILE, TOKEN_PATTERN, WORDS_MODEL_FILE,
                                   IrritationModel, text_cues)
from trendminer.eval.irritation import (best_threshold, binary_scores, expected_calibration_error,
                                        old_text_score, read_goemotions, read_label_map, senti4sd_negative)

RANDOM_STATE = 0
DECIMALS = 5
MIN_DF = 3
MAX_WORDS = 20000
GRID = [("E", 1.0), ("E", 4.0), ("E+C", 1.0), ("E+C", 4.0),   # E embedding, W words, C cues; C = 1 / L2 penalty
        ("E+W+C", 0.25), ("E+W+C", 0.5), ("E+W+C", 1.0), ("E+W+C", 4.0),
        ("W+C", 0.5), ("W+C", 1.0), ("W+C", 4.0)]


def blocks_model(blocks: str, texts: list[str], dim: int, embedder: str = "") -> IrritationModel:
    """An unfitted model shell carrying the vocabulary and idf (when ``W`` is in ``blocks``)."""
    vocabulary, idf = (), np.zeros(0)
    if "W" in blocks:
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF, max_features=MAX_WORDS, sublinear_tf=True,
                              token_pattern=TOKEN_PATTERN, lowercase=True).fit(texts)
        vocabulary, idf = tuple(vec.get_feature_names_out()), vec.idf_
    return IrritationModel(np.zeros(len(vocabulary) + dim + len(CUES)), 0.0, vocabulary, idf,
                           embed_weight=1.0 if "E" in blocks else 0.0,
                           cue_weight=1.0 if "C" in blocks else 0.0, embedder=embedder)


def features(model: IrritationModel, texts: list[str], x: np.ndarray, cues: np.ndarray):  # noqa: ANN201
    parts = [sparse.csr_matrix(model.embed_weight * x), sparse.csr_matrix(model.cue_weight * cues)]
    if model.vocabulary:
        parts.insert(0, model.text_features(texts))
    return sparse.hstack(parts).tocsr()


def fit(blocks: str, c: float, texts: list[str], x: np.ndarray, cues: np.ndarray, y: np.ndarray,
        embedder: str = "") -> IrritationModel:
    shell = blocks_model(blocks, texts, x.shape[1], embedder)
    clf = LogisticRegression(C=c, max_iter=3000, random_state=RANDOM_STATE).fit(
        features(shell, texts, x, cues), y)
    coef = clf.coef_[0].copy()
    n = len(shell.vocabulary)
    coef[n:n + x.shape[1]] *= shell.embed_weight   # fold the block scales into the weights
    coef[n + x.shape[1]:] *= shell.cue_weight
    if "E" not in blocks:   # no embedding block: the model reads words and cues only (dim 0)
        coef = np.delete(coef, np.s_[n:n + x.shape[1]])
    return IrritationModel(coef, float(clf.intercept_[0]), shell.vocabulary, shell.idf, embedder=embedder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="folder holding goemotions/ and senti4sd/ (default: ../shared/data)")
    parser.add_argument("--cache", default="/tmp/trendminer-goemotions", help="GoEmotions embedding cache")
    parser.add_argument("--senti-cache", default="/tmp/trendminer-senti4sd", help="Senti4SD embedding cache")
    parser.add_argument("--out", default=str(MODEL_DIR), help="output folder")
    args = parser.parse_args(argv)

    data = shared_data_dir(args.data, holds="goemotions")
    if data is None or not (data / "senti4sd").is_dir():
        print("GoEmotions or Senti4SD not found; pass --data to the folder that holds both.", file=sys.stderr)
        return 1
    settings = load_settings()
    embedder = make_embedder(settings, progress=False)
    label_map = read_label_map()
    sets, vectors, cues = {}, {}, {}
    for split in ("train", "dev", "test"):
        frame = read_goemotions(data / "goemotions", split, label_map)
        started = time.perf_counter()
        vectors[split] = cached_encode(frame["text"].tolist(), embedder.encode, embedder.name,
                                       args.cache).astype(np.float64)[frame["irritated"].to_numpy() >= 0]
        sets[split] = frame[frame["irritated"] >= 0].reset_index(drop=True)
        print(f"goemotions {split}: {len(frame)} comments, {len(sets[split])} kept, "
              f"{int(sets[split]['irritated'].sum())} irritated ({time.perf_counter() - started:.1f} s)",
              file=sys.stderr)
    for split in ("train", "test"):
        frame = senti4sd_negative(data / "senti4sd", split)
        sets[f"senti_{split}"] = frame
        vectors[f"senti_{split}"] = cached_encode(frame["text"].tolist(), embedder.encode, embedder.name,
                                                  args.senti_cache).astype(np.float64)
    for name, frame in sets.items():
        cues[name] = text_cues(frame["text"].tolist())
    texts = {name: frame["text"].tolist() for name, frame in sets.items()}
    ys = {name: frame["irritated"].to_numpy() for name, frame in sets.items()}

    rng = np.random.default_rng(RANDOM_STATE)
    in_a = rng.permutation(len(ys["dev"])) < len(ys["dev"]) // 2
    halves = {"dev_a": in_a, "dev_b": ~in_a}
    for half, mask in halves.items():
        texts[half] = [t for t, m in zip(texts["dev"], mask) if m]
        vectors[half], cues[half], ys[half] = vectors["dev"][mask], cues["dev"][mask], ys["dev"][mask]

    def raw(model: IrritationModel, name: str) -> np.ndarray:
        return model.raw_probability(vectors[name], texts[name], cues[name])

    candidates = []
    for blocks, c in GRID:
        started = time.perf_counter()
        model = fit(blocks, c, texts["train"], vectors["train"], cues["train"], ys["train"])
        row = {"features": blocks, "C": c,
               "dev_a_auc": round(float(roc_auc_score(ys["dev_a"], raw(model, "dev_a"))), 4),
               "senti4sd_train_auc": round(float(roc_auc_score(ys["senti_train"], raw(model, "senti_train"))), 4),
               "fit_seconds": round(time.perf_counter() - started, 1)}
        row["selection_auc"] = round((row["dev_a_auc"] + row["senti4sd_train_auc"]) / 2, 4)
        candidates.append(row)
        print(f"  {blocks:<6} C={c:<4} dev-A AUC {row['dev_a_auc']:.4f}  Senti4SD-train AUC "
              f"{row['senti4sd_train_auc']:.4f}  ({row['fit_seconds']} s)", file=sys.stderr)
    best = max(candidates, key=lambda r: r["selection_auc"])
    alternative = mlp_alternative(vectors, cues, ys)
    print(f"  MLP(64) on E+C: dev-A AUC {alternative['dev_a_auc']:.4f}  Senti4SD-train AUC "
          f"{alternative['senti4sd_train_auc']:.4f}", file=sys.stderr)

    threshold = float(settings["signals"]["irritated_threshold"])
    old_dev = old_text_score(vectors["dev"], texts["dev"], settings)
    old_t = best_threshold(ys["dev"], old_dev)
    words_best = max((r for r in candidates if "E" not in r["features"]), key=lambda r: r["selection_auc"])
    # The shipped models learn from GoEmotions train and Senti4SD train (negative = irritated):
    # technical text as well as Reddit. What adding Senti4SD buys is measured by 5-fold CV on it.
    joined = (texts["train"] + texts["senti_train"], np.vstack([vectors["train"], vectors["senti_train"]]),
              np.vstack([cues["train"], cues["senti_train"]]), np.concatenate([ys["train"], ys["senti_train"]]))
    with_senti = senti4sd_cv(best, texts, vectors, cues, ys)
    print(f"  {best['features']} C={best['C']}: {with_senti}", file=sys.stderr)
    shipped, calibration = calibrated(fit(best["features"], best["C"], *joined, embedder.name), raw, ys)
    words, words_calibration = calibrated(fit(words_best["features"], words_best["C"], *joined, ""), raw, ys)
    results = {}
    for name, label in (("test", "goemotions_test"), ("senti_test", "senti4sd_test")):
        started = time.perf_counter()
        new_p = shipped.probability(vectors[name], texts[name], cues[name])
        seconds = time.perf_counter() - started
        words_p = words.probability(vectors[name], texts[name], cues[name])
        old_p = old_text_score(vectors[name], texts[name], settings)
        old_threshold = old_t if name == "test" else best_threshold(ys[name], old_p)
        scored = {"new": binary_scores(ys[name], new_p, threshold),
                  "words_model": binary_scores(ys[name], words_p, threshold),
                  "old": binary_scores(ys[name], old_p, old_threshold)}
        results[label] = {**{k: v.as_dict() for k, v in scored.items()},
                          "text_length_auc": round(float(roc_auc_score(ys[name], [len(t) for t in texts[name]])), 4),
                          "model_ms_per_text_excluding_cues": round(1000 * seconds / len(ys[name]), 4)}
        for k, v in scored.items():
            print(f"{label}: {k:<11} {v.line()}", file=sys.stderr)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_text(json.dumps(shipped.to_dict(decimals=DECIMALS)) + "\n", encoding="utf-8")
    (out / WORDS_MODEL_FILE).write_text(json.dumps(words.to_dict(decimals=DECIMALS)) + "\n", encoding="utf-8")
    metrics = {
        "task": "irritated vs not, calibrated probability, from embeddings + word n-grams + cue lexicon",
        "data": "GoEmotions (Demszky et al. 2020, Apache-2.0), Reddit comments; labels mapped by "
                "models/irritation/label_map.csv. Check set: Senti4SD (negative vs not)",
        "embedder": embedder.name,
        "model": {"type": "LogisticRegression (binary) + isotonic calibration", "features": best["features"],
                  "C": best["C"], "word_ngrams": [1, 2], "min_df": MIN_DF, "max_words": MAX_WORDS,
                  "vocabulary_size": len(shipped.vocabulary), "cues": list(CUES),
                  "random_state": RANDOM_STATE,
                  "selected_by": "mean AUC on GoEmotions dev half A and Senti4SD train (negative vs not), "
                                 "candidates fitted on GoEmotions train",
                  "trained_on": "GoEmotions train + Senti4SD train (negative = irritated)"},
        "irritated_threshold": threshold,
        "old_score": {"what": "signals' weighted mean of frustration, repetition, shouting, urgency and "
                              "sentiment (process components 0 for a bare text)",
                      "threshold_goemotions": round(old_t, 4),
                      "threshold_note": "old score thresholds: best macro-F1 on GoEmotions dev; on Senti4SD "
                                        "test, best macro-F1 on that split itself (its best case)"},
        "test": results,
        "calibration": calibration,
        "words_model": {"file": WORDS_MODEL_FILE, "features": words_best["features"], "C": words_best["C"],
                        "vocabulary_size": len(words.vocabulary), "calibration": words_calibration,
                        "use": "runs whose vectors are not all-MiniLM-L6-v2 (e.g. embed.backend = tfidf)"},
        "candidates": candidates,
        "training_data_choice": with_senti,
        "alternative_head": alternative,
        "sizes": {name: len(ys[name]) for name in ("train", "dev_a", "dev_b", "test", "senti_train", "senti_test")},
        "positives": {name: int(ys[name].sum()) for name in ("train", "dev_a", "dev_b", "test",
                                                             "senti_train", "senti_test")},
        "data_sha256": {**{f"goemotions/{s}.tsv": file_sha256(data / "goemotions" / f"{s}.tsv")
                           for s in ("train", "dev", "test")},
                        **{f"senti4sd/{f}": file_sha256(data / "senti4sd" / f) for f in SENTI4SD_FILES.values()},
                        "models/irritation/label_map.csv": file_sha256(LABEL_MAP)},
        "train_command": "nice -n 5 python scripts/train_irritation.py",
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(f"chosen: {best}", file=sys.stderr)
    print(f"wrote {out / MODEL_FILE} and {out / 'metrics.json'}", file=sys.stderr)
    return 0


def calibrated(model: IrritationModel, raw, ys: dict) -> tuple[IrritationModel, dict]:  # noqa: ANN001
    """Round the model as shipped, fit isotonic (and Platt, for comparison) on dev half B,
    compare their ECE on dev half A; return the model with the isotonic map."""
    model = IrritationModel.from_dict(model.to_dict(decimals=DECIMALS))
    raw_b, raw_a = raw(model, "dev_b"), raw(model, "dev_a")
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw_b, ys["dev_b"])

    def logit(p: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-9, 1 - 1e-9)
        return np.log(p / (1 - p)).reshape(-1, 1)

    platt = LogisticRegression(C=1e6).fit(logit(raw_b), ys["dev_b"])
    report = {"fitted_on": "GoEmotions dev half B", "compared_on": "GoEmotions dev half A",
              "ece_uncalibrated": expected_calibration_error(ys["dev_a"], raw_a),
              "ece_isotonic": expected_calibration_error(ys["dev_a"], iso.predict(raw_a)),
              "ece_platt": expected_calibration_error(ys["dev_a"], platt.predict_proba(logit(raw_a))[:, 1]),
              "chosen": "isotonic"}
    print(f"  calibration ECE on dev A: {report}", file=sys.stderr)
    shipped = IrritationModel.from_dict({**model.to_dict(decimals=DECIMALS), "calibration": {
        "method": "isotonic", "x": [round(float(v), DECIMALS) for v in iso.X_thresholds_],
        "y": [round(float(v), DECIMALS) for v in np.maximum.accumulate(iso.y_thresholds_)]}})
    return shipped, report


def senti4sd_cv(best: dict, texts: dict, vectors: dict, cues: dict, ys: dict) -> dict:
    """5-fold CV on Senti4SD train of the chosen settings, trained on GoEmotions train alone vs
    GoEmotions train + the other four folds; dev half A AUC of each (does GoEmotions suffer?)."""
    from sklearn.model_selection import StratifiedKFold

    rows = {"goemotions_only": [], "goemotions_plus_senti4sd": []}
    dev = {"goemotions_only": [], "goemotions_plus_senti4sd": []}
    only = fit(best["features"], best["C"], texts["train"], vectors["train"], cues["train"], ys["train"])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=RANDOM_STATE).split(
        vectors["senti_train"], ys["senti_train"])
    for fit_idx, val_idx in folds:
        s_texts = texts["senti_train"]
        model = fit(best["features"], best["C"], texts["train"] + [s_texts[i] for i in fit_idx],
                    np.vstack([vectors["train"], vectors["senti_train"][fit_idx]]),
                    np.vstack([cues["train"], cues["senti_train"][fit_idx]]),
                    np.concatenate([ys["train"], ys["senti_train"][fit_idx]]))
        for name, m in (("goemotions_only", only), ("goemotions_plus_senti4sd", model)):
            p = m.raw_probability(vectors["senti_train"][val_idx], [s_texts[i] for i in val_idx],
                                  cues["senti_train"][val_idx])
            rows[name].append(roc_auc_score(ys["senti_train"][val_idx], p))
            dev[name].append(roc_auc_score(ys["dev_a"], m.raw_probability(vectors["dev_a"], texts["dev_a"],
                                                                           cues["dev_a"])))
    return {name: {"senti4sd_train_5fold_auc": round(float(np.mean(rows[name])), 4),
                   "dev_a_auc": round(float(np.mean(dev[name])), 4)} for name in rows}


def mlp_alternative(vectors: dict, cues: dict, ys: dict) -> dict:
    """A small non-linear head on the dense blocks, to see whether linear leaves much behind."""
    from sklearn.neural_network import MLPClassifier

    started = time.perf_counter()
    x = {k: np.hstack([vectors[k], cues[k]]) for k in ("train", "dev_a", "senti_train")}
    clf = MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-3, early_stopping=True, max_iter=200,
                        random_state=RANDOM_STATE).fit(x["train"], ys["train"])
    return {"head": "MLPClassifier(64), embeddings + cues", "fit_seconds": round(time.perf_counter() - started, 1),
            "dev_a_auc": round(float(roc_auc_score(ys["dev_a"], clf.predict_proba(x["dev_a"])[:, 1])), 4),
            "senti4sd_train_auc": round(float(roc_auc_score(ys["senti_train"],
                                                            clf.predict_proba(x["senti_train"])[:, 1])), 4)}


if __name__ == "__main__":
    sys.exit(main())
