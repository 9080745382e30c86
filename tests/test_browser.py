"""The five pages in a real browser: headless Debian Chromium driven by playwright-core.

Two report sets are built once per session: the bundled sample and a hostile corpus whose
ticket titles, descriptions, ``cmdb_ci`` values, catalogue names / aliases / owners /
vendors and knowledge-base article titles / bodies are XSS payloads (``tests/browser/build_reports.py``). ``tests/browser/check.mjs``
opens every page, intercepts every request and reports console errors, requests, dialogs,
injected elements, axe-core violations and sideways scrolling as JSON, at 1400 and 420 px
wide; the tests here assert on that JSON. A third set is one page showing every chart of
``trendminer.report.timecharts`` with payloads in its names and labels. Full-page screenshots
go to ``artifacts/screenshots/<corpus>-<page>-<width>.png``.

The browser tests skip, saying why, only when Chromium, Node.js or the npm packages are
missing; ``make browser`` installs them. The external-URL tests need no browser.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

ROOT = Path(__file__).resolve().parents[1]
BROWSER_DIR = ROOT / "tests" / "browser"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("TRENDMINER_CHROMIUM", "/usr/bin/chromium"))
PAGES = ["index.html", "digest.html", "topics.html", "systems.html", "pain-points.html", "knowledge.html", "desk.html"]
CORPORA = ["sample", "hostile"]
WIDTHS = ["1400", "420"]
NARROW = "420"
#: a URL that leaves the file: any scheme but data: (http:, https:, javascript:, file: ...) or //host
LEAVES_FILE = re.compile(r"^\s*(?!data:)(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)
URL_ATTRS = {"src", "href", "xlink:href", "action", "formaction", "poster", "srcset", "data", "background",
             "ping", "manifest", "cite"}
CSS_URL = re.compile(r"url\(|@import", re.IGNORECASE)

import sys  # noqa: E402 - the builder lives beside the driver, outside the package

sys.path.insert(0, str(BROWSER_DIR))
import build_reports  # noqa: E402


def _why_no_browser() -> str | None:
    if not CHROMIUM.exists():
        return (f"Chromium not found at {CHROMIUM}: run `make browser` (installs Debian's chromium "
                "when run as root) or set TRENDMINER_CHROMIUM to a Chromium binary.")
    if shutil.which("node") is None:
        return "Node.js (node) is not on PATH: install Debian's nodejs, then run `make browser`."
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir() or \
            not (BROWSER_DIR / "node_modules" / "axe-core").is_dir():
        return "playwright-core / axe-core missing in tests/browser/node_modules: run `make browser` (npm ci)."
    return None


@pytest.fixture(scope="session")
def report_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{"sample": folder, "hostile": folder}``, each holding the five pages."""
    out = tmp_path_factory.mktemp("briefs")
    clusterer = os.environ.get("TRENDMINER_BROWSER_CLUSTERER", "kmeans")
    return {"sample": build_reports.build_sample(out / "sample", clusterer),
            "hostile": build_reports.build_hostile(out, "kmeans"),
            "gallery": build_reports.build_gallery(out / "gallery").parent}


def _drive(files: list[Path], label: str, json_path: Path, extra: tuple[str, ...] = ()) -> dict:
    cmd = ["node", str(BROWSER_DIR / "check.mjs"), "--screenshots", str(SCREENSHOTS), "--label", label,
           "--json", str(json_path), *extra, *map(str, files)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, f"browser driver failed:\n{done.stderr[-4000:]}"
    return json.loads(json_path.read_text("utf-8"))


@pytest.fixture(scope="session")
def browser_results(report_dirs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``{(corpus, page): what check.mjs saw}`` for all ten pages and the chart gallery."""
    why = _why_no_browser()
    if why:
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("browser")
    results = {}
    for corpus, folder in report_dirs.items():
        pages = ["charts.html"] if corpus == "gallery" else PAGES
        seen = _drive([folder / p for p in pages], corpus, tmp / f"{corpus}.json")
        results.update({(corpus, r["name"]): r for r in seen["pages"]})
    return results


cases = pytest.mark.parametrize("corpus,page", [(c, p) for c in CORPORA for p in PAGES] + [("gallery", "charts.html")])


@cases
def test_browser_page_has_no_console_errors(browser_results: dict, corpus: str, page: str) -> None:
    assert browser_results[(corpus, page)]["consoleErrors"] == []


@cases
def test_browser_page_makes_no_network_requests(browser_results: dict, corpus: str, page: str) -> None:
    assert browser_results[(corpus, page)]["requests"] == []


@cases
def test_browser_page_fires_no_dialog_and_has_no_injected_element(browser_results: dict, corpus: str,
                                                                   page: str) -> None:
    r = browser_results[(corpus, page)]
    assert r["dialogs"] == []
    assert r["injected"] == []


@cases
def test_browser_payloads_stay_inert_without_csp(browser_results: dict, corpus: str, page: str) -> None:
    """Escaping alone must hold: the same page with its Content-Security-Policy bypassed."""
    assert browser_results[(corpus, page)]["noCsp"] == {"dialogs": [], "injected": [], "xss": False}


@cases
@pytest.mark.parametrize("width", WIDTHS)
def test_browser_axe_finds_no_serious_or_critical_violation(browser_results: dict, corpus: str,
                                                            page: str, width: str) -> None:
    axe = browser_results[(corpus, page)]["widths"][width]["axe"]
    assert [v for v in axe if v["impact"] in ("serious", "critical")] == []


@cases
def test_browser_page_does_not_scroll_sideways_at_420_px(browser_results: dict, corpus: str, page: str) -> None:
    """On a phone or a narrow mail pane the page fits; a wide table scrolls inside its own box."""
    scroll = browser_results[(corpus, page)]["widths"][NARROW]["scroll"]
    assert scroll["clientWidth"] == int(NARROW)
    assert scroll["scrollWidth"] <= scroll["clientWidth"], f"sticking out: {scroll['overflowing']}"
    assert scroll["overflowing"] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_browser_ranking_shows_the_action_without_scrolling(browser_results: dict, width: str) -> None:
    """Issue 22: the architect sees each system's recommendation and trouble score first, on a phone too."""
    scroll = browser_results[("sample", "systems.html")]["widths"][width]["scroll"]
    assert scroll["rankingVisible"] is True, scroll


@cases
@pytest.mark.parametrize("width", WIDTHS)
def test_browser_names_never_break_inside_a_word(browser_results: dict, corpus: str, page: str, width: str) -> None:
    """Issue 22: "Salesforc|e" and "SharePoi|nt" were broken mid-word; a name wraps between words only."""
    if corpus == "hostile":
        pytest.skip("the hostile corpus's names are single 200-character payloads that must wrap somewhere")
    assert browser_results[(corpus, page)]["widths"][width]["scroll"]["brokenNames"] == []


@cases
@pytest.mark.parametrize("width", WIDTHS)
def test_browser_chart_text_is_at_least_10_px(browser_results: dict, corpus: str, page: str, width: str) -> None:
    """Issue 22: at 420 px the charts shrank with the screen and their text was 6-9 px; each chart
    is drawn for the width, so its smallest text (font size times the SVG's scale) is 10 px."""
    scroll = browser_results[(corpus, page)]["widths"][width]["scroll"]
    if (corpus, page) in (("sample", "digest.html"), ("sample", "systems.html"), ("gallery", "charts.html")):
        assert scroll["chartMinFontPx"] is not None, "this page has charts: the measure must see them"
    if scroll["chartMinFontPx"] is not None:
        assert scroll["chartMinFontPx"] >= 9.99, scroll["chartMinFontAt"]


@cases
@pytest.mark.parametrize("width", WIDTHS)
def test_browser_screenshot_is_written(browser_results: dict, corpus: str, page: str, width: str) -> None:
    shot = Path(browser_results[(corpus, page)]["widths"][width]["screenshot"])
    assert shot.name == f"{corpus}-{page.removesuffix('.html')}-{width}.png"
    assert shot.is_file() and shot.stat().st_size > 1000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_browser_harness_catches_what_it_looks_for(tmp_path: Path) -> None:
    """The checks are not vacuous: a page with live payloads fails every one of them."""
    why = _why_no_browser()
    if why:
        pytest.skip(why)
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html><head><title>t</title></head><body>'
                   '<img src=x onerror="window.__xss=1;alert(1)"><a href="javascript:alert(2)">j</a>'
                   '<script>console.error("boom")</script><img src="https://evil.example/p.png">'
                   '<div style="width:900px">wide</div><div style="overflow-x:auto"><p style="width:900px">boxed</p></div>'
                   '<svg viewBox="0 0 640 40" width="160"><text y="20" font-size="12">shrunk</text></svg>'
                   "<input></body></html>", encoding="utf-8")
    r = _drive([bad], "canary", tmp_path / "canary.json", ("--no-hostile-pass",))["pages"][0]
    assert r["dialogs"] == ["alert: 1"]
    assert "window.__xss was set" in r["injected"] and "a[href=javascript:alert(2)]" in r["injected"]
    assert "https://evil.example/p.png" in r["requests"]
    assert any("boom" in e for e in r["consoleErrors"])
    assert {v["id"] for v in r["axe"]} >= {"image-alt", "label", "html-has-lang"}
    assert r["axe"] == r["widths"]["1400"]["axe"] and r["widths"]["420"]["axe"]
    narrow = r["widths"]["420"]["scroll"]
    assert narrow["scrollWidth"] > narrow["clientWidth"] == 420
    assert narrow["overflowing"] == ["div right=908"]       # the boxed paragraph is not listed
    assert r["widths"]["1400"]["scroll"]["overflowing"] == []
    assert r["widths"]["420"]["scroll"]["chartMinFontPx"] == pytest.approx(3.0)   # 12 px at a quarter of its size
    for width in WIDTHS:
        Path(r["widths"][width]["screenshot"]).unlink()


class _UrlFinder(HTMLParser):
    """Collects URL-valued attributes of real tags and CSS url()/@import (not escaped text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRS and LEAVES_FILE.search(value):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and CSS_URL.search(value):
                self.found.append(f"<{tag} style={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False if tag == "style" else self._in_style

    def handle_data(self, data: str) -> None:
        if self._in_style and CSS_URL.search(data):
            self.found.append("url() or @import in <style>")


def external_urls(html: str) -> list[str]:
    """Every src/href/... that points outside the file, and every CSS url()."""
    finder = _UrlFinder()
    finder.feed(html)
    finder.close()
    return finder.found


@cases
def test_report_html_has_no_external_urls(report_dirs: dict[str, Path], corpus: str, page: str) -> None:
    html = (report_dirs[corpus] / page).read_text("utf-8")
    assert external_urls(html) == []
    # the plain grep, inside real tags only (escaped ticket text such as "&lt;a href=https://…" is text)
    assert not re.search(r"""<[^<>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)


def test_report_external_url_finder_finds_what_it_should() -> None:
    hits = ['<img src="https://x/y.png">', "<a href='http://x'>", "<a href=//cdn.x/y>",
            '<svg><use xlink:href="https://x#a"/></svg>', '<p style="background:url(x.png)">',
            '<a href="javascript:x">', "<style>@import 'x.css';</style>"]
    misses = ['<a href="digest.html">', '<a href="#system-sap">', "<p>text https://x.example in a cell</p>",
              "<p>&lt;img src=https://x&gt;</p>", '<img src="x.png">', '<a href="systems.html#system-a">',
              '<img src="data:image/png;base64,AA" alt="">']
    assert all(external_urls(h) for h in hits), [h for h in hits if not external_urls(h)]
    assert not any(external_urls(m) for m in misses)


@pytest.mark.parametrize("text,page", [
    (build_reports.HOSTILE_SYSTEMS[0][0], "systems.html"),                 # catalogue name
    (build_reports.HOSTILE_SYSTEMS[0][0], "digest.html"),                  # catalogue name in a finding
    (build_reports.HOSTILE_SYSTEMS[1][3], "systems.html"),                 # catalogue owner
    ("<script>window.__xss=1;alert(20)</script>Unknown CI", "systems.html"),  # raw cmdb_ci
    ("<img src=x onerror=alert(8)>", "pain-points.html"),                  # entity-encoded title
    (build_reports.HOSTILE_ARTICLES[0][1], "knowledge.html"),              # article title (unmatched list)
    ("Export the report: <script>", "knowledge.html"),                     # article body, cleaned to text
])
def test_report_hostile_payload_is_shown_as_text(report_dirs: dict[str, Path], text: str, page: str) -> None:
    """The payloads reach the page (so the browser checks test something), escaped."""
    html = (report_dirs["hostile"] / page).read_text("utf-8")
    assert str(escape(text)) in html
    assert text not in html


@pytest.mark.parametrize("corpus", CORPORA)
def test_browser_knowledge_page_is_readable_at_420_px(browser_results: dict, corpus: str) -> None:
    """At 420 px nothing sticks out sideways (tables may scroll inside their box) and text stays >= 12 px."""
    narrow = browser_results[(corpus, "knowledge.html")]["widths"]["420"]["scroll"]
    assert narrow["scrollWidth"] <= narrow["clientWidth"], narrow
    assert not narrow["overflowing"] and narrow["minFontPx"] >= 12, narrow


def test_browser_hostile_article_is_matched_so_its_body_is_shown(report_dirs: dict[str, Path]) -> None:
    """The hostile KB's first article answers the corpus's how-to topic: its title and body reach the page."""
    html = (report_dirs["hostile"] / "knowledge.html").read_text("utf-8")
    assert "article <strong>KB-X1</strong>" in html
