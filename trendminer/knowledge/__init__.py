"""Knowledge gaps, stale articles and self-service candidates (issue 15).

* :mod:`.articles` reads knowledge-base exports (the only file reader here);
* :mod:`.coverage` matches how-to / request topics to articles and classifies them;
* :mod:`.candidates` ranks what they would save and drafts outlines of missing articles;
* :mod:`.stage` is the stage :func:`knowledge` the pipeline calls;
* :mod:`.evaluation` measures the match on the sample's labelled set.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import Settings
from ..window import Window
from .articles import HOW_TO_ADD, KbAccounting, no_articles, read_articles
from .stage import Knowledge, Periods, knowledge, prevented_share


@dataclass
class KnowledgeRun:
    """The knowledge stage's result for one night, as the report and exports need it.

    ``frame`` follows ``schema.KNOWLEDGE``; ``accounting`` is None without a KB export.
    """

    frame: pd.DataFrame
    articles: pd.DataFrame
    accounting: KbAccounting | None
    threshold: float
    window_tickets: int
    prevented_share: float
    embedder: str = ""
    unmatched_articles: list[str] = field(default_factory=list)

    @property
    def has_kb(self) -> bool:
        return self.accounting is not None


def match_threshold(settings: Settings) -> float:
    """The measured match threshold of the configured embedding backend.

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> match_threshold(load_settings(overrides=["embed.backend=tfidf"]))
    0.4
    """
    return _per_backend(settings, "match_threshold")


def subject_margin(settings: Settings) -> float:
    """How close to an article's best topic another topic must be to use the article
    (:func:`trendminer.knowledge.coverage.on_subject`), for the configured backend.

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> subject_margin(load_settings(overrides=["embed.backend=tfidf"]))
    0.15
    """
    return _per_backend(settings, "subject_margin")


def _per_backend(settings: Settings, key: str) -> float:
    table = settings["knowledge"][key]
    backend = settings["embed"]["backend"]
    if backend not in table:
        from ..errors import ConfigError

        raise ConfigError(f"[knowledge.{key}] has no value for embed.backend = {backend!r}; "
                          "measure one with `trendminer eval knowledge` and add it.")
    return float(table[backend])


def periods(window: Window, settings: Settings, data_start: pd.Timestamp | None = None) -> Periods:
    """The stage's periods from the night's Window (``knowledge.recent_days`` for the rise).

    The earlier rate a rise is measured against starts at the lookback start or at the day of
    the oldest ticket, whichever is later: days before the history begins are not quiet days.
    """
    recent = window.end - pd.Timedelta(days=int(settings["knowledge"]["recent_days"]))
    start = window.lookback_start
    if data_start is not None and pd.notna(data_start):
        start = min(max(start, pd.Timestamp(data_start).normalize()), recent)
    return Periods(lookback_start=start, window_start=window.analysis_start,
                   recent_start=recent, week_start=window.recent_start, end=window.end)


def release_steps(scores: pd.DataFrame) -> dict[str, str]:
    """System -> week of its release step, for the systems where the regression rule fired."""
    out = {}
    for system, reasons in zip(scores["system"], scores["reasons"]):
        for r in reasons:
            if isinstance(r, Mapping) and r.get("rule") == "regression":
                out[str(system)] = str(r["week"])
    return out


def summarise(frame: pd.DataFrame, articles: pd.DataFrame, accounting: KbAccounting | None, *,
              threshold: float, window_tickets: int, embedder: str) -> KnowledgeRun:
    """Wrap the stage's frame with the figures the page shows."""
    used = {a for ids in frame["articles"] for a in ids}
    published = articles[articles["published"]] if len(articles) else articles
    unmatched = [str(a) for a in published["article_id"] if a not in used] if len(published) else []
    return KnowledgeRun(frame, articles, accounting, threshold, int(window_tickets),
                        prevented_share(frame, int(window_tickets)), embedder, unmatched)


def load_articles(settings: Settings, path: str | Path | None = None) -> tuple[pd.DataFrame, KbAccounting | None]:
    """The knowledge-base export of ``path`` (or ``knowledge.articles``); an empty frame and None without one.

    Raises
    ------
    InputError
        If the export cannot be read (see :func:`trendminer.knowledge.read_articles`).
    """
    path = path or settings["knowledge"]["articles"]
    if not path:
        return no_articles(), None
    return read_articles(path, max_chars=int(settings["knowledge"]["max_chars"]))


__all__ = ["load_articles", "HOW_TO_ADD", "Knowledge", "KnowledgeRun", "KbAccounting", "Periods", "knowledge",
           "match_threshold", "subject_margin", "no_articles", "periods", "prevented_share", "read_articles",
           "release_steps", "summarise"]
