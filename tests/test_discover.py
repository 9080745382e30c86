"""Systems discovered from ticket text (trendminer.discover) and `systems suggest` on an export
whose systems are lower-case words, with host names, asset tags, IPs and codes mixed in."""
from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.conftest import make_export
from trendminer.catalogue import load_catalogue
from trendminer.cli import cli
from trendminer.discover import HOST_SOURCE, classify_token, discover, looks_like_host

# An export like a real manufacturing desk's: lower-case product words, tool names, hosts.
LOWERCASE_TITLES = (
    ["erp posting error on invoice", "cannot post goods receipt in erp", "erp very slow today",
     "sap gui freezes at login", "s4 report dump", "erp authorisation missing"]
    + ["job_scheduler job failed overnight", "job_scheduler batch stuck", "job_scheduler run late on rtr01",
       "restart job_scheduler agent"]
    + ["outlook not syncing", "outlook crashes on start", "shared calendar in outlook"]
    + ["skype call drops", "skype status wrong", "skype meeting audio bad"]
    + ["vpn keeps disconnecting", "vpn login fails", "no vpn from home"]
    + ["crm login fails", "crm record locked", "crm export slow"]
    + ["rtr01 interface down", "sw01 port flapping", "sw01 high cpu", "vip2 unreachable", "vip2 health check red",
       "prtgghj4k sensor alert", "prtgghj4k ping lost", "IP 10.20.30.40 unreachable", "ping 10.20.30.40 lost",
       "rtr01 reboot", "INC0012345 reopened", "INC0012345 again"]
)


def test_looks_like_host_keeps_products_with_digits():
    assert [looks_like_host(t) for t in ("rtr01", "sw01", "vip2", "prtgghj4k", "10.20.30.40", "srv.corp.local")] \
        == [True] * 6
    assert [looks_like_host(t) for t in ("o365", "s4", "win10", "vpn", "erp")] == [False] * 5


@pytest.mark.parametrize("token,expected", [
    ("job_scheduler", ("job_scheduler", "tool name")), ("hrtool", ("hrtool", "tool name")),
    ("SAP", ("erp", "known product")), ("Outlook", ("outlook", "known product")),
    ("grafana", ("grafana", "product-like word")), ("MES", ("mes", "acronym")),
    ("printer", None), ("teh", None), ("pls", None), ("Maria", None), ("pdf", None),
])
def test_classify_token(token, expected):
    assert classify_token(token) == expected


def test_discover_groups_aliases_and_sets_hosts_apart():
    systems, hosts = discover(list(LOWERCASE_TITLES), [f"T{i:02d}" for i in range(len(LOWERCASE_TITLES))], 2)
    names = {s["name"]: s for s in systems}
    assert names["erp"]["tickets"] == 6 and set(names["erp"]["aliases"].split("; ")) == {"s4", "sap gui"}
    assert {"erp", "job_scheduler", "outlook", "skype", "vpn", "crm"} <= set(names)
    assert {h["name"] for h in hosts} == {"rtr01", "sw01", "vip2", "prtgghj4k", "10.20.30.40", "INC0012345"}
    assert all(h["source"] == HOST_SOURCE for h in hosts)
    assert not {h["name"] for h in hosts} & set(names)


def test_discover_folds_a_misspelling_into_the_product():
    systems, _ = discover(["outlok slow", "outlook slow", "Outlook down"], ["a", "b", "c"], 2)
    assert [(s["name"].lower(), s["tickets"]) for s in systems] == [("outlook", 3)]


def test_discover_input_not_modified():
    texts = ["erp slow", "erp down"]
    discover(texts, ["a", "b"], 1)
    assert texts == ["erp slow", "erp down"]


def test_systems_suggest_finds_lowercase_systems(tmp_path):
    export = make_export(tmp_path / "export.csv", [
        {"number": f"INC{i:04d}", "short_description": t, "description": ""} for i, t in enumerate(LOWERCASE_TITLES)])
    out = tmp_path / "systems.csv"
    result = CliRunner().invoke(cli, ["systems", "suggest", str(export), "--min-tickets", "2",
                                      "--write-catalogue", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(pd.io.common.StringIO(result.stdout), dtype=str, keep_default_na=False)
    systems = frame[frame["source"] != HOST_SOURCE]
    hosts = frame[frame["source"] == HOST_SOURCE]
    assert {"erp", "job_scheduler", "outlook", "skype", "vpn", "crm"} <= set(systems["name"].str.lower())
    assert systems["name"].tolist()[0].lower() == "erp"            # most tickets, a known product
    assert {"rtr01", "sw01", "vip2", "prtgghj4k"} <= set(hosts["name"])
    assert not {"IP", "ip", "rtr01", "sw01", "vip2", "prtgghj4k"} & set(systems["name"])
    # the catalogue it wrote is one the nightly run reads, aliases included
    catalogue = load_catalogue(out)
    row = catalogue.frame[catalogue.frame["name"].str.lower() == "erp"].iloc[0]
    assert set(row["aliases"]) == {"s4", "sap gui"}
    assert not set(catalogue.frame["name"]) & set(hosts["name"])


def test_systems_suggest_refuses_to_overwrite_a_catalogue(tmp_path):
    export = make_export(tmp_path / "export.csv", [
        {"number": f"INC{i}", "short_description": t} for i, t in enumerate(["erp slow", "erp down", "erp error"])])
    out = tmp_path / "systems.csv"
    out.write_text("name\nMy edited system\n")
    result = CliRunner().invoke(cli, ["systems", "suggest", str(export), "--write-catalogue", str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.output and out.read_text() == "name\nMy edited system\n"
