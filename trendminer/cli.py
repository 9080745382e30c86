"""Command line: parse options, call one library function, map errors to exit codes.

Exit codes: 0 success; 1 an input, config, model or state problem (the message says what
to fix); 2 a usage error (unknown option, bad date).
"""
from __future__ import annotations

import json
import logging
import sys
import warnings
from datetime import datetime

import click
import pandas as pd

from . import __version__
from .config import load_settings
from .errors import OS_PROBLEM, TrendminerError

log = logging.getLogger("trendminer")


def _as_of(value: str | None) -> pd.Timestamp:
    if value is None:
        return pd.Timestamp(datetime.now().date())
    try:
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-10-31.", param_hint="--as-of") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise click.BadParameter(f"{value} is outside the dates a ticket export can hold "
                                 f"({FIRST_DAY.date()} to {LAST_DAY.date()}).", param_hint="--as-of")
    return pd.Timestamp(day)


#: the range of --as-of dates (pandas timestamps end in 2262; help desks began after 1970)
FIRST_DAY, LAST_DAY = datetime(1970, 1, 1), datetime(2200, 12, 31)


def _os_problem(exc: OSError) -> click.ClickException:
    """An environment problem (a file vanished, a disk filled up) as a message, not a traceback."""
    hint = {28: "free disk space", 13: "fix the permissions", 1: "fix the permissions",
            40: "replace the symlink loop by the real file", 2: "restore the file or pass another path",
            21: "pass a file, not a folder", 20: "pass a folder, not a file"}.get(exc.errno or 0, "fix the cause")
    path = exc.filename if exc.filename is not None else "trendminer"
    if isinstance(path, bytes):
        path = path.decode("utf-8", "backslashreplace")
    return click.ClickException(OS_PROBLEM.format(path=path, reason=exc.strerror or exc, hint=hint))


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                           "logger": record.name, "message": record.getMessage()})


def _setup_logging(quiet: bool, log_format: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if log_format == "json" else
                         logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, handlers=[handler], force=True)
    warnings.filterwarnings("ignore", category=FutureWarning)
    for noisy in ("sentence_transformers", "transformers", "huggingface_hub", "httpx", "spacy"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


config_option = click.option("--config", "config", type=click.Path(dir_okay=False),
                             help="TOML config (column map, catalogue, thresholds).")
set_option = click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
                          help="Override one config key, e.g. --set embed.backend=tfidf (repeatable).")
as_of_option = click.option("--as-of", "as_of", metavar="DATE",
                            help="Last day the run covers, YYYY-MM-DD. Default: today.")


@click.group()
@click.version_option(__version__, prog_name="trendminer")
def cli() -> None:
    """trendminer: help-desk ticket exports in; problem topics, system rankings and HTML briefs out."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@config_option
@set_option
@as_of_option
@click.option("--out", "out_dir", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Reports go to OUT/<as-of>/.")
@click.option("--state", "state_path", default="trendminer-state.duckdb", show_default=True,
              type=click.Path(dir_okay=False), help="The DuckDB state file (history, embedding cache).")
@click.option("--quiet", is_flag=True, help="Only warnings, errors and the summary line (for cron mail).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON object per log line on stderr.")
@click.option("--rebuild-topics", is_flag=True,
              help="Refit topics on all tickets and match them to the registry (ids kept where they match).")
@click.option("--strict", is_flag=True, help="Exit 1 without changing anything if any input row is rejected.")
def run(inputs: tuple[str, ...], config: str | None, overrides: tuple[str, ...], as_of: str | None,
        out_dir: str, state_path: str, quiet: bool, log_format: str, rebuild_topics: bool, strict: bool) -> None:
    """Run the nightly job on one or more ticket exports and write the briefs.

    Writes index.html, digest.html, systems.html, pain-points.html, CSV exports and
    manifest.json to OUT/<as-of>/, and updates the state file in one transaction. Prints a
    one-line summary on stderr and the index page's path on stdout.

    Exit codes: 0 ok; 1 error (nothing changed); 2 usage error; 3 reports written but
    degraded (some input rows were rejected; see the digest).

    Example:

        trendminer run export.csv --config trendminer.toml --as-of 2026-10-31
    """
    from .pipeline import run as run_pipeline

    _setup_logging(quiet, log_format)
    when = _as_of(as_of)
    generated_at = pd.Timestamp(datetime.now()).floor("s")
    try:
        settings = load_settings(config, overrides)
        report = run_pipeline(list(inputs), settings, as_of=when, generated_at=generated_at,
                              state_path=state_path, out_dir=out_dir, progress=not quiet,
                              rebuild_topics=rebuild_topics, strict=strict)
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise _os_problem(exc) from None
    if log_format == "json":
        click.echo(json.dumps({"summary": report.summary(), "exit_code": report.return_code}), err=True)
    else:
        click.echo(report.summary(), err=True)
    if report.report_dir is not None:
        click.echo(str(report.report_dir / "index.html"))
    sys.exit(report.return_code)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@config_option
@set_option
@as_of_option
@click.option("--strict", is_flag=True, help="Exit 1 if any row is rejected.")
def validate(inputs: tuple[str, ...], config: str | None, overrides: tuple[str, ...], as_of: str | None,
             strict: bool = False) -> None:
    """Check exports against the column map and print the row accounting; changes nothing.

    The tickets are also cleaned and redacted as a run would, to count their languages.

    Example:

        trendminer validate export.csv --config trendminer.toml
    """
    from .catalogue import load_catalogue
    from .clean import clean_tickets
    from .guards import check_inputs, no_tickets_message
    from .ingest import read_exports

    _setup_logging(quiet=True)
    when = _as_of(as_of)
    try:
        settings = load_settings(config, overrides)
        load_catalogue(settings["systems"]["catalogue"])
        check_inputs(inputs)
        result = read_exports(list(inputs), settings, when)
        acc = result.accounting
        acc.count_languages(clean_tickets(result.raw, settings)["language"], settings["ingest"]["main_language"])
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise _os_problem(exc) from None
    click.echo(acc.summary())
    for reason, n in acc.reasons.most_common():
        click.echo(f"  rejected {n}: {reason}")
    for example in acc.examples[:10]:
        click.echo(f"    e.g. {example}")
    for warning in acc.warnings:
        click.echo(f"  warning: {warning}")
    for line in acc.details():
        click.echo(f"  {line}")
    empty = no_tickets_message(acc.rows, acc.rejected, inputs, acc.examples)
    if empty:
        raise click.ClickException(empty.replace(" Nothing was changed.", ""))
    if strict and acc.rejected:
        raise click.ClickException(f"{acc.rejected} rows rejected and --strict is set.")


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@config_option
@set_option
@click.option("--from", "start", required=True, metavar="DATE", help="First night to replay, YYYY-MM-DD.")
@click.option("--to", "end", required=True, metavar="DATE", help="Last night to replay, YYYY-MM-DD.")
@click.option("--out", "out_dir", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Reports of the last night go to OUT/<to>/.")
@click.option("--state", "state_path", default="trendminer-state.duckdb", show_default=True,
              type=click.Path(dir_okay=False), help="The DuckDB state file to fill.")
def replay(inputs: tuple[str, ...], config: str | None, overrides: tuple[str, ...], start: str, end: str,
           out_dir: str, state_path: str) -> None:
    """Back-fill the history from one export by running night by night.

    Each night sees only the tickets opened up to that day, exactly like a nightly run.
    Prints the night-to-night topic-id stability (share of tickets that kept their topic
    id) and the spikes flagged, on stdout.

    Example:

        trendminer replay export.csv --config trendminer.toml --from 2026-09-01 --to 2026-10-31
    """
    from .pipeline import replay as replay_nights

    _setup_logging(quiet=True)
    generated_at = pd.Timestamp(datetime.now()).floor("s")
    try:
        reports = replay_nights(list(inputs), load_settings(config, overrides), start=_as_of(start),
                                end=_as_of(end), generated_at=generated_at, state_path=state_path,
                                out_dir=out_dir, progress=True)
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    for report in reports:
        if report.spikes:
            click.echo(f"{report.as_of.date()} spiking/new: {'; '.join(report.spikes[:4])}")
    nightly = [r.quality["stability"] for r in reports[1:]]
    if nightly:
        click.echo(f"nights: {len(reports)}; lowest night {min(nightly):.3f}")
        click.echo(f"topic-id stability: {sum(nightly) / len(nightly):.3f}")
    if reports[-1].report_dir is not None:
        click.echo(str(reports[-1].report_dir / "index.html"))


@cli.command()
@config_option
@click.option("--state", "state_path", default="trendminer-state.duckdb", show_default=True,
              type=click.Path(dir_okay=False), help="The state file to check.")
@click.option("--out", "out_dir", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="The report folder to check.")
def doctor(config: str | None, state_path: str, out_dir: str) -> None:
    """Check the installation: model and its hash, spaCy data, state, output folder, disk.

    Prints one line per check (ok / FAIL with the fix) and exits 1 if any check failed.

    Example:

        trendminer doctor --state /var/lib/trendminer/state.duckdb --out /srv/reports
    """
    from .doctor import checks

    try:
        settings = load_settings(config)
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    failed = 0
    for name, ok, detail in checks(settings, state_path, out_dir):
        failed += not ok
        click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if failed:
        raise click.ClickException(f"{failed} check(s) failed; see the lines marked FAIL.")


@cli.group("eval")
def eval_group() -> None:
    """Measure trendminer's own quality on labelled data.

    Example:

        trendminer eval redaction
    """


@eval_group.command("topics")
@click.argument("path", type=click.Path())
@click.option("--text-col", default="text", show_default=True, help="Column with the texts.")
@click.option("--label-col", default="category", show_default=True, help="Column with the true labels.")
@click.option("--backend", type=click.Choice(["sentence-transformers", "tfidf"]), default=None,
              help="Embedding backend (default: the config's).")
@click.option("--cache", type=click.Path(dir_okay=False), default=None,
              help="DuckDB file to cache the embeddings in between evaluations.")
@config_option
@set_option
def eval_topics(path: str, text_col: str, label_col: str, backend: str | None, cache: str | None,
                config: str | None, overrides: tuple[str, ...]) -> None:
    """Score the topic stage on a labelled CSV: one JSON line on stdout.

    Prints nmi, ari, acc (Hungarian-matched accuracy), n_topics, remainder_share and
    seconds. Runs the nightly code path: cleaning, embedding, clustering.

    Example:

        trendminer eval topics ../shared/data/banking77/test.csv --text-col text --label-col category
    """
    from .topic_eval import evaluate_topics

    _setup_logging(quiet=True)
    extra = [f"embed.backend={json.dumps(backend)}"] if backend else []
    try:
        scores = evaluate_topics(path, text_col, label_col, load_settings(config, [*overrides, *extra]),
                                 cache=cache)
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(scores))


@eval_group.command("redaction")
@click.option("--tickets", "n_tickets", default=150, show_default=True,
              help="Generated tickets (about 2.6 planted personal-data strings each).")
@click.option("--seed", default=0, show_default=True, help="Random seed of the generator.")
@click.option("--show-misses", is_flag=True, help="Print each planted string that was not redacted.")
@config_option
@set_option
def eval_redaction(n_tickets: int, seed: int, show_misses: bool, config: str | None,
                   overrides: tuple[str, ...]) -> None:
    """Print recall and precision of the redaction on a seeded, labelled test set.

    Plants e-mails, phones, IPs, the caller's name, the full names of colleagues who call
    the desk too, employee ids (clean.id_patterns) and (OTHER) the names of people who never
    call, in realistic ticket text next to look-alikes (product names too) that must survive.

    Example:

        trendminer eval redaction --tickets 300 --seed 1
    """
    from .redaction_eval import evaluate, generate_cases

    try:
        settings = load_settings(config, overrides)
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    score = evaluate(generate_cases(n_tickets, seed), tuple(settings["clean"]["id_patterns"]),
                     others=settings["clean"]["redact_other_names"])
    click.echo("\n".join(score.lines()))
    for miss in score.misses if show_misses else []:
        click.echo(f"  missed {miss}")


@eval_group.command("sentiment")
@click.option("--data", "data_dir", type=click.Path(file_okay=False),
              help="Folder holding senti4sd/. Default: ../shared/data.")
@click.option("--cache", "cache_dir", default=None, type=click.Path(file_okay=False),
              help="Cache the test-split embeddings here. Default: a folder in the system temp dir.")
@config_option
@set_option
def eval_sentiment(data_dir: str | None, cache_dir: str | None, config: str | None,
                   overrides: tuple[str, ...]) -> None:
    """Print the sentiment model's macro-F1 (and per class) on the Senti4SD test split.

    Senti4SD is not shipped; without it the command says so and exits 0.

    Example:

        trendminer eval sentiment --data ../shared/data
    """
    import tempfile
    from pathlib import Path

    from .embed import make_embedder
    from .evaluate import NO_SHARED_DATA, _data_candidates, sentiment_scores, shared_data_dir

    _setup_logging(quiet=True)
    found = shared_data_dir(data_dir)
    if found is None:
        places = ", ".join(str(p) for p in _data_candidates(data_dir))
        click.echo("skipped: " + NO_SHARED_DATA.format(places=places), err=True)
        return
    try:
        embedder = make_embedder(load_settings(config, overrides), progress=False)
        scores = sentiment_scores(found, embedder.encode, embedder.name,
                                  cache_dir or Path(tempfile.gettempdir()) / "trendminer-senti4sd")
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("sentiment, Senti4SD test split: " + "\n".join(scores.lines()))


@eval_group.command("attribution")
@click.option("--show-errors", is_flag=True, help="Print each wrongly attributed or missed ticket.")
@config_option
@set_option
def eval_attribution(show_errors: bool, config: str | None, overrides: tuple[str, ...]) -> None:
    """Print precision and recall of system attribution on the hand-labelled sample slice.

    precision = correct attributions / tickets attributed to a catalogued system;
    recall = correct attributions / tickets whose true system is catalogued.
    Labels: data/samples/attribution_labels.csv (350 tickets, 200 with an empty cmdb_ci).

    Example:

        trendminer eval attribution
    """
    from .evaluate import attribution_eval

    _setup_logging(quiet=True)
    try:
        scores = attribution_eval(load_settings(config, overrides))
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("\n".join(scores.lines()))
    for ticket, truth, got in scores.errors if show_errors else []:
        click.echo(f"  {ticket}: labelled {truth!r}, attributed {got!r}")


@cli.group("systems")
def systems_group() -> None:
    """Work with the system catalogue."""


@systems_group.command("suggest")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--min-tickets", default=3, show_default=True, help="Leave out names in fewer tickets.")
@click.option("--top", default=30, show_default=True, help="At most this many names.")
@config_option
@set_option
def systems_suggest(inputs: tuple[str, ...], min_tickets: int, top: int, config: str | None,
                    overrides: tuple[str, ...]) -> None:
    """List frequent product-like names in the tickets that the catalogue lacks, ranked.

    Prints CSV (name, tickets, source, example) on stdout: CI field values that match no
    catalogue entry, and names in ticket titles, most tickets first.

    Example:

        trendminer systems suggest export.csv --config trendminer.toml
    """
    from .suggest import suggest_from_exports

    _setup_logging(quiet=True)
    try:
        frame = suggest_from_exports(list(inputs), load_settings(config, overrides), min_tickets, top)
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(frame.to_csv(index=False), nl=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="trendminer")
