"""The one front door: the only place that orders the stages.

:func:`load_tickets` is how anything gets cleaned tickets and their row accounting (run,
replay, validate, suggest and every evaluation); :func:`run` and :func:`replay` are the
nightly job. The order of a night is ingest -> clean/redact -> store (upsert) -> embed (cached)
-> per-text features (cached) -> systems -> topics -> signals -> trends -> score -> report, all for one
:class:`~trendminer.window.Window`. All state writes happen in one transaction, committed only
after the reports are rendered; the report folder is renamed into place after the commit.

May import every stage; no stage imports this module.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .catalogue import Catalogue, load_catalogue
from .changes import PreviousNight, night_changes
from .clean import clean_tickets
from .compute import Compute, using
from .config import Settings
from .embed import Embedder, embed_cached, make_embedder
from .errors import InputError, TrendminerError
from .features import FeatureSpec, feature_inputs, feature_spec, matches_of, night_features, text_features, text_irritation_of
from .guards import (check_inputs, check_paths, no_tickets_message, refuse_all_rejected, replay_start,
                     replay_stopped, warn_as_of_after_every_ticket)
from .ingest import Accounting, read_exports
from . import knowledge as kb
from .lock import RunLock
from .manifest import StageTimer, build_manifest
from .outcome import RunReport
from .quality import run_quality
from .report.models import RunData
from .report.render import write_reports
from .report.views import Builder
from .schema import Tickets
from .score import system_scores
from .signals import signals
from .store import State
from .systems import attribute
from .topics import Clusterer, load_curation, topics
from .trends import trends
from .window import Window

log = logging.getLogger(__name__)


@dataclass
class LoadedTickets:
    """Cleaned, redacted tickets of some exports and where every input row went."""

    tickets: Tickets
    accounting: Accounting


def load_tickets(paths: Sequence[str | Path], settings: Settings, as_of: pd.Timestamp | None = None,
                 *, strict: bool = False, compute: Compute | None = None) -> LoadedTickets:
    """Read, check, deduplicate, clean and redact ticket exports; detect their languages.

    Parameters
    ----------
    paths : sequence of path
        Export files (CSV, JSON, JSON Lines, Parquet, XLSX, or a zip holding one).
    settings : Settings
        Uses ``ingest`` and ``clean``.
    as_of : Timestamp, optional
        The night's last day: rows opened after it are rejected as future-dated. None (an
        evaluation, a suggestion) accepts every date.
    strict : bool
        Raise :class:`~trendminer.errors.InputError` when any row is rejected, before cleaning.
    compute : Compute, optional
        Cleans chunks of rows on a cluster's workers (see :mod:`trendminer.compute`).

    Returns
    -------
    LoadedTickets
        ``tickets`` follows ``TICKETS``; ``accounting`` balances rows = accepted + duplicates
        + rejected and knows the languages of the accepted tickets.

    Raises
    ------
    TrendminerError
        For any problem the user can fix; nothing is changed.
    """
    ingested = read_exports(paths, settings, None if as_of is None else pd.Timestamp(as_of).normalize())
    acc = ingested.accounting
    refuse_all_rejected(acc, paths)
    if strict and acc.rejected:
        examples = "\n".join(f"  {e}" for e in acc.examples[:10])
        raise InputError(f"--strict: {acc.summary()}; nothing was changed.\n{examples}\n"
                         "Fix the rows (or run without --strict to skip them and count them in the digest).")
    cleaned = clean_tickets(ingested.raw, settings, compute=compute)
    acc.count_languages(cleaned["language"], settings["ingest"]["main_language"])
    return LoadedTickets(cleaned, acc)


def suggest_systems(paths: Sequence[str | Path], settings: Settings, *, min_tickets: int = 3,
                    top: int = 30) -> pd.DataFrame:
    """Names frequent in the exports' tickets that the configured catalogue lacks.

    See :func:`trendminer.suggest.suggest` for the columns.

    Raises
    ------
    TrendminerError
        If an export or the catalogue cannot be read.
    """
    from .suggest import suggest

    tickets = load_tickets(paths, settings).tickets
    catalogue = load_catalogue(settings["systems"]["catalogue"])
    return suggest(tickets, catalogue, settings, min_tickets, top,
                   attribute(tickets, catalogue=catalogue, settings=settings))


def run(inputs: Sequence[str | Path], settings: Settings, *, as_of: pd.Timestamp,
        generated_at: pd.Timestamp, state_path: str | Path, out_dir: str | Path | None,
        embedder: Embedder | None = None, clusterer: Clusterer | None = None,
        progress: bool = True, rebuild_topics: bool = False, strict: bool = False,
        kb_export: str | Path | None = None, compute: Compute | None = None) -> RunReport:
    """Run the nightly job: ingest the exports, update the state, write the briefs.

    Parameters
    ----------
    inputs : sequence of path
        Ticket export files.
    settings : Settings
    as_of : Timestamp
        The last day the run covers (a date).
    generated_at : Timestamp
        Shown on the briefs; the only output that differs between identical runs.
    state_path : path
        The DuckDB state file.
    out_dir : path or None
        Reports go to ``out_dir/<as-of>/``; None skips writing them.
    embedder, clusterer : optional
        Injected for tests; default to what the config asks for.
    progress : bool
        Progress bars on stderr.
    rebuild_topics : bool
        Refit the topics on all tickets and match them to the registry.
    strict : bool
        Refuse to run (InputError, nothing changed) when any input row is rejected.
    kb_export : path, optional
        Knowledge-base export (``--kb``); default ``knowledge.articles`` of the config.
    compute : Compute, optional
        Where cleaning and embedding run; default the ``compute.scheduler`` of the config,
        connected before anything is read (see :mod:`trendminer.compute`).

    Returns
    -------
    RunReport

    Raises
    ------
    TrendminerError
        For any problem the user can fix; the state is left as it was.
    """
    window = Window.from_settings(as_of, settings)
    timer = StageTimer()
    check_paths(inputs, state_path, out_dir)
    catalogue = load_catalogue(settings["systems"]["catalogue"])   # checked before any work
    with using(settings["compute"]["scheduler"], compute) as compute:   # fails before anything is read
        with timer("ingest"):
            loaded = load_tickets(inputs, settings, window.as_of, strict=strict, compute=compute)
        warn_as_of_after_every_ticket(loaded.tickets, loaded.accounting, window)
        if loaded.tickets.empty and not Path(state_path).exists():
            raise InputError(no_tickets_message(0, 0, inputs, []))   # no tickets tonight, none before
        with timer("knowledge-base"):
            articles = load_articles(settings, kb_export)
        night = _Night(settings, inputs, loaded.accounting, catalogue,
                       embedder or make_embedder(settings, progress=progress), clusterer, timer, articles,
                       compute)
        with RunLock(state_path), State(state_path) as state:
            return night.run(state, loaded.tickets, window=window, generated_at=generated_at, out_dir=out_dir,
                             rebuild_topics=rebuild_topics)


def replay(inputs: Sequence[str | Path], settings: Settings, *, start: pd.Timestamp, end: pd.Timestamp,
           generated_at: pd.Timestamp, state_path: str | Path, out_dir: str | Path | None,
           embedder: Embedder | None = None, clusterer: Clusterer | None = None,
           progress: bool = True, compute: Compute | None = None) -> list[RunReport]:
    """Back-fill a history from one export by running night by night from ``start`` to ``end``.

    Each night sees only the tickets opened up to that day and commits on its own, exactly
    like a nightly run; reports are written for the last night only.

    ``compute`` is as for :func:`run`.

    Returns
    -------
    list of RunReport
        One per night; ``quality["stability"]`` of each is the share of tickets that kept
        their topic id since the night before.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end < start:
        raise InputError(f"--to {end.date()} is before --from {start.date()}.")
    timer = StageTimer()
    check_paths(inputs, state_path, out_dir)
    with using(settings["compute"]["scheduler"], compute) as compute:
        loaded = load_tickets(inputs, settings, end, compute=compute)
        start = replay_start(loaded.tickets, start, end, inputs)   # nights before the first ticket: none
        night = _Night(settings, inputs, loaded.accounting, load_catalogue(settings["systems"]["catalogue"]),
                       embedder or make_embedder(settings, progress=progress), clusterer, timer,
                       load_articles(settings), compute)
        reports: list[RunReport] = []
        days = pd.date_range(start, end, freq="D")
        with RunLock(state_path):
            for day in tqdm(days, desc="replay", unit="night", disable=not progress, file=sys.stderr):
                window = Window.from_settings(day, settings)
                visible = loaded.tickets[loaded.tickets["opened_at"] < window.end]
                try:
                    with State(state_path) as state:
                        reports.append(night.run(state, visible, window=window, generated_at=generated_at,
                                                 out_dir=out_dir if day == end else None))
                except (TrendminerError, OSError) as exc:   # say which nights before it are committed
                    raise replay_stopped(exc, [r.as_of for r in reports], day, end, state_path) from None
        return reports


def validate_exports(paths: Sequence[str | Path], settings: Settings, as_of: pd.Timestamp | None = None) -> LoadedTickets:
    """What ``trendminer validate`` checks: the catalogue, the files, every row; changes nothing.

    Raises
    ------
    InputError
        Also when the exports hold no usable ticket at all (a header only, every row rejected).
    """
    load_catalogue(settings["systems"]["catalogue"])
    check_inputs(paths)
    loaded = load_tickets(paths, settings, as_of)
    acc = loaded.accounting
    empty = no_tickets_message(acc.rows, acc.rejected, paths, acc.examples)
    if empty:
        raise InputError(empty.replace(" Nothing was changed.", ""))
    return loaded


def load_articles(settings: Settings, path: str | Path | None = None) -> tuple[pd.DataFrame, kb.KbAccounting | None]:
    """The knowledge-base export of ``path`` (or ``knowledge.articles``); an empty frame and None without one.

    Raises
    ------
    InputError
        If the export cannot be read (see :func:`trendminer.knowledge.read_articles`).
    """
    path = path or settings["knowledge"]["articles"]
    if not path:
        return kb.no_articles(), None
    return kb.read_articles(path, max_chars=int(settings["knowledge"]["max_chars"]))


def _compute_features(missing: pd.DataFrame, spec: FeatureSpec, compute: Compute | None = None) -> pd.DataFrame:
    """The per-text features of the texts not cached yet: one call on all of them, or on a
    cluster one task per chunk of rows (the same rows either way)."""
    if compute is None or not compute.on_cluster or missing.empty:
        return text_features(missing, spec)
    from .compute import split

    parts = [part.reset_index(drop=True) for part in split(missing, compute.workers, least=1_000, most=20_000)]
    return pd.concat(compute.map(text_features, parts, spec=spec), ignore_index=True)


@dataclass
class _Night:
    """Everything a night's analysis needs besides the state and the tickets."""

    settings: Settings
    inputs: Sequence[str | Path]
    accounting: Accounting
    catalogue: Catalogue
    embedder: Embedder
    clusterer: Clusterer | None
    timer: StageTimer
    kb_articles: tuple[pd.DataFrame, kb.KbAccounting | None] = field(default_factory=lambda: (kb.no_articles(), None))
    compute: Compute | None = None

    def _fits(self, model: object, vectors: np.ndarray) -> bool:
        """A shipped model reads this run's vectors only if it was trained on the same embedder."""
        expected = getattr(model, "embedder", "")
        return (not expected or self.embedder.name.startswith(expected)) and vectors.shape[1] == model.dim

    def _kind_probabilities(self, vectors: np.ndarray) -> np.ndarray | None:
        """Ticket-kind probabilities when the shipped classifier fits this embedder, else None."""
        from .kind import kind_probabilities, load_model

        model = load_model()
        return kind_probabilities(vectors, model) if self._fits(model, vectors) else None

    def _negativity(self, vectors: np.ndarray, tickets: pd.DataFrame) -> np.ndarray | None:
        """Negative-sentiment probabilities when the shipped model fits this embedder, else None."""
        from .sentiment import load_model, negativity

        model = load_model()
        return negativity(vectors, tickets["text"].tolist(), model=model) if self._fits(model, vectors) else None

    def _knowledge(self, state: State, tickets: Tickets, vectors: np.ndarray, assignments: pd.DataFrame,
                   info: pd.DataFrame, sig: pd.DataFrame, attribution: pd.DataFrame, scores: pd.DataFrame,
                   window: Window, first_seen: dict, prev: dict | None) -> kb.KnowledgeRun:
        """Embed the articles (cached like tickets) and run the knowledge stage."""
        settings = self.settings
        articles, accounting = self.kb_articles
        if len(articles):
            article_vectors, _ = embed_cached(articles["text"].tolist(), articles["text_hash"].tolist(),
                                              self.embedder, state, self.compute)
        else:
            article_vectors = np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 1), dtype=np.float32)
        previous = None
        if prev is not None:
            old = state.snapshot("knowledge_snapshots", prev["run_id"])
            previous = dict(zip(old["topic_id"].astype(int), old["status"]))
        cost = settings["score"]["cost"]
        threshold = kb.match_threshold(settings)
        frame = kb.knowledge(tickets, vectors, assignments, info, sig, attribution, articles, article_vectors,
                             periods=kb.periods(window, settings, tickets["opened_at"].min()), opts=settings["knowledge"], threshold=threshold,
                             cost_per_ticket=float(cost["handle_hours"]) * float(cost["hourly_rate"]),
                             steps=kb.release_steps(scores), first_seen=first_seen, previous=previous,
                             has_kb=accounting is not None)
        return kb.summarise(frame, articles, accounting, threshold=threshold,
                            window_tickets=int(window.contains(tickets["opened_at"]).sum()),
                            embedder=self.embedder.name)

    def run(self, state: State, cleaned: Tickets, *, window: Window, generated_at: pd.Timestamp,
            out_dir: str | Path | None, rebuild_topics: bool = False) -> RunReport:
        settings, timer, catalogue = self.settings, self.timer, self.catalogue
        as_of = window.as_of
        if cleaned.empty and state.previous_run(as_of + pd.Timedelta(days=1)) is None:
            raise InputError(no_tickets_message(0, 0, self.inputs, []))   # nothing to analyse at all
        with timer("store"):
            stored = state.upsert_tickets(cleaned)
            tickets = state.tickets(*window.period("lookback"))
        with timer("embed"):
            vectors, n_embedded = embed_cached(tickets["text"].tolist(), tickets["text_hash"].tolist(),
                                               self.embedder, state, self.compute)
        with timer("features"):   # per-text NLP, cached in the state: only new texts are parsed
            spec = feature_spec(catalogue, settings, self.embedder.name, vectors.shape[1])
            feats, _ = night_features(state, feature_inputs(tickets, catalogue, settings), spec,
                                      lambda missing, spec: _compute_features(missing, spec, self.compute))
        with timer("systems"):
            attribution = attribute(tickets, catalogue=catalogue, settings=settings, matches=matches_of(feats))
        with timer("topics"):
            registry, threshold = state.registry()
            result = topics(tickets, vectors=vectors, attribution=attribution, settings=settings,
                            registry=registry, threshold=threshold, as_of=as_of, clusterer=self.clusterer,
                            rebuild=rebuild_topics, curation=load_curation(settings["topics"]["curation"]),
                            features=feats)
            assignments, info = result.assignments, result.info
            state.save_registry(result.update.registry, result.update.threshold)
            # A topic is as old as its registry entry or its oldest ticket, whichever is earlier
            # (on a first run every topic is created tonight, but its tickets are older).
            oldest = assignments.merge(tickets[["ticket_id", "opened_at"]], on="ticket_id").groupby("topic_id")["opened_at"].min()
            first_seen = {t: min(day, oldest.get(t, day)) for t, day in
                          zip(result.update.registry["topic_id"], result.update.registry["first_seen"])}
        with timer("signals"):
            sig = signals(tickets, attribution=attribution, window=window, settings=settings,
                          negativity=self._negativity(vectors, tickets),
                          kind_probabilities=self._kind_probabilities(vectors),
                          text_irritation=text_irritation_of(feats, vectors, spec), features=feats)
        with timer("trends"):
            trend = trends(tickets, attribution=attribution, assignments=assignments, info=info,
                           window=window, settings=settings, first_seen=first_seen)
        with timer("score"):
            scores = system_scores(tickets, attribution=attribution, signals=sig, trends=trend,
                                   assignments=assignments, catalogue=catalogue, window=window, settings=settings)
        prev = state.previous_run(as_of)
        with timer("knowledge"):
            know = self._knowledge(state, tickets, vectors, assignments, info, sig, attribution, scores,
                                   window, first_seen, prev)
        quality = run_quality(tickets, vectors=vectors, assignments=assignments, info=info, attribution=attribution,
                              embedded=n_embedded, previous_assignments=state.assignments(prev["run_id"]) if prev else None,
                              settings=settings)
        previous = None if prev is None else PreviousNight(
            prev["as_of"], state.snapshot("topic_snapshots", prev["run_id"]),
            state.snapshot("system_snapshots", prev["run_id"]), state.snapshot("trend_snapshots", prev["run_id"]))
        changes = night_changes(previous, info=info, scores=scores, trends=trend)
        manifest = build_manifest(settings, self.inputs, self.accounting, window, self.embedder, timer)
        compute = self.compute
        manifest["compute"] = {"scheduler": compute.name if compute else "in-process",
                               "workers": compute.workers if compute else 1}
        manifest["knowledge"] = {"articles": know.accounting.describe() if know.accounting else None,
                                 "match_threshold": know.threshold, "embedder": know.embedder}
        data = RunData(tickets, attribution, assignments, info, sig, trend, scores,
                       catalogue.frame, self.accounting, changes, quality, manifest, window, know)
        spikes = trend[trend["flag"].isin(["spiking", "new"])]
        report = RunReport(as_of, self.accounting, stored, len(tickets), n_embedded, len(info),
                           int(quality["remainder"]), spikes["label"].tolist(),
                           scores[scores["rankable"]]["system"].tolist(), None,
                           list(self.accounting.warnings), quality, trend, know.frame)
        state.record_run(as_of, generated_at, settings.digest,
                         {"accounting": self.accounting.summary(), "stored": stored, "quality": quality},
                         {"topic_snapshots": info, "system_snapshots": scores, "trend_snapshots": trend,
                          "assignments": assignments, "knowledge_snapshots": know.frame,
                          "topic_events": pd.DataFrame(result.update.events, columns=["topic_id", "event", "detail"])},
                         manifest)
        if out_dir is None:
            state.commit()
        else:
            builder = Builder(data, settings=settings, window=window, generated_at=generated_at)
            with timer("report"):
                note = (f"{stored['new']} new and {stored['updated']} updated tickets, {n_embedded} new "
                        f"embeddings and the run of {as_of.date()} were committed to {state.path}"
                        + state.migration_note())
                report.report_dir = write_reports(builder, Path(out_dir), before_publish=state.commit,
                                                  committed_note=note)
        return report
