"""Suggest systems the catalogue lacks: product-like names that tickets mention often."""
from __future__ import annotations

import re
from collections import Counter

import pandas as pd
from . import nlp
from .nlp import STOP_WORDS
from .catalogue import Catalogue
from .config import Settings
from .schema import Attribution, Tickets
from .systems import MIN_COMPACT, compact, TermIndex, is_english_word

SUGGESTIONS = ("name", "tickets", "source", "example")
_PRODUCT_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9.+&]*[A-Za-z0-9+]")


def _looks_like_product(token: str, first: bool) -> bool:
    """A capitalised non-initial word, an upper-case or mixed letter-digit code, or a non-word.

    Examples
    --------
    >>> [_looks_like_product(w, False) for w in ("Tableau", "SAML", "printer", "x")]
    [True, True, False, False]
    """
    if not _PRODUCT_TOKEN.fullmatch(token) or token.lower() in STOP_WORDS:
        return False
    if any(c.isdigit() for c in token) and any(c.isalpha() for c in token):
        return True
    if token.isupper():
        return len(token) >= 2 and not is_english_word(token)
    return token[0].isupper() and (not first or not is_english_word(token))


def suggest(tickets: Tickets, catalogue: Catalogue, settings: Settings, min_tickets: int = 3,
            top: int = 30, attribution: Attribution | None = None) -> pd.DataFrame:
    """Frequent product-like names in the tickets that the catalogue lacks, most tickets first.

    Two sources: values of the CI field that match no catalogue entry, and names in ticket
    titles (capitalised words after the first, upper-case codes, letter-digit mixes; runs of
    them form one name, e.g. "Power Automate"). Titles written mostly in capitals are skipped, and
    so is anything the catalogue already matches (also misspelt).

    Parameters
    ----------
    tickets : Tickets
    catalogue : Catalogue
    settings : Settings
        Uses ``systems.fuzzy_threshold``.
    min_tickets : int
        Names in fewer tickets are left out.
    top : int
        At most this many rows.
    attribution : Attribution, optional
        When given, names whose tickets are mostly (half or more) attributed to a catalogued
        system are left out: they are parts of that system ("ME21N" in SAP tickets).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUGGESTIONS`: ``name`` (as most often written), ``tickets`` (distinct
        tickets naming it), ``source`` (``field`` or ``title``), ``example`` (a ticket id).

    Examples
    --------
    >>> from trendminer.catalogue import load_catalogue
    >>> from trendminer.config import load_settings
    >>> t = pd.DataFrame({"ticket_id": ["1", "2", "3"], "system_field": ["", "", "Tableau"],
    ...                   "title": ["Power Automate flow fails", "cannot open Power Automate", "x"]})
    >>> suggest(t, load_catalogue(None), load_settings(), min_tickets=1)["name"].tolist()
    ['Power Automate', 'Tableau']
    """
    threshold = float(settings["systems"]["fuzzy_threshold"])
    terms = catalogue.terms()
    index = TermIndex(catalogue) if terms else None
    english = nlp.english()
    seen: dict[tuple[str, str], set[str]] = {}
    spelled: dict[str, Counter] = {}

    words = {w for term in terms for w in re.split(r"[^0-9a-z]+", term) if w}
    words |= {compact(term) for term in terms}
    attributed: set[str] = set()
    if attribution is not None:
        attributed = set(attribution.loc[attribution["system"].isin(catalogue.names), "ticket_id"])

    def known(name: str) -> bool:
        if index is None:
            return False
        key = compact(name)
        return (name.lower() in terms or key in index.compact or key in words
                or (len(key) >= MIN_COMPACT - 1 and index.fuzzy(key, threshold) is not None))

    def add(name: str, source: str, ticket: str) -> None:
        key = name.lower()
        seen.setdefault((key, source), set()).add(ticket)
        spelled.setdefault(key, Counter())[name] += 1

    for ticket, field_value, title in zip(tickets["ticket_id"], tickets["system_field"], tickets["title"]):
        if field_value and not known(field_value):
            add(field_value.strip(), "field", ticket)
        letters = [c for c in title if c.isalpha()]
        if not letters or sum(c.isupper() for c in letters) > 0.6 * len(letters):
            continue
        doc = english.make_doc(title)
        flags = [_looks_like_product(tok.text, tok.i == 0) for tok in doc]
        if len(flags) > 1 and flags[1] and doc[0].text[:1].isupper():
            flags[0] = _looks_like_product(doc[0].text, False)  # "Power Automate fails"
        run: list[str] = []
        for tok, flag in zip([*doc, None], [*flags, False]):
            if tok is not None and flag:
                run.append(tok.text)
                continue
            if run:
                name = " ".join(run)
                if not known(name) and not any(known(w) for w in run):
                    add(name, "title", ticket)
                run = []
    rows = [(spelled[key].most_common(1)[0][0], len(ids), source, min(ids))
            for (key, source), ids in seen.items()
            if len(ids) >= min_tickets and len(ids & attributed) < 0.5 * len(ids)]
    frame = pd.DataFrame(rows, columns=list(SUGGESTIONS))
    frame = frame.sort_values(["tickets", "name"], ascending=[False, True], kind="stable")
    return frame.head(top).reset_index(drop=True)
