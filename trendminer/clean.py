"""Clean ticket text and redact personal data.

Mail headers, quoted replies, signatures, greetings and markup are removed; e-mail
addresses, phone numbers, IP addresses and the caller's own name are replaced by
placeholders; each ticket's language is detected on the cleaned text. Everything here is a
pure function of its input.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .catalogue import normalise_name
from .html_text import html_to_text  # noqa: F401 - also clean's API
from .config import Settings
from .language import UNDETERMINED, detect_languages
from .names import find_people
from .schema import TICKETS, Tickets, validate
from .sensitive import find_identifiers, find_secrets

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
# International or local numbers with at least 7 digits (checked in _is_phone), allowing spaces,
# dots, dashes, slashes, a (0) and one parenthesised area code: +49 (0)89 1234 5678,
# (555) 123-4567, 0151/2345678. Dates and build numbers like 19045.3570 are not phones.
PHONE = re.compile(
    r"(?<![\w.+])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(0\)[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?"
    r"\d{1,5}(?:[ ./-]?\d{1,5}){1,5}(?!\w|[.,]\d)"
)
_PHONE_MIN_DIGITS = 7

_HEADER_LINE = re.compile(
    r"^\s*(received from|from|sent|to|cc|bcc|subject|date|von|gesendet|an|betreff)\s*:.*$",
    re.IGNORECASE,
)
_QUOTE_START = re.compile(
    r"^\s*(-{2,}\s*original message\s*-{2,}|on .{3,80} wrote:|am .{3,80} schrieb .{0,40}:)\s*$",
    re.IGNORECASE,
)
_SIGNATURE_START = re.compile(
    r"^\s*(best regards|kind regards|regards|many thanks|thanks and regards|cheers|"
    r"mit freundlichen gr(ü|ue)(ß|ss)en|viele gr(ü|ue)(ß|ss)e|beste gr(ü|ue)(ß|ss)e|"
    r"sent from my \w+|von meinem \w+ gesendet|--)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(r"^\s*(this e-?mail|this message) (and any attachments )?(is|may be) confidential", re.I)
_GREETING = re.compile(
    r"^\s*(hi|hello|hey|dear|good (morning|afternoon)|hallo|guten (morgen|tag)|sehr geehrte\w*)"
    r"\b[^\n]{0,40}?[,!:]?\s*$",
    re.IGNORECASE,
)
_WS = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")


def strip_mail_noise(text: str) -> str:
    """Drop mail headers, greetings, quoted replies, signatures and disclaimers.

    Examples
    --------
    >>> strip_mail_noise("From: a\\nSent: b\\nHi team,\\nOutlook crashes\\nBest regards,\\nAnna")
    'Outlook crashes'
    """
    kept: list[str] = []
    for line in text.splitlines():
        if _QUOTE_START.match(line) or _SIGNATURE_START.match(line) or _DISCLAIMER.match(line):
            break
        if line.lstrip().startswith(">") or _HEADER_LINE.match(line):
            continue
        if not any(k.strip() for k in kept) and (not line.strip() or _GREETING.match(line)):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def _is_phone(match: re.Match[str]) -> bool:
    text = match.group()
    if _DATE_LIKE.match(text.strip()) or sum(ch.isdigit() for ch in text) < _PHONE_MIN_DIGITS:
        return False
    return re.fullmatch(r"\d+\.\d+", text) is None   # 19045.3570 is a build number


#: default ID patterns (employee ids like E123456 or EMP-004711); see clean.id_patterns
ID_PATTERNS = (r"\b(?:EMP|E)[-_]?\d{5,7}\b",)
_NAME_SPLIT = re.compile(r"[\s,.;()]+")


def _ascii_fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name.replace("ı", "i")).encode("ascii", "ignore").decode()


@functools.lru_cache(maxsize=4096)
def _name_tokens(names: tuple[str, ...]) -> tuple[str, ...]:
    """Each full name, its ASCII-folded form and their parts of three or more letters."""
    tokens: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        for variant in {name, _ascii_fold(name)}:   # "Öztürk" is often typed "Ozturk"
            tokens.add(variant)
            tokens.update(p for p in _NAME_SPLIT.split(variant) if len(p) >= 3 and not p.isdigit())
    return tuple(sorted(tokens, key=lambda t: (-len(t), t)))


@functools.lru_cache(maxsize=4096)   # one caller files many tickets; compiling is the slow part
def _name_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    tokens = _name_tokens(names)
    if not tokens:
        return None
    full = []
    for name in set(tokens) & set(names) | {t for t in tokens if " " in t}:   # "Mei Braun", "Braun, Mei"
        parts = [re.escape(p) for p in _NAME_SPLIT.split(name) if p]
        if len(parts) >= 2:
            full += [r"[\s,]+".join(parts), r"[\s,]+".join(parts[::-1])]
    alts = "|".join([*sorted(full), *(re.escape(t) for t in tokens)])
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)


def _mentions(text: str, names: tuple[str, ...]) -> bool:
    """Whether any part of the names occurs in the text at all (case-insensitive)."""
    lowered = text.lower()
    return any(t.lower() in lowered for t in _name_tokens(names))


#: callers with one of these words in their name are accounts or roles, not people: their
#: names ("service desk") are ordinary words in other tickets
_ROLE_WORDS = frozenset({"admin", "administrator", "service", "system", "desk", "helpdesk", "team",
                         "support", "account", "monitoring", "integration", "bot", "noreply",
                         "no-reply", "guest", "unknown", "group", "operations", "servicedesk"})


class People:
    """Everyone named as a caller in the exports, found again by full name in any ticket.

    A first or last name alone is common enough to be a word ("Will", "Berg"), so only the
    caller's own name parts are redacted in the caller's tickets; other people are found by
    two adjacent parts of their name in either order ("Anna Berg", "Berg, Anna"), also typed
    without accents or in lower case.

    Examples
    --------
    >>> people = People(["Anna Berg", "Jan Novak", "Cher", "Service Desk"])
    >>> people.mentioned("cc anna berg and NOVAK, Jan; ask Jan or the service desk")
    ('Anna Berg', 'Jan Novak')
    """

    def __init__(self, names: Iterable[str]) -> None:
        self._pairs: dict[tuple[str, str], str] = {}
        for name in sorted({" ".join(n.split()) for n in names}):
            for variant in {name, _ascii_fold(name)}:
                parts = [p.lower() for p in _NAME_SPLIT.split(variant) if p]
                if _ROLE_WORDS & set(parts):   # "Service Desk", "System Administrator": accounts
                    break
                for a, b in zip(parts, parts[1:]):
                    self._pairs.setdefault((a, b), name)
                    self._pairs.setdefault((b, a), name)

    def mentioned(self, text: str) -> tuple[str, ...]:
        """The known people whose full name occurs in ``text``, in order of first mention."""
        if not self._pairs:
            return ()
        words = [w.strip("!?:'\"") for w in _NAME_SPLIT.split(text.lower())]
        found = (self._pairs.get(pair) for pair in zip(words, words[1:]))
        return tuple(dict.fromkeys(name for name in found if name))


def find_personal_data(text: str, names: tuple[str, ...] = (), *, emails: bool = True,
                       phones: bool = True, ips: bool = True,
                       id_patterns: tuple[str, ...] = (), others: bool = False, secrets: bool = True,
                       national_ids: bool = True) -> list[tuple[int, int, str]]:
    """Return non-overlapping ``(start, end, label)`` spans of personal data in ``text``.

    Earlier kinds win overlaps: credentials (``secrets``), e-mail, IBANs and national ids, IPv6
    (:mod:`trendminer.sensitive`), IPv4, ID pattern, phone, then names; with ``others`` the full
    names of people who are not callers too (:func:`trendminer.names.find_people`).

    Examples
    --------
    >>> find_personal_data("ip 10.0.0.7 from E123456", id_patterns=ID_PATTERNS)
    [(3, 11, 'IP'), (17, 24, 'ID')]
    """
    found: list[tuple[int, int, str]] = []

    def add(pattern: re.Pattern[str] | None, label: str, keep=lambda m: True) -> None:  # noqa: ANN001
        if pattern is None:
            return
        for m in pattern.finditer(text):
            if keep(m) and not any(m.start() < e and s < m.end() for s, e, _ in found):
                found.append((m.start(), m.end(), label))

    if secrets:
        found += find_secrets(text)
    if emails and "@" in text:   # cheap necessary conditions first: most texts have neither
        add(EMAIL, "EMAIL")
    for start, end, label in find_identifiers(text, ips=ips, emails=emails, ids=national_ids):
        if not any(start < e and s < end for s, e, _ in found):
            found.append((start, end, label))
    if ips and text.count(".") >= 3:
        add(IPV4, "IP")
    for pattern in id_patterns:
        add(_compiled(pattern), "ID")
    if phones:
        add(PHONE, "PHONE", _is_phone)
    if names and _mentions(text, names):   # most texts do not name anyone: skip the regex
        add(_name_pattern(names), "NAME")
    if others:   # full names of anyone else, by the given-name gazetteer (trendminer.names)
        for start, end in find_people(text):
            if not any(start < e and s < end for s, e, _ in found):
                found.append((start, end, "NAME"))
    return sorted(found)


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def redact(text: str, names: tuple[str, ...] = (), *, emails: bool = True,
           phones: bool = True, ips: bool = True, id_patterns: tuple[str, ...] = (),
           others: bool = False, secrets: bool = True, national_ids: bool = True) -> str:
    """Replace personal data with placeholders (``[EMAIL]``, ``[PHONE]``, ``[IP]``, ``[ID]``, ``[NAME]``,
    ``[IBAN]``) and credentials with ``[SECRET]``.

    Parameters
    ----------
    text : str
    names : tuple of str
        Person names to remove (e.g. the caller); each full name and its parts of
        three or more letters are replaced by ``[NAME]``.
    id_patterns : tuple of str
        Regular expressions for in-house identifiers (employee ids ...), replaced by ``[ID]``.

    Examples
    --------
    >>> redact("mail maria.schmidt@corp.example or call +49 89 1234 5678, Maria", ("Maria Schmidt",))
    'mail [EMAIL] or call [PHONE], [NAME]'
    """
    spans = find_personal_data(text, names, emails=emails, phones=phones, ips=ips,
                               id_patterns=id_patterns, others=others, secrets=secrets,
                               national_ids=national_ids)
    for start, end, label in reversed(spans):
        text = f"{text[:start]}[{label}]{text[end:]}"
    return text


def clean_text(text: str) -> str:
    """Markup to text, mail noise removed, whitespace normalised.

    Examples
    --------
    >>> clean_text("<p>Hi,</p><p>SAP   GUI freezes</p>")
    'SAP GUI freezes'
    """
    text = html_to_text(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))
    text = strip_mail_noise(text)
    text = "\n".join(_WS.sub(" ", line).strip() for line in text.splitlines())
    return _BLANKS.sub("\n\n", text).strip()


def _caller_key(name: str) -> str:
    return hashlib.sha256(("trendminer:" + name.strip().lower()).encode()).hexdigest()[:16] if name.strip() else ""


def clean_tickets(raw: pd.DataFrame, settings: Settings, *, compute: Any = None) -> Tickets:
    """Clean and redact the raw ingested frame into the canonical :data:`~schema.TICKETS`.

    The caller's name is replaced by a pseudonymous key; it never reaches the state. In the
    text, the caller's name and the full name of anyone else who is a caller in these
    exports (see :class:`People`) become ``[NAME]``. The input frame is not modified.

    ``compute`` (a :class:`~trendminer.compute.Compute`) cleans chunks of rows on its workers;
    every row is cleaned on its own, so the result is the same as in one piece.
    """
    opts = settings["clean"]
    people = People(raw["caller"].astype(str).unique() if opts["redact_known_people"] else ())
    if compute is None or not compute.on_cluster or raw.empty:
        out = clean_rows(raw, settings=settings, people=people)
    else:
        from .compute import split

        parts = split(raw, compute.workers, least=2_000, most=50_000)
        out = pd.concat(compute.map(clean_rows, parts, settings=settings, people=people))
    return validate(out[list(TICKETS)], TICKETS, "clean")


def clean_rows(raw: pd.DataFrame, *, settings: Settings, people: People) -> pd.DataFrame:
    """:func:`clean_tickets` of some rows, ``people`` being every caller of the whole export
    (a top-level function, so a Dask worker can run it on a chunk)."""
    opts = settings["clean"]
    max_chars = int(settings["embed"]["max_chars"])
    out = raw.copy(deep=False)   # copy-on-write: the columns replaced below are never copied

    ids = tuple(opts["id_patterns"]) if opts["redact_ids"] else ()
    callers = out["caller"].astype(str)

    def scrub(text: str, caller: str) -> str:
        own = (caller,) if opts["redact_caller_names"] and caller.strip() else ()
        names = own + tuple(n for n in people.mentioned(text) if n not in own)
        return redact(text, names, emails=opts["redact_emails"], phones=opts["redact_phones"],
                      ips=opts["redact_ips"], id_patterns=ids, others=opts["redact_other_names"],
                      secrets=opts["redact_secrets"], national_ids=opts["redact_national_ids"])

    # Titles are one-line plain text in every tool: markup in them is shown as typed, not parsed.
    out["title"] = [" ".join(scrub(t, c).split()) for t, c in zip(out["title"].astype(str), callers)]
    out["description"] = [scrub(clean_text(t), c) for t, c in zip(out["description"].astype(str), callers)]
    if "csat_comment" in out:   # the survey comment is the user's own words (trendminer.ingest.surveys)
        comments = [scrub(clean_text(t), c) if t.strip() else "" for t, c in zip(out["csat_comment"].astype(str), callers)]
        out["description"] = [f"{d}\n\nSurvey comment: {k}".strip() if k else d for d, k in zip(out["description"], comments)]
    notes = out["resolution"].astype(str) if "resolution" in out else pd.Series("", index=out.index)
    out["resolution"] = [scrub(clean_text(t), c) if t else "" for t, c in zip(notes, callers)]
    out["caller_key"] = [_caller_key(c) for c in callers]
    # Short fields are typed by people too ("Laptop of Kevin Mueller kevin.mueller@corp.example"):
    # redacted like the text before they are stored or shown. Most values repeat: each is done once.
    once = functools.lru_cache(maxsize=None)(lambda value, caller: " ".join(scrub(value, caller).split()))
    for col in ("system", "category", "assignment_group"):
        out[col] = [once(v, c if c.strip() and _mentions(v, (c,)) else "") for v, c in zip(out[col].astype(str), callers)]
    out["system_field"] = out.pop("system").astype(str).map(normalise_name)   # "Café" typed two ways is one
    for col in ("category", "state", "assignment_group"):
        out[col] = out[col].astype(str).str.strip()
    out["text"] = [embed_text(t, d, max_chars) for t, d in zip(out["title"], out["description"])]
    out["text_hash"] = [text_hash(t) for t in out["text"]]
    out["language"] = ticket_languages(out, settings["ingest"])
    out["csat"] = out["csat"].astype(float) if "csat" in out else np.nan
    for col in ("made_sla", "first_response_hours"):
        out[col] = out[col].astype(float) if col in out else np.nan
    if "kind_label" not in out:   # rows that did not come through read_exports (the export states no kind)
        out["kind_label"] = ""
    return out.drop(columns=["caller"])


def ticket_languages(tickets: pd.DataFrame, ingest: Mapping[str, Any]) -> pd.Series:
    """Language per ticket, detected on the cleaned title and the head of the description.

    Cleaned text, because mail headers, signatures and disclaimers are often in another
    language than the ticket. Tickets without free text (titles built from codes) and runs
    with ``ingest.detect_language = false`` get ``"und"``.
    """
    out = pd.Series(UNDETERMINED, index=tickets.index, dtype=str)
    if not ingest["detect_language"] or tickets.empty:
        return out
    free = ~tickets["structured_only"].astype(bool) if "structured_only" in tickets else slice(None)
    text = tickets["title"].astype(str).str.cat(tickets["description"].astype(str).str.slice(0, 300), sep=". ")
    out[free] = detect_languages(text[free], ingest["languages"])
    return out


def text_hash(text: str) -> str:
    """The key of a text in the embedding cache: its sha256 (hex)."""
    return hashlib.sha256(text.encode()).hexdigest()


def embed_text(title: str, description: str, max_chars: int) -> str:
    """What is embedded: the title, then the head of the description, cut at a word.

    Examples
    --------
    >>> embed_text("VPN down", "cannot connect since the update this morning", 30)
    'VPN down. cannot connect since'
    >>> embed_text("Where is my card?", "", 30)
    'Where is my card?'
    """
    title, body = title.strip(), " ".join(description.split())
    text = f"{title.rstrip('.')}. {body}" if title and body else (title or body)
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    if text[max_chars] == " ":   # the cut already ends at a word
        return cut.rstrip()
    return cut.rsplit(" ", 1)[0] if " " in cut else cut
