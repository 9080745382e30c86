from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trendminer.config import load_settings
from trendminer.errors import InputError
from trendminer.ingest.surveys import COMMENT_MARK, apply_surveys, read_surveys


def _tickets() -> pd.DataFrame:
    return pd.DataFrame({"ticket_id": ["INC1", "INC2", "INC3"], "title": ["VPN down", "Printer", "Excel"],
                         "description": ["It drops", "Jams", "Slow"], "csat": [np.nan, 1.0, np.nan],
                         "text": ["VPN down It drops", "Printer Jams", "Excel Slow"], "text_hash": ["a", "b", "c"]})


def test_surveys_every_row_accounted_and_joined(tmp_path):
    path = tmp_path / "asmt.csv"
    path.write_text("trigger_id,actual_value,string_value\n"
                    "INC1,1,Nobody called back. Mail me at jo.doe@example.com\n"
                    "INC2,5,\n"
                    "INC1,2,Still waiting\n"
                    "INC9,4,\n"
                    "INC3,lots,\n"
                    ",3,\n"
                    "INC3,,\n", encoding="utf-8")
    before = _tickets()
    out, acc = apply_surveys(before, path, load_settings())
    assert (acc.rows, acc.joined, acc.merged, acc.unmatched, acc.rejected) == (7, 2, 1, 1, 3)
    assert acc.rows == acc.joined + acc.merged + acc.unmatched + acc.rejected
    assert any("row 5, column 'actual_value': 'lots'" in e for e in acc.examples)
    assert any("row 6, column 'trigger_id': no ticket number" in e for e in acc.examples)
    assert out.set_index("ticket_id")["csat"].to_dict() == pytest.approx({"INC1": 0.25, "INC2": 1.0, "INC3": np.nan},
                                                                         nan_ok=True)
    first = out.loc[0, "description"]
    assert f"{COMMENT_MARK} Nobody called back." in first and "Still waiting" in first
    assert "example.com" not in first   # redacted like a description
    assert out.loc[0, "text_hash"] != "a" and before.loc[0, "text_hash"] == "a"   # input not modified


def test_surveys_need_a_ticket_and_a_score_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("who,when\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"needs a ticket-number column.*'who', 'when'"):
        read_surveys(path)
    with pytest.raises(InputError, match="not found"):
        read_surveys(tmp_path / "missing.csv")


def test_surveys_zendesk_comment_counts_as_the_users_words(tmp_path):
    from trendminer.pipeline import load_tickets

    path = tmp_path / "zd.json"
    path.write_text('[{"id": 7, "subject": "Laptop", "description": "Screen flickers", '
                    '"created_at": "2026-10-01T10:00:00Z", "status": "solved", '
                    '"satisfaction_rating": {"score": "bad", "comment": "Closed my ticket without fixing it"}}]',
                    encoding="utf-8")
    tickets = load_tickets([path], load_settings()).tickets
    assert tickets.loc[0, "csat"] == 0.0
    assert tickets.loc[0, "description"].endswith("Survey comment: Closed my ticket without fixing it")
