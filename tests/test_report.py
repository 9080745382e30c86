"""Untrusted ticket text is shown as text, never run; CSV exports are formula-safe."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import GENERATED_AT, FakeClusterer, make_export
from trendminer.config import load_settings
from trendminer.pipeline import run

PAGES = ("index.html", "digest.html", "systems.html", "pain-points.html")
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    rows = []
    for i in range(60):
        system = ["Outlook", "GlobalProtect VPN", "SAP ERP"][i % 3]
        rows.append({"number": f"INC{i:05d}", "opened_at": f"2026-10-{1 + i % 30:02d} 09:00:00",
                     "short_description": f"{system} problem number {i % 7}", "description": "it fails",
                     "cmdb_ci": system})
    rows[0].update(short_description=SCRIPT, description=SCRIPT + " Outlook again")
    rows[1].update(short_description=FORMULA)
    rows[2].update(cmdb_ci="<img src=x onerror=alert(2)>")
    export = make_export(tmp / "hostile.csv", rows)
    settings = load_settings(overrides=["embed.backend=tfidf", "score.min_tickets=1"])
    run([export], settings, as_of=pd.Timestamp("2026-10-31"), generated_at=GENERATED_AT,
        state_path=tmp / "s.duckdb", out_dir=tmp / "r", clusterer=FakeClusterer(3), progress=False)
    return tmp / "r" / "2026-10-31"


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

    from trendminer.report import views

    assert [f.name for f in fields(views.Digest)][:3] == ["page", "headline", "changes"]
    env = __import__("trendminer.report.render", fromlist=["environment"]).environment()
    assert env.autoescape is True and env.undefined.__name__ == "StrictUndefined"
