"""Train the ticket-kind classifier shipped in models/kind/.

Reads BANKING77 (``../shared/data/banking77``: train and test splits, ``text,category``),
maps each of its 77 intents to a kind (failure / howto / request) with the hand-reviewed
table ``models/kind/intent_kinds.csv``, embeds the texts with the packaged
all-MiniLM-L6-v2, picks the logistic-regression settings (C, class_weight) by 5-fold
stratified cross-validation on the train split only, refits on the whole train split and
measures macro-F1, per-class F1 and the confusion matrix once on the test split.

Because train and test share the same 77 intents, the test score is an in-domain figure.
As a harder estimate of how the classifier carries over to unseen kinds of text, the
chosen settings are also scored by 5-fold cross-validation grouped by intent (each fold
holds out whole intents), on the train split only.

Secondary, clearly synthetic check: agreement of the classifier's argmax with the rules in
``trendminer.signals.ticket_kind`` on ``data/samples/servicenow_incidents.csv`` (a
generated sample, not labelled data); written under ``synthetic_rule_agreement``.

Writes (no dates, so a rerun gives identical files):
  models/kind/model.json    coefficients, intercepts, class order, embedder
  models/kind/metrics.json  test scores and confusion matrix, CV tables, sizes, sha256s

Embeddings are cached under a temporary folder (default /tmp/trendminer-banking77), never
in the repository. Seeded: the same data and model give the same files.

Usage:  python scripts/train_kind.py [--data ../shared/data] [--cache /tmp/trendminer-banking77]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import GroupKFold, StratifiedKFold

from trendminer.config import load_settings
from trendminer.embed import make_embedder
from trendminer.eval.data import cached_encode, encode_splits, file_sha256, shared_data_dir
from trendminer.eval.sentiment import classification_scores
from trendminer.kind import KINDS, MODEL_DIR, MODEL_FILE, KindModel

RANDOM_STATE = 0
DECIMALS = 5
GRID = [(c, w) for c in (0.25, 1.0, 4.0, 16.0, 64.0) for w in (None, "balanced")]  # (C, class_weight)
REPO = Path(__file__).resolve().parents[1]
MAPPING = MODEL_DIR / "intent_kinds.csv"
SAMPLE = REPO / "data" / "samples" / "servicenow_incidents.csv"
CATEGORY_PROXY = {"Software": "failure", "Network": "failure", "Hardware": "failure",
                  "Inquiry / Help": "howto", "Access": "request"}


def read_mapping(path: Path) -> dict[str, str]:
    """``intent -> kind`` from the reviewed table; every kind must be one of :data:`KINDS`."""
    table = pd.read_csv(path)
    bad = sorted(set(table["kind"]) - set(KINDS))
    if bad or table["intent"].duplicated().any():
        raise SystemExit(f"{path}: unknown kinds {bad} or duplicated intents")
    return dict(zip(table["intent"], table["kind"]))


def fit_model(x: np.ndarray, y: np.ndarray, c: float, class_weight: str | None,
              embedder: str = "") -> KindModel:
    """Fit a multinomial logistic regression; return it as a shippable model (rows in KINDS order)."""
    clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000,
                             random_state=RANDOM_STATE).fit(x, y)
    order = [list(clf.classes_).index(k) for k in KINDS]
    return KindModel(KINDS, clf.coef_[order], clf.intercept_[order], embedder)


def cv_predict(x: np.ndarray, y: np.ndarray, folds: list, c: float, class_weight: str | None) -> np.ndarray:
    pred = np.empty(len(y), dtype=object)
    for fit_idx, val_idx in folds:
        pred[val_idx] = fit_model(x[fit_idx], y[fit_idx], c, class_weight).predict(x[val_idx])
    return pred


def scores_dict(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    s = classification_scores(y_true, y_pred, KINDS)
    matrix = confusion_matrix(list(y_true), list(y_pred), labels=list(KINDS))
    return {"macro_f1": s.macro_f1, "accuracy": s.accuracy, "per_class": s.per_class,
            "confusion_matrix": {"rows_true_cols_predicted": list(KINDS),
                                 **{k: [int(v) for v in row] for k, row in zip(KINDS, matrix)}}}


def synthetic_agreement(model: KindModel, embedder, settings, cache: str) -> dict | None:
    """Classifier argmax vs the rules on the generated ServiceNow sample (no true labels)."""
    if not SAMPLE.is_file():
        return None
    from trendminer import kind_rules as rule_module
    from trendminer.clean import clean_text, embed_text
    from trendminer.signals import ticket_kind

    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    titles = [" ".join(t.split()) for t in frame["short_description"]]
    bodies = [clean_text(d) for d in frame["description"]]
    rules_text = np.array([ticket_kind(f"{t}\n{d}") for t, d in zip(titles, bodies)], dtype=object)
    rules = np.array([ticket_kind(f"{t}\n{d}", c) for t, d, c in zip(titles, bodies, frame["category"])],
                     dtype=object)
    # Did any text rule fire? (Otherwise ticket_kind falls back on the category, then "failure".)
    patterns = [getattr(rule_module, name) for name in ("FAILURE_HARD", "FAILURE_SOFT", "HOWTO_STRONG",
                                                                  "REQUEST_STRONG", "HOWTO_WEAK", "REQUEST_WEAK")]
    fired = np.array([any(p.search(f"{t}\n{d}") for p in patterns) for t, d in zip(titles, bodies)])
    texts = [embed_text(t, d, int(settings["embed"]["max_chars"])) for t, d in zip(titles, bodies)]
    clf = model.predict(cached_encode(texts, embedder.encode, embedder.name, cache))
    matrix = confusion_matrix(list(rules), list(clf), labels=list(KINDS))
    per_rule_kind = {k: {"tickets": int((rules == k).sum()),
                         "classifier_agrees": round(float((clf[rules == k] == k).mean()), 4)
                         if (rules == k).any() else None} for k in KINDS}
    no_rule = ~fired
    # The sample's category is a noisy proxy of its generator's kind (data/samples/PLANTED.md).
    proxy = frame["category"].map(CATEGORY_PROXY).to_numpy(dtype=object)
    known = pd.notna(proxy)
    combined = np.where(fired, rules_text, clf)
    return {
        "note": "SYNTHETIC: a generated sample with no true labels; agreement, not accuracy",
        "file": str(SAMPLE.relative_to(REPO)), "sha256": file_sha256(SAMPLE), "tickets": len(frame),
        "agreement": round(float((rules == clf).mean()), 4),
        "per_rule_kind": per_rule_kind,
        "rules_vs_classifier_matrix": {"rows_rules_cols_classifier": list(KINDS),
                                       **{k: [int(v) for v in row] for k, row in zip(KINDS, matrix)}},
        "text_rules_fired": {"tickets": int(fired.sum()),
                             "agreement": round(float((rules[fired] == clf[fired]).mean()), 4)
                             if fired.any() else None,
                             "per_rule_kind": {k: {"tickets": int((rules[fired] == k).sum()),
                                                   "classifier_agrees": round(float(
                                                       (clf[fired][rules[fired] == k] == k).mean()), 4)
                                                   if (rules[fired] == k).any() else None}
                                               for k in KINDS}},
        "category_proxy": {"note": "category mapped to a kind as in data/samples/PLANTED.md "
                                   "(Software/Network/Hardware -> failure, Inquiry / Help -> howto, "
                                   "Access -> request); a noisy proxy, not a label",
                           "tickets": int(known.sum()),
                           "classifier_agrees": round(float((clf[known] == proxy[known]).mean()), 4),
                           "text_rules_agree": round(float((rules_text[known] == proxy[known]).mean()), 4),
                           "text_rule_if_fired_else_classifier_agrees":
                               round(float((combined[known] == proxy[known]).mean()), 4)},
        "no_text_rule_fired": {"tickets": int(no_rule.sum()),
                               "classifier_kinds": {k: int((clf[no_rule] == k).sum()) for k in KINDS},
                               "rules_with_category_kinds": {k: int((rules[no_rule] == k).sum())
                                                             for k in KINDS}},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="folder holding banking77/ (default: ../shared/data)")
    parser.add_argument("--cache", default="/tmp/trendminer-banking77", help="embedding cache folder")
    parser.add_argument("--out", default=str(MODEL_DIR), help="output folder")
    args = parser.parse_args(argv)

    data = shared_data_dir(args.data, holds="banking77")
    if data is None:
        print("BANKING77 not found; pass --data to the folder that holds banking77/.", file=sys.stderr)
        return 1
    mapping = read_mapping(MAPPING)
    files = {split: data / "banking77" / f"{split}.csv" for split in ("train", "test")}
    frames = {split: pd.read_csv(path, dtype=str, keep_default_na=False) for split, path in files.items()}
    for split, frame in frames.items():
        unmapped = sorted(set(frame["category"]) - set(mapping))
        if unmapped:
            print(f"{split}: intents missing from {MAPPING.name}: {unmapped}", file=sys.stderr)
            return 1
    settings = load_settings()
    embedder = make_embedder(settings, progress=False)
    vectors = encode_splits(frames, embedder, args.cache)
    x_train, x_test = vectors["train"].astype(np.float64), vectors["test"].astype(np.float64)
    y_train = frames["train"]["category"].map(mapping).to_numpy(dtype=object)
    y_test = frames["test"]["category"].map(mapping).to_numpy(dtype=object)
    intents = frames["train"]["category"].to_numpy()

    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=RANDOM_STATE).split(x_train, y_train))
    candidates = []
    for c, class_weight in GRID:
        score = classification_scores(y_train, cv_predict(x_train, y_train, folds, c, class_weight),
                                      KINDS).macro_f1
        candidates.append({"C": c, "class_weight": class_weight or "none", "cv_macro_f1": score})
        print(f"  C={c:<6} class_weight={class_weight!s:<8} 5-fold CV macro-F1 {score:.4f}", file=sys.stderr)
    best = max(candidates, key=lambda r: r["cv_macro_f1"])
    weight = None if best["class_weight"] == "none" else best["class_weight"]

    group_folds = list(GroupKFold(n_splits=5).split(x_train, y_train, intents))
    grouped = scores_dict(y_train, cv_predict(x_train, y_train, group_folds, best["C"], weight))
    print(f"  held-out-intent CV macro-F1 {grouped['macro_f1']:.4f}", file=sys.stderr)

    shipped = fit_model(x_train, y_train, best["C"], weight, embedder.name)
    shipped = KindModel.from_dict(shipped.to_dict(decimals=DECIMALS))  # score what is shipped
    test = scores_dict(y_test, shipped.predict(x_test))
    train = classification_scores(y_train, shipped.predict(x_train), KINDS)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MODEL_FILE).write_text(json.dumps(shipped.to_dict(decimals=DECIMALS)) + "\n", encoding="utf-8")
    metrics = {
        "task": "ticket kind (failure / howto / request) from sentence embeddings",
        "data": "BANKING77 (Casanueva et al. 2020), real customer-support queries to a bank; "
                "77 intents mapped to kinds by hand in models/kind/intent_kinds.csv",
        "embedder": embedder.name,
        "model": {"type": "LogisticRegression (multinomial)", "features": "embeddings",
                  "C": best["C"], "class_weight": best["class_weight"], "random_state": RANDOM_STATE,
                  "selected_by": "5-fold stratified CV macro-F1 on the train split"},
        "test": test,
        "train_fit": {"macro_f1": train.macro_f1, "accuracy": train.accuracy},
        "cv_held_out_intents": {"note": "5-fold GroupKFold by intent on the train split, chosen "
                                        "settings: each fold's intents are unseen in training",
                                **grouped},
        "sizes": {"train": len(y_train), "test": len(y_test), "intents": len(mapping)},
        "intents_per_kind": {k: sum(v == k for v in mapping.values()) for k in KINDS},
        "class_counts": {split: {k: int((y == k).sum()) for k in KINDS}
                         for split, y in (("train", y_train), ("test", y_test))},
        "data_sha256": {**{f"banking77/{files[s].name}": file_sha256(files[s]) for s in files},
                        "models/kind/intent_kinds.csv": file_sha256(MAPPING)},
        "candidates": candidates,
        "synthetic_rule_agreement": synthetic_agreement(shipped, embedder, settings, args.cache),
        "train_command": "python scripts/train_kind.py",
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(f"chosen: {best}", file=sys.stderr)
    lines = classification_scores(y_test, shipped.predict(x_test), KINDS).lines()
    print("\n".join(["test split: " + lines[0], *lines[1:]]))
    print("confusion (rows true, cols predicted " + " / ".join(KINDS) + "):")
    for k in KINDS:
        print(f"  {k:<8} {test['confusion_matrix'][k]}")
    print(f"wrote {out / MODEL_FILE} and {out / 'metrics.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
