"""Scale benchmark of the clustering stage alone (trendminer.cluster.TopicClusterer).

Synthetic embeddings: a mixture of ~300 Gaussian blobs on the unit sphere in 384-d (float32).
Each size runs in a fresh subprocess so the peak RSS reported is per size.

Usage: python benchmarks/bench_cluster_scale.py [n ...]   (default: 10000 100000 1000000)
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

import numpy as np

N_BLOBS, DIM = 300, 384


def make_data(n: int, seed: int = 0) -> np.ndarray:
    """``n`` unit vectors drawn around ``N_BLOBS`` random centres (unequal blob sizes)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((N_BLOBS, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    weights = rng.dirichlet(np.full(N_BLOBS, 2.0))
    blob = rng.choice(N_BLOBS, size=n, p=weights)
    X = np.empty((n, DIM), dtype=np.float32)
    for s in range(0, n, 20_000):  # chunked so that data generation does not dominate peak RSS
        b = blob[s:s + 20_000]
        chunk = centres[b] + 0.045 * rng.standard_normal((len(b), DIM), dtype=np.float32)
        X[s:s + len(b)] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    return X, blob


def child(n: int) -> None:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from trendminer.cluster import TopicClusterer

    X, y = make_data(n)
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    model = TopicClusterer(random_state=0).fit(X)
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB -> MiB on Linux
    print(json.dumps({"n": n, "seconds": round(secs, 1), "peak_rss_mib": round(peak),
                      "rss_after_data_mib": round(rss_data), "n_topics": model.n_topics_,
                      "remainder": round(float(np.mean(model.labels_ == -1)), 4),
                      "nmi": round(normalized_mutual_info_score(y, model.labels_), 3),
                      "ari": round(adjusted_rand_score(y, model.labels_), 3)}))


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    base = None
    print(f"{'n':>9} {'seconds':>8} {'peak RSS MiB':>13} {'x vs 10k':>9}  topics  NMI/ARI vs blobs")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        base = base or r["seconds"]
        print(f"{r['n']:>9} {r['seconds']:>8.1f} {r['peak_rss_mib']:>13}"
              f" {r['seconds'] / base:>9.1f}"
              f"  {r['n_topics']:>6}  {r['nmi']}/{r['ari']} (data alone {r['rss_after_data_mib']}"
              f" MiB, remainder {r['remainder']})", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        main()
