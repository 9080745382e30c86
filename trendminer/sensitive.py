"""Find secrets and identifiers that no report may show: credentials, bank accounts, national ids.

Credentials are a keyword (password, Passwort, pw, PIN, Kennwort, token, API key ...) followed
by a value ("my password is Summer2026!", "pw: Winter2025$", "new password = P@ssw0rd!"), and
tokens whose shape gives them away (``ghp_…``, ``sk-…``, ``AKIA…``, JWTs, private keys, bearer
tokens, ``user:pass@`` in URLs). Only the value is replaced, so "password" stays a word of the
ticket. Bank accounts are IBANs (compact or spaced) whose mod-97 checksum holds; national ids are
UK National Insurance numbers (format and allowed prefixes: they have no check digit) and German
identity card numbers (with their 7-3-1 check digit). IPv6 addresses are checked by
:mod:`ipaddress`. Everything here is a pure function of the text.
"""
from __future__ import annotations

import ipaddress
import re

#: words that follow "password:" in ordinary tickets ("password: reset", "Passwort ist abgelaufen")
_NOT_SECRETS = frozenset("""
reset resets expired expires expiring abgelaufen gesperrt locked lock unlock wrong falsch incorrect correct
not nicht kein keine changed change changes geändert ändern required needed need the a an my your his her
their our ok okay fine working works invalid ungültig unknown missing empty blank same new old too still now
being been none n/a forgotten forgot vergessen lost policy manager field prompt please bitte and or for on
in of to with will cannot can't doesn't does do did has have had is was are were no yes set sync synced
request requested issue issues problem problems error fehler help hilfe change-request recovery self-service
portal page screen update updated via by from at it this that again erneut wieder nochmal
""".split())

_KEYWORD = (r"(?:passwor[dt]s?|passwd|pwd?|kennw[oö]rt(?:er)?|passcode|passphrase|pin(?:[ -]?code)?|"
            r"api[ _-]?key|access[ _-]?key|secret[ _-]?key|client[ _-]?secret|secret|token|"
            r"zugangscode|zugangsdaten|credentials?)")
_STRONG = r"\s*[:=]\s*"
_WORDY = (r"\s+(?:(?:is|ist|was|war|lautet|lauten|=|:)(?:\s+(?:now|jetzt|still|noch|nun))?"
          r"|(?:set|changed|reset|geändert|gesetzt|zurückgesetzt)\s+(?:to|auf)|to|auf)\s+")
_VALUE = r"(?P<q>[\"'„“])(?P<quoted>[^\"'„“”\n]{1,64})[\"'“”]|(?P<bare>[^\s\"'„“]{1,64})"
CREDENTIAL = re.compile(rf"(?<![\w-])(?P<key>{_KEYWORD})(?:(?P<strong>{_STRONG})|{_WORDY}|\s+(?=[\"'„“]))(?:{_VALUE})",
                        re.IGNORECASE)
PIN = re.compile(r"(?<![\w-])(?:pin|tan)(?:[ -]?code)?\s*(?:[:=#]\s*|(?:is|ist|lautet)\s+)?(?P<bare>\d{4,8})(?!\w)",
                 re.IGNORECASE)
TOKENS = re.compile("|".join((
    r"(?<![\w-])(?:sk|pk|rk)[-_](?:live|test)[-_][A-Za-z0-9]{8,}",
    r"(?<![\w-])sk-[A-Za-z0-9_-]{16,}",
    r"(?<!\w)gh[pousr]_[A-Za-z0-9]{20,}",
    r"(?<!\w)github_pat_[A-Za-z0-9_]{20,}",
    r"(?<!\w)(?:AKIA|ASIA)[0-9A-Z]{16}(?!\w)",
    r"(?<!\w)xox[abprs]-[A-Za-z0-9-]{10,}",
    r"(?<!\w)eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
    r"(?<=\bBearer )[A-Za-z0-9._~+/-]{16,}=*",
    r"(?<=://)[^\s/:@]{1,64}:[^\s/@]{1,64}(?=@)",
)))

#: compact, or spaced in groups of four as printed ("DE89 3704 0044 0532 0130 00")
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)"
                  r"(?![A-Za-z0-9])")
UK_NINO = re.compile(r"(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                     r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])")
DE_ID_CARD = re.compile(r"(?<![A-Za-z0-9])[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d(?:D)?(?![A-Za-z0-9])")
IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:|:)(?::?[0-9A-Fa-f]{0,4}){2,7}"
                  r"(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?:%[\w.]+)?(?![\w:])")
#: an e-mail address without a dot in its domain (``j.doe@corp``); full ones are clean.EMAIL's
BARE_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z][\w-]*(?![\w@.-]*\w)")

Span = tuple[int, int, str]


def _looks_secret(value: str, strong: bool, quoted: bool) -> bool:
    """Whether the word after "password is" is a password, not an ordinary word.

    Examples
    --------
    >>> [_looks_secret(v, s, False) for v, s in (("Summer2026!", False), ("expired", False),
    ...  ("hunter", True), ("Outlook", True), ("reset", True))]
    [True, False, True, False, False]
    """
    core = value.rstrip(".,;:!?)")
    if not core or core.lower() in _NOT_SECRETS or core.startswith("["):   # "[SECRET]" already
        return False
    if quoted:
        return True
    if any(ch.isdigit() for ch in core) or any(not ch.isalnum() for ch in core):
        return True
    if any(ch.isupper() for ch in core[1:]):   # "gEheim", "HuNtEr"
        return True
    return strong and core.islower() and len(core) >= 4   # "password: sunshine"


def find_secrets(text: str) -> list[Span]:
    """Spans of credentials and tokens (label ``SECRET``); the keyword itself is kept.

    Examples
    --------
    >>> t = "my password is Summer2026! and pw: Winter2025$, the password is expired"
    >>> [t[s:e] for s, e, _ in find_secrets(t)]
    ['Summer2026!', 'Winter2025$']
    """
    found: list[Span] = []
    if not text:
        return found
    for m in CREDENTIAL.finditer(text):
        quoted = m["quoted"] is not None
        value = m["quoted"] if quoted else m["bare"]
        if _looks_secret(value, bool(m["strong"]), quoted):
            start, end = (m.start("q"), m.end()) if quoted else (m.start("bare"), m.end("bare"))
            if not quoted:   # "pw: Winter2025$, given": the comma ends the sentence, not the value
                end -= len(value) - len(value.rstrip(",;.)"))
            found.append((start, end, "SECRET"))
    found += [(m.start("bare"), m.end("bare"), "SECRET") for m in PIN.finditer(text)]
    found += [(m.start(), m.end(), "SECRET") for m in TOKENS.finditer(text)]
    return _merge(found)


def _iban_ok(compact: str) -> bool:
    if not 15 <= len(compact) <= 34:
        return False
    digits = "".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def _de_id_ok(value: str) -> bool:
    body, check = value[:9], value[9]
    total = sum(int(ch, 36) * w for ch, w in zip(body, (7, 3, 1) * 3))
    return total % 10 == int(check)


def find_identifiers(text: str, *, ips: bool = True, emails: bool = True, ids: bool = True) -> list[Span]:
    """Spans of IBANs (``IBAN``), national ids (``ID``), IPv6 addresses (``IP``) and e-mail
    addresses without a dotted domain (``EMAIL``).

    Examples
    --------
    >>> t = "IBAN DE89 3704 0044 0532 0130 00, NI AB123456C, host fe80::1 and j.doe@corp"
    >>> [(t[s:e], label) for s, e, label in find_identifiers(t)]
    [('DE89 3704 0044 0532 0130 00', 'IBAN'), ('AB123456C', 'ID'), ('fe80::1', 'IP'), ('j.doe@corp', 'EMAIL')]
    """
    found: list[Span] = []
    if ids and any(ch.isdigit() for ch in text):
        for m in IBAN.finditer(text):
            raw = m.group()
            for end in range(len(raw), 14, -1):   # the longest prefix whose checksum holds
                if raw[end - 1] != " " and _iban_ok(raw[:end].replace(" ", "")):
                    found.append((m.start(), m.start() + end, "IBAN"))
                    break
        found += [(m.start(), m.end(), "ID") for m in UK_NINO.finditer(text)]
        found += [(m.start(), m.end(), "ID") for m in DE_ID_CARD.finditer(text) if _de_id_ok(m.group())]
    if ips and "::" in text or ips and text.count(":") >= 7:
        for m in IPV6.finditer(text):
            candidate = m.group().split("%")[0]
            if candidate.count(":") < 2 or not any(ch.isalnum() for ch in candidate):
                continue
            try:
                ipaddress.IPv6Address(candidate)
            except ValueError:
                continue
            found.append((m.start(), m.end(), "IP"))
    if emails and "@" in text:
        found += [(m.start(), m.end(), "EMAIL") for m in BARE_EMAIL.finditer(text)]
    return _merge(found)


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted, without overlaps (the earlier, then the longer span wins)."""
    out: list[Span] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if out and start < out[-1][1]:
            continue
        out.append((start, end, label))
    return out
