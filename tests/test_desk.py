"""The desk mirror: per-ticket facts, measures against targets, the callback list, the page."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trendminer.config import load_settings
from trendminer.desk import callbacks, desk_measures, desk_mirror, ticket_facts
from trendminer.desk.callbacks import allocation
from trendminer.errors import SchemaError
from trendminer.schema import CALLBACKS, DESK, DESK_FACTS
from trendminer.window import Window

from .conftest import GENERATED_AT, SAMPLE_EXPORT

AS_OF = pd.Timestamp("2026-10-31")
UCI = SAMPLE_EXPORT.parents[3] / "shared" / "data" / "uci-incident-log" / "incident_event_log.zip"


def _tickets(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """``n`` tickets in October: every 4th reopened, every 5th reassigned, every 3rd resolved late."""
    rows = []
    for i in range(n):
        opened = pd.Timestamp("2026-10-01 09:00") + pd.Timedelta(hours=17 * i)
        hours = 50.0 if i % 3 == 0 else 2.0     # priority 3 targets 24 h; 50 h is long-running (2x)
        rows.append({"ticket_id": f"T{i:03d}", "opened_at": opened,
                     "resolved_at": opened + pd.Timedelta(hours=hours) if i % 10 else pd.NaT,
                     "priority": 3, "assignment_group": "Alpha" if i % 2 else "Beta",
                     "reopen_count": int(i % 4 == 1), "reassignment_count": int(i % 5 == 2),
                     "csat": np.nan, "made_sla": np.nan, "first_response_hours": 0.5 if i % 2 else 3.0})
    t = pd.DataFrame(rows)
    t["priority"] = t["priority"].astype("Int64")
    return t


def _inputs(t: pd.DataFrame) -> dict:
    ids = t["ticket_id"]
    return {"signals": pd.DataFrame({"ticket_id": ids, "irritated": ids.str[-1].isin(["7"]),
                                     "process_irritation": 0.1}),
            "assignments": pd.DataFrame({"ticket_id": ids, "topic_id": 0}),
            "attribution": pd.DataFrame({"ticket_id": ids, "system": "VPN"})}


@pytest.fixture
def settings():
    return load_settings()


@pytest.fixture
def window(settings):
    return Window.from_settings(AS_OF, settings)


def test_desk_facts_per_ticket(settings, window):
    t = _tickets()
    f = ticket_facts(t, window=window, settings=settings, **_inputs(t)).set_index("ticket_id")
    assert list(f.reset_index().columns) == list(DESK_FACTS)
    assert f.loc["T001", "fcr"] == 0.0 and f.loc["T004", "fcr"] == 1.0       # reopened / clean and quick
    assert f.loc["T002", "fcr"] == 0.0                                         # reassigned
    assert f.loc["T003", "sla_met"] == 0.0 and f.loc["T003", "sla_source"] == "computed"   # 50 h > 24 h
    assert np.isnan(f.loc["T010", "sla_met"]) and f.loc["T010", "age_days"] > 0           # still open
    assert f.loc["T001", "response_in_target"] == 1.0 and f.loc["T002", "response_in_target"] == 0.0
    assert (f["service_source"] == "process_irritation").all()


def test_desk_facts_prefer_the_exports_sla_and_service_irritation(settings, window):
    t = _tickets().assign(made_sla=1.0)
    inputs = _inputs(t)
    inputs["assignments"]["service_irritation"] = 0.7
    f = ticket_facts(t, window=window, settings=settings, **inputs).set_index("ticket_id")
    assert f.loc["T003", "sla_met"] == 1.0 and f.loc["T003", "sla_source"] == "export"
    assert (f["service_irritation"] == 0.7).all() and (f["service_source"] == "service_irritation").all()


def test_desk_facts_do_not_change_their_inputs(settings, window):
    t = _tickets()
    inputs = _inputs(t)
    before = [t.copy(), *(x.copy() for x in inputs.values())]
    desk_mirror(t, window=window, settings=settings, **inputs)
    for a, b in zip(before, [t, *inputs.values()]):
        pd.testing.assert_frame_equal(a, b)


def test_desk_facts_name_the_missing_column(settings, window):
    t = _tickets()
    inputs = _inputs(t)
    inputs["signals"] = inputs["signals"].drop(columns=["irritated"])
    with pytest.raises(KeyError, match="irritated"):
        ticket_facts(t, window=window, settings=settings, **inputs)
    with pytest.raises(SchemaError, match="desk"):
        from trendminer.schema import validate
        validate(pd.DataFrame({"ticket_id": []}), DESK, "desk")


def test_desk_measures_of_the_window_against_targets(settings, window):
    t = _tickets()
    m = desk_measures(ticket_facts(t, window=window, settings=settings, **_inputs(t)), window=window, settings=settings)
    assert list(m.columns) == list(DESK)
    d = m[(m["level"] == "desk") & m["week_start"].isna()].set_index("measure")
    resolved = t[t["resolved_at"].notna()]
    late = ((resolved["resolved_at"] - resolved["opened_at"]) > pd.Timedelta(hours=24)).sum()
    assert d.loc["resolved", "value"] == len(resolved) == 36
    assert d.loc["sla_met", "value"] == pytest.approx(1 - late / len(resolved))
    assert d.loc["sla_met", "met"] == 0.0 and d.loc["sla_met", "target"] == 0.95
    assert d.loc["sla_breached", "value"] == late == 12 and np.isnan(d.loc["sla_breached", "target"])
    assert d.loc["reopen_rate", "value"] == pytest.approx((resolved["reopen_count"] > 0).mean())
    assert d.loc["backlog_open", "value"] == 4 and d.loc["response_in_target", "value"] == 0.5
    assert d.loc["csat", "tickets"] == 0 and np.isnan(d.loc["csat", "value"]) and np.isnan(d.loc["csat", "met"])
    assert (d.loc[d["target"].notna(), "source"].str.len() > 10).all()   # every target names its source
    groups = m[(m["level"] == "group") & m["week_start"].isna() & (m["measure"] == "resolved")]
    assert dict(zip(groups["group"], groups["value"])) == {"Alpha": 20, "Beta": 16}   # the open ones (every 10th) are even: Beta
    weekly = m[(m["level"] == "desk") & m["week_start"].notna() & (m["measure"] == "opened")]
    first = weekly["week_start"].min()   # whole weeks the data covers: the partial first week is left out
    assert str(first.date()) == "2026-10-04" and weekly["week_start"].is_monotonic_increasing
    assert weekly["value"].sum() == (t["opened_at"] >= first).sum() == 36
    prio = m[(m["level"] == "priority") & (m["measure"] == "resolve_hours_p90")].iloc[0]
    assert prio["priority"] == 3 and prio["target"] == 24.0 and prio["met"] == 0.0


def test_desk_targets_are_overridable(window):
    s = load_settings(overrides=["desk.targets.sla_met.target=0.5", "desk.targets.sla_met.source=our contract"])
    t = _tickets()
    m = desk_measures(ticket_facts(t, window=window, settings=s, **_inputs(t)), window=window, settings=s)
    row = m[(m["level"] == "desk") & m["week_start"].isna() & (m["measure"] == "sla_met")].iloc[0]
    assert row["target"] == 0.5 and row["met"] == 1.0 and row["source"] == "our contract"


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_desk_callbacks_are_reproducible_and_stratified(settings, window, seed):
    s = load_settings(overrides=[f"desk.callbacks.seed={seed}", "desk.callbacks.size=12"])
    t = _tickets(120)
    f = ticket_facts(t, window=window, settings=s, **_inputs(t))
    first = callbacks(f, window=window, settings=s)
    again = callbacks(f.sample(frac=1, random_state=seed), window=window, settings=s)   # row order does not matter
    pd.testing.assert_frame_equal(first, again)
    assert list(first.columns) == list(CALLBACKS) and len(first) == 12 and first["ticket_id"].is_unique
    assert {"reopened", "irritated", "long-running", "other"} <= set(first["stratum"])
    for stratum, part in first.groupby("stratum"):   # the weight is the stratum's tickets per ticket drawn
        assert (part["weight"] * len(part)).round(6).nunique() == 1
    other_night = callbacks(f, window=Window.from_settings(AS_OF - pd.Timedelta(days=1), s), settings=s)
    assert other_night["ticket_id"].tolist() != first["ticket_id"].tolist()


def test_desk_callback_allocation_fills_from_what_is_there():
    assert allocation({"reopened": 1, "irritated": 0, "long-running": 2, "other": 0}, 20, 0.2) == {
        "reopened": 1, "irritated": 0, "long-running": 2, "other": 0}
    assert sum(allocation({"reopened": 50, "irritated": 50, "long-running": 50, "other": 2}, 20, 0.2).values()) == 20


def test_desk_page_and_exports_of_the_sample(sample_run):
    """The demo writes desk.html and callbacks.csv; ERP Support, the SAP ERP group, shows the release."""
    _, out = sample_run
    folder = out / "reports" / "2026-10-31"
    html = (folder / "desk.html").read_text()
    for href in ("desk.html",):
        assert f'href="{href}"' in (folder / "index.html").read_text()
        assert f'href="{href}"' in (folder / "digest.html").read_text()
    assert "targets met in the window" in html and "cannot be measured" in html   # no first response in the sample
    desk = pd.read_csv(folder / "desk.csv")
    g = desk[(desk["level"] == "group") & desk["week_start"].isna()].pivot(index="group", columns="measure",
                                                                        values="value")
    ranked = g[g["resolved"] >= 10]
    assert ranked["reopen_rate"].idxmax() == "ERP Support" and ranked["resolve_hours_median"].idxmax() == "ERP Support"
    assert html.index("ERP Support") < html.index("Service Desk</th>")   # the worst group first
    weeks = desk[(desk["group"] == "ERP Support") & desk["week_start"].notna()]
    reopen = weeks[weeks["measure"] == "reopen_rate"].set_index("week_start")["value"]
    before, after = reopen[reopen.index < "2026-09-13"].mean(), reopen[reopen.index >= "2026-09-20"].mean()
    assert after > 2 * before   # planted: SAP ERP reopened 4.0% -> 18.1% after the 14 Sep release
    calls = pd.read_csv(folder / "callbacks.csv", dtype=str)
    assert len(calls) == 20 and not {"title", "description", "caller", "caller_key"} & set(calls.columns)
    import json

    import jsonschema

    from trendminer.report.deskexport import desk_schema
    jsonschema.validate(json.loads((folder / "desk.json").read_text()), desk_schema())
    assert pd.read_parquet(folder / "desk.parquet").shape[0] == len(desk)


def test_desk_two_runs_of_the_same_input_give_the_same_callbacks(sample_run, tmp_path):
    from trendminer.pipeline import run

    from .conftest import SAMPLE_AS_OF, SAMPLE_CONFIG
    _, out = sample_run
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])
    run([SAMPLE_EXPORT], settings, as_of=SAMPLE_AS_OF, generated_at=GENERATED_AT, state_path=tmp_path / "s.duckdb",
        out_dir=tmp_path / "r", progress=False)
    first = (out / "reports" / "2026-10-31" / "callbacks.csv").read_bytes()
    assert (tmp_path / "r" / "2026-10-31" / "callbacks.csv").read_bytes() == first


@pytest.mark.skipif(not UCI.exists(), reason=f"UCI event log not found at {UCI}")
def test_desk_ranks_the_uci_logs_groups_with_sla_reopen_and_resolve_time(tmp_path):
    """The real ServiceNow event log has made_sla and first work per incident: the desk page uses both."""
    from trendminer.pipeline import run

    settings = load_settings(overrides=["embed.backend=tfidf", "systems.field=assignment_group"])
    run([UCI], settings, as_of=pd.Timestamp("2016-05-31"), generated_at=GENERATED_AT,
        state_path=tmp_path / "s.duckdb", out_dir=tmp_path / "r", progress=False)
    folder = tmp_path / "r" / "2016-05-31"
    desk = pd.read_csv(folder / "desk.csv")
    d = desk[(desk["level"] == "desk") & desk["week_start"].isna()].set_index("measure")
    assert 0.6 < d.loc["sla_met", "value"] < 0.9 and d.loc["sla_met", "tickets"] > 10_000   # from made_sla
    assert d.loc["response_hours_median", "tickets"] > 10_000    # first work in the event log
    groups = desk[(desk["level"] == "group") & desk["week_start"].isna()]
    named = groups["group"][groups["group"] != "(no group)"]   # '?' in the log
    assert named.str.fullmatch(r"assignment group \d+").all() and named.nunique() > 50
    weekly = desk[(desk["level"] == "group") & desk["week_start"].notna() & (desk["measure"] == "sla_met")]
    assert weekly["week_start"].nunique() >= 10
    html = (folder / "desk.html").read_text()
    for column in ("SLA met", "reopened", "median to resolve"):
        assert column in html
    assert html.count('<tr id="group-') >= 30


def test_desk_page_of_a_night_without_tickets(settings, window):
    """No ticket in the lookback (an --as-of after every ticket): every figure unavailable, no group."""
    from trendminer.report.desk import desk_page
    from trendminer.report.models import Page
    from trendminer.report.render import environment

    t = _tickets().head(0)
    run = desk_mirror(t, window=window, settings=settings, **_inputs(t))
    assert run.callbacks.empty and (run.measures["level"] == "desk").all()
    view = desk_page(run, Page("Desk mirror", "2026-10-31", "2026-11-01 02:00", []), window.label(), settings)
    assert view.groups == [] and view.met == "0 of 0 targets met in the window"
    html = environment().get_template("desk.html").render(view=view)
    assert "No ticket was resolved in the window." in html
