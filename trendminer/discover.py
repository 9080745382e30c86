"""Systems discovered from ticket text: candidate names, host-like names apart, aliases grouped.

A desk without a catalogue starts from what its tickets name. Users write systems in lower
case ("erp", "vpn", "outlook"), as tool names ("job_scheduler"), as vendor products, and mix
in host names, asset tags, IPs and ticket numbers. Per English ticket, the words of the title
and description are read as:

- **known products**: the phrases of ``lexicons/it_products.txt`` (vendor products and IT
  tools with their aliases and spellings, so "sap", "s4" and "sap gui" are one system "erp");
  a close misspelling of one ("outlok") counts for it;
- **tool names**: ``snake_case`` words and words ending in ``tool`` ("job_scheduler", "hr_tool");
- **product-like words**: words that are not English, not a typo of an English word ("teh"),
  not a given name, not a file type or a generic IT abbreviation (pdf, usb, ip ...);
- **host-like names**: IPs, letter-digit codes (rtr01, sw01, vip2), dotted host names, asset
  tags and ticket numbers; these are counted apart ("looks like a host/asset").

Each candidate's score is its tickets times how specific to IT its kind of evidence is
(:data:`WEIGHTS`). Spellings that differ by spaces, hyphens or one edit are grouped under the
most frequent one.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import OSA

from .nlp import STOP_WORDS
from .systems import compact, is_english_word

#: how specific to IT each kind of evidence is (multiplies the ticket count)
WEIGHTS = {"known product": 1.0, "tool name": 1.0, "acronym": 0.9, "product-like word": 0.7}
HOST_SOURCE = "looks like a host/asset"

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./+-]*[A-Za-z0-9+]|[A-Za-z]")
_IP = re.compile(r"\d{1,3}(\.\d{1,3}){3}(:\d+)?")
_TICKET = re.compile(r"(inc|chg|ritm|req|prb|task|sctask|ritm|cs|wo)\d{4,}", re.I)
_ASSET = re.compile(r"[a-z]{1,5}-?\d{3,}[a-z]?", re.I)
_HOSTNAME = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+){2,}", re.I)
#: ordinals, quarters, times, file names: neither systems nor hosts
_NOT_A_NAME = re.compile(r"\d+(st|nd|rd|th|am|pm|h|min|s|x|k|m|gb|mb|kb|%)?|q[1-4]|.+\.(docx?|xlsx?|pptx?|pdf|csv|txt|"
                         r"msg|png|jpe?g|gif|zip|log|xml|json)", re.I)
_TOOL = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)+|[a-z]{2,}tool", re.I)
#: abbreviations and words that are not systems although no English dictionary has them
GENERIC = frozenset("""
pls plz thx thanks hi hello asap fyi eg ie etc ok okay pc pcs ip ips url urls id ids pw pwd usb hdmi os cpu ram ssd hdd
lan dns dhcp http https www com org net pdf png jpg jpeg gif xlsx xls docx doc csv txt zip msg cc re fw fwd am pm
mon tue wed thu fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec kb mb gb tb ghz pdt cet utc gmt est
it hr vs cant dont doesnt wont isnt im ive id youre thats pdfs mfa sso vip po nr no cw kw eta tbd na n/a
name email phone ip_address user_name mr mrs ms dr faq gmbh ag ltd llc corp plc sa bv kg
monday tuesday wednesday thursday friday saturday sunday january february april june july august september october
urgent urgently november december didn doesn isn wasn weren couldn wouldn shouldn aren haven hasn hadn ll ve
""".split())


@dataclass(frozen=True)
class Products:
    """The product lexicon: every alias -> its system name, and the matcher over them."""

    alias: dict[str, str]
    pattern: re.Pattern

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.alias.values())


@lru_cache(maxsize=1)
def products() -> Products:
    """``lexicons/it_products.txt`` read once.

    Examples
    --------
    >>> products().alias["s4"], products().alias["erp"]
    ('erp', 'erp')
    """
    alias: dict[str, str] = {}
    text = resources.files("trendminer").joinpath("lexicons/it_products.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, rest = line.partition(":")
        name = name.strip().lower()
        for term in [name, *(t.strip().lower() for t in rest.split(",") if t.strip())]:
            alias.setdefault(term, name)
    terms = sorted(alias, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w/])(" + "|".join(re.escape(t) for t in terms) + r")(?![\w/])", re.I)
    return Products(alias, pattern)


def system_key(name: str) -> str:
    """The system a name stands for: the product of its first known alias ("GlobalProtect VPN"
    -> "vpn"), else the name in lower-case letters and digits.

    Examples
    --------
    >>> system_key("SAP ERP"), system_key("GlobalProtect VPN"), system_key("Power Automate")
    ('erp', 'vpn', 'powerautomate')
    """
    match = products().pattern.search(name)
    return products().alias[match.group(0).lower()] if match else compact(name)


def looks_like_host(token: str) -> bool:
    """An IP, a dotted host name, a ticket number, an asset tag or a letter-digit code.

    Known products with digits (o365, s4, win10) are not hosts.

    Examples
    --------
    >>> [looks_like_host(t) for t in ("rtr01", "sw01", "vip2", "prtgghj4k", "10.1.2.3", "o365", "vpn", "INC0012345")]
    [True, True, True, True, True, False, False, True]
    """
    low = token.lower()
    if low in products().alias:
        return False
    if _IP.fullmatch(low) or _TICKET.fullmatch(low) or _HOSTNAME.fullmatch(low) or _ASSET.fullmatch(low):
        return True
    return any(c.isdigit() for c in low) and any(c.isalpha() for c in low)


@lru_cache(maxsize=100_000)
def _typo_of_english(word: str) -> bool:
    """True if swapping two neighbouring letters (any word) or one edit (6+ letters) gives an English word."""
    for i in range(len(word) - 1):
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if swapped != word and (swapped in STOP_WORDS or is_english_word(swapped)):
            return True
    if len(word) < 6:
        return False
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(len(word) + 1):
        if i < len(word) and is_english_word(word[:i] + word[i + 1:]):
            return True
        for c in letters:
            if is_english_word(word[:i] + c + word[i:]) or (i < len(word) and is_english_word(word[:i] + c + word[i + 1:])):
                return True
    return False


_PREFIXES = ("un", "re", "pre", "non", "dis", "mis", "over", "under", "auto", "sub", "multi")
_SUFFIXES = ("ability", "able", "ible", "ing", "ed", "es", "s", "ly", "ness", "ment", "er", "ers", "ation", "ize", "ise")


@lru_cache(maxsize=100_000)
def _derived_english(word: str) -> bool:
    """True for an English word with a prefix or suffix the lemma table lacks ("unreachable").

    Examples
    --------
    >>> _derived_english("unreachable"), _derived_english("grafana")
    (True, False)
    """
    stems = {word} | {word[len(p):] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 4}
    for stem in list(stems):
        stems |= {stem[:-len(x)] for x in _SUFFIXES if stem.endswith(x) and len(stem) - len(x) >= 3}
        stems |= {stem[:-len(x)] + "e" for x in _SUFFIXES if stem.endswith(x) and len(stem) - len(x) >= 3}
    return any(is_english_word(s) for s in stems - {word})


#: words at least this probable in general English (spaCy's lexeme_prob, log) are ordinary words
COMMON_LOGPROB = -12.0


@lru_cache(maxsize=1)
def _common_english() -> frozenset[str]:
    """Frequent English words (spacy-lookups-data ``en_lexeme_prob``; about five seconds to read once)."""
    import gzip
    import json

    import spacy_lookups_data

    path = resources.files(spacy_lookups_data).joinpath("data/en_lexeme_prob.json.gz")
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        probs = json.load(fh)
    return frozenset(w for w, p in probs.items() if p >= COMMON_LOGPROB and w.isalpha())


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    text = resources.files("trendminer").joinpath("lexicons/first_names.txt").read_text("utf-8")
    return frozenset(w.lower() for line in text.splitlines() if not line.startswith("#") for w in line.split())


def _near_product(word: str) -> str | None:
    """The product a non-English word of five letters or more misspells by one edit ("outlok")."""
    if len(word) < 5:
        return None
    for term, name in products().alias.items():
        if " " not in term and abs(len(term) - len(word)) <= 1 and term[0] == word[0] and OSA.distance(word, term) == 1:
            return name
    return None


def classify_token(token: str) -> tuple[str, str] | None:
    """(key, source) for one word of a ticket, or None when it is no candidate.

    Examples
    --------
    >>> [classify_token(t) for t in ("job_scheduler", "ERP", "crm", "rtr01", "the", "teh", "outlok")]
    [('job_scheduler', 'tool name'), ('erp', 'known product'), ('crm', 'known product'), ('rtr01', 'looks like a host/asset'), None, None, ('outlook', 'known product')]
    """
    low = token.lower().strip("./-+")
    if len(low) < 2 or low in STOP_WORDS or low in GENERIC or _NOT_A_NAME.fullmatch(low):
        return None
    if looks_like_host(low):
        return low, HOST_SOURCE
    if low in products().alias:
        return products().alias[low], "known product"
    if _TOOL.fullmatch(low):
        return low, "tool name"
    if not low.isalpha() or is_english_word(low) or low in _given_names() or low in _common_english():
        return None
    near = _near_product(low)
    if near:
        return near, "known product"
    if _typo_of_english(low) or _derived_english(low):
        return None
    return low, "acronym" if token.isupper() and len(token) <= 6 else "product-like word"


def discover(texts: list[str], ids: list[str], min_tickets: int = 3) -> tuple[list[dict], list[dict]]:
    """Candidate systems and host-like names in ticket texts, most specific and frequent first.

    Parameters
    ----------
    texts : list of str
        One text per ticket (title and description).
    ids : list of str
        The tickets' ids (for an example).
    min_tickets : int
        Candidates named in fewer tickets are left out.

    Returns
    -------
    list of dict, list of dict
        Systems and host-like names, each ``{"name", "tickets", "source", "aliases", "score", "example", "ids"}``;
        ``aliases`` are the other spellings seen ("; "-joined), ``score`` is tickets x :data:`WEIGHTS`.

    Examples
    --------
    >>> texts = ["erp posting fails", "sap gui slow", "s4 dump on rtr01", "vpn drops", "vpn slow", "vpn again rtr01"]
    >>> systems, hosts = discover(texts, list("abcdef"), min_tickets=2)
    >>> [(s["name"], s["tickets"], s["aliases"]) for s in systems], [h["name"] for h in hosts]
    ([('erp', 3, 's4; sap gui'), ('vpn', 3, '')], ['rtr01'])
    """
    tickets: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, Counter] = defaultdict(Counter)
    spelled: dict[str, Counter] = defaultdict(Counter)
    cased: dict[str, Counter] = defaultdict(Counter)   # written forms of the name itself
    lexicon = products()
    for ticket, text in zip(ids, texts):
        rest = text
        for match in lexicon.pattern.finditer(text):
            key = lexicon.alias[match.group(0).lower()]
            tickets[key].add(ticket)
            sources[key]["known product"] += 1
            spelled[key][match.group(0).lower()] += 1
            cased[key][match.group(0)] += match.group(0).lower() == key
        rest = lexicon.pattern.sub(" ", text)
        for token in _TOKEN.findall(rest):
            found = classify_token(token)
            if found is None:
                continue
            key, source = found
            tickets[key].add(ticket)
            sources[key][source] += 1
            spelled[key][token.lower()] += 1
            cased[key][token] += token.lower() == key
    _merge_spellings(tickets, sources, spelled, cased)
    rows, hosts = [], []
    for key, ids_ in tickets.items():
        if len(ids_) < min_tickets:
            continue
        source = sources[key].most_common(1)[0][0]
        others = sorted(s for s in spelled[key] if s != key and compact(s) != compact(key))
        written = [(n, w) for w, n in cased[key].items() if n]
        name = max(written, key=lambda x: (x[0], x[1] != key))[1] if written else key
        row = {"name": name, "tickets": len(ids_), "source": source, "aliases": "; ".join(others),
               "score": round(len(ids_) * WEIGHTS.get(source, 0.0), 2), "example": min(ids_), "ids": set(ids_)}
        (hosts if source == HOST_SOURCE else rows).append(row)
    rows.sort(key=lambda r: (-r["score"], -r["tickets"], r["name"]))
    hosts.sort(key=lambda r: (-r["tickets"], r["name"]))
    return rows, hosts


def _merge_spellings(tickets: dict[str, set[str]], sources: dict[str, Counter], spelled: dict[str, Counter],
                     cased: dict[str, Counter]) -> None:
    """Fold a candidate into a more frequent one written the same without spaces or hyphens, or one
    edit away (both five letters or more, not hosts)."""
    order = sorted(tickets, key=lambda k: (-len(tickets[k]), k))
    kept: list[str] = []
    for key in order:
        target = None
        if sources[key].most_common(1)[0][0] != HOST_SOURCE:
            for big in kept:
                if sources[big].most_common(1)[0][0] == HOST_SOURCE:
                    continue
                if compact(big) == compact(key) or (min(len(big), len(key)) >= 5 and OSA.distance(big, key) == 1):
                    target = big
                    break
        if target is None:
            kept.append(key)
            continue
        tickets[target] |= tickets.pop(key)
        sources[target].update(sources.pop(key))
        spelled[target].update(spelled.pop(key))
        cased.pop(key, None)


__all__ = ["HOST_SOURCE", "WEIGHTS", "classify_token", "discover", "looks_like_host", "products", "system_key"]
