"""Topic clustering of L2-normalised sentence embeddings without a given number of topics.

Algorithm (near-linear in the number of texts ``n``):

1. **Units.** If ``n > max_units`` the points are compressed into ``max_units`` micro-clusters
   with :class:`~sklearn.cluster.MiniBatchKMeans` (fitted on a bounded sub-sample, then every
   point is assigned once); otherwise every point is its own unit.
2. **Graph smoothing.** A symmetric k-nearest-neighbour graph is built on the unit centroids and
   each centroid is replaced by a few steps of the (size-weighted) random-walk average of its
   neighbourhood. This pulls units of the same topic together, like the spectral embedding does,
   but keeps a nested hierarchy available.
3. **Hierarchy.** Ward linkage on the smoothed unit vectors.
4. **Number of topics.** Every cut of the dendrogram on a log-spaced grid of ``k`` is scored by the
   size-weighted cosine silhouette of the *raw* unit centroids. ``k`` is the knee of that curve:
   the cut maximising ``silhouette_norm - log_k_norm`` (both rescaled to ``[0, 1]``), i.e. the
   point where extra topics stop buying separation. No number of topics is ever given.
5. **Final assignment.** Topic centroids are the normalised means of their points; each point
   goes to the most similar centroid. Topics smaller than ``min_topic_size`` are dissolved, and a
   point whose best similarity is below ``threshold_`` (by default the lowest similarity of a
   training point to its own centroid; see ``remainder_quantile``) goes to the remainder ``-1``.
   :meth:`predict` uses exactly this rule, so ``fit(X).labels_`` equals ``predict(X)``.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, ward
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import MiniBatchKMeans
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import check_is_fitted

_CHUNK = 8192


def _validate(X: np.ndarray) -> np.ndarray:
    """Check ``X`` (2-D, non-empty, finite); return L2-normalised float32 rows (never in place)."""
    X = check_array(X, dtype=np.float32, ensure_all_finite=True, ensure_min_samples=1)
    norms = np.linalg.norm(X, axis=1)
    if np.allclose(norms, 1.0, atol=1e-3):
        return X
    return X / np.maximum(norms, 1e-12)[:, None]


def _best_match(X: np.ndarray, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of and cosine similarity to the most similar row of ``C`` for every row of ``X``."""
    idx = np.empty(len(X), dtype=np.int64)
    sim = np.empty(len(X), dtype=np.float32)
    for s in range(0, len(X), _CHUNK):
        S = X[s:s + _CHUNK] @ C.T
        idx[s:s + _CHUNK] = S.argmax(axis=1)
        sim[s:s + _CHUNK] = S[np.arange(len(S)), idx[s:s + _CHUNK]]
    return idx, sim


def _group_sums(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of ``X`` per label in ``0..k-1`` (labels ``< 0`` ignored), float64."""
    out = np.zeros((k, X.shape[1]))
    for s in range(0, len(X), _CHUNK):
        lab = labels[s:s + _CHUNK]
        ok = lab >= 0
        H = sp.csr_matrix((np.ones(ok.sum()), (lab[ok], np.flatnonzero(ok))), shape=(k, len(lab)))
        out += H @ X[s:s + _CHUNK]
    return out


def _normalise(M: np.ndarray) -> np.ndarray:
    return (M / np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def _weighted_silhouette(D: np.ndarray, lab: np.ndarray, w: np.ndarray) -> float:
    """Mean silhouette of units with distances ``D``, labels ``lab`` and multiplicities ``w``."""
    m, k = len(lab), int(lab.max()) + 1
    Hw = sp.csr_matrix((w, (np.arange(m), lab)), shape=(m, k))
    SD = np.asarray((Hw.T @ D).T)                      # (m, k): weighted distance sums
    size = np.asarray(Hw.sum(axis=0)).ravel()
    own = size[lab] - w                                # other points of the own topic
    a = SD[np.arange(m), lab] / np.maximum(own, 1e-12)
    SD /= size
    SD[np.arange(m), lab] = np.inf
    b = SD.min(axis=1)
    s = np.where(own > 0, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(np.average(s, weights=w))


class TopicClusterer(ClusterMixin, BaseEstimator):
    """Cluster sentence embeddings into topics, choosing the number of topics from the data.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=0
        Seed of the micro-clustering (only used when ``n > max_units``); same seed, same labels.
    min_topic_size : int, default=5
        Topics with fewer points are dissolved into their nearest other topics (or the remainder).
    max_topics : int, default=400
        Largest number of topics considered (also capped at ``n // (2 * min_topic_size)``).
    max_units : int, default=4000
        Above this many points, points are first compressed into this many micro-clusters.
    n_neighbors : int, default=10
        Neighbours per unit in the smoothing graph.
    smoothing_steps : int, default=2
        Random-walk averaging steps applied to the unit vectors before the Ward linkage.
    remainder_quantile : float, default=0.0
        Share of the least typical training points (lowest similarity to their topic centroid)
        that the learned similarity threshold sends to the remainder (label ``-1``). With 0 the
        threshold is the lowest such similarity seen in fit: the training data has (almost) no
        remainder, and new points less similar to every centroid than that go to ``-1``.
    n_candidates : int, default=40
        Number of log-spaced cuts of the hierarchy scored when choosing the number of topics.
    curve_window : int, default=3
        Candidates averaged (a running mean over the log-spaced grid, ends left as they are)
        before the knee is taken;
        1 turns the smoothing off.
    knee_slope : float, default=1.0
        Price of extra topics in the knee criterion ``silhouette_norm - knee_slope * log_k_norm``;
        lower values give more, finer topics.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Topic of every point, ``0..n_topics_-1`` by decreasing size, ``-1`` = remainder.
    centroids_ : ndarray of shape (n_topics_, n_features)
        L2-normalised topic centroids, in topic order.
    n_topics_ : int
        Number of topics found.
    threshold_ : float
        Minimum cosine similarity to the nearest centroid for a point to join a topic.
    scores_ : ndarray of shape (n_cuts, 2)
        Candidate numbers of topics and their silhouettes (diagnostics).
    """

    def __init__(self, *, random_state=0, min_topic_size: int = 5, max_topics: int = 400,
                 max_units: int = 4000, n_neighbors: int = 10, smoothing_steps: int = 2,
                 remainder_quantile: float = 0.0, n_candidates: int = 40,
                 knee_slope: float = 1.0, curve_window: int = 3):
        self.random_state = random_state
        self.min_topic_size = min_topic_size
        self.max_topics = max_topics
        self.max_units = max_units
        self.n_neighbors = n_neighbors
        self.smoothing_steps = smoothing_steps
        self.remainder_quantile = remainder_quantile
        self.n_candidates = n_candidates
        self.knee_slope = knee_slope
        self.curve_window = curve_window

    # ------------------------------------------------------------------ stages
    def _units(self, X: np.ndarray,
               rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return unit vectors ``U``, unit multiplicities ``w`` and the unit of every point."""
        n = len(X)
        if n <= self.max_units:
            return X, np.ones(n), np.arange(n)
        n_sub = 50 * self.max_units
        sub = X if n <= n_sub else X[np.sort(rng.choice(n, n_sub, replace=False))]
        mbk = MiniBatchKMeans(self.max_units, init="random", batch_size=4096, n_init=1,
                              max_iter=10, random_state=rng).fit(sub)
        unit, _ = _best_match(X, _normalise(mbk.cluster_centers_))
        w = np.bincount(unit, minlength=self.max_units).astype(float)
        keep = w > 0
        unit = (np.cumsum(keep) - 1)[unit]
        U = _normalise(_group_sums(X, unit, int(keep.sum())))
        return U, w[keep], unit

    def _choose_partition(self, U: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
        """Smooth, link and cut the units; return the unit labels of the chosen cut."""
        m = len(U)
        kmax = min(self.max_topics, n // (2 * self.min_topic_size), m - 1)
        if kmax < 2:
            self.scores_ = np.empty((0, 2))
            return np.zeros(m, dtype=np.int64)
        nn = min(self.n_neighbors, m - 1)
        S = U @ U.T
        np.fill_diagonal(S, -np.inf)
        nbr = np.argpartition(-S, nn - 1, axis=1)[:, :nn]
        rows = np.repeat(np.arange(m), nn)
        A = sp.csr_matrix((np.ones(nbr.size), (rows, nbr.ravel())), shape=(m, m))
        A = (A.maximum(A.T) + sp.eye(m)) @ sp.diags(w)
        P = sp.diags(1.0 / np.asarray(A.sum(axis=1)).ravel()) @ A
        Z = U.astype(np.float64)
        for _ in range(self.smoothing_steps):
            Z = P @ Z
        linkage = ward(_normalise(Z).astype(np.float64))
        np.fill_diagonal(S, 1.0)
        D = np.clip(1.0 - S, 0.0, None, out=S)

        def cut(k: int) -> tuple[np.ndarray, float]:
            lab = fcluster(linkage, k, criterion="maxclust") - 1
            return lab, (_weighted_silhouette(D, lab, w) if lab.max() >= 1 else -1.0)

        ks = np.unique(np.round(np.geomspace(2, kmax, self.n_candidates)).astype(int))
        raw = np.array([cut(k)[1] for k in ks])
        # The silhouette curve is noisy from cut to cut; a running mean over neighbouring
        # candidates keeps a local bump (e.g. at k=5) from winning the knee by a hair.
        half = self.curve_window // 2
        sil = np.array([raw[j - half:j + half + 1].mean() if half <= j < len(raw) - half else raw[j]
                        for j in range(len(raw))])
        logk = np.log(ks)
        lo_s, span_s, lo_k, span_k = sil.min(), np.ptp(sil) or 1.0, logk.min(), np.ptp(logk) or 1.0

        def knee(k: int, s: float) -> float:
            return (s - lo_s) / span_s - self.knee_slope * (np.log(k) - lo_k) / span_k

        i = int(np.argmax([knee(k, s) for k, s in zip(ks, sil)]))
        # refine: every integer k between the neighbours of the best coarse candidate
        fine = range(ks[max(i - 1, 0)], ks[min(i + 1, len(ks) - 1)] + 1)
        scored = [(k, *cut(k)) for k in fine]
        pairs = {(int(k), float(s)) for k, s in zip(ks, raw)} | {(k, s) for k, _, s in scored}
        self.scores_ = np.array(sorted(pairs))
        k, lab, _ = max(scored, key=lambda t: knee(t[0], t[2]))
        return lab

    def _assign(self, X: np.ndarray, C: np.ndarray, threshold: float) -> np.ndarray:
        idx, sim = _best_match(X, C)
        return np.where(sim >= threshold, idx, -1)

    # ------------------------------------------------------------------ API
    def fit(self, X: np.ndarray, y=None) -> "TopicClusterer":
        """Find the topics of ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Sentence embeddings (rows are L2-normalised if they are not already; never modified).
        y : None
            Ignored.

        Returns
        -------
        self : TopicClusterer
        """
        X = _validate(X)
        rng = check_random_state(self.random_state)
        U, w, unit = self._units(X, rng)
        lab = self._choose_partition(U, w, len(X))[unit]
        C = _normalise(_group_sums(X, lab, int(lab.max()) + 1))
        threshold = -np.inf
        while True:   # dissolve undersized topics until every topic is large enough
            idx, sim = _best_match(X, C)
            if threshold == -np.inf:
                threshold = float(np.quantile(sim, self.remainder_quantile))
            labels = np.where(sim >= threshold, idx, -1)
            sizes = np.bincount(labels[labels >= 0], minlength=len(C))
            small = sizes < self.min_topic_size
            if not small.any() or small.all():
                break
            C = C[~small]
        order = np.argsort(-sizes, kind="stable")
        self.centroids_ = C[order]
        self.threshold_ = threshold
        self.n_topics_ = len(C)
        self.labels_ = self._assign(X, self.centroids_, self.threshold_)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Assign points to the most similar topic centroid, ``-1`` below ``threshold_``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Sentence embeddings.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "centroids_")
        return self._assign(_validate(X), self.centroids_, self.threshold_)
