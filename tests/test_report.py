"""Untrusted ticket text is shown as text, never run; CSV exports are formula-safe."""
from __future__ import annotations

import re

import pytest

from tests.conftest import small_run

PAGES = ("index.html", "digest.html", "systems.html", "pain-points.html")
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return small_run(tmp_path_factory.mktemp("hostile"), {
        # irritated enough to be an evidence ticket on the systems page, where its title must show as text
        0: {"short_description": SCRIPT, "description": SCRIPT + " Outlook broken again, this is unacceptable!!!"},
        1: {"short_description": FORMULA},
        2: {"cmdb_ci": "<img src=x onerror=alert(2)>"}})


@pytest.mark.parametrize("page", PAGES[1:])
def test_report_escapes_ticket_markup(hostile, page):
    html = (hostile / page).read_text()
    assert "<script>alert" not in html and "<img src=x" not in html


def test_report_shows_the_script_as_text(hostile):
    html = (hostile / "systems.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


@pytest.mark.parametrize("page", PAGES)
def test_report_is_self_contained(hostile, page):
    html = (hostile / page).read_text()
    assert not re.search(r"""<[^<>]*\b(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "<style>" in html


def test_report_csv_neutralises_formulas(hostile):
    raw = (hostile / "assignments.csv").read_text()
    assert "'=HYPERLINK" in raw and ',=HYPERLINK' not in raw and '"=HYPERLINK' not in raw


def test_report_context_is_the_view_dataclass():
    """The template context is exactly the documented view model (datasette habit)."""
    from dataclasses import fields

    from trendminer.report import models as views

    assert [f.name for f in fields(views.Digest)][:4] == ["page", "headline", "findings", "morning"]
    env = __import__("trendminer.report.render", fromlist=["environment"]).environment()
    assert env.autoescape is True and env.undefined.__name__ == "StrictUndefined"


@pytest.fixture(scope="module")
def owned(tmp_path_factory):
    """Three catalogued systems of two teams (one named with markup), one without tickets,
    and a CI value the catalogue lacks."""
    tmp = tmp_path_factory.mktemp("owned")
    (tmp / "systems.csv").write_text(
        "name,aliases,vendor,owner_team,lifecycle,user_count,criticality\n"
        "Outlook,,Microsoft,Messaging & Co,active,1000,high\n"
        "SAP ERP,,SAP,Messaging & Co,active,1000,high\n"
        "GlobalProtect VPN,,Palo Alto,<b>Net</b>,active,1000,high\n"
        "Confluence,,Atlassian,Wiki,active,1000,low\n")
    folder = small_run(tmp, systems=("Outlook", "GlobalProtect VPN", "SAP ERP", "SAP ERP", "Jira"),
                       title="{system} fails with error {k}", variants=4,
                       overrides=("score.min_tickets=5", f"systems.catalogue={str(tmp / 'systems.csv')!r}"))
    return (folder / "systems.html").read_text()


def _owner_rows(html: str, anchor: str) -> list[list[str]]:
    section = html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", section, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.split(r"</td><td[^>]*>", row)] for row in rows]


def test_report_owner_sections_list_each_teams_systems(owned):
    owners = owned.split('id="owners"')[1].split('id="scorecards"')[0]
    # teams in the order of their best-ranked system; SAP ERP (24 tickets) ranks first
    assert re.findall(r'<section class="owner" id="([^"]+)"', owners) == [
        "owner-messaging-co", "owner-b-net-b", "owner-wiki"]
    mine = _owner_rows(owners, "owner-messaging-co")
    assert [r[0] for r in mine] == ["SAP ERP", "Outlook"]
    assert mine[0][1] == "#1" and mine[0][2] == "24" and mine[1][2] == "12"
    assert mine[0][6] != ""                                   # a top problem topic is named
    assert _owner_rows(owners, "owner-wiki")[0][:3] == ["Confluence", "too few to rank", "0"]
    assert 'href="#system-sap-erp"' in owners                 # each system links to its scorecard
    assert "1 system with tickets names no owner team in the catalogue: Jira." in owners


def test_report_owner_team_names_are_escaped(owned):
    assert "&lt;b&gt;Net&lt;/b&gt;" in owned and "<b>Net</b>" not in owned


def test_report_without_owner_teams_says_so(hostile):
    html = (hostile / "systems.html").read_text()
    owners = html.split('id="owners"')[1].split('id="scorecards"')[0]
    assert "The catalogue names no owner teams" in owners
    assert 'class="owner"' not in owners


def test_report_every_topic_link_resolves(hostile):
    html = (hostile / "digest.html").read_text()
    targets = set(re.findall(r'href="#(topic-\d+)"', html))
    ids = set(re.findall(r'id="(topic-\d+)"', html))
    assert targets <= ids and len(ids) == len(re.findall(r'id="topic-\d+"', html))   # resolvable, unique
