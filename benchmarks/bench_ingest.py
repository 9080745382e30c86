"""Ingest benchmark: a 1,000,000-row ServiceNow export, trendminer vs DuckDB's read_csv.

Generates the export once (to /tmp; every description differs, as in real exports), then
times, each in its own child process so each peak RSS is its own (imports happen before the
clock starts), three times in turn, and reports the median:

- DuckDB ``CREATE TABLE AS SELECT * FROM read_csv(...)`` (the yardstick);
- DuckDB ``read_csv(...).df()`` (into pandas, what trendminer has to deliver);
- trendminer's ingest (``read_exports``: read, preset, dates, priorities, rejections,
  upsert of repeated tickets, accounting).

Language detection runs in the clean stage, on cleaned text; its speed is measured apart on
the same export's texts: trendminer's batch detector vs py3langid's ``classify`` one text at
a time (same model, same answers), on a sample both can do in seconds.

Usage::

    .venv/bin/python benchmarks/bench_ingest.py            # 1,000,000 rows
    .venv/bin/python benchmarks/bench_ingest.py --rows 100000
    .venv/bin/python benchmarks/bench_ingest.py --journal   # + a work_notes column nobody reads
"""
from __future__ import annotations

import argparse
import json
import statistics
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
WORDS = sorted({w.strip(".,:?{}").lower() for t in PROBLEMS + DETAILS + OBJECTS + SYSTEMS for w in t.split()}
               | set("""again after all also am another asked before being blocked button cannot changed
click colleague customer data desk done email ended error every file first folder found from get
give got had has have help home hours it its just laptop last list lost machine meeting message
minutes monday morning my need new nothing now office only open order our page people phone
please problem project quick really restart right said screen second send server setting share
should show since something still system team than that the their them then there they thing
this through time today tried tuesday under until user very wait want was week went were what
when which while window with without work working yesterday you your""".split()) - {""})


def generate(path: Path, rows: int, seed: int = 0, journal: bool = False) -> None:
    """Write a realistic ServiceNow-style export with ~2% repeated tickets (and, with
    ``journal``, a work_notes column of ~400 characters that nothing reads, as real exports have)."""
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
    free = rng.choice(np.array(WORDS), size=(rows, 10))   # the ticket's own words: texts differ
    desc = [f"Hello, {t}. {DETAILS[a].format(b=b, e=e)} {' '.join(w).capitalize()}. "
            f"{DETAILS[c].format(b=b, e=e)} Thanks"
            for t, (a, c), b, e, w in zip(titles, det, bldg, errors, free)]
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
    if journal:
        notes = rng.choice(np.array(WORDS), size=(rows, 60))
        frame["work_notes"] = ["2026-10-01 08:00:00 - Service Desk (Work notes)\n" + " ".join(w) for w in notes]
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
    "trendminer ingest": """
r = read_exports([PATH], load_settings(), pd.Timestamp("2026-10-31"))
n = r.accounting.rows
""",
}
WRAP = """
import json, sys, time
import duckdb, pandas as pd
from trendminer.config import load_settings
from trendminer.ingest import read_exports
PATH = sys.argv[1]
t0 = time.perf_counter()
{body}
dt = time.perf_counter() - t0
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({{"rows": n, "seconds": dt, "peak_mb": hwm}}))
"""
LANGUAGE = """
import json, sys, time
import pandas as pd
from trendminer.config import load_settings
from trendminer.language import _identifier, classify_many
frame = pd.read_csv(sys.argv[1], usecols=["short_description", "description"], dtype=str).fillna("")
texts = (frame["short_description"] + ". " + frame["description"].str.slice(0, 300)).tolist()
sample = texts[:int(sys.argv[2])]
langs = tuple(load_settings()["ingest"]["languages"])
ident = _identifier(langs)
classify_many(sample[:10], langs)
t0 = time.perf_counter(); one = [ident.classify(t) for t in sample]; t_one = time.perf_counter() - t0
t0 = time.perf_counter(); batch, _ = classify_many(sample, langs); t_batch = time.perf_counter() - t0
t0 = time.perf_counter(); classify_many(texts, langs); t_all = time.perf_counter() - t0
same = sum(a == b for (a, _), b in zip(one, batch))
print(json.dumps({"sample": len(sample), "py3langid": t_one, "batch": t_batch, "same": same,
                  "all": len(texts), "batch_all": t_all}))
"""


def measure(name: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", WRAP.format(body=CHILD[name]), str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--path", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader; the median is shown")
    parser.add_argument("--journal", action="store_true",
                        help="add a long work_notes column that trendminer does not read")
    parser.add_argument("--language-sample", type=int, default=20_000,
                        help="texts classified both ways to compare the language detectors")
    args = parser.parse_args()
    path = args.path or Path(f"/tmp/trendminer-bench-v2-{args.rows}{'-journal' if args.journal else ''}.csv")
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.rows, journal=args.journal)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s")
    runs: dict[str, list[dict]] = {name: [] for name in CHILD}
    for _ in range(args.repeat):   # in turn, so a busy moment of the machine hits all alike
        for name in CHILD:
            runs[name].append(measure(name, path))
    results = {name: {"rows": r[0]["rows"], "seconds": statistics.median(x["seconds"] for x in r),
                      "peak_mb": statistics.median(x["peak_mb"] for x in r)} for name, r in runs.items()}
    base = results["duckdb table"]["seconds"]
    print(f"{'reader (median of ' + str(args.repeat) + ')':<28}{'rows':>10}{'seconds':>9}{'rows/s':>11}"
          f"{'peak RSS':>10}{'x duckdb':>10}")
    for name, r in results.items():
        print(f"{name:<28}{r['rows']:>10}{r['seconds']:>9.2f}{r['rows'] / r['seconds']:>11,.0f}"
              f"{r['peak_mb']:>8.0f}MB{r['seconds'] / base:>10.2f}")
    out = subprocess.run([sys.executable, "-c", LANGUAGE, str(path), str(args.language_sample)],
                         capture_output=True, text=True, check=True)
    lang = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"language detection, {lang['sample']:,} texts: py3langid one by one {lang['py3langid']:.2f}s, "
          f"trendminer batch {lang['batch']:.2f}s ({lang['py3langid'] / lang['batch']:.1f}x faster, "
          f"{lang['same']:,} of {lang['sample']:,} same language); all {lang['all']:,} texts "
          f"{lang['batch_all']:.1f}s ({lang['all'] / lang['batch_all']:,.0f} texts/s)")


if __name__ == "__main__":
    main()
