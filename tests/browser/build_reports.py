"""Build the report sets the browser tests open: the bundled sample and a hostile corpus.

The hostile corpus is a ServiceNow-style export plus a system catalogue whose ticket titles,
descriptions, ``cmdb_ci`` values and catalogue names / aliases / owners / vendors carry XSS
payloads. Every payload that could run sets ``window.__xss`` or opens a dialog, so the
browser driver can tell whether anything executed.

Usage (what ``make screenshots`` runs)::

    python tests/browser/build_reports.py --out artifacts/reports   # sample + hostile + chart gallery
    python tests/browser/build_reports.py --out /tmp/r --only sample --clusterer kmeans
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples"
AS_OF = pd.Timestamp("2026-10-31")
GENERATED_AT = pd.Timestamp("2026-11-01 02:00:00")

#: Payloads placed in every text field a user or an admin controls. Each one, if it ever ran,
#: would set window.__xss or open a dialog.
PAYLOADS = [
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "<script>window.__xss=1;alert('xss')</script>",
    '"><svg onload=window.__xss=1;alert(1)>',
    "'><svg/onload=alert(document.domain)>",
    "</title><script>window.__xss=1;alert(2)</script>",
    "</textarea></style></script><script>window.__xss=1</script>",
    '<a href="javascript:window.__xss=1;alert(3)">click me</a>',
    "javascript:alert(4)",
    '<iframe src="javascript:alert(5)"></iframe>',
    '<body onload=alert(6)>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(7)>',
    "&lt;img src=x onerror=alert(8)&gt;",          # entity-encoded: the cleaner unescapes it
    "&#60;script&#62;alert(9)&#60;/script&#62;",
    '{{ 7*7 }} {% raw %}${alert(10)}',              # template-injection probes
    '<div style="background:url(https://evil.example/x.png)">styled</div>',
    '<link rel=stylesheet href=https://evil.example/x.css>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "=HYPERLINK(\"https://evil.example\",\"csv\")",
]

COLUMNS = ["number", "opened_at", "resolved_at", "sys_updated_on", "short_description", "description",
           "cmdb_ci", "category", "subcategory", "priority", "impact", "urgency", "state", "caller_id",
           "assignment_group", "reopen_count", "reassignment_count"]

HOSTILE_SYSTEMS = [
    # name, aliases, vendor, owner_team, lifecycle, user_count, criticality
    ('Evil<img src=x onerror="window.__xss=1;alert(11)">ERP', "EVILERP;<script>alert(12)</script>",
     "<b>Vendor</b><script>window.__xss=1</script>", '"><svg onload=alert(13)> Owners', "active", "900", "high"),
    ("Pwn</title><script>window.__xss=1;alert(14)</script>Portal", "pwnportal;javascript:alert(15)",
     "javascript:alert(16)", "<iframe src=javascript:alert(17)></iframe>", "sunset", "300", "medium"),
    ('Q"uote\'s & <b>Bold</b> CRM', 'QCRM;"><img src=x onerror=alert(18)>', "ACME & Co",
     "CRM <a href=\"javascript:alert(19)\">team</a>", "active", "1500", "low"),
    ("Plain Mail", "plainmail", "Example", "Messaging", "active", "4000", "high"),
]


#: Knowledge-base articles (a generic CSV export) with payloads in titles and bodies; the first
#: answers the corpus's how-to topic, so its title and body excerpt are shown on knowledge.html.
HOSTILE_ARTICLES = [
    ("KB-X1", 'How do I export the report <img src=x onerror="window.__xss=1;alert(30)">',
     '<p>Export the report: &lt;script&gt;window.__xss=1&lt;/script&gt; <script>window.__xss=1;alert(31)</script> '
     'from the menu. <a href="javascript:alert(32)">guide</a></p>'),
    ("KB-X2", "</title><script>window.__xss=1;alert(33)</script>Unused article",
     '<iframe src="javascript:alert(34)"></iframe><svg onload=alert(35)>nothing to see'),
    ("KB-X3", '=HYPERLINK("https://evil.example","kb")', "<img src=x onerror=alert(36)>spreadsheet"),
]


def kmeans_clusterer(n_clusters: int = 40, random_state: int = 0):  # noqa: ANN201 - a Clusterer
    """A small KMeans clusterer for the tests (stands in for trendminer.cluster)."""
    from sklearn.cluster import MiniBatchKMeans

    class KMeansClusterer:
        def __init__(self, n_clusters: int, random_state: int) -> None:
            self.n_clusters = n_clusters
            self.random_state = random_state

        def fit(self, X: np.ndarray) -> KMeansClusterer:
            k = max(1, min(self.n_clusters, len(X) // 20))
            km = MiniBatchKMeans(k, n_init=3, random_state=self.random_state, batch_size=2048).fit(X)
            # topic 0 = the largest, as the real clusterer numbers them
            order = np.argsort(-np.bincount(km.labels_, minlength=k), kind="stable")
            remap = np.empty(k, dtype=int)
            remap[order] = np.arange(k)
            centroids = km.cluster_centers_[order]
            norms = np.linalg.norm(centroids, axis=1, keepdims=True)
            self.labels_ = remap[km.labels_]
            self.centroids_ = centroids / np.where(norms == 0, 1, norms)
            return self

    return KMeansClusterer(n_clusters, random_state)


def _clusterer(kind: str):  # noqa: ANN202
    if kind == "kmeans":
        return kmeans_clusterer()
    try:
        import trendminer.cluster  # noqa: F401
    except ImportError:
        if kind == "real":
            raise
        print("trendminer.cluster is missing: using the test KMeans clusterer", file=sys.stderr)
        return kmeans_clusterer()
    return None  # the pipeline's default


def _run(inputs: list[Path], config: Path, out: Path, clusterer: str, as_of: pd.Timestamp = AS_OF) -> Path:
    from trendminer.config import load_settings
    from trendminer.pipeline import run

    settings = load_settings(config, ["embed.backend=tfidf"])
    with tempfile.TemporaryDirectory(prefix="tm-browser-") as tmp:
        report = run(inputs, settings, as_of=as_of, generated_at=GENERATED_AT,
                     state_path=Path(tmp) / "state.duckdb", out_dir=out,
                     clusterer=_clusterer(clusterer), progress=False)
    assert report.report_dir is not None
    return report.report_dir


def build_sample(out: Path, clusterer: str = "auto", as_of: pd.Timestamp = AS_OF) -> Path:
    """The bundled ServiceNow sample; returns the folder holding the five pages."""
    return _run([SAMPLE / "servicenow_incidents.csv"], SAMPLE / "trendminer.toml", Path(out), clusterer,
                pd.Timestamp(as_of))


def hostile_rows(seed: int = 7) -> list[dict[str, str]]:
    """~400 tickets over 70 days with payloads in titles, descriptions and cmdb_ci.

    The last week is busier for the first system so the digest flags it (the flag links to
    the system's anchor), and how-to and frustration wording puts systems on the pain-point
    page. A few rows are invalid so the digest shows rejection examples with payloads.
    """
    rng = np.random.default_rng(seed)
    names = [s[0] for s in HOSTILE_SYSTEMS]
    cis = names + ["<script>window.__xss=1;alert(20)</script>Unknown CI", 'javascript:alert(21)', ""]
    rows = []
    start = dt.datetime(2026, 8, 23, 8, 0)
    n = 0
    for day in range(70):
        date = start + dt.timedelta(days=day)
        per_day = 10 if day >= 63 else 5
        for j in range(per_day):
            n += 1
            ci = cis[0] if (day >= 63 and j < 6) else cis[int(rng.integers(len(cis)))]
            p = PAYLOADS[int(rng.integers(len(PAYLOADS)))]
            q = PAYLOADS[int(rng.integers(len(PAYLOADS)))]
            if day >= 63 and j < 6:
                # the busy week's tickets are the newest, so the pages' drill-downs (and the
                # typical quotes) always list them: the entity-encoded payload reaches every page
                p = next(x for x in PAYLOADS if "alert(8)" in x)
            howto = rng.random() < 0.4
            title = (f"how do I export the report {p}" if howto else f"error again, crashes {p} unacceptable!!!")
            desc = (f"<p>Hello,</p><p>{q}</p><p>It still fails {p}.</p>" if rng.random() < 0.5
                    else f"Still broken, third time. {q} Please fix ASAP.\n{p}")
            opened = date + dt.timedelta(minutes=int(rng.integers(0, 480)))
            rows.append({
                "number": f"INC9{n:06d}", "opened_at": f"{opened:%Y-%m-%d %H:%M:%S}",
                "resolved_at": f"{opened + dt.timedelta(hours=5):%Y-%m-%d %H:%M:%S}",
                "sys_updated_on": f"{opened + dt.timedelta(hours=6):%Y-%m-%d %H:%M:%S}",
                "short_description": title, "description": desc, "cmdb_ci": ci,
                "category": "Inquiry / Help" if howto else "Software", "subcategory": p,
                "priority": "3 - Moderate", "impact": "2 - Medium", "urgency": "2 - Medium",
                "state": "Closed", "caller_id": f"Mallory User{n % 9}",
                "assignment_group": f"Group {p}", "reopen_count": str(int(rng.random() < 0.2)),
                "reassignment_count": str(int(rng.integers(0, 3)))})
    ask = np.random.default_rng(seed + 1)      # how-to questions for knowledge.html (own seed: rows above unchanged)
    for k in range(48):
        p = PAYLOADS[int(ask.integers(len(PAYLOADS)))]
        opened = start + dt.timedelta(days=22 + k, minutes=int(ask.integers(0, 480)))
        rows.append({
            "number": f"INC8{k:06d}", "opened_at": f"{opened:%Y-%m-%d %H:%M:%S}",
            "resolved_at": f"{opened + dt.timedelta(hours=2):%Y-%m-%d %H:%M:%S}",
            "sys_updated_on": f"{opened + dt.timedelta(hours=3):%Y-%m-%d %H:%M:%S}",
            "short_description": f"how do I export the report to Excel? {p}",
            "description": f"Where is the export of the report? {p}", "cmdb_ci": names[2],
            "category": "Inquiry / Help", "subcategory": p, "priority": "4 - Low", "impact": "3 - Low",
            "urgency": "3 - Low", "state": "Closed", "caller_id": f"Mallory Asker{k % 12}",
            "assignment_group": "Service Desk", "reopen_count": "0", "reassignment_count": "0"})
    for k, p in enumerate(PAYLOADS[:6]):       # rejected rows: bad date, empty text
        rows.append({c: "" for c in COLUMNS} | {"number": f"BAD{k}{p}", "opened_at": f"not a date {p}",
                                                 "short_description": p})
    return rows


def build_hostile(out: Path, clusterer: str = "kmeans") -> Path:
    """The XSS corpus; returns the folder holding the five pages."""
    out = Path(out)
    src = out / "hostile-input"
    src.mkdir(parents=True, exist_ok=True)
    with open(src / "tickets.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        w.writerows(hostile_rows())
    with open(src / "systems.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "aliases", "vendor", "owner_team", "lifecycle", "user_count", "criticality"])
        w.writerows(HOSTILE_SYSTEMS)
    with open(src / "kb.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "body", "url", "updated"])
        w.writerows([(i, t, b, f"kb/{i}", "2026-08-01") for i, t, b in HOSTILE_ARTICLES])
    (src / "trendminer.toml").write_text('[systems]\ncatalogue = "systems.csv"\n[knowledge]\narticles = "kb.csv"\n',
                                         encoding="utf-8")
    return _run([src / "tickets.csv"], src / "trendminer.toml", out / "hostile", clusterer)


GALLERY = """{% extends "base.html" %}{% set active = "" %}{% block content %}
<p>Every chart of trendminer.report.timecharts on synthetic data whose names and labels are payloads.</p>
{% for heading, chart in charts %}<h2>{{ heading }}</h2>
{{ chart }}
{% endfor %}{% endblock %}
"""


def gallery_charts() -> list[tuple[str, object]]:
    """The time charts on synthetic series: a spike rising and easing, a step after a release,
    a 3-a-week system next to a 60-a-week one, a system whose data starts late, ten topics."""
    from trendminer.report import series, timecharts

    days = list(pd.date_range("2026-09-07", "2026-10-31", freq="D"))
    usual = [1 if d.weekday() >= 5 else 6 for d in days]
    spike = {pd.Timestamp("2026-10-28"): 30, pd.Timestamp("2026-10-29"): 36,
             pd.Timestamp("2026-10-30"): 21, pd.Timestamp("2026-10-31"): 9}
    counts = [spike.get(d, u) for d, u in zip(days, usual)]
    expected = series.weekday_expected(days, counts, days[0], pd.Timestamp("2026-10-25"))
    weeks = list(pd.date_range("2026-05-25", periods=23, freq="7D"))
    release = 15  # week of 7 Sep
    multiples = {
        "SAP ERP": [18 + i % 3 if i < release else 60 + i % 4 for i in range(23)],
        HOSTILE_SYSTEMS[0][0]: [3 + i % 2 for i in range(23)],
        HOSTILE_SYSTEMS[1][0]: [None] * 9 + [5 + i % 3 for i in range(14)],
        HOSTILE_SYSTEMS[2][0]: [0 if i % 4 else 2 for i in range(23)],
        "Plain Mail": [12 - i // 3 for i in range(23)],
    }
    topics = {f"{PAYLOADS[i]} topic {i} with a long, human label": [max(0, 20 - i - (w - 10) ** 2 // 8) for w in range(23)]
              for i in range(10)}
    return [
        ("Daily chart", timecharts.daily_chart(
            days, counts, f"GlobalProtect VPN {PAYLOADS[0]} tickets per day", expected=expected,
            marks=[(pd.Timestamp("2026-10-28"), "spike since 28 Oct"), (pd.Timestamp("2026-10-05"), PAYLOADS[1])])),
        ("Weekly small multiples", timecharts.weekly_multiples(
            multiples, weeks, f"Tickets per system {PAYLOADS[4]}",
            marks={"SAP ERP": (weeks[release], "release"), HOSTILE_SYSTEMS[0][0]: (weeks[3], PAYLOADS[2])})),
        ("Topics over time", timecharts.topics_over_time(topics, weeks, "Biggest topics")),
        ("Weekly sparkline", timecharts.weekly_sparkline(multiples[HOSTILE_SYSTEMS[1][0]], weeks,
                                                          f"Weekly tickets of {HOSTILE_SYSTEMS[1][0]}")),
    ]


def build_gallery(out: Path) -> Path:
    """One page, ``out/charts.html``, with every time chart in the real page frame and style."""
    from trendminer.report.models import Page
    from trendminer.report.render import environment
    from trendminer.report.views import NAV

    class View:
        page = Page("Charts gallery", str(AS_OF.date()), GENERATED_AT.strftime("%Y-%m-%d %H:%M"), NAV)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    html = environment().from_string(GALLERY).render(view=View(), charts=gallery_charts())
    (out / "charts.html").write_text(html, encoding="utf-8")
    return out / "charts.html"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--only", choices=["sample", "hostile", "gallery"])
    ap.add_argument("--as-of", default=str(AS_OF.date()), help="run date of the sample (default %(default)s)")
    ap.add_argument("--clusterer", choices=["auto", "real", "kmeans"], default="auto",
                    help="auto: trendminer.cluster when it exists, else a test KMeans")
    args = ap.parse_args(argv)
    if args.only in (None, "sample"):
        print(build_sample(args.out / "sample", args.clusterer, pd.Timestamp(args.as_of)))
    if args.only in (None, "hostile"):
        print(build_hostile(args.out, "kmeans" if args.clusterer == "auto" else args.clusterer))
    if args.only in (None, "gallery"):
        print(build_gallery(args.out / "gallery"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
