"""Recall and precision of the secret and identifier rules (:mod:`trendminer.sensitive`).

Two measures: a seeded set of credentials, tokens, IBANs, national ids and IPv6 addresses
planted in ticket sentences next to look-alikes that must survive (``password reset``, times,
versions, KB numbers, error codes, MAC addresses), and a count of what the rules take out of
real text (the sample exports, banking77, the Endava help-desk mails) where every span found
is a false positive unless it is personal data, listed for a reader to judge.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..sensitive import find_identifiers, find_secrets

SECRETS = ["Summer2026!", "hunter2", "Winter2025$", "Geheim123", "P@ssw0rd!", "Tr0ub4dor&3", "Welcome1",
           "xK9#mQ2p", "Herbst2024?", "s3cr3t-42"]
CREDENTIAL_TEMPLATES = [
    "my password is {s} and it does not work", "password:{s}", "pw: {s} please reset", "Mein Passwort: {s} geht nicht",
    "new password = {s} for the user", "Kennwort lautet {s}", "temporary password set to {s}", "PIN: {pin}",
    "the pin is {pin}", "passwort ist {s}", "login with user jdoe / password \"{s}\"",
]
TOKENS = ["ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "AKIAIOSFODNN7EXAMPLE", "sk-live-4f9a8b7c6d5e4f3a2b1c",
          "xoxb-1234567890-abcdefghij", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlX2hlcmU"]
IDS = [("DE89370400440532013000", "IBAN"), ("DE89 3704 0044 0532 0130 00", "IBAN"), ("GB82WEST12345698765432", "IBAN"),
       ("GB82 WEST 1234 5698 7654 32", "IBAN"), ("FR1420041010050500013M02606", "IBAN"), ("AB123456C", "ID"),
       ("AB 12 34 56 C", "ID"), ("T220001293", "ID"), ("2001:db8:85a3::8a2e:370:7334", "IP"),
       ("fe80::1ff:fe23:4567:890a", "IP"), ("::1", "IP"), ("j.doe@corp", "EMAIL")]
ID_TEMPLATES = ["please refund to {v} today", "my id is {v}, see attachment", "host {v} is unreachable",
                "details: {v}"]
DECOYS = ["Password reset needed", "password expired at 10:00:00", "Passwort ist abgelaufen", "PW change request",
          "PIN change not possible", "token expired again", "version 10.0.19045.3570", "KB0012345 explains it",
          "error 0x80070005 at 12:30:45", "MAC 00:1A:2B:3C:4D:5E", "std::vector crash", "DE12 is a room",
          "INC0012345 reopened", "invoice 1234567890 paid", "the password: reset via portal",
          "password is too short", "set password to expire never", "api key rotation policy"]


@dataclass
class SecretScore:
    """Planted-case figures."""

    planted: int
    found: int
    spans: int
    false_spans: int
    missed: list[str]
    false: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return (self.spans - self.false_spans) / self.spans if self.spans else 1.0


def _spans(text: str) -> list[tuple[int, int, str]]:
    return find_secrets(text) + find_identifiers(text)


def planted_cases(seed: int = 0, n: int = 400) -> list[tuple[str, list[tuple[int, int]]]]:
    """``n`` sentences, each with a planted value (its span) or a decoy (no span), seeded."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n):
        kind = rng.integers(4)
        if kind == 0:
            template, secret = str(rng.choice(CREDENTIAL_TEMPLATES)), str(rng.choice(SECRETS))
            value = f"{rng.integers(1000, 99999999)}" if "{pin}" in template else secret
            text = template.replace("{s}", value).replace("{pin}", value)
        elif kind == 1:
            value = str(rng.choice(TOKENS))
            text = f"{rng.choice(['log shows token', 'config has', 'Authorization: Bearer'])} {value} in it"
        elif kind == 2:
            value = IDS[rng.integers(len(IDS))][0]
            text = str(rng.choice(ID_TEMPLATES)).format(v=value)
        else:
            cases.append((str(rng.choice(DECOYS)), []))
            continue
        start = text.index(value)
        cases.append((text, [(start, start + len(value))]))
    return cases


def score_planted(seed: int = 0, n: int = 400) -> SecretScore:
    """Recall (planted values fully covered) and precision (spans overlapping a planted value)."""
    planted = found = spans = false_spans = 0
    missed, false = [], []
    for text, gold in planted_cases(seed, n):
        got = _spans(text)
        for s, e in gold:
            planted += 1
            if any(gs <= s and e <= ge for gs, ge, _ in got):
                found += 1
            else:
                missed.append(text)
        for gs, ge, _ in got:
            spans += 1
            if not any(gs < e and s < ge for s, e in gold):
                false_spans += 1
                false.append(f"{text[gs:ge]!r} in {text!r}")
    return SecretScore(planted, found, spans, false_spans, missed[:10], false[:10])


def count_in(texts: list[str]) -> tuple[Counter, list[str]]:
    """What the rules find in real text: spans by label, and every span (for a reader to judge)."""
    labels: Counter = Counter()
    found = []
    for text in texts:
        for s, e, label in _spans(text):
            labels[label] += 1
            found.append(f"{label}: {text[s:e]!r} in {text[max(0, s - 40):e + 20]!r}")
    return labels, found
