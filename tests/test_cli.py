"""CLI: exit codes and exact error text (sqlite-utils habit)."""
from __future__ import annotations

from click.testing import CliRunner

from tests.conftest import make_export
from trendminer.cli import cli


def test_cli_run_missing_text_column_exits_1_naming_the_key(tmp_path):
    export = make_export(tmp_path / "x.csv", [{"number": "INC1", "short_description": "a"}],
                         columns=["number", "opened_at", "cmdb_ci"])
    result = CliRunner().invoke(cli, ["run", str(export), "--state", str(tmp_path / "s.duckdb"),
                                      "--out", str(tmp_path / "r"), "--as-of", "2026-10-31"])
    assert result.exit_code == 1
    assert "column 'short_description' not found" in result.output
    assert "ingest.columns.title" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert not (tmp_path / "s.duckdb").exists()


def test_cli_bad_date_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["run", "x.csv", "--as-of", "31/10/2026"])
    assert result.exit_code == 2 and "is not a date like 2026-10-31" in result.output


def test_cli_missing_file_exits_1(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1 and "file not found" in result.output


def test_cli_validate_prints_accounting(tmp_path):
    export = make_export(tmp_path / "x.csv", [
        {"number": "INC1", "short_description": "vpn down"},
        {"number": "INC1", "short_description": "vpn down", "sys_updated_on": "2026-10-21 10:00:00"},
        {"number": "INC2", "short_description": "bad date", "opened_at": "yesterday-ish"},
    ])
    result = CliRunner().invoke(cli, ["validate", str(export), "--as-of", "2026-10-31"])
    assert result.exit_code == 0
    assert result.output.startswith("3 rows: 1 accepted, 1 duplicate, 1 rejected")
    assert "row 3, column 'opened_at': unreadable date" in result.output
