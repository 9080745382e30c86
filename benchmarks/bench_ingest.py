"""Ingest benchmark: a 1,000,000-row ServiceNow export, trendminer vs DuckDB's read_csv.

Generates the export once (to /tmp), then times in separate child processes, so each peak
RSS is its own (imports and model loading happen before the clock starts): DuckDB ``CREATE TABLE AS SELECT * FROM read_csv(...)``, DuckDB
``read_csv(...).df()`` (into pandas, what trendminer has to deliver), and trendminer's
``read_exports`` with and without language detection. Prints rows/s, peak RSS and the ratios.

Usage::

    .venv/bin/python benchmarks/bench_ingest.py            # 1,000,000 rows
    .venv/bin/python benchmarks/bench_ingest.py --rows 100000
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

SYSTEMS = ["SAP ERP", "Outlook", "GlobalProtect VPN", "Teams", "Workday", "Printer", "Laptop",
           "SharePoint", "Jira", "Active Directory", "Salesforce", "ServiceNow"]
PROBLEMS = ["crashes when opening {o}", "is very slow since the update", "cannot connect from home",
            "shows error {e} when saving", "password expired, cannot log in", "freezes for minutes",
            "prints blank pages", "sync fails with code {e}", "how do I request access to {o}?",
            "license expired for {o}"]
DETAILS = ["Started this morning after the reboot.", "Colleagues in building {b} see the same.",
           "This is the third time this month, please fix it for good.",
           "I already restarted twice and cleared the cache.", "Urgent: month-end closing is blocked.",
           "Screenshot attached, error code {e}.", "Happens only on the VPN, not in the office."]
OBJECTS = ["the shared calendar", "invoices", "the HR portal", "project site", "the report"]


def generate(path: Path, rows: int, seed: int = 0) -> None:
    """Write a realistic ServiceNow-style export with ~2% repeated tickets."""
    rng = np.random.default_rng(seed)
    n_unique = int(rows * 0.98)
    ids = np.concatenate([np.arange(n_unique), rng.integers(0, n_unique, rows - n_unique)])
    opened = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 600 * 86400, rows), unit="s")
    updated = opened + pd.to_timedelta(rng.integers(0, 20 * 86400, rows), unit="s")
    system = np.array(SYSTEMS)[rng.integers(0, len(SYSTEMS), rows)]
    prob = rng.integers(0, len(PROBLEMS), rows)
    errors = rng.integers(100, 999, rows).astype(str)
    objs = np.array(OBJECTS)[rng.integers(0, len(OBJECTS), rows)]
    titles = [f"{s} {PROBLEMS[p].format(o=o, e=e)}" for s, p, o, e in zip(system, prob, objs, errors)]
    det = rng.integers(0, len(DETAILS), (rows, 2))
    bldg = rng.integers(1, 40, rows)
    desc = [f"Hello, {t}. {DETAILS[a].format(b=b, e=e)} {DETAILS[c].format(b=b, e=e)} Thanks"
            for t, (a, c), b, e in zip(titles, det, bldg, errors)]
    frame = pd.DataFrame({
        "number": [f"INC{i:08d}" for i in ids],
        "opened_at": opened.strftime("%Y-%m-%d %H:%M:%S"),
        "resolved_at": (updated - pd.Timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "sys_updated_on": updated.strftime("%Y-%m-%d %H:%M:%S"),
        "short_description": titles, "description": desc, "cmdb_ci": system,
        "category": "Software", "priority": rng.choice(["1 - Critical", "2 - High", "3 - Moderate", "4 - Low"], rows),
        "state": rng.choice(["New", "In Progress", "Resolved", "Closed"], rows),
        "caller_id": [f"User {i}" for i in rng.integers(0, 20000, rows)],
        "assignment_group": "Service Desk", "reopen_count": rng.integers(0, 2, rows),
        "reassignment_count": rng.integers(0, 4, rows),
    })
    frame.to_csv(path, index=False)


CHILD = {
    "duckdb table": """
con = duckdb.connect()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [PATH])
n = con.execute("SELECT count(*) FROM t").fetchone()[0]
""",
    "duckdb -> pandas": """
n = len(duckdb.read_csv(PATH).df())
""",
    "trendminer (no language)": """
r = read_exports([PATH], load_settings(overrides=["ingest.detect_language=false"]), pd.Timestamp("2026-10-31"))
n = r.accounting.rows
""",
    "trendminer (with language)": """
r = read_exports([PATH], load_settings(), pd.Timestamp("2026-10-31"))
n = r.accounting.rows
""",
}
WRAP = """
import json, resource, sys, time
import duckdb, pandas as pd
from trendminer.config import load_settings
from trendminer.ingest import read_exports
from trendminer.ingest_language import detect_languages
detect_languages(pd.Series(["warm up the language model"]))
PATH = sys.argv[1]
t0 = time.perf_counter()
{body}
dt = time.perf_counter() - t0
print(json.dumps({{"rows": n, "seconds": dt, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(name: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", WRAP.format(body=CHILD[name]), str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--path", type=Path, default=None)
    args = parser.parse_args()
    path = args.path or Path(f"/tmp/trendminer-bench-{args.rows}.csv")
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s")
    results = {name: measure(name, path) for name in CHILD}
    base = results["duckdb table"]["seconds"]
    print(f"{'reader':<28}{'rows':>10}{'seconds':>9}{'rows/s':>11}{'peak RSS':>10}{'x duckdb':>10}")
    for name, r in results.items():
        print(f"{name:<28}{r['rows']:>10}{r['seconds']:>9.2f}{r['rows'] / r['seconds']:>11,.0f}"
              f"{r['peak_mb']:>8.0f}MB{r['seconds'] / base:>10.2f}")


if __name__ == "__main__":
    main()
