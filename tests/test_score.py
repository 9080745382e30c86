from __future__ import annotations

import numpy as np
import pandas as pd

from trendminer.score import poisson_interval, system_scores
from trendminer.systems import Catalogue
from trendminer.trends import trends


def _world(fast_settings, spec):
    """spec: system -> (failures, howtos, irritation)."""
    as_of = pd.Timestamp("2026-10-31")
    rows = []
    for system, (fail, howto, irr) in spec.items():
        n = fail + howto
        failing = set(np.linspace(0, n - 1, fail).round().astype(int)) if fail else set()
        for i in range(n):  # spread evenly over 40 days so no system trends
            rows.append({"ticket_id": f"{system}-{i}", "opened_at": as_of - pd.Timedelta(days=i * 40 // n),
                         "system": system, "kind": "failure" if i in failing else "howto", "irritation": irr})
    frame = pd.DataFrame(rows)
    tickets = frame[["ticket_id", "opened_at"]]
    attribution = frame[["ticket_id", "system"]]
    signals = frame[["ticket_id", "kind", "irritation"]]
    assignments = pd.DataFrame({"ticket_id": frame["ticket_id"], "topic_id": -1})
    info = pd.DataFrame({"topic_id": [], "label": []})
    tr = trends(tickets, attribution, assignments, info, as_of, fast_settings)
    catalogue = Catalogue(pd.DataFrame({
        "name": list(spec), "aliases": [[] for _ in spec], "vendor": "", "owner_team": "",
        "lifecycle": ["sunset" if s == "Old" else "active" for s in spec],
        "user_count": pd.array([1000] * len(spec), dtype="Int64"), "criticality": ""}))
    return system_scores(tickets, attribution, signals, tr, catalogue, as_of, fast_settings)


def test_score_ranks_failures_and_irritation_and_explains(fast_settings):
    scores = _world(fast_settings, {"Bad": (80, 5, 0.4), "Howto": (5, 40, 0.02), "Fine": (2, 1, 0.0),
                                    "Tiny": (3, 0, 0.9), "Old": (15, 0, 0.1)}).set_index("system")
    assert scores.loc["Bad", "rank"] == 1 and scores.loc["Bad", "recommendation"] == "replace"
    assert scores.loc["Howto", "recommendation"] == "document"
    assert scores.loc["Old", "recommendation"] == "retire"
    assert scores.loc["Fine", "recommendation"] == "keep"
    # 3 very irritated tickets must not top the list: too few to rank, ranked after the others
    assert not scores.loc["Tiny", "rankable"] and scores.loc["Tiny", "rank"] > scores.loc["Old", "rank"]
    parts = scores[[c for c in scores.columns if c.startswith("part_")]].sum(axis=1)
    np.testing.assert_allclose(parts, scores["trouble_score"])
    assert any("80 failures" in r or "94%" in r for r in scores.loc["Bad", "reasons"])


def test_score_poisson_interval_contains_the_count():
    counts = np.array([0, 1, 5, 50])
    lo, hi = poisson_interval(counts)
    assert (lo <= counts).all() and (counts <= hi).all() and hi[0] > 0
