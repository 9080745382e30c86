"""The per-text feature cache: same answers as parsing, chunkable, keyed by what it depends on."""
from __future__ import annotations

import pickle
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.conftest import GENERATED_AT, SAMPLE_AS_OF, SAMPLE_CONFIG, SAMPLE_EXPORT, FakeClusterer
from trendminer import pipeline
from trendminer.catalogue import Catalogue, load_catalogue
from trendminer.config import load_settings
from trendminer.embed import make_embedder
from trendminer.features import (COLUMNS, feature_inputs, feature_spec, matches_of, night_features, text_features,
                                 text_irritation_of, text_keys)
from trendminer.irritation import model_for, text_irritation, ticket_texts
from trendminer.pipeline import load_tickets, run
from trendminer.signals import signals
from trendminer.store import State
from trendminer.systems import attribute
from trendminer.topics import _topic_terms, describe
from trendminer.window import Window


@pytest.fixture(scope="module")
def sample():
    """600 sample tickets (texts searched for systems, chat transcripts among them), their
    vectors, spec and features."""
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])
    tickets = load_tickets([SAMPLE_EXPORT], settings, SAMPLE_AS_OF).tickets
    chats = tickets.head(12).copy()   # the sample's cleaned texts hold one message each
    chats["ticket_id"] = chats["ticket_id"] + "-chat"
    chats["description"] = [f"Customer: {d} third time this week!!\nAgent: we restarted it.\n"
                            f"Customer: STILL NOT WORKING, unacceptable" for d in chats["description"]]
    longs = tickets.head(4).copy()    # cues past the head the signals stage reads
    longs["ticket_id"] = longs["ticket_id"] + "-long"
    longs["description"] = [d + " and the screen stays grey" * 30 + ". Unacceptable, third time." for d in longs["description"]]
    tickets = pd.concat([tickets.tail(584), chats, longs]).sort_values(["opened_at", "ticket_id"]).reset_index(drop=True)
    catalogue = load_catalogue(settings["systems"]["catalogue"])
    embedder = make_embedder(settings, progress=False)
    vectors = embedder.encode(tickets["text"].tolist())
    spec = feature_spec(catalogue, settings, embedder.name, vectors.shape[1])
    inputs = feature_inputs(tickets, catalogue, settings)
    return dict(settings=settings, tickets=tickets, catalogue=catalogue, embedder=embedder, vectors=vectors,
                spec=spec, inputs=inputs, features=text_features(inputs, spec))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists as lists and numbers as float, so rows read back from DuckDB compare with computed ones."""
    out = frame.reset_index(drop=True).copy()
    for col in ("seg_words", "seg_cues"):
        out[col] = [list(map(float, v)) for v in out[col]]
    for col in out.columns:
        if col.startswith(("cue_", "irr_")) or col.endswith(("confidence", "shouting")):
            out[col] = out[col].astype(float)
        elif col not in ("seg_words", "seg_cues"):
            out[col] = out[col].astype(object)
    return out


def test_the_sample_slice_exercises_every_feature(sample):
    f = sample["features"]
    assert list(f.columns) == list(COLUMNS) and len(f) == len(sample["tickets"])
    assert (f["sys_source"] != "").sum() > 20               # names found in texts without a CI field
    assert f["seg_words"].map(len).gt(0).sum() >= 5          # multi-message texts split into segments
    assert f["kind_rule"].isin(["failure", "howto", "request"]).any() and (f["kind_rule"] == "").any()
    assert f["term_forms"].str.len().gt(0).all()
    assert (f["irr_frustration"] > f["cue_frustration"]).sum() >= 4   # the long descriptions
    assert f["title_tidy"].ne(sample["tickets"]["title"]).any() and f["title_tidy"].str.len().gt(0).all()


def test_text_features_by_chunks_equal_one_call_and_the_spec_pickles(sample):
    whole = sample["features"]
    inputs = sample["inputs"]
    chunks = [text_features(inputs.iloc[i:i + 97].reset_index(drop=True), pickle.loads(pickle.dumps(sample["spec"])))
              for i in range(0, len(inputs), 97)]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole, check_exact=True)
    assert pickle.loads(pickle.dumps(text_features)) is text_features
    reversed_rows = text_features(inputs.iloc[::-1].reset_index(drop=True), sample["spec"])
    pd.testing.assert_frame_equal(reversed_rows.iloc[::-1].reset_index(drop=True), whole, check_exact=True)


def test_stages_from_features_equal_the_stages_parsing_the_texts(sample):
    tickets, settings, f, vectors = sample["tickets"], sample["settings"], sample["features"], sample["vectors"]
    parsed = attribute(tickets, catalogue=sample["catalogue"], settings=settings)
    cached = attribute(tickets, catalogue=sample["catalogue"], settings=settings, matches=matches_of(f))
    pd.testing.assert_frame_equal(cached, parsed, check_exact=True)
    assert parsed["source"].isin(["catalogue", "fuzzy"]).sum() > 20

    model = model_for(sample["embedder"].name, vectors.shape[1])
    expected = text_irritation(vectors, ticket_texts(tickets["title"], tickets["description"]), model)
    got = text_irritation_of(f, vectors, sample["spec"])
    assert np.array_equal(got, expected)

    window = Window.from_settings(SAMPLE_AS_OF, settings)
    without = signals(tickets, attribution=parsed, window=window, settings=settings, text_irritation=expected)
    with_f = signals(tickets, attribution=parsed, window=window, settings=settings, text_irritation=got, features=f)
    pd.testing.assert_frame_equal(with_f, without, check_exact=True)
    assert without["frustration"].gt(0).any() and without["shouting"].gt(0).any()

    members = [np.arange(0, 300), np.arange(300, len(tickets))]
    assert _topic_terms(tickets, members, 200, f["term_forms"].tolist()) == _topic_terms(tickets, members, 200)
    labels = np.repeat([0, 1, 2], [250, 250, len(tickets) - 500])
    centroids = [None] * 3
    system_of = parsed["system"].to_numpy()
    pd.testing.assert_frame_equal(describe(tickets, vectors, labels, [0, 1, 2], centroids, system_of, settings, f),
                                  describe(tickets, vectors, labels, [0, 1, 2], centroids, system_of, settings))


def test_spec_digest_changes_with_what_the_features_depend_on(sample):
    settings, catalogue, spec = sample["settings"], sample["catalogue"], sample["spec"]
    name = sample["embedder"].name
    assert feature_spec(catalogue, settings, name, 256) == spec            # deterministic
    threshold = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf", "systems.fuzzy_threshold=70"])
    frame = catalogue.frame.copy()
    frame.loc[0, "aliases"] = [*frame.loc[0, "aliases"], "brandnewalias"]
    field = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf", "systems.field=assignment_group"])
    others = {feature_spec(catalogue, threshold, name, 256).digest,
              feature_spec(Catalogue(frame), settings, name, 256).digest,
              feature_spec(catalogue, field, name, 256).digest,
              feature_spec(catalogue, settings, "st:all-MiniLM-L6-v2:53aa51172d14", 384).digest}
    assert len(others) == 4 and spec.digest not in others
    assert feature_spec(catalogue, field, name, 256).systems == ()        # texts are not searched


def test_night_features_computes_only_new_texts_and_drops_other_specs(sample, tmp_path):
    inputs, spec = sample["inputs"], sample["spec"]
    calls: list[int] = []

    def spy(missing: pd.DataFrame, s):  # noqa: ANN001
        calls.append(len(missing))
        return text_features(missing, s)

    with State(tmp_path / "s.duckdb") as state:
        first, n1 = night_features(state, inputs.head(100), spec, spy)
        state.commit()
    with State(tmp_path / "s.duckdb") as state:
        both, n2 = night_features(state, inputs.head(150), spec, spy)
        state.commit()
    distinct = lambda frame: len(set(text_keys(frame)))  # noqa: E731
    assert calls == [distinct(inputs.head(100)), distinct(inputs.head(150)) - distinct(inputs.head(100))] == [n1, n2]
    pd.testing.assert_frame_equal(_plain(both), _plain(sample["features"].head(150)), check_exact=True)
    pd.testing.assert_frame_equal(_plain(first), _plain(sample["features"].head(100)), check_exact=True)

    other = type(spec)(spec.systems, spec.fuzzy_threshold, spec.irritation_model, "another-digest")
    with State(tmp_path / "s.duckdb") as state:
        _, n3 = night_features(state, inputs.head(10), other, spy)
        state.commit()
    assert n3 == distinct(inputs.head(10))
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    assert con.execute("SELECT DISTINCT spec FROM text_features").fetchall() == [("another-digest",)]
    con.close()


def test_a_night_from_the_cache_writes_the_same_exports_as_one_parsing_everything(tmp_path, monkeypatch):
    """Night 1 on a state; a copy of it without the cache; night 2 on both: identical outputs."""
    raw = pd.read_csv(SAMPLE_EXPORT, dtype=str, keep_default_na=False)
    export = tmp_path / "october.csv"
    raw[raw["opened_at"] >= "2026-10-01"].to_csv(export, index=False)
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])
    computed: list[int] = []
    original = pipeline.compute_features
    monkeypatch.setattr(pipeline, "compute_features", lambda m, s, c=None: computed.append(len(m)) or original(m, s, c))

    def night(day: str, state: str, out: str) -> None:
        run([export], settings, as_of=pd.Timestamp(day), generated_at=GENERATED_AT, state_path=tmp_path / state,
            out_dir=tmp_path / out, clusterer=FakeClusterer(6), progress=False)

    night("2026-10-30", "cached.duckdb", "night1")
    shutil.copy(tmp_path / "cached.duckdb", tmp_path / "fresh.duckdb")
    con = duckdb.connect(str(tmp_path / "fresh.duckdb"))
    con.execute("DELETE FROM text_features")
    con.close()
    night("2026-10-31", "cached.duckdb", "cached")
    night("2026-10-31", "fresh.duckdb", "fresh")
    assert computed[0] > 500 and computed[1] < 0.1 * computed[0] and computed[2] > computed[0]
    cached, fresh = tmp_path / "cached" / "2026-10-31", tmp_path / "fresh" / "2026-10-31"
    files = sorted(p.name for p in cached.iterdir() if p.name != "manifest.json")
    assert len(files) >= 12 and files == sorted(p.name for p in fresh.iterdir() if p.name != "manifest.json")
    for name in files:
        a, b = (cached / name).read_bytes(), (fresh / name).read_bytes()
        if name.endswith(".html"):   # the commit note names the state file
            a, b = a.replace(b"cached.duckdb", b"STATE"), b.replace(b"fresh.duckdb", b"STATE")
        assert a == b, name


def test_text_irritation_from_features_equals_parsing_with_the_full_model(sample):
    """The shipped model with an embedding block (what the packaged embedder's runs use)."""
    tickets = sample["tickets"]
    spec = feature_spec(sample["catalogue"], sample["settings"], "st:all-MiniLM-L6-v2:53aa51172d14", 384)
    model = model_for("st:all-MiniLM-L6-v2:53aa51172d14", 384)
    assert model.dim == 384 and len(model.vocabulary) and spec.irritation_model != sample["spec"].irritation_model
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(tickets), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    features = text_features(sample["inputs"], spec)
    expected = text_irritation(vectors, ticket_texts(tickets["title"], tickets["description"]), model)
    assert np.array_equal(text_irritation_of(features, vectors, spec), expected)
    assert not np.array_equal(features["irr_words"], sample["features"]["irr_words"])


class _ChunkedCompute:
    """A stand-in cluster: runs each chunk in this process, counting the tasks."""

    name, workers, on_cluster = "fake:2", 2, True

    def __init__(self) -> None:
        self.tasks = 0

    def map(self, fn, items, **shared):  # noqa: ANN001, ANN201
        self.tasks += len(items)
        return [fn(pickle.loads(pickle.dumps(item)), **pickle.loads(pickle.dumps(shared))) for item in items]


def test_features_computed_in_chunks_on_a_cluster_equal_one_call(sample):
    compute = _ChunkedCompute()
    inputs = pd.concat([sample["inputs"]] * 4, ignore_index=True)   # 2,400 rows: three tasks of 1,000 at most
    chunked = pipeline.compute_features(inputs, sample["spec"], compute)
    assert compute.tasks == 3
    pd.testing.assert_frame_equal(chunked, pd.concat([sample["features"]] * 4, ignore_index=True), check_exact=True)
