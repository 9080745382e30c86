"""Topic names a person can read: a title drawn from the topic's own ticket titles, then keyphrases.

A topic's **title** is the title of one of its tickets, the one that is both near the topic's
centre and made of the words most of the topic's tickets share (a typo, a one-off detail or a
redaction placeholder loses to the common wording), tidied into a short phrase: no shouting,
no "!!!", no "[EMAIL]", at most :data:`MAX_WORDS` words. The **keyphrases** (c-TF-IDF over
lemmas, :func:`trendminer.nlp.class_keyphrases`) come second and are shown as the words were
written in the tickets ("red crosses", never the lemma "red crosse"), without the words of the
system's own name. The **label** is ``System: Title`` (just the title when it already starts
with the system's name, or when no system dominates), unique over the run.

Everything here is a pure function of the tickets' text, their vectors and the topic
membership, so a topic whose tickets do not change keeps its label from night to night.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from . import nlp

#: words in a title at most (longer titles are cut at a comma or dash, else with an ellipsis)
MAX_WORDS = 12
#: distinct titles nearest to the centre that compete to name a topic
N_CANDIDATES = 40
#: weight of typicality against closeness to the centre when picking a title
TYPICALITY_WEIGHT = 0.1

_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|IP|ID|NAME|URL)\]")
_EMPHASIS = {"again", "still", "asap", "urgent", "urgently", "please", "pls", "plz", "help", "now"}
_POLITE = {"please", "pls", "plz", "kindly", "hi", "hello", "hey", "urgent", "help"}
_DANGLING = {"for", "to", "from", "with", "of", "by", "at", "in", "on", "and", "or", "the", "a", "an",
             "my", "your", "via", "-", "–", "—", ":", "/"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_PUNCT_RUN = re.compile(r"([!?.])[!?.]+")


def readable_title(text: str, max_words: int = MAX_WORDS) -> str:
    """A ticket title as a topic title: one short sentence, no placeholders, no shouting.

    Parameters
    ----------
    text : str
        A (redacted) ticket title, or the first line of a text without a title.
    max_words : int

    Returns
    -------
    str
        ``""`` when nothing readable is left.

    Examples
    --------
    >>> readable_title("ABAP dump in ME21N since upgrade AGAIN!!!")
    'ABAP dump in ME21N since upgrade'
    >>> readable_title("please add me to shared mailbox [EMAIL]")
    'Add me to shared mailbox'
    >>> readable_title("automatic reply Outlook how to")
    'Automatic reply Outlook'
    >>> readable_title("MY MONITOR FLICKERS"), readable_title("SAP GUI FREEZES")
    ('My monitor flickers', 'SAP GUI freezes')
    >>> readable_title("I still have not received my new card. I ordered it over a week ago.")
    'I still have not received my new card'
    """
    line = next((part for part in str(text).splitlines() if part.strip()), "")
    line = " ".join(_PLACEHOLDER.sub(" ", line).split())
    first = next((s for s in _SENTENCE_END.split(line) if any(ch.isalpha() for ch in s)), "")
    if is_shouted(first):
        # shouted: lower-case it, but keep short non-stop words as written (SAP, GUI, VPN)
        first = " ".join(w if len(w.strip(",.:;?!")) <= 3 and w.strip(",.:;?!").lower() not in nlp.STOP_WORDS
                         else w.lower() for w in first.split())
    first = _PUNCT_RUN.sub(r"\1", first).replace("!", "")
    words = first.split()
    while len(words) > 1 and words[0].lower().strip(",:!-") in _POLITE:
        words.pop(0)
    if len(words) > 2 and [w.lower() for w in words[-2:]] in (["how", "to"], ["how", "to?"]):
        words = words[:-2]
    while words and (words[-1].lower().strip(".,;:?") in _EMPHASIS | _DANGLING or not any(
            ch.isalnum() for ch in words[-1])):
        tail = words.pop()
        if tail.endswith("?") and words:
            words[-1] += "?"
    if len(words) > max_words:
        cut = max((i for i, w in enumerate(words[:max_words]) if w.endswith((",", ";", ":")) and i >= 2),
                  default=None)
        words = words[:cut + 1] if cut is not None else [*words[:max_words - 1], words[max_words - 1] + "…"]
    title = " ".join(words).rstrip(" ,;:-–—.")
    if title.count("(") != title.count(")"):
        title = title.replace("(", "").replace(")", "")
    return title[:1].upper() + title[1:] if title[:1].islower() else title


def is_shouted(text: str) -> bool:
    """True if more than 70% of the letters (of more than three) are capitals.

    Examples
    --------
    >>> is_shouted("VPN DOWN AGAIN"), is_shouted("VPN down")
    (True, False)
    """
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) > 3 and sum(ch.isupper() for ch in letters) > 0.7 * len(letters)


def _variant(raw: Sequence[str], shouted: Sequence[bool]) -> str:
    """The spelling of a title to show: the most common one that is not all lower case (nor
    a shouted one, whose case is guessed), else the most common one."""
    counts = Counter(raw)
    calm = {t for t, loud in zip(raw, shouted) if not loud}
    mixed = [t for t in counts if t[1:] != t[1:].lower() and t in calm]   # the first letter is capitalised anyway
    pool = mixed or [t for t in counts if t in calm] or list(counts)
    return max(pool, key=lambda t: (counts[t], -raw.index(t)))


def topic_title(titles: Sequence[str], closeness: np.ndarray, weights: Mapping[str, float],
                n_candidates: int = N_CANDIDATES, tidied: Sequence[str] | None = None,
                shouted: Sequence[bool] | None = None) -> str:
    """Pick and tidy the title that names one topic.

    Parameters
    ----------
    titles : sequence of str
        The titles of the topic's tickets, nearest to its centre first.
    closeness : ndarray
        Cosine similarity of each of those tickets to the topic's centre (same order).
    weights : mapping
        How characteristic of the topic each content lemma is, 0..1 (:func:`term_weights`).
    n_candidates : int
        How many distinct tidied titles, from the centre outwards, compete.
    tidied, shouted : sequence, optional
        :func:`readable_title` and :func:`is_shouted` of each title when the caller has them
        (cached per text); computed here otherwise.

    Returns
    -------
    str
        The candidate with the best ``closeness + 0.1 * (typicality + repeats)``: closeness
        to the centre decides, and among near-equals the wording the topic shares wins.
        Typicality is the mean weight of its content words (a typo scores near 0), repeats
        the share of the topic's tickets with this very title.

    Examples
    --------
    >>> topic_title(["vpn drops evry hour", "VPN drops", "vpn drops"], np.array([0.81, 0.8, 0.8]),
    ...             {"vpn": 1.0, "drop": 1.0, "evry": 0.1, "hour": 0.1})
    'VPN drops'
    """
    groups: dict[str, list[int]] = {}
    tidy = [readable_title(t) for t in titles] if tidied is None else list(tidied)
    for i, t in enumerate(tidy):
        if t:
            groups.setdefault(t.lower(), []).append(i)
    keys = list(groups)[:n_candidates]
    if not keys:
        return ""
    words = [[t for t in nlp.content_terms(doc) if " " not in t] for doc in nlp.docs(keys)]
    best, best_score = keys[0], -np.inf
    for key, terms in zip(keys, words):
        typical = float(np.mean([weights.get(t, 0.0) for t in set(terms)])) if terms else 0.0
        repeats = len(groups[key]) / len(tidy)
        score = float(closeness[groups[key][0]]) + TYPICALITY_WEIGHT * (typical + repeats)
        if score > best_score + 1e-12:
            best, best_score = key, score
    loud = [is_shouted(str(titles[i])) if shouted is None else bool(shouted[i]) for i in groups[best]]
    return _variant([tidy[i] for i in groups[best]], loud)


def term_weights(groups: Sequence[Sequence[Sequence[str]]]) -> list[dict[str, float]]:
    """Per group of documents, how characteristic each unigram term is, scaled to 0..1.

    The c-TF-IDF weight of :func:`trendminer.nlp.class_keyphrases` (share of the group's
    documents containing the word times ``log(1 + A / f)``), divided by the group's largest:
    a word most of the topic's tickets use and other topics do not scores 1, a typo or a word
    every topic uses scores near 0.

    Examples
    --------
    >>> w = term_weights([[["vpn", "drop"], ["vpn", "drop"], ["card"]], [["card"], ["card", "lost"]]])
    >>> sorted((t, round(v, 2)) for t, v in w[0].items())
    [('card', 0.39), ('drop', 1.0), ('vpn', 1.0)]
    """
    counts = [Counter(t for terms in group for t in set(terms) if " " not in t) for group in groups]
    total: Counter = Counter()
    for c in counts:
        total.update(c)
    mean_terms = sum(sum(c.values()) for c in counts) / max(len(counts), 1)
    out = []
    for c, group in zip(counts, groups):
        raw = {t: f / max(len(group), 1) * np.log(1 + mean_terms / total[t]) for t, f in c.items()}
        top = max(raw.values(), default=1.0) or 1.0
        out.append({t: float(v / top) for t, v in raw.items()})
    return out


def surface(phrases: Sequence[str], forms: Mapping[str, Counter]) -> list[str]:
    """Keyphrases (lemmas) as the tickets wrote them: each one's most frequent written form.

    Examples
    --------
    >>> surface(["red crosse", "sync"], {"red crosse": Counter({"red crosses": 3, "red cross": 1})})
    ['red crosses', 'sync']
    """
    return [max(forms[p].items(), key=lambda x: (x[1], x[0]))[0] if forms.get(p) else p for p in phrases]


def name_words(system: str) -> set[str]:
    """Lower-case lemmas of a system's name: words its keyphrases need not repeat.

    Examples
    --------
    >>> sorted(name_words("GlobalProtect VPN"))
    ['globalprotect', 'vpn']
    """
    return {t for doc in nlp.docs([system]) for t in nlp.content_terms(doc) if " " not in t} | {
        w.lower() for w in re.findall(r"\w+", system)}


def label(system: str, title: str) -> str:
    """``System: Title``; just the title when it already names the system (then spelled as the
    catalogue spells it) or when no system dominates.

    Examples
    --------
    >>> label("Outlook", "outlook keeps crashing"), label("SAP Concur", "Where do I attach receipts")
    ('Outlook keeps crashing', 'SAP Concur: Where do I attach receipts')
    >>> label("Jira", "Create JIRA board")
    'Create Jira board'
    """
    if not system:
        return title
    named = re.compile(rf"(?<!\w){re.escape(system)}(?!\w)", re.IGNORECASE)
    if not named.search(title):
        return f"{system}: {title}" if title else system
    title = named.sub(lambda _m: system, title)
    return title[:1].upper() + title[1:] if title[:1].islower() else title


def label_words(text: str) -> frozenset[str]:
    """The content lemmas of a label: two labels with the same ones say the same thing.

    Examples
    --------
    >>> label_words("VPN: VPN cannot connect") == label_words("VPN cannot connect")
    True
    """
    return frozenset(t for doc in nlp.docs([text]) for t in nlp.content_terms(doc) if " " not in t)


def unique_labels(ids: Sequence[int], labels: Sequence[str], keyphrases: Sequence[Sequence[str]]) -> list[str]:
    """Make labels unique: a label that says what an earlier one says (the same content words,
    e.g. "VPN: VPN cannot connect" after "VPN cannot connect") gets its first keyphrase that
    is not already in it, in parentheses, and the topic id when that is not enough; the
    largest topic (first) keeps its label bare.

    Examples
    --------
    >>> unique_labels([3, 8, 9], ["VPN drops", "VPN: VPN drops", "VPN drops"], [["wifi"], ["hotel"], ["hotel"]])
    ['VPN drops', 'VPN: VPN drops (hotel)', 'VPN drops (topic 9)']
    """
    out: list[str] = []
    seen: set[frozenset[str]] = set()
    for topic_id, text, phrases in zip(ids, labels, keyphrases):
        candidate = text
        for phrase in phrases:
            if label_words(candidate) not in seen:
                break
            if phrase.lower() not in text.lower():
                candidate = f"{text} ({phrase})"
        if label_words(candidate) in seen:
            candidate = f"{text} (topic {topic_id})"
        seen.add(label_words(candidate))
        out.append(candidate)
    return out
