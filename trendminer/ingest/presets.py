"""Presets: how the exports of ServiceNow, Jira Service Management and Zendesk map onto the
canonical ticket fields, and how to tell them apart from their headers.

A preset lists, per canonical field, the source columns that may hold it (the first one
present wins; names are compared case- and separator-insensitively, so ServiceNow's field
names ``short_description`` and its list labels ``Short description`` both match). The
``generic`` preset is the config's ``ingest.columns`` map, taken literally.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..config import default_dict
from ..errors import DUPLICATE_COLUMN, UNKNOWN_PRESET, InputError

#: extra raw fields some presets fill (kept in ``raw``; not part of the cleaned contract)
EXTRA_FIELDS = ("subcategory", "csat", "csat_comment", "channel", "resolution", "made_sla", "first_response_at",
                "first_response_min", "kind_type", "kind_subtype")


@dataclass(frozen=True)
class Preset:
    """How one tool's export maps onto the canonical fields.

    Attributes
    ----------
    name, label : str
        Config name (``ingest.preset``) and display name.
    signature : tuple of str
        Columns that must all be present for auto-detection.
    columns : mapping of str to tuple of str
        Canonical or extra field -> candidate source columns, first present wins.
    rename : mapping
        Columns renamed first (to repair known header defects).
    missing : tuple of str
        Values that mean "no value" in this export (e.g. ``?``).
    version : str
        Column whose maximum marks a ticket's last event (event logs); ``""`` if none.
    title_from : tuple of str
        For exports without free text: the title is built from these code columns and the
        ticket is flagged ``structured_only``.
    multi : tuple of str
        Columns the tool repeats for several values; their copies are joined with ``;``.
    """

    name: str
    label: str
    signature: tuple[str, ...]
    columns: Mapping[str, tuple[str, ...]]
    rename: Mapping[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    version: str = ""
    title_from: tuple[str, ...] = ()
    multi: tuple[str, ...] = ()


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("servicenow_events", "ServiceNow incident event log",
           ("number", "sys_mod_count", "incident_state", "sys_updated_at"),
           {"ticket_id": ("number",), "opened_at": ("opened_at",),
            "resolved_at": ("resolved_at", "closed_at"), "updated_at": ("sys_updated_at",),
            "title": ("short_description",), "description": ("description",),
            "system": ("cmdb_ci", "business_service"), "category": ("category",),
            "subcategory": ("subcategory",), "priority": ("priority",),
            "state": ("incident_state", "state"), "caller": ("caller_id",),
            "assignment_group": ("assignment_group",), "reopen_count": ("reopen_count",),
            "reassignment_count": ("reassignment_count",), "channel": ("contact_type",),
            "resolution": ("close_notes",), "made_sla": ("made_sla",)},
           rename={"ident_state": "incident_state", "category.1": "subcategory"},
           missing=("?",), version="sys_mod_count",
           title_from=("category", "subcategory", "u_symptom")),
    Preset("servicenow", "ServiceNow incident list",
           ("number", "short_description", "opened_at"),
           {"ticket_id": ("number",), "opened_at": ("opened_at", "opened"),
            "resolved_at": ("resolved_at", "resolved", "closed_at", "closed"),
            "updated_at": ("sys_updated_on", "updated", "sys_updated_at"),
            "title": ("short_description",), "description": ("description",),
            "system": ("cmdb_ci", "configuration_item", "business_service", "service"),
            "category": ("category",), "subcategory": ("subcategory",),
            "priority": ("priority",), "state": ("state", "incident_state"),
            "caller": ("caller_id", "caller", "caller_id.name"),
            "assignment_group": ("assignment_group",), "reopen_count": ("reopen_count",),
            "reassignment_count": ("reassignment_count",),
            "csat": ("u_satisfaction", "satisfaction", "survey_score", "u_csat"),
            "csat_comment": ("u_satisfaction_comment", "survey_comment", "u_survey_comment"),
            "channel": ("contact_type", "channel"),
            "resolution": ("close_notes", "resolution_notes", "u_resolution_notes"),
            "made_sla": ("made_sla", "u_made_sla"),
            "first_response_at": ("u_first_response", "first_response", "u_first_response_at"),
            "kind_type": ("sys_class_name", "u_type", "u_ticket_type", "ticket_type", "type")},
           rename={"opened": "opened_at"}),
    Preset("jira", "Jira Service Management CSV",
           ("issue_key", "summary", "created"),
           {"ticket_id": ("issue_key",), "opened_at": ("created",), "resolved_at": ("resolved",),
            "updated_at": ("updated",), "title": ("summary",), "description": ("description",),
            "system": ("component/s", "components", "custom_field_(affected_service)"),
            "category": ("custom_field_(request_type)", "request_type",
                         "customer_request_type", "issue_type"),
            "priority": ("priority",), "state": ("status",), "caller": ("reporter",),
            "assignment_group": ("custom_field_(team)", "team"),
            "csat": ("satisfaction_rating", "custom_field_(satisfaction_rating)", "satisfaction",
                     "custom_field_(satisfaction)"),
            "csat_comment": ("satisfaction_comment", "custom_field_(satisfaction_comment)"),
            "channel": ("custom_field_(source)", "source"),
            "resolution": ("custom_field_(resolution_notes)", "resolution_notes", "comment"),
            "first_response_min": ("custom_field_(time_to_first_response)", "time_to_first_response"),
            "kind_type": ("issue_type",),
            "kind_subtype": ("custom_field_(request_type)", "request_type", "customer_request_type")},
           multi=("Component/s", "Labels")),
    Preset("zendesk", "Zendesk tickets (JSON / JSON Lines)",
           ("id", "subject", "created_at", "status"),
           {"ticket_id": ("id",), "opened_at": ("created_at",),
            "resolved_at": ("solved_at", "metric_set.solved_at"), "updated_at": ("updated_at",),
            "title": ("subject", "raw_subject"), "description": ("description",),
            "system": ("system", "product"), "category": ("type", "ticket_type"),
            "priority": ("priority",), "state": ("status",),
            "caller": ("requester.name", "requester_name", "requester_id"),
            "assignment_group": ("group.name", "group_name", "group_id"),
            "reopen_count": ("metric_set.reopens",),
            "reassignment_count": ("metric_set.group_stations",),
            "csat": ("satisfaction_rating.score",), "csat_comment": ("satisfaction_rating.comment",),
            "channel": ("via.channel",),
            "resolution": ("last_public_agent_comment", "last_public_comment.body", "resolution"),
            "first_response_min": ("metric_set.reply_time_in_minutes.calendar", "reply_time_in_minutes",
                                   "reply_time"),
            "kind_type": ("type", "ticket_type")}),
)}
NAMES = ("auto", "generic", *PRESETS)


def norm(name: str) -> str:
    """Compare column names ignoring case, spaces and underscores.

    Examples
    --------
    >>> norm("Short description") == norm("short_description")
    True
    """
    return re.sub(r"[\s_]+", "_", str(name).strip().lower())


@dataclass
class Choice:
    """The preset used for one file and why."""

    preset: Preset | None   # None = generic column map
    reason: str

    @property
    def name(self) -> str:
        return self.preset.name if self.preset else "generic"


def choose(frame_columns: list[str], settings_ingest: Mapping[str, Any]) -> Choice:
    """Pick the preset for a file from its header (or the forced ``ingest.preset``).

    Examples
    --------
    >>> choose(["Issue key", "Summary", "Created", "Status"], {"preset": "auto",
    ...        "columns": default_dict()["ingest"]["columns"]}).name
    'jira'
    """
    wanted = str(settings_ingest.get("preset", "auto"))
    if wanted not in NAMES:
        raise InputError(UNKNOWN_PRESET.format(preset=wanted, known=", ".join(NAMES)))
    if wanted == "generic":
        return Choice(None, "ingest.preset = \"generic\": the ingest.columns map")
    if wanted != "auto":
        return Choice(PRESETS[wanted], f"ingest.preset = {wanted!r}")
    present = {norm(c) for c in frame_columns}
    columns = settings_ingest["columns"]
    custom = dict(columns) != default_dict()["ingest"]["columns"]
    if custom and columns["ticket_id"] in frame_columns and columns["opened_at"] in frame_columns:
        return Choice(None, "your ingest.columns map fits the file's header")
    scored = []
    for preset in PRESETS.values():
        renamed = present | {norm(v) for k, v in preset.rename.items() if norm(k) in present}
        hits = [s for s in preset.signature if s in renamed]
        scored.append((len(hits) == len(preset.signature), len(hits), preset, hits))
    full = [s for s in scored if s[0]]
    if full:
        _, _, preset, hits = max(full, key=lambda s: s[1])
        return Choice(preset, f"its header has {', '.join(hits)}")
    best = max(scored, key=lambda s: s[1])
    near = (f"; closest preset: {best[2].name} ({best[1]} of {len(best[2].signature)} "
            f"signature columns)") if best[1] else ""
    return Choice(None, "no preset's signature columns are all present, so the ingest.columns "
                        f"map is used{near}")


#: a value made only of these is blank: white space, format characters (zero-width space and
#: joiners, word joiner, BOM, soft hyphen, direction marks) and the fillers that render as nothing
_INVISIBLE = (r"^[\s\p{Z}\p{Cf}\x{0B}\x{1C}-\x{1F}\x{85}\x{034F}\x{115F}\x{1160}\x{180E}"
              r"\x{2800}\x{3164}\x{FFA0}]*$")


def is_blank(values: pd.Series) -> pd.Series:
    """True where a string is empty or only white space or invisible characters (zero-width
    space, word joiner, BOM ...); no copy of the strings is made.

    Examples
    --------
    >>> is_blank(pd.Series(["", " \t", "x", "\u200b\u2060", "\ufeff x"])).tolist()
    [True, True, False, True, False]
    """
    arr = pa.array(values.astype(str), type=pa.large_string())
    blank = pc.or_(pc.utf8_is_space(arr),   # Python's str.isspace set, the common case
                   pc.match_substring_regex(arr, _INVISIBLE))
    return pd.Series(blank.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def used_columns(header: list[str], choice: Choice, columns: Mapping[str, str]) -> list[str]:
    """The columns of ``header`` that :func:`apply` may read; the others need not be parsed
    (exports often carry long journal fields, such as work notes, that nothing here uses).

    Examples
    --------
    >>> used_columns(["number", "short_description", "work_notes", "Labels.1"],
    ...              choose(["number", "short_description", "opened_at"], {"preset": "auto",
    ...                     "columns": default_dict()["ingest"]["columns"]}),
    ...              default_dict()["ingest"]["columns"])
    ['number', 'short_description']
    """
    wanted = {norm(c) for c in columns.values() if c}
    preset = choice.preset
    if preset is not None:
        wanted |= {norm(c) for candidates in preset.columns.values() for c in candidates}
        wanted |= {norm(c) for pair in preset.rename.items() for c in pair}
        wanted |= {norm(c) for c in (*preset.multi, *preset.title_from, preset.version) if c}
    return [h for h in header if norm(h) in wanted or norm(re.sub(r"\.\d+$", "", h)) in wanted]


def _lookup(frame: pd.DataFrame) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in frame.columns:
        out.setdefault(norm(col), col)
    return out


def apply(frame: pd.DataFrame, choice: Choice, columns: Mapping[str, str], file: str,
          duplicated: list[str]) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Map a file's frame onto the canonical fields (all still strings).

    Returns
    -------
    DataFrame, dict, list of str
        The canonical columns (plus ``_version`` and ``structured_only``), the source column
        used for each field, and notes.

    Raises
    ------
    InputError
        If a column the map uses occurs twice with different values.
    """
    preset, notes = choice.preset, []
    if preset is not None:
        have = _lookup(frame)
        renames = {have[norm(old)]: new for old, new in preset.rename.items()
                   if norm(old) in have and norm(new) not in have}
        frame = frame.rename(columns=renames)
        if renames:
            notes.append(f"{file}: renamed columns {renames} ({preset.label} header repair)")
        for name in preset.multi:
            copies = [c for c in frame.columns if c == name or re.fullmatch(
                re.escape(name) + r"\.\d+", c)]
            if len(copies) > 1:
                joined = frame[copies].apply(lambda r: ";".join(v for v in r if v), axis=1)
                frame = frame.drop(columns=copies[1:]).assign(**{name: joined})
                duplicated = [d for d in duplicated if d != name]
        if preset.missing:
            frame = frame.replace(dict.fromkeys(preset.missing, ""))
        have = _lookup(frame)
        source = {key: next((have[norm(c)] for c in cands if norm(c) in have), "")
                  for key, cands in preset.columns.items()}
        for key, col in columns.items():   # fields the preset does not know: the config map
            source.setdefault(key, col if col in frame.columns else "")
    else:
        source = {key: (col if col in frame.columns else "") for key, col in columns.items()}
    for key, col in source.items():
        if col in duplicated and f"{col}.1" in frame.columns:
            if not frame[col].equals(frame[f"{col}.1"]):
                raise InputError(DUPLICATE_COLUMN.format(
                    file=file, column=col, key=key, what=key.replace("_", " "),
                    count=1 + sum(c.startswith(f"{col}.") for c in frame.columns)))
            notes.append(f"{file}: column {col!r} occurs twice with equal values; the first is used")
    out = pd.DataFrame({key: frame[col] if col else "" for key, col in source.items()},
                       index=frame.index)
    for key in (*columns, *EXTRA_FIELDS):
        if key not in out.columns:
            out[key] = ""
    out["_version"] = (pd.to_numeric(frame[preset.version], errors="coerce")
                       if preset and preset.version in frame.columns else float("nan"))
    out["structured_only"] = False
    if preset is not None and preset.title_from:
        codes = [c for c in preset.title_from if c in frame.columns]
        no_text = is_blank(out["title"]) & is_blank(out["description"])
        if codes and no_text.any():
            parts = [(c.replace("u_", "") + " " + frame[c]).where(frame[c].ne(""), "")
                     for c in codes]
            built = parts[0].str.cat(parts[1:], sep=" / ").str.replace(
                r"^(?: / )+|(?: / )+$", "", regex=True).str.replace(r"(?: / ){2,}", " / ", regex=True)
            built = built.where(built.str.strip().ne(""), "(no category codes)")
            out.loc[no_text, "title"] = built[no_text]
            out.loc[no_text, "structured_only"] = True
            notes.append(f"{file}: {int(no_text.sum())} rows have no free text; titles were built "
                         f"from the codes in {codes} (structured only, weak for topics)")
    return out, {k: v for k, v in source.items() if v}, notes
