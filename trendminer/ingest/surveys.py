"""Satisfaction surveys beside the tickets: a survey-result export joined on the ticket number.

``trendminer run export.csv --surveys survey_results.csv`` reads a ServiceNow survey-result
export (``asmt_metric_result`` / ``asmt_assessment_instance`` list, CSV or Excel) or any table
with a ticket-number column and a score and/or comment column, and gives each ticket its
rating (``csat``, 0..1: a 1-5 score, or good / bad) and the survey comment. Every row is
accounted for like an export row: joined to a ticket, merged into an earlier row of the same
ticket (one score and all comments are kept), for a ticket not in tonight's exports, or
rejected with its file, row and column.

The survey comment is the user's own words: it is cleaned and redacted like a description and
appended to the ticket's description (``Survey comment: ...``), so the irritation model, the
aim rules and the quotes read it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .presets import norm

TICKET_COLUMNS = ("trigger_id", "task_id", "task", "trigger", "source_id", "number", "ticket", "ticket_id",
                  "ticket_number", "incident", "issue_key", "id")
SCORE_COLUMNS = ("actual_value", "score", "rating", "satisfaction", "satisfaction_rating", "csat", "value",
                 "satisfaction_rating.score")
COMMENT_COLUMNS = ("comment", "comments", "string_value", "feedback", "answer", "satisfaction_rating.comment")
COMMENT_MARK = "Survey comment:"


@dataclass
class SurveyAccounting:
    """Where every survey row went: ``rows == joined + merged + unmatched + rejected``."""

    file: str
    rows: int = 0
    joined: int = 0
    merged: int = 0
    unmatched: int = 0
    rejected: int = 0
    examples: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the digest's warnings and the manifest.

        Examples
        --------
        >>> SurveyAccounting("s.csv", 5, 2, 1, 1, 1).summary()
        's.csv: 5 survey rows: 2 joined to tickets, 1 merged into an earlier row of the same ticket, 1 for tickets not in the exports, 1 rejected'
        """
        return (f"{self.file}: {self.rows} survey rows: {self.joined} joined to tickets, {self.merged} merged into "
                f"an earlier row of the same ticket, {self.unmatched} for tickets not in the exports, "
                f"{self.rejected} rejected")

    def describe(self) -> dict:
        return {"file": self.file, "rows": self.rows, "joined": self.joined, "merged": self.merged,
                "unmatched": self.unmatched, "rejected": self.rejected, "examples": self.examples[:10]}


def _pick(columns: Sequence[str], candidates: Sequence[str]) -> str:
    have = {norm(c): c for c in columns}
    return next((have[norm(c)] for c in candidates if norm(c) in have), "")


def read_surveys(path: str | Path) -> pd.DataFrame:
    """The survey export as a frame of strings (CSV, or Excel by suffix).

    Raises
    ------
    InputError
        A missing or unreadable file, or one without a ticket-number column or without
        both a score and a comment column (naming the columns it has).
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"Survey file {path} not found (--surveys).") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: not a readable survey export ({exc}).") from None
    ticket, score, comment = (_pick(frame.columns, c) for c in (TICKET_COLUMNS, SCORE_COLUMNS, COMMENT_COLUMNS))
    if not ticket or not (score or comment):
        raise InputError(
            f"{path}: a survey export needs a ticket-number column (one of {', '.join(TICKET_COLUMNS)}) and a score "
            f"column ({', '.join(SCORE_COLUMNS)}) or a comment column ({', '.join(COMMENT_COLUMNS)}); its columns "
            f"are {', '.join(map(repr, frame.columns))}.")
    return pd.DataFrame({"ticket_id": frame[ticket].str.strip(),
                         "score": frame[score] if score else "", "comment": frame[comment] if comment else "",
                         "row": range(1, len(frame) + 1)}).assign(
        score_column=score, comment_column=comment, ticket_column=ticket)


def survey_ratings(surveys: pd.DataFrame, ticket_ids: Sequence[str], file: str) -> tuple[pd.DataFrame, SurveyAccounting]:
    """One rating and comment per ticket of ``ticket_ids`` from the rows of :func:`read_surveys`.

    A row needs a ticket number and a readable score (1-5, or good / bad / satisfied ...) or a
    comment. A ticket rated twice keeps its last readable score and all its comments.

    Returns
    -------
    tuple of (DataFrame, SurveyAccounting)
        ``ticket_id``, ``csat`` (0..1, NaN when only commented), ``comment``.
    """
    from .exports import parse_csat

    acc = SurveyAccounting(file, rows=len(surveys))
    score = parse_csat(surveys["score"].astype(str)) if len(surveys) else pd.Series(dtype=float)
    written = surveys["score"].astype(str).str.strip().ne("")
    known = set(map(str, ticket_ids))
    kept: dict[str, dict] = {}
    for i, row in enumerate(surveys.itertuples(index=False)):
        tid, comment = str(row.ticket_id), str(row.comment).strip()
        where = f"{file}, row {row.row}"
        if not tid:
            acc.rejected += 1
            acc.examples.append(f"{where}, column {row.ticket_column!r}: no ticket number")
            continue
        if written.iloc[i] and np.isnan(score.iloc[i]) and not comment:
            acc.rejected += 1
            acc.examples.append(f"{where}, column {row.score_column!r}: {row.score!r} is not a 1-5 score or "
                                "good / bad")
            continue
        if not written.iloc[i] and not comment:
            acc.rejected += 1
            acc.examples.append(f"{where}: neither a score nor a comment")
            continue
        if tid not in known:
            acc.unmatched += 1
            continue
        entry = kept.get(tid)
        if entry is None:
            acc.joined += 1
            entry = kept[tid] = {"csat": np.nan, "comments": []}
        else:
            acc.merged += 1
        if not np.isnan(score.iloc[i]):
            entry["csat"] = float(score.iloc[i])
        if comment:
            entry["comments"].append(comment)
    frame = pd.DataFrame({"ticket_id": list(kept), "csat": [e["csat"] for e in kept.values()],
                          "comment": ["\n".join(e["comments"]) for e in kept.values()]})
    return frame, acc


def join_surveys(tickets: pd.DataFrame, ratings: pd.DataFrame, settings) -> pd.DataFrame:  # noqa: ANN001
    """A copy of the cleaned tickets with the survey ratings and comments joined in.

    The survey's rating replaces a ticket's ``csat`` (the survey is the newer answer); its comment,
    cleaned and redacted, is appended to the description and the embedding text is rebuilt.
    """
    from ..clean import clean_text, embed_text, redact, text_hash

    out = tickets.copy()
    if ratings.empty:
        return out
    by_id = ratings.set_index("ticket_id")
    hit = out["ticket_id"].isin(by_id.index)
    ids = out.loc[hit, "ticket_id"]
    new_csat = by_id.loc[ids, "csat"].to_numpy(dtype=float)
    old = out.loc[hit, "csat"].to_numpy(dtype=float)
    out.loc[hit, "csat"] = np.where(np.isnan(new_csat), old, new_csat)
    opts = settings["clean"]
    ids_patterns = tuple(opts["id_patterns"]) if opts["redact_ids"] else ()
    comments = [redact(clean_text(c), (), emails=opts["redact_emails"], phones=opts["redact_phones"],
                       ips=opts["redact_ips"], id_patterns=ids_patterns, others=opts["redact_other_names"]) if c else ""
                for c in by_id.loc[ids, "comment"]]
    descriptions = [f"{d}\n\n{COMMENT_MARK} {c}".strip() if c else d for d, c in zip(out.loc[hit, "description"], comments)]
    out.loc[hit, "description"] = descriptions
    max_chars = int(settings["embed"]["max_chars"])
    out.loc[hit, "text"] = [embed_text(t, d, max_chars) for t, d in zip(out.loc[hit, "title"], descriptions)]
    out.loc[hit, "text_hash"] = [text_hash(t) for t in out.loc[hit, "text"]]
    return out


def apply_surveys(tickets: pd.DataFrame, path: str | Path, settings) -> tuple[pd.DataFrame, SurveyAccounting]:  # noqa: ANN001
    """Read a survey export and join it into the cleaned tickets (the ``--surveys`` step).

    Raises
    ------
    InputError
        See :func:`read_surveys`.
    """
    ratings, acc = survey_ratings(read_surveys(path), tickets["ticket_id"].tolist(), str(path))
    return join_surveys(tickets, ratings, settings), acc


def join_survey_export(tickets: pd.DataFrame, accounting, path: str | Path | None,  # noqa: ANN001 - Accounting
                       settings) -> pd.DataFrame:  # noqa: ANN001
    """The nightly step: the tickets with ``path``'s surveys joined (unchanged without a path); the
    survey accounting goes into ``accounting.surveys`` and its summary and first rejections into
    ``accounting.warnings`` (the digest shows them).

    Raises
    ------
    InputError
        See :func:`read_surveys`.
    """
    if not path:
        return tickets
    joined, acc = apply_surveys(tickets, path, settings)
    accounting.surveys = acc.describe()
    accounting.warnings.extend([acc.summary(), *acc.examples[:5]])
    return joined


__all__ = ["COMMENT_MARK", "SurveyAccounting", "apply_surveys", "join_survey_export", "join_surveys", "read_surveys",
           "survey_ratings"]
