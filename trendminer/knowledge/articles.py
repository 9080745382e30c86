"""Reading knowledge-base exports: ServiceNow ``kb_knowledge`` lists, Zendesk Help Center
articles, Confluence page exports and a generic CSV, onto one ``Articles`` frame.

The format is detected from the file (like the ticket presets) and every input row is
accounted for: accepted, merged as a duplicate (the newest update wins), not published
(drafts and retired articles are kept out of the coverage) or rejected with a reason.
HTML bodies are turned into text and personal data is redacted before anything is embedded.
This module and :mod:`trendminer.ingest` are the only readers of input files.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..clean import clean_text, embed_text, redact, text_hash
from ..errors import JSON_TOO_DEEP, KB_NOT_XLSX, KB_UNREADABLE, InputError
from ..ingest.dates import iso_dates
from ..ingest.side_rows import SideRows

ARTICLE_COLUMNS = ["article_id", "title", "body", "url", "category", "state", "published",
                   "updated_at", "views", "text", "text_hash", "source_file", "source_row"]

# format -> canonical column -> candidate source columns (first present wins)
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "servicenow_kb": {"article_id": ("number",), "title": ("short_description",), "body": ("text", "wiki"),
                      "category": ("kb_category",), "state": ("workflow_state",),
                      "updated_at": ("sys_updated_on", "published"), "views": ("sys_view_count", "view_count"),
                      "url": ("url",)},
    "zendesk_hc": {"article_id": ("id",), "title": ("title", "name"), "body": ("body",),
                   "category": ("section_id", "section"), "state": ("draft",), "updated_at": ("updated_at", "edited_at"),
                   "views": ("view_count",), "url": ("html_url", "url")},
    "generic": {"article_id": ("id",), "title": ("title",), "body": ("body",), "url": ("url",),
                "updated_at": ("updated",), "category": ("category",), "state": ("state",), "views": ("views",)},
}
PUBLISHED = {"", "published", "false", "0", "current", "live"}   # workflow_state / draft values that count
HOW_TO_ADD = ("Add a knowledge-base export with --kb FILE or [knowledge] articles = \"FILE\": a ServiceNow "
              "kb_knowledge list (CSV/XLSX), Zendesk Help Center articles JSON, a Confluence HTML or "
              "storage-XML export folder, or a CSV with id,title,body[,url,updated].")


@dataclass
class KbAccounting(SideRows):
    """Where every row of the knowledge export went (``not_published``: accepted drafts and retired ones)."""

    not_published: int = 0
    sha256: str = ""

    def describe(self) -> dict:
        """Plain values for the run manifest."""
        out = {**super().describe(), "sha256": self.sha256, "not_published": self.not_published}
        del out["rejections"]
        return out

    def summary(self) -> str:
        return (f"{self.rows} article rows: {self.accepted} accepted ({self.accepted - self.not_published} "
                f"published), {self.duplicates} duplicate, {self.rejected} rejected")


def detect_format(path: Path) -> str:
    """``servicenow_kb`` | ``zendesk_hc`` | ``confluence`` | ``generic`` from the file itself.

    Raises
    ------
    InputError
        When the file matches no known knowledge-base export.
    """
    if path.is_dir():
        return "confluence"
    if path.suffix.lower() == ".json":
        return "zendesk_hc"
    columns = set(_read_table(path, nrows=0).columns)
    if {"number", "short_description"} <= columns:
        return "servicenow_kb"
    if {"id", "title", "body"} <= columns:
        return "generic"
    raise InputError(f"{path}: not a knowledge-base export I know (header: {', '.join(sorted(columns)[:12])}). "
                     + HOW_TO_ADD)


def _read_table(path: Path, nrows: int | None = None) -> pd.DataFrame:
    import zipfile

    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            try:
                return pd.read_excel(path, dtype=str, nrows=nrows).fillna("")
            except (KeyError, zipfile.BadZipFile) as exc:   # a zip (or no zip) without a workbook in it
                raise InputError(KB_UNREADABLE.format(
                    file=path, reason=KB_NOT_XLSX if isinstance(exc, KeyError) else f"not an Excel workbook ({exc})",
                    fix="open it in Excel and save it again as .xlsx, or export the articles as CSV")) from None
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return pd.read_csv(path, dtype=str, keep_default_na=False, nrows=nrows, encoding=encoding)
            except UnicodeDecodeError:
                continue
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot read the knowledge-base export: {exc}") from exc
    raise InputError(f"{path}: neither UTF-8 nor cp1252; save the knowledge export as UTF-8.")


def _zendesk_rows(path: Path) -> pd.DataFrame:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not readable as JSON ({exc}). " + HOW_TO_ADD) from exc
    except RecursionError:
        raise InputError(JSON_TOO_DEEP.format(file=path, where="", depth=900)) from None
    items = doc.get("articles") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError(f"{path}: expected a Zendesk Help Center export, {{\"articles\": [...]}} or a list of "
                         "articles with title and body.")
    return pd.DataFrame([{k: "" if v is None else str(v) for k, v in item.items()} for item in items], dtype=str)


_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)
_MAIN = re.compile(r'<div[^>]+id="main-content"[^>]*>(.*)', re.S | re.I)


def _confluence_rows(folder: Path) -> pd.DataFrame:
    """One row per page of a Confluence HTML export (or storage-format .xml pages)."""
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".html", ".htm", ".xml")
                   and p.name.lower() != "index.html")
    if not files:
        raise InputError(f"{folder}: no .html or .xml pages in this folder. " + HOW_TO_ADD)
    rows = []
    for page in files:
        raw = page.read_text(encoding="utf-8", errors="replace")
        title = _TITLE.search(raw)
        main = _MAIN.search(raw)
        name = title.group(1).split(" : ", 1)[-1].strip() if title else page.stem.replace("_", " ")
        rows.append({"id": page.stem, "title": name, "body": main.group(1) if main else raw,
                     "url": str(page.relative_to(folder)), "updated": "",
                     "mtime": ""})
    return pd.DataFrame(rows, dtype=str)


def _sha256(path: Path) -> str:
    """sha256 of the export (of its pages' bytes in name order, for a folder)."""
    digest = hashlib.sha256()
    for part in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
        digest.update(part.read_bytes())
    return digest.hexdigest()


def _pick(frame: pd.DataFrame, candidates: tuple[str, ...]) -> pd.Series:
    for name in candidates:
        if name in frame.columns:
            return frame[name].fillna("").astype(str)
    return pd.Series([""] * len(frame), index=frame.index, dtype=str)


def read_articles(path: str | Path, *, max_chars: int = 600) -> tuple[pd.DataFrame, KbAccounting]:
    """Read one knowledge-base export into an ``Articles`` frame (columns ``ARTICLE_COLUMNS``).

    Parameters
    ----------
    path : path
        A file, or a folder for a Confluence export.
    max_chars : int
        How much of title + body is embedded.

    Returns
    -------
    (Articles, KbAccounting)
        Accepted articles, newest version of each id; ``published`` says which count as coverage.

    Raises
    ------
    InputError
        Missing file, unknown format, a missing title column, or no usable article at all.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: knowledge-base export not found. " + HOW_TO_ADD)
    fmt = detect_format(path)
    if fmt == "confluence":
        raw, preset = _confluence_rows(path), PRESETS["generic"]
    elif fmt == "zendesk_hc":
        raw, preset = _zendesk_rows(path), PRESETS["zendesk_hc"]
    else:
        raw, preset = _read_table(path), PRESETS[fmt]
    acc = KbAccounting(rows=len(raw), source=str(path), format=fmt, sha256=_sha256(path))
    if not any(c in raw.columns for c in preset["title"]):
        raise InputError(f"{path}: no title column (looked for {', '.join(preset['title'])}).")
    frame = pd.DataFrame({key: _pick(raw, cols) for key, cols in preset.items()})
    frame["source_row"] = range(1, len(frame) + 1)
    frame["source_file"] = str(path)
    try:
        updated = pd.to_datetime(frame["updated_at"].str.replace("Z", "", regex=False).replace("", None),
                                 errors="coerce", utc=False)
    except ValueError:   # offsets mixed with local times: as in ticket exports, offsets converted to UTC
        updated = iso_dates(frame["updated_at"].str.strip(), "UTC")
    if getattr(updated.dt, "tz", None) is not None:   # all with offsets: one time zone, made naive
        updated = updated.dt.tz_convert("UTC").dt.tz_localize(None)
    bad_date = updated.isna() & frame["updated_at"].ne("")
    # Titles are one-line plain text (as for tickets): markup in them is shown as typed, not parsed.
    # Articles name people and quote passwords too: full names (by the given-name gazetteer),
    # credentials, IBANs and ids are redacted like ticket text.
    frame["title"] = frame["title"].map(lambda t: " ".join(redact(html.unescape(t) if fmt == "confluence" else t,
                                                                  others=True).split()))
    frame["body"] = frame["body"].map(lambda b: redact(clean_text(b), others=True))
    empty = frame["title"].eq("") & frame["body"].eq("")
    no_id = frame["article_id"].str.strip().eq("")
    for mask, column, reason in ((no_id, preset["article_id"][0], "no article id"),
                                 (empty, preset["title"][0], "no title and no text"),
                                 (bad_date & ~no_id & ~empty, preset["updated_at"][0], "unreadable date")):
        for row, value in zip(frame.loc[mask, "source_row"], frame.loc[mask, "updated_at"]):
            acc.examples.append(f"{path.name} row {row}, column {column}: {reason}"
                                + (f" ({value!r})" if reason == "unreadable date" else ""))
    keep = ~(no_id | empty | bad_date)
    acc.rejected = int((~keep).sum())
    frame = frame[keep].assign(updated_at=updated[keep])
    frame = frame.sort_values(["article_id", "updated_at", "source_row"], na_position="first", kind="stable")
    deduped = frame.drop_duplicates("article_id", keep="last")
    acc.duplicates = len(frame) - len(deduped)
    frame = deduped.sort_values("source_row", kind="stable").reset_index(drop=True)
    frame["state"] = frame["state"].str.strip().str.lower()
    frame["published"] = frame["state"].isin(PUBLISHED)
    frame["views"] = pd.to_numeric(frame["views"], errors="coerce")
    frame["text"] = [embed_text(t, b, max_chars) for t, b in zip(frame["title"], frame["body"])]
    frame["text_hash"] = frame["text"].map(text_hash)
    acc.accepted = len(frame)
    acc.not_published = int((~frame["published"]).sum())
    if not acc.accepted:
        raise InputError(f"{path}: no usable article ({acc.summary()}). " + "; ".join(acc.examples[:3]))
    return frame[ARTICLE_COLUMNS], acc


def no_articles() -> pd.DataFrame:
    """An empty ``Articles`` frame (a run without a knowledge-base export)."""
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "updated_at" else object)
                         for c in ARTICLE_COLUMNS})
