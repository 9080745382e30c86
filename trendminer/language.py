"""Detect the language of each ticket, so tickets in other languages are counted and reported
instead of being mixed silently into the main language's topics.

The model is py3langid's (naive Bayes over byte n-grams found by a finite automaton). Its
``classify`` walks one text at a time in a Python loop, about 50 µs per ticket: nearly a minute
for a million distinct tickets. :func:`classify_many` runs the same automaton over a whole
batch at once with numpy (one step per byte position, all texts together) and scores the
n-gram counts with one sparse matrix product. It returns ``classify``'s language for each
text and its confidence up to float32 rounding (``tests/test_language.py`` checks both
on texts in many languages and scripts).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

log = logging.getLogger(__name__)

#: label of texts too short or too unclear to tell
UNDETERMINED = "und"
_MIN_CONFIDENCE = 0.8
_MIN_LETTERS = 12
_HEAD_CHARS = 400
_BATCH_BYTES = 8_000_000   # bytes walked per batch: bounds the memory of the n-gram hits


#: English names of the languages a topic label may be shown in; other codes are shown as they are
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
                  "nl": "Dutch", "pt": "Portuguese", "pl": "Polish", "sv": "Swedish", "da": "Danish",
                  "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "cs": "Czech", "tr": "Turkish",
                  "ru": "Russian", "hu": "Hungarian", "ro": "Romanian", "fi": "Finnish", "no": "Norwegian"}


def language_name(code: str) -> str:
    """The English name of a language code, or the code itself.

    Examples
    --------
    >>> language_name("de"), language_name("xx")
    ('German', 'xx')
    """
    return LANGUAGE_NAMES.get(code, code)


@lru_cache(maxsize=4)
def _identifier(languages: tuple[str, ...]):  # noqa: ANN202 (py3langid has no types)
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        ident.set_languages(list(languages))
    return ident


class _Automaton:
    """py3langid's model as numpy arrays: transitions, feature per state, class weights."""

    def __init__(self, ident) -> None:  # noqa: ANN001
        self.nextmove = np.frombuffer(ident.tk_nextmove, dtype=np.uint32).astype(np.int32)
        self.rowbase = (np.asarray(ident.tk_row, dtype=np.int64) << 8).astype(np.int32)
        self.output = np.asarray(ident.tk_output, dtype=np.int32)
        self.weights = np.asarray(ident.nb_ptc, dtype=np.float32)
        self.prior = np.asarray(ident.nb_pc, dtype=np.float32)
        self.classes = np.asarray(ident.nb_classes, dtype=object)
        self.aliases = list(ident._alias_pairs)


@lru_cache(maxsize=4)
def _automaton(languages: tuple[str, ...]) -> _Automaton:
    return _Automaton(_identifier(languages))


def _encode(texts: pa.Array) -> pa.Array:
    """py3langid's input rule, vectorised: all-upper texts lower-cased, then NFC, as UTF-8."""
    texts = pc.if_else(pc.utf8_is_upper(texts), pc.utf8_lower(texts), texts)
    return pc.utf8_normalize(texts, form="NFC").cast(pa.large_binary())


def _ngram_counts(auto: _Automaton, data: np.ndarray, starts: np.ndarray,
                  lengths: np.ndarray) -> sparse.csr_matrix:
    """Walk the automaton over each text's bytes; return n-gram counts, one row per text."""
    order = np.argsort(-lengths, kind="stable").astype(np.int32)   # longest first: active texts are a prefix
    pos, lens = starts[order], lengths[order]
    state = np.zeros(len(order), dtype=np.int32)
    rows, feats = [], []
    for j in range(int(lens[0]) if len(lens) else 0):
        n = int(np.searchsorted(-lens, -j, side="left"))   # texts longer than j bytes
        live = state[:n]
        live[:] = auto.nextmove[auto.rowbase[live] + data[pos[:n] + j]]
        feat = auto.output[live]
        hit = np.flatnonzero(feat >= 0)
        rows.append(order[hit])
        feats.append(feat[hit])
    rows_all = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    feats_all = np.concatenate(feats) if feats else np.zeros(0, np.int32)
    counts = sparse.csr_matrix((np.ones(len(rows_all), np.float32), (rows_all, feats_all)),
                               shape=(len(starts), auto.weights.shape[0]))
    counts.sum_duplicates()
    return counts


def classify_many(texts: Sequence[str] | pa.Array, languages: Sequence[str] = (),
                  ) -> tuple[list[str], np.ndarray]:
    """Language and confidence per text, as py3langid's ``classify`` (normalised) gives them.

    Examples
    --------
    >>> labels, conf = classify_many(["Der Drucker im zweiten Stock druckt nicht mehr",
    ...                               "the printer on the second floor stopped printing"],
    ...                              ["en", "de"])
    >>> labels, bool(conf.min() > 0.9)
    (['de', 'en'], True)
    """
    auto = _automaton(tuple(languages))
    encoded = _encode(texts.cast(pa.large_string()) if isinstance(texts, pa.Array)
                      else pa.array(list(texts), type=pa.large_string()))
    offsets = np.frombuffer(encoded.buffers()[1], dtype=np.int64)[
        encoded.offset:encoded.offset + len(encoded) + 1]
    data = np.frombuffer(encoded.buffers()[2], dtype=np.uint8) if len(encoded) else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    labels = np.empty(len(encoded), dtype=object)
    conf = np.empty(len(encoded), dtype=np.float32)
    first = 0
    while first < len(encoded):   # batches of about _BATCH_BYTES bytes
        last = int(np.searchsorted(offsets, offsets[first] + _BATCH_BYTES, side="right"))
        last = min(max(last - 1, first + 1), len(encoded))
        counts = _ngram_counts(auto, data, offsets[first:last], lengths[first:last])
        counts.data = np.log1p(counts.data)
        scores = np.asarray(counts @ auto.weights, dtype=np.float32) + auto.prior
        scores[np.diff(counts.indptr) == 0] = 0.0   # no n-gram: uniform, like py3langid
        scores *= (1.0 / np.sqrt(np.maximum(lengths[first:last], 1))).astype(np.float32)[:, None]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        for i, j in auto.aliases:   # one label in two columns (srl -> sr): fold the second in
            scores[:, i] += scores[:, j]
            scores[:, j] = 0.0
        best = scores.argmax(axis=1)
        labels[first:last] = auto.classes[best]
        conf[first:last] = scores[np.arange(len(best)), best]
        first = last
    return labels.tolist(), conf


def detect_languages(texts: pd.Series, languages: Sequence[str] = ()) -> pd.Series:
    """Return an ISO 639-1 code per text, or ``"und"`` when too short or unclear.

    Each distinct text is classified once (exports repeat many texts); digits are dropped
    first, as they say nothing about the language.

    Parameters
    ----------
    texts : Series of str
    languages : sequence of str
        Candidate languages; empty means all ~97 that py3langid knows.

    Examples
    --------
    >>> detect_languages(pd.Series(["Outlook stürzt ab seit dem Update, bitte helfen",
    ...                             "VPN"]), ["en", "de"]).tolist()
    ['de', 'und']
    """
    if texts.empty:
        return pd.Series([], index=texts.index, dtype=str)
    heads = pc.replace_substring_regex(
        pc.utf8_slice_codeunits(pa.array(texts.astype(str), type=pa.large_string()), 0, _HEAD_CHARS),
        r"\d+", "")
    encoded = pc.dictionary_encode(pc.fill_null(heads, ""))
    codes, distinct = encoded.indices.to_numpy(), encoded.dictionary
    letters = pc.utf8_length(pc.replace_substring_regex(distinct, r"[^\p{L}]+", "")).to_numpy()
    labels, conf = classify_many(distinct, languages)
    chosen = np.where((letters >= _MIN_LETTERS) & (conf >= _MIN_CONFIDENCE),
                      np.asarray(labels, dtype=object), UNDETERMINED)
    return pd.Series(chosen[codes], index=texts.index, dtype=str)
