"""Measure the trained and rule-based parts against labelled data.

Two evaluations, each printed by a command:

- ``trendminer eval sentiment``: macro-F1 of :mod:`trendminer.sentiment` on the test split
  of Senti4SD (``../shared/data/senti4sd``, not shipped with the product).
- ``trendminer eval attribution``: precision and recall of :func:`trendminer.systems.attribute`
  on the hand-labelled slice ``data/samples/attribution_labels.csv``.

The readers here touch files (like ``ingest``); the scoring functions are pure.
"""
from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
SENTI4SD_FILES = {"train": "train3098itemPOLARITY.csv", "test": "test1326itemPOLARITY.csv"}
POLARITIES = ("negative", "neutral", "positive")
ATTRIBUTION_LABELS = REPO_ROOT / "data" / "samples" / "attribution_labels.csv"
SAMPLE_EXPORT = REPO_ROOT / "data" / "samples" / "servicenow_incidents.csv"
SAMPLE_CATALOGUE = REPO_ROOT / "data" / "samples" / "systems.csv"

NO_SHARED_DATA = (
    "Senti4SD not found (looked in: {places}). It is not shipped with trendminer; "
    "pass --data to the folder that holds senti4sd/ (e.g. ../shared/data)."
)


def shared_data_dir(explicit: str | Path | None = None, holds: str = "senti4sd") -> Path | None:
    """The folder holding ``holds/``: ``explicit``, else ``../shared/data`` (cwd or repo).

    Returns None when none of the candidates holds it.
    """
    for place in _data_candidates(explicit):
        if (place / holds).is_dir():
            return place.resolve()
    return None


def _data_candidates(explicit: str | Path | None) -> list[Path]:
    if explicit:
        return [Path(explicit)]
    return [Path("../shared/data"), REPO_ROOT.parent / "shared" / "data"]


def file_sha256(path: Path) -> str:
    """sha256 hex digest of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_senti4sd(path: str | Path) -> pd.DataFrame:
    """Read one Senti4SD split: no header, ``id;polarity;text``, split on the first two ``;``.

    Parameters
    ----------
    path : str or Path
        ``train3098itemPOLARITY.csv`` or ``test1326itemPOLARITY.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``polarity`` (one of :data:`POLARITIES`), ``text``.

    Raises
    ------
    InputError
        On a missing file or a line without two ``;`` or with an unknown polarity.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise InputError(f"Senti4SD split {path} not found.") from None
    rows = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(";", 2)
        if len(parts) != 3 or parts[1].strip() not in POLARITIES:
            raise InputError(f"{path}, line {number}: expected 'id;polarity;text' with a polarity "
                             f"in {', '.join(POLARITIES)}, got {line[:60]!r}.")
        rows.append((parts[0].strip(), parts[1].strip(), parts[2].strip()))
    return pd.DataFrame(rows, columns=["id", "polarity", "text"])


def cached_encode(texts: Sequence[str], encode: Callable[[list[str]], np.ndarray], name: str,
                  cache_dir: str | Path | None) -> np.ndarray:
    """``encode(texts)``, kept in ``cache_dir`` as ``.npy`` keyed by ``name`` and the texts.

    ``cache_dir`` None disables the cache. Use a temporary folder, never the repository.
    """
    texts = list(texts)
    if cache_dir is None:
        return np.asarray(encode(texts), dtype=np.float32)
    digest = hashlib.sha256("\x1e".join([name, *texts]).encode("utf-8")).hexdigest()[:24]
    target = Path(cache_dir) / f"vectors-{digest}.npy"
    if target.is_file():
        vectors = np.load(target)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = np.asarray(encode(texts), dtype=np.float32)
    target.parent.mkdir(parents=True, exist_ok=True)
    np.save(target, vectors)
    return vectors


def encode_splits(frames: dict[str, pd.DataFrame], embedder, cache_dir: str | Path | None,  # noqa: ANN001
                  column: str = "text") -> dict[str, np.ndarray]:
    """Vectors of each split's ``column`` (cached), with the time each took on stderr."""
    vectors = {}
    for split, frame in frames.items():
        started = time.perf_counter()
        vectors[split] = cached_encode(frame[column].tolist(), embedder.encode, embedder.name, cache_dir)
        print(f"{split}: {len(frame)} texts, vectors {vectors[split].shape} "
              f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return vectors


@dataclass(frozen=True)
class ClassificationScores:
    """Macro-F1 and per-class precision / recall / F1 of one labelled split."""

    macro_f1: float
    accuracy: float
    per_class: dict[str, dict[str, float]]
    n: int

    def lines(self) -> list[str]:
        out = [f"macro-F1 {self.macro_f1:.3f}  accuracy {self.accuracy:.3f}  (n = {self.n})"]
        for label, s in self.per_class.items():
            out.append(f"  {label:<9} F1 {s['f1']:.3f}  precision {s['precision']:.3f}  "
                       f"recall {s['recall']:.3f}  support {int(s['support'])}")
        return out


def classification_scores(y_true: Sequence[str], y_pred: Sequence[str],
                          labels: Sequence[str] = POLARITIES) -> ClassificationScores:
    """Macro-F1, accuracy and per-class scores.

    Examples
    --------
    >>> s = classification_scores(["a", "b", "b"], ["a", "b", "a"], labels=["a", "b"])
    >>> round(s.macro_f1, 3), s.per_class["a"]["recall"]
    (0.667, 1.0)
    """
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = list(labels)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = {lab: {"f1": round(float(f[i]), 4), "precision": round(float(p[i]), 4),
                       "recall": round(float(r[i]), 4), "support": int(s[i])}
                 for i, lab in enumerate(labels)}
    macro = float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))
    return ClassificationScores(round(macro, 4), round(float(accuracy_score(y_true, y_pred)), 4),
                                per_class, len(y_true))


def sentiment_scores(data_dir: str | Path, encode: Callable[[list[str]], np.ndarray],
                     embedder_name: str, cache_dir: str | Path | None = None,
                     model_path: str | Path | None = None) -> ClassificationScores:
    """Score the shipped sentiment model on the Senti4SD test split.

    Parameters
    ----------
    data_dir : str or Path
        Folder holding ``senti4sd/``.
    encode : callable
        ``encode(texts) -> (n, dim)`` unit vectors, the embedder the model was trained on.
    embedder_name : str
        Cache key of the embedder.
    cache_dir : str or Path, optional
        Where test-split vectors are cached (a temporary folder).
    model_path : str or Path, optional
        A model file other than the shipped one.

    Returns
    -------
    ClassificationScores
    """
    from .sentiment import load_model

    test = read_senti4sd(Path(data_dir) / "senti4sd" / SENTI4SD_FILES["test"])
    vectors = cached_encode(test["text"].tolist(), encode, embedder_name, cache_dir)
    model = load_model(model_path)
    predicted = model.predict(vectors, test["text"].tolist())
    return classification_scores(test["polarity"].tolist(), predicted.tolist(), labels=model.classes)


# --- attribution -------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributionScores:
    """Precision and recall of system attribution against hand labels.

    ``precision`` = correct attributions / tickets attributed to a catalogued system;
    ``recall`` = correct attributions / tickets whose true system is catalogued.
    """

    precision: float
    recall: float
    labelled: int
    attributed: int
    truly_catalogued: int
    correct: int
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"precision {self.precision:.3f}  ({self.correct} correct / {self.attributed} attributed)",
               f"recall    {self.recall:.3f}  ({self.correct} correct / {self.truly_catalogued} "
               f"tickets about a catalogued system)",
               f"labelled tickets: {self.labelled}"]
        for source, s in sorted(self.by_source.items()):
            out.append(f"  via {source:<9} {s['attributed']:>4} attributed, {s['correct']:>4} correct")
        return out


def read_attribution_labels(path: str | Path = ATTRIBUTION_LABELS) -> pd.DataFrame:
    """Read the hand labels: columns ``ticket_id`` and ``true_system``.

    Raises
    ------
    InputError
        On a missing file or missing columns.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"Attribution labels {path} not found.") from None
    missing = {"ticket_id", "true_system"} - set(frame.columns)
    if missing:
        raise InputError(f"Attribution labels {path}: missing columns {sorted(missing)}.")
    return frame


def attribution_scores(predicted: pd.DataFrame, labels: pd.DataFrame, catalogued: Sequence[str],
                       unattributed: str = "(unattributed)") -> AttributionScores:
    """Compare an :data:`~trendminer.schema.Attribution` frame with hand labels.

    A ticket counts as attributed when its predicted system is a catalogued name; a raw CI
    value that matches no catalogue entry, or the unattributed bucket, is not an attribution.

    Parameters
    ----------
    predicted : Attribution
        ``ticket_id``, ``system``, ``source``.
    labels : pandas.DataFrame
        ``ticket_id``, ``true_system`` (a catalogue name or ``unattributed``).
    catalogued : sequence of str
        The catalogue's system names.

    Returns
    -------
    AttributionScores

    Examples
    --------
    >>> pred = pd.DataFrame({"ticket_id": ["1", "2", "3"], "system": ["A", "B", "(unattributed)"],
    ...                      "source": ["field", "fuzzy", "none"]})
    >>> gold = pd.DataFrame({"ticket_id": ["1", "2", "3"], "true_system": ["A", "A", "B"]})
    >>> s = attribution_scores(pred, gold, ["A", "B"])
    >>> s.precision, s.recall
    (0.5, 0.3333)
    """
    names = set(catalogued)
    merged = labels.merge(predicted[["ticket_id", "system", "source"]], on="ticket_id", how="inner")
    if len(merged) < len(labels):
        missing = sorted(set(labels["ticket_id"]) - set(merged["ticket_id"]))
        raise InputError(f"{len(missing)} labelled tickets are not in the export, e.g. {missing[:3]}.")
    attributed = merged["system"].isin(names)
    truly = merged["true_system"].isin(names) & (merged["true_system"] != unattributed)
    correct = attributed & (merged["system"] == merged["true_system"])
    by_source: dict[str, dict[str, int]] = {}
    for source, group in merged[attributed].groupby("source"):
        by_source[str(source)] = {"attributed": len(group),
                                  "correct": int((group["system"] == group["true_system"]).sum())}
    wrong = merged[(attributed | truly) & ~correct]
    errors = list(zip(wrong["ticket_id"], wrong["true_system"], wrong["system"]))
    n_att, n_true, n_ok = int(attributed.sum()), int(truly.sum()), int(correct.sum())
    return AttributionScores(precision=round(n_ok / n_att, 4) if n_att else 0.0,
                             recall=round(n_ok / n_true, 4) if n_true else 0.0,
                             labelled=len(merged), attributed=n_att, truly_catalogued=n_true,
                             correct=n_ok, by_source=by_source, errors=errors)


def attribution_eval(settings, labels_path: str | Path = ATTRIBUTION_LABELS,  # noqa: ANN001 - Settings
                     export_path: str | Path = SAMPLE_EXPORT,
                     catalogue_path: str | Path = SAMPLE_CATALOGUE) -> AttributionScores:
    """Run :func:`trendminer.systems.attribute` on the labelled tickets and score it.

    Parameters
    ----------
    settings : Settings
        The column map and the ``systems`` options; ``systems.catalogue`` is ignored in
        favour of ``catalogue_path``.
    labels_path, export_path, catalogue_path : str or Path
        Default: the labelled slice, the bundled sample export and its catalogue.

    Returns
    -------
    AttributionScores

    Raises
    ------
    InputError
        If a file is missing or a labelled ticket is not in the export.
    """
    from .clean import clean_tickets
    from .ingest import read_exports
    from .catalogue import load_catalogue
    from .systems import attribute

    labels = read_attribution_labels(labels_path)
    raw = read_exports([export_path], settings, pd.Timestamp("2100-01-01")).raw
    raw = raw[raw["ticket_id"].isin(set(labels["ticket_id"]))].reset_index(drop=True)
    tickets = clean_tickets(raw, settings)
    catalogue = load_catalogue(catalogue_path)
    predicted = attribute(tickets, catalogue, settings)
    return attribution_scores(predicted, labels, catalogue.names, settings["systems"]["unattributed"])
