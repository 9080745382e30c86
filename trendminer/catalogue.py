"""The system catalogue: the systems a site runs, their aliases, owners, lifecycle and users."""
from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import CATALOGUE_PROBLEM, InputError

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
    if path.is_dir():
        raise InputError(CATALOGUE_PROBLEM.format(where=path, problem="is a folder, not a CSV file",
                                                  fix="point systems.catalogue at the CSV file inside it"))
    try:
        _check_ragged(path)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False)
    except FileNotFoundError:
        raise InputError(f"System catalogue {path} not found (config key systems.catalogue).") from None
    except pd.errors.ParserError as exc:
        raise InputError(CATALOGUE_PROBLEM.format(where=path, problem=f"has a row with more values than the "
                                                  f"header ({str(exc).strip()})",
                                                  fix="quote values that contain commas, or remove the extra "
                                                      "values")) from None
    except (pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise InputError(f"System catalogue {path}: not a readable CSV ({exc}).") from None
    if "name" not in frame.columns:
        raise InputError(f"System catalogue {path}: needs a 'name' column; it has {list(frame.columns)}.")
    for col in CATALOGUE_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame["row"] = frame.index + 2
    frame["name"] = frame["name"].map(normalise_name)
    frame = frame[frame["name"] != ""].reset_index(drop=True)
    frame["aliases"] = [[normalise_name(a) for a in s.split(";") if normalise_name(a)] for s in frame["aliases"]]
    frame["lifecycle"] = frame["lifecycle"].str.strip().str.lower().replace("", "active")
    for _, r in frame.iterrows():
        if r["lifecycle"] not in LIFECYCLES:
            raise InputError(f"System catalogue {path}, row {r['row']}: lifecycle "
                             f"{r['lifecycle']!r} is not one of {', '.join(LIFECYCLES)}.")
    _check_terms(frame, path)
    frame["user_count"] = pd.array([_user_count(v, path, r) for v, r in zip(frame["user_count"], frame["row"])],
                                   dtype="Int64")
    return Catalogue(frame[list(CATALOGUE_COLUMNS)])


def _check_ragged(path: Path) -> None:
    """A row with more values than the header would shift its values into wrong columns."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows, [])
        for row in rows:
            if len(row) > len(header) and any(v.strip() for v in row[len(header):]):
                raise InputError(CATALOGUE_PROBLEM.format(
                    where=f"{path}, row {rows.line_num}",
                    problem=f"has a row with more values than the header ({len(row)} values, "
                            f"{len(header)} columns)",
                    fix="quote values that contain commas, or remove the extra values"))


def normalise_name(name: str) -> str:
    """A system name as compared: NFC, zero-width characters removed, spaces collapsed.

    Examples
    --------
    >>> normalise_name("Cafe\u0301\u200b  Portal ") == "Caf\u00e9 Portal"
    True
    """
    name = unicodedata.normalize("NFC", str(name)).translate(_INVISIBLE)
    return " ".join(name.split())


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _check_terms(frame: pd.DataFrame, path: Path) -> None:
    """Names must be unique; an alias may name only one system."""
    owner: dict[str, tuple[str, int, str]] = {}
    for name, aliases, row in zip(frame["name"], frame["aliases"], frame["row"]):
        for term, column in [(name, "name"), *((a, "aliases") for a in aliases)]:
            key = term.casefold()
            if key in owner and owner[key][0] != name:
                other, other_row, other_col = owner[key]
                raise InputError(CATALOGUE_PROBLEM.format(
                    where=f"{path}, row {row}, column {column!r}",
                    problem=f"{term!r} already names {other!r} (row {other_row}, column {other_col!r})",
                    fix="each name and alias may belong to one system only; merge the rows or remove "
                        "the alias"))
            if key in owner and column == "name" and owner[key][2] == "name":
                raise InputError(CATALOGUE_PROBLEM.format(
                    where=f"{path}, row {row}, column 'name'",
                    problem=f"the system {name!r} is listed twice (also row {owner[key][1]})",
                    fix="keep one row per system"))
            owner.setdefault(key, (name, row, column))


def _user_count(value: str, path: Path, row: int) -> int | None:
    value = value.strip().replace("_", "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not (number == number and 0 < number <= MAX_USERS and number == int(number)):
        raise InputError(CATALOGUE_PROBLEM.format(
            where=f"{path}, row {row}, column 'user_count'",
            problem=f"{value!r} is not a positive whole number of users",
            fix=f"write the number of people who use the system (1 to {MAX_USERS:,}), or leave it empty"))
    return int(number)


#: more users than this is not a count of people
MAX_USERS = 10_000_000


def write_catalogue(frame: pd.DataFrame, path: str | Path, returns: pd.DataFrame | None = None) -> pd.DataFrame | Path:
    """Write a catalogue CSV (:data:`CATALOGUE_COLUMNS`) that :func:`load_catalogue` reads back;
    return ``returns`` when given (the suggestions it was made from), else the path.

    Raises
    ------
    InputError
        If the file exists (it may be a catalogue someone edited) or cannot be written.
    """
    path = Path(path)
    if path.exists():
        raise InputError(f"{path} already exists; trendminer does not overwrite a catalogue.\n"
                         "Fix: pass another file name, or delete it first.")
    try:
        frame[list(CATALOGUE_COLUMNS)].to_csv(path, index=False, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Could not write the catalogue {path}: {exc.strerror or exc}.") from None
    return path if returns is None else returns

