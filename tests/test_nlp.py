"""The shared spaCy stream: same docs in the same order whatever room the memo has."""
from __future__ import annotations

import pytest

from trendminer import nlp

TEXTS = ["Printers crash", "", "drivers", "Printers crash", "", "VPN down", "drivers", "new one", "vpn down"]


@pytest.mark.parametrize("room", [0, 1, 2, 100])
def test_docs_stream_matches_text_order_with_any_memo_size(monkeypatch, room):
    expected = [[t.lemma_ for t in nlp.english()(text.lower())] for text in TEXTS]
    monkeypatch.setattr(nlp, "_DOC_CACHE", {})
    monkeypatch.setattr(nlp, "_DOC_CACHE_MAX", room)
    for _ in range(2):   # the second pass reads from the memo where it had room
        assert [[t.lemma_ for t in doc] for doc in nlp.docs(TEXTS)] == expected
    assert len(nlp._DOC_CACHE) == min(room, len(set(t.lower() for t in TEXTS)))


def test_class_keyphrases_reads_term_lists():
    groups = [[nlp.content_terms(d) for d in nlp.docs(["printer driver crash", "printer driver broken"])],
              [nlp.content_terms(d) for d in nlp.docs(["vpn gateway timeout", "vpn gateway slow"])]]
    phrases = nlp.class_keyphrases(groups, n=2)
    for group, chosen in zip(groups, phrases):   # the strongest phrase is in both of its tickets
        assert len(chosen) == 2 and chosen[0] in set(group[0]) & set(group[1])
    assert not set(phrases[0]) & set(phrases[1])


def test_cue_matcher_finds_what_a_token_matcher_finds():
    import pandas as pd
    from pathlib import Path

    from spacy.matcher import Matcher

    reference = Matcher(nlp.english().vocab)
    for entry in nlp.lexicon():
        reference.add(entry["label"], [entry["pattern"]])
    sample = Path(__file__).resolve().parents[1] / "data" / "samples" / "servicenow_incidents.csv"
    frame = pd.read_csv(sample, dtype=str).fillna("")
    texts = [nlp.ticket_text(t, d) for t, d in zip(frame["short_description"], frame["description"])]
    texts += ["This is UNACCEPTABLE, again and again, not working at all!!", "still not fixed still"]
    found = 0
    for doc in nlp.docs(texts):
        assert sorted(nlp.cue_matcher()(doc)) == sorted(reference(doc))
        found += len(reference(doc))
    assert found > 100


def test_big_topics_are_named_from_a_stable_hash_sample():
    import numpy as np
    import pandas as pd

    from trendminer.clean import text_hash
    from trendminer.topics import _topic_terms

    texts = [f"printer {w} jam" for w in ("paper", "toner", "tray", "driver", "queue")] + ["vpn down"]
    tickets = pd.DataFrame({"text": texts, "text_hash": [text_hash(t) for t in texts]})
    members = [np.arange(5), np.array([5])]
    sampled, _forms = _topic_terms(tickets, members, cap=2)
    smallest = np.sort(np.argsort(tickets["text_hash"].to_numpy()[:5])[:2])
    assert sampled[0] == [nlp.content_terms(nlp.english()(texts[i])) for i in smallest]
    assert sampled[1] == [["vpn"]]
    shuffled = tickets.iloc[::-1].reset_index(drop=True)   # the same tickets in another order
    again, _forms = _topic_terms(shuffled, [np.arange(1, 6), np.array([0])], cap=2)
    assert sorted(map(tuple, again[0])) == sorted(map(tuple, sampled[0]))
