"""Read ticket exports into one canonical raw frame, accounting for every input row.

Each input row ends as *accepted*, *duplicate* (merged into another row of the same ticket;
the newest update wins, for event logs the highest ``sys_mod_count``) or *rejected* with a
reason naming file, row and column. The preset of each file (ServiceNow, Jira Service
Management, Zendesk, generic column map) is detected from its header and reported.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import presets
from .kinds import export_kinds
from ..config import Settings
from ..errors import DUPLICATES_ACROSS_FILES, MISSING_COLUMN, NO_TEXT_COLUMN, PRESET_MISSING_COLUMN, InputError
from .formats import read_table
from .table import Table
from .dates import odd_dates, parse_date_columns
from .fields import (BAD_COUNT, _by_unique, _first_response_hours, _parse_count, _parse_csat,  # noqa: F401
                     _parse_flag, _parse_priority, parse_csat)
from ..language import UNDETERMINED

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

@dataclass
class Rejection:
    """One rejected input row (``unit`` is ``row`` for data rows, ``line`` for unparsable text)."""

    file: str
    row: int
    column: str
    reason: str
    unit: str = "row"

    def __str__(self) -> str:
        where = f"{self.file}, {self.unit} {self.row}" + (
            f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class Accounting:
    """Where every input row went. ``rows == accepted + duplicates + rejected`` always.

    Besides the counts it records, per file, the preset chosen and why, the encoding and the
    number of replaced characters, the SHA-256 of the bytes read (``hashes``) and the zip
    members that were not exports (``skipped``), accepted tickets with implausible dates
    (``odd_dates``: before 1970, after 2200, resolved before opened), and per accepted ticket
    the detected language.
    """

    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)
    presets: dict[str, str] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)
    replaced_chars: int = 0
    languages: Counter = field(default_factory=Counter)
    structured_only: int = 0
    hashes: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    odd_dates: Counter = field(default_factory=Counter)
    surveys: dict | None = None   # the --surveys file's own accounting (trendminer.ingest.surveys)

    def reject(self, rejection: Rejection, max_examples: int = 50) -> None:
        self.rejected += 1
        self.reasons[rejection.reason] += 1
        if len(self.examples) < max_examples:
            self.examples.append(rejection)

    @property
    def balanced(self) -> bool:
        return self.rows == self.accepted + self.duplicates + self.rejected

    def count_languages(self, languages: pd.Series, main: str) -> None:
        """Record the detected language of each accepted ticket; warn about other languages."""
        self.languages = Counter(languages.tolist())
        other = {k: v for k, v in self.languages.items() if k not in (main, UNDETERMINED)}
        if main and other:
            self.warnings.append(f"{sum(other.values())} tickets are not in {main!r} ("
                                 + ", ".join(f"{k} {v}" for k, v in sorted(other.items()))
                                 + "); see the 'language' column")

    def summary(self) -> str:
        """One line, e.g. ``3612 rows: 3540 accepted, 70 duplicate, 2 rejected``."""
        return (f"{self.rows} rows: {self.accepted} accepted, {self.duplicates} duplicate, "
                f"{self.rejected} rejected")

    def details(self) -> list[str]:
        """Human-readable lines: presets, encodings, languages."""
        out = [f"{file}: preset {how}" for file, how in self.presets.items()]
        out += [f"{file}: encoding {enc}" for file, enc in self.encodings.items()]
        if self.replaced_chars:
            out.append(f"{self.replaced_chars} characters replaced while decoding")
        if self.languages:
            out.append("languages: " + ", ".join(f"{k} {v}" for k, v in self.languages.most_common()))
        if self.structured_only:
            out.append(f"{self.structured_only} tickets have no free text (titles built from codes)")
        if self.skipped:
            out.append(f"{len(self.skipped)} zip member(s) skipped, not ticket exports")
        if self.odd_dates:
            out.append("tickets kept with odd dates: " + ", ".join(f"{k} {v}" for k, v in self.odd_dates.items()))
        return out


@dataclass
class IngestResult:
    """The canonical raw tickets (not yet cleaned) and the accounting."""

    raw: pd.DataFrame
    accounting: Accounting


def _check_columns(table: Table, used: Mapping[str, str], choice: presets.Choice,
                   columns: Mapping[str, str], path: Path) -> None:
    available = ", ".join(repr(c) for c in table.header[:30])
    if len(table.header) == 1:
        available += " (only one column: is ingest.read.delimiter right?)"
    text_ok = any(k in used for k in TEXT_FIELDS) or (
        choice.preset is not None and bool(choice.preset.title_from))
    for key in (*REQUIRED, "title"):
        if (key in used) if key != "title" else text_ok:
            continue
        if choice.preset is not None:
            cands = choice.preset.columns.get(key, ())
            raise InputError(PRESET_MISSING_COLUMN.format(
                file=path, preset=choice.preset.label, reason=choice.reason, key=key,
                what=_WHAT[key], candidates=", ".join(repr(c) for c in cands),
                available=available))
        if key != "title":
            raise InputError(MISSING_COLUMN.format(file=path, column=columns[key], key=key,
                                                   what=_WHAT[key], available=available))
        if not (columns["title"] and columns["description"]):
            key = "title" if columns["title"] else "description"
            raise InputError(MISSING_COLUMN.format(file=path, column=columns[key], key=key,
                                                   what=_WHAT[key], available=available))
        raise InputError(MISSING_COLUMN.format(
            file=path, column=columns["title"], key="title", what=_WHAT["title"],
            available=available) + NO_TEXT_COLUMN.format(
            file=path, title=columns["title"], description=columns["description"],
            available=available).split("\n")[-1])


def _canonical(table: Table, path: Path, settings: Settings, as_of: pd.Timestamp | None,
               acc: Accounting) -> pd.DataFrame:
    ingest = settings["ingest"]
    read = ingest["read"]
    columns = ingest["columns"]
    choice = presets.choose(table.header, ingest)
    acc.presets[str(path)] = f"{choice.name} ({choice.reason})"
    log.info("%s: preset %s, because %s", path, choice.name, choice.reason)
    out, used, notes = presets.apply(table.frame, choice, columns, str(path), table.duplicated)
    acc.warnings.extend(notes)
    _check_columns(table, used, choice, columns, path)
    out["source_file"] = str(path)
    out["source_row"] = range(1, len(out) + 1)
    raw_dates = {k: out[k].rename(used.get(k, k)) for k in DATE_FIELDS}
    parsed, report = parse_date_columns({**raw_dates, "first_response_at": out["first_response_at"]}, str(path), read)
    acc.warnings.extend(report.warnings)
    for key in DATE_FIELDS:
        out[key] = parsed[key]
    out["first_response_hours"] = _first_response_hours(out, parsed["first_response_at"],
                                                        events=bool(choice.preset and choice.preset.version))
    out["made_sla"] = _by_unique(out["made_sla"].astype(str), _parse_flag).astype(float)
    out = out.drop(columns=["first_response_at", "first_response_min"])
    counts = {key: _by_unique(out[key].astype(str), _parse_count) for key in COUNT_FIELDS}
    for key in COUNT_FIELDS:   # a dirty count rejects its row below, like a bad date
        out[key] = counts[key].fillna(0).astype(int)
    out["priority"] = _by_unique(out["priority"].astype(str), _parse_priority).astype("Int64")
    out["csat"] = _by_unique(out["csat"].astype(str), _parse_csat).astype(float)
    out["ticket_id"] = out["ticket_id"].astype(str).str.strip()
    limit = int(read["max_text_chars"])
    for key in TEXT_FIELDS:
        too_long = out[key].str.len() > limit
        if too_long.any():
            acc.warnings.append(f"{path}: {int(too_long.sum())} {key}s longer than {limit} "
                                "characters were cut (ingest.read.max_text_chars)")
            out.loc[too_long, key] = out.loc[too_long, key].str.slice(0, limit)

    problems = [
        (out["ticket_id"].eq(""), "ticket_id", "empty ticket number"),
        (out["opened_at"].isna() & ~presets.is_blank(raw_dates["opened_at"]), "opened_at",
         f"unreadable date (dates read as {report.order}: {report.reason}); use e.g. "
         "2026-10-31 14:05:00, or set ingest.read.date_order"),
        (out["opened_at"].isna(), "opened_at", "empty opened date"),
        *([] if as_of is None else [(out["opened_at"] > as_of + pd.Timedelta(days=1), "opened_at",
           f"opened after --as-of {as_of.date()} (a date in the future? check the export's "
           "time zone or pass a later --as-of)")]),
        (presets.is_blank(out["title"]) & presets.is_blank(out["description"]), "title",
         "no text: title and description are both empty"),
        *[(counts[key].isna(), key, BAD_COUNT) for key in COUNT_FIELDS],
    ]
    bad = pd.Series(False, index=out.index)
    for mask, key, reason in problems:
        hit = mask & ~bad
        if hit.any():
            for row in out.loc[hit, "source_row"]:
                acc.reject(Rejection(str(path), int(row), used.get(key, columns[key]) or key, reason))
            bad |= hit
    kept = out.loc[~bad] if bad.any() else out
    for kind, n, message in odd_dates({k: kept[k] for k in DATE_FIELDS}, kept["source_row"], str(path),
                                      {k: used.get(k, k) for k in DATE_FIELDS}):
        acc.odd_dates[kind] += n
        acc.warnings.append(message)
    return kept


def _deduplicate(raw: pd.DataFrame, acc: Accounting, updated: str = "updated_at") -> pd.DataFrame:
    """Keep one row per ticket: highest event version, then newest update, then the file whose
    name sorts last, then the last row of that file (the same choice whatever the order the
    files were given in).

    Rows keep the order they were read in (the state orders tickets itself). ``raw`` is
    consumed: when rows are dropped its columns are filtered one by one and taken out of it,
    so a big export is never held twice in memory. Tickets whose rows differ between files are
    said in a warning (count, examples, which row was kept and by which rule).
    """
    dup = raw["ticket_id"].duplicated(keep=False).to_numpy()
    if dup.any():
        part = pd.DataFrame({"id": raw["ticket_id"][dup], "v": raw["_version"][dup].fillna(-1),
                             "u": raw["updated_at"][dup].fillna(raw["opened_at"][dup]),
                             "f": raw["source_file"][dup].astype(str), "o": np.flatnonzero(dup)})
        part = part.sort_values(["id", "v", "u", "f", "o"], kind="stable")
        drop = part["o"][part.duplicated("id", keep="last")].to_numpy()
        _say_conflicts(raw, dup, part, acc, updated)
        acc.duplicates = len(drop)
        keep = np.ones(len(raw), dtype=bool)
        keep[drop] = False
        return pd.DataFrame({name: raw.pop(name).array[keep] for name in list(raw.columns)
                             if name != "_version"})
    return raw.drop(columns=["_version"]).reset_index(drop=True)


def _say_conflicts(raw: pd.DataFrame, dup: np.ndarray, part: pd.DataFrame, acc: Accounting, updated: str) -> None:
    """Warn about tickets that occur in several files with different content."""
    content = [c for c in raw.columns if c not in ("source_file", "source_row", "_version")]
    rows = raw.iloc[part["o"].to_numpy()][content].astype(str)   # in the order of ``part``
    part = part.assign(h=pd.util.hash_pandas_object(rows, index=False).to_numpy())
    groups = part.groupby("id", sort=True)
    conflicting = groups["f"].transform("nunique").gt(1) & groups["h"].transform("nunique").gt(1)
    if not conflicting.any():
        return
    part = part[conflicting]
    last = part.groupby("id", sort=True).tail(1).set_index("id")          # the kept row of each ticket
    top = part.merge(last[["v", "u"]], left_on="id", right_index=True, suffixes=("", "_k"))
    top = top[(top["v"] == top["v_k"]) & (top["u"] == top["u_k"])]
    tied_ids = top.groupby("id")["f"].nunique().gt(1)
    tied_ids = tied_ids[tied_ids].index
    ids = list(last.index)
    example = tied_ids[0] if len(tied_ids) else ids[0]
    message = DUPLICATES_ACROSS_FILES.format(
        count=len(ids), examples=", ".join(map(str, ids[:3])), updated=updated,
        newer=len(ids) - len(tied_ids), tied=len(tied_ids), example=example,
        kept=Path(last.loc[example, "f"]).name)
    acc.warnings.append(message)
    log.warning(message)


def read_exports(paths: Sequence[str | Path], settings: Settings, as_of: pd.Timestamp | None = None) -> IngestResult:
    """Read export files through the detected (or configured) preset.

    Parameters
    ----------
    paths : sequence of path
        Export files: CSV, JSON, JSON Lines, Parquet or XLSX (a zip holding one of them).
    settings : Settings
        Uses ``ingest`` (preset, columns, read, language keys).
    as_of : Timestamp, optional
        Rows opened more than a day after it are rejected as future-dated; None (an
        evaluation or a suggestion, not a night) accepts every date.

    Returns
    -------
    IngestResult
        ``raw`` has one row per ticket with the canonical fields of ``ingest.columns`` plus
        ``source_file``, ``source_row``, ``subcategory``, ``csat`` (0..1, NaN if unknown),
        ``channel`` and ``structured_only``; text is not yet cleaned (the language is
        detected on the cleaned text, see :func:`~trendminer.clean.clean_tickets`).

    Raises
    ------
    InputError
        If a file is missing, unreadable, malformed, or lacks a required column.
    """
    if not paths:
        raise InputError("No input files given. Pass one or more ticket export files.")
    ingest = settings["ingest"]
    acc = Accounting()
    frames = []
    for path in map(Path, paths):
        table = read_table(path, ingest["read"], select=lambda header: presets.used_columns(
            header, presets.choose(header, ingest), ingest["columns"]))
        acc.warnings.extend(table.notes)
        acc.encodings[str(path)] = table.encoding
        acc.hashes[str(path)] = table.sha256
        acc.skipped += table.skipped
        acc.replaced_chars += table.replaced
        acc.rows += len(table.frame) + len(table.rejected)
        acc.files[str(path)] = len(table.frame) + len(table.rejected)
        for line, reason in table.rejected:
            acc.reject(Rejection(str(path), line, "", reason, unit="line"))
        if table.frame.empty:
            acc.warnings.append(f"{path}: header only, no ticket rows")
        frames.append(_canonical(table, path, settings, as_of, acc))
        del table   # the file's strings are no longer needed: keep the peak memory down
    raw = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    del frames
    raw = _deduplicate(raw, acc, str(ingest["columns"].get("updated_at") or "updated_at"))
    raw["kind_label"], notes = export_kinds(raw, ingest)
    acc.warnings.extend(notes)
    acc.accepted = len(raw)
    acc.structured_only = int(raw["structured_only"].sum())
    if not acc.balanced:   # a programming error, never a user error
        raise AssertionError(f"row accounting does not add up: {acc.summary()}")
    return IngestResult(raw, acc)

