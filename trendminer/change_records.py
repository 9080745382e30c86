"""Change records beside the tickets: ServiceNow ``change_request`` exports, Jira releases (fix
versions) or a CSV ``id,system,start,end,title``, onto one ``ChangeRecords`` frame.

Read like a knowledge-base export (:mod:`trendminer.knowledge.articles`): the format is
detected from the header, every input row is accounted for (accepted, duplicate of an earlier
row of the same change -- the newest update wins -- or rejected with file, row, column and
reason) and each change is tied to one catalogue system, so a failure step can name the
change that probably caused it (:func:`changes_near`).

Columns of the frame: ``change_id``, ``system``, ``start``, ``end``, ``title``,
``source_file``, ``source_row``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .catalogue import Catalogue
from .ingest.side_rows import SideRows
from .errors import InputError

CHANGE_COLUMNS = ["change_id", "system", "start", "end", "title", "source_file", "source_row"]

# format -> canonical column -> candidate source columns (first present wins)
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "servicenow_change": {"change_id": ("number",), "title": ("short_description",),
                          "system": ("cmdb_ci", "business_service", "u_application"),
                          "start": ("start_date", "work_start", "opened_at"),
                          "end": ("end_date", "work_end", "closed_at"), "updated": ("sys_updated_on",)},
    "jira_versions": {"change_id": ("id", "Version ID", "versionId"), "title": ("name", "Version", "Fix Version"),
                      "system": ("project", "Project", "projectKey", "Project key"),
                      "start": ("releaseDate", "Release Date", "Release date", "startDate", "Start Date"),
                      "end": ("releaseDate", "Release Date", "Release date"), "updated": ()},
    "generic": {"change_id": ("id",), "title": ("title",), "system": ("system",), "start": ("start",),
                "end": ("end",), "updated": ("updated",)},
}
HOW_TO_ADD = ("Add change records with --changes FILE or [changes] file = \"FILE\": a ServiceNow change_request "
              "list export (CSV/XLSX), Jira project versions (JSON from /rest/api/2/project/KEY/versions, or a "
              "CSV with Project, Version, Release Date), or a CSV with id,system,start,end,title.")


class ChangeAccounting(SideRows):
    """Where every row of the change export went."""

    noun = "change rows"


def no_changes() -> pd.DataFrame:
    """An empty ``ChangeRecords`` frame (a run without change records)."""
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in ("start", "end") else object)
                         for c in CHANGE_COLUMNS})


def _read_rows(path: Path) -> tuple[pd.DataFrame, str]:
    """The raw rows as strings and the detected format."""
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not readable as JSON ({exc}). " + HOW_TO_ADD) from exc
        items = doc.get("values", doc.get("versions")) if isinstance(doc, dict) else doc
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError(f"{path}: expected a list of Jira versions (objects with name and releaseDate). "
                             + HOW_TO_ADD)
        return pd.DataFrame([{k: "" if v is None else str(v) for k, v in i.items()} for i in items],
                            dtype=str), "jira_versions"
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pd.read_excel(path, dtype=str).fillna("")
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot read the change export: {exc}") from exc
    columns = set(raw.columns)
    if {"number", "short_description"} <= columns:
        return raw, "servicenow_change"
    if {"id", "system", "start", "title"} <= columns:
        return raw, "generic"
    if columns & {"Version", "Fix Version", "name"} and columns & {"Release Date", "Release date", "releaseDate"}:
        return raw, "jira_versions"
    raise InputError(f"{path}: not a change export I know (header: {', '.join(sorted(columns)[:12])}). " + HOW_TO_ADD)


def _pick(frame: pd.DataFrame, candidates: tuple[str, ...]) -> tuple[pd.Series, str]:
    for name in candidates:
        if name in frame.columns:
            return frame[name].fillna("").astype(str).str.strip(), name
    return pd.Series([""] * len(frame), index=frame.index, dtype=str), (candidates[0] if candidates else "")


def system_of(value: str, title: str, catalogue: Catalogue) -> str:
    """The catalogue system a change is about: its system field (a name or alias), else the first
    name or alias its title holds as a word; ``""`` when neither names one.

    Examples
    --------
    >>> cat = Catalogue(pd.DataFrame({"name": ["SAP ERP"], "aliases": [["SAP", "S/4"]]}))
    >>> system_of("sap", "", cat), system_of("", "S/4 FPS01 upgrade", cat), system_of("HR", "x", cat)
    ('SAP ERP', 'SAP ERP', '')
    """
    terms = catalogue.terms()
    if value.lower() in terms:
        return terms[value.lower()]
    padded = f" {' '.join(title.lower().replace(':', ' ').split())} "
    for term in sorted(terms, key=len, reverse=True):   # longest first: "SAP Concur" before "SAP"
        if term and f" {term} " in padded:
            return terms[term]
    return ""


def read_changes(path: str | Path, catalogue: Catalogue) -> tuple[pd.DataFrame, ChangeAccounting]:
    """Read one change export into a ``ChangeRecords`` frame (columns :data:`CHANGE_COLUMNS`).

    Parameters
    ----------
    path : path
        ServiceNow ``change_request`` CSV/XLSX, Jira versions JSON or CSV, or a generic CSV.
    catalogue : Catalogue
        Each change is tied to one of its systems (by name or alias, in the system field or
        the title); a change of no catalogued system is rejected with that reason.

    Returns
    -------
    (ChangeRecords, ChangeAccounting)
        Accepted changes, the newest version of each id, in file order; rows = accepted +
        duplicates + rejected.

    Raises
    ------
    InputError
        Missing file, unknown format, or no usable change at all.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: change export not found. " + HOW_TO_ADD)
    raw, fmt = _read_rows(path)
    preset = PRESETS[fmt]
    acc = ChangeAccounting(rows=len(raw), source=path.name, format=fmt)
    picked = {key: _pick(raw, cols) for key, cols in preset.items()}
    frame = pd.DataFrame({key: values for key, (values, _) in picked.items()})
    column = {key: name for key, (_, name) in picked.items()}
    frame["source_row"] = range(1, len(frame) + 1)
    frame["source_file"] = path.name

    def when(values: pd.Series) -> pd.Series:
        return pd.to_datetime(values.str.replace("Z", "", regex=False).replace("", None), errors="coerce", format="mixed")

    start, end, updated = when(frame["start"]), when(frame["end"]), when(frame["updated"])
    frame["system"] = [system_of(s, t, catalogue) for s, t in zip(frame["system"], frame["title"])]
    raw_system = picked["system"][0]
    checks = (
        (frame["change_id"].eq(""), "change_id", lambda v: "no change id"),
        (start.isna(), "start", lambda v: f"unreadable or missing date ({v!r})"),
        (frame["system"].eq(""), "system", lambda v: f"names no catalogued system ({v!r})"),
    )
    bad = pd.Series(False, index=frame.index)
    for mask, key, reason in checks:
        mask = mask & ~bad
        values = raw_system if key == "system" else frame[key]
        for row, value in zip(frame.loc[mask, "source_row"], values[mask]):
            acc.examples.append(f"{path.name} row {row}, column {column[key]}: {reason(value)}")
        bad |= mask
    acc.rejected = int(bad.sum())
    frame = frame.assign(start=start, end=end.fillna(start), updated=updated.fillna(start))[~bad]
    frame = frame.sort_values(["change_id", "updated", "source_row"], kind="stable")
    deduped = frame.drop_duplicates("change_id", keep="last")
    acc.duplicates = len(frame) - len(deduped)
    frame = deduped.sort_values("source_row", kind="stable").reset_index(drop=True)
    acc.accepted = len(frame)
    if not acc.accepted:
        raise InputError(f"{path}: no usable change record ({acc.summary()}). " + "; ".join(acc.examples[:3]))
    return frame[CHANGE_COLUMNS], acc


def changes_near(changes: pd.DataFrame, system: str, day: object, weeks: float = 2) -> pd.DataFrame:
    """The changes of ``system`` that started within ``weeks`` weeks either side of ``day``,
    nearest first.

    Examples
    --------
    >>> ch = pd.DataFrame({"change_id": ["C1", "C2", "C3"], "system": ["A", "A", "B"],
    ...                    "start": pd.to_datetime(["2026-09-14", "2026-06-01", "2026-09-14"]),
    ...                    "title": ["FPS01", "old", "other"]})
    >>> changes_near(ch, "A", "2026-09-13", weeks=2)["change_id"].tolist()
    ['C1']
    """
    if changes is None or not len(changes):
        return no_changes()
    day = pd.Timestamp(day)
    mine = changes[changes["system"] == system]
    distance = (mine["start"] - day).abs()
    near = mine[distance <= pd.Timedelta(weeks=weeks)]
    return near.assign(_d=distance[near.index]).sort_values(["_d", "change_id"]).drop(columns="_d")


def change_facts(changes: pd.DataFrame) -> list[dict]:
    """Plain facts of some changes (id, title, start as ISO date) for a rule's reasons."""
    return [{"id": str(r["change_id"]), "title": str(r["title"]), "start": str(pd.Timestamp(r["start"]).date())}
            for _, r in changes.iterrows()]


def load_changes(settings, catalogue: Catalogue,  # noqa: ANN001 - Settings
                 path: str | Path | None = None) -> tuple[pd.DataFrame | None, ChangeAccounting | None]:
    """The change records of ``path`` (or ``changes.file``); ``(None, None)`` without any.

    Raises
    ------
    InputError
        If the export cannot be read (see :func:`read_changes`).
    """
    import logging

    path = path or settings["changes"]["file"]
    if not path:
        return None, None
    frame, accounting = read_changes(path, catalogue)
    for example in accounting.examples:
        logging.getLogger(__name__).warning("change records: %s", example)
    return frame, accounting
