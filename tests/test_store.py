from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendminer.schema import TICKETS
from trendminer.store import State


def _tickets(rows):
    base = {c: "" for c in TICKETS}
    base.update({"opened_at": pd.Timestamp("2026-10-01"), "resolved_at": pd.NaT, "updated_at": pd.NaT,
                 "priority": pd.NA, "reopen_count": 0, "reassignment_count": 0, "source_row": 1,
                 "language": "en", "csat": float("nan"), "made_sla": float("nan"),
                 "first_response_hours": float("nan")})
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["priority"] = frame["priority"].astype("Int64")
    return frame


def test_store_upsert_newest_update_wins(tmp_path):
    path = tmp_path / "s.duckdb"
    with State(path) as st:
        counts = st.upsert_tickets(_tickets([{"ticket_id": "A", "title": "old", "updated_at": pd.Timestamp("2026-10-02")}]))
        st.commit()
    assert counts == {"new": 1, "updated": 0, "unchanged": 0}
    with State(path) as st:
        st.upsert_tickets(_tickets([{"ticket_id": "A", "title": "older", "updated_at": pd.Timestamp("2026-10-01")}]))
        st.upsert_tickets(_tickets([{"ticket_id": "A", "title": "new", "text_hash": "h2",
                                     "updated_at": pd.Timestamp("2026-10-03")}]))
        st.commit()
        got = st.tickets(pd.Timestamp("2026-01-01"), pd.Timestamp("2027-01-01"))
    assert got["title"].tolist() == ["new"]


def test_store_uncommitted_run_leaves_previous_state(tmp_path):
    path = tmp_path / "s.duckdb"
    with State(path) as st:
        st.upsert_tickets(_tickets([{"ticket_id": "A"}]))
        st.commit()
    with pytest.raises(RuntimeError):
        with State(path) as st:
            st.upsert_tickets(_tickets([{"ticket_id": "B"}]))
            raise RuntimeError("crash before commit")
    with State(path) as st:
        ids = st.tickets(pd.Timestamp("2026-01-01"), pd.Timestamp("2027-01-01"))["ticket_id"].tolist()
    assert ids == ["A"]


def test_store_vector_cache_roundtrip(tmp_path):
    vectors = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    with State(tmp_path / "s.duckdb") as st:
        st.add_vectors("m", ["a", "b", "c"], vectors)
        got = st.cached_vectors("m", ["c", "a", "zz"])
        other = st.cached_vectors("other-model", ["a"])
    assert sorted(got) == ["a", "c"] and other == {}
    np.testing.assert_array_equal(got["c"], vectors[2])


def test_store_damaged_file_gives_clear_error(tmp_path):
    from trendminer.errors import StateError

    path = tmp_path / "s.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateError, match="cannot be opened"):
        with State(path):
            pass
