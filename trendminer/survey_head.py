"""Irritation learned from the desk's own satisfaction surveys: a per-desk head.

The shipped irritation model (:mod:`trendminer.irritation`) learned from Reddit comments;
on help-desk dialogues it barely beats text length. What beats it is the desk's own
ratings: when at least ``survey_head.min_rated`` tickets of the night's lookback carry a
satisfaction score (``csat``: the export's survey column, or ``--surveys FILE``), a logistic
regression is fitted on

- the ticket's sentence embedding (the vectors the run already has),
- the shipped model's text irritation, as a logit (its words, cues and embedding block),
- the length of the customer's text (``log1p`` of characters),

with ``dissatisfied = csat < signals.csat_neutral`` as the target (1-2 of 5, "bad"). The L2
strength is chosen among ``survey_head.Cs`` by out-of-fold AUC (``survey_head.folds``
stratified folds; the shipped logit and the length are penalised far less than the embedding,
:data:`PRIOR_WEIGHT`), that AUC is reported, and the same out-of-fold scores calibrate it
(Platt: a logistic map fitted on them), so 0.7 means about 7 in 10 such tickets were rated
dissatisfied. The head is plain numbers
(:meth:`SurveyHead.to_dict`), kept in the state with the digest of the data it was fitted
on; a night with the same rated tickets reuses it.

Every ticket is then scored by the head; a rated ticket keeps its own answer as the truth
(:func:`trendminer.signals.csat_irritation` of its rating). Below ``min_rated`` rated tickets,
or with only one side rated, the shipped model scores the night.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit

FORMAT = "trendminer.survey_head.v1"


@dataclass(frozen=True)
class SurveyHead:
    """``p = sigmoid(a * (((x - mean) / scale) @ coef + intercept) + b)`` over :func:`head_features`.

    Parameters
    ----------
    coef, mean, scale : numpy.ndarray
        ``(d,)`` weights and the standardisation of the features.
    intercept : float
    platt_a, platt_b : float
        Calibration of the raw score, fitted on the out-of-fold scores.
    cv_auc : float
        Cross-validated AUC on the rated tickets (out-of-fold).
    rated, dissatisfied : int
        Rated tickets it was fitted on, and how many of them were dissatisfied.
    digest : str
        :func:`data_digest` of those tickets.
    embedder : str
        Name of the embedder whose vectors it reads.
    """

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    platt_a: float
    platt_b: float
    cv_auc: float
    rated: int
    dissatisfied: int
    digest: str
    embedder: str

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Calibrated probability of a dissatisfied rating, ``(n,)``.

        Raises
        ------
        ValueError
            If the features do not have the head's width.
        """
        x = np.asarray(features, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.coef):
            raise ValueError(f"survey head expects (n, {len(self.coef)}) features, got {x.shape}")
        raw = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return expit(self.platt_a * raw + self.platt_b)

    def describe(self) -> str:
        """One line for the run summary and the manifest."""
        return (f"the desk's survey head (fitted on {self.rated} rated tickets, {self.dissatisfied} dissatisfied; "
                f"CV AUC {self.cv_auc:.3f})")

    def to_dict(self, decimals: int = 6) -> dict:
        """JSON-ready form (floats rounded to ``decimals``)."""
        def r(values: np.ndarray) -> list[float]:
            return [round(float(v), decimals) for v in values]

        return {"format": FORMAT, "embedder": self.embedder, "digest": self.digest, "rated": self.rated,
                "dissatisfied": self.dissatisfied, "cv_auc": round(float(self.cv_auc), 4),
                "intercept": round(float(self.intercept), decimals), "platt": [self.platt_a, self.platt_b],
                "mean": r(self.mean), "scale": r(self.scale), "coef": r(self.coef)}

    @classmethod
    def from_dict(cls, data: Mapping) -> SurveyHead:
        """Inverse of :meth:`to_dict`.

        Raises
        ------
        ValueError
            On another format or arrays of different lengths.
        """
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} head")
        coef, mean, scale = (np.asarray(data[k], dtype=np.float64) for k in ("coef", "mean", "scale"))
        if not (coef.shape == mean.shape == scale.shape) or coef.ndim != 1:
            raise ValueError("coef, mean and scale must have one length")
        a, b = data["platt"]
        return cls(coef, float(data["intercept"]), mean, scale, float(a), float(b), float(data["cv_auc"]),
                   int(data["rated"]), int(data["dissatisfied"]), str(data["digest"]), str(data["embedder"]))


def head_features(vectors: np.ndarray, shipped: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``(n, dim + 2)``: the embedding, the shipped model's irritation as a logit, ``log1p(length)``.

    Examples
    --------
    >>> head_features(np.zeros((1, 2)), np.array([0.5]), np.array([0])).tolist()
    [[0.0, 0.0, 0.0, 0.0]]
    """
    p = np.clip(np.asarray(shipped, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.column_stack([np.asarray(vectors, dtype=np.float64), logit(p),
                            np.log1p(np.asarray(lengths, dtype=np.float64))])


def dissatisfied(csat: np.ndarray, neutral: float) -> np.ndarray:
    """1 where a rating (0..1) is below ``neutral``, 0 at or above it (NaN stays NaN).

    Examples
    --------
    >>> dissatisfied(np.array([0.0, 0.25, 0.5, 1.0, np.nan]), 0.5).tolist()
    [1.0, 1.0, 0.0, 0.0, nan]
    """
    csat = np.asarray(csat, dtype=np.float64)
    return np.where(np.isnan(csat), np.nan, (csat < neutral).astype(np.float64))


def data_digest(ticket_ids, csat, text_hashes, embedder: str, options: Mapping) -> str:  # noqa: ANN001
    """sha256 (32 hex) of the rated tickets (id, rating, text hash, in id order), the embedder
    and the head's options: the same rated data gives the same digest."""
    rows = sorted(zip(map(str, ticket_ids), (round(float(c), 6) for c in csat), map(str, text_hashes)))
    blob = json.dumps({"format": FORMAT, "rows": rows, "embedder": embedder,
                       "options": {k: options[k] for k in sorted(options)}}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


#: the shipped model's logit and the length (the last two features) are scaled up by this after
#: standardising, so the L2 penalty on them is 100 times weaker than on an embedding dimension: the
#: head starts from the shipped model and the embedding learns what this desk adds
PRIOR_WEIGHT = 10.0


def fit_head(features: np.ndarray, y: np.ndarray, *, folds: int = 5, Cs: Sequence[float] = (0.002, 0.005, 0.02, 0.1),
             random_state: int = 0, digest: str = "", embedder: str = "") -> SurveyHead:
    """Fit the head: for each strength in ``Cs``, out-of-fold scores; the best gives the CV AUC
    and the calibration; then one fit on all rated tickets with it.

    Parameters
    ----------
    features : numpy.ndarray
        ``(n, d)`` from :func:`head_features`.
    y : numpy.ndarray
        ``(n,)`` 1 = dissatisfied, 0 = not.
    folds : int
        Stratified folds (at most the size of the smaller class).
    Cs : sequence of float
        Inverse L2 strengths tried (on standardised features); the best out-of-fold AUC wins
        (its CV AUC is therefore slightly optimistic; ``eval irritation --csat-col`` holds out).

    Raises
    ------
    ValueError
        With fewer than two of each class.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(y, dtype=int)
    smaller = int(min(y.sum(), len(y) - y.sum()))
    if smaller < 2:
        raise ValueError(f"a survey head needs at least two rated tickets of each side, got {smaller}")
    k = max(2, min(int(folds), smaller))
    splits = list(StratifiedKFold(k, shuffle=True, random_state=random_state).split(x, y))
    best = (-1.0, 0.0, np.zeros(len(y)))
    for C in Cs:
        oof = np.zeros(len(y))
        for train, test in splits:
            mean, scale = _standardise(x[train])
            model = LogisticRegression(C=C, max_iter=3000).fit((x[train] - mean) / scale, y[train])
            oof[test] = model.decision_function((x[test] - mean) / scale)
        auc = float(roc_auc_score(y, oof))
        if auc > best[0]:
            best = (auc, float(C), oof)
    cv_auc, C, oof = best
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(oof.reshape(-1, 1), y)
    mean, scale = _standardise(x)
    model = LogisticRegression(C=C, max_iter=3000).fit((x - mean) / scale, y)
    return SurveyHead(model.coef_.ravel(), float(model.intercept_[0]), mean, scale, float(platt.coef_[0, 0]),
                      float(platt.intercept_[0]), cv_auc, len(y), int(y.sum()), digest, embedder)


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of the columns; the last two (shipped logit, length) scaled by :data:`PRIOR_WEIGHT`."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    scale[-2:] = scale[-2:] / PRIOR_WEIGHT
    return mean, scale


@dataclass(frozen=True)
class DeskIrritation:
    """What scored the night's text irritation.

    Attributes
    ----------
    probability : numpy.ndarray
        ``(n,)`` text irritation of every ticket, 0..1.
    head : SurveyHead or None
        The head that scored it; None = the shipped model.
    reused : bool
        The head came from the state (same data digest); False = fitted tonight.
    rated : int
        Rated tickets in the night's tickets.
    note : str
        Which model scored the night, and why.
    """

    probability: np.ndarray
    head: SurveyHead | None
    reused: bool
    rated: int
    note: str

    def describe(self) -> dict:
        """The manifest's ``irritation`` entry."""
        return {"model": "survey_head" if self.head else "shipped", "note": self.note, "rated": self.rated,
                "cv_auc": None if self.head is None else round(self.head.cv_auc, 4),
                "digest": None if self.head is None else self.head.digest, "reused": self.reused}


def desk_irritation(tickets: pd.DataFrame, vectors: np.ndarray, shipped: np.ndarray, *, settings,  # noqa: ANN001
                    embedder: str, stored: Mapping | None = None) -> DeskIrritation:
    """The night's text irritation: the desk's survey head when enough tickets are rated, else the shipped model.

    Parameters
    ----------
    tickets : Tickets
        The night's tickets (``csat``, ``text_hash``, ``title``, ``description``).
    vectors : numpy.ndarray
        Their embeddings.
    shipped : numpy.ndarray
        The shipped model's text irritation of each ticket.
    settings : Settings
        ``survey_head.*`` and ``signals.csat_neutral``.
    embedder : str
        The embedder's name (a head reads only its own embedder's vectors).
    stored : mapping, optional
        The head kept in the state (:meth:`SurveyHead.to_dict`, in the previous run's summary);
        reused when its digest and embedder match tonight's rated data.

    Returns
    -------
    DeskIrritation
    """
    opts = settings["survey_head"]
    neutral = float(settings["signals"]["csat_neutral"])
    shipped = np.asarray(shipped, dtype=np.float64)
    csat = tickets["csat"].to_numpy(dtype=np.float64)
    rated = ~np.isnan(csat)
    n_rated, minimum = int(rated.sum()), int(opts["min_rated"])
    y = dissatisfied(csat[rated], neutral)
    if n_rated < minimum or not minimum or len(set(y.tolist())) < 2 or not len(tickets):
        why = (f"{n_rated} rated tickets, fewer than survey_head.min_rated = {minimum}" if n_rated < minimum or not minimum
               else f"the {n_rated} rated tickets are all on one side")
        return DeskIrritation(shipped, None, False, n_rated, f"the shipped model ({why})")
    options = {"Cs": tuple(float(c) for c in opts["Cs"]), "folds": int(opts["folds"]),
               "random_state": int(opts["random_state"])}
    digest = data_digest(tickets["ticket_id"].to_numpy()[rated], csat[rated], tickets["text_hash"].to_numpy()[rated],
                         embedder, options)
    lengths = (tickets["title"].str.len() + tickets["description"].str.len()).to_numpy()
    x = head_features(vectors, shipped, lengths)
    head, reused = None, False
    if stored and stored.get("digest") == digest and stored.get("embedder") == embedder:
        try:
            head, reused = SurveyHead.from_dict(stored), True
        except (ValueError, KeyError, TypeError):
            head = None
    if head is None or len(head.coef) != x.shape[1]:
        head, reused = fit_head(x[rated], y.astype(int), digest=digest, embedder=embedder, **options), False
    p = head.probability(x)
    p[rated] = _own_answer(csat[rated], neutral)
    return DeskIrritation(p, head, reused, n_rated, head.describe())


def irritation_manifest(desk: DeskIrritation, tickets: pd.DataFrame, signals: pd.DataFrame, window,  # noqa: ANN001
                        settings, accounting) -> dict:  # noqa: ANN001
    """The manifest's ``irritation`` (which model scored, its CV AUC, the desk's part this week:
    :func:`trendminer.aim.service_rise`) and ``surveys`` (the ``--surveys`` accounting) entries."""
    from .aim import service_rise

    rise = service_rise(tickets["opened_at"], signals["service_irritation"], signals["system_irritation"], window,
                        min_count=int(settings["trends"]["min_count"]))
    return {"irritation": {**desk.describe(), "service": rise}, "surveys": getattr(accounting, "surveys", None)}


def _own_answer(csat: np.ndarray, neutral: float) -> np.ndarray:
    from .signals import csat_irritation

    return csat_irritation(csat, neutral)


__all__ = ["DeskIrritation", "SurveyHead", "data_digest", "desk_irritation", "dissatisfied", "fit_head",
           "head_features", "irritation_manifest"]
