"""The one place that orders the stages of a run.

ingest -> clean/redact -> store (upsert) -> systems -> embed (cached) -> topics -> signals
-> trends -> score -> report. All state writes happen in one transaction, committed only
after the reports are rendered; the report folder is renamed into place after the commit.
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

from .clean import clean_tickets
from .config import Settings
from .embed import Embedder, embed_cached, make_embedder
from .errors import InputError
from .guards import check_inputs, check_name, no_tickets_message
from .ingest import Accounting, read_exports
from .lock import RunLock
from .manifest import StageTimer, build_manifest
from .registry import stability
from .report.render import write_reports
from .report.models import RunData
from .report.views import Builder
from .score import system_scores
from .signals import signals
from .store import State
from .catalogue import Catalogue, load_catalogue
from .systems import attribute
from .topics import Clusterer, load_curation, topics
from .trends import trends, window_end

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    """What a run did, for the CLI's summary line and exit code."""

    as_of: pd.Timestamp
    accounting: Accounting
    stored: dict[str, int]
    analysed: int
    embedded: int
    n_topics: int
    remainder: int
    spikes: list[str]
    top_systems: list[str]
    report_dir: Path | None
    warnings: list[str] = field(default_factory=list)
    quality: dict = field(default_factory=dict)
    trends: pd.DataFrame | None = None

    @property
    def return_code(self) -> int:
        """The exit code policy: 0 all good; 3 reports written but degraded (rows rejected, or
        no tickets tonight: the reports are of the earlier nights' tickets).

        (1 and 2 are errors raised before a report exists; see :mod:`trendminer.cli`.)
        """
        return 3 if self.accounting.rejected or not self.accounting.rows else 0

    def summary(self) -> str:
        """One line for the scheduler's log."""
        spikes = ", ".join(self.spikes[:3]) or "none"
        return (f"trendminer {self.as_of.date()}: {self.accounting.summary()}; {self.analysed} tickets "
                f"analysed, {self.embedded} embedded, {self.n_topics} topics, {self.remainder} in remainder; "
                f"spikes: {spikes}; top systems: {', '.join(self.top_systems[:3])}; reports: {self.report_dir}")


def run_quality(tickets: pd.DataFrame, vectors: np.ndarray, assignments: pd.DataFrame, info: pd.DataFrame,
                attribution: pd.DataFrame, settings: Settings, embedded: int,
                previous: pd.DataFrame | None) -> dict[str, float]:
    """The figures that tell a good night from a bad one (shown in the digest's run quality)."""
    sizes = info["size"] if len(info) else pd.Series([0])
    remainder = int((assignments["topic_id"] < 0).sum())
    main = [settings["ingest"]["main_language"], "und", ""]
    return {"remainder": remainder, "remainder_share": remainder / max(len(tickets), 1),
            "largest": float(sizes.max()), "median": float(np.median(sizes)), "embedded": embedded,
            "unattributed": int((attribution["source"] == "none").sum()),
            "other_language": int((~tickets["language"].isin(main)).sum()),
            "stability": stability(previous, assignments) if previous is not None else float("nan"),
            "silhouette": sampled_silhouette(vectors, assignments["topic_id"].to_numpy(),
                                             int(settings["topics"]["random_state"]))}


def sampled_silhouette(vectors: np.ndarray, labels: np.ndarray, random_state: int, sample: int = 2000) -> float:
    """Cosine silhouette of the tickets in topics, on a seeded sample (NaN below two topics)."""
    from sklearn.metrics import silhouette_score

    inside = labels >= 0
    if len(set(labels[inside].tolist())) < 2 or inside.sum() <= 2:
        return float("nan")
    return float(silhouette_score(vectors[inside], labels[inside], metric="cosine",
                                  sample_size=min(sample, int(inside.sum())), random_state=random_state))


def _changes(state: State, as_of: pd.Timestamp, info: pd.DataFrame, scores: pd.DataFrame,
             trend: pd.DataFrame) -> list[str]:
    prev = state.previous_run(as_of)
    if prev is None:
        return []
    out = [f"Compared with the run of {prev['as_of'].date()}."]
    old_topics = state.snapshot("topic_snapshots", prev["run_id"])
    new_labels = sorted(set(info["label"]) - set(old_topics["label"]))
    gone = sorted(set(old_topics["label"]) - set(info["label"]))
    if new_labels:
        out.append(f"{len(new_labels)} topic labels not seen last time: " + "; ".join(new_labels[:8]))
    if gone:
        out.append(f"{len(gone)} topic labels from last time are gone: " + "; ".join(gone[:8]))
    old_sys = state.snapshot("system_snapshots", prev["run_id"]).set_index("system")
    for _, row in scores[scores["rankable"]].head(10).iterrows():
        if row["system"] in old_sys.index:
            before = old_sys.loc[row["system"]]
            if int(before["rank"]) != int(row["rank"]):
                out.append(f"{row['system']} moved from rank {int(before['rank'])} to {int(row['rank'])}.")
            if before["recommendation"] != row["recommendation"]:
                out.append(f"{row['system']}: recommendation changed from {before['recommendation']} "
                           f"to {row['recommendation']}.")
        else:
            out.append(f"{row['system']} is ranked for the first time (rank {int(row['rank'])}).")
    old_flags = state.snapshot("trend_snapshots", prev["run_id"])
    old_flag = dict(zip(old_flags["entity_type"] + ":" + old_flags["entity"], old_flags["flag"]))
    for _, row in trend[trend["flag"] != "steady"].iterrows():
        if old_flag.get(f"{row['entity_type']}:{row['entity']}") != row["flag"]:
            out.append(f"{row['entity_type']} {row['label']} is now {row['flag']} "
                       f"({int(row['recent'])} vs {row['expected']:.1f} expected).")
    return out


def run(inputs: Sequence[str | Path], settings: Settings, *, as_of: pd.Timestamp,
        generated_at: pd.Timestamp, state_path: str | Path, out_dir: str | Path | None,
        embedder: Embedder | None = None, clusterer: Clusterer | None = None,
        progress: bool = True, rebuild_topics: bool = False, strict: bool = False) -> RunReport:
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

    Returns
    -------
    RunReport

    Raises
    ------
    TrendminerError
        For any problem the user can fix; the state is left as it was.
    """
    as_of = pd.Timestamp(as_of).normalize()
    timer = StageTimer()
    _check_paths(inputs, state_path, out_dir)
    catalogue = load_catalogue(settings["systems"]["catalogue"])   # checked before any work
    with timer("ingest"):
        ingested = read_exports(inputs, settings, as_of)
    _refuse_all_rejected(ingested.accounting, inputs)
    if strict and ingested.accounting.rejected:
        examples = "\n".join(f"  {e}" for e in ingested.accounting.examples[:10])
        raise InputError(f"--strict: {ingested.accounting.summary()}; nothing was changed.\n{examples}\n"
                         "Fix the rows (or run without --strict to skip them and count them in the digest).")
    with timer("clean"):
        cleaned = clean_tickets(ingested.raw, settings)
        ingested.accounting.count_languages(cleaned["language"], settings["ingest"]["main_language"])
    _warn_as_of_after_every_ticket(cleaned, as_of, settings, ingested.accounting)
    if cleaned.empty and not Path(state_path).exists():
        raise InputError(no_tickets_message(0, 0, inputs, []))   # no tickets tonight, none before
    night = _Night(settings, inputs, ingested.accounting, catalogue,
                   embedder or make_embedder(settings, progress=progress), clusterer, timer)
    with RunLock(state_path), State(state_path) as state:
        return night.run(state, cleaned, as_of, generated_at, out_dir, rebuild_topics)


def replay(inputs: Sequence[str | Path], settings: Settings, *, start: pd.Timestamp, end: pd.Timestamp,
           generated_at: pd.Timestamp, state_path: str | Path, out_dir: str | Path | None,
           embedder: Embedder | None = None, clusterer: Clusterer | None = None,
           progress: bool = True) -> list[RunReport]:
    """Back-fill a history from one export by running night by night from ``start`` to ``end``.

    Each night sees only the tickets opened up to that day and commits on its own, exactly
    like a nightly run; reports are written for the last night only.

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
    _check_paths(inputs, state_path, out_dir)
    ingested = read_exports(inputs, settings, end)
    _refuse_all_rejected(ingested.accounting, inputs)
    cleaned = clean_tickets(ingested.raw, settings)
    ingested.accounting.count_languages(cleaned["language"], settings["ingest"]["main_language"])
    night = _Night(settings, inputs, ingested.accounting, load_catalogue(settings["systems"]["catalogue"]),
                   embedder or make_embedder(settings, progress=progress), clusterer, timer)
    reports = []
    days = pd.date_range(start, end, freq="D")
    with RunLock(state_path):
        for day in tqdm(days, desc="replay", unit="night", disable=not progress, file=sys.stderr):
            visible = cleaned[cleaned["opened_at"] < window_end(day)]
            with State(state_path) as state:
                reports.append(night.run(state, visible, day, generated_at, out_dir if day == end else None))
    return reports


def _check_paths(inputs: Sequence[str | Path], state_path: str | Path, out_dir: str | Path | None) -> None:
    check_inputs(inputs)
    check_name(state_path, "state file")
    if out_dir is not None:
        check_name(out_dir, "output folder")


def _warn_as_of_after_every_ticket(cleaned: pd.DataFrame, as_of: pd.Timestamp, settings: Settings,
                                   accounting: Accounting) -> None:
    """An --as-of past the analysis window of every ticket gives empty pages: say so."""
    if cleaned.empty:
        return
    newest = pd.Timestamp(cleaned["opened_at"].max())
    start = window_end(as_of) - pd.Timedelta(days=int(settings["topics"]["lookback_days"]))
    if newest < start:
        message = (f"--as-of {as_of.date()} is after every ticket: the newest was opened on {newest.date()}, "
                   f"before the {settings['topics']['lookback_days']} days analysed ({start.date()} on). "
                   "Pass the export's last day as --as-of.")
        accounting.warnings.append(message)
        log.warning(message)


def _refuse_all_rejected(accounting: Accounting, inputs: Sequence[str | Path]) -> None:
    """Every row rejected: refuse (exit 1). A header-only export is decided with the state."""
    if accounting.rows and accounting.rejected == accounting.rows:
        raise InputError(no_tickets_message(accounting.rows, accounting.rejected, inputs, accounting.examples))


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

    def run(self, state: State, cleaned: pd.DataFrame, as_of: pd.Timestamp, generated_at: pd.Timestamp,
            out_dir: str | Path | None, rebuild_topics: bool = False) -> RunReport:
        settings, timer, catalogue = self.settings, self.timer, self.catalogue
        end = window_end(as_of)
        if cleaned.empty and state.previous_run(as_of + pd.Timedelta(days=1)) is None:
            raise InputError(no_tickets_message(0, 0, self.inputs, []))   # nothing to analyse at all
        with timer("store"):
            stored = state.upsert_tickets(cleaned)
            start = end - pd.Timedelta(days=int(settings["topics"]["lookback_days"]))
            tickets = state.tickets(start, end)
        with timer("systems"):
            attribution = attribute(tickets, catalogue, settings)
        with timer("embed"):
            vectors, n_embedded = embed_cached(tickets["text"].tolist(), tickets["text_hash"].tolist(),
                                               self.embedder, state)
        with timer("topics"):
            registry, threshold = state.registry()
            result = topics(tickets, vectors, attribution, settings, registry=registry, threshold=threshold,
                            as_of=as_of, clusterer=self.clusterer, rebuild=rebuild_topics,
                            curation=load_curation(settings["topics"]["curation"]))
            assignments, info = result.assignments, result.info
            state.save_registry(result.update.registry, result.update.threshold)
            # A topic is as old as its registry entry or its oldest ticket, whichever is earlier
            # (on a first run every topic is created tonight, but its tickets are older).
            oldest = assignments.merge(tickets[["ticket_id", "opened_at"]], on="ticket_id").groupby("topic_id")["opened_at"].min()
            first_seen = {t: min(day, oldest.get(t, day)) for t, day in
                          zip(result.update.registry["topic_id"], result.update.registry["first_seen"])}
        with timer("signals"):
            sig = signals(tickets, settings, self._negativity(vectors, tickets), attribution=attribution,
                          as_of=as_of, kind_probabilities=self._kind_probabilities(vectors))
        with timer("trends"):
            trend = trends(tickets, attribution, assignments, info, as_of, settings, first_seen)
        with timer("score"):
            scores = system_scores(tickets, attribution, sig, trend, catalogue, as_of, settings, assignments)
        prev = state.previous_run(as_of)
        quality = run_quality(tickets, vectors, assignments, info, attribution, settings, n_embedded,
                              state.assignments(prev["run_id"]) if prev else None)
        remainder = int(quality["remainder"])
        changes = _changes(state, as_of, info, scores, trend)
        manifest = build_manifest(settings, self.inputs, self.accounting, as_of, self.embedder, timer)
        data = RunData(tickets, attribution, assignments, info, sig, trend, scores,
                       catalogue.frame, self.accounting, changes, quality, manifest)
        spikes = trend[trend["flag"].isin(["spiking", "new"])]
        report = RunReport(as_of, self.accounting, stored, len(tickets), n_embedded, len(info),
                           remainder, spikes["label"].tolist(),
                           scores[scores["rankable"]]["system"].tolist(), None,
                           list(self.accounting.warnings), quality, trend)
        state.record_run(as_of, generated_at, settings.digest,
                         {"accounting": self.accounting.summary(), "stored": stored, "quality": quality},
                         {"topic_snapshots": info, "system_snapshots": scores, "trend_snapshots": trend,
                          "assignments": assignments,
                          "topic_events": pd.DataFrame(result.update.events, columns=["topic_id", "event", "detail"])},
                         manifest)
        if out_dir is None:
            state.commit()
        else:
            builder = Builder(data, settings, as_of, generated_at)
            with timer("report"):
                note = (f"{stored['new']} new and {stored['updated']} updated tickets, {n_embedded} new "
                        f"embeddings and the run of {as_of.date()} were committed to {state.path}")
                report.report_dir = write_reports(builder, Path(out_dir), before_publish=state.commit,
                                                  committed_note=note)
        return report
