"""A ticket-kind head learned from the desk's own labels.

Where an export states the kind of some tickets (:mod:`trendminer.ingest.kinds`), those
tickets teach a small classifier how *this* desk words failures, questions and requests.
It reads the ticket's embedding and what the text rules say (:func:`trendminer.kind_rules.text_rule`
as a one-hot block), is a logistic regression whose regularisation is chosen by stratified
cross-validation, and is calibrated by one temperature fitted on the out-of-fold logits.
Its out-of-fold accuracy, macro-F1 and per-class F1 are kept with it: the manifest and the
digest's run-quality section show them, and the head is used only when its cross-validated
macro-F1 reaches ``signals.desk_min_cv_macro_f1``.

The head predicts the export's own labels (``failure``, ``howto``, ``request`` or
``incident`` — "not a request", which the text rules split into failure and how-to, as for
labelled tickets). It is refitted each night from the labelled tickets kept in the state
(cheap: a few seconds for thousands of tickets) and written, coefficients included, into the
run's manifest.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import check_random_state

from .eval.sentiment import classification_scores

RULE_BLOCK = ("failure", "howto", "request", "")
C_GRID = (0.5, 2.0, 8.0)
TEMPERATURES = tuple(float(t) for t in np.round(np.arange(0.3, 3.01, 0.1), 2))
FORMAT = "trendminer.desk_kind.v1"


def desk_features(vectors: np.ndarray, rules: list[str]) -> np.ndarray:
    """The head's input: the embedding, then a one-hot of the text rule's answer.

    Examples
    --------
    >>> desk_features(np.zeros((2, 2)), ["howto", ""]).tolist()
    [[0.0, 0.0, 0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]]
    """
    x = np.asarray(vectors, dtype=np.float64)
    block = np.zeros((len(rules), len(RULE_BLOCK)))
    for i, rule in enumerate(rules):
        block[i, RULE_BLOCK.index(rule if rule in RULE_BLOCK else "")] = 1.0
    return np.hstack([x.reshape(len(rules), -1), block])


@dataclass(frozen=True)
class DeskHead:
    """A fitted, calibrated softmax-linear head over :func:`desk_features`.

    Parameters
    ----------
    classes : tuple of str
        Labels in the order of the rows of ``coef``.
    coef, intercept : numpy.ndarray
        ``(n_classes, dim + 4)`` and ``(n_classes,)``, already divided by the temperature.
    cv : dict
        Out-of-fold figures: ``labelled``, ``folds``, ``accuracy``, ``macro_f1``,
        ``per_class`` (F1), ``C``, ``temperature``, ``class_counts``.
    embedder : str
        The embedder whose vectors it reads.
    """

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    cv: dict = field(default_factory=dict)
    embedder: str = ""

    def predict_proba(self, vectors: np.ndarray, rules: list[str]) -> np.ndarray:
        """``(n, n_classes)`` calibrated probabilities."""
        if not len(rules):
            return np.zeros((0, len(self.classes)))
        return softmax(desk_features(vectors, rules) @ self.coef.T + self.intercept, axis=1)

    def predict(self, vectors: np.ndarray, rules: list[str]) -> np.ndarray:
        """The most probable label per ticket (object array)."""
        return np.asarray(self.classes, dtype=object)[self.predict_proba(vectors, rules).argmax(axis=1)] \
            if len(rules) else np.zeros(0, dtype=object)

    def to_dict(self, decimals: int = 5) -> dict:
        """JSON-ready form (the manifest keeps it)."""
        return {"format": FORMAT, "embedder": self.embedder, "classes": list(self.classes), "cv": self.cv,
                "intercept": [round(float(v), decimals) for v in self.intercept],
                "coef": [[round(float(v), decimals) for v in row] for row in self.coef]}

    @classmethod
    def from_dict(cls, data: dict) -> DeskHead:
        """Inverse of :meth:`to_dict`."""
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT!r}")
        return cls(tuple(data["classes"]), np.asarray(data["coef"], dtype=np.float64),
                   np.asarray(data["intercept"], dtype=np.float64), dict(data.get("cv", {})),
                   str(data.get("embedder", "")))


def _fit(x: np.ndarray, y: np.ndarray, c: float, random_state: int) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=random_state).fit(x, y)


def _temperature(logits: np.ndarray, y_index: np.ndarray) -> float:
    """The temperature that minimises the out-of-fold negative log-likelihood."""
    best, best_nll = 1.0, np.inf
    for t in TEMPERATURES:
        p = softmax(logits / t, axis=1)[np.arange(len(y_index)), y_index]
        nll = -np.log(np.clip(p, 1e-12, 1)).mean()
        if nll < best_nll:
            best, best_nll = t, nll
    return best


def fit_desk_head(vectors: np.ndarray, rules: list[str], labels: np.ndarray, *, random_state: int = 0,
                  folds: int = 5, embedder: str = "") -> DeskHead | None:
    """Fit, cross-validate and calibrate a head on the labelled tickets.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` embeddings of the labelled tickets.
    rules : list of str
        Their :func:`~trendminer.kind_rules.text_rule` answers.
    labels : array of str
        Their export labels (no empty ones).
    random_state : int
        Seeds the folds and the solver.
    folds : int
        Cross-validation folds (fewer when the rarest class has fewer tickets).
    embedder : str
        Name recorded with the head.

    Returns
    -------
    DeskHead or None
        None when fewer than two labels have at least two tickets each.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(1, 0.3, (20, 3)), rng.normal(-1, 0.3, (20, 3))])
    >>> head = fit_desk_head(x, [""] * 40, np.array(["incident"] * 20 + ["request"] * 20))
    >>> head.cv["accuracy"], head.predict(np.array([[1.0, 1, 1]]), [""]).tolist()
    (1.0, ['incident'])
    """
    y = np.asarray(labels, dtype=object)
    classes, counts = np.unique(y, return_counts=True)
    keep = np.isin(y, classes[counts >= 2])
    if keep.sum() < len(y):
        vectors, y = np.asarray(vectors)[keep], y[keep]
        rules = [r for r, k in zip(rules, keep) if k]
        classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        return None
    x = desk_features(vectors, rules)
    seed = int(check_random_state(random_state).randint(2**31 - 1))
    k = int(min(folds, counts.min()))
    splits = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(x, y))
    best = None
    for c in C_GRID:
        logits = np.zeros((len(y), len(classes)))
        for fit_idx, val_idx in splits:
            model = _fit(x[fit_idx], y[fit_idx], c, seed)
            order = [list(model.classes_).index(name) for name in classes]
            logits[val_idx] = model.decision_function(x[val_idx]).reshape(len(val_idx), -1)[:, order] \
                if len(classes) > 2 else np.column_stack([-model.decision_function(x[val_idx]) / 2,
                                                          model.decision_function(x[val_idx]) / 2])
        pred = classes[logits.argmax(axis=1)]
        score = classification_scores(y, pred, tuple(classes))
        if best is None or score.macro_f1 > best[1].macro_f1:
            best = (c, score, logits)
    c, score, logits = best
    temperature = _temperature(logits, np.searchsorted(classes, y))
    model = _fit(x, y, c, seed)
    order = [list(model.classes_).index(name) for name in classes]
    if len(classes) > 2:
        coef, intercept = model.coef_[order], model.intercept_[order]
    else:   # a binary model's one row as a symmetric two-row softmax
        coef = np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
        intercept = np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
    cv = {"labelled": int(len(y)), "folds": k, "accuracy": round(score.accuracy, 4),
          "macro_f1": round(score.macro_f1, 4), "per_class": {n: v["f1"] for n, v in score.per_class.items()},
          "C": c, "temperature": temperature, "class_counts": {str(n): int(v) for n, v in zip(classes, counts)}}
    return DeskHead(tuple(str(n) for n in classes), coef / temperature, intercept / temperature, cv, embedder)



@dataclass(frozen=True)
class NightDesk:
    """A night's per-desk head, its labels for the unlabelled tickets, and why (not) used.

    Attributes
    ----------
    kinds : list of str
        Per ticket of the night, the head's label, "" where the export labels the ticket or
        the head is not used.
    head : DeskHead or None
        The fitted head (None when too few labels).
    used : bool
        The head decides (its cross-validated macro-F1 reached the setting).
    reason : str
        Why it is used or not, for the manifest.
    """

    kinds: list[str]
    head: DeskHead | None
    used: bool
    reason: str

    def manifest(self, kind_sources: list[str] | None = None) -> dict:
        """What the run's manifest keeps: the sources' counts, the head (coefficients and CV)."""
        counts = {} if kind_sources is None else {s: int(n) for s, n in
                                                   zip(*np.unique(np.asarray(kind_sources, dtype=str), return_counts=True))}
        return {"decided_by": counts, "desk_head_used": self.used, "desk_head_reason": self.reason,
                "desk_head": self.head.to_dict() if self.head is not None else None}

    def quality(self, kind_sources: list[str]) -> dict[str, float]:
        """Numbers for the digest's run-quality section: tickets per kind source, the head's CV."""
        sources = pd.Series(kind_sources, dtype=object)
        out: dict[str, float] = {f"kind_{s}": int((sources == s).sum()) for s in KIND_SOURCES}
        cv = self.head.cv if self.head is not None else {}
        out.update({"desk_labelled": int(cv.get("labelled", 0)), "desk_used": float(self.used),
                    "desk_cv_macro_f1": float(cv.get("macro_f1", float("nan"))),
                    "desk_cv_accuracy": float(cv.get("accuracy", float("nan")))})
        return out


#: what can decide a ticket's kind, in order of precedence (the Signals ``kind_source`` values)
KIND_SOURCES = ("export", "desk", "rule", "category", "classifier", "default")


def night_desk(labels: list[str], vectors: np.ndarray, rules: list[str], opts: dict, *,
               random_state: int, embedder: str) -> NightDesk:
    """Fit the head on the night's labelled tickets and label the others with it.

    Parameters
    ----------
    labels : list of str
        The tickets' ``kind_label`` ("" where the export does not say).
    vectors : numpy.ndarray
        Their embeddings, one row per ticket.
    rules : list of str
        Their text rules.
    opts : mapping
        ``settings["signals"]``: uses ``desk_min_labels`` and ``desk_min_cv_macro_f1``.
    random_state : int
    embedder : str

    Returns
    -------
    NightDesk

    Examples
    --------
    >>> night_desk(["", ""], np.zeros((2, 3)), ["", ""], {"desk_min_labels": 50, "desk_min_cv_macro_f1": 0.7},
    ...            random_state=0, embedder="x").reason
    'the export labels the kind of 0 tickets; the head needs at least 50'
    """
    labels_arr = np.asarray([str(x) for x in labels], dtype=object)
    known = labels_arr != ""
    minimum = int(opts["desk_min_labels"])
    none = [""] * len(labels_arr)
    if known.sum() < minimum:
        return NightDesk(none, None, False, f"the export labels the kind of {int(known.sum())} tickets; "
                                           f"the head needs at least {minimum}")
    head = fit_desk_head(np.asarray(vectors)[known], [r for r, k in zip(rules, known) if k], labels_arr[known],
                         random_state=random_state, embedder=embedder)
    if head is None:
        return NightDesk(none, None, False, "the labelled tickets carry one kind only")
    floor = float(opts["desk_min_cv_macro_f1"])
    if head.cv["macro_f1"] < floor:
        return NightDesk(none, head, False, f"cross-validated macro-F1 {head.cv['macro_f1']:.3f} is below "
                                            f"signals.desk_min_cv_macro_f1 = {floor}")
    kinds = list(none)
    todo = np.where(~known)[0]
    if len(todo):
        pred = head.predict(np.asarray(vectors)[todo], [rules[i] for i in todo])
        for i, p in zip(todo, pred):
            kinds[i] = str(p)
    return NightDesk(kinds, head, True, f"cross-validated macro-F1 {head.cv['macro_f1']:.3f} on "
                                        f"{head.cv['labelled']} labelled tickets")


__all__ = ["KIND_SOURCES", "DeskHead", "NightDesk", "desk_features", "fit_desk_head", "night_desk"]
