"""How well topics are matched to the articles that answer them (``trendminer eval knowledge``).

The labelled set is ``data/samples/knowledge_labels.csv``: every how-to / request ticket of the
sample, its group (system / problem type, known to the generator) and the published article
that answers it ('' = none). Each group is cut into seeded chunks of 10, 20 and 40 tickets,
which stand in for topics of those sizes; every (chunk, published article) pair is a match or not.
The threshold is chosen on one half of the chunks and scored on the other (two folds), so the
printed precision and recall are held out, not the figures the threshold was tuned on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..errors import InputError
from .coverage import centroids, match_scores, on_subject

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
LABELS = SAMPLES / "knowledge_labels.csv"
KB = SAMPLES / "kb_knowledge.csv"
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


@dataclass
class MatchEval:
    """Precision / recall of the topic-article match on the labelled sample."""

    embedder: str
    configured: float
    chunks: int
    groups: int
    positives: int
    table: pd.DataFrame          # threshold, precision, recall, f1 on all chunks
    heldout: dict[str, float]    # precision, recall, f1 with the threshold chosen on the other fold
    chosen: list[float]          # the threshold each fold chose
    wrong: dict[str, tuple[int, int]] = field(default_factory=dict)   # check -> (wrong matches, matched chunks)

    def at(self, threshold: float) -> pd.Series:
        row = self.table.iloc[int(np.argmin(np.abs(self.table["threshold"].to_numpy() - threshold)))]
        return row

    @property
    def best(self) -> pd.Series:
        return self.table.sort_values(["f1", "threshold"], ascending=[False, True]).iloc[0]

    def render(self) -> str:
        conf, best = self.at(self.configured), self.best
        lines = [f"knowledge match ({self.embedder}): {self.chunks} topic-sized chunks of {self.groups} labelled "
                 f"groups x published articles, {self.positives} true matches",
                 f"configured threshold {self.configured:.2f}: precision {conf['precision']:.3f}, "
                 f"recall {conf['recall']:.3f}, F1 {conf['f1']:.3f}",
                 f"best F1 on all chunks at {best['threshold']:.2f}: precision {best['precision']:.3f}, "
                 f"recall {best['recall']:.3f}, F1 {best['f1']:.3f}",
                 f"held out (threshold chosen on the other half: {', '.join(f'{t:.2f}' for t in self.chosen)}): "
                 f"precision {self.heldout['precision']:.3f}, recall {self.heldout['recall']:.3f}, "
                 f"F1 {self.heldout['f1']:.3f}",
                 *[f"wrong matches at the configured threshold, {name}: {bad} of {n} matched topics "
                   f"({bad / n if n else 0:.1%}) get an article that does not answer them, {n - bad} get theirs"
                   for name, (bad, n) in self.wrong.items()],
                 "threshold  precision  recall  f1"]
        for _, row in self.table[self.table["threshold"].isin(np.round(np.arange(0.1, 0.91, 0.05), 2))].iterrows():
            lines.append(f"     {row['threshold']:.2f}      {row['precision']:.3f}   {row['recall']:.3f}  {row['f1']:.3f}")
        return "\n".join(lines)


def read_labels(path: str | Path = LABELS) -> pd.DataFrame:
    """The labelled tickets: ``ticket_id``, ``group``, ``article`` ('' = no article answers it)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: labelled set not found; regenerate it with "
                         "`python data/samples/generate_sample.py`.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"ticket_id", "group", "article"} - set(frame.columns)
    if missing:
        raise InputError(f"{path}: columns {sorted(missing)} missing (need ticket_id, group, article).")
    return frame


def chunks(labels: pd.DataFrame, sizes: tuple[int, ...], random_state: int) -> pd.DataFrame:
    """Cut each group into seeded chunks of about each of ``sizes`` tickets (topics come in
    many sizes): ``ticket_id, chunk, group, article, fold``.

    Examples
    --------
    >>> lab = pd.DataFrame({"ticket_id": list("abcdef"), "group": ["g"] * 6, "article": ["KB1"] * 6})
    >>> chunks(lab, (3, 6), 0).groupby("chunk").size().tolist()
    [3, 3, 6]
    """
    rng = check_random_state(random_state)
    out, next_id = [], 0
    for size in sizes:
        for group, members in labels.groupby("group", sort=True):
            ids = members["ticket_id"].to_numpy()[rng.permutation(len(members))]
            n = max(1, round(len(ids) / size))
            for k, part in enumerate(np.array_split(ids, n)):
                out.append(pd.DataFrame({"ticket_id": part, "chunk": next_id, "group": group,
                                         "article": members["article"].iloc[0], "fold": k % 2}))
                next_id += 1
    return pd.concat(out, ignore_index=True)


def pair_scores(parts: pd.DataFrame, ticket_vectors: pd.DataFrame, article_ids: list[str],
                article_vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Similarity and truth of every (chunk, article) pair, and each chunk's fold.

    ``ticket_vectors`` is indexed by ticket id (one vector column per dimension).
    """
    parts = parts[parts["ticket_id"].isin(ticket_vectors.index)]
    ids = sorted(parts["chunk"].unique())
    vecs = ticket_vectors.loc[parts["ticket_id"]].to_numpy()
    scores = match_scores(centroids(vecs, parts["chunk"].to_numpy(), ids), article_vectors)
    meta = parts.drop_duplicates("chunk").set_index("chunk").loc[ids]
    truth = meta["article"].to_numpy()[:, None] == np.asarray(article_ids)[None, :]
    return scores, truth, meta["fold"].to_numpy()


def sweep(scores: np.ndarray, truth: np.ndarray, thresholds: np.ndarray = THRESHOLDS) -> pd.DataFrame:
    """Precision, recall and F1 of ``scores >= t`` against ``truth`` for every threshold.

    Examples
    --------
    >>> s = np.array([[0.9, 0.2], [0.4, 0.6]])
    >>> t = np.array([[True, False], [False, True]])
    >>> sweep(s, t, np.array([0.3, 0.5])).round(3).to_dict("records")[1]
    {'threshold': 0.5, 'precision': 1.0, 'recall': 1.0, 'f1': 1.0}
    """
    rows = []
    for t in thresholds:
        pred = scores >= t
        tp = int((pred & truth).sum())
        precision = tp / int(pred.sum()) if pred.any() else 1.0
        recall = tp / int(truth.sum()) if truth.any() else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"threshold": float(t), "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows)


def _choose(table: pd.DataFrame) -> float:
    return float(table.sort_values(["f1", "threshold"], ascending=[False, True]).iloc[0]["threshold"])


def wrong_matches(scores: np.ndarray, truth: np.ndarray, threshold: float,
                  allowed: np.ndarray | None = None) -> tuple[int, int]:
    """``(wrong, matched)``: chunks whose best article at or above ``threshold`` (among the
    ``allowed`` pairs) is not the one that answers them, and chunks with any such article.

    Examples
    --------
    >>> s = np.array([[0.9, 0.7], [0.7, 0.2], [0.1, 0.2]])
    >>> t = np.array([[True, False], [False, False], [False, True]])
    >>> wrong_matches(s, t, 0.5), wrong_matches(s, t, 0.5, s >= s.max(axis=0) - 0.1)
    ((1, 2), (0, 1))
    """
    s = np.where(allowed if allowed is not None else True, scores, -np.inf)
    if not s.size:
        return 0, 0
    best = s.argmax(axis=1)
    hit = s[np.arange(len(s)), best] >= threshold
    right = truth[np.arange(len(s)), best]
    return int((hit & ~right).sum()), int(hit.sum())


def match_eval(scores: np.ndarray, truth: np.ndarray, folds: np.ndarray, *, embedder: str,
               configured: float, groups: int, subject_margin: float | None = None) -> MatchEval:
    """Sweep all chunks, and score each fold with the threshold the other fold chose; count the
    wrong matches at ``configured`` without and with the subject check (:func:`on_subject`)."""
    chosen, tp, pred, true = [], 0, 0, 0
    for fold in (0, 1):
        tune, test = folds != fold, folds == fold
        t = _choose(sweep(scores[tune], truth[tune]))
        chosen.append(t)
        hit = scores[test] >= t
        tp += int((hit & truth[test]).sum())
        pred += int(hit.sum())
        true += int(truth[test].sum())
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wrong = {"without the subject check": wrong_matches(scores, truth, configured)}
    if subject_margin is not None:
        wrong[f"with the subject check (margin {subject_margin:g})"] = wrong_matches(
            scores, truth, configured, on_subject(scores, subject_margin))
    return MatchEval(embedder, configured, len(scores), groups, int(truth.sum()), sweep(scores, truth),
                     {"precision": precision, "recall": recall, "f1": f1}, chosen, wrong)


def knowledge_eval(tickets: pd.DataFrame, articles: pd.DataFrame, embedder, *, configured: float,  # noqa: ANN001
                   labels: pd.DataFrame, sizes: tuple[int, ...] = (10, 20, 40), random_state: int = 0,
                   subject_margin: float | None = None) -> MatchEval:
    """Embed the labelled tickets and the published articles, and evaluate the match.

    Parameters
    ----------
    tickets : Tickets
        Cleaned tickets (``ticket_id``, ``text``) holding the labelled ones.
    articles : Articles
    embedder : Embedder
    configured : float
        The threshold the config uses for this embedder (reported beside the sweep).
    labels : DataFrame
        :func:`read_labels`.

    Raises
    ------
    InputError
        When the tickets hold none of the labelled ones or no article is published.
    """
    tickets = tickets[tickets["ticket_id"].isin(labels["ticket_id"])]
    published = articles[articles["published"]]
    if not len(tickets) or not len(published):
        raise InputError("the labelled set needs the sample's tickets (data/samples/servicenow_incidents.csv) "
                         "and its published articles (data/samples/kb_knowledge.csv).")
    vectors = pd.DataFrame(embedder.encode(tickets["text"].tolist()), index=tickets["ticket_id"].to_numpy())
    article_vectors = embedder.encode(published["text"].tolist())
    parts = chunks(labels[labels["ticket_id"].isin(vectors.index)], sizes, random_state)
    scores, truth, folds = pair_scores(parts, vectors, published["article_id"].tolist(), article_vectors)
    return match_eval(scores, truth, folds, embedder=embedder.name, configured=configured,
                      groups=int(parts["group"].nunique()), subject_margin=subject_margin)


def evaluate(settings, *, labels_path: str | Path = LABELS, kb_path: str | Path = KB,  # noqa: ANN001 - Settings
             export: str | Path = SAMPLES / "servicenow_incidents.csv") -> MatchEval:
    """``trendminer eval knowledge``: the match on the sample, with the configured embedder."""
    from ..embed import make_embedder
    from ..pipeline import load_tickets
    from . import match_threshold, subject_margin
    from .articles import read_articles

    labels = read_labels(labels_path)
    tickets = load_tickets([export], settings).tickets
    articles, _ = read_articles(kb_path, max_chars=int(settings["knowledge"]["max_chars"]))
    return knowledge_eval(tickets, articles, make_embedder(settings, progress=False),
                          configured=match_threshold(settings), labels=labels,
                          subject_margin=subject_margin(settings))
