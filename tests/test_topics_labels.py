"""Topic labels a person can read (trendminer.labels, trendminer.themes, topics.describe) and
their measured quality (trendminer.eval.labels), on toy data with exact asserts."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from trendminer import labels as naming
from trendminer import nlp
from trendminer.clean import text_hash
from trendminer.config import load_settings
from trendminer.eval.labels import gold_names, label_quality, majority
from trendminer.themes import near_duplicates, themes
from trendminer.topics import describe


@pytest.mark.parametrize("raw, expected", [
    ("VPN down again!!!", "VPN down"),
    ("SAP GUI FREEZES AFTER UPGRADE", "SAP GUI freezes after upgrade"),
    ("need send-as rights for [EMAIL]", "Need send-as rights"),
    ("pls create JIRA board", "Create JIRA board"),
    ("out of office in outlock??", "Out of office in outlock?"),
    ("Hi, my card has not arrived. I ordered it two weeks ago.", "My card has not arrived"),
    ("one two three four five six seven eight nine ten eleven twelve thirteen",
     "One two three four five six seven eight nine ten eleven twelve…"),
    ("[NAME]", ""),
])
def test_labels_readable_title(raw, expected):
    assert naming.readable_title(raw) == expected


def test_labels_keyphrases_are_written_forms_not_lemmas():
    phrases = nlp.class_keyphrases([[nlp.content_terms(nlp.english()("files show red crosses"))] * 4,
                                    [nlp.content_terms(nlp.english()("printer jams"))] * 4], n=1)
    assert phrases[0] == ["red crosse"]                     # the lemma table's artefact ...
    doc = nlp.english()("files show red crosses")
    forms = {term: Counter([written]) for term, written in nlp.term_forms(doc)}
    assert naming.surface(phrases[0], forms) == ["red crosses"]   # ... never shown


def test_labels_centre_and_center_count_as_one_word():
    assert nlp.content_terms(nlp.english()("cost centre")) == nlp.content_terms(nlp.english()("cost center"))


def _toy(rows: list[tuple[str, str, int]]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """(title, system, topic) rows -> tickets, vectors (one direction per topic, topic 4 leaning
    to topic 3, tickets a little apart, the first of each topic nearest its centre), topic
    labels and systems."""
    titles, systems, topic = zip(*rows)
    tickets = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(len(rows))], "title": list(titles),
                            "text": list(titles), "text_hash": [text_hash(t) for t in titles]})
    labels = np.array(topic)
    dim = int(labels.max()) + 2
    vectors = np.zeros((len(rows), dim))
    rank = pd.Series(labels).groupby(labels).cumcount().to_numpy()
    vectors[np.arange(len(rows)), labels] = 1.0
    vectors[labels == 4, 3] = 1.0          # the two slow SAP topics are close (cosine 0.71)
    vectors[:, -1] = 0.05 * rank
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return tickets, vectors, labels, np.array(systems, dtype=object)


TOY = [
    *[("GlobalProtect VPN cannot connect", "GlobalProtect VPN", 0)] * 3,
    ("globalprotect vpn cannot connect", "GlobalProtect VPN", 0),
    ("GlobalProtect VPN cannot connect, gateway not responding every second", "GlobalProtect VPN", 0),
    ("VPN cannot connect from the hotel wifi", "GlobalProtect VPN", 0),
    *[("Files from SharePoint show red crosses", "SharePoint", 1)] * 3,
    ("sync error, red crosses on files", "SharePoint", 1),
    ("SharePoint sync error: red crosses", "SharePoint", 1),
    ("Teams message shows a red exclamation mark", "Microsoft Teams", 2),
    ("Teams message not sent, exclamation mark", "Microsoft Teams", 2),
    ("message with exclamation mark in Teams", "Microsoft Teams", 2),
    ("Teams chat: exclamation mark next to message", "Microsoft Teams", 2),
    ("SAP ERP very slow, open item report runs forever", "SAP ERP", 3),
    ("SAP ERP very slow, open item report timeout", "SAP ERP", 3),
    ("SAP ERP very slow when I run the open item report", "SAP ERP", 3),
    ("S4HANA open item report takes ages to run", "SAP ERP", 4),
    ("open item report run extremely slow in S4HANA", "SAP ERP", 4),
    ("S4HANA open item report run never finishes", "SAP ERP", 4),
    ("my monitor flickers", "", 5),
    ("MY MONITOR FLICKERS AGAIN!!!", "", 5),
    ("monitor flickers all day", "", 5),
]


@pytest.fixture(scope="module")
def toy_info():
    tickets, vectors, labels, systems = _toy(TOY)
    return describe(tickets, vectors, labels, [0, 1, 2, 3, 4, 5], [None] * 6, systems, load_settings())


def test_labels_title_is_the_common_wording_of_the_topic(toy_info):
    assert toy_info["label"].tolist()[:3] == ["GlobalProtect VPN cannot connect", "Files from SharePoint show red crosses",
                                              "Microsoft Teams: Message with exclamation mark in Teams"]
    assert toy_info["label"].iloc[5] == "My monitor flickers"     # no shouting, no AGAIN!!!


def test_labels_keyphrases_skip_the_systems_own_name_filler_and_split_phrases(toy_info):
    kp = dict(zip(toy_info["topic_id"], toy_info["keyphrases"]))
    words = {w for phrases in kp.values() for p in phrases for w in p.split()}
    assert not words & {"globalprotect", "vpn", "sharepoint", "second", "crosse"}
    assert "exclamation mark" in kp[2] and "exclamation" not in kp[2] and "mark" not in kp[2]
    assert "red crosses" in kp[1]


def test_labels_near_duplicate_topics_share_a_title_and_a_theme(toy_info):
    slow = toy_info.set_index("topic_id").loc[[3, 4]]
    assert slow["label"].tolist() == ["SAP ERP very slow, open item report timeout",
                                      "SAP ERP very slow, open item report timeout (report run)"]
    assert slow["theme"].tolist() == ["SAP ERP", "SAP ERP"]
    assert toy_info["label"].str.lower().is_unique


def test_labels_themes_never_mix_systems(toy_info):
    per_theme = toy_info.groupby("theme")["top_system"].nunique()
    assert (per_theme == 1).all()
    assert sorted(toy_info["theme"]) == sorted(["GlobalProtect VPN", "Microsoft Teams", "My monitor flickers",
                                                "SAP ERP", "SAP ERP", "SharePoint"])


def test_labels_are_the_same_whatever_the_row_order(toy_info):
    tickets, vectors, labels, systems = _toy(TOY)
    order = np.random.RandomState(3).permutation(len(TOY))
    shuffled = describe(tickets.iloc[order].reset_index(drop=True), vectors[order], labels[order],
                        [0, 1, 2, 3, 4, 5], [None] * 6, systems[order], load_settings())
    assert shuffled["label"].tolist() == toy_info["label"].tolist()


def test_labels_system_name_is_spelled_once_and_as_the_catalogue_spells_it():
    assert naming.label("Jira", "JIRA board not loading") == "Jira board not loading"
    assert naming.label("SAP Concur", "Where do I attach receipts") == "SAP Concur: Where do I attach receipts"
    assert naming.label("", "Mouse broken") == "Mouse broken"


def test_near_duplicates_need_the_same_named_system():
    kp = [["open item", "slow"], ["item", "slow"], ["slow open", "report"]]
    assert near_duplicates(["SAP", "Outlook", "SAP"], kp) == [0, 1, 0]
    assert near_duplicates(["", "", ""], kp) == [0, 1, 2]
    far = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.5, np.sqrt(0.75)])]
    assert near_duplicates(["SAP", "Outlook", "SAP"], kp, far) == [0, 1, 2]     # same words, cosine 0.5


def test_themes_group_topics_without_a_system_by_their_centres():
    c = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.6, 0.8])]
    assert themes(["", "", ""], c, ["Mouse broken", "Monitor flickers", "Screen black"]) == \
        ["Mouse broken", "Monitor flickers", "Monitor flickers"]
    assert themes(["", "", ""], c, ["a", "b", "c"], distance=0.01) == ["a", "b", "c"]


class _FakeEmbedder:
    """Fixed unit vectors per text: each gold name and label is one of three directions."""

    name = "fake"
    AXES = {"card arrival": 0, "When will my card arrive": 0, "card arrive when": 1, "lost card": 1,
            "exchange rate": 2, "What is the exchange rate": 2}

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 3))
        out[np.arange(len(texts)), [self.AXES[t] for t in texts]] = 1.0
        return out


def test_label_quality_is_size_weighted_top1_and_top3():
    labels = np.array([0, 0, 0, 1, 1, 2, -1])
    truth = np.array(["card_arrival", "card_arrival", "lost_card", "card_arrival", "card_arrival",
                      "exchange_rate", "lost_card"])
    good = {0: "When will my card arrive", 1: "card arrive when", 2: "What is the exchange rate"}
    q = label_quality(good, labels, truth, _FakeEmbedder())
    # topic 0 (3 texts) and topic 2 (1) point to their majority class; topic 1 (2) points to "lost card"
    assert q == {"top1": 0.6667, "top3": 1.0, "topics": 3}
    assert label_quality({0: "When will my card arrive"}, labels, truth, _FakeEmbedder())["top1"] == 0.5


def test_label_quality_helpers():
    assert gold_names(["top_up_failed", "card_arrival"]) == ["card arrival", "top up failed"]
    m = majority(np.array([1, 1, 0, -1]), np.array(["b", "a", "c", "a"]))
    assert m.to_dict("list") == {"topic": [0, 1], "size": [1, 2], "majority": ["c", "a"]}
