"""Attribute each ticket to the system it is about, and suggest systems the catalogue lacks.

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

Tickets that name no system go to an explicit unattributed bucket. :func:`suggest` lists
product-like names that tickets mention often but the catalogue lacks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
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


#ATTRIBUTE#
