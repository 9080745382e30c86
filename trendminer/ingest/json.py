"""Read JSON (a list of ticket objects, or an object holding one such list) and JSON Lines.

Nested objects are flattened with dots (``satisfaction_rating.score``), lists joined with
``;``, and Zendesk-style ``custom_fields`` lists become ``custom_fields.<id>`` columns.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import JSON_NOT_RECORDS, JSON_SYNTAX, JSON_TOO_DEEP, InputError
from .table import Table


def _flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        elif isinstance(value, list) and value and all(
                isinstance(v, Mapping) and "id" in v and "value" in v for v in value):
            for item in value:   # Zendesk custom_fields: [{"id": 360001, "value": "SAP"}]
                out[f"{name}.{item['id']}"] = "" if item["value"] is None else str(item["value"])
        elif isinstance(value, list):
            out[name] = ";".join(json.dumps(v) if isinstance(v, (dict, list)) else str(v)
                                 for v in value if v is not None)
        elif value is None:
            out[name] = ""
        elif isinstance(value, bool):
            out[name] = str(value).lower()
        elif isinstance(value, float) and value.is_integer():
            out[name] = str(int(value))   # 7.0 is the number 7, as a CSV export would write it
        else:
            out[name] = str(value)
    return out


#: JSON nested deeper than this fails in Python's parser (its recursion limit); no export nests so
MAX_DEPTH = 900

#: a "\ud800" escape with no partner decodes to half a character that no UTF-8 store accepts
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _records_table(path: Path, records: list[dict[str, str]], fmt: str,
                   rejected: list[tuple[int, str]] | None = None) -> Table:
    replaced = 0
    for i, record in enumerate(records):
        if any(_LONE_SURROGATE.search(key) for key in record):   # in a column name too
            fixed = {}
            for key, value in record.items():
                new, n = _LONE_SURROGATE.subn("\ufffd", key)
                fixed[new], replaced = value, replaced + n
            records[i] = record = fixed
        for key, value in record.items():
            if _LONE_SURROGATE.search(value):
                record[key], n = _LONE_SURROGATE.subn("\ufffd", value)
                replaced += n
    frame = pd.DataFrame.from_records(records).fillna("").astype(str) if records else pd.DataFrame()
    notes = [f"{path}: {replaced} broken \\u escapes (half of a character pair) were replaced "
             "by \ufffd"] if replaced else []
    return Table(frame, fmt, replaced=replaced, rejected=rejected or [], notes=notes)


def read_json(path: Path, text: str) -> Table:
    """Parse a JSON export; a file of one object per line is read as JSON Lines."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise InputError(JSON_TOO_DEEP.format(file=path, where="", depth=MAX_DEPTH)) from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and exc.lineno > 1:
            table = read_jsonl(path, text)
            table.notes.append(f"{path}: holds one JSON object per line; read as JSON Lines")
            return table
        raise InputError(JSON_SYNTAX.format(file=path, line=exc.lineno, col=exc.colno,
                                            msg=exc.msg)) from None
    if isinstance(data, dict):
        lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(lists) == 1:   # e.g. Zendesk {"tickets": [...], "next_page": ...}
            data = data[lists[0]]
    if not isinstance(data, list):
        raise InputError(JSON_NOT_RECORDS.format(file=path, found=_kind(data)))
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError(JSON_NOT_RECORDS.format(
                file=path, found=f"a list whose item {i + 1} is {_kind(item)}"))
    try:
        records = [_flatten(r) for r in data]
    except RecursionError:
        raise InputError(JSON_TOO_DEEP.format(file=path, where="", depth=MAX_DEPTH)) from None
    return _records_table(path, records, "json")


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return f"an object with keys {', '.join(list(value)[:8]) or '(none)'}"
    return {list: "a list", str: "a string", int: "a number", float: "a number",
            bool: "true/false", type(None): "null"}.get(type(value), type(value).__name__)


def read_jsonl(path: Path, text: str) -> Table:
    """Parse JSON Lines; bad lines are returned as rejected ``(line, reason)``."""
    records: list[dict[str, str]] = []
    rejected: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                rejected.append((number, f"line holds {_kind(item)}, not a ticket object"))
                continue
            records.append(_flatten(item))
        except json.JSONDecodeError as exc:
            rejected.append((number, f"line is not valid JSON ({exc.msg} at column {exc.colno})"))
        except RecursionError:   # one damaged line, not the whole file
            rejected.append((number, f"line is nested deeper than {MAX_DEPTH} levels (damaged, not a ticket)"))
    if not records and rejected:
        raise InputError(JSON_SYNTAX.format(file=path, line=rejected[0][0], col=1,
                                            msg=rejected[0][1]))
    return _records_table(path, records, "jsonl", rejected)

