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
from .errors import TrendminerError

log = logging.getLogger("trendminer")


def _as_of(value: str | None) -> pd.Timestamp:
    if value is None:
        return pd.Timestamp(datetime.now().date())
    try:
        return pd.Timestamp(datetime.strptime(value, "%Y-%m-%d"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-10-31.", param_hint="--as-of") from None


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
    for noisy in ("sentence_transformers", "transformers", "huggingface_hub", "httpx"):
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
def run(inputs: tuple[str, ...], config: str | None, overrides: tuple[str, ...], as_of: str | None,
        out_dir: str, state_path: str, quiet: bool, log_format: str, rebuild_topics: bool) -> None:
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
                              rebuild_topics=rebuild_topics)
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
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

    Example:

        trendminer validate export.csv --config trendminer.toml
    """
    from .ingest import read_exports

    _setup_logging(quiet=True)
    try:
        result = read_exports(list(inputs), load_settings(config, overrides), _as_of(as_of))
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    acc = result.accounting
    click.echo(acc.summary())
    for reason, n in acc.reasons.most_common():
        click.echo(f"  rejected {n}: {reason}")
    for example in acc.examples[:10]:
        click.echo(f"    e.g. {example}")
    for warning in acc.warnings:
        click.echo(f"  warning: {warning}")
    for line in acc.details():
        click.echo(f"  {line}")
    if strict and acc.rejected:
        raise click.ClickException(f"{acc.rejected} rows rejected and --strict is set.")


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


@eval_group.command("redaction")
@click.option("--tickets", "n_tickets", default=150, show_default=True,
              help="Generated tickets (about 2.8 planted personal-data strings each).")
@click.option("--seed", default=0, show_default=True, help="Random seed of the generator.")
@click.option("--show-misses", is_flag=True, help="Print each planted string that was not redacted.")
@config_option
@set_option
def eval_redaction(n_tickets: int, seed: int, show_misses: bool, config: str | None,
                   overrides: tuple[str, ...]) -> None:
    """Print recall and precision of the redaction on a seeded, labelled test set.

    Plants e-mails, phones, IPs, the caller's name and employee ids (clean.id_patterns)
    in realistic ticket text next to look-alikes that must survive.

    Example:

        trendminer eval redaction --tickets 300 --seed 1
    """
    from .redaction_eval import evaluate, generate_cases

    try:
        settings = load_settings(config, overrides)
    except TrendminerError as exc:
        raise click.ClickException(str(exc)) from None
    score = evaluate(generate_cases(n_tickets, seed), tuple(settings["clean"]["id_patterns"]))
    click.echo("\n".join(score.lines()))
    for miss in score.misses if show_misses else []:
        click.echo(f"  missed {miss}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="trendminer")
