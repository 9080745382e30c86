"""``trendminer eval irritation PATH --csat-col COL``: the desk's survey head against the shipped
model and text length, on a held-out part of the rated tickets.

The export's rated rows (a 1-5 score, or good / bad, in ``COL``; dissatisfied = below
``signals.csat_neutral``) are split once, stratified, into a training part and a held-out
part (``--holdout``). The head is fitted on the training part exactly as a night fits it
(:func:`trendminer.survey_head.fit_head`); the three scores are compared by AUC on the
held-out part only. Unrated rows are counted and not used.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .data import cached_encode

#: fewest rated rows of each side for a meaningful comparison
MIN_PER_SIDE = 10


def read_rated_export(path: str | Path, text_cols: Sequence[str], csat_col: str) -> pd.DataFrame:
    """A labelled export as ``text`` (the text columns joined by new lines) and ``csat`` (0..1, NaN unrated).

    Raises
    ------
    InputError
        A missing file, a missing column (naming the columns there are), or no rows.
    """
    from ..ingest.exports import parse_csat

    path = Path(path)
    try:
        frame = (pd.read_excel(path, dtype=str, keep_default_na=False) if path.suffix.lower() in (".xlsx", ".xlsm")
                 else pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"Labelled export {path} not found.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not a readable export ({exc}).") from None
    for option, col in [*(("--text-col", c) for c in text_cols), ("--csat-col", csat_col)]:
        if col not in frame.columns:
            raise InputError(f"{path}: no column {col!r} ({option}); columns are {', '.join(map(repr, frame.columns))}.")
    if frame.empty:
        raise InputError(f"{path}: no data rows.")
    text = frame[list(text_cols)].apply(lambda r: "\n".join(v for v in r if v.strip()), axis=1)
    return pd.DataFrame({"text": text.astype(str), "csat": parse_csat(frame[csat_col].astype(str)).to_numpy()})


@dataclass(frozen=True)
class CsatComparison:
    """AUCs on the held-out rated tickets, and the counts they come from."""

    rows: int
    rated: int
    dissatisfied: int
    train: int
    test: int
    shipped_auc: float
    head_auc: float
    length_auc: float
    head_cv_auc: float

    def lines(self, name: str) -> list[str]:
        return [f"{name}: {self.rows} rows, {self.rated} rated ({self.dissatisfied} dissatisfied); "
                f"head fitted on {self.train}, scored on {self.test} held-out rated tickets",
                f"  shipped model       AUC {self.shipped_auc:.3f}",
                f"  desk survey head    AUC {self.head_auc:.3f}  (CV AUC on its {self.train} training tickets "
                f"{self.head_cv_auc:.3f})",
                f"  text length alone   AUC {self.length_auc:.3f}"]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def compare(frame: pd.DataFrame, vectors: np.ndarray, shipped: np.ndarray, *, neutral: float, holdout: float,
            options: dict, random_state: int = 0) -> CsatComparison:
    """Fit the head on part of the rated rows of ``frame`` and compare the three scores on the rest.

    ``vectors`` and ``shipped`` (the shipped model's irritation) are of the rated rows, in order.

    Raises
    ------
    InputError
        With fewer than :data:`MIN_PER_SIDE` rated rows of either side.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    from ..survey_head import dissatisfied, fit_head, head_features

    rated = frame[frame["csat"].notna()]
    y = dissatisfied(rated["csat"].to_numpy(), neutral).astype(int)
    smaller = int(min(y.sum(), len(y) - y.sum()))
    if smaller < MIN_PER_SIDE:
        raise InputError(f"{len(rated)} rated rows, {int(y.sum())} of them dissatisfied: the comparison needs at "
                         f"least {MIN_PER_SIDE} of each side (check --csat-col).")
    lengths = rated["text"].str.len().to_numpy()
    x = head_features(vectors, shipped, lengths)
    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=holdout, stratify=y, random_state=random_state)
    head = fit_head(x[train], y[train], **options)
    auc = lambda p: round(float(roc_auc_score(y[test], p)), 4)  # noqa: E731
    return CsatComparison(len(frame), len(rated), int(y.sum()), len(train), len(test), auc(shipped[test]),
                          auc(head.probability(x[test])), auc(lengths[test]), round(head.cv_auc, 4))


def csat_command(settings, path: str | Path, text_cols: Sequence[str], csat_col: str, holdout: float,  # noqa: ANN001
                 cache_dir: str | Path | None = None,
                 encode: Callable[[list[str]], np.ndarray] | None = None, embedder_name: str = "") -> list[str]:
    """What ``trendminer eval irritation --csat-col`` prints.

    Raises
    ------
    TrendminerError
        A missing file or column, too few rated rows of a side, or a bad ``holdout``.
    """
    from ..irritation import model_for, text_irritation

    if not 0 < holdout < 1:
        raise InputError(f"--holdout {holdout}: give the held-out share of the rated tickets, between 0 and 1.")
    frame = read_rated_export(path, text_cols, csat_col)
    if encode is None:
        from ..embed import make_embedder

        embedder = make_embedder(settings, progress=False)
        encode, embedder_name = embedder.encode, embedder.name
    texts = frame.loc[frame["csat"].notna(), "text"].tolist()
    vectors = cached_encode(texts, encode, embedder_name, cache_dir) if texts else np.zeros((0, 1))
    shipped = text_irritation(vectors, texts, model_for(embedder_name, vectors.shape[1])) if texts else np.zeros(0)
    opts = settings["survey_head"]
    result = compare(frame, vectors, shipped, neutral=float(settings["signals"]["csat_neutral"]), holdout=holdout,
                     options={"Cs": tuple(float(c) for c in opts["Cs"]), "folds": int(opts["folds"]),
                              "random_state": int(opts["random_state"])},
                     random_state=int(opts["random_state"]))
    return result.lines(str(path))


__all__ = ["CsatComparison", "compare", "csat_command", "read_rated_export"]
