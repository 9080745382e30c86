"""The one front door, the only place that orders the stages (no stage imports this module):
ingest -> clean -> store -> embed -> features -> systems -> topics -> signals -> desk -> trends -> score
-> findings -> knowledge -> report, for one Window; state writes commit once, after the reports render."""
from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .catalogue import Catalogue, load_catalogue, write_catalogue
from .change_records import ChangeAccounting, load_changes
from .changes import PreviousNight, night_changes
from .clean import clean_tickets
from .compute import Compute, using
from .config import Settings
from .desk import desk_mirror
from .embed import Embedder, embed_cached, make_embedder
from .errors import InputError, TrendminerError
from . import findings as fnd
from .features import compute_features, FeatureSpec, feature_inputs, feature_spec, matches_of, night_features, text_features, text_irritation_of
from .desk_kind import night_desk
from .cosystems import other_systems
from .guards import (check_inputs, check_paths, no_tickets_message, refuse_all_rejected, replay_start,
                     replay_stopped, warn_as_of_after_every_ticket)
from .ingest import Accounting, join_survey_export, read_exports
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
from .shipped_heads import shipped_kind_probabilities, shipped_negativity
from .signals import signals
from .store import State
from .survey_head import desk_irritation, irritation_manifest
from .systems import attribute, searches_text
from .registry import recentred
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
                    top: int = 30, catalogue_out: str | Path | None = None) -> pd.DataFrame:
    """Names frequent in the exports' tickets that the configured catalogue lacks.

    See :func:`trendminer.suggest.suggest` for the columns; ``catalogue_out`` gets them as a catalogue CSV.

    Raises
    ------
    TrendminerError
        If an export or the catalogue cannot be read.
    """
    from .suggest import catalogue_frame, suggest

    tickets = load_tickets(paths, settings).tickets
    catalogue = load_catalogue(settings["systems"]["catalogue"])
    frame = suggest(tickets, catalogue, settings, min_tickets, top,
                    attribute(tickets, catalogue=catalogue, settings=settings))
    return write_catalogue(catalogue_frame(frame), catalogue_out, frame) if catalogue_out else frame


def run(inputs: Sequence[str | Path], settings: Settings, *, as_of: pd.Timestamp,
        generated_at: pd.Timestamp, state_path: str | Path, out_dir: str | Path | None,
        embedder: Embedder | None = None, clusterer: Clusterer | None = None,
        progress: bool = True, rebuild_topics: bool = False, strict: bool = False, surveys: str | Path | None = None,
        kb_export: str | Path | None = None, compute: Compute | None = None,
        changes_export: str | Path | None = None) -> RunReport:
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
    surveys : path, optional
        Survey results joined on the ticket number (``--surveys``; default ``survey_head.surveys``).
    changes_export : path, optional
        Change records (``--changes``); default ``changes.file`` of the config.

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
        loaded = LoadedTickets(join_survey_export(loaded.tickets, loaded.accounting, surveys or
                                                  settings["survey_head"]["surveys"], settings), loaded.accounting)
        warn_as_of_after_every_ticket(loaded.tickets, loaded.accounting, window)
        if loaded.tickets.empty and not Path(state_path).exists():
            raise InputError(no_tickets_message(0, 0, inputs, []))   # no tickets tonight, none before
        with timer("knowledge-base"):
            articles = kb.load_articles(settings, kb_export)
        night = _Night(settings, inputs, loaded.accounting, catalogue,
                       embedder or make_embedder(settings, progress=progress), clusterer, timer, articles,
                       compute, load_changes(settings, catalogue, changes_export))
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
        catalogue = load_catalogue(settings["systems"]["catalogue"])
        start = replay_start(loaded.tickets, start, end, inputs)   # nights before the first ticket: none
        night = _Night(settings, inputs, loaded.accounting, catalogue,
                       embedder or make_embedder(settings, progress=progress), clusterer, timer,
                       kb.load_articles(settings), compute, load_changes(settings, catalogue))
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
    changes: tuple[pd.DataFrame | None, ChangeAccounting | None] = (None, None)

    def _knowledge(self, state: State, tickets: Tickets, vectors: np.ndarray, assignments: pd.DataFrame,
                   info: pd.DataFrame, sig: pd.DataFrame, attribution: pd.DataFrame, scores: pd.DataFrame,
                   window: Window, first_seen: dict, prev: dict | None,
                   topic_status: dict[int, str] | None = None) -> kb.KnowledgeRun:
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
                             has_kb=accounting is not None, topic_status=topic_status,
                             margin=kb.subject_margin(settings))
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
                                      lambda missing, spec: compute_features(missing, spec, self.compute))
        with timer("systems"):
            attribution = attribute(tickets, catalogue=catalogue, settings=settings, matches=matches_of(feats))
        with timer("topics"):
            registry, threshold = state.registry()
            built = state.previous_run(as_of + pd.Timedelta(days=1))   # the registry's last night, tonight's on a re-run
            built_by = built and json.loads(state.snapshot("runs", built["run_id"])["manifest"].iloc[0] or "{}").get("model", {}).get("name")
            if built_by and built_by != self.embedder.name and len(registry):   # another model's centroids: re-centre, rebuild
                registry, rebuild_topics = recentred(registry, state.assignments(built["run_id"]), tickets["ticket_id"], vectors), True
            result = topics(tickets, vectors=vectors, attribution=attribution, settings=settings,
                            registry=registry, threshold=threshold, as_of=as_of, clusterer=self.clusterer,
                            rebuild=rebuild_topics, curation=load_curation(settings["topics"]["curation"]),
                            features=feats, multilingual=bool(getattr(self.embedder, "multilingual", False)))
            assignments, info = result.assignments, result.info
            state.save_registry(result.update.registry, result.update.threshold)
            # A topic is as old as its registry entry or its oldest ticket, whichever is earlier
            # (on a first run every topic is created tonight, but its tickets are older).
            oldest = assignments.merge(tickets[["ticket_id", "opened_at"]], on="ticket_id").groupby("topic_id")["opened_at"].min()
            first_seen = {t: min(day, oldest.get(t, day)) for t, day in
                          zip(result.update.registry["topic_id"], result.update.registry["first_seen"])}
        prev = state.previous_run(as_of)
        with timer("signals"):   # the desk's survey head travels in the run summary (survey_head.py)
            desk = desk_irritation(tickets, vectors, text_irritation_of(feats, vectors, spec), settings=settings,
                                   embedder=self.embedder.name, stored=(prev or {}).get("summary", {}).get("survey_head"))
            kinds = night_desk(tickets["kind_label"].tolist(), vectors, feats["kind_rule"].tolist(), settings["signals"],
                               random_state=int(settings["topics"]["random_state"]), embedder=self.embedder.name)
            sig = signals(tickets, attribution=attribution, window=window, settings=settings,
                          negativity=shipped_negativity(vectors, tickets["text"].tolist(), self.embedder.name),
                          kind_probabilities=shipped_kind_probabilities(vectors, self.embedder.name),
                          text_irritation=desk.probability, features=feats, desk_kinds=kinds.kinds)
        with timer("desk"):
            mirror = desk_mirror(tickets, signals=sig, assignments=assignments, attribution=attribution,
                                 window=window, settings=settings)
        with timer("trends"):
            trend = trends(tickets, attribution=attribution, assignments=assignments, info=info,
                           window=window, settings=settings)
        with timer("score"):
            others = other_systems(tickets, attribution, catalogue) if searches_text(catalogue, settings) else None
            scores = system_scores(tickets, attribution=attribution, signals=sig, trends=trend,
                                   assignments=assignments, catalogue=catalogue, window=window, settings=settings,
                                   changes=self.changes[0], others=others)
        with timer("findings"):   # one status per topic and system, before anything phrases one
            night_status = fnd.night_statuses(tickets, attribution=attribution, assignments=assignments, info=info,
                                              signals=sig, scores=scores, catalogue=catalogue.frame, window=window,
                                              settings=settings)
            info, scores, trend = fnd.with_statuses(night_status, info, scores, trend)
        with timer("knowledge"):
            know = self._knowledge(state, tickets, vectors, assignments, info, sig, attribution, scores,
                                   window, first_seen, prev,
                                   dict(zip(info["topic_id"].astype(int), info["status"])))
        with timer("findings"):
            found = fnd.night_findings(night_status, info=info, scores=scores, knowledge=know.frame,
                                       accounting=self.accounting, window=window, settings=settings,
                                       previous=state.snapshot("finding_snapshots", prev["run_id"]) if prev else None)
            morning = fnd.morning_facts(tickets, attribution, found, window)
        quality = run_quality(tickets, vectors=vectors, assignments=assignments, info=info, attribution=attribution,
                              embedded=n_embedded, previous_assignments=state.assignments(prev["run_id"]) if prev else None,
                              settings=settings)
        quality.update(kinds.quality(sig["kind_source"].tolist()))
        previous = None if prev is None else PreviousNight(
            prev["as_of"], state.snapshot("topic_snapshots", prev["run_id"]),
            state.snapshot("system_snapshots", prev["run_id"]), state.snapshot("trend_snapshots", prev["run_id"]))
        changes = night_changes(previous, info=info, scores=scores, trends=trend)
        manifest = build_manifest(settings, self.inputs, self.accounting, window, self.embedder, timer)
        compute = self.compute
        manifest["compute"] = {"scheduler": compute.name if compute else "in-process",
                               "workers": compute.workers if compute else 1}
        manifest.update(irritation_manifest(desk, tickets, sig, window, settings, self.accounting))
        manifest["kind"] = kinds.manifest(sig["kind_source"].tolist())
        manifest["knowledge"] = {"articles": know.accounting.describe() if know.accounting else None,
                                 "match_threshold": know.threshold, "embedder": know.embedder}
        manifest["changes"] = self.changes[1].describe() if self.changes[1] else None
        data = RunData(tickets, attribution, assignments, info, sig, trend, scores,
                       catalogue.frame, self.accounting, changes, quality, manifest, window, know,
                       findings=found, morning=morning, desk=mirror)
        spikes = found[found["kind"] == "spike"]   # one name per outage, however many topics it covers
        report = RunReport(as_of, self.accounting, stored, len(tickets), n_embedded, len(info),
                           int(quality["remainder"]), [f"{t} ({s})" for t, s in zip(spikes["title"], spikes["status"])],
                           scores[scores["rankable"]]["system"].tolist(), None,
                           list(self.accounting.warnings), quality, trend, know.frame, found, desk.note)
        state.record_run(as_of, generated_at, settings.digest,
                         {"accounting": self.accounting.summary(), "stored": stored, "quality": quality,
                          "survey_head": desk.head.to_dict() if desk.head else None},
                         {"topic_snapshots": info, "system_snapshots": scores, "trend_snapshots": trend,
                          "assignments": assignments, "knowledge_snapshots": know.frame,
                          "finding_snapshots": fnd.snapshot(found),
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
