"""The batch language detector gives py3langid's own answers, text for text."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from trendminer.language import UNDETERMINED, _identifier, classify_many, detect_languages

SENTENCES = [
    "The printer on the second floor stopped printing after the update",
    "Der Drucker im zweiten Stock druckt seit dem Update nicht mehr",
    "L'imprimante du deuxième étage ne fonctionne plus depuis la mise à jour",
    "La impresora del segundo piso no imprime desde la actualización",
    "La stampante al secondo piano non stampa più dopo l'aggiornamento",
    "De printer op de tweede verdieping print niet meer sinds de update",
    "A impressora do segundo andar não imprime desde a atualização",
    "Drukarka na drugim piętrze nie drukuje od czasu aktualizacji",
    "Skrivaren på andra våningen skriver inte ut sedan uppdateringen",
    "Printeren på anden sal printer ikke længere efter opdateringen",
    "Принтер на втором этаже не печатает после обновления",
    "二階のプリンターが更新後に印刷できません",
    "Ο εκτυπωτής στον δεύτερο όροφο δεν εκτυπώνει μετά την ενημέρωση",
    "OUTLOOK CRASHES EVERY MORNING SINCE THE UPDATE",          # all upper: lower-cased first
    "ÜBERWEISUNG IN SAP SCHLÄGT FEHL",
    "cafe\u0301 re\u0301sume\u0301 na\u0131\u0308ve",            # combining marks: NFC first
    "", "VPN", "12345 67", "!!!", "a",
]
TEN = ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da")


def _corpus(n: int = 600, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    words = " ".join(SENTENCES).split()
    mixed = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))) for _ in range(n)]
    return SENTENCES + mixed


@pytest.mark.parametrize("languages", [(), TEN], ids=["all", "ten"])
def test_classify_many_matches_py3langid(languages):
    texts = _corpus()
    ident = _identifier(languages)
    expected = [ident.classify(t) for t in texts]
    labels, confidence = classify_many(texts, languages)
    assert labels == [lang for lang, _ in expected]
    # py3langid sums in float32, text by text; a sparse product sums in another order
    np.testing.assert_allclose(confidence, [p for _, p in expected], atol=5e-4)


def test_classify_many_batches_long_texts(monkeypatch):
    """Texts longer than a batch and batch boundaries do not change any answer."""
    import trendminer.language as lang

    texts = _corpus(80, seed=1) + [" ".join(SENTENCES[1:3]) * 40]
    whole = classify_many(texts, TEN)
    monkeypatch.setattr(lang, "_BATCH_BYTES", 300)
    small = classify_many(texts, TEN)
    assert whole[0] == small[0]
    np.testing.assert_allclose(whole[1], small[1], atol=1e-6)


def test_detect_languages_keeps_index_and_abstains():
    texts = pd.Series([SENTENCES[1], "VPN 42", SENTENCES[0] + " 2026-10-31", SENTENCES[1]],
                      index=[10, 11, 12, 13])
    out = detect_languages(texts, TEN)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.tolist() == ["de", UNDETERMINED, "en", "de"]


def test_detect_languages_missing_text_is_undetermined():
    out = detect_languages(pd.Series(["", None, SENTENCES[1]]), TEN)
    assert out.tolist() == [UNDETERMINED, UNDETERMINED, "de"]
