"""spaCy helpers: the shared blank English pipeline, keyphrases and lexicon matching.

Only this module (and the spaCy components it registers) imports spaCy. The blank
pipeline with lookup lemmas runs at tens of thousands of short texts per second; no
trained model is needed.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import lru_cache
from importlib import resources

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

#: placeholders left by redaction and words too generic to name a topic
_NOISE = {"email", "phone", "name", "ip", "please", "thank", "thanks", "hi", "hello", "team",
          "issue", "problem", "help", "need", "get", "try", "work", "user", "today", "morning",
          "know", "let", "able", "also", "could", "would", "still", "again", "regards", "dear",
          "bitte", "danke", "und", "die", "der", "das", "ist", "nicht", "ich", "mit", "von",
          "seit", "mein", "meine", "kann", "wir", "auf", "den", "ein", "eine", "es", "sich", "zu"}


@lru_cache(maxsize=1)
def english() -> Language:
    """The shared ``spacy.blank("en")`` pipeline with lookup lemmas (cached)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


#: characters of the description that the per-ticket NLP (systems, signals) reads
TICKET_HEAD = 600


def phrase_spans(terms: dict[str, str]) -> Callable[[Doc], list[Span]]:
    """A case-insensitive phrase finder: ``find(doc)`` -> the longest non-overlapping spans
    of ``terms`` (text -> label) in ``doc``, each span's ``label_`` naming its term's label.

    Examples
    --------
    >>> find = phrase_spans({"sap concur": "SAP Concur", "sap": "SAP ERP"})
    >>> [(s.text, s.label_) for s in find(english().make_doc("Where in SAP Concur do I attach it?"))]
    [('SAP Concur', 'SAP Concur')]
    """
    nlp = english()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for term, label in terms.items():
        matcher.add(label, [nlp.make_doc(term)])
    return lambda doc: filter_spans(matcher(doc, as_spans=True))


def ticket_text(title: str, description: str) -> str:
    """Title and the head of the description: the one text the systems and signals stages
    parse, so each ticket is parsed once (the docs are memoised).

    Examples
    --------
    >>> ticket_text("VPN down", "again " * 200).count("again")
    100
    """
    return f"{title}\n{description[:TICKET_HEAD]}"


_DOC_CACHE: dict[str, Doc] = {}
#: parsed texts kept for the next stage or night: a Doc is 10-25 kB (50-120 tokens), so this
#: bounds the memo to under 1 GB; a bigger window is parsed again by each stage instead
_DOC_CACHE_MAX = 30_000


def docs(texts: Iterable[str], batch_size: int = 512) -> Iterator[Doc]:
    """Parse lower-cased ``texts`` (the lemma tables are lower-case) with the shared pipeline,
    yielding one Doc per text in order.

    A stream, so callers keep what they need of each Doc, not the Docs. Texts are memoised
    while the memo has room (see ``_DOC_CACHE_MAX``), so the systems and signals stages, and
    the nights of a replay, parse a window of that size once. Docs are shared: callers must
    not modify them.

    Examples
    --------
    >>> [doc[0].lemma_ for doc in docs(["Printers crash", "Drivers"])]
    ['printer', 'driver']
    """
    lowered = [t.lower() for t in texts]
    missing = list(dict.fromkeys(t for t in lowered if t not in _DOC_CACHE))
    if len(_DOC_CACHE) + len(missing) > _DOC_CACHE_MAX:
        _DOC_CACHE.clear()
        missing = list(dict.fromkeys(lowered))
    parsed = zip(missing, english().pipe(missing, batch_size=batch_size))
    left = Counter(lowered)            # uses of each text still to come
    held: dict[str, Doc] = {}          # parsed, needed again, no room in the memo
    for text in lowered:
        left[text] -= 1
        doc = _DOC_CACHE.get(text)
        if doc is None:
            doc = held.pop(text, None) if not left[text] else held.get(text)
        if doc is None:   # its first use: the next text parsed is this one
            _, doc = next(parsed)
            if len(_DOC_CACHE) < _DOC_CACHE_MAX:
                _DOC_CACHE[text] = doc
            elif left[text]:
                held[text] = doc
        yield doc


def parse(texts: Iterable[str], batch_size: int = 512) -> Iterator[Doc]:
    """Parse lower-cased ``texts`` like :func:`docs`, without the memo (for one-off batches,
    such as the per-text features of texts not seen before, which no later stage re-reads).

    Examples
    --------
    >>> [doc[0].lemma_ for doc in parse(["Printers crash"])]
    ['printer']
    """
    return english().pipe((t.lower() for t in texts), batch_size=batch_size)


#: words that name no problem: time units, ordinals, vague nouns
_FILLER = {"second", "minute", "hour", "day", "week", "month", "year", "time", "first", "third",
           "thing", "lot", "bit", "way", "something", "anything", "everything", "nothing", "anymore",
           "yesterday", "tomorrow", "tonight", "now", "ago", "really", "actually", "just", "hey", "kind",
           "sure", "okay", "guy", "guys", "sorry", "mine"}


def _spelling(lemma: str) -> str:
    """One spelling per word for counting: British ``-tre`` counts as ``-ter`` (centre, center).

    Examples
    --------
    >>> _spelling("centre"), _spelling("metre"), _spelling("tree")
    ('center', 'meter', 'tree')
    """
    return lemma[:-3] + "ter" if lemma.endswith("tre") and len(lemma) >= 5 else lemma


def term_forms(doc: Doc) -> list[tuple[str, str]]:
    """:func:`content_terms` with the words as written: ``(term, surface)`` pairs.

    The term (a lemma, for counting) can be a lemmatiser artefact ("crosses" -> "crosse");
    the surface form is what a label shows.

    Examples
    --------
    >>> term_forms(next(docs(["red crosses"])))
    [('red', 'red'), ('crosse', 'crosses'), ('red crosse', 'red crosses')]
    """
    words: list[tuple[str, str] | None] = []
    for tok in doc:
        lemma = _spelling(tok.lemma_.lower())
        ok = (tok.is_alpha and not tok.is_stop and len(lemma) >= 3 and lemma not in _NOISE
              and lemma not in _FILLER and tok.lower_ not in _FILLER and lemma not in STOP_WORDS)
        words.append((lemma, tok.lower_) if ok else None)
    bigrams = [(f"{a[0]} {b[0]}", f"{a[1]} {b[1]}") for a, b in zip(words, words[1:])
               if a and b and a[0] != b[0]]
    return [w for w in words if w] + bigrams


def pack_terms(forms: Sequence[tuple[str, str]]) -> str:
    """:func:`term_forms` as one string (for the state); :func:`unpack_terms` reverses it.

    Terms and surfaces are letters and spaces only, so two control characters separate them.

    Examples
    --------
    >>> unpack_terms(pack_terms([("crosse", "crosses"), ("red crosse", "red crosses")]))
    [('crosse', 'crosses'), ('red crosse', 'red crosses')]
    >>> unpack_terms(pack_terms([]))
    []
    """
    return "\x1e".join(f"{term}\x1f{surface}" for term, surface in forms)


def unpack_terms(packed: str) -> list[tuple[str, str]]:
    """The ``(term, surface)`` pairs of :func:`pack_terms`."""
    return [tuple(item.split("\x1f", 1)) for item in packed.split("\x1e")] if packed else []


def content_terms(doc: Doc) -> list[str]:
    """Lower-case lemmas of content words and the bigrams of adjacent ones.

    Examples
    --------
    >>> content_terms(next(docs(["Printer driver keeps crashing"])))
    ['printer', 'driver', 'crash', 'printer driver']
    """
    return [term for term, _ in term_forms(doc)]


def class_keyphrases(groups: Sequence[Sequence[Sequence[str]]], n: int = 3,
                     exclude: Sequence[Collection[str]] | None = None) -> list[list[str]]:
    """Keyphrases per group of documents (each given by its :func:`content_terms`), weighted
    like c-TF-IDF.

    Each term's frequency in its group is multiplied by ``log(1 + A / f)``, where ``A`` is
    the mean number of terms per group and ``f`` the term's frequency over all groups
    (Grootendorst 2022). A bigram suppresses the unigrams it contains, and a word that
    occurs mostly inside one bigram of its group is replaced by that bigram ("exclamation
    mark", "cost center", not "mark" and "cost"). ``exclude`` gives, per group, words no
    keyphrase of that group may contain (e.g. the words of the system's own name).

    Examples
    --------
    >>> g = [[["cost", "center", "cost center"]] * 3 + [["cost"]], [["vpn", "drop"]] * 3]
    >>> class_keyphrases(g, n=2, exclude=[set(), {"vpn"}])
    [['cost center'], ['drop']]
    """
    counts = [Counter(t for terms in group for t in set(terms)) for group in groups]
    total: Counter = Counter()
    for c in counts:
        total.update(c)
    mean_terms = sum(sum(c.values()) for c in counts) / max(len(counts), 1)
    result = []
    for i, (c, group) in enumerate(zip(counts, groups)):
        size = max(len(group), 1)
        banned = set(exclude[i]) if exclude is not None else set()
        floor = max(2, 0.05 * size) if len(group) >= 4 else 0
        scored = sorted(
            ((freq / size * math.log(1 + mean_terms / total[term]), term)
             for term, freq in c.items() if freq >= floor and not banned & set(term.split())),
            key=lambda x: (-x[0], x[1]))
        bigram_of: dict[str, str] = {}
        for term, freq in sorted(c.items(), key=lambda x: (-x[1], x[0])):
            if " " in term and freq >= floor and not banned & set(term.split()):
                for part in term.split():
                    bigram_of.setdefault(part, term)
        chosen: list[str] = []
        def repeats(term: str) -> bool:
            """The same words again: chosen already, a unigram inside a chosen bigram, or two
            bigrams sharing a word."""
            parts = set(term.split())
            return any(term == other or term in other.split()
                       or " " in term and " " in other and parts & set(other.split()) for other in chosen)

        for _score, term in scored:
            pair = bigram_of.get(term)
            options = [pair, term] if pair is not None and c[pair] >= 0.5 * c[term] else [term]
            term = next((t for t in options if not repeats(t)), "")
            if not term:
                continue
            chosen = [other for other in chosen if other not in term.split()]
            chosen.append(term)
            if len(chosen) == n:
                break
        result.append(chosen)
    return result


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict, ...]:
    """Irritation cue patterns from ``lexicons/irritation.jsonl`` (label + token pattern)."""
    text = resources.files("trendminer").joinpath("lexicons/irritation.jsonl").read_text("utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


@lru_cache(maxsize=1)
def cue_matcher() -> Callable[[Doc], list[tuple[int, int, int]]]:
    """Match the lexicon's cues: ``(label id, start, end)`` for every match, overlaps included.

    Cues that are plain word sequences (all of the shipped ones) go to a PhraseMatcher on
    ``LOWER``, which looks each token up once instead of stepping every pattern over it
    (several times faster, same matches); any other token pattern goes to a Matcher.
    """
    vocab = english().vocab
    phrases, rules = PhraseMatcher(vocab, attr="LOWER"), Matcher(vocab)
    for entry in lexicon():
        pattern = entry["pattern"]
        words = [token.get("LOWER") for token in pattern]
        if all(set(token) == {"LOWER"} for token in pattern) and all(isinstance(w, str) for w in words):
            phrases.add(entry["label"], [Doc(vocab, words=words)])
        else:
            rules.add(entry["label"], [pattern])
    return lambda doc: [*phrases(doc), *(rules(doc) if len(rules) else ())]


_NEGATIONS = {"not", "no", "never", "n't", "nothing", "nicht", "kein", "keine"}


def cue_counts(doc: Doc) -> Counter:
    """Count lexicon cues per label, skipping cues negated by the two words before them.

    Examples
    --------
    >>> sorted(cue_counts(english()("VPN down again, this is unacceptable")).items())
    [('frustration', 1), ('repetition', 1)]
    >>> dict(cue_counts(english()("not urgent, no rush")))
    {}
    """
    counts: Counter = Counter()
    for match_id, start, _end in cue_matcher()(doc):
        before = {t.lower_ for t in doc[max(0, start - 2):start]}
        if before & _NEGATIONS:
            continue
        counts[english().vocab.strings[match_id]] += 1
    return counts
