"""Attribute each ticket to the system it is about.

The export's CI / service field is used first (matched to the catalogue by name, alias or
a close spelling); otherwise the ticket text is searched for catalogue names and aliases
with spaCy's PhraseMatcher, then for misspelt single-word names with RapidFuzz. Tickets
that name no system go to an explicit unattributed bucket.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from . import nlp
from .config import Settings
from .errors import InputError
from .schema import ATTRIBUTION, TICKETS, Attribution, Tickets, validate

CATALOGUE_COLUMNS = ("name", "aliases", "vendor", "owner_team", "lifecycle", "user_count", "criticality")
LIFECYCLES = ("active", "sunset", "retired")


@dataclass(frozen=True)
class Catalogue:
    """The systems a site runs. ``frame`` has :data:`CATALOGUE_COLUMNS`, ``aliases`` as lists."""

    frame: pd.DataFrame

    @property
    def names(self) -> list[str]:
        return self.frame["name"].tolist()

    def terms(self) -> dict[str, str]:
        """Every lower-cased name and alias -> catalogue name."""
        out: dict[str, str] = {}
        for name, aliases in zip(self.frame["name"], self.frame["aliases"]):
            for term in (name, *aliases):
                out.setdefault(term.lower().strip(), name)
        return out


def load_catalogue(path: str | Path | None) -> Catalogue:
    """Read a catalogue CSV; an empty path gives an empty catalogue.

    Raises
    ------
    InputError
        On a missing file, a missing ``name`` column, a bad lifecycle or user count
        (naming the row).
    """
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in CATALOGUE_COLUMNS})
    if not path:
        return Catalogue(empty)
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"System catalogue {path} not found (config key systems.catalogue).") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"System catalogue {path}: not a readable CSV ({exc}).") from None
    if "name" not in frame.columns:
        raise InputError(f"System catalogue {path}: needs a 'name' column; it has {list(frame.columns)}.")
    for col in CATALOGUE_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame["name"] = frame["name"].str.strip()
    frame = frame[frame["name"] != ""].reset_index(drop=True)
    frame["aliases"] = [[a.strip() for a in s.split(";") if a.strip()] for s in frame["aliases"]]
    frame["lifecycle"] = frame["lifecycle"].str.strip().str.lower().replace("", "active")
    bad = ~frame["lifecycle"].isin(LIFECYCLES)
    if bad.any():
        row = int(bad.idxmax()) + 2
        raise InputError(f"System catalogue {path}, row {row}: lifecycle "
                         f"{frame.loc[bad.idxmax(), 'lifecycle']!r} is not one of {', '.join(LIFECYCLES)}.")
    counts = pd.to_numeric(frame["user_count"].replace("", None), errors="coerce")
    bad = counts.isna() & frame["user_count"].ne("")
    if bad.any():
        raise InputError(f"System catalogue {path}, row {int(bad.idxmax()) + 2}: user_count "
                         f"{frame.loc[bad.idxmax(), 'user_count']!r} is not a number.")
    frame["user_count"] = counts.astype("Int64")
    return Catalogue(frame[list(CATALOGUE_COLUMNS)])


def _field_match(value: str, terms: dict[str, str], threshold: float) -> tuple[str, float] | None:
    key = value.lower().strip()
    if key in terms:
        return terms[key], 1.0
    hit = process.extractOne(key, list(terms), scorer=fuzz.ratio, score_cutoff=threshold)
    return (terms[hit[0]], hit[1] / 100) if hit else None


def attribute(tickets: Tickets, catalogue: Catalogue, settings: Settings) -> Attribution:
    """One row per ticket: the system it is about, how that was found, and a confidence.

    Parameters
    ----------
    tickets : Tickets
    catalogue : Catalogue
    settings : Settings
        Uses ``systems.fuzzy_threshold`` and ``systems.unattributed``.

    Returns
    -------
    Attribution
    """
    validate(tickets, TICKETS, "systems")
    opts = settings["systems"]
    threshold = float(opts["fuzzy_threshold"])
    terms = catalogue.terms()
    english = nlp.english()
    matcher = PhraseMatcher(english.vocab, attr="LOWER")
    for term, name in terms.items():
        matcher.add(name, [english.make_doc(term)])
    single = {t: n for t, n in terms.items() if " " not in t and len(t) >= 5}
    field_cache: dict[str, tuple[str, float] | None] = {}
    rows = []
    parsed = nlp.docs((t + " " + d[:600]) for t, d in zip(tickets["title"], tickets["description"]))
    for field, doc in zip(tickets["system_field"], parsed):
        if field:
            if field not in field_cache:
                field_cache[field] = _field_match(field, terms, threshold) if terms else None
            hit = field_cache[field]
            rows.append(("field",) + (hit if hit else (field, 1.0)))
            continue
        spans = filter_spans(matcher(doc, as_spans=True))
        if spans:
            counts = Counter(english.vocab.strings[s.label] for s in spans)
            rows.append(("catalogue", counts.most_common(1)[0][0], 0.9))
            continue
        fuzzy = None
        for tok in doc:
            if tok.is_alpha and len(tok) >= 4 and single:
                hit = process.extractOne(tok.lower_, list(single), scorer=fuzz.ratio, score_cutoff=threshold)
                if hit:
                    fuzzy = (single[hit[0]], round(hit[1] / 100 * 0.8, 3))
                    break
        rows.append(("fuzzy",) + fuzzy if fuzzy else ("none", opts["unattributed"], 0.0))
    frame = pd.DataFrame(rows, columns=["source", "system", "confidence"])
    frame.insert(0, "ticket_id", tickets["ticket_id"].to_numpy())
    return validate(frame[list(ATTRIBUTION)], ATTRIBUTION, "systems")
