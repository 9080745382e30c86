"""Attribute each ticket to the system it is about.

The export's CI / service field is used first (matched to the catalogue by name, alias or
a close spelling). Otherwise the ticket text is searched, in this order:

1. catalogue names and aliases with spaCy's PhraseMatcher (case-insensitive);
2. the same terms with spaces, hyphens and slashes removed, against runs of up to three
   tokens, so "paper cut", "sapgui", "S4 hana" and "sales force" find "PaperCut",
   "SAP GUI", "S4HANA" and "Salesforce";
3. abbreviations: a run of words whose initials spell an upper-case alias of three or more
   letters ("single sign on" -> "SSO");
4. misspellings: a token (or run) within one edit of a term (two for terms of eight
   characters or more; swapped letters count as one edit), starting with the same letter,
   and not itself an English word, so "outlock", "jria" and "teamz" match but "team",
   "sync" and "room" never do.

Tickets that name no system go to an explicit unattributed bucket. The catalogue itself is
read by :mod:`trendminer.catalogue`; :mod:`trendminer.suggest` lists names it lacks.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from . import nlp
from .nlp import STOP_WORDS, Doc
from .catalogue import Catalogue
from .config import Settings
from .errors import ConfigError
from .schema import ATTRIBUTION, TICKETS, Attribution, Tickets, validate

MAX_RUN = 3          # longest run of tokens compared with a term written without spaces
MIN_COMPACT = 4      # shorter space-free terms ("sap", "vpn") are matched exactly only
_ACRONYM = re.compile(r"[A-Z]{3,6}")


def compact(text: str) -> str:
    """Lower-case letters and digits only.

    Examples
    --------
    >>> compact("Follow-me printing"), compact("SAP S/4HANA")
    ('followmeprinting', 'saps4hana')
    """
    return re.sub(r"[^0-9a-z]", "", text.lower())


@lru_cache(maxsize=1)
def _english_words():  # noqa: ANN202 - a spaCy lookups Table and a frozenset
    """The lemma table of the shared pipeline: a word is English if it is a key or a value."""
    table = nlp.english().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return table, frozenset(table.values())


def is_english_word(word: str) -> bool:
    """True for a word in spaCy's English lemma table (so never treated as a misspelling).

    Examples
    --------
    >>> is_english_word("team"), is_english_word("teamz")
    (True, False)
    """
    table, values = _english_words()
    word = word.lower()
    return word in values or word in table


def _base_form(word: str) -> bool:
    """True if the lemma table leaves ``word`` as it is: "sign" yes, "flickers" no.

    Acronyms expand to base forms ("single sign on"), not to inflected phrases such as
    "monitor flickers again" (which spells MFA by accident).
    """
    table, _ = _english_words()
    return table.get(word, word) == word


class TermIndex:
    """Catalogue terms in the forms the text matcher compares: exact, space-free, acronyms."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.exact = catalogue.terms()
        self.compact: dict[str, str] = {}
        self.acronyms: dict[str, str] = {}
        self.short: dict[str, str] = {}
        for name, aliases in zip(catalogue.frame["name"], catalogue.frame["aliases"]):
            for term in (name, *aliases):
                key = compact(term)
                if len(key) >= MIN_COMPACT:
                    self.compact.setdefault(key, name)
                elif len(key) == MIN_COMPACT - 1 and key.isalpha():
                    self.short.setdefault(key, name)
                if _ACRONYM.fullmatch(term.strip()):
                    self.acronyms.setdefault(term.strip().lower(), name)
        self.spans = nlp.phrase_spans(self.exact)
        self._fuzzy_cache: dict[str, tuple[str, float] | None] = {}

    def prefix(self, text: str) -> tuple[str, float] | None:
        """A long space-free term that ``text`` (several words) starts, covering 3/4 of it.

        "follow me print" -> "follow-me printing".
        """
        for key, name in self.compact.items():
            if len(key) >= 8 and key.startswith(text) and len(text) >= 0.75 * len(key):
                return name, len(text) / len(key)
        return None

    def fuzzy(self, text: str, threshold: float) -> tuple[str, float] | None:
        """The term ``text`` misspells: same first letter, within the allowed edits or ratio.

        Three-letter terms ("vpn") match only with two adjacent letters swapped ("vnp").
        """
        if text not in self._fuzzy_cache:
            best = None
            if len(text) == MIN_COMPACT - 1:
                for key, name in self.short.items():
                    if sorted(key) == sorted(text) and OSA.distance(text, key) == 1:
                        best = (name, 0.67)
                self._fuzzy_cache[text] = best
                return best
            for key, name in self.compact.items():
                if key[0] != text[0] or abs(len(key) - len(text)) > 2:
                    continue
                edits = OSA.distance(text, key)
                ratio = fuzz.ratio(text, key)
                if edits <= (1 if len(key) < 8 else 2) or ratio >= threshold:
                    score = ratio / 100
                    if best is None or score > best[1]:
                        best = (name, score)
            self._fuzzy_cache[text] = best
        return self._fuzzy_cache[text]


def _runs(doc: Doc) -> list[list[tuple[int, str]]]:
    """Stretches of word tokens (index, lower text) between punctuation; '-' and '/' are skipped."""
    runs: list[list[tuple[int, str]]] = [[]]
    for tok in doc:
        if tok.text in ("-", "/"):
            continue
        if tok.is_space or not any(c.isalnum() for c in tok.text):
            runs.append([])
            continue
        runs[-1].append((tok.i, tok.lower_))
    return [r for r in runs if r]


def catalogue_hits(doc: Doc, index: TermIndex) -> dict[int, str]:
    """Catalogue names and aliases in a parsed text, also written without spaces: token index -> system."""
    hits: dict[int, str] = {}
    for span in index.spans(doc):
        hits[span.start] = index.exact[span.text.lower()] if span.text.lower() in index.exact \
            else doc.vocab.strings[span.label]
    runs = _runs(doc)
    for run in runs:
        for i in range(len(run)):
            for n in range(MAX_RUN, 0, -1):
                if i + n > len(run):
                    continue
                name = index.compact.get("".join(w for _, w in run[i:i + n]))
                if name:
                    hits.setdefault(run[i][0], name)
                    break
    return hits


def text_match(doc: Doc, index: TermIndex, threshold: float) -> tuple[str, str, float] | None:
    """(source, system, confidence) for a parsed :func:`~trendminer.nlp.ticket_text`, or None if
    it names no system; ``threshold`` is ``systems.fuzzy_threshold`` (:mod:`trendminer.features`
    caches this per text)."""
    hits = catalogue_hits(doc, index)
    runs = _runs(doc)
    if hits:
        counts = Counter(hits[k] for k in sorted(hits))
        return "catalogue", counts.most_common(1)[0][0], 0.9
    for run in runs:
        words = [w for _, w in run]
        for acronym, name in index.acronyms.items():
            n = len(acronym)
            for i in range(len(words) - n + 1):
                group = words[i:i + n]
                if all(w.isalpha() for w in group) and "".join(w[0] for w in group) == acronym \
                        and group[0] not in STOP_WORDS and sum(w in STOP_WORDS for w in group) <= 1 \
                        and all(_base_form(w) for w in group):
                    return "fuzzy", name, 0.75
    for run in runs:
        words = [w for _, w in run]
        for i in range(len(words)):
            for n in range(1, MAX_RUN + 1):
                group = words[i:i + n]
                if len(group) < n or not all(w.isalnum() for w in group):
                    break
                text = "".join(group)
                if n > 1:
                    hit = index.prefix(text)
                    if hit:
                        return "fuzzy", hit[0], round(0.8 * hit[1], 3)
                if len(text) < MIN_COMPACT - 1 or is_english_word(text) \
                        or all(is_english_word(w) for w in group):
                    continue
                hit = index.fuzzy(text, threshold)
                if hit:
                    return "fuzzy", hit[0], round(0.8 * hit[1], 3)
    return None


def _field_match(value: str, terms: dict[str, str], threshold: float) -> tuple[str, float] | None:
    key = value.lower().strip()
    if key in terms:
        return terms[key], 1.0
    hit = process.extractOne(key, list(terms), scorer=fuzz.ratio, score_cutoff=threshold)
    return (terms[hit[0]], hit[1] / 100) if hit else None


#: ``systems.field`` -> the canonical ticket column that names what a ticket is "about"
ATTRIBUTION_FIELDS = {"system": "system_field", "assignment_group": "assignment_group", "category": "category"}


def _attribution_column(field: str) -> str:
    """The ticket column ``systems.field`` selects.

    Raises
    ------
    ConfigError
        For any other value, listing the allowed ones.

    Examples
    --------
    >>> _attribution_column("assignment_group")
    'assignment_group'
    """
    if field not in ATTRIBUTION_FIELDS:
        raise ConfigError(f"systems.field = {field!r} is not one of {', '.join(map(repr, ATTRIBUTION_FIELDS))}: "
                          "'system' ranks the CI / service field (and the catalogue found in the text), "
                          "'assignment_group' or 'category' rank that field's values.")
    return ATTRIBUTION_FIELDS[field]


def _field_values(tickets: Tickets, column: str) -> pd.Series:
    """The stripped values of the attribution column (bare codes named after their field)."""
    values = tickets[column].fillna("").astype(str).str.strip()
    if column != "system_field":   # bare codes ("70") read better named: "assignment group 70"
        values = values.where(~values.str.fullmatch(r"\d+"), column.replace("_", " ") + " " + values)
    return values


def searches_text(catalogue: Catalogue, settings: Settings) -> bool:
    """True if :func:`attribute` searches ticket texts for catalogue names (the CI field
    decides, and the catalogue has terms)."""
    return bool(catalogue.terms()) and _attribution_column(str(settings["systems"]["field"])) == "system_field"


def needs_text_match(tickets: Tickets, catalogue: Catalogue, settings: Settings) -> np.ndarray:
    """Per ticket, True if :func:`attribute` reads its text: the text is searched and the
    ticket's CI field is empty."""
    if not searches_text(catalogue, settings):
        return np.zeros(len(tickets), dtype=bool)
    return ~_field_values(tickets, "system_field").astype(bool).to_numpy()


def attribute(tickets: Tickets, *, catalogue: Catalogue, settings: Settings,
              matches: list[tuple[str, str, float] | None] | None = None) -> Attribution:
    """One row per ticket: the system it is about, how that was found, and a confidence.

    Parameters
    ----------
    tickets : Tickets
    catalogue : Catalogue
    settings : Settings
        Uses ``systems.field``, ``systems.fuzzy_threshold`` and ``systems.unattributed``.
        With ``systems.field`` = ``"assignment_group"`` or ``"category"`` that field takes
        the place of the CI field (for exports without one, such as event logs with coded
        fields only) and the text is not searched: a ticket with the field empty is
        unattributed, and a bare numeric code is named after its field ("assignment group 70").
    matches : list, optional
        Per ticket, what :func:`text_match` finds in its text (read only where
        :func:`needs_text_match`), when the caller has it cached; else the texts are parsed.

    Returns
    -------
    Attribution
        ``source`` is ``field`` (the CI field; its value is kept when no catalogue entry
        matches), ``catalogue`` (a name or alias in the text, also written without spaces),
        ``fuzzy`` (an abbreviation or a misspelling) or ``none`` (the unattributed bucket).
        Confidence: 1.0 for an exact field value, 0.9 for a name in the text, 0.75 for an
        abbreviation, 0.8 x the similarity for a misspelling, 0.0 when unattributed.
    """
    validate(tickets, TICKETS, "systems")
    opts = settings["systems"]
    threshold = float(opts["fuzzy_threshold"])
    terms = catalogue.terms()
    column = _attribution_column(str(opts["field"]))
    field_cache: dict[str, tuple[str, float] | None] = {}
    rows = []
    values = _field_values(tickets, column)
    has_field = values.astype(bool).to_numpy()
    if searches_text(catalogue, settings):
        if matches is None:
            texts = [nlp.ticket_text(t, d) for t, d, f in zip(tickets["title"], tickets["description"], has_field)
                     if not f]
            index = TermIndex(catalogue)
            found = (text_match(doc, index, threshold) for doc in nlp.docs(texts))
            matches = [None if f else next(found) for f in has_field]
    else:
        matches = [None] * len(tickets)
    for field, with_field, found in zip(values, has_field, matches):
        if with_field:
            if field not in field_cache:
                field_cache[field] = _field_match(field, terms, threshold) if terms else None
            hit = field_cache[field]
            rows.append(("field",) + (hit if hit else (field, 1.0)))
            continue
        rows.append(found if found else ("none", opts["unattributed"], 0.0))
    frame = pd.DataFrame(rows, columns=["source", "system", "confidence"])
    frame.insert(0, "ticket_id", tickets["ticket_id"].to_numpy())
    return validate(frame[list(ATTRIBUTION)], ATTRIBUTION, "systems")
