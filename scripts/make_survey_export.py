"""Build a stand-in labelled export with satisfaction surveys from GoEmotions or Senti4SD.

No public help-desk data with real satisfaction labels is in the shared data, so texts
labelled by people stand in for tickets and their labels for the desk's survey: an irritated
GoEmotions comment (models/irritation/label_map.csv) or a negative Senti4SD post gets a
rating of 1 or 2, a calm one 4 or 5, a mixed one 3. A share of the tickets (``--rated``) keeps
its rating, the rest are unrated. Writes a ServiceNow-style incident export (``number``,
``opened_at``, ``short_description``, ``description``, ``u_satisfaction``) and, with
``--surveys``, the ratings as a separate survey-result file (``trigger_id``, ``actual_value``)
instead of the column. Output goes where you say (never into the repository).

    python scripts/make_survey_export.py goemotions /tmp/ge_export.csv --rated 0.5
    python scripts/make_survey_export.py senti4sd /tmp/s4_export.csv --surveys /tmp/s4_surveys.csv
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from trendminer.eval.data import SENTI4SD_FILES, read_senti4sd, shared_data_dir
from trendminer.eval.irritation import read_goemotions, read_label_map


def labelled(source: str, split: str, data: str | None, unhappy: str = "") -> pd.DataFrame:
    folder = shared_data_dir(data, holds=source)
    if folder is None:
        raise SystemExit(f"skipped: {source}/ not found in the shared data")
    if source == "goemotions":
        frame = read_goemotions(folder / "goemotions", split, read_label_map())
        if unhappy:   # a desk whose unhappy users feel these emotions (not the shipped model's target)
            wanted = set(unhappy.split(","))
            frame["irritated"] = [1 if wanted & set(labels) else 0 for labels in frame["labels"]]
        return frame[["text", "irritated"]]
    frame = read_senti4sd(folder / "senti4sd" / SENTI4SD_FILES[split])
    side = frame["polarity"].map({"negative": 1, "neutral": -1, "positive": 0})
    return pd.DataFrame({"text": frame["text"], "irritated": side})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", choices=["goemotions", "senti4sd"])
    parser.add_argument("out")
    parser.add_argument("--split", default="test")
    parser.add_argument("--rated", type=float, default=0.5, help="share of tickets that keep their rating")
    parser.add_argument("--limit", type=int, default=0, help="at most this many tickets (0 = all)")
    parser.add_argument("--surveys", default="", help="write the ratings to this survey-result file instead")
    parser.add_argument("--as-of", default="2026-10-31")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default=None)
    parser.add_argument("--unhappy", default="", help="GoEmotions labels that mean a bad rating (default: the "
                        "irritated side of label_map.csv), e.g. sadness,disappointment,grief,remorse,confusion")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    frame = labelled(args.source, args.split, args.data, args.unhappy)
    if args.limit:
        frame = frame.sample(n=min(args.limit, len(frame)), random_state=args.seed)
    n = len(frame)
    flag = frame["irritated"].to_numpy()
    score = np.where(flag == 1, rng.integers(1, 3, n), np.where(flag == 0, rng.integers(4, 6, n), 3))
    rated = rng.random(n) < args.rated
    end = pd.Timestamp(args.as_of) + pd.Timedelta(hours=17)
    opened = end - pd.to_timedelta(rng.integers(0, 60 * 24 * 60, n), unit="min")
    texts = frame["text"].astype(str).tolist()
    export = pd.DataFrame({
        "number": [f"INC{100000 + i}" for i in range(n)],
        "opened_at": opened.strftime("%Y-%m-%d %H:%M:%S"),
        "short_description": [" ".join(t.split()[:8]) for t in texts],
        "description": texts,
        "u_satisfaction": [str(s) if r else "" for s, r in zip(score, rated)],
        "truth": flag,
    })
    if args.surveys:
        pd.DataFrame({"trigger_id": export["number"][rated], "actual_value": score[rated]}).to_csv(args.surveys, index=False)
        export["u_satisfaction"] = ""
    export.drop(columns=["truth"]).to_csv(args.out, index=False)
    truth = export[["number", "truth"]].assign(score=score, rated=rated)
    truth.to_csv(args.out + ".truth.csv", index=False)
    print(f"{args.out}: {n} tickets, {int(rated.sum())} rated, {int((score[rated] <= 2).sum())} of them dissatisfied"
          + (f"; ratings in {args.surveys}" if args.surveys else ""))


if __name__ == "__main__":
    main()
