"""Command line: parse options, call one library function, map errors to exit codes.

Exit codes: 0 success; 1 an input, config, model or state problem (the message says what
to fix); 2 a usage error (unknown option, bad date).
"""
from __future__ import annotations

import json
import sys
from datetime import datetime

import click
import pandas as pd

from . import __version__
from .cli_common import (_as_of, _setup_logging, as_of_option, config_option, scheduler_option, set_option,
                         user_errors, with_scheduler)
from .cli_eval import eval_group
from .config import load_settings

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
@click.option("--kb", "kb_export", type=click.Path(), default=None, metavar="FILE",
              help="Knowledge-base export (ServiceNow kb_knowledge, Zendesk Help Center JSON, Confluence "
                   "export folder, or CSV id,title,body): which questions an article answers (knowledge.html).")
@click.option("--surveys", type=click.Path(), default=None, metavar="FILE",
              help="Satisfaction survey results (ServiceNow survey-result export, or CSV ticket,score[,comment]) "
                   "joined on the ticket number: irritation learns from the desk's own ratings.")
@click.option("--changes", "changes_export", type=click.Path(), default=None, metavar="FILE",
              help="Change records (ServiceNow change_request export, Jira versions, or CSV "
                   "id,system,start,end,title): a failure step names the change around it (systems.html).")
@scheduler_option
@user_errors
def run(inputs: tuple[str, ...], config: str | None, overrides: tuple[str, ...], as_of: str | None,
        out_dir: str, state_path: str, quiet: bool, log_format: str, rebuild_topics: bool, strict: bool,
        kb_export: str | None, surveys: str | None, changes_export: str | None, scheduler: str | None) -> None:
    """Run the nightly job on one or more ticket exports and write the briefs.

    Writes index.html, digest.html, systems.html, pain-points.html, knowledge.html, CSV exports and
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
    settings = load_settings(config, with_scheduler(overrides, scheduler))
    report = run_pipeline(list(inputs), settings, as_of=when, generated_at=generated_at,
                          state_path=state_path, out_dir=out_dir, progress=not quiet,
                          rebuild_topics=rebuild_topics, strict=strict, kb_export=kb_export,
                          surveys=surveys, changes_export=changes_export)
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
@user_errors
def validate(inputs: tuple[str, ...], config: str | None, overrides: tuple[str, ...], as_of: str | None,
             strict: bool = False) -> None:
    """Check exports against the column map and print the row accounting; changes nothing.

    The tickets are also cleaned and redacted as a run would, to count their languages.

    Example:

        trendminer validate export.csv --config trendminer.toml
    """
    from .pipeline import validate_exports

    _setup_logging(quiet=True)
    acc = validate_exports(list(inputs), load_settings(config, overrides), _as_of(as_of)).accounting
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
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@config_option
@set_option
@click.option("--from", "start", required=True, metavar="DATE", help="First night to replay, YYYY-MM-DD.")
@click.option("--to", "end", required=True, metavar="DATE", help="Last night to replay, YYYY-MM-DD.")
@click.option("--out", "out_dir", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Reports of the last night go to OUT/<to>/.")
@click.option("--state", "state_path", default="trendminer-state.duckdb", show_default=True,
              type=click.Path(dir_okay=False), help="The DuckDB state file to fill.")
@scheduler_option
@user_errors
def replay(inputs: tuple[str, ...], config: str | None, overrides: tuple[str, ...], start: str, end: str,
           out_dir: str, state_path: str, scheduler: str | None) -> None:
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
    reports = replay_nights(list(inputs), load_settings(config, with_scheduler(overrides, scheduler)), start=_as_of(start),
                            end=_as_of(end), generated_at=generated_at, state_path=state_path,
                            out_dir=out_dir, progress=True)
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
@set_option
@user_errors
def doctor(config: str | None, state_path: str, out_dir: str, overrides: tuple[str, ...] = ()) -> None:
    """Check the installation: model and its hash, spaCy data, state, output folder, disk.

    Prints one line per check (ok / FAIL with the fix) and exits 1 if any check failed.

    Example:

        trendminer doctor --state /var/lib/trendminer/state.duckdb --out /srv/reports
    """
    from .doctor import checks

    settings = load_settings(config, list(overrides))
    failed = 0
    for name, ok, detail in checks(settings, state_path, out_dir):
        failed += not ok
        click.echo(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if failed:
        raise click.ClickException(f"{failed} check(s) failed; see the lines marked FAIL.")


cli.add_command(eval_group)


@cli.group("systems")
def systems_group() -> None:
    """Work with the system catalogue."""


@systems_group.command("suggest")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--min-tickets", default=3, show_default=True, help="Leave out names in fewer tickets.")
@click.option("--top", default=30, show_default=True, help="At most this many systems (and host-like names).")
@click.option("--write-catalogue", "catalogue_out", default=None, type=click.Path(dir_okay=False),
              help="Also write the suggested systems as a catalogue CSV to edit (refuses to overwrite).")
@config_option
@set_option
@user_errors
def systems_suggest(inputs: tuple[str, ...], min_tickets: int, top: int, catalogue_out: str | None,
                    config: str | None, overrides: tuple[str, ...]) -> None:
    """List the systems the tickets name that the catalogue lacks, ranked; host-like names apart.

    Prints CSV (name, tickets, score, source, aliases, example) on stdout: CI field values
    that match no catalogue entry, known IT products (with their aliases grouped: sap, s4
    -> erp), tool names (job_scheduler), product-like words (also lower case) and capitalised
    names in titles, by tickets x how specific to IT they are; then host names, asset tags,
    IPs and ticket codes, with source "looks like a host/asset".

    Example:

        trendminer systems suggest export.csv --write-catalogue systems.csv
    """
    from .pipeline import suggest_systems

    _setup_logging(quiet=True)
    frame = suggest_systems(list(inputs), load_settings(config, overrides), min_tickets=min_tickets, top=top,
                            catalogue_out=catalogue_out)
    click.echo(frame.to_csv(index=False), nl=False)
    if catalogue_out:
        click.echo(f"wrote {catalogue_out}: edit it (names, aliases, owners, user counts), then set "
                   f"systems.catalogue to it", err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="trendminer")
