"""Topic quality, time and memory: trendminer beside BERTopic on the same embeddings, in one run.

A labelled CSV is cleaned and embedded once with the configured embedder, the same way the eval
command prepares texts (vectors cached in a DuckDB state file, ``--cache``). Each method then runs in
a fresh subprocess on those vectors (passed through a temporary ``.npy``), so the peak RSS is per
method:

* ``trendminer``: the nightly topic path, the same call as :mod:`trendminer.eval.topics`
  (``registry.update`` on an empty registry with ``topics.default_clusterer(settings).fit``);
  not told the number of topics.
* ``bertopic``: BERTopic 0.17.4 defaults with ``embedding_model=None`` and
  ``fit_transform(docs, embeddings)``; the UMAP model is the default one with ``random_state``
  fixed (``--seed``, default 42; that is the only seed BERTopic takes, and it makes UMAP
  single-threaded). BERTopic's scores move with the seed: on banking77/test.csv seeds 0, 1, 2, 42
  gave ARI 0.44, 0.41, 0.39, 0.35, so compare a few seeds before quoting one row.
* ``kmeans-true-k`` (``--kmeans``, on by default): KMeans told the true number of labels, a
  reference that cheats.

Label quality (``label top-1`` / ``top-3``, :mod:`trendminer.eval.labels`): per topic, is the
name of its majority class the nearest class name to the topic's label, embedded with the same
model; size-weighted. trendminer's labels are its titles (the nightly labeller, no systems);
BERTopic's are its default keyword labels (``topic_labels_`` without the id: "card arrive my when").

Scoring is done once, in the parent, the same way for every method: trendminer's remainder and
BERTopic's outliers (topic -1) each count as one extra cluster for NMI / ARI / ACC (ACC is the
Hungarian-matched accuracy), so a large remainder lowers the scores.

``seconds`` is the fit alone (for BERTopic that includes its c-TF-IDF topic representation, which
``fit_transform`` always computes; for trendminer the registry update). ``peak RSS`` is the child's
maximum resident set, including its imports; ``RSS before fit`` is the same process after imports
and loading the vectors, so the difference is what the fit itself added.

Needs the bench extra for the BERTopic row: ``pip install -c constraints.txt -e '.[bench]'``.

Usage::

    python benchmarks/bench_topics.py [FILE] [--text-col text] [--label-col category]
        [--cache /tmp/bench_topics.duckdb] [--methods trendminer,bertopic,kmeans-true-k]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_FILE = HERE.parent.parent / "shared" / "data" / "banking77" / "test.csv"
METHODS = ("trendminer", "bertopic", "kmeans-true-k")
SEED = 42  # default UMAP seed for BERTopic (--seed); trendminer uses topics.random_state


def _rss_mib() -> float:
    """Peak resident set of this process image so far, MiB.

    ``/proc/self/status`` VmHWM, not ``getrusage().ru_maxrss``: Linux carries the parent's peak
    into a child's ``ru_maxrss`` across (v)fork + exec, which would give every child the
    parent's peak (here: the parent that loaded the embedding model).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB -> MiB on Linux


# ----------------------------------------------------------------------------- children
def _run_trendminer(X: np.ndarray, docs: list[str], k: int, config: str | None, seed: int) -> tuple:
    import pandas as pd

    from trendminer.config import load_settings
    from trendminer.registry import empty_registry
    from trendminer.registry import update as registry_update
    from trendminer.topics import default_clusterer

    settings = load_settings(config)
    opts = settings["topics"]
    base = _rss_mib()
    start = time.perf_counter()
    result = registry_update(X, empty_registry(), None, default_clusterer(settings).fit,
                             pd.Timestamp("2000-01-01"), min_topic_size=int(opts["min_topic_size"]),
                             default_threshold=float(opts["assign_threshold"]))
    seconds = time.perf_counter() - start
    from trendminer.eval.labels import eval_labels

    info = eval_labels(docs, X, result.labels, result.registry, settings)   # the nightly labeller
    return result.labels, seconds, base, dict(zip(info["topic_id"].tolist(), info["label"]))


def _run_bertopic(X: np.ndarray, docs: list[str], k: int, config: str | None, seed: int) -> tuple:
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic 0.17.4's default UMAP, plus a seed
    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                      low_memory=False, random_state=seed)
    model = BERTopic(embedding_model=None, umap_model=umap_model)
    base = _rss_mib()
    start = time.perf_counter()
    topics, _ = model.fit_transform(docs, X)
    seconds = time.perf_counter() - start
    # its default labels: "3_card_arrive_my_when" -> the keywords "card arrive my when"
    names = {int(t): " ".join(name.split("_")[1:]) for t, name in model.topic_labels_.items() if t != -1}
    return np.asarray(topics), seconds, base, names


def _run_kmeans(X: np.ndarray, docs: list[str], k: int, config: str | None, seed: int) -> tuple:
    from sklearn.cluster import KMeans

    base = _rss_mib()
    start = time.perf_counter()
    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X)
    return labels, time.perf_counter() - start, base, {}   # no labels to score


RUNNERS = {"trendminer": _run_trendminer, "bertopic": _run_bertopic, "kmeans-true-k": _run_kmeans}


def child(method: str, workdir: Path, config: str | None, seed: int) -> None:
    """Fit one method on the saved vectors; save its labels and print timing/memory as JSON."""
    X = np.load(workdir / "vectors.npy")
    docs = json.loads((workdir / "docs.json").read_text("utf-8"))
    k = int(json.loads((workdir / "meta.json").read_text("utf-8"))["k"])
    labels, seconds, base, names = RUNNERS[method](X, docs, k, config, seed)
    np.save(workdir / f"labels-{method}.npy", np.asarray(labels, dtype=np.int64))
    (workdir / f"names-{method}.json").write_text(json.dumps({str(t): n for t, n in names.items()}), "utf-8")
    print(json.dumps({"seconds": seconds, "peak_rss_mib": _rss_mib(), "base_rss_mib": base}))


# ----------------------------------------------------------------------------- parent
def prepare(path: Path, text_col: str, label_col: str, cache: Path, config: str | None):
    """Clean and embed the texts like the eval command does; return vectors, texts, truth, embedder."""
    import pandas as pd

    from trendminer.clean import clean_text, embed_text
    from trendminer.config import load_settings
    from trendminer.embed import embed_cached, make_embedder
    from trendminer.store import State

    settings = load_settings(config)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col, option in ((text_col, "--text-col"), (label_col, "--label-col")):
        if col not in frame.columns:
            sys.exit(f"{path}: no column {col!r} ({option}); columns are {list(frame.columns)}.")
    max_chars = int(settings["embed"]["max_chars"])
    texts = [embed_text(clean_text(t), "", max_chars) for t in frame[text_col]]
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    embedder = make_embedder(settings, progress=True)
    start = time.perf_counter()
    with State(cache) as state:
        vectors, n_new = embed_cached(texts, hashes, embedder, state)
        state.commit()
    print(f"embedded {n_new} new texts ({len(texts) - n_new} cached in {cache}) with "
          f"{embedder.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return np.ascontiguousarray(vectors, dtype=np.float32), texts, frame[label_col].to_numpy(), embedder


def score(truth: np.ndarray, labels: np.ndarray) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from trendminer.eval.topics import hungarian_accuracy

    return {"nmi": float(normalized_mutual_info_score(truth, labels)),
            "ari": float(adjusted_rand_score(truth, labels)),
            "acc": hungarian_accuracy(truth, labels),
            "n_topics": len(set(labels.tolist()) - {-1}),
            "outlier_share": float((labels < 0).mean())}


def label_score(names: dict, labels: np.ndarray, truth: np.ndarray, embedder) -> dict:
    """Label quality of one method's topic names (None when it names no topics)."""
    from trendminer.eval.labels import label_quality

    if not names:
        return {"label_top1": None, "label_top3": None}
    q = label_quality(names, labels, truth, embedder)
    return {"label_top1": q["top1"], "label_top3": q["top3"]}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE),
                        help="labelled CSV (default: ../shared/data/banking77/test.csv)")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="category")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "bench_topics.duckdb"),
                        help="DuckDB state file caching the vectors (default: %(default)s)")
    parser.add_argument("--config", default=None, help="trendminer TOML config (default: built-in)")
    parser.add_argument("--methods", default=",".join(METHODS),
                        help="comma-separated subset of " + ", ".join(METHODS))
    parser.add_argument("--seed", type=int, default=SEED,
                        help="UMAP random_state for BERTopic (default: %(default)s); its scores vary "
                             "with the seed, so compare a few")
    parser.add_argument("--json", action="store_true", help="also print one JSON line per method")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), args.config, args.seed)
        return 0

    path = Path(args.file)
    if not path.is_file():
        print(f"skipped: {path} not found (evaluation data lives in ../shared/data; "
              "see its README).", file=sys.stderr)
        return 0
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown method(s) {sorted(unknown)}; choose from {', '.join(METHODS)}")
    if "bertopic" in methods:
        import importlib.util

        if importlib.util.find_spec("bertopic") is None:
            print("skipping bertopic: not installed (pip install -c constraints.txt -e '.[bench]')",
                  file=sys.stderr)
            methods.remove("bertopic")

    vectors, texts, truth, embedder = prepare(path, args.text_col, args.label_col, Path(args.cache), args.config)
    k = len(set(truth.tolist()))
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_topics_") as tmp:
        work = Path(tmp)
        np.save(work / "vectors.npy", vectors)
        (work / "docs.json").write_text(json.dumps(texts), "utf-8")
        (work / "meta.json").write_text(json.dumps({"k": k}), "utf-8")
        for method in methods:
            print(f"running {method} ...", file=sys.stderr)
            cmd = [sys.executable, __file__, "--child", method, str(work), "--seed", str(args.seed)]
            if args.config:
                cmd += ["--config", args.config]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{method} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
                continue
            measured = json.loads(proc.stdout.strip().splitlines()[-1])
            labels = np.load(work / f"labels-{method}.npy")
            names = {int(t): n for t, n in json.loads((work / f"names-{method}.json").read_text("utf-8")).items()}
            rows.append({"method": method, **score(truth, labels), **measured,
                         **label_score(names, labels, truth, embedder)})

    print(f"\n{path}: {len(texts)} texts, {k} labels, {vectors.shape[1]}-d vectors "
          f"({embedder.name}), all methods measured in this run; BERTopic UMAP seed {args.seed}")
    head = (f"{'method':<15}{'NMI':>7}{'ARI':>7}{'ACC':>7}{'topics':>8}{'outliers':>10}"
            f"{'seconds':>9}{'peak RSS MB':>13}{'RSS before fit':>16}{'label top-1':>13}{'top-3':>7}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['method']:<15}{r['nmi']:>7.3f}{r['ari']:>7.3f}{r['acc']:>7.3f}{r['n_topics']:>8}"
              f"{r['outlier_share']:>10.1%}{r['seconds']:>9.1f}{r['peak_rss_mib']:>13.0f}"
              f"{r['base_rss_mib']:>16.0f}{_pct(r['label_top1']):>13}{_pct(r['label_top3']):>7}")
    print("outliers = trendminer's remainder / BERTopic's topic -1; each counts as ONE extra cluster "
          "for NMI, ARI and ACC (Hungarian-matched).\nkmeans-true-k is told the true number of "
          "labels (a reference, not a contender); the others are not.\nseconds = fit only (BERTopic's "
          "includes its c-TF-IDF representation and numba compilation in a fresh process); "
          "RSS in MiB (peak of the child process, imports included).\nlabel top-1 / top-3 = size-weighted "
          "share of topics whose majority class's name (underscores as spaces) is the nearest / among the 3 "
          "nearest of all class names to the topic's label, embedded with the same model: trendminer's "
          "titles vs BERTopic's default keyword labels (the words of its topic names).")
    if args.json:
        for r in rows:
            print(json.dumps({**r, "file": str(path), "n": len(texts)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
