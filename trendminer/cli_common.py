"""What every command shares: the error decorator, logging set-up, common options, --as-of.

Imported by :mod:`trendminer.cli` and :mod:`trendminer.cli_eval`; imports no command.
"""
from __future__ import annotations

import functools
import json
import logging
import sys
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click
import pandas as pd

from .errors import OS_PROBLEM, TrendminerError

log = logging.getLogger("trendminer")


#: the range of --as-of dates (pandas timestamps end in 2262; help desks began after 1970)
FIRST_DAY, LAST_DAY = datetime(1970, 1, 1), datetime(2200, 12, 31)


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


def _os_problem(exc: OSError) -> click.ClickException:
    """An environment problem (a file vanished, a disk filled up) as a message, not a traceback."""
    hint = {28: "free disk space", 13: "fix the permissions", 1: "fix the permissions",
            40: "replace the symlink loop by the real file", 2: "restore the file or pass another path",
            21: "pass a file, not a folder", 20: "pass a folder, not a file"}.get(exc.errno or 0, "fix the cause")
    path = exc.filename if exc.filename is not None else "trendminer"
    if isinstance(path, bytes):
        path = path.decode("utf-8", "backslashreplace")
    return click.ClickException(OS_PROBLEM.format(path=path, reason=exc.strerror or exc, hint=hint))


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a :class:`TrendminerError` raised by the library into ``Error: <message>`` and exit 1."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TrendminerError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise _os_problem(exc) from None
    return wrapper


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
scheduler_option = click.option(
    "--scheduler", default=None, metavar="ADDRESS",
    help="Where cleaning and embedding run: local:N (N worker processes here) or a Dask scheduler "
         "tcp://host:8786 (needs the dask extra). Default: compute.scheduler of the config (\"\" = this process).")


def with_scheduler(overrides: tuple[str, ...], scheduler: str | None) -> list[str]:
    """``--set`` overrides plus ``compute.scheduler`` when ``--scheduler`` was given."""
    return [*overrides, *([f"compute.scheduler={json.dumps(scheduler)}"] if scheduler is not None else [])]


as_of_option = click.option("--as-of", "as_of", metavar="DATE",
                            help="Last day the run covers, YYYY-MM-DD. Default: today.")
