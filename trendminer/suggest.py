"""Suggest systems the catalogue lacks: names that tickets mention often, ranked by how many
tickets name them and how specific to IT they are; host-like names are listed apart.

Three sources: values of the CI field that match no catalogue entry (``field``), names found in
the text by :mod:`trendminer.discover` (known products with their aliases, tool names,
product-like lower-case words; hosts, asset tags, IPs and ticket codes apart), and capitalised
runs in titles ("Power Automate", ``title``). :func:`catalogue_frame` turns the systems into a
catalogue CSV the user can edit.
"""
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
from .discover import GENERIC, HOST_SOURCE, WEIGHTS, discover, system_key

SUGGESTIONS = ("name", "tickets", "score", "source", "aliases", "example")
#: how specific to IT a title's capitalised run and a CI field value are (see discover.WEIGHTS)
TITLE_WEIGHT, FIELD_WEIGHT = 0.6, 1.0
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
    """Frequent system names in the tickets that the catalogue lacks, most specific and frequent first,
    then the host-like names apart.

    Parameters
    ----------
    tickets : Tickets
    catalogue : Catalogue
    settings : Settings
        Uses ``systems.fuzzy_threshold`` and ``ingest.main_language`` (only tickets in it, or of
        undetermined language, are read for words).
    min_tickets : int
        Names in fewer tickets are left out.
    top : int
        At most this many systems, and at most this many host-like names.
    attribution : Attribution, optional
        When given, names whose tickets are mostly (half or more) attributed to a catalogued
        system are left out: they are parts of that system ("ME21N" in SAP tickets).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUGGESTIONS`: ``name`` (as most often written), ``tickets`` (distinct
        tickets naming it), ``score`` (tickets x how specific to IT the evidence is: 1 for a
        CI field value, a known product or a tool name, 0.9 an acronym, 0.7 another
        product-like word, 0.6 a capitalised title run), ``source`` (``field``, ``title``,
        ``known product``, ``tool name``, ``acronym``, ``product-like word``, or
        ``looks like a host/asset``), ``aliases`` (other spellings seen, "; "-joined), and
        ``example`` (a ticket id). Systems first by score; host-like names after them.

    Examples
    --------
    >>> from trendminer.catalogue import load_catalogue
    >>> from trendminer.config import load_settings
    >>> t = pd.DataFrame({"ticket_id": ["1", "2", "3"], "system_field": ["", "", "Tableau"],
    ...                   "title": ["Power Automate flow fails", "cannot open Power Automate", "x"],
    ...                   "description": ["", "", ""], "language": ["en"] * 3})
    >>> suggest(t, load_catalogue(None), load_settings(), min_tickets=1)["name"].tolist()
    ['Power Automate', 'Tableau']
    """
    threshold = float(settings["systems"]["fuzzy_threshold"])
    terms = catalogue.terms()
    index = TermIndex(catalogue) if terms else None
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

    rows: dict[str, dict] = {}
    rank = {"field": 0, "known product": 1, "tool name": 2, "acronym": 3, "title": 4, "product-like word": 5}

    def keep(row: dict, ids: set[str]) -> None:
        """Add a candidate; one that names the same product as another (the CI field's "SAP ERP"
        and the text's "sap") joins it: tickets are the union, the field's name and the
        strongest evidence win, the other names become aliases."""
        key = system_key(row["name"])
        if key in rows:
            old = rows[key]
            first, second = sorted([old, row], key=lambda r: rank.get(r["source"], 9))
            names = {a for r in (old, row) for a in [r["name"], *r["aliases"].split("; ")] if a}
            row = {**first, "aliases": "; ".join(sorted(names - {first["name"]}, key=str.lower)),
                   "weight": max(old["weight"], row["weight"])}
            ids = ids | old["ids"]
        rows[key] = {**row, "ids": ids}

    for (name, source), ids in _named(tickets, known).items():
        keep({"name": name, "source": source, "aliases": "",
              "weight": FIELD_WEIGHT if source == "field" else TITLE_WEIGHT}, ids)
    english = _readable(tickets, settings)
    texts = (tickets["title"].astype(str) + "\n" + tickets["description"].astype(str))[english]
    ids_all = tickets["ticket_id"].astype(str)[english]
    systems, hosts = discover(texts.tolist(), ids_all.tolist(), min_tickets)
    for row in systems:
        if known(row["name"]) or any(known(a) for a in row["aliases"].split("; ") if a):
            continue
        keep({"name": row["name"], "source": row["source"], "aliases": row["aliases"],
              "weight": WEIGHTS[row["source"]]}, row["ids"])
    rows = {k: {**r, "tickets": len(r["ids"]), "score": round(len(r["ids"]) * r["weight"], 2), "example": min(r["ids"])}
            for k, r in rows.items()
            if len(r["ids"]) >= min_tickets and len(r["ids"] & attributed) < 0.5 * len(r["ids"])}
    frame = pd.DataFrame(list(rows.values()), columns=list(SUGGESTIONS))
    frame = frame.sort_values(["score", "tickets", "name"], ascending=[False, False, True], kind="stable").head(top)
    apart = pd.DataFrame([{k: h[k] for k in SUGGESTIONS} for h in hosts], columns=list(SUGGESTIONS)).head(top)
    return pd.concat([frame, apart], ignore_index=True) if len(apart) else frame.reset_index(drop=True)


def _readable(tickets: Tickets, settings: Settings) -> pd.Series:
    """Tickets whose words :func:`~trendminer.discover.discover` reads: in the main language or undetermined."""
    if "language" not in tickets:
        return pd.Series(True, index=tickets.index)
    return tickets["language"].astype(str).isin([settings["ingest"]["main_language"], "und", ""])


def _named(tickets: Tickets, known) -> dict[tuple[str, str], set[str]]:  # noqa: ANN001 - a predicate
    """CI field values and capitalised title runs the catalogue does not know -> their tickets."""
    english = nlp.english()
    seen: dict[tuple[str, str], set[str]] = {}
    spelled: dict[str, Counter] = {}

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
                if not known(name) and not any(known(w) for w in run) and not looks_like_host_run(run) \
                        and not (len(run) == 1 and run[0].lower() in GENERIC):
                    add(name, "title", ticket)
                run = []
    return {(spelled[key].most_common(1)[0][0], source): ids for (key, source), ids in seen.items()}


def looks_like_host_run(run: list[str]) -> bool:
    """A one-word title run that is a host name, asset tag or code (listed apart by discover)."""
    from .discover import looks_like_host

    return len(run) == 1 and looks_like_host(run[0])


def catalogue_frame(suggestions: pd.DataFrame) -> pd.DataFrame:
    """The suggested systems (not the host-like names) as a catalogue the user edits and then
    points ``systems.catalogue`` at: :data:`~trendminer.catalogue.CATALOGUE_COLUMNS`, aliases
    ";"-joined, the other columns empty to fill in.

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["erp", "rtr01"], "aliases": ["sap; s4", ""],
    ...                   "source": ["known product", HOST_SOURCE]})
    >>> catalogue_frame(s)[["name", "aliases", "lifecycle"]].values.tolist()
    [['erp', 'sap;s4', 'active']]
    """
    from .catalogue import CATALOGUE_COLUMNS

    systems = suggestions[suggestions["source"] != HOST_SOURCE]
    out = pd.DataFrame({c: [""] * len(systems) for c in CATALOGUE_COLUMNS})
    out["name"] = systems["name"].to_numpy()
    out["aliases"] = [";".join(a for a in str(x).split("; ") if a) for x in systems["aliases"]]
    out["lifecycle"] = "active"
    return out
