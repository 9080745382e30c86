"""What the learned text irritation costs per ticket, next to the embedding it reuses (issue 14).

Takes ``--n`` tickets of the bundled sample export (cleaned like a run), embeds their text
with the packaged all-MiniLM-L6-v2 (what a run pays once per new text), then scores them
with :func:`trendminer.irritation.text_irritation` over those vectors, which is what the
signals stage adds: the words and cue features, the linear head and the calibration map, and
the multi-turn split where a description holds several messages. Prints milliseconds per
ticket for each and their ratio, all measured in this one run; nothing is asserted.

Usage::

    nice -n 5 .venv/bin/python benchmarks/bench_irritation.py [--n 1000]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from trendminer.clean import clean_tickets
from trendminer.config import load_settings
from trendminer.embed import make_embedder
from trendminer.ingest import read_exports
from trendminer.irritation import model_for, text_cues, text_irritation, ticket_texts

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="tickets to score")
    args = parser.parse_args()
    settings = load_settings(SAMPLE / "trendminer.toml")
    raw = read_exports([SAMPLE / "servicenow_incidents.csv"], settings, pd.Timestamp("2026-10-31")).raw
    tickets = clean_tickets(raw.head(args.n), settings)
    embedder = make_embedder(settings, progress=False)
    embedder.encode(["warm up"])

    started = time.perf_counter()
    vectors = embedder.encode(tickets["text"].tolist())
    embed_s = time.perf_counter() - started

    texts = ticket_texts(tickets["title"], tickets["description"])
    model = model_for(embedder.name, vectors.shape[1])
    text_irritation(vectors[:10], texts[:10], model)   # warm the model and the spaCy pipeline
    started = time.perf_counter()
    cues = text_cues(texts)
    cue_s = time.perf_counter() - started
    started = time.perf_counter()
    text_irritation(vectors, texts, model, cues=cues)
    model_s = time.perf_counter() - started

    n = len(tickets)
    per = {"embedding (all-MiniLM-L6-v2)": embed_s, "irritation cues (spaCy lexicon)": cue_s,
           "irritation model (words, head, calibration, multi-turn)": model_s}
    print(f"{n} sample tickets, {embedder.name}")
    for name, seconds in per.items():
        print(f"  {name:<58} {1000 * seconds / n:8.3f} ms per ticket")
    print(f"  irritation (cues + model) / embedding: {(cue_s + model_s) / embed_s:.3f}")


if __name__ == "__main__":
    main()
