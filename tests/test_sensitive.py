"""Credentials, tokens, IBANs, national ids and IPv6 (trendminer.sensitive; issue 26)."""
from __future__ import annotations

import pytest

from trendminer.clean import redact
from trendminer.eval.secrets import score_planted
from trendminer.sensitive import find_identifiers, find_secrets


@pytest.mark.parametrize("text,expected", [
    ("my password is Summer2026!", "my password is [SECRET]"),
    ("password:hunter2", "password:[SECRET]"),
    ("pw: Winter2025$ given", "pw: [SECRET] given"),
    ("Mein Passwort: Geheim123", "Mein Passwort: [SECRET]"),
    ("new password = P@ssw0rd!", "new password = [SECRET]"),
    ('user jdoe / password "Tr0ub4dor&3"', "user jdoe / password [SECRET]"),
    ("PIN: 4711", "PIN: [SECRET]"),
    ("token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 leaked", "token [SECRET] leaked"),
    ("IBAN DE89370400440532013000", "IBAN [IBAN]"),
    ("IBAN GB82 WEST 1234 5698 7654 32.", "IBAN [IBAN]."),
    ("NI AB123456C", "NI [ID]"),
    ("Ausweis T220001293", "Ausweis [ID]"),
    ("host 2001:db8:85a3::8a2e:370:7334 down", "host [IP] down"),
    ("mail j.doe@corp", "mail [EMAIL]"),
])
def test_sensitive_planted_values_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Password reset needed", "password expired at 10:00:00", "Passwort ist abgelaufen", "PIN change not possible",
    "the password: reset via portal", "MAC 00:1A:2B:3C:4D:5E", "std::vector crash", "ME21N SHORT DUMP IN SAP",
    "DE89370400440532013001 (checksum wrong)", "AB123456C9", "T220001294", "build 10.0.19045.3570",
])
def test_sensitive_look_alikes_survive(text):
    assert find_secrets(text) + find_identifiers(text) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sensitive_recall_and_precision_on_planted_set(seed):
    score = score_planted(seed)
    assert score.recall >= 0.95, score.missed
    assert score.precision >= 0.98, score.false
