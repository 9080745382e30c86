"""Per-text features: what the per-ticket stages read of a ticket's text, computed once per text.

A night's systems, signals, text-irritation and topic-naming stages all parse every ticket
of the window with spaCy; the results depend only on the ticket's title, description and
embedding text (and on the catalogue, the lexicon and the irritation model), so they are
computed once per text and kept in the state (:meth:`trendminer.store.State.cached_features`),
keyed by :func:`text_keys` and by :attr:`FeatureSpec.digest`. A changed catalogue, fuzzy
threshold, lexicon, irritation model, spaCy or trendminer version gives another digest, so
stale features are never read.

:func:`text_features` is the one pure function that computes them: top level, picklable
arguments, one row per input row in order, each row depending on its own text only, so a
map over chunks (on worker processes) gives the same rows as one call on everything.
:func:`night_features` is what the nightly job calls: cached rows plus the missing ones.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, nlp
from .catalogue import Catalogue
from .config import Settings
from .irritation import (TICKET_CHARS, cue_matrix, load_model, model_path_for, raise_to_segments, shouting,
                         split_messages, ticket_texts)
from .labels import is_shouted, readable_title
from .signals import CUE_LABELS, text_rule
from .systems import TermIndex, needs_text_match, searches_text, text_match

#: bump when what :func:`text_features` computes changes (the digest also covers the inputs)
FEATURES_VERSION = "trendminer.features.v2"   # v2: kind rules of trendminer.kind_rules

#: the columns of :func:`text_features`, in order
COLUMNS: tuple[str, ...] = (
    "sys_source", "sys_system", "sys_confidence",        # systems: the name found in the text ("" none)
    "kind_rule",                                          # signals: text_rule of title + description
    *(f"cue_{c}" for c in CUE_LABELS), "shouting",        # signals: cues of the ticket_text, shouting
    *(f"irr_{c}" for c in CUE_LABELS), "irr_shouting",    # irritation: cues of its longer text
    "irr_words",                                          # irritation: the words block's logit
    "seg_words", "seg_cues",                              # irritation: per customer segment (lists)
    "term_forms",                                         # topics: pack_terms of the embedding text
    "title_tidy", "title_shouted",                        # topics: readable_title, is_shouted of the title
)


@dataclass(frozen=True)
class FeatureSpec:
    """Everything :func:`text_features` needs besides the texts; small and picklable.

    Parameters
    ----------
    systems : tuple of (name, aliases)
        The catalogue, when ticket texts are searched for its names; () when they are not.
    fuzzy_threshold : float
        ``systems.fuzzy_threshold``.
    irritation_model : str
        Path of the irritation model whose word weights and cues are computed.
    digest : str
        Identifies these inputs and the feature code (:func:`feature_spec`); the cache key.
    """

    systems: tuple[tuple[str, tuple[str, ...]], ...]
    fuzzy_threshold: float
    irritation_model: str
    digest: str = ""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def feature_spec(catalogue: Catalogue, settings: Settings, embedder: str, dim: int) -> FeatureSpec:
    """The :class:`FeatureSpec` of a night: the catalogue and settings the features depend on,
    and the irritation model that fits the embedder ``embedder`` of ``dim`` dimensions."""
    systems = tuple((str(n), tuple(str(a) for a in aliases)) for n, aliases in
                    zip(catalogue.frame["name"], catalogue.frame["aliases"])) if searches_text(catalogue, settings) else ()
    threshold = float(settings["systems"]["fuzzy_threshold"])
    model = model_path_for(embedder, dim)
    versions = {p: _version(p) for p in ("spacy", "spacy-lookups-data", "scikit-learn")}
    lexicon = resources.files("trendminer").joinpath("lexicons/irritation.jsonl").read_bytes()
    digest = _sha256(json.dumps({
        "version": FEATURES_VERSION, "trendminer": __version__, "packages": versions,
        "systems": systems, "fuzzy_threshold": threshold, "ticket_head": nlp.TICKET_HEAD,
        "ticket_chars": TICKET_CHARS, "lexicon": _sha256(lexicon),
        "irritation_model": _sha256(Path(model).read_bytes()) if Path(model).is_file() else "",
    }, sort_keys=True).encode())[:32]
    return FeatureSpec(systems, threshold, str(model), digest)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def text_keys(texts: pd.DataFrame) -> list[str]:
    """The cache key of each row of :func:`text_features`' input: a hash of its title,
    description, embedding text and whether its text is searched for a system.

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["a", "a"], "description": ["b", "b"], "text": ["a b"] * 2,
    ...                   "match": [True, False]})
    >>> a, b = text_keys(t)
    >>> a != b, len(a)
    (True, 32)
    """
    return [hashlib.blake2b("\x1f".join((str(int(m)), t, d, x)).encode(), digest_size=16).hexdigest()
            for t, d, x, m in zip(texts["title"], texts["description"], texts["text"], texts["match"])]


@lru_cache(maxsize=4)
def _term_index(systems: tuple[tuple[str, tuple[str, ...]], ...]) -> TermIndex:
    frame = pd.DataFrame({"name": [n for n, _ in systems], "aliases": [list(a) for _, a in systems]})
    return TermIndex(Catalogue(frame))


def text_features(texts: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """The per-text features of each row of ``texts``: one row per text, in order, :data:`COLUMNS`.

    Pure and chunkable: a row depends on its own text and ``spec`` only.

    Parameters
    ----------
    texts : DataFrame
        Columns ``title``, ``description`` (cleaned), ``text`` (the embedding text) and
        ``match`` (bool: search this text for a catalogue name; the CI field is empty).
    spec : FeatureSpec

    Returns
    -------
    DataFrame
        ``sys_*`` the :func:`trendminer.systems.text_match` of the text ("", "", 0.0 for none
        or not searched); ``kind_rule`` :func:`trendminer.signals.text_rule`; ``cue_*``
        lexicon cue counts and ``shouting`` as signals reads them; ``irr_*`` the cue counts,
        shouting and word logit of the text irritation model reads; ``seg_words`` and
        ``seg_cues`` (lists; empty when the text is one message) the word logit and the
        cue row (flattened) of each customer segment; ``term_forms`` the packed
        :func:`trendminer.nlp.term_forms` of the embedding text; ``title_tidy`` and
        ``title_shouted`` the :func:`trendminer.labels.readable_title` and
        :func:`~trendminer.labels.is_shouted` of the title (the embedding text without one).
    """
    titles, descriptions = texts["title"].tolist(), texts["description"].tolist()
    match = texts["match"].to_numpy(dtype=bool)
    index = _term_index(spec.systems) if spec.systems else None
    model = load_model(spec.irritation_model)
    rows: dict[str, list] = {c: [] for c in COLUMNS}
    heads = [nlp.ticket_text(t, d) for t, d in zip(titles, descriptions)]
    for i, doc in enumerate(nlp.parse(heads)):
        hit = text_match(doc, index, spec.fuzzy_threshold) if index is not None and match[i] else None
        source, system, confidence = hit if hit else ("", "", 0.0)
        rows["sys_source"].append(source)
        rows["sys_system"].append(system)
        rows["sys_confidence"].append(float(confidence))
        counts = nlp.cue_counts(doc)
        for label in CUE_LABELS:
            rows[f"cue_{label}"].append(int(counts[label]))
    raw = [f"{t}\n{d}" for t, d in zip(titles, descriptions)]
    rows["kind_rule"] = [text_rule(t) for t in raw]
    rows["shouting"] = [shouting(t) for t in raw]
    long = ticket_texts(titles, descriptions)
    # The longer text is the head plus a trailing new line unless the description is longer
    # than the head: a new line is a token of its own that no cue (all words) matches, and
    # the tokens before it are the head's, so its counts are the head's.
    longer = [nlp.ticket_text(t, "") not in (h, h + "\n") for t, h in zip(long, heads)]
    parsed = nlp.parse(nlp.ticket_text(t, "") for t, again in zip(long, longer) if again)
    for i, again in enumerate(longer):
        counts = nlp.cue_counts(next(parsed)) if again else None
        for label in CUE_LABELS:
            rows[f"irr_{label}"].append(int(counts[label]) if again else rows[f"cue_{label}"][i])
    rows["irr_shouting"] = [shouting(t) for t in long]
    rows["irr_words"] = model.word_logits(long).tolist()
    rows["seg_words"], rows["seg_cues"] = _segments(long, model)
    rows["term_forms"] = [nlp.pack_terms(nlp.term_forms(doc)) for doc in nlp.parse(texts["text"].tolist())]
    shown = [t if t.strip() != "" else x for t, x in zip(titles, texts["text"])]   # as topics names them
    rows["title_tidy"] = [readable_title(t) for t in shown]
    rows["title_shouted"] = [is_shouted(t) for t in shown]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _segments(texts: list[str], model) -> tuple[list[list[float]], list[list[float]]]:  # noqa: ANN001
    """Per text, the word logits and flattened cue rows of its customer segments, when
    :func:`trendminer.irritation.text_irritation` splits it ([] and [] when it does not)."""
    split = split_messages(texts)
    words: list[list[float]] = [[] for _ in texts]
    cues: list[list[float]] = [[] for _ in texts]
    segments = [s for segs in split.values() for s in segs]
    if segments:
        counts = [nlp.cue_counts(doc) for doc in nlp.parse(nlp.ticket_text(s, "") for s in segments)]
        seg_words = model.word_logits(segments).tolist()
        seg_cues = cue_matrix(counts, [shouting(s) for s in segments]).tolist()
        k = 0
        for i, segs in split.items():
            words[i] = seg_words[k:k + len(segs)]
            cues[i] = [v for row in seg_cues[k:k + len(segs)] for v in row]
            k += len(segs)
    return words, cues


def text_irritation_of(features: pd.DataFrame, vectors: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """:func:`trendminer.irritation.text_irritation` of the tickets from their cached features
    and the night's vectors (the same numbers, without parsing)."""
    model = load_model(spec.irritation_model)
    if not len(features):
        return np.zeros(0, dtype=np.float64)
    counts = [dict(zip(CUE_LABELS, row)) for row in zip(*(features[f"irr_{c}"].tolist() for c in CUE_LABELS))]
    out = model.probability(vectors, None, cue_matrix(counts, features["irr_shouting"].tolist()),
                            words=features["irr_words"].to_numpy(dtype=np.float64))
    seg_words = features["seg_words"].tolist()
    owners = [i for i, w in enumerate(seg_words) for _ in w]
    if owners:
        words = np.asarray([v for w in seg_words for v in w], dtype=np.float64)
        cues = np.asarray([v for c in features["seg_cues"].tolist() for v in c], dtype=np.float64).reshape(len(owners), -1)
        seg_p = model.probability(np.asarray(vectors)[owners], None, cues, words=words)
        raise_to_segments(out, owners, seg_p)
    return out


def matches_of(features: pd.DataFrame) -> list[tuple[str, str, float] | None]:
    """The ``matches`` argument of :func:`trendminer.systems.attribute`, from the features."""
    return [(s, n, c) if s else None for s, n, c in
            zip(features["sys_source"], features["sys_system"], features["sys_confidence"])]


def night_features(state, texts: pd.DataFrame, spec: FeatureSpec,  # noqa: ANN001 - a State
                   compute: Callable[[pd.DataFrame, FeatureSpec], pd.DataFrame] = text_features,
                   ) -> tuple[pd.DataFrame, int]:
    """The features of every row of ``texts`` (:func:`feature_inputs`): cached rows of ``spec``,
    and for the texts not cached, ``compute(missing, spec)`` (:func:`text_features`, called
    once on all of them), stored in the night's transaction.

    Returns
    -------
    tuple of (DataFrame, int)
        :data:`COLUMNS`, one row per row of ``texts`` in order; how many texts were computed.
    """
    keys = text_keys(texts)
    cached = state.cached_features(spec.digest, keys)
    known = set(cached["text_key"])
    missing: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key not in known:
            missing.setdefault(key, i)
    computed = compute(texts.iloc[list(missing.values())].reset_index(drop=True), spec) if missing else \
        pd.DataFrame(columns=list(COLUMNS))
    if len(computed) != len(missing):
        raise ValueError(f"text features: {len(computed)} rows for {len(missing)} texts")
    state.add_features(spec.digest, list(missing), computed)
    if missing:
        cached = pd.concat([cached, computed.assign(text_key=list(missing))], ignore_index=True)
    frame = cached.set_index("text_key").reindex(keys).reset_index(drop=True)
    return frame[list(COLUMNS)], len(missing)


def feature_inputs(tickets: pd.DataFrame, catalogue: Catalogue, settings: Settings) -> pd.DataFrame:
    """The input frame of :func:`text_features` for a night's tickets."""
    return pd.DataFrame({"title": tickets["title"].to_numpy(), "description": tickets["description"].to_numpy(),
                         "text": tickets["text"].to_numpy(), "match": needs_text_match(tickets, catalogue, settings)})


__all__ = ["COLUMNS", "FEATURES_VERSION", "FeatureSpec", "feature_spec", "feature_inputs", "matches_of",
           "night_features", "text_features", "text_irritation_of", "text_keys"]


def compute_features(missing: pd.DataFrame, spec: FeatureSpec, compute: "Compute | None" = None) -> pd.DataFrame:
    """The per-text features of the texts not cached yet: one call on all of them, or on a
    cluster one task per chunk of rows (the same rows either way)."""
    if compute is None or not compute.on_cluster or missing.empty:
        return text_features(missing, spec)
    from .compute import split

    parts = [part.reset_index(drop=True) for part in split(missing, compute.workers, least=1_000, most=20_000)]
    return pd.concat(compute.map(text_features, parts, spec=spec), ignore_index=True)
