"""The system catalogue: the systems a site runs, their aliases, owners, lifecycle and users."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InputError

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
