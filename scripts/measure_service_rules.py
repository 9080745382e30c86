"""Measure the precision of the service rules (trendminer.aim.SERVICE_PATTERNS) by hand.

Lists every irritated text the rules fire on in GoEmotions (all splits; irritated by
models/irritation/label_map.csv) and Senti4SD (negative polarity), as ``source:split:line``
keys with the text. With ``--judged FILE`` (CSV key,aimed where aimed is 1 = aimed at a person
or a service, 0 = at a thing / not a complaint about anyone), prints the precision and writes
models/irritation/service_rules.json. The texts are read in place and never copied into the
repository; the judged file holds only keys and judgements.

    python scripts/measure_service_rules.py > /tmp/hits.txt
    python scripts/measure_service_rules.py --judged models/irritation/service_rules_judged.csv
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from trendminer.aim import SERVICE_PATTERNS, service_themes
from trendminer.eval.data import SENTI4SD_FILES, read_senti4sd, shared_data_dir
from trendminer.eval.irritation import read_goemotions, read_label_map

OUT = Path(__file__).resolve().parents[1] / "models" / "irritation" / "service_rules.json"


def hits(data: Path) -> list[tuple[str, str, list[str]]]:
    found = []
    label_map = read_label_map()
    for split in ("train", "dev", "test"):
        frame = read_goemotions(data / "goemotions", split, label_map)
        for line, (text, flag) in enumerate(zip(frame["text"], frame["irritated"]), start=1):
            if flag == 1 and (themes := service_themes(text)):
                found.append((f"goemotions:{split}:{line}", text, themes))
    for split in ("train", "test"):
        frame = read_senti4sd(data / "senti4sd" / SENTI4SD_FILES[split])
        for line, (text, polarity) in enumerate(zip(frame["text"], frame["polarity"]), start=1):
            if polarity == "negative" and (themes := service_themes(text)):
                found.append((f"senti4sd:{split}:{line}", text, themes))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--judged", default=None)
    args = parser.parse_args()
    data = shared_data_dir(args.data, holds="goemotions")
    if data is None:
        print("skipped: the shared data (goemotions/, senti4sd/) was not found")
        return
    found = hits(data)
    if not args.judged:
        for key, text, themes in found:
            print(f"{key}\t{','.join(themes)}\t{' '.join(text.split())[:200]}")
        return
    with open(args.judged, encoding="utf-8") as fh:
        judged = {row["key"]: int(row["aimed"]) for row in csv.DictReader(fh)}
    keys = [k for k, _, _ in found if k in judged]
    aimed = sum(judged[k] for k in keys)
    result = {"hits": len(found), "judged": len(keys), "aimed_at_people_or_service": aimed,
              "precision": round(aimed / len(keys), 3) if keys else None,
              "themes": sorted(SERVICE_PATTERNS),
              "by_theme": {t: sum(t in th for _, _, th in found) for t in SERVICE_PATTERNS},
              "data": "GoEmotions (Apache-2.0) irritated texts + Senti4SD (MIT) negative texts; judged by hand"}
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
