"""The hostile-input suite (issue 17): what a real user may feed trendminer, night after night.

Every case starts from a site after one good night (2026-10-30: export, state, reports),
runs one command through the CLI in this process, and checks three things: the exit code,
the message (what went wrong, where, how to fix it; never a traceback), and, after a failed
run, that the state file and the previous reports are byte-identical to before.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from tests.conftest import make_export
from trendminer.cli import cli

FAST = ("--set", "embed.backend=tfidf", "--set", "score.min_tickets=1", "--quiet")
SYSTEMS = ("Outlook", "GlobalProtect VPN", "SAP ERP")
FIRST_NIGHT, NIGHT = "2026-10-30", "2026-10-31"


def ticket_rows(n: int = 40, systems: tuple[str, ...] = SYSTEMS, **fields: str) -> list[dict]:
    """``n`` October tickets cycling through ``systems``; ``fields`` override every row."""
    return [{"number": f"INC{i:05d}", "opened_at": f"2026-10-{1 + i % 29:02d} 09:00:00",
             "short_description": f"{systems[i % len(systems)]} problem number {i % 5}",
             "description": "it fails again", "cmdb_ci": systems[i % len(systems)], **fields}
            for i in range(n)]


@dataclass
class Site:
    """A site folder: ``export.csv``, ``state.duckdb`` and ``reports/`` after one good night."""

    root: Path

    @property
    def export(self) -> Path:
        return self.root / "export.csv"

    @property
    def state(self) -> Path:
        return self.root / "state.duckdb"

    @property
    def out(self) -> Path:
        return self.root / "reports"

    def invoke(self, *args: str) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)

    def run(self, *inputs: str | Path, extra: tuple[str, ...] = (), as_of: str = NIGHT,
            state: str | Path | None = None) -> Result:
        return self.invoke("run", *(inputs or (self.export,)), *FAST, *extra, "--as-of", as_of,
                           "--state", state or self.state, "--out", self.out)

    def validate(self, *inputs: str | Path, extra: tuple[str, ...] = (), as_of: str = NIGHT) -> Result:
        return self.invoke("validate", *(inputs or (self.export,)), *extra, "--as-of", as_of)

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.root / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def snapshot(self) -> dict[str, bytes]:
        """Every byte of the state (and its WAL, lock) and of every file under the reports."""
        files = {p: p for p in (self.state, self.state.with_name(self.state.name + ".wal"),
                                self.state.with_name(self.state.name + ".lock")) if p.is_file()}
        files.update({p: p for p in self.out.rglob("*") if p.is_file()} if self.out.exists() else {})
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(files)}


@pytest.fixture(scope="module")
def first_night(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    make_export(root / "export.csv", ticket_rows())
    site = Site(root)
    result = site.run(as_of=FIRST_NIGHT)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def site(first_night, tmp_path) -> Site:
    root = tmp_path / "site"
    shutil.copytree(first_night, root, symlinks=True)
    return Site(root)


def no_traceback(result: Result) -> None:
    """The command ended through click (an exit code), not through an unhandled exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def fails(result: Result, code: int, *phrases: str) -> None:
    no_traceback(result)
    assert result.exit_code == code, result.output
    for phrase in phrases:
        assert phrase in result.output, f"{phrase!r} not in:\n{result.output}"


def refused(site: Site, command: Callable[[], Result], *phrases: str, code: int = 1) -> Result:
    """Run ``command``; it must fail with ``code`` and ``phrases``, changing no byte of the site."""
    before = site.snapshot()
    result = command()
    fails(result, code, *phrases)
    assert site.snapshot() == before, "a failed run changed the state or the previous reports"
    return result


# --- 1. every "nothing changed" is true ------------------------------------------------------

def _failing_rename(monkeypatch, which: Callable[[str, str], bool]) -> None:
    import trendminer.report.render as render

    real = os.rename

    def rename(src, dst):
        if which(str(src), str(dst)):
            raise OSError(16, "Device or resource busy")
        return real(src, dst)
    monkeypatch.setattr(render.os, "rename", rename)


def test_hostile_01_previous_night_folder_cannot_be_moved_aside_changes_nothing(site, monkeypatch):
    assert site.run(as_of=NIGHT).exit_code == 0
    _failing_rename(monkeypatch, lambda src, dst: dst.endswith(f".{NIGHT}.old"))
    refused(site, lambda: site.run(as_of=NIGHT), f"Cannot write the reports to {site.out}",
            "Device or resource busy", "The state was not changed", "then run again")


def test_hostile_02_publish_failing_after_the_commit_says_what_was_committed(site, monkeypatch):
    assert site.run(as_of=NIGHT).exit_code == 0
    before = {k: v for k, v in site.snapshot().items() if k.startswith("reports/2")}
    _failing_rename(monkeypatch, lambda src, dst: dst.endswith(NIGHT) and ".tmp-" in src)
    result = site.run(as_of=NIGHT)
    fails(result, 1, "The state was updated (0 new and 0 updated tickets", f"the run of {NIGHT} were committed",
          f"could not be put in place at {site.out / NIGHT}", f"run again with --as-of {NIGHT}")
    assert "not changed" not in result.output
    after = {k: v for k, v in site.snapshot().items() if k.startswith("reports/2")}
    assert after == before   # the previous reports of the night are back in place
    assert len(list(site.out.glob(f".{NIGHT}.tmp-*/digest.html"))) == 1   # the new ones, as the message says
    monkeypatch.undo()
    assert site.run(as_of=NIGHT).exit_code == 0   # the rerun finishes the night
    assert not [p for p in site.out.iterdir() if p.name.startswith(".")]


def test_hostile_03_disk_full_while_committing_keeps_the_state(site, monkeypatch):
    import duckdb

    import trendminer.store as store

    real = store.State.commit

    def full(self):
        real_commit = self.con.commit

        class Con:   # the connection, with a commit that hits a full disk
            def __getattr__(self, name):
                return getattr(con, name)

            def commit(self):
                raise duckdb.TransactionException(
                    "TransactionContext Error: Failed to commit: could not write: No space left on device")
        con = self.con
        self.con = Con()
        try:
            real(self)
        finally:
            self.con = con
        del real_commit
    monkeypatch.setattr(store.State, "commit", full)
    refused(site, lambda: site.run(), "Could not write the night's results to the state file",
            "No space left on device", "DuckDB rolled the run back", "free disk space")


# --- 2. foreign state files -----------------------------------------------------------------

def _duckdb_file(path: Path, sql: str) -> Path:
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()
    return path


@pytest.mark.parametrize("sql, table", [
    ("CREATE TABLE customers (id INTEGER, name VARCHAR); INSERT INTO customers VALUES (1, 'ACME')", "customers"),
    ("CREATE TABLE tickets (id INTEGER, subject VARCHAR); INSERT INTO tickets VALUES (1, 'x')", "tickets"),
    ("CREATE TABLE meta (key VARCHAR, value VARCHAR); INSERT INTO meta VALUES ('schema_version', '4');"
     "CREATE TABLE orders (id INTEGER)", "orders"),
])
def test_hostile_04_foreign_duckdb_state_is_refused_untouched(site, sql, table):
    foreign = _duckdb_file(site.root / "crm.duckdb", sql)
    before = foreign.read_bytes()
    refused(site, lambda: site.run(state=foreign), f"The state file {foreign} is a DuckDB database, but not "
            f"trendminer's", table, "Nothing was written to it", "pass --state a new file name")
    assert foreign.read_bytes() == before


def test_hostile_05_sqlite_state_is_refused_without_loading_an_extension(site):
    import sqlite3

    path = site.root / "app.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE tickets (id INTEGER)")
    con.commit()
    con.close()
    before = path.read_bytes()
    refused(site, lambda: site.run(state=path), f"The state file {path} is an SQLite database, not a trendminer "
            "state", "Nothing was written to it")
    assert path.read_bytes() == before


@pytest.mark.parametrize("content, phrase", [
    (b"", "an empty file (0 bytes)"),
    (b"id,subject\n1,VPN down\n", "does not start like a DuckDB database"),
])
def test_hostile_06_state_that_is_no_database_is_refused(site, content, phrase):
    path = site.write("state-copy.duckdb", content)
    refused(site, lambda: site.run(state=path), phrase, "Nothing was written to it")
    assert path.read_bytes() == content


def test_hostile_07_duckdb_extension_autoload_is_off():
    from trendminer.store import State

    import tempfile

    with tempfile.TemporaryDirectory() as tmp, State(Path(tmp) / "s.duckdb") as state:
        settings = dict(state.con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name LIKE 'auto%known_extensions'").fetchall())
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


# --- 4. the catalogue, checked before any work ---------------------------------------------

CATALOGUE_HEADER = "name,aliases,vendor,owner_team,lifecycle,user_count,criticality\n"


@pytest.mark.parametrize("body, phrases", [
    ("Outlook,,MS,Mail,active,1200,\nSAP ERP,,SAP,Fin,active,300,\nOutlook,,MS,Mail,active,1200,\n",
     ["row 4, column 'name'", "'Outlook' is listed twice (also row 2)", "keep one row per system"]),
    ("Outlook,mail;owa,MS,Mail,active,1200,\nOWA Portal,owa,MS,Web,active,300,\n",
     ["row 3, column 'aliases'", "'owa' already names 'Outlook' (row 2, column 'aliases')",
      "each name and alias may belong to one system only"]),
    ("Outlook,,MS,Mail,active,1200,\nSAP ERP,outlook,SAP,Fin,active,300,\n",
     ["row 3, column 'aliases'", "'outlook' already names 'Outlook' (row 2, column 'name')"]),
    ("Outlook,,MS,Mail,active,1200.7,\n", ["row 2, column 'user_count'", "'1200.7' is not a positive whole number"]),
    ("Outlook,,MS,Mail,active,1e30,\n", ["row 2, column 'user_count'", "'1e30' is not a positive whole number"]),
    ("Outlook,,MS,Mail,active,inf,\n", ["'inf' is not a positive whole number", "or leave it empty"]),
    ("Outlook,,MS,Mail,active,-1200,\n", ["'-1200' is not a positive whole number"]),
    ("Outlook,,MS,Mail,active,0,\n", ["row 2, column 'user_count'", "'0' is not a positive whole number"]),
    ("Outlook,,MS,Mail,active,1200,,extra,values\n", ["has a row with more values than the header",
                                                      "quote values that contain commas"]),
])
def test_hostile_08_bad_catalogue_is_refused_up_front(site, body, phrases):
    path = site.write("systems.csv", CATALOGUE_HEADER + body)
    extra = ("--set", f"systems.catalogue={str(path)!r}")
    refused(site, lambda: site.run(extra=extra), f"System catalogue {path}", *phrases,
            "(config key systems.catalogue)")
    fails(site.validate(extra=extra), 1, f"System catalogue {path}", *phrases)


def test_hostile_09_catalogue_that_is_a_folder(site):
    folder = site.root / "catalogue"
    folder.mkdir()
    refused(site, lambda: site.run(extra=("--set", f"systems.catalogue={str(folder)!r}")),
            f"System catalogue {folder}: is a folder, not a CSV file", "point systems.catalogue at the CSV file")


# --- 5. config values checked for meaning, in run and validate alike --------------------------

@pytest.mark.parametrize("override, phrases", [
    ("topics.min_topic_size=0", ["'topics.min_topic_size' = 0", "a whole number of 2 or more"]),
    ("ingest.read.delimiter=''", ["'ingest.read.delimiter' = ''", "exactly one character"]),
    ("ingest.read.delimiter=';;'", ["'ingest.read.delimiter' = ';;'", "exactly one character"]),
    ("clean.id_patterns=['E(\\d+']", ["'clean.id_patterns[0]'", "does not compile: missing )"]),
    ("ingest.read.encoding='utf-42'", ["'ingest.read.encoding' = 'utf-42'", "an encoding Python knows"]),
    ("ingest.read.timezone='Mars/Olympus'", ["'ingest.read.timezone' = 'Mars/Olympus'", "an IANA time zone"]),
    ("embed.max_chars=0", ["'embed.max_chars' = 0", "a whole number above 0"]),
    ("topics.lookback_days=-30", ["'topics.lookback_days' = -30", "days above 0"]),
    ("score.window_days=-1", ["'score.window_days' = -1"]),
    ("score.weights.failures=-0.4", ["'score.weights.failures' = -0.4", "a finite number of 0 or more"]),
    ("signals.weights.frustration=-1.0", ["'signals.weights.frustration' = -1.0"]),
    ("ingest.read.date_order='ymd'", ["'ingest.read.date_order' = 'ymd'", "\"auto\", \"dmy\" or \"mdy\""]),
    ("ingest.main_language='klingon'", ["'ingest.main_language' = 'klingon'", "a two-letter language code"]),
])
@pytest.mark.parametrize("command", ["run", "validate"])
def test_hostile_10_config_values_are_checked_for_meaning(site, override, phrases, command):
    go = site.run if command == "run" else site.validate
    refused(site, lambda: go(extra=("--set", override)), "cannot be used: allowed is", *phrases,
            "Fix: change it in your config file or on the command line")


def test_hostile_11_utf16_config_file_is_read(site):
    config = site.root / "site.toml"
    config.write_bytes('[topics]\nmin_topic_size = 0\n'.encode("utf-16"))   # Notepad's "Unicode"
    refused(site, lambda: site.run(extra=("--config", str(config))), "'topics.min_topic_size' = 0")
    config.write_bytes('[topics]\nmin_topic_size = 4\n'.encode("utf-16"))
    assert site.run(extra=("--config", str(config))).exit_code == 0


def test_hostile_12_config_in_another_encoding_says_so(site):
    config = site.write("site.toml", '[score.cost]\ncurrency = "€"\n'.encode("cp1252"))
    refused(site, lambda: site.validate(extra=("--config", str(config))), f"{config}: the config file is not "
            "UTF-8 text", "save it as UTF-8")


# --- 8. environment problems: exit 1 with what and how, never a traceback ----------------------

def test_hostile_13_symlink_loop_as_input(site):
    (site.root / "a.csv").symlink_to(site.root / "b.csv")
    (site.root / "b.csv").symlink_to(site.root / "a.csv")
    loop = site.root / "a.csv"
    for command in (lambda: site.run(loop), lambda: site.validate(loop)):
        refused(site, command, f"{loop}: cannot be opened (Too many levels of symbolic links)",
                "point it at the real export")


def test_hostile_14_state_folder_that_cannot_be_made(site):
    state = Path("/proc/self/no-such-folder/state.duckdb")   # not creatable, even for root
    refused(site, lambda: site.run(state=state), "Cannot use the state file at /proc/self/no-such-folder",
            "Nothing was changed", "make the folder exist and be readable and writable")


def test_hostile_15_unreadable_state_file(site, monkeypatch):
    import builtins

    real_open = builtins.open

    def deny(file, *args, **kwargs):
        if str(file) == str(site.state):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", deny)
    refused(site, lambda: site.run(), f"Cannot use the state file at {site.state}: Permission denied",
            "readable and writable by this user")


def test_hostile_16_lock_path_that_is_a_folder(site):
    (site.root / "state.duckdb.lock").mkdir()
    before = site.snapshot()
    fails(site.run(), 1, f"The lock path {site.root / 'state.duckdb.lock'} of the state file", "is a folder",
          "remove that folder")
    assert site.snapshot() == before and (site.root / "state.duckdb.lock").is_dir()


def test_hostile_17_file_name_that_is_not_utf8(site):
    raw = os.path.join(os.fsencode(site.root), b"caf\xe9.csv")
    shutil.copy(site.export, raw)
    name = os.fsdecode(raw)
    for command in (lambda: site.run(name), lambda: site.validate(name)):
        refused(site, command, "caf\\\\xe9.csv' is not valid UTF-8", "rename it")


def test_hostile_18_input_vanishing_mid_run_is_a_message(site, monkeypatch):
    import trendminer.pipeline as pipeline

    def vanished(*_args, **_kwargs):
        raise FileNotFoundError(2, "No such file or directory", str(site.export))
    monkeypatch.setattr(pipeline, "read_exports", vanished)
    refused(site, lambda: site.run(), f"{site.export}: No such file or directory",
            "the state and the reports are as they were", "restore the file")


# --- 10. no litter ------------------------------------------------------------------------

def test_hostile_19_killed_runs_temporary_folders_are_removed(site):
    from trendminer.report.render import MARKER

    dead = site.out / f".{NIGHT}.tmp-999999999-abcd1234"
    legacy = site.out / f".{NIGHT}.k2j4h5g6"   # mkdtemp's name before pids were in it
    for folder in (dead, legacy):
        folder.mkdir()
        (folder / "digest.html").write_text("half")
    (dead / MARKER).write_text("")   # issue 26: only folders trendminer marked as its own are removed
    moved = site.out / f".{FIRST_NIGHT}.old"   # a killed run had moved the night's reports aside
    os.rename(site.out / FIRST_NIGHT, moved)
    result = site.run()
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in site.out.iterdir()) == [legacy.name, FIRST_NIGHT, NIGHT]
    assert (site.out / FIRST_NIGHT / "digest.html").exists()


def test_hostile_20_live_runs_temporary_folder_is_kept(site):
    live = site.out / f".{NIGHT}.tmp-{os.getppid()}-abcd1234"
    live.mkdir()
    assert site.run().exit_code == 0
    assert live.is_dir()


# --- 11. large and empty nights --------------------------------------------------------------

def test_hostile_21_every_row_rejected_is_exit_1(site):
    export = make_export(site.root / "bad.csv", ticket_rows(10, opened_at="not a date"))
    for command in (lambda: site.run(export),):
        refused(site, command, f"No usable tickets in {export}: all 10 rows were rejected",
                "row 2, column 'opened_at'", "Nothing was changed", "trendminer validate lists every reason")


def test_hostile_22_header_only_export(site):
    export = site.write("empty.csv", "number,opened_at,short_description,description,cmdb_ci\n")
    fails(site.validate(export), 1, f"No tickets in {export}: the export holds a header only",
          "export the tickets again")
    fresh = site.root / "fresh.duckdb"
    refused(site, lambda: site.run(export, state=fresh), f"No tickets in {export}", "Nothing was changed")
    assert not fresh.exists()
    result = site.run(export)   # a state with earlier nights: the night runs on those, degraded
    no_traceback(result)
    assert result.exit_code == 3, result.output
    assert "0 rows: 0 accepted" in result.output and (site.out / NIGHT / "digest.html").exists()


def test_hostile_23_header_only_export_on_a_state_without_runs(site):
    from trendminer.store import State

    empty_state = site.root / "new.duckdb"
    with State(empty_state):
        pass
    before = empty_state.read_bytes()
    export = site.write("empty.csv", "number,opened_at,short_description\n")
    fails(site.run(export, state=empty_state), 1, "No tickets in", "Nothing was changed")
    assert empty_state.read_bytes() == before


# --- 7 (CLI part). impossible --as-of dates ---------------------------------------------------

@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-01-01"])
@pytest.mark.parametrize("command", ["run", "validate"])
def test_hostile_24_as_of_outside_any_export_is_a_usage_error(site, day, command):
    go = site.run if command == "run" else site.validate
    refused(site, lambda: go(as_of=day), f"Invalid value for --as-of: {day} is outside the dates",
            "1970-01-01 to 2200-12-31", code=2)


def test_hostile_25_many_small_systems_are_summarised_not_carded(site):
    import re

    names = [f"App{i:04d}" for i in range(300)]
    export = make_export(site.root / "many.csv", ticket_rows(300, systems=tuple(names)))
    result = site.invoke("run", export, "--set", "embed.backend=tfidf", "--quiet", "--as-of", NIGHT,
                         "--state", site.root / "many.duckdb", "--out", site.root / "many")
    assert result.exit_code == 0, result.output
    page = (site.root / "many" / NIGHT / "systems.html").read_text()
    assert page.count('<section class="card"') == 100   # MAX_UNRANKED_CARDS
    assert page.count("<tr id=\"system-app") == 200 and "More systems with too few tickets to rank" in page
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_hostile_26_system_anchors_are_unique_and_non_latin_names_distinct():
    from trendminer.report.views import system_anchors

    anchors = system_anchors(["SAP ERP", "sap-erp", "SAP/ERP", "Пульс", "会計", "Outlook"])
    assert len(set(anchors.values())) == 6
    assert anchors["SAP ERP"] == "system-sap-erp" and anchors["Outlook"] == "system-outlook"
    assert anchors["Пульс"] != anchors["会計"] and "system-x" not in anchors.values()


# --- 12. names of people who never call --------------------------------------------------------

def test_hostile_27_names_of_non_callers_are_redacted_everywhere(site):
    import duckdb

    rows = ticket_rows(30)
    rows[3]["description"] = "Okta Verify rejects my code. Please contact Maria Schneider in finance."
    rows[4]["short_description"] = "SAP Concur invoice stuck with Schneider, Maria"
    export = make_export(site.root / "names.csv", rows)
    state = site.root / "names.duckdb"
    result = site.invoke("run", export, *FAST, "--as-of", NIGHT, "--state", state, "--out", site.root / "n")
    assert result.exit_code == 0, result.output
    written = b"".join(p.read_bytes() for p in (site.root / "n").rglob("*") if p.is_file())
    con = duckdb.connect(str(state), read_only=True)
    stored = " ".join(" ".join(map(str, r)) for r in con.execute("SELECT title, description, text FROM tickets").fetchall())
    con.close()
    assert b"Schneider" not in written and "Schneider" not in stored
    assert "Okta Verify" in stored and "SAP Concur" in stored and "[NAME]" in stored


# --- 9. identity --------------------------------------------------------------------------------

def test_hostile_28_system_names_typed_two_ways_are_one_system(site):
    rows = ticket_rows(30, systems=("Caf\u00e9 Portal", "Cafe\u0301 Portal", "Caf\u00e9\u200b Portal"))
    export = make_export(site.root / "cafe.csv", rows)
    result = site.invoke("run", export, *FAST, "--as-of", NIGHT, "--state", site.root / "c.duckdb",
                         "--out", site.root / "c")
    assert result.exit_code == 0, result.output
    systems = pd.read_csv(site.root / "c" / NIGHT / "systems.csv")
    assert systems["system"].tolist() == ["Caf\u00e9 Portal"] and systems["tickets"].tolist() == [30]


# --- group B: ingest ------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["inf", "3000000000", "lots", "-2"])
def test_hostile_29_dirty_count_cell_rejects_one_row_not_the_night(site, value):
    rows = ticket_rows()
    rows[5]["reopen_count"] = value
    export = make_export(site.root / "dirty.csv", rows)
    result = site.run(export)
    fails(result, 3, "1 rejected")
    validated = site.validate(export)   # rows[5] is data row 6, numbered like a bad date's row
    assert f"{export}, row 6, column 'reopen_count': not a count" in validated.output
    assert "40 rows: 39 accepted, 0 duplicate, 1 rejected" in validated.output


def test_hostile_30_invisible_only_text_counts_as_empty(site):
    rows = ticket_rows(10)
    rows[2].update(short_description="\u200b\u200b", description="\u2060")
    export = make_export(site.root / "inv.csv", rows)
    assert "no text: title and description are both empty" in site.validate(export).output


def test_hostile_31_json_ids_7_and_7_0_are_one_ticket(site):
    import json

    path = site.write("t.json", json.dumps([
        {"number": 7, "opened_at": "2026-10-01 09:00", "short_description": "VPN down"},
        {"number": 7.0, "opened_at": "2026-10-01 09:00", "short_description": "VPN down",
         "sys_updated_on": "2026-10-02 09:00"}]))
    assert "2 rows: 1 accepted, 1 duplicate, 0 rejected" in site.validate(path).output


def test_hostile_32_as_of_after_every_ticket_says_so(site):
    result = site.run(as_of="2027-06-30")
    no_traceback(result)
    assert "--as-of 2027-06-30 is after every ticket: the newest was opened on 2026-10-29" in result.output
    assert "Pass the export's last day as --as-of" in result.output


def test_hostile_33_zip_member_that_is_not_an_export_is_skipped_and_counted(site):
    import zipfile

    path = site.root / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.write(site.export, "export.csv")
        z.writestr("README.txt", "This archive holds last night's export.\n")
    out = site.validate(path).output
    assert "40 rows: 40 accepted" in out and "README.txt: skipped, not a ticket export" in out


def _bomb(path: Path, member: str = "export.csv", megabytes: int = 40) -> Path:
    """A zip whose one CSV member packs ``megabytes`` of repeated rows into a few dozen kB."""
    import zipfile

    line = b"INC00001,2026-10-01 09:00:00,VPN down,it fails again,VPN\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, z.open(member, "w") as fh:
        fh.write(b"number,opened_at,short_description,description,cmdb_ci\n")
        block = line * ((1 << 20) // len(line))
        for _ in range(megabytes):
            fh.write(block)
    return path


def test_hostile_34_zip_bomb_stops_at_the_cap(site, monkeypatch):
    import zipfile

    path = _bomb(site.root / "bomb.zip")
    assert path.stat().st_size < 400_000
    unpacked = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        chunk = real_read(self, n)
        unpacked.append(len(chunk))
        return chunk
    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    phrases = (f"{path}: the zip member export.csv unpacks to more than 32 MB", "ingest.read.max_zip_ratio = 100",
               "was not unpacked further", "A zip bomb?", "raise those limits")
    refused(site, lambda: site.run(path), *phrases)
    assert sum(unpacked) <= (32 << 20) + (1 << 20)   # streamed and stopped at the cap, not read whole
    fails(site.validate(path), 1, *phrases)
    small = ("--set", "ingest.read.max_stream_mb=1")
    fails(site.validate(_bomb(site.root / "two.zip", megabytes=2), extra=small), 1,
          "unpacks to more than 1 MB", "ingest.read.max_stream_mb = 1")


def _write_later(target: str, data: bytes) -> None:
    """Write ``data`` to a FIFO (or pipe) from a thread, as the program behind ``<(...)`` would."""
    import threading

    def write():
        with open(target, "wb") as fh:
            fh.write(data)
    threading.Thread(target=write, daemon=True).start()


def test_hostile_35_fifo_and_process_substitution_are_read_once(site):
    import hashlib
    import json

    data = site.export.read_bytes()
    fifo = site.root / "export.fifo"
    os.mkfifo(fifo)
    _write_later(str(fifo), data)
    result = site.run(fifo)
    assert result.exit_code == 0, result.output
    manifest = json.loads((site.out / NIGHT / "manifest.json").read_text())
    assert manifest["inputs"] == [{"file": str(fifo), "sha256": hashlib.sha256(data).hexdigest(), "rows": 40}]
    read_end, write_end = os.pipe()   # what bash passes for <(cat export.csv): /dev/fd/63
    os.close(write_end)
    try:
        _write_later(f"/dev/fd/{read_end}", data)
        out = site.validate(f"/dev/fd/{read_end}").output
    finally:
        os.close(read_end)
    assert "40 rows: 40 accepted, 0 duplicate, 0 rejected" in out, out


def test_hostile_36_fifo_nobody_writes_to_is_refused_not_a_hang(site, monkeypatch):
    import trendminer.ingest.source as source

    monkeypatch.setattr(source, "PIPE_WAIT_SECONDS", 0.2)
    fifo = site.root / "silent.fifo"
    os.mkfifo(fifo)
    for command in (lambda: site.run(fifo), lambda: site.validate(fifo)):
        refused(site, command, f"{fifo}: is a pipe (FIFO) that nothing wrote to within 0.2 s",
                "Start the program that writes the export before trendminer")


@pytest.mark.parametrize("how", ["deleted", "rotated"])
def test_hostile_37_input_deleted_or_rotated_during_the_run(site, monkeypatch, how):
    import hashlib
    import json

    import trendminer.pipeline as pipeline

    data = site.export.read_bytes()
    real_clean = pipeline.clean_tickets

    def clean_then_rotate(*args, **kwargs):   # the export has been read: now logrotate strikes
        if how == "rotated":
            os.rename(site.export, site.root / "export.csv.1")
            make_export(site.export, ticket_rows(3))
        else:
            site.export.unlink()
        return real_clean(*args, **kwargs)
    monkeypatch.setattr(pipeline, "clean_tickets", clean_then_rotate)
    result = site.run()
    assert result.exit_code == 0, result.output
    manifest = json.loads((site.out / NIGHT / "manifest.json").read_text())
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(data).hexdigest()   # the bytes analysed
    assert manifest["inputs"][0]["rows"] == 40


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_hostile_38_timezone_aware_parquet_and_excel_times_are_converted_like_csv(site, fmt):
    from trendminer.config import load_settings
    from trendminer.ingest import read_exports

    settings = load_settings(None, ["ingest.read.timezone='Europe/Berlin'"])
    csv = make_export(site.root / "tz.csv", [{"number": "INC1", "short_description": "VPN down",
                                               "opened_at": "2026-10-15T12:00:00+00:00"}])
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    path = site.root / f"tz.{fmt}"
    if fmt == "parquet":
        frame["opened_at"] = pd.to_datetime(frame["opened_at"]).dt.tz_convert("America/New_York")
        frame.to_parquet(path)
    else:   # Excel has no zone type: an aware time is a text cell with an offset
        frame["opened_at"] = "2026-10-15T08:00:00-04:00"
        frame.to_excel(path, index=False)
    opened = [read_exports([p], settings).raw["opened_at"].iloc[0] for p in (csv, path)]
    assert opened == [pd.Timestamp("2026-10-15 14:00:00")] * 2   # 12:00 UTC is 14:00 in Berlin


def _disk_full_from_commit(monkeypatch, n: int) -> None:
    """The ``n``-th state commit of this process (and every later one) hits a full disk."""
    import duckdb

    import trendminer.store as store

    real, calls = store.State.commit, []

    def commit(self):
        calls.append(1)
        if len(calls) < n:
            return real(self)
        con = self.con

        class Con:   # the connection, with a commit that hits a full disk
            def __getattr__(self, name):
                return getattr(con, name)

            def commit(self):
                raise duckdb.TransactionException(
                    "TransactionContext Error: Failed to commit: could not write: No space left on device")
        self.con = Con()
        try:
            real(self)
        finally:
            self.con = con
    monkeypatch.setattr(store.State, "commit", commit)


def test_hostile_39_replay_failing_on_a_later_night_names_the_committed_nights(site, monkeypatch):
    import duckdb

    state = site.root / "replayed.duckdb"
    _disk_full_from_commit(monkeypatch, 2)
    result = site.invoke("replay", site.export, "--set", "embed.backend=tfidf", "--set", "score.min_tickets=1",
                         "--from", "2026-10-28", "--to", "2026-10-30", "--state", state, "--out", site.out)
    fails(result, 1, "replay stopped at the night of 2026-10-29: the 1 night(s) before it (2026-10-28 to "
          f"2026-10-28) were already committed to the state file {state} and stay there",
          "the nights after it up to 2026-10-30 were not written", "No space left on device",
          "run replay again with --from 2026-10-29 --to 2026-10-30",
          "DuckDB rolled the run back, so that night was not written")
    assert "not changed" not in result.output and "held before this run" not in result.output
    assert "Nothing was changed" not in result.output
    monkeypatch.undo()
    con = duckdb.connect(str(state), read_only=True)
    nights = [str(d) for (d,) in con.execute("SELECT as_of FROM runs ORDER BY as_of").fetchall()]
    con.close()
    assert nights == ["2026-10-28"]   # what the message says is in the state


def test_hostile_40_implausible_dates_are_warned_about_and_counted(site):
    rows = ticket_rows()
    rows[2]["opened_at"] = "1899-12-30 00:00:00"   # an empty Excel date cell
    rows[3].update(opened_at="2026-10-04 09:00:00", resolved_at="2026-10-03 09:00:00")
    rows[4].update(opened_at="2026-10-05 09:00:00", resolved_at="2999-01-01 00:00:00")
    export = make_export(site.root / "odd.csv", rows)
    out = site.validate(export).output
    assert "40 rows: 40 accepted, 0 duplicate, 0 rejected" in out
    for phrase in (f"{export}: 1 dates in column 'opened_at' are before 1970-01-01 (e.g. row 3: 1899-12-30",
                   "1 dates in column 'resolved_at' are after 2200-12-31 (e.g. row 5: 2999-01-01",
                   "1 tickets were resolved before they were opened (e.g. row 4: opened 2026-10-04 09:00:00, "
                   "resolved 2026-10-03 09:00:00)",
                   "tickets kept with odd dates: before 1970 1, after 2200 1, resolved before opened 1"):
        assert phrase in out, out
    result = site.run(export)
    assert result.exit_code == 0, result.output
    digest = (site.out / NIGHT / "digest.html").read_text()
    assert "resolved before they were opened" in digest and "are before 1970-01-01" in digest


_CLAIMS = ("nothing was changed", "not changed", "as they were", "held before this run", "not committed")


def _claiming_messages() -> list[str]:
    """The message constants of trendminer.errors that say nothing (or nothing of tonight) was written."""
    import trendminer.errors as errors

    return sorted(n for n in dir(errors) if n.isupper() and isinstance(getattr(errors, n), str)
                  and any(c in getattr(errors, n).lower() for c in _CLAIMS))


@pytest.mark.parametrize("name", _claiming_messages())
def test_hostile_41_no_message_claims_nothing_changed_after_committed_replay_nights(name):
    from collections import defaultdict

    import trendminer.errors as errors
    from trendminer.guards import replay_stopped

    message = getattr(errors, name).format_map(defaultdict(lambda: "X"))
    night = pd.Timestamp("2026-10-29")
    said = str(replay_stopped(errors.StateError(message), [night - pd.Timedelta(days=1)], night, night, "s.duckdb"))
    assert "were already committed to the state file s.duckdb" in said
    assert not [c for c in _CLAIMS if c in said.lower()], said
