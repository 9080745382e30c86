"""The bottom layer of ingest: one file read into strings (:class:`Table`) and header names.

Every reader (``formats``, ``json``, ``excel``) returns a :class:`Table`; nothing here imports
another ingest module, so the readers never import each other in a loop.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Table:
    """One file read into strings.

    Attributes
    ----------
    frame : DataFrame
        One ``str`` column per source column, ``""`` for missing values.
    fmt : str
        ``csv``, ``json``, ``jsonl``, ``parquet`` or ``xlsx``.
    encoding : str
        The text encoding used (detected when the configured one did not fit).
    replaced : int
        Characters that could not be decoded (replaced by U+FFFD) or NUL bytes removed.
    rejected : list of (int, str)
        Rows that could not be parsed at all: ``(line, reason)``; counted as rejected rows.
    notes : list of str
        Warnings for the run summary.
    duplicated : list of str
        Column names that occurred more than once (later copies are renamed ``name.1`` ...).
    header : list of str
        Every column of the file, also those not read into ``frame``.
    sha256 : str
        Of the bytes that were parsed (the file as read, a zip archive whole).
    skipped : list of str
        ``archive: member`` for each zip member that is not a ticket export.
    """

    frame: pd.DataFrame
    fmt: str
    encoding: str = "utf-8"
    replaced: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    sha256: str = ""
    skipped: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.header = self.header or list(self.frame.columns)


#: given a file's column names, the ones to read (CSV only; other formats are read whole)
Select = Callable[[list[str]], list[str]]


def unique_names(names: list[str]) -> tuple[list[str], list[str]]:
    """Strip names and rename repeats ``name.1``, ``name.2``; also return the repeated names.

    Examples
    --------
    >>> unique_names(["a", " b", "a", ""])
    (['a', 'b', 'a.1', 'column_4'], ['a'])
    """
    out: list[str] = []
    seen: dict[str, int] = {}
    dups: list[str] = []
    for i, name in enumerate(names):
        name = str(name).strip().lstrip("\ufeff").strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            if name not in dups:
                dups.append(name)
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out, dups
