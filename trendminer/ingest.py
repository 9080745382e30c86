"""Read ticket exports into one canonical raw frame, accounting for every input row.

Each input row ends as *accepted*, *duplicate* (merged into another row of the same ticket;
the newest update wins) or *rejected* with a reason naming file, row and column.
"""
from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import Settings
from .errors import MISSING_COLUMN, NO_TEXT_COLUMN, InputError

log = logging.getLogger(__name__)

#: canonical fields that hold free text
TEXT_FIELDS = ("title", "description")
REQUIRED = ("ticket_id", "opened_at")
DATE_FIELDS = ("opened_at", "resolved_at", "updated_at")
COUNT_FIELDS = ("reopen_count", "reassignment_count")
_WHAT = {
    "ticket_id": "ticket number",
    "opened_at": "date the ticket was opened",
    "title": "ticket title",
    "description": "ticket description",
}
_PRIORITY_WORDS = {
    "critical": 1, "highest": 1, "urgent": 1, "blocker": 1, "high": 2, "major": 2,
    "medium": 3, "moderate": 3, "normal": 3, "low": 4, "minor": 4, "lowest": 5, "planning": 5,
}


@dataclass
class Rejection:
    """One rejected input row."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class Accounting:
    """Where every input row went. ``rows == accepted + duplicates + rejected`` always."""

    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)

    def reject(self, rejection: Rejection, max_examples: int = 50) -> None:
        self.rejected += 1
        self.reasons[rejection.reason] += 1
        if len(self.examples) < max_examples:
            self.examples.append(rejection)

    @property
    def balanced(self) -> bool:
        return self.rows == self.accepted + self.duplicates + self.rejected

    def summary(self) -> str:
        """One line, e.g. ``3612 rows: 3540 accepted, 70 duplicate, 2 rejected``."""
        return (f"{self.rows} rows: {self.accepted} accepted, {self.duplicates} duplicate, "
                f"{self.rejected} rejected")


@dataclass
class IngestResult:
    """The canonical raw tickets (not yet cleaned) and the accounting."""

    raw: pd.DataFrame
    accounting: Accounting


def _read_csv(path: Path, read: Mapping[str, object]) -> pd.DataFrame:
    encoding = str(read["encoding"])
    if encoding.lower().replace("-", "") == "utf8":
        encoding = "utf-8-sig"
    try:
        head = path.read_bytes()[:4096]
    except FileNotFoundError:
        raise InputError(f"{path}: file not found. Check the path you passed to trendminer.") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; pass the export file(s) inside it.") from None
    if not head.strip():
        raise InputError(f"{path}: the file is empty. Export the tickets again.")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{path}: looks like a binary file, not CSV text. Export the tickets as CSV."
        )
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, sep=str(read["delimiter"]),
            encoding=encoding, on_bad_lines="error", engine="c",
        )
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not readable as {encoding} (byte {exc.start}). Set ingest.read.encoding "
            "in your config, e.g. \"cp1252\" or \"latin-1\"."
        ) from None
    except pd.errors.ParserError as exc:
        raise InputError(
            f"{path}: malformed CSV ({exc}). Check for unbalanced quotes or a wrong "
            "delimiter (ingest.read.delimiter)."
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file has no header row. Export the tickets again.") from None
    if frame.columns.duplicated().any() or any(str(c).endswith(".1") for c in frame.columns):
        dup = [c for c in frame.columns if str(c).endswith(".1")]
        log.warning("%s: duplicated column names %s; the first of each is used", path, dup)
    return frame


def _check_columns(frame: pd.DataFrame, columns: Mapping[str, str], path: Path) -> None:
    available = ", ".join(repr(c) for c in frame.columns[:30])
    if len(frame.columns) == 1:
        guess = sniff_delimiter(path)
        hint = f" — the file seems to use {guess!r}" if guess else ""
        available += f" (only one column: is ingest.read.delimiter right?{hint})"
    for key in REQUIRED:
        if columns[key] not in frame.columns:
            raise InputError(MISSING_COLUMN.format(
                file=path, column=columns[key], key=key, what=_WHAT[key], available=available))
    text_cols = [columns[k] for k in TEXT_FIELDS if columns[k]]
    if not any(c in frame.columns for c in text_cols):
        key = "title" if columns["title"] else "description"
        if len(text_cols) == 1:
            raise InputError(MISSING_COLUMN.format(
                file=path, column=columns[key], key=key, what=_WHAT[key], available=available))
        raise InputError(NO_TEXT_COLUMN.format(
            file=path, title=columns["title"], description=columns["description"],
            available=available))


def _parse_dates(values: pd.Series, dayfirst: bool) -> pd.Series:
    values = values.str.strip()
    parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    retry = parsed.isna() & values.ne("")
    if retry.any():
        parsed = parsed.copy()
        parsed[retry] = pd.to_datetime(values[retry], errors="coerce", format="mixed",
                                       dayfirst=dayfirst)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _parse_priority(values: pd.Series) -> pd.Series:
    digits = values.str.extract(r"^\s*[Pp]?(\d)", expand=False)
    words = values.str.lower().str.extract(r"([a-z]+)", expand=False).map(_PRIORITY_WORDS)
    return pd.to_numeric(digits, errors="coerce").fillna(words).astype("Int64")


def _canonical(frame: pd.DataFrame, columns: Mapping[str, str], path: Path,
               settings: Settings, as_of: pd.Timestamp, acc: Accounting) -> pd.DataFrame:
    read = settings["ingest"]["read"]
    out = pd.DataFrame(index=frame.index)
    for key, col in columns.items():
        out[key] = frame[col] if col and col in frame.columns else ""
    out["source_file"] = str(path)
    out["source_row"] = range(1, len(frame) + 1)
    for key in DATE_FIELDS:
        out[key] = _parse_dates(out[key].astype(str), bool(read["dayfirst"]))
    for key in COUNT_FIELDS:
        out[key] = pd.to_numeric(out[key], errors="coerce").fillna(0).clip(lower=0).astype(int)
    out["priority"] = _parse_priority(out["priority"].astype(str))
    out["ticket_id"] = out["ticket_id"].astype(str).str.strip()
    limit = int(read["max_text_chars"])
    too_long = out["description"].str.len() > limit
    if too_long.any():
        acc.warnings.append(f"{path}: {int(too_long.sum())} descriptions longer than {limit} "
                            "characters were cut (ingest.read.max_text_chars)")
        out.loc[too_long, "description"] = out.loc[too_long, "description"].str.slice(0, limit)

    raw_opened = frame[columns["opened_at"]].astype(str)
    problems = [
        (out["ticket_id"].eq(""), "ticket_id", "empty ticket number"),
        (out["opened_at"].isna() & raw_opened.str.strip().ne(""), "opened_at",
         "unreadable date; use e.g. 2026-10-31 14:05:00 (set ingest.read.dayfirst for 31/10/2026)"),
        (out["opened_at"].isna(), "opened_at", "empty opened date"),
        (out["opened_at"] > as_of + pd.Timedelta(days=1), "opened_at",
         f"opened after --as-of {as_of.date()} (a date in the future?)"),
        ((out["title"].str.strip() + out["description"].str.strip()).eq(""), "title",
         "no text: title and description are both empty"),
    ]
    bad = pd.Series(False, index=out.index)
    for mask, key, reason in problems:
        hit = mask & ~bad
        for row in out.loc[hit, "source_row"]:
            acc.reject(Rejection(str(path), int(row), columns[key] or key, reason))
        bad |= hit
    return out.loc[~bad]


def read_exports(paths: Sequence[str | Path], settings: Settings, as_of: pd.Timestamp) -> IngestResult:
    """Read export files through the configured column map.

    Parameters
    ----------
    paths : sequence of path
        CSV export files.
    settings : Settings
        Uses ``ingest.columns`` and ``ingest.read``.
    as_of : Timestamp
        Rows opened more than a day after it are rejected as future-dated.

    Returns
    -------
    IngestResult
        ``raw`` has one row per ticket (the newest update wins) with the canonical fields
        of ``ingest.columns`` plus ``source_file`` and ``source_row``; text is not yet cleaned.

    Raises
    ------
    InputError
        If a file is missing, unreadable, or lacks a required column.
    """
    if not paths:
        raise InputError("No input files given. Pass one or more ticket export files.")
    columns = settings["ingest"]["columns"]
    acc = Accounting()
    frames = []
    for path in map(Path, paths):
        frame = _read_csv(path, settings["ingest"]["read"])
        _check_columns(frame, columns, path)
        acc.rows += len(frame)
        acc.files[str(path)] = len(frame)
        if frame.empty:
            acc.warnings.append(f"{path}: header only, no ticket rows")
            continue
        frames.append(_canonical(frame, columns, path, settings, as_of, acc))
    if not frames:
        empty = pd.DataFrame(columns=[*columns, "source_file", "source_row"])
        return IngestResult(empty, acc)
    raw = pd.concat(frames, ignore_index=True)
    raw["_order"] = range(len(raw))
    raw["_updated"] = raw["updated_at"].fillna(raw["opened_at"])
    raw = raw.sort_values(["ticket_id", "_updated", "_order"], kind="stable")
    keep = ~raw.duplicated("ticket_id", keep="last")
    acc.duplicates = int((~keep).sum())
    raw = raw.loc[keep].drop(columns=["_order", "_updated"]).sort_values(
        ["opened_at", "ticket_id"], kind="stable").reset_index(drop=True)
    acc.accepted = len(raw)
    return IngestResult(raw, acc)


def sniff_delimiter(path: Path) -> str | None:
    """Guess a CSV delimiter from the first line (used only to improve error messages)."""
    try:
        with path.open(newline="", encoding="utf-8", errors="replace") as fh:
            return csv.Sniffer().sniff(fh.readline(), delimiters=",;\t|").delimiter
    except (csv.Error, OSError):
        return None
