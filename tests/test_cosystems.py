"""Tickets about several systems (trendminer.cosystems): a primary system and the others named."""
from __future__ import annotations

import json

import pandas as pd

import pytest

from tests.conftest import SAMPLES, small_run
from trendminer.config import load_settings
from trendminer.catalogue import Catalogue
from trendminer.cosystems import BASIS, also_named, other_systems
from trendminer.schema import TICKETS
from trendminer.systems import attribute


@pytest.fixture
def settings():
    return load_settings()


def frame(titles: list[str], fields: list[str] | None = None) -> pd.DataFrame:
    t = pd.DataFrame({c: [""] * len(titles) for c in TICKETS})
    t["ticket_id"] = [f"T{i}" for i in range(len(titles))]
    t["title"] = titles
    t["system_field"] = fields or [""] * len(titles)
    return t


def test_primary_and_others(settings):
    cat = Catalogue(pd.DataFrame({"name": ["Outlook", "SharePoint", "Teams"], "aliases": [[], ["SPO"], []],
                                  "row": [2, 3, 4]}))
    t = frame(["Outlook crashes when I open the SharePoint link", "SPO slow", "Teams and Outlook and SPO down",
               "printer jam"], ["", "", "", ""])
    a = attribute(t, catalogue=cat, settings=settings)
    assert a["system"].tolist()[:3] == ["Outlook", "SharePoint", "Teams"]
    got = other_systems(t, a, cat)
    assert got[["ticket_id", "system", "primary"]].values.tolist() == [
        ["T0", "SharePoint", "Outlook"], ["T2", "Outlook", "Teams"], ["T2", "SharePoint", "Teams"]]
    assert set(got["basis"]) == {BASIS}


def test_ci_field_is_primary_and_the_text_adds_others(settings):
    cat = Catalogue(pd.DataFrame({"name": ["Outlook", "SharePoint"], "aliases": [[], []], "row": [2, 3]}))
    t = frame(["cannot open the SharePoint link from a mail"], ["Outlook"])
    got = other_systems(t, attribute(t, catalogue=cat, settings=settings), cat)
    assert got[["system", "primary"]].values.tolist() == [["SharePoint", "Outlook"]]


def test_no_catalogue_no_others(settings):
    empty = Catalogue(pd.DataFrame({"name": [], "aliases": [], "row": []}))
    t = frame(["Outlook and SharePoint"])
    assert other_systems(t, attribute(t, catalogue=empty, settings=settings), empty).empty


def test_also_named_counts_failures_in_the_window_only():
    o = pd.DataFrame({"ticket_id": ["a", "b", "c", "a"], "system": ["X", "X", "X", "X"], "primary": "Y", "basis": BASIS})
    t = pd.DataFrame({"ticket_id": ["a", "b", "c"]})
    s = pd.DataFrame({"ticket_id": ["a", "b", "c"], "kind": ["failure", "failure", "howto"]})
    got = also_named(o, t, s, pd.Series([True, False, True]))
    assert got.values.tolist() == [["X", 2, 1]]


def test_run_counts_a_second_system_apart(tmp_path):
    # every third ticket is about Outlook and names SAP ERP too
    updates = {i: {"short_description": "Outlook crashes when I open the SAP ERP link", "cmdb_ci": ""}
               for i in range(0, 60, 3)}
    report = small_run(tmp_path, updates, overrides=("score.min_tickets=1", f'systems.catalogue="{SAMPLES / "systems.csv"}"'))
    systems = {r["system"]: r for r in json.loads((report / "trendminer.json").read_text())["systems"]}
    assert systems["SAP ERP"]["also_named"] == 20 and systems["SAP ERP"]["also_named_failures"] == 20
    assert systems["Outlook"]["tickets"] == 20 and systems["Outlook"]["also_named"] == 0
