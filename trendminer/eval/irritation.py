"""Measure the text irritation score against people's labels: AUC, macro-F1 and ECE.

``trendminer eval irritation`` prints these for the shipped model (and, for comparison, the
old lexicon + sentiment score) on any labelled CSV, and by default on the GoEmotions test
split (irritated vs not, labels mapped by ``models/irritation/label_map.csv``) and the
Senti4SD test split (negative vs not). Readers touch files; the scoring functions are pure.
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .data import SENTI4SD_FILES, cached_encode, read_senti4sd, shared_data_dir

GOEMOTIONS_SPLITS = ("train", "dev", "test")
#: the old per-ticket score's text component weights, and the sum of all its weights
#: (trendminer/defaults.toml before the learned model; the process components are 0 for a bare text)
OLD_WEIGHTS = {"frustration": 0.30, "repetition": 0.20, "shouting": 0.10, "urgency": 0.10, "sentiment": 0.15}
OLD_TOTAL_WEIGHT = 1.65


def read_label_map(path: str | Path | None = None) -> dict[str, str]:
    """``label -> irritated | not_irritated | excluded`` from the reviewed table.

    Raises
    ------
    InputError
        On a missing file, a missing column or an unknown side.
    """
    from ..irritation import LABEL_MAP

    path = Path(path or LABEL_MAP)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"Label map {path} not found.") from None
    if not {"label", "side", "reason"} <= set(table.columns):
        raise InputError(f"Label map {path}: needs columns label, side, reason.")
    bad = sorted(set(table["side"]) - {"irritated", "not_irritated", "excluded"})
    if bad or table["label"].duplicated().any():
        raise InputError(f"Label map {path}: unknown sides {bad} or a label listed twice.")
    return dict(zip(table["label"], table["side"]))


def read_goemotions(folder: str | Path, split: str, label_map: dict[str, str]) -> pd.DataFrame:
    """One GoEmotions split as ``text``, ``labels`` (names), ``irritated`` (0/1, or -1 = excluded).

    A comment is irritated when any of its labels is on the irritated side, not irritated
    when all are on the not-irritated side, and excluded otherwise.

    Raises
    ------
    InputError
        On a missing file, a malformed line, or a label id outside ``labels.txt``.
    """
    folder = Path(folder)
    try:
        names = (folder / "labels.txt").read_text(encoding="utf-8").split()
        with (folder / f"{split}.tsv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except FileNotFoundError as exc:
        raise InputError(f"GoEmotions file {exc.filename} not found.") from None
    missing = sorted(set(names) - set(label_map))
    if missing:
        raise InputError(f"Label map lacks GoEmotions labels {missing}.")
    texts, labels, flags = [], [], []
    for number, row in enumerate(rows, start=1):
        try:
            ids = [int(i) for i in row[1].split(",")]
            these = [names[i] for i in ids]
        except (IndexError, ValueError):
            raise InputError(f"{folder / (split + '.tsv')}, line {number}: expected text<TAB>label ids"
                             f"<TAB>id, got {chr(9).join(row)[:60]!r}.") from None
        sides = {label_map[x] for x in these}
        flags.append(1 if "irritated" in sides else 0 if sides == {"not_irritated"} else -1)
        texts.append(row[0])
        labels.append(these)
    return pd.DataFrame({"text": texts, "labels": labels, "irritated": flags})


def read_labelled_csv(path: str | Path, text_col: str, label_col: str,
                      irritated_labels: Sequence[str]) -> pd.DataFrame:
    """A labelled CSV as ``text`` and ``irritated`` (1 when the label is one of ``irritated_labels``).

    Raises
    ------
    InputError
        On a missing file, a missing column (naming the columns there are), or no rows.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"Labelled file {path} not found.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc}).") from None
    for option, col in (("--text-col", text_col), ("--label-col", label_col)):
        if col not in frame.columns:
            raise InputError(f"{path}: no column {col!r} ({option}); columns are "
                             f"{', '.join(map(repr, frame.columns))}.")
    if frame.empty:
        raise InputError(f"{path}: no data rows.")
    wanted = {str(v).strip().lower() for v in irritated_labels}
    return pd.DataFrame({"text": frame[text_col].astype(str),
                         "irritated": frame[label_col].str.strip().str.lower().isin(wanted).astype(int)})


def senti4sd_negative(folder: str | Path, split: str = "test") -> pd.DataFrame:
    """A Senti4SD split as ``text`` and ``irritated`` (1 = negative polarity)."""
    frame = read_senti4sd(Path(folder) / SENTI4SD_FILES[split])
    return pd.DataFrame({"text": frame["text"], "irritated": (frame["polarity"] == "negative").astype(int)})


# --- metrics -----------------------------------------------------------------------------


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """ECE over ``bins`` equal-width probability bins: sum of ``|mean p - share positive|``
    weighted by the bin's share of texts.

    Examples
    --------
    >>> expected_calibration_error(np.array([0, 1, 1, 0]), np.array([0.05, 0.95, 0.95, 0.05]))
    0.05
    """
    y, p = np.asarray(y, dtype=float), np.clip(np.asarray(p, dtype=float), 0, 1)
    which = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += inside.mean() * abs(p[inside].mean() - y[inside].mean())
    return round(float(total), 4)


@dataclass(frozen=True)
class BinaryScores:
    """AUC, macro-F1 at ``threshold``, ECE, and the counts they come from."""

    auc: float
    macro_f1: float
    ece: float
    threshold: float
    n: int
    positives: int
    mean_score: float

    def line(self) -> str:
        return (f"AUC {self.auc:.3f}  macro-F1 {self.macro_f1:.3f} (at {self.threshold:.2f})  "
                f"ECE {self.ece:.3f}  mean {self.mean_score:.3f}  (n = {self.n}, {self.positives} irritated)")

    def as_dict(self) -> dict:
        return {"auc": self.auc, "macro_f1": self.macro_f1, "ece": self.ece, "threshold": self.threshold,
                "n": self.n, "positives": self.positives, "mean_score": self.mean_score}


def binary_scores(y: np.ndarray, p: np.ndarray, threshold: float) -> BinaryScores:
    """Score probabilities ``p`` against 0/1 labels ``y``.

    Raises
    ------
    InputError
        When the labels hold only one class (AUC is undefined).

    Examples
    --------
    >>> s = binary_scores(np.array([0, 0, 1, 1]), np.array([0.1, 0.6, 0.4, 0.9]), 0.5)
    >>> s.auc, s.macro_f1
    (0.75, 0.5)
    """
    from sklearn.metrics import f1_score, roc_auc_score

    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    if len(set(y.tolist())) < 2:
        raise InputError(f"The labels hold only one class ({len(y)} rows, {int(y.sum())} irritated): "
                         "check --label-col and --irritated-labels.")
    return BinaryScores(round(float(roc_auc_score(y, p)), 4),
                        round(float(f1_score(y, (p >= threshold).astype(int), average="macro")), 4),
                        expected_calibration_error(y, p), float(threshold), len(y), int(y.sum()),
                        round(float(p.mean()), 4))


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The threshold on ``p`` with the best macro-F1 (used to give the old score its best case)."""
    from sklearn.metrics import f1_score

    candidates = np.unique(np.quantile(p, np.linspace(0.02, 0.98, 97)))
    return float(max(candidates, key=lambda t: f1_score(y, (p >= t).astype(int), average="macro")))


def old_text_score(vectors: np.ndarray, texts: Sequence[str], settings=None) -> np.ndarray:  # noqa: ANN001
    """The old per-ticket irritation of a text with no process data: the weighted mean of the
    text cue components and the sentiment model's negativity over all the old weights
    (:data:`OLD_WEIGHTS`; process components are 0 for a bare text). ``settings`` is unused
    (kept for callers)."""
    from .. import nlp
    from ..sentiment import negativity
    from ..irritation import shouting
    counts = [nlp.cue_counts(doc) for doc in nlp.docs([nlp.ticket_text(t, "") for t in texts])]
    parts = {"frustration": np.array([min(c["frustration"] / 2, 1.0) for c in counts]),
             "repetition": np.array([min(float(c["repetition"]), 1.0) for c in counts]),
             "shouting": np.array([shouting(t) for t in texts]),
             "urgency": np.array([min(float(c["urgency"]), 1.0) for c in counts]),
             "sentiment": negativity(vectors, list(texts))}
    return sum(parts[c] * w for c, w in OLD_WEIGHTS.items()) / OLD_TOTAL_WEIGHT


# --- the command -------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitReport:
    """New and old score on one labelled set."""

    name: str
    new: BinaryScores
    old: BinaryScores | None


def evaluate_frame(name: str, frame: pd.DataFrame, encode: Callable[[list[str]], np.ndarray],
                   embedder_name: str, settings, threshold: float,  # noqa: ANN001 - Settings
                   cache_dir: str | Path | None = None, old_threshold: float | None = None,
                   model_path: str | Path | None = None) -> SplitReport:
    """Score the shipped model (and the old score) on ``frame`` (``text``, ``irritated``)."""
    from ..irritation import load_model, model_for, text_irritation

    frame = frame[frame["irritated"] >= 0]
    texts = frame["text"].tolist()
    y = frame["irritated"].to_numpy()
    vectors = cached_encode(texts, encode, embedder_name, cache_dir)
    model = load_model(model_path) if model_path else model_for(embedder_name, vectors.shape[1])
    new = binary_scores(y, text_irritation(vectors, texts, model), threshold)
    old = None
    try:
        old_p = old_text_score(vectors, texts, settings)
        old = binary_scores(y, old_p, old_threshold if old_threshold is not None else best_threshold(y, old_p))
    except (ValueError, KeyError):   # a sentiment model for another embedder: no old score
        old = None
    return SplitReport(name, new, old)


def irritation_eval(settings, encode: Callable[[list[str]], np.ndarray], embedder_name: str,  # noqa: ANN001
                    labelled: pd.DataFrame | None = None, labelled_name: str = "",
                    data_dir: str | Path | None = None, cache_dir: str | Path | None = None,
                    model_path: str | Path | None = None) -> tuple[list[SplitReport], list[str]]:
    """Reports for a labelled frame, or by default for the GoEmotions and Senti4SD test splits.

    Returns
    -------
    reports, notes : list of SplitReport, list of str
        ``notes`` says which shared splits were skipped (absent) and how the old score's
        threshold was chosen.
    """
    threshold = float(settings["signals"]["irritated_threshold"])
    if labelled is not None:
        return [evaluate_frame(labelled_name, labelled, encode, embedder_name, settings, threshold,
                               cache_dir, model_path=model_path)], [
            "old score: threshold with the best macro-F1 on this file (its best case)"]
    reports, notes = [], []
    goemotions = shared_data_dir(data_dir, holds="goemotions")
    senti = shared_data_dir(data_dir, holds="senti4sd")
    if goemotions is None:
        notes.append("GoEmotions not found (pass --data to the folder that holds goemotions/); skipped.")
    else:
        label_map = read_label_map()
        folder = goemotions / "goemotions"
        dev = read_goemotions(folder, "dev", label_map)
        dev = dev[dev["irritated"] >= 0]
        dev_vectors = cached_encode(dev["text"].tolist(), encode, embedder_name, cache_dir)
        old_t = best_threshold(dev["irritated"].to_numpy(), old_text_score(dev_vectors, dev["text"].tolist(),
                                                                           settings))
        reports.append(evaluate_frame("GoEmotions test (irritated vs not)", read_goemotions(folder, "test", label_map),
                                      encode, embedder_name, settings, threshold, cache_dir, old_t, model_path))
        notes.append(f"old score: threshold {old_t:.3f}, the best macro-F1 on GoEmotions dev (its best case)")
    if senti is None:
        notes.append("Senti4SD not found (pass --data to the folder that holds senti4sd/); skipped.")
    else:
        reports.append(evaluate_frame("Senti4SD test (negative vs not)", senti4sd_negative(senti / "senti4sd"),
                                      encode, embedder_name, settings, threshold, cache_dir,
                                      None, model_path))
        notes.append("Senti4SD old score: threshold with the best macro-F1 on that split itself "
                     "(optimistic for the old score)")
    return reports, notes
