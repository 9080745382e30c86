"""Size benchmark of the HTML briefs: 100k tickets / 50 systems / 300 topics.

Builds synthetic frames of the shapes the report stage receives (no ingest, no embedding),
feeds them to :class:`trendminer.report.views.Builder`, renders the four pages and prints
each file's size (target < 5 MB) and its load time in headless Chromium (target < 2 s,
measured by ``tests/browser/check.mjs``: ``page.goto`` until the load event, and the
navigation timing's loadEventEnd). Printed, not asserted.

Usage::

    .venv/bin/python benchmarks/bench_reports.py [--tickets 100000] [--systems 50] [--topics 300]
                                                 [--out DIR] [--no-browser]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from trendminer.config import load_settings
from trendminer.ingest import Accounting
from trendminer.report.render import render_pages
from trendminer.report.models import RunData
from trendminer.report.views import Builder
from trendminer.score import PARTS
from trendminer.window import Window

ROOT = Path(__file__).resolve().parents[1]
AS_OF = pd.Timestamp("2026-10-31")
WORDS = ("vpn sap outlook printer login password timeout crash slow report invoice badge sync teams "
         "meeting license upload export error again still broken cannot access mailbox calendar "
         "screen freeze update driver token expired certificate portal payroll expense").split()
TARGET_BYTES, TARGET_SECONDS = 5_000_000, 2.0


def _text(rng: np.random.Generator, n: int, words: int) -> list[str]:
    vocab = np.array(WORDS)
    idx = rng.integers(0, len(vocab), size=(n, words))
    return [" ".join(row) for row in vocab[idx]]


def synthetic_run(n_tickets: int, n_systems: int, n_topics: int, seed: int = 0) -> RunData:
    """Frames shaped like one run's, with Zipf-like system and topic sizes."""
    rng = np.random.default_rng(seed)
    systems = [f"System {i:02d} {WORDS[i % len(WORDS)].title()} Platform" for i in range(n_systems)]
    ids = [f"INC{i:08d}" for i in range(n_tickets)]
    opened = AS_OF - pd.to_timedelta(rng.integers(0, 180 * 24 * 60, n_tickets), unit="min")
    sys_p = 1 / np.arange(1, n_systems + 2) ** 0.9
    sys_idx = rng.choice(n_systems + 1, size=n_tickets, p=sys_p / sys_p.sum())
    system = np.array(systems + ["(unattributed)"])[sys_idx]
    top_p = 1 / np.arange(1, n_topics + 1) ** 0.8
    topic = rng.choice(n_topics, size=n_tickets, p=top_p / top_p.sum())
    topic[rng.random(n_tickets) < 0.05] = -1
    titles = _text(rng, n_tickets, 7)
    descs = _text(rng, n_tickets, 45)
    tickets = pd.DataFrame({
        "ticket_id": ids, "opened_at": opened, "resolved_at": opened + pd.Timedelta(hours=6),
        "updated_at": opened + pd.Timedelta(hours=7), "title": titles, "description": descs,
        "system_field": system, "category": "Software", "priority": pd.array([3] * n_tickets, dtype="Int64"),
        "state": "Closed", "caller_key": "", "assignment_group": "Service Desk",
        "reopen_count": rng.integers(0, 2, n_tickets), "reassignment_count": rng.integers(0, 3, n_tickets),
        "text": titles, "text_hash": ids, "source_file": "synthetic.csv", "source_row": np.arange(1, n_tickets + 1)})
    attribution = pd.DataFrame({"ticket_id": ids, "system": system,
                                "source": np.where(system == "(unattributed)", "none", "field"), "confidence": 1.0})
    assignments = pd.DataFrame({"ticket_id": ids, "topic_id": topic})
    kinds = rng.choice(["failure", "howto", "request"], size=n_tickets, p=[0.6, 0.25, 0.15])
    comps = rng.random((n_tickets, 6)) * (rng.random((n_tickets, 6)) < 0.3)
    signals = pd.DataFrame({"ticket_id": ids, "kind": kinds,
                            **{c: comps[:, i] for i, c in enumerate(
                                ["frustration", "repetition", "shouting", "urgency", "reopens", "reassignments"])},
                            "irritation": comps.mean(axis=1)})
    info_rows = []
    for k in range(n_topics):
        members = np.flatnonzero(topic == k)
        counts = pd.Series(system[members]).value_counts()
        info_rows.append({"topic_id": k, "label": f"{counts.index[0]}: {WORDS[k % len(WORDS)]}, {WORDS[(k * 7) % len(WORDS)]} #{k}",
                          "keyphrases": [WORDS[k % len(WORDS)], WORDS[(k * 7) % len(WORDS)]], "size": len(members),
                          "representatives": [ids[i] for i in members[:3]], "top_system": counts.index[0]})
    info = pd.DataFrame(info_rows)
    trend_rows = []
    flags = ["steady"] * 8 + ["rising", "spiking", "fading", "new"]
    for kind, entities, labels in (("system", systems, systems),
                                   ("topic", [str(k) for k in range(n_topics)], info["label"].tolist())):
        for e, lab in zip(entities, labels):
            exp = float(rng.uniform(2, 60))
            rec = int(rng.poisson(exp * rng.choice([0.5, 1, 1, 2])))
            trend_rows.append({"entity_type": kind, "entity": e, "label": lab, "recent": rec, "baseline": exp * 4,
                               "expected": exp, "ratio": rec / exp, "p_value": float(rng.uniform(0, 0.2)),
                               "flag": flags[int(rng.integers(len(flags)))],
                               "lifecycle": "" if kind == "system" else
                               ["New", "Emerging", "Active", "Active", "Fading"][int(rng.integers(5))]})
    trends = pd.DataFrame(trend_rows)
    score_rows = []
    for i, name in enumerate(systems):
        mine = sys_idx == i
        parts = rng.uniform(0, 0.25, len(PARTS))
        recs = ["replace", "retire", "upgrade", "fix", "document", "keep", "watch"]
        score_rows.append({"system": name, "tickets": int(mine.sum()), "failures": int((kinds[mine] == "failure").sum()),
                           "howto": int((kinds[mine] == "howto").sum()), "requests": int((kinds[mine] == "request").sum()),
                           "user_count": 1000 + 100 * i, "failures_per_100_users": float(rng.uniform(0, 30)),
                           "irritation": float(comps[mine].mean()), "recent": 10, "expected": 9.5, "trend_ratio": 1.05,
                           "cost": float(mine.sum() * 41.25), "trouble_score": float(parts.sum()),
                           "recommendation": recs[i % len(recs)],
                           "reasons": [{"rule": "fix", "recent_failures": 5 + j + i % 7, "expected_failures": 2.0 + j,
                                        "failure_trend": 2.5} for j in range(3)],
                           "lifecycle": "active", "rankable": i < n_systems - 3,
                           **{f"part_{p}": float(v) for p, v in zip(PARTS, parts)}})
    scores = pd.DataFrame(score_rows).sort_values("trouble_score", ascending=False).reset_index(drop=True)
    scores["rank"] = np.arange(1, len(scores) + 1)
    catalogue = pd.DataFrame({"name": systems, "aliases": [[] for _ in systems], "vendor": "Vendor",
                              "owner_team": [f"Team {i % 9}" for i in range(n_systems)], "lifecycle": "active",
                              "user_count": [1000 + 100 * i for i in range(n_systems)], "criticality": "medium"})
    acc = Accounting(rows=n_tickets, accepted=n_tickets)
    quality = {"remainder": int((topic < 0).sum()), "remainder_share": float((topic < 0).mean()),
               "largest": float(info["size"].max()), "median": float(info["size"].median()),
               "embedded": 0, "unattributed": int((system == "(unattributed)").sum())}
    return RunData(tickets, attribution, assignments, info, signals, trends, scores, catalogue, acc,
                   [f"change {i}" for i in range(20)], quality)


def browser_load(files: list[Path]) -> dict[str, dict] | None:
    """Load times from the browser driver, or None (with a reason on stderr) when it cannot run."""
    driver = ROOT / "tests" / "browser" / "check.mjs"
    if not Path("/usr/bin/chromium").exists() or shutil.which("node") is None or \
            not (driver.parent / "node_modules" / "playwright-core").is_dir():
        print("(no browser timing: run `make browser` first)", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "timing.json"
        subprocess.run(["node", str(driver), "--no-axe", "--no-hostile-pass", "--json", str(out), *map(str, files)],
                       check=True, cwd=ROOT)
        return {p["name"]: p for p in json.loads(out.read_text())["pages"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tickets", type=int, default=100_000)
    ap.add_argument("--systems", type=int, default=50)
    ap.add_argument("--topics", type=int, default=300)
    ap.add_argument("--out", type=Path, help="keep the pages here (default: a temporary folder)")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    data = synthetic_run(args.tickets, args.systems, args.topics)
    t1 = time.perf_counter()
    settings = load_settings(overrides=["embed.backend=tfidf"])
    builder = Builder(data, settings=settings, window=Window.from_settings(AS_OF, settings),
                      generated_at=pd.Timestamp("2026-11-01 02:00"))
    pages = render_pages(builder)
    t2 = time.perf_counter()
    out = args.out or Path(tempfile.mkdtemp(prefix="tm-bench-reports-"))
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, html in pages.items():
        (out / name).write_text(html, encoding="utf-8")
        files.append(out / name)
    timing = None if args.no_browser else browser_load(files)

    print(f"bench_reports: {args.tickets} tickets, {args.systems} systems, {args.topics} topics "
          f"(synthetic frames {t1 - t0:.1f} s, view models + render {t2 - t1:.1f} s)")
    print(f"{'page':<18}{'size':>12}{'< 5 MB':>8}{'load (goto)':>13}{'loadEventEnd':>14}{'< 2 s':>7}")
    for f in files:
        size = f.stat().st_size
        row = f"{f.name:<18}{size / 1e3:>10.1f}kB{'yes' if size < TARGET_BYTES else 'NO':>8}"
        if timing:
            t = timing[f.name]
            nav = (t.get("navTiming") or {}).get("load", float("nan"))
            row += f"{t['loadMs'] / 1000:>12.2f}s{nav / 1000:>13.2f}s{'yes' if t['loadMs'] / 1000 < TARGET_SECONDS else 'NO':>7}"
        print(row)
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)
    else:
        print(f"pages in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
