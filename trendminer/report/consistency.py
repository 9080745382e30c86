"""Cross-page consistency: every page and export of one run tells the same story.

:func:`check_reports` reads a report folder (the pages and the CSV exports) and lists every
disagreement: a topic's or system's status that differs between two pages or from
``topics.csv`` / ``systems.csv``; a finding whose numbers on the digest differ from
``findings.csv`` or whose ``tickets`` is not the number of its evidence tickets; a count named
on two pages (knowledge gaps, unattributed tickets) that differs. The pages mark what they
state with ``data-*`` attributes, so the check reads values, not wording.

Run it on a report folder::

    python -m trendminer.report.consistency reports/2026-10-31
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

PAGES = ("index.html", "digest.html", "topics.html", "systems.html", "pain-points.html", "knowledge.html")
_BADGE = re.compile(r'data-(topic|system)="([^"]*)" data-status="([^"]*)"')
_FINDING = re.compile(r'data-finding="([^"]+)" data-tickets="(\d+)" data-open="(\d+)" data-callers="(\d+)"')


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def check_reports(folder: str | Path) -> list[str]:
    """Every disagreement between the pages and exports of one run ([] when they agree).

    Examples
    --------
    >>> check_reports("/nonexistent")
    ['/nonexistent: no digest.html (not a report folder)']
    """
    folder = Path(folder)
    if not (folder / "digest.html").exists():
        return [f"{folder}: no digest.html (not a report folder)"]
    pages = {name: (folder / name).read_text(encoding="utf-8") for name in PAGES if (folder / name).exists()}
    problems: list[str] = []
    truth: dict[tuple[str, str], str] = {}
    topics = pd.read_csv(folder / "topics.csv", keep_default_na=False, dtype=str)
    systems = pd.read_csv(folder / "systems.csv", keep_default_na=False, dtype=str)
    trends = pd.read_csv(folder / "trends.csv", keep_default_na=False, dtype=str)
    truth.update({("topic", t): s for t, s in zip(topics["topic_id"], topics["status"])})
    truth.update({("system", n.lstrip("'")): s for n, s in zip(systems["system"], systems["status"])})
    for t, e, s in zip(trends["entity_type"], trends["entity"], trends["status"]):
        key = (t, e.lstrip("'"))
        if key in truth and truth[key] != s:
            problems.append(f"trends.csv: {t} {e} is {s!r}, {'topics' if t == 'topic' else 'systems'}.csv says {truth[key]!r}")
    for name, html in pages.items():
        for kind, entity, status in _BADGE.findall(html):
            key = (kind, _unescape(entity))
            if key not in truth:
                problems.append(f"{name}: {kind} {key[1]!r} has status {status!r} but is in no export")
            elif truth[key] != status:
                problems.append(f"{name}: {kind} {key[1]!r} is {status!r}, the exports say {truth[key]!r}")
    findings = pd.read_csv(folder / "findings.csv", keep_default_na=False, dtype=str)
    by_id = {r["finding_id"]: r for _, r in findings.iterrows()}
    shown = {f: (int(t), int(o), int(c)) for f, t, o, c in _FINDING.findall(pages["digest.html"])}
    for fid, row in by_id.items():
        ids = [i for i in row["evidence_ids"].split("; ") if i]
        if row["kind"] != "data" and int(row["tickets"]) != len(ids):
            problems.append(f"findings.csv: {fid} counts {row['tickets']} tickets but lists {len(ids)} evidence ids")
        if fid not in shown:
            problems.append(f"digest.html: finding {fid} of findings.csv is not shown")
        elif shown[fid] != (int(row["tickets"]), int(row["open_tickets"]), int(row["callers"])):
            problems.append(f"digest.html: finding {fid} shows tickets/open/callers {shown[fid]}, findings.csv "
                            f"{row['tickets']}/{row['open_tickets']}/{row['callers']}")
    for fid in set(shown) - set(by_id):
        problems.append(f"digest.html: finding {fid} is not in findings.csv")
    problems += _counts(pages)
    return problems


def _counts(pages: dict[str, str]) -> list[str]:
    """Counts named on two pages."""
    out = []
    gaps_digest = re.search(r"\((\d+) gaps in all\)", pages.get("digest.html", ""))
    gaps_page = re.search(r"gaps \(no article\)</th><td class=\"num\">(\d+)<", pages.get("knowledge.html", ""))
    if gaps_digest and gaps_page and gaps_digest.group(1) != gaps_page.group(1):
        out.append(f"knowledge gaps: digest.html says {gaps_digest.group(1)}, knowledge.html {gaps_page.group(1)}")
    una_digest = re.search(r'data-count="unattributed">(\d+)<', pages.get("digest.html", ""))
    una_systems = re.search(r'data-count="unattributed">(\d+)<', pages.get("systems.html", ""))
    if una_digest and una_systems and una_digest.group(1) != una_systems.group(1):
        out.append(f"unattributed tickets: digest.html says {una_digest.group(1)}, systems.html {una_systems.group(1)}")
    return out


if __name__ == "__main__":   # python -m trendminer.report.consistency REPORT_FOLDER
    found = check_reports(sys.argv[1])
    print("\n".join(found) or "consistent: every page and export agrees")
    sys.exit(1 if found else 0)
