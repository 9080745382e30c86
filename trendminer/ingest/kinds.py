"""The kind an export states itself: failure, how-to question or request.

Help-desk tools often record what a ticket is: a ServiceNow request item (``RITM...``,
``sys_class_name = sc_req_item``) or incident, a ``u_type`` column, Jira's *Issue Type* and
*Request Type*, Zendesk's ``type`` (problem / incident / question / task). The presets read
those fields into ``kind_type`` (the tool's type) and ``kind_subtype`` (a finer request type),
a configured column into ``kind`` (``ingest.columns.kind``), and this module maps their values
onto a label:

- ``failure``, ``howto`` or ``request``: the export decides the ticket's kind;
- ``incident``: the export says "not a request" (an ITIL incident may still be a how-to
  question; the text decides between failure and how-to, see :mod:`trendminer.kind_source`);
- ``""``: the export does not say.

Values are matched by ``ingest.kind_values`` first (``"value=kind"`` entries, compared
case-insensitively), then by the built-in table, then by words in the value ("Report a
problem", "Request new hardware", "Ask a question").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ..errors import KIND_VALUE_BAD, ConfigError

LABELS = ("failure", "howto", "request", "incident")

#: exact values, lower case, as the tools write them
BUILT_IN: dict[str, str] = {
    # ServiceNow task classes and common u_type values
    "incident": "incident", "sc_req_item": "request", "sc_request": "request", "sc_task": "request",
    "requested item": "request", "request item": "request", "service request": "request",
    "problem": "failure", "change_request": "request", "change request": "request",
    # Jira issue types
    "bug": "failure", "fault": "failure", "outage": "failure", "defect": "failure",
    "service_request": "request", "service request with approvals": "request", "access": "request",
    "task": "request", "sub-task": "request", "new feature": "request", "change": "request",
    "question": "howto", "support": "", "it help": "", "get it help": "",
    # Zendesk types
    "ticket": "",
    # numeric codes with an explicit meaning are left to ingest.kind_values
}

_WORDS = (
    ("failure", re.compile(r"\b(incident|problem|bug|fault|outage|broken|not working|error|fix|report a|failure|defect)\b", re.I)),
    ("howto", re.compile(r"\b(question|how ?to|how do|ask|advice|inquiry|enquiry|information|guidance|help with)\b", re.I)),
    ("request", re.compile(r"\b(request|access|new|order|purchase|install|onboard\w*|offboard\w*|account|"
                           r"licen[cs]e|permission|password|reset|unlock|provision\w*|hardware|software)\b", re.I)),
)

#: ticket-number prefixes that name the ServiceNow table (RITM0012345)
_SERVICENOW_PREFIX = re.compile(r"^(RITM|REQ|SCTASK)\d", re.I)

def value_map(entries: Iterable[str]) -> dict[str, str]:
    """``ingest.kind_values`` as ``{value (lower case): label}``.

    Raises
    ------
    ConfigError
        For an entry without ``=`` or with an unknown kind.

    Examples
    --------
    >>> value_map(["Service Request=request", "0 = incident"])
    {'service request': 'request', '0': 'incident'}
    """
    out = {}
    for entry in entries:
        value, sep, kind = str(entry).rpartition("=")
        kind = kind.strip().lower()
        if not sep or not value.strip() or (kind and kind not in LABELS):
            raise ConfigError(KIND_VALUE_BAD.format(entry=entry))
        out[value.strip().lower()] = kind
    return out


def label_of(value: str, custom: Mapping[str, str]) -> str:
    """The label of one type value ("" when it says nothing about the kind).

    Examples
    --------
    >>> [label_of(v, {}) for v in ("Incident", "Question", "task", "Request new hardware", "Get IT help", "")]
    ['incident', 'howto', 'request', 'request', '', '']
    """
    key = " ".join(str(value).split()).lower()
    if not key:
        return ""
    if key in custom:
        return custom[key]
    if key in BUILT_IN:
        return BUILT_IN[key]
    hits = [kind for kind, words in _WORDS if words.search(key)]
    return hits[0] if len(hits) == 1 else ""


def export_kinds(raw: pd.DataFrame, ingest: Mapping[str, Any]) -> tuple[pd.Series, list[str]]:
    """Per row, the kind its export states (one of :data:`LABELS` or ""), and notes.

    Parameters
    ----------
    raw : DataFrame
        Canonical rows from the presets; reads ``kind`` (the configured column), then
        ``kind_subtype`` (Jira's request type), then ``kind_type`` (the tool's type), then a
        ServiceNow request-item number (``RITM``, ``REQ``, ``SCTASK``): the first that says
        something decides.
    ingest : mapping
        ``settings["ingest"]``; uses ``kind_values``.

    Returns
    -------
    Series, list of str
        The labels (index of ``raw``) and a note per column whose values mapped to no kind.

    Examples
    --------
    >>> raw = pd.DataFrame({"ticket_id": ["RITM1", "INC2", "3"], "kind_type": ["", "", "Question"]})
    >>> export_kinds(raw, {"kind_values": []})[0].tolist()
    ['request', '', 'howto']
    """
    custom = value_map(ingest.get("kind_values", []))
    labels = pd.Series("", index=raw.index, dtype=object)
    notes = []
    for column in ("kind", "kind_subtype", "kind_type"):
        if column not in raw:
            continue
        values = raw[column].fillna("").astype(str)
        mapped = values.map(lambda v: label_of(v, custom))
        unknown = values[(mapped == "") & values.str.strip().ne("")]
        if len(unknown):
            top = ", ".join(f"{v!r} ({n})" for v, n in unknown.value_counts().head(5).items())
            notes.append(f"ticket kind: {len(unknown)} rows have a {column.replace('_', ' ')} value that names no kind "
                         f"({top}); add \"value=kind\" entries to ingest.kind_values to use them")
        labels = labels.where(labels != "", mapped)
    if "ticket_id" in raw:
        prefix = raw["ticket_id"].astype(str).str.match(_SERVICENOW_PREFIX)
        labels = labels.where((labels != "") | ~prefix, "request")
    return labels, notes


__all__ = ["LABELS", "export_kinds", "label_of", "value_map"]
