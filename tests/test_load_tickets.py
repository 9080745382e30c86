"""pipeline.load_tickets: the one way from export files to cleaned tickets and their accounting."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import SAMPLE_CONFIG, SAMPLE_EXPORT
from trendminer.config import load_settings
from trendminer.errors import InputError, SchemaError
from trendminer.pipeline import load_tickets
from trendminer.schema import TICKETS, validate

HEADER = "number,opened_at,short_description,description,caller_id,sys_updated_on\n"


def _export(tmp_path, rows):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_load_tickets_cleans_redacts_and_accounts(tmp_path):
    path = _export(tmp_path, [
        "INC1,2026-10-01 09:00,Outlook crashes,mail anna.berg@example.com please,Anna Berg,2026-10-01 09:00\n",
        "INC1,2026-10-01 09:00,Outlook crashes,mail anna.berg@example.com please,Anna Berg,2026-10-02 09:00\n",
        "INC2,2026-12-24 09:00,VPN drops,,Bo Li,2026-12-24 09:00\n",
        "INC3,not a date,Printer jam,,Bo Li,\n"])
    loaded = load_tickets([path], load_settings(overrides=["ingest.detect_language=false"]), pd.Timestamp("2026-10-31"))
    acc = loaded.accounting
    assert (acc.rows, acc.accepted, acc.duplicates, acc.rejected) == (4, 1, 1, 2)
    why = {r.row: (r.column, r.reason) for r in acc.examples}
    assert sorted(why) == [3, 4] and why[3][0] == why[4][0] == "opened_at"
    assert why[3][1].startswith("opened after --as-of 2026-10-31") and why[4][1].startswith("unreadable date")
    validate(loaded.tickets, TICKETS, "test")
    assert loaded.tickets["ticket_id"].tolist() == ["INC1"]
    assert "anna.berg@example.com" not in loaded.tickets["description"].iloc[0]
    assert acc.languages  # languages are counted by load_tickets, not patched in by callers


def test_load_tickets_without_as_of_accepts_every_date(tmp_path):
    path = _export(tmp_path, ["INC2,2099-12-24 09:00,VPN drops,,Bo Li,2099-12-24 09:00\n"])
    loaded = load_tickets([path], load_settings(overrides=["ingest.detect_language=false"]))
    assert (loaded.accounting.accepted, loaded.accounting.rejected) == (1, 0)
    with pytest.raises(InputError, match=r"(?s)all 1 rows were rejected.*opened after --as-of 2026-10-31"):
        load_tickets([path], load_settings(overrides=["ingest.detect_language=false"]), pd.Timestamp("2026-10-31"))


def test_load_tickets_strict_refuses_rejected_rows(tmp_path):
    path = _export(tmp_path, ["INC1,2026-10-01 09:00,Outlook,,A B,\n", ",2026-10-01 09:00,No id,,A B,\n"])
    with pytest.raises(InputError, match=r"--strict: 2 rows: 1 accepted, 0 duplicate, 1 rejected; nothing was changed"):
        load_tickets([path], load_settings(), pd.Timestamp("2026-10-31"), strict=True)


def test_load_tickets_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_tickets([tmp_path / "nope.csv"], load_settings())


def test_load_tickets_sample_matches_what_a_run_analyses(sample_run):
    report, _ = sample_run
    loaded = load_tickets([SAMPLE_EXPORT], load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"]),
                          pd.Timestamp("2026-10-31"))
    assert loaded.accounting.summary() == report.accounting.summary()
    assert len(loaded.tickets) == report.analysed


@pytest.mark.parametrize("stage,contract", [("topics", TICKETS)])
def test_schema_validate_names_the_stage_and_the_missing_columns(stage, contract):
    frame = pd.DataFrame({"ticket_id": ["1"], "opened_at": [pd.Timestamp("2026-10-01")]})
    with pytest.raises(SchemaError) as error:
        validate(frame, contract, stage)
    assert str(error.value).startswith("stage 'topics' produced a frame without columns ['resolved_at', 'updated_at'")
