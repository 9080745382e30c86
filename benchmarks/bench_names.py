"""Cost of redacting the names of people who never call (clean.redact_other_names).

Cleans the first 3,000 tickets of the bundled sample with the gazetteer on and off and
prints milliseconds per 1,000 tickets of each, and the ratio. Printed, not asserted.

Usage::

    .venv/bin/python benchmarks/bench_names.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import SAMPLE_EXPORT  # noqa: E402
from trendminer.clean import clean_tickets  # noqa: E402
from trendminer.config import load_settings  # noqa: E402
from trendminer.ingest import read_exports  # noqa: E402


def main() -> int:
    import pandas as pd

    raw = read_exports([SAMPLE_EXPORT], load_settings(), pd.Timestamp("2026-10-31")).raw.head(3000)
    out = {}
    for on in (False, True):
        settings = load_settings(overrides=[f"clean.redact_other_names={'true' if on else 'false'}",
                                            "ingest.detect_language=false"])
        clean_tickets(raw.head(50), settings)   # warm the caches (gazetteer regex)
        best = float("inf")
        for _ in range(3):   # the best of three: the machine is shared
            start = time.perf_counter()
            clean_tickets(raw, settings)
            best = min(best, time.perf_counter() - start)
        out[on] = best / len(raw) * 1000 * 1000
    print(f"clean + redact, {len(raw)} tickets: {out[False]:.0f} ms per 1k without names of others, "
          f"{out[True]:.0f} ms per 1k with them (x{out[True] / out[False]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
