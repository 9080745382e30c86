"""Detect the language of each ticket (py3langid), so tickets in other languages are counted
and reported instead of being mixed silently into the main language's topics.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

log = logging.getLogger(__name__)

#: label of texts too short or too unclear to tell
UNDETERMINED = "und"
_MIN_CONFIDENCE = 0.8
_MIN_LETTERS = 12


@lru_cache(maxsize=4)
def _identifier(languages: tuple[str, ...]):  # noqa: ANN202 (py3langid has no types)
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        ident.set_languages(list(languages))
    return ident


def detect_languages(texts: pd.Series, languages: Sequence[str] = ()) -> pd.Series:
    """Return an ISO 639-1 code per text, or ``"und"`` when too short or unclear.

    Each distinct text is classified once (exports repeat many texts).

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
    ident = _identifier(tuple(languages))
    # digits say nothing about the language; dropping them makes far fewer distinct texts
    heads = texts.astype(str).str.slice(0, 400).str.replace(r"\d+", "", regex=True)
    labels: dict[str, str] = {}
    for text in pd.unique(heads):
        if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
            labels[text] = UNDETERMINED
            continue
        lang, prob = ident.classify(text)
        labels[text] = lang if prob >= _MIN_CONFIDENCE else UNDETERMINED
    return heads.map(labels).astype(str)
